/* pesx fit: train a Behler-Parrinello potential (or a committee) on the
 * energies and forces of a data set; write potential.xml, the learning
 * curve, parity data, plots and a closing error table. */
#include <config.h>
#include "cmd/fit_cmd.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pesx/fit.h>
#include <pesx/fit_sf.h>
#include <pesx/io_dataset.h>
#include <pesx/io_potential.h>

static const char usage[] =
    "pesx fit DATA [-o FILE] [--test FILE] [--test-fraction F] [--val-fraction F]\n"
    "       [--sf FILE] [--rc R] [--hidden N,N] [--activation NAME]\n"
    "       [--optimizer NAME] [--epochs N] [--batch N] [--lr X] [--lr-final X]\n"
    "       [--polish N] [--polish-force-weight B] [--patience N] [--force-weight B]\n"
    "       [--l2 L] [--ekf-force-ratio R] [--ekf-threshold T] [--committee M]\n"
    "       [--seed S] [--curve FILE] [--parity FILE] [--plot DIR] [--checkpoint-every N]\n"
    "       [--resume] [-q] [-v]\n"
    "\n"
    "  DATA                  training data: data.xml, extended XYZ or n2p2 input.data\n"
    "  -o, --output FILE     the potential to write (potential.xml)\n"
    "      --test FILE       a separate test set (then --test-fraction is 0)\n"
    "      --test-fraction F share of DATA held out for the final test (0.1)\n"
    "      --val-fraction F  share of the rest for early stopping (0.1)\n"
    "      --sf FILE         symmetry functions of an n2p2 input.nn file (default:\n"
    "                        generated from the data)\n"
    "      --rc R            cutoff radius of generated functions, Angstrom (6)\n"
    "      --hidden N,N      hidden layer sizes (15,15)\n"
    "      --activation NAME hidden-layer activation (softplus)\n"
    "      --optimizer NAME  adam, lbfgs or ekf (ekf)\n"
    "      --epochs N        maximum epochs per member (ekf 20, adam and lbfgs 100)\n"
    "      --batch N         Adam mini-batch, structures (8)\n"
    "      --lr X            Adam learning rate (0.003)\n"
    "      --lr-final X      Adam rate at the last epoch, geometric decay (1e-4)\n"
    "      --polish N        after Adam or EKF, N full-batch L-BFGS iterations from\n"
    "                        the best weights (adam 100, ekf 0)\n"
    "      --polish-force-weight B  force weight of the polish (--force-weight)\n"
    "      --patience N      stop after N epochs without a better validation\n"
    "                        error; 0 = never (0)\n"
    "      --force-weight B  weight of the force term in the loss (1)\n"
    "      --l2 L            L2 penalty on the weights (0)\n"
    "      --ekf-force-ratio R  EKF: force-component updates per energy update (0.25)\n"
    "      --ekf-threshold T EKF: update only on errors above T times the RMSE (0.5)\n"
    "      --committee M     committee members (1)\n"
    "      --seed S          random seed of splits and weights (1)\n"
    "      --curve FILE      learning curve TSV (fit-curve.tsv)\n"
    "      --parity FILE     parity data TSV (fit-parity.tsv)\n"
    "      --plot DIR        SVG learning curve and parity plots into DIR\n"
    "      --checkpoint-every N  write OUTPUT.checkpoint every N epochs (10; 0 = off)\n"
    "      --resume          continue from OUTPUT.checkpoint\n"
    "  -q, --quiet           print nothing but errors\n"
    "  -v, --verbose         more messages on stderr\n";

/* Defaults measured on auAl100 (pesx-fit(1) NOTES). */
#define DEFAULT_OPTIMIZER PESX_FIT_EKF
#define EKF_EPOCHS 20

typedef struct {
    const char *data, *output, *test, *sf, *curve, *parity, *plot;
    double test_fraction, val_fraction, rc;
    size_t hidden[8], n_hidden;
    const char *activation;
    size_t committee, checkpoint_every;
    int resume, quiet, test_fraction_given, epochs_given, polish_given;
    pesx_fit_options o;
} options;

#define CURVE_HEADER                                                                           \
    "# member\tepoch\ttrain_E_rmse_meV_atom\tval_E_rmse_meV_atom\ttrain_F_rmse_meV_A\t"        \
    "val_F_rmse_meV_A\tseconds"

typedef struct {
    options *op;
    pesx_fit_model *m;
    pesx_potential_file *pf;
    fit_curve curve;
    pesx_progress bar;
    size_t member, epochs_before, total_epochs;
    char checkpoint[4200], state_path[4300];
    int interrupted;
} run;

static int parse_sizes(const char *arg, size_t *out, size_t *n)
{
    const char *p = arg;
    *n = 0;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > 10000 || *n >= 8 || (*end && *end != ','))
            return cmd_usage_error("--hidden '%s': expected sizes like 15,15", arg);
        out[(*n)++] = (size_t)v;
        p = *end ? end + 1 : end;
    }
    if (*n == 0)
        return cmd_usage_error("--hidden '%s': expected sizes like 15,15", arg);
    return CMD_OK;
}

static int curve_push(fit_curve *c, size_t epoch, const double v4[4])
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        size_t *e = realloc(c->epoch, cap * sizeof *e);
        double *v;
        if (!e)
            return PESX_ENOMEM;
        c->epoch = e;
        if (!(v = realloc(c->v, 4 * cap * sizeof *v)))
            return PESX_ENOMEM;
        c->v = v;
        c->cap = cap;
    }
    c->epoch[c->n] = epoch;
    memcpy(c->v + 4 * c->n, v4, 4 * sizeof *v4);
    c->n++;
    return PESX_OK;
}

static int curve_add(fit_curve *c, const pesx_fit_epoch *ep)
{
    double v[4];
    v[0] = 1e3 * pesx_fit_errors_rmse_e(&ep->train);
    v[1] = 1e3 * pesx_fit_errors_rmse_e(&ep->val);
    v[2] = 1e3 * pesx_fit_errors_rmse_f(&ep->train);
    v[3] = 1e3 * pesx_fit_errors_rmse_f(&ep->val);
    return curve_push(c, ep->epoch, v);
}

/* --resume: keep the learning curve's rows up to the checkpoint (member
 * MEMBER, epoch EPOCH), drop the later ones the interrupted run wrote, and
 * load the kept rows for the plot.  A missing file is started afresh. */
static int curve_resume(const char *path, size_t member, size_t epoch, fit_curve *c)
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
        if (line[0] == '#') {
            fputs(line, af.fp);
            continue;
        }
        if (sscanf(line, "%lu %lu %lf %lf %lf %lf %lf", &mem, &ep, &v[0], &v[1], &v[2], &v[3],
                   &sec) != 7 ||
            mem > member || (mem == member && ep > epoch))
            continue;
        fputs(line, af.fp);
        /* the curve TSV has train E, val E, train F, val F */
        if ((st = curve_push(c, ep, v))) {
            fclose(in);
            pesx_atomic_abort(&af);
            return st;
        }
    }
    if (in)
        fclose(in);
    return pesx_atomic_commit(&af);
}

/* Write the model (members 0..n_members-1) to PATH. */
static int write_model(run *R, const char *path, size_t n_members, const char *source)
{
    size_t keep = R->m->n_members;
    int st;
    R->m->n_members = n_members;
    st = pesx_fit_model_to_file(R->m, R->pf);
    R->m->n_members = keep;
    if (st)
        return st;
    snprintf(R->pf->source, sizeof R->pf->source, "%s", source);
    return pesx_potential_file_write(path, R->pf);
}

/* The checkpoint: OUTPUT.checkpoint, a potential.xml with the finished
 * members, member MEMBER's best weights so far and the later members'
 * initial weights, and OUTPUT.checkpoint.state, the member's whole training
 * state (pesx_fit_state: current and best weights, optimizer state).  The
 * state goes first; both name the member and epoch, so --resume notices a
 * pair that does not belong together. */
static void write_checkpoint(run *R, size_t member, const pesx_fit_epoch *ep)
{
    char src[160];
    int st;
    snprintf(src, sizeof src, "pesx fit checkpoint: member %zu epoch %zu", member, ep->epoch);
    if ((st = pesx_fit_state_save(ep->state, R->state_path))) {
        pesx_warn("checkpoint %s not written: %s", R->state_path, pesx_error_last()->msg);
        return;
    }
    pesx_fit_model_put_weights(R->m, member, ep->state->best_w);
    st = write_model(R, R->checkpoint, R->m->n_members, src);
    pesx_fit_model_put_weights(R->m, member, ep->state->w);
    if (st)
        pesx_warn("checkpoint %s not written: %s", R->checkpoint, pesx_error_last()->msg);
}

static int on_epoch(const pesx_fit_epoch *ep, size_t member, void *ctx)
{
    run *R = ctx;
    FILE *fp;
    curve_add(&R->curve, ep);
    if (R->op->curve && (fp = fopen(R->op->curve, "a"))) {
        fprintf(fp, "%zu\t%zu\t%.6f\t%.6f\t%.5f\t%.5f\t%.3f\n", member, ep->epoch,
                1e3 * pesx_fit_errors_rmse_e(&ep->train), 1e3 * pesx_fit_errors_rmse_e(&ep->val),
                1e3 * pesx_fit_errors_rmse_f(&ep->train), 1e3 * pesx_fit_errors_rmse_f(&ep->val),
                ep->seconds);
        fclose(fp);
    }
    pesx_progress_update(&R->bar, R->epochs_before + ep->epoch);
    pesx_info("member %zu epoch %zu: train %.4f meV/atom %.3f meV/A, val %.4f meV/atom %.3f meV/A",
              member + 1, ep->epoch, 1e3 * pesx_fit_errors_rmse_e(&ep->train),
              1e3 * pesx_fit_errors_rmse_f(&ep->train), 1e3 * pesx_fit_errors_rmse_e(&ep->val),
              1e3 * pesx_fit_errors_rmse_f(&ep->val));
    if (cmd_interrupted())
        R->interrupted = 1;
    if (R->op->checkpoint_every &&
        (R->interrupted || (ep->epoch > 0 && ep->epoch % R->op->checkpoint_every == 0)))
        write_checkpoint(R, member, ep);
    return R->interrupted;
}

/* Errors and predictions of the committee over structures IDX of set S. */
typedef struct {
    pesx_fit_errors e;
    double *worst;       /* |dE|/N of each listed structure */
} set_report;

static int evaluate(pesx_fit_model *m, pesx_fit_set *s, const pesx_dataset *ds, const size_t *idx,
                    size_t n, const char *name, FILE *parity, pesx_fit_errors *out)
{
    double *f = malloc(3 * 4096 * sizeof *f);
    size_t capf = 4096;
    memset(out, 0, sizeof *out);
    if (!f)
        return PESX_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        size_t k = idx[i], na;
        double E, Eref, de;
        const double *F;
        int st;
        pesx_fit_set_reference(s, k, &na, &Eref, &F);
        if (na > capf) {
            double *g = realloc(f, 3 * na * sizeof *g);
            if (!g) {
                free(f);
                return PESX_ENOMEM;
            }
            f = g;
            capf = na;
        }
        if ((st = pesx_fit_predict(m, (size_t)-1, s, k, &E, f))) {
            free(f);
            return st;
        }
        de = fabs(E - Eref) / (double)na;
        if (out->n_struct == 0 || de > out->e_max) {
            out->e_max = de;
            out->e_max_at = k;
        }
        out->n_struct++;
        out->e_sse += de * de;
        out->e_sae += de;
        if (parity)
            fprintf(parity, "E\t%s\t%s\t%zu\t-\t%.10g\t%.10g\n", name, ds->id[k], na,
                    Eref / (double)na, E / (double)na);
        for (size_t c = 0; c < 3 * na; c++) {
            double d = fabs(f[c] - F[c]);
            if (out->n_force == 0 || d > out->f_max) {
                out->f_max = d;
                out->f_max_at = k;
            }
            out->n_force++;
            out->f_sse += d * d;
            out->f_sae += d;
            if (parity)
                fprintf(parity, "F\t%s\t%s\t%zu\t%c\t%.10g\t%.10g\n", name, ds->id[k], c / 3,
                        "xyz"[c % 3], F[c], f[c]);
        }
    }
    free(f);
    return PESX_OK;
}

static void print_row(const char *name, size_t n, const pesx_fit_errors *e, const pesx_dataset *ds)
{
    if (!n) {
        printf("  %-6s %6s\n", name, "-");
        return;
    }
    printf("  %-6s %6zu  %9.4f %9.4f %9.4f  %8.3f %8.3f %8.3f   %s / %s\n", name, n,
           1e3 * pesx_fit_errors_rmse_e(e), 1e3 * e->e_sae / (double)e->n_struct, 1e3 * e->e_max,
           1e3 * pesx_fit_errors_rmse_f(e), 1e3 * e->f_sae / (double)e->n_force, 1e3 * e->f_max,
           ds->id[e->e_max_at], ds->id[e->f_max_at]);
}

static int parse_args(int argc, char **argv, options *op)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"test", required_argument, NULL, 1},
        {"test-fraction", required_argument, NULL, 2},
        {"val-fraction", required_argument, NULL, 3},
        {"sf", required_argument, NULL, 4},
        {"rc", required_argument, NULL, 5},
        {"hidden", required_argument, NULL, 6},
        {"activation", required_argument, NULL, 7},
        {"optimizer", required_argument, NULL, 8},
        {"epochs", required_argument, NULL, 9},
        {"batch", required_argument, NULL, 10},
        {"lr", required_argument, NULL, 11},
        {"lr-final", required_argument, NULL, 12},
        {"patience", required_argument, NULL, 13},
        {"force-weight", required_argument, NULL, 14},
        {"l2", required_argument, NULL, 15},
        {"committee", required_argument, NULL, 16},
        {"seed", required_argument, NULL, 17},
        {"curve", required_argument, NULL, 18},
        {"parity", required_argument, NULL, 19},
        {"plot", required_argument, NULL, 20},
        {"checkpoint-every", required_argument, NULL, 21},
        {"resume", no_argument, NULL, 22},
        {"polish", required_argument, NULL, 23},
        {"polish-force-weight", required_argument, NULL, 24},
        {"ekf-force-ratio", required_argument, NULL, 25},
        {"ekf-threshold", required_argument, NULL, 26},
        CMD_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0}};
    int c;
    long v;
    double x;
    memset(op, 0, sizeof *op);
    op->output = "potential.xml";
    op->test_fraction = 0.1;
    op->val_fraction = 0.1;
    op->rc = 6.0;
    op->hidden[0] = op->hidden[1] = 15;
    op->n_hidden = 2;
    op->activation = "softplus";
    op->committee = 1;
    op->checkpoint_every = 10;
    op->curve = "fit-curve.tsv";
    op->parity = "fit-parity.tsv";
    pesx_fit_options_default(&op->o);
    op->o.optimizer = DEFAULT_OPTIMIZER;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': op->output = optarg; break;
        case 1: op->test = optarg; break;
        case 2:
            if (cmd_parse_double("--test-fraction", optarg, &op->test_fraction))
                return CMD_BAD_INPUT;
            op->test_fraction_given = 1;
            break;
        case 3:
            if (cmd_parse_double("--val-fraction", optarg, &op->val_fraction))
                return CMD_BAD_INPUT;
            break;
        case 4: op->sf = optarg; break;
        case 5:
            if (cmd_parse_positive("--rc", optarg, &op->rc))
                return CMD_BAD_INPUT;
            break;
        case 6:
            if (parse_sizes(optarg, op->hidden, &op->n_hidden))
                return CMD_BAD_INPUT;
            break;
        case 7:
            if (!pesx_nn_activation_lookup(optarg))
                return cmd_usage_error("--activation: %s", pesx_error_last()->msg);
            op->activation = optarg;
            break;
        case 8:
            if ((op->o.optimizer = pesx_fit_optimizer_lookup(optarg)) < 0)
                return cmd_usage_error("--optimizer '%s': expected adam, lbfgs or ekf", optarg);
            break;
        case 9:
            if (cmd_parse_count("--epochs", optarg, 0, 1000000, &v))
                return CMD_BAD_INPUT;
            op->o.epochs = (size_t)v;
            op->epochs_given = 1;
            break;
        case 10:
            if (cmd_parse_count("--batch", optarg, 1, 1000000000, &v))
                return CMD_BAD_INPUT;
            op->o.batch = (size_t)v;
            break;
        case 11:
            if (cmd_parse_positive("--lr", optarg, &op->o.lr))
                return CMD_BAD_INPUT;
            break;
        case 12:
            if (cmd_parse_double("--lr-final", optarg, &op->o.lr_final))
                return CMD_BAD_INPUT;
            if (op->o.lr_final < 0)
                return cmd_usage_error("--lr-final must be >= 0");
            break;
        case 13:
            if (cmd_parse_count("--patience", optarg, 0, 1000000, &v))
                return CMD_BAD_INPUT;
            op->o.patience = (size_t)v;
            break;
        case 14:
            if (cmd_parse_double("--force-weight", optarg, &x))
                return CMD_BAD_INPUT;
            if (x < 0)
                return cmd_usage_error("--force-weight must be >= 0");
            op->o.loss.force_weight = x;
            op->o.loss.use_forces = x > 0;
            break;
        case 15:
            if (cmd_parse_double("--l2", optarg, &x))
                return CMD_BAD_INPUT;
            if (x < 0)
                return cmd_usage_error("--l2 must be >= 0");
            op->o.loss.l2 = x;
            break;
        case 16:
            if (cmd_parse_count("--committee", optarg, 1, 1000, &v))
                return CMD_BAD_INPUT;
            op->committee = (size_t)v;
            break;
        case 17:
            if (cmd_parse_count("--seed", optarg, 0, 2147483647L, &v))
                return CMD_BAD_INPUT;
            op->o.seed = (unsigned long long)v;
            break;
        case 18: op->curve = optarg; break;
        case 19: op->parity = optarg; break;
        case 20: op->plot = optarg; break;
        case 21:
            if (cmd_parse_count("--checkpoint-every", optarg, 0, 1000000, &v))
                return CMD_BAD_INPUT;
            op->checkpoint_every = (size_t)v;
            break;
        case 22: op->resume = 1; break;
        case 23:
            if (cmd_parse_count("--polish", optarg, 0, 1000000, &v))
                return CMD_BAD_INPUT;
            op->o.polish = (size_t)v;
            op->polish_given = 1;
            break;
        case 24:
            if (cmd_parse_double("--polish-force-weight", optarg, &x))
                return CMD_BAD_INPUT;
            if (x < 0)
                return cmd_usage_error("--polish-force-weight must be >= 0");
            op->o.polish_force_weight = x;
            break;
        case 25:
            if (cmd_parse_double("--ekf-force-ratio", optarg, &x))
                return CMD_BAD_INPUT;
            if (!(x >= 0 && x <= 1000))
                return cmd_usage_error("--ekf-force-ratio must be in [0, 1000]");
            op->o.kf_force_ratio = x;
            break;
        case 26:
            if (cmd_parse_double("--ekf-threshold", optarg, &x))
                return CMD_BAD_INPUT;
            if (!(x >= 0 && x <= 100))
                return cmd_usage_error("--ekf-threshold must be in [0, 100]");
            op->o.kf_threshold = x;
            break;
        case 'q': cmd_quiet(); op->quiet = 1; break;
        case 'v': cmd_verbose(); break;
        case 'h': cmd_print_usage(stdout, usage); exit(CMD_OK);
        case ':': return cmd_usage_error("option %s needs a value", argv[optind - 1]);
        default: return cmd_usage_error("unknown option %s", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cmd_usage_error(optind >= argc ? "no data file given" : "more than one data file");
    op->data = argv[optind];
    /* the defaults that depend on the optimizer (see NOTES in pesx-fit(1)) */
    if (!op->epochs_given)
        op->o.epochs = op->o.optimizer == PESX_FIT_EKF ? EKF_EPOCHS : 100;
    if (!op->polish_given)
        op->o.polish = op->o.optimizer == PESX_FIT_ADAM ? 100 : 0;
    if (op->test && op->test_fraction_given && op->test_fraction > 0)
        return cmd_usage_error("--test and --test-fraction exclude each other");
    if (op->test)
        op->test_fraction = 0;
    if (!(op->test_fraction >= 0 && op->val_fraction >= 0 && op->test_fraction + op->val_fraction < 1))
        return cmd_usage_error("--test-fraction and --val-fraction must be >= 0 with a sum < 1");
    return CMD_OK;
}

static int read_data(const char *path, pesx_dataset *ds)
{
    pesx_data_format f = pesx_data_format_guess(path);
    pesx_dataset_init(ds);
    if (f == PESX_DATA_UNKNOWN)
        f = PESX_DATA_XML;
    return pesx_data_read(path, f, 1.0, 1.0, ds);
}

int cmd_fit(int argc, char **argv)
{
    options op;
    run R;
    pesx_dataset ds, dtest;
    pesx_potential_file pf;
    pesx_fit_model m;
    pesx_fit_set *s = NULL, *stest = NULL;
    size_t *split = NULL, ntr = 0, nva = 0, nte = 0, npool, *pool, *midx = NULL, first_member = 0;
    pesx_fit_state rstate;
    int st, rc = CMD_OK, have_model = 0, have_rstate = 0;
    double t0 = pesx_wall_time();
    pesx_fit_errors etr, eva, ete;
    if ((rc = parse_args(argc, argv, &op)))
        return rc;
    memset(&R, 0, sizeof R);
    pesx_dataset_init(&ds);
    pesx_dataset_init(&dtest);
    pesx_potential_file_init(&pf);
    memset(&m, 0, sizeof m);
    /* data */
    if ((st = read_data(op.data, &ds)))
        return cmd_fail(st);
    if (op.test && (st = read_data(op.test, &dtest))) {
        rc = cmd_fail(st);
        goto out;
    }
    if ((st = pesx_fit_split(ds.n, 0.0, op.test_fraction, op.o.seed, &split, &ntr, &nva, &nte))) {
        rc = cmd_fail(st);
        goto out;
    }
    npool = ntr; /* split: pool first, test at the end */
    pool = split;
    if (npool < 2) {
        rc = cmd_error("%s: %zu structures are too few to train and validate", op.data, ds.n);
        goto out;
    }
    /* symmetry functions: from the training pool only */
    {
        pesx_dataset sub;
        pesx_fit_sf_options so;
        pesx_fit_sf_options_init(&so);
        so.rc = op.rc;
        pesx_dataset_init(&sub);
        if ((st = pesx_dataset_subset(&sub, &ds, pool, npool))) {
            rc = cmd_fail(st);
            goto out;
        }
        if (op.resume) {
            snprintf(R.checkpoint, sizeof R.checkpoint, "%s.checkpoint", op.output);
            st = pesx_potential_file_read(R.checkpoint, &pf);
        } else if (op.sf)
            st = pesx_fit_sf_read(op.sf, &sub, &so, &pf);
        else {
            pesx_fit_sf_report rep;
            st = pesx_fit_sf_generate(&sub, &so, &pf, &rep);
            if (!st)
                for (size_t e = 0; e < rep.n_elements; e++)
                    pesx_info("%s: %zu symmetry functions (%zu candidates, %zu constant, %zu "
                              "near duplicates dropped)",
                              pesx_element_symbol(rep.z[e]), rep.n_kept[e], rep.n_candidates[e],
                              rep.n_constant[e], rep.n_correlated[e]);
        }
        pesx_dataset_release(&sub);
        if (st) {
            rc = cmd_fail(st);
            goto out;
        }
    }
    if ((st = pesx_fit_model_init(&m, &pf, 1))) {
        rc = cmd_fail(st);
        goto out;
    }
    have_model = 1;
    pesx_info("precomputing symmetry functions and derivatives of %zu structures", ds.n);
    if (!(s = pesx_fit_set_alloc(&m, &ds, NULL, NULL)) ||
        (op.test && !(stest = pesx_fit_set_alloc(&m, &dtest, NULL, NULL)))) {
        rc = cmd_fail(pesx_error_last()->code ? pesx_error_last()->code : PESX_EINVAL);
        goto out;
    }
    if (op.resume) {
        long mem = 0, ep = 0;
        if (sscanf(pf.source, "pesx fit checkpoint: member %ld epoch %ld", &mem, &ep) != 2) {
            rc = cmd_error("%s: not a pesx fit checkpoint", R.checkpoint);
            goto out;
        }
        snprintf(R.state_path, sizeof R.state_path, "%s.checkpoint.state", op.output);
        if ((st = pesx_fit_state_load(&rstate, R.state_path))) {
            rc = cmd_fail(st);
            goto out;
        }
        have_rstate = 1;
        if (rstate.member != (size_t)mem || rstate.epoch != (size_t)ep) {
            rc = cmd_error("%s (member %ld, epoch %ld) and %s (member %zu, epoch %zu) are not "
                           "one checkpoint",
                           R.checkpoint, mem, ep, R.state_path, rstate.member, rstate.epoch);
            goto out;
        }
        first_member = (size_t)mem;
        op.committee = pf.n_members;
        if ((st = pesx_fit_model_set_scaling(&m, &pf))) {
            rc = cmd_fail(st);
            goto out;
        }
    } else {
        if ((st = pesx_fit_set_statistics(s, pool, npool, &pf)) ||
            (st = pesx_fit_model_set_scaling(&m, &pf))) {
            rc = cmd_fail(st);
            goto out;
        }
        if ((st = pesx_fit_ref_energies(&m, s, pool, npool)) ||
            (st = pesx_fit_model_set_networks(&m, op.committee, op.n_hidden, op.hidden,
                                              op.activation, op.o.seed))) {
            rc = cmd_fail(st);
            goto out;
        }
    }
    pesx_fit_set_scale(s, &m);
    if (stest)
        pesx_fit_set_scale(stest, &m);
    snprintf(R.checkpoint, sizeof R.checkpoint, "%s.checkpoint", op.output);
    snprintf(R.state_path, sizeof R.state_path, "%s.checkpoint.state", op.output);
    R.op = &op;
    R.m = &m;
    R.pf = &pf;
    if (op.curve && !op.resume) {
        pesx_atomic_file af;
        if ((st = pesx_atomic_open(&af, op.curve)) == PESX_OK) {
            fprintf(af.fp, "%s\n", CURVE_HEADER);
            st = pesx_atomic_commit(&af);
        }
        if (st) {
            rc = cmd_fail(st);
            goto out;
        }
    } else if (op.curve && (st = curve_resume(op.curve, rstate.member, rstate.epoch, &R.curve))) {
        rc = cmd_fail(st);
        goto out;
    }
    if (!op.quiet)
        printf("pesx fit: %zu structures (%zu training pool, %zu test%s), %zu weights per member, "
               "%zu member%s, %s\n",
               ds.n + dtest.n, npool, op.test ? dtest.n : nte, op.test ? " from --test" : "",
               m.n_weights, op.committee, op.committee > 1 ? "s" : "",
               pesx_fit_optimizer_name(op.o.optimizer));
    cmd_catch_interrupt();
    midx = malloc((npool + 1) * sizeof *midx);
    if (!midx) {
        rc = cmd_fail(pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory"));
        goto out;
    }
    R.total_epochs = (op.o.epochs + (op.o.optimizer != PESX_FIT_LBFGS ? op.o.polish : 0)) *
                     op.committee;
    pesx_progress_start(&R.bar, "fit", R.total_epochs);
    {
        size_t trained = first_member;
        for (size_t q = first_member; q < op.committee && !R.interrupted; q++) {
            size_t *sp, a, b, c;
            pesx_fit_options o = op.o;
            size_t done = 0, best = 0;
            /* member q: its own validation subsample of the pool */
            if ((st = pesx_fit_split(npool, op.val_fraction, 0.0, op.o.seed + 1000003ULL * (q + 1),
                                     &sp, &a, &b, &c))) {
                rc = cmd_fail(st);
                goto out;
            }
            for (size_t i = 0; i < npool; i++)
                midx[i] = pool[sp[i]];
            free(sp);
            o.seed = op.o.seed + q;
            o.on_epoch = on_epoch;
            o.ctx = &R;
            if (q == first_member && have_rstate)
                o.resume = &rstate; /* the state is checked against this run's options */
            R.member = q;
            R.epochs_before = q * (R.total_epochs / op.committee);
            if ((st = pesx_fit_train(&m, q, s, midx, a, midx + a, b, &o, &done, &best))) {
                rc = cmd_fail(st);
                goto out;
            }
            pesx_info("member %zu: best epoch %zu of %zu", q + 1, best, done);
            trained = q + 1;
        }
        pesx_progress_finish(&R.bar);
        if (R.interrupted)
            fprintf(stderr, "pesx fit: interrupted; writing the %zu member%s trained so far\n",
                    trained ? trained : 1, trained == 1 ? "" : "s");
        /* closing errors of the committee mean */
        {
            FILE *par = NULL;
            pesx_atomic_file af;
            size_t *all = NULL;
            int pst = PESX_OK;
            if (op.parity) {
                if ((pst = pesx_atomic_open(&af, op.parity))) {
                    rc = cmd_fail(pst);
                    goto out;
                }
                par = af.fp;
                fprintf(par, "# kind\tset\tid\tatoms_or_atom\tcomponent\treference\tpredicted\n"
                             "# E rows: energy per atom (eV/atom); F rows: force components "
                             "(eV/Angstrom)\n");
            }
            if (trained == 0)
                trained = 1; /* interrupted in the first member: its best weights */
            m.n_members = trained < m.n_members ? trained : m.n_members;
            /* train = the pool minus member 0's validation share is not
             * recorded; report the whole pool as "train+val" split by member
             * 0's split */
            {
                size_t *sp, a, b, c;
                pesx_fit_split(npool, op.val_fraction, 0.0, op.o.seed + 1000003ULL, &sp, &a, &b, &c);
                for (size_t i = 0; i < npool; i++)
                    midx[i] = pool[sp[i]];
                free(sp);
                pst = evaluate(&m, s, &ds, midx, a, "train", par, &etr);
                if (!pst)
                    pst = evaluate(&m, s, &ds, midx + a, b, "val", par, &eva);
                if (!pst) {
                    if (stest) {
                        all = malloc((dtest.n + 1) * sizeof *all);
                        for (size_t k = 0; all && k < dtest.n; k++)
                            all[k] = k;
                        pst = all ? evaluate(&m, stest, &dtest, all, dtest.n, "test", par, &ete)
                                  : PESX_ENOMEM;
                    } else
                        pst = evaluate(&m, s, &ds, split + ntr, nte, "test", par, &ete);
                }
                if (!op.quiet) {
                    printf("\n  %-6s %6s  %9s %9s %9s  %8s %8s %8s   %s\n", "set", "n",
                           "E RMSE", "E MAE", "E max", "F RMSE", "F MAE", "F max",
                           "worst E / worst F structure");
                    printf("  %-6s %6s  %29s  %26s\n", "", "", "(meV/atom)", "(meV/Angstrom)");
                    print_row("train", a, &etr, &ds);
                    print_row("val", b, &eva, &ds);
                    print_row("test", stest ? dtest.n : nte, &ete, stest ? &dtest : &ds);
                }
                pf.rmse_energy_train = sqrt(etr.e_sse / (double)(etr.n_struct ? etr.n_struct : 1));
                pf.rmse_force_train = sqrt(etr.f_sse / (double)(etr.n_force ? etr.n_force : 1));
                pf.rmse_energy_test = (stest || nte) ? pesx_fit_errors_rmse_e(&ete) : NAN;
                pf.rmse_force_test = (stest || nte) ? pesx_fit_errors_rmse_f(&ete) : NAN;
            }
            free(all);
            if (par) {
                if (pst)
                    pesx_atomic_abort(&af);
                else
                    pst = pesx_atomic_commit(&af);
            }
            if (pst) {
                m.n_members = op.committee;
                rc = cmd_fail(pst);
                goto out;
            }
        }
        {
            char src[600];
            size_t keep = m.n_members;
            snprintf(src, sizeof src, "pesx fit %s", op.data);
            /* Which data made this potential: the same checksum whatever the
             * file format (pesx_dataset_checksum). */
            pesx_dataset_checksum(&ds, pf.data_checksum, sizeof pf.data_checksum);
            st = write_model(&R, op.output, keep, src);
            m.n_members = op.committee;
            if (st) {
                rc = cmd_fail(st);
                goto out;
            }
        }
        if (op.plot) {
            char path[4200];
            size_t nE = 0, nF = 0;
            if (mkdir_p(op.plot)) {
                rc = cmd_error("--plot %s: cannot create the directory", op.plot);
                goto out;
            }
            snprintf(path, sizeof path, "%s/learning-curve.svg", op.plot);
            if ((st = fit_plot_curve(path, &R.curve))) {
                rc = cmd_fail(st);
                goto out;
            }
            (void)nE;
            (void)nF;
            if ((st = plot_parity_files(&m, stest ? stest : s, stest ? &dtest : &ds,
                                        stest ? NULL : split + ntr, stest ? dtest.n : nte,
                                        op.plot))) {
                rc = cmd_fail(st);
                goto out;
            }
        }
        if (!op.quiet)
            printf("\nwrote %s (%zu member%s) in %.1f s%s\n", op.output, m.n_members,
                   m.n_members == 1 ? "" : "s", pesx_wall_time() - t0,
                   R.interrupted ? " (interrupted: best weights so far)" : "");
        if (!R.interrupted && (op.checkpoint_every || op.resume)) {
            remove(R.checkpoint);
            remove(R.state_path);
        }
        rc = R.interrupted ? CMD_FAILED : CMD_OK;
    }
out:
    free(midx);
    free(split);
    free(R.curve.epoch);
    free(R.curve.v);
    pesx_fit_set_free(s);
    pesx_fit_set_free(stest);
    if (have_rstate)
        pesx_fit_state_release(&rstate);
    if (have_model)
        pesx_fit_model_release(&m);
    pesx_potential_file_release(&pf);
    pesx_dataset_release(&ds);
    pesx_dataset_release(&dtest);
    return rc;
}
