/* The learning loop on a band: fit the surrogate on every reference call
 * so far, relax the climbing-image band on it, then ask the reference for
 * the image the surrogate is least sure of (largest energy sigma) or, when
 * it is sure everywhere, for the climbing image; stop when that call's
 * largest atom force is at most fmax_ci.  Every reference call goes into
 * the data (and the data file, rewritten after each call), and a structure
 * already in the data is never computed again, so a run resumes from its
 * data file. */
#include <config.h>
#include "learn_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pesx/util.h>

struct pesx_learn {
    pesx_potential *ref, *sur;
    learn_surrogate_state *ss;
    pesx_learn_params p;
    pesx_atoms *tmpl;          /* positions: scratch                       */
    size_t n, dim;             /* atoms, free coordinates                  */
    size_t m, cap;             /* data points                              */
    double *x, *e, *f;         /* m x 3n positions, m energies, m x 3n forces */
    double *X, *G;             /* m x dim free coordinates and gradients   */
    unsigned char *frozen;     /* 3n: coordinates that do not move          */
    size_t calls;              /* reference calls made by this learner     */
    long i_react, i_prod, i_ci;/* data rows of the endpoints and the confirmed CI */
};

void pesx_learn_params_default(pesx_learn_params *p)
{
    memset(p, 0, sizeof *p);
    p->sigma = 0.05;
    p->fmax_ci = 0.05;
    p->max_iter = 200;
    p->length = 0.4;
    p->noise_e = 0.001;
    p->noise_f = 0.005;
}

static int grow(pesx_learn *l)
{
    size_t c = l->cap ? 2 * l->cap : 16, n3 = 3 * l->n;
    double *x = realloc(l->x, c * n3 * sizeof *x);
    if (x)
        l->x = x;
    double *f = x ? realloc(l->f, c * n3 * sizeof *f) : NULL;
    if (f)
        l->f = f;
    double *e = f ? realloc(l->e, c * sizeof *e) : NULL;
    if (e)
        l->e = e;
    double *X = e ? realloc(l->X, c * l->dim * sizeof *X) : NULL;
    if (X)
        l->X = X;
    double *G = X ? realloc(l->G, c * l->dim * sizeof *G) : NULL;
    if (!G)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "learn: out of memory");
    l->G = G;
    l->cap = c;
    return PESX_OK;
}

static int add_point(pesx_learn *l, const double *x, double e, const double *f)
{
    size_t n3 = 3 * l->n, d = 0;
    int status;
    if (l->m == l->cap && (status = grow(l)))
        return status;
    memcpy(l->x + l->m * n3, x, n3 * sizeof *x);
    memcpy(l->f + l->m * n3, f, n3 * sizeof *f);
    l->e[l->m] = e;
    for (size_t i = 0; i < l->n; i++)
        if (!l->tmpl->fixed[i])
            for (int c = 0; c < 3; c++, d++) {
                l->X[l->m * l->dim + d] = x[3 * i + c];
                l->G[l->m * l->dim + d] = -f[3 * i + c];
            }
    l->m++;
    return PESX_OK;
}

/* The data row holding X (to 1e-8 A), or -1. */
static long find_point(const pesx_learn *l, const double *x)
{
    size_t n3 = 3 * l->n;
    for (size_t k = 0; k < l->m; k++) {
        size_t j = 0;
        while (j < n3 && fabs(l->x[k * n3 + j] - x[j]) <= 1e-8)
            j++;
        if (j == n3)
            return (long)k;
    }
    return -1;
}

static int write_data(pesx_learn *l)
{
    pesx_dataset_writer *w;
    int status = PESX_OK;
    if (!l->p.data_path)
        return PESX_OK;
    if (!(w = pesx_dataset_writer_open(l->p.data_path)))
        return pesx_error_last()->code;
    for (size_t k = 0; k < l->m && !status; k++) {
        pesx_dataset_entry en;
        char id[32];
        memcpy(l->tmpl->x, l->x + k * 3 * l->n, 3 * l->n * sizeof(double));
        snprintf(id, sizeof id, "learn-%zu", k + 1);
        memset(&en, 0, sizeof en);
        en.id = id;
        en.atoms = l->tmpl;
        en.energy = l->e[k];
        en.forces = l->f + k * 3 * l->n;
        en.weight = 1.0;
        status = pesx_dataset_writer_add(w, &en);
    }
    if (status) {
        pesx_dataset_writer_abort(w);
        return status;
    }
    return pesx_dataset_writer_close(w);
}

/* The seed data: every structure of the data file that is this system
 * (same atoms, elements and fixed atoms); others are skipped, saying so. */
static int read_seed(pesx_learn *l)
{
    pesx_dataset ds;
    FILE *fp;
    int status;
    size_t skipped = 0;
    if (!l->p.data_path || !(fp = fopen(l->p.data_path, "r")))
        return PESX_OK; /* a new data file */
    fclose(fp);
    pesx_dataset_init(&ds);
    if ((status = pesx_dataset_read(l->p.data_path, &ds)))
        return status;
    for (size_t k = 0; k < ds.n && !status; k++) {
        const pesx_atoms *a = ds.atoms[k];
        int same = a->n == l->n;
        for (size_t i = 0; same && i < l->n; i++)
            same = a->z[i] == l->tmpl->z[i];
        if (!same || find_point(l, a->x) >= 0) {
            skipped += !same;
            continue;
        }
        status = add_point(l, a->x, ds.energy[k], ds.force + 3 * ds.atom_start[k]);
    }
    pesx_dataset_release(&ds);
    if (skipped)
        pesx_warn("%s: %zu structures of another system ignored", l->p.data_path, skipped);
    if (!status)
        pesx_info("%s: %zu reference structures to start from", l->p.data_path, l->m);
    return status;
}

pesx_learn *pesx_learn_alloc(pesx_potential *ref, pesx_potential *surrogate,
                             const pesx_atoms *tmpl, const pesx_learn_params *p)
{
    pesx_learn *l = calloc(1, sizeof *l);
    if (!l || !(l->tmpl = pesx_atoms_clone(tmpl))) {
        free(l);
        pesx_error_set(PESX_ENOMEM, NULL, 0, "learn: out of memory");
        return NULL;
    }
    l->ref = ref;
    l->sur = surrogate;
    l->p = *p;
    l->n = tmpl->n;
    l->dim = 3 * pesx_atoms_n_free(tmpl);
    l->i_react = l->i_prod = l->i_ci = -1;
    if ((l->frozen = calloc(3 * l->n, 1)))
        for (size_t i = 0; i < l->n; i++)
            memset(l->frozen + 3 * i, l->tmpl->fixed[i] != 0, 3);
    l->ss = pesx_potential_state(surrogate);
    l->ss->T = &learn_surrogate_gp;
    l->ss->fixed = l->tmpl->fixed;
    l->ss->n = l->n;
    l->ss->x = malloc((l->dim + 1) * sizeof(double));
    l->ss->g = malloc((l->dim + 1) * sizeof(double));
    l->ss->s = l->ss->T->alloc(l->dim, p);
    if (!l->frozen || !l->ss->x || !l->ss->g || !l->ss->s || read_seed(l)) {
        if (!l->frozen || !l->ss->x || !l->ss->g)
            pesx_error_set(PESX_ENOMEM, NULL, 0, "learn: out of memory");
        pesx_learn_free(l);
        return NULL;
    }
    return l;
}

void pesx_learn_free(pesx_learn *l)
{
    if (!l)
        return;
    if (l->ss) {
        if (l->ss->s)
            l->ss->T->free(l->ss->s);
        free(l->ss->x);
        free(l->ss->g);
        memset(l->ss, 0, sizeof *l->ss);
    }
    pesx_atoms_free(l->tmpl);
    free(l->frozen);
    free(l->x);
    free(l->e);
    free(l->f);
    free(l->X);
    free(l->G);
    free(l);
}

/* The reference at X: its data row (computed now unless already there). */
static int reference(pesx_learn *l, const double *x, long *row)
{
    pesx_potential_result r;
    const pesx_atoms *a = l->tmpl;
    double *f;
    size_t failed = 0;
    int status;
    if ((*row = find_point(l, x)) >= 0)
        return PESX_OK;
    if (l->p.max_calls && l->calls >= l->p.max_calls)
        return pesx_error_set(PESX_ENOCONV, NULL, 0, "learn: --max-calls %zu reference calls "
                                                     "made, not converged",
                              l->p.max_calls);
    if (!(f = malloc(3 * l->n * sizeof *f)))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "learn: out of memory");
    memcpy(l->tmpl->x, x, 3 * l->n * sizeof *x);
    memset(&r, 0, sizeof r);
    r.forces = f;
    l->calls++;
    status = pesx_potential_eval_many(l->ref, 1, &a, &r, &failed);
    if (!status)
        status = add_point(l, x, r.energy, f);
    if (!status) {
        *row = (long)l->m - 1;
        status = write_data(l);
    }
    free(f);
    return status;
}

static double row_fmax(const pesx_learn *l, long row)
{
    double fmax, fnorm;
    pesx_band_force_norms(l->n, l->frozen, l->f + (size_t)row * 3 * l->n, &fmax, &fnorm);
    return fmax;
}

int pesx_learn_neb(pesx_learn *l, pesx_neb *band, pesx_learn_status *st)
{
    size_t N = pesx_neb_n_images(band);
    int status;
    memset(st, 0, sizeof *st);
    st->ci_fmax = NAN;
    if ((status = reference(l, pesx_neb_image(band, 0), &l->i_react)) ||
        (status = reference(l, pesx_neb_image(band, N - 1), &l->i_prod)))
        goto done;
    if (l->p.table)
        fprintf(l->p.table, "%5s %6s %6s %14s %10s %12s %10s %4s\n", "iter", "calls", "data",
                "barrier/eV", "+-sigma", "ref_ci_fmax", "max_sigma", "asks");
    while (st->iterations < l->p.max_iter) {
        pesx_neb_status ns;
        double smax = 0, sci = 0, eci = NAN;
        size_t imax = 1, target;
        long row;
        st->iterations++;
        if ((status = l->ss->T->fit(l->ss->s, l->m, l->X, l->e, l->G)))
            goto done;
        pesx_neb_get_status(band, &ns);
        pesx_neb_set_status(band, 0, 0, 0, 0, ns.climbing);
        if ((status = pesx_neb_eval_endpoints(band)))
            goto done;
        status = pesx_neb_run(band, NULL, NULL);
        if (status && status != PESX_ENOCONV)
            goto done;
        pesx_neb_get_status(band, &ns);
        st->surrogate_calls += ns.calls;
        /* sigma of every moving image, through the surrogate potential */
        for (size_t i = 1; i + 1 < N; i++) {
            pesx_potential_result r;
            memset(&r, 0, sizeof r);
            if ((status = pesx_potential_eval(l->sur, pesx_neb_image_atoms(band, i), &r)))
                goto done;
            if (r.energy_std > smax) {
                smax = r.energy_std;
                imax = i;
            }
            if (i == ns.ci) {
                sci = r.energy_std;
                eci = r.energy;
            }
        }
        st->max_sigma = smax;
        target = smax > l->p.sigma ? imax : ns.ci;
        status = reference(l, pesx_neb_image(band, target), &row);
        if (status == PESX_ENOCONV)
            goto done;
        if (status)
            goto done;
        if (target == ns.ci) {
            st->ci_fmax = row_fmax(l, row);
            l->i_ci = row;
        }
        if (l->p.table) {
            fprintf(l->p.table, "%5zu %6zu %6zu %14.6f %10.6f %12.5f %10.6f %4zu%s\n",
                    st->iterations, l->calls, l->m, eci - l->e[l->i_react], sci,
                    target == ns.ci ? st->ci_fmax : NAN, smax, target,
                    target == ns.ci ? " ci" : "");
            fflush(l->p.table);
        }
        if (target == ns.ci && ns.climbing && st->ci_fmax <= l->p.fmax_ci) {
            st->converged = 1;
            break;
        }
    }
    status = st->converged ? PESX_OK
                           : pesx_error_set(PESX_ENOCONV, NULL, 0,
                                            "learn: not converged in %zu iterations",
                                            st->iterations);
done:
    st->reference_calls = l->calls;
    st->data = l->m;
    return status;
}

int pesx_learn_band_frames(pesx_learn *l, pesx_neb *band, pesx_frame **out, size_t *n_out)
{
    size_t N = pesx_neb_n_images(band), n3 = 3 * l->n;
    pesx_neb_status ns;
    pesx_frame *fr = calloc(N, sizeof *fr);
    if (!fr)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "learn: out of memory");
    pesx_neb_get_status(band, &ns);
    for (size_t i = 0; i < N; i++) {
        long row = i == 0 ? l->i_react : i == N - 1 ? l->i_prod : find_point(l, pesx_neb_image(band, i));
        const double *f = row >= 0 ? l->f + (size_t)row * n3 : pesx_neb_forces(band, i);
        char buf[32];
        pesx_frame_init(&fr[i]);
        if (!(fr[i].atoms = pesx_atoms_clone(pesx_neb_image_atoms(band, i))) ||
            !(fr[i].forces = malloc(n3 * sizeof(double)))) {
            pesx_frames_free(fr, N);
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "learn: out of memory");
        }
        memcpy(fr[i].forces, f, n3 * sizeof(double));
        fr[i].has_forces = 1;
        fr[i].has_energy = 1;
        fr[i].energy = row >= 0 ? l->e[row] : pesx_neb_energy(band, i);
        snprintf(buf, sizeof buf, "%zu", i);
        pesx_frame_add_info(&fr[i], "neb_image", buf);
        pesx_frame_add_info(&fr[i], "learn_source", row >= 0 ? "reference" : "surrogate");
        if (i == ns.ci)
            pesx_frame_add_info(&fr[i], "neb_saddle", "1");
    }
    *out = fr;
    *n_out = N;
    return PESX_OK;
}

int pesx_learn_report(pesx_learn *l, pesx_neb *band, const pesx_learn_status *st,
                      pesx_report *r)
{
    pesx_frame *fr;
    size_t N;
    pesx_neb_status ns;
    int status = pesx_learn_band_frames(l, band, &fr, &N);
    if (status)
        return status;
    status = pesx_band_report_frames(r, NULL, fr, N, "learn");
    pesx_frames_free(fr, N);
    if (status)
        return status;
    pesx_neb_get_status(band, &ns);
    r->method = PESX_REPORT_NEB;
    r->converged = st->converged;
    r->climbing = ns.climbing;
    r->iterations = st->iterations;
    r->force_calls = st->reference_calls;
    r->force_calls_per_image = 0;
    snprintf(r->potential, sizeof r->potential, "%s", pesx_potential_spec(l->ref));
    r->learn_iterations = st->iterations;
    r->learn_reference_calls = st->reference_calls;
    r->learn_surrogate_calls = st->surrogate_calls;
    r->learn_data = st->data;
    return PESX_OK;
}
