/* Helpers shared by the Check suites. */
#ifndef PESX_TESTUTIL_H
#define PESX_TESTUTIL_H

#include <check.h>
#include <math.h>
#include <stddef.h>
#include <pesx/util.h>
#include <pesx/structure.h>
#include <pesx/potential.h>

/* |a - b| <= tol * max(|a|, |b|, 1e-300), with a message naming both. */
#define ck_assert_rel(a, b, tol)                                                      \
    do {                                                                              \
        double ck_a_ = (a), ck_b_ = (b);                                              \
        double ck_s_ = fmax(fmax(fabs(ck_a_), fabs(ck_b_)), 1e-300);                  \
        ck_assert_msg(fabs(ck_a_ - ck_b_) <= (tol) * ck_s_,                           \
                      "%s = %.17g vs %s = %.17g: relative error %.3g > %g", #a, ck_a_, \
                      #b, ck_b_, fabs(ck_a_ - ck_b_) / ck_s_, (double)(tol));         \
    } while (0)

/* $PESX_SHARED (the project's ../shared) when it exists, else NULL. */
const char *tu_shared_dir(void);
/* Path of a file under $PESX_SHARED into buf; NULL when shared/ is absent. */
const char *tu_shared_path(char *buf, size_t size, const char *rel);
/* Path of a file under $top_srcdir/tests/data into buf. */
const char *tu_data_path(char *buf, size_t size, const char *rel);

/* Largest |F_analytic - F_fd| over free coordinates, with central
 * differences of step h, and the largest |F| for scale. */
int tu_force_fd_error(pesx_potential *p, const pesx_atoms *a, double h,
                      double *max_err, double *max_force);

/* The whole file PATH, NUL-terminated (free it); its length into *LEN
 * unless LEN is NULL.  Fails the test when the file cannot be read. */
char *tu_slurp(const char *path, size_t *len);

/* A fresh temporary directory per test (a Check fixture): tu_tmpdir_setup
 * makes /tmp/pesx-test.XXXXXX, tu_tmpdir_teardown removes it with its files,
 * tu_tmp_path names a file in it. */
extern char tu_tmpdir[256];
void tu_tmpdir_setup(void);
void tu_tmpdir_teardown(void);
const char *tu_tmp_path(char *buf, size_t size, const char *name);

/* Run SUITE and return the process exit status (0 = all passed). */
int tu_run_suite(Suite *s);

#endif
