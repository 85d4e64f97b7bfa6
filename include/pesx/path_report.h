/* pesx path report: the barrier report shared by `pesx neb`, `pesx saddle`
 * and `pesx barrier`: energies, barriers, the energy profile along the path
 * with its cubic (Hermite) spline, committee spread, extrapolation counts
 * and, for saddle runs, frequencies and the harmonic TST rate.
 *
 * Writers: a human table (to a caller-given stream), the machine-readable
 * XML report (DESIGN.md's <pesx-report> schema) and an SVG energy profile,
 * both written atomically.  Layer 6: uses util (and nothing above it).
 *
 * Usage (NEB):   pesx_report_init(&r); fill the scalar fields; call
 *                pesx_report_set_profile(); optional committee/extrapolation
 *                setters; pesx_report_finish(&r); write; pesx_report_release.
 * Usage (dimer): pesx_report_init(&r); set e_saddle, saddle_fmax/fnorm and,
 *                when known, e_reactant/has_reactant (e_product/has_product);
 *                pesx_report_set_frequencies(); pesx_report_finish(&r); ...
 * Units: eV, Angstrom, cm^-1, s^-1, K. */
#ifndef PESX_PATH_REPORT_H
#define PESX_PATH_REPORT_H

#include <stddef.h>
#include <stdio.h>
#include <pesx/util.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Cubic Hermite spline through the images of a path (as ASE's NEBTools and
 * VTST's nebbarrier): on each segment [s_i, s_i+1] the cubic matching
 * E_i, E_i+1 and the slopes dE/ds = -F_tan,i, -F_tan,i+1. */
typedef struct {
    size_t n;            /* knots (images)                               */
    double *s;           /* n path-length coordinates, increasing, Angstrom */
    double *e;           /* n energies, eV                               */
    double *dEds;        /* n slopes, eV/Angstrom                        */
} pesx_spline;

void pesx_spline_init(pesx_spline *sp);
void pesx_spline_release(pesx_spline *sp);
/* Copy the knots.  FTAN are tangential forces (slope = -ftan); NULL gives
 * slopes from finite differences of the energies.  s must be strictly
 * increasing (PESX_EINVAL otherwise). */
int pesx_spline_set(pesx_spline *sp, size_t n, const double *s, const double *e,
                    const double *ftan);
/* Value (and slope, when dE is not NULL) at path length S (clamped). */
double pesx_spline_eval(const pesx_spline *sp, double s, double *dE);
/* The global maximum of the spline over [s_0, s_n-1]: exact per-segment
 * roots of the derivative quadratic, so no sampling error. */
void pesx_spline_max(const pesx_spline *sp, double *s_max, double *e_max);

/* An extremum of the spline strictly between its ends (VTST's exts.dat). */
typedef struct {
    int is_max;          /* 1 maximum, 0 minimum                          */
    double s;            /* path length, Angstrom                         */
    double image;        /* fractional image index (3.4: 40 % of the way
                          * from image 3 to image 4)                      */
    double e;            /* eV                                            */
} pesx_spline_extremum;

/* The extrema of the spline strictly inside (s_0, s_n-1), in order of s
 * (zero-slope knots included, inflections not); OUT needs room for
 * 2 (n - 1).  Returns their number. */
size_t pesx_spline_extrema(const pesx_spline *sp, pesx_spline_extremum *out);

/* Method that produced the report (names in the XML: "neb", "dimer", "barrier"). */
enum { PESX_REPORT_NEB = 0, PESX_REPORT_DIMER = 1, PESX_REPORT_BARRIER = 2 };

typedef struct {
    int method;                 /* PESX_REPORT_*                                  */
    char potential[512];        /* the -p spec                                    */
    int converged;              /* 1 when the run met its criteria                */
    size_t iterations;          /* optimizer steps                                */

    /* ---- energies (eV) --------------------------------------------------- */
    int has_reactant, has_product; /* a dimer run may know neither            */
    double e_reactant, e_saddle, e_product;
    /* filled by pesx_report_finish (NAN when an endpoint is unknown):         */
    double barrier_forward;     /* e_saddle - e_reactant                          */
    double barrier_reverse;     /* e_saddle - e_product                           */
    double reaction_energy;     /* e_product - e_reactant                         */
    double saddle_fmax;         /* largest per-atom force at the saddle, eV/A     */
    double saddle_fnorm;        /* 2-norm of the saddle force over free coords    */

    /* ---- force calls ----------------------------------------------------- */
    size_t force_calls;         /* every single-structure evaluation, total       */
    double force_calls_per_image; /* band evaluations (moving-image calls / moving
                                   * images); 0 for a dimer run                   */
    /* the potential's ledger for the whole run (pesx_potential_calls and
     * _seconds); written when ledger_calls > 0                               */
    size_t ledger_calls;
    double ledger_seconds;      /* wall seconds spent in the potential            */
    /* a learning run (pesx_learn_report; written when learn_iterations > 0):
     * force_calls then counts reference calls only                          */
    size_t learn_iterations, learn_reference_calls, learn_surrogate_calls, learn_data;

    /* ---- profile along the path (NEB / barrier; n_images = 0 otherwise) -- */
    size_t n_images;            /* including both endpoints                       */
    double *s;                  /* cumulative path length, Angstrom               */
    double *energy;             /* eV                                             */
    double *ftan;               /* force along the tangent, eV/A (= -dE/ds)       */
    size_t saddle_image;        /* index of the climbing / highest image          */
    int climbing;               /* 1 when saddle_image was a climbing image       */
    pesx_spline spline;         /* built by pesx_report_set_profile               */
    double spline_s_max;        /* filled by finish                               */
    double spline_e_max;        /* eV                                             */
    double spline_barrier;      /* spline_e_max - e_reactant                      */
    /* filled by finish for a band (NEB / barrier): the spline's interior
     * extrema and the elementary steps between consecutive minima (the
     * reactant, each interior minimum, the product), each with the
     * highest spline point between its minima, minus the one before
     * (forward) or after (reverse).  One step when the spline has no
     * interior minimum at least 1 meV deep on both sides.                */
    size_t n_extrema;
    pesx_spline_extremum *extrema;
    size_t n_steps;
    double *step_from, *step_to;   /* image coordinates of the step's minima */
    double *step_forward, *step_reverse; /* eV                             */
    /* interior images more than 1 meV below both endpoints, and the lowest
     * of them below the lower endpoint (eV, > 0)                           */
    size_t n_below_ends;
    double below_ends_depth;

    /* ---- committee (n_members > 1) -------------------------------------- */
    size_t n_members;
    double *member_energy;      /* n_images * n_members (image-major), or for a
                                 * dimer run 3 * n_members: reactant, saddle,
                                 * product rows (absent ones ignored)             */
    double *energy_std;         /* n_images: committee spread per image, eV       */
    /* filled by finish: */
    /* each member's barrier from its own energies at the images of the
     * one (mean) band -- not from a band of its own -- and their mean and
     * sample standard deviation (n - 1 in the denominator)               */
    double *member_forward;     /* n_members barriers per member                  */
    double *member_reverse;
    double forward_mean, forward_std, reverse_mean, reverse_std;

    /* ---- extrapolation (atoms outside the training range) ---------------- */
    size_t *n_extrapolating;    /* n_images counts (or 1 for a dimer run), or NULL */
    size_t n_extrapolating_total; /* filled by finish                             */

    /* ---- frequencies at the saddle (dimer / saddle runs; filled by the
     *      dimer code, written by these writers) -------------------------- */
    int has_frequencies;
    double imaginary;           /* |imaginary frequency| of the saddle, cm^-1 (> 0;
                                 * printed as "123.4i", XML imaginary="123.4")    */
    size_t n_negative;          /* negative Hessian eigenvalues at the saddle     */
    size_t n_real;              /* real saddle frequencies                        */
    double *real;               /* n_real, cm^-1                                  */
    size_t n_real_min;          /* real frequencies at the minimum (0 = unknown)  */
    double *real_min;
    int has_rate;
    double prefactor;           /* HTST (Vineyard) prefactor, s^-1                */
    double temperature;         /* K                                              */
    double rate;                /* prefactor * exp(-barrier_forward / kB T), s^-1 */
    /* filled by finish for a committee: the rate at barrier_forward + and
     * - forward_std (the prefactor kept), s^-1; NAN otherwise            */
    double rate_low, rate_high;
} pesx_report;

void pesx_report_init(pesx_report *r);       /* zeroes; energies NAN        */
void pesx_report_release(pesx_report *r);    /* frees every owned array     */

/* Copy the profile (n >= 2 images).  FTAN may be NULL (slopes from the
 * energies).  Sets has_reactant/has_product, e_reactant = energy[0],
 * e_product = energy[n-1], e_saddle = energy[saddle_image] and builds the
 * spline.  ENERGY_STD and N_EXTRAP may be NULL. */
int pesx_report_set_profile(pesx_report *r, size_t n, const double *s,
                            const double *energy, const double *ftan,
                            size_t saddle_image, int climbing,
                            const double *energy_std, const size_t *n_extrap);
/* Committee member energies (copied): rows as described at member_energy. */
int pesx_report_set_members(pesx_report *r, size_t n_members, const double *member_energy);
/* Saddle frequencies (copied).  REAL_MIN may be NULL (n_real_min = 0). */
int pesx_report_set_frequencies(pesx_report *r, double imaginary, size_t n_negative,
                                size_t n_real, const double *real,
                                size_t n_real_min, const double *real_min);
/* Barriers, reaction energy, spline maximum and extrema, elementary steps,
 * committee statistics, the rate interval and the extrapolation total from
 * what was set.  A dimer report (three points: reactant, saddle, product)
 * has no spline: its maximum is the saddle itself. */
int pesx_report_finish(pesx_report *r);

/* Human-readable table (the caller chooses the stream; cmd/ passes stdout). */
int pesx_report_write_table(FILE *fp, const pesx_report *r);
/* <pesx-report> XML (written with fprintf, atomically). */
int pesx_report_write_xml(const char *path, const pesx_report *r);
/* SVG energy profile: spline, images marked (saddle highlighted), +-sigma
 * band when a committee spread is known.  Atomic. */
int pesx_report_write_svg(const char *path, const pesx_report *r);

#ifdef __cplusplus
}
#endif
#endif
