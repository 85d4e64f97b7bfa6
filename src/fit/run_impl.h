/* Private: the pieces of pesx_fit_run (run.c) that deal with files and
 * closing errors (run_files.c). */
#ifndef PESX_FIT_RUN_IMPL_H
#define PESX_FIT_RUN_IMPL_H

#include <stdio.h>
#include <pesx/fit.h>

/* One fit in progress. */
typedef struct {
    const pesx_fit_setup *o;
    pesx_fit_result *res;
    pesx_fit_model *m;
    size_t member, n_members, epochs_before, total_epochs;
    size_t curve_cap;
    char checkpoint[4200], state_path[4300];
    int stopped;                /* the progress callback asked to stop      */
    int failed;                 /* a status that ends the fit (checkpoint)  */
} fit_run;

/* The learning curve: append a row to res->curve (and to o->curve's file). */
int fit_curve_add(fit_run *R, const pesx_fit_curve_row *row);
/* A new curve file with its header. */
int fit_curve_start(const char *path);
/* --resume: keep the curve file's rows up to MEMBER/EPOCH, drop later ones,
 * load the kept rows into res->curve.  A missing file starts afresh. */
int fit_curve_resume(fit_run *R, const char *path, size_t member, size_t epoch);

/* The checkpoint of member MEMBER at the epoch EP (see pesx-fit(1)). */
int fit_checkpoint_write(fit_run *R, size_t member, const pesx_fit_epoch *ep);

/* Write members 0..n_members-1 of the model into res->pf and to PATH
 * (when not NULL) with SOURCE as its <source>. */
int fit_write_model(fit_run *R, const char *path, size_t n_members, const char *source);

/* Errors of the committee mean over structures IDX of S (of data set DS);
 * PARITY (may be NULL) gets a row per energy and force component, named
 * SET.  With KEEP, the energies per atom and force components go into the
 * result's test parity arrays. */
int fit_evaluate(fit_run *R, pesx_fit_set *s, const pesx_dataset *ds, const size_t *idx,
                 size_t n, const char *set, FILE *parity, int keep, pesx_fit_errors *out);

#endif
