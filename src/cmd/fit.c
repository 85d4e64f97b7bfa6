/* pesx fit: train a Behler-Parrinello potential (or a committee) on the
 * energies and forces of a data set.  Parses the options, reads the data,
 * calls pesx_fit_run (src/fit/run.c) and prints its progress, the closing
 * error table and the plots. */
#include <config.h>
#include "cmd/fit_cmd.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
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
    "       [--resume] [--start FILE] [-q] [-v]\n"
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
    "      --curve FILE      learning curve TSV (OUTPUT without .xml, -curve.tsv)\n"
    "      --parity FILE     parity data TSV (OUTPUT without .xml, -parity.tsv)\n"
    "      --plot DIR        SVG learning curve and parity plots into DIR\n"
    "      --checkpoint-every N  write OUTPUT.checkpoint every N epochs (10; 0 = off)\n"
    "      --resume          continue from OUTPUT.checkpoint\n"
    "      --start FILE      warm start: continue training the potential FILE on DATA\n"
    "                        (its symmetry functions, scaling, reference energies and\n"
    "                        committee)\n"
    "  -q, --quiet           print nothing but errors\n"
    "  -v, --verbose         more messages on stderr\n";

typedef struct {
    const char *data, *output, *test, *plot, *start;
    char curve[4200], parity[4200];
    int optimizer, quiet, test_fraction_given, epochs_given, polish_given, curve_given,
        parity_given;
    pesx_fit_setup s;
} options;

typedef struct {
    const options *op;
    pesx_progress bar;
} progress;

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

/* pesx_fit_run's progress: messages, the progress bar, SIGINT. */
static int on_event(const pesx_fit_event *ev, void *ctx)
{
    progress *P = ctx;
    switch (ev->kind) {
    case PESX_FIT_EVENT_SF:
        for (size_t e = 0; e < ev->sf->n_elements; e++)
            pesx_info("%s: %zu symmetry functions (%zu candidates, %zu constant, %zu "
                      "near duplicates dropped)",
                      pesx_element_symbol(ev->sf->z[e]), ev->sf->n_kept[e],
                      ev->sf->n_candidates[e], ev->sf->n_constant[e], ev->sf->n_correlated[e]);
        break;
    case PESX_FIT_EVENT_REF:
        if (ev->ref->note[0])
            pesx_info("reference energies: %s", ev->ref->note);
        break;
    case PESX_FIT_EVENT_START:
        if (!P->op->quiet)
            printf("pesx fit: %zu structures (%zu training pool, %zu test%s), %zu weights per "
                   "member, %zu member%s, %s\n",
                   ev->n_data, ev->n_pool, ev->n_test, P->op->test ? " from --test" : "",
                   ev->n_weights, ev->n_members, ev->n_members > 1 ? "s" : "",
                   pesx_fit_optimizer_name(P->op->s.train.optimizer));
        fflush(stdout);
        pesx_progress_start(&P->bar, "fit", ev->total_epochs);
        break;
    case PESX_FIT_EVENT_EPOCH: {
        const pesx_fit_epoch *ep = ev->epoch;
        pesx_progress_update(&P->bar, ev->epochs_before + ep->epoch);
        pesx_info("member %zu epoch %zu: train %.4f meV/atom %.3f meV/A, val %.4f meV/atom "
                   "%.3f meV/A",
                   ev->member + 1, ep->epoch, 1e3 * pesx_fit_errors_rmse_e(&ep->train),
                   1e3 * pesx_fit_errors_rmse_f(&ep->train), 1e3 * pesx_fit_errors_rmse_e(&ep->val),
                   1e3 * pesx_fit_errors_rmse_f(&ep->val));
        return cmd_interrupted();
    }
    case PESX_FIT_EVENT_MEMBER:
        pesx_info("member %zu: best epoch %zu of %zu", ev->member + 1, ev->best_epoch,
                   ev->epochs_done);
        break;
    }
    return 0;
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
        {"start", required_argument, NULL, 27},
        CMD_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0}};
    int c;
    long v;
    double x;
    memset(op, 0, sizeof *op);
    pesx_fit_setup_default(&op->s);
    op->s.checkpoint_every = 10;
    op->output = "potential.xml";
    op->optimizer = op->s.train.optimizer;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': op->output = optarg; break;
        case 1: op->test = optarg; break;
        case 2:
            if (cmd_parse_double("--test-fraction", optarg, &op->s.test_fraction))
                return CMD_BAD_INPUT;
            op->test_fraction_given = 1;
            break;
        case 3:
            if (cmd_parse_double("--val-fraction", optarg, &op->s.val_fraction))
                return CMD_BAD_INPUT;
            break;
        case 4: op->s.sf_file = optarg; break;
        case 5:
            if (cmd_parse_positive("--rc", optarg, &op->s.sf.rc))
                return CMD_BAD_INPUT;
            break;
        case 6:
            if (parse_sizes(optarg, op->s.hidden, &op->s.n_hidden))
                return CMD_BAD_INPUT;
            break;
        case 7:
            if (!pesx_nn_activation_lookup(optarg))
                return cmd_usage_error("--activation: %s", pesx_error_last()->msg);
            snprintf(op->s.activation, sizeof op->s.activation, "%s", optarg);
            break;
        case 8:
            if ((op->optimizer = pesx_fit_optimizer_lookup(optarg)) < 0)
                return cmd_usage_error("--optimizer '%s': expected adam, lbfgs or ekf", optarg);
            break;
        case 9:
            if (cmd_parse_count("--epochs", optarg, 0, 1000000, &v))
                return CMD_BAD_INPUT;
            op->s.train.epochs = (size_t)v;
            op->epochs_given = 1;
            break;
        case 10:
            if (cmd_parse_count("--batch", optarg, 1, 1000000000, &v))
                return CMD_BAD_INPUT;
            op->s.train.batch = (size_t)v;
            break;
        case 11:
            if (cmd_parse_positive("--lr", optarg, &op->s.train.lr))
                return CMD_BAD_INPUT;
            break;
        case 12:
            if (cmd_parse_double("--lr-final", optarg, &op->s.train.lr_final))
                return CMD_BAD_INPUT;
            if (op->s.train.lr_final < 0)
                return cmd_usage_error("--lr-final must be >= 0");
            break;
        case 13:
            if (cmd_parse_count("--patience", optarg, 0, 1000000, &v))
                return CMD_BAD_INPUT;
            op->s.train.patience = (size_t)v;
            break;
        case 14:
            if (cmd_parse_double("--force-weight", optarg, &x))
                return CMD_BAD_INPUT;
            if (x < 0)
                return cmd_usage_error("--force-weight must be >= 0");
            op->s.train.loss.force_weight = x;
            op->s.train.loss.use_forces = x > 0;
            break;
        case 15:
            if (cmd_parse_double("--l2", optarg, &x))
                return CMD_BAD_INPUT;
            if (x < 0)
                return cmd_usage_error("--l2 must be >= 0");
            op->s.train.loss.l2 = x;
            break;
        case 16:
            if (cmd_parse_count("--committee", optarg, 1, 1000, &v))
                return CMD_BAD_INPUT;
            op->s.committee = (size_t)v;
            break;
        case 17:
            if (cmd_parse_count("--seed", optarg, 0, 2147483647L, &v))
                return CMD_BAD_INPUT;
            op->s.train.seed = (unsigned long long)v;
            break;
        case 18:
            snprintf(op->curve, sizeof op->curve, "%s", optarg);
            op->curve_given = 1;
            break;
        case 19:
            snprintf(op->parity, sizeof op->parity, "%s", optarg);
            op->parity_given = 1;
            break;
        case 20: op->plot = optarg; break;
        case 21:
            if (cmd_parse_count("--checkpoint-every", optarg, 0, 1000000, &v))
                return CMD_BAD_INPUT;
            op->s.checkpoint_every = (size_t)v;
            break;
        case 22: op->s.resume = 1; break;
        case 23:
            if (cmd_parse_count("--polish", optarg, 0, 1000000, &v))
                return CMD_BAD_INPUT;
            op->s.train.polish = (size_t)v;
            op->polish_given = 1;
            break;
        case 24:
            if (cmd_parse_double("--polish-force-weight", optarg, &x))
                return CMD_BAD_INPUT;
            if (x < 0)
                return cmd_usage_error("--polish-force-weight must be >= 0");
            op->s.train.polish_force_weight = x;
            break;
        case 25:
            if (cmd_parse_double("--ekf-force-ratio", optarg, &x))
                return CMD_BAD_INPUT;
            if (!(x >= 0 && x <= 1000))
                return cmd_usage_error("--ekf-force-ratio must be in [0, 1000]");
            op->s.train.kf_force_ratio = x;
            break;
        case 26:
            if (cmd_parse_double("--ekf-threshold", optarg, &x))
                return CMD_BAD_INPUT;
            if (!(x >= 0 && x <= 100))
                return cmd_usage_error("--ekf-threshold must be in [0, 100]");
            op->s.train.kf_threshold = x;
            break;
        case 27: op->start = optarg; break;
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
    op->s.output = op->output;
    /* side files beside the potential, named after it (issue 12) */
    if (!op->curve_given)
        pesx_fit_side_path(op->output, "-curve.tsv", op->curve, sizeof op->curve);
    if (!op->parity_given)
        pesx_fit_side_path(op->output, "-parity.tsv", op->parity, sizeof op->parity);
    op->s.curve = op->curve;
    op->s.parity = op->parity;
    /* the defaults that depend on the optimizer (see NOTES in pesx-fit(1)) */
    {
        pesx_fit_setup d = op->s;
        pesx_fit_setup_optimizer(&d, op->optimizer);
        op->s.train.optimizer = op->optimizer;
        if (!op->epochs_given)
            op->s.train.epochs = d.train.epochs;
        if (!op->polish_given)
            op->s.train.polish = d.train.polish;
    }
    if (op->start && (op->s.resume || op->s.sf_file))
        return cmd_usage_error("--start excludes --resume and --sf");
    if (op->test && op->test_fraction_given && op->s.test_fraction > 0)
        return cmd_usage_error("--test and --test-fraction exclude each other");
    if (op->test)
        op->s.test_fraction = 0;
    if (!(op->s.test_fraction >= 0 && op->s.val_fraction >= 0 && op->s.test_fraction + op->s.val_fraction < 1))
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

static void print_table(const options *op, const pesx_fit_result *r, const pesx_dataset *ds,
                        const pesx_dataset *dtest)
{
    printf("\n  %-6s %6s  %9s %9s %9s  %8s %8s %8s   %s\n", "set", "n", "E RMSE", "E MAE",
           "E max", "F RMSE", "F MAE", "F max", "worst E / worst F structure");
    printf("  %-6s %6s  %29s  %26s\n", "", "", "(meV/atom)", "(meV/Angstrom)");
    print_row("train", r->n_train, &r->train, ds);
    print_row("val", r->n_val, &r->val, ds);
    print_row("test", r->n_test, &r->test, op->test ? dtest : ds);
}

static int plot(const char *dir, const pesx_fit_result *r)
{
    char path[4200];
    int st;
    if (mkdir_p(dir))
        return cmd_error("--plot %s: cannot create the directory", dir);
    snprintf(path, sizeof path, "%s/learning-curve.svg", dir);
    if ((st = fit_plot_curve(path, r->n_curve, r->curve)))
        return cmd_fail(st);
    snprintf(path, sizeof path, "%s/parity-energy.svg", dir);
    if ((st = fit_plot_parity(path, "pesx fit: test energies per atom", "eV/atom", r->n_test_e,
                              r->test_e_ref, r->test_e_pred)))
        return cmd_fail(st);
    snprintf(path, sizeof path, "%s/parity-force.svg", dir);
    if ((st = fit_plot_parity(path, "pesx fit: test force components", "eV/Angstrom",
                              r->n_test_f, r->test_f_ref, r->test_f_pred)))
        return cmd_fail(st);
    return CMD_OK;
}

int cmd_fit(int argc, char **argv)
{
    options op;
    progress P;
    pesx_dataset ds, dtest;
    pesx_potential_file start;
    pesx_fit_result res;
    char source[600];
    int st, rc;
    double t0 = pesx_wall_time();
    if ((rc = parse_args(argc, argv, &op)))
        return rc;
    pesx_dataset_init(&ds);
    pesx_dataset_init(&dtest);
    pesx_potential_file_init(&start);
    memset(&res, 0, sizeof res);
    if ((st = read_data(op.data, &ds)) || (op.test && (st = read_data(op.test, &dtest))) ||
        (op.start && (st = pesx_potential_file_read(op.start, &start)))) {
        rc = cmd_fail(st);
        goto out;
    }
    if (op.start)
        op.s.start = &start;
    snprintf(source, sizeof source, "pesx fit %s", op.data);
    op.s.source = source;
    memset(&P, 0, sizeof P);
    P.op = &op;
    op.s.progress = on_event;
    op.s.ctx = &P;
    cmd_catch_interrupt();
    st = pesx_fit_run(&op.s, &ds, op.test ? &dtest : NULL, &res);
    pesx_progress_finish(&P.bar);
    if (st) {
        rc = cmd_fail(st);
        goto out;
    }
    if (res.interrupted)
        fprintf(stderr, "pesx fit: interrupted; wrote the %zu member%s trained so far\n",
                res.n_members, res.n_members == 1 ? "" : "s");
    if (!op.quiet)
        print_table(&op, &res, &ds, &dtest);
    if (op.plot && (rc = plot(op.plot, &res)))
        goto out;
    if (!op.quiet)
        printf("\nwrote %s (%zu member%s) in %.1f s%s\n", op.output, res.n_members,
               res.n_members == 1 ? "" : "s", pesx_wall_time() - t0,
               res.interrupted ? " (interrupted: best weights so far)" : "");
    rc = res.interrupted ? CMD_FAILED : CMD_OK;
out:
    pesx_fit_result_release(&res);
    pesx_potential_file_release(&start);
    pesx_dataset_release(&ds);
    pesx_dataset_release(&dtest);
    return rc;
}
