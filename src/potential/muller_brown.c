/* The Mueller-Brown surface (K. Mueller and L. D. Brown, Theor. Chim. Acta
 * 53, 75 (1979)) on the x, y of the single atom of a one-atom structure:
 *   E(x, y) = scale * sum_k A_k exp(a_k (x - x0_k)^2 + b_k (x - x0_k)(y - y0_k)
 *                                   + c_k (y - y0_k)^2)
 * Its energy unit is taken as eV and length as Angstrom.  z carries no
 * energy (zero force).  Minima near (-0.558, 1.442) -146.70,
 * (0.623, 0.028) -108.17, (-0.050, 0.467) -80.77; saddles near
 * (-0.822, 0.624) -40.66 and (0.212, 0.293) -72.25. */
#include "potential_impl.h"
#include <math.h>

static const double A[4] = {-200, -100, -170, 15};
static const double a_[4] = {-1, -1, -6.5, 0.7};
static const double b_[4] = {0, 0, 11, 0.6};
static const double c_[4] = {-10, -10, -6.5, 0.7};
static const double x0[4] = {1, 0, -0.5, -1};
static const double y0_[4] = {0, 0.5, 1.5, 1};

typedef struct {
    double scale;
} mb_state;

static int mb_init(void *state, pesx_params *p)
{
    mb_state *s = state;
    s->scale = 1.0;
    if (pesx_potential_param_positive(p, "muller_brown", "scale", &s->scale) < 0)
        return PESX_EINVAL;
    return PESX_OK;
}

static int mb_eval(void *state, const pesx_atoms *at, pesx_potential_result *r)
{
    const mb_state *s = state;
    double x, y, e = 0, gx = 0, gy = 0;
    if (at->n != 1)
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "muller_brown: the surface needs a structure of exactly one atom "
                              "(got %zu)",
                              at->n);
    x = at->x[0];
    y = at->x[1];
    for (int k = 0; k < 4; k++) {
        double dx = x - x0[k], dy = y - y0_[k];
        double t = A[k] * exp(a_[k] * dx * dx + b_[k] * dx * dy + c_[k] * dy * dy);
        e += t;
        gx += t * (2 * a_[k] * dx + b_[k] * dy);
        gy += t * (b_[k] * dx + 2 * c_[k] * dy);
    }
    r->energy = s->scale * e;
    if (r->forces) {
        r->forces[0] = -s->scale * gx;
        r->forces[1] = -s->scale * gy;
        r->forces[2] = 0.0;
    }
    if (r->atom_energies)
        r->atom_energies[0] = r->energy;
    return PESX_OK;
}

static double mb_cutoff(const void *state)
{
    (void)state;
    return 0.0;
}

const pesx_potential_type pesx_potential_muller_brown = {
    .name = "muller_brown",
    .summary = "Mueller-Brown model surface on the x, y of a one-atom structure",
    .params_doc = "scale=1 (energy factor)",
    .state_size = sizeof(mb_state),
    .init = mb_init,
    .eval = mb_eval,
    .cutoff = mb_cutoff,
    .flags = PESX_POTENTIAL_MODEL_SURFACE | PESX_POTENTIAL_REPLICABLE,
};
