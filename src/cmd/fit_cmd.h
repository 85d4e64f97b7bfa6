/* pesx fit: helpers shared by src/cmd/fit*.c. */
#ifndef PESX_CMD_FIT_CMD_H
#define PESX_CMD_FIT_CMD_H

#include <stddef.h>
#include "cmd/cmd.h"
#include <pesx/fit.h>

/* SVG learning curve of N rows (RMSEs in eV/atom and eV/Angstrom). */
int fit_plot_curve(const char *path, size_t n, const pesx_fit_curve_row *rows);
int fit_plot_parity(const char *path, const char *title, const char *unit, size_t n,
                    const double *ref, const double *pred);
/* mkdir -p; 0 on success. */
int mkdir_p(const char *dir);

#endif
