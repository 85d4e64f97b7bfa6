/* The table of symmetry-function types: n2p2's numbered types and
 * Behler's G1..G5 (see descriptor.h for the formulas). */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include <pesx/descriptor.h>

#define R PESX_SF_RADIAL
#define A PESX_SF_ANGULAR
#define N PESX_SF_NARROW
#define W PESX_SF_WEIGHTED
#define P PESX_SF_POLY
#define O PESX_SF_ORDERED

static const pesx_sf_type t2 = {"2", R, "eta rs rc", "", 0,
                                "n2p2 radial: sum_j exp(-eta (r-rs)^2) fc"};
static const pesx_sf_type t3 = {"3", A | N, "eta lambda zeta rc", "rs", 0,
                                "n2p2 narrow angular (with r_jk), unordered pairs"};
static const pesx_sf_type t9 = {"9", A, "eta lambda zeta rc", "rs", 0,
                                "n2p2 wide angular (no r_jk), unordered pairs"};
static const pesx_sf_type t12 = {"12", R | W, "eta rs rc", "", 0,
                                 "n2p2 radial weighted by Z_j"};
static const pesx_sf_type t13 = {"13", A | N | W, "eta rs lambda zeta rc", "", 0,
                                 "n2p2 narrow angular weighted by Z_j Z_k"};
static const pesx_sf_type t20 = {"20", R | P, "rl rc", "", 1, "n2p2 polynomial radial"};
static const pesx_sf_type t21 = {"21", A | N | P, "rl rc theta_l theta_r", "", 1,
                                 "n2p2 polynomial narrow angular"};
static const pesx_sf_type t22 = {"22", A | P, "rl rc theta_l theta_r", "", 1,
                                 "n2p2 polynomial wide angular"};
static const pesx_sf_type t23 = {"23", R | P | W, "rl rc", "", 1,
                                 "n2p2 polynomial radial weighted by Z_j"};
static const pesx_sf_type t24 = {"24", A | N | P | W, "rl rc theta_l theta_r", "", 1,
                                 "n2p2 polynomial narrow angular weighted by Z_j Z_k"};
static const pesx_sf_type t25 = {"25", A | P | W, "rl rc theta_l theta_r", "", 1,
                                 "n2p2 polynomial wide angular weighted by Z_j Z_k"};
static const pesx_sf_type g1 = {"G1", R, "rc", "", 0, "Behler G1: sum_j fc(r_ij)"};
static const pesx_sf_type g2 = {"G2", R, "eta rc", "rs", 0,
                                "Behler G2: sum_j exp(-eta (r_ij-rs)^2) fc(r_ij)"};
static const pesx_sf_type g3 = {"G3", R, "kappa rc", "", 0,
                                "Behler G3: sum_j cos(kappa r_ij) fc(r_ij)"};
static const pesx_sf_type g4 = {"G4", A | N | O, "eta lambda zeta rc", "", 0,
                                "Behler G4: narrow angular over ordered pairs j != k"};
static const pesx_sf_type g5 = {"G5", A | O, "eta lambda zeta rc", "", 0,
                                "Behler G5: wide angular over ordered pairs j != k"};

static const pesx_sf_type *const table[] = {&g1, &g2, &g3, &g4, &g5, &t2, &t3, &t9,
                                            &t12, &t13, &t20, &t21, &t22, &t23, &t24,
                                            &t25, NULL};

const pesx_sf_type *const *pesx_sf_types(void)
{
    return table;
}

const pesx_sf_type *pesx_sf_type_lookup(const char *name)
{
    char list[256];
    size_t len = 0;
    for (size_t i = 0; name && table[i]; i++)
        if (strcmp(table[i]->name, name) == 0)
            return table[i];
    list[0] = '\0';
    for (size_t i = 0; table[i] && len < sizeof list; i++) {
        int w = snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", table[i]->name);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    pesx_error_set(PESX_EINVAL, NULL, 0, "unknown symmetry function type '%s' (known: %s)",
                   name ? name : "(null)", list);
    return NULL;
}
