/* Private helpers of the n2p2 readers. */
#ifndef PESX_IO_N2P2_IMPL_H
#define PESX_IO_N2P2_IMPL_H

#include <stddef.h>

#define N2P2_MAX_TOK 64

/* One line split into blank-separated tokens after removing comments
 * ('#' or '!'); tok points into buf. */
typedef struct {
    char buf[4096];
    char *tok[N2P2_MAX_TOK];
    int n;
} n2p2_line;

/* Split LINE (copied) into tokens; returns the token count, -1 when the
 * line has more than N2P2_MAX_TOK tokens. */
int n2p2_split(n2p2_line *l, const char *line);
/* A number in C or Fortran ("1.0D-3") notation; 0 on success. */
int n2p2_number(const char *s, double *out);

#endif
