/* pesx barrier: the barrier report of a band from any source (a pesx neb
 * band, an ASE NEB trajectory, ...), re-evaluated with a potential or taken
 * from the energies and forces stored in the file. */
#include <config.h>
#include "cmd.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pesx/path.h>

static const char usage[] =
    "pesx barrier BAND.xyz [-p POT] [--report REPORT.xml] [--plot PROFILE.svg] [-q] [-v]\n"
    "\n"
    "  -p, --potential SPEC   evaluate every image with this potential (default: use\n"
    "                         the energy= and forces of each frame of BAND.xyz)\n"
    "      --report FILE      barrier report as XML\n"
    "      --plot FILE        energy profile as SVG\n"
    "  -q, --quiet            print only the report\n"
    "  -v, --verbose          more messages on stderr\n";

int cmd_barrier(int argc, char **argv)
{
    enum { O_REPORT = 256, O_PLOT };
    static const struct option options[] = {
        {"potential", required_argument, NULL, 'p'},
        {"report", required_argument, NULL, O_REPORT},
        {"plot", required_argument, NULL, O_PLOT},
        CMD_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *spec = NULL, *report_xml = NULL, *plot = NULL, *path;
    pesx_potential *pot = NULL;
    pesx_frame *fr = NULL;
    size_t nf = 0, n, dim, M = 1, saddle = 0, calls = 0, any_x = 0;
    double *x = NULL, *e = NULL, *f = NULL, *s = NULL, *ft = NULL, *std = NULL, *mem = NULL;
    size_t *nx = NULL;
    unsigned char *xflags = NULL;
    int has_std = 0;
    pesx_report rep;
    int c, status = PESX_OK, exit_code = CMD_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "p:qvh", options, NULL)) != -1) {
        switch (c) {
        case 'p': spec = optarg; break;
        case O_REPORT: report_xml = optarg; break;
        case O_PLOT: plot = optarg; break;
        case 'q': cmd_quiet(); break;
        case 'v': cmd_verbose(); break;
        case 'h': cmd_print_usage(stdout, usage); return CMD_OK;
        default: return cmd_usage_error("unknown option");
        }
    }
    if (optind + 1 != argc)
        return cmd_usage_error("exactly one band file, please");
    path = argv[optind];
    pesx_report_init(&rep);
    if (spec && !(pot = cmd_open_potential(spec)))
        return CMD_BAD_INPUT;
    pesx_error_clear();
    if ((status = pesx_xyz_read_all(path, &fr, &nf)))
        goto fail;
    if (nf < 3) {
        status = pesx_error_set(PESX_EINVAL, path, 1,
                                "a band needs at least 3 images (reactant, one image, product); "
                                "found %zu frame%s",
                                nf, nf == 1 ? "" : "s");
        goto fail;
    }
    for (size_t i = 1; i < nf; i++) {
        if ((status = pesx_neb_check_endpoints(fr[0].atoms, path, fr[0].line, fr[i].atoms, path,
                                               fr[i].line)))
            goto fail;
        for (size_t a = 0; a < fr[0].atoms->n; a++)
            fr[0].atoms->fixed[a] |= fr[i].atoms->fixed[a];
    }
    for (size_t i = 1; i < nf; i++)
        if ((status = pesx_neb_align(fr[i - 1].atoms, fr[i].atoms)))
            goto fail;
    n = fr[0].atoms->n;
    dim = 3 * n;
    if (pot)
        M = pesx_potential_n_members(pot);
    x = malloc(nf * dim * sizeof *x);
    f = calloc(nf * dim, sizeof *f);
    e = malloc(nf * sizeof *e);
    s = malloc(nf * sizeof *s);
    ft = malloc(nf * sizeof *ft);
    std = calloc(nf, sizeof *std);
    nx = calloc(nf, sizeof *nx);
    mem = calloc(nf * M, sizeof *mem);
    xflags = calloc(n, 1);
    if (!x || !f || !e || !s || !ft || !std || !nx || !mem || !xflags) {
        status = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < nf; i++) {
        memcpy(x + i * dim, fr[i].atoms->x, dim * sizeof *x);
        if (pot) {
            pesx_potential_result r;
            memset(&r, 0, sizeof r);
            r.forces = f + i * dim;
            r.member_energies = M > 1 ? mem + i * M : NULL;
            r.extrapolating = xflags;
            memcpy(fr[i].atoms->fixed, fr[0].atoms->fixed, n);
            if ((status = pesx_potential_eval(pot, fr[i].atoms, &r))) {
                pesx_error_prefix("%s: frame %zu: ", path, i + 1);
                goto fail;
            }
            calls++;
            e[i] = r.energy;
            std[i] = r.has_std ? r.energy_std : 0.0;
            has_std |= r.has_std;
            nx[i] = r.n_extrapolating;
            any_x |= r.n_extrapolating;
        } else {
            if (!fr[i].has_energy || !fr[i].has_forces) {
                status = pesx_error_set(PESX_EINVAL, path, fr[i].line,
                                        "frame %zu has no %s; give -p POT to compute them",
                                        i + 1, fr[i].has_energy ? "forces" : "energy=");
                goto fail;
            }
            e[i] = fr[i].energy;
            memcpy(f + i * dim, fr[i].forces, dim * sizeof *f);
        }
        for (size_t a = 0; a < n; a++)
            if (fr[0].atoms->fixed[a])
                f[i * dim + 3 * a] = f[i * dim + 3 * a + 1] = f[i * dim + 3 * a + 2] = 0.0;
    }
    if ((status = pesx_band_profile(n, nf, x, e, f, s, ft, &saddle)) ||
        (status = pesx_report_set_profile(&rep, nf, s, e, ft, saddle, 0, has_std ? std : NULL,
                                          (any_x || M > 1) ? nx : NULL)) ||
        (M > 1 && (status = pesx_report_set_members(&rep, M, mem))))
        goto fail;
    {
        double m = 0.0, q = 0.0;
        for (size_t a = 0; a < n; a++) {
            double t = 0.0;
            if (fr[0].atoms->fixed[a])
                continue;
            for (int k = 0; k < 3; k++)
                t += f[saddle * dim + 3 * a + k] * f[saddle * dim + 3 * a + k];
            q += t;
            m = t > m ? t : m;
        }
        rep.saddle_fmax = sqrt(m);
        rep.saddle_fnorm = sqrt(q);
    }
    rep.method = PESX_REPORT_BARRIER;
    rep.converged = 1;
    rep.force_calls = calls;
    if (pot)
        snprintf(rep.potential, sizeof rep.potential, "%s", pesx_potential_spec(pot));
    if ((status = pesx_report_finish(&rep)))
        goto fail;
    pesx_report_write_table(stdout, &rep);
    if (report_xml && (status = pesx_report_write_xml(report_xml, &rep)))
        goto fail;
    if (plot && (status = pesx_report_write_svg(plot, &rep)))
        goto fail;
    goto out;
fail:
    exit_code = cmd_fail(status);
out:
    pesx_report_release(&rep);
    if (fr)
        pesx_frames_free(fr, nf);
    free(x);
    free(f);
    free(e);
    free(s);
    free(ft);
    free(std);
    free(nx);
    free(mem);
    free(xflags);
    pesx_potential_free(pot);
    return exit_code;
}
