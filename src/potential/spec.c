/* pesx_potential_open: the "-p SPEC" parser (see potential.h for the forms
 * and their order) and the parameter-file reader. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "potential_impl.h"

#ifndef PESX_POTENTIALDIR
#define PESX_POTENTIALDIR "/usr/local/share/pesx/potentials"
#endif

#define BPNN "bpnn"

static int is_regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int ends_with_xml(const char *s)
{
    size_t n = strlen(s);
    return n > 4 && strcasecmp(s + n - 4, ".xml") == 0;
}

static const pesx_potential_type *need_bpnn(const char *spec)
{
    const pesx_potential_type *T = pesx_potential_type_lookup(BPNN);
    if (!T)
        pesx_error_set(PESX_EUNSUPPORTED, NULL, 0,
                       "potential '%s' needs the neural-network type '" BPNN
                       "', which this build does not have",
                       spec);
    return T;
}

/* PESX_EINVAL naming the first key that appears twice. */
static int check_duplicates(const pesx_params *p, const char *what)
{
    for (size_t i = 0; i < p->n; i++)
        for (size_t j = 0; j < i; j++)
            if (p->value[i] && p->value[j] && strcmp(p->key[i], p->key[j]) == 0)
                return pesx_potential_param_error(p, p->key[i], "%s: parameter '%s' given twice",
                                                  what, p->key[i]);
    return PESX_OK;
}

static char *trim(char *s);

/* Split TEXT at commas into P: "key=value" entries (key and value trimmed
 * of blanks, both non-empty) and positional entries (no '='); empty entries
 * are skipped.  Errors name WHAT. */
static int parse_list(pesx_params *p, const char *text, const char *what)
{
    char *copy, *save = NULL;
    int status = PESX_OK;
    pesx_params_init(p);
    if (!text || !*text)
        return PESX_OK;
    if (!(copy = strdup(text)))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "%s: out of memory", what);
    for (char *tok = strtok_r(copy, ",", &save); tok && status == PESX_OK;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '='), *key, *val = NULL;
        if (eq) {
            *eq = '\0';
            val = trim(eq + 1);
        }
        key = trim(tok);
        if (!*key && !val)
            continue;
        if (!*key)
            status = pesx_error_set(PESX_EINVAL, NULL, 0,
                                    "%s: parameter without a name ('=%s') in '%s'", what, val,
                                    text);
        else if (val && !*val)
            status = pesx_error_set(PESX_EINVAL, NULL, 0, "%s: parameter '%s' has no value", what,
                                    key);
        else
            status = pesx_params_add(p, key, val);
    }
    free(copy);
    if (status == PESX_OK)
        status = check_duplicates(p, what);
    return status;
}

/* n2p2:DIR[,k=v,...] */
static pesx_potential *open_n2p2(const char *spec)
{
    const pesx_potential_type *T;
    pesx_params raw, p;
    pesx_potential *pot = NULL;
    const char *dir = NULL;
    int status;
    pesx_params_init(&p);
    if (parse_list(&raw, spec + 5, "n2p2") != PESX_OK) {
        pesx_params_release(&raw);
        return NULL;
    }
    for (size_t k = 0; k < raw.n; k++) {
        if (raw.value[k])
            continue;
        if (dir) {
            pesx_error_set(PESX_EINVAL, NULL, 0,
                           "n2p2: more than one directory ('%s' and '%s'); expected "
                           "n2p2:DIR[,length=bohr,energy=hartree]",
                           dir, raw.key[k]);
            goto done;
        }
        dir = raw.key[k];
    }
    if (!dir) {
        pesx_error_set(PESX_EINVAL, NULL, 0,
                       "n2p2: no directory given; expected n2p2:DIR[,length=bohr,energy=hartree]");
        goto done;
    }
    if (!(T = need_bpnn(spec)))
        goto done;
    status = pesx_params_add(&p, "n2p2", dir);
    for (size_t k = 0; status == PESX_OK && k < raw.n; k++)
        if (raw.value[k]) {
            if (strcmp(raw.key[k], "n2p2") == 0) {
                pesx_error_set(PESX_EINVAL, NULL, 0, "n2p2: parameter 'n2p2' given twice");
                goto done;
            }
            status = pesx_params_add(&p, raw.key[k], raw.value[k]);
        }
    if (status != PESX_OK)
        goto done;
    pot = pesx_potential_alloc_spec(T, &p, spec);
done:
    pesx_params_release(&raw);
    pesx_params_release(&p);
    return pot;
}

static pesx_potential *open_bpnn_file(const char *spec, const char *path)
{
    const pesx_potential_type *T = need_bpnn(spec);
    pesx_params p;
    pesx_potential *pot = NULL;
    if (!T)
        return NULL;
    pesx_params_init(&p);
    if (pesx_params_add(&p, "file", path) == PESX_OK)
        pot = pesx_potential_alloc_spec(T, &p, spec);
    pesx_params_release(&p);
    return pot;
}

static char *trim(char *s)
{
    char *e;
    while (isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int valid_key(const char *k)
{
    if (!*k)
        return 0;
    for (; *k; k++)
        if (!isalnum((unsigned char)*k) && *k != '_' && *k != '-')
            return 0;
    return 1;
}

/* Relative file= / n2p2= paths of a bpnn parameter file are relative to the
 * file's directory. */
static int relative_to(const char *file, const char *value, char **out)
{
    const char *slash = strrchr(file, '/');
    size_t dl;
    *out = NULL;
    if (value[0] == '/' || !slash)
        return PESX_OK;
    dl = (size_t)(slash - file) + 1;
    if (!(*out = malloc(dl + strlen(value) + 1)))
        return pesx_error_set(PESX_ENOMEM, file, 0, "out of memory");
    memcpy(*out, file, dl);
    strcpy(*out + dl, value);
    return PESX_OK;
}

/* A parameter file: "key = value" lines, '#' comments, one "type = NAME". */
static pesx_potential *open_param_file(const char *path)
{
    FILE *fp = fopen(path, "r");
    char *buf = NULL, names[512];
    size_t cap = 0;
    ssize_t got;
    long lineno = 0, type_line = 0, lines[64];
    const pesx_potential_type *T = NULL;
    pesx_params p;
    pesx_potential *pot = NULL;
    int status = PESX_OK;

    pesx_params_init(&p);
    if (!fp) {
        pesx_error_set(PESX_EIO, path, 0, "cannot open parameter file: %s", strerror(errno));
        return NULL;
    }
    while ((got = getline(&buf, &cap, fp)) >= 0) {
        char *line, *eq, *key, *val, *hash;
        lineno++;
        if (memchr(buf, '\0', (size_t)got)) {
            status = pesx_error_set(PESX_EINVAL, path, lineno,
                                    "not a text parameter file (NUL byte)");
            break;
        }
        if ((hash = strchr(buf, '#')))
            *hash = '\0';
        line = trim(buf);
        if (!*line)
            continue;
        if (!(eq = strchr(line, '='))) {
            status = pesx_error_set(PESX_EINVAL, path, lineno,
                                    "expected 'key = value', got '%s'", line);
            break;
        }
        *eq = '\0';
        key = trim(line);
        val = trim(eq + 1);
        if (!valid_key(key)) {
            status = pesx_error_set(PESX_EINVAL, path, lineno, "bad parameter name '%s'", key);
            break;
        }
        if (!*val) {
            status = pesx_error_set(PESX_EINVAL, path, lineno, "parameter '%s' has no value", key);
            break;
        }
        if (strcmp(key, "type") == 0) {
            if (T) {
                status = pesx_error_set(PESX_EINVAL, path, lineno,
                                        "second 'type' line (first on line %ld)", type_line);
                break;
            }
            if (!(T = pesx_potential_type_lookup(val))) {
                status = pesx_error_set(PESX_EINVAL, path, lineno,
                                        "unknown potential type '%s' (valid types: %s)", val,
                                        pesx_potential_type_names(names, sizeof names));
                break;
            }
            type_line = lineno;
            continue;
        }
        for (size_t k = 0; k < p.n; k++)
            if (strcmp(p.key[k], key) == 0) {
                status = pesx_error_set(PESX_EINVAL, path, lineno,
                                        "parameter '%s' given twice (first on line %ld)", key,
                                        lines[k]);
                break;
            }
        if (status != PESX_OK)
            break;
        if (p.n >= sizeof lines / sizeof lines[0]) {
            status = pesx_error_set(PESX_EINVAL, path, lineno, "too many parameters (at most %zu)",
                                    sizeof lines / sizeof lines[0]);
            break;
        }
        lines[p.n] = lineno;
        if ((status = pesx_params_add(&p, key, val)) != PESX_OK)
            break;
    }
    if (status == PESX_OK && ferror(fp))
        status = pesx_error_set(PESX_EIO, path, lineno, "read error: %s", strerror(errno));
    fclose(fp);
    free(buf);
    if (status == PESX_OK && !T)
        status = pesx_error_set(PESX_EINVAL, path, 0,
                                "no 'type = NAME' line in the parameter file (valid types: %s)",
                                pesx_potential_type_names(names, sizeof names));
    if (status == PESX_OK && strcmp(T->name, BPNN) == 0) {
        /* same entries in the same order (so lines[] still applies) */
        pesx_params q;
        pesx_params_init(&q);
        for (size_t k = 0; status == PESX_OK && k < p.n; k++) {
            char *abs = NULL;
            if (strcmp(p.key[k], "file") == 0 || strcmp(p.key[k], "n2p2") == 0)
                status = relative_to(path, p.value[k], &abs);
            if (status == PESX_OK)
                status = pesx_params_add(&q, p.key[k], abs ? abs : p.value[k]);
            free(abs);
        }
        pesx_params_release(&p);
        p = q;
    }
    if (status == PESX_OK) {
        pesx_potential_param_set_source(&p, path, lines);
        pot = pesx_potential_alloc_spec(T, &p, path);
        pesx_potential_param_set_source(NULL, NULL, NULL);
        if (!pot && !pesx_error_last()->file[0]) {
            /* an error about the parameters as a whole: name the file */
            char msg[sizeof pesx_error_last()->msg];
            int code = pesx_error_last()->code;
            snprintf(msg, sizeof msg, "%s", pesx_error_last()->msg);
            pesx_error_set(code, path, 0, "%s", msg);
        }
    }
    pesx_params_release(&p);
    return pot;
}

/* NAME.xml in $PESX_POTENTIAL_PATH, then PESX_POTENTIALDIR (installed),
 * then the source tree's potentials/ (running from a build, as `pesx help`
 * finds the man pages there); 1 when found. */
static int find_installed(const char *name, char *out, size_t size, char *searched,
                          size_t ssize)
{
    const char *env = getenv("PESX_POTENTIAL_PATH");
    char dirs[4096];
    size_t slen = 0;
    snprintf(dirs, sizeof dirs, "%s%s%s:%s", env && *env ? env : "", env && *env ? ":" : "",
             PESX_POTENTIALDIR, PESX_SRCPOTENTIALDIR);
    searched[0] = '\0';
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        int n = snprintf(out, size, "%s/%s.xml", d, name);
        if (n > 0 && (size_t)n < size && is_regular_file(out))
            return 1;
        n = snprintf(searched + slen, ssize - slen, "%s%s", slen ? ", " : "", d);
        if (n > 0 && (size_t)n < ssize - slen)
            slen += (size_t)n;
    }
    return 0;
}

static pesx_potential *open_registered(const pesx_potential_type *T, const char *spec,
                                       const char *colon)
{
    pesx_params p;
    pesx_potential *pot = NULL;
    if (parse_list(&p, colon ? colon + 1 : NULL, T->name) == PESX_OK)
        pot = pesx_potential_alloc_spec(T, &p, spec);
    pesx_params_release(&p);
    return pot;
}

static pesx_potential *open_trimmed(const char *spec);

pesx_potential *pesx_potential_open(const char *spec)
{
    char *copy;
    pesx_potential *p;
    if (!spec)
        return open_trimmed("");
    if (!(copy = strdup(spec))) {
        pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    p = open_trimmed(trim(copy));
    free(copy);
    return p;
}

static pesx_potential *open_trimmed(const char *spec)
{
    const pesx_potential_type *T;
    const char *colon;
    char names[512], path[4096], searched[4096];
    size_t nlen;

    if (!*spec) {
        pesx_error_set(PESX_EINVAL, NULL, 0, "empty potential spec (valid types: %s)",
                       pesx_potential_type_names(names, sizeof names));
        return NULL;
    }
    if (strncmp(spec, "n2p2:", 5) == 0)
        return open_n2p2(spec);
    colon = strchr(spec, ':');
    nlen = colon ? (size_t)(colon - spec) : strlen(spec);
    if (nlen < sizeof names) {
        memcpy(names, spec, nlen);
        names[nlen] = '\0';
        if ((T = pesx_potential_type_lookup(trim(names))))
            return open_registered(T, spec, colon);
    }
    if (ends_with_xml(spec))
        return open_bpnn_file(spec, spec);
    if (is_regular_file(spec))
        return open_param_file(spec);
    if (!colon && !strchr(spec, '/') && find_installed(spec, path, sizeof path, searched,
                                                       sizeof searched))
        return open_bpnn_file(spec, path);
    pesx_potential_type_names(names, sizeof names);
    if (colon)
        pesx_error_set(PESX_EINVAL, NULL, 0, "unknown potential type '%.*s' in '%s' (valid types: %s)",
                       (int)nlen, spec, spec, names);
    else if (strchr(spec, '/'))
        pesx_error_set(PESX_EIO, spec, 0, "no such potential file");
    else
        pesx_error_set(PESX_EINVAL, NULL, 0,
                       "unknown potential '%s': not a type (valid types: %s), a file, or an "
                       "installed potential %s.xml (searched: %s; add directories with "
                       "PESX_POTENTIAL_PATH=DIR:DIR)",
                       spec, names, spec, searched);
    return NULL;
}
