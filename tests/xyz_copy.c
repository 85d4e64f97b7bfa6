/* Test helper for tests/cli/xyz_ase.sh: run pesx's XYZ reader and writer
 * without the command line.
 *
 *   xyz_copy IN OUT        read every frame of IN, write them to OUT
 *   xyz_copy --sample OUT  write sample frames whose numbers the script
 *                          recomputes in Python (same IEEE operations)
 *
 * Exit 0 on success, 2 with "xyz_copy: error: FILE:LINE: what" otherwise. */
#include <config.h>
#include <pesx/io.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(int status)
{
    char msg[2048];
    pesx_error_format(pesx_error_last(), msg, sizeof msg);
    fprintf(stderr, "xyz_copy: error: %s\n", msg);
    return status ? 2 : 0;
}

/* Frame V of the sample: the formulas are repeated in xyz_ase.sh. */
static int sample_frame(pesx_frame *f, int v)
{
    const size_t n = 4;
    double mode[12];
    int status;
    pesx_frame_init(f);
    if (!(f->atoms = pesx_atoms_alloc(n)))
        return PESX_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        f->atoms->z[i] = (int)(1 + 7 * i + (size_t)v);
        for (size_t k = 0; k < 3; k++) {
            double x = (double)(3 * i + k + 1) / 7.0 * 1.1 + v;
            f->atoms->x[3 * i + k] = x;
            mode[3 * i + k] = 2.0 * x;
        }
        f->atoms->fixed[i] = v == 0 && (i == 0 || i == 2);
    }
    if (v == 0) {
        const double cell[9] = {10.0 / 3.0, 0.0, 0.0, 0.1, 35.0 / 3.0, 0.0, 0.0, 0.2, 13.7};
        memcpy(f->atoms->cell, cell, sizeof cell);
        f->atoms->has_cell = 1;
        f->atoms->pbc[0] = 1;
        f->atoms->pbc[2] = 1;
        f->has_forces = 1;
        if (!(f->forces = malloc(3 * n * sizeof *f->forces)))
            return PESX_ENOMEM;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < 3; k++)
                f->forces[3 * i + k] = -(double)(i + 1) / 3.0 + (double)k * 0.1;
    }
    f->has_energy = 1;
    f->energy = -100.0 / 3.0 - v;
    if ((status = pesx_frame_set_extra(f, "mode", 3, mode)) ||
        (status = pesx_frame_add_info(f, "comment", "pesx sample, \"quoted\" words")) ||
        (status = pesx_frame_add_info(f, "step", v == 0 ? "5" : "6")) ||
        (status = pesx_frame_add_info(f, "converged", NULL)))
        return status;
    return PESX_OK;
}

int main(int argc, char **argv)
{
    pesx_frame *frames = NULL;
    size_t n = 0;
    int status;
    if (argc != 3) {
        fprintf(stderr, "usage: xyz_copy IN OUT | xyz_copy --sample OUT\n");
        return 2;
    }
    if (strcmp(argv[1], "--sample") == 0) {
        n = 2;
        if (!(frames = calloc(n, sizeof *frames)))
            return 2;
        for (int v = 0; v < 2; v++)
            if ((status = sample_frame(&frames[v], v)))
                return fail(status);
    } else if ((status = pesx_xyz_read_all(argv[1], &frames, &n))) {
        return fail(status);
    }
    status = pesx_xyz_write_file(argv[2], frames, n);
    pesx_frames_free(frames, n);
    return status ? fail(status) : 0;
}
