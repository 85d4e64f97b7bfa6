/* Private helpers of the potential module: parameter getters whose errors
 * name the parameter file and line when the parameters came from a file,
 * and the pair-potential engine shared by lj and morse. */
#ifndef PESX_POTENTIAL_IMPL_H
#define PESX_POTENTIAL_IMPL_H

#include <pesx/potential.h>

/* ---- parameters ---------------------------------------------------------
 * Getters return 0 when KEY is absent (OUT untouched), 1 when found (marks
 * it used), -1 with the error set ("TYPE: parameter KEY: ...", with the
 * file and line when the parameters came from a parameter file). */
int pesx_potential_param_double(pesx_params *p, const char *type, const char *key, double *out);
/* A finite positive number. */
int pesx_potential_param_positive(pesx_params *p, const char *type, const char *key, double *out);
/* A cutoff radius: a positive number, or 0 / inf / none (= no cutoff,
 * stored as INFINITY). */
int pesx_potential_param_cutoff(pesx_params *p, const char *type, const char *key, double *out);
/* 1/0, yes/no, true/false, on/off. */
int pesx_potential_param_bool(pesx_params *p, const char *type, const char *key, int *out);
/* The string value of KEY (NULL when absent or positional); marks it used. */
const char *pesx_potential_param_string(pesx_params *p, const char *key);
/* The K-th positional entry or NULL; marks it used. */
const char *pesx_potential_param_positional(pesx_params *p, size_t k);
/* Set an EINVAL error about KEY of P ("TYPE: " is not added), with the file
 * and line of KEY when P came from a parameter file.  Returns PESX_EINVAL. */
int pesx_potential_param_error(const pesx_params *p, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Register where P came from (FILE, and the line of each entry of P), so
 * that errors about its keys name FILE:LINE; (NULL, NULL, NULL) clears it.
 * Thread-local; the front end sets it around init. */
void pesx_potential_param_set_source(const pesx_params *p, const char *file, const long *lines);

/* pesx_potential_alloc recording SPEC (NULL: "name:k=v,..." from PARAMS). */
pesx_potential *pesx_potential_alloc_spec(const pesx_potential_type *T, pesx_params *params,
                                          const char *spec);

/* ---- pair potentials ----------------------------------------------------
 * E = sum over pairs i<j (every periodic image) with r < rc of
 * V(r) - vshift; each pair gives half its energy to each atom.  Clusters
 * (no periodic direction) with few atoms or no cutoff use a direct double
 * loop; everything else the cell-list neighbour list, which is kept here so
 * that repeated calls on structures of one size never allocate. */
typedef struct {
    pesx_nlist nl;
    int nl_ready;
} pesx_pair_engine;

/* V(r) and dV/dr of one pair. */
typedef void (*pesx_pair_fn)(const void *par, double r, double *v, double *dvdr);

void pesx_pair_engine_init(pesx_pair_engine *e);
void pesx_pair_engine_release(pesx_pair_engine *e);
/* Fills r->energy and, when asked, r->forces and r->atom_energies.  RC may
 * be INFINITY (clusters only: PESX_EINVAL naming TYPE for a periodic
 * structure). */
int pesx_pair_engine_eval(pesx_pair_engine *e, const char *type, const pesx_atoms *a,
                          double rc, double vshift, pesx_pair_fn fn, const void *par,
                          pesx_potential_result *r);

/* Clusters up to this many atoms are summed directly (all pairs). */
#define PESX_PAIR_DIRECT_MAX 128

#endif
