/* The ipi potential: pesx as the i-PI server.  Clients (ASE's SocketClient,
 * Quantum ESPRESSO's pw.x --ipi, CP2K, LAMMPS fix ipi, DFTB+) connect to
 * /tmp/ipi_NAME or HOST:PORT and compute; with K clients, K structures of a
 * batch are in flight at once.  A client that hangs up or stays silent past
 * the timeout is dropped and its structure goes to another; one that answers
 * with nonsense is an error naming it.  The wire format is in ipi_wire.c. */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipi_impl.h"
#include "potential_impl.h"

typedef struct {
    int fd;        /* -1: the slot is free                       */
    unsigned id;   /* 1, 2, ... in the order clients connected    */
    long job;      /* structure of the batch it computes, or -1   */
    double since;  /* when that structure was sent                */
} ipi_client;

typedef struct {
    ipi_server server;
    double timeout;
    size_t max_clients;
    ipi_client *clients;  /* max_clients slots                    */
    unsigned next_id;
    long *queue;          /* structures waiting for a client      */
    size_t cap_queue, cap_atoms;
    double *x;            /* 3n positions in Bohr                 */
    struct pollfd *pfd;   /* max_clients + 1                      */
} ipi_state;

static int ipi_init(void *state, pesx_params *params)
{
    ipi_state *s = state;
    const char *name = pesx_potential_param_string(params, "unix");
    const char *host = pesx_potential_param_string(params, "host");
    double port = 0, clients = 1;
    int has_port, st;
    s->server.fd = -1;
    s->timeout = 600.0;
    if (pesx_potential_param_positive(params, "ipi", "timeout", &s->timeout) < 0 ||
        (has_port = pesx_potential_param_double(params, "ipi", "port", &port)) < 0 ||
        pesx_potential_param_positive(params, "ipi", "clients", &clients) < 0)
        return pesx_error_last()->code;
    if (clients != floor(clients) || clients > 4096)
        return pesx_potential_param_error(params, "clients",
                                          "ipi: clients=%g: a whole number from 1 to 4096",
                                          clients);
    if (has_port && (port != floor(port) || port < 1 || port > 65535))
        return pesx_potential_param_error(params, "port", "ipi: port=%g: a TCP port from 1 to 65535",
                                          port);
    if (!name == !(host || has_port))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "ipi: give either unix=NAME (the socket /tmp/ipi_NAME) or "
                              "host=HOST,port=PORT");
    if (host && !has_port)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "ipi: host=%s needs port=PORT", host);
    s->max_clients = (size_t)clients;
    s->clients = calloc(s->max_clients, sizeof *s->clients);
    s->pfd = calloc(s->max_clients + 1, sizeof *s->pfd);
    if (!s->clients || !s->pfd)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "ipi: out of memory");
    for (size_t c = 0; c < s->max_clients; c++)
        s->clients[c].fd = -1;
    st = name ? ipi_server_open_unix(&s->server, name)
              : ipi_server_open_tcp(&s->server, host ? host : "localhost", (int)port);
    return st;
}

static void drop(ipi_client *c)
{
    close(c->fd);
    c->fd = -1;
    c->job = -1;
}

static void ipi_release(void *state)
{
    ipi_state *s = state;
    for (size_t c = 0; s->clients && c < s->max_clients; c++)
        if (s->clients[c].fd >= 0) { /* a polite goodbye; a client gone deaf is not waited for */
            ipi_send_header(s->clients[c].fd, "EXIT", pesx_wall_time() + 0.1);
            drop(&s->clients[c]);
        }
    if (s->server.fd >= 0 || s->server.path[0])
        ipi_server_close(&s->server);
    free(s->clients);
    free(s->queue);
    free(s->x);
    free(s->pfd);
}

static size_t n_connected(const ipi_state *s)
{
    size_t n = 0;
    for (size_t c = 0; c < s->max_clients; c++)
        n += s->clients[c].fd >= 0;
    return n;
}

static int client_error(const ipi_state *s, const ipi_client *c, const char *what)
{
    return pesx_error_set(PESX_EFAILED, NULL, 0, "ipi: client %u on %s: %s", c->id,
                          s->server.where, what);
}

/* Take every waiting connection while there are free slots. */
static void accept_clients(ipi_state *s)
{
    for (size_t c = 0; c < s->max_clients; c++) {
        int fd;
        if (s->clients[c].fd >= 0)
            continue;
        if ((fd = ipi_server_accept(&s->server)) < 0)
            return;
        s->clients[c].fd = fd;
        s->clients[c].id = ++s->next_id;
        s->clients[c].job = -1;
        pesx_debug("ipi: client %u connected to %s", s->clients[c].id, s->server.where);
    }
}

/* Lattice vectors as the columns of h (row-major, Bohr) and its inverse;
 * zeros for a structure without a cell. */
static void wire_cell(const pesx_atoms *a, double h[9], double ih[9])
{
    double inv[9];
    memset(h, 0, 9 * sizeof *h);
    memset(ih, 0, 9 * sizeof *ih);
    if (!a->has_cell)
        return;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            h[3 * i + j] = a->cell[3 * j + i] / PESX_BOHR_ANGSTROM;
    if (pesx_cell_inverse(a->cell, inv) == PESX_OK)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                ih[3 * i + j] = inv[3 * j + i] * PESX_BOHR_ANGSTROM;
    pesx_error_clear();
}

/* Hand structure JOB to the idle client C: STATUS (INIT when it asks),
 * POSDATA, then a STATUS it answers when it has computed.  IPI_CLOSED and
 * IPI_TIMEOUT leave the structure to another client; IPI_BAD sets the error. */
static int send_job(ipi_state *s, ipi_client *c, const pesx_atoms *a, long job)
{
    double deadline = pesx_wall_time() + s->timeout, h[9], ih[9];
    char msg[IPI_HEADER_LEN + 1];
    int st;
    for (int round = 0; round < 2; round++) {
        if ((st = ipi_send_header(c->fd, "STATUS", deadline)) ||
            (st = ipi_recv_header(c->fd, msg, deadline)))
            break;
        if (strcmp(msg, "NEEDINIT") == 0 && round == 0) {
            if ((st = ipi_send_init(c->fd, deadline)))
                break;
            continue;
        }
        if (strcmp(msg, "READY") != 0)
            st = IPI_BAD;
        break;
    }
    if (st == IPI_BAD) {
        char what[96];
        snprintf(what, sizeof what, "answered STATUS with '%s' instead of READY", msg);
        return client_error(s, c, what);
    }
    if (st)
        return st;
    for (size_t k = 0; k < 3 * a->n; k++)
        s->x[k] = a->x[k] / PESX_BOHR_ANGSTROM;
    wire_cell(a, h, ih);
    if ((st = ipi_send_posdata(c->fd, h, ih, (int32_t)a->n, s->x, deadline)) ||
        (st = ipi_send_header(c->fd, "STATUS", deadline)))
        return st;
    c->job = job;
    c->since = pesx_wall_time();
    return IPI_OK;
}

/* The client C has answered: HAVEDATA, then GETFORCE and its forces. */
static int take_result(ipi_state *s, ipi_client *c, const pesx_atoms *a, pesx_potential_result *r)
{
    double deadline = pesx_wall_time() + s->timeout, e;
    char msg[IPI_HEADER_LEN + 1], why[160];
    double *f = r->forces ? r->forces : s->x;
    int st = ipi_recv_header(c->fd, msg, deadline);
    if (!st && strcmp(msg, "HAVEDATA") != 0)
        st = IPI_BAD;
    if (st == IPI_BAD) {
        snprintf(why, sizeof why, "answered STATUS after POSDATA with '%s' instead of HAVEDATA",
                 msg);
        return client_error(s, c, why);
    }
    if (!st)
        st = ipi_send_header(c->fd, "GETFORCE", deadline);
    if (!st)
        st = ipi_recv_header(c->fd, msg, deadline);
    if (!st && strcmp(msg, "FORCEREADY") != 0) {
        snprintf(why, sizeof why, "answered GETFORCE with '%s' instead of FORCEREADY", msg);
        return client_error(s, c, why);
    }
    if (st == IPI_BAD)
        return client_error(s, c, "sent a header that is not ASCII text");
    if (!st && (st = ipi_recv_forces(c->fd, (int32_t)a->n, &e, f, deadline, why, sizeof why)) ==
                   IPI_BAD)
        return client_error(s, c, why);
    if (st)
        return st;
    r->energy = e * PESX_HARTREE_EV;
    for (size_t k = 0; r->forces && k < 3 * a->n; k++)
        r->forces[k] *= PESX_HARTREE_EV / PESX_BOHR_ANGSTROM;
    c->job = -1;
    return IPI_OK;
}

static int reserve(ipi_state *s, size_t k, const pesx_atoms *const *a)
{
    size_t n = 0;
    for (size_t i = 0; i < k; i++)
        n = a[i]->n > n ? a[i]->n : n;
    if (k > s->cap_queue) {
        long *q = realloc(s->queue, k * sizeof *q);
        if (!q)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "ipi: out of memory");
        s->queue = q;
        s->cap_queue = k;
    }
    if (n > s->cap_atoms || !s->x) {
        double *x = realloc(s->x, (3 * n + 3) * sizeof *x);
        if (!x)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "ipi: out of memory");
        s->x = x;
        s->cap_atoms = n;
    }
    for (size_t i = 0; i < k; i++)
        if (a[i]->n > INT32_MAX / 3)
            return pesx_error_set(PESX_EINVAL, NULL, 0, "ipi: %zu atoms are too many for i-PI",
                                  a[i]->n);
    return PESX_OK;
}

/* Put structure JOB of client C back in the queue after C hung up or timed out. */
static void requeue(ipi_state *s, ipi_client *c, size_t *nq, int why)
{
    pesx_warn("ipi: client %u on %s %s; structure handed to another client", c->id,
              s->server.where, why == IPI_TIMEOUT ? "gave no answer within the timeout" : "hung up");
    if (c->job >= 0)
        s->queue[(*nq)++] = c->job;
    drop(c);
}

static int ipi_eval_many(void *state, size_t k, const pesx_atoms *const *a,
                         pesx_potential_result *r, size_t *failed)
{
    ipi_state *s = state;
    size_t nq = k, done = 0;
    double alone_since = pesx_wall_time();
    int st;
    *failed = 0;
    if ((st = reserve(s, k, a)))
        return st;
    for (size_t i = 0; i < k; i++) /* a stack: structure 0 is handed out first */
        s->queue[i] = (long)(k - 1 - i);
    while (done < k) {
        size_t np = 0;
        double now, wait = s->timeout;
        accept_clients(s);
        /* hand out waiting structures to idle clients */
        for (size_t c = 0; c < s->max_clients && nq; c++) {
            ipi_client *cl = &s->clients[c];
            long job;
            if (cl->fd < 0 || cl->job >= 0)
                continue;
            job = s->queue[--nq];
            st = send_job(s, cl, a[job], job);
            if (st == IPI_OK)
                continue;
            cl->job = job;
            if (st != IPI_CLOSED && st != IPI_TIMEOUT) {
                *failed = (size_t)job;
                drop(cl);
                return st;
            }
            requeue(s, cl, &nq, st);
        }
        now = pesx_wall_time();
        if (n_connected(s) > 0) {
            alone_since = now;
        } else if (now - alone_since >= s->timeout) {
            *failed = nq ? (size_t)s->queue[nq - 1] : 0;
            return pesx_error_set(PESX_EFAILED, NULL, 0,
                                  "ipi: no client connected to %s within %g s", s->server.where,
                                  s->timeout);
        } else {
            wait = s->timeout - (now - alone_since);
        }
        /* wait for answers, new clients, or the first deadline */
        for (size_t c = 0; c < s->max_clients; c++) {
            ipi_client *cl = &s->clients[c];
            if (cl->fd < 0 || cl->job < 0)
                continue;
            if (cl->since + s->timeout - now < wait)
                wait = cl->since + s->timeout - now;
            s->pfd[np].fd = cl->fd;
            s->pfd[np].events = POLLIN;
            s->pfd[np].revents = 0;
            np++;
        }
        if (n_connected(s) < s->max_clients) {
            s->pfd[np].fd = s->server.fd;
            s->pfd[np].events = POLLIN;
            s->pfd[np].revents = 0;
            np++;
        }
        if (poll(s->pfd, np, wait <= 0 ? 0 : (int)fmin(wait * 1000.0 + 1.0, 1e9)) < 0 &&
            errno != EINTR)
            return pesx_error_set(PESX_EIO, NULL, 0, "ipi: poll on %s failed", s->server.where);
        now = pesx_wall_time();
        for (size_t c = 0, p = 0; c < s->max_clients; c++) {
            ipi_client *cl = &s->clients[c];
            short ev;
            long job;
            if (cl->fd < 0 || cl->job < 0)
                continue;
            ev = s->pfd[p++].revents;
            job = cl->job;
            if (ev & (POLLIN | POLLHUP | POLLERR)) {
                st = take_result(s, cl, a[job], r + job);
                if (st == IPI_OK) {
                    done++;
                    continue;
                }
                if (st != IPI_CLOSED && st != IPI_TIMEOUT) {
                    *failed = (size_t)job;
                    drop(cl);
                    return st;
                }
                requeue(s, cl, &nq, st);
            } else if (now - cl->since >= s->timeout) {
                requeue(s, cl, &nq, IPI_TIMEOUT);
            }
        }
    }
    return PESX_OK;
}

static int ipi_eval(void *state, const pesx_atoms *a, pesx_potential_result *r)
{
    size_t failed;
    return ipi_eval_many(state, 1, &a, r, &failed);
}

const pesx_potential_type pesx_potential_ipi = {
    .name = "ipi",
    .summary = "pesx as the i-PI server: clients (ASE SocketClient, pw.x --ipi, CP2K, LAMMPS fix "
               "ipi) compute; K clients work on K structures at once",
    .params_doc = "unix=NAME (socket /tmp/ipi_NAME) | host=HOST,port=PORT (TCP), clients=1 "
                  "(structures in flight at once), timeout=600 (seconds to wait for a client "
                  "or an answer)",
    .state_size = sizeof(ipi_state),
    .init = ipi_init,
    .eval = ipi_eval,
    .release = ipi_release,
    .flags = PESX_POTENTIAL_NO_ATOM_ENERGIES,
    .eval_many = ipi_eval_many,
};
