/* pesx path vib: finite-difference Hessian, normal modes and frequencies,
 * and the harmonic transition-state-theory rate (Vineyard 1957).
 *
 * The Hessian is built from central differences of the gradient of a
 * pesx_objective over its free coordinates (2 evaluations per free
 * coordinate) and symmetrised.  Frequencies come from the mass-weighted
 * Hessian H_ij / sqrt(m_i m_j), diagonalised with GSL (gsl_eigen_symmv):
 * nu = sqrt(lambda) / (2 pi c) in cm^-1; a negative eigenvalue gives an
 * imaginary frequency, stored as a negative number.  For an isolated
 * molecule (every atom free) the rigid translations and rotations can be
 * projected out in mass-weighted coordinates and their (zero) modes dropped.
 * Units: eV, Angstrom, amu, cm^-1, s^-1, K.  Layer 6: uses opt. */
#ifndef PESX_PATH_VIB_H
#define PESX_PATH_VIB_H

#include <stddef.h>
#include <stdio.h>
#include <pesx/opt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* sqrt(eV / (Angstrom^2 amu)) in cm^-1 (= 521.47...). */
double pesx_vib_cm_factor(void);

typedef struct {
    size_t n;          /* free coordinates (rows)                         */
    size_t *index;     /* n: coordinate of the objective each row is      */
    double *h;         /* n x n, row-major, eV/Angstrom^2, symmetric      */
    double asymmetry;  /* largest |H_ij - H_ji| before symmetrising       */
    size_t calls;      /* evaluations used                                */
} pesx_hessian;

void pesx_hessian_init(pesx_hessian *H);
void pesx_hessian_release(pesx_hessian *H);
/* Central differences of o's gradient at x with step STEP (Angstrom, e.g.
 * 1e-3) along every free coordinate.  x is restored on return. */
int pesx_hessian_compute(pesx_hessian *H, pesx_objective *o, const double *x, double step);

typedef struct {
    size_t n;            /* modes kept (free coordinates minus removed rigid modes) */
    size_t n_coord;      /* coordinates of the objective                     */
    double *eigenvalue;  /* n, ascending, mass-weighted, eV/(Angstrom^2 amu)   */
    double *freq;        /* n, cm^-1, signed: negative = imaginary           */
    double *mode;        /* n x n_coord, Cartesian displacement directions
                          * (mass-weighted eigenvectors divided by sqrt(m),
                          * normalised), row k for eigenvalue k              */
    size_t n_negative;   /* eigenvalues below -tol                           */
    size_t n_zero;       /* |eigenvalue| <= tol                              */
    size_t n_removed;    /* rigid-body modes projected out                   */
    double tol;          /* 1e-4 * max |eigenvalue|: central differences of
                          * step h leave O(h^2) errors in zero modes      */
} pesx_vib;

void pesx_vib_init(pesx_vib *v);
void pesx_vib_release(pesx_vib *v);
/* Normal modes from H.  MASS: per coordinate of the objective (amu, > 0).
 * X: the positions (3 per atom) when rigid modes are to be removed; REMOVE_T
 * / REMOVE_R choose translations / rotations (only when H covers every
 * coordinate, i.e. no atom is fixed).  GSL status mapped to PESX_EFAILED. */
int pesx_vib_compute(pesx_vib *v, const pesx_hessian *H, size_t n_coord, const double *mass,
                     const double *x, int remove_t, int remove_r);

/* Harmonic TST (Vineyard 1957): prefactor nu* = prod nu_i(min) / prod nu_j(saddle)
 * over the real frequencies (the minimum has one more than the saddle),
 * in s^-1, and rate = nu* exp(-barrier / kB T).  PESX_EINVAL when the
 * minimum has a non-positive frequency, the saddle has not exactly one
 * imaginary one, or the mode counts differ. */
int pesx_htst_rate(const pesx_vib *minimum, const pesx_vib *saddle, double barrier,
                   double temperature, double *prefactor, double *rate);

/* ---- normal modes of a structure (vib_at.c) ---------------------------- */

/* Per-coordinate masses (3 per atom, amu) of A; an atom of unknown element
 * gets 1 amu (a warning is logged once).  NULL when out of memory. */
double *pesx_vib_masses(const pesx_atoms *a);
/* A model surface (PESX_POTENTIAL_MODEL_SURFACE: Mueller-Brown) carries no
 * energy in z: freeze every z of AO so that no mode or step points there. */
void pesx_vib_freeze_model_z(const pesx_potential *pot, pesx_atoms_objective *ao);
/* The Hessian of O (an atoms objective of A) at X by central differences of
 * step STEP, and its normal modes with A's masses; rigid translations and
 * rotations removed when A moves freely (as pesx_dimer_params_auto decides)
 * unless NO_PROJECT.  V is released and refilled. */
int pesx_vib_at(pesx_vib *v, pesx_objective *o, const pesx_atoms *a, const double *x,
                double step, int no_project);
/* What the modes say the point is: "a minimum" (no negative eigenvalue),
 * "a first-order saddle" (one) or "a higher-order saddle". */
const char *pesx_vib_kind(const pesx_vib *v);
/* A point is stationary when its largest per-atom force is below this, eV/A
 * (frequencies elsewhere are not those of a minimum or a saddle). */
#define PESX_VIB_STATIONARY_FMAX 0.01
/* "123.45" or "123.45i" (an imaginary frequency printed with i). */
void pesx_vib_format_freq(double freq, char *buf, size_t size);
/* The frequency table: mode, frequency, eigenvalue (zero ones marked). */
int pesx_vib_write_table(FILE *fp, const pesx_vib *v);

#ifdef __cplusplus
}
#endif
#endif
