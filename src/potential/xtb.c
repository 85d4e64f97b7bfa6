/* GFN2-xTB and GFN1-xTB in process, through the C API of the xtb library
 * (Bannwarth, Ehlert and Grimme, JCTC 15, 1652 (2019); Grimme, Bannwarth and
 * Shushkov, JCTC 13, 1989 (2017)).  xtb works in Hartree and Bohr; pesx
 * converts with its CODATA 2018 constants.  (The xtb 6.5 command line reads
 * Angstrom with CODATA 2014's Bohr, 4e-10 relative apart: far below what
 * the SCF resolves.)
 *
 * The library keeps a molecule and a loaded calculator per potential and
 * only updates positions while the atoms stay the same;
 * a new set of atoms reloads the parametrisation (about 30 ms).  The
 * library's own output is muted unless pesx logs at debug level (-v:
 * xtb's minimal output, -vv: all of it), and then goes to stderr so that
 * reports on stdout stay clean.
 *
 * Without the library (configure --without-xtb, or no libxtb-dev) the type
 * is still registered and its init says how to enable it. */
#include <config.h>
#include <math.h>
#include <string.h>
#include "potential_impl.h"

#define XTB_PARAMS_DOC                                                                       \
    "method=gfn2 (gfn2 or gfn1; molecules only), charge=0 (e), uhf=0 (unpaired "  \
    "electrons), accuracy=1 (xtb's SCF accuracy, 1e-4 to 1e3; smaller is tighter), "         \
    "etemp=300 (electronic temperature, K), max_iter=250 (SCF iterations)"

#ifdef HAVE_XTB
#include <stdbool.h>
#include <stdlib.h>
#include <xtb.h>

typedef struct {
    int method; /* 1 or 2 */
    double charge, accuracy, etemp;
    int uhf, max_iter, verbosity;
    xtb_TEnvironment env;
    xtb_TCalculator calc;
    xtb_TResults res;
    xtb_TMolecule mol;
    /* the atoms the molecule and calculator were made for */
    size_t n, cap;
    int *z;
    double *xyz, *grad; /* 3n, Bohr and Hartree/Bohr */
} xtb_state;

/* The library's error stack (emptied) as an EFAILED error after WHAT. */
static int library_error(xtb_state *s, const char *what)
{
    char msg[800];
    int size = (int)sizeof msg - 1;
    memset(msg, 0, sizeof msg); /* the library does not terminate the string */
    xtb_getError(s->env, msg, &size);
    msg[sizeof msg - 1] = '\0';
    for (char *c = msg; *c; c++)
        if (*c == '\n')
            *c = ' ';
    for (size_t len = strlen(msg); len && msg[len - 1] == ' '; len--)
        msg[len - 1] = '\0';
    return pesx_error_set(PESX_EFAILED, NULL, 0, "xtb: %s (GFN%d-xTB): %s%s", what, s->method,
                          msg[0] ? msg : "no message from the library",
                          strstr(msg, "did not converge")
                              ? " (raise max_iter= or etemp=, or check the structure)"
                              : "");
}

static int xtb_init(void *state, pesx_params *p)
{
    xtb_state *s = state;
    const char *method = pesx_potential_param_string(p, "method");
    double uhf = 0, max_iter = 250;
    s->method = 2;
    s->accuracy = 1.0;
    s->etemp = 300.0;
    if (method && strcmp(method, "gfn2") == 0)
        s->method = 2;
    else if (method && strcmp(method, "gfn1") == 0)
        s->method = 1;
    else if (method)
        return pesx_potential_param_error(p, "method",
                                          "xtb: parameter method: '%s' is not gfn2 or gfn1",
                                          method);
    if (pesx_potential_param_double(p, "xtb", "charge", &s->charge) < 0 ||
        pesx_potential_param_double(p, "xtb", "uhf", &uhf) < 0 ||
        pesx_potential_param_positive(p, "xtb", "accuracy", &s->accuracy) < 0 ||
        pesx_potential_param_positive(p, "xtb", "etemp", &s->etemp) < 0 ||
        pesx_potential_param_positive(p, "xtb", "max_iter", &max_iter) < 0)
        return PESX_EINVAL;
    if (uhf < 0 || uhf != floor(uhf) || uhf > 1000)
        return pesx_potential_param_error(p, "uhf",
                                          "xtb: parameter uhf: the number of unpaired electrons "
                                          "must be a whole number >= 0 (got %s)",
                                          pesx_potential_param_string(p, "uhf"));
    if (max_iter != floor(max_iter) || max_iter > 100000)
        return pesx_potential_param_error(p, "max_iter",
                                          "xtb: parameter max_iter: must be a whole number from "
                                          "1 to 100000 (got %s)",
                                          pesx_potential_param_string(p, "max_iter"));
    if (s->charge != floor(s->charge) || fabs(s->charge) > 1000)
        return pesx_potential_param_error(p, "charge",
                                          "xtb: parameter charge: must be a whole number of "
                                          "elementary charges (got %s)",
                                          pesx_potential_param_string(p, "charge"));
    if (s->accuracy < 1e-4 || s->accuracy > 1e3)
        return pesx_potential_param_error(p, "accuracy",
                                          "xtb: parameter accuracy: must be from 1e-4 to 1000 "
                                          "(got %s)",
                                          pesx_potential_param_string(p, "accuracy"));
    s->uhf = (int)uhf;
    s->max_iter = (int)max_iter;
    /* pesx logs at info level by default; -v is debug, -vv more */
    s->verbosity = pesx_log_level() > PESX_LOG_DEBUG    ? XTB_VERBOSITY_FULL
                   : pesx_log_level() == PESX_LOG_DEBUG ? XTB_VERBOSITY_MINIMAL
                                                        : XTB_VERBOSITY_MUTED;
    if (!(s->env = xtb_newEnvironment()) || !(s->calc = xtb_newCalculator()) ||
        !(s->res = xtb_newResults()))
        return pesx_error_set(PESX_ENOMEM, NULL, 0, "xtb: cannot create the library's objects");
    xtb_setVerbosity(s->env, s->verbosity);
    /* "STDERR" is the library's name for its preconnected unit 0, which
     * shares pesx's stderr (a file opened by name would write over it) */
    if (s->verbosity != XTB_VERBOSITY_MUTED)
        xtb_setOutput(s->env, "STDERR");
    return PESX_OK;
}

static void xtb_release(void *state)
{
    xtb_state *s = state;
    if (s->mol)
        xtb_delete(s->mol);
    if (s->calc)
        xtb_delete(s->calc);
    if (s->res)
        xtb_delete(s->res);
    if (s->env) {
        xtb_releaseOutput(s->env);
        xtb_delete(s->env);
    }
    free(s->z);
    free(s->xyz);
    free(s->grad);
}

/* Whether the molecule was made for the atoms of A (elements and count). */
static int same_atoms(const xtb_state *s, const pesx_atoms *a)
{
    if (!s->mol || s->n != a->n)
        return 0;
    return memcmp(s->z, a->z, a->n * sizeof *a->z) == 0;
}

/* A new molecule and calculator for the atoms of A (positions in s->xyz;
 * a cluster: periodic structures are refused before). */
static int make_molecule(xtb_state *s, const pesx_atoms *a)
{
    int n = (int)a->n;
    if (s->mol)
        xtb_delete(s->mol);
    s->n = 0;
    if (a->n > s->cap) {
        int *z = realloc(s->z, a->n * sizeof *z);
        if (z)
            s->z = z;
        double *g = z ? realloc(s->grad, 3 * a->n * sizeof *g) : NULL;
        if (g)
            s->grad = g;
        if (!z || !g)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "xtb: out of memory for %zu atoms",
                                  a->n);
        s->cap = a->n;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (a->z[i] < 1 || a->z[i] > 86)
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "xtb: atom %zu has atomic number %d; GFN-xTB covers H to Rn "
                                  "(1 to 86)",
                                  i + 1, a->z[i]);
        s->z[i] = a->z[i];
    }
    s->mol = xtb_newMolecule(s->env, &n, s->z, s->xyz, &s->charge, &s->uhf, NULL, NULL);
    if (xtb_checkEnvironment(s->env))
        return library_error(s, "cannot set up the molecule");
    if (s->method == 2)
        xtb_loadGFN2xTB(s->env, s->mol, s->calc, NULL);
    else
        xtb_loadGFN1xTB(s->env, s->mol, s->calc, NULL);
    if (xtb_checkEnvironment(s->env))
        return library_error(s, "cannot load the parametrisation");
    xtb_setAccuracy(s->env, s->calc, s->accuracy);
    xtb_setElectronicTemp(s->env, s->calc, s->etemp);
    xtb_setMaxIter(s->env, s->calc, s->max_iter);
    if (xtb_checkEnvironment(s->env))
        return library_error(s, "cannot set the SCF parameters");
    s->n = a->n;
    return PESX_OK;
}

/* The library silently changes uhf when the electron count has the other
 * parity; pesx says so instead. */
static int check_electrons(const xtb_state *s, const pesx_atoms *a)
{
    long electrons = -(long)s->charge;
    for (size_t i = 0; i < a->n; i++)
        electrons += a->z[i];
    if (electrons < 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "xtb: charge=%g leaves %ld electrons", s->charge, electrons);
    if (electrons % 2 != s->uhf % 2 || s->uhf > electrons)
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "xtb: %ld electrons (charge %g) cannot have uhf=%d unpaired "
                              "electrons; give uhf= (and charge=) of the same parity",
                              electrons, s->charge, s->uhf);
    return PESX_OK;
}

static int xtb_eval(void *state, const pesx_atoms *a, pesx_potential_result *r)
{
    xtb_state *s = state;
    int periodic = pesx_atoms_any_pbc(a), status;
    double e;
    if (a->n == 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "xtb: a structure without atoms");
    if ((status = check_electrons(s, a)))
        return status;
    if (periodic) /* GFN1's periodic forces failed central differences (1e-3 eV/A) */
        return pesx_error_set(PESX_EUNSUPPORTED, NULL, 0,
                              "xtb: periodic structures are not supported: the xtb library's "
                              "GFN1-xTB forces for cells do not match its energy, and its "
                              "GFN2-xTB has no periodic boundary conditions");
    if (a->n > s->cap || !s->xyz) {
        double *x = realloc(s->xyz, 3 * a->n * sizeof *x);
        if (!x)
            return pesx_error_set(PESX_ENOMEM, NULL, 0, "xtb: out of memory for %zu atoms",
                                  a->n);
        s->xyz = x;
    }
    for (size_t k = 0; k < 3 * a->n; k++)
        s->xyz[k] = a->x[k] / PESX_BOHR_ANGSTROM;
    if (!same_atoms(s, a)) {
        if ((status = make_molecule(s, a)))
            return status;
    } else {
        xtb_updateMolecule(s->env, s->mol, s->xyz, NULL);
        if (xtb_checkEnvironment(s->env))
            return library_error(s, "cannot update the positions");
    }
    xtb_singlepoint(s->env, s->mol, s->calc, s->res);
    if (xtb_checkEnvironment(s->env))
        return library_error(s, "the single point failed");
    xtb_getEnergy(s->env, s->res, &e);
    if (r->forces)
        xtb_getGradient(s->env, s->res, s->grad);
    if (xtb_checkEnvironment(s->env))
        return library_error(s, "cannot read the results");
    r->energy = e * PESX_HARTREE_EV;
    for (size_t k = 0; r->forces && k < 3 * a->n; k++)
        r->forces[k] = -s->grad[k] * (PESX_HARTREE_EV / PESX_BOHR_ANGSTROM);
    return PESX_OK;
}

#else /* no xtb library */

typedef struct {
    int unused;
} xtb_state;

static int xtb_init(void *state, pesx_params *p)
{
    (void)state;
    (void)p;
    return pesx_error_set(PESX_EUNSUPPORTED, NULL, 0,
                          "xtb: this pesx was built without the xtb library; install it "
                          "(Debian/Ubuntu: apt-get install libxtb-dev) and run ./configure "
                          "again (it finds the library by pkg-config 'xtb'), then make");
}

static int xtb_eval(void *state, const pesx_atoms *a, pesx_potential_result *r)
{
    (void)state;
    (void)a;
    (void)r;
    return pesx_error_set(PESX_EUNSUPPORTED, NULL, 0, "xtb: built without the xtb library");
}

static void xtb_release(void *state)
{
    (void)state;
}

#endif

const pesx_potential_type pesx_potential_xtb = {
    .name = "xtb",
    .summary = "GFN2-xTB or GFN1-xTB through the xtb library (in process)",
    .params_doc = XTB_PARAMS_DOC,
    .state_size = sizeof(xtb_state),
    .init = xtb_init,
    .eval = xtb_eval,
    .release = xtb_release,
    .flags = PESX_POTENTIAL_NO_ATOM_ENERGIES,
};
