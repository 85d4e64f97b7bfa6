/* pesx barrier: the barrier report of a band from any source (a pesx neb
 * band, an ASE NEB trajectory, ...), re-evaluated with a potential or taken
 * from the energies and forces stored in the file. */
#include <config.h>
#include "cmd.h"

#include <getopt.h>

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
    size_t nf = 0;
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
    if ((status = pesx_xyz_read_all(path, &fr, &nf)) ||
        (status = pesx_band_report_frames(&rep, pot, fr, nf, path)))
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
    pesx_potential_free(pot);
    return exit_code;
}
