/* The listening socket of the ipi potential: /tmp/ipi_NAME (as i-PI and ASE
 * name Unix sockets) or a TCP HOST:PORT, non-blocking, so the scheduler
 * accepts clients whenever they arrive. */
#include <config.h>
#include <pesx/util.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ipi_impl.h"

static int set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Is a server listening on the Unix socket ADDR? */
static int unix_alive(const struct sockaddr_un *addr)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), alive;
    if (fd < 0)
        return 0;
    alive = connect(fd, (const struct sockaddr *)addr, sizeof *addr) == 0;
    close(fd);
    return alive;
}

int ipi_server_open_unix(ipi_server *s, const char *name)
{
    struct sockaddr_un addr;
    struct stat sb;
    int fd;
    memset(s, 0, sizeof *s);
    s->fd = -1;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (!name || !*name || strchr(name, '/'))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "ipi: unix=NAME needs a name without '/' (the socket is /tmp/ipi_NAME)");
    if (snprintf(addr.sun_path, sizeof addr.sun_path, "/tmp/ipi_%s", name) >=
        (int)sizeof addr.sun_path)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "ipi: unix=%s: the name is too long", name);
    snprintf(s->where, sizeof s->where, "%s", addr.sun_path);
    if (lstat(addr.sun_path, &sb) == 0) {
        if (!S_ISSOCK(sb.st_mode))
            return pesx_error_set(PESX_EIO, NULL, 0, "ipi: %s exists and is not a socket",
                                  addr.sun_path);
        if (unix_alive(&addr))
            return pesx_error_set(PESX_EIO, NULL, 0,
                                  "ipi: another server is listening on %s", addr.sun_path);
        unlink(addr.sun_path); /* left behind by a server that died */
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 64) < 0 ||
        set_nonblocking(fd) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return pesx_error_set(PESX_EIO, NULL, 0, "ipi: cannot listen on %s: %s", addr.sun_path,
                              strerror(e));
    }
    s->fd = fd;
    snprintf(s->path, sizeof s->path, "%s", addr.sun_path);
    return PESX_OK;
}

int ipi_server_open_tcp(ipi_server *s, const char *host, int port)
{
    struct addrinfo hints, *res = NULL, *ai;
    char service[16];
    int fd = -1, rc, e = 0, one = 1;
    memset(s, 0, sizeof *s);
    s->fd = -1;
    snprintf(s->where, sizeof s->where, "%s:%d", host, port);
    snprintf(service, sizeof service, "%d", port);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if ((rc = getaddrinfo(host, service, &hints, &res)) != 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "ipi: host=%s: %s", host, gai_strerror(rc));
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 64) == 0 &&
            set_nonblocking(fd) == 0)
            break;
        e = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return pesx_error_set(PESX_EIO, NULL, 0, "ipi: cannot listen on %s: %s", s->where,
                              strerror(e));
    s->fd = fd;
    return PESX_OK;
}

int ipi_server_accept(ipi_server *s)
{
    int fd, one = 1;
    if (s->fd < 0)
        return -1;
    do
        fd = accept(s->fd, NULL, NULL);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return -1;
    if (set_nonblocking(fd) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        close(fd);
        return -1;
    }
    if (!s->path[0]) /* small messages both ways: no Nagle delay */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

void ipi_server_close(ipi_server *s)
{
    if (s->fd >= 0)
        close(s->fd);
    if (s->path[0])
        unlink(s->path);
    s->fd = -1;
    s->path[0] = '\0';
}
