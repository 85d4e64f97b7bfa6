/* pesx explore: the reactions leaving a minimum.  This header holds the
 * identity rule of saddles and minima (issue 14, point 3); the searches,
 * the network and kinetic Monte Carlo build on it.  Layer 7: uses path.
 *
 * Identity: two configurations X and Y of the same atoms (energies EX, EY)
 * are one saddle (or one minimum) when |EX - EY| <= energy_tol and, after
 * the best permutation of same-element atoms -- and, for a free cluster or
 * molecule (no periodic direction, no fixed atom), the best proper rotation
 * and translation -- no atom is further than dist_tol from its place.
 * Rotations are proper (det +1), so mirror images stay distinct processes.
 * Fixed atoms are never permuted.  A model surface (Mueller-Brown) is
 * compared in place. */
#ifndef PESX_EXPLORE_H
#define PESX_EXPLORE_H

#include <stddef.h>
#include <pesx/path_saddle.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double energy_tol;  /* eV (1e-3)        */
    double dist_tol;    /* Angstrom (0.1)  */
} pesx_explore_identity;

void pesx_explore_identity_default(pesx_explore_identity *id);

/* Y compared with X (3 n positions each, atoms of A) after the best
 * permutation of same-element free atoms and, for a free cluster, the best
 * rigid superposition: the permutation and alignment are refined in turn
 * (assignment by the Hungarian method on squared distances, then Kabsch)
 * until the permutation no longer changes.  PERM (n, may be NULL) receives
 * for each atom i of X the atom of Y matched with it; AL the final
 * comparison (max_dist, rmsd).  Errors: PESX_ENOMEM, and those of
 * pesx_align_coords. */
int pesx_explore_compare(const pesx_potential *pot, const pesx_atoms *a, const double *x,
                         const double *y, size_t *perm, pesx_align *al);

/* 1 when X (energy EX) and Y (energy EY) are the same structure by the
 * rule above, 0 when not, a negative status on error. */
int pesx_explore_same(const pesx_explore_identity *id, const pesx_potential *pot,
                      const pesx_atoms *a, const double *x, double ex, const double *y,
                      double ey);

#ifdef __cplusplus
}
#endif
#endif
