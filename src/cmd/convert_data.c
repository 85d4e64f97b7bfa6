/* pesx convert, data sets: data.xml, extended XYZ and n2p2 input.data into
 * one another (several inputs are concatenated), streaming one structure
 * at a time.  cmd_convert (convert.c) hands over when the inputs or the
 * output are data sets. */
#include <config.h>
#include "cmd.h"
#include "convert.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/io_dataset.h>

int cmd_convert_is_data(int argc, char **argv)
{
    const char *first = NULL, *out = NULL;
    pesx_data_format f;
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        if (!strcmp(a, "--")) {
            if (!first && k + 1 < argc)
                first = argv[k + 1];
            break;
        }
        if (!strncmp(a, "--from", 6) || !strncmp(a, "--to", 4) ||
            !strncmp(a, "--length-unit", 13) || !strncmp(a, "--energy-unit", 13))
            return 1;
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (k + 1 < argc)
                out = argv[++k];
        } else if (!strncmp(a, "--output=", 9)) {
            out = a + 9;
        } else if (!strncmp(a, "-o", 2) && a[2]) {
            out = a + 2;
        } else if (!strcmp(a, "--source")) {
            k++;
        } else if (a[0] != '-' || !a[1]) {
            if (!first)
                first = a;
        }
    }
    if (out && ((f = pesx_data_format_guess(out)) == PESX_DATA_XYZ || f == PESX_DATA_N2P2))
        return 1;
    if (!first || !strncmp(first, "n2p2:", 5))
        return 0;
    if ((f = pesx_data_format_guess(first)) == PESX_DATA_XYZ || f == PESX_DATA_N2P2)
        return 1;
    return f == PESX_DATA_XML && pesx_dataset_is_xml(first);
}

typedef struct {
    pesx_data_writer *w;
    pesx_data_format to;
    const char *output;
    size_t n, atoms, mixed_pbc, cell_dropped;
} sink;

static int to_writer(const pesx_dataset_entry *e, size_t index, void *ctx)
{
    sink *s = ctx;
    const pesx_atoms *a = e->atoms;
    int periodic = a->pbc[0] || a->pbc[1] || a->pbc[2];
    (void)index;
    if (s->to == PESX_DATA_N2P2) {
        s->mixed_pbc += periodic && !(a->pbc[0] && a->pbc[1] && a->pbc[2]);
        s->cell_dropped += a->has_cell && !periodic;
    }
    int st = pesx_data_writer_add(s->w, e);
    if (st) {
        /* name the structure the writer refused by its input file and line */
        const pesx_error *err = pesx_error_last();
        if (!err->file[0] && e->file)
            return pesx_error_set(st, e->file, e->line, "cannot write this structure to %s: %s",
                                  s->output, err->msg);
        return st;
    }
    s->n++;
    s->atoms += a->n;
    return PESX_OK;
}

static int format_option(const char *opt, const char *arg, pesx_data_format *f)
{
    if ((*f = pesx_data_format_lookup(arg)) == PESX_DATA_UNKNOWN)
        return cmd_usage_error("%s %s: unknown format (xml, xyz or n2p2)", opt, arg);
    return CMD_OK;
}

int cmd_convert_data(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"length-unit", required_argument, NULL, 'L'},
        {"energy-unit", required_argument, NULL, 'E'},
        CMD_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *output = NULL;
    pesx_data_format from = PESX_DATA_UNKNOWN, to = PESX_DATA_UNKNOWN;
    double L = 1.0, E = 1.0;
    int c, st = PESX_OK;
    sink s;

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qvh", options, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'F':
            if (format_option("--from", optarg, &from))
                return CMD_BAD_INPUT;
            break;
        case 'T':
            if (format_option("--to", optarg, &to))
                return CMD_BAD_INPUT;
            break;
        case 'L':
            if (cmd_convert_parse_unit("length", optarg, &L))
                return cmd_fail(PESX_EINVAL);
            break;
        case 'E':
            if (cmd_convert_parse_unit("energy", optarg, &E))
                return cmd_fail(PESX_EINVAL);
            break;
        case 'q': cmd_quiet(); break;
        case 'v': cmd_verbose(); break;
        case 'h': cmd_convert_usage(stdout); return CMD_OK;
        default: return cmd_usage_error("unknown option");
        }
    }
    if (optind >= argc)
        return cmd_usage_error("no input data set");
    if (!output)
        return cmd_usage_error("the output file is required (-o OUT)");
    if (to == PESX_DATA_UNKNOWN && (to = pesx_data_format_guess(output)) == PESX_DATA_UNKNOWN)
        return cmd_usage_error("cannot tell the format of %s from its name: give --to xml, xyz "
                               "or n2p2",
                               output);
    for (int k = optind; k < argc; k++)
        if (from == PESX_DATA_UNKNOWN && pesx_data_format_guess(argv[k]) == PESX_DATA_UNKNOWN)
            return cmd_usage_error("cannot tell the format of %s from its name: give --from "
                                   "xml, xyz or n2p2",
                                   argv[k]);
        else if (!strcmp(argv[k], output))
            return cmd_usage_error("the output %s is also an input", output);

    memset(&s, 0, sizeof s);
    s.to = to;
    s.output = output;
    if (!(s.w = pesx_data_writer_open(output, to, L, E)))
        return cmd_fail(pesx_error_last()->code ? pesx_error_last()->code : PESX_EIO);
    for (int k = optind; k < argc && !st; k++) {
        pesx_data_format f = from != PESX_DATA_UNKNOWN ? from : pesx_data_format_guess(argv[k]);
        size_t before = s.n;
        st = pesx_data_read_stream(argv[k], f, L, E, to_writer, &s, NULL);
        if (!st)
            pesx_info("%s (%s): %zu structures", argv[k], pesx_data_format_name(f), s.n - before);
    }
    if (st) {
        pesx_data_writer_abort(s.w);
        return cmd_fail(st);
    }
    if ((st = pesx_data_writer_close(s.w)))
        return cmd_fail(st);
    if (s.mixed_pbc)
        pesx_warn("%zu structure%s periodic in only some directions: n2p2 reads a lattice as "
                  "periodic in all three (pesx keeps the pbc in the comment line)",
                  s.mixed_pbc, s.mixed_pbc == 1 ? " is" : "s are");
    if (s.cell_dropped)
        pesx_warn("%zu non-periodic structure%s had a cell, which input.data cannot hold: "
                  "written without it",
                  s.cell_dropped, s.cell_dropped == 1 ? "" : "s");
    if (pesx_log_level() >= PESX_LOG_WARN)
        printf("wrote %s (%s): %zu structure%s, %zu atoms\n", output, pesx_data_format_name(to),
               s.n, s.n == 1 ? "" : "s", s.atoms);
    return CMD_OK;
}
