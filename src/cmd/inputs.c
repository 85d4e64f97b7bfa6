/* Shared input handling of the subcommands: potentials, structures and
 * the SIGINT flag that lets long runs stop cleanly and write their state. */
#include <config.h>
#include "cmd.h"

#include <signal.h>
#include <string.h>

pesx_potential *cmd_open_potential(const char *spec)
{
    pesx_potential *p;
    if (!spec || !*spec) {
        cmd_usage_error("a potential is required: -p SPEC (see 'pesx help potentials')");
        return NULL;
    }
    pesx_error_clear();
    p = pesx_potential_open(spec);
    if (!p)
        cmd_fail(pesx_error_last()->code ? pesx_error_last()->code : PESX_EINVAL);
    return p;
}

int cmd_read_structure(const char *path, pesx_frame *f)
{
    int status;
    pesx_error_clear();
    status = pesx_xyz_read_frame(path, -1, f);
    return status ? cmd_fail(status) : CMD_OK;
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

void cmd_catch_interrupt(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cmd_interrupted(void)
{
    return interrupted != 0;
}
