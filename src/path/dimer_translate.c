/* Translation of the dimer by L-BFGS with a mode-aware history (Kastner &
 * Sherwood 2008): the history keeps pairs of true position and gradient
 * differences (s, y) and reflects y by the CURRENT mode, y' = y - 2 (N.y) N,
 * each time a step is computed.  The pairs then describe the modified
 * surface of the current mode even after the dimer has rotated, which the
 * pairs of a generic minimizer fed with modified gradients do not (their y
 * mixes reflections by old and new modes).  Pairs with s.y' <= 0 are left
 * out of the recursion. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pesx/util.h>
#include "path/dimer_impl.h"

int dimer_tlbfgs_init(dimer_tlbfgs *t, size_t n, size_t m, double h0)
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
    memset(t, 0, sizeof *t);
}

void dimer_tlbfgs_reset(dimer_tlbfgs *t)
{
    t->count = 0;
    t->head = 0;
    t->have_prev = 0;
}

void dimer_tlbfgs_push(dimer_tlbfgs *t, const double *x, const double *g)
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
}

void dimer_tlbfgs_direction(dimer_tlbfgs *t, const double *gm, const double *mode, double *d)
{
    size_t n = t->n, m = t->m, k = t->count;
    double h0 = t->h0_init;
    int have_h0 = 0;
    /* reflect every stored y by the current mode; keep pairs with s.y' > 0 */
    for (size_t j = 0; j < k; j++) {
        size_t idx = (t->head + m - 1 - j) % m;
        double *yt = t->yt + idx * n;
        const double *y = t->y + idx * n, *s = t->s + idx * n;
        double ny = dimer_dot(n, mode, y);
        for (size_t i = 0; i < n; i++)
            yt[i] = y[i] - 2.0 * ny * mode[i];
        double sy = dimer_dot(n, s, yt);
        t->rho[idx] = sy > 0 ? 1.0 / sy : 0.0;
        if (!have_h0 && sy > 0) {
            double yy = dimer_dot(n, yt, yt);
            if (yy > 0) {
                h0 = sy / yy;
                have_h0 = 1;
            }
        }
    }
    memcpy(d, gm, n * sizeof *d);
    for (size_t j = 0; j < k; j++) {
        size_t idx = (t->head + m - 1 - j) % m;
        if (t->rho[idx] == 0.0)
            continue;
        t->alpha[idx] = t->rho[idx] * dimer_dot(n, t->s + idx * n, d);
        for (size_t i = 0; i < n; i++)
            d[i] -= t->alpha[idx] * t->yt[idx * n + i];
    }
    for (size_t i = 0; i < n; i++)
        d[i] *= h0;
    for (size_t j = k; j-- > 0;) {
        size_t idx = (t->head + m - 1 - j) % m;
        if (t->rho[idx] == 0.0)
            continue;
        double beta = t->rho[idx] * dimer_dot(n, t->yt + idx * n, d);
        for (size_t i = 0; i < n; i++)
            d[i] += (t->alpha[idx] - beta) * t->s[idx * n + i];
    }
    for (size_t i = 0; i < n; i++)
        d[i] = -d[i];
    if (!(dimer_dot(n, d, gm) < 0.0)) { /* not downhill on the modified surface */
        t->count = 0;
        for (size_t i = 0; i < n; i++)
            d[i] = -h0 * gm[i];
    }
}
