/* Ideal-gas thermochemistry (translation, rotation, vibration, electronic
 * spin) and the Eyring rate.  Formulas as in ASE's IdealGasThermo so that
 * the two agree on the same frequencies (tests/check_thermo.c). */
#include <math.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>

#include <pesx/path_thermo.h>

void pesx_thermo_params_default(pesx_thermo_params *p)
{
    p->temperature = 298.15;
    p->pressure = 1e5;
    p->symmetry = 1;
    p->spin = 0.0;
}

/* Principal moments of inertia about the centre of mass, amu A^2, ascending. */
static int principal_moments(size_t na, const double *x, const double *mass, double I[3])
{
    double c[3] = {0, 0, 0}, mt = 0.0, t[9] = {0};
    for (size_t a = 0; a < na; a++) {
        for (int d = 0; d < 3; d++)
            c[d] += mass[3 * a] * x[3 * a + d];
        mt += mass[3 * a];
    }
    for (int d = 0; d < 3; d++)
        c[d] /= mt;
    for (size_t a = 0; a < na; a++) {
        double r[3] = {x[3 * a] - c[0], x[3 * a + 1] - c[1], x[3 * a + 2] - c[2]};
        double m = mass[3 * a], rr = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                t[3 * i + j] += m * ((i == j ? rr : 0.0) - r[i] * r[j]);
    }
    gsl_matrix_view tv = gsl_matrix_view_array(t, 3, 3);
    gsl_vector_view ev = gsl_vector_view_array(I, 3);
    gsl_eigen_symm_workspace *w = gsl_eigen_symm_alloc(3);
    if (!w)
        return pesx_error_set(PESX_ENOMEM, "", 0, "thermo: out of memory");
    int s = gsl_eigen_symm(&tv.matrix, &ev.vector, w);
    gsl_eigen_symm_free(w);
    if (s)
        return pesx_error_set(PESX_EFAILED, "", 0, "thermo: moments of inertia failed");
    for (int i = 0; i < 3; i++) /* sort ascending */
        for (int j = i + 1; j < 3; j++)
            if (I[j] < I[i]) {
                double q = I[i];
                I[i] = I[j];
                I[j] = q;
            }
    return PESX_OK;
}

int pesx_thermo_ideal_gas(const pesx_vib *v, size_t na, const double *x, const double *mass,
                          double energy, const pesx_thermo_params *p, pesx_thermo *t)
{
    double T = p->temperature;
    if (!(T > 0) || !(p->pressure > 0) || p->symmetry < 1 || !(p->spin >= 0) || na == 0)
        return pesx_error_set(PESX_EINVAL, "", 0,
                              "thermo: need T > 0, P > 0, symmetry number >= 1, spin >= 0 "
                              "and at least one atom");
    double I[3] = {0, 0, 0};
    t->geometry = PESX_THERMO_MONATOMIC;
    if (na > 1) {
        int s = principal_moments(na, x, mass, I);
        if (s)
            return s;
        t->geometry = I[0] < 1e-4 * I[2] ? PESX_THERMO_LINEAR : PESX_THERMO_NONLINEAR;
    }
    size_t expect = na == 1 ? 0 : 3 * na - (t->geometry == PESX_THERMO_LINEAR ? 5 : 6);
    size_t real = 0;
    for (size_t k = 0; k < v->n; k++)
        if (v->freq[k] > 0 && fabs(v->eigenvalue[k]) > v->tol)
            real++;
    size_t neg = v->n_negative;
    if (v->n_zero || neg > 1 || real + neg != expect)
        return pesx_error_set(PESX_EINVAL, "", 0,
                              "thermo: a %s molecule of %zu atoms needs %zu vibrations "
                              "(at most one imaginary, none zero), the modes have %zu real, "
                              "%zu imaginary and %zu zero",
                              t->geometry == PESX_THERMO_LINEAR ? "linear" : "nonlinear", na,
                              expect, real, neg, v->n_zero);
    double kT = PESX_KB_EV * T;          /* eV */
    double kT_J = kT * PESX_EV_J;
    double h_J = PESX_H_EVS * PESX_EV_J; /* J s */
    double zpe = 0.0, hvib = 0.0, svib = 0.0;
    for (size_t k = 0; k < v->n; k++) {
        if (!(v->freq[k] > 0) || !(fabs(v->eigenvalue[k]) > v->tol))
            continue;
        double e = PESX_H_EVS * PESX_C_CM_S * v->freq[k], u = e / kT;
        zpe += 0.5 * e;
        hvib += e / expm1(u);
        svib += u / expm1(u) - log1p(-exp(-u));
    }
    double mt = 0.0;
    for (size_t a = 0; a < na; a++)
        mt += mass[3 * a];
    double M = mt * PESX_AMU_KG;
    double qt = pow(2.0 * M_PI * M * kT_J / (h_J * h_J), 1.5) * kT_J / p->pressure;
    double strans = log(qt) + 2.5, srot = 0.0, cp_rot = 0.0;
    double to_si = PESX_AMU_KG * 1e-20; /* amu A^2 -> kg m^2 */
    if (t->geometry == PESX_THERMO_LINEAR) {
        double q = 8.0 * M_PI * M_PI * I[2] * to_si * kT_J / (p->symmetry * h_J * h_J);
        srot = log(q) + 1.0;
        cp_rot = 1.0;
    } else if (t->geometry == PESX_THERMO_NONLINEAR) {
        double q = sqrt(M_PI * I[0] * I[1] * I[2] * to_si * to_si * to_si) / p->symmetry *
                   pow(8.0 * M_PI * M_PI * kT_J / (h_J * h_J), 1.5);
        srot = log(q) + 1.5;
        cp_rot = 1.5;
    }
    double selec = log(2.0 * p->spin + 1.0);
    t->n_vib = real;
    t->energy = energy;
    t->zpe = zpe;
    /* Cp: translation 3/2 k, rotation, vibration, and k for pV */
    t->enthalpy = energy + zpe + (1.5 + cp_rot + 1.0) * kT + hvib;
    t->entropy = PESX_KB_EV * (strans + srot + svib + selec);
    t->gibbs = t->enthalpy - T * t->entropy;
    return PESX_OK;
}

int pesx_thermo_eyring(const pesx_thermo *minimum, const pesx_thermo *saddle,
                       double temperature, double *zpe_barrier, double *dG, double *rate)
{
    if (!(temperature > 0))
        return pesx_error_set(PESX_EINVAL, "", 0, "Eyring: the temperature must be > 0");
    *zpe_barrier = (saddle->energy + saddle->zpe) - (minimum->energy + minimum->zpe);
    *dG = saddle->gibbs - minimum->gibbs;
    double kT = PESX_KB_EV * temperature;
    *rate = kT / PESX_H_EVS * exp(-*dG / kT);
    return PESX_OK;
}
