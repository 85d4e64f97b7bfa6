/* Descriptor construction: per-element SF lists, validation, and the
 * grouping into shared radial functions and angular pair groups that makes
 * evaluation cheap. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/descriptor.h>
#include "descriptor/descriptor_impl.h"

pesx_descriptor *pesx_descriptor_alloc(size_t n_elem, const int *z, int cutoff_type,
                                       double alpha)
{
    pesx_descriptor *d;
    pesx_cutoff probe;
    if (n_elem == 0 || n_elem > 64) {
        pesx_error_set(PESX_EINVAL, NULL, 0, "a descriptor needs 1..64 elements (got %zu)",
                       n_elem);
        return NULL;
    }
    if (pesx_cutoff_init(&probe, cutoff_type, 1.0, alpha))
        return NULL;
    d = calloc(1, sizeof *d);
    if (!d || !(d->el = calloc(n_elem, sizeof *d->el))) {
        free(d);
        pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    for (int k = 0; k <= PESX_MAX_Z; k++)
        d->z2e[k] = -1;
    for (size_t e = 0; e < n_elem; e++) {
        if (z[e] < 1 || z[e] > PESX_MAX_Z || d->z2e[z[e]] >= 0) {
            pesx_error_set(PESX_EINVAL, NULL, 0, "bad or repeated element Z = %d", z[e]);
            pesx_descriptor_free(d);
            return NULL;
        }
        d->z[e] = z[e];
        d->z2e[z[e]] = (int)e;
    }
    d->n_elem = n_elem;
    d->cutoff_type = cutoff_type;
    d->alpha = alpha;
    return d;
}

static void plan_release(pesx_elplan *p)
{
    free(p->sf);
    free(p->rf);
    free(p->rad);
    for (size_t g = 0; g < p->n_ang; g++) {
        free(p->ang[g].f);
        free(p->ang[g].tstart);
        free(p->ang[g].terms);
    }
    free(p->ang);
}

void pesx_descriptor_free(pesx_descriptor *d)
{
    if (!d)
        return;
    for (size_t e = 0; e < d->n_elem; e++)
        plan_release(&d->el[e]);
    free(d->el);
    free(d);
}

/* "p1".."p4" with optional "a", or "e": order (0 = e) and asymmetry. */
static int parse_sub(const char *s, int *order, int *asym)
{
    if (strcmp(s, "e") == 0) {
        *order = 0;
        *asym = 0;
        return 0;
    }
    if (s[0] == 'p' && s[1] >= '1' && s[1] <= '4' &&
        (s[2] == '\0' || (s[2] == 'a' && s[3] == '\0'))) {
        *order = s[1] - '0';
        *asym = s[2] == 'a';
        return 0;
    }
    return -1;
}

static int elem_ok(const pesx_descriptor *d, int z)
{
    return z == 0 || (z > 0 && z <= PESX_MAX_Z && d->z2e[z] >= 0);
}

int pesx_descriptor_add(pesx_descriptor *d, int center_z, const pesx_sf *sf)
{
    const pesx_sf_type *T = sf ? sf->type : NULL;
    pesx_elplan *p;
    int fl, order, asym;
    if (!T)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "symmetry function without a type");
    if (d->finalized)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "descriptor already finalized");
    if (center_z < 1 || center_z > PESX_MAX_Z || d->z2e[center_z] < 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "symmetry function for element Z = %d, not in the potential",
                              center_z);
    fl = T->flags;
    if (!(fl & PESX_SF_WEIGHTED)) {
        if (!elem_ok(d, sf->z1) || ((fl & PESX_SF_ANGULAR) && !elem_ok(d, sf->z2)))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "symmetry function type %s: neighbour element not in the "
                                  "potential", T->name);
        if ((fl & PESX_SF_ANGULAR) && ((sf->z1 == 0) != (sf->z2 == 0)))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "symmetry function type %s: give both neighbour elements "
                                  "or neither", T->name);
    }
    if (!(sf->rc > 0) || !isfinite(sf->rc))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "symmetry function type %s: cutoff rc must be > 0 (got %g)",
                              T->name, sf->rc);
    if (fl & PESX_SF_POLY) {
        if (parse_sub(sf->sub, &order, &asym))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "symmetry function type %s: unknown subtype '%s' "
                                  "(p1..p4, p1a..p4a, e)", T->name, sf->sub);
        if (!(sf->rl < sf->rc) || !isfinite(sf->rl))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "symmetry function type %s: need rl < rc (rl = %g, rc = %g)",
                                  T->name, sf->rl, sf->rc);
        if (fl & PESX_SF_ANGULAR) {
            double l = sf->theta_l, r = sf->theta_r, c = 0.5 * (l + r);
            int centred = fabs(c) < 1e-12 || fabs(c - 180.0) < 1e-12;
            if (!(l < r) || !isfinite(l) || !isfinite(r) ||
                (!centred && (l < 0 || r > 180.0)))
                return pesx_error_set(PESX_EINVAL, NULL, 0,
                                      "symmetry function type %s: bad angle window [%g, %g] "
                                      "(degrees; inside [0, 180] or centred on 0 or 180)",
                                      T->name, l, r);
        }
    } else {
        if (strstr(T->params, "eta") && (!(sf->eta >= 0) || !isfinite(sf->eta)))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "symmetry function type %s: eta must be >= 0 (got %g)",
                                  T->name, sf->eta);
        if (!isfinite(sf->rs) || !isfinite(sf->kappa))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "symmetry function type %s: non-finite parameter", T->name);
        if ((fl & PESX_SF_ANGULAR) &&
            (!(sf->zeta > 0) || !isfinite(sf->zeta) || !isfinite(sf->lambda)))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "symmetry function type %s: need zeta > 0 and a finite "
                                  "lambda (zeta = %g, lambda = %g)", T->name, sf->zeta,
                                  sf->lambda);
    }
    p = &d->el[d->z2e[center_z]];
    if (pesx_array_reserve(&p->sf, &p->cap_sf, p->n_sf + 1, sizeof *p->sf, 16))
        return PESX_ENOMEM;
    p->sf[p->n_sf++] = *sf;
    return PESX_OK;
}

/* ---- planning ------------------------------------------------------------ */

static int slot_of(pesx_descriptor *d, double rc)
{
    for (size_t s = 0; s < d->n_slots; s++)
        if (d->slot_rc[s] == rc)
            return (int)s;
    if (d->n_slots == 64) {
        pesx_error_set(PESX_EUNSUPPORTED, NULL, 0, "more than 64 distinct cutoff radii");
        return -1;
    }
    if (pesx_cutoff_init(&d->slot_cut[d->n_slots], d->cutoff_type, rc, d->alpha))
        return -1;
    d->slot_rc[d->n_slots] = rc;
    return (int)d->n_slots++;
}

/* The radial function of SF (index in p->rf, added when new), or -1. */
static int rfun_of(pesx_descriptor *d, pesx_elplan *p, const pesx_sf *sf,
                   unsigned long long mask)
{
    pesx_rfun r;
    int fl = sf->type->flags;
    memset(&r, 0, sizeof r);
    r.rc = sf->rc;
    r.slot = -1;
    if (fl & PESX_SF_POLY) {
        r.kind = RF_POLY;
        r.rl = sf->rl;
        parse_sub(sf->sub, &r.order, &r.asym);
        r.wc = 0.5 * (sf->rl + sf->rc);
        r.ww = 0.5 * (sf->rc - sf->rl);
    } else if (strcmp(sf->type->name, "G3") == 0) {
        r.kind = RF_COS;
        r.kappa = sf->kappa;
    } else {
        r.kind = RF_EXP;
        if (strcmp(sf->type->name, "G1") != 0) {
            r.eta = sf->eta;
            if (strstr(sf->type->params, "rs") || strstr(sf->type->optional, "rs"))
                r.rs = sf->rs;
        }
    }
    if (r.kind != RF_POLY && (r.slot = slot_of(d, r.rc)) < 0)
        return -1;
    for (size_t f = 0; f < p->n_rf; f++) {
        pesx_rfun *q = &p->rf[f];
        if (q->kind == r.kind && q->eta == r.eta && q->rs == r.rs && q->kappa == r.kappa &&
            q->rl == r.rl && q->rc == r.rc && q->order == r.order && q->asym == r.asym) {
            q->emask |= mask;
            return (int)f;
        }
    }
    if (pesx_array_reserve(&p->rf, &p->cap_rf, p->n_rf + 1, sizeof *p->rf, 16))
        return -1;
    r.emask = mask;
    p->rf[p->n_rf] = r;
    return (int)p->n_rf++;
}

static int term_cmp(const void *a, const void *b)
{
    const pesx_sfterm *x = a, *y = b;
    if (x->f != y->f)
        return x->f < y->f ? -1 : 1;
    return x->sf < y->sf ? -1 : x->sf > y->sf;
}

static int plan_element(pesx_descriptor *d, pesx_elplan *p)
{
    const unsigned long long all = ~0ULL;
    p->rad = calloc(p->n_sf ? p->n_sf : 1, sizeof *p->rad);
    p->ang = calloc(p->n_sf ? p->n_sf : 1, sizeof *p->ang);
    if (!p->rad || !p->ang)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    for (size_t k = 0; k < p->n_sf; k++) {
        const pesx_sf *sf = &p->sf[k];
        int fl = sf->type->flags, weighted = (fl & PESX_SF_WEIGHTED) != 0;
        int e1 = (weighted || sf->z1 == 0) ? -1 : d->z2e[sf->z1];
        int e2 = (weighted || sf->z2 == 0) ? -1 : d->z2e[sf->z2];
        unsigned long long mask;
        pesx_sfterm t;
        int f;
        memset(&t, 0, sizeof t);
        t.sf = (int)k;
        t.weighted = weighted;
        if (sf->rc > p->rcmax)
            p->rcmax = sf->rc;
        if (fl & PESX_SF_RADIAL) {
            mask = e1 < 0 ? all : 1ULL << e1;
            if ((f = rfun_of(d, p, sf, mask)) < 0)
                return pesx_error_last()->code;
            t.f = f;
            t.e1 = e1;
            p->rad[p->n_rad++] = t;
            continue;
        }
        if (e1 > e2) {
            int s = e1;
            e1 = e2;
            e2 = s;
        }
        mask = e1 < 0 ? all : (1ULL << e1) | (1ULL << e2);
        if ((f = rfun_of(d, p, sf, mask)) < 0)
            return pesx_error_last()->code;
        t.f = f;
        if (fl & PESX_SF_POLY) {
            int asym;
            t.akind = AK_POLY;
            parse_sub(sf->sub, &t.order, &asym);
            t.tc = 0.5 * (sf->theta_l + sf->theta_r) * PESX_SF_PI / 180.0;
            t.tw = 0.5 * (sf->theta_r - sf->theta_l) * PESX_SF_PI / 180.0;
        } else {
            t.akind = AK_EXP;
            t.lambda = sf->lambda;
            t.zeta = sf->zeta;
            t.coef = pow(2.0, 1.0 - sf->zeta) * ((fl & PESX_SF_ORDERED) ? 2.0 : 1.0);
            t.izeta = (sf->zeta == floor(sf->zeta) && sf->zeta <= 64) ? (int)sf->zeta - 1 : -1;
        }
        /* find the group */
        pesx_angroup *g = NULL;
        int narrow = (fl & PESX_SF_NARROW) != 0, poly = (fl & PESX_SF_POLY) != 0;
        for (size_t q = 0; q < p->n_ang; q++) {
            pesx_angroup *h = &p->ang[q];
            if (h->e1 == e1 && h->e2 == e2 && h->weighted == weighted && h->narrow == narrow &&
                h->poly == poly && h->rc == sf->rc) {
                g = h;
                break;
            }
        }
        if (!g) {
            g = &p->ang[p->n_ang++];
            g->e1 = e1;
            g->e2 = e2;
            g->weighted = weighted;
            g->narrow = narrow;
            g->poly = poly;
            g->rc = sf->rc;
            g->slot = poly ? -1 : p->rf[f].slot;
            if (!(g->terms = calloc(p->n_sf, sizeof *g->terms)) ||
                !(g->f = calloc(p->n_sf, sizeof *g->f)) ||
                !(g->tstart = calloc(p->n_sf + 1, sizeof *g->tstart)))
                return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        }
        g->terms[g->nterms++] = t;
    }
    /* sort each group's terms by radial function and index the runs */
    for (size_t q = 0; q < p->n_ang; q++) {
        pesx_angroup *g = &p->ang[q];
        qsort(g->terms, g->nterms, sizeof *g->terms, term_cmp);
        g->nf = 0;
        for (size_t t = 0; t < g->nterms; t++) {
            if (t == 0 || g->terms[t].f != g->terms[t - 1].f) {
                g->f[g->nf] = g->terms[t].f;
                g->tstart[g->nf++] = t;
            }
        }
        g->tstart[g->nf] = g->nterms;
        if (g->nf > p->max_nf)
            p->max_nf = g->nf;
    }
    return PESX_OK;
}

int pesx_descriptor_finalize(pesx_descriptor *d)
{
    int st;
    if (d->finalized)
        return PESX_OK;
    d->rcmax = 0;
    d->max_n_sf = 0;
    for (size_t e = 0; e < d->n_elem; e++) {
        if ((st = plan_element(d, &d->el[e])))
            return st;
        if (d->el[e].rcmax > d->rcmax)
            d->rcmax = d->el[e].rcmax;
        if (d->el[e].n_sf > d->max_n_sf)
            d->max_n_sf = d->el[e].n_sf;
    }
    d->finalized = 1;
    return PESX_OK;
}

void pesx_descriptor_use_reference_kernels(pesx_descriptor *d, int on)
{
    d->reference_kernels = on != 0;
}

size_t pesx_descriptor_n_elements(const pesx_descriptor *d) { return d->n_elem; }
int pesx_descriptor_element_z(const pesx_descriptor *d, size_t e)
{
    return e < d->n_elem ? d->z[e] : 0;
}
int pesx_descriptor_element_index(const pesx_descriptor *d, int z)
{
    return z >= 0 && z <= PESX_MAX_Z ? d->z2e[z] : -1;
}
size_t pesx_descriptor_n_sf(const pesx_descriptor *d, size_t e)
{
    return e < d->n_elem ? d->el[e].n_sf : 0;
}
size_t pesx_descriptor_max_n_sf(const pesx_descriptor *d) { return d->max_n_sf; }
const pesx_sf *pesx_descriptor_sf(const pesx_descriptor *d, size_t e, size_t k)
{
    return e < d->n_elem && k < d->el[e].n_sf ? &d->el[e].sf[k] : NULL;
}
double pesx_descriptor_cutoff(const pesx_descriptor *d) { return d->rcmax; }
int pesx_descriptor_cutoff_type(const pesx_descriptor *d) { return d->cutoff_type; }
double pesx_descriptor_cutoff_alpha(const pesx_descriptor *d) { return d->alpha; }

int pesx_descriptor_check_atoms(const pesx_descriptor *d, const pesx_atoms *a)
{
    for (size_t i = 0; i < a->n; i++) {
        int z = a->z[i];
        if (z < 0 || z > PESX_MAX_Z || d->z2e[z] < 0) {
            const char *s = pesx_element_symbol(z);
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "atom %zu: element %s (Z = %d) is not in the potential",
                                  i + 1, s ? s : "?", z);
        }
    }
    return PESX_OK;
}
