/* explore module internals. */
#ifndef PESX_EXPLORE_IMPL_H
#define PESX_EXPLORE_IMPL_H

#include <stddef.h>

/* Minimum-cost assignment (Hungarian method with potentials, O(m^3)) of
 * the m x m row-major COST: ROW_OF[j] receives the row assigned to column
 * j.  PESX_ENOMEM when scratch memory cannot be had. */
int explore_assign(size_t m, const double *cost, size_t *row_of);

#endif
