/* pesx opt: relax a structure to a local minimum. */
#include <config.h>
#include "cmd.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "pesx opt START.xyz -p POT [--optimizer lbfgs|fire] [--fmax F] [--fnorm F]\n"
    "         [--max-steps N] [--max-step D] [--memory M] [--precon exp|none]\n"
    "         [--fix LIST] [-o OUT.xyz] [--traj TRAJ.xyz] [-q] [-v]\n"
    "\n"
    "  -p, --potential SPEC   the potential (see 'pesx help potentials')\n"
    "      --optimizer NAME   lbfgs (default) or fire\n"
    "      --fmax F           converged when the largest force on a free atom is <= F\n"
    "                         eV/A (default 0.01; 0 turns this test off)\n"
    "      --fnorm F          also require the 2-norm of the force vector <= F eV/A\n"
    "                         (OptBench/eOn's criterion; default off)\n"
    "      --max-steps N      give up after N steps (default 1000)\n"
    "      --max-step D       largest move of one atom per step, A (default 0.2)\n"
    "      --memory M         L-BFGS history length (default 100)\n"
    "      --precon KIND      L-BFGS preconditioner: exp (bond-stiffness model of the\n"
    "                         geometry, the default) or none (plain L-BFGS)\n"
    "      --fix LIST         also fix these atoms: 1-based numbers and ranges, or\n"
    "                         Cartesian conditions in A (1-16,20 or z<5.0)\n"
    "  -o, --output FILE      relaxed structure as extended XYZ (default START.opt.xyz;\n"
    "                         - for stdout, the step table then goes to stderr)\n"
    "      --traj FILE        every step as a multi-frame extended XYZ file\n"
    "  -q, --quiet            print only the result line\n"
    "  -v, --verbose          more messages on stderr\n";

typedef struct {
    pesx_atoms_objective *ao;
    pesx_frame *traj;
    size_t n_traj, cap_traj;
    int print_steps;
    FILE *table;       /* stdout, or stderr when the structure goes to stdout */
    int record;        /* keep every step for --traj */
} run_state;

static int record_step(run_state *s, const double *x, double energy)
{
    pesx_frame *f;
    size_t n = s->ao->atoms->n;
    if (pesx_array_reserve(&s->traj, &s->cap_traj, s->n_traj + 1, sizeof *s->traj, 64))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory for the trajectory");
    f = &s->traj[s->n_traj];
    pesx_frame_init(f);
    if (!(f->atoms = pesx_atoms_clone(s->ao->atoms)) ||
        !(f->forces = malloc((3 * n + 1) * sizeof(double)))) {
        pesx_frame_release(f);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory for the trajectory");
    }
    memcpy(f->atoms->x, x, 3 * n * sizeof(double));
    memcpy(f->forces, s->ao->forces, 3 * n * sizeof(double));
    f->has_forces = 1;
    f->has_energy = 1;
    f->energy = energy;
    s->n_traj++;
    return PESX_OK;
}

static int on_step(void *data, size_t step, const double *x, double energy, const double *g,
                   double fmax, double fnorm)
{
    run_state *s = data;
    (void)g;
    if (s->print_steps)
        fprintf(s->table, "%6zu %20.10f %14.6e %14.6e\n", step, energy, fmax, fnorm);
    if (s->record) {
        int status = record_step(s, x, energy);
        if (status)
            return status;
    }
    if (cmd_interrupted()) {
        pesx_warn("interrupted at step %zu; writing the last structure", step);
        return pesx_error_set(PESX_EFAILED, NULL, 0, "interrupted");
    }
    return 0;
}

static void describe_criteria(const pesx_converge *c, char *buf, size_t size)
{
    if (c->fmax > 0 && c->fnorm > 0)
        snprintf(buf, size, "largest atom force <= %g eV/A and force norm <= %g eV/A", c->fmax, c->fnorm);
    else if (c->fnorm > 0)
        snprintf(buf, size, "force norm <= %g eV/A", c->fnorm);
    else
        snprintf(buf, size, "largest atom force <= %g eV/A", c->fmax);
}

int cmd_opt(int argc, char **argv)
{
    enum { OPT_OPTIMIZER = 256, OPT_FMAX, OPT_FNORM, OPT_MAX_STEPS, OPT_MAX_STEP, OPT_MEMORY, OPT_TRAJ, OPT_PRECON };
    static const struct option options[] = {
        {"potential", required_argument, NULL, 'p'},
        {"optimizer", required_argument, NULL, OPT_OPTIMIZER},
        {"fmax", required_argument, NULL, OPT_FMAX},
        {"fnorm", required_argument, NULL, OPT_FNORM},
        {"max-steps", required_argument, NULL, OPT_MAX_STEPS},
        {"max-step", required_argument, NULL, OPT_MAX_STEP},
        {"memory", required_argument, NULL, OPT_MEMORY},
        {"precon", required_argument, NULL, OPT_PRECON},
        {"output", required_argument, NULL, 'o'},
        {"traj", required_argument, NULL, OPT_TRAJ},
        CMD_FIX_OPTION,
        CMD_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *spec = NULL, *output = NULL, *traj_path = NULL, *input;
    const pesx_minimizer_type *type = &pesx_minimizer_lbfgs;
    pesx_minimizer_params mp;
    pesx_converge conv;
    pesx_minimize_result res;
    pesx_objective obj;
    pesx_atoms_objective ao;
    pesx_potential *pot = NULL;
    pesx_frame frame;
    run_state state;
    char out_buf[4096], criteria[160], steps[64];
    FILE *table;
    double *x = NULL, v;
    long count;
    int c, status, wstatus = PESX_OK, exit_code;

    pesx_minimizer_params_default(&mp);
    pesx_converge_default(&conv);
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:o:qvh", options, NULL)) != -1) {
        switch (c) {
        case 'p': spec = optarg; break;
        case 'o': output = optarg; break;
        case OPT_TRAJ: traj_path = optarg; break;
        case OPT_OPTIMIZER:
            if (!(type = pesx_minimizer_type_lookup(optarg))) {
                char names[256] = "";
                for (const pesx_minimizer_type *const *t = pesx_minimizer_types(); *t; t++) {
                    strncat(names, " ", sizeof names - strlen(names) - 1);
                    strncat(names, (*t)->name, sizeof names - strlen(names) - 1);
                }
                return cmd_usage_error("unknown optimizer '%s'; choose one of:%s", optarg, names);
            }
            break;
        case OPT_FMAX:
            if (cmd_parse_nonnegative("--fmax", optarg, &conv.fmax))
                return CMD_BAD_INPUT;
            break;
        case OPT_FNORM:
            if (cmd_parse_nonnegative("--fnorm", optarg, &conv.fnorm))
                return CMD_BAD_INPUT;
            break;
        case CMD_OPT_FIX: cmd_set_fix(optarg); break;
        case OPT_MAX_STEPS:
            if (cmd_parse_count("--max-steps", optarg, 0, 100000000, &count))
                return CMD_BAD_INPUT;
            conv.max_steps = (size_t)count;
            break;
        case OPT_MAX_STEP:
            if (cmd_parse_positive("--max-step", optarg, &v))
                return CMD_BAD_INPUT;
            mp.max_step = v;
            break;
        case OPT_MEMORY:
            if (cmd_parse_count("--memory", optarg, 1, 10000, &count))
                return CMD_BAD_INPUT;
            mp.memory = (size_t)count;
            break;
        case OPT_PRECON:
            if (strcmp(optarg, "exp") == 0)
                mp.precon = PESX_PRECON_AUTO;
            else if (strcmp(optarg, "none") == 0)
                mp.precon = PESX_PRECON_NONE;
            else
                return cmd_usage_error("unknown preconditioner '%s'; choose exp or none", optarg);
            break;
        case 'q': cmd_quiet(); break;
        case 'v': cmd_verbose(); break;
        case 'h': cmd_print_usage(stdout, usage); return CMD_OK;
        default: return cmd_usage_error("unknown option");
        }
    }
    if (optind != argc - 1)
        return cmd_usage_error(optind >= argc ? "a start structure is required" : "exactly one start structure, please");
    if (conv.fmax <= 0 && conv.fnorm <= 0)
        return cmd_usage_error("--fmax 0 needs --fnorm: some convergence test must be on");
    input = argv[optind];
    if (!output) {
        cmd_default_output(input, ".opt.xyz", out_buf, sizeof out_buf);
        output = out_buf;
    }
    pesx_frame_init(&frame);
    table = cmd_is_stdout(output) ? stderr : stdout;
    if ((exit_code = cmd_read_relax_start(input, &frame)))
        return exit_code;
    {
        const char *outputs[] = {output, traj_path};
        if ((exit_code = cmd_check_outputs(2, outputs))) {
            pesx_frame_release(&frame);
            return exit_code;
        }
    }
    if (!(pot = cmd_open_potential(spec))) {
        pesx_frame_release(&frame);
        return CMD_BAD_INPUT;
    }
    if ((status = pesx_atoms_objective_init(&ao, &obj, pot, frame.atoms))) {
        exit_code = cmd_fail(status);
        goto out_pot;
    }
    x = malloc((3 * frame.atoms->n + 1) * sizeof *x);
    if (!x) {
        exit_code = cmd_fail(pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory"));
        goto out_obj;
    }
    memcpy(x, frame.atoms->x, 3 * frame.atoms->n * sizeof *x);

    memset(&state, 0, sizeof state);
    state.ao = &ao;
    state.print_steps = pesx_log_level() > PESX_LOG_QUIET;
    state.table = table;
    state.record = traj_path != NULL;
    describe_criteria(&conv, criteria, sizeof criteria);
    if (state.print_steps) {
        fprintf(table, "# pesx opt %s: %zu atoms (%zu free), potential %s, %s%s\n", input, frame.atoms->n,
               pesx_atoms_n_free(frame.atoms), pesx_potential_spec(pot), type->name,
               type == &pesx_minimizer_lbfgs && mp.precon != PESX_PRECON_NONE ? " (preconditioned)" : "");
        fprintf(table, "# convergence: %s\n", criteria);
        fprintf(table, "%6s %20s %14s %14s\n", "step", "energy/eV", "fmax/(eV/A)", "fnorm/(eV/A)");
    }
    cmd_catch_interrupt();
    status = pesx_minimize(&obj, type, &mp, &conv, x, on_step, &state, &res);

    if (status == PESX_OK || status == PESX_ENOCONV || res.calls > 0) {
        memcpy(frame.atoms->x, x, 3 * frame.atoms->n * sizeof *x);
        frame.has_energy = 1;
        frame.energy = res.energy;
        free(frame.forces);
        frame.forces = malloc((3 * frame.atoms->n + 1) * sizeof(double));
        if (frame.forces) {
            memcpy(frame.forces, ao.forces, 3 * frame.atoms->n * sizeof(double));
            frame.has_forces = 1;
        }
        wstatus = pesx_xyz_write_file(output, &frame, 1);
        if (!wstatus && traj_path)
            wstatus = pesx_xyz_write_file(traj_path, state.traj, state.n_traj);
    }
    fprintf(table, "%s: energy %.10f eV, fmax %.6g eV/A, fnorm %.6g eV/A, %s, %zu force calls (%s)\n",
            status == PESX_OK ? "converged" : "NOT converged", res.energy, res.fmax, res.fnorm,
            cmd_plural(res.steps, "step", steps, sizeof steps), res.calls, criteria);
    cmd_print_ledger(table, pot);
    if (wstatus) /* the run's own error was reported by the line above */
        status = wstatus;
    else if (status == PESX_OK)
        pesx_info("wrote %s%s%s", output, traj_path ? " and " : "", traj_path ? traj_path : "");
    exit_code = status == PESX_OK ? CMD_OK : cmd_fail(status);
    if (status == PESX_ENOCONV)
        exit_code = CMD_FAILED;

    if (state.traj)
        pesx_frames_free(state.traj, state.n_traj);
    free(x);
out_obj:
    pesx_atoms_objective_release(&ao);
out_pot:
    pesx_potential_free(pot);
    pesx_frame_release(&frame);
    return exit_code;
}
