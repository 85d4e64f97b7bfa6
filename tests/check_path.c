/* Check suite of the path module's NEB and barrier-report parts. */
#include <config.h>
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pesx/io.h>
#include <pesx/path.h>

/* Mueller-Brown stationary points, solved to 1e-12 with scipy's fsolve on
 * the gradient (tests/data/neb/README); the published (Mueller & Brown 1979)
 * values are their rounding: saddle 1 (-0.822, 0.624), E = -40.665. */
#define MB_S1_X (-0.82200156)
#define MB_S1_Y 0.6243128
#define MB_S1_E (-40.6648435086574)
#define MB_A_X (-0.55822363)
#define MB_A_Y 1.44172584
#define MB_B_X 0.6234994
#define MB_B_Y 0.02803776

/* ---- spline -------------------------------------------------------------- */

static double cubic(double s) { return 0.3 * s * s * s - 1.1 * s * s + 0.4 * s + 2.0; }
static double dcubic(double s) { return 0.9 * s * s - 2.2 * s + 0.4; }

START_TEST(spline_reproduces_cubic)
{
    /* A Hermite spline through values and slopes of a cubic is the cubic. */
    double s[4] = {0.0, 0.7, 1.9, 3.0}, e[4], ft[4], smax, emax, root;
    pesx_spline sp;
    pesx_spline_init(&sp);
    for (int i = 0; i < 4; i++) {
        e[i] = cubic(s[i]);
        ft[i] = -dcubic(s[i]);
    }
    ck_assert_int_eq(pesx_spline_set(&sp, 4, s, e, ft), PESX_OK);
    for (double x = 0.0; x <= 3.0; x += 0.137) {
        double d, v = pesx_spline_eval(&sp, x, &d);
        ck_assert_msg(fabs(v - cubic(x)) < 1e-12, "E(%g) = %g, want %g", x, v, cubic(x));
        ck_assert_msg(fabs(d - dcubic(x)) < 1e-11, "dE(%g) = %g, want %g", x, d, dcubic(x));
    }
    /* local maximum of the cubic: root of 0.9 s^2 - 2.2 s + 0.4 (smaller one) */
    root = (2.2 - sqrt(2.2 * 2.2 - 4 * 0.9 * 0.4)) / 1.8;
    pesx_spline_max(&sp, &smax, &emax);
    /* the cubic's end value at s = 3 is lower than the local maximum? */
    ck_assert(cubic(root) > cubic(3.0) && cubic(root) > cubic(0.0));
    ck_assert_msg(fabs(smax - root) < 1e-12, "s_max %g, want %g", smax, root);
    ck_assert_msg(fabs(emax - cubic(root)) < 1e-12, "E_max %g", emax);
    /* equal path lengths are rejected */
    s[2] = s[1];
    ck_assert_int_eq(pesx_spline_set(&sp, 4, s, e, ft), PESX_EINVAL);
    pesx_spline_release(&sp);
}
END_TEST

/* ---- tangent ------------------------------------------------------------- */

START_TEST(tangent_cases)
{
    double xm[3] = {0, 0, 0}, x0[3] = {1, 0, 0}, xp[3] = {1, 2, 0}, tau[3];
    /* uphill: tau+ */
    pesx_band_tangent(3, xm, x0, xp, 0.0, 1.0, 2.0, tau);
    ck_assert(fabs(tau[0]) < 1e-15 && fabs(tau[1] - 1.0) < 1e-15);
    /* downhill: tau- */
    pesx_band_tangent(3, xm, x0, xp, 2.0, 1.0, 0.0, tau);
    ck_assert(fabs(tau[0] - 1.0) < 1e-15 && fabs(tau[1]) < 1e-15);
    /* maximum with V+ > V-: dVmax tau+ + dVmin tau- = 2 (0,2,0) + 1 (1,0,0) */
    pesx_band_tangent(3, xm, x0, xp, 0.0, 2.0, 1.0, tau);
    ck_assert(fabs(tau[0] - 1.0 / sqrt(17.0)) < 1e-15 && fabs(tau[1] - 4.0 / sqrt(17.0)) < 1e-15);
    /* minimum with V- > V+: dVmin tau+ + dVmax tau- = 1 (0,2,0) + 2 (1,0,0) */
    pesx_band_tangent(3, xm, x0, xp, 3.0, 1.0, 2.0, tau);
    ck_assert(fabs(tau[0] - 2.0 / sqrt(8.0)) < 1e-15 && fabs(tau[1] - 2.0 / sqrt(8.0)) < 1e-15);
}
END_TEST

/* ---- Mueller-Brown -------------------------------------------------------- */

static pesx_atoms *one_atom(double x, double y)
{
    pesx_atoms *a = pesx_atoms_alloc(1);
    a->z[0] = 1;
    a->x[0] = x;
    a->x[1] = y;
    a->x[2] = 0.0;
    return a;
}

static pesx_neb *mb_band(pesx_potential *p, int swap, const pesx_neb_params *np, size_t n)
{
    pesx_atoms *t = one_atom(0, 0);
    pesx_neb *b = pesx_neb_alloc(p, t, n, np);
    double *r = pesx_neb_image(b, swap ? n - 1 : 0), *q = pesx_neb_image(b, swap ? 0 : n - 1);
    ck_assert_ptr_nonnull(b);
    r[0] = MB_A_X, r[1] = MB_A_Y;
    q[0] = MB_B_X, q[1] = MB_B_Y;
    pesx_neb_interpolate_linear(1, n, pesx_neb_image(b, 0));
    pesx_atoms_free(t);
    return b;
}

static void mb_params(pesx_neb_params *np)
{
    pesx_neb_params_default(np);
    np->k = 100.0;
    np->fmax = 0.5;
    np->fmax_ci = 1e-4;
    np->mp.max_step = 0.05;
    np->max_steps = 2000;
}

START_TEST(mueller_brown_climbing_image)
{
    pesx_potential *p = pesx_potential_open("muller_brown");
    pesx_neb_params np;
    pesx_neb_status st;
    pesx_report rep;
    pesx_neb *b;
    const double *ci;
    int status;
    ck_assert_ptr_nonnull(p);
    mb_params(&np);
    b = mb_band(p, 0, &np, 11);
    status = pesx_neb_run(b, NULL, NULL);
    pesx_neb_get_status(b, &st);
    ck_assert_msg(status == PESX_OK, "status %d after %zu steps: %s", status, st.step,
                  pesx_error_last()->msg);
    ck_assert(st.climbing);
    ci = pesx_neb_image(b, st.ci);
    /* to the published saddle (3 decimals) and to the exact one to 1e-4 */
    ck_assert_msg(fabs(ci[0] - (-0.822)) < 5e-4 + 1e-4 && fabs(ci[1] - 0.624) < 5e-4 + 1e-4,
                  "CI at (%.6f, %.6f)", ci[0], ci[1]);
    ck_assert_msg(fabs(ci[0] - MB_S1_X) < 1e-4 && fabs(ci[1] - MB_S1_Y) < 1e-4,
                  "CI at (%.6f, %.6f), saddle at (%.6f, %.6f)", ci[0], ci[1], MB_S1_X, MB_S1_Y);
    ck_assert_msg(fabs(pesx_neb_energy(b, st.ci) - MB_S1_E) < 1e-4, "E(CI) = %.8f",
                  pesx_neb_energy(b, st.ci));
    ck_assert(fabs(pesx_neb_energy(b, st.ci) - (-40.665)) < 5e-4 + 1e-4);
    /* report */
    pesx_report_init(&rep);
    ck_assert_int_eq(pesx_neb_report(b, &rep), PESX_OK);
    ck_assert(fabs(rep.e_saddle - MB_S1_E) < 1e-4);
    ck_assert(fabs(rep.barrier_forward - (MB_S1_E - (-146.699517209954))) < 1e-4);
    ck_assert(fabs(rep.barrier_reverse - (MB_S1_E - (-108.16672411685235))) < 1e-4);
    ck_assert(fabs(rep.reaction_energy - (-108.16672411685235 + 146.699517209954)) < 1e-6);
    /* the spline through a converged CI peaks at the CI (within 1e-3 eV) */
    ck_assert_msg(fabs(rep.spline_e_max - rep.e_saddle) < 1e-3, "spline max %.6f vs CI %.6f",
                  rep.spline_e_max, rep.e_saddle);
    ck_assert(rep.saddle_fmax < 1e-4);
    ck_assert_uint_eq(rep.force_calls, st.calls);
    ck_assert_uint_eq(rep.force_calls, 2 + 9 * st.band_calls);
    ck_assert_uint_eq(st.image_calls, 9 * st.band_calls);
    ck_assert(rep.force_calls_per_image == (double)st.band_calls);
    ck_assert_uint_eq(pesx_potential_calls(p), st.calls);
    pesx_report_release(&rep);
    pesx_neb_free(b);
    pesx_potential_free(p);
}
END_TEST

START_TEST(mueller_brown_swapped_endpoints)
{
    pesx_potential *p = pesx_potential_open("muller_brown");
    pesx_neb_params np;
    pesx_report r1, r2;
    pesx_neb *b1, *b2;
    mb_params(&np);
    b1 = mb_band(p, 0, &np, 11);
    b2 = mb_band(p, 1, &np, 11);
    ck_assert_int_eq(pesx_neb_run(b1, NULL, NULL), PESX_OK);
    ck_assert_int_eq(pesx_neb_run(b2, NULL, NULL), PESX_OK);
    pesx_report_init(&r1);
    pesx_report_init(&r2);
    ck_assert_int_eq(pesx_neb_report(b1, &r1), PESX_OK);
    ck_assert_int_eq(pesx_neb_report(b2, &r2), PESX_OK);
    ck_assert_msg(fabs(r1.barrier_forward - r2.barrier_reverse) < 1e-4, "%.8f vs %.8f",
                  r1.barrier_forward, r2.barrier_reverse);
    ck_assert(fabs(r1.barrier_reverse - r2.barrier_forward) < 1e-4);
    ck_assert(fabs(r1.reaction_energy + r2.reaction_energy) < 1e-10);
    pesx_report_release(&r1);
    pesx_report_release(&r2);
    pesx_neb_free(b1);
    pesx_neb_free(b2);
    pesx_potential_free(p);
}
END_TEST

/* Interrupted after some steps, restarted from the saved band (the
 * optimizer history is not saved): the same saddle. */
static int stop_at(void *data, pesx_neb *b, const pesx_neb_status *st)
{
    (void)b;
    return st->step >= *(size_t *)data ? PESX_ENOCONV : 0;
}

START_TEST(mueller_brown_resume)
{
    pesx_potential *p = pesx_potential_open("muller_brown");
    pesx_neb_params np;
    pesx_neb_status s1, s2, s3;
    pesx_neb *full, *part, *again;
    size_t stop = 25;
    mb_params(&np);
    full = mb_band(p, 0, &np, 11);
    part = mb_band(p, 0, &np, 11);
    ck_assert_int_eq(pesx_neb_run(full, NULL, NULL), PESX_OK);
    ck_assert_int_eq(pesx_neb_run(part, stop_at, &stop), PESX_ENOCONV);
    pesx_neb_get_status(full, &s1);
    pesx_neb_get_status(part, &s2);
    ck_assert(!s2.converged && s2.step == stop);
    again = mb_band(p, 0, &np, 11);
    for (size_t i = 0; i < 11; i++)
        memcpy(pesx_neb_image(again, i), pesx_neb_image(part, i), 3 * sizeof(double));
    pesx_neb_set_status(again, s2.step, s2.calls, s2.band_calls, s2.image_calls, s2.climbing);
    ck_assert_int_eq(pesx_neb_run(again, NULL, NULL), PESX_OK);
    pesx_neb_get_status(again, &s3);
    ck_assert(s3.step > s2.step && s3.calls > s2.calls);
    ck_assert_uint_eq(s3.ci, s1.ci);
    ck_assert(fabs(pesx_neb_energy(again, s3.ci) - pesx_neb_energy(full, s1.ci)) < 1e-6);
    for (int k = 0; k < 2; k++)
        ck_assert(fabs(pesx_neb_image(again, s3.ci)[k] - pesx_neb_image(full, s1.ci)[k]) < 1e-5);
    pesx_neb_free(full);
    pesx_neb_free(part);
    pesx_neb_free(again);
    pesx_potential_free(p);
}
END_TEST

/* ---- taken-back steps ------------------------------------------------------ */

/* What the callback saw: the band's NEB force norm, positions and counters
 * after every step, to check the rule of params.reject_rise. */
typedef struct {
    size_t n;                 /* images                                */
    int have_prev, prev_climbing, prev_taken_back;
    double prev_fnorm;
    double prev_x[3 * 11];
    size_t prev_rejected, prev_image_calls;
    size_t n_taken_back, n_big_rises;
    double rise, fmax_floor;
} reject_log;

static int log_step(void *data, pesx_neb *b, const pesx_neb_status *st)
{
    reject_log *L = data;
    double fnorm = 0.0;
    for (size_t i = 1; i + 1 < L->n; i++) {
        const double *f = pesx_neb_neb_forces(b, i);
        for (int k = 0; k < 3; k++)
            fnorm += f[k] * f[k];
    }
    fnorm = sqrt(fnorm);
    if (L->have_prev) {
        if (st->rejected > L->prev_rejected) {
            /* the band is the one before the step; its force calls count */
            ck_assert_uint_eq(st->rejected, L->prev_rejected + 1);
            for (size_t i = 0; i < L->n; i++)
                ck_assert(memcmp(pesx_neb_image(b, i), L->prev_x + 3 * i, 3 * sizeof(double)) == 0);
            ck_assert_uint_eq(st->image_calls, L->prev_image_calls + (L->n - 2));
            L->n_taken_back++;
        } else if (st->climbing == L->prev_climbing && !L->prev_taken_back &&
                   fnorm > L->rise * L->prev_fnorm &&
                   st->fmax > L->fmax_floor) {
            /* a rise the rule applies to (same NEB force, not right after
             * a step taken back) */
            L->n_big_rises++;
        }
    }
    L->prev_taken_back = L->have_prev && st->rejected > L->prev_rejected;
    L->have_prev = 1;
    L->prev_climbing = st->climbing;
    L->prev_fnorm = fnorm;
    L->prev_rejected = st->rejected;
    L->prev_image_calls = st->image_calls;
    for (size_t i = 0; i < L->n; i++)
        memcpy(L->prev_x + 3 * i, pesx_neb_image(b, i), 3 * sizeof(double));
    return 0;
}

START_TEST(mueller_brown_steps_taken_back)
{
    /* Steps of up to 0.5 on Mueller-Brown overshoot into its steep walls.
     * Without the rule the band's force norm jumps more than 3 times and
     * the band runs away (energies beyond 1e3 eV, no convergence); with it
     * no accepted step raises the force norm that much, every taken-back
     * step leaves the band as it was, and the run ends on saddle 1. */
    pesx_potential *p = pesx_potential_open("muller_brown");
    pesx_neb_params np;
    pesx_neb_status st;
    for (int rule = 0; rule < 2; rule++) {
        reject_log L;
        pesx_neb *b;
        const double *ci;
        int status;
        memset(&L, 0, sizeof L);
        L.n = 11;
        mb_params(&np);
        np.mp.max_step = 0.5;
        np.max_steps = 400;
        ck_assert(np.reject_rise == 3.0 && np.reject_fmax == 1.0);
        L.rise = np.reject_rise;
        L.fmax_floor = np.reject_fmax;
        if (!rule)
            np.reject_rise = 0.0;
        b = mb_band(p, 0, &np, 11);
        status = pesx_neb_run(b, log_step, &L);
        pesx_neb_get_status(b, &st);
        ck_assert_uint_eq(st.rejected, L.n_taken_back);
        ck_assert_uint_eq(st.image_calls, 9 * st.band_calls);
        if (!rule) {
            ck_assert_int_eq(status, PESX_ENOCONV);
            ck_assert_uint_eq(L.n_taken_back, 0);
            ck_assert_msg(L.n_big_rises > 0, "no step raised the force norm 3 times");
            ck_assert_msg(!(st.e_max < 1e3), "the band stayed below 1e3 eV (%g)", st.e_max);
        } else {
            ck_assert_int_eq(status, PESX_OK);
            ck_assert_msg(L.n_taken_back > 0, "no step taken back");
            ck_assert_uint_eq(L.n_big_rises, 0);
            ci = pesx_neb_image(b, st.ci);
            ck_assert_msg(fabs(ci[0] - MB_S1_X) < 1e-4 && fabs(ci[1] - MB_S1_Y) < 1e-4,
                          "CI at (%.6f, %.6f)", ci[0], ci[1]);
            ck_assert(fabs(st.e_max - MB_S1_E) < 1e-4);
        }
        pesx_neb_free(b);
    }
    pesx_potential_free(p);
}
END_TEST

/* ---- free cluster: no rigid-body motion in the NEB force -------------------- */

/* Net force and torque (about the centroid) of v on positions x, relative
 * to the norm of v. */
static void net_force_torque(size_t n, const double *x, const double *v, double *fnet,
                             double *tnet)
{
    double c[3] = {0, 0, 0}, F[3] = {0, 0, 0}, T[3] = {0, 0, 0}, nv = 0.0;
    for (size_t a = 0; a < n; a++)
        for (int d = 0; d < 3; d++)
            c[d] += x[3 * a + d] / (double)n;
    for (size_t a = 0; a < n; a++) {
        const double *f = v + 3 * a;
        double r[3] = {x[3 * a] - c[0], x[3 * a + 1] - c[1], x[3 * a + 2] - c[2]};
        for (int d = 0; d < 3; d++) {
            F[d] += f[d];
            nv += f[d] * f[d];
        }
        T[0] += r[1] * f[2] - r[2] * f[1];
        T[1] += r[2] * f[0] - r[0] * f[2];
        T[2] += r[0] * f[1] - r[1] * f[0];
    }
    nv = sqrt(nv);
    *fnet = sqrt(F[0] * F[0] + F[1] * F[1] + F[2] * F[2]) / nv;
    *tnet = sqrt(T[0] * T[0] + T[1] * T[1] + T[2] * T[2]) / nv;
}

START_TEST(free_cluster_no_rigid_motion)
{
    /* LJ7 (pentagonal bipyramid) to a distorted copy turned by 25 degrees
     * and moved: the springs along the tangent turn and push the images,
     * the true forces do not.  By default the NEB force of every image
     * has neither net force nor torque; with remove_rigid = 0 it has. */
    pesx_potential *p = pesx_potential_open("lj");
    pesx_atoms *a = pesx_atoms_alloc(7);
    double R = 1.12 / (2.0 * sin(M_PI / 5.0)), h = sqrt(1.12 * 1.12 - R * R);
    double xa[21], xb[21], ang = 25.0 * M_PI / 180.0;
    size_t n_img = 5;
    for (int i = 0; i < 5; i++) {
        xa[3 * i] = R * cos(2.0 * M_PI * i / 5.0);
        xa[3 * i + 1] = R * sin(2.0 * M_PI * i / 5.0);
        xa[3 * i + 2] = 0.0;
    }
    xa[15] = xa[16] = 0.0, xa[17] = h;
    xa[18] = xa[19] = 0.0, xa[20] = -h;
    for (int i = 0; i < 7; i++) {
        double x = xa[3 * i], y = xa[3 * i + 1], z = xa[3 * i + 2];
        if (i == 0) /* atom 0 out towards a cap */
            x += 0.3, z += 0.4;
        xb[3 * i] = cos(ang) * x - sin(ang) * y + 0.7;
        xb[3 * i + 1] = sin(ang) * x + cos(ang) * y - 0.2;
        xb[3 * i + 2] = z + 0.1;
    }
    for (size_t i = 0; i < 7; i++)
        a->z[i] = 18;
    memcpy(a->x, xa, sizeof xa);
    for (int rule = 1; rule >= 0; rule--) {
        pesx_neb_params np;
        pesx_neb *b;
        double worst_f = 0.0, worst_t = 0.0;
        pesx_neb_params_default(&np);
        ck_assert_int_eq(np.remove_rigid, 1);
        np.remove_rigid = rule;
        b = pesx_neb_alloc(p, a, n_img, &np);
        ck_assert_ptr_nonnull(b);
        memcpy(pesx_neb_image(b, 0), xa, sizeof xa);
        memcpy(pesx_neb_image(b, n_img - 1), xb, sizeof xb);
        pesx_neb_interpolate_linear(7, n_img, pesx_neb_image(b, 0));
        ck_assert_int_eq(pesx_neb_eval(b), PESX_OK);
        for (size_t i = 1; i + 1 < n_img; i++) {
            double fn, tn, ff, tf;
            net_force_torque(7, pesx_neb_image(b, i), pesx_neb_neb_forces(b, i), &fn, &tn);
            /* the true forces of an invariant potential have none either */
            net_force_torque(7, pesx_neb_image(b, i), pesx_neb_forces(b, i), &ff, &tf);
            ck_assert_msg(ff < 1e-10 && tf < 1e-10, "image %zu: true force %g, torque %g", i,
                          ff, tf);
            worst_f = fmax(worst_f, fn);
            worst_t = fmax(worst_t, tn);
        }
        if (rule)
            ck_assert_msg(worst_f < 1e-10 && worst_t < 1e-10, "net force %g, torque %g",
                          worst_f, worst_t);
        else
            ck_assert_msg(worst_t > 1e-2, "without removal: torque only %g", worst_t);
        pesx_neb_free(b);
    }
    pesx_atoms_free(a);
    pesx_potential_free(p);
}
END_TEST

/* ---- LJ adatom hop (reference: ASE CI-NEB, tests/data/neb) ------------------ */

static double ref_value(const char *key)
{
    char path[4096], line[256];
    double v = NAN;
    FILE *fp = fopen(tu_data_path(path, sizeof path, "neb/lj_hop_reference.txt"), "r");
    ck_assert_msg(fp != NULL, "cannot open %s", path);
    while (fgets(line, sizeof line, fp)) {
        size_t n = strlen(key);
        if (strncmp(line, key, n) == 0 && line[n] == ' ')
            v = strtod(line + n + 1, NULL);
    }
    fclose(fp);
    ck_assert_msg(isfinite(v), "%s missing in the reference", key);
    return v;
}

static void read_endpoint(const char *rel, pesx_frame *f)
{
    char path[4096];
    pesx_frame_init(f);
    ck_assert_int_eq(pesx_xyz_read_frame(tu_data_path(path, sizeof path, rel), 0, f), PESX_OK);
}

START_TEST(lj_adatom_hop)
{
    pesx_potential *p = pesx_potential_open("lj");
    pesx_frame fr, fp;
    pesx_neb_params np;
    pesx_report rep;
    pesx_neb *b;
    size_t n = 9;
    ck_assert_ptr_nonnull(p);
    read_endpoint("neb/lj_hop_reactant.xyz", &fr);
    read_endpoint("neb/lj_hop_product.xyz", &fp);
    ck_assert_int_eq(pesx_neb_check_endpoints(fr.atoms, "r", 1, fp.atoms, "p", 1), PESX_OK);
    ck_assert_uint_eq(pesx_atoms_n_free(fr.atoms), 1);
    pesx_neb_params_default(&np);
    np.k = 1.0;
    np.fmax_ci = 1e-4;
    b = pesx_neb_alloc(p, fr.atoms, n, &np);
    memcpy(pesx_neb_image(b, 0), fr.atoms->x, 3 * 17 * sizeof(double));
    memcpy(pesx_neb_image(b, n - 1), fp.atoms->x, 3 * 17 * sizeof(double));
    ck_assert_int_eq(pesx_neb_interpolate_idpp(17, fr.atoms->fixed, n, pesx_neb_image(b, 0), 0, 0),
                     PESX_OK);
    ck_assert_int_eq(pesx_neb_run(b, NULL, NULL), PESX_OK);
    /* fixed atoms never moved */
    for (size_t i = 1; i + 1 < n; i++)
        ck_assert(memcmp(pesx_neb_image(b, i), fr.atoms->x, 3 * 16 * sizeof(double)) == 0);
    pesx_report_init(&rep);
    ck_assert_int_eq(pesx_neb_report(b, &rep), PESX_OK);
    ck_assert_msg(fabs(rep.barrier_forward - ref_value("forward_barrier")) < 1e-4,
                  "forward barrier %.8f, ASE %.8f", rep.barrier_forward,
                  ref_value("forward_barrier"));
    ck_assert(fabs(rep.barrier_reverse - ref_value("reverse_barrier")) < 1e-4);
    ck_assert(fabs(rep.e_reactant - ref_value("reactant_energy")) < 1e-8);
    ck_assert(rep.climbing);
    pesx_report_release(&rep);
    pesx_neb_free(b);
    pesx_frame_release(&fr);
    pesx_frame_release(&fp);
    pesx_potential_free(p);
}
END_TEST

START_TEST(lj_adatom_hop_preconditioned)
{
    /* The hop with fixed atoms is preconditioned by default; the band
     * L-BFGS with and without the preconditioner reaches ASE's barrier.
     * Which runs are preconditioned: anchored or periodic structures under
     * L-BFGS (AUTO), any with EXP, none with NONE or FIRE. */
    pesx_potential *p = pesx_potential_open("lj");
    pesx_frame fr, fp;
    size_t n = 9, steps[2];
    read_endpoint("neb/lj_hop_reactant.xyz", &fr);
    read_endpoint("neb/lj_hop_product.xyz", &fp);
    for (int pc = 0; pc < 2; pc++) {
        pesx_neb_params np;
        pesx_neb_status st;
        pesx_report rep;
        pesx_neb *b;
        pesx_neb_params_default(&np);
        ck_assert_int_eq(np.mp.precon, PESX_PRECON_AUTO);
        np.k = 1.0;
        np.fmax_ci = 1e-4;
        np.mp.precon = pc ? PESX_PRECON_AUTO : PESX_PRECON_NONE;
        b = pesx_neb_alloc(p, fr.atoms, n, &np);
        ck_assert_int_eq(pesx_neb_uses_precon(b), pc);
        memcpy(pesx_neb_image(b, 0), fr.atoms->x, 3 * 17 * sizeof(double));
        memcpy(pesx_neb_image(b, n - 1), fp.atoms->x, 3 * 17 * sizeof(double));
        pesx_neb_interpolate_linear(17, n, pesx_neb_image(b, 0));
        ck_assert_int_eq(pesx_neb_run(b, NULL, NULL), PESX_OK);
        pesx_neb_get_status(b, &st);
        steps[pc] = st.step;
        for (size_t i = 1; i + 1 < n; i++)
            ck_assert(memcmp(pesx_neb_image(b, i), fr.atoms->x, 3 * 16 * sizeof(double)) == 0);
        pesx_report_init(&rep);
        ck_assert_int_eq(pesx_neb_report(b, &rep), PESX_OK);
        ck_assert_msg(fabs(rep.barrier_forward - ref_value("forward_barrier")) < 1e-4,
                      "precon %d: forward barrier %.8f, ASE %.8f", pc, rep.barrier_forward,
                      ref_value("forward_barrier"));
        ck_assert(rep.saddle_fmax < 1e-4);
        pesx_report_release(&rep);
        pesx_neb_free(b);
    }
    ck_assert(steps[0] > 0 && steps[1] > 0);
    {
        /* the rule: a free copy of the surface (no fixed atoms) is not
         * preconditioned unless asked; FIRE never is */
        pesx_neb_params np;
        pesx_neb *b;
        memset(fr.atoms->fixed, 0, fr.atoms->n);
        pesx_neb_params_default(&np);
        b = pesx_neb_alloc(p, fr.atoms, n, &np);
        ck_assert_int_eq(pesx_neb_uses_precon(b), 0);
        pesx_neb_free(b);
        np.mp.precon = PESX_PRECON_EXP;
        b = pesx_neb_alloc(p, fr.atoms, n, &np);
        ck_assert_int_eq(pesx_neb_uses_precon(b), 1);
        pesx_neb_free(b);
        np.minimizer = &pesx_minimizer_fire;
        b = pesx_neb_alloc(p, fr.atoms, n, &np);
        ck_assert_int_eq(pesx_neb_uses_precon(b), 0);
        pesx_neb_free(b);
    }
    pesx_frame_release(&fr);
    pesx_frame_release(&fp);
    pesx_potential_free(p);
}
END_TEST

/* ---- endpoints ------------------------------------------------------------- */

START_TEST(endpoint_errors)
{
    pesx_atoms *a = pesx_atoms_alloc(3), *b;
    for (int i = 0; i < 3; i++) {
        a->z[i] = i == 0 ? 8 : 1;
        a->x[3 * i] = i;
    }
    b = pesx_atoms_clone(a);
    ck_assert_int_eq(pesx_neb_check_endpoints(a, "r.xyz", 1, b, "p.xyz", 1), PESX_OK);
    /* element order */
    b->z[0] = 1;
    b->z[2] = 8;
    ck_assert_int_eq(pesx_neb_check_endpoints(a, "r.xyz", 1, b, "p.xyz", 1), PESX_EINVAL);
    ck_assert_msg(strstr(pesx_error_last()->msg, "element order differs: atom 1 is H"),
                  "%s", pesx_error_last()->msg);
    ck_assert_str_eq(pesx_error_last()->file, "p.xyz");
    ck_assert_int_eq(pesx_error_last()->line, 3);
    pesx_atoms_copy(b, a);
    /* NaN */
    b->x[4] = NAN;
    ck_assert_int_eq(pesx_neb_check_endpoints(a, "r.xyz", 1, b, "p.xyz", 1), PESX_EINVAL);
    ck_assert_msg(strstr(pesx_error_last()->msg, "coordinate y of atom 2 is not finite"), "%s",
                  pesx_error_last()->msg);
    pesx_atoms_copy(b, a);
    /* count */
    pesx_atoms_resize(b, 2);
    ck_assert_int_eq(pesx_neb_check_endpoints(a, "r.xyz", 1, b, "p.xyz", 1), PESX_EINVAL);
    ck_assert_msg(strstr(pesx_error_last()->msg, "atom count differs: 2 atoms here, 3 in r.xyz"),
                  "%s", pesx_error_last()->msg);
    pesx_atoms_copy(b, a);
    /* pbc and cell */
    b->pbc[0] = 1;
    b->has_cell = 1;
    b->cell[0] = b->cell[4] = b->cell[8] = 10.0;
    ck_assert_int_eq(pesx_neb_check_endpoints(a, "r.xyz", 1, b, "p.xyz", 1), PESX_EINVAL);
    ck_assert_msg(strstr(pesx_error_last()->msg, "pbc differs"), "%s", pesx_error_last()->msg);
    a->pbc[0] = 1;
    a->has_cell = 1;
    a->cell[0] = a->cell[4] = a->cell[8] = 10.0;
    a->cell[4] = 11.0;
    ck_assert_int_eq(pesx_neb_check_endpoints(a, "r.xyz", 1, b, "p.xyz", 1), PESX_EINVAL);
    ck_assert_msg(strstr(pesx_error_last()->msg, "cell differs: lattice vector b component y"),
                  "%s", pesx_error_last()->msg);
    pesx_atoms_free(a);
    pesx_atoms_free(b);
}
END_TEST

START_TEST(minimum_image_alignment)
{
    pesx_atoms *a = pesx_atoms_alloc(2), *b;
    a->z[0] = a->z[1] = 18;
    a->pbc[0] = a->pbc[1] = a->pbc[2] = 1;
    a->has_cell = 1;
    a->cell[0] = a->cell[4] = a->cell[8] = 10.0;
    a->x[0] = 0.5;
    a->x[3] = 5.0;
    b = pesx_atoms_clone(a);
    b->x[0] = 9.7; /* atom 1 crossed the boundary: really at -0.3 */
    b->x[5] = 9.9; /* atom 2 moved to z = -0.1 */
    ck_assert_int_eq(pesx_neb_align(a, b), PESX_OK);
    ck_assert(fabs(b->x[0] - (-0.3)) < 1e-12);
    ck_assert(fabs(b->x[3] - 5.0) < 1e-12);
    ck_assert(fabs(b->x[5] - (-0.1)) < 1e-12);
    pesx_atoms_free(a);
    pesx_atoms_free(b);
}
END_TEST

/* IDPP on a rotating dimer plus a spectator: the straight line shrinks the
 * bond to cos(45 deg) of its length half way; IDPP keeps it near 1. */
START_TEST(idpp_keeps_bond_lengths)
{
    size_t n = 2, N = 5, dim = 6;
    double x[5 * 6] = {0}, d_lin, d_idpp;
    x[3] = 1.0;                      /* reactant: bond along x */
    x[(N - 1) * dim + 4] = 1.0;      /* product: bond along y  */
    pesx_neb_interpolate_linear(n, N, x);
    d_lin = hypot(x[2 * dim + 3] - x[2 * dim], x[2 * dim + 4] - x[2 * dim + 1]);
    ck_assert(fabs(d_lin - sqrt(0.5)) < 1e-12);
    ck_assert_int_eq(pesx_neb_interpolate_idpp(n, NULL, N, x, 1e-4, 500), PESX_OK);
    for (size_t i = 1; i + 1 < N; i++) {
        d_idpp = hypot(x[i * dim + 3] - x[i * dim], x[i * dim + 4] - x[i * dim + 1]);
        ck_assert_msg(fabs(d_idpp - 1.0) < 1e-3, "image %zu bond %.6f", i, d_idpp);
    }
}
END_TEST

/* ---- report files ----------------------------------------------------------- */

START_TEST(report_files)
{
    pesx_report r;
    double s[3] = {0, 1, 2}, e[3] = {-1.0, 0.5, -1.5}, ft[3] = {0, 0, 0}, std[3] = {0, 0.1, 0};
    double members[3 * 2] = {-1.0, -1.0, 0.4, 0.6, -1.5, -1.5};
    size_t nx[3] = {0, 2, 0};
    char xml[] = "/tmp/pesx-check-path-XXXXXX";
    char svg[4096], *text;
    FILE *fp;
    int fd = mkstemp(xml);
    ck_assert(fd >= 0);
    close(fd);
    snprintf(svg, sizeof svg, "%s.svg", xml);
    pesx_report_init(&r);
    ck_assert_int_eq(pesx_report_set_profile(&r, 3, s, e, ft, 1, 1, std, nx), PESX_OK);
    ck_assert_int_eq(pesx_report_set_members(&r, 2, members), PESX_OK);
    ck_assert_int_eq(pesx_report_set_frequencies(&r, -512.5, 1, 2, (double[]){100, 200}, 0, NULL),
                     PESX_OK);
    snprintf(r.potential, sizeof r.potential, "lj:rc=\"3\"&x");
    r.force_calls = 42;
    r.saddle_fmax = 0.001;
    r.saddle_fnorm = 0.002;
    r.force_calls_per_image = 20;
    r.ledger_calls = 45;
    r.ledger_seconds = 1.25;
    ck_assert_int_eq(pesx_report_finish(&r), PESX_OK);
    ck_assert(fabs(r.barrier_forward - 1.5) < 1e-15 && fabs(r.barrier_reverse - 2.0) < 1e-15);
    ck_assert(fabs(r.forward_mean - 1.5) < 1e-15);
    ck_assert(fabs(r.forward_std - sqrt(0.02)) < 1e-15); /* members 1.4, 1.6 */
    ck_assert_uint_eq(r.n_extrapolating_total, 2);
    /* flat ends and a flat top: the spline maximum is the middle image */
    ck_assert(fabs(r.spline_e_max - 0.5) < 1e-15 && fabs(r.spline_s_max - 1.0) < 1e-15);
    ck_assert_int_eq(pesx_report_write_xml(xml, &r), PESX_OK);
    text = tu_slurp(xml, NULL);
    ck_assert_ptr_nonnull(strstr(text, "<pesx-report "));
    ck_assert_ptr_nonnull(strstr(text, "potential=\"lj:rc=&quot;3&quot;&amp;x\""));
    ck_assert_ptr_nonnull(strstr(text, "<reactant energy=\"-1\"/>"));
    ck_assert_ptr_nonnull(strstr(text, "<product energy=\"-1.5\"/>"));
    ck_assert_ptr_nonnull(strstr(text, "<saddle energy=\"0.5\" fmax=\"0.001\" fnorm=\"0.002\" image=\"1\""));
    ck_assert_ptr_nonnull(strstr(text, "<barrier forward=\"1.5\" reverse=\"2\" reaction-energy=\"-0.5\" forward-std=\"0.1414213562\""));
    ck_assert_ptr_nonnull(strstr(text, "<force-calls total=\"42\" per-image=\"20\"/>"));
    ck_assert_ptr_nonnull(strstr(text, "<ledger calls=\"45\" seconds=\"1.25\"/>"));
    ck_assert_ptr_nonnull(strstr(text, "<frequencies imaginary=\"512.5\" n-negative=\"1\">"));
    ck_assert_ptr_nonnull(strstr(text, "extrapolating=\"2\""));
    free(text);
    ck_assert_int_eq(pesx_report_write_svg(svg, &r), PESX_OK);
    text = tu_slurp(svg, NULL);
    ck_assert_ptr_nonnull(strstr(text, "<svg "));
    ck_assert_ptr_nonnull(strstr(text, "<polygon")); /* the committee band */
    ck_assert_ptr_nonnull(strstr(text, "</svg>"));
    free(text);
    fp = tmpfile();
    ck_assert_int_eq(pesx_report_write_table(fp, &r), PESX_OK);
    fclose(fp);
    unlink(xml);
    unlink(svg);
    pesx_report_release(&r);
}
END_TEST

static Suite *path_suite(void)
{
    Suite *s = suite_create("path");
    TCase *tc = tcase_create("neb");
    tcase_add_test(tc, spline_reproduces_cubic);
    tcase_add_test(tc, tangent_cases);
    tcase_add_test(tc, mueller_brown_climbing_image);
    tcase_add_test(tc, mueller_brown_swapped_endpoints);
    tcase_add_test(tc, mueller_brown_resume);
    tcase_add_test(tc, mueller_brown_steps_taken_back);
    tcase_add_test(tc, free_cluster_no_rigid_motion);
    tcase_add_test(tc, lj_adatom_hop);
    tcase_add_test(tc, lj_adatom_hop_preconditioned);
    tcase_add_test(tc, endpoint_errors);
    tcase_add_test(tc, minimum_image_alignment);
    tcase_add_test(tc, idpp_keeps_bond_lengths);
    tcase_add_test(tc, report_files);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(path_suite());
}
