/* Helpers shared by `pesx vib` and `pesx saddle` (src/cmd/vib_common.c). */
#ifndef PESX_CMD_VIB_COMMON_H
#define PESX_CMD_VIB_COMMON_H

#include <stdio.h>
#include <pesx/path_vib.h>

/* Per-coordinate masses (amu) of A; unknown elements get 1 amu and a note. */
double *vib_masses(const pesx_atoms *a);
/* Freeze z of a model surface (Mueller-Brown: z carries no energy). */
void vib_freeze_model_z(pesx_potential *pot, pesx_atoms_objective *ao);
/* Hessian by central differences at X (o from an atoms objective of A) and
 * its normal modes; rigid modes removed as pesx_dimer_params_auto decides
 * (unless NO_PROJECT).  Returns a pesx status. */
int vib_compute(pesx_objective *o, const pesx_atoms *a, const double *x, double step,
                int no_project, pesx_vib *v);
/* "123.45" or "123.45i" (imaginary printed with i) */
void vib_format(double freq, char *buf, size_t size);
/* The frequency table. */
void vib_print(FILE *fp, const pesx_vib *v);

#endif
