/* pesx descriptor: atom-centred symmetry functions (Behler-Parrinello),
 * their cutoff functions, derivatives and input scaling.  Layer 3: uses
 * structure and util.
 *
 * Cutoff functions f_c(r; rc, alpha) (a table, n2p2 numbering):
 *   0 hard, 1 cos, 2 tanh3 = tanh^3(1 - r/rc) (Behler; f_c(0) = 0.442),
 *   3 tanh3n (normalised to f_c(0) = 1), 4 exp, 5..8 poly1..poly4.
 * With alpha > 0, f_c = 1 for r < alpha rc and the function is stretched
 * over [alpha rc, rc] (types 0, 1, 4..8; the tanh types ignore alpha).
 *
 * Symmetry-function types (a table, pesx_sf_types()): n2p2's numbered types
 * "2", "3", "9", "12", "13", "20".."25" with exactly n2p2's definitions
 * (SPEC.md section 4: angular sums over UNORDERED neighbour pairs) and
 * Behler's "G1".."G5":
 *   G1 = sum_j f_c(r_ij)
 *   G2 = sum_j exp(-eta (r_ij - rs)^2) f_c(r_ij)                (= type 2)
 *   G3 = sum_j cos(kappa r_ij) f_c(r_ij)
 *   G4 = 2^(1-zeta) sum_{j != k} (1 + lambda cos t)^zeta
 *        exp(-eta (r_ij^2 + r_ik^2 + r_jk^2)) f_c(r_ij) f_c(r_ik) f_c(r_jk)
 *   G5 = as G4 without the r_jk terms
 * G4 and G5 sum over ORDERED pairs (j, k), j != k, as Behler writes them,
 * i.e. twice n2p2's types 3 and 9 with rs = 0.
 * Every type is element-resolved: neighbours of element e1 (radial) or
 * pairs of elements {e1, e2} (angular); e1 = e2 = 0 means any element.
 * The weighted n2p2 types (12, 13, 23, 24, 25) take every neighbour and
 * weight it with its atomic number.
 *
 * Lengths are in whatever unit the positions use (pesx: Angstrom); the
 * n2p2 reader converts parameters.
 *
 * Evaluation is per atom and per thread (one workspace each) and does not
 * allocate once the workspace has grown to the largest neighbourhood:
 *   pesx_descriptor_atom_values(d, a, nl, i, G, ws)      G of atom i
 *   pesx_descriptor_atom_gradient(d, a, nl, dEdG, ...)   sum_s dEdG_s dG_s/dr
 *        added to a gradient array, for the atom of the last values call
 *        (reuses what the values call kept, so nothing is computed twice). */
#ifndef PESX_DESCRIPTOR_H
#define PESX_DESCRIPTOR_H

#include <stddef.h>
#include <pesx/util.h>
#include <pesx/structure.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- cutoff functions --------------------------------------------------- */

enum {
    PESX_CUTOFF_HARD = 0,
    PESX_CUTOFF_COS = 1,
    PESX_CUTOFF_TANH3 = 2,
    PESX_CUTOFF_TANH3N = 3,
    PESX_CUTOFF_EXP = 4,
    PESX_CUTOFF_POLY1 = 5,
    PESX_CUTOFF_POLY2 = 6,
    PESX_CUTOFF_POLY3 = 7,
    PESX_CUTOFF_POLY4 = 8,
    PESX_CUTOFF_NTYPES = 9
};

typedef struct {
    int type;
    double rc, alpha;
    double ri;     /* alpha rc                  */
    double inv_w;  /* 1 / (rc - ri)             */
} pesx_cutoff;

/* Type from a name ("cos", "tanh3", "poly2", ...) or an n2p2 number
 * ("0".."8"); -1 when unknown. */
int pesx_cutoff_lookup(const char *name);
const char *pesx_cutoff_name(int type); /* NULL when out of range */
/* PESX_EINVAL for an unknown type, rc <= 0 or alpha outside [0, 1). */
int pesx_cutoff_init(pesx_cutoff *c, int type, double rc, double alpha);
/* f_c(r) and, when DF is not NULL, df_c/dr.  0 for r >= rc. */
double pesx_cutoff_eval(const pesx_cutoff *c, double r, double *df);

/* ---- symmetry-function types -------------------------------------------- */

enum {
    PESX_SF_RADIAL = 1,   /* one neighbour                               */
    PESX_SF_ANGULAR = 2,  /* neighbour pairs                             */
    PESX_SF_NARROW = 4,   /* angular with r_jk and f_c(r_jk)             */
    PESX_SF_WEIGHTED = 8, /* every neighbour, weighted by Z              */
    PESX_SF_POLY = 16,    /* polynomial (compact) windows, no cutoff fn  */
    PESX_SF_ORDERED = 32  /* angular over ordered pairs (Behler G4, G5)  */
};

typedef struct {
    const char *name;     /* "2", "3", ..., "G1", ...                     */
    int flags;            /* PESX_SF_* bits                               */
    const char *params;   /* required parameter names, blank separated    */
    const char *optional; /* optional ones (default 0), or ""             */
    int has_sub;          /* needs a subtype ("p2", "p2a", "e")           */
    const char *summary;  /* one line                                     */
} pesx_sf_type;

const pesx_sf_type *const *pesx_sf_types(void); /* NULL-terminated */
/* NULL with the error set (listing the valid names) when unknown. */
const pesx_sf_type *pesx_sf_type_lookup(const char *name);

/* One symmetry function as the user writes it.  Angles in degrees.
 * Parameters a type does not use are ignored. */
typedef struct {
    const pesx_sf_type *type;
    int z1, z2;           /* neighbour elements (atomic numbers); 0 = any */
    double eta, rs, rc, lambda, zeta, kappa, rl, theta_l, theta_r;
    char sub[8];          /* "p1".."p4", "p1a".."p4a", "e"                */
} pesx_sf;

/* ---- the descriptor: SF lists per element ------------------------------- */

typedef struct pesx_descriptor pesx_descriptor;

/* A descriptor for N_ELEM elements (atomic numbers Z, any order) whose
 * SFs all use cutoff CUTOFF_TYPE with inner fraction ALPHA. */
pesx_descriptor *pesx_descriptor_alloc(size_t n_elem, const int *z, int cutoff_type,
                                       double alpha);
void pesx_descriptor_free(pesx_descriptor *d);
/* Append SF (index = network input index, in call order) for central
 * element CENTER_Z.  Checks the parameters (PESX_EINVAL naming them). */
int pesx_descriptor_add(pesx_descriptor *d, int center_z, const pesx_sf *sf);
/* Group the SFs for fast evaluation; call once after the last add. */
int pesx_descriptor_finalize(pesx_descriptor *d);
/* Evaluate with the plain scalar reference kernels instead of the
 * vectorised ones (same results to rounding; for testing the latter). */
void pesx_descriptor_use_reference_kernels(pesx_descriptor *d, int on);

size_t pesx_descriptor_n_elements(const pesx_descriptor *d);
int pesx_descriptor_element_z(const pesx_descriptor *d, size_t e);
/* Element index of atomic number Z, or -1. */
int pesx_descriptor_element_index(const pesx_descriptor *d, int z);
size_t pesx_descriptor_n_sf(const pesx_descriptor *d, size_t e);
size_t pesx_descriptor_max_n_sf(const pesx_descriptor *d);
const pesx_sf *pesx_descriptor_sf(const pesx_descriptor *d, size_t e, size_t k);
/* Largest cutoff of any SF (the neighbour list needs at least this). */
double pesx_descriptor_cutoff(const pesx_descriptor *d);
int pesx_descriptor_cutoff_type(const pesx_descriptor *d);
double pesx_descriptor_cutoff_alpha(const pesx_descriptor *d);
/* PESX_EINVAL naming the first atom whose element has no SFs here. */
int pesx_descriptor_check_atoms(const pesx_descriptor *d, const pesx_atoms *a);

/* ---- evaluation ---------------------------------------------------------- */

typedef struct pesx_descriptor_workspace pesx_descriptor_workspace;

pesx_descriptor_workspace *pesx_descriptor_workspace_alloc(const pesx_descriptor *d);
void pesx_descriptor_workspace_free(pesx_descriptor_workspace *ws);

/* The SF values G[0 .. n_sf(element of i) - 1] of atom I.  NL must be a
 * full list of A built with a cutoff >= pesx_descriptor_cutoff(d).  The
 * workspace keeps what the gradient call needs.  Grows the workspace when
 * the neighbourhood is larger than ever before (PESX_ENOMEM on failure). */
int pesx_descriptor_atom_values(const pesx_descriptor *d, const pesx_atoms *a,
                                const pesx_nlist *nl, size_t i, double *G,
                                pesx_descriptor_workspace *ws);

/* For the atom of the last atom_values call on WS: for each of NSET
 * coefficient vectors c_m = DEDG + m * n_sf,
 *     GRAD[m * STRIDE + 3 a + k] += sum_s c_m[s] dG_s / dx_{a,k}
 * for every atom a (the atom itself and its neighbours, periodic images
 * folded onto their atom).  NSET <= PESX_DESCRIPTOR_MAX_SETS. */
#define PESX_DESCRIPTOR_MAX_SETS 64
int pesx_descriptor_atom_gradient(const pesx_descriptor *d, const pesx_nlist *nl,
                                  size_t nset, const double *dEdG, double *grad,
                                  size_t stride, pesx_descriptor_workspace *ws);

/* Convenience for tests and fitting (small structures): every SF of every
 * atom and the full Jacobian.  G: n x max_n_sf (row i = atom i, unused
 * tail zero); DG (may be NULL): for atom i, SF s, coordinate c:
 * DG[((i * max_n_sf) + s) * 3n + c].  Allocates its own workspace. */
int pesx_descriptor_eval_all(const pesx_descriptor *d, const pesx_atoms *a,
                             const pesx_nlist *nl, double *G, double *dG);

/* ---- input scaling (n2p2 modes) ----------------------------------------- */

enum {
    PESX_SCALING_NONE = 0,
    PESX_SCALING_SCALE = 1,        /* Smin + (Smax-Smin)(G-Gmin)/(Gmax-Gmin)   */
    PESX_SCALING_CENTER = 2,       /* G - Gmean                                */
    PESX_SCALING_SCALE_CENTER = 3, /* Smin + (Smax-Smin)(G-Gmean)/(Gmax-Gmin)  */
    PESX_SCALING_SIGMA = 4         /* Smin + (Smax-Smin)(G-Gmean)/Gsigma       */
};

/* "none", "scale", "center", "scale-center", "sigma"; -1 when unknown. */
int pesx_scaling_lookup(const char *name);
const char *pesx_scaling_name(int mode);
/* The affine map x = factor G + offset of one SF.  PESX_EINVAL when the
 * statistics the mode needs are missing (NaN) or sigma <= 0.  A zero
 * range (Gmax = Gmin) gives factor 0, x = Smin (and returns 1, so the
 * caller can warn). */
int pesx_scaling_coefficients(int mode, double smin, double smax, double gmin,
                              double gmax, double gmean, double gsigma,
                              double *factor, double *offset);

#ifdef __cplusplus
}
#endif
#endif
