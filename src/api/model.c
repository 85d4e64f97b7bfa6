/* The embedding entry point: open a potential by its spec, evaluate plain
 * arrays through pesx_potential_eval, close. */
#include <config.h>
#include "api_impl.h"

#include <stdlib.h>
#include <string.h>

/* The installed header spells the library's status codes itself. */
_Static_assert((int)PESX_API_OK == (int)PESX_OK && (int)PESX_API_EINVAL == (int)PESX_EINVAL &&
                   (int)PESX_API_ENOMEM == (int)PESX_ENOMEM && (int)PESX_API_EIO == (int)PESX_EIO &&
                   (int)PESX_API_EFAILED == (int)PESX_EFAILED &&
                   (int)PESX_API_EUNSUPPORTED == (int)PESX_EUNSUPPORTED,
               "api.h status codes differ from util.h");

pesx_api_model *pesx_api_open(const char *spec)
{
    pesx_api_model *m;
    pesx_error_clear();
    if (!spec || !*spec) {
        pesx_error_set(PESX_EINVAL, NULL, 0, "pesx_api_open: no potential spec");
        return NULL;
    }
    if (!(m = calloc(1, sizeof *m))) {
        pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    if (!(m->pot = pesx_potential_open(spec)) || !(m->atoms = pesx_atoms_alloc(0))) {
        pesx_api_close(m);
        return NULL;
    }
    return m;
}

void pesx_api_close(pesx_api_model *m)
{
    if (!m)
        return;
    pesx_potential_free(m->pot);
    pesx_atoms_free(m->atoms);
    free(m->flags);
    free(m);
}

const char *pesx_api_spec(const pesx_api_model *m)
{
    return pesx_potential_spec(m->pot);
}

double pesx_api_cutoff(const pesx_api_model *m)
{
    return pesx_potential_cutoff(m->pot);
}

size_t pesx_api_n_members(const pesx_api_model *m)
{
    return pesx_potential_n_members(m->pot);
}

size_t pesx_api_calls(const pesx_api_model *m)
{
    return pesx_potential_calls(m->pot);
}

int pesx_api_load_structure(pesx_api_model *m, size_t n, const int *z, const double *x,
                            const double *cell, const int *pbc)
{
    pesx_atoms *a = m->atoms;
    int status;
    if (n && (!z || !x))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "pesx_api: NULL atomic numbers or positions");
    if (n + 1 > m->cap) {
        unsigned char *f = realloc(m->flags, n + 1);
        if (!f)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory for %zu atoms", n);
        m->flags = f;
        m->cap = n + 1;
    }
    if ((status = pesx_atoms_resize(a, n)))
        return status;
    for (size_t i = 0; i < n; i++) {
        if (!pesx_element_symbol(z[i]) || z[i] < 1)
            return pesx_error_set(PESX_EINVAL, NULL, 0, "atom %zu: no element has atomic number %d",
                                  i, z[i]);
        a->z[i] = z[i];
    }
    memcpy(a->x, x, 3 * n * sizeof *x);
    memset(a->fixed, 0, n);
    for (int k = 0; k < 3; k++)
        a->pbc[k] = pbc && pbc[k];
    a->has_cell = cell != NULL;
    if (cell)
        memcpy(a->cell, cell, sizeof a->cell);
    else
        memset(a->cell, 0, sizeof a->cell);
    return pesx_atoms_check(a);
}

int pesx_api_eval(pesx_api_model *m, size_t n, const int *z, const double *x,
                  const double *cell, const int *pbc, double *energy, double *forces,
                  double *atom_energies, double *energy_std, double *forces_std,
                  double *member_energies, int *extrapolating)
{
    pesx_potential_result r;
    int status;
    pesx_error_clear();
    if (!m)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "pesx_api_eval: NULL model");
    if ((status = pesx_api_load_structure(m, n, z, x, cell, pbc)))
        return status;
    memset(&r, 0, sizeof r);
    r.forces = forces;
    r.atom_energies = atom_energies;
    r.forces_std = forces_std;
    r.member_energies = member_energies;
    r.extrapolating = extrapolating ? m->flags : NULL;
    if ((status = pesx_potential_eval(m->pot, m->atoms, &r)))
        return status;
    if (energy)
        *energy = r.energy;
    if (energy_std)
        *energy_std = r.has_std ? r.energy_std : 0.0;
    for (size_t i = 0; extrapolating && i < n; i++)
        extrapolating[i] = m->flags[i];
    return PESX_OK;
}

int pesx_api_supports(pesx_api_model *m, int z)
{
    static const double origin[3] = {0.0, 0.0, 0.0};
    double e;
    int ok = m && pesx_api_eval(m, 1, &z, origin, NULL, NULL, &e, NULL, NULL, NULL, NULL, NULL,
                                NULL) == PESX_OK;
    pesx_error_clear();
    return ok;
}
