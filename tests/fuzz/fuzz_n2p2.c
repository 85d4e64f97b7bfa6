/* Fuzz harness: n2p2/RuNNer potential directories (src/io/n2p2_potential.c:
 * input.nn, scaling.data, weights.ZZZ.data) and input.nn as pesx fit's
 * settings file (src/io/n2p2_settings.c).
 *
 * The fuzzer mutates one file, so the input is a directory in one text:
 * a line "@@ NAME" starts the file NAME (letters, digits, '.', '_', '-'),
 * and the lines up to the next "@@ " line are its contents.  The files are
 * written to a fresh temporary directory, read, and removed.  A directory
 * the reader accepts is then opened as a bpnn potential and evaluated. */
#include <config.h>
#include "fuzz.h"

#include <pesx/io_n2p2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char fuzz_name[] = "n2p2";

#define MAX_FILES 16

static int name_ok(const char *s, size_t n)
{
    if (n == 0 || n > 64 || (n <= 2 && s[0] == '.'))
        return 0;
    for (size_t k = 0; k < n; k++)
        if (!((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
              (s[k] >= '0' && s[k] <= '9') || s[k] == '.' || s[k] == '_' || s[k] == '-'))
            return 0;
    return 1;
}

/* Write the files of TEXT into DIR; their names into NAMES. */
static size_t unpack(const char *path, const char *text, size_t len, const char *dir,
                     char names[][80])
{
    size_t nf = 0;
    FILE *out = NULL;
    const char *s = text, *end = text + len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *next = nl ? nl + 1 : end;
        if (next - s >= 3 && memcmp(s, "@@ ", 3) == 0) {
            const char *name = s + 3;
            size_t n = (size_t)((nl ? nl : end) - name);
            if (out)
                fclose(out);
            out = NULL;
            if (nf < MAX_FILES && name_ok(name, n)) {
                char p[4200];
                memcpy(names[nf], name, n);
                names[nf][n] = '\0';
                snprintf(p, sizeof p, "%s/%s", dir, names[nf]);
                if (!(out = fopen(p, "ab")))
                    fuzz_fail(path, "cannot write %s", p);
                nf++;
            }
        } else if (out) {
            fwrite(s, 1, (size_t)(next - s), out);
        }
        s = next;
    }
    if (out)
        fclose(out);
    return nf;
}

void fuzz_one(const char *path)
{
    size_t len;
    char *text = fuzz_slurp(path, &len);
    const char *tmp = getenv("TMPDIR");
    char dir[4096], file[4200], names[MAX_FILES][80];
    snprintf(dir, sizeof dir, "%s/pesx-fuzz-n2p2.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        fuzz_fail(path, "cannot make a temporary directory in %s", dir);
    size_t nf = unpack(path, text, len, dir, names);

    pesx_potential_file pf;
    size_t n_unknown;
    pesx_potential_file_init(&pf);
    int st = pesx_n2p2_read(dir, PESX_BOHR_ANGSTROM, PESX_HARTREE_EV, &pf, &n_unknown);
    int z = !st && pf.n_elements ? pf.element[0].z : 0;
    if (!st && pesx_potential_file_check(&pf, dir))
        fuzz_fail(path, "read, but fails its own check: %s", pesx_error_last()->msg);
    pesx_potential_file_release(&pf);
    fuzz_judge(path, st, dir);
    if (!st) {
        snprintf(file, sizeof file, "n2p2:%s,length=bohr,energy=hartree", dir);
        fuzz_potential(path, file, z);
    }

    snprintf(file, sizeof file, "%s/input.nn", dir);
    if (access(file, F_OK) == 0) {
        pesx_potential_file_init(&pf);
        st = pesx_n2p2_read_settings(file, 1.0, &pf);
        pesx_potential_file_release(&pf);
        fuzz_judge(path, st, file);
    }

    for (size_t k = 0; k < nf; k++) {
        snprintf(file, sizeof file, "%s/%s", dir, names[k]);
        unlink(file);
    }
    rmdir(dir);
    free(text);
}
