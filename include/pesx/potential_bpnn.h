/* pesx potential, bpnn: what the Behler-Parrinello potential shares with
 * the fit (layer 6): the conversion of the plain-data symmetry functions
 * of a potential file (io_potential.h) into descriptor functions.
 * Layer 4. */
#ifndef PESX_POTENTIAL_BPNN_H
#define PESX_POTENTIAL_BPNN_H

#include <pesx/descriptor.h>
#include <pesx/io_potential.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The descriptor SF of one potential-file SF: type looked up in the
 * descriptor table, named parameters mapped (eta, rs, rc, lambda, zeta,
 * kappa, rl, theta_l, theta_r; the type's required ones checked), subtype
 * and neighbour elements.  PESX_EINVAL with WHERE in the message for an
 * unknown type, parameter or element or a missing parameter. */
int pesx_bpnn_sf_from_file(const pesx_potential_file_sf *s, const char *where, pesx_sf *out);

#ifdef __cplusplus
}
#endif
#endif
