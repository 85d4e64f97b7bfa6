/* Private helpers of the opt module. */
#ifndef PESX_OPT_IMPL_H
#define PESX_OPT_IMPL_H

#include <stddef.h>

static inline double opt_dot(size_t n, const double *a, const double *b)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* Coordinates per atom: 0 means the usual 3. */
static inline size_t opt_group(size_t group)
{
    return group ? group : 3;
}

#endif
