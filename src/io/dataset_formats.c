/* Data sets in the formats pesx convert knows: format names and guesses,
 * the generic streaming reader and the generic incremental writer. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pesx/io_dataset.h>
#include "io/dataset_impl.h"

pesx_data_format pesx_data_format_lookup(const char *name)
{
    static const struct {
        const char *name;
        pesx_data_format f;
    } names[] = {
        {"xml", PESX_DATA_XML},   {"data.xml", PESX_DATA_XML},    {"dataset", PESX_DATA_XML},
        {"xyz", PESX_DATA_XYZ},   {"extxyz", PESX_DATA_XYZ},      {"n2p2", PESX_DATA_N2P2},
        {"runner", PESX_DATA_N2P2}, {"input.data", PESX_DATA_N2P2}, {"data", PESX_DATA_N2P2},
    };
    if (!name)
        return PESX_DATA_UNKNOWN;
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        if (!strcasecmp(name, names[k].name))
            return names[k].f;
    return PESX_DATA_UNKNOWN;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcasecmp(s + a - b, suffix);
}

pesx_data_format pesx_data_format_guess(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (ends_with(base, ".xml"))
        return PESX_DATA_XML;
    if (ends_with(base, ".xyz") || ends_with(base, ".extxyz"))
        return PESX_DATA_XYZ;
    if (ends_with(base, ".data") || !strncmp(base, "input.data", 10))
        return PESX_DATA_N2P2;
    return PESX_DATA_UNKNOWN;
}

const char *pesx_data_format_name(pesx_data_format f)
{
    switch (f) {
    case PESX_DATA_XML: return "xml";
    case PESX_DATA_XYZ: return "xyz";
    case PESX_DATA_N2P2: return "n2p2";
    default: return "unknown";
    }
}

int pesx_data_read_stream(const char *path, pesx_data_format fmt, double length_unit,
                          double energy_unit, pesx_dataset_callback cb, void *ctx, size_t *count)
{
    switch (fmt) {
    case PESX_DATA_XML: return pesx_dataset_read_stream(path, cb, ctx, count);
    case PESX_DATA_XYZ: return pesx_dataset_xyz_stream(path, cb, ctx, count);
    case PESX_DATA_N2P2:
        if (!(length_unit > 0) || !(energy_unit > 0))
            return pesx_error_set(PESX_EINVAL, NULL, 0, "units must be positive");
        return pesx_dataset_n2p2_stream(path, length_unit, energy_unit, cb, ctx, count);
    default:
        return pesx_error_set(PESX_EINVAL, path, 0,
                              "unknown data format (expected xml, xyz or n2p2)");
    }
}

static int append_cb(const pesx_dataset_entry *e, size_t index, void *ctx)
{
    (void)index;
    return pesx_dataset_append(ctx, e);
}

int pesx_data_read(const char *path, pesx_data_format fmt, double length_unit,
                   double energy_unit, pesx_dataset *ds)
{
    int st;
    pesx_dataset_init(ds);
    snprintf(ds->file, sizeof ds->file, "%s", path);
    st = pesx_data_read_stream(path, fmt, length_unit, energy_unit, append_cb, ds, NULL);
    if (st)
        pesx_dataset_release(ds);
    return st;
}

/* ---- the generic writer ------------------------------------------------ */

struct pesx_data_writer {
    pesx_data_format fmt;
    pesx_dataset_writer *xml;
    pesx_atomic_file af;
    double L, E;
    size_t n;
};

pesx_data_writer *pesx_data_writer_open(const char *path, pesx_data_format fmt,
                                        double length_unit, double energy_unit)
{
    pesx_data_writer *w;
    if (fmt != PESX_DATA_XML && fmt != PESX_DATA_XYZ && fmt != PESX_DATA_N2P2) {
        pesx_error_set(PESX_EINVAL, path, 0, "unknown data format (expected xml, xyz or n2p2)");
        return NULL;
    }
    if (!(length_unit > 0) || !(energy_unit > 0)) {
        pesx_error_set(PESX_EINVAL, path, 0, "units must be positive");
        return NULL;
    }
    if (!(w = calloc(1, sizeof *w))) {
        pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    w->fmt = fmt;
    w->L = length_unit;
    w->E = energy_unit;
    if (fmt == PESX_DATA_XML ? !(w->xml = pesx_dataset_writer_open(path))
                             : pesx_atomic_open(&w->af, path) != PESX_OK) {
        free(w);
        return NULL;
    }
    return w;
}

int pesx_data_writer_add(pesx_data_writer *w, const pesx_dataset_entry *e)
{
    int st;
    switch (w->fmt) {
    case PESX_DATA_XML: st = pesx_dataset_writer_add(w->xml, e); break;
    case PESX_DATA_XYZ: st = pesx_dataset_xyz_write(w->af.fp, e); break;
    default: st = pesx_dataset_n2p2_write(w->af.fp, w->af.path, e, w->L, w->E);
    }
    w->n += !st;
    return st;
}

int pesx_data_writer_close(pesx_data_writer *w)
{
    int st;
    if (w->fmt == PESX_DATA_XML) {
        st = pesx_dataset_writer_close(w->xml);
        free(w);
        return st;
    }
    if (w->n == 0) {
        st = pesx_error_set(PESX_EINVAL, w->af.path, 0, "refusing to write an empty data set");
        pesx_data_writer_abort(w);
        return st;
    }
    st = pesx_atomic_commit(&w->af);
    free(w);
    return st;
}

void pesx_data_writer_abort(pesx_data_writer *w)
{
    if (!w)
        return;
    if (w->fmt == PESX_DATA_XML)
        pesx_dataset_writer_abort(w->xml);
    else
        pesx_atomic_abort(&w->af);
    free(w);
}
