/* Image-dependent pair potential interpolation (Smidstrup, Pedersen,
 * Stokbro & Jonsson, JCP 140, 214106 (2014)).  Image k of N+1 wants every
 * pair distance at d_ij^k = d_ij^R + k/N (d_ij^P - d_ij^R); the objective
 * S_k = sum_{i<j} w(d_ij) (d_ij^k - d_ij)^2 with w(d) = 1/d^4 is minimised
 * for all images at once as an NEB (springs keep them spread), starting
 * from the straight line.  Pairs of two fixed atoms are constant and left out. */
#include <config.h>
#include <pesx/path.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "path_impl.h"

typedef struct {
    size_t n;
    const unsigned char *fixed;
    double *dr, *dp; /* n*n endpoint distances */
} idpp_ctx;

static double pair_dist(const double *x, size_t i, size_t j)
{
    double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1],
           dz = x[3 * j + 2] - x[3 * i + 2];
    return sqrt(dx * dx + dy * dy + dz * dz);
}

static int idpp_image(void *vctx, pesx_neb *b, size_t img, const double *x, double *e, double *f)
{
    idpp_ctx *c = vctx;
    size_t n = c->n;
    double t = (double)img / (double)(b->n_img - 1), s = 0.0;
    memset(f, 0, 3 * n * sizeof *f);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            double d[3], r, r2, tgt, diff, w, dEdr;
            if (c->fixed && c->fixed[i] && c->fixed[j])
                continue;
            for (int k = 0; k < 3; k++)
                d[k] = x[3 * j + k] - x[3 * i + k];
            r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            r = sqrt(r2);
            if (!(r > 1e-8))
                return pesx_error_set(PESX_EFAILED, NULL, 0,
                                      "IDPP: atoms %zu and %zu coincide in image %zu", i + 1,
                                      j + 1, img);
            tgt = c->dr[i * n + j] + t * (c->dp[i * n + j] - c->dr[i * n + j]);
            diff = tgt - r;
            w = 1.0 / (r2 * r2);
            s += w * diff * diff;
            dEdr = -2.0 * diff * w - 4.0 * diff * diff * w / r;
            for (int k = 0; k < 3; k++) {
                double g = dEdr * d[k] / r; /* dE/dx_j */
                f[3 * j + k] -= g;
                f[3 * i + k] += g;
            }
        }
    }
    *e = s;
    return PESX_OK;
}

int pesx_neb_interpolate_idpp(size_t n_atoms, const unsigned char *fixed, size_t n_images,
                              double *x, double tol, size_t max_steps)
{
    size_t n = n_atoms, dim = 3 * n;
    idpp_ctx c;
    pesx_neb_params p;
    pesx_atoms *tmpl = NULL;
    pesx_neb *b = NULL;
    int status;

    pesx_neb_interpolate_linear(n_atoms, n_images, x);
    if (n < 2 || n_images < 3)
        return PESX_OK;
    c.n = n;
    c.fixed = fixed;
    c.dr = malloc(n * n * sizeof *c.dr);
    c.dp = malloc(n * n * sizeof *c.dp);
    tmpl = pesx_atoms_alloc(n);
    if (!c.dr || !c.dp || !tmpl) {
        status = pesx_error_set(PESX_ENOMEM, NULL, 0, "IDPP: out of memory (%zu atoms)", n);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            c.dr[i * n + j] = pair_dist(x, i, j);
            c.dp[i * n + j] = pair_dist(x + (n_images - 1) * dim, i, j);
        }
    if (fixed)
        memcpy(tmpl->fixed, fixed, n);
    memcpy(tmpl->x, x, dim * sizeof *x);
    pesx_neb_params_default(&p);
    p.climb = PESX_CLIMB_OFF;
    p.k = 0.1;
    p.fmax = tol > 0.0 ? tol : 0.01;
    p.max_steps = max_steps ? max_steps : 200;
    p.mp.max_step = 0.1;
    p.mp.memory = 25;
    b = neb_alloc_internal(NULL, tmpl, n_images, &p, idpp_image, &c);
    if (!b) {
        status = pesx_error_last()->code;
        goto done;
    }
    memcpy(b->x, x, n_images * dim * sizeof *x);
    status = pesx_neb_run(b, NULL, NULL);
    if (status == PESX_ENOCONV) { /* a rough IDPP path is still a fine start */
        status = PESX_OK;
        pesx_error_clear();
    }
    if (!status)
        memcpy(x, b->x, n_images * dim * sizeof *x);
done:
    pesx_neb_free(b);
    pesx_atoms_free(tmpl);
    free(c.dr);
    free(c.dp);
    return status;
}
