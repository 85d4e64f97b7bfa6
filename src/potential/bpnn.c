/* The "bpnn" potential type: a Behler-Parrinello neural-network potential
 * (optionally a committee) from potential.xml (file=PATH) or an n2p2 /
 * RuNNer directory (n2p2=DIR, length=, energy=). */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pesx/io_n2p2.h>
#include "potential/bpnn_impl.h"
#include "potential/potential_impl.h"

/* A unit: a name or a positive number (Angstrom or eV per file unit). */
static int unit(pesx_params *p, const char *key, double *out)
{
    const char *v = pesx_potential_param_string(p, key);
    if (!v)
        return PESX_OK;
    if (strcmp(key, "length") == 0) {
        if (!strcasecmp(v, "bohr") || !strcasecmp(v, "au")) {
            *out = PESX_BOHR_ANGSTROM;
            return PESX_OK;
        }
        if (!strcasecmp(v, "angstrom") || !strcasecmp(v, "ang") || !strcasecmp(v, "a")) {
            *out = 1.0;
            return PESX_OK;
        }
        if (!strcasecmp(v, "nm")) {
            *out = 10.0;
            return PESX_OK;
        }
    } else {
        if (!strcasecmp(v, "hartree") || !strcasecmp(v, "ha") || !strcasecmp(v, "au")) {
            *out = PESX_HARTREE_EV;
            return PESX_OK;
        }
        if (!strcasecmp(v, "ev")) {
            *out = 1.0;
            return PESX_OK;
        }
        if (!strcasecmp(v, "kcal/mol")) {
            *out = 4.184e3 / 96485.33212;
            return PESX_OK;
        }
        if (!strcasecmp(v, "kj/mol")) {
            *out = 1e3 / 96485.33212;
            return PESX_OK;
        }
        if (!strcasecmp(v, "ry") || !strcasecmp(v, "rydberg")) {
            *out = 0.5 * PESX_HARTREE_EV;
            return PESX_OK;
        }
    }
    if (pesx_parse_double(v, out) == PESX_OK && *out > 0)
        return PESX_OK;
    return pesx_potential_param_error(
        p, key, "bpnn: %s='%s': expected %s or a positive number", key, v,
        key[0] == 'l' ? "bohr, angstrom or nm" : "hartree, ev, ry, kcal/mol or kj/mol");
}

static int init(void *state, pesx_params *params)
{
    pesx_bpnn *b = state;
    const char *file = pesx_potential_param_string(params, "file");
    const char *dir = pesx_potential_param_string(params, "n2p2");
    double L = 1.0, E = 1.0;
    pesx_potential_file pf;
    int st;
    memset(b, 0, sizeof *b);
    if ((st = unit(params, "length", &L)) || (st = unit(params, "energy", &E)))
        return st;
    if ((st = pesx_params_check_used(params, "bpnn")))
        return st;
    if ((file != NULL) == (dir != NULL))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "bpnn: give exactly one of file=POTENTIAL.xml or n2p2=DIR");
    if (file && (L != 1.0 || E != 1.0))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "bpnn: length=/energy= apply to n2p2 directories only "
                              "(potential.xml is always in eV and Angstrom)");
    pesx_potential_file_init(&pf);
    if (file)
        st = pesx_potential_file_read(file, &pf);
    else
        st = pesx_n2p2_read(dir, L, E, &pf, NULL);
    if (!st)
        st = pesx_bpnn_build(b, &pf, file ? file : dir);
    pesx_potential_file_release(&pf);
    return st;
}

static int eval(void *state, const pesx_atoms *a, pesx_potential_result *r)
{
    return pesx_bpnn_evaluate(state, a, r);
}

static void release(void *state)
{
    pesx_bpnn_release(state);
}

static double cutoff(const void *state)
{
    return ((const pesx_bpnn *)state)->rc;
}

static size_t n_members(const void *state)
{
    return ((const pesx_bpnn *)state)->n_members;
}

const pesx_potential_type pesx_potential_bpnn = {
    "bpnn",
    "Behler-Parrinello neural-network potential (committee: mean and spread), from "
    "potential.xml or an n2p2/RuNNer directory",
    "file=POTENTIAL.xml | n2p2=DIR[,length=bohr|angstrom|X][,energy=hartree|ev|X]",
    sizeof(pesx_bpnn),
    init,
    eval,
    release,
    cutoff,
    n_members,
    0,
    NULL,
};
