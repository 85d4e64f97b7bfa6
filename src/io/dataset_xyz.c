/* Data sets as extended XYZ (ASE's flavour): energy= on the comment line,
 * a forces column, and optional id= and weight= entries. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/io.h>
#include <pesx/io_dataset.h>
#include "io/dataset_impl.h"
#include "io/xyz_impl.h"

int pesx_dataset_xyz_stream(const char *path, pesx_dataset_callback cb, void *ctx,
                            size_t *count)
{
    pesx_xyz_reader *r = pesx_xyz_open(path);
    pesx_frame f;
    size_t n = 0;
    int st = PESX_OK, got = 0;
    char id[4096], wtext[64], buf[48];
    if (count)
        *count = 0;
    if (!r)
        return pesx_error_last()->code ? pesx_error_last()->code : PESX_EIO;
    pesx_frame_init(&f);
    while (!(st = pesx_xyz_next(r, &f, &got)) && got) {
        pesx_dataset_entry e;
        if (!f.has_energy) {
            st = pesx_error_set(PESX_EINVAL, path, f.line, "frame %zu has no energy= on its comment line",
                                n + 1);
            break;
        }
        if (!f.has_forces) {
            st = pesx_error_set(PESX_EINVAL, path, f.line,
                                "frame %zu has no forces column (Properties=...:forces:R:3)", n + 1);
            break;
        }
        e.weight = 1.0;
        if (pesx_frame_get_info(&f, "weight", wtext, sizeof wtext) &&
            (pesx_parse_double(wtext, &e.weight) || e.weight < 0)) {
            st = pesx_error_set(PESX_EINVAL, path, f.line + 1,
                                "weight=%s is not a finite number >= 0",
                                xyz_show(wtext, buf, sizeof buf));
            break;
        }
        if (!pesx_frame_get_info(&f, "id", id, sizeof id))
            id[0] = 0;
        e.id = id;
        e.atoms = f.atoms;
        e.energy = f.energy;
        e.forces = f.forces;
        e.file = path;
        e.line = f.line;
        if ((st = cb(&e, n, ctx)))
            break;
        n++;
    }
    if (!st && n == 0)
        st = pesx_error_set(PESX_EINVAL, path, 1, "empty data set: no frame");
    if (count)
        *count = n;
    pesx_frame_release(&f);
    pesx_xyz_close(r);
    return st;
}

int pesx_dataset_xyz_write(FILE *fp, const pesx_dataset_entry *e)
{
    pesx_frame f;
    int st = PESX_OK;
    char b[32];
    pesx_frame_init(&f);
    f.atoms = (pesx_atoms *)e->atoms; /* borrowed: not released below */
    f.has_energy = 1;
    f.energy = e->energy;
    f.has_forces = 1;
    f.forces = (double *)e->forces;
    if (e->id && *e->id)
        st = pesx_frame_add_info(&f, "id", e->id);
    if (!st && e->weight != 1.0) {
        xyz_format_double(b, e->weight);
        st = pesx_frame_add_info(&f, "weight", b);
    }
    if (!st && (!e->forces || !e->atoms))
        st = pesx_error_set(PESX_EINVAL, e->file, e->line, "structure without atoms or forces");
    if (!st && (!isfinite(e->weight) || e->weight < 0))
        st = pesx_error_set(PESX_EINVAL, e->file, e->line, "bad weight");
    if (!st && (st = pesx_xyz_write(fp, &f)))
        pesx_error_prefix("structure %s", e->id && *e->id ? e->id : "(no id)");
    free(f.info);
    return st;
}
