/* learn module internals: the surrogate interface and the Gaussian process. */
#ifndef PESX_LEARN_IMPL_H
#define PESX_LEARN_IMPL_H

#include <stddef.h>
#include <pesx/learn.h>

/* A surrogate of the reference: fitted on structures with energies and
 * forces, it predicts an energy, forces and the energy's sigma.  Only the
 * free coordinates (dim of them) enter: fixed atoms never move on a band. */
typedef struct learn_surrogate learn_surrogate;
typedef struct {
    const char *name;
    learn_surrogate *(*alloc)(size_t dim, const pesx_learn_params *p);
    /* fit on m points: X (m x dim), energies E (m), gradients G (m x dim) */
    int (*fit)(learn_surrogate *s, size_t m, const double *X, const double *E, const double *G);
    /* energy, gradient (dim, may be NULL) and sigma (may be NULL) at x */
    int (*predict)(learn_surrogate *s, const double *x, double *e, double *grad, double *sigma);
    void (*free)(learn_surrogate *s);
} learn_surrogate_type;

extern const learn_surrogate_type learn_surrogate_gp;

/* the state of the surrogate potential type (learn/surrogate.c) */
typedef struct {
    const learn_surrogate_type *T;
    learn_surrogate *s;
    const unsigned char *fixed; /* n atoms, from the template            */
    size_t n;                   /* atoms                                 */
    double *x, *g;              /* scratch: free coordinates, gradient   */
} learn_surrogate_state;

#endif
