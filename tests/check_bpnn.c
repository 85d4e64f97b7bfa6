/* bpnn: n2p2 reference energies and forces of every shared potential
 * (H2O_RPBE-D3, Cu2S_PBE, Ethylbenzene_SCAN, SYN1..7), finite-difference
 * forces (every cutoff type; a box shorter than the cutoff), committees,
 * extrapolation flags, and the n2p2 reader's errors on bad input. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <pesx/io_n2p2.h>
#include <pesx/potential.h>
#include "potential/bpnn_impl.h"
#include "testutil.h"

#define HA PESX_HARTREE_EV
#define BOHR PESX_BOHR_ANGSTROM

/* reference.txt: totals and per-atom (E_atom_nn, F) in file units */
typedef struct {
    size_t n;
    double e_total;
    double *e_nn, *f;
    char (*el)[4];
} reference;

static int read_reference(const char *path, reference *r)
{
    FILE *fp = fopen(path, "r");
    char line[1024];
    size_t k = 0;
    memset(r, 0, sizeof *r);
    if (!fp)
        return -1;
    while (fgets(line, sizeof line, fp)) {
        size_t idx;
        char el[4];
        double e, fx, fy, fz;
        if (line[0] == '#')
            continue;
        if (sscanf(line, "natoms %zu", &r->n) == 1) {
            r->e_nn = calloc(r->n, sizeof *r->e_nn);
            r->f = calloc(3 * r->n, sizeof *r->f);
            r->el = calloc(r->n, sizeof *r->el);
            continue;
        }
        if (sscanf(line, "energy_total %lf", &r->e_total) == 1)
            continue;
        if (r->n && sscanf(line, "%zu %3s %lf %lf %lf %lf", &idx, el, &e, &fx, &fy, &fz) == 6 &&
            idx == k + 1 && k < r->n) {
            r->e_nn[k] = e;
            r->f[3 * k] = fx;
            r->f[3 * k + 1] = fy;
            r->f[3 * k + 2] = fz;
            snprintf(r->el[k], 4, "%s", el);
            k++;
        }
    }
    fclose(fp);
    return k == r->n && r->n > 0 ? 0 : -1;
}

static void free_reference(reference *r)
{
    free(r->e_nn);
    free(r->f);
    free(r->el);
}

typedef struct {
    const char *pot;  /* under ref/n2p2 */
    const char *conf;
    int bohr;         /* files in Bohr/Hartree (else Angstrom/eV) */
    int fd;           /* finite-difference check of the first FD coordinates (0: none) */
} refcase;

static const refcase cases[] = {
    {"H2O_RPBE-D3", "conf1_pbc48", 1, 0},
    {"H2O_RPBE-D3", "conf2_cluster24", 1, 72},
    {"H2O_RPBE-D3", "conf3_pbc192", 1, 0},
    {"Cu2S_PBE", "conf1_lowchalcocite144", 0, 0},
    {"Cu2S_PBE", "conf2_pbc144", 0, 0},
    {"Ethylbenzene_SCAN", "conf1_molecule18", 1, 9},
    {"Ethylbenzene_SCAN", "conf2_pbc288", 1, 0},
    {"SYN/SYN1_ct0_tanh", "confA_pbc48", 1, 0},
    {"SYN/SYN1_ct0_tanh", "confB_cluster18", 1, 0}, /* hard cutoff: no FD */
    {"SYN/SYN2_ct1_a0.25", "confA_pbc48", 1, 0},
    {"SYN/SYN2_ct1_a0.25", "confB_cluster18", 1, 54},
    {"SYN/SYN3_ct3", "confA_pbc48", 1, 0},
    {"SYN/SYN3_ct3", "confB_cluster18", 1, 54},
    {"SYN/SYN4_ct4_a0.1", "confA_pbc48", 1, 0},
    {"SYN/SYN4_ct4_a0.1", "confB_cluster18", 1, 54},
    {"SYN/SYN5_ct5", "confA_pbc48", 1, 0},
    {"SYN/SYN5_ct5", "confB_cluster18", 1, 54},
    {"SYN/SYN6_ct7_a0.3", "confA_pbc48", 1, 0},
    {"SYN/SYN6_ct7_a0.3", "confB_cluster18", 1, 54},
    {"SYN/SYN7_ct8", "confA_pbc48", 1, 0},
    {"SYN/SYN7_ct8", "confB_cluster18", 1, 54},
};
#define N_CASES (sizeof cases / sizeof cases[0])

static pesx_potential *open_ref(const char *pot, int bohr)
{
    char dir[4400], spec[4200];
    pesx_potential *p;
    snprintf(dir, sizeof dir, "ref/n2p2/%s", pot);
    tu_shared_path(spec, sizeof spec, dir);
    snprintf(dir, sizeof dir, "n2p2:%s%s", spec, bohr ? ",length=bohr,energy=hartree" : "");
    p = pesx_potential_open(dir);
    ck_assert_msg(p != NULL, "%s: %s", dir, pesx_error_last()->msg);
    return p;
}

/* Largest |F - F_fd| (eV/A) over the first NC coordinates. */
static double fd_check(pesx_potential *p, pesx_atoms *a, size_t nc, double h, double *fbig)
{
    size_t n3 = 3 * a->n;
    double *f = calloc(n3, sizeof *f), worst = 0;
    pesx_potential_result r;
    memset(&r, 0, sizeof r);
    r.forces = f;
    ck_assert_int_eq(pesx_potential_eval(p, a, &r), 0);
    *fbig = 0;
    for (size_t c = 0; c < nc && c < n3; c++) {
        double x0 = a->x[c], ep, em;
        pesx_potential_result q;
        memset(&q, 0, sizeof q);
        a->x[c] = x0 + h;
        ck_assert_int_eq(pesx_potential_eval(p, a, &q), 0);
        ep = q.energy;
        a->x[c] = x0 - h;
        ck_assert_int_eq(pesx_potential_eval(p, a, &q), 0);
        em = q.energy;
        a->x[c] = x0;
        worst = fmax(worst, fabs(-(ep - em) / (2 * h) - f[c]));
        *fbig = fmax(*fbig, fabs(f[c]));
    }
    free(f);
    return worst;
}

START_TEST(test_reference)
{
    const refcase *c = &cases[_i];
    char rel[4096], path[4200];
    reference ref;
    pesx_atoms *a;
    pesx_potential *p;
    pesx_potential_result r;
    double L = c->bohr ? BOHR : 1.0, E = c->bohr ? HA : 1.0, worst = 0, off[3] = {0, 0, 0};
    size_t n;
    if (!tu_shared_dir()) {
        fprintf(stderr, "PESX_SHARED not set: skipping n2p2 references\n");
        return;
    }
    snprintf(rel, sizeof rel, "ref/n2p2/%s/%s/reference.txt", c->pot, c->conf);
    ck_assert_int_eq(read_reference(tu_shared_path(path, sizeof path, rel), &ref), 0);
    snprintf(rel, sizeof rel, "ref/n2p2/%s/%s/input.data", c->pot, c->conf);
    ck_assert_int_eq(pesx_n2p2_read_structure(tu_shared_path(path, sizeof path, rel), L, E, &a,
                                              NULL, NULL), 0);
    n = a->n;
    ck_assert_uint_eq(n, ref.n);
    p = open_ref(c->pot, c->bohr);
    memset(&r, 0, sizeof r);
    r.forces = calloc(3 * n, sizeof *r.forces);
    r.atom_energies = calloc(n, sizeof *r.atom_energies);
    r.extrapolating = calloc(n, 1);
    ck_assert_int_eq(pesx_potential_eval(p, a, &r), 0);
    /* total energy, in file units */
    ck_assert_msg(fabs(r.energy / E - ref.e_total) <= 1e-10 * fabs(ref.e_total),
                  "%s/%s: E = %.17g vs n2p2 %.17g", c->pot, c->conf, r.energy / E, ref.e_total);
    /* forces, in file units (Hartree/Bohr or eV/A) */
    for (size_t q = 0; q < 3 * n; q++)
        worst = fmax(worst, fabs(r.forces[q] * L / E - ref.f[q]));
    ck_assert_msg(worst < 1e-8, "%s/%s: max force error %.3g", c->pot, c->conf, worst);
    /* atomic energies: NN part + a constant per element (mean + offset) */
    {
        double sum = 0;
        char seen[3][4] = {"", "", ""};
        for (size_t i = 0; i < n; i++) {
            double d = r.atom_energies[i] / E - ref.e_nn[i];
            int k;
            sum += r.atom_energies[i];
            for (k = 0; k < 3 && seen[k][0] && strcmp(seen[k], ref.el[i]); k++)
                ;
            ck_assert(k < 3);
            if (!seen[k][0]) {
                strcpy(seen[k], ref.el[i]);
                off[k] = d;
            }
            ck_assert_msg(fabs(d - off[k]) < 1e-9, "atom %zu: atomic energy off by %g", i + 1,
                          d - off[k]);
        }
        ck_assert_rel(sum, r.energy, 1e-12);
    }
    /* extrapolation flags agree with their count */
    {
        size_t cnt = 0;
        for (size_t i = 0; i < n; i++)
            cnt += r.extrapolating[i];
        ck_assert_uint_eq(cnt, r.n_extrapolating);
        if (strcmp(c->conf, "conf1_pbc48") == 0 || strcmp(c->conf, "conf3_pbc192") == 0)
            ck_assert_uint_eq(cnt, 0);
        if (strcmp(c->conf, "conf2_cluster24") == 0 || strcmp(c->conf, "conf1_molecule18") == 0)
            ck_assert_uint_gt(cnt, 0);
    }
    if (c->fd) {
        double fbig, err = fd_check(p, a, (size_t)c->fd, 1e-5, &fbig);
        ck_assert_msg(err < 1e-6 * fmax(1.0, fbig), "%s/%s: FD force error %g (max |F| %g)",
                      c->pot, c->conf, err, fbig);
    }
    free(r.forces);
    free(r.atom_energies);
    free(r.extrapolating);
    pesx_potential_free(p);
    pesx_atoms_free(a);
    free_reference(&ref);
}
END_TEST

/* Two water molecules in a periodic box shorter than rc (12 Bohr = 6.35 A):
 * every atom sees its own images; forces against finite differences. */
START_TEST(test_small_box_fd)
{
    pesx_potential *p;
    pesx_atoms *a;
    double fbig, err;
    static const double X[18] = {0.0, 0.0, 0.0,  0.96, 0.0, 0.0,  -0.24, 0.93, 0.0,
                                 2.6, 2.1, 1.9,  3.4, 2.5, 2.3,   2.5, 1.2, 2.4};
    static const int Z[6] = {8, 1, 1, 8, 1, 1};
    if (!tu_shared_dir())
        return;
    p = open_ref("H2O_RPBE-D3", 1);
    a = pesx_atoms_alloc(6);
    memcpy(a->x, X, sizeof X);
    memcpy(a->z, Z, sizeof Z);
    a->cell[0] = 4.6;
    a->cell[3] = 0.4;
    a->cell[4] = 4.9;
    a->cell[8] = 5.2;
    a->pbc[0] = a->pbc[1] = a->pbc[2] = 1;
    a->has_cell = 1;
    err = fd_check(p, a, 18, 1e-5, &fbig);
    ck_assert_msg(err < 1e-6 * fmax(1.0, fbig), "FD force error %g (max |F| %g)", err, fbig);
    ck_assert(fbig > 1e-3);
    pesx_atoms_free(a);
    pesx_potential_free(p);
}
END_TEST

/* No atoms, and one atom without neighbours (all SFs zero): well defined. */
START_TEST(test_degenerate)
{
    pesx_potential *p = open_ref("H2O_RPBE-D3", 1);
    pesx_atoms *a0 = pesx_atoms_alloc(0), *a1 = pesx_atoms_alloc(1);
    pesx_potential_result r;
    double f[3] = {1, 1, 1}, e1;
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(pesx_potential_eval(p, a0, &r), 0);
    ck_assert(r.energy == 0.0);
    a1->z[0] = 8;
    r.forces = f;
    ck_assert_int_eq(pesx_potential_eval(p, a1, &r), 0);
    ck_assert(isfinite(r.energy) && f[0] == 0.0 && f[1] == 0.0 && f[2] == 0.0);
    e1 = r.energy;
    a1->x[0] = 3.0; /* translation: same energy */
    ck_assert_int_eq(pesx_potential_eval(p, a1, &r), 0);
    ck_assert(r.energy == e1);
    pesx_atoms_free(a0);
    pesx_atoms_free(a1);
    pesx_potential_free(p);
}
END_TEST

/* A committee of two members (the water net and a perturbed copy) gives the
 * mean and the spread of the members evaluated alone. */
START_TEST(test_committee)
{
    char dir[4096];
    pesx_potential_file pf, pf2;
    pesx_bpnn b1, b2, bc;
    pesx_atoms *a;
    pesx_potential_result r1, r2, rc;
    size_t n;
    if (!tu_shared_dir())
        return;
    tu_shared_path(dir, sizeof dir, "ref/n2p2/H2O_RPBE-D3");
    pesx_potential_file_init(&pf);
    pesx_potential_file_init(&pf2);
    ck_assert_int_eq(pesx_n2p2_read(dir, BOHR, HA, &pf, NULL), 0);
    ck_assert_int_eq(pesx_n2p2_read(dir, BOHR, HA, &pf2, NULL), 0);
    /* member 2: every weight scaled by 1.01 */
    for (size_t e = 0; e < pf2.n_elements; e++)
        for (size_t k = 0; k < pf2.element[e].n_weights; k++)
            pf2.element[e].weights[k] *= 1.01;
    ck_assert_int_eq(pesx_bpnn_build(&b1, &pf, NULL), 0);
    ck_assert_int_eq(pesx_bpnn_build(&b2, &pf2, NULL), 0);
    /* committee file: n_members = 2, weights member-major */
    for (size_t e = 0; e < pf.n_elements; e++) {
        pesx_potential_file_element *el = &pf.element[e];
        double *w = malloc(2 * el->n_weights * sizeof *w);
        memcpy(w, el->weights, el->n_weights * sizeof *w);
        memcpy(w + el->n_weights, pf2.element[e].weights, el->n_weights * sizeof *w);
        free(el->weights);
        el->weights = w;
    }
    pf.n_members = 2;
    ck_assert_int_eq(pesx_bpnn_build(&bc, &pf, NULL), 0);
    tu_shared_path(dir, sizeof dir, "ref/n2p2/H2O_RPBE-D3/conf1_pbc48/input.data");
    ck_assert_int_eq(pesx_n2p2_read_structure(dir, BOHR, HA, &a, NULL, NULL), 0);
    n = a->n;
    memset(&r1, 0, sizeof r1);
    memset(&r2, 0, sizeof r2);
    memset(&rc, 0, sizeof rc);
    r1.forces = calloc(3 * n, sizeof(double));
    r2.forces = calloc(3 * n, sizeof(double));
    rc.forces = calloc(3 * n, sizeof(double));
    rc.forces_std = calloc(3 * n, sizeof(double));
    rc.member_energies = calloc(2, sizeof(double));
    ck_assert_int_eq(pesx_bpnn_evaluate(&b1, a, &r1), 0);
    ck_assert_int_eq(pesx_bpnn_evaluate(&b2, a, &r2), 0);
    ck_assert_int_eq(pesx_bpnn_evaluate(&bc, a, &rc), 0);
    ck_assert(rc.has_std);
    ck_assert_rel(rc.member_energies[0], r1.energy, 1e-13);
    ck_assert_rel(rc.member_energies[1], r2.energy, 1e-13);
    ck_assert_rel(rc.energy, 0.5 * (r1.energy + r2.energy), 1e-13);
    ck_assert_rel(rc.energy_std, 0.5 * fabs(r1.energy - r2.energy), 1e-9);
    ck_assert(rc.energy_std > 1e-3);
    for (size_t q = 0; q < 3 * n; q++) {
        ck_assert(fabs(rc.forces[q] - 0.5 * (r1.forces[q] + r2.forces[q])) < 1e-11);
        ck_assert(fabs(rc.forces_std[q] - 0.5 * fabs(r1.forces[q] - r2.forces[q])) < 1e-11);
    }
    free(r1.forces);
    free(r2.forces);
    free(rc.forces);
    free(rc.forces_std);
    free(rc.member_energies);
    pesx_atoms_free(a);
    pesx_bpnn_release(&b1);
    pesx_bpnn_release(&b2);
    pesx_bpnn_release(&bc);
    pesx_potential_file_release(&pf);
    pesx_potential_file_release(&pf2);
}
END_TEST

/* n2p2 directory -> potential.xml -> bpnn: the same numbers as the
 * directory itself (the committee test above covers n_members > 1). */
START_TEST(test_potential_xml_round_trip)
{
    char dir[4096], xml[256], spec[4400];
    pesx_potential_file pf;
    pesx_potential *p1, *p2;
    pesx_atoms *a;
    pesx_potential_result r1, r2;
    tu_shared_path(dir, sizeof dir, "ref/n2p2/Cu2S_PBE");
    pesx_potential_file_init(&pf);
    ck_assert_int_eq(pesx_n2p2_read(dir, 1.0, 1.0, &pf, NULL), 0);
    snprintf(xml, sizeof xml, "/tmp/pesx-bpnn-test-%d.xml", (int)getpid());
    ck_assert_msg(pesx_potential_file_write(xml, &pf) == 0, "%s", pesx_error_last()->msg);
    pesx_potential_file_release(&pf);
    snprintf(spec, sizeof spec, "n2p2:%s", dir);
    p1 = pesx_potential_open(spec);
    p2 = pesx_potential_open(xml);
    ck_assert_msg(p1 && p2, "%s", pesx_error_last()->msg);
    tu_shared_path(dir, sizeof dir, "ref/n2p2/Cu2S_PBE/conf2_pbc144/input.data");
    ck_assert_int_eq(pesx_n2p2_read_structure(dir, 1.0, 1.0, &a, NULL, NULL), 0);
    memset(&r1, 0, sizeof r1);
    memset(&r2, 0, sizeof r2);
    r1.forces = calloc(3 * a->n, sizeof(double));
    r2.forces = calloc(3 * a->n, sizeof(double));
    ck_assert_int_eq(pesx_potential_eval(p1, a, &r1), 0);
    ck_assert_int_eq(pesx_potential_eval(p2, a, &r2), 0);
    ck_assert(r1.energy == r2.energy);
    for (size_t q = 0; q < 3 * a->n; q++)
        ck_assert(r1.forces[q] == r2.forces[q]);
    free(r1.forces);
    free(r2.forces);
    pesx_atoms_free(a);
    pesx_potential_free(p1);
    pesx_potential_free(p2);
    unlink(xml);
}
END_TEST

/* ---- bad n2p2 input -------------------------------------------------------- */

static char tmpdir[256];

static void copy_file(const char *src, const char *dst)
{
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    char buf[65536];
    size_t k;
    ck_assert(in && out);
    while ((k = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, k, out);
    fclose(in);
    fclose(out);
}

/* A copy of the water potential in a temporary directory, with input.nn
 * line LINE (1-based, 0 = none) replaced by TEXT (NULL = deleted) and
 * EXTRA appended. */
static void make_variant(long line, const char *text, const char *extra)
{
    char src[4200], dst[4200], rel[256], buf[4096];
    const char *files[] = {"scaling.data", "weights.001.data", "weights.008.data"};
    FILE *in, *out;
    long ln = 0;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pesx-bpnn-test-%d", (int)getpid());
    mkdir(tmpdir, 0700);
    for (int k = 0; k < 3; k++) {
        snprintf(rel, sizeof rel, "ref/n2p2/H2O_RPBE-D3/%s", files[k]);
        snprintf(dst, sizeof dst, "%s/%s", tmpdir, files[k]);
        copy_file(tu_shared_path(src, sizeof src, rel), dst);
    }
    tu_shared_path(src, sizeof src, "ref/n2p2/H2O_RPBE-D3/input.nn");
    snprintf(dst, sizeof dst, "%s/input.nn", tmpdir);
    in = fopen(src, "r");
    out = fopen(dst, "w");
    while (fgets(buf, sizeof buf, in)) {
        if (++ln == line) {
            if (text)
                fprintf(out, "%s\n", text);
            continue;
        }
        fputs(buf, out);
    }
    if (extra)
        fputs(extra, out);
    fclose(in);
    fclose(out);
}

static long find_line(const char *key)
{
    char src[4200], buf[4096];
    long ln = 0;
    FILE *in = fopen(tu_shared_path(src, sizeof src, "ref/n2p2/H2O_RPBE-D3/input.nn"), "r");
    while (fgets(buf, sizeof buf, in)) {
        ln++;
        if (strncmp(buf, key, strlen(key)) == 0) {
            fclose(in);
            return ln;
        }
    }
    fclose(in);
    return -1;
}

static void expect_error(const char *what, const char *needle, long line)
{
    pesx_potential_file pf;
    int st;
    pesx_potential_file_init(&pf);
    st = pesx_n2p2_read(tmpdir, 1.0, 1.0, &pf, NULL);
    ck_assert_msg(st != PESX_OK, "%s: accepted", what);
    ck_assert_msg(strstr(pesx_error_last()->msg, needle) != NULL, "%s: message '%s' lacks '%s'",
                  what, pesx_error_last()->msg, needle);
    if (line > 0)
        ck_assert_msg(pesx_error_last()->line == line, "%s: line %ld, expected %ld", what,
                      pesx_error_last()->line, line);
    pesx_potential_file_release(&pf);
}

static void cleanup(void)
{
    char p[4200];
    const char *files[] = {"input.nn", "scaling.data", "weights.001.data", "weights.008.data"};
    for (int k = 0; k < 4; k++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, files[k]);
        unlink(p);
    }
    rmdir(tmpdir);
}

START_TEST(test_bad_n2p2)
{
    long lc, ls, le;
    char p[4200];
    FILE *fp;
    if (!tu_shared_dir())
        return;
    lc = find_line("cutoff_type");
    ls = find_line("symfunction_short H 2 H 0.01");
    le = find_line("elements");
    ck_assert(lc > 0 && ls > 0 && le > 0);
    make_variant(lc, NULL, NULL);
    expect_error("no cutoff_type", "cutoff_type", 0);
    make_variant(0, NULL, "cutoff_type 2\n");
    expect_error("duplicate keyword", "twice", -1);
    make_variant(ls, "symfunction_short H 7 H 0.01 0.0 12.0", NULL);
    expect_error("unknown SF type", "unknown type '7'", ls);
    make_variant(ls, "symfunction_short H 2 H 0.01 abc 12.0", NULL);
    expect_error("non-numeric", "'abc'", ls);
    make_variant(ls, "symfunction_short H 2 Cu 0.01 0.0 12.0", NULL);
    expect_error("unknown neighbour element", "'Cu'", ls);
    make_variant(ls, "symfunction_short H 2 H 0.01 0.0", NULL);
    expect_error("missing parameter", "expected 4 (type 2)", ls);
    make_variant(ls, "symfunction_short H 2 H 1.0D-2 0.0 12.0", NULL);
    {
        pesx_potential_file pf;
        pesx_potential_file_init(&pf);
        ck_assert_int_eq(pesx_n2p2_read(tmpdir, 1.0, 1.0, &pf, NULL), 0);
        pesx_potential_file_release(&pf);
    }
    make_variant(le, "elements H Xx", NULL);
    expect_error("unknown element", "'Xx'", le);
    make_variant(0, NULL, "nnp_type 4G-HDNNP\n");
    expect_error("4G", "2G-HDNNP", -1);
    /* a weight file one number short */
    make_variant(0, NULL, NULL);
    snprintf(p, sizeof p, "%s/weights.001.data", tmpdir);
    fp = fopen(p, "w");
    fputs("# only two\n0.1\n0.2\n", fp);
    fclose(fp);
    expect_error("short weights", "2 weights, but the network", 3);
    /* scaling.data with a wrong index */
    make_variant(0, NULL, NULL);
    snprintf(p, sizeof p, "%s/scaling.data", tmpdir);
    fp = fopen(p, "w");
    fputs("1 1 0 1 0.5 0.1\n1 3 0 1 0.5 0.1\n", fp);
    fclose(fp);
    expect_error("scaling index", "SF 2", 2);
    /* truncated scaling.data */
    fp = fopen(p, "w");
    fputs("1 1 0 1 0.5 0.1\n", fp);
    fclose(fp);
    expect_error("scaling truncated", "ends before", -1);
    /* NaN */
    fp = fopen(p, "w");
    fputs("1 1 0 nan 0.5 0.1\n", fp);
    fclose(fp);
    expect_error("scaling nan", "'nan'", 1);
    /* missing directory */
    snprintf(p, sizeof p, "%s/nope", tmpdir);
    {
        pesx_potential_file pf;
        pesx_potential_file_init(&pf);
        ck_assert_int_eq(pesx_n2p2_read(p, 1.0, 1.0, &pf, NULL), PESX_EIO);
        pesx_potential_file_release(&pf);
    }
    /* a structure with an element the potential lacks */
    {
        pesx_potential *pot = open_ref("H2O_RPBE-D3", 1);
        pesx_atoms *a = pesx_atoms_alloc(2);
        pesx_potential_result r;
        a->z[0] = 8;
        a->z[1] = 29;
        a->x[3] = 2.0;
        memset(&r, 0, sizeof r);
        ck_assert_int_eq(pesx_potential_eval(pot, a, &r), PESX_EINVAL);
        ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "Cu"));
        pesx_atoms_free(a);
        pesx_potential_free(pot);
    }
    ck_assert_ptr_null(pesx_potential_open("n2p2:/nonexistent/dir,length=parsec"));
    cleanup();
}
END_TEST

/* The sort order of n2p2 (SPEC 4.4) against sf_order.txt of the water set. */
START_TEST(test_sort_order)
{
    char dir[4096];
    pesx_potential_file pf;
    if (!tu_shared_dir())
        return;
    pesx_potential_file_init(&pf);
    ck_assert_int_eq(pesx_n2p2_read(tu_shared_path(dir, sizeof dir, "ref/n2p2/H2O_RPBE-D3"),
                                    BOHR, HA, &pf, NULL), 0);
    ck_assert_uint_eq(pf.n_elements, 2);
    ck_assert_str_eq(pf.element[0].symbol, "H");
    ck_assert_uint_eq(pf.element[0].n_sf, 27);
    ck_assert_uint_eq(pf.element[1].n_sf, 30);
    /* H: 9 = type 2 O eta 0.15 rs 0.9; 17 = type 3 O O eta 0.001 lambda -1 */
    {
        const pesx_potential_file_sf *s = &pf.element[0].sf[8];
        double eta, rs;
        ck_assert_str_eq(s->type, "2");
        ck_assert_str_eq(s->e1, "O");
        ck_assert(pesx_potential_file_sf_get(s, "eta", &eta) && pesx_potential_file_sf_get(s, "rs", &rs));
        ck_assert_rel(eta * BOHR * BOHR, 0.15, 1e-14);
        ck_assert_rel(rs / BOHR, 0.9, 1e-14);
        s = &pf.element[0].sf[16];
        ck_assert_str_eq(s->type, "3");
        ck_assert_str_eq(s->e1, "O");
        ck_assert_str_eq(s->e2, "O");
        ck_assert(pesx_potential_file_sf_get(s, "lambda", &eta));
        ck_assert(eta == -1.0);
    }
    ck_assert_rel(pf.conv_energy * HA, 2.4265748255366972E+02, 1e-15);
    ck_assert_str_eq(pf.scaling_mode, "scale-center");
    pesx_potential_file_release(&pf);
}
END_TEST

int main(void)
{
    Suite *s;
    if (!tu_shared_dir()) {
        fprintf(stderr, "check_bpnn: PESX_SHARED (../shared with ref/n2p2) not found: skipped\n");
        return 77;
    }
    s = suite_create("bpnn");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_sort_order);
    tcase_add_loop_test(tc, test_reference, 0, (int)N_CASES);
    tcase_add_test(tc, test_small_box_fd);
    tcase_add_test(tc, test_degenerate);
    tcase_add_test(tc, test_committee);
    tcase_add_test(tc, test_potential_xml_round_trip);
    tcase_add_test(tc, test_bad_n2p2);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
