/* data.xml reader on libxml2's streaming reader (xmlTextReader): one
 * <structure> at a time is in memory.  Strict: unknown elements and
 * attributes are errors, and every error names the file and line.  Layout
 * in pesx-data(5). */
#include <config.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/xmlreader.h>
#include <pesx/io_dataset.h>
#include "io/dataset_impl.h"

typedef struct {
    const char *path;
    xmlTextReaderPtr xr;
    /* the first libxml2 error (the parser reports several for one fault) */
    int xml_failed;
    long xml_line;
    char xml_msg[512];
    double L, E;                 /* Angstrom and eV per file unit */
    /* the structure being read */
    long s_line;
    char *id;
    double weight;
    int has_energy, has_cell, has_pbc;
    long energy_line;
    double energy, cell[9];
    int pbc[3];
    size_t n, cap;
    int *z;
    double *x, *f;
    /* text content of <cell>, <pbc>, <energy> */
    char *text;
    size_t text_len, text_cap;
    pesx_atoms *atoms;
} reader;

static int fail(reader *r, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(reader *r, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = pesx_error_setv(PESX_EINVAL, r->path, line, fmt, ap);
    va_end(ap);
    return st;
}

static void on_xml_error(void *arg, const char *msg, xmlParserSeverities severity,
                         xmlTextReaderLocatorPtr loc)
{
    reader *r = arg;
    size_t len;
    if (severity == XML_PARSER_SEVERITY_WARNING ||
        severity == XML_PARSER_SEVERITY_VALIDITY_WARNING || r->xml_failed)
        return;
    r->xml_failed = 1;
    r->xml_line = loc ? xmlTextReaderLocatorLineNumber(loc) : 0;
    snprintf(r->xml_msg, sizeof r->xml_msg, "%s", msg ? msg : "malformed XML");
    len = strlen(r->xml_msg);
    while (len > 0 && (r->xml_msg[len - 1] == '\n' || r->xml_msg[len - 1] == ' '))
        r->xml_msg[--len] = 0;
}

static void quiet_error(void *arg, const char *msg, xmlParserSeverities severity,
                        xmlTextReaderLocatorPtr loc)
{
    (void)arg, (void)msg, (void)severity, (void)loc;
}

/* Line of the current node (the start tag for an element). */
static long line_here(reader *r)
{
    xmlNodePtr n = xmlTextReaderCurrentNode(r->xr);
    long l = n ? xmlGetLineNo(n) : -1;
    return l > 0 ? l : xmlTextReaderGetParserLineNumber(r->xr);
}

static const char *show(const char *s, char *buf, size_t size)
{
    size_t k = 0;
    for (; *s && k + 4 < size; s++)
        buf[k++] = (unsigned char)*s < 32 ? '?' : *s;
    if (*s)
        buf[k++] = '.', buf[k++] = '.', buf[k++] = '.';
    buf[k] = 0;
    return buf;
}

/* As show, without the blanks around TEXT. */
static const char *show_trimmed(const char *s, char *buf, size_t size)
{
    char tmp[64];
    size_t len;
    s += strspn(s, " \t\r\n");
    len = strlen(s);
    while (len > 0 && strchr(" \t\r\n", s[len - 1]))
        len--;
    if (len >= sizeof tmp)
        len = sizeof tmp - 1;
    memcpy(tmp, s, len);
    tmp[len] = 0;
    return show(tmp, buf, size);
}

/* A number: a finite double, with blanks around it allowed. */
static int number(reader *r, long line, const char *what, const char *s, double *out)
{
    char buf[48];
    const char *p = s;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (pesx_parse_double(p, out) == PESX_OK)
        return PESX_OK;
    char *end;
    double v = strtod(p, &end);
    (void)v;
    if (*p && end != p && (*end == 0 || strspn(end, " \t\r\n") == strlen(end)))
        return fail(r, line, "%s '%s' is not a finite number", what, show(p, buf, sizeof buf));
    return fail(r, line, "%s '%s' is not a number", what, show(p, buf, sizeof buf));
}

static int units(reader *r, long line, const char *u)
{
    char e[32], l[32], extra[2];
    char buf[48];
    if (!u)
        return fail(r, line, "<dataset> needs units=\"eV Angstrom\" or units=\"Hartree Bohr\"");
    if (sscanf(u, "%31s %31s %1s", e, l, extra) == 2) {
        int eok = 1, lok = 1;
        if (!strcasecmp(e, "eV"))
            r->E = 1.0;
        else if (!strcasecmp(e, "Hartree"))
            r->E = PESX_HARTREE_EV;
        else
            eok = 0;
        if (!strcasecmp(l, "Angstrom"))
            r->L = 1.0;
        else if (!strcasecmp(l, "Bohr"))
            r->L = PESX_BOHR_ANGSTROM;
        else
            lok = 0;
        if (eok && lok)
            return PESX_OK;
    }
    return fail(r, line,
                "units=\"%s\": expected an energy unit (eV or Hartree) and a length unit "
                "(Angstrom or Bohr), as in units=\"eV Angstrom\"",
                show(u, buf, sizeof buf));
}

static int text_add(reader *r, const char *t)
{
    size_t len = strlen(t);
    if (pesx_array_reserve(&r->text, &r->text_cap, r->text_len + len + 1, 1, 256))
        return PESX_ENOMEM;
    memcpy(r->text + r->text_len, t, len + 1);
    r->text_len += len;
    return PESX_OK;
}

static int is_blank(const char *t)
{
    return strspn(t, " \t\r\n") == strlen(t);
}

/* <atom element="" x="" y="" z="" fx="" fy="" fz=""/> */
static int read_atom(reader *r, long line)
{
    static const char *const coord[6] = {"x", "y", "z", "fx", "fy", "fz"};
    int have[6] = {0}, have_el = 0, st;
    char buf[48];
    if (r->n == r->cap && (st = pesx_dataset_grow_atoms(&r->z, &r->x, &r->f, &r->cap)))
        return st;
    double *x = r->x + 3 * r->n, *f = r->f + 3 * r->n;
    while (xmlTextReaderMoveToNextAttribute(r->xr) == 1) {
        const char *name = (const char *)xmlTextReaderConstName(r->xr);
        const char *v = (const char *)xmlTextReaderConstValue(r->xr);
        int k;
        if (!v)
            v = "";
        if (!strcmp(name, "element")) {
            int z = pesx_element_z(v);
            if (z <= 0)
                return fail(r, line, "unknown element '%s'", show(v, buf, sizeof buf));
            r->z[r->n] = z;
            have_el = 1;
            continue;
        }
        for (k = 0; k < 6 && strcmp(name, coord[k]); k++)
            ;
        if (k == 6)
            return fail(r, line,
                        "unknown attribute '%s' on <atom> (expected element, x, y, z, fx, fy, fz)",
                        show(name, buf, sizeof buf));
        if ((st = number(r, line, name, v, k < 3 ? &x[k] : &f[k - 3])))
            return st;
        have[k] = 1;
    }
    xmlTextReaderMoveToElement(r->xr);
    if (!have_el)
        return fail(r, line, "<atom> without element=");
    for (int k = 0; k < 6; k++)
        if (!have[k])
            return fail(r, line, "<atom> without %s= (%s)", coord[k],
                        k < 3 ? "coordinate" : "force component");
    for (int k = 0; k < 3; k++) {
        x[k] *= r->L;
        f[k] *= r->E / r->L;
    }
    r->n++;
    return PESX_OK;
}

static int read_structure_attributes(reader *r, long line)
{
    char buf[48];
    int st;
    r->weight = 1.0;
    free(r->id);
    r->id = NULL;
    while (xmlTextReaderMoveToNextAttribute(r->xr) == 1) {
        const char *name = (const char *)xmlTextReaderConstName(r->xr);
        const char *v = (const char *)xmlTextReaderConstValue(r->xr);
        if (!v)
            v = "";
        if (!strcmp(name, "id")) {
            free(r->id);
            if (!(r->id = malloc(strlen(v) + 1)))
                return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
            strcpy(r->id, v);
        } else if (!strcmp(name, "weight")) {
            if ((st = number(r, line, "weight", v, &r->weight)))
                return st;
            if (r->weight < 0)
                return fail(r, line, "weight=\"%s\" is negative", show(v, buf, sizeof buf));
        } else {
            return fail(r, line, "unknown attribute '%s' on <structure> (expected id, weight)",
                        show(name, buf, sizeof buf));
        }
    }
    xmlTextReaderMoveToElement(r->xr);
    return PESX_OK;
}

static int no_attributes(reader *r, long line, const char *elem)
{
    char buf[48];
    if (xmlTextReaderMoveToNextAttribute(r->xr) == 1) {
        const char *name = (const char *)xmlTextReaderConstName(r->xr);
        return fail(r, line, "unknown attribute '%s' on <%s>", show(name, buf, sizeof buf), elem);
    }
    return PESX_OK;
}

/* The collected text of <cell>, <pbc> or <energy> (element WHAT). */
static int finish_leaf(reader *r, const char *what, long line)
{
    char buf[48];
    char *save = NULL, *tok;
    int st, k = 0;
    if (!strcmp(what, "energy")) {
        if ((st = number(r, line, "energy", r->text_len ? r->text : "", &r->energy)))
            return st;
        r->energy *= r->E;
        r->has_energy = 1;
        r->energy_line = line;
        return PESX_OK;
    }
    if (!strcmp(what, "cell")) {
        for (tok = strtok_r(r->text_len ? r->text : (char[]){0}, " \t\r\n", &save); tok;
             tok = strtok_r(NULL, " \t\r\n", &save)) {
            if (k == 9)
                return fail(r, line, "<cell> has more than 9 numbers");
            if ((st = number(r, line, "cell entry", tok, &r->cell[k])))
                return st;
            r->cell[k++] *= r->L;
        }
        if (k != 9)
            return fail(r, line, "<cell> needs 9 numbers (3 lattice vectors), got %d", k);
        r->has_cell = 1;
        return PESX_OK;
    }
    /* pbc */
    for (tok = strtok_r(r->text_len ? r->text : (char[]){0}, " \t\r\n", &save); tok;
         tok = strtok_r(NULL, " \t\r\n", &save)) {
        int v;
        if (k == 3)
            return fail(r, line, "<pbc> has more than 3 entries");
        if (!strcmp(tok, "T") || !strcasecmp(tok, "true") || !strcmp(tok, "1"))
            v = 1;
        else if (!strcmp(tok, "F") || !strcasecmp(tok, "false") || !strcmp(tok, "0"))
            v = 0;
        else
            return fail(r, line, "<pbc> entry '%s' is not T or F", show(tok, buf, sizeof buf));
        r->pbc[k++] = v;
    }
    if (k != 3)
        return fail(r, line, "<pbc> needs 3 entries (T or F), got %d", k);
    r->has_pbc = 1;
    return PESX_OK;
}

static int finish_structure(reader *r, size_t index, pesx_dataset_callback cb, void *ctx)
{
    pesx_atoms *a = r->atoms;
    pesx_dataset_entry e;
    int st;
    if (r->n == 0)
        return fail(r, r->s_line, "structure without atoms");
    if (!r->has_energy)
        return fail(r, r->s_line, "structure without <energy>");
    if ((st = pesx_atoms_resize(a, r->n)))
        return st;
    memcpy(a->z, r->z, r->n * sizeof *a->z);
    memcpy(a->x, r->x, 3 * r->n * sizeof *a->x);
    memset(a->fixed, 0, r->n);
    a->has_cell = r->has_cell;
    memset(a->cell, 0, sizeof a->cell);
    if (r->has_cell)
        memcpy(a->cell, r->cell, sizeof a->cell);
    for (int k = 0; k < 3; k++)
        a->pbc[k] = r->has_pbc ? r->pbc[k] : r->has_cell;
    if (!r->has_cell && (a->pbc[0] || a->pbc[1] || a->pbc[2]))
        return fail(r, r->s_line, "<pbc> has a periodic direction but the structure has no <cell>");
    if (a->has_cell && (a->pbc[0] || a->pbc[1] || a->pbc[2]) && pesx_atoms_check(a))
        return fail(r, r->s_line, "%s", pesx_error_last()->msg);
    e.id = r->id ? r->id : "";
    e.atoms = a;
    e.energy = r->energy;
    e.forces = r->f;
    e.weight = r->weight;
    e.file = r->path;
    e.line = r->s_line;
    return cb(&e, index, ctx);
}

static void reader_release(reader *r)
{
    if (r->xr)
        xmlFreeTextReader(r->xr);
    free(r->id);
    free(r->z);
    free(r->x);
    free(r->f);
    free(r->text);
    pesx_atoms_free(r->atoms);
}

/* Where we are in the layout. */
enum { AT_TOP, IN_DATASET, IN_STRUCTURE, IN_LEAF, IN_ATOM, AFTER_DATASET };

int pesx_dataset_read_stream(const char *path, pesx_dataset_callback cb, void *ctx,
                             size_t *count)
{
    reader r;
    int st = PESX_OK, where = AT_TOP, ret;
    size_t n_struct = 0;
    long dataset_line = 0, leaf_line = 0;
    char leaf[16] = "";
    char buf[48];
    FILE *probe;

    if (count)
        *count = 0;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.L = r.E = 1.0;
    if (!(probe = fopen(path, "r")))
        return pesx_error_set(PESX_EIO, path, 0, "cannot open: %s", strerror(errno));
    fclose(probe);
    if (!(r.atoms = pesx_atoms_alloc(0)))
        return PESX_ENOMEM;
    r.xr = xmlReaderForFile(path, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA);
    if (!r.xr) {
        reader_release(&r);
        return pesx_error_set(PESX_EIO, path, 0, "cannot read as XML");
    }
    xmlTextReaderSetErrorHandler(r.xr, on_xml_error, &r);

    while (!st && (ret = xmlTextReaderRead(r.xr)) == 1) {
        int type = xmlTextReaderNodeType(r.xr);
        const char *name = (const char *)xmlTextReaderConstName(r.xr);
        int empty = type == XML_READER_TYPE_ELEMENT && xmlTextReaderIsEmptyElement(r.xr);
        long line;

        if (type == XML_READER_TYPE_COMMENT || type == XML_READER_TYPE_PROCESSING_INSTRUCTION ||
            type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
            type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_XML_DECLARATION)
            continue;
        line = line_here(&r);
        if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) {
            const char *t = (const char *)xmlTextReaderConstValue(r.xr);
            if (!t)
                t = "";
            if (where == IN_LEAF) {
                st = text_add(&r, t);
            } else if (!is_blank(t)) {
                /* libxml2 gives a text node the line where it ends: step
                 * back to the line of its first non-blank character */
                size_t lead = strspn(t, " \t\r\n");
                for (const char *c = t + lead; *c; c++)
                    line -= *c == '\n';
                if (line < 1)
                    line = 1;
                st = fail(&r, line, "unexpected text '%s'%s", show_trimmed(t, buf, sizeof buf),
                          where == IN_STRUCTURE ? " inside <structure>"
                          : where == IN_DATASET ? " inside <dataset>"
                                                : "");
            }
            continue;
        }
        if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
            st = fail(&r, line, "entity references are not allowed in data.xml");
            continue;
        }
        if (type == XML_READER_TYPE_END_ELEMENT) {
            if (where == IN_LEAF) {
                st = finish_leaf(&r, leaf, leaf_line);
                where = IN_STRUCTURE;
            } else if (where == IN_ATOM) {
                where = IN_STRUCTURE;
            } else if (where == IN_STRUCTURE) {
                st = finish_structure(&r, n_struct, cb, ctx);
                n_struct += !st;
                where = IN_DATASET;
            } else if (where == IN_DATASET) {
                where = AFTER_DATASET;
            }
            continue;
        }
        if (type != XML_READER_TYPE_ELEMENT)
            continue;

        switch (where) {
        case AT_TOP:
            if (strcmp(name, "dataset") != 0) {
                st = fail(&r, line, "root element is <%s>, expected <dataset>",
                          show(name, buf, sizeof buf));
                break;
            }
            dataset_line = line;
            {
                xmlChar *u = xmlTextReaderGetAttribute(r.xr, BAD_CAST "units");
                st = units(&r, line, (const char *)u);
                xmlFree(u);
            }
            while (!st && xmlTextReaderMoveToNextAttribute(r.xr) == 1) {
                const char *an = (const char *)xmlTextReaderConstName(r.xr);
                if (strcmp(an, "units") != 0 && strncmp(an, "xmlns", 5) != 0)
                    st = fail(&r, line, "unknown attribute '%s' on <dataset> (expected units)",
                              show(an, buf, sizeof buf));
            }
            xmlTextReaderMoveToElement(r.xr);
            where = empty ? AFTER_DATASET : IN_DATASET;
            break;
        case IN_DATASET:
            if (strcmp(name, "structure") != 0) {
                st = fail(&r, line, "unknown element <%s> in <dataset> (expected <structure>)",
                          show(name, buf, sizeof buf));
                break;
            }
            r.s_line = line;
            r.n = 0;
            r.has_energy = r.has_cell = r.has_pbc = 0;
            if ((st = read_structure_attributes(&r, line)))
                break;
            if (empty)
                st = fail(&r, line, "structure without atoms");
            where = IN_STRUCTURE;
            break;
        case IN_STRUCTURE:
            if (!strcmp(name, "atom")) {
                st = read_atom(&r, line);
                where = empty ? IN_STRUCTURE : IN_ATOM;
            } else if (!strcmp(name, "energy") || !strcmp(name, "cell") || !strcmp(name, "pbc")) {
                int dup = (!strcmp(name, "energy") && r.has_energy) ||
                          (!strcmp(name, "cell") && r.has_cell) ||
                          (!strcmp(name, "pbc") && r.has_pbc);
                if (dup) {
                    st = fail(&r, line, "second <%s> in one structure (the first is on line %ld)",
                              name, !strcmp(name, "energy") ? r.energy_line : r.s_line);
                    break;
                }
                if ((st = no_attributes(&r, line, name)))
                    break;
                snprintf(leaf, sizeof leaf, "%s", name);
                leaf_line = line;
                r.text_len = 0;
                if (r.text)
                    r.text[0] = 0;
                if (empty)
                    st = finish_leaf(&r, leaf, line);
                else
                    where = IN_LEAF;
            } else {
                st = fail(&r, line,
                          "unknown element <%s> in <structure> (expected <atom>, <energy>, "
                          "<cell>, <pbc>)",
                          show(name, buf, sizeof buf));
            }
            break;
        case IN_LEAF:
            st = fail(&r, line, "unexpected element <%s> inside <%s>", show(name, buf, sizeof buf),
                      leaf);
            break;
        case IN_ATOM:
            st = fail(&r, line, "unexpected element <%s> inside <atom>", show(name, buf, sizeof buf));
            break;
        default:
            st = fail(&r, line, "element <%s> after </dataset>", show(name, buf, sizeof buf));
        }
    }
    if (!st && ret != 0) {
        /* the parser failed (malformed XML) */
        if (r.xml_failed)
            st = fail(&r, r.xml_line > 0 ? r.xml_line : xmlTextReaderGetParserLineNumber(r.xr),
                      "malformed XML: %s", r.xml_msg);
        else
            st = fail(&r, xmlTextReaderGetParserLineNumber(r.xr), "malformed XML");
    }
    if (!st && where == AT_TOP)
        st = fail(&r, xmlTextReaderGetParserLineNumber(r.xr), "no <dataset> element");
    if (!st && n_struct == 0)
        st = fail(&r, dataset_line, "empty data set: no <structure>");
    if (count)
        *count = n_struct;
    reader_release(&r);
    return st;
}

static int append_cb(const pesx_dataset_entry *e, size_t index, void *ctx)
{
    (void)index;
    return pesx_dataset_append(ctx, e);
}

int pesx_dataset_read(const char *path, pesx_dataset *ds)
{
    int st;
    pesx_dataset_init(ds);
    snprintf(ds->file, sizeof ds->file, "%s", path);
    st = pesx_dataset_read_stream(path, append_cb, ds, NULL);
    if (st)
        pesx_dataset_release(ds);
    return st;
}

int pesx_dataset_is_xml(const char *path)
{
    xmlTextReaderPtr xr;
    int found = 0;
    FILE *probe = fopen(path, "r");
    if (!probe)
        return 0;
    fclose(probe);
    xr = xmlReaderForFile(path, NULL,
                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!xr)
        return 0;
    xmlTextReaderSetErrorHandler(xr, quiet_error, NULL);
    while (xmlTextReaderRead(xr) == 1)
        if (xmlTextReaderNodeType(xr) == XML_READER_TYPE_ELEMENT) {
            found = strcmp((const char *)xmlTextReaderConstName(xr), "dataset") == 0;
            break;
        }
    xmlFreeTextReader(xr);
    return found;
}
