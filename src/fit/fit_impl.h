/* Private: the precomputed training set and per-thread loss scratch. */
#ifndef PESX_FIT_IMPL_H
#define PESX_FIT_IMPL_H

#include <stddef.h>
#include <pesx/fit.h>

/* One structure.  Rows are its atoms grouped by element (ascending element
 * index, then atom order); element e owns rows rs[e] .. rs[e+1]-1, whose
 * G / x values form one packed block at xoff[e] (row width n_sf(e)). */
typedef struct {
    size_t n;              /* atoms                                        */
    size_t *rs;            /* n_elem + 1                                   */
    size_t *xoff;          /* n_elem + 1                                   */
    size_t *row_atom;      /* n                                            */
    double *g, *x;         /* raw and scaled SFs                           */
    /* Jacobian of row r's raw SFs: neighbours nb_atom[nb_start[r] ..
     * nb_start[r+1]-1]; for neighbour q (counting from nb_start[r]) the
     * block jac[joff[r] + (q - nb_start[r]) * 3 ns + 3-vector-major]:
     * jac[... + k * ns + s] = dG_s / dr_{atom,k}. */
    size_t *nb_start;      /* n + 1                                        */
    unsigned *nb_atom;
    size_t *joff;          /* n                                            */
    double *jac;
    double energy, weight;
    const double *force;   /* 3n reference forces (in the data set)        */
} pesx_fit_struct;

typedef struct {
    pesx_nn_workspace **ws;   /* n_elem                                     */
    double *out, *dedx, *v, *c, *fhat, *res, *d; /* scratch                 */
    double *grad;             /* n_weights                                  */
    pesx_fit_errors err;
    double e_loss;
} pesx_fit_thread;

struct pesx_fit_set {
    size_t n, n_elem, max_atoms, max_ns, max_row_width;
    pesx_fit_struct *st;
    size_t *ns;               /* n_elem: SFs per element                    */
    /* loss scratch */
    size_t n_threads, scratch_weights;
    pesx_fit_thread *th;
};

void pesx_fit_set_free_scratch(pesx_fit_set *s);

/* One quantity of structure K predicted by member MEMBER and its gradient
 * with respect to the member's weights (the Kalman filter's Jacobian row):
 * COMP == (size_t)-1 the energy per atom (eV/atom), else force component
 * COMP (eV/Angstrom).  *Y predicted, *YREF reference, H (n_weights)
 * d*Y/dw.  Uses thread 0's scratch (call from one thread). */
int pesx_fit_jacobian(pesx_fit_model *m, size_t member, pesx_fit_set *s, size_t k, size_t comp,
                      double *y, double *yref, double *h);

/* Copy R into D, both initialised with the same sizes (the resume check
 * makes sure); D keeps its own arrays. */
void pesx_fit_state_copy(pesx_fit_state *d, const pesx_fit_state *r);

#endif
