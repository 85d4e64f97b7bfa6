/* Shared helpers of the subcommands: messages, exit codes, option values. */
#include <config.h>
#include "cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *cmd_name = "pesx";

static void vreport(const char *fmt, va_list ap)
{
    fprintf(stderr, "pesx %s: error: ", cmd_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cmd_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
    return CMD_BAD_INPUT;
}

int cmd_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
    fprintf(stderr, "see 'pesx %s --help'\n", cmd_name);
    return CMD_BAD_INPUT;
}

int cmd_exit_status(int status)
{
    switch (status) {
    case PESX_OK: return CMD_OK;
    case PESX_EINVAL:
    case PESX_EIO: return CMD_BAD_INPUT;
    default: return CMD_FAILED;
    }
}

int cmd_fail(int status)
{
    char buf[2048];
    const pesx_error *e = pesx_error_last();
    if (e->code == PESX_OK)
        snprintf(buf, sizeof buf, "%s", pesx_strstatus(status));
    else
        pesx_error_format(e, buf, sizeof buf);
    fprintf(stderr, "pesx %s: error: %s\n", cmd_name, buf);
    return cmd_exit_status(status);
}

void cmd_print_usage(FILE *fp, const char *usage)
{
    fprintf(fp, "usage: %s", usage);
}

void cmd_quiet(void)
{
    pesx_log_set_level(PESX_LOG_QUIET);
}

void cmd_verbose(void)
{
    pesx_log_set_level(pesx_log_level() + 1);
}

int cmd_parse_double(const char *opt, const char *arg, double *out)
{
    if (pesx_parse_double(arg, out) != PESX_OK)
        return cmd_usage_error("option %s: '%s' is not a finite number", opt, arg);
    return CMD_OK;
}

int cmd_parse_positive(const char *opt, const char *arg, double *out)
{
    if (pesx_parse_double(arg, out) != PESX_OK || *out <= 0.0)
        return cmd_usage_error("option %s: '%s' is not a positive number", opt, arg);
    return CMD_OK;
}

int cmd_parse_nonnegative(const char *opt, const char *arg, double *out)
{
    if (pesx_parse_double(arg, out) != PESX_OK)
        return cmd_usage_error("option %s: '%s' is not a finite number", opt, arg);
    if (*out < 0.0)
        return cmd_usage_error("option %s: '%s' is negative; give a positive value (0 turns "
                               "the test off)", opt, arg);
    return CMD_OK;
}

int cmd_parse_count(const char *opt, const char *arg, long min, long max, long *out)
{
    if (pesx_parse_long(arg, min, max, out) != PESX_OK)
        return cmd_usage_error("option %s: '%s' is not an integer in [%ld, %ld]", opt, arg, min, max);
    return CMD_OK;
}

void cmd_default_output(const char *input, const char *suffix, char *buf, size_t size)
{
    const char *base = strrchr(input, '/');
    size_t len;
    base = base ? base + 1 : input;
    len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".xyz") == 0)
        len -= 4;
    else if (len > 7 && strcmp(base + len - 7, ".extxyz") == 0)
        len -= 7;
    snprintf(buf, size, "%.*s%s", (int)len, base, suffix);
}

int cmd_check_outputs(size_t n, const char *const *paths)
{
    for (size_t k = 0; k < n; k++) {
        int status;
        if (!paths[k])
            continue;
        pesx_error_clear();
        if ((status = pesx_output_check(paths[k])))
            return cmd_fail(status);
    }
    return CMD_OK;
}

int cmd_is_stdout(const char *path)
{
    struct stat a, b;
    if (strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0)
        return 1;
    return stat(path, &a) == 0 && fstat(STDOUT_FILENO, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

const char *cmd_plural(size_t n, const char *word, char *buf, size_t size)
{
    snprintf(buf, size, "%zu %s%s", n, word, n == 1 ? "" : "s");
    return buf;
}

void cmd_report_ledger(pesx_report *r, const pesx_potential *p)
{
    r->ledger_calls = pesx_potential_calls(p);
    r->ledger_seconds = pesx_potential_seconds(p);
}

void cmd_print_ledger(FILE *fp, const pesx_potential *p)
{
    fprintf(fp, "potential calls %zu (%.3f s wall in the potential)\n", pesx_potential_calls(p),
           pesx_potential_seconds(p));
}
