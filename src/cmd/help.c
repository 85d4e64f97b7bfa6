/* pesx help [CMD]: the command list, the -p SPEC forms, or a manual page. */
#include <config.h>
#include "cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] = "pesx help [COMMAND | potentials]\n";

static void list_potentials(void)
{
    printf("Potentials (-p SPEC):\n");
    for (const pesx_potential_type *const *t = pesx_potential_types(); *t; t++)
        printf("  %-13s %s\n  %-13s parameters: %s\n", (*t)->name, (*t)->summary, "",
               (*t)->params_doc ? (*t)->params_doc : "none");
    printf("\nAlso: FILE.xml (a potential.xml from pesx fit), n2p2:DIR[,length=bohr,energy=hartree]\n"
           "(an n2p2/RuNNer directory), the name of an installed potential, or a parameter file\n"
           "of 'type = NAME' and 'key = value' lines.  See pesx-potential(5).\n");
}

/* The page's file in the source tree's man/ (running from a build), or NULL. */
static const char *source_page(const char *page, char *buf, size_t size)
{
    static const char sections[] = "157";
    for (const char *s = sections; *s; s++) {
        snprintf(buf, size, "%s/%s.%c", PESX_SRCMANDIR, page, *s);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    return NULL;
}

static int run_man(const char *page)
{
    char path[4096], manpath[8192];
    const char *file = source_page(page, path, sizeof path);
    const char *old = getenv("MANPATH");
    pid_t pid;
    int status;
    snprintf(manpath, sizeof manpath, "%s:%s", PESX_MANDIR, old ? old : "");
    fflush(stdout);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        setenv("MANPATH", manpath, 1);
        if (file)
            execlp("man", "man", "-l", file, (char *)NULL);
        else
            execlp("man", "man", page, (char *)NULL);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int cmd_help(int argc, char **argv)
{
    char page[256];
    int status;
    if (argc < 2) {
        printf("usage: pesx COMMAND [ARGS...]\n\nCommands:\n");
        cmd_list_commands(stdout);
        printf("\n'pesx help COMMAND' opens its manual page; 'pesx help potentials' lists the -p forms.\n");
        return CMD_OK;
    }
    if (argc > 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cmd_print_usage(argc > 2 ? stderr : stdout, usage);
        return argc > 2 ? CMD_BAD_INPUT : CMD_OK;
    }
    if (strcmp(argv[1], "potentials") == 0) {
        list_potentials();
        return CMD_OK;
    }
    snprintf(page, sizeof page, "pesx-%s", argv[1]);
    status = run_man(page);
    if (status == 127 || status < 0)
        return cmd_error("cannot run man(1) for %s; try 'pesx %s --help'", page, argv[1]);
    if (status != 0)
        return cmd_error("no manual page %s (is '%s' a pesx command? see 'pesx help')", page, argv[1]);
    return CMD_OK;
}
