/* A Gaussian process with gradient observations (energies and forces) on
 * the free Cartesian coordinates, squared-exponential kernel
 * k(a,b) = s^2 exp(-|a-b|^2 / 2 l^2).  The prior mean is the largest
 * energy of the data (ML-NEB's choice: unknown regions look high, so the
 * band stays near the data); s is the spread of the data energies (at
 * least 0.5 eV), l and the noise come from the parameters.  Each fit is
 * one Cholesky factorisation (GSL, LAPACK-backed) of the m (1 + dim)
 * covariance matrix. */
#include <config.h>
#include "learn_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>

#include <pesx/util.h>

struct learn_surrogate {
    size_t dim, m, cap;
    double l, s2, mean, noise_e, noise_g;
    double *X;         /* m x dim                           */
    gsl_matrix *L;     /* Cholesky factor of K (M x M)      */
    gsl_vector *alpha; /* K^-1 (y - mean)                   */
    gsl_vector *ks, *v;/* scratch: k(x*, data), solve       */
};

static learn_surrogate *gp_alloc(size_t dim, const pesx_learn_params *p)
{
    learn_surrogate *g = calloc(1, sizeof *g);
    if (!g) {
        pesx_error_set(PESX_ENOMEM, NULL, 0, "learn: out of memory");
        return NULL;
    }
    g->dim = dim;
    g->l = p->length;
    g->noise_e = p->noise_e;
    g->noise_g = p->noise_f;
    return g;
}

static void gp_release_fit(learn_surrogate *g)
{
    if (g->L)
        gsl_matrix_free(g->L);
    if (g->alpha)
        gsl_vector_free(g->alpha);
    if (g->ks)
        gsl_vector_free(g->ks);
    if (g->v)
        gsl_vector_free(g->v);
    free(g->X);
    g->L = NULL;
    g->alpha = g->ks = g->v = NULL;
    g->X = NULL;
}

static void gp_free(learn_surrogate *g)
{
    if (!g)
        return;
    gp_release_fit(g);
    free(g);
}

static double sqdist(size_t d, const double *a, const double *b)
{
    double s = 0;
    for (size_t i = 0; i < d; i++)
        s += (a[i] - b[i]) * (a[i] - b[i]);
    return s;
}

/* Row of the covariance between the observations at point A (energy,
 * then dim gradient components) and those at B: block (1+d) x (1+d)
 * written into K at (ra, rb). */
static void kernel_block(const learn_surrogate *g, const double *a, const double *b,
                         gsl_matrix *K, size_t ra, size_t rb)
{
    size_t d = g->dim;
    double il2 = 1.0 / (g->l * g->l);
    double k = g->s2 * exp(-0.5 * sqdist(d, a, b) * il2);
    gsl_matrix_set(K, ra, rb, k);
    for (size_t j = 0; j < d; j++) {
        double rj = a[j] - b[j];
        gsl_matrix_set(K, ra, rb + 1 + j, k * rj * il2);      /* cov(E_a, g_b,j) */
        gsl_matrix_set(K, ra + 1 + j, rb, -k * rj * il2);     /* cov(g_a,j, E_b) */
    }
    for (size_t i = 0; i < d; i++) {
        double ri = a[i] - b[i];
        for (size_t j = 0; j < d; j++) {
            double rj = a[j] - b[j];
            gsl_matrix_set(K, ra + 1 + i, rb + 1 + j,
                           k * ((i == j ? il2 : 0.0) - ri * rj * il2 * il2));
        }
    }
}

static int gp_fit(learn_surrogate *g, size_t m, const double *X, const double *E, const double *G)
{
    size_t d = g->dim, B = d + 1, M = m * B;
    double emax = -INFINITY, emin = INFINITY;
    gsl_error_handler_t *old;
    int gs;
    gp_release_fit(g);
    if (m == 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "learn: no data to fit");
    for (size_t a = 0; a < m; a++) {
        emax = fmax(emax, E[a]);
        emin = fmin(emin, E[a]);
    }
    g->mean = emax;
    g->s2 = fmax(0.5, emax - emin);
    g->s2 *= g->s2;
    g->m = m;
    g->X = malloc(m * d * sizeof *g->X);
    g->L = gsl_matrix_alloc(M, M);
    g->alpha = gsl_vector_alloc(M);
    g->ks = gsl_vector_alloc(M);
    g->v = gsl_vector_alloc(M);
    if (!g->X || !g->L || !g->alpha || !g->ks || !g->v) {
        gp_release_fit(g);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "learn: out of memory (%zu observations)", M);
    }
    memcpy(g->X, X, m * d * sizeof *g->X);
    for (size_t a = 0; a < m; a++)
        for (size_t b = 0; b < m; b++)
            kernel_block(g, X + a * d, X + b * d, g->L, a * B, b * B);
    for (size_t a = 0; a < m; a++) {
        double *p = gsl_matrix_ptr(g->L, a * B, a * B);
        *p += g->noise_e * g->noise_e;
        for (size_t j = 1; j < B; j++)
            *gsl_matrix_ptr(g->L, a * B + j, a * B + j) += g->noise_g * g->noise_g;
        gsl_vector_set(g->alpha, a * B, E[a] - g->mean);
        for (size_t j = 0; j < d; j++)
            gsl_vector_set(g->alpha, a * B + 1 + j, G[a * d + j]);
    }
    old = gsl_set_error_handler_off();
    gs = gsl_linalg_cholesky_decomp1(g->L);
    if (!gs)
        gs = gsl_linalg_cholesky_svx(g->L, g->alpha);
    gsl_set_error_handler(old);
    if (gs) {
        gp_release_fit(g);
        return pesx_error_set(PESX_EFAILED, NULL, 0,
                              "learn: the GP covariance of %zu structures is not positive "
                              "definite (%s); two structures are almost the same",
                              m, gsl_strerror(gs));
    }
    return PESX_OK;
}

static int gp_predict(learn_surrogate *g, const double *x, double *e, double *grad, double *sigma)
{
    size_t d = g->dim, B = d + 1;
    double il2 = 1.0 / (g->l * g->l), en = g->mean;
    if (!g->L)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "learn: the surrogate is not fitted");
    if (grad)
        memset(grad, 0, d * sizeof *grad);
    for (size_t b = 0; b < g->m; b++) {
        const double *xb = g->X + b * d;
        const double *al = gsl_vector_const_ptr(g->alpha, b * B);
        double k = g->s2 * exp(-0.5 * sqdist(d, x, xb) * il2), ra = 0;
        gsl_vector_set(g->ks, b * B, k);
        en += k * al[0];
        for (size_t j = 0; j < d; j++) {
            double rj = x[j] - xb[j];
            gsl_vector_set(g->ks, b * B + 1 + j, k * rj * il2);
            en += k * rj * il2 * al[1 + j];
            ra += rj * al[1 + j];
        }
        if (grad)
            for (size_t i = 0; i < d; i++) {
                double ri = x[i] - xb[i];
                grad[i] += k * (-al[0] * ri * il2 + al[1 + i] * il2 - ri * ra * il2 * il2);
            }
    }
    *e = en;
    if (sigma) {
        double var, kk;
        gsl_vector_memcpy(g->v, g->ks);
        gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit, g->L, g->v);
        gsl_blas_ddot(g->v, g->v, &kk);
        var = g->s2 - kk;
        *sigma = var > 0 ? sqrt(var) : 0.0;
    }
    return PESX_OK;
}

const learn_surrogate_type learn_surrogate_gp = {
    "gp", gp_alloc, gp_fit, gp_predict, gp_free,
};
