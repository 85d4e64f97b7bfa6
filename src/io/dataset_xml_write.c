/* data.xml writer: eV and Angstrom, numbers as the shortest text that reads
 * back to the same double (exact round trip), written atomically. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/io_dataset.h>
#include "io/xyz_impl.h"

struct pesx_dataset_writer {
    pesx_atomic_file af;
    size_t n;
};

pesx_dataset_writer *pesx_dataset_writer_open(const char *path)
{
    pesx_dataset_writer *w = calloc(1, sizeof *w);
    if (!w) {
        pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    if (pesx_atomic_open(&w->af, path)) {
        free(w);
        return NULL;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dataset units=\"eV Angstrom\">\n", w->af.fp);
    return w;
}

static const char *num(char *buf, double v)
{
    xyz_format_double(buf, v);
    return buf;
}

int pesx_dataset_writer_add(pesx_dataset_writer *w, const pesx_dataset_entry *e)
{
    const pesx_atoms *a = e->atoms;
    FILE *fp = w->af.fp;
    char b[6][32];
    if (!a || a->n == 0 || !e->forces)
        return pesx_error_set(PESX_EINVAL, e->file, e->line,
                              "cannot write a structure without atoms or forces");
    if (!isfinite(e->energy) || !isfinite(e->weight) || e->weight < 0)
        return pesx_error_set(PESX_EINVAL, e->file, e->line,
                              "cannot write a non-finite energy or a bad weight");
    for (size_t i = 0; i < 3 * a->n; i++)
        if (!isfinite(a->x[i]) || !isfinite(e->forces[i]))
            return pesx_error_set(PESX_EINVAL, e->file, e->line,
                                  "cannot write a non-finite position or force (atom %zu)",
                                  i / 3 + 1);
    for (size_t i = 0; i < a->n; i++)
        if (!pesx_element_symbol(a->z[i]))
            return pesx_error_set(PESX_EINVAL, e->file, e->line,
                                  "atom %zu has unknown atomic number %d", i + 1, a->z[i]);
    if (!a->has_cell && (a->pbc[0] || a->pbc[1] || a->pbc[2]))
        return pesx_error_set(PESX_EINVAL, e->file, e->line, "a periodic structure needs a cell");
    for (int k = 0; a->has_cell && k < 9; k++)
        if (!isfinite(a->cell[k]))
            return pesx_error_set(PESX_EINVAL, e->file, e->line, "the cell is not finite");

    fputs("  <structure", fp);
    if (e->id && *e->id) {
        fputs(" id=\"", fp);
        pesx_xml_put_escaped(fp, e->id);
        fputc('"', fp);
    }
    if (e->weight != 1.0)
        fprintf(fp, " weight=\"%s\"", num(b[0], e->weight));
    fputs(">\n", fp);
    if (a->has_cell) {
        fputs("    <cell>", fp);
        for (int k = 0; k < 9; k++)
            fprintf(fp, k ? " %s" : "%s", num(b[0], a->cell[k]));
        fputs("</cell>\n", fp);
        /* a cell alone means T T T; say it only when it differs */
        if (!(a->pbc[0] && a->pbc[1] && a->pbc[2]))
            fprintf(fp, "    <pbc>%c %c %c</pbc>\n", a->pbc[0] ? 'T' : 'F', a->pbc[1] ? 'T' : 'F',
                    a->pbc[2] ? 'T' : 'F');
    }
    for (size_t i = 0; i < a->n; i++) {
        const double *x = a->x + 3 * i, *f = e->forces + 3 * i;
        fprintf(fp,
                "    <atom element=\"%s\" x=\"%s\" y=\"%s\" z=\"%s\" fx=\"%s\" fy=\"%s\" "
                "fz=\"%s\"/>\n",
                pesx_element_symbol(a->z[i]), num(b[0], x[0]), num(b[1], x[1]), num(b[2], x[2]),
                num(b[3], f[0]), num(b[4], f[1]), num(b[5], f[2]));
    }
    fprintf(fp, "    <energy>%s</energy>\n  </structure>\n", num(b[0], e->energy));
    w->n++;
    return ferror(fp) ? pesx_error_set(PESX_EWRITE, w->af.path, 0, "write error") : PESX_OK;
}

int pesx_dataset_writer_close(pesx_dataset_writer *w)
{
    int st;
    if (w->n == 0) {
        st = pesx_error_set(PESX_EINVAL, w->af.path, 0, "refusing to write an empty data set");
        pesx_dataset_writer_abort(w);
        return st;
    }
    fputs("</dataset>\n", w->af.fp);
    st = pesx_atomic_commit(&w->af);
    free(w);
    return st;
}

void pesx_dataset_writer_abort(pesx_dataset_writer *w)
{
    if (!w)
        return;
    pesx_atomic_abort(&w->af);
    free(w);
}

int pesx_dataset_write(const char *path, const pesx_dataset *ds)
{
    pesx_dataset_writer *w = pesx_dataset_writer_open(path);
    int st = PESX_OK;
    if (!w)
        return pesx_error_last()->code ? pesx_error_last()->code : PESX_EWRITE;
    for (size_t k = 0; k < ds->n && !st; k++) {
        pesx_dataset_entry e;
        pesx_dataset_get(ds, k, &e);
        st = pesx_dataset_writer_add(w, &e);
    }
    if (st) {
        pesx_dataset_writer_abort(w);
        return st;
    }
    return pesx_dataset_writer_close(w);
}
