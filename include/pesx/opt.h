/* pesx opt: objectives (x -> E, dE/dx) and minimizers that see only an
 * objective, so one L-BFGS relaxes a structure, a band or a dimer.
 * Layer 5: uses potential. */
#ifndef PESX_OPT_H
#define PESX_OPT_H

#include <stddef.h>
#include <pesx/potential.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- objective --------------------------------------------------------- */

/* Evaluate at x: energy and gradient (n values).  The "gradient" may be a
 * projected one (NEB, dimer): minimizers only follow -gradient and use the
 * energy for reporting. */
typedef int (*pesx_objective_fn)(void *ctx, const double *x, double *energy, double *gradient);
/* K points at once: x, gradient k * n values (point-major), energy k; on
 * failure *failed is the index of the point the error is about. */
typedef int (*pesx_objective_many_fn)(void *ctx, size_t k, const double *x, double *energy,
                                      double *gradient, size_t *failed);

typedef struct {
    size_t n;                      /* coordinates                            */
    pesx_objective_fn eval;
    void *ctx;
    const unsigned char *frozen;   /* n flags per coordinate, or NULL        */
    size_t group;                  /* coordinates per atom for fmax (3, or 1) */
    size_t calls;                  /* evaluations so far                      */
    pesx_objective_many_fn eval_many; /* NULL: eval one point after another */
} pesx_objective;

/* Evaluate, zero the frozen components of the gradient, reject non-finite
 * values (PESX_EFAILED) and count the call. */
int pesx_objective_eval(pesx_objective *o, const double *x, double *energy, double *gradient);
/* The same for K points (x and gradient k * n, energy k) at once when the
 * objective can (eval_many), each counted as one call; the results are those
 * of pesx_objective_eval on each.  On failure *FAILED (when not NULL) is the
 * index of the point the error is about. */
int pesx_objective_eval_many(pesx_objective *o, size_t k, const double *x, double *energy,
                             double *gradient, size_t *failed);
/* Largest per-atom (per-group) norm of g over free coordinates. */
double pesx_objective_fmax(const pesx_objective *o, const double *g);
/* 2-norm of g over free coordinates. */
double pesx_objective_fnorm(const pesx_objective *o, const double *g);

/* Adapter: a structure under a potential.  x are the 3n positions; frozen
 * atoms (a->fixed) are frozen coordinates.  The adapter keeps its own
 * copy of the atoms and scratch arrays; its eval_many goes through
 * pesx_potential_eval_many. */
typedef struct {
    pesx_potential *potential;
    pesx_atoms *atoms;        /* private copy; positions follow x */
    double *forces;           /* 3n, last evaluation              */
    unsigned char *frozen;    /* 3n                               */
    double energy;
} pesx_atoms_objective;

int pesx_atoms_objective_init(pesx_atoms_objective *ao, pesx_objective *o,
                              pesx_potential *p, const pesx_atoms *a);
void pesx_atoms_objective_release(pesx_atoms_objective *ao);

/* ---- minimizers -------------------------------------------------------- */

enum {
    PESX_PRECON_NONE = 0,
    PESX_PRECON_EXP = 1,  /* bond-stiffness model of the geometry       */
    PESX_PRECON_AUTO = 2  /* EXP for a pesx_atoms_objective, else NONE  */
};

typedef struct {
    double max_step;   /* largest displacement of one atom per step, Angstrom;
                        * 0 = no cap (0.2)                                     */
    size_t memory;     /* L-BFGS history length (100)                          */
    double h0;         /* L-BFGS inverse curvature before the first pair,
                        * A^2/eV; 0 = automatic, 1/70 (0)                     */
    /* FIRE (Bitzek et al. 2006): */
    double dt;         /* initial time step (0.1)                              */
    double dt_max;     /* (1.0)                                                */
    size_t n_min;      /* steps with P > 0 before dt grows (5)                 */
    double f_inc;      /* (1.1) */
    double f_dec;      /* (0.5) */
    double alpha_start;/* (0.1) */
    double f_alpha;    /* (0.99) */
    /* L-BFGS energy check: a step that raises the energy by more than
     * max_rise is rejected and retried at half its length (each retry is a
     * force call), at most max_reject times in a row.  Only for objectives
     * whose energy belongs to the gradient (not a projected NEB or dimer
     * force).  A zeroed struct has it off.  On LJ38 (bench_lj38 -e) it
     * changes nothing beyond noise (121 -> 121 with max_rise 1e-4, 120
     * with 1e-2), so it stays off. */
    int energy_check;  /* (0 = off) */
    double max_rise;   /* (1e-4) */
    size_t max_reject; /* (10) */
    /* L-BFGS preconditioner: H0 = gamma P^-1 with P a bond-stiffness model
     * of the current geometry (Packwood et al., J. Chem. Phys. 144, 164109
     * (2016), "Exp" weights exp(-A (r/r_nn - 1)) acting along each bond
     * within rcut r_nn, plus c_stab I; gamma = s.y / y.P^-1 y).  Only for
     * x = the 3n positions of one structure; wrong for bands and dimers.
     * PESX_PRECON_AUTO (the default) means: on when pesx_minimize runs on
     * a pesx_atoms_objective (cell and pbc from its structure), off
     * otherwise (and off in a bare pesx_minimizer_alloc).  A zeroed struct
     * has it off.  Measured: LJ38 (OptBench, 100 starts,
     * tests/bench/bench_lj38 vs -n) 182 -> 122 mean force calls; ad hoc:
     * six rattled Pt(111) heptamer slabs (Morse, frozen layers, periodic)
     * 237 -> 92 in all; n2p2 water cluster of 24 atoms 260 -> 135, Cu2S
     * (144 atoms, periodic) 72 -> 34.  Defaults chosen on LJ38: A 3 (114
     * with A 5), c_stab 0.1 (131 with 0.3), memory 100 (120 with 50, 125
     * with 200), max_step 0.2 (141 with 0.1, 128 with 0.3). */
    int precon;                     /* PESX_PRECON_* (AUTO)                  */
    const pesx_atoms *precon_atoms; /* cell and pbc for the neighbour search;
                                     * NULL = open boundaries (NULL)         */
    double precon_r_nn;   /* nearest-neighbour distance; 0 = the median of
                           * the current positions, at every step (0)     */
    double precon_A;      /* (3)   */
    double precon_rcut;   /* pair cutoff in units of r_nn (2)            */
    double precon_c_stab; /* (0.1) */
} pesx_minimizer_params;

void pesx_minimizer_params_default(pesx_minimizer_params *p);

/* A minimizer type: an ask/tell stepper.  step() receives the current point,
 * its gradient and energy and writes the proposed displacement dx (never
 * moving frozen coordinates); it keeps whatever history it needs. */
typedef struct pesx_minimizer_type {
    const char *name;
    const char *summary;
    size_t state_size;
    int (*init)(void *state, size_t n, const pesx_minimizer_params *p);
    int (*step)(void *state, const double *x, const double *g, double e,
                const unsigned char *frozen, double *dx);
    void (*reset)(void *state);  /* forget history (the surface changed)   */
    void (*release)(void *state);
} pesx_minimizer_type;

extern const pesx_minimizer_type pesx_minimizer_lbfgs;
extern const pesx_minimizer_type pesx_minimizer_fire;

const pesx_minimizer_type *const *pesx_minimizer_types(void);
const pesx_minimizer_type *pesx_minimizer_type_lookup(const char *name);

typedef struct pesx_minimizer pesx_minimizer;

pesx_minimizer *pesx_minimizer_alloc(const pesx_minimizer_type *T, size_t n,
                                     const pesx_minimizer_params *p);
void pesx_minimizer_free(pesx_minimizer *m);
/* One step: dx from the type, then scaled so no group moves more than
 * max_step (group = 3 coordinates, or as given; 0 means 3).  Frozen
 * coordinates get dx = 0; a non-finite dx is PESX_EFAILED. */
int pesx_minimizer_step(pesx_minimizer *m, const double *x, const double *g, double e,
                        const unsigned char *frozen, size_t group, double *dx);
void pesx_minimizer_reset(pesx_minimizer *m);
const char *pesx_minimizer_name(const pesx_minimizer *m);

/* ---- the preconditioner on its own ------------------------------------- */

/* The L-BFGS "Exp" preconditioner (the precon_* fields of
 * pesx_minimizer_params; precon_atoms gives cell and pbc) for other
 * quasi-Newton steppers on atom positions, such as the dimer's translation
 * (path_dimer.h).  n = 3 x atoms.  alloc returns NULL with the error set. */
typedef struct pesx_precon pesx_precon;
pesx_precon *pesx_precon_alloc(size_t n, const pesx_minimizer_params *p);
void pesx_precon_free(pesx_precon *P);
/* P at positions X (FROZEN: n flags or NULL; kept until the next build). */
int pesx_precon_build(pesx_precon *P, const double *x, const unsigned char *frozen);
/* X = P^-1 B (frozen components 0). */
int pesx_precon_solve(pesx_precon *P, const double *b, double *x);

/* ---- the L-BFGS two-loop recursion on its own -------------------------- */

/* D = -H G (N numbers) for the limited-memory inverse Hessian H built from
 * the LEN newest of M pairs (s_j, y_j): rows j of S and Y (N numbers each)
 * in a ring whose newest row is NEWEST, with RHO[j] = 1 / s_j.y_j; ALPHA (M
 * numbers) is workspace.  Between the two loops APPLY_H0(DATA, D) replaces D
 * by H0 D (scaled identity, a preconditioner, one per image of a band ...);
 * its non-zero status is returned.  Nocedal, Math. Comp. 35, 773 (1980). */
int pesx_lbfgs_direction(size_t n, size_t m, size_t len, size_t newest, const double *s,
                         const double *y, const double *rho, double *alpha, const double *g,
                         double *d, int (*apply_h0)(void *data, double *d), void *data);

/* ---- the minimization driver ------------------------------------------- */

typedef struct {
    double fmax;       /* largest per-atom force, eV/A; <= 0 disables (0.01) */
    double fnorm;      /* 2-norm of the force vector; <= 0 disables (0)      */
    size_t max_steps;  /* (1000) */
} pesx_converge;

void pesx_converge_default(pesx_converge *c);
/* 1 when every enabled criterion holds (0 when none is enabled: the run
 * then goes on until max_steps). */
int pesx_converge_test(const pesx_converge *c, double fmax, double fnorm);

typedef struct {
    int converged;
    size_t steps;      /* steps taken                                */
    size_t calls;      /* objective evaluations, the first included  */
    double energy;
    double fmax;
    double fnorm;
} pesx_minimize_result;

/* Called after every evaluation (step 0 = the start); a non-zero return
 * stops the run with that status. */
typedef int (*pesx_minimize_callback)(void *data, size_t step, const double *x,
                                      double energy, const double *g,
                                      double fmax, double fnorm);

/* Minimise o from x (updated in place to the last point).  PESX_OK when
 * converged, PESX_ENOCONV when max_steps ran out (res filled either way).
 * mp and c may be NULL (defaults).  An evaluation that fails or gives a
 * non-finite energy or gradient stops the run with its status
 * (PESX_EFAILED), x left at the last point that evaluated. */
int pesx_minimize(pesx_objective *o, const pesx_minimizer_type *T,
                  const pesx_minimizer_params *mp, const pesx_converge *c,
                  double *x, pesx_minimize_callback cb, void *cb_data,
                  pesx_minimize_result *res);

#ifdef __cplusplus
}
#endif
#endif
