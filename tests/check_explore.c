/* explore: the identity rule of saddles and minima.  The assignment is
 * checked against brute force over every permutation; permuted, rotated
 * and translated clusters are the same structure, their mirror images are
 * not; energies outside the tolerance differ; periodic slabs are compared
 * through the minimum image without rotation, fixed atoms never swapped. */
#include <config.h>
#include "testutil.h"

#include <pesx/explore.h>
#include "../src/explore/explore_impl.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>

/* brute force: the smallest total cost over all permutations of m <= 7 */
static double best_by_enumeration(size_t m, const double *cost, size_t *perm, size_t k)
{
    if (k == m) {
        double s = 0;
        for (size_t j = 0; j < m; j++)
            s += cost[perm[j] * m + j];
        return s;
    }
    double best = HUGE_VAL;
    for (size_t i = k; i < m; i++) {
        size_t t = perm[k];
        perm[k] = perm[i];
        perm[i] = t;
        double v = best_by_enumeration(m, cost, perm, k + 1);
        if (v < best)
            best = v;
        perm[i] = perm[k];
        perm[k] = t;
    }
    return best;
}

START_TEST(test_assignment_is_optimal)
{
    pesx_rng g;
    pesx_rng_seed(&g, 7);
    for (size_t m = 1; m <= 7; m++)
        for (int trial = 0; trial < 20; trial++) {
            double cost[49];
            size_t row_of[7], perm[7];
            unsigned char seen[7] = {0};
            for (size_t k = 0; k < m * m; k++)
                cost[k] = trial % 2 ? floor(4 * pesx_rng_uniform(&g)) : pesx_rng_uniform(&g);
            ck_assert_int_eq(explore_assign(m, cost, row_of), PESX_OK);
            double s = 0;
            for (size_t j = 0; j < m; j++) {
                ck_assert_uint_lt(row_of[j], m);
                ck_assert(!seen[row_of[j]]);
                seen[row_of[j]] = 1;
                s += cost[row_of[j] * m + j];
                perm[j] = j;
            }
            ck_assert_double_eq_tol(s, best_by_enumeration(m, cost, perm, 0), 1e-12);
        }
}
END_TEST

/* a rotation about an axis (unit) by angle t */
static void rotation(const double u[3], double t, double r[9])
{
    double c = cos(t), s = sin(t), C = 1 - c;
    double m[9] = {c + u[0] * u[0] * C, u[0] * u[1] * C - u[2] * s, u[0] * u[2] * C + u[1] * s,
                   u[1] * u[0] * C + u[2] * s, c + u[1] * u[1] * C, u[1] * u[2] * C - u[0] * s,
                   u[2] * u[0] * C - u[1] * s, u[2] * u[1] * C + u[0] * s, c + u[2] * u[2] * C};
    memcpy(r, m, sizeof m);
}

/* a compact chiral cluster of 7 Pt and 2 Au atoms, free in space */
static pesx_atoms *cluster(pesx_rng *g)
{
    pesx_atoms *a = pesx_atoms_alloc(9);
    for (size_t i = 0; i < 9; i++) {
        a->z[i] = i < 7 ? 78 : 79;
        for (int k = 0; k < 3; k++)
            a->x[3 * i + k] = 2.5 * (pesx_rng_uniform(g) - 0.5) + (k == 0 ? 1.3 * (double)i : 0);
    }
    return a;
}

START_TEST(test_permuted_rotated_cluster_is_same)
{
    pesx_rng g;
    pesx_rng_seed(&g, 3);
    pesx_potential *pot = pesx_potential_open("morse:pt");
    ck_assert_ptr_nonnull(pot);
    pesx_explore_identity id;
    pesx_explore_identity_default(&id);
    for (int trial = 0; trial < 10; trial++) {
        pesx_atoms *a = cluster(&g);
        double y[27], r[9], u[3] = {0.48, -0.6, 0.64}, t[3] = {5, -2, 1};
        size_t map[9] = {3, 0, 6, 1, 5, 2, 4, 8, 7}; /* Pt among Pt, Au among Au */
        size_t perm[9];
        pesx_align al;
        rotation(u, 0.3 + trial, r);
        for (size_t i = 0; i < 9; i++)
            for (int k = 0; k < 3; k++) {
                const double *p = a->x + 3 * map[i];
                y[3 * i + k] = r[3 * k] * p[0] + r[3 * k + 1] * p[1] + r[3 * k + 2] * p[2] + t[k] +
                               0.01 * pesx_rng_normal(&g);
            }
        ck_assert_int_eq(pesx_explore_compare(pot, a, a->x, y, perm, &al), PESX_OK);
        ck_assert(al.rigid);
        ck_assert_double_lt(al.max_dist, 0.06);
        for (size_t i = 0; i < 9; i++)
            ck_assert_uint_eq(map[perm[i]], i);
        ck_assert_int_eq(pesx_explore_same(&id, pot, a, a->x, -1.0, y, -1.0005), 1);
        /* energies beyond the tolerance: different */
        ck_assert_int_eq(pesx_explore_same(&id, pot, a, a->x, -1.0, y, -1.002), 0);
        /* the mirror image (z -> -z) is another structure */
        for (size_t i = 0; i < 9; i++)
            y[3 * i + 2] = -a->x[3 * i + 2];
        for (size_t i = 0; i < 9; i++)
            y[3 * i] = a->x[3 * i], y[3 * i + 1] = a->x[3 * i + 1];
        ck_assert_int_eq(pesx_explore_compare(pot, a, a->x, y, NULL, &al), PESX_OK);
        ck_assert_double_gt(al.max_dist, 0.3);
        ck_assert_int_eq(pesx_explore_same(&id, pot, a, a->x, -1.0, y, -1.0), 0);
        pesx_atoms_free(a);
    }
    pesx_potential_free(pot);
}
END_TEST

/* a periodic slab: swapping two adatoms and moving a third by a lattice
 * vector is the same configuration; nothing rotates; a fixed atom is not
 * matched with a free one */
START_TEST(test_periodic_slab_min_image)
{
    pesx_potential *pot = pesx_potential_open("morse:pt");
    ck_assert_ptr_nonnull(pot);
    pesx_atoms *a = pesx_atoms_alloc(4);
    double cell[9] = {8, 0, 0, 0, 8, 0, 0, 0, 20};
    memcpy(a->cell, cell, sizeof cell);
    a->has_cell = 1;
    a->pbc[0] = a->pbc[1] = 1;
    double x[12] = {0, 0, 0, 1, 1, 2.5, 4, 1, 2.5, 7.5, 6, 2.5};
    memcpy(a->x, x, sizeof x);
    for (size_t i = 0; i < 4; i++)
        a->z[i] = 78;
    a->fixed[0] = 1;
    double y[12] = {0, 0, 0, 4, 1, 2.5, 1 + 8, 1, 2.5, -0.5, 6 - 8, 2.5};
    size_t perm[4];
    pesx_align al;
    ck_assert_int_eq(pesx_explore_compare(pot, a, x, y, perm, &al), PESX_OK);
    ck_assert(!al.rigid);
    ck_assert_double_lt(al.max_dist, 1e-12);
    ck_assert_uint_eq(perm[0], 0);
    ck_assert_uint_eq(perm[1], 2);
    ck_assert_uint_eq(perm[2], 1);
    ck_assert_uint_eq(perm[3], 3);
    /* the fixed atom moved where a free one was: no permutation hides it */
    double w[12] = {1, 1, 2.5, 0, 0, 0, 4, 1, 2.5, 7.5, 6, 2.5};
    ck_assert_int_eq(pesx_explore_compare(pot, a, x, w, NULL, &al), PESX_OK);
    ck_assert_double_gt(al.max_dist, 1.0);
    pesx_atoms_free(a);
    pesx_potential_free(pot);
}
END_TEST

static Suite *explore_suite(void)
{
    Suite *s = suite_create("explore");
    TCase *tc = tcase_create("identity");
    tcase_add_test(tc, test_assignment_is_optimal);
    tcase_add_test(tc, test_permuted_rotated_cluster_is_same);
    tcase_add_test(tc, test_periodic_slab_min_image);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    gsl_set_error_handler_off();
    return tu_run_suite(explore_suite());
}
