/* pesx util: status codes with context, logging, progress, units, elements,
 * atomic output files and small parsing helpers.  Layer 0: libc only. */
#ifndef PESX_UTIL_H
#define PESX_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status codes ------------------------------------------------------ */

enum {
    PESX_OK = 0,
    PESX_EINVAL = 1,      /* bad input: malformed file, bad parameter      */
    PESX_ENOMEM = 2,      /* allocation failed                             */
    PESX_EIO = 3,         /* cannot open, read or write a file             */
    PESX_ENOCONV = 4,     /* iteration limit reached without convergence  */
    PESX_EFAILED = 5,     /* the computation failed (NaN, GSL error, ...)  */
    PESX_EUNSUPPORTED = 6,/* valid input that this build cannot handle     */
    PESX_EWRITE = 7       /* an output cannot be written (disk full, ...)  */
};

/* The last error of the calling thread: a code, where it happened (the
 * input file and line, when the error is about input) and what was wrong. */
typedef struct {
    int code;
    char file[512]; /* input file the error is about, or ""  */
    long line;      /* 1-based line in that file, or 0        */
    char msg[1024];
} pesx_error;

/* Record an error for the calling thread and return CODE, so library code
 * writes `return pesx_error_set(PESX_EINVAL, path, line, "...", ...);`. */
int pesx_error_set(int code, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with a va_list, for readers' own "fail(reader, line, ...)". */
int pesx_error_setv(int code, const char *file, long line, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
/* Prefix the current message with more context ("reading band: ..."). */
int pesx_error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const pesx_error *pesx_error_last(void);
void pesx_error_clear(void);
const char *pesx_strstatus(int code);
/* "FILE:LINE: msg", "FILE: msg" or "msg" into buf. */
void pesx_error_format(const pesx_error *e, char *buf, size_t size);

/* Errors of a parallel loop: the error context is per thread, so the loop
 * keeps the first error any thread raised and raises it again on the
 * calling thread afterwards (file and line included). */
typedef struct {
    int status; /* PESX_OK until an error is kept */
    pesx_error first;
} pesx_error_first;

void pesx_error_first_init(pesx_error_first *f);
/* Keep STATUS (non-zero) with the calling thread's error, unless one is
 * kept already.  Safe to call from several OpenMP threads at once. */
void pesx_error_first_keep(pesx_error_first *f, int status);
/* After the loop: PESX_OK, or the kept error set on the calling thread
 * and its code returned. */
int pesx_error_first_raise(const pesx_error_first *f);

/* ---- logging ----------------------------------------------------------- */

enum { PESX_LOG_QUIET = 0, PESX_LOG_WARN = 1, PESX_LOG_INFO = 2, PESX_LOG_DEBUG = 3 };

void pesx_log_set_level(int level);
int pesx_log_level(void);
/* All log output goes to one stream (default stderr). */
void pesx_log_set_stream(FILE *stream);
FILE *pesx_log_stream(void);
/* Warnings read "PREFIX: warning: ..." ("pesx opt"); NULL (the default):
 * "warning: ...".  PREFIX must outlive the logging. */
void pesx_log_set_prefix(const char *prefix);
void pesx_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define pesx_warn(...) pesx_log(PESX_LOG_WARN, __VA_ARGS__)
#define pesx_info(...) pesx_log(PESX_LOG_INFO, __VA_ARGS__)
#define pesx_debug(...) pesx_log(PESX_LOG_DEBUG, __VA_ARGS__)

/* ---- progress bar: drawn only when the log stream is a terminal -------- */

typedef struct {
    const char *label;
    size_t total;
    size_t done;
    double t_start;
    double t_last_draw;
    int active;
} pesx_progress;

void pesx_progress_start(pesx_progress *p, const char *label, size_t total);
void pesx_progress_update(pesx_progress *p, size_t done);
void pesx_progress_finish(pesx_progress *p);

/* Monotonic wall-clock seconds. */
double pesx_wall_time(void);

/* ---- units (CODATA 2018), defined once here ----------------------------- */

#define PESX_HARTREE_EV 27.211386245988
#define PESX_BOHR_ANGSTROM 0.529177210903
#define PESX_KB_EV 8.617333262e-5            /* eV/K */
#define PESX_AMU_KG 1.66053906660e-27
#define PESX_EV_J 1.602176634e-19
#define PESX_C_CM_S 2.99792458e10            /* speed of light, cm/s */
#define PESX_HBAR_EVS 6.582119569e-16        /* eV s */
#define PESX_H_EVS 4.135667696e-15           /* eV s */

/* ---- element table: H..Rn ---------------------------------------------- */

#define PESX_MAX_Z 86
/* Atomic number of SYMBOL (case as written, "Cu"), or 0 when unknown. */
int pesx_element_z(const char *symbol);
const char *pesx_element_symbol(int z); /* NULL when z is out of range */
double pesx_element_mass(int z);        /* standard atomic weight, amu; 0 if unknown */

/* ---- growable arrays ---------------------------------------------------- */

/* Makes room for at least NEED elements of SIZE bytes in the array *PTR (PTR
 * is the address of a `T *`) whose capacity is *CAP elements: the capacity
 * doubles, starting from FIRST, so appending one at a time is amortised O(1).
 * On failure returns PESX_ENOMEM with the error set and leaves *PTR and *CAP
 * unchanged (the old block stays valid). */
int pesx_array_reserve(void *ptr, size_t *cap, size_t need, size_t size, size_t first);

/* ---- atomic output: write to PATH.tmpXXXXXX, rename on commit -----------
 * Only regular files (or new paths) are replaced by rename.  "-" and
 * /dev/stdout write to stdout; character devices and FIFOs are written
 * through; a symbolic link is followed and its target replaced.  Every
 * failure to write is PESX_EWRITE (exit status 1). */

typedef struct {
    FILE *fp;
    int through;        /* written through: stdout, a device or a FIFO */
    char path[4096];    /* as given, for messages                      */
    char target[4096];  /* PATH with symbolic links followed           */
    char tmp[4120];
} pesx_atomic_file;

int pesx_atomic_open(pesx_atomic_file *af, const char *path);
/* Flush, fsync, close and rename over the target (written-through
 * outputs: flush and close).  On failure the temp file is removed and the
 * previous file is left as it was. */
int pesx_atomic_commit(pesx_atomic_file *af);
/* Close and remove the temp file (PATH is left untouched). */
void pesx_atomic_abort(pesx_atomic_file *af);
/* Whether PATH can be written by pesx_atomic_open/commit, checked before
 * any work: its directory exists and takes a new file (a probe file is
 * created and removed), or it is a writable device, FIFO or stdout.
 * PESX_EWRITE naming PATH when not. */
int pesx_output_check(const char *path);

/* ---- parsing helpers --------------------------------------------------- */

/* Parse a whole string as a finite double; PESX_EINVAL otherwise. */
int pesx_parse_double(const char *s, double *out);
/* Parse a whole string as a long in [min, max]. */
int pesx_parse_long(const char *s, long min, long max, long *out);

/* "key=value,key=value" parameter lists (potential specs and the like). */
typedef struct {
    size_t n;
    char *key[64];
    char *value[64];
    unsigned char used[64];
} pesx_params;
void pesx_params_init(pesx_params *p);

/* Split TEXT (may be NULL or empty) at commas.  An entry without '=' is
 * positional: its key is the text and its value is NULL. */
int pesx_params_parse(pesx_params *p, const char *text);
/* Add one key=value (value may be NULL); copies both. */
int pesx_params_add(pesx_params *p, const char *key, const char *value);
/* The K-th positional entry (0-based) or NULL; marks it used. */
const char *pesx_params_positional(pesx_params *p, size_t k);
void pesx_params_release(pesx_params *p);
/* Look up KEY (marks it used); leaves *out alone and returns 0 when absent,
 * 1 when found, -1 (with the error set) when present but not a number. */
int pesx_params_get_double(pesx_params *p, const char *key, double *out);
const char *pesx_params_get(pesx_params *p, const char *key);
/* PESX_EINVAL naming the first key no getter asked for (a typo guard). */
int pesx_params_check_used(const pesx_params *p, const char *what);

/* Small deterministic RNG (xoshiro256**), seeded explicitly. */
typedef struct { unsigned long long s[4]; } pesx_rng;
void pesx_rng_seed(pesx_rng *r, unsigned long long seed);
unsigned long long pesx_rng_next(pesx_rng *r);
double pesx_rng_uniform(pesx_rng *r);  /* [0, 1) */
double pesx_rng_normal(pesx_rng *r);   /* standard normal */

#ifdef __cplusplus
}
#endif
#endif
