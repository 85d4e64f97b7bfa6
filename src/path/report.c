/* The barrier report: filling it (profile, committee members, frequencies),
 * the derived numbers (barriers, spline maximum, committee statistics) and
 * the human-readable table. */
#include <config.h>
#include <pesx/path_report.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pesx_report_init(pesx_report *r)
{
    memset(r, 0, sizeof *r);
    pesx_spline_init(&r->spline);
    r->e_reactant = r->e_saddle = r->e_product = NAN;
    r->barrier_forward = r->barrier_reverse = r->reaction_energy = NAN;
    r->saddle_fmax = r->saddle_fnorm = NAN;
    r->spline_s_max = r->spline_e_max = r->spline_barrier = NAN;
    r->forward_mean = r->forward_std = r->reverse_mean = r->reverse_std = NAN;
    r->imaginary = r->prefactor = r->temperature = r->rate = NAN;
    r->rate_low = r->rate_high = r->below_ends_depth = NAN;
}

void pesx_report_release(pesx_report *r)
{
    if (!r)
        return;
    free(r->s);
    free(r->energy);
    free(r->ftan);
    pesx_spline_release(&r->spline);
    free(r->member_energy);
    free(r->energy_std);
    free(r->member_forward);
    free(r->member_reverse);
    free(r->n_extrapolating);
    free(r->real);
    free(r->real_min);
    free(r->extrema);
    free(r->step_from);
    free(r->step_to);
    free(r->step_forward);
    free(r->step_reverse);
    pesx_report_init(r);
}

static double *dup_d(const double *v, size_t n)
{
    double *p;
    if (!v || n == 0)
        return NULL;
    p = malloc(n * sizeof *p);
    if (p)
        memcpy(p, v, n * sizeof *p);
    return p;
}

int pesx_report_set_profile(pesx_report *r, size_t n, const double *s, const double *energy,
                            const double *ftan, size_t saddle_image, int climbing,
                            const double *energy_std, const size_t *n_extrap)
{
    int status;
    if (n < 2 || !s || !energy)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "report: a profile needs at least 2 images");
    if (saddle_image >= n)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "report: saddle image %zu of %zu",
                              saddle_image, n);
    status = pesx_spline_set(&r->spline, n, s, energy, ftan);
    if (status)
        return status;
    free(r->s);
    free(r->energy);
    free(r->ftan);
    free(r->energy_std);
    free(r->n_extrapolating);
    r->energy_std = NULL;
    r->n_extrapolating = NULL;
    r->n_images = n;
    r->s = dup_d(s, n);
    r->energy = dup_d(energy, n);
    r->ftan = malloc(n * sizeof *r->ftan);
    if (!r->s || !r->energy || !r->ftan)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "report: out of memory");
    for (size_t i = 0; i < n; i++)
        r->ftan[i] = -r->spline.dEds[i];
    if (energy_std && !(r->energy_std = dup_d(energy_std, n)))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "report: out of memory");
    if (n_extrap) {
        r->n_extrapolating = malloc(n * sizeof *r->n_extrapolating);
        if (!r->n_extrapolating)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "report: out of memory");
        memcpy(r->n_extrapolating, n_extrap, n * sizeof *n_extrap);
    }
    r->saddle_image = saddle_image;
    r->climbing = climbing;
    r->has_reactant = r->has_product = 1;
    r->e_reactant = energy[0];
    r->e_product = energy[n - 1];
    r->e_saddle = energy[saddle_image];
    return PESX_OK;
}

int pesx_report_set_members(pesx_report *r, size_t n_members, const double *member_energy)
{
    size_t rows = r->n_images ? r->n_images : 3;
    free(r->member_energy);
    r->member_energy = NULL;
    r->n_members = 0;
    if (n_members < 2 || !member_energy)
        return PESX_OK;
    r->member_energy = dup_d(member_energy, rows * n_members);
    if (!r->member_energy)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "report: out of memory");
    r->n_members = n_members;
    return PESX_OK;
}

int pesx_report_set_frequencies(pesx_report *r, double imaginary, size_t n_negative,
                                size_t n_real, const double *real, size_t n_real_min,
                                const double *real_min)
{
    free(r->real);
    free(r->real_min);
    r->real = r->real_min = NULL;
    r->n_real = r->n_real_min = 0;
    r->has_frequencies = 1;
    r->imaginary = fabs(imaginary);
    r->n_negative = n_negative;
    if (n_real && real) {
        if (!(r->real = dup_d(real, n_real)))
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "report: out of memory");
        r->n_real = n_real;
    }
    if (n_real_min && real_min) {
        if (!(r->real_min = dup_d(real_min, n_real_min)))
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "report: out of memory");
        r->n_real_min = n_real_min;
    }
    return PESX_OK;
}

static void mean_std(const double *v, size_t n, double *mean, double *std)
{
    double m = 0.0, s = 0.0;
    for (size_t i = 0; i < n; i++)
        m += v[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        s += (v[i] - m) * (v[i] - m);
    *mean = m;
    *std = n > 1 ? sqrt(s / (double)(n - 1)) : 0.0;
}

/* A minimum of the spline less deep than this (eV) on either side does not
 * split the path into elementary steps. */
#define STEP_TOL 1e-3

/* The spline's extrema, the elementary steps between its minima and the
 * images below both endpoints. */
static int band_steps(pesx_report *r)
{
    size_t n = r->n_images, nmin = 0;
    double lo = fmin(r->energy[0], r->energy[n - 1]);
    free(r->extrema);
    free(r->step_from);
    free(r->step_to);
    free(r->step_forward);
    free(r->step_reverse);
    r->extrema = malloc(2 * (n - 1) * sizeof *r->extrema);
    if (!r->extrema)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "report: out of memory");
    r->n_extrema = pesx_spline_extrema(&r->spline, r->extrema);
    for (size_t k = 0; k < r->n_extrema; k++)
        nmin += !r->extrema[k].is_max;
    /* room for nmin + 2 minima */
    r->step_from = malloc((nmin + 2) * sizeof *r->step_from);
    r->step_to = malloc((nmin + 2) * sizeof *r->step_to);
    r->step_forward = malloc((nmin + 2) * sizeof *r->step_forward);
    r->step_reverse = malloc((nmin + 2) * sizeof *r->step_reverse);
    if (!r->step_from || !r->step_to || !r->step_forward || !r->step_reverse)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "report: out of memory");
    {
        /* the minima (reactant, interior ones, product) and the highest
         * spline point between each two; a minimum less than STEP_TOL
         * deep on either side (a residual force at an endpoint, noise) is
         * no step boundary: it is merged into its neighbours */
        size_t m = 0;
        double *img = r->step_from, *em = r->step_forward, *top = r->step_reverse;
        double *img_end = r->step_to;
        img[0] = 0.0;
        em[0] = r->energy[0];
        top[0] = r->energy[0];
        for (size_t k = 0; k <= r->n_extrema; k++) {
            int end = k == r->n_extrema;
            const pesx_spline_extremum *x = end ? NULL : &r->extrema[k];
            if (x && x->is_max) {
                top[m] = fmax(top[m], x->e);
                continue;
            }
            double e_to = end ? r->energy[n - 1] : x->e;
            top[m] = fmax(top[m], e_to);
            m++;
            img[m] = end ? (double)(n - 1) : x->image;
            em[m] = e_to;
            top[m] = e_to;
        }
        /* img/em: m + 1 minima; top[j]: between minimum j and j + 1 */
        for (size_t j = 1; j < m;) {
            if (fmin(top[j - 1], top[j]) - em[j] < STEP_TOL) {
                top[j - 1] = fmax(top[j - 1], top[j]);
                memmove(img + j, img + j + 1, (m - j) * sizeof *img);
                memmove(em + j, em + j + 1, (m - j) * sizeof *em);
                memmove(top + j, top + j + 1, (m - j) * sizeof *top);
                m--;
                j = 1;
            } else {
                j++;
            }
        }
        r->n_steps = m;
        for (size_t j = 0; j < m; j++) {
            double t = top[j], ea = em[j], eb = em[j + 1];
            img_end[j] = img[j + 1];
            em[j] = t - ea; /* forward, in place: em[j] is not read again */
            top[j] = t - eb;
        }
    }
    r->n_below_ends = 0;
    r->below_ends_depth = NAN;
    for (size_t i = 1; i + 1 < n; i++)
        if (r->energy[i] < lo - 1e-3) {
            r->n_below_ends++;
            if (!(lo - r->energy[i] <= r->below_ends_depth))
                r->below_ends_depth = lo - r->energy[i];
        }
    return PESX_OK;
}

int pesx_report_finish(pesx_report *r)
{
    r->barrier_forward = r->has_reactant ? r->e_saddle - r->e_reactant : NAN;
    r->barrier_reverse = r->has_product ? r->e_saddle - r->e_product : NAN;
    r->reaction_energy = r->has_reactant && r->has_product ? r->e_product - r->e_reactant : NAN;

    if (r->n_images >= 2 && r->spline.n >= 2 && r->method != PESX_REPORT_DIMER) {
        int st;
        pesx_spline_max(&r->spline, &r->spline_s_max, &r->spline_e_max);
        r->spline_barrier = r->has_reactant ? r->spline_e_max - r->e_reactant : NAN;
        if ((st = band_steps(r)))
            return st;
    }

    free(r->member_forward);
    free(r->member_reverse);
    r->member_forward = r->member_reverse = NULL;
    if (r->n_members > 1 && r->member_energy) {
        size_t M = r->n_members;
        size_t i0 = 0, is, ie;
        if (r->n_images) {
            is = r->saddle_image;
            ie = r->n_images - 1;
        } else {
            is = 1;
            ie = 2;
        }
        r->member_forward = malloc(M * sizeof *r->member_forward);
        r->member_reverse = malloc(M * sizeof *r->member_reverse);
        if (!r->member_forward || !r->member_reverse)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "report: out of memory");
        for (size_t m = 0; m < M; m++) {
            double es = r->member_energy[is * M + m];
            r->member_forward[m] = r->has_reactant ? es - r->member_energy[i0 * M + m] : NAN;
            r->member_reverse[m] = r->has_product ? es - r->member_energy[ie * M + m] : NAN;
        }
        if (r->has_reactant)
            mean_std(r->member_forward, M, &r->forward_mean, &r->forward_std);
        if (r->has_product)
            mean_std(r->member_reverse, M, &r->reverse_mean, &r->reverse_std);
    }

    if (r->has_rate && r->n_members > 1 && isfinite(r->forward_std) && r->temperature > 0) {
        double f = exp(r->forward_std / (PESX_KB_EV * r->temperature));
        r->rate_low = r->rate / f;
        r->rate_high = r->rate * f;
    }

    r->n_extrapolating_total = 0;
    if (r->n_extrapolating) {
        size_t n = r->n_images ? r->n_images : 1;
        for (size_t i = 0; i < n; i++)
            r->n_extrapolating_total += r->n_extrapolating[i];
    }
    return PESX_OK;
}

static const char *method_name(int m)
{
    return m == PESX_REPORT_DIMER ? "dimer" : m == PESX_REPORT_BARRIER ? "barrier" : "neb";
}

static void line_energy(FILE *fp, const char *label, double e)
{
    if (isfinite(e))
        fprintf(fp, "  %-22s %16.6f eV\n", label, e);
}

int pesx_report_write_table(FILE *fp, const pesx_report *r)
{
    fprintf(fp, "barrier report (%s%s%s)\n", method_name(r->method),
            r->potential[0] ? ", potential " : "", r->potential);
    if (r->method != PESX_REPORT_BARRIER)
        fprintf(fp, "  %-22s %s (%zu steps)\n", "converged", r->converged ? "yes" : "NO",
                r->iterations);
    line_energy(fp, "reactant energy", r->has_reactant ? r->e_reactant : NAN);
    if (isfinite(r->e_saddle)) {
        fprintf(fp, "  %-22s %16.6f eV", "saddle energy", r->e_saddle);
        if (r->n_images)
            fprintf(fp, "   (image %zu%s)", r->saddle_image, r->climbing ? ", climbing" : "");
        fputc('\n', fp);
    }
    line_energy(fp, "product energy", r->has_product ? r->e_product : NAN);
    if (isfinite(r->barrier_forward)) {
        fprintf(fp, "  %-22s %16.6f eV", "forward barrier", r->barrier_forward);
        if (r->n_members > 1 && isfinite(r->forward_std))
            fprintf(fp, "   committee %.6f +- %.6f (%zu members' energies along this %s; "
                        "sample std)", r->forward_mean, r->forward_std, r->n_members,
                    r->n_images > 3 || r->method != PESX_REPORT_DIMER ? "band" : "path");
        fputc('\n', fp);
    }
    if (isfinite(r->barrier_reverse)) {
        fprintf(fp, "  %-22s %16.6f eV", "reverse barrier", r->barrier_reverse);
        if (r->n_members > 1 && isfinite(r->reverse_std))
            fprintf(fp, "   committee %.6f +- %.6f", r->reverse_mean, r->reverse_std);
        fputc('\n', fp);
    }
    line_energy(fp, "reaction energy", r->reaction_energy);
    if (isfinite(r->spline_e_max)) {
        fprintf(fp, "  %-22s %16.6f eV   at s = %.4f A", "spline maximum", r->spline_e_max,
                r->spline_s_max);
        if (isfinite(r->spline_barrier))
            fprintf(fp, " (barrier %.6f eV)", r->spline_barrier);
        fputc('\n', fp);
    }
    if (isfinite(r->saddle_fmax))
        fprintf(fp, "  %-22s %16.6f eV/A   (true force; norm %.6f eV/A)\n", "saddle fmax",
                r->saddle_fmax, r->saddle_fnorm);
    if (r->method != PESX_REPORT_BARRIER || r->force_calls) {
        fprintf(fp, "  %-22s %16zu", "force calls", r->force_calls);
        if (r->force_calls_per_image > 0.0)
            fprintf(fp, "      (%.1f per image)", r->force_calls_per_image);
        fputc('\n', fp);
    }
    if (r->ledger_calls)
        fprintf(fp, "  %-22s %16zu      (%.3f s wall in the potential)\n", "potential calls",
                r->ledger_calls, r->ledger_seconds);
    if (r->has_frequencies) {
        fprintf(fp, "  %-22s %15.2fi cm^-1   (%zu negative eigenvalue%s)\n",
                "imaginary frequency", r->imaginary, r->n_negative,
                r->n_negative == 1 ? "" : "s");
        if (r->n_real) {
            fprintf(fp, "  %-22s", "real frequencies");
            for (size_t i = 0; i < r->n_real; i++)
                fprintf(fp, "%s%.2f", i ? (i % 8 ? " " : "\n                         ") : " ",
                        r->real[i]);
            fprintf(fp, " cm^-1\n");
        }
    }
    if (r->has_rate) {
        fprintf(fp, "  %-22s %16.6g s^-1   rate at %.2f K: %.6g s^-1", "HTST prefactor",
                r->prefactor, r->temperature, r->rate);
        if (isfinite(r->rate_low))
            fprintf(fp, " (%.6g to %.6g for the barrier -+ its committee std)", r->rate_high,
                    r->rate_low);
        fputc('\n', fp);
    }
    if (r->n_extrema) {
        fprintf(fp, "  spline extrema (as VTST's exts.dat):\n");
        for (size_t k = 0; k < r->n_extrema; k++)
            fprintf(fp, "    extremum %zu: %s at image %.2f (s = %.4f A), E-E0 = %.6f eV\n", k + 1,
                    r->extrema[k].is_max ? "maximum" : "minimum", r->extrema[k].image,
                    r->extrema[k].s, r->extrema[k].e - r->energy[0]);
    }
    if (r->n_steps > 1) {
        fprintf(fp, "  elementary steps (between the minima of the spline):\n");
        for (size_t k = 0; k < r->n_steps; k++)
            fprintf(fp, "    step %zu: image %.2f -> %.2f, forward barrier %.6f eV, reverse "
                        "%.6f eV\n", k + 1, r->step_from[k], r->step_to[k], r->step_forward[k],
                    r->step_reverse[k]);
    }
    if (r->n_images) {
        int has_std = r->energy_std != NULL, has_x = r->n_extrapolating != NULL;
        fprintf(fp, "\n  %5s %10s %14s %14s%s%s\n", "image", "s/A", "E-E0/eV", "F_tan/eV/A",
                has_std ? "        std/eV" : "", has_x ? "  extrapolating" : "");
        for (size_t i = 0; i < r->n_images; i++) {
            fprintf(fp, "  %5zu %10.4f %14.6f %14.6f", i, r->s[i], r->energy[i] - r->energy[0],
                    r->ftan[i]);
            if (has_std)
                fprintf(fp, " %14.6f", r->energy_std[i]);
            if (has_x)
                fprintf(fp, " %14zu", r->n_extrapolating[i]);
            fputs(i == r->saddle_image ? "  <- saddle\n" : "\n", fp);
        }
    }
    if (r->n_below_ends)
        fprintf(fp,
                "  warning: %zu image%s lie%s below both endpoints (down to %.6f eV below the "
                "lower one): the path passes an intermediate minimum; the forward barrier is "
                "not that of one elementary step (see the steps above)\n",
                r->n_below_ends, r->n_below_ends == 1 ? "" : "s", r->n_below_ends == 1 ? "s" : "",
                r->below_ends_depth);
    if (r->n_extrapolating_total) {
        size_t imgs = 0, n = r->n_images ? r->n_images : 1;
        for (size_t i = 0; i < n; i++)
            imgs += r->n_extrapolating[i] > 0;
        fprintf(fp,
                "  warning: %zu structure%s ha%s atoms outside the potential's training range "
                "(%zu atoms in total): the barrier is an extrapolation\n",
                imgs, imgs == 1 ? "" : "s", imgs == 1 ? "s" : "ve", r->n_extrapolating_total);
    }
    return ferror(fp) ? pesx_error_set(PESX_EWRITE, NULL, 0, "report: write error") : PESX_OK;
}
