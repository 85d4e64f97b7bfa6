/* Effective-medium theory (K. W. Jacobsen, P. Stoltze and J. K. Norskov,
 * Surf. Sci. 366, 394 (1996)) with exactly the parameters, units, cutoff
 * smoothing and reference states of ASE's ase.calculators.emt.EMT (default
 * asap_cutoff=False), so that its energies and forces are the ones ASE
 * computes, to rounding.
 *
 * Per atom i: a density sigma1_i = sum_j theta(r) chi_ij exp(-eta2_j (r -
 * beta s0_j)) / gamma1_i gives the neighbour-sphere radius s_i (as ds = s_i -
 * s0_i) and the cohesive energy E0 ((1 + lambda ds) exp(-lambda ds) - 1) +
 * 6 V0 exp(-kappa ds); pairs add the atomic-sphere correction -(y_ij + y_ji).
 * theta(r) = 1 / (1 + exp(acut (r - rc))) is a Fermi function whose rc and
 * acut come from the largest s0 of the whole table (not of the elements
 * present), and pairs are cut hard at rc + 0.5 Angstrom (theta ~ 7e-6 there),
 * as in ASE.  The energy is zero for each element's fcc crystal at its s0 and
 * -E0 for an isolated atom. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "potential_impl.h"

/* ASE's units.Bohr (CODATA 2014), in which the table is written. */
#define EMT_BOHR 0.5291772105638411
/* ASE's (16 pi / 3)^(1/3) / sqrt(2), with its historical rounding. */
#define EMT_BETA 1.809

/* ASE's table: E0 (eV), s0 (bohr), V0 (eV), eta2, kappa, lambda (1/bohr),
 * n0 (1/bohr^3).  The H, C, N and O rows are ASE's "just for fun" values. */
static const struct {
    int z;
    double e0, s0, v0, eta2, kappa, lambda, n0;
} emt_table[] = {
    {13, -3.28, 3.00, 1.493, 1.240, 2.000, 1.169, 0.00700}, /* Al */
    {29, -3.51, 2.67, 2.476, 1.652, 2.740, 1.906, 0.00910}, /* Cu */
    {47, -2.96, 3.01, 2.132, 1.652, 2.790, 1.892, 0.00547}, /* Ag */
    {79, -3.80, 3.00, 2.321, 1.674, 2.873, 2.182, 0.00703}, /* Au */
    {28, -4.44, 2.60, 3.673, 1.669, 2.757, 1.948, 0.01030}, /* Ni */
    {46, -3.90, 2.87, 2.773, 1.818, 3.107, 2.155, 0.00688}, /* Pd */
    {78, -5.85, 2.90, 4.067, 1.812, 3.145, 2.192, 0.00802}, /* Pt */
    {1, -3.21, 1.31, 0.132, 2.652, 2.790, 3.892, 0.00547},  /* H  */
    {6, -3.50, 1.81, 0.332, 1.652, 2.790, 1.892, 0.01322},  /* C  */
    {7, -5.10, 1.88, 0.132, 1.652, 2.790, 1.892, 0.01222},  /* N  */
    {8, -4.60, 1.95, 0.332, 1.652, 2.790, 1.892, 0.00850},  /* O  */
};
#define EMT_N_ELEMENTS (sizeof emt_table / sizeof emt_table[0])
#define EMT_MAX_Z 119

/* One element in Angstrom and eV, with its normalisations gamma1, gamma2
 * (the fcc neighbour shells at s0, smoothed by theta). */
typedef struct {
    double e0, s0, v0, eta2, kappa, lambda, n0, gamma1, gamma2;
} emt_element;

/* One pair (one half-list entry), as the embedding forces need it: atom i
 * gets (deds_i a + deds_j b) d and atom j the opposite, where a and b are
 * the pair's terms of sigma1_i and sigma1_j differentiated by r, over r. */
typedef struct {
    size_t i, j, e;   /* atoms and the list entry (for d) */
    double a, b;
} emt_pair;

typedef struct {
    emt_element el[EMT_N_ELEMENTS];
    double chi[EMT_N_ELEMENTS][EMT_N_ELEMENTS]; /* n0_j / n0_i              */
    signed char index[EMT_MAX_Z];               /* Z -> row of el, or -1    */
    double rc, acut, rc_list;
    pesx_nlist nl;
    int nl_ready;
    /* scratch, kept between calls */
    size_t cap_atoms, cap_pairs, n_pairs;
    int *species;
    double *sigma1, *deds;
    emt_pair *pairs;
} emt_state;

static int emt_init(void *state, pesx_params *params)
{
    emt_state *s = state;
    double maxs0 = 0, rr;
    (void)params;
    for (size_t k = 0; k < EMT_N_ELEMENTS; k++)
        if (emt_table[k].s0 > maxs0)
            maxs0 = emt_table[k].s0;
    maxs0 *= EMT_BOHR;
    s->rc = EMT_BETA * maxs0 * 0.5 * (sqrt(3.0) + sqrt(4.0));
    rr = s->rc * 2 * sqrt(4.0) / (sqrt(3.0) + sqrt(4.0));
    s->acut = log(9999.0) / (rr - s->rc);
    s->rc_list = s->rc + 0.5;
    memset(s->index, -1, sizeof s->index);
    for (size_t k = 0; k < EMT_N_ELEMENTS; k++) {
        emt_element *e = &s->el[k];
        static const double shell[3] = {12, 6, 24};
        s->index[emt_table[k].z] = (signed char)k;
        e->e0 = emt_table[k].e0;
        e->s0 = emt_table[k].s0 * EMT_BOHR;
        e->v0 = emt_table[k].v0;
        e->eta2 = emt_table[k].eta2 / EMT_BOHR;
        e->kappa = emt_table[k].kappa / EMT_BOHR;
        e->lambda = emt_table[k].lambda / EMT_BOHR;
        e->n0 = emt_table[k].n0 / pow(EMT_BOHR, 3);
        e->gamma1 = e->gamma2 = 0;
        for (int i = 0; i < 3; i++) {
            double r = e->s0 * EMT_BETA * sqrt(i + 1.0);
            double w = shell[i] / (12 * (1.0 + exp(s->acut * (r - s->rc))));
            e->gamma1 += w * exp(-e->eta2 * (r - EMT_BETA * e->s0));
            e->gamma2 += w * exp(-e->kappa / EMT_BETA * (r - EMT_BETA * e->s0));
        }
    }
    for (size_t i = 0; i < EMT_N_ELEMENTS; i++)
        for (size_t j = 0; j < EMT_N_ELEMENTS; j++)
            s->chi[i][j] = s->el[j].n0 / s->el[i].n0;
    return PESX_OK;
}

static void emt_release(void *state)
{
    emt_state *s = state;
    if (s->nl_ready)
        pesx_nlist_release(&s->nl);
    s->nl_ready = 0;
    free(s->species);
    free(s->sigma1);
    free(s->deds);
    free(s->pairs);
}

static double emt_cutoff(const void *state)
{
    return ((const emt_state *)state)->rc_list;
}

/* Grow *P to N items of ISZ bytes (the old contents are not needed). */
static int grow(void **p, size_t n, size_t isz)
{
    void *q = realloc(*p, (n ? n : 1) * isz);
    if (!q)
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "emt: out of memory");
    *p = q;
    return PESX_OK;
}

/* Element rows of every atom; an element without EMT parameters is an error. */
static int map_species(emt_state *s, const pesx_atoms *a)
{
    if (a->n > s->cap_atoms) {
        if (grow((void **)&s->species, a->n, sizeof *s->species) != PESX_OK ||
            grow((void **)&s->sigma1, a->n, sizeof *s->sigma1) != PESX_OK ||
            grow((void **)&s->deds, a->n, sizeof *s->deds) != PESX_OK)
            return PESX_ENOMEM;
        s->cap_atoms = a->n;
    }
    for (size_t i = 0; i < a->n; i++) {
        int z = a->z[i], k = z > 0 && z < EMT_MAX_Z ? s->index[z] : -1;
        if (k < 0) {
            const char *sym = pesx_element_symbol(z);
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "emt: no EMT parameters for %s%s (atom %zu, Z = %d); EMT "
                                  "knows Al, Cu, Ag, Au, Ni, Pd, Pt, H, C, N and O",
                                  sym && z > 0 ? "element " : "an atom without an element",
                                  sym && z > 0 ? sym : "", i + 1, z);
        }
        s->species[i] = k;
    }
    return PESX_OK;
}

/* Pair terms over one entry of each pair: the atomic-sphere correction to
 * energy and forces, the densities sigma1, and the pairs for the embedding
 * forces. */
static double pair_pass(emt_state *s, double *f, double *ae)
{
    const pesx_nlist *nl = &s->nl;
    double energy = 0;
    for (size_t i = 0; i < nl->n; i++) {
        const emt_element *pi = &s->el[s->species[i]];
        for (size_t e = nl->start[i]; e < nl->start[i + 1]; e++) {
            if (!pesx_nlist_is_half_entry(nl, i, e))
                continue;
            size_t j = nl->j[e];
            const emt_element *pj = &s->el[s->species[j]];
            const double *d = nl->d + 3 * e, r = nl->r[e];
            double chi = s->chi[s->species[i]][s->species[j]];
            double x = exp(s->acut * (r - s->rc)), theta = 1.0 / (1.0 + x);
            /* exp(-kappa_j (r/beta - s0_j)), exp(-eta2_j (r - beta s0_j)) and the
             * same of element i: once when the elements are the same */
            int same = pi == pj;
            double ek_j = exp(-pj->kappa * (r / EMT_BETA - pj->s0));
            double ek_i = same ? ek_j : exp(-pi->kappa * (r / EMT_BETA - pi->s0));
            double ee_j = exp(-pj->eta2 * (r - EMT_BETA * pj->s0));
            double ee_i = same ? ee_j : exp(-pi->eta2 * (r - EMT_BETA * pi->s0));
            double y1 = 0.5 * pi->v0 * ek_j * chi / pi->gamma2 * theta;
            double y2 = 0.5 * pj->v0 * ek_i / chi / pj->gamma2 * theta;
            double dlntheta = -s->acut * theta * x; /* d ln theta / dr */
            double si = ee_j * chi * theta / pi->gamma1, sj = ee_i / chi * theta / pj->gamma1;
            emt_pair *q = s->pairs + s->n_pairs++;
            energy -= y1 + y2;
            if (ae) {
                ae[i] -= 0.5 * (y1 + y2);
                ae[j] -= 0.5 * (y1 + y2);
            }
            if (f) {
                double c = ((y1 * pj->kappa + y2 * pi->kappa) / EMT_BETA - (y1 + y2) * dlntheta) / r;
                for (int k = 0; k < 3; k++) {
                    f[3 * i + k] += c * d[k];
                    f[3 * j + k] -= c * d[k];
                }
            }
            s->sigma1[i] += si;
            s->sigma1[j] += sj;
            q->i = i;
            q->j = j;
            q->e = e;
            q->a = si * (dlntheta - pj->eta2) / r;
            q->b = sj * (dlntheta - pi->eta2) / r;
        }
    }
    return energy;
}

/* Cohesive (embedding) energy of each atom from its density, and its
 * derivative for the forces.  No neighbours at all: the isolated atom, -E0. */
static double embedding_pass(emt_state *s, size_t n, double *ae)
{
    double energy = 0;
    for (size_t i = 0; i < n; i++) {
        const emt_element *p = &s->el[s->species[i]];
        double E;
        if (!(s->sigma1[i] > 0)) {
            s->deds[i] = 0;
            E = -p->e0;
        } else {
            double ds = -log(s->sigma1[i] / 12) / (EMT_BETA * p->eta2);
            double x = p->lambda * ds, y = exp(-x), z = 6 * p->v0 * exp(-p->kappa * ds);
            s->deds[i] = (x * y * p->e0 * p->lambda + p->kappa * z) /
                         (s->sigma1[i] * EMT_BETA * p->eta2);
            E = p->e0 * ((1 + x) * y - 1) + z;
        }
        energy += E;
        if (ae)
            ae[i] += E;
    }
    return energy;
}

/* Forces of the embedding energies through the densities of every pair. */
static void embedding_forces(const emt_state *s, double *f)
{
    for (size_t p = 0; p < s->n_pairs; p++) {
        const emt_pair *q = s->pairs + p;
        const double *d = s->nl.d + 3 * q->e;
        double c = s->deds[q->i] * q->a + s->deds[q->j] * q->b;
        for (int k = 0; k < 3; k++) {
            f[3 * q->i + k] += c * d[k];
            f[3 * q->j + k] -= c * d[k];
        }
    }
}

static int emt_eval(void *state, const pesx_atoms *a, pesx_potential_result *r)
{
    emt_state *s = state;
    double *f = r->forces, *ae = r->atom_energies;
    int status;
    if ((status = map_species(s, a)) != PESX_OK)
        return status;
    if (!s->nl_ready) {
        pesx_nlist_init(&s->nl);
        s->nl_ready = 1;
    }
    if ((status = pesx_nlist_build(&s->nl, a, s->rc_list)) != PESX_OK) {
        pesx_error_prefix("emt: ");
        return status;
    }
    if (s->nl.n_entries > s->cap_pairs) { /* at most one pair per entry */
        if (grow((void **)&s->pairs, s->nl.n_entries, sizeof *s->pairs) != PESX_OK)
            return PESX_ENOMEM;
        s->cap_pairs = s->nl.n_entries;
    }
    s->n_pairs = 0;
    if (f && a->n)
        memset(f, 0, 3 * a->n * sizeof *f);
    if (ae && a->n)
        memset(ae, 0, a->n * sizeof *ae);
    if (a->n)
        memset(s->sigma1, 0, a->n * sizeof *s->sigma1);
    r->energy = pair_pass(s, f, ae);
    r->energy += embedding_pass(s, a->n, ae);
    if (f)
        embedding_forces(s, f);
    return PESX_OK;
}

const pesx_potential_type pesx_potential_emt = {
    .name = "emt",
    .summary = "effective-medium theory exactly as ASE's EMT (Al, Cu, Ag, Au, Ni, Pd, Pt; H, C, "
               "N, O), periodic cells included",
    .params_doc = "none (ASE's table and its default cutoff, as asap_cutoff False)",
    .flags = PESX_POTENTIAL_REPLICABLE,
    .state_size = sizeof(emt_state),
    .init = emt_init,
    .eval = emt_eval,
    .release = emt_release,
    .cutoff = emt_cutoff,
};
