/* Check suite of the opt module: objectives, the minimizer registry and
 * every registered minimizer on analytic surfaces with known minima
 * (quadratic, Rosenbrock, Mueller-Brown, LJ7, LJ13), frozen atoms, the
 * step cap, the force measures and the driver's bookkeeping. */
#include <config.h>
#include "testutil.h"

#include <pesx/io.h>
#include <pesx/opt.h>
#include "opt/opt_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- analytic objectives ------------------------------------------------ */

/* f = 1/2 sum k_i (x_i - c_i)^2 plus a coupling c (x_0 - x_1)^2, positive
 * definite; minimum at c with f = 0. */
#define QN 6
static const double quad_k[QN] = {1.0, 3.0, 10.0, 0.5, 7.0, 2.0};
static const double quad_c[QN] = {0.3, -1.2, 0.7, 2.0, -0.4, 1.1};

static int quad_eval(void *ctx, const double *x, double *e, double *g)
{
    double d01;
    (void)ctx;
    *e = 0.0;
    for (int i = 0; i < QN; i++) {
        double d = x[i] - quad_c[i];
        *e += 0.5 * quad_k[i] * d * d;
        g[i] = quad_k[i] * d;
    }
    d01 = (x[0] - quad_c[0]) - (x[1] - quad_c[1]);
    *e += 2.0 * d01 * d01;
    g[0] += 4.0 * d01;
    g[1] -= 4.0 * d01;
    return PESX_OK;
}

/* Rosenbrock: (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1). */
static int rosen_eval(void *ctx, const double *x, double *e, double *g)
{
    double a = 1.0 - x[0], b = x[1] - x[0] * x[0];
    (void)ctx;
    *e = a * a + 100.0 * b * b;
    g[0] = -2.0 * a - 400.0 * x[0] * b;
    g[1] = 200.0 * b;
    return PESX_OK;
}

/* Counts calls and turns non-finite after `bad_after` of them. */
typedef struct {
    size_t calls, bad_after;
    int bad_energy; /* 1: NaN energy, 0: NaN gradient */
} bad_ctx;

static int bad_eval(void *ctx, const double *x, double *e, double *g)
{
    bad_ctx *b = ctx;
    quad_eval(NULL, x, e, g);
    if (++b->calls > b->bad_after) {
        if (b->bad_energy)
            *e = NAN;
        else
            g[2] = NAN;
    }
    return PESX_OK;
}

static void objective_set(pesx_objective *o, size_t n, pesx_objective_fn f, void *ctx,
                          size_t group)
{
    memset(o, 0, sizeof *o);
    o->n = n;
    o->eval = f;
    o->ctx = ctx;
    o->group = group;
}

/* ---- structures --------------------------------------------------------- */

static pesx_atoms *cluster_alloc(size_t n, const double *x)
{
    pesx_atoms *a = pesx_atoms_alloc(n);
    ck_assert_ptr_nonnull(a);
    for (size_t i = 0; i < n; i++)
        a->z[i] = 18;
    memcpy(a->x, x, 3 * n * sizeof *x);
    return a;
}

/* LJ7 pentagonal bipyramid and LJ13 icosahedron near their minima
 * (nearest-neighbour distances about 2^(1/6) sigma), then displaced by
 * uniform noise in [-amp, amp] from a fixed seed. */
static void lj7_start(double *x, double amp, unsigned long long seed)
{
    const double R = 1.12 / (2.0 * sin(M_PI / 5.0));
    const double h = sqrt(1.12 * 1.12 - R * R);
    pesx_rng rng;
    for (int k = 0; k < 5; k++) {
        x[3 * k] = R * cos(2.0 * M_PI * k / 5.0);
        x[3 * k + 1] = R * sin(2.0 * M_PI * k / 5.0);
        x[3 * k + 2] = 0.0;
    }
    x[15] = x[16] = 0.0;
    x[17] = h;
    x[18] = x[19] = 0.0;
    x[20] = -h;
    pesx_rng_seed(&rng, seed);
    for (int i = 0; i < 21; i++)
        x[i] += amp * (2.0 * pesx_rng_uniform(&rng) - 1.0);
}

static void lj13_start(double *x, double amp, unsigned long long seed)
{
    const double phi = 0.5 * (1.0 + sqrt(5.0));
    const double s = 1.09 / sqrt(1.0 + phi * phi); /* centre-vertex 1.09 sigma */
    const double v[12][3] = {{0, 1, phi},  {0, -1, phi},  {0, 1, -phi},  {0, -1, -phi},
                             {1, phi, 0},  {-1, phi, 0},  {1, -phi, 0},  {-1, -phi, 0},
                             {phi, 0, 1},  {-phi, 0, 1},  {phi, 0, -1},  {-phi, 0, -1}};
    pesx_rng rng;
    x[0] = x[1] = x[2] = 0.0;
    for (int i = 0; i < 12; i++)
        for (int k = 0; k < 3; k++)
            x[3 * (i + 1) + k] = s * v[i][k];
    pesx_rng_seed(&rng, seed);
    for (int i = 0; i < 39; i++)
        x[i] += amp * (2.0 * pesx_rng_uniform(&rng) - 1.0);
}

#define LJ_SPEC "lj:epsilon=1,sigma=1,rc=inf"
/* Global minima, Wales & Doye, J. Phys. Chem. A 101, 5111 (1997). */
#define LJ7_EMIN (-16.505384)
#define LJ13_EMIN (-44.326801)

/* ---- a callback that records the largest per-atom step ----------------- */

typedef struct {
    size_t n, group, calls;
    double *xprev;
    double max_move;
    double last_e, last_fmax, last_fnorm;
    size_t last_step;
    size_t stop_at; /* return 99 at this step when nonzero */
} watch;

static void watch_init(watch *w, size_t n, size_t group)
{
    memset(w, 0, sizeof *w);
    w->n = n;
    w->group = group;
    w->xprev = calloc(n, sizeof *w->xprev);
    ck_assert_ptr_nonnull(w->xprev);
}

static int watch_cb(void *data, size_t step, const double *x, double energy, const double *g,
                    double fmax, double fnorm)
{
    watch *w = data;
    (void)g;
    if (w->calls > 0) {
        ck_assert_uint_eq(step, w->last_step + 1);
        for (size_t a = 0; a < w->n; a += w->group) {
            double s = 0.0;
            for (size_t k = a; k < a + w->group; k++)
                s += (x[k] - w->xprev[k]) * (x[k] - w->xprev[k]);
            if (sqrt(s) > w->max_move)
                w->max_move = sqrt(s);
        }
    } else {
        ck_assert_uint_eq(step, 0);
    }
    memcpy(w->xprev, x, w->n * sizeof *x);
    w->calls++;
    w->last_step = step;
    w->last_e = energy;
    w->last_fmax = fmax;
    w->last_fnorm = fnorm;
    if (w->stop_at && step == w->stop_at)
        return 99;
    return PESX_OK;
}

/* ---- registry ----------------------------------------------------------- */

static size_t n_types(void)
{
    size_t n = 0;
    while (pesx_minimizer_types()[n])
        n++;
    return n;
}

START_TEST(test_registry)
{
    const pesx_minimizer_type *const *t = pesx_minimizer_types();
    ck_assert_uint_ge(n_types(), 2);
    for (size_t i = 0; t[i]; i++) {
        ck_assert_ptr_eq(pesx_minimizer_type_lookup(t[i]->name), t[i]);
        ck_assert_ptr_nonnull(t[i]->summary);
        ck_assert_ptr_nonnull(t[i]->init);
        ck_assert_ptr_nonnull(t[i]->step);
    }
    ck_assert_ptr_eq(pesx_minimizer_type_lookup("lbfgs"), &pesx_minimizer_lbfgs);
    ck_assert_ptr_eq(pesx_minimizer_type_lookup("fire"), &pesx_minimizer_fire);
    pesx_error_clear();
    ck_assert_ptr_null(pesx_minimizer_type_lookup("bfgs-typo"));
    ck_assert_int_eq(pesx_error_last()->code, PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "bfgs-typo"));
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "lbfgs"));
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "fire"));
    ck_assert_ptr_null(pesx_minimizer_type_lookup(NULL));
}
END_TEST

START_TEST(test_defaults)
{
    pesx_minimizer_params p;
    pesx_converge c;
    pesx_minimizer_params_default(&p);
    ck_assert_double_eq(p.max_step, 0.2);
    ck_assert_double_eq(p.dt, 0.1);
    ck_assert_double_eq(p.dt_max, 1.0);
    ck_assert_uint_eq(p.n_min, 5);
    ck_assert_double_eq(p.f_inc, 1.1);
    ck_assert_double_eq(p.f_dec, 0.5);
    ck_assert_double_eq(p.alpha_start, 0.1);
    ck_assert_double_eq(p.f_alpha, 0.99);
    ck_assert_int_eq(p.energy_check, 0);
    ck_assert_int_eq(p.precon, PESX_PRECON_AUTO);
    ck_assert_ptr_null(p.precon_atoms);
    ck_assert_double_eq(p.precon_A, 3.0);
    ck_assert_double_eq(p.precon_rcut, 2.0);
    ck_assert_double_eq(p.precon_c_stab, 0.1);
    ck_assert_double_eq(p.precon_r_nn, 0.0);
    pesx_converge_default(&c);
    ck_assert_double_eq(c.fmax, 0.01);
    ck_assert_double_eq(c.fnorm, 0.0);
    ck_assert_uint_eq(c.max_steps, 1000);
}
END_TEST

START_TEST(test_converge_test)
{
    pesx_converge c = {0.01, 0.0, 10};
    ck_assert_int_eq(pesx_converge_test(&c, 0.009, 100.0), 1);
    ck_assert_int_eq(pesx_converge_test(&c, 0.01, 0.0), 0);
    c.fnorm = 0.05; /* both enabled: both must hold */
    ck_assert_int_eq(pesx_converge_test(&c, 0.009, 0.06), 0);
    ck_assert_int_eq(pesx_converge_test(&c, 0.02, 0.04), 0);
    ck_assert_int_eq(pesx_converge_test(&c, 0.009, 0.04), 1);
    c.fmax = 0.0; /* only the norm */
    ck_assert_int_eq(pesx_converge_test(&c, 5.0, 0.04), 1);
    ck_assert_int_eq(pesx_converge_test(&c, 5.0, NAN), 0);
    c.fnorm = 0.0; /* nothing enabled: never converged */
    ck_assert_int_eq(pesx_converge_test(&c, 0.0, 0.0), 0);
}
END_TEST

START_TEST(test_bad_params)
{
    pesx_minimizer_params p;
    pesx_minimizer_params_default(&p);
    p.max_step = -1.0;
    ck_assert_ptr_null(pesx_minimizer_alloc(&pesx_minimizer_lbfgs, 3, &p));
    ck_assert_int_eq(pesx_error_last()->code, PESX_EINVAL);
    pesx_minimizer_params_default(&p);
    p.dt = 2.0; /* > dt_max */
    ck_assert_ptr_null(pesx_minimizer_alloc(&pesx_minimizer_fire, 3, &p));
    pesx_minimizer_params_default(&p);
    p.h0 = -1.0;
    ck_assert_ptr_null(pesx_minimizer_alloc(&pesx_minimizer_lbfgs, 3, &p));
    ck_assert_ptr_null(pesx_minimizer_alloc(NULL, 3, &p));
    pesx_minimizer_params_default(&p);
    p.precon = 7;
    ck_assert_ptr_null(pesx_minimizer_alloc(&pesx_minimizer_lbfgs, 3, &p));
    p.precon = PESX_PRECON_EXP;
    ck_assert_ptr_null(pesx_minimizer_alloc(&pesx_minimizer_lbfgs, 4, &p)); /* not 3 per atom */
    pesx_minimizer_free(NULL);
}
END_TEST

/* ---- objective ---------------------------------------------------------- */

START_TEST(test_objective_eval)
{
    pesx_objective o;
    unsigned char frozen[QN] = {0, 1, 0, 0, 0, 1};
    double x[QN] = {1, 1, 1, 1, 1, 1}, g[QN], gref[QN], e, eref;
    bad_ctx b = {0, 1, 0};
    objective_set(&o, QN, quad_eval, NULL, 3);
    o.frozen = frozen;
    ck_assert_int_eq(pesx_objective_eval(&o, x, &e, g), PESX_OK);
    quad_eval(NULL, x, &eref, gref);
    ck_assert_double_eq(e, eref);
    for (int i = 0; i < QN; i++)
        ck_assert_double_eq(g[i], frozen[i] ? 0.0 : gref[i]);
    ck_assert_uint_eq(o.calls, 1);
    /* fmax and fnorm over free coordinates, per group of 3 */
    {
        double a0 = sqrt(gref[0] * gref[0] + gref[2] * gref[2]);
        double a1 = sqrt(gref[3] * gref[3] + gref[4] * gref[4]);
        ck_assert_double_eq_tol(pesx_objective_fmax(&o, g), fmax(a0, a1), 1e-15);
        ck_assert_double_eq_tol(pesx_objective_fnorm(&o, g), sqrt(a0 * a0 + a1 * a1), 1e-15);
        o.group = 1;
        ck_assert_double_eq_tol(pesx_objective_fmax(&o, g),
                                fmax(fmax(fabs(gref[0]), fabs(gref[2])),
                                     fmax(fabs(gref[3]), fabs(gref[4]))),
                                1e-15);
    }
    /* a non-finite gradient or energy is an error, and still a call */
    objective_set(&o, QN, bad_eval, &b, 3);
    ck_assert_int_eq(pesx_objective_eval(&o, x, &e, g), PESX_OK);
    ck_assert_int_eq(pesx_objective_eval(&o, x, &e, g), PESX_EFAILED);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "gradient"));
    ck_assert_uint_eq(o.calls, 2);
    b.bad_energy = 1;
    ck_assert_int_eq(pesx_objective_eval(&o, x, &e, g), PESX_EFAILED);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "energy"));
    /* a frozen NaN component is ignored (frozen gradient is zeroed) */
    b.bad_energy = 0;
    frozen[2] = 1;
    o.frozen = frozen;
    ck_assert_int_eq(pesx_objective_eval(&o, x, &e, g), PESX_OK);
    ck_assert_double_eq(g[2], 0.0);
}
END_TEST

/* The adapter: energy and gradient = -forces of the potential, checked by
 * central finite differences of the objective's own energy. */
START_TEST(test_atoms_objective)
{
    double x[21], g[21], e, gp[21], ep, em;
    pesx_potential *p = pesx_potential_open(LJ_SPEC);
    pesx_atoms *a;
    pesx_atoms_objective ao;
    pesx_objective o;
    ck_assert_msg(p != NULL, "%s", pesx_error_last()->msg);
    lj7_start(x, 0.1, 7);
    a = cluster_alloc(7, x);
    a->fixed[3] = 1;
    ck_assert_int_eq(pesx_atoms_objective_init(&ao, &o, p, a), PESX_OK);
    ck_assert_uint_eq(o.n, 21);
    ck_assert_uint_eq(o.group, 3);
    ck_assert_uint_eq(o.calls, 0);
    for (int k = 0; k < 21; k++)
        ck_assert_int_eq(o.frozen[k], k / 3 == 3);
    ck_assert_int_eq(pesx_objective_eval(&o, x, &e, g), PESX_OK);
    ck_assert_double_eq(e, ao.energy);
    for (int k = 0; k < 21; k++) {
        if (k / 3 == 3) {
            ck_assert_double_eq(g[k], 0.0);
            ck_assert_double_ne(ao.forces[k], 0.0); /* the potential's force is kept */
        } else {
            ck_assert_double_eq(g[k], -ao.forces[k]);
        }
    }
    for (int k = 0; k < 21; k++) {
        double h = 1e-5, xk = x[k];
        if (k / 3 == 3)
            continue;
        x[k] = xk + h;
        ck_assert_int_eq(pesx_objective_eval(&o, x, &ep, gp), PESX_OK);
        x[k] = xk - h;
        ck_assert_int_eq(pesx_objective_eval(&o, x, &em, gp), PESX_OK);
        x[k] = xk;
        ck_assert_double_eq_tol(g[k], (ep - em) / (2 * h), 1e-6 * fmax(1.0, fabs(g[k])));
    }
    ck_assert_uint_eq(o.calls, 1 + 2 * 18);
    /* the caller's structure is untouched; the copy follows x */
    x[0] += 0.5;
    ck_assert_int_eq(pesx_objective_eval(&o, x, &e, g), PESX_OK);
    ck_assert_double_eq(ao.atoms->x[0], x[0]);
    ck_assert_double_ne(a->x[0], x[0]);
    pesx_atoms_objective_release(&ao);
    pesx_atoms_objective_release(&ao); /* twice is harmless */
    pesx_atoms_free(a);
    pesx_potential_free(p);
}
END_TEST

/* ---- every minimizer on analytic surfaces ------------------------------ */

static const pesx_minimizer_type *type_at(int i)
{
    const pesx_minimizer_type *T = pesx_minimizer_types()[i];
    ck_assert_ptr_nonnull(T);
    return T;
}

START_TEST(test_quadratic)
{
    const pesx_minimizer_type *T = type_at(_i);
    pesx_objective o;
    pesx_minimizer_params mp;
    pesx_converge c = {1e-9, 0.0, 5000};
    pesx_minimize_result r;
    double x[QN] = {0};
    watch w;
    int st;
    objective_set(&o, QN, quad_eval, NULL, 3);
    pesx_minimizer_params_default(&mp);
    watch_init(&w, QN, 3);
    st = pesx_minimize(&o, T, &mp, &c, x, watch_cb, &w, &r);
    ck_assert_msg(st == PESX_OK, "%s: %s", T->name, pesx_error_last()->msg);
    ck_assert_int_eq(r.converged, 1);
    for (int i = 0; i < QN; i++)
        ck_assert_double_eq_tol(x[i], quad_c[i], 1e-8);
    ck_assert_double_le(r.energy, 1e-15);
    ck_assert_double_lt(r.fmax, 1e-9);
    /* bookkeeping: calls = steps + 1 = callbacks = objective calls */
    ck_assert_uint_eq(r.calls, r.steps + 1);
    ck_assert_uint_eq(r.calls, w.calls);
    ck_assert_uint_eq(r.calls, o.calls);
    ck_assert_double_le(w.max_move, mp.max_step * (1 + 1e-12));
    if (T == &pesx_minimizer_lbfgs)
        ck_assert_uint_le(r.calls, 30); /* quasi-Newton on a 6-d quadratic */
    free(w.xprev);
}
END_TEST

START_TEST(test_rosenbrock)
{
    const pesx_minimizer_type *T = type_at(_i);
    pesx_objective o;
    pesx_minimizer_params mp;
    pesx_converge c = {1e-8, 0.0, 50000};
    pesx_minimize_result r;
    double x[2] = {-1.2, 1.0};
    int st;
    objective_set(&o, 2, rosen_eval, NULL, 2);
    pesx_minimizer_params_default(&mp);
    mp.max_step = 0.1;
    mp.dt = 0.002; /* curvature up to ~1000 */
    mp.dt_max = 0.004;
    st = pesx_minimize(&o, T, &mp, &c, x, NULL, NULL, &r);
    ck_assert_msg(st == PESX_OK, "%s: %s", T->name, pesx_error_last()->msg);
    ck_assert_double_eq_tol(x[0], 1.0, 1e-7);
    ck_assert_double_eq_tol(x[1], 1.0, 2e-7);
    ck_assert_double_lt(r.energy, 1e-14);
    if (T == &pesx_minimizer_lbfgs)
        ck_assert_uint_le(r.calls, 200);
}
END_TEST

/* Mueller-Brown through the atoms adapter: from points near each minimum
 * to the published minima (Mueller & Brown 1979). */
START_TEST(test_muller_brown)
{
    static const double mins[3][3] = {
        {-0.558, 1.442, -146.70}, {0.623, 0.028, -108.17}, {-0.050, 0.467, -80.77}};
    static const double off[3][2] = {{0.15, -0.1}, {-0.12, 0.1}, {0.05, -0.06}};
    const pesx_minimizer_type *T = type_at(_i);
    pesx_potential *p = pesx_potential_open("muller_brown");
    ck_assert_msg(p != NULL, "%s", pesx_error_last()->msg);
    for (int m = 0; m < 3; m++) {
        double x0[3] = {mins[m][0] + off[m][0], mins[m][1] + off[m][1], 0.0};
        pesx_atoms *a = cluster_alloc(1, x0);
        pesx_atoms_objective ao;
        pesx_objective o;
        pesx_minimizer_params mp;
        pesx_converge c = {1e-6, 0.0, 20000};
        pesx_minimize_result r;
        double x[3];
        int st;
        memcpy(x, x0, sizeof x);
        ck_assert_int_eq(pesx_atoms_objective_init(&ao, &o, p, a), PESX_OK);
        pesx_minimizer_params_default(&mp);
        mp.max_step = 0.05;
        mp.h0 = 1e-3;     /* curvatures up to ~1e4 */
        mp.dt = 0.005;
        mp.dt_max = 0.01;
        st = pesx_minimize(&o, T, &mp, &c, x, NULL, NULL, &r);
        ck_assert_msg(st == PESX_OK, "%s minimum %d: %s", T->name, m, pesx_error_last()->msg);
        ck_assert_double_eq_tol(x[0], mins[m][0], 1.5e-3);
        ck_assert_double_eq_tol(x[1], mins[m][1], 1.5e-3);
        ck_assert_double_eq(x[2], 0.0);
        ck_assert_double_eq_tol(r.energy, mins[m][2], 0.01);
        pesx_atoms_objective_release(&ao);
        pesx_atoms_free(a);
    }
    pesx_potential_free(p);
}
END_TEST

static void relax_cluster_params(const pesx_minimizer_type *T, const pesx_minimizer_params *mp0,
                                 size_t n, double *x, double emin)
{
    pesx_potential *p = pesx_potential_open(LJ_SPEC);
    pesx_atoms *a;
    pesx_atoms_objective ao;
    pesx_objective o;
    pesx_minimizer_params mp;
    pesx_converge c = {1e-6, 0.0, 20000};
    pesx_minimize_result r;
    watch w;
    double g[39], e;
    int st;
    ck_assert_msg(p != NULL, "%s", pesx_error_last()->msg);
    a = cluster_alloc(n, x);
    ck_assert_int_eq(pesx_atoms_objective_init(&ao, &o, p, a), PESX_OK);
    mp = *mp0;
    watch_init(&w, 3 * n, 3);
    st = pesx_minimize(&o, T, &mp, &c, x, watch_cb, &w, &r);
    ck_assert_msg(st == PESX_OK, "%s LJ%zu: %s", T->name, n, pesx_error_last()->msg);
    ck_assert_double_eq_tol(r.energy, emin, 2e-6);
    ck_assert_double_le(w.max_move, mp.max_step * (1 + 1e-12));
    ck_assert_uint_eq(r.calls, w.calls);
    ck_assert_uint_eq(r.calls, o.calls);
    ck_assert_uint_eq(r.calls, pesx_potential_calls(p));
    /* the reported figures are those of the returned point */
    ck_assert_int_eq(pesx_objective_eval(&o, x, &e, g), PESX_OK);
    ck_assert_double_eq(e, r.energy);
    ck_assert_double_eq(pesx_objective_fmax(&o, g), r.fmax);
    ck_assert_double_eq(pesx_objective_fnorm(&o, g), r.fnorm);
    ck_assert_double_eq(w.last_e, r.energy);
    ck_assert_double_eq(w.last_fmax, r.fmax);
    ck_assert_double_eq(w.last_fnorm, r.fnorm);
    free(w.xprev);
    pesx_atoms_objective_release(&ao);
    pesx_atoms_free(a);
    pesx_potential_free(p);
}

static void relax_cluster(const pesx_minimizer_type *T, size_t n, double *x, double emin)
{
    pesx_minimizer_params mp;
    pesx_minimizer_params_default(&mp);
    relax_cluster_params(T, &mp, n, x, emin);
}

START_TEST(test_lj7)
{
    double x[21];
    lj7_start(x, 0.08, 11);
    relax_cluster(type_at(_i), 7, x, LJ7_EMIN);
}
END_TEST

START_TEST(test_lj13)
{
    double x[39];
    lj13_start(x, 0.08, 13);
    relax_cluster(type_at(_i), 13, x, LJ13_EMIN);
}
END_TEST

/* Frozen atoms keep their coordinates bit for bit; the free ones relax. */
START_TEST(test_frozen)
{
    const pesx_minimizer_type *T = type_at(_i);
    pesx_potential *p = pesx_potential_open(LJ_SPEC);
    double x[39], x0[39];
    pesx_atoms *a;
    pesx_atoms_objective ao;
    pesx_objective o;
    pesx_converge c = {1e-5, 0.0, 20000};
    pesx_minimize_result r;
    int st;
    lj13_start(x, 0.15, 5);
    memcpy(x0, x, sizeof x);
    a = cluster_alloc(13, x);
    a->fixed[0] = a->fixed[4] = a->fixed[9] = 1;
    ck_assert_int_eq(pesx_atoms_objective_init(&ao, &o, p, a), PESX_OK);
    st = pesx_minimize(&o, T, NULL, &c, x, NULL, NULL, &r);
    ck_assert_msg(st == PESX_OK, "%s: %s", T->name, pesx_error_last()->msg);
    for (int i = 0; i < 13; i++) {
        double d = 0.0;
        for (int k = 0; k < 3; k++)
            d += fabs(x[3 * i + k] - x0[3 * i + k]);
        if (a->fixed[i])
            ck_assert_msg(d == 0.0, "frozen atom %d moved by %g", i, d);
        else
            ck_assert_double_gt(d, 0.0);
    }
    ck_assert_double_lt(r.fmax, 1e-5);
    /* with atoms held, the energy is above the global minimum */
    ck_assert_double_gt(r.energy, LJ13_EMIN);
    pesx_atoms_objective_release(&ao);
    pesx_atoms_free(a);
    pesx_potential_free(p);
}
END_TEST

/* From a compressed start the forces are huge; every step still moves no
 * atom more than max_step (per group of 3, and of 2 on a 2-d objective). */
START_TEST(test_max_step)
{
    const pesx_minimizer_type *T = type_at(_i);
    pesx_potential *p = pesx_potential_open(LJ_SPEC);
    double x[39];
    pesx_atoms *a;
    pesx_atoms_objective ao;
    pesx_objective o;
    pesx_minimizer_params mp;
    pesx_converge c = {1e-3, 0.0, 60};
    pesx_minimize_result r;
    watch w;
    lj13_start(x, 0.0, 1);
    for (int i = 0; i < 39; i++)
        x[i] *= 0.6;
    a = cluster_alloc(13, x);
    ck_assert_int_eq(pesx_atoms_objective_init(&ao, &o, p, a), PESX_OK);
    for (int k = 0; k < 2; k++) {
        pesx_minimizer_params_default(&mp);
        mp.max_step = k ? 0.05 : 0.13;
        memcpy(x, a->x, sizeof x);
        watch_init(&w, 39, 3);
        pesx_minimize(&o, T, &mp, &c, x, watch_cb, &w, &r);
        ck_assert_uint_ge(w.calls, 10);
        ck_assert_double_le(w.max_move, mp.max_step * (1 + 1e-12));
        ck_assert_double_ge(w.max_move, mp.max_step * (1 - 1e-12)); /* the cap was hit */
        free(w.xprev);
    }
    pesx_atoms_objective_release(&ao);
    pesx_atoms_free(a);
    pesx_potential_free(p);
    {
        /* the front end on its own: a group of 2, frozen coordinates */
        pesx_minimizer *m;
        double x2[4] = {0, 0, 5, 5}, g2[4] = {300, 400, -1, 0}, dx[4];
        unsigned char fr[4] = {0, 0, 0, 1};
        pesx_minimizer_params_default(&mp);
        mp.max_step = 0.2;
        m = pesx_minimizer_alloc(T, 4, &mp);
        ck_assert_ptr_nonnull(m);
        ck_assert_str_eq(pesx_minimizer_name(m), T->name);
        ck_assert_int_eq(pesx_minimizer_step(m, x2, g2, 0.0, fr, 2, dx), PESX_OK);
        ck_assert_double_eq_tol(hypot(dx[0], dx[1]), 0.2, 1e-12);
        ck_assert_double_eq_tol(dx[1] / dx[0], 4.0 / 3.0, 1e-12); /* direction kept */
        ck_assert_double_lt(dx[0], 0.0);
        ck_assert_double_gt(dx[2], 0.0);
        ck_assert_double_eq(dx[3], 0.0);
        pesx_minimizer_reset(m);
        pesx_minimizer_free(m);
    }
}
END_TEST

/* max_steps runs out: ENOCONV with the figures of the last point. */
START_TEST(test_enoconv)
{
    const pesx_minimizer_type *T = type_at(_i);
    pesx_objective o;
    pesx_converge c = {1e-12, 0.0, 3};
    pesx_minimize_result r;
    double x[2] = {-1.2, 1.0}, g[2], e;
    watch w;
    objective_set(&o, 2, rosen_eval, NULL, 2);
    watch_init(&w, 2, 2);
    ck_assert_int_eq(pesx_minimize(&o, T, NULL, &c, x, watch_cb, &w, &r), PESX_ENOCONV);
    ck_assert_int_eq(pesx_error_last()->code, PESX_ENOCONV);
    ck_assert_int_eq(r.converged, 0);
    ck_assert_uint_eq(r.steps, 3);
    ck_assert_uint_eq(r.calls, 4);
    ck_assert_uint_eq(w.calls, 4);
    rosen_eval(NULL, x, &e, g);
    ck_assert_double_eq(r.energy, e);
    ck_assert_double_eq_tol(r.fnorm, hypot(g[0], g[1]), 1e-12);
    ck_assert_double_eq_tol(r.fmax, hypot(g[0], g[1]), 1e-12);
    /* max_steps = 0: only the first evaluation */
    c.max_steps = 0;
    ck_assert_int_eq(pesx_minimize(&o, T, NULL, &c, x, NULL, NULL, &r), PESX_ENOCONV);
    ck_assert_uint_eq(r.calls, 1);
    ck_assert_uint_eq(r.steps, 0);
    free(w.xprev);
}
END_TEST

/* Already converged at the start: one call, no step. */
START_TEST(test_converged_start)
{
    const pesx_minimizer_type *T = type_at(_i);
    pesx_objective o;
    pesx_minimize_result r;
    double x[QN];
    memcpy(x, quad_c, sizeof x);
    objective_set(&o, QN, quad_eval, NULL, 3);
    ck_assert_int_eq(pesx_minimize(&o, T, NULL, NULL, x, NULL, NULL, &r), PESX_OK);
    ck_assert_uint_eq(r.calls, 1);
    ck_assert_uint_eq(r.steps, 0);
    ck_assert_int_eq(r.converged, 1);
    ck_assert_double_eq(r.fmax, 0.0);
}
END_TEST

/* A callback's non-zero return stops the run with that status. */
START_TEST(test_callback_stop)
{
    const pesx_minimizer_type *T = type_at(_i);
    pesx_objective o;
    pesx_converge c = {1e-12, 0.0, 100};
    pesx_minimize_result r;
    double x[2] = {-1.2, 1.0};
    watch w;
    objective_set(&o, 2, rosen_eval, NULL, 2);
    watch_init(&w, 2, 2);
    w.stop_at = 2;
    ck_assert_int_eq(pesx_minimize(&o, T, NULL, &c, x, watch_cb, &w, &r), 99);
    ck_assert_uint_eq(r.steps, 2);
    ck_assert_uint_eq(r.calls, 3);
    free(w.xprev);
}
END_TEST

/* A NaN from the objective stops the run: EFAILED, and x is left at the
 * last point that evaluated; no step of NaN is ever taken. */
START_TEST(test_nan)
{
    const pesx_minimizer_type *T = type_at(_i);
    for (int kind = 0; kind < 2; kind++) {
        bad_ctx b = {0, 4, kind};
        pesx_objective o;
        pesx_converge c = {1e-12, 0.0, 100};
        pesx_minimize_result r;
        double x[QN] = {0}, e, g[QN];
        watch w;
        objective_set(&o, QN, bad_eval, &b, 3);
        watch_init(&w, QN, 3);
        ck_assert_int_eq(pesx_minimize(&o, T, NULL, &c, x, watch_cb, &w, &r), PESX_EFAILED);
        ck_assert_uint_eq(r.calls, 5);
        ck_assert_uint_eq(w.calls, 4);
        for (int i = 0; i < QN; i++) {
            ck_assert(isfinite(x[i]));
            ck_assert_double_eq(x[i], w.xprev[i]);
        }
        quad_eval(NULL, x, &e, g);
        ck_assert_double_eq(e, w.last_e);
        free(w.xprev);
    }
}
END_TEST

/* The energy check: a point whose energy is more than max_rise above the
 * last accepted one is followed by the midpoint between the two (each
 * retry is a counted call); the run still converges. */
typedef struct {
    double xacc[2], eacc, xlast[2], max_rise;
    size_t calls, rejections;
    int pending;
} rise_watch;

static int rise_cb(void *data, size_t step, const double *x, double e, const double *g,
                   double fmax, double fnorm)
{
    rise_watch *w = data;
    (void)step, (void)g, (void)fmax, (void)fnorm;
    if (w->pending) {
        for (int k = 0; k < 2; k++)
            ck_assert_double_eq_tol(x[k], 0.5 * (w->xlast[k] + w->xacc[k]), 1e-12);
        w->pending = 0;
    }
    if (w->calls > 0 && e - w->eacc > w->max_rise) {
        w->pending = 1;
        w->rejections++;
    } else {
        memcpy(w->xacc, x, sizeof w->xacc);
        w->eacc = e;
    }
    memcpy(w->xlast, x, sizeof w->xlast);
    w->calls++;
    return 0;
}

START_TEST(test_energy_check)
{
    pesx_objective o;
    pesx_minimizer_params mp;
    pesx_converge c = {1e-8, 0.0, 5000};
    pesx_minimize_result r0, r1;
    double x0[2] = {-1.2, 1.0}, x[2];
    rise_watch w0, w1;
    objective_set(&o, 2, rosen_eval, NULL, 2);
    pesx_minimizer_params_default(&mp);
    mp.max_step = 0.5;
    memset(&w0, 0, sizeof w0);
    w0.max_rise = 1e-4;
    memcpy(x, x0, sizeof x);
    ck_assert_int_eq(pesx_minimize(&o, &pesx_minimizer_lbfgs, &mp, &c, x, NULL, NULL, &r0),
                     PESX_OK);
    mp.energy_check = 1;
    mp.max_rise = 1e-4;
    mp.max_reject = 1000;
    memset(&w1, 0, sizeof w1);
    w1.max_rise = mp.max_rise;
    memcpy(x, x0, sizeof x);
    ck_assert_int_eq(pesx_minimize(&o, &pesx_minimizer_lbfgs, &mp, &c, x, rise_cb, &w1, &r1),
                     PESX_OK);
    ck_assert_uint_gt(w1.rejections, 0); /* the check did act */
    ck_assert_int_eq(w1.pending, 0);
    ck_assert_double_eq_tol(x[0], 1.0, 1e-7);
    ck_assert_double_eq_tol(x[1], 1.0, 2e-7);
    ck_assert_uint_eq(r1.calls, w1.calls);
    ck_assert_uint_eq(r1.calls, r1.steps + 1);
    ck_assert_uint_ne(r1.calls, r0.calls); /* a different path */
}
END_TEST

/* ---- the L-BFGS preconditioner ----------------------------------------- */

static void precon_params(pesx_minimizer_params *p)
{
    pesx_minimizer_params_default(p);
    p->precon = 1;
}

/* Exact cases: two atoms (r_nn = their distance, so w = 1): the stretch
 * mode is scaled by 1/(c + 2), the perpendicular and translation modes by
 * 1/c; a frozen atom's components stay 0; periodic images count. */
START_TEST(test_precon_exact)
{
    pesx_minimizer_params mp;
    opt_precon P;
    double x[6] = {0.3, 0.2, 0.1, 1.6, 0.2, 0.1}, z[6];
    const double c = 0.1;
    const double modes[3][6] = {{1, 0, 0, -1, 0, 0}, {0, 1, 0, 0, -1, 0}, {0, 0, 1, 0, 0, 1}};
    const double scale[3] = {1.0 / (c + 2.0), 1.0 / c, 1.0 / c};
    unsigned char fr[6] = {0, 0, 0, 1, 1, 1};
    pesx_atoms *a;
    precon_params(&mp);
    ck_assert_int_eq(opt_precon_init(&P, 6, &mp), PESX_OK);
    ck_assert_int_eq(opt_precon_build(&P, x, NULL), PESX_OK);
    ck_assert_double_eq_tol(P.r_nn, 1.3, 1e-14);
    for (int m = 0; m < 3; m++) {
        ck_assert_int_eq(opt_precon_solve(&P, modes[m], z), PESX_OK);
        for (int k = 0; k < 6; k++)
            ck_assert_double_eq_tol(z[k], scale[m] * modes[m][k], 1e-10);
    }
    /* atom 1 frozen: atom 0 feels the bond (c + 1) along x, c across */
    ck_assert_int_eq(opt_precon_build(&P, x, fr), PESX_OK);
    ck_assert_int_eq(opt_precon_solve(&P, modes[0], z), PESX_OK);
    ck_assert_double_eq_tol(z[0], 1.0 / (c + 1.0), 1e-10);
    ck_assert_double_eq(z[3], 0.0);
    ck_assert_int_eq(opt_precon_solve(&P, modes[1], z), PESX_OK);
    ck_assert_double_eq_tol(z[1], 1.0 / c, 1e-10);
    ck_assert_double_eq(z[4], 0.0);
    opt_precon_release(&P);

    /* a fixed r_nn of 0.2 (pair cutoff 0.4): in open space the atoms, 1.3
     * apart, do not interact; in a periodic cell of 1.5 along x they are
     * 0.2 apart through the boundary and do. */
    mp.precon_r_nn = 0.2;
    ck_assert_int_eq(opt_precon_init(&P, 6, &mp), PESX_OK);
    ck_assert_int_eq(opt_precon_build(&P, x, NULL), PESX_OK);
    ck_assert_int_eq(opt_precon_solve(&P, modes[0], z), PESX_OK);
    ck_assert_double_eq_tol(z[0], 1.0 / c, 1e-10);
    opt_precon_release(&P);
    a = cluster_alloc(2, x);
    a->cell[0] = 1.5, a->cell[4] = 10.0, a->cell[8] = 10.0;
    a->has_cell = 1;
    a->pbc[0] = a->pbc[1] = a->pbc[2] = 1;
    mp.precon_atoms = a;
    ck_assert_int_eq(opt_precon_init(&P, 6, &mp), PESX_OK);
    ck_assert_int_eq(opt_precon_build(&P, x, NULL), PESX_OK);
    ck_assert_int_eq(opt_precon_solve(&P, modes[0], z), PESX_OK);
    ck_assert_double_eq_tol(z[0], 1.0 / (c + 2.0), 1e-10);
    opt_precon_release(&P);
    /* bad input */
    ck_assert_int_eq(opt_precon_init(&P, 9, &mp), PESX_EINVAL); /* 3 atoms vs 2 */
    opt_precon_release(&P);
    mp.precon_atoms = NULL;
    ck_assert_int_eq(opt_precon_init(&P, 7, &mp), PESX_EINVAL);
    opt_precon_release(&P);
    mp.precon_c_stab = 0.0;
    ck_assert_int_eq(opt_precon_init(&P, 6, &mp), PESX_EINVAL);
    opt_precon_release(&P);
    pesx_atoms_free(a);
}
END_TEST

/* On a cluster: P^-1 is symmetric and positive definite, a rigid
 * translation is scaled by 1/c_stab exactly (pair terms cancel). */
START_TEST(test_precon_spd)
{
    pesx_minimizer_params mp;
    opt_precon P;
    double x[39], u[39], v[39], pu[39], pv[39], t[39];
    pesx_rng rng;
    precon_params(&mp);
    lj13_start(x, 0.2, 3);
    pesx_rng_seed(&rng, 99);
    for (int k = 0; k < 39; k++) {
        u[k] = pesx_rng_normal(&rng);
        v[k] = pesx_rng_normal(&rng);
        t[k] = (k % 3 == 1) ? 1.0 : 0.0;
    }
    ck_assert_int_eq(opt_precon_init(&P, 39, &mp), PESX_OK);
    ck_assert_int_eq(opt_precon_build(&P, x, NULL), PESX_OK);
    ck_assert_double_gt(P.r_nn, 0.9);
    ck_assert_double_lt(P.r_nn, 1.3);
    ck_assert_int_eq(opt_precon_solve(&P, u, pu), PESX_OK);
    ck_assert_int_eq(opt_precon_solve(&P, v, pv), PESX_OK);
    /* to the accuracy of the solve (relative residual 1e-6) */
    ck_assert_double_eq_tol(opt_dot(39, u, pv), opt_dot(39, v, pu),
                            1e-5 * sqrt(opt_dot(39, u, u) * opt_dot(39, pv, pv)));
    ck_assert_double_gt(opt_dot(39, u, pu), 0.0);
    ck_assert_double_gt(opt_dot(39, v, pv), 0.0);
    ck_assert_int_eq(opt_precon_solve(&P, t, pu), PESX_OK);
    for (int k = 0; k < 39; k++)
        ck_assert_double_eq_tol(pu[k], t[k] / mp.precon_c_stab, 1e-5);
    opt_precon_release(&P);
}
END_TEST

/* Preconditioned L-BFGS finds the LJ13 minimum, keeps frozen atoms and
 * the step cap, and relaxes a periodic crystal with a vacancy to the same
 * energy as plain L-BFGS. */
START_TEST(test_precon_minimize)
{
    pesx_potential *p = pesx_potential_open(LJ_SPEC);
    pesx_minimizer_params mp;
    double x[39], x0[39];
    pesx_atoms *a;
    pesx_atoms_objective ao;
    pesx_objective o;
    pesx_converge c = {1e-6, 0.0, 5000};
    pesx_minimize_result r;
    watch w;
    int st;
    precon_params(&mp);
    lj13_start(x, 0.08, 13);
    relax_cluster_params(&pesx_minimizer_lbfgs, &mp, 13, x, LJ13_EMIN);
    mp.precon = PESX_PRECON_NONE;
    lj13_start(x, 0.08, 13);
    relax_cluster_params(&pesx_minimizer_lbfgs, &mp, 13, x, LJ13_EMIN);
    lj7_start(x, 0.08, 11);
    relax_cluster_params(&pesx_minimizer_lbfgs, &mp, 7, x, LJ7_EMIN);
    mp.precon = PESX_PRECON_EXP;

    lj13_start(x, 0.15, 5);
    memcpy(x0, x, sizeof x);
    a = cluster_alloc(13, x);
    a->fixed[0] = a->fixed[4] = a->fixed[9] = 1;
    ck_assert_int_eq(pesx_atoms_objective_init(&ao, &o, p, a), PESX_OK);
    watch_init(&w, 39, 3);
    mp.max_step = 0.05;
    st = pesx_minimize(&o, &pesx_minimizer_lbfgs, &mp, &c, x, watch_cb, &w, &r);
    ck_assert_msg(st == PESX_OK, "%s", pesx_error_last()->msg);
    for (int i = 0; i < 13; i++)
        if (a->fixed[i])
            for (int k = 0; k < 3; k++)
                ck_assert_double_eq(x[3 * i + k], x0[3 * i + k]);
    ck_assert_double_le(w.max_move, mp.max_step * (1 + 1e-12));
    free(w.xprev);
    pesx_atoms_objective_release(&ao);
    pesx_atoms_free(a);
    pesx_potential_free(p);
}
END_TEST

/* PESX_PRECON_AUTO: the preconditioner for an atoms objective (the same
 * run as asking for it), none for any other objective. */
START_TEST(test_precon_auto)
{
    pesx_potential *p = pesx_potential_open(LJ_SPEC);
    pesx_minimize_result r[3];
    double x[39];
    pesx_atoms *a;
    pesx_converge c = {1e-5, 0.0, 5000};
    lj13_start(x, 0.15, 21);
    a = cluster_alloc(13, x);
    for (int v = 0; v < 3; v++) {
        static const int mode[3] = {PESX_PRECON_AUTO, PESX_PRECON_EXP, PESX_PRECON_NONE};
        pesx_atoms_objective ao;
        pesx_objective o;
        pesx_minimizer_params mp;
        pesx_minimizer_params_default(&mp);
        mp.precon = mode[v];
        memcpy(x, a->x, sizeof x);
        ck_assert_int_eq(pesx_atoms_objective_init(&ao, &o, p, a), PESX_OK);
        ck_assert_int_eq(pesx_minimize(&o, &pesx_minimizer_lbfgs, &mp, &c, x, NULL, NULL, &r[v]),
                         PESX_OK);
        pesx_atoms_objective_release(&ao);
    }
    ck_assert_uint_eq(r[0].calls, r[1].calls);
    ck_assert_double_eq(r[0].energy, r[1].energy);
    ck_assert_uint_ne(r[0].calls, r[2].calls);
    {
        /* any other objective: AUTO runs as NONE */
        pesx_objective o;
        pesx_minimizer_params mp;
        double q[2][QN] = {{0}};
        size_t calls[2];
        for (int v = 0; v < 2; v++) {
            objective_set(&o, QN, quad_eval, NULL, 3);
            pesx_minimizer_params_default(&mp);
            mp.precon = v ? PESX_PRECON_NONE : PESX_PRECON_AUTO;
            ck_assert_int_eq(pesx_minimize(&o, &pesx_minimizer_lbfgs, &mp, NULL, q[v], NULL, NULL,
                                           &r[v]),
                             PESX_OK);
            calls[v] = r[v].calls;
        }
        ck_assert_uint_eq(calls[0], calls[1]);
        ck_assert_mem_eq(q[0], q[1], sizeof q[0]);
    }
    pesx_atoms_free(a);
    pesx_potential_free(p);
}
END_TEST

START_TEST(test_precon_periodic)
{
    /* fcc LJ, 2x2x2 conventional cells, one atom removed, rattled */
    const double lat = 1.5496;
    pesx_potential *p = pesx_potential_open("lj:epsilon=1,sigma=1,rc=2.5");
    const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
    pesx_atoms *a = pesx_atoms_alloc(31);
    double e[2];
    size_t calls[2];
    pesx_rng rng;
    size_t m = 0;
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(a);
    pesx_rng_seed(&rng, 17);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            for (int k = 0; k < 2; k++)
                for (int b = 0; b < 4; b++) {
                    if (i + j + k + b == 0)
                        continue; /* the vacancy */
                    a->z[m] = 18;
                    a->x[3 * m] = lat * (i + basis[b][0]) + 0.05 * pesx_rng_normal(&rng);
                    a->x[3 * m + 1] = lat * (j + basis[b][1]) + 0.05 * pesx_rng_normal(&rng);
                    a->x[3 * m + 2] = lat * (k + basis[b][2]) + 0.05 * pesx_rng_normal(&rng);
                    m++;
                }
    ck_assert_uint_eq(m, 31);
    a->cell[0] = a->cell[4] = a->cell[8] = 2 * lat;
    a->has_cell = 1;
    a->pbc[0] = a->pbc[1] = a->pbc[2] = 1;
    for (int v = 0; v < 2; v++) {
        pesx_atoms_objective ao;
        pesx_objective o;
        pesx_minimizer_params mp;
        pesx_converge c = {1e-6, 0.0, 5000};
        pesx_minimize_result r;
        double x[93];
        int st;
        memcpy(x, a->x, sizeof x);
        pesx_minimizer_params_default(&mp);
        mp.precon = v;
        mp.precon_atoms = a;
        ck_assert_int_eq(pesx_atoms_objective_init(&ao, &o, p, a), PESX_OK);
        st = pesx_minimize(&o, &pesx_minimizer_lbfgs, &mp, &c, x, NULL, NULL, &r);
        ck_assert_msg(st == PESX_OK, "precon %d: %s", v, pesx_error_last()->msg);
        e[v] = r.energy;
        calls[v] = r.calls;
        pesx_atoms_objective_release(&ao);
    }
    ck_assert_double_eq_tol(e[1], e[0], 1e-8 * fabs(e[0]));
    ck_assert_uint_gt(calls[0], 0);
    ck_assert_uint_gt(calls[1], 0);
    pesx_atoms_free(a);
    pesx_potential_free(p);
}
END_TEST

/* OptBench LJ38 starts (compressed, |F| ~ 1e5-1e6) from $PESX_SHARED:
 * every minimizer reaches |F|_2 < 0.01 without a failure or a NaN, within
 * OptBench's limits; L-BFGS (preconditioned by default) well within. */
START_TEST(test_lj38_starts)
{
    const pesx_minimizer_type *T = type_at(_i);
    pesx_potential *p = pesx_potential_open(LJ_SPEC);
    ck_assert_ptr_nonnull(p);
    for (int k = 0; k < 3; k++) {
        char rel[128], path[4096];
        pesx_frame f;
        pesx_atoms_objective ao;
        pesx_objective o;
        pesx_converge c = {0.0, 0.01, 9999};
        pesx_minimize_result r;
        int st;
        snprintf(rel, sizeof rel, "ref/optbench/lj38_minimization/cluster_%04d.extxyz", k);
        ck_assert_ptr_nonnull(tu_shared_path(path, sizeof path, rel));
        pesx_frame_init(&f);
        ck_assert_msg(pesx_xyz_read_frame(path, 0, &f) == PESX_OK, "%s", pesx_error_last()->msg);
        ck_assert_uint_eq(f.atoms->n, 38);
        ck_assert_int_eq(pesx_atoms_objective_init(&ao, &o, p, f.atoms), PESX_OK);
        st = pesx_minimize(&o, T, NULL, &c, f.atoms->x, NULL, NULL, &r);
        ck_assert_msg(st == PESX_OK, "%s cluster %d: %s", T->name, k, pesx_error_last()->msg);
        ck_assert_double_lt(r.fnorm, 0.01);
        ck_assert_double_lt(r.energy, -150.0); /* a real minimum, not a stall */
        ck_assert_uint_le(r.calls, T == &pesx_minimizer_lbfgs ? 400 : 5000);
        pesx_atoms_objective_release(&ao);
        pesx_frame_release(&f);
    }
    pesx_potential_free(p);
}
END_TEST

static int scale_by_half(void *data, double *d)
{
    (void)data;
    for (int i = 0; i < 3; i++)
        d[i] *= 0.5;
    return PESX_OK;
}

/* The shared two-loop recursion: with no pair it is -H0 g; with one pair
 * it satisfies the secant equation H y = s; with 3 A-conjugate pairs of a
 * quadratic (as exact line searches make them) it is the Newton step -A^-1 g
 * whatever H0 is. */
START_TEST(test_lbfgs_two_loop)
{
    static const double A[3][3] = {{4, 1, 0}, {1, 3, 1}, {0, 1, 2}};
    double S[3 * 3] = {0}, Y[3 * 3], rho[3], alpha[3], d[3], g[3] = {1.0, -2.0, 0.5};
    /* s_j: the unit vectors made A-conjugate by Gram-Schmidt; y_j = A s_j */
    for (int j = 0; j < 3; j++) {
        double *sj = S + 3 * j;
        sj[j] = 1.0;
        for (int k = 0; k < j; k++) {
            double num = 0.0, den = 0.0;
            for (int i = 0; i < 3; i++)
                num += sj[i] * Y[3 * k + i], den += S[3 * k + i] * Y[3 * k + i];
            for (int i = 0; i < 3; i++)
                sj[i] -= num / den * S[3 * k + i];
        }
        double sy = 0.0;
        for (int i = 0; i < 3; i++) {
            Y[3 * j + i] = A[i][0] * sj[0] + A[i][1] * sj[1] + A[i][2] * sj[2];
            sy += sj[i] * Y[3 * j + i];
        }
        rho[j] = 1.0 / sy;
    }
    ck_assert_double_eq_tol(S[3 * 2 + 0], 1.0 / 11.0, 1e-15); /* (1/11, -4/11, 1) */
    ck_assert_int_eq(pesx_lbfgs_direction(3, 3, 0, 0, S, Y, rho, alpha, g, d, scale_by_half, NULL),
                     PESX_OK);
    for (int i = 0; i < 3; i++)
        ck_assert_double_eq_tol(d[i], -0.5 * g[i], 1e-15);
    /* the newest pair j = 1 only: H y_1 = s_1 */
    ck_assert_int_eq(
        pesx_lbfgs_direction(3, 3, 1, 1, S, Y, rho, alpha, Y + 3, d, scale_by_half, NULL), PESX_OK);
    for (int i = 0; i < 3; i++)
        ck_assert_double_eq_tol(d[i], -S[3 + i], 1e-14);
    /* all three (newest 2): A (-d) = g */
    ck_assert_int_eq(pesx_lbfgs_direction(3, 3, 3, 2, S, Y, rho, alpha, g, d, scale_by_half, NULL),
                     PESX_OK);
    for (int i = 0; i < 3; i++) {
        double r = 0.0;
        for (int k = 0; k < 3; k++)
            r += A[i][k] * -d[k];
        ck_assert_double_eq_tol(r, g[i], 1e-12);
    }
}
END_TEST

static Suite *opt_suite(void)
{
    Suite *s = suite_create("opt");
    int nt = (int)n_types();
    TCase *tc = tcase_create("registry");
    tcase_add_test(tc, test_registry);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_converge_test);
    tcase_add_test(tc, test_bad_params);
    suite_add_tcase(s, tc);

    tc = tcase_create("objective");
    tcase_add_test(tc, test_objective_eval);
    tcase_add_test(tc, test_atoms_objective);
    suite_add_tcase(s, tc);

    tc = tcase_create("surfaces");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_quadratic, 0, nt);
    tcase_add_loop_test(tc, test_rosenbrock, 0, nt);
    tcase_add_loop_test(tc, test_muller_brown, 0, nt);
    tcase_add_loop_test(tc, test_lj7, 0, nt);
    tcase_add_loop_test(tc, test_lj13, 0, nt);
    suite_add_tcase(s, tc);

    tc = tcase_create("driver");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_frozen, 0, nt);
    tcase_add_loop_test(tc, test_max_step, 0, nt);
    tcase_add_loop_test(tc, test_enoconv, 0, nt);
    tcase_add_loop_test(tc, test_converged_start, 0, nt);
    tcase_add_loop_test(tc, test_callback_stop, 0, nt);
    tcase_add_loop_test(tc, test_nan, 0, nt);
    tcase_add_test(tc, test_energy_check);
    suite_add_tcase(s, tc);

    tc = tcase_create("precon");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_precon_exact);
    tcase_add_test(tc, test_precon_spd);
    tcase_add_test(tc, test_precon_minimize);
    tcase_add_test(tc, test_precon_auto);
    tcase_add_test(tc, test_precon_periodic);
    tcase_add_test(tc, test_lbfgs_two_loop);
    suite_add_tcase(s, tc);

    if (tu_shared_dir()) {
        tc = tcase_create("optbench");
        tcase_set_timeout(tc, 300);
        tcase_add_loop_test(tc, test_lj38_starts, 0, nt);
        suite_add_tcase(s, tc);
    } else {
        fprintf(stderr, "check_opt: PESX_SHARED not found, OptBench LJ38 starts skipped\n");
    }
    return s;
}

int main(void)
{
    return tu_run_suite(opt_suite());
}
