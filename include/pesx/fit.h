/* pesx fit: training Behler-Parrinello networks on energies and forces.
 * Layer 6: uses nn, descriptor, io (and util, structure).
 *
 * The pieces, in the order pesx fit uses them:
 *
 *   pesx_fit_model    the live model of a potential file: descriptor, input
 *                     scaling, one network per element and committee member,
 *                     reference energies; converts back to a potential file.
 *   pesx_fit_set      a data set precomputed for training: for every atom
 *                     its scaled symmetry functions x and the Jacobian
 *                     dx/dr over the atoms in its cutoff sphere (sparse), so
 *                     an epoch only runs networks and small dot products.
 *   pesx_fit_loss     loss and its EXACT weight gradient (force term
 *                     included) over a list of structures, OpenMP over
 *                     structures.
 *   pesx_fit_train    optimizers (Adam mini-batch, L-BFGS full batch,
 *                     n2p2's extended Kalman filter) with early stopping on a
 *                     validation list, best weights kept, resumable state
 *                     (pesx_fit_state).
 *
 * Loss of the weights w of one committee member over structures S (with
 * N_s atoms, weight w_s, reference energy E_s and forces F_s):
 *
 *   L = 1/|S| sum_s w_s ((E_s - E^_s) / N_s)^2
 *     + beta / (3 sum_s N_s) sum_s |F_s - F^_s|^2
 *     + lambda |w|^2
 *
 * i.e. the mean squared energy error per atom (eV^2), beta times the mean
 * squared force component error ((eV/Angstrom)^2), and an L2 penalty.
 * E^ = sum_i NN_{Z_i}(x_i) / conv_energy + sum_i ref_energy(Z_i), with the
 * reference energies fitted first by least squares (pesx_fit_ref_energies)
 * and conv_energy chosen so the networks see energies of order 1. */
#ifndef PESX_FIT_H
#define PESX_FIT_H

#include <stddef.h>
#include <pesx/util.h>
#include <pesx/structure.h>
#include <pesx/descriptor.h>
#include <pesx/nn.h>
#include <pesx/io_potential.h>
#include <pesx/io_dataset.h>
#include <pesx/fit_sf.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- model ---------------------------------------------------------------- */

typedef struct {
    size_t n_elem, n_members;
    int z[PESX_MAX_Z];          /* atomic number of element index e          */
    pesx_descriptor *desc;
    double **factor, **offset;  /* [e][k]: x = factor G + offset             */
    pesx_nn **net;              /* [m * n_elem + e]                          */
    size_t n_weights;           /* per member, all elements                  */
    size_t *w_start;            /* [e]: element e's weights in a member's flat
                                   vector (elements in order)                */
    double *ref_energy;         /* [e] eV                                    */
    double conv_energy;         /* network output units per eV               */
} pesx_fit_model;

/* From a potential file holding elements, SFs (and possibly networks and
 * weights).  Scaling statistics of the SFs must be set (finite) unless
 * STATS_LATER is 1: then scaling is identity until pesx_fit_model_set_scaling.
 * Networks are built when the file has architectures (n_sizes >= 2). */
int pesx_fit_model_init(pesx_fit_model *m, const pesx_potential_file *pf, int stats_later);
void pesx_fit_model_release(pesx_fit_model *m);
/* Recompute factor/offset from the statistics in PF (mode, smin, smax). */
int pesx_fit_model_set_scaling(pesx_fit_model *m, const pesx_potential_file *pf);
/* Give every element the architecture n_sf, HIDDEN[0..n_hidden-1], 1 with
 * activation ACT on hidden layers and linear output, for N_MEMBERS members,
 * and initialise weights (Nguyen-Widrow, member m seeded SEED + m). */
int pesx_fit_model_set_networks(pesx_fit_model *m, size_t n_members, size_t n_hidden,
                                const size_t *hidden, const char *act, unsigned long long seed);
/* Member M's flat weights (element blocks in order) out of / into the nets. */
void pesx_fit_model_get_weights(const pesx_fit_model *m, size_t member, double *w);
void pesx_fit_model_put_weights(pesx_fit_model *m, size_t member, const double *w);
/* Copy architecture, weights, reference energies and conv_energy into PF
 * (whose elements and SFs must match the model's), replacing its networks. */
int pesx_fit_model_to_file(const pesx_fit_model *m, pesx_potential_file *pf);

/* ---- precomputed training data ------------------------------------------------ */

typedef struct pesx_fit_set pesx_fit_set;

/* Raw symmetry functions and their Jacobians of every structure of DS
 * (which must outlive the set; it keeps pointers to its forces).  Every
 * element of DS must be in the model.  OpenMP over structures.  PROGRESS
 * (may be NULL) is called with the number of structures done so far from
 * the calling thread, occasionally. */
pesx_fit_set *pesx_fit_set_alloc(const pesx_fit_model *m, const pesx_dataset *ds,
                                 void (*progress)(size_t done, void *ctx), void *ctx);
void pesx_fit_set_free(pesx_fit_set *s);
size_t pesx_fit_set_size(const pesx_fit_set *s);
/* Scaling statistics (gmin, gmax, gmean, gsigma, train_min, train_max of
 * every SF) of the structures IDX[0..n-1] into PF. */
int pesx_fit_set_statistics(const pesx_fit_set *s, const size_t *idx, size_t n,
                            pesx_potential_file *pf);
/* Apply the model's scaling to the stored G and Jacobians (once; later
 * calls with another scaling recompute from the raw values). */
int pesx_fit_set_scale(pesx_fit_set *s, const pesx_fit_model *m);

/* Per-element reference energies by least squares, E_s ~ sum_Z N_{s,Z} e_Z
 * over structures IDX (minimum-norm solution when compositions do not
 * determine them, e.g. one composition only), into m->ref_energy; sets
 * m->conv_energy = 1 / (standard deviation of the remaining energy per
 * atom) (1 when that is 0). */
int pesx_fit_ref_energies(pesx_fit_model *m, const pesx_fit_set *s, const size_t *idx,
                          size_t n);

/* What the compositions determined: RANK of the n_elements reference
 * energies (rank-revealing SVD; singular values below 1e-9 of the largest
 * count as zero), and when rank < n_elements a NOTE for the user saying so
 * and which minimum-norm values were taken ("" at full rank). */
typedef struct {
    size_t rank, n_elements;
    char note[1024];
} pesx_fit_ref_report;

/* pesx_fit_ref_energies, and what it found into *REP (may be NULL). */
int pesx_fit_ref_energies_report(pesx_fit_model *m, const pesx_fit_set *s, const size_t *idx,
                                 size_t n, pesx_fit_ref_report *rep);

/* ---- loss ------------------------------------------------------------------------- */

typedef struct {
    double force_weight;  /* beta                                            */
    double l2;            /* lambda                                          */
    int use_forces;       /* 0: energies only (faster)                       */
} pesx_fit_loss_params;

/* Errors of a model over a list of structures. */
typedef struct {
    size_t n_struct, n_force;     /* structures, force components           */
    double e_sse, e_sae, e_max;   /* (dE/N)^2 sum, |dE/N| sum, max |dE/N|; eV/atom */
    size_t e_max_at;              /* structure index of e_max               */
    double f_sse, f_sae, f_max;   /* force components, eV/Angstrom          */
    size_t f_max_at;
} pesx_fit_errors;

double pesx_fit_errors_rmse_e(const pesx_fit_errors *e);
double pesx_fit_errors_rmse_f(const pesx_fit_errors *e);

/* Count structure K's energy error D (eV/atom; its absolute value). */
void pesx_fit_errors_add_energy(pesx_fit_errors *e, size_t k, double d);
/* Count structure K's force components F[0..n-1] against REF (eV/Angstrom). */
void pesx_fit_errors_add_forces(pesx_fit_errors *e, size_t k, const double *f, const double *ref,
                                size_t n);

/* Loss of member MEMBER over structures IDX[0..n-1] with the weights W
 * (length m->n_weights; copied into the member's nets first), and, when
 * GRAD is not NULL, its gradient.  ERR (may be NULL) gets the errors.
 * OpenMP over structures (results independent of the schedule for a given
 * number of threads). */
int pesx_fit_loss(pesx_fit_model *m, size_t member, pesx_fit_set *s, const size_t *idx,
                  size_t n, const pesx_fit_loss_params *p, const double *w, double *loss,
                  double *grad, pesx_fit_errors *err);

/* Predictions of member MEMBER (or of the committee mean when MEMBER ==
 * (size_t)-1) for structure K: total energy (eV) and forces (3n, may be
 * NULL). */
int pesx_fit_predict(pesx_fit_model *m, size_t member, pesx_fit_set *s, size_t k,
                     double *energy, double *forces);
/* Reference data of structure K: atoms, total energy, forces (3n). */
void pesx_fit_set_reference(const pesx_fit_set *s, size_t k, size_t *n_atoms, double *energy,
                            const double **forces);

/* ---- training --------------------------------------------------------------------- */

enum { PESX_FIT_ADAM = 0, PESX_FIT_LBFGS = 1, PESX_FIT_EKF = 2 };

/* "adam", "lbfgs", "ekf"; -1 when unknown. */
int pesx_fit_optimizer_lookup(const char *name);
const char *pesx_fit_optimizer_name(int opt);

/* Everything pesx_fit_train needs to continue one member's training
 * exactly where it stopped (bit for bit, for the same data, options and
 * number of threads): the current and the best weights, early-stopping
 * bookkeeping, Adam's moments and the mini-batch order and random stream,
 * L-BFGS's history.  pesx_fit_train keeps its working state in one; the
 * on_epoch callback sees it (pesx_fit_epoch.state) and may save it. */
typedef struct {
    size_t member, n_weights, n_train, lbfgs_m;
    /* the options it was made with (a resume must use the same) */
    int optimizer;
    size_t epochs, batch, polish, patience;
    double lr, lr_final, force_weight, l2, polish_force_weight, kf_force_ratio, kf_threshold;
    unsigned long long seed;
    /* progress */
    int stage;                   /* 0: the optimizer, 1: the L-BFGS polish   */
    size_t epoch;                /* epochs done (learning-curve numbering)   */
    size_t stage_epoch;          /* epochs (iterations) done in this stage   */
    double seconds;              /* training time so far                    */
    double *w;                   /* current weights                         */
    double *best_w;              /* weights of the best validation score    */
    double best_score;
    size_t best_epoch, since_best;
    /* Adam */
    double *adam_m, *adam_v;     /* first and second moments                */
    double b1t, b2t;             /* beta1^t, beta2^t                         */
    size_t *order;               /* current permutation of the training list */
    pesx_rng rng;                /* the shuffles' random stream             */
    /* L-BFGS (main optimizer or polish) */
    double *lb_s, *lb_y, *lb_rho; /* lbfgs_m pairs, ring buffer             */
    size_t lb_hist, lb_head;
    /* extended Kalman filter: the error covariance P, one dense block per
     * element (kf_n numbers in all), process noise q, learning rate eta */
    size_t kf_n;
    double *kf_p, kf_q, kf_eta;
} pesx_fit_state;

/* Allocate for N_WEIGHTS weights, N_TRAIN training structures, LBFGS_M
 * pairs and KF_N Kalman covariance numbers (0 without the filter), zeroed. */
int pesx_fit_state_init(pesx_fit_state *st, size_t n_weights, size_t n_train, size_t lbfgs_m,
                        size_t kf_n);
void pesx_fit_state_release(pesx_fit_state *st);
/* Save to PATH atomically (text, every number exact); load one saved file
 * into an uninitialised ST (errors name the file and line). */
int pesx_fit_state_save(const pesx_fit_state *st, const char *path);
int pesx_fit_state_load(pesx_fit_state *st, const char *path);

typedef struct {
    size_t epoch;
    double seconds;              /* since training of this member started   */
    /* errors over the training list with the weights at the end of the
     * epoch (the same evaluation as the validation errors), and over the
     * validation list; val.n_struct = 0 when no validation set */
    pesx_fit_errors train, val;
    double loss;                 /* training loss with those weights        */
    const pesx_fit_state *state; /* valid during the callback only          */
} pesx_fit_epoch;

typedef struct {
    int optimizer;               /* PESX_FIT_ADAM                            */
    size_t epochs;               /* maximum epochs (L-BFGS: iterations)      */
    size_t batch;                /* Adam mini-batch, structures              */
    double lr;                   /* Adam learning rate                       */
    double lr_final;             /* Adam: learning rate decays geometrically
                                    to this by the last epoch (0: constant)  */
    size_t patience;             /* stop after this many epochs without a
                                    better validation error (0: never)       */
    size_t lbfgs_m;              /* L-BFGS history                           */
    size_t polish;               /* Adam: then this many full-batch L-BFGS
                                    iterations from the best weights (0)     */
    double polish_force_weight;  /* force weight of the polish's loss and
                                    score (< 0: loss.force_weight)           */
    double kf_force_ratio;       /* EKF: force-component updates per energy
                                    update (each training energy is one
                                    update per epoch)                        */
    double kf_threshold;         /* EKF: update only on candidates whose
                                    error exceeds this times the training
                                    RMSE of the epoch before (up to 5
                                    tries; 0: every candidate)               */
    unsigned long long seed;
    pesx_fit_loss_params loss;
    /* continue from this saved state (NULL: start afresh from the member's
     * current weights); it must have been made with the same options,
     * member and training list */
    const pesx_fit_state *resume;
    /* called after every epoch (may be NULL); nonzero return stops
     * training (the best weights are kept) */
    int (*on_epoch)(const pesx_fit_epoch *ep, size_t member, void *ctx);
    void *ctx;
} pesx_fit_options;

void pesx_fit_options_default(pesx_fit_options *o);

/* The validation score early stopping minimises: RMSE_E (eV/atom) +
 * RMSE_F (eV/Angstrom) * sqrt(beta) (energies only without forces). */
double pesx_fit_score(const pesx_fit_errors *e, const pesx_fit_loss_params *p);

/* Train member MEMBER on TRAIN[0..n_train-1], early stopping on
 * VAL[0..n_val-1] (n_val = 0: keep the last weights).  Starts from the
 * member's current weights.  *EPOCHS_DONE (may be NULL) and *BEST_EPOCH
 * (may be NULL) report what happened.  Returns PESX_OK also when stopped
 * by on_epoch. */
int pesx_fit_train(pesx_fit_model *m, size_t member, pesx_fit_set *s, const size_t *train,
                   size_t n_train, const size_t *val, size_t n_val, const pesx_fit_options *o,
                   size_t *epochs_done, size_t *best_epoch);

/* Random split of 0..n-1 into test, validation and training lists (sizes
 * round(n f_test), round(n f_val), rest), reproducible from SEED.  The
 * caller frees *out (one block: train, then val, then test). */
int pesx_fit_split(size_t n, double f_val, double f_test, unsigned long long seed,
                   size_t **out, size_t *n_train, size_t *n_val, size_t *n_test);

/* ---- the whole fit: pesx fit, the learning loop, embedding programs ------ */

/* One row of the learning curve: member, epoch and the RMSEs of that
 * epoch's weights (train E, val E in eV/atom; train F, val F in eV/A). */
typedef struct {
    size_t member, epoch;
    double rmse[4];
    double seconds;
} pesx_fit_curve_row;

/* What pesx_fit_run reports while it works (the library prints nothing). */
typedef enum {
    PESX_FIT_EVENT_SF,        /* symmetry functions generated: sf          */
    PESX_FIT_EVENT_REF,       /* reference energies fitted: ref             */
    PESX_FIT_EVENT_START,     /* training starts: sizes and weights below   */
    PESX_FIT_EVENT_EPOCH,     /* an epoch ended: member, epoch, row          */
    PESX_FIT_EVENT_MEMBER     /* a member finished: member, epochs_done,
                                 best_epoch                                 */
} pesx_fit_event_kind;

typedef struct {
    pesx_fit_event_kind kind;
    size_t member, n_members;
    const pesx_fit_sf_report *sf;
    const pesx_fit_ref_report *ref;
    const pesx_fit_epoch *epoch;      /* EPOCH: the training errors and state */
    size_t epochs_done, best_epoch;   /* MEMBER                               */
    size_t total_epochs;              /* START: most epochs of the whole fit  */
    size_t epochs_before;             /* EPOCH: of all members before this one */
    size_t n_data, n_pool, n_test, n_weights; /* START                        */
} pesx_fit_event;

/* Everything pesx fit decides between parsing and printing.  Data sets are
 * in memory (read them with pesx_data_read, or build them); nothing is
 * read from a file except the --sf settings and, for a resume, the
 * checkpoint. */
typedef struct {
    double test_fraction;       /* share of DATA held out (0.1; 0 with TEST) */
    double val_fraction;        /* share of the pool per member for early
                                   stopping (0.1)                           */
    /* symmetry functions (ignored for a warm start or a resume) */
    const char *sf_file;        /* n2p2 input.nn; NULL: generated            */
    pesx_fit_sf_options sf;
    /* networks (ignored for a warm start or a resume) */
    size_t n_hidden, hidden[8];
    char activation[32];        /* hidden layers ("softplus")               */
    size_t committee;           /* members (1)                              */
    /* training: optimizer, epochs, loss, seed (its on_epoch, ctx and
     * resume are the pipeline's own and ignored here) */
    pesx_fit_options train;
    /* warm start: continue training this potential's networks on DATA with
     * its symmetry functions, scaling, reference energies and committee
     * size (the training ranges are widened to DATA's); NULL: a new fit */
    const pesx_potential_file *start;
    /* files, each NULL for none */
    const char *output;         /* the potential, written at the end        */
    const char *curve;          /* learning curve TSV                       */
    const char *parity;         /* parity TSV of the final potential        */
    size_t checkpoint_every;    /* OUTPUT.checkpoint and .state every N
                                   epochs and when stopped (0: never; needs
                                   OUTPUT)                                  */
    int resume;                 /* continue from OUTPUT.checkpoint          */
    const char *source;         /* <source> of the potential ("pesx fit")   */
    /* progress: nonzero from an EPOCH event stops the fit after that epoch
     * (the best weights and the members so far are kept and written) */
    int (*progress)(const pesx_fit_event *ev, void *ctx);
    void *ctx;
} pesx_fit_setup;

/* pesx fit's defaults (pesx-fit(1)): EKF, 20 epochs, no polish, 15-15
 * softplus, one member, seed 1, SFs generated with rc 6, no files. */
void pesx_fit_setup_default(pesx_fit_setup *o);
/* Set the optimizer and its default epochs (EKF 20, others 100) and polish
 * (Adam 100, others 0). */
void pesx_fit_setup_optimizer(pesx_fit_setup *o, int optimizer);

typedef struct {
    pesx_potential_file pf;     /* the fitted potential (what OUTPUT holds) */
    size_t n_members;           /* members it holds: fewer than asked when
                                   stopped (at least 1: the first member's
                                   best weights)                            */
    int interrupted;            /* stopped by the progress callback         */
    size_t n_pool, n_train, n_val, n_test; /* train/val: member 0's split   */
    int separate_test;          /* the test errors are TEST's               */
    pesx_fit_errors train, val, test; /* committee mean; *_at index the data
                                   set the errors are of (TEST or DATA)     */
    pesx_fit_ref_report ref;
    /* the learning curve (with the rows of a resumed fit's file) */
    size_t n_curve;
    pesx_fit_curve_row *curve;
    /* test-set parity of the committee mean: energies per atom and force
     * components, reference and predicted */
    size_t n_test_e, n_test_f;
    double *test_e_ref, *test_e_pred, *test_f_ref, *test_f_pred;
} pesx_fit_result;

/* Fit a potential to DATA (TEST: a separate test set, or NULL) as pesx
 * fit does: split, symmetry functions, scaling, reference energies,
 * committee members each on its own validation subsample, checkpoints,
 * closing errors, parity data and the potential (with the fit's options
 * and seed in its metadata).  Deterministic for a given seed and number
 * of OpenMP threads; a fit from memory and `pesx fit` on the same data
 * written to a file give the same potential.  RES is filled also when
 * the progress callback stopped the fit (res->interrupted); release it
 * with pesx_fit_result_release. Every output location is checked before
 * the first epoch; a checkpoint that cannot be written is an error. */
int pesx_fit_run(const pesx_fit_setup *o, const pesx_dataset *data, const pesx_dataset *test,
                 pesx_fit_result *res);
void pesx_fit_result_release(pesx_fit_result *res);

/* The options of a fit as recorded in the potential (pesx fit's option
 * syntax, every value resolved) into BUF. */
void pesx_fit_setup_describe(const pesx_fit_setup *o, char *buf, size_t size);

/* OUTPUT's side file: OUTPUT without a final ".xml", then SUFFIX
 * ("-curve.tsv": pot.xml -> pot-curve.tsv). */
void pesx_fit_side_path(const char *output, const char *suffix, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
