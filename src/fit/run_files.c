/* fit: what pesx_fit_run writes besides training -- the learning curve,
 * checkpoints, the potential, the closing errors with their parity data --
 * and the setup's defaults and description. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fit/run_impl.h"

#define CURVE_HEADER                                                                           \
    "# member\tepoch\ttrain_E_rmse_meV_atom\tval_E_rmse_meV_atom\ttrain_F_rmse_meV_A\t"        \
    "val_F_rmse_meV_A\tseconds"

void pesx_fit_setup_default(pesx_fit_setup *o)
{
    memset(o, 0, sizeof *o);
    o->test_fraction = 0.1;
    o->val_fraction = 0.1;
    pesx_fit_sf_options_init(&o->sf);
    o->n_hidden = 2;
    o->hidden[0] = o->hidden[1] = 15;
    snprintf(o->activation, sizeof o->activation, "softplus");
    o->committee = 1;
    pesx_fit_options_default(&o->train);
    pesx_fit_setup_optimizer(o, PESX_FIT_EKF);
    o->source = "pesx fit";
}

/* Measured on auAl100 (pesx-fit(1) NOTES). */
void pesx_fit_setup_optimizer(pesx_fit_setup *o, int optimizer)
{
    o->train.optimizer = optimizer;
    o->train.epochs = optimizer == PESX_FIT_EKF ? 20 : 100;
    o->train.polish = optimizer == PESX_FIT_ADAM ? 100 : 0;
}

void pesx_fit_side_path(const char *output, const char *suffix, char *buf, size_t size)
{
    size_t n = strlen(output);
    if (n > 4 && strcmp(output + n - 4, ".xml") == 0)
        n -= 4;
    snprintf(buf, size, "%.*s%s", (int)n, output, suffix);
}

/* V in the fewest digits that read back as V. */
static const char *num(char *buf, double v)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, 32, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

void pesx_fit_setup_describe(const pesx_fit_setup *o, char *buf, size_t size)
{
    const pesx_fit_options *t = &o->train;
    size_t n = 0;
    char a[32], b[32], c[32];
#define PUT(...)                                                                               \
    do {                                                                                       \
        int w_ = snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__);                      \
        if (w_ > 0)                                                                            \
            n += (size_t)w_;                                                                   \
    } while (0)
    if (size)
        buf[0] = '\0';
    PUT("--test-fraction %s --val-fraction %s", num(a, o->test_fraction), num(b, o->val_fraction));
    if (o->start)
        PUT(" --start %s", o->start->data_checksum[0] ? o->start->data_checksum : "(a potential)");
    else {
        if (o->sf_file)
            PUT(" --sf %s", o->sf_file);
        else
            PUT(" --rc %s", num(a, o->sf.rc));
        PUT(" --hidden ");
        for (size_t l = 0; l < o->n_hidden; l++)
            PUT("%s%zu", l ? "," : "", o->hidden[l]);
        PUT(" --activation %s --committee %zu", o->activation, o->committee);
    }
    PUT(" --optimizer %s --epochs %zu", pesx_fit_optimizer_name(t->optimizer), t->epochs);
    if (t->optimizer == PESX_FIT_ADAM)
        PUT(" --batch %zu --lr %s --lr-final %s", t->batch, num(a, t->lr), num(b, t->lr_final));
    if (t->optimizer == PESX_FIT_EKF)
        PUT(" --ekf-force-ratio %s --ekf-threshold %s", num(a, t->kf_force_ratio),
            num(b, t->kf_threshold));
    if (t->optimizer != PESX_FIT_LBFGS)
        PUT(" --polish %zu --polish-force-weight %s", t->polish,
            num(a, t->polish_force_weight >= 0 ? t->polish_force_weight : t->loss.force_weight));
    PUT(" --patience %zu --force-weight %s --l2 %s --seed %llu", t->patience,
        num(b, t->loss.use_forces ? t->loss.force_weight : 0.0), num(c, t->loss.l2), t->seed);
#undef PUT
}

/* ---- learning curve ------------------------------------------------------ */

static int curve_push(fit_run *R, const pesx_fit_curve_row *row)
{
    pesx_fit_result *res = R->res;
    int st = pesx_array_reserve(&res->curve, &R->curve_cap, res->n_curve + 1, sizeof *row, 64);
    if (st)
        return st;
    res->curve[res->n_curve++] = *row;
    return PESX_OK;
}

static void curve_print(FILE *fp, const pesx_fit_curve_row *r)
{
    fprintf(fp, "%zu\t%zu\t%.6f\t%.6f\t%.5f\t%.5f\t%.3f\n", r->member, r->epoch, 1e3 * r->rmse[0],
            1e3 * r->rmse[1], 1e3 * r->rmse[2], 1e3 * r->rmse[3], r->seconds);
}

int fit_curve_add(fit_run *R, const pesx_fit_curve_row *row)
{
    FILE *fp;
    int st = curve_push(R, row);
    if (st || !R->o->curve)
        return st;
    if (!(fp = fopen(R->o->curve, "a")))
        return pesx_error_set(PESX_EWRITE, R->o->curve, 0, "cannot append to the learning curve");
    curve_print(fp, row);
    if (fclose(fp))
        return pesx_error_set(PESX_EWRITE, R->o->curve, 0, "cannot append to the learning curve");
    return PESX_OK;
}

int fit_curve_start(const char *path)
{
    pesx_atomic_file af;
    int st = pesx_atomic_open(&af, path);
    if (st)
        return st;
    fprintf(af.fp, "%s\n", CURVE_HEADER);
    return pesx_atomic_commit(&af);
}

int fit_curve_resume(fit_run *R, const char *path, size_t member, size_t epoch)
{
    FILE *in = fopen(path, "r");
    pesx_atomic_file af;
    char line[1024];
    int st;
    if ((st = pesx_atomic_open(&af, path))) {
        if (in)
            fclose(in);
        return st;
    }
    if (!in)
        fprintf(af.fp, "%s\n", CURVE_HEADER);
    while (in && fgets(line, sizeof line, in)) {
        unsigned long mem, ep;
        double v[4], sec;
        pesx_fit_curve_row row;
        if (line[0] == '#') {
            fputs(line, af.fp);
            continue;
        }
        if (sscanf(line, "%lu %lu %lf %lf %lf %lf %lf", &mem, &ep, &v[0], &v[1], &v[2], &v[3],
                   &sec) != 7 ||
            mem > member || (mem == member && ep > epoch))
            continue;
        fputs(line, af.fp);
        row.member = mem;
        row.epoch = ep;
        for (int q = 0; q < 4; q++)
            row.rmse[q] = 1e-3 * v[q];
        row.seconds = sec;
        if ((st = curve_push(R, &row))) {
            fclose(in);
            pesx_atomic_abort(&af);
            return st;
        }
    }
    if (in)
        fclose(in);
    return pesx_atomic_commit(&af);
}

/* ---- potential and checkpoints -------------------------------------------- */

int fit_write_model(fit_run *R, const char *path, size_t n_members, const char *source)
{
    pesx_potential_file *pf = &R->res->pf;
    size_t keep = R->m->n_members;
    int st;
    R->m->n_members = n_members;
    st = pesx_fit_model_to_file(R->m, pf);
    R->m->n_members = keep;
    if (st)
        return st;
    snprintf(pf->source, sizeof pf->source, "%s", source);
    return path ? pesx_potential_file_write(path, pf) : PESX_OK;
}

/* OUTPUT.checkpoint, a potential.xml with the finished members, member
 * MEMBER's best weights so far and the later members' initial weights, and
 * OUTPUT.checkpoint.state, the member's whole training state.  The state
 * goes first; both name the member and epoch, so a resume notices a pair
 * that does not belong together. */
int fit_checkpoint_write(fit_run *R, size_t member, const pesx_fit_epoch *ep)
{
    char src[160];
    int st;
    snprintf(src, sizeof src, "pesx fit checkpoint: member %zu epoch %zu", member, ep->epoch);
    if ((st = pesx_fit_state_save(ep->state, R->state_path)))
        return st;
    pesx_fit_model_put_weights(R->m, member, ep->state->best_w);
    st = fit_write_model(R, R->checkpoint, R->m->n_members, src);
    pesx_fit_model_put_weights(R->m, member, ep->state->w);
    return st;
}

/* ---- closing errors and parity data --------------------------------------- */

/* Append (VA, VB) to the parallel arrays *A and *B of *N values. */
static int keep_pair(double **a, double **b, size_t *n, size_t cap[2], double va, double vb)
{
    int st = pesx_array_reserve(a, &cap[0], *n + 1, sizeof **a, 256);
    if (!st)
        st = pesx_array_reserve(b, &cap[1], *n + 1, sizeof **b, 256);
    if (!st) {
        (*a)[*n] = va;
        (*b)[*n] = vb;
        (*n)++;
    }
    return st;
}

int fit_evaluate(fit_run *R, pesx_fit_set *s, const pesx_dataset *ds, const size_t *idx,
                 size_t n, const char *set, FILE *parity, int keep, pesx_fit_errors *out)
{
    pesx_fit_result *res = R->res;
    size_t cap_f = 0, cap_e[2] = {0, 0}, cap_f2[2] = {0, 0};
    double *f = NULL;
    int st = PESX_OK;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n && !st; i++) {
        size_t k = idx[i], na;
        double E, Eref, de;
        const double *F;
        pesx_fit_set_reference(s, k, &na, &Eref, &F);
        if ((st = pesx_array_reserve(&f, &cap_f, 3 * na, sizeof *f, 96)) ||
            (st = pesx_fit_predict(R->m, (size_t)-1, s, k, &E, f)))
            break;
        de = fabs(E - Eref) / (double)na;
        if (out->n_struct == 0 || de > out->e_max) {
            out->e_max = de;
            out->e_max_at = k;
        }
        out->n_struct++;
        out->e_sse += de * de;
        out->e_sae += de;
        if (parity)
            fprintf(parity, "E\t%s\t%s\t%zu\t-\t%.10g\t%.10g\n", set, ds->id[k], na,
                    Eref / (double)na, E / (double)na);
        if (keep && (st = keep_pair(&res->test_e_ref, &res->test_e_pred, &res->n_test_e, cap_e,
                                    Eref / (double)na, E / (double)na)))
            break;
        for (size_t c = 0; c < 3 * na && !st; c++) {
            double d = fabs(f[c] - F[c]);
            if (out->n_force == 0 || d > out->f_max) {
                out->f_max = d;
                out->f_max_at = k;
            }
            out->n_force++;
            out->f_sse += d * d;
            out->f_sae += d;
            if (parity)
                fprintf(parity, "F\t%s\t%s\t%zu\t%c\t%.10g\t%.10g\n", set, ds->id[k], c / 3,
                        "xyz"[c % 3], F[c], f[c]);
            if (keep)
                st = keep_pair(&res->test_f_ref, &res->test_f_pred, &res->n_test_f, cap_f2,
                               F[c], f[c]);
        }
    }
    free(f);
    return st;
}
