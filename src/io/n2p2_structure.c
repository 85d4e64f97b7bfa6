/* The first structure of an n2p2 input.data file (SPEC.md 1.7). */
#include <config.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/io_n2p2.h>
#include "io/n2p2_impl.h"

int pesx_n2p2_read_structure(const char *path, double length_unit, double energy_unit,
                             pesx_atoms **out, double *energy, double **forces)
{
    FILE *fp = fopen(path, "r");
    char buf[4096];
    n2p2_line l;
    long ln = 0;
    int st = PESX_OK, in = 0, done = 0, nlat = 0;
    size_t n = 0, cap = 0;
    double *x = NULL, *f = NULL, lat[9] = {0}, e = 0.0;
    int *z = NULL;
    *out = NULL;
    if (forces)
        *forces = NULL;
    if (!fp)
        return pesx_error_set(PESX_EIO, path, 0, "cannot open: %s", strerror(errno));
    while (!done && fgets(buf, sizeof buf, fp)) {
        ln++;
        if (n2p2_split(&l, buf) <= 0)
            continue;
        if (!in) {
            if (strcmp(l.tok[0], "begin") != 0) {
                st = pesx_error_set(PESX_EINVAL, path, ln, "expected 'begin', got '%s'", l.tok[0]);
                break;
            }
            in = 1;
            continue;
        }
        if (strcmp(l.tok[0], "comment") == 0 || strcmp(l.tok[0], "charge") == 0)
            continue;
        if (strcmp(l.tok[0], "end") == 0) {
            done = 1;
        } else if (strcmp(l.tok[0], "energy") == 0) {
            if (l.n != 2 || n2p2_number(l.tok[1], &e))
                st = pesx_error_set(PESX_EINVAL, path, ln, "expected 'energy <number>'");
        } else if (strcmp(l.tok[0], "lattice") == 0) {
            if (nlat == 3 || l.n != 4) {
                st = pesx_error_set(PESX_EINVAL, path, ln,
                                    nlat == 3 ? "more than three lattice lines"
                                              : "expected 'lattice x y z'");
                break;
            }
            for (int k = 0; k < 3 && !st; k++)
                if (n2p2_number(l.tok[1 + k], &lat[3 * nlat + k]))
                    st = pesx_error_set(PESX_EINVAL, path, ln, "'%s' is not a finite number",
                                        l.tok[1 + k]);
            nlat++;
        } else if (strcmp(l.tok[0], "atom") == 0) {
            int zz;
            if (l.n != 10) {
                st = pesx_error_set(PESX_EINVAL, path, ln,
                                    "expected 'atom x y z element charge n fx fy fz' (%d fields)",
                                    l.n);
                break;
            }
            if ((zz = pesx_element_z(l.tok[4])) <= 0) {
                st = pesx_error_set(PESX_EINVAL, path, ln, "unknown element '%s'", l.tok[4]);
                break;
            }
            if (n == cap) {
                size_t c = cap ? 2 * cap : 256;
                double *nx = realloc(x, 3 * c * sizeof *nx), *nf;
                int *nz;
                if (nx)
                    x = nx;
                nf = nx ? realloc(f, 3 * c * sizeof *nf) : NULL;
                if (nf)
                    f = nf;
                nz = nf ? realloc(z, c * sizeof *nz) : NULL;
                if (!nz) {
                    st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
                    break;
                }
                z = nz;
                cap = c;
            }
            for (int k = 0; k < 3 && !st; k++)
                if (n2p2_number(l.tok[1 + k], &x[3 * n + k]) ||
                    n2p2_number(l.tok[7 + k], &f[3 * n + k]))
                    st = pesx_error_set(PESX_EINVAL, path, ln, "non-numeric coordinate or force");
            z[n++] = zz;
        } else {
            st = pesx_error_set(PESX_EINVAL, path, ln, "unknown line '%s'", l.tok[0]);
        }
        if (st)
            break;
    }
    if (!st && !done)
        st = pesx_error_set(PESX_EINVAL, path, ln, in ? "structure without 'end'" : "no structure");
    if (!st && nlat != 0 && nlat != 3)
        st = pesx_error_set(PESX_EINVAL, path, ln, "need zero or three lattice lines (got %d)", nlat);
    if (!st && n == 0)
        st = pesx_error_set(PESX_EINVAL, path, ln, "structure without atoms");
    if (!st) {
        pesx_atoms *a = pesx_atoms_alloc(n);
        if (!a) {
            st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        } else {
            for (size_t i = 0; i < 3 * n; i++)
                a->x[i] = x[i] * length_unit;
            memcpy(a->z, z, n * sizeof *z);
            if (nlat == 3) {
                for (int k = 0; k < 9; k++)
                    a->cell[k] = lat[k] * length_unit;
                a->pbc[0] = a->pbc[1] = a->pbc[2] = 1;
                a->has_cell = 1;
            }
            *out = a;
            if (energy)
                *energy = e * energy_unit;
            if (forces) {
                for (size_t i = 0; i < 3 * n; i++)
                    f[i] *= energy_unit / length_unit;
                *forces = f;
                f = NULL;
            }
        }
    }
    free(x);
    free(f);
    free(z);
    fclose(fp);
    return st;
}
