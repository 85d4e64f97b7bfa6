/* pesx fuzz harnesses (tests/fuzz/README): each harness is one file
 * defining fuzz_one(), which runs one input parser of the library on the
 * file at PATH and returns its status; fuzz_main.c supplies main() and
 * judges the outcome. */
#ifndef PESX_TESTS_FUZZ_H
#define PESX_TESTS_FUZZ_H

#include <stddef.h>

/* What the harness is called (for messages), e.g. "xyz". */
extern const char fuzz_name[];

/* Run the parser (or parsers) on PATH, passing each status to fuzz_judge();
 * anything else found wrong calls fuzz_fail(). */
void fuzz_one(const char *path);

/* Judge status ST of a parser run on the input PATH: PESX_OK, or a clean
 * refusal -- PESX_EINVAL, PESX_EIO (a file it names cannot be opened) or
 * PESX_EUNSUPPORTED, the error set with that code
 * and a message that names a file starting with FILE (NULL: any or none).
 * Anything else, out of memory included, is a failure (fuzz_fail). */
void fuzz_judge(const char *path, int st, const char *file);

/* Report a broken invariant about PATH and abort. */
void fuzz_fail(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* The whole file PATH, NUL-terminated (a NUL inside it ends the string);
 * *LEN gets its size in bytes.  Aborts on a read error. */
char *fuzz_slurp(const char *path, size_t *len);

/* Open the potential SPEC (a harness's input once it parsed) and evaluate
 * it on a small cluster of element Z (one atom and three): opening and
 * evaluating may refuse cleanly (fuzz_judge; a non-finite result is
 * PESX_EFAILED with a message), never crash.  Z 0 skips the evaluation. */
void fuzz_potential(const char *path, const char *spec, int z);

#endif
