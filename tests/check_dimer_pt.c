/* Check suite of the dimer on OptBench's Morse Pt heptamer (eOn's morse_pt,
 * $PESX_SHARED/ref/optbench/pt_heptamer): a separate program so that it is
 * reported as SKIPPED (exit 77) when ../shared is absent, instead of being
 * left out of check_dimer silently. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <pesx/io.h>
#include <pesx/opt.h>
#include <pesx/path.h>
#include <pesx/path_dimer.h>
#include <pesx/path_vib.h>

#include "testutil.h"

/* OptBench's saddles of reactant -> product_04 and -> product_02 (eOn,
 * cases.tsv) and its Hessian eigenvalues there (eV/A^2). */
#define E_SADDLE_04 (-1775.17161)
#define E_SADDLE_02 (-1774.80553)
#define EIG1_02 (-0.334)

typedef struct {
    pesx_potential *pot;
    pesx_frame fr, fp;
    pesx_atoms_objective ao;
    pesx_objective o;
    size_t n;
} pt_case;

static void pt_open(pt_case *c, const char *product)
{
    char path[4096], rel[256];
    c->pot = pesx_potential_open("morse:pt");
    ck_assert_ptr_nonnull(c->pot);
    pesx_frame_init(&c->fr);
    pesx_frame_init(&c->fp);
    ck_assert_ptr_nonnull(
        tu_shared_path(path, sizeof path, "ref/optbench/pt_heptamer/reactant.extxyz"));
    ck_assert_int_eq(pesx_xyz_read_frame(path, -1, &c->fr), PESX_OK);
    snprintf(rel, sizeof rel, "ref/optbench/pt_heptamer/%s", product);
    tu_shared_path(path, sizeof path, rel);
    ck_assert_int_eq(pesx_xyz_read_frame(path, -1, &c->fp), PESX_OK);
    c->n = 3 * c->fr.atoms->n;
    ck_assert_int_eq(pesx_atoms_objective_init(&c->ao, &c->o, c->pot, c->fr.atoms), PESX_OK);
}

static void pt_close(pt_case *c)
{
    pesx_atoms_objective_release(&c->ao);
    pesx_frame_release(&c->fr);
    pesx_frame_release(&c->fp);
    pesx_potential_free(c->pot);
}

/* Normal modes at x (mass-weighted finite-difference Hessian, fixed atoms
 * excluded) into v: the number of negative eigenvalues. */
static size_t negatives_at(pt_case *c, const double *x, pesx_vib *v)
{
    pesx_hessian H;
    pesx_hessian_init(&H);
    ck_assert_int_eq(pesx_hessian_compute(&H, &c->o, x, 1e-3), PESX_OK);
    double *m = malloc(c->n * sizeof *m);
    for (size_t i = 0; i < c->n; i++)
        m[i] = pesx_element_mass(c->fr.atoms->z[i / 3]);
    pesx_vib_init(v);
    ck_assert_int_eq(pesx_vib_compute(v, &H, c->n, m, x, 0, 0), PESX_OK);
    free(m);
    pesx_hessian_release(&H);
    return v->n_negative;
}

/* From halfway between reactant and product_04 along the difference, with
 * and without the translation's preconditioner: the same OptBench saddle,
 * first order, fixed atoms untouched. */
START_TEST(test_pt_heptamer_saddle)
{
    pt_case c;
    pt_open(&c, "product_04.extxyz");
    const pesx_atoms *a = c.fr.atoms;
    double *mode = malloc(c.n * sizeof *mode), *x = malloc(c.n * sizeof *x);
    double *x0 = malloc(c.n * sizeof *x0);
    for (size_t k = 0; k < c.n; k++) {
        mode[k] = c.fp.atoms->x[k] - a->x[k];
        x[k] = x0[k] = a->x[k] + 0.5 * mode[k];
    }
    pesx_dimer_params p;
    pesx_dimer_params_default(&p);
    pesx_dimer_params_auto(&p, a);
    ck_assert(!p.remove_translation && !p.remove_rotation);
    ck_assert_ptr_eq(p.mp.precon_atoms, a); /* anchored slab: preconditioned */
    if (_i == 1)
        p.mp.precon = PESX_PRECON_NONE;
    pesx_dimer_result res;
    int st = pesx_dimer_search(&c.o, &p, x, mode, NULL, NULL, &res);
    ck_assert_msg(st == PESX_OK, "%s", pesx_error_last()->msg);
    ck_assert(res.converged && res.fnorm < 1e-3 && res.curvature < 0);
    for (size_t i = 0; i < a->n; i++)
        if (a->fixed[i])
            for (int k = 0; k < 3; k++)
                ck_assert(x[3 * i + k] == x0[3 * i + k] && mode[3 * i + k] == 0.0);
    ck_assert_msg(fabs(res.energy - E_SADDLE_04) < 2e-3, "saddle energy %.6f", res.energy);
    pesx_vib v;
    ck_assert_uint_eq(negatives_at(&c, x, &v), 1);
    ck_assert_uint_eq(v.n, 525);
    ck_assert(v.freq[0] < 0 && v.freq[1] > 0);
    pesx_vib_release(&v);
    free(mode);
    free(x);
    free(x0);
    pt_close(&c);
}
END_TEST

/* The benchmark's double-ended route on reactant -> product_02: a short
 * climbing-image NEB (one moving image, fmax 0.3 or 10 steps), then the
 * dimer from the climbing image along its tangent: OptBench's saddle, one
 * negative Hessian eigenvalue, OptBench's, and the dimer's mode along its
 * eigenvector. */
START_TEST(test_pt_neb_then_dimer)
{
    pt_case c;
    pt_open(&c, "product_02.extxyz");
    const pesx_atoms *a = c.fr.atoms;
    pesx_neb_params np;
    pesx_neb_params_default(&np);
    np.climb = PESX_CLIMB_ON;
    np.fmax = np.fmax_ci = 0.3;
    np.max_steps = 10;
    pesx_neb *b = pesx_neb_alloc(c.pot, a, 3, &np);
    ck_assert_ptr_nonnull(b);
    memcpy(pesx_neb_image(b, 0), a->x, c.n * sizeof(double));
    memcpy(pesx_neb_image(b, 2), c.fp.atoms->x, c.n * sizeof(double));
    pesx_neb_interpolate_linear(a->n, 3, pesx_neb_image(b, 0));
    int st = pesx_neb_run(b, NULL, NULL);
    ck_assert_msg(st == PESX_OK || st == PESX_ENOCONV, "%s", pesx_error_last()->msg);
    pesx_neb_status ns;
    pesx_neb_get_status(b, &ns);
    ck_assert_uint_eq(ns.ci, 1);
    double *x = malloc(c.n * sizeof *x), *mode = malloc(c.n * sizeof *mode);
    memcpy(x, pesx_neb_image(b, ns.ci), c.n * sizeof *x);
    memcpy(mode, pesx_neb_tangent(b, ns.ci), c.n * sizeof *mode);
    pesx_neb_free(b);
    pesx_dimer_params p;
    pesx_dimer_params_default(&p);
    pesx_dimer_params_auto(&p, a);
    pesx_dimer_result res;
    st = pesx_dimer_search(&c.o, &p, x, mode, NULL, NULL, &res);
    ck_assert_msg(st == PESX_OK, "%s", pesx_error_last()->msg);
    ck_assert(res.fnorm < 1e-3);
    ck_assert_msg(fabs(res.energy - E_SADDLE_02) < 2e-3, "saddle energy %.6f", res.energy);
    pesx_vib v;
    ck_assert_uint_eq(negatives_at(&c, x, &v), 1);
    /* the Hessian's lowest eigenvalue is OptBench's (all atoms Pt: the
     * mass-weighted one times the mass), and the dimer's final mode is its
     * eigenvector up to the rotation threshold (5 degrees, with the mode
     * kept over a few steps: 10 degrees measured) */
    double eig1 = v.eigenvalue[0] * pesx_element_mass(78);
    ck_assert_msg(fabs(eig1 - EIG1_02) < 5e-3, "lowest eigenvalue %.4f", eig1);
    double ov = 0.0, nm = 0.0;
    for (size_t k = 0; k < c.n; k++) {
        ov += v.mode[k] * mode[k];
        nm += mode[k] * mode[k];
    }
    ck_assert_msg(fabs(ov) / sqrt(nm) > 0.97, "overlap with the lowest mode %.4f",
                  fabs(ov) / sqrt(nm));
    ck_assert_msg(fabs(res.curvature - eig1) < 0.05, "curvature %.4f, lowest eigenvalue %.4f",
                  res.curvature, eig1);
    pesx_vib_release(&v);
    free(x);
    free(mode);
    pt_close(&c);
}
END_TEST

int main(void)
{
    gsl_set_error_handler_off();
    if (!tu_shared_dir()) {
        printf("check_dimer_pt: $PESX_SHARED (../shared) absent: the Pt heptamer tests "
               "are skipped\n");
        return 77;
    }
    Suite *s = suite_create("dimer_pt");
    TCase *tc = tcase_create("pt_heptamer");
    tcase_add_loop_test(tc, test_pt_heptamer_saddle, 0, 2);
    tcase_add_test(tc, test_pt_neb_then_dimer);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
