/* pesx vib: normal modes and harmonic frequencies of a structure. */
#include <config.h>
#include "cmd.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <pesx/path_thermo.h>
#include <pesx/path_vib.h>

static const char usage[] =
    "pesx vib STRUCTURE.xyz -p POT [--step H] [--no-project] [--modes OUT.xyz] [-q] [-v]\n"
    "         [--thermo [--temperature T] [--pressure P] [--symmetry N] [--spin S]]\n"
    "\n"
    "  -p, --potential SPEC   the potential (see 'pesx help potentials')\n"
    "      --step H           finite-difference step of the Hessian, A (default 1e-3)\n"
    "      --no-project       keep rigid translations and rotations (isolated molecules)\n"
    "      --modes FILE       every normal mode as a frame of extended XYZ (column mode)\n"
    "      --thermo           ideal-gas ZPE, H, S and G of an isolated molecule\n"
    "      --temperature T    K (default 298.15)\n"
    "      --pressure P       Pa (default 1e5)\n"
    "      --symmetry N       rotational symmetry number (default 1)\n"
    "      --spin S           total electronic spin (default 0)\n"
    "  -q, --quiet            print only the summary line\n"
    "  -v, --verbose          more messages on stderr\n";

static int write_modes(const char *path, const pesx_frame *f, const pesx_vib *v)
{
    pesx_frame *frames = calloc(v->n ? v->n : 1, sizeof *frames);
    int st = PESX_OK;
    char b[64];
    if (!frames)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    for (size_t k = 0; k < v->n && !st; k++) {
        pesx_frame_init(&frames[k]);
        if (!(frames[k].atoms = pesx_atoms_clone(f->atoms))) {
            st = PESX_ENOMEM;
            break;
        }
        st = pesx_frame_set_extra(&frames[k], "mode", 3, v->mode + k * v->n_coord);
        pesx_vib_format_freq(v->freq[k], b, sizeof b);
        if (!st)
            st = pesx_frame_add_info(&frames[k], "frequency_cm", b);
    }
    if (!st)
        st = pesx_xyz_write_file(path, frames, v->n);
    pesx_frames_free(frames, v->n);
    return st;
}

int cmd_vib(int argc, char **argv)
{
    enum { OPT_STEP = 256, OPT_NO_PROJECT, OPT_MODES, OPT_THERMO, OPT_TEMPERATURE,
           OPT_PRESSURE, OPT_SYMMETRY, OPT_SPIN };
    static const struct option options[] = {
        {"potential", required_argument, NULL, 'p'},
        {"step", required_argument, NULL, OPT_STEP},
        {"no-project", no_argument, NULL, OPT_NO_PROJECT},
        {"modes", required_argument, NULL, OPT_MODES},
        {"thermo", no_argument, NULL, OPT_THERMO},
        {"temperature", required_argument, NULL, OPT_TEMPERATURE},
        {"pressure", required_argument, NULL, OPT_PRESSURE},
        {"symmetry", required_argument, NULL, OPT_SYMMETRY},
        {"spin", required_argument, NULL, OPT_SPIN},
        CMD_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *spec = NULL, *modes = NULL;
    double step = 1e-3;
    int no_project = 0, thermo = 0, c, st, code;
    long symmetry;
    double energy = 0.0;
    pesx_thermo_params tp;
    pesx_thermo_params_default(&tp);
    pesx_frame frame;
    pesx_potential *pot;
    pesx_atoms_objective ao;
    pesx_objective o;
    pesx_vib v;

    optind = 1;
    while ((c = getopt_long(argc, argv, "p:qvh", options, NULL)) != -1) {
        switch (c) {
        case 'p': spec = optarg; break;
        case OPT_STEP:
            if (cmd_parse_positive("--step", optarg, &step))
                return CMD_BAD_INPUT;
            break;
        case OPT_NO_PROJECT: no_project = 1; break;
        case OPT_MODES: modes = optarg; break;
        case OPT_THERMO: thermo = 1; break;
        case OPT_TEMPERATURE:
            if (cmd_parse_positive("--temperature", optarg, &tp.temperature))
                return CMD_BAD_INPUT;
            break;
        case OPT_PRESSURE:
            if (cmd_parse_positive("--pressure", optarg, &tp.pressure))
                return CMD_BAD_INPUT;
            break;
        case OPT_SYMMETRY:
            if (cmd_parse_count("--symmetry", optarg, 1, 1000, &symmetry))
                return CMD_BAD_INPUT;
            tp.symmetry = (int)symmetry;
            break;
        case OPT_SPIN:
            if (cmd_parse_nonnegative("--spin", optarg, &tp.spin))
                return CMD_BAD_INPUT;
            break;
        case 'q': cmd_quiet(); break;
        case 'v': cmd_verbose(); break;
        case 'h': cmd_print_usage(stdout, usage); return CMD_OK;
        default: return cmd_usage_error("unknown option");
        }
    }
    if (optind != argc - 1)
        return cmd_usage_error(optind >= argc ? "a structure is required"
                                              : "exactly one structure, please");
    if ((code = cmd_check_outputs(1, &modes)))
        return code;
    pesx_frame_init(&frame);
    if ((code = cmd_read_structure(argv[optind], &frame)))
        return code;
    if (!(pot = cmd_open_potential(spec))) {
        pesx_frame_release(&frame);
        return CMD_BAD_INPUT;
    }
    pesx_vib_init(&v);
    if ((st = pesx_atoms_objective_init(&ao, &o, pot, frame.atoms))) {
        code = cmd_fail(st);
        goto out;
    }
    pesx_vib_freeze_model_z(pot, &ao);
    {
        /* frequencies away from a stationary point are neither a
         * minimum's nor a saddle's */
        double *g = malloc((o.n + 1) * sizeof *g);
        if (!g || (st = pesx_objective_eval(&o, frame.atoms->x, &energy, g))) {
            free(g);
            code = cmd_fail(g ? st : pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory"));
            goto out_obj;
        }
        if (pesx_objective_fmax(&o, g) > PESX_VIB_STATIONARY_FMAX)
            pesx_warn("%s is not a stationary point (largest force %.3g eV/A, above %g): its "
                      "frequencies are not those of a minimum or a saddle; relax it (pesx opt) "
                      "or refine the saddle (pesx saddle) first", argv[optind],
                      pesx_objective_fmax(&o, g), PESX_VIB_STATIONARY_FMAX);
        free(g);
    }
    st = pesx_vib_at(&v, &o, frame.atoms, frame.atoms->x, step, no_project);
    if (st) {
        code = cmd_fail(st);
        goto out_obj;
    }
    if (pesx_log_level() > PESX_LOG_QUIET) {
        printf("# pesx vib %s: %zu atoms (%zu free), potential %s, Hessian step %g A, "
               "%zu force calls\n",
               argv[optind], frame.atoms->n, pesx_atoms_n_free(frame.atoms),
               pesx_potential_spec(pot), step, o.calls);
        if (v.n_removed)
            printf("# %zu rigid translation/rotation modes projected out\n", v.n_removed);
        pesx_vib_write_table(stdout, &v);
    }
    printf("%zu modes: %zu imaginary, %zu zero (|eigenvalue| <= %.2e), %zu real\n", v.n,
           v.n_negative, v.n_zero, v.tol, v.n - v.n_negative - v.n_zero);
    code = CMD_OK;
    if (thermo) {
        pesx_thermo t;
        double *mass = pesx_vib_masses(frame.atoms);
        st = mass ? pesx_thermo_ideal_gas(&v, frame.atoms->n, frame.atoms->x, mass, energy, &tp,
                                          &t)
                  : pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        free(mass);
        if (!st && v.n_removed == 0 && frame.atoms->n > 1)
            st = pesx_error_set(PESX_EINVAL, NULL, 0, "--thermo needs an isolated molecule "
                                                      "(no fixed atom, no periodic direction)");
        if (st) {
            code = cmd_fail(st);
            goto out_obj;
        }
        static const char *geometry[] = {"monatomic", "linear", "nonlinear"};
        printf("ideal gas at %g K, %g Pa, symmetry number %d, spin %g (%s, %zu vibrations):\n"
               "  E %.6f eV  ZPE %.6f eV  H %.6f eV  S %.6e eV/K  G %.6f eV\n",
               tp.temperature, tp.pressure, tp.symmetry, tp.spin, geometry[t.geometry], t.n_vib,
               t.energy, t.zpe, t.enthalpy, t.entropy, t.gibbs);
    }
    cmd_print_ledger(stdout, pot);
    if (modes && (st = write_modes(modes, &frame, &v)))
        code = cmd_fail(st);
out_obj:
    pesx_atoms_objective_release(&ao);
out:
    pesx_vib_release(&v);
    pesx_potential_free(pot);
    pesx_frame_release(&frame);
    return code;
}
