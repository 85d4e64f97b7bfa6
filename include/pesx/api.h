/* pesx api: the flat, stable C entry point of the installed libpesx, for
 * programs and bindings that embed a pesx potential (the Python package,
 * the KIM model driver).  Layer 7: uses potential and structure.
 *
 * This is the only installed header.  It includes nothing of pesx and uses
 * only C types, so a binding (ctypes, cffi, Fortran's iso_c_binding) needs
 * no struct layout: a model is an opaque handle, a structure is plain
 * arrays, and every result goes into an array the caller owns.  New
 * functions may be added; what is here keeps its meaning while
 * PESX_API_VERSION is 1 (the soname libpesx.so.0 changes otherwise).
 *
 *     pesx_api_model *m = pesx_api_open("agcu100");
 *     if (!m || pesx_api_eval(m, n, z, x, cell, pbc, &e, f, NULL, NULL, NULL, NULL, NULL))
 *         fprintf(stderr, "%s\n", pesx_api_error());
 *     pesx_api_close(m);
 *
 * Units: eV and Angstrom.  Positions are atom-major (x[3*i + k]); the cell
 * rows are the lattice vectors a, b, c (as ASE's atoms.cell); forces are
 * -dE/dx.  A model is not safe to evaluate from two threads at once (it
 * keeps scratch memory); open one per thread.  Errors are per thread. */
#ifndef PESX_API_H
#define PESX_API_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PESX_API_VERSION 1

/* Status codes every function returning int uses (the library's own). */
enum {
    PESX_API_OK = 0,
    PESX_API_EINVAL = 1,      /* bad input: spec, file, structure          */
    PESX_API_ENOMEM = 2,      /* out of memory                             */
    PESX_API_EIO = 3,         /* a file cannot be read                     */
    PESX_API_EFAILED = 5,     /* the computation failed (NaN, ...)         */
    PESX_API_EUNSUPPORTED = 6 /* valid input this potential cannot handle  */
};

typedef struct pesx_api_model pesx_api_model;

/* PESX_API_VERSION of the library that is loaded, and its package version
 * ("0.1.0"): a binding checks the first before it calls anything else. */
int pesx_api_version(void);
const char *pesx_api_package_version(void);

/* Open a potential by the spec `pesx -p` takes: a potential.xml path, an
 * installed name ("agcu100"), "n2p2:DIR", "lj:epsilon=1,sigma=1", ...
 * (pesx-potential(5)).  NULL with the error set on failure. */
pesx_api_model *pesx_api_open(const char *spec);
void pesx_api_close(pesx_api_model *m); /* NULL is a no-op */

/* The spec it was opened with; its interaction range in Angstrom (INFINITY
 * without a cutoff, 0 for a model surface); its committee size (1 for a
 * single potential); the number of evaluations so far. */
const char *pesx_api_spec(const pesx_api_model *m);
double pesx_api_cutoff(const pesx_api_model *m);
size_t pesx_api_n_members(const pesx_api_model *m);
size_t pesx_api_calls(const pesx_api_model *m);

/* 1 when the model can evaluate atoms of atomic number Z (a neural-network
 * potential knows only its elements), 0 when not; leaves the error clear. */
int pesx_api_supports(pesx_api_model *m, int z);

/* Evaluate N atoms of atomic numbers Z[n] at positions X[3n].
 * CELL[9] (rows a, b, c) may be NULL when no direction is periodic; PBC[3]
 * (0 or 1 per direction) NULL means none.  Outputs, each NULL when not
 * wanted: ENERGY, FORCES[3n], ATOM_ENERGIES[n] (their sum is the energy);
 * for a committee the mean is in those and ENERGY_STD, FORCES_STD[3n] and
 * MEMBER_ENERGIES[pesx_api_n_members] hold the spread and the members (0,
 * 0 and the energy for a single potential); EXTRAPOLATING[n] is 1 for an
 * atom whose descriptors leave the training range.  Returns PESX_API_OK or
 * a status code with the error set; the outputs are then unspecified. */
int pesx_api_eval(pesx_api_model *m, size_t n, const int *z, const double *x,
                  const double *cell, const int *pbc, double *energy, double *forces,
                  double *atom_energies, double *energy_std, double *forces_std,
                  double *member_energies, int *extrapolating);

/* The stress (1/V) dE/d(strain) of a structure periodic in all three
 * directions, STRESS[9] row-major in eV/Angstrom^3 (ASE's sign: positive
 * when the structure pulls inwards).  Central differences of the energy on
 * the six symmetric strains of step 1e-5: twelve energy evaluations,
 * relative error about 1e-9.  PESX_API_EINVAL unless all of PBC is set. */
int pesx_api_stress(pesx_api_model *m, size_t n, const int *z, const double *x,
                    const double *cell, double *stress);

/* The element table pesx reads files with: the atomic number of a symbol
 * ("Cu" -> 29; 0 when unknown) and the symbol of an atomic number (NULL
 * when out of range). */
int pesx_api_element_z(const char *symbol);
const char *pesx_api_element_symbol(int z);

/* The calling thread's last error as "FILE:LINE: what" (or "what"), and
 * its status code; "" and 0 when the last call succeeded. */
const char *pesx_api_error(void);
int pesx_api_error_code(void);

#ifdef __cplusplus
}
#endif
#endif
