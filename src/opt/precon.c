/* A geometric preconditioner for L-BFGS on atom positions, after the "Exp"
 * preconditioner of Packwood, Kermode, Mones, Bernstein, Woolley, Gould,
 * Ortner and Csanyi, J. Chem. Phys. 144, 164109 (2016), with each pair
 * acting along its bond only (a stiffness w r^ r^T, as a pair potential's
 * Hessian does) instead of isotropically:
 *
 *   P = sum over pairs r_ij < rcut r_nn of  w_ij (e_i - e_j)(e_i - e_j)^T (x) r^ r^T
 *       + c_stab I,          w_ij = exp(-A (r_ij / r_nn - 1)),
 *
 * r_nn the median nearest-neighbour distance of the current positions
 * (or fixed).  P is rebuilt at every point from a cell-list neighbour list
 * (periodic cells included) and applied as P^-1 by conjugate gradients
 * with 3x3 block-Jacobi preconditioning, so the cost stays O(N).  Frozen
 * atoms are anchors: their rows are the identity and pairs with them act
 * on the free atom only.  Its overall scale is irrelevant: L-BFGS scales
 * it by s.y / y.P^-1 y. */
#include <config.h>
#include <pesx/opt.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "opt_impl.h"

int opt_precon_init(opt_precon *P, size_t n, const pesx_minimizer_params *p)
{
    size_t na = n / 3;
    memset(P, 0, sizeof *P);
    pesx_nlist_init(&P->nl);
    if (n % 3 != 0 || na == 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "lbfgs preconditioner: needs 3 coordinates per atom (n = %zu)", n);
    if (p->precon_atoms && p->precon_atoms->n != na)
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "lbfgs preconditioner: structure has %zu atoms, x has %zu",
                              p->precon_atoms->n, na);
    if (!(p->precon_A >= 0.0) || !(p->precon_rcut > 0.0) || !(p->precon_c_stab > 0.0) ||
        !(p->precon_r_nn >= 0.0) || !isfinite(p->precon_A) || !isfinite(p->precon_rcut) ||
        !isfinite(p->precon_c_stab) || !isfinite(p->precon_r_nn))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "lbfgs preconditioner: need A >= 0, rcut > 0, c_stab > 0, "
                              "r_nn >= 0 (got %g, %g, %g, %g)",
                              p->precon_A, p->precon_rcut, p->precon_c_stab, p->precon_r_nn);
    P->n = n;
    P->na = na;
    P->A = p->precon_A;
    P->rcut = p->precon_rcut;
    P->c_stab = p->precon_c_stab;
    P->r_nn_fixed = p->precon_r_nn;
    P->atoms = p->precon_atoms ? pesx_atoms_clone(p->precon_atoms) : pesx_atoms_alloc(na);
    P->nn = malloc(na * sizeof *P->nn);
    P->dinv = malloc(9 * na * sizeof *P->dinv);
    P->work = malloc(4 * n * sizeof *P->work);
    if (!P->atoms || !P->nn || !P->dinv || !P->work) {
        opt_precon_release(P);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "lbfgs preconditioner: out of memory");
    }
    return PESX_OK;
}

void opt_precon_release(opt_precon *P)
{
    pesx_nlist_release(&P->nl);
    pesx_atoms_free(P->atoms);
    free(P->nn);
    free(P->dinv);
    free(P->work);
    free(P->blk);
    memset(P, 0, sizeof *P);
}

static int atom_frozen(const unsigned char *frozen, size_t i)
{
    return frozen && frozen[3 * i] && frozen[3 * i + 1] && frozen[3 * i + 2];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median nearest-neighbour distance from the current list; 0 when fewer
 * than half of the atoms have a neighbour within the list's cutoff. */
static double median_nn(opt_precon *P)
{
    size_t have = 0;
    for (size_t i = 0; i < P->na; i++) {
        double best = INFINITY;
        for (size_t e = P->nl.start[i]; e < P->nl.start[i + 1]; e++)
            if (P->nl.r[e] < best)
                best = P->nl.r[e];
        P->nn[i] = best;
        if (isfinite(best))
            have++;
    }
    if (2 * have <= P->na)
        return 0.0;
    qsort(P->nn, P->na, sizeof *P->nn, cmp_double);
    return P->nn[P->na / 2];
}

/* Invert a symmetric positive definite 3x3 matrix. */
static void inv3(const double m[9], double out[9])
{
    double c00 = m[4] * m[8] - m[5] * m[7], c01 = m[5] * m[6] - m[3] * m[8],
           c02 = m[3] * m[7] - m[4] * m[6];
    double det = m[0] * c00 + m[1] * c01 + m[2] * c02;
    out[0] = c00 / det;
    out[1] = (m[2] * m[7] - m[1] * m[8]) / det;
    out[2] = (m[1] * m[5] - m[2] * m[4]) / det;
    out[3] = c01 / det;
    out[4] = (m[0] * m[8] - m[2] * m[6]) / det;
    out[5] = (m[2] * m[3] - m[0] * m[5]) / det;
    out[6] = c02 / det;
    out[7] = (m[1] * m[6] - m[0] * m[7]) / det;
    out[8] = (m[0] * m[4] - m[1] * m[3]) / det;
}

int opt_precon_build(opt_precon *P, const double *x, const unsigned char *frozen)
{
    size_t na = P->na;
    double rc, r_nn = P->r_nn_fixed, rcut;
    int status;

    memcpy(P->atoms->x, x, P->n * sizeof *x);
    P->frozen = frozen;
    P->ready = 0;
    if (na < 2) {
        P->nl.n = 0;
        P->n_entries = 0;
        goto diagonal;
    }
    /* Neighbour list out to rcut r_nn; with r_nn estimated, first grow the
     * search radius until the median nearest-neighbour distance exists. */
    rc = r_nn > 0.0 ? P->rcut * r_nn : (P->r_nn > 0.0 ? P->rcut * P->r_nn : 1.0);
    for (int tries = 0;; tries++) {
        if ((status = pesx_nlist_build(&P->nl, P->atoms, rc)))
            return pesx_error_prefix("lbfgs preconditioner");
        if (P->r_nn_fixed > 0.0)
            break;
        r_nn = median_nn(P);
        if (r_nn > 0.0 && P->rcut * r_nn <= rc)
            break;
        if (tries >= 60)
            return pesx_error_set(PESX_EFAILED, NULL, 0,
                                  "lbfgs preconditioner: no neighbours within %g", rc);
        rc = r_nn > 0.0 ? P->rcut * r_nn * (1.0 + 1e-12) : 2.0 * rc;
    }
    P->r_nn = r_nn;
    rcut = P->rcut * r_nn;

    /* One symmetric 3x3 block per entry (6 numbers); 0 beyond rcut. */
    if (P->nl.n_entries > P->cap_blk) {
        size_t cap = P->nl.n_entries + P->nl.n_entries / 2;
        double *b = realloc(P->blk, 6 * cap * sizeof *b);
        if (!b)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "lbfgs preconditioner: out of memory");
        P->blk = b;
        P->cap_blk = cap;
    }
    P->n_entries = P->nl.n_entries;
    for (size_t e = 0; e < P->nl.n_entries; e++) {
        double *b = P->blk + 6 * e, r = P->nl.r[e];
        const double *d = P->nl.d + 3 * e;
        double w;
        if (!(r < rcut) || !(r > 0.0)) {
            memset(b, 0, 6 * sizeof *b);
            continue;
        }
        w = exp(-P->A * (r / r_nn - 1.0)) / (r * r);
        b[0] = w * d[0] * d[0];
        b[1] = w * d[0] * d[1];
        b[2] = w * d[0] * d[2];
        b[3] = w * d[1] * d[1];
        b[4] = w * d[1] * d[2];
        b[5] = w * d[2] * d[2];
    }
diagonal:
    /* Diagonal blocks c_stab I + sum of the atom's pair blocks, inverted. */
    for (size_t i = 0; i < na; i++) {
        double D[9] = {P->c_stab, 0, 0, 0, P->c_stab, 0, 0, 0, P->c_stab};
        if (atom_frozen(frozen, i)) {
            double I[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
            memcpy(P->dinv + 9 * i, I, sizeof I);
            continue;
        }
        if (P->nl.n == na)
            for (size_t e = P->nl.start[i]; e < P->nl.start[i + 1]; e++) {
                const double *b = P->blk + 6 * e;
                if (P->nl.j[e] == i)
                    continue; /* own image: (z_i - z_i) = 0 */
                D[0] += b[0], D[1] += b[1], D[2] += b[2];
                D[3] += b[1], D[4] += b[3], D[5] += b[4];
                D[6] += b[2], D[7] += b[4], D[8] += b[5];
            }
        inv3(D, P->dinv + 9 * i);
    }
    P->ready = 1;
    return PESX_OK;
}

/* out = P z */
static void apply(const opt_precon *P, const double *z, double *out)
{
    const unsigned char *fr = P->frozen;
    for (size_t i = 0; i < P->na; i++) {
        const double *zi = z + 3 * i;
        double *o = out + 3 * i;
        if (atom_frozen(fr, i)) {
            o[0] = zi[0], o[1] = zi[1], o[2] = zi[2];
            continue;
        }
        o[0] = P->c_stab * zi[0], o[1] = P->c_stab * zi[1], o[2] = P->c_stab * zi[2];
        if (P->nl.n != P->na)
            continue;
        for (size_t e = P->nl.start[i]; e < P->nl.start[i + 1]; e++) {
            const double *b = P->blk + 6 * e;
            size_t j = P->nl.j[e];
            double t[3];
            if (j == i)
                continue;
            if (atom_frozen(fr, j))
                t[0] = zi[0], t[1] = zi[1], t[2] = zi[2];
            else
                t[0] = zi[0] - z[3 * j], t[1] = zi[1] - z[3 * j + 1], t[2] = zi[2] - z[3 * j + 2];
            o[0] += b[0] * t[0] + b[1] * t[1] + b[2] * t[2];
            o[1] += b[1] * t[0] + b[3] * t[1] + b[4] * t[2];
            o[2] += b[2] * t[0] + b[4] * t[1] + b[5] * t[2];
        }
    }
}

static void block_jacobi(const opt_precon *P, const double *r, double *z)
{
    for (size_t i = 0; i < P->na; i++) {
        const double *m = P->dinv + 9 * i, *ri = r + 3 * i;
        z[3 * i] = m[0] * ri[0] + m[1] * ri[1] + m[2] * ri[2];
        z[3 * i + 1] = m[3] * ri[0] + m[4] * ri[1] + m[5] * ri[2];
        z[3 * i + 2] = m[6] * ri[0] + m[7] * ri[1] + m[8] * ri[2];
    }
}

int opt_precon_solve(opt_precon *P, const double *b, double *x)
{
    size_t n = P->n, maxit = 20 * P->na + 100;
    double *r = P->work, *z = r + n, *p = z + n, *Ap = p + n;
    double bb = opt_dot(n, b, b), rz, tol2;
    if (!P->ready)
        return pesx_error_set(PESX_EFAILED, NULL, 0, "lbfgs preconditioner: not built");
    /* start from the block-Jacobi solution */
    block_jacobi(P, b, x);
    apply(P, x, Ap);
    for (size_t k = 0; k < n; k++)
        r[k] = b[k] - Ap[k];
    block_jacobi(P, r, z);
    memcpy(p, z, n * sizeof *z);
    rz = opt_dot(n, r, z);
    tol2 = 1e-12 * bb; /* relative residual 1e-6: LJ38 needs the same force calls as with 1e-10, in 35 instead of 54 iterations */
    size_t it;
    for (it = 0; it < maxit && opt_dot(n, r, r) > tol2; it++) {
        double pAp, a, rz_new;
        apply(P, p, Ap);
        pAp = opt_dot(n, p, Ap);
        if (!(pAp > 0.0))
            break;
        a = rz / pAp;
        for (size_t k = 0; k < n; k++) {
            x[k] += a * p[k];
            r[k] -= a * Ap[k];
        }
        block_jacobi(P, r, z);
        rz_new = opt_dot(n, r, z);
        for (size_t k = 0; k < n; k++)
            p[k] = z[k] + (rz_new / rz) * p[k];
        rz = rz_new;
    }
#ifdef PRECON_STATS
    { extern size_t precon_it_total, precon_solves, precon_maxit_hits; precon_it_total += it; precon_solves++; if (it == maxit) precon_maxit_hits++; }
#endif
    if (P->frozen)
        for (size_t k = 0; k < n; k++)
            if (P->frozen[k])
                x[k] = 0.0;
    for (size_t k = 0; k < n; k++)
        if (!isfinite(x[k]))
            return pesx_error_set(PESX_EFAILED, NULL, 0,
                                  "lbfgs preconditioner: non-finite solution");
    return PESX_OK;
}

/* ---- public wrapper (opt.h) ------------------------------------------------ */

struct pesx_precon {
    opt_precon p;
};

pesx_precon *pesx_precon_alloc(size_t n, const pesx_minimizer_params *p)
{
    pesx_precon *P = calloc(1, sizeof *P);
    if (!P) {
        pesx_error_set(PESX_ENOMEM, NULL, 0, "preconditioner: out of memory");
        return NULL;
    }
    if (opt_precon_init(&P->p, n, p)) {
        opt_precon_release(&P->p);
        free(P);
        return NULL;
    }
    return P;
}

void pesx_precon_free(pesx_precon *P)
{
    if (!P)
        return;
    opt_precon_release(&P->p);
    free(P);
}

int pesx_precon_build(pesx_precon *P, const double *x, const unsigned char *frozen)
{
    return opt_precon_build(&P->p, x, frozen);
}

int pesx_precon_solve(pesx_precon *P, const double *b, double *x)
{
    return opt_precon_solve(&P->p, b, x);
}
