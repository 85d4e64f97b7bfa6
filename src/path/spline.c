/* Cubic Hermite spline through path images: on each segment the cubic that
 * matches both energies and both slopes dE/ds = -F_tan (as ASE's NEBTools
 * and VTST's nebbarrier.pl fit the energy profile). */
#include <config.h>
#include <pesx/path_report.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pesx_spline_init(pesx_spline *sp)
{
    memset(sp, 0, sizeof *sp);
}

void pesx_spline_release(pesx_spline *sp)
{
    if (!sp)
        return;
    free(sp->s);
    free(sp->e);
    free(sp->dEds);
    memset(sp, 0, sizeof *sp);
}

int pesx_spline_set(pesx_spline *sp, size_t n, const double *s, const double *e,
                    const double *ftan)
{
    double *ns, *ne, *nd;
    if (n < 2)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "spline: need at least 2 points (got %zu)", n);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(s[i]) || !isfinite(e[i]) || (ftan && !isfinite(ftan[i])))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "spline: point %zu is not finite (s = %g, E = %g)", i, s[i], e[i]);
        if (i > 0 && !(s[i] > s[i - 1]))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "spline: path length does not increase between images %zu and "
                                  "%zu (%g, %g): two images coincide",
                                  i - 1, i, s[i - 1], s[i]);
    }
    ns = malloc(n * sizeof *ns);
    ne = malloc(n * sizeof *ne);
    nd = malloc(n * sizeof *nd);
    if (!ns || !ne || !nd) {
        free(ns);
        free(ne);
        free(nd);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "spline: out of memory");
    }
    memcpy(ns, s, n * sizeof *s);
    memcpy(ne, e, n * sizeof *e);
    for (size_t i = 0; i < n; i++) {
        if (ftan)
            nd[i] = -ftan[i];
        else if (i == 0)
            nd[i] = (e[1] - e[0]) / (s[1] - s[0]);
        else if (i == n - 1)
            nd[i] = (e[n - 1] - e[n - 2]) / (s[n - 1] - s[n - 2]);
        else
            nd[i] = (e[i + 1] - e[i - 1]) / (s[i + 1] - s[i - 1]);
    }
    pesx_spline_release(sp);
    sp->n = n;
    sp->s = ns;
    sp->e = ne;
    sp->dEds = nd;
    return PESX_OK;
}

/* Coefficients of segment i in t = (s - s_i)/h: E = a + b t + c t^2 + d t^3. */
static void segment(const pesx_spline *sp, size_t i, double *h, double c4[4])
{
    double e0 = sp->e[i], e1 = sp->e[i + 1];
    *h = sp->s[i + 1] - sp->s[i];
    double m0 = *h * sp->dEds[i], m1 = *h * sp->dEds[i + 1];
    c4[0] = e0;
    c4[1] = m0;
    c4[2] = -3.0 * e0 - 2.0 * m0 + 3.0 * e1 - m1;
    c4[3] = 2.0 * e0 + m0 - 2.0 * e1 + m1;
}

double pesx_spline_eval(const pesx_spline *sp, double s, double *dE)
{
    size_t i = 0;
    double h, c[4], t;
    if (sp->n < 2) {
        if (dE)
            *dE = 0.0;
        return sp->n ? sp->e[0] : NAN;
    }
    if (s <= sp->s[0])
        s = sp->s[0];
    if (s >= sp->s[sp->n - 1])
        s = sp->s[sp->n - 1];
    while (i + 2 < sp->n && s > sp->s[i + 1])
        i++;
    segment(sp, i, &h, c);
    t = (s - sp->s[i]) / h;
    if (dE)
        *dE = (c[1] + 2.0 * c[2] * t + 3.0 * c[3] * t * t) / h;
    return c[0] + t * (c[1] + t * (c[2] + t * c[3]));
}

/* Where dE/dt = b + 2c t + 3d t^2 of a segment vanishes: up to 2 roots
 * (numerically stable form), unordered and not yet limited to [0, 1]. */
static size_t slope_roots(const double c[4], double t[2])
{
    double A = 3.0 * c[3], B = 2.0 * c[2], C = c[1], disc, q;
    if (fabs(A) < 1e-14 * (fabs(B) + fabs(C) + 1e-300)) {
        if (B == 0.0)
            return 0;
        t[0] = -C / B;
        return 1;
    }
    disc = B * B - 4.0 * A * C;
    if (disc < 0.0)
        return 0;
    q = -0.5 * (B + (B >= 0.0 ? sqrt(disc) : -sqrt(disc)));
    if (q == 0.0) {
        t[0] = 0.0;
        return 1;
    }
    t[0] = q / A;
    t[1] = C / q;
    return 2;
}

static double cubic(const double c[4], double t)
{
    return c[0] + t * (c[1] + t * (c[2] + t * c[3]));
}

void pesx_spline_max(const pesx_spline *sp, double *s_max, double *e_max)
{
    *s_max = NAN;
    *e_max = -INFINITY;
    if (sp->n == 0) {
        *e_max = NAN;
        return;
    }
    for (size_t i = 0; i < sp->n; i++)
        if (sp->e[i] > *e_max) {
            *e_max = sp->e[i];
            *s_max = sp->s[i];
        }
    for (size_t i = 0; i + 1 < sp->n; i++) {
        double h, c[4], t[2];
        size_t nr;
        segment(sp, i, &h, c);
        nr = slope_roots(c, t);
        for (size_t k = 0; k < nr; k++)
            if (t[k] >= 0.0 && t[k] <= 1.0 && cubic(c, t[k]) > *e_max) {
                *e_max = cubic(c, t[k]);
                *s_max = sp->s[i] + t[k] * h;
            }
    }
}

size_t pesx_spline_extrema(const pesx_spline *sp, pesx_spline_extremum *out)
{
    size_t n = 0;
    for (size_t i = 0; i + 1 < sp->n; i++) {
        double h, c[4], t[2];
        size_t nr;
        segment(sp, i, &h, c);
        nr = slope_roots(c, t);
        if (nr == 2 && t[1] < t[0]) {
            double tmp = t[0];
            t[0] = t[1];
            t[1] = tmp;
        }
        for (size_t k = 0; k < nr; k++) {
            /* a knot belongs to the segment it starts: t in [0, 1), and
             * never the first knot of the spline */
            double curv = 2.0 * c[2] + 6.0 * c[3] * t[k];
            if (!(t[k] >= 0.0 && t[k] < 1.0) || (i == 0 && t[k] == 0.0) || curv == 0.0)
                continue;
            if (n && out[n - 1].image == (double)i + t[k])
                continue;
            out[n].is_max = curv < 0.0;
            out[n].s = sp->s[i] + t[k] * h;
            out[n].image = (double)i + t[k];
            out[n].e = cubic(c, t[k]);
            n++;
        }
    }
    return n;
}
