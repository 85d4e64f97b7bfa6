/* Fuzz harness: mode files of pesx saddle --mode (src/io/mode_file.c), as
 * plain numbers or as an extended XYZ frame, read for 1, 3 and 4 atoms.
 * A mode the reader accepts must hold only finite numbers. */
#include <config.h>
#include "fuzz.h"

#include <pesx/io.h>

#include <math.h>

const char fuzz_name[] = "mode";

void fuzz_one(const char *path)
{
    static const size_t n_atoms[] = {1, 3, 4};
    double mode[12];
    for (size_t t = 0; t < sizeof n_atoms / sizeof *n_atoms; t++) {
        size_t n = n_atoms[t];
        int st = pesx_mode_read(path, n, mode);
        fuzz_judge(path, st, path);
        for (size_t k = 0; !st && k < 3 * n; k++)
            if (!isfinite(mode[k]))
                fuzz_fail(path, "mode for %zu atoms accepted with component %zu = %g", n, k,
                          mode[k]);
    }
}
