/* An n2p2 input.nn read as a settings file: symmetry functions and cutoff
 * type only (pesx fit --sf); see io_n2p2.h.  Token layout as n2p2's
 * (SPEC.md 4): after "symfunction_short <centre> <type>",
 *   2, 20:      e1 eta rs rc            / e1 rl rc sub
 *   3, 9:       e1 e2 eta lambda zeta rc [rs]
 *   12:         eta rs rc
 *   13:         eta rs lambda zeta rc
 *   21, 22:     e1 e2 rl rc theta_l theta_r sub
 *   23:         rl rc sub
 *   24, 25:     rl rc theta_l theta_r sub */
#include <config.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/io_n2p2.h>
#include "io/n2p2_impl.h"

/* n2p2's cutoff numbers as the descriptor names them (as the potential
 * reader writes them) */
static const char *const cutoff_names[9] = {"hard", "cos", "tanh3", "tanh3n", "exp",
                                            "poly1", "poly2", "poly3", "poly4"};

typedef struct {
    int center;                 /* atomic number */
    pesx_potential_file_sf sf;
} setting_sf;

static int set(pesx_potential_file_sf *s, const char *name, double v)
{
    return pesx_potential_file_sf_set(s, name, v);
}

static int number(const char *path, long line, const char *tok, const char *what, double *v)
{
    if (n2p2_number(tok, v))
        return pesx_error_set(PESX_EINVAL, path, line, "%s '%s' is not a finite number", what,
                              tok);
    return PESX_OK;
}

static int parse_line(const char *path, long line, char **t, int n, double L, setting_sf *out)
{
    static const struct {
        int type, nel, nnum, sub; /* elements, numbers (rs optional: +1), subtype */
    } shapes[] = {{2, 1, 3, 0},  {3, 2, 4, 0},  {9, 2, 4, 0},  {12, 0, 3, 0}, {13, 0, 5, 0},
                  {20, 1, 2, 1}, {21, 2, 4, 1}, {22, 2, 4, 1}, {23, 0, 2, 1}, {24, 0, 4, 1},
                  {25, 0, 4, 1}};
    pesx_potential_file_sf *s = &out->sf;
    long type;
    size_t q;
    double v[6];
    int st;
    memset(out, 0, sizeof *out);
    s->gmin = s->gmax = s->gmean = s->gsigma = s->train_min = s->train_max = NAN;
    if (n < 2)
        return pesx_error_set(PESX_EINVAL, path, line,
                              "symfunction_short: expected '<element> <type> ...'");
    if ((out->center = pesx_element_z(t[0])) <= 0)
        return pesx_error_set(PESX_EINVAL, path, line, "symfunction_short: unknown element '%s'",
                              t[0]);
    if (pesx_parse_long(t[1], 0, 1000, &type))
        type = -1;
    for (q = 0; q < sizeof shapes / sizeof *shapes && shapes[q].type != type; q++)
        ;
    if (q == sizeof shapes / sizeof *shapes)
        return pesx_error_set(PESX_EINVAL, path, line,
                              "symfunction_short: unknown type '%s' (2, 3, 9, 12, 13, 20-25)", t[1]);
    int nel = shapes[q].nel, nnum = shapes[q].nnum, opt_rs = type == 3 || type == 9;
    int args = n - 2;
    if (args != nel + nnum + shapes[q].sub && !(opt_rs && args == nel + nnum + 1))
        return pesx_error_set(PESX_EINVAL, path, line,
                              "symfunction_short: type %ld needs %d values after the type, got %d",
                              type, nel + nnum + shapes[q].sub, args);
    snprintf(s->type, sizeof s->type, "%ld", type);
    for (int k = 0; k < nel; k++) {
        if (pesx_element_z(t[2 + k]) <= 0)
            return pesx_error_set(PESX_EINVAL, path, line,
                                  "symfunction_short: unknown neighbour element '%s'", t[2 + k]);
        snprintf(k ? s->e2 : s->e1, sizeof s->e1, "%s", t[2 + k]);
    }
    if (nel == 2 && pesx_element_z(s->e1) > pesx_element_z(s->e2)) {
        char x[4];
        memcpy(x, s->e1, sizeof x);
        memcpy(s->e1, s->e2, sizeof x);
        memcpy(s->e2, x, sizeof x);
    }
    int nv = args - nel - shapes[q].sub;
    for (int k = 0; k < nv; k++)
        if ((st = number(path, line, t[2 + nel + k], "symfunction_short: parameter", &v[k])))
            return st;
    switch (type) {
    case 2: case 12:
        st = set(s, "eta", v[0] / (L * L)) || set(s, "rs", v[1] * L) || set(s, "rc", v[2] * L);
        break;
    case 3: case 9:
        st = set(s, "eta", v[0] / (L * L)) || set(s, "lambda", v[1]) || set(s, "zeta", v[2]) ||
             set(s, "rs", nv == 5 ? v[4] * L : 0.0) || set(s, "rc", v[3] * L);
        break;
    case 13:
        st = set(s, "eta", v[0] / (L * L)) || set(s, "rs", v[1] * L) || set(s, "lambda", v[2]) ||
             set(s, "zeta", v[3]) || set(s, "rc", v[4] * L);
        break;
    default:
        st = set(s, "rl", v[0] * L) || set(s, "rc", v[1] * L);
        if (!st && nv == 4)
            st = set(s, "theta_l", v[2]) || set(s, "theta_r", v[3]);
        {
            const char *sub = t[n - 1];
            int ok = !strcmp(sub, "e") || (sub[0] == 'p' && sub[1] >= '1' && sub[1] <= '4' &&
                                           (!sub[2] || (sub[2] == 'a' && !sub[3])));
            if (!ok)
                return pesx_error_set(PESX_EINVAL, path, line,
                                      "symfunction_short: unknown subtype '%s' (p1..p4, p1a..p4a, e)",
                                      sub);
            snprintf(s->sub, sizeof s->sub, "%s", sub);
        }
    }
    if (st)
        return pesx_error_set(PESX_EINVAL, path, line, "symfunction_short: too many parameters");
    double rc;
    pesx_potential_file_sf_get(s, "rc", &rc);
    if (!(rc > 0))
        return pesx_error_set(PESX_EINVAL, path, line, "symfunction_short: the cutoff radius must be > 0");
    return PESX_OK;
}

int pesx_n2p2_read_settings(const char *path, double length_unit, pesx_potential_file *pf)
{
    FILE *fp;
    n2p2_line *l = malloc(sizeof *l);
    char *buf = NULL;
    size_t cap = 0, n = 0, ncap = 0;
    ssize_t got;
    long ln = 0, cut_line = 0;
    setting_sf *all = NULL;
    int st = PESX_OK;
    char cutoff[PESX_PF_NAME] = "";
    double alpha = 0.0;

    pesx_potential_file_release(pf);
    pesx_potential_file_init(pf);
    if (!l)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    if (!(length_unit > 0) || !isfinite(length_unit)) {
        free(l);
        return pesx_error_set(PESX_EINVAL, NULL, 0, "the length unit must be > 0");
    }
    if (!(fp = fopen(path, "r"))) {
        free(l);
        return pesx_error_set(errno == ENOENT ? PESX_EINVAL : PESX_EIO, path, 0,
                              "cannot open: %s", strerror(errno));
    }
    while (!st && (got = getline(&buf, &cap, fp)) >= 0) {
        ln++;
        if ((size_t)got >= sizeof l->buf - 1 || (size_t)got != strlen(buf)) {
            st = pesx_error_set(PESX_EINVAL, path, ln, "line too long or with a NUL byte");
            break;
        }
        if (n2p2_split(l, buf) < 0) {
            st = pesx_error_set(PESX_EINVAL, path, ln, "too many words on the line");
            break;
        }
        if (l->n == 0)
            continue;
        if (!strcmp(l->tok[0], "symfunction_short") || !strcmp(l->tok[0], "symfunction")) {
            if ((st = pesx_array_reserve(&all, &ncap, n + 1, sizeof *all, 64)))
                break;
            if (!(st = parse_line(path, ln, l->tok + 1, l->n - 1, length_unit, &all[n])))
                n++;
        } else if (!strcmp(l->tok[0], "cutoff_type")) {
            long ct;
            if (cut_line)
                st = pesx_error_set(PESX_EINVAL, path, ln,
                                    "keyword 'cutoff_type' given twice (first on line %ld)",
                                    cut_line);
            else if (l->n < 2 || l->n > 3 || pesx_parse_long(l->tok[1], 0, 8, &ct) ||
                     (l->n == 3 && (n2p2_number(l->tok[2], &alpha) || alpha < 0 || alpha >= 1)))
                st = pesx_error_set(PESX_EINVAL, path, ln,
                                    "cutoff_type: expected a type 0..8 and an optional alpha in [0, 1)");
            else
                snprintf(cutoff, sizeof cutoff, "%s", cutoff_names[ct]);
            cut_line = ln;
        }
    }
    if (!st && ferror(fp))
        st = pesx_error_set(PESX_EIO, path, ln, "read error");
    if (!st && n == 0)
        st = pesx_error_set(PESX_EINVAL, path, ln ? ln : 1, "no symfunction_short lines");
    if (!st) {
        int seen[PESX_MAX_Z + 1] = {0};
        pf->n_members = 1;
        snprintf(pf->cutoff_type, sizeof pf->cutoff_type, "%s", cutoff);
        pf->cutoff_alpha = alpha;
        for (size_t k = 0; k < n; k++)
            seen[all[k].center]++;
        for (int z = 1; z <= PESX_MAX_Z && !st; z++) {
            if (!seen[z])
                continue;
            size_t sizes[2] = {(size_t)seen[z], 1}, j = 0;
            pesx_potential_file_element *el =
                pesx_potential_file_add_element(pf, pesx_element_symbol(z), sizes[0], 2, sizes);
            if (!el) {
                st = pesx_error_last()->code ? pesx_error_last()->code : PESX_ENOMEM;
                break;
            }
            snprintf(el->activation[0], PESX_PF_NAME, "linear");
            for (size_t k = 0; k < n; k++)
                if (all[k].center == z)
                    el->sf[j++] = all[k].sf;
        }
    }
    if (st)
        pesx_potential_file_release(pf);
    free(all);
    free(buf);
    free(l);
    fclose(fp);
    return st;
}
