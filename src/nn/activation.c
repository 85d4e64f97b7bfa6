/* The activation table: every n2p2 activation letter (SPEC.md section 5)
 * plus shifted softplus, each with f, f' and f''.  Each kernel reads z[k]
 * before writing any output, so z may alias f. */
#include <math.h>
#include <string.h>
#include <pesx/nn.h>

/* n2p2 clamps logistic and softplus at |z| > 35; kept for bit agreement. */
#define CLAMP 35.0

static void act_linear(size_t n, const double *z, double *f, double *df, double *d2f)
{
    for (size_t k = 0; k < n; k++) {
        double x = z[k];
        if (f)
            f[k] = x;
        if (df)
            df[k] = 1.0;
        if (d2f)
            d2f[k] = 0.0;
    }
}

static void act_tanh(size_t n, const double *z, double *f, double *df, double *d2f)
{
    for (size_t k = 0; k < n; k++) {
        double t = tanh(z[k]);
        double d = 1.0 - t * t;
        if (f)
            f[k] = t;
        if (df)
            df[k] = d;
        if (d2f)
            d2f[k] = -2.0 * t * d;
    }
}

/* 1/(1+exp(-x)) without overflow. */
static double sigmoid(double x)
{
    if (x >= 0.0)
        return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

static void act_logistic(size_t n, const double *z, double *f, double *df, double *d2f)
{
    for (size_t k = 0; k < n; k++) {
        double x = z[k], s;
        if (x > CLAMP)
            s = 1.0;
        else if (x < -CLAMP)
            s = 0.0;
        else
            s = sigmoid(x);
        double d = s * (1.0 - s);
        if (f)
            f[k] = s;
        if (df)
            df[k] = d;
        if (d2f)
            d2f[k] = d * (1.0 - 2.0 * s);
    }
}

/* 1 - logistic = logistic(-z) (n2p2 'S'). */
static void act_revlogistic(size_t n, const double *z, double *f, double *df, double *d2f)
{
    for (size_t k = 0; k < n; k++) {
        double s = sigmoid(z[k]);
        double d = s * (1.0 - s);
        if (f)
            f[k] = 1.0 - s;
        if (df)
            df[k] = -d;
        if (d2f)
            d2f[k] = -d * (1.0 - 2.0 * s);
    }
}

/* ln(1 + e^z) - SHIFT; n2p2's clamps for the plain softplus. */
static void softplus_common(size_t n, const double *z, double *f, double *df, double *d2f,
                            double shift, int clamp)
{
    for (size_t k = 0; k < n; k++) {
        double x = z[k], v, s, d;
        if (clamp && x > CLAMP) {
            v = x;
            s = 1.0;
            d = 0.0;
        } else if (clamp && x < -CLAMP) {
            v = 0.0;
            s = 0.0;
            d = 0.0;
        } else {
            v = x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x));
            s = sigmoid(x);
            d = s * (1.0 - s);
        }
        if (f)
            f[k] = v - shift;
        if (df)
            df[k] = s;
        if (d2f)
            d2f[k] = d;
    }
}

static void act_softplus(size_t n, const double *z, double *f, double *df, double *d2f)
{
    softplus_common(n, z, f, df, d2f, 0.0, 1);
}

static void act_shifted_softplus(size_t n, const double *z, double *f, double *df, double *d2f)
{
    softplus_common(n, z, f, df, d2f, 0.693147180559945309417232121458176568, 0);
}

static void act_relu(size_t n, const double *z, double *f, double *df, double *d2f)
{
    for (size_t k = 0; k < n; k++) {
        double x = z[k];
        if (f)
            f[k] = x > 0.0 ? x : 0.0;
        if (df)
            df[k] = x > 0.0 ? 1.0 : 0.0;
        if (d2f)
            d2f[k] = 0.0;
    }
}

static void act_gaussian(size_t n, const double *z, double *f, double *df, double *d2f)
{
    for (size_t k = 0; k < n; k++) {
        double x = z[k], g = exp(-0.5 * x * x);
        if (f)
            f[k] = g;
        if (df)
            df[k] = -x * g;
        if (d2f)
            d2f[k] = (x * x - 1.0) * g;
    }
}

static void act_cos(size_t n, const double *z, double *f, double *df, double *d2f)
{
    for (size_t k = 0; k < n; k++) {
        double x = z[k], c = cos(x);
        if (f)
            f[k] = c;
        if (df)
            df[k] = -sin(x);
        if (d2f)
            d2f[k] = -c;
    }
}

static void act_exp(size_t n, const double *z, double *f, double *df, double *d2f)
{
    for (size_t k = 0; k < n; k++) {
        double e = exp(-z[k]);
        if (f)
            f[k] = e;
        if (df)
            df[k] = -e;
        if (d2f)
            d2f[k] = e;
    }
}

static void act_square(size_t n, const double *z, double *f, double *df, double *d2f)
{
    for (size_t k = 0; k < n; k++) {
        double x = z[k];
        if (f)
            f[k] = x * x;
        if (df)
            df[k] = 2.0 * x;
        if (d2f)
            d2f[k] = 2.0;
    }
}

static const pesx_nn_activation linear = {"linear", 'l', "f(z) = z", act_linear};
static const pesx_nn_activation tanh_ = {"tanh", 't', "f(z) = tanh z", act_tanh};
static const pesx_nn_activation logistic = {
    "logistic", 's', "f(z) = 1/(1 + exp(-z)) (exactly 1 for z > 35, 0 for z < -35)",
    act_logistic};
static const pesx_nn_activation softplus = {
    "softplus", 'p', "f(z) = ln(1 + exp z) (z for z > 35, 0 for z < -35)", act_softplus};
static const pesx_nn_activation relu = {"relu", 'r', "f(z) = max(z, 0)", act_relu};
static const pesx_nn_activation gaussian = {"gaussian", 'g', "f(z) = exp(-z^2/2)",
                                            act_gaussian};
static const pesx_nn_activation cos_ = {"cos", 'c', "f(z) = cos z", act_cos};
static const pesx_nn_activation revlogistic = {"revlogistic", 'S', "f(z) = 1 - 1/(1 + exp(-z))",
                                               act_revlogistic};
static const pesx_nn_activation exp_ = {"exp", 'e', "f(z) = exp(-z)", act_exp};
static const pesx_nn_activation square = {"square", 'h', "f(z) = z^2", act_square};
static const pesx_nn_activation shifted_softplus = {
    "shifted_softplus", 0, "f(z) = ln(1 + exp z) - ln 2", act_shifted_softplus};

static const pesx_nn_activation *const table[] = {
    &linear, &tanh_,    &logistic, &softplus, &relu,   &gaussian,
    &cos_,   &revlogistic, &exp_,  &square,   &shifted_softplus, NULL};

const pesx_nn_activation *const *pesx_nn_activations(void)
{
    return table;
}

const pesx_nn_activation *pesx_nn_activation_by_letter(char letter)
{
    for (size_t i = 0; table[i]; i++)
        if (table[i]->letter && table[i]->letter == letter)
            return table[i];
    return NULL;
}

const pesx_nn_activation *pesx_nn_activation_lookup(const char *name)
{
    char list[512] = "";
    size_t len = 0;
    if (name && name[0] && !name[1]) {
        const pesx_nn_activation *a = pesx_nn_activation_by_letter(name[0]);
        if (a)
            return a;
    }
    for (size_t i = 0; name && table[i]; i++)
        if (strcmp(table[i]->name, name) == 0)
            return table[i];
    for (size_t i = 0; table[i] && len < sizeof list; i++) {
        int w;
        if (table[i]->letter)
            w = snprintf(list + len, sizeof list - len, "%s%s (%c)", i ? ", " : "",
                         table[i]->name, table[i]->letter);
        else
            w = snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", table[i]->name);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    pesx_error_set(PESX_EINVAL, "", 0, "unknown activation '%s'; valid: %s",
                   name ? name : "(null)", list);
    return NULL;
}
