/* pesx structure: comparing two configurations of the same atoms, with
 * the optimal rigid-body superposition (Kabsch) for free molecules.
 * Layer 1: uses util and structure.h.
 *
 * Atoms are matched in order: atom i of one configuration is atom i of the
 * other (no permutation is tried).  Positions are atom-major, x[3*i + k]. */
#ifndef PESX_STRUCTURE_ALIGN_H
#define PESX_STRUCTURE_ALIGN_H

#include <stddef.h>
#include <pesx/util.h>
#include <pesx/structure.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The result of a comparison of MOV with REF.  The superposed MOV is
 *     y_i = rot * mov_i + shift        (rot row-major, acting on columns)
 * rot is a proper rotation (det +1): a mirror image is not superposed.
 * rmsd = sqrt(sum_i w_i |y_i - ref_i|^2 / sum_i w_i) (w_i = 1 unless
 * weighted), max_dist = max_i |y_i - ref_i|.  rigid = 1 when rot and
 * shift were optimised; 0 when the comparison was by minimum image (rot
 * the identity, shift 0, y_i = ref_i + the minimum-image displacement). */
typedef struct {
    double rot[9];
    double shift[3];
    double rmsd;
    double max_dist;
    int rigid;
} pesx_align;

/* Kabsch: the proper rotation and translation of the N points MOV that
 * minimise the weighted squared distance to the N points REF (weights W,
 * NULL for 1 each; each >= 0, their sum > 0).  The rotation comes from the
 * 3x3 SVD of the weighted covariance (GSL, one-sided Jacobi) with the sign
 * of its last singular vector chosen so that det rot = +1.  Degenerate
 * sets (one point, two points, collinear points) give one of the optimal
 * rotations and the optimal rmsd.  N = 0 gives the identity and rmsd 0.
 * PESX_EINVAL for a non-finite position or a bad weight; PESX_EFAILED
 * when the SVD fails. */
int pesx_align_points(size_t n, const double *ref, const double *mov, const double *w,
                      pesx_align *out);

/* Flags of pesx_align_coords and pesx_align_atoms (or them together). */
enum {
    /* weight each atom by its standard atomic mass (PESX_EINVAL for an
     * atom of unknown element); without it every atom counts the same */
    PESX_ALIGN_MASS_WEIGHTED = 1,
    /* never rotate or translate, compare in place (minimum image): for
     * model surfaces such as Mueller-Brown, whose coordinates are not
     * those of a molecule in free space */
    PESX_ALIGN_IN_PLACE = 2
};

/* Two configurations REF and MOV of the structure A (its atoms, elements,
 * cell, pbc and fixed flags; its own positions are not used).  A free
 * molecule -- no periodic direction and no fixed atom -- is superposed by
 * pesx_align_points (rigid = 1); anything else is compared atom by atom
 * through the minimum image of the periodic directions, with no rotation
 * or translation (rigid = 0), since the cell or the fixed atoms pin its
 * orientation.  FLAGS: PESX_ALIGN_*.  PESX_EINVAL also for a non-finite
 * position and as pesx_atoms_frame for a bad cell. */
int pesx_align_coords(const pesx_atoms *a, const double *ref, const double *mov, int flags,
                      pesx_align *out);

/* MOV compared with REF as pesx_align_coords does, after checking that the
 * two hold the same elements in the same order (PESX_EINVAL naming the
 * first atom that differs, or the counts).  Superposed only when both are
 * free molecules; REF's cell decides the minimum image otherwise. */
int pesx_align_atoms(const pesx_atoms *ref, const pesx_atoms *mov, int flags, pesx_align *out);

/* Superpose MOV on REF in place (its positions become rot * x + shift)
 * when pesx_align_atoms superposes them, i.e. for a free molecule; leave
 * MOV as it is otherwise.  For the endpoints of a path: a product given in
 * another orientation would make a straight-line or IDPP band turn the
 * molecule.  OUT (may be NULL) receives the comparison before the move.
 * Errors as pesx_align_atoms (MOV is then unchanged). */
int pesx_align_superpose(const pesx_atoms *ref, pesx_atoms *mov, int flags, pesx_align *out);

/* OUT = the superposed IN (N points): out_i = rot * in_i + shift.  IN and
 * OUT may be the same array.  With rigid = 0 it copies IN. */
void pesx_align_apply(const pesx_align *al, size_t n, const double *in, double *out);

#ifdef __cplusplus
}
#endif
#endif
