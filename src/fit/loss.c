/* fit: loss over energies and forces and its exact weight gradient.
 *
 * Per structure: the networks of each element run once on the packed rows
 * (keeping f'' when the force term's gradient is wanted); forces are
 * F^ = -sum_rows J^T (dE/dG), with dE/dG = dNN/dx * factor / conv; the
 * force residual r = F^ - F then gives each row the vector
 *     v = -(2 beta / (3 N conv)) factor * (J r)
 * and pesx_nn_weight_grad(c, v) adds d/dw of both loss terms at once
 * (c = 2 w_s dE / (|S| N_s^2 conv) for the energy term). */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "fit/fit_impl.h"

double pesx_fit_errors_rmse_e(const pesx_fit_errors *e)
{
    return e->n_struct ? sqrt(e->e_sse / (double)e->n_struct) : NAN;
}

double pesx_fit_errors_rmse_f(const pesx_fit_errors *e)
{
    return e->n_force ? sqrt(e->f_sse / (double)e->n_force) : NAN;
}

void pesx_fit_errors_add_energy(pesx_fit_errors *e, size_t k, double d)
{
    d = fabs(d);
    e->n_struct++;
    e->e_sse += d * d;
    e->e_sae += d;
    if (d > e->e_max || e->n_struct == 1) {
        e->e_max = d;
        e->e_max_at = k;
    }
}

void pesx_fit_errors_add_forces(pesx_fit_errors *e, size_t k, const double *f, const double *ref,
                                size_t n)
{
    for (size_t c = 0; c < n; c++) {
        double r = fabs(f[c] - ref[c]);
        e->f_sse += r * r;
        e->f_sae += r;
        if (r > e->f_max || (e->n_force == 0 && c == 0)) {
            e->f_max = r;
            e->f_max_at = k;
        }
    }
    e->n_force += n;
}

static int reserve(pesx_fit_set *s, const pesx_fit_model *m)
{
    size_t nt = 1;
#ifdef _OPENMP
    nt = (size_t)omp_get_max_threads();
#endif
    if (s->th && s->n_threads >= nt && s->scratch_weights == m->n_weights)
        return PESX_OK;
    pesx_fit_set_free_scratch(s);
    if (!(s->th = calloc(nt, sizeof *s->th)))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    s->n_threads = nt;
    s->scratch_weights = m->n_weights;
    for (size_t t = 0; t < nt; t++) {
        pesx_fit_thread *h = &s->th[t];
        size_t na = s->max_atoms + 1, ms = s->max_ns + 1;
        h->ws = calloc(s->n_elem, sizeof *h->ws);
        h->out = malloc(na * sizeof *h->out);
        h->dedx = malloc(na * ms * sizeof *h->dedx);
        h->v = malloc(na * ms * sizeof *h->v);
        h->c = malloc(na * sizeof *h->c);
        h->fhat = malloc(3 * na * sizeof *h->fhat);
        h->res = malloc(3 * na * sizeof *h->res);
        h->d = malloc(ms * sizeof *h->d);
        h->grad = malloc((m->n_weights + 1) * sizeof *h->grad);
        if (!h->ws || !h->out || !h->dedx || !h->v || !h->c || !h->fhat || !h->res || !h->d ||
            !h->grad)
            goto nomem;
        for (size_t e = 0; e < s->n_elem; e++) {
            const pesx_nn *net = m->net[e];
            if (!(h->ws[e] = pesx_nn_workspace_alloc(&net, 1, na)))
                goto nomem;
        }
    }
    return PESX_OK;
nomem:
    return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
}

static void errors_add(pesx_fit_errors *a, const pesx_fit_errors *b)
{
    if (b->n_struct && (a->n_struct == 0 || b->e_max > a->e_max)) {
        a->e_max = b->e_max;
        a->e_max_at = b->e_max_at;
    }
    if (b->n_force && (a->n_force == 0 || b->f_max > a->f_max)) {
        a->f_max = b->f_max;
        a->f_max_at = b->f_max_at;
    }
    a->n_struct += b->n_struct;
    a->n_force += b->n_force;
    a->e_sse += b->e_sse;
    a->e_sae += b->e_sae;
    a->f_sse += b->f_sse;
    a->f_sae += b->f_sae;
}

/* Energy (and forces, residual, gradient) of one structure for member q. */
/* JAC selects what the gradient is of: JAC_LOSS the loss terms (above);
 * JAC_ENERGY the energy per atom E/N; JAC_FORCE + c force component c. */
#define JAC_LOSS ((size_t)-1)
#define JAC_ENERGY ((size_t)-2)

static int one_jac(const pesx_fit_model *m, size_t q, const pesx_fit_set *s, size_t k,
                   double ce, double cv, int want_grad, int use_forces, size_t jac,
                   pesx_fit_thread *h, double *e_out, double *f_out);

static int one(const pesx_fit_model *m, size_t q, const pesx_fit_set *s, size_t k,
               const pesx_fit_loss_params *p, double ce, double cv, int want_grad,
               int use_forces, pesx_fit_thread *h, double *e_out, double *f_out)
{
    (void)p;
    return one_jac(m, q, s, k, ce, cv, want_grad, use_forces, JAC_LOSS, h, e_out, f_out);
}

static int one_jac(const pesx_fit_model *m, size_t q, const pesx_fit_set *s, size_t k,
                   double ce, double cv, int want_grad, int use_forces, size_t jac,
                   pesx_fit_thread *h, double *e_out, double *f_out)
{
    const pesx_fit_struct *t = &s->st[k];
    const size_t ne = s->n_elem, n = t->n;
    const double inv_c = 1.0 / m->conv_energy;
    int keep = want_grad && use_forces ? PESX_NN_MIXED
               : (want_grad || use_forces) ? PESX_NN_GRAD
                                           : PESX_NN_VALUE;
    double E = 0.0, dE;
    int st;
    for (size_t e = 0; e < ne; e++) {
        size_t rows = t->rs[e + 1] - t->rs[e];
        const pesx_nn *net = m->net[q * ne + e];
        if (!rows)
            continue;
        if ((st = pesx_nn_forward(net, rows, t->x + t->xoff[e], s->ns[e], h->out + t->rs[e],
                                  keep, h->ws[e])))
            return st;
        if (use_forces && (st = pesx_nn_input_grad(net, h->ws[e], h->dedx + t->xoff[e])))
            return st;
        E += (double)rows * m->ref_energy[e];
    }
    for (size_t r = 0; r < n; r++)
        E += h->out[r] * inv_c;
    dE = E - t->energy;
    if (e_out)
        *e_out = E;
    {
        double epa = fabs(dE) / (double)n;
        pesx_fit_errors_add_energy(&h->err, k, epa);
        h->e_loss += t->weight * epa * epa;
    }
    if (use_forces) {
        double *F = h->fhat;
        memset(F, 0, 3 * n * sizeof *F);
        for (size_t e = 0; e < ne; e++) {
            size_t ns = s->ns[e];
            const double *fa = m->factor[e];
            for (size_t r = t->rs[e]; r < t->rs[e + 1]; r++) {
                const double *dx = h->dedx + t->xoff[e] + (r - t->rs[e]) * ns;
                const double *J = t->jac + t->joff[r];
                double *d = h->d;
                for (size_t a = 0; a < ns; a++)
                    d[a] = dx[a] * fa[a] * inv_c;
                for (size_t nb = t->nb_start[r]; nb < t->nb_start[r + 1]; nb++) {
                    double *Fa = F + 3 * t->nb_atom[nb];
                    for (size_t kk = 0; kk < 3; kk++) {
                        double sum = 0.0;
                        for (size_t a = 0; a < ns; a++)
                            sum += d[a] * J[a];
                        Fa[kk] -= sum;
                        J += ns;
                    }
                }
            }
        }
        for (size_t c = 0; c < 3 * n; c++)
            h->res[c] = F[c] - t->force[c];
        pesx_fit_errors_add_forces(&h->err, k, F, t->force, 3 * n);
        if (f_out)
            memcpy(f_out, F, 3 * n * sizeof *F);
    }
    if (!want_grad)
        return PESX_OK;
    {
        double cc = ce * t->weight * 2.0 * dE / ((double)n * (double)n) * inv_c;
        if (jac == JAC_ENERGY)
            cc = inv_c / (double)n;
        else if (jac != JAC_LOSS) {
            /* d F_jac / dw: unit residual, the force term's sign convention */
            cc = 0.0;
            cv = -1.0;
            memset(h->res, 0, 3 * n * sizeof *h->res);
            h->res[jac] = 1.0;
        }
        for (size_t r = 0; r < n; r++)
            h->c[r] = cc;
    }
    if (use_forces) {
        for (size_t e = 0; e < ne; e++) {
            size_t ns = s->ns[e];
            const double *fa = m->factor[e];
            for (size_t r = t->rs[e]; r < t->rs[e + 1]; r++) {
                double *v = h->v + t->xoff[e] + (r - t->rs[e]) * ns;
                const double *J = t->jac + t->joff[r];
                memset(v, 0, ns * sizeof *v);
                for (size_t nb = t->nb_start[r]; nb < t->nb_start[r + 1]; nb++) {
                    const double *ra = h->res + 3 * t->nb_atom[nb];
                    for (size_t kk = 0; kk < 3; kk++) {
                        double rk = ra[kk];
                        for (size_t a = 0; a < ns; a++)
                            v[a] += rk * J[a];
                        J += ns;
                    }
                }
                for (size_t a = 0; a < ns; a++)
                    v[a] *= cv * fa[a] * inv_c;
            }
        }
    }
    for (size_t e = 0; e < ne; e++) {
        if (t->rs[e + 1] == t->rs[e])
            continue;
        if ((st = pesx_nn_weight_grad(m->net[q * ne + e], h->ws[e], h->c + t->rs[e],
                                      use_forces ? h->v + t->xoff[e] : NULL,
                                      h->grad + m->w_start[e])))
            return st;
    }
    return PESX_OK;
}

int pesx_fit_loss(pesx_fit_model *m, size_t member, pesx_fit_set *s, const size_t *idx,
                  size_t n, const pesx_fit_loss_params *p, const double *w, double *loss,
                  double *grad, pesx_fit_errors *err)
{
    size_t n_atoms = 0, nt;
    int status = PESX_OK, use_forces = p->use_forces;
    pesx_error_first errs;
    double ce, cv, l2 = 0.0;
    pesx_error_first_init(&errs);
    if (member >= m->n_members || !m->net)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "no such committee member");
    if (n == 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "empty structure list");
    if (w)
        pesx_fit_model_put_weights(m, member, w);
    if ((status = reserve(s, m)))
        return status;
    for (size_t i = 0; i < n; i++)
        n_atoms += s->st[idx[i]].n;
    ce = 1.0 / (double)n;
    cv = use_forces ? -2.0 * p->force_weight / (3.0 * (double)n_atoms) : 0.0;
    nt = s->n_threads;
    /* small lists (Adam mini-batches): one thread; waking the others costs
     * more CPU than they save */
    if (n < 16 * nt)
        nt = 1;
    for (size_t t = 0; t < nt; t++) {
        memset(&s->th[t].err, 0, sizeof s->th[t].err);
        s->th[t].e_loss = 0.0;
        if (grad)
            memset(s->th[t].grad, 0, m->n_weights * sizeof *grad);
    }
#ifdef _OPENMP
#pragma omp parallel num_threads(nt)
#endif
    {
        size_t tid = 0;
        int my = PESX_OK;
#ifdef _OPENMP
        tid = (size_t)omp_get_thread_num();
#endif
        pesx_fit_thread *h = &s->th[tid];
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
        for (size_t i = 0; i < n; i++) {
            if (my)
                continue;
            my = one(m, member, s, idx[i], p, ce, cv, grad != NULL, use_forces, h, NULL, NULL);
        }
        pesx_error_first_keep(&errs, my);
    }
    if ((status = pesx_error_first_raise(&errs)))
        return status;
    {
        pesx_fit_errors tot;
        double el = 0.0;
        memset(&tot, 0, sizeof tot);
        for (size_t t = 0; t < nt; t++) {
            errors_add(&tot, &s->th[t].err);
            el += s->th[t].e_loss;
        }
        if (err)
            *err = tot;
        /* L2 over the member's weights */
        for (size_t e = 0; e < m->n_elem; e++) {
            const pesx_nn *net = m->net[member * m->n_elem + e];
            for (size_t j = 0; j < net->n_weights; j++)
                l2 += net->w[j] * net->w[j];
        }
        if (loss)
            *loss = el / (double)n +
                    (use_forces ? p->force_weight * tot.f_sse / (3.0 * (double)n_atoms) : 0.0) +
                    p->l2 * l2;
    }
    if (grad) {
        memcpy(grad, s->th[0].grad, m->n_weights * sizeof *grad);
        for (size_t t = 1; t < nt; t++)
            for (size_t j = 0; j < m->n_weights; j++)
                grad[j] += s->th[t].grad[j];
        for (size_t e = 0; e < m->n_elem; e++) {
            const pesx_nn *net = m->net[member * m->n_elem + e];
            for (size_t j = 0; j < net->n_weights; j++)
                grad[m->w_start[e] + j] += 2.0 * p->l2 * net->w[j];
        }
    }
    return PESX_OK;
}

int pesx_fit_predict(pesx_fit_model *m, size_t member, pesx_fit_set *s, size_t k, double *energy,
                     double *forces)
{
    pesx_fit_loss_params p = {0.0, 0.0, forces != NULL};
    size_t q0 = member == (size_t)-1 ? 0 : member, q1 = member == (size_t)-1 ? m->n_members
                                                                              : member + 1;
    pesx_fit_thread *h;
    int st;
    size_t n3 = 3 * s->st[k].n;
    if (k >= s->n || q0 >= m->n_members)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "no such structure or member");
    if ((st = reserve(s, m)))
        return st;
    h = &s->th[0];
    *energy = 0.0;
    if (forces)
        memset(forces, 0, n3 * sizeof *forces);
    for (size_t q = q0; q < q1; q++) {
        double e;
        memset(&h->err, 0, sizeof h->err);
        if ((st = one(m, q, s, k, &p, 0.0, 0.0, 0, forces != NULL, h, &e, NULL)))
            return st;
        *energy += e / (double)(q1 - q0);
        if (forces)
            for (size_t c = 0; c < n3; c++)
                forces[c] += h->fhat[c] / (double)(q1 - q0);
    }
    return PESX_OK;
}

int pesx_fit_jacobian(pesx_fit_model *m, size_t member, pesx_fit_set *s, size_t k, size_t comp,
                      double *y, double *yref, double *h_out)
{
    pesx_fit_thread *h;
    const pesx_fit_struct *t;
    double E;
    int st, forces = comp != (size_t)-1;
    if (k >= s->n || member >= m->n_members || (forces && comp >= 3 * s->st[k].n))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "no such structure, component or member");
    if ((st = reserve(s, m)))
        return st;
    t = &s->st[k];
    h = &s->th[0];
    memset(&h->err, 0, sizeof h->err);
    memset(h->grad, 0, m->n_weights * sizeof *h->grad);
    if ((st = one_jac(m, member, s, k, 0.0, 0.0, 1, forces, forces ? comp : JAC_ENERGY, h, &E,
                      NULL)))
        return st;
    if (forces) {
        *y = h->fhat[comp];
        *yref = t->force[comp];
    } else {
        *y = E / (double)t->n;
        *yref = t->energy / (double)t->n;
    }
    memcpy(h_out, h->grad, m->n_weights * sizeof *h_out);
    return PESX_OK;
}
