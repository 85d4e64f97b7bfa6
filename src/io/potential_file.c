/* The plain-data potential (pesx_potential_file): construction, release and
 * the consistency rules of the format (pesx-potential(5)). */
#include <config.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "io/potential_file_impl.h"

void pesx_potential_file_init(pesx_potential_file *pf)
{
    memset(pf, 0, sizeof *pf);
    pf->version = PESX_POTENTIAL_FILE_VERSION;
    pf->n_members = 1;
    pf->cutoff_alpha = 0.0;
    snprintf(pf->scaling_mode, sizeof pf->scaling_mode, "none");
    pf->smin = 0.0;
    pf->smax = 1.0;
    pf->mean_energy = 0.0;
    pf->conv_energy = 1.0;
    pf->rmse_energy_train = pf->rmse_energy_test = NAN;
    pf->rmse_force_train = pf->rmse_force_test = NAN;
}

static void element_release(pesx_potential_file_element *e)
{
    free(e->sf);
    free(e->size);
    free(e->activation);
    free(e->weights);
}

void pesx_potential_file_release(pesx_potential_file *pf)
{
    if (!pf)
        return;
    for (size_t k = 0; k < pf->n_elements; k++)
        element_release(&pf->element[k]);
    free(pf->element);
    pesx_potential_file_init(pf);
}

static void *dup_block(const void *src, size_t bytes)
{
    void *d = malloc(bytes ? bytes : 1);
    if (d && bytes)
        memcpy(d, src, bytes);
    return d;
}

int pesx_potential_file_copy(pesx_potential_file *dst, const pesx_potential_file *src)
{
    *dst = *src;
    dst->element = calloc(src->n_elements + 1, sizeof *dst->element);
    if (!dst->element) {
        pesx_potential_file_init(dst);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t k = 0; k < src->n_elements; k++) {
        const pesx_potential_file_element *e = &src->element[k];
        pesx_potential_file_element *d = &dst->element[k];
        *d = *e;
        d->sf = dup_block(e->sf, e->n_sf * sizeof *e->sf);
        d->size = dup_block(e->size, e->n_sizes * sizeof *e->size);
        d->activation = dup_block(e->activation,
                                  (e->n_sizes ? e->n_sizes - 1 : 0) * sizeof *e->activation);
        d->weights = dup_block(e->weights, src->n_members * e->n_weights * sizeof *e->weights);
        if (!d->sf || !d->size || !d->activation || !d->weights) {
            dst->n_elements = k + 1;
            pesx_potential_file_release(dst);
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        }
    }
    return PESX_OK;
}

size_t pesx_potential_file_weight_count(size_t n_sizes, const size_t *sizes)
{
    size_t n = 0;
    for (size_t l = 1; l < n_sizes; l++) {
        size_t a = sizes[l - 1], b = sizes[l], p;
        if (a == SIZE_MAX || (b && a + 1 > SIZE_MAX / b))
            return SIZE_MAX;
        p = (a + 1) * b;
        if (p >= SIZE_MAX - n)
            return SIZE_MAX;
        n += p;
    }
    return n;
}

pesx_potential_file_element *pesx_potential_file_add_element(
    pesx_potential_file *pf, const char *symbol, size_t n_sf, size_t n_sizes,
    const size_t *sizes)
{
    int z = symbol ? pesx_element_z(symbol) : 0;
    pesx_potential_file_element e, *grown;
    size_t pos;
    if (!z) {
        pesx_error_set(PESX_EINVAL, "", 0, "unknown element '%s'", symbol ? symbol : "(null)");
        return NULL;
    }
    for (size_t k = 0; k < pf->n_elements; k++)
        if (pf->element[k].z == z) {
            pesx_error_set(PESX_EINVAL, "", 0, "element %s given twice", symbol);
            return NULL;
        }
    if (n_sf == 0 || n_sizes < 2 || n_sizes > PESX_PF_MAX_SIZES || sizes[0] != n_sf) {
        pesx_error_set(PESX_EINVAL, "", 0,
                       "element %s: a network needs 2 to %d layers and as many inputs as "
                       "symmetry functions (%zu)",
                       symbol, PESX_PF_MAX_SIZES, n_sf);
        return NULL;
    }
    if (pf->n_members == 0) {
        pesx_error_set(PESX_EINVAL, "", 0, "a potential needs at least one committee member");
        return NULL;
    }
    memset(&e, 0, sizeof e);
    snprintf(e.symbol, sizeof e.symbol, "%s", pesx_element_symbol(z));
    e.z = z;
    e.n_sf = n_sf;
    e.n_sizes = n_sizes;
    e.n_weights = pesx_potential_file_weight_count(n_sizes, sizes);
    if (e.n_weights == SIZE_MAX || e.n_weights > SIZE_MAX / sizeof(double) / pf->n_members) {
        pesx_error_set(PESX_EINVAL, "", 0, "element %s: the network has too many weights",
                       symbol);
        return NULL;
    }
    e.sf = calloc(n_sf, sizeof *e.sf);
    e.size = malloc(n_sizes * sizeof *e.size);
    e.activation = calloc(n_sizes - 1, sizeof *e.activation);
    e.weights = calloc(pf->n_members * e.n_weights, sizeof *e.weights);
    grown = realloc(pf->element, (pf->n_elements + 1) * sizeof *grown);
    if (grown)
        pf->element = grown;
    if (!e.sf || !e.size || !e.activation || !e.weights || !grown) {
        element_release(&e);
        pesx_error_set(PESX_ENOMEM, "", 0, "out of memory for element %s", symbol);
        return NULL;
    }
    memcpy(e.size, sizes, n_sizes * sizeof *e.size);
    for (size_t k = 0; k < n_sf; k++) {
        e.sf[k].gmin = e.sf[k].gmax = e.sf[k].gmean = e.sf[k].gsigma = NAN;
        e.sf[k].train_min = e.sf[k].train_max = NAN;
    }
    for (pos = pf->n_elements; pos > 0 && pf->element[pos - 1].z > z; pos--)
        pf->element[pos] = pf->element[pos - 1];
    pf->element[pos] = e;
    pf->n_elements++;
    return &pf->element[pos];
}

int pesx_potential_file_sf_set(pesx_potential_file_sf *sf, const char *name, double value)
{
    size_t k;
    if (!name || !name[0] || strlen(name) >= PESX_PF_NAME)
        return pesx_error_set(PESX_EINVAL, "", 0, "bad symmetry-function parameter name '%s'",
                              name ? name : "(null)");
    for (k = 0; k < sf->n_params; k++)
        if (strcmp(sf->param_name[k], name) == 0)
            break;
    if (k == sf->n_params) {
        if (k == PESX_PF_MAX_PARAMS)
            return pesx_error_set(PESX_EINVAL, "", 0,
                                  "more than %d symmetry-function parameters (at '%s')",
                                  PESX_PF_MAX_PARAMS, name);
        snprintf(sf->param_name[k], PESX_PF_NAME, "%s", name);
        sf->n_params++;
    }
    sf->param[k] = value;
    return PESX_OK;
}

int pesx_potential_file_sf_get(const pesx_potential_file_sf *sf, const char *name, double *value)
{
    for (size_t k = 0; k < sf->n_params; k++)
        if (strcmp(sf->param_name[k], name) == 0) {
            *value = sf->param[k];
            return 1;
        }
    return 0;
}

static const char *const modes[] = {"none", "scale", "center", "scale-center", "sigma", NULL};

int pesx_pf_scaling_mode_known(const char *mode)
{
    for (size_t k = 0; modes[k]; k++)
        if (strcmp(modes[k], mode) == 0)
            return 1;
    return 0;
}

void pesx_pf_scaling_needs(const char *mode, int *minmax, int *mean, int *sigma, int *srange)
{
    *minmax = !strcmp(mode, "scale") || !strcmp(mode, "scale-center");
    *mean = !strcmp(mode, "center") || !strcmp(mode, "scale-center") || !strcmp(mode, "sigma");
    *sigma = !strcmp(mode, "sigma");
    *srange = *minmax || *sigma;
}

/* NaN (unknown) or finite; never infinite. */
static int nan_or_finite(double x)
{
    return isnan(x) || isfinite(x);
}

static int has_element(const pesx_potential_file *pf, const char *sym)
{
    for (size_t k = 0; k < pf->n_elements; k++)
        if (strcmp(pf->element[k].symbol, sym) == 0)
            return 1;
    return 0;
}

#define LINE(field) (lines ? lines->field : 0)
#define ELINE(k) (lines && lines->element ? lines->element[k] : 0)
#define NLINE(k) (lines && lines->network ? lines->network[k] : 0)
#define SLINE(k, s) (lines && lines->sf && lines->sf[k] ? lines->sf[k][s] : 0)

/* Attribute names the <sf> element uses itself. */
static const char *const sf_reserved[] = {"index", "type", "e1",    "e2",        "sub",
                                          "min",   "max",  "mean",  "sigma",     "train-min",
                                          "train-max", NULL};

int pesx_pf_sf_attr_reserved(const char *name)
{
    for (size_t k = 0; sf_reserved[k]; k++)
        if (strcmp(sf_reserved[k], name) == 0)
            return 1;
    return 0;
}

/* A parameter name must be usable as an XML attribute name. */
static int param_name_ok(const char *name)
{
    if (!((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') || *name == '_'))
        return 0;
    for (const char *c = name + 1; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '-' || *c == '.'))
            return 0;
    return !pesx_pf_sf_attr_reserved(name);
}

static int check_sf(const pesx_potential_file *pf, size_t k, size_t s, const char *path,
                    const pesx_pf_lines *lines)
{
    const pesx_potential_file_element *e = &pf->element[k];
    const pesx_potential_file_sf *sf = &e->sf[s];
    long line = SLINE(k, s);
    int minmax, mean, sigma, srange;
    if (!sf->type[0])
        return pesx_error_set(PESX_EINVAL, path, line,
                              "element %s, symmetry function %zu: no type", e->symbol, s + 1);
    if (sf->e1[0] && !has_element(pf, sf->e1))
        return pesx_error_set(PESX_EINVAL, path, line,
                              "element %s, symmetry function %zu: neighbour element %s is not an "
                              "element of the potential",
                              e->symbol, s + 1, sf->e1);
    if (sf->e2[0] && !has_element(pf, sf->e2))
        return pesx_error_set(PESX_EINVAL, path, line,
                              "element %s, symmetry function %zu: neighbour element %s is not an "
                              "element of the potential",
                              e->symbol, s + 1, sf->e2);
    if (sf->n_params > PESX_PF_MAX_PARAMS)
        return pesx_error_set(PESX_EINVAL, path, line, "too many parameters");
    for (size_t p = 0; p < sf->n_params; p++) {
        if (!param_name_ok(sf->param_name[p]))
            return pesx_error_set(PESX_EINVAL, path, line,
                                  "element %s, symmetry function %zu: bad parameter name '%s'",
                                  e->symbol, s + 1, sf->param_name[p]);
        if (!isfinite(sf->param[p]))
            return pesx_error_set(PESX_EINVAL, path, line,
                                  "element %s, symmetry function %zu: parameter %s is not finite",
                                  e->symbol, s + 1, sf->param_name[p]);
        for (size_t q = 0; q < p; q++)
            if (strcmp(sf->param_name[p], sf->param_name[q]) == 0)
                return pesx_error_set(PESX_EINVAL, path, line,
                                      "element %s, symmetry function %zu: parameter %s given twice",
                                      e->symbol, s + 1, sf->param_name[p]);
    }
    if (!nan_or_finite(sf->gmin) || !nan_or_finite(sf->gmax) || !nan_or_finite(sf->gmean) ||
        !nan_or_finite(sf->gsigma) || !nan_or_finite(sf->train_min) ||
        !nan_or_finite(sf->train_max))
        return pesx_error_set(PESX_EINVAL, path, line,
                              "element %s, symmetry function %zu: infinite statistics", e->symbol,
                              s + 1);
    pesx_pf_scaling_needs(pf->scaling_mode, &minmax, &mean, &sigma, &srange);
    if ((minmax && (isnan(sf->gmin) || isnan(sf->gmax))) || (mean && isnan(sf->gmean)) ||
        (sigma && isnan(sf->gsigma)))
        return pesx_error_set(PESX_EINVAL, path, line,
                              "element %s, symmetry function %zu: scaling mode %s needs %s",
                              e->symbol, s + 1, pf->scaling_mode,
                              minmax ? (mean ? "min, max and mean" : "min and max")
                                     : (sigma ? "mean and sigma" : "mean"));
    if (!isnan(sf->gmin) && !isnan(sf->gmax) && sf->gmin > sf->gmax)
        return pesx_error_set(PESX_EINVAL, path, line,
                              "element %s, symmetry function %zu: min %.17g > max %.17g",
                              e->symbol, s + 1, sf->gmin, sf->gmax);
    if (isnan(sf->train_min) != isnan(sf->train_max) ||
        (!isnan(sf->train_min) && sf->train_min > sf->train_max))
        return pesx_error_set(PESX_EINVAL, path, line,
                              "element %s, symmetry function %zu: bad training range", e->symbol,
                              s + 1);
    return PESX_OK;
}

static int check_element(const pesx_potential_file *pf, size_t k, const char *path,
                         const pesx_pf_lines *lines)
{
    const pesx_potential_file_element *e = &pf->element[k];
    size_t nw = 0;
    int z = pesx_element_z(e->symbol);
    if (!z || z != e->z)
        return pesx_error_set(PESX_EINVAL, path, ELINE(k), "element '%s' (Z = %d) unknown",
                              e->symbol, e->z);
    if (k > 0 && pf->element[k - 1].z >= e->z)
        return pesx_error_set(PESX_EINVAL, path, ELINE(k),
                              "elements must be unique and in order of atomic number (%s after %s)",
                              e->symbol, pf->element[k - 1].symbol);
    if (!isfinite(e->ref_energy))
        return pesx_error_set(PESX_EINVAL, path, ELINE(k), "element %s: reference energy not finite",
                              e->symbol);
    if (e->n_sf == 0)
        return pesx_error_set(PESX_EINVAL, path, ELINE(k), "element %s has no symmetry functions",
                              e->symbol);
    for (size_t s = 0; s < e->n_sf; s++) {
        int st = check_sf(pf, k, s, path, lines);
        if (st)
            return st;
    }
    if (e->n_sizes < 2 || e->n_sizes > PESX_PF_MAX_SIZES)
        return pesx_error_set(PESX_EINVAL, path, NLINE(k),
                              "element %s: a network needs 2 to %d layers, not %zu", e->symbol,
                              PESX_PF_MAX_SIZES, e->n_sizes);
    if (e->size[0] != e->n_sf)
        return pesx_error_set(PESX_EINVAL, path, NLINE(k),
                              "element %s: the network has %zu inputs but there are %zu symmetry "
                              "functions",
                              e->symbol, e->size[0], e->n_sf);
    if (e->size[e->n_sizes - 1] != 1)
        return pesx_error_set(PESX_EINVAL, path, NLINE(k),
                              "element %s: the network must have one output, not %zu", e->symbol,
                              e->size[e->n_sizes - 1]);
    for (size_t l = 0; l < e->n_sizes; l++)
        if (e->size[l] == 0)
            return pesx_error_set(PESX_EINVAL, path, NLINE(k), "element %s: layer %zu is empty",
                                  e->symbol, l);
    for (size_t l = 0; l + 1 < e->n_sizes; l++)
        if (!e->activation[l][0])
            return pesx_error_set(PESX_EINVAL, path, NLINE(k),
                                  "element %s: layer %zu has no activation", e->symbol, l + 1);
    for (size_t l = 1; l < e->n_sizes; l++)
        nw += e->size[l - 1] * e->size[l] + e->size[l];
    if (nw != e->n_weights)
        return pesx_error_set(PESX_EINVAL, path, NLINE(k),
                              "element %s: %zu weights per member, but the architecture needs %zu",
                              e->symbol, e->n_weights, nw);
    for (size_t w = 0; w < pf->n_members * e->n_weights; w++)
        if (!isfinite(e->weights[w]))
            return pesx_error_set(PESX_EINVAL, path, NLINE(k),
                                  "element %s: weight %zu of member %zu is not finite", e->symbol,
                                  w % e->n_weights + 1, w / e->n_weights + 1);
    return PESX_OK;
}

int pesx_pf_check(const pesx_potential_file *pf, const char *path, const pesx_pf_lines *lines)
{
    int minmax, mean, sigma, srange;
    if (!path)
        path = "";
    if (pf->version != PESX_POTENTIAL_FILE_VERSION)
        return pesx_error_set(PESX_EINVAL, path, LINE(root),
                              "unsupported potential file version %d (this pesx knows version %d)",
                              pf->version, PESX_POTENTIAL_FILE_VERSION);
    if (pf->n_elements == 0)
        return pesx_error_set(PESX_EINVAL, path, LINE(root), "the potential has no elements");
    if (pf->n_members < 1 || pf->n_members > 10000)
        return pesx_error_set(PESX_EINVAL, path, LINE(committee),
                              "committee size %zu out of range (1 to 10000)", pf->n_members);
    if (!pf->cutoff_type[0])
        return pesx_error_set(PESX_EINVAL, path, LINE(cutoff), "no cutoff function type");
    if (!(pf->cutoff_alpha >= 0.0 && pf->cutoff_alpha < 1.0))
        return pesx_error_set(PESX_EINVAL, path, LINE(cutoff),
                              "cutoff alpha %.17g outside [0, 1)", pf->cutoff_alpha);
    if (!pesx_pf_scaling_mode_known(pf->scaling_mode))
        return pesx_error_set(PESX_EINVAL, path, LINE(scaling),
                              "unknown scaling mode '%s' (none, scale, center, scale-center, sigma)",
                              pf->scaling_mode);
    pesx_pf_scaling_needs(pf->scaling_mode, &minmax, &mean, &sigma, &srange);
    if (!isfinite(pf->smin) || !isfinite(pf->smax) || (srange && !(pf->smin < pf->smax)))
        return pesx_error_set(PESX_EINVAL, path, LINE(scaling),
                              "scaling range [%.17g, %.17g] is not an interval", pf->smin,
                              pf->smax);
    if (!isfinite(pf->mean_energy) || !isfinite(pf->conv_energy) || pf->conv_energy == 0.0)
        return pesx_error_set(PESX_EINVAL, path, LINE(normalization),
                              "normalization needs a finite mean energy and a finite non-zero "
                              "conv-energy");
    if (!(isnan(pf->rmse_energy_train) || pf->rmse_energy_train >= 0) ||
        !(isnan(pf->rmse_energy_test) || pf->rmse_energy_test >= 0) ||
        !(isnan(pf->rmse_force_train) || pf->rmse_force_train >= 0) ||
        !(isnan(pf->rmse_force_test) || pf->rmse_force_test >= 0) ||
        isinf(pf->rmse_energy_train) || isinf(pf->rmse_energy_test) ||
        isinf(pf->rmse_force_train) || isinf(pf->rmse_force_test))
        return pesx_error_set(PESX_EINVAL, path, LINE(metadata),
                              "RMSEs must be finite and non-negative");
    for (size_t k = 0; k < pf->n_elements; k++) {
        int st = check_element(pf, k, path, lines);
        if (st)
            return st;
    }
    return PESX_OK;
}

int pesx_potential_file_check(const pesx_potential_file *pf, const char *path)
{
    return pesx_pf_check(pf, path, NULL);
}
