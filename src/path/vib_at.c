/* Normal modes of a structure: masses, the Hessian at a point, what the
 * modes say the point is, and the frequency table (pesx vib, pesx saddle
 * and the saddle analysis). */
#include <config.h>
#include <pesx/path_dimer.h>
#include <pesx/path_vib.h>

#include <math.h>
#include <stdlib.h>

double *pesx_vib_masses(const pesx_atoms *a)
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

void pesx_vib_freeze_model_z(const pesx_potential *pot, pesx_atoms_objective *ao)
{
    if (pesx_potential_flags(pot) & PESX_POTENTIAL_MODEL_SURFACE)
        for (size_t i = 0; i < ao->atoms->n; i++)
            ao->frozen[3 * i + 2] = 1;
}

int pesx_vib_at(pesx_vib *v, pesx_objective *o, const pesx_atoms *a, const double *x,
                double step, int no_project)
{
    pesx_hessian H;
    pesx_dimer_params dp;
    double *m = pesx_vib_masses(a);
    int st;
    if (!m)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    pesx_vib_release(v);
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

const char *pesx_vib_kind(const pesx_vib *v)
{
    return v->n_negative == 0 ? "a minimum"
           : v->n_negative == 1 ? "a first-order saddle"
                                : "a higher-order saddle";
}

void pesx_vib_format_freq(double freq, char *buf, size_t size)
{
    if (freq < 0)
        snprintf(buf, size, "%.2fi", -freq);
    else
        snprintf(buf, size, "%.2f", freq);
}

int pesx_vib_write_table(FILE *fp, const pesx_vib *v)
{
    char b[64];
    fprintf(fp, "%6s %14s %22s\n", "mode", "freq/cm^-1", "eigenvalue/(eV/A^2/amu)");
    for (size_t k = 0; k < v->n; k++) {
        pesx_vib_format_freq(v->freq[k], b, sizeof b);
        fprintf(fp, "%6zu %14s %22.8e%s\n", k + 1, b, v->eigenvalue[k],
                fabs(v->eigenvalue[k]) <= v->tol ? "  (zero)" : "");
    }
    return ferror(fp) ? pesx_error_set(PESX_EWRITE, NULL, 0, "write error") : PESX_OK;
}
