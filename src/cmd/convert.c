/* pesx convert: neural-network potentials into potential.xml.  Each input
 * is an n2p2/RuNNer directory (n2p2:DIR[,length=..,energy=..]) or a
 * potential.xml; several inputs with the same descriptors and architecture
 * become one committee. */
#include <config.h>
#include "cmd.h"
#include "convert.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pesx/io_n2p2.h>
#include <pesx/io_potential.h>
#include <pesx/nn.h>

static const char usage[] =
    "pesx convert INPUT... -o OUT.xml [--source TEXT] [-q] [-v]\n"
    "pesx convert DATA... -o OUT [--from FORMAT] [--to FORMAT] [--length-unit UNIT]\n"
    "    [--energy-unit UNIT] [-q] [-v]\n"
    "\n"
    "  INPUT                 n2p2:DIR[,length=bohr,energy=hartree] (an n2p2/RuNNer\n"
    "                        potential directory; default units Angstrom and eV) or a\n"
    "                        potential.xml; several inputs make one committee\n"
    "  -o, --output FILE     the potential.xml (or data set) to write\n"
    "      --source TEXT     the <source> metadata (default: the inputs)\n"
    "  DATA                  data sets (data.xml, extended XYZ with energy= and forces,\n"
    "                        n2p2 input.data), concatenated into OUT\n"
    "      --from FORMAT     format of the DATA files: xml, xyz or n2p2 (default: by name)\n"
    "      --to FORMAT       format of OUT (default: by its name)\n"
    "      --length-unit U   n2p2 input.data length unit: angstrom (default), bohr, nm\n"
    "      --energy-unit U   n2p2 input.data energy unit: ev (default), hartree, ry, ...\n"
    "  -q, --quiet           print nothing but errors\n"
    "  -v, --verbose         more messages on stderr\n";

/* A unit: a name or a positive number (Angstrom or eV per file unit). */
static int parse_unit(const char *key, const char *v, double *out)
{
    static const struct {
        const char *key, *name;
        double value;
    } names[] = {
        {"length", "bohr", PESX_BOHR_ANGSTROM},
        {"length", "au", PESX_BOHR_ANGSTROM},
        {"length", "angstrom", 1.0},
        {"length", "nm", 10.0},
        {"energy", "hartree", PESX_HARTREE_EV},
        {"energy", "ha", PESX_HARTREE_EV},
        {"energy", "au", PESX_HARTREE_EV},
        {"energy", "ev", 1.0},
        {"energy", "ry", 0.5 * PESX_HARTREE_EV},
        {"energy", "kcal/mol", 4.184e3 / 96485.33212},
        {"energy", "kj/mol", 1e3 / 96485.33212},
    };
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        if (!strcmp(names[k].key, key) && !strcasecmp(names[k].name, v)) {
            *out = names[k].value;
            return PESX_OK;
        }
    if (pesx_parse_double(v, out) == PESX_OK && *out > 0)
        return PESX_OK;
    return pesx_error_set(PESX_EINVAL, NULL, 0, "%s='%s': expected %s or a positive number", key,
                          v,
                          key[0] == 'l' ? "bohr, angstrom or nm"
                                        : "hartree, ev, ry, kcal/mol or kj/mol");
}

int cmd_convert_parse_unit(const char *key, const char *v, double *out)
{
    return parse_unit(key, v, out);
}

void cmd_convert_usage(FILE *fp)
{
    cmd_print_usage(fp, usage);
}

/* Read one INPUT into PF (initialised here). */
static int read_input(const char *input, pesx_potential_file *pf)
{
    pesx_potential_file_init(pf);
    if (strncmp(input, "n2p2:", 5) != 0)
        return pesx_potential_file_read(input, pf);
    pesx_params p;
    const char *dir;
    double L = 1.0, E = 1.0;
    int st;
    pesx_params_init(&p);
    if ((st = pesx_params_parse(&p, input + 5)))
        goto done;
    dir = pesx_params_positional(&p, 0);
    if (!dir || pesx_params_positional(&p, 1)) {
        st = pesx_error_set(PESX_EINVAL, NULL, 0,
                            "'%s': expected n2p2:DIR[,length=bohr,energy=hartree]", input);
        goto done;
    }
    const char *lv = pesx_params_get(&p, "length"), *ev = pesx_params_get(&p, "energy");
    if ((lv && (st = parse_unit("length", lv, &L))) || (ev && (st = parse_unit("energy", ev, &E))) ||
        (st = pesx_params_check_used(&p, "n2p2")))
        goto done;
    st = pesx_n2p2_read(dir, L, E, pf, NULL);
done:
    pesx_params_release(&p);
    return st;
}

/* Activation letters and aliases -> the nn table's names; every name checked. */
static int normalise_activations(pesx_potential_file *pf, const char *input)
{
    for (size_t k = 0; k < pf->n_elements; k++) {
        pesx_potential_file_element *e = &pf->element[k];
        for (size_t l = 0; l + 1 < e->n_sizes; l++) {
            const pesx_nn_activation *a = pesx_nn_activation_lookup(e->activation[l]);
            if (!a)
                return pesx_error_prefix("%s: element %s, layer %zu", input, e->symbol, l + 1);
            snprintf(e->activation[l], PESX_PF_NAME, "%s", a->name);
        }
    }
    return PESX_OK;
}

static int same_double(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* Everything but the weights must agree for a committee. */
static int compatible(const pesx_potential_file *a, const pesx_potential_file *b, const char *what)
{
#define DIFF(...) pesx_error_set(PESX_EINVAL, NULL, 0, __VA_ARGS__)
    if (a->n_elements != b->n_elements)
        return DIFF("%s: %zu elements, the first input has %zu", what, b->n_elements,
                    a->n_elements);
    if (strcmp(a->cutoff_type, b->cutoff_type) || !same_double(a->cutoff_alpha, b->cutoff_alpha))
        return DIFF("%s: another cutoff function than the first input", what);
    if (strcmp(a->scaling_mode, b->scaling_mode) || a->smin != b->smin || a->smax != b->smax)
        return DIFF("%s: another input scaling than the first input", what);
    if (a->mean_energy != b->mean_energy || a->conv_energy != b->conv_energy)
        return DIFF("%s: another energy normalisation (mean/conv energy) than the first input",
                    what);
    for (size_t k = 0; k < a->n_elements; k++) {
        const pesx_potential_file_element *x = &a->element[k], *y = &b->element[k];
        if (x->z != y->z)
            return DIFF("%s: elements differ from the first input (%s vs %s)", what, y->symbol,
                        x->symbol);
        if (x->ref_energy != y->ref_energy)
            return DIFF("%s: element %s has another reference energy", what, x->symbol);
        if (x->n_sf != y->n_sf || x->n_sizes != y->n_sizes ||
            x->normalize_nodes != y->normalize_nodes || x->n_weights != y->n_weights)
            return DIFF("%s: element %s has another architecture or number of symmetry functions",
                        what, x->symbol);
        for (size_t l = 0; l < x->n_sizes; l++)
            if (x->size[l] != y->size[l] || (l + 1 < x->n_sizes &&
                                             strcmp(x->activation[l], y->activation[l])))
                return DIFF("%s: element %s: layer %zu differs", what, x->symbol, l);
        for (size_t s = 0; s < x->n_sf; s++) {
            const pesx_potential_file_sf *p = &x->sf[s], *q = &y->sf[s];
            int same = !strcmp(p->type, q->type) && !strcmp(p->e1, q->e1) &&
                       !strcmp(p->e2, q->e2) && !strcmp(p->sub, q->sub) &&
                       p->n_params == q->n_params && same_double(p->gmin, q->gmin) &&
                       same_double(p->gmax, q->gmax) && same_double(p->gmean, q->gmean) &&
                       same_double(p->gsigma, q->gsigma);
            for (size_t i = 0; same && i < p->n_params; i++) {
                double v;
                same = pesx_potential_file_sf_get(q, p->param_name[i], &v) && v == p->param[i];
            }
            if (!same)
                return DIFF("%s: element %s: symmetry function %zu (or its scaling statistics) "
                            "differs from the first input",
                            what, x->symbol, s + 1);
        }
    }
    return PESX_OK;
#undef DIFF
}

/* Append the members of B to A (compatible checked). */
static int add_members(pesx_potential_file *a, const pesx_potential_file *b)
{
    size_t m = a->n_members + b->n_members;
    for (size_t k = 0; k < a->n_elements; k++) {
        pesx_potential_file_element *x = &a->element[k];
        const pesx_potential_file_element *y = &b->element[k];
        double *w = realloc(x->weights, m * x->n_weights * sizeof *w);
        if (!w)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory");
        memcpy(w + a->n_members * x->n_weights, y->weights,
               b->n_members * y->n_weights * sizeof *w);
        x->weights = w;
        /* the committee's training range is the union of the members' */
        for (size_t s = 0; s < x->n_sf; s++) {
            pesx_potential_file_sf *p = &x->sf[s];
            const pesx_potential_file_sf *q = &y->sf[s];
            if (isnan(p->train_min) || q->train_min < p->train_min)
                p->train_min = q->train_min;
            if (isnan(p->train_max) || q->train_max > p->train_max)
                p->train_max = q->train_max;
        }
    }
    a->n_members = m;
    return PESX_OK;
}

int cmd_convert(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"source", required_argument, NULL, 'S'},
        CMD_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const char *output = NULL, *source = NULL;
    pesx_potential_file all, one;
    int c, st = PESX_OK;

    if (cmd_convert_is_data(argc, argv)) /* data sets: convert_data.c */
        return cmd_convert_data(argc, argv);
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qvh", options, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'S': source = optarg; break;
        case 'q': cmd_quiet(); break;
        case 'v': cmd_verbose(); break;
        case 'h': cmd_print_usage(stdout, usage); return CMD_OK;
        default: return cmd_usage_error("unknown option");
        }
    }
    if (optind >= argc)
        return cmd_usage_error("no input potential (n2p2:DIR or a potential.xml)");
    if (!output)
        return cmd_usage_error("the output file is required (-o OUT.xml)");
    {
        int code = cmd_check_outputs(1, &output);
        if (code)
            return code;
    }

    pesx_potential_file_init(&all);
    pesx_potential_file_init(&one);
    for (int k = optind; k < argc && !st; k++) {
        pesx_potential_file *dst = k == optind ? &all : &one;
        if ((st = read_input(argv[k], dst)) || (st = normalise_activations(dst, argv[k])))
            break;
        if (k > optind) {
            if (!(st = compatible(&all, &one, argv[k])))
                st = add_members(&all, &one);
            pesx_potential_file_release(&one);
        }
        pesx_debug("%s read: %zu committee member%s so far", argv[k], all.n_members,
                   all.n_members == 1 ? "" : "s");
    }
    if (!st) {
        size_t len = 0;
        all.date[0] = 0; /* now */
        all.pesx_version[0] = 0; /* this pesx */
        if (argc - optind > 1) /* the members' fits differ: no common RMSE */
            all.rmse_energy_train = all.rmse_energy_test = all.rmse_force_train =
                all.rmse_force_test = NAN;
        if (source) {
            snprintf(all.source, sizeof all.source, "%s", source);
        } else if (argc - optind > 1 || strncmp(argv[optind], "n2p2:", 5) == 0) {
            all.source[0] = 0;
            for (int k = optind; k < argc && len + 1 < sizeof all.source; k++) {
                int w = snprintf(all.source + len, sizeof all.source - len, "%s%s",
                                 k > optind ? " " : "", argv[k]);
                if (w < 0)
                    break;
                len += (size_t)w;
            }
        }
        st = pesx_potential_file_write(output, &all);
    }
    if (!st && pesx_log_level() > PESX_LOG_QUIET) {
        printf("wrote %s: %zu element%s (", output, all.n_elements, all.n_elements == 1 ? "" : "s");
        for (size_t k = 0; k < all.n_elements; k++)
            printf("%s%s %zu SFs", k ? ", " : "", all.element[k].symbol, all.element[k].n_sf);
        printf("), %zu committee member%s\n", all.n_members, all.n_members == 1 ? "" : "s");
    }
    pesx_potential_file_release(&one);
    pesx_potential_file_release(&all);
    return st ? cmd_fail(st) : CMD_OK;
}
