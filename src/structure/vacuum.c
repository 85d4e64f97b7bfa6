/* Slabs: a structure periodic in two directions with vacuum in the third
 * (an open direction, or a periodic one with a wide empty layer). */
#include <config.h>
#include <pesx/structure.h>

#include <math.h>
#include <stdlib.h>

static int compare_double(const void *p, const void *q)
{
    double a = *(const double *)p, b = *(const double *)q;
    return (a > b) - (a < b);
}

/* The widest empty layer along periodic direction K, A (0 on error). */
static double widest_gap(const pesx_atoms *a, const double inv[9], int k, double width)
{
    double *s = malloc((a->n + 1) * sizeof *s), gap;
    if (!s || a->n == 0) {
        free(s);
        return 0.0;
    }
    for (size_t i = 0; i < a->n; i++) {
        const double *x = a->x + 3 * i;
        double f = x[0] * inv[k] + x[1] * inv[3 + k] + x[2] * inv[6 + k];
        s[i] = f - floor(f);
    }
    qsort(s, a->n, sizeof *s, compare_double);
    gap = 1.0 - s[a->n - 1] + s[0]; /* across the cell boundary */
    for (size_t i = 1; i < a->n; i++)
        if (s[i] - s[i - 1] > gap)
            gap = s[i] - s[i - 1];
    free(s);
    return gap * width;
}

int pesx_atoms_vacuum(const pesx_atoms *a, double min_gap, double *gap)
{
    double inv[9], w[3];
    int n_periodic = a->pbc[0] + a->pbc[1] + a->pbc[2];
    if (n_periodic < 2 || !a->has_cell || pesx_atoms_frame(a, NULL, inv) != PESX_OK)
        return -1;
    for (int k = 0; k < 3; k++)
        if (!a->pbc[k]) {
            *gap = INFINITY;
            return k;
        }
    pesx_cell_widths(a->cell, w);
    for (int k = 0; k < 3; k++) {
        double g = widest_gap(a, inv, k, w[k]);
        if (g >= min_gap) {
            *gap = g;
            return k;
        }
    }
    return -1;
}
