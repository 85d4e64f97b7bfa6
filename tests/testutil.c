/* Helpers shared by the Check suites. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *tu_shared_dir(void)
{
    const char *d = getenv("PESX_SHARED");
    struct stat st;
    if (!d || !*d || stat(d, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    return d;
}

const char *tu_shared_path(char *buf, size_t size, const char *rel)
{
    const char *d = tu_shared_dir();
    if (!d)
        return NULL;
    snprintf(buf, size, "%s/%s", d, rel);
    return buf;
}

const char *tu_data_path(char *buf, size_t size, const char *rel)
{
    const char *top = getenv("top_srcdir");
    snprintf(buf, size, "%s/tests/data/%s", top && *top ? top : ".", rel);
    return buf;
}

int tu_force_fd_error(pesx_potential *p, const pesx_atoms *a, double h,
                      double *max_err, double *max_force)
{
    size_t n3 = 3 * a->n;
    double *f = calloc(n3 ? n3 : 1, sizeof *f);
    pesx_atoms *w = pesx_atoms_clone(a);
    pesx_potential_result r;
    int status = PESX_ENOMEM;
    *max_err = 0.0;
    *max_force = 0.0;
    if (!f || !w)
        goto done;
    memset(&r, 0, sizeof r);
    r.forces = f;
    status = pesx_potential_eval(p, a, &r);
    if (status)
        goto done;
    for (size_t k = 0; k < n3; k++) {
        double e_plus, e_minus, x0 = a->x[k];
        pesx_potential_result re;
        if (a->fixed && a->fixed[k / 3])
            continue;
        memset(&re, 0, sizeof re);
        w->x[k] = x0 + h;
        if ((status = pesx_potential_eval(p, w, &re)))
            goto done;
        e_plus = re.energy;
        w->x[k] = x0 - h;
        if ((status = pesx_potential_eval(p, w, &re)))
            goto done;
        e_minus = re.energy;
        w->x[k] = x0;
        double fd = -(e_plus - e_minus) / (2 * h);
        if (fabs(fd - f[k]) > *max_err)
            *max_err = fabs(fd - f[k]);
        if (fabs(f[k]) > *max_force)
            *max_force = fabs(f[k]);
    }
done:
    free(f);
    pesx_atoms_free(w);
    return status;
}

char *tu_slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long size;
    ck_assert_msg(fp != NULL, "cannot open %s", path);
    fseek(fp, 0, SEEK_END);
    size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    ck_assert(size >= 0);
    buf = malloc((size_t)size + 1);
    ck_assert(buf != NULL);
    ck_assert(fread(buf, 1, (size_t)size, fp) == (size_t)size);
    buf[size] = '\0';
    fclose(fp);
    if (len)
        *len = (size_t)size;
    return buf;
}

char tu_tmpdir[256];

void tu_tmpdir_setup(void)
{
    snprintf(tu_tmpdir, sizeof tu_tmpdir, "/tmp/pesx-test.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tu_tmpdir));
}

void tu_tmpdir_teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tu_tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

const char *tu_tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tu_tmpdir, name);
    return buf;
}

int tu_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
