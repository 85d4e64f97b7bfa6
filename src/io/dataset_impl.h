/* io private: data-set readers and writers of the formats other than
 * data.xml, behind pesx_data_read_stream / pesx_data_writer. */
#ifndef PESX_IO_DATASET_IMPL_H
#define PESX_IO_DATASET_IMPL_H

#include <stdio.h>
#include <pesx/io_dataset.h>

/* Stream the structures of an extended XYZ file. */
int pesx_dataset_xyz_stream(const char *path, pesx_dataset_callback cb, void *ctx,
                            size_t *count);
/* Stream the structures of an n2p2 input.data file (values times the units). */
int pesx_dataset_n2p2_stream(const char *path, double length_unit, double energy_unit,
                             pesx_dataset_callback cb, void *ctx, size_t *count);
/* Write one structure to FP in n2p2 input.data form (values divided by
 * the units); PATH names the output in errors. */
int pesx_dataset_n2p2_write(FILE *fp, const char *path, const pesx_dataset_entry *e,
                            double length_unit, double energy_unit);
/* Write one structure as extended XYZ. */
int pesx_dataset_xyz_write(FILE *fp, const pesx_dataset_entry *e);

/* Percent-escaping of blanks, '%', '"' and control bytes (ids in
 * n2p2 comment lines); OUT must hold 3 strlen(IN) + 1 bytes. */
void pesx_dataset_escape(const char *in, char *out);
/* Undo it in place; -1 for a malformed escape. */
int pesx_dataset_unescape(char *s);

/* Double the capacity *CAP (at least 64) of the atom arrays that readers
 * fill line by line: Z (1 per atom), positions and forces (3 per atom). */
int pesx_dataset_grow_atoms(int **z, double **x, double **f, size_t *cap);

#endif
