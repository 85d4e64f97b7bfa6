/* Descriptor: cutoff functions, every symmetry-function type against
 * hand-written formulas and central finite differences, invariances,
 * scaling modes and bad parameters. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/descriptor.h>
#include "testutil.h"

/* ---- cutoffs ------------------------------------------------------------- */

START_TEST(test_cutoff_values)
{
    pesx_cutoff c;
    double df;
    ck_assert_int_eq(pesx_cutoff_lookup("poly2"), PESX_CUTOFF_POLY2);
    ck_assert_int_eq(pesx_cutoff_lookup("6"), PESX_CUTOFF_POLY2);
    ck_assert_int_eq(pesx_cutoff_lookup("9"), -1);
    ck_assert_int_eq(pesx_cutoff_lookup("bogus"), -1);
    for (int t = 0; t < PESX_CUTOFF_NTYPES; t++) {
        ck_assert_int_eq(pesx_cutoff_init(&c, t, 5.0, 0.0), PESX_OK);
        double f0 = pesx_cutoff_eval(&c, 0.0, &df);
        if (t == PESX_CUTOFF_TANH3)
            ck_assert_rel(f0, pow(tanh(1.0), 3), 1e-15);
        else
            ck_assert_rel(f0, 1.0, 1e-15);
        ck_assert(pesx_cutoff_eval(&c, 5.0, &df) == 0.0 && df == 0.0);
        ck_assert(pesx_cutoff_eval(&c, 7.0, NULL) == 0.0);
    }
    /* cos cutoff, mid point and inner region */
    pesx_cutoff_init(&c, PESX_CUTOFF_COS, 4.0, 0.5);
    ck_assert_rel(pesx_cutoff_eval(&c, 3.0, NULL), 0.5, 1e-15);
    ck_assert(pesx_cutoff_eval(&c, 1.9, &df) == 1.0 && df == 0.0);
    pesx_cutoff_init(&c, PESX_CUTOFF_COS, 4.0, 0.0);
    ck_assert_rel(pesx_cutoff_eval(&c, 1.0, NULL), 0.5 * (cos(M_PI / 4) + 1), 1e-15);
    pesx_cutoff_init(&c, PESX_CUTOFF_POLY1, 2.0, 0.0);
    ck_assert_rel(pesx_cutoff_eval(&c, 1.0, NULL), 0.5, 1e-15);
    pesx_cutoff_init(&c, PESX_CUTOFF_EXP, 2.0, 0.0);
    ck_assert_rel(pesx_cutoff_eval(&c, 1.0, NULL), exp(1 - 1 / 0.75), 1e-15);
    ck_assert_int_eq(pesx_cutoff_init(&c, PESX_CUTOFF_COS, 4.0, 1.0), PESX_EINVAL);
    ck_assert_int_eq(pesx_cutoff_init(&c, PESX_CUTOFF_COS, -1.0, 0.0), PESX_EINVAL);
    ck_assert_int_eq(pesx_cutoff_init(&c, 12, 1.0, 0.0), PESX_EINVAL);
}
END_TEST

START_TEST(test_cutoff_fd)
{
    for (int t = 1; t < PESX_CUTOFF_NTYPES; t++) {
        for (int k = 0; k < 2; k++) {
            pesx_cutoff c;
            double alpha = k ? 0.3 : 0.0;
            ck_assert_int_eq(pesx_cutoff_init(&c, t, 3.0, alpha), PESX_OK);
            for (double r = 0.05; r < 3.0; r += 0.0931) {
                double df, h = 1e-4;
                pesx_cutoff_eval(&c, r, &df);
                double fd = (pesx_cutoff_eval(&c, r + h, NULL) -
                             pesx_cutoff_eval(&c, r - h, NULL)) / (2 * h);
                ck_assert_msg(fabs(fd - df) < 2e-7, "cutoff %d alpha %g r %g: %g vs %g", t,
                              alpha, r, df, fd);
            }
        }
    }
}
END_TEST

/* ---- helpers ------------------------------------------------------------- */

static pesx_sf mk(const char *type, int z1, int z2)
{
    pesx_sf s;
    memset(&s, 0, sizeof s);
    s.type = pesx_sf_type_lookup(type);
    ck_assert_ptr_nonnull(s.type);
    s.z1 = z1;
    s.z2 = z2;
    return s;
}

/* Every SF type, several parameter sets, for centres H and O. */
static pesx_descriptor *every_type(int cutoff, double alpha, double rc)
{
    int z[2] = {8, 1};
    pesx_descriptor *d = pesx_descriptor_alloc(2, z, cutoff, alpha);
    ck_assert_ptr_nonnull(d);
    for (int c = 0; c < 2; c++) {
        int cz = c ? 1 : 8;
        pesx_sf s;
        s = mk("G1", 1, 0); s.rc = rc; ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("G2", 8, 0); s.rc = rc; s.eta = 0.7; s.rs = 1.1;
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("G3", 0, 0); s.rc = rc * 0.9; s.kappa = 1.7;
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("G4", 1, 8); s.rc = rc; s.eta = 0.1; s.lambda = 1; s.zeta = 2;
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("G5", 0, 0); s.rc = rc; s.eta = 0.2; s.lambda = -1; s.zeta = 1;
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("2", 1, 0); s.rc = rc; s.eta = 0.3; s.rs = 0.5;
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("3", 8, 1); s.rc = rc; s.eta = 0.05; s.lambda = -1; s.zeta = 3.5; s.rs = 0.3;
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("3", 1, 1); s.rc = rc * 0.95; s.eta = 0.02; s.lambda = 1; s.zeta = 4;
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("9", 8, 8); s.rc = rc; s.eta = 0.04; s.lambda = 1; s.zeta = 1.5;
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("9", 1, 8); s.rc = rc; s.eta = 0.04; s.lambda = -1; s.zeta = 2; s.rs = 0.2;
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("12", 0, 0); s.rc = rc; s.eta = 0.4; s.rs = 0.8;
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("13", 0, 0); s.rc = rc; s.eta = 0.03; s.rs = 0.1; s.lambda = 1; s.zeta = 2;
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("20", 1, 0); s.rl = -rc; s.rc = rc; strcpy(s.sub, "p2");
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("20", 8, 0); s.rl = 0.5; s.rc = rc * 0.9; strcpy(s.sub, "p3a");
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("21", 1, 8); s.rl = -rc; s.rc = rc; s.theta_l = 20; s.theta_r = 160;
        strcpy(s.sub, "p1");
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("21", 1, 1); s.rl = 0.3; s.rc = rc; s.theta_l = -90; s.theta_r = 90;
        strcpy(s.sub, "p2a");
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("22", 8, 1); s.rl = -rc; s.rc = rc; s.theta_l = 90; s.theta_r = 270;
        strcpy(s.sub, "e");
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("22", 1, 1); s.rl = -rc; s.rc = rc; s.theta_l = 0; s.theta_r = 180;
        strcpy(s.sub, "p4");
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("23", 0, 0); s.rl = 0.2; s.rc = rc; strcpy(s.sub, "p4a");
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("24", 0, 0); s.rl = -rc; s.rc = rc; s.theta_l = 30; s.theta_r = 150;
        strcpy(s.sub, "p3");
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
        s = mk("25", 0, 0); s.rl = -rc; s.rc = rc * 0.8; s.theta_l = 45; s.theta_r = 180;
        strcpy(s.sub, "p2");
        ck_assert_int_eq(pesx_descriptor_add(d, cz, &s), 0);
    }
    ck_assert_int_eq(pesx_descriptor_finalize(d), 0);
    return d;
}

/* A small random structure of H and O (no two atoms closer than 0.7). */
static pesx_atoms *random_atoms(size_t n, double box, int periodic, unsigned long long seed)
{
    pesx_atoms *a = pesx_atoms_alloc(n);
    pesx_rng rng;
    pesx_rng_seed(&rng, seed);
    ck_assert_ptr_nonnull(a);
    for (size_t i = 0; i < n; i++) {
        int ok;
        a->z[i] = (i % 3 == 0) ? 8 : 1;
        do {
            ok = 1;
            for (int k = 0; k < 3; k++)
                a->x[3 * i + k] = box * pesx_rng_uniform(&rng);
            for (size_t j = 0; j < i; j++) {
                double d[3], r2 = 0;
                for (int k = 0; k < 3; k++)
                    d[k] = a->x[3 * i + k] - a->x[3 * j + k];
                for (int k = 0; k < 3; k++)
                    r2 += d[k] * d[k];
                if (r2 < 0.49)
                    ok = 0;
            }
        } while (!ok);
    }
    if (periodic) {
        memset(a->cell, 0, sizeof a->cell);
        a->cell[0] = box;
        a->cell[3] = 0.3;
        a->cell[4] = box * 1.05;
        a->cell[8] = box * 0.97;
        a->pbc[0] = a->pbc[1] = a->pbc[2] = 1;
        a->has_cell = 1;
    }
    return a;
}

static void eval(const pesx_descriptor *d, const pesx_atoms *a, double *G, double *dG)
{
    pesx_nlist nl;
    pesx_nlist_init(&nl);
    ck_assert_int_eq(pesx_nlist_build(&nl, a, pesx_descriptor_cutoff(d)), 0);
    ck_assert_int_eq(pesx_descriptor_eval_all(d, a, &nl, G, dG), 0);
    pesx_nlist_release(&nl);
}

/* Max |analytic - central FD| of dG/dx, relative to max(1, |dG|). */
static double fd_error(const pesx_descriptor *d, pesx_atoms *a, double h)
{
    size_t ms = pesx_descriptor_max_n_sf(d), n = a->n, n3 = 3 * n, ng = n * ms;
    double *G = calloc(ng, sizeof *G), *dG = calloc(ng * n3, sizeof *dG);
    double *Gp = calloc(ng, sizeof *Gp), *Gm = calloc(ng, sizeof *Gm), worst = 0, big = 0;
    eval(d, a, G, dG);
    for (size_t c = 0; c < n3; c++) {
        double x0 = a->x[c];
        a->x[c] = x0 + h;
        eval(d, a, Gp, NULL);
        a->x[c] = x0 - h;
        eval(d, a, Gm, NULL);
        a->x[c] = x0;
        for (size_t q = 0; q < ng; q++) {
            double fd = (Gp[q] - Gm[q]) / (2 * h), an = dG[q * n3 + c];
            double err = fabs(fd - an) / fmax(1.0, fabs(an));
            if (err > worst)
                worst = err;
            if (fabs(an) > big)
                big = fabs(an);
        }
    }
    ck_assert_msg(big > 1e-3, "derivatives are all ~0: the test would be vacuous");
    /* every SF of every element must be non-zero somewhere, or its check is vacuous */
    for (size_t e = 0; e < pesx_descriptor_n_elements(d); e++)
        for (size_t k = 0; k < pesx_descriptor_n_sf(d, e); k++) {
            double m = 0;
            for (size_t i = 0; i < n; i++)
                if (pesx_descriptor_element_index(d, a->z[i]) == (int)e)
                    m = fmax(m, fabs(G[i * ms + k]));
            ck_assert_msg(m > 1e-8, "element %zu SF %zu is zero here", e, k);
        }
    free(G);
    free(dG);
    free(Gp);
    free(Gm);
    return worst;
}

START_TEST(test_fd_every_type_every_cutoff)
{
    /* hard cutoff (type 0) is discontinuous at rc, finite differences are
     * still valid away from it: no random distance is within h of rc */
    int t = _i;
    for (int per = 0; per < 2; per++) {
        double alpha = (t % 2) ? 0.25 : 0.0;
        pesx_descriptor *d = every_type(t, alpha, 3.2);
        pesx_atoms *a = per ? random_atoms(7, 2.9, 1, 11 + t) : random_atoms(9, 3.3, 0, 5 + t);
        double err = fd_error(d, a, 1e-5);
        ck_assert_msg(err < 2e-6, "cutoff %d %s: FD error %g", t,
                      per ? "periodic" : "cluster", err);
        pesx_atoms_free(a);
        pesx_descriptor_free(d);
    }
}
END_TEST

/* ---- values against direct formulas -------------------------------------- */

static double fc_cos(double r, double rc)
{
    return r < rc ? 0.5 * (cos(M_PI * r / rc) + 1) : 0;
}

START_TEST(test_values_direct)
{
    /* 4 atoms: O centre at the origin, H, H, O around it (no cell) */
    pesx_atoms *a = pesx_atoms_alloc(4);
    double X[12] = {0, 0, 0, 0.96, 0.1, 0, -0.3, 0.93, 0.05, 1.5, 1.6, 0.7};
    int z[2] = {1, 8}, Z[4] = {8, 1, 1, 8};
    double rc = 3.0;
    memcpy(a->x, X, sizeof X);
    memcpy(a->z, Z, sizeof Z);
    pesx_descriptor *d = pesx_descriptor_alloc(2, z, PESX_CUTOFF_COS, 0.0);
    pesx_sf s;
    s = mk("G1", 1, 0); s.rc = rc; pesx_descriptor_add(d, 8, &s);
    s = mk("2", 8, 0); s.rc = rc; s.eta = 0.5; s.rs = 0.2; pesx_descriptor_add(d, 8, &s);
    s = mk("3", 1, 1); s.rc = rc; s.eta = 0.1; s.lambda = -1; s.zeta = 2;
    pesx_descriptor_add(d, 8, &s);
    s = mk("G4", 1, 1); s.rc = rc; s.eta = 0.1; s.lambda = -1; s.zeta = 2;
    pesx_descriptor_add(d, 8, &s);
    s = mk("9", 1, 8); s.rc = rc; s.eta = 0.2; s.lambda = 1; s.zeta = 1;
    pesx_descriptor_add(d, 8, &s);
    s = mk("12", 0, 0); s.rc = rc; s.eta = 0.3; s.rs = 0.0; pesx_descriptor_add(d, 8, &s);
    s = mk("G3", 0, 0); s.rc = rc; s.kappa = 2.0; pesx_descriptor_add(d, 8, &s);
    s = mk("22", 1, 8); s.rc = rc; s.rl = -rc; s.theta_l = 0; s.theta_r = 180;
    strcpy(s.sub, "p2"); pesx_descriptor_add(d, 8, &s);
    s = mk("20", 1, 0); s.rc = rc; s.rl = 0.5; strcpy(s.sub, "p1a");
    pesx_descriptor_add(d, 8, &s);
    s = mk("G1", 8, 0); s.rc = rc; pesx_descriptor_add(d, 1, &s);
    ck_assert_int_eq(pesx_descriptor_finalize(d), 0);
    ck_assert_uint_eq(pesx_descriptor_n_sf(d, 1), 9);
    size_t ms = pesx_descriptor_max_n_sf(d);
    double *G = calloc(4 * ms, sizeof *G);
    eval(d, a, G, NULL);
    double r[4], u[4][3];
    for (int j = 1; j < 4; j++) {
        r[j] = sqrt(X[3 * j] * X[3 * j] + X[3 * j + 1] * X[3 * j + 1] + X[3 * j + 2] * X[3 * j + 2]);
        for (int k = 0; k < 3; k++)
            u[j][k] = X[3 * j + k] / r[j];
    }
    double r12 = 0, cos12 = 0, cos13 = 0, cos23 = 0;
    for (int k = 0; k < 3; k++) {
        r12 += (X[3 + k] - X[6 + k]) * (X[3 + k] - X[6 + k]);
        cos12 += u[1][k] * u[2][k];
        cos13 += u[1][k] * u[3][k];
        cos23 += u[2][k] * u[3][k];
    }
    r12 = sqrt(r12);
    double g1 = fc_cos(r[1], rc) + fc_cos(r[2], rc);
    double g2 = exp(-0.5 * (r[3] - 0.2) * (r[3] - 0.2)) * fc_cos(r[3], rc);
    double g3 = 0.5 * pow(1 - cos12, 2) *
                exp(-0.1 * (r[1] * r[1] + r[2] * r[2] + r12 * r12)) * fc_cos(r[1], rc) *
                fc_cos(r[2], rc) * fc_cos(r12, rc);
    double g9 = 0;
    for (int j = 1; j <= 2; j++) {
        double cs = j == 1 ? cos13 : cos23;
        g9 += (1 + cs) * exp(-0.2 * (r[j] * r[j] + r[3] * r[3])) * fc_cos(r[j], rc) *
              fc_cos(r[3], rc);
    }
    double g12 = 0, gG3 = 0;
    for (int j = 1; j < 4; j++) {
        g12 += Z[j] * exp(-0.3 * r[j] * r[j]) * fc_cos(r[j], rc);
        gG3 += cos(2.0 * r[j]) * fc_cos(r[j], rc);
    }
    double g22 = 0, g20 = 0;
    for (int j = 1; j <= 2; j++) {
        double cs = j == 1 ? cos13 : cos23, th = acos(cs), x = fabs(th - M_PI / 2) / (M_PI / 2);
        double p2t = ((15 - 6 * x) * x - 10) * x * x * x + 1;
        double xr = r[j] / rc, xk = r[3] / rc;
        double pj = ((15 - 6 * xr) * xr - 10) * xr * xr * xr + 1;
        double pk = ((15 - 6 * xk) * xk - 10) * xk * xk * xk + 1;
        g22 += pj * pk * p2t;
        double c = 0.5 * (0.5 + rc), w = 0.5 * (rc - 0.5), y = fabs(r[j] - c) / w;
        y = y * (2 - y);
        g20 += (2 * y - 3) * y * y + 1;
    }
    double want[9] = {g1, g2, g3, 2 * g3, g9, g12, gG3, g22, g20};
    for (int k = 0; k < 9; k++)
        ck_assert_msg(fabs(G[k] - want[k]) <= 1e-14 * fmax(1, fabs(want[k])),
                      "SF %d: %.17g vs %.17g", k, G[k], want[k]);
    ck_assert(g3 > 1e-3 && g9 > 1e-3 && g22 > 1e-3);
    free(G);
    pesx_descriptor_free(d);
    pesx_atoms_free(a);
}
END_TEST

/* ---- invariances --------------------------------------------------------- */

START_TEST(test_invariance)
{
    pesx_descriptor *d = every_type(PESX_CUTOFF_POLY2, 0.0, 3.2);
    pesx_atoms *a = random_atoms(10, 3.4, 0, 99), *b = pesx_atoms_clone(a);
    size_t ms = pesx_descriptor_max_n_sf(d), n = a->n;
    double *G = calloc(n * ms, sizeof *G), *H = calloc(n * ms, sizeof *H);
    double c = cos(0.7), s = sin(0.7);
    eval(d, a, G, NULL);
    /* rotate about z, translate, and swap atoms 1 and 2 (both H) */
    for (size_t i = 0; i < n; i++) {
        size_t src = i == 1 ? 2 : i == 2 ? 1 : i;
        double *p = a->x + 3 * src;
        b->x[3 * i] = c * p[0] - s * p[1] + 1.3;
        b->x[3 * i + 1] = s * p[0] + c * p[1] - 0.4;
        b->x[3 * i + 2] = p[2] + 2.2;
        b->z[i] = a->z[src];
    }
    eval(d, b, H, NULL);
    for (size_t i = 0; i < n; i++) {
        size_t src = i == 1 ? 2 : i == 2 ? 1 : i;
        for (size_t k = 0; k < ms; k++)
            ck_assert_msg(fabs(H[i * ms + k] - G[src * ms + k]) <= 1e-11 * fmax(1, fabs(G[src * ms + k])),
                          "atom %zu SF %zu: %.17g vs %.17g", i, k, H[i * ms + k], G[src * ms + k]);
    }
    free(G);
    free(H);
    pesx_atoms_free(a);
    pesx_atoms_free(b);
    pesx_descriptor_free(d);
}
END_TEST

/* ---- gradient contraction = Jacobian^T c --------------------------------- */

START_TEST(test_contraction)
{
    pesx_descriptor *d = every_type(PESX_CUTOFF_TANH3, 0.0, 3.0);
    pesx_atoms *a = random_atoms(8, 2.7, 1, 3);
    size_t ms = pesx_descriptor_max_n_sf(d), n = a->n, n3 = 3 * n;
    double *G = calloc(n * ms, sizeof *G), *dG = calloc(n * ms * n3, sizeof *dG);
    double *c = calloc(2 * ms, sizeof *c), *g = calloc(2 * n3, sizeof *g), *Gi = calloc(ms, sizeof *Gi);
    pesx_nlist nl;
    pesx_descriptor_workspace *ws = pesx_descriptor_workspace_alloc(d);
    pesx_rng rng;
    pesx_rng_seed(&rng, 7);
    pesx_nlist_init(&nl);
    ck_assert_int_eq(pesx_nlist_build(&nl, a, pesx_descriptor_cutoff(d)), 0);
    ck_assert_int_eq(pesx_descriptor_eval_all(d, a, &nl, G, dG), 0);
    for (size_t i = 0; i < n; i++) {
        size_t nsf = pesx_descriptor_n_sf(d, (size_t)pesx_descriptor_element_index(d, a->z[i]));
        for (size_t k = 0; k < 2 * nsf; k++)
            c[k] = pesx_rng_normal(&rng);
        memset(g, 0, 2 * n3 * sizeof *g);
        ck_assert_int_eq(pesx_descriptor_atom_values(d, a, &nl, i, Gi, ws), 0);
        for (size_t k = 0; k < nsf; k++)
            ck_assert(Gi[k] == G[i * ms + k]);
        ck_assert_int_eq(pesx_descriptor_atom_gradient(d, &nl, 2, c, g, n3, ws), 0);
        for (size_t set = 0; set < 2; set++)
            for (size_t q = 0; q < n3; q++) {
                double want = 0;
                for (size_t k = 0; k < nsf; k++)
                    want += c[set * nsf + k] * dG[(i * ms + k) * n3 + q];
                ck_assert_msg(fabs(g[set * n3 + q] - want) < 1e-12 * fmax(1, fabs(want)),
                              "atom %zu set %zu coord %zu: %g vs %g", i, set, q, g[set * n3 + q], want);
            }
    }
    pesx_descriptor_workspace_free(ws);
    pesx_nlist_release(&nl);
    free(G); free(dG); free(c); free(g); free(Gi);
    pesx_atoms_free(a);
    pesx_descriptor_free(d);
}
END_TEST

/* ---- vectorised kernels = reference kernels ----------------------------- */
/* (to rounding: the vectorised ones use FMA and their own exp; the poly4
 * cutoff's large coefficients cost a few digits near x = 1) */

START_TEST(test_kernels_agree)
{
    int t = _i;
    pesx_descriptor *d = every_type(t, (t % 2) ? 0.25 : 0.0, 3.2);
    pesx_atoms *a = random_atoms(9, 3.0, 1, 21 + t);
    size_t ms = pesx_descriptor_max_n_sf(d), n = a->n, n3 = 3 * n;
    double *G1 = calloc(n * ms, sizeof *G1), *G2 = calloc(n * ms, sizeof *G2);
    double *D1 = calloc(n * ms * n3, sizeof *D1), *D2 = calloc(n * ms * n3, sizeof *D2);
    eval(d, a, G1, D1);
    pesx_descriptor_use_reference_kernels(d, 1);
    eval(d, a, G2, D2);
    for (size_t q = 0; q < n * ms; q++)
        ck_assert_msg(fabs(G1[q] - G2[q]) <= 1e-12 * fmax(1, fabs(G2[q])),
                      "cutoff %d: G[%zu] %.17g vs reference %.17g", t, q, G1[q], G2[q]);
    for (size_t q = 0; q < n * ms * n3; q++)
        ck_assert_msg(fabs(D1[q] - D2[q]) <= 1e-10 * fmax(1, fabs(D2[q])),
                      "cutoff %d: dG[%zu] %.17g vs reference %.17g", t, q, D1[q], D2[q]);
    free(G1);
    free(G2);
    free(D1);
    free(D2);
    pesx_atoms_free(a);
    pesx_descriptor_free(d);
}
END_TEST

/* ---- scaling ------------------------------------------------------------- */

START_TEST(test_scaling)
{
    double f, o;
    ck_assert_int_eq(pesx_scaling_lookup("scale-center"), PESX_SCALING_SCALE_CENTER);
    ck_assert_int_eq(pesx_scaling_lookup("x"), -1);
    ck_assert_int_eq(pesx_scaling_coefficients(PESX_SCALING_SCALE, -1, 1, 2, 6, 3, 1, &f, &o), 0);
    ck_assert_rel(f * 4 + o, -1 + 2 * (4 - 2) / 4.0, 1e-15);
    ck_assert_int_eq(pesx_scaling_coefficients(PESX_SCALING_CENTER, 0, 1, 2, 6, 3, 1, &f, &o), 0);
    ck_assert_rel(f * 4 + o, 1.0, 1e-15);
    ck_assert_int_eq(pesx_scaling_coefficients(PESX_SCALING_SCALE_CENTER, 0, 1, 2, 6, 3, 1, &f, &o), 0);
    ck_assert_rel(f * 5 + o, 0.5, 1e-15);
    ck_assert_int_eq(pesx_scaling_coefficients(PESX_SCALING_SIGMA, 0, 2, 2, 6, 3, 0.5, &f, &o), 0);
    ck_assert_rel(f * 4 + o, 4.0, 1e-15);
    ck_assert_int_eq(pesx_scaling_coefficients(PESX_SCALING_SIGMA, 0, 1, 2, 6, 3, NAN, &f, &o),
                     PESX_EINVAL);
    ck_assert_int_eq(pesx_scaling_coefficients(PESX_SCALING_SCALE, 0, 1, 2, 2, 2, 1, &f, &o), 1);
    ck_assert(f == 0 && o == 0);
}
END_TEST

/* ---- bad parameters ------------------------------------------------------ */

START_TEST(test_bad_input)
{
    int z[2] = {1, 8};
    pesx_descriptor *d = pesx_descriptor_alloc(2, z, PESX_CUTOFF_COS, 0.0);
    pesx_sf s;
    ck_assert_ptr_null(pesx_sf_type_lookup("7"));
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "G4"));
    s = mk("2", 1, 0);
    s.rc = 0;
    ck_assert_int_eq(pesx_descriptor_add(d, 1, &s), PESX_EINVAL);
    s.rc = 3;
    s.eta = -1;
    ck_assert_int_eq(pesx_descriptor_add(d, 1, &s), PESX_EINVAL);
    s.eta = 1;
    s.z1 = 6;
    ck_assert_int_eq(pesx_descriptor_add(d, 1, &s), PESX_EINVAL);
    s.z1 = 1;
    ck_assert_int_eq(pesx_descriptor_add(d, 29, &s), PESX_EINVAL);
    s = mk("20", 1, 0);
    s.rc = 3;
    s.rl = 0;
    strcpy(s.sub, "p7");
    ck_assert_int_eq(pesx_descriptor_add(d, 1, &s), PESX_EINVAL);
    strcpy(s.sub, "p2");
    s.rl = 4;
    ck_assert_int_eq(pesx_descriptor_add(d, 1, &s), PESX_EINVAL);
    s = mk("22", 1, 1);
    s.rc = 3;
    s.rl = -3;
    strcpy(s.sub, "p2");
    s.theta_l = 30;
    s.theta_r = 200;
    ck_assert_int_eq(pesx_descriptor_add(d, 1, &s), PESX_EINVAL);
    s = mk("3", 1, 0);
    s.rc = 3;
    s.zeta = 1;
    s.lambda = 1;
    ck_assert_int_eq(pesx_descriptor_add(d, 1, &s), PESX_EINVAL);
    s = mk("3", 1, 1);
    s.rc = 3;
    s.zeta = 0.0;
    ck_assert_int_eq(pesx_descriptor_add(d, 1, &s), PESX_EINVAL);
    ck_assert_ptr_null(pesx_descriptor_alloc(1, z, 9, 0.0));
    pesx_descriptor_free(d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("descriptor");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_cutoff_values);
    tcase_add_test(tc, test_cutoff_fd);
    tcase_add_loop_test(tc, test_fd_every_type_every_cutoff, 0, PESX_CUTOFF_NTYPES);
    tcase_add_loop_test(tc, test_kernels_agree, 0, PESX_CUTOFF_NTYPES);
    tcase_add_test(tc, test_values_direct);
    tcase_add_test(tc, test_invariance);
    tcase_add_test(tc, test_contraction);
    tcase_add_test(tc, test_scaling);
    tcase_add_test(tc, test_bad_input);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
