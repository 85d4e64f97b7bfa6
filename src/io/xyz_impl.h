/* Private helpers of the (extended) XYZ reader and writer. */
#ifndef PESX_IO_XYZ_IMPL_H
#define PESX_IO_XYZ_IMPL_H

#include <stddef.h>
#include <pesx/io.h>

/* One entry of an extended-XYZ comment line: key=value or a bare key.  KEY
 * and VALUE are unquoted and unescaped (VALUE is NULL for a bare key); the
 * raw spans index the line as written, so the entry can be kept verbatim. */
typedef struct {
    char *key;
    char *value;
    size_t key_start, key_end; /* raw span of the key   */
    size_t val_start, val_end; /* raw span of the value (empty for a bare key) */
} xyz_kv;

typedef struct {
    size_t n, cap;
    xyz_kv *kv;
} xyz_kvlist;

enum { XYZ_TOK_OK = 0, XYZ_TOK_UNTERMINATED = -1, XYZ_TOK_NOKEY = -2, XYZ_TOK_NOMEM = -3 };

/* Split LINE into entries the way ASE does: whitespace separates entries,
 * "key=value" (spaces around '=' allowed), values quoted with "", '', {} or
 * [], backslash escapes the next character.  On failure the list is empty
 * and the return value says why (an unterminated quote, an empty key). */
int xyz_tokenize_comment(const char *line, xyz_kvlist *out);
void xyz_kvlist_release(xyz_kvlist *l);
/* The entries of L (those with KEEP[i] set, or all when KEEP is NULL),
 * parsed from TEXT, joined by single spaces: each as written in TEXT, or
 * re-quoted when its text would change meaning followed by more entries.
 * Malloc'd; NULL when out of memory. */
char *xyz_kvlist_join(const char *text, const xyz_kvlist *l, const unsigned char *keep);
/* Index of the last entry whose key equals KEY (case-insensitive when NOCASE), or -1. */
long xyz_kvlist_find(const xyz_kvlist *l, const char *key, int nocase);

/* 1 when NAME can name a column (ALLOW_COLON 0) or an info key: printable
 * ASCII without spaces, quotes, brackets, '=', ',' or backslash. */
int xyz_valid_name(const char *name, int allow_colon);

/* 1 for the keys the reader interprets and the writer produces itself. */
int xyz_reserved_key(const char *key);

/* Quote VALUE for a comment line when it needs it (spaces, quotes,
 * brackets, '=' or backslashes); returns a malloc'd string or NULL. */
char *xyz_quote_value(const char *value);

/* Shortest "%.{15,16,17}g" text that reads back to exactly V, with ".0"
 * appended to integral values so other readers see a real number.  BUF
 * must hold 32 characters. */
void xyz_format_double(char *buf, double v);

/* A short printable rendering of TEXT for error messages (at most ~40
 * characters, control bytes shown as '?'). */
const char *xyz_show(const char *text, char *buf, size_t size);

/* What a Properties column group is read as. */
enum { ROLE_SKIP, ROLE_SPECIES, ROLE_POS, ROLE_Z, ROLE_FORCES, ROLE_MOVE_MASK, ROLE_FIXED, ROLE_EXTRA };

#define XYZ_MAX_PROPS 64
#define XYZ_MAX_PROP_COLS 1024
#define XYZ_MAX_TOTAL_COLS 4096

typedef struct {
    const char *name;
    char type;  /* R I S L */
    int ncols;
    int role;
    int slot;   /* extra slot for ROLE_EXTRA */
} xyz_prop;

/* What the comment line said. */
typedef struct {
    int extended;          /* a Properties entry was given */
    int has_lattice;
    double cell[9];
    int pbc[3];
    int has_energy;
    double energy;
    char *props_text;      /* copy of the Properties value; prop names point into it */
    size_t nprops;
    xyz_prop prop[XYZ_MAX_PROPS];
    int total_cols;
    int n_extra;
    char *info;
} xyz_header;

/* Parse the comment line TEXT (line LINE of FILE, for errors) into H;
 * PESX_EINVAL with the error set for a malformed one.  H is always to be
 * released, also after an error. */
int xyz_parse_comment(const char *file, long line, const char *text, xyz_header *h);
void xyz_header_release(xyz_header *h);
/* T/True/true/TRUE/1 or F/False/false/FALSE/0. */
int xyz_parse_bool(const char *s, int *out);

#endif
