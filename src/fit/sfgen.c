/* Symmetry functions generated from the training data: n2p2-style grids
 * per element pair, evaluated on the data, constant and near-duplicate
 * functions dropped (fit_sf.h has the recipe). */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/fit_sf.h>
#include "fit/sf_impl.h"

void pesx_fit_sf_options_init(pesx_fit_sf_options *o)
{
    static const double zeta[] = {1, 2, 4, 16};
    memset(o, 0, sizeof *o);
    o->rc = 6.0;
    snprintf(o->cutoff_type, sizeof o->cutoff_type, "poly2");
    o->cutoff_alpha = 0.0;
    o->radial_mode = PESX_FIT_RADIAL_CENTER;
    o->n_radial = 8;
    snprintf(o->angular_type, sizeof o->angular_type, "9");
    o->n_angular_eta = 2;
    memcpy(o->zeta, zeta, sizeof zeta);
    o->n_zeta = 4;
    o->r_inner = NAN;
    o->max_corr = 0.99;
    snprintf(o->scaling_mode, sizeof o->scaling_mode, "scale");
    o->smin = -1.0;
    o->smax = 1.0;
    o->max_sf_per_element = 0;
    o->max_atoms = 0;
}

static int check_options(const pesx_fit_sf_options *o)
{
#define BAD(...) pesx_error_set(PESX_EINVAL, NULL, 0, __VA_ARGS__)
    if (!(o->rc > 0.5) || !isfinite(o->rc))
        return BAD("symmetry-function cutoff %g: must be a finite number > 0.5 Angstrom", o->rc);
    if (pesx_cutoff_lookup(o->cutoff_type) < 0)
        return BAD("unknown cutoff function '%s'", o->cutoff_type);
    if (!(o->cutoff_alpha >= 0 && o->cutoff_alpha < 1))
        return BAD("cutoff alpha %g: must be in [0, 1)", o->cutoff_alpha);
    if (o->radial_mode != PESX_FIT_RADIAL_SHIFT && o->radial_mode != PESX_FIT_RADIAL_CENTER)
        return BAD("radial grid mode must be shift or center");
    if (o->n_radial < 1 || o->n_radial > 64)
        return BAD("radial functions per pair: %zu (expected 1..64)", o->n_radial);
    if (strcmp(o->angular_type, "9") && strcmp(o->angular_type, "3"))
        return BAD("angular type '%s': expected 9 (wide) or 3 (narrow)", o->angular_type);
    if (o->n_angular_eta > 16)
        return BAD("angular eta values per pair: %zu (expected 0..16)", o->n_angular_eta);
    if (o->n_zeta > PESX_FIT_MAX_ZETA || (o->n_angular_eta > 0 && o->n_zeta == 0))
        return BAD("zeta values: %zu (expected 1..%d)", o->n_zeta, PESX_FIT_MAX_ZETA);
    for (size_t k = 0; k < o->n_zeta; k++)
        if (!(o->zeta[k] >= 1) || !isfinite(o->zeta[k]))
            return BAD("zeta %g: must be >= 1", o->zeta[k]);
    if (!isnan(o->r_inner) && !(o->r_inner > 0 && o->r_inner < o->rc - 0.5))
        return BAD("inner radius %g: must be in (0, rc - 0.5)", o->r_inner);
    if (!(o->max_corr > 0 && o->max_corr <= 1))
        return BAD("correlation threshold %g: must be in (0, 1]", o->max_corr);
    int mode = pesx_scaling_lookup(o->scaling_mode);
    if (mode < 0)
        return BAD("unknown scaling mode '%s' (none, scale, center, scale-center, sigma)",
                    o->scaling_mode);
    if (!(o->smin < o->smax) || !isfinite(o->smin) || !isfinite(o->smax))
        return BAD("scaling range [%g, %g]: need smin < smax", o->smin, o->smax);
    return PESX_OK;
#undef BAD
}

/* Shortest distance between elements (a, b) over the data set (within rc),
 * INFINITY when never closer than rc.  R is n_elem x n_elem (data-set
 * element order). */
static int pair_distances(const pesx_dataset *ds, double rc, double *R)
{
    size_t ne = ds->n_elements;
    int idx[PESX_MAX_Z + 1], st = PESX_OK;
    for (size_t k = 0; k < ne * ne; k++)
        R[k] = INFINITY;
    for (size_t e = 0; e < ne; e++)
        idx[ds->elements[e]] = (int)e;
#pragma omp parallel
    {
        pesx_nlist nl;
        double *mine = malloc(ne * ne * sizeof *mine);
        int my_st = mine ? PESX_OK : PESX_ENOMEM;
        pesx_nlist_init(&nl);
        for (size_t k = 0; mine && k < ne * ne; k++)
            mine[k] = INFINITY;
#pragma omp for schedule(dynamic, 8)
        for (size_t s = 0; s < ds->n; s++) {
            const pesx_atoms *a = ds->atoms[s];
            if (my_st || (my_st = pesx_nlist_build(&nl, a, rc)))
                continue;
            for (size_t i = 0; i < a->n; i++)
                for (size_t q = nl.start[i]; q < nl.start[i + 1]; q++) {
                    size_t p = (size_t)idx[a->z[i]] * ne + (size_t)idx[a->z[nl.j[q]]];
                    if (nl.r[q] < mine[p])
                        mine[p] = nl.r[q];
                }
        }
#pragma omp critical(fit_pair_distances)
        {
            if (my_st && !st)
                st = pesx_error_set(my_st, NULL, 0, "neighbour list: %s", pesx_error_last()->msg);
            for (size_t k = 0; mine && k < ne * ne; k++)
                if (mine[k] < R[k])
                    R[k] = mine[k];
        }
        free(mine);
        pesx_nlist_release(&nl);
    }
    return st;
}

/* ---- candidates ----------------------------------------------------------- */

typedef struct {
    size_t n, cap;
    pesx_potential_file_sf *sf;
} sf_list;

static pesx_potential_file_sf *sf_new(sf_list *l)
{
    if (l->n == l->cap) {
        size_t c = l->cap ? 2 * l->cap : 64;
        pesx_potential_file_sf *p = realloc(l->sf, c * sizeof *p);
        if (!p) {
            pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
            return NULL;
        }
        l->sf = p;
        l->cap = c;
    }
    pesx_potential_file_sf *s = &l->sf[l->n++];
    memset(s, 0, sizeof *s);
    s->gmin = s->gmax = s->gmean = s->gsigma = s->train_min = s->train_max = NAN;
    return s;
}

/* n points evenly spread over [a, b] (n = 1: b). */
static double grid(double a, double b, size_t n, size_t k)
{
    return n == 1 ? b : a + (b - a) * (double)k / (double)(n - 1);
}

static int candidates(const pesx_dataset *ds, const pesx_fit_sf_options *o, const double *R,
                      size_t c, sf_list *out)
{
    const size_t ne = ds->n_elements;
    const double rout = o->rc - 0.5;
    /* centred grids start inside the first shell: the narrowest Gaussian,
     * exp(-r^2 / (2 r_in^2)), has decayed to 1 % at 3 r_in ~ r_nn */
    const double inner = o->radial_mode == PESX_FIT_RADIAL_CENTER ? 0.35 : 1.0;
    /* radial */
    for (size_t b = 0; b < ne; b++) {
        double rin = isnan(o->r_inner) ? inner * R[c * ne + b] : o->r_inner;
        size_t n = o->n_radial;
        if (!isfinite(R[c * ne + b]))
            continue; /* never within rc */
        if (rin > rout - 0.1)
            rin = rout - 0.1;
        for (size_t k = 0; k < n; k++) {
            pesx_potential_file_sf *s = sf_new(out);
            double r = grid(rin, rout, n, k), dr = n > 1 ? (rout - rin) / (double)(n - 1) : rout;
            if (!s)
                return PESX_ENOMEM;
            snprintf(s->type, sizeof s->type, "2");
            snprintf(s->e1, sizeof s->e1, "%s", pesx_element_symbol(ds->elements[b]));
            if (o->radial_mode == PESX_FIT_RADIAL_SHIFT) {
                pesx_potential_file_sf_set(s, "eta", 1.0 / (2.0 * dr * dr));
                pesx_potential_file_sf_set(s, "rs", r);
            } else {
                pesx_potential_file_sf_set(s, "eta", 1.0 / (2.0 * r * r));
                pesx_potential_file_sf_set(s, "rs", 0.0);
            }
            pesx_potential_file_sf_set(s, "rc", o->rc);
        }
    }
    /* angular: unordered neighbour pairs (b <= b2) */
    for (size_t b = 0; b < ne; b++)
        for (size_t b2 = b; b2 < ne; b2++) {
            double r1 = R[c * ne + b], r2 = R[c * ne + b2], rin;
            if (!isfinite(r1) || !isfinite(r2))
                continue;
            rin = isnan(o->r_inner) ? inner * fmin(r1, r2) : o->r_inner;
            if (rin > rout - 0.1)
                rin = rout - 0.1;
            for (size_t k = 0; k < o->n_angular_eta; k++) {
                double r = grid(rin, rout, o->n_angular_eta, k);
                for (size_t z = 0; z < o->n_zeta; z++)
                    for (int lam = 1; lam >= -1; lam -= 2) {
                        pesx_potential_file_sf *s = sf_new(out);
                        if (!s)
                            return PESX_ENOMEM;
                        snprintf(s->type, sizeof s->type, "%s", o->angular_type);
                        snprintf(s->e1, sizeof s->e1, "%s", pesx_element_symbol(ds->elements[b]));
                        snprintf(s->e2, sizeof s->e2, "%s", pesx_element_symbol(ds->elements[b2]));
                        pesx_potential_file_sf_set(s, "eta", 1.0 / (2.0 * r * r));
                        pesx_potential_file_sf_set(s, "lambda", lam);
                        pesx_potential_file_sf_set(s, "zeta", o->zeta[z]);
                        pesx_potential_file_sf_set(s, "rs", 0.0);
                        pesx_potential_file_sf_set(s, "rc", o->rc);
                    }
            }
        }
    return PESX_OK;
}

/* A file holding the elements of DS with the SF lists L[e] (copied) and a
 * placeholder network {n_sf, 1} linear. */
static int make_file(const pesx_dataset *ds, const pesx_fit_sf_options *o, sf_list *l,
                     pesx_potential_file *pf)
{
    pesx_potential_file_init(pf);
    pf->n_members = 1;
    snprintf(pf->cutoff_type, sizeof pf->cutoff_type, "%s", o->cutoff_type);
    pf->cutoff_alpha = o->cutoff_alpha;
    snprintf(pf->scaling_mode, sizeof pf->scaling_mode, "%s", o->scaling_mode);
    pf->smin = o->smin;
    pf->smax = o->smax;
    for (size_t e = 0; e < ds->n_elements; e++) {
        size_t sizes[2] = {l[e].n, 1};
        pesx_potential_file_element *el =
            pesx_potential_file_add_element(pf, pesx_element_symbol(ds->elements[e]), l[e].n, 2,
                                            sizes);
        if (!el) {
            pesx_potential_file_release(pf);
            return pesx_error_last()->code ? pesx_error_last()->code : PESX_ENOMEM;
        }
        memcpy(el->sf, l[e].sf, l[e].n * sizeof *el->sf);
        snprintf(el->activation[0], PESX_PF_NAME, "linear");
    }
    return PESX_OK;
}

/* ---- selection on the data ---------------------------------------------- */

typedef struct {
    const pesx_potential_file *pf;
    size_t *rows;     /* per element: rows stored                         */
    size_t *cap;
    double **G;       /* per element: rows x n_sf, row-major              */
} store_acc;

static int store_row(size_t e, size_t atom, const double *G, void *ctx)
{
    store_acc *a = ctx;
    size_t ns = a->pf->element[e].n_sf;
    (void)atom;
    if (a->rows[e] == a->cap[e]) {
        size_t c = a->cap[e] ? 2 * a->cap[e] : 1024;
        double *p = realloc(a->G[e], c * ns * sizeof *p);
        if (!p)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory (SF selection)");
        a->G[e] = p;
        a->cap[e] = c;
    }
    memcpy(a->G[e] + a->rows[e] * ns, G, ns * sizeof *G);
    for (size_t k = 0; k < ns; k++)
        if (!isfinite(G[k]))
            return pesx_error_set(PESX_EFAILED, NULL, 0,
                                  "symmetry function %zu of element %s is not finite on atom %zu",
                                  k + 1, a->pf->element[e].symbol, atom + 1);
    a->rows[e]++;
    return PESX_OK;
}

/* Choose from the M x NS matrix G (row-major) the columns to keep:
 * non-constant, |corr| <= max_corr with every earlier kept column. */
static size_t select_columns(const double *G, size_t m, size_t ns, double max_corr, size_t limit,
                             unsigned char *keep, size_t *n_const, size_t *n_corr)
{
    double *mean = calloc(ns, sizeof *mean), *sd = calloc(ns, sizeof *sd);
    double *col = malloc(m * ns * sizeof *col); /* centred, column-major */
    size_t kept = 0, *kept_idx = malloc(ns * sizeof *kept_idx);
    *n_const = *n_corr = 0;
    if (!mean || !sd || !col || !kept_idx) {
        free(mean);
        free(sd);
        free(col);
        free(kept_idx);
        return (size_t)-1;
    }
    for (size_t k = 0; k < ns; k++) {
        double lo = INFINITY, hi = -INFINITY, s = 0, q = 0;
        for (size_t i = 0; i < m; i++) {
            double g = G[i * ns + k];
            lo = fmin(lo, g);
            hi = fmax(hi, g);
            s += g;
        }
        mean[k] = s / (double)m;
        for (size_t i = 0; i < m; i++) {
            double d = G[i * ns + k] - mean[k];
            col[k * m + i] = d;
            q += d * d;
        }
        sd[k] = sqrt(q);
        keep[k] = !(hi - lo <= 1e-8 * fmax(fabs(hi), fabs(lo)) || sd[k] == 0.0);
        *n_const += !keep[k];
    }
    for (size_t k = 0; k < ns; k++) {
        if (!keep[k])
            continue;
        if (limit && kept == limit) {
            keep[k] = 0;
            continue;
        }
        double worst = 0;
        const double *a = col + k * m;
#pragma omp parallel for reduction(max : worst) schedule(static)
        for (size_t j = 0; j < kept; j++) {
            const double *b = col + kept_idx[j] * m;
            double dot = 0;
            for (size_t i = 0; i < m; i++)
                dot += a[i] * b[i];
            double c = fabs(dot) / (sd[k] * sd[kept_idx[j]]);
            if (c > worst)
                worst = c;
        }
        if (worst > max_corr) {
            keep[k] = 0;
            (*n_corr)++;
        } else {
            kept_idx[kept++] = k;
        }
    }
    free(mean);
    free(sd);
    free(col);
    free(kept_idx);
    return kept;
}

int pesx_fit_sf_generate(const pesx_dataset *train, const pesx_fit_sf_options *o,
                         pesx_potential_file *pf, pesx_fit_sf_report *report)
{
    const size_t ne = train ? train->n_elements : 0;
    double *R = NULL;
    sf_list *cand = NULL, *final = NULL;
    pesx_potential_file all;
    pesx_descriptor *d = NULL;
    store_acc acc;
    unsigned char *take = NULL, *keep = NULL;
    int st;

    pesx_potential_file_init(&all);
    memset(&acc, 0, sizeof acc);
    pesx_potential_file_release(pf);
    pesx_potential_file_init(pf);
    if (!train || train->n == 0 || ne == 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "no training structures");
    if ((st = check_options(o)))
        return st;
    if (report) {
        memset(report, 0, sizeof *report);
        report->n_elements = ne;
        for (size_t e = 0; e < ne; e++)
            report->z[e] = train->elements[e];
    }
    R = malloc(ne * ne * sizeof *R);
    cand = calloc(ne, sizeof *cand);
    final = calloc(ne, sizeof *final);
    acc.rows = calloc(ne, sizeof *acc.rows);
    acc.cap = calloc(ne, sizeof *acc.cap);
    acc.G = calloc(ne, sizeof *acc.G);
    if (!R || !cand || !final || !acc.rows || !acc.cap || !acc.G) {
        st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    if ((st = pair_distances(train, o->rc, R)))
        goto done;
    if (report) {
        report->r_nn_min = INFINITY;
        for (size_t k = 0; k < ne * ne; k++)
            report->r_nn_min = fmin(report->r_nn_min, R[k]);
    }
    for (size_t c = 0; c < ne; c++) {
        if ((st = candidates(train, o, R, c, &cand[c])))
            goto done;
        if (cand[c].n == 0) {
            st = pesx_error_set(PESX_EINVAL, train->file, 0,
                                "element %s: no atom of it ever has a neighbour within the "
                                "cutoff %g Angstrom (raise the cutoff)",
                                pesx_element_symbol(train->elements[c]), o->rc);
            goto done;
        }
        if (report)
            report->n_candidates[c] = cand[c].n;
    }
    if ((st = make_file(train, o, cand, &all)))
        goto done;
    if (!(d = pesx_fit_descriptor_from_file(&all))) {
        st = pesx_error_last()->code ? pesx_error_last()->code : PESX_EINVAL;
        goto done;
    }
    /* which atoms the selection looks at: every one, or an even stride per
     * element when max_atoms caps it */
    if (o->max_atoms) {
        size_t stride[PESX_MAX_Z], seen[PESX_MAX_Z] = {0};
        int idx[PESX_MAX_Z + 1];
        if (!(take = calloc(train->n_atoms, 1))) {
            st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
            goto done;
        }
        for (size_t e = 0; e < ne; e++) {
            idx[train->elements[e]] = (int)e;
            stride[e] = (train->count[e] + o->max_atoms - 1) / o->max_atoms;
        }
        for (size_t k = 0; k < train->n; k++)
            for (size_t i = 0; i < train->atoms[k]->n; i++) {
                int e = idx[train->atoms[k]->z[i]];
                take[train->atom_start[k] + i] = seen[e]++ % stride[e] == 0;
            }
    }
    acc.pf = &all;
    if ((st = fit_sf_rows(train, d, take, store_row, &acc)))
        goto done;
    for (size_t e = 0; e < ne; e++) {
        size_t ns = all.element[e].n_sf, n_const, n_corr, kept;
        if (!(keep = realloc(keep, ns))) {
            st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
            goto done;
        }
        kept = select_columns(acc.G[e], acc.rows[e], ns, o->max_corr, o->max_sf_per_element, keep,
                              &n_const, &n_corr);
        if (kept == (size_t)-1) {
            st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
            goto done;
        }
        if (kept == 0) {
            st = pesx_error_set(PESX_EINVAL, train->file, 0,
                                "element %s: every candidate symmetry function is constant on "
                                "the data (%zu candidates)",
                                all.element[e].symbol, ns);
            goto done;
        }
        for (size_t k = 0; k < ns; k++)
            if (keep[k]) {
                pesx_potential_file_sf *s = sf_new(&final[e]);
                if (!s) {
                    st = PESX_ENOMEM;
                    goto done;
                }
                *s = all.element[e].sf[k];
            }
        if (report) {
            report->n_constant[e] = n_const;
            report->n_correlated[e] = n_corr;
            report->n_kept[e] = kept;
        }
        free(acc.G[e]);
        acc.G[e] = NULL;
    }
    if ((st = make_file(train, o, final, pf)))
        goto done;
    st = pesx_fit_sf_statistics(train, pf);
done:
    if (st)
        pesx_potential_file_release(pf);
    for (size_t e = 0; e < ne; e++) {
        if (cand)
            free(cand[e].sf);
        if (final)
            free(final[e].sf);
        if (acc.G)
            free(acc.G[e]);
    }
    free(cand);
    free(final);
    free(acc.G);
    free(acc.rows);
    free(acc.cap);
    free(R);
    free(take);
    free(keep);
    pesx_descriptor_free(d);
    pesx_potential_file_release(&all);
    return st;
}
