/* From a saddle to the two minima it connects: a push along -mode and
 * +mode, then a minimisation of each side. */
#include <math.h>
#include <stdlib.h>

#include <pesx/path_dimer.h>
#include "path/dimer_impl.h"

int pesx_dimer_connect(pesx_objective *o, const double *x, const double *mode, double step,
                       const pesx_minimizer_type *T, const pesx_minimizer_params *mp,
                       const pesx_converge *c, double *xm, double *xp,
                       pesx_dimer_connection *res)
{
    size_t n = o->n, calls0 = o->calls;
    res->em = res->ep = NAN;
    res->converged_m = res->converged_p = 0;
    res->calls = 0;
    double am = (o->group == 3) ? dimer_atom_max(n, mode) : 0.0;
    if (!(am > 0))
        for (size_t k = 0; k < n; k++)
            am = fmax(am, fabs(mode[k]));
    if (!(am > 0))
        return pesx_error_set(PESX_EINVAL, "", 0, "connect: zero mode");
    double a = step / am;
    for (int side = 0; side < 2; side++) {
        double *y = side ? xp : xm;
        double sgn = side ? 1.0 : -1.0;
        for (size_t k = 0; k < n; k++)
            y[k] = x[k] + ((o->frozen && o->frozen[k]) ? 0.0 : sgn * a * mode[k]);
        pesx_minimize_result mr;
        int st = pesx_minimize(o, T, mp, c, y, NULL, NULL, &mr);
        if (st != PESX_OK && st != PESX_ENOCONV) {
            res->calls = o->calls - calls0;
            return st;
        }
        if (side) {
            res->ep = mr.energy;
            res->converged_p = mr.converged;
        } else {
            res->em = mr.energy;
            res->converged_m = mr.converged;
        }
    }
    res->calls = o->calls - calls0;
    return PESX_OK;
}
