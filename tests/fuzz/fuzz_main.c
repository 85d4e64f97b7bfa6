/* main() of every fuzz harness.
 *
 *   fuzz_NAME FILE...
 *
 * Runs the harness on each FILE (afl-fuzz passes one; the replay under make
 * check passes a whole corpus) and aborts -- a crash for the fuzzer, a
 * failure for make check -- unless every file is either accepted or refused
 * cleanly (fuzz_judge); FUZZ_VERBOSE=1 prints each refusal and the
 * library's warnings.  Out of memory is a failure too: the process runs under a 1 GiB address-space
 * limit (not under ASan, which reserves far more), and no input of a few
 * kilobytes may need that much, so an input that declares huge sizes must
 * be refused before they are allocated.  Exit 0 when every file passed. */
#include <config.h>
#include "fuzz.h"

#include <pesx/util.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif

void fuzz_fail(const char *path, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "fuzz_%s: %s: ", fuzz_name, path);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

char *fuzz_slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    if (!fp)
        fuzz_fail(path, "cannot open the input");
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = 2 * cap + 4096 + 1;
            if (!(buf = realloc(buf, cap)))
                fuzz_fail(path, "out of memory reading the input");
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(fp))
        fuzz_fail(path, "read error");
    fclose(fp);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void limit_memory(void)
{
#ifndef FUZZ_ASAN
    struct rlimit rl = {1UL << 30, 1UL << 30};
    getrlimit(RLIMIT_AS, &rl);
    if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (1UL << 30))
        rl.rlim_cur = 1UL << 30;
    else
        rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_AS, &rl);
#endif
}

void fuzz_judge(const char *path, int st, const char *file)
{
    const pesx_error *e = pesx_error_last();
    if (st == PESX_OK)
        return;
    if (st == PESX_ENOMEM)
        fuzz_fail(path, "out of memory (sizes from the input allocated before they were "
                        "checked against it?): %s", e->msg);
    if (st != PESX_EINVAL && st != PESX_EIO && st != PESX_EUNSUPPORTED)
        fuzz_fail(path, "refused with status %d (%s), not as bad input: %s", st,
                  pesx_strstatus(st), e->msg);
    if (e->code != st || !e->msg[0])
        fuzz_fail(path, "status %d without its error message", st);
    if (file && strncmp(e->file, file, strlen(file)) != 0)
        fuzz_fail(path, "the error does not name the file (%s): '%s: %s'", file, e->file,
                  e->msg);
    if (getenv("FUZZ_VERBOSE")) {
        char msg[2048];
        pesx_error_format(e, msg, sizeof msg);
        fprintf(stderr, "fuzz_%s: refused: %s\n", fuzz_name, msg);
    }
    pesx_error_clear();
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fuzz_%s FILE...\n", fuzz_name);
        return 2;
    }
    limit_memory();
    if (!getenv("FUZZ_VERBOSE"))
        pesx_log_set_level(PESX_LOG_QUIET); /* readers' warnings are not findings */
#ifdef __AFL_LOOP
    /* afl-clang-fast: persistent mode, many inputs per process (afl-fuzz
     * rewrites the file between iterations) */
    if (argc == 2 && getenv("__AFL_SHM_ID")) {
        while (__AFL_LOOP(10000)) {
            pesx_error_clear();
            fuzz_one(argv[1]);
        }
        return 0;
    }
#endif
    for (int k = 1; k < argc; k++) {
        pesx_error_clear();
        fuzz_one(argv[k]);
    }
    return 0;
}
