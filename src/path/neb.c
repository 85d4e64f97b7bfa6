/* The NEB band: images, their evaluation under a potential, and the NEB
 * force: the true force perpendicular to the improved tangent plus the
 * spring force along it; the climbing image feels the true force with its
 * tangential part inverted (Henkelman, Uberuaga & Jonsson 2000). */
#include <config.h>
#include <pesx/path.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "path_impl.h"
#include "path/dimer_impl.h"

void pesx_neb_params_default(pesx_neb_params *p)
{
    memset(p, 0, sizeof *p);
    p->k = 5.0;
    p->k_min = 0.0;
    p->climb = PESX_CLIMB_AUTO;
    p->climb_after = 0.5;
    p->fmax = 0.05;
    p->fmax_ci = 0.01;
    p->fnorm_ci = 0.0;
    p->max_steps = 1000;
    p->reject_rise = 3.0;
    p->reject_fmax = 1.0;
    p->remove_rigid = 1;
    p->minimizer = &pesx_minimizer_lbfgs;
    pesx_minimizer_params_default(&p->mp);
    p->mp.precon_c_stab = 0.7;
}

/* Image evaluation under the band's potential. */
static int potential_image(void *ctx, pesx_neb *b, size_t img, const double *x, double *e,
                           double *f)
{
    int status;
    (void)ctx;
    memcpy(b->work->x, x, b->dim * sizeof *x);
    b->res.forces = f;
    b->res.member_energies = b->n_members > 1 ? b->member_e + img * b->n_members : NULL;
    b->res.extrapolating = b->extrap_flags;
    b->res.n_extrapolating = 0;
    b->res.has_std = 0;
    status = pesx_potential_eval(b->pot, b->work, &b->res);
    if (status)
        return pesx_error_prefix("image %zu: ", img);
    *e = b->res.energy;
    b->e_std[img] = b->res.has_std ? b->res.energy_std : 0.0;
    b->has_std |= b->res.has_std;
    b->n_extrap[img] = b->res.n_extrapolating;
    return PESX_OK;
}

/* The moving images under the band's potential in one batch (so a potential
 * with several workers computes them at once); the same results as
 * potential_image on each. */
static int potential_moving_images(pesx_neb *b)
{
    size_t m = b->n_img - 2, failed = 0;
    int status;
    for (size_t k = 0; k < m; k++) {
        pesx_potential_result *r = b->batch_res + k;
        memcpy(b->batch_atoms[k]->x, b->x + (k + 1) * b->dim, b->dim * sizeof *b->x);
        memset(r, 0, sizeof *r);
        r->forces = b->f + (k + 1) * b->dim;
        r->member_energies = b->n_members > 1 ? b->member_e + (k + 1) * b->n_members : NULL;
        r->extrapolating = b->batch_extrap + k * b->n_atoms;
    }
    status = pesx_potential_eval_many(b->pot, m, (const pesx_atoms *const *)b->batch_atoms,
                                      b->batch_res, &failed);
    b->calls += m;
    if (status)
        return pesx_error_prefix("image %zu: ", failed + 1);
    for (size_t k = 0; k < m; k++) {
        const pesx_potential_result *r = b->batch_res + k;
        double *f = b->f + (k + 1) * b->dim;
        b->e[k + 1] = r->energy;
        b->e_std[k + 1] = r->has_std ? r->energy_std : 0.0;
        b->has_std |= r->has_std;
        b->n_extrap[k + 1] = r->n_extrapolating;
        for (size_t c = 0; c < b->dim; c++)
            if (b->frozen[c])
                f[c] = 0.0;
    }
    b->image_calls += m;
    return PESX_OK;
}

pesx_neb *neb_alloc_internal(pesx_potential *pot, const pesx_atoms *tmpl, size_t n_images,
                             const pesx_neb_params *params, neb_image_fn fn, void *ctx)
{
    pesx_neb *b;
    size_t n = tmpl->n, dim = 3 * tmpl->n;
    if (n_images < 3) {
        pesx_error_set(PESX_EINVAL, NULL, 0,
                       "a band needs at least one moving image (got %zu images in all)",
                       n_images);
        return NULL;
    }
    if (n == 0) {
        pesx_error_set(PESX_EINVAL, NULL, 0, "the structure has no atoms");
        return NULL;
    }
    b = calloc(1, sizeof *b);
    if (!b)
        goto nomem;
    b->pot = pot;
    b->image_eval = fn ? fn : potential_image;
    b->image_ctx = ctx;
    b->n_atoms = n;
    b->n_img = n_images;
    b->dim = dim;
    if (params)
        b->p = *params;
    else
        pesx_neb_params_default(&b->p);
    if (!b->p.minimizer)
        b->p.minimizer = &pesx_minimizer_lbfgs;
    b->n_members = pot ? pesx_potential_n_members(pot) : 1;
    b->work = pesx_atoms_clone(tmpl);
    b->x = calloc(n_images * dim, sizeof *b->x);
    b->e = malloc(n_images * sizeof *b->e);
    b->f = calloc(n_images * dim, sizeof *b->f);
    b->fneb = calloc(n_images * dim, sizeof *b->fneb);
    b->tau = calloc(n_images * dim, sizeof *b->tau);
    b->ftan = calloc(n_images, sizeof *b->ftan);
    b->kspring = calloc(n_images, sizeof *b->kspring);
    b->frozen = calloc(dim, 1);
    b->member_e = calloc(n_images * (b->n_members ? b->n_members : 1), sizeof *b->member_e);
    b->e_std = calloc(n_images, sizeof *b->e_std);
    b->n_extrap = calloc(n_images, sizeof *b->n_extrap);
    b->extrap_flags = calloc(n, 1);
    if (!b->work || !b->x || !b->e || !b->f || !b->fneb || !b->tau || !b->ftan || !b->kspring ||
        !b->frozen || !b->member_e || !b->e_std || !b->n_extrap || !b->extrap_flags)
        goto nomem;
    for (size_t i = 0; i < n_images; i++) {
        memcpy(b->x + i * dim, tmpl->x, dim * sizeof *b->x);
        b->e[i] = NAN;
    }
    if (tmpl->fixed)
        for (size_t i = 0; i < n; i++)
            if (tmpl->fixed[i])
                b->frozen[3 * i] = b->frozen[3 * i + 1] = b->frozen[3 * i + 2] = 1;
    b->climbing = b->p.climb == PESX_CLIMB_ON;
    /* free molecule or cluster under an invariant potential: no force can
     * turn or move it as a whole, and the band should not either */
    b->rigid = b->p.remove_rigid && pot && n >= 2 && !pesx_atoms_any_pbc(tmpl) &&
               !(pesx_potential_flags(pot) & PESX_POTENTIAL_MODEL_SURFACE);
    for (size_t k = 0; k < dim && b->rigid; k++)
        b->rigid = !b->frozen[k];
    if (b->rigid && !(b->rigid_basis = malloc(6 * dim * sizeof *b->rigid_basis)))
        goto nomem;
    if (b->image_eval == potential_image) {
        b->batch_atoms = calloc(n_images - 2, sizeof *b->batch_atoms);
        b->batch_res = calloc(n_images - 2, sizeof *b->batch_res);
        b->batch_extrap = calloc((n_images - 2) * n, 1);
        if (!b->batch_atoms || !b->batch_res || !b->batch_extrap)
            goto nomem;
        for (size_t k = 0; k < n_images - 2; k++)
            if (!(b->batch_atoms[k] = pesx_atoms_clone(tmpl)))
                goto nomem;
    }
    b->fmax = b->ci_fmax = b->ci_fnorm = b->e_max = NAN;
    return b;
nomem:
    pesx_neb_free(b);
    pesx_error_set(PESX_ENOMEM, NULL, 0, "neb: out of memory (%zu images of %zu atoms)",
                   n_images, n);
    return NULL;
}

pesx_neb *pesx_neb_alloc(pesx_potential *potential, const pesx_atoms *tmpl, size_t n_images,
                         const pesx_neb_params *params)
{
    if (!potential || !tmpl) {
        pesx_error_set(PESX_EINVAL, NULL, 0, "neb: no potential or structure");
        return NULL;
    }
    return neb_alloc_internal(potential, tmpl, n_images, params, NULL, NULL);
}

void pesx_neb_free(pesx_neb *b)
{
    if (!b)
        return;
    pesx_atoms_free(b->work);
    free(b->x);
    free(b->e);
    free(b->f);
    free(b->fneb);
    free(b->rigid_basis);
    free(b->tau);
    free(b->ftan);
    free(b->kspring);
    free(b->frozen);
    free(b->member_e);
    free(b->e_std);
    free(b->n_extrap);
    free(b->extrap_flags);
    for (size_t k = 0; b->batch_atoms && k < b->n_img - 2; k++)
        pesx_atoms_free(b->batch_atoms[k]);
    free(b->batch_atoms);
    free(b->batch_res);
    free(b->batch_extrap);
    free(b);
}

size_t pesx_neb_n_images(const pesx_neb *b) { return b->n_img; }
size_t pesx_neb_n_atoms(const pesx_neb *b) { return b->n_atoms; }
double *pesx_neb_image(pesx_neb *b, size_t i) { return b->x + i * b->dim; }

const pesx_atoms *pesx_neb_image_atoms(pesx_neb *b, size_t i)
{
    memcpy(b->work->x, b->x + i * b->dim, b->dim * sizeof *b->x);
    return b->work;
}

double pesx_neb_energy(const pesx_neb *b, size_t i) { return b->e[i]; }

const double *pesx_neb_forces(const pesx_neb *b, size_t i)
{
    return (i == 0 || i + 1 == b->n_img) ? (b->endpoints_done ? b->f + i * b->dim : NULL)
                                         : (b->evaluated ? b->f + i * b->dim : NULL);
}

const double *pesx_neb_neb_forces(const pesx_neb *b, size_t i)
{
    return b->evaluated ? b->fneb + i * b->dim : NULL;
}

const double *pesx_neb_tangent(const pesx_neb *b, size_t i)
{
    return b->evaluated ? b->tau + i * b->dim : NULL;
}

static int eval_image(pesx_neb *b, size_t i)
{
    double *f = b->f + i * b->dim;
    int status = b->image_eval(b->image_ctx, b, i, b->x + i * b->dim, &b->e[i], f);
    b->calls++;
    if (status)
        return status;
    for (size_t k = 0; k < b->dim; k++)
        if (b->frozen[k])
            f[k] = 0.0;
    return PESX_OK;
}

int pesx_neb_eval_endpoints(pesx_neb *b)
{
    int status = eval_image(b, 0);
    if (!status)
        status = eval_image(b, b->n_img - 1);
    if (status)
        return status;
    b->endpoints_done = 1;
    return PESX_OK;
}

void neb_norms(const pesx_neb *b, const double *v, double *fmax, double *fnorm)
{
    pesx_band_force_norms(b->n_atoms, b->frozen, v, fmax, fnorm);
}

static double dot(size_t n, const double *a, const double *c)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * c[i];
    return s;
}

static double dist(size_t n, const double *a, const double *c)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (a[i] - c[i]) * (a[i] - c[i]);
    return sqrt(s);
}

/* Spring constants: constant k, or energy-weighted between k_min and k
 * (Lindgren, Kastlunger & Peterson, JCTC 15, 5787 (2019), as in ASE). */
static void springs(pesx_neb *b)
{
    size_t N = b->n_img;
    double kmax = b->p.k, kmin = b->p.k_min, eref, emax = -INFINITY;
    if (!(kmin > 0.0) || !(kmin < kmax)) {
        for (size_t i = 0; i + 1 < N; i++)
            b->kspring[i] = kmax;
        return;
    }
    eref = fmax(b->e[0], b->e[N - 1]);
    for (size_t i = 0; i < N; i++)
        emax = fmax(emax, b->e[i]);
    for (size_t i = 0; i + 1 < N; i++) {
        double ei = fmax(b->e[i], b->e[i + 1]);
        b->kspring[i] = (ei > eref && emax > eref)
                            ? kmax - (kmax - kmin) * (emax - ei) / (emax - eref)
                            : kmin;
    }
}

void neb_project(pesx_neb *b)
{
    size_t N = b->n_img, dim = b->dim;
    size_t ci = 1;
    springs(b);
    for (size_t i = 1; i + 1 < N; i++)
        if (b->e[i] > b->e[ci])
            ci = i;
    b->ci = ci;
    b->e_max = b->e[ci];
    b->fmax = 0.0;
    for (size_t i = 1; i + 1 < N; i++) {
        const double *xm = b->x + (i - 1) * dim, *x0 = b->x + i * dim, *xp = b->x + (i + 1) * dim;
        double *tau = b->tau + i * dim, *fn = b->fneb + i * dim;
        const double *f = b->f + i * dim;
        double ft, fmx, fnr;
        pesx_band_tangent(dim, xm, x0, xp, b->e[i - 1], b->e[i], b->e[i + 1], tau);
        for (size_t k = 0; k < dim; k++)
            if (b->frozen[k])
                tau[k] = 0.0;
        ft = dot(dim, f, tau);
        b->ftan[i] = ft;
        if (b->climbing && i == ci) {
            for (size_t k = 0; k < dim; k++)
                fn[k] = f[k] - 2.0 * ft * tau[k];
        } else {
            double fs = b->kspring[i] * dist(dim, xp, x0) - b->kspring[i - 1] * dist(dim, x0, xm);
            for (size_t k = 0; k < dim; k++)
                fn[k] = f[k] - ft * tau[k] + fs * tau[k];
        }
        for (size_t k = 0; k < dim; k++)
            if (b->frozen[k])
                fn[k] = 0.0;
        if (b->rigid) { /* rigid motions at this image, as the dimer and vib remove them */
            size_t nb;
            dimer_rigid_basis(dim, x0, NULL, 1, 1, b->rigid_basis, &nb);
            dimer_project_out(dim, b->rigid_basis, nb, fn);
        }
        neb_norms(b, fn, &fmx, &fnr);
        if (fmx > b->fmax)
            b->fmax = fmx;
        if (i == ci) {
            b->ci_fmax = fmx;
            b->ci_fnorm = fnr;
        }
    }
    b->evaluated = 1;
}

int pesx_neb_eval(pesx_neb *b)
{
    int status;
    if (!b->endpoints_done && (status = pesx_neb_eval_endpoints(b)))
        return status;
    if (b->batch_atoms && (status = potential_moving_images(b)))
        return status;
    for (size_t i = 1; !b->batch_atoms && i + 1 < b->n_img; i++) {
        if ((status = eval_image(b, i)))
            return status;
        b->image_calls++;
    }
    b->band_calls++;
    neb_project(b);
    return PESX_OK;
}

void pesx_neb_get_status(const pesx_neb *b, pesx_neb_status *st)
{
    st->step = b->step;
    st->calls = b->calls;
    st->band_calls = b->band_calls;
    st->image_calls = b->image_calls;
    st->rejected = b->rejected;
    st->climbing = b->climbing;
    st->ci = b->ci;
    st->fmax = b->fmax;
    st->ci_fmax = b->ci_fmax;
    st->ci_fnorm = b->ci_fnorm;
    st->e_max = b->e_max;
    st->converged = b->converged;
}

void pesx_neb_set_status(pesx_neb *b, size_t step, size_t calls, size_t band_calls,
                         size_t image_calls, int climbing)
{
    b->step = step;
    b->calls = calls;
    b->band_calls = band_calls;
    b->image_calls = image_calls;
    if (b->p.climb != PESX_CLIMB_OFF)
        b->climbing = climbing || b->p.climb == PESX_CLIMB_ON;
}
