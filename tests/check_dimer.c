/* Check suite of the dimer, the finite-difference Hessian, the frequencies
 * and harmonic TST (src/path/dimer*.c, hessian.c, vib.c, htst.c).  The
 * OptBench Pt heptamer tests, which need ../shared, are check_dimer_pt. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <pesx/io.h>
#include <pesx/opt.h>
#include <pesx/path_dimer.h>
#include <pesx/path_vib.h>

#include "testutil.h"

/* Mueller-Brown saddles, recomputed here by Newton's method on the analytic
 * gradient (scipy fsolve, |grad| < 1e-10); published: Mueller & Brown,
 * Theor. Chim. Acta 53, 75 (1979): (-0.822, 0.624) -40.665 and
 * (0.212, 0.293) -72.249. */
static const double MB_SADDLE[2][3] = {
    {-0.8220015587, 0.6243128028, -40.6648435087},
    {0.2124865820, 0.2929883251, -72.2489401123},
};
#define MB_TOL_X 1e-4
#define MB_TOL_E 1e-4

/* A structure under a potential as an objective, with its own x. */
typedef struct {
    pesx_potential *pot;
    pesx_atoms_objective ao;
    pesx_objective o;
    double *x;
} fixture;

static void fixture_open(fixture *f, const char *spec, const pesx_atoms *a)
{
    f->pot = pesx_potential_open(spec);
    ck_assert_msg(f->pot != NULL, "cannot open %s: %s", spec, pesx_error_last()->msg);
    ck_assert_int_eq(pesx_atoms_objective_init(&f->ao, &f->o, f->pot, a), PESX_OK);
    f->x = malloc(3 * a->n * sizeof *f->x);
    ck_assert_ptr_nonnull(f->x);
    memcpy(f->x, a->x, 3 * a->n * sizeof *f->x);
}

static void fixture_close(fixture *f)
{
    pesx_atoms_objective_release(&f->ao);
    pesx_potential_free(f->pot);
    free(f->x);
}

static double *masses_of(const pesx_atoms *a)
{
    double *m = malloc(3 * a->n * sizeof *m);
    for (size_t i = 0; i < a->n; i++) {
        double mi = pesx_element_mass(a->z[i]);
        m[3 * i] = m[3 * i + 1] = m[3 * i + 2] = mi > 0 ? mi : 1.0;
    }
    return m;
}

/* Hessian and normal modes of f at f->x; returns n_negative. */
static size_t vib_at(fixture *f, const pesx_atoms *a, int rigid, pesx_vib *v)
{
    pesx_hessian H;
    pesx_hessian_init(&H);
    ck_assert_int_eq(pesx_hessian_compute(&H, &f->o, f->x, 1e-3), PESX_OK);
    double *m = masses_of(a);
    pesx_vib_init(v);
    ck_assert_int_eq(pesx_vib_compute(v, &H, f->o.n, m, f->x, rigid, rigid), PESX_OK);
    free(m);
    pesx_hessian_release(&H);
    return v->n_negative;
}

/* ---- Mueller-Brown -------------------------------------------------------- */

static pesx_atoms *mb_atoms(double x, double y)
{
    pesx_atoms *a = pesx_atoms_alloc(1);
    a->z[0] = 1;
    a->x[0] = x;
    a->x[1] = y;
    return a;
}

static const double MB_START[][5] = {
    /* start x, y; initial mode; which saddle */
    {-0.70, 0.55, 1.0, 0.0, 0},
    {-0.90, 0.75, 0.0, 1.0, 0},
    {-0.80, 0.50, 1.0, 1.0, 0},
    {0.15, 0.35, 1.0, 0.0, 1},
    {0.30, 0.25, 0.0, 1.0, 1},
    {0.25, 0.40, 1.0, -1.0, 1},
};

START_TEST(test_mb_saddles)
{
    static const char *const rot_name[] = {"lbfgs", "cg", "davidson"};
    for (int rot = 0; rot < 3; rot++) {
        const double *s = MB_START[_i];
        pesx_atoms *a = mb_atoms(s[0], s[1]);
        fixture f;
        fixture_open(&f, "muller_brown", a);
        f.ao.frozen[2] = 1; /* z carries no energy */
        pesx_dimer_params p;
        pesx_dimer_params_default(&p);
        p.rotation = rot == 0 ? PESX_DIMER_ROT_LBFGS
                     : rot == 1 ? PESX_DIMER_ROT_CG : PESX_DIMER_ROT_DAVIDSON;
        p.mp.max_step = 0.05;
        p.fnorm = 1e-6;
        double mode[3] = {s[2], s[3], 0.0};
        pesx_dimer_result res;
        int st = pesx_dimer_search(&f.o, &p, f.x, mode, NULL, NULL, &res);
        ck_assert_msg(st == PESX_OK, "start %d: %s", _i, pesx_error_last()->msg);
        int k = (int)s[4];
        ck_assert_msg(fabs(f.x[0] - MB_SADDLE[k][0]) < MB_TOL_X &&
                          fabs(f.x[1] - MB_SADDLE[k][1]) < MB_TOL_X,
                      "start %d (%s): landed on (%.6f, %.6f), saddle (%.6f, %.6f)", _i,
                      rot_name[rot], f.x[0], f.x[1], MB_SADDLE[k][0], MB_SADDLE[k][1]);
        ck_assert_msg(fabs(res.energy - MB_SADDLE[k][2]) < MB_TOL_E, "energy %.8f vs %.8f",
                      res.energy, MB_SADDLE[k][2]);
        ck_assert(res.curvature < 0);
        ck_assert_uint_eq(res.calls, f.o.calls);
        /* the Hessian there: exactly one negative eigenvalue, and the dimer
         * mode is its eigenvector */
        pesx_vib v;
        ck_assert_uint_eq(vib_at(&f, a, 0, &v), 1);
        double ov = fabs(v.mode[0] * mode[0] + v.mode[1] * mode[1]);
        ck_assert_msg(ov > 0.99, "overlap of the dimer mode with the Hessian mode %.4f", ov);
        pesx_vib_release(&v);
        fixture_close(&f);
        pesx_atoms_free(a);
    }
}
END_TEST

/* The start at a minimum: the dimer climbs along the given mode out of the
 * basin (minimum-mode following) and reaches a saddle. */
START_TEST(test_mb_from_minimum)
{
    pesx_atoms *a = mb_atoms(0.6234994049, 0.0280377585);
    fixture f;
    fixture_open(&f, "muller_brown", a);
    f.ao.frozen[2] = 1;
    pesx_dimer_params p;
    pesx_dimer_params_default(&p);
    p.mp.max_step = 0.05;
    p.fnorm = 1e-6;
    double mode[3] = {-1.0, 0.6, 0.0};
    pesx_dimer_result res;
    ck_assert_int_eq(pesx_dimer_search(&f.o, &p, f.x, mode, NULL, NULL, &res), PESX_OK);
    ck_assert(fabs(f.x[0] - MB_SADDLE[1][0]) < MB_TOL_X &&
              fabs(f.x[1] - MB_SADDLE[1][1]) < MB_TOL_X);
    /* and a push along -+mode relaxes to the two minima it connects */
    double xm[3], xp[3];
    pesx_dimer_connection c;
    pesx_converge cv;
    pesx_converge_default(&cv);
    cv.fmax = 1e-5;
    pesx_minimizer_params mp;
    pesx_minimizer_params_default(&mp);
    mp.max_step = 0.05;
    ck_assert_int_eq(pesx_dimer_connect(&f.o, f.x, mode, 0.02, &pesx_minimizer_lbfgs, &mp, &cv,
                                        xm, xp, &c), PESX_OK);
    double lo = fmin(c.em, c.ep), hi = fmax(c.em, c.ep);
    ck_assert_msg(fabs(lo - (-108.1667241169)) < 1e-6 && fabs(hi - (-80.7678181297)) < 1e-6,
                  "connected minima %.8f %.8f", c.em, c.ep);
    fixture_close(&f);
    pesx_atoms_free(a);
}
END_TEST

START_TEST(test_zero_mode)
{
    pesx_atoms *a = mb_atoms(-0.7, 0.5);
    fixture f;
    fixture_open(&f, "muller_brown", a);
    f.ao.frozen[2] = 1;
    pesx_dimer_params p;
    pesx_dimer_params_default(&p);
    double mode[3] = {0.0, 0.0, 1.0}; /* only along the frozen z */
    pesx_dimer_result res;
    ck_assert_int_eq(pesx_dimer_search(&f.o, &p, f.x, mode, NULL, NULL, &res), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "zero"));
    ck_assert_uint_eq(f.o.calls, 0);
    fixture_close(&f);
    pesx_atoms_free(a);
}
END_TEST

/* ---- lowest mode alone ------------------------------------------------- */

static int overlap_cb(void *data, size_t step, const double *x, const double *mode, double e,
                      double c, double fnorm, size_t calls)
{
    const double *exact = data;
    return fabs(exact[0] * mode[0] + exact[1] * mode[1]) > 0.999;
}

START_TEST(test_mb_lowest_mode)
{
    pesx_atoms *a = mb_atoms(MB_SADDLE[0][0], MB_SADDLE[0][1]);
    fixture f;
    fixture_open(&f, "muller_brown", a);
    f.ao.frozen[2] = 1;
    pesx_vib v;
    ck_assert_uint_eq(vib_at(&f, a, 0, &v), 1);
    double exact[3] = {v.mode[0], v.mode[1], 0};
    pesx_dimer_params p;
    pesx_dimer_params_default(&p);
    p.rot_angle = 0.1 * M_PI / 180;
    p.separation = 1e-4; /* forward differences: curvature error O(separation) */
    int rots[] = {PESX_DIMER_ROT_LBFGS, PESX_DIMER_ROT_CG, PESX_DIMER_ROT_DAVIDSON};
    for (int rot = 0; rot < 3; rot++) {
        p.rotation = rots[rot];
        double mode[3] = {-exact[1] + 0.1 * exact[0], exact[0] + 0.1 * exact[1], 0};
        pesx_dimer_result res;
        ck_assert_int_eq(pesx_dimer_lowest_mode(&f.o, &p, f.x, mode, overlap_cb, exact, &res),
                         PESX_OK);
        ck_assert_msg(fabs(mode[0] * exact[0] + mode[1] * exact[1]) > 0.999, "overlap %g",
                      fabs(mode[0] * exact[0] + mode[1] * exact[1]));
        ck_assert_rel(res.curvature, v.eigenvalue[0] * pesx_element_mass(1), 1e-2);
    }
    pesx_vib_release(&v);
    fixture_close(&f);
    pesx_atoms_free(a);
}
END_TEST

/* ---- LJ7 ------------------------------------------------------------------ */

static pesx_atoms *lj7_minimum(pesx_potential *pot)
{
    pesx_atoms *a = pesx_atoms_alloc(7);
    double R = 0.953, h = 0.588;
    for (int i = 0; i < 5; i++) {
        a->x[3 * i] = R * cos(2 * M_PI * i / 5);
        a->x[3 * i + 1] = R * sin(2 * M_PI * i / 5);
        a->x[3 * i + 2] = 0.0;
    }
    a->x[15 + 2] = h;
    a->x[18 + 2] = -h;
    for (int i = 0; i < 7; i++)
        a->z[i] = 18;
    pesx_atoms_objective ao;
    pesx_objective o;
    ck_assert_int_eq(pesx_atoms_objective_init(&ao, &o, pot, a), PESX_OK);
    pesx_converge c;
    pesx_converge_default(&c);
    c.fmax = 1e-8;
    pesx_minimize_result r;
    ck_assert_int_eq(pesx_minimize(&o, &pesx_minimizer_lbfgs, NULL, &c, a->x, NULL, NULL, &r),
                     PESX_OK);
    ck_assert_rel(r.energy, -16.505384, 1e-6); /* LJ7 global minimum (Wales & Doye 1997) */
    pesx_atoms_objective_release(&ao);
    return a;
}

START_TEST(test_lj7_saddle)
{
    pesx_potential *pot = pesx_potential_open("lj:epsilon=1,sigma=1");
    ck_assert_ptr_nonnull(pot);
    pesx_atoms *a = lj7_minimum(pot);
    pesx_potential_free(pot);
    fixture f;
    fixture_open(&f, "lj:epsilon=1,sigma=1", a);
    pesx_dimer_params p;
    pesx_dimer_params_default(&p);
    pesx_dimer_params_auto(&p, a);
    ck_assert(p.remove_translation && p.remove_rotation);
    p.rotation = _i;
    p.fnorm = 1e-5;
    p.mp.max_step = 0.1;
    /* slide a cap atom sideways over the ring: the mode is the displacement */
    pesx_rng rng;
    pesx_rng_seed(&rng, 7);
    double mode[21] = {0};
    for (int k = 0; k < 2; k++)
        mode[15 + k] = 0.05 * pesx_rng_normal(&rng);
    mode[15] += 0.3;
    for (int k = 0; k < 21; k++)
        f.x[k] += mode[k];
    pesx_dimer_result res;
    int st = pesx_dimer_search(&f.o, &p, f.x, mode, NULL, NULL, &res);
    ck_assert_msg(st == PESX_OK, "%s", pesx_error_last()->msg);
    ck_assert(res.energy > -16.505384 + 1e-3);
    /* the mode carries no rigid translation or rotation */
    double t[3] = {0, 0, 0};
    for (int i = 0; i < 7; i++)
        for (int k = 0; k < 3; k++)
            t[k] += mode[3 * i + k];
    ck_assert(fabs(t[0]) < 1e-10 && fabs(t[1]) < 1e-10 && fabs(t[2]) < 1e-10);
    /* nor rigid rotation: sum over atoms of (r_i - centre) x mode_i vanishes
     * (the projection is made at the start of the last step, so up to the
     * rotation of the frame during that step) */
    double c[3] = {0, 0, 0}, L[3] = {0, 0, 0};
    for (int i = 0; i < 7; i++)
        for (int k = 0; k < 3; k++)
            c[k] += f.x[3 * i + k] / 7.0;
    for (int i = 0; i < 7; i++) {
        double r[3] = {f.x[3 * i] - c[0], f.x[3 * i + 1] - c[1], f.x[3 * i + 2] - c[2]};
        const double *m = mode + 3 * i;
        L[0] += r[1] * m[2] - r[2] * m[1];
        L[1] += r[2] * m[0] - r[0] * m[2];
        L[2] += r[0] * m[1] - r[1] * m[0];
    }
    ck_assert_msg(fabs(L[0]) < 1e-6 && fabs(L[1]) < 1e-6 && fabs(L[2]) < 1e-6,
                  "rotational component of the mode %g %g %g", L[0], L[1], L[2]);
    pesx_vib v;
    ck_assert_uint_eq(vib_at(&f, a, 1, &v), 1);
    ck_assert_uint_eq(v.n_removed, 6);
    ck_assert_uint_eq(v.n, 15);
    ck_assert_uint_eq(v.n_zero, 0);
    pesx_vib_release(&v);
    fixture_close(&f);
    pesx_atoms_free(a);
}
END_TEST

/* ---- frequencies of a harmonic system ---------------------------------- */

/* A Morse diatomic at r0: omega = alpha sqrt(2 D / mu). */
START_TEST(test_diatomic_frequency)
{
    const double D = 4.7, alpha = 1.9, r0 = 0.74;
    pesx_atoms *a = pesx_atoms_alloc(2);
    a->z[0] = 1;
    a->z[1] = 8;
    a->x[3] = 0.3 * r0;
    a->x[4] = 0.4 * r0;
    a->x[5] = sqrt(1 - 0.09 - 0.16) * r0;
    fixture f;
    fixture_open(&f, "morse:D=4.7,alpha=1.9,r0=0.74", a);
    double m1 = pesx_element_mass(1), m2 = pesx_element_mass(8), mu = m1 * m2 / (m1 + m2);
    double expect = alpha * sqrt(2 * D / mu) * pesx_vib_cm_factor();
    ck_assert(expect > 3000 && expect < 4000);
    pesx_vib v;
    ck_assert_uint_eq(vib_at(&f, a, 1, &v), 0);
    ck_assert_uint_eq(v.n_removed, 5); /* linear: 3 translations, 2 rotations */
    ck_assert_uint_eq(v.n, 1);
    ck_assert_rel(v.freq[0], expect, 1e-5);
    pesx_vib_release(&v);
    /* without projection: five zero modes and the stretch */
    ck_assert_uint_eq(vib_at(&f, a, 0, &v), 0);
    ck_assert_uint_eq(v.n, 6);
    ck_assert_uint_eq(v.n_zero, 5);
    ck_assert_rel(v.freq[5], expect, 1e-5);
    pesx_vib_release(&v);
    fixture_close(&f);
    pesx_atoms_free(a);
}
END_TEST

/* The conversion factor: sqrt(eV / (A^2 amu)) = 521.47 cm^-1. */
START_TEST(test_cm_factor)
{
    ck_assert_rel(pesx_vib_cm_factor(), 521.4708, 1e-5);
}
END_TEST

START_TEST(test_htst)
{
    double fm[3] = {100, 200, 300}, fs[3] = {-50, 150, 400};
    pesx_vib vm = {0}, vs = {0};
    vm.n = vs.n = 3;
    vm.freq = fm;
    vs.freq = fs;
    vs.n_negative = 1;
    double pre, rate;
    ck_assert_int_eq(pesx_htst_rate(&vm, &vs, 0.5, 300, &pre, &rate), PESX_OK);
    double expect = 100.0 * 200 * 300 / (150.0 * 400) * PESX_C_CM_S;
    ck_assert_rel(pre, expect, 1e-12);
    ck_assert_rel(rate, expect * exp(-0.5 / (PESX_KB_EV * 300)), 1e-12);
    vs.n_negative = 2;
    ck_assert_int_eq(pesx_htst_rate(&vm, &vs, 0.5, 300, &pre, &rate), PESX_EINVAL);
}
END_TEST

static Suite *dimer_suite(void)
{
    Suite *s = suite_create("dimer");
    TCase *tc = tcase_create("muller_brown");
    tcase_add_loop_test(tc, test_mb_saddles, 0, (int)(sizeof MB_START / sizeof MB_START[0]));
    tcase_add_test(tc, test_mb_from_minimum);
    tcase_add_test(tc, test_mb_lowest_mode);
    tcase_add_test(tc, test_zero_mode);
    suite_add_tcase(s, tc);
    tc = tcase_create("clusters");
    tcase_add_loop_test(tc, test_lj7_saddle, 0, 3);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    tc = tcase_create("vib");
    tcase_add_test(tc, test_diatomic_frequency);
    tcase_add_test(tc, test_cm_factor);
    tcase_add_test(tc, test_htst);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    gsl_set_error_handler_off();
    return tu_run_suite(dimer_suite());
}
