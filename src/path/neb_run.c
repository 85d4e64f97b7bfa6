/* Optimising a band: the moving images are one vector for the opt
 * module's ask/tell minimizers (global L-BFGS or FIRE on the whole band,
 * Sheppard, Terrell & Henkelman, JCP 128, 134106 (2008)); the climbing
 * image is switched on by the driver, which then resets the history. */
#include <config.h>
#include <pesx/path.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "path_impl.h"

static int converged(const pesx_neb *b)
{
    const pesx_neb_params *p = &b->p;
    if (p->fmax > 0.0 && !(b->fmax < p->fmax))
        return 0;
    if (p->climb == PESX_CLIMB_OFF)
        return 1;
    if (!b->climbing)
        return 0;
    if (p->fmax_ci > 0.0 && !(b->ci_fmax < p->fmax_ci))
        return 0;
    if (p->fnorm_ci > 0.0 && !(b->ci_fnorm < p->fnorm_ci))
        return 0;
    return 1;
}

int pesx_neb_run(pesx_neb *b, pesx_neb_callback cb, void *cb_data)
{
    size_t nv = (b->n_img - 2) * b->dim;
    double *x = b->x + b->dim; /* the moving images, contiguous */
    double *g = malloc(nv * sizeof *g);
    double *dx = malloc(nv * sizeof *dx);
    unsigned char *frozen = malloc(nv);
    pesx_minimizer *m = NULL;
    pesx_neb_status st;
    int status;

    if (!g || !dx || !frozen) {
        status = pesx_error_set(PESX_ENOMEM, NULL, 0, "neb: out of memory");
        goto done;
    }
    for (size_t i = 0; i + 2 < b->n_img; i++)
        memcpy(frozen + i * b->dim, b->frozen, b->dim);
    m = pesx_minimizer_alloc(b->p.minimizer, nv, &b->p.mp);
    if (!m) {
        status = pesx_error_last()->code ? pesx_error_last()->code : PESX_ENOMEM;
        goto done;
    }
    if ((status = pesx_neb_eval(b)))
        goto done;
    for (;;) {
        double esum = 0.0;
        if (b->p.climb == PESX_CLIMB_AUTO && !b->climbing &&
            b->fmax < fmax(b->p.climb_after, b->p.fmax)) {
            b->climbing = 1;
            neb_project(b);
            pesx_minimizer_reset(m);
        }
        b->converged = converged(b);
        pesx_neb_get_status(b, &st);
        if (cb && (status = cb(cb_data, b, &st)))
            goto done;
        if (b->converged) {
            status = PESX_OK;
            goto done;
        }
        if (b->step >= b->p.max_steps) {
            status = pesx_error_set(PESX_ENOCONV, NULL, 0,
                                    "the band did not converge in %zu steps (band fmax %.4g "
                                    "eV/A, climbing image fmax %.4g eV/A)",
                                    b->step, b->fmax, b->ci_fmax);
            goto done;
        }
        for (size_t k = 0; k < nv; k++)
            g[k] = -b->fneb[b->dim + k];
        for (size_t i = 1; i + 1 < b->n_img; i++)
            esum += b->e[i];
        if ((status = pesx_minimizer_step(m, x, g, esum, frozen, 3, dx)))
            goto done;
        for (size_t k = 0; k < nv; k++)
            x[k] += dx[k];
        b->step++;
        if ((status = pesx_neb_eval(b)))
            goto done;
    }
done:
    pesx_minimizer_free(m);
    free(g);
    free(dx);
    free(frozen);
    return status;
}

int pesx_neb_report(pesx_neb *b, pesx_report *r)
{
    size_t N = b->n_img, dim = b->dim, ci;
    double *s = malloc(N * sizeof *s), *ftan = malloc(N * sizeof *ftan);
    int status, show_x = 0;
    if (!s || !ftan) {
        free(s);
        free(ftan);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "neb: out of memory");
    }
    if (!b->evaluated && (status = pesx_neb_eval(b)))
        goto done;
    status = pesx_band_profile(b->n_atoms, N, b->x, b->e, b->f, s, ftan, &ci);
    if (status)
        goto done;
    for (size_t i = 0; i < N; i++)
        show_x |= b->n_extrap[i] > 0;
    show_x |= b->n_members > 1;
    status = pesx_report_set_profile(r, N, s, b->e, ftan, b->ci, b->climbing,
                                     b->has_std ? b->e_std : NULL, show_x ? b->n_extrap : NULL);
    if (status)
        goto done;
    if (b->n_members > 1 && (status = pesx_report_set_members(r, b->n_members, b->member_e)))
        goto done;
    {
        /* the climbing force at the saddle image (a reflection of F: same norm) */
        const double *f = b->f + b->ci * dim, *tau = b->tau + b->ci * dim;
        double ft = b->ftan[b->ci];
        double *fc = malloc(dim * sizeof *fc);
        if (!fc) {
            status = pesx_error_set(PESX_ENOMEM, NULL, 0, "neb: out of memory");
            goto done;
        }
        for (size_t k = 0; k < dim; k++)
            fc[k] = f[k] - 2.0 * ft * tau[k];
        neb_norms(b, fc, &r->saddle_fmax, &r->saddle_fnorm);
        free(fc);
    }
    r->method = PESX_REPORT_NEB;
    r->converged = b->converged;
    r->iterations = b->step;
    r->force_calls = b->calls;
    r->force_calls_per_image = (double)b->image_calls / (double)(N - 2);
    if (b->pot)
        snprintf(r->potential, sizeof r->potential, "%s", pesx_potential_spec(b->pot));
    status = pesx_report_finish(r);
done:
    free(s);
    free(ftan);
    return status;
}
