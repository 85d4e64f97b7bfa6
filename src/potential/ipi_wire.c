/* The i-PI wire protocol: headers and the POSDATA / FORCEREADY bodies, every
 * byte moved under poll() with a deadline (see ipi_impl.h). */
#include <config.h>
#include <pesx/util.h>

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "ipi_impl.h"

/* Wait until FD is ready for EVENTS or DEADLINE passes. */
static int wait_fd(int fd, short events, double deadline)
{
    for (;;) {
        struct pollfd p = {fd, events, 0};
        double left = deadline - pesx_wall_time();
        int ms = left <= 0 ? 0 : left > 1e6 ? 1000000000 : (int)(left * 1000.0) + 1;
        int n = poll(&p, 1, ms);
        if (n > 0)
            return (p.revents & (events | POLLHUP | POLLERR)) ? IPI_OK : IPI_CLOSED;
        if (n == 0 && pesx_wall_time() >= deadline)
            return IPI_TIMEOUT;
        if (n < 0 && errno != EINTR)
            return IPI_CLOSED;
    }
}

int ipi_send_all(int fd, const void *buf, size_t n, double deadline)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int st = wait_fd(fd, POLLOUT, deadline);
            if (st)
                return st;
            continue;
        }
        return IPI_CLOSED;
    }
    return IPI_OK;
}

int ipi_recv_all(int fd, void *buf, size_t n, double deadline)
{
    char *p = buf;
    while (n > 0) {
        ssize_t r = recv(fd, p, n, MSG_DONTWAIT);
        if (r > 0) {
            p += r;
            n -= (size_t)r;
            continue;
        }
        if (r == 0)
            return IPI_CLOSED;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int st = wait_fd(fd, POLLIN, deadline);
            if (st)
                return st;
            continue;
        }
        return IPI_CLOSED;
    }
    return IPI_OK;
}

int ipi_send_header(int fd, const char *msg, double deadline)
{
    char h[IPI_HEADER_LEN];
    size_t len = strlen(msg);
    memset(h, ' ', sizeof h);
    memcpy(h, msg, len < sizeof h ? len : sizeof h);
    return ipi_send_all(fd, h, sizeof h, deadline);
}

int ipi_recv_header(int fd, char msg[IPI_HEADER_LEN + 1], double deadline)
{
    int st = ipi_recv_all(fd, msg, IPI_HEADER_LEN, deadline);
    size_t len = IPI_HEADER_LEN;
    if (st)
        return st;
    msg[IPI_HEADER_LEN] = '\0';
    for (size_t k = 0; k < IPI_HEADER_LEN; k++)
        if (msg[k] < 0x20 || msg[k] > 0x7e) {
            msg[k] = '?';
            st = IPI_BAD;
        }
    while (len > 0 && msg[len - 1] == ' ')
        msg[--len] = '\0';
    return st;
}

int ipi_send_init(int fd, double deadline)
{
    int32_t bead = 0, len = 1;
    char init = 0;
    int st = ipi_send_header(fd, "INIT", deadline);
    if (!st)
        st = ipi_send_all(fd, &bead, sizeof bead, deadline);
    if (!st)
        st = ipi_send_all(fd, &len, sizeof len, deadline);
    if (!st)
        st = ipi_send_all(fd, &init, 1, deadline);
    return st;
}

int ipi_send_posdata(int fd, const double h[9], const double ih[9], int32_t n, const double *x,
                     double deadline)
{
    int st = ipi_send_header(fd, "POSDATA", deadline);
    if (!st)
        st = ipi_send_all(fd, h, 9 * sizeof *h, deadline);
    if (!st)
        st = ipi_send_all(fd, ih, 9 * sizeof *ih, deadline);
    if (!st)
        st = ipi_send_all(fd, &n, sizeof n, deadline);
    if (!st)
        st = ipi_send_all(fd, x, 3 * (size_t)n * sizeof *x, deadline);
    return st;
}

/* Read and drop N bytes. */
static int skip_bytes(int fd, size_t n, double deadline)
{
    char buf[512];
    while (n > 0) {
        size_t m = n < sizeof buf ? n : sizeof buf;
        int st = ipi_recv_all(fd, buf, m, deadline);
        if (st)
            return st;
        n -= m;
    }
    return IPI_OK;
}

/* The extra string is JSON or nothing in practice; more than this is garbage. */
#define IPI_EXTRA_MAX (16 << 20)

int ipi_recv_forces(int fd, int32_t expect_n, double *energy, double *f, double deadline,
                    char *why, size_t why_size)
{
    int32_t n, extra;
    double virial[9];
    int st = ipi_recv_all(fd, energy, sizeof *energy, deadline);
    if (!st)
        st = ipi_recv_all(fd, &n, sizeof n, deadline);
    if (st)
        return st;
    if (n != expect_n) {
        snprintf(why, why_size, "it returned forces on %ld atoms for a structure of %ld",
                 (long)n, (long)expect_n);
        return IPI_BAD;
    }
    if ((st = ipi_recv_all(fd, f, 3 * (size_t)n * sizeof *f, deadline)) ||
        (st = ipi_recv_all(fd, virial, sizeof virial, deadline)) ||
        (st = ipi_recv_all(fd, &extra, sizeof extra, deadline)))
        return st;
    if (extra < 0 || extra > IPI_EXTRA_MAX) {
        snprintf(why, why_size, "it announced %ld bytes of extra data", (long)extra);
        return IPI_BAD;
    }
    if ((st = skip_bytes(fd, (size_t)extra, deadline)))
        return st;
    if (!isfinite(*energy)) {
        snprintf(why, why_size, "it returned a non-finite energy (%g)", *energy);
        return IPI_BAD;
    }
    for (size_t k = 0; k < 3 * (size_t)n; k++)
        if (!isfinite(f[k])) {
            snprintf(why, why_size, "it returned a non-finite force on atom %zu", k / 3);
            return IPI_BAD;
        }
    return IPI_OK;
}
