/* Check suite for training data sets (io_dataset.h): data.xml read with
 * unit conversion, exact write -> read round trips through data.xml,
 * extended XYZ and n2p2 input.data, the streaming callback, subsets, and
 * every kind of bad input answered with the file, the line and a clear
 * message.  With $PESX_SHARED: the shared auAl100 and hcn_hnc sets read the
 * same from their data.xml and extended XYZ twins. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "testutil.h"
#include <pesx/io_dataset.h>

static const char *data(char *buf, size_t size, const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "dataset/%s", name);
    return tu_data_path(buf, size, rel);
}

/* Bitwise-identical data sets (ids, cells, pbc, every number). */
static void assert_same(const pesx_dataset *a, const pesx_dataset *b, int with_cell_of_open)
{
    ck_assert_uint_eq(a->n, b->n);
    ck_assert_uint_eq(a->n_atoms, b->n_atoms);
    ck_assert_uint_eq(a->n_elements, b->n_elements);
    for (size_t e = 0; e < a->n_elements; e++) {
        ck_assert_int_eq(a->elements[e], b->elements[e]);
        ck_assert_uint_eq(a->count[e], b->count[e]);
    }
    for (size_t k = 0; k < a->n; k++) {
        const pesx_atoms *x = a->atoms[k], *y = b->atoms[k];
        ck_assert_str_eq(a->id[k], b->id[k]);
        ck_assert_msg(a->energy[k] == b->energy[k], "energy %zu: %.17g vs %.17g", k, a->energy[k],
                      b->energy[k]);
        ck_assert(a->weight[k] == b->weight[k]);
        ck_assert_uint_eq(a->atom_start[k], b->atom_start[k]);
        ck_assert_uint_eq(x->n, y->n);
        for (int d = 0; d < 3; d++)
            ck_assert_int_eq(x->pbc[d], y->pbc[d]);
        if (with_cell_of_open || x->pbc[0] || x->pbc[1] || x->pbc[2]) {
            ck_assert_int_eq(x->has_cell, y->has_cell);
            ck_assert(memcmp(x->cell, y->cell, sizeof x->cell) == 0);
        }
        ck_assert(memcmp(x->z, y->z, x->n * sizeof *x->z) == 0);
        for (size_t i = 0; i < 3 * x->n; i++)
            ck_assert_msg(x->x[i] == y->x[i], "structure %zu coordinate %zu: %.17g vs %.17g", k,
                          i, x->x[i], y->x[i]);
    }
    for (size_t i = 0; i < 3 * a->n_atoms; i++)
        ck_assert_msg(a->force[i] == b->force[i], "force %zu: %.17g vs %.17g", i, a->force[i],
                      b->force[i]);
}

START_TEST(test_read_units)
{
    char p[512];
    pesx_dataset ds;
    const double L = PESX_BOHR_ANGSTROM, E = PESX_HARTREE_EV;
    ck_assert_int_eq(pesx_dataset_read(data(p, sizeof p, "good_hartree.xml"), &ds), PESX_OK);
    ck_assert_uint_eq(ds.n, 3);
    ck_assert_uint_eq(ds.n_atoms, 5);
    ck_assert_str_eq(ds.id[0], "water dimer & co");
    ck_assert_str_eq(ds.id[1], "");
    ck_assert_str_eq(ds.id[2], "bulk");
    ck_assert_int_eq(ds.line[0], 4);
    ck_assert_int_eq(ds.line[1], 10);
    ck_assert_int_eq(ds.line[2], 17);
    ck_assert(ds.weight[0] == 2.5 && ds.weight[1] == 1.0 && ds.weight[2] == 1.0);
    ck_assert(ds.energy[0] == -76.25 * E);
    ck_assert(ds.energy[1] == -0.5 * E);
    ck_assert(ds.energy[2] == 1.0 * E);
    /* structure 0: O H H, open */
    ck_assert_int_eq(ds.atoms[0]->z[0], 8);
    ck_assert_int_eq(ds.atoms[0]->z[1], 1);
    ck_assert(ds.atoms[0]->x[2] == 0.5 * L);
    ck_assert(ds.atoms[0]->x[3] == 1.8 * L);
    ck_assert(ds.atoms[0]->x[7] == 1.7 * L);
    ck_assert_int_eq(ds.atoms[0]->has_cell, 0);
    ck_assert_int_eq(ds.atoms[0]->pbc[0] | ds.atoms[0]->pbc[1] | ds.atoms[0]->pbc[2], 0);
    ck_assert(ds.force[1] == -0.02 * (E / L));
    ck_assert(ds.force[3] == -1e-3 * (E / L));
    ck_assert(ds.force[7] == 0.5 * (E / L));
    /* structure 1: slab with pbc T T F, cell across two lines */
    ck_assert_uint_eq(ds.atom_start[1], 3);
    ck_assert_uint_eq(ds.atom_start[2], 4);
    ck_assert_int_eq(ds.atoms[1]->has_cell, 1);
    ck_assert(ds.atoms[1]->cell[0] == 10 * L && ds.atoms[1]->cell[8] == 12 * L);
    ck_assert(ds.atoms[1]->pbc[0] == 1 && ds.atoms[1]->pbc[1] == 1 && ds.atoms[1]->pbc[2] == 0);
    ck_assert(ds.force[3 * 3 + 2] == 0.125 * (E / L));
    /* structure 2: a cell alone means periodic in all three directions */
    ck_assert(ds.atoms[2]->pbc[0] && ds.atoms[2]->pbc[1] && ds.atoms[2]->pbc[2]);
    /* elements ascending with counts */
    ck_assert_uint_eq(ds.n_elements, 4);
    ck_assert_int_eq(ds.elements[0], 1);
    ck_assert_int_eq(ds.elements[1], 8);
    ck_assert_int_eq(ds.elements[2], 13);
    ck_assert_int_eq(ds.elements[3], 29);
    ck_assert_uint_eq(ds.count[0], 2);
    ck_assert_uint_eq(ds.count[1], 1);
    ck_assert_uint_eq(ds.count[3], 1);
    pesx_dataset_release(&ds);
}
END_TEST

/* data.xml -> data.xml: identical numbers, and the second file is
 * byte-identical to the first. */
START_TEST(test_xml_round_trip)
{
    char p[512], q1[512], q2[512];
    pesx_dataset a, b;
    ck_assert_int_eq(pesx_dataset_read(data(p, sizeof p, "good_hartree.xml"), &a), PESX_OK);
    ck_assert_int_eq(pesx_dataset_write(tu_tmp_path(q1, sizeof q1, "a.xml"), &a), PESX_OK);
    ck_assert_int_eq(pesx_dataset_read(q1, &b), PESX_OK);
    assert_same(&a, &b, 1);
    ck_assert_int_eq(pesx_dataset_write(tu_tmp_path(q2, sizeof q2, "b.xml"), &b), PESX_OK);
    char *s1 = tu_slurp(q1, NULL), *s2 = tu_slurp(q2, NULL);
    ck_assert_str_eq(s1, s2);
    ck_assert_ptr_nonnull(strstr(s1, "<dataset units=\"eV Angstrom\">"));
    ck_assert_ptr_nonnull(strstr(s1, "id=\"water dimer &amp; co\" weight=\"2.5\""));
    ck_assert_ptr_nonnull(strstr(s1, "<pbc>T T F</pbc>"));
    free(s1);
    free(s2);
    pesx_dataset_release(&a);
    pesx_dataset_release(&b);
}
END_TEST

/* data.xml -> extended XYZ / n2p2 -> data.xml: exact, ids, weights and the
 * mixed periodicity kept. */
START_TEST(test_format_round_trips)
{
    static const pesx_data_format fmts[] = {PESX_DATA_XYZ, PESX_DATA_N2P2};
    static const char *const names[] = {"x.xyz", "input.data"};
    char p[512], q[512];
    pesx_dataset a;
    ck_assert_int_eq(pesx_dataset_read(data(p, sizeof p, "good_hartree.xml"), &a), PESX_OK);
    for (int f = 0; f < 2; f++) {
        pesx_dataset b;
        pesx_data_writer *w = pesx_data_writer_open(tu_tmp_path(q, sizeof q, names[f]), fmts[f], 1, 1);
        ck_assert_ptr_nonnull(w);
        for (size_t k = 0; k < a.n; k++) {
            pesx_dataset_entry e;
            pesx_dataset_get(&a, k, &e);
            ck_assert_int_eq(pesx_data_writer_add(w, &e), PESX_OK);
        }
        ck_assert_int_eq(pesx_data_writer_close(w), PESX_OK);
        ck_assert_int_eq(pesx_data_format_guess(q), fmts[f]);
        ck_assert_int_eq(pesx_data_read(q, fmts[f], 1, 1, &b), PESX_OK);
        assert_same(&a, &b, 1);
        pesx_dataset_release(&b);
    }
    /* n2p2 in Bohr/Hartree: written in file units, read back close */
    {
        pesx_dataset b;
        pesx_data_writer *w = pesx_data_writer_open(tu_tmp_path(q, sizeof q, "bohr.data"),
                                                    PESX_DATA_N2P2, PESX_BOHR_ANGSTROM,
                                                    PESX_HARTREE_EV);
        for (size_t k = 0; k < a.n; k++) {
            pesx_dataset_entry e;
            pesx_dataset_get(&a, k, &e);
            ck_assert_int_eq(pesx_data_writer_add(w, &e), PESX_OK);
        }
        ck_assert_int_eq(pesx_data_writer_close(w), PESX_OK);
        char *s = tu_slurp(q, NULL);
        ck_assert_ptr_nonnull(strstr(s, "energy -76.25\n"));
        ck_assert_ptr_nonnull(strstr(s, "comment id=water%20dimer%20&%20co weight=2.5\n"));
        ck_assert_ptr_nonnull(strstr(s, "comment pbc=TTF\n"));
        free(s);
        ck_assert_int_eq(pesx_data_read(q, PESX_DATA_N2P2, PESX_BOHR_ANGSTROM, PESX_HARTREE_EV, &b),
                         PESX_OK);
        ck_assert_uint_eq(b.n, a.n);
        for (size_t k = 0; k < a.n; k++)
            ck_assert_rel(b.energy[k], a.energy[k], 1e-15);
        for (size_t i = 0; i < 3 * a.n_atoms; i++)
            ck_assert(fabs(b.force[i] - a.force[i]) <= 1e-14 * (1 + fabs(a.force[i])));
        pesx_dataset_release(&b);
    }
    pesx_dataset_release(&a);
}
END_TEST

START_TEST(test_n2p2_read)
{
    char p[512];
    pesx_dataset ds;
    ck_assert_int_eq(pesx_data_read(data(p, sizeof p, "good.data"), PESX_DATA_N2P2, 1, 1, &ds),
                     PESX_OK);
    ck_assert_uint_eq(ds.n, 2);
    ck_assert_str_eq(ds.id[0], "frame 1");
    ck_assert(ds.weight[0] == 0.5);
    ck_assert(ds.atoms[0]->pbc[0] && ds.atoms[0]->pbc[1] && !ds.atoms[0]->pbc[2]);
    ck_assert(ds.atoms[0]->cell[8] == 20.0);
    ck_assert(ds.energy[0] == -3.25);
    ck_assert(ds.force[3] == -0.1);
    ck_assert_int_eq(ds.atoms[0]->z[1], 79);
    ck_assert_str_eq(ds.id[1], "a structure from n2p2");
    ck_assert(ds.weight[1] == 1.0);
    ck_assert(ds.force[6] == 1e-2);
    ck_assert(ds.energy[1] == 1.0);
    ck_assert_int_eq(ds.atoms[1]->has_cell, 0);
    ck_assert_int_eq(ds.line[1], 11);
    pesx_dataset_release(&ds);
    /* units: Bohr and Hartree */
    ck_assert_int_eq(pesx_data_read(p, PESX_DATA_N2P2, PESX_BOHR_ANGSTROM, PESX_HARTREE_EV, &ds),
                     PESX_OK);
    ck_assert(ds.atoms[0]->x[2] == 1.0 * PESX_BOHR_ANGSTROM);
    ck_assert(ds.energy[0] == -3.25 * PESX_HARTREE_EV);
    ck_assert(ds.force[3] == -0.1 * (PESX_HARTREE_EV / PESX_BOHR_ANGSTROM));
    pesx_dataset_release(&ds);
}
END_TEST

typedef struct {
    size_t calls;
    size_t stop_at;
    double esum;
} cb_state;

static int count_cb(const pesx_dataset_entry *e, size_t index, void *ctx)
{
    cb_state *s = ctx;
    ck_assert_uint_eq(index, s->calls);
    s->calls++;
    s->esum += e->energy;
    if (s->calls == s->stop_at)
        return pesx_error_set(PESX_EFAILED, NULL, 0, "stopped by the callback");
    return PESX_OK;
}

START_TEST(test_stream)
{
    char p[512];
    cb_state s = {0, 0, 0};
    size_t n;
    ck_assert_int_eq(pesx_dataset_read_stream(data(p, sizeof p, "good_hartree.xml"), count_cb, &s,
                                              &n),
                     PESX_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(s.calls, 3);
    ck_assert(s.esum == (-76.25 * PESX_HARTREE_EV + -0.5 * PESX_HARTREE_EV) + PESX_HARTREE_EV);
    s = (cb_state){0, 2, 0};
    ck_assert_int_eq(pesx_dataset_read_stream(p, count_cb, &s, &n), PESX_EFAILED);
    ck_assert_uint_eq(s.calls, 2);
    ck_assert_str_eq(pesx_error_last()->msg, "stopped by the callback");
}
END_TEST

START_TEST(test_subset_append)
{
    char p[512];
    pesx_dataset a, b;
    size_t idx[2] = {2, 0};
    ck_assert_int_eq(pesx_dataset_read(data(p, sizeof p, "good_hartree.xml"), &a), PESX_OK);
    ck_assert_int_eq(pesx_dataset_subset(&b, &a, idx, 2), PESX_OK);
    ck_assert_uint_eq(b.n, 2);
    ck_assert_uint_eq(b.n_atoms, 4);
    ck_assert_str_eq(b.id[0], "bulk");
    ck_assert_str_eq(b.id[1], "water dimer & co");
    ck_assert_uint_eq(b.atom_start[1], 1);
    ck_assert(b.force[3 + 1] == a.force[1]);
    ck_assert_uint_eq(b.n_elements, 3); /* H O Al */
    ck_assert_int_eq(b.elements[2], 13);
    pesx_dataset_release(&b);
    idx[0] = 3;
    ck_assert_int_eq(pesx_dataset_subset(&b, &a, idx, 2), PESX_EINVAL);
    ck_assert_uint_eq(b.n, 0);
    /* append refuses bad entries */
    pesx_dataset_entry e;
    pesx_dataset_get(&a, 0, &e);
    e.energy = NAN;
    ck_assert_int_eq(pesx_dataset_append(&b, &e), PESX_EINVAL);
    e.energy = 0;
    e.weight = -1;
    ck_assert_int_eq(pesx_dataset_append(&b, &e), PESX_EINVAL);
    e.weight = 1;
    e.forces = NULL;
    ck_assert_int_eq(pesx_dataset_append(&b, &e), PESX_EINVAL);
    ck_assert_uint_eq(b.n, 0);
    pesx_dataset_release(&b);
    pesx_dataset_release(&a);
}
END_TEST

/* Bad input: code, line and words of the message. */
static const struct {
    const char *file;
    pesx_data_format fmt;
    long line;
    const char *words;
} bad[] = {
    {"malformed.xml", PESX_DATA_XML, 5, "malformed XML"},
    {"truncated.xml", PESX_DATA_XML, -1, "malformed XML"},
    {"no_energy.xml", PESX_DATA_XML, 3, "structure without <energy>"},
    {"missing_coord.xml", PESX_DATA_XML, 5, "<atom> without y= (coordinate)"},
    {"missing_force.xml", PESX_DATA_XML, 4, "<atom> without fy= (force component)"},
    {"nonnum_coord.xml", PESX_DATA_XML, 8, "y 'abc' is not a number"},
    {"nonnum_force.xml", PESX_DATA_XML, 4, "fy '1.2.3' is not a number"},
    {"nan_force.xml", PESX_DATA_XML, 4, "fx 'nan' is not a finite number"},
    {"inf_energy.xml", PESX_DATA_XML, 5, "energy '-inf' is not a finite number"},
    {"nonnum_energy.xml", PESX_DATA_XML, 5, "energy '-1.5 eV' is not a number"},
    {"unknown_element.xml", PESX_DATA_XML, 5, "unknown element 'Xx'"},
    {"unknown_tag.xml", PESX_DATA_XML, 5, "unknown element <charge> in <structure>"},
    {"unknown_attr.xml", PESX_DATA_XML, 4, "unknown attribute 'q' on <atom>"},
    {"empty.xml", PESX_DATA_XML, 2, "empty data set"},
    {"empty_file.xml", PESX_DATA_XML, -1, "malformed XML"},
    {"bad_units.xml", PESX_DATA_XML, 2, "units=\"kcal/mol Angstrom\""},
    {"no_units.xml", PESX_DATA_XML, 2, "<dataset> needs units="},
    {"wrong_root.xml", PESX_DATA_XML, 2, "root element is <pesx-potential>, expected <dataset>"},
    {"dup_energy.xml", PESX_DATA_XML, 6, "second <energy> in one structure (the first is on line 4)"},
    {"bad_cell.xml", PESX_DATA_XML, 4, "<cell> needs 9 numbers"},
    {"singular_cell.xml", PESX_DATA_XML, 3, "singular"},
    {"bad_pbc.xml", PESX_DATA_XML, 5, "<pbc> entry 'X' is not T or F"},
    {"pbc_no_cell.xml", PESX_DATA_XML, 3, "no <cell>"},
    {"bad_weight.xml", PESX_DATA_XML, 3, "weight=\"-1\" is negative"},
    {"no_atoms.xml", PESX_DATA_XML, 3, "structure without atoms"},
    {"text_inside.xml", PESX_DATA_XML, 4, "unexpected text 'stray words' inside <structure>"},
    {"no_element.xml", PESX_DATA_XML, 4, "<atom> without element="},
    {"entity.xml", PESX_DATA_XML, 6, "entity"},
    {"no_end.data", PESX_DATA_N2P2, 4, "the structure of line 1 has no 'end'"},
    {"bad_atom.data", PESX_DATA_N2P2, 6, "expected 'atom x y z element charge n fx fy fz'"},
    {"nan.data", PESX_DATA_N2P2, 2, "force 'nan' is not a finite number"},
    {"no_energy.data", PESX_DATA_N2P2, 1, "structure without an 'energy' line"},
    {"two_lattice.data", PESX_DATA_N2P2, 6, "need zero or three lattice lines (got 2)"},
    {"no_forces.xyz", PESX_DATA_XYZ, 1, "frame 1 has no forces column"},
    {"no_energy.xyz", PESX_DATA_XYZ, 4, "frame 2 has no energy="},
    {"does_not_exist.xml", PESX_DATA_XML, 0, "cannot open"},
};

START_TEST(test_bad_input)
{
    char p[512];
    pesx_dataset ds;
    int st;
    const pesx_error *e;
    data(p, sizeof p, bad[_i].file);
    st = pesx_data_read(p, bad[_i].fmt, 1, 1, &ds);
    e = pesx_error_last();
    ck_assert_msg(st != PESX_OK, "%s was accepted", bad[_i].file);
    ck_assert_uint_eq(ds.n, 0);
    ck_assert_msg(strstr(e->msg, bad[_i].words) != NULL, "%s: message '%s' lacks '%s'",
                  bad[_i].file, e->msg, bad[_i].words);
    ck_assert_str_eq(e->file, p);
    if (bad[_i].line >= 0)
        ck_assert_msg(e->line == bad[_i].line, "%s: error on line %ld, expected %ld (%s)",
                      bad[_i].file, e->line, bad[_i].line, e->msg);
    else
        ck_assert_msg(e->line > 0, "%s: no line (%s)", bad[_i].file, e->msg);
    if (strcmp(bad[_i].file, "does_not_exist.xml") != 0)
        ck_assert_int_eq(st, PESX_EINVAL);
}
END_TEST

/* Every truncation and many one-byte mutations of valid files: never a
 * crash, and every error names the file and a line. */
static void fuzz_file(const char *src, pesx_data_format fmt, const char *name, const char *end_mark)
{
    char p[512], q[512];
    char *text = tu_slurp(data(p, sizeof p, src), NULL);
    size_t len = strlen(text);
    pesx_rng rng;
    tu_tmp_path(q, sizeof q, name);
    for (size_t cut = 0; cut < len; cut++) {
        pesx_dataset ds;
        FILE *fp = fopen(q, "w");
        fwrite(text, 1, cut, fp);
        fclose(fp);
        int st = pesx_data_read(q, fmt, 1, 1, &ds);
        if (st == PESX_OK) {
            /* only a cut after a complete structure (n2p2) or the root reads */
            char *t = strndup(text, cut);
            ck_assert_msg(strstr(t, end_mark) != NULL, "%s cut at %zu read", src, cut);
            free(t);
            pesx_dataset_release(&ds);
        } else {
            ck_assert_int_eq(st, PESX_EINVAL);
            ck_assert_str_eq(pesx_error_last()->file, q);
            ck_assert_msg(pesx_error_last()->line > 0, "%s cut at %zu: no line (%s)", src, cut,
                          pesx_error_last()->msg);
        }
    }
    pesx_rng_seed(&rng, 42);
    for (int it = 0; it < 400; it++) {
        pesx_dataset ds;
        char *m = strdup(text);
        static const char pool[] = "<>/=\"' \n0123456789.eE+-naifTFxyzXAl&;#!";
        for (int k = 0; k < 1 + (int)(pesx_rng_next(&rng) % 3); k++)
            m[pesx_rng_next(&rng) % len] = pool[pesx_rng_next(&rng) % (sizeof pool - 1)];
        FILE *fp = fopen(q, "w");
        fputs(m, fp);
        fclose(fp);
        int st = pesx_data_read(q, fmt, 1, 1, &ds);
        if (st == PESX_OK) {
            for (size_t i = 0; i < 3 * ds.n_atoms; i++)
                ck_assert(isfinite(ds.force[i]));
            pesx_dataset_release(&ds);
        } else {
            ck_assert_int_eq(st, PESX_EINVAL);
            ck_assert_msg(pesx_error_last()->line > 0, "mutation %d: no line (%s)", it,
                          pesx_error_last()->msg);
        }
        free(m);
    }
    free(text);
}

START_TEST(test_fuzz)
{
    fuzz_file("good_hartree.xml", PESX_DATA_XML, "f.xml", "</dataset>");
    fuzz_file("good.data", PESX_DATA_N2P2, "f.data", "\nend");
}
END_TEST

/* The checksum: SHA-256 of the canonical numbers (reference computed with
 * Python's hashlib over the same little-endian doubles, read by ASE), the
 * same for every format, and changed by one ulp of one force. */
START_TEST(test_checksum)
{
    static const char *const ref =
        "sha256:9d2194c02e1fb6c1ef9bb211d72dce67e409d8946b4391540a151e5b773795af";
    char p[512], q[512], sum[80], sum2[80];
    pesx_dataset a, b;
    ck_assert_int_eq(pesx_dataset_read(data(p, sizeof p, "good_hartree.xml"), &a), PESX_OK);
    pesx_dataset_checksum(&a, sum, sizeof sum);
    ck_assert_str_eq(sum, ref);
    for (int f = 0; f < 2; f++) {
        pesx_data_format fmt = f ? PESX_DATA_N2P2 : PESX_DATA_XYZ;
        pesx_data_writer *w = pesx_data_writer_open(tu_tmp_path(q, sizeof q, f ? "c.data" : "c.xyz"), fmt, 1, 1);
        for (size_t k = 0; k < a.n; k++) {
            pesx_dataset_entry e;
            pesx_dataset_get(&a, k, &e);
            ck_assert_int_eq(pesx_data_writer_add(w, &e), PESX_OK);
        }
        ck_assert_int_eq(pesx_data_writer_close(w), PESX_OK);
        ck_assert_int_eq(pesx_data_read(q, fmt, 1, 1, &b), PESX_OK);
        pesx_dataset_checksum(&b, sum2, sizeof sum2);
        ck_assert_str_eq(sum2, ref);
        pesx_dataset_release(&b);
    }
    a.force[4] = nextafter(a.force[4], 1.0);
    pesx_dataset_checksum(&a, sum2, sizeof sum2);
    ck_assert_str_ne(sum2, ref);
    pesx_dataset_release(&a);
}
END_TEST

START_TEST(test_writer_refusals)
{
    char q[512];
    pesx_dataset_writer *w = pesx_dataset_writer_open(tu_tmp_path(q, sizeof q, "empty.xml"));
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(pesx_dataset_writer_close(w), PESX_EINVAL);
    ck_assert_int_eq(access(q, F_OK), -1); /* nothing left behind */
    /* a NaN force: refused, and the file never appears */
    pesx_atoms *a = pesx_atoms_alloc(1);
    double f[3] = {0, NAN, 0};
    pesx_dataset_entry e = {"x", a, 1.0, f, 1.0, NULL, 0};
    a->z[0] = 1;
    w = pesx_dataset_writer_open(q);
    ck_assert_int_eq(pesx_dataset_writer_add(w, &e), PESX_EINVAL);
    pesx_dataset_writer_abort(w);
    ck_assert_int_eq(access(q, F_OK), -1);
    /* n2p2 cannot hold a periodic direction without a cell */
    f[1] = 0;
    a->pbc[0] = 1;
    pesx_data_writer *dw = pesx_data_writer_open(tu_tmp_path(q, sizeof q, "x.data"), PESX_DATA_N2P2, 1, 1);
    ck_assert_int_eq(pesx_data_writer_add(dw, &e), PESX_EINVAL);
    pesx_data_writer_abort(dw);
    ck_assert_int_eq(access(q, F_OK), -1);
    pesx_atoms_free(a);
    ck_assert_int_eq(pesx_data_format_lookup("ExtXYZ"), PESX_DATA_XYZ);
    ck_assert_int_eq(pesx_data_format_lookup("runner"), PESX_DATA_N2P2);
    ck_assert_int_eq(pesx_data_format_lookup("pdb"), PESX_DATA_UNKNOWN);
    ck_assert_int_eq(pesx_data_format_guess("dir/input.data"), PESX_DATA_N2P2);
    ck_assert_int_eq(pesx_data_format_guess("a.extxyz"), PESX_DATA_XYZ);
    ck_assert_int_eq(pesx_data_format_guess("train.XML"), PESX_DATA_XML);
    ck_assert_int_eq(pesx_data_format_guess("train.json"), PESX_DATA_UNKNOWN);
}
END_TEST

/* The shared sets: data.xml (10 decimals) and extended XYZ (full
 * precision) hold the same structures. */
static void compare_twins(const char *xml, const char *xyz, size_t n_expected)
{
    char p[512], q[512];
    pesx_dataset a, b;
    if (!tu_shared_path(p, sizeof p, xml) || access(p, R_OK) != 0) {
        fprintf(stderr, "PESX_SHARED absent: %s skipped\n", xml);
        return;
    }
    tu_shared_path(q, sizeof q, xyz);
    double t0 = pesx_wall_time();
    ck_assert_int_eq(pesx_dataset_read(p, &a), PESX_OK);
    double t1 = pesx_wall_time();
    ck_assert_int_eq(pesx_data_read(q, PESX_DATA_XYZ, 1, 1, &b), PESX_OK);
    fprintf(stderr, "%s: %zu structures, %zu atoms, read in %.3f s\n", xml, a.n, a.n_atoms,
            t1 - t0);
    ck_assert_uint_eq(a.n, n_expected);
    ck_assert_uint_eq(b.n, n_expected);
    ck_assert_uint_eq(a.n_atoms, b.n_atoms);
    for (size_t k = 0; k < a.n; k++) {
        ck_assert_str_eq(a.id[k], b.id[k]);
        ck_assert_msg(fabs(a.energy[k] - b.energy[k]) <= 1e-8, "%s: energy %.12g vs %.12g",
                      a.id[k], a.energy[k], b.energy[k]);
        ck_assert_int_eq(a.atoms[k]->has_cell, b.atoms[k]->has_cell);
        for (int d = 0; d < 3; d++)
            ck_assert_int_eq(a.atoms[k]->pbc[d], b.atoms[k]->pbc[d]);
        for (int c = 0; c < 9 && a.atoms[k]->has_cell; c++)
            ck_assert(fabs(a.atoms[k]->cell[c] - b.atoms[k]->cell[c]) <= 1e-8);
        for (size_t i = 0; i < a.atoms[k]->n; i++)
            ck_assert_int_eq(a.atoms[k]->z[i], b.atoms[k]->z[i]);
        for (size_t i = 0; i < 3 * a.atoms[k]->n; i++)
            ck_assert(fabs(a.atoms[k]->x[i] - b.atoms[k]->x[i]) <= 1e-8);
    }
    for (size_t i = 0; i < 3 * a.n_atoms; i++)
        ck_assert(fabs(a.force[i] - b.force[i]) <= 1e-8);
    pesx_dataset_release(&a);
    pesx_dataset_release(&b);
}

START_TEST(test_shared_auAl100)
{
    compare_twins("data/auAl100/auAl100_train.xml", "data/auAl100/auAl100_train.xyz", 1557);
}
END_TEST

START_TEST(test_shared_hcn)
{
    compare_twins("data/hcn_hnc/hcn_test.xml", "data/hcn_hnc/hcn_test.extxyz", 161);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("dataset");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, tu_tmpdir_setup, tu_tmpdir_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_read_units);
    tcase_add_test(tc, test_xml_round_trip);
    tcase_add_test(tc, test_format_round_trips);
    tcase_add_test(tc, test_n2p2_read);
    tcase_add_test(tc, test_stream);
    tcase_add_test(tc, test_subset_append);
    tcase_add_loop_test(tc, test_bad_input, 0, (int)(sizeof bad / sizeof *bad));
    tcase_add_test(tc, test_writer_refusals);
    tcase_add_test(tc, test_fuzz);
    tcase_add_test(tc, test_checksum);
    tcase_add_test(tc, test_shared_auAl100);
    tcase_add_test(tc, test_shared_hcn);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(suite());
}
