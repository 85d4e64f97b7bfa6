/* Private helpers of the opt module. */
#ifndef PESX_OPT_IMPL_H
#define PESX_OPT_IMPL_H

#include <stddef.h>
#include <pesx/opt.h>

static inline double opt_dot(size_t n, const double *a, const double *b)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* Coordinates per atom: 0 means the usual 3. */
static inline size_t opt_group(size_t group)
{
    return group ? group : 3;
}

/* The structure behind O when it is a pesx_atoms_objective, else NULL. */
const pesx_atoms *opt_objective_atoms(const pesx_objective *o);

/* The L-BFGS preconditioner on atom positions (precon.c). */
typedef struct {
    size_t n, na;               /* coordinates, atoms                   */
    double A, rcut, c_stab, r_nn_fixed;
    double r_nn;                /* of the last build                    */
    pesx_atoms *atoms;          /* cell and pbc; positions of the build */
    pesx_nlist nl;
    double *blk;                /* 6 per neighbour entry                */
    size_t cap_blk, n_entries;
    double *nn;                 /* na                                   */
    double *dinv;               /* 9 per atom                           */
    double *work;               /* 4n, conjugate gradients              */
    const unsigned char *frozen;
    int ready;
} opt_precon;

int opt_precon_init(opt_precon *P, size_t n, const pesx_minimizer_params *p);
void opt_precon_release(opt_precon *P);
/* P at positions x (frozen may be NULL; kept until the next build). */
int opt_precon_build(opt_precon *P, const double *x, const unsigned char *frozen);
/* x = P^-1 b (frozen components 0). */
int opt_precon_solve(opt_precon *P, const double *b, double *x);

#endif
