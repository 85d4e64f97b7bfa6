/* Strict number parsing and "key=value,..." parameter lists. */
#include <config.h>
#include <pesx/util.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int pesx_parse_double(const char *s, double *out)
{
    char *end;
    double v;
    if (!s || !*s)
        return PESX_EINVAL;
    errno = 0;
    v = strtod(s, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == s || *end != '\0' || !isfinite(v) || (errno == ERANGE && fabs(v) > 1.0))
        return PESX_EINVAL;
    *out = v;
    return PESX_OK;
}

int pesx_parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;
    if (!s || !*s)
        return PESX_EINVAL;
    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE || v < min || v > max)
        return PESX_EINVAL;
    *out = v;
    return PESX_OK;
}

static char *dup_range(const char *s, size_t len)
{
    char *d = malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

void pesx_params_init(pesx_params *p)
{
    memset(p, 0, sizeof *p);
}

int pesx_params_add(pesx_params *p, const char *key, const char *value)
{
    size_t n = p->n;
    if (n >= sizeof p->key / sizeof p->key[0])
        return pesx_error_set(PESX_EINVAL, NULL, 0, "too many parameters (at most %zu)",
                              sizeof p->key / sizeof p->key[0]);
    p->key[n] = dup_range(key, strlen(key));
    p->value[n] = value ? dup_range(value, strlen(value)) : NULL;
    if (!p->key[n] || (value && !p->value[n])) {
        free(p->key[n]);
        free(p->value[n]);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    }
    p->used[n] = 0;
    p->n = n + 1;
    return PESX_OK;
}

int pesx_params_parse(pesx_params *p, const char *text)
{
    const char *s = text;
    pesx_params_init(p);
    if (!text)
        return PESX_OK;
    while (*s) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        const char *eq = memchr(s, '=', len);
        char *key, *value = NULL;
        int status;
        if (len == 0) {
            s += 1;
            continue;
        }
        if (eq == s) {
            pesx_params_release(p);
            return pesx_error_set(PESX_EINVAL, NULL, 0, "parameter '%.*s' has no name", (int)len, s);
        }
        key = dup_range(s, eq ? (size_t)(eq - s) : len);
        if (eq)
            value = dup_range(eq + 1, len - (size_t)(eq - s) - 1);
        status = key && (!eq || value) ? pesx_params_add(p, key, value) : PESX_ENOMEM;
        free(key);
        free(value);
        if (status) {
            pesx_params_release(p);
            return status == PESX_ENOMEM ? pesx_error_set(status, NULL, 0, "out of memory") : status;
        }
        s += len;
        if (*s == ',')
            s++;
    }
    return PESX_OK;
}

void pesx_params_release(pesx_params *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->key[i]);
        free(p->value[i]);
    }
    pesx_params_init(p);
}

const char *pesx_params_get(pesx_params *p, const char *key)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->value[i] && strcmp(p->key[i], key) == 0) {
            p->used[i] = 1;
            return p->value[i];
        }
    return NULL;
}

int pesx_params_get_double(pesx_params *p, const char *key, double *out)
{
    const char *v = pesx_params_get(p, key);
    if (!v)
        return 0;
    if (pesx_parse_double(v, out) != PESX_OK) {
        pesx_error_set(PESX_EINVAL, NULL, 0, "parameter %s=%s is not a finite number", key, v);
        return -1;
    }
    return 1;
}

const char *pesx_params_positional(pesx_params *p, size_t k)
{
    for (size_t i = 0; i < p->n; i++)
        if (!p->value[i] && k-- == 0) {
            p->used[i] = 1;
            return p->key[i];
        }
    return NULL;
}

int pesx_params_check_used(const pesx_params *p, const char *what)
{
    for (size_t i = 0; i < p->n; i++)
        if (!p->used[i])
            return pesx_error_set(PESX_EINVAL, NULL, 0, "%s: unknown parameter '%s'",
                                  what ? what : "parameters", p->key[i]);
    return PESX_OK;
}
