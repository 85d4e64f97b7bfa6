/* pesx structure: atoms in a (possibly periodic) cell, and the O(N)
 * cell-list neighbour list.  Layer 1: uses util.
 *
 * Conventions.  Positions are atom-major, x[3*i + k].  The cell rows are
 * the lattice vectors a = cell[0..2], b = cell[3..5], c = cell[6..8] (as in
 * ASE and extended XYZ's Lattice), so a fractional row vector s maps to the
 * Cartesian x = s * cell.  Positions need not be wrapped into the cell:
 * every routine here accepts atoms anywhere in space. */
#ifndef PESX_STRUCTURE_H
#define PESX_STRUCTURE_H

#include <stddef.h>
#include <pesx/util.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A structure.  A direction with pbc[k] = 0 is open; its cell row is then
 * ignored by the neighbour list, wrapping and minimum image (ASE often
 * stores a zero row there).  A structure with no periodic direction needs
 * no cell (has_cell may be 0); a periodic direction without a cell is an
 * error (PESX_EINVAL from the routines that need the cell).
 *
 * The arrays are never NULL for an allocated structure, even when n = 0. */
typedef struct {
    size_t n;
    int *z;                 /* atomic numbers (0 = unknown/dummy)       */
    double *x;              /* 3n positions, Angstrom                   */
    unsigned char *fixed;   /* n flags: 1 = frozen atom                 */
    double cell[9];
    int pbc[3];
    int has_cell;
} pesx_atoms;

/* N atoms, everything zeroed (no cell, pbc 0 0 0).  NULL with the error set
 * when out of memory. */
pesx_atoms *pesx_atoms_alloc(size_t n);
void pesx_atoms_free(pesx_atoms *a); /* NULL is a no-op */
/* Resize keeping the first min(n, old n) atoms; new atoms are zeroed.  On
 * PESX_ENOMEM the structure is left as it was. */
int pesx_atoms_resize(pesx_atoms *a, size_t n);
/* A deep copy, or NULL (error set) when out of memory. */
pesx_atoms *pesx_atoms_clone(const pesx_atoms *a);
/* Copy everything from SRC into DST, resizing DST (DST == SRC is a no-op). */
int pesx_atoms_copy(pesx_atoms *dst, const pesx_atoms *src);
/* Number of atoms not fixed. */
size_t pesx_atoms_n_free(const pesx_atoms *a);
/* 1 when any direction is periodic. */
int pesx_atoms_any_pbc(const pesx_atoms *a);
/* PESX_EINVAL (with a message naming the atom or the direction) for a
 * non-finite position, a periodic direction without a cell, a non-finite
 * cell or periodic lattice vectors that are (nearly) linearly dependent. */
int pesx_atoms_check(const pesx_atoms *a);

/* An atom selection as a user writes it, into SEL[0..n-1] (1 = chosen):
 * comma-separated items, each a 1-based atom number (20), a range (1-16),
 * or a Cartesian condition in Angstrom (z<5.0, x>=3; < and <= alike).
 * PESX_EINVAL (message quoting LIST) for a malformed list or an atom that
 * does not exist. */
int pesx_atoms_select(const pesx_atoms *a, const char *list, unsigned char *sel);
/* The vacuum direction of a slab, or -1: a structure periodic in at least
 * two directions whose third direction is open (*GAP = INFINITY), or whose
 * atoms leave an empty layer at least MIN_GAP A wide along one lattice
 * direction (*GAP = its width). */
int pesx_atoms_vacuum(const pesx_atoms *a, double min_gap, double *gap);

/* ---- cell algebra -------------------------------------------------------
 * The inverse maps Cartesian to fractional: s = x * inv (row vector
 * convention, inv is 3x3 row-major).  PESX_EINVAL for a singular cell:
 * |det| <= 1e-10 |a| |b| |c|, or non-finite entries. */
int pesx_cell_inverse(const double cell[9], double inv[9]);
/* |det cell|, Angstrom^3. */
double pesx_cell_volume(const double cell[9]);
/* Perpendicular widths: w[k] is the distance between the two faces of the
 * cell spanned by the other two vectors (volume / area of that face).  A
 * sphere of radius r fits in the cell iff 2r <= min w.  Zero for a
 * degenerate cell. */
void pesx_cell_widths(const double cell[9], double w[3]);

/* The frame of a structure: H has the periodic rows of the cell; each open
 * direction's row is replaced by a unit vector perpendicular to the
 * periodic rows (no periodic direction: the identity).  INV = H^-1.  Either
 * output may be NULL.  For a periodic direction k, s_k = x * INV[.][k] is
 * the fractional coordinate along the lattice, independent of the open
 * rows of the cell; for an open one it is a Cartesian length.  PESX_EINVAL
 * as pesx_atoms_check for the cell (positions are not looked at). */
int pesx_atoms_frame(const pesx_atoms *a, double h[9], double inv[9]);
/* Wrap the periodic directions of every position into [0, 1) fractional,
 * by whole lattice translations (open coordinates are left exactly as they
 * were).  PESX_EINVAL as pesx_atoms_check. */
int pesx_atoms_wrap(pesx_atoms *a);
/* Minimum-image displacement: replaces d (e.g. x_j - x_i) by the shortest
 * d + n0 a + n1 b + n2 c over the periodic directions.  INV is the inverse
 * of the frame (pesx_atoms_frame; for a fully periodic structure this is
 * pesx_cell_inverse of its cell).  Exact whenever the answer is shorter
 * than half the smallest perpendicular width of the cell; otherwise the
 * shortest of the 27 images around the rounded fractional displacement
 * (exact for all but very skewed cells).  No-op without periodic
 * directions. */
void pesx_atoms_min_image(const pesx_atoms *a, const double inv[9], double d[3]);

/* ---- neighbour list -----------------------------------------------------
 * Full neighbour list in compressed-row form: the neighbours of atom i are
 * entries e = start[i] .. start[i+1]-1.  Each entry is one periodic image:
 * index j[e], integer lattice translation shift[3e..3e+2] = (n0, n1, n2)
 * (zero in open directions), displacement
 *     d[3e..3e+2] = x_j - x_i + n0 a + n1 b + n2 c       (positions as given)
 * and its length r[e] < rc.  Several images of one atom appear separately,
 * and an atom is its own neighbour (through a non-zero shift) when the cell
 * is shorter than rc; an atom is never its own neighbour with zero shift.
 * Both (i, j, n) and (j, i, -n) are listed (a "full" list); for sums over
 * pairs use the entries for which pesx_nlist_is_half_entry is 1 (exactly
 * one of each such couple).  Entries of each atom are sorted by j, then by
 * shift (lexicographically), so a list depends only on the structure and
 * rc, never on the binning.
 *
 * Built by cell lists in O(N) for any triclinic cell, cells narrower than
 * 2 rc (or than rc), mixed periodicity (open directions are binned over the
 * atoms' bounding box) and clusters without a cell.  The workspace is kept
 * between builds, so rebuilding never allocates once capacities suffice.
 * Structures of 2000 atoms and more are built by all OpenMP threads (one
 * thread when called inside a parallel region); the list does not depend
 * on the number of threads.  Cost: a few microseconds per atom for ~100
 * neighbours per atom (tests/bench/bench_nlist). */
typedef struct {
    size_t n;          /* atoms                                        */
    double rc;
    size_t *start;     /* n + 1                                        */
    size_t *j;         /* neighbour index, 1 per entry                 */
    int *shift;        /* lattice translation, 3 per entry             */
    double *d;         /* displacement, 3 per entry                    */
    double *r;         /* distance, 1 per entry                        */
    size_t n_entries;
    size_t cap_entries;         /* private from here on */
    struct pesx_nlist_work *work;
} pesx_nlist;

void pesx_nlist_init(pesx_nlist *nl);
void pesx_nlist_release(pesx_nlist *nl);
/* Build for cutoff RC (Angstrom, finite and > 0).  PESX_EINVAL (message
 * set) for a bad rc, a non-finite position, a singular cell, a periodic
 * direction without a cell, or an rc so large compared with a periodic
 * width that the list would be absurdly long; PESX_ENOMEM.  On failure the
 * list is empty (n = 0, n_entries = 0) but stays valid for reuse. */
int pesx_nlist_build(pesx_nlist *nl, const pesx_atoms *a, double rc);

/* 1 for one entry of each couple (i, j, n) / (j, i, -n): i < j, or i == j
 * and n lexicographically positive.  Summing a pair term over these
 * entries counts every pair (and every self-image pair) once. */
static inline int pesx_nlist_is_half_entry(const pesx_nlist *nl, size_t i, size_t e)
{
    size_t jj = nl->j[e];
    const int *s;
    if (jj != i)
        return i < jj;
    s = nl->shift + 3 * e;
    if (s[0] != 0)
        return s[0] > 0;
    if (s[1] != 0)
        return s[1] > 0;
    return s[2] > 0;
}

#ifdef __cplusplus
}
#endif
#endif
