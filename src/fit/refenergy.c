/* fit: per-element reference energies by least squares, E_s ~ sum_Z N_sZ e_Z,
 * before the networks fit the remainder.  Rank-revealing (GSL's SVD): data
 * of one molecule has one composition, so the compositions determine only
 * the energy of that formula, not each e_Z; the normal equations are then
 * singular and a ridge loses to rounding.  The SVD finds the rank and gives
 * the minimum-norm solution in the directions the data leave open. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_linalg.h>
#include "fit/fit_impl.h"

/* Singular values below this fraction of the largest are zero: compositions
 * are small integers, so a real second direction is never this weak. */
#define RANK_RTOL 1e-9

/* Is composition row A (ne numbers) proportional to row B? */
static int same_ratio(const double *a, const double *b, size_t ne)
{
    for (size_t e = 0; e < ne; e++)
        if (fabs(a[e] - b[e]) > 1e-12)
            return 0;
    return 1;
}

static size_t gcd(size_t a, size_t b)
{
    while (b) {
        size_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The note for a rank-deficient fit: what the data determine and what was
 * chosen. */
static void describe(pesx_fit_ref_report *rep, const pesx_fit_model *m, const double *first,
                     size_t n_compositions)
{
    char *p = rep->note;
    size_t left = sizeof rep->note;
    int w;
#define PUT(...)                                                                               \
    do {                                                                                       \
        w = snprintf(p, left, __VA_ARGS__);                                                    \
        if (w < 0 || (size_t)w >= left)                                                        \
            return;                                                                            \
        p += w;                                                                                \
        left -= (size_t)w;                                                                     \
    } while (0)
    if (n_compositions == 1) {
        PUT("every structure has the composition ");
        for (size_t e = 0; e < m->n_elem; e++)
            if (first[e] == 1)
                PUT("%s", pesx_element_symbol(m->z[e]));
            else if (first[e] > 0)
                PUT("%s%.0f", pesx_element_symbol(m->z[e]), first[e]);
        PUT(" or a multiple: ");
    }
    PUT("the compositions determine %zu of the %zu per-element reference energies; the "
        "minimum-norm solution fills the rest (",
        rep->rank, m->n_elem);
    for (size_t e = 0; e < m->n_elem; e++)
        PUT("%s%s %.6g", e ? ", " : "", pesx_element_symbol(m->z[e]), m->ref_energy[e]);
    PUT(" eV): the split between elements is arbitrary, so energies of other compositions "
        "(other molecules, fragments) are not predicted");
#undef PUT
}

int pesx_fit_ref_energies_report(pesx_fit_model *m, const pesx_fit_set *s, const size_t *idx,
                                 size_t n, pesx_fit_ref_report *rep)
{
    const size_t ne = m->n_elem, rows = n > ne ? n : ne;
    double mean = 0.0, var = 0.0, ms = 0.0;
    size_t n_comp = 0;
    gsl_matrix *A;
    gsl_matrix *V;
    gsl_vector *S, *work, *b, *x;
    int rc = PESX_OK;
    if (rep)
        memset(rep, 0, sizeof *rep);
    if (n == 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "no structures for the reference energies");
    A = gsl_matrix_calloc(rows, ne);
    V = gsl_matrix_alloc(ne, ne);
    S = gsl_vector_alloc(ne);
    work = gsl_vector_alloc(ne);
    b = gsl_vector_calloc(rows);
    x = gsl_vector_calloc(ne);
    if (!A || !V || !S || !work || !b || !x) {
        rc = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    /* rows: composition per atom and energy per atom, so every structure
     * counts as its energy per atom does in the loss (zero rows pad a set
     * smaller than the number of elements; they change nothing) */
    for (size_t i = 0; i < n; i++) {
        const pesx_fit_struct *t = &s->st[idx[i]];
        double inv = 1.0 / (double)t->n;
        for (size_t e = 0; e < ne; e++)
            gsl_matrix_set(A, i, e, (double)(t->rs[e + 1] - t->rs[e]) * inv);
        gsl_vector_set(b, i, t->energy * inv);
        if (n_comp < 2 && (i == 0 || !same_ratio(A->data + i * A->tda, A->data, ne)))
            n_comp++;
    }
    /* A = U S V^T (U overwrites A); x = sum over kept s_k of (u_k.b / s_k) v_k */
    if (gsl_linalg_SV_decomp(A, V, S, work)) {
        rc = pesx_error_set(PESX_EFAILED, NULL, 0, "reference energies: SVD failed");
        goto out;
    }
    {
        size_t rank = 0;
        double smax = gsl_vector_get(S, 0);
        for (size_t k = 0; k < ne; k++) {
            double sk = gsl_vector_get(S, k), ub = 0.0;
            if (!(sk > RANK_RTOL * smax))
                continue;
            rank++;
            for (size_t i = 0; i < rows; i++)
                ub += gsl_matrix_get(A, i, k) * gsl_vector_get(b, i);
            for (size_t e = 0; e < ne; e++)
                x->data[e] += ub / sk * gsl_matrix_get(V, e, k);
        }
        if (rank == 0) {
            rc = pesx_error_set(PESX_EFAILED, NULL, 0, "reference energies: no atoms");
            goto out;
        }
        memcpy(m->ref_energy, x->data, ne * sizeof *x->data);
        if (rep) {
            rep->rank = rank;
            rep->n_elements = ne;
            if (rank < ne) {
                double first[PESX_MAX_Z];
                const pesx_fit_struct *t = &s->st[idx[0]];
                size_t g = 0;
                for (size_t e = 0; e < ne; e++)
                    g = gcd(g, t->rs[e + 1] - t->rs[e]);
                for (size_t e = 0; e < ne && e < PESX_MAX_Z; e++)
                    first[e] = (double)((t->rs[e + 1] - t->rs[e]) / g);
                describe(rep, m, first, n_comp);
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        const pesx_fit_struct *t = &s->st[idx[i]];
        double r = t->energy;
        for (size_t e = 0; e < ne; e++)
            r -= (double)(t->rs[e + 1] - t->rs[e]) * m->ref_energy[e];
        r /= (double)t->n;
        ms += (t->energy / (double)t->n) * (t->energy / (double)t->n);
        mean += r;
        var += r * r;
    }
    mean /= (double)n;
    var = var / (double)n - mean * mean;
    ms /= (double)n;
    /* nothing left to fit (to rounding): keep networks in eV */
    m->conv_energy = var > 1e-18 * ms && var > 0 ? 1.0 / sqrt(var) : 1.0;
out:
    gsl_matrix_free(A);
    gsl_matrix_free(V);
    gsl_vector_free(S);
    gsl_vector_free(work);
    gsl_vector_free(b);
    gsl_vector_free(x);
    return rc;
}

int pesx_fit_ref_energies(pesx_fit_model *m, const pesx_fit_set *s, const size_t *idx, size_t n)
{
    return pesx_fit_ref_energies_report(m, s, idx, n, NULL);
}
