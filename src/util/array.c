/* Growable arrays: one doubling rule for every list the library builds. */
#include <config.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/util.h>

int pesx_array_reserve(void *ptr, size_t *cap, size_t need, size_t size, size_t first)
{
    void *old, *grown;
    size_t c = *cap ? *cap : (first ? first : 1);
    if (need <= *cap)
        return PESX_OK;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory (%zu elements)", need);
        c *= 2;
    }
    if (size && c > SIZE_MAX / size)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory (%zu elements)", need);
    /* PTR holds a `T *`; copy it out and back rather than alias it as void *. */
    memcpy(&old, ptr, sizeof old);
    if (!(grown = realloc(old, c * size)))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory (%zu elements of %zu bytes)", c,
                              size);
    memcpy(ptr, &grown, sizeof grown);
    *cap = c;
    return PESX_OK;
}
