/* structure_align: Kabsch superposition checked against known rotations,
 * against Horn's quaternion optimum (an independent route to the best
 * proper rotation), mirror images, mass weighting, degenerate point sets,
 * and the minimum-image comparison of periodic or partly fixed systems. */
#include <config.h>
#include "testutil.h"

#include <pesx/structure_align.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

/* ---- helpers -------------------------------------------------------------- */

/* A uniformly random proper rotation from a random unit quaternion. */
static void random_rotation(pesx_rng *g, double q[9])
{
    double a, b, c, d, s;
    do {
        a = pesx_rng_normal(g), b = pesx_rng_normal(g), c = pesx_rng_normal(g),
        d = pesx_rng_normal(g);
        s = sqrt(a * a + b * b + c * c + d * d);
    } while (s < 1e-3);
    a /= s, b /= s, c /= s, d /= s;
    double m[9] = {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
                   2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b),
                   2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d};
    memcpy(q, m, sizeof m);
}

/* out_i = q x_i + t */
static void transform(size_t n, const double q[9], const double t[3], const double *x, double *out)
{
    for (size_t i = 0; i < n; i++)
        for (int r = 0; r < 3; r++)
            out[3 * i + r] = q[3 * r] * x[3 * i] + q[3 * r + 1] * x[3 * i + 1] +
                             q[3 * r + 2] * x[3 * i + 2] + t[r];
}

static void random_points(pesx_rng *g, size_t n, double scale, double *x)
{
    for (size_t k = 0; k < 3 * n; k++)
        x[k] = scale * (2.0 * pesx_rng_uniform(g) - 1.0);
}

static double det3(const double m[9])
{
    return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
           m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/* rot is orthogonal with det +1 to 1e-12 */
static void assert_proper_rotation(const double r[9])
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0.0;
            for (int k = 0; k < 3; k++)
                s += r[3 * k + i] * r[3 * k + j];
            ck_assert_msg(fabs(s - (i == j)) < 1e-12, "R^T R [%d][%d] = %.17g", i, j, s);
        }
    ck_assert_msg(fabs(det3(r) - 1.0) < 1e-12, "det R = %.17g", det3(r));
}

/* Weighted rmsd of rot * mov + shift from ref, recomputed here. */
static double rmsd_of(const pesx_align *al, size_t n, const double *ref, const double *mov,
                      const double *w)
{
    double s = 0.0, ws = 0.0, y[3];
    for (size_t i = 0; i < n; i++) {
        transform(1, al->rot, al->shift, mov + 3 * i, y);
        double d2 = 0.0;
        for (int k = 0; k < 3; k++)
            d2 += (y[k] - ref[3 * i + k]) * (y[k] - ref[3 * i + k]);
        s += (w ? w[i] : 1.0) * d2;
        ws += w ? w[i] : 1.0;
    }
    return sqrt(s / ws);
}

/* The best rmsd over proper rotations and translations by Horn's
 * quaternion method (J. Opt. Soc. Am. A 4, 629 (1987)): the sum of squares
 * is sum w (|p|^2 + |q|^2) - 2 lambda_max of a 4x4 symmetric matrix built
 * from the centred covariance.  No SVD, no sign correction. */
static double horn_rmsd(size_t n, const double *ref, const double *mov, const double *w)
{
    double cr[3] = {0, 0, 0}, cm[3] = {0, 0, 0}, ws = 0.0, S[3][3] = {{0}}, e0 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        ws += wi;
        for (int k = 0; k < 3; k++) {
            cr[k] += wi * ref[3 * i + k];
            cm[k] += wi * mov[3 * i + k];
        }
    }
    for (int k = 0; k < 3; k++)
        cr[k] /= ws, cm[k] /= ws;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0, p[3], q[3];
        for (int k = 0; k < 3; k++) {
            p[k] = mov[3 * i + k] - cm[k];
            q[k] = ref[3 * i + k] - cr[k];
            e0 += wi * (p[k] * p[k] + q[k] * q[k]);
        }
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                S[a][b] += wi * p[a] * q[b];
    }
    double N[16] = {
        S[0][0] + S[1][1] + S[2][2], S[1][2] - S[2][1], S[2][0] - S[0][2], S[0][1] - S[1][0],
        S[1][2] - S[2][1], S[0][0] - S[1][1] - S[2][2], S[0][1] + S[1][0], S[2][0] + S[0][2],
        S[2][0] - S[0][2], S[0][1] + S[1][0], -S[0][0] + S[1][1] - S[2][2], S[1][2] + S[2][1],
        S[0][1] - S[1][0], S[2][0] + S[0][2], S[1][2] + S[2][1], -S[0][0] - S[1][1] + S[2][2]};
    double ev[4];
    gsl_matrix_view A = gsl_matrix_view_array(N, 4, 4);
    gsl_vector_view L = gsl_vector_view_array(ev, 4);
    gsl_eigen_symm_workspace *wk = gsl_eigen_symm_alloc(4);
    ck_assert_ptr_nonnull(wk);
    ck_assert_int_eq(gsl_eigen_symm(&A.matrix, &L.vector, wk), 0);
    gsl_eigen_symm_free(wk);
    double lmax = fmax(fmax(ev[0], ev[1]), fmax(ev[2], ev[3]));
    double ss = e0 - 2.0 * lmax;
    return sqrt(ss > 0.0 ? ss / ws : 0.0);
}

/* ---- rigid motions are undone exactly ---------------------------------------- */

START_TEST(test_random_rigid_motion)
{
    pesx_rng g;
    pesx_rng_seed(&g, 11);
    enum { N = 12 };
    double ref[3 * N], mov[3 * N], back[3 * N], q[9], t[3], w[N];
    for (int trial = 0; trial < 200; trial++) {
        size_t n = 3 + (size_t)(trial % (N - 2)); /* 3 .. 12 atoms */
        random_points(&g, n, 2.0, ref);
        random_rotation(&g, q);
        random_points(&g, 1, 50.0, t);
        transform(n, q, t, ref, mov);
        for (size_t i = 0; i < n; i++)
            w[i] = 1.0 + 30.0 * pesx_rng_uniform(&g);
        for (int weighted = 0; weighted < 2; weighted++) {
            pesx_align al;
            ck_assert_int_eq(pesx_align_points(n, ref, mov, weighted ? w : NULL, &al), PESX_OK);
            ck_assert_int_eq(al.rigid, 1);
            ck_assert_msg(al.rmsd < 1e-12 && al.max_dist < 1e-12,
                          "trial %d: rmsd %.3g, max %.3g", trial, al.rmsd, al.max_dist);
            assert_proper_rotation(al.rot);
            /* the recovered rotation is q^T (mov = q ref + t), the shift -q^T t */
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 3; c++)
                    ck_assert_msg(fabs(al.rot[3 * r + c] - q[3 * c + r]) < 1e-12,
                                  "trial %d: rot[%d][%d] %.17g vs %.17g", trial, r, c,
                                  al.rot[3 * r + c], q[3 * c + r]);
            for (int r = 0; r < 3; r++) {
                double s = -(q[r] * t[0] + q[3 + r] * t[1] + q[6 + r] * t[2]);
                ck_assert_msg(fabs(al.shift[r] - s) < 1e-10, "shift %d: %.17g vs %.17g", r,
                              al.shift[r], s);
            }
            /* applying it gives back the reference, in place too */
            memcpy(back, mov, sizeof back);
            pesx_align_apply(&al, n, back, back);
            for (size_t k = 0; k < 3 * n; k++)
                ck_assert_msg(fabs(back[k] - ref[k]) < 1e-11, "coordinate %zu", k);
        }
    }
}
END_TEST

/* A distorted copy: the rmsd is Horn's optimum, recomputing it from rot and
 * shift gives the same number, and no nearby rotation or shift does better. */
START_TEST(test_distorted_is_optimal)
{
    pesx_rng g;
    pesx_rng_seed(&g, 5);
    enum { N = 9 };
    double ref[3 * N], mov[3 * N], q[9], t[3] = {1.0, -2.0, 0.5}, w[N];
    for (int trial = 0; trial < 100; trial++) {
        size_t n = 4 + (size_t)(trial % (N - 3));
        random_points(&g, n, 2.0, ref);
        random_rotation(&g, q);
        transform(n, q, t, ref, mov);
        for (size_t k = 0; k < 3 * n; k++)
            mov[k] += 0.2 * pesx_rng_normal(&g);
        for (size_t i = 0; i < n; i++)
            w[i] = 1.0 + 15.0 * pesx_rng_uniform(&g);
        for (int weighted = 0; weighted < 2; weighted++) {
            const double *wp = weighted ? w : NULL;
            pesx_align al, pert;
            ck_assert_int_eq(pesx_align_points(n, ref, mov, wp, &al), PESX_OK);
            assert_proper_rotation(al.rot);
            ck_assert(al.rmsd > 0.01);
            ck_assert_rel(al.rmsd, horn_rmsd(n, ref, mov, wp), 1e-8);
            ck_assert_rel(al.rmsd, rmsd_of(&al, n, ref, mov, wp), 1e-12);
            /* small rotations (about random axes) and shifts only make it worse */
            for (int k = 0; k < 6; k++) {
                double dq[9];
                pert = al;
                /* a rotation by 1e-3 rad about a random axis (Rodrigues) */
                double ax[3] = {pesx_rng_normal(&g), pesx_rng_normal(&g), pesx_rng_normal(&g)};
                double th = 1e-3, c = cos(th), s = sin(th), nn = sqrt(ax[0] * ax[0] + ax[1] * ax[1] + ax[2] * ax[2]);
                for (int m = 0; m < 3; m++)
                    ax[m] /= nn;
                double K[9] = {0, -ax[2], ax[1], ax[2], 0, -ax[0], -ax[1], ax[0], 0};
                for (int r = 0; r < 3; r++)
                    for (int cc = 0; cc < 3; cc++) {
                        double kk = 0.0;
                        for (int m = 0; m < 3; m++)
                            kk += K[3 * r + m] * K[3 * m + cc];
                        dq[3 * r + cc] = (r == cc) + s * K[3 * r + cc] + (1 - c) * kk;
                    }
                for (int r = 0; r < 3; r++)
                    for (int cc = 0; cc < 3; cc++) {
                        double v = 0.0;
                        for (int m = 0; m < 3; m++)
                            v += dq[3 * r + m] * al.rot[3 * m + cc];
                        pert.rot[3 * r + cc] = v;
                    }
                for (int r = 0; r < 3; r++)
                    pert.shift[r] = al.shift[r] + 1e-3 * pesx_rng_normal(&g);
                ck_assert_msg(rmsd_of(&pert, n, ref, mov, wp) > al.rmsd,
                              "a perturbed superposition is better: %.17g < %.17g",
                              rmsd_of(&pert, n, ref, mov, wp), al.rmsd);
            }
        }
    }
}
END_TEST

/* ---- mirror images ----------------------------------------------------------- */

START_TEST(test_reflection_not_aligned)
{
    /* a chiral molecule: CHFClBr-like tetrahedron with four different arms */
    const double ref[15] = {0, 0, 0,   1.09, 0, 0,   -0.45, 1.30, 0,
                            -0.60, -0.80, 1.40,   -0.70, -0.90, -1.70};
    double mir[15], mov[15], q[9], t[3] = {3.0, -1.0, 2.0};
    pesx_rng g;
    double first = 0.0;
    pesx_rng_seed(&g, 2);
    for (int trial = 0; trial < 20; trial++) {
        for (int i = 0; i < 5; i++) {
            mir[3 * i] = -ref[3 * i]; /* mirror in the yz plane */
            mir[3 * i + 1] = ref[3 * i + 1];
            mir[3 * i + 2] = ref[3 * i + 2];
        }
        random_rotation(&g, q);
        transform(5, q, t, mir, mov);
        pesx_align al;
        ck_assert_int_eq(pesx_align_points(5, ref, mov, NULL, &al), PESX_OK);
        assert_proper_rotation(al.rot);
        /* an improper rotation would give 0; the best proper one is far off */
        ck_assert_msg(al.rmsd > 0.3, "mirror image superposed to rmsd %.3g", al.rmsd);
        ck_assert_rel(al.rmsd, horn_rmsd(5, ref, mov, NULL), 1e-9);
        /* the same number for every orientation of the mirror image */
        if (trial == 0)
            first = al.rmsd;
        else
            ck_assert_rel(al.rmsd, first, 1e-10);
    }
}
END_TEST

START_TEST(test_planar_mirror_is_a_rotation)
{
    /* a planar molecule's mirror image is the molecule turned over: a proper
     * rotation superposes it exactly */
    const double ref[12] = {0, 0, 0,   1.2, 0.1, 0,   -0.4, 1.1, 0,   -0.9, -0.7, 0};
    double mir[12], mov[12], q[9], t[3] = {0.3, 0.2, -5.0};
    pesx_rng g;
    pesx_rng_seed(&g, 8);
    /* mirror through a plane across the molecular plane: x -> -x */
    for (int i = 0; i < 4; i++) {
        mir[3 * i] = -ref[3 * i];
        mir[3 * i + 1] = ref[3 * i + 1];
        mir[3 * i + 2] = ref[3 * i + 2];
    }
    random_rotation(&g, q);
    transform(4, q, t, mir, mov);
    pesx_align al;
    ck_assert_int_eq(pesx_align_points(4, ref, mov, NULL, &al), PESX_OK);
    assert_proper_rotation(al.rot);
    ck_assert_msg(al.rmsd < 1e-12, "rmsd %.3g", al.rmsd);
}
END_TEST

/* ---- mass weighting ---------------------------------------------------------- */

START_TEST(test_mass_weighted_diatomic)
{
    /* O-H stretched by 1 A: superposed at the centre of mass, the residuals
     * are m_O/M and m_H/M of the stretch, so the mass-weighted rmsd is
     * sqrt(m_H m_O) / M; unweighted it is 1/2 */
    pesx_atoms *a = pesx_atoms_alloc(2);
    ck_assert_ptr_nonnull(a);
    a->z[0] = 1;
    a->z[1] = 8;
    const double ref[6] = {0, 0, 0, 1, 0, 0};
    const double mov[6] = {5, 5, 5, 5, 5, 7}; /* 2 A along z, translated */
    double mh = pesx_element_mass(1), mo = pesx_element_mass(8), M = mh + mo;
    pesx_align al;
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, PESX_ALIGN_MASS_WEIGHTED, &al), PESX_OK);
    ck_assert_int_eq(al.rigid, 1);
    ck_assert_rel(al.rmsd, sqrt(mh * mo) / M, 1e-12);
    ck_assert_rel(al.max_dist, mo / M, 1e-12);
    /* the centre of mass of the superposed copy is the reference's */
    double y[6], cy = 0.0, cr = 0.0;
    pesx_align_apply(&al, 2, mov, y);
    cy = (mh * y[0] + mo * y[3]) / M;
    cr = (mh * ref[0] + mo * ref[3]) / M;
    ck_assert_msg(fabs(cy - cr) < 1e-12, "centre of mass %.17g vs %.17g", cy, cr);
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, 0, &al), PESX_OK);
    ck_assert_rel(al.rmsd, 0.5, 1e-12);
    ck_assert_rel(al.max_dist, 0.5, 1e-12);
    /* the same through explicit weights, and any common factor */
    double w[2] = {mh, mo}, w3[2] = {3 * mh, 3 * mo};
    ck_assert_int_eq(pesx_align_points(2, ref, mov, w, &al), PESX_OK);
    ck_assert_rel(al.rmsd, sqrt(mh * mo) / M, 1e-12);
    ck_assert_int_eq(pesx_align_points(2, ref, mov, w3, &al), PESX_OK);
    ck_assert_rel(al.rmsd, sqrt(mh * mo) / M, 1e-12);
    /* an atom of unknown element has no mass to weight by */
    a->z[1] = 0;
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, PESX_ALIGN_MASS_WEIGHTED, &al), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "atom 2"));
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, 0, &al), PESX_OK);
    pesx_atoms_free(a);
}
END_TEST

START_TEST(test_mass_weighted_water)
{
    /* a bent water against a distorted, rotated one: mass weighting follows
     * the oxygen, and both match Horn's optimum for their weights */
    pesx_atoms *a = pesx_atoms_alloc(3);
    ck_assert_ptr_nonnull(a);
    a->z[0] = 8, a->z[1] = 1, a->z[2] = 1;
    const double ref[9] = {0, 0, 0.1173,   0, 0.7572, -0.4692,   0, -0.7572, -0.4692};
    double dist[9], mov[9], q[9], t[3] = {1, 2, 3};
    memcpy(dist, ref, sizeof dist);
    dist[4] += 0.3;  /* one O-H longer */
    dist[8] -= 0.2;  /* the other H moved */
    pesx_rng g;
    pesx_rng_seed(&g, 4);
    random_rotation(&g, q);
    transform(3, q, t, dist, mov);
    double w[3] = {pesx_element_mass(8), pesx_element_mass(1), pesx_element_mass(1)};
    pesx_align mw, uw;
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, PESX_ALIGN_MASS_WEIGHTED, &mw), PESX_OK);
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, 0, &uw), PESX_OK);
    ck_assert_rel(mw.rmsd, horn_rmsd(3, ref, mov, w), 1e-9);
    ck_assert_rel(uw.rmsd, horn_rmsd(3, ref, mov, NULL), 1e-9);
    /* the oxygen sits closer to its reference place when weighted */
    double ym[9], yu[9];
    pesx_align_apply(&mw, 3, mov, ym);
    pesx_align_apply(&uw, 3, mov, yu);
    double dm = hypot(hypot(ym[0] - ref[0], ym[1] - ref[1]), ym[2] - ref[2]);
    double du = hypot(hypot(yu[0] - ref[0], yu[1] - ref[1]), yu[2] - ref[2]);
    ck_assert_msg(dm < 0.5 * du, "oxygen off by %.4g weighted, %.4g unweighted", dm, du);
    pesx_atoms_free(a);
}
END_TEST

/* ---- degenerate sets ------------------------------------------------------------ */

START_TEST(test_degenerate)
{
    pesx_align al;
    pesx_rng g;
    double q[9], t[3] = {-4.0, 2.5, 1.0};
    pesx_rng_seed(&g, 9);
    /* no atoms */
    ck_assert_int_eq(pesx_align_points(0, NULL, NULL, NULL, &al), PESX_OK);
    ck_assert(al.rmsd == 0.0 && al.max_dist == 0.0 && al.rigid == 1);
    assert_proper_rotation(al.rot);
    /* one atom: a translation superposes it */
    const double one_r[3] = {1, 2, 3}, one_m[3] = {-7, 0.5, 11};
    ck_assert_int_eq(pesx_align_points(1, one_r, one_m, NULL, &al), PESX_OK);
    ck_assert_msg(al.rmsd < 1e-14, "one atom: rmsd %.3g", al.rmsd);
    assert_proper_rotation(al.rot);
    /* two atoms, rotated: exact; stretched by 0.4 A: each atom 0.2 A off */
    const double two[6] = {0, 0, 0, 0.74, 0, 0};
    double two_m[6];
    for (int trial = 0; trial < 20; trial++) {
        random_rotation(&g, q);
        transform(2, q, t, two, two_m);
        ck_assert_int_eq(pesx_align_points(2, two, two_m, NULL, &al), PESX_OK);
        ck_assert_msg(al.rmsd < 1e-12, "two atoms: rmsd %.3g", al.rmsd);
        assert_proper_rotation(al.rot);
    }
    const double two_s[6] = {0, 0, 0, 0, 1.14, 0};
    ck_assert_int_eq(pesx_align_points(2, two, two_s, NULL, &al), PESX_OK);
    ck_assert_rel(al.rmsd, 0.2, 1e-12);
    ck_assert_rel(al.max_dist, 0.2, 1e-12);
    /* a linear molecule (CO2-like, 4 collinear atoms), rotated */
    const double lin[12] = {-2.3, 0, 0, -1.16, 0, 0, 0, 0, 0, 1.16, 0, 0};
    double lin_m[12];
    for (int trial = 0; trial < 20; trial++) {
        random_rotation(&g, q);
        transform(4, q, t, lin, lin_m);
        ck_assert_int_eq(pesx_align_points(4, lin, lin_m, NULL, &al), PESX_OK);
        ck_assert_msg(al.rmsd < 1e-12, "collinear: rmsd %.3g", al.rmsd);
        assert_proper_rotation(al.rot);
    }
    /* a nearly linear one (bent by 1e-7 A): below the singular-value
     * tolerance the turn about the axis is arbitrary, so the bent atom may
     * be off by up to twice the bend, never more */
    double bent[12], bent_m[12];
    memcpy(bent, lin, sizeof bent);
    bent[4] = 1e-7;
    for (int trial = 0; trial < 20; trial++) {
        random_rotation(&g, q);
        transform(4, q, t, bent, bent_m);
        ck_assert_int_eq(pesx_align_points(4, bent, bent_m, NULL, &al), PESX_OK);
        ck_assert_msg(al.max_dist < 2.5e-7, "nearly collinear: max %.3g", al.max_dist);
        assert_proper_rotation(al.rot);
    }
    /* a spherical top (regular tetrahedron + centre, CH4-like): the three
     * singular values are equal, the rotation is still unique */
    const double ch4[15] = {0, 0, 0,  0.63, 0.63, 0.63,  -0.63, -0.63, 0.63,
                            -0.63, 0.63, -0.63,  0.63, -0.63, -0.63};
    double ch4_m[15];
    for (int trial = 0; trial < 20; trial++) {
        random_rotation(&g, q);
        transform(5, q, t, ch4, ch4_m);
        ck_assert_int_eq(pesx_align_points(5, ch4, ch4_m, NULL, &al), PESX_OK);
        ck_assert_msg(al.rmsd < 1e-12, "tetrahedron: rmsd %.3g", al.rmsd);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                ck_assert_msg(fabs(al.rot[3 * r + c] - q[3 * c + r]) < 1e-12,
                              "tetrahedron: rot[%d][%d]", r, c);
    }
    /* every atom in one place */
    const double same[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, same_m[9] = {2, 0, 0, 2, 0, 0, 2, 0, 0};
    ck_assert_int_eq(pesx_align_points(3, same, same_m, NULL, &al), PESX_OK);
    ck_assert_msg(al.rmsd < 1e-14, "coincident atoms: rmsd %.3g", al.rmsd);
    assert_proper_rotation(al.rot);
}
END_TEST

START_TEST(test_bad_input)
{
    pesx_align al;
    double r[6] = {0, 0, 0, 1, 0, 0}, m[6] = {0, 0, 0, 1, 0, 0};
    m[4] = NAN;
    ck_assert_int_eq(pesx_align_points(2, r, m, NULL, &al), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "atom 2"));
    m[4] = 0.0;
    r[0] = INFINITY;
    ck_assert_int_eq(pesx_align_points(2, r, m, NULL, &al), PESX_EINVAL);
    r[0] = 0.0;
    const double neg[2] = {1.0, -1.0}, zero[2] = {0.0, 0.0}, nan_w[2] = {NAN, 1.0};
    ck_assert_int_eq(pesx_align_points(2, r, m, neg, &al), PESX_EINVAL);
    ck_assert_int_eq(pesx_align_points(2, r, m, zero, &al), PESX_EINVAL);
    ck_assert_int_eq(pesx_align_points(2, r, m, nan_w, &al), PESX_EINVAL);
    ck_assert_int_eq(pesx_align_points(2, r, m, NULL, &al), PESX_OK);
    ck_assert(al.rmsd < 1e-15);
}
END_TEST

/* ---- which systems are superposed ---------------------------------------------- */

START_TEST(test_periodic_uses_min_image)
{
    /* a cubic 10 A box: an atom that crossed the boundary is 0.1 A away, and
     * a rotated copy is NOT superposed (the cell fixes the orientation) */
    pesx_atoms *a = pesx_atoms_alloc(3);
    ck_assert_ptr_nonnull(a);
    a->has_cell = 1;
    a->cell[0] = a->cell[4] = a->cell[8] = 10.0;
    a->pbc[0] = a->pbc[1] = a->pbc[2] = 1;
    a->z[0] = a->z[1] = a->z[2] = 18;
    const double ref[9] = {0.05, 5, 5, 1, 5, 5, 5, 5, 5};
    double mov[9];
    memcpy(mov, ref, sizeof mov);
    mov[0] = 9.95 + 10.0; /* 0.1 A to the -x side, two images away */
    pesx_align al;
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, 0, &al), PESX_OK);
    ck_assert_int_eq(al.rigid, 0);
    ck_assert_rel(al.max_dist, 0.1, 1e-10);
    ck_assert_rel(al.rmsd, 0.1 / sqrt(3.0), 1e-10);
    /* rotated by 90 degrees about z around (5, 5, 5): compared as it is */
    for (int i = 0; i < 3; i++) {
        mov[3 * i] = 5.0 - (ref[3 * i + 1] - 5.0);
        mov[3 * i + 1] = 5.0 + (ref[3 * i] - 5.0);
        mov[3 * i + 2] = ref[3 * i + 2];
    }
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, 0, &al), PESX_OK);
    ck_assert_int_eq(al.rigid, 0);
    ck_assert_rel(al.max_dist, 4.95 * sqrt(2.0), 1e-10);
    /* the same free molecule (no pbc, no cell) is superposed exactly */
    a->pbc[0] = a->pbc[1] = a->pbc[2] = 0;
    a->has_cell = 0;
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, 0, &al), PESX_OK);
    ck_assert_int_eq(al.rigid, 1);
    ck_assert_msg(al.rmsd < 1e-12, "rmsd %.3g", al.rmsd);
    /* one periodic direction (a slab) is enough to keep the orientation */
    a->pbc[0] = 1;
    a->has_cell = 1;
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, 0, &al), PESX_OK);
    ck_assert_int_eq(al.rigid, 0);
    /* a periodic direction without a cell is an error */
    a->has_cell = 0;
    memset(a->cell, 0, sizeof a->cell);
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, 0, &al), PESX_EINVAL);
    pesx_atoms_free(a);
}
END_TEST

START_TEST(test_fixed_atoms_no_superposition)
{
    /* a molecule with a fixed atom is compared in place: a rigid shift of
     * 0.3 A along x stays 0.3 A */
    pesx_atoms *a = pesx_atoms_alloc(3);
    ck_assert_ptr_nonnull(a);
    a->z[0] = 6, a->z[1] = 1, a->z[2] = 1;
    a->fixed[2] = 1;
    const double ref[9] = {0, 0, 0, 1.1, 0, 0, 0, 1.1, 0};
    double mov[9];
    for (int k = 0; k < 9; k++)
        mov[k] = ref[k] + (k % 3 == 0 ? 0.3 : 0.0);
    pesx_align al;
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, 0, &al), PESX_OK);
    ck_assert_int_eq(al.rigid, 0);
    ck_assert_rel(al.rmsd, 0.3, 1e-12);
    ck_assert_rel(al.max_dist, 0.3, 1e-12);
    a->fixed[2] = 0;
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, 0, &al), PESX_OK);
    ck_assert_int_eq(al.rigid, 1);
    ck_assert_msg(al.rmsd < 1e-12, "rmsd %.3g", al.rmsd);
    /* a model surface's coordinates are compared in place */
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, PESX_ALIGN_IN_PLACE, &al), PESX_OK);
    ck_assert_int_eq(al.rigid, 0);
    ck_assert_rel(al.rmsd, 0.3, 1e-12);
    /* mass weighting in place: the C and H's are all 0.3 A off */
    ck_assert_int_eq(pesx_align_coords(a, ref, mov, PESX_ALIGN_IN_PLACE | PESX_ALIGN_MASS_WEIGHTED,
                                       &al), PESX_OK);
    ck_assert_rel(al.rmsd, 0.3, 1e-12);
    pesx_atoms_free(a);
}
END_TEST

START_TEST(test_align_atoms_checks_elements)
{
    pesx_atoms *r = pesx_atoms_alloc(3), *m = pesx_atoms_alloc(3), *s = pesx_atoms_alloc(2);
    ck_assert(r && m && s);
    const double x[9] = {0, 0, 0.1173, 0, 0.7572, -0.4692, 0, -0.7572, -0.4692};
    double q[9], t[3] = {2, 2, 2};
    pesx_rng g;
    pesx_rng_seed(&g, 1);
    random_rotation(&g, q);
    memcpy(r->x, x, sizeof x);
    transform(3, q, t, x, m->x);
    r->z[0] = m->z[0] = 8;
    r->z[1] = m->z[1] = r->z[2] = m->z[2] = 1;
    pesx_align al;
    ck_assert_int_eq(pesx_align_atoms(r, m, PESX_ALIGN_MASS_WEIGHTED, &al), PESX_OK);
    ck_assert_int_eq(al.rigid, 1);
    ck_assert_msg(al.rmsd < 1e-12, "rmsd %.3g", al.rmsd);
    /* the same atoms in another order are not matched */
    m->z[0] = 1, m->z[1] = 8;
    ck_assert_int_eq(pesx_align_atoms(r, m, 0, &al), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "atom 1 is H, but O"));
    ck_assert_int_eq(pesx_align_atoms(r, s, 0, &al), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "2 atoms against 3"));
    /* a fixed atom in either one: compared in place */
    m->z[0] = 8, m->z[1] = 1;
    m->fixed[1] = 1;
    ck_assert_int_eq(pesx_align_atoms(r, m, 0, &al), PESX_OK);
    ck_assert_int_eq(al.rigid, 0);
    ck_assert(al.max_dist > 1.0);
    pesx_atoms_free(r);
    pesx_atoms_free(m);
    pesx_atoms_free(s);
}
END_TEST

START_TEST(test_superpose_in_place)
{
    /* a turned and shifted water is moved onto the reference; in a periodic
     * cell it is left where it is */
    pesx_atoms *r = pesx_atoms_alloc(3), *m = pesx_atoms_alloc(3);
    ck_assert(r && m);
    const double x[9] = {0, 0, 0.1173, 0, 0.7572, -0.4692, 0, -0.7572, -0.4692};
    double q[9], t[3] = {-1, 4, 2}, moved[9];
    pesx_rng g;
    pesx_rng_seed(&g, 21);
    random_rotation(&g, q);
    memcpy(r->x, x, sizeof x);
    transform(3, q, t, x, m->x);
    memcpy(moved, m->x, sizeof moved);
    r->z[0] = m->z[0] = 8;
    r->z[1] = m->z[1] = r->z[2] = m->z[2] = 1;
    pesx_align al;
    ck_assert_int_eq(pesx_align_superpose(r, m, 0, &al), PESX_OK);
    ck_assert_int_eq(al.rigid, 1);
    for (int k = 0; k < 9; k++)
        ck_assert_msg(fabs(m->x[k] - x[k]) < 1e-12, "coordinate %d: %.17g vs %.17g", k,
                      m->x[k], x[k]);
    /* the molecule is now in place: a second call finds nothing to do */
    ck_assert_int_eq(pesx_align_superpose(r, m, 0, NULL), PESX_OK);
    for (int k = 0; k < 9; k++)
        ck_assert(fabs(m->x[k] - x[k]) < 1e-12);
    /* periodic: untouched */
    memcpy(m->x, moved, sizeof moved);
    r->has_cell = 1;
    r->cell[0] = r->cell[4] = r->cell[8] = 20.0;
    r->pbc[0] = r->pbc[1] = r->pbc[2] = 1;
    ck_assert_int_eq(pesx_align_superpose(r, m, 0, &al), PESX_OK);
    ck_assert_int_eq(al.rigid, 0);
    ck_assert(memcmp(m->x, moved, sizeof moved) == 0);
    /* another element: refused, unchanged */
    r->pbc[0] = r->pbc[1] = r->pbc[2] = 0;
    m->z[2] = 9;
    ck_assert_int_eq(pesx_align_superpose(r, m, 0, &al), PESX_EINVAL);
    ck_assert(memcmp(m->x, moved, sizeof moved) == 0);
    pesx_atoms_free(r);
    pesx_atoms_free(m);
}
END_TEST

static Suite *align_suite(void)
{
    Suite *s = suite_create("structure_align");
    TCase *tc = tcase_create("kabsch");
    tcase_add_test(tc, test_random_rigid_motion);
    tcase_add_test(tc, test_distorted_is_optimal);
    tcase_add_test(tc, test_reflection_not_aligned);
    tcase_add_test(tc, test_planar_mirror_is_a_rotation);
    suite_add_tcase(s, tc);
    tc = tcase_create("weights");
    tcase_add_test(tc, test_mass_weighted_diatomic);
    tcase_add_test(tc, test_mass_weighted_water);
    suite_add_tcase(s, tc);
    tc = tcase_create("degenerate");
    tcase_add_test(tc, test_degenerate);
    tcase_add_test(tc, test_bad_input);
    suite_add_tcase(s, tc);
    tc = tcase_create("policy");
    tcase_add_test(tc, test_periodic_uses_min_image);
    tcase_add_test(tc, test_fixed_atoms_no_superposition);
    tcase_add_test(tc, test_align_atoms_checks_elements);
    tcase_add_test(tc, test_superpose_in_place);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    gsl_set_error_handler_off();
    return tu_run_suite(align_suite());
}
