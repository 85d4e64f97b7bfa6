/* api module internals: the model handle behind pesx_api_model. */
#ifndef PESX_API_IMPL_H
#define PESX_API_IMPL_H

#include <pesx/api.h>
#include <pesx/potential.h>

struct pesx_api_model {
    pesx_potential *pot;
    pesx_atoms *atoms;        /* the structure of the last call, reused     */
    unsigned char *flags;     /* extrapolation flags                        */
    size_t cap;               /* length of flags                            */
};

/* Copy a caller's structure into m->atoms (growing it when needed).
 * PESX_EINVAL for a NULL array or an atomic number out of range. */
int pesx_api_load_structure(pesx_api_model *m, size_t n, const int *z, const double *x,
                            const double *cell, const int *pbc);

#endif
