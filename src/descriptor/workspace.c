/* Per-thread descriptor workspace: grows to the largest neighbourhood seen
 * and is then reused without allocation. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/descriptor.h>
#include "descriptor/descriptor_impl.h"
#include "descriptor/compute_impl.h"

pesx_descriptor_workspace *pesx_descriptor_workspace_alloc(const pesx_descriptor *d)
{
    pesx_descriptor_workspace *ws = calloc(1, sizeof *ws);
    if (!ws) {
        pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    ws->elem = -1;
    (void)d;
    return ws;
}

void pesx_descriptor_workspace_free(pesx_descriptor_workspace *ws)
{
    if (!ws)
        return;
    free(ws->entry);
    free(ws->id);
    free(ws->el);
    free(ws->zw);
    free(ws->r);
    free(ws->ir);
    free(ws->ux);
    free(ws->uy);
    free(ws->uz);
    free(ws->dx);
    free(ws->dy);
    free(ws->dz);
    free(ws->fc);
    free(ws->dfc);
    free(ws->R);
    free(ws->dR);
    free(ws->list);
    free(ws->nlist_e);
    free(ws->all);
    free(ws->l1);
    free(ws->l2);
    free(ws->pstart);
    free(ws->pj);
    free(ws->pk);
    free(ws->pd);
    free(ws->pdoff);
    free(ws->gnb);
    free(ws->gr);
    free(ws->aw);
    free(ws->bw);
    free(ws->fg);
    free(ws->fb);
    free(ws->fidx);
    free(ws->rsc);
    free(ws);
}

#define GROW(ptr, count)                                                  \
    do {                                                                  \
        void *np_ = realloc((ptr), (count) * sizeof *(ptr) + 1);          \
        if (!np_)                                                         \
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory"); \
        (ptr) = np_;                                                      \
    } while (0)

int pesx_dws_reserve_neighbours(pesx_descriptor_workspace *ws, const pesx_descriptor *d,
                                size_t nnb)
{
    size_t nf = 0, nt = 0, ng = 0;
    for (size_t e = 0; e < d->n_elem; e++) {
        const pesx_elplan *p = &d->el[e];
        if (p->n_rf > nf)
            nf = p->n_rf;
        if (p->n_sf > nt)
            nt = p->n_sf;
        if (p->n_ang > ng)
            ng = p->n_ang;
    }
    if (nnb > ws->cap || nf > ws->cap_f) {
        size_t cap = nnb > ws->cap ? nnb + nnb / 2 + 16 : ws->cap;
        size_t cf = nf > ws->cap_f ? nf : ws->cap_f;
        GROW(ws->entry, cap);
        GROW(ws->id, cap);
        GROW(ws->el, cap);
        GROW(ws->zw, cap);
        GROW(ws->r, cap);
        GROW(ws->ir, cap);
        GROW(ws->ux, cap);
        GROW(ws->uy, cap);
        GROW(ws->uz, cap);
        GROW(ws->dx, cap);
        GROW(ws->dy, cap);
        GROW(ws->dz, cap);
        GROW(ws->fc, cap * (d->n_slots ? d->n_slots : 1));
        GROW(ws->dfc, cap * (d->n_slots ? d->n_slots : 1));
        GROW(ws->R, cap * (cf ? cf : 1));
        GROW(ws->dR, cap * (cf ? cf : 1));
        GROW(ws->list, cap * d->n_elem);
        GROW(ws->nlist_e, d->n_elem);
        GROW(ws->all, cap);
        GROW(ws->l1, cap);
        GROW(ws->l2, cap);
        ws->cap = cap;
        ws->cap_f = cf;
    }
    if (nt > ws->cap_terms) {
        GROW(ws->aw, nt);
        GROW(ws->bw, nt);
        ws->cap_terms = nt;
    }
    if (ng + 1 > ws->cap_groups) {
        GROW(ws->pstart, ng + 1);
        GROW(ws->fg, ng + 1);
        ws->cap_groups = ng + 1;
    }
    return PESX_OK;
}

int pesx_dws_reserve_pairs(pesx_descriptor_workspace *ws, size_t npairs, size_t ndoubles)
{
    if (npairs > ws->cap_pairs) {
        size_t cap = npairs + npairs / 2 + 64;
        GROW(ws->pj, cap);
        GROW(ws->pk, cap);
        GROW(ws->pdoff, cap);
        ws->cap_pairs = cap;
    }
    if (ndoubles > ws->cap_pd) {
        size_t cap = ndoubles + ndoubles / 2 + 256;
        GROW(ws->pd, cap);
        ws->cap_pd = cap;
    }
    return PESX_OK;
}

int pesx_dws_reserve_grad(pesx_descriptor_workspace *ws, size_t nset)
{
    size_t need = (ws->cap + 1) * 3 * nset;
    if (need > ws->cap_gnb) {
        GROW(ws->gnb, need);
        GROW(ws->gr, (ws->cap + 1) * nset);
        ws->cap_gnb = need;
    }
    return PESX_OK;
}

size_t pesx_dws_neighbours_within(const pesx_descriptor_workspace *ws, int e, double rc,
                                  size_t *out)
{
    const size_t *src = e < 0 ? ws->all : ws->list + (size_t)e * ws->cap;
    size_t n = e < 0 ? ws->n : ws->nlist_e[e], k = 0;
    for (size_t a = 0; a < n; a++)
        if (ws->r[src[a]] < rc)
            out[k++] = src[a];
    return k;
}
