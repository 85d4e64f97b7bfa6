/* Cutoff functions f_c(r; rc, alpha): a table in n2p2's numbering. */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/descriptor.h>
#include "descriptor/descriptor_impl.h"

static const char *const names[PESX_CUTOFF_NTYPES] = {
    "hard", "cos", "tanh3", "tanh3n", "exp", "poly1", "poly2", "poly3", "poly4"};

int pesx_cutoff_lookup(const char *name)
{
    long v;
    if (!name)
        return -1;
    for (int t = 0; t < PESX_CUTOFF_NTYPES; t++)
        if (strcmp(name, names[t]) == 0)
            return t;
    if (pesx_parse_long(name, 0, PESX_CUTOFF_NTYPES - 1, &v) == PESX_OK)
        return (int)v;
    return -1;
}

const char *pesx_cutoff_name(int type)
{
    return type >= 0 && type < PESX_CUTOFF_NTYPES ? names[type] : NULL;
}

int pesx_cutoff_init(pesx_cutoff *c, int type, double rc, double alpha)
{
    if (type < 0 || type >= PESX_CUTOFF_NTYPES)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "unknown cutoff type %d", type);
    if (!(rc > 0) || !isfinite(rc))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "cutoff radius must be > 0 (got %g)", rc);
    if (!(alpha >= 0 && alpha < 1))
        return pesx_error_set(PESX_EINVAL, NULL, 0,
                              "inner cutoff fraction alpha must be in [0, 1) (got %g)", alpha);
    c->type = type;
    c->rc = rc;
    c->alpha = alpha;
    c->ri = alpha * rc;
    c->inv_w = 1.0 / (rc - c->ri);
    return PESX_OK;
}

/* P_N(x) of the polynomial cutoffs / windows (P(0) = 1, P(1) = 0) and P'. */
double pesx_sf_poly(int order, double x, double *dp)
{
    if (order >= 1 && order <= 4)
        return pesx_sf_poly_inline(order, x, dp);
    {   /* 0: exponential bump exp(1 - 1/(1 - x^2)) */
        double q = 1.0 - x * x;
        if (q <= 0.0) {
            *dp = 0.0;
            return 0.0;
        }
        double f = exp(1.0 - 1.0 / q);
        *dp = -2.0 * x / (q * q) * f;
        return f;
    }
}

double pesx_cutoff_eval(const pesx_cutoff *c, double r, double *df)
{
    double f, d = 0.0;
    if (r >= c->rc) {
        f = 0.0;
    } else if (c->type == PESX_CUTOFF_TANH3 || c->type == PESX_CUTOFF_TANH3N) {
        double t = tanh(1.0 - r / c->rc);
        f = t * t * t;
        d = -3.0 * t * t * (1.0 - t * t) / c->rc;
        if (c->type == PESX_CUTOFF_TANH3N) {
            static const double t1 = 0.76159415595576488812; /* tanh(1) */
            double n = 1.0 / (t1 * t1 * t1);
            f *= n;
            d *= n;
        }
    } else if (r < c->ri || c->type == PESX_CUTOFF_HARD) {
        f = 1.0;
    } else {
        double x = (r - c->ri) * c->inv_w, dp;
        switch (c->type) {
        case PESX_CUTOFF_COS:
            f = 0.5 * (cos(PESX_SF_PI * x) + 1.0);
            dp = -0.5 * PESX_SF_PI * sin(PESX_SF_PI * x);
            break;
        case PESX_CUTOFF_EXP:
            f = pesx_sf_poly(0, x, &dp);
            break;
        default:
            f = pesx_sf_poly(c->type - PESX_CUTOFF_POLY1 + 1, x, &dp);
            break;
        }
        d = dp * c->inv_w;
    }
    if (df)
        *df = d;
    return f;
}
