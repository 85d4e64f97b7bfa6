/* The comment line of an extended-XYZ frame: Lattice, pbc, Properties and
 * energy interpreted, everything else kept verbatim as the frame's info.  A
 * comment line without any key=value entry is plain XYZ. */
#include <config.h>
#include <pesx/io.h>
#include "io/xyz_impl.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int bad(const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(const char *file, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = pesx_error_setv(PESX_EINVAL, file, line, fmt, ap);
    va_end(ap);
    return st;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

void xyz_header_release(xyz_header *h)
{
    free(h->props_text);
    free(h->info);
    memset(h, 0, sizeof *h);
}

/* The next item of a list separated by whitespace or commas: skips the
 * separators before it, leaves *S at its start and its length in *LEN;
 * 0 at the end of the list. */
static int next_item(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = 0;
    while (*p == ',' || is_space(*p))
        p++;
    while (p[n] && p[n] != ',' && !is_space(p[n]))
        n++;
    *s = p;
    *len = n;
    return n > 0;
}

/* Numbers of a Lattice-like value: separated by whitespace or commas. */
static int parse_numbers(const char *text, double *v, int max, int *count)
{
    char item[128];
    int n = 0;
    const char *s = text;
    size_t len;
    while (next_item(&s, &len)) {
        if (n == max || len >= sizeof item)
            return PESX_EINVAL;
        memcpy(item, s, len);
        item[len] = '\0';
        if (pesx_parse_double(item, &v[n]) != PESX_OK)
            return PESX_EINVAL;
        n++;
        s += len;
    }
    *count = n;
    return PESX_OK;
}

static int parse_lattice(const char *file, long line, const char *value, double cell[9])
{
    char show[64];
    int n = 0;
    if (!value)
        return bad(file, line, "Lattice has no value (expected 9 numbers, \"ax ay az bx by bz cx cy cz\")");
    if (parse_numbers(value, cell, 9, &n) != PESX_OK || n != 9)
        return bad(file, line,
                    "Lattice=\"%s\" is not 9 finite numbers (\"ax ay az bx by bz cx cy cz\")",
                    xyz_show(value, show, sizeof show));
    return PESX_OK;
}

int xyz_parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"T", "True", "true", "TRUE", "1", NULL};
    static const char *const no[] = {"F", "False", "false", "FALSE", "0", NULL};
    for (int i = 0; yes[i]; i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = 1;
            return PESX_OK;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = 0;
            return PESX_OK;
        }
    }
    return PESX_EINVAL;
}

/* pbc="T T F", pbc=[T, T, F], pbc=T (all three), pbc="1 1 0". */
static int parse_pbc(const char *file, long line, const char *value, int pbc[3])
{
    char show[64], item[16];
    int n = 0, v[3];
    const char *s = value ? value : "T"; /* a bare "pbc" means True, as in ASE */
    size_t len;
    while (next_item(&s, &len)) {
        if (n == 3 || len >= sizeof item)
            goto bad;
        memcpy(item, s, len);
        item[len] = '\0';
        if (xyz_parse_bool(item, &v[n]) != PESX_OK)
            goto bad;
        n++;
        s += len;
    }
    if (n == 1)
        v[1] = v[2] = v[0];
    else if (n != 3)
        goto bad;
    pbc[0] = v[0];
    pbc[1] = v[1];
    pbc[2] = v[2];
    return PESX_OK;
bad:
    return bad(file, line, "pbc=\"%s\" is not three flags T or F (like pbc=\"T T F\")",
                xyz_show(value, show, sizeof show));
}

static const char *role_spec(int role)
{
    switch (role) {
    case ROLE_SPECIES: return "species:S:1";
    case ROLE_POS: return "pos:R:3";
    case ROLE_Z: return "Z:I:1";
    case ROLE_FORCES: return "forces:R:3";
    case ROLE_MOVE_MASK: return "move_mask:L:1 or move_mask:L:3";
    case ROLE_FIXED: return "fixed:I:1 or fixed:L:1";
    default: return "";
    }
}

static int parse_properties(const char *file, long line, const char *value, xyz_header *h)
{
    char show[64];
    char *s, *field[3 * XYZ_MAX_PROPS + 1];
    size_t nf = 0;
    int seen[ROLE_EXTRA + 1] = {0};
    if (!value || !*value)
        return bad(file, line, "Properties has no value (expected e.g. species:S:1:pos:R:3)");
    if (!(h->props_text = malloc(strlen(value) + 1)))
        return pesx_error_set(PESX_ENOMEM, file, line, "out of memory");
    strcpy(h->props_text, value);
    for (s = h->props_text;;) {
        char *colon = strchr(s, ':');
        if (nf == 3 * XYZ_MAX_PROPS)
            return bad(file, line, "Properties lists more than %d columns groups", XYZ_MAX_PROPS);
        field[nf++] = s;
        if (!colon)
            break;
        *colon = '\0';
        s = colon + 1;
    }
    if (nf % 3 != 0)
        return bad(file, line,
                    "Properties=%s is not a list of NAME:TYPE:NCOLS triples (like "
                    "species:S:1:pos:R:3)",
                    xyz_show(value, show, sizeof show));
    h->total_cols = 0;
    for (size_t i = 0; i < nf; i += 3) {
        xyz_prop *p = &h->prop[h->nprops];
        long ncols;
        const char *name = field[i], *type = field[i + 1];
        if (!xyz_valid_name(name, 0))
            return bad(file, line,
                        "Properties: column group %zu has the name '%s' (expected letters, "
                        "digits or _, no spaces, quotes or commas)",
                        i / 3 + 1, xyz_show(name, show, sizeof show));
        for (size_t j = 0; j < h->nprops; j++)
            if (strcmp(h->prop[j].name, name) == 0)
                return bad(file, line, "Properties: column %s is listed twice",
                            xyz_show(name, show, sizeof show));
        if (strlen(type) != 1 || !strchr("RISL", type[0]))
            return bad(file, line, "Properties: %s has type '%s' (expected R, I, S or L)",
                        xyz_show(name, show, sizeof show), type);
        if (pesx_parse_long(field[i + 2], 1, XYZ_MAX_PROP_COLS, &ncols) != PESX_OK)
            return bad(file, line, "Properties: %s has column count '%s' (expected 1 to %d)",
                        xyz_show(name, show, sizeof show), field[i + 2], XYZ_MAX_PROP_COLS);
        p->name = name;
        p->type = type[0];
        p->ncols = (int)ncols;
        p->slot = -1;
        if (strcmp(name, "species") == 0)
            p->role = ROLE_SPECIES;
        else if (strcmp(name, "pos") == 0)
            p->role = ROLE_POS;
        else if (strcmp(name, "Z") == 0)
            p->role = ROLE_Z;
        else if (strcmp(name, "forces") == 0 || strcmp(name, "force") == 0)
            p->role = ROLE_FORCES;
        else if (strcmp(name, "move_mask") == 0)
            p->role = ROLE_MOVE_MASK;
        else if (strcmp(name, "fixed") == 0)
            p->role = ROLE_FIXED;
        else if (p->type != 'S' && h->n_extra < PESX_FRAME_MAX_EXTRA) {
            p->role = ROLE_EXTRA;
            p->slot = h->n_extra++;
        } else {
            p->role = ROLE_SKIP; /* strings, or more extra columns than a frame holds */
        }
        switch (p->role) {
        case ROLE_SPECIES: if (p->type != 'S' || p->ncols != 1) goto badtype; break;
        case ROLE_POS: if (p->type != 'R' || p->ncols != 3) goto badtype; break;
        case ROLE_Z: if (p->type != 'I' || p->ncols != 1) goto badtype; break;
        case ROLE_FORCES: if (p->type != 'R' || p->ncols != 3) goto badtype; break;
        case ROLE_MOVE_MASK:
            if (p->type != 'L' || (p->ncols != 1 && p->ncols != 3)) goto badtype;
            break;
        case ROLE_FIXED:
            if ((p->type != 'I' && p->type != 'L') || p->ncols != 1) goto badtype;
            break;
        default: break;
        }
        if (p->role == ROLE_FORCES && seen[ROLE_FORCES])
            return bad(file, line, "Properties lists both force and forces");
        seen[p->role] = 1;
        h->total_cols += p->ncols;
        h->nprops++;
        if (h->total_cols > XYZ_MAX_TOTAL_COLS)
            return bad(file, line, "Properties declares more than %d columns", XYZ_MAX_TOTAL_COLS);
        continue;
    badtype:
        return bad(file, line, "Properties: %s:%c:%d, but %s is read as %s", name, p->type,
                    p->ncols, name, role_spec(p->role));
    }
    if (!seen[ROLE_POS])
        return bad(file, line, "Properties=%s has no pos:R:3 column (positions are required)",
                    xyz_show(value, show, sizeof show));
    if (!seen[ROLE_SPECIES] && !seen[ROLE_Z])
        return bad(file, line,
                    "Properties=%s has neither species:S:1 nor Z:I:1 (elements are required)",
                    xyz_show(value, show, sizeof show));
    return PESX_OK;
}

/* The plain-XYZ layout: species and positions, further columns ignored. */
static void default_properties(xyz_header *h)
{
    h->nprops = 2;
    h->prop[0] = (xyz_prop){"species", 'S', 1, ROLE_SPECIES, -1};
    h->prop[1] = (xyz_prop){"pos", 'R', 3, ROLE_POS, -1};
    h->total_cols = 4;
}

/* Rebuild info from the entries the reader does not interpret. */
static int keep_info(const char *file, long line, const char *text, const xyz_kvlist *l,
                     const long *used, xyz_header *h)
{
    unsigned char *keep = malloc(l->n ? l->n : 1);
    if (keep) {
        for (size_t i = 0; i < l->n; i++)
            keep[i] = used[0] != (long)i && used[1] != (long)i && used[2] != (long)i &&
                      used[3] != (long)i;
        h->info = xyz_kvlist_join(text, l, keep);
        free(keep);
    }
    return h->info ? PESX_OK : pesx_error_set(PESX_ENOMEM, file, line, "out of memory");
}

static int plain_comment(const char *file, long line, const char *text, xyz_header *h)
{
    pesx_frame tmp;
    int status;
    char *start;
    default_properties(h);
    while (is_space(*text))
        text++;
    if (!*text) {
        h->info = calloc(1, 1);
        return h->info ? PESX_OK : pesx_error_set(PESX_ENOMEM, file, line, "out of memory");
    }
    /* keep free text as comment="..." so a writer passes it on (ASE reads it so too) */
    if (!(start = malloc(strlen(text) + 1)))
        return pesx_error_set(PESX_ENOMEM, file, line, "out of memory");
    strcpy(start, text);
    for (size_t len = strlen(start); len > 0 && is_space(start[len - 1]);)
        start[--len] = '\0';
    pesx_frame_init(&tmp);
    status = pesx_frame_add_info(&tmp, "comment", start);
    free(start);
    if (status)
        return status;
    h->info = tmp.info;
    return PESX_OK;
}

int xyz_parse_comment(const char *file, long line, const char *text, xyz_header *h)
{
    xyz_kvlist l;
    static const char *const keys[4] = {"Lattice", "pbc", "Properties", "energy"};
    long used[4];
    int has_value = 0, tok, status = PESX_OK, has_pbc = 0;
    char show[64];

    memset(h, 0, sizeof *h);
    tok = xyz_tokenize_comment(text, &l);
    if (tok == XYZ_TOK_NOMEM)
        return pesx_error_set(PESX_ENOMEM, file, line, "out of memory");
    if (tok != XYZ_TOK_OK) {
        /* not key=value text: plain XYZ, unless it tried to be extended */
        if (strstr(text, "Properties=") || strstr(text, "Lattice="))
            return bad(file, line, "%s in the extended-XYZ comment line",
                        tok == XYZ_TOK_UNTERMINATED ? "unterminated quote or bracket"
                                                    : "'=' without a key");
        return plain_comment(file, line, text, h);
    }
    for (size_t i = 0; i < l.n; i++)
        has_value |= l.kv[i].value != NULL;
    if (!has_value) {
        xyz_kvlist_release(&l);
        return plain_comment(file, line, text, h);
    }
    for (int k = 0; k < 4; k++) {
        int nocase = k < 3, count = 0;
        used[k] = -1;
        for (size_t i = 0; i < l.n; i++)
            if (nocase ? strcasecmp(l.kv[i].key, keys[k]) == 0 : strcmp(l.kv[i].key, keys[k]) == 0) {
                used[k] = (long)i;
                count++;
            }
        if (count > 1) {
            status = bad(file, line, "%s is given %d times in the comment line", keys[k], count);
            goto done;
        }
    }
    if (used[0] >= 0) {
        if ((status = parse_lattice(file, line, l.kv[used[0]].value, h->cell)))
            goto done;
        h->has_lattice = 1;
        h->pbc[0] = h->pbc[1] = h->pbc[2] = 1; /* Lattice without pbc: periodic, as ASE */
    }
    if (used[1] >= 0) {
        if ((status = parse_pbc(file, line, l.kv[used[1]].value, h->pbc)))
            goto done;
        has_pbc = 1;
    }
    if (has_pbc && !h->has_lattice && (h->pbc[0] || h->pbc[1] || h->pbc[2])) {
        status = bad(file, line, "pbc=\"%c %c %c\" is periodic but there is no Lattice",
                      h->pbc[0] ? 'T' : 'F', h->pbc[1] ? 'T' : 'F', h->pbc[2] ? 'T' : 'F');
        goto done;
    }
    if (h->has_lattice) {
        /* the periodic lattice vectors must be independent; a vector along
         * an open direction may be anything (ASE often writes zeros there) */
        pesx_atoms cell;
        memset(&cell, 0, sizeof cell);
        memcpy(cell.cell, h->cell, sizeof cell.cell);
        cell.has_cell = 1;
        for (int k = 0; k < 3; k++)
            cell.pbc[k] = h->pbc[k];
        if (pesx_atoms_frame(&cell, NULL, NULL) != PESX_OK) {
            char msg[sizeof pesx_error_last()->msg];
            snprintf(msg, sizeof msg, "%s", pesx_error_last()->msg);
            status = bad(file, line, "Lattice with pbc=\"%c %c %c\": %s", h->pbc[0] ? 'T' : 'F',
                         h->pbc[1] ? 'T' : 'F', h->pbc[2] ? 'T' : 'F', msg);
            goto done;
        }
    }
    if (used[2] >= 0) {
        if ((status = parse_properties(file, line, l.kv[used[2]].value, h)))
            goto done;
        h->extended = 1;
    } else {
        default_properties(h);
    }
    if (used[3] >= 0) {
        const char *v = l.kv[used[3]].value;
        if (!v || pesx_parse_double(v, &h->energy) != PESX_OK) {
            status = bad(file, line, "energy=%s is not a finite number",
                          v ? xyz_show(v, show, sizeof show) : "(no value)");
            goto done;
        }
        h->has_energy = 1;
    }
    status = keep_info(file, line, text, &l, used, h);
done:
    xyz_kvlist_release(&l);
    return status;
}

