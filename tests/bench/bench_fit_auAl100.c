/* Benchmark (not a test): fit auAl100 (train on auAl100_train.xml, report on
 * auAl100_test.xml) with a fixed symmetry-function set of n2p2's size
 * (28 for Al, 14 for Au: radial type 2 with rs = 0 on an eta grid, wide
 * angular type 9), 15-15 networks, and print the learning curve, test RMSEs
 * and CPU time.
 *
 *   bench_fit_auAl100 [DATADIR] [key=value ...]
 *   keys: opt=adam|lbfgs|ekf epochs= lr= lr_final= batch= beta= l2= hidden=15
 *         act=softplus seed= val=0.1 rc=6 polish= patience= kf_ratio=
 * DATADIR defaults to $PESX_SHARED/data/auAl100. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pesx/fit.h>

static double cpu_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void sf(pesx_potential_file_sf *s, const char *type, const char *e1, const char *e2,
               double eta, double rc, double lambda, double zeta)
{
    snprintf(s->type, sizeof s->type, "%s", type);
    snprintf(s->e1, sizeof s->e1, "%s", e1);
    snprintf(s->e2, sizeof s->e2, "%s", e2);
    pesx_potential_file_sf_set(s, "eta", eta);
    if (lambda == 0)
        pesx_potential_file_sf_set(s, "rs", 0.0);
    pesx_potential_file_sf_set(s, "rc", rc);
    if (lambda != 0) {
        pesx_potential_file_sf_set(s, "lambda", lambda);
        pesx_potential_file_sf_set(s, "zeta", zeta);
    }
}

static void make_sfs(pesx_potential_file *pf, double rc)
{
    static const double eta8[8] = {0.001, 0.01, 0.03, 0.06, 0.1, 0.2, 0.4, 0.8};
    static const double eta6[6] = {0.001, 0.01, 0.03, 0.1, 0.2, 0.4};
    static const double zeta3[3] = {1, 2, 4};
    size_t sz[2] = {28, 1}, sz2[2] = {14, 1}, k = 0;
    pesx_potential_file_element *al, *au;
    snprintf(pf->cutoff_type, sizeof pf->cutoff_type, "cos");
    snprintf(pf->scaling_mode, sizeof pf->scaling_mode, "scale-center");
    pf->smin = -1;
    pf->smax = 1;
    al = pesx_potential_file_add_element(pf, "Al", 28, 2, sz);
    for (int i = 0; i < 8; i++)
        sf(&al->sf[k++], "2", "Al", "", eta8[i], rc, 0, 0);
    for (int i = 0; i < 6; i++)
        sf(&al->sf[k++], "2", "Au", "", eta6[i], rc, 0, 0);
    for (int l = -1; l <= 1; l += 2)
        for (int z = 0; z < 3; z++) {
            sf(&al->sf[k++], "9", "Al", "Al", 0.01, rc, l, zeta3[z]);
            sf(&al->sf[k++], "9", "Al", "Au", 0.01, rc, l, zeta3[z]);
        }
    sf(&al->sf[k++], "9", "Al", "Al", 0.01, rc, 1, 16);
    sf(&al->sf[k++], "9", "Al", "Al", 0.01, rc, -1, 16);
    au = pesx_potential_file_add_element(pf, "Au", 14, 2, sz2);
    k = 0;
    for (int i = 0; i < 8; i++)
        sf(&au->sf[k++], "2", "Al", "", eta8[i], rc, 0, 0);
    for (int l = -1; l <= 1; l += 2)
        for (int z = 0; z < 3; z++)
            sf(&au->sf[k++], "9", "Al", "Al", 0.01, rc, l, zeta3[z]);
}

typedef struct {
    double cpu0;
} ctx_t;

static int on_epoch(const pesx_fit_epoch *ep, size_t member, void *ctx)
{
    ctx_t *c = ctx;
    (void)member;
    printf("%4zu  train %8.4f meV/atom %8.3f meV/A   val %8.4f %8.3f   cpu %7.1f s\n", ep->epoch,
           1e3 * pesx_fit_errors_rmse_e(&ep->train), 1e3 * pesx_fit_errors_rmse_f(&ep->train),
           1e3 * pesx_fit_errors_rmse_e(&ep->val), 1e3 * pesx_fit_errors_rmse_f(&ep->val),
           cpu_time() - c->cpu0);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    char dir[1024], path[1200];
    const char *sh = getenv("PESX_SHARED");
    pesx_dataset train, test, all;
    pesx_potential_file pf;
    pesx_fit_model m;
    pesx_fit_set *s, *st;
    pesx_fit_options o;
    size_t hidden[2] = {15, 15}, *sp, ntr, nva, nte, done, best;
    double val = 0.1, rc = 6.0, t0, c0;
    const char *act = "softplus";
    ctx_t cx;
    int a0 = 1;
    (void)all;
    if (argc > 1 && !strchr(argv[1], '=')) {
        snprintf(dir, sizeof dir, "%s", argv[1]);
        a0 = 2;
    } else if (sh)
        snprintf(dir, sizeof dir, "%s/data/auAl100", sh);
    else {
        fprintf(stderr, "usage: bench_fit_auAl100 DATADIR (or set PESX_SHARED)\n");
        return 2;
    }
    pesx_fit_options_default(&o);
    o.epochs = 30;
    o.patience = 0;
    for (int i = a0; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        const char *v;
        if (!eq)
            continue;
        *eq = 0;
        v = eq + 1;
        if (!strcmp(argv[i], "opt"))
            o.optimizer = pesx_fit_optimizer_lookup(v);
        else if (!strcmp(argv[i], "epochs"))
            o.epochs = (size_t)atol(v);
        else if (!strcmp(argv[i], "lr"))
            o.lr = atof(v);
        else if (!strcmp(argv[i], "lr_final"))
            o.lr_final = atof(v);
        else if (!strcmp(argv[i], "batch"))
            o.batch = (size_t)atol(v);
        else if (!strcmp(argv[i], "beta"))
            o.loss.force_weight = atof(v);
        else if (!strcmp(argv[i], "l2"))
            o.loss.l2 = atof(v);
        else if (!strcmp(argv[i], "hidden"))
            hidden[0] = hidden[1] = (size_t)atol(v);
        else if (!strcmp(argv[i], "act"))
            act = v;
        else if (!strcmp(argv[i], "seed"))
            o.seed = (unsigned long long)atoll(v);
        else if (!strcmp(argv[i], "val"))
            val = atof(v);
        else if (!strcmp(argv[i], "rc"))
            rc = atof(v);
        else if (!strcmp(argv[i], "polish"))
            o.polish = (size_t)atol(v);
        else if (!strcmp(argv[i], "patience"))
            o.patience = (size_t)atol(v);
        else if (!strcmp(argv[i], "kf_ratio"))
            o.kf_force_ratio = atof(v);
    }
    if (o.optimizer < 0) {
        fprintf(stderr, "opt=adam, opt=lbfgs or opt=ekf\n");
        return 2;
    }
    c0 = cpu_time();
    t0 = pesx_wall_time();
    pesx_dataset_init(&train);
    pesx_dataset_init(&test);
    snprintf(path, sizeof path, "%s/auAl100_train.xml", dir);
    if (pesx_dataset_read(path, &train)) {
        fprintf(stderr, "%s\n", pesx_error_last()->msg);
        return 1;
    }
    snprintf(path, sizeof path, "%s/auAl100_test.xml", dir);
    if (pesx_dataset_read(path, &test)) {
        fprintf(stderr, "%s\n", pesx_error_last()->msg);
        return 1;
    }
    pesx_potential_file_init(&pf);
    make_sfs(&pf, rc);
    if (pesx_fit_model_init(&m, &pf, 1)) {
        fprintf(stderr, "%s\n", pesx_error_last()->msg);
        return 1;
    }
    s = pesx_fit_set_alloc(&m, &train, NULL, NULL);
    st = pesx_fit_set_alloc(&m, &test, NULL, NULL);
    if (!s || !st) {
        fprintf(stderr, "%s\n", pesx_error_last()->msg);
        return 1;
    }
    if (pesx_fit_split(train.n, val, 0.0, o.seed, &sp, &ntr, &nva, &nte))
        return 1;
    pesx_fit_set_statistics(s, sp, ntr, &pf);
    pesx_fit_model_set_scaling(&m, &pf);
    pesx_fit_set_scale(s, &m);
    pesx_fit_set_scale(st, &m);
    pesx_fit_ref_energies(&m, s, sp, ntr);
    if (pesx_fit_model_set_networks(&m, 1, 2, hidden, act, o.seed)) {
        fprintf(stderr, "%s\n", pesx_error_last()->msg);
        return 1;
    }
    printf("precompute: %.1f s wall, %.1f s CPU; %zu train, %zu val, %zu test structures; "
           "%zu weights; conv %.4g\n",
           pesx_wall_time() - t0, cpu_time() - c0, ntr, nva, test.n, m.n_weights, m.conv_energy);
    cx.cpu0 = cpu_time();
    o.on_epoch = on_epoch;
    o.ctx = &cx;
    if (pesx_fit_train(&m, 0, s, sp, ntr, sp + ntr, nva, &o, &done, &best)) {
        fprintf(stderr, "%s\n", pesx_error_last()->msg);
        return 1;
    }
    {
        size_t *ti = malloc(test.n * sizeof *ti);
        pesx_fit_errors e;
        for (size_t k = 0; k < test.n; k++)
            ti[k] = k;
        pesx_fit_loss(&m, 0, st, ti, test.n, &o.loss, NULL, NULL, NULL, &e);
        printf("best epoch %zu of %zu; TEST RMSE %.4f meV/atom, %.3f meV/A; training CPU %.1f s, "
               "total CPU %.1f s, wall %.1f s\n",
               best, done, 1e3 * pesx_fit_errors_rmse_e(&e), 1e3 * pesx_fit_errors_rmse_f(&e),
               cpu_time() - cx.cpu0, cpu_time() - c0, pesx_wall_time() - t0);
        free(ti);
    }
    free(sp);
    pesx_fit_set_free(s);
    pesx_fit_set_free(st);
    pesx_fit_model_release(&m);
    pesx_potential_file_release(&pf);
    pesx_dataset_release(&train);
    pesx_dataset_release(&test);
    return 0;
}
