/* Neighbour-list build time per atom for growing systems at fixed density:
 * it must stay flat (O(N)).  Two systems: a Lennard-Jones liquid
 * (rho = 0.8442 sigma^-3, rc = 2.5 sigma, random positions in random
 * order: the worst case for the cache) and a water-like box (0.1 atoms per
 * A^3 as in liquid water, rc = 6.35 A as in BPNN water potentials) built
 * from an fcc lattice with thermal noise, atoms in lattice order.
 *
 * Times are the best of several rebuilds: wall time (what a force call
 * waits; systems of 2000 atoms and more use every OpenMP thread, see
 * OMP_NUM_THREADS) and CPU time of all threads.
 *
 * usage: bench_nlist [max_atoms]   (default 100000) */
#include <config.h>
#include <pesx/structure.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* CPU time of the whole process (all threads). */
static double cpu_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static pesx_atoms *random_box(pesx_rng *g, size_t n, double rho)
{
    pesx_atoms *a = pesx_atoms_alloc(n);
    double l = cbrt((double)n / rho);
    a->has_cell = 1;
    a->pbc[0] = a->pbc[1] = a->pbc[2] = 1;
    a->cell[0] = a->cell[4] = a->cell[8] = l;
    for (size_t i = 0; i < 3 * n; i++)
        a->x[i] = l * pesx_rng_uniform(g);
    return a;
}

/* fcc with about N atoms (4 m^3), displaced by 0.3 A noise */
static pesx_atoms *fcc_box(pesx_rng *g, size_t n, double rho)
{
    int m = (int)floor(cbrt(n / 4.0) + 0.5);
    size_t k = 0;
    double al = cbrt(4.0 / rho);
    pesx_atoms *a = pesx_atoms_alloc(4 * (size_t)m * m * m);
    const double f[4][3] = {{0, 0, 0}, {0, .5, .5}, {.5, 0, .5}, {.5, .5, 0}};
    a->has_cell = 1;
    a->pbc[0] = a->pbc[1] = a->pbc[2] = 1;
    a->cell[0] = a->cell[4] = a->cell[8] = m * al;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < m; j++)
            for (int l = 0; l < m; l++)
                for (int b = 0; b < 4; b++, k++) {
                    a->x[3 * k] = (i + f[b][0]) * al + 0.3 * pesx_rng_normal(g);
                    a->x[3 * k + 1] = (j + f[b][1]) * al + 0.3 * pesx_rng_normal(g);
                    a->x[3 * k + 2] = (l + f[b][2]) * al + 0.3 * pesx_rng_normal(g);
                }
    return a;
}

static void run(const char *name, pesx_atoms *a, double rc)
{
    pesx_nlist nl;
    double t0, c0, first, best = INFINITY, best_cpu = INFINITY;
    int reps = a->n > 50000 ? 3 : a->n > 5000 ? 10 : 50;
    pesx_nlist_init(&nl);
    t0 = pesx_wall_time();
    if (pesx_nlist_build(&nl, a, rc)) {
        fprintf(stderr, "bench_nlist: %s\n", pesx_error_last()->msg);
        exit(1);
    }
    first = pesx_wall_time() - t0;
    for (int r = 0; r < reps; r++) {
        double t, tc;
        c0 = cpu_time();
        t0 = pesx_wall_time();
        pesx_nlist_build(&nl, a, rc);
        t = pesx_wall_time() - t0;
        tc = cpu_time() - c0;
        if (t < best)
            best = t;
        if (tc < best_cpu)
            best_cpu = tc;
    }
    printf("%-6s %7zu atoms  rc %4.2f  %5.1f nb/atom  first %7.3f us/atom  rebuild %7.3f "
           "us/atom wall (%7.2f ms), %7.3f us/atom cpu\n",
           name, a->n, rc, (double)nl.n_entries / a->n, 1e6 * first / a->n, 1e6 * best / a->n,
           1e3 * best, 1e6 * best_cpu / a->n);
    pesx_nlist_release(&nl);
}

int main(int argc, char **argv)
{
    pesx_rng g;
    size_t max = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    pesx_rng_seed(&g, 1);
    for (size_t n = 1000; n <= max; n *= 10) {
        pesx_atoms *a = random_box(&g, n, 0.8442);
        run("lj", a, 2.5);
        pesx_atoms_free(a);
    }
    for (size_t n = 1000; n <= max; n *= 10) {
        pesx_atoms *a = fcc_box(&g, n, 0.1);
        run("water", a, 6.35);
        pesx_atoms_free(a);
    }
    {
        pesx_atoms *a = fcc_box(&g, 5184, 0.1);
        run("water", a, 6.35);
        pesx_atoms_free(a);
    }
    return 0;
}
