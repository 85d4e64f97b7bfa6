/* Cell algebra: inverse, volume, perpendicular widths, the frame of a
 * structure with open directions, wrapping and the minimum image. */
#include <config.h>
#include <pesx/structure.h>

#include <math.h>

static void cross(const double *u, const double *v, double *w)
{
    w[0] = u[1] * v[2] - u[2] * v[1];
    w[1] = u[2] * v[0] - u[0] * v[2];
    w[2] = u[0] * v[1] - u[1] * v[0];
}

static double dot(const double *u, const double *v)
{
    return u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
}

static double norm(const double *u)
{
    return sqrt(dot(u, u));
}

static double det3(const double c[9])
{
    double w[3];
    cross(c + 3, c + 6, w);
    return dot(c, w);
}

static int all_finite(const double *v, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!isfinite(v[k]))
            return 0;
    return 1;
}

int pesx_cell_inverse(const double cell[9], double inv[9])
{
    double det, scale;
    if (!all_finite(cell, 9))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "cell has a non-finite entry");
    det = det3(cell);
    scale = norm(cell) * norm(cell + 3) * norm(cell + 6);
    if (!(fabs(det) > 1e-10 * scale))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "singular cell: volume %g A^3 for lattice vectors of length "
                              "%g, %g, %g A",
                              fabs(det), norm(cell), norm(cell + 3), norm(cell + 6));
    /* Row convention x = s H: inv = H^-1 = adj(H) / det; column k of the
     * inverse is (row k+1 x row k+2) / det. */
    for (int k = 0; k < 3; k++) {
        double w[3];
        cross(cell + 3 * ((k + 1) % 3), cell + 3 * ((k + 2) % 3), w);
        for (int m = 0; m < 3; m++)
            inv[3 * m + k] = w[m] / det;
    }
    return PESX_OK;
}

double pesx_cell_volume(const double cell[9])
{
    return fabs(det3(cell));
}

void pesx_cell_widths(const double cell[9], double w[3])
{
    double v = pesx_cell_volume(cell);
    for (int k = 0; k < 3; k++) {
        double f[3], area;
        cross(cell + 3 * ((k + 1) % 3), cell + 3 * ((k + 2) % 3), f);
        area = norm(f);
        w[k] = area > 0 ? v / area : 0.0;
    }
}

static const char axis_name[3] = {'a', 'b', 'c'};

int pesx_atoms_frame(const pesx_atoms *a, double h[9], double inv[9])
{
    double hh[9], ii[9];
    int per[3], np = 0, open[3], no = 0;
    for (int k = 0; k < 3; k++) {
        if (a->pbc[k])
            per[np++] = k;
        else
            open[no++] = k;
    }
    if (np > 0 && !a->has_cell)
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "direction %c is periodic but the structure has no cell",
                              axis_name[per[0]]);
    for (int q = 0; q < np; q++) {
        const double *v = a->cell + 3 * per[q];
        if (!all_finite(v, 3))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "lattice vector %c has a non-finite component",
                                  axis_name[per[q]]);
        if (!(norm(v) > 0))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "singular cell: periodic lattice vector %c is zero",
                                  axis_name[per[q]]);
        for (int m = 0; m < 3; m++)
            hh[3 * per[q] + m] = v[m];
    }
    if (np == 0) {
        for (int m = 0; m < 9; m++)
            hh[m] = (m % 4 == 0) ? 1.0 : 0.0;
    } else if (np == 1) {
        /* Two orthonormal vectors perpendicular to the periodic one. */
        const double *v = hh + 3 * per[0];
        double e[3] = {0, 0, 0}, u[3], w[3], nu, nv = norm(v);
        int m = 0;
        for (int k = 1; k < 3; k++)
            if (fabs(v[k]) < fabs(v[m]))
                m = k;
        e[m] = 1.0;
        cross(v, e, u);
        nu = norm(u);
        for (int k = 0; k < 3; k++)
            u[k] /= nu;
        cross(v, u, w);
        for (int k = 0; k < 3; k++) {
            hh[3 * open[0] + k] = u[k];
            hh[3 * open[1] + k] = w[k] / nv;
        }
    } else if (np == 2) {
        double u[3], nu;
        cross(hh + 3 * per[0], hh + 3 * per[1], u);
        nu = norm(u);
        if (!(nu > 1e-10 * norm(hh + 3 * per[0]) * norm(hh + 3 * per[1])))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "singular cell: periodic lattice vectors %c and %c are "
                                  "parallel",
                                  axis_name[per[0]], axis_name[per[1]]);
        for (int k = 0; k < 3; k++)
            hh[3 * open[0] + k] = u[k] / nu;
    }
    if (pesx_cell_inverse(hh, ii))
        return PESX_EINVAL;
    if (h)
        for (int m = 0; m < 9; m++)
            h[m] = hh[m];
    if (inv)
        for (int m = 0; m < 9; m++)
            inv[m] = ii[m];
    return PESX_OK;
}

int pesx_atoms_check(const pesx_atoms *a)
{
    int status = pesx_atoms_frame(a, NULL, NULL);
    if (status)
        return status;
    for (size_t i = 0; i < a->n; i++)
        if (!all_finite(a->x + 3 * i, 3))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "atom %zu has a non-finite position (%g %g %g)", i + 1,
                                  a->x[3 * i], a->x[3 * i + 1], a->x[3 * i + 2]);
    return PESX_OK;
}

int pesx_atoms_wrap(pesx_atoms *a)
{
    double h[9], inv[9];
    int status = pesx_atoms_check(a);
    if (status || (status = pesx_atoms_frame(a, h, inv)))
        return status;
    for (size_t i = 0; i < a->n; i++) {
        double *x = a->x + 3 * i;
        for (int k = 0; k < 3; k++) {
            if (!a->pbc[k])
                continue;
            /* Two passes: rounding can leave s at exactly 1 (or just
             * below 0) after the first translation. */
            for (int pass = 0; pass < 2; pass++) {
                double s = x[0] * inv[k] + x[1] * inv[3 + k] + x[2] * inv[6 + k];
                double f = floor(s);
                if (f == 0.0)
                    break;
                for (int m = 0; m < 3; m++)
                    x[m] -= f * h[3 * k + m];
            }
        }
    }
    return PESX_OK;
}

void pesx_atoms_min_image(const pesx_atoms *a, const double inv[9], double d[3])
{
    const double *h = a->cell;
    double best[3], best2, wmin = INFINITY;
    int lo[3], hi[3];
    if (!pesx_atoms_any_pbc(a))
        return;
    for (int k = 0; k < 3; k++) {
        double s, col2;
        lo[k] = hi[k] = 0;
        if (!a->pbc[k])
            continue;
        s = d[0] * inv[k] + d[1] * inv[3 + k] + d[2] * inv[6 + k];
        s = floor(s + 0.5);
        for (int m = 0; m < 3; m++)
            d[m] -= s * h[3 * k + m];
        col2 = inv[k] * inv[k] + inv[3 + k] * inv[3 + k] + inv[6 + k] * inv[6 + k];
        if (1.0 / sqrt(col2) < wmin)
            wmin = 1.0 / sqrt(col2);
        lo[k] = -1;
        hi[k] = 1;
    }
    best2 = dot(d, d);
    /* Shorter than half of every periodic width: every fractional
     * component is below 1/2 in magnitude, so this is the minimum image. */
    if (4.0 * best2 < wmin * wmin)
        return;
    for (int m = 0; m < 3; m++)
        best[m] = d[m];
    for (int n0 = lo[0]; n0 <= hi[0]; n0++)
        for (int n1 = lo[1]; n1 <= hi[1]; n1++)
            for (int n2 = lo[2]; n2 <= hi[2]; n2++) {
                double t[3], t2;
                /* open rows are never touched (they may hold anything) */
                for (int m = 0; m < 3; m++)
                    t[m] = d[m] + (n0 ? n0 * h[m] : 0.0) + (n1 ? n1 * h[3 + m] : 0.0) +
                           (n2 ? n2 * h[6 + m] : 0.0);
                t2 = dot(t, t);
                if (t2 < best2) {
                    best2 = t2;
                    for (int m = 0; m < 3; m++)
                        best[m] = t[m];
                }
            }
    for (int m = 0; m < 3; m++)
        d[m] = best[m];
}
