/* The calling thread's last error: a status code plus where and what. */
#include <config.h>
#include <pesx/util.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local pesx_error last_error;

int pesx_error_setv(int code, const char *file, long line, const char *fmt, va_list ap)
{
    char msg[sizeof last_error.msg];
    /* format first: an argument may be the old message or file */
    vsnprintf(msg, sizeof msg, fmt, ap);
    last_error.code = code;
    snprintf(last_error.file, sizeof last_error.file, "%s", file ? file : "");
    last_error.line = line;
    memcpy(last_error.msg, msg, sizeof msg);
    return code;
}

int pesx_error_set(int code, const char *file, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    code = pesx_error_setv(code, file, line, fmt, ap);
    va_end(ap);
    return code;
}

int pesx_error_prefix(const char *fmt, ...)
{
    char prefix[512], old[sizeof last_error.msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, last_error.msg, sizeof old);
    size_t len = strlen(prefix);
    if (len > sizeof last_error.msg - 3)
        len = sizeof last_error.msg - 3;
    memcpy(last_error.msg, prefix, len);
    memcpy(last_error.msg + len, ": ", 2);
    /* old is NUL-terminated; keep as much of it as fits */
    size_t room = sizeof last_error.msg - len - 2;
    strncpy(last_error.msg + len + 2, old, room - 1);
    last_error.msg[sizeof last_error.msg - 1] = '\0';
    return last_error.code;
}

const pesx_error *pesx_error_last(void)
{
    return &last_error;
}

void pesx_error_clear(void)
{
    memset(&last_error, 0, sizeof last_error);
}

const char *pesx_strstatus(int code)
{
    switch (code) {
    case PESX_OK: return "success";
    case PESX_EINVAL: return "invalid input";
    case PESX_ENOMEM: return "out of memory";
    case PESX_EIO: return "input/output error";
    case PESX_ENOCONV: return "did not converge";
    case PESX_EFAILED: return "computation failed";
    case PESX_EUNSUPPORTED: return "not supported";
    case PESX_EWRITE: return "cannot write output";
    default: return "unknown error";
    }
}

void pesx_error_format(const pesx_error *e, char *buf, size_t size)
{
    const char *msg = e->msg[0] ? e->msg : pesx_strstatus(e->code);
    if (e->file[0] && e->line > 0)
        snprintf(buf, size, "%s:%ld: %s", e->file, e->line, msg);
    else if (e->file[0])
        snprintf(buf, size, "%s: %s", e->file, msg);
    else
        snprintf(buf, size, "%s", msg);
}

void pesx_error_first_init(pesx_error_first *f)
{
    memset(f, 0, sizeof *f);
}

void pesx_error_first_keep(pesx_error_first *f, int status)
{
    if (!status)
        return;
#ifdef _OPENMP
#pragma omp critical(pesx_error_first)
#endif
    if (!f->status) {
        f->status = status;
        f->first = *pesx_error_last();
    }
}

int pesx_error_first_raise(const pesx_error_first *f)
{
    const pesx_error *e = &f->first;
    if (!f->status)
        return PESX_OK;
    return pesx_error_set(e->code ? e->code : f->status, e->file[0] ? e->file : NULL, e->line,
                          "%s", e->msg);
}
