/* L-BFGS without a line search, as in ASE and eOn: the two-loop recursion
 * (Nocedal, Math. Comp. 35, 773 (1980)) gives d = -H g with H0 = s.y/y.y
 * of the newest pair; the front end caps the step per atom.  The history is
 * forgotten when a pair has no positive curvature (y.s <= 0) or when the
 * direction points uphill (g.d >= 0).  With params->energy_check a step
 * that raises the energy by more than max_rise is undone halfway.  With
 * params->precon, H0 = gamma P^-1 with P a bond-stiffness model of the
 * current geometry (precon.c). */
#include <config.h>
#include <pesx/opt.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "opt_impl.h"

typedef struct {
    size_t n, m;
    double *s, *y;      /* m pairs of n values, a ring               */
    double *rho, *alpha;
    size_t len, newest; /* pairs held, slot of the newest            */
    double *x0, *g0;    /* last accepted point and its gradient      */
    double e0;
    int have_prev;
    size_t n_reject;    /* rejected steps in a row                   */
    double h0_init;     /* H0 before any pair                        */
    double h0;          /* s.y/y.y of the newest pair                */
    opt_precon *pc;     /* NULL without preconditioner               */
    double *pz;         /* n, P^-1 applied to something              */
    double gamma;       /* s.y / y.P^-1 y of the newest pair         */
    pesx_minimizer_params p;
} lbfgs_state;

static void lbfgs_release(void *state)
{
    lbfgs_state *L = state;
    free(L->s);
    free(L->y);
    free(L->rho);
    free(L->alpha);
    free(L->x0);
    free(L->g0);
    free(L->pz);
    if (L->pc) {
        opt_precon_release(L->pc);
        free(L->pc);
    }
    memset(L, 0, sizeof *L);
}

static void lbfgs_reset(void *state)
{
    lbfgs_state *L = state;
    L->len = 0;
    L->newest = 0;
    L->have_prev = 0;
    L->n_reject = 0;
    L->h0 = L->h0_init;
}

static int lbfgs_init(void *state, size_t n, const pesx_minimizer_params *p)
{
    lbfgs_state *L = state;
    size_t m = p->memory ? p->memory : 1;
    memset(L, 0, sizeof *L);
    if (n == 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "lbfgs: no coordinates");
    if (!(p->h0 >= 0.0) || !isfinite(p->h0))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "lbfgs: h0 must be >= 0 (got %g)", p->h0);
    if (p->energy_check && !(p->max_rise >= 0.0))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "lbfgs: max_rise must be >= 0 (got %g)",
                              p->max_rise);
    if (p->precon != PESX_PRECON_NONE && p->precon != PESX_PRECON_EXP &&
        p->precon != PESX_PRECON_AUTO)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "lbfgs: unknown preconditioner %d",
                              p->precon);
    L->n = n;
    L->m = m;
    L->p = *p;
    L->s = malloc(m * n * sizeof *L->s);
    L->y = malloc(m * n * sizeof *L->y);
    L->rho = malloc(m * sizeof *L->rho);
    L->alpha = malloc(m * sizeof *L->alpha);
    L->x0 = malloc(n * sizeof *L->x0);
    L->g0 = malloc(n * sizeof *L->g0);
    if (!L->s || !L->y || !L->rho || !L->alpha || !L->x0 || !L->g0) {
        lbfgs_release(L);
        return pesx_error_set(PESX_ENOMEM, NULL, 0,
                              "lbfgs: out of memory (n = %zu, memory = %zu)", n, m);
    }
    L->h0_init = p->h0 > 0.0 ? p->h0 : 1.0 / 70.0;
    if (p->precon == PESX_PRECON_EXP) {
        int status;
        L->pc = calloc(1, sizeof *L->pc);
        L->pz = malloc(n * sizeof *L->pz);
        if (!L->pc || !L->pz) {
            lbfgs_release(L);
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "lbfgs: out of memory");
        }
        if ((status = opt_precon_init(L->pc, n, p))) {
            opt_precon_release(L->pc);
            free(L->pc);
            L->pc = NULL;
            lbfgs_release(L);
            return status;
        }
    }
    lbfgs_reset(L);
    return PESX_OK;
}

/* Store the pair (x - x0, g - g0) if it has positive curvature (1); else
 * forget the history (0). */
static int lbfgs_update(lbfgs_state *L, const double *x, const double *g)
{
    size_t n = L->n;
    size_t slot = L->len == 0 ? 0 : (L->newest + 1) % L->m;
    double *s = L->s + slot * n, *y = L->y + slot * n;
    double sy, yy;
    for (size_t i = 0; i < n; i++) {
        s[i] = x[i] - L->x0[i];
        y[i] = g[i] - L->g0[i];
    }
    sy = opt_dot(n, s, y);
    yy = opt_dot(n, y, y);
    if (!(sy > 0.0) || !(yy > 0.0) || !isfinite(sy / yy)) {
        L->len = 0;
        return 0;
    }
    L->rho[slot] = 1.0 / sy;
    L->newest = slot;
    if (L->len < L->m)
        L->len++;
    L->h0 = sy / yy;
    return 1;
}

int pesx_lbfgs_direction(size_t n, size_t m, size_t len, size_t newest, const double *s,
                         const double *y, const double *rho, double *alpha, const double *g,
                         double *d, int (*apply_h0)(void *data, double *d), void *data)
{
    int status;
    for (size_t i = 0; i < n; i++)
        d[i] = g[i];
    for (size_t k = 0; k < len; k++) {
        size_t j = (newest + m - k) % m;
        const double *yj = y + j * n;
        double a = rho[j] * opt_dot(n, s + j * n, d);
        alpha[j] = a;
        for (size_t i = 0; i < n; i++)
            d[i] -= a * yj[i];
    }
    if ((status = apply_h0(data, d)))
        return status;
    for (size_t k = len; k-- > 0;) {
        size_t j = (newest + m - k) % m;
        const double *sj = s + j * n;
        double b = rho[j] * opt_dot(n, y + j * n, d);
        for (size_t i = 0; i < n; i++)
            d[i] += (alpha[j] - b) * sj[i];
    }
    for (size_t i = 0; i < n; i++)
        d[i] = -d[i];
    return PESX_OK;
}

/* H0 = h0 I, or gamma P^-1 once a pair gives gamma. */
static int lbfgs_apply_h0(void *state, double *d)
{
    lbfgs_state *L = state;
    if (L->pc && L->len && L->gamma > 0.0) {
        int status = opt_precon_solve(L->pc, d, L->pz);
        if (status)
            return status;
        for (size_t i = 0; i < L->n; i++)
            d[i] = L->gamma * L->pz[i];
    } else {
        double h0 = L->len ? L->h0 : L->h0_init;
        for (size_t i = 0; i < L->n; i++)
            d[i] *= h0;
    }
    return PESX_OK;
}

/* d = -H g by the two-loop recursion. */
static int lbfgs_direction(lbfgs_state *L, const double *g, double *d)
{
    return pesx_lbfgs_direction(L->n, L->m, L->len, L->newest, L->s, L->y, L->rho, L->alpha, g, d,
                                lbfgs_apply_h0, L);
}

static int lbfgs_step(void *state, const double *x, const double *g, double e,
                      const unsigned char *frozen, double *dx)
{
    lbfgs_state *L = state;
    size_t n = L->n;
    int pushed = 0, status;

    if (L->have_prev) {
        if (L->p.energy_check && e - L->e0 > L->p.max_rise && L->n_reject < L->p.max_reject) {
            /* Go back half of the step that raised the energy. */
            L->n_reject++;
            for (size_t i = 0; i < n; i++)
                dx[i] = -0.5 * (x[i] - L->x0[i]);
            return PESX_OK;
        }
        L->n_reject = 0;
        pushed = lbfgs_update(L, x, g);
    }
    memcpy(L->x0, x, n * sizeof *x);
    memcpy(L->g0, g, n * sizeof *g);
    L->e0 = e;
    L->have_prev = 1;

    if (L->pc) {
        /* P at this point; gamma from the newest pair under it */
        if ((status = opt_precon_build(L->pc, x, frozen)))
            return status;
        if (pushed) {
            const double *y = L->y + L->newest * n;
            double ypy;
            if ((status = opt_precon_solve(L->pc, y, L->pz)))
                return status;
            ypy = opt_dot(n, y, L->pz);
            L->gamma = ypy > 0.0 ? 1.0 / (L->rho[L->newest] * ypy) : 0.0;
        }
    }
    if ((status = lbfgs_direction(L, g, dx)))
        return status;
    if (L->len && !(opt_dot(n, g, dx) < 0.0)) {
        L->len = 0; /* uphill: start again from steepest descent */
        if ((status = lbfgs_direction(L, g, dx)))
            return status;
    }
    if (frozen)
        for (size_t i = 0; i < n; i++)
            if (frozen[i])
                dx[i] = 0.0;
    return PESX_OK;
}

const pesx_minimizer_type pesx_minimizer_lbfgs = {
    "lbfgs",
    "L-BFGS without line search (two-loop recursion, H0 = s.y/y.y, history reset on "
    "uphill directions and non-positive curvature)",
    sizeof(lbfgs_state),
    lbfgs_init,
    lbfgs_step,
    lbfgs_reset,
    lbfgs_release,
};
