/* Private: the grouped evaluation plan of a descriptor. */
#ifndef PESX_DESCRIPTOR_IMPL_H
#define PESX_DESCRIPTOR_IMPL_H

#include <math.h>
#include <stddef.h>
#include <string.h>
#include <pesx/descriptor.h>

#define PESX_SF_PI 3.14159265358979323846

/* P_N(x) of the polynomial cutoffs (order 1..4) or the exponential bump
 * (order 0), and its derivative. */
double pesx_sf_poly(int order, double x, double *dp);

/* The polynomials alone (orders 1..4), inline for the vectorised loops. */
static inline double pesx_sf_poly_inline(int order, double x, double *dp)
{
    double x2 = x * x;
    switch (order) {
    case 1:
        *dp = (6.0 * x - 6.0) * x;
        return (2.0 * x - 3.0) * x2 + 1.0;
    case 2:
        *dp = ((-30.0 * x + 60.0) * x - 30.0) * x2;
        return ((15.0 - 6.0 * x) * x - 10.0) * x2 * x + 1.0;
    case 3:
        *dp = (((140.0 * x - 420.0) * x + 420.0) * x - 140.0) * x2 * x;
        return (x * (x * (20.0 * x - 70.0) + 84.0) - 35.0) * x2 * x2 + 1.0;
    default:
        *dp = ((((-630.0 * x + 2520.0) * x - 3780.0) * x + 2520.0) * x - 630.0) * x2 * x2;
        return (x * (x * ((315.0 - 70.0 * x) * x - 540.0) + 420.0) - 126.0) * x2 * x2 * x + 1.0;
    }
}

/* A radial function R(r), shared by every SF that uses it:
 *   RF_EXP:  exp(-eta (r - rs)^2) f_c(r)      (G1: eta = 0)
 *   RF_COS:  cos(kappa r) f_c(r)
 *   RF_POLY: compact window on [rl, rc] (p1..p4, "a" = asymmetric, e) */
enum { RF_EXP = 0, RF_COS = 1, RF_POLY = 2 };

typedef struct {
    int kind;
    double eta, rs, kappa;
    double rl, rc;
    int order, asym;          /* RF_POLY                                  */
    double wc, ww;            /* window centre and half width             */
    int slot;                 /* cutoff slot (RF_EXP/RF_COS), else -1     */
    unsigned long long emask; /* neighbour elements that need it          */
} pesx_rfun;

/* Where one SF goes: its output slot, radial function and angular part. */
enum { AK_NONE = 0, AK_EXP = 1, AK_POLY = 2 };

typedef struct {
    int sf;                   /* output index                             */
    int f;                    /* radial function                          */
    int e1;                   /* radial: neighbour element, -1 = any      */
    int weighted;             /* radial: weight by Z                      */
    int akind;
    double lambda, zeta, coef;
    int izeta;                /* zeta - 1 when zeta is a positive integer, else -1 */
    int order;                /* AK_POLY window                           */
    double tc, tw;            /* AK_POLY window centre and half width (rad) */
} pesx_sfterm;

typedef struct {
    int e1, e2;               /* neighbour elements, -1 = any             */
    int weighted, narrow, poly;
    double rc;
    int slot;                 /* cutoff slot of rc (exp kinds), -1 poly    */
    size_t nf;
    int *f;                   /* nf radial functions                      */
    size_t *tstart;           /* nf + 1: terms of f[q] are tstart[q]..    */
    pesx_sfterm *terms;
    size_t nterms;
} pesx_angroup;

typedef struct {
    size_t n_sf, cap_sf;
    pesx_sf *sf;
    size_t n_rf, cap_rf;
    pesx_rfun *rf;
    size_t n_rad;
    pesx_sfterm *rad;
    size_t n_ang;
    pesx_angroup *ang;
    double rcmax;             /* largest rc of this element's SFs          */
    size_t max_nf;            /* largest nf of any group                  */
} pesx_elplan;

struct pesx_descriptor {
    size_t n_elem;
    int z[64];
    int z2e[PESX_MAX_Z + 1];
    int cutoff_type;
    double alpha;
    size_t n_slots;
    double slot_rc[64];
    pesx_cutoff slot_cut[64];
    pesx_elplan *el;
    double rcmax;
    size_t max_n_sf;
    int finalized;
    int reference_kernels;    /* 1: plain scalar kernels only (tests)      */
};

/* Per-thread scratch of one atom's neighbourhood. */
struct pesx_descriptor_workspace {
    size_t cap;               /* neighbours                               */
    size_t n;                 /* neighbours of the current atom            */
    size_t atom;              /* current atom                             */
    int elem;                 /* its element                              */
    size_t *entry;            /* nlist entry of each local neighbour       */
    size_t *id;               /* atom index                               */
    int *el;                  /* element index                            */
    double *zw;               /* atomic number as weight                  */
    double *r, *ir, *ux, *uy, *uz, *dx, *dy, *dz;
    double *fc, *dfc;         /* [slot * cap + m]                         */
    size_t cap_f;             /* functions the R table holds               */
    double *R, *dR;           /* [f * cap + m]                            */
    size_t *list;             /* [e * cap + ...] neighbours of element e   */
    size_t *nlist_e;          /* count per element                        */
    size_t *all;              /* every neighbour                          */
    size_t *l1, *l2;          /* group scratch                            */
    /* stored pairs of every angular group of the current atom */
    size_t cap_pairs, n_pairs;
    size_t *pstart;           /* per group: first pair (n_ang + 1)        */
    unsigned *pj, *pk;
    size_t cap_pd, n_pd;
    double *pd;               /* pair data                                */
    size_t *pdoff;            /* per pair: offset into pd                 */
    /* gradient scratch */
    double *gnb;              /* (cap + 1) * 3 * nset                     */
    size_t cap_gnb;
    double *gr;               /* cap * nset                               */
    double *aw, *bw;          /* per term scratch                         */
    size_t cap_terms;
    size_t cap_groups;
    /* fast path of exponential angular groups (angular_fast.c): per group
     * the gathered neighbour data of both element lists and the pair data,
     * as offsets into fb / fidx */
    struct pesx_fgroup *fg;
    double *fb;
    size_t cap_fb, n_fb;
    size_t *fidx;
    size_t cap_fidx, n_fidx;
    double *rsc;              /* row scratch                              */
    size_t cap_rsc;
};

typedef struct pesx_fgroup {
    size_t n1, n2;
    int same;
    size_t off1, off2, offp, idx1, idx2, rows, cand, P;
    size_t o_th, o_rjk, o_R, o_dR, o_k; /* pair array offsets, in units of P */
    int cached;               /* A_t, A'_t kept at off1 + o_A (nterms x P each) */
    size_t o_A;
} pesx_fgroup;

/* Vectorised per-neighbour tables: f_c and f_c' of cutoff C at N
 * distances; exp(-eta (r - rs)^2) f_c and its derivative where the
 * neighbour's element is in EMASK and r < rc (0 elsewhere). */
void pesx_fast_cutoff_table(const pesx_cutoff *c, size_t n, const double *r, double *fc,
                            double *dfc);
void pesx_fast_exp_table(size_t n, const double *r, const int *el, unsigned long long emask,
                         double rc, double eta, double rs, const double *fc,
                         const double *dfc, double *R, double *dR);

int pesx_ang_fast_values(const pesx_descriptor *d, const pesx_elplan *p,
                         const pesx_angroup *g, size_t gi, double *G,
                         pesx_descriptor_workspace *ws);
int pesx_ang_fast_gradient(const pesx_descriptor *d, const pesx_elplan *p,
                           const pesx_angroup *g, size_t gi, size_t nset, const double *dEdG,
                           double *gnb, pesx_descriptor_workspace *ws);

/* exp(x) for x <= 0 (clamped below at -700, where it is ~1e-304): Cody-Waite
 * reduction and a degree-13 Taylor polynomial, 1-2 ulp, branch-free so the
 * compiler can vectorise the loops that call it. */
static inline double pesx_exp(double x)
{
    const double shift = 6755399441055744.0; /* 1.5 * 2^52 */
    const double ln2hi = 6.93147180369123816490e-01, ln2lo = 1.90821492927058770002e-10;
    double kd, r, p, scale;
    long long ki, bits;
    x = x < -700.0 ? -700.0 : x;
    kd = x * 1.4426950408889634074 + shift;
    __builtin_memcpy(&ki, &kd, sizeof ki);
    kd -= shift;
    ki -= 0x4338000000000000LL; /* the bits of shift */
    r = (x - kd * ln2hi) - kd * ln2lo;
    p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    bits = (ki + 1023) << 52;
    __builtin_memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/* pesx_cutoff_eval for the hot loops: inline, and tanh from one exp
 * (tanh t = (1 - e^-2t) / (1 + e^-2t), t in [0, 1]; absolute error of a few
 * ulp, so f_c = tanh^3 keeps full absolute precision). */
static inline double pesx_cutoff_fast(const pesx_cutoff *c, double r, double *df)
{
    if (r >= c->rc) {
        *df = 0.0;
        return 0.0;
    }
    if (c->type == PESX_CUTOFF_TANH3 || c->type == PESX_CUTOFF_TANH3N) {
        double e = exp(-2.0 * (1.0 - r / c->rc)), t = (1.0 - e) / (1.0 + e), f = t * t * t;
        double d = -3.0 * t * t * (1.0 - t * t) / c->rc;
        if (c->type == PESX_CUTOFF_TANH3N) {
            const double n = 1.0 / (0.76159415595576488812 * 0.76159415595576488812 *
                                    0.76159415595576488812);
            f *= n;
            d *= n;
        }
        *df = d;
        return f;
    }
    return pesx_cutoff_eval(c, r, df);
}

#endif
