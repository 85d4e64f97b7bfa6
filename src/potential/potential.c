/* The potential front end: allocation from a type and parameters, the
 * unknown-key check, evaluation with finite-output checks and force-call
 * counting.  The "-p SPEC" parser is in spec.c. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "potential_impl.h"
#ifdef _OPENMP
#include <omp.h>
#endif

struct pesx_potential {
    const pesx_potential_type *type;
    void *state;
    char *spec;
    size_t calls;   /* the ledger: structures given to the type, */
    double seconds; /* and the wall time spent in it              */
    /* REPLICABLE types: states of threads 1.. of a batch, from the spec */
    pesx_potential **replicas;
    size_t n_replicas;
};

/* "epsilon, sigma, rc" from params_doc's "key=" words. */
static void valid_keys(const pesx_potential_type *T, char *buf, size_t size)
{
    const char *s = T->params_doc ? T->params_doc : "";
    size_t len = 0;
    buf[0] = '\0';
    while (*s) {
        if (isalpha((unsigned char)*s) || *s == '_') {
            const char *w = s;
            while (isalnum((unsigned char)*s) || *s == '_')
                s++;
            if (*s == '=' && (w == T->params_doc || !isalnum((unsigned char)w[-1]))) {
                int n = snprintf(buf + len, size - len, "%s%.*s", len ? ", " : "", (int)(s - w),
                                 w);
                if (n < 0 || (size_t)n >= size - len)
                    return;
                len += (size_t)n;
            }
        } else {
            s++;
        }
    }
    if (!len)
        snprintf(buf, size, "none");
}

static int check_unused(const pesx_potential_type *T, const pesx_params *params)
{
    char keys[512];
    for (size_t k = 0; params && k < params->n; k++) {
        if (params->used[k])
            continue;
        valid_keys(T, keys, sizeof keys);
        if (!params->value[k])
            return pesx_potential_param_error(
                params, params->key[k],
                "%s: unexpected parameter '%s' without a value (valid parameters: %s)", T->name,
                params->key[k], keys);
        return pesx_potential_param_error(params, params->key[k],
                                          "%s: unknown parameter '%s' (valid parameters: %s)",
                                          T->name, params->key[k], keys);
    }
    return PESX_OK;
}

static char *default_spec(const pesx_potential_type *T, const pesx_params *params)
{
    size_t len = strlen(T->name) + 2;
    char *s;
    for (size_t k = 0; params && k < params->n; k++)
        len += strlen(params->key[k]) + (params->value[k] ? strlen(params->value[k]) : 0) + 2;
    s = malloc(len);
    if (!s)
        return NULL;
    strcpy(s, T->name);
    for (size_t k = 0; params && k < params->n; k++) {
        strcat(s, k ? "," : ":");
        strcat(s, params->key[k]);
        if (params->value[k]) {
            strcat(s, "=");
            strcat(s, params->value[k]);
        }
    }
    return s;
}

/* Allocate with SPEC as the recorded spec (NULL: built from the params). */
pesx_potential *pesx_potential_alloc_spec(const pesx_potential_type *T, pesx_params *params,
                                          const char *spec)
{
    pesx_potential *p;
    pesx_params empty;
    int status;
    if (!T) {
        pesx_error_set(PESX_EINVAL, NULL, 0, "no potential type given");
        return NULL;
    }
    if (!params) {
        pesx_params_init(&empty);
        params = &empty;
    }
    p = calloc(1, sizeof *p);
    if (!p || !(p->state = calloc(1, T->state_size ? T->state_size : 1)) ||
        !(p->spec = spec ? strdup(spec) : default_spec(T, params))) {
        if (p) {
            free(p->state);
            free(p);
        }
        pesx_error_set(PESX_ENOMEM, NULL, 0, "%s: out of memory", T->name);
        return NULL;
    }
    p->type = T;
    status = T->init(p->state, params);
    if (status == PESX_OK)
        status = check_unused(T, params);
    if (status != PESX_OK) {
        if (T->release)
            T->release(p->state);
        free(p->state);
        free(p->spec);
        free(p);
        return NULL;
    }
    return p;
}

pesx_potential *pesx_potential_alloc(const pesx_potential_type *T, pesx_params *params)
{
    return pesx_potential_alloc_spec(T, params, NULL);
}

void pesx_potential_free(pesx_potential *p)
{
    if (!p)
        return;
    for (size_t t = 0; t < p->n_replicas; t++)
        pesx_potential_free(p->replicas[t]);
    free(p->replicas);
    if (p->type->release)
        p->type->release(p->state);
    free(p->state);
    free(p->spec);
    free(p);
}

static int not_finite(const pesx_potential *p, const char *what)
{
    return pesx_error_set(PESX_EFAILED, NULL, 0, "potential %s: non-finite %s", p->type->name,
                          what);
}

static int check_vec(const pesx_potential *p, const double *v, size_t n, size_t per,
                     const char *what)
{
    for (size_t k = 0; v && k < n * per; k++)
        if (!isfinite(v[k]))
            return pesx_error_set(PESX_EFAILED, NULL, 0, "potential %s: non-finite %s of atom %zu",
                                  p->type->name, what, k / per + 1);
    return PESX_OK;
}

/* The checks and resets before the type sees structure A. */
static int eval_prepare(const pesx_potential *p, const pesx_atoms *a, pesx_potential_result *r)
{
    if (!a || !r)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "potential evaluation: missing argument");
    if (a->n && !a->x)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "potential %s: structure without positions",
                              p->type->name);
    for (size_t k = 0; k < 3 * a->n; k++)
        if (!isfinite(a->x[k]))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "potential %s: non-finite coordinate of atom %zu",
                                  p->type->name, k / 3 + 1);
    r->energy = NAN; /* a type that forgets to set it fails the check below */
    r->has_std = 0;
    r->energy_std = 0.0;
    r->n_extrapolating = 0;
    if (r->extrapolating && a->n)
        memset(r->extrapolating, 0, a->n);
    return PESX_OK;
}

/* The checks of every output after the type has evaluated A. */
static int eval_finish(const pesx_potential *p, const pesx_atoms *a, pesx_potential_result *r)
{
    size_t nm = pesx_potential_n_members(p);
    int status;
    if (!isfinite(r->energy))
        return not_finite(p, "energy");
    if ((status = check_vec(p, r->forces, a->n, 3, "force")) ||
        (!(p->type->flags & PESX_POTENTIAL_NO_ATOM_ENERGIES) &&
         (status = check_vec(p, r->atom_energies, a->n, 1, "energy"))))
        return status;
    if (r->has_std) {
        if (!isfinite(r->energy_std))
            return not_finite(p, "energy spread");
        if ((status = check_vec(p, r->forces_std, a->n, 3, "force spread")))
            return status;
        for (size_t k = 0; r->member_energies && k < nm; k++)
            if (!isfinite(r->member_energies[k]))
                return pesx_error_set(PESX_EFAILED, NULL, 0,
                                      "potential %s: non-finite energy of member %zu",
                                      p->type->name, k);
    } else {
        if (r->forces_std && a->n)
            memset(r->forces_std, 0, 3 * a->n * sizeof *r->forces_std);
        if (r->member_energies && nm == 1)
            r->member_energies[0] = r->energy;
    }
    return PESX_OK;
}

/* The type on one structure; a type without atom energies is not asked for
 * them, and they read NaN. */
static int type_eval(pesx_potential *p, const pesx_atoms *a, pesx_potential_result *r)
{
    double *ae = r->atom_energies;
    int status;
    if (!(p->type->flags & PESX_POTENTIAL_NO_ATOM_ENERGIES))
        return p->type->eval(p->state, a, r);
    r->atom_energies = NULL;
    status = p->type->eval(p->state, a, r);
    r->atom_energies = ae;
    for (size_t i = 0; ae && i < a->n; i++)
        ae[i] = NAN;
    return status;
}

int pesx_potential_eval(pesx_potential *p, const pesx_atoms *a, pesx_potential_result *r)
{
    double t0;
    int status;
    if (!p)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "pesx_potential_eval: NULL argument");
    if ((status = eval_prepare(p, a, r)))
        return status;
    p->calls++;
    t0 = pesx_wall_time();
    status = type_eval(p, a, r);
    p->seconds += pesx_wall_time() - t0;
    return status ? status : eval_finish(p, a, r);
}

/* Threads a batch of K may use: one per structure up to OpenMP's count,
 * each with its own replica state (made on first use; 1 if that fails). */
static size_t batch_threads(pesx_potential *p, size_t k)
{
    size_t nt = 1;
#ifdef _OPENMP
    if ((p->type->flags & PESX_POTENTIAL_REPLICABLE) && !omp_in_parallel())
        nt = (size_t)omp_get_max_threads();
#endif
    if (nt > k)
        nt = k;
    if (nt > p->n_replicas + 1) {
        pesx_potential **more = realloc(p->replicas, (nt - 1) * sizeof *more);
        if (!more)
            return p->n_replicas + 1;
        p->replicas = more;
        while (p->n_replicas < nt - 1) {
            pesx_potential *q = pesx_potential_open(p->spec);
            if (!q) {
                pesx_error_clear(); /* fewer threads, same results */
                break;
            }
            p->replicas[p->n_replicas++] = q;
        }
        if (nt > p->n_replicas + 1)
            nt = p->n_replicas + 1;
    }
    return nt;
}

/* One structure after another on NT threads; *FAILED and the error are
 * those of the first structure (by index) that failed, as serially. */
static int threaded_eval_many(pesx_potential *p, size_t nt, size_t k, const pesx_atoms *const *a,
                              pesx_potential_result *r, size_t *failed)
{
    size_t first_bad = k;
    pesx_error kept;
    memset(&kept, 0, sizeof kept);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (size_t i = 0; i < k; i++) {
        size_t t = 0;
#ifdef _OPENMP
        t = (size_t)omp_get_thread_num();
#endif
        pesx_potential *q = t ? p->replicas[t - 1] : p;
        if (type_eval(q, a[i], r + i) == PESX_OK)
            continue;
#pragma omp critical(pesx_potential_batch_error)
        if (i < first_bad) {
            first_bad = i;
            kept = *pesx_error_last();
        }
    }
    if (first_bad == k)
        return PESX_OK;
    *failed = first_bad;
    return pesx_error_set(kept.code, kept.file[0] ? kept.file : NULL, kept.line, "%s", kept.msg);
}

/* The type's own batch evaluation, threads over replicas, or one structure
 * after another. */
static int type_eval_many(pesx_potential *p, size_t k, const pesx_atoms *const *a,
                          pesx_potential_result *r, size_t *failed)
{
    int status;
    size_t nt;
    if (p->type->eval_many) {
        status = p->type->eval_many(p->state, k, a, r, failed);
        for (size_t i = 0; (p->type->flags & PESX_POTENTIAL_NO_ATOM_ENERGIES) && i < k; i++)
            for (size_t j = 0; r[i].atom_energies && j < a[i]->n; j++)
                r[i].atom_energies[j] = NAN;
        return status;
    }
    if ((nt = batch_threads(p, k)) > 1)
        return threaded_eval_many(p, nt, k, a, r, failed);
    for (size_t i = 0; i < k; i++)
        if ((status = type_eval(p, a[i], r + i))) {
            *failed = i;
            return status;
        }
    return PESX_OK;
}

int pesx_potential_eval_many(pesx_potential *p, size_t k, const pesx_atoms *const *a,
                             pesx_potential_result *r, size_t *failed)
{
    size_t bad = 0;
    double t0;
    int status = PESX_OK;
    if (!p || (k && (!a || !r)))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "pesx_potential_eval_many: NULL argument");
    for (bad = 0; bad < k && !status; bad++)
        status = eval_prepare(p, a[bad], r + bad);
    if (status)
        goto fail;
    if (k == 0)
        return PESX_OK;
    bad = 0;
    p->calls += k;
    t0 = pesx_wall_time();
    status = type_eval_many(p, k, a, r, &bad);
    p->seconds += pesx_wall_time() - t0;
    if (status) {
        bad++;
        goto fail;
    }
    for (bad = 0; bad < k && !status; bad++)
        status = eval_finish(p, a[bad], r + bad);
    if (!status)
        return PESX_OK;
fail:
    if (failed)
        *failed = bad - 1;
    return status;
}

const pesx_potential_type *pesx_potential_get_type(const pesx_potential *p)
{
    return p ? p->type : NULL;
}

const char *pesx_potential_spec(const pesx_potential *p)
{
    return p ? p->spec : NULL;
}

double pesx_potential_cutoff(const pesx_potential *p)
{
    if (!p)
        return NAN;
    return p->type->cutoff ? p->type->cutoff(p->state) : INFINITY;
}

size_t pesx_potential_n_members(const pesx_potential *p)
{
    if (!p)
        return 0;
    return p->type->n_members ? p->type->n_members(p->state) : 1;
}

unsigned pesx_potential_flags(const pesx_potential *p)
{
    return p ? p->type->flags : 0;
}

size_t pesx_potential_calls(const pesx_potential *p)
{
    return p ? p->calls : 0;
}

double pesx_potential_seconds(const pesx_potential *p)
{
    return p ? p->seconds : 0.0;
}

void pesx_potential_reset_calls(pesx_potential *p)
{
    if (p) {
        p->calls = 0;
        p->seconds = 0.0;
    }
}

void *pesx_potential_state(pesx_potential *p)
{
    return p->state;
}
