/* Check suite of the io module.
 *
 * XYZ part: reading what ASE writes (fixtures made by ASE 3.22, see
 * tests/data/xyz/make_ase_fixture.py), the extended-XYZ variants of the
 * format (quoting, brackets, bare keys, Lattice without pbc, move_mask and
 * fixed columns, extra columns, CRLF, OVITO's column order), every kind of
 * bad input (each must give PESX_EINVAL naming the file and the line),
 * exact write/read round trips, and a random-mutation robustness loop. */
#include <config.h>
#include "testutil.h"

#include <pesx/io.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------- */

static const char *xyz_path(const char *name)
{
    static char buf[4][4096];
    static int k;
    char rel[512];
    k = (k + 1) % 4;
    snprintf(rel, sizeof rel, "xyz/%s", name);
    return tu_data_path(buf[k], sizeof buf[k], rel);
}

/* A scratch file name in the build tree, unique per process. */
static const char *tmp_path(const char *tag)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "check_io-%ld-%s.xyz", (long)getpid(), tag);
    return buf[k];
}

static void read_all_ok(const char *path, pesx_frame **frames, size_t *n)
{
    int status = pesx_xyz_read_all(path, frames, n);
    char msg[2048];
    pesx_error_format(pesx_error_last(), msg, sizeof msg);
    ck_assert_msg(status == PESX_OK, "reading %s: %s", path, msg);
}

static int same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static void info_is(const pesx_frame *f, const char *key, const char *want)
{
    char buf[256];
    ck_assert_msg(pesx_frame_get_info(f, key, buf, sizeof buf) == 1, "info has no %s (info: %s)",
                  key, f->info ? f->info : "(null)");
    ck_assert_str_eq(buf, want);
}

/* ---- reading what ASE writes ------------------------------------------- */

START_TEST(test_ase_written)
{
    pesx_frame *f;
    size_t n;
    int cols;
    const double *tags, *masses, *momenta;
    read_all_ok(xyz_path("ase_written.xyz"), &f, &n);
    ck_assert_uint_eq(n, 3);

    /* Al(111) slab: hexagonal cell, pbc T T F, energy, forces, tags column */
    const pesx_atoms *a = f[0].atoms;
    ck_assert_uint_eq(a->n, 12);
    ck_assert_int_eq(f[0].line, 1);
    for (size_t i = 0; i < a->n; i++)
        ck_assert_int_eq(a->z[i], 13);
    ck_assert_int_eq(a->has_cell, 1);
    ck_assert(same_double(a->cell[0], 5.727564927611035));
    ck_assert(same_double(a->cell[3], 2.8637824638055176));
    ck_assert(same_double(a->cell[4], 4.960216729135935));
    ck_assert(same_double(a->cell[8], 14.676537180435968));
    ck_assert(a->cell[1] == 0 && a->cell[2] == 0 && a->cell[5] == 0 && a->cell[6] == 0 &&
              a->cell[7] == 0);
    ck_assert(a->pbc[0] == 1 && a->pbc[1] == 1 && a->pbc[2] == 0);
    ck_assert(same_double(a->x[0], 1.43189123));
    ck_assert(same_double(a->x[3 * 4 + 0], -0.0));
    ck_assert(same_double(a->x[3 * 11 + 2], 9.67653718));
    ck_assert_int_eq(f[0].has_energy, 1);
    ck_assert(same_double(f[0].energy, -40.123456789));
    ck_assert_int_eq(f[0].has_forces, 1);
    ck_assert(same_double(f[0].forces[3 * 1 + 0], 0.01));
    ck_assert(same_double(f[0].forces[3 * 11 + 1], -0.22));
    ck_assert(same_double(f[0].forces[3 * 10 + 2], 0.005));
    ck_assert_uint_eq(pesx_atoms_n_free(a), 12); /* ASE 3.22 does not write move_mask by default */
    tags = pesx_frame_get_extra(&f[0], "tags", &cols);
    ck_assert_ptr_nonnull(tags);
    ck_assert_int_eq(cols, 1);
    ck_assert(tags[0] == 3 && tags[4] == 2 && tags[11] == 1);
    ck_assert_int_eq(f[0].extra_type[0], 'I');
    info_is(&f[0], "comment", "Al(111) slab, EMT");
    info_is(&f[0], "step", "3");
    ck_assert_int_eq(pesx_frame_get_info(&f[0], "energy", NULL, 0), 0);
    ck_assert_int_eq(pesx_frame_get_info(&f[0], "pbc", NULL, 0), 0);

    /* water: no Lattice -> no cell, not periodic; masses kept as an extra */
    a = f[1].atoms;
    ck_assert_int_eq(f[1].line, 15);
    ck_assert_uint_eq(a->n, 3);
    ck_assert(a->z[0] == 8 && a->z[1] == 1 && a->z[2] == 1);
    ck_assert_int_eq(a->has_cell, 0);
    ck_assert(a->pbc[0] == 0 && a->pbc[1] == 0 && a->pbc[2] == 0);
    ck_assert(same_double(a->x[3 * 1 + 1], 0.763239));
    ck_assert(same_double(f[1].energy, -14.5));
    ck_assert_int_eq(f[1].has_forces, 0);
    masses = pesx_frame_get_extra(&f[1], "masses", &cols);
    ck_assert_ptr_nonnull(masses);
    ck_assert(cols == 1 && masses[0] == 15.999 && masses[1] == 2.014 && masses[2] == 1.008);
    ck_assert_str_eq(f[1].info, "");

    /* bulk Cu: cubic cell, pbc T T T, momenta R:3, no energy */
    a = f[2].atoms;
    ck_assert_int_eq(f[2].line, 20);
    ck_assert_uint_eq(a->n, 4);
    ck_assert(a->cell[0] == 3.6 && a->cell[4] == 3.6 && a->cell[8] == 3.6);
    ck_assert(a->pbc[0] && a->pbc[1] && a->pbc[2]);
    ck_assert_int_eq(f[2].has_energy, 0);
    momenta = pesx_frame_get_extra(&f[2], "momenta", &cols);
    ck_assert_ptr_nonnull(momenta);
    ck_assert_int_eq(cols, 3);
    for (int k = 0; k < 12; k++)
        ck_assert(momenta[k] == 0.125 * k);
    ck_assert_str_eq(f[2].info, "config_type=bulk");
    pesx_frames_free(f, n);
}
END_TEST

START_TEST(test_ase_move_mask)
{
    pesx_frame f;
    pesx_frame_init(&f);
    ck_assert_int_eq(pesx_xyz_read_frame(xyz_path("ase_move_mask.xyz"), 0, &f), PESX_OK);
    ck_assert_uint_eq(f.atoms->n, 12);
    /* FixAtoms on the bottom layer (tag 3): move_mask F */
    for (size_t i = 0; i < 12; i++)
        ck_assert_int_eq(f.atoms->fixed[i], i < 4);
    ck_assert_uint_eq(pesx_atoms_n_free(f.atoms), 8);
    ck_assert_int_eq(f.has_forces, 1);
    ck_assert(same_double(f.forces[3 * 11 + 1], -0.22));
    pesx_frame_release(&f);
}
END_TEST

START_TEST(test_shared_files)
{
    /* the shared reference inputs: auAl100 (move_mask:L:1 + tags:I:1) and
     * OptBench Pt heptamer (fixed:I:1); the frozen atoms are counted from
     * the text independently of the reader */
    static const char *const files[] = {"data/auAl100/reactant.xyz",
                                        "ref/optbench/pt_heptamer/reactant.extxyz", NULL};
    if (!tu_shared_dir()) {
        fprintf(stderr, "test_shared_files: PESX_SHARED not found, skipped\n");
        return;
    }
    for (int k = 0; files[k]; k++) {
        char path[4096], *text, *line, *save = NULL;
        size_t len, frozen = 0, lineno = 0;
        pesx_frame f;
        int move_mask;
        tu_shared_path(path, sizeof path, files[k]);
        if (access(path, R_OK) != 0) {
            fprintf(stderr, "test_shared_files: %s not found, skipped\n", path);
            continue;
        }
        text = tu_slurp(path, &len);
        move_mask = strstr(text, "move_mask:L:1") != NULL;
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char sym[8], flag[8];
            double x, y, z;
            if (++lineno <= 2)
                continue;
            ck_assert(sscanf(line, "%7s %lf %lf %lf %7s", sym, &x, &y, &z, flag) == 5);
            frozen += move_mask ? strcmp(flag, "F") == 0 : strcmp(flag, "1") == 0;
        }
        free(text);
        pesx_frame_init(&f);
        ck_assert_int_eq(pesx_xyz_read_frame(path, -1, &f), PESX_OK);
        ck_assert_uint_eq(f.atoms->n, lineno - 2);
        ck_assert_uint_eq(f.atoms->n - pesx_atoms_n_free(f.atoms), frozen);
        ck_assert_msg(frozen > 0, "%s: expected frozen atoms", path);
        ck_assert(f.atoms->has_cell && f.atoms->pbc[0] && f.atoms->pbc[1] && !f.atoms->pbc[2]);
        ck_assert_int_eq(f.has_energy, 1);
        pesx_frame_release(&f);
    }
}
END_TEST

/* ---- format variants --------------------------------------------------- */

START_TEST(test_plain)
{
    pesx_frame *f;
    size_t n;
    read_all_ok(xyz_path("good_plain.xyz"), &f, &n);
    ck_assert_uint_eq(n, 2); /* trailing blank lines are no frame */
    ck_assert_uint_eq(f[0].atoms->n, 3);
    ck_assert(f[0].atoms->z[0] == 8 && f[0].atoms->z[1] == 1);
    ck_assert_int_eq(f[0].atoms->z[2], 1); /* atomic number as the species */
    ck_assert(same_double(f[0].atoms->x[2], 0.119262));
    ck_assert(same_double(f[0].atoms->x[3 * 2 + 1], -0.763239));
    ck_assert_int_eq(f[0].atoms->has_cell, 0);
    ck_assert_int_eq(f[0].has_energy, 0);
    ck_assert_int_eq(f[0].has_forces, 0);
    ck_assert_uint_eq(f[0].n_extra, 0);
    info_is(&f[0], "comment", "water, B3LYP geometry (from a plain XYZ file)");
    ck_assert_int_eq(f[1].line, 6);
    ck_assert_str_eq(f[1].info, ""); /* empty comment line */
    ck_assert(f[1].atoms->z[0] == 17 && f[1].atoms->z[1] == 17);
    ck_assert(same_double(f[1].atoms->x[5], 1.988));
    pesx_frames_free(f, n);
}
END_TEST

START_TEST(test_crlf)
{
    pesx_frame *f;
    size_t n;
    read_all_ok(xyz_path("good_crlf.xyz"), &f, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert(f[0].atoms->z[0] == 28 && f[0].atoms->n == 2);
    ck_assert(f[0].atoms->pbc[0] && f[0].atoms->pbc[1] && !f[0].atoms->pbc[2]);
    ck_assert(f[0].atoms->cell[8] == 4.0);
    ck_assert(same_double(f[0].energy, -1.25));
    ck_assert(same_double(f[0].forces[5], -0.25)); /* last column before the CR */
    ck_assert_str_eq(f[0].info, "");
    pesx_frames_free(f, n);
}
END_TEST

START_TEST(test_variants)
{
    pesx_frame *f;
    size_t n;
    const double *v;
    int cols;
    read_all_ok(xyz_path("good_variants.xyz"), &f, &n);
    ck_assert_uint_eq(n, 3);
    /* Lattice=[...] with commas, pbc=[T, T, F], "energy = -3.5", fixed:I:1 */
    ck_assert(f[0].atoms->has_cell && f[0].atoms->cell[0] == 4.0 && f[0].atoms->cell[8] == 4.0);
    ck_assert(f[0].atoms->pbc[0] && f[0].atoms->pbc[1] && !f[0].atoms->pbc[2]);
    ck_assert(f[0].has_energy && f[0].energy == -3.5);
    ck_assert(f[0].atoms->fixed[0] == 1 && f[0].atoms->fixed[1] == 0);
    ck_assert_uint_eq(f[0].n_extra, 0);
    info_is(&f[0], "name", "two words");
    info_is(&f[0], "converged", "T");
    info_is(&f[0], "note", "a b");
    info_is(&f[0], "said", "say \"hi\"");
    info_is(&f[0], "step", "7");
    /* verbatim, minus the interpreted keys */
    ck_assert_str_eq(f[0].info, "name='two words' converged note={a b} said=\"say \\\"hi\\\"\" step=7");

    /* Lattice without pbc: periodic in all three; Z only; move_mask:L:3 */
    ck_assert(f[1].atoms->pbc[0] && f[1].atoms->pbc[1] && f[1].atoms->pbc[2]);
    ck_assert(f[1].atoms->z[0] == 29 && f[1].atoms->z[2] == 8);
    ck_assert(f[1].atoms->fixed[0] == 0 && f[1].atoms->fixed[1] == 1 && f[1].atoms->fixed[2] == 0);

    /* L extra kept as 0/1, S column skipped, R:3 kept, fixed:L:1 */
    ck_assert(!f[2].atoms->has_cell && !f[2].atoms->pbc[0]);
    ck_assert_uint_eq(f[2].n_extra, 2);
    v = pesx_frame_get_extra(&f[2], "selected", &cols);
    ck_assert(v && cols == 1 && v[0] == 1 && v[1] == 0);
    ck_assert_ptr_null(pesx_frame_get_extra(&f[2], "label", NULL));
    v = pesx_frame_get_extra(&f[2], "velo", &cols);
    ck_assert(v && cols == 3 && v[0] == 0.1 && v[5] == -0.3);
    ck_assert(f[2].atoms->fixed[0] == 0 && f[2].atoms->fixed[1] == 1);
    pesx_frames_free(f, n);
}
END_TEST

START_TEST(test_ovito_style)
{
    pesx_frame f;
    const double *pe, *id;
    pesx_frame_init(&f);
    ck_assert_int_eq(pesx_xyz_read_frame(xyz_path("good_ovito_style.xyz"), -1, &f), PESX_OK);
    ck_assert(f.atoms->n == 2 && f.atoms->z[0] == 18);
    ck_assert(f.atoms->x[0] == 1.0 && f.atoms->x[5] == 6.0);
    ck_assert(f.atoms->pbc[0] && f.atoms->pbc[2]);
    pe = pesx_frame_get_extra(&f, "c_pe", NULL);
    id = pesx_frame_get_extra(&f, "id", NULL);
    ck_assert(pe && pe[1] == -0.0099 && id && id[1] == 2);
    info_is(&f, "Origin", "0.0 0.0 0.0");
    info_is(&f, "Time", "100.0");
    pesx_frame_release(&f);
}
END_TEST

START_TEST(test_optbench_fixed)
{
    pesx_frame f;
    pesx_frame_init(&f);
    ck_assert_int_eq(pesx_xyz_read_frame(xyz_path("good_optbench.xyz"), 0, &f), PESX_OK);
    ck_assert(f.atoms->fixed[0] == 0 && f.atoms->fixed[1] == 1 && f.atoms->fixed[2] == 1);
    ck_assert(same_double(f.energy, -1775.77872406));
    ck_assert(same_double(f.atoms->cell[4], 19.0118));
    info_is(&f, "potential", "morse_pt");
    pesx_frame_release(&f);
}
END_TEST

START_TEST(test_read_frame_index)
{
    static const long index[] = {0, 1, 2, -1, -2, -3};
    static const size_t want_n[] = {12, 3, 4, 4, 3, 12};
    const char *path = xyz_path("ase_written.xyz");
    pesx_frame f;
    pesx_frame_init(&f);
    for (int k = 0; k < 6; k++) {
        ck_assert_int_eq(pesx_xyz_read_frame(path, index[k], &f), PESX_OK);
        ck_assert_uint_eq(f.atoms->n, want_n[k]);
        pesx_frame_release(&f);
    }
    ck_assert_int_eq(pesx_xyz_read_frame(path, 3, &f), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "has 3 frames"));
    ck_assert_ptr_null(f.atoms);
    ck_assert_int_eq(pesx_xyz_read_frame(path, -4, &f), PESX_EINVAL);
    ck_assert_int_eq(pesx_xyz_read_frame(xyz_path("bad_empty.xyz"), -1, &f), PESX_EINVAL);
    ck_assert_int_eq(pesx_xyz_read_frame(xyz_path("no_such_file.xyz"), 0, &f), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "cannot open"));
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->file, "no_such_file.xyz"));
    ck_assert_int_eq(pesx_xyz_read_frame(".", 0, &f), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "is a directory"));
}
END_TEST

START_TEST(test_stream)
{
    pesx_xyz_reader *r = pesx_xyz_open(xyz_path("ase_written.xyz"));
    pesx_frame f;
    int got = 0;
    size_t atoms = 0, frames = 0;
    ck_assert_ptr_nonnull(r);
    pesx_frame_init(&f);
    while (pesx_xyz_next(r, &f, &got) == PESX_OK && got) {
        frames++;
        atoms += f.atoms->n;
    }
    ck_assert_int_eq(got, 0);
    ck_assert(frames == 3 && atoms == 19);
    ck_assert_ptr_null(f.atoms); /* released at the end */
    ck_assert_int_eq(pesx_xyz_next(r, &f, &got), PESX_OK); /* still the end */
    ck_assert_int_eq(got, 0);
    pesx_xyz_close(r);
    pesx_xyz_close(NULL);

    /* an error is sticky: the reader does not resynchronise */
    r = pesx_xyz_open(xyz_path("bad_second_frame.xyz"));
    ck_assert_int_eq(pesx_xyz_next(r, &f, &got), PESX_OK);
    ck_assert_int_eq(got, 1);
    ck_assert_int_eq(pesx_xyz_next(r, &f, &got), PESX_EINVAL);
    ck_assert_int_eq(got, 0);
    ck_assert_ptr_null(f.atoms);
    pesx_error_clear();
    ck_assert_int_eq(pesx_xyz_next(r, &f, &got), PESX_EINVAL);
    ck_assert_int_eq(pesx_error_last()->line, 6); /* the same error again */
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "'0.5x' is not a finite number"));
    pesx_xyz_close(r);
}
END_TEST

/* ---- bad input ------------------------------------------------------------ */

static const struct {
    const char *file;
    long line;         /* expected error line (0: the whole file) */
    const char *what;  /* expected part of the message */
} bad[] = {
    {"bad_empty.xyz", 0, "empty file"},
    {"bad_blank_only.xyz", 0, "empty file"},
    {"bad_count_word.xyz", 1, "expected the number of atoms, found 'three'"},
    {"bad_count_negative.xyz", 1, "at least one atom"},
    {"bad_count_zero.xyz", 1, "at least one atom"},
    {"bad_count_huge.xyz", 1, "too large"},
    {"bad_count_overflow.xyz", 1, "too large"},
    {"bad_count_float.xyz", 1, "expected the number of atoms, found '3.0'"},
    {"bad_truncated.xyz", 1, "truncated frame: 3 atoms declared, but the file ends after 2"},
    {"bad_truncated_header.xyz", 1, "before the comment line"},
    {"bad_too_few_declared.xyz", 5, "declare too few atoms"},
    {"bad_blank_atom_line.xyz", 4, "atom line 2 has 0 columns"},
    {"bad_coord_word.xyz", 4, "'zero' is not a finite number"},
    {"bad_coord_nan.xyz", 5, "'nan' is not a finite number"},
    {"bad_coord_inf.xyz", 3, "'inf' is not a finite number"},
    {"bad_coord_missing.xyz", 4, "has 3 columns"},
    {"bad_element.xyz", 4, "unknown element 'Qq'"},
    {"bad_element_ext.xyz", 4, "unknown element 'He1'"},
    {"bad_lattice_8.xyz", 2, "not 9 finite numbers"},
    {"bad_lattice_10.xyz", 2, "not 9 finite numbers"},
    {"bad_lattice_word.xyz", 2, "not 9 finite numbers"},
    {"bad_lattice_nan.xyz", 2, "not 9 finite numbers"},
    {"bad_lattice_singular.xyz", 2, "Lattice with pbc=\"T T T\": singular cell"},
    {"bad_lattice_zero.xyz", 2, "periodic lattice vector c is zero"},
    {"bad_lattice_parallel.xyz", 2, "vectors a and b are parallel"},
    {"bad_lattice_unterminated.xyz", 2, "unterminated quote"},
    {"bad_props_columns.xyz", 4, "has 6 columns, but Properties=species:S:1:pos:R:3:forces:R:3 declares 7"},
    {"bad_props_extra_column.xyz", 3, "has 5 columns"},
    {"bad_props_triple.xyz", 2, "NAME:TYPE:NCOLS"},
    {"bad_props_type.xyz", 2, "has type 'Q'"},
    {"bad_props_ncols.xyz", 2, "column count 'three'"},
    {"bad_props_pos_shape.xyz", 2, "pos:R:2, but pos is read as pos:R:3"},
    {"bad_props_no_pos.xyz", 2, "no pos:R:3 column"},
    {"bad_props_no_species.xyz", 2, "neither species:S:1 nor Z:I:1"},
    {"bad_props_twice.xyz", 2, "listed twice"},
    {"bad_energy.xyz", 2, "energy=nan is not a finite number"},
    {"bad_energy_word.xyz", 2, "energy=low is not a finite number"},
    {"bad_pbc_no_lattice.xyz", 2, "periodic but there is no Lattice"},
    {"bad_pbc_value.xyz", 2, "pbc=\"T X F\""},
    {"bad_pbc_count.xyz", 2, "pbc=\"T T\""},
    {"bad_move_mask_partial.xyz", 3, "fixes only some directions"},
    {"bad_move_mask_value.xyz", 3, "'maybe' is not T or F"},
    {"bad_fixed_value.xyz", 3, "fixed=2"},
    {"bad_int_column.xyz", 3, "'1.5' is not an integer"},
    {"bad_z_mismatch.xyz", 3, "species Al disagrees with Z=29"},
    {"bad_duplicate_lattice.xyz", 2, "Lattice is given 2 times"},
    {"bad_nul.xyz", 3, "NUL byte"},
    {"bad_cr_only.xyz", 1, "carriage return inside a line"},
    {"bad_cr_comment.xyz", 2, "carriage return inside a line"},
    {"bad_second_frame.xyz", 6, "'0.5x' is not a finite number"},
};

START_TEST(test_bad_input)
{
    const char *path = xyz_path(bad[_i].file);
    const pesx_error *e;
    pesx_frame *frames = (pesx_frame *)&frames; /* must be reset to NULL */
    pesx_frame f;
    size_t n = 99;
    char msg[2048];

    pesx_error_clear();
    ck_assert_int_eq(pesx_xyz_read_all(path, &frames, &n), PESX_EINVAL);
    ck_assert_ptr_null(frames);
    ck_assert_uint_eq(n, 0);
    e = pesx_error_last();
    pesx_error_format(e, msg, sizeof msg);
    ck_assert_int_eq(e->code, PESX_EINVAL);
    ck_assert_msg(strcmp(e->file, path) == 0, "%s: error names file '%s'", bad[_i].file, e->file);
    ck_assert_msg(e->line == bad[_i].line, "%s: error at line %ld, expected %ld (%s)",
                  bad[_i].file, e->line, bad[_i].line, msg);
    ck_assert_msg(strstr(e->msg, bad[_i].what) != NULL, "%s: message '%s' lacks '%s'",
                  bad[_i].file, e->msg, bad[_i].what);

    /* the same error through read_frame(-1) */
    pesx_frame_init(&f);
    ck_assert_int_eq(pesx_xyz_read_frame(path, -1, &f), PESX_EINVAL);
    ck_assert_ptr_null(f.atoms);
    ck_assert_int_eq(pesx_error_last()->line, bad[_i].line);
}
END_TEST

/* ---- writing -------------------------------------------------------------- */

/* A frame with awkward numbers in every field the writer knows. */
static void make_frame(pesx_frame *f, int variant)
{
    static const double awkward[] = {0.1, 1.0 / 3.0, -0.0, 5e-324, 1.7976931348623157e308,
                                     -2.5e-17, 3.141592653589793, 1e22, -7.0, 123456.789};
    const size_t n = 5;
    double extra2[10], tags[5], mask[5];
    pesx_frame_init(f);
    f->atoms = pesx_atoms_alloc(n);
    ck_assert_ptr_nonnull(f->atoms);
    for (size_t i = 0; i < n; i++) {
        f->atoms->z[i] = (int)(1 + (i * 37 + (size_t)variant) % 86);
        for (int k = 0; k < 3; k++)
            f->atoms->x[3 * i + (size_t)k] = awkward[(3 * i + (size_t)k + (size_t)variant) % 10] *
                                            (k == 1 ? -1 : 1);
        f->atoms->fixed[i] = (i + (size_t)variant) % 3 == 0;
        extra2[2 * i] = awkward[(i + 3) % 10];
        extra2[2 * i + 1] = (double)i / 7.0;
        tags[i] = (double)i - 2;
        mask[i] = i % 2;
    }
    if (variant != 1) { /* variant 1: a molecule, no cell */
        const double cell[9] = {5.1, 0.0, 0.0, 2.55, 4.416729559300637, 0.0,
                                0.3, -0.2, 10.0};
        memcpy(f->atoms->cell, cell, sizeof cell);
        f->atoms->has_cell = 1;
        f->atoms->pbc[0] = 1;
        f->atoms->pbc[1] = variant == 0 ? 0 : 1;
        f->atoms->pbc[2] = 1;
    }
    f->has_energy = 1;
    f->energy = -1234.5678901234567 - variant;
    f->has_forces = variant != 2;
    if (f->has_forces) {
        f->forces = malloc(3 * n * sizeof *f->forces);
        for (size_t k = 0; k < 3 * n; k++)
            f->forces[k] = (double)k / 3.0 - 2.2;
    }
    ck_assert_int_eq(pesx_frame_set_extra(f, "mode", 2, extra2), PESX_OK);
    ck_assert_int_eq(pesx_frame_set_extra(f, "tags", 1, tags), PESX_OK);
    f->extra_type[1] = 'I';
    ck_assert_int_eq(pesx_frame_set_extra(f, "flag", 1, mask), PESX_OK);
    f->extra_type[2] = 'L';
    ck_assert_int_eq(pesx_frame_add_info(f, "comment", "image 3 of 7, \"climbing\" \\ done"), PESX_OK);
    ck_assert_int_eq(pesx_frame_add_info(f, "step", "42"), PESX_OK);
    ck_assert_int_eq(pesx_frame_add_info(f, "converged", NULL), PESX_OK);
}

static void assert_same_frame(const pesx_frame *a, const pesx_frame *b)
{
    const pesx_atoms *x = a->atoms, *y = b->atoms;
    ck_assert_uint_eq(x->n, y->n);
    for (size_t i = 0; i < x->n; i++) {
        ck_assert_int_eq(x->z[i], y->z[i]);
        ck_assert_int_eq(!!x->fixed[i], !!y->fixed[i]);
        for (int k = 0; k < 3; k++)
            ck_assert_msg(same_double(x->x[3 * i + (size_t)k], y->x[3 * i + (size_t)k]),
                          "x[%zu] %.17g != %.17g", 3 * i + (size_t)k, x->x[3 * i + (size_t)k],
                          y->x[3 * i + (size_t)k]);
    }
    ck_assert_int_eq(x->has_cell, y->has_cell);
    if (x->has_cell)
        for (int k = 0; k < 9; k++)
            ck_assert(same_double(x->cell[k], y->cell[k]));
    for (int k = 0; k < 3; k++)
        ck_assert_int_eq(x->pbc[k], y->pbc[k]);
    ck_assert_int_eq(a->has_energy, b->has_energy);
    if (a->has_energy)
        ck_assert(same_double(a->energy, b->energy));
    ck_assert_int_eq(a->has_forces, b->has_forces);
    if (a->has_forces)
        for (size_t k = 0; k < 3 * x->n; k++)
            ck_assert(same_double(a->forces[k], b->forces[k]));
    ck_assert_uint_eq(a->n_extra, b->n_extra);
    for (size_t e = 0; e < a->n_extra; e++) {
        int cols = 0;
        const double *v = pesx_frame_get_extra(b, a->extra_name[e], &cols);
        ck_assert_msg(v != NULL, "extra %s lost", a->extra_name[e]);
        ck_assert_int_eq(cols, a->extra_cols[e]);
        for (size_t k = 0; k < x->n * (size_t)cols; k++)
            ck_assert(same_double(a->extra[e][k], v[k]));
    }
    ck_assert_str_eq(a->info ? a->info : "", b->info ? b->info : "");
}

START_TEST(test_write_round_trip)
{
    pesx_frame in[3], *out;
    size_t n;
    const char *path = tmp_path("rt"), *path2 = tmp_path("rt2");
    char *text1, *text2;
    size_t len1, len2;
    for (int v = 0; v < 3; v++)
        make_frame(&in[v], v);
    ck_assert_int_eq(pesx_xyz_write_file(path, in, 3), PESX_OK);
    read_all_ok(path, &out, &n);
    ck_assert_uint_eq(n, 3);
    for (int v = 0; v < 3; v++)
        assert_same_frame(&in[v], &out[v]);
    /* types of the extra columns survive */
    ck_assert(out[0].extra_type[0] == 'R' && out[0].extra_type[1] == 'I' &&
              out[0].extra_type[2] == 'L');
    info_is(&out[0], "comment", "image 3 of 7, \"climbing\" \\ done");
    /* write(read(write(x))) is the same text */
    ck_assert_int_eq(pesx_xyz_write_file(path2, out, n), PESX_OK);
    text1 = tu_slurp(path, &len1);
    text2 = tu_slurp(path2, &len2);
    ck_assert_str_eq(text1, text2);
    /* the comment line of frame 0 */
    ck_assert_ptr_nonnull(strstr(text1, "Properties=species:S:1:pos:R:3:forces:R:3:move_mask:L:1:mode:R:2:tags:I:1:flag:L:1 energy=-1234.5678901234567 comment=\"image 3 of 7, \\\"climbing\\\" \\\\ done\" step=42 converged pbc=\"T F T\"\n"));
    ck_assert_ptr_nonnull(strstr(text1, "Lattice=\"5.1 0.0 0.0 2.55 4.416729559300637 0.0 0.3 -0.2 10.0\""));
    ck_assert_ptr_nonnull(strstr(text1, " 0.1 "));      /* shortest round-trip text */
    ck_assert_ptr_nonnull(strstr(text1, " 4.94065645841247e-324")); /* 15 digits suffice */
    ck_assert_ptr_nonnull(strstr(text1, " -0.0 "));
    ck_assert_ptr_nonnull(strstr(text1, " -0.3333333333333333 "));
    free(text1);
    free(text2);
    pesx_frames_free(out, n);
    for (int v = 0; v < 3; v++)
        pesx_frame_release(&in[v]);
    unlink(path);
    unlink(path2);
}
END_TEST

START_TEST(test_write_ase_fixture_back)
{
    /* everything read from ASE's files is written back the same way */
    static const char *const files[] = {"ase_written.xyz", "ase_move_mask.xyz",
                                        "good_variants.xyz", "good_ovito_style.xyz",
                                        "good_plain.xyz", NULL};
    for (int k = 0; files[k]; k++) {
        pesx_frame *a, *b;
        size_t na, nb;
        const char *path = tmp_path("back");
        read_all_ok(xyz_path(files[k]), &a, &na);
        ck_assert_int_eq(pesx_xyz_write_file(path, a, na), PESX_OK);
        read_all_ok(path, &b, &nb);
        ck_assert_uint_eq(na, nb);
        for (size_t i = 0; i < na; i++)
            assert_same_frame(&a[i], &b[i]);
        if (k == 1) {
            size_t len;
            char *text = tu_slurp(path, &len);
            ck_assert_ptr_nonnull(strstr(text, ":move_mask:L:1:tags:I:1 "));
            ck_assert_ptr_nonnull(strstr(text, "comment=\"Al(111) slab, EMT\" step=3 pbc=\"T T F\""));
            free(text);
        }
        pesx_frames_free(a, na);
        pesx_frames_free(b, nb);
        unlink(path);
    }
}
END_TEST

START_TEST(test_write_rejects)
{
    pesx_frame f;
    const char *path = tmp_path("rej");
    FILE *fp;
    char *text;
    size_t len;

    /* an existing file stays untouched when a write is refused */
    fp = fopen(path, "w");
    fputs("keep me\n", fp);
    fclose(fp);

    make_frame(&f, 0);
    f.atoms->x[4] = NAN;
    ck_assert_int_eq(pesx_xyz_write_file(path, &f, 1), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "not finite"));
    f.atoms->x[4] = 1.0;
    f.atoms->has_cell = 0;
    ck_assert_int_eq(pesx_xyz_write_file(path, &f, 1), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "periodic but the structure has no cell"));
    f.atoms->has_cell = 1;
    f.atoms->cell[6] = f.atoms->cell[0];
    f.atoms->cell[7] = f.atoms->cell[1];
    f.atoms->cell[8] = f.atoms->cell[2];
    ck_assert_int_eq(pesx_xyz_write_file(path, &f, 1), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "singular"));
    f.atoms->cell[8] = 10.0;
    f.atoms->z[2] = 250;
    ck_assert_int_eq(pesx_xyz_write_file(path, &f, 1), PESX_EINVAL);
    f.atoms->z[2] = 0; /* a dummy atom is written as X and read back */
    f.energy = INFINITY;
    ck_assert_int_eq(pesx_xyz_write_file(path, &f, 1), PESX_EINVAL);
    f.energy = 1.0;
    ck_assert_int_eq(pesx_xyz_write_file(path, &f, 0), PESX_EINVAL);
    {
        /* info set by hand must read back as the same entries */
        static const char *const bad_info[] = {"a=\"unbalanced", "energy=1", "x=1 Lattice=\"1\"",
                                               "ends=", "slash\\", NULL};
        char *saved = f.info;
        for (int k = 0; bad_info[k]; k++) {
            f.info = (char *)bad_info[k];
            ck_assert_msg(pesx_xyz_write_file(path, &f, 1) == PESX_EINVAL, "info '%s' written",
                          bad_info[k]);
        }
        f.info = saved;
    }
    text = tu_slurp(path, &len);
    ck_assert_str_eq(text, "keep me\n");
    free(text);

    /* info: reserved keys and line breaks refused, a repeated key replaced */
    ck_assert_int_eq(pesx_frame_add_info(&f, "Lattice", "1 0 0"), PESX_EINVAL);
    ck_assert_int_eq(pesx_frame_add_info(&f, "energy", "1"), PESX_EINVAL);
    ck_assert_int_eq(pesx_frame_add_info(&f, "pbc", "T"), PESX_EINVAL);
    ck_assert_int_eq(pesx_frame_add_info(&f, "bad key", "1"), PESX_EINVAL);
    ck_assert_int_eq(pesx_frame_add_info(&f, "note", "two\nlines"), PESX_EINVAL);
    ck_assert_int_eq(pesx_frame_add_info(&f, "step", "43"), PESX_OK);
    ck_assert_str_eq(f.info, "comment=\"image 3 of 7, \\\"climbing\\\" \\\\ done\" converged step=43");
    /* extra columns: reserved names refused, a repeated name replaced */
    ck_assert_int_eq(pesx_frame_set_extra(&f, "forces", 3, f.atoms->x), PESX_EINVAL);
    ck_assert_int_eq(pesx_frame_set_extra(&f, "a:b", 1, f.atoms->x), PESX_EINVAL);
    ck_assert_int_eq(pesx_frame_set_extra(&f, "mode", 3, f.atoms->x), PESX_OK);
    ck_assert_uint_eq(f.n_extra, 3);
    for (int k = 0; k < PESX_FRAME_MAX_EXTRA - 3; k++) {
        char name[16];
        snprintf(name, sizeof name, "col%d", k);
        ck_assert_int_eq(pesx_frame_set_extra(&f, name, 1, f.atoms->x), PESX_OK);
    }
    ck_assert_int_eq(pesx_frame_set_extra(&f, "one_too_many", 1, f.atoms->x), PESX_EINVAL);

    ck_assert_int_eq(pesx_xyz_write_file(path, &f, 1), PESX_OK);
    {
        pesx_frame g, h;
        pesx_frame_init(&g);
        ck_assert_int_eq(pesx_xyz_read_frame(path, 0, &g), PESX_OK);
        ck_assert_int_eq(g.atoms->z[2], 0);
        assert_same_frame(&f, &g);
        ck_assert_int_eq(pesx_frame_copy(&h, &g), PESX_OK);
        assert_same_frame(&g, &h);
        pesx_frame_release(&g);
        pesx_frame_release(&h);
    }
    ck_assert_int_eq(pesx_xyz_write_file("/nonexistent-dir/x.xyz", &f, 1), PESX_EWRITE);
    pesx_frame_release(&f);
    unlink(path);
}
END_TEST

/* ---- robustness: random mutations of a valid file ------------------------ */

/* Read every frame of BUF[0..len) from memory: PESX_OK or the error. */
static int read_memory(const char *buf, size_t len, pesx_frame **frames, size_t *n)
{
    FILE *fp = fmemopen((void *)buf, len ? len : 1, "r");
    pesx_xyz_reader *r;
    pesx_frame *list = NULL;
    size_t count = 0;
    int status = PESX_OK, got = 0;
    ck_assert_ptr_nonnull(fp);
    if (len == 0) { /* fmemopen needs a size; an empty buffer is an empty file */
        fclose(fp);
        fp = fopen("/dev/null", "r");
    }
    r = pesx_xyz_open_fp(fp, "fuzz.xyz");
    ck_assert_ptr_nonnull(r);
    for (;;) {
        list = realloc(list, (count + 1) * sizeof *list);
        pesx_frame_init(&list[count]);
        if ((status = pesx_xyz_next(r, &list[count], &got)) || !got)
            break;
        count++;
    }
    pesx_xyz_close(r);
    fclose(fp);
    *frames = list;
    *n = count;
    return status;
}

/* Lattice and pbc in the forms ASE accepts. */
START_TEST(test_pbc_forms)
{
    static const struct {
        const char *header;
        int has_cell, pbc[3];
    } cases[] = {
        {"Lattice=\"10 0 0 0 10 0 0 0 10\" pbc=\"F F F\"", 1, {0, 0, 0}}, /* a box, open */
        {"Lattice=\"10 0 0 0 10 0 0 0 10\"", 1, {1, 1, 1}},              /* ASE's default */
        {"Lattice=\"10 0 0 0 10 0 0 0 10\" pbc=T", 1, {1, 1, 1}},
        {"Lattice=\"10 0 0 0 10 0 0 0 10\" pbc", 1, {1, 1, 1}},          /* bare key = T */
        {"Lattice=\"10 0 0 0 10 0 0 0 10\" pbc=\"1 0 1\"", 1, {1, 0, 1}},
        {"Lattice={10 0 0 0 10 0 0 0 10} pbc={F T F}", 1, {0, 1, 0}},
        {"lattice=\"10 0 0 0 10 0 0 0 10\" PBC=\"True False True\"", 1, {1, 0, 1}},
        {"pbc=\"F F F\"", 0, {0, 0, 0}},
        /* ASE's 2D cells: zero (or any) vector along an open direction */
        {"Lattice=\"5 0 0 0 5 0 0 0 0\" pbc=\"T T F\"", 1, {1, 1, 0}},
        {"Lattice=\"5 0 0 0 0 0 0 0 0\" pbc=\"T F F\"", 1, {1, 0, 0}},
        {"Lattice=\"0 0 0 0 0 0 0 0 0\" pbc=\"F F F\"", 1, {0, 0, 0}},
        {"pbc=F", 0, {0, 0, 0}},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char text[256], *out = NULL;
        size_t len, n = 0, n2 = 0, out_len = 0;
        pesx_frame *frames = NULL, *again = NULL;
        FILE *mem;
        len = (size_t)snprintf(text, sizeof text,
                               "1\n%s Properties=species:S:1:pos:R:3\nAr 1 2 3\n",
                               cases[k].header);
        ck_assert_msg(read_memory(text, len, &frames, &n) == PESX_OK, "%s: %s", cases[k].header,
                      pesx_error_last()->msg);
        ck_assert_int_eq(frames[0].atoms->has_cell, cases[k].has_cell);
        for (int d = 0; d < 3; d++)
            ck_assert_msg(frames[0].atoms->pbc[d] == cases[k].pbc[d], "%s: pbc[%d]",
                          cases[k].header, d);
        ck_assert_str_eq(frames[0].info, "");
        mem = open_memstream(&out, &out_len);
        ck_assert_int_eq(pesx_xyz_write(mem, &frames[0]), PESX_OK);
        fclose(mem);
        ck_assert_int_eq(read_memory(out, out_len, &again, &n2), PESX_OK);
        assert_same_frame(&frames[0], &again[0]);
        free(out);
        pesx_frames_free(frames, n + 1);
        pesx_frames_free(again, n2 + 1);
    }
}
END_TEST

START_TEST(test_fuzz)
{
    static const char alphabet[] = "0123456789.-+eE \t\n\r\"'=:[]{},TFHOXQnai\\\x01\xff";
    /* valid files to mutate: each iteration concatenates one to three */
    static const char *const sources[] = {"ase_move_mask.xyz", "good_variants.xyz",
                                          "good_plain.xyz", "good_crlf.xyz",
                                          "good_ovito_style.xyz", "good_optbench.xyz"};
    enum { NSRC = sizeof sources / sizeof sources[0] };
    char *text[NSRC], *base, *buf;
    size_t text_len[NSRC], cap = 0, ok = 0, einval = 0;
    pesx_rng rng;
    const char *env = getenv("PESX_FUZZ_ITER"); /* longer runs by hand */
    const char *seed = getenv("PESX_FUZZ_SEED");
    int iters = env && atoi(env) > 0 ? atoi(env) : 4000;
    for (int k = 0; k < NSRC; k++) {
        text[k] = tu_slurp(xyz_path(sources[k]), &text_len[k]);
        cap += text_len[k];
    }
    base = malloc(3 * cap + 1);
    buf = malloc(6 * cap + 64);
    pesx_rng_seed(&rng, seed ? strtoull(seed, NULL, 10) : 20261126);

    for (int iter = 0; iter < iters; iter++) {
        size_t base_len = 0, len, n = 0;
        pesx_frame *frames = NULL;
        int nmut = 1 + (int)(pesx_rng_next(&rng) % 3), status;
        int nsrc = 1 + (int)(pesx_rng_next(&rng) % 3);
        for (int k = 0; k < nsrc; k++) {
            int j = (int)(pesx_rng_next(&rng) % NSRC);
            memcpy(base + base_len, text[j], text_len[j]);
            base_len += text_len[j];
        }
        len = base_len;
        memcpy(buf, base, base_len);
        for (int m = 0; m < nmut && len > 0; m++) {
            size_t pos = pesx_rng_next(&rng) % len, span;
            switch (pesx_rng_next(&rng) % 6) {
            case 0: /* replace a byte */
                buf[pos] = alphabet[pesx_rng_next(&rng) % (sizeof alphabet - 1)];
                break;
            case 1: /* any byte at all, NUL included */
                buf[pos] = (char)(pesx_rng_next(&rng) & 0xff);
                break;
            case 2: /* delete a short span */
                span = 1 + pesx_rng_next(&rng) % 8;
                if (span > len - pos)
                    span = len - pos;
                memmove(buf + pos, buf + pos + span, len - pos - span);
                len -= span;
                break;
            case 3: /* insert a character */
                if (len < 2 * base_len + 32) {
                    memmove(buf + pos + 1, buf + pos, len - pos);
                    buf[pos] = alphabet[pesx_rng_next(&rng) % (sizeof alphabet - 1)];
                    len++;
                }
                break;
            case 4: /* truncate */
                len = pos;
                break;
            case 5: /* duplicate a span (lines shift: counts go wrong) */
                span = 1 + pesx_rng_next(&rng) % 40;
                if (span > len - pos)
                    span = len - pos;
                if (len + span < 2 * base_len + 32) {
                    memmove(buf + pos + span, buf + pos, len - pos);
                    len += span;
                }
                break;
            }
        }
        status = read_memory(buf, len, &frames, &n);
        ck_assert_msg(status == PESX_OK || status == PESX_EINVAL,
                      "iteration %d: status %d (%s)", iter, status, pesx_error_last()->msg);
        if (status == PESX_EINVAL) {
            einval++;
            ck_assert_msg(pesx_error_last()->line > 0 && pesx_error_last()->msg[0],
                          "iteration %d: error without a line: %s", iter, pesx_error_last()->msg);
            ck_assert_str_eq(pesx_error_last()->file, "fuzz.xyz");
        } else {
            /* what was read writes and reads back exactly */
            char *out = NULL;
            size_t out_len = 0, n2 = 0;
            pesx_frame *again = NULL;
            FILE *mem = open_memstream(&out, &out_len);
            ok++;
            for (size_t i = 0; i < n; i++)
                ck_assert_msg(pesx_xyz_write(mem, &frames[i]) == PESX_OK,
                              "iteration %d: cannot write back frame %zu: %s", iter, i,
                              pesx_error_last()->msg);
            fclose(mem);
            ck_assert_int_eq(read_memory(out, out_len, &again, &n2), PESX_OK);
            ck_assert_uint_eq(n2, n);
            for (size_t i = 0; i < n; i++)
                assert_same_frame(&frames[i], &again[i]);
            pesx_frames_free(again, n2 + 1);
            free(out);
        }
        pesx_frames_free(frames, n + 1);
    }
    /* the loop must exercise both outcomes */
    fprintf(stderr, "test_fuzz: %d mutated files: %zu read, %zu refused (PESX_EINVAL)\n", iters,
            ok, einval);
    ck_assert_msg(ok > (size_t)iters / 40 && einval > (size_t)iters / 4, "ok %zu, einval %zu",
                  ok, einval);
    for (int k = 0; k < NSRC; k++)
        free(text[k]);
    free(base);
    free(buf);
}
END_TEST

/* Random comment lines: quotes, brackets, escapes, '=' and the keys the
 * reader interprets, in any order.  Each must read (and then write and read
 * back the same) or be refused with a line number. */
START_TEST(test_fuzz_comment)
{
    static const char *const pieces[] = {
        "a", "b_c", "=", "\"", "'", "{", "}", "[", "]", "\\", ",", " ", "  ", "T", "F",
        "1.5", "-2", "e", "Lattice=", "pbc=", "energy=", "Properties=", "species:S:1:pos:R:3",
        "\"4 0 0 0 4 0 0 0 4\"", "\"T T F\"", "[T, F, T]", ":", "x:R:2", "\t", "\xc3\xa9"};
    pesx_rng rng;
    char comment[512], file[1024];
    size_t ok = 0;
    pesx_rng_seed(&rng, 4242);
    for (int iter = 0; iter < 3000; iter++) {
        int npieces = (int)(pesx_rng_next(&rng) % 12);
        pesx_frame *frames = NULL, *again = NULL;
        size_t n = 0, n2 = 0, len;
        int status;
        comment[0] = '\0';
        for (int k = 0; k < npieces; k++)
            strcat(comment, pieces[pesx_rng_next(&rng) % (sizeof pieces / sizeof pieces[0])]);
        len = (size_t)snprintf(file, sizeof file, "1\n%s\nH 0.5 0.25 %s\n", comment,
                               strstr(comment, "x:R:2") ? "1 2 3" : "0.125");
        status = read_memory(file, len, &frames, &n);
        ck_assert_msg(status == PESX_OK || status == PESX_EINVAL, "'%s': status %d", comment,
                      status);
        if (status == PESX_OK) {
            char *out = NULL;
            size_t out_len = 0;
            FILE *mem = open_memstream(&out, &out_len);
            ok++;
            ck_assert_uint_eq(n, 1);
            ck_assert_msg(pesx_xyz_write(mem, &frames[0]) == PESX_OK, "'%s': %s", comment,
                          pesx_error_last()->msg);
            fclose(mem);
            ck_assert_msg(read_memory(out, out_len, &again, &n2) == PESX_OK,
                          "'%s' written as '%s' does not read back: %s", comment, out,
                          pesx_error_last()->msg);
            assert_same_frame(&frames[0], &again[0]);
            pesx_frames_free(again, n2 + 1);
            free(out);
        } else {
            ck_assert_int_eq(pesx_error_last()->line, 2);
        }
        pesx_frames_free(frames, n + 1);
    }
    ck_assert_msg(ok > 300, "only %zu of 3000 comment lines read", ok);
}
END_TEST

/* Any value survives add_info -> write -> read -> get_info. */
START_TEST(test_info_values)
{
    pesx_rng rng;
    pesx_rng_seed(&rng, 99);
    for (int iter = 0; iter < 500; iter++) {
        pesx_frame f, *back = NULL;
        char value[64], got[256], *out = NULL;
        size_t len = pesx_rng_next(&rng) % 20, out_len = 0, n = 0;
        FILE *mem;
        for (size_t k = 0; k < len; k++) {
            static const char chars[] = " \t\"'{}[]=\\,:aZ9-_.\xe2\x82\xac";
            value[k] = chars[pesx_rng_next(&rng) % (sizeof chars - 1)];
        }
        value[len] = '\0';
        pesx_frame_init(&f);
        f.atoms = pesx_atoms_alloc(1);
        f.atoms->z[0] = 1;
        ck_assert_int_eq(pesx_frame_add_info(&f, "first", "1"), PESX_OK);
        ck_assert_int_eq(pesx_frame_add_info(&f, "v", value), PESX_OK);
        ck_assert_int_eq(pesx_frame_add_info(&f, "last", "x y"), PESX_OK);
        mem = open_memstream(&out, &out_len);
        ck_assert_int_eq(pesx_xyz_write(mem, &f), PESX_OK);
        fclose(mem);
        ck_assert_msg(read_memory(out, out_len, &back, &n) == PESX_OK, "value '%s': %s", value,
                      pesx_error_last()->msg);
        ck_assert_int_eq(pesx_frame_get_info(&back[0], "v", got, sizeof got), 1);
        ck_assert_msg(strcmp(got, value) == 0, "value '%s' came back as '%s' (%s)", value, got,
                      out);
        ck_assert_int_eq(pesx_frame_get_info(&back[0], "last", got, sizeof got), 1);
        ck_assert_str_eq(got, "x y");
        pesx_frames_free(back, n + 1);
        pesx_frame_release(&f);
        free(out);
    }
}
END_TEST

/* ---- suite ------------------------------------------------------------- */

START_TEST(test_xml_escape)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(fp);
    pesx_xml_put_escaped(fp, "a&b<c>d\"e'f\tg\nh\ri\001j\xc3\xa9");
    fclose(fp);
    /* UTF-8 passes through; a control character XML cannot hold becomes a blank. */
    ck_assert_str_eq(buf, "a&amp;b&lt;c&gt;d&quot;e&apos;f&#9;g&#10;h&#13;i j\xc3\xa9");
    free(buf);
}
END_TEST

static Suite *io_suite(void)
{
    Suite *s = suite_create("io");
    TCase *tc;

    tc = tcase_create("xyz_read");
    tcase_add_test(tc, test_ase_written);
    tcase_add_test(tc, test_ase_move_mask);
    tcase_add_test(tc, test_shared_files);
    tcase_add_test(tc, test_plain);
    tcase_add_test(tc, test_crlf);
    tcase_add_test(tc, test_variants);
    tcase_add_test(tc, test_ovito_style);
    tcase_add_test(tc, test_optbench_fixed);
    tcase_add_test(tc, test_read_frame_index);
    tcase_add_test(tc, test_stream);
    tcase_add_test(tc, test_pbc_forms);
    suite_add_tcase(s, tc);

    tc = tcase_create("xyz_bad_input");
    tcase_add_loop_test(tc, test_bad_input, 0, (int)(sizeof bad / sizeof bad[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("xyz_write");
    tcase_add_test(tc, test_write_round_trip);
    tcase_add_test(tc, test_write_ase_fixture_back);
    tcase_add_test(tc, test_write_rejects);
    suite_add_tcase(s, tc);

    tc = tcase_create("xyz_fuzz");
    tcase_add_test(tc, test_fuzz);
    tcase_add_test(tc, test_fuzz_comment);
    tcase_add_test(tc, test_info_values);
    tcase_add_test(tc, test_xml_escape);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    return tu_run_suite(io_suite());
}
