/* Benchmark of the extended-XYZ writer and the streaming reader: a
 * trajectory of FRAMES frames of ATOMS atoms with forces and a fixed-atom
 * mask, written to a temporary file and read back.  Prints throughput.
 *
 *   tests/bench/bench_xyz [ATOMS [FRAMES]]      (default 1000 200) */
#include <config.h>
#include <pesx/io.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* CPU seconds of this process: less disturbed by other load than wall time. */
static double cpu_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long atoms = argc > 1 ? atol(argv[1]) : 1000, nframes = argc > 2 ? atol(argv[2]) : 200;
    char path[256];
    pesx_frame *frames;
    pesx_rng rng;
    pesx_xyz_reader *r;
    pesx_frame f;
    struct stat st;
    double t0, c0, t_write, t_read, c_write, c_read, check = 0;
    int got, status;
    long read_frames = 0;

    if (atoms < 1 || nframes < 1) {
        fprintf(stderr, "usage: bench_xyz [ATOMS [FRAMES]]\n");
        return 2;
    }
    snprintf(path, sizeof path, "bench_xyz-%ld.xyz", (long)getpid());
    pesx_rng_seed(&rng, 1);
    frames = calloc((size_t)nframes, sizeof *frames);
    for (long k = 0; k < nframes; k++) {
        pesx_frame *fr = &frames[k];
        pesx_frame_init(fr);
        fr->atoms = pesx_atoms_alloc((size_t)atoms);
        fr->forces = malloc(3 * (size_t)atoms * sizeof *fr->forces);
        if (!fr->atoms || !fr->forces)
            return 1;
        for (long i = 0; i < atoms; i++) {
            fr->atoms->z[i] = i % 3 == 0 ? 79 : 13;
            fr->atoms->fixed[i] = i < atoms / 4;
            for (int c = 0; c < 3; c++) {
                fr->atoms->x[3 * i + c] = 30.0 * pesx_rng_uniform(&rng);
                fr->forces[3 * i + c] = pesx_rng_normal(&rng);
            }
        }
        for (int c = 0; c < 3; c++)
            fr->atoms->cell[4 * c] = 30.0;
        fr->atoms->has_cell = 1;
        fr->atoms->pbc[0] = fr->atoms->pbc[1] = 1;
        fr->has_forces = 1;
        fr->has_energy = 1;
        fr->energy = -3.0 * (double)atoms + pesx_rng_normal(&rng);
    }

    t0 = pesx_wall_time();
    c0 = cpu_time();
    if ((status = pesx_xyz_write_file(path, frames, (size_t)nframes))) {
        fprintf(stderr, "bench_xyz: %s\n", pesx_error_last()->msg);
        return 1;
    }
    t_write = pesx_wall_time() - t0;
    c_write = cpu_time() - c0;
    stat(path, &st);

    t0 = pesx_wall_time();
    c0 = cpu_time();
    r = pesx_xyz_open(path);
    pesx_frame_init(&f);
    while (r && (status = pesx_xyz_next(r, &f, &got)) == PESX_OK && got) {
        check += f.atoms->x[0];
        read_frames++;
    }
    t_read = pesx_wall_time() - t0;
    c_read = cpu_time() - c0;
    pesx_frame_release(&f);
    pesx_xyz_close(r);
    unlink(path);
    if (read_frames != nframes) {
        fprintf(stderr, "bench_xyz: read %ld frames of %ld\n", read_frames, nframes);
        return 1;
    }
    printf("bench_xyz: %ld frames x %ld atoms (positions, forces, move_mask), %.1f MB\n",
           nframes, atoms, (double)st.st_size / 1e6);
    printf("  write: %.3f s wall, %.3f s CPU: %.1f MB/s, %.2e atoms/s (CPU)\n", t_write, c_write,
           (double)st.st_size / 1e6 / c_write, (double)(atoms * nframes) / c_write);
    printf("  read:  %.3f s wall, %.3f s CPU: %.1f MB/s, %.2e atoms/s (CPU)  [checksum %.6f]\n",
           t_read, c_read, (double)st.st_size / 1e6 / c_read, (double)(atoms * nframes) / c_read,
           check);
    pesx_frames_free(frames, (size_t)nframes);
    return 0;
}
