/* pesx eval: energy, forces and per-atom energies of every frame of a file. */
#include <config.h>
#include "cmd.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/fit.h>
#include <pesx/io_dataset.h>

static const char usage[] =
    "pesx eval FILE -p POT [-o OUT.xyz] [--summary] [-q] [-v]\n"
    "\n"
    "  FILE                  extended XYZ, data.xml or n2p2 input.data (as pesx fit\n"
    "                        reads them); reference energies and forces in it are\n"
    "                        compared with the potential's\n"
    "  -p, --potential SPEC  the potential (see 'pesx help potentials')\n"
    "  -o, --output FILE     write every frame as extended XYZ with energy=, forces,\n"
    "                        energies (per atom) and, for a committee, energy_std= and\n"
    "                        forces_std\n"
    "      --summary         one line per frame, not the per-atom table, then the\n"
    "                        errors against the reference (RMSE, MAE, largest)\n"
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

/* K counts from 0; frames and atoms are shown counting from 1. */
static void print_frame(size_t k, const pesx_frame *fr, const pesx_potential_result *r, int summary)
{
    const pesx_atoms *a = fr->atoms;
    printf("frame %zu: %zu atoms  energy %.10f eV", k + 1, a->n, r->energy);
    if (r->has_std)
        printf(" +- %.6f", r->energy_std);
    printf("  (%.10f eV/atom)  fmax %.6f eV/A", a->n ? r->energy / (double)a->n : 0.0,
           max_atom_force(a, r->forces));
    if (r->n_extrapolating)
        printf("  extrapolating atoms %zu", r->n_extrapolating);
    printf("\n");
    if (summary)
        return;
    printf("%6s %-3s %16s %16s %16s %16s\n", "atom", "el", "E_atom/eV", "Fx/(eV/A)", "Fy/(eV/A)",
           "Fz/(eV/A)");
    for (size_t i = 0; i < a->n; i++) {
        const char *sym = pesx_element_symbol(a->z[i]);
        if (r->atom_energies)
            printf("%6zu %-3s %16.10f", i + 1, sym ? sym : "X", r->atom_energies[i]);
        else /* the method has no atom energies */
            printf("%6zu %-3s %16s", i + 1, sym ? sym : "X", "-");
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

/* Errors against the reference, as n2p2's nnp-dataset reports them:
 * energy per atom over structures, forces over every component. */
typedef struct {
    pesx_fit_errors e;
    size_t n_frames, n_force_frames;
} eval_errors;

static void errors_add(eval_errors *e, size_t k, const pesx_frame *fr,
                       const pesx_potential_result *r)
{
    size_t n = fr->atoms->n;
    e->n_frames++;
    if (fr->has_energy && n)
        pesx_fit_errors_add_energy(&e->e, k, (r->energy - fr->energy) / (double)n);
    if (fr->has_forces) {
        e->n_force_frames++;
        pesx_fit_errors_add_forces(&e->e, k, r->forces, fr->forces, 3 * n);
    }
}

static void errors_print(const eval_errors *x)
{
    const pesx_fit_errors *e = &x->e;
    printf("errors against the reference: %zu of %zu frame%s with energies, %zu with forces "
           "(%zu force components)\n",
           e->n_struct, x->n_frames, x->n_frames == 1 ? "" : "s", x->n_force_frames, e->n_force);
    if (e->n_struct)
        printf("  energy  RMSE %.6g  MAE %.6g  max %.6g meV/atom (frame %zu)\n",
               1e3 * pesx_fit_errors_rmse_e(e), 1e3 * e->e_sae / (double)e->n_struct,
               1e3 * e->e_max, e->e_max_at + 1);
    if (e->n_force)
        printf("  forces  RMSE %.6g  MAE %.6g  max %.6g meV/A (frame %zu)\n",
               1e3 * pesx_fit_errors_rmse_f(e), 1e3 * e->f_sae / (double)e->n_force,
               1e3 * e->f_max, e->f_max_at + 1);
}

typedef struct {
    pesx_potential *pot;
    const char *input, *output;
    int summary;            /* 1: line per frame; 0: and the atom table; -1: quiet */
    eval_buffers buf;
    pesx_frame *kept;       /* the frames for -o */
    size_t n_frames, cap_frames;
    eval_errors err;
} eval_run;

/* Evaluate FR (its energy and forces, when present, are the reference);
 * with -o the frame is annotated and kept (FR is then reinitialised). */
static int eval_frame(eval_run *R, pesx_frame *fr)
{
    pesx_potential_result r;
    int status;
    if ((status = buffers_reserve(&R->buf, fr->atoms->n, pesx_potential_n_members(R->pot))))
        return status;
    memset(&r, 0, sizeof r);
    r.forces = R->buf.forces;
    if (!(pesx_potential_flags(R->pot) & PESX_POTENTIAL_NO_ATOM_ENERGIES))
        r.atom_energies = R->buf.atom_energies;
    r.forces_std = R->buf.forces_std;
    r.member_energies = R->buf.member_energies;
    r.extrapolating = R->buf.extrapolating;
    if ((status = pesx_potential_eval(R->pot, fr->atoms, &r))) {
        pesx_error_prefix("%s: frame %zu (line %ld)", R->input, R->n_frames + 1, fr->line);
        return status;
    }
    if (R->summary >= 0)
        print_frame(R->n_frames, fr, &r, R->summary);
    if (r.n_extrapolating) {
        char what[64];
        snprintf(what, sizeof what, "frame %zu", R->n_frames + 1);
        cmd_warn_extrapolation(R->pot, what, fr->atoms, r.n_extrapolating);
    }
    errors_add(&R->err, R->n_frames, fr, &r);
    if (R->output) {
        if ((status = pesx_array_reserve(&R->kept, &R->cap_frames, R->n_frames + 1,
                                         sizeof *R->kept, 8)) ||
            (status = annotate(fr, &r)))
            return status;
        R->kept[R->n_frames] = *fr; /* take ownership; start a fresh one */
        pesx_frame_init(fr);
    }
    R->n_frames++;
    return PESX_OK;
}

/* A data-set entry (data.xml, input.data) as a frame with its reference. */
static int eval_entry(const pesx_dataset_entry *e, size_t index, void *ctx)
{
    pesx_frame fr;
    size_t n = e->atoms->n;
    int status = PESX_OK;
    (void)index;
    pesx_frame_init(&fr);
    if (!(fr.atoms = pesx_atoms_clone(e->atoms)) ||
        !(fr.forces = malloc((3 * n + 1) * sizeof(double))))
        status = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    if (!status) {
        memcpy(fr.forces, e->forces, 3 * n * sizeof(double));
        fr.has_forces = fr.has_energy = 1;
        fr.energy = e->energy;
        fr.line = e->line;
        if (e->id && *e->id)
            status = pesx_frame_add_info(&fr, "id", e->id);
    }
    if (!status)
        status = eval_frame(ctx, &fr);
    pesx_frame_release(&fr);
    return status;
}

static int eval_xyz(eval_run *R)
{
    pesx_xyz_reader *reader = pesx_xyz_open(R->input);
    pesx_frame frame;
    int status = PESX_OK, got;
    if (!reader)
        return pesx_error_last()->code;
    pesx_frame_init(&frame);
    while (!(status = pesx_xyz_next(reader, &frame, &got)) && got)
        if ((status = eval_frame(R, &frame)))
            break;
    pesx_frame_release(&frame);
    pesx_xyz_close(reader);
    return status;
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
    const char *spec = NULL;
    int summary = 0, c, status = PESX_OK, exit_code = CMD_OK;
    pesx_data_format fmt;
    eval_run R;

    memset(&R, 0, sizeof R);
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:o:qvh", options, NULL)) != -1) {
        switch (c) {
        case 'p': spec = optarg; break;
        case 'o': R.output = optarg; break;
        case 'S': summary = 1; break;
        case 'q': cmd_quiet(); break;
        case 'v': cmd_verbose(); break;
        case 'h': cmd_print_usage(stdout, usage); return CMD_OK;
        default: return cmd_usage_error("unknown option");
        }
    }
    if (optind != argc - 1)
        return cmd_usage_error(optind >= argc ? "an input file is required" : "exactly one input file, please");
    R.input = argv[optind];
    R.summary = pesx_log_level() == PESX_LOG_QUIET ? -1 : summary;
    if ((exit_code = cmd_check_outputs(1, &R.output)))
        return exit_code;
    if (!(R.pot = cmd_open_potential(spec)))
        return CMD_BAD_INPUT;
    pesx_error_clear();
    fmt = pesx_data_format_guess(R.input);
    if (fmt == PESX_DATA_N2P2 || fmt == PESX_DATA_XML || pesx_dataset_is_xml(R.input))
        status = pesx_data_read_stream(R.input, fmt == PESX_DATA_N2P2 ? fmt : PESX_DATA_XML, 1.0,
                                       1.0, eval_entry, &R, NULL);
    else
        status = eval_xyz(&R);
    if (!status && R.n_frames == 0)
        status = pesx_error_set(PESX_EINVAL, R.input, 0, "no structure in the file");
    if (!status && R.summary >= 0 && R.err.e.n_struct + R.err.n_force_frames > 0)
        errors_print(&R.err);
    if (!status && R.output)
        status = pesx_xyz_write_file(R.output, R.kept, R.n_frames);
    if (status)
        exit_code = cmd_fail(status);
    else if (R.output)
        pesx_info("wrote %zu frame%s to %s", R.n_frames, R.n_frames == 1 ? "" : "s", R.output);
    if (!status && R.summary == 0) /* --summary keeps one line per frame */
        cmd_print_ledger(stdout, R.pot);
    if (R.kept)
        pesx_frames_free(R.kept, R.output ? R.n_frames : 0);
    buffers_release(&R.buf);
    pesx_potential_free(R.pot);
    return exit_code;
}
