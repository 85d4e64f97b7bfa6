/* The analysis of a saddle point: Hessian check, the two minima it
 * connects (oriented and matched against given structures), the harmonic
 * TST rate, and its barrier report. */
#include <config.h>
#include <pesx/path_saddle.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pesx_saddle_params_default(pesx_saddle_params *p)
{
    memset(p, 0, sizeof *p);
    p->hessian = 1;
    p->hessian_step = 1e-3;
    p->connect = 1;
    p->connect_step = 0.1;
    p->connect_fmax = 1e-3;
    p->connect_max_steps = 5000;
    p->max_step = 0.2;
    p->temperature = 300.0;
    p->match_tol = 0.1;
}

void pesx_saddle_analysis_init(pesx_saddle_analysis *an)
{
    memset(an, 0, sizeof *an);
    pesx_vib_init(&an->saddle);
    pesx_vib_init(&an->minimum);
    an->first_order = -1;
    an->e_reactant = an->e_product = an->prefactor = an->rate = NAN;
}

void pesx_saddle_analysis_release(pesx_saddle_analysis *an)
{
    if (!an)
        return;
    pesx_vib_release(&an->saddle);
    pesx_vib_release(&an->minimum);
    free(an->x_reactant);
    free(an->x_product);
    pesx_saddle_analysis_init(an);
}

/* The aligned rmsd of Y from X, or HUGE_VAL when they cannot be compared:
 * for choosing the nearer of two sides. */
static double rmsd_from(const pesx_potential *pot, const pesx_atoms *a, const double *x,
                        const double *y)
{
    pesx_align al;
    return pesx_saddle_compare(pot, a, x, y, &al) == PESX_OK ? al.rmsd : HUGE_VAL;
}

static void swap_sides(pesx_saddle_analysis *an)
{
    double *t = an->x_reactant, e = an->e_reactant;
    int c = an->converged_reactant;
    an->x_reactant = an->x_product;
    an->x_product = t;
    an->e_reactant = an->e_product;
    an->e_product = e;
    an->converged_reactant = an->converged_product;
    an->converged_product = c;
}

static int connect(pesx_saddle_analysis *an, const pesx_saddle_params *p, pesx_objective *o,
                   const pesx_potential *pot, const pesx_atoms *a, const double *x,
                   const double *mode, const double *reactant, const double *product)
{
    pesx_dimer_connection cn;
    pesx_converge cv;
    pesx_minimizer_params mp;
    const double *given[2] = {reactant, product};
    int st;
    size_t n3 = o->n;
    an->x_reactant = malloc((n3 + 1) * sizeof *an->x_reactant);
    an->x_product = malloc((n3 + 1) * sizeof *an->x_product);
    if (!an->x_reactant || !an->x_product)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
    pesx_converge_default(&cv);
    cv.fmax = p->connect_fmax;
    cv.max_steps = p->connect_max_steps;
    pesx_minimizer_params_default(&mp);
    mp.max_step = p->max_step;
    if ((st = pesx_dimer_connect(o, x, mode, p->connect_step, &pesx_minimizer_lbfgs, &mp, &cv,
                                 an->x_reactant, an->x_product, &cn)))
        return st;
    an->connect_calls = cn.calls;
    an->e_reactant = cn.em;
    an->e_product = cn.ep;
    an->converged_reactant = cn.converged_m;
    an->converged_product = cn.converged_p;
    an->connected = 1;
    if (reactant) {
        if (rmsd_from(pot, a, reactant, an->x_product) < rmsd_from(pot, a, reactant, an->x_reactant))
            swap_sides(an);
    } else if (product) {
        if (rmsd_from(pot, a, product, an->x_reactant) < rmsd_from(pot, a, product, an->x_product))
            swap_sides(an);
    }
    for (int k = 0; k < 2; k++) {
        if (!given[k])
            continue;
        if ((st = pesx_saddle_compare(pot, a, given[k], k ? an->x_product : an->x_reactant,
                                      &an->match[k])))
            return st;
        an->has_match[k] = 1;
        an->matches[k] = an->match[k].max_dist <= p->match_tol;
    }
    return PESX_OK;
}

int pesx_saddle_analyse(pesx_saddle_analysis *an, const pesx_saddle_params *p, pesx_objective *o,
                        const pesx_potential *pot, const pesx_atoms *a, const double *x,
                        const double *mode, double e_saddle, const double *reactant,
                        const double *product)
{
    int st;
    size_t c0;
    pesx_saddle_analysis_release(an);
    an->temperature = p->temperature;
    if (p->hessian) {
        c0 = o->calls;
        if ((st = pesx_vib_at(&an->saddle, o, a, x, p->hessian_step, 0)))
            return st;
        an->hessian_calls += o->calls - c0;
        an->first_order = an->saddle.n_negative == 1;
    }
    if (p->connect && (st = connect(an, p, o, pot, a, x, mode, reactant, product)))
        return st;
    if (p->hessian && an->connected) {
        c0 = o->calls;
        if ((st = pesx_vib_at(&an->minimum, o, a, an->x_reactant, p->hessian_step, 0)))
            return st;
        an->hessian_calls += o->calls - c0;
        if (pesx_htst_rate(&an->minimum, &an->saddle, e_saddle - an->e_reactant, p->temperature,
                           &an->prefactor, &an->rate) == PESX_OK) {
            an->has_rate = 1;
        } else {
            snprintf(an->rate_error, sizeof an->rate_error, "%.255s", pesx_error_last()->msg);
            pesx_error_clear();
        }
    }
    return PESX_OK;
}

/* Energies of every committee member at x (M values). */
static int member_energies(pesx_potential *pot, pesx_atoms *a, const double *x, double *out)
{
    pesx_potential_result r;
    memcpy(a->x, x, 3 * a->n * sizeof *x);
    memset(&r, 0, sizeof r);
    r.member_energies = out;
    return pesx_potential_eval(pot, a, &r);
}

/* The real frequencies of V (the saddle's without its imaginary one). */
static size_t real_freqs(const pesx_vib *v, double *out)
{
    size_t nr = 0;
    for (size_t k = 0; k < v->n; k++)
        if (v->freq[k] > 0 && v->eigenvalue[k] > v->tol)
            out[nr++] = v->freq[k];
    return nr;
}

int pesx_saddle_report(pesx_report *r, const pesx_saddle_analysis *an, pesx_potential *pot,
                       pesx_atoms *work, const double *x, const pesx_dimer_result *res)
{
    size_t n3 = 3 * work->n, np = 1;
    const double *pts[3] = {x, x, x};
    int st = PESX_OK;
    r->method = PESX_REPORT_DIMER;
    snprintf(r->potential, sizeof r->potential, "%s", pesx_potential_spec(pot));
    r->converged = res->converged;
    r->iterations = res->steps;
    if (an->connected) {
        double s[3] = {0, 0, 0}, e[3] = {an->e_reactant, res->energy, an->e_product};
        double ft[3] = {0, 0, 0}, d1 = 0, d2 = 0;
        for (size_t k = 0; k < n3; k++) {
            d1 += (x[k] - an->x_reactant[k]) * (x[k] - an->x_reactant[k]);
            d2 += (an->x_product[k] - x[k]) * (an->x_product[k] - x[k]);
        }
        s[1] = sqrt(d1);
        s[2] = s[1] + sqrt(d2);
        if (s[1] > 0 && s[2] > s[1] &&
            (st = pesx_report_set_profile(r, 3, s, e, ft, 1, 0, NULL, NULL)))
            return st;
        r->has_reactant = r->has_product = 1;
        r->e_reactant = an->e_reactant;
        r->e_product = an->e_product;
        pts[0] = an->x_reactant;
        pts[2] = an->x_product;
        np = r->n_images ? r->n_images : 1;
    }
    r->e_saddle = res->energy;
    r->saddle_fmax = res->fmax;
    r->saddle_fnorm = res->fnorm;
    /* committee spread: rows reactant, saddle, product (the saddle's when
     * not connected) */
    size_t nm = pesx_potential_n_members(pot);
    if (nm > 1) {
        double *rows = calloc(3 * nm, sizeof *rows);
        if (!rows)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        if (!(st = member_energies(pot, work, pts[0], rows)) &&
            !(st = member_energies(pot, work, x, rows + nm)) &&
            !(st = member_energies(pot, work, pts[2], rows + 2 * nm)))
            st = pesx_report_set_members(r, nm, rows);
        free(rows);
        if (st)
            return st;
    }
    /* atoms outside the training range at each point of the profile */
    {
        const double *order[3] = {pts[0], x, pts[2]};
        unsigned char *flags = calloc(work->n + 1, 1);
        free(r->n_extrapolating);
        r->n_extrapolating = calloc(np, sizeof(size_t));
        if (!flags || !r->n_extrapolating) {
            free(flags);
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        }
        for (size_t k = 0; k < np && !st; k++) {
            pesx_potential_result pr;
            memcpy(work->x, np == 3 ? order[k] : x, n3 * sizeof *x);
            memset(&pr, 0, sizeof pr);
            pr.extrapolating = flags;
            if (!(st = pesx_potential_eval(pot, work, &pr)))
                r->n_extrapolating[k] = pr.n_extrapolating;
        }
        free(flags);
        if (st)
            return st;
    }
    if (an->saddle.n) {
        double *real = malloc((an->saddle.n + 1) * sizeof *real);
        double *realm = malloc((an->minimum.n + 1) * sizeof *realm);
        if (!real || !realm)
            st = pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        else
            st = pesx_report_set_frequencies(
                r, an->saddle.freq[0] < 0 ? -an->saddle.freq[0] : 0.0, an->saddle.n_negative,
                real_freqs(&an->saddle, real), real, real_freqs(&an->minimum, realm), realm);
        free(real);
        free(realm);
        if (st)
            return st;
    }
    if (an->has_rate) {
        r->has_rate = 1;
        r->prefactor = an->prefactor;
        r->rate = an->rate;
        r->temperature = an->temperature;
    }
    return PESX_OK;
}
