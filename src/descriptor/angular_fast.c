/* Fast path for the exponential angular groups (n2p2 types 3, 9, 13,
 * Behler G4, G5): the neighbours of the group's two element lists are
 * gathered into contiguous arrays, and every row (fixed j, all k) runs as
 * flat loops over k that the compiler vectorises (branch-free exp, cutoff
 * and angular powers).  The per-pair data the gradient needs (cos, r_jk,
 * R(r_jk), R'(r_jk)) is kept, so the gradient never recomputes an
 * exponential.  Same formulas as the generic path in compute.c. */
#include <config.h>
/* Compiled with -fno-math-errno -fno-trapping-math (see local.mk): sqrt of
 * a sum of squares needs no errno, and the comparisons may be if-converted,
 * so that the loops below vectorise. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/descriptor.h>
#include "descriptor/descriptor_impl.h"
#include "descriptor/compute_impl.h"

#if defined(_OPENMP)
#define SIMD _Pragma("omp simd")
#else
#define SIMD
#endif

#define INLINE static inline __attribute__((always_inline))

/* On x86-64 Linux with GCC, the kernels are also compiled for AVX2 + FMA
 * (x86-64-v3) and the faster version is picked at load time. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__SANITIZE_ADDRESS__)
#define CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CLONES
#endif

static int grow(double **p, size_t *cap, size_t need)
{
    if (need > *cap) {
        size_t c = need + need / 2 + 1024;
        double *q = realloc(*p, c * sizeof *q);
        if (!q)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        *p = q;
        *cap = c;
    }
    return PESX_OK;
}

static int grow_idx(size_t **p, size_t *cap, size_t need)
{
    if (need > *cap) {
        size_t c = need + need / 2 + 256;
        size_t *q = realloc(*p, c * sizeof *q);
        if (!q)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        *p = q;
        *cap = c;
    }
    return PESX_OK;
}

/* Cutoff with a compile-time type CT (inlined into specialised loops). */
INLINE double cut_v(const int ct, const pesx_cutoff *c, double r, double *df)
{
    switch (ct) {
    case PESX_CUTOFF_TANH3:
    case PESX_CUTOFF_TANH3N: {
        double e = pesx_exp(-2.0 * (1.0 - r / c->rc)), t = (1.0 - e) / (1.0 + e);
        double nrm = ct == PESX_CUTOFF_TANH3N
                         ? 1.0 / (0.76159415595576488812 * 0.76159415595576488812 *
                                  0.76159415595576488812)
                         : 1.0;
        int in = r < c->rc;
        *df = in ? -3.0 * t * t * (1.0 - t * t) / c->rc * nrm : 0.0;
        return in ? t * t * t * nrm : 0.0;
    }
    case PESX_CUTOFF_HARD:
        *df = 0.0;
        return r < c->rc ? 1.0 : 0.0;
    case PESX_CUTOFF_POLY1:
    case PESX_CUTOFF_POLY2:
    case PESX_CUTOFF_POLY3:
    case PESX_CUTOFF_POLY4: {
        double x = (r - c->ri) * c->inv_w, dp, f;
        int in = r < c->rc;
        x = x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
        f = pesx_sf_poly_inline(ct - PESX_CUTOFF_POLY1 + 1, x, &dp);
        *df = in ? dp * c->inv_w : 0.0;
        return in ? f : 0.0;
    }
    default:
        return pesx_cutoff_eval(c, r, df);
    }
}

/* Compact window P_K(x) (K = 1..4) or the bump (K = 0) on x in [0, 1). */
INLINE double window(const int K, double x, double *dp)
{
    if (K)
        return pesx_sf_poly_inline(K, x, dp);
    {
        double q = 1.0 - x * x, f = pesx_exp(1.0 - 1.0 / q);
        *dp = -2.0 * x / (q * q) * f;
        return f;
    }
}

/* Angular window of a polynomial term over n angles (theta, 1/sin theta);
 * A' is with respect to cos theta. */
INLINE void apoly_k(const int K, const pesx_sfterm *t, size_t n, const double *th,
                    const double *is, double *A, double *dA)
{
    const double tc = t->tc, itw = 1.0 / t->tw;
    SIMD
    for (size_t b = 0; b < n; b++) {
        double u = th[b] - tc, x = fabs(u) * itw, dp, v;
        int in = x < 1.0;
        x = in ? x : 0.0;
        v = window(K, x, &dp);
        A[b] = in ? v : 0.0;
        dA[b] = in ? -dp * (u < 0.0 ? -1.0 : 1.0) * itw * is[b] : 0.0;
    }
}

/* b^K for a compile-time K (fully unrolled). */
INLINE double ipow(double b, const int k)
{
    double p = 1.0;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 16
#endif
    for (int i = 0; i < k; i++)
        p *= b;
    return p;
}

/* A_t(c) = coef (1 + lambda c)^zeta and dA/dc over n cosines. */
INLINE void afac_k(const int K, const pesx_sfterm *t, size_t n, const double *c, double *A,
                   double *dA)
{
    const double lam = t->lambda, coef = t->coef, cz = t->coef * t->zeta * t->lambda;
    SIMD
    for (size_t b = 0; b < n; b++) {
        double bb = 1.0 + lam * c[b], p;
        bb = bb > 0.0 ? bb : 0.0;
        p = ipow(bb, K);
        A[b] = coef * p * bb;
        dA[b] = cz * p;
    }
}

CLONES static void afac_row(const pesx_sfterm *t, size_t n, const double *c, const double *th,
                            const double *is, double *A, double *dA)
{
    if (t->akind == AK_POLY) {
        switch (t->order) {
        case 1: apoly_k(1, t, n, th, is, A, dA); return;
        case 2: apoly_k(2, t, n, th, is, A, dA); return;
        case 3: apoly_k(3, t, n, th, is, A, dA); return;
        case 4: apoly_k(4, t, n, th, is, A, dA); return;
        default: apoly_k(0, t, n, th, is, A, dA); return;
        }
    }
    switch (t->izeta) {
    case 0: afac_k(0, t, n, c, A, dA); return;
    case 1: afac_k(1, t, n, c, A, dA); return;
    case 2: afac_k(2, t, n, c, A, dA); return;
    case 3: afac_k(3, t, n, c, A, dA); return;
    case 4: afac_k(4, t, n, c, A, dA); return;
    case 5: afac_k(5, t, n, c, A, dA); return;
    case 7: afac_k(7, t, n, c, A, dA); return;
    case 15: afac_k(15, t, n, c, A, dA); return;
    default:
        for (size_t b = 0; b < n; b++) {
            double bb = 1.0 + t->lambda * c[b], p;
            if (bb <= 0.0) {
                A[b] = dA[b] = 0.0;
                continue;
            }
            p = pow(bb, t->zeta - 1.0);
            A[b] = t->coef * p * bb;
            dA[b] = t->coef * t->zeta * t->lambda * p;
        }
    }
}

/* One row of a narrow group: cos, r_jk and R_q(r_jk), R'_q(r_jk) for every
 * k of the row, with the cutoff type a compile-time constant. */
/* R(r_jk) of a polynomial radial window over n distances. */
INLINE void rpoly_k(const int K, const int asym, const pesx_rfun *f, size_t n, const double *r,
                    double *R, double *dR)
{
    const double wc = f->wc, iww = 1.0 / f->ww, rl = f->rl, rc = f->rc;
    SIMD
    for (size_t b = 0; b < n; b++) {
        double u = r[b] - wc, x = fabs(u) * iww, dp, v, dxdr = (u < 0.0 ? -iww : iww);
        int in = (r[b] > rl) & (r[b] < rc) & (x < 1.0);
        x = in ? x : 0.0;
        if (asym) {
            double y = x * (2.0 - x);
            v = window(K, y, &dp);
            dp *= 2.0 - 2.0 * x;
        } else {
            v = window(K, x, &dp);
        }
        R[b] = in ? v : 0.0;
        dR[b] = in ? dp * dxdr : 0.0;
    }
}

static void rpoly_row(const pesx_rfun *f, size_t n, const double *r, double *R, double *dR)
{
#define RP(K)                                    \
    do {                                         \
        if (f->asym)                             \
            rpoly_k(K, 1, f, n, r, R, dR);       \
        else                                     \
            rpoly_k(K, 0, f, n, r, R, dR);       \
    } while (0)
    switch (f->order) {
    case 1: RP(1); break;
    case 2: RP(2); break;
    case 3: RP(3); break;
    case 4: RP(4); break;
    default: RP(0); break;
    }
#undef RP
}

INLINE void row_geometry(const int ct, const pesx_cutoff *cut, size_t nf, const double *eta,
                         const double *rs, double x1, double y1, double z1, double ir1,
                         const double *X2, const double *Y2, const double *Z2,
                         const double *IR2, size_t nb, double *pc, double *prjk, double *pR,
                         double *pdR, size_t P, int narrow, const pesx_rfun *const *rfq,
                         double *pth, double *pis)
{
    SIMD
    for (size_t b = 0; b < nb; b++) {
        double c = (x1 * X2[b] + y1 * Y2[b] + z1 * Z2[b]) * ir1 * IR2[b];
        c = c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c;
        pc[b] = c;
    }
    if (pth) { /* polynomial groups: the angle; cos = +-1 exactly gives no term */
        for (size_t b = 0; b < nb; b++) {
            double c = pc[b];
            int edge = c == 1.0 || c == -1.0;
            pth[b] = edge ? 100.0 : acos(c);
            pis[b] = edge ? 0.0 : 1.0 / sqrt(1.0 - c * c);
        }
    }
    if (!narrow)
        return;
    if (rfq) { /* polynomial windows on r_jk */
        SIMD
        for (size_t b = 0; b < nb; b++) {
            double ex = X2[b] - x1, ey = Y2[b] - y1, ez = Z2[b] - z1;
            prjk[b] = sqrt(ex * ex + ey * ey + ez * ez);
        }
        for (size_t q = 0; q < nf; q++)
            rpoly_row(rfq[q], nb, prjk, pR + q * P, pdR + q * P);
        return;
    }
    /* r_jk and the cutoff; fc and f_c' go to the slots of the last q for now */
    {
        double *fc = pR + (nf - 1) * P, *dfc = pdR + (nf - 1) * P;
        SIMD
        for (size_t b = 0; b < nb; b++) {
            double ex = X2[b] - x1, ey = Y2[b] - y1, ez = Z2[b] - z1, d;
            double rjk = sqrt(ex * ex + ey * ey + ez * ez);
            prjk[b] = rjk;
            fc[b] = cut_v(ct, cut, rjk, &d);
            dfc[b] = d;
        }
        for (size_t q = 0; q < nf; q++) {
            double *R = pR + q * P, *dR = pdR + q * P, et = eta[q], rq = rs[q];
            SIMD
            for (size_t b = 0; b < nb; b++) {
                double t = prjk[b] - rq, e = pesx_exp(-et * t * t), f = fc[b], df = dfc[b];
                R[b] = e * f;
                dR[b] = e * (df - 2.0 * et * t * f);
            }
        }
    }
}

CLONES static void row_dispatch(const pesx_cutoff *cut, size_t nf, const double *eta, const double *rs,
                         double x1, double y1, double z1, double ir1, const double *X2,
                         const double *Y2, const double *Z2, const double *IR2, size_t nb,
                         double *pc, double *prjk, double *pR, double *pdR, size_t P,
                         int narrow, const pesx_rfun *const *rfq, double *pth, double *pis)
{
#define ROW(CT)                                                                            \
    row_geometry(CT, cut, nf, eta, rs, x1, y1, z1, ir1, X2, Y2, Z2, IR2, nb, pc, prjk, pR, \
                 pdR, P, narrow, rfq, pth, pis)
    switch (narrow && !rfq ? cut->type : -1) {
    case PESX_CUTOFF_TANH3: ROW(PESX_CUTOFF_TANH3); break;
    case PESX_CUTOFF_TANH3N: ROW(PESX_CUTOFF_TANH3N); break;
    case PESX_CUTOFF_HARD: ROW(PESX_CUTOFF_HARD); break;
    case PESX_CUTOFF_POLY1: ROW(PESX_CUTOFF_POLY1); break;
    case PESX_CUTOFF_POLY2: ROW(PESX_CUTOFF_POLY2); break;
    case PESX_CUTOFF_POLY3: ROW(PESX_CUTOFF_POLY3); break;
    case PESX_CUTOFF_POLY4: ROW(PESX_CUTOFF_POLY4); break;
    default: ROW(-1); break;
    }
#undef ROW
}

/* Layout of one group's block in ws->fb:
 *   list data (n entries each): X Y Z IR W, R_q (nf), R'_q (nf)
 *   pairs (at most P, packed by row): cos, r_jk, R_q(r_jk) (nf),
 *   R'_q(r_jk) (nf), then the partner's list data (LD arrays)
 *   [wide groups: cos only; the partners are a contiguous run of list 2]
 * and in ws->fidx: the local neighbour index of both lists, the first pair
 * of every row (n1 + 1) and, for narrow groups, the k of every kept pair
 * (only pairs with r_jk < rc are kept). */
#define LD(nf) (5 + 2 * (nf))

/* The k side of row A: pointers to contiguous X, Y, Z, 1/r, weight, R_q,
 * R'_q of the row's partners (gathered for narrow groups). */
typedef struct {
    const double *X, *Y, *Z, *IR, *W, *R[64], *dR[64];
    size_t nb;
} kside;

static void row_kside(const pesx_fgroup *F, const pesx_angroup *g, const double *B2,
                      const size_t *cand, size_t nc, size_t b0, double *gb, size_t stride,
                      int gather, kside *k)
{
    const size_t n2 = F->n2, nf = g->nf;
    if (!g->narrow) {
        k->X = B2 + b0;
        k->Y = B2 + n2 + b0;
        k->Z = B2 + 2 * n2 + b0;
        k->IR = B2 + 3 * n2 + b0;
        k->W = B2 + 4 * n2 + b0;
        for (size_t q = 0; q < nf; q++) {
            k->R[q] = B2 + (5 + q) * n2 + b0;
            k->dR[q] = B2 + (5 + nf + q) * n2 + b0;
        }
        k->nb = n2 - b0;
        return;
    }
    for (size_t f = 0; f < LD(nf) && gather; f++) {
        const double *src = B2 + f * n2;
        double *dst = gb + f * stride;
        for (size_t c = 0; c < nc; c++)
            dst[c] = src[cand[c]];
    }
    k->X = gb;
    k->Y = gb + stride;
    k->Z = gb + 2 * stride;
    k->IR = gb + 3 * stride;
    k->W = gb + 4 * stride;
    for (size_t q = 0; q < nf; q++) {
        k->R[q] = gb + (5 + q) * stride;
        k->dR[q] = gb + (5 + nf + q) * stride;
    }
    k->nb = nc;
}

/* Scratch doubles per row slot: A, dA (nterms each) and 12 temporaries. */
static size_t scratch_rows(const pesx_angroup *g)
{
    return 2 * g->nterms + 12;
}

CLONES int pesx_ang_fast_values(const pesx_descriptor *d, const pesx_elplan *p,
                                const pesx_angroup *g, size_t gi, double *G,
                                pesx_descriptor_workspace *ws)
{
    pesx_fgroup *F = &ws->fg[gi];
    const size_t cap = ws->cap, nf = g->nf, ld = LD(nf);
    size_t n1, n2, P, need, pw, stride;
    double eta[64], rs[64];
    const pesx_cutoff *cut = g->slot >= 0 ? &d->slot_cut[g->slot] : NULL;
    const pesx_rfun *rfq[64];
    const double rc2 = g->rc * g->rc;
    int st;
    F->same = g->e1 == g->e2;
    n1 = pesx_dws_neighbours_within(ws, g->e1, g->rc, ws->l1);
    n2 = F->same ? n1 : pesx_dws_neighbours_within(ws, g->e2, g->rc, ws->l2);
    F->n1 = n1;
    F->n2 = n2;
    stride = n2 + 1;
    P = F->same ? n1 * (n1 ? n1 - 1 : 0) / 2 : n1 * n2;
    /* pair arrays: cos [theta 1/sin] [r_jk R_q R'_q partner-data] */
    F->o_th = 1;
    F->o_rjk = 1 + (g->poly ? 2 : 0);
    F->o_R = F->o_rjk + 1;
    F->o_dR = F->o_R + nf;
    F->o_k = F->o_dR + nf;
    pw = g->narrow ? F->o_k + ld : F->o_rjk;
    need = ld * (n1 + (F->same ? 0 : n2)) + pw * P;
    /* the angular factors A_t, A'_t of every pair are kept for the gradient
     * when that costs at most 2M doubles per group, else recomputed there */
    F->cached = 2 * g->nterms * P <= ((size_t)1 << 21);
    F->o_A = need;
    if (F->cached)
        need += 2 * g->nterms * P;
    if ((st = grow(&ws->fb, &ws->cap_fb, ws->n_fb + need)) ||
        (st = grow_idx(&ws->fidx, &ws->cap_fidx,
                       ws->n_fidx + n1 + n2 + n1 + 1 + (g->narrow ? P : 0))) ||
        (st = grow(&ws->rsc, &ws->cap_rsc, scratch_rows(g) * stride)))
        return st;
    for (size_t q = 0; q < nf; q++) {
        eta[q] = p->rf[g->f[q]].eta;
        rs[q] = p->rf[g->f[q]].rs;
        rfq[q] = &p->rf[g->f[q]];
    }
    /* gather both lists */
    F->off1 = ws->n_fb;
    F->off2 = F->same ? F->off1 : F->off1 + ld * n1;
    F->offp = F->off1 + ld * (n1 + (F->same ? 0 : n2));
    F->P = P;
    F->idx1 = ws->n_fidx;
    F->idx2 = F->same ? F->idx1 : F->idx1 + n1;
    F->rows = F->idx1 + n1 + (F->same ? 0 : n2);
    F->cand = F->rows + n1 + 1;
    for (int side = 0; side < (F->same ? 1 : 2); side++) {
        size_t n = side ? n2 : n1;
        const size_t *l = side ? ws->l2 : ws->l1;
        double *B = ws->fb + (side ? F->off2 : F->off1);
        size_t *I = ws->fidx + (side ? F->idx2 : F->idx1);
        for (size_t a = 0; a < n; a++) {
            size_t m = l[a];
            I[a] = m;
            B[a] = ws->dx[m];
            B[n + a] = ws->dy[m];
            B[2 * n + a] = ws->dz[m];
            B[3 * n + a] = ws->ir[m];
            B[4 * n + a] = g->weighted ? ws->zw[m] : 1.0;
            for (size_t q = 0; q < nf; q++) {
                B[(5 + q) * n + a] = ws->R[(size_t)g->f[q] * cap + m];
                B[(5 + nf + q) * n + a] = ws->dR[(size_t)g->f[q] * cap + m];
            }
        }
    }
    ws->n_fb += need;
    ws->n_fidx = F->cand + (g->narrow ? P : 0);
    {
        const double *B1 = ws->fb + F->off1, *B2 = ws->fb + F->off2;
        double *pc = ws->fb + F->offp, *prjk = pc + F->o_rjk * P, *pR = pc + F->o_R * P;
        double *pdR = pc + F->o_dR * P, *pth = pc + F->o_th * P, *pis = pth + P;
        double *A = ws->rsc, *dA = A + g->nterms * stride, *Pq = dA + g->nterms * stride;
        double *Ac = ws->fb + F->off1 + F->o_A, *dAc = Ac + g->nterms * P;
#define AT(t) (F->cached ? Ac + (t) * P + np : A + (t) * stride)
#define dAT(t) (F->cached ? dAc + (t) * P + np : dA + (t) * stride)
        size_t *rows = ws->fidx + F->rows, *cand = ws->fidx + F->cand, np = 0;
        kside k;
        for (size_t a = 0; a < n1; a++) {
            size_t b0 = F->same ? a + 1 : 0, nc = 0, nb;
            double x1 = B1[a], y1 = B1[n1 + a], z1 = B1[2 * n1 + a], w1 = B1[4 * n1 + a];
            rows[a] = np;
            if (g->narrow) {
                /* keep the partners with r_jk < rc */
                const double *X2 = B2, *Y2 = B2 + n2, *Z2 = B2 + 2 * n2;
                size_t *cd = cand + np;
                for (size_t b = b0; b < n2; b++) {
                    double ex = X2[b] - x1, ey = Y2[b] - y1, ez = Z2[b] - z1;
                    cd[nc] = b;
                    nc += ex * ex + ey * ey + ez * ez < rc2;
                }
            }
            /* narrow: the kept partners are gathered into the pair storage,
             * where the gradient finds them again */
            row_kside(F, g, B2, cand + np, nc, b0, pc + F->o_k * P + np, P, 1, &k);
            nb = k.nb;
            if (nb == 0)
                continue;
            row_dispatch(cut, nf, eta, rs, x1, y1, z1, B1[3 * n1 + a], k.X, k.Y, k.Z, k.IR, nb,
                         pc + np, prjk + np, pR + np, pdR + np, P, g->narrow,
                         g->poly ? rfq : NULL, g->poly ? pth + np : NULL, pis + np);
            for (size_t t = 0; t < g->nterms; t++)
                afac_row(&g->terms[t], nb, pc + np, pth + np, pis + np, AT(t), dAT(t));
            for (size_t q = 0; q < nf; q++) {
                const double *R2 = k.R[q], *W2 = k.W, *Rjk = pR + q * P + np;
                double r1 = B1[(5 + q) * n1 + a] * w1;
                if (r1 == 0.0)
                    continue;
                if (g->narrow) {
                    SIMD
                    for (size_t b = 0; b < nb; b++)
                        Pq[b] = R2[b] * W2[b] * Rjk[b];
                } else {
                    SIMD
                    for (size_t b = 0; b < nb; b++)
                        Pq[b] = R2[b] * W2[b];
                }
                for (size_t t = g->tstart[q]; t < g->tstart[q + 1]; t++) {
                    const double *At = AT(t);
                    double acc = 0.0;
                    for (size_t b = 0; b < nb; b++)
                        acc += Pq[b] * At[b];
                    G[g->terms[t].sf] += acc * r1;
                }
            }
            np += nb;
        }
        rows[n1] = np;
    }
    return PESX_OK;
}

CLONES int pesx_ang_fast_gradient(const pesx_descriptor *d, const pesx_elplan *p,
                                  const pesx_angroup *g, size_t gi, size_t nset,
                                  const double *dEdG, double *gnb, pesx_descriptor_workspace *ws)
{
    const pesx_fgroup *F = &ws->fg[gi];
    const size_t nf = g->nf, n1 = F->n1, n2 = F->n2, nsf = p->n_sf, n = ws->n;
    const size_t P = F->P, stride = n2 + 1;
    const double *B1 = ws->fb + F->off1, *B2 = ws->fb + F->off2;
    const double *pc = ws->fb + F->offp, *prjk = pc + F->o_rjk * P, *pR = pc + F->o_R * P;
    const double *pdR = pc + F->o_dR * P, *pth = pc + F->o_th * P, *pis = pth + P;
    const size_t *I1 = ws->fidx + F->idx1, *I2 = ws->fidx + F->idx2;
    const size_t *rows = ws->fidx + F->rows, *cand = ws->fidx + F->cand;
    double *A = ws->rsc, *dA = A + g->nterms * stride, *Aq = dA + g->nterms * stride;
    double *Ac = ws->fb + F->off1 + F->o_A, *dAc = Ac + g->nterms * P;
    double *Bq = Aq + stride, *grij = Bq + stride, *grik = grij + stride, *grjk = grik + stride;
    double *gcos = grjk + stride, *tkx = gcos + stride, *tky = tkx + stride, *tkz = tky + stride;
    double *tjx = tkz + stride, *tjy = tjx + stride, *tjz = tjy + stride;
    kside k;
    (void)d;
    for (size_t a = 0; a < n1; a++) {
        size_t b0 = F->same ? a + 1 : 0, np = rows[a], nb = rows[a + 1] - np;
        const double *c, *rjk;
        double x1 = B1[a], y1 = B1[n1 + a], z1 = B1[2 * n1 + a], ir1 = B1[3 * n1 + a];
        double w1 = B1[4 * n1 + a], u1x = x1 * ir1, u1y = y1 * ir1, u1z = z1 * ir1;
        if (nb == 0)
            continue;
        row_kside(F, g, B2, cand + np, nb, b0, (double *)pc + F->o_k * P + np, P, 0, &k);
        c = pc + np;
        rjk = prjk + np;
        for (size_t t = 0; t < g->nterms; t++)
            if (!F->cached)
                afac_row(&g->terms[t], nb, c, pth + np, pis + np, AT(t), dAT(t));
        for (size_t s = 0; s < nset; s++) {
            const double *cs = dEdG + s * nsf;
            const double *X2 = k.X, *Y2 = k.Y, *Z2 = k.Z, *IR2 = k.IR, *W2 = k.W;
            double *gb = gnb + s * 3 * (n + 1), gjx = 0, gjy = 0, gjz = 0, sx, sy, sz;
            memset(grij, 0, 4 * stride * sizeof *grij);
            for (size_t q = 0; q < nf; q++) {
                const double *R2 = k.R[q], *dR2 = k.dR[q];
                const double *Rjk = pR + q * P + np, *dRjk = pdR + q * P + np;
                double r1 = B1[(5 + q) * n1 + a], dr1 = B1[(5 + nf + q) * n1 + a];
                int any = 0;
                if (r1 == 0.0 && dr1 == 0.0)
                    continue;
                memset(Aq, 0, 2 * stride * sizeof *Aq);
                for (size_t t = g->tstart[q]; t < g->tstart[q + 1]; t++) {
                    const double wt = cs[g->terms[t].sf], *At = AT(t), *dAt = dAT(t);
                    if (wt == 0.0)
                        continue;
                    any = 1;
                    SIMD
                    for (size_t b = 0; b < nb; b++) {
                        Aq[b] += wt * At[b];
                        Bq[b] += wt * dAt[b];
                    }
                }
                if (!any)
                    continue;
                if (g->narrow) {
                    SIMD
                    for (size_t b = 0; b < nb; b++) {
                        double rr = R2[b] * Rjk[b];
                        grij[b] += Aq[b] * dr1 * rr;
                        grik[b] += Aq[b] * r1 * dR2[b] * Rjk[b];
                        grjk[b] += Aq[b] * r1 * R2[b] * dRjk[b];
                        gcos[b] += Bq[b] * r1 * rr;
                    }
                } else {
                    SIMD
                    for (size_t b = 0; b < nb; b++) {
                        grij[b] += Aq[b] * dr1 * R2[b];
                        grik[b] += Aq[b] * r1 * dR2[b];
                        gcos[b] += Bq[b] * r1 * R2[b];
                    }
                }
            }
            SIMD
            for (size_t b = 0; b < nb; b++) {
                double w = w1 * W2[b], cb = c[b];
                double u2x = X2[b] * IR2[b], u2y = Y2[b] * IR2[b], u2z = Z2[b] * IR2[b];
                double g1 = grij[b] * w, g2 = grik[b] * w, gc = gcos[b] * w;
                double c1 = gc * ir1, c2 = gc * IR2[b];
                double jx = g1 * u1x + c1 * (u2x - cb * u1x);
                double jy = g1 * u1y + c1 * (u2y - cb * u1y);
                double jz = g1 * u1z + c1 * (u2z - cb * u1z);
                double kx = g2 * u2x + c2 * (u1x - cb * u2x);
                double ky = g2 * u2y + c2 * (u1y - cb * u2y);
                double kz = g2 * u2z + c2 * (u1z - cb * u2z);
                if (g->narrow) {
                    double h = rjk[b] > 0.0 ? grjk[b] * w / rjk[b] : 0.0;
                    double ex = (X2[b] - x1) * h, ey = (Y2[b] - y1) * h, ez = (Z2[b] - z1) * h;
                    jx -= ex;
                    jy -= ey;
                    jz -= ez;
                    kx += ex;
                    ky += ey;
                    kz += ez;
                }
                tkx[b] = kx;
                tky[b] = ky;
                tkz[b] = kz;
                tjx[b] = jx;
                tjy[b] = jy;
                tjz[b] = jz;
            }
            for (size_t b = 0; b < nb; b++) {
                gjx += tjx[b];
                gjy += tjy[b];
                gjz += tjz[b];
            }
            sx = gjx;
            sy = gjy;
            sz = gjz;
            for (size_t b = 0; b < nb; b++) {
                size_t m2 = I2[g->narrow ? cand[np + b] : b0 + b];
                gb[3 * m2] += tkx[b];
                gb[3 * m2 + 1] += tky[b];
                gb[3 * m2 + 2] += tkz[b];
                sx += tkx[b];
                sy += tky[b];
                sz += tkz[b];
            }
            gb[3 * I1[a]] += gjx;
            gb[3 * I1[a] + 1] += gjy;
            gb[3 * I1[a] + 2] += gjz;
            gb[3 * n] -= sx;
            gb[3 * n + 1] -= sy;
            gb[3 * n + 2] -= sz;
        }
    }
    return PESX_OK;
}
#undef AT
#undef dAT

/* ---- per-neighbour tables for compute.c ---------------------------------- */

INLINE void cut_table_k(const int ct, const pesx_cutoff *c, size_t n, const double *r,
                        double *fc, double *dfc)
{
    SIMD
    for (size_t m = 0; m < n; m++) {
        double d, f = cut_v(ct, c, r[m], &d);
        fc[m] = f;
        dfc[m] = d;
    }
}

CLONES void pesx_fast_cutoff_table(const pesx_cutoff *c, size_t n, const double *r, double *fc,
                                   double *dfc)
{
    switch (c->type) {
    case PESX_CUTOFF_TANH3: cut_table_k(PESX_CUTOFF_TANH3, c, n, r, fc, dfc); break;
    case PESX_CUTOFF_TANH3N: cut_table_k(PESX_CUTOFF_TANH3N, c, n, r, fc, dfc); break;
    case PESX_CUTOFF_HARD: cut_table_k(PESX_CUTOFF_HARD, c, n, r, fc, dfc); break;
    case PESX_CUTOFF_POLY1: cut_table_k(PESX_CUTOFF_POLY1, c, n, r, fc, dfc); break;
    case PESX_CUTOFF_POLY2: cut_table_k(PESX_CUTOFF_POLY2, c, n, r, fc, dfc); break;
    case PESX_CUTOFF_POLY3: cut_table_k(PESX_CUTOFF_POLY3, c, n, r, fc, dfc); break;
    case PESX_CUTOFF_POLY4: cut_table_k(PESX_CUTOFF_POLY4, c, n, r, fc, dfc); break;
    default: cut_table_k(-1, c, n, r, fc, dfc); break;
    }
}

CLONES void pesx_fast_exp_table(size_t n, const double *r, const int *el,
                                unsigned long long emask, double rc, double eta, double rs,
                                const double *fc, const double *dfc, double *R, double *dR)
{
    SIMD
    for (size_t m = 0; m < n; m++) {
        double t = r[m] - rs, e = pesx_exp(-eta * t * t);
        int in = ((emask >> el[m]) & 1ULL) && r[m] < rc;
        R[m] = in ? e * fc[m] : 0.0;
        dR[m] = in ? e * (dfc[m] - 2.0 * eta * t * fc[m]) : 0.0;
    }
}
