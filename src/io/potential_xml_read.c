/* potential.xml reader (libxml2 tree API: the file is small).  Strict:
 * unknown elements and attributes are errors (except inside <metadata>,
 * and on <sf>, where every other attribute is a numeric parameter), and
 * every error names the file and line.  Layout in pesx-potential(5). */
#include <config.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "io/potential_file_impl.h"

typedef struct {
    const char *path;
    pesx_potential_file *pf;
    /* lines by atomic number while reading (final order is by Z) */
    long elem_line[PESX_MAX_Z + 1], net_line[PESX_MAX_Z + 1];
    long *sf_line[PESX_MAX_Z + 1];
    pesx_pf_lines lines;
} reader;

static long node_line(const xmlNode *n)
{
    return n ? xmlGetLineNo(n) : 0;
}

static int failv(const reader *r, long line, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static int failv(const reader *r, long line, const char *fmt, va_list ap)
{
    return pesx_error_setv(PESX_EINVAL, r->path, line, fmt, ap);
}

static int fail(const reader *r, const xmlNode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(const reader *r, const xmlNode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = failv(r, node_line(n), fmt, ap);
    va_end(ap);
    return st;
}

static int fail_line(const reader *r, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_line(const reader *r, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = failv(r, line, fmt, ap);
    va_end(ap);
    return st;
}

static const char *name_of(const xmlNode *n)
{
    return (const char *)n->name;
}

static int is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp(name_of(n), name) == 0;
}

static int is_xml_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Only element children, comments and blank text are allowed in N. */
static int check_content(const reader *r, const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            for (const xmlChar *t = c->content; t && *t; t++)
                if (!is_xml_space(*t))
                    return fail(r, c, "unexpected text inside <%s>", name_of(n));
        }
    }
    return PESX_OK;
}

/* Every attribute of N must be in ALLOWED (NULL-terminated). */
static int check_attrs(const reader *r, const xmlNode *n, const char *const *allowed)
{
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        size_t k;
        for (k = 0; allowed[k]; k++)
            if (strcmp((const char *)a->name, allowed[k]) == 0)
                break;
        if (!allowed[k])
            return fail(r, n, "unknown attribute '%s' on <%s>", (const char *)a->name, name_of(n));
    }
    return PESX_OK;
}

/* S without leading and trailing XML white space: the start, and its length in *LEN. */
static const char *trimmed(const char *s, size_t *len)
{
    while (is_xml_space(*s))
        s++;
    size_t k = strlen(s);
    while (k > 0 && is_xml_space(s[k - 1]))
        k--;
    *len = k;
    return s;
}

/* Attribute NAME of N into BUF (trimmed).  *found = 0 when absent; an error
 * when absent and REQUIRED or too long. */
static int attr_str(const reader *r, const xmlNode *n, const char *name, int required, char *buf,
                    size_t size, int *found)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    *found = v != NULL;
    buf[0] = 0;
    if (!v)
        return required ? fail(r, n, "<%s> needs the attribute %s", name_of(n), name) : PESX_OK;
    const char *s = (const char *)v;
    size_t len;
    s = trimmed(s, &len);
    if (len >= size) {
        xmlFree(v);
        return fail(r, n, "attribute %s of <%s> is too long (at most %zu characters)", name,
                    name_of(n), size - 1);
    }
    memcpy(buf, s, len);
    buf[len] = 0;
    xmlFree(v);
    if (required && !buf[0])
        return fail(r, n, "attribute %s of <%s> is empty", name, name_of(n));
    return PESX_OK;
}

static int parse_num(const reader *r, const xmlNode *n, const char *what, const char *text,
                     double *out)
{
    if (pesx_parse_double(text, out) != PESX_OK)
        return fail(r, n, "%s of <%s>: '%s' is not a finite number", what, name_of(n), text);
    return PESX_OK;
}

/* Numeric attribute: *out unchanged when absent and not required. */
static int attr_num(const reader *r, const xmlNode *n, const char *name, int required, double *out)
{
    char buf[128], what[160];
    int found, st = attr_str(r, n, name, required, buf, sizeof buf, &found);
    if (st || !found)
        return st;
    snprintf(what, sizeof what, "attribute %s", name);
    return parse_num(r, n, what, buf, out);
}

static int attr_count(const reader *r, const xmlNode *n, const char *name, int required,
                      long max, long *out)
{
    char buf[64];
    int found, st = attr_str(r, n, name, required, buf, sizeof buf, &found);
    if (st || !found)
        return st;
    if (pesx_parse_long(buf, 0, max, out) != PESX_OK)
        return fail(r, n, "attribute %s of <%s>: '%s' is not a whole number in [0, %ld]", name,
                    name_of(n), buf, max);
    return PESX_OK;
}

/* Text content of N, trimmed, into BUF. */
static int text_of(const reader *r, const xmlNode *n, char *buf, size_t size)
{
    xmlChar *v = xmlNodeGetContent(n);
    const char *s = v ? (const char *)v : "";
    size_t len;
    s = trimmed(s, &len);
    if (len >= size) {
        xmlFree(v);
        return fail(r, n, "<%s> is too long (at most %zu characters)", name_of(n), size - 1);
    }
    memcpy(buf, s, len);
    buf[len] = 0;
    xmlFree(v);
    return PESX_OK;
}

/* ---- top-level parts ----------------------------------------------------- */

static int read_metadata(reader *r, const xmlNode *n)
{
    pesx_potential_file *pf = r->pf;
    int st;
    if ((st = check_attrs(r, n, (const char *const[]){NULL})))
        return st;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is(c, "pesx-version"))
            st = text_of(r, c, pf->pesx_version, sizeof pf->pesx_version);
        else if (is(c, "date"))
            st = text_of(r, c, pf->date, sizeof pf->date);
        else if (is(c, "source"))
            st = text_of(r, c, pf->source, sizeof pf->source);
        else if (is(c, "data-checksum"))
            st = text_of(r, c, pf->data_checksum, sizeof pf->data_checksum);
        else if (is(c, "fit-options"))
            st = text_of(r, c, pf->fit_options, sizeof pf->fit_options);
        else if (is(c, "rmse")) {
            char set[16];
            int found;
            double e = NAN, f = NAN;
            if ((st = check_attrs(r, c, (const char *const[]){"set", "energy", "forces", NULL})) ||
                (st = attr_str(r, c, "set", 1, set, sizeof set, &found)) ||
                (st = attr_num(r, c, "energy", 0, &e)) || (st = attr_num(r, c, "forces", 0, &f)))
                return st;
            if (!strcmp(set, "train")) {
                pf->rmse_energy_train = e;
                pf->rmse_force_train = f;
            } else if (!strcmp(set, "test")) {
                pf->rmse_energy_test = e;
                pf->rmse_force_test = f;
            } else {
                return fail(r, c, "<rmse set=\"%s\">: set must be train or test", set);
            }
        }
        /* other metadata is informational: ignored */
        if (st)
            return st;
    }
    return PESX_OK;
}

static int read_units(reader *r, const xmlNode *n)
{
    char e[32], l[32];
    int fe, fl, st;
    if ((st = check_attrs(r, n, (const char *const[]){"energy", "length", NULL})) ||
        (st = attr_str(r, n, "energy", 0, e, sizeof e, &fe)) ||
        (st = attr_str(r, n, "length", 0, l, sizeof l, &fl)))
        return st;
    if ((fe && strcmp(e, "eV") != 0) || (fl && strcmp(l, "Angstrom") != 0))
        return fail(r, n,
                    "potential.xml files are in eV and Angstrom (units energy=\"eV\" "
                    "length=\"Angstrom\"), not energy=\"%s\" length=\"%s\"",
                    fe ? e : "eV", fl ? l : "Angstrom");
    return PESX_OK;
}

static int read_cutoff(reader *r, const xmlNode *n)
{
    int found, st;
    if ((st = check_attrs(r, n, (const char *const[]){"type", "alpha", NULL})) ||
        (st = attr_str(r, n, "type", 1, r->pf->cutoff_type, sizeof r->pf->cutoff_type, &found)) ||
        (st = attr_num(r, n, "alpha", 0, &r->pf->cutoff_alpha)))
        return st;
    return PESX_OK;
}

static int read_scaling(reader *r, const xmlNode *n)
{
    int found, st;
    if ((st = check_attrs(r, n, (const char *const[]){"mode", "smin", "smax", NULL})) ||
        (st = attr_str(r, n, "mode", 1, r->pf->scaling_mode, sizeof r->pf->scaling_mode,
                       &found)) ||
        (st = attr_num(r, n, "smin", 0, &r->pf->smin)) ||
        (st = attr_num(r, n, "smax", 0, &r->pf->smax)))
        return st;
    if (!pesx_pf_scaling_mode_known(r->pf->scaling_mode))
        return fail(r, n, "unknown scaling mode '%s' (none, scale, center, scale-center, sigma)",
                    r->pf->scaling_mode);
    return PESX_OK;
}

static int read_normalization(reader *r, const xmlNode *n)
{
    int st;
    if ((st = check_attrs(r, n, (const char *const[]){"mean-energy", "conv-energy", NULL})) ||
        (st = attr_num(r, n, "mean-energy", 0, &r->pf->mean_energy)) ||
        (st = attr_num(r, n, "conv-energy", 0, &r->pf->conv_energy)))
        return st;
    if (r->pf->conv_energy == 0.0)
        return fail(r, n, "conv-energy must not be 0");
    return PESX_OK;
}

static int read_committee(reader *r, const xmlNode *n)
{
    long m = 1;
    int st;
    if ((st = check_attrs(r, n, (const char *const[]){"members", NULL})) ||
        (st = attr_count(r, n, "members", 1, 10000, &m)))
        return st;
    if (m < 1)
        return fail(r, n, "a committee needs at least one member");
    r->pf->n_members = (size_t)m;
    return PESX_OK;
}

/* ---- elements ------------------------------------------------------------- */

static int read_sf(reader *r, const xmlNode *n, pesx_potential_file_sf *sf, size_t index)
{
    int found, st;
    long idx;
    if ((st = attr_str(r, n, "type", 1, sf->type, sizeof sf->type, &found)) ||
        (st = attr_str(r, n, "e1", 0, sf->e1, sizeof sf->e1, &found)) ||
        (st = attr_str(r, n, "e2", 0, sf->e2, sizeof sf->e2, &found)) ||
        (st = attr_str(r, n, "sub", 0, sf->sub, sizeof sf->sub, &found)) ||
        (st = attr_num(r, n, "min", 0, &sf->gmin)) || (st = attr_num(r, n, "max", 0, &sf->gmax)) ||
        (st = attr_num(r, n, "mean", 0, &sf->gmean)) ||
        (st = attr_num(r, n, "sigma", 0, &sf->gsigma)) ||
        (st = attr_num(r, n, "train-min", 0, &sf->train_min)) ||
        (st = attr_num(r, n, "train-max", 0, &sf->train_max)))
        return st;
    idx = (long)index;
    if ((st = attr_count(r, n, "index", 0, 1000000, &idx)))
        return st;
    if (idx != (long)index)
        return fail(r, n, "<sf index=\"%ld\"> is symmetry function %zu of its element (indices "
                          "count from 1 in network input order)",
                    idx, index);
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        const char *name = (const char *)a->name;
        double v;
        if (pesx_pf_sf_attr_reserved(name))
            continue;
        if ((st = attr_num(r, n, name, 1, &v)))
            return st;
        if (pesx_potential_file_sf_set(sf, name, v) != PESX_OK)
            return fail(r, n, "%s", pesx_error_last()->msg);
    }
    return PESX_OK;
}

static int parse_sizes(const reader *r, const xmlNode *n, const char *text, size_t *sizes,
                       size_t *n_sizes)
{
    const char *s = text;
    *n_sizes = 0;
    while (*s) {
        char *end;
        while (is_xml_space(*s))
            s++;
        if (!*s)
            break;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (end == s || errno || v < 1 || v > 100000 ||
            (*end && !is_xml_space(*end)))
            return fail(r, n, "layers=\"%s\": layer sizes must be positive whole numbers", text);
        if (*n_sizes == PESX_PF_MAX_SIZES)
            return fail(r, n, "layers=\"%s\": more than %d layers", text, PESX_PF_MAX_SIZES);
        sizes[(*n_sizes)++] = (size_t)v;
        s = end;
    }
    if (*n_sizes < 2)
        return fail(r, n, "layers=\"%s\": a network needs at least an input and an output layer",
                    text);
    return PESX_OK;
}

/* Weights of one member: whitespace-separated numbers; N expected. */
static int read_weights(reader *r, const xmlNode *n, double *w, size_t nw, const char *arch)
{
    xmlChar *v = xmlNodeGetContent(n);
    const char *s = v ? (const char *)v : "";
    long line = node_line(n);
    size_t k = 0;
    int st = PESX_OK;
    for (;;) {
        char tok[128];
        size_t len = 0;
        while (is_xml_space(*s)) {
            if (*s == '\n')
                line++;
            s++;
        }
        if (!*s)
            break;
        while (s[len] && !is_xml_space(s[len]))
            len++;
        if (len >= sizeof tok) {
            st = fail_line(r, line, "<weights>: token %.20s... is not a number", s);
            break;
        }
        memcpy(tok, s, len);
        tok[len] = 0;
        s += len;
        if (k == nw) {
            st = fail_line(r, line,
                           "<weights>: more than %zu numbers, but the architecture %s needs %zu",
                           nw, arch, nw);
            break;
        }
        if (pesx_parse_double(tok, &w[k]) != PESX_OK) {
            st = fail_line(r, line, "<weights>: '%s' (weight %zu) is not a finite number", tok,
                           k + 1);
            break;
        }
        k++;
    }
    if (!st && k != nw)
        st = fail_line(r, line, "<weights>: %zu numbers, but the architecture %s needs %zu", k,
                       arch, nw);
    xmlFree(v);
    return st;
}

static int read_members(reader *r, const xmlNode *net, pesx_potential_file_element *e,
                        const char *arch, const xmlNode **seen);

static int read_network_body(reader *r, const xmlNode *net, pesx_potential_file_element *e,
                             const char *arch)
{
    size_t M = r->pf->n_members;
    const xmlNode **seen;
    int st;
    if ((st = check_content(r, net)))
        return st;
    seen = calloc(M + 1, sizeof *seen);
    if (!seen)
        return pesx_error_set(PESX_ENOMEM, r->path, 0, "out of memory");
    st = read_members(r, net, e, arch, seen);
    free(seen);
    return st;
}

static int read_members(reader *r, const xmlNode *net, pesx_potential_file_element *e,
                        const char *arch, const xmlNode **seen)
{
    size_t M = r->pf->n_members;
    int st;
    for (const xmlNode *c = net->children; c; c = c->next) {
        long member, count;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!is(c, "weights"))
            return fail(r, c, "unknown element <%s> in <network>", name_of(c));
        if ((st = check_attrs(r, c, (const char *const[]){"member", "count", NULL})) ||
            (st = attr_count(r, c, "member", 1, 10000, &member)))
            return st;
        if (member < 1 || (size_t)member > M)
            return fail(r, c, "<weights member=\"%ld\">: the committee has %zu member%s", member,
                        M, M == 1 ? "" : "s");
        if (seen[member])
            return fail(r, c, "weights of member %ld given twice (first at line %ld)", member,
                        node_line(seen[member]));
        seen[member] = c;
        count = (long)e->n_weights;
        if ((st = attr_count(r, c, "count", 0, 100000000, &count)))
            return st;
        if ((size_t)count != e->n_weights)
            return fail(r, c, "<weights count=\"%ld\">, but the architecture %s needs %zu weights",
                        count, arch, e->n_weights);
        if ((st = read_weights(r, c, e->weights + (size_t)(member - 1) * e->n_weights,
                               e->n_weights, arch)))
            return st;
    }
    for (size_t m = 1; m <= M; m++)
        if (!seen[m])
            return fail(r, net, "element %s: no <weights member=\"%zu\"> (the committee has %zu)",
                        e->symbol, m, M);
    return PESX_OK;
}

/* Characters of text inside the <weights> of NET: every weight takes at
 * least one, so this bounds what the file can fill (read_members then
 * checks each member's count exactly). */
static size_t weights_text_length(const xmlNode *net)
{
    size_t len = 0;
    for (const xmlNode *c = net->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || !is(c, "weights"))
            continue;
        xmlChar *v = xmlNodeGetContent(c);
        if (v)
            len += strlen((const char *)v);
        xmlFree(v);
    }
    return len;
}

static int read_element(reader *r, const xmlNode *n)
{
    char sym[8], layers[512], acts[1024];
    const xmlNode *sfs = NULL, *net = NULL;
    size_t n_sf = 0, sizes[PESX_PF_MAX_SIZES], n_sizes;
    double ref = 0.0;
    long zattr = 0;
    int found, st;
    if ((st = check_attrs(r, n, (const char *const[]){"symbol", "z", "reference-energy", NULL})) ||
        (st = attr_str(r, n, "symbol", 1, sym, sizeof sym, &found)) ||
        (st = attr_count(r, n, "z", 0, 1000, &zattr)) ||
        (st = attr_num(r, n, "reference-energy", 0, &ref)) || (st = check_content(r, n)))
        return st;
    int z = pesx_element_z(sym);
    if (!z)
        return fail(r, n, "unknown element symbol '%s'", sym);
    if (zattr && zattr != z)
        return fail(r, n, "element %s has Z = %d, not %ld", sym, z, zattr);
    if (r->elem_line[z])
        return fail(r, n, "element %s given twice (first at line %ld)", sym, r->elem_line[z]);
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is(c, "symmetry-functions")) {
            if (sfs)
                return fail(r, c, "element %s: <symmetry-functions> given twice", sym);
            sfs = c;
        } else if (is(c, "network")) {
            if (net)
                return fail(r, c, "element %s: <network> given twice", sym);
            net = c;
        } else {
            return fail(r, c, "unknown element <%s> in <element>", name_of(c));
        }
    }
    if (!sfs)
        return fail(r, n, "element %s has no <symmetry-functions>", sym);
    if (!net)
        return fail(r, n, "element %s has no <network>", sym);
    if ((st = check_attrs(r, sfs, (const char *const[]){"count", NULL})) ||
        (st = check_content(r, sfs)))
        return st;
    for (const xmlNode *c = sfs->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!is(c, "sf"))
            return fail(r, c, "unknown element <%s> in <symmetry-functions>", name_of(c));
        n_sf++;
    }
    if (n_sf == 0)
        return fail(r, sfs, "element %s has no <sf>", sym);
    long cnt = (long)n_sf;
    if ((st = attr_count(r, sfs, "count", 0, 1000000, &cnt)))
        return st;
    if ((size_t)cnt != n_sf)
        return fail(r, sfs, "<symmetry-functions count=\"%ld\"> holds %zu <sf>", cnt, n_sf);

    /* network architecture */
    if ((st = check_attrs(r, net, (const char *const[]){"layers", "activations", "normalize-nodes",
                                                       NULL})) ||
        (st = attr_str(r, net, "layers", 1, layers, sizeof layers, &found)) ||
        (st = attr_str(r, net, "activations", 1, acts, sizeof acts, &found)) ||
        (st = parse_sizes(r, net, layers, sizes, &n_sizes)))
        return st;
    if (sizes[0] != n_sf)
        return fail(r, net, "element %s: the network has %zu inputs (layers=\"%s\") but there are "
                            "%zu symmetry functions",
                    sym, sizes[0], layers, n_sf);
    if (sizes[n_sizes - 1] != 1)
        return fail(r, net, "element %s: the network must end in one output neuron (layers=\"%s\")",
                    sym, layers);
    char normalize[16];
    int norm = 0;
    if ((st = attr_str(r, net, "normalize-nodes", 0, normalize, sizeof normalize, &found)))
        return st;
    if (found) {
        if (!strcmp(normalize, "1") || !strcmp(normalize, "true"))
            norm = 1;
        else if (strcmp(normalize, "0") && strcmp(normalize, "false"))
            return fail(r, net, "normalize-nodes=\"%s\": use 0 or 1", normalize);
    }

    size_t nw = pesx_potential_file_weight_count(n_sizes, sizes);
    size_t text = weights_text_length(net);
    if (nw == SIZE_MAX || nw > text + 1)
        return fail(r, net, "element %s: layers=\"%s\" needs %zu weights per member, more than "
                            "the %zu characters of <weights> can hold",
                    sym, layers, nw, text);
    pesx_potential_file_element *e =
        pesx_potential_file_add_element(r->pf, sym, n_sf, n_sizes, sizes);
    if (!e) { /* keep the code: out of memory must not read as bad input */
        char msg[sizeof pesx_error_last()->msg];
        int code = pesx_error_last()->code;
        snprintf(msg, sizeof msg, "%s", pesx_error_last()->msg);
        return pesx_error_set(code, r->path, node_line(n), "%s", msg);
    }
    e->ref_energy = ref;
    e->normalize_nodes = norm;
    r->elem_line[z] = node_line(n);
    r->net_line[z] = node_line(net);

    /* activations: one name per non-input layer */
    size_t na = 0;
    for (char *save = NULL, *tok = strtok_r(acts, " \t\r\n", &save); tok;
         tok = strtok_r(NULL, " \t\r\n", &save)) {
        if (na == n_sizes - 1)
            return fail(r, net, "element %s: more activations than the %zu layers after the input",
                        sym, n_sizes - 1);
        if (strlen(tok) >= PESX_PF_NAME)
            return fail(r, net, "activation name '%s' too long", tok);
        snprintf(e->activation[na++], PESX_PF_NAME, "%s", tok);
    }
    if (na != n_sizes - 1)
        return fail(r, net, "element %s: %zu activations for %zu layers after the input", sym, na,
                    n_sizes - 1);

    /* symmetry functions */
    r->sf_line[z] = calloc(n_sf, sizeof(long));
    if (!r->sf_line[z])
        return pesx_error_set(PESX_ENOMEM, r->path, 0, "out of memory");
    size_t s = 0;
    for (const xmlNode *c = sfs->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        r->sf_line[z][s] = node_line(c);
        if ((st = check_content(r, c)) || (st = read_sf(r, c, &e->sf[s], s + 1)))
            return st;
        s++;
    }

    /* weights of every member */
    char arch[256];
    size_t len = 0;
    for (size_t l = 0; l < n_sizes && len < sizeof arch; l++) {
        int w = snprintf(arch + len, sizeof arch - len, "%s%zu", l ? "-" : "", sizes[l]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    return read_network_body(r, net, e, arch);
}

/* ---- the document -------------------------------------------------------- */

static int read_root(reader *r, const xmlNode *root)
{
    static const char *const parts[] = {"metadata", "units", "cutoff", "scaling",
                                        "normalization", "committee", NULL};
    const xmlNode *part[6] = {0};
    long version;
    int st, n_elem = 0;
    if (!root || root->type != XML_ELEMENT_NODE || strcmp(name_of(root), "pesx-potential") != 0)
        return fail(r, root, "not a pesx potential: the root element is <%s>, not <pesx-potential>",
                    root ? name_of(root) : "");
    r->lines.root = node_line(root);
    if ((st = check_attrs(r, root, (const char *const[]){"version", NULL})) ||
        (st = attr_count(r, root, "version", 1, 1000000, &version)))
        return st;
    if (version != PESX_POTENTIAL_FILE_VERSION)
        return fail(r, root,
                    "unsupported potential.xml version %ld (this pesx reads version %d; a newer "
                    "pesx may read it)",
                    version, PESX_POTENTIAL_FILE_VERSION);
    if ((st = check_content(r, root)))
        return st;
    for (const xmlNode *c = root->children; c; c = c->next) {
        size_t k;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is(c, "element")) {
            n_elem++;
            continue;
        }
        for (k = 0; parts[k]; k++)
            if (is(c, parts[k]))
                break;
        if (!parts[k])
            return fail(r, c, "unknown element <%s> in <pesx-potential>", name_of(c));
        if (part[k])
            return fail(r, c, "<%s> given twice (first at line %ld)", parts[k],
                        node_line(part[k]));
        part[k] = c;
    }
    if (!part[2])
        return fail(r, root, "<pesx-potential> has no <cutoff>");
    if (!part[3])
        return fail(r, root, "<pesx-potential> has no <scaling>");
    if (n_elem == 0)
        return fail(r, root, "<pesx-potential> has no <element>");
    r->lines.metadata = node_line(part[0]);
    r->lines.cutoff = node_line(part[2]);
    r->lines.scaling = node_line(part[3]);
    r->lines.normalization = node_line(part[4]);
    r->lines.committee = node_line(part[5]);
    if ((part[0] && (st = read_metadata(r, part[0]))) || (part[1] && (st = read_units(r, part[1]))) ||
        (st = read_cutoff(r, part[2])) || (st = read_scaling(r, part[3])) ||
        (part[4] && (st = read_normalization(r, part[4]))) ||
        (part[5] && (st = read_committee(r, part[5]))))
        return st;
    for (const xmlNode *c = root->children; c; c = c->next)
        if (is(c, "element") && (st = read_element(r, c)))
            return st;
    return PESX_OK;
}

int pesx_potential_file_read(const char *path, pesx_potential_file *pf)
{
    reader r;
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;
    int st;
    FILE *probe = fopen(path, "r");
    pesx_potential_file_init(pf);
    if (!probe)
        return pesx_error_set(PESX_EIO, path, 0, "cannot open: %s", strerror(errno));
    fclose(probe);
    memset(&r, 0, sizeof r);
    r.path = path;
    r.pf = pf;
    ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return pesx_error_set(PESX_ENOMEM, path, 0, "out of memory for the XML parser");
    doc = xmlCtxtReadFile(ctxt, path, NULL,
                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                              XML_PARSE_BIG_LINES);
    if (!doc) {
        const xmlError *err = xmlCtxtGetLastError(ctxt);
        char msg[sizeof pesx_error_last()->msg];
        snprintf(msg, sizeof msg, "%s", err && err->message ? err->message : "cannot parse");
        size_t len = strlen(msg);
        while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
            msg[--len] = 0;
        st = pesx_error_set(PESX_EINVAL, path, err ? err->line : 0, "not well-formed XML: %s", msg);
        xmlFreeParserCtxt(ctxt);
        return st;
    }
    st = read_root(&r, xmlDocGetRootElement(doc));
    if (!st) {
        /* lines in the final (atomic-number) order for the global checks */
        size_t ne = pf->n_elements;
        r.lines.element = calloc(ne, sizeof(long));
        r.lines.network = calloc(ne, sizeof(long));
        r.lines.sf = calloc(ne, sizeof(long *));
        if (!r.lines.element || !r.lines.network || !r.lines.sf) {
            st = pesx_error_set(PESX_ENOMEM, path, 0, "out of memory");
        } else {
            for (size_t k = 0; k < ne; k++) {
                int z = pf->element[k].z;
                r.lines.element[k] = r.elem_line[z];
                r.lines.network[k] = r.net_line[z];
                r.lines.sf[k] = r.sf_line[z];
            }
            st = pesx_pf_check(pf, path, &r.lines);
        }
    }
    free(r.lines.element);
    free(r.lines.network);
    free(r.lines.sf);
    for (int z = 0; z <= PESX_MAX_Z; z++)
        free(r.sf_line[z]);
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    if (st)
        pesx_potential_file_release(pf);
    return st;
}
