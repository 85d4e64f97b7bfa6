/* pesx potential: the interface every potential implements, the registry
 * of types, and the "-p SPEC" parser.  Layer 4: uses descriptor, nn, io.
 *
 * A potential is a type object (pesx_potential_type: a name, a state size
 * and function pointers, as GSL's minimizer types) plus a state allocated by
 * the front end (pesx_potential_alloc / pesx_potential_open).  Callers only
 * see pesx_potential and pesx_potential_eval, which checks every output for
 * NaN/Inf and counts force calls.
 *
 * Adding a type: write src/potential/NAME.c defining
 *     const pesx_potential_type pesx_potential_NAME = { ... };
 * declare it below, and add one line to the table in src/potential/registry.c.
 * The conformance tests of tests/check_potential.c then loop over it (forces
 * = -grad E by finite differences, sum of atom energies, translation,
 * rotation and permutation invariance); give it a test spec in the table
 * there if it cannot be allocated without parameters. */
#ifndef PESX_POTENTIAL_H
#define PESX_POTENTIAL_H

#include <stddef.h>
#include <pesx/structure.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What one evaluation returns.  The caller owns every array and sets the
 * pointers it wants filled; NULL means "not wanted".  energy is always set.
 * pesx_potential_eval resets has_std, energy_std and n_extrapolating to 0
 * (and the extrapolating flags, when given) before calling the type, so a
 * type fills only what it computes.  For a potential with one member it
 * afterwards sets member_energies[0] = energy and zeroes forces_std. */
typedef struct {
    double energy;          /* eV                                        */
    double *forces;         /* 3n, eV/Angstrom, -dE/dx                   */
    double *atom_energies;  /* n, eV (sum = energy; NaN: see below)     */
    /* committee potentials (has_std = 1 after eval when the potential has
     * more than one member; the mean is in energy/forces) */
    int has_std;
    double energy_std;
    double *forces_std;     /* 3n                                        */
    double *member_energies;/* pesx_potential_n_members(p) values        */
    /* extrapolation: atoms with a descriptor outside the training range */
    size_t n_extrapolating;
    unsigned char *extrapolating; /* n flags                              */
} pesx_potential_result;

/* pesx_potential_type.flags */
enum {
    /* A model surface of atom 0's x and y (Mueller-Brown): not invariant
     * under translation, rotation or permutation; z and other atoms carry
     * no energy.  Path and saddle codes must not project out rigid-body
     * motion for such a potential. */
    PESX_POTENTIAL_MODEL_SURFACE = 1u << 0,
    /* The method has no per-atom partition of its energy (xtb, external
     * codes): pesx_potential_eval fills atom_energies, when asked, with NaN
     * and commands leave them out. */
    PESX_POTENTIAL_NO_ATOM_ENERGIES = 1u << 1,
    /* A second state from the same spec is independent of the first (no
     * files, processes or library globals), so pesx_potential_eval_many
     * evaluates a batch on OpenMP threads, one replica state per thread,
     * with results identical to one after another. */
    PESX_POTENTIAL_REPLICABLE = 1u << 2
};

/* A potential type (GSL's type-object pattern).
 *
 * init receives the parameters of the spec (`name:key=value,...`; positional
 * entries have a NULL value) in a zeroed state of state_size bytes.  It reads
 * what it needs with the pesx_params getters (which mark keys used); after
 * init returns PESX_OK the front end rejects any key no getter asked for,
 * naming it and the valid keys (the "key=" words of params_doc), so init need
 * not check for unknown keys itself (calling pesx_params_check_used is
 * harmless).  On failure init sets the error and returns its code; release is
 * then still called on the state (so release must cope with a partly
 * initialised, zeroed state).
 *
 * Parameters the spec parser produces for "bpnn" (the neural-network type):
 *   FILE.xml, an installed NAME, or "type = bpnn" files:  file=PATH
 *   n2p2:DIR[,length=bohr,energy=hartree]:               n2p2=DIR plus the
 *                                                        other keys as given
 * In a parameter file, relative file= and n2p2= paths are made relative to the
 * directory of the parameter file. */
typedef struct pesx_potential_type {
    const char *name;
    const char *summary;     /* one line for `pesx help potentials`        */
    const char *params_doc;  /* "epsilon=1,sigma=1,rc=inf" and so on: every
                                valid key appears as "key=" (the front end
                                lists them in errors)                      */
    size_t state_size;
    int (*init)(void *state, pesx_params *params);
    /* Energy and whatever r asks for, of structure a.  Must not allocate
     * once it has seen a structure of that size.  Errors (e.g. a periodic
     * structure for a potential without a finite cutoff) set the error. */
    int (*eval)(void *state, const pesx_atoms *a, pesx_potential_result *r);
    void (*release)(void *state);
    double (*cutoff)(const void *state);           /* NULL: no cutoff (INFINITY) */
    size_t (*n_members)(const void *state);        /* NULL: one member   */
    unsigned flags;                                /* PESX_POTENTIAL_*   */
    /* K structures at once (a socket with several clients, threads); NULL:
     * eval on one after another.  The results must be those eval gives
     * each structure alone.  On failure it sets the error, stores in
     * *failed the index of the structure that failed and returns its code. */
    int (*eval_many)(void *state, size_t k, const pesx_atoms *const *a,
                     pesx_potential_result *r, size_t *failed);
} pesx_potential_type;

/* Lennard-Jones 4 eps ((sigma/r)^12 - (sigma/r)^6).  Parameters
 * epsilon=1 (eV), sigma=1 (Angstrom), rc=inf (Angstrom; 0, inf or none = all
 * pairs, only for non-periodic structures), shift=1 (subtract V(rc) from
 * every pair inside rc, as eOn's lj with rc=15; ignored without a cutoff). */
extern const pesx_potential_type pesx_potential_lj;
/* Morse D [(1 - exp(-alpha (r - r0)))^2 - 1].  Parameters D (eV), alpha
 * (1/Angstrom), r0 (Angstrom), rc=inf, shift=1 as for lj; preset=pt (or the
 * positional "morse:pt") is eOn's morse_pt: D=0.7102, alpha=1.6047,
 * r0=2.897, rc=9.5, shift=1 (explicit keys override the preset). */
extern const pesx_potential_type pesx_potential_morse;
/* Mueller-Brown surface on atom 0's (x, y) of a one-atom structure, times
 * scale=1; energies treated as eV. */
extern const pesx_potential_type pesx_potential_muller_brown;
/* Behler-Parrinello neural-network potential (committee: mean and spread of
 * energy and forces, member energies; extrapolation flags), from
 * file=POTENTIAL.xml or n2p2=DIR with length=, energy= units of the files. */
extern const pesx_potential_type pesx_potential_bpnn;
/* Effective-medium theory with exactly the parameters, cutoff smoothing and
 * reference states of ASE's ase.calculators.emt.EMT (asap_cutoff=False):
 * Al, Cu, Ag, Au, Ni, Pd, Pt and ASE's H, C, N, O; clusters and periodic
 * cells.  No parameters; cutoff rc + 0.5 = 5.876 Angstrom.  Another element
 * is an error naming it. */
extern const pesx_potential_type pesx_potential_emt;

/* GFN2-xTB or GFN1-xTB through the xtb library, in process: method=gfn2,
 * charge=0, uhf=0, accuracy=1, etemp=300 (K), max_iter=250 (xtb's
 * defaults).  Built without the library, init fails saying how to enable
 * it.  Molecules only (periodic structures are an error). */
extern const pesx_potential_type pesx_potential_xtb;
/* An external program per structure: script=PATH is run as
 * "PATH IN.xyz OUT.xyz" (extended XYZ in; extended XYZ with energy= and a
 * forces column out) in a private temporary directory. */
extern const pesx_potential_type pesx_potential_ext;
/* pesx as the i-PI server: unix=NAME (the socket /tmp/ipi_NAME) or
 * host=HOST,port=PORT; clients=1 structures in flight at once (one per
 * client), timeout=600 seconds to wait for a client or an answer.  Only
 * energies and forces (no atom energies). */
extern const pesx_potential_type pesx_potential_ipi;

/* NULL-terminated registry of every type. */
const pesx_potential_type *const *pesx_potential_types(void);
/* The type called NAME, or NULL (no error is set). */
const pesx_potential_type *pesx_potential_type_lookup(const char *name);
/* "lj, morse, muller_brown" into buf (for messages); returns buf. */
const char *pesx_potential_type_names(char *buf, size_t size);

typedef struct pesx_potential pesx_potential;

/* Open a potential from a spec (DESIGN.md "Command-line contract").  Tried
 * in this order:
 *   n2p2:DIR[,k=v,...]    an n2p2/RuNNer directory: type "bpnn" with
 *                         n2p2=DIR and the other keys (length=bohr,
 *                         energy=hartree)
 *   NAME[:k=v,...]        a registered type ("lj:epsilon=1,sigma=1",
 *                         "morse:pt"); NAME is the text before the first ':'
 *   FILE.xml              a potential.xml: type "bpnn" with file=FILE
 *   FILE                  an existing regular file: a parameter file of
 *                         "key = value" lines, one of them "type = NAME";
 *                         '#' starts a comment; errors name FILE:LINE
 *   NAME                  an installed potential NAME.xml, searched in each
 *                         directory of $PESX_POTENTIAL_PATH (':'-separated),
 *                         then in the installed potentials directory:
 *                         type "bpnn" with file=PATH
 * Values must be finite numbers where the type expects numbers (rc also
 * takes inf/none).  NULL with the error set on failure: an unknown name
 * lists the valid ones, an unknown key names it and the valid keys. */
pesx_potential *pesx_potential_open(const char *spec);
/* Allocate a potential of type T with PARAMS (NULL = defaults); PARAMS is
 * not freed (its used flags are updated).  NULL with the error set. */
pesx_potential *pesx_potential_alloc(const pesx_potential_type *T, pesx_params *params);
void pesx_potential_free(pesx_potential *p);   /* NULL: no-op */
/* Evaluate; checks that the coordinates and every output are finite
 * (PESX_EINVAL / PESX_EFAILED otherwise) and counts the call (every call
 * that reaches the type counts, failed or not).  A potential keeps scratch
 * memory (neighbour lists) in its state: it is not safe to evaluate one
 * pesx_potential from several threads at once; open one per thread. */
int pesx_potential_eval(pesx_potential *p, const pesx_atoms *a, pesx_potential_result *r);
/* Evaluate K structures A[0..K-1] into R[0..K-1], at once where the type
 * can (ipi over its clients), else one after another; the results are those
 * of pesx_potential_eval on each, and each structure given to the type
 * counts as one call.  On failure *FAILED (when not NULL) is the index of
 * the structure the error is about. */
int pesx_potential_eval_many(pesx_potential *p, size_t k, const pesx_atoms *const *a,
                             pesx_potential_result *r, size_t *failed);
const pesx_potential_type *pesx_potential_get_type(const pesx_potential *p);
/* The spec it was opened with ("name[:k=v,...]" for pesx_potential_alloc). */
const char *pesx_potential_spec(const pesx_potential *p);
/* Interaction range in Angstrom; INFINITY when there is no cutoff, 0 when
 * atoms do not interact (model surfaces). */
double pesx_potential_cutoff(const pesx_potential *p);
size_t pesx_potential_n_members(const pesx_potential *p);
unsigned pesx_potential_flags(const pesx_potential *p);
/* The type's state (for a module that owns an unregistered type, as the
 * learning loop's surrogate). */
void *pesx_potential_state(pesx_potential *p);
/* The ledger of the work done in the potential: structures evaluated (force
 * calls, failed ones included) and wall seconds spent inside the type since
 * the potential was opened or last reset (a batch counts its wall time once). */
size_t pesx_potential_calls(const pesx_potential *p);   /* force calls so far */
double pesx_potential_seconds(const pesx_potential *p);
void pesx_potential_reset_calls(pesx_potential *p);     /* zeroes both */

#ifdef __cplusplus
}
#endif
#endif
