/* pesx_dataset: a training set in memory, laid out for a trainer (one
 * pesx_atoms per structure, forces in one flat array by global atom). */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/io_dataset.h>
#include "io/dataset_impl.h"

void pesx_dataset_init(pesx_dataset *ds)
{
    memset(ds, 0, sizeof *ds);
}

void pesx_dataset_release(pesx_dataset *ds)
{
    if (!ds)
        return;
    for (size_t k = 0; k < ds->n; k++) {
        pesx_atoms_free(ds->atoms[k]);
        free(ds->id[k]);
    }
    free(ds->atoms);
    free(ds->energy);
    free(ds->weight);
    free(ds->id);
    free(ds->line);
    free(ds->atom_start);
    free(ds->force);
    pesx_dataset_init(ds);
}

pesx_dataset *pesx_dataset_alloc(void)
{
    pesx_dataset *ds = malloc(sizeof *ds);
    if (!ds) {
        pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    pesx_dataset_init(ds);
    return ds;
}

void pesx_dataset_free(pesx_dataset *ds)
{
    if (!ds)
        return;
    pesx_dataset_release(ds);
    free(ds);
}

static int grow(void *pp, size_t count, size_t size)
{
    void **p = pp;
    void *q = realloc(*p, count * size);
    if (!q)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory (data set)");
    *p = q;
    return PESX_OK;
}

/* Room for one more structure of N atoms. */
static int reserve(pesx_dataset *ds, size_t n)
{
    if (ds->n == ds->cap || !ds->atom_start) {
        size_t c = ds->cap ? 2 * ds->cap : 64;
        if (grow(&ds->atoms, c, sizeof *ds->atoms) || grow(&ds->energy, c, sizeof *ds->energy) ||
            grow(&ds->weight, c, sizeof *ds->weight) || grow(&ds->id, c, sizeof *ds->id) ||
            grow(&ds->line, c, sizeof *ds->line) ||
            grow(&ds->atom_start, c + 1, sizeof *ds->atom_start))
            return PESX_ENOMEM;
        ds->cap = c;
        if (ds->n == 0)
            ds->atom_start[0] = 0;
    }
    if (ds->n_atoms + n > ds->force_cap) {
        size_t c = ds->force_cap ? 2 * ds->force_cap : 1024;
        while (c < ds->n_atoms + n)
            c *= 2;
        if (grow(&ds->force, 3 * c, sizeof *ds->force))
            return PESX_ENOMEM;
        ds->force_cap = c;
    }
    return PESX_OK;
}

static int all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

static int check_entry(const pesx_dataset_entry *e)
{
    const pesx_atoms *a = e->atoms;
    const char *f = e->file;
    long l = e->line;
    if (!a || a->n == 0)
        return pesx_error_set(PESX_EINVAL, f, l, "structure without atoms");
    if (!e->forces)
        return pesx_error_set(PESX_EINVAL, f, l, "structure without forces");
    if (!isfinite(e->energy))
        return pesx_error_set(PESX_EINVAL, f, l, "the energy is not finite");
    if (!isfinite(e->weight) || e->weight < 0)
        return pesx_error_set(PESX_EINVAL, f, l, "the weight %g is not a finite number >= 0",
                              e->weight);
    for (size_t i = 0; i < a->n; i++)
        if (a->z[i] < 1 || a->z[i] > PESX_MAX_Z)
            return pesx_error_set(PESX_EINVAL, f, l, "atom %zu has unknown atomic number %d",
                                  i + 1, a->z[i]);
    if (!all_finite(a->x, 3 * a->n))
        return pesx_error_set(PESX_EINVAL, f, l, "a position is not finite");
    if (!all_finite(e->forces, 3 * a->n))
        return pesx_error_set(PESX_EINVAL, f, l, "a force is not finite");
    if (a->has_cell && !all_finite(a->cell, 9))
        return pesx_error_set(PESX_EINVAL, f, l, "the cell is not finite");
    return PESX_OK;
}

/* Add atomic number Z (N atoms of it) to the sorted element list. */
static void count_element(pesx_dataset *ds, int z, size_t n)
{
    size_t k = 0;
    while (k < ds->n_elements && ds->elements[k] < z)
        k++;
    if (k == ds->n_elements || ds->elements[k] != z) {
        memmove(ds->elements + k + 1, ds->elements + k,
                (ds->n_elements - k) * sizeof *ds->elements);
        memmove(ds->count + k + 1, ds->count + k, (ds->n_elements - k) * sizeof *ds->count);
        ds->elements[k] = z;
        ds->count[k] = 0;
        ds->n_elements++;
    }
    ds->count[k] += n;
}

int pesx_dataset_append(pesx_dataset *ds, const pesx_dataset_entry *e)
{
    int st;
    size_t n;
    char *id;
    pesx_atoms *a;
    if ((st = check_entry(e)))
        return st;
    n = e->atoms->n;
    if ((st = reserve(ds, n)))
        return st;
    a = pesx_atoms_clone(e->atoms);
    id = malloc(strlen(e->id ? e->id : "") + 1);
    if (!a || !id) {
        pesx_atoms_free(a);
        free(id);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory (data set)");
    }
    strcpy(id, e->id ? e->id : "");
    ds->atoms[ds->n] = a;
    ds->id[ds->n] = id;
    ds->energy[ds->n] = e->energy;
    ds->weight[ds->n] = e->weight;
    ds->line[ds->n] = e->line;
    memcpy(ds->force + 3 * ds->n_atoms, e->forces, 3 * n * sizeof *ds->force);
    ds->n_atoms += n;
    ds->atom_start[++ds->n] = ds->n_atoms;
    /* element counts: runs of equal Z are common, count them at once */
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && a->z[j] == a->z[i])
            j++;
        count_element(ds, a->z[i], j - i);
        i = j;
    }
    return PESX_OK;
}

void pesx_dataset_get(const pesx_dataset *ds, size_t k, pesx_dataset_entry *e)
{
    e->id = ds->id[k];
    e->atoms = ds->atoms[k];
    e->energy = ds->energy[k];
    e->forces = ds->force + 3 * ds->atom_start[k];
    e->weight = ds->weight[k];
    e->file = ds->file;
    e->line = ds->line[k];
}

int pesx_dataset_subset(pesx_dataset *dst, const pesx_dataset *src, const size_t *idx, size_t m)
{
    pesx_dataset_init(dst);
    snprintf(dst->file, sizeof dst->file, "%s", src->file);
    for (size_t k = 0; k < m; k++) {
        pesx_dataset_entry e;
        int st;
        if (idx[k] >= src->n) {
            pesx_dataset_release(dst);
            return pesx_error_set(PESX_EINVAL, NULL, 0, "subset index %zu out of range (%zu structures)",
                                  idx[k], src->n);
        }
        pesx_dataset_get(src, idx[k], &e);
        if ((st = pesx_dataset_append(dst, &e))) {
            pesx_dataset_release(dst);
            return st;
        }
    }
    return PESX_OK;
}

int pesx_dataset_grow_atoms(int **z, double **x, double **f, size_t *cap)
{
    size_t c = *cap ? 2 * *cap : 64;
    int *nz = realloc(*z, c * sizeof *nz);
    if (nz)
        *z = nz;
    double *nx = nz ? realloc(*x, 3 * c * sizeof *nx) : NULL;
    if (nx)
        *x = nx;
    double *nf = nx ? realloc(*f, 3 * c * sizeof *nf) : NULL;
    if (!nf)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    *f = nf;
    *cap = c;
    return PESX_OK;
}
