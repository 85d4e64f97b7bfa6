/* fit: the live model of a potential file (descriptor, scaling, networks,
 * reference energies) and its conversion back to the plain file. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/fit.h>
#include <pesx/fit_sf.h>

static void free_nets(pesx_fit_model *m)
{
    if (m->net)
        for (size_t q = 0; q < m->n_members * m->n_elem; q++)
            pesx_nn_free(m->net[q]);
    free(m->net);
    m->net = NULL;
    m->n_weights = 0;
}

void pesx_fit_model_release(pesx_fit_model *m)
{
    if (!m)
        return;
    pesx_descriptor_free(m->desc);
    free_nets(m);
    for (size_t e = 0; m->factor && e < m->n_elem; e++) {
        free(m->factor[e]);
        free(m->offset[e]);
    }
    free(m->factor);
    free(m->offset);
    free(m->w_start);
    free(m->ref_energy);
    memset(m, 0, sizeof *m);
}

int pesx_fit_model_set_scaling(pesx_fit_model *m, const pesx_potential_file *pf)
{
    int mode = pesx_scaling_lookup(pf->scaling_mode), st;
    if (mode < 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "unknown scaling mode '%s'", pf->scaling_mode);
    for (size_t e = 0; e < m->n_elem; e++) {
        const pesx_potential_file_element *el = &pf->element[e];
        for (size_t k = 0; k < el->n_sf; k++) {
            const pesx_potential_file_sf *s = &el->sf[k];
            st = pesx_scaling_coefficients(mode, pf->smin, pf->smax, s->gmin, s->gmax, s->gmean,
                                           s->gsigma, &m->factor[e][k], &m->offset[e][k]);
            if (st < 0 || st > 1)
                return pesx_error_prefix("element %s, symmetry function %zu: ", el->symbol, k + 1);
        }
    }
    return PESX_OK;
}

static int alloc_nets(pesx_fit_model *m, size_t M)
{
    free_nets(m);
    m->n_members = M;
    if (!(m->net = calloc(M * m->n_elem, sizeof *m->net)))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    return PESX_OK;
}

static void count_weights(pesx_fit_model *m)
{
    size_t off = 0;
    for (size_t e = 0; e < m->n_elem; e++) {
        m->w_start[e] = off;
        off += m->net[e]->n_weights;
    }
    m->n_weights = off;
}

int pesx_fit_model_init(pesx_fit_model *m, const pesx_potential_file *pf, int stats_later)
{
    int ct, st;
    size_t ne = pf->n_elements;
    memset(m, 0, sizeof *m);
    if (ne == 0 || ne > PESX_MAX_Z)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "potential has no elements");
    if ((ct = pesx_cutoff_lookup(pf->cutoff_type)) < 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "unknown cutoff type '%s'", pf->cutoff_type);
    for (size_t e = 0; e < ne; e++)
        m->z[e] = pf->element[e].z;
    m->n_elem = ne;
    m->conv_energy = pf->conv_energy > 0 ? pf->conv_energy : 1.0;
    /* the live descriptor (SFs in network input order, finalised) */
    if (!(m->desc = pesx_fit_descriptor_from_file(pf)))
        return pesx_error_last()->code ? pesx_error_last()->code : PESX_EINVAL;
    m->factor = calloc(ne, sizeof *m->factor);
    m->offset = calloc(ne, sizeof *m->offset);
    m->w_start = calloc(ne, sizeof *m->w_start);
    m->ref_energy = calloc(ne, sizeof *m->ref_energy);
    if (!m->factor || !m->offset || !m->w_start || !m->ref_energy) {
        st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    for (size_t e = 0; e < ne; e++) {
        const pesx_potential_file_element *el = &pf->element[e];
        m->ref_energy[e] = el->ref_energy + pf->mean_energy;
        m->factor[e] = malloc((el->n_sf + 1) * sizeof **m->factor);
        m->offset[e] = malloc((el->n_sf + 1) * sizeof **m->offset);
        if (!m->factor[e] || !m->offset[e]) {
            st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
            goto fail;
        }
        if (el->n_sf == 0) {
            st = pesx_error_set(PESX_EINVAL, NULL, 0, "element %s has no symmetry functions",
                                el->symbol);
            goto fail;
        }
        for (size_t k = 0; k < el->n_sf; k++) {
            m->factor[e][k] = 1.0;
            m->offset[e][k] = 0.0;
        }
    }
    if (!stats_later && (st = pesx_fit_model_set_scaling(m, pf)))
        goto fail;
    if (pf->element[0].n_sizes >= 2 && pf->element[0].activation[0][0]) {
        size_t M = pf->n_members;
        if ((st = alloc_nets(m, M)))
            goto fail;
        for (size_t e = 0; e < ne; e++) {
            const pesx_potential_file_element *el = &pf->element[e];
            const char *acts[PESX_NN_MAX_LAYERS];
            if (el->n_sizes < 2 || el->n_sizes > PESX_NN_MAX_LAYERS) {
                st = pesx_error_set(PESX_EINVAL, NULL, 0, "element %s: bad network", el->symbol);
                goto fail;
            }
            for (size_t l = 0; l + 1 < el->n_sizes; l++)
                acts[l] = el->activation[l];
            for (size_t q = 0; q < M; q++) {
                pesx_nn *net = pesx_nn_alloc_named(el->n_sizes, el->size, acts,
                                                   el->normalize_nodes);
                if (!net) {
                    st = PESX_EINVAL;
                    goto fail;
                }
                m->net[q * ne + e] = net;
                if ((st = pesx_nn_set_weights(net, el->weights + q * el->n_weights,
                                              el->n_weights)))
                    goto fail;
            }
        }
        count_weights(m);
    }
    return PESX_OK;
fail:
    pesx_fit_model_release(m);
    return st ? st : PESX_EINVAL;
}

int pesx_fit_model_set_networks(pesx_fit_model *m, size_t n_members, size_t n_hidden,
                                const size_t *hidden, const char *act, unsigned long long seed)
{
    size_t sizes[PESX_NN_MAX_LAYERS];
    const char *acts[PESX_NN_MAX_LAYERS];
    int st;
    if (n_members < 1 || n_hidden + 2 > PESX_NN_MAX_LAYERS)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "bad network layout");
    if (!pesx_nn_activation_lookup(act))
        return PESX_EINVAL;
    if ((st = alloc_nets(m, n_members)))
        return st;
    for (size_t e = 0; e < m->n_elem; e++) {
        sizes[0] = pesx_descriptor_n_sf(m->desc, e);
        for (size_t l = 0; l < n_hidden; l++) {
            if (hidden[l] < 1)
                return pesx_error_set(PESX_EINVAL, NULL, 0, "a hidden layer needs >= 1 node");
            sizes[l + 1] = hidden[l];
            acts[l] = act;
        }
        sizes[n_hidden + 1] = 1;
        acts[n_hidden] = "linear";
        for (size_t q = 0; q < n_members; q++) {
            pesx_rng rng;
            pesx_nn *net = pesx_nn_alloc_named(n_hidden + 2, sizes, acts, 0);
            if (!net)
                return PESX_EINVAL;
            m->net[q * m->n_elem + e] = net;
            pesx_rng_seed(&rng, seed + 7919ULL * q + 104729ULL * e);
            if ((st = pesx_nn_init_weights(net, &rng, PESX_NN_INIT_NGUYEN_WIDROW)))
                return st;
        }
    }
    count_weights(m);
    return PESX_OK;
}

void pesx_fit_model_get_weights(const pesx_fit_model *m, size_t member, double *w)
{
    for (size_t e = 0; e < m->n_elem; e++) {
        const pesx_nn *net = m->net[member * m->n_elem + e];
        memcpy(w + m->w_start[e], net->w, net->n_weights * sizeof *w);
    }
}

void pesx_fit_model_put_weights(pesx_fit_model *m, size_t member, const double *w)
{
    for (size_t e = 0; e < m->n_elem; e++) {
        pesx_nn *net = m->net[member * m->n_elem + e];
        memcpy(net->w, w + m->w_start[e], net->n_weights * sizeof *w);
    }
}

int pesx_fit_model_to_file(const pesx_fit_model *m, pesx_potential_file *pf)
{
    if (pf->n_elements != m->n_elem || !m->net)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "model and potential file do not match");
    pf->n_members = m->n_members;
    pf->conv_energy = m->conv_energy;
    pf->mean_energy = 0.0;
    for (size_t e = 0; e < m->n_elem; e++) {
        pesx_potential_file_element *el = &pf->element[e];
        const pesx_nn *n0 = m->net[e];
        size_t nw = n0->n_weights, *size;
        char(*act)[PESX_PF_NAME];
        double *w;
        if (el->z != m->z[e] || el->n_sf != pesx_nn_n_in(n0))
            return pesx_error_set(PESX_EINVAL, NULL, 0, "element %s does not match the model",
                                  el->symbol);
        size = malloc(n0->n_sizes * sizeof *size);
        act = malloc((n0->n_sizes - 1) * sizeof *act);
        w = malloc(m->n_members * nw * sizeof *w);
        if (!size || !act || !w) {
            free(size);
            free(act);
            free(w);
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        }
        for (size_t l = 0; l < n0->n_sizes; l++)
            size[l] = n0->size[l];
        for (size_t l = 0; l + 1 < n0->n_sizes; l++)
            snprintf(act[l], PESX_PF_NAME, "%s", n0->act[l]->name);
        for (size_t q = 0; q < m->n_members; q++)
            memcpy(w + q * nw, m->net[q * m->n_elem + e]->w, nw * sizeof *w);
        free(el->size);
        free(el->activation);
        free(el->weights);
        el->size = size;
        el->activation = act;
        el->weights = w;
        el->n_sizes = n0->n_sizes;
        el->n_weights = nw;
        el->normalize_nodes = n0->normalize_nodes;
        el->ref_energy = m->ref_energy[e];
    }
    return PESX_OK;
}
