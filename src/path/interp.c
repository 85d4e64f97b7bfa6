/* Initial bands: straight line between the endpoints, or a piecewise
 * straight path through guessed intermediate structures. */
#include <config.h>
#include <pesx/path.h>

#include <math.h>
#include <stdlib.h>

void pesx_neb_interpolate_linear(size_t n_atoms, size_t n_images, double *x)
{
    size_t dim = 3 * n_atoms;
    const double *a = x, *b = x + (n_images - 1) * dim;
    for (size_t i = 1; i + 1 < n_images; i++) {
        double t = (double)i / (double)(n_images - 1);
        for (size_t k = 0; k < dim; k++)
            x[i * dim + k] = a[k] + t * (b[k] - a[k]);
    }
}

int pesx_neb_interpolate_knots(size_t n_atoms, size_t n_knots, const double *knots,
                               size_t n_images, double *x)
{
    size_t dim = 3 * n_atoms;
    double *len, total;
    if (n_knots < 2 || n_images < 2)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "interpolation needs 2 knots and 2 images");
    len = malloc(n_knots * sizeof *len);
    if (!len)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "interpolation: out of memory");
    len[0] = 0.0;
    for (size_t j = 1; j < n_knots; j++) {
        double d = 0.0;
        for (size_t k = 0; k < dim; k++) {
            double t = knots[j * dim + k] - knots[(j - 1) * dim + k];
            d += t * t;
        }
        len[j] = len[j - 1] + sqrt(d);
    }
    total = len[n_knots - 1];
    for (size_t i = 0; i < n_images; i++) {
        double target = total * (double)i / (double)(n_images - 1), t;
        size_t j = 0;
        while (j + 2 < n_knots && len[j + 1] < target)
            j++;
        t = len[j + 1] > len[j] ? (target - len[j]) / (len[j + 1] - len[j]) : 0.0;
        t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
        for (size_t k = 0; k < dim; k++)
            x[i * dim + k] = knots[j * dim + k] + t * (knots[(j + 1) * dim + k] - knots[j * dim + k]);
    }
    free(len);
    return PESX_OK;
}
