/* The checksum of a data set's numbers (io_dataset.h). */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include <pesx/io_dataset.h>
#include "io/sha256_impl.h"

static void put(io_sha256 *s, double v)
{
    uint64_t u;
    unsigned char b[8];
    memcpy(&u, &v, sizeof u);
    for (int k = 0; k < 8; k++)
        b[k] = (unsigned char)(u >> (8 * k));
    io_sha256_add(s, b, sizeof b);
}

void pesx_dataset_checksum(const pesx_dataset *ds, char *buf, size_t size)
{
    io_sha256 s;
    char hex[65];
    io_sha256_init(&s);
    for (size_t k = 0; k < ds->n; k++) {
        const pesx_atoms *a = ds->atoms[k];
        const double *f = ds->force + 3 * ds->atom_start[k];
        put(&s, (double)a->n);
        for (size_t i = 0; i < a->n; i++) {
            put(&s, (double)a->z[i]);
            for (int c = 0; c < 3; c++)
                put(&s, a->x[3 * i + c]);
            for (int c = 0; c < 3; c++)
                put(&s, f[3 * i + c]);
        }
        put(&s, ds->energy[k]);
        put(&s, ds->weight[k]);
        put(&s, a->has_cell ? 1.0 : 0.0);
        for (int c = 0; c < 9; c++)
            put(&s, a->has_cell ? a->cell[c] : 0.0);
        for (int c = 0; c < 3; c++)
            put(&s, a->pbc[c] ? 1.0 : 0.0);
    }
    io_sha256_hex(&s, hex);
    snprintf(buf, size, "sha256:%s", hex);
}
