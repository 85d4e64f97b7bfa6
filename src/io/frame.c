/* pesx_frame: a structure plus what an (extended) XYZ file said about it. */
#include <config.h>
#include <pesx/io.h>
#include "io/xyz_impl.h"

#include <stdlib.h>
#include <string.h>

void pesx_frame_init(pesx_frame *f)
{
    memset(f, 0, sizeof *f);
}

void pesx_frame_release(pesx_frame *f)
{
    if (!f)
        return;
    pesx_atoms_free(f->atoms);
    free(f->forces);
    free(f->info);
    for (size_t k = 0; k < f->n_extra; k++) {
        free(f->extra_name[k]);
        free(f->extra[k]);
    }
    pesx_frame_init(f);
}

static char *dup_string(const char *s)
{
    size_t len = strlen(s);
    char *d = malloc(len + 1);
    if (d)
        memcpy(d, s, len + 1);
    return d;
}

static double *dup_doubles(const double *v, size_t n)
{
    double *d = malloc((n ? n : 1) * sizeof *d);
    if (d && n)
        memcpy(d, v, n * sizeof *d);
    return d;
}

int pesx_frame_copy(pesx_frame *dst, const pesx_frame *src)
{
    size_t n = src->atoms ? src->atoms->n : 0;
    pesx_frame_init(dst);
    dst->has_energy = src->has_energy;
    dst->energy = src->energy;
    dst->has_forces = src->has_forces;
    dst->line = src->line;
    if (src->atoms && !(dst->atoms = pesx_atoms_clone(src->atoms)))
        goto nomem;
    if (src->forces && !(dst->forces = dup_doubles(src->forces, 3 * n)))
        goto nomem;
    if (src->info && !(dst->info = dup_string(src->info)))
        goto nomem;
    for (size_t k = 0; k < src->n_extra; k++) {
        dst->extra_name[k] = dup_string(src->extra_name[k]);
        dst->extra[k] = dup_doubles(src->extra[k], n * (size_t)src->extra_cols[k]);
        dst->extra_cols[k] = src->extra_cols[k];
        dst->extra_type[k] = src->extra_type[k];
        dst->n_extra = k + 1;
        if (!dst->extra_name[k] || !dst->extra[k])
            goto nomem;
    }
    return PESX_OK;
nomem:
    pesx_frame_release(dst);
    return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory copying a frame");
}

static int reserved_column(const char *name)
{
    static const char *const names[] = {"species", "pos", "Z", "forces", "force",
                                        "move_mask", "fixed", NULL};
    for (int i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

int pesx_frame_set_extra(pesx_frame *f, const char *name, int ncols, const double *values)
{
    size_t n, k;
    double *copy;
    char *name_copy;
    if (!f->atoms)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "extra column %s: the frame has no atoms",
                              name ? name : "(null)");
    if (!xyz_valid_name(name, 0) || reserved_column(name))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "'%s' cannot name an extra column (empty, reserved, or has "
                              "spaces, quotes, '=' or ':')",
                              name ? name : "(null)");
    if (ncols < 1 || ncols > 1024)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "extra column %s: %d columns (1 to 1024)",
                              name, ncols);
    n = f->atoms->n;
    for (k = 0; k < f->n_extra; k++)
        if (strcmp(f->extra_name[k], name) == 0)
            break;
    if (k == f->n_extra && k == PESX_FRAME_MAX_EXTRA)
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "extra column %s: a frame holds at most %d extra columns", name,
                              PESX_FRAME_MAX_EXTRA);
    copy = dup_doubles(values, n * (size_t)ncols);
    name_copy = k == f->n_extra ? dup_string(name) : NULL;
    if (!copy || (k == f->n_extra && !name_copy)) {
        free(copy);
        free(name_copy);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    }
    if (k == f->n_extra) {
        f->extra_name[k] = name_copy;
        f->n_extra++;
    } else {
        free(f->extra[k]);
    }
    f->extra[k] = copy;
    f->extra_cols[k] = ncols;
    f->extra_type[k] = 'R';
    return PESX_OK;
}

const double *pesx_frame_get_extra(const pesx_frame *f, const char *name, int *ncols)
{
    for (size_t k = 0; k < f->n_extra; k++)
        if (strcmp(f->extra_name[k], name) == 0) {
            if (ncols)
                *ncols = f->extra_cols[k];
            return f->extra[k];
        }
    return NULL;
}

int pesx_frame_add_info(pesx_frame *f, const char *key, const char *value)
{
    xyz_kvlist l;
    char *quoted = NULL, *out = NULL, *kept = NULL;
    unsigned char *keep;
    const char *old = f->info ? f->info : "";
    if (!xyz_valid_name(key, 1))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "'%s' cannot be an info key (empty, or has spaces, quotes or '=')",
                              key ? key : "(null)");
    if (xyz_reserved_key(key))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "info key %s is written by the XYZ writer itself", key);
    if (value && strpbrk(value, "\n\r"))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "info %s: value has a line break", key);
    if (value && !(quoted = xyz_quote_value(value)))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    if (xyz_tokenize_comment(old, &l) != XYZ_TOK_OK) {
        free(quoted);
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "info '%.60s' is not key=value text; cannot add %s", old, key);
    }
    if ((keep = malloc(l.n ? l.n : 1))) {
        for (size_t i = 0; i < l.n; i++)
            keep[i] = strcmp(l.kv[i].key, key) != 0; /* an earlier KEY is replaced */
        kept = xyz_kvlist_join(old, &l, keep);
    }
    if (kept)
        out = malloc(strlen(kept) + strlen(key) + (quoted ? strlen(quoted) : 0) + 3);
    if (out)
        sprintf(out, "%s%s%s%s%s", kept, *kept ? " " : "", key, quoted ? "=" : "",
                quoted ? quoted : "");
    free(keep);
    free(kept);
    free(quoted);
    xyz_kvlist_release(&l);
    if (!out)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    free(f->info);
    f->info = out;
    return PESX_OK;
}

int pesx_frame_get_info(const pesx_frame *f, const char *key, char *buf, size_t size)
{
    xyz_kvlist l;
    long i;
    int found = 0;
    if (!f->info || xyz_tokenize_comment(f->info, &l) != XYZ_TOK_OK)
        return 0;
    if ((i = xyz_kvlist_find(&l, key, 0)) >= 0) {
        if (size)
            snprintf(buf, size, "%s", l.kv[i].value ? l.kv[i].value : "T");
        found = 1;
    }
    xyz_kvlist_release(&l);
    return found;
}
