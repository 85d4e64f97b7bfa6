/* Check suite for potential.xml (io_potential.h): the plain-data model, an
 * exact write -> read -> write round trip (also of every n2p2 potential in
 * ../shared via the n2p2 reader), the hand-written example file, and bad
 * input: every error has the file, the line and a clear message. */
#include <config.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "testutil.h"
#include <pesx/io_potential.h>
#include <pesx/io_n2p2.h>

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Bitwise equality of doubles (NaN equals NaN, -0 differs from 0). */
static int same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

static void assert_same_pf(const pesx_potential_file *a, const pesx_potential_file *b)
{
    ck_assert_int_eq(a->version, b->version);
    ck_assert_uint_eq(a->n_elements, b->n_elements);
    ck_assert_uint_eq(a->n_members, b->n_members);
    ck_assert_str_eq(a->cutoff_type, b->cutoff_type);
    ck_assert(same(a->cutoff_alpha, b->cutoff_alpha));
    ck_assert_str_eq(a->scaling_mode, b->scaling_mode);
    ck_assert(same(a->smin, b->smin) && same(a->smax, b->smax));
    ck_assert(same(a->mean_energy, b->mean_energy));
    ck_assert(same(a->conv_energy, b->conv_energy));
    ck_assert_str_eq(a->source, b->source);
    ck_assert_str_eq(a->data_checksum, b->data_checksum);
    ck_assert(same(a->rmse_energy_train, b->rmse_energy_train));
    ck_assert(same(a->rmse_energy_test, b->rmse_energy_test));
    ck_assert(same(a->rmse_force_train, b->rmse_force_train));
    ck_assert(same(a->rmse_force_test, b->rmse_force_test));
    for (size_t k = 0; k < a->n_elements; k++) {
        const pesx_potential_file_element *x = &a->element[k], *y = &b->element[k];
        ck_assert_str_eq(x->symbol, y->symbol);
        ck_assert_int_eq(x->z, y->z);
        ck_assert(same(x->ref_energy, y->ref_energy));
        ck_assert_uint_eq(x->n_sf, y->n_sf);
        ck_assert_uint_eq(x->n_sizes, y->n_sizes);
        ck_assert_int_eq(x->normalize_nodes, y->normalize_nodes);
        ck_assert_uint_eq(x->n_weights, y->n_weights);
        for (size_t l = 0; l < x->n_sizes; l++)
            ck_assert_uint_eq(x->size[l], y->size[l]);
        for (size_t l = 0; l + 1 < x->n_sizes; l++)
            ck_assert_str_eq(x->activation[l], y->activation[l]);
        for (size_t s = 0; s < x->n_sf; s++) {
            const pesx_potential_file_sf *p = &x->sf[s], *q = &y->sf[s];
            ck_assert_str_eq(p->type, q->type);
            ck_assert_str_eq(p->e1, q->e1);
            ck_assert_str_eq(p->e2, q->e2);
            ck_assert_str_eq(p->sub, q->sub);
            ck_assert_uint_eq(p->n_params, q->n_params);
            for (size_t i = 0; i < p->n_params; i++) {
                ck_assert_str_eq(p->param_name[i], q->param_name[i]);
                ck_assert_msg(same(p->param[i], q->param[i]), "%s SF %zu %s: %.17g vs %.17g",
                              x->symbol, s + 1, p->param_name[i], p->param[i], q->param[i]);
            }
            ck_assert(same(p->gmin, q->gmin) && same(p->gmax, q->gmax));
            ck_assert(same(p->gmean, q->gmean) && same(p->gsigma, q->gsigma));
            ck_assert(same(p->train_min, q->train_min) && same(p->train_max, q->train_max));
        }
        for (size_t w = 0; w < a->n_members * x->n_weights; w++)
            ck_assert_msg(same(x->weights[w], y->weights[w]), "%s weight %zu: %.17g vs %.17g",
                          x->symbol, w, x->weights[w], y->weights[w]);
    }
}

/* A committee of 3 with awkward numbers everywhere. */
static void build_pf(pesx_potential_file *pf)
{
    static const size_t sh[] = {3, 4, 4, 1}, so[] = {2, 5, 1};
    pesx_rng rng;
    pesx_potential_file_init(pf);
    pf->n_members = 3;
    snprintf(pf->cutoff_type, sizeof pf->cutoff_type, "tanh3");
    pf->cutoff_alpha = 0.1;
    snprintf(pf->scaling_mode, sizeof pf->scaling_mode, "scale-center");
    pf->smin = -1.0;
    pf->smax = 1.0 / 3.0;
    pf->mean_energy = -25.521343547039809 * PESX_HARTREE_EV;
    pf->conv_energy = 242.65748255366972 / PESX_HARTREE_EV;
    snprintf(pf->source, sizeof pf->source, "test <\"quoted\" & 'apos'>");
    snprintf(pf->data_checksum, sizeof pf->data_checksum, "sha256:abc");
    snprintf(pf->date, sizeof pf->date, "2026-01-02T03:04:05Z");
    pf->rmse_energy_train = 1e-3 / 3;
    pf->rmse_force_test = 0.0;
    /* O first: the file keeps elements sorted by Z */
    pesx_potential_file_element *o = pesx_potential_file_add_element(pf, "O", 2, 3, so);
    ck_assert_ptr_nonnull(o);
    pesx_potential_file_element *h = pesx_potential_file_add_element(pf, "H", 3, 4, sh);
    ck_assert_ptr_nonnull(h);
    ck_assert_str_eq(pf->element[0].symbol, "H");
    ck_assert_str_eq(pf->element[1].symbol, "O");
    pesx_rng_seed(&rng, 11);
    for (size_t k = 0; k < 2; k++) {
        pesx_potential_file_element *e = &pf->element[k];
        e->ref_energy = k ? -432.123456789 : -13.605693122994;
        e->normalize_nodes = (int)k;
        for (size_t l = 0; l + 1 < e->n_sizes; l++)
            snprintf(e->activation[l], PESX_PF_NAME, "%s", l + 2 < e->n_sizes ? "tanh" : "linear");
        for (size_t s = 0; s < e->n_sf; s++) {
            pesx_potential_file_sf *sf = &e->sf[s];
            snprintf(sf->type, sizeof sf->type, "%s", s == 2 ? "22" : "2");
            snprintf(sf->e1, sizeof sf->e1, "%s", s ? "O" : "H");
            if (s == 2) {
                snprintf(sf->e2, sizeof sf->e2, "O");
                snprintf(sf->sub, sizeof sf->sub, "p2a");
                ck_assert_int_eq(pesx_potential_file_sf_set(sf, "rl", -6.35), PESX_OK);
                ck_assert_int_eq(pesx_potential_file_sf_set(sf, "theta_l", -90), PESX_OK);
                ck_assert_int_eq(pesx_potential_file_sf_set(sf, "theta_r", 90), PESX_OK);
            } else {
                ck_assert_int_eq(pesx_potential_file_sf_set(sf, "eta", 0.001 / (PESX_BOHR_ANGSTROM * PESX_BOHR_ANGSTROM)), PESX_OK);
                ck_assert_int_eq(pesx_potential_file_sf_set(sf, "rs", s ? 1.9 * PESX_BOHR_ANGSTROM : 0.0), PESX_OK);
            }
            ck_assert_int_eq(pesx_potential_file_sf_set(sf, "rc", 12 * PESX_BOHR_ANGSTROM), PESX_OK);
            sf->gmin = pesx_rng_uniform(&rng) * 1e-7;
            sf->gmax = 1.0 + pesx_rng_uniform(&rng) * 123.0;
            sf->gmean = 0.5 + pesx_rng_uniform(&rng);
            sf->gsigma = s == 1 ? NAN : pesx_rng_uniform(&rng);
            if (s == 0) {
                sf->train_min = sf->gmin;
                sf->train_max = 6.02214076e23;
            }
        }
        for (size_t w = 0; w < pf->n_members * e->n_weights; w++)
            e->weights[w] = (pesx_rng_uniform(&rng) - 0.5) * pow(10.0, (double)(w % 40) - 20.0);
        e->weights[0] = -0.0;
        e->weights[1] = 4.9406564584124654e-324; /* smallest subnormal */
        e->weights[2] = 1.7976931348623157e308;
    }
}

START_TEST(t_model)
{
    pesx_potential_file pf;
    pesx_potential_file_sf sf;
    double v;
    pesx_potential_file_init(&pf);
    ck_assert_int_eq(pf.version, 1);
    ck_assert_uint_eq(pf.n_members, 1);
    ck_assert_str_eq(pf.scaling_mode, "none");
    ck_assert(pf.conv_energy == 1.0 && pf.mean_energy == 0.0 && isnan(pf.rmse_force_test));
    ck_assert_int_eq(pesx_potential_file_check(&pf, "x.xml"), PESX_EINVAL); /* no elements */
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "no elements"));
    ck_assert_ptr_null(pesx_potential_file_add_element(&pf, "Xx", 1, 2, (const size_t[]){1, 1}));
    ck_assert_ptr_null(pesx_potential_file_add_element(&pf, "H", 2, 2, (const size_t[]){3, 1}));
    ck_assert_ptr_nonnull(pesx_potential_file_add_element(&pf, "H", 1, 2, (const size_t[]){1, 1}));
    ck_assert_ptr_null(pesx_potential_file_add_element(&pf, "H", 1, 2, (const size_t[]){1, 1}));
    ck_assert_uint_eq(pf.element[0].n_weights, 2);
    ck_assert(isnan(pf.element[0].sf[0].gsigma) && isnan(pf.element[0].sf[0].train_max));
    pesx_potential_file_release(&pf);
    ck_assert_uint_eq(pf.n_elements, 0);
    pesx_potential_file_release(&pf);

    memset(&sf, 0, sizeof sf);
    ck_assert_int_eq(pesx_potential_file_sf_get(&sf, "eta", &v), 0);
    ck_assert_int_eq(pesx_potential_file_sf_set(&sf, "eta", 0.5), PESX_OK);
    ck_assert_int_eq(pesx_potential_file_sf_set(&sf, "rc", 6.0), PESX_OK);
    ck_assert_int_eq(pesx_potential_file_sf_set(&sf, "eta", 0.25), PESX_OK);
    ck_assert_uint_eq(sf.n_params, 2);
    ck_assert_int_eq(pesx_potential_file_sf_get(&sf, "eta", &v), 1);
    ck_assert_double_eq(v, 0.25);
    ck_assert_int_eq(pesx_potential_file_sf_set(&sf, "", 1.0), PESX_EINVAL);
    for (int k = 0; k < PESX_PF_MAX_PARAMS - 2; k++) {
        char name[16];
        snprintf(name, sizeof name, "p%d", k);
        ck_assert_int_eq(pesx_potential_file_sf_set(&sf, name, k), PESX_OK);
    }
    ck_assert_int_eq(pesx_potential_file_sf_set(&sf, "onemore", 1.0), PESX_EINVAL);
}
END_TEST

START_TEST(t_round_trip)
{
    pesx_potential_file pf, back, again;
    char p1[512], p2[512];
    build_pf(&pf);
    ck_assert_int_eq(pesx_potential_file_write(tu_tmp_path(p1, sizeof p1, "a.xml"), &pf), PESX_OK);
    ck_assert_int_eq(pesx_potential_file_read(p1, &back), PESX_OK);
    assert_same_pf(&pf, &back);
    ck_assert_str_eq(back.date, "2026-01-02T03:04:05Z");
    ck_assert_str_eq(back.pesx_version, PACKAGE_VERSION);
    ck_assert_str_eq(back.source, "test <\"quoted\" & 'apos'>");
    ck_assert(signbit(back.element[0].weights[0]));
    /* write -> read -> write is byte-identical */
    ck_assert_int_eq(pesx_potential_file_write(tu_tmp_path(p2, sizeof p2, "b.xml"), &back), PESX_OK);
    char *t1 = tu_slurp(p1, NULL), *t2 = tu_slurp(p2, NULL);
    ck_assert_str_eq(t1, t2);
    ck_assert_ptr_nonnull(strstr(t1, "<pesx-potential version=\"1\">"));
    ck_assert_ptr_nonnull(strstr(t1, "units energy=\"eV\" length=\"Angstrom\""));
    /* overwrite in place: reading into a used struct needs release first */
    pesx_potential_file_release(&back);
    ck_assert_int_eq(pesx_potential_file_read(p2, &again), PESX_OK);
    assert_same_pf(&pf, &again);
    free(t1);
    free(t2);
    pesx_potential_file_release(&again);
    pesx_potential_file_release(&pf);
}
END_TEST

START_TEST(t_example_file)
{
    pesx_potential_file pf;
    char path[1024];
    tu_data_path(path, sizeof path, "potential/tiny.xml");
    ck_assert_msg(pesx_potential_file_read(path, &pf) == PESX_OK, "%s", pesx_error_last()->msg);
    ck_assert_uint_eq(pf.n_elements, 2);
    ck_assert_str_eq(pf.element[0].symbol, "H"); /* sorted by Z although O comes first */
    ck_assert_str_eq(pf.element[1].symbol, "O");
    ck_assert_double_eq(pf.element[0].ref_energy, -13.6);
    ck_assert_uint_eq(pf.element[1].n_sf, 3);
    ck_assert_str_eq(pf.element[1].sf[2].type, "3");
    ck_assert_str_eq(pf.element[1].sf[2].e2, "H");
    double v;
    ck_assert_int_eq(pesx_potential_file_sf_get(&pf.element[1].sf[2], "zeta", &v), 1);
    ck_assert_double_eq(v, 4.0);
    ck_assert_double_eq(pf.element[1].sf[0].gsigma, 0.4);
    ck_assert(isnan(pf.element[1].sf[1].gsigma));
    ck_assert_double_eq(pf.element[1].sf[2].train_max, 0.75);
    ck_assert(isnan(pf.element[0].sf[0].train_max));
    ck_assert_uint_eq(pf.element[0].n_weights, 13);
    ck_assert_double_eq(pf.element[0].weights[12], 0.01);
    ck_assert_double_eq(pf.element[1].weights[10], 0.05);
    ck_assert_str_eq(pf.element[0].activation[0], "t");
    ck_assert_str_eq(pf.cutoff_type, "cos");
    ck_assert_str_eq(pf.scaling_mode, "scale-center");
    ck_assert_double_eq(pf.mean_energy, -7.5);
    ck_assert_double_eq(pf.rmse_force_test, 0.06);
    ck_assert_str_eq(pf.source, "hand-written test file");
    pesx_potential_file_release(&pf);
}
END_TEST

/* ---- bad input: each case replaces one piece of a valid file ---------- */

static const char *good =
    "<?xml version=\"1.0\"?>\n"                                                   /* 1 */
    "<pesx-potential version=\"1\">\n"                                            /* 2 */
    "  <cutoff type=\"cos\" alpha=\"0\"/>\n"                                      /* 3 */
    "  <scaling mode=\"scale\" smin=\"0\" smax=\"1\"/>\n"                         /* 4 */
    "  <committee members=\"2\"/>\n"                                              /* 5 */
    "  <element symbol=\"H\">\n"                                                  /* 6 */
    "    <symmetry-functions>\n"                                                  /* 7 */
    "      <sf type=\"2\" e1=\"H\" eta=\"1\" rc=\"5\" min=\"0\" max=\"1\"/>\n"    /* 8 */
    "    </symmetry-functions>\n"                                                 /* 9 */
    "    <network layers=\"1 2 1\" activations=\"tanh linear\">\n"                /* 10 */
    "      <weights member=\"1\">1 2 3 4\n"                                       /* 11 */
    "        5 6 7</weights>\n"                                                   /* 12 */
    "      <weights member=\"2\">1 2 3 4 5 6 7</weights>\n"                       /* 13 */
    "    </network>\n"                                                            /* 14 */
    "  </element>\n"                                                              /* 15 */
    "</pesx-potential>\n";                                                        /* 16 */

typedef struct {
    const char *from, *to; /* replace FROM (first match) by TO in `good`     */
    int code;
    long line;             /* expected error line (-1: don't check)          */
    const char *msg;       /* expected substring of the message              */
} bad_case;

static const bad_case bad[] = {
    {"version=\"1\"", "version=\"2\"", PESX_EINVAL, 2, "unsupported potential.xml version 2"},
    {"<pesx-potential version=\"1\">", "<pesx-potential>", PESX_EINVAL, 2, "needs the attribute version"},
    {"<pesx-potential version=\"1\">\n", "<potential version=\"1\">\n", PESX_EINVAL, -1, "not well-formed"},
    {"</pesx-potential>\n", "", PESX_EINVAL, -1, "not well-formed"},
    {"  <cutoff type=\"cos\" alpha=\"0\"/>\n", "", PESX_EINVAL, 2, "no <cutoff>"},
    {"  <scaling mode=\"scale\" smin=\"0\" smax=\"1\"/>\n", "", PESX_EINVAL, 2, "no <scaling>"},
    {"alpha=\"0\"", "alpha=\"1\"", PESX_EINVAL, 3, "alpha"},
    {"alpha=\"0\"", "alpha=\"zero\"", PESX_EINVAL, 3, "'zero' is not a finite number"},
    {"alpha=\"0\"", "alfa=\"0\"", PESX_EINVAL, 3, "unknown attribute 'alfa'"},
    {"mode=\"scale\"", "mode=\"scaled\"", PESX_EINVAL, 4, "unknown scaling mode 'scaled'"},
    {"smax=\"1\"", "smax=\"0\"", PESX_EINVAL, 4, "not an interval"},
    {"  <committee members=\"2\"/>\n", "  <committee members=\"2\"/>\n  <bogus/>\n", PESX_EINVAL, 6, "unknown element <bogus>"},
    {"  <committee members=\"2\"/>\n", "  <units energy=\"Hartree\" length=\"Bohr\"/>\n", PESX_EINVAL, 5, "eV and Angstrom"},
    {"symbol=\"H\"", "symbol=\"Hx\"", PESX_EINVAL, 6, "unknown element symbol 'Hx'"},
    {"symbol=\"H\"", "symbol=\"H\" z=\"2\"", PESX_EINVAL, 6, "Z = 1, not 2"},
    {"symbol=\"H\"", "", PESX_EINVAL, 6, "needs the attribute symbol"},
    {"e1=\"H\"", "e1=\"O\"", PESX_EINVAL, 8, "neighbour element O is not an element of the potential"},
    {"eta=\"1\"", "eta=\"1e999\"", PESX_EINVAL, 8, "not a finite number"},
    {"eta=\"1\"", "eta=\"nan\"", PESX_EINVAL, 8, "not a finite number"},
    {"eta=\"1\"", "eta=\"\"", PESX_EINVAL, 8, "attribute eta of <sf> is empty"},
    {" min=\"0\"", "", PESX_EINVAL, 8, "scaling mode scale needs min and max"},
    {" min=\"0\"", " min=\"3\"", PESX_EINVAL, 8, "min 3 > max 1"},
    {"<sf type=\"2\"", "<sf index=\"2\" type=\"2\"", PESX_EINVAL, 8, "index"},
    {"<sf type=\"2\"", "<sf", PESX_EINVAL, 8, "needs the attribute type"},
    {"    <symmetry-functions>\n", "    <symmetry-functions count=\"2\">\n", PESX_EINVAL, 7, "holds 1 <sf>"},
    {"layers=\"1 2 1\"", "layers=\"2 2 1\"", PESX_EINVAL, 10, "2 inputs"},
    {"layers=\"1 2 1\"", "layers=\"1 2 2\"", PESX_EINVAL, 10, "one output"},
    {"layers=\"1 2 1\"", "layers=\"1 x 1\"", PESX_EINVAL, 10, "positive whole numbers"},
    {"activations=\"tanh linear\"", "activations=\"tanh\"", PESX_EINVAL, 10, "1 activations for 2 layers"},
    {"1 2 3 4\n", "1 2 3\n", PESX_EINVAL, 12, "6 numbers, but the architecture 1-2-1 needs 7"},
    {"1 2 3 4\n", "1 2 3 4 8\n", PESX_EINVAL, 12, "more than 7 numbers"},
    {"        5 6 7", "        5 abc 7", PESX_EINVAL, 12, "'abc' (weight 6) is not a finite number"},
    {"<weights member=\"1\">", "<weights member=\"1\" count=\"8\">", PESX_EINVAL, 11, "needs 7 weights"},
    {"<weights member=\"2\">", "<weights member=\"1\">", PESX_EINVAL, 13, "given twice (first at line 11)"},
    {"<weights member=\"2\">", "<weights member=\"3\">", PESX_EINVAL, 13, "the committee has 2 members"},
    {"      <weights member=\"2\">1 2 3 4 5 6 7</weights>\n", "", PESX_EINVAL, 10, "no <weights member=\"2\">"},
    {"  </element>\n", "  </element>\n  <element symbol=\"H\"/>\n", PESX_EINVAL, 16, "element H given twice (first at line 6)"},
    {"  </element>\n", "  </element>\n  <element symbol=\"O\"/>\n", PESX_EINVAL, 16, "no <symmetry-functions>"},
    {"    </network>\n", "    </network>\n    <extra/>\n", PESX_EINVAL, 15, "unknown element <extra> in <element>"},
    {"    </network>\n", "    </network>\n    stray text\n", PESX_EINVAL, -1, "unexpected text"},
    {"<?xml version=\"1.0\"?>\n", "", PESX_OK, 0, NULL}, /* the declaration is optional */
};

START_TEST(t_bad_input)
{
    const bad_case *b = &bad[_i];
    char path[512], *text = malloc(strlen(good) + 256);
    const char *at = strstr(good, b->from);
    pesx_potential_file pf;
    ck_assert_ptr_nonnull(at);
    size_t pre = (size_t)(at - good);
    memcpy(text, good, pre);
    strcpy(text + pre, b->to);
    strcat(text, at + strlen(b->from));
    tu_tmp_path(path, sizeof path, "bad.xml");
    write_text(path, text);
    pesx_error_clear();
    int st = pesx_potential_file_read(path, &pf);
    const pesx_error *e = pesx_error_last();
    ck_assert_msg(st == b->code, "case %d (%s -> %s): status %d, expected %d (%s)", _i, b->from,
                  b->to, st, b->code, e->msg);
    if (b->code) {
        ck_assert_str_eq(e->file, path);
        ck_assert_msg(b->msg && strstr(e->msg, b->msg), "case %d: message '%s' lacks '%s'", _i,
                      e->msg, b->msg);
        if (b->line >= 0)
            ck_assert_msg(e->line == b->line, "case %d: line %ld, expected %ld (%s)", _i, e->line,
                          b->line, e->msg);
        else
            ck_assert_int_gt(e->line, 0);
        ck_assert_uint_eq(pf.n_elements, 0); /* released on error */
    } else {
        ck_assert_uint_eq(pf.n_elements, 1);
        ck_assert_uint_eq(pf.n_members, 2);
        ck_assert_double_eq(pf.element[0].weights[7 + 6], 7.0);
    }
    pesx_potential_file_release(&pf);
    free(text);
}
END_TEST

START_TEST(t_bad_files)
{
    pesx_potential_file pf;
    char path[512];
    ck_assert_int_eq(pesx_potential_file_read(tu_tmp_path(path, sizeof path, "missing.xml"), &pf),
                     PESX_EIO);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "cannot open"));
    write_text(tu_tmp_path(path, sizeof path, "empty.xml"), "");
    ck_assert_int_eq(pesx_potential_file_read(path, &pf), PESX_EINVAL);
    write_text(path, "<pesx-potential version=\"1\">\n<cutoff type=\"cos\"/>\n<scaling mode");
    ck_assert_int_eq(pesx_potential_file_read(path, &pf), PESX_EINVAL);
    ck_assert_int_eq(pesx_error_last()->line, 3);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "not well-formed"));

    /* the writer refuses an inconsistent model and leaves no file behind */
    build_pf(&pf);
    pf.element[1].weights[5] = NAN;
    ck_assert_int_eq(pesx_potential_file_write(tu_tmp_path(path, sizeof path, "w.xml"), &pf),
                     PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "weight 6 of member 1 is not finite"));
    ck_assert_int_ne(access(path, F_OK), 0);
    pf.element[1].weights[5] = 1.0;
    snprintf(pf.element[0].sf[0].e1, 4, "C");
    ck_assert_int_eq(pesx_potential_file_write(path, &pf), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "neighbour element C"));
    snprintf(pf.element[0].sf[0].e1, 4, "H");
    snprintf(pf.element[0].sf[0].param_name[0], PESX_PF_NAME, "min");
    ck_assert_int_eq(pesx_potential_file_write(path, &pf), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "bad parameter name 'min'"));
    snprintf(pf.element[0].sf[0].param_name[0], PESX_PF_NAME, "eta");
    pf.element[0].n_weights--;
    ck_assert_int_eq(pesx_potential_file_write(path, &pf), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "architecture needs"));
    pf.element[0].n_weights++;
    pf.version = 2;
    ck_assert_int_eq(pesx_potential_file_write(path, &pf), PESX_EINVAL);
    pf.version = 1;
    ck_assert_int_eq(access(path, F_OK) == 0, 0);
    /* unwritable place */
    ck_assert_int_eq(pesx_potential_file_write("/nonexistent-dir/p.xml", &pf), PESX_EWRITE);
    ck_assert_int_eq(pesx_potential_file_write(path, &pf), PESX_OK);
    pesx_potential_file_release(&pf);
}
END_TEST

/* Random mutations of the example file: the reader never crashes, and
 * every failure is EINVAL with the file named (and a line, except for
 * whole-document problems). */
START_TEST(t_mutation_fuzz)
{
    char src[1024], path[512];
    const char *it = getenv("PESX_FUZZ_ITER");
    long iters = it ? atol(it) : 400;
    pesx_rng rng;
    tu_data_path(src, sizeof src, "potential/tiny.xml");
    char *orig = tu_slurp(src, NULL);
    size_t n0 = strlen(orig);
    char *buf = malloc(2 * n0 + 64);
    static const char junk[] = "<>\"=/ x-1e9999nan0.5\n&;";
    tu_tmp_path(path, sizeof path, "fuzz.xml");
    pesx_rng_seed(&rng, 2026);
    for (long t = 0; t < iters; t++) {
        size_t n = n0;
        memcpy(buf, orig, n0 + 1);
        int edits = 1 + (int)(pesx_rng_next(&rng) % 3);
        for (int k = 0; k < edits && n > 1; k++) {
            size_t at = (size_t)(pesx_rng_next(&rng) % n);
            switch (pesx_rng_next(&rng) % 4) {
            case 0: /* delete a run */
            {
                size_t len = 1 + (size_t)(pesx_rng_next(&rng) % 8);
                if (at + len > n)
                    len = n - at;
                memmove(buf + at, buf + at + len, n - at - len + 1);
                n -= len;
                break;
            }
            case 1: /* insert a junk character */
                memmove(buf + at + 1, buf + at, n - at + 1);
                buf[at] = junk[pesx_rng_next(&rng) % (sizeof junk - 1)];
                n++;
                break;
            case 2: /* replace a character */
                buf[at] = junk[pesx_rng_next(&rng) % (sizeof junk - 1)];
                break;
            default: /* truncate */
                buf[at] = 0;
                n = at;
            }
        }
        write_text(path, buf);
        pesx_potential_file pf;
        pesx_error_clear();
        int st = pesx_potential_file_read(path, &pf);
        if (st) {
            const pesx_error *e = pesx_error_last();
            ck_assert_msg(st == PESX_EINVAL, "iteration %ld: status %d (%s)", t, st, e->msg);
            ck_assert_str_eq(e->file, path);
            ck_assert(e->msg[0] != 0);
            ck_assert_uint_eq(pf.n_elements, 0);
        } else {
            ck_assert_int_eq(pesx_potential_file_check(&pf, path), PESX_OK);
        }
        pesx_potential_file_release(&pf);
    }
    free(buf);
    free(orig);
}
END_TEST

/* Every n2p2 potential of ../shared: n2p2 reader -> write -> read is exact. */
static const char *const n2p2_dirs[] = {
    "H2O_RPBE-D3",        "Cu2S_PBE",     "Ethylbenzene_SCAN",  "SYN/SYN1_ct0_tanh",
    "SYN/SYN2_ct1_a0.25", "SYN/SYN3_ct3", "SYN/SYN4_ct4_a0.1",  "SYN/SYN5_ct5",
    "SYN/SYN6_ct7_a0.3",  "SYN/SYN7_ct8",
};

START_TEST(t_n2p2_round_trip)
{
    char dir[1024], rel[256], path[512], path2[512];
    pesx_potential_file pf, back;
    int bohr = strstr(n2p2_dirs[_i], "Cu2S") == NULL;
    snprintf(rel, sizeof rel, "ref/n2p2/%s", n2p2_dirs[_i]);
    tu_shared_path(dir, sizeof dir, rel);
    pesx_potential_file_init(&pf);
    ck_assert_msg(pesx_n2p2_read(dir, bohr ? PESX_BOHR_ANGSTROM : 1.0,
                                 bohr ? PESX_HARTREE_EV : 1.0, &pf, NULL) == PESX_OK,
                  "%s: %s", dir, pesx_error_last()->msg);
    ck_assert_msg(pesx_potential_file_write(tu_tmp_path(path, sizeof path, "n.xml"), &pf) == PESX_OK,
                  "%s", pesx_error_last()->msg);
    ck_assert_msg(pesx_potential_file_read(path, &back) == PESX_OK, "%s",
                  pesx_error_last()->msg);
    assert_same_pf(&pf, &back);
    ck_assert_int_eq(pesx_potential_file_write(tu_tmp_path(path2, sizeof path2, "m.xml"), &back),
                     PESX_OK);
    char *t1 = tu_slurp(path, NULL), *t2 = tu_slurp(path2, NULL);
    ck_assert_str_eq(t1, t2);
    free(t1);
    free(t2);
    pesx_potential_file_release(&back);
    pesx_potential_file_release(&pf);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("io_potential");
    TCase *tc = tcase_create("potential.xml");
    tcase_add_checked_fixture(tc, tu_tmpdir_setup, tu_tmpdir_teardown);
    tcase_add_test(tc, t_model);
    tcase_add_test(tc, t_round_trip);
    tcase_add_test(tc, t_example_file);
    tcase_add_loop_test(tc, t_bad_input, 0, (int)(sizeof bad / sizeof *bad));
    tcase_add_test(tc, t_bad_files);
    tcase_add_test(tc, t_mutation_fuzz);
    if (tu_shared_dir())
        tcase_add_loop_test(tc, t_n2p2_round_trip, 0,
                            (int)(sizeof n2p2_dirs / sizeof *n2p2_dirs));
    else
        fprintf(stderr, "check_io_potential: PESX_SHARED absent, n2p2 round trips skipped\n");
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(suite());
}
