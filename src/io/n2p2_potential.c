/* The n2p2 / RuNNer potential directory reader: input.nn, scaling.data and
 * weights.ZZZ.data into a pesx_potential_file (eV, Angstrom).  Formats and
 * the sort order are described in ../shared/ref/n2p2/SPEC.md. */
#include <config.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/io_n2p2.h>
#include "io/n2p2_impl.h"

#define MAX_ELEM 64
#define MAX_HIDDEN 30

typedef struct {
    int center, type, e1, e2; /* element indices in Z order, -1 = unused */
    double eta, rs, rc, lambda, zeta, rl, tl, tr;
    char sub[8];
    long line;
    size_t order;
} rawsf;

typedef struct {
    const char *path;
    size_t n_elem;
    int z[MAX_ELEM];
    char sym[MAX_ELEM][4];
    double atom_energy[MAX_ELEM];
    int cutoff_type;
    double alpha;
    int scale, center, sigma, normalize_nodes;
    double smin, smax;
    int has_norm;
    double mean_energy, conv_energy, conv_length;
    int n_hidden[MAX_ELEM];
    size_t nodes[MAX_ELEM][MAX_HIDDEN];
    char act[MAX_ELEM][MAX_HIDDEN + 1];
    rawsf *sf;
    size_t n_sf, cap_sf;
} n2p2_input;

#define bad(path, line, ...) pesx_error_set(PESX_EINVAL, path, line, __VA_ARGS__)

static int elem_index(const n2p2_input *in, const char *sym)
{
    for (size_t e = 0; e < in->n_elem; e++)
        if (strcmp(in->sym[e], sym) == 0)
            return (int)e;
    return -1;
}

static int num(const n2p2_input *in, long line, const char *key, const char *tok, double *v)
{
    if (n2p2_number(tok, v))
        return bad(in->path, line, "%s: '%s' is not a finite number", key, tok);
    return PESX_OK;
}

static int sub_ok(const char *s)
{
    if (strcmp(s, "e") == 0)
        return 1;
    return s[0] == 'p' && s[1] >= '1' && s[1] <= '4' &&
           (s[2] == '\0' || (s[2] == 'a' && s[3] == '\0'));
}

/* One symfunction_short line (tokens after the keyword). */
static int parse_sf(n2p2_input *in, long line, char **t, int n)
{
    rawsf s;
    int st, need;
    long type;
    memset(&s, 0, sizeof s);
    s.e1 = s.e2 = -1;
    s.line = line;
    s.order = in->n_sf;
    if (n < 2)
        return bad(in->path, line, "symfunction_short: expected '<element> <type> ...'");
    if ((s.center = elem_index(in, t[0])) < 0)
        return bad(in->path, line, "symfunction_short: element '%s' is not in 'elements'", t[0]);
    if (pesx_parse_long(t[1], 0, 1000, &type) ||
        !(type == 2 || type == 3 || type == 9 || type == 12 || type == 13 ||
          (type >= 20 && type <= 25)))
        return bad(in->path, line,
                   "symfunction_short: unknown type '%s' (n2p2 knows 2, 3, 9, 12, 13, "
                   "20-25)", t[1]);
    s.type = (int)type;
    t += 2;
    n -= 2;
    switch (s.type) {
    case 2: need = 4; break;
    case 3: case 9: need = 6; break;
    case 12: need = 3; break;
    case 13: need = 5; break;
    case 20: need = 4; break;
    case 21: case 22: need = 7; break;
    case 23: need = 3; break;
    default: need = 5; break; /* 24, 25 */
    }
    if (n != need && !((s.type == 3 || s.type == 9) && n == 7)) {
        char a[64];
        snprintf(a, sizeof a, "%d (type %d)", need, s.type);
        return bad(in->path, line, "symfunction_short: expected %s parameters after the type", a);
    }
    /* element arguments */
    int ne = (s.type == 2 || s.type == 20) ? 1 : (s.type == 3 || s.type == 9 || s.type == 21 ||
                                                   s.type == 22) ? 2 : 0;
    for (int k = 0; k < ne; k++) {
        int e = elem_index(in, t[k]);
        if (e < 0)
            return bad(in->path, line,
                       "symfunction_short: neighbour element '%s' is not in 'elements'", t[k]);
        if (k == 0)
            s.e1 = e;
        else
            s.e2 = e;
    }
    if (ne == 2 && in->z[s.e1] > in->z[s.e2]) {
        int x = s.e1;
        s.e1 = s.e2;
        s.e2 = x;
    }
    t += ne;
    n -= ne;
    const char *k0 = "symfunction_short";
    switch (s.type) {
    case 2: case 12:
        if ((st = num(in, line, k0, t[0], &s.eta)) || (st = num(in, line, k0, t[1], &s.rs)) ||
            (st = num(in, line, k0, t[2], &s.rc)))
            return st;
        break;
    case 3: case 9:
        if ((st = num(in, line, k0, t[0], &s.eta)) ||
            (st = num(in, line, k0, t[1], &s.lambda)) ||
            (st = num(in, line, k0, t[2], &s.zeta)) || (st = num(in, line, k0, t[3], &s.rc)) ||
            (n == 5 && (st = num(in, line, k0, t[4], &s.rs))))
            return st;
        break;
    case 13:
        if ((st = num(in, line, k0, t[0], &s.eta)) || (st = num(in, line, k0, t[1], &s.rs)) ||
            (st = num(in, line, k0, t[2], &s.lambda)) ||
            (st = num(in, line, k0, t[3], &s.zeta)) || (st = num(in, line, k0, t[4], &s.rc)))
            return st;
        break;
    default: /* polynomial types: rl rc [theta_l theta_r] sub */
        if ((st = num(in, line, k0, t[0], &s.rl)) || (st = num(in, line, k0, t[1], &s.rc)))
            return st;
        if (n == 5 && ((st = num(in, line, k0, t[2], &s.tl)) ||
                       (st = num(in, line, k0, t[3], &s.tr))))
            return st;
        if (!sub_ok(t[n - 1]))
            return bad(in->path, line,
                       "symfunction_short: unknown subtype '%s' (p1..p4, p1a..p4a, e)", t[n - 1]);
        strcpy(s.sub, t[n - 1]);
        break;
    }
    if (!(s.rc > 0))
        return bad(in->path, line, "symfunction_short: the cutoff radius must be > 0");
    if (pesx_array_reserve(&in->sf, &in->cap_sf, in->n_sf + 1, sizeof *in->sf, 64))
        return PESX_ENOMEM;
    in->sf[in->n_sf++] = s;
    return PESX_OK;
}

#define CMP(a, b)                    \
    do {                             \
        if ((a) != (b))              \
            return (a) < (b) ? -1 : 1; \
    } while (0)

/* n2p2's order (SPEC.md 4.4); ties keep file order. */
static int sf_cmp(const void *pa, const void *pb)
{
    const rawsf *a = pa, *b = pb;
    int c;
    CMP(a->center, b->center);
    CMP(a->type, b->type);
    switch (a->type) {
    case 2:
        CMP(a->rc, b->rc); CMP(a->eta, b->eta); CMP(a->rs, b->rs); CMP(a->e1, b->e1);
        break;
    case 3: case 9:
        CMP(a->rc, b->rc); CMP(a->eta, b->eta); CMP(a->rs, b->rs); CMP(a->zeta, b->zeta);
        CMP(a->lambda, b->lambda); CMP(a->e1, b->e1); CMP(a->e2, b->e2);
        break;
    case 12:
        CMP(a->rc, b->rc); CMP(a->eta, b->eta); CMP(a->rs, b->rs);
        break;
    case 13:
        CMP(a->rc, b->rc); CMP(a->eta, b->eta); CMP(a->rs, b->rs); CMP(a->zeta, b->zeta);
        CMP(a->lambda, b->lambda);
        break;
    case 20:
        if ((c = strcmp(a->sub, b->sub)))
            return c;
        CMP(a->e1, b->e1); CMP(a->rc, b->rc); CMP(a->rl, b->rl);
        break;
    case 21: case 22:
        if ((c = strcmp(a->sub, b->sub)))
            return c;
        CMP(a->e1, b->e1); CMP(a->e2, b->e2); CMP(a->rc, b->rc); CMP(a->rl, b->rl);
        CMP(a->tl, b->tl); CMP(a->tr, b->tr);
        break;
    case 23:
        if ((c = strcmp(a->sub, b->sub)))
            return c;
        CMP(a->rc, b->rc); CMP(a->rl, b->rl);
        break;
    default: /* 24, 25 */
        if ((c = strcmp(a->sub, b->sub)))
            return c;
        CMP(a->rc, b->rc); CMP(a->rl, b->rl); CMP(a->tl, b->tl); CMP(a->tr, b->tr);
        break;
    }
    CMP(a->order, b->order);
    return 0;
}

static int act_ok(char c)
{
    return c && strchr("ltsprgcSeh", c) != NULL;
}

static int zcmp(const void *a, const void *b)
{
    const char *x = a, *y = b;
    int zx = pesx_element_z(x), zy = pesx_element_z(y);
    return zx < zy ? -1 : zx > zy;
}

/* Keywords that may appear only once and that pesx interprets. */
static const char *const single[] = {
    "number_of_elements", "elements", "cutoff_type", "scale_symmetry_functions",
    "center_symmetry_functions", "scale_symmetry_functions_sigma", "scale_min_short",
    "scale_max_short", "global_hidden_layers_short", "global_nodes_short",
    "global_activation_short", "normalize_nodes", "mean_energy", "conv_energy", "conv_length",
    "nnp_type", "element_hidden_layers_short", "element_activation_short", NULL};

typedef struct {
    long line;
    n2p2_line l;
} kwline;

static int read_input_nn(const char *path, n2p2_input *in, size_t *n_unknown)
{
    FILE *fp = fopen(path, "r");
    char buf[4096];
    kwline **lines = NULL; /* each line allocated alone: tok points into it */
    size_t nl = 0, cap = 0, unknown = 0;
    long lineno = 0, seen[32], nelem_kw = -1, hl = -1;
    int st = PESX_OK, have_cut = 0, have_nodes = 0, have_act = 0, have_el = 0;
    int have_mean = 0, have_conv_e = 0, have_conv_l = 0;
    size_t gnodes[MAX_HIDDEN];
    char gact[MAX_HIDDEN + 2] = "";
    memset(seen, 0, sizeof seen);
    if (!fp)
        return pesx_error_set(PESX_EIO, path, 0, "cannot open: %s", strerror(errno));
    while (fgets(buf, sizeof buf, fp)) {
        kwline *k;
        lineno++;
        if ((st = pesx_array_reserve(&lines, &cap, nl + 1, sizeof *lines, 256)))
            goto done;
        if (!(k = lines[nl] = malloc(sizeof *k))) {
            st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
            goto done;
        }
        if (n2p2_split(&k->l, buf) < 0) {
            st = pesx_error_set(PESX_EINVAL, path, lineno, "too many fields");
            free(k);
            goto done;
        }
        if (k->l.n == 0) {
            free(k);
            continue;
        }
        k->line = lineno;
        /* duplicates of single keywords */
        for (int s = 0; single[s]; s++)
            if (strcmp(k->l.tok[0], single[s]) == 0) {
                if (seen[s]) {
                    st = pesx_error_set(PESX_EINVAL, path, lineno,
                                        "keyword '%s' given twice (first on line %ld)",
                                        single[s], seen[s]);
                    free(k);
                    goto done;
                }
                seen[s] = lineno;
            }
        nl++;
    }
    if (ferror(fp)) {
        st = pesx_error_set(PESX_EIO, path, lineno, "read error");
        goto done;
    }
    /* pass 1: global keywords */
    in->smin = 0.0;
    in->smax = 1.0;
    for (size_t q = 0; q < nl && !st; q++) {
        char **t = lines[q]->l.tok;
        int n = lines[q]->l.n;
        long ln = lines[q]->line;
        const char *kw = t[0];
        long v;
        if (strcmp(kw, "symfunction") == 0 || strcmp(kw, "symfunction_short") == 0 ||
            strcmp(kw, "atom_energy") == 0 || strncmp(kw, "element_", 8) == 0)
            continue;
        if (strcmp(kw, "number_of_elements") == 0) {
            if (n != 2 || pesx_parse_long(t[1], 1, MAX_ELEM, &nelem_kw))
                st = bad(path, ln, "number_of_elements: expected a count 1..64");
        } else if (strcmp(kw, "elements") == 0) {
            if (n < 2 || n - 1 > MAX_ELEM) {
                st = bad(path, ln, "elements: expected 1..64 element symbols");
                break;
            }
            for (int k = 1; k < n; k++) {
                if (pesx_element_z(t[k]) <= 0 || strlen(t[k]) > 3) {
                    st = bad(path, ln, "elements: unknown element '%s'", t[k]);
                    break;
                }
                strcpy(in->sym[k - 1], t[k]);
            }
            in->n_elem = (size_t)(n - 1);
            qsort(in->sym, in->n_elem, sizeof in->sym[0], zcmp);
            for (size_t e = 0; e < in->n_elem && !st; e++) {
                in->z[e] = pesx_element_z(in->sym[e]);
                if (e && in->z[e] == in->z[e - 1])
                    st = bad(path, ln, "elements: '%s' listed twice", in->sym[e]);
            }
            have_el = 1;
        } else if (strcmp(kw, "cutoff_type") == 0) {
            if (n < 2 || n > 3 || pesx_parse_long(t[1], 0, 8, &v)) {
                st = bad(path, ln, "cutoff_type: expected a type 0..8 and an optional alpha");
                break;
            }
            in->cutoff_type = (int)v;
            in->alpha = 0.0;
            if (n == 3 && (st = num(in, ln, "cutoff_type", t[2], &in->alpha)))
                break;
            if (!(in->alpha >= 0 && in->alpha < 1))
                st = bad(path, ln, "cutoff_type: alpha must be in [0, 1) (got %s)", t[2]);
            have_cut = 1;
        } else if (strcmp(kw, "scale_symmetry_functions") == 0) {
            in->scale = 1;
        } else if (strcmp(kw, "center_symmetry_functions") == 0) {
            in->center = 1;
        } else if (strcmp(kw, "scale_symmetry_functions_sigma") == 0) {
            in->sigma = 1;
        } else if (strcmp(kw, "normalize_nodes") == 0) {
            in->normalize_nodes = 1;
        } else if (strcmp(kw, "scale_min_short") == 0 || strcmp(kw, "scale_max_short") == 0) {
            if (n != 2) {
                st = bad(path, ln, "%s: expected one number", kw);
                break;
            }
            st = num(in, ln, kw, t[1], kw[7] == 'i' ? &in->smin : &in->smax);
        } else if (strcmp(kw, "mean_energy") == 0 || strcmp(kw, "conv_energy") == 0 ||
                   strcmp(kw, "conv_length") == 0) {
            double *dst = kw[0] == 'm' ? &in->mean_energy
                          : kw[5] == 'e' ? &in->conv_energy : &in->conv_length;
            if (n != 2) {
                st = bad(path, ln, "%s: expected one number", kw);
                break;
            }
            st = num(in, ln, kw, t[1], dst);
            *(kw[0] == 'm' ? &have_mean : kw[5] == 'e' ? &have_conv_e : &have_conv_l) = 1;
        } else if (strcmp(kw, "nnp_type") == 0 || strcmp(kw, "nnp_generation") == 0 ||
                   strcmp(kw, "nnp_type_gen") == 0 || strcmp(kw, "nnp_gen") == 0) {
            if (n != 2 || !(strcmp(t[1], "2G-HDNNP") == 0 || strcmp(t[1], "2") == 0))
                st = pesx_error_set(PESX_EUNSUPPORTED, path, ln,
                                    "%s %s: only short-range (2G-HDNNP) potentials are "
                                    "supported", kw, n > 1 ? t[1] : "");
        } else if (strcmp(kw, "global_hidden_layers_short") == 0) {
            if (n != 2 || pesx_parse_long(t[1], 0, MAX_HIDDEN, &hl))
                st = bad(path, ln, "%s: expected a count 0..30", kw);
        } else if (strcmp(kw, "global_nodes_short") == 0) {
            if (n - 1 > MAX_HIDDEN) {
                st = bad(path, ln, "%s: too many layers", kw);
                break;
            }
            for (int k = 1; k < n && !st; k++) {
                long nn;
                if (pesx_parse_long(t[k], 1, 100000, &nn))
                    st = bad(path, ln, "%s: '%s' is not a positive neuron count", kw, t[k]);
                gnodes[k - 1] = (size_t)nn;
            }
            have_nodes = n - 1;
        } else if (strcmp(kw, "global_activation_short") == 0) {
            if (n - 1 > MAX_HIDDEN + 1) {
                st = bad(path, ln, "%s: too many layers", kw);
                break;
            }
            for (int k = 1; k < n && !st; k++) {
                if (strlen(t[k]) != 1 || !act_ok(t[k][0]))
                    st = bad(path, ln,
                             "%s: unknown activation '%s' (l t s p r g c S e h)", kw, t[k]);
                gact[k - 1] = t[k][0];
            }
            gact[n - 1] = '\0';
            have_act = 1;
        } else {
            unknown++;
        }
    }
    if (st)
        goto done;
    if (!have_el) {
        st = pesx_error_set(PESX_EINVAL, path, 0, "keyword 'elements' missing");
        goto done;
    }
    if (nelem_kw >= 0 && (size_t)nelem_kw != in->n_elem) {
        st = pesx_error_set(PESX_EINVAL, path, seen[0],
                            "number_of_elements is %ld but 'elements' lists %zu", nelem_kw,
                            in->n_elem);
        goto done;
    }
    if (!have_cut) {
        st = pesx_error_set(PESX_EINVAL, path, 0,
                            "keyword 'cutoff_type' missing (RuNNer files may omit it; add "
                            "the cutoff type the potential was trained with, e.g. "
                            "'cutoff_type 2' for tanh^3)");
        goto done;
    }
    if (hl < 0 || !have_act || (hl > 0 && !have_nodes)) {
        st = pesx_error_set(PESX_EINVAL, path, 0,
                            "network topology incomplete: need global_hidden_layers_short, "
                            "global_nodes_short and global_activation_short");
        goto done;
    }
    if (have_nodes != hl || (long)strlen(gact) != hl + 1) {
        st = pesx_error_set(PESX_EINVAL, path, seen[10] ? seen[10] : seen[9],
                            "%ld hidden layers need %ld neuron counts and %ld activations "
                            "(got %d and %zu)", hl, hl, hl + 1, have_nodes, strlen(gact));
        goto done;
    }
    if ((have_mean || have_conv_e || have_conv_l) && !(have_mean && have_conv_e && have_conv_l)) {
        st = pesx_error_set(PESX_EINVAL, path, 0,
                            "mean_energy, conv_energy and conv_length must be given together");
        goto done;
    }
    in->has_norm = have_mean;
    if (in->has_norm && (!(in->conv_energy > 0) || !(in->conv_length > 0))) {
        st = pesx_error_set(PESX_EINVAL, path, seen[13],
                            "conv_energy and conv_length must be > 0");
        goto done;
    }
    if (!in->has_norm) {
        in->conv_energy = 1.0;
        in->mean_energy = 0.0;
    }
    if (!(in->smin < in->smax) && (in->scale || in->sigma)) {
        st = pesx_error_set(PESX_EINVAL, path, seen[7], "scale_min_short must be < scale_max_short");
        goto done;
    }
    for (size_t e = 0; e < in->n_elem; e++) {
        in->n_hidden[e] = (int)hl;
        for (long k = 0; k < hl; k++)
            in->nodes[e][k] = gnodes[k];
        strcpy(in->act[e], gact);
    }
    /* pass 2: per-element keywords and symmetry functions */
    for (size_t q = 0; q < nl && !st; q++) {
        char **t = lines[q]->l.tok;
        int n = lines[q]->l.n;
        long ln = lines[q]->line;
        const char *kw = t[0];
        int e;
        if (strcmp(kw, "symfunction") == 0 || strcmp(kw, "symfunction_short") == 0) {
            st = parse_sf(in, ln, t + 1, n - 1);
            continue;
        }
        if (strcmp(kw, "atom_energy") != 0 && strncmp(kw, "element_", 8) != 0)
            continue;
        if (strcmp(kw, "atom_energy") != 0 && strcmp(kw, "element_hidden_layers_short") != 0 &&
            strcmp(kw, "element_nodes_short") != 0 && strcmp(kw, "element_activation_short") != 0) {
            unknown++;
            continue;
        }
        if (n < 3 || (e = elem_index(in, t[1])) < 0) {
            st = bad(path, ln, "%s: expected an element of 'elements' and values", kw);
            break;
        }
        if (strcmp(kw, "atom_energy") == 0) {
            if (n != 3)
                st = bad(path, ln, "atom_energy: expected '<element> <energy>'");
            else
                st = num(in, ln, kw, t[2], &in->atom_energy[e]);
        } else if (strcmp(kw, "element_hidden_layers_short") == 0) {
            long h;
            if (n != 3 || pesx_parse_long(t[2], 0, MAX_HIDDEN, &h))
                st = bad(path, ln, "%s: expected '<element> <count>'", kw);
            else
                in->n_hidden[e] = (int)h;
            pesx_warn("%s:%ld: %s: n2p2 applies per-element topology keywords "
                      "incompletely; pesx uses the stated values", path, ln, kw);
        } else if (strcmp(kw, "element_nodes_short") == 0) {
            for (int k = 2; k < n && !st && k - 2 < MAX_HIDDEN; k++) {
                long nn;
                if (pesx_parse_long(t[k], 1, 100000, &nn))
                    st = bad(path, ln, "%s: '%s' is not a positive neuron count", kw, t[k]);
                in->nodes[e][k - 2] = (size_t)nn;
            }
            pesx_warn("%s:%ld: %s: n2p2 applies per-element topology keywords "
                      "incompletely; pesx uses the stated values", path, ln, kw);
        } else {
            for (int k = 2; k < n && !st && k - 2 <= MAX_HIDDEN; k++) {
                if (strlen(t[k]) != 1 || !act_ok(t[k][0]))
                    st = bad(path, ln, "%s: unknown activation '%s'", kw, t[k]);
                in->act[e][k - 2] = t[k][0];
                in->act[e][k - 1] = '\0';
            }
            pesx_warn("%s:%ld: %s: n2p2 applies per-element topology keywords "
                      "incompletely; pesx uses the stated values", path, ln, kw);
        }
    }
    for (size_t e = 0; e < in->n_elem && !st; e++)
        if ((int)strlen(in->act[e]) != in->n_hidden[e] + 1)
            st = pesx_error_set(PESX_EINVAL, path, 0,
                                "element %s: %d hidden layers need %d activations (got %zu)",
                                in->sym[e], in->n_hidden[e], in->n_hidden[e] + 1,
                                strlen(in->act[e]));
    if (!st && in->n_sf == 0)
        st = pesx_error_set(PESX_EINVAL, path, 0, "no symfunction_short lines");
    if (!st)
        qsort(in->sf, in->n_sf, sizeof *in->sf, sf_cmp);
    if (n_unknown)
        *n_unknown = unknown;
done:
    for (size_t q = 0; q < nl; q++)
        free(lines[q]);
    free(lines);
    fclose(fp);
    return st;
}

/* scaling.data rows, in element then sorted-SF order, into STATS (4 per SF). */
static int read_scaling(const char *path, const n2p2_input *in, const size_t *count,
                        double *stats)
{
    FILE *fp = fopen(path, "r");
    char buf[4096];
    n2p2_line l;
    long ln = 0;
    size_t e = 0, k = 0, row = 0;
    int st = PESX_OK;
    if (!fp)
        return pesx_error_set(PESX_EIO, path, 0, "cannot open: %s", strerror(errno));
    while (e < in->n_elem && fgets(buf, sizeof buf, fp)) {
        long ie, is;
        double v[4] = {NAN, NAN, NAN, NAN};
        ln++;
        if (buf[0] == '#')
            continue;
        if (n2p2_split(&l, buf) <= 0)
            continue;
        if (l.n < 5 || l.n > 7) {
            st = pesx_error_set(PESX_EINVAL, path, ln,
                                "expected 'element sf min max mean [sigma]' (%d fields)", l.n);
            break;
        }
        if (pesx_parse_long(l.tok[0], 1, MAX_ELEM, &ie) ||
            pesx_parse_long(l.tok[1], 1, 1000000, &is) || (size_t)ie != e + 1 ||
            (size_t)is != k + 1) {
            st = pesx_error_set(PESX_EINVAL, path, ln,
                                "expected element %zu SF %zu here (got '%s %s'): the file does "
                                "not match input.nn", e + 1, k + 1, l.tok[0], l.tok[1]);
            break;
        }
        for (int c = 0; c < (l.n >= 6 ? 4 : 3) && !st; c++)
            if (n2p2_number(l.tok[2 + c], &v[c]))
                st = pesx_error_set(PESX_EINVAL, path, ln, "'%s' is not a finite number",
                                    l.tok[2 + c]);
        if (st)
            break;
        memcpy(stats + 4 * row, v, sizeof v);
        row++;
        if (++k == count[e]) {
            k = 0;
            e++;
        }
    }
    if (!st && e < in->n_elem)
        st = pesx_error_set(PESX_EINVAL, path, ln,
                            "file ends before SF %zu of element %s (input.nn defines %zu)", k + 1,
                            in->sym[e], count[e]);
    fclose(fp);
    return st;
}

/* Fewer weights in weights.ZZZ.data than the network input.nn declares are
 * refused before the network is allocated, so a header cannot make pesx
 * allocate more than the file holds (read_weights refuses too many). */
static int check_weights_count(const char *dir, int z, size_t n_sizes, const size_t *sizes)
{
    char path[4200], buf[4096];
    size_t nw = pesx_potential_file_weight_count(n_sizes, sizes), k = 0;
    long ln = 0;
    n2p2_line l;
    FILE *fp;
    snprintf(path, sizeof path, "%s/weights.%03d.data", dir, z);
    if (!(fp = fopen(path, "r")))
        return pesx_error_set(PESX_EIO, path, 0, "cannot open: %s", strerror(errno));
    while (k < nw && fgets(buf, sizeof buf, fp)) {
        ln++;
        if (buf[0] != '#' && n2p2_split(&l, buf) > 0)
            k++;
    }
    fclose(fp);
    if (k < nw)
        return pesx_error_set(PESX_EINVAL, path, ln,
                              "%zu weights, but the network in input.nn needs %zu", k, nw);
    return PESX_OK;
}

static int read_weights(const char *path, double *w, size_t nw)
{
    FILE *fp = fopen(path, "r");
    char buf[4096];
    n2p2_line l;
    long ln = 0;
    size_t k = 0;
    int st = PESX_OK;
    if (!fp)
        return pesx_error_set(PESX_EIO, path, 0, "cannot open: %s", strerror(errno));
    while (fgets(buf, sizeof buf, fp)) {
        ln++;
        if (buf[0] == '#' || n2p2_split(&l, buf) <= 0)
            continue;
        if (k == nw) {
            st = pesx_error_set(PESX_EINVAL, path, ln,
                                "more weights than the network needs (%zu)", nw);
            break;
        }
        if (n2p2_number(l.tok[0], &w[k])) {
            st = pesx_error_set(PESX_EINVAL, path, ln, "'%s' is not a finite number", l.tok[0]);
            break;
        }
        k++;
    }
    if (!st && k != nw)
        st = pesx_error_set(PESX_EINVAL, path, ln,
                            "%zu weights, but the network in input.nn needs %zu", k, nw);
    fclose(fp);
    return st;
}

static const char *const cutoff_names[9] = {"hard", "cos", "tanh3", "tanh3n", "exp",
                                            "poly1", "poly2", "poly3", "poly4"};

static int set(pesx_potential_file_sf *s, const char *name, double v)
{
    return pesx_potential_file_sf_set(s, name, v);
}

int pesx_n2p2_read(const char *dir, double length_unit, double energy_unit,
                   pesx_potential_file *pf, size_t *n_unknown)
{
    n2p2_input *in = calloc(1, sizeof *in);
    char path[4200];
    size_t count[MAX_ELEM], first[MAX_ELEM];
    double *stats = NULL;
    int st;
    const double L = length_unit, E = energy_unit;
    if (!in)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    if (!(L > 0) || !(E > 0) || !isfinite(L) || !isfinite(E)) {
        free(in);
        return pesx_error_set(PESX_EINVAL, NULL, 0, "length and energy units must be > 0");
    }
    snprintf(path, sizeof path, "%s/input.nn", dir);
    in->path = path;
    if ((st = read_input_nn(path, in, n_unknown)))
        goto done;
    memset(count, 0, sizeof count);
    for (size_t q = 0; q < in->n_sf; q++)
        count[in->sf[q].center]++;
    for (size_t e = 0, s = 0; e < in->n_elem; e++) {
        first[e] = s;
        s += count[e];
        if (count[e] == 0) {
            st = pesx_error_set(PESX_EINVAL, path, 0, "element %s has no symmetry functions",
                                in->sym[e]);
            goto done;
        }
    }
    if (!(stats = malloc(4 * in->n_sf * sizeof *stats))) {
        st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    /* stats are only needed when scaling is on, but n2p2 always reads the
     * file (extrapolation warnings use min/max) */
    snprintf(path, sizeof path, "%s/scaling.data", dir);
    if ((st = read_scaling(path, in, count, stats)))
        goto done;
    pesx_potential_file_release(pf);
    pesx_potential_file_init(pf);
    pf->n_members = 1;
    snprintf(pf->cutoff_type, sizeof pf->cutoff_type, "%s", cutoff_names[in->cutoff_type]);
    pf->cutoff_alpha = in->alpha;
    if (in->scale && in->center)
        strcpy(pf->scaling_mode, "scale-center");
    else if (in->scale)
        strcpy(pf->scaling_mode, "scale");
    else if (in->center)
        strcpy(pf->scaling_mode, "center");
    else if (in->sigma)
        strcpy(pf->scaling_mode, "sigma");
    else
        strcpy(pf->scaling_mode, "none");
    pf->smin = in->smin;
    pf->smax = in->smax;
    pf->mean_energy = in->mean_energy * E;
    pf->conv_energy = in->conv_energy / E;
    snprintf(pf->source, sizeof pf->source, "n2p2:%s", dir);
    for (size_t e = 0; e < in->n_elem; e++) {
        size_t sizes[MAX_HIDDEN + 2], ns = 0;
        pesx_potential_file_element *el;
        sizes[ns++] = count[e];
        for (int k = 0; k < in->n_hidden[e]; k++)
            sizes[ns++] = in->nodes[e][k];
        sizes[ns++] = 1;
        if ((st = check_weights_count(dir, in->z[e], ns, sizes)))
            goto done;
        if (!(el = pesx_potential_file_add_element(pf, in->sym[e], count[e], ns, sizes))) {
            st = pesx_error_last()->code;
            goto done;
        }
        el->ref_energy = in->atom_energy[e] * E;
        el->normalize_nodes = in->normalize_nodes;
        for (size_t l = 0; l + 1 < ns; l++)
            snprintf(el->activation[l], PESX_PF_NAME, "%c", in->act[e][l]);
        for (size_t k = 0; k < count[e]; k++) {
            const rawsf *r = &in->sf[first[e] + k];
            pesx_potential_file_sf *s = &el->sf[k];
            const double *sv = stats + 4 * (first[e] + k);
            snprintf(s->type, sizeof s->type, "%d", r->type);
            strcpy(s->e1, r->e1 >= 0 ? in->sym[r->e1] : "");
            strcpy(s->e2, r->e2 >= 0 ? in->sym[r->e2] : "");
            strcpy(s->sub, r->sub);
            s->n_params = 0;
            if (r->type <= 13) {
                st = set(s, "eta", r->eta / (L * L));
                if (!st && r->type != 12 && r->type != 2) {
                    st = set(s, "lambda", r->lambda);
                    st = st ? st : set(s, "zeta", r->zeta);
                }
                st = st ? st : set(s, "rs", r->rs * L);
                st = st ? st : set(s, "rc", r->rc * L);
            } else {
                st = set(s, "rl", r->rl * L);
                st = st ? st : set(s, "rc", r->rc * L);
                if (!st && r->type != 20 && r->type != 23) {
                    st = set(s, "theta_l", r->tl);
                    st = st ? st : set(s, "theta_r", r->tr);
                }
            }
            if (st)
                goto done;
            s->gmin = sv[0];
            s->gmax = sv[1];
            s->gmean = sv[2];
            s->gsigma = sv[3];
            s->train_min = sv[0];
            s->train_max = sv[1];
        }
        snprintf(path, sizeof path, "%s/weights.%03d.data", dir, in->z[e]);
        if ((st = read_weights(path, el->weights, el->n_weights)))
            goto done;
    }
done:
    free(stats);
    free(in->sf);
    free(in);
    return st;
}
