/* Finite-difference Hessian: central differences of the gradient, every
 * displacement in one batch of the objective (so a potential with several
 * workers computes them at once). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pesx/path_vib.h>

void pesx_hessian_init(pesx_hessian *H)
{
    memset(H, 0, sizeof *H);
}

void pesx_hessian_release(pesx_hessian *H)
{
    free(H->index);
    free(H->h);
    pesx_hessian_init(H);
}

int pesx_hessian_compute(pesx_hessian *H, pesx_objective *o, const double *x, double step)
{
    size_t n = o->n, nf = 0, calls0 = o->calls;
    if (!(step > 0))
        return pesx_error_set(PESX_EINVAL, "", 0, "Hessian: the step must be > 0");
    pesx_hessian_release(H);
    for (size_t i = 0; i < n; i++)
        if (!o->frozen || !o->frozen[i])
            nf++;
    if (nf == 0)
        return pesx_error_set(PESX_EINVAL, "", 0, "Hessian: every coordinate is fixed");
    H->index = malloc(nf * sizeof *H->index);
    H->h = malloc(nf * nf * sizeof *H->h);
    double *xs = malloc(2 * nf * n * sizeof *xs), *g = malloc(2 * nf * n * sizeof *g);
    double *e = malloc(2 * nf * sizeof *e);
    size_t failed = 0;
    int st = PESX_OK;
    if (!H->index || !H->h || !xs || !g || !e) {
        st = pesx_error_set(PESX_ENOMEM, "", 0, "Hessian: out of memory (%zu free coordinates)", nf);
        goto done;
    }
    H->n = nf;
    for (size_t i = 0, k = 0; i < n; i++)
        if (!o->frozen || !o->frozen[i])
            H->index[k++] = i;
    /* every displacement in one batch: row r is +step (point 2r) and -step
     * (point 2r+1) along free coordinate r */
    for (size_t r = 0; r < nf; r++)
        for (int sgn = 0; sgn < 2; sgn++) {
            double *xp = xs + (2 * r + (size_t)sgn) * n;
            memcpy(xp, x, n * sizeof *xp);
            xp[H->index[r]] += sgn ? -step : step;
        }
    if ((st = pesx_objective_eval_many(o, 2 * nf, xs, e, g, &failed))) {
        pesx_error_prefix("Hessian: %s step of coordinate %zu: ", failed % 2 ? "-" : "+",
                          H->index[failed / 2]);
        goto done;
    }
    for (size_t r = 0; r < nf; r++) {
        const double *gp = g + 2 * r * n, *gm = gp + n;
        for (size_t c = 0; c < nf; c++) {
            size_t j = H->index[c];
            H->h[r * nf + c] = (gp[j] - gm[j]) / (2.0 * step);
        }
    }
    H->asymmetry = 0.0;
    for (size_t r = 0; r < nf; r++)
        for (size_t c = r + 1; c < nf; c++) {
            double a = H->h[r * nf + c], b = H->h[c * nf + r];
            if (fabs(a - b) > H->asymmetry)
                H->asymmetry = fabs(a - b);
            H->h[r * nf + c] = H->h[c * nf + r] = 0.5 * (a + b);
        }
done:
    H->calls = o->calls - calls0;
    free(xs);
    free(g);
    free(e);
    if (st) {
        size_t calls = H->calls;
        pesx_hessian_release(H);
        H->calls = calls;
    }
    return st;
}
