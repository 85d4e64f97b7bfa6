/* Private: the grouped evaluation plan of a descriptor. */
#ifndef PESX_DESCRIPTOR_IMPL_H
#define PESX_DESCRIPTOR_IMPL_H

#include <stddef.h>
#include <pesx/descriptor.h>

#define PESX_SF_PI 3.14159265358979323846

/* P_N(x) of the polynomial cutoffs (order 1..4) or the exponential bump
 * (order 0), and its derivative. */
double pesx_sf_poly(int order, double x, double *dp);

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
};

#endif
