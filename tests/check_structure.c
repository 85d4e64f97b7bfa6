/* structure: atoms allocation, cell algebra, wrapping, minimum image and
 * the cell-list neighbour list, checked against brute force over periodic
 * images on many random triclinic cells. */
#include <config.h>
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* ---- helpers -------------------------------------------------------------- */

/* Assertions inside loops of millions of comparisons: Check records every
 * passing ck_assert (a write to its pipe), which would dominate the run
 * time, so these only call into Check on failure. */
#define REQUIRE(cond)                                                                      \
    do {                                                                                   \
        if (!(cond))                                                                       \
            ck_abort_msg("%s:%d: %s failed", __FILE__, __LINE__, #cond);                   \
    } while (0)
#define REQUIRE_MSG(cond, ...)                                                             \
    do {                                                                                   \
        if (!(cond))                                                                       \
            ck_abort_msg(__VA_ARGS__);                                                     \
    } while (0)

static double uni(pesx_rng *g, double lo, double hi)
{
    return lo + (hi - lo) * pesx_rng_uniform(g);
}

/* A random cell: diagonal-dominant with random shear, or (skew > 0) very
 * skewed, with lattice vectors nearly parallel. */
static void random_cell(pesx_rng *g, double cell[9], int skewed)
{
    for (;;) {
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                cell[3 * r + c] = (r == c ? uni(g, 2.0, 6.0) : 0.0) + uni(g, -1.5, 1.5);
        if (skewed) {
            /* b = a + small, c = a + b + small: widths far below lengths */
            int k = (int)(pesx_rng_next(g) % 3);
            double f = uni(g, 1.5, 3.0);
            for (int c = 0; c < 3; c++) {
                cell[3 * ((k + 1) % 3) + c] += f * cell[3 * k + c];
                cell[3 * ((k + 2) % 3) + c] -= 2 * f * cell[3 * k + c];
            }
        }
        if (pesx_cell_volume(cell) > 1.0)
            return;
    }
}

/* N atoms in CELL at fractional coordinates in [-1.5, 2.5) for periodic
 * directions (so positions are not wrapped) and [0, 1) otherwise. */
static pesx_atoms *random_atoms(pesx_rng *g, size_t n, const double cell[9], const int pbc[3])
{
    pesx_atoms *a = pesx_atoms_alloc(n);
    ck_assert_ptr_nonnull(a);
    memcpy(a->cell, cell, sizeof a->cell);
    memcpy(a->pbc, pbc, sizeof a->pbc);
    a->has_cell = 1;
    for (size_t i = 0; i < n; i++) {
        double s[3];
        for (int k = 0; k < 3; k++)
            s[k] = pbc[k] ? uni(g, -1.5, 2.5) : uni(g, 0.0, 1.0);
        for (int c = 0; c < 3; c++)
            a->x[3 * i + c] = s[0] * cell[c] + s[1] * cell[3 + c] + s[2] * cell[6 + c];
        a->z[i] = 1 + (int)(i % 3);
    }
    return a;
}

typedef struct {
    size_t j;
    int s[3];
    double d[3], r;
} ref_entry;

static int ref_cmp(const void *pa, const void *pb)
{
    const ref_entry *a = pa, *b = pb;
    if (a->j != b->j)
        return a->j < b->j ? -1 : 1;
    for (int k = 0; k < 3; k++)
        if (a->s[k] != b->s[k])
            return a->s[k] < b->s[k] ? -1 : 1;
    return 0;
}

/* Brute force: every pair, every lattice translation that can bring it
 * within rc (the range is centred on the rounded fractional difference and
 * reaches ceil(rc / width) + 2 cells either way). */
static ref_entry *brute_list(const pesx_atoms *a, double rc, size_t *count, size_t **start)
{
    double h[9], inv[9], w[3];
    int reach[3];
    size_t cap = 1024, k = 0;
    ref_entry *e = malloc(cap * sizeof *e);
    *start = malloc((a->n + 1) * sizeof **start);
    ck_assert_int_eq(pesx_atoms_frame(a, h, inv), PESX_OK);
    for (int q = 0; q < 3; q++) {
        double c2 = inv[q] * inv[q] + inv[3 + q] * inv[3 + q] + inv[6 + q] * inv[6 + q];
        w[q] = 1.0 / sqrt(c2);
        reach[q] = a->pbc[q] ? (int)ceil(rc / w[q]) + 2 : 0;
    }
    for (size_t i = 0; i < a->n; i++) {
        size_t k0 = k;
        (*start)[i] = k;
        for (size_t j = 0; j < a->n; j++) {
            double dx[3], base[3];
            for (int c = 0; c < 3; c++)
                dx[c] = a->x[3 * j + c] - a->x[3 * i + c];
            for (int q = 0; q < 3; q++)
                base[q] = a->pbc[q]
                              ? -floor(dx[0] * inv[q] + dx[1] * inv[3 + q] + dx[2] * inv[6 + q] + 0.5)
                              : 0;
            for (int n0 = -reach[0]; n0 <= reach[0]; n0++)
                for (int n1 = -reach[1]; n1 <= reach[1]; n1++)
                    for (int n2 = -reach[2]; n2 <= reach[2]; n2++) {
                        int s[3] = {(int)base[0] + n0, (int)base[1] + n1, (int)base[2] + n2};
                        double d[3], r2;
                        if (j == i && !s[0] && !s[1] && !s[2])
                            continue;
                        for (int c = 0; c < 3; c++)
                            d[c] = dx[c] + s[0] * h[c] * a->pbc[0] + s[1] * h[3 + c] * a->pbc[1] +
                                   s[2] * h[6 + c] * a->pbc[2];
                        r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
                        if (r2 >= rc * rc)
                            continue;
                        if (k == cap)
                            e = realloc(e, (cap *= 2) * sizeof *e);
                        e[k].j = j;
                        memcpy(e[k].s, s, sizeof s);
                        memcpy(e[k].d, d, sizeof d);
                        e[k].r = sqrt(r2);
                        k++;
                    }
        }
        qsort(e + k0, k - k0, sizeof *e, ref_cmp);
    }
    (*start)[a->n] = k;
    *count = k;
    return e;
}

/* The list of A for RC equals brute force entry by entry (same count per
 * atom, same j and shift in the same order, same d and r), and is
 * symmetric. */
static void check_against_brute(pesx_nlist *nl, const pesx_atoms *a, double rc, const char *what)
{
    size_t count, *start, n_half = 0;
    ref_entry *ref;
    int status = pesx_nlist_build(nl, a, rc);
    REQUIRE_MSG(status == PESX_OK, "%s: build failed: %s", what, pesx_error_last()->msg);
    ref = brute_list(a, rc, &count, &start);
    REQUIRE((nl->n) == (a->n));
    REQUIRE_MSG(nl->n_entries == count, "%s: %zu entries, brute force %zu", what,
                  nl->n_entries, count);
    for (size_t i = 0; i <= a->n; i++)
        REQUIRE_MSG(nl->start[i] == start[i], "%s: start[%zu] = %zu, brute force %zu", what, i,
                      nl->start[i], start[i]);
    for (size_t i = 0; i < a->n; i++)
        for (size_t e = nl->start[i]; e < nl->start[i + 1]; e++) {
            const ref_entry *r = ref + e;
            REQUIRE_MSG(nl->j[e] == r->j && nl->shift[3 * e] == r->s[0] &&
                              nl->shift[3 * e + 1] == r->s[1] && nl->shift[3 * e + 2] == r->s[2],
                          "%s: atom %zu entry %zu: (j %zu shift %d %d %d), brute force (%zu %d "
                          "%d %d)",
                          what, i, e, nl->j[e], nl->shift[3 * e], nl->shift[3 * e + 1],
                          nl->shift[3 * e + 2], r->j, r->s[0], r->s[1], r->s[2]);
            for (int c = 0; c < 3; c++)
                REQUIRE_MSG(fabs(nl->d[3 * e + c] - r->d[c]) < 1e-9,
                              "%s: atom %zu entry %zu: d[%d] %.17g vs %.17g", what, i, e, c,
                              nl->d[3 * e + c], r->d[c]);
            REQUIRE(fabs(nl->r[e] - r->r) < 1e-9);
            REQUIRE(nl->r[e] < rc);
            n_half += pesx_nlist_is_half_entry(nl, i, e);
        }
    /* exactly one of each couple (i, j, n) / (j, i, -n) */
    REQUIRE((2 * n_half) == (nl->n_entries));
    free(ref);
    free(start);
}

/* ---- atoms ---------------------------------------------------------------- */

START_TEST(test_atoms_alloc_resize)
{
    pesx_atoms *a = pesx_atoms_alloc(0), *b;
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(a->n, 0);
    ck_assert_ptr_nonnull(a->x);
    ck_assert_ptr_nonnull(a->z);
    ck_assert_ptr_nonnull(a->fixed);
    ck_assert_int_eq(a->has_cell, 0);
    ck_assert_int_eq(pesx_atoms_any_pbc(a), 0);
    ck_assert_uint_eq(pesx_atoms_n_free(a), 0);

    ck_assert_int_eq(pesx_atoms_resize(a, 5), PESX_OK);
    ck_assert_uint_eq(a->n, 5);
    for (size_t i = 0; i < 5; i++) {
        ck_assert_int_eq(a->z[i], 0);
        ck_assert_int_eq(a->fixed[i], 0);
        for (int c = 0; c < 3; c++)
            ck_assert(a->x[3 * i + c] == 0.0);
        a->z[i] = (int)i + 1;
        a->x[3 * i] = (double)i;
    }
    a->fixed[1] = a->fixed[3] = 1;
    ck_assert_uint_eq(pesx_atoms_n_free(a), 3);

    ck_assert_int_eq(pesx_atoms_resize(a, 2), PESX_OK);
    ck_assert_uint_eq(a->n, 2);
    ck_assert_int_eq(a->z[1], 2);
    ck_assert(a->x[3] == 1.0);
    ck_assert_uint_eq(pesx_atoms_n_free(a), 1);
    /* growing again zeroes the new atoms (old values are not resurrected) */
    ck_assert_int_eq(pesx_atoms_resize(a, 4), PESX_OK);
    ck_assert_int_eq(a->z[2], 0);
    ck_assert_int_eq(a->z[3], 0);
    ck_assert_int_eq(a->fixed[3], 0);
    ck_assert(a->x[9] == 0.0);

    a->pbc[1] = 1;
    a->has_cell = 1;
    a->cell[0] = a->cell[4] = a->cell[8] = 7.0;
    ck_assert_int_eq(pesx_atoms_any_pbc(a), 1);

    b = pesx_atoms_clone(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->n, 4);
    ck_assert_ptr_ne(b->x, a->x);
    ck_assert_int_eq(memcmp(b->x, a->x, 12 * sizeof(double)), 0);
    ck_assert_int_eq(memcmp(b->z, a->z, 4 * sizeof(int)), 0);
    ck_assert_int_eq(memcmp(b->fixed, a->fixed, 4), 0);
    ck_assert_int_eq(memcmp(b->cell, a->cell, sizeof a->cell), 0);
    ck_assert_int_eq(b->pbc[1], 1);
    ck_assert_int_eq(b->has_cell, 1);

    /* copy into a structure of another size, and from an empty one */
    pesx_atoms *c = pesx_atoms_alloc(9);
    ck_assert_int_eq(pesx_atoms_copy(c, a), PESX_OK);
    ck_assert_uint_eq(c->n, 4);
    ck_assert_int_eq(c->z[1], 2);
    ck_assert_int_eq(pesx_atoms_copy(c, c), PESX_OK);
    ck_assert_uint_eq(c->n, 4);
    pesx_atoms *e = pesx_atoms_alloc(0);
    ck_assert_int_eq(pesx_atoms_copy(c, e), PESX_OK);
    ck_assert_uint_eq(c->n, 0);
    ck_assert_int_eq(c->has_cell, 0);
    pesx_atoms *f = pesx_atoms_clone(e);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->n, 0);

    pesx_atoms_free(a);
    pesx_atoms_free(b);
    pesx_atoms_free(c);
    pesx_atoms_free(e);
    pesx_atoms_free(f);
    pesx_atoms_free(NULL);
}
END_TEST

START_TEST(test_atoms_check)
{
    pesx_atoms *a = pesx_atoms_alloc(3);
    ck_assert_int_eq(pesx_atoms_check(a), PESX_OK); /* cluster without cell */
    a->x[4] = NAN;
    ck_assert_int_eq(pesx_atoms_check(a), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "atom 2"));
    a->x[4] = INFINITY;
    ck_assert_int_eq(pesx_atoms_check(a), PESX_EINVAL);
    a->x[4] = 0;
    a->pbc[2] = 1;
    ck_assert_int_eq(pesx_atoms_check(a), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "no cell"));
    a->has_cell = 1;
    a->cell[8] = 5.0; /* only c is given: fine for pbc F F T */
    ck_assert_int_eq(pesx_atoms_check(a), PESX_OK);
    a->pbc[0] = 1; /* a = 0 but periodic */
    ck_assert_int_eq(pesx_atoms_check(a), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "singular"));
    a->cell[2] = 2.0; /* a = (0 0 2) parallel to c */
    ck_assert_int_eq(pesx_atoms_check(a), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "parallel"));
    a->cell[0] = 1.0;
    a->cell[2] = 0.0;
    ck_assert_int_eq(pesx_atoms_check(a), PESX_OK);
    a->cell[1] = NAN;
    ck_assert_int_eq(pesx_atoms_check(a), PESX_EINVAL);
    a->cell[1] = 0;
    a->pbc[1] = 1; /* b = 0 */
    ck_assert_int_eq(pesx_atoms_check(a), PESX_EINVAL);
    a->cell[3] = 1.0;
    a->cell[4] = 1e-14; /* b nearly parallel to a: singular */
    ck_assert_int_eq(pesx_atoms_check(a), PESX_EINVAL);
    a->cell[4] = 1.0;
    ck_assert_int_eq(pesx_atoms_check(a), PESX_OK);
    pesx_atoms_free(a);
}
END_TEST

/* ---- cell algebra --------------------------------------------------------- */

START_TEST(test_cell_algebra)
{
    pesx_rng g;
    double sheared[9] = {1, 0, 0, 1, 1, 0, 0, 0, 1}, w[3], inv[9];
    double ortho[9] = {2, 0, 0, 0, 3, 0, 0, 0, 4};
    pesx_rng_seed(&g, 11);

    pesx_cell_widths(sheared, w);
    ck_assert_rel(w[0], 1 / sqrt(2.0), 1e-14);
    ck_assert_rel(w[1], 1.0, 1e-14);
    ck_assert_rel(w[2], 1.0, 1e-14);
    ck_assert_rel(pesx_cell_volume(sheared), 1.0, 1e-14);
    pesx_cell_widths(ortho, w);
    ck_assert_rel(w[0], 2.0, 1e-14);
    ck_assert_rel(w[1], 3.0, 1e-14);
    ck_assert_rel(w[2], 4.0, 1e-14);
    ck_assert_rel(pesx_cell_volume(ortho), 24.0, 1e-14);
    ck_assert_int_eq(pesx_cell_inverse(ortho, inv), PESX_OK);
    ck_assert_rel(inv[0], 0.5, 1e-15);
    ck_assert_rel(inv[8], 0.25, 1e-15);

    for (int t = 0; t < 200; t++) {
        double c[9], prod[9], vol;
        random_cell(&g, c, t % 2);
        REQUIRE(pesx_cell_inverse(c, inv) == PESX_OK);
        for (int r = 0; r < 3; r++)
            for (int q = 0; q < 3; q++) {
                prod[3 * r + q] = 0;
                for (int m = 0; m < 3; m++)
                    prod[3 * r + q] += c[3 * r + m] * inv[3 * m + q];
                REQUIRE(fabs(prod[3 * r + q] - (r == q)) < 1e-10);
            }
        /* a left-handed cell has the same volume */
        vol = pesx_cell_volume(c);
        for (int m = 0; m < 3; m++) {
            double tmp = c[m];
            c[m] = c[3 + m];
            c[3 + m] = tmp;
        }
        ck_assert_rel(pesx_cell_volume(c), vol, 1e-12);
        /* width = distance between opposite faces = min over the face
         * normal of the projection */
        pesx_cell_widths(c, w);
        for (int k = 0; k < 3; k++)
            REQUIRE(w[k] > 0 && w[k] <= sqrt(c[3 * k] * c[3 * k] + c[3 * k + 1] * c[3 * k + 1] +
                                                 c[3 * k + 2] * c[3 * k + 2]) + 1e-12);
    }

    double sing[9] = {1, 0, 0, 2, 0, 0, 0, 0, 1};
    ck_assert_int_eq(pesx_cell_inverse(sing, inv), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "singular"));
    sing[3] = NAN;
    ck_assert_int_eq(pesx_cell_inverse(sing, inv), PESX_EINVAL);
    double zero[9] = {0};
    ck_assert_int_eq(pesx_cell_inverse(zero, inv), PESX_EINVAL);
}
END_TEST

/* The frame keeps periodic rows, makes open rows orthonormal and
 * perpendicular to them, and its inverse inverts it. */
START_TEST(test_frame)
{
    pesx_rng g;
    pesx_rng_seed(&g, 5);
    for (int mask = 0; mask < 8; mask++)
        for (int t = 0; t < 20; t++) {
            pesx_atoms *a = pesx_atoms_alloc(1);
            double h[9], inv[9];
            random_cell(&g, a->cell, t % 2);
            a->has_cell = 1;
            for (int k = 0; k < 3; k++) {
                a->pbc[k] = (mask >> k) & 1;
                if (!a->pbc[k] && t % 3 == 0) /* ASE style: zero open rows */
                    a->cell[3 * k] = a->cell[3 * k + 1] = a->cell[3 * k + 2] = 0;
            }
            if (mask == 0 && t % 2)
                a->has_cell = 0;
            ck_assert_int_eq(pesx_atoms_frame(a, h, inv), PESX_OK);
            for (int k = 0; k < 3; k++) {
                for (int q = 0; q < 3; q++) {
                    double dkq = h[3 * k] * h[3 * q] + h[3 * k + 1] * h[3 * q + 1] +
                                 h[3 * k + 2] * h[3 * q + 2];
                    double hi = 0;
                    for (int m = 0; m < 3; m++)
                        hi += h[3 * k + m] * inv[3 * m + q];
                    ck_assert(fabs(hi - (k == q)) < 1e-10);
                    if (!a->pbc[k] && k != q)
                        ck_assert(fabs(dkq) < 1e-10); /* open row perpendicular */
                    if (!a->pbc[k] && k == q)
                        ck_assert(fabs(dkq - 1) < 1e-12); /* and unit */
                }
                if (a->pbc[k])
                    for (int m = 0; m < 3; m++)
                        ck_assert(h[3 * k + m] == a->cell[3 * k + m]);
            }
            pesx_atoms_free(a);
        }
}
END_TEST

START_TEST(test_wrap)
{
    pesx_rng g;
    pesx_rng_seed(&g, 7);
    for (int mask = 0; mask < 8; mask++)
        for (int t = 0; t < 10; t++) {
            double cell[9], h[9], inv[9], invc[9];
            int pbc[3] = {mask & 1, (mask >> 1) & 1, (mask >> 2) & 1};
            random_cell(&g, cell, t % 2);
            pesx_atoms *a = random_atoms(&g, 50, cell, pbc), *b;
            for (size_t i = 0; i < a->n; i++) /* far away too */
                for (int c = 0; c < 3; c++)
                    a->x[3 * i + c] += (i % 5 == 0) ? uni(&g, -300, 300) : 0.0;
            b = pesx_atoms_clone(a);
            ck_assert_int_eq(pesx_atoms_wrap(b), PESX_OK);
            ck_assert_int_eq(pesx_atoms_frame(a, h, inv), PESX_OK);
            ck_assert_int_eq(pesx_cell_inverse(cell, invc), PESX_OK);
            for (size_t i = 0; i < a->n; i++) {
                double dx[3], so[3], sn[3];
                for (int c = 0; c < 3; c++)
                    dx[c] = b->x[3 * i + c] - a->x[3 * i + c];
                for (int k = 0; k < 3; k++) {
                    sn[k] = so[k] = 0;
                    for (int m = 0; m < 3; m++) {
                        sn[k] += b->x[3 * i + m] * inv[3 * m + k];
                        so[k] += dx[m] * invc[3 * m + k];
                    }
                    if (pbc[k]) {
                        REQUIRE_MSG(sn[k] >= -1e-12 && sn[k] < 1 + 1e-12, "s = %g", sn[k]);
                        /* moved by a whole lattice vector */
                        REQUIRE(fabs(so[k] - nearbyint(so[k])) < 1e-8);
                    } else {
                        REQUIRE(fabs(so[k]) < 1e-8); /* never along an open row */
                    }
                }
                if (!pbc[0] && !pbc[1] && !pbc[2])
                    for (int c = 0; c < 3; c++)
                        REQUIRE(dx[c] == 0.0);
            }
            pesx_atoms_free(a);
            pesx_atoms_free(b);
        }
    /* an atom just below 0 ends in [0, 1), not at 1 */
    pesx_atoms *c = pesx_atoms_alloc(1);
    c->has_cell = 1;
    c->pbc[0] = c->pbc[1] = c->pbc[2] = 1;
    c->cell[0] = c->cell[4] = c->cell[8] = 10.0;
    c->x[0] = -1e-17;
    c->x[1] = 10.0;
    c->x[2] = 25.0;
    ck_assert_int_eq(pesx_atoms_wrap(c), PESX_OK);
    ck_assert(c->x[0] >= 0 && c->x[0] < 10.0);
    ck_assert(c->x[1] == 0.0);
    ck_assert(c->x[2] == 5.0);
    c->x[0] = NAN;
    ck_assert_int_eq(pesx_atoms_wrap(c), PESX_EINVAL);
    pesx_atoms_free(c);
}
END_TEST

/* Shortest of d + n.H over a wide range of n around the rounded
 * fractional coordinates of -d. */
static double brute_min_image(const double h[9], const double inv[9], const int pbc[3],
                              const double d[3], int reach)
{
    double best = INFINITY;
    int r0 = pbc[0] ? reach : 0, r1 = pbc[1] ? reach : 0, r2 = pbc[2] ? reach : 0, c[3];
    for (int k = 0; k < 3; k++)
        c[k] = pbc[k] ? (int)-nearbyint(d[0] * inv[k] + d[1] * inv[3 + k] + d[2] * inv[6 + k])
                      : 0;
    for (int n0 = c[0] - r0; n0 <= c[0] + r0; n0++)
        for (int n1 = c[1] - r1; n1 <= c[1] + r1; n1++)
            for (int n2 = c[2] - r2; n2 <= c[2] + r2; n2++) {
                double t[3], l;
                for (int q = 0; q < 3; q++)
                    t[q] = d[q] + n0 * h[q] + n1 * h[3 + q] + n2 * h[6 + q];
                l = sqrt(t[0] * t[0] + t[1] * t[1] + t[2] * t[2]);
                if (l < best)
                    best = l;
            }
    return best;
}

START_TEST(test_min_image)
{
    pesx_rng g;
    pesx_rng_seed(&g, 13);
    for (int mask = 0; mask < 8; mask++)
        for (int t = 0; t < 40; t++) {
            double cell[9], h[9], inv[9], w[3], wmin = INFINITY;
            int pbc[3] = {mask & 1, (mask >> 1) & 1, (mask >> 2) & 1};
            int ortho = t % 4 == 3;
            random_cell(&g, cell, t % 2 && !ortho);
            if (ortho)
                for (int m = 0; m < 9; m++)
                    if (m % 4)
                        cell[m] = 0;
            pesx_atoms *a = random_atoms(&g, 1, cell, pbc);
            ck_assert_int_eq(pesx_atoms_frame(a, h, inv), PESX_OK);
            pesx_cell_widths(cell, w);
            for (int k = 0; k < 3; k++)
                if (pbc[k] && w[k] < wmin)
                    wmin = w[k];
            for (int q = 0; q < 50; q++) {
                double d[3], d0[3], s[3], len, best;
                for (int c = 0; c < 3; c++)
                    d[c] = d0[c] = uni(&g, -20, 20);
                pesx_atoms_min_image(a, inv, d);
                /* d - d0 is a lattice translation along periodic rows */
                for (int k = 0; k < 3; k++) {
                    s[k] = 0;
                    for (int m = 0; m < 3; m++)
                        s[k] += (d[m] - d0[m]) * inv[3 * m + k];
                    if (pbc[k])
                        REQUIRE(fabs(s[k] - nearbyint(s[k])) < 1e-8);
                    else
                        REQUIRE(fabs(s[k]) < 1e-10);
                }
                len = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                best = brute_min_image(h, inv, pbc, d0, 8);
                REQUIRE(len >= best - 1e-9);
                /* exact when the minimum image is within half the smallest
                 * width, and always for orthorhombic cells */
                if (ortho || best < 0.5 * wmin)
                    REQUIRE_MSG(fabs(len - best) < 1e-9, "min image %g, brute force %g", len,
                                  best);
            }
            pesx_atoms_free(a);
        }
}
END_TEST

/* ---- neighbour list ------------------------------------------------------- */

/* Random triclinic periodic cells, cutoffs from a fifth to three times the
 * smallest width (so cells shorter than rc and 2 rc), atoms unwrapped. */
START_TEST(test_nlist_periodic_random)
{
    pesx_rng g;
    pesx_nlist nl;
    const double ratio[] = {0.2, 0.45, 0.5, 0.8, 1.0, 1.7, 3.0};
    int pbc[3] = {1, 1, 1};
    pesx_rng_seed(&g, 2024);
    pesx_nlist_init(&nl);
    for (int t = 0; t < 60; t++) {
        double cell[9], w[3], wmin;
        char what[64];
        random_cell(&g, cell, t % 3 == 2);
        pesx_cell_widths(cell, w);
        wmin = fmin(w[0], fmin(w[1], w[2]));
        size_t n = 1 + pesx_rng_next(&g) % 40;
        pesx_atoms *a = random_atoms(&g, n, cell, pbc);
        double rc = ratio[t % 7] * wmin * uni(&g, 0.9, 1.1);
        snprintf(what, sizeof what, "cell %d (n %zu, rc/w %.2f)", t, n, rc / wmin);
        check_against_brute(&nl, a, rc, what);
        pesx_atoms_free(a);
    }
    pesx_nlist_release(&nl);
}
END_TEST

/* Larger liquid-like boxes where the list uses many bins. */
START_TEST(test_nlist_periodic_dense)
{
    pesx_rng g;
    pesx_nlist nl;
    int pbc[3] = {1, 1, 1};
    pesx_rng_seed(&g, 99);
    pesx_nlist_init(&nl);
    for (int t = 0; t < 4; t++) {
        double cell[9];
        random_cell(&g, cell, t == 3);
        for (int m = 0; m < 9; m++)
            cell[m] *= 3.0;
        size_t n = (size_t)(0.1 * pesx_cell_volume(cell));
        pesx_atoms *a = random_atoms(&g, n, cell, pbc);
        check_against_brute(&nl, a, 3.5 + t * 0.5, "dense box");
        pesx_atoms_free(a);
    }
    pesx_nlist_release(&nl);
}
END_TEST

/* A box big enough for the threaded build (2000 atoms and more), with 2
 * threads, against the minimum image: every width exceeds 2 rc, so the only
 * image within rc of a pair is the one with rounded fractional coordinates. */
START_TEST(test_nlist_large_threaded)
{
    pesx_rng g;
    pesx_nlist nl;
    double cell[9] = {30, 0, 0, 6, 28, 0, -5, 4, 27}, inv[9], w[3], rc = 5.0;
    int pbc[3] = {1, 1, 1};
    size_t n = 3000, count = 0;
#ifdef _OPENMP
    omp_set_num_threads(2);
#endif
    pesx_rng_seed(&g, 4242);
    pesx_cell_widths(cell, w);
    ck_assert(fmin(w[0], fmin(w[1], w[2])) > 2 * rc);
    ck_assert_int_eq(pesx_cell_inverse(cell, inv), PESX_OK);
    pesx_atoms *a = random_atoms(&g, n, cell, pbc);
    pesx_nlist_init(&nl);
    ck_assert_int_eq(pesx_nlist_build(&nl, a, rc), PESX_OK);
    for (size_t i = 0; i < n; i++) {
        size_t e = nl.start[i];
        for (size_t j = 0; j < n; j++) {
            double dx[3], d[3], r2;
            int sh[3];
            if (j == i)
                continue;
            for (int c = 0; c < 3; c++)
                dx[c] = a->x[3 * j + c] - a->x[3 * i + c];
            for (int k = 0; k < 3; k++)
                sh[k] = (int)-nearbyint(dx[0] * inv[k] + dx[1] * inv[3 + k] + dx[2] * inv[6 + k]);
            for (int c = 0; c < 3; c++)
                d[c] = dx[c] + sh[0] * cell[c] + sh[1] * cell[3 + c] + sh[2] * cell[6 + c];
            r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            if (r2 >= rc * rc)
                continue;
            REQUIRE_MSG(e < nl.start[i + 1], "atom %zu: neighbour %zu missing", i, j);
            REQUIRE((nl.j[e]) == (j));
            for (int k = 0; k < 3; k++) {
                REQUIRE((nl.shift[3 * e + k]) == (sh[k]));
                REQUIRE(fabs(nl.d[3 * e + k] - d[k]) < 1e-9);
            }
            e++;
            count++;
        }
        REQUIRE((e) == (nl.start[i + 1]));
    }
    REQUIRE((count) == (nl.n_entries));
    /* about 4/3 pi rc^3 rho neighbours each */
    ck_assert(count > 0.8 * n * 4.18879 * rc * rc * rc * n / pesx_cell_volume(cell));
    pesx_nlist_release(&nl);
    pesx_atoms_free(a);
}
END_TEST

/* Every combination of periodic and open directions, open rows random,
 * zero (as ASE writes them) or absent. */
START_TEST(test_nlist_mixed_pbc)
{
    pesx_rng g;
    pesx_nlist nl;
    pesx_rng_seed(&g, 31);
    pesx_nlist_init(&nl);
    for (int mask = 0; mask < 8; mask++)
        for (int t = 0; t < 12; t++) {
            double cell[9], w[3], wmin = INFINITY;
            int pbc[3] = {mask & 1, (mask >> 1) & 1, (mask >> 2) & 1};
            char what[64];
            random_cell(&g, cell, t % 3 == 1);
            pesx_cell_widths(cell, w);
            for (int k = 0; k < 3; k++)
                wmin = fmin(wmin, w[k]);
            size_t n = 1 + pesx_rng_next(&g) % 30;
            pesx_atoms *a = random_atoms(&g, n, cell, pbc);
            for (int k = 0; k < 3; k++)
                if (!pbc[k] && t % 2)
                    a->cell[3 * k] = a->cell[3 * k + 1] = a->cell[3 * k + 2] = 0;
            if (mask == 0 && t % 4 == 3)
                a->has_cell = 0;
            double rc = (0.3 + 0.25 * (t % 6)) * wmin;
            snprintf(what, sizeof what, "pbc %d%d%d case %d", pbc[0], pbc[1], pbc[2], t);
            check_against_brute(&nl, a, rc, what);
            pesx_atoms_free(a);
        }
    pesx_nlist_release(&nl);
}
END_TEST

/* Clusters without a cell: compact, flat (all atoms in a plane), a line,
 * and one with a far outlier (the bins must not explode). */
START_TEST(test_nlist_cluster)
{
    pesx_rng g;
    pesx_nlist nl;
    pesx_rng_seed(&g, 3);
    pesx_nlist_init(&nl);
    for (int t = 0; t < 24; t++) {
        size_t n = t < 2 ? (size_t)t : 2 + pesx_rng_next(&g) % 150;
        pesx_atoms *a = pesx_atoms_alloc(n);
        double span = uni(&g, 3, 15);
        for (size_t i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
                a->x[3 * i + c] = uni(&g, -span, span);
        if (t % 6 == 2)
            for (size_t i = 0; i < n; i++)
                a->x[3 * i + 2] = 1.25; /* flat */
        if (t % 6 == 3)
            for (size_t i = 0; i < n; i++)
                a->x[3 * i] = a->x[3 * i + 1] = 0; /* a line */
        if (t % 6 == 4 && n > 2)
            a->x[0] = 1e6; /* an outlier far away */
        check_against_brute(&nl, a, uni(&g, 1.5, 8), "cluster");
        pesx_atoms_free(a);
    }
    pesx_nlist_release(&nl);
}
END_TEST

/* Known coordination shells: one atom in a small cubic cell (only its own
 * images), the primitive fcc cell (very skewed, one atom) and the
 * conventional fcc cell. */
START_TEST(test_nlist_known_shells)
{
    pesx_nlist nl;
    pesx_atoms *a = pesx_atoms_alloc(1);
    const double al = 4.05, nn = al / sqrt(2.0);
    pesx_nlist_init(&nl);
    a->has_cell = 1;
    a->pbc[0] = a->pbc[1] = a->pbc[2] = 1;
    a->cell[0] = a->cell[4] = a->cell[8] = 3.0;
    a->x[0] = 0.3;
    a->x[1] = -7.0;
    a->x[2] = 100.0;
    /* rc 3.5: 6 face images; rc 4.5: + 12 at 3 sqrt 2; rc 5.5: + 8 at 3 sqrt 3 */
    const double rcs[3] = {3.5, 4.5, 5.5};
    const size_t counts[3] = {6, 18, 26};
    for (int q = 0; q < 3; q++) {
        ck_assert_int_eq(pesx_nlist_build(&nl, a, rcs[q]), PESX_OK);
        ck_assert_uint_eq(nl.n_entries, counts[q]);
        for (size_t e = 0; e < nl.n_entries; e++) {
            ck_assert_uint_eq(nl.j[e], 0);
            ck_assert(nl.shift[3 * e] || nl.shift[3 * e + 1] || nl.shift[3 * e + 2]);
            ck_assert(fabs(nl.r[e] - 3.0) < 1e-12 || fabs(nl.r[e] - 3.0 * sqrt(2.0)) < 1e-12 ||
                      fabs(nl.r[e] - 3.0 * sqrt(3.0)) < 1e-12);
        }
    }
    /* sorted by shift: the first is (-1, 0, 0) at rc 3.5 */
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 3.5), PESX_OK);
    ck_assert_int_eq(nl.shift[0], -1);
    ck_assert_int_eq(nl.shift[1], 0);
    ck_assert_int_eq(nl.shift[2], 0);
    ck_assert(fabs(nl.d[0] + 3.0) < 1e-12);

    /* primitive fcc: a = (0, h, h), b = (h, 0, h), c = (h, h, 0) */
    double hh = al / 2;
    double prim[9] = {0, hh, hh, hh, 0, hh, hh, hh, 0};
    memcpy(a->cell, prim, sizeof prim);
    a->x[0] = a->x[1] = a->x[2] = 0.1;
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 0.5 * (nn + al)), PESX_OK);
    ck_assert_uint_eq(nl.n_entries, 12);
    for (size_t e = 0; e < 12; e++)
        ck_assert(fabs(nl.r[e] - nn) < 1e-12);
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 4.2), PESX_OK);
    ck_assert_uint_eq(nl.n_entries, 18); /* + 6 at a */
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 5.0), PESX_OK);
    ck_assert_uint_eq(nl.n_entries, 42); /* + 24 at a sqrt(3/2) = 4.96 */

    /* conventional fcc cell, 4 atoms: 12 each */
    ck_assert_int_eq(pesx_atoms_resize(a, 4), PESX_OK);
    memset(a->cell, 0, sizeof a->cell);
    a->cell[0] = a->cell[4] = a->cell[8] = al;
    const double f[4][3] = {{0, 0, 0}, {0, .5, .5}, {.5, 0, .5}, {.5, .5, 0}};
    for (int i = 0; i < 4; i++)
        for (int c = 0; c < 3; c++)
            a->x[3 * i + c] = f[i][c] * al;
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 3.2), PESX_OK);
    ck_assert_uint_eq(nl.n_entries, 48);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(nl.start[i + 1] - nl.start[i], 12);
        for (size_t e = nl.start[i]; e < nl.start[i + 1]; e++) {
            ck_assert(nl.j[e] != i);
            if (e > nl.start[i])
                ck_assert(nl.j[e] >= nl.j[e - 1]); /* sorted by j */
        }
    }
    pesx_nlist_release(&nl);
    pesx_atoms_free(a);
}
END_TEST

/* The workspace is reused: rebuilding with the same or a smaller structure
 * keeps every array, and a translated copy (by a lattice vector) gives the
 * identical list. */
START_TEST(test_nlist_reuse)
{
    pesx_rng g;
    pesx_nlist nl;
    double cell[9];
    int pbc[3] = {1, 1, 0};
    pesx_rng_seed(&g, 77);
    random_cell(&g, cell, 0);
    for (int m = 0; m < 9; m++)
        cell[m] *= 2;
    pesx_atoms *a = random_atoms(&g, 120, cell, pbc);
    pesx_nlist_init(&nl);
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 4.0), PESX_OK);
    size_t *j0 = nl.j, *s0 = nl.start, ne = nl.n_entries;
    double *d0 = nl.d, *r0 = nl.r;
    void *w0 = nl.work;
    size_t *jcopy = malloc(ne * sizeof *jcopy);
    double *dcopy = malloc(3 * ne * sizeof *dcopy);
    memcpy(jcopy, nl.j, ne * sizeof *jcopy);
    memcpy(dcopy, nl.d, 3 * ne * sizeof *dcopy);
    for (size_t i = 0; i < a->n; i++)
        for (int c = 0; c < 3; c++)
            a->x[3 * i + c] += cell[c] - 2 * cell[3 + c];
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 4.0), PESX_OK);
    ck_assert_ptr_eq(nl.j, j0);
    ck_assert_ptr_eq(nl.d, d0);
    ck_assert_ptr_eq(nl.r, r0);
    ck_assert_ptr_eq(nl.start, s0);
    ck_assert_ptr_eq(nl.work, w0);
    ck_assert_uint_eq(nl.n_entries, ne);
    ck_assert_int_eq(memcmp(nl.j, jcopy, ne * sizeof *jcopy), 0);
    for (size_t e = 0; e < 3 * ne; e++)
        ck_assert(fabs(nl.d[e] - dcopy[e]) < 1e-10);
    ck_assert_int_eq(pesx_atoms_resize(a, 60), PESX_OK);
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 3.0), PESX_OK);
    ck_assert_ptr_eq(nl.j, j0);
    ck_assert_ptr_eq(nl.start, s0);
    ck_assert_uint_eq(nl.n, 60);
    /* an empty structure */
    ck_assert_int_eq(pesx_atoms_resize(a, 0), PESX_OK);
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 3.0), PESX_OK);
    ck_assert_uint_eq(nl.n, 0);
    ck_assert_uint_eq(nl.n_entries, 0);
    ck_assert_uint_eq(nl.start[0], 0);
    free(jcopy);
    free(dcopy);
    pesx_nlist_release(&nl);
    pesx_nlist_release(&nl); /* twice is harmless */
    pesx_atoms_free(a);
}
END_TEST

START_TEST(test_nlist_errors)
{
    pesx_nlist nl;
    pesx_atoms *a = pesx_atoms_alloc(3);
    pesx_nlist_init(&nl);
    for (int i = 0; i < 3; i++)
        a->x[3 * i] = i;
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 0.0), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "cutoff"));
    ck_assert_int_eq(pesx_nlist_build(&nl, a, -1.0), PESX_EINVAL);
    ck_assert_int_eq(pesx_nlist_build(&nl, a, NAN), PESX_EINVAL);
    ck_assert_int_eq(pesx_nlist_build(&nl, a, INFINITY), PESX_EINVAL);
    ck_assert_uint_eq(nl.n, 0);
    ck_assert_uint_eq(nl.start[0], 0);

    a->x[7] = NAN;
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 2.0), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "atom 3"));
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "non-finite"));
    a->x[7] = -INFINITY;
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 2.0), PESX_EINVAL);
    ck_assert_uint_eq(nl.n_entries, 0);
    a->x[7] = 0;

    a->pbc[0] = 1;
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 2.0), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "no cell"));
    a->has_cell = 1;
    a->pbc[1] = a->pbc[2] = 1;
    a->cell[0] = a->cell[4] = 4.0;
    a->cell[6] = 8.0; /* c parallel to a */
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 2.0), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "singular"));
    a->cell[6] = 0.0;
    a->cell[8] = 4.0;
    /* a cutoff absurdly long for the cell */
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 1e4), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "too long"));
    /* the same list works after the errors */
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 1.5), PESX_OK);
    ck_assert_uint_eq(nl.n_entries, 4); /* 0-1, 1-2 */
    /* 0 and 2 are 2 apart both directly and through the boundary */
    ck_assert_int_eq(pesx_nlist_build(&nl, a, 2.5), PESX_OK);
    ck_assert_uint_eq(nl.n_entries, 8);
    ck_assert_uint_eq(nl.start[1], 3);
    ck_assert_uint_eq(nl.j[1], 2);
    ck_assert_uint_eq(nl.j[2], 2);
    ck_assert_int_eq(nl.shift[3], -1); /* sorted by shift: -1 first */
    ck_assert_int_eq(nl.shift[6], 0);
    ck_assert(nl.d[3] == -2.0 && nl.d[6] == 2.0);
    pesx_nlist_release(&nl);
    pesx_atoms_free(a);
}
END_TEST

static Suite *structure_suite(void)
{
    Suite *s = suite_create("structure");
    TCase *tc = tcase_create("atoms");
    tcase_add_test(tc, test_atoms_alloc_resize);
    tcase_add_test(tc, test_atoms_check);
    suite_add_tcase(s, tc);
    tc = tcase_create("cell");
    tcase_add_test(tc, test_cell_algebra);
    tcase_add_test(tc, test_frame);
    tcase_add_test(tc, test_wrap);
    tcase_add_test(tc, test_min_image);
    suite_add_tcase(s, tc);
    tc = tcase_create("nlist");
    tcase_add_test(tc, test_nlist_periodic_random);
    tcase_add_test(tc, test_nlist_periodic_dense);
    tcase_add_test(tc, test_nlist_large_threaded);
    tcase_add_test(tc, test_nlist_mixed_pbc);
    tcase_add_test(tc, test_nlist_cluster);
    tcase_add_test(tc, test_nlist_known_shells);
    tcase_add_test(tc, test_nlist_reuse);
    tcase_add_test(tc, test_nlist_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(structure_suite());
}
