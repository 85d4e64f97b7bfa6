/* Check suite of the whole fit as a library call (pesx_fit_run): a fit from
 * memory is the fit pesx fit makes from the same data in a file, bit for
 * bit; a warm start continues from the start potential's weights, keeps its
 * descriptors, scaling and reference energies, and lowers the error on
 * added data; a stop from the progress callback keeps the members trained;
 * a checkpoint that cannot be written ends the fit with an error. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <pesx/fit.h>
#include <pesx/potential.h>
#include "testutil.h"

/* NS small Al/Au clusters (4 to 6 atoms, nearest neighbours 2.2 to 3.4
 * Angstrom apart) with Morse energies and forces. */
static void morse_data(pesx_dataset *ds, size_t ns, unsigned long long seed)
{
    pesx_potential *morse = pesx_potential_open("morse:D=0.5,alpha=1.5,r0=2.6,rc=4.5");
    pesx_rng rng;
    ck_assert_ptr_nonnull(morse);
    pesx_dataset_init(ds);
    pesx_rng_seed(&rng, seed);
    for (size_t k = 0; k < ns; k++) {
        size_t n = 4 + k % 3;
        pesx_atoms *a = pesx_atoms_alloc(n);
        double f[3 * 6];
        pesx_potential_result r;
        pesx_dataset_entry e;
        char id[32];
        /* a chain with random bends: every atom 2.2-3.4 from the one before */
        for (size_t i = 0; i < n; i++) {
            double d = 2.2 + 1.2 * pesx_rng_uniform(&rng), u[3], len = 0;
            for (int c = 0; c < 3; c++) {
                u[c] = pesx_rng_normal(&rng) + (c == 0 ? 1.5 : 0);
                len += u[c] * u[c];
            }
            for (int c = 0; c < 3; c++)
                a->x[3 * i + c] = i ? a->x[3 * (i - 1) + c] + d * u[c] / sqrt(len) : 0;
            a->z[i] = i % 2 ? 79 : 13;
        }
        memset(&r, 0, sizeof r);
        r.forces = f;
        ck_assert_int_eq(pesx_potential_eval(morse, a, &r), PESX_OK);
        snprintf(id, sizeof id, "c%zu", k);
        memset(&e, 0, sizeof e);
        e.id = id;
        e.atoms = a;
        e.energy = r.energy - 1.5 * (double)n;
        e.forces = f;
        e.weight = 1.0;
        ck_assert_int_eq(pesx_dataset_append(ds, &e), PESX_OK);
        pesx_atoms_free(a);
    }
    pesx_potential_free(morse);
}

/* The setup of the options below. */
#define CLI_OPTIONS                                                                            \
    "--rc 4.5 --hidden 4,3 --optimizer lbfgs --epochs 6 --committee 2 --seed 3 "              \
    "--test-fraction 0.2 --checkpoint-every 0 -q"

static void small_setup(pesx_fit_setup *o)
{
    pesx_fit_setup_default(o);
    o->sf.rc = 4.5;
    o->hidden[0] = 4;
    o->hidden[1] = 3;
    pesx_fit_setup_optimizer(o, PESX_FIT_LBFGS);
    o->train.epochs = 6;
    o->committee = 2;
    o->train.seed = 3;
    o->test_fraction = 0.2;
}

/* FILE without the lines that say when and from which file it was made. */
static char *content(const char *path)
{
    size_t n;
    char *t = tu_slurp(path, &n), *o, *p;
    ck_assert_msg(t != NULL, "cannot read %s", path);
    o = p = t;
    while (*p) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
        if (!memmem(p, len, "<date>", 6) && !memmem(p, len, "<source>", 8)) {
            memmove(o, p, len);
            o += len;
        }
        p += len;
    }
    *o = '\0';
    return t;
}

START_TEST(test_memory_equals_cli)
{
    const char *pesx = getenv("PESX");
    pesx_dataset ds;
    pesx_fit_setup o;
    pesx_fit_result res;
    char data[512], lib[512], cli[512], cmd[2048], libc[512], libp[512], clip[512];
    char *a, *b;
    if (!pesx || access(pesx, X_OK) != 0) {
        fprintf(stderr, "skipped: $PESX (the pesx binary) not set\n");
        return;
    }
    morse_data(&ds, 20, 5);
    tu_tmp_path(data, sizeof data, "data.xml");
    tu_tmp_path(lib, sizeof lib, "lib.xml");
    tu_tmp_path(cli, sizeof cli, "cli.xml");
    ck_assert_int_eq(pesx_dataset_write(data, &ds), PESX_OK);
    small_setup(&o);
    o.output = lib;
    pesx_fit_side_path(lib, "-curve.tsv", libc, sizeof libc);
    pesx_fit_side_path(lib, "-parity.tsv", libp, sizeof libp);
    o.curve = libc;
    o.parity = libp;
    ck_assert_int_eq(pesx_fit_run(&o, &ds, NULL, &res), PESX_OK);
    ck_assert_uint_eq(res.n_members, 2);
    ck_assert_uint_eq(res.n_test, 4);
    ck_assert_int_eq(res.interrupted, 0);
    pesx_fit_result_release(&res);
    snprintf(cmd, sizeof cmd, "'%s' fit '%s' -o '%s' " CLI_OPTIONS, pesx, data, cli);
    ck_assert_int_eq(system(cmd), 0);
    /* the potential, its recorded options included, and the parity data */
    a = content(lib);
    b = content(cli);
    ck_assert_ptr_nonnull(strstr(a, "<fit-options>"));
    ck_assert_ptr_nonnull(strstr(a, "--seed 3"));
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    pesx_fit_side_path(cli, "-parity.tsv", clip, sizeof clip);
    a = content(libp);
    b = content(clip);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    pesx_dataset_release(&ds);
}
END_TEST

/* RMSE of the energy per atom plus that of the force components (eV,
 * Angstrom) of the potential file PF on structures FIRST.. of DS. */
static double error_on(const pesx_potential_file *pf, const pesx_dataset *ds, size_t first)
{
    char path[512];
    pesx_potential *p;
    double se = 0, sf = 0;
    size_t nf = 0;
    tu_tmp_path(path, sizeof path, "eval.xml");
    ck_assert_int_eq(pesx_potential_file_write(path, pf), PESX_OK);
    p = pesx_potential_open(path);
    ck_assert_ptr_nonnull(p);
    for (size_t k = first; k < ds->n; k++) {
        const pesx_atoms *a = ds->atoms[k];
        const double *F = ds->force + 3 * ds->atom_start[k];
        double f[3 * 6], de;
        pesx_potential_result r;
        memset(&r, 0, sizeof r);
        r.forces = f;
        ck_assert_int_eq(pesx_potential_eval(p, a, &r), PESX_OK);
        de = (r.energy - ds->energy[k]) / (double)a->n;
        se += de * de;
        for (size_t c = 0; c < 3 * a->n; c++, nf++)
            sf += (f[c] - F[c]) * (f[c] - F[c]);
    }
    pesx_potential_free(p);
    return sqrt(se / (double)(ds->n - first)) + sqrt(sf / (double)nf);
}

START_TEST(test_warm_start)
{
    pesx_dataset all, first;
    pesx_fit_setup o;
    pesx_fit_result r0, r1, rz;
    size_t idx[16];
    double before, after;
    morse_data(&all, 24, 9);
    for (size_t k = 0; k < 16; k++)
        idx[k] = k;
    pesx_dataset_init(&first);
    ck_assert_int_eq(pesx_dataset_subset(&first, &all, idx, 16), PESX_OK);
    /* the start: a fit to the first 16 structures */
    small_setup(&o);
    o.committee = 1;
    o.train.epochs = 30;
    o.test_fraction = 0;
    ck_assert_int_eq(pesx_fit_run(&o, &first, NULL, &r0), PESX_OK);
    /* no epochs: the start potential itself */
    o.start = &r0.pf;
    o.train.epochs = 0;
    ck_assert_int_eq(pesx_fit_run(&o, &all, NULL, &rz), PESX_OK);
    for (size_t e = 0; e < r0.pf.n_elements; e++) {
        const pesx_potential_file_element *a = &r0.pf.element[e], *b = &rz.pf.element[e];
        ck_assert_uint_eq(a->n_weights, b->n_weights);
        ck_assert_mem_eq(a->weights, b->weights, a->n_weights * sizeof *a->weights);
    }
    ck_assert_ptr_nonnull(strstr(rz.pf.fit_options, "--start"));
    /* 30 more epochs on all the data: same functions, scaling and reference
     * energies, lower error on the 8 added structures */
    o.train.epochs = 30;
    ck_assert_int_eq(pesx_fit_run(&o, &all, NULL, &r1), PESX_OK);
    for (size_t e = 0; e < r0.pf.n_elements; e++) {
        const pesx_potential_file_element *a = &r0.pf.element[e], *b = &r1.pf.element[e];
        ck_assert_uint_eq(a->n_sf, b->n_sf);
        ck_assert(a->ref_energy == b->ref_energy);
        for (size_t k = 0; k < a->n_sf; k++) {
            ck_assert(a->sf[k].gmin == b->sf[k].gmin && a->sf[k].gmax == b->sf[k].gmax);
            ck_assert(b->sf[k].train_min <= a->sf[k].train_min &&
                      b->sf[k].train_max >= a->sf[k].train_max);
        }
    }
    ck_assert(r0.pf.conv_energy == r1.pf.conv_energy);
    before = error_on(&r0.pf, &all, 16);
    after = error_on(&r1.pf, &all, 16);
    fprintf(stderr, "warm start: error on the added data %g -> %g\n", before, after);
    ck_assert_msg(after < 0.8 * before, "error on the added data %g -> %g", before, after);
    pesx_fit_result_release(&r0);
    pesx_fit_result_release(&r1);
    pesx_fit_result_release(&rz);
    pesx_dataset_release(&first);
    pesx_dataset_release(&all);
}
END_TEST

/* The progress callback stops the second member at its epoch 2: the
 * result holds one member; the events came in order. */
typedef struct {
    size_t starts, epochs, members, stop_member, stop_epoch;
    char mkdir_at_epoch1[512];
} events;

static int on_event(const pesx_fit_event *ev, void *ctx)
{
    events *E = ctx;
    switch (ev->kind) {
    case PESX_FIT_EVENT_START:
        E->starts++;
        ck_assert_uint_eq(ev->n_members, 2);
        break;
    case PESX_FIT_EVENT_EPOCH:
        ck_assert_uint_eq(E->starts, 1);
        E->epochs++;
        if (E->mkdir_at_epoch1[0] && ev->epoch->epoch == 1)
            ck_assert_int_eq(mkdir(E->mkdir_at_epoch1, 0777), 0);
        return ev->member == E->stop_member && ev->epoch->epoch == E->stop_epoch;
    case PESX_FIT_EVENT_MEMBER: E->members++; break;
    default: break;
    }
    return 0;
}

START_TEST(test_stop_keeps_members)
{
    pesx_dataset ds;
    pesx_fit_setup o;
    pesx_fit_result res;
    events E;
    memset(&E, 0, sizeof E);
    E.stop_member = 1;
    E.stop_epoch = 2;
    morse_data(&ds, 12, 2);
    small_setup(&o);
    o.progress = on_event;
    o.ctx = &E;
    ck_assert_int_eq(pesx_fit_run(&o, &ds, NULL, &res), PESX_OK);
    ck_assert_int_eq(res.interrupted, 1);
    ck_assert_uint_eq(res.n_members, 1);
    ck_assert_uint_eq(res.pf.n_members, 1);
    ck_assert_uint_eq(E.epochs, 7 + 3);
    ck_assert_uint_eq(E.members, 2);
    pesx_fit_result_release(&res);
    pesx_dataset_release(&ds);
}
END_TEST

/* A checkpoint that cannot be written (its state file's name taken by a
 * directory after the fit started) is an error, not a warning. */
START_TEST(test_checkpoint_failure)
{
    pesx_dataset ds;
    pesx_fit_setup o;
    pesx_fit_result res;
    events E;
    char out[256];
    int st;
    memset(&E, 0, sizeof E);
    E.stop_member = 99;
    tu_tmp_path(out, sizeof out, "ck.xml");
    snprintf(E.mkdir_at_epoch1, sizeof E.mkdir_at_epoch1, "%s.checkpoint.state", out);
    morse_data(&ds, 12, 2);
    small_setup(&o);
    o.output = out;
    o.checkpoint_every = 2;
    o.progress = on_event;
    o.ctx = &E;
    st = pesx_fit_run(&o, &ds, NULL, &res);
    ck_assert_int_eq(st, PESX_EWRITE);
    ck_assert_uint_eq(E.epochs, 3); /* epochs 0, 1 and 2, whose checkpoint failed */
    ck_assert_int_ne(access(out, F_OK), 0);
    pesx_fit_result_release(&res);
    rmdir(E.mkdir_at_epoch1);
    pesx_dataset_release(&ds);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fit_run");
    TCase *tc = tcase_create("run");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, tu_tmpdir_setup, tu_tmpdir_teardown);
    tcase_add_test(tc, test_memory_equals_cli);
    tcase_add_test(tc, test_warm_start);
    tcase_add_test(tc, test_stop_keeps_members);
    tcase_add_test(tc, test_checkpoint_failure);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
