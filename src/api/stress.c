/* Stress by central differences of the energy under homogeneous strain:
 * every potential type gets it without a virial of its own. */
#include <config.h>
#include "api_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STRAIN_STEP 1e-5

/* Energy of the loaded structure with positions and cell X0, CELL0 mapped
 * through I + eps (row vectors: x' = x (I + eps)). */
static int strained_energy(pesx_api_model *m, const double *x0, const double cell0[9],
                           const double eps[9], double *energy)
{
    pesx_atoms *a = m->atoms;
    pesx_potential_result r;
    int status;
    for (size_t i = 0; i < a->n + 3; i++) {
        const double *v = i < a->n ? x0 + 3 * i : cell0 + 3 * (i - a->n);
        double *out = i < a->n ? a->x + 3 * i : a->cell + 3 * (i - a->n);
        for (int k = 0; k < 3; k++)
            out[k] = v[k] + v[0] * eps[k] + v[1] * eps[3 + k] + v[2] * eps[6 + k];
    }
    memset(&r, 0, sizeof r);
    if ((status = pesx_potential_eval(m->pot, a, &r)))
        return status;
    *energy = r.energy;
    return PESX_OK;
}

int pesx_api_stress(pesx_api_model *m, size_t n, const int *z, const double *x,
                    const double *cell, double *stress)
{
    static const int all[3] = {1, 1, 1};
    double cell0[9], volume, *x0;
    int status = PESX_OK;
    pesx_error_clear();
    if (!m || !cell || !stress)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "pesx_api_stress: NULL model, cell or stress");
    if ((status = pesx_api_load_structure(m, n, z, x, cell, all)))
        return status;
    volume = fabs(pesx_cell_volume(cell));
    if (!(x0 = malloc((3 * n + 1) * sizeof *x0)))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory for %zu atoms", n);
    memcpy(x0, x, 3 * n * sizeof *x);
    memcpy(cell0, cell, sizeof cell0);
    for (int i = 0; i < 3 && !status; i++)
        for (int j = i; j < 3 && !status; j++) {
            double eps[9] = {0}, ep, em;
            /* symmetric strain: eps_ij = eps_ji = h (one entry on the diagonal) */
            eps[3 * i + j] = eps[3 * j + i] = STRAIN_STEP;
            if ((status = strained_energy(m, x0, cell0, eps, &ep)))
                break;
            eps[3 * i + j] = eps[3 * j + i] = -STRAIN_STEP;
            if ((status = strained_energy(m, x0, cell0, eps, &em)))
                break;
            stress[3 * i + j] = stress[3 * j + i] =
                (ep - em) / ((i == j ? 2.0 : 4.0) * STRAIN_STEP * volume);
        }
    free(x0);
    return status;
}
