/* Lennard-Jones: V(r) = 4 eps ((sigma/r)^12 - (sigma/r)^6), optionally cut
 * at rc with the energy shifted by V(rc) per pair (eOn's "lj"). */
#include <math.h>
#include "potential_impl.h"

typedef struct {
    double epsilon, sigma, rc;
    int shift;
    double vshift;
    pesx_pair_engine engine;
} lj_state;

static void lj_pair(const void *par, double r, double *v, double *dvdr)
{
    const lj_state *s = par;
    double sr2 = s->sigma * s->sigma / (r * r);
    double sr6 = sr2 * sr2 * sr2;
    *v = 4.0 * s->epsilon * (sr6 * sr6 - sr6);
    *dvdr = -24.0 * s->epsilon * (2.0 * sr6 * sr6 - sr6) / r;
}

static int lj_init(void *state, pesx_params *p)
{
    lj_state *s = state;
    double dummy;
    pesx_pair_engine_init(&s->engine);
    s->epsilon = 1.0;
    s->sigma = 1.0;
    s->rc = INFINITY;
    s->shift = 1;
    if (pesx_potential_param_positive(p, "lj", "epsilon", &s->epsilon) < 0 ||
        pesx_potential_param_positive(p, "lj", "sigma", &s->sigma) < 0 ||
        pesx_potential_param_cutoff(p, "lj", "rc", &s->rc) < 0 ||
        pesx_potential_param_bool(p, "lj", "shift", &s->shift) < 0)
        return PESX_EINVAL;
    s->vshift = 0.0;
    if (s->shift && isfinite(s->rc))
        lj_pair(s, s->rc, &s->vshift, &dummy);
    return PESX_OK;
}

static int lj_eval(void *state, const pesx_atoms *a, pesx_potential_result *r)
{
    lj_state *s = state;
    return pesx_pair_engine_eval(&s->engine, "lj", a, s->rc, s->vshift, lj_pair, s, r);
}

static void lj_release(void *state)
{
    lj_state *s = state;
    pesx_pair_engine_release(&s->engine);
}

static double lj_cutoff(const void *state)
{
    return ((const lj_state *)state)->rc;
}

const pesx_potential_type pesx_potential_lj = {
    .name = "lj",
    .summary = "Lennard-Jones 4 eps ((sigma/r)^12 - (sigma/r)^6), optional cutoff with energy shift",
    .params_doc = "epsilon=1 (eV), sigma=1 (Angstrom), rc=inf (cutoff, Angstrom; inf, none or 0 = "
                  "all pairs, clusters only), shift=1 (subtract V(rc) per pair inside rc)",
    .flags = PESX_POTENTIAL_REPLICABLE,
    .state_size = sizeof(lj_state),
    .init = lj_init,
    .eval = lj_eval,
    .release = lj_release,
    .cutoff = lj_cutoff,
};
