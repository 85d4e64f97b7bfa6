/* Private helpers of the dimer, Hessian and frequency code (src/path/). */
#ifndef PESX_PATH_DIMER_IMPL_H
#define PESX_PATH_DIMER_IMPL_H

#include <stddef.h>
#include <pesx/opt.h>

/* Orthonormal basis (rows of BASIS, up to 6 x n) of rigid translations
 * (TRANS) and rotations about the weighted centre (ROT) of n/3 atoms at X.
 * W (may be NULL = all 1) are per-coordinate weights (sqrt(mass) for
 * mass-weighted coordinates).  Degenerate rotations (linear molecules) are
 * dropped.  *nb receives the number of rows. */
void dimer_rigid_basis(size_t n, const double *x, const double *w, int trans, int rot,
                       double *basis, size_t *nb);
/* v -= sum_b (v.b) b */
void dimer_project_out(size_t n, const double *basis, size_t nb, double *v);

double dimer_dot(size_t n, const double *a, const double *b);
double dimer_norm(size_t n, const double *a);
/* Largest per-atom (3-group) norm of v. */
double dimer_atom_max(size_t n, const double *v);

/* The dimer's translation L-BFGS with a mode-aware history
 * (src/path/dimer_translate.c). */
typedef struct {
    size_t n, m, count, head;
    double *s, *y, *yt, *rho, *alpha, *xp, *gp;
    int have_prev;
    double h0_init;
    struct pesx_precon *pc;     /* H0 = gamma P^-1 when set */
    double *pz;
} dimer_tlbfgs;

/* PRECON: minimizer parameters whose precon_* fields define the Exp
 * preconditioner (H0 = gamma P^-1, P rebuilt at every pushed point), or
 * NULL for H0 = (s.y/y.y) I. */
int dimer_tlbfgs_init(dimer_tlbfgs *t, size_t n, size_t m, double h0,
                      const pesx_minimizer_params *precon);
void dimer_tlbfgs_release(dimer_tlbfgs *t);
void dimer_tlbfgs_reset(dimer_tlbfgs *t);
/* Record the true gradient G at X (pairs with the previous point); builds
 * the preconditioner at X. */
int dimer_tlbfgs_push(dimer_tlbfgs *t, const double *x, const double *g,
                      const unsigned char *frozen);
/* D = -H' GM: GM the modified gradient, H' from the pairs reflected by MODE. */
int dimer_tlbfgs_direction(dimer_tlbfgs *t, const double *gm, const double *mode, double *d);

#endif
