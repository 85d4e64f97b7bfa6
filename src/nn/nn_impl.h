/* nn private: the workspace layout shared by network.c and dense.c. */
#ifndef PESX_NN_IMPL_H
#define PESX_NN_IMPL_H

#include <pesx/nn.h>

/* Per-row storage of every non-input layer (sum of widths = `cols`):
 * y = f(z), d1 = f'(z), d2 = f''(z), zdot = tangent of z; plus four
 * scratch matrices of `width` columns (adjoint ping-pong and the tangent
 * of y).  Layer l (1..L) of a pass over m rows starts at m * col_off[l-1]. */
struct pesx_nn_workspace {
    size_t rows, cols, width; /* capacity                                */
    double *y, *d1, *d2, *zdot;
    double *s[4];
    /* the last forward pass */
    const pesx_nn *net;
    size_t m, ldx;
    const double *x;
    int keep;
    size_t col_off[PESX_NN_MAX_LAYERS];
};

/* Columns (sum of non-input widths) and widest layer of NET. */
void pesx_nn_impl_needs(const pesx_nn *net, size_t *cols, size_t *width);

#endif
