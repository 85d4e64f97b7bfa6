/* Fuzz harness: n2p2/RuNNer input.data, as a training set
 * (src/io/dataset_n2p2.c, in Bohr and Hartree to exercise the conversion)
 * and as one structure (src/io/n2p2_structure.c). */
#include <config.h>
#include "fuzz.h"

#include <pesx/io_dataset.h>
#include <pesx/io_n2p2.h>

#include <stdlib.h>

const char fuzz_name[] = "input_data";

void fuzz_one(const char *path)
{
    pesx_dataset ds;
    pesx_dataset_init(&ds);
    int st = pesx_data_read(path, PESX_DATA_N2P2, PESX_BOHR_ANGSTROM, PESX_HARTREE_EV, &ds);
    pesx_dataset_release(&ds);
    fuzz_judge(path, st, path);

    pesx_atoms *a = NULL;
    double energy, *forces = NULL;
    st = pesx_n2p2_read_structure(path, 1.0, 1.0, &a, &energy, &forces);
    pesx_atoms_free(a);
    free(forces);
    fuzz_judge(path, st, path);
}
