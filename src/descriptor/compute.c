/* Symmetry-function kernels: the values of one atom (keeping per-pair data)
 * and the contraction of dE/dG with dG/dr into a gradient, without
 * recomputing anything expensive. */
#include <config.h>
#include <math.h>
#include <string.h>
#include <pesx/descriptor.h>
#include "descriptor/descriptor_impl.h"
#include "descriptor/compute_impl.h"

/* R(r) and dR/dr of radial function F at distance R (inside its range),
 * given f_c and f_c' of its cutoff slot. */
static inline double rfun_eval(const pesx_rfun *f, double r, double fc, double dfc, double *dR)
{
    switch (f->kind) {
    case RF_EXP: {
        double t = r - f->rs, e = f->eta == 0.0 ? 1.0 : pesx_exp(-f->eta * t * t);
        *dR = e * (dfc - 2.0 * f->eta * t * fc);
        return e * fc;
    }
    case RF_COS: {
        double c = cos(f->kappa * r), s = sin(f->kappa * r);
        *dR = c * dfc - f->kappa * s * fc;
        return c * fc;
    }
    default: { /* RF_POLY window on [rl, rc] */
        double dp, t = r - f->wc, x = fabs(t) / f->ww, v, dxdr;
        if (r <= f->rl || r >= f->rc || x >= 1.0) {
            *dR = 0.0;
            return 0.0;
        }
        dxdr = (t < 0 ? -1.0 : 1.0) / f->ww;
        if (f->asym) {
            double y = x * (2.0 - x);
            v = f->order ? pesx_sf_poly_inline(f->order, y, &dp) : pesx_sf_poly(0, y, &dp);
            *dR = dp * (2.0 - 2.0 * x) * dxdr;
        } else {
            v = f->order ? pesx_sf_poly_inline(f->order, x, &dp) : pesx_sf_poly(0, x, &dp);
            *dR = dp * dxdr;
        }
        return v;
    }
    }
}

/* Angular factor A(cos) and dA/dcos of term T; THETA and INV_SIN are
 * precomputed for polynomial groups. */
static inline double afac(const pesx_sfterm *t, double c, double theta, double inv_sin,
                          double *dA)
{
    if (t->akind == AK_EXP) {
        double b = 1.0 + t->lambda * c, p;
        if (b <= 0.0) {
            *dA = 0.0;
            return 0.0;
        }
        if (t->izeta >= 0) {
            p = 1.0;
            for (int k = 0; k < t->izeta; k++)
                p *= b;
        } else {
            p = pow(b, t->zeta - 1.0);
        }
        *dA = t->coef * t->zeta * t->lambda * p;
        return t->coef * p * b;
    } else {
        double dp, u = theta - t->tc, x = fabs(u) / t->tw, v;
        if (x >= 1.0) {
            *dA = 0.0;
            return 0.0;
        }
        v = t->order ? pesx_sf_poly_inline(t->order, x, &dp) : pesx_sf_poly(0, x, &dp);
        /* dA/dtheta = P'(x) sign(u)/tw, dtheta/dcos = -1/sin */
        *dA = -dp * (u < 0 ? -1.0 : 1.0) / t->tw * inv_sin;
        return v;
    }
}

/* Groups the vectorised kernels (angular_fast.c) cannot take, or every
 * group when the descriptor is set to use the reference kernels. */
static int generic(const pesx_descriptor *d, const pesx_angroup *g)
{
    return d->reference_kernels || g->nf > 64;
}

/* Pair data layout per group: [cos, rjk, theta, inv_sin, (Rjk, dRjk) x nf]. */
static inline size_t pair_stride(const pesx_angroup *g)
{
    return 4 + (g->narrow ? 2 * g->nf : 0);
}

static int angular_values(const pesx_descriptor *d, const pesx_elplan *p,
                          const pesx_angroup *g, size_t gi, double *G,
                          pesx_descriptor_workspace *ws)
{
    size_t n1 = pesx_dws_neighbours_within(ws, g->e1, g->rc, ws->l1), n2, stride = pair_stride(g);
    const size_t *l1 = ws->l1, *l2;
    int same = g->e1 == g->e2;
    const double rc2 = g->rc * g->rc;
    const size_t cap = ws->cap;
    const pesx_cutoff *cut = g->slot >= 0 ? &d->slot_cut[g->slot] : NULL;
    if (same) {
        l2 = l1;
        n2 = n1;
    } else {
        n2 = pesx_dws_neighbours_within(ws, g->e2, g->rc, ws->l2);
        l2 = ws->l2;
    }
    ws->pstart[gi] = ws->n_pairs;
    for (size_t a = 0; a < n1; a++) {
        size_t m1 = l1[a], b0 = same ? a + 1 : 0;
        double x1 = ws->dx[m1], y1 = ws->dy[m1], z1 = ws->dz[m1], ir1 = ws->ir[m1];
        int st;
        if (b0 >= n2)
            continue;
        if ((st = pesx_dws_reserve_pairs(ws, ws->n_pairs + (n2 - b0),
                                         ws->n_pd + (n2 - b0) * stride)))
            return st;
        for (size_t b = b0; b < n2; b++) {
            size_t m2 = l2[b];
            double x2 = ws->dx[m2], y2 = ws->dy[m2], z2 = ws->dz[m2];
            double c, rjk = 0, theta = 0, inv_sin = 0, fcjk = 1, dfcjk = 0, w;
            double *pd = ws->pd + ws->n_pd;
            int any = 0;
            if (g->narrow) {
                double ex = x2 - x1, ey = y2 - y1, ez = z2 - z1;
                double rjk2 = ex * ex + ey * ey + ez * ez;
                if (rjk2 >= rc2)
                    continue;
                rjk = sqrt(rjk2);
                if (cut)
                    fcjk = pesx_cutoff_fast(cut, rjk, &dfcjk);
            }
            c = (x1 * x2 + y1 * y2 + z1 * z2) * ir1 * ws->ir[m2];
            if (c > 1.0)
                c = 1.0;
            else if (c < -1.0)
                c = -1.0;
            if (g->poly) {
                if (c == 1.0 || c == -1.0)
                    continue;
                theta = acos(c);
                inv_sin = 1.0 / sqrt(1.0 - c * c);
            }
            w = g->weighted ? ws->zw[m1] * ws->zw[m2] : 1.0;
            pd[0] = c;
            pd[1] = rjk;
            pd[2] = theta;
            pd[3] = inv_sin;
            for (size_t q = 0; q < g->nf; q++) {
                size_t f = (size_t)g->f[q];
                double P = ws->R[f * cap + m1] * ws->R[f * cap + m2];
                if (g->narrow) {
                    double dRjk, Rjk = rfun_eval(&p->rf[f], rjk, fcjk, dfcjk, &dRjk);
                    pd[4 + 2 * q] = Rjk;
                    pd[5 + 2 * q] = dRjk;
                    P *= Rjk;
                }
                if (P == 0.0)
                    continue;
                any = 1;
                P *= w;
                for (size_t t = g->tstart[q]; t < g->tstart[q + 1]; t++) {
                    double dA, A = afac(&g->terms[t], c, theta, inv_sin, &dA);
                    G[g->terms[t].sf] += P * A;
                }
            }
            if (!any)
                continue;
            ws->pj[ws->n_pairs] = (unsigned)m1;
            ws->pk[ws->n_pairs] = (unsigned)m2;
            ws->pdoff[ws->n_pairs] = ws->n_pd;
            ws->n_pairs++;
            ws->n_pd += stride;
        }
    }
    return PESX_OK;
}

int pesx_descriptor_atom_values(const pesx_descriptor *d, const pesx_atoms *a,
                                const pesx_nlist *nl, size_t i, double *G,
                                pesx_descriptor_workspace *ws)
{
    int e = (a->z[i] >= 0 && a->z[i] <= PESX_MAX_Z) ? d->z2e[a->z[i]] : -1, st;
    const pesx_elplan *p;
    size_t e0, e1, n = 0, cap;
    if (e < 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "atom %zu: element Z = %d is not in the potential", i + 1,
                              a->z[i]);
    p = &d->el[e];
    e0 = nl->start[i];
    e1 = nl->start[i + 1];
    if ((st = pesx_dws_reserve_neighbours(ws, d, e1 - e0)))
        return st;
    cap = ws->cap;
    ws->atom = i;
    ws->elem = e;
    ws->n_pairs = 0;
    ws->n_pd = 0;
    ws->n_fb = 0;
    ws->n_fidx = 0;
    for (size_t x = 0; x < d->n_elem; x++)
        ws->nlist_e[x] = 0;
    for (size_t en = e0; en < e1; en++) {
        double r = nl->r[en];
        size_t j;
        int ej;
        if (!(r < p->rcmax))
            continue;
        j = nl->j[en];
        ej = d->z2e[a->z[j]];
        if (ej < 0)
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "atom %zu: element Z = %d is not in the potential", j + 1,
                                  a->z[j]);
        ws->entry[n] = en;
        ws->id[n] = j;
        ws->el[n] = ej;
        ws->zw[n] = (double)a->z[j];
        ws->r[n] = r;
        ws->ir[n] = 1.0 / r;
        ws->dx[n] = nl->d[3 * en];
        ws->dy[n] = nl->d[3 * en + 1];
        ws->dz[n] = nl->d[3 * en + 2];
        ws->ux[n] = ws->dx[n] * ws->ir[n];
        ws->uy[n] = ws->dy[n] * ws->ir[n];
        ws->uz[n] = ws->dz[n] * ws->ir[n];
        ws->list[(size_t)ej * cap + ws->nlist_e[ej]++] = n;
        ws->all[n] = n;
        n++;
    }
    ws->n = n;
    /* cutoff values of every slot */
    for (size_t s = 0; s < d->n_slots; s++) {
        const pesx_cutoff *c = &d->slot_cut[s];
        double *fc = ws->fc + s * cap, *dfc = ws->dfc + s * cap;
        if (d->reference_kernels)
            for (size_t m = 0; m < n; m++)
                fc[m] = pesx_cutoff_fast(c, ws->r[m], &dfc[m]);
        else
            pesx_fast_cutoff_table(c, n, ws->r, fc, dfc);
    }
    /* radial functions of every neighbour that needs them */
    for (size_t f = 0; f < p->n_rf; f++) {
        const pesx_rfun *rf = &p->rf[f];
        double *R = ws->R + f * cap, *dR = ws->dR + f * cap;
        const double *fc = rf->slot >= 0 ? ws->fc + (size_t)rf->slot * cap : NULL;
        const double *dfc = rf->slot >= 0 ? ws->dfc + (size_t)rf->slot * cap : NULL;
        if (rf->kind == RF_EXP && !d->reference_kernels) {
            pesx_fast_exp_table(n, ws->r, ws->el, rf->emask, rf->rc, rf->eta, rf->rs, fc, dfc, R,
                                dR);
            continue;
        }
        for (size_t m = 0; m < n; m++) {
            if (!((rf->emask >> ws->el[m]) & 1ULL) || !(ws->r[m] < rf->rc)) {
                R[m] = dR[m] = 0.0;
                continue;
            }
            R[m] = rfun_eval(rf, ws->r[m], fc ? fc[m] : 1.0, dfc ? dfc[m] : 0.0, &dR[m]);
        }
    }
    memset(G, 0, p->n_sf * sizeof *G);
    for (size_t t = 0; t < p->n_rad; t++) {
        const pesx_sfterm *term = &p->rad[t];
        const double *R = ws->R + (size_t)term->f * cap;
        double s = 0.0;
        if (term->weighted) {
            for (size_t m = 0; m < n; m++)
                s += ws->zw[m] * R[m];
        } else if (term->e1 < 0) {
            for (size_t m = 0; m < n; m++)
                s += R[m];
        } else {
            const size_t *l = ws->list + (size_t)term->e1 * cap;
            for (size_t k = 0; k < ws->nlist_e[term->e1]; k++)
                s += R[l[k]];
        }
        G[term->sf] = s;
    }
    for (size_t g = 0; g < p->n_ang; g++) {
        ws->pstart[g] = ws->n_pairs;
        st = generic(d, &p->ang[g]) ? angular_values(d, p, &p->ang[g], g, G, ws)
                                    : pesx_ang_fast_values(d, p, &p->ang[g], g, G, ws);
        if (st)
            return st;
    }
    ws->pstart[p->n_ang] = ws->n_pairs;
    return PESX_OK;
}

int pesx_descriptor_atom_gradient(const pesx_descriptor *d, const pesx_nlist *nl,
                                  size_t nset, const double *dEdG, double *grad,
                                  size_t stride, pesx_descriptor_workspace *ws)
{
    const pesx_elplan *p;
    size_t n, cap, nsf, i;
    double *gnb, *gr;
    int st;
    (void)nl;
    if (ws->elem < 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "descriptor gradient before values");
    if (nset == 0)
        return PESX_OK;
    if (nset > PESX_DESCRIPTOR_MAX_SETS)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "too many coefficient sets (%zu)", nset);
    if ((st = pesx_dws_reserve_grad(ws, nset)))
        return st;
    p = &d->el[ws->elem];
    n = ws->n;
    cap = ws->cap;
    nsf = p->n_sf;
    i = ws->atom;
    gnb = ws->gnb; /* set s: gnb + s * 3 (n + 1), entry n = the central atom */
    gr = ws->gr;   /* set s: gr + s * n */
    memset(gnb, 0, nset * 3 * (n + 1) * sizeof *gnb);
    memset(gr, 0, nset * n * sizeof *gr);
    /* radial: scalar dE/dr_m per neighbour */
    for (size_t t = 0; t < p->n_rad; t++) {
        const pesx_sfterm *term = &p->rad[t];
        const double *dR = ws->dR + (size_t)term->f * cap;
        for (size_t s = 0; s < nset; s++) {
            double w = dEdG[s * nsf + term->sf], *g = gr + s * n;
            if (w == 0.0)
                continue;
            if (term->weighted) {
                for (size_t m = 0; m < n; m++)
                    g[m] += w * ws->zw[m] * dR[m];
            } else if (term->e1 < 0) {
                for (size_t m = 0; m < n; m++)
                    g[m] += w * dR[m];
            } else {
                const size_t *l = ws->list + (size_t)term->e1 * cap;
                for (size_t k = 0; k < ws->nlist_e[term->e1]; k++)
                    g[l[k]] += w * dR[l[k]];
            }
        }
    }
    /* angular groups over the stored pairs */
    for (size_t gi = 0; gi < p->n_ang; gi++) {
        const pesx_angroup *g = &p->ang[gi];
        double *aw = ws->aw, *bw = ws->bw;
        if (!generic(d, g)) {
            pesx_ang_fast_gradient(d, p, g, gi, nset, dEdG, gnb, ws);
            continue;
        }
        for (size_t pp = ws->pstart[gi]; pp < ws->pstart[gi + 1]; pp++) {
            size_t m1 = ws->pj[pp], m2 = ws->pk[pp];
            const double *pd = ws->pd + ws->pdoff[pp];
            double c = pd[0], rjk = pd[1], theta = pd[2], inv_sin = pd[3];
            double w = g->weighted ? ws->zw[m1] * ws->zw[m2] : 1.0;
            size_t nfq = g->nf;
            for (size_t t = 0; t < g->nterms; t++)
                aw[t] = afac(&g->terms[t], c, theta, inv_sin, &bw[t]);
            for (size_t s = 0; s < nset; s++) {
                const double *cs = dEdG + s * nsf;
                double grij = 0, grik = 0, grjk = 0, gcos = 0;
                for (size_t q = 0; q < nfq; q++) {
                    size_t f = (size_t)g->f[q];
                    double A = 0, B = 0, rj, drj, rk, drk, rjk_v = 1, drjk = 0;
                    for (size_t t = g->tstart[q]; t < g->tstart[q + 1]; t++) {
                        double cw = cs[g->terms[t].sf];
                        A += cw * aw[t];
                        B += cw * bw[t];
                    }
                    if (A == 0.0 && B == 0.0)
                        continue;
                    rj = ws->R[f * cap + m1];
                    drj = ws->dR[f * cap + m1];
                    rk = ws->R[f * cap + m2];
                    drk = ws->dR[f * cap + m2];
                    if (g->narrow) {
                        rjk_v = pd[4 + 2 * q];
                        drjk = pd[5 + 2 * q];
                    }
                    grij += A * drj * rk * rjk_v;
                    grik += A * rj * drk * rjk_v;
                    grjk += A * rj * rk * drjk;
                    gcos += B * rj * rk * rjk_v;
                }
                grij *= w;
                grik *= w;
                grjk *= w;
                gcos *= w;
                {
                    double u1x = ws->ux[m1], u1y = ws->uy[m1], u1z = ws->uz[m1];
                    double u2x = ws->ux[m2], u2y = ws->uy[m2], u2z = ws->uz[m2];
                    double c1 = gcos * ws->ir[m1], c2 = gcos * ws->ir[m2];
                    double gjx = grij * u1x + c1 * (u2x - c * u1x);
                    double gjy = grij * u1y + c1 * (u2y - c * u1y);
                    double gjz = grij * u1z + c1 * (u2z - c * u1z);
                    double gkx = grik * u2x + c2 * (u1x - c * u2x);
                    double gky = grik * u2y + c2 * (u1y - c * u2y);
                    double gkz = grik * u2z + c2 * (u1z - c * u2z);
                    double *gb = gnb + s * 3 * (n + 1);
                    if (g->narrow && grjk != 0.0) {
                        double h = grjk / rjk;
                        double ex = (ws->dx[m2] - ws->dx[m1]) * h;
                        double ey = (ws->dy[m2] - ws->dy[m1]) * h;
                        double ez = (ws->dz[m2] - ws->dz[m1]) * h;
                        gjx -= ex;
                        gjy -= ey;
                        gjz -= ez;
                        gkx += ex;
                        gky += ey;
                        gkz += ez;
                    }
                    gb[3 * m1] += gjx;
                    gb[3 * m1 + 1] += gjy;
                    gb[3 * m1 + 2] += gjz;
                    gb[3 * m2] += gkx;
                    gb[3 * m2 + 1] += gky;
                    gb[3 * m2 + 2] += gkz;
                    gb[3 * n] -= gjx + gkx;
                    gb[3 * n + 1] -= gjy + gky;
                    gb[3 * n + 2] -= gjz + gkz;
                }
            }
        }
    }
    /* fold the radial scalars in and scatter onto atoms */
    for (size_t s = 0; s < nset; s++) {
        double *gb = gnb + s * 3 * (n + 1), *g = gr + s * n, *out = grad + s * stride;
        double gix = gb[3 * n], giy = gb[3 * n + 1], giz = gb[3 * n + 2];
        for (size_t m = 0; m < n; m++) {
            double fx = gb[3 * m] + g[m] * ws->ux[m];
            double fy = gb[3 * m + 1] + g[m] * ws->uy[m];
            double fz = gb[3 * m + 2] + g[m] * ws->uz[m];
            size_t j = ws->id[m];
            out[3 * j] += fx;
            out[3 * j + 1] += fy;
            out[3 * j + 2] += fz;
            gix -= g[m] * ws->ux[m];
            giy -= g[m] * ws->uy[m];
            giz -= g[m] * ws->uz[m];
        }
        out[3 * i] += gix;
        out[3 * i + 1] += giy;
        out[3 * i + 2] += giz;
    }
    return PESX_OK;
}
