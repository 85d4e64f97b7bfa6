/* fit: a member's training state (pesx_fit_state): allocation, copy, and
 * saving and loading it for checkpoints.  A text file of "key value..." records in a fixed order;
 * every double with %.17g, so a loaded state continues bit for bit. */
#include <config.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fit/fit_impl.h"

#define MAGIC "pesx-fit-state 1"

int pesx_fit_state_init(pesx_fit_state *st, size_t n_weights, size_t n_train, size_t lbfgs_m,
                        size_t kf_n)
{
    memset(st, 0, sizeof *st);
    st->n_weights = n_weights;
    st->n_train = n_train;
    st->lbfgs_m = lbfgs_m ? lbfgs_m : 1;
    st->best_score = INFINITY;
    st->b1t = st->b2t = 1.0;
    st->w = calloc(n_weights + 1, sizeof *st->w);
    st->best_w = calloc(n_weights + 1, sizeof *st->best_w);
    st->adam_m = calloc(n_weights + 1, sizeof *st->adam_m);
    st->adam_v = calloc(n_weights + 1, sizeof *st->adam_v);
    st->order = calloc(n_train + 1, sizeof *st->order);
    st->lb_s = calloc(st->lbfgs_m * n_weights + 1, sizeof *st->lb_s);
    st->lb_y = calloc(st->lbfgs_m * n_weights + 1, sizeof *st->lb_y);
    st->lb_rho = calloc(st->lbfgs_m, sizeof *st->lb_rho);
    st->kf_n = kf_n;
    st->kf_p = calloc(kf_n + 1, sizeof *st->kf_p);
    if (!st->w || !st->best_w || !st->adam_m || !st->adam_v || !st->order || !st->lb_s ||
        !st->lb_y || !st->lb_rho || !st->kf_p) {
        pesx_fit_state_release(st);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    }
    return PESX_OK;
}

void pesx_fit_state_release(pesx_fit_state *st)
{
    if (!st)
        return;
    free(st->w);
    free(st->best_w);
    free(st->adam_m);
    free(st->adam_v);
    free(st->order);
    free(st->lb_s);
    free(st->lb_y);
    free(st->lb_rho);
    free(st->kf_p);
    memset(st, 0, sizeof *st);
}

void pesx_fit_state_copy(pesx_fit_state *d, const pesx_fit_state *r)
{
    size_t nw = r->n_weights, M = r->lbfgs_m;
    double *w = d->w, *bw = d->best_w, *am = d->adam_m, *av = d->adam_v, *ls = d->lb_s,
           *ly = d->lb_y, *lr = d->lb_rho;
    size_t *order = d->order;
    double *kp = d->kf_p;
    *d = *r;
    d->kf_p = kp;
    memcpy(d->kf_p, r->kf_p, r->kf_n * sizeof *kp);
    d->w = w;
    d->best_w = bw;
    d->adam_m = am;
    d->adam_v = av;
    d->lb_s = ls;
    d->lb_y = ly;
    d->lb_rho = lr;
    d->order = order;
    memcpy(d->w, r->w, nw * sizeof *w);
    memcpy(d->best_w, r->best_w, nw * sizeof *w);
    memcpy(d->adam_m, r->adam_m, nw * sizeof *w);
    memcpy(d->adam_v, r->adam_v, nw * sizeof *w);
    memcpy(d->lb_s, r->lb_s, M * nw * sizeof *w);
    memcpy(d->lb_y, r->lb_y, M * nw * sizeof *w);
    memcpy(d->lb_rho, r->lb_rho, M * sizeof *w);
    memcpy(d->order, r->order, r->n_train * sizeof *order);
}


static void put_doubles(FILE *fp, const char *key, const double *v, size_t n)
{
    fprintf(fp, "%s %zu", key, n);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "%s%.17g", i % 6 ? " " : "\n", v[i]);
    fputc('\n', fp);
}

int pesx_fit_state_save(const pesx_fit_state *st, const char *path)
{
    pesx_atomic_file af;
    FILE *fp;
    int rc;
    if ((rc = pesx_atomic_open(&af, path)))
        return rc;
    fp = af.fp;
    fprintf(fp, "%s\n", MAGIC);
    fprintf(fp, "member %zu\nn_weights %zu\nn_train %zu\nlbfgs_m %zu\nkf_n %zu\n", st->member,
            st->n_weights, st->n_train, st->lbfgs_m, st->kf_n);
    fprintf(fp, "optimizer %d\nepochs %zu\nbatch %zu\npolish %zu\npatience %zu\n", st->optimizer,
            st->epochs, st->batch, st->polish, st->patience);
    fprintf(fp, "lr %.17g\nlr_final %.17g\nforce_weight %.17g\nl2 %.17g\n", st->lr,
            st->lr_final, st->force_weight, st->l2);
    fprintf(fp, "polish_force_weight %.17g\nkf_force_ratio %.17g\nkf_threshold %.17g\n",
            st->polish_force_weight, st->kf_force_ratio, st->kf_threshold);
    fprintf(fp, "seed %llu\n", st->seed);
    fprintf(fp, "stage %d\nepoch %zu\nstage_epoch %zu\nseconds %.17g\n", st->stage, st->epoch,
            st->stage_epoch, st->seconds);
    fprintf(fp, "best_score %.17g\nbest_epoch %zu\nsince_best %zu\n", st->best_score,
            st->best_epoch, st->since_best);
    fprintf(fp, "b1t %.17g\nb2t %.17g\n", st->b1t, st->b2t);
    fprintf(fp, "rng %llu %llu %llu %llu\n", st->rng.s[0], st->rng.s[1], st->rng.s[2],
            st->rng.s[3]);
    fprintf(fp, "lb_hist %zu\nlb_head %zu\n", st->lb_hist, st->lb_head);
    fprintf(fp, "kf_q %.17g\nkf_eta %.17g\n", st->kf_q, st->kf_eta);
    put_doubles(fp, "w", st->w, st->n_weights);
    put_doubles(fp, "best_w", st->best_w, st->n_weights);
    put_doubles(fp, "adam_m", st->adam_m, st->n_weights);
    put_doubles(fp, "adam_v", st->adam_v, st->n_weights);
    put_doubles(fp, "lb_s", st->lb_s, st->lb_hist ? st->lbfgs_m * st->n_weights : 0);
    put_doubles(fp, "lb_y", st->lb_y, st->lb_hist ? st->lbfgs_m * st->n_weights : 0);
    put_doubles(fp, "lb_rho", st->lb_rho, st->lb_hist ? st->lbfgs_m : 0);
    put_doubles(fp, "kf_p", st->kf_p, st->kf_n);
    fprintf(fp, "order %zu", st->n_train);
    for (size_t i = 0; i < st->n_train; i++)
        fprintf(fp, "%s%zu", i % 12 ? " " : "\n", st->order[i]);
    fprintf(fp, "\nend\n");
    return pesx_atomic_commit(&af);
}

/* A whitespace tokenizer over the file's text that knows the line. */
typedef struct {
    const char *path;
    char *text, *p;
    long line;
    int pending_nl;
} reader;

static const char *token(reader *r)
{
    char *t;
    if (r->pending_nl) { /* the previous token ended its line */
        r->line++;
        r->pending_nl = 0;
    }
    while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r') {
        if (*r->p == '\n')
            r->line++;
        r->p++;
    }
    if (!*r->p)
        return NULL;
    t = r->p;
    while (*r->p && *r->p != ' ' && *r->p != '\t' && *r->p != '\n' && *r->p != '\r')
        r->p++;
    if (*r->p) {
        r->pending_nl = *r->p == '\n';
        *r->p++ = '\0';
    }
    return t;
}

static int bad(reader *r, const char *what)
{
    return pesx_error_set(PESX_EINVAL, r->path, r->line, "training state: %s", what);
}

static int key(reader *r, const char *want)
{
    const char *t = token(r);
    if (!t || strcmp(t, want) != 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "expected '%s'%s%s", want, t ? ", found " : " before the end",
                 t ? t : "");
        return bad(r, msg);
    }
    return PESX_OK;
}

static int get_ull(reader *r, unsigned long long *v)
{
    const char *t = token(r);
    char *end;
    if (!t || *t == '-')
        return bad(r, "expected a non-negative integer");
    errno = 0;
    *v = strtoull(t, &end, 10);
    if (*end || errno)
        return bad(r, "expected a non-negative integer");
    return PESX_OK;
}

static int get_size(reader *r, size_t *v)
{
    unsigned long long x = 0;
    int rc = get_ull(r, &x);
    *v = (size_t)x;
    return rc;
}

static int get_double(reader *r, double *v)
{
    const char *t = token(r);
    char *end;
    if (!t)
        return bad(r, "expected a number before the end");
    *v = strtod(t, &end);
    if (*end || isnan(*v))
        return bad(r, "expected a number");
    return PESX_OK;
}

static int kv_size(reader *r, const char *k, size_t *v)
{
    int rc = key(r, k);
    return rc ? rc : get_size(r, v);
}

static int kv_double(reader *r, const char *k, double *v)
{
    int rc = key(r, k);
    return rc ? rc : get_double(r, v);
}

static int kv_int(reader *r, const char *k, int *v, int max)
{
    size_t x = 0;
    int rc = kv_size(r, k, &x);
    if (!rc && x > (size_t)max)
        return bad(r, "value out of range");
    *v = (int)x;
    return rc;
}

static int doubles(reader *r, const char *k, double *v, size_t n_expected, size_t n_alt)
{
    size_t n;
    int rc = kv_size(r, k, &n);
    if (rc)
        return rc;
    if (n != n_expected && n != n_alt)
        return bad(r, "array of the wrong length");
    for (size_t i = 0; i < n; i++)
        if ((rc = get_double(r, v + i)))
            return rc;
    return PESX_OK;
}

static int parse(reader *r, pesx_fit_state *st)
{
    pesx_fit_state h;
    int rc;
    memset(&h, 0, sizeof h);
    if (strncmp(r->text, MAGIC "\n", sizeof MAGIC) != 0)
        return bad(r, "not a pesx fit training state (first line '" MAGIC "')");
    r->p += sizeof MAGIC;
    r->line = 2;
    if ((rc = kv_size(r, "member", &h.member)) || (rc = kv_size(r, "n_weights", &h.n_weights)) ||
        (rc = kv_size(r, "n_train", &h.n_train)) || (rc = kv_size(r, "lbfgs_m", &h.lbfgs_m)) ||
        (rc = kv_size(r, "kf_n", &h.kf_n)))
        return rc;
    if (h.kf_n > h.n_weights * h.n_weights)
        return bad(r, "Kalman covariance larger than weights squared");
    if (h.n_weights == 0 || h.n_weights > 100000000 || h.n_train == 0 ||
        h.n_train > 1000000000 || h.lbfgs_m == 0 || h.lbfgs_m > 1000)
        return bad(r, "sizes out of range");
    if ((rc = pesx_fit_state_init(st, h.n_weights, h.n_train, h.lbfgs_m, h.kf_n)))
        return rc;
    st->member = h.member;
    if ((rc = kv_int(r, "optimizer", &st->optimizer, 2)) ||
        (rc = kv_size(r, "epochs", &st->epochs)) || (rc = kv_size(r, "batch", &st->batch)) ||
        (rc = kv_size(r, "polish", &st->polish)) ||
        (rc = kv_size(r, "patience", &st->patience)) || (rc = kv_double(r, "lr", &st->lr)) ||
        (rc = kv_double(r, "lr_final", &st->lr_final)) ||
        (rc = kv_double(r, "force_weight", &st->force_weight)) ||
        (rc = kv_double(r, "l2", &st->l2)) ||
        (rc = kv_double(r, "polish_force_weight", &st->polish_force_weight)) ||
        (rc = kv_double(r, "kf_force_ratio", &st->kf_force_ratio)) ||
        (rc = kv_double(r, "kf_threshold", &st->kf_threshold)) ||
        (rc = key(r, "seed")) ||
        (rc = get_ull(r, &st->seed)) || (rc = kv_int(r, "stage", &st->stage, 1)) ||
        (rc = kv_size(r, "epoch", &st->epoch)) ||
        (rc = kv_size(r, "stage_epoch", &st->stage_epoch)) ||
        (rc = kv_double(r, "seconds", &st->seconds)) ||
        (rc = kv_double(r, "best_score", &st->best_score)) ||
        (rc = kv_size(r, "best_epoch", &st->best_epoch)) ||
        (rc = kv_size(r, "since_best", &st->since_best)) ||
        (rc = kv_double(r, "b1t", &st->b1t)) || (rc = kv_double(r, "b2t", &st->b2t)) ||
        (rc = key(r, "rng")))
        return rc;
    for (int i = 0; i < 4; i++)
        if ((rc = get_ull(r, &st->rng.s[i])))
            return rc;
    if ((rc = kv_size(r, "lb_hist", &st->lb_hist)) || (rc = kv_size(r, "lb_head", &st->lb_head)))
        return rc;
    if (st->lb_hist > st->lbfgs_m || st->lb_head >= st->lbfgs_m)
        return bad(r, "L-BFGS history out of range");
    if ((rc = kv_double(r, "kf_q", &st->kf_q)) || (rc = kv_double(r, "kf_eta", &st->kf_eta)))
        return rc;
    {
        size_t nw = st->n_weights, nh = st->lb_hist ? st->lbfgs_m : 0;
        if ((rc = doubles(r, "w", st->w, nw, nw)) ||
            (rc = doubles(r, "best_w", st->best_w, nw, nw)) ||
            (rc = doubles(r, "adam_m", st->adam_m, nw, nw)) ||
            (rc = doubles(r, "adam_v", st->adam_v, nw, nw)) ||
            (rc = doubles(r, "lb_s", st->lb_s, nh * nw, nh * nw)) ||
            (rc = doubles(r, "lb_y", st->lb_y, nh * nw, nh * nw)) ||
            (rc = doubles(r, "lb_rho", st->lb_rho, nh, nh)) ||
            (rc = doubles(r, "kf_p", st->kf_p, st->kf_n, st->kf_n)))
            return rc;
    }
    {
        size_t n;
        if ((rc = kv_size(r, "order", &n)))
            return rc;
        if (n != st->n_train)
            return bad(r, "order has the wrong length");
        for (size_t i = 0; i < n; i++)
            if ((rc = get_size(r, st->order + i)))
                return rc;
    }
    return key(r, "end");
}

int pesx_fit_state_load(pesx_fit_state *st, const char *path)
{
    reader r;
    FILE *fp = fopen(path, "rb");
    long size;
    int rc;
    memset(st, 0, sizeof *st);
    if (!fp)
        return pesx_error_set(PESX_EIO, path, 0, "cannot open: %s", strerror(errno));
    memset(&r, 0, sizeof r);
    r.path = path;
    r.line = 1;
    if (fseek(fp, 0, SEEK_END) || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) ||
        !(r.text = malloc((size_t)size + 1)) ||
        fread(r.text, 1, (size_t)size, fp) != (size_t)size) {
        fclose(fp);
        free(r.text);
        return pesx_error_set(PESX_EIO, path, 0, "cannot read");
    }
    fclose(fp);
    r.text[size] = '\0';
    r.p = r.text;
    rc = parse(&r, st);
    free(r.text);
    if (rc)
        pesx_fit_state_release(st);
    return rc;
}
