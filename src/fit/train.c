/* fit: weight optimizers (Adam on mini-batches, full-batch L-BFGS with a
 * backtracking line search, n2p2's extended Kalman filter), early stopping
 * on a validation list with the best weights kept, all of it in one
 * resumable pesx_fit_state, and random splits. */
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
    if (strcasecmp(name, "ekf") == 0 || strcasecmp(name, "kalman") == 0)
        return PESX_FIT_EKF;
    return -1;
}

const char *pesx_fit_optimizer_name(int opt)
{
    return opt == PESX_FIT_ADAM    ? "adam"
           : opt == PESX_FIT_LBFGS ? "lbfgs"
           : opt == PESX_FIT_EKF   ? "ekf"
                                   : NULL;
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
    o->polish_force_weight = -1.0;
    o->kf_force_ratio = 0.25;
    o->kf_threshold = 0.5;
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
    size_t n_val;
    pesx_fit_state *st;          /* the working state (resumable)          */
    pesx_fit_loss_params lp;     /* the loss of the current stage           */
    int stopped;                 /* on_epoch asked to stop                    */
    double t0;                   /* wall time of st->seconds == 0             */
} state;

/* Errors (and loss) of weights W over a list of structures: the one
 * evaluation behind the validation errors and the end-of-epoch training
 * errors. */
static int evaluate(state *S, const size_t *idx, size_t n, const double *w, double *loss,
                    pesx_fit_errors *err)
{
    return pesx_fit_loss(S->m, S->member, S->s, idx, n, &S->lp, w, loss, NULL, err);
}

static int patience_out(const state *S)
{
    return S->o->patience && S->st->since_best >= S->o->patience;
}

/* After an epoch of stage STAGE (its STAGE_EPOCH-th; the learning curve
 * counts EPOCH): validation errors, early-stopping bookkeeping, callback
 * with the state.  TRAIN/LOSS are the training errors of the weights W;
 * Returns 1 to stop. */
static int end_epoch(state *S, size_t epoch, size_t stage_epoch, const double *w,
                     const pesx_fit_errors *train, double loss, int *status)
{
    pesx_fit_state *st = S->st;
    pesx_fit_epoch ep;
    double score;
    memset(&ep, 0, sizeof ep);
    ep.epoch = epoch;
    ep.train = *train;
    ep.loss = loss;
    if (S->n_val) {
        if ((*status = evaluate(S, S->val, S->n_val, w, NULL, &ep.val)))
            return 1;
        score = pesx_fit_score(&ep.val, &S->lp);
    } else
        score = -(double)epoch; /* no validation: the last weights are the best */
    st->seconds = pesx_wall_time() - S->t0;
    ep.seconds = st->seconds;
    if (score < st->best_score || epoch == 0) {
        st->best_score = score;
        st->best_epoch = epoch;
        st->since_best = 0;
        memcpy(st->best_w, w, st->n_weights * sizeof *w);
    } else
        st->since_best++;
    st->epoch = epoch;
    st->stage_epoch = stage_epoch;
    if (w != st->w)
        memcpy(st->w, w, st->n_weights * sizeof *w);
    ep.state = st;
    if (S->o->on_epoch && S->o->on_epoch(&ep, S->member, S->o->ctx)) {
        S->stopped = 1;
        return 1;
    }
    return patience_out(S);
}

static int run_adam(state *S, const size_t *train, size_t n_train)
{
    const pesx_fit_options *o = S->o;
    pesx_fit_state *st = S->st;
    size_t nw = st->n_weights, batch = o->batch ? o->batch : 1;
    double *w = st->w, *mm = st->adam_m, *vv = st->adam_v, *g = malloc(nw * sizeof *g);
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    int rc = PESX_OK;
    if (!g)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    if (st->stage_epoch == 0 && st->epoch == 0) {
        /* epoch 0: the starting point */
        pesx_fit_errors e0;
        double l0;
        if ((rc = evaluate(S, train, n_train, w, &l0, &e0)))
            goto out;
        if (end_epoch(S, 0, 0, w, &e0, l0, &rc))
            goto out;
    } else if (patience_out(S))
        goto out;
    for (size_t ep = st->stage_epoch + 1; ep <= o->epochs; ep++) {
        pesx_fit_errors e;
        double lr = o->lr, l;
        if (o->lr_final > 0 && o->epochs > 1)
            lr = o->lr * pow(o->lr_final / o->lr, (double)(ep - 1) / (double)(o->epochs - 1));
        shuffle(st->order, n_train, &st->rng);
        for (size_t b0 = 0; b0 < n_train; b0 += batch) {
            size_t nb = n_train - b0 < batch ? n_train - b0 : batch;
            if ((rc = pesx_fit_loss(S->m, S->member, S->s, st->order + b0, nb, &S->lp, w, NULL,
                                    g, NULL)))
                goto out;
            st->b1t *= b1;
            st->b2t *= b2;
            for (size_t j = 0; j < nw; j++) {
                mm[j] = b1 * mm[j] + (1 - b1) * g[j];
                vv[j] = b2 * vv[j] + (1 - b2) * g[j] * g[j];
                w[j] -= lr * (mm[j] / (1 - st->b1t)) / (sqrt(vv[j] / (1 - st->b2t)) + eps);
            }
        }
        /* training errors of the weights the epoch ends with */
        if ((rc = evaluate(S, train, n_train, w, &l, &e)))
            goto out;
        if (end_epoch(S, ep, ep, w, &e, l, &rc))
            break;
    }
out:
    free(g);
    return rc;
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* Full-batch L-BFGS for ITERATIONS iterations of the current stage, from
 * st->w (and st's history when resuming); the learning curve counts
 * EPOCH0 + iteration. */
static int run_lbfgs(state *S, const size_t *train, size_t n_train, size_t iterations,
                     size_t epoch0)
{
    pesx_fit_state *st = S->st;
    const size_t nw = st->n_weights, M = st->lbfgs_m;
    double *w = st->w, *sv = st->lb_s, *yv = st->lb_y, *rho = st->lb_rho;
    double *g = malloc(nw * sizeof *g), *gn = malloc(nw * sizeof *gn), *d = malloc(nw * sizeof *d),
           *wn = malloc(nw * sizeof *wn), *al = malloc(M * sizeof *al);
    double f, fn;
    pesx_fit_errors e, en;
    int rc = PESX_OK;
    if (!g || !gn || !d || !wn || !al) {
        rc = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    if ((rc = pesx_fit_loss(S->m, S->member, S->s, train, n_train, &S->lp, w, &f, g, &e)))
        goto out;
    if (epoch0 == 0 && st->stage_epoch == 0 && end_epoch(S, 0, 0, w, &e, f, &rc))
        goto out;
    if (st->stage_epoch > 0 && patience_out(S))
        goto out;
    for (size_t it = st->stage_epoch + 1; it <= iterations; it++) {
        double gd, step = 1.0;
        int accepted = 0;
        /* two-loop recursion: d = -H g */
        for (size_t j = 0; j < nw; j++)
            d[j] = -g[j];
        for (size_t q = 0; q < st->lb_hist; q++) {
            size_t i = (st->lb_head + M - 1 - q) % M;
            al[i] = rho[i] * dot(sv + i * nw, d, nw);
            for (size_t j = 0; j < nw; j++)
                d[j] -= al[i] * yv[i * nw + j];
        }
        if (st->lb_hist) {
            size_t i = (st->lb_head + M - 1) % M;
            double gam = dot(sv + i * nw, yv + i * nw, nw) / dot(yv + i * nw, yv + i * nw, nw);
            for (size_t j = 0; j < nw; j++)
                d[j] *= gam;
        } else {
            double gn2 = sqrt(dot(g, g, nw));
            for (size_t j = 0; j < nw; j++)
                d[j] *= 1e-3 / (gn2 > 0 ? gn2 : 1.0); /* a small first step */
        }
        for (size_t q = st->lb_hist; q-- > 0;) {
            size_t i = (st->lb_head + M - 1 - q) % M;
            double be = rho[i] * dot(yv + i * nw, d, nw);
            for (size_t j = 0; j < nw; j++)
                d[j] += sv[i * nw + j] * (al[i] - be);
        }
        gd = dot(g, d, nw);
        if (!(gd < 0)) { /* not a descent direction: restart */
            for (size_t j = 0; j < nw; j++)
                d[j] = -g[j];
            gd = dot(g, d, nw);
            st->lb_hist = 0;
            step = 1e-3 / sqrt(-gd > 0 ? -gd : 1.0);
        }
        for (int ls = 0; ls < 30; ls++) {
            for (size_t j = 0; j < nw; j++)
                wn[j] = w[j] + step * d[j];
            if ((rc = pesx_fit_loss(S->m, S->member, S->s, train, n_train, &S->lp, wn, &fn, gn,
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
            size_t i = st->lb_head;
            double sy;
            for (size_t j = 0; j < nw; j++) {
                sv[i * nw + j] = wn[j] - w[j];
                yv[i * nw + j] = gn[j] - g[j];
            }
            sy = dot(sv + i * nw, yv + i * nw, nw);
            if (sy > 1e-300) {
                rho[i] = 1.0 / sy;
                st->lb_head = (st->lb_head + 1) % M;
                if (st->lb_hist < M)
                    st->lb_hist++;
            }
        }
        memcpy(w, wn, nw * sizeof *w);
        memcpy(g, gn, nw * sizeof *g);
        f = fn;
        e = en;
        if (end_epoch(S, epoch0 + it, it, w, &e, f, &rc))
            break;
    }
out:
    free(g);
    free(gn);
    free(d);
    free(wn);
    free(al);
    return rc;
}

/* ---- extended Kalman filter (n2p2's standard filter, Blank & Brown 1994,
 * Singraber et al. JCTC 2019), one covariance block per element ---------- */

/* Numbers in the block-diagonal covariance (0 without the filter). */
static size_t kf_size(const pesx_fit_model *m, const pesx_fit_options *o)
{
    size_t n = 0;
    if (o->optimizer != PESX_FIT_EKF)
        return 0;
    for (size_t e = 0; e < m->n_elem; e++) {
        size_t nb = (e + 1 < m->n_elem ? m->w_start[e + 1] : m->n_weights) - m->w_start[e];
        n += nb * nb;
    }
    return n;
}

/* The covariance work is split into KF_CHUNKS fixed row ranges of about
 * equal triangle area, whatever the thread count: the threads share the
 * chunks, and partial sums are added in chunk order, so the filter's
 * results are bit-identical for any OMP_NUM_THREADS. */
#define KF_CHUNKS 8
/* Blocks from this size on are threaded: below it, one update is too little
 * work for a fork-join (measured: auAl100's 1172 weights ran 5x slower in
 * CPU with 2 threads on a loaded 2-core host). */
#define KF_PAR_MIN 1024

/* Row ranges: chunk c owns rows lo[c] .. lo[c+1]-1 of an n-row triangle. */
static void kf_chunks(size_t n, size_t lo[KF_CHUNKS + 1])
{
    lo[0] = 0;
    for (int c = 1; c < KF_CHUNKS; c++) {
        size_t r = (size_t)(sqrt((double)c / KF_CHUNKS) * (double)n);
        lo[c] = r < lo[c - 1] ? lo[c - 1] : r > n ? n : r;
    }
    lo[KF_CHUNKS] = n;
}

/* x = P h for one symmetric block of size n of which only the lower
 * triangle (row-major, j <= i) is kept up to date; returns h.x.  Chunk c
 * passes once over its rows: row i gives x_i its j <= i part and every x_j
 * (j < i) its P_ij h_i part, into the chunk's own vector part[c] (n each);
 * the parts are then summed in chunk order. */
static double kf_matvec(const double *restrict P, const double *restrict h, double *restrict x,
                        double *restrict part, size_t n)
{
    size_t lo[KF_CHUNKS + 1];
    double hx = 0.0;
    kf_chunks(n, lo);
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) if (n >= KF_PAR_MIN)
#endif
    for (int c = 0; c < KF_CHUNKS; c++) {
        double *restrict y = part + (size_t)c * n;
        memset(y, 0, lo[c + 1] * sizeof *y);
        for (size_t i = lo[c]; i < lo[c + 1]; i++) {
            const double *restrict row = P + i * n;
            double sum = 0.0, hi = h[i];
            for (size_t j = 0; j < i; j++) {
                sum += row[j] * h[j];
                y[j] += row[j] * hi;
            }
            y[i] += sum + row[i] * hi;
        }
    }
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (n >= KF_PAR_MIN)
#endif
    for (size_t j = 0; j < n; j++) {
        double v = 0.0;
        for (int c = 0; c < KF_CHUNKS; c++)
            if (j < lo[c + 1])
                v += part[(size_t)c * n + j];
        x[j] = v;
    }
    for (size_t i = 0; i < n; i++)
        hx += h[i] * x[i];
    return hx;
}

/* P <- P - x x^T / a + q I on the lower triangle (rows are independent). */
static void kf_rank1(double *restrict P, const double *restrict x, size_t n, double inv_a,
                     double q)
{
    size_t lo[KF_CHUNKS + 1];
    kf_chunks(n, lo);
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) if (n >= KF_PAR_MIN)
#endif
    for (int c = 0; c < KF_CHUNKS; c++)
        for (size_t i = lo[c]; i < lo[c + 1]; i++) {
            double *restrict row = P + i * n;
            double xi = x[i] * inv_a;
            for (size_t j = 0; j <= i; j++)
                row[j] -= xi * x[j];
            row[i] += q;
        }
}

/* n2p2's standard-filter constants: P0 = I / epsilon, process noise q from
 * q0 down by a decade per epoch to qmin, learning rate eta from eta0 up by a
 * decade per epoch to eta_max. */
#define KF_EPSILON 0.01
#define KF_Q0 0.01
#define KF_QMIN 1e-6
#define KF_ETA0 0.01
#define KF_ETAMAX 1.0
#define KF_TAU 2.302
#define KF_TRIALS 5 /* candidates tried per update with a threshold */

static int run_ekf(state *S, const size_t *train, size_t n_train)
{
    const pesx_fit_options *o = S->o;
    pesx_fit_state *st = S->st;
    pesx_fit_model *m = S->m;
    const size_t nw = st->n_weights, ne = m->n_elem;
    const size_t n_force_up = (size_t)floor(o->kf_force_ratio * (double)n_train + 0.5);
    const double n_up = (double)(n_train + n_force_up);
    const double q_decay = exp(-KF_TAU / n_up), eta_grow = exp(KF_TAU / n_up);
    double *w = st->w, *h = malloc(nw * sizeof *h), *x = malloc(nw * sizeof *x),
           *part = malloc(KF_CHUNKS * (nw + 1) * sizeof *part);
    double s_e = 1.0 / m->conv_energy, s_f = 0.0;
    size_t nfc = 0;
    pesx_fit_errors prev;
    memset(&prev, 0, sizeof prev);
    int rc = PESX_OK;
    if (!h || !x || !part) {
        rc = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    /* residuals in units of the data's spread: energy per atom over its
     * standard deviation, force components over their RMS (n2p2's
     * normalisation), the latter times the force weight */
    for (size_t i = 0; i < n_train; i++) {
        size_t na;
        double E;
        const double *F;
        pesx_fit_set_reference(S->s, train[i], &na, &E, &F);
        for (size_t c = 0; c < 3 * na; c++)
            s_f += F[c] * F[c];
        nfc += 3 * na;
    }
    s_f = nfc ? sqrt(s_f / (double)nfc) : 1.0;
    if (!(s_f > 0))
        s_f = 1.0;
    if (!(s_e > 0) || !isfinite(s_e))
        s_e = 1.0;
    if (st->stage_epoch == 0 && st->epoch == 0) {
        pesx_fit_errors e0;
        double l0;
        size_t off = 0;
        memset(st->kf_p, 0, st->kf_n * sizeof *st->kf_p);
        for (size_t e = 0; e < ne; e++) {
            size_t nb = (e + 1 < ne ? m->w_start[e + 1] : nw) - m->w_start[e];
            for (size_t i = 0; i < nb; i++)
                st->kf_p[off + i * nb + i] = 1.0 / KF_EPSILON;
            off += nb * nb;
        }
        st->kf_q = KF_Q0;
        st->kf_eta = KF_ETA0;
        if ((rc = evaluate(S, train, n_train, w, &l0, &e0)))
            goto out;
        prev = e0;
        if (end_epoch(S, 0, 0, w, &e0, l0, &rc))
            goto out;
    } else if (patience_out(S))
        goto out;
    else if (o->kf_threshold > 0 && (rc = evaluate(S, train, n_train, w, NULL, &prev)))
        goto out; /* resumed: the training errors the epoch before ended with */
    for (size_t ep = st->stage_epoch + 1; ep <= o->epochs; ep++) {
        pesx_fit_errors e;
        double l, acc = 0.0;
        const double thr_e = o->kf_threshold > 0 ? o->kf_threshold * pesx_fit_errors_rmse_e(&prev) : 0,
                     thr_f = o->kf_threshold > 0 ? o->kf_threshold * pesx_fit_errors_rmse_f(&prev) : 0;
        shuffle(st->order, n_train, &st->rng);
        for (size_t i = 0; i < n_train; i++) {
            /* one energy update, then the force updates due by now */
            size_t n_f;
            acc += o->kf_force_ratio;
            n_f = (size_t)acc;
            acc -= (double)n_f;
            for (size_t u = 0; u <= n_f; u++) {
                size_t k = st->order[i], comp = (size_t)-1, na;
                double y, yref, xi, a, scale, E;
                const double *F;
                pesx_fit_model_put_weights(m, S->member, w);
                for (int trial = 0; trial < KF_TRIALS; trial++) {
                    if (u > 0) { /* a random force component of a random structure */
                        k = train[(size_t)(pesx_rng_uniform(&st->rng) * (double)n_train) %
                                  n_train];
                        pesx_fit_set_reference(S->s, k, &na, &E, &F);
                        comp = (size_t)(pesx_rng_uniform(&st->rng) * (double)(3 * na)) % (3 * na);
                    } else if (trial > 0) /* another energy */
                        k = train[(size_t)(pesx_rng_uniform(&st->rng) * (double)n_train) %
                                  n_train];
                    if ((rc = pesx_fit_jacobian(m, S->member, S->s, k, comp, &y, &yref, h)))
                        goto out;
                    /* n2p2's selection mode 2: only candidates whose error
                     * exceeds the threshold times the current RMSE */
                    if (!(fabs(yref - y) <= (u > 0 ? thr_f : thr_e)))
                        break;
                }
                scale = comp == (size_t)-1 ? 1.0 / s_e : o->loss.force_weight / s_f;
                xi = scale * (yref - y);
                a = 1.0 / st->kf_eta;
                {
                    size_t off = 0;
                    for (size_t j = 0; j < nw; j++)
                        h[j] *= scale;
                    for (size_t b = 0; b < ne; b++) {
                        size_t w0 = m->w_start[b],
                               nb = (b + 1 < ne ? m->w_start[b + 1] : nw) - w0;
                        a += kf_matvec(st->kf_p + off, h + w0, x + w0, part, nb);
                        off += nb * nb;
                    }
                    off = 0;
                    for (size_t b = 0; b < ne; b++) {
                        size_t w0 = m->w_start[b],
                               nb = (b + 1 < ne ? m->w_start[b + 1] : nw) - w0;
                        kf_rank1(st->kf_p + off, x + w0, nb, 1.0 / a, st->kf_q);
                        off += nb * nb;
                    }
                }
                for (size_t j = 0; j < nw; j++)
                    w[j] += x[j] * (xi / a);
                st->kf_q = st->kf_q * q_decay > KF_QMIN ? st->kf_q * q_decay : KF_QMIN;
                st->kf_eta = st->kf_eta * eta_grow < KF_ETAMAX ? st->kf_eta * eta_grow : KF_ETAMAX;
            }
        }
        if ((rc = evaluate(S, train, n_train, w, &l, &e)))
            goto out;
        prev = e;
        if (end_epoch(S, ep, ep, w, &e, l, &rc))
            break;
    }
out:
    free(h);
    free(x);
    free(part);
    return rc;
}

/* The force weight of the polish stage. */
static double polish_force_weight(const pesx_fit_options *o)
{
    return o->polish_force_weight >= 0 ? o->polish_force_weight : o->loss.force_weight;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Is R a state this run can continue?  Same sizes, options and member, and
 * its mini-batch order a permutation of TRAIN. */
static int check_resume(const pesx_fit_state *r, const pesx_fit_model *m, size_t member,
                        const size_t *train, size_t n_train, size_t n_weights,
                        const pesx_fit_options *o)
{
    size_t *a, *b;
    int same;
    if (r->member != member || r->n_weights != n_weights || r->n_train != n_train ||
        r->kf_n != kf_size(m, o))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "saved training state is of member %zu with %zu weights and %zu "
                              "training structures, not member %zu with %zu and %zu",
                              r->member, r->n_weights, r->n_train, member, n_weights, n_train);
    if (r->optimizer != o->optimizer || r->epochs != o->epochs || r->batch != o->batch ||
        r->polish != o->polish || r->patience != o->patience || r->lr != o->lr ||
        r->lr_final != o->lr_final || r->force_weight != o->loss.force_weight ||
        r->l2 != o->loss.l2 || r->seed != o->seed ||
        r->polish_force_weight != polish_force_weight(o) ||
        (o->optimizer == PESX_FIT_EKF &&
         (r->kf_force_ratio != o->kf_force_ratio || r->kf_threshold != o->kf_threshold)) ||
        r->lbfgs_m != (o->lbfgs_m ? o->lbfgs_m : 10))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "saved training state was made with other options (optimizer %s, "
                              "epochs %zu, batch %zu, polish %zu, patience %zu, lr %g, lr-final "
                              "%g, force-weight %g, l2 %g, seed %llu)",
                              pesx_fit_optimizer_name(r->optimizer), r->epochs, r->batch,
                              r->polish, r->patience, r->lr, r->lr_final, r->force_weight, r->l2,
                              r->seed);
    a = malloc((n_train + 1) * sizeof *a);
    b = malloc((n_train + 1) * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    }
    memcpy(a, train, n_train * sizeof *a);
    memcpy(b, r->order, n_train * sizeof *b);
    qsort(a, n_train, sizeof *a, cmp_size);
    qsort(b, n_train, sizeof *b, cmp_size);
    same = memcmp(a, b, n_train * sizeof *a) == 0;
    free(a);
    free(b);
    if (!same)
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "saved training state has another training set");
    return PESX_OK;
}

int pesx_fit_train(pesx_fit_model *m, size_t member, pesx_fit_set *s, const size_t *train,
                   size_t n_train, const size_t *val, size_t n_val, const pesx_fit_options *o,
                   size_t *epochs_done, size_t *best_epoch)
{
    state S;
    pesx_fit_state st;
    size_t M = o->lbfgs_m ? o->lbfgs_m : 10;
    int rc;
    if (n_train == 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "no training structures");
    if (member >= m->n_members)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "no such committee member");
    if (o->resume && (rc = check_resume(o->resume, m, member, train, n_train, m->n_weights, o)))
        return rc;
    if ((rc = pesx_fit_state_init(&st, m->n_weights, n_train, M, kf_size(m, o))))
        return rc;
    if (o->resume)
        pesx_fit_state_copy(&st, o->resume);
    else {
        st.member = member;
        st.optimizer = o->optimizer;
        st.epochs = o->epochs;
        st.batch = o->batch;
        st.polish = o->polish;
        st.patience = o->patience;
        st.lr = o->lr;
        st.lr_final = o->lr_final;
        st.force_weight = o->loss.force_weight;
        st.l2 = o->loss.l2;
        st.polish_force_weight = polish_force_weight(o);
        st.kf_force_ratio = o->kf_force_ratio;
        st.kf_threshold = o->kf_threshold;
        st.seed = o->seed;
        pesx_fit_model_get_weights(m, member, st.w);
        memcpy(st.best_w, st.w, m->n_weights * sizeof *st.w);
        memcpy(st.order, train, n_train * sizeof *train);
        pesx_rng_seed(&st.rng, o->seed * 2654435761ULL + member + 17);
    }
    memset(&S, 0, sizeof S);
    S.m = m;
    S.member = member;
    S.s = s;
    S.o = o;
    S.val = val;
    S.n_val = n_val;
    S.st = &st;
    S.t0 = pesx_wall_time() - st.seconds;
    S.lp = o->loss;
    if (st.stage == 1) {
        S.lp.force_weight = st.polish_force_weight;
        S.lp.use_forces = S.lp.force_weight > 0;
    }
    if (o->optimizer == PESX_FIT_LBFGS)
        rc = run_lbfgs(&S, train, n_train, o->epochs, 0);
    else {
        if (st.stage == 0)
            rc = o->optimizer == PESX_FIT_EKF ? run_ekf(&S, train, n_train)
                                              : run_adam(&S, train, n_train);
        else
            rc = PESX_OK;
        if (!rc && o->polish && !patience_out(&S) && !S.stopped) {
            size_t epoch0 = st.epoch - (st.stage == 1 ? st.stage_epoch : 0);
            if (st.stage == 0) {
                /* the polish starts from the best Adam weights, with no
                 * history; with another force weight, the best score is
                 * that of its starting point under the new weighting */
                memcpy(st.w, st.best_w, m->n_weights * sizeof *st.w);
                st.stage = 1;
                st.stage_epoch = 0;
                st.lb_hist = st.lb_head = 0;
                if (st.polish_force_weight != o->loss.force_weight) {
                    S.lp.force_weight = st.polish_force_weight;
                    S.lp.use_forces = S.lp.force_weight > 0;
                    if (n_val) {
                        pesx_fit_errors ev;
                        if ((rc = evaluate(&S, val, n_val, st.w, NULL, &ev)))
                            goto done;
                        st.best_score = pesx_fit_score(&ev, &S.lp);
                    }
                }
            }
            rc = run_lbfgs(&S, train, n_train, o->polish, epoch0);
        }
    }
done:
    pesx_fit_model_put_weights(m, member, st.best_w);
    if (epochs_done)
        *epochs_done = st.epoch;
    if (best_epoch)
        *best_epoch = st.best_epoch;
    pesx_fit_state_release(&st);
    return rc;
}
