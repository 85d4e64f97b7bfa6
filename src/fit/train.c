/* fit: weight optimizers (Adam on mini-batches, full-batch L-BFGS with a
 * backtracking line search), early stopping on a validation list with the
 * best weights kept, and random splits. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "fit/fit_impl.h"

int pesx_fit_optimizer_lookup(const char *name)
{
    if (strcasecmp(name, "adam") == 0)
        return PESX_FIT_ADAM;
    if (strcasecmp(name, "lbfgs") == 0 || strcasecmp(name, "l-bfgs") == 0)
        return PESX_FIT_LBFGS;
    return -1;
}

const char *pesx_fit_optimizer_name(int opt)
{
    return opt == PESX_FIT_ADAM ? "adam" : opt == PESX_FIT_LBFGS ? "lbfgs" : NULL;
}

void pesx_fit_options_default(pesx_fit_options *o)
{
    memset(o, 0, sizeof *o);
    o->optimizer = PESX_FIT_ADAM;
    o->epochs = 100;
    o->batch = 8;
    o->lr = 3e-3;
    o->lr_final = 1e-4;
    o->patience = 0;
    o->lbfgs_m = 20;
    o->seed = 1;
    o->loss.force_weight = 1.0;
    o->loss.l2 = 0.0;
    o->loss.use_forces = 1;
}

double pesx_fit_score(const pesx_fit_errors *e, const pesx_fit_loss_params *p)
{
    double s = pesx_fit_errors_rmse_e(e);
    if (p->use_forces && e->n_force)
        s += pesx_fit_errors_rmse_f(e) * sqrt(p->force_weight);
    return s;
}

static void shuffle(size_t *a, size_t n, pesx_rng *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(pesx_rng_uniform(rng) * (double)i);
        size_t t;
        if (j >= i)
            j = i - 1;
        t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

int pesx_fit_split(size_t n, double f_val, double f_test, unsigned long long seed, size_t **out,
                   size_t *n_train, size_t *n_val, size_t *n_test)
{
    size_t *a, nt, nv;
    pesx_rng rng;
    if (!(f_val >= 0 && f_test >= 0 && f_val + f_test < 1))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "validation and test fractions must be >= 0 and sum to < 1");
    if (!(a = malloc((n + 1) * sizeof *a)))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        a[i] = i;
    pesx_rng_seed(&rng, seed);
    shuffle(a, n, &rng);
    nt = (size_t)floor((double)n * f_test + 0.5);
    nv = (size_t)floor((double)n * f_val + 0.5);
    if (nt + nv >= n) {
        free(a);
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "%zu structures leave none for training after the split", n);
    }
    /* layout: train, val, test; test taken from the end of the shuffle */
    *out = a;
    *n_test = nt;
    *n_val = nv;
    *n_train = n - nt - nv;
    return PESX_OK;
}

typedef struct {
    pesx_fit_model *m;
    size_t member;
    pesx_fit_set *s;
    const pesx_fit_options *o;
    const size_t *val;
    size_t n_val, n_train;
    double *best_w;
    double best_score;
    size_t best_epoch, since_best;
    size_t epoch0;               /* offset of epoch numbers (polish stage)    */
    int stopped;                 /* on_epoch asked to stop                    */
    double t0;
} state;

/* After an epoch: validation errors, early-stopping bookkeeping, callback.
 * Returns 1 to stop. */
static int end_epoch(state *S, size_t epoch, const double *w, pesx_fit_errors *train, double loss,
                     int *status)
{
    pesx_fit_epoch ep;
    double score;
    memset(&ep, 0, sizeof ep);
    epoch += S->epoch0;
    ep.epoch = epoch;
    ep.train = *train;
    ep.loss = loss;
    if (S->n_val) {
        if ((*status = pesx_fit_loss(S->m, S->member, S->s, S->val, S->n_val, &S->o->loss, w,
                                     NULL, NULL, &ep.val)))
            return 1;
        score = pesx_fit_score(&ep.val, &S->o->loss);
    } else {
        score = epoch; /* no validation: the last weights are the best */
        score = -score;
    }
    ep.seconds = pesx_wall_time() - S->t0;
    if (score < S->best_score || (epoch == 0 && S->epoch0 == 0)) {
        S->best_score = score;
        S->best_epoch = epoch;
        S->since_best = 0;
        memcpy(S->best_w, w, S->m->n_weights * sizeof *w);
    } else
        S->since_best++;
    if (S->o->on_epoch && S->o->on_epoch(&ep, S->member, S->o->ctx)) {
        S->stopped = 1;
        return 1;
    }
    if (S->o->patience && S->since_best >= S->o->patience)
        return 1;
    return 0;
}

static int run_adam(state *S, const size_t *train, size_t n_train, double *w, size_t *done)
{
    const pesx_fit_options *o = S->o;
    size_t nw = S->m->n_weights, batch = o->batch ? o->batch : 1;
    double *g = malloc(nw * sizeof *g), *mm = calloc(nw, sizeof *mm), *vv = calloc(nw, sizeof *vv);
    size_t *order = malloc((n_train + 1) * sizeof *order);
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    double b1t = 1.0, b2t = 1.0;
    pesx_rng rng;
    int st = PESX_OK;
    if (!g || !mm || !vv || !order) {
        st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    memcpy(order, train, n_train * sizeof *order);
    pesx_rng_seed(&rng, o->seed * 2654435761ULL + S->member + 17);
    /* epoch 0: the starting point */
    {
        pesx_fit_errors e0;
        double l0;
        if ((st = pesx_fit_loss(S->m, S->member, S->s, train, n_train, &o->loss, w, &l0, NULL,
                                &e0)))
            goto out;
        if (end_epoch(S, 0, w, &e0, l0, &st))
            goto out;
    }
    for (size_t ep = 1; ep <= o->epochs; ep++) {
        pesx_fit_errors acc, eb;
        double lr = o->lr, lsum = 0.0;
        if (o->lr_final > 0 && o->epochs > 1)
            lr = o->lr * pow(o->lr_final / o->lr, (double)(ep - 1) / (double)(o->epochs - 1));
        memset(&acc, 0, sizeof acc);
        shuffle(order, n_train, &rng);
        for (size_t b0 = 0; b0 < n_train; b0 += batch) {
            size_t nb = n_train - b0 < batch ? n_train - b0 : batch;
            double l;
            if ((st = pesx_fit_loss(S->m, S->member, S->s, order + b0, nb, &o->loss, w, &l, g,
                                    &eb)))
                goto out;
            lsum += l * (double)nb;
            acc.n_struct += eb.n_struct;
            acc.n_force += eb.n_force;
            acc.e_sse += eb.e_sse;
            acc.e_sae += eb.e_sae;
            acc.f_sse += eb.f_sse;
            acc.f_sae += eb.f_sae;
            if (eb.e_max > acc.e_max) {
                acc.e_max = eb.e_max;
                acc.e_max_at = eb.e_max_at;
            }
            if (eb.f_max > acc.f_max) {
                acc.f_max = eb.f_max;
                acc.f_max_at = eb.f_max_at;
            }
            b1t *= b1;
            b2t *= b2;
            for (size_t j = 0; j < nw; j++) {
                mm[j] = b1 * mm[j] + (1 - b1) * g[j];
                vv[j] = b2 * vv[j] + (1 - b2) * g[j] * g[j];
                w[j] -= lr * (mm[j] / (1 - b1t)) / (sqrt(vv[j] / (1 - b2t)) + eps);
            }
        }
        *done = ep;
        if (end_epoch(S, ep, w, &acc, lsum / (double)n_train, &st))
            break;
    }
out:
    free(g);
    free(mm);
    free(vv);
    free(order);
    return st;
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static int run_lbfgs(state *S, const size_t *train, size_t n_train, double *w, size_t *done,
                     size_t iterations)
{
    const pesx_fit_options *o = S->o;
    const size_t nw = S->m->n_weights, M = o->lbfgs_m ? o->lbfgs_m : 10;
    double *g = malloc(nw * sizeof *g), *gn = malloc(nw * sizeof *gn), *d = malloc(nw * sizeof *d),
           *wn = malloc(nw * sizeof *wn), *sv = malloc(M * nw * sizeof *sv),
           *yv = malloc(M * nw * sizeof *yv), *rho = malloc(M * sizeof *rho),
           *al = malloc(M * sizeof *al);
    size_t hist = 0, head = 0;
    double f, fn;
    pesx_fit_errors e, en;
    int st = PESX_OK;
    if (!g || !gn || !d || !wn || !sv || !yv || !rho || !al) {
        st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    if ((st = pesx_fit_loss(S->m, S->member, S->s, train, n_train, &o->loss, w, &f, g, &e)))
        goto out;
    if (S->epoch0 == 0 && end_epoch(S, 0, w, &e, f, &st))
        goto out;
    for (size_t it = 1; it <= iterations; it++) {
        double gd, step = 1.0;
        int accepted = 0;
        /* two-loop recursion: d = -H g */
        for (size_t j = 0; j < nw; j++)
            d[j] = -g[j];
        for (size_t q = 0; q < hist; q++) {
            size_t i = (head + M - 1 - q) % M;
            al[i] = rho[i] * dot(sv + i * nw, d, nw);
            for (size_t j = 0; j < nw; j++)
                d[j] -= al[i] * yv[i * nw + j];
        }
        if (hist) {
            size_t i = (head + M - 1) % M;
            double gam = dot(sv + i * nw, yv + i * nw, nw) / dot(yv + i * nw, yv + i * nw, nw);
            for (size_t j = 0; j < nw; j++)
                d[j] *= gam;
        } else {
            double gn2 = sqrt(dot(g, g, nw));
            for (size_t j = 0; j < nw; j++)
                d[j] *= 1e-3 / (gn2 > 0 ? gn2 : 1.0); /* a small first step */
        }
        for (size_t q = hist; q-- > 0;) {
            size_t i = (head + M - 1 - q) % M;
            double be = rho[i] * dot(yv + i * nw, d, nw);
            for (size_t j = 0; j < nw; j++)
                d[j] += sv[i * nw + j] * (al[i] - be);
        }
        gd = dot(g, d, nw);
        if (!(gd < 0)) { /* not a descent direction: restart */
            for (size_t j = 0; j < nw; j++)
                d[j] = -g[j];
            gd = dot(g, d, nw);
            hist = 0;
            step = 1e-3 / sqrt(-gd > 0 ? -gd : 1.0);
        }
        for (int ls = 0; ls < 30; ls++) {
            for (size_t j = 0; j < nw; j++)
                wn[j] = w[j] + step * d[j];
            if ((st = pesx_fit_loss(S->m, S->member, S->s, train, n_train, &o->loss, wn, &fn, gn,
                                    &en)))
                goto out;
            if (isfinite(fn) && fn <= f + 1e-4 * step * gd) {
                accepted = 1;
                break;
            }
            step *= 0.3;
        }
        if (!accepted)
            break; /* no progress possible along this direction */
        {
            size_t i = head;
            double sy;
            for (size_t j = 0; j < nw; j++) {
                sv[i * nw + j] = wn[j] - w[j];
                yv[i * nw + j] = gn[j] - g[j];
            }
            sy = dot(sv + i * nw, yv + i * nw, nw);
            if (sy > 1e-300) {
                rho[i] = 1.0 / sy;
                head = (head + 1) % M;
                if (hist < M)
                    hist++;
            }
        }
        memcpy(w, wn, nw * sizeof *w);
        memcpy(g, gn, nw * sizeof *g);
        f = fn;
        e = en;
        *done = it;
        if (end_epoch(S, it, w, &e, f, &st))
            break;
    }
out:
    free(g);
    free(gn);
    free(d);
    free(wn);
    free(sv);
    free(yv);
    free(rho);
    free(al);
    return st;
}

int pesx_fit_train(pesx_fit_model *m, size_t member, pesx_fit_set *s, const size_t *train,
                   size_t n_train, const size_t *val, size_t n_val, const pesx_fit_options *o,
                   size_t *epochs_done, size_t *best_epoch)
{
    state S;
    double *w;
    size_t done = 0;
    int st;
    if (n_train == 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "no training structures");
    if (member >= m->n_members)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "no such committee member");
    memset(&S, 0, sizeof S);
    S.m = m;
    S.member = member;
    S.s = s;
    S.o = o;
    S.val = val;
    S.n_val = n_val;
    S.n_train = n_train;
    S.best_score = INFINITY;
    S.t0 = pesx_wall_time();
    w = malloc(m->n_weights * sizeof *w);
    S.best_w = malloc(m->n_weights * sizeof *w);
    if (!w || !S.best_w) {
        free(w);
        free(S.best_w);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    }
    pesx_fit_model_get_weights(m, member, w);
    memcpy(S.best_w, w, m->n_weights * sizeof *w);
    if (o->optimizer == PESX_FIT_LBFGS)
        st = run_lbfgs(&S, train, n_train, w, &done, o->epochs);
    else {
        st = run_adam(&S, train, n_train, w, &done);
        if (!st && o->polish && !(o->patience && S.since_best >= o->patience) && !S.stopped) {
            size_t more = 0;
            memcpy(w, S.best_w, m->n_weights * sizeof *w);
            S.epoch0 = done;
            st = run_lbfgs(&S, train, n_train, w, &more, o->polish);
            done += more;
        }
    }
    pesx_fit_model_put_weights(m, member, S.best_w);
    if (epochs_done)
        *epochs_done = done;
    if (best_epoch)
        *best_epoch = S.best_epoch;
    free(w);
    free(S.best_w);
    return st;
}
