/* bpnn: turn a plain pesx_potential_file into a live descriptor, networks
 * and scaling coefficients. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "potential/bpnn_impl.h"
#include <pesx/potential_bpnn.h>

int pesx_bpnn_sf_from_file(const pesx_potential_file_sf *s, const char *where, pesx_sf *out)
{
    static const char *const names[] = {"eta", "rs", "rc", "lambda", "zeta",
                                        "kappa", "rl", "theta_l", "theta_r", NULL};
    double *slot[9];
    const pesx_sf_type *T;
    char req[128], *tok, *save = NULL;
    memset(out, 0, sizeof *out);
    if (!(T = pesx_sf_type_lookup(s->type)))
        return pesx_error_prefix("%s: ", where);
    out->type = T;
    slot[0] = &out->eta;
    slot[1] = &out->rs;
    slot[2] = &out->rc;
    slot[3] = &out->lambda;
    slot[4] = &out->zeta;
    slot[5] = &out->kappa;
    slot[6] = &out->rl;
    slot[7] = &out->theta_l;
    slot[8] = &out->theta_r;
    for (size_t p = 0; p < s->n_params; p++) {
        int k;
        for (k = 0; names[k]; k++)
            if (strcmp(names[k], s->param_name[p]) == 0)
                break;
        if (!names[k])
            return pesx_error_set(PESX_EINVAL, NULL, 0, "%s: unknown parameter '%s'", where,
                                  s->param_name[p]);
        *slot[k] = s->param[p];
    }
    snprintf(req, sizeof req, "%s", T->params);
    for (tok = strtok_r(req, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        double v;
        if (!pesx_potential_file_sf_get(s, tok, &v))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "%s: symmetry function type %s needs parameter '%s'", where,
                                  T->name, tok);
    }
    if (T->has_sub) {
        if (strlen(s->sub) >= sizeof out->sub)
            return pesx_error_set(PESX_EINVAL, NULL, 0, "%s: bad subtype '%s'", where, s->sub);
        strcpy(out->sub, s->sub);
    }
    if (!(T->flags & PESX_SF_WEIGHTED)) {
        out->z1 = s->e1[0] ? pesx_element_z(s->e1) : 0;
        out->z2 = s->e2[0] ? pesx_element_z(s->e2) : 0;
        if (out->z1 < 0 || out->z2 < 0 || (s->e1[0] && !out->z1) || (s->e2[0] && !out->z2))
            return pesx_error_set(PESX_EINVAL, NULL, 0, "%s: unknown element '%s%s%s'", where,
                                  s->e1, s->e2[0] ? "/" : "", s->e2);
    }
    return PESX_OK;
}

void pesx_bpnn_release(pesx_bpnn *b)
{
    if (!b)
        return;
    pesx_descriptor_free(b->desc);
    if (b->net)
        for (size_t q = 0; q < b->n_members * b->n_elem; q++)
            pesx_nn_free(b->net[q]);
    free(b->net);
    for (size_t e = 0; b->factor && e < b->n_elem; e++) {
        free(b->factor[e]);
        free(b->offset[e]);
        free(b->tmin[e]);
        free(b->tmax[e]);
    }
    free(b->factor);
    free(b->offset);
    free(b->tmin);
    free(b->tmax);
    free(b->ref_energy);
    pesx_nlist_release(&b->nl);
    for (size_t t = 0; t < b->n_threads; t++) {
        pesx_bpnn_thread *h = &b->th[t];
        pesx_descriptor_workspace_free(h->dws);
        pesx_nn_workspace_free(h->nws);
        free(h->G);
        free(h->x);
        free(h->dx);
        free(h->dEdG);
        free(h->grad);
        free(h->e_member);
    }
    free(b->th);
    free(b->atom_e);
    memset(b, 0, sizeof *b);
}

int pesx_bpnn_build(pesx_bpnn *b, const pesx_potential_file *pf, const char *path)
{
    int z[64], ct, mode, st;
    size_t ne = pf->n_elements, M = pf->n_members;
    const char *src = path ? path : "potential";
    memset(b, 0, sizeof *b);
    pesx_nlist_init(&b->nl);
    if ((st = pesx_potential_file_check(pf, path)))
        return st;
    if (ne > 64)
        return pesx_error_set(PESX_EUNSUPPORTED, path, 0, "more than 64 elements");
    if ((ct = pesx_cutoff_lookup(pf->cutoff_type)) < 0)
        return pesx_error_set(PESX_EINVAL, path, 0,
                              "unknown cutoff type '%s' (hard, cos, tanh3, tanh3n, exp, "
                              "poly1..poly4 or n2p2's 0..8)", pf->cutoff_type);
    if ((mode = pesx_scaling_lookup(pf->scaling_mode)) < 0)
        return pesx_error_set(PESX_EINVAL, path, 0,
                              "unknown scaling mode '%s' (none, scale, center, scale-center, "
                              "sigma)", pf->scaling_mode);
    if (!(pf->conv_energy > 0) || !isfinite(pf->mean_energy))
        return pesx_error_set(PESX_EINVAL, path, 0, "conv_energy must be > 0");
    for (size_t e = 0; e < ne; e++)
        z[e] = pf->element[e].z;
    b->n_elem = ne;
    b->n_members = M;
    b->conv_energy = pf->conv_energy;
    b->mean_energy = pf->mean_energy;
    if (!(b->desc = pesx_descriptor_alloc(ne, z, ct, pf->cutoff_alpha)))
        return pesx_error_prefix("%s: ", src);
    b->net = calloc(M * ne, sizeof *b->net);
    b->factor = calloc(ne, sizeof *b->factor);
    b->offset = calloc(ne, sizeof *b->offset);
    b->tmin = calloc(ne, sizeof *b->tmin);
    b->tmax = calloc(ne, sizeof *b->tmax);
    b->ref_energy = calloc(ne, sizeof *b->ref_energy);
    if (!b->net || !b->factor || !b->offset || !b->tmin || !b->tmax || !b->ref_energy) {
        st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    for (size_t e = 0; e < ne; e++) {
        const pesx_potential_file_element *el = &pf->element[e];
        size_t ns = el->n_sf;
        const char *acts[PESX_NN_MAX_LAYERS];
        b->ref_energy[e] = el->ref_energy;
        b->factor[e] = malloc((ns + 1) * sizeof **b->factor);
        b->offset[e] = malloc((ns + 1) * sizeof **b->offset);
        b->tmin[e] = malloc((ns + 1) * sizeof **b->tmin);
        b->tmax[e] = malloc((ns + 1) * sizeof **b->tmax);
        if (!b->factor[e] || !b->offset[e] || !b->tmin[e] || !b->tmax[e]) {
            st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
            goto fail;
        }
        for (size_t k = 0; k < ns; k++) {
            const pesx_potential_file_sf *s = &el->sf[k];
            char where[512];
            pesx_sf sf;
            snprintf(where, sizeof where, "%s: element %s, symmetry function %zu", src,
                     el->symbol, k + 1);
            if ((st = pesx_bpnn_sf_from_file(s, where, &sf)))
                goto fail;
            if ((st = pesx_descriptor_add(b->desc, el->z, &sf))) {
                pesx_error_prefix("%s: ", where);
                goto fail;
            }
            st = pesx_scaling_coefficients(mode, pf->smin, pf->smax, s->gmin, s->gmax,
                                           s->gmean, s->gsigma, &b->factor[e][k],
                                           &b->offset[e][k]);
            if (st == 1) {
                pesx_warn("%s: minimum = maximum in training: the input is constant", where);
                st = PESX_OK;
            } else if (st) {
                pesx_error_prefix("%s: ", where);
                goto fail;
            }
            b->tmin[e][k] = s->train_min;
            b->tmax[e][k] = s->train_max;
        }
        if (el->n_sizes < 2 || el->n_sizes > PESX_NN_MAX_LAYERS) {
            st = pesx_error_set(PESX_EINVAL, path, 0, "element %s: bad network depth",
                                el->symbol);
            goto fail;
        }
        for (size_t l = 0; l + 1 < el->n_sizes; l++)
            acts[l] = el->activation[l];
        for (size_t m = 0; m < M; m++) {
            pesx_nn *net = pesx_nn_alloc_named(el->n_sizes, el->size, acts, el->normalize_nodes);
            if (!net) {
                st = pesx_error_prefix("%s: element %s: ", src, el->symbol);
                goto fail;
            }
            b->net[m * ne + e] = net;
            if ((st = pesx_nn_set_weights(net, el->weights + m * el->n_weights, el->n_weights))) {
                pesx_error_prefix("%s: element %s: ", src, el->symbol);
                goto fail;
            }
        }
    }
    if ((st = pesx_descriptor_finalize(b->desc)))
        goto fail;
    b->max_n_sf = pesx_descriptor_max_n_sf(b->desc);
    b->rc = pesx_descriptor_cutoff(b->desc);
    return PESX_OK;
fail:
    pesx_bpnn_release(b);
    return pesx_error_last()->code ? pesx_error_last()->code : st;
}
