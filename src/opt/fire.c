/* FIRE, the fast inertial relaxation engine (Bitzek, Koskinen, Gähler,
 * Moseler, Gumbsch, Phys. Rev. Lett. 97, 170201 (2006)): damped dynamics
 * with unit masses, the velocity mixed towards the force while the power
 * P = F.v stays positive, time step and mixing adapted as in the paper. */
#include <config.h>
#include <pesx/opt.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "opt_impl.h"

typedef struct {
    size_t n;
    double *v;
    double dt, alpha;
    size_t n_pos;   /* steps since P was last <= 0 */
    int started;
    pesx_minimizer_params p;
} fire_state;

static void fire_reset(void *state)
{
    fire_state *F = state;
    memset(F->v, 0, F->n * sizeof *F->v);
    F->dt = F->p.dt;
    F->alpha = F->p.alpha_start;
    F->n_pos = 0;
    F->started = 0;
}

static void fire_release(void *state)
{
    fire_state *F = state;
    free(F->v);
    memset(F, 0, sizeof *F);
}

static int fire_init(void *state, size_t n, const pesx_minimizer_params *p)
{
    fire_state *F = state;
    memset(F, 0, sizeof *F);
    if (n == 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "fire: no coordinates");
    if (!(p->dt > 0.0) || !(p->dt_max >= p->dt) || !(p->f_inc >= 1.0) || !(p->f_dec > 0.0) ||
        !(p->f_dec < 1.0) || !(p->alpha_start >= 0.0) || !(p->alpha_start <= 1.0) ||
        !(p->f_alpha > 0.0) || !(p->f_alpha <= 1.0))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "fire: bad parameters (need 0 < dt <= dt_max, f_inc >= 1, "
                              "0 < f_dec < 1, 0 <= alpha_start <= 1, 0 < f_alpha <= 1)");
    F->n = n;
    F->p = *p;
    F->v = calloc(n, sizeof *F->v);
    if (!F->v)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "fire: out of memory (n = %zu)", n);
    fire_reset(F);
    return PESX_OK;
}

static int fire_step(void *state, const double *x, const double *g, double e,
                     const unsigned char *frozen, double *dx)
{
    fire_state *F = state;
    size_t n = F->n;
    (void)x;
    (void)e;
    if (F->started) {
        double P = -opt_dot(n, g, F->v);
        if (P > 0.0) {
            double vn = sqrt(opt_dot(n, F->v, F->v));
            double gn = sqrt(opt_dot(n, g, g));
            double c = gn > 0.0 ? F->alpha * vn / gn : 0.0;
            for (size_t i = 0; i < n; i++)
                F->v[i] = (1.0 - F->alpha) * F->v[i] - c * g[i];
            if (F->n_pos > F->p.n_min) {
                F->dt = fmin(F->dt * F->p.f_inc, F->p.dt_max);
                F->alpha *= F->p.f_alpha;
            }
            F->n_pos++;
        } else {
            memset(F->v, 0, n * sizeof *F->v);
            F->alpha = F->p.alpha_start;
            F->dt *= F->p.f_dec;
            F->n_pos = 0;
        }
    }
    F->started = 1;
    /* Semi-implicit Euler with unit masses. */
    for (size_t i = 0; i < n; i++) {
        if (frozen && frozen[i]) {
            F->v[i] = 0.0;
            dx[i] = 0.0;
            continue;
        }
        F->v[i] -= F->dt * g[i];
        dx[i] = F->dt * F->v[i];
    }
    return PESX_OK;
}

const pesx_minimizer_type pesx_minimizer_fire = {
    "fire",
    "FIRE (Bitzek et al. 2006): damped dynamics with adaptive time step",
    sizeof(fire_state),
    fire_init,
    fire_step,
    fire_reset,
    fire_release,
};
