/* Energy and forces of one (extended) XYZ structure with any pesx potential,
 * through the installed libpesx:
 *
 *     cc energy.c -o energy $(pkg-config --cflags --libs pesx)
 *     ./energy agcu100 ../agcu100/reactant.xyz
 *
 * Reads the comment line's Lattice="..." and pbc="..." (ASE's extended XYZ)
 * and the first four columns (element, x, y, z) of every atom. */
#include <pesx/api.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    char line[4096], sym[8], *p;
    double cell[9] = {0}, energy, *x, *f, fmax2 = 0;
    int pbc[3] = {0, 0, 0}, *z, has_cell = 0, status;
    size_t n;
    FILE *in;
    pesx_api_model *m;

    if (argc != 3) {
        fprintf(stderr, "usage: %s POTENTIAL FILE.xyz\n", argv[0]);
        return 2;
    }
    if (!(in = fopen(argv[2], "r")) || !fgets(line, sizeof line, in) || sscanf(line, "%zu", &n) != 1 ||
        !fgets(line, sizeof line, in)) {
        fprintf(stderr, "%s: not an XYZ file\n", argv[2]);
        return 2;
    }
    if ((p = strstr(line, "Lattice=\"")))
        has_cell = sscanf(p + 9, "%lf %lf %lf %lf %lf %lf %lf %lf %lf", cell, cell + 1, cell + 2,
                          cell + 3, cell + 4, cell + 5, cell + 6, cell + 7, cell + 8) == 9;
    if ((p = strstr(line, "pbc=\"")))
        for (int k = 0, i = 5; k < 3 && p[i]; i++)
            if (p[i] == 'T' || p[i] == 'F')
                pbc[k++] = p[i] == 'T';
    z = malloc(n * sizeof *z), x = malloc(3 * n * sizeof *x), f = malloc(3 * n * sizeof *f);
    for (size_t i = 0; i < n; i++)
        if (!fgets(line, sizeof line, in) ||
            sscanf(line, "%7s %lf %lf %lf", sym, x + 3 * i, x + 3 * i + 1, x + 3 * i + 2) != 4 ||
            !(z[i] = pesx_api_element_z(sym))) {
            fprintf(stderr, "%s: atom %zu: expected an element and three coordinates\n", argv[2], i);
            return 2;
        }
    fclose(in);

    if (!(m = pesx_api_open(argv[1]))) {
        fprintf(stderr, "%s\n", pesx_api_error());
        return 2;
    }
    status = pesx_api_eval(m, n, z, x, has_cell ? cell : NULL, pbc, &energy, f, NULL, NULL, NULL,
                           NULL, NULL);
    if (status) {
        fprintf(stderr, "%s\n", pesx_api_error());
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        double f2 = f[3 * i] * f[3 * i] + f[3 * i + 1] * f[3 * i + 1] + f[3 * i + 2] * f[3 * i + 2];
        fmax2 = f2 > fmax2 ? f2 : fmax2;
    }
    printf("energy %.17g eV\nfmax^2 %.17g (eV/A)^2\n", energy, fmax2);
    pesx_api_close(m);
    free(z), free(x), free(f);
    return 0;
}
