/* Bands from elsewhere (pesx barrier, pesx saddle --mode-from-band): where
 * the bands of a trajectory begin, and the barrier report of one band
 * given as frames, re-evaluated or with its stored energies and forces. */
#include <config.h>
#include <pesx/path.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Same atoms at the same places (to 1e-6 A)? */
static int same_frame(const pesx_frame *a, const pesx_frame *b)
{
    if (a->atoms->n != b->atoms->n)
        return 0;
    for (size_t k = 0; k < 3 * a->atoms->n; k++)
        if (!(fabs(a->atoms->x[k] - b->atoms->x[k]) <= 1e-6))
            return 0;
    return 1;
}

static int bands_of(const pesx_frame *fr, size_t nf, size_t m)
{
    if (nf % m)
        return 0;
    for (size_t b = m; b < nf; b += m)
        if (!same_frame(&fr[0], &fr[b]) || !same_frame(&fr[m - 1], &fr[b + m - 1]))
            return 0;
    return 1;
}

int pesx_band_split(const pesx_frame *fr, size_t nf, size_t band_size, const char *path,
                    size_t *size)
{
    if (band_size) {
        if (band_size < 3 || nf % band_size)
            return pesx_error_set(PESX_EINVAL, path, 1,
                                  "%zu frames are not bands of %zu images (endpoints included)",
                                  nf, band_size);
        for (size_t b = band_size; b < nf; b += band_size)
            if (!same_frame(&fr[0], &fr[b]) || !same_frame(&fr[band_size - 1], &fr[b - 1]))
                return pesx_error_set(PESX_EINVAL, path, fr[b].line,
                                      "frame %zu should start band %zu of %zu images (endpoints "
                                      "included), but the endpoints differ from band 1's",
                                      b + 1, b / band_size + 1, band_size);
        *size = band_size;
        return PESX_OK;
    }
    *size = nf;
    for (size_t m = 3; 2 * m <= nf; m++)
        if (same_frame(&fr[0], &fr[m]) && bands_of(fr, nf, m)) {
            *size = m;
            break;
        }
    return PESX_OK;
}

void pesx_band_force_norms(size_t n_atoms, const unsigned char *frozen, const double *f,
                           double *fmax, double *fnorm)
{
    double m = 0.0, s = 0.0;
    for (size_t a = 0; a < n_atoms; a++) {
        double t = 0.0;
        for (int k = 0; k < 3; k++)
            if (!frozen || !frozen[3 * a + k])
                t += f[3 * a + k] * f[3 * a + k];
        s += t;
        if (t > m)
            m = t;
    }
    *fmax = sqrt(m);
    *fnorm = sqrt(s);
}

typedef struct {
    double *x, *e, *f, *s, *ft, *std, *mem;
    size_t *nx;
    unsigned char *xflags, *frozen;
} band_arrays;

static void arrays_free(band_arrays *b)
{
    free(b->x);
    free(b->e);
    free(b->f);
    free(b->s);
    free(b->ft);
    free(b->std);
    free(b->mem);
    free(b->nx);
    free(b->xflags);
    free(b->frozen);
}

int pesx_band_report_frames(pesx_report *r, pesx_potential *pot, pesx_frame *fr, size_t nf,
                            const char *path)
{
    size_t n, dim, M = 1, saddle = 0, calls = 0, any_x = 0;
    int has_std = 0, status = PESX_OK;
    band_arrays b;
    memset(&b, 0, sizeof b);
    if (nf < 3)
        return pesx_error_set(PESX_EINVAL, path, 1,
                              "a band needs at least 3 images (reactant, one image, product); "
                              "found %zu frame%s", nf, nf == 1 ? "" : "s");
    for (size_t i = 1; i < nf; i++) {
        if ((status = pesx_neb_check_endpoints(fr[0].atoms, path, fr[0].line, fr[i].atoms, path,
                                               fr[i].line)))
            return status;
        for (size_t a = 0; a < fr[0].atoms->n; a++)
            fr[0].atoms->fixed[a] |= fr[i].atoms->fixed[a];
    }
    for (size_t i = 1; i < nf; i++)
        if ((status = pesx_neb_align(fr[i - 1].atoms, fr[i].atoms)))
            return status;
    n = fr[0].atoms->n;
    dim = 3 * n;
    if (pot)
        M = pesx_potential_n_members(pot);
    b.x = malloc(nf * dim * sizeof *b.x);
    b.f = calloc(nf * dim, sizeof *b.f);
    b.e = malloc(nf * sizeof *b.e);
    b.s = malloc(nf * sizeof *b.s);
    b.ft = malloc(nf * sizeof *b.ft);
    b.std = calloc(nf, sizeof *b.std);
    b.nx = calloc(nf, sizeof *b.nx);
    b.mem = calloc(nf * M, sizeof *b.mem);
    b.xflags = calloc(n + 1, 1);
    b.frozen = calloc(dim + 1, 1);
    if (!b.x || !b.f || !b.e || !b.s || !b.ft || !b.std || !b.nx || !b.mem || !b.xflags ||
        !b.frozen) {
        status = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    for (size_t a = 0; a < n; a++)
        b.frozen[3 * a] = b.frozen[3 * a + 1] = b.frozen[3 * a + 2] = fr[0].atoms->fixed[a];
    for (size_t i = 0; i < nf; i++) {
        memcpy(b.x + i * dim, fr[i].atoms->x, dim * sizeof *b.x);
        if (pot) {
            pesx_potential_result pr;
            memset(&pr, 0, sizeof pr);
            pr.forces = b.f + i * dim;
            pr.member_energies = M > 1 ? b.mem + i * M : NULL;
            pr.extrapolating = b.xflags;
            memcpy(fr[i].atoms->fixed, fr[0].atoms->fixed, n);
            if ((status = pesx_potential_eval(pot, fr[i].atoms, &pr))) {
                pesx_error_prefix("%s: frame %zu: ", path, i + 1);
                goto out;
            }
            calls++;
            b.e[i] = pr.energy;
            b.std[i] = pr.has_std ? pr.energy_std : 0.0;
            has_std |= pr.has_std;
            b.nx[i] = pr.n_extrapolating;
            any_x |= pr.n_extrapolating;
        } else {
            if (!fr[i].has_energy || !fr[i].has_forces) {
                status = pesx_error_set(PESX_EINVAL, path, fr[i].line,
                                        "frame %zu has no %s; give -p POT to compute them",
                                        i + 1, fr[i].has_energy ? "forces" : "energy=");
                goto out;
            }
            b.e[i] = fr[i].energy;
            memcpy(b.f + i * dim, fr[i].forces, dim * sizeof *b.f);
        }
        for (size_t k = 0; k < dim; k++)
            if (b.frozen[k])
                b.f[i * dim + k] = 0.0;
    }
    if ((status = pesx_band_profile(n, nf, b.x, b.e, b.f, b.s, b.ft, &saddle)) ||
        (status = pesx_report_set_profile(r, nf, b.s, b.e, b.ft, saddle, 0,
                                          has_std ? b.std : NULL,
                                          (any_x || M > 1) ? b.nx : NULL)) ||
        (M > 1 && (status = pesx_report_set_members(r, M, b.mem))))
        goto out;
    pesx_band_force_norms(n, b.frozen, b.f + saddle * dim, &r->saddle_fmax, &r->saddle_fnorm);
    r->method = PESX_REPORT_BARRIER;
    r->converged = 1;
    r->force_calls = calls;
    if (pot)
        snprintf(r->potential, sizeof r->potential, "%s", pesx_potential_spec(pot));
    status = pesx_report_finish(r);
out:
    arrays_free(&b);
    return status;
}
