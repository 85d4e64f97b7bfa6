/* pesx neb: climbing-image nudged elastic band between two minima, with
 * the barrier report. */
#include <config.h>
#include "cmd.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pesx/learn.h>
#include <pesx/path.h>
#include <pesx/structure_align.h>

static const char usage[] =
    "pesx neb REACTANT.xyz PRODUCT.xyz -p POT [--images N] [--interp idpp|linear]\n"
    "         [--guess GUESS.xyz] [--relax-ends] [--no-align] [--k K] [--k-min K]\n"
    "         [--climb auto|on|off] [--climb-after F] [--fmax F] [--fmax-ci F]\n"
    "         [--fnorm-ci F] [--max-steps N] [--optimizer lbfgs|fire]\n"
    "         [--precon auto|exp|none] [--max-step D] [--fix LIST]\n"
    "         [--memory M] [-o BAND.xyz] [--saddle SADDLE.xyz] [--traj TRAJ.xyz]\n"
    "         [--checkpoint FILE] [--checkpoint-every N] [--report REPORT.xml]\n"
    "         [--plot PROFILE.svg] [--learn [--learn-data DATA.xml] [--max-calls N]\n"
    "         [--learn-sigma S]] [-q] [-v]\n"
    "pesx neb --resume CHECKPOINT.xyz -p POT [options]\n"
    "\n"
    "  -p, --potential SPEC   the potential (see 'pesx help potentials')\n"
    "  -n, --images N         moving images between the endpoints (default 7)\n"
    "      --interp METHOD    initial path: idpp (default) or linear\n"
    "      --guess FILE       intermediate structures (frames of FILE) the initial path\n"
    "                         passes through, piecewise linearly\n"
    "      --relax-ends       relax both endpoints first (L-BFGS, to --fmax-ci)\n"
    "      --no-align         keep the product (and guesses) of a free molecule as\n"
    "                         given instead of superposing them on the reactant\n"
    "      --k K              spring constant, eV/A^2 (default 5)\n"
    "      --k-min K          energy-weighted springs from K (low) to --k (high)\n"
    "      --climb MODE       climbing image: auto (default: once the band fmax is\n"
    "                         below --climb-after), on (from the start) or off\n"
    "      --climb-after F    band fmax, eV/A, at which auto climbing starts (0.5)\n"
    "      --fmax F           band converged when every image's largest per-atom NEB\n"
    "                         force is below F eV/A (default 0.05; 0 = no test)\n"
    "      --fmax-ci F        climbing image: largest per-atom force below F (0.01)\n"
    "      --fnorm-ci F       climbing image: 2-norm of its force below F (default off)\n"
    "      --max-steps N      give up after N optimizer steps (default 1000)\n"
    "      --optimizer NAME   lbfgs (global L-BFGS on the band, default) or fire\n"
    "      --precon MODE      L-BFGS preconditioned image by image: auto (default:\n"
    "                         with fixed atoms or periodic cells), exp or none\n"
    "      --max-step D       largest move of one atom per step, A (default 0.2)\n"
    "      --memory M         L-BFGS history length (default 25)\n"
    "      --fix LIST         also fix these atoms of both endpoints: 1-based numbers\n"
    "                         and ranges, or Cartesian conditions in A (1-16 or z<5.0)\n"
    "  -o, --output FILE      the band, extended XYZ (default neb-band.xyz)\n"
    "      --saddle FILE      the climbing image (default: BAND-saddle.xyz, from -o\n"
    "                         without .xyz and a trailing -band: neb-saddle.xyz)\n"
    "      --traj FILE        every band of the run, one after the other\n"
    "      --checkpoint FILE  checkpoint band (default BAND-checkpoint.xyz, from -o as\n"
    "                         --saddle), written every --checkpoint-every steps (10;\n"
    "                         0 = only at the end of an unconverged or interrupted\n"
    "                         run); removed on success\n"
    "      --resume FILE      continue from a checkpoint (or any band file)\n"
    "      --report FILE      barrier report as XML\n"
    "      --plot FILE        energy profile as SVG\n"
    "      --learn            learn the surface: -p is the reference, called only where a\n"
    "                         Gaussian process on its calls is unsure or to confirm the\n"
    "                         climbing image (--fmax-ci then defaults to 0.05)\n"
    "      --learn-data FILE  seed data (data.xml) and the grown set, rewritten after\n"
    "                         every reference call; a rerun repeats no call\n"
    "      --max-calls N      at most N reference calls (then exit 1, data written)\n"
    "      --learn-sigma S    energy sigma, eV, below which an image is trusted (0.05)\n"
    "  -q, --quiet            print only the report\n"
    "  -v, --verbose          more messages on stderr\n";

typedef struct {
    pesx_neb *band;
    const pesx_atoms *tmpl;
    const char *checkpoint;
    long checkpoint_every;
    pesx_atomic_file traj;
    int traj_open;
    int print_steps;
    size_t last_checkpoint;
    size_t rejected; /* steps taken back before this one */
    int wrote_checkpoint;
} run_state;

/* A side file next to the band: OUTPUT without .xyz/.extxyz and without a
 * trailing "-band", then SUFFIX ("neb-band.xyz", "-saddle.xyz" ->
 * "neb-saddle.xyz"; "runs/a.xyz" -> "runs/a-saddle.xyz"). */
static void side_file(const char *output, const char *suffix, char *buf, size_t size)
{
    size_t len = strlen(output);
    if (len > 4 && strcmp(output + len - 4, ".xyz") == 0)
        len -= 4;
    else if (len > 7 && strcmp(output + len - 7, ".extxyz") == 0)
        len -= 7;
    if (len > 5 && strncmp(output + len - 5, "-band", 5) == 0 && output[len - 6] != '/')
        len -= 5;
    snprintf(buf, size, "%.*s%s", (int)len, output, suffix);
}

/* The band as frames: positions, energy, true forces, NEB bookkeeping. */
static int band_frames(pesx_neb *b, pesx_frame **out, size_t *n_out)
{
    size_t N = pesx_neb_n_images(b), n = pesx_neb_n_atoms(b);
    pesx_neb_status st;
    pesx_frame *fr = calloc(N, sizeof *fr);
    char buf[64];
    if (!fr)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    pesx_neb_get_status(b, &st);
    for (size_t i = 0; i < N; i++) {
        const double *f = pesx_neb_forces(b, i);
        pesx_frame_init(&fr[i]);
        if (!(fr[i].atoms = pesx_atoms_clone(pesx_neb_image_atoms(b, i))))
            goto nomem;
        if (f) {
            if (!(fr[i].forces = malloc(3 * n * sizeof(double))))
                goto nomem;
            memcpy(fr[i].forces, f, 3 * n * sizeof(double));
            fr[i].has_forces = 1;
        }
        if (isfinite(pesx_neb_energy(b, i))) {
            fr[i].has_energy = 1;
            fr[i].energy = pesx_neb_energy(b, i);
        }
        snprintf(buf, sizeof buf, "%zu", i);
        pesx_frame_add_info(&fr[i], "neb_image", buf);
        snprintf(buf, sizeof buf, "%zu", st.step);
        pesx_frame_add_info(&fr[i], "neb_step", buf);
        snprintf(buf, sizeof buf, "%zu", st.calls);
        pesx_frame_add_info(&fr[i], "neb_calls", buf);
        snprintf(buf, sizeof buf, "%zu", st.band_calls);
        pesx_frame_add_info(&fr[i], "neb_band_calls", buf);
        snprintf(buf, sizeof buf, "%zu", st.image_calls);
        pesx_frame_add_info(&fr[i], "neb_image_calls", buf);
        pesx_frame_add_info(&fr[i], "neb_climbing", st.climbing ? "1" : "0");
        if (i == st.ci)
            pesx_frame_add_info(&fr[i], "neb_saddle", "1");
    }
    *out = fr;
    *n_out = N;
    return PESX_OK;
nomem:
    pesx_frames_free(fr, N);
    return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
}

static int write_band(pesx_neb *b, const char *path)
{
    pesx_frame *fr;
    size_t n;
    int status = band_frames(b, &fr, &n);
    if (status)
        return status;
    status = pesx_xyz_write_file(path, fr, n);
    pesx_frames_free(fr, n);
    return status;
}

static int on_step(void *data, pesx_neb *b, const pesx_neb_status *st)
{
    run_state *s = data;
    int status;
    if (s->print_steps)
        printf("%6zu %14.6f %12.5f %12.5f %12.5f %4zu%s%s\n", st->step,
               st->e_max - pesx_neb_energy(b, 0), st->fmax, st->ci_fmax, st->ci_fnorm, st->ci,
               st->climbing ? " climbing" : "",
               st->rejected > s->rejected ? " (step taken back)" : "");
    s->rejected = st->rejected;
    if (s->traj_open) {
        pesx_frame *fr;
        size_t n;
        if ((status = band_frames(b, &fr, &n)))
            return status;
        for (size_t i = 0; i < n && !status; i++)
            status = pesx_xyz_write(s->traj.fp, &fr[i]);
        pesx_frames_free(fr, n);
        if (status)
            return status;
    }
    if (s->checkpoint_every > 0 && st->step > 0 && !st->converged &&
        st->step % (size_t)s->checkpoint_every == 0 && st->step != s->last_checkpoint) {
        if ((status = write_band(b, s->checkpoint)))
            return status;
        s->wrote_checkpoint = 1;
        s->last_checkpoint = st->step;
    }
    if (cmd_interrupted())
        return pesx_error_set(PESX_EFAILED, NULL, 0, "interrupted at step %zu", st->step);
    return 0;
}

static long info_long(const char *info, const char *key, long def)
{
    const char *p = info;
    size_t n = strlen(key);
    while (p && (p = strstr(p, key))) {
        if ((p == info || p[-1] == ' ') && p[n] == '=')
            return strtol(p + n + 1, NULL, 10);
        p += n;
    }
    return def;
}

/* Fixed flags of B added to A (an endpoint without a fixed column). */
static void merge_fixed(pesx_atoms *a, const pesx_atoms *b)
{
    for (size_t i = 0; i < a->n && i < b->n; i++)
        a->fixed[i] |= b->fixed[i];
}

static int relax(pesx_potential *pot, pesx_frame *f, double fmax, size_t *calls, const char *path)
{
    pesx_objective obj;
    pesx_atoms_objective ao;
    pesx_minimizer_params mp;
    pesx_converge conv;
    pesx_minimize_result res;
    int status = pesx_atoms_objective_init(&ao, &obj, pot, f->atoms);
    if (status)
        return status;
    pesx_minimizer_params_default(&mp);
    pesx_converge_default(&conv);
    conv.fmax = fmax;
    status = pesx_minimize(&obj, &pesx_minimizer_lbfgs, &mp, &conv, f->atoms->x, NULL, NULL, &res);
    *calls += res.calls;
    if (status == PESX_ENOCONV)
        pesx_error_set(PESX_ENOCONV, path, 0, "relaxing this endpoint did not converge (fmax %g)",
                       res.fmax);
    else if (!status)
        pesx_info("relaxed %s: energy %.6f eV in %zu steps", path, res.energy, res.steps);
    pesx_atoms_objective_release(&ao);
    return status;
}

/* A free molecule's product (and guesses) given in another orientation
 * would make the interpolated band turn the whole molecule, and the
 * "barrier" would be that of the rotation path: superpose them on the
 * reactant first (Kabsch).  Periodic cells, fixed atoms and model surfaces
 * are left as they are. */
static int superpose_on_reactant(const pesx_potential *pot, const pesx_frame *fr, pesx_frame *fp,
                                 pesx_frame *guesses, size_t n_guess, const char *ppath)
{
    pesx_align al;
    int status;
    if (pesx_potential_flags(pot) & PESX_POTENTIAL_MODEL_SURFACE)
        return CMD_OK;
    if ((status = pesx_align_superpose(fr->atoms, fp->atoms, 0, &al)))
        return cmd_fail(status);
    if (al.rigid)
        pesx_info("superposed %s on the reactant (free molecule): RMSD %.4f A after the best "
                  "rotation and translation (--no-align keeps it as given)",
                  ppath, al.rmsd);
    for (size_t g = 0; g < n_guess; g++)
        if ((status = pesx_align_superpose(fr->atoms, guesses[g].atoms, 0, NULL)))
            return cmd_fail(status);
    return CMD_OK;
}

/* --learn: the band on the surrogate, the reference where it is unsure;
 * the outputs and the report are the reference's. */
static int learn_neb(pesx_potential *ref, pesx_potential *sur, pesx_neb *band, const pesx_neb_params *np,
                     pesx_learn_params *lp, const char *output, const char *saddle,
                     const char *report_xml, const char *plot)
{
    pesx_learn *l;
    pesx_learn_status st;
    pesx_report rep;
    pesx_frame *fr = NULL;
    size_t nf = 0;
    int status, ws, exit_code;
    int show = pesx_log_level() > PESX_LOG_QUIET;
    lp->table = show ? stdout : NULL;
    if (show)
        printf("# pesx neb --learn: %zu images, reference %s, surrogate: Gaussian process "
               "(energies and forces)\n# converged when the reference at the climbing image has "
               "fmax <= %g eV/A and sigma < %g eV on every image (band on the surrogate: "
               "climbing-image fmax < %g)\n",
               pesx_neb_n_images(band), pesx_potential_spec(ref), lp->fmax_ci, lp->sigma,
               np->fmax_ci);
    if (!(l = pesx_learn_alloc(ref, sur, pesx_neb_image_atoms(band, 0), lp)))
        return cmd_fail(pesx_error_last()->code);
    status = pesx_learn_neb(l, band, &st);
    if (status && status != PESX_ENOCONV) {
        exit_code = cmd_fail(status);
        if (lp->data_path)
            fprintf(stderr, "pesx neb: the %zu reference structures so far are in %s\n",
                    st.data, lp->data_path);
        pesx_learn_free(l);
        return exit_code;
    }
    if (status)
        fprintf(stderr, "pesx neb: %s\n", pesx_error_last()->msg);
    pesx_report_init(&rep);
    ws = pesx_learn_band_frames(l, band, &fr, &nf);
    if (!ws)
        ws = pesx_xyz_write_file(output, fr, nf);
    if (!ws) {
        pesx_neb_status ns;
        pesx_neb_get_status(band, &ns);
        ws = pesx_xyz_write_file(saddle, &fr[ns.ci], 1);
    }
    if (!ws)
        ws = pesx_learn_report(l, band, &st, &rep);
    if (!ws) {
        if (show)
            printf("\n");
        cmd_report_ledger(&rep, ref);
        pesx_report_write_table(stdout, &rep);
        if (report_xml)
            ws = pesx_report_write_xml(report_xml, &rep);
        if (!ws && plot)
            ws = pesx_report_write_svg(plot, &rep);
    }
    if (ws)
        exit_code = cmd_fail(ws);
    else {
        printf("%s: barrier %.6f eV (forward), %.6f eV (reverse); %zu reference calls "
               "(%zu iterations, %zu surrogate calls, %zu structures in the data); wrote %s, %s\n",
               status == PESX_OK ? "converged" : "NOT converged", rep.barrier_forward,
               rep.barrier_reverse, st.reference_calls, st.iterations, st.surrogate_calls,
               st.data, output, saddle);
        exit_code = status == PESX_OK ? CMD_OK : CMD_FAILED;
    }
    if (fr)
        pesx_frames_free(fr, nf);
    pesx_report_release(&rep);
    pesx_learn_free(l);
    return exit_code;
}

int cmd_neb(int argc, char **argv)
{
    enum {
        O_INTERP = 256, O_GUESS, O_RELAX, O_NO_ALIGN, O_K, O_KMIN, O_CLIMB, O_CLIMB_AFTER, O_FMAX, O_FMAX_CI,
        O_FNORM_CI, O_MAX_STEPS, O_OPTIMIZER, O_PRECON, O_MAX_STEP, O_MEMORY, O_SADDLE, O_TRAJ, O_CHK,
        O_CHK_EVERY, O_RESUME, O_REPORT, O_PLOT, O_LEARN, O_LEARN_DATA, O_MAX_CALLS, O_LEARN_SIGMA
    };
    static const struct option options[] = {
        {"potential", required_argument, NULL, 'p'},
        {"images", required_argument, NULL, 'n'},
        {"interp", required_argument, NULL, O_INTERP},
        {"guess", required_argument, NULL, O_GUESS},
        {"relax-ends", no_argument, NULL, O_RELAX},
        {"no-align", no_argument, NULL, O_NO_ALIGN},
        {"k", required_argument, NULL, O_K},
        {"k-min", required_argument, NULL, O_KMIN},
        {"climb", required_argument, NULL, O_CLIMB},
        {"climb-after", required_argument, NULL, O_CLIMB_AFTER},
        {"fmax", required_argument, NULL, O_FMAX},
        {"fmax-ci", required_argument, NULL, O_FMAX_CI},
        {"fnorm-ci", required_argument, NULL, O_FNORM_CI},
        {"max-steps", required_argument, NULL, O_MAX_STEPS},
        {"optimizer", required_argument, NULL, O_OPTIMIZER},
        {"precon", required_argument, NULL, O_PRECON},
        {"max-step", required_argument, NULL, O_MAX_STEP},
        {"memory", required_argument, NULL, O_MEMORY},
        {"output", required_argument, NULL, 'o'},
        {"saddle", required_argument, NULL, O_SADDLE},
        {"traj", required_argument, NULL, O_TRAJ},
        {"checkpoint", required_argument, NULL, O_CHK},
        {"checkpoint-every", required_argument, NULL, O_CHK_EVERY},
        {"resume", required_argument, NULL, O_RESUME},
        {"report", required_argument, NULL, O_REPORT},
        {"plot", required_argument, NULL, O_PLOT},
        {"learn", no_argument, NULL, O_LEARN},
        {"learn-data", required_argument, NULL, O_LEARN_DATA},
        {"max-calls", required_argument, NULL, O_MAX_CALLS},
        {"learn-sigma", required_argument, NULL, O_LEARN_SIGMA},
        CMD_FIX_OPTION,
        CMD_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *spec = NULL, *output = "neb-band.xyz", *saddle = NULL;
    char saddle_buf[4096], checkpoint_buf[4096];
    const char *traj = NULL, *resume = NULL, *report_xml = NULL, *plot = NULL;
    const char *guess = NULL, *rpath = NULL, *ppath = NULL;
    pesx_neb_params np;
    pesx_potential *pot = NULL, *sur = NULL;
    pesx_frame fr, fp, *guesses = NULL;
    size_t n_guess = 0, n_knots = 0, pre_calls = 0;
    long n_images = 7, count;
    int interp = PESX_INTERP_IDPP, relax_ends = 0, align = 1, images_set = 0;
    pesx_neb *band = NULL;
    pesx_report rep;
    run_state rs;
    pesx_neb_status st;
    double *kx = NULL;
    int c, status, exit_code = CMD_OK, learn = 0, fmax_ci_set = 0;
    pesx_learn_params lp;

    pesx_neb_params_default(&np);
    pesx_learn_params_default(&lp);
    np.mp.memory = 25;
    memset(&rs, 0, sizeof rs);
    rs.checkpoint = NULL;
    rs.checkpoint_every = 10;
    pesx_frame_init(&fr);
    pesx_frame_init(&fp);
    pesx_report_init(&rep);
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:n:o:qvh", options, NULL)) != -1) {
        double v;
        switch (c) {
        case 'p': spec = optarg; break;
        case 'n':
            if (cmd_parse_count("--images", optarg, 1, 10000, &n_images))
                return CMD_BAD_INPUT;
            images_set = 1;
            break;
        case O_INTERP:
            if (strcmp(optarg, "idpp") == 0)
                interp = PESX_INTERP_IDPP;
            else if (strcmp(optarg, "linear") == 0)
                interp = PESX_INTERP_LINEAR;
            else
                return cmd_usage_error("--interp: '%s' is neither idpp nor linear", optarg);
            break;
        case O_GUESS: guess = optarg; break;
        case O_RELAX: relax_ends = 1; break;
        case O_NO_ALIGN: align = 0; break;
        case O_K:
            if (cmd_parse_positive("--k", optarg, &np.k))
                return CMD_BAD_INPUT;
            break;
        case O_KMIN:
            if (cmd_parse_positive("--k-min", optarg, &np.k_min))
                return CMD_BAD_INPUT;
            break;
        case O_CLIMB:
            if (strcmp(optarg, "auto") == 0)
                np.climb = PESX_CLIMB_AUTO;
            else if (strcmp(optarg, "on") == 0)
                np.climb = PESX_CLIMB_ON;
            else if (strcmp(optarg, "off") == 0)
                np.climb = PESX_CLIMB_OFF;
            else
                return cmd_usage_error("--climb: '%s' is not auto, on or off", optarg);
            break;
        case O_CLIMB_AFTER:
            if (cmd_parse_positive("--climb-after", optarg, &np.climb_after))
                return CMD_BAD_INPUT;
            break;
        case O_FMAX:
        case O_FMAX_CI:
        case O_FNORM_CI: {
            const char *name = c == O_FMAX ? "--fmax" : c == O_FMAX_CI ? "--fmax-ci" : "--fnorm-ci";
            if (cmd_parse_double(name, optarg, &v))
                return CMD_BAD_INPUT;
            if (v < 0)
                return cmd_usage_error("%s must be >= 0 (got %s)", name, optarg);
            *(c == O_FMAX ? &np.fmax : c == O_FMAX_CI ? &np.fmax_ci : &np.fnorm_ci) = v;
            fmax_ci_set |= c == O_FMAX_CI;
            break;
        }
        case O_MAX_STEPS:
            if (cmd_parse_count("--max-steps", optarg, 0, 100000000, &count))
                return CMD_BAD_INPUT;
            np.max_steps = (size_t)count;
            break;
        case O_OPTIMIZER:
            if (!(np.minimizer = pesx_minimizer_type_lookup(optarg)))
                return cmd_usage_error("--optimizer: unknown optimizer '%s' (lbfgs or fire)",
                                       optarg);
            break;
        case O_PRECON:
            if (strcmp(optarg, "auto") == 0)
                np.mp.precon = PESX_PRECON_AUTO;
            else if (strcmp(optarg, "exp") == 0)
                np.mp.precon = PESX_PRECON_EXP;
            else if (strcmp(optarg, "none") == 0)
                np.mp.precon = PESX_PRECON_NONE;
            else
                return cmd_usage_error("--precon: '%s' is not auto, exp or none", optarg);
            break;
        case O_MAX_STEP:
            if (cmd_parse_positive("--max-step", optarg, &np.mp.max_step))
                return CMD_BAD_INPUT;
            break;
        case O_MEMORY:
            if (cmd_parse_count("--memory", optarg, 1, 10000, &count))
                return CMD_BAD_INPUT;
            np.mp.memory = (size_t)count;
            break;
        case 'o': output = optarg; break;
        case O_SADDLE: saddle = optarg; break;
        case O_TRAJ: traj = optarg; break;
        case O_CHK: rs.checkpoint = optarg; break;
        case O_CHK_EVERY:
            if (cmd_parse_count("--checkpoint-every", optarg, 0, 100000000,
                                &rs.checkpoint_every))
                return CMD_BAD_INPUT;
            break;
        case O_RESUME: resume = optarg; break;
        case O_REPORT: report_xml = optarg; break;
        case O_PLOT: plot = optarg; break;
        case O_LEARN: learn = 1; break;
        case O_LEARN_DATA: lp.data_path = optarg; break;
        case O_MAX_CALLS:
            if (cmd_parse_count("--max-calls", optarg, 1, 100000000, &count))
                return CMD_BAD_INPUT;
            lp.max_calls = (size_t)count;
            break;
        case O_LEARN_SIGMA:
            if (cmd_parse_positive("--learn-sigma", optarg, &lp.sigma))
                return CMD_BAD_INPUT;
            break;
        case CMD_OPT_FIX: cmd_set_fix(optarg); break;
        case 'q': cmd_quiet(); break;
        case 'v': cmd_verbose(); break;
        case 'h': cmd_print_usage(stdout, usage); return CMD_OK;
        default: return cmd_usage_error("unknown option");
        }
    }
    if (resume) {
        if (optind != argc && optind + 2 != argc)
            return cmd_usage_error("with --resume give either no endpoints or both");
    } else if (optind + 2 != argc) {
        return cmd_usage_error("a reactant and a product structure are required");
    }
    if (np.k_min > 0 && !(np.k_min < np.k))
        return cmd_usage_error("--k-min (%g) must be below --k (%g)", np.k_min, np.k);
    if (np.fmax <= 0 && np.climb == PESX_CLIMB_OFF)
        return cmd_usage_error("--fmax 0 with --climb off leaves no convergence test");
    if (np.climb != PESX_CLIMB_OFF && np.fmax_ci <= 0 && np.fnorm_ci <= 0)
        return cmd_usage_error("--fmax-ci 0 needs --fnorm-ci: the climbing image needs a test");
    if (resume && (guess || relax_ends || !align))
        return cmd_usage_error(
            "--resume continues a band: --guess, --relax-ends and --no-align do not apply");

    if (!learn && (lp.data_path || lp.max_calls))
        return cmd_usage_error("--learn-data and --max-calls need --learn");
    if (learn && (resume || traj || relax_ends || np.climb == PESX_CLIMB_OFF))
        return cmd_usage_error("--learn does not take --resume (rerun with the same "
                               "--learn-data), --traj, --relax-ends or --climb off");
    if (learn)
        lp.fmax_ci = fmax_ci_set ? np.fmax_ci : 0.05;
    if (!saddle) {
        side_file(output, "-saddle.xyz", saddle_buf, sizeof saddle_buf);
        saddle = saddle_buf;
    }
    if (!rs.checkpoint) {
        side_file(output, "-checkpoint.xyz", checkpoint_buf, sizeof checkpoint_buf);
        rs.checkpoint = checkpoint_buf;
    }
    {
        /* every output location, before the first force call */
        const char *outs[] = {output, saddle, rs.checkpoint, traj, report_xml, plot, lp.data_path};
        for (size_t k = 0; k < sizeof outs / sizeof *outs; k++)
            if (outs[k] && (status = pesx_output_check(outs[k])))
                return cmd_fail(status);
    }
    if (!(pot = cmd_open_potential(spec)))
        return CMD_BAD_INPUT;

    if (resume) {
        /* the band (endpoints included) from the checkpoint */
        pesx_frame *bf = NULL;
        size_t nb = 0;
        pesx_error_clear();
        if ((status = pesx_xyz_read_all(resume, &bf, &nb))) {
            exit_code = cmd_fail(status);
            goto out;
        }
        if (nb < 3) {
            pesx_frames_free(bf, nb);
            exit_code = cmd_fail(pesx_error_set(PESX_EINVAL, resume, 1,
                                                "a band needs at least 3 images (found %zu)", nb));
            goto out;
        }
        for (size_t i = 1; i < nb; i++) {
            if ((status = pesx_neb_check_endpoints(bf[0].atoms, resume, bf[0].line, bf[i].atoms,
                                                   resume, bf[i].line))) {
                pesx_frames_free(bf, nb);
                exit_code = cmd_fail(status);
                goto out;
            }
            merge_fixed(bf[0].atoms, bf[i].atoms);
        }
        if ((exit_code = cmd_apply_fix(resume, bf[0].atoms))) {
            pesx_frames_free(bf, nb);
            goto out;
        }
        if (optind + 2 == argc) {
            pesx_frame e;
            pesx_frame_init(&e);
            for (int k = 0; k < 2 && exit_code == CMD_OK; k++) {
                if ((exit_code = cmd_read_relax_start(argv[optind + k], &e)))
                    break;
                if ((status = pesx_neb_check_endpoints(bf[0].atoms, resume, bf[0].line, e.atoms,
                                                       argv[optind + k], e.line)))
                    exit_code = cmd_fail(status);
                pesx_frame_release(&e);
            }
            if (exit_code) {
                pesx_frames_free(bf, nb);
                goto out;
            }
        }
        if (images_set && (size_t)n_images + 2 != nb)
            pesx_warn("--images %ld ignored: the checkpoint has %zu moving images", n_images,
                      nb - 2);
        band = pesx_neb_alloc(pot, bf[0].atoms, nb, &np);
        if (!band) {
            pesx_frames_free(bf, nb);
            exit_code = cmd_fail(pesx_error_last()->code);
            goto out;
        }
        for (size_t i = 0; i < nb; i++)
            memcpy(pesx_neb_image(band, i), bf[i].atoms->x, 3 * bf[0].atoms->n * sizeof(double));
        {
            const char *info = bf[0].info ? bf[0].info : "";
            long step = info_long(info, "neb_step", 0), calls = info_long(info, "neb_calls", 0);
            long bc = info_long(info, "neb_band_calls", 0);
            long ic = info_long(info, "neb_image_calls", 0);
            int climbing = info_long(info, "neb_climbing", 0) != 0;
            pesx_neb_set_status(band, (size_t)(step > 0 ? step : 0),
                                (size_t)(calls > 0 ? calls : 0), (size_t)(bc > 0 ? bc : 0),
                                (size_t)(ic > 0 ? ic : 0), climbing);
            rs.last_checkpoint = (size_t)(step > 0 ? step : 0);
            if (pesx_log_level() > PESX_LOG_QUIET)
                printf("# resuming %s: %zu images, step %ld, %ld force calls so far%s\n", resume,
                       nb, step, calls, climbing ? ", climbing" : "");
        }
        rpath = resume;
        pesx_frames_free(bf, nb);
    } else {
        size_t n, N;
        rpath = argv[optind];
        ppath = argv[optind + 1];
        if ((exit_code = cmd_read_relax_start(rpath, &fr)) ||
            (exit_code = cmd_read_relax_start(ppath, &fp)))
            goto out;
        if ((status = pesx_neb_check_endpoints(fr.atoms, rpath, fr.line, fp.atoms, ppath,
                                               fp.line))) {
            exit_code = cmd_fail(status);
            goto out;
        }
        merge_fixed(fr.atoms, fp.atoms);
        if ((status = pesx_neb_align(fr.atoms, fp.atoms))) {
            exit_code = cmd_fail(status);
            goto out;
        }
        if (guess) {
            pesx_error_clear();
            if ((status = pesx_xyz_read_all(guess, &guesses, &n_guess))) {
                exit_code = cmd_fail(status);
                goto out;
            }
            for (size_t g = 0; g < n_guess; g++) {
                if ((status = pesx_neb_check_endpoints(fr.atoms, rpath, fr.line, guesses[g].atoms,
                                                       guess, guesses[g].line)) ||
                    (status = pesx_neb_align(fr.atoms, guesses[g].atoms))) {
                    exit_code = cmd_fail(status);
                    goto out;
                }
            }
        }
        if (relax_ends) {
            if ((status = relax(pot, &fr, np.fmax_ci > 0 ? np.fmax_ci : 0.01, &pre_calls, rpath)) ||
                (status = relax(pot, &fp, np.fmax_ci > 0 ? np.fmax_ci : 0.01, &pre_calls, ppath))) {
                exit_code = cmd_fail(status);
                goto out;
            }
        }
        if (align && (exit_code = superpose_on_reactant(pot, &fr, &fp, guesses, n_guess, ppath)))
            goto out;
        if ((status = pesx_neb_check_distinct(fr.atoms, rpath, fp.atoms, ppath, fp.line))) {
            exit_code = cmd_fail(status);
            goto out;
        }
        n = fr.atoms->n;
        N = (size_t)n_images + 2;
        if (learn) {
            /* the band runs on the surrogate; its climbing image converged
             * well below the reference's test, so that the reference call
             * there can pass it */
            np.climb = PESX_CLIMB_ON;
            np.fmax_ci = 0.5 * lp.fmax_ci;
            if (!(sur = pesx_learn_surrogate_alloc(pot))) {
                exit_code = cmd_fail(pesx_error_last()->code);
                goto out;
            }
        }
        band = pesx_neb_alloc(learn ? sur : pot, fr.atoms, N, &np);
        if (!band) {
            exit_code = cmd_fail(pesx_error_last()->code);
            goto out;
        }
        memcpy(pesx_neb_image(band, 0), fr.atoms->x, 3 * n * sizeof(double));
        memcpy(pesx_neb_image(band, N - 1), fp.atoms->x, 3 * n * sizeof(double));
        if (guess) {
            n_knots = n_guess + 2;
            kx = malloc(n_knots * 3 * n * sizeof *kx);
            if (!kx) {
                exit_code = cmd_fail(pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory"));
                goto out;
            }
            memcpy(kx, fr.atoms->x, 3 * n * sizeof *kx);
            for (size_t g = 0; g < n_guess; g++)
                memcpy(kx + (g + 1) * 3 * n, guesses[g].atoms->x, 3 * n * sizeof *kx);
            memcpy(kx + (n_knots - 1) * 3 * n, fp.atoms->x, 3 * n * sizeof *kx);
            status = pesx_neb_interpolate_knots(n, n_knots, kx, N, pesx_neb_image(band, 0));
        } else if (interp == PESX_INTERP_IDPP) {
            status = pesx_neb_interpolate_idpp(n, fr.atoms->fixed, N, pesx_neb_image(band, 0), 0, 0);
        } else {
            pesx_neb_interpolate_linear(n, N, pesx_neb_image(band, 0));
            status = PESX_OK;
        }
        if (status) {
            exit_code = cmd_fail(status);
            goto out;
        }
        if (pre_calls)
            pesx_neb_set_status(band, 0, pre_calls, 0, 0, np.climb == PESX_CLIMB_ON);
    }

    if (learn) {
        exit_code = learn_neb(pot, sur, band, &np, &lp, output, saddle, report_xml, plot);
        goto out;
    }
    rs.band = band;
    rs.print_steps = pesx_log_level() > PESX_LOG_QUIET;
    if (traj) {
        if ((status = pesx_atomic_open(&rs.traj, traj))) {
            exit_code = cmd_fail(status);
            goto out;
        }
        rs.traj_open = 1;
    }
    if (rs.print_steps) {
        printf("# pesx neb: %zu images (%zu moving) of %zu atoms (%zu free), potential %s, %s%s,"
               " k = %g eV/A^2%s\n",
               pesx_neb_n_images(band), pesx_neb_n_images(band) - 2, pesx_neb_n_atoms(band),
               pesx_atoms_n_free(pesx_neb_image_atoms(band, 0)), pesx_potential_spec(pot),
               np.minimizer->name, pesx_neb_uses_precon(band) ? " (preconditioned)" : "", np.k,
               np.k_min > 0 ? " (energy-weighted)" : "");
        printf("# converged when band fmax < %g eV/A", np.fmax);
        if (np.climb != PESX_CLIMB_OFF) {
            if (np.fmax_ci > 0)
                printf(", climbing-image fmax < %g eV/A", np.fmax_ci);
            if (np.fnorm_ci > 0)
                printf(", climbing-image force norm < %g eV/A", np.fnorm_ci);
        }
        printf("\n%6s %14s %12s %12s %12s %4s\n", "step", "Emax-E0/eV", "fmax", "ci_fmax",
               "ci_fnorm", "ci");
    }
    cmd_catch_interrupt();
    status = pesx_neb_run(band, on_step, &rs);
    pesx_neb_get_status(band, &st);

    if (rs.traj_open) {
        int ts = pesx_atomic_commit(&rs.traj);
        if (ts && !status)
            status = ts;
    }
    if (status != PESX_OK && status != PESX_ENOCONV && !cmd_interrupted()) {
        /* an evaluation failed: the band may be half-evaluated */
        exit_code = cmd_fail(status);
        goto out;
    }
    if (status != PESX_OK) {
        /* not converged or interrupted: keep a checkpoint to resume from */
        int cs = write_band(band, rs.checkpoint);
        const char *why = cmd_interrupted() ? "interrupted" : "not converged";
        if (cs)
            cmd_fail(cs);
        else
            fprintf(stderr, "pesx neb: %s after %zu step%s; checkpoint written to %s "
                            "(continue with --resume %s)\n",
                    why, st.step, st.step == 1 ? "" : "s", rs.checkpoint, rs.checkpoint);
    }
    if (cmd_interrupted()) {
        exit_code = CMD_FAILED;
        goto out;
    }
    {
        int ws = write_band(band, output);
        if (!ws) {
            pesx_frame sf;
            pesx_frame *all;
            size_t na;
            if (!(ws = band_frames(band, &all, &na))) {
                pesx_frame_init(&sf);
                ws = pesx_frame_copy(&sf, &all[st.ci]);
                if (!ws)
                    ws = pesx_xyz_write_file(saddle, &sf, 1);
                pesx_frame_release(&sf);
                pesx_frames_free(all, na);
            }
        }
        if (!ws)
            ws = pesx_neb_report(band, &rep);
        if (!ws) {
            if (pesx_log_level() > PESX_LOG_QUIET)
                printf("\n");
            cmd_report_ledger(&rep, pot);
            pesx_report_write_table(stdout, &rep);
            if (report_xml)
                ws = pesx_report_write_xml(report_xml, &rep);
            if (!ws && plot)
                ws = pesx_report_write_svg(plot, &rep);
        }
        if (ws) {
            exit_code = cmd_fail(ws);
            goto out;
        }
    }
    printf("%s: barrier %.6f eV (forward), %.6f eV (reverse); %zu force calls, %.1f per image; "
           "wrote %s, %s\n",
           status == PESX_OK ? "converged" : "NOT converged", rep.barrier_forward,
           rep.barrier_reverse, st.calls, rep.force_calls_per_image, output, saddle);
    exit_code = status == PESX_OK ? CMD_OK : CMD_FAILED;
    /* converged and every output written: the checkpoint has served */
    if (status == PESX_OK && (rs.wrote_checkpoint || (resume && !strcmp(resume, rs.checkpoint))) &&
        remove(rs.checkpoint) == 0)
        pesx_info("removed the checkpoint %s", rs.checkpoint);
out:
    pesx_report_release(&rep);
    pesx_neb_free(band);
    if (guesses)
        pesx_frames_free(guesses, n_guess);
    free(kx);
    pesx_frame_release(&fr);
    pesx_frame_release(&fp);
    pesx_potential_free(sur);
    pesx_potential_free(pot);
    return exit_code;
}
