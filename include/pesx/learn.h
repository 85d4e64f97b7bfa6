/* pesx learn: the learning loop (issue 13).  A surrogate fitted on the
 * reference calls made so far replaces the reference in the band; the
 * reference is asked only where the surrogate is unsure (largest energy
 * sigma on the band) or to confirm the climbing image.  The first
 * surrogate is a Gaussian process with gradient observations on the
 * Cartesian coordinates of the free atoms (as CatLearn's ML-NEB,
 * Torres et al., PRL 122, 156001 (2019)).  Layer 7: uses path, io. */
#ifndef PESX_LEARN_H
#define PESX_LEARN_H

#include <stddef.h>
#include <stdio.h>
#include <pesx/potential.h>
#include <pesx/path.h>
#include <pesx/io_dataset.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double sigma;        /* energy sigma below which an image is trusted, eV (0.05) */
    double fmax_ci;      /* reference fmax at the climbing image, eV/A (0.05)      */
    size_t max_calls;    /* reference calls allowed, 0 = no limit (0)              */
    size_t max_iter;     /* iterations (200)                                       */
    double length;       /* GP length scale, A (0.4)                                */
    double noise_e;      /* GP energy noise, eV (0.001)                             */
    double noise_f;      /* GP gradient noise, eV/A (0.005)                         */
    const char *data_path; /* seed and grown data (data.xml), NULL = none          */
    FILE *table;         /* per-iteration table, NULL = none                        */
} pesx_learn_params;

void pesx_learn_params_default(pesx_learn_params *p);

typedef struct {
    size_t iterations;
    size_t reference_calls;   /* made in this run (cached structures excluded) */
    size_t surrogate_calls;   /* band evaluations on the surrogate             */
    size_t data;              /* structures in the data at the end             */
    double ci_fmax;           /* reference fmax at the last confirmed climbing image */
    double max_sigma;         /* largest sigma on the band at the end          */
    int converged;
} pesx_learn_status;

/* Run the band BAND (its images hold the initial path; its potential is
 * replaced for the run by the learner's surrogate, which the caller
 * allocates with pesx_learn_surrogate_alloc and gave to pesx_neb_alloc)
 * with reference REF until the reference confirms the climbing image.
 * On return the band's endpoints and climbing image carry the reference's
 * energies and forces (pesx_learn_band_frames).  PESX_OK when converged,
 * PESX_ENOCONV when max_calls or max_iter ran out, or the reference's
 * error (the data file then holds every call made before it). */
typedef struct pesx_learn pesx_learn;

/* The surrogate as a potential (not registered: it lives in a learner). */
pesx_potential *pesx_learn_surrogate_alloc(const pesx_potential *ref);

pesx_learn *pesx_learn_alloc(pesx_potential *ref, pesx_potential *surrogate,
                             const pesx_atoms *tmpl, const pesx_learn_params *p);
void pesx_learn_free(pesx_learn *l);
int pesx_learn_neb(pesx_learn *l, pesx_neb *band, pesx_learn_status *st);
/* The band as frames with reference energies and forces at the endpoints
 * and the climbing image, the surrogate's elsewhere (info learn_source). */
int pesx_learn_band_frames(pesx_learn *l, pesx_neb *band, pesx_frame **out, size_t *n);

/* The barrier report of the band from those frames: every energy at the
 * endpoints and the saddle is the reference's; force-calls are reference
 * calls; the learn counts of ST. */
int pesx_learn_report(pesx_learn *l, pesx_neb *band, const pesx_learn_status *st,
                      pesx_report *r);

#ifdef __cplusplus
}
#endif
#endif
