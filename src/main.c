/* pesx: the command table and the dispatcher, as git does it. */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <gsl/gsl_errno.h>

#include "cmd/cmd.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"eval", cmd_eval, "energy, forces and per-atom energies of structures"},
    {"opt", cmd_opt, "relax a structure to a local minimum"},
    {"neb", cmd_neb, "climbing-image NEB between two minima, with the barrier report"},
    {"barrier", cmd_barrier, "barrier report of a band from any source"},
    {"convert", cmd_convert, "potentials into potential.xml; data sets between formats"},
    {"fit", cmd_fit, "train a neural-network potential (or a committee) on energies and forces"},
    {"saddle", cmd_saddle, "saddle point by the dimer method, frequencies and HTST rate"},
    {"vib", cmd_vib, "normal modes and harmonic frequencies of a structure"},
    {"help", cmd_help, "show the manual page of a command (pesx help CMD)"},
    {NULL, NULL, NULL},
};

static void print_usage(FILE *fp)
{
    fprintf(fp, "usage: pesx [--version] [--help] COMMAND [ARGS...]\n\n"
                "Reaction paths, saddle points and barriers on learned potential-energy surfaces.\n\n"
                "Commands:\n");
    for (const struct command *c = commands; c->name; c++)
        fprintf(fp, "  %-10s %s\n", c->name, c->summary);
    fprintf(fp, "\nSee 'pesx help COMMAND' for the manual page of a command,\n"
                "'pesx help potentials' for the -p SPEC forms, and 'man pesx' for the overview.\n");
}

int main(int argc, char **argv)
{
    const char *name;
    gsl_set_error_handler_off(); /* every GSL status is checked where it is returned */
    if (argc < 2) {
        print_usage(stderr);
        return CMD_BAD_INPUT;
    }
    name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_usage(stdout);
        return CMD_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("pesx %s\n", PACKAGE_VERSION);
        return CMD_OK;
    }
    for (const struct command *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0) {
            static char prefix[64];
            cmd_name = c->name;
            snprintf(prefix, sizeof prefix, "pesx %s", c->name);
            pesx_log_set_prefix(prefix);
            return c->run(argc - 1, argv + 1);
        }
    fprintf(stderr, "pesx: error: '%s' is not a pesx command; the commands are:", name);
    for (const struct command *c = commands; c->name; c++)
        fprintf(stderr, " %s", c->name);
    fprintf(stderr, "\n");
    return CMD_BAD_INPUT;
}

/* The table is also what `pesx help` lists. */
void cmd_list_commands(FILE *fp)
{
    for (const struct command *c = commands; c->name; c++)
        fprintf(fp, "  %-10s %s\n", c->name, c->summary);
}
