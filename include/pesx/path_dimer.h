/* pesx path dimer: the improved dimer method for first-order saddle points.
 *
 * A dimer is two images x0 and x1 = x0 + dR N a short distance dR apart
 * along a unit mode N.  Rotating it (minimising the curvature N.H.N, with
 * H N estimated from the gradients at x0 and x1) finds the lowest-curvature
 * mode without any Hessian; translating x0 on the modified force
 * F' = F - 2 (F.N) N (when the curvature is negative; -(F.N) N, a pure uphill
 * step along N, when it is positive) climbs to the saddle.
 *
 *   Henkelman & Jonsson, J. Chem. Phys. 111, 7010 (1999): the method;
 *   Heyden, Bell & Keil, J. Chem. Phys. 123, 224101 (2005): one gradient per
 *     rotation (forward difference), rotation-angle extrapolation by a
 *     Fourier fit of the curvature, interpolated gradient at the new angle;
 *   Kastner & Sherwood, J. Chem. Phys. 128, 014106 (2008): L-BFGS for the
 *     rotation and for the translation, skipping the trial rotation when the
 *     estimated angle is below a threshold.
 *
 * The dimer sees only a pesx_objective (x -> E, dE/dx), so it refines any
 * structure under any potential; the translation is an L-BFGS (or any
 * registered minimizer) stepping on the modified gradient through the opt
 * module's ask/tell interface.  Frozen coordinates of the objective never
 * move and carry no mode component.  Layer 6: uses opt. */
#ifndef PESX_PATH_DIMER_H
#define PESX_PATH_DIMER_H

#include <stddef.h>
#include <pesx/opt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Rotation: L-BFGS or CG directions on the sphere with Heyden's Fourier
 * extrapolation (one force call per trial rotation), or Davidson's
 * subspace iteration (one force call per new vector; the mode is the
 * lowest Ritz vector of the Hessian projected on every direction
 * evaluated so far, the next direction the residual H u - C u). */
enum { PESX_DIMER_ROT_LBFGS = 0, PESX_DIMER_ROT_CG = 1, PESX_DIMER_ROT_DAVIDSON = 2 };

typedef struct {
    double separation;      /* dR, centre to image 1, Angstrom (0.01)                 */
    int rotation;           /* PESX_DIMER_ROT_* (DAVIDSON)                             */
    size_t rot_max;         /* trial rotations (Davidson: new vectors) per step (4)    */
    /* Stop rotating when the estimated angle is below, rad; 0 = the
     * rotation's own: 10 deg for Davidson when preconditioned (surfaces
     * and bulk), else 5 deg (0; LJ7 from a strained start loses an atom
     * with an unpreconditioned Davidson at 10 deg).
     * Davidson's estimate 0.5 atan(2 |r| / gap) uses the gap between the
     * two lowest Ritz values of the last subspace; Pt heptamer pairs
     * (bench_saddle_pt): 5 deg 75.0, 10 deg 69.1, 20 deg 66.9 mean force
     * calls, all first order; L-BFGS rotation at 10 deg: 170.7, one failed. */
    double rot_angle;
    size_t rot_memory;      /* rotation L-BFGS history (4)                             */
    /* Adaptive rotation skipping: after a rotation phase that needed no
     * trial rotation (the mode was already within rot_angle) with negative
     * curvature, the next 1, 2, 4, ... up to rot_skip_max translation steps
     * reuse the mode without evaluating the image (one force call per step
     * instead of two); any phase that rotates resets the count.  0 = off
     * (8). */
    size_t rot_skip_max;
    /* Translation.  NULL (default): L-BFGS whose history holds true
     * gradient differences, reflected by the current mode at every step
     * (Kastner & Sherwood 2008), so rotations do not spoil it.  Otherwise
     * any registered minimizer, stepping through the opt module's ask/tell
     * API on the modified gradient (its history mixes old modes). */
    const pesx_minimizer_type *translator;
    /* max_step 0.2 A, memory 25, h0 (0 = 1/70 A^2/eV).  The built-in
     * L-BFGS takes H0 = gamma P^-1 with the opt module's Exp preconditioner
     * (precon_* fields) when mp.precon is PESX_PRECON_EXP, or AUTO (the
     * default) and mp.precon_atoms is set (pesx_dimer_params_auto sets it
     * for surfaces and bulk):
     * on OptBench's Pt heptamer pairs (tests/bench/bench_saddle_pt, L-BFGS
     * rotation) the NEB-then-dimer route needs 78.8 force calls on average
     * instead of 110.9 without it. */
    pesx_minimizer_params mp;
    double fnorm;           /* converged when |dE/dx| (2-norm, free) is below, eV/A (1e-3) */
    double fmax;            /* and the largest per-atom force below, eV/A; <= 0 off (0) */
    size_t max_steps;       /* translation steps (1000)                                */
    size_t max_calls;       /* objective evaluations, 0 = no limit (0)                  */
    /* Remove overall translation (all atoms free, any cell) and rotation
     * (isolated molecules) from the mode; set by the caller who knows the
     * system (pesx_dimer_params_auto). Need group = 3 coordinates per atom. */
    int remove_translation;
    int remove_rotation;
} pesx_dimer_params;

void pesx_dimer_params_default(pesx_dimer_params *p);
/* The rotation threshold in effect (rot_angle, or the rotation's default;
 * call after pesx_dimer_params_auto). */
double pesx_dimer_rot_angle(const pesx_dimer_params *p);
/* Choose remove_translation/remove_rotation for a structure: translation when
 * no atom is fixed and there are at least 2 atoms; rotation when in addition
 * no direction is periodic.  Also points mp.precon_atoms at A (cell and pbc
 * of the translation's preconditioner; A must outlive the search) when A
 * has fixed atoms or a periodic direction, and sets it NULL otherwise. */
void pesx_dimer_params_auto(pesx_dimer_params *p, const pesx_atoms *a);

typedef struct {
    int converged;          /* 1: |F| below the thresholds with negative curvature     */
    size_t steps;           /* translation steps                                       */
    size_t rotations;       /* trial rotations (one evaluation each)                   */
    size_t calls;           /* every objective evaluation of this run                  */
    double energy;          /* at x (eV)                                               */
    double curvature;       /* along the final mode, eV/A^2                            */
    double fnorm, fmax;     /* of the true force at x                                  */
} pesx_dimer_result;

/* Called after each translation step's rotation phase (or, for the
 * lowest-mode search, after each rotation).  Non-zero stops the run with
 * that status (PESX_OK stops as "converged by the caller" only through the
 * mode search; see below). */
typedef int (*pesx_dimer_callback)(void *data, size_t step, const double *x,
                                   const double *mode, double energy,
                                   double curvature, double fnorm, size_t calls);

/* Search for a first-order saddle from x along MODE (o->n values each; the
 * mode needs not be normalised, must not be zero over free coordinates).  x
 * and MODE are updated in place.  PESX_OK converged; PESX_ENOCONV step or
 * call limit reached; PESX_EFAILED when the search cannot proceed (the
 * message says why).  res is filled in every case.  cb may be NULL. */
int pesx_dimer_search(pesx_objective *o, const pesx_dimer_params *p, double *x,
                      double *mode, pesx_dimer_callback cb, void *cb_data,
                      pesx_dimer_result *res);

/* Lowest-curvature mode at fixed x by dimer rotations only, until the
 * estimated rotation angle is below p->rot_angle or p->max_calls (if set)
 * is reached.  cb (may be NULL) sees every rotation; a non-zero return stops
 * with PESX_OK (e.g. when an overlap target is reached). */
int pesx_dimer_lowest_mode(pesx_objective *o, const pesx_dimer_params *p,
                           const double *x, double *mode, pesx_dimer_callback cb,
                           void *cb_data, pesx_dimer_result *res);

/* Saddle-to-minima connection: from the saddle X along +-MODE, a
 * displacement whose largest per-atom component is STEP (Angstrom), then a
 * minimisation with MINIMIZER/MP/C.  XM and XP receive the minima reached
 * from -MODE and +MODE; em/ep their energies.  *calls adds every evaluation. */
typedef struct {
    double em, ep;
    int converged_m, converged_p;
    size_t calls;
} pesx_dimer_connection;

int pesx_dimer_connect(pesx_objective *o, const double *x, const double *mode, double step,
                       const pesx_minimizer_type *T, const pesx_minimizer_params *mp,
                       const pesx_converge *c, double *xm, double *xp,
                       pesx_dimer_connection *res);

/* Remove the translation (and rotation) components of V (3 coordinates per
 * atom, positions X) as chosen in P, zero frozen coordinates and normalise;
 * PESX_EINVAL when nothing is left.  Exposed for the tests and the CLI. */
int pesx_dimer_project_mode(const pesx_dimer_params *p, const pesx_objective *o,
                            const double *x, double *v);

#ifdef __cplusplus
}
#endif
#endif
