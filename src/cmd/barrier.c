/* pesx barrier: the barrier report of a band from any source (a pesx neb
 * band, an ASE NEB trajectory, ...), re-evaluated with a potential or taken
 * from the energies and forces stored in the file. */
#include <config.h>
#include "cmd.h"

#include <getopt.h>

#include <pesx/path.h>

static const char usage[] =
    "pesx barrier BAND.xyz [-p POT] [--images N] [--report REPORT.xml] [--plot PROFILE.svg]\n"
    "             [-q] [-v]\n"
    "\n"
    "  -p, --potential SPEC   evaluate every image with this potential (default: use\n"
    "                         the energy= and forces of each frame of BAND.xyz)\n"
    "  -n, --images N         the file holds bands of N moving images (N + 2 frames)\n"
    "                         one after the other; the last is reported (default:\n"
    "                         bands found from the repeated endpoints)\n"
    "      --report FILE      barrier report as XML\n"
    "      --plot FILE        energy profile as SVG\n"
    "  -q, --quiet            print only the report\n"
    "  -v, --verbose          more messages on stderr\n";

int cmd_barrier(int argc, char **argv)
{
    enum { O_REPORT = 256, O_PLOT };
    static const struct option options[] = {
        {"potential", required_argument, NULL, 'p'},
        {"images", required_argument, NULL, 'n'},
        {"report", required_argument, NULL, O_REPORT},
        {"plot", required_argument, NULL, O_PLOT},
        CMD_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *spec = NULL, *report_xml = NULL, *plot = NULL, *path;
    pesx_potential *pot = NULL;
    pesx_frame *fr = NULL;
    size_t nf = 0, size = 0;
    long n_images = 0;
    pesx_report rep;
    int c, status = PESX_OK, exit_code = CMD_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "p:n:qvh", options, NULL)) != -1) {
        switch (c) {
        case 'p': spec = optarg; break;
        case 'n':
            if (cmd_parse_count("--images", optarg, 1, 100000, &n_images))
                return CMD_BAD_INPUT;
            break;
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
    if ((status = pesx_xyz_read_all(path, &fr, &nf)) ||
        (status = pesx_band_split(fr, nf, n_images ? (size_t)n_images + 2 : 0, path, &size)))
        goto fail;
    if (size < nf && pesx_log_level() > PESX_LOG_QUIET)
        printf("# %s: %zu bands of %zu images one after the other: the last one (frames %zu to "
               "%zu)\n", path, nf / size, size, nf - size + 1, nf);
    if ((status = pesx_band_report_frames(&rep, pot, fr + (nf - size), size, path)))
        goto fail;
    if (pot)
        cmd_report_ledger(&rep, pot);
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
    pesx_potential_free(pot);
    return exit_code;
}
