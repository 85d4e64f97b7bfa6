/* Check suite of the api module (the installed entry point): analytic
 * Lennard-Jones energies, forces and stress through plain arrays, forces
 * = -grad E by central differences, the committee outputs of a shipped
 * potential, species probing and every error path. */
#include <config.h>
#include "testutil.h"
#include <pesx/api.h>
#include <pesx/io.h>

#include <stdlib.h>
#include <string.h>

static pesx_api_model *open_ok(const char *spec)
{
    pesx_api_model *m = pesx_api_open(spec);
    ck_assert_msg(m != NULL, "pesx_api_open(\"%s\"): %s", spec, pesx_api_error());
    ck_assert_str_eq(pesx_api_error(), "");
    return m;
}

static double lj(double r, double *dvdr)
{
    double s6 = pow(r, -6.0);
    *dvdr = 4.0 * (-12.0 * s6 * s6 + 6.0 * s6) / r;
    return 4.0 * (s6 * s6 - s6);
}

START_TEST(test_lj_dimer)
{
    pesx_api_model *m = open_ok("lj");
    int z[2] = {18, 18};
    double x[6] = {0, 0, 0, 0.3, -0.4, 1.1}, e, f[6], ae[2], es, fs[6], me[1], r, dv;
    int ex[2] = {7, 7};
    ck_assert_int_eq(pesx_api_eval(m, 2, z, x, NULL, NULL, &e, f, ae, &es, fs, me, ex), 0);
    r = sqrt(0.3 * 0.3 + 0.4 * 0.4 + 1.1 * 1.1);
    ck_assert_rel(e, lj(r, &dv), 1e-14);
    ck_assert_rel(ae[0] + ae[1], e, 1e-14);
    for (int k = 0; k < 3; k++) {
        ck_assert_rel(f[3 + k], -dv * x[3 + k] / r, 1e-13);
        ck_assert_rel(f[k], -f[3 + k], 1e-14);
        ck_assert(fs[k] == 0.0);
    }
    ck_assert(es == 0.0 && me[0] == e && ex[0] == 0 && ex[1] == 0);
    ck_assert_uint_eq(pesx_api_n_members(m), 1);
    ck_assert_uint_eq(pesx_api_calls(m), 1);
    ck_assert(isinf(pesx_api_cutoff(m)));
    ck_assert_str_eq(pesx_api_spec(m), "lj");
    ck_assert_int_eq(pesx_api_version(), PESX_API_VERSION);
    ck_assert_int_eq(pesx_api_element_z("Cu"), 29);
    ck_assert_int_eq(pesx_api_element_z("Xx"), 0);
    ck_assert_int_eq(pesx_api_element_z(NULL), 0);
    ck_assert_str_eq(pesx_api_element_symbol(47), "Ag");
    ck_assert(pesx_api_element_symbol(0) == NULL && pesx_api_element_symbol(1000) == NULL);
    ck_assert_str_eq(pesx_api_package_version(), PACKAGE_VERSION);
    pesx_api_close(m);
}
END_TEST

/* A distorted 2x2x2 fcc block of LJ atoms in an orthorhombic cell wider
 * than twice the cutoff 1.5 (between the first and second neighbour
 * shells), so minimum-image pair sums are exact and no pair comes near the
 * cutoff, where the shifted LJ force jumps and strain differences would
 * straddle the kink. */
static size_t lj_block(int *z, double *x, double cell[9])
{
    const double a = 1.56, basis[4][3] = {{0, 0, 0}, {0, .5, .5}, {.5, 0, .5}, {.5, .5, 0}};
    size_t n = 0;
    pesx_rng rng;
    pesx_rng_seed(&rng, 15);
    memset(cell, 0, 9 * sizeof *cell);
    cell[0] = 2 * a * 1.01, cell[4] = 2 * a * 0.99, cell[8] = 2 * a;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            for (int k = 0; k < 2; k++)
                for (int b = 0; b < 4; b++, n++) {
                    double s[3] = {(i + basis[b][0]) / 2, (j + basis[b][1]) / 2, (k + basis[b][2]) / 2};
                    z[n] = 18;
                    for (int d = 0; d < 3; d++)
                        x[3 * n + d] = s[d] * cell[4 * d] + 0.04 * (pesx_rng_uniform(&rng) - 0.5);
                }
    return n;
}

START_TEST(test_lj_periodic_stress)
{
    const double rc = 1.5;
    pesx_api_model *m = open_ok("lj:rc=1.5");
    int z[32], pbc[3] = {1, 1, 1};
    double x[96], cell[9], e, stress[9], want[9] = {0}, esum = 0, V, f[96], gap = INFINITY;
    size_t n = lj_block(z, x, cell);
    V = cell[0] * cell[4] * cell[8];
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double d[3], r2 = 0, r, dv, vc;
            for (int k = 0; k < 3; k++) {
                d[k] = x[3 * j + k] - x[3 * i + k];
                d[k] -= cell[4 * k] * round(d[k] / cell[4 * k]);
                r2 += d[k] * d[k];
            }
            r = sqrt(r2);
            gap = fmin(gap, fabs(r - rc));
            if (r >= rc)
                continue;
            esum += lj(r, &dv) - lj(rc, &vc);
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++)
                    want[3 * a + b] += dv * d[a] * d[b] / r / V;
        }
    ck_assert_int_eq(pesx_api_eval(m, n, z, x, cell, pbc, &e, f, NULL, NULL, NULL, NULL, NULL), 0);
    ck_assert_rel(e, esum, 1e-12);
    ck_assert_msg(gap > 0.01, "a pair %.3g A from the cutoff", gap);
    ck_assert_int_eq(pesx_api_stress(m, n, z, x, cell, stress), 0);
    for (int k = 0; k < 9; k++)
        ck_assert_msg(fabs(stress[k] - want[k]) <= 1e-8 * fabs(want[0]),
                      "stress[%d] %.12g vs analytic %.12g", k, stress[k], want[k]);
    ck_assert(fabs(want[1]) > 1e-4 * fabs(want[0])); /* the shear is not trivially 0 */
    /* the model's structure is restored: a second eval gives the same energy */
    ck_assert_int_eq(pesx_api_eval(m, n, z, x, cell, pbc, &e, NULL, NULL, NULL, NULL, NULL, NULL), 0);
    ck_assert_rel(e, esum, 1e-12);
    pbc[2] = 0;
    ck_assert_int_eq(pesx_api_eval(m, n, z, x, cell, pbc, &e, NULL, NULL, NULL, NULL, NULL, NULL), 0);
    pesx_api_close(m);
}
END_TEST

static const char *agcu100(char *buf, size_t size)
{
    const char *top = getenv("top_srcdir");
    snprintf(buf, size, "%s/potentials/agcu100.xml", top ? top : ".");
    return buf;
}

/* examples/agcu100/reactant.xyz (an Ag adatom on a Cu(100) slab, open in
 * z), with one atom nudged off its site, as plain arrays. */
static size_t reactant(int *z, double *x, double cell[9], int pbc[3], size_t cap)
{
    char path[4096];
    const char *top = getenv("top_srcdir");
    pesx_frame *fr = NULL;
    size_t nf = 0, n;
    snprintf(path, sizeof path, "%s/examples/agcu100/reactant.xyz", top ? top : ".");
    ck_assert_msg(pesx_xyz_read_all(path, &fr, &nf) == 0 && nf == 1, "%s", pesx_error_last()->msg);
    n = fr[0].atoms->n;
    ck_assert(n <= cap);
    for (size_t i = 0; i < n; i++)
        z[i] = fr[0].atoms->z[i];
    memcpy(x, fr[0].atoms->x, 3 * n * sizeof *x);
    memcpy(cell, fr[0].atoms->cell, 9 * sizeof *cell);
    for (int k = 0; k < 3; k++)
        pbc[k] = fr[0].atoms->pbc[k];
    x[3 * (n - 1)] += 0.3;
    pesx_frames_free(fr, nf);
    return n;
}

START_TEST(test_committee_and_fd)
{
    char path[4096];
    pesx_api_model *m = open_ok(agcu100(path, sizeof path));
    int z[64], pbc[3], ex[64];
    double x[192], cell[9], e, f[192], ae[64], es, fs[192], me[4], mean = 0, h = 1e-4, worst = 0;
    size_t n = reactant(z, x, cell, pbc, 64);
    ck_assert_uint_eq(pesx_api_n_members(m), 4);
    ck_assert(fabs(pesx_api_cutoff(m) - 6.0) < 1e-12);
    ck_assert_int_eq(pesx_api_eval(m, n, z, x, cell, pbc, &e, f, ae, &es, fs, me, ex), 0);
    for (int k = 0; k < 4; k++)
        mean += me[k] / 4;
    ck_assert_rel(mean, e, 1e-12);
    ck_assert(es > 0 && fs[2] >= 0);
    for (size_t i = 0; i < n; i++)
        ck_assert(ex[i] == 0 || ex[i] == 1);
    for (size_t k = 0; k < 3 * n; k++) {
        double ep, em, x0 = x[k];
        x[k] = x0 + h;
        ck_assert_int_eq(pesx_api_eval(m, n, z, x, cell, pbc, &ep, NULL, NULL, NULL, NULL, NULL, NULL), 0);
        x[k] = x0 - h;
        ck_assert_int_eq(pesx_api_eval(m, n, z, x, cell, pbc, &em, NULL, NULL, NULL, NULL, NULL, NULL), 0);
        x[k] = x0;
        worst = fmax(worst, fabs(f[k] + (ep - em) / (2 * h)));
    }
    ck_assert_msg(worst < 1e-6, "forces differ from -dE/dx by %.3g eV/A", worst);
    ck_assert(pesx_api_supports(m, 29) && pesx_api_supports(m, 47));
    ck_assert(!pesx_api_supports(m, 1) && !pesx_api_supports(m, 0) && !pesx_api_supports(m, 79));
    ck_assert_str_eq(pesx_api_error(), "");
    pesx_api_close(m);
}
END_TEST

START_TEST(test_errors)
{
    pesx_api_model *m;
    int z[2] = {18, 18}, pbc[3] = {1, 0, 0}, bad[2] = {18, 0};
    double x[6] = {0, 0, 0, 1.1, 0, 0}, e, cell[9] = {0};
    ck_assert(pesx_api_open("no-such-potential-x") == NULL);
    ck_assert(strstr(pesx_api_error(), "no-such-potential-x") != NULL);
    ck_assert_int_eq(pesx_api_error_code(), PESX_API_EINVAL);
    ck_assert(pesx_api_open("lj:epsilon=x") == NULL && *pesx_api_error());
    ck_assert(pesx_api_open("") == NULL && pesx_api_open(NULL) == NULL);
    m = open_ok("lj");
    ck_assert_int_eq(pesx_api_eval(m, 2, z, NULL, NULL, NULL, &e, NULL, NULL, NULL, NULL, NULL, NULL),
                     PESX_API_EINVAL);
    ck_assert_int_eq(pesx_api_eval(m, 2, bad, x, NULL, NULL, &e, NULL, NULL, NULL, NULL, NULL, NULL),
                     PESX_API_EINVAL);
    ck_assert(strstr(pesx_api_error(), "atom 1") != NULL);
    ck_assert_int_eq(pesx_api_eval(m, 2, z, x, NULL, pbc, &e, NULL, NULL, NULL, NULL, NULL, NULL),
                     PESX_API_EINVAL);
    ck_assert_int_eq(pesx_api_eval(m, 2, z, x, cell, pbc, &e, NULL, NULL, NULL, NULL, NULL, NULL),
                     PESX_API_EINVAL);
    x[3] = NAN;
    ck_assert_int_ne(pesx_api_eval(m, 2, z, x, NULL, NULL, &e, NULL, NULL, NULL, NULL, NULL, NULL), 0);
    x[3] = 1.1;
    ck_assert_int_ne(pesx_api_stress(m, 2, z, x, NULL, cell), 0);
    ck_assert_int_eq(pesx_api_eval(m, 2, z, x, NULL, NULL, &e, NULL, NULL, NULL, NULL, NULL, NULL), 0);
    ck_assert_str_eq(pesx_api_error(), "");
    ck_assert_int_eq(pesx_api_error_code(), 0);
    ck_assert_int_eq(pesx_api_eval(NULL, 2, z, x, NULL, NULL, &e, NULL, NULL, NULL, NULL, NULL, NULL),
                     PESX_API_EINVAL);
    pesx_api_close(m);
    pesx_api_close(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_add_test(tc, test_lj_dimer);
    tcase_add_test(tc, test_lj_periodic_stress);
    tcase_add_test(tc, test_committee_and_fd);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
