/* The minimization driver: evaluate, test convergence, step, repeat.
 * Every evaluation is counted, the first one included. */
#include <config.h>
#include <pesx/opt.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "opt_impl.h"

void pesx_converge_default(pesx_converge *c)
{
    c->fmax = 0.01;
    c->fnorm = 0.0;
    c->max_steps = 1000;
}

int pesx_converge_test(const pesx_converge *c, double fmax, double fnorm)
{
    int any = 0;
    if (c->fmax > 0.0) {
        any = 1;
        if (!(fmax < c->fmax))
            return 0;
    }
    if (c->fnorm > 0.0) {
        any = 1;
        if (!(fnorm < c->fnorm))
            return 0;
    }
    return any;
}

int pesx_minimize(pesx_objective *o, const pesx_minimizer_type *T,
                  const pesx_minimizer_params *mp, const pesx_converge *c,
                  double *x, pesx_minimize_callback cb, void *cb_data,
                  pesx_minimize_result *res)
{
    pesx_converge cdef;
    pesx_minimizer_params mpa;
    pesx_minimize_result rdef;
    pesx_minimizer *m = NULL;
    double *g = NULL, *dx = NULL, *xlast = NULL, e = 0.0;
    size_t n, calls0, step = 0;
    int status;

    if (!res)
        res = &rdef;
    memset(res, 0, sizeof *res);
    if (!o || !T || !x || !o->eval)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "minimize: missing objective, type or x");
    if (!c) {
        pesx_converge_default(&cdef);
        c = &cdef;
    }
    n = o->n;
    calls0 = o->calls;
    g = malloc((n ? n : 1) * sizeof *g);
    dx = malloc((n ? n : 1) * sizeof *dx);
    xlast = malloc((n ? n : 1) * sizeof *xlast);
    if (!g || !dx || !xlast) {
        status = pesx_error_set(PESX_ENOMEM, NULL, 0, "minimize: out of memory (n = %zu)", n);
        goto done;
    }
    /* PESX_PRECON_AUTO: precondition a structure's positions, nothing else */
    if (!mp) {
        pesx_minimizer_params_default(&mpa);
        mp = &mpa;
    }
    if (mp->precon == PESX_PRECON_AUTO) {
        const pesx_atoms *a = opt_objective_atoms(o);
        mpa = *mp;
        mpa.precon = a ? PESX_PRECON_EXP : PESX_PRECON_NONE;
        if (a && !mpa.precon_atoms)
            mpa.precon_atoms = a;
        mp = &mpa;
    }
    m = pesx_minimizer_alloc(T, n, mp);
    if (!m) {
        status = pesx_error_last()->code ? pesx_error_last()->code : PESX_ENOMEM;
        goto done;
    }
    if ((status = pesx_objective_eval(o, x, &e, g)))
        goto done;
    for (;;) {
        res->steps = step;
        res->calls = o->calls - calls0;
        res->energy = e;
        res->fmax = pesx_objective_fmax(o, g);
        res->fnorm = pesx_objective_fnorm(o, g);
        if (cb && (status = cb(cb_data, step, x, e, g, res->fmax, res->fnorm)))
            break;
        if (pesx_converge_test(c, res->fmax, res->fnorm)) {
            res->converged = 1;
            status = PESX_OK;
            break;
        }
        if (step >= c->max_steps) {
            status = pesx_error_set(PESX_ENOCONV, NULL, 0,
                                    "not converged after %zu step%s (fmax %.3g eV/A, "
                                    "fnorm %.3g eV/A)",
                                    step, step == 1 ? "" : "s", res->fmax, res->fnorm);
            break;
        }
        if ((status = pesx_minimizer_step(m, x, g, e, o->frozen, o->group, dx)))
            break;
        memcpy(xlast, x, n * sizeof *x);
        for (size_t k = 0; k < n; k++)
            x[k] += dx[k];
        step++;
        if ((status = pesx_objective_eval(o, x, &e, g))) {
            /* Leave x at the last point that evaluated. */
            memcpy(x, xlast, n * sizeof *x);
            res->calls = o->calls - calls0;
            break;
        }
    }
done:
    pesx_minimizer_free(m);
    free(g);
    free(dx);
    free(xlast);
    return status;
}
