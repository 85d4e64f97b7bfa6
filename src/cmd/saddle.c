/* pesx saddle: first-order saddle points by the improved dimer method,
 * checked by the Hessian, connected to their minima, with frequencies, the
 * harmonic TST rate and the barrier report. */
#include <config.h>
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pesx/path.h>
#include <pesx/path_dimer.h>
#include <pesx/path_report.h>
#include <pesx/path_saddle.h>
#include <pesx/path_vib.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static const char usage[] =
    "pesx saddle [--dimer] [START.xyz] -p POT [--mode FILE] [--mode-from-band BAND.xyz]\n"
    "            [--displace D] [--displace-atoms LIST] [--seed N] [--searches K]\n"
    "            [--rotation lbfgs|cg|davidson] [--separation D] [--rot-angle DEG]\n"
    "            [--rot-max N] [--rot-skip N] [--translator NAME] [--fnorm F] [--fmax F]\n"
    "            [--max-steps N] [--max-step D] [--reactant R.xyz] [--product P.xyz]\n"
    "            [--no-connect] [--no-hessian] [--hessian-step H] [--temperature T]\n"
    "            [--fix LIST] [-o OUT.xyz] [--report FILE.xml] [--plot FILE.svg] [-q] [-v]\n"
    "\n"
    "  -p, --potential SPEC     the potential (see 'pesx help potentials')\n"
    "      --dimer              the method (the only one; accepted for clarity)\n"
    "      --mode FILE          starting mode: 3N numbers, or extended XYZ with a mode column\n"
    "      --mode-from-band B   start at the highest image of band B along its tangent\n"
    "      --displace D         displace the atoms randomly (normal, sigma D A) from START;\n"
    "                           the displacement is the starting mode\n"
    "      --displace-atoms L   atoms to displace, 1-based, e.g. 337-343,13 or z>10\n"
    "                           (default: all free)\n"
    "      --seed N             random seed for --displace and random modes (default 1)\n"
    "      --searches K         K searches from START with --displace; lists distinct saddles\n"
    "      --rotation R         dimer rotation: davidson (default), or lbfgs or cg directions\n"
    "      --separation D       dimer half-length, A (default 0.01)\n"
    "      --rot-angle DEG      rotate until the estimated angle is below DEG\n"
    "                           (default 10 for davidson on surfaces and bulk, else 5)\n"
    "      --rot-max N          trial rotations (davidson: new directions) per step (4)\n"
    "      --rot-skip N         steps without rotating once the mode is stable, up to N (8)\n"
    "      --translator NAME    dimer-lbfgs (default), or lbfgs / fire through the opt API\n"
    "      --fnorm F            converged when the force norm is below F eV/A (default 1e-3)\n"
    "      --fmax F             and the largest atom force below F eV/A (default off)\n"
    "      --max-steps N        translation steps (default 1000)\n"
    "      --max-step D         largest atom move per translation step, A (default 0.2)\n"
    "      --reactant R.xyz     say whether a connected minimum is this structure\n"
    "      --product P.xyz      the same for the other side\n"
    "      --no-connect         do not relax to the two adjacent minima\n"
    "      --no-hessian         skip the Hessian check, frequencies and rate\n"
    "      --hessian-step H     finite-difference step of the Hessian, A (default 1e-3)\n"
    "      --temperature T      for the harmonic TST rate, K (default 300)\n"
    "      --fix LIST           also fix these atoms: 1-based numbers and ranges, or\n"
    "                           Cartesian conditions in A (1-16,20 or z<5.0)\n"
    "  -o, --output FILE        the saddle with its mode (default START.saddle.xyz)\n"
    "      --report FILE.xml    the barrier report as XML\n"
    "      --plot FILE.svg      energy profile reactant - saddle - product\n"
    "  -q, --quiet              print only the result\n"
    "  -v, --verbose            more messages on stderr\n";

typedef struct {
    const char *spec, *start_path, *mode_path, *band_path, *atoms_list;
    const char *reactant_path, *product_path, *output, *report_path, *plot_path;
    double displace, hessian_step, temperature;
    long seed, searches;
    int no_connect, no_hessian;
    pesx_dimer_params dp;
} saddle_opts;

/* Two saddles of --searches are one when no atom is more than this apart. */
#define SAME_SADDLE_TOL 0.05

/* ---- the band ------------------------------------------------------------ */

static int mode_from_band(const saddle_opts *op, pesx_potential *pot, pesx_frame *start,
                          int have_start, double **mode, size_t *calls)
{
    pesx_frame *fr = NULL;
    size_t nf = 0, best = 0, n;
    double e = 0.0;
    int st = pesx_xyz_read_all(op->band_path, &fr, &nf);
    if (st)
        return cmd_fail(st);
    n = nf ? fr[nf - 1].atoms->n : 0;
    if (have_start && nf && start->atoms->n != n)
        st = pesx_error_set(PESX_EINVAL, op->band_path, fr[nf - 1].line,
                            "the band has %zu atoms, START has %zu", n, start->atoms->n);
    else if (!(*mode = malloc((3 * n + 1) * sizeof **mode)))
        st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    else
        st = pesx_saddle_band_file_start(pot, fr, nf, op->band_path, &best, &e, *mode, calls);
    if (!st) {
        pesx_info("band %s: starting at frame %zu of %zu (energy %.6f eV) along its tangent",
                  op->band_path, best + 1, nf, e);
        if (!have_start) {
            pesx_frame_release(start);
            pesx_frame_init(start);
            st = pesx_frame_copy(start, &fr[best]);
        }
    }
    pesx_frames_free(fr, nf);
    return st ? cmd_fail(st) : CMD_OK;
}

/* ---- one search ----------------------------------------------------------- */

static int on_step(void *data, size_t step, const double *x, const double *mode, double e,
                   double c, double fnorm, size_t calls)
{
    (void)x;
    (void)mode;
    if (*(int *)data)
        printf("%6zu %20.10f %14.6e %14.6e %8zu\n", step, e, c, fnorm, calls);
    if (cmd_interrupted())
        return pesx_error_set(PESX_EFAILED, NULL, 0, "interrupted");
    return 0;
}

/* Every distinct saddle with its mode and its true forces (one evaluation
 * each), so that ASE and pesx barrier read them as they read a band. */
static int write_saddles(const char *path, pesx_potential *pot, const pesx_frame *tmpl,
                         const double *x, const double *mode, size_t count)
{
    pesx_frame *f = calloc(count ? count : 1, sizeof *f);
    size_t n = tmpl->atoms->n;
    int st = PESX_OK;
    if (!f)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    for (size_t k = 0; k < count && !st; k++) {
        pesx_potential_result r;
        pesx_frame_init(&f[k]);
        if (!(f[k].atoms = pesx_atoms_clone(tmpl->atoms)) ||
            !(f[k].forces = malloc(3 * n * sizeof *f[k].forces))) {
            st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
            break;
        }
        memcpy(f[k].atoms->x, x + k * 3 * n, 3 * n * sizeof *x);
        memset(&r, 0, sizeof r);
        r.forces = f[k].forces;
        if ((st = pesx_potential_eval(pot, f[k].atoms, &r)))
            break;
        for (size_t i = 0; i < n; i++)
            if (f[k].atoms->fixed && f[k].atoms->fixed[i])
                f[k].forces[3 * i] = f[k].forces[3 * i + 1] = f[k].forces[3 * i + 2] = 0.0;
        f[k].has_energy = f[k].has_forces = 1;
        f[k].energy = r.energy;
        st = pesx_frame_set_extra(&f[k], "mode", 3, mode + k * 3 * n);
    }
    if (!st)
        st = pesx_xyz_write_file(path, f, count);
    pesx_frames_free(f, count);
    return st;
}

/* Hessian check, connection, HTST and the report for the saddle at x:
 * the library's analysis, printed. */
static int analyse(const saddle_opts *op, pesx_potential *pot, pesx_atoms_objective *ao,
                   pesx_objective *o, const pesx_frame *start, const double *xstart,
                   int start_is_minimum, const double *x, const double *mode,
                   const pesx_dimer_result *res, size_t calls_before, size_t search_calls,
                   int *first_order)
{
    pesx_saddle_params sp;
    pesx_saddle_analysis an;
    pesx_report rep;
    int st = PESX_OK, code = CMD_OK, verbose = pesx_log_level() > PESX_LOG_QUIET;
    pesx_frame fr, fp;
    const char *names[2] = {op->reactant_path, op->product_path};
    pesx_saddle_analysis_init(&an);
    pesx_report_init(&rep);
    pesx_frame_init(&fr);
    pesx_frame_init(&fp);
    *first_order = -1;
    if (op->reactant_path && (code = cmd_read_structure(op->reactant_path, &fr)))
        goto out;
    if (op->product_path && (code = cmd_read_structure(op->product_path, &fp)))
        goto out;
    if ((fr.atoms && (st = pesx_saddle_check_atoms(start->atoms, fr.atoms, op->reactant_path,
                                                   fr.line))) ||
        (fp.atoms && (st = pesx_saddle_check_atoms(start->atoms, fp.atoms, op->product_path,
                                                   fp.line)))) {
        code = cmd_fail(st);
        goto out;
    }
    pesx_saddle_params_default(&sp);
    sp.hessian = !op->no_hessian;
    sp.hessian_step = op->hessian_step;
    sp.connect = !op->no_connect;
    sp.max_step = op->dp.mp.max_step;
    sp.temperature = op->temperature;
    /* the reactant side: the one nearest the given reactant, else the
     * start minimum of --displace */
    if ((st = pesx_saddle_analyse(&an, &sp, o, pot, start->atoms, x, mode, res->energy,
                                  fr.atoms ? fr.atoms->x : (start_is_minimum ? xstart : NULL),
                                  fp.atoms ? fp.atoms->x : NULL))) {
        code = cmd_fail(st);
        goto out;
    }
    *first_order = an.first_order;
    if (an.saddle.n) {
        if (an.saddle.n_negative != 1)
            pesx_warn("the Hessian at the saddle has %zu negative eigenvalues (%zu near zero): "
                      "this is %s, not a first-order saddle", an.saddle.n_negative,
                      an.saddle.n_zero,
                      an.saddle.n_negative == 0 ? "a minimum or a flat region"
                                                : "a higher-order saddle");
        if (verbose) {
            printf("# Hessian at the saddle: %zu negative eigenvalue%s, %zu near zero\n",
                   an.saddle.n_negative, an.saddle.n_negative == 1 ? "" : "s", an.saddle.n_zero);
            if (pesx_log_level() >= PESX_LOG_INFO)
                pesx_vib_write_table(stdout, &an.saddle);
        }
    }
    if (an.connected) {
        if (!an.converged_reactant || !an.converged_product)
            pesx_warn("a relaxation from the saddle did not converge");
        if (verbose) {
            printf("# connected minima (%zu force calls): reactant %.10f eV, product %.10f eV\n",
                   an.connect_calls, an.e_reactant, an.e_product);
            for (int k = 0; k < 2; k++)
                if (names[k])
                    printf("# %s %s %s (%s: rmsd %.3g A, largest atom distance %.3g A)\n",
                           k ? "product" : "reactant",
                           an.matches[k] ? "matches" : "does NOT match", names[k],
                           an.match[k].rigid ? "after rotation and translation" : "in place",
                           an.match[k].rmsd, an.match[k].max_dist);
        }
        if (an.minimum.n && !an.has_rate)
            pesx_warn("no harmonic TST rate: %s", an.rate_error);
    }
    if ((st = pesx_saddle_report(&rep, &an, pot, ao->atoms, x, res))) {
        code = cmd_fail(st);
        goto out;
    }
    /* every evaluation of the potential since the command opened it */
    rep.force_calls = pesx_potential_calls(pot) - calls_before;
    if ((st = pesx_report_finish(&rep))) {
        code = cmd_fail(st);
        goto out;
    }
    if (verbose)
        printf("# force calls: search %zu, Hessians %zu, connection %zu, total %zu "
               "(with %zu for the start, band, committee and extrapolation checks)\n",
               search_calls, an.hessian_calls, an.connect_calls, rep.force_calls,
               rep.force_calls - search_calls - an.hessian_calls - an.connect_calls);
    cmd_report_ledger(&rep, pot);
    pesx_report_write_table(stdout, &rep);
    if (op->report_path && (st = pesx_report_write_xml(op->report_path, &rep)))
        code = cmd_fail(st);
    if (op->plot_path) {
        if (rep.n_images < 2)
            pesx_warn("--plot needs the connected minima (not with --no-connect)");
        else if ((st = pesx_report_write_svg(op->plot_path, &rep)))
            code = cmd_fail(st);
    }
out:
    pesx_saddle_analysis_release(&an);
    pesx_report_release(&rep);
    pesx_frame_release(&fr);
    pesx_frame_release(&fp);
    return code;
}

int cmd_saddle(int argc, char **argv)
{
    enum {
        OPT_DIMER = 256, OPT_MODE, OPT_BAND, OPT_DISPLACE, OPT_ATOMS, OPT_SEED, OPT_SEARCHES,
        OPT_ROTATION, OPT_SEPARATION, OPT_ROT_ANGLE, OPT_ROT_MAX, OPT_FNORM, OPT_FMAX,
        OPT_MAX_STEPS, OPT_MAX_STEP, OPT_REACTANT, OPT_PRODUCT, OPT_NO_CONNECT, OPT_NO_HESSIAN,
        OPT_HSTEP, OPT_TEMPERATURE, OPT_REPORT, OPT_PLOT, OPT_ROT_SKIP, OPT_TRANSLATOR
    };
    static const struct option options[] = {
        {"potential", required_argument, NULL, 'p'},
        {"dimer", no_argument, NULL, OPT_DIMER},
        {"mode", required_argument, NULL, OPT_MODE},
        {"mode-from-band", required_argument, NULL, OPT_BAND},
        {"displace", required_argument, NULL, OPT_DISPLACE},
        {"displace-atoms", required_argument, NULL, OPT_ATOMS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"searches", required_argument, NULL, OPT_SEARCHES},
        {"rotation", required_argument, NULL, OPT_ROTATION},
        {"separation", required_argument, NULL, OPT_SEPARATION},
        {"rot-angle", required_argument, NULL, OPT_ROT_ANGLE},
        {"rot-max", required_argument, NULL, OPT_ROT_MAX},
        {"rot-skip", required_argument, NULL, OPT_ROT_SKIP},
        {"translator", required_argument, NULL, OPT_TRANSLATOR},
        {"fnorm", required_argument, NULL, OPT_FNORM},
        {"fmax", required_argument, NULL, OPT_FMAX},
        {"max-steps", required_argument, NULL, OPT_MAX_STEPS},
        {"max-step", required_argument, NULL, OPT_MAX_STEP},
        {"reactant", required_argument, NULL, OPT_REACTANT},
        {"product", required_argument, NULL, OPT_PRODUCT},
        {"no-connect", no_argument, NULL, OPT_NO_CONNECT},
        {"no-hessian", no_argument, NULL, OPT_NO_HESSIAN},
        {"hessian-step", required_argument, NULL, OPT_HSTEP},
        {"temperature", required_argument, NULL, OPT_TEMPERATURE},
        {"output", required_argument, NULL, 'o'},
        {"report", required_argument, NULL, OPT_REPORT},
        {"plot", required_argument, NULL, OPT_PLOT},
        CMD_FIX_OPTION,
        CMD_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    saddle_opts op;
    double v;
    long count;
    int c;

    memset(&op, 0, sizeof op);
    op.hessian_step = 1e-3;
    op.temperature = 300.0;
    op.seed = 1;
    op.searches = 1;
    pesx_dimer_params_default(&op.dp);
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:o:qvh", options, NULL)) != -1) {
        switch (c) {
        case 'p': op.spec = optarg; break;
        case 'o': op.output = optarg; break;
        case OPT_DIMER: break;
        case OPT_MODE: op.mode_path = optarg; break;
        case OPT_BAND: op.band_path = optarg; break;
        case OPT_DISPLACE:
            if (cmd_parse_positive("--displace", optarg, &op.displace))
                return CMD_BAD_INPUT;
            break;
        case OPT_ATOMS: op.atoms_list = optarg; break;
        case OPT_SEED:
            if (cmd_parse_count("--seed", optarg, 0, 2147483647L, &op.seed))
                return CMD_BAD_INPUT;
            break;
        case OPT_SEARCHES:
            if (cmd_parse_count("--searches", optarg, 1, 100000, &op.searches))
                return CMD_BAD_INPUT;
            break;
        case OPT_ROTATION:
            if (strcmp(optarg, "lbfgs") == 0)
                op.dp.rotation = PESX_DIMER_ROT_LBFGS;
            else if (strcmp(optarg, "cg") == 0)
                op.dp.rotation = PESX_DIMER_ROT_CG;
            else if (strcmp(optarg, "davidson") == 0)
                op.dp.rotation = PESX_DIMER_ROT_DAVIDSON;
            else
                return cmd_usage_error("--rotation: '%s' is not lbfgs, cg or davidson", optarg);
            break;
        case OPT_SEPARATION:
            if (cmd_parse_positive("--separation", optarg, &op.dp.separation))
                return CMD_BAD_INPUT;
            break;
        case OPT_ROT_ANGLE:
            if (cmd_parse_positive("--rot-angle", optarg, &v))
                return CMD_BAD_INPUT;
            op.dp.rot_angle = v * M_PI / 180.0;
            break;
        case OPT_ROT_MAX:
            if (cmd_parse_count("--rot-max", optarg, 0, 1000, &count))
                return CMD_BAD_INPUT;
            op.dp.rot_max = (size_t)count;
            break;
        case OPT_ROT_SKIP:
            if (cmd_parse_count("--rot-skip", optarg, 0, 1000, &count))
                return CMD_BAD_INPUT;
            op.dp.rot_skip_max = (size_t)count;
            break;
        case OPT_TRANSLATOR:
            if (strcmp(optarg, "dimer-lbfgs") == 0)
                op.dp.translator = NULL;
            else if (!(op.dp.translator = pesx_minimizer_type_lookup(optarg)))
                return cmd_usage_error("--translator: '%s' is not dimer-lbfgs or a minimizer "
                                       "(%s)", optarg, pesx_error_last()->msg);
            break;
        case OPT_FNORM:
            if (cmd_parse_nonnegative("--fnorm", optarg, &op.dp.fnorm))
                return CMD_BAD_INPUT;
            break;
        case OPT_FMAX:
            if (cmd_parse_nonnegative("--fmax", optarg, &op.dp.fmax))
                return CMD_BAD_INPUT;
            break;
        case OPT_MAX_STEPS:
            if (cmd_parse_count("--max-steps", optarg, 1, 100000000, &count))
                return CMD_BAD_INPUT;
            op.dp.max_steps = (size_t)count;
            break;
        case OPT_MAX_STEP:
            if (cmd_parse_positive("--max-step", optarg, &op.dp.mp.max_step))
                return CMD_BAD_INPUT;
            break;
        case OPT_REACTANT: op.reactant_path = optarg; break;
        case OPT_PRODUCT: op.product_path = optarg; break;
        case OPT_NO_CONNECT: op.no_connect = 1; break;
        case OPT_NO_HESSIAN: op.no_hessian = 1; break;
        case OPT_HSTEP:
            if (cmd_parse_positive("--hessian-step", optarg, &op.hessian_step))
                return CMD_BAD_INPUT;
            break;
        case OPT_TEMPERATURE:
            if (cmd_parse_positive("--temperature", optarg, &op.temperature))
                return CMD_BAD_INPUT;
            break;
        case OPT_REPORT: op.report_path = optarg; break;
        case OPT_PLOT: op.plot_path = optarg; break;
        case CMD_OPT_FIX: cmd_set_fix(optarg); break;
        case 'q': cmd_quiet(); break;
        case 'v': cmd_verbose(); break;
        case 'h': cmd_print_usage(stdout, usage); return CMD_OK;
        default: return cmd_usage_error("unknown option");
        }
    }
    if (argc - optind > 1)
        return cmd_usage_error("at most one start structure, please");
    op.start_path = optind < argc ? argv[optind] : NULL;
    if (!op.start_path && !op.band_path)
        return cmd_usage_error("a start structure (or --mode-from-band BAND.xyz) is required");
    if ((op.mode_path != NULL) + (op.band_path != NULL) + (op.displace > 0) > 1)
        return cmd_usage_error("give only one of --mode, --mode-from-band and --displace");
    if (op.searches > 1 && !(op.displace > 0))
        return cmd_usage_error("--searches K needs --displace D (each search starts from a new "
                               "random displacement)");
    if (op.atoms_list && !(op.displace > 0))
        return cmd_usage_error("--displace-atoms needs --displace D");
    if (op.dp.fnorm <= 0 && op.dp.fmax <= 0)
        return cmd_usage_error("--fnorm 0 needs --fmax: some convergence test must be on");

    pesx_frame start;
    pesx_potential *pot;
    int code = CMD_OK, st;
    size_t pre_calls = 0;
    double *mode = NULL, *x = NULL, *xstart = NULL, *found = NULL, *found_mode = NULL;
    double *found_e = NULL;
    unsigned char *sel = NULL;
    pesx_atoms_objective ao;
    pesx_objective o;
    int obj_ok = 0;
    char out_buf[4096];

    if (!op.output) {
        cmd_default_output(op.start_path ? op.start_path : op.band_path, ".saddle.xyz", out_buf,
                           sizeof out_buf);
        op.output = out_buf;
    }
    {
        /* every output location, before the first force call */
        const char *outs[] = {op.output, op.report_path, op.plot_path};
        for (size_t k = 0; k < sizeof outs / sizeof *outs; k++)
            if (outs[k] && (st = pesx_output_check(outs[k])))
                return cmd_fail(st);
    }
    pesx_frame_init(&start);
    if (op.start_path && (code = cmd_read_relax_start(op.start_path, &start)))
        return code;
    if (!(pot = cmd_open_potential(op.spec))) {
        pesx_frame_release(&start);
        return CMD_BAD_INPUT;
    }
    size_t pot_calls0 = pesx_potential_calls(pot);
    if (op.band_path && (code = mode_from_band(&op, pot, &start, op.start_path != NULL, &mode,
                                               &pre_calls)))
        goto out;
    if (!op.start_path && (code = cmd_apply_fix(op.band_path, start.atoms)))
        goto out;
    size_t na = start.atoms->n, n3 = 3 * na;
    if ((st = pesx_atoms_objective_init(&ao, &o, pot, start.atoms))) {
        code = cmd_fail(st);
        goto out;
    }
    obj_ok = 1;
    pesx_vib_freeze_model_z(pot, &ao);
    pesx_dimer_params_auto(&op.dp, start.atoms);
    x = malloc((n3 + 1) * sizeof *x);
    xstart = malloc((n3 + 1) * sizeof *xstart);
    sel = malloc(na + 1);
    if (!mode)
        mode = calloc(n3 + 1, sizeof *mode);
    if (!x || !xstart || !sel || !mode) {
        code = cmd_fail(pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory"));
        goto out;
    }
    memcpy(xstart, start.atoms->x, n3 * sizeof *x);
    if (op.mode_path && (st = pesx_mode_read(op.mode_path, na, mode))) {
        code = cmd_fail(st);
        goto out;
    }
    for (size_t i = 0; i < na; i++)
        sel[i] = !(start.atoms->fixed && start.atoms->fixed[i]);
    if (op.atoms_list && pesx_atoms_select(start.atoms, op.atoms_list, sel)) {
        code = cmd_usage_error("--displace-atoms: %s", pesx_error_last()->msg);
        goto out;
    }

    pesx_rng rng;
    pesx_rng_seed(&rng, (unsigned long long)op.seed);
    int start_is_minimum = 0;
    /* Where does the search start, along which mode? */
    if (!op.mode_path && !op.band_path && !(op.displace > 0)) {
        double e, *g = malloc((n3 + 1) * sizeof *g);
        if (!g) {
            code = cmd_fail(PESX_ENOMEM);
            goto out;
        }
        st = pesx_objective_eval(&o, xstart, &e, g);
        double fn = pesx_objective_fnorm(&o, g), fm = pesx_objective_fmax(&o, g);
        free(g);
        if (st) {
            code = cmd_fail(st);
            goto out;
        }
        if (fm < PESX_VIB_STATIONARY_FMAX || fn < (op.dp.fnorm > 0 ? op.dp.fnorm : op.dp.fmax)) {
            /* a stationary point (a climbing image, a saddle written
             * before): its lowest mode from a random one says which */
            pesx_dimer_result lr;
            if ((st = pesx_saddle_stationary_mode(&o, &op.dp, xstart, &rng, mode, &lr))) {
                code = cmd_fail(st);
                goto out;
            }
            if (!(lr.curvature < 0)) {
                code = cmd_error("%s: the start is a stationary point (largest force %.3g eV/A) "
                                 "with a positive curvature along its lowest mode (%.4g "
                                 "eV/A^2): a minimum, where a dimer has no direction to climb. "
                                 "Give a direction with --mode FILE or --mode-from-band "
                                 "BAND.xyz, or explore with --displace D [--seed N] "
                                 "[--searches K]", op.start_path, fm, lr.curvature);
                goto out;
            }
            pesx_info("the start is a stationary point with a negative curvature (%.4g "
                      "eV/A^2 along its lowest mode, found in %zu force calls from a random "
                      "mode, seed %ld): refining it as a saddle", lr.curvature, lr.calls,
                      op.seed);
        } else {
            for (size_t k = 0; k < n3; k++)
                mode[k] = pesx_rng_normal(&rng);
            pesx_info("no starting mode given: a random one (seed %ld)", op.seed);
        }
    }
    double e_start = NAN;
    if (op.displace > 0) {
        double *g = malloc((n3 + 1) * sizeof *g);
        start_is_minimum = 1;
        if (!g || (st = pesx_objective_eval(&o, xstart, &e_start, g))) {
            free(g);
            code = cmd_fail(g ? st : PESX_ENOMEM);
            goto out;
        }
        if (pesx_objective_fmax(&o, g) > 0.05)
            pesx_warn("--displace: the start is not a minimum (largest force %.3g eV/A)",
                      pesx_objective_fmax(&o, g));
        free(g);
    }
    int print_steps = pesx_log_level() > PESX_LOG_QUIET && op.searches == 1;
    size_t n_found = 0, best = 0;
    found = malloc((size_t)op.searches * n3 * sizeof *found);
    found_mode = malloc((size_t)op.searches * n3 * sizeof *found_mode);
    found_e = malloc((size_t)op.searches * sizeof *found_e);
    pesx_dimer_result *found_res = malloc((size_t)op.searches * sizeof *found_res);
    if (!found || !found_mode || !found_e || !found_res) {
        free(found_res);
        code = cmd_fail(pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory"));
        goto out;
    }
    cmd_catch_interrupt();
    if (pesx_log_level() > PESX_LOG_QUIET) {
        printf("# pesx saddle (dimer) %s: %zu atoms (%zu free), potential %s\n",
               op.start_path ? op.start_path : op.band_path, na, pesx_atoms_n_free(start.atoms),
               pesx_potential_spec(pot));
        printf("# rotation %s, separation %g A, angle %g deg, %zu trial rotations per step; "
               "converged when |F| < %g eV/A%s with negative curvature\n",
               op.dp.rotation == PESX_DIMER_ROT_CG         ? "cg"
               : op.dp.rotation == PESX_DIMER_ROT_DAVIDSON ? "davidson"
                                                           : "lbfgs",
               op.dp.separation,
               pesx_dimer_rot_angle(&op.dp) * 180 / M_PI, op.dp.rot_max, op.dp.fnorm,
               op.dp.fmax > 0 ? " and fmax below --fmax" : "");
        if (print_steps)
            printf("%6s %20s %14s %14s %8s\n", "step", "energy/eV", "curv/(eV/A^2)",
                   "fnorm/(eV/A)", "calls");
    }
    size_t total_calls = pre_calls + o.calls;
    int n_ok = 0;
    pesx_dimer_result res;
    memset(&res, 0, sizeof res);
    for (long s = 0; s < op.searches; s++) {
        memcpy(x, xstart, n3 * sizeof *x);
        if (op.displace > 0) {
            pesx_saddle_displace(&o, sel, op.displace, &rng, x, mode);
        }
        size_t c0 = o.calls;
        st = pesx_dimer_search(&o, &op.dp, x, mode, on_step, &print_steps, &res);
        total_calls += o.calls - c0;
        if (st && st != PESX_ENOCONV) {
            if (op.searches == 1 || pesx_error_last()->code == PESX_EINVAL) {
                code = cmd_fail(st);
                free(found_res);
                goto out;
            }
        }
        const char *tag = "not converged";
        if (res.converged && op.searches > 1 && !op.no_hessian) {
            /* an atom drifting away also has small forces and a small negative
             * curvature: keep only first-order saddles */
            pesx_vib vs;
            pesx_vib_init(&vs);
            size_t c1 = o.calls;
            st = pesx_vib_at(&vs, &o, start.atoms, x, op.hessian_step, 0);
            total_calls += o.calls - c1;
            if (st || vs.n_negative != 1) {
                if (pesx_log_level() > PESX_LOG_QUIET)
                    printf("search %4ld: energy %.8f eV: not a first-order saddle (%zu negative, "
                           "%zu zero Hessian eigenvalues), dropped\n",
                           s + 1, res.energy, vs.n_negative, vs.n_zero);
                res.converged = 0;
                tag = NULL;
            }
            pesx_vib_release(&vs);
        }
        if (res.converged) {
            size_t k;
            for (k = 0; k < n_found; k++)
                if (pesx_saddle_same(pot, start.atoms, found + k * n3, found_e[k], x, res.energy,
                                     SAME_SADDLE_TOL))
                    break;
            if (k == n_found) {
                memcpy(found + k * n3, x, n3 * sizeof *x);
                memcpy(found_mode + k * n3, mode, n3 * sizeof *x);
                found_e[k] = res.energy;
                found_res[k] = res;
                if (n_found == 0 || res.energy < found_e[best])
                    best = k;
                n_found++;
                tag = "new";
            } else {
                tag = "seen";
            }
            n_ok++;
            if (op.searches > 1 && pesx_log_level() > PESX_LOG_QUIET)
                printf("search %4ld: saddle %zu, energy %.8f eV (%+.6f eV above the start), "
                       "curvature %.4g eV/A^2, %zu force calls, %s\n",
                       s + 1, k + 1, res.energy, res.energy - e_start, res.curvature, res.calls,
                       tag);
        } else if (tag && op.searches > 1 && pesx_log_level() > PESX_LOG_QUIET) {
            printf("search %4ld: %s (%s)\n", s + 1, tag, pesx_error_last()->msg);
        }
        if (cmd_interrupted())
            break;
    }
    if (op.searches > 1)
        printf("%d of %ld searches converged; %zu distinct saddle%s\n", n_ok, op.searches,
               n_found, n_found == 1 ? "" : "s");
    if (n_found == 0) {
        printf("NOT converged: %s\n", pesx_error_last()->msg);
        code = CMD_FAILED;
        free(found_res);
        goto out;
    }
    if (op.searches == 1)
        printf("converged: saddle energy %.10f eV, curvature %.6g eV/A^2, |F| %.3g eV/A, "
               "fmax %.3g eV/A, %zu steps, %zu rotations, %zu force calls\n",
               res.energy, res.curvature, res.fnorm, res.fmax, res.steps, res.rotations,
               res.calls);
    /* every distinct saddle with its mode, in the order found */
    if ((st = write_saddles(op.output, pot, &start, found, found_mode, n_found))) {
        code = cmd_fail(st);
        free(found_res);
        goto out;
    }
    {
        int first_order = -1;
        pesx_dimer_result r = found_res[best];
        code = analyse(&op, pot, &ao, &o, &start, xstart, start_is_minimum, found + best * n3,
                       found_mode + best * n3, &r, pot_calls0, total_calls, &first_order);
        if (code == CMD_OK && first_order == 0)
            code = CMD_FAILED;
    }
    free(found_res);
out:
    if (obj_ok)
        pesx_atoms_objective_release(&ao);
    free(mode);
    free(x);
    free(xstart);
    free(found);
    free(found_mode);
    free(found_e);
    free(sel);
    pesx_potential_free(pot);
    pesx_frame_release(&start);
    return code;
}
