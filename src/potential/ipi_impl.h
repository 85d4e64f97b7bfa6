/* Private to the ipi potential: the i-PI wire protocol (ipi_wire.c) and the
 * listening socket (ipi_server.c).
 *
 * The protocol (i-PI's "driver" interface, also spoken by ASE's
 * SocketClient, Quantum ESPRESSO, CP2K, LAMMPS fix ipi and DFTB+): every
 * message starts with a 12-byte ASCII header padded with spaces; numbers
 * are native-endian int32 and float64, in atomic units (Bohr, Hartree).
 *   server STATUS              -> client READY | NEEDINIT | HAVEDATA
 *   server INIT  i32 bead, i32 len, len bytes          (answer to NEEDINIT)
 *   server POSDATA h[9] ih[9] i32 n, x[3n]   (h: lattice vectors as
 *                 columns, row-major; ih its inverse; the client computes)
 *   server GETFORCE            -> client FORCEREADY f64 E, i32 n, f[3n],
 *                                 virial[9], i32 len, len bytes
 *   server EXIT
 * Every read and write here waits with poll() up to a deadline, so a
 * silent or vanished client never hangs the server. */
#ifndef PESX_IPI_IMPL_H
#define PESX_IPI_IMPL_H

#include <stddef.h>
#include <stdint.h>

#define IPI_HEADER_LEN 12

/* Outcome of one exchange with a client. */
enum {
    IPI_OK = 0,
    IPI_CLOSED = 1,  /* the client hung up (or the connection broke)     */
    IPI_TIMEOUT = 2, /* the deadline passed                              */
    IPI_BAD = 3      /* the client sent something the protocol forbids   */
};

/* Move exactly N bytes before DEADLINE (pesx_wall_time seconds). */
int ipi_send_all(int fd, const void *buf, size_t n, double deadline);
int ipi_recv_all(int fd, void *buf, size_t n, double deadline);

/* A header from MSG (up to 12 characters, padded with spaces). */
int ipi_send_header(int fd, const char *msg, double deadline);
/* A header into MSG (13 bytes) with the padding removed; IPI_BAD when it
 * is not printable ASCII. */
int ipi_recv_header(int fd, char msg[IPI_HEADER_LEN + 1], double deadline);

/* INIT for bead 0 with a one-byte initialisation string, as ASE sends it. */
int ipi_send_init(int fd, double deadline);
/* POSDATA: H and IH (9 each, row-major, Bohr and 1/Bohr), N positions (3N,
 * Bohr). */
int ipi_send_posdata(int fd, const double h[9], const double ih[9], int32_t n, const double *x,
                     double deadline);
/* The body of FORCEREADY (after its header): energy (Hartree), forces (3N,
 * Hartree/Bohr; N must be EXPECT_N), the virial and the extra string are
 * read and dropped.  IPI_BAD with WHY filled for a wrong atom count, a
 * non-finite number or an impossible extra length. */
int ipi_recv_forces(int fd, int32_t expect_n, double *energy, double *f, double deadline,
                    char *why, size_t why_size);

/* ---- the listening socket ------------------------------------------------ */

typedef struct {
    int fd;             /* listening, non-blocking; -1 when closed          */
    char path[108];     /* the Unix socket file to remove, or ""            */
    char where[300];    /* "/tmp/ipi_NAME" or "HOST:PORT", for messages      */
} ipi_server;

/* Listen on the Unix socket /tmp/ipi_NAME (a stale file of a dead server is
 * replaced; a live one is an error) or on HOST:PORT (TCP).  Sets the error
 * (PESX_EINVAL for a bad name or address, PESX_EIO otherwise). */
int ipi_server_open_unix(ipi_server *s, const char *name);
int ipi_server_open_tcp(ipi_server *s, const char *host, int port);
/* A waiting connection as a blocking-free fd, or -1 when there is none. */
int ipi_server_accept(ipi_server *s);
void ipi_server_close(ipi_server *s);

#endif
