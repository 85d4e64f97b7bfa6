/* Fuzz harness: plain and extended XYZ (src/io/xyz_*.c), and XYZ as a
 * training data set (src/io/dataset_xyz.c).
 *
 * Every frame the reader accepts is written with pesx_xyz_write and must
 * read back exactly (the writer's promise), so the harness also checks that
 * reader and writer agree on what a valid frame is. */
#include <config.h>
#include "fuzz.h"

#include <pesx/io.h>
#include <pesx/io_dataset.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char fuzz_name[] = "xyz";

static int same_doubles(const double *a, const double *b, size_t n)
{
    return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

/* Frame F, written and read again, is F. */
static void round_trip(const char *path, const pesx_frame *f)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        fuzz_fail(path, "open_memstream failed");
    int st = pesx_xyz_write(out, f);
    fclose(out);
    if (st)
        fuzz_fail(path, "frame at line %ld read, but the writer refuses it: %s", f->line,
                  pesx_error_last()->msg);
    FILE *in = fmemopen(text, len, "r");
    pesx_xyz_reader *r = in ? pesx_xyz_open_fp(in, "<written>") : NULL;
    pesx_frame g;
    int got = 0;
    pesx_frame_init(&g);
    if (!r || (st = pesx_xyz_next(r, &g, &got)) || !got)
        fuzz_fail(path, "frame at line %ld written, but it does not read back: %s\n%s", f->line,
                  pesx_error_last()->msg, text);
    const pesx_atoms *a = f->atoms, *b = g.atoms;
    if (a->n != b->n || memcmp(a->z, b->z, a->n * sizeof *a->z) != 0 ||
        !same_doubles(a->x, b->x, 3 * a->n) || memcmp(a->fixed, b->fixed, a->n) != 0 ||
        a->has_cell != b->has_cell || memcmp(a->pbc, b->pbc, sizeof a->pbc) != 0 ||
        (a->has_cell && !same_doubles(a->cell, b->cell, 9)) || f->has_energy != g.has_energy ||
        (f->has_energy && f->energy != g.energy) || f->has_forces != g.has_forces ||
        (f->has_forces && !same_doubles(f->forces, g.forces, 3 * a->n)) ||
        f->n_extra != g.n_extra || strcmp(f->info, g.info) != 0)
        fuzz_fail(path, "frame at line %ld does not survive a write and read:\n%s", f->line, text);
    pesx_frame_release(&g);
    pesx_xyz_close(r);
    fclose(in);
    free(text);
}

static int count_entry(const pesx_dataset_entry *e, size_t index, void *ctx)
{
    (void)e;
    (void)index;
    (void)ctx;
    return PESX_OK;
}

void fuzz_one(const char *path)
{
    pesx_xyz_reader *r = pesx_xyz_open(path);
    pesx_frame f;
    int got = 1, st = PESX_OK;
    if (!r)
        fuzz_fail(path, "cannot open: %s", pesx_error_last()->msg);
    pesx_frame_init(&f);
    while (got && !(st = pesx_xyz_next(r, &f, &got)))
        if (got)
            round_trip(path, &f);
    pesx_frame_release(&f);
    pesx_xyz_close(r);
    fuzz_judge(path, st, path);

    size_t n;
    fuzz_judge(path, pesx_data_read_stream(path, PESX_DATA_XYZ, 1.0, 1.0, count_entry, NULL, &n),
               path);
}
