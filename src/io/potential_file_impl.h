/* io private: consistency checks of a pesx_potential_file with the input
 * lines of its parts (the potential.xml reader knows them, other callers
 * pass NULL and get messages without lines). */
#ifndef PESX_POTENTIAL_FILE_IMPL_H
#define PESX_POTENTIAL_FILE_IMPL_H

#include <pesx/io_potential.h>

#define PESX_PF_MAX_SIZES 32 /* layers per network, input and output included */

typedef struct {
    long root, cutoff, scaling, normalization, committee, metadata;
    long *element; /* n_elements: line of each <element>            */
    long *network; /* n_elements: line of each <network>            */
    long **sf;     /* n_elements arrays of n_sf lines of each <sf>   */
} pesx_pf_lines;

int pesx_pf_check(const pesx_potential_file *pf, const char *path, const pesx_pf_lines *lines);

/* 1 when NAME is an attribute of <sf> itself, not a parameter. */
int pesx_pf_sf_attr_reserved(const char *name);

/* Whether MODE needs the min/max, the mean, sigma, and [smin, smax]. */
int pesx_pf_scaling_mode_known(const char *mode);
void pesx_pf_scaling_needs(const char *mode, int *minmax, int *mean, int *sigma, int *srange);

#endif
