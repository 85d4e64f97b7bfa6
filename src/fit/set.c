/* fit: precompute symmetry functions and their sparse Jacobians of every
 * structure once, so that training epochs only run networks. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "fit/fit_impl.h"

static void struct_release(pesx_fit_struct *t)
{
    free(t->rs);
    free(t->xoff);
    free(t->row_atom);
    free(t->g);
    free(t->x);
    free(t->nb_start);
    free(t->nb_atom);
    free(t->joff);
    free(t->jac);
}

void pesx_fit_set_free_scratch(pesx_fit_set *s)
{
    for (size_t t = 0; t < s->n_threads; t++) {
        pesx_fit_thread *h = &s->th[t];
        for (size_t e = 0; h->ws && e < s->n_elem; e++)
            pesx_nn_workspace_free(h->ws[e]);
        free(h->ws);
        free(h->out);
        free(h->dedx);
        free(h->v);
        free(h->c);
        free(h->fhat);
        free(h->res);
        free(h->d);
        free(h->grad);
    }
    free(s->th);
    s->th = NULL;
    s->n_threads = 0;
    s->scratch_weights = 0;
}

void pesx_fit_set_free(pesx_fit_set *s)
{
    if (!s)
        return;
    for (size_t k = 0; s->st && k < s->n; k++)
        struct_release(&s->st[k]);
    free(s->st);
    free(s->ns);
    pesx_fit_set_free_scratch(s);
    free(s);
}

size_t pesx_fit_set_size(const pesx_fit_set *s) { return s->n; }

void pesx_fit_set_reference(const pesx_fit_set *s, size_t k, size_t *n_atoms, double *energy,
                            const double **forces)
{
    *n_atoms = s->st[k].n;
    *energy = s->st[k].energy;
    *forces = s->st[k].force;
}

/* Per-thread builder scratch. */
typedef struct {
    pesx_nlist nl;
    pesx_descriptor_workspace *dws;
    double *G, *coef, *grad; /* max_ns, 64*64 unit vectors, 64 * 3n */
    size_t cap_grad;
    unsigned *mark, *list;
    size_t cap_atoms;
} builder;

static int build_one(const pesx_fit_model *m, const pesx_fit_set *s, const pesx_dataset *ds,
                     size_t k, builder *b)
{
    const pesx_atoms *a = ds->atoms[k];
    pesx_fit_struct *t = &s->st[k];
    const size_t n = a->n, ne = m->n_elem, n3 = 3 * n;
    size_t *el = NULL, nrow = 0, njac = 0, nnb = 0;
    int st;
    t->n = n;
    t->energy = ds->energy[k];
    t->weight = ds->weight[k];
    t->force = ds->force + 3 * ds->atom_start[k];
    if ((st = pesx_descriptor_check_atoms(m->desc, a)))
        return st;
    if ((st = pesx_nlist_build(&b->nl, a, pesx_descriptor_cutoff(m->desc))))
        return st;
    if (b->cap_grad < PESX_DESCRIPTOR_MAX_SETS * n3) {
        free(b->grad);
        b->cap_grad = PESX_DESCRIPTOR_MAX_SETS * n3;
        if (!(b->grad = calloc(b->cap_grad, sizeof *b->grad)))
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    }
    if (b->cap_atoms < n) {
        free(b->mark);
        free(b->list);
        b->cap_atoms = n;
        b->mark = calloc(n, sizeof *b->mark);
        b->list = malloc(n * sizeof *b->list);
        if (!b->mark || !b->list)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    }
    t->rs = calloc(ne + 1, sizeof *t->rs);
    t->xoff = calloc(ne + 1, sizeof *t->xoff);
    t->row_atom = malloc(n * sizeof *t->row_atom);
    t->nb_start = malloc((n + 1) * sizeof *t->nb_start);
    t->joff = malloc((n + 1) * sizeof *t->joff);
    el = malloc(n * sizeof *el);
    if (!t->rs || !t->xoff || !t->row_atom || !t->nb_start || !t->joff || !el) {
        free(el);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        el[i] = (size_t)pesx_descriptor_element_index(m->desc, a->z[i]);
        t->rs[el[i] + 1]++;
    }
    for (size_t e = 0; e < ne; e++) {
        t->xoff[e + 1] = t->xoff[e] + t->rs[e + 1] * s->ns[e];
        t->rs[e + 1] += t->rs[e];
    }
    for (size_t e = 0; e < ne; e++)
        for (size_t i = 0; i < n; i++)
            if (el[i] == e)
                t->row_atom[nrow++] = i;
    free(el);
    t->g = malloc((t->xoff[ne] + 1) * sizeof *t->g);
    t->x = malloc((t->xoff[ne] + 1) * sizeof *t->x);
    if (!t->g || !t->x)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    /* first pass: neighbour atom sets, to size the Jacobian */
    for (size_t r = 0; r < n; r++) {
        size_t i = t->row_atom[r], cnt = 1;
        size_t e = (size_t)pesx_descriptor_element_index(m->desc, a->z[i]);
        b->mark[i] = (unsigned)r + 1;
        for (size_t q = b->nl.start[i]; q < b->nl.start[i + 1]; q++) {
            size_t j = b->nl.j[q];
            if (b->mark[j] != (unsigned)r + 1) {
                b->mark[j] = (unsigned)r + 1;
                cnt++;
            }
        }
        t->nb_start[r] = nnb;
        t->joff[r] = njac;
        nnb += cnt;
        njac += cnt * 3 * s->ns[e];
    }
    t->nb_start[n] = nnb;
    t->joff[n] = njac;
    memset(b->mark, 0, n * sizeof *b->mark);
    t->nb_atom = malloc((nnb + 1) * sizeof *t->nb_atom);
    t->jac = malloc((njac + 1) * sizeof *t->jac);
    if (!t->nb_atom || !t->jac)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    for (size_t r = 0; r < n; r++) {
        size_t i = t->row_atom[r], cnt = 0;
        size_t e = (size_t)pesx_descriptor_element_index(m->desc, a->z[i]);
        size_t ns = s->ns[e];
        size_t row_in_block = r - t->rs[e];
        double *g = t->g + t->xoff[e] + row_in_block * ns;
        unsigned *nb = t->nb_atom + t->nb_start[r];
        double *J = t->jac + t->joff[r];
        if ((st = pesx_descriptor_atom_values(m->desc, a, &b->nl, i, g, b->dws)))
            return st;
        nb[cnt++] = (unsigned)i;
        b->mark[i] = (unsigned)r + 1;
        for (size_t q = b->nl.start[i]; q < b->nl.start[i + 1]; q++) {
            size_t j = b->nl.j[q];
            if (b->mark[j] != (unsigned)r + 1) {
                b->mark[j] = (unsigned)r + 1;
                nb[cnt++] = (unsigned)j;
            }
        }
        for (size_t s0 = 0; s0 < ns; s0 += PESX_DESCRIPTOR_MAX_SETS) {
            size_t nset = ns - s0 < PESX_DESCRIPTOR_MAX_SETS ? ns - s0 : PESX_DESCRIPTOR_MAX_SETS;
            /* coefficient sets: unit vectors e_{s0 + m} */
            memset(b->coef, 0, nset * ns * sizeof *b->coef);
            for (size_t q = 0; q < nset; q++)
                b->coef[q * ns + s0 + q] = 1.0;
            if ((st = pesx_descriptor_atom_gradient(m->desc, &b->nl, nset, b->coef, b->grad, n3,
                                                    b->dws)))
                return st;
            for (size_t q = 0; q < cnt; q++)
                for (size_t kk = 0; kk < 3; kk++)
                    for (size_t mm = 0; mm < nset; mm++) {
                        double *src = &b->grad[mm * n3 + 3 * nb[q] + kk];
                        J[q * 3 * ns + kk * ns + s0 + mm] = *src;
                        *src = 0.0;
                    }
        }
    }
    memset(b->mark, 0, n * sizeof *b->mark);
    memcpy(t->x, t->g, t->xoff[ne] * sizeof *t->x);
    return PESX_OK;
}

pesx_fit_set *pesx_fit_set_alloc(const pesx_fit_model *m, const pesx_dataset *ds,
                                 void (*progress)(size_t done, void *ctx), void *ctx)
{
    pesx_fit_set *s = calloc(1, sizeof *s);
    pesx_error_first errs;
    size_t done = 0;
    pesx_error_first_init(&errs);
    if (!s) {
        pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    s->n = ds->n;
    s->n_elem = m->n_elem;
    s->st = calloc(ds->n ? ds->n : 1, sizeof *s->st);
    s->ns = calloc(m->n_elem, sizeof *s->ns);
    if (!s->st || !s->ns) {
        pesx_fit_set_free(s);
        pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    for (size_t e = 0; e < m->n_elem; e++) {
        s->ns[e] = pesx_descriptor_n_sf(m->desc, e);
        if (s->ns[e] > s->max_ns)
            s->max_ns = s->ns[e];
    }
    for (size_t k = 0; k < ds->n; k++)
        if (ds->atoms[k]->n > s->max_atoms)
            s->max_atoms = ds->atoms[k]->n;
#ifdef _OPENMP
#pragma omp parallel
#endif
    {
        builder b;
        int my = PESX_OK;
        memset(&b, 0, sizeof b);
        pesx_nlist_init(&b.nl);
        b.dws = pesx_descriptor_workspace_alloc(m->desc);
        b.coef = malloc(PESX_DESCRIPTOR_MAX_SETS * (s->max_ns + 1) * sizeof *b.coef);
        if (!b.dws || !b.coef)
            my = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 4)
#endif
        for (size_t k = 0; k < ds->n; k++) {
            if (my || errs.status)
                continue;
            my = build_one(m, s, ds, k, &b);
            if (my)
                pesx_error_prefix("%s:%ld: structure '%s': ", ds->file[0] ? ds->file : "data",
                                  ds->line[k], ds->id[k]);
#ifdef _OPENMP
#pragma omp atomic
#endif
            done++;
#ifdef _OPENMP
            if (omp_get_thread_num() == 0)
#endif
                if (progress)
                    progress(done, ctx);
        }
        pesx_error_first_keep(&errs, my);
        pesx_nlist_release(&b.nl);
        pesx_descriptor_workspace_free(b.dws);
        free(b.coef);
        free(b.grad);
        free(b.mark);
        free(b.list);
    }
    if (pesx_error_first_raise(&errs)) {
        pesx_fit_set_free(s);
        return NULL;
    }
    return s;
}

int pesx_fit_set_statistics(const pesx_fit_set *s, const size_t *idx, size_t n,
                            pesx_potential_file *pf)
{
    if (pf->n_elements != s->n_elem)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "potential and training set do not match");
    for (size_t e = 0; e < s->n_elem; e++) {
        pesx_potential_file_element *el = &pf->element[e];
        size_t ns = s->ns[e], cnt = 0;
        if (el->n_sf != ns)
            return pesx_error_set(PESX_EINVAL, NULL, 0, "element %s: SF count mismatch",
                                  el->symbol);
        for (size_t q = 0; q < ns; q++) {
            el->sf[q].gmin = INFINITY;
            el->sf[q].gmax = -INFINITY;
            el->sf[q].gmean = 0.0;
            el->sf[q].gsigma = 0.0;
        }
        for (size_t ii = 0; ii < n; ii++) {
            const pesx_fit_struct *t = &s->st[idx[ii]];
            for (size_t r = t->rs[e]; r < t->rs[e + 1]; r++) {
                const double *g = t->g + t->xoff[e] + (r - t->rs[e]) * ns;
                for (size_t q = 0; q < ns; q++) {
                    pesx_potential_file_sf *f = &el->sf[q];
                    if (g[q] < f->gmin)
                        f->gmin = g[q];
                    if (g[q] > f->gmax)
                        f->gmax = g[q];
                    f->gmean += g[q];
                }
                cnt++;
            }
        }
        if (cnt == 0)
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "no atom of element %s in the training structures",
                                  el->symbol);
        for (size_t q = 0; q < ns; q++)
            el->sf[q].gmean /= (double)cnt;
        for (size_t ii = 0; ii < n; ii++) {
            const pesx_fit_struct *t = &s->st[idx[ii]];
            for (size_t r = t->rs[e]; r < t->rs[e + 1]; r++) {
                const double *g = t->g + t->xoff[e] + (r - t->rs[e]) * ns;
                for (size_t q = 0; q < ns; q++) {
                    double d = g[q] - el->sf[q].gmean;
                    el->sf[q].gsigma += d * d;
                }
            }
        }
        for (size_t q = 0; q < ns; q++) {
            pesx_potential_file_sf *f = &el->sf[q];
            f->gsigma = sqrt(f->gsigma / (double)cnt);
            f->train_min = f->gmin;
            f->train_max = f->gmax;
        }
    }
    return PESX_OK;
}

int pesx_fit_set_scale(pesx_fit_set *s, const pesx_fit_model *m)
{
    for (size_t k = 0; k < s->n; k++) {
        pesx_fit_struct *t = &s->st[k];
        for (size_t e = 0; e < s->n_elem; e++) {
            size_t ns = s->ns[e];
            for (size_t r = t->rs[e]; r < t->rs[e + 1]; r++) {
                size_t o = t->xoff[e] + (r - t->rs[e]) * ns;
                for (size_t q = 0; q < ns; q++)
                    t->x[o + q] = m->factor[e][q] * t->g[o + q] + m->offset[e][q];
            }
        }
    }
    return PESX_OK;
}
