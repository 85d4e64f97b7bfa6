/* Batched dense layers through cblas_dgemm (plain loops for tiny batches): forward pass, back-propagation
 * to the inputs, and the weight gradient of  sum_a c_a E_a + v_a . dE_a/dx_a
 * (forward-mode tangent pass along v, then reverse mode through both).
 * The only file of pesx that includes <cblas.h>.
 *
 * Layer l of a network stores A_l (n_{l-1} x n_l, row-major, A[i][j] =
 * weight from i to j) and b_l.  With rows as atoms, Z_l = s_l (Y_{l-1} A_l +
 * 1 b_l^T), so no transposes are needed on the forward pass. */
#include <cblas.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "nn/nn_impl.h"

/* Batches up to this many rows (and every batch inside an OpenMP parallel
 * region, so OpenBLAS never starts threads of its own there) use the plain
 * loops below: for one atom at a time the BLAS call overhead dominates. */
#define SMALL_ROWS 8

/* Force vectorisation of the short inner loops (-O2 would not). */
#ifdef _OPENMP
#define SIMD _Pragma("omp simd")
#define SIMD_SUM_T _Pragma("omp simd reduction(+:t)")
#else
#define SIMD
#define SIMD_SUM_T
#endif

static int use_loops(size_t m)
{
#ifdef _OPENMP
    if (omp_in_parallel())
        return 1;
#endif
    return m <= SMALL_ROWS;
}

/* C (m x n) = alpha A (m x k) B (k x n) + beta C, row-major, beta 0 or 1. */
static void gemm_nn(size_t m, size_t n, size_t k, double alpha, const double *restrict A,
                    size_t lda, const double *restrict B, size_t ldb, double beta,
                    double *restrict C, size_t ldc)
{
    if (!use_loops(m)) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)k, alpha, A,
                    (int)lda, B, (int)ldb, beta, C, (int)ldc);
        return;
    }
    for (size_t a = 0; a < m; a++) {
        double *restrict c = C + a * ldc;
        const double *ar = A + a * lda;
        if (beta == 0.0)
            for (size_t j = 0; j < n; j++)
                c[j] = 0.0;
        for (size_t p = 0; p < k; p++) {
            double t = alpha * ar[p];
            const double *restrict b = B + p * ldb;
            SIMD
            for (size_t j = 0; j < n; j++)
                c[j] += t * b[j];
        }
    }
}

/* C (m x n) = alpha A (m x k) B^T (B is n x k) + beta C, beta 0. */
static void gemm_nt(size_t m, size_t n, size_t k, double alpha, const double *restrict A,
                    size_t lda, const double *restrict B, size_t ldb, double *restrict C,
                    size_t ldc)
{
    if (!use_loops(m)) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)n, (int)k, alpha, A,
                    (int)lda, B, (int)ldb, 0.0, C, (int)ldc);
        return;
    }
    for (size_t a = 0; a < m; a++) {
        const double *ar = A + a * lda;
        for (size_t j = 0; j < n; j++) {
            const double *b = B + j * ldb;
            double t = 0.0;
            SIMD_SUM_T
            for (size_t p = 0; p < k; p++)
                t += ar[p] * b[p];
            C[a * ldc + j] = alpha * t;
        }
    }
}

/* C (n1 x n2) += alpha A^T B with A (m x n1), B (m x n2). */
static void gemm_tn(size_t n1, size_t n2, size_t m, double alpha, const double *restrict A,
                    size_t lda, const double *restrict B, size_t ldb, double *restrict C,
                    size_t ldc)
{
    if (!use_loops(m)) {
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)n1, (int)n2, (int)m, alpha, A,
                    (int)lda, B, (int)ldb, 1.0, C, (int)ldc);
        return;
    }
    for (size_t a = 0; a < m; a++) {
        const double *ar = A + a * lda, *b = B + a * ldb;
        for (size_t i = 0; i < n1; i++) {
            double t = alpha * ar[i];
            double *restrict c = C + i * ldc;
            SIMD
            for (size_t j = 0; j < n2; j++)
                c[j] += t * b[j];
        }
    }
}

static double layer_scale(const pesx_nn *net, size_t l)
{
    return net->normalize_nodes ? 1.0 / (double)net->size[l - 1] : 1.0;
}

/* Layer l (>= 1) of the current pass inside one of the per-layer arrays. */
static double *lay(const pesx_nn_workspace *ws, double *base, size_t l)
{
    return base + ws->m * ws->col_off[l - 1];
}

int pesx_nn_forward(const pesx_nn *net, size_t m, const double *x, size_t ldx,
                    double *out, int keep, pesx_nn_workspace *ws)
{
    size_t cols, width, L = net->n_sizes - 1, off = 0;
    pesx_nn_impl_needs(net, &cols, &width);
    if (m > ws->rows || cols > ws->cols || width > ws->width)
        return pesx_error_set(PESX_EINVAL, "", 0,
                              "network workspace too small (%zu rows for %zu); reserve first",
                              ws->rows, m);
    if (ldx < net->size[0])
        return pesx_error_set(PESX_EINVAL, "", 0, "input row stride %zu < %zu inputs", ldx,
                              net->size[0]);
    ws->net = net;
    ws->m = m;
    ws->x = x;
    ws->ldx = ldx;
    ws->keep = keep;
    for (size_t l = 1; l <= L; l++) {
        ws->col_off[l - 1] = off;
        off += net->size[l];
    }
    if (m == 0)
        return PESX_OK;
    for (size_t l = 1; l <= L; l++) {
        size_t nin = net->size[l - 1], nout = net->size[l];
        const double *A = net->w + net->w_off[l - 1], *b = net->w + net->b_off[l - 1];
        const double *yin = l == 1 ? x : lay(ws, ws->y, l - 1);
        size_t ldin = l == 1 ? ldx : nin;
        double *z = lay(ws, ws->y, l), s = layer_scale(net, l);
        for (size_t a = 0; a < m; a++)
            memcpy(z + a * nout, b, nout * sizeof *z);
        gemm_nn(m, nout, nin, 1.0, yin, ldin, A, nout, 1.0, z, nout);
        if (s != 1.0)
            for (size_t k = 0; k < m * nout; k++)
                z[k] *= s;
        net->act[l - 1]->eval(m * nout, z, z, keep >= PESX_NN_GRAD ? lay(ws, ws->d1, l) : NULL,
                              keep >= PESX_NN_MIXED ? lay(ws, ws->d2, l) : NULL);
    }
    memcpy(out, lay(ws, ws->y, L), m * net->size[L] * sizeof *out);
    return PESX_OK;
}

static int check_pass(const pesx_nn *net, const pesx_nn_workspace *ws, int keep)
{
    if (ws->net != net)
        return pesx_error_set(PESX_EINVAL, "", 0,
                              "network derivative requested without a forward pass of that network");
    if (ws->keep < keep)
        return pesx_error_set(PESX_EINVAL, "", 0,
                              "the forward pass did not keep the derivatives needed (keep=%d < %d)",
                              ws->keep, keep);
    if (net->size[net->n_sizes - 1] != 1)
        return pesx_error_set(PESX_EINVAL, "", 0,
                              "network derivatives need one output, this network has %zu",
                              net->size[net->n_sizes - 1]);
    return PESX_OK;
}

int pesx_nn_input_grad(const pesx_nn *net, pesx_nn_workspace *ws, double *dx)
{
    int st = check_pass(net, ws, PESX_NN_GRAD);
    size_t m = ws->m, L = net->n_sizes - 1;
    double *ybar = ws->s[0], *zbar = ws->s[1];
    if (st)
        return st;
    if (m == 0)
        return PESX_OK;
    /* dE/dy_L = 1 */
    for (size_t a = 0; a < m; a++)
        ybar[a] = 1.0;
    for (size_t l = L; l >= 1; l--) {
        size_t nin = net->size[l - 1], nout = net->size[l];
        const double *A = net->w + net->w_off[l - 1], *d1 = lay(ws, ws->d1, l);
        for (size_t k = 0; k < m * nout; k++)
            zbar[k] = d1[k] * ybar[k];
        /* ybar_{l-1} = s zbar A^T: (m x nout)(nout x nin) */
        gemm_nt(m, nin, nout, layer_scale(net, l), zbar, nout, A, nout, l == 1 ? dx : ybar, nin);
    }
    return PESX_OK;
}

int pesx_nn_weight_grad(const pesx_nn *net, pesx_nn_workspace *ws, const double *c,
                        const double *v, double *grad)
{
    int st = check_pass(net, ws, v ? PESX_NN_MIXED : PESX_NN_GRAD);
    size_t m = ws->m, L = net->n_sizes - 1;
    /* adjoints of y and of its tangent ydot, the z adjoints, tangent of y */
    double *ybar = ws->s[0], *ydbar = ws->s[1], *zbar = ws->s[2], *ydot = ws->s[3];
    if (st)
        return st;
    if (m == 0 || (!c && !v))
        return PESX_OK;

    /* Tangent pass along v: zdot_l = s_l ydot_{l-1} A_l, ydot_l = f' zdot_l. */
    if (v) {
        for (size_t l = 1; l <= L; l++) {
            size_t nin = net->size[l - 1], nout = net->size[l];
            const double *A = net->w + net->w_off[l - 1];
            const double *yd_in = v;
            if (l > 1) {
                const double *d1 = lay(ws, ws->d1, l - 1), *zd = lay(ws, ws->zdot, l - 1);
                for (size_t k = 0; k < m * nin; k++)
                    ydot[k] = d1[k] * zd[k];
                yd_in = ydot;
            }
            gemm_nn(m, nout, nin, layer_scale(net, l), yd_in, nin, A, nout, 0.0,
                    lay(ws, ws->zdot, l), nout);
        }
    }

    /* Reverse sweep.  Q = sum_a c_a y_L + ydot_L. */
    for (size_t a = 0; a < m; a++) {
        ybar[a] = c ? c[a] : 0.0;
        ydbar[a] = 1.0;
    }
    for (size_t l = L; l >= 1; l--) {
        size_t nin = net->size[l - 1], nout = net->size[l];
        const double *A = net->w + net->w_off[l - 1];
        const double *d1 = lay(ws, ws->d1, l);
        const double *yin = l == 1 ? ws->x : lay(ws, ws->y, l - 1);
        size_t ldin = l == 1 ? ws->ldx : nin;
        double s = layer_scale(net, l), *gA = grad + net->w_off[l - 1],
               *gb = grad + net->b_off[l - 1];
        /* zbar = f' ybar (+ f'' zdot ydbar); ydbar <- f' ydbar (= dE/dz_l) */
        if (v) {
            const double *d2 = lay(ws, ws->d2, l), *zd = lay(ws, ws->zdot, l);
            for (size_t k = 0; k < m * nout; k++) {
                zbar[k] = d1[k] * ybar[k] + d2[k] * zd[k] * ydbar[k];
                ydbar[k] *= d1[k];
            }
        } else {
            for (size_t k = 0; k < m * nout; k++)
                zbar[k] = d1[k] * ybar[k];
        }
        /* gA += s (Y_{l-1}^T zbar + Ydot_{l-1}^T ydbar); gb += s colsum(zbar) */
        gemm_tn(nin, nout, m, s, yin, ldin, zbar, nout, gA, nout);
        for (size_t a = 0; a < m; a++) {
            const double *zr = zbar + a * nout;
            for (size_t j = 0; j < nout; j++)
                gb[j] += s * zr[j];
        }
        const double *yd_in = v;
        if (v && l > 1) {
            const double *d1p = lay(ws, ws->d1, l - 1), *zdp = lay(ws, ws->zdot, l - 1);
            for (size_t k = 0; k < m * nin; k++)
                ydot[k] = d1p[k] * zdp[k];
            yd_in = ydot;
        }
        if (v)
            gemm_tn(nin, nout, m, s, yd_in, nin, ydbar, nout, gA, nout);
        if (l == 1)
            break;
        /* adjoints of layer l-1: ybar = s zbar A^T, ydbar = s ydbar A^T */
        gemm_nt(m, nin, nout, s, zbar, nout, A, nout, ybar, nin);
        if (v) {
            /* zbar is free now: use it as the output, then swap */
            gemm_nt(m, nin, nout, s, ydbar, nout, A, nout, zbar, nin);
            double *t = ydbar;
            ydbar = zbar;
            zbar = t;
        }
    }
    return PESX_OK;
}
