/* Shared input handling of the subcommands: potentials, structures and
 * the SIGINT flag that lets long runs stop cleanly and write their state. */
#include <config.h>
#include "cmd.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

pesx_potential *cmd_open_potential(const char *spec)
{
    pesx_potential *p;
    if (!spec || !*spec) {
        cmd_usage_error("a potential is required: -p SPEC (see 'pesx help potentials')");
        return NULL;
    }
    pesx_error_clear();
    p = pesx_potential_open(spec);
    if (!p)
        cmd_fail(pesx_error_last()->code ? pesx_error_last()->code : PESX_EINVAL);
    return p;
}

int cmd_read_structure(const char *path, pesx_frame *f)
{
    int status;
    pesx_error_clear();
    status = pesx_xyz_read_frame(path, -1, f);
    return status ? cmd_fail(status) : CMD_OK;
}

static const char *fix_list;

void cmd_set_fix(const char *list)
{
    fix_list = list;
}

/* An empty layer this wide (A) along a periodic direction is vacuum. */
#define SLAB_MIN_VACUUM 5.0

/* "z<V" fixing the lower half of a slab whose vacuum is along Cartesian z
 * and whose atoms do not wrap across the cell boundary; "" otherwise. */
static void lower_half_hint(const pesx_atoms *a, int dir, char *buf, size_t size)
{
    double lo = INFINITY, hi = -INFINITY;
    buf[0] = '\0';
    if (dir != 2 || a->cell[6] != 0.0 || a->cell[7] != 0.0 || a->cell[2] != 0.0 ||
        a->cell[5] != 0.0)
        return;
    for (size_t i = 0; i < a->n; i++) {
        double z = a->x[3 * i + 2];
        lo = z < lo ? z : lo;
        hi = z > hi ? z : hi;
    }
    if (a->pbc[2] && (lo < 0.0 || hi > a->cell[8]))
        return;
    snprintf(buf, size, "'z<%.2f' (the lower half) or ", 0.5 * (lo + hi));
}

static void warn_unfixed_slab(const char *path, const pesx_atoms *a)
{
    static int warned;
    char hint[64];
    double gap;
    int dir;
    if (warned || pesx_atoms_n_free(a) != a->n || (dir = pesx_atoms_vacuum(a, SLAB_MIN_VACUUM, &gap)) < 0)
        return;
    warned = 1;
    lower_half_hint(a, dir, hint, sizeof hint);
    if (isinf(gap))
        pesx_warn("%s is a slab (open along %c) with no fixed atom: every layer will relax; "
                  "fix the bulk-like layers with --fix %s1-based numbers such as 1-16, or a "
                  "move_mask column (F = fixed; ASE writes it for FixAtoms)",
                  path, "abc"[dir], hint);
    else
        pesx_warn("%s is a slab (%.1f A of vacuum along %c) with no fixed atom: every layer will "
                  "relax; fix the bulk-like layers with --fix %s1-based numbers such as 1-16, "
                  "or a move_mask column (F = fixed; ASE writes it for FixAtoms)",
                  path, gap, "abc"[dir], hint);
}

int cmd_apply_fix(const char *path, pesx_atoms *a)
{
    unsigned char *sel;
    if (!fix_list)
        return CMD_OK;
    if (!(sel = malloc(a->n + 1)))
        return cmd_fail(pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory"));
    pesx_error_clear();
    if (pesx_atoms_select(a, fix_list, sel)) {
        free(sel);
        return cmd_usage_error("--fix: %s", pesx_error_last()->msg);
    }
    size_t n_selected = 0;
    for (size_t i = 0; i < a->n; i++) {
        n_selected += sel[i];
        a->fixed[i] |= sel[i];
    }
    free(sel);
    if (!n_selected) /* z<5 on a slab at z=10: surely not what was meant */
        return cmd_usage_error("--fix %s selects no atom of %s", fix_list, path);
    if (pesx_atoms_n_free(a) == 0)
        return cmd_usage_error("--fix %s fixes every atom of %s: nothing can move", fix_list,
                               path);
    return CMD_OK;
}

int cmd_read_relax_start(const char *path, pesx_frame *f)
{
    int code = cmd_read_structure(path, f);
    if (!code && !(code = cmd_apply_fix(path, f->atoms)))
        warn_unfixed_slab(path, f->atoms);
    return code;
}

/* Atoms of A outside the training range of SPEC, or (size_t)-1 when SPEC
 * cannot be opened or evaluated. */
static size_t count_extrapolating(const char *spec, const pesx_atoms *a)
{
    pesx_potential_result r;
    pesx_potential *p;
    size_t n = (size_t)-1;
    memset(&r, 0, sizeof r);
    r.forces = malloc((3 * a->n + 1) * sizeof(double));
    r.extrapolating = malloc(a->n + 1);
    if (r.forces && r.extrapolating && (p = pesx_potential_open(spec))) {
        if (pesx_potential_eval(p, a, &r) == PESX_OK)
            n = r.n_extrapolating;
        pesx_potential_free(p);
    }
    free(r.forces);
    free(r.extrapolating);
    pesx_error_clear();
    return n;
}

void cmd_warn_extrapolation(const pesx_potential *pot, const char *what, const pesx_atoms *a,
                            size_t n_extrapolating)
{
    static int hinted;
    const char *spec = pesx_potential_spec(pot);
    char other[4200];
    size_t n_other;
    pesx_warn("%s: %zu of %zu atoms have descriptors outside the training range: their "
              "energies are extrapolations", what, n_extrapolating, a->n);
    if (hinted || n_extrapolating < a->n)
        return;
    hinted = 1;
    /* an n2p2 directory (n2p2:DIR or bpnn:n2p2=DIR; not any path that
     * merely contains "n2p2") read without its units */
    if ((strncmp(spec, "n2p2:", 5) == 0 || strstr(spec, "n2p2=")) && !strstr(spec, "length=") &&
        !strstr(spec, "energy=")) {
        snprintf(other, sizeof other, "%s,length=bohr,energy=hartree", spec);
        n_other = count_extrapolating(other, a);
        if (n_other == (size_t)-1)
            pesx_warn("every atom extrapolates: the n2p2 potential was read in Angstrom and eV; "
                      "if it is in Bohr and Hartree (as most are), use -p '%s'", other);
        else
            pesx_warn("every atom extrapolates: the n2p2 potential was read in Angstrom and eV; "
                      "read in Bohr and Hartree (-p '%s') %zu of %zu atoms extrapolate: %s",
                      other, n_other, a->n,
                      n_other < a->n ? "give its units with length= and energy="
                                     : "check the units of the structure and of input.nn");
    } else if (strstr(spec, "n2p2")) {
        pesx_warn("every atom extrapolates: are length= and energy= in '%s' the units of the "
                  "potential's input.nn, and is the structure in Angstrom?", spec);
    } else {
        pesx_warn("every atom extrapolates: is the structure in Angstrom (pesx reads positions in "
                  "Angstrom), and is it the kind of structure the potential was trained on?");
    }
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

void cmd_catch_interrupt(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cmd_interrupted(void)
{
    return interrupted != 0;
}
