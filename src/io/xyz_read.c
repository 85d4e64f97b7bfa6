/* Streaming reader of plain and extended XYZ (as ASE and OVITO write it).
 *
 * A frame is an atom-count line, a comment line and one line per atom.  An
 * extended comment line holds key=value entries: Lattice (9 numbers, rows
 * a, b, c), pbc, Properties (NAME:TYPE:NCOLS triples describing the atom
 * columns) and energy are interpreted; every other entry is kept verbatim
 * in the frame's info.  A comment line without any key=value entry is plain
 * XYZ: the atom lines are "symbol x y z [ignored columns]".  Every error
 * names the file and the line it is about. */
#include <config.h>
#include <pesx/io.h>
#include "io/xyz_impl.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { ROLE_SKIP, ROLE_SPECIES, ROLE_POS, ROLE_Z, ROLE_FORCES, ROLE_MOVE_MASK, ROLE_FIXED, ROLE_EXTRA };

#define MAX_PROPS 64
#define MAX_PROP_COLS 1024
#define MAX_TOTAL_COLS 4096

typedef struct {
    const char *name;
    char type;  /* R I S L */
    int ncols;
    int role;
    int slot;   /* extra slot for ROLE_EXTRA */
} xyz_prop;

/* What the comment line said. */
typedef struct {
    int extended;          /* a Properties entry was given */
    int has_lattice;
    double cell[9];
    int pbc[3];
    int has_energy;
    double energy;
    char *props_text;      /* copy of the Properties value; prop names point into it */
    size_t nprops;
    xyz_prop prop[MAX_PROPS];
    int total_cols;
    int n_extra;
    char *info;
} xyz_header;

struct pesx_xyz_reader {
    FILE *fp;
    int own_fp;
    char *name;
    long line;             /* number of the last line read */
    char *buf;
    size_t buf_cap;
    int status;            /* sticky error status */
    long frames;           /* frames read so far */
    long last_frame_line;
    /* per-frame scratch, reused from frame to frame */
    size_t cap_atoms;
    int *z;
    double *x;
    unsigned char *fixed;
    double *forces;
    size_t extra_cap[PESX_FRAME_MAX_EXTRA];
    double *extra[PESX_FRAME_MAX_EXTRA];
    char **tok;
    size_t tok_cap;
};

/* ---- opening and closing ------------------------------------------------ */

static pesx_xyz_reader *reader_new(FILE *fp, int own, const char *name)
{
    pesx_xyz_reader *r = calloc(1, sizeof *r);
    size_t len = strlen(name);
    if (!r || !(r->name = malloc(len + 1))) {
        free(r);
        pesx_error_set(PESX_ENOMEM, name, 0, "out of memory");
        return NULL;
    }
    memcpy(r->name, name, len + 1);
    r->fp = fp;
    r->own_fp = own;
    return r;
}

pesx_xyz_reader *pesx_xyz_open(const char *path)
{
    FILE *fp;
    pesx_xyz_reader *r;
    if (!path || !*path) {
        pesx_error_set(PESX_EINVAL, NULL, 0, "no XYZ file name given");
        return NULL;
    }
    fp = fopen(path, "r");
    if (!fp) {
        pesx_error_set(errno == ENOENT ? PESX_EINVAL : PESX_EIO, path, 0, "cannot open: %s",
                       strerror(errno));
        return NULL;
    }
    r = reader_new(fp, 1, path);
    if (!r)
        fclose(fp);
    return r;
}

pesx_xyz_reader *pesx_xyz_open_fp(FILE *fp, const char *name)
{
    return reader_new(fp, 0, name && *name ? name : "<stream>");
}

void pesx_xyz_close(pesx_xyz_reader *r)
{
    if (!r)
        return;
    if (r->own_fp && r->fp)
        fclose(r->fp);
    free(r->name);
    free(r->buf);
    free(r->z);
    free(r->x);
    free(r->fixed);
    free(r->forces);
    for (int k = 0; k < PESX_FRAME_MAX_EXTRA; k++)
        free(r->extra[k]);
    free(r->tok);
    free(r);
}

/* ---- lines --------------------------------------------------------------- */

static int fail(pesx_xyz_reader *r, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(pesx_xyz_reader *r, long line, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->status = PESX_EINVAL;
    return pesx_error_set(PESX_EINVAL, r->name, line, "%s", msg);
}

/* Next line into r->buf without its line ending (LF or CRLF): 1 read, 0
 * end of file, or a negative status (-PESX_EINVAL for a NUL byte, -PESX_EIO). */
static int read_line(pesx_xyz_reader *r)
{
    ssize_t len;
    errno = 0;
    len = getline(&r->buf, &r->buf_cap, r->fp);
    if (len < 0) {
        if (ferror(r->fp)) {
            r->status = pesx_error_set(PESX_EIO, r->name, r->line + 1, "read error: %s",
                                       strerror(errno ? errno : EIO));
            return -PESX_EIO;
        }
        return 0;
    }
    r->line++;
    if (strlen(r->buf) != (size_t)len) {
        fail(r, r->line, "binary data (a NUL byte) in a text file");
        return -PESX_EINVAL;
    }
    while (len > 0 && (r->buf[len - 1] == '\n' || r->buf[len - 1] == '\r'))
        r->buf[--len] = '\0';
    if (r->line == 1 && (unsigned char)r->buf[0] == 0xEF && (unsigned char)r->buf[1] == 0xBB &&
        (unsigned char)r->buf[2] == 0xBF)
        memmove(r->buf, r->buf + 3, (size_t)len - 2); /* UTF-8 byte-order mark */
    return 1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static int blank(const char *s)
{
    while (is_space(*s))
        s++;
    return *s == '\0';
}

/* Split r->buf in place at whitespace; returns the number of tokens. */
static int split_tokens(pesx_xyz_reader *r, size_t *ntok)
{
    char *s = r->buf;
    size_t n = 0;
    for (;;) {
        while (is_space(*s))
            s++;
        if (!*s)
            break;
        if (n == r->tok_cap) {
            size_t cap = r->tok_cap ? 2 * r->tok_cap : 64;
            char **t = realloc(r->tok, cap * sizeof *t);
            if (!t)
                return pesx_error_set(PESX_ENOMEM, r->name, r->line, "out of memory");
            r->tok = t;
            r->tok_cap = cap;
        }
        r->tok[n++] = s;
        while (*s && !is_space(*s))
            s++;
        if (*s)
            *s++ = '\0';
    }
    *ntok = n;
    return PESX_OK;
}

/* ---- the comment line ---------------------------------------------------- */

static void header_release(xyz_header *h)
{
    free(h->props_text);
    free(h->info);
    memset(h, 0, sizeof *h);
}

/* Numbers of a Lattice-like value: separated by whitespace or commas. */
static int parse_numbers(const char *text, double *v, int max, int *count)
{
    char item[128];
    int n = 0;
    const char *s = text;
    for (;;) {
        size_t len = 0;
        while (*s == ',' || is_space(*s))
            s++;
        if (!*s)
            break;
        while (s[len] && s[len] != ',' && !is_space(s[len]))
            len++;
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

static int parse_lattice(pesx_xyz_reader *r, long line, const char *value, double cell[9])
{
    char show[64];
    int n = 0;
    double det, len[3];
    if (!value)
        return fail(r, line, "Lattice has no value (expected 9 numbers, \"ax ay az bx by bz cx cy cz\")");
    if (parse_numbers(value, cell, 9, &n) != PESX_OK || n != 9)
        return fail(r, line,
                    "Lattice=\"%s\" is not 9 finite numbers (\"ax ay az bx by bz cx cy cz\")",
                    xyz_show(value, show, sizeof show));
    if (xyz_cell_singular(cell, &det, len))
        return fail(r, line,
                    "Lattice is singular (volume %.6g A^3 for vectors of length %.6g, %.6g, "
                    "%.6g): the three cell vectors must be linearly independent",
                    det, len[0], len[1], len[2]);
    return PESX_OK;
}

static int parse_bool(const char *s, int *out)
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
static int parse_pbc(pesx_xyz_reader *r, long line, const char *value, int pbc[3])
{
    char show[64], item[16];
    int n = 0, v[3];
    const char *s = value ? value : "T"; /* a bare "pbc" means True, as in ASE */
    for (;;) {
        size_t len = 0;
        while (*s == ',' || is_space(*s))
            s++;
        if (!*s)
            break;
        while (s[len] && s[len] != ',' && !is_space(s[len]))
            len++;
        if (n == 3 || len >= sizeof item)
            goto bad;
        memcpy(item, s, len);
        item[len] = '\0';
        if (parse_bool(item, &v[n]) != PESX_OK)
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
    return fail(r, line, "pbc=\"%s\" is not three flags T or F (like pbc=\"T T F\")",
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

static int parse_properties(pesx_xyz_reader *r, long line, const char *value, xyz_header *h)
{
    char show[64];
    char *s, *field[3 * MAX_PROPS + 1];
    size_t nf = 0;
    int seen[ROLE_EXTRA + 1] = {0};
    if (!value || !*value)
        return fail(r, line, "Properties has no value (expected e.g. species:S:1:pos:R:3)");
    if (!(h->props_text = malloc(strlen(value) + 1)))
        return pesx_error_set(PESX_ENOMEM, r->name, line, "out of memory");
    strcpy(h->props_text, value);
    for (s = h->props_text;;) {
        char *colon = strchr(s, ':');
        if (nf == 3 * MAX_PROPS)
            return fail(r, line, "Properties lists more than %d columns groups", MAX_PROPS);
        field[nf++] = s;
        if (!colon)
            break;
        *colon = '\0';
        s = colon + 1;
    }
    if (nf % 3 != 0)
        return fail(r, line,
                    "Properties=%s is not a list of NAME:TYPE:NCOLS triples (like "
                    "species:S:1:pos:R:3)",
                    xyz_show(value, show, sizeof show));
    h->total_cols = 0;
    for (size_t i = 0; i < nf; i += 3) {
        xyz_prop *p = &h->prop[h->nprops];
        long ncols;
        const char *name = field[i], *type = field[i + 1];
        if (!xyz_valid_name(name, 0))
            return fail(r, line,
                        "Properties: column group %zu has the name '%s' (expected letters, "
                        "digits or _, no spaces, quotes or commas)",
                        i / 3 + 1, xyz_show(name, show, sizeof show));
        for (size_t j = 0; j < h->nprops; j++)
            if (strcmp(h->prop[j].name, name) == 0)
                return fail(r, line, "Properties: column %s is listed twice",
                            xyz_show(name, show, sizeof show));
        if (strlen(type) != 1 || !strchr("RISL", type[0]))
            return fail(r, line, "Properties: %s has type '%s' (expected R, I, S or L)",
                        xyz_show(name, show, sizeof show), type);
        if (pesx_parse_long(field[i + 2], 1, MAX_PROP_COLS, &ncols) != PESX_OK)
            return fail(r, line, "Properties: %s has column count '%s' (expected 1 to %d)",
                        xyz_show(name, show, sizeof show), field[i + 2], MAX_PROP_COLS);
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
            return fail(r, line, "Properties lists both force and forces");
        seen[p->role] = 1;
        h->total_cols += p->ncols;
        h->nprops++;
        if (h->total_cols > MAX_TOTAL_COLS)
            return fail(r, line, "Properties declares more than %d columns", MAX_TOTAL_COLS);
        continue;
    badtype:
        return fail(r, line, "Properties: %s:%c:%d, but %s is read as %s", name, p->type,
                    p->ncols, name, role_spec(p->role));
    }
    if (!seen[ROLE_POS])
        return fail(r, line, "Properties=%s has no pos:R:3 column (positions are required)",
                    xyz_show(value, show, sizeof show));
    if (!seen[ROLE_SPECIES] && !seen[ROLE_Z])
        return fail(r, line,
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
static int keep_info(pesx_xyz_reader *r, long line, const char *text, const xyz_kvlist *l,
                     const long *used, xyz_header *h)
{
    size_t size = strlen(text) + 1, len = 0;
    if (!(h->info = malloc(size)))
        return pesx_error_set(PESX_ENOMEM, r->name, line, "out of memory");
    h->info[0] = '\0';
    for (size_t i = 0; i < l->n; i++) {
        const xyz_kv *kv = &l->kv[i];
        int skip = 0;
        for (int k = 0; k < 4; k++)
            skip |= used[k] == (long)i;
        if (skip)
            continue;
        len += (size_t)snprintf(h->info + len, size - len, "%s%.*s", len ? " " : "",
                                (int)(kv->key_end - kv->key_start), text + kv->key_start);
        if (kv->value)
            len += (size_t)snprintf(h->info + len, size - len, "=%.*s",
                                    (int)(kv->val_end - kv->val_start), text + kv->val_start);
    }
    return PESX_OK;
}

static int plain_comment(pesx_xyz_reader *r, long line, const char *text, xyz_header *h)
{
    pesx_frame tmp;
    int status;
    char *start;
    default_properties(h);
    while (is_space(*text))
        text++;
    if (!*text) {
        h->info = calloc(1, 1);
        return h->info ? PESX_OK : pesx_error_set(PESX_ENOMEM, r->name, line, "out of memory");
    }
    /* keep free text as comment="..." so a writer passes it on (ASE reads it so too) */
    if (!(start = malloc(strlen(text) + 1)))
        return pesx_error_set(PESX_ENOMEM, r->name, line, "out of memory");
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

static int parse_comment(pesx_xyz_reader *r, long line, const char *text, xyz_header *h)
{
    xyz_kvlist l;
    static const char *const keys[4] = {"Lattice", "pbc", "Properties", "energy"};
    long used[4];
    int has_value = 0, tok, status = PESX_OK, has_pbc = 0;
    char show[64];

    memset(h, 0, sizeof *h);
    tok = xyz_tokenize_comment(text, &l);
    if (tok == XYZ_TOK_NOMEM)
        return pesx_error_set(PESX_ENOMEM, r->name, line, "out of memory");
    if (tok != XYZ_TOK_OK) {
        /* not key=value text: plain XYZ, unless it tried to be extended */
        if (strstr(text, "Properties=") || strstr(text, "Lattice="))
            return fail(r, line, "%s in the extended-XYZ comment line",
                        tok == XYZ_TOK_UNTERMINATED ? "unterminated quote or bracket"
                                                    : "'=' without a key");
        return plain_comment(r, line, text, h);
    }
    for (size_t i = 0; i < l.n; i++)
        has_value |= l.kv[i].value != NULL;
    if (!has_value) {
        xyz_kvlist_release(&l);
        return plain_comment(r, line, text, h);
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
            status = fail(r, line, "%s is given %d times in the comment line", keys[k], count);
            goto done;
        }
    }
    if (used[0] >= 0) {
        if ((status = parse_lattice(r, line, l.kv[used[0]].value, h->cell)))
            goto done;
        h->has_lattice = 1;
        h->pbc[0] = h->pbc[1] = h->pbc[2] = 1; /* Lattice without pbc: periodic, as ASE */
    }
    if (used[1] >= 0) {
        if ((status = parse_pbc(r, line, l.kv[used[1]].value, h->pbc)))
            goto done;
        has_pbc = 1;
    }
    if (has_pbc && !h->has_lattice && (h->pbc[0] || h->pbc[1] || h->pbc[2])) {
        status = fail(r, line, "pbc=\"%c %c %c\" is periodic but there is no Lattice",
                      h->pbc[0] ? 'T' : 'F', h->pbc[1] ? 'T' : 'F', h->pbc[2] ? 'T' : 'F');
        goto done;
    }
    if (used[2] >= 0) {
        if ((status = parse_properties(r, line, l.kv[used[2]].value, h)))
            goto done;
        h->extended = 1;
    } else {
        default_properties(h);
    }
    if (used[3] >= 0) {
        const char *v = l.kv[used[3]].value;
        if (!v || pesx_parse_double(v, &h->energy) != PESX_OK) {
            status = fail(r, line, "energy=%s is not a finite number",
                          v ? xyz_show(v, show, sizeof show) : "(no value)");
            goto done;
        }
        h->has_energy = 1;
    }
    status = keep_info(r, line, text, &l, used, h);
done:
    xyz_kvlist_release(&l);
    return status;
}

/* ---- atom lines ---------------------------------------------------------- */

static int grow(double **p, size_t *cap, size_t need)
{
    size_t cap2;
    double *q;
    if (need <= *cap)
        return 0;
    for (cap2 = *cap ? *cap : 64; cap2 < need;)
        cap2 *= 2;
    if (!(q = realloc(*p, cap2 * sizeof *q)))
        return -1;
    *p = q;
    *cap = cap2;
    return 0;
}

/* Make room for atom I (0-based) in the scratch arrays. */
static int reserve_atom(pesx_xyz_reader *r, const xyz_header *h, size_t i)
{
    if (i >= r->cap_atoms) {
        size_t cap = r->cap_atoms ? 2 * r->cap_atoms : 256;
        int *z = realloc(r->z, cap * sizeof *z);
        if (z)
            r->z = z;
        double *x = realloc(r->x, 3 * cap * sizeof *x);
        if (x)
            r->x = x;
        unsigned char *fx = realloc(r->fixed, cap);
        if (fx)
            r->fixed = fx;
        double *f = realloc(r->forces, 3 * cap * sizeof *f);
        if (f)
            r->forces = f;
        if (!z || !x || !fx || !f)
            return pesx_error_set(PESX_ENOMEM, r->name, r->line, "out of memory");
        r->cap_atoms = cap;
    }
    for (size_t k = 0; k < h->nprops; k++) {
        const xyz_prop *p = &h->prop[k];
        if (p->role == ROLE_EXTRA &&
            grow(&r->extra[p->slot], &r->extra_cap[p->slot], (i + 1) * (size_t)p->ncols))
            return pesx_error_set(PESX_ENOMEM, r->name, r->line, "out of memory");
    }
    return PESX_OK;
}

static int parse_species(pesx_xyz_reader *r, const char *tok, int *z)
{
    char show[64];
    long num;
    *z = pesx_element_z(tok);
    if (*z > 0)
        return PESX_OK;
    if (strcmp(tok, "X") == 0) { /* ASE's dummy atom */
        *z = 0;
        return PESX_OK;
    }
    if (pesx_parse_long(tok, 1, PESX_MAX_Z, &num) == PESX_OK) { /* "6 x y z" */
        *z = (int)num;
        return PESX_OK;
    }
    return fail(r, r->line, "unknown element '%s'", xyz_show(tok, show, sizeof show));
}

static void describe_properties(const xyz_header *h, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < h->nprops && len < size; k++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s:%c:%d", k ? ":" : "",
                                h->prop[k].name, h->prop[k].type, h->prop[k].ncols);
}

static int parse_atom_line(pesx_xyz_reader *r, const xyz_header *h, size_t i)
{
    char show[64], desc[256];
    size_t ntok = 0, t = 0;
    int status, species_z = -1, z_col = -1, fixed = 0;
    if ((status = split_tokens(r, &ntok)))
        return status;
    if (h->extended ? ntok != (size_t)h->total_cols : ntok < 4) {
        describe_properties(h, desc, sizeof desc);
        if (!h->extended)
            return fail(r, r->line, "atom line %zu has %zu column%s, expected 'symbol x y z'",
                        i + 1, ntok, ntok == 1 ? "" : "s");
        return fail(r, r->line, "atom line %zu has %zu column%s, but Properties=%s declares %d",
                    i + 1, ntok, ntok == 1 ? "" : "s", desc, h->total_cols);
    }
    for (size_t k = 0; k < h->nprops; k++) {
        const xyz_prop *p = &h->prop[k];
        for (int c = 0; c < p->ncols; c++, t++) {
            const char *tok = r->tok[t];
            double v = 0.0;
            long iv = 0;
            int b = 0;
            switch (p->type) {
            case 'R':
                if (pesx_parse_double(tok, &v) != PESX_OK)
                    return fail(r, r->line, "%s: '%s' is not a finite number (column %zu)",
                                p->name, xyz_show(tok, show, sizeof show), t + 1);
                break;
            case 'I':
                if (pesx_parse_long(tok, LONG_MIN, LONG_MAX, &iv) != PESX_OK)
                    return fail(r, r->line, "%s: '%s' is not an integer (column %zu)", p->name,
                                xyz_show(tok, show, sizeof show), t + 1);
                v = (double)iv;
                break;
            case 'L':
                if (parse_bool(tok, &b) != PESX_OK)
                    return fail(r, r->line, "%s: '%s' is not T or F (column %zu)", p->name,
                                xyz_show(tok, show, sizeof show), t + 1);
                v = b;
                break;
            default:
                break;
            }
            switch (p->role) {
            case ROLE_SPECIES:
                if ((status = parse_species(r, tok, &species_z)))
                    return status;
                break;
            case ROLE_POS: r->x[3 * i + (size_t)c] = v; break;
            case ROLE_FORCES: r->forces[3 * i + (size_t)c] = v; break;
            case ROLE_Z:
                if (iv < 0 || iv > PESX_MAX_Z)
                    return fail(r, r->line, "Z=%ld is not a known element (1 to %d)", iv,
                                PESX_MAX_Z);
                z_col = (int)iv;
                break;
            case ROLE_MOVE_MASK:
                if (p->ncols == 3 && c > 0 && b != !fixed)
                    return fail(r, r->line,
                                "move_mask %s %s %s fixes only some directions of the atom; "
                                "pesx freezes whole atoms (use T T T or F F F)",
                                r->tok[t - (size_t)c], r->tok[t - (size_t)c + 1],
                                r->tok[t - (size_t)c + 2]);
                fixed = !b; /* move_mask T = free (ASE's FixAtoms mask is its negation) */
                break;
            case ROLE_FIXED:
                if (p->type == 'I' && iv != 0 && iv != 1)
                    return fail(r, r->line, "fixed=%ld (expected 0 = free or 1 = frozen)", iv);
                if (v != 0)
                    r->fixed[i] = 1;
                break;
            case ROLE_EXTRA: r->extra[p->slot][i * (size_t)p->ncols + (size_t)c] = v; break;
            default: break;
            }
            if (p->role == ROLE_MOVE_MASK && c == p->ncols - 1 && fixed)
                r->fixed[i] = 1;
        }
    }
    if (species_z >= 0 && z_col >= 0 && species_z != z_col)
        return fail(r, r->line, "species %s disagrees with Z=%d", pesx_element_symbol(species_z) ? pesx_element_symbol(species_z) : "X", z_col);
    r->z[i] = species_z >= 0 ? species_z : z_col;
    return PESX_OK;
}

/* ---- frames -------------------------------------------------------------- */

static int parse_count(pesx_xyz_reader *r, long *n)
{
    char show[64];
    char *s = r->buf, *end;
    long v;
    while (is_space(*s))
        s++;
    errno = 0;
    v = strtol(s, &end, 10);
    while (is_space(*end))
        end++;
    if (end == s || *end) {
        if (r->frames > 0)
            return fail(r, r->line,
                        "expected the atom count of a new frame, found '%s' (does the frame "
                        "at line %ld declare too few atoms?)",
                        xyz_show(r->buf, show, sizeof show), r->last_frame_line);
        return fail(r, r->line, "expected the number of atoms, found '%s'",
                    xyz_show(r->buf, show, sizeof show));
    }
    if (errno == ERANGE || v > PESX_XYZ_MAX_ATOMS)
        return fail(r, r->line, "atom count %s is too large (at most %ld)",
                    xyz_show(s, show, sizeof show), PESX_XYZ_MAX_ATOMS);
    if (v <= 0)
        return fail(r, r->line, "atom count %ld: a frame needs at least one atom", v);
    *n = v;
    return PESX_OK;
}

/* Move the scratch arrays of a complete frame into F. */
static int build_frame(pesx_xyz_reader *r, xyz_header *h, size_t n, long line, pesx_frame *f)
{
    int has_forces = 0;
    f->atoms = pesx_atoms_alloc(n);
    if (!f->atoms)
        goto nomem;
    memcpy(f->atoms->z, r->z, n * sizeof *r->z);
    memcpy(f->atoms->x, r->x, 3 * n * sizeof *r->x);
    memcpy(f->atoms->fixed, r->fixed, n);
    if (h->has_lattice) {
        memcpy(f->atoms->cell, h->cell, sizeof h->cell);
        f->atoms->has_cell = 1;
    }
    for (int k = 0; k < 3; k++)
        f->atoms->pbc[k] = h->pbc[k];
    f->has_energy = h->has_energy;
    f->energy = h->energy;
    f->line = line;
    f->info = h->info;
    h->info = NULL;
    for (size_t k = 0; k < h->nprops; k++) {
        const xyz_prop *p = &h->prop[k];
        if (p->role == ROLE_FORCES)
            has_forces = 1;
        if (p->role == ROLE_EXTRA) {
            size_t m = n * (size_t)p->ncols;
            size_t e = f->n_extra;
            f->extra_name[e] = malloc(strlen(p->name) + 1);
            f->extra[e] = malloc(m * sizeof(double));
            f->n_extra++;
            if (!f->extra_name[e] || !f->extra[e])
                goto nomem;
            strcpy(f->extra_name[e], p->name);
            memcpy(f->extra[e], r->extra[p->slot], m * sizeof(double));
            f->extra_cols[e] = p->ncols;
            f->extra_type[e] = p->type;
        }
    }
    if (has_forces) {
        if (!(f->forces = malloc(3 * n * sizeof *f->forces)))
            goto nomem;
        memcpy(f->forces, r->forces, 3 * n * sizeof *f->forces);
        f->has_forces = 1;
    }
    return PESX_OK;
nomem:
    pesx_frame_release(f);
    return pesx_error_set(PESX_ENOMEM, r->name, line, "out of memory");
}

int pesx_xyz_next(pesx_xyz_reader *r, pesx_frame *f, int *got)
{
    xyz_header h;
    long n = 0, line;
    int rl, status;

    *got = 0;
    pesx_frame_release(f);
    if (r->status)
        return pesx_error_set(r->status, r->name, r->line,
                              "reading stopped at an earlier error");
    /* blank lines between frames and at the end are allowed */
    do {
        rl = read_line(r);
        if (rl < 0)
            return -rl;
        if (rl == 0)
            return PESX_OK; /* clean end of file */
    } while (blank(r->buf));
    line = r->line;
    if ((status = parse_count(r, &n)))
        return status;
    rl = read_line(r);
    if (rl < 0)
        return -rl;
    if (rl == 0)
        return fail(r, line,
                    "truncated frame: %ld atom%s declared, but the file ends before the "
                    "comment line",
                    n, n == 1 ? "" : "s");
    if ((status = parse_comment(r, r->line, r->buf, &h))) {
        header_release(&h);
        r->status = status;
        return status;
    }
    for (size_t i = 0; i < (size_t)n; i++) {
        rl = read_line(r);
        if (rl <= 0) {
            header_release(&h);
            if (rl < 0)
                return -rl;
            return fail(r, line,
                        "truncated frame: %ld atom%s declared, but the file ends after %zu "
                        "atom line%s",
                        n, n == 1 ? "" : "s", i, i == 1 ? "" : "s");
        }
        if ((status = reserve_atom(r, &h, i)))
            break;
        r->fixed[i] = 0;
        if ((status = parse_atom_line(r, &h, i)))
            break;
    }
    if (!status)
        status = build_frame(r, &h, (size_t)n, line, f);
    header_release(&h);
    if (status) {
        r->status = status;
        return status;
    }
    r->frames++;
    r->last_frame_line = line;
    *got = 1;
    return PESX_OK;
}

/* ---- whole files --------------------------------------------------------- */

void pesx_frames_free(pesx_frame *frames, size_t n)
{
    if (!frames)
        return;
    for (size_t i = 0; i < n; i++)
        pesx_frame_release(&frames[i]);
    free(frames);
}

int pesx_xyz_read_all(const char *path, pesx_frame **frames, size_t *n)
{
    pesx_xyz_reader *r;
    pesx_frame *list = NULL;
    size_t count = 0, cap = 0;
    int status = PESX_OK, got = 0;
    *frames = NULL;
    *n = 0;
    if (!(r = pesx_xyz_open(path)))
        return pesx_error_last()->code;
    for (;;) {
        if (count == cap) {
            size_t cap2 = cap ? 2 * cap : 8;
            pesx_frame *l = realloc(list, cap2 * sizeof *l);
            if (!l) {
                status = pesx_error_set(PESX_ENOMEM, path, 0, "out of memory");
                break;
            }
            list = l;
            cap = cap2;
        }
        pesx_frame_init(&list[count]);
        if ((status = pesx_xyz_next(r, &list[count], &got)) || !got)
            break;
        count++;
    }
    pesx_xyz_close(r);
    if (!status && count == 0)
        status = pesx_error_set(PESX_EINVAL, path, 0, "empty file: no XYZ frame in it");
    if (status) {
        pesx_frames_free(list, count);
        return status;
    }
    *frames = list;
    *n = count;
    return PESX_OK;
}

/* Number of frames in PATH (every frame parsed, so errors show). */
static int count_frames(const char *path, size_t *count)
{
    pesx_xyz_reader *r = pesx_xyz_open(path);
    pesx_frame f;
    int status = PESX_OK, got = 0;
    *count = 0;
    if (!r)
        return pesx_error_last()->code;
    pesx_frame_init(&f);
    while (!(status = pesx_xyz_next(r, &f, &got)) && got)
        (*count)++;
    pesx_frame_release(&f);
    pesx_xyz_close(r);
    return status;
}

int pesx_xyz_read_frame(const char *path, long index, pesx_frame *f)
{
    pesx_xyz_reader *r;
    pesx_frame prev, cur;
    size_t count = 0, want;
    int status = PESX_OK, got = 0;
    pesx_frame_init(f);
    if (index < -1) { /* from the end: count first */
        if ((status = count_frames(path, &count)))
            return status;
        if (count == 0)
            return pesx_error_set(PESX_EINVAL, path, 0, "empty file: no XYZ frame in it");
        if ((size_t)(-(index + 1)) >= count)
            return pesx_error_set(PESX_EINVAL, path, 0,
                                  "frame %ld asked for, but the file has %zu frame%s", index,
                                  count, count == 1 ? "" : "s");
        return pesx_xyz_read_frame(path, (long)count + index, f);
    }
    if (!(r = pesx_xyz_open(path)))
        return pesx_error_last()->code;
    /* index -1 keeps the previous frame while reading the next one */
    want = index >= 0 ? (size_t)index : (size_t)-1;
    pesx_frame_init(&prev);
    pesx_frame_init(&cur);
    for (;;) {
        if ((status = pesx_xyz_next(r, &cur, &got)) || !got)
            break;
        pesx_frame_release(&prev);
        prev = cur;
        pesx_frame_init(&cur);
        if (count++ == want)
            break;
    }
    pesx_xyz_close(r);
    pesx_frame_release(&cur);
    if (!status && count == 0)
        status = pesx_error_set(PESX_EINVAL, path, 0, "empty file: no XYZ frame in it");
    else if (!status && index >= 0 && count != want + 1)
        status = pesx_error_set(PESX_EINVAL, path, 0,
                                "frame %ld asked for, but the file has %zu frame%s", index,
                                count, count == 1 ? "" : "s");
    if (status) {
        pesx_frame_release(&prev);
        return status;
    }
    *f = prev;
    return PESX_OK;
}
