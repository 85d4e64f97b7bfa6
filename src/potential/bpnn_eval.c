/* bpnn evaluation.  One pass over atoms (OpenMP): symmetry functions of
 * atom i (the descriptor keeps its per-pair data), the networks of every
 * committee member on that one atom, then dE/dG contracted straight into
 * per-thread gradient arrays.  Nothing is computed twice and dG/dx is
 * never stored, so memory stays O(N). */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "potential/bpnn_impl.h"

/* Fewer atoms than this run on one thread: the work would not pay for
 * waking the others (and idle OpenMP threads spin). */
#define PESX_BPNN_PARALLEL_MIN 64

static int reserve(pesx_bpnn *b, size_t n)
{
    size_t nt = 1, M = b->n_members, ms = b->max_n_sf;
#ifdef _OPENMP
    nt = (size_t)omp_get_max_threads();
#endif
    if (nt > b->n_threads) {
        pesx_bpnn_thread *th = realloc(b->th, nt * sizeof *th);
        if (!th)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        b->th = th;
        for (size_t t = b->n_threads; t < nt; t++) {
            pesx_bpnn_thread *h = &th[t];
            memset(h, 0, sizeof *h);
            h->dws = pesx_descriptor_workspace_alloc(b->desc);
            h->nws = pesx_nn_workspace_alloc((const pesx_nn *const *)b->net,
                                             b->n_members * b->n_elem, 1);
            h->G = malloc(ms * sizeof *h->G);
            h->x = malloc(ms * sizeof *h->x);
            h->dx = malloc(ms * sizeof *h->dx);
            h->dEdG = malloc(M * ms * sizeof *h->dEdG);
            h->e_member = malloc(M * sizeof *h->e_member);
            b->n_threads = t + 1;
            if (!h->dws || !h->nws || !h->G || !h->x || !h->dx || !h->dEdG || !h->e_member)
                return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        }
    }
    for (size_t t = 0; t < b->n_threads; t++) {
        pesx_bpnn_thread *h = &b->th[t];
        if (h->cap_grad < M * 3 * n) {
            double *g = realloc(h->grad, M * 3 * n * sizeof *g);
            if (!g)
                return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
            h->grad = g;
            h->cap_grad = M * 3 * n;
        }
    }
    if (n > b->cap_atoms) {
        double *e = realloc(b->atom_e, n * sizeof *e);
        if (!e)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        b->atom_e = e;
        b->cap_atoms = n;
    }
    return PESX_OK;
}

/* One atom: SFs, scaling, networks, contraction.  Returns a status; sets
 * *extrapolating when a raw SF lies outside the training range stored in
 * the potential [train_min, train_max], beyond a tolerance of 1e-10 of the
 * range (plus 1e-13), so that rounding in a replicated supercell does not
 * raise spurious flags (n2p2 uses an absolute 1000 eps). */
static int atom(pesx_bpnn *b, const pesx_atoms *a, size_t i, pesx_bpnn_thread *h, int want_grad,
                unsigned char *extrapolating)
{
    const size_t M = b->n_members, n3 = 3 * a->n;
    int e = pesx_descriptor_element_index(b->desc, a->z[i]), st;
    size_t ns = pesx_descriptor_n_sf(b->desc, (size_t)e);
    const double *fa = b->factor[e], *of = b->offset[e], *lo = b->tmin[e], *hi = b->tmax[e];
    double inv_c = 1.0 / b->conv_energy, esum = 0.0;
    int extra = 0;
    if ((st = pesx_descriptor_atom_values(b->desc, a, &b->nl, i, h->G, h->dws)))
        return st;
    for (size_t k = 0; k < ns; k++) {
        double g = h->G[k];
        h->x[k] = fa[k] * g + of[k];
        if (!extra && (lo[k] == lo[k]) && (hi[k] == hi[k])) {
            double tol = 1e-10 * fabs(hi[k] - lo[k]) + 1e-13;
            if (g < lo[k] - tol || g > hi[k] + tol)
                extra = 1;
        }
    }
    *extrapolating = (unsigned char)extra;
    for (size_t m = 0; m < M; m++) {
        const pesx_nn *net = b->net[m * b->n_elem + (size_t)e];
        double out;
        if ((st = pesx_nn_forward(net, 1, h->x, ns, &out, want_grad ? PESX_NN_GRAD : PESX_NN_VALUE,
                                  h->nws)))
            return st;
        h->e_member[m] += out * inv_c;
        esum += out * inv_c;
        if (want_grad) {
            double *d = h->dEdG + m * ns;
            if ((st = pesx_nn_input_grad(net, h->nws, h->dx)))
                return st;
            for (size_t k = 0; k < ns; k++)
                d[k] = h->dx[k] * fa[k] * inv_c;
        }
    }
    b->atom_e[i] = esum / (double)M + b->mean_energy + b->ref_energy[e];
    if (want_grad)
        return pesx_descriptor_atom_gradient(b->desc, &b->nl, M, h->dEdG, h->grad, n3, h->dws);
    return PESX_OK;
}

int pesx_bpnn_evaluate(pesx_bpnn *b, const pesx_atoms *a, pesx_potential_result *r)
{
    const size_t n = a->n, M = b->n_members, n3 = 3 * n;
    int want_grad = r->forces || r->forces_std, st = PESX_OK;
    size_t nthr;
    pesx_error_first errs;
    unsigned char *flags = r->extrapolating;
    pesx_error_first_init(&errs);
    if ((st = pesx_descriptor_check_atoms(b->desc, a)))
        return st;
    if ((st = pesx_nlist_build(&b->nl, a, b->rc)))
        return st;
    if ((st = reserve(b, n)))
        return st;
    nthr = b->n_threads;
    for (size_t t = 0; t < nthr; t++) {
        memset(b->th[t].e_member, 0, M * sizeof *b->th[t].e_member);
        if (want_grad)
            memset(b->th[t].grad, 0, M * n3 * sizeof *b->th[t].grad);
    }
    r->n_extrapolating = 0;
    {
        size_t n_extra = 0;
#ifdef _OPENMP
#pragma omp parallel reduction(+ : n_extra) if (n >= PESX_BPNN_PARALLEL_MIN)
#endif
        {
            size_t tid = 0;
#ifdef _OPENMP
            tid = (size_t)omp_get_thread_num();
#endif
            pesx_bpnn_thread *h = &b->th[tid < nthr ? tid : 0];
            int my = PESX_OK;
#ifdef _OPENMP
#pragma omp for schedule(static, 8) /* deterministic: same threads, same sums */
#endif
            for (size_t i = 0; i < n; i++) {
                unsigned char ex = 0;
                if (my)
                    continue;
                my = atom(b, a, i, h, want_grad, &ex);
                if (flags)
                    flags[i] = ex;
                n_extra += ex;
            }
            pesx_error_first_keep(&errs, my);
        }
        r->n_extrapolating = n_extra;
    }
    if ((st = pesx_error_first_raise(&errs)))
        return st;
    /* energies */
    {
        double emean = 0.0, var = 0.0, base = 0.0;
        size_t count[64] = {0};
        /* N_e (mean + ref_e): a product, not a sum of N equal terms */
        for (size_t i = 0; i < n; i++)
            count[pesx_descriptor_element_index(b->desc, a->z[i])]++;
        for (size_t e = 0; e < b->n_elem; e++)
            base += (double)count[e] * (b->mean_energy + b->ref_energy[e]);
        for (size_t m = 0; m < M; m++) {
            double em = base;
            for (size_t t = 0; t < nthr; t++)
                em += b->th[t].e_member[m];
            if (r->member_energies)
                r->member_energies[m] = em;
            emean += em;
            b->th[0].e_member[m] = em; /* keep for the variance */
        }
        emean /= (double)M;
        for (size_t m = 0; m < M; m++)
            var += (b->th[0].e_member[m] - emean) * (b->th[0].e_member[m] - emean);
        r->energy = emean;
        r->has_std = M > 1;
        r->energy_std = M > 1 ? sqrt(var / (double)M) : 0.0;
        if (r->atom_energies)
            memcpy(r->atom_energies, b->atom_e, n * sizeof *b->atom_e);
    }
    if (!want_grad)
        return PESX_OK;
    /* forces: sum the threads' gradients per member, mean and spread */
    {
        double *g0 = b->th[0].grad;
        for (size_t t = 1; t < nthr; t++) {
            const double *g = b->th[t].grad;
            for (size_t q = 0; q < M * n3; q++)
                g0[q] += g[q];
        }
        for (size_t c = 0; c < n3; c++) {
            double s = 0.0, v = 0.0, mean;
            for (size_t m = 0; m < M; m++)
                s += g0[m * n3 + c];
            mean = s / (double)M;
            for (size_t m = 0; m < M && M > 1; m++)
                v += (g0[m * n3 + c] - mean) * (g0[m * n3 + c] - mean);
            if (r->forces)
                r->forces[c] = -mean;
            if (r->forces_std)
                r->forces_std[c] = M > 1 ? sqrt(v / (double)M) : 0.0;
        }
    }
    return PESX_OK;
}
