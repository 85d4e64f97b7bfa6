/* The objective of a structure under a potential: x are the 3n positions,
 * the gradient is minus the forces, frozen atoms are frozen coordinates. */
#include <config.h>
#include <pesx/opt.h>

#include <stdlib.h>
#include <string.h>

#include "opt_impl.h"

static int atoms_eval(void *ctx, const double *x, double *energy, double *gradient)
{
    pesx_atoms_objective *ao = ctx;
    size_t n3 = 3 * ao->atoms->n;
    pesx_potential_result r;
    int status;

    memcpy(ao->atoms->x, x, n3 * sizeof *x);
    memset(&r, 0, sizeof r);
    r.forces = ao->forces;
    status = pesx_potential_eval(ao->potential, ao->atoms, &r);
    if (status)
        return status;
    ao->energy = r.energy;
    *energy = r.energy;
    for (size_t k = 0; k < n3; k++)
        gradient[k] = -ao->forces[k];
    return PESX_OK;
}

/* K positions at once through the potential's batch evaluation. */
static int atoms_eval_many(void *ctx, size_t k, const double *x, double *energy,
                           double *gradient, size_t *failed)
{
    pesx_atoms_objective *ao = ctx;
    size_t n3 = 3 * ao->atoms->n, made = 0;
    pesx_atoms **a = calloc(k ? k : 1, sizeof *a);
    pesx_potential_result *r = calloc(k ? k : 1, sizeof *r);
    int status = PESX_OK;
    *failed = 0;
    if (!a || !r) {
        status = pesx_error_set(PESX_ENOMEM, NULL, 0, "atoms objective: out of memory (%zu points)",
                                k);
        goto done;
    }
    for (; made < k; made++) {
        if (!(a[made] = pesx_atoms_clone(ao->atoms))) {
            status = pesx_error_set(PESX_ENOMEM, NULL, 0, "atoms objective: out of memory");
            goto done;
        }
        memcpy(a[made]->x, x + made * n3, n3 * sizeof *x);
        r[made].forces = gradient + made * n3;
    }
    if ((status = pesx_potential_eval_many(ao->potential, k, (const pesx_atoms *const *)a, r,
                                           failed)))
        goto done;
    for (size_t i = 0; i < k; i++) {
        energy[i] = r[i].energy;
        for (size_t c = 0; c < n3; c++)
            gradient[i * n3 + c] = -gradient[i * n3 + c];
    }
done:
    for (size_t i = 0; i < made; i++)
        pesx_atoms_free(a[i]);
    free(a);
    free(r);
    return status;
}

const pesx_atoms *opt_objective_atoms(const pesx_objective *o)
{
    if (!o || o->eval != atoms_eval || !o->ctx)
        return NULL;
    return ((const pesx_atoms_objective *)o->ctx)->atoms;
}

int pesx_atoms_objective_init(pesx_atoms_objective *ao, pesx_objective *o,
                              pesx_potential *p, const pesx_atoms *a)
{
    size_t n3;
    if (!ao || !o || !p || !a)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "atoms objective: missing argument");
    memset(ao, 0, sizeof *ao);
    memset(o, 0, sizeof *o);
    n3 = 3 * a->n;
    ao->potential = p;
    ao->atoms = pesx_atoms_clone(a);
    ao->forces = calloc(n3 ? n3 : 1, sizeof *ao->forces);
    ao->frozen = calloc(n3 ? n3 : 1, 1);
    if (!ao->atoms || !ao->forces || !ao->frozen) {
        pesx_atoms_objective_release(ao);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "atoms objective: out of memory (%zu atoms)",
                              a->n);
    }
    if (a->fixed)
        for (size_t i = 0; i < a->n; i++)
            if (a->fixed[i])
                ao->frozen[3 * i] = ao->frozen[3 * i + 1] = ao->frozen[3 * i + 2] = 1;
    o->n = n3;
    o->eval = atoms_eval;
    o->eval_many = atoms_eval_many;
    o->ctx = ao;
    o->frozen = ao->frozen;
    o->group = 3;
    o->calls = 0;
    return PESX_OK;
}

void pesx_atoms_objective_release(pesx_atoms_objective *ao)
{
    if (!ao)
        return;
    pesx_atoms_free(ao->atoms);
    free(ao->forces);
    free(ao->frozen);
    ao->atoms = NULL;
    ao->forces = NULL;
    ao->frozen = NULL;
}
