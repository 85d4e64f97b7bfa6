/* OptBench double-ended saddle search on the 59 Pt heptamer pairs
 * ($PESX_SHARED/ref/optbench/pt_heptamer, eOn's morse_pt), the NEB-then-
 * dimer route: a short climbing-image NEB from reactant to product (linear
 * interpolation; one moving image, the climbing one, stopped at its fmax
 * 0.3 eV/A or after 10 steps), then the dimer from it along the band
 * tangent until |grad E| < 1e-3 eV/A (2-norm over the free coordinates),
 * with the library defaults (pesx_dimer_params_default/_auto, as pesx
 * saddle uses them).
 * Every force call is counted (pesx_potential_calls: endpoints, every band
 * evaluation, every dimer image and rotation).  Each final structure is
 * checked (not counted): exactly one negative eigenvalue of the
 * finite-difference Hessian, and its energy is compared with the reference
 * saddle of cases.tsv.
 *
 * Second benchmark: the lowest-mode search alone, from each converged
 * saddle, with the dimer rotation only, counting force calls (the gradient
 * at the centre included) until |v . v_exact| > 0.99, v_exact the lowest
 * Hessian eigenvector; initial guess the normalised (product - reactant).
 *
 * Also from a random guess over the free atoms (seeded by the case index).
 *
 *   PESX_SHARED=../shared tests/bench/bench_saddle_pt [--images N] [--neb-fmax F]
 *       [--neb-steps N] [--neb-precon auto|exp|none] [--rot-angle DEG] [--rot-max N]
 *       [--rot-skip N] [--rotation lbfgs|cg|davidson] [--translator NAME]
 *       [--precon exp|none] [--memory M] [--max-step D] [--h0 H]
 *       [--separation D] [--cases i,j,..] [--no-mode]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <pesx/io.h>
#include <pesx/opt.h>
#include <pesx/path.h>
#include <pesx/path_dimer.h>
#include <pesx/path_vib.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

typedef struct {
    size_t n_images;   /* NEB images including endpoints */
    double neb_fmax;
    size_t neb_steps;
    int neb_precon;    /* mp.precon of the band (AUTO: the library default) */
    pesx_dimer_params dp;
    int do_mode;
    int trace;
    int check;
    int connect;       /* also relax from the saddle to both sides (not counted) */
    const char *cases;
} bench_opts;

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static void stats(const char *what, size_t *v, size_t n, size_t failed)
{
    double s = 0;
    if (n == 0) {
        printf("# %s: no successes, %zu failed\n", what, failed);
        return;
    }
    qsort(v, n, sizeof *v, cmp_size);
    for (size_t i = 0; i < n; i++)
        s += (double)v[i];
    double med = n % 2 ? (double)v[n / 2] : 0.5 * (double)(v[n / 2 - 1] + v[n / 2]);
    printf("# %s: cases %zu, <FCs> %.1f, min %zu, median %g, max %zu, nfailed %zu\n", what,
           n + failed, s / (double)n, v[0], med, v[n - 1], failed);
}

typedef struct {
    const double *exact;
    size_t n;
    size_t calls0;      /* objective calls before the search */
    size_t calls_at;
    int reached;
} overlap_data;

static int overlap_cb(void *data, size_t step, const double *x, const double *mode, double e,
                      double c, double fnorm, size_t calls)
{
    overlap_data *d = data;
    double ov = 0;
    for (size_t k = 0; k < d->n; k++)
        ov += d->exact[k] * mode[k];
    if (fabs(ov) > 0.99) {
        d->calls_at = calls - d->calls0;
        d->reached = 1;
        return 1;
    }
    return 0;
}

static int trace_cb(void *data, size_t step, const double *x, const double *mode, double e,
                    double c, double fnorm, size_t calls)
{
    printf("    step %3zu calls %4zu E %.6f C %9.4f |F| %.3e\n", step, calls, e, c, fnorm);
    return 0;
}

static int selected(const char *list, int k)
{
    if (!list)
        return 1;
    const char *p = list;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p)
            return 0;
        if (v == k)
            return 1;
        p = *end == ',' ? end + 1 : end;
        if (!*end)
            break;
    }
    return 0;
}

int main(int argc, char **argv)
{
    bench_opts op;
    gsl_set_error_handler_off();
    op.n_images = 3; /* one moving image: 56.9 mean FCs; 2 moving 60.2, 3 moving 69.1 */
    op.neb_fmax = 0.3;
    op.neb_steps = 10;
    op.neb_precon = PESX_PRECON_AUTO;
    op.do_mode = 1;
    op.trace = 0;
    op.check = 1;
    op.connect = 0;
    op.cases = NULL;
    pesx_dimer_params_default(&op.dp);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--no-check")) { /* parameter scans: skip the Hessian */
            op.check = 0;
            op.do_mode = 0;
            continue;
        }
        if (!strcmp(a, "--trace")) {
            op.trace = 1;
            continue;
        }
        if (!strcmp(a, "--connect")) {
            op.connect = 1;
            continue;
        }
        if (!strcmp(a, "--no-mode")) {
            op.do_mode = 0;
            continue;
        }
        if (!v) {
            fprintf(stderr, "bench_saddle_pt: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (!strcmp(a, "--images"))
            op.n_images = (size_t)atol(v);
        else if (!strcmp(a, "--neb-fmax"))
            op.neb_fmax = atof(v);
        else if (!strcmp(a, "--neb-steps"))
            op.neb_steps = (size_t)atol(v);
        else if (!strcmp(a, "--rot-angle"))
            op.dp.rot_angle = atof(v) * M_PI / 180;
        else if (!strcmp(a, "--rot-skip"))
            op.dp.rot_skip_max = (size_t)atol(v);
        else if (!strcmp(a, "--rot-max"))
            op.dp.rot_max = (size_t)atol(v);
        else if (!strcmp(a, "--max-step"))
            op.dp.mp.max_step = atof(v);
        else if (!strcmp(a, "--h0"))
            op.dp.mp.h0 = atof(v);
        else if (!strcmp(a, "--memory"))
            op.dp.mp.memory = (size_t)atol(v);
        else if (!strcmp(a, "--separation"))
            op.dp.separation = atof(v);
        else if (!strcmp(a, "--rotation"))
            op.dp.rotation = !strcmp(v, "cg")         ? PESX_DIMER_ROT_CG
                             : !strcmp(v, "davidson") ? PESX_DIMER_ROT_DAVIDSON
                                                      : PESX_DIMER_ROT_LBFGS;
        else if (!strcmp(a, "--translator")) {
            op.dp.translator = pesx_minimizer_type_lookup(v);
            if (!op.dp.translator) {
                fprintf(stderr, "bench_saddle_pt: no minimizer %s\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--precon"))
            op.dp.mp.precon = !strcmp(v, "exp") ? PESX_PRECON_EXP : PESX_PRECON_NONE;
        else if (!strcmp(a, "--neb-precon"))
            op.neb_precon = !strcmp(v, "none") ? PESX_PRECON_NONE
                            : !strcmp(v, "exp") ? PESX_PRECON_EXP : PESX_PRECON_AUTO;
        else if (!strcmp(a, "--cases"))
            op.cases = v;
        else {
            fprintf(stderr, "bench_saddle_pt: unknown option %s\n", a);
            return 2;
        }
    }
    if (op.n_images < 3)
        op.n_images = 3;
    const char *shared = getenv("PESX_SHARED");
    char dir[4096], path[8192];
    snprintf(dir, sizeof dir, "%s/ref/optbench/pt_heptamer", shared ? shared : "../shared");
    snprintf(path, sizeof path, "%s/cases.tsv", dir);
    FILE *cases = fopen(path, "r");
    if (!cases) {
        printf("no %s (set PESX_SHARED)\n", path);
        return 77;
    }
    pesx_potential *pot = pesx_potential_open("morse:pt");
    if (!pot) {
        fprintf(stderr, "bench_saddle_pt: %s\n", pesx_error_last()->msg);
        return 1;
    }
    pesx_frame fr;
    pesx_frame_init(&fr);
    snprintf(path, sizeof path, "%s/reactant.extxyz", dir);
    if (pesx_xyz_read_frame(path, -1, &fr)) {
        fprintf(stderr, "bench_saddle_pt: %s\n", pesx_error_last()->msg);
        return 1;
    }
    const pesx_atoms *ra = fr.atoms;
    size_t n3 = 3 * ra->n;
    pesx_dimer_params shown = op.dp;
    pesx_dimer_params_auto(&shown, ra);
    double shown_angle = pesx_dimer_rot_angle(&shown);
    printf("# pesx NEB-then-dimer on the OptBench Pt heptamer pairs: NEB %zu images (%zu moving), "
           "k 5, linear, climbing, L-BFGS%s, stop at band fmax %g or %zu steps; dimer: rotation %s, "
           "separation %g, angle %g deg, rot-max %zu, rot-skip %zu, max step %g, h0 %g; "
           "converged |grad| < 1e-3\n",
           op.n_images, op.n_images - 2,
           op.neb_precon == PESX_PRECON_NONE ? "" : op.neb_precon == PESX_PRECON_EXP
                                                        ? " (preconditioned)"
                                                        : " (precon auto)",
           op.neb_fmax, op.neb_steps,
           op.dp.rotation == PESX_DIMER_ROT_CG         ? "cg"
           : op.dp.rotation == PESX_DIMER_ROT_DAVIDSON ? "davidson"
                                                       : "lbfgs",
           op.dp.separation,
           shown_angle * 180 / M_PI, op.dp.rot_max, op.dp.rot_skip_max, op.dp.mp.max_step,
           op.dp.mp.h0);
    printf("# %-10s %6s %5s %5s %5s %16s %14s %9s %4s %6s %s\n", "case", "status", "FCs", "neb",
           "dimer", "E_saddle", "E_ref", "dE_ref", "neg", "fnorm", "mode_FCs(guess/random)");
    size_t *fcs = calloc(128, sizeof *fcs), *mfcs = calloc(128, sizeof *mfcs);
    size_t *rfcs = calloc(128, sizeof *rfcs), n_rmode = 0, n_rmode_fail = 0;
    size_t n_joined = 0;
    size_t n_ok = 0, n_fail = 0, n_mode = 0, n_mode_fail = 0, n_ref = 0, n_first = 0;
    double *mode = malloc(n3 * sizeof *mode), *x = malloc(n3 * sizeof *x);
    double *mguess = malloc(n3 * sizeof *mguess);
    char line[4096];
    int k = -1;
    double *m = malloc(n3 * sizeof *m);
    for (size_t i = 0; i < ra->n; i++)
        m[3 * i] = m[3 * i + 1] = m[3 * i + 2] = pesx_element_mass(ra->z[i]);
    while (fgets(line, sizeof line, cases)) {
        if (line[0] == '#')
            continue;
        char name[64], rfile[256], pfile[256];
        double cols[12];
        if (sscanf(line, "%63s %255s %255s %lf %lf %lf %lf %*s %lf %lf", name, rfile, pfile,
                   &cols[0], &cols[1], &cols[2], &cols[3], &cols[4], &cols[5]) != 9)
            continue;
        k++;
        if (!selected(op.cases, k))
            continue;
        double eref = cols[4];
        pesx_frame fp;
        pesx_frame_init(&fp);
        snprintf(path, sizeof path, "%s/%s", dir, pfile);
        if (pesx_xyz_read_frame(path, -1, &fp)) {
            fprintf(stderr, "bench_saddle_pt: %s\n", pesx_error_last()->msg);
            return 1;
        }
        pesx_potential_reset_calls(pot);
        /* ---- NEB ---- */
        pesx_neb_params np;
        pesx_neb_params_default(&np);
        np.climb = PESX_CLIMB_ON;
        np.fmax = op.neb_fmax;
        np.fmax_ci = op.neb_fmax;
        np.max_steps = op.neb_steps;
        np.mp.precon = op.neb_precon;
        pesx_neb *b = pesx_neb_alloc(pot, ra, op.n_images, &np);
        if (!b) {
            fprintf(stderr, "bench_saddle_pt: %s\n", pesx_error_last()->msg);
            return 1;
        }
        memcpy(pesx_neb_image(b, 0), ra->x, n3 * sizeof(double));
        memcpy(pesx_neb_image(b, op.n_images - 1), fp.atoms->x, n3 * sizeof(double));
        for (size_t i = 1; i + 1 < op.n_images; i++) {
            double t = (double)i / (double)(op.n_images - 1);
            double *xi = pesx_neb_image(b, i);
            for (size_t q = 0; q < n3; q++)
                xi[q] = (1 - t) * ra->x[q] + t * fp.atoms->x[q];
        }
        int st = pesx_neb_run(b, NULL, NULL);
        pesx_neb_status ns;
        pesx_neb_get_status(b, &ns);
        if (st != PESX_OK && st != PESX_ENOCONV) {
            printf("  %-10s   FAIL  neb: %s\n", name, pesx_error_last()->msg);
            n_fail++;
            pesx_neb_free(b);
            pesx_frame_release(&fp);
            continue;
        }
        size_t ci = ns.ci;
        memcpy(x, pesx_neb_image(b, ci), n3 * sizeof *x);
        memcpy(mode, pesx_neb_tangent(b, ci), n3 * sizeof *mode);
        size_t neb_calls = pesx_potential_calls(pot);
        pesx_neb_free(b);
        /* ---- dimer ---- */
        pesx_atoms_objective ao;
        pesx_objective o;
        pesx_atoms_objective_init(&ao, &o, pot, ra);
        pesx_dimer_params dp = op.dp;
        pesx_dimer_params_auto(&dp, ra);
        dp.fnorm = 1e-3;
        dp.max_steps = 1000;
        pesx_dimer_result res;
        st = pesx_dimer_search(&o, &dp, x, mode, op.trace ? trace_cb : NULL, NULL, &res);
        size_t total = pesx_potential_calls(pot);
        /* ---- checks, not counted ---- */
        size_t neg = 0;
        pesx_vib v;
        pesx_vib_init(&v);
        int first_order = 0;
        if (st == PESX_OK && !op.check)
            first_order = 1, neg = 9999;
        if (st == PESX_OK && op.check) {
            pesx_hessian H;
            pesx_hessian_init(&H);
            if (pesx_hessian_compute(&H, &o, x, 1e-3) == PESX_OK &&
                pesx_vib_compute(&v, &H, n3, m, x, 0, 0) == PESX_OK) {
                neg = v.n_negative;
                first_order = neg == 1;
            }
            pesx_hessian_release(&H);
        }
        int ok = st == PESX_OK && res.fnorm < 1e-3 && first_order;
        int at_ref = ok && fabs(res.energy - eref) < 2e-3;
        char mstr[32] = "-";
        if (ok && op.do_mode) {
            /* lowest mode alone from the saddle, guess = normalised product - reactant */
            for (size_t q = 0; q < n3; q++)
                mguess[q] = fp.atoms->x[q] - ra->x[q];
            overlap_data od = {v.mode, n3, o.calls, 0, 0};
            pesx_dimer_result mr;
            pesx_dimer_params mp = dp;
            mp.rot_angle = 1e-3 * M_PI / 180;
            mp.max_calls = 500;
            int ms = pesx_dimer_lowest_mode(&o, &mp, x, mguess, overlap_cb, &od, &mr);
            if (ms == PESX_OK && od.reached) {
                mfcs[n_mode++] = od.calls_at;
                snprintf(mstr, sizeof mstr, "%zu", od.calls_at);
            } else {
                n_mode_fail++;
                snprintf(mstr, sizeof mstr, "FAIL");
            }
            /* and from a random guess over the free atoms */
            pesx_rng rng;
            pesx_rng_seed(&rng, (unsigned long long)k + 1);
            for (size_t q = 0; q < n3; q++)
                mguess[q] = ra->fixed[q / 3] ? 0.0 : pesx_rng_normal(&rng);
            overlap_data od2 = {v.mode, n3, o.calls, 0, 0};
            ms = pesx_dimer_lowest_mode(&o, &mp, x, mguess, overlap_cb, &od2, &mr);
            size_t used = strlen(mstr);
            if (ms == PESX_OK && od2.reached) {
                rfcs[n_rmode++] = od2.calls_at;
                snprintf(mstr + used, sizeof mstr - used, "/%zu", od2.calls_at);
            } else {
                n_rmode_fail++;
                snprintf(mstr + used, sizeof mstr - used, "/FAIL");
            }
        }
        char cstr[64] = "";
        if (ok && op.connect) {
            /* the minima on both sides of the saddle: the reactant's and the
             * product's energies (to 1 meV) when the saddle joins them */
            double *xm = malloc(n3 * sizeof *xm), *xp = malloc(n3 * sizeof *xp);
            pesx_minimizer_params cmp;
            pesx_minimizer_params_default(&cmp);
            cmp.precon_atoms = ra;
            pesx_converge cv;
            pesx_converge_default(&cv);
            cv.fmax = 1e-3;
            pesx_dimer_connection cn;
            if (pesx_dimer_connect(&o, x, mode, 0.1, &pesx_minimizer_lbfgs, &cmp, &cv, xm, xp,
                                   &cn) == PESX_OK) {
                double er = fr.energy, ep = fp.energy;
                int joined = (fabs(cn.em - er) < 1e-3 && fabs(cn.ep - ep) < 1e-3) ||
                             (fabs(cn.ep - er) < 1e-3 && fabs(cn.em - ep) < 1e-3);
                n_joined += joined;
                snprintf(cstr, sizeof cstr, "  minima %+.4f %+.4f eV%s", cn.em - er, cn.ep - er,
                         joined ? " (joins R and P)" : "");
            }
            free(xm);
            free(xp);
        }
        if (ok) {
            fcs[n_ok++] = total;
            n_first++;
            n_ref += at_ref;
        } else {
            n_fail++;
        }
        printf("  %-10s %6s %5zu %5zu %5zu %16.6f %14.5f %9.5f %4zu %6.1e %s%s%s\n", name,
               ok ? "ok" : "FAIL", total, neb_calls, total - neb_calls, res.energy, eref,
               res.energy - eref, neg, res.fnorm, mstr,
               ok ? (at_ref ? "" : "  (other saddle)") : "", cstr);
        fflush(stdout);
        pesx_vib_release(&v);
        pesx_atoms_objective_release(&ao);
        pesx_frame_release(&fp);
    }
    stats("double-ended saddle search (NEB then dimer), every force call", fcs, n_ok, n_fail);
    printf("# first-order saddles (one negative Hessian eigenvalue, |grad| < 1e-3): %zu; at the "
           "cases.tsv reference saddle (|dE| < 2 meV): %zu\n", n_first, n_ref);
    if (op.connect)
        printf("# saddles whose two sides relax to the reactant and the product (1 meV): %zu\n",
               n_joined);
    if (op.do_mode)
    {
        stats("lowest mode from the saddle to overlap 0.99 (guess: product - reactant)", mfcs,
              n_mode, n_mode_fail);
        stats("lowest mode from the saddle to overlap 0.99 (guess: random over free atoms)",
              rfcs, n_rmode, n_rmode_fail);
    }
    free(fcs);
    free(mfcs);
    free(rfcs);
    free(mode);
    free(x);
    free(mguess);
    free(m);
    fclose(cases);
    pesx_frame_release(&fr);
    pesx_potential_free(pot);
    return 0;
}
