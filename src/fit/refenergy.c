/* fit: per-element reference energies by least squares, E_s ~ sum_Z N_sZ e_Z,
 * before the networks fit the remainder. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fit/fit_impl.h"

/* Solve the SPD system A x = b (n x n, A overwritten) by Cholesky; 0 when
 * A is not positive definite. */
static int cholesky_solve(size_t n, double *A, double *b)
{
    for (size_t j = 0; j < n; j++) {
        double d = A[j * n + j];
        for (size_t k = 0; k < j; k++)
            d -= A[j * n + k] * A[j * n + k];
        if (!(d > 0))
            return 0;
        d = sqrt(d);
        A[j * n + j] = d;
        for (size_t i = j + 1; i < n; i++) {
            double s = A[i * n + j];
            for (size_t k = 0; k < j; k++)
                s -= A[i * n + k] * A[j * n + k];
            A[i * n + j] = s / d;
        }
    }
    for (size_t i = 0; i < n; i++) {
        double s = b[i];
        for (size_t k = 0; k < i; k++)
            s -= A[i * n + k] * b[k];
        b[i] = s / A[i * n + i];
    }
    for (size_t i = n; i-- > 0;) {
        double s = b[i];
        for (size_t k = i + 1; k < n; k++)
            s -= A[k * n + i] * b[k];
        b[i] = s / A[i * n + i];
    }
    return 1;
}

int pesx_fit_ref_energies(pesx_fit_model *m, const pesx_fit_set *s, const size_t *idx, size_t n)
{
    const size_t ne = m->n_elem;
    double *A, *b, *eref, tr = 0.0, mean = 0.0, var = 0.0, ms = 0.0;
    if (n == 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "no structures for the reference energies");
    A = calloc(ne * ne, sizeof *A);
    b = calloc(ne, sizeof *b);
    eref = calloc(ne, sizeof *eref);
    if (!A || !b || !eref) {
        free(A);
        free(b);
        free(eref);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    }
    /* normal equations, counts scaled by 1/N_s so every structure counts
     * as its energy per atom does in the loss */
    for (size_t i = 0; i < n; i++) {
        const pesx_fit_struct *t = &s->st[idx[i]];
        double inv = 1.0 / (double)t->n;
        for (size_t e = 0; e < ne; e++) {
            double ce = (double)(t->rs[e + 1] - t->rs[e]) * inv;
            b[e] += ce * t->energy * inv;
            for (size_t f = 0; f < ne; f++)
                A[e * ne + f] += ce * (double)(t->rs[f + 1] - t->rs[f]) * inv;
        }
    }
    for (size_t e = 0; e < ne; e++)
        tr += A[e * ne + e];
    /* a tiny ridge: the minimum-norm solution when compositions do not
     * determine every e_Z (e.g. a single composition) */
    for (size_t e = 0; e < ne; e++)
        A[e * ne + e] += 1e-14 * tr + 1e-300;
    memcpy(eref, b, ne * sizeof *b);
    if (!cholesky_solve(ne, A, eref)) {
        free(A);
        free(b);
        free(eref);
        return pesx_error_set(PESX_EFAILED, NULL, 0, "reference energies: singular system");
    }
    memcpy(m->ref_energy, eref, ne * sizeof *eref);
    for (size_t i = 0; i < n; i++) {
        const pesx_fit_struct *t = &s->st[idx[i]];
        double r = t->energy;
        for (size_t e = 0; e < ne; e++)
            r -= (double)(t->rs[e + 1] - t->rs[e]) * eref[e];
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
    free(A);
    free(b);
    free(eref);
    return PESX_OK;
}
