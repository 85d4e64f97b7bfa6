/* Identity of saddles and minima: energy, then structure after the best
 * permutation of same-element atoms and (free clusters) the best rigid
 * superposition; mirror images stay distinct (proper rotations only). */
#include <config.h>
#include <pesx/explore.h>
#include "explore_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>

/* Alternating assignment and superposition converges in a few rounds for
 * structures near each other; the cap only guards against a 2-cycle. */
#define MAX_ROUNDS 20

void pesx_explore_identity_default(pesx_explore_identity *id)
{
    id->energy_tol = 1e-3;
    id->dist_tol = 0.1;
}

typedef struct {
    size_t n;
    size_t *group;   /* atoms of one element, free        */
    size_t *row_of;  /* assignment of the group            */
    double *cost;    /* group x group                      */
    double *yp;      /* Y permuted                         */
    double *yt;      /* Y superposed (in Y's own order)    */
} scratch;

static void scratch_free(scratch *s)
{
    free(s->group);
    free(s->row_of);
    free(s->cost);
    free(s->yp);
    free(s->yt);
}

static int scratch_alloc(scratch *s, size_t n)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->group = malloc((n + 1) * sizeof *s->group);
    s->row_of = malloc((n + 1) * sizeof *s->row_of);
    s->cost = malloc((n * n + 1) * sizeof *s->cost);
    s->yp = malloc((3 * n + 1) * sizeof *s->yp);
    s->yt = malloc((3 * n + 1) * sizeof *s->yt);
    if (!s->group || !s->row_of || !s->cost || !s->yp || !s->yt) {
        scratch_free(s);
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    }
    return PESX_OK;
}

/* The best assignment of every element's free atoms of X to those of YT
 * (squared minimum-image distances); returns 1 when PERM changed. */
static int reassign(scratch *s, const pesx_atoms *a, const double inv[9], const double *x,
                    size_t *perm, int *status)
{
    size_t n = a->n;
    int changed = 0;
    unsigned char *done = calloc(n + 1, 1);
    if (!done) {
        *status = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        return 0;
    }
    for (size_t i0 = 0; i0 < n; i0++) {
        if (done[i0] || (a->fixed && a->fixed[i0]))
            continue;
        size_t m = 0;
        for (size_t i = i0; i < n; i++)
            if (!done[i] && a->z[i] == a->z[i0] && !(a->fixed && a->fixed[i])) {
                s->group[m++] = i;
                done[i] = 1;
            }
        for (size_t r = 0; r < m; r++)
            for (size_t c = 0; c < m; c++) {
                double d[3];
                for (int k = 0; k < 3; k++)
                    d[k] = s->yt[3 * s->group[c] + k] - x[3 * s->group[r] + k];
                pesx_atoms_min_image(a, inv, d);
                s->cost[r * m + c] = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            }
        if ((*status = explore_assign(m, s->cost, s->row_of)))
            break;
        for (size_t c = 0; c < m; c++) {
            size_t i = s->group[s->row_of[c]];
            if (perm[i] != s->group[c])
                changed = 1;
            perm[i] = s->group[c];
        }
    }
    free(done);
    return changed;
}

/* Refine PERM (an assignment from the superposed S->YT) and the
 * superposition in turn until PERM no longer changes; AL is the
 * comparison of the final PERM. */
static int refine(scratch *s, const pesx_potential *pot, const pesx_atoms *a,
                  const double inv[9], const double *x, const double *y, size_t *perm,
                  pesx_align *al)
{
    size_t n = a->n;
    int st = PESX_OK;
    reassign(s, a, inv, x, perm, &st);
    for (int round = 0; round < MAX_ROUNDS && !st; round++) {
        for (size_t i = 0; i < n; i++)
            memcpy(s->yp + 3 * i, y + 3 * perm[i], 3 * sizeof *y);
        if ((st = pesx_saddle_compare(pot, a, x, s->yp, al)))
            break;
        pesx_align_apply(al, n, y, s->yt);
        if (!reassign(s, a, inv, x, perm, &st) || st)
            break;
        if (round + 1 == MAX_ROUNDS) {
            for (size_t i = 0; i < n; i++)
                memcpy(s->yp + 3 * i, y + 3 * perm[i], 3 * sizeof *y);
            st = pesx_saddle_compare(pot, a, x, s->yp, al);
        }
    }
    return st;
}

/* Principal axes (columns of E, ascending moments) and centroid of the n
 * points P. */
static int principal_axes(size_t n, const double *p, double c[3], double e[9])
{
    double m[9] = {0};
    c[0] = c[1] = c[2] = 0;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 3; k++)
            c[k] += p[3 * i + k] / (double)n;
    for (size_t i = 0; i < n; i++)
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < 3; k++)
                m[3 * r + k] += (p[3 * i + r] - c[r]) * (p[3 * i + k] - c[k]);
    gsl_matrix_view mv = gsl_matrix_view_array(m, 3, 3);
    gsl_vector *ev = gsl_vector_alloc(3);
    gsl_matrix *vec = gsl_matrix_alloc(3, 3);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(3);
    int st = PESX_OK;
    if (!ev || !vec || !w)
        st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    else if (gsl_eigen_symmv(&mv.matrix, ev, vec, w) ||
             gsl_eigen_symmv_sort(ev, vec, GSL_EIGEN_SORT_VAL_ASC))
        st = pesx_error_set(PESX_EFAILED, NULL, 0, "principal axes: eigensolver failed");
    else
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < 3; k++)
                e[3 * r + k] = gsl_matrix_get(vec, (size_t)r, (size_t)k);
    gsl_eigen_symmv_free(w);
    gsl_matrix_free(vec);
    gsl_vector_free(ev);
    return st;
}

static double det3(const double m[9])
{
    return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
           m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/* A free cluster whose atoms were relabelled and turned far: the atoms'
 * order says nothing, so the superposition also starts from each of the
 * four proper maps of Y's principal axes onto X's. */
static int from_principal_axes(scratch *s, const pesx_potential *pot, const pesx_atoms *a,
                               const double inv[9], const double *x, const double *y,
                               size_t *perm, pesx_align *al)
{
    size_t n = a->n;
    double cx[3], cy[3], ex[9], ey[9];
    int st;
    size_t *trial = malloc((n + 1) * sizeof *trial);
    if (!trial)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    if ((st = principal_axes(n, x, cx, ex)) || (st = principal_axes(n, y, cy, ey))) {
        free(trial);
        return st;
    }
    for (int signs = 0; signs < 8 && !st; signs++) {
        double sg[3] = {signs & 1 ? -1 : 1, signs & 2 ? -1 : 1, signs & 4 ? -1 : 1};
        double r[9];
        /* R = Ex diag(sg) Ey^T, proper rotations only */
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                r[3 * i + j] = 0;
                for (int k = 0; k < 3; k++)
                    r[3 * i + j] += ex[3 * i + k] * sg[k] * ey[3 * j + k];
            }
        if (det3(r) < 0)
            continue;
        for (size_t i = 0; i < n; i++)
            for (int k = 0; k < 3; k++) {
                const double *q = y + 3 * i;
                s->yt[3 * i + k] = cx[k] + r[3 * k] * (q[0] - cy[0]) +
                                   r[3 * k + 1] * (q[1] - cy[1]) + r[3 * k + 2] * (q[2] - cy[2]);
            }
        for (size_t i = 0; i < n; i++)
            trial[i] = i;
        pesx_align t;
        if (!(st = refine(s, pot, a, inv, x, y, trial, &t)) && t.rmsd < al->rmsd) {
            *al = t;
            memcpy(perm, trial, n * sizeof *perm);
        }
    }
    free(trial);
    return st;
}

int pesx_explore_compare(const pesx_potential *pot, const pesx_atoms *a, const double *x,
                         const double *y, size_t *perm_out, pesx_align *al)
{
    size_t n = a->n;
    double inv[9];
    scratch s;
    size_t *perm = malloc((n + 1) * sizeof *perm);
    int st;
    if (!perm)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    if ((st = scratch_alloc(&s, n))) {
        free(perm);
        return st;
    }
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    if (!(st = pesx_atoms_frame(a, NULL, inv)) &&
        !(st = pesx_saddle_compare(pot, a, x, y, al)) &&
        !(pesx_potential_flags(pot) & PESX_POTENTIAL_MODEL_SURFACE)) {
        /* from the atoms' own order first: searches keep labels */
        pesx_align_apply(al, n, y, s.yt);
        if (!(st = refine(&s, pot, a, inv, x, y, perm, al)) && al->rigid &&
            al->max_dist > 1e-6 && n >= 3)
            st = from_principal_axes(&s, pot, a, inv, x, y, perm, al);
    }
    if (!st && perm_out)
        memcpy(perm_out, perm, n * sizeof *perm);
    scratch_free(&s);
    free(perm);
    return st;
}

int pesx_explore_same(const pesx_explore_identity *id, const pesx_potential *pot,
                      const pesx_atoms *a, const double *x, double ex, const double *y,
                      double ey)
{
    pesx_align al;
    if (!(fabs(ex - ey) <= id->energy_tol))
        return 0;
    int st = pesx_explore_compare(pot, a, x, y, NULL, &al);
    if (st)
        return st < 0 ? st : -st;
    return al.max_dist <= id->dist_tol;
}
