/* Where a single-ended saddle search starts, along which mode: a random
 * displacement, the lowest mode at a stationary point, a band's highest
 * image; and when two configurations are the same. */
#include <config.h>
#include <pesx/path.h>
#include <pesx/path_saddle.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pesx_saddle_displace(const pesx_objective *o, const unsigned char *sel, double d,
                          pesx_rng *rng, double *x, double *mode)
{
    for (size_t k = 0; k < o->n; k++) {
        mode[k] = !sel || sel[k / 3] ? d * pesx_rng_normal(rng) : 0.0;
        if (o->frozen && o->frozen[k])
            mode[k] = 0.0;
        x[k] += mode[k];
    }
}

int pesx_saddle_stationary_mode(pesx_objective *o, const pesx_dimer_params *p, const double *x,
                                pesx_rng *rng, double *mode, pesx_dimer_result *res)
{
    for (size_t k = 0; k < o->n; k++)
        mode[k] = pesx_rng_normal(rng);
    return pesx_dimer_lowest_mode(o, p, x, mode, NULL, NULL, res);
}

int pesx_saddle_band_start(size_t n_atoms, size_t n_images, const double *x, const double *e,
                           size_t *image, double *mode)
{
    size_t dim = 3 * n_atoms, best = 1;
    if (n_images < 3)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "a band needs at least 3 images (has %zu)",
                              n_images);
    for (size_t k = 2; k + 1 < n_images; k++)
        if (e[k] > e[best])
            best = k;
    pesx_band_tangent(dim, x + (best - 1) * dim, x + best * dim, x + (best + 1) * dim,
                      e[best - 1], e[best], e[best + 1], mode);
    *image = best;
    return PESX_OK;
}

int pesx_saddle_band_file_start(pesx_potential *pot, const pesx_frame *fr, size_t nf,
                                const char *path, size_t *image, double *energy, double *mode,
                                size_t *calls)
{
    size_t size, first, n, best = 0;
    double *e = NULL, *x = NULL;
    int status;
    if (nf < 3)
        return pesx_error_set(PESX_EINVAL, path, 1, "a band needs at least 3 images (has %zu)",
                              nf);
    if ((status = pesx_band_split(fr, nf, 0, path, &size)))
        return status;
    first = nf - size;
    fr += first;
    n = fr[0].atoms->n;
    for (size_t k = 1; k < size; k++)
        if ((status = pesx_neb_check_endpoints(fr[0].atoms, path, fr[0].line, fr[k].atoms, path,
                                               fr[k].line)))
            return status;
    if (!(e = malloc(size * sizeof *e)) || !(x = malloc(size * 3 * n * sizeof *x))) {
        status = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < size; k++) {
        memcpy(x + k * 3 * n, fr[k].atoms->x, 3 * n * sizeof *x);
        if (fr[k].has_energy) {
            e[k] = fr[k].energy;
        } else {
            pesx_potential_result r;
            memset(&r, 0, sizeof r);
            if ((status = pesx_potential_eval(pot, fr[k].atoms, &r))) {
                pesx_error_prefix("%s: image %zu (line %ld): ", path, k, fr[k].line);
                goto out;
            }
            e[k] = r.energy;
            (*calls)++;
        }
    }
    if ((status = pesx_saddle_band_start(n, size, x, e, &best, mode)))
        goto out;
    *image = first + best;
    if (energy)
        *energy = e[best];
out:
    free(e);
    free(x);
    return status;
}

int pesx_saddle_compare(const pesx_potential *pot, const pesx_atoms *a, const double *x,
                        const double *y, pesx_align *al)
{
    int flags = (pesx_potential_flags(pot) & PESX_POTENTIAL_MODEL_SURFACE) ? PESX_ALIGN_IN_PLACE : 0;
    return pesx_align_coords(a, x, y, flags, al);
}

int pesx_saddle_same(const pesx_potential *pot, const pesx_atoms *a, const double *x,
                     double ex, const double *y, double ey, double tol)
{
    pesx_align al;
    return fabs(ex - ey) < 1e-3 && pesx_saddle_compare(pot, a, x, y, &al) == PESX_OK &&
           al.max_dist < tol;
}

int pesx_saddle_check_atoms(const pesx_atoms *start, const pesx_atoms *g, const char *path,
                            long line)
{
    if (g->n != start->n)
        return pesx_error_set(PESX_EINVAL, path, line, "%zu atoms, the start structure has %zu",
                              g->n, start->n);
    for (size_t i = 0; i < start->n; i++)
        if (g->z[i] != start->z[i]) {
            const char *a = pesx_element_symbol(g->z[i]), *b = pesx_element_symbol(start->z[i]);
            return pesx_error_set(PESX_EINVAL, path, line + 2 + (long)i,
                                  "atom %zu is %s, the start structure has %s there (atoms are "
                                  "matched in order)", i + 1, a ? a : "unknown", b ? b : "unknown");
        }
    return PESX_OK;
}
