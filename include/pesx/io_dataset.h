/* pesx io: training data sets (data.xml, man pesx-data(5)) and their
 * conversion from and to extended XYZ and n2p2 input.data.  Layer 2:
 * plain data only (pesx_atoms and numbers).
 *
 * data.xml:
 *
 *     <dataset units="eV Angstrom">            (or "Hartree Bohr", ...)
 *       <structure id="md-0042" weight="1">     (id, weight optional)
 *         <cell>ax ay az bx by bz cx cy cz</cell>  (optional)
 *         <pbc>T T F</pbc>                      (optional; cell without
 *                                                pbc = T T T)
 *         <atom element="Al" x="" y="" z="" fx="" fy="" fz=""/>
 *         <energy>-123.456</energy>
 *       </structure>
 *     </dataset>
 *
 * It is read with libxml2's streaming reader: one structure at a time is
 * in memory besides what the caller keeps.  Units (energy "eV" or
 * "Hartree", length "Angstrom" or "Bohr") are converted on reading, so
 * everything here is eV, Angstrom and eV/Angstrom.  Every structure must
 * have an energy and, on every atom, a position and a force (a structure
 * without reference forces is an error: convert tools must supply them).
 *
 * Errors (PESX_EINVAL, with the file and line of the offending element):
 * malformed XML, wrong root, missing or unknown units, unknown element or
 * attribute names, unknown chemical element, missing or duplicated
 * energy, missing, non-numeric or non-finite coordinates, forces, cell
 * numbers or weight (weight must be >= 0), a bad pbc string, a structure
 * without atoms, a periodic direction without a cell, and an empty set. */
#ifndef PESX_IO_DATASET_H
#define PESX_IO_DATASET_H

#include <stddef.h>
#include <pesx/structure.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- one structure, as the streaming reader hands it out --------------- */

typedef struct {
    const char *id;           /* "" when the file gave none               */
    const pesx_atoms *atoms;  /* Angstrom; cell/pbc as in pesx_atoms      */
    double energy;            /* eV, total                                */
    const double *forces;     /* 3n, eV/Angstrom, atom-major              */
    double weight;            /* >= 0, default 1                          */
    const char *file;         /* the file it came from                    */
    long line;                /* line of its opening element in that file */
} pesx_dataset_entry;

/* Called once per structure, in file order; INDEX counts from 0.  Return
 * PESX_OK to go on, anything else stops the reader, which returns that
 * status (set the error yourself).  The entry's pointers are valid only
 * during the call. */
typedef int (*pesx_dataset_callback)(const pesx_dataset_entry *entry, size_t index,
                                     void *ctx);

/* ---- a whole data set in memory, laid out for a trainer ----------------
 * Structure k has atoms[k] (its own pesx_atoms), energy[k], weight[k],
 * id[k], line[k].  Atoms of all structures are also numbered globally:
 * structure k owns global atoms atom_start[k] .. atom_start[k+1]-1, and its
 * forces are force[3 * atom_start[k] .. 3 * atom_start[k+1] - 1] (one flat
 * array, so per-atom quantities of a trainer can be flat too).
 * elements[0 .. n_elements-1] lists the atomic numbers present, ascending,
 * and count[e] how many atoms of elements[e] the set holds. */
typedef struct {
    size_t n;                 /* structures                               */
    pesx_atoms **atoms;       /* n                                        */
    double *energy;           /* n, eV                                    */
    double *weight;           /* n                                        */
    char **id;                /* n strings (never NULL; "" when none)     */
    long *line;               /* n, line of <structure> (or frame) in file */
    size_t *atom_start;       /* n + 1                                    */
    double *force;            /* 3 * atom_start[n], eV/Angstrom           */
    size_t n_atoms;           /* atom_start[n]                            */
    size_t n_elements;
    int elements[PESX_MAX_Z]; /* ascending atomic numbers                 */
    size_t count[PESX_MAX_Z]; /* atoms per element                        */
    char file[512];           /* where it was read from ("" if built)    */
    size_t cap, force_cap;    /* private: allocated structures, atoms     */
} pesx_dataset;

void pesx_dataset_init(pesx_dataset *ds);
void pesx_dataset_release(pesx_dataset *ds);
pesx_dataset *pesx_dataset_alloc(void);
void pesx_dataset_free(pesx_dataset *ds); /* NULL is a no-op */

/* Append a copy of E (atoms, forces and id copied).  PESX_EINVAL for a
 * non-finite energy, force or position, a negative or non-finite weight,
 * or an atom of unknown element (z outside 1..PESX_MAX_Z). */
int pesx_dataset_append(pesx_dataset *ds, const pesx_dataset_entry *e);
/* The entry view of structure K (pointers into DS). */
void pesx_dataset_get(const pesx_dataset *ds, size_t k, pesx_dataset_entry *e);
/* A new data set of the structures IDX[0..m-1] of SRC (copies), for
 * splits; DST must be released or freshly initialised. */
int pesx_dataset_subset(pesx_dataset *dst, const pesx_dataset *src, const size_t *idx,
                        size_t m);

/* "sha256:" and 64 hex digits into BUF (at least 72 bytes): the SHA-256 of
 * the numbers of DS in a canonical order, independent of the file format
 * and of the ids, so the same data read from data.xml, extended XYZ or
 * input.data have one checksum (potential.xml's data_checksum).  The bytes
 * hashed are little-endian IEEE doubles: for every structure n, then for
 * every atom Z, x, y, z, fx, fy, fz, then the energy, the weight,
 * has_cell (0/1), the cell (9, zeros without one) and pbc (3, 0/1). */
void pesx_dataset_checksum(const pesx_dataset *ds, char *buf, size_t size);

/* ---- data.xml ----------------------------------------------------------- */

/* 1 when PATH is an XML file whose root element is <dataset> (a data.xml),
 * 0 otherwise (not readable, not XML, another root). */
int pesx_dataset_is_xml(const char *path);

/* Stream the structures of PATH through CB.  *COUNT (may be NULL) gets the
 * number of structures delivered.  PESX_EINVAL for an empty set. */
int pesx_dataset_read_stream(const char *path, pesx_dataset_callback cb, void *ctx,
                             size_t *count);
/* Every structure of PATH into a released or freshly initialised DS
 * (released again on error). */
int pesx_dataset_read(const char *path, pesx_dataset *ds);

/* Incremental data.xml writer (units eV Angstrom, numbers %.17g so a
 * write/read round trip is exact), writing to PATH atomically: nothing
 * appears at PATH unless close succeeds; abort drops it. */
typedef struct pesx_dataset_writer pesx_dataset_writer;
pesx_dataset_writer *pesx_dataset_writer_open(const char *path); /* NULL + error */
int pesx_dataset_writer_add(pesx_dataset_writer *w, const pesx_dataset_entry *e);
/* Commit; PESX_EINVAL (and nothing written) when no structure was added. */
int pesx_dataset_writer_close(pesx_dataset_writer *w);
void pesx_dataset_writer_abort(pesx_dataset_writer *w); /* NULL is a no-op */
/* The whole set, atomically. */
int pesx_dataset_write(const char *path, const pesx_dataset *ds);

/* ---- other formats ------------------------------------------------------ */

/* Formats pesx convert knows for data sets. */
typedef enum {
    PESX_DATA_UNKNOWN = 0,
    PESX_DATA_XML,   /* data.xml                                           */
    PESX_DATA_XYZ,   /* extended XYZ (ASE: energy= on the comment line, a
                        forces column; id= and weight= kept if present)    */
    PESX_DATA_N2P2   /* n2p2/RuNNer input.data (comment line holds the id) */
} pesx_data_format;

/* From a name ("xml", "data.xml", "xyz", "extxyz", "n2p2", "input.data",
 * "runner"), case-insensitive; PESX_DATA_UNKNOWN when unknown. */
pesx_data_format pesx_data_format_lookup(const char *name);
/* From a file name: *.xml, *.xyz / *.extxyz, input.data / *.data. */
pesx_data_format pesx_data_format_guess(const char *path);
const char *pesx_data_format_name(pesx_data_format f);

/* Stream PATH of format FMT through CB (as pesx_dataset_read_stream).
 * For n2p2 input.data, LENGTH_UNIT and ENERGY_UNIT (Angstrom and eV per
 * file unit; 1, 1 for files in Angstrom and eV) convert the file; the
 * other formats ignore them (data.xml declares its units; extended XYZ is
 * eV and Angstrom).  XYZ frames without energy or forces are errors. */
int pesx_data_read_stream(const char *path, pesx_data_format fmt, double length_unit,
                          double energy_unit, pesx_dataset_callback cb, void *ctx,
                          size_t *count);
/* Everything into DS. */
int pesx_data_read(const char *path, pesx_data_format fmt, double length_unit,
                   double energy_unit, pesx_dataset *ds);

/* Incremental writer for any format (atomic; numbers exact with %.17g or
 * the XYZ writer's exact text).  n2p2 output is written in file units:
 * values divided by LENGTH_UNIT / ENERGY_UNIT (1, 1: Angstrom and eV). */
typedef struct pesx_data_writer pesx_data_writer;
pesx_data_writer *pesx_data_writer_open(const char *path, pesx_data_format fmt,
                                        double length_unit, double energy_unit);
int pesx_data_writer_add(pesx_data_writer *w, const pesx_dataset_entry *e);
int pesx_data_writer_close(pesx_data_writer *w);
void pesx_data_writer_abort(pesx_data_writer *w);

#ifdef __cplusplus
}
#endif
#endif
