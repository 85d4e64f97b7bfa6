/* pesx nn: feed-forward atomic neural networks (one per element) for
 * Behler-Parrinello potentials.  Layer 3: uses util only.
 *
 * A network maps n_in inputs (the scaled symmetry functions of one atom) to
 * n_out outputs (1 for an atomic energy) through L = n_sizes - 1 dense
 * layers.  Layer l (1..L) computes, for every atom (row) at once,
 *
 *     z_l = s_l (W_l y_{l-1} + b_l),   y_l = f_l(z_l),   y_0 = x,
 *
 * with s_l = 1/n_{l-1} when normalize_nodes (n2p2's `normalize_nodes`),
 * else 1.  All atoms of one element go through cblas_dgemm together.
 *
 * Weight storage: ONE flat array per network in n2p2's order, so a
 * weights.ZZZ.data file loads directly and an optimizer sees a flat vector:
 * for l = 1..L: for i in layer l-1 (outer): for j in layer l (inner):
 * w[l][j][i]; then b[l][0..n_l-1].  Layer l's weights thus form a row-major
 * (n_{l-1} x n_l) matrix A_l with A_l[i][j] = w[l][j][i], starting at
 * net->w_off[l-1]; its biases start at net->b_off[l-1].
 *
 * Derivatives (for n_out = 1; E_a = output of row a):
 *   - pesx_nn_input_grad: dE_a/dx_a for every row (back-propagation);
 *   - pesx_nn_weight_grad: the gradient with respect to the flat weight
 *     vector of  Q = sum_a c_a E_a + sum_a v_a . dE_a/dx_a  for given
 *     per-row coefficients c (m) and vectors v (m x n_in).  The first term
 *     gives dE/dw (energy loss, Kalman Jacobian rows); the second, with
 *     v_a = sum_k r_k dx_a/dr_k, gives the weight gradient of a force
 *     residual contraction (forces are -sum_a dE_a/dx_a . dx_a/dr), i.e. the
 *     mixed second derivative d/dw (dE/dx) contracted with v.
 *
 * Memory: the caller owns a pesx_nn_workspace sized once for the largest
 * network and batch; forward and the derivative calls never allocate.  One
 * workspace per thread; a network is read-only during evaluation. */
#ifndef PESX_NN_H
#define PESX_NN_H

#include <stddef.h>
#include <pesx/util.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- activations: a NULL-terminated table of types --------------------- */

/* Vectorised activation: for k < n, f[k] = f(z[k]), df[k] = f'(z[k]),
 * d2f[k] = f''(z[k]).  Any of f, df, d2f may be NULL (not wanted); z may
 * alias f but not df or d2f. */
typedef void (*pesx_nn_activation_fn)(size_t n, const double *z, double *f,
                                      double *df, double *d2f);

typedef struct {
    const char *name;    /* "tanh", "logistic", "softplus", ...           */
    char letter;         /* n2p2 activation letter ('t', 'p', ...), or 0   */
    const char *formula; /* one line for man pages and --help             */
    pesx_nn_activation_fn eval;
} pesx_nn_activation;

/* Every activation (NULL-terminated).  Names: linear (l), tanh (t),
 * logistic (s), softplus (p), relu (r), gaussian (g), cos (c),
 * revlogistic (S), exp (e), square (h), shifted_softplus (no letter). */
const pesx_nn_activation *const *pesx_nn_activations(void);
/* Look up by name, or by n2p2 letter when NAME is one character.  NULL with
 * the error set (listing the valid names) when unknown. */
const pesx_nn_activation *pesx_nn_activation_lookup(const char *name);
const pesx_nn_activation *pesx_nn_activation_by_letter(char letter);

/* ---- networks ----------------------------------------------------------- */

#define PESX_NN_MAX_LAYERS 32 /* n_sizes <= PESX_NN_MAX_LAYERS */

typedef struct {
    size_t n_sizes;                 /* L + 1 (input layer included)           */
    size_t size[PESX_NN_MAX_LAYERS];/* size[0] = n_in, size[L] = n_out        */
    const pesx_nn_activation *act[PESX_NN_MAX_LAYERS - 1]; /* act[l-1]: layer l */
    int normalize_nodes;            /* s_l = 1/size[l-1] when set             */
    size_t n_weights;               /* length of w                            */
    size_t w_off[PESX_NN_MAX_LAYERS - 1]; /* start of A_l in w (layer l = index+1) */
    size_t b_off[PESX_NN_MAX_LAYERS - 1]; /* start of b_l in w                */
    double *w;                      /* flat weights, n2p2 order (owned)       */
} pesx_nn;

/* Number of weights (and biases) of an architecture: sum_l n_{l-1} n_l + n_l. */
size_t pesx_nn_count_weights(size_t n_sizes, const size_t *sizes);

/* A network with SIZES[0..n_sizes-1] (n_sizes >= 2, every size >= 1) and
 * one activation per non-input layer (ACT[0..n_sizes-2]); weights zero.
 * NULL with the error set on bad arguments or no memory. */
pesx_nn *pesx_nn_alloc(size_t n_sizes, const size_t *sizes,
                       const pesx_nn_activation *const *act, int normalize_nodes);
/* Same, activations given by name or n2p2 letter. */
pesx_nn *pesx_nn_alloc_named(size_t n_sizes, const size_t *sizes,
                             const char *const *act_names, int normalize_nodes);
pesx_nn *pesx_nn_copy(const pesx_nn *net);
void pesx_nn_free(pesx_nn *net); /* NULL is a no-op */

static inline size_t pesx_nn_n_in(const pesx_nn *net) { return net->size[0]; }
static inline size_t pesx_nn_n_out(const pesx_nn *net) { return net->size[net->n_sizes - 1]; }

/* Copy N weights into the network; PESX_EINVAL (with both counts in the
 * message) when N != net->n_weights. */
int pesx_nn_set_weights(pesx_nn *net, const double *w, size_t n);

/* Random initial weights.  UNIFORM: n2p2's default, every weight and bias
 * uniform in [-1, 1].  GLOROT: weights uniform in +-sqrt(6/(n_{l-1}+n_l)),
 * biases 0.  NGUYEN_WIDROW: Glorot-sized weights rescaled per neuron to
 * the Nguyen-Widrow norm 0.7 n_l^(1/n_{l-1}), biases uniform in +-that norm;
 * the output layer gets GLOROT. */
enum { PESX_NN_INIT_UNIFORM = 0, PESX_NN_INIT_GLOROT = 1, PESX_NN_INIT_NGUYEN_WIDROW = 2 };
int pesx_nn_init_weights(pesx_nn *net, pesx_rng *rng, int scheme);

/* ---- evaluation --------------------------------------------------------- */

/* Scratch memory for evaluating networks on batches of rows. */
typedef struct pesx_nn_workspace pesx_nn_workspace;

/* A workspace big enough for MAX_ROWS rows through any of the N_NETS
 * networks (NULL entries are skipped).  May be called outside hot loops
 * only; NULL with the error set on no memory. */
pesx_nn_workspace *pesx_nn_workspace_alloc(const pesx_nn *const *nets, size_t n_nets,
                                           size_t max_rows);
/* Grow WS (if needed) to hold ROWS rows through NET. */
int pesx_nn_workspace_reserve(pesx_nn_workspace *ws, const pesx_nn *net, size_t rows);
void pesx_nn_workspace_free(pesx_nn_workspace *ws);

/* What a forward pass keeps for later derivative calls. */
enum {
    PESX_NN_VALUE = 0, /* outputs only                                      */
    PESX_NN_GRAD = 1,  /* + f' of every layer: input_grad, weight_grad (c)  */
    PESX_NN_MIXED = 2  /* + f'': weight_grad with v (mixed derivative)      */
};

/* Forward pass of M rows: X is row-major (m x n_in) with row stride LDX
 * (>= n_in; pass n_in for packed rows), OUT is (m x n_out) packed.  X must
 * stay unchanged until the derivative calls for this pass are done (it is
 * not copied).  PESX_EINVAL when the workspace is too small (reserve first);
 * no allocation. */
int pesx_nn_forward(const pesx_nn *net, size_t m, const double *x, size_t ldx,
                    double *out, int keep, pesx_nn_workspace *ws);

/* After pesx_nn_forward(keep >= PESX_NN_GRAD) of a network with n_out = 1:
 * DX (m x n_in, packed) = dE_a/dx_a for every row a. */
int pesx_nn_input_grad(const pesx_nn *net, pesx_nn_workspace *ws, double *dx);

/* After pesx_nn_forward of a network with n_out = 1 (keep >= PESX_NN_GRAD
 * when only C is given, PESX_NN_MIXED when V is given):
 *     GRAD[0..n_weights-1] += d/dw [ sum_a C[a] E_a + sum_a V_a . dE_a/dx_a ],
 * C: m coefficients or NULL (no energy term); V: (m x n_in) packed or NULL
 * (no input-gradient term).  GRAD accumulates, so several batches (and
 * several calls) add up; zero it first. */
int pesx_nn_weight_grad(const pesx_nn *net, pesx_nn_workspace *ws, const double *c,
                        const double *v, double *grad);

#ifdef __cplusplus
}
#endif
#endif
