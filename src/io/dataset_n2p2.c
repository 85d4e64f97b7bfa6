/* Data sets as n2p2/RuNNer input.data: every structure of the file
 * (begin, comment, lattice x3, atom ..., energy, charge, end).
 *
 * n2p2 knows only fully periodic (three lattice lines) or open structures
 * and has no ids or weights.  pesx keeps them in the comment line as
 * key=value words:  comment id=<id> weight=<w> pbc=TTF  (id with blanks,
 * '%', '=' and control bytes %XX-escaped).  A comment that is not of this
 * form becomes the id as written (n2p2's own "comment" text). */
#include <config.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/io_dataset.h>
#include "io/dataset_impl.h"
#include "io/n2p2_impl.h"
#include "io/xyz_impl.h"

void pesx_dataset_escape(const char *in, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *in; in++) {
        unsigned char c = (unsigned char)*in;
        if (c <= 32 || c == '%' || c == '=' || c == '#' || c == '!' || c == 127) {
            *out++ = '%';
            *out++ = hex[c >> 4];
            *out++ = hex[c & 15];
        } else {
            *out++ = (char)c;
        }
    }
    *out = 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int pesx_dataset_unescape(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (*s == '%') {
            int a = hexval((unsigned char)s[1]), b = a < 0 ? -1 : hexval((unsigned char)s[2]);
            if (a < 0 || b < 0 || (a == 0 && b == 0))
                return -1;
            *o++ = (char)(16 * a + b);
            s += 2;
        } else {
            *o++ = *s;
        }
    }
    *o = 0;
    return 0;
}

typedef struct {
    const char *path;
    double L, E;
    /* the structure being read */
    long begin_line;
    char *id;
    double weight, energy;
    int has_energy, nlat, pbc[3], has_pbc;
    double lat[9];
    size_t n, cap;
    int *z;
    double *x, *f;
    pesx_atoms *atoms;
} n2p2_reader;

static int set_id(n2p2_reader *r, const char *text, size_t len)
{
    free(r->id);
    if (!(r->id = malloc(len + 1)))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    memcpy(r->id, text, len);
    r->id[len] = 0;
    return PESX_OK;
}

/* The text after "comment": pesx key=value words, or a free comment. */
static int read_comment(n2p2_reader *r, long ln, const char *text)
{
    char *copy, *save = NULL, *tok;
    size_t len;
    int pesx_form = 1, st = PESX_OK;
    double w = 1.0;
    int pbc[3] = {1, 1, 1}, has_pbc = 0;
    char *id = NULL;
    while (*text == ' ' || *text == '\t')
        text++;
    len = strlen(text);
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        len--;
    if (!(copy = malloc(len + 1)))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    memcpy(copy, text, len);
    copy[len] = 0;
    for (tok = strtok_r(copy, " \t", &save); tok && pesx_form; tok = strtok_r(NULL, " \t", &save)) {
        if (!strncmp(tok, "id=", 3) && !id) {
            id = tok + 3;
            if (pesx_dataset_unescape(id))
                pesx_form = 0;
        } else if (!strncmp(tok, "weight=", 7)) {
            if (pesx_parse_double(tok + 7, &w) || w < 0)
                st = pesx_error_set(PESX_EINVAL, r->path, ln,
                                    "comment: weight=%s is not a finite number >= 0", tok + 7);
        } else if (!strncmp(tok, "pbc=", 4) && strlen(tok) == 7) {
            for (int k = 0; k < 3; k++) {
                char c = tok[4 + k];
                if (c != 'T' && c != 'F')
                    pesx_form = 0;
                pbc[k] = c == 'T';
            }
            has_pbc = 1;
        } else {
            pesx_form = 0;
        }
        if (st)
            break;
    }
    if (!st) {
        if (pesx_form && len > 0) {
            st = set_id(r, id ? id : "", id ? strlen(id) : 0);
            r->weight = w;
            if (has_pbc) {
                memcpy(r->pbc, pbc, sizeof pbc);
                r->has_pbc = 1;
            }
        } else {
            st = set_id(r, text, len);
        }
    }
    free(copy);
    return st;
}

static int finish(n2p2_reader *r, long ln, size_t index, pesx_dataset_callback cb, void *ctx)
{
    pesx_atoms *a = r->atoms;
    pesx_dataset_entry e;
    int st;
    if (r->n == 0)
        return pesx_error_set(PESX_EINVAL, r->path, r->begin_line, "structure without atoms");
    if (!r->has_energy)
        return pesx_error_set(PESX_EINVAL, r->path, r->begin_line,
                              "structure without an 'energy' line");
    if (r->nlat != 0 && r->nlat != 3)
        return pesx_error_set(PESX_EINVAL, r->path, ln,
                              "need zero or three lattice lines (got %d)", r->nlat);
    if ((st = pesx_atoms_resize(a, r->n)))
        return st;
    for (size_t i = 0; i < 3 * r->n; i++) {
        a->x[i] = r->x[i] * r->L;
        r->f[i] *= r->E / r->L;
    }
    memcpy(a->z, r->z, r->n * sizeof *a->z);
    memset(a->fixed, 0, r->n);
    memset(a->cell, 0, sizeof a->cell);
    a->has_cell = r->nlat == 3;
    for (int k = 0; k < 9 && a->has_cell; k++)
        a->cell[k] = r->lat[k] * r->L;
    for (int k = 0; k < 3; k++)
        a->pbc[k] = a->has_cell && (r->has_pbc ? r->pbc[k] : 1);
    if (r->has_pbc && !a->has_cell && (r->pbc[0] || r->pbc[1] || r->pbc[2]))
        return pesx_error_set(PESX_EINVAL, r->path, r->begin_line,
                              "comment says pbc=%c%c%c but the structure has no lattice",
                              r->pbc[0] ? 'T' : 'F', r->pbc[1] ? 'T' : 'F', r->pbc[2] ? 'T' : 'F');
    if (a->has_cell && pesx_atoms_check(a))
        return pesx_error_set(PESX_EINVAL, r->path, r->begin_line, "%s", pesx_error_last()->msg);
    e.id = r->id ? r->id : "";
    e.atoms = a;
    e.energy = r->energy * r->E;
    e.forces = r->f;
    e.weight = r->weight;
    e.file = r->path;
    e.line = r->begin_line;
    return cb(&e, index, ctx);
}

int pesx_dataset_n2p2_stream(const char *path, double length_unit, double energy_unit,
                             pesx_dataset_callback cb, void *ctx, size_t *count)
{
    FILE *fp;
    char *buf = NULL, sbuf[48];
    size_t bufcap = 0, n_struct = 0;
    ssize_t got;
    n2p2_line *l = malloc(sizeof *l);
    n2p2_reader r;
    long ln = 0;
    int st = PESX_OK, in = 0;

    if (count)
        *count = 0;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.L = length_unit;
    r.E = energy_unit;
    if (!l || !(r.atoms = pesx_atoms_alloc(0))) {
        free(l);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    }
    if (!(fp = fopen(path, "r"))) {
        free(l);
        pesx_atoms_free(r.atoms);
        return pesx_error_set(errno == ENOENT ? PESX_EINVAL : PESX_EIO, path, 0,
                              "cannot open: %s", strerror(errno));
    }
    while (!st && (got = getline(&buf, &bufcap, fp)) >= 0) {
        const char *key;
        ln++;
        if ((size_t)got != strlen(buf)) {
            st = pesx_error_set(PESX_EINVAL, path, ln, "NUL byte in the line");
            break;
        }
        if ((size_t)got >= sizeof l->buf - 1) {
            st = pesx_error_set(PESX_EINVAL, path, ln, "line too long (%zd characters)", got);
            break;
        }
        {
            const char *p = buf + strspn(buf, " \t");
            if (in && !strncmp(p, "comment", 7) && (p[7] == 0 || isspace((unsigned char)p[7]))) {
                st = read_comment(&r, ln, p + 7);
                continue;
            }
        }
        if (n2p2_split(l, buf) < 0) {
            st = pesx_error_set(PESX_EINVAL, path, ln, "too many words on the line");
            break;
        }
        if (l->n == 0)
            continue;
        key = l->tok[0];
        if (!in) {
            if (strcmp(key, "begin") != 0) {
                st = pesx_error_set(PESX_EINVAL, path, ln, "expected 'begin', got '%s'",
                                    xyz_show(key, sbuf, sizeof sbuf));
                break;
            }
            in = 1;
            r.begin_line = ln;
            r.n = 0;
            r.nlat = 0;
            r.has_energy = r.has_pbc = 0;
            r.weight = 1.0;
            free(r.id);
            r.id = NULL;
            continue;
        }
        if (!strcmp(key, "charge")) {
            double q;
            if (l->n != 2 || n2p2_number(l->tok[1], &q))
                st = pesx_error_set(PESX_EINVAL, path, ln, "expected 'charge <number>'");
        } else if (!strcmp(key, "end")) {
            if (l->n != 1)
                st = pesx_error_set(PESX_EINVAL, path, ln, "words after 'end'");
            else if (!(st = finish(&r, ln, n_struct, cb, ctx)))
                n_struct++;
            in = 0;
        } else if (!strcmp(key, "begin")) {
            st = pesx_error_set(PESX_EINVAL, path, ln,
                                "'begin' inside a structure (the one of line %ld has no 'end')",
                                r.begin_line);
        } else if (!strcmp(key, "energy")) {
            if (r.has_energy)
                st = pesx_error_set(PESX_EINVAL, path, ln, "second 'energy' line in a structure");
            else if (l->n != 2 || n2p2_number(l->tok[1], &r.energy))
                st = pesx_error_set(PESX_EINVAL, path, ln,
                                    "expected 'energy <number>' (a finite number)");
            r.has_energy = 1;
        } else if (!strcmp(key, "lattice")) {
            if (r.nlat == 3 || l->n != 4) {
                st = pesx_error_set(PESX_EINVAL, path, ln,
                                    r.nlat == 3 ? "more than three lattice lines"
                                                : "expected 'lattice x y z'");
                break;
            }
            for (int k = 0; k < 3 && !st; k++)
                if (n2p2_number(l->tok[1 + k], &r.lat[3 * r.nlat + k]))
                    st = pesx_error_set(PESX_EINVAL, path, ln, "lattice: '%s' is not a finite number",
                                        xyz_show(l->tok[1 + k], sbuf, sizeof sbuf));
            r.nlat++;
        } else if (!strcmp(key, "atom")) {
            int zz;
            if (l->n != 10) {
                st = pesx_error_set(PESX_EINVAL, path, ln,
                                    "expected 'atom x y z element charge n fx fy fz' (got %d words)",
                                    l->n);
                break;
            }
            if ((zz = pesx_element_z(l->tok[4])) <= 0) {
                st = pesx_error_set(PESX_EINVAL, path, ln, "unknown element '%s'",
                                    xyz_show(l->tok[4], sbuf, sizeof sbuf));
                break;
            }
            if (r.n == r.cap && (st = pesx_dataset_grow_atoms(&r.z, &r.x, &r.f, &r.cap)))
                break;
            for (int k = 0; k < 3 && !st; k++) {
                if (n2p2_number(l->tok[1 + k], &r.x[3 * r.n + k]))
                    st = pesx_error_set(PESX_EINVAL, path, ln,
                                        "atom: coordinate '%s' is not a finite number",
                                        xyz_show(l->tok[1 + k], sbuf, sizeof sbuf));
                else if (n2p2_number(l->tok[7 + k], &r.f[3 * r.n + k]))
                    st = pesx_error_set(PESX_EINVAL, path, ln,
                                        "atom: force '%s' is not a finite number",
                                        xyz_show(l->tok[7 + k], sbuf, sizeof sbuf));
            }
            r.z[r.n++] = zz;
        } else {
            st = pesx_error_set(PESX_EINVAL, path, ln, "unknown keyword '%s'",
                                xyz_show(key, sbuf, sizeof sbuf));
        }
    }
    if (!st && ferror(fp))
        st = pesx_error_set(PESX_EIO, path, ln, "read error");
    if (!st && in)
        st = pesx_error_set(PESX_EINVAL, path, ln, "the structure of line %ld has no 'end'",
                            r.begin_line);
    if (!st && n_struct == 0)
        st = pesx_error_set(PESX_EINVAL, path, ln ? ln : 1, "empty data set: no structure");
    if (count)
        *count = n_struct;
    fclose(fp);
    free(buf);
    free(l);
    free(r.id);
    free(r.z);
    free(r.x);
    free(r.f);
    pesx_atoms_free(r.atoms);
    return st;
}

int pesx_dataset_n2p2_write(FILE *fp, const char *path, const pesx_dataset_entry *e,
                            double length_unit, double energy_unit)
{
    const pesx_atoms *a = e->atoms;
    char b[7][32];
    double L = length_unit, E = energy_unit;
    int mixed;
    if (!a || a->n == 0 || !e->forces)
        return pesx_error_set(PESX_EINVAL, e->file, e->line, "structure without atoms or forces");
    if (!isfinite(e->energy) || !isfinite(e->weight) || e->weight < 0)
        return pesx_error_set(PESX_EINVAL, e->file, e->line, "non-finite energy or bad weight");
    for (size_t i = 0; i < a->n; i++)
        if (!pesx_element_symbol(a->z[i]))
            return pesx_error_set(PESX_EINVAL, e->file, e->line,
                                  "atom %zu has unknown atomic number %d", i + 1, a->z[i]);
    for (size_t i = 0; i < 3 * a->n; i++)
        if (!isfinite(a->x[i]) || !isfinite(e->forces[i]))
            return pesx_error_set(PESX_EINVAL, e->file, e->line,
                                  "non-finite position or force (atom %zu)", i / 3 + 1);
    int periodic = a->pbc[0] || a->pbc[1] || a->pbc[2];
    if (periodic && !a->has_cell)
        return pesx_error_set(PESX_EINVAL, e->file, e->line, "a periodic structure needs a cell");
    mixed = periodic && !(a->pbc[0] && a->pbc[1] && a->pbc[2]);
    fputs("begin\n", fp);
    if ((e->id && *e->id) || e->weight != 1.0 || mixed) {
        fputs("comment", fp);
        if (e->id && *e->id) {
            char *esc = malloc(3 * strlen(e->id) + 1);
            if (!esc)
                return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
            pesx_dataset_escape(e->id, esc);
            fprintf(fp, " id=%s", esc);
            free(esc);
        }
        if (e->weight != 1.0) {
            xyz_format_double(b[0], e->weight);
            fprintf(fp, " weight=%s", b[0]);
        }
        if (mixed)
            fprintf(fp, " pbc=%c%c%c", a->pbc[0] ? 'T' : 'F', a->pbc[1] ? 'T' : 'F',
                    a->pbc[2] ? 'T' : 'F');
        fputc('\n', fp);
    }
    if (periodic)
        for (int k = 0; k < 3; k++) {
            for (int c = 0; c < 3; c++)
                xyz_format_double(b[c], a->cell[3 * k + c] / L);
            fprintf(fp, "lattice %s %s %s\n", b[0], b[1], b[2]);
        }
    for (size_t i = 0; i < a->n; i++) {
        for (int c = 0; c < 3; c++) {
            xyz_format_double(b[c], a->x[3 * i + c] / L);
            xyz_format_double(b[3 + c], e->forces[3 * i + c] * L / E);
        }
        fprintf(fp, "atom %s %s %s %s 0.0 0.0 %s %s %s\n", b[0], b[1], b[2],
                pesx_element_symbol(a->z[i]), b[3], b[4], b[5]);
    }
    xyz_format_double(b[6], e->energy / E);
    fprintf(fp, "energy %s\ncharge 0.0\nend\n", b[6]);
    return ferror(fp) ? pesx_error_set(PESX_EWRITE, path, 0, "write error") : PESX_OK;
}
