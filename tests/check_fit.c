/* Check suite of the fit module: precomputed set vs the bpnn potential,
 * exact loss gradients (energy and force terms) against central finite
 * differences, reference energies, optimizers, early stopping, splits. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pesx/fit.h>
#include <pesx/potential.h>
#include "testutil.h"
#include "fit/fit_impl.h"

/* A random structure of N atoms (element ZA or ZB) in a box of side L,
 * atoms at least 0.9 apart; periodic when PBC. */
static pesx_atoms *random_atoms(size_t n, int za, int zb, double L, int pbc, pesx_rng *rng)
{
    pesx_atoms *a = pesx_atoms_alloc(n);
    ck_assert_ptr_nonnull(a);
    for (size_t i = 0; i < n; i++) {
        for (int tries = 0; tries < 1000; tries++) {
            int ok = 1;
            for (int k = 0; k < 3; k++)
                a->x[3 * i + k] = L * pesx_rng_uniform(rng);
            for (size_t j = 0; j < i && ok; j++) {
                double d2 = 0;
                for (int k = 0; k < 3; k++) {
                    double d = a->x[3 * i + k] - a->x[3 * j + k];
                    d2 += d * d;
                }
                ok = d2 > 0.81;
            }
            if (ok)
                break;
        }
        a->z[i] = (i % 3 == 2) ? zb : za;
    }
    if (pbc) {
        memset(a->cell, 0, sizeof a->cell);
        a->cell[0] = a->cell[4] = a->cell[8] = L;
        a->pbc[0] = a->pbc[1] = a->pbc[2] = 1;
        a->has_cell = 1;
    }
    return a;
}

/* Data set: NS structures with random targets (the gradient check does not
 * care about their physics). */
static void make_dataset(pesx_dataset *ds, size_t ns, unsigned long long seed)
{
    pesx_rng rng;
    pesx_dataset_init(ds);
    pesx_rng_seed(&rng, seed);
    for (size_t k = 0; k < ns; k++) {
        size_t n = 4 + k % 4;
        pesx_atoms *a = random_atoms(n, 1, 8, 2.6 + 0.3 * (double)(k % 3), k % 2, &rng);
        double *f = malloc(3 * n * sizeof *f);
        pesx_dataset_entry e;
        char id[32];
        for (size_t c = 0; c < 3 * n; c++)
            f[c] = pesx_rng_normal(&rng);
        snprintf(id, sizeof id, "s%zu", k);
        memset(&e, 0, sizeof e);
        e.id = id;
        e.atoms = a;
        e.energy = -3.0 * (double)n + 0.5 * pesx_rng_normal(&rng);
        e.forces = f;
        e.weight = 1.0 + 0.5 * (double)(k % 2);
        e.file = "test";
        e.line = (long)k + 1;
        ck_assert_int_eq(pesx_dataset_append(ds, &e), PESX_OK);
        pesx_atoms_free(a);
        free(f);
    }
}

static void add_sf(pesx_potential_file_sf *s, const char *type, const char *e1, const char *e2,
                   double eta, double rc, double lambda, double zeta)
{
    snprintf(s->type, sizeof s->type, "%s", type);
    snprintf(s->e1, sizeof s->e1, "%s", e1);
    snprintf(s->e2, sizeof s->e2, "%s", e2);
    pesx_potential_file_sf_set(s, "eta", eta);
    if (strcmp(type, "2") == 0)
        pesx_potential_file_sf_set(s, "rs", 0.3);
    pesx_potential_file_sf_set(s, "rc", rc);
    if (lambda != 0) {
        pesx_potential_file_sf_set(s, "lambda", lambda);
        pesx_potential_file_sf_set(s, "zeta", zeta);
    }
}

/* H and O, 4 SFs each (radial per neighbour element, narrow and wide
 * angular), cos cutoff 3.2, scaling "scale" to [-1, 1]. */
static void make_file(pesx_potential_file *pf)
{
    static const char *const sym[2] = {"H", "O"};
    pesx_potential_file_init(pf);
    snprintf(pf->cutoff_type, sizeof pf->cutoff_type, "cos");
    snprintf(pf->scaling_mode, sizeof pf->scaling_mode, "scale");
    pf->smin = -1;
    pf->smax = 1;
    for (int e = 0; e < 2; e++) {
        size_t sizes[2] = {4, 1};
        pesx_potential_file_element *el = pesx_potential_file_add_element(pf, sym[e], 4, 2, sizes);
        ck_assert_ptr_nonnull(el);
        add_sf(&el->sf[0], "2", "H", "", 0.5, 3.2, 0, 0);
        add_sf(&el->sf[1], "2", "O", "", 1.0, 3.0, 0, 0);
        add_sf(&el->sf[2], "3", "H", "O", 0.1, 3.2, 1, 2);
        add_sf(&el->sf[3], "9", "O", "O", 0.2, 3.1, -1, 1);
    }
}

typedef struct {
    pesx_dataset ds;
    pesx_potential_file pf;
    pesx_fit_model m;
    pesx_fit_set *s;
    size_t *all;
} fixture;

static void fixture_init(fixture *F, size_t ns, size_t members, const char *act)
{
    size_t hidden[2] = {5, 3};
    make_dataset(&F->ds, ns, 42);
    make_file(&F->pf);
    ck_assert_int_eq(pesx_fit_model_init(&F->m, &F->pf, 1), PESX_OK);
    F->s = pesx_fit_set_alloc(&F->m, &F->ds, NULL, NULL);
    ck_assert_msg(F->s != NULL, "%s", pesx_error_last()->msg);
    F->all = malloc(ns * sizeof *F->all);
    for (size_t k = 0; k < ns; k++)
        F->all[k] = k;
    ck_assert_int_eq(pesx_fit_set_statistics(F->s, F->all, ns, &F->pf), PESX_OK);
    ck_assert_int_eq(pesx_fit_model_set_scaling(&F->m, &F->pf), PESX_OK);
    ck_assert_int_eq(pesx_fit_set_scale(F->s, &F->m), PESX_OK);
    ck_assert_int_eq(pesx_fit_ref_energies(&F->m, F->s, F->all, ns), PESX_OK);
    ck_assert_int_eq(pesx_fit_model_set_networks(&F->m, members, 2, hidden, act, 7), PESX_OK);
}

static void fixture_release(fixture *F)
{
    pesx_fit_set_free(F->s);
    pesx_fit_model_release(&F->m);
    pesx_potential_file_release(&F->pf);
    pesx_dataset_release(&F->ds);
    free(F->all);
}

/* The set's energies and forces equal the bpnn potential's on the written
 * potential.xml (checks Jacobians, scaling, reference energies, export). */
START_TEST(test_predict_matches_potential)
{
    fixture F;
    char path[] = "/tmp/check_fit_XXXXXX.xml";
    int fd;
    pesx_potential *p;
    fixture_init(&F, 6, 2, "tanh");
    ck_assert_int_eq(pesx_fit_model_to_file(&F.m, &F.pf), PESX_OK);
    fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(pesx_potential_file_write(path, &F.pf), PESX_OK);
    p = pesx_potential_open(path);
    ck_assert_msg(p != NULL, "%s", pesx_error_last()->msg);
    for (size_t k = 0; k < F.ds.n; k++) {
        const pesx_atoms *a = F.ds.atoms[k];
        double e, f[3 * 8], fr[3 * 8];
        pesx_potential_result r;
        memset(&r, 0, sizeof r);
        r.forces = fr;
        ck_assert_int_eq(pesx_fit_predict(&F.m, (size_t)-1, F.s, k, &e, f), PESX_OK);
        ck_assert_int_eq(pesx_potential_eval(p, a, &r), PESX_OK);
        ck_assert_rel(e, r.energy, 1e-12);
        for (size_t c = 0; c < 3 * a->n; c++)
            ck_assert_msg(fabs(f[c] - fr[c]) < 1e-10, "structure %zu force %zu: %g vs %g", k, c,
                          f[c], fr[c]);
    }
    pesx_potential_free(p);
    unlink(path);
    fixture_release(&F);
}
END_TEST

/* Exact weight gradient of the loss (energy + force + L2 terms) against
 * central differences, for every weight of both elements. */
static void gradient_check(const char *act, int use_forces)
{
    fixture F;
    pesx_fit_loss_params lp = {0.7, 1e-3, use_forces};
    double *w, *g, *wp, lossv, maxerr = 0, maxg = 0;
    size_t nw;
    fixture_init(&F, 7, 1, act);
    nw = F.m.n_weights;
    w = malloc(nw * sizeof *w);
    g = malloc(nw * sizeof *g);
    wp = malloc(nw * sizeof *wp);
    pesx_fit_model_get_weights(&F.m, 0, w);
    ck_assert_int_eq(pesx_fit_loss(&F.m, 0, F.s, F.all, 7, &lp, w, &lossv, g, NULL), PESX_OK);
    ck_assert(lossv > 0);
    for (size_t j = 0; j < nw; j++) {
        double lp1, lm1, h = 1e-5, fd;
        memcpy(wp, w, nw * sizeof *w);
        wp[j] = w[j] + h;
        ck_assert_int_eq(pesx_fit_loss(&F.m, 0, F.s, F.all, 7, &lp, wp, &lp1, NULL, NULL),
                         PESX_OK);
        wp[j] = w[j] - h;
        ck_assert_int_eq(pesx_fit_loss(&F.m, 0, F.s, F.all, 7, &lp, wp, &lm1, NULL, NULL),
                         PESX_OK);
        fd = (lp1 - lm1) / (2 * h);
        if (fabs(fd - g[j]) > maxerr)
            maxerr = fabs(fd - g[j]);
        if (fabs(g[j]) > maxg)
            maxg = fabs(g[j]);
    }
    ck_assert_msg(maxerr < 1e-6 * (maxg > 1 ? maxg : 1), "%s forces=%d: max |grad - fd| = %g (max grad %g)",
                  act, use_forces, maxerr, maxg);
    ck_assert(maxg > 1e-3);
    free(w);
    free(g);
    free(wp);
    fixture_release(&F);
}

START_TEST(test_gradient_tanh_forces) { gradient_check("tanh", 1); }
END_TEST
START_TEST(test_gradient_softplus_forces) { gradient_check("softplus", 1); }
END_TEST
START_TEST(test_gradient_energy_only) { gradient_check("logistic", 0); }
END_TEST

/* The Kalman filter's Jacobian rows (energy per atom, one force component)
 * against central differences of the predictions, for every weight. */
START_TEST(test_jacobian)
{
    fixture F;
    double *w, *h, *wp, maxerr = 0, maxh = 0;
    size_t nw, k = 3, n = 0;
    fixture_init(&F, 5, 1, "softplus");
    nw = F.m.n_weights;
    w = malloc(nw * sizeof *w);
    h = malloc(nw * sizeof *h);
    wp = malloc(nw * sizeof *wp);
    pesx_fit_model_get_weights(&F.m, 0, w);
    n = F.ds.atoms[k]->n;
    for (size_t comp = 0; comp <= 3 * n; comp++) {
        size_t cc = comp == 3 * n ? (size_t)-1 : comp; /* the energy last */
        double y, yref, f[3 * 8];
        ck_assert_int_eq(pesx_fit_jacobian(&F.m, 0, F.s, k, cc, &y, &yref, h), PESX_OK);
        ck_assert_int_eq(pesx_fit_predict(&F.m, 0, F.s, k, &yref, f), PESX_OK);
        ck_assert_rel(y, cc == (size_t)-1 ? yref / (double)n : f[cc], 1e-12);
        for (size_t j = 0; j < nw; j++) {
            double ep, em, fp[3 * 8], fm[3 * 8], d = 1e-5, fd;
            memcpy(wp, w, nw * sizeof *w);
            wp[j] = w[j] + d;
            pesx_fit_model_put_weights(&F.m, 0, wp);
            ck_assert_int_eq(pesx_fit_predict(&F.m, 0, F.s, k, &ep, fp), PESX_OK);
            wp[j] = w[j] - d;
            pesx_fit_model_put_weights(&F.m, 0, wp);
            ck_assert_int_eq(pesx_fit_predict(&F.m, 0, F.s, k, &em, fm), PESX_OK);
            pesx_fit_model_put_weights(&F.m, 0, w);
            fd = cc == (size_t)-1 ? (ep - em) / (2 * d * (double)n) : (fp[cc] - fm[cc]) / (2 * d);
            if (fabs(fd - h[j]) > maxerr)
                maxerr = fabs(fd - h[j]);
            if (fabs(h[j]) > maxh)
                maxh = fabs(h[j]);
        }
    }
    ck_assert_msg(maxerr < 1e-7 * (maxh > 1 ? maxh : 1), "max |H - fd| = %g (max %g)", maxerr,
                  maxh);
    ck_assert(maxh > 1e-3);
    ck_assert_int_eq(pesx_fit_jacobian(&F.m, 0, F.s, k, 3 * n, wp, wp, h), PESX_EINVAL);
    free(w);
    free(h);
    free(wp);
    fixture_release(&F);
}
END_TEST

/* Reference energies: E = sum_Z N_Z e_Z exactly is recovered. */
START_TEST(test_ref_energies)
{
    fixture F;
    fixture_init(&F, 8, 1, "tanh");
    for (size_t k = 0; k < F.ds.n; k++) {
        size_t nH = 0, nO = 0;
        for (size_t i = 0; i < F.ds.atoms[k]->n; i++)
            *(F.ds.atoms[k]->z[i] == 1 ? &nH : &nO) += 1;
        F.ds.energy[k] = -13.6 * (double)nH - 432.1 * (double)nO;
    }
    /* the set copied the energies: rebuild it */
    pesx_fit_set_free(F.s);
    F.s = pesx_fit_set_alloc(&F.m, &F.ds, NULL, NULL);
    ck_assert_int_eq(pesx_fit_ref_energies(&F.m, F.s, F.all, F.ds.n), PESX_OK);
    ck_assert_rel(F.m.ref_energy[0], -13.6, 1e-8);
    ck_assert_rel(F.m.ref_energy[1], -432.1, 1e-8);
    ck_assert_rel(F.m.conv_energy, 1.0, 0); /* nothing left to fit */
    fixture_release(&F);
}
END_TEST

/* Rank-deficient compositions (issue 16): structures of N[k] atoms
 * (H, H, O, H, H, O, ...) with the energies of e_H = -13.6, e_O = -432.1.
 * With one composition (or proportional ones) the data fix only
 * 2 e_H + e_O = -459.3 eV; the minimum-norm solution of the per-atom rows
 * (2/3, 1/3) x = -153.1 is x = -153.1 (6/5, 3/5) = (-183.72, -91.86). */
static void ref_energies_of(const size_t *nat, size_t ns, pesx_fit_ref_report *rep,
                            double *eH, double *eO)
{
    pesx_potential_file pf;
    pesx_fit_model m;
    pesx_fit_set *s;
    pesx_dataset ds;
    pesx_rng rng;
    size_t idx[16];
    pesx_dataset_init(&ds);
    pesx_rng_seed(&rng, 11);
    for (size_t k = 0; k < ns; k++) {
        pesx_atoms *a = random_atoms(nat[k], 1, 8, 3.0, 0, &rng);
        double f[3 * 8] = {0};
        size_t nO = 0;
        pesx_dataset_entry e;
        for (size_t i = 0; i < a->n; i++)
            nO += a->z[i] == 8;
        memset(&e, 0, sizeof e);
        e.id = "s";
        e.atoms = a;
        e.energy = -13.6 * (double)(a->n - nO) - 432.1 * (double)nO;
        e.forces = f;
        e.weight = 1.0;
        ck_assert_int_eq(pesx_dataset_append(&ds, &e), PESX_OK);
        pesx_atoms_free(a);
        idx[k] = k;
    }
    make_file(&pf);
    ck_assert_int_eq(pesx_fit_model_init(&m, &pf, 1), PESX_OK);
    s = pesx_fit_set_alloc(&m, &ds, NULL, NULL);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(pesx_fit_ref_energies_report(&m, s, idx, ns, rep), PESX_OK);
    *eH = m.ref_energy[0];
    *eO = m.ref_energy[1];
    pesx_fit_set_free(s);
    pesx_fit_model_release(&m);
    pesx_potential_file_release(&pf);
    pesx_dataset_release(&ds);
}

START_TEST(test_ref_energies_one_composition)
{
    static const size_t water[6] = {3, 3, 3, 3, 3, 3}, multiples[5] = {6, 3, 6, 3, 3},
                        mixed[4] = {3, 4, 6, 7};
    pesx_fit_ref_report rep;
    double eH, eO;
    ref_energies_of(water, 6, &rep, &eH, &eO);
    ck_assert_uint_eq(rep.rank, 1);
    ck_assert_uint_eq(rep.n_elements, 2);
    ck_assert_rel(eH, -183.72, 1e-10);
    ck_assert_rel(eO, -91.86, 1e-10);
    ck_assert_msg(strstr(rep.note, "composition H2O ") && strstr(rep.note, "1 of the 2"), "%s",
                  rep.note);
    /* proportional compositions: the same answer and formula */
    ref_energies_of(multiples, 5, &rep, &eH, &eO);
    ck_assert_uint_eq(rep.rank, 1);
    ck_assert_rel(eH, -183.72, 1e-10);
    ck_assert_rel(eO, -91.86, 1e-10);
    ck_assert_msg(strstr(rep.note, "composition H2O or a multiple") && strstr(rep.note, "1 of the 2"),
                  "%s", rep.note);
    /* full rank: the true values, no note */
    ref_energies_of(mixed, 4, &rep, &eH, &eO);
    ck_assert_uint_eq(rep.rank, 2);
    ck_assert_rel(eH, -13.6, 1e-10);
    ck_assert_rel(eO, -432.1, 1e-10);
    ck_assert_str_eq(rep.note, "");
}
END_TEST

/* Training on energies and forces of a Morse cluster data set lowers the
 * loss; with early stopping the kept weights are those of the best
 * validation epoch. */
typedef struct {
    double best, last;
    size_t best_epoch, calls;
    pesx_fit_loss_params lp;
} watch;

static int on_epoch(const pesx_fit_epoch *ep, size_t member, void *ctx)
{
    watch *W = ctx;
    double sc = pesx_fit_score(&ep->val, &W->lp);
    (void)member;
    if (W->calls == 0 || sc < W->best) {
        W->best = sc;
        W->best_epoch = ep->epoch;
    }
    W->last = sc;
    W->calls++;
    return 0;
}

static void training(int optimizer)
{
    fixture F;
    pesx_potential *morse = pesx_potential_open("morse:D=0.5,alpha=1.5,r0=1.3,rc=3.5");
    pesx_fit_options o;
    pesx_fit_errors e0, e1;
    watch W;
    size_t tr[12], va[4], done = 0, best = 0;
    double l0, l1;
    ck_assert_ptr_nonnull(morse);
    fixture_init(&F, 16, 1, "tanh");
    /* physical targets */
    for (size_t k = 0; k < F.ds.n; k++) {
        pesx_potential_result r;
        memset(&r, 0, sizeof r);
        r.forces = F.ds.force + 3 * F.ds.atom_start[k];
        ck_assert_int_eq(pesx_potential_eval(morse, F.ds.atoms[k], &r), PESX_OK);
        F.ds.energy[k] = r.energy;
    }
    pesx_fit_set_free(F.s);
    F.s = pesx_fit_set_alloc(&F.m, &F.ds, NULL, NULL);
    ck_assert_int_eq(pesx_fit_set_scale(F.s, &F.m), PESX_OK);
    ck_assert_int_eq(pesx_fit_ref_energies(&F.m, F.s, F.all, 16), PESX_OK);
    for (size_t k = 0; k < 12; k++)
        tr[k] = k;
    for (size_t k = 0; k < 4; k++)
        va[k] = 12 + k;
    pesx_fit_options_default(&o);
    o.optimizer = optimizer;
    o.epochs = optimizer == PESX_FIT_ADAM ? 80 : 30;
    o.batch = 4;
    o.lr = 0.02;
    o.loss.force_weight = 0.1;
    o.on_epoch = on_epoch;
    memset(&W, 0, sizeof W);
    W.lp = o.loss;
    o.ctx = &W;
    ck_assert_int_eq(pesx_fit_loss(&F.m, 0, F.s, tr, 12, &o.loss, NULL, &l0, NULL, &e0), PESX_OK);
    ck_assert_int_eq(pesx_fit_train(&F.m, 0, F.s, tr, 12, va, 4, &o, &done, &best), PESX_OK);
    ck_assert_int_eq(pesx_fit_loss(&F.m, 0, F.s, tr, 12, &o.loss, NULL, &l1, NULL, &e1), PESX_OK);
    ck_assert_msg(l1 < 0.5 * l0, "%s: loss %g -> %g", pesx_fit_optimizer_name(optimizer), l0, l1);
    ck_assert_uint_eq(best, W.best_epoch);
    ck_assert_uint_gt(done, 5);
    if (optimizer == PESX_FIT_ADAM) {
        /* an L-BFGS polish continues from the best weights: never worse */
        double l2v;
        o.polish = 10;
        o.epochs = 3;
        W.calls = 0;
        ck_assert_int_eq(pesx_fit_train(&F.m, 0, F.s, tr, 12, va, 4, &o, &done, &best), PESX_OK);
        ck_assert_uint_gt(done, 3);
        ck_assert_uint_eq(best, W.best_epoch);
        ck_assert_int_eq(pesx_fit_loss(&F.m, 0, F.s, tr, 12, &o.loss, NULL, &l2v, NULL, NULL),
                         PESX_OK);
        (void)l2v;
    }
    /* the kept weights give the best validation score */
    {
        pesx_fit_errors ev;
        ck_assert_int_eq(pesx_fit_loss(&F.m, 0, F.s, va, 4, &o.loss, NULL, NULL, NULL, &ev),
                         PESX_OK);
        ck_assert_rel(pesx_fit_score(&ev, &o.loss), W.best, 1e-12);
    }
    pesx_potential_free(morse);
    fixture_release(&F);
}

START_TEST(test_train_adam) { training(PESX_FIT_ADAM); }
END_TEST
START_TEST(test_train_lbfgs) { training(PESX_FIT_LBFGS); }
END_TEST
START_TEST(test_train_ekf) { training(PESX_FIT_EKF); }
END_TEST

/* Resume: a run stopped after epoch STOP_AT with its state saved to a file
 * and continued from the loaded state ends with exactly the weights, epoch
 * count and best epoch of the uninterrupted run (Adam moments, step count,
 * mini-batch order, random stream, best weights, early-stopping counter and
 * L-BFGS history all carried over). */
typedef struct {
    size_t stop_at;
    const char *path;
    int saved;
} stopper;

static int stop_and_save(const pesx_fit_epoch *ep, size_t member, void *ctx)
{
    stopper *S = ctx;
    (void)member;
    if (ep->epoch != S->stop_at)
        return 0;
    ck_assert_ptr_nonnull(ep->state);
    ck_assert_uint_eq(ep->state->epoch, S->stop_at);
    ck_assert_int_eq(pesx_fit_state_save(ep->state, S->path), PESX_OK);
    S->saved = 1;
    return 1;
}

static void resume_check(int optimizer, size_t patience, size_t stop_at, double lr)
{
    fixture F;
    pesx_fit_options o;
    pesx_fit_state rs;
    stopper S;
    size_t tr[14], va[4], done_a = 0, best_a = 0, done_b = 0, best_b = 0;
    size_t nw;
    double *w0, *wa, *wb;
    char path[512];
    fixture_init(&F, 18, 2, "softplus");
    nw = F.m.n_weights;
    w0 = malloc(nw * sizeof *w0);
    wa = malloc(nw * sizeof *wa);
    wb = malloc(nw * sizeof *wb);
    for (size_t k = 0; k < 14; k++)
        tr[k] = k;
    for (size_t k = 0; k < 4; k++)
        va[k] = 14 + k;
    pesx_fit_options_default(&o);
    o.optimizer = optimizer;
    o.epochs = optimizer == PESX_FIT_ADAM ? 9 : 12;
    o.polish = 6;
    o.batch = 3;
    o.lr = lr;
    o.patience = patience;
    o.loss.force_weight = 0.3;
    o.seed = 11;
    o.kf_force_ratio = 0.5;
    o.kf_threshold = optimizer == PESX_FIT_EKF ? 0.5 : 0.0; /* needs the RMSE on resuming */
    pesx_fit_model_get_weights(&F.m, 1, w0);
    /* uninterrupted */
    ck_assert_int_eq(pesx_fit_train(&F.m, 1, F.s, tr, 14, va, 4, &o, &done_a, &best_a), PESX_OK);
    pesx_fit_model_get_weights(&F.m, 1, wa);
    if (patience) /* early stopping must happen after the interruption */
        ck_assert_msg(done_a > stop_at && done_a < o.epochs + o.polish, "stopped at %zu",
                      done_a);
    /* interrupted after epoch STOP_AT, state saved to a file */
    pesx_fit_model_put_weights(&F.m, 1, w0);
    memset(&S, 0, sizeof S);
    S.stop_at = stop_at;
    S.path = tu_tmp_path(path, sizeof path, "state.txt");
    o.on_epoch = stop_and_save;
    o.ctx = &S;
    ck_assert_int_eq(pesx_fit_train(&F.m, 1, F.s, tr, 14, va, 4, &o, &done_b, &best_b), PESX_OK);
    ck_assert_msg(S.saved, "never reached epoch %zu", stop_at);
    ck_assert_uint_eq(done_b, stop_at);
    /* scramble the member's weights: the state alone must carry the run */
    for (size_t j = 0; j < nw; j++)
        wb[j] = 0.1 * (double)j;
    pesx_fit_model_put_weights(&F.m, 1, wb);
    ck_assert_msg(pesx_fit_state_load(&rs, path) == PESX_OK, "%s", pesx_error_last()->msg);
    o.on_epoch = NULL;
    o.resume = &rs;
    ck_assert_int_eq(pesx_fit_train(&F.m, 1, F.s, tr, 14, va, 4, &o, &done_b, &best_b), PESX_OK);
    pesx_fit_model_get_weights(&F.m, 1, wb);
    ck_assert_uint_eq(done_b, done_a);
    ck_assert_uint_eq(best_b, best_a);
    for (size_t j = 0; j < nw; j++)
        ck_assert_msg(wa[j] == wb[j], "weight %zu: %.17g uninterrupted, %.17g resumed", j, wa[j],
                      wb[j]);
    /* a state made with other options, or for another training list, is refused */
    o.lr = 2 * lr;
    ck_assert_int_eq(pesx_fit_train(&F.m, 1, F.s, tr, 14, va, 4, &o, NULL, NULL), PESX_EINVAL);
    o.lr = lr;
    ck_assert_int_eq(pesx_fit_train(&F.m, 1, F.s, tr, 13, va, 4, &o, NULL, NULL), PESX_EINVAL);
    ck_assert_int_eq(pesx_fit_train(&F.m, 0, F.s, tr, 14, va, 4, &o, NULL, NULL), PESX_EINVAL);
    pesx_fit_state_release(&rs);
    free(w0);
    free(wa);
    free(wb);
    fixture_release(&F);
}

START_TEST(test_resume_adam) { resume_check(PESX_FIT_ADAM, 0, 4, 0.01); }
END_TEST
START_TEST(test_resume_polish) { resume_check(PESX_FIT_ADAM, 0, 11, 0.01); }
END_TEST
START_TEST(test_resume_lbfgs) { resume_check(PESX_FIT_LBFGS, 0, 5, 0.01); }
END_TEST
START_TEST(test_resume_ekf) { resume_check(PESX_FIT_EKF, 0, 5, 0.01); }
END_TEST
START_TEST(test_resume_patience) { resume_check(PESX_FIT_ADAM, 2, 3, 0.1); }
END_TEST

/* A damaged state file is refused with its name and line. */
START_TEST(test_state_file_errors)
{
    pesx_fit_state st, back;
    char path[512];
    FILE *fp;
    char *text;
    size_t len;
    ck_assert_int_eq(pesx_fit_state_init(&st, 5, 3, 2, 0), PESX_OK);
    for (size_t j = 0; j < 5; j++) {
        st.w[j] = 1.0 / 3.0 + (double)j;
        st.best_w[j] = -0.1 * (double)j;
        st.adam_v[j] = 1e-300 * (double)j;
    }
    st.order[0] = 2;
    st.order[1] = 0;
    st.order[2] = 1;
    st.lb_hist = 1;
    st.lb_s[3] = 0.7;
    st.rng.s[0] = 18446744073709551615ULL;
    st.best_score = INFINITY;
    tu_tmp_path(path, sizeof path, "st.txt");
    ck_assert_int_eq(pesx_fit_state_save(&st, path), PESX_OK);
    ck_assert_int_eq(pesx_fit_state_load(&back, path), PESX_OK);
    ck_assert_mem_eq(back.w, st.w, 5 * sizeof *st.w);
    ck_assert_mem_eq(back.best_w, st.best_w, 5 * sizeof *st.w);
    ck_assert_mem_eq(back.adam_v, st.adam_v, 5 * sizeof *st.w);
    ck_assert_mem_eq(back.lb_s, st.lb_s, 10 * sizeof *st.w);
    ck_assert_mem_eq(back.order, st.order, 3 * sizeof *st.order);
    ck_assert(back.rng.s[0] == st.rng.s[0]);
    ck_assert(isinf(back.best_score));
    pesx_fit_state_release(&back);
    /* cut short, and a bad number on line 3 */
    text = tu_slurp(path, &len);
    ck_assert_ptr_nonnull(text);
    fp = fopen(path, "w");
    fwrite(text, 1, len / 2, fp);
    fclose(fp);
    ck_assert_int_eq(pesx_fit_state_load(&back, path), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->file, "st.txt"));
    fp = fopen(path, "w");
    fputs("pesx-fit-state 1\nmember 0\nn_weights x5\n", fp);
    fclose(fp);
    ck_assert_int_eq(pesx_fit_state_load(&back, path), PESX_EINVAL);
    ck_assert_int_eq(pesx_error_last()->line, 3);
    fp = fopen(path, "w");
    fputs("<potential>\n", fp);
    fclose(fp);
    ck_assert_int_eq(pesx_fit_state_load(&back, path), PESX_EINVAL);
    free(text);
    pesx_fit_state_release(&st);
}
END_TEST

START_TEST(test_split)
{
    size_t *a, *b, nt, nv, ne, nt2, nv2, ne2;
    int seen[100] = {0};
    ck_assert_int_eq(pesx_fit_split(100, 0.1, 0.2, 5, &a, &nt, &nv, &ne), PESX_OK);
    ck_assert_uint_eq(nt, 70);
    ck_assert_uint_eq(nv, 10);
    ck_assert_uint_eq(ne, 20);
    for (size_t i = 0; i < 100; i++)
        seen[a[i]]++;
    for (size_t i = 0; i < 100; i++)
        ck_assert_int_eq(seen[i], 1);
    ck_assert_int_eq(pesx_fit_split(100, 0.1, 0.2, 5, &b, &nt2, &nv2, &ne2), PESX_OK);
    ck_assert_mem_eq(a, b, 100 * sizeof *a);
    free(b);
    ck_assert_int_eq(pesx_fit_split(100, 0.1, 0.2, 6, &b, &nt2, &nv2, &ne2), PESX_OK);
    ck_assert(memcmp(a, b, 100 * sizeof *a) != 0);
    free(a);
    free(b);
    ck_assert_int_eq(pesx_fit_split(10, 0.5, 0.5, 1, &a, &nt, &nv, &ne), PESX_EINVAL);
    ck_assert_int_eq(pesx_fit_split(2, 0.3, 0.3, 1, &a, &nt, &nv, &ne), PESX_EINVAL);
    ck_assert_int_eq(pesx_fit_optimizer_lookup("ADAM"), PESX_FIT_ADAM);
    ck_assert_int_eq(pesx_fit_optimizer_lookup("lbfgs"), PESX_FIT_LBFGS);
    ck_assert_int_eq(pesx_fit_optimizer_lookup("ekf"), PESX_FIT_EKF);
    ck_assert_int_eq(pesx_fit_optimizer_lookup("sgd"), -1);
}
END_TEST

/* A structure with an element the model lacks is refused with its id. */
START_TEST(test_unknown_element)
{
    fixture F;
    pesx_dataset ds;
    pesx_rng rng;
    pesx_atoms *a;
    double f[12] = {0};
    pesx_dataset_entry e;
    fixture_init(&F, 3, 1, "tanh");
    pesx_dataset_init(&ds);
    pesx_rng_seed(&rng, 3);
    a = random_atoms(4, 1, 6, 3.0, 0, &rng);
    memset(&e, 0, sizeof e);
    e.id = "carbon-1";
    e.atoms = a;
    e.energy = 1;
    e.forces = f;
    e.weight = 1;
    e.file = "x.xml";
    e.line = 9;
    ck_assert_int_eq(pesx_dataset_append(&ds, &e), PESX_OK);
    ck_assert_ptr_null(pesx_fit_set_alloc(&F.m, &ds, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "carbon-1"));
    pesx_atoms_free(a);
    pesx_dataset_release(&ds);
    fixture_release(&F);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fit");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_predict_matches_potential);
    tcase_add_test(tc, test_gradient_tanh_forces);
    tcase_add_test(tc, test_gradient_softplus_forces);
    tcase_add_test(tc, test_gradient_energy_only);
    tcase_add_test(tc, test_jacobian);
    tcase_add_test(tc, test_ref_energies);
    tcase_add_test(tc, test_ref_energies_one_composition);
    tcase_add_test(tc, test_train_adam);
    tcase_add_test(tc, test_train_lbfgs);
    tcase_add_test(tc, test_train_ekf);
    tcase_add_test(tc, test_split);
    suite_add_tcase(s, tc);
    tc = tcase_create("resume");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, tu_tmpdir_setup, tu_tmpdir_teardown);
    tcase_add_test(tc, test_resume_adam);
    tcase_add_test(tc, test_resume_polish);
    tcase_add_test(tc, test_resume_lbfgs);
    tcase_add_test(tc, test_resume_ekf);
    tcase_add_test(tc, test_resume_patience);
    tcase_add_test(tc, test_state_file_errors);
    tcase_add_test(tc, test_unknown_element);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
