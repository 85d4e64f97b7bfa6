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
#include <sys/stat.h>

struct pesx_xyz_reader {
    FILE *fp;
    int own_fp;
    char *name;
    long line;             /* number of the last line read */
    char *buf;
    size_t buf_cap;
    int status;            /* sticky error status ... */
    pesx_error err;        /* ... and its error */
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
    struct stat st;
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
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        pesx_error_set(PESX_EINVAL, path, 0, "is a directory, not an XYZ file");
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
    va_list ap;
    va_start(ap, fmt);
    int st = pesx_error_setv(PESX_EINVAL, r->name, line, fmt, ap);
    va_end(ap);
    return st;
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
            pesx_error_set(PESX_EIO, r->name, r->line + 1, "read error: %s",
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
    if (memchr(r->buf, '\r', (size_t)len)) {
        fail(r, r->line, "carriage return inside a line (old Mac line endings, or a damaged file)");
        return -PESX_EINVAL;
    }
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
        if (pesx_array_reserve(&r->tok, &r->tok_cap, n + 1, sizeof *r->tok, 64))
            return pesx_error_set(PESX_ENOMEM, r->name, r->line, "out of memory");
        r->tok[n++] = s;
        while (*s && !is_space(*s))
            s++;
        if (*s)
            *s++ = '\0';
    }
    *ntok = n;
    return PESX_OK;
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
                if (xyz_parse_bool(tok, &b) != PESX_OK)
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
                    return fail(r, r->line, "Z=%ld is not a known element (0 = dummy, 1 to %d)",
                                iv, PESX_MAX_Z);
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
        return fail(r, r->line, "species %s disagrees with Z=%d",
                    species_z ? pesx_element_symbol(species_z) : "X", z_col);
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

static int next_frame(pesx_xyz_reader *r, pesx_frame *f, int *got)
{
    xyz_header h;
    long n = 0, line;
    int rl, status;

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
    if ((status = xyz_parse_comment(r->name, r->line, r->buf, &h))) {
        xyz_header_release(&h);
        return status;
    }
    for (size_t i = 0; i < (size_t)n; i++) {
        rl = read_line(r);
        if (rl <= 0) {
            xyz_header_release(&h);
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
    xyz_header_release(&h);
    if (status)
        return status;
    r->frames++;
    r->last_frame_line = line;
    *got = 1;
    return PESX_OK;
}

int pesx_xyz_next(pesx_xyz_reader *r, pesx_frame *f, int *got)
{
    int status;
    *got = 0;
    pesx_frame_release(f);
    if (r->status) /* errors are sticky: the reader does not resynchronise */
        return pesx_error_set(r->err.code, r->err.file, r->err.line, "%s", r->err.msg);
    if ((status = next_frame(r, f, got))) {
        r->status = status;
        r->err = *pesx_error_last();
        *got = 0;
        pesx_frame_release(f);
    }
    return status;
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
        if (pesx_array_reserve(&list, &cap, count + 1, sizeof *list, 8)) {
            status = pesx_error_set(PESX_ENOMEM, path, 0, "out of memory");
            break;
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
