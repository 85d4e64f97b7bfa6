/* pesx io: n2p2 / RuNNer potential directories and n2p2 input.data
 * structures.  Layer 2: plain data only (pesx_potential_file, pesx_atoms).
 *
 * A potential directory holds input.nn, scaling.data and one
 * weights.ZZZ.data per element (ZZZ = atomic number).  n2p2 files record no
 * units; the caller says what the file's length and energy units are in
 * Angstrom and eV (1, 1 for a potential trained in Angstrom/eV;
 * PESX_BOHR_ANGSTROM, PESX_HARTREE_EV for Bohr/Hartree) and the reader
 * converts everything into the eV/Angstrom conventions of
 * pesx_potential_file:
 *   - SF lengths (rc, rs, rl) times LENGTH_UNIT, eta divided by its square
 *     (SF values are dimensionless, so the scaling statistics are kept);
 *   - mean_energy and atom_energy times ENERGY_UNIT, conv_energy divided
 *     by it; conv_length drops out exactly (SPEC.md section 6) and is only
 *     checked to be positive.
 * SFs are sorted per element into n2p2's order (SPEC.md 4.4), which is the
 * network input order and the row order of scaling.data.  Unknown keywords
 * (RuNNer's and training-only ones) are ignored; their count is returned
 * in *n_unknown when that pointer is not NULL. */
#ifndef PESX_IO_N2P2_H
#define PESX_IO_N2P2_H

#include <stddef.h>
#include <pesx/structure.h>
#include <pesx/io_potential.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Read the potential in directory DIR into a released or freshly
 * initialised PF.  Errors name the file and line: missing files or
 * keywords (cutoff_type is required), duplicate keywords, unknown SF
 * types, elements or activations, malformed or non-finite numbers
 * (Fortran "1.0D-3" exponents are accepted), scaling rows whose indices
 * do not match, and weight files with the wrong number of values. */
int pesx_n2p2_read(const char *dir, double length_unit, double energy_unit,
                   pesx_potential_file *pf, size_t *n_unknown);

/* The first structure of an n2p2 input.data file: positions (and lattice)
 * times LENGTH_UNIT, so Angstrom for the right unit.  ENERGY (may be NULL)
 * gets the file's energy line times ENERGY_UNIT (0 when absent); FORCES
 * (may be NULL) gets a malloc'ed 3n array of the reference forces times
 * ENERGY_UNIT / LENGTH_UNIT.  *OUT is a new structure (free with
 * pesx_atoms_free). */
int pesx_n2p2_read_structure(const char *path, double length_unit, double energy_unit,
                             pesx_atoms **out, double *energy, double **forces);

/* An n2p2 input.nn used as a SETTINGS file (pesx fit --sf): its
 * symfunction_short (or symfunction) lines and cutoff_type, without
 * scaling.data or weights (added for the fit; src/io/n2p2_settings.c).
 * PF (released or freshly initialised) gets one element per centre element
 * that has functions, its functions in FILE order (lengths times
 * LENGTH_UNIT, eta divided by its square; statistics and training ranges
 * NAN), cutoff_type/alpha from the file ("" when it has none), one member
 * and a placeholder network {n_sf, 1} linear.  Every other keyword is
 * ignored.  Errors name the file and line: unknown SF types, elements or
 * subtypes, wrong parameter counts, non-finite numbers, rc <= 0, no
 * functions at all. */
int pesx_n2p2_read_settings(const char *path, double length_unit, pesx_potential_file *pf);

#ifdef __cplusplus
}
#endif
#endif
