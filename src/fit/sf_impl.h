/* fit private: symmetry-function rows of a data set (shared by generation,
 * statistics and --sf reading). */
#ifndef PESX_FIT_SF_IMPL_H
#define PESX_FIT_SF_IMPL_H

#include <pesx/fit_sf.h>

/* Called for every atom taken, in data-set order (structure by structure,
 * atom by atom), with its element index E in the descriptor, its global atom
 * index and its SF values G[0 .. n_sf(e) - 1]. */
typedef int (*fit_sf_row_fn)(size_t e, size_t atom, const double *G, void *ctx);

/* Evaluate D on the atoms of DS for which TAKE[global atom] is set (all
 * when TAKE is NULL) and pass the rows to FN in data-set order.  The values
 * are computed by all OpenMP threads a block of structures at a time; the
 * calls to FN are serial and in order, so results never depend on the
 * thread count. */
int fit_sf_rows(const pesx_dataset *ds, const pesx_descriptor *d, const unsigned char *take,
                fit_sf_row_fn fn, void *ctx);

#endif
