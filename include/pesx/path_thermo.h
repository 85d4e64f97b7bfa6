/* pesx path thermo: ideal-gas thermochemistry of a molecule and the Eyring
 * rate of a unimolecular reaction.
 *
 * From the harmonic frequencies of a minimum or a first-order saddle (its
 * imaginary mode, the reaction coordinate, is left out) and its geometry:
 * translation (Sackur-Tetrode at pressure P), rigid rotation with the
 * symmetry number (linear or nonlinear, told apart by the principal moments
 * of inertia), harmonic vibrations and the electronic spin degeneracy.  The
 * conventions are those of ASE's IdealGasThermo (Cramer, Essentials of
 * Computational Chemistry, ch. 10): H = E + ZPE + integral of Cp dT, G = H - TS.
 * Units: eV, K, Pa, amu, Angstrom, cm^-1, s^-1.  Layer 6: uses path_vib. */
#ifndef PESX_PATH_THERMO_H
#define PESX_PATH_THERMO_H

#include <stddef.h>
#include <pesx/path_vib.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double temperature; /* K (298.15)                                    */
    double pressure;    /* Pa (1e5, the standard state)                  */
    int symmetry;       /* rotational symmetry number sigma (1)          */
    double spin;        /* total electronic spin S; degeneracy 2S+1 (0)  */
} pesx_thermo_params;

void pesx_thermo_params_default(pesx_thermo_params *p);

enum { PESX_THERMO_MONATOMIC = 0, PESX_THERMO_LINEAR = 1, PESX_THERMO_NONLINEAR = 2 };

typedef struct {
    int geometry;       /* PESX_THERMO_*                                 */
    size_t n_vib;       /* real vibrations used                          */
    double energy;      /* potential energy E, eV                        */
    double zpe;         /* zero-point energy, eV                         */
    double enthalpy;    /* E + ZPE + integral_0^T Cp dT, eV              */
    double entropy;     /* eV/K                                          */
    double gibbs;       /* enthalpy - T entropy, eV                      */
} pesx_thermo;

/* Thermochemistry of a molecule of N_ATOMS atoms at positions X (3 per
 * atom) with per-coordinate masses MASS (3 per atom, as pesx_vib_masses)
 * and potential energy ENERGY, from its normal modes V (rigid modes
 * projected out).  V must hold 3N-6 (linear 3N-5, one atom 0) real
 * frequencies for a minimum, or one imaginary and one real fewer for a
 * first-order saddle; PESX_EINVAL otherwise, and for T, P or sigma <= 0. */
int pesx_thermo_ideal_gas(const pesx_vib *v, size_t n_atoms, const double *x,
                          const double *mass, double energy, const pesx_thermo_params *p,
                          pesx_thermo *t);

/* Transition-state theory from the two: the zero-point-corrected barrier
 * (E + ZPE)_ts - (E + ZPE)_min, the free-energy barrier dG = G_ts - G_min
 * and the Eyring rate k = (kB T / h) exp(-dG / kB T) at temperature T (the
 * temperature both were computed at). */
int pesx_thermo_eyring(const pesx_thermo *minimum, const pesx_thermo *saddle,
                       double temperature, double *zpe_barrier, double *dG, double *rate);

#ifdef __cplusplus
}
#endif
#endif
