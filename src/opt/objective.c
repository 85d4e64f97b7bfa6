/* pesx_objective: one counted, checked evaluation, and the force measures
 * used by every convergence test (largest per-atom force, 2-norm). */
#include <config.h>
#include <pesx/opt.h>

#include <math.h>

#include "opt_impl.h"

/* Zero the frozen components; reject a non-finite energy or gradient. */
static int check_point(const pesx_objective *o, const double *energy, double *gradient)
{
    if (!isfinite(*energy))
        return pesx_error_set(PESX_EFAILED, NULL, 0,
                              "the energy is not finite (%g) at force call %zu",
                              *energy, o->calls);
    for (size_t i = 0; i < o->n; i++) {
        if (o->frozen && o->frozen[i]) {
            gradient[i] = 0.0;
            continue;
        }
        if (!isfinite(gradient[i]))
            return pesx_error_set(PESX_EFAILED, NULL, 0,
                                  "gradient component %zu (atom %zu) is not finite (%g) at "
                                  "force call %zu",
                                  i + 1, i / opt_group(o->group) + 1, gradient[i], o->calls);
    }
    return PESX_OK;
}

int pesx_objective_eval(pesx_objective *o, const double *x, double *energy, double *gradient)
{
    int status;
    if (!o || !o->eval || !x || !energy || !gradient)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "objective: missing function or array");
    status = o->eval(o->ctx, x, energy, gradient);
    o->calls++;
    return status ? status : check_point(o, energy, gradient);
}

int pesx_objective_eval_many(pesx_objective *o, size_t k, const double *x, double *energy,
                             double *gradient, size_t *failed)
{
    size_t bad = 0;
    int status = PESX_OK;
    if (!o || !o->eval || (k && (!x || !energy || !gradient)))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "objective: missing function or array");
    if (!o->eval_many) {
        for (bad = 0; bad < k && !status; bad++)
            status = pesx_objective_eval(o, x + bad * o->n, energy + bad, gradient + bad * o->n);
    } else if ((status = o->eval_many(o->ctx, k, x, energy, gradient, &bad))) {
        o->calls += k;
        bad++;
    } else {
        o->calls += k;
        for (bad = 0; bad < k && !status; bad++)
            status = check_point(o, energy + bad, gradient + bad * o->n);
    }
    if (status && failed)
        *failed = bad - 1;
    return status;
}

double pesx_objective_fmax(const pesx_objective *o, const double *g)
{
    size_t group = opt_group(o->group);
    double best = 0.0;
    for (size_t a = 0; a < o->n; a += group) {
        double s = 0.0;
        for (size_t k = a; k < a + group && k < o->n; k++)
            if (!(o->frozen && o->frozen[k]))
                s += g[k] * g[k];
        if (s > best)
            best = s;
    }
    return sqrt(best);
}

double pesx_objective_fnorm(const pesx_objective *o, const double *g)
{
    double s = 0.0;
    for (size_t k = 0; k < o->n; k++)
        if (!(o->frozen && o->frozen[k]))
            s += g[k] * g[k];
    return sqrt(s);
}
