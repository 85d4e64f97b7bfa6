/* Fuzz harness: potential specs, the "-p SPEC" option string
 * (src/potential/spec.c, src/util/parse.c's parameter lists) and the
 * parameter file form ("key = value" lines), each opened and evaluated.
 *
 * The input's text (up to a NUL) is the option string; the input file
 * itself is then the parameter file.  Specs that name a path ('/') are
 * skipped, so the fuzzer does not wander the file system (reading
 * /dev/zero would never end). */
#include <config.h>
#include "fuzz.h"

#include <pesx/potential.h>
#include <pesx/util.h>

#include <stdlib.h>
#include <string.h>

const char fuzz_name[] = "spec";

void fuzz_one(const char *path)
{
    size_t len;
    char *text = fuzz_slurp(path, &len);
    if (!strchr(text, '/')) {
        pesx_params p;
        pesx_params_init(&p);
        fuzz_judge(path, pesx_params_parse(&p, text), NULL);
        pesx_params_release(&p);
        fuzz_potential(path, text, 18);
        fuzz_potential(path, path, 18);
    }
    free(text);
}
