/* Rigid-body modes: translations and rotations to remove from a dimer mode
 * and from a Hessian, and small vector helpers. */
#include <math.h>
#include <string.h>

#include "path/dimer_impl.h"

double dimer_dot(size_t n, const double *a, const double *b)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

double dimer_norm(size_t n, const double *a)
{
    return sqrt(dimer_dot(n, a, a));
}

double dimer_atom_max(size_t n, const double *v)
{
    double m = 0.0;
    for (size_t i = 0; i + 2 < n; i += 3) {
        double r = sqrt(v[i] * v[i] + v[i + 1] * v[i + 1] + v[i + 2] * v[i + 2]);
        if (r > m)
            m = r;
    }
    return m;
}

void dimer_project_out(size_t n, const double *basis, size_t nb, double *v)
{
    for (size_t b = 0; b < nb; b++) {
        const double *e = basis + b * n;
        double c = dimer_dot(n, v, e);
        for (size_t i = 0; i < n; i++)
            v[i] -= c * e[i];
    }
}

/* Gram-Schmidt of row ROW against the rows before it; 1 when kept. */
static int orthonormalise(size_t n, double *basis, size_t row, double ref)
{
    double *v = basis + row * n;
    for (int pass = 0; pass < 2; pass++)
        dimer_project_out(n, basis, row, v);
    double nv = dimer_norm(n, v);
    if (!(nv > 1e-8 * ref))
        return 0;
    for (size_t i = 0; i < n; i++)
        v[i] /= nv;
    return 1;
}

void dimer_rigid_basis(size_t n, const double *x, const double *w, int trans, int rot,
                       double *basis, size_t *nb)
{
    size_t na = n / 3, k = 0;
    *nb = 0;
    if (na == 0)
        return;
    if (trans) {
        for (int d = 0; d < 3; d++) {
            double *v = basis + k * n;
            memset(v, 0, n * sizeof *v);
            for (size_t a = 0; a < na; a++)
                v[3 * a + d] = w ? w[3 * a + d] : 1.0;
            if (orthonormalise(n, basis, k, dimer_norm(n, v)))
                k++;
        }
    }
    if (rot) {
        /* centre weighted by w^2 (the masses when w = sqrt(m)) */
        double c[3] = {0, 0, 0}, wsum = 0.0;
        for (size_t a = 0; a < na; a++) {
            double m = w ? w[3 * a] * w[3 * a] : 1.0;
            for (int d = 0; d < 3; d++)
                c[d] += m * x[3 * a + d];
            wsum += m;
        }
        for (int d = 0; d < 3; d++)
            c[d] /= wsum;
        for (int d = 0; d < 3; d++) {
            double *v = basis + k * n;
            for (size_t a = 0; a < na; a++) {
                double r[3] = {x[3 * a] - c[0], x[3 * a + 1] - c[1], x[3 * a + 2] - c[2]};
                double e[3] = {0, 0, 0}, t[3];
                e[d] = 1.0;
                t[0] = e[1] * r[2] - e[2] * r[1];
                t[1] = e[2] * r[0] - e[0] * r[2];
                t[2] = e[0] * r[1] - e[1] * r[0];
                for (int q = 0; q < 3; q++)
                    v[3 * a + q] = t[q] * (w ? w[3 * a + q] : 1.0);
            }
            double ref = 0.0;
            for (size_t i = 0; i < n; i++)
                ref += x[i] * x[i];
            ref = sqrt(ref) + 1.0;
            if (orthonormalise(n, basis, k, ref))
                k++;
        }
    }
    *nb = k;
}
