/* Check suite of the ideal-gas thermochemistry and the Eyring rate
 * (src/path/thermo.c), against ASE's IdealGasThermo (/usr/bin/python3) on
 * the same frequencies, geometry and masses.  Skips (77) without ASE. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pesx/path_thermo.h>
#include <pesx/path_vib.h>

#include "testutil.h"

#define PYTHON "/usr/bin/python3"

/* ASE's CODATA 2014 constants (its default) differ from pesx's CODATA 2018
 * by 4e-7 in the entropy; the reference switches ASE to 2018.
 * argv: T P sigma spin geometry n_atoms (x y z mass)*n  freq(cm^-1)... ;
 * prints H S G of ASE's IdealGasThermo (real frequencies only). */
static const char ASE_SCRIPT[] =
    "import sys\n"
    "from ase import Atoms, units\n"
    "units.__dict__.update(units.create_units(\"2018\"))\n"
    "from ase.thermochemistry import IdealGasThermo\n"
    "a = sys.argv[1:]\n"
    "T, P, sigma, spin, geo, n = float(a[0]), float(a[1]), int(a[2]), float(a[3]), a[4], int(a[5])\n"
    "v = [float(s) for s in a[6:]]\n"
    "pos = [v[4*i:4*i+3] for i in range(n)]\n"
    "m = [v[4*i+3] for i in range(n)]\n"
    "at = Atoms(\"H%d\" % n, positions=pos)\n"
    "at.set_masses(m)\n"
    "e = [f * units.invcm for f in v[4*n:]]\n"
    "t = IdealGasThermo(e, geo, potentialenergy=0.0, atoms=at, symmetrynumber=sigma, spin=spin)\n"
    "print(\"%.12e %.12e %.12e\" % (t.get_enthalpy(T, verbose=False), t.get_entropy(T, P, verbose=False),"
    " t.get_gibbs_energy(T, P, verbose=False)))\n";

typedef struct {
    size_t na;
    double x[3 * 4], mass[3 * 4];
    size_t nf;
    double freq[12];
} molecule;

static void mol_set(molecule *m, size_t na, const double *xyz, const double *amu, size_t nf,
                    const double *freq)
{
    m->na = na;
    memcpy(m->x, xyz, 3 * na * sizeof *xyz);
    for (size_t a = 0; a < na; a++)
        for (int d = 0; d < 3; d++)
            m->mass[3 * a + d] = amu[a];
    m->nf = nf;
    memcpy(m->freq, freq, nf * sizeof *freq);
}

/* The normal modes as pesx_vib_compute leaves them (ascending, signed). */
static void vib_of(pesx_vib *v, const molecule *m, double *eig, double *freq)
{
    pesx_vib_init(v);
    v->n = m->nf;
    v->n_coord = 3 * m->na;
    v->freq = freq;
    v->eigenvalue = eig;
    v->tol = 1e-8;
    double c = pesx_vib_cm_factor();
    for (size_t k = 0; k < m->nf; k++) {
        freq[k] = m->freq[k];
        eig[k] = (freq[k] < 0 ? -1 : 1) * (freq[k] / c) * (freq[k] / c);
        if (freq[k] < 0)
            v->n_negative++;
    }
}

static void ase_reference(const molecule *m, const char *geo, const pesx_thermo_params *p,
                          double out[3])
{
    char cmd[8192];
    int len = snprintf(cmd, sizeof cmd, "%s -c '%s' %.10g %.10g %d %.10g %s %zu", PYTHON,
                       ASE_SCRIPT, p->temperature, p->pressure, p->symmetry, p->spin, geo, m->na);
    for (size_t a = 0; a < m->na; a++)
        len += snprintf(cmd + len, sizeof cmd - len, " %.12g %.12g %.12g %.12g", m->x[3 * a],
                        m->x[3 * a + 1], m->x[3 * a + 2], m->mass[3 * a]);
    for (size_t k = 0; k < m->nf; k++)
        if (m->freq[k] > 0)
            len += snprintf(cmd + len, sizeof cmd - len, " %.12g", m->freq[k]);
    ck_assert((size_t)len < sizeof cmd);
    FILE *fp = popen(cmd, "r");
    ck_assert_msg(fp != NULL, "cannot run %s", PYTHON);
    int got = fscanf(fp, "%lf %lf %lf", &out[0], &out[1], &out[2]);
    int st = pclose(fp);
    ck_assert_msg(got == 3 && st == 0, "ASE IdealGasThermo failed (status %d)", st);
}

static void compare(const molecule *m, const char *geo, int want_geo, const pesx_thermo_params *p,
                    pesx_thermo *t)
{
    pesx_vib v;
    double eig[12], freq[12];
    vib_of(&v, m, eig, freq);
    ck_assert_int_eq(pesx_thermo_ideal_gas(&v, m->na, m->x, m->mass, 0.0, p, t), PESX_OK);
    ck_assert_int_eq(t->geometry, want_geo);
    double ref[3];
    ase_reference(m, geo, p, ref);
    ck_assert_msg(fabs(t->enthalpy - ref[0]) < 1e-9, "H %.10f vs ASE %.10f", t->enthalpy, ref[0]);
    ck_assert_rel(t->entropy, ref[1], 1e-9);
    ck_assert_msg(fabs(t->gibbs - ref[2]) < 1e-9, "G %.10f vs ASE %.10f", t->gibbs, ref[2]);
}

/* water: C2v, sigma 2; GFN2-xTB-like frequencies */
static const double H2O_X[] = {0, 0, 0.1173, 0, 0.7572, -0.4692, 0, -0.7572, -0.4692};
static const double H2O_M[] = {15.999, 1.008, 1.008};
static const double H2O_F[] = {1595.0, 3657.0, 3756.0};
/* HCN linear, sigma 1; and the HCN -> HNC saddle (bent, one imaginary) */
static const double HCN_X[] = {0, 0, -1.0655, 0, 0, 0, 0, 0, 1.1532};
static const double HCN_M[] = {1.008, 12.011, 14.007};
static const double HCN_F[] = {727.0, 727.0, 2129.0, 3311.0};
static const double TS_X[] = {1.10, 0.45, 0, 0, 0, 0, 0.30, 1.14, 0};
static const double TS_F[] = {-1120.0, 2040.0, 2620.0};

START_TEST(test_water_vs_ase)
{
    molecule m;
    mol_set(&m, 3, H2O_X, H2O_M, 3, H2O_F);
    pesx_thermo_params p;
    pesx_thermo_params_default(&p);
    p.symmetry = 2;
    pesx_thermo t;
    compare(&m, "nonlinear", PESX_THERMO_NONLINEAR, &p, &t);
    ck_assert_uint_eq(t.n_vib, 3);
    /* ZPE: half the sum of h c nu */
    ck_assert_rel(t.zpe, 0.5 * PESX_H_EVS * PESX_C_CM_S * (1595.0 + 3657.0 + 3756.0), 1e-12);
    p.temperature = 1000.0;
    p.pressure = 101325.0;
    p.spin = 1.0;
    compare(&m, "nonlinear", PESX_THERMO_NONLINEAR, &p, &t);
}
END_TEST

START_TEST(test_linear_vs_ase)
{
    molecule m;
    mol_set(&m, 3, HCN_X, HCN_M, 4, HCN_F);
    pesx_thermo_params p;
    pesx_thermo_params_default(&p);
    pesx_thermo t;
    compare(&m, "linear", PESX_THERMO_LINEAR, &p, &t);
    ck_assert_uint_eq(t.n_vib, 4);
}
END_TEST

/* Eyring: the saddle without its imaginary mode; the rate from ASE's own
 * Gibbs energies of the two at the same temperature. */
START_TEST(test_eyring_vs_ase)
{
    molecule mm, ms;
    mol_set(&mm, 3, HCN_X, HCN_M, 4, HCN_F);
    mol_set(&ms, 3, TS_X, HCN_M, 3, TS_F);
    pesx_thermo_params p;
    pesx_thermo_params_default(&p);
    p.temperature = 500.0;
    pesx_thermo tm, ts;
    compare(&mm, "linear", PESX_THERMO_LINEAR, &p, &tm);
    compare(&ms, "nonlinear", PESX_THERMO_NONLINEAR, &p, &ts);
    ck_assert_uint_eq(ts.n_vib, 2);
    tm.energy = 0.0;
    ts.energy = 2.0;
    ts.gibbs += 2.0;
    double gm[3], gs[3];
    ase_reference(&mm, "linear", &p, gm);
    ase_reference(&ms, "nonlinear", &p, gs);
    double zb, dG, k;
    ck_assert_int_eq(pesx_thermo_eyring(&tm, &ts, p.temperature, &zb, &dG, &k), PESX_OK);
    ck_assert_rel(zb, 2.0 + ts.zpe - tm.zpe, 1e-12);
    ck_assert_msg(fabs(dG - (2.0 + gs[2] - gm[2])) < 1e-7, "dG %.10f", dG);
    double kT = PESX_KB_EV * p.temperature;
    ck_assert_rel(k, kT / PESX_H_EVS * exp(-(2.0 + gs[2] - gm[2]) / kT), 1e-5);
}
END_TEST

START_TEST(test_bad_modes)
{
    molecule m;
    pesx_vib v;
    double eig[12], freq[12];
    pesx_thermo_params p;
    pesx_thermo_params_default(&p);
    pesx_thermo t;
    /* water with a mode missing (rigid modes kept instead would be zero) */
    mol_set(&m, 3, H2O_X, H2O_M, 2, H2O_F);
    vib_of(&v, &m, eig, freq);
    ck_assert_int_eq(pesx_thermo_ideal_gas(&v, 3, m.x, m.mass, 0.0, &p, &t), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "needs 3 vibrations"));
    /* a second-order saddle */
    static const double F2[] = {-300.0, -200.0, 3000.0, 3100.0};
    mol_set(&m, 3, TS_X, HCN_M, 3, F2);
    vib_of(&v, &m, eig, freq);
    ck_assert_int_eq(pesx_thermo_ideal_gas(&v, 3, m.x, m.mass, 0.0, &p, &t), PESX_EINVAL);
    mol_set(&m, 3, H2O_X, H2O_M, 3, H2O_F);
    vib_of(&v, &m, eig, freq);
    p.temperature = 0.0;
    ck_assert_int_eq(pesx_thermo_ideal_gas(&v, 3, m.x, m.mass, 0.0, &p, &t), PESX_EINVAL);
}
END_TEST

int main(void)
{
    if (system(PYTHON " -c 'import ase.thermochemistry' 2>/dev/null") != 0) {
        printf("SKIP: " PYTHON " with ASE (python3-ase) is needed for the reference\n");
        return 77;
    }
    Suite *s = suite_create("thermo");
    TCase *tc = tcase_create("ideal gas");
    tcase_add_test(tc, test_water_vs_ase);
    tcase_add_test(tc, test_linear_vs_ase);
    tcase_add_test(tc, test_eyring_vs_ase);
    tcase_add_test(tc, test_bad_modes);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
