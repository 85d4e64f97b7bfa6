/* Logging: one stream, one verbosity level.  Library code reports progress
 * and warnings here; only src/cmd/ prints results. */
#include <config.h>
#include <pesx/util.h>

#include <stdarg.h>
#include <stdio.h>

static int log_level = PESX_LOG_INFO;
static FILE *log_stream;
static const char *log_prefix;

void pesx_log_set_level(int level)
{
    log_level = level < PESX_LOG_QUIET ? PESX_LOG_QUIET : level;
}

int pesx_log_level(void)
{
    return log_level;
}

void pesx_log_set_stream(FILE *stream)
{
    log_stream = stream;
}

void pesx_log_set_prefix(const char *prefix)
{
    log_prefix = prefix;
}

FILE *pesx_log_stream(void)
{
    return log_stream ? log_stream : stderr;
}

void pesx_log(int level, const char *fmt, ...)
{
    va_list ap;
    FILE *fp = pesx_log_stream();
    if (level > log_level || level <= PESX_LOG_QUIET)
        return;
    if (level == PESX_LOG_WARN)
        fprintf(fp, "%s%swarning: ", log_prefix ? log_prefix : "", log_prefix ? ": " : "");
    va_start(ap, fmt);
    vfprintf(fp, fmt, ap);
    va_end(ap);
    fputc('\n', fp);
    fflush(fp);
}
