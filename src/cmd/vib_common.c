/* Helpers shared by `pesx vib` and `pesx saddle`: masses, the Hessian and
 * the frequency table. */
#include <config.h>
#include "cmd.h"
#include "vib_common.h"

#include <math.h>
#include <stdlib.h>

#include <pesx/path_dimer.h>

double *vib_masses(const pesx_atoms *a)
{
    double *m = malloc((3 * a->n + 1) * sizeof *m);
    int warned = 0;
    if (!m)
        return NULL;
    for (size_t i = 0; i < a->n; i++) {
        double mi = pesx_element_mass(a->z[i]);
        if (!(mi > 0)) {
            if (!warned)
                pesx_warn("atom %zu has no known element: mass 1 amu assumed", i + 1);
            warned = 1;
            mi = 1.0;
        }
        m[3 * i] = m[3 * i + 1] = m[3 * i + 2] = mi;
    }
    return m;
}

void vib_freeze_model_z(pesx_potential *pot, pesx_atoms_objective *ao)
{
    if (pesx_potential_flags(pot) & PESX_POTENTIAL_MODEL_SURFACE)
        for (size_t i = 0; i < ao->atoms->n; i++)
            ao->frozen[3 * i + 2] = 1;
}

int vib_compute(pesx_objective *o, const pesx_atoms *a, const double *x, double step,
                int no_project, pesx_vib *v)
{
    pesx_hessian H;
    pesx_dimer_params dp;
    double *m = vib_masses(a);
    int st;
    if (!m)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    pesx_dimer_params_default(&dp);
    pesx_dimer_params_auto(&dp, a);
    pesx_hessian_init(&H);
    st = pesx_hessian_compute(&H, o, x, step);
    if (!st)
        st = pesx_vib_compute(v, &H, o->n, m, x, !no_project && dp.remove_translation,
                              !no_project && dp.remove_rotation);
    pesx_hessian_release(&H);
    free(m);
    return st;
}

void vib_format(double freq, char *buf, size_t size)
{
    if (freq < 0)
        snprintf(buf, size, "%.2fi", -freq);
    else
        snprintf(buf, size, "%.2f", freq);
}

void vib_print(FILE *fp, const pesx_vib *v)
{
    char b[64];
    fprintf(fp, "%6s %14s %22s\n", "mode", "freq/cm^-1", "eigenvalue/(eV/A^2/amu)");
    for (size_t k = 0; k < v->n; k++) {
        vib_format(v->freq[k], b, sizeof b);
        fprintf(fp, "%6zu %14s %22.8e%s\n", k + 1, b, v->eigenvalue[k],
                fabs(v->eigenvalue[k]) <= v->tol ? "  (zero)" : "");
    }
}
