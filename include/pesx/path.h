/* pesx path: the nudged elastic band (NEB).  A band of images between two
 * minima; improved tangent (Henkelman & Jonsson, JCP 113, 9978 (2000)),
 * springs along the tangent (optionally energy-weighted), climbing image
 * (Henkelman, Uberuaga & Jonsson, JCP 113, 9901 (2000)); linear and IDPP
 * interpolation (Smidstrup et al., JCP 140, 214106 (2014)).  The moving
 * images form one vector that the opt module's minimizers optimise as a
 * whole (global L-BFGS / FIRE, Sheppard, Terrell & Henkelman, JCP 128,
 * 134106 (2008)).  The dimer, Hessian and HTST parts have their own headers
 * (path_dimer.h, path_vib.h); the barrier report is path_report.h.
 * Layer 6: uses opt (and what lies below). */
#ifndef PESX_PATH_H
#define PESX_PATH_H

#include <stddef.h>
#include <pesx/util.h>
#include <pesx/structure.h>
#include <pesx/io.h>
#include <pesx/potential.h>
#include <pesx/opt.h>
#include <pesx/path_report.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- endpoints --------------------------------------------------------- */

/* Check that B can be joined to A by a path: same atom count, same element
 * in every position, same pbc, same cell (to 1e-6 A), same fixed flags and
 * finite coordinates.  The error names exactly what differs (and the first
 * atom that does), with PATH_B and LINE_B (the frame's line) as location. */
int pesx_neb_check_endpoints(const pesx_atoms *a, const char *path_a, long line_a,
                             const pesx_atoms *b, const char *path_b, long line_b);
/* Refuse two endpoints that are the same structure: no atom of B more than
 * 1e-3 A from its place in A (after pesx_neb_align and, for a free
 * molecule, the superposition).  PESX_EINVAL naming PATH_B and LINE_B. */
int pesx_neb_check_distinct(const pesx_atoms *a, const char *path_a, const pesx_atoms *b,
                            const char *path_b, long line_b);
/* Move every atom of B to the periodic image nearest its position in A
 * (minimum image along the periodic directions), so that a straight line
 * from A to B never crosses the cell the long way round. */
int pesx_neb_align(const pesx_atoms *a, pesx_atoms *b);

/* ---- interpolation ----------------------------------------------------- */

enum { PESX_INTERP_LINEAR = 0, PESX_INTERP_IDPP = 1 };

/* Images 1..n_images-2 of X (n_images blocks of 3n coordinates; blocks 0 and
 * n_images-1 are the endpoints, already set) on the straight line. */
void pesx_neb_interpolate_linear(size_t n_atoms, size_t n_images, double *x);
/* Through the knots KNOTS (n_knots blocks of 3n: reactant, guesses,
 * product): images at equal arc length along the piecewise linear path. */
int pesx_neb_interpolate_knots(size_t n_atoms, size_t n_knots, const double *knots,
                               size_t n_images, double *x);
/* Image-dependent pair potential (IDPP): starting from the linear path,
 * relax the images on S_k = sum_{i<j} (d_ij^k - |r_i - r_j|)^2 / |r_i - r_j|^4
 * with d^k interpolated linearly between the endpoint distances, as an NEB
 * (tol: largest per-atom NEB force, 1/A^3-ish units; 0 = 0.01).  FIXED (n
 * flags, may be NULL) atoms do not move. */
int pesx_neb_interpolate_idpp(size_t n_atoms, const unsigned char *fixed, size_t n_images,
                              double *x, double tol, size_t max_steps);

/* ---- the band ------------------------------------------------------------ */

enum { PESX_CLIMB_OFF = 0, PESX_CLIMB_ON = 1, PESX_CLIMB_AUTO = 2 };

typedef struct {
    double k;            /* spring constant, eV/A^2 (5)                         */
    double k_min;        /* > 0: energy-weighted springs between k_min and k (0) */
    int climb;           /* PESX_CLIMB_* (AUTO)                                  */
    double climb_after;  /* AUTO: climb once the band fmax is below this (0.5)   */
    double fmax;         /* band: largest per-atom NEB force, eV/A (0.05)        */
    double fmax_ci;      /* climbing image: largest per-atom force (0.01)        */
    double fnorm_ci;     /* climbing image: 2-norm of its force; 0 = unused (0)  */
    size_t max_steps;    /* optimizer steps (1000)                               */
    /* A step after which the band's NEB force norm is more than reject_rise
     * times the smallest since the optimizer's history started and the band
     * fmax above reject_fmax, or an image's
     * energy or force is not finite, is taken back (pesx_neb_run; the
     * force test is skipped for the step right after one taken back).  Keeps
     * L-BFGS from running away on rough surfaces (neural networks off
     * their data; Mueller-Brown with long steps); the floor spares the
     * small rises near convergence that L-BFGS recovers from itself
     * (OptBench Pt, L-BFGS without preconditioner: 45.3 force calls per
     * image without the rule, 46.0 with it, 1.6 more without the floor on
     * the first 43 pairs; preconditioned: the IDPP start of pair 44 ran
     * away without the non-monotone reference, 30.2 on all with it).      */
    double reject_rise;  /* 0 = take back only non-finite results (3)        */
    double reject_fmax;  /* eV/A (1)                                          */
    /* 1: a structure without pbc or fixed atoms under a potential that is
     * not a model surface (PESX_POTENTIAL_MODEL_SURFACE) moves and turns
     * freely; remove rigid translation and rotation from each image's NEB
     * force (the true force has none; the springs and the projection do),
     * else L-BFGS turns the images along these flat directions and kinks
     * the band (pesx-neb(1) on examples/ch3nc).                             */
    int remove_rigid;    /* (1)                                              */
    const pesx_minimizer_type *minimizer; /* (L-BFGS)                           */
    /* max_step 0.2, memory 100, ...  With L-BFGS, mp.precon chooses the
     * preconditioned NEB: H0 of the global L-BFGS is gamma times the
     * block-diagonal of the opt module's Exp preconditioner P_i^-1 of each
     * image (Makri, Ortner & Kermode, JCP 150, 094109 (2019), through the
     * quasi-Newton metric; P_i built where the history starts).
     * PESX_PRECON_AUTO (default): for structures with fixed atoms or a
     * periodic direction (not for a free molecule or cluster, whose soft
     * P lets loosely bound atoms take the largest steps, nor for a model
     * surface); EXP: always; NONE: never.  precon_c_stab is 0.7 here
     * (OptBench Pt, bench_neb_pt.sh: 0.5 gives 29.4 force calls per image
     * but 4 of 59 bands at another saddle, 0.7 31.3 with 59 of 59 at the
     * reference, 1.0 30.4 with one band not converged; no preconditioner
     * 45.3, 57 of 59).                                                    */
    pesx_minimizer_params mp;
} pesx_neb_params;

void pesx_neb_params_default(pesx_neb_params *p);

/* One band.  Image 0 and image n_images-1 are the fixed endpoints. */
typedef struct pesx_neb pesx_neb;

/* A band of N_IMAGES (>= 3, endpoints included) for structure TEMPLATE
 * (elements, cell, pbc and fixed atoms; its positions are not used) under
 * POTENTIAL (not owned).  All images start at the template's positions. */
pesx_neb *pesx_neb_alloc(pesx_potential *potential, const pesx_atoms *tmpl, size_t n_images,
                         const pesx_neb_params *params);
void pesx_neb_free(pesx_neb *b);

size_t pesx_neb_n_images(const pesx_neb *b);
size_t pesx_neb_n_atoms(const pesx_neb *b);
/* Positions of image I (3n, writable: set the band before running). */
double *pesx_neb_image(pesx_neb *b, size_t i);
/* The template with image I's positions (owned by the band; valid until
 * the next call). */
const pesx_atoms *pesx_neb_image_atoms(pesx_neb *b, size_t i);
/* Energy, true forces (3n, -dE/dx, frozen atoms zero), NEB forces of image
 * I after the last evaluation; NULL/NAN before. */
double pesx_neb_energy(const pesx_neb *b, size_t i);
const double *pesx_neb_forces(const pesx_neb *b, size_t i);
const double *pesx_neb_neb_forces(const pesx_neb *b, size_t i);
const double *pesx_neb_tangent(const pesx_neb *b, size_t i);

/* Evaluate the endpoints (2 force calls); done by run() when not yet done.
 * Energies may instead be given (from a checkpoint) with set_endpoint. */
int pesx_neb_eval_endpoints(pesx_neb *b);
/* Evaluate every moving image and the NEB forces at the current positions. */
int pesx_neb_eval(pesx_neb *b);

/* State after the last evaluation. */
typedef struct {
    size_t step;            /* optimizer steps so far                   */
    size_t calls;           /* single-structure force calls, total      */
    size_t band_calls;      /* evaluations of the whole band            */
    size_t image_calls;     /* force calls on moving images             */
    size_t rejected;        /* steps taken back (reject_rise)           */
    int climbing;           /* climbing image active                    */
    size_t ci;              /* climbing (or highest interior) image     */
    double fmax;            /* band: largest per-atom NEB force         */
    double ci_fmax;         /* climbing image: largest per-atom force   */
    double ci_fnorm;        /* climbing image: 2-norm                   */
    double e_max;           /* highest image energy                     */
    int converged;
} pesx_neb_status;

void pesx_neb_get_status(const pesx_neb *b, pesx_neb_status *st);
/* Restore counters and the climbing state (resume from a checkpoint). */
void pesx_neb_set_status(pesx_neb *b, size_t step, size_t calls, size_t band_calls,
                         size_t image_calls, int climbing);

/* 1 when run() optimises B with the preconditioned L-BFGS (mp.precon). */
int pesx_neb_uses_precon(const pesx_neb *b);

/* Called after every band evaluation; a non-zero return stops run() with
 * that status (e.g. an interrupt flag, checkpoint writing). */
typedef int (*pesx_neb_callback)(void *data, pesx_neb *b, const pesx_neb_status *st);

/* Optimise the band until converged: band fmax < fmax and, when climbing,
 * climbing-image fmax < fmax_ci and (if > 0) its fnorm < fnorm_ci.  PESX_OK
 * when converged, PESX_ENOCONV when max_steps ran out, the callback's
 * status when it stopped the run, or the error. */
int pesx_neb_run(pesx_neb *b, pesx_neb_callback cb, void *cb_data);

/* Path length, tangential forces along the improved tangent and the
 * committee/extrapolation data of the last evaluation into a report
 * (pesx_report_set_profile and friends, then pesx_report_finish). */
int pesx_neb_report(pesx_neb *b, pesx_report *r);

/* ---- bands from elsewhere (pesx barrier) -------------------------------- */

/* Profile of a band given as images with energies and forces (endpoints
 * included): cumulative path length s, tangential force ftan (improved
 * tangent inside, segment direction at the ends) and the highest interior
 * image.  X: n_images blocks of 3n. */
int pesx_band_profile(size_t n_atoms, size_t n_images, const double *x, const double *energy,
                      const double *forces, double *s, double *ftan, size_t *highest);
/* A file of frames may hold several bands one after the other (pesx neb
 * --traj, an ASE NEB trajectory).  BAND_SIZE > 0: bands of that many
 * frames (NF must be a multiple and every band must have band 1's
 * endpoints, PESX_EINVAL naming PATH and the frame otherwise).  0:
 * the smallest size m >= 3 that divides NF such that every m-th frame is
 * frame 0 and every band ends on frame m-1 (the repeated endpoints, to
 * 1e-6 A); NF itself when there is none.  *SIZE receives the band size. */
int pesx_band_split(const pesx_frame *fr, size_t nf, size_t band_size, const char *path,
                    size_t *size);
/* The barrier report of the band FR (NF >= 3 frames, endpoints included;
 * from file PATH, for messages): every frame evaluated with POT, or with
 * POT NULL the energy= and forces stored in the frames.  The frames' fixed
 * flags are merged and each is moved to the periodic image nearest its
 * predecessor.  Sets the profile, committee rows and extrapolation counts,
 * the highest image's true-force fmax/fnorm and r->force_calls (the
 * evaluations done), then pesx_report_finish. */
int pesx_band_report_frames(pesx_report *r, pesx_potential *pot, pesx_frame *fr, size_t nf,
                            const char *path);
/* The saddle force of a report: the largest per-atom norm and the 2-norm of
 * the true force F (3 N_ATOMS) over the coordinates FROZEN (NULL = none)
 * does not flag; the one definition of "saddle fmax" everywhere. */
void pesx_band_force_norms(size_t n_atoms, const unsigned char *frozen, const double *f,
                           double *fmax, double *fnorm);
/* Improved tangent (normalised, DIM values) at an interior image X0 with
 * neighbours XM (before) and XP (after) and energies EM, E0, EP. */
void pesx_band_tangent(size_t dim, const double *xm, const double *x0, const double *xp,
                       double em, double e0, double ep, double *tau);

#ifdef __cplusplus
}
#endif
#endif
