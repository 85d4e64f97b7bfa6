/* Morse: V(r) = D [(1 - exp(-alpha (r - r0)))^2 - 1], optionally cut at rc
 * with the energy shifted by V(rc) per pair.  preset=pt is eOn's morse_pt
 * (client/potentials/Morse: D = 0.7102 eV, alpha = 1.6047 1/A, r0 = 2.897 A,
 * rc = 9.5 A, energy shift V(rc) per pair, forces of the unshifted term
 * truncated at rc, i.e. the exact gradient of the shifted energy). */
#include <math.h>
#include <string.h>
#include "potential_impl.h"

typedef struct {
    double D, alpha, r0, rc;
    int shift;
    double vshift;
    pesx_pair_engine engine;
} morse_state;

static void morse_pair(const void *par, double r, double *v, double *dvdr)
{
    const morse_state *s = par;
    double ex = exp(-s->alpha * (r - s->r0));
    double e = 1.0 - ex;
    *v = s->D * (e * e - 1.0);
    *dvdr = 2.0 * s->D * s->alpha * e * ex;
}

static int morse_init(void *state, pesx_params *p)
{
    morse_state *s = state;
    const char *preset = pesx_potential_param_string(p, "preset");
    const char *pos = pesx_potential_param_positional(p, 0);
    int got_d, got_a, got_r0;
    double dummy;
    pesx_pair_engine_init(&s->engine);
    s->rc = INFINITY;
    s->shift = 1;
    if (preset && pos)
        return pesx_potential_param_error(p, pos, "morse: both preset=%s and '%s' given",
                                          preset, pos);
    if (!preset)
        preset = pos;
    if (preset) {
        if (strcmp(preset, "pt") != 0 && strcmp(preset, "morse_pt") != 0)
            return pesx_potential_param_error(p, pos ? pos : "preset",
                                              "morse: unknown preset '%s' (valid presets: pt)",
                                              preset);
        s->D = 0.7102;
        s->alpha = 1.6047;
        s->r0 = 2.8970;
        s->rc = 9.5;
    }
    if ((got_d = pesx_potential_param_positive(p, "morse", "D", &s->D)) < 0 ||
        (got_a = pesx_potential_param_positive(p, "morse", "alpha", &s->alpha)) < 0 ||
        (got_r0 = pesx_potential_param_positive(p, "morse", "r0", &s->r0)) < 0 ||
        pesx_potential_param_cutoff(p, "morse", "rc", &s->rc) < 0 ||
        pesx_potential_param_bool(p, "morse", "shift", &s->shift) < 0)
        return PESX_EINVAL;
    if (!preset && (!got_d || !got_a || !got_r0))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "morse: needs D, alpha and r0 (missing %s%s%s), or preset=pt "
                              "(eOn's morse_pt)",
                              got_d ? "" : "D ", got_a ? "" : "alpha ", got_r0 ? "" : "r0");
    s->vshift = 0.0;
    if (s->shift && isfinite(s->rc))
        morse_pair(s, s->rc, &s->vshift, &dummy);
    return PESX_OK;
}

static int morse_eval(void *state, const pesx_atoms *a, pesx_potential_result *r)
{
    morse_state *s = state;
    return pesx_pair_engine_eval(&s->engine, "morse", a, s->rc, s->vshift, morse_pair, s, r);
}

static void morse_release(void *state)
{
    morse_state *s = state;
    pesx_pair_engine_release(&s->engine);
}

static double morse_cutoff(const void *state)
{
    return ((const morse_state *)state)->rc;
}

const pesx_potential_type pesx_potential_morse = {
    .name = "morse",
    .summary = "Morse D [(1 - exp(-alpha (r - r0)))^2 - 1]; preset pt = eOn's morse_pt",
    .params_doc = "D= (eV), alpha= (1/Angstrom), r0= (Angstrom), rc=inf (cutoff; inf, none or 0 "
                  "= all pairs, clusters only), shift=1 (subtract V(rc) per pair inside rc), "
                  "preset=pt (or positional morse:pt: D 0.7102, alpha 1.6047, r0 2.897, rc 9.5, shift 1)",
    .flags = PESX_POTENTIAL_REPLICABLE,
    .state_size = sizeof(morse_state),
    .init = morse_init,
    .eval = morse_eval,
    .release = morse_release,
    .cutoff = morse_cutoff,
};
