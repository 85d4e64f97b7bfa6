/* OptBench "minimisation of random LJ38 clusters" (optbench.org; case F of
 * ../shared/ref/optbench/README.md): strongly compressed random starts
 * (|F| ~ 1e5-1e6), plain Lennard-Jones (epsilon = sigma = 1, no cutoff),
 * minimised until the 2-norm of the force is below 0.01; every force call
 * counts, the first one included; more than 10,000 calls is a failure.
 *
 *   bench_lj38 [-m lbfgs|fire|all] [-M memory] [-s max_step] [-e max_rise]
 *              [-n | -A a -c c_stab -r rcut] [-v] [DIR]
 *
 * The L-BFGS preconditioner (precon.c) is on, as by default for a
 * structure; -n turns it off (plain L-BFGS, as ASE and eOn), -A, -c, -r
 * set its parameters.
 *
 * DIR holds cluster_NNNN.extxyz (default $PESX_SHARED/ref/optbench/
 * lj38_minimization).  Prints, per minimizer, the OptBench figures: cases,
 * mean / min / median / max force calls over the successful runs, failures,
 * and the mean final energy. */
#include <config.h>
#include <pesx/io.h>
#include <pesx/opt.h>

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CASES 1000

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run(const pesx_minimizer_type *T, const pesx_minimizer_params *mp, char **files,
               size_t nfiles, const char *dir, int verbose)
{
    pesx_potential *pot = pesx_potential_open("lj:epsilon=1,sigma=1,rc=inf");
    pesx_converge conv = {0.0, 0.01, 9999}; /* at most 10,000 force calls */
    size_t *calls = calloc(nfiles ? nfiles : 1, sizeof *calls), nok = 0, nfail = 0;
    double sum = 0.0, esum = 0.0, t0 = pesx_wall_time();
    char buf[1024];
    if (!pot || !calls) {
        pesx_error_format(pesx_error_last(), buf, sizeof buf);
        fprintf(stderr, "bench_lj38: %s\n", buf);
        free(calls);
        return 1;
    }
    for (size_t i = 0; i < nfiles; i++) {
        char path[8192];
        pesx_frame f;
        pesx_atoms_objective ao;
        pesx_objective o;
        pesx_minimize_result r;
        int st;
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        pesx_frame_init(&f);
        if ((st = pesx_xyz_read_frame(path, 0, &f)) ||
            (st = pesx_atoms_objective_init(&ao, &o, pot, f.atoms))) {
            pesx_error_format(pesx_error_last(), buf, sizeof buf);
            fprintf(stderr, "bench_lj38: %s\n", buf);
            pesx_frame_release(&f);
            free(calls);
            pesx_potential_free(pot);
            return 1;
        }
        pesx_potential_reset_calls(pot);
        st = pesx_minimize(&o, T, mp, &conv, f.atoms->x, NULL, NULL, &r);
        if (st == PESX_OK && r.calls != pesx_potential_calls(pot)) {
            fprintf(stderr, "bench_lj38: %s: driver counted %zu calls, potential %zu\n",
                    files[i], r.calls, pesx_potential_calls(pot));
            st = PESX_EFAILED;
        }
        if (st == PESX_OK) {
            calls[nok++] = r.calls;
            sum += (double)r.calls;
            esum += r.energy;
        } else {
            nfail++;
        }
        if (verbose)
            printf("%-8s %s %s calls %5zu E %.6f fnorm %.3g\n", T->name, files[i],
                   st == PESX_OK ? "ok    " : "FAILED", r.calls, r.energy, r.fnorm);
        pesx_atoms_objective_release(&ao);
        pesx_frame_release(&f);
    }
    qsort(calls, nok, sizeof *calls, cmp_size);
    if (nok)
        printf("%-8s cases %zu  <FCs> %.1f  min %zu  median %zu  max %zu  failed %zu  "
               "<E> %.4f  (%.1f s)\n",
               T->name, nfiles, sum / (double)nok, calls[0],
               nok % 2 ? calls[nok / 2] : (calls[nok / 2 - 1] + calls[nok / 2]) / 2, calls[nok - 1],
               nfail, esum / (double)nok, pesx_wall_time() - t0);
    else
        printf("%-8s cases %zu  failed %zu\n", T->name, nfiles, nfail);
    free(calls);
    pesx_potential_free(pot);
    return nfail ? 1 : 0;
}

int main(int argc, char **argv)
{
    const char *which = "all";
    char dirbuf[4096], *files[MAX_CASES];
    const char *dir;
    size_t nfiles = 0;
    pesx_minimizer_params mp;
    int verbose = 0, c, status = 0;
    DIR *d;
    struct dirent *de;

    pesx_minimizer_params_default(&mp);
    while ((c = getopt(argc, argv, "m:M:s:e:nA:c:r:vh")) != -1) {
        switch (c) {
        case 'm': which = optarg; break;
        case 'M': mp.memory = (size_t)strtoul(optarg, NULL, 10); break;
        case 's': mp.max_step = strtod(optarg, NULL); break;
        case 'e':
            mp.energy_check = 1;
            mp.max_rise = strtod(optarg, NULL);
            break;
        case 'n': mp.precon = PESX_PRECON_NONE; break;
        case 'A': mp.precon_A = strtod(optarg, NULL); break;
        case 'c': mp.precon_c_stab = strtod(optarg, NULL); break;
        case 'r': mp.precon_rcut = strtod(optarg, NULL); break;
        case 'v': verbose = 1; break;
        default:
            fprintf(stderr, "usage: bench_lj38 [-m lbfgs|fire|all] [-M memory] [-s max_step] "
                            "[-e max_rise] [-n | -A a -c c_stab -r rcut] [-v] [DIR]\n");
            return c == 'h' ? 0 : 2;
        }
    }
    if (optind < argc) {
        dir = argv[optind];
    } else {
        const char *shared = getenv("PESX_SHARED");
        if (!shared || !*shared) {
            fprintf(stderr, "bench_lj38: give DIR or set PESX_SHARED\n");
            return 2;
        }
        snprintf(dirbuf, sizeof dirbuf, "%s/ref/optbench/lj38_minimization", shared);
        dir = dirbuf;
    }
    if (!(d = opendir(dir))) {
        fprintf(stderr, "bench_lj38: %s: cannot open directory\n", dir);
        return 2;
    }
    while ((de = readdir(d)) && nfiles < MAX_CASES) {
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, "cluster_", 8) == 0 && len > 7 &&
            strcmp(de->d_name + len - 7, ".extxyz") == 0)
            files[nfiles++] = strdup(de->d_name);
    }
    closedir(d);
    if (nfiles == 0) {
        fprintf(stderr, "bench_lj38: %s: no cluster_*.extxyz files\n", dir);
        return 2;
    }
    qsort(files, nfiles, sizeof *files, cmp_str);
    printf("LJ38 minimisation (OptBench): %zu starts from %s, |F|_2 < 0.01, max_step %g, "
           "memory %zu%s",
           nfiles, dir, mp.max_step, mp.memory, mp.energy_check ? ", energy check" : "");
    if (mp.precon != PESX_PRECON_NONE)
        printf(", L-BFGS preconditioner A %g rcut %g c_stab %g", mp.precon_A, mp.precon_rcut,
               mp.precon_c_stab);
    else
        printf(", no preconditioner");
    printf("\n");
    for (const pesx_minimizer_type *const *t = pesx_minimizer_types(); *t; t++)
        if (strcmp(which, "all") == 0 || strcmp(which, (*t)->name) == 0)
            status |= run(*t, &mp, files, nfiles, dir, verbose);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    return status;
}
