/* io private: SHA-256 (FIPS 180-4), for the data-set checksum. */
#ifndef PESX_IO_SHA256_IMPL_H
#define PESX_IO_SHA256_IMPL_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t fill;
} io_sha256;

void io_sha256_init(io_sha256 *s);
void io_sha256_add(io_sha256 *s, const void *data, size_t n);
/* The digest as 64 lowercase hex digits and a NUL into HEX. */
void io_sha256_hex(io_sha256 *s, char hex[65]);

#endif
