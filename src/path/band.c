/* Band geometry shared by NEB and `pesx barrier`: the improved tangent
 * (Henkelman & Jonsson, JCP 113, 9978 (2000)), path length and tangential
 * forces of a band, endpoint checks and minimum-image alignment. */
#include <config.h>
#include <pesx/path.h>

#include <math.h>
#include <string.h>

static double dot(size_t n, const double *a, const double *b)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

void pesx_band_tangent(size_t dim, const double *xm, const double *x0, const double *xp,
                       double em, double e0, double ep, double *tau)
{
    double wp, wm, nrm;
    if (ep > e0 && e0 > em) {
        wp = 1.0;
        wm = 0.0;
    } else if (ep < e0 && e0 < em) {
        wp = 0.0;
        wm = 1.0;
    } else {
        double dmax = fmax(fabs(ep - e0), fabs(em - e0));
        double dmin = fmin(fabs(ep - e0), fabs(em - e0));
        if (ep > em) {
            wp = dmax;
            wm = dmin;
        } else {
            wp = dmin;
            wm = dmax;
        }
        if (!(wp + wm > 0.0)) /* flat: bisect */
            wp = wm = 1.0;
    }
    /* tau = wp (xp - x0) + wm (x0 - xm), normalised */
    for (size_t k = 0; k < dim; k++)
        tau[k] = wp * (xp[k] - x0[k]) + wm * (x0[k] - xm[k]);
    nrm = sqrt(dot(dim, tau, tau));
    if (nrm > 0.0)
        for (size_t k = 0; k < dim; k++)
            tau[k] /= nrm;
}

int pesx_band_profile(size_t n_atoms, size_t n_images, const double *x, const double *energy,
                      const double *forces, double *s, double *ftan, size_t *highest)
{
    size_t dim = 3 * n_atoms;
    if (n_images < 2)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "a band needs at least 2 images (got %zu)",
                              n_images);
    s[0] = 0.0;
    for (size_t i = 1; i < n_images; i++) {
        double d = 0.0;
        for (size_t k = 0; k < dim; k++) {
            double t = x[i * dim + k] - x[(i - 1) * dim + k];
            d += t * t;
        }
        s[i] = s[i - 1] + sqrt(d);
    }
    /* tangential forces, projecting one coordinate block at a time */
    for (size_t i = 0; i < n_images; i++) {
        const double *f = forces + i * dim;
        double acc = 0.0, nrm = 0.0;
        if (i == 0 || i == n_images - 1) {
            const double *a = x + (i == 0 ? 0 : (i - 1) * dim);
            const double *b = x + (i == 0 ? dim : i * dim);
            for (size_t k = 0; k < dim; k++) {
                double t = b[k] - a[k];
                acc += f[k] * t;
                nrm += t * t;
            }
            ftan[i] = nrm > 0.0 ? acc / sqrt(nrm) : 0.0;
            continue;
        }
        /* the improved tangent's weights, applied on the fly (no buffer) */
        {
            double em = energy[i - 1], e0 = energy[i], ep = energy[i + 1], wp, wm;
            const double *xm = x + (i - 1) * dim, *x0 = x + i * dim, *xp = x + (i + 1) * dim;
            if (ep > e0 && e0 > em) {
                wp = 1.0;
                wm = 0.0;
            } else if (ep < e0 && e0 < em) {
                wp = 0.0;
                wm = 1.0;
            } else {
                double dmax = fmax(fabs(ep - e0), fabs(em - e0));
                double dmin = fmin(fabs(ep - e0), fabs(em - e0));
                wp = ep > em ? dmax : dmin;
                wm = ep > em ? dmin : dmax;
                if (!(wp + wm > 0.0))
                    wp = wm = 1.0;
            }
            for (size_t k = 0; k < dim; k++) {
                double t = wp * (xp[k] - x0[k]) + wm * (x0[k] - xm[k]);
                acc += f[k] * t;
                nrm += t * t;
            }
            ftan[i] = nrm > 0.0 ? acc / sqrt(nrm) : 0.0;
        }
    }
    if (highest) {
        size_t best = n_images > 2 ? 1 : 0;
        for (size_t i = 1; i + 1 < n_images; i++)
            if (energy[i] > energy[best])
                best = i;
        *highest = best;
    }
    return PESX_OK;
}

static const char *sym(int z)
{
    const char *s = pesx_element_symbol(z);
    return s ? s : "?";
}

static const char *pbc_str(const int pbc[3], char buf[8])
{
    snprintf(buf, 8, "%c %c %c", pbc[0] ? 'T' : 'F', pbc[1] ? 'T' : 'F', pbc[2] ? 'T' : 'F');
    return buf;
}

int pesx_neb_check_endpoints(const pesx_atoms *a, const char *path_a, long line_a,
                             const pesx_atoms *b, const char *path_b, long line_b)
{
    char pa[8], pb[8];
    (void)line_a;
    if (!path_a)
        path_a = "reactant";
    if (a->n == 0)
        return pesx_error_set(PESX_EINVAL, path_a, line_a, "the structure has no atoms");
    if (a->n != b->n)
        return pesx_error_set(PESX_EINVAL, path_b, line_b,
                              "atom count differs: %zu atoms here, %zu in %s", b->n, a->n, path_a);
    for (size_t i = 0; i < a->n; i++)
        if (a->z[i] != b->z[i])
            return pesx_error_set(PESX_EINVAL, path_b, line_b + 2 + (long)i,
                                  "element order differs: atom %zu is %s here but %s in %s "
                                  "(the endpoints must list the same atoms in the same order)",
                                  i + 1, sym(b->z[i]), sym(a->z[i]), path_a);
    for (int pass = 0; pass < 2; pass++) {
        const pesx_atoms *s = pass ? b : a;
        const char *p = pass ? path_b : path_a;
        long l = pass ? line_b : line_a;
        for (size_t i = 0; i < 3 * s->n; i++)
            if (!isfinite(s->x[i]))
                return pesx_error_set(PESX_EINVAL, p, l + 2 + (long)(i / 3),
                                      "coordinate %c of atom %zu is not finite (%g)",
                                      "xyz"[i % 3], i / 3 + 1, s->x[i]);
    }
    if (a->pbc[0] != b->pbc[0] || a->pbc[1] != b->pbc[1] || a->pbc[2] != b->pbc[2])
        return pesx_error_set(PESX_EINVAL, path_b, line_b,
                              "pbc differs: \"%s\" here, \"%s\" in %s", pbc_str(b->pbc, pb),
                              pbc_str(a->pbc, pa), path_a);
    if (a->has_cell != b->has_cell && pesx_atoms_any_pbc(a))
        return pesx_error_set(PESX_EINVAL, path_b, line_b, "cell differs: %s has no Lattice",
                              a->has_cell ? path_b : path_a);
    if (a->has_cell && b->has_cell)
        for (int k = 0; k < 9; k++)
            if (!(fabs(a->cell[k] - b->cell[k]) <= 1e-6))
                return pesx_error_set(PESX_EINVAL, path_b, line_b,
                                      "cell differs: lattice vector %c component %c is %.10g "
                                      "here but %.10g in %s",
                                      "abc"[k / 3], "xyz"[k % 3], b->cell[k], a->cell[k], path_a);
    if (a->fixed && b->fixed) {
        int any_a = 0, any_b = 0;
        for (size_t i = 0; i < a->n; i++) {
            any_a |= a->fixed[i];
            any_b |= b->fixed[i];
        }
        if (any_a && any_b)
            for (size_t i = 0; i < a->n; i++)
                if (!a->fixed[i] != !b->fixed[i])
                    return pesx_error_set(PESX_EINVAL, path_b, line_b + 2 + (long)i,
                                          "fixed atoms differ: atom %zu is %s here but %s in %s",
                                          i + 1, b->fixed[i] ? "fixed" : "free",
                                          a->fixed[i] ? "fixed" : "free", path_a);
    }
    return PESX_OK;
}

int pesx_neb_align(const pesx_atoms *a, pesx_atoms *b)
{
    double inv[9];
    int status;
    if (a->n != b->n)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "align: atom counts differ");
    if (!pesx_atoms_any_pbc(a))
        return PESX_OK;
    status = pesx_cell_inverse(a->cell, inv);
    if (status)
        return status;
    for (size_t i = 0; i < a->n; i++) {
        double d[3];
        for (int k = 0; k < 3; k++)
            d[k] = b->x[3 * i + k] - a->x[3 * i + k];
        pesx_atoms_min_image(a, inv, d);
        for (int k = 0; k < 3; k++)
            b->x[3 * i + k] = a->x[3 * i + k] + d[k];
    }
    return PESX_OK;
}

int pesx_neb_check_distinct(const pesx_atoms *a, const char *path_a, const pesx_atoms *b,
                            const char *path_b, long line_b)
{
    double big = 0.0;
    for (size_t i = 0; i < a->n && i < b->n; i++) {
        double d2 = 0.0;
        for (int k = 0; k < 3; k++)
            d2 += (b->x[3 * i + k] - a->x[3 * i + k]) * (b->x[3 * i + k] - a->x[3 * i + k]);
        big = fmax(big, d2);
    }
    if (sqrt(big) < 1e-3)
        return pesx_error_set(PESX_EINVAL, path_b, line_b,
                              "the same structure as %s (no atom moves more than %.2g A): "
                              "a path needs two different endpoints",
                              path_a ? path_a : "the reactant", sqrt(big));
    return PESX_OK;
}
