/* Normal modes and frequencies from a Hessian (GSL symmetric eigensolver). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include <pesx/path_vib.h>
#include "path/dimer_impl.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

double pesx_vib_cm_factor(void)
{
    /* omega = sqrt(lambda eV / (A^2 amu)) rad/s;  wavenumber = omega / (2 pi c) */
    return sqrt(PESX_EV_J / (1e-20 * PESX_AMU_KG)) / (2.0 * M_PI * PESX_C_CM_S);
}

void pesx_vib_init(pesx_vib *v)
{
    memset(v, 0, sizeof *v);
}

void pesx_vib_release(pesx_vib *v)
{
    free(v->eigenvalue);
    free(v->freq);
    free(v->mode);
    pesx_vib_init(v);
}

int pesx_vib_compute(pesx_vib *v, const pesx_hessian *H, size_t n_coord, const double *mass,
                     const double *x, int remove_t, int remove_r)
{
    size_t nf = H->n;
    pesx_vib_release(v);
    if (nf == 0)
        return pesx_error_set(PESX_EINVAL, "", 0, "frequencies: empty Hessian");
    for (size_t r = 0; r < nf; r++)
        if (!(mass[H->index[r]] > 0))
            return pesx_error_set(PESX_EINVAL, "", 0,
                                  "frequencies: coordinate %zu has no positive mass",
                                  H->index[r]);
    int rigid = (remove_t || remove_r) && nf == n_coord && n_coord % 3 == 0 && x;
    gsl_matrix *A = gsl_matrix_alloc(nf, nf);
    gsl_matrix *V = gsl_matrix_alloc(nf, nf);
    gsl_vector *L = gsl_vector_alloc(nf);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(nf);
    double *w = malloc(nf * sizeof *w), *basis = NULL, *ov = NULL;
    unsigned char *drop = calloc(nf, 1);
    size_t nb = 0;
    int st = PESX_OK;
    if (!A || !V || !L || !ws || !w || !drop) {
        st = pesx_error_set(PESX_ENOMEM, "", 0, "frequencies: out of memory");
        goto done;
    }
    for (size_t r = 0; r < nf; r++)
        w[r] = sqrt(mass[H->index[r]]);
    for (size_t r = 0; r < nf; r++)
        for (size_t c = 0; c < nf; c++)
            gsl_matrix_set(A, r, c, H->h[r * nf + c] / (w[r] * w[c]));
    if (rigid) {
        basis = malloc(6 * nf * sizeof *basis);
        ov = malloc(nf * sizeof *ov);
        double *col = malloc(nf * sizeof *col);
        if (!basis || !ov || !col) {
            free(col);
            st = pesx_error_set(PESX_ENOMEM, "", 0, "frequencies: out of memory");
            goto done;
        }
        dimer_rigid_basis(nf, x, w, remove_t, remove_r, basis, &nb);
        /* A <- P A P with P = 1 - sum b b^T */
        for (int pass = 0; pass < 2; pass++) {
            for (size_t r = 0; r < nf; r++) {
                for (size_t c = 0; c < nf; c++)
                    col[c] = gsl_matrix_get(A, pass ? c : r, pass ? r : c);
                dimer_project_out(nf, basis, nb, col);
                for (size_t c = 0; c < nf; c++)
                    gsl_matrix_set(A, pass ? c : r, pass ? r : c, col[c]);
            }
        }
        free(col);
    }
    if (gsl_eigen_symmv(A, L, V, ws) != GSL_SUCCESS ||
        gsl_eigen_symmv_sort(L, V, GSL_EIGEN_SORT_VAL_ASC) != GSL_SUCCESS) {
        st = pesx_error_set(PESX_EFAILED, "", 0, "frequencies: the eigensolver failed");
        goto done;
    }
    if (rigid && nb) {
        /* drop the nb eigenvectors lying most in the rigid-body space */
        for (size_t k = 0; k < nf; k++) {
            double s = 0.0;
            for (size_t b = 0; b < nb; b++) {
                double d = 0.0;
                for (size_t r = 0; r < nf; r++)
                    d += basis[b * nf + r] * gsl_matrix_get(V, r, k);
                s += d * d;
            }
            ov[k] = s;
        }
        for (size_t b = 0; b < nb; b++) {
            size_t best = nf;
            for (size_t k = 0; k < nf; k++)
                if (!drop[k] && (best == nf || ov[k] > ov[best]))
                    best = k;
            drop[best] = 1;
        }
    }
    v->n = nf - nb;
    v->n_removed = nb;
    v->n_coord = n_coord;
    v->eigenvalue = malloc(v->n * sizeof *v->eigenvalue + 1);
    v->freq = malloc(v->n * sizeof *v->freq + 1);
    v->mode = calloc(v->n * n_coord + 1, sizeof *v->mode);
    if (!v->eigenvalue || !v->freq || !v->mode) {
        st = pesx_error_set(PESX_ENOMEM, "", 0, "frequencies: out of memory");
        goto done;
    }
    double lmax = 0.0, f = pesx_vib_cm_factor();
    for (size_t k = 0, m = 0; k < nf; k++) {
        if (drop[k])
            continue;
        double lam = gsl_vector_get(L, k);
        v->eigenvalue[m] = lam;
        v->freq[m] = (lam < 0 ? -1.0 : 1.0) * f * sqrt(fabs(lam));
        double *mo = v->mode + m * n_coord, nn = 0.0;
        for (size_t r = 0; r < nf; r++) {
            mo[H->index[r]] = gsl_matrix_get(V, r, k) / w[r];
            nn += mo[H->index[r]] * mo[H->index[r]];
        }
        nn = sqrt(nn);
        for (size_t r = 0; r < nf; r++)
            mo[H->index[r]] /= nn;
        if (fabs(lam) > lmax)
            lmax = fabs(lam);
        m++;
    }
    v->tol = 1e-4 * lmax;
    for (size_t m = 0; m < v->n; m++) {
        if (v->eigenvalue[m] < -v->tol)
            v->n_negative++;
        else if (v->eigenvalue[m] <= v->tol)
            v->n_zero++;
    }
done:
    if (A)
        gsl_matrix_free(A);
    if (V)
        gsl_matrix_free(V);
    if (L)
        gsl_vector_free(L);
    if (ws)
        gsl_eigen_symmv_free(ws);
    free(w);
    free(basis);
    free(ov);
    free(drop);
    if (st)
        pesx_vib_release(v);
    return st;
}
