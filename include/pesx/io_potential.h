/* pesx io: potential.xml, the self-contained file of a Behler-Parrinello
 * potential (man pesx-potential(5)).  Layer 2: this header holds PLAIN
 * DATA only (numbers and strings, no descriptor or nn objects); the bpnn
 * potential (layer 4) turns a pesx_potential_file into live objects and
 * back, and validates the names (SF types, parameters, cutoff, scaling
 * mode, activations) against the descriptor and nn tables.
 *
 * Units are always eV and Angstrom in the file and in this struct: SF
 * length parameters in Angstrom (eta in 1/Angstrom^2), energies in eV.
 * The total energy of a structure is
 *
 *     E = sum_i NN_{Z_i}(x_i) / conv_energy + N mean_energy + sum_i ref_energy(Z_i)
 *
 * (conv_energy in network-output units per eV, mean_energy in eV per atom;
 * 1 and 0 for a potential trained directly in eV), so an n2p2 potential in
 * Hartree keeps its weights: conv_energy_eV = conv_energy_Ha / 27.211...
 *
 * Every array is malloc'ed and owned by the struct; release frees it all. */
#ifndef PESX_IO_POTENTIAL_H
#define PESX_IO_POTENTIAL_H

#include <stddef.h>
#include <pesx/util.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PESX_POTENTIAL_FILE_VERSION 1
#define PESX_PF_MAX_PARAMS 12 /* numeric parameters per symmetry function */
#define PESX_PF_NAME 32       /* size of the short name buffers below     */

/* One symmetry function: its type name as the descriptor table spells it
 * (n2p2 numbers "2", "3", "9", "12", "13", "20".."25", or pesx names such
 * as "G2"), neighbour elements, an optional subtype ("p2a"), and its
 * numeric parameters by name ("eta", "rs", "rc", "lambda", "zeta", "rl",
 * "theta_l", "theta_r", ...), in the order the writer should print them.
 * Stored in NETWORK INPUT ORDER (index k = input k of the element's net). */
typedef struct {
    char type[PESX_PF_NAME];
    char e1[4], e2[4];         /* element symbols, "" when not used        */
    char sub[PESX_PF_NAME];    /* subtype, "" when none                    */
    size_t n_params;
    char param_name[PESX_PF_MAX_PARAMS][PESX_PF_NAME];
    double param[PESX_PF_MAX_PARAMS];
    /* input scaling statistics over the training set (raw G values);
     * sigma is NAN when unknown (old n2p2/RuNNer scaling files) */
    double gmin, gmax, gmean, gsigma;
    /* range seen in training, for extrapolation warnings (raw G) */
    double train_min, train_max;
} pesx_potential_file_sf;

typedef struct {
    char symbol[4];
    int z;
    double ref_energy;          /* eV per atom of this element              */
    size_t n_sf;
    pesx_potential_file_sf *sf; /* n_sf, network input order                */
    /* network: n_sizes layer sizes (input = n_sf, ..., output = 1) and one
     * activation name (nn table name, e.g. "tanh", "linear") per non-input
     * layer */
    size_t n_sizes;
    size_t *size;                       /* n_sizes                           */
    char (*activation)[PESX_PF_NAME];   /* n_sizes - 1                       */
    int normalize_nodes;
    size_t n_weights;     /* per member = sum_l size[l-1]*size[l] + size[l]  */
    double *weights;      /* n_members * n_weights, member-major; each member
                             in n2p2 order (see nn.h)                        */
} pesx_potential_file_element;

typedef struct {
    int version;                        /* PESX_POTENTIAL_FILE_VERSION       */
    size_t n_elements;
    pesx_potential_file_element *element; /* ascending Z                     */
    size_t n_members;                   /* committee size, >= 1              */

    /* cutoff function shared by every SF: descriptor-table name ("cos",
     * "tanh3", n2p2 numbers "0".."8" or names, as the descriptor defines)
     * and the inner-cutoff fraction alpha (0 <= alpha < 1) */
    char cutoff_type[PESX_PF_NAME];
    double cutoff_alpha;

    /* input scaling: mode "none", "scale", "center", "scale-center" or
     * "sigma" (n2p2 semantics, SPEC.md 4.5), target range [smin, smax] */
    char scaling_mode[PESX_PF_NAME];
    double smin, smax;

    /* energy normalisation (see above) */
    double mean_energy;                 /* eV per atom                       */
    double conv_energy;                 /* NN output units per eV            */

    /* metadata (strings may be empty; RMSEs NAN when unknown) */
    char pesx_version[PESX_PF_NAME];    /* pesx that wrote the file          */
    char date[64];                      /* ISO 8601 UTC                      */
    char data_checksum[160];            /* "sha256:..." of the training data */
    char source[512];                   /* where it came from ("n2p2:DIR", "pesx fit data.xml") */
    char fit_options[1024];             /* the fit's options and seed ("--seed 1 ...") */
    double rmse_energy_train, rmse_energy_test; /* eV/atom                   */
    double rmse_force_train, rmse_force_test;   /* eV/Angstrom               */
} pesx_potential_file;

/* Empty file: version 1, no elements, n_members 1, cutoff_alpha 0,
 * scaling "none" with [0, 1], mean_energy 0, conv_energy 1, RMSEs NAN. */
void pesx_potential_file_init(pesx_potential_file *pf);
void pesx_potential_file_release(pesx_potential_file *pf);

/* A deep copy of SRC into a released or freshly initialised DST. */
int pesx_potential_file_copy(pesx_potential_file *dst, const pesx_potential_file *src);

/* Add an element (kept sorted by Z) with room for N_SF symmetry functions
 * (zero-filled, sigma/ranges NAN), N_SIZES layer sizes and N_MEMBERS *
 * weights (zeroed).  SIZES[0] must be N_SF.  pf->n_members must already be
 * set.  Returns the element (inside pf->element, valid until the next add)
 * or NULL with the error set. */
pesx_potential_file_element *pesx_potential_file_add_element(
    pesx_potential_file *pf, const char *symbol, size_t n_sf, size_t n_sizes,
    const size_t *sizes);

/* Weights and biases of one network with layer sizes SIZES[0..N_SIZES-1];
 * SIZE_MAX when the count does not fit a size_t.  Readers compare it with
 * what the file holds before they allocate (a header cannot make pesx
 * allocate more than the file could fill). */
size_t pesx_potential_file_weight_count(size_t n_sizes, const size_t *sizes);

/* Set parameter NAME of SF (append when new). */
int pesx_potential_file_sf_set(pesx_potential_file_sf *sf, const char *name, double value);
/* 1 and *value when SF has parameter NAME, else 0. */
int pesx_potential_file_sf_get(const pesx_potential_file_sf *sf, const char *name,
                               double *value);

/* Consistency checks the file format itself defines: at least one element,
 * unique known elements, n_members >= 1, input size = n_sf, output size 1,
 * weight count = architecture, finite numbers, smin < smax, 0 <= alpha < 1.
 * PATH (may be NULL) names the file in the error. */
int pesx_potential_file_check(const pesx_potential_file *pf, const char *path);

/* Read PATH into a released or freshly initialised PF.  Errors (PESX_EINVAL
 * with file:line, PESX_EIO) for: not XML, wrong root, unknown version,
 * missing or unknown elements/attributes, non-numeric or non-finite
 * numbers, weight count not matching the architecture. */
int pesx_potential_file_read(const char *path, pesx_potential_file *pf);

/* Write PF to PATH atomically (numbers with %.17g: exact round trip).
 * Runs pesx_potential_file_check first.  Empty date/pesx_version are
 * filled with now / PACKAGE_VERSION in the output. */
int pesx_potential_file_write(const char *path, const pesx_potential_file *pf);

#ifdef __cplusplus
}
#endif
#endif
