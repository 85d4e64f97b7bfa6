/* -p emt against the EMT data sets made with ASE 3.22.1's EMT: the auAl100
 * endpoints, training and test sets (../shared/data/auAl100) and the shipped
 * examples/agcu100 endpoints and data.  The files give positions to 8 or
 * 10 decimals, so energies agree to the rounding of the positions (~1e-8
 * eV), not to the 1e-10 of tests/cli/emt_ase.sh, which runs ASE itself.
 * Exit 77 when $PESX_SHARED is absent (after checking agcu100). */
#include "testutil.h"
#include <pesx/io.h>
#include <pesx/io_dataset.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static pesx_potential *open_emt(void)
{
    pesx_potential *p = pesx_potential_open("emt");
    ck_assert_msg(p != NULL, "emt: %s", pesx_error_last()->msg);
    return p;
}

/* Energy of frame 0 of PATH; the
 * energy of its header into *EREF. */
static double emt_of_xyz(pesx_potential *p, const char *path, double *eref)
{
    pesx_frame fr;
    pesx_potential_result r;
    pesx_frame_init(&fr);
    ck_assert_msg(pesx_xyz_read_frame(path, 0, &fr) == PESX_OK, "%s: %s", path,
                  pesx_error_last()->msg);
    *eref = fr.has_energy ? fr.energy : NAN;
    memset(&r, 0, sizeof r);
    ck_assert_msg(pesx_potential_eval(p, fr.atoms, &r) == PESX_OK, "%s: %s", path,
                  pesx_error_last()->msg);
    pesx_frame_release(&fr);
    return r.energy;
}

/* The number after "KEY" in the text of file PATH (a JSON "key": or a
 * "key value" line). */
static double number_after(const char *path, const char *key)
{
    char *text = tu_slurp(path, NULL), *at = strstr(text, key), *end;
    double v;
    ck_assert_msg(at != NULL, "%s: no %s", path, key);
    at += strlen(key);
    while (*at == '"' || *at == ':' || *at == ' ')
        at++;
    v = strtod(at, &end);
    ck_assert_msg(end != at, "%s: %s is not followed by a number", path, key);
    free(text);
    return v;
}

/* Every structure of the data set PATH: energy and forces against the file,
 * to ETOL (eV) and FTOL (eV/A). */
static void check_dataset(pesx_potential *p, const char *path, size_t n_expected, double etol,
                          double ftol)
{
    pesx_dataset ds;
    double worst_e = 0, worst_f = 0, *f = NULL;
    size_t cap = 0;
    pesx_dataset_init(&ds);
    ck_assert_msg(pesx_dataset_read(path, &ds) == PESX_OK, "%s: %s", path,
                  pesx_error_last()->msg);
    ck_assert_uint_eq(ds.n, n_expected);
    for (size_t k = 0; k < ds.n; k++) {
        const pesx_atoms *a = ds.atoms[k];
        const double *fref = ds.force + 3 * ds.atom_start[k];
        pesx_potential_result r;
        if (3 * a->n > cap) {
            cap = 3 * a->n;
            f = realloc(f, cap * sizeof *f);
        }
        memset(&r, 0, sizeof r);
        r.forces = f;
        ck_assert_msg(pesx_potential_eval(p, a, &r) == PESX_OK, "%s: %s", path,
                      pesx_error_last()->msg);
        ck_assert_msg(fabs(r.energy - ds.energy[k]) <= etol,
                      "%s: structure %s: E %.10f vs %.10f", path, ds.id[k], r.energy,
                      ds.energy[k]);
        worst_e = fmax(worst_e, fabs(r.energy - ds.energy[k]));
        for (size_t c = 0; c < 3 * a->n; c++) {
            ck_assert_msg(fabs(f[c] - fref[c]) <= ftol,
                          "%s: structure %s, atom %zu: F %.10f vs %.10f", path, ds.id[k],
                          c / 3 + 1, f[c], fref[c]);
            worst_f = fmax(worst_f, fabs(f[c] - fref[c]));
        }
    }
    printf("%s: %zu structures, largest |dE| %.2g eV, largest |dF| %.2g eV/A\n", path, ds.n,
           worst_e, worst_f);
    free(f);
    pesx_dataset_release(&ds);
}

START_TEST(test_auAl100_endpoints)
{
    static const struct { const char *file, *json_key; } ends[] = {
        {"data/auAl100/reactant.xyz", "\"E_initial\""},
        {"data/auAl100/product.xyz", "\"E_final\""},
    };
    char path[4096], json[4096];
    pesx_potential *p = open_emt();
    ck_assert_ptr_nonnull(tu_shared_path(json, sizeof json, "data/auAl100/reference.json"));
    for (size_t k = 0; k < 2; k++) {
        double eref, e = emt_of_xyz(p, tu_shared_path(path, sizeof path, ends[k].file), &eref);
        double ejson = number_after(json, ends[k].json_key);
        printf("%s: emt %.12f eV, data set %.12f eV, reference.json %.12f eV\n", ends[k].file, e,
               eref, ejson);
        ck_assert_msg(fabs(e - eref) <= 1e-8, "%s: %.12f vs header %.12f", path, e, eref);
        ck_assert_msg(fabs(e - ejson) <= 1e-8, "%s: %.12f vs reference.json %.12f", path, e,
                      ejson);
    }
    pesx_potential_free(p);
}
END_TEST

START_TEST(test_auAl100_sets)
{
    char path[4096];
    pesx_potential *p = open_emt();
    /* 10 decimals: positions rounded by 5e-11 Angstrom */
    check_dataset(p, tu_shared_path(path, sizeof path, "data/auAl100/auAl100_test.xml"), 353,
                  1e-8, 1e-7);
    check_dataset(p, tu_shared_path(path, sizeof path, "data/auAl100/auAl100_train.xml"), 1557,
                  1e-8, 1e-7);
    pesx_potential_free(p);
}
END_TEST

/* The shipped example: its endpoints against reference.txt (6 decimals) and
 * its training and test sets. */
START_TEST(test_agcu100)
{
    char path[4096], ref[4096];
    const char *top = getenv("top_srcdir");
    double eref, e;
    pesx_potential *p = open_emt();
    snprintf(ref, sizeof ref, "%s/examples/agcu100/reference.txt", top ? top : ".");
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/examples/agcu100/%s.xyz", top ? top : ".",
                 k ? "product" : "reactant");
        e = emt_of_xyz(p, path, &eref);
        printf("%s: emt %.10f eV, reference.txt E_reactant %.6f eV\n", path, e,
               number_after(ref, "E_reactant"));
        ck_assert_msg(fabs(e - number_after(ref, "E_reactant")) <= 5e-7, "%s: %.10f", path, e);
    }
    snprintf(path, sizeof path, "%s/examples/agcu100/test.xml", top ? top : ".");
    /* 8 decimals: positions rounded by 5e-9 Angstrom */
    check_dataset(p, path, 186, 2e-7, 1e-6);
    snprintf(path, sizeof path, "%s/examples/agcu100/train.xml", top ? top : ".");
    check_dataset(p, path, 667, 2e-7, 1e-6);
    pesx_potential_free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("emt");
    TCase *tc = tcase_create("agcu100");
    int status;
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_agcu100);
    suite_add_tcase(s, tc);
    if (!tu_shared_dir()) {
        status = tu_run_suite(s);
        if (status != 0)
            return status;
        printf("check_emt: $PESX_SHARED (../shared) is absent: auAl100 checks skipped\n");
        return 77;
    }
    tc = tcase_create("auAl100");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_auAl100_endpoints);
    tcase_add_test(tc, test_auAl100_sets);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
