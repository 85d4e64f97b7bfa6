/* Comparing two configurations of the same atoms: the optimal rigid-body
 * superposition (Kabsch, Acta Cryst. A32, 922 (1976) and A34, 827 (1978))
 * for free molecules, the minimum image for everything else. */
#include <config.h>
#include <pesx/structure_align.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

/* Where the weights come from: an array, the masses of the elements, or
 * 1 each. */
typedef struct {
    const double *w;
    const int *z;
} weights;

static double weight(const weights *wt, size_t i)
{
    if (wt->w)
        return wt->w[i];
    if (wt->z)
        return pesx_element_mass(wt->z[i]);
    return 1.0;
}

static int check_weights(const weights *wt, size_t n, double *sum)
{
    *sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double w = weight(wt, i);
        if (!isfinite(w) || w < 0.0)
            return pesx_error_set(PESX_EINVAL, NULL, 0, "align: atom %zu has weight %g "
                                  "(weights must be finite and >= 0)", i + 1, w);
        if (wt->z && !wt->w && w <= 0.0)
            return pesx_error_set(PESX_EINVAL, NULL, 0, "align: atom %zu (Z = %d) has no "
                                  "known mass for mass weighting", i + 1, wt->z[i]);
        *sum += w;
    }
    if (n > 0 && !(*sum > 0.0))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "align: the weights sum to zero");
    return PESX_OK;
}

static int check_finite(size_t n, const double *x, const char *which)
{
    for (size_t k = 0; k < 3 * n; k++)
        if (!isfinite(x[k]))
            return pesx_error_set(PESX_EINVAL, NULL, 0, "align: atom %zu of the %s "
                                  "configuration has a non-finite position", k / 3 + 1, which);
    return PESX_OK;
}

static double det3(const double m[9])
{
    return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
           m[2] * (m[3] * m[7] - m[4] * m[6]);
}

static void normalize(double u[3])
{
    double s = sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
    u[0] /= s, u[1] /= s, u[2] /= s;
}

/* A unit vector perpendicular to the unit vector A. */
static void perpendicular(const double a[3], double u[3])
{
    int k = 0; /* the axis least along a */
    for (int j = 1; j < 3; j++)
        if (fabs(a[j]) < fabs(a[k]))
            k = j;
    for (int j = 0; j < 3; j++)
        u[j] = (j == k) - a[k] * a[j];
    normalize(u);
}

/* Singular values of the covariance below this fraction of the largest
 * count as zero: the point set is (nearly) planar or collinear and the
 * left singular vector is completed from the others.  Above it, H v / s
 * is accurate to about 1e-16 / fraction. */
#define SINGULAR_TOL 1e-13

/* The optimal proper rotation R (row-major) for the covariance
 * H = sum_i w_i p_i q_i^T, i.e. the one that maximises trace(R H):
 * H = U S V^T, R = V diag(1, 1, d) U^T with d = sign det(V U^T) on the
 * smallest singular value.  GSL's one-sided Jacobi gives S and V (V is
 * orthogonal even when H is singular); U is rebuilt as H v_k / s_k for the
 * two largest values and their cross product, so that a planar or
 * collinear set (zero singular values, for which the Jacobi U has zero
 * columns) still gives a rotation. */
static int rotation_from_covariance(const double h[9], double rot[9])
{
    double a[9], v[9], s[3], u[3][3];
    int ord[3] = {0, 1, 2}, st;
    memcpy(a, h, sizeof a);
    gsl_matrix_view A = gsl_matrix_view_array(a, 3, 3);
    gsl_matrix_view V = gsl_matrix_view_array(v, 3, 3);
    gsl_vector_view S = gsl_vector_view_array(s, 3);
    st = gsl_linalg_SV_decomp_jacobi(&A.matrix, &V.matrix, &S.vector);
    if (st)
        return pesx_error_set(PESX_EFAILED, NULL, 0, "align: the SVD failed (%s)",
                              gsl_strerror(st));
    /* singular values in decreasing order */
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (s[ord[j]] > s[ord[i]]) {
                int t = ord[i];
                ord[i] = ord[j];
                ord[j] = t;
            }
    memset(rot, 0, 9 * sizeof *rot);
    if (!(s[ord[0]] > 0.0)) { /* H = 0: every rotation is as good */
        rot[0] = rot[4] = rot[8] = 1.0;
        return PESX_OK;
    }
    for (int k = 0; k < 2; k++) {
        int c = ord[k];
        double *uk = u[k];
        if (k == 1 && !(s[c] > SINGULAR_TOL * s[ord[0]])) {
            perpendicular(u[0], uk);
            break;
        }
        for (int r = 0; r < 3; r++)
            uk[r] = h[3 * r] * v[c] + h[3 * r + 1] * v[3 + c] + h[3 * r + 2] * v[6 + c];
        if (k == 1) { /* re-orthogonalise against u0 */
            double d = uk[0] * u[0][0] + uk[1] * u[0][1] + uk[2] * u[0][2];
            for (int r = 0; r < 3; r++)
                uk[r] -= d * u[0][r];
        }
        normalize(uk);
    }
    u[2][0] = u[0][1] * u[1][2] - u[0][2] * u[1][1];
    u[2][1] = u[0][2] * u[1][0] - u[0][0] * u[1][2];
    u[2][2] = u[0][0] * u[1][1] - u[0][1] * u[1][0];
    /* det U = +1 by construction, so d = sign det V (with V's columns in
     * the order ord) */
    double vo[9];
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 3; k++)
            vo[3 * r + k] = v[3 * r + ord[k]];
    double d = det3(vo) < 0.0 ? -1.0 : 1.0;
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            rot[3 * r + c] = vo[3 * r] * u[0][c] + vo[3 * r + 1] * u[1][c] +
                             d * vo[3 * r + 2] * u[2][c];
    return PESX_OK;
}

/* rmsd and largest distance of rot * mov_i + shift from ref_i. */
static void residuals(size_t n, const double *ref, const double *mov, const weights *wt,
                      double wsum, pesx_align *out)
{
    double s = 0.0, worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double y[3], d2 = 0.0;
        pesx_align_apply(out, 1, mov + 3 * i, y);
        for (int k = 0; k < 3; k++) {
            double d = y[k] - ref[3 * i + k];
            d2 += d * d;
        }
        s += weight(wt, i) * d2;
        if (d2 > worst)
            worst = d2;
    }
    out->rmsd = n ? sqrt(s / wsum) : 0.0;
    out->max_dist = sqrt(worst);
}

static void set_identity(pesx_align *out)
{
    memset(out, 0, sizeof *out);
    out->rot[0] = out->rot[4] = out->rot[8] = 1.0;
}

static int kabsch(size_t n, const double *ref, const double *mov, const weights *wt,
                  pesx_align *out)
{
    double wsum, cr[3] = {0, 0, 0}, cm[3] = {0, 0, 0};
    double h[9] = {0};
    int st;
    set_identity(out);
    out->rigid = 1;
    if ((st = check_finite(n, ref, "reference")) || (st = check_finite(n, mov, "moving")) ||
        (st = check_weights(wt, n, &wsum)))
        return st;
    if (n == 0)
        return PESX_OK;
    /* weighted centroids */
    for (size_t i = 0; i < n; i++) {
        double w = weight(wt, i);
        for (int k = 0; k < 3; k++) {
            cr[k] += w * ref[3 * i + k];
            cm[k] += w * mov[3 * i + k];
        }
    }
    for (int k = 0; k < 3; k++) {
        cr[k] /= wsum;
        cm[k] /= wsum;
    }
    /* covariance H = sum_i w_i p_i q_i^T, p = mov - cm, q = ref - cr */
    for (size_t i = 0; i < n; i++) {
        double w = weight(wt, i), p[3], q[3];
        for (int k = 0; k < 3; k++) {
            p[k] = mov[3 * i + k] - cm[k];
            q[k] = ref[3 * i + k] - cr[k];
        }
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                h[3 * r + c] += w * p[r] * q[c];
    }
    if ((st = rotation_from_covariance(h, out->rot)))
        return st;
    for (int r = 0; r < 3; r++)
        out->shift[r] = cr[r] - (out->rot[3 * r] * cm[0] + out->rot[3 * r + 1] * cm[1] +
                                 out->rot[3 * r + 2] * cm[2]);
    residuals(n, ref, mov, wt, wsum, out);
    return PESX_OK;
}

int pesx_align_points(size_t n, const double *ref, const double *mov, const double *w,
                      pesx_align *out)
{
    weights wt = {w, NULL};
    return kabsch(n, ref, mov, &wt, out);
}

/* Atom by atom through the minimum image of A's periodic directions. */
static int min_image(const pesx_atoms *a, const double *ref, const double *mov,
                     const weights *wt, pesx_align *out)
{
    double inv[9], wsum, s = 0.0, worst = 0.0;
    int periodic = pesx_atoms_any_pbc(a), st;
    set_identity(out);
    if ((st = check_finite(a->n, ref, "reference")) || (st = check_finite(a->n, mov, "moving")) ||
        (st = check_weights(wt, a->n, &wsum)))
        return st;
    if (periodic && (st = pesx_atoms_frame(a, NULL, inv)))
        return st;
    for (size_t i = 0; i < a->n; i++) {
        double dv[3] = {mov[3 * i] - ref[3 * i], mov[3 * i + 1] - ref[3 * i + 1],
                        mov[3 * i + 2] - ref[3 * i + 2]};
        if (periodic)
            pesx_atoms_min_image(a, inv, dv);
        double d2 = dv[0] * dv[0] + dv[1] * dv[1] + dv[2] * dv[2];
        s += weight(wt, i) * d2;
        if (d2 > worst)
            worst = d2;
    }
    out->rmsd = a->n ? sqrt(s / wsum) : 0.0;
    out->max_dist = sqrt(worst);
    return PESX_OK;
}

static int any_fixed(const pesx_atoms *a)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->fixed[i])
            return 1;
    return 0;
}

int pesx_align_coords(const pesx_atoms *a, const double *ref, const double *mov, int flags,
                      pesx_align *out)
{
    weights wt = {NULL, (flags & PESX_ALIGN_MASS_WEIGHTED) ? a->z : NULL};
    if (!(flags & PESX_ALIGN_IN_PLACE) && !pesx_atoms_any_pbc(a) && !any_fixed(a))
        return kabsch(a->n, ref, mov, &wt, out);
    return min_image(a, ref, mov, &wt, out);
}

int pesx_align_atoms(const pesx_atoms *ref, const pesx_atoms *mov, int flags, pesx_align *out)
{
    weights wt = {NULL, (flags & PESX_ALIGN_MASS_WEIGHTED) ? ref->z : NULL};
    set_identity(out);
    if (ref->n != mov->n)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "align: %zu atoms against %zu", mov->n,
                              ref->n);
    for (size_t i = 0; i < ref->n; i++)
        if (ref->z[i] != mov->z[i]) {
            const char *a = pesx_element_symbol(mov->z[i]), *b = pesx_element_symbol(ref->z[i]);
            return pesx_error_set(PESX_EINVAL, NULL, 0, "align: atom %zu is %s, but %s in the "
                                  "reference (atoms are matched in order)", i + 1,
                                  a ? a : "unknown", b ? b : "unknown");
        }
    if (!(flags & PESX_ALIGN_IN_PLACE) && !pesx_atoms_any_pbc(ref) && !any_fixed(ref) &&
        !any_fixed(mov))
        return kabsch(ref->n, ref->x, mov->x, &wt, out);
    return min_image(ref, ref->x, mov->x, &wt, out);
}

int pesx_align_superpose(const pesx_atoms *ref, pesx_atoms *mov, int flags, pesx_align *out)
{
    pesx_align al;
    int st = pesx_align_atoms(ref, mov, flags, &al);
    if (st)
        return st;
    pesx_align_apply(&al, mov->n, mov->x, mov->x);
    if (out)
        *out = al;
    return PESX_OK;
}

void pesx_align_apply(const pesx_align *al, size_t n, const double *in, double *out)
{
    for (size_t i = 0; i < n; i++) {
        double p[3] = {in[3 * i], in[3 * i + 1], in[3 * i + 2]};
        if (!al->rigid) {
            memcpy(out + 3 * i, p, sizeof p);
            continue;
        }
        for (int r = 0; r < 3; r++)
            out[3 * i + r] = al->rot[3 * r] * p[0] + al->rot[3 * r + 1] * p[1] +
                             al->rot[3 * r + 2] * p[2] + al->shift[r];
    }
}
