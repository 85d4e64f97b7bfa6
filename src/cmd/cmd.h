/* pesx cmd: one file per subcommand.  The only layer that prints or exits.
 * Each command is `int cmd_NAME(int argc, char **argv)` (argv[0] = "NAME")
 * returning the exit status: 0 success, 1 the computation failed or did not
 * converge, 2 bad usage or bad input. */
#ifndef PESX_CMD_H
#define PESX_CMD_H

#include <stdio.h>
#include <pesx/util.h>
#include <pesx/structure.h>
#include <pesx/io.h>
#include <pesx/potential.h>
#include <pesx/opt.h>
#include <pesx/path_report.h>

enum { CMD_OK = 0, CMD_FAILED = 1, CMD_BAD_INPUT = 2 };

/* The running subcommand's name, for messages ("eval"). */
extern const char *cmd_name;

/* "pesx CMD: error: ..." on stderr; returns CMD_BAD_INPUT. */
int cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the library's last error as "pesx CMD: error: FILE:LINE: what"
 * and return the exit status for STATUS (PESX_EINVAL/EIO -> 2, else 1). */
int cmd_fail(int status);
/* Exit status for a library status without printing. */
int cmd_exit_status(int status);
/* Bad usage: message, then "see pesx CMD --help"; returns CMD_BAD_INPUT. */
int cmd_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Usage text convention (tests/cli/synopsis.sh checks it against the man
 * page): `--help` prints "usage: " followed by the SYNOPSIS lines of
 * man/pesx-CMD.1 (continuation lines indented), a blank line, then options. */
void cmd_print_usage(FILE *fp, const char *usage);

/* Options every command shares: -q/--quiet, -v/--verbose (repeatable). */
#define CMD_COMMON_LONG_OPTIONS \
    {"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'}, \
    {"help", no_argument, NULL, 'h'}
void cmd_quiet(void);
void cmd_verbose(void);

/* Parse option values with a clear error naming the option. */
int cmd_parse_double(const char *opt, const char *arg, double *out);
int cmd_parse_positive(const char *opt, const char *arg, double *out);
/* >= 0, for tolerances where 0 turns a test off. */
int cmd_parse_nonnegative(const char *opt, const char *arg, double *out);
int cmd_parse_count(const char *opt, const char *arg, long min, long max, long *out);

/* Default output name: INPUT's base name in the current directory, without
 * .xyz/.extxyz, followed by SUFFIX ("start.xyz", ".opt.xyz" -> "start.opt.xyz"). */
void cmd_default_output(const char *input, const char *suffix, char *buf, size_t size);

/* Before any work: each of the N paths that is not NULL must be writable
 * (pesx_output_check); prints the error of the first that is not and
 * returns its exit status (1), else CMD_OK. */
int cmd_check_outputs(size_t n, const char *const *paths);
/* 1 when PATH writes to standard output ("-", /dev/stdout, or the file or
 * device stdout is open on), so tables and progress must go to stderr. */
int cmd_is_stdout(const char *path);

/* "N WORD" or "N WORDs" (1 step, 2 steps) into BUF; returns BUF. */
const char *cmd_plural(size_t n, const char *word, char *buf, size_t size);

/* Open "-p SPEC", printing the error (and the valid names) on failure. */
pesx_potential *cmd_open_potential(const char *spec);

/* The potential's ledger (calls, wall seconds so far) into report R. */
void cmd_report_ledger(pesx_report *r, const pesx_potential *p);
/* The same as one line of stdout, for commands without a report. */
void cmd_print_ledger(FILE *fp, const pesx_potential *p);

/* Read frame -1 (the last) of PATH, printing the error on failure. */
int cmd_read_structure(const char *path, pesx_frame *f);

/* --fix LIST, for the commands that relax: the option's table entry and
 * getopt value (case CMD_OPT_FIX: cmd_set_fix(optarg); break;). */
enum { CMD_OPT_FIX = 1000 };
#define CMD_FIX_OPTION {"fix", required_argument, NULL, CMD_OPT_FIX}
void cmd_set_fix(const char *list);
/* Fix the atoms of --fix in A (read from PATH); CMD_OK when none given. */
int cmd_apply_fix(const char *path, pesx_atoms *a);
/* A start structure of a relaxation: cmd_read_structure, then the atoms of
 * --fix fixed (pesx_atoms_select), and a warning, once per run, when it is
 * a slab (pesx_atoms_vacuum) with no fixed atom. */
int cmd_read_relax_start(const char *path, pesx_frame *f);

/* Warn that N_EXTRAPOLATING atoms of A (WHAT: "frame 3") lie outside the
 * potential's training range; when all do, say once which units to try (an
 * n2p2 directory read without length=/energy= is tried in Bohr and
 * Hartree, and the result told). */
void cmd_warn_extrapolation(const pesx_potential *pot, const char *what, const pesx_atoms *a,
                            size_t n_extrapolating);

/* SIGINT/SIGTERM set a flag instead of killing the process, so a long run
 * can stop at the next step and write its outputs (and checkpoint). */
void cmd_catch_interrupt(void);
int cmd_interrupted(void);

/* The command table's names and summaries (main.c), for `pesx help`. */
void cmd_list_commands(FILE *fp);

/* Commands (src/cmd/NAME.c). */
int cmd_help(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_opt(int argc, char **argv);
int cmd_saddle(int argc, char **argv);
int cmd_vib(int argc, char **argv);
int cmd_neb(int argc, char **argv);
int cmd_barrier(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_fit(int argc, char **argv);

#endif
