/* util: errors, parsing, parameter lists, elements, RNG, atomic files, growable arrays. */
#include <config.h>
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(test_error_context)
{
    char buf[256];
    ck_assert_int_eq(pesx_error_set(PESX_EINVAL, "a.xyz", 12, "expected %d atoms", 3), PESX_EINVAL);
    pesx_error_format(pesx_error_last(), buf, sizeof buf);
    ck_assert_str_eq(buf, "a.xyz:12: expected 3 atoms");
    pesx_error_prefix("reading band");
    pesx_error_format(pesx_error_last(), buf, sizeof buf);
    ck_assert_str_eq(buf, "a.xyz:12: reading band: expected 3 atoms");
    pesx_error_set(PESX_EIO, "b", 0, "gone");
    pesx_error_format(pesx_error_last(), buf, sizeof buf);
    ck_assert_str_eq(buf, "b: gone");
    pesx_error_clear();
    ck_assert_int_eq(pesx_error_last()->code, PESX_OK);
}
END_TEST

START_TEST(test_parse_numbers)
{
    double d;
    long l;
    ck_assert_int_eq(pesx_parse_double("1.5e-3", &d), PESX_OK);
    ck_assert(d == 1.5e-3);
    ck_assert_int_eq(pesx_parse_double("nan", &d), PESX_EINVAL);
    ck_assert_int_eq(pesx_parse_double("inf", &d), PESX_EINVAL);
    ck_assert_int_eq(pesx_parse_double("1e999", &d), PESX_EINVAL);
    ck_assert_int_eq(pesx_parse_double("1.0x", &d), PESX_EINVAL);
    ck_assert_int_eq(pesx_parse_double("", &d), PESX_EINVAL);
    ck_assert_int_eq(pesx_parse_long("42", 0, 100, &l), PESX_OK);
    ck_assert_int_eq(l, 42);
    ck_assert_int_eq(pesx_parse_long("101", 0, 100, &l), PESX_EINVAL);
    ck_assert_int_eq(pesx_parse_long("4.2", 0, 100, &l), PESX_EINVAL);
}
END_TEST

START_TEST(test_params)
{
    pesx_params p;
    double v = -1;
    ck_assert_int_eq(pesx_params_parse(&p, "pt,D=0.7102,alpha=1.6047,,rc=9.5"), PESX_OK);
    ck_assert_uint_eq(p.n, 4);
    ck_assert_str_eq(pesx_params_positional(&p, 0), "pt");
    ck_assert_ptr_null(pesx_params_positional(&p, 1));
    ck_assert_int_eq(pesx_params_get_double(&p, "D", &v), 1);
    ck_assert(v == 0.7102);
    ck_assert_int_eq(pesx_params_get_double(&p, "missing", &v), 0);
    ck_assert_int_eq(pesx_params_check_used(&p, "morse"), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "'alpha'"));
    pesx_params_get(&p, "alpha");
    pesx_params_get(&p, "rc");
    ck_assert_int_eq(pesx_params_check_used(&p, "morse"), PESX_OK);
    pesx_params_release(&p);

    ck_assert_int_eq(pesx_params_parse(&p, "x=abc"), PESX_OK);
    ck_assert_int_eq(pesx_params_get_double(&p, "x", &v), -1);
    pesx_params_release(&p);
    ck_assert_int_eq(pesx_params_parse(&p, "=3"), PESX_EINVAL);
    ck_assert_int_eq(pesx_params_parse(&p, NULL), PESX_OK);
    ck_assert_uint_eq(p.n, 0);
}
END_TEST

START_TEST(test_elements)
{
    ck_assert_int_eq(pesx_element_z("H"), 1);
    ck_assert_int_eq(pesx_element_z("Pt"), 78);
    ck_assert_int_eq(pesx_element_z("PT"), 78);
    ck_assert_int_eq(pesx_element_z("Rn"), 86);
    ck_assert_int_eq(pesx_element_z("Xx"), 0);
    ck_assert_int_eq(pesx_element_z("Fr"), 0);
    ck_assert_int_eq(pesx_element_z(""), 0);
    ck_assert_int_eq(pesx_element_z("Hee"), 0);
    ck_assert_str_eq(pesx_element_symbol(79), "Au");
    ck_assert_ptr_null(pesx_element_symbol(87));
    /* IUPAC standard atomic weights. */
    ck_assert(pesx_element_mass(8) == 15.999);
    ck_assert(pesx_element_mass(78) == 195.084);
    for (int z = 1; z <= PESX_MAX_Z; z++) {
        ck_assert_int_eq(pesx_element_z(pesx_element_symbol(z)), z);
        if (z > 1)
            ck_assert_msg(pesx_element_mass(z) > pesx_element_mass(z - 1) - 1.0,
                          "mass of Z=%d out of order", z);
    }
}
END_TEST

START_TEST(test_units)
{
    /* CODATA 2018: the Hartree is 2 Rydberg; Rydberg = 13.605693122994 eV. */
    ck_assert_rel(PESX_HARTREE_EV, 2 * 13.605693122994, 1e-14);
    ck_assert_rel(PESX_KB_EV * 300.0, 0.025851999786, 1e-10);
}
END_TEST

START_TEST(test_rng)
{
    pesx_rng a, b;
    double sum = 0, sum2 = 0;
    pesx_rng_seed(&a, 7);
    pesx_rng_seed(&b, 7);
    for (int i = 0; i < 100; i++)
        ck_assert(pesx_rng_next(&a) == pesx_rng_next(&b));
    for (int i = 0; i < 100000; i++) {
        double x = pesx_rng_normal(&a);
        sum += x;
        sum2 += x * x;
    }
    ck_assert(fabs(sum / 100000) < 0.02);
    ck_assert(fabs(sum2 / 100000 - 1.0) < 0.02);
    for (int i = 0; i < 1000; i++) {
        double u = pesx_rng_uniform(&a);
        ck_assert(u >= 0.0 && u < 1.0);
    }
}
END_TEST

START_TEST(test_atomic_file)
{
    char dir[] = "/tmp/pesx-atomicXXXXXX", path[256], buf[64];
    pesx_atomic_file af;
    FILE *fp;
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.txt", dir);
    fp = fopen(path, "w");
    fputs("old\n", fp);
    fclose(fp);
    /* An aborted write leaves the old file intact and no temp file behind. */
    ck_assert_int_eq(pesx_atomic_open(&af, path), PESX_OK);
    fputs("half", af.fp);
    pesx_atomic_abort(&af);
    fp = fopen(path, "r");
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, fp));
    fclose(fp);
    ck_assert_str_eq(buf, "old\n");
    ck_assert_int_eq(pesx_atomic_open(&af, path), PESX_OK);
    fputs("new\n", af.fp);
    ck_assert_int_eq(pesx_atomic_commit(&af), PESX_OK);
    fp = fopen(path, "r");
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, fp));
    fclose(fp);
    ck_assert_str_eq(buf, "new\n");
    unlink(path);
    ck_assert_int_eq(rmdir(dir), 0); /* empty: no temp files left */
    snprintf(path, sizeof path, "%s/no/such/dir/x", dir);
    ck_assert_int_eq(pesx_atomic_open(&af, path), PESX_EWRITE);
}
END_TEST

/* pesx_output_check: what the atomic writer can write, tested before work. */
START_TEST(test_output_check)
{
    char dir[] = "/tmp/pesx-check-XXXXXX", path[512];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/new.xyz", dir);
    ck_assert_int_eq(pesx_output_check(path), PESX_OK);     /* a new file */
    ck_assert_int_eq(pesx_output_check("-"), PESX_OK);      /* stdout */
    ck_assert_int_eq(pesx_output_check("/dev/null"), PESX_OK);
    ck_assert_int_eq(pesx_output_check(dir), PESX_EWRITE);  /* a directory */
    ck_assert_str_eq(pesx_error_last()->file, dir);
    snprintf(path, sizeof path, "%s/no/such/x.xyz", dir);
    ck_assert_int_eq(pesx_output_check(path), PESX_EWRITE);
    ck_assert_int_eq(pesx_output_check(""), PESX_EINVAL);
    ck_assert_int_eq(rmdir(dir), 0); /* the probe file is gone */
}
END_TEST

START_TEST(test_array_reserve)
{
    double *a = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < 1000; i++) {
        ck_assert_int_eq(pesx_array_reserve(&a, &cap, i + 1, sizeof *a, 8), PESX_OK);
        ck_assert_uint_ge(cap, i + 1);
        a[i] = (double)i;
    }
    ck_assert_uint_eq(cap, 1024); /* 8 doubled seven times */
    for (size_t i = 0; i < 1000; i++)
        ck_assert(a[i] == (double)i); /* contents survive every move */
    ck_assert_int_eq(pesx_array_reserve(&a, &cap, 10, sizeof *a, 8), PESX_OK);
    ck_assert_uint_eq(cap, 1024); /* never shrinks */
    ck_assert_int_eq(pesx_array_reserve(&a, &cap, 5000, sizeof *a, 8), PESX_OK);
    ck_assert_uint_eq(cap, 8192); /* one call may double several times */
    /* An impossible size fails cleanly and leaves the array as it was. */
    double *before = a;
    ck_assert_int_eq(pesx_array_reserve(&a, &cap, (size_t)-1 / 4, sizeof *a, 8), PESX_ENOMEM);
    ck_assert_ptr_eq(a, before);
    ck_assert_uint_eq(cap, 8192);
    ck_assert_int_eq(pesx_error_last()->code, PESX_ENOMEM);
    ck_assert(a[999] == 999.0);
    free(a);
}
END_TEST

START_TEST(test_error_first)
{
    pesx_error_first f;
    pesx_error_first_init(&f);
    pesx_error_clear();
    ck_assert_int_eq(pesx_error_first_raise(&f), PESX_OK);
    pesx_error_first_keep(&f, PESX_OK); /* success keeps nothing */
    ck_assert_int_eq(f.status, PESX_OK);
    pesx_error_first_keep(&f, pesx_error_set(PESX_EINVAL, "a.xyz", 7, "first"));
    pesx_error_first_keep(&f, pesx_error_set(PESX_EIO, "b.xyz", 9, "second"));
    pesx_error_clear(); /* as on another thread: the context is gone */
    ck_assert_int_eq(pesx_error_first_raise(&f), PESX_EINVAL);
    ck_assert_int_eq(pesx_error_last()->code, PESX_EINVAL);
    ck_assert_str_eq(pesx_error_last()->file, "a.xyz");
    ck_assert_int_eq(pesx_error_last()->line, 7);
    ck_assert_str_eq(pesx_error_last()->msg, "first");
    /* from a parallel loop: exactly one of the threads' errors, whole */
    pesx_error_first_init(&f);
#ifdef _OPENMP
#pragma omp parallel for num_threads(4)
#endif
    for (int k = 0; k < 64; k++)
        pesx_error_first_keep(&f, pesx_error_set(PESX_EFAILED, "loop", k + 1, "item %d", k));
    ck_assert_int_eq(pesx_error_first_raise(&f), PESX_EFAILED);
    char want[32];
    snprintf(want, sizeof want, "item %ld", pesx_error_last()->line - 1);
    ck_assert_str_eq(pesx_error_last()->msg, want);
}
END_TEST

static Suite *util_suite(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_error_context);
    tcase_add_test(tc, test_parse_numbers);
    tcase_add_test(tc, test_params);
    tcase_add_test(tc, test_elements);
    tcase_add_test(tc, test_units);
    tcase_add_test(tc, test_rng);
    tcase_add_test(tc, test_atomic_file);
    tcase_add_test(tc, test_output_check);
    tcase_add_test(tc, test_array_reserve);
    tcase_add_test(tc, test_error_first);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(util_suite());
}
