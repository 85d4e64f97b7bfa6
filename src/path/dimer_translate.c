/* Translation of the dimer by L-BFGS with a mode-aware history (Kastner &
 * Sherwood 2008): the history keeps pairs of true position and gradient
 * differences (s, y) and reflects y by the CURRENT mode, y' = y - 2 (N.y) N,
 * each time a step is computed.  The pairs then describe the modified
 * surface of the current mode even after the dimer has rotated, which the
 * pairs of a generic minimizer fed with modified gradients do not (their y
 * mixes reflections by old and new modes).  Pairs with s.y' <= 0 are left
 * out of the recursion.  With a preconditioner the recursion starts from
 * H0 = gamma P^-1 (Packwood et al. 2016's Exp P of the opt module, rebuilt
 * at every point; gamma = s.y'/y'.P^-1 y' of the newest pair) instead of
 * (s.y'/y'.y') I, as the opt module's L-BFGS does for minimisation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pesx/util.h>
#include <pesx/opt.h>
#include "path/dimer_impl.h"

int dimer_tlbfgs_init(dimer_tlbfgs *t, size_t n, size_t m, double h0,
                     const pesx_minimizer_params *precon)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    t->m = m ? m : 1;
    t->h0_init = h0;
    t->s = malloc(t->m * n * sizeof *t->s);
    t->y = malloc(t->m * n * sizeof *t->y);
    t->yt = malloc(t->m * n * sizeof *t->yt);
    t->rho = malloc(t->m * sizeof *t->rho);
    t->alpha = malloc(t->m * sizeof *t->alpha);
    t->xp = malloc(n * sizeof *t->xp);
    t->gp = malloc(n * sizeof *t->gp);
    if (!t->s || !t->y || !t->yt || !t->rho || !t->alpha || !t->xp || !t->gp) {
        dimer_tlbfgs_release(t);
        return pesx_error_set(PESX_ENOMEM, "", 0, "dimer: out of memory");
    }
    if (precon) {
        t->pz = malloc(n * sizeof *t->pz);
        t->pc = t->pz ? pesx_precon_alloc(n, precon) : NULL;
        if (!t->pc) {
            int st = t->pz ? pesx_error_last()->code : PESX_ENOMEM;
            dimer_tlbfgs_release(t);
            return st ? st : PESX_ENOMEM;
        }
    }
    return PESX_OK;
}

void dimer_tlbfgs_release(dimer_tlbfgs *t)
{
    free(t->s);
    free(t->y);
    free(t->yt);
    free(t->rho);
    free(t->alpha);
    free(t->xp);
    free(t->gp);
    free(t->pz);
    pesx_precon_free(t->pc);
    memset(t, 0, sizeof *t);
}

void dimer_tlbfgs_reset(dimer_tlbfgs *t)
{
    t->count = 0;
    t->head = 0;
    t->have_prev = 0;
}

int dimer_tlbfgs_push(dimer_tlbfgs *t, const double *x, const double *g,
                      const unsigned char *frozen)
{
    size_t n = t->n;
    if (t->have_prev) {
        size_t slot = t->head;
        double ss = 0.0;
        for (size_t i = 0; i < n; i++) {
            t->s[slot * n + i] = x[i] - t->xp[i];
            t->y[slot * n + i] = g[i] - t->gp[i];
            ss += t->s[slot * n + i] * t->s[slot * n + i];
        }
        if (ss > 0) {
            t->head = (t->head + 1) % t->m;
            if (t->count < t->m)
                t->count++;
        }
    }
    memcpy(t->xp, x, n * sizeof *x);
    memcpy(t->gp, g, n * sizeof *g);
    t->have_prev = 1;
    return t->pc ? pesx_precon_build(t->pc, x, frozen) : PESX_OK;
}

typedef struct {
    dimer_tlbfgs *t;
    double h0;
    int newest; /* slot of the newest usable pair, or -1 */
} translate_h0;

/* H0 = h0 I, or gamma P^-1 with gamma from the newest usable pair under P
 * when a preconditioner is set and built. */
static int apply_h0(void *data, double *d)
{
    const translate_h0 *h = data;
    dimer_tlbfgs *t = h->t;
    size_t n = t->n;
    int newest = h->newest;
    double h0 = h->h0;
    double gamma = 0.0;
    if (t->pc && newest >= 0) {
        const double *y = t->yt + (size_t)newest * n;
        int st = pesx_precon_solve(t->pc, y, t->pz);
        if (st)
            return st;
        double ypy = dimer_dot(n, y, t->pz);
        gamma = ypy > 0 ? 1.0 / (t->rho[newest] * ypy) : 0.0;
    }
    if (gamma > 0) {
        int st = pesx_precon_solve(t->pc, d, t->pz);
        if (st)
            return st;
        for (size_t i = 0; i < n; i++)
            d[i] = gamma * t->pz[i];
    } else {
        for (size_t i = 0; i < n; i++)
            d[i] *= h0;
    }
    return PESX_OK;
}

/* yt of every stored pair: y reflected by MODE; rho = 1/s.yt or 0 when
 * s.yt <= 0.  *h0 = s.yt/yt.yt and *newest the slot of the newest usable
 * pair (-1 when none). */
static void reflect_pairs(dimer_tlbfgs *t, const double *mode, double *h0, int *newest)
{
    size_t n = t->n, m = t->m, k = t->count;
    *h0 = t->h0_init;
    *newest = -1;
    for (size_t j = 0; j < k; j++) {
        size_t idx = (t->head + m - 1 - j) % m;
        double *yt = t->yt + idx * n;
        const double *y = t->y + idx * n, *s = t->s + idx * n;
        double ny = dimer_dot(n, mode, y);
        for (size_t i = 0; i < n; i++)
            yt[i] = y[i] - 2.0 * ny * mode[i];
        double sy = dimer_dot(n, s, yt);
        t->rho[idx] = sy > 0 ? 1.0 / sy : 0.0;
        if (*newest < 0 && sy > 0) {
            double yy = dimer_dot(n, yt, yt);
            if (yy > 0) {
                *h0 = sy / yy;
                *newest = (int)idx;
            }
        }
    }
}

int dimer_tlbfgs_direction(dimer_tlbfgs *t, const double *gm, const double *mode, double *d)
{
    size_t n = t->n;
    double h0;
    int newest, st;
    reflect_pairs(t, mode, &h0, &newest);
    /* pairs with rho = 0 (s.yt <= 0) drop out of the recursion exactly */
    translate_h0 h = {t, h0, newest};
    if ((st = pesx_lbfgs_direction(n, t->m, t->count, (t->head + t->m - 1) % t->m, t->s, t->yt,
                                   t->rho, t->alpha, gm, d, apply_h0, &h)))
        return st;
    if (!(dimer_dot(n, d, gm) < 0.0)) { /* not downhill on the modified surface */
        t->count = 0;
        for (size_t i = 0; i < n; i++)
            d[i] = -h0 * gm[i];
    }
    return PESX_OK;
}
