/* Private: workspace growth and neighbour selection used by the evaluation kernels. */
#ifndef PESX_DESCRIPTOR_COMPUTE_IMPL_H
#define PESX_DESCRIPTOR_COMPUTE_IMPL_H

#include <stddef.h>
#include "descriptor/descriptor_impl.h"

int pesx_dws_reserve_neighbours(pesx_descriptor_workspace *ws, const pesx_descriptor *d,
                                size_t nnb);
int pesx_dws_reserve_pairs(pesx_descriptor_workspace *ws, size_t npairs, size_t ndoubles);
int pesx_dws_reserve_grad(pesx_descriptor_workspace *ws, size_t nset);

/* Writes to OUT the neighbours of element E (all of them when E < 0) closer
 * than RC, in list order; returns how many. */
size_t pesx_dws_neighbours_within(const pesx_descriptor_workspace *ws, int e, double rc,
                                  size_t *out);

#endif
