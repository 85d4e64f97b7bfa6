/* fuzz_potential(): a parsed potential must also open and evaluate. */
#include <config.h>
#include "fuzz.h"

#include <pesx/potential.h>

#include <stdlib.h>

static void eval(const char *path, pesx_potential *p, int z, size_t n)
{
    static const double x[9] = {0.0, 0.0, 0.0, 1.9, 0.1, 0.0, 0.4, 1.7, 0.3};
    pesx_atoms *a = pesx_atoms_alloc(n);
    double f[9];
    pesx_potential_result r = {0};
    if (!a)
        fuzz_fail(path, "out of memory");
    for (size_t i = 0; i < n; i++)
        a->z[i] = z;
    for (size_t k = 0; k < 3 * n; k++)
        a->x[k] = x[k];
    r.forces = f;
    int st = pesx_potential_eval(p, a, &r);
    if (st == PESX_EFAILED && pesx_error_last()->msg[0])
        st = PESX_OK; /* non-finite result, reported */
    fuzz_judge(path, st, NULL);
    pesx_atoms_free(a);
}

void fuzz_potential(const char *path, const char *spec, int z)
{
    pesx_potential *p = pesx_potential_open(spec);
    if (!p) {
        fuzz_judge(path, pesx_error_last()->code, NULL);
        return;
    }
    if (z > 0) {
        eval(path, p, z, 1);
        eval(path, p, z, 3);
    }
    pesx_potential_free(p);
}
