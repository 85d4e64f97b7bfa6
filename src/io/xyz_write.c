/* Extended XYZ writer: what ASE and OVITO read, with numbers that read back
 * exactly (the shortest of %.15g, %.16g, %.17g that round-trips). */
#include <config.h>
#include <pesx/io.h>
#include "io/xyz_impl.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *symbol_of(int z)
{
    const char *s = pesx_element_symbol(z);
    return s ? s : (z == 0 ? "X" : NULL);
}

static int all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

/* Refuse what the reader would refuse, so every file written reads back. */
static int check_frame(const pesx_frame *f)
{
    const pesx_atoms *a = f->atoms;
    if (!a || a->n == 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "cannot write a frame without atoms");
    for (size_t i = 0; i < a->n; i++)
        if (!symbol_of(a->z[i]))
            return pesx_error_set(PESX_EINVAL, NULL, 0, "atom %zu has atomic number %d", i + 1,
                                  a->z[i]);
    if (!all_finite(a->x, 3 * a->n))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "a position is not finite (NaN or inf)");
    if (f->has_forces && (!f->forces || !all_finite(f->forces, 3 * a->n)))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "a force is missing or not finite");
    if (f->has_energy && !isfinite(f->energy))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "the energy is not finite");
    if (a->has_cell && !all_finite(a->cell, 9))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "the cell is not finite");
    if (pesx_atoms_frame(a, NULL, NULL) != PESX_OK) /* as the reader checks it */
        return PESX_EINVAL;
    if (f->info && strpbrk(f->info, "\n\r"))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "info has a line break");
    if (f->info && *f->info) { /* it must read back as the same entries */
        xyz_kvlist l;
        int tok = xyz_tokenize_comment(f->info, &l), reserved = 0, last_open = 0;
        for (size_t i = 0; tok == XYZ_TOK_OK && i < l.n; i++) {
            reserved |= xyz_reserved_key(l.kv[i].key);
            if (i + 1 == l.n) {
                size_t end = l.kv[i].value ? l.kv[i].val_end : l.kv[i].key_end;
                last_open = f->info[end - 1] == '\\' ||
                            (l.kv[i].value && l.kv[i].val_end == l.kv[i].val_start);
            }
        }
        xyz_kvlist_release(&l);
        if (tok == XYZ_TOK_NOMEM)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        if (tok != XYZ_TOK_OK || reserved || last_open)
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "info '%.60s' is not key=value text the reader takes back "
                                  "(unbalanced quotes, Lattice/Properties/pbc/energy, or a "
                                  "dangling '=' or backslash at the end)",
                                  f->info);
    }
    if (f->n_extra > PESX_FRAME_MAX_EXTRA)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "too many extra columns");
    for (size_t k = 0; k < f->n_extra; k++) {
        const char *name = f->extra_name[k];
        if (!xyz_valid_name(name, 0) || f->extra_cols[k] < 1 || !f->extra[k])
            return pesx_error_set(PESX_EINVAL, NULL, 0, "extra column %zu is malformed", k + 1);
        if (!all_finite(f->extra[k], a->n * (size_t)f->extra_cols[k]))
            return pesx_error_set(PESX_EINVAL, NULL, 0, "extra column %s has a NaN or inf",
                                  name);
    }
    return PESX_OK;
}

static char extra_type(const pesx_frame *f, size_t k)
{
    char t = f->extra_type[k];
    size_t m = f->atoms->n * (size_t)f->extra_cols[k];
    if (t != 'I' && t != 'L')
        return 'R';
    for (size_t i = 0; i < m; i++) { /* integers must still be integers */
        double v = f->extra[k][i];
        if (v != floor(v) || fabs(v) > 9.0e15)
            return 'R';
    }
    return t;
}

int pesx_xyz_write(FILE *fp, const pesx_frame *f)
{
    const pesx_atoms *a = f->atoms;
    char num[32];
    int any_fixed = 0, status;
    char types[PESX_FRAME_MAX_EXTRA];

    if ((status = check_frame(f)))
        return status;
    for (size_t i = 0; a->fixed && i < a->n; i++)
        any_fixed |= a->fixed[i] != 0;
    for (size_t k = 0; k < f->n_extra; k++)
        types[k] = extra_type(f, k);

    fprintf(fp, "%zu\n", a->n);
    if (a->has_cell) {
        fputs("Lattice=\"", fp);
        for (int k = 0; k < 9; k++) {
            xyz_format_double(num, a->cell[k]);
            fprintf(fp, "%s%s", k ? " " : "", num);
        }
        fputs("\" ", fp);
    }
    fputs("Properties=species:S:1:pos:R:3", fp);
    if (f->has_forces)
        fputs(":forces:R:3", fp);
    if (any_fixed)
        fputs(":move_mask:L:1", fp);
    for (size_t k = 0; k < f->n_extra; k++)
        fprintf(fp, ":%s:%c:%d", f->extra_name[k], types[k], f->extra_cols[k]);
    if (f->has_energy) {
        xyz_format_double(num, f->energy);
        fprintf(fp, " energy=%s", num);
    }
    if (f->info && f->info[strspn(f->info, " \t")])
        fprintf(fp, " %s", f->info + strspn(f->info, " \t"));
    fprintf(fp, " pbc=\"%c %c %c\"\n", a->pbc[0] ? 'T' : 'F', a->pbc[1] ? 'T' : 'F',
            a->pbc[2] ? 'T' : 'F');

    for (size_t i = 0; i < a->n; i++) {
        fprintf(fp, "%-2s", symbol_of(a->z[i]));
        for (int k = 0; k < 3; k++) {
            xyz_format_double(num, a->x[3 * i + (size_t)k]);
            fprintf(fp, " %22s", num);
        }
        if (f->has_forces)
            for (int k = 0; k < 3; k++) {
                xyz_format_double(num, f->forces[3 * i + (size_t)k]);
                fprintf(fp, " %22s", num);
            }
        if (any_fixed)
            fprintf(fp, " %c", a->fixed[i] ? 'F' : 'T'); /* move_mask: T = free */
        for (size_t k = 0; k < f->n_extra; k++)
            for (int c = 0; c < f->extra_cols[k]; c++) {
                double v = f->extra[k][i * (size_t)f->extra_cols[k] + (size_t)c];
                if (types[k] == 'L')
                    fprintf(fp, " %c", v != 0 ? 'T' : 'F');
                else if (types[k] == 'I')
                    fprintf(fp, " %8.0f", v);
                else {
                    xyz_format_double(num, v);
                    fprintf(fp, " %22s", num);
                }
            }
        fputc('\n', fp);
    }
    if (ferror(fp))
        return pesx_error_set(PESX_EWRITE, NULL, 0, "write error: %s", strerror(errno ? errno : EIO));
    return PESX_OK;
}

int pesx_xyz_write_file(const char *path, const pesx_frame *frames, size_t n)
{
    pesx_atomic_file af;
    int status;
    if (n == 0)
        return pesx_error_set(PESX_EINVAL, path, 0, "no frames to write");
    for (size_t i = 0; i < n; i++) /* check everything before creating the file */
        if ((status = check_frame(&frames[i])))
            return pesx_error_prefix("%s: frame %zu", path, i + 1);
    if ((status = pesx_atomic_open(&af, path)))
        return status;
    for (size_t i = 0; i < n; i++)
        if ((status = pesx_xyz_write(af.fp, &frames[i]))) {
            char msg[sizeof pesx_error_last()->msg];
            snprintf(msg, sizeof msg, "%s", pesx_error_last()->msg);
            pesx_atomic_abort(&af);
            return pesx_error_set(status, path, 0, "%s", msg);
        }
    return pesx_atomic_commit(&af);
}
