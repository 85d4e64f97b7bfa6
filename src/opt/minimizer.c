/* Minimizer front end: default parameters, the registry of types, and the
 * step that every type goes through (frozen coordinates pinned, non-finite
 * steps refused, no atom moving more than max_step). */
#include <config.h>
#include <pesx/opt.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "opt_impl.h"

struct pesx_minimizer {
    const pesx_minimizer_type *type;
    size_t n;
    pesx_minimizer_params params;
    void *state;
};

void pesx_minimizer_params_default(pesx_minimizer_params *p)
{
    memset(p, 0, sizeof *p);
    p->max_step = 0.2;
    p->memory = 100;
    p->h0 = 0.0;
    p->dt = 0.1;
    p->dt_max = 1.0;
    p->n_min = 5;
    p->f_inc = 1.1;
    p->f_dec = 0.5;
    p->alpha_start = 0.1;
    p->f_alpha = 0.99;
    p->energy_check = 0;
    p->max_rise = 1e-4;
    p->max_reject = 10;
    p->precon = PESX_PRECON_AUTO;
    p->precon_atoms = NULL;
    p->precon_r_nn = 0.0;
    p->precon_A = 3.0;
    p->precon_rcut = 2.0;
    p->precon_c_stab = 0.1;
}

static const pesx_minimizer_type *const registry[] = {
    &pesx_minimizer_lbfgs,
    &pesx_minimizer_fire,
    NULL,
};

const pesx_minimizer_type *const *pesx_minimizer_types(void)
{
    return registry;
}

const pesx_minimizer_type *pesx_minimizer_type_lookup(const char *name)
{
    char names[256] = "";
    size_t used = 0;
    if (name)
        for (size_t i = 0; registry[i]; i++)
            if (strcmp(registry[i]->name, name) == 0)
                return registry[i];
    for (size_t i = 0; registry[i] && used < sizeof names; i++) {
        int k = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                         registry[i]->name);
        if (k < 0)
            break;
        used += (size_t)k;
    }
    pesx_error_set(PESX_EINVAL, NULL, 0, "unknown minimizer '%s' (valid: %s)",
                   name ? name : "(null)", names);
    return NULL;
}

pesx_minimizer *pesx_minimizer_alloc(const pesx_minimizer_type *T, size_t n,
                                     const pesx_minimizer_params *p)
{
    pesx_minimizer_params def;
    pesx_minimizer *m;
    if (!T) {
        pesx_error_set(PESX_EINVAL, NULL, 0, "minimizer: no type given");
        return NULL;
    }
    if (!p) {
        pesx_minimizer_params_default(&def);
        p = &def;
    }
    if (!(p->max_step >= 0.0) || !isfinite(p->max_step)) {
        pesx_error_set(PESX_EINVAL, NULL, 0, "minimizer %s: max_step must be >= 0 (got %g)",
                       T->name, p->max_step);
        return NULL;
    }
    m = calloc(1, sizeof *m);
    if (!m || !(m->state = calloc(1, T->state_size ? T->state_size : 1))) {
        free(m);
        pesx_error_set(PESX_ENOMEM, NULL, 0, "minimizer %s: out of memory", T->name);
        return NULL;
    }
    m->type = T;
    m->n = n;
    m->params = *p;
    if (T->init(m->state, n, p) != PESX_OK) {
        free(m->state);
        free(m);
        return NULL;
    }
    return m;
}

void pesx_minimizer_free(pesx_minimizer *m)
{
    if (!m)
        return;
    m->type->release(m->state);
    free(m->state);
    free(m);
}

/* Scale dx so that no group of coordinates moves more than max_step. */
static void cap_step(double *dx, size_t n, size_t group, double max_step)
{
    double worst = 0.0;
    for (size_t a = 0; a < n; a += group) {
        double s = 0.0;
        for (size_t k = a; k < a + group && k < n; k++)
            s += dx[k] * dx[k];
        if (s > worst)
            worst = s;
    }
    worst = sqrt(worst);
    if (worst > max_step) {
        double f = max_step / worst;
        for (size_t k = 0; k < n; k++)
            dx[k] *= f;
    }
}

int pesx_minimizer_step(pesx_minimizer *m, const double *x, const double *g, double e,
                        const unsigned char *frozen, size_t group, double *dx)
{
    int status = m->type->step(m->state, x, g, e, frozen, dx);
    if (status)
        return status;
    for (size_t k = 0; k < m->n; k++) {
        if (frozen && frozen[k])
            dx[k] = 0.0;
        else if (!isfinite(dx[k]))
            return pesx_error_set(PESX_EFAILED, NULL, 0,
                                  "minimizer %s: step component %zu is not finite (%g)",
                                  m->type->name, k, dx[k]);
    }
    if (m->params.max_step > 0.0)
        cap_step(dx, m->n, opt_group(group), m->params.max_step);
    return PESX_OK;
}

void pesx_minimizer_reset(pesx_minimizer *m)
{
    if (m && m->type->reset)
        m->type->reset(m->state);
}

const char *pesx_minimizer_name(const pesx_minimizer *m)
{
    return m ? m->type->name : NULL;
}
