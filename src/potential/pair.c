/* The pair-potential engine shared by lj and morse: sums V(r) - vshift over
 * every pair (and periodic image) closer than rc, with forces and per-atom
 * energies (half of each pair to each atom). */
#include <math.h>
#include <string.h>
#include "potential_impl.h"

void pesx_pair_engine_init(pesx_pair_engine *e)
{
    memset(e, 0, sizeof *e);
}

void pesx_pair_engine_release(pesx_pair_engine *e)
{
    if (e->nl_ready)
        pesx_nlist_release(&e->nl);
    e->nl_ready = 0;
}

static inline void add_pair(size_t i, size_t j, const double d[3], double r, double rc,
                            double vshift, pesx_pair_fn fn, const void *par, double *energy,
                            double *f, double *ae)
{
    double v, dv;
    if (!(r < rc))
        return;
    fn(par, r, &v, &dv);
    v -= vshift;
    *energy += v;
    if (ae) {
        ae[i] += 0.5 * v;
        ae[j] += 0.5 * v;
    }
    if (f) {
        double s = dv / r;
        for (int k = 0; k < 3; k++) {
            f[3 * i + k] += s * d[k];
            f[3 * j + k] -= s * d[k];
        }
    }
}

/* Every pair i < j of a cluster, no images. */
static void eval_direct(const pesx_atoms *a, double rc, double vshift, pesx_pair_fn fn,
                        const void *par, double *energy, double *f, double *ae)
{
    const double *x = a->x;
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = i + 1; j < a->n; j++) {
            double d[3] = {x[3 * j] - x[3 * i], x[3 * j + 1] - x[3 * i + 1],
                           x[3 * j + 2] - x[3 * i + 2]};
            double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            add_pair(i, j, d, r, rc, vshift, fn, par, energy, f, ae);
        }
}

int pesx_pair_engine_eval(pesx_pair_engine *e, const char *type, const pesx_atoms *a,
                          double rc, double vshift, pesx_pair_fn fn, const void *par,
                          pesx_potential_result *r)
{
    double energy = 0.0, *f = r->forces, *ae = r->atom_energies;
    int periodic = pesx_atoms_any_pbc(a);
    if (f && a->n)
        memset(f, 0, 3 * a->n * sizeof *f);
    if (ae && a->n)
        memset(ae, 0, a->n * sizeof *ae);
    if (!periodic && (isinf(rc) || a->n <= PESX_PAIR_DIRECT_MAX)) {
        eval_direct(a, rc, vshift, fn, par, &energy, f, ae);
    } else {
        int status;
        if (isinf(rc))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "%s: a periodic structure needs a finite cutoff "
                                  "(set rc, e.g. %s:rc=...)",
                                  type, type);
        if (!e->nl_ready) {
            pesx_nlist_init(&e->nl);
            e->nl_ready = 1;
        }
        if ((status = pesx_nlist_build(&e->nl, a, rc)) != PESX_OK) {
            pesx_error_prefix("%s: ", type);
            return status;
        }
        for (size_t i = 0; i < a->n; i++)
            for (size_t k = e->nl.start[i]; k < e->nl.start[i + 1]; k++) {
                size_t j = e->nl.j[k];
                const double *d = e->nl.d + 3 * k;
                if (pesx_nlist_is_half_entry(&e->nl, i, k))
                    add_pair(i, j, d, e->nl.r[k], rc, vshift, fn, par, &energy, f, ae);
            }
    }
    r->energy = energy;
    return PESX_OK;
}
