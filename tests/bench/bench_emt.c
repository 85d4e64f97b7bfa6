/* Benchmark (not a test): CPU seconds per energy + forces call of -p emt
 * against ASE's own EMT (ase.calculators.emt, /usr/bin/python3) on the
 * auAl100 reactant (28 atoms, pbc T T F; or frame 0 of FILE.xyz), both
 * measured in this run, and their ratio.  Each call moves the adatom by 1e-6 A, so neither program can
 * reuse a previous result; the neighbour list is rebuilt every call in both.
 *
 * usage: bench_emt [ASE_CALLS [FILE.xyz]]   (default 20; pesx runs >= 1 s of calls)
 * needs $PESX_SHARED (../shared) and /usr/bin/python3 with ASE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pesx/io.h>
#include <pesx/potential.h>

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* ASE's CPU seconds per call (time.process_time inside Python, so the
 * interpreter's start-up is not counted); energy of the unmoved structure
 * into *E. */
static double ase_per_call(const char *path, int calls, double *e)
{
    char cmd[8192];
    double t = -1;
    FILE *fp;
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c '\n"
             "import time\n"
             "from ase.io import read\n"
             "from ase.calculators.emt import EMT\n"
             "a = read(\"%s\")\n"
             "a.calc = EMT()\n"
             "e = a.get_potential_energy()\n"
             "t0 = time.process_time()\n"
             "for k in range(%d):\n"
             "    a.positions[-1, 0] += 1e-6 if k %% 2 == 0 else -1e-6\n"
             "    a.get_forces()\n"
             "print(repr((time.process_time() - t0) / %d), repr(e))\n'",
             path, calls, calls);
    if (!(fp = popen(cmd, "r")))
        return -1;
    if (fscanf(fp, "%lf %lf", &t, e) != 2)
        t = -1;
    if (pclose(fp) != 0)
        t = -1;
    return t;
}

int main(int argc, char **argv)
{
    const char *shared = getenv("PESX_SHARED");
    char path[4096];
    int ase_calls = argc > 1 ? atoi(argv[1]) : 20;
    pesx_frame fr;
    pesx_potential *p;
    pesx_potential_result r;
    double *f, t0, t_pesx, t_ase, e_pesx, e_ase;
    long calls = 0;
    if ((!shared && argc < 3) || ase_calls < 1) {
        fprintf(stderr, "usage: PESX_SHARED=../shared bench_emt [ASE_CALLS [FILE.xyz]]\n");
        return 2;
    }
    if (argc > 2)
        snprintf(path, sizeof path, "%s", argv[2]);
    else
        snprintf(path, sizeof path, "%s/data/auAl100/reactant.xyz", shared);
    pesx_frame_init(&fr);
    if (pesx_xyz_read_frame(path, 0, &fr) != PESX_OK || !(p = pesx_potential_open("emt"))) {
        fprintf(stderr, "bench_emt: %s\n", pesx_error_last()->msg);
        return 1;
    }
    f = malloc(3 * fr.atoms->n * sizeof *f);
    memset(&r, 0, sizeof r);
    r.forces = f;
    if (!f || pesx_potential_eval(p, fr.atoms, &r) != PESX_OK)
        return 1;
    e_pesx = r.energy;
    t0 = cpu_now();
    do {
        for (int k = 0; k < 1000; k++, calls++) {
            fr.atoms->x[3 * (fr.atoms->n - 1)] += calls % 2 == 0 ? 1e-6 : -1e-6;
            if (pesx_potential_eval(p, fr.atoms, &r) != PESX_OK)
                return 1;
        }
    } while (cpu_now() - t0 < 1.0);
    t_pesx = (cpu_now() - t0) / calls;
    t_ase = ase_per_call(path, ase_calls, &e_ase);
    if (t_ase < 0) {
        fprintf(stderr, "bench_emt: running ASE's EMT through /usr/bin/python3 failed\n");
        return 1;
    }
    printf("%s, %zu atoms, energy + forces per call (CPU seconds):\n",
           argc > 2 ? path : "auAl100 reactant", fr.atoms->n);
    printf("  pesx -p emt   %.3e s  (%ld calls)   E = %.12f eV\n", t_pesx, calls, e_pesx);
    printf("  ASE EMT       %.3e s  (%d calls)   E = %.12f eV\n", t_ase, ase_calls, e_ase);
    printf("  ratio ASE / pesx  %.0f\n", t_ase / t_pesx);
    free(f);
    pesx_potential_free(p);
    pesx_frame_release(&fr);
    return 0;
}
