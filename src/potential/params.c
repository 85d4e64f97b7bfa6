/* Parameter getters of the potential types.  Errors name the parameter file
 * and line when the front end has registered where the parameters came from
 * (pesx_potential_param_set_source). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "potential_impl.h"

static _Thread_local struct {
    const pesx_params *params;
    const char *file;
    const long *lines;
} source;

void pesx_potential_param_set_source(const pesx_params *p, const char *file, const long *lines)
{
    source.params = p;
    source.file = file;
    source.lines = lines;
}

int pesx_potential_param_error(const pesx_params *p, const char *key, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    const char *file = NULL;
    long line = 0;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (p && source.params == p && source.file) {
        file = source.file;
        for (size_t k = 0; key && source.lines && k < p->n; k++)
            if (p->key[k] && strcmp(p->key[k], key) == 0) {
                line = source.lines[k];
                break;
            }
    }
    return pesx_error_set(PESX_EINVAL, file, line, "%s", msg);
}

/* Index of the keyed (non-positional) entry KEY, or -1. */
static long find_key(const pesx_params *p, const char *key)
{
    for (size_t k = 0; p && k < p->n; k++)
        if (p->value[k] && p->key[k] && strcmp(p->key[k], key) == 0)
            return (long)k;
    return -1;
}

const char *pesx_potential_param_string(pesx_params *p, const char *key)
{
    long k = find_key(p, key);
    if (k < 0)
        return NULL;
    p->used[k] = 1;
    return p->value[k];
}

const char *pesx_potential_param_positional(pesx_params *p, size_t want)
{
    size_t seen = 0;
    for (size_t k = 0; p && k < p->n; k++) {
        if (p->value[k])
            continue;
        if (seen++ == want) {
            p->used[k] = 1;
            return p->key[k];
        }
    }
    return NULL;
}

int pesx_potential_param_double(pesx_params *p, const char *type, const char *key, double *out)
{
    const char *s = pesx_potential_param_string(p, key);
    double v;
    if (!s)
        return 0;
    if (pesx_parse_double(s, &v) != PESX_OK || !isfinite(v)) {
        pesx_potential_param_error(p, key, "%s: parameter %s: '%s' is not a finite number",
                                   type, key, s);
        return -1;
    }
    *out = v;
    return 1;
}

int pesx_potential_param_positive(pesx_params *p, const char *type, const char *key, double *out)
{
    double v;
    int got = pesx_potential_param_double(p, type, key, &v);
    if (got <= 0)
        return got;
    if (!(v > 0)) {
        pesx_potential_param_error(p, key, "%s: parameter %s: must be positive (got %s)", type,
                                   key, pesx_potential_param_string(p, key));
        return -1;
    }
    *out = v;
    return 1;
}

int pesx_potential_param_cutoff(pesx_params *p, const char *type, const char *key, double *out)
{
    const char *s = pesx_potential_param_string(p, key);
    double v;
    if (!s)
        return 0;
    if (strcasecmp(s, "inf") == 0 || strcasecmp(s, "infinity") == 0 ||
        strcasecmp(s, "none") == 0) {
        *out = INFINITY;
        return 1;
    }
    if (pesx_parse_double(s, &v) != PESX_OK || !isfinite(v)) {
        pesx_potential_param_error(p, key,
                                   "%s: parameter %s: '%s' is not a number, inf or none", type,
                                   key, s);
        return -1;
    }
    if (v < 0) {
        pesx_potential_param_error(p, key, "%s: parameter %s: must not be negative (got %s)",
                                   type, key, s);
        return -1;
    }
    *out = v == 0 ? INFINITY : v;
    return 1;
}

int pesx_potential_param_bool(pesx_params *p, const char *type, const char *key, int *out)
{
    static const char *const yes[] = {"1", "yes", "true", "on", NULL};
    static const char *const no[] = {"0", "no", "false", "off", NULL};
    const char *s = pesx_potential_param_string(p, key);
    if (!s)
        return 0;
    for (size_t i = 0; yes[i]; i++)
        if (strcasecmp(s, yes[i]) == 0) {
            *out = 1;
            return 1;
        }
    for (size_t i = 0; no[i]; i++)
        if (strcasecmp(s, no[i]) == 0) {
            *out = 0;
            return 1;
        }
    pesx_potential_param_error(p, key, "%s: parameter %s: '%s' is not a yes/no value (1/0, "
                               "yes/no, true/false, on/off)", type, key, s);
    return -1;
}
