/* pesx io: files in and out.  Layer 2: uses structure (and util); the only
 * module that includes libxml2.  This header covers (extended) XYZ; other
 * formats have their own headers named io_*.h. */
#ifndef PESX_IO_H
#define PESX_IO_H

#include <stddef.h>
#include <stdio.h>
#include <pesx/structure.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PESX_FRAME_MAX_EXTRA 8
/* Largest atom count the XYZ reader accepts in one frame. */
#define PESX_XYZ_MAX_ATOMS 100000000L

/* One frame of an (extended) XYZ file: a structure plus what the file said
 * about it.  Any per-atom numeric column the reader does not interpret
 * (R or I, e.g. "mode:R:3", "energies:R:1") is kept in extra[] so a caller
 * can use it; writing a frame writes its extra columns back.  Logical (L)
 * columns other than move_mask are kept too, as 0/1.
 *
 * Reading: a frame without Lattice is non-periodic (has_cell = 0, pbc all
 * 0); Lattice without pbc means pbc T T T, as in ASE.  Atoms are frozen by a
 * move_mask:L:1 column (F = frozen, ASE's FixAtoms), move_mask:L:3 with all
 * three F, or fixed:I:1 / fixed:L:1 (1/T = frozen).  A plain-XYZ comment
 * line (no key=value pair in it) is kept in info as comment="...".  The
 * periodic lattice vectors must be independent (pesx_atoms_frame); an open
 * direction's vector may be zero.  man pesx-xyz(5) has the whole format. */
typedef struct {
    pesx_atoms *atoms;
    int has_energy;
    double energy;          /* eV */
    double *forces;         /* 3n, eV/Angstrom, when has_forces */
    int has_forces;
    char *info;             /* other key=value pairs of the comment line, as written
                             * ("" if none); an entry that only parses at the end of
                             * a line (trailing backslash, "key=") is re-quoted */
    size_t n_extra;
    char *extra_name[PESX_FRAME_MAX_EXTRA];
    int extra_cols[PESX_FRAME_MAX_EXTRA];
    double *extra[PESX_FRAME_MAX_EXTRA]; /* n * extra_cols values, atom-major */
    char extra_type[PESX_FRAME_MAX_EXTRA]; /* 'R', 'I' or 'L' as in the file (written back so) */
    long line;              /* line of the frame's atom-count line in its file (1-based) */
} pesx_frame;

void pesx_frame_init(pesx_frame *f);
void pesx_frame_release(pesx_frame *f);
/* Copy of SRC into a released or freshly initialised DST. */
int pesx_frame_copy(pesx_frame *dst, const pesx_frame *src);
/* Add (or replace) an extra per-atom column of NCOLS reals; VALUES is copied. */
int pesx_frame_set_extra(pesx_frame *f, const char *name, int ncols, const double *values);
/* The extra column NAME, or NULL (sets *ncols when found). */
const double *pesx_frame_get_extra(const pesx_frame *f, const char *name, int *ncols);
/* Add "key=value" to info (value quoted when it has spaces; VALUE NULL adds
 * a bare key), replacing an earlier entry of that key.  PESX_EINVAL for the
 * keys the writer produces itself (Lattice, Properties, pbc, energy). */
int pesx_frame_add_info(pesx_frame *f, const char *key, const char *value);
/* Value of KEY in info, unquoted, into BUF (a bare key reads as "T", as in
 * ASE): 1 when found, 0 when absent. */
int pesx_frame_get_info(const pesx_frame *f, const char *key, char *buf, size_t size);

/* Streaming reader over a file of one or more frames. */
typedef struct pesx_xyz_reader pesx_xyz_reader;

pesx_xyz_reader *pesx_xyz_open(const char *path); /* NULL with the error set */
/* Read from an open stream (not closed by pesx_xyz_close); NAME is used in
 * error messages ("<stdin>"). */
pesx_xyz_reader *pesx_xyz_open_fp(FILE *fp, const char *name);
/* Read the next frame into F (released and refilled).  *got = 1 when a frame
 * was read, 0 at a clean end of file.  Errors name the file and line. */
int pesx_xyz_next(pesx_xyz_reader *r, pesx_frame *f, int *got);
void pesx_xyz_close(pesx_xyz_reader *r);

/* Every frame of PATH; PESX_EINVAL for an empty file. */
int pesx_xyz_read_all(const char *path, pesx_frame **frames, size_t *n);
void pesx_frames_free(pesx_frame *frames, size_t n);
/* Frame INDEX of PATH (negative counts from the end: -1 = last). */
int pesx_xyz_read_frame(const char *path, long index, pesx_frame *f);

/* Write one frame as extended XYZ (Lattice, pbc, Properties with species,
 * pos, forces, move_mask, extra columns; energy and info on the comment
 * line); numbers with enough digits for an exact round trip.  PESX_EINVAL,
 * before writing anything, for a frame the reader would refuse (non-finite
 * numbers, unknown Z, a periodic direction without an independent lattice
 * vector, info that is not key=value text or repeats a reserved key). */
int pesx_xyz_write(FILE *fp, const pesx_frame *f);
/* Write frames to PATH atomically (temp file + rename); every frame is
 * checked first, so a refused frame leaves PATH untouched. */
int pesx_xyz_write_file(const char *path, const pesx_frame *frames, size_t n);

/* A mode for N_ATOMS atoms from PATH into MODE (3 * N_ATOMS): either 3N
 * numbers (whitespace or commas, '#' starts a comment) or an extended XYZ
 * frame of N_ATOMS atoms with a 3-column "mode" column (or exactly one
 * 3-column extra column).  Errors name the file and line. */
int pesx_mode_read(const char *path, size_t n_atoms, double *mode);

/* ---- XML text ---------------------------------------------------------- */

/* TEXT as XML character data, safe inside double- or single-quoted attribute
 * values: & < > " ' escaped; tab, newline and carriage return as character
 * references (so attribute values read back unchanged); other control
 * characters, which XML 1.0 cannot hold, as blanks. */
void pesx_xml_put_escaped(FILE *fp, const char *text);

#ifdef __cplusplus
}
#endif
#endif
