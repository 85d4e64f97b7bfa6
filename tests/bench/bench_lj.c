/* Benchmark: neighbour list + Lennard-Jones energy and forces on an fcc LJ
 * solid (lattice constant 1.55 sigma, rc = 2.5 sigma, periodic), at about
 * 1e3, 1e4 and 1e5 atoms.  Prints the time per atom of the neighbour-list
 * build alone and of a whole evaluation (list + energy + forces), warm
 * (after a first call that sizes the buffers): both must stay flat in N.
 * Times are CPU time of this process (clock()), so a loaded machine
 * disturbs them less than wall time; the wall time of one evaluation is
 * printed too.
 *
 *   tests/bench/bench_lj [max_atoms]       (default 100000) */
#include <pesx/potential.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pesx_atoms *fcc(size_t m0, size_t m1, size_t m2, double a0)
{
    static const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
    size_t n = 4 * m0 * m1 * m2, i = 0;
    pesx_atoms *a = pesx_atoms_alloc(n);
    pesx_rng rng;
    if (!a)
        return NULL;
    pesx_rng_seed(&rng, 7);
    memset(a->cell, 0, sizeof a->cell);
    a->cell[0] = m0 * a0;
    a->cell[4] = m1 * a0;
    a->cell[8] = m2 * a0;
    a->has_cell = 1;
    a->pbc[0] = a->pbc[1] = a->pbc[2] = 1;
    for (size_t x = 0; x < m0; x++)
        for (size_t y = 0; y < m1; y++)
            for (size_t z = 0; z < m2; z++)
                for (int b = 0; b < 4; b++, i++) {
                    a->z[i] = 18;
                    a->x[3 * i] = a0 * (x + basis[b][0]) + 0.02 * (pesx_rng_uniform(&rng) - 0.5);
                    a->x[3 * i + 1] = a0 * (y + basis[b][1]) + 0.02 * (pesx_rng_uniform(&rng) - 0.5);
                    a->x[3 * i + 2] = a0 * (z + basis[b][2]) + 0.02 * (pesx_rng_uniform(&rng) - 0.5);
                }
    return a;
}

int main(int argc, char **argv)
{
    static const size_t dims[][3] = {{5, 5, 10}, {10, 10, 25}, {25, 25, 40}};
    size_t max_atoms = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    pesx_potential *p = pesx_potential_open("lj:rc=2.5");
    if (!p) {
        fprintf(stderr, "bench_lj: %s\n", pesx_error_last()->msg);
        return 1;
    }
    printf("# fcc LJ solid, a = 1.55 sigma, rc = 2.5 sigma (shifted), periodic\n");
    printf("# %8s %10s %14s %14s %14s %14s %12s\n", "atoms", "pairs/atom", "nlist ns/atom",
           "E+F ns/atom", "pairs ns/atom", "E+F wall s", "E/atom");
    for (size_t c = 0; c < sizeof dims / sizeof dims[0]; c++) {
        size_t n = 4 * dims[c][0] * dims[c][1] * dims[c][2];
        if (n > max_atoms)
            break;
        pesx_atoms *a = fcc(dims[c][0], dims[c][1], dims[c][2], 1.55);
        double *f = malloc(3 * n * sizeof *f);
        pesx_potential_result r;
        pesx_nlist nl;
        int reps = (int)(1e5 / n) + 2;
        double t0, t_nl, t_ef, w0, w_ef;
        if (!a || !f)
            return 1;
        memset(&r, 0, sizeof r);
        r.forces = f;
        pesx_nlist_init(&nl);
        /* warm-up calls size every buffer */
        if (pesx_nlist_build(&nl, a, 2.5) || pesx_potential_eval(p, a, &r)) {
            fprintf(stderr, "bench_lj: %s\n", pesx_error_last()->msg);
            return 1;
        }
        t0 = (double)clock() / CLOCKS_PER_SEC;
        for (int k = 0; k < reps; k++)
            pesx_nlist_build(&nl, a, 2.5);
        t_nl = ((double)clock() / CLOCKS_PER_SEC - t0) / reps;
        t0 = (double)clock() / CLOCKS_PER_SEC;
        w0 = pesx_wall_time();
        for (int k = 0; k < reps; k++)
            pesx_potential_eval(p, a, &r);
        t_ef = ((double)clock() / CLOCKS_PER_SEC - t0) / reps;
        w_ef = (pesx_wall_time() - w0) / reps;
        printf("  %8zu %10.1f %14.1f %14.1f %14.1f %14.4f %12.6f\n", n,
               0.5 * (double)nl.n_entries / (double)n, 1e9 * t_nl / n, 1e9 * t_ef / n,
               1e9 * (t_ef - t_nl) / n, w_ef, r.energy / n);
        fflush(stdout);
        pesx_nlist_release(&nl);
        pesx_atoms_free(a);
        free(f);
    }
    pesx_potential_free(p);
    return 0;
}
