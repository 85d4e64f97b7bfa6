/* Check suite for symmetry functions of a fit (fit_sf.h): the n2p2-style
 * grids (parameters from the data's nearest-neighbour distances), the
 * descriptor built from a potential file against G2 summed by hand, the
 * selection (no constant function, no pair above the correlation
 * threshold), the statistics against a two-pass recomputation, the scaling
 * mapping every training atom into [smin, smax], determinism, option
 * errors, and a network placed on the file that reads back from disk.
 * With $PESX_SHARED: the same properties on auAl100_train.xml. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "testutil.h"
#include <pesx/fit_sf.h>
#include <pesx/io_n2p2.h>

/* A small deterministic data set: NS clusters of H and O (2 O + 4 H)
 * with random displacements, and forces/energies that are never looked at
 * by the SF code (zero). */
static void make_clusters(pesx_dataset *ds, size_t ns, unsigned long long seed)
{
    pesx_rng rng;
    pesx_rng_seed(&rng, seed);
    pesx_dataset_init(ds);
    static const double base[6][3] = {{0, 0, 0},       {2.9, 0, 0},    {0.96, 0, 0},
                                      {-0.24, 0.93, 0}, {3.86, 0, 0.1}, {2.66, 0.93, 0}};
    static const int z[6] = {8, 8, 1, 1, 1, 1};
    for (size_t s = 0; s < ns; s++) {
        pesx_atoms *a = pesx_atoms_alloc(6);
        double f[18] = {0};
        char id[32];
        for (int i = 0; i < 6; i++) {
            a->z[i] = z[i];
            for (int k = 0; k < 3; k++)
                a->x[3 * i + k] = base[i][k] + 0.15 * pesx_rng_normal(&rng);
        }
        snprintf(id, sizeof id, "c%zu", s);
        pesx_dataset_entry e = {id, a, -1.0, f, 1.0, "clusters", (long)s + 1};
        ck_assert_int_eq(pesx_dataset_append(ds, &e), PESX_OK);
        pesx_atoms_free(a);
    }
}

static double param(const pesx_potential_file_sf *s, const char *name)
{
    double v;
    ck_assert_msg(pesx_potential_file_sf_get(s, name, &v), "no parameter %s", name);
    return v;
}

/* G of every atom of DS with PF's descriptor, rows per element. */
typedef struct {
    size_t n[PESX_MAX_Z];
    double *G[PESX_MAX_Z];
} rows;

static void all_rows(const pesx_dataset *ds, const pesx_potential_file *pf, rows *r)
{
    pesx_descriptor *d = pesx_fit_descriptor_from_file(pf);
    pesx_nlist nl;
    ck_assert_ptr_nonnull(d);
    memset(r, 0, sizeof *r);
    for (size_t e = 0; e < pf->n_elements; e++) {
        size_t cnt = 0;
        for (size_t q = 0; q < ds->n_elements; q++)
            if (ds->elements[q] == pf->element[e].z)
                cnt = ds->count[q];
        r->G[e] = malloc((cnt + 1) * pf->element[e].n_sf * sizeof(double));
    }
    pesx_nlist_init(&nl);
    double *G = malloc(pesx_descriptor_max_n_sf(d) * sizeof *G);
    for (size_t k = 0; k < ds->n; k++) {
        const pesx_atoms *a = ds->atoms[k];
        ck_assert_int_eq(pesx_nlist_build(&nl, a, pesx_descriptor_cutoff(d)), PESX_OK);
        pesx_descriptor_workspace *ws = pesx_descriptor_workspace_alloc(d);
        for (size_t i = 0; i < a->n; i++) {
            int e = pesx_descriptor_element_index(d, a->z[i]);
            size_t ns = pf->element[e].n_sf;
            ck_assert_int_eq(pesx_descriptor_atom_values(d, a, &nl, i, G, ws), PESX_OK);
            memcpy(r->G[e] + r->n[e] * ns, G, ns * sizeof *G);
            r->n[e]++;
        }
        pesx_descriptor_workspace_free(ws);
    }
    free(G);
    pesx_nlist_release(&nl);
    pesx_descriptor_free(d);
}

static void free_rows(rows *r, size_t ne)
{
    for (size_t e = 0; e < ne; e++)
        free(r->G[e]);
}

/* The properties every generated set must have on its training data. */
static void check_generated(const pesx_dataset *ds, const pesx_potential_file *pf, double max_corr)
{
    rows r;
    ck_assert_uint_eq(pf->n_elements, ds->n_elements);
    ck_assert_int_eq(pesx_potential_file_check(pf, NULL), PESX_OK);
    all_rows(ds, pf, &r);
    for (size_t e = 0; e < pf->n_elements; e++) {
        const pesx_potential_file_element *el = &pf->element[e];
        size_t ns = el->n_sf, m = r.n[e];
        double *factor = malloc(ns * sizeof *factor), *offset = malloc(ns * sizeof *offset);
        double *mean = calloc(ns, sizeof *mean), *sd = calloc(ns, sizeof *sd);
        ck_assert_uint_gt(ns, 0);
        ck_assert_int_eq(pesx_fit_sf_scaling(pf, e, factor, offset), PESX_OK);
        for (size_t k = 0; k < ns; k++) {
            const pesx_potential_file_sf *s = &el->sf[k];
            double lo = INFINITY, hi = -INFINITY, q = 0;
            for (size_t i = 0; i < m; i++) {
                double g = r.G[e][i * ns + k];
                lo = fmin(lo, g);
                hi = fmax(hi, g);
                mean[k] += g;
            }
            mean[k] /= (double)m;
            for (size_t i = 0; i < m; i++)
                q += (r.G[e][i * ns + k] - mean[k]) * (r.G[e][i * ns + k] - mean[k]);
            sd[k] = sqrt(q / (double)m);
            /* statistics: exact extremes, mean and sigma to rounding */
            ck_assert(s->gmin == lo && s->gmax == hi);
            ck_assert(s->train_min == lo && s->train_max == hi);
            ck_assert_msg(hi - lo > 1e-8 * fmax(fabs(hi), fabs(lo)),
                          "%s SF %zu is constant on the data", el->symbol, k + 1);
            ck_assert(fabs(s->gmean - mean[k]) <= 1e-12 * fmax(1.0, fabs(mean[k])));
            ck_assert(fabs(s->gsigma - sd[k]) <= 1e-9 * fmax(1e-3, sd[k]));
            /* scaling: every training atom lands in [smin, smax], both ends reached */
            double xlo = INFINITY, xhi = -INFINITY;
            for (size_t i = 0; i < m; i++) {
                double x = factor[k] * r.G[e][i * ns + k] + offset[k];
                xlo = fmin(xlo, x);
                xhi = fmax(xhi, x);
            }
            ck_assert_msg(xlo >= pf->smin - 1e-12 && xhi <= pf->smax + 1e-12,
                          "%s SF %zu scaled to [%.17g, %.17g]", el->symbol, k + 1, xlo, xhi);
            ck_assert(fabs(xlo - pf->smin) < 1e-12 && fabs(xhi - pf->smax) < 1e-12);
        }
        /* no two kept functions are near duplicates */
        for (size_t k = 0; k < ns; k++)
            for (size_t j = 0; j < k; j++) {
                double c = 0;
                for (size_t i = 0; i < m; i++)
                    c += (r.G[e][i * ns + k] - mean[k]) * (r.G[e][i * ns + j] - mean[j]);
                c /= (double)m * sd[k] * sd[j];
                ck_assert_msg(fabs(c) <= max_corr + 1e-9, "%s SFs %zu and %zu: correlation %.6f",
                              el->symbol, j + 1, k + 1, c);
            }
        free(factor);
        free(offset);
        free(mean);
        free(sd);
    }
    free_rows(&r, pf->n_elements);
}

static int same_file(const pesx_potential_file *a, const pesx_potential_file *b)
{
    if (a->n_elements != b->n_elements)
        return 0;
    for (size_t e = 0; e < a->n_elements; e++) {
        if (a->element[e].n_sf != b->element[e].n_sf)
            return 0;
        if (memcmp(a->element[e].sf, b->element[e].sf, a->element[e].n_sf * sizeof *a->element[e].sf))
            return 0;
    }
    return 1;
}

START_TEST(test_grids)
{
    pesx_dataset ds;
    pesx_potential_file pf;
    pesx_fit_sf_options o;
    pesx_fit_sf_report rep;
    make_clusters(&ds, 40, 7);
    pesx_fit_sf_options_init(&o);
    ck_assert_int_eq(o.radial_mode, PESX_FIT_RADIAL_CENTER);
    ck_assert_uint_eq(o.n_radial, 8);
    o.radial_mode = PESX_FIT_RADIAL_SHIFT;
    o.n_radial = 6;
    o.max_corr = 1.0; /* keep everything that is not constant */
    pesx_potential_file_init(&pf);
    ck_assert_int_eq(pesx_fit_sf_generate(&ds, &o, &pf, &rep), PESX_OK);
    ck_assert_uint_eq(rep.n_elements, 2);
    /* H: radial to H and O, angular HH, HO, OO = 6 + 6 + 3 * 2 * 4 * 2 */
    ck_assert_uint_eq(rep.n_candidates[0], 12 + 48);
    ck_assert_uint_eq(rep.n_candidates[1], 12 + 48);
    ck_assert_uint_eq(rep.n_kept[0] + rep.n_constant[0] + rep.n_correlated[0], 60);
    /* the nearest-neighbour distance is the shortest O-H bond of the data */
    double rmin = INFINITY;
    for (size_t k = 0; k < ds.n; k++)
        for (size_t i = 0; i < 6; i++)
            for (size_t j = 0; j < i; j++) {
                const double *x = ds.atoms[k]->x;
                double d = sqrt(pow(x[3 * i] - x[3 * j], 2) + pow(x[3 * i + 1] - x[3 * j + 1], 2) +
                                pow(x[3 * i + 2] - x[3 * j + 2], 2));
                rmin = fmin(rmin, d);
            }
    ck_assert(fabs(rep.r_nn_min - rmin) < 1e-12);
    ck_assert_str_eq(pf.cutoff_type, "poly2");
    ck_assert_str_eq(pf.scaling_mode, "scale");
    ck_assert(pf.smin == -1 && pf.smax == 1);
    /* the first function of H is radial to H (shifted grid from r_HH to rc - 0.5) */
    const pesx_potential_file_sf *s = &pf.element[0].sf[0];
    ck_assert_str_eq(s->type, "2");
    ck_assert_str_eq(s->e1, "H");
    double rs0 = param(s, "rs"), eta = param(s, "eta"), dr = (5.5 - rs0) / 5;
    ck_assert(fabs(eta - 1 / (2 * dr * dr)) < 1e-12 * eta);
    ck_assert(param(s, "rc") == 6.0);
    check_generated(&ds, &pf, 1.0);
    /* deterministic */
    pesx_potential_file pf2;
    pesx_potential_file_init(&pf2);
    ck_assert_int_eq(pesx_fit_sf_generate(&ds, &o, &pf2, NULL), PESX_OK);
    ck_assert(same_file(&pf, &pf2));
    /* centred grid: rs = 0, eta = 1 / (2 r^2) with r from 0.35 r_nn to rc - 0.5 */
    o.radial_mode = PESX_FIT_RADIAL_CENTER;
    ck_assert_int_eq(pesx_fit_sf_generate(&ds, &o, &pf2, NULL), PESX_OK);
    ck_assert_str_eq(pf2.element[0].sf[0].e1, "H");
    {
        /* shortest H-H distance of the data */
        double rhh = INFINITY;
        for (size_t k = 0; k < ds.n; k++)
            for (size_t i = 2; i < 6; i++)
                for (size_t j = 2; j < i; j++) {
                    const double *x = ds.atoms[k]->x;
                    rhh = fmin(rhh, sqrt(pow(x[3 * i] - x[3 * j], 2) +
                                         pow(x[3 * i + 1] - x[3 * j + 1], 2) +
                                         pow(x[3 * i + 2] - x[3 * j + 2], 2)));
                }
        double r0 = 0.35 * rhh;
        ck_assert(fabs(param(&pf2.element[0].sf[0], "eta") - 1 / (2 * r0 * r0)) < 1e-12 / (r0 * r0));
    }
    o.r_inner = 1.0;
    ck_assert_int_eq(pesx_fit_sf_generate(&ds, &o, &pf2, NULL), PESX_OK);
    s = &pf2.element[0].sf[0];
    ck_assert(param(s, "rs") == 0.0);
    ck_assert(fabs(param(s, "eta") - 0.5) < 1e-15);
    ck_assert(fabs(param(&pf2.element[0].sf[5], "eta") - 1 / (2 * 5.5 * 5.5)) < 1e-15);
    pesx_potential_file_release(&pf2);
    pesx_potential_file_release(&pf);
    pesx_dataset_release(&ds);
}
END_TEST

START_TEST(test_selection)
{
    pesx_dataset ds;
    pesx_potential_file pf;
    pesx_fit_sf_options o;
    pesx_fit_sf_report rep;
    make_clusters(&ds, 40, 11);
    pesx_fit_sf_options_init(&o);
    pesx_potential_file_init(&pf);
    ck_assert_int_eq(pesx_fit_sf_generate(&ds, &o, &pf, &rep), PESX_OK);
    for (size_t e = 0; e < 2; e++) {
        ck_assert_uint_eq(rep.n_kept[e], pf.element[e].n_sf);
        ck_assert_uint_gt(rep.n_correlated[e], 0); /* the default drops some */
    }
    check_generated(&ds, &pf, o.max_corr);
    /* a cap on the count keeps the first ones */
    pesx_potential_file capped;
    pesx_potential_file_init(&capped);
    o.max_sf_per_element = 5;
    ck_assert_int_eq(pesx_fit_sf_generate(&ds, &o, &capped, NULL), PESX_OK);
    ck_assert_uint_eq(capped.element[0].n_sf, 5);
    ck_assert(memcmp(capped.element[0].sf[4].param, pf.element[0].sf[4].param,
                     sizeof pf.element[0].sf[4].param) == 0);
    /* narrow angular type and the scale-center/sigma modes */
    o.max_sf_per_element = 0;
    snprintf(o.angular_type, sizeof o.angular_type, "3");
    snprintf(o.scaling_mode, sizeof o.scaling_mode, "sigma");
    ck_assert_int_eq(pesx_fit_sf_generate(&ds, &o, &capped, NULL), PESX_OK);
    ck_assert_str_eq(capped.scaling_mode, "sigma");
    int narrow = 0;
    for (size_t k = 0; k < capped.element[1].n_sf; k++)
        narrow += !strcmp(capped.element[1].sf[k].type, "3");
    ck_assert_int_gt(narrow, 0);
    pesx_potential_file_release(&capped);
    pesx_potential_file_release(&pf);
    pesx_dataset_release(&ds);
}
END_TEST

/* The descriptor built from a file gives G2 as summed by hand. */
START_TEST(test_descriptor_from_file)
{
    pesx_dataset ds;
    pesx_potential_file pf;
    pesx_fit_sf_options o;
    make_clusters(&ds, 3, 5);
    pesx_fit_sf_options_init(&o);
    o.max_corr = 1.0;
    pesx_potential_file_init(&pf);
    ck_assert_int_eq(pesx_fit_sf_generate(&ds, &o, &pf, NULL), PESX_OK);
    pesx_descriptor *d = pesx_fit_descriptor_from_file(&pf);
    ck_assert_ptr_nonnull(d);
    pesx_cutoff fc;
    ck_assert_int_eq(pesx_cutoff_init(&fc, pesx_cutoff_lookup("poly2"), 6.0, 0.0), PESX_OK);
    const pesx_atoms *a = ds.atoms[1];
    pesx_nlist nl;
    pesx_nlist_init(&nl);
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 6.0), PESX_OK);
    double *all = calloc(a->n * pesx_descriptor_max_n_sf(d), sizeof *all);
    ck_assert_int_eq(pesx_descriptor_eval_all(d, a, &nl, all, NULL), PESX_OK);
    for (size_t i = 0; i < a->n; i++) {
        size_t e = a->z[i] == 1 ? 0 : 1;
        const pesx_potential_file_element *el = &pf.element[e];
        for (size_t k = 0; k < el->n_sf; k++) {
            const pesx_potential_file_sf *s = &el->sf[k];
            if (strcmp(s->type, "2"))
                continue;
            double eta = param(s, "eta"), rs = param(s, "rs"), sum = 0;
            int zj = pesx_element_z(s->e1);
            for (size_t j = 0; j < a->n; j++) {
                if (j == i || a->z[j] != zj)
                    continue;
                double dx = a->x[3 * j] - a->x[3 * i], dy = a->x[3 * j + 1] - a->x[3 * i + 1],
                       dz = a->x[3 * j + 2] - a->x[3 * i + 2], r = sqrt(dx * dx + dy * dy + dz * dz);
                sum += exp(-eta * (r - rs) * (r - rs)) * pesx_cutoff_eval(&fc, r, NULL);
            }
            double g = all[i * pesx_descriptor_max_n_sf(d) + k];
            ck_assert_msg(fabs(g - sum) <= 1e-13 * fmax(1, fabs(sum)), "atom %zu SF %zu: %.17g vs %.17g",
                          i, k, g, sum);
        }
    }
    free(all);
    pesx_nlist_release(&nl);
    pesx_descriptor_free(d);
    pesx_potential_file_release(&pf);
    pesx_dataset_release(&ds);
}
END_TEST

START_TEST(test_network_and_file)
{
    pesx_dataset ds;
    pesx_potential_file pf, back;
    pesx_fit_sf_options o;
    char dir[] = "/tmp/check_fit_sf.XXXXXX", path[128];
    make_clusters(&ds, 10, 3);
    pesx_fit_sf_options_init(&o);
    pesx_potential_file_init(&pf);
    ck_assert_int_eq(pesx_fit_sf_generate(&ds, &o, &pf, NULL), PESX_OK);
    /* the placeholder network */
    ck_assert_uint_eq(pf.element[0].n_sizes, 2);
    ck_assert_uint_eq(pf.element[0].size[0], pf.element[0].n_sf);
    const size_t hidden[2] = {10, 7};
    const char *acts[3] = {"softplus", "t", "l"};
    ck_assert_int_eq(pesx_fit_pf_set_network(&pf, 2, hidden, acts, 3), PESX_OK);
    ck_assert_uint_eq(pf.n_members, 3);
    ck_assert_uint_eq(pf.element[1].n_sizes, 4);
    ck_assert_str_eq(pf.element[1].activation[1], "tanh");
    ck_assert_str_eq(pf.element[1].activation[2], "linear");
    size_t n = pf.element[1].n_sf;
    ck_assert_uint_eq(pf.element[1].n_weights, n * 10 + 10 + 10 * 7 + 7 + 7 + 1);
    const char *badact[3] = {"softplus", "nope", "l"};
    ck_assert_int_eq(pesx_fit_pf_set_network(&pf, 2, hidden, badact, 1), PESX_EINVAL);
    /* the file reads back with every statistic */
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/p.xml", dir);
    ck_assert_int_eq(pesx_potential_file_write(path, &pf), PESX_OK);
    pesx_potential_file_init(&back);
    ck_assert_int_eq(pesx_potential_file_read(path, &back), PESX_OK);
    ck_assert(same_file(&pf, &back));
    unlink(path);
    rmdir(dir);
    pesx_potential_file_release(&back);
    pesx_potential_file_release(&pf);
    pesx_dataset_release(&ds);
}
END_TEST

START_TEST(test_errors)
{
    pesx_dataset ds, empty;
    pesx_potential_file pf;
    pesx_fit_sf_options o;
    make_clusters(&ds, 3, 1);
    pesx_potential_file_init(&pf);
    pesx_dataset_init(&empty);
    pesx_fit_sf_options_init(&o);
    ck_assert_int_eq(pesx_fit_sf_generate(&empty, &o, &pf, NULL), PESX_EINVAL);
#define BAD(stmt, words)                                                                  \
    do {                                                                                  \
        pesx_fit_sf_options_init(&o);                                                     \
        stmt;                                                                             \
        ck_assert_int_eq(pesx_fit_sf_generate(&ds, &o, &pf, NULL), PESX_EINVAL);          \
        ck_assert_msg(strstr(pesx_error_last()->msg, words), "'%s' lacks '%s'",           \
                      pesx_error_last()->msg, words);                                     \
        ck_assert_uint_eq(pf.n_elements, 0);                                              \
    } while (0)
    BAD(o.rc = 0.2, "cutoff 0.2");
    BAD(o.rc = NAN, "cutoff");
    BAD(snprintf(o.cutoff_type, sizeof o.cutoff_type, "square"), "unknown cutoff function 'square'");
    BAD(o.n_radial = 0, "radial functions per pair");
    BAD(snprintf(o.angular_type, sizeof o.angular_type, "5"), "angular type '5'");
    BAD(o.zeta[1] = 0.5, "zeta 0.5");
    BAD(o.max_corr = 0, "correlation threshold");
    BAD(snprintf(o.scaling_mode, sizeof o.scaling_mode, "minmax"), "unknown scaling mode 'minmax'");
    BAD((o.smin = 1, o.smax = -1), "need smin < smax");
    BAD(o.r_inner = 7, "inner radius 7");
    /* atoms never within the cutoff of each other */
    for (size_t k = 0; k < ds.n; k++)
        for (size_t i = 0; i < 3 * 6; i++)
            ds.atoms[k]->x[i] *= 100;
    BAD((void)0, "ever has a neighbour within the cutoff");
#undef BAD
    pesx_dataset_release(&ds);
}
END_TEST

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
}

/* --sf FILE: n2p2 symfunction_short lines, file order, statistics. */
START_TEST(test_sf_file)
{
    char dir[] = "/tmp/check_fit_sf.XXXXXX", path[128];
    pesx_dataset ds;
    pesx_potential_file pf;
    pesx_fit_sf_options o;
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/input.nn", dir);
    write_text(path, "# settings\n"
                     "cutoff_type 6 0.0\n"
                     "elements H O\n"
                     "global_hidden_layers_short 2   ! ignored here\n"
                     "symfunction_short H 2 O 1.0 0.9 6.0\n"
                     "symfunction_short H 2 H 0.5 0.0 6.0\n"
                     "symfunction_short O 9 H H 0.05 -1 4 6.0\n"
                     "symfunction_short O 3 O H 0.05 1 2 6.0 0.5\n"
                     "symfunction_short O 2 H 1.0D0 0.9 6.0\n");
    make_clusters(&ds, 30, 9);
    pesx_fit_sf_options_init(&o);
    pesx_potential_file_init(&pf);
    ck_assert_int_eq(pesx_fit_sf_read(path, &ds, &o, &pf), PESX_OK);
    ck_assert_str_eq(pf.cutoff_type, "poly2");
    ck_assert_str_eq(pf.scaling_mode, "scale");
    ck_assert_uint_eq(pf.n_elements, 2);
    ck_assert_uint_eq(pf.element[0].n_sf, 2);
    ck_assert_uint_eq(pf.element[1].n_sf, 3);
    const pesx_potential_file_sf *s = &pf.element[0].sf[0];
    ck_assert_str_eq(s->type, "2");
    ck_assert_str_eq(s->e1, "O");
    ck_assert(param(s, "eta") == 1.0 && param(s, "rs") == 0.9 && param(s, "rc") == 6.0);
    s = &pf.element[1].sf[1];
    ck_assert_str_eq(s->type, "3");
    ck_assert_str_eq(s->e1, "H"); /* neighbour pair in Z order */
    ck_assert_str_eq(s->e2, "O");
    ck_assert(param(s, "lambda") == 1 && param(s, "zeta") == 2 && param(s, "rs") == 0.5);
    ck_assert(param(&pf.element[1].sf[0], "rs") == 0.0);
    ck_assert(param(&pf.element[1].sf[2], "eta") == 1.0);
    check_generated(&ds, &pf, 1.0);
    /* errors name the file and line */
    static const struct {
        const char *text, *words;
        long line;
    } bad[] = {
        {"symfunction_short H 2 O 1.0 0.9 6.0\nsymfunction_short H 7 O 1 2 3\n", "unknown type '7'", 2},
        {"symfunction_short H 2 O 1.0 0.9\n", "type 2 needs 4 values", 1},
        {"symfunction_short H 2 Qq 1.0 0.9 6.0\n", "unknown neighbour element 'Qq'", 1},
        {"symfunction_short H 2 O 1.0 nan 6.0\n", "'nan' is not a finite number", 1},
        {"symfunction_short H 2 O 1.0 0.9 0\n", "cutoff radius must be > 0", 1},
        {"symfunction_short H 20 O 1.0 6.0 p9\n", "unknown subtype 'p9'", 1},
        {"cutoff_type 6\ncutoff_type 5\n", "given twice", 2},
        {"elements H O\n", "no symfunction_short lines", 1},
        {"symfunction_short H 2 O 1.0 0.9 6.0\n", "no symmetry functions for element O", 0},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        write_text(path, bad[k].text);
        ck_assert_int_eq(pesx_fit_sf_read(path, &ds, &o, &pf), PESX_EINVAL);
        ck_assert_msg(strstr(pesx_error_last()->msg, bad[k].words), "case %zu: '%s'", k,
                      pesx_error_last()->msg);
        ck_assert_str_eq(pesx_error_last()->file, path);
        ck_assert_int_eq(pesx_error_last()->line, bad[k].line);
        ck_assert_uint_eq(pf.n_elements, 0);
    }
    unlink(path);
    rmdir(dir);
    pesx_dataset_release(&ds);
}
END_TEST

/* The settings reader and the n2p2 potential reader see the same
 * functions in a published input.nn (Bohr: lengths converted alike). */
START_TEST(test_settings_vs_n2p2_reader)
{
    char dir[512], nn[600];
    pesx_potential_file a, b;
    if (!tu_shared_path(dir, sizeof dir, "ref/n2p2/H2O_RPBE-D3") || access(dir, R_OK)) {
        fprintf(stderr, "PESX_SHARED absent: n2p2 settings comparison skipped\n");
        return;
    }
    snprintf(nn, sizeof nn, "%s/input.nn", dir);
    pesx_potential_file_init(&a);
    pesx_potential_file_init(&b);
    ck_assert_int_eq(pesx_n2p2_read(dir, PESX_BOHR_ANGSTROM, PESX_HARTREE_EV, &a, NULL), PESX_OK);
    ck_assert_int_eq(pesx_n2p2_read_settings(nn, PESX_BOHR_ANGSTROM, &b), PESX_OK);
    ck_assert_uint_eq(a.n_elements, b.n_elements);
    ck_assert_str_eq(a.cutoff_type, b.cutoff_type);
    for (size_t e = 0; e < a.n_elements; e++) {
        ck_assert_uint_eq(a.element[e].n_sf, b.element[e].n_sf);
        for (size_t k = 0; k < a.element[e].n_sf; k++) {
            const pesx_potential_file_sf *x = &a.element[e].sf[k];
            int found = 0;
            for (size_t j = 0; j < b.element[e].n_sf && !found; j++) {
                const pesx_potential_file_sf *y = &b.element[e].sf[j];
                int same = !strcmp(x->type, y->type) && !strcmp(x->e1, y->e1) &&
                           !strcmp(x->e2, y->e2) && x->n_params == y->n_params;
                for (size_t p = 0; same && p < x->n_params; p++) {
                    double v;
                    same = pesx_potential_file_sf_get(y, x->param_name[p], &v) && v == x->param[p];
                }
                found = same;
            }
            ck_assert_msg(found, "element %s SF %zu of the n2p2 reader not in the settings",
                          a.element[e].symbol, k + 1);
        }
    }
    pesx_potential_file_release(&a);
    pesx_potential_file_release(&b);
}
END_TEST

START_TEST(test_shared_auAl100)
{
    char p[512];
    pesx_dataset ds;
    pesx_potential_file pf, pf2;
    pesx_fit_sf_options o;
    pesx_fit_sf_report rep;
    if (!tu_shared_path(p, sizeof p, "data/auAl100/auAl100_train.xml") || access(p, R_OK)) {
        fprintf(stderr, "PESX_SHARED absent: auAl100 skipped\n");
        return;
    }
    ck_assert_int_eq(pesx_dataset_read(p, &ds), PESX_OK);
    pesx_fit_sf_options_init(&o);
    pesx_potential_file_init(&pf);
    pesx_potential_file_init(&pf2);
    double t0 = pesx_wall_time();
    ck_assert_int_eq(pesx_fit_sf_generate(&ds, &o, &pf, &rep), PESX_OK);
    fprintf(stderr, "auAl100: generated in %.2f s; r_nn %.4f;", pesx_wall_time() - t0,
            rep.r_nn_min);
    for (size_t e = 0; e < rep.n_elements; e++)
        fprintf(stderr, " %s %zu candidates, %zu constant, %zu correlated, %zu kept;",
                pesx_element_symbol(rep.z[e]), rep.n_candidates[e], rep.n_constant[e],
                rep.n_correlated[e], rep.n_kept[e]);
    fprintf(stderr, "\n");
    ck_assert_uint_eq(pf.n_elements, 2);
    ck_assert_int_eq(pf.element[0].z, 13);
    ck_assert_int_eq(pf.element[1].z, 79);
    /* enough functions to describe both elements, not absurdly many */
    for (size_t e = 0; e < 2; e++) {
        ck_assert_uint_ge(pf.element[e].n_sf, 10);
        ck_assert_uint_le(pf.element[e].n_sf, 60);
    }
    /* the Al-Al nearest neighbour of fcc Al(100) with a = 4.05 is 2.864 A;
     * the data (relaxations, MD, perturbations) go somewhat closer */
    ck_assert(rep.r_nn_min > 2.0 && rep.r_nn_min < 2.864);
    check_generated(&ds, &pf, o.max_corr);
    ck_assert_int_eq(pesx_fit_sf_generate(&ds, &o, &pf2, NULL), PESX_OK);
    ck_assert(same_file(&pf, &pf2));
    pesx_potential_file_release(&pf);
    pesx_potential_file_release(&pf2);
    pesx_dataset_release(&ds);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fit_sf");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_grids);
    tcase_add_test(tc, test_selection);
    tcase_add_test(tc, test_descriptor_from_file);
    tcase_add_test(tc, test_network_and_file);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_sf_file);
    tcase_add_test(tc, test_settings_vs_n2p2_reader);
    tcase_add_test(tc, test_shared_auAl100);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(suite());
}
