/* The full neighbour list, built with cell lists in O(N).
 *
 * Binning.  Positions are mapped to the frame of the structure
 * (pesx_atoms_frame): s = x * inv.  A periodic coordinate is wrapped into
 * [0, 1) by a whole lattice translation img (remembered per atom); an open
 * coordinate is a Cartesian length, binned over the atoms' bounding box.
 * Direction k gets nb[k] bins of perpendicular thickness t[k] >= rc / NSUB
 * (but at least one bin, and at most about 2n bins in all), so two atoms closer than rc are at most
 * m[k] = ceil(rc / t[k]) bins apart in direction k.  Searching bin offsets
 * -m..m on the infinite periodic lattice of bins visits every (bin, image)
 * pair at most once, also when m exceeds the number of bins (cells shorter
 * than rc), so no image is missed or listed twice.
 *
 * Atoms are counting-sorted by bin (stably, so each bin lists its atoms in
 * increasing index) into packed wrapped positions.  Atoms are then visited
 * bin by bin (so the data stays in cache whatever the order of the atoms),
 * in two passes: one counts each atom's neighbours, which fixes where its
 * entries go in the CSR arrays, the other gathers them.  Each visited bin
 * contributes a run already sorted by j, and a natural merge sort of those
 * runs gives the canonical order (j, then shift). */
#include <config.h>
#include <pesx/structure.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Bins per cutoff length.  1 visits 27 bins of volume >= rc^3 per atom;
 * 2 visits 125 bins of (rc/2)^3 (15.6 rc^3, fewer distances) but the
 * extra bin overhead and shorter runs to merge made it ~15% slower in
 * tests/bench/bench_nlist (LJ liquid and water-like boxes). */
#define NSUB 1
/* Relative safety margin so that rounding never puts a neighbour one bin
 * further than the stencil reaches. */
#define MARGIN 1e-9
/* Largest stencil (bins visited per atom) before the cutoff is rejected as
 * absurd for the cell. */
#define MAX_STENCIL 1e6
/* Systems from this size on are built by all OpenMP threads. */
#define PAR_MIN_ATOMS 2000
/* Candidates of one atom are sorted as 64-bit keys j << IDX_BITS | index. */
#define IDX_BITS 20
#define MAX_CANDIDATES ((size_t)1 << IDX_BITS)

/* One bin offset along one direction, for one home bin: the offset of the
 * target bin in the cell array (bin coordinate times stride), the lattice
 * image it lies in, and that image's Cartesian translation. */
typedef struct {
    size_t off;
    int img;
    double v[3];
} stencil_step;

/* Scratch of one thread for the candidates of one atom. */
typedef struct {
    size_t cap;
    uint64_t *key, *key_tmp;
    int *sh;
    double *sd, *sr;
    size_t *runs;
} scratch;

struct pesx_nlist_work {
    size_t cap_atoms, cap_cells, cap_steps;
    double *s;          /* 3n frame coordinates (periodic ones wrapped)    */
    int *img;           /* 3n lattice translation that wraps each atom     */
    int *bin;           /* 3n bin coordinates                              */
    size_t *cell_start; /* cells + 1                                       */
    size_t *pj;         /* n: atom index, in bin order                     */
    double *px;         /* 3n: wrapped positions in bin order, as three
                         * arrays x[0..n-1], y[...], z[...] (SoA)        */
    int *pimg;          /* 3n: img, in bin order                           */
    /* steps of direction k for home bin b: steps[step_start[k][b] ...
     * step_start[k][b + 1] - 1]; step_start[k] has nb[k] + 1 entries */
    stencil_step *steps;
    size_t *step_start[3];
    size_t cap_step_start[3];
    scratch *scr; /* one per thread */
    size_t n_scr;
};

void pesx_nlist_init(pesx_nlist *nl)
{
    memset(nl, 0, sizeof *nl);
}

static void work_free(struct pesx_nlist_work *w)
{
    if (!w)
        return;
    free(w->s);
    free(w->img);
    free(w->bin);
    free(w->cell_start);
    free(w->pj);
    free(w->px);
    free(w->pimg);
    free(w->steps);
    for (int k = 0; k < 3; k++)
        free(w->step_start[k]);
    for (size_t t = 0; t < w->n_scr; t++) {
        scratch *sc = w->scr + t;
        free(sc->key);
        free(sc->key_tmp);
        free(sc->sh);
        free(sc->sd);
        free(sc->sr);
        free(sc->runs);
    }
    free(w->scr);
    free(w);
}

void pesx_nlist_release(pesx_nlist *nl)
{
    if (!nl)
        return;
    free(nl->start);
    free(nl->j);
    free(nl->shift);
    free(nl->d);
    free(nl->r);
    work_free(nl->work);
    pesx_nlist_init(nl);
}

/* realloc *PP to N elements of SIZE bytes; the old block stays on failure. */
static int grow(void *pp, size_t n, size_t size)
{
    void **p = pp;
    void *q;
    if (n > SIZE_MAX / size)
        return PESX_ENOMEM;
    q = realloc(*p, n * size);
    if (!q)
        return PESX_ENOMEM;
    *p = q;
    return PESX_OK;
}

static int reserve_atoms(pesx_nlist *nl, size_t n)
{
    struct pesx_nlist_work *w = nl->work;
    size_t m;
    if (n + 1 <= w->cap_atoms)
        return PESX_OK;
    m = n + 1;
    if (grow(&nl->start, m, sizeof *nl->start) || grow(&w->s, 3 * m, sizeof *w->s) ||
        grow(&w->img, 3 * m, sizeof *w->img) || grow(&w->bin, 3 * m, sizeof *w->bin) ||
        grow(&w->pj, m, sizeof *w->pj) || grow(&w->px, 3 * m, sizeof *w->px) ||
        grow(&w->pimg, 3 * m, sizeof *w->pimg))
        return PESX_ENOMEM;
    w->cap_atoms = m;
    return PESX_OK;
}

static int reserve_cells(struct pesx_nlist_work *w, size_t cells, const int nb[3],
                         size_t steps)
{
    if (cells + 1 > w->cap_cells) {
        if (grow(&w->cell_start, cells + 1, sizeof *w->cell_start))
            return PESX_ENOMEM;
        w->cap_cells = cells + 1;
    }
    if (steps > w->cap_steps) {
        if (grow(&w->steps, steps, sizeof *w->steps))
            return PESX_ENOMEM;
        w->cap_steps = steps;
    }
    for (int k = 0; k < 3; k++)
        if ((size_t)nb[k] + 1 > w->cap_step_start[k]) {
            if (grow(&w->step_start[k], (size_t)nb[k] + 1, sizeof *w->step_start[k]))
                return PESX_ENOMEM;
            w->cap_step_start[k] = (size_t)nb[k] + 1;
        }
    return PESX_OK;
}

/* NT scratch sets, each for K candidates. */
static int reserve_scratch(struct pesx_nlist_work *w, size_t nt, size_t k)
{
    if (nt > w->n_scr) {
        if (grow(&w->scr, nt, sizeof *w->scr))
            return PESX_ENOMEM;
        memset(w->scr + w->n_scr, 0, (nt - w->n_scr) * sizeof *w->scr);
        w->n_scr = nt;
    }
    for (size_t t = 0; t < nt; t++) {
        scratch *sc = w->scr + t;
        size_t m = k < 256 ? 256 : k;
        if (sc->cap >= k)
            continue;
        if (grow(&sc->key, m, sizeof *sc->key) || grow(&sc->key_tmp, m, sizeof *sc->key_tmp) ||
            grow(&sc->sh, 3 * m, sizeof *sc->sh) || grow(&sc->sd, 3 * m, sizeof *sc->sd) ||
            grow(&sc->sr, m, sizeof *sc->sr) || grow(&sc->runs, m + 1, sizeof *sc->runs))
            return PESX_ENOMEM;
        sc->cap = m;
    }
    return PESX_OK;
}

static int reserve_entries(pesx_nlist *nl, size_t k)
{
    size_t m;
    if (k <= nl->cap_entries)
        return PESX_OK;
    m = 2 * nl->cap_entries > k ? 2 * nl->cap_entries : k;
    if (m < 1024)
        m = 1024;
    if (grow(&nl->j, m, sizeof *nl->j) || grow(&nl->shift, 3 * m, sizeof *nl->shift) ||
        grow(&nl->d, 3 * m, sizeof *nl->d) || grow(&nl->r, m, sizeof *nl->r))
        return PESX_ENOMEM;
    nl->cap_entries = m;
    return PESX_OK;
}

/* floor(q / n) for n > 0 */
static int floor_div(int q, int n)
{
    return q >= 0 ? q / n : -((-q - 1) / n) - 1;
}

/* The bin offsets of direction k for every home bin (see stencil_step).
 * Periodic: -m..m, each target wrapped onto the lattice of bins; open:
 * only the offsets that stay inside 0..nb-1. */
static size_t fill_steps(struct pesx_nlist_work *w, stencil_step *st, int k, int nb, int m,
                         int per, size_t stride, const double *hk)
{
    size_t t = 0;
    for (int b = 0; b < nb; b++) {
        w->step_start[k][b] = (size_t)(st - w->steps) + t;
        for (int o = -m; o <= m; o++) {
            int q = b + o, im = 0;
            if (per)
                im = floor_div(q, nb);
            else if (q < 0 || q >= nb)
                continue;
            st[t].off = (size_t)(q - im * nb) * stride;
            st[t].img = im;
            for (int c = 0; c < 3; c++)
                st[t].v[c] = im ? im * hk[c] : 0.0;
            t++;
        }
    }
    w->step_start[k][nb] = (size_t)(st - w->steps) + t;
    return t;
}

/* Natural merge sort of the K keys made of NR increasing runs starting at
 * runs[0..NR-1] (runs[NR] = K).  Keys are unique.  Returns the sorted
 * array (sc->key or sc->key_tmp). */
static const uint64_t *sort_runs(scratch *sc, size_t k, size_t nr)
{
    uint64_t *src = sc->key, *dst = sc->key_tmp;
    size_t *runs = sc->runs;
    while (nr > 1) {
        size_t out = 0;
        for (size_t q = 0; q < nr; q += 2) {
            size_t a = runs[q], mid = runs[q + 1];
            if (q + 1 >= nr) { /* odd run out: copy */
                memcpy(dst + a, src + a, (mid - a) * sizeof *dst);
            } else {
                size_t end = runs[q + 2], b = mid, o = a;
                while (a < mid && b < end) { /* branch-free merge step */
                    uint64_t va = src[a], vb = src[b];
                    int take_b = vb < va;
                    dst[o++] = take_b ? vb : va;
                    a += !take_b;
                    b += take_b;
                }
                while (a < mid)
                    dst[o++] = src[a++];
                while (b < end)
                    dst[o++] = src[b++];
            }
            runs[out++] = runs[q];
        }
        runs[out] = k;
        nr = out;
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    return src;
}

/* What the traversal of one atom's stencil needs. */
typedef struct {
    const stencil_step *steps;
    const size_t *step_start[3];
    const size_t *cs, *pj;
    const double *px;
    const int *pimg;
    size_t n;
    double rc2;
    /* collect mode: candidates and the start of each run */
    uint64_t *key;
    int *sh;
    double *sd, *sr;
    size_t *runs;
    size_t nr;
} visit_ctx;

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* Visit every bin of the stencil of home bin B for the atom at packed
 * position P.  COLLECT = 0: return the number of atoms closer than rc
 * (including the atom itself).  COLLECT = 1: store them (without the atom
 * itself) with their keys, shifts, displacements and squared distances,
 * record the runs, and return their number.  Both modes do the same
 * arithmetic, so they agree on every comparison with rc. */
static ALWAYS_INLINE size_t visit(visit_ctx *cx, const int b[3], size_t p, int collect)
{
    const size_t n = cx->n;
    const double *px = cx->px, *py = px + n, *pz = py + n;
    const double xi[3] = {px[p], py[p], pz[p]};
    const int *imi = cx->pimg + 3 * p;
    const size_t *cs = cx->cs, *pj = cx->pj, i = pj[p];
    const stencil_step *e0 = cx->steps + cx->step_start[0][b[0]],
                       *e0end = cx->steps + cx->step_start[0][b[0] + 1],
                       *e1beg = cx->steps + cx->step_start[1][b[1]],
                       *e1end = cx->steps + cx->step_start[1][b[1] + 1],
                       *e2beg = cx->steps + cx->step_start[2][b[2]],
                       *e2end = cx->steps + cx->step_start[2][b[2] + 1];
    const double rc2 = cx->rc2;
    size_t k = 0, nr = 0;
    for (; e0 < e0end; e0++) {
        double s0[3] = {e0->v[0] - xi[0], e0->v[1] - xi[1], e0->v[2] - xi[2]};
        for (const stencil_step *e1 = e1beg; e1 < e1end; e1++) {
            double s1[3] = {s0[0] + e1->v[0], s0[1] + e1->v[1], s0[2] + e1->v[2]};
            size_t base = e0->off + e1->off;
            for (const stencil_step *e2 = e2beg; e2 < e2end; e2++) {
                size_t c = base + e2->off, q0 = cs[c], q1 = cs[c + 1], k0 = k;
                double ox = s1[0] + e2->v[0], oy = s1[1] + e2->v[1], oz = s1[2] + e2->v[2];
                if (!collect) {
                    for (size_t q = q0; q < q1; q++) {
                        double dx = px[q] + ox, dy = py[q] + oy, dz = pz[q] + oz;
                        k += dx * dx + dy * dy + dz * dz < rc2;
                    }
                    continue;
                }
                if (q0 == q1)
                    continue;
                int i0 = e0->img, i1 = e1->img, i2 = e2->img;
                int self_image = !(i0 | i1 | i2);
                for (size_t q = q0; q < q1; q++) {
                    double dx = px[q] + ox, dy = py[q] + oy, dz = pz[q] + oz;
                    double r2 = dx * dx + dy * dy + dz * dz;
                    if (r2 < rc2) {
                        size_t jj = pj[q];
                        const int *imj = cx->pimg + 3 * q;
                        if (jj == i && self_image)
                            continue;
                        cx->key[k] = (uint64_t)jj << IDX_BITS | k;
                        cx->sh[3 * k] = imj[0] - imi[0] + i0;
                        cx->sh[3 * k + 1] = imj[1] - imi[1] + i1;
                        cx->sh[3 * k + 2] = imj[2] - imi[2] + i2;
                        cx->sd[3 * k] = dx;
                        cx->sd[3 * k + 1] = dy;
                        cx->sd[3 * k + 2] = dz;
                        cx->sr[k] = r2;
                        k++;
                    }
                }
                if (k > k0)
                    cx->runs[nr++] = k0;
            }
        }
    }
    if (collect) {
        cx->runs[nr] = k;
        cx->nr = nr;
    }
    return k;
}

static void reset(pesx_nlist *nl)
{
    nl->n = 0;
    nl->n_entries = 0;
    if (nl->start)
        nl->start[0] = 0;
}

int pesx_nlist_build(pesx_nlist *nl, const pesx_atoms *a, double rc)
{
    struct pesx_nlist_work *w;
    double h[9], inv[9], lo[3], hi[3], len[3], scale[3], rc2 = rc * rc;
    int per[3], nb[3], m[3];
    size_t n = a->n, ncells, total = 0;
    int status;

    /* Allocate first, so that even a failed build leaves start[0] = 0 and
     * non-NULL arrays behind. */
    if (!nl->work && !(nl->work = calloc(1, sizeof *nl->work)))
        goto nomem;
    w = nl->work;
    if (reserve_atoms(nl, n) || reserve_entries(nl, 1))
        goto nomem;
    reset(nl);
    if (!(rc > 0) || !isfinite(rc))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "neighbour list: cutoff must be finite and positive, not %g", rc);
    if ((status = pesx_atoms_frame(a, h, inv)))
        return pesx_error_prefix("neighbour list");

    /* Frame coordinates, wrapping of periodic ones, extents of open ones. */
    for (int k = 0; k < 3; k++) {
        per[k] = a->pbc[k] != 0;
        lo[k] = INFINITY;
        hi[k] = -INFINITY;
    }
    for (size_t i = 0; i < n; i++) {
        const double *x = a->x + 3 * i;
        if (!isfinite(x[0]) || !isfinite(x[1]) || !isfinite(x[2]))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "neighbour list: atom %zu has a non-finite position "
                                  "(%g %g %g)",
                                  i + 1, x[0], x[1], x[2]);
        for (int k = 0; k < 3; k++) {
            double s = x[0] * inv[k] + x[1] * inv[3 + k] + x[2] * inv[6 + k];
            int im = 0;
            if (per[k]) {
                double f = floor(s);
                if (!(fabs(f) < 1e8))
                    return pesx_error_set(PESX_EINVAL, NULL, 0,
                                          "neighbour list: atom %zu lies %g cells away "
                                          "from the cell",
                                          i + 1, f);
                im = -(int)f;
                s -= f;
            } else {
                if (s < lo[k])
                    lo[k] = s;
                if (s > hi[k])
                    hi[k] = s;
            }
            w->s[3 * i + k] = s;
            w->img[3 * i + k] = im;
        }
    }

    /* Bins and stencil reach per direction. */
    {
        double maxcells = 2.0 * (double)n + 27.0, prod = 1.0, stencil = 1.0, dnb[3];
        size_t nsteps = 0;
        for (int k = 0; k < 3; k++) {
            if (per[k]) {
                double c2 = inv[k] * inv[k] + inv[3 + k] * inv[3 + k] + inv[6 + k] * inv[6 + k];
                len[k] = 1.0 / sqrt(c2); /* perpendicular width */
            } else {
                len[k] = n ? hi[k] - lo[k] : 0.0;
            }
            dnb[k] = floor(len[k] * NSUB / (rc * (1 + 2 * MARGIN)));
            if (dnb[k] < 1)
                dnb[k] = 1;
            if (dnb[k] > 1e6)
                dnb[k] = 1e6;
            prod *= dnb[k];
        }
        while (prod > maxcells) {
            int k = 0;
            for (int q = 1; q < 3; q++)
                if (dnb[q] > dnb[k])
                    k = q;
            prod /= dnb[k];
            dnb[k] = ceil(dnb[k] / 2);
            prod *= dnb[k];
        }
        for (int k = 0; k < 3; k++) {
            double q;
            nb[k] = (int)dnb[k];
            q = len[k] > 0 ? rc * nb[k] / len[k] * (1 + MARGIN) : 0.0;
            if (q > MAX_STENCIL)
                q = MAX_STENCIL;
            m[k] = (int)ceil(q);
            if (!per[k] && m[k] > nb[k] - 1)
                m[k] = nb[k] - 1;
            stencil *= 2.0 * m[k] + 1;
            nsteps += (size_t)nb[k] * (2 * (size_t)m[k] + 1);
            /* bin coordinate of s: (s - origin) * scale */
            scale[k] = per[k] ? nb[k] : (len[k] > 0 ? nb[k] / len[k] : 0.0);
        }
        if (stencil > MAX_STENCIL)
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "neighbour list: cutoff %g A is too long for a cell "
                                  "%g x %g x %g A wide (each atom would see %.3g bins)",
                                  rc, len[0], len[1], len[2], stencil);
        ncells = (size_t)nb[0] * (size_t)nb[1] * (size_t)nb[2];
        if (reserve_cells(w, ncells, nb, nsteps))
            goto nomem;
    }
    {
        stencil_step *st = w->steps;
        st += fill_steps(w, st, 0, nb[0], m[0], per[0], (size_t)nb[1] * nb[2], h);
        st += fill_steps(w, st, 1, nb[1], m[1], per[1], (size_t)nb[2], h + 3);
        fill_steps(w, st, 2, nb[2], m[2], per[2], 1, h + 6);
    }

    /* Counting sort of the atoms by bin (stable). */
    {
        size_t *cs = w->cell_start;
        memset(cs, 0, (ncells + 1) * sizeof *cs);
        for (size_t i = 0; i < n; i++) {
            int *b = w->bin + 3 * i;
            for (int k = 0; k < 3; k++) {
                double u = (w->s[3 * i + k] - (per[k] ? 0.0 : lo[k])) * scale[k];
                int bk = (int)u;
                if (bk >= nb[k])
                    bk = nb[k] - 1;
                if (bk < 0)
                    bk = 0;
                b[k] = bk;
            }
            cs[((size_t)b[0] * nb[1] + b[1]) * nb[2] + b[2] + 1]++;
        }
        for (size_t c = 0; c < ncells; c++)
            cs[c + 1] += cs[c];
        for (size_t i = 0; i < n; i++) {
            const int *b = w->bin + 3 * i, *im = w->img + 3 * i;
            const double *x = a->x + 3 * i;
            size_t c = ((size_t)b[0] * nb[1] + b[1]) * nb[2] + b[2];
            size_t p = cs[c]++;
            w->pj[p] = i;
            for (int q = 0; q < 3; q++) {
                w->pimg[3 * p + q] = im[q];
                double v = x[q];
                for (int k = 0; k < 3; k++)
                    if (im[k])
                        v += im[k] * h[3 * k + q];
                w->px[q * n + p] = v;
            }
        }
        for (size_t c = ncells; c > 0; c--)
            cs[c] = cs[c - 1];
        cs[0] = 0;
    }

    /* Atoms are visited bin by bin, so that consecutive atoms share their
     * stencil and its data stays in cache whatever the order of the atoms.
     * Pass 1 counts the neighbours of each atom, which places each atom's
     * entries; pass 2 gathers them, sorts them and stores them there.
     *
     * A candidate's key is j << IDX_BITS | its index among the candidates;
     * bins are visited in lexicographic order of the offsets, which for one
     * atom j is the lexicographic order of its image, so sorting the keys
     * gives the order (j, shift). */
    visit_ctx cx;
    size_t kmax = 0;
    int nt = 1, bad = 0;
#ifdef _OPENMP
    if (n >= PAR_MIN_ATOMS && !omp_in_parallel())
        nt = omp_get_max_threads();
#endif
    memset(&cx, 0, sizeof cx);
    cx.steps = w->steps;
    for (int k = 0; k < 3; k++)
        cx.step_start[k] = w->step_start[k];
    cx.cs = w->cell_start;
    cx.pj = w->pj;
    cx.px = w->px;
    cx.pimg = w->pimg;
    cx.rc2 = rc2;
    cx.n = n;

    /* Pass 1: count. */
    nl->start[0] = 0;
#pragma omp parallel for num_threads(nt) if (nt > 1) schedule(static) reduction(max : kmax)
    for (size_t c = 0; c < ncells; c++) {
        visit_ctx lcx = cx;
        int b[3];
        size_t q = c / (size_t)nb[2];
        if (cx.cs[c] == cx.cs[c + 1])
            continue;
        b[2] = (int)(c % (size_t)nb[2]);
        b[1] = (int)(q % (size_t)nb[1]);
        b[0] = (int)(q / (size_t)nb[1]);
        for (size_t p = cx.cs[c]; p < cx.cs[c + 1]; p++) {
            size_t k = visit(&lcx, b, p, 0) - 1; /* not itself */
            nl->start[cx.pj[p] + 1] = k;
            if (k > kmax)
                kmax = k;
        }
    }
    if (kmax >= MAX_CANDIDATES) {
        size_t i = 0;
        while (nl->start[i + 1] < MAX_CANDIDATES)
            i++;
        reset(nl);
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "neighbour list: more than %zu atoms within %g A of atom %zu",
                              MAX_CANDIDATES - 1, rc, i + 1);
    }
    for (size_t i = 0; i < n; i++)
        nl->start[i + 1] += nl->start[i];
    total = nl->start[n];
    if (reserve_entries(nl, total) || reserve_scratch(w, (size_t)nt, kmax + 1))
        goto nomem;

    /* Pass 2: gather, sort, store. */
#pragma omp parallel for num_threads(nt) if (nt > 1) schedule(static)
    for (size_t c = 0; c < ncells; c++) {
        visit_ctx lcx = cx;
        int b[3];
        size_t q = c / (size_t)nb[2];
        scratch *sc = w->scr;
        if (cx.cs[c] == cx.cs[c + 1])
            continue;
#ifdef _OPENMP
        sc += omp_get_thread_num();
#endif
        lcx.key = sc->key;
        lcx.sh = sc->sh;
        lcx.sd = sc->sd;
        lcx.sr = sc->sr;
        lcx.runs = sc->runs;
        b[2] = (int)(c % (size_t)nb[2]);
        b[1] = (int)(q % (size_t)nb[1]);
        b[0] = (int)(q / (size_t)nb[1]);
        for (size_t p = cx.cs[c]; p < cx.cs[c + 1]; p++) {
            size_t i = cx.pj[p], at = nl->start[i], k = nl->start[i + 1] - at;
            const uint64_t *sorted;
            if (k == 0)
                continue;
            if (visit(&lcx, b, p, 1) != k) {
#pragma omp atomic write
                bad = 1;
                continue;
            }
            sorted = sort_runs(sc, k, lcx.nr);
            size_t *oj = nl->j + at;
            int *os = nl->shift + 3 * at;
            double *od = nl->d + 3 * at, *orr = nl->r + at;
            for (size_t t = 0; t < k; t++) {
                size_t e = (size_t)(sorted[t] & (MAX_CANDIDATES - 1));
                oj[t] = (size_t)(sorted[t] >> IDX_BITS);
                os[3 * t] = lcx.sh[3 * e];
                os[3 * t + 1] = lcx.sh[3 * e + 1];
                os[3 * t + 2] = lcx.sh[3 * e + 2];
                od[3 * t] = lcx.sd[3 * e];
                od[3 * t + 1] = lcx.sd[3 * e + 1];
                od[3 * t + 2] = lcx.sd[3 * e + 2];
                orr[t] = sqrt(lcx.sr[e]);
            }
        }
    }
    if (bad) {
        reset(nl);
        return pesx_error_set(PESX_EFAILED, NULL, 0,
                              "neighbour list: internal error: the two passes disagree");
    }
    nl->start[n] = total;
    nl->n = n;
    nl->rc = rc;
    nl->n_entries = total;
    return PESX_OK;
nomem:
    reset(nl);
    return pesx_error_set(PESX_ENOMEM, NULL, 0, "neighbour list: out of memory (%zu atoms)", n);
}
