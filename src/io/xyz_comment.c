/* The comment line of extended XYZ: key=value entries, as ASE and OVITO
 * write them, plus the number formatting and quoting the writer shares. */
#include <config.h>
#include "io/xyz_impl.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

static char closing_delimiter(char c)
{
    switch (c) {
    case '"': return '"';
    case '\'': return '\'';
    case '{': return '}';
    case '[': return ']';
    default: return 0;
    }
}

/* Growable string. */
typedef struct {
    char *s;
    size_t n, cap;
} sbuf;

static int sbuf_put(sbuf *b, char c)
{
    if (pesx_array_reserve(&b->s, &b->cap, b->n + 2, 1, 32))
        return -1;
    b->s[b->n++] = c;
    b->s[b->n] = '\0';
    return 0;
}

/* One item (a key, or a value when STOP_AT_EQ is 0) starting at *pos: plain
 * characters, quoted segments and escapes up to unquoted whitespace. */
static int parse_item(const char *line, size_t *pos, int stop_at_eq, char **out)
{
    sbuf b = {NULL, 0, 0};
    size_t p = *pos;
    int status = XYZ_TOK_OK;
    if (sbuf_put(&b, 'x'))
        return XYZ_TOK_NOMEM;
    b.n = 0;
    b.s[0] = '\0';
    while (line[p] && !is_space(line[p]) && !(stop_at_eq && line[p] == '=')) {
        char c = line[p], close = closing_delimiter(c);
        if (c == '\\' && line[p + 1]) {
            if (sbuf_put(&b, line[p + 1])) {
                status = XYZ_TOK_NOMEM;
                break;
            }
            p += 2;
        } else if (close) {
            p++;
            while (line[p] && line[p] != close) {
                if (line[p] == '\\' && line[p + 1])
                    p++;
                if (sbuf_put(&b, line[p])) {
                    status = XYZ_TOK_NOMEM;
                    break;
                }
                p++;
            }
            if (status)
                break;
            if (!line[p]) {
                status = XYZ_TOK_UNTERMINATED;
                break;
            }
            p++; /* the closing delimiter */
        } else {
            if (sbuf_put(&b, c)) {
                status = XYZ_TOK_NOMEM;
                break;
            }
            p++;
        }
    }
    if (status) {
        free(b.s);
        return status;
    }
    *pos = p;
    *out = b.s;
    return XYZ_TOK_OK;
}

static int kvlist_push(xyz_kvlist *l, const xyz_kv *kv)
{
    if (pesx_array_reserve(&l->kv, &l->cap, l->n + 1, sizeof *l->kv, 16))
        return -1;
    l->kv[l->n++] = *kv;
    return 0;
}

void xyz_kvlist_release(xyz_kvlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->kv[i].key);
        free(l->kv[i].value);
    }
    free(l->kv);
    l->kv = NULL;
    l->n = l->cap = 0;
}

int xyz_tokenize_comment(const char *line, xyz_kvlist *out)
{
    size_t p = 0;
    int status = XYZ_TOK_OK;
    out->n = out->cap = 0;
    out->kv = NULL;
    for (;;) {
        xyz_kv kv;
        size_t q;
        memset(&kv, 0, sizeof kv);
        while (is_space(line[p]))
            p++;
        if (!line[p])
            break;
        kv.key_start = p;
        if ((status = parse_item(line, &p, 1, &kv.key)))
            break;
        kv.key_end = p;
        if (kv.key[0] == '\0') { /* "=value" with no key */
            free(kv.key);
            status = XYZ_TOK_NOKEY;
            break;
        }
        q = p;
        while (is_space(line[q]))
            q++;
        if (line[q] == '=') {
            q++;
            while (is_space(line[q]))
                q++;
            p = q;
            kv.val_start = p;
            if ((status = parse_item(line, &p, 0, &kv.value))) {
                free(kv.key);
                break;
            }
            kv.val_end = p;
        } else {
            kv.val_start = kv.val_end = p;
        }
        if (kvlist_push(out, &kv)) {
            free(kv.key);
            free(kv.value);
            status = XYZ_TOK_NOMEM;
            break;
        }
    }
    if (status)
        xyz_kvlist_release(out);
    return status;
}

static int sbuf_cat(sbuf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (sbuf_put(b, s[i]))
            return -1;
    return 0;
}

char *xyz_kvlist_join(const char *text, const xyz_kvlist *l, const unsigned char *keep)
{
    sbuf b = {NULL, 0, 0};
    if (sbuf_put(&b, 'x'))
        return NULL;
    b.n = 0;
    b.s[0] = '\0';
    for (size_t i = 0; i < l->n; i++) {
        const xyz_kv *kv = &l->kv[i];
        size_t end = kv->value ? kv->val_end : kv->key_end;
        int ok;
        if (keep && !keep[i])
            continue;
        if (b.n && sbuf_put(&b, ' '))
            goto nomem;
        /* as written, unless the text depends on being last on the line: a
         * trailing backslash, or "key=" with nothing after it */
        if (text[end - 1] != '\\' && !(kv->value && kv->val_end == kv->val_start)) {
            ok = !sbuf_cat(&b, text + kv->key_start, kv->key_end - kv->key_start) &&
                 (!kv->value || (!sbuf_put(&b, '=') &&
                                 !sbuf_cat(&b, text + kv->val_start, kv->val_end - kv->val_start)));
        } else {
            char *k = xyz_valid_name(kv->key, 1) ? NULL : xyz_quote_value(kv->key);
            char *v = kv->value ? xyz_quote_value(kv->value) : NULL;
            const char *kk = k ? k : kv->key;
            ok = (k || xyz_valid_name(kv->key, 1)) && (v || !kv->value) &&
                 !sbuf_cat(&b, kk, strlen(kk)) &&
                 (!v || (!sbuf_put(&b, '=') && !sbuf_cat(&b, v, strlen(v))));
            free(k);
            free(v);
        }
        if (!ok)
            goto nomem;
    }
    return b.s;
nomem:
    free(b.s);
    return NULL;
}

int xyz_valid_name(const char *name, int allow_colon)
{
    if (!name || !*name)
        return 0;
    for (const char *s = name; *s; s++)
        if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 127 || strchr("\"'{}[]=\\,", *s) ||
            (!allow_colon && *s == ':'))
            return 0;
    return 1;
}

long xyz_kvlist_find(const xyz_kvlist *l, const char *key, int nocase)
{
    for (size_t i = l->n; i-- > 0;) /* the last one wins, as in ASE */
        if (nocase ? strcasecmp(l->kv[i].key, key) == 0 : strcmp(l->kv[i].key, key) == 0)
            return (long)i;
    return -1;
}

int xyz_reserved_key(const char *key)
{
    return strcasecmp(key, "Lattice") == 0 || strcasecmp(key, "Properties") == 0 ||
           strcasecmp(key, "pbc") == 0 || strcmp(key, "energy") == 0;
}

char *xyz_quote_value(const char *value)
{
    size_t len = strlen(value), extra = 0;
    int quote = len == 0;
    char *out, *o;
    for (const char *s = value; *s; s++) {
        if (*s == '"' || *s == '\\')
            extra++;
        if (is_space(*s) || closing_delimiter(*s) || *s == '"' || *s == '\\' || *s == '=' ||
            *s == '}' || *s == ']')
            quote = 1;
    }
    out = malloc(len + extra + 3);
    if (!out)
        return NULL;
    if (!quote) {
        memcpy(out, value, len + 1);
        return out;
    }
    o = out;
    *o++ = '"';
    for (const char *s = value; *s; s++) {
        if (*s == '"' || *s == '\\')
            *o++ = '\\';
        *o++ = *s;
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

const char *xyz_show(const char *text, char *buf, size_t size)
{
    size_t i = 0, max = size > 44 ? 40 : size - 4;
    const char *s = text;
    while (*s && (is_space(*s)))
        s++;
    for (; *s && i < max; s++)
        buf[i++] = isprint((unsigned char)*s) ? *s : '?';
    while (i > 0 && buf[i - 1] == ' ')
        i--;
    if (*s) {
        buf[i++] = '.';
        buf[i++] = '.';
        buf[i++] = '.';
    }
    buf[i] = '\0';
    return buf;
}
