/* pesx_atoms: allocation, resizing and copying of a structure. */
#include <config.h>
#include <pesx/structure.h>

#include <stdlib.h>
#include <string.h>

/* Arrays always hold at least one element, so they are never NULL and
 * memcpy/memset on them is valid even for n = 0. */
static size_t at_least_one(size_t n)
{
    return n ? n : 1;
}

pesx_atoms *pesx_atoms_alloc(size_t n)
{
    pesx_atoms *a;
    size_t m = at_least_one(n);
    if (n > ((size_t)-1) / (3 * sizeof(double))) {
        pesx_error_set(PESX_ENOMEM, NULL, 0, "cannot allocate %zu atoms", n);
        return NULL;
    }
    a = calloc(1, sizeof *a);
    if (!a)
        goto fail;
    a->z = calloc(m, sizeof *a->z);
    a->x = calloc(3 * m, sizeof *a->x);
    a->fixed = calloc(m, sizeof *a->fixed);
    if (!a->z || !a->x || !a->fixed)
        goto fail;
    a->n = n;
    return a;
fail:
    pesx_atoms_free(a);
    pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory allocating %zu atoms", n);
    return NULL;
}

void pesx_atoms_free(pesx_atoms *a)
{
    if (!a)
        return;
    free(a->z);
    free(a->x);
    free(a->fixed);
    free(a);
}

int pesx_atoms_resize(pesx_atoms *a, size_t n)
{
    size_t m = at_least_one(n), old = a->n;
    void *p;
    if (n > ((size_t)-1) / (3 * sizeof(double)))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "cannot allocate %zu atoms", n);
    /* Each realloc either succeeds (the array is then at least as long as
     * both sizes need) or leaves the old array: a failure part-way leaves
     * a valid structure of the old size. */
    if (!(p = realloc(a->z, m * sizeof *a->z)))
        goto fail;
    a->z = p;
    if (!(p = realloc(a->x, 3 * m * sizeof *a->x)))
        goto fail;
    a->x = p;
    if (!(p = realloc(a->fixed, m * sizeof *a->fixed)))
        goto fail;
    a->fixed = p;
    if (n > old) {
        memset(a->z + old, 0, (n - old) * sizeof *a->z);
        memset(a->x + 3 * old, 0, 3 * (n - old) * sizeof *a->x);
        memset(a->fixed + old, 0, (n - old) * sizeof *a->fixed);
    }
    a->n = n;
    return PESX_OK;
fail:
    return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory resizing to %zu atoms", n);
}

int pesx_atoms_copy(pesx_atoms *dst, const pesx_atoms *src)
{
    int status;
    if (dst == src)
        return PESX_OK;
    if (dst->n != src->n && (status = pesx_atoms_resize(dst, src->n)))
        return status;
    memcpy(dst->z, src->z, src->n * sizeof *src->z);
    memcpy(dst->x, src->x, 3 * src->n * sizeof *src->x);
    memcpy(dst->fixed, src->fixed, src->n * sizeof *src->fixed);
    memcpy(dst->cell, src->cell, sizeof dst->cell);
    memcpy(dst->pbc, src->pbc, sizeof dst->pbc);
    dst->has_cell = src->has_cell;
    return PESX_OK;
}

pesx_atoms *pesx_atoms_clone(const pesx_atoms *a)
{
    pesx_atoms *c = pesx_atoms_alloc(a->n);
    if (c && pesx_atoms_copy(c, a)) {
        pesx_atoms_free(c);
        return NULL;
    }
    return c;
}

size_t pesx_atoms_n_free(const pesx_atoms *a)
{
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++)
        k += !a->fixed[i];
    return k;
}

int pesx_atoms_any_pbc(const pesx_atoms *a)
{
    return a->pbc[0] || a->pbc[1] || a->pbc[2];
}
