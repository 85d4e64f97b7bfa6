/* The surrogate as a potential type, so that the band (and any other
 * path code) runs on it as on any -p potential.  Not in the registry: a
 * learner allocates it and sets its state (pesx_potential_state). */
#include <config.h>
#include "learn_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int surrogate_init(void *state, pesx_params *params)
{
    (void)state;
    (void)params;
    return PESX_OK;
}

static int surrogate_eval(void *state, const pesx_atoms *a, pesx_potential_result *r)
{
    learn_surrogate_state *s = state;
    size_t d = 0;
    int status;
    double sigma;
    if (!s->s || a->n != s->n)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "learn: the surrogate is not fitted for "
                                                    "this structure");
    for (size_t i = 0; i < a->n; i++)
        if (!s->fixed[i])
            for (int c = 0; c < 3; c++)
                s->x[d++] = a->x[3 * i + c];
    if ((status = s->T->predict(s->s, s->x, &r->energy, r->forces ? s->g : NULL, &sigma)))
        return status;
    if (r->forces) {
        d = 0;
        for (size_t i = 0; i < a->n; i++)
            for (int c = 0; c < 3; c++)
                r->forces[3 * i + c] = s->fixed[i] ? 0.0 : -s->g[d++];
    }
    if (r->atom_energies)
        for (size_t i = 0; i < a->n; i++)
            r->atom_energies[i] = NAN;
    r->energy_std = sigma;
    return PESX_OK;
}

static void surrogate_release(void *state)
{
    (void)state; /* the learner owns what the state points to */
}

#define SURROGATE_TYPE(FLAGS)                                                    \
    {                                                                            \
        .name = "surrogate",                                                     \
        .summary = "the learning loop's surrogate of the reference (not for -p)", \
        .params_doc = "",                                                        \
        .state_size = sizeof(learn_surrogate_state),                             \
        .init = surrogate_init,                                                  \
        .eval = surrogate_eval,                                                  \
        .release = surrogate_release,                                            \
        .flags = (FLAGS),                                                        \
    }
/* a model surface's surrogate is one too (no rigid-body projection) */
static const pesx_potential_type surrogate_type = SURROGATE_TYPE(PESX_POTENTIAL_NO_ATOM_ENERGIES);
static const pesx_potential_type surrogate_surface_type =
    SURROGATE_TYPE(PESX_POTENTIAL_NO_ATOM_ENERGIES | PESX_POTENTIAL_MODEL_SURFACE);

pesx_potential *pesx_learn_surrogate_alloc(const pesx_potential *ref)
{
    return pesx_potential_alloc(pesx_potential_flags(ref) & PESX_POTENTIAL_MODEL_SURFACE
                                    ? &surrogate_surface_type
                                    : &surrogate_type,
                                NULL);
}

