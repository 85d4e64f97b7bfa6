/* Private: workspace growth used by the evaluation kernels. */
#ifndef PESX_DESCRIPTOR_COMPUTE_IMPL_H
#define PESX_DESCRIPTOR_COMPUTE_IMPL_H

#include <stddef.h>
#include "descriptor/descriptor_impl.h"

int pesx_dws_reserve_neighbours(pesx_descriptor_workspace *ws, const pesx_descriptor *d,
                                size_t nnb);
int pesx_dws_reserve_pairs(pesx_descriptor_workspace *ws, size_t npairs, size_t ndoubles);
int pesx_dws_reserve_grad(pesx_descriptor_workspace *ws, size_t nset);

#endif
