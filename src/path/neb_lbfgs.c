/* Global L-BFGS on a band with a per-image preconditioner: the two-loop
 * recursion over the whole band (Sheppard, Terrell & Henkelman, JCP 128,
 * 134106 (2008)) starting from H0 = gamma blockdiag(P_1^-1 ... P_M^-1),
 * P_i the opt module's Exp bond-stiffness preconditioner at image i
 * (built where the history starts and kept while it grows) and
 * gamma = s.y / y.P^-1 y of the newest pair, as the opt module's L-BFGS
 * does for one structure.  This is the
 * preconditioned NEB of Makri, Ortner & Kermode, JCP 150, 094109 (2019)
 * with the preconditioner entering through the quasi-Newton metric.
 * Before the first pair the step is h0 times the force, as in the opt
 * L-BFGS.  History is forgotten on pairs without positive curvature and
 * on uphill directions. */
#include <config.h>
#include <pesx/path.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "path_impl.h"

static double dot(size_t n, const double *a, const double *b)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

void neb_lbfgs_release(neb_lbfgs *L)
{
    if (!L)
        return;
    free(L->s);
    free(L->y);
    free(L->rho);
    free(L->alpha);
    free(L->x0);
    free(L->g0);
    free(L->pz);
    if (L->pc)
        for (size_t i = 0; i < L->n_img; i++)
            pesx_precon_free(L->pc[i]);
    free(L->pc);
    memset(L, 0, sizeof *L);
}

int neb_lbfgs_init(neb_lbfgs *L, size_t n_img, size_t dim, size_t memory, double h0,
                   const pesx_minimizer_params *precon)
{
    size_t n = n_img * dim, m = memory ? memory : 1;
    memset(L, 0, sizeof *L);
    L->n = n;
    L->dim = dim;
    L->n_img = n_img;
    L->m = m;
    L->h0 = h0 > 0.0 ? h0 : 1.0 / 70.0;
    L->s = malloc(m * n * sizeof *L->s);
    L->y = malloc(m * n * sizeof *L->y);
    L->rho = malloc(m * sizeof *L->rho);
    L->alpha = malloc(m * sizeof *L->alpha);
    L->x0 = malloc(n * sizeof *L->x0);
    L->g0 = malloc(n * sizeof *L->g0);
    L->pz = malloc(n * sizeof *L->pz);
    L->pc = calloc(n_img, sizeof *L->pc);
    if (!L->s || !L->y || !L->rho || !L->alpha || !L->x0 || !L->g0 || !L->pz || !L->pc) {
        neb_lbfgs_release(L);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "neb: out of memory (L-BFGS history)");
    }
    for (size_t i = 0; i < n_img && precon; i++)
        if (!(L->pc[i] = pesx_precon_alloc(dim, precon))) {
            int status = pesx_error_last()->code;
            neb_lbfgs_release(L);
            return status ? status : PESX_ENOMEM;
        }
    return PESX_OK;
}

void neb_lbfgs_reset(neb_lbfgs *L)
{
    L->len = 0;
    L->newest = 0;
    L->have_prev = 0;
}

/* out = blockdiag(P_i^-1) in (image by image). */
static int precon_solve(neb_lbfgs *L, const double *in, double *out)
{
    for (size_t i = 0; i < L->n_img; i++) {
        int status = pesx_precon_solve(L->pc[i], in + i * L->dim, out + i * L->dim);
        if (status)
            return status;
    }
    return PESX_OK;
}

/* H0 = gamma blockdiag(P_i^-1) once a pair exists, else a scaled identity. */
static int apply_h0(void *band_lbfgs, double *d)
{
    neb_lbfgs *L = band_lbfgs;
    size_t n = L->n;
    int status;
    if (L->len && L->pc[0]) {
        const double *y = L->y + L->newest * n;
        double ypy, gamma;
        if ((status = precon_solve(L, y, L->pz)))
            return status;
        ypy = dot(n, y, L->pz);
        gamma = ypy > 0.0 ? 1.0 / (L->rho[L->newest] * ypy) : 0.0;
        if ((status = precon_solve(L, d, L->pz)))
            return status;
        for (size_t i = 0; i < n; i++)
            d[i] = gamma * L->pz[i];
    } else {
        double h0 = L->h0;
        if (L->len) {
            const double *y = L->y + L->newest * n;
            h0 = 1.0 / (L->rho[L->newest] * dot(n, y, y));
        }
        for (size_t i = 0; i < n; i++)
            d[i] *= h0;
    }
    return PESX_OK;
}

/* d = -H g by the two-loop recursion. */
static int direction(neb_lbfgs *L, const double *g, double *d)
{
    return pesx_lbfgs_direction(L->n, L->m, L->len, L->newest, L->s, L->y, L->rho, L->alpha, g, d,
                                apply_h0, L);
}

int neb_lbfgs_step(neb_lbfgs *L, const double *x, const double *g, const unsigned char *frozen,
                   double *dx)
{
    size_t n = L->n, m = L->m;
    int status;
    if (L->have_prev) {
        size_t slot = L->len == 0 ? 0 : (L->newest + 1) % m;
        double *s = L->s + slot * n, *y = L->y + slot * n, sy;
        for (size_t i = 0; i < n; i++) {
            s[i] = x[i] - L->x0[i];
            y[i] = g[i] - L->g0[i];
        }
        sy = dot(n, s, y);
        if (sy > 0.0 && isfinite(sy)) {
            L->rho[slot] = 1.0 / sy;
            L->newest = slot;
            if (L->len < m)
                L->len++;
        } else {
            L->len = 0;
        }
    }
    memcpy(L->x0, x, n * sizeof *x);
    memcpy(L->g0, g, n * sizeof *g);
    L->have_prev = 1;
    /* P at the point where the history starts, kept while it grows: H0
     * stays the same for every pair of the history (rebuilt at every
     * point, H0 changes under the pairs, and on OptBench Pt two of eleven
     * bands wandered for hundreds of steps) */
    for (size_t i = 0; i < L->n_img && L->pc[i] && L->len == 0; i++)
        if ((status = pesx_precon_build(L->pc[i], x + i * L->dim, frozen)))
            return status;
    if ((status = direction(L, g, dx)))
        return status;
    if (L->len && !(dot(n, g, dx) < 0.0)) {
        L->len = 0;
        if ((status = direction(L, g, dx)))
            return status;
    }
    for (size_t k = 0; k < n; k++)
        if (frozen && frozen[k % L->dim])
            dx[k] = 0.0;
    return PESX_OK;
}
