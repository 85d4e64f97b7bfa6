/* Input scaling of a fit: the statistics of every symmetry function over
 * the training set (min, max, mean, sigma, training range), the affine
 * scaling they give, and the network placeholder of a generated file. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/fit_sf.h>
#include <pesx/nn.h>
#include "fit/sf_impl.h"

typedef struct {
    const pesx_potential_file *pf;
    size_t *n;           /* per element: atoms seen                      */
    double **lo, **hi;   /* per element, per SF                          */
    double **shift, **s1, **s2;
} stats_acc;

static int stats_row(size_t e, size_t atom, const double *G, void *ctx)
{
    stats_acc *a = ctx;
    size_t ns = a->pf->element[e].n_sf;
    (void)atom;
    if (a->n[e] == 0)
        for (size_t k = 0; k < ns; k++) {
            a->lo[e][k] = a->hi[e][k] = a->shift[e][k] = G[k];
            a->s1[e][k] = a->s2[e][k] = 0.0;
        }
    for (size_t k = 0; k < ns; k++) {
        double g = G[k], d = g - a->shift[e][k];
        if (!isfinite(g))
            return pesx_error_set(PESX_EFAILED, NULL, 0,
                                  "symmetry function %zu of element %s is not finite on atom %zu",
                                  k + 1, a->pf->element[e].symbol, atom + 1);
        if (g < a->lo[e][k])
            a->lo[e][k] = g;
        if (g > a->hi[e][k])
            a->hi[e][k] = g;
        a->s1[e][k] += d;
        a->s2[e][k] += d * d;
    }
    a->n[e]++;
    return PESX_OK;
}

int pesx_fit_sf_statistics(const pesx_dataset *train, pesx_potential_file *pf)
{
    pesx_descriptor *d;
    stats_acc a;
    size_t ne = pf->n_elements;
    int st = PESX_OK;
    if (!train || train->n == 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "no training structures for the statistics");
    if (!(d = pesx_fit_descriptor_from_file(pf)))
        return pesx_error_last()->code ? pesx_error_last()->code : PESX_EINVAL;
    memset(&a, 0, sizeof a);
    a.pf = pf;
    size_t tot = 0;
    for (size_t e = 0; e < ne; e++)
        tot += pf->element[e].n_sf;
    double *blk = calloc(5 * tot + 1, sizeof *blk);
    double **ptr = calloc(5 * ne, sizeof *ptr);
    a.n = calloc(ne, sizeof *a.n);
    if (!blk || !ptr || !a.n) {
        st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory (SF statistics)");
        goto done;
    }
    a.lo = ptr;
    a.hi = ptr + ne;
    a.shift = ptr + 2 * ne;
    a.s1 = ptr + 3 * ne;
    a.s2 = ptr + 4 * ne;
    for (size_t q = 0, off = 0; q < 5; q++)
        for (size_t e = 0; e < ne; e++) {
            ptr[q * ne + e] = blk + off;
            off += pf->element[e].n_sf;
        }
    if ((st = fit_sf_rows(train, d, NULL, stats_row, &a)))
        goto done;
    for (size_t e = 0; e < ne; e++) {
        pesx_potential_file_element *el = &pf->element[e];
        double n = (double)a.n[e];
        if (a.n[e] == 0) {
            st = pesx_error_set(PESX_EINVAL, train->file, 0,
                                "element %s has no atoms in the training set", el->symbol);
            goto done;
        }
        for (size_t k = 0; k < el->n_sf; k++) {
            pesx_potential_file_sf *s = &el->sf[k];
            double m1 = a.s1[e][k] / n, var = a.s2[e][k] / n - m1 * m1;
            s->gmin = s->train_min = a.lo[e][k];
            s->gmax = s->train_max = a.hi[e][k];
            s->gmean = a.shift[e][k] + m1;
            s->gsigma = sqrt(var > 0 ? var : 0.0);
            /* the mean of values in [lo, hi] is in [lo, hi]: keep it so */
            if (s->gmean < s->gmin)
                s->gmean = s->gmin;
            if (s->gmean > s->gmax)
                s->gmean = s->gmax;
        }
    }
done:
    free(blk);
    free(ptr);
    free(a.n);
    pesx_descriptor_free(d);
    return st;
}

int pesx_fit_sf_scaling(const pesx_potential_file *pf, size_t e, double *factor, double *offset)
{
    int mode = pesx_scaling_lookup(pf->scaling_mode);
    if (mode < 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "unknown scaling mode '%s'", pf->scaling_mode);
    if (e >= pf->n_elements)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "element index %zu out of range", e);
    const pesx_potential_file_element *el = &pf->element[e];
    for (size_t k = 0; k < el->n_sf; k++) {
        const pesx_potential_file_sf *s = &el->sf[k];
        int st = pesx_scaling_coefficients(mode, pf->smin, pf->smax, s->gmin, s->gmax, s->gmean,
                                           s->gsigma, &factor[k], &offset[k]);
        if (st < 0 || st > 1)
            return pesx_error_prefix("element %s, symmetry function %zu", el->symbol, k + 1);
    }
    return PESX_OK;
}

int pesx_fit_pf_set_network(pesx_potential_file *pf, size_t n_hidden, const size_t *hidden,
                            const char *const *activations, size_t n_members)
{
    if (n_members < 1 || n_hidden + 2 > PESX_NN_MAX_LAYERS)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "bad network: %zu hidden layers, %zu members",
                              n_hidden, n_members);
    for (size_t l = 0; l <= n_hidden; l++) {
        if (l < n_hidden && hidden[l] < 1)
            return pesx_error_set(PESX_EINVAL, NULL, 0, "hidden layer %zu has no nodes", l + 1);
        if (!pesx_nn_activation_lookup(activations[l]))
            return pesx_error_last()->code;
    }
    for (size_t e = 0; e < pf->n_elements; e++) {
        pesx_potential_file_element *el = &pf->element[e];
        size_t ns = n_hidden + 2, nw = 0;
        size_t *size = malloc(ns * sizeof *size);
        char (*act)[PESX_PF_NAME] = malloc((ns - 1) * sizeof *act);
        double *w;
        if (!size || !act) {
            free(size);
            free(act);
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        }
        size[0] = el->n_sf;
        for (size_t l = 0; l < n_hidden; l++)
            size[l + 1] = hidden[l];
        size[ns - 1] = 1;
        for (size_t l = 1; l < ns; l++) {
            nw += size[l - 1] * size[l] + size[l];
            snprintf(act[l - 1], PESX_PF_NAME, "%s", pesx_nn_activation_lookup(activations[l - 1])->name);
        }
        if (!(w = calloc(n_members * nw, sizeof *w))) {
            free(size);
            free(act);
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        }
        free(el->size);
        free(el->activation);
        free(el->weights);
        el->size = size;
        el->activation = act;
        el->n_sizes = ns;
        el->weights = w;
        el->n_weights = nw;
    }
    pf->n_members = n_members;
    return PESX_OK;
}
