/* Optimising a band: the moving images are one vector for the opt
 * module's ask/tell minimizers (global L-BFGS or FIRE on the whole band,
 * Sheppard, Terrell & Henkelman, JCP 128, 134106 (2008)), or for the band
 * L-BFGS with a preconditioner per image (neb_lbfgs.c) when
 * pesx_neb_uses_precon says so; the climbing image is switched on by the
 * driver, which then resets the history.
 *
 * The driver keeps the last accepted band.  A step after which an image's
 * energy or force is not finite, or the band's NEB force norm is more than
 * params.reject_rise times the smallest since the history started (a
 * non-monotone test: a creeping rise of 1.5 per step is caught too) while
 * the band fmax is above params.reject_fmax, is taken back (its force
 * calls count): the band
 * returns to the accepted one, the minimizer forgets its history and the
 * next steps are limited to half the rejected one's largest atom move (the
 * limit grows back by 1.5 per accepted step up to max_step).  Without this
 * an L-BFGS band can run away on a steep or rough surface (Mueller-Brown
 * with 0.5 steps to 1e44, a neural network off its data to forces of
 * 1e5 eV/A). */
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

/* The accepted band: what an evaluation of the moving images changes. */
typedef struct {
    double *x, *e, *f, *member_e, *e_std;
    size_t *n_extrap;
    double fnorm;
    double fref;  /* the smallest fnorm since the history started */
} band_copy;

static void copy_release(band_copy *c)
{
    free(c->x);
    free(c->e);
    free(c->f);
    free(c->member_e);
    free(c->e_std);
    free(c->n_extrap);
}

static int copy_init(band_copy *c, const pesx_neb *b)
{
    size_t N = b->n_img, nm = b->n_members ? b->n_members : 1;
    memset(c, 0, sizeof *c);
    c->x = malloc(N * b->dim * sizeof *c->x);
    c->f = malloc(N * b->dim * sizeof *c->f);
    c->e = malloc(N * sizeof *c->e);
    c->member_e = malloc(N * nm * sizeof *c->member_e);
    c->e_std = malloc(N * sizeof *c->e_std);
    c->n_extrap = malloc(N * sizeof *c->n_extrap);
    if (!c->x || !c->f || !c->e || !c->member_e || !c->e_std || !c->n_extrap) {
        copy_release(c);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "neb: out of memory");
    }
    return PESX_OK;
}

/* 2-norm of the NEB force over the moving images. */
static double band_fnorm(const pesx_neb *b)
{
    double s = 0.0;
    for (size_t k = b->dim; k < (b->n_img - 1) * b->dim; k++)
        s += b->fneb[k] * b->fneb[k];
    return sqrt(s);
}

static void copy_save(band_copy *c, const pesx_neb *b, int fresh)
{
    size_t N = b->n_img, nm = b->n_members ? b->n_members : 1;
    memcpy(c->x, b->x, N * b->dim * sizeof *c->x);
    memcpy(c->f, b->f, N * b->dim * sizeof *c->f);
    memcpy(c->e, b->e, N * sizeof *c->e);
    memcpy(c->member_e, b->member_e, N * nm * sizeof *c->member_e);
    memcpy(c->e_std, b->e_std, N * sizeof *c->e_std);
    memcpy(c->n_extrap, b->n_extrap, N * sizeof *c->n_extrap);
    c->fnorm = band_fnorm(b);
    c->fref = (fresh || !(c->fref < c->fnorm)) ? c->fnorm : c->fref;
}

static void copy_restore(const band_copy *c, pesx_neb *b)
{
    size_t N = b->n_img, nm = b->n_members ? b->n_members : 1;
    memcpy(b->x, c->x, N * b->dim * sizeof *c->x);
    memcpy(b->f, c->f, N * b->dim * sizeof *c->f);
    memcpy(b->e, c->e, N * sizeof *c->e);
    memcpy(b->member_e, c->member_e, N * nm * sizeof *c->member_e);
    memcpy(b->e_std, c->e_std, N * sizeof *c->e_std);
    memcpy(b->n_extrap, c->n_extrap, N * sizeof *c->n_extrap);
    neb_project(b);
}

/* 1 when the step that led to the current band is to be taken back.  The
 * force norm is not compared right after a step taken back: the NEB force
 * can jump under a step of any size (the improved tangent or the highest
 * image switching), and taking back every step would stop the run. */
static int bad_step(const pesx_neb *b, const band_copy *c, int after_reject)
{
    double rise = b->p.reject_rise;
    for (size_t i = 1; i + 1 < b->n_img; i++)
        if (!isfinite(b->e[i]))
            return 1;
    for (size_t k = b->dim; k < (b->n_img - 1) * b->dim; k++)
        if (!isfinite(b->f[k]) || !isfinite(b->fneb[k]))
            return 1;
    return rise > 0.0 && !after_reject && band_fnorm(b) > rise * c->fref &&
           b->fmax > b->p.reject_fmax;
}

/* Largest move of one atom in dx (n_moving * dim). */
static double largest_move(const double *dx, size_t nv)
{
    double worst = 0.0;
    for (size_t k = 0; k + 2 < nv; k += 3)
        worst = fmax(worst, dx[k] * dx[k] + dx[k + 1] * dx[k + 1] + dx[k + 2] * dx[k + 2]);
    return sqrt(worst);
}

/* The per-image preconditioned band L-BFGS (neb_lbfgs.c) instead of the
 * opt module's minimizer: asked for (PESX_PRECON_EXP), or by default
 * (AUTO) for an anchored or periodic structure, where the preconditioner's
 * bonds hold the images in place; never for FIRE, a model surface or the
 * internal IDPP band. */
int pesx_neb_uses_precon(const pesx_neb *b)
{
    int anchored = 0;
    if (b->p.mp.precon == PESX_PRECON_NONE || b->p.minimizer != &pesx_minimizer_lbfgs ||
        !b->pot || (pesx_potential_flags(b->pot) & PESX_POTENTIAL_MODEL_SURFACE))
        return 0;
    if (b->p.mp.precon == PESX_PRECON_EXP)
        return 1;
    for (size_t k = 0; k < b->dim; k++)
        anchored |= b->frozen[k];
    return anchored || pesx_atoms_any_pbc(b->work);
}

int pesx_neb_run(pesx_neb *b, pesx_neb_callback cb, void *cb_data)
{
    size_t nv = (b->n_img - 2) * b->dim;
    double *x = b->x + b->dim; /* the moving images, contiguous */
    double *g = malloc(nv * sizeof *g);
    double *dx = malloc(nv * sizeof *dx);
    unsigned char *frozen = malloc(nv);
    double max_step = b->p.mp.max_step, limit = max_step;
    pesx_minimizer *m = NULL;
    neb_lbfgs pl; /* used instead of m when preconditioned */
    int use_pl = pesx_neb_uses_precon(b);
    pesx_neb_status st;
    band_copy keep;
    int status, have_keep = 0, rejected = 0, fresh = 1;

    memset(&keep, 0, sizeof keep);
    memset(&pl, 0, sizeof pl);
    if (!g || !dx || !frozen) {
        status = pesx_error_set(PESX_ENOMEM, NULL, 0, "neb: out of memory");
        goto done;
    }
    if ((status = copy_init(&keep, b)))
        goto done;
    have_keep = 1;
    for (size_t i = 0; i + 2 < b->n_img; i++)
        memcpy(frozen + i * b->dim, b->frozen, b->dim);
    if (use_pl) {
        pesx_minimizer_params pp = b->p.mp;
        pp.precon_atoms = b->work; /* cell and pbc */
        if ((status = neb_lbfgs_init(&pl, b->n_img - 2, b->dim, pp.memory, pp.h0, &pp)))
            goto done;
    } else if (!(m = pesx_minimizer_alloc(b->p.minimizer, nv, &b->p.mp))) {
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
            fresh = 1;
            neb_project(b);
            if (use_pl)
                neb_lbfgs_reset(&pl);
            else
                pesx_minimizer_reset(m);
        }
        if (!rejected)
            copy_save(&keep, b, fresh);
        fresh = 0;
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
        if (use_pl) {
            if ((status = neb_lbfgs_step(&pl, x, g, b->frozen, dx)))
                goto done;
            for (size_t k = 0; k < nv; k++)
                if (!isfinite(dx[k])) {
                    status = pesx_error_set(PESX_EFAILED, NULL, 0,
                                            "neb: L-BFGS step component %zu is not finite", k);
                    goto done;
                }
        } else if ((status = pesx_minimizer_step(m, x, g, esum, frozen, 3, dx))) {
            goto done;
        }
        /* the minimizer capped its step at max_step already */
        if (max_step > 0.0 && (use_pl || limit < max_step)) {
            double worst = largest_move(dx, nv);
            if (worst > limit)
                for (size_t k = 0; k < nv; k++)
                    dx[k] *= limit / worst;
        }
        for (size_t k = 0; k < nv; k++)
            x[k] += dx[k];
        b->step++;
        if ((status = pesx_neb_eval(b)))
            goto done;
        rejected = bad_step(b, &keep, rejected);
        if (rejected) {
            b->rejected++;
            if (max_step > 0.0)
                limit = 0.5 * largest_move(dx, nv);
            copy_restore(&keep, b);
            keep.fref = keep.fnorm; /* the history starts again here */
            if (use_pl)
                neb_lbfgs_reset(&pl);
            else
                pesx_minimizer_reset(m);
        } else if (max_step > 0.0) {
            limit = fmin(max_step, 1.5 * limit);
        }
    }
done:
    if (have_keep)
        copy_release(&keep);
    pesx_minimizer_free(m);
    neb_lbfgs_release(&pl);
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
    /* the true force at the saddle image, as pesx barrier and the dimer
     * report it (the climbing image's NEB force, which the run converges,
     * has the same norm but not the same largest atom) */
    neb_norms(b, b->f + b->ci * dim, &r->saddle_fmax, &r->saddle_fnorm);
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
