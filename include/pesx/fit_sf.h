/* pesx fit: symmetry functions for a fit -- generated from the training
 * data or read from a settings file -- with their input scaling and the
 * per-function training range, stored in a plain-data pesx_potential_file.
 * Layer 6: uses io (data sets, potential files) and descriptor.
 *
 * Generation (pesx_fit_sf_generate), per central element and neighbour
 * element (radial) or neighbour pair (angular), on the grids of n2p2's
 * symmetry-function parameter generator (Gastegger et al., J. Chem. Phys.
 * 148, 241709 (2018); Imbalzano et al., J. Chem. Phys. 148, 241730 (2018)):
 *   radial (n2p2 type 2), N points r_k evenly spaced on [r_inner, r_outer]
 *     shift:  rs = r_k,  eta = 1 / (2 dr^2), dr the grid spacing
 *     center: rs = 0,    eta = 1 / (2 r_k^2)
 *   angular (n2p2 type 9 "wide", G5-like, or 3 "narrow", G4-like), rs = 0,
 *     eta = 1 / (2 r_k^2) on an M-point grid over [r_inner, r_outer],
 *     every zeta of the list, lambda = +1 and -1.
 * r_inner comes from r_nn, the shortest distance between the two elements
 * in the data (for angular functions the shorter of the two pairs): r_nn
 * for the shifted grid, 0.35 r_nn for centred grids (radial and angular),
 * so that the narrowest Gaussian resolves the first neighbour shell;
 * r_outer = rc - 0.5 Angstrom (a function centred at the cutoff sees
 * nothing).  Pairs never closer than rc get no functions.  Measured on
 * auAl100 (tests/bench/bench_fit_auAl100's training, Adam 40 epochs, 15-15
 * softplus, one thread): the defaults (centred grids, 8 radial points,
 * correlation threshold 0.99: 33 Al and 17 Au functions) give test
 * errors of 0.37 meV/atom and 11.7 meV/A; threshold 0.995 (37/20) 0.35
 * and 8.0; with cos cutoff and scale-center 19.5 meV/A; the shifted grid
 * about 25 meV/A and centred grids starting at r_nn 65 meV/A.  (The
 * shipped potentials were fitted with these defaults; keep them so their
 * fit commands reproduce them.)
 * Every candidate is then evaluated on every atom of the training set with
 * the descriptor module; a function is dropped when it is constant on the
 * data (range below 1e-8 of its magnitude, or all zero) or when its Pearson
 * correlation with an already kept function of the same central element is
 * above max_corr (radial functions are considered first, then angular ones
 * by increasing eta and zeta).  The kept functions get the statistics the
 * scaling needs (gmin, gmax, gmean, gsigma; train_min/train_max = the range)
 * over the training set, computed in double precision in one pass.
 *
 * Network inputs are the kept functions in this order; each element gets a
 * placeholder network {n_sf, 1} (linear) with n_members = 1 until
 * pesx_fit_pf_set_network sets the real one. */
#ifndef PESX_FIT_SF_H
#define PESX_FIT_SF_H

#include <stddef.h>
#include <pesx/io_dataset.h>
#include <pesx/io_potential.h>
#include <pesx/descriptor.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { PESX_FIT_RADIAL_SHIFT = 0, PESX_FIT_RADIAL_CENTER = 1 };

#define PESX_FIT_MAX_ZETA 8

typedef struct {
    double rc;                  /* cutoff radius, Angstrom (6.0)             */
    char cutoff_type[32];       /* descriptor cutoff name ("poly2")          */
    double cutoff_alpha;        /* inner fraction (0)                        */
    int radial_mode;            /* PESX_FIT_RADIAL_CENTER                    */
    size_t n_radial;            /* radial functions per element pair (8)    */
    char angular_type[8];       /* "9" wide (default) or "3" narrow          */
    size_t n_angular_eta;       /* eta values per angular pair (2)          */
    double zeta[PESX_FIT_MAX_ZETA]; /* zeta list (1 2 4 16)                 */
    size_t n_zeta;
    double r_inner;             /* NAN: from the data (per pair, see above)  */
    double max_corr;            /* drop |corr| above this (0.99)            */
    char scaling_mode[32];      /* "scale" (descriptor scaling names)        */
    double smin, smax;          /* target range (-1, 1)                      */
    size_t max_sf_per_element;  /* 0 = no limit; else keep the first kept N  */
    size_t max_atoms;           /* statistics and selection on at most this
                                   many atoms per element, evenly strided
                                   over the set (0 = all; default 0)        */
} pesx_fit_sf_options;

void pesx_fit_sf_options_init(pesx_fit_sf_options *o);

/* What generation did, per element (for the user's log). */
typedef struct {
    size_t n_elements;
    int z[PESX_MAX_Z];
    size_t n_candidates[PESX_MAX_Z]; /* generated                         */
    size_t n_constant[PESX_MAX_Z];   /* dropped: constant on the data     */
    size_t n_correlated[PESX_MAX_Z]; /* dropped: near duplicates          */
    size_t n_kept[PESX_MAX_Z];
    double r_nn_min;                 /* shortest interatomic distance seen */
} pesx_fit_sf_report;

/* Generate, select and scale symmetry functions for the elements of TRAIN
 * into a released or freshly initialised PF (see above).  REPORT may be
 * NULL.  PESX_EINVAL for bad options, an element whose atoms never have a
 * neighbour within rc, or an element left without functions. */
int pesx_fit_sf_generate(const pesx_dataset *train, const pesx_fit_sf_options *o,
                         pesx_potential_file *pf, pesx_fit_sf_report *report);

/* --sf FILE: the symmetry functions of an n2p2 input.nn settings file
 * (elements, cutoff_type, symfunction_short lines; lengths in Angstrom),
 * with the scaling mode and range of O and the statistics over TRAIN.
 * Elements of TRAIN missing from the file are an error (naming them). */
int pesx_fit_sf_read(const char *path, const pesx_dataset *train, const pesx_fit_sf_options *o,
                     pesx_potential_file *pf);

/* (Re)compute gmin, gmax, gmean, gsigma, train_min, train_max of every
 * function of PF over every atom of TRAIN. */
int pesx_fit_sf_statistics(const pesx_dataset *train, pesx_potential_file *pf);

/* Replace every element's network by n_sf - HIDDEN[0] - ... - HIDDEN[n-1]
 * - 1 with ACTIVATIONS[0..n_hidden] (nn table names or n2p2 letters; the
 * last is the output layer's), N_MEMBERS committee members, weights zero. */
int pesx_fit_pf_set_network(pesx_potential_file *pf, size_t n_hidden, const size_t *hidden,
                            const char *const *activations, size_t n_members);

/* A live, finalised descriptor with the symmetry functions of PF (per
 * element, in network input order), or NULL with the error set. */
pesx_descriptor *pesx_fit_descriptor_from_file(const pesx_potential_file *pf);

/* The affine input scaling of PF: for element index E (order of
 * pf->element) and function K, x = factor G + offset.  FACTOR and OFFSET
 * hold pf->element[e].n_sf values each.  A constant function gets factor 0
 * (returns PESX_OK). */
int pesx_fit_sf_scaling(const pesx_potential_file *pf, size_t e, double *factor, double *offset);

#ifdef __cplusplus
}
#endif
#endif
