/* pesx eval: energy, forces and per-atom energies of every frame of a file. */
#include <config.h>
#include "cmd.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "pesx eval FILE.xyz -p POT [-o OUT.xyz] [--summary] [-q] [-v]\n"
    "\n"
    "  -p, --potential SPEC  the potential (see 'pesx help potentials')\n"
    "  -o, --output FILE     write every frame as extended XYZ with energy=, forces,\n"
    "                        energies (per atom) and, for a committee, energy_std= and\n"
    "                        forces_std\n"
    "      --summary         print one line per frame, not the per-atom table\n"
    "  -q, --quiet           print nothing but errors\n"
    "  -v, --verbose         more messages on stderr\n";

typedef struct {
    double *forces, *atom_energies, *forces_std, *member_energies;
    unsigned char *extrapolating;
    size_t cap;
} eval_buffers;

static int buffers_reserve(eval_buffers *b, size_t n, size_t members)
{
    if (n <= b->cap && b->member_energies)
        return PESX_OK;
    free(b->forces);
    free(b->atom_energies);
    free(b->forces_std);
    free(b->extrapolating);
    free(b->member_energies);
    b->cap = n;
    b->forces = calloc(3 * n + 1, sizeof(double));
    b->atom_energies = calloc(n + 1, sizeof(double));
    b->forces_std = calloc(3 * n + 1, sizeof(double));
    b->extrapolating = calloc(n + 1, 1);
    b->member_energies = calloc(members + 1, sizeof(double));
    if (!b->forces || !b->atom_energies || !b->forces_std || !b->extrapolating || !b->member_energies)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory for %zu atoms", n);
    return PESX_OK;
}

static void buffers_release(eval_buffers *b)
{
    free(b->forces);
    free(b->atom_energies);
    free(b->forces_std);
    free(b->extrapolating);
    free(b->member_energies);
}

static double max_atom_force(const pesx_atoms *a, const double *f)
{
    double m = 0.0;
    for (size_t i = 0; i < a->n; i++) {
        double n2 = f[3 * i] * f[3 * i] + f[3 * i + 1] * f[3 * i + 1] + f[3 * i + 2] * f[3 * i + 2];
        if (!(a->fixed && a->fixed[i]) && n2 > m)
            m = n2;
    }
    return sqrt(m);
}

static void print_frame(size_t k, const pesx_frame *fr, const pesx_potential_result *r, int summary)
{
    const pesx_atoms *a = fr->atoms;
    printf("frame %zu: %zu atoms  energy %.10f eV", k, a->n, r->energy);
    if (r->has_std)
        printf(" +- %.6f", r->energy_std);
    printf("  (%.10f eV/atom)  fmax %.6f eV/A", a->n ? r->energy / (double)a->n : 0.0,
           max_atom_force(a, r->forces));
    if (r->n_extrapolating)
        printf("  extrapolating atoms %zu", r->n_extrapolating);
    printf("\n");
    if (r->n_extrapolating)
        pesx_warn("frame %zu: %zu atoms have descriptors outside the training range", k,
                  r->n_extrapolating);
    if (summary)
        return;
    printf("%6s %-3s %16s %16s %16s %16s\n", "atom", "el", "E_atom/eV", "Fx/(eV/A)", "Fy/(eV/A)",
           "Fz/(eV/A)");
    for (size_t i = 0; i < a->n; i++) {
        const char *sym = pesx_element_symbol(a->z[i]);
        if (r->atom_energies)
            printf("%6zu %-3s %16.10f", i, sym ? sym : "X", r->atom_energies[i]);
        else /* the method has no atom energies */
            printf("%6zu %-3s %16s", i, sym ? sym : "X", "-");
        printf(" %16.10f %16.10f %16.10f%s\n", r->forces[3 * i], r->forces[3 * i + 1],
               r->forces[3 * i + 2], r->extrapolating[i] ? "  extrapolating" : "");
    }
}

/* Store the results in the frame, for the output file. */
static int annotate(pesx_frame *fr, const pesx_potential_result *r)
{
    size_t n = fr->atoms->n;
    int status;
    fr->has_energy = 1;
    fr->energy = r->energy;
    if (!fr->forces && !(fr->forces = malloc((3 * n + 1) * sizeof(double))))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    memcpy(fr->forces, r->forces, 3 * n * sizeof(double));
    fr->has_forces = 1;
    if (r->atom_energies && (status = pesx_frame_set_extra(fr, "energies", 1, r->atom_energies)))
        return status;
    if (r->has_std) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", r->energy_std);
        if ((status = pesx_frame_add_info(fr, "energy_std", buf)) ||
            (status = pesx_frame_set_extra(fr, "forces_std", 3, r->forces_std)))
            return status;
    }
    if (r->n_extrapolating) {
        double *flag = malloc((n + 1) * sizeof(double));
        if (!flag)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        for (size_t i = 0; i < n; i++)
            flag[i] = r->extrapolating[i];
        status = pesx_frame_set_extra(fr, "extrapolating", 1, flag);
        free(flag);
        if (status)
            return status;
    }
    return PESX_OK;
}

int cmd_eval(int argc, char **argv)
{
    static const struct option options[] = {
        {"potential", required_argument, NULL, 'p'},
        {"output", required_argument, NULL, 'o'},
        {"summary", no_argument, NULL, 'S'},
        CMD_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *spec = NULL, *output = NULL, *input;
    int summary = 0, c, status = PESX_OK, exit_code = CMD_OK;
    pesx_potential *pot = NULL;
    pesx_xyz_reader *reader = NULL;
    pesx_frame frame, *kept = NULL;
    size_t n_frames = 0, cap_frames = 0;
    eval_buffers buf = {0};

    optind = 1;
    while ((c = getopt_long(argc, argv, "p:o:qvh", options, NULL)) != -1) {
        switch (c) {
        case 'p': spec = optarg; break;
        case 'o': output = optarg; break;
        case 'S': summary = 1; break;
        case 'q': cmd_quiet(); break;
        case 'v': cmd_verbose(); break;
        case 'h': cmd_print_usage(stdout, usage); return CMD_OK;
        default: return cmd_usage_error("unknown option");
        }
    }
    if (optind != argc - 1)
        return cmd_usage_error(optind >= argc ? "an input file is required" : "exactly one input file, please");
    input = argv[optind];
    if (!(pot = cmd_open_potential(spec)))
        return CMD_BAD_INPUT;
    if (!(reader = pesx_xyz_open(input))) {
        pesx_potential_free(pot);
        return cmd_fail(pesx_error_last()->code);
    }
    if (pesx_log_level() == PESX_LOG_QUIET)
        summary = -1; /* print nothing */
    pesx_frame_init(&frame);
    for (;;) {
        int got;
        pesx_potential_result r;
        if ((status = pesx_xyz_next(reader, &frame, &got)))
            break;
        if (!got)
            break;
        if ((status = buffers_reserve(&buf, frame.atoms->n, pesx_potential_n_members(pot))))
            break;
        memset(&r, 0, sizeof r);
        r.forces = buf.forces;
        if (!(pesx_potential_flags(pot) & PESX_POTENTIAL_NO_ATOM_ENERGIES))
            r.atom_energies = buf.atom_energies;
        r.forces_std = buf.forces_std;
        r.member_energies = buf.member_energies;
        r.extrapolating = buf.extrapolating;
        if ((status = pesx_potential_eval(pot, frame.atoms, &r))) {
            pesx_error_prefix("%s: frame %zu (line %ld)", input, n_frames, frame.line);
            break;
        }
        if (summary >= 0)
            print_frame(n_frames, &frame, &r, summary);
        if (output) {
            if ((status = pesx_array_reserve(&kept, &cap_frames, n_frames + 1, sizeof *kept, 8)))
                break;
            if ((status = annotate(&frame, &r)))
                break;
            kept[n_frames] = frame; /* take ownership; start a fresh one */
            pesx_frame_init(&frame);
        }
        n_frames++;
    }
    if (!status && n_frames == 0)
        status = pesx_error_set(PESX_EINVAL, input, 0, "no structure in the file");
    if (!status && output)
        status = pesx_xyz_write_file(output, kept, n_frames);
    if (status)
        exit_code = cmd_fail(status);
    else if (output)
        pesx_info("wrote %zu frame%s to %s", n_frames, n_frames == 1 ? "" : "s", output);
    pesx_frame_release(&frame);
    if (kept)
        pesx_frames_free(kept, output ? n_frames : 0);
    buffers_release(&buf);
    pesx_xyz_close(reader);
    pesx_potential_free(pot);
    return exit_code;
}
