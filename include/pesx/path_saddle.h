/* pesx path saddle: what is done with a saddle point once a search (dimer,
 * climbing image) has found one, and how a single-ended search starts.
 * Shared by `pesx saddle`, `pesx explore` and programs embedding libpesx:
 *
 *   - a starting mode: a random displacement of chosen atoms, the lowest
 *     mode at a stationary point, the tangent at a band's highest image;
 *   - identity: two configurations compared in place or after the best
 *     rotation and translation (free molecules);
 *   - the analysis: the Hessian at the saddle (is it first order?), both
 *     sides relaxed to the minima they connect, oriented and matched
 *     against given structures, the Hessian at the reactant minimum and
 *     the harmonic TST rate;
 *   - the barrier report of the result (path_report.h).
 * Units: eV, Angstrom, amu, cm^-1, s^-1, K.  Layer 6: uses opt. */
#ifndef PESX_PATH_SADDLE_H
#define PESX_PATH_SADDLE_H

#include <stddef.h>
#include <pesx/io.h>
#include <pesx/opt.h>
#include <pesx/structure_align.h>
#include <pesx/path_dimer.h>
#include <pesx/path_report.h>
#include <pesx/path_vib.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- starting a search --------------------------------------------------- */

/* A random start: MODE = D times a standard normal number on every
 * coordinate of the atoms flagged in SEL (n_atoms flags, NULL = all) that O
 * does not freeze, 0 elsewhere, and X += MODE. */
void pesx_saddle_displace(const pesx_objective *o, const unsigned char *sel, double d,
                          pesx_rng *rng, double *x, double *mode);
/* A start X with (almost) no force has no direction for the dimer to climb:
 * from a random MODE (seeded by RNG), dimer rotations alone find the
 * lowest-curvature mode at X (pesx_dimer_lowest_mode with P).  *CURVATURE
 * < 0: X is at (or next to) a saddle and MODE its unstable mode; >= 0: a
 * minimum.  RES counts the calls. */
int pesx_saddle_stationary_mode(pesx_objective *o, const pesx_dimer_params *p, const double *x,
                                pesx_rng *rng, double *mode, pesx_dimer_result *res);
/* The highest interior image of a band (N_IMAGES >= 3 blocks of 3 N_ATOMS
 * coordinates X with energies E, endpoints included) and the improved
 * tangent there, a climbing image's start for the dimer.  *IMAGE receives
 * its index; MODE (3 n_atoms) the normalised tangent. */
int pesx_saddle_band_start(size_t n_atoms, size_t n_images, const double *x, const double *e,
                           size_t *image, double *mode);
/* The same from the frames FR[0..nf-1] of the band file PATH (a
 * trajectory of bands: its last band, pesx_band_split): every image
 * checked against the first (pesx_neb_check_endpoints), energies from the
 * file or, where a frame has none, from POT (*CALLS counts them).  *IMAGE
 * receives the start's index in FR, *ENERGY its energy (may be NULL), MODE
 * (3 atoms of FR[nf - 1]) the tangent. */
int pesx_saddle_band_file_start(pesx_potential *pot, const pesx_frame *fr, size_t nf,
                                const char *path, size_t *image, double *energy, double *mode,
                                size_t *calls);

/* ---- identity ---------------------------------------------------------- */

/* Y compared with X, configurations of the atoms of A: a free molecule (no
 * periodic direction, no fixed atom) after the best rotation and
 * translation, anything else -- and a model surface's coordinates, which
 * are not a molecule's -- in place through the minimum image.  Atoms are
 * matched in order. */
int pesx_saddle_compare(const pesx_potential *pot, const pesx_atoms *a, const double *x,
                        const double *y, pesx_align *al);
/* Two saddles (or minima) are the same when their energies agree within
 * 1e-3 eV and no atom is further than TOL (Angstrom) from its place. */
int pesx_saddle_same(const pesx_potential *pot, const pesx_atoms *a, const double *x,
                     double ex, const double *y, double ey, double tol);
/* A given reactant or product G must hold the start's atoms, in the same
 * order, to be compared with the minima atom by atom (PESX_EINVAL naming
 * PATH and the line of the first atom that differs; LINE: G's frame line). */
int pesx_saddle_check_atoms(const pesx_atoms *start, const pesx_atoms *g, const char *path,
                            long line);

/* ---- the analysis -------------------------------------------------------- */

typedef struct {
    int hessian;             /* Hessian, frequencies and the rate (1)                 */
    double hessian_step;     /* finite-difference step, Angstrom (1e-3)              */
    int connect;             /* relax down both sides to the minima (1)              */
    double connect_step;     /* first displacement along +-mode, largest atom, A (0.1) */
    double connect_fmax;     /* the minima's convergence, eV/A (1e-3)                */
    size_t connect_max_steps;/* (5000)                                                */
    double max_step;         /* largest atom move per relaxation step, A (0.2)        */
    double temperature;      /* of the HTST rate, K (300)                             */
    double match_tol;        /* a minimum matches a given structure when no atom is
                              * further than this from its place, A (0.1)            */
} pesx_saddle_params;

void pesx_saddle_params_default(pesx_saddle_params *p);

typedef struct {
    pesx_vib saddle;          /* modes at the saddle (n = 0: not computed)            */
    pesx_vib minimum;         /* modes at the reactant minimum (n = 0: not computed) */
    int first_order;          /* 1: one negative eigenvalue, 0: not, -1: unchecked   */
    int connected;            /* both sides relaxed (x_reactant, x_product, e_*)     */
    double *x_reactant, *x_product;  /* 3n each                                     */
    double e_reactant, e_product;
    int converged_reactant, converged_product;
    /* the minima compared with the given reactant [0] and product [1] */
    int has_match[2];
    int matches[2];           /* largest atom distance within match_tol              */
    pesx_align match[2];
    size_t hessian_calls, connect_calls;
    int has_rate;             /* HTST from the reactant minimum                       */
    double temperature;       /* K (from the parameters)                              */
    double prefactor, rate;   /* s^-1                                                 */
    char rate_error[256];     /* why there is no rate, when the Hessians were taken  */
} pesx_saddle_analysis;

void pesx_saddle_analysis_init(pesx_saddle_analysis *an);
void pesx_saddle_analysis_release(pesx_saddle_analysis *an);

/* Analyse the saddle X (energy E_SADDLE, unstable MODE) of O, an atoms
 * objective of A under POT: the Hessian check, the connection to both
 * minima and the HTST rate, as P chooses.  The side nearest REACTANT
 * (3n positions: a given reactant, or the minimum a search started from;
 * may be NULL) is the reactant; without it the side farther from PRODUCT
 * (may be NULL), else the -mode side.  Each of REACTANT and PRODUCT that is
 * given is also matched with its minimum.  AN is released and refilled;
 * errors are the evaluation's. */
int pesx_saddle_analyse(pesx_saddle_analysis *an, const pesx_saddle_params *p, pesx_objective *o,
                        const pesx_potential *pot, const pesx_atoms *a, const double *x,
                        const double *mode, double e_saddle, const double *reactant,
                        const double *product);

/* The barrier report of the saddle: the three-point profile reactant -
 * saddle - product when connected, committee member energies and
 * extrapolation counts at those points (a few evaluations of POT with WORK,
 * a structure of the same atoms, as scratch), the frequencies and the rate
 * from AN, convergence and the saddle's true-force fmax/fnorm from RES.
 * R must be fresh (pesx_report_init); the caller sets r->force_calls and
 * calls pesx_report_finish. */
int pesx_saddle_report(pesx_report *r, const pesx_saddle_analysis *an, pesx_potential *pot,
                       pesx_atoms *work, const double *x, const pesx_dimer_result *res);

#ifdef __cplusplus
}
#endif
#endif
