/* pesx fit: helpers shared by src/cmd/fit*.c. */
#ifndef PESX_CMD_FIT_CMD_H
#define PESX_CMD_FIT_CMD_H

#include <stddef.h>
#include "cmd/cmd.h"
#include <pesx/fit.h>

/* Learning curve: per row epoch and 4 RMSEs (train E, val E in meV/atom,
 * train F, val F in meV/Angstrom). */
typedef struct {
    size_t n, cap;
    size_t *epoch;
    double *v;
} fit_curve;

int fit_plot_curve(const char *path, const fit_curve *c);
int fit_plot_parity(const char *path, const char *title, const char *unit, size_t n,
                    const double *ref, const double *pred);
/* mkdir -p; 0 on success. */
int mkdir_p(const char *dir);
/* parity-energy.svg and parity-force.svg in DIR for structures IDX (NULL:
 * 0..n-1) of S, committee mean. */
int plot_parity_files(pesx_fit_model *m, pesx_fit_set *s, const pesx_dataset *ds,
                      const size_t *idx, size_t n, const char *dir);

#endif
