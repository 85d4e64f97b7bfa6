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
int cmd_parse_count(const char *opt, const char *arg, long min, long max, long *out);

/* Default output name: INPUT's base name in the current directory, without
 * .xyz/.extxyz, followed by SUFFIX ("start.xyz", ".opt.xyz" -> "start.opt.xyz"). */
void cmd_default_output(const char *input, const char *suffix, char *buf, size_t size);

/* Open "-p SPEC", printing the error (and the valid names) on failure. */
pesx_potential *cmd_open_potential(const char *spec);

/* Read frame -1 (the last) of PATH, printing the error on failure. */
int cmd_read_structure(const char *path, pesx_frame *f);

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
