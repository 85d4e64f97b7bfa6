/* Check suite of the potential module: conformance of every registered type
 * (forces = -grad E by central differences, atom energies, invariances),
 * reference values (LJ dimer and LJ13, eOn's lj and morse_pt numbers and the
 * OptBench Pt heptamer, Mueller-Brown stationary points), brute-force
 * periodic sums, and every error path of the spec parser. */
#include "testutil.h"
#include <pesx/io.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* ---- small helpers -------------------------------------------------------- */

static pesx_potential *open_ok(const char *spec)
{
    pesx_potential *p = pesx_potential_open(spec);
    ck_assert_msg(p != NULL, "pesx_potential_open(\"%s\") failed: %s", spec,
                  pesx_error_last()->msg);
    return p;
}

static double energy_of(pesx_potential *p, const pesx_atoms *a)
{
    pesx_potential_result r;
    memset(&r, 0, sizeof r);
    int st = pesx_potential_eval(p, a, &r);
    ck_assert_msg(st == PESX_OK, "eval failed: %s", pesx_error_last()->msg);
    return r.energy;
}

/* Energy and forces (caller frees f). */
static double eval_ef(pesx_potential *p, const pesx_atoms *a, double **f, double **ae)
{
    pesx_potential_result r;
    memset(&r, 0, sizeof r);
    *f = calloc(3 * a->n + 1, sizeof **f);
    r.forces = *f;
    if (ae) {
        *ae = calloc(a->n + 1, sizeof **ae);
        r.atom_energies = *ae;
    }
    int st = pesx_potential_eval(p, a, &r);
    ck_assert_msg(st == PESX_OK, "eval failed: %s", pesx_error_last()->msg);
    return r.energy;
}

/* Largest atom force over the free atoms (FIXED may be NULL). */
static double max_atom_force(const double *f, size_t n, const unsigned char *fixed)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        if (fixed && fixed[i])
            continue;
        double s = sqrt(f[3 * i] * f[3 * i] + f[3 * i + 1] * f[3 * i + 1] +
                        f[3 * i + 2] * f[3 * i + 2]);
        if (s > m)
            m = s;
    }
    return m;
}

/* Expect SPEC to fail with CODE and a message containing every NULL-terminated
 * word of ... */
static void expect_open_error(const char *spec, int code, ...)
{
    va_list ap;
    const char *w;
    char msg[2048];
    pesx_error_clear();
    pesx_potential *p = pesx_potential_open(spec);
    if (p)
        pesx_potential_free(p);
    ck_assert_msg(p == NULL, "spec \"%s\" was accepted", spec);
    const pesx_error *e = pesx_error_last();
    pesx_error_format(e, msg, sizeof msg);
    ck_assert_msg(e->code == code, "spec \"%s\": code %d, expected %d (%s)", spec, e->code, code,
                  msg);
    va_start(ap, code);
    while ((w = va_arg(ap, const char *)))
        ck_assert_msg(strstr(msg, w) != NULL, "spec \"%s\": message \"%s\" lacks \"%s\"", spec, msg,
                      w);
    va_end(ap);
}

/* ---- structures ------------------------------------------------------------ */

/* A cluster of N atoms on a jittered simple-cubic grid of spacing S. */
static pesx_atoms *make_cluster(size_t n, double s, unsigned long long seed)
{
    pesx_atoms *a = pesx_atoms_alloc(n);
    pesx_rng rng;
    size_t side = 1;
    pesx_rng_seed(&rng, seed);
    while (side * side * side < n)
        side++;
    for (size_t i = 0; i < n; i++) {
        size_t ix = i % side, iy = (i / side) % side, iz = i / (side * side);
        a->z[i] = 18;
        a->x[3 * i] = s * (ix + 0.15 * (pesx_rng_uniform(&rng) - 0.5));
        a->x[3 * i + 1] = s * (iy + 0.15 * (pesx_rng_uniform(&rng) - 0.5));
        a->x[3 * i + 2] = s * (iz + 0.15 * (pesx_rng_uniform(&rng) - 0.5));
    }
    return a;
}

/* A skewed (triclinic) cell of edge about 1.45 S holding 4 jittered fcc
 * basis atoms (so the cell is shorter than twice any cutoff used here);
 * PBC selects the periodic directions (the cell is kept in all). */
static pesx_atoms *make_periodic(double s, unsigned long long seed, int pbc_z)
{
    static const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
    double L = 1.45 * s;
    double cell[9] = {L, 0, 0, 0.28 * L, 0.93 * L, 0, 0.17 * L, 0.22 * L, 0.97 * L};
    pesx_atoms *a = pesx_atoms_alloc(4);
    pesx_rng rng;
    pesx_rng_seed(&rng, seed);
    memcpy(a->cell, cell, sizeof cell);
    a->has_cell = 1;
    a->pbc[0] = a->pbc[1] = 1;
    a->pbc[2] = pbc_z;
    for (size_t i = 0; i < 4; i++) {
        double f[3];
        for (int k = 0; k < 3; k++)
            f[k] = basis[i][k] + 0.06 * (pesx_rng_uniform(&rng) - 0.5);
        a->z[i] = 78;
        for (int k = 0; k < 3; k++)
            a->x[3 * i + k] = f[0] * cell[k] + f[1] * cell[3 + k] + f[2] * cell[6 + k];
    }
    return a;
}

/* One atom at (x, y, z). */
static pesx_atoms *make_point(double x, double y, double z)
{
    pesx_atoms *a = pesx_atoms_alloc(1);
    a->z[0] = 1;
    a->x[0] = x;
    a->x[1] = y;
    a->x[2] = z;
    return a;
}

/* An OptBench extended XYZ file through the io reader: the structure, its
 * energy, its forces (when FORCES is given and the file has them; caller
 * frees) and the other comment-line keys (verbatim) into HDR. */
static pesx_atoms *load_extxyz(const char *path, double *energy, double **forces, char *hdr,
                               size_t hsize)
{
    pesx_frame fr;
    pesx_atoms *a;
    pesx_frame_init(&fr);
    int st = pesx_xyz_read_frame(path, 0, &fr);
    ck_assert_msg(st == PESX_OK, "reading %s: %s", path, pesx_error_last()->msg);
    ck_assert_msg(fr.has_energy, "%s: no energy", path);
    *energy = fr.energy;
    snprintf(hdr, hsize, " %s", fr.info ? fr.info : "");
    if (forces) {
        *forces = NULL;
        if (fr.has_forces) {
            *forces = malloc(3 * fr.atoms->n * sizeof **forces);
            memcpy(*forces, fr.forces, 3 * fr.atoms->n * sizeof **forces);
        }
    }
    a = pesx_atoms_clone(fr.atoms);
    pesx_frame_release(&fr);
    return a;
}

/* ---- conformance: every registered type ------------------------------------ */

/* Specs to test each type with.  SCALE is a typical nearest-neighbour
 * distance; PERIODIC says whether the spec can evaluate periodic cells
 * (finite cutoff; 2: only fully periodic ones, no slabs); Z are the
 * elements of the test structures (atoms
 * alternate between z[0] and z[1]; z[1] = 0: one element).  In a spec,
 * "@DATA/REL" (up to a comma or the end) is a path under tests/data and
 * "@SHARED/REL" one under $PESX_SHARED (the row is skipped when that is
 * absent).  A new type needs at
 * least one row here (the loop test fails for a type without one). */
typedef struct {
    const char *type, *spec;
    double scale;
    int periodic;
    int z[2];
} conf_row;

static const conf_row conf[] = {
    {"lj", "lj", 1.12, 0, {18, 0}},
    {"lj", "lj:rc=2.2", 1.12, 1, {18, 0}},
    {"lj", "lj:epsilon=0.7,sigma=1.3,rc=2.4,shift=0", 1.45, 1, {18, 0}},
    {"morse", "morse:pt", 2.8, 1, {78, 0}},
    {"morse", "morse:D=0.5,alpha=1.2,r0=2.2", 2.3, 0, {78, 0}},
    {"morse", "morse:D=0.5,alpha=1.2,r0=2.2,rc=5.5,shift=no", 2.3, 1, {78, 0}},
    {"muller_brown", "muller_brown", 1, 0, {1, 0}},
    {"muller_brown", "muller_brown:scale=0.25", 1, 0, {1, 0}},
    {"bpnn", "n2p2:@SHARED/ref/n2p2/H2O_RPBE-D3,length=bohr,energy=hartree", 2.0, 1, {8, 1}},
    {"emt", "emt", 2.86, 1, {79, 13}},
    {"emt", "emt", 2.55, 1, {47, 29}},
    {"emt", "emt", 2.75, 1, {46, 78}},
    {"emt", "emt", 1.45, 1, {6, 8}},
    /* xtb's tightest SCF, so that central differences resolve the forces */
    {"xtb", "xtb:accuracy=0.0001", 1.3, 0, {6, 1}},
    {"xtb", "xtb:method=gfn1,accuracy=0.0001", 1.3, 0, {6, 1}},
    {"ext", "ext:script=@DATA/ext/lj.py", 1.12, 0, {18, 0}},
    /* "@IPI": the type's spec on a fresh socket with tests/ipi_client.py (ASE's
     * EMT, atoms of z[0]) connected; skipped without ASE */
    {"ipi", "@IPI", 2.55, 0, {29, 0}},
};

/* Start tests/ipi_client.py for the element Z on a socket of its own and put
 * the matching ipi spec in SPEC; -1 when /usr/bin/python3 has no ASE. */
static pid_t start_ipi_client(int z, char *spec, size_t size)
{
    char script[4096], name[64];
    pid_t pid;
    if (system("/usr/bin/python3 -c 'import ase.calculators.socketio' >/dev/null 2>&1") != 0)
        return -1;
    tu_data_path(script, sizeof script, "../ipi_client.py");
    snprintf(name, sizeof name, "pesx-check-%ld", (long)getpid());
    snprintf(spec, size, "ipi:unix=%s,timeout=30", name);
    pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        execl("/usr/bin/python3", "python3", script, "--unix", name, "--element",
              pesx_element_symbol(z), (char *)NULL);
        _exit(127);
    }
    return pid;
}

static void set_elements(pesx_atoms *a, const int z[2])
{
    for (size_t i = 0; i < a->n; i++)
        a->z[i] = (i % 2 && z[1]) ? z[1] : z[0];
}

static void rotate(double *x, size_t n, const double R[9])
{
    for (size_t i = 0; i < n; i++) {
        double v[3] = {x[3 * i], x[3 * i + 1], x[3 * i + 2]};
        for (int k = 0; k < 3; k++)
            x[3 * i + k] = R[3 * k] * v[0] + R[3 * k + 1] * v[1] + R[3 * k + 2] * v[2];
    }
}

static void check_structure(pesx_potential *p, const pesx_atoms *a, const char *what)
{
    unsigned flags = pesx_potential_flags(p);
    const char *spec = pesx_potential_spec(p);
    double *f, *ae, err, fmax, sum = 0;
    double e = eval_ef(p, a, &f, &ae);
    /* xtb iterates to self-consistency: its forces are reproducible to the
     * SCF's convergence (accuracy=0.0001), not to rounding; its periodic
     * lattice sums (GFN1) move by about 5e-6 eV under translation */
    int scf = strcmp(pesx_potential_get_type(p)->name, "xtb") == 0;
    double ftol = scf ? (pesx_atoms_any_pbc(a) ? 1e-5 : 1e-7) : 1e-9;
    double etol = scf && pesx_atoms_any_pbc(a) ? 1e-7 : 1e-10;

    /* forces = -grad E */
    ck_assert_int_eq(tu_force_fd_error(p, a, 1e-5, &err, &fmax), PESX_OK);
    ck_assert_msg(fmax > 1e-3, "%s %s: forces vanish (%g): a weak test", spec, what, fmax);
    ck_assert_msg(err <= 2e-6 * fmax + 1e-8, "%s %s: |F - F_fd| = %g (max |F| %g)", spec, what,
                  err, fmax);
    /* atom energies (NaN from a method without them) */
    for (size_t i = 0; i < a->n; i++)
        sum += ae[i];
    if (flags & PESX_POTENTIAL_NO_ATOM_ENERGIES)
        ck_assert_msg(isnan(sum), "%s %s: atom energies of a method without them", spec, what);
    else
        ck_assert_msg(fabs(sum - e) <= 1e-12 * (fabs(e) + a->n),
                      "%s %s: sum of atom energies %.15g != energy %.15g", spec, what, sum, e);

    if (!(flags & PESX_POTENTIAL_MODEL_SURFACE)) {
        pesx_atoms *b = pesx_atoms_clone(a);
        double *fb, *aeb, eb;
        /* translation (periodic: well outside the cell) */
        for (size_t i = 0; i < a->n; i++) {
            b->x[3 * i] += 3.7 * a->cell[0] + 0.31;
            b->x[3 * i + 1] -= 2.2;
            b->x[3 * i + 2] += 0.77;
        }
        eb = eval_ef(p, b, &fb, &aeb);
        ck_assert_msg(fabs(eb - e) <= etol * (fabs(e) + 1), "%s %s: translated E %.15g vs %.15g",
                      spec, what, eb, e);
        for (size_t k = 0; k < 3 * a->n; k++)
            ck_assert_msg(fabs(fb[k] - f[k]) <= ftol * (fmax + 1), "%s %s: translated force %g",
                          spec, what, fabs(fb[k] - f[k]));
        free(fb);
        free(aeb);
        /* permutation: reversed order (elements move with their atoms) */
        for (size_t i = 0; i < a->n; i++) {
            b->z[a->n - 1 - i] = a->z[i];
            for (int k = 0; k < 3; k++)
                b->x[3 * (a->n - 1 - i) + k] = a->x[3 * i + k];
        }
        eb = eval_ef(p, b, &fb, &aeb);
        ck_assert_msg(fabs(eb - e) <= etol * (fabs(e) + 1), "%s %s: permuted E %.15g vs %.15g",
                      spec, what, eb, e);
        for (size_t i = 0; i < a->n; i++) {
            ck_assert((flags & PESX_POTENTIAL_NO_ATOM_ENERGIES) ||
                      fabs(aeb[a->n - 1 - i] - ae[i]) <= 1e-10 * (fabs(ae[i]) + 1));
            for (int k = 0; k < 3; k++)
                ck_assert_msg(fabs(fb[3 * (a->n - 1 - i) + k] - f[3 * i + k]) <= ftol * (fmax + 1),
                              "%s %s: permuted force %g", spec, what,
                              fabs(fb[3 * (a->n - 1 - i) + k] - f[3 * i + k]));
        }
        free(fb);
        free(aeb);
        if (pesx_atoms_any_pbc(a)) {
            /* moving one atom by a lattice vector changes nothing */
            memcpy(b->x, a->x, 3 * a->n * sizeof *a->x);
            memcpy(b->z, a->z, a->n * sizeof *a->z);
            for (int k = 0; k < 3; k++)
                b->x[k] += 2 * a->cell[3 + k] - a->cell[k];
            eb = eval_ef(p, b, &fb, &aeb);
            ck_assert_msg(fabs(eb - e) <= etol * (fabs(e) + 1),
                          "%s %s: atom 0 moved by a lattice vector: E %.15g vs %.15g", spec, what,
                          eb, e);
            for (size_t i = 0; i < a->n; i++) {
                ck_assert_msg((flags & PESX_POTENTIAL_NO_ATOM_ENERGIES) ||
                                  fabs(aeb[i] - ae[i]) <= 1e-10 * (fabs(ae[i]) + 1),
                              "%s %s: atom 0 moved by a lattice vector: energy of atom %zu", spec,
                              what, i);
                for (int k = 0; k < 3; k++)
                    ck_assert_msg(fabs(fb[3 * i + k] - f[3 * i + k]) <= ftol * (fmax + 1),
                                  "%s %s: atom 0 moved by a lattice vector: force on atom %zu",
                                  spec, what, i);
            }
            free(fb);
            free(aeb);
        } else {
            /* rotation of a cluster */
            double c = cos(0.7), s = sin(0.7), c2 = cos(-1.1), s2 = sin(-1.1);
            double Rz[9] = {c, -s, 0, s, c, 0, 0, 0, 1}, Rx[9] = {1, 0, 0, 0, c2, -s2, 0, s2, c2};
            memcpy(b->x, a->x, 3 * a->n * sizeof *a->x);
            memcpy(b->z, a->z, a->n * sizeof *a->z);
            rotate(b->x, b->n, Rz);
            rotate(b->x, b->n, Rx);
            eb = eval_ef(p, b, &fb, &aeb);
            ck_assert_msg(fabs(eb - e) <= etol * (fabs(e) + 1), "%s %s: rotated E %.15g vs %.15g",
                          spec, what, eb, e);
            rotate(f, a->n, Rz);
            rotate(f, a->n, Rx);
            for (size_t k = 0; k < 3 * a->n; k++)
                ck_assert_msg(fabs(fb[k] - f[k]) <= ftol * (fmax + 1), "%s %s: rotated force",
                              spec, what);
            free(fb);
            free(aeb);
        }
        pesx_atoms_free(b);
    }
    free(f);
    free(ae);
}

START_TEST(test_conformance)
{
    const pesx_potential_type *T = pesx_potential_types()[_i];
    int rows = 0;
    ck_assert_ptr_nonnull(T);
    for (size_t r = 0; r < sizeof conf / sizeof conf[0]; r++) {
        if (strcmp(conf[r].type, T->name) != 0)
            continue;
        char spec[4096], rel[512], path[3500];
        int ipi_row = strcmp(conf[r].spec, "@IPI") == 0;
        const char *at = ipi_row ? NULL : strchr(conf[r].spec, '@'), *tail = "";
        snprintf(spec, sizeof spec, "%s", conf[r].spec);
        if (at) {
            int shared = strncmp(at, "@SHARED/", 8) == 0;
            const char *rest = at + (shared ? 8 : 6);
            ck_assert(shared || strncmp(at, "@DATA/", 6) == 0);
            tail = strchr(rest, ',') ? strchr(rest, ',') : rest + strlen(rest);
            snprintf(rel, sizeof rel, "%.*s", (int)(tail - rest), rest);
            if (!shared) {
                tu_data_path(path, sizeof path, rel);
            } else if (!tu_shared_path(path, sizeof path, rel)) {
                fprintf(stderr, "skipped %s: $PESX_SHARED is absent\n", conf[r].spec);
                rows++;
                continue;
            }
            snprintf(spec, sizeof spec, "%.*s%s%s", (int)(at - conf[r].spec), conf[r].spec, path,
                     tail);
        }
        pid_t client = 0;
        if (ipi_row && (client = start_ipi_client(conf[r].z[0], spec, sizeof spec)) < 0) {
            fprintf(stderr, "skipped %s: /usr/bin/python3 has no ASE\n", T->name);
            rows++;
            continue;
        }
        rows++;
        pesx_error_clear();
        pesx_potential *p = pesx_potential_open(spec);
        if (!p && pesx_error_last()->code == PESX_EUNSUPPORTED) {
            /* an optional library this build lacks (xtb) */
            fprintf(stderr, "skipped %s: %s\n", conf[r].spec, pesx_error_last()->msg);
            continue;
        }
        ck_assert_msg(p != NULL, "pesx_potential_open(\"%s\") failed: %s", spec,
                      pesx_error_last()->msg);
        ck_assert_ptr_eq(pesx_potential_get_type(p), T);
        if (T->flags & PESX_POTENTIAL_MODEL_SURFACE) {
            static const double pts[][3] = {{-0.3, 0.9, 0.4}, {0.4, 0.1, -2}, {-1.1, 1.3, 0},
                                            {0.7, 0.6, 1}};
            for (size_t k = 0; k < sizeof pts / sizeof pts[0]; k++) {
                pesx_atoms *a = make_point(pts[k][0], pts[k][1], pts[k][2]);
                check_structure(p, a, "point");
                pesx_atoms_free(a);
            }
        } else {
            pesx_atoms *a = make_cluster(13, conf[r].scale, 11 + r);
            set_elements(a, conf[r].z);
            check_structure(p, a, "cluster of 13");
            pesx_atoms_free(a);
            a = make_cluster(5, conf[r].scale, 5 + r);
            set_elements(a, conf[r].z);
            check_structure(p, a, "cluster of 5");
            pesx_atoms_free(a);
            if (conf[r].periodic) {
                a = make_periodic(conf[r].scale, 3 + r, 1);
                set_elements(a, conf[r].z);
                check_structure(p, a, "triclinic 3D cell");
                pesx_atoms_free(a);
            }
            if (conf[r].periodic == 1) {
                a = make_periodic(conf[r].scale, 7 + r, 0);
                set_elements(a, conf[r].z);
                check_structure(p, a, "triclinic slab (pbc T T F)");
                pesx_atoms_free(a);
            }
        }
        pesx_potential_free(p);
        if (client > 0) { /* the client leaves on the server's EXIT */
            int ws;
            ck_assert(waitpid(client, &ws, 0) == client);
            ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "ipi client status %d", ws);
        }
    }
    ck_assert_msg(rows > 0, "type %s has no row in conf[] of tests/check_potential.c", T->name);
}
END_TEST

/* ---- brute-force sums -------------------------------------------------------- */

static double lj_v(double r, double eps, double sig)
{
    double s6 = pow(sig / r, 6);
    return 4 * eps * (s6 * s6 - s6);
}

/* Sum over images within [-m, m] in each periodic direction, i.e. the
 * definition of the periodic energy, with no neighbour list. */
static double brute_lj(const pesx_atoms *a, double eps, double sig, double rc, int shift)
{
    double e = 0, vc = shift ? lj_v(rc, eps, sig) : 0;
    int m[3];
    double vol = fabs(pesx_cell_volume(a->cell));
    for (int k = 0; k < 3; k++) {
        const double *u = a->cell + 3 * ((k + 1) % 3), *w = a->cell + 3 * ((k + 2) % 3);
        double cx = u[1] * w[2] - u[2] * w[1], cy = u[2] * w[0] - u[0] * w[2],
               cz = u[0] * w[1] - u[1] * w[0];
        double width = vol / sqrt(cx * cx + cy * cy + cz * cz);
        m[k] = a->pbc[k] ? (int)ceil(rc / width) + 1 : 0;
    }
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < a->n; j++)
            for (int n0 = -m[0]; n0 <= m[0]; n0++)
                for (int n1 = -m[1]; n1 <= m[1]; n1++)
                    for (int n2 = -m[2]; n2 <= m[2]; n2++) {
                        double d[3], r;
                        if (i == j && !n0 && !n1 && !n2)
                            continue;
                        for (int k = 0; k < 3; k++)
                            d[k] = a->x[3 * j + k] - a->x[3 * i + k] + n0 * a->cell[k] +
                                   n1 * a->cell[3 + k] + n2 * a->cell[6 + k];
                        r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                        if (r < rc)
                            e += 0.5 * (lj_v(r, eps, sig) - vc);
                    }
    return e;
}

START_TEST(test_lj_periodic_brute_force)
{
    /* cells far shorter than 2 rc: many images of every atom, including itself */
    static const struct { double rc; int shift, pbcz; } cases[] = {
        {2.2, 1, 1}, {3.7, 0, 1}, {3.1, 1, 0}, {5.0, 1, 1}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char spec[128];
        pesx_atoms *a = make_periodic(1.12, 40 + c, cases[c].pbcz);
        snprintf(spec, sizeof spec, "lj:rc=%g,shift=%d,sigma=1.05,epsilon=0.9", cases[c].rc,
                 cases[c].shift);
        pesx_potential *p = open_ok(spec);
        double e = energy_of(p, a), eb = brute_lj(a, 0.9, 1.05, cases[c].rc, cases[c].shift);
        ck_assert_msg(fabs(e - eb) <= 1e-11 * (fabs(eb) + 1), "%s: %.15g vs brute force %.15g",
                      spec, e, eb);
        pesx_potential_free(p);
        pesx_atoms_free(a);
    }
}
END_TEST

START_TEST(test_lj_large_cluster_nlist)
{
    /* more than PESX_PAIR_DIRECT_MAX atoms with a finite cutoff: the
     * neighbour-list path, against the direct sum */
    pesx_atoms *a = make_cluster(300, 1.1, 99);
    pesx_potential *p = open_ok("lj:rc=2.5");
    double *f, *ae, e = eval_ef(p, a, &f, &ae), eb = brute_lj(a, 1, 1, 2.5, 1);
    double fb[3] = {0, 0, 0}, vc = lj_v(2.5, 1, 1);
    ck_assert_rel(e, eb, 1e-12);
    /* force on atom 17 by hand */
    for (size_t j = 0; j < a->n; j++) {
        double d[3], r, s6, dv;
        if (j == 17)
            continue;
        for (int k = 0; k < 3; k++)
            d[k] = a->x[3 * j + k] - a->x[3 * 17 + k];
        r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        if (r >= 2.5)
            continue;
        s6 = pow(1 / r, 6);
        dv = -24 * (2 * s6 * s6 - s6) / r;
        for (int k = 0; k < 3; k++)
            fb[k] += dv * d[k] / r;
    }
    (void)vc;
    for (int k = 0; k < 3; k++)
        ck_assert_msg(fabs(f[3 * 17 + k] - fb[k]) < 1e-10 * (fabs(fb[k]) + 1), "force %d", k);
    free(f);
    free(ae);
    pesx_potential_free(p);
    pesx_atoms_free(a);
}
END_TEST

/* ---- reference values ---------------------------------------------------------- */

START_TEST(test_lj_dimer)
{
    pesx_potential *p = open_ok("lj:epsilon=0.35,sigma=2.3");
    pesx_atoms *a = pesx_atoms_alloc(2);
    double *f, r0 = pow(2.0, 1.0 / 6.0) * 2.3;
    a->x[3] = r0 / sqrt(3);
    a->x[4] = r0 / sqrt(3);
    a->x[5] = r0 / sqrt(3);
    double e = eval_ef(p, a, &f, NULL);
    ck_assert_rel(e, -0.35, 1e-13);
    for (int k = 0; k < 6; k++)
        ck_assert_msg(fabs(f[k]) < 1e-13, "force %g at the minimum", f[k]);
    free(f);
    /* compressed: repulsive, force pushes atom 1 outwards */
    a->x[3] = a->x[4] = a->x[5] = 0.9 * r0 / sqrt(3);
    e = eval_ef(p, a, &f, NULL);
    ck_assert(e > -0.35 && f[3] > 0 && f[0] < 0);
    free(f);
    pesx_potential_free(p);
    pesx_atoms_free(a);
}
END_TEST

/* LJ13 Mackay icosahedron, radius optimised (bisection): -44.326801
 * (Wales & Doye, J. Phys. Chem. A 101, 5111 (1997)). */
static void icosahedron(pesx_atoms *a, double R)
{
    const double ph = (1 + sqrt(5.0)) / 2, norm = sqrt(1 + ph * ph);
    size_t i = 1;
    a->x[0] = a->x[1] = a->x[2] = 0;
    for (int s1 = 1; s1 >= -1; s1 -= 2)
        for (int s2 = 1; s2 >= -1; s2 -= 2) {
            double v[3][3] = {{0, s1, s2 * ph}, {s1, s2 * ph, 0}, {s2 * ph, 0, s1}};
            for (int m = 0; m < 3; m++, i++)
                for (int k = 0; k < 3; k++)
                    a->x[3 * i + k] = R * v[m][k] / norm;
        }
}

START_TEST(test_lj13)
{
    pesx_potential *p = open_ok("lj");
    pesx_atoms *a = pesx_atoms_alloc(13);
    double lo = 1.0, hi = 1.2, *f;
    /* bisection on the radial force of a vertex atom */
    while (hi - lo > 1e-13) {
        double mid = 0.5 * (lo + hi), *fm;
        icosahedron(a, mid);
        eval_ef(p, a, &fm, NULL);
        if (fm[3] * a->x[3] + fm[4] * a->x[4] + fm[5] * a->x[5] > 0)
            lo = mid; /* pushed outwards: the radius is too small */
        else
            hi = mid;
        free(fm);
    }
    icosahedron(a, 0.5 * (lo + hi));
    double e = eval_ef(p, a, &f, NULL);
    ck_assert_msg(fabs(e - -44.326801) < 5e-7, "LJ13: %.10f", e);
    ck_assert_msg(max_atom_force(f, 13, NULL) < 1e-6, "LJ13 not stationary: %g", max_atom_force(f, 13, NULL));
    free(f);
    pesx_potential_free(p);
    pesx_atoms_free(a);
}
END_TEST

static double header_value(const char *hdr, const char *key)
{
    char k[128];
    snprintf(k, sizeof k, " %s=", key);
    const char *s = strstr(hdr, k);
    ck_assert_msg(s != NULL, "no %s in header", key);
    return strtod(s + strlen(k), NULL);
}

#define NEED_SHARED(buf, rel)                                                             \
    do {                                                                                  \
        if (!tu_shared_path(buf, sizeof buf, rel)) {                                      \
            fprintf(stderr, "skipped: $PESX_SHARED is not set or absent (%s)\n", rel);   \
            return;                                                                       \
        }                                                                                 \
    } while (0)

/* eOn's unit-test values (client/unit_tests/data/reference/point_lj.dat and
 * point_morse_pt.dat), printed with 6 decimals. */
START_TEST(test_eon_points)
{
    static const struct { const char *file, *spec; } cases[] = {
        {"ref/optbench/potential_checks/eon_point_lj13.extxyz", "lj:rc=15"},
        {"ref/optbench/potential_checks/eon_point_morse_pt.extxyz", "morse:pt"},
    };
    for (size_t c = 0; c < 2; c++) {
        char path[4096], hdr[4096];
        double eref, *f;
        NEED_SHARED(path, cases[c].file);
        pesx_atoms *a = load_extxyz(path, &eref, NULL, hdr, sizeof hdr);
        pesx_potential *p = open_ok(cases[c].spec);
        double e = eval_ef(p, a, &f, NULL);
        ck_assert_msg(fabs(e - eref) <= 5.1e-7, "%s: E %.8f vs eOn %.6f", cases[c].file, e, eref);
        double fm = max_atom_force(f, a->n, a->fixed), fref = header_value(hdr, "ref_max_atom_force");
        ck_assert_msg(fabs(fm - fref) <= 5.1e-7, "%s: max force %.8f vs eOn %.6f", cases[c].file,
                      fm, fref);
        free(f);
        pesx_potential_free(p);
        pesx_atoms_free(a);
    }
}
END_TEST

START_TEST(test_optbench_pt)
{
    char path[4096], hdr[4096];
    double eref, *fref, *f;
    pesx_potential *p = open_ok("morse:pt");
    NEED_SHARED(path, "ref/optbench/pt_heptamer/reactant.extxyz");
    /* the reactant and every product: energies in the headers */
    for (int k = -1; k < 59; k++) {
        char rel[128];
        if (k < 0)
            snprintf(rel, sizeof rel, "ref/optbench/pt_heptamer/reactant.extxyz");
        else
            snprintf(rel, sizeof rel, "ref/optbench/pt_heptamer/product_%02d.extxyz", k);
        tu_shared_path(path, sizeof path, rel);
        pesx_atoms *a = load_extxyz(path, &eref, NULL, hdr, sizeof hdr);
        ck_assert_int_eq(a->n, 343);
        double e = energy_of(p, a);
        ck_assert_msg(fabs(e - eref) <= 1e-9 * fabs(eref), "%s: %.10f vs %.8f", rel, e, eref);
        if (k < 0)
            ck_assert_msg(fabs(e - -1775.79114956) < 1e-7 * 1775.8, "reactant %.10f", e);
        pesx_atoms_free(a);
    }
    /* a midpoint with forces from the reference implementation */
    tu_shared_path(path, sizeof path, "ref/optbench/potential_checks/pt_heptamer_midpoint_r_p04.extxyz");
    pesx_atoms *a = load_extxyz(path, &eref, &fref, hdr, sizeof hdr);
    ck_assert_ptr_nonnull(fref);
    double e = eval_ef(p, a, &f, NULL);
    ck_assert_msg(fabs(e - eref) <= 1e-10 * fabs(eref), "midpoint %.10f vs %.10f", e, eref);
    for (size_t k = 0; k < 3 * a->n; k++)
        ck_assert_msg(fabs(f[k] - fref[k]) < 1e-9, "midpoint force %zu: %.12g vs %.12g", k, f[k],
                      fref[k]);
    free(f);
    free(fref);
    pesx_atoms_free(a);
    pesx_potential_free(p);
}
END_TEST

START_TEST(test_optbench_lj38)
{
    pesx_potential *plain = open_ok("lj"), *eon = open_ok("lj:rc=15");
    for (int k = 0; k < 5; k++) {
        char rel[128], path[4096], hdr[4096];
        double eref;
        snprintf(rel, sizeof rel, "ref/optbench/lj38_minimization/cluster_%04d.extxyz", k * 17);
        NEED_SHARED(path, rel);
        pesx_atoms *a = load_extxyz(path, &eref, NULL, hdr, sizeof hdr);
        ck_assert_int_eq(a->n, 38);
        double e = energy_of(plain, a), e15 = energy_of(eon, a);
        ck_assert_msg(fabs(e - eref) <= 1e-9 * fabs(eref) + 1e-5, "%s: %.8f vs %.8f", rel, e,
                      eref);
        ck_assert_msg(fabs(e15 - header_value(hdr, "energy_eon_lj_rc15")) <= 1e-9 * fabs(eref) + 1e-5,
                      "%s: rc=15 %.8f", rel, e15);
        /* eOn's shift: 703 pairs x -V(15) = 3.5117e-7 (every pair is inside 15) */
        ck_assert_msg(fabs((e15 - e) + 703 * lj_v(15, 1, 1)) < 1e-9, "%s: shift %.6g", rel,
                      e15 - e);
        pesx_atoms_free(a);
    }
    pesx_potential_free(plain);
    pesx_potential_free(eon);
}
END_TEST

START_TEST(test_morse_pair)
{
    /* one pair: V(r0) = -D, V(rc) = 0 with the shift, 0 beyond rc */
    pesx_potential *p = open_ok("morse:D=0.9,alpha=1.3,r0=2.5,rc=6");
    pesx_potential *q = open_ok("morse:D=0.9,alpha=1.3,r0=2.5,rc=6,shift=0");
    pesx_atoms *a = pesx_atoms_alloc(2);
    double *f, vc = 0.9 * (pow(1 - exp(-1.3 * 3.5), 2) - 1);
    a->x[5] = 2.5;
    double e = eval_ef(p, a, &f, NULL);
    ck_assert_rel(e, -0.9 - vc, 1e-14);
    ck_assert(fabs(f[5]) < 1e-14);
    free(f);
    ck_assert_rel(energy_of(q, a), -0.9, 1e-14);
    a->x[5] = 6 - 1e-9;
    ck_assert(fabs(energy_of(p, a)) < 1e-9);
    a->x[5] = 6.0001;
    ck_assert(energy_of(p, a) == 0 && energy_of(q, a) == 0);
    /* morse:pt is the preset's numbers */
    pesx_potential *pt = open_ok("morse:pt"), *pt2 = open_ok("morse:preset=pt"),
                   *pt3 = open_ok("morse:D=0.7102,alpha=1.6047,r0=2.8970,rc=9.5");
    a->x[5] = 3.1;
    e = energy_of(pt, a);
    ck_assert_rel(e, 0.7102 * (pow(1 - exp(-1.6047 * (3.1 - 2.897)), 2) - 1) + 3.5538e-5, 1e-4);
    ck_assert(e == energy_of(pt2, a) && e == energy_of(pt3, a));
    /* a preset value overridden */
    pesx_potential *pt4 = open_ok("morse:pt,D=1.4204");
    ck_assert_rel(energy_of(pt4, a), 2 * e, 1e-13);
    ck_assert_rel(pesx_potential_cutoff(pt), 9.5, 0);
    pesx_potential_free(pt);
    pesx_potential_free(pt2);
    pesx_potential_free(pt3);
    pesx_potential_free(pt4);
    pesx_potential_free(p);
    pesx_potential_free(q);
    pesx_atoms_free(a);
}
END_TEST

/* ---- Mueller-Brown ------------------------------------------------------------ */

static void mb_hessian_signs(pesx_potential *p, double x, double y, int *n_neg)
{
    double H[2][2], h = 1e-4;
    pesx_atoms *a = make_point(x, y, 0);
    for (int k = 0; k < 2; k++) {
        double *fp, *fm;
        a->x[k] += h;
        eval_ef(p, a, &fp, NULL);
        a->x[k] -= 2 * h;
        eval_ef(p, a, &fm, NULL);
        a->x[k] += h;
        for (int m = 0; m < 2; m++)
            H[k][m] = -(fp[m] - fm[m]) / (2 * h);
        free(fp);
        free(fm);
    }
    double tr = H[0][0] + H[1][1], det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
    ck_assert(fabs(H[0][1] - H[1][0]) < 1e-5 * (fabs(tr) + 1));
    *n_neg = det < 0 ? 1 : (tr < 0 ? 2 : 0);
    pesx_atoms_free(a);
}

START_TEST(test_muller_brown)
{
    /* published points (Mueller & Brown 1979 and many since), 3 decimals,
     * and the stationary points located to 1e-12 (scipy root) */
    static const struct { double x, y, e, xs, ys, es; int n_neg; } pts[] = {
        {-0.558, 1.442, -146.70, -0.558223634633, 1.441725841805, -146.6995172100, 0},
        {0.623, 0.028, -108.17, 0.623499404931, 0.028037758529, -108.1667241169, 0},
        {-0.050, 0.467, -80.77, -0.050010822998, 0.466694104872, -80.7678181297, 0},
        {-0.822, 0.624, -40.66, -0.822001558733, 0.624312802815, -40.6648435087, 1},
        {0.212, 0.293, -72.25, 0.212486582001, 0.292988325107, -72.2489401123, 1},
    };
    pesx_potential *p = open_ok("muller_brown"), *q = open_ok("muller_brown:scale=2.5");
    for (size_t k = 0; k < sizeof pts / sizeof pts[0]; k++) {
        pesx_atoms *a = make_point(pts[k].x, pts[k].y, 3.3);
        double *f, e;
        int n_neg;
        ck_assert_msg(fabs(energy_of(p, a) - pts[k].e) < 0.01, "MB at (%g,%g): %.4f vs %.2f",
                      pts[k].x, pts[k].y, energy_of(p, a), pts[k].e);
        a->x[0] = pts[k].xs;
        a->x[1] = pts[k].ys;
        e = eval_ef(p, a, &f, NULL);
        ck_assert_msg(fabs(e - pts[k].es) < 1e-9, "MB stationary %zu: %.10f", k, e);
        ck_assert_msg(fabs(f[0]) < 1e-8 && fabs(f[1]) < 1e-8 && f[2] == 0,
                      "MB point %zu not stationary: %g %g", k, f[0], f[1]);
        ck_assert_rel(energy_of(q, a), 2.5 * e, 1e-14);
        mb_hessian_signs(p, pts[k].xs, pts[k].ys, &n_neg);
        ck_assert_int_eq(n_neg, pts[k].n_neg);
        free(f);
        pesx_atoms_free(a);
    }
    ck_assert(pesx_potential_flags(p) & PESX_POTENTIAL_MODEL_SURFACE);
    ck_assert(pesx_potential_cutoff(p) == 0);
    /* exactly one atom */
    pesx_atoms *two = make_cluster(2, 1, 1);
    pesx_potential_result r;
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(pesx_potential_eval(p, two, &r), PESX_EINVAL);
    ck_assert(strstr(pesx_error_last()->msg, "one atom"));
    pesx_atoms_free(two);
    pesx_potential_free(p);
    pesx_potential_free(q);
}
END_TEST

/* ---- front end ----------------------------------------------------------------- */

/* ---- many structures at once, and the ledger ----------------------------------- */

/* pesx_potential_eval_many gives bit for bit what eval gives each structure
 * alone, counts every structure and names the one that failed. */
START_TEST(test_eval_many)
{
    static const char *specs[] = {"lj:rc=2.2", "morse:pt", "lj"};
    for (size_t s = 0; s < sizeof specs / sizeof specs[0]; s++) {
        pesx_potential *p = open_ok(specs[s]);
        double scale = s == 1 ? 2.8 : 1.12;
        pesx_atoms *a[3] = {make_cluster(7, scale, 1), make_cluster(7, scale, 2),
                            s == 2 ? make_cluster(9, scale, 4) : make_periodic(scale, 3, 1)};
        pesx_potential_result r[3], one;
        double *f[3], *ae[3], *f1, *ae1;
        size_t failed = 99;
        for (int k = 0; k < 3; k++) {
            memset(&r[k], 0, sizeof r[k]);
            r[k].forces = f[k] = calloc(3 * a[k]->n, sizeof *f[k]);
            r[k].atom_energies = ae[k] = calloc(a[k]->n, sizeof *ae[k]);
        }
        ck_assert_int_eq(pesx_potential_eval_many(p, 3, (const pesx_atoms *const *)a, r, NULL),
                         PESX_OK);
        ck_assert_uint_eq(pesx_potential_calls(p), 3);
        for (int k = 0; k < 3; k++) {
            double e1 = eval_ef(p, a[k], &f1, &ae1);
            ck_assert_msg(e1 == r[k].energy, "%s: structure %d: %.17g vs %.17g", specs[s], k,
                          r[k].energy, e1);
            ck_assert(memcmp(f1, f[k], 3 * a[k]->n * sizeof *f1) == 0);
            ck_assert(memcmp(ae1, ae[k], a[k]->n * sizeof *ae1) == 0);
            free(f1);
            free(ae1);
        }
        ck_assert_uint_eq(pesx_potential_calls(p), 6);
        ck_assert(pesx_potential_seconds(p) > 0.0);
        /* K = 0 does nothing; a bad structure is named */
        ck_assert_int_eq(pesx_potential_eval_many(p, 0, NULL, NULL, NULL), PESX_OK);
        ck_assert_uint_eq(pesx_potential_calls(p), 6);
        a[1]->x[4] = NAN;
        ck_assert_int_eq(pesx_potential_eval_many(p, 3, (const pesx_atoms *const *)a, r, &failed),
                         PESX_EINVAL);
        ck_assert_uint_eq(failed, 1);
        ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "atom 2"));
        pesx_potential_reset_calls(p);
        ck_assert_uint_eq(pesx_potential_calls(p), 0);
        ck_assert(pesx_potential_seconds(p) == 0.0);
        memset(&one, 0, sizeof one);
        ck_assert_int_eq(pesx_potential_eval(p, a[0], &one), PESX_OK);
        ck_assert(pesx_potential_seconds(p) > 0.0);
        for (int k = 0; k < 3; k++) {
            free(f[k]);
            free(ae[k]);
            pesx_atoms_free(a[k]);
        }
        pesx_potential_free(p);
    }
}
END_TEST

/* A REPLICABLE type's batch on threads: each structure's result is the one
 * evaluated alone, bit for bit, and a failure names the first structure (by
 * index) that failed, whichever thread met it first. */
START_TEST(test_eval_many_threads)
{
    enum { K = 9 };
    pesx_potential *p = open_ok("muller_brown");
    pesx_atoms *a[K];
    pesx_potential_result r[K], one;
    double f[K][6], f1[6];
    size_t failed = 99;
#ifdef _OPENMP
    int threads = omp_get_max_threads();
    omp_set_num_threads(2);
#endif
    ck_assert(pesx_potential_flags(p) & PESX_POTENTIAL_REPLICABLE);
    for (int k = 0; k < K; k++) {
        a[k] = pesx_atoms_alloc(1);
        a[k]->x[0] = -1.0 + 0.2 * k;
        a[k]->x[1] = 0.1 * k;
        memset(&r[k], 0, sizeof r[k]);
        r[k].forces = f[k];
    }
    ck_assert_int_eq(pesx_potential_eval_many(p, K, (const pesx_atoms *const *)a, r, NULL), PESX_OK);
    for (int k = 0; k < K; k++) {
        memset(&one, 0, sizeof one);
        one.forces = f1;
        ck_assert_int_eq(pesx_potential_eval(p, a[k], &one), PESX_OK);
        ck_assert(one.energy == r[k].energy);
        ck_assert(memcmp(f1, f[k], 3 * sizeof *f1) == 0);
    }
    /* structures 4 and 7 (0-based 3 and 6) have two atoms: the type refuses */
    for (int k = 3; k < K; k += 3) {
        pesx_atoms_free(a[k]);
        a[k] = pesx_atoms_alloc(2);
        a[k]->x[3] = 1.0;
    }
    ck_assert_int_ne(pesx_potential_eval_many(p, K, (const pesx_atoms *const *)a, r, &failed),
                     PESX_OK);
    ck_assert_uint_eq(failed, 3);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "exactly one atom"));
    for (int k = 0; k < K; k++)
        pesx_atoms_free(a[k]);
    pesx_potential_free(p);
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
}
END_TEST

START_TEST(test_front_end)
{
    pesx_potential *p = open_ok("lj:epsilon=2");
    pesx_atoms *a = make_cluster(6, 1.1, 3);
    double fs[18], me[1], *f;
    unsigned char ex[6] = {1, 1, 1, 1, 1, 1};
    pesx_potential_result r;

    ck_assert_str_eq(pesx_potential_spec(p), "lj:epsilon=2");
    ck_assert_str_eq(pesx_potential_get_type(p)->name, "lj");
    ck_assert(isinf(pesx_potential_cutoff(p)));
    ck_assert_uint_eq(pesx_potential_n_members(p), 1);
    ck_assert_uint_eq(pesx_potential_calls(p), 0);
    /* single member: spread zero, member energy = energy, flags cleared */
    memset(&r, 0, sizeof r);
    for (int k = 0; k < 18; k++)
        fs[k] = 99;
    r.forces_std = fs;
    r.member_energies = me;
    r.extrapolating = ex;
    r.has_std = 1;
    r.n_extrapolating = 7;
    ck_assert_int_eq(pesx_potential_eval(p, a, &r), PESX_OK);
    ck_assert(r.has_std == 0 && r.energy_std == 0 && r.n_extrapolating == 0);
    ck_assert(me[0] == r.energy);
    for (int k = 0; k < 18; k++)
        ck_assert(fs[k] == 0);
    for (int k = 0; k < 6; k++)
        ck_assert(ex[k] == 0);
    /* epsilon scales the energy */
    pesx_potential *p1 = open_ok("lj");
    ck_assert_rel(r.energy, 2 * energy_of(p1, a), 1e-14);
    ck_assert_uint_eq(pesx_potential_calls(p), 1);
    energy_of(p, a);
    ck_assert_uint_eq(pesx_potential_calls(p), 2);
    pesx_potential_reset_calls(p);
    ck_assert_uint_eq(pesx_potential_calls(p), 0);

    /* default spec from pesx_potential_alloc */
    pesx_params prm;
    pesx_params_init(&prm);
    pesx_params_add(&prm, "sigma", "1.1");
    pesx_potential *p2 = pesx_potential_alloc(&pesx_potential_lj, &prm);
    ck_assert_ptr_nonnull(p2);
    ck_assert_str_eq(pesx_potential_spec(p2), "lj:sigma=1.1");
    pesx_params_release(&prm);
    pesx_params_init(&prm);
    pesx_params_add(&prm, "sigmaa", "1.1");
    ck_assert_ptr_null(pesx_potential_alloc(&pesx_potential_lj, &prm));
    ck_assert(strstr(pesx_error_last()->msg, "sigmaa"));
    pesx_params_release(&prm);
    ck_assert_ptr_null(pesx_potential_alloc(NULL, NULL));
    pesx_potential *p3 = pesx_potential_alloc(&pesx_potential_lj, NULL);
    ck_assert_ptr_nonnull(p3);
    ck_assert_str_eq(pesx_potential_spec(p3), "lj");
    pesx_potential_free(p3);
    pesx_potential_free(NULL);

    /* bad calls and structures */
    ck_assert_int_eq(pesx_potential_eval(NULL, a, &r), PESX_EINVAL);
    ck_assert_int_eq(pesx_potential_eval(p, NULL, &r), PESX_EINVAL);
    ck_assert_int_eq(pesx_potential_eval(p, a, NULL), PESX_EINVAL);
    a->x[4] = NAN;
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(pesx_potential_eval(p, a, &r), PESX_EINVAL);
    ck_assert(strstr(pesx_error_last()->msg, "atom 2"));
    a->x[4] = a->x[7];
    a->x[3] = a->x[6];
    a->x[5] = a->x[8]; /* atoms 1 and 2 on top of each other */
    ck_assert_int_eq(pesx_potential_eval(p, a, &r), PESX_EFAILED);
    ck_assert(strstr(pesx_error_last()->msg, "non-finite"));
    pesx_atoms_free(a);
    /* a periodic structure without a cutoff */
    a = make_periodic(1.12, 1, 1);
    ck_assert_int_eq(pesx_potential_eval(p, a, &r), PESX_EINVAL);
    ck_assert(strstr(pesx_error_last()->msg, "rc"));
    pesx_atoms_free(a);
    /* empty structure */
    a = pesx_atoms_alloc(0);
    if (a) {
        eval_ef(p, a, &f, NULL);
        free(f);
        pesx_atoms_free(a);
    }
    pesx_potential_free(p);
    pesx_potential_free(p1);
    pesx_potential_free(p2);
}
END_TEST

/* A test double of a committee type, to exercise the front end's checks:
 * MODE selects which output goes wrong. */
static int fake_mode, fake_released;

static int fake_init(void *state, pesx_params *p)
{
    (void)state;
    fake_released = 0;
    return pesx_params_get(p, "fail") ? pesx_error_set(PESX_EINVAL, NULL, 0, "fake: asked to fail")
                                      : PESX_OK;
}

static int fake_eval(void *state, const pesx_atoms *a, pesx_potential_result *r)
{
    (void)state;
    if (fake_mode != 1)
        r->energy = 1.0;
    for (size_t k = 0; r->forces && k < 3 * a->n; k++)
        r->forces[k] = fake_mode == 2 && k == 4 ? INFINITY : 0.5;
    for (size_t k = 0; r->atom_energies && k < a->n; k++)
        r->atom_energies[k] = fake_mode == 3 && k == 1 ? NAN : 1.0 / (double)a->n;
    r->has_std = 1;
    r->energy_std = fake_mode == 4 ? NAN : 0.1;
    for (size_t k = 0; r->forces_std && k < 3 * a->n; k++)
        r->forces_std[k] = fake_mode == 5 && k == 2 ? NAN : 0.01;
    for (size_t k = 0; r->member_energies && k < 2; k++)
        r->member_energies[k] = fake_mode == 6 && k == 1 ? -INFINITY : 1.0;
    return PESX_OK;
}

static void fake_release(void *state)
{
    (void)state;
    fake_released = 1;
}

static size_t fake_members(const void *state)
{
    (void)state;
    return 2;
}

static const pesx_potential_type fake_type = {
    .name = "fake",
    .summary = "test double",
    .params_doc = "fail=0",
    .state_size = 8,
    .init = fake_init,
    .eval = fake_eval,
    .release = fake_release,
    .n_members = fake_members,
};

START_TEST(test_front_end_checks)
{
    static const char *const what[] = {"",           "energy",        "force of atom 2",
                                       "energy of atom 2", "energy spread", "force spread of atom 1",
                                       "energy of member 1"};
    pesx_atoms *a = make_cluster(3, 1.2, 1);
    double f[9], ae[3], fs[9], me[2];
    pesx_potential_result r;
    pesx_params prm;
    pesx_potential *p = pesx_potential_alloc(&fake_type, NULL);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(pesx_potential_n_members(p), 2);
    ck_assert(isinf(pesx_potential_cutoff(p)));
    for (fake_mode = 0; fake_mode <= 6; fake_mode++) {
        memset(&r, 0, sizeof r);
        r.forces = f;
        r.atom_energies = ae;
        r.forces_std = fs;
        r.member_energies = me;
        int st = pesx_potential_eval(p, a, &r);
        if (fake_mode == 0) {
            ck_assert_int_eq(st, PESX_OK);
            ck_assert(r.has_std == 1 && r.energy_std == 0.1 && fs[0] == 0.01 && me[1] == 1.0);
            continue;
        }
        ck_assert_msg(st == PESX_EFAILED, "mode %d: status %d", fake_mode, st);
        ck_assert_msg(strstr(pesx_error_last()->msg, what[fake_mode]),
                      "mode %d: '%s' lacks '%s'", fake_mode, pesx_error_last()->msg,
                      what[fake_mode]);
        ck_assert(strstr(pesx_error_last()->msg, "non-finite"));
    }
    ck_assert_uint_eq(pesx_potential_calls(p), 7); /* failed calls count too */
    pesx_potential_free(p);
    ck_assert_int_eq(fake_released, 1);
    /* a failing init: released, NULL, the type's error kept */
    pesx_params_init(&prm);
    pesx_params_add(&prm, "fail", "1");
    fake_released = 0;
    ck_assert_ptr_null(pesx_potential_alloc(&fake_type, &prm));
    ck_assert_int_eq(fake_released, 1);
    ck_assert(strstr(pesx_error_last()->msg, "asked to fail"));
    pesx_params_release(&prm);
    pesx_atoms_free(a);

    /* a periodic direction without a cell: the neighbour list's error */
    a = make_cluster(4, 1.2, 2);
    a->pbc[0] = 1;
    a->has_cell = 0;
    p = open_ok("lj:rc=2");
    memset(&r, 0, sizeof r);
    ck_assert_int_ne(pesx_potential_eval(p, a, &r), PESX_OK);
    ck_assert(strstr(pesx_error_last()->msg, "lj: "));
    pesx_potential_free(p);
    pesx_atoms_free(a);
}
END_TEST

START_TEST(test_spec_errors)
{
    char names[256];
    pesx_potential_type_names(names, sizeof names);
    ck_assert(strstr(names, "lj") && strstr(names, "morse") && strstr(names, "muller_brown"));
    ck_assert_ptr_null(pesx_potential_type_lookup("nope"));
    ck_assert_ptr_eq(pesx_potential_type_lookup("morse"), &pesx_potential_morse);

    ck_assert_ptr_null(pesx_potential_open(NULL));
    expect_open_error("", PESX_EINVAL, "empty", "lj", NULL);
    setenv("PESX_POTENTIAL_PATH", "/nonexistent-pesx-dir", 1);
    expect_open_error("foo", PESX_EINVAL, "'foo'", "lj", "morse", "muller_brown",
                      "/nonexistent-pesx-dir", NULL);
    expect_open_error("foo:a=1", PESX_EINVAL, "'foo'", "lj, morse", NULL);
    expect_open_error("/nonexistent/pot", PESX_EIO, "/nonexistent/pot", NULL);
    /* keys */
    expect_open_error("lj:epsilon=1,foo=2", PESX_EINVAL, "'foo'", "epsilon", "sigma", "rc",
                      "shift", NULL);
    expect_open_error("lj:bar", PESX_EINVAL, "'bar'", "epsilon", NULL);
    expect_open_error("muller_brown:x=1", PESX_EINVAL, "'x'", "scale", NULL);
    expect_open_error("morse:pt,D0=1", PESX_EINVAL, "'D0'", "alpha", "r0", "preset", NULL);
    expect_open_error("lj:sigma=1,sigma=2", PESX_EINVAL, "sigma", "twice", NULL);
    /* values */
    expect_open_error("lj:sigma=abc", PESX_EINVAL, "sigma", "abc", NULL);
    expect_open_error("lj:sigma=nan", PESX_EINVAL, "sigma", "nan", NULL);
    expect_open_error("lj:epsilon=NaN", PESX_EINVAL, "epsilon", NULL);
    expect_open_error("lj:sigma=inf", PESX_EINVAL, "sigma", NULL);
    expect_open_error("lj:sigma=-1", PESX_EINVAL, "sigma", "positive", NULL);
    expect_open_error("lj:epsilon=0", PESX_EINVAL, "epsilon", "positive", NULL);
    expect_open_error("lj:sigma=1.0x", PESX_EINVAL, "sigma", NULL);
    expect_open_error("lj:rc=-2", PESX_EINVAL, "rc", NULL);
    expect_open_error("lj:rc=nan", PESX_EINVAL, "rc", NULL);
    expect_open_error("lj:rc=far", PESX_EINVAL, "rc", "far", NULL);
    expect_open_error("lj:shift=maybe", PESX_EINVAL, "shift", "maybe", NULL);
    expect_open_error("lj:sigma=", PESX_EINVAL, "sigma", "no value", NULL);
    expect_open_error("lj:sigma= ,epsilon=1", PESX_EINVAL, "sigma", "no value", NULL);
    expect_open_error("lj:=3", PESX_EINVAL, "without a name", NULL);
    expect_open_error("lj:sigma=1=2", PESX_EINVAL, "sigma", "1=2", NULL);
    expect_open_error("morse", PESX_EINVAL, "D", "alpha", "r0", "preset", NULL);
    expect_open_error("morse:D=1,alpha=1", PESX_EINVAL, "r0", NULL);
    expect_open_error("morse:au", PESX_EINVAL, "'au'", "pt", NULL);
    expect_open_error("morse:preset=au", PESX_EINVAL, "'au'", "pt", NULL);
    expect_open_error("morse:pt,preset=pt", PESX_EINVAL, "preset", NULL);
    expect_open_error("morse:pt,alpha=x", PESX_EINVAL, "alpha", NULL);
    expect_open_error("muller_brown:scale=nan", PESX_EINVAL, "scale", NULL);
    /* neural-network forms: a clear error whether or not bpnn is built in */
    expect_open_error("n2p2:", PESX_EINVAL, "n2p2:DIR", NULL);
    expect_open_error("n2p2:length=bohr", PESX_EINVAL, "directory", NULL);
    expect_open_error("n2p2:a,b", PESX_EINVAL, "'a'", "'b'", NULL);
    expect_open_error("n2p2:a,n2p2=b", PESX_EINVAL, "n2p2", "twice", NULL);
    if (!pesx_potential_type_lookup("bpnn")) {
        expect_open_error("n2p2:/nonexistent-dir", PESX_EUNSUPPORTED, "bpnn", NULL);
        expect_open_error("/nonexistent-dir/x.xml", PESX_EUNSUPPORTED, "bpnn", NULL);
        expect_open_error("n2p2:/nonexistent-dir,length=bohr", PESX_EUNSUPPORTED, "bpnn", NULL);
    } else {
        pesx_potential *p = pesx_potential_open("n2p2:/nonexistent-dir");
        ck_assert_ptr_null(p);
        p = pesx_potential_open("/nonexistent-dir/x.xml");
        ck_assert_ptr_null(p);
    }

    /* lenient but valid forms */
    pesx_potential *p = open_ok("lj:");
    pesx_potential_free(p);
    p = open_ok("lj:rc=none");
    ck_assert(isinf(pesx_potential_cutoff(p)));
    pesx_potential_free(p);
    p = open_ok("lj:rc=0,shift=on");
    ck_assert(isinf(pesx_potential_cutoff(p)));
    pesx_potential_free(p);
    p = open_ok("lj:rc=inf,shift=false");
    pesx_potential_free(p);
    /* blanks around keys and values, empty entries */
    p = open_ok(" lj: sigma = 1.1 , epsilon=2,, ");
    pesx_potential *q = open_ok("lj:sigma=1.1,epsilon=2");
    pesx_atoms *a = make_cluster(7, 1.2, 5);
    ck_assert(energy_of(p, a) == energy_of(q, a));
    pesx_atoms_free(a);
    pesx_potential_free(p);
    pesx_potential_free(q);
    unsetenv("PESX_POTENTIAL_PATH");
}
END_TEST

/* Parameter files and installed names, in a temporary directory. */
static char tmpdir[256];

static const char *write_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

START_TEST(test_param_files)
{
    char spec[600], want[700];
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pesx-check-potential-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));

    /* a valid file, same surface as the spec */
    snprintf(spec, sizeof spec, "%s",
             write_file("pt.pot", "# eOn's Pt\n  type = morse   # the type\n\npreset=pt\n"
                                  "rc = 9.5\n"));
    pesx_potential *p = open_ok(spec), *q = open_ok("morse:pt");
    pesx_atoms *a = make_periodic(2.8, 2, 1);
    ck_assert(energy_of(p, a) == energy_of(q, a));
    ck_assert_str_eq(pesx_potential_spec(p), spec);
    pesx_potential_free(p);
    pesx_potential_free(q);
    pesx_atoms_free(a);

    /* every error names the file and the line */
#define FILE_ERROR(name, text, code, ...)                                                    \
    do {                                                                                     \
        snprintf(spec, sizeof spec, "%s", write_file(name, text));                           \
        expect_open_error(spec, code, __VA_ARGS__, NULL);                                    \
    } while (0)
    snprintf(want, sizeof want, "%s/a.pot:3:", tmpdir);
    FILE_ERROR("a.pot", "type = lj\nsigma = 1\nepsilon = zero\n", PESX_EINVAL, want, "epsilon",
               "zero");
    snprintf(want, sizeof want, "%s/b.pot:2:", tmpdir);
    FILE_ERROR("b.pot", "type = lj\nsigmaa = 1\nepsilon = 2\n", PESX_EINVAL, want, "'sigmaa'",
               "epsilon, sigma");
    snprintf(want, sizeof want, "%s/c.pot:1:", tmpdir);
    FILE_ERROR("c.pot", "type = gupta\n", PESX_EINVAL, want, "'gupta'", "lj, morse");
    snprintf(want, sizeof want, "%s/d.pot:2:", tmpdir);
    FILE_ERROR("d.pot", "type = lj\nsigma 1\n", PESX_EINVAL, want, "key = value");
    snprintf(want, sizeof want, "%s/e.pot:3:", tmpdir);
    FILE_ERROR("e.pot", "type = lj\nsigma = 1\nsigma = 2\n", PESX_EINVAL, want, "twice",
               "line 2");
    snprintf(want, sizeof want, "%s/f.pot:2:", tmpdir);
    FILE_ERROR("f.pot", "type = lj\nsigma =   # nothing\n", PESX_EINVAL, want, "no value");
    snprintf(want, sizeof want, "%s/g.pot:2:", tmpdir);
    FILE_ERROR("g.pot", "type = lj\ntype = morse\n", PESX_EINVAL, want, "type");
    snprintf(want, sizeof want, "%s/h.pot:", tmpdir);
    FILE_ERROR("h.pot", "# nothing but\nsigma = 1\n", PESX_EINVAL, want, "type", "lj");
    snprintf(want, sizeof want, "%s/i.pot:1:", tmpdir);
    FILE_ERROR("i.pot", "si gma = 1\ntype = lj\n", PESX_EINVAL, want, "si gma");
    snprintf(want, sizeof want, "%s/j.pot:4:", tmpdir);
    FILE_ERROR("j.pot", "type = lj\n\n# c\nrc = nan\n", PESX_EINVAL, want, "rc");
    snprintf(want, sizeof want, "%s/k.pot:", tmpdir);
    FILE_ERROR("k.pot", "type = morse\nD = 1\nalpha = 1\n", PESX_EINVAL, want, "r0");
    (void)want;
    /* an empty file */
    FILE_ERROR("l.pot", "", PESX_EINVAL, "type");
    /* a NUL byte (not a text file) */
    snprintf(spec, sizeof spec, "%s/m.pot", tmpdir);
    {
        FILE *fp = fopen(spec, "w");
        fwrite("type = lj\nsig\0ma = 1\n", 1, 21, fp);
        fclose(fp);
    }
    snprintf(want, sizeof want, "%s/m.pot:2:", tmpdir);
    expect_open_error(spec, PESX_EINVAL, want, "NUL", NULL);
    /* more parameters than a parameter list holds */
    {
        char big[4096] = "type = lj\n";
        for (int k = 0; k < 70; k++)
            snprintf(big + strlen(big), sizeof big - strlen(big), "k%d = 1\n", k);
        snprintf(want, sizeof want, "%s/n.pot:", tmpdir);
        FILE_ERROR("n.pot", big, PESX_EINVAL, want, "too many");
    }
    /* a bpnn parameter file: relative paths are relative to the file */
    if (pesx_potential_type_lookup("bpnn")) {
        snprintf(want, sizeof want, "%s/no-such-pot.xml", tmpdir);
        FILE_ERROR("o.pot", "type = bpnn\nfile = no-such-pot.xml\n", PESX_EIO, want);
    }
    /* installed names via PESX_POTENTIAL_PATH */
    write_file("mypot.xml", "<potential/>\n");
    setenv("PESX_POTENTIAL_PATH", tmpdir, 1);
    if (!pesx_potential_type_lookup("bpnn"))
        expect_open_error("mypot", PESX_EUNSUPPORTED, "bpnn", NULL);
    expect_open_error("otherpot", PESX_EINVAL, "otherpot", tmpdir, NULL);
    unsetenv("PESX_POTENTIAL_PATH");
    /* clean up */
    static const char *const files[] = {"pt.pot", "a.pot", "b.pot", "c.pot", "d.pot",
                                        "e.pot",  "f.pot", "g.pot", "h.pot", "i.pot",
                                        "j.pot",  "k.pot", "l.pot", "m.pot", "n.pot",
                                        "o.pot",  "mypot.xml"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s", tmpdir, files[k]);
        unlink(path);
    }
    rmdir(tmpdir);
}
END_TEST

static Suite *potential_suite(void)
{
    Suite *s = suite_create("potential");
    TCase *tc = tcase_create("conformance");
    size_t n = 0;
    while (pesx_potential_types()[n])
        n++;
    tcase_add_loop_test(tc, test_conformance, 0, (int)n);
    tcase_add_test(tc, test_lj_periodic_brute_force);
    tcase_add_test(tc, test_lj_large_cluster_nlist);
    suite_add_tcase(s, tc);

    tc = tcase_create("reference");
    tcase_add_test(tc, test_lj_dimer);
    tcase_add_test(tc, test_lj13);
    tcase_add_test(tc, test_morse_pair);
    tcase_add_test(tc, test_muller_brown);
    tcase_add_test(tc, test_eon_points);
    tcase_add_test(tc, test_optbench_pt);
    tcase_add_test(tc, test_optbench_lj38);
    suite_add_tcase(s, tc);

    tc = tcase_create("front end");
    tcase_add_test(tc, test_front_end);
    tcase_add_test(tc, test_eval_many);
    tcase_add_test(tc, test_eval_many_threads);
    tcase_add_test(tc, test_front_end_checks);
    tcase_add_test(tc, test_spec_errors);
    tcase_add_test(tc, test_param_files);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(potential_suite());
}
