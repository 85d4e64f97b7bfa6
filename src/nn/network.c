/* Network objects: allocation, weights, initialisation, workspaces. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nn/nn_impl.h"

size_t pesx_nn_count_weights(size_t n_sizes, const size_t *sizes)
{
    size_t n = 0;
    for (size_t l = 1; l < n_sizes; l++)
        n += sizes[l - 1] * sizes[l] + sizes[l];
    return n;
}

pesx_nn *pesx_nn_alloc(size_t n_sizes, const size_t *sizes,
                       const pesx_nn_activation *const *act, int normalize_nodes)
{
    pesx_nn *net;
    size_t off = 0;
    if (n_sizes < 2 || n_sizes > PESX_NN_MAX_LAYERS) {
        pesx_error_set(PESX_EINVAL, "", 0,
                       "a network needs 2 to %d layers (input and output included), not %zu",
                       PESX_NN_MAX_LAYERS, n_sizes);
        return NULL;
    }
    for (size_t l = 0; l < n_sizes; l++)
        if (sizes[l] == 0 || sizes[l] > 100000) {
            pesx_error_set(PESX_EINVAL, "", 0, "network layer %zu has %zu neurons", l, sizes[l]);
            return NULL;
        }
    for (size_t l = 0; l + 1 < n_sizes; l++)
        if (!act[l] || !act[l]->eval) {
            pesx_error_set(PESX_EINVAL, "", 0, "network layer %zu has no activation", l + 1);
            return NULL;
        }
    net = calloc(1, sizeof *net);
    if (!net) {
        pesx_error_set(PESX_ENOMEM, "", 0, "out of memory allocating a network");
        return NULL;
    }
    net->n_sizes = n_sizes;
    net->normalize_nodes = normalize_nodes != 0;
    for (size_t l = 0; l < n_sizes; l++)
        net->size[l] = sizes[l];
    for (size_t l = 1; l < n_sizes; l++) {
        net->act[l - 1] = act[l - 1];
        net->w_off[l - 1] = off;
        off += sizes[l - 1] * sizes[l];
        net->b_off[l - 1] = off;
        off += sizes[l];
    }
    net->n_weights = off;
    net->w = calloc(off, sizeof *net->w);
    if (!net->w) {
        free(net);
        pesx_error_set(PESX_ENOMEM, "", 0, "out of memory allocating %zu network weights", off);
        return NULL;
    }
    return net;
}

pesx_nn *pesx_nn_alloc_named(size_t n_sizes, const size_t *sizes,
                             const char *const *act_names, int normalize_nodes)
{
    const pesx_nn_activation *act[PESX_NN_MAX_LAYERS];
    if (n_sizes < 2 || n_sizes > PESX_NN_MAX_LAYERS)
        return pesx_nn_alloc(n_sizes, sizes, NULL, normalize_nodes);
    for (size_t l = 0; l + 1 < n_sizes; l++)
        if (!(act[l] = pesx_nn_activation_lookup(act_names[l])))
            return NULL;
    return pesx_nn_alloc(n_sizes, sizes, act, normalize_nodes);
}

pesx_nn *pesx_nn_copy(const pesx_nn *net)
{
    pesx_nn *c = pesx_nn_alloc(net->n_sizes, net->size, net->act, net->normalize_nodes);
    if (c)
        memcpy(c->w, net->w, net->n_weights * sizeof *c->w);
    return c;
}

void pesx_nn_free(pesx_nn *net)
{
    if (!net)
        return;
    free(net->w);
    free(net);
}

int pesx_nn_set_weights(pesx_nn *net, const double *w, size_t n)
{
    if (n != net->n_weights)
        return pesx_error_set(PESX_EINVAL, "", 0,
                              "%zu weights given, but the network architecture needs %zu", n,
                              net->n_weights);
    memcpy(net->w, w, n * sizeof *w);
    return PESX_OK;
}

static double uniform(pesx_rng *rng, double a)
{
    return a * (2.0 * pesx_rng_uniform(rng) - 1.0);
}

int pesx_nn_init_weights(pesx_nn *net, pesx_rng *rng, int scheme)
{
    size_t L = net->n_sizes - 1;
    if (scheme != PESX_NN_INIT_UNIFORM && scheme != PESX_NN_INIT_GLOROT &&
        scheme != PESX_NN_INIT_NGUYEN_WIDROW)
        return pesx_error_set(PESX_EINVAL, "", 0, "unknown weight initialisation scheme %d",
                              scheme);
    for (size_t l = 1; l <= L; l++) {
        size_t nin = net->size[l - 1], nout = net->size[l];
        double *A = net->w + net->w_off[l - 1], *b = net->w + net->b_off[l - 1];
        double g = sqrt(6.0 / (double)(nin + nout));
        if (scheme == PESX_NN_INIT_UNIFORM) {
            for (size_t k = 0; k < nin * nout; k++)
                A[k] = uniform(rng, 1.0);
            for (size_t j = 0; j < nout; j++)
                b[j] = uniform(rng, 1.0);
            continue;
        }
        for (size_t k = 0; k < nin * nout; k++)
            A[k] = uniform(rng, g);
        for (size_t j = 0; j < nout; j++)
            b[j] = 0.0;
        if (scheme == PESX_NN_INIT_NGUYEN_WIDROW && l < L) {
            double beta = 0.7 * pow((double)nout, 1.0 / (double)nin);
            for (size_t j = 0; j < nout; j++) {
                double norm = 0.0;
                for (size_t i = 0; i < nin; i++)
                    norm += A[i * nout + j] * A[i * nout + j];
                norm = sqrt(norm);
                if (norm > 0.0)
                    for (size_t i = 0; i < nin; i++)
                        A[i * nout + j] *= beta / norm;
                b[j] = uniform(rng, beta);
            }
        }
    }
    return PESX_OK;
}

void pesx_nn_impl_needs(const pesx_nn *net, size_t *cols, size_t *width)
{
    size_t c = 0, w = 0;
    for (size_t l = 0; l < net->n_sizes; l++) {
        if (l > 0)
            c += net->size[l];
        if (net->size[l] > w)
            w = net->size[l];
    }
    *cols = c;
    *width = w;
}

static void ws_release(pesx_nn_workspace *ws)
{
    free(ws->y);
    free(ws->d1);
    free(ws->d2);
    free(ws->zdot);
    for (int k = 0; k < 4; k++)
        free(ws->s[k]);
}

/* (Re)allocate WS's buffers for ROWS x COLS and ROWS x WIDTH. */
static int ws_grow(pesx_nn_workspace *ws, size_t rows, size_t cols, size_t width)
{
    pesx_nn_workspace n;
    int ok = 1;
    if (rows <= ws->rows && cols <= ws->cols && width <= ws->width)
        return PESX_OK;
    if (rows < ws->rows)
        rows = ws->rows;
    if (cols < ws->cols)
        cols = ws->cols;
    if (width < ws->width)
        width = ws->width;
    memset(&n, 0, sizeof n);
    n.rows = rows;
    n.cols = cols;
    n.width = width;
    size_t big = rows * cols, small = rows * width;
    if (big == 0)
        big = 1;
    if (small == 0)
        small = 1;
    ok &= (n.y = malloc(big * sizeof(double))) != NULL;
    ok &= (n.d1 = malloc(big * sizeof(double))) != NULL;
    ok &= (n.d2 = malloc(big * sizeof(double))) != NULL;
    ok &= (n.zdot = malloc(big * sizeof(double))) != NULL;
    for (int k = 0; k < 4; k++)
        ok &= (n.s[k] = malloc(small * sizeof(double))) != NULL;
    if (!ok) {
        ws_release(&n);
        return pesx_error_set(PESX_ENOMEM, "", 0,
                              "out of memory for a network workspace of %zu rows", rows);
    }
    ws_release(ws);
    *ws = n; /* a grown workspace holds no forward pass */
    return PESX_OK;
}

pesx_nn_workspace *pesx_nn_workspace_alloc(const pesx_nn *const *nets, size_t n_nets,
                                           size_t max_rows)
{
    pesx_nn_workspace *ws = calloc(1, sizeof *ws);
    size_t cols = 0, width = 0;
    if (!ws) {
        pesx_error_set(PESX_ENOMEM, "", 0, "out of memory for a network workspace");
        return NULL;
    }
    for (size_t k = 0; k < n_nets; k++) {
        size_t c, w;
        if (!nets[k])
            continue;
        pesx_nn_impl_needs(nets[k], &c, &w);
        if (c > cols)
            cols = c;
        if (w > width)
            width = w;
    }
    if (ws_grow(ws, max_rows, cols, width)) {
        free(ws);
        return NULL;
    }
    return ws;
}

int pesx_nn_workspace_reserve(pesx_nn_workspace *ws, const pesx_nn *net, size_t rows)
{
    size_t c, w;
    pesx_nn_impl_needs(net, &c, &w);
    return ws_grow(ws, rows, c, w);
}

void pesx_nn_workspace_free(pesx_nn_workspace *ws)
{
    if (!ws)
        return;
    ws_release(ws);
    free(ws);
}
