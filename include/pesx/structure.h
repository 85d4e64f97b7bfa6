/* pesx structure: atoms in a (possibly periodic) cell, and the O(N)
 * cell-list neighbour list.  Layer 1: uses util. */
#ifndef PESX_STRUCTURE_H
#define PESX_STRUCTURE_H

#include <stddef.h>
#include <pesx/util.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A structure.  Positions are atom-major: x[3*i + k].  The cell rows are
 * the lattice vectors a = cell[0..2], b = cell[3..5], c = cell[6..8] (as in
 * ASE and extended XYZ's Lattice).  A direction with pbc[k] = 0 is open; a
 * structure with no periodic direction needs no cell (has_cell may be 0). */
typedef struct {
    size_t n;
    int *z;                 /* atomic numbers (0 = unknown/dummy)       */
    double *x;              /* 3n positions, Angstrom                   */
    unsigned char *fixed;   /* n flags: 1 = frozen atom                 */
    double cell[9];
    int pbc[3];
    int has_cell;
} pesx_atoms;

pesx_atoms *pesx_atoms_alloc(size_t n); /* zeroed; NULL on failure */
void pesx_atoms_free(pesx_atoms *a);
/* Resize keeping the first min(n, old n) atoms. */
int pesx_atoms_resize(pesx_atoms *a, size_t n);
pesx_atoms *pesx_atoms_clone(const pesx_atoms *a);
int pesx_atoms_copy(pesx_atoms *dst, const pesx_atoms *src); /* resizes dst */
size_t pesx_atoms_n_free(const pesx_atoms *a);
int pesx_atoms_any_pbc(const pesx_atoms *a);

/* Cell algebra.  The inverse maps Cartesian to fractional: s = x * inv
 * (row vector convention, inv is 3x3 row-major).  PESX_EINVAL for a
 * singular cell. */
int pesx_cell_inverse(const double cell[9], double inv[9]);
double pesx_cell_volume(const double cell[9]);
/* Wrap the periodic directions of every position into [0, 1) fractional. */
int pesx_atoms_wrap(pesx_atoms *a);
/* Minimum-image displacement d = x_j - x_i (periodic directions only).
 * Exact for any cell whose perpendicular widths are at least twice |d|;
 * otherwise the shortest of the 27 neighbouring images. */
void pesx_atoms_min_image(const pesx_atoms *a, const double inv[9], double d[3]);

/* Full neighbour list in compressed-row form: the neighbours of atom i are
 * entries start[i] .. start[i+1]-1.  Each entry is one periodic image: index
 * j, displacement d = r_j + shift - r_i (3 doubles) and its length r < rc.
 * Several images of one atom appear separately, and an atom can be its own
 * neighbour when the cell is shorter than rc.  Both (i,j) and (j,i) are
 * listed (a "full" list); for pair sums use the entries with
 * pesx_nlist_is_half_entry, or halve. */
typedef struct {
    size_t n;          /* atoms                        */
    double rc;
    size_t *start;     /* n + 1                        */
    size_t *j;         /* neighbour index              */
    double *d;         /* 3 per entry                  */
    double *r;         /* 1 per entry                  */
    size_t n_entries;
    /* private workspace, kept between builds so rebuilding never reallocates
     * once capacities suffice */
    size_t cap_entries, cap_atoms, cap_cells;
    size_t *cell_head, *cell_next, *atom_cell;
    double *frac;
} pesx_nlist;

void pesx_nlist_init(pesx_nlist *nl);
void pesx_nlist_release(pesx_nlist *nl);
/* Build for cutoff RC (Angstrom).  O(N) for a fixed density. */
int pesx_nlist_build(pesx_nlist *nl, const pesx_atoms *a, double rc);

#ifdef __cplusplus
}
#endif
#endif
