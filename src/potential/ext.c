/* An external program as a potential, for codes with neither a library
 * nor a socket.  For every structure pesx makes a private temporary
 * directory (mkdtemp, mode 0700), writes the structure there as extended
 * XYZ (pesx's writer: Lattice, pbc), runs
 *     SCRIPT DIR/in.xyz DIR/out.xyz
 * with DIR as its working directory (codes that leave scratch files leave
 * them there), reads DIR/out.xyz with pesx's reader (energy= in eV and a
 * forces column in eV/Angstrom, as ASE writes them) and removes DIR.  The
 * script's standard output goes to stderr at -v and is discarded
 * otherwise; its standard error passes through.  A script that cannot be
 * run, exits non-zero or is killed, or writes no, a malformed or a wrong
 * output (atom count, elements, positions, missing energy or forces,
 * non-finite numbers) is an EFAILED error naming the script and what was
 * wrong. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pesx/io.h>
#include "potential_impl.h"

typedef struct {
    char script[4096]; /* absolute path */
} ext_state;

static int ext_init(void *state, pesx_params *p)
{
    ext_state *s = state;
    const char *path = pesx_potential_param_string(p, "script");
    struct stat st;
    if (!path || !*path)
        return pesx_potential_param_error(p, "script",
                                          "ext: parameter script= is required "
                                          "(-p ext:script=PATH; PATH is run as PATH IN.xyz "
                                          "OUT.xyz)");
    if (stat(path, &st) != 0)
        return pesx_potential_param_error(p, "script", "ext: script %s: %s", path,
                                          strerror(errno));
    if (!S_ISREG(st.st_mode))
        return pesx_potential_param_error(p, "script", "ext: script %s is not a regular file",
                                          path);
    if (access(path, X_OK) != 0)
        return pesx_potential_param_error(p, "script",
                                          "ext: script %s is not executable (chmod +x it)",
                                          path);
    if (!realpath(path, s->script))
        return pesx_potential_param_error(p, "script", "ext: script %s: %s", path,
                                          strerror(errno));
    return PESX_OK;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Run the script on IN and OUT in DIR; PESX_OK when it exited with 0. */
static int run_script(const ext_state *s, const char *dir, const char *in, const char *out)
{
    int report[2], status, err = 0;
    int verbose = pesx_log_level() >= PESX_LOG_INFO;
    pid_t pid;
    ssize_t got;
    fflush(NULL);
    if (pipe(report) != 0)
        return pesx_error_set(PESX_EFAILED, NULL, 0, "ext: script %s: cannot make a pipe: %s",
                              s->script, strerror(errno));
    fcntl(report[1], F_SETFD, FD_CLOEXEC);
    pid = fork();
    if (pid < 0) {
        err = errno;
        close(report[0]);
        close(report[1]);
        return pesx_error_set(PESX_EFAILED, NULL, 0, "ext: script %s: cannot fork: %s",
                              s->script, strerror(err));
    }
    if (pid == 0) {
        char *argv[4];
        int fd = verbose ? STDERR_FILENO : open("/dev/null", O_WRONLY);
        argv[0] = (char *)s->script;
        argv[1] = (char *)in;
        argv[2] = (char *)out;
        argv[3] = NULL;
        close(report[0]);
        if (fd >= 0)
            dup2(fd, STDOUT_FILENO);
        if (chdir(dir) == 0)
            execv(s->script, argv);
        err = errno;
        if (write(report[1], &err, sizeof err) < 0)
            _exit(127);
        _exit(127);
    }
    close(report[1]);
    do
        got = read(report[0], &err, sizeof err);
    while (got < 0 && errno == EINTR);
    close(report[0]);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return pesx_error_set(PESX_EFAILED, NULL, 0, "ext: script %s: waitpid: %s",
                                  s->script, strerror(errno));
    if (got == (ssize_t)sizeof err)
        return pesx_error_set(PESX_EFAILED, NULL, 0, "ext: script %s cannot be run: %s",
                              s->script, strerror(err));
    if (WIFSIGNALED(status))
        return pesx_error_set(PESX_EFAILED, NULL, 0, "ext: script %s was killed by signal %d",
                              s->script, WTERMSIG(status));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return pesx_error_set(PESX_EFAILED, NULL, 0, "ext: script %s exited with status %d",
                              s->script, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return PESX_OK;
}

/* Check the script's output frame against the input structure A. */
static int check_output(const ext_state *s, const pesx_atoms *a, const pesx_frame *fr)
{
    const pesx_atoms *b = fr->atoms;
    if (b->n != a->n)
        return pesx_error_set(PESX_EFAILED, NULL, 0,
                              "ext: script %s: its output has %zu atoms, the input %zu",
                              s->script, b->n, a->n);
    if (!fr->has_energy)
        return pesx_error_set(PESX_EFAILED, NULL, 0,
                              "ext: script %s: its output has no energy= on the comment line",
                              s->script);
    if (!fr->has_forces)
        return pesx_error_set(PESX_EFAILED, NULL, 0,
                              "ext: script %s: its output has no forces column "
                              "(Properties=...:forces:R:3)",
                              s->script);
    if (!isfinite(fr->energy))
        return pesx_error_set(PESX_EFAILED, NULL, 0,
                              "ext: script %s: its output's energy is not finite", s->script);
    for (size_t i = 0; i < a->n; i++) {
        if (b->z[i] != a->z[i])
            return pesx_error_set(PESX_EFAILED, NULL, 0,
                                  "ext: script %s: atom %zu of its output is %s, the input's "
                                  "is %s",
                                  s->script, i + 1, pesx_element_symbol(b->z[i]),
                                  pesx_element_symbol(a->z[i]));
        for (int k = 0; k < 3; k++) {
            if (!isfinite(fr->forces[3 * i + k]))
                return pesx_error_set(PESX_EFAILED, NULL, 0,
                                      "ext: script %s: the force on atom %zu of its output "
                                      "is not finite",
                                      s->script, i + 1);
            if (fabs(b->x[3 * i + k] - a->x[3 * i + k]) > 1e-6 * (1 + fabs(a->x[3 * i + k])))
                return pesx_error_set(PESX_EFAILED, NULL, 0,
                                      "ext: script %s: atom %zu of its output is not where the "
                                      "input put it (atoms reordered or moved?)",
                                      s->script, i + 1);
        }
    }
    return PESX_OK;
}

static int ext_eval(void *state, const pesx_atoms *a, pesx_potential_result *r)
{
    ext_state *s = state;
    const char *tmp = getenv("TMPDIR");
    char dir[4096], in[4200], out[4200];
    pesx_frame fr;
    int status;
    struct stat st;
    snprintf(dir, sizeof dir, "%s/pesx-ext.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return pesx_error_set(PESX_EFAILED, NULL, 0,
                              "ext: cannot make a temporary directory %s: %s", dir,
                              strerror(errno));
    snprintf(in, sizeof in, "%s/in.xyz", dir);
    snprintf(out, sizeof out, "%s/out.xyz", dir);
    pesx_frame_init(&fr);
    fr.atoms = (pesx_atoms *)a; /* borrowed: not released below */
    status = pesx_xyz_write_file(in, &fr, 1);
    fr.atoms = NULL;
    pesx_frame_release(&fr);
    if (status) {
        pesx_error_prefix("ext: writing the input of script %s", s->script);
        goto done;
    }
    if ((status = run_script(s, dir, in, out)))
        goto done;
    if (stat(out, &st) != 0) {
        status = pesx_error_set(PESX_EFAILED, NULL, 0,
                                "ext: script %s exited with 0 but wrote no output file "
                                "(its second argument)",
                                s->script);
        goto done;
    }
    pesx_frame_init(&fr);
    if ((status = pesx_xyz_read_frame(out, 0, &fr))) {
        const pesx_error *e = pesx_error_last();
        char what[1100];
        snprintf(what, sizeof what, "%s", e->msg);
        if (e->line > 0)
            status = pesx_error_set(PESX_EFAILED, NULL, 0,
                                    "ext: script %s: malformed output (line %ld): %s",
                                    s->script, e->line, what);
        else
            status = pesx_error_set(PESX_EFAILED, NULL, 0,
                                    "ext: script %s: malformed output: %s", s->script, what);
    } else if (!(status = check_output(s, a, &fr))) {
        r->energy = fr.energy;
        if (r->forces)
            memcpy(r->forces, fr.forces, 3 * a->n * sizeof *r->forces);
    }
    pesx_frame_release(&fr);
done:
    remove_tree(dir);
    return status;
}

const pesx_potential_type pesx_potential_ext = {
    .name = "ext",
    .summary = "an external program per structure: SCRIPT IN.xyz OUT.xyz (extended XYZ)",
    .params_doc = "script=PATH (run as PATH IN.xyz OUT.xyz in a private temporary directory; "
                  "OUT.xyz: extended XYZ with energy= (eV) and forces (eV/Angstrom))",
    .state_size = sizeof(ext_state),
    .init = ext_init,
    .eval = ext_eval,
    .flags = PESX_POTENTIAL_NO_ATOM_ENERGIES,
};
