/* The linear assignment problem by the Hungarian method: row and column
 * potentials u, v with cost(i, j) - u_i - v_j >= 0, one row added at a time
 * along a shortest augmenting path (Kuhn 1955, Munkres 1957; the O(m^3)
 * form of Jonker & Volgenant). */
#include <config.h>
#include "explore_impl.h"

#include <math.h>
#include <stdlib.h>

#include <pesx/util.h>

int explore_assign(size_t m, const double *cost, size_t *row_of)
{
    /* 1-based arrays; index 0 is the virtual column of the path's start */
    double *u = calloc(m + 1, sizeof *u), *v = calloc(m + 1, sizeof *v);
    double *minv = malloc((m + 1) * sizeof *minv);
    size_t *p = calloc(m + 1, sizeof *p), *way = calloc(m + 1, sizeof *way);
    unsigned char *used = malloc(m + 1);
    int st = PESX_OK;
    if (!u || !v || !minv || !p || !way || !used) {
        st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    for (size_t i = 1; i <= m; i++) {
        size_t j0 = 0;
        p[0] = i;
        for (size_t j = 0; j <= m; j++) {
            minv[j] = HUGE_VAL;
            used[j] = 0;
        }
        do {
            size_t i0 = p[j0], j1 = 0;
            double delta = HUGE_VAL;
            used[j0] = 1;
            for (size_t j = 1; j <= m; j++) {
                if (used[j])
                    continue;
                double cur = cost[(i0 - 1) * m + (j - 1)] - u[i0] - v[j];
                if (cur < minv[j]) {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if (minv[j] < delta) {
                    delta = minv[j];
                    j1 = j;
                }
            }
            for (size_t j = 0; j <= m; j++) {
                if (used[j]) {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
        } while (p[j0] != 0);
        do {
            size_t j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0);
    }
    for (size_t j = 1; j <= m; j++)
        row_of[j - 1] = p[j] - 1;
out:
    free(u);
    free(v);
    free(minv);
    free(p);
    free(way);
    free(used);
    return st;
}
