/* Energy + forces of the H2O_RPBE-D3 water potential (n2p2 files, Bohr and
 * Hartree) on conf3_pbc192 repeated NA x NB x NC (default 3x3x3 = 5184
 * atoms).  Prints the median over repeats of the wall time and process CPU
 * time of one evaluation (neighbour list included), the neighbour list
 * alone, the time per atom and the energy per 192-atom replica against
 * n2p2's reference (-4.9003724735004580E+03 Hartree).
 *
 * n2p2 needs 3.30 s CPU for the 5184-atom box on the reference machine.
 *
 * usage: bench_water [NAxNBxNC] [repeats]
 * needs $PESX_SHARED (../shared) for the potential; threads: OMP_NUM_THREADS. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <pesx/io_n2p2.h>
#include <pesx/potential.h>

static double now(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* CPU time of every OpenMP thread (the pool's threads persist between
 * parallel regions, so differences around an evaluation are its per-thread
 * work; with OMP_WAIT_POLICY=passive idle threads do not spin). */
static void thread_cpu(double *t, int nt)
{
#ifdef _OPENMP
#pragma omp parallel num_threads(nt)
    t[omp_get_thread_num()] = now(CLOCK_THREAD_CPUTIME_ID);
#else
    t[0] = now(CLOCK_THREAD_CPUTIME_ID);
    (void)nt;
#endif
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *shared = getenv("PESX_SHARED");
    char path[4096], spec[4200];
    int na = 3, nb = 3, nc = 3, reps = 5, threads = 1;
    pesx_atoms *one, *a;
    pesx_potential *p;
    pesx_potential_result r;
    double *tw, *tc, *tn, *tmax, t0[256], t1[256];
    size_t n;
    if (argc > 1 && sscanf(argv[1], "%dx%dx%d", &na, &nb, &nc) != 3) {
        fprintf(stderr, "usage: bench_water [NAxNBxNC] [repeats]\n");
        return 2;
    }
    if (argc > 2)
        reps = atoi(argv[2]);
    if (reps < 1 || na < 1 || nb < 1 || nc < 1) {
        fprintf(stderr, "bench_water: bad arguments\n");
        return 2;
    }
    if (!shared) {
        fprintf(stderr, "bench_water: set PESX_SHARED to the shared directory\n");
        return 2;
    }
#ifdef _OPENMP
    threads = omp_get_max_threads();
#endif
    snprintf(path, sizeof path, "%s/ref/n2p2/H2O_RPBE-D3/conf3_pbc192/input.data", shared);
    if (pesx_n2p2_read_structure(path, PESX_BOHR_ANGSTROM, PESX_HARTREE_EV, &one, NULL, NULL)) {
        fprintf(stderr, "bench_water: %s\n", pesx_error_last()->msg);
        return 1;
    }
    snprintf(spec, sizeof spec, "n2p2:%s/ref/n2p2/H2O_RPBE-D3,length=bohr,energy=hartree",
             shared);
    if (!(p = pesx_potential_open(spec))) {
        fprintf(stderr, "bench_water: %s\n", pesx_error_last()->msg);
        return 1;
    }
    /* replicate */
    n = one->n * (size_t)(na * nb * nc);
    a = pesx_atoms_alloc(n);
    {
        size_t q = 0;
        for (int i = 0; i < na; i++)
            for (int j = 0; j < nb; j++)
                for (int k = 0; k < nc; k++)
                    for (size_t t = 0; t < one->n; t++, q++) {
                        a->z[q] = one->z[t];
                        for (int d = 0; d < 3; d++)
                            a->x[3 * q + d] = one->x[3 * t + d] + i * one->cell[d] +
                                              j * one->cell[3 + d] + k * one->cell[6 + d];
                    }
        for (int d = 0; d < 3; d++) {
            a->cell[d] = na * one->cell[d];
            a->cell[3 + d] = nb * one->cell[3 + d];
            a->cell[6 + d] = nc * one->cell[6 + d];
            a->pbc[d] = 1;
        }
        a->has_cell = 1;
    }
    memset(&r, 0, sizeof r);
    r.forces = malloc(3 * n * sizeof *r.forces);
    tw = malloc(reps * sizeof *tw);
    tc = malloc(reps * sizeof *tc);
    tn = malloc(reps * sizeof *tn);
    tmax = malloc(reps * sizeof *tmax);
    if (threads > 256)
        threads = 256;
    /* the neighbour list alone (its own copy, released before the potential
     * builds its list, so the peak memory is the potential's) */
    {
        pesx_nlist nl;
        pesx_nlist_init(&nl);
        pesx_nlist_build(&nl, a, pesx_potential_cutoff(p));
        for (int k = 0; k < reps; k++) {
            double c0 = now(CLOCK_THREAD_CPUTIME_ID);
            pesx_nlist_build(&nl, a, pesx_potential_cutoff(p));
            tn[k] = now(CLOCK_THREAD_CPUTIME_ID) - c0;
        }
        pesx_nlist_release(&nl);
    }
    if (pesx_potential_eval(p, a, &r)) { /* warm-up: sizes the workspaces */
        fprintf(stderr, "bench_water: %s\n", pesx_error_last()->msg);
        return 1;
    }
    for (int k = 0; k < reps; k++) {
        double w0, c0;
        thread_cpu(t0, threads);
        w0 = now(CLOCK_MONOTONIC);
        c0 = now(CLOCK_PROCESS_CPUTIME_ID);
        pesx_potential_eval(p, a, &r);
        tw[k] = now(CLOCK_MONOTONIC) - w0;
        tc[k] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
        thread_cpu(t1, threads);
        tmax[k] = 0;
        for (int t = 0; t < threads; t++)
            if (t1[t] - t0[t] > tmax[k])
                tmax[k] = t1[t] - t0[t];
    }
    qsort(tw, reps, sizeof *tw, cmp);
    qsort(tc, reps, sizeof *tc, cmp);
    qsort(tn, reps, sizeof *tn, cmp);
    qsort(tmax, reps, sizeof *tmax, cmp);
    {
        double e_rep = r.energy / PESX_HARTREE_EV / (na * nb * nc), ref = -4.9003724735004580E+03;
        printf("bench_water: %zu atoms (%dx%dx%d of conf3_pbc192), %d thread%s, %d repeats\n", n,
               na, nb, nc, threads, threads > 1 ? "s" : "", reps);
        printf("  energy+forces  wall %.4f s  cpu %.4f s  (median)\n", tw[reps / 2], tc[reps / 2]);
        printf("  per atom       wall %.3e s  cpu %.3e s\n", tw[reps / 2] / n, tc[reps / 2] / n);
        printf("  busiest thread cpu %.4f s (= wall on an idle machine; set "
               "OMP_WAIT_POLICY=passive)\n", tmax[reps / 2]);
        printf("  neighbour list cpu %.4f s (included above)\n", tn[reps / 2]);
        printf("  energy per replica %.16e Ha (n2p2 %.16e, rel. diff %.1e)\n", e_rep, ref,
               (e_rep - ref) / ref);
        printf("  n2p2 on the 5184-atom box: 3.30 s cpu (6.4e-4 s per atom)\n");
    }
    free(tw);
    free(tc);
    free(tn);
    free(tmax);
    free(r.forces);
    pesx_atoms_free(a);
    pesx_atoms_free(one);
    pesx_potential_free(p);
    return 0;
}
