/* Every SF of every atom and the full Jacobian, for tests and fitting. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/descriptor.h>
#include "descriptor/descriptor_impl.h"

int pesx_descriptor_eval_all(const pesx_descriptor *d, const pesx_atoms *a,
                             const pesx_nlist *nl, double *G, double *dG)
{
    size_t ms = d->max_n_sf, n3 = 3 * a->n;
    pesx_descriptor_workspace *ws = pesx_descriptor_workspace_alloc(d);
    double *eye = calloc(ms * ms + 1, sizeof *eye);
    int st = PESX_OK;
    if (!ws || !eye) {
        st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    memset(G, 0, a->n * ms * sizeof *G);
    if (dG)
        memset(dG, 0, a->n * ms * n3 * sizeof *dG);
    for (size_t i = 0; i < a->n; i++) {
        size_t nsf;
        if ((st = pesx_descriptor_atom_values(d, a, nl, i, G + i * ms, ws)))
            goto done;
        if (!dG)
            continue;
        nsf = d->el[d->z2e[a->z[i]]].n_sf;
        /* unit coefficient vectors, PESX_DESCRIPTOR_MAX_SETS at a time */
        for (size_t s0 = 0; s0 < nsf; s0 += PESX_DESCRIPTOR_MAX_SETS) {
            size_t ns = nsf - s0 < PESX_DESCRIPTOR_MAX_SETS ? nsf - s0 : PESX_DESCRIPTOR_MAX_SETS;
            memset(eye, 0, ns * nsf * sizeof *eye);
            for (size_t s = 0; s < ns; s++)
                eye[s * nsf + s0 + s] = 1.0;
            if ((st = pesx_descriptor_atom_gradient(d, nl, ns, eye,
                                                    dG + (i * ms + s0) * n3, n3, ws)))
                goto done;
        }
    }
done:
    free(eye);
    pesx_descriptor_workspace_free(ws);
    return st;
}
