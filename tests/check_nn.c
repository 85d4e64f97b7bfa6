/* Check suite for the nn module: activations (values, f', f'' vs central
 * differences), the batched forward pass vs a naive per-row loop written
 * from SPEC.md's weight layout, every derivative (d/dinput, d/dweights and
 * the mixed d/dw (v . dE/dx)) vs central differences for every activation,
 * bad arguments, and n2p2's own atomic energies and dE/dG for the water
 * potential and the seven synthetic potentials (all ten activation
 * letters) computed from n2p2's scaled symmetry functions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include <pesx/nn.h>

static size_t n_act(void)
{
    size_t n = 0;
    while (pesx_nn_activations()[n])
        n++;
    return n;
}

static const pesx_nn_activation *act_i(int i)
{
    return pesx_nn_activations()[i];
}

static double f1(const pesx_nn_activation *a, double z, int order)
{
    double f, d, d2;
    a->eval(1, &z, &f, &d, &d2);
    return order == 0 ? f : order == 1 ? d : d2;
}

/* ---- activations ------------------------------------------------------ */

START_TEST(t_activation_table)
{
    const char *letters = "ltsprgcSeh";
    ck_assert_uint_ge(n_act(), 11);
    for (const char *c = letters; *c; c++) {
        const pesx_nn_activation *a = pesx_nn_activation_by_letter(*c);
        ck_assert_msg(a != NULL, "n2p2 letter %c missing", *c);
        ck_assert_int_eq(a->letter, *c);
        char s[2] = {*c, 0};
        ck_assert_ptr_eq(pesx_nn_activation_lookup(s), a);
        ck_assert_ptr_eq(pesx_nn_activation_lookup(a->name), a);
    }
    for (size_t i = 0; i < n_act(); i++)
        for (size_t j = i + 1; j < n_act(); j++) {
            ck_assert_str_ne(act_i((int)i)->name, act_i((int)j)->name);
            if (act_i((int)i)->letter)
                ck_assert_int_ne(act_i((int)i)->letter, act_i((int)j)->letter);
        }
    ck_assert_ptr_eq(pesx_nn_activation_lookup("tanh"), pesx_nn_activation_by_letter('t'));
    ck_assert_ptr_eq(pesx_nn_activation_lookup("logistic"), pesx_nn_activation_by_letter('s'));
    ck_assert_ptr_eq(pesx_nn_activation_lookup("softplus"), pesx_nn_activation_by_letter('p'));
    ck_assert_ptr_eq(pesx_nn_activation_lookup("linear"), pesx_nn_activation_by_letter('l'));
    ck_assert_ptr_nonnull(pesx_nn_activation_lookup("shifted_softplus"));
    pesx_error_clear();
    ck_assert_ptr_null(pesx_nn_activation_lookup("tanhh"));
    ck_assert_int_eq(pesx_error_last()->code, PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "tanhh"));
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "shifted_softplus"));
    ck_assert_ptr_null(pesx_nn_activation_lookup("x"));
    ck_assert_ptr_null(pesx_nn_activation_by_letter('x'));
}
END_TEST

START_TEST(t_activation_values)
{
#define A(n) pesx_nn_activation_lookup(n)
    ck_assert_double_eq(f1(A("l"), -1.25, 0), -1.25);
    ck_assert_double_eq_tol(f1(A("t"), 0.5, 0), 0.46211715726000974, 1e-16);
    ck_assert_double_eq(f1(A("s"), 0.0, 0), 0.5);
    ck_assert_double_eq_tol(f1(A("s"), 2.0, 0), 0.88079707797788231, 1e-16);
    ck_assert_double_eq_tol(f1(A("p"), 0.0, 0), 0.69314718055994531, 1e-16);
    ck_assert_double_eq_tol(f1(A("p"), 1.5, 0), 1.7014132779827524, 1e-15);
    ck_assert_double_eq_tol(f1(A("p"), -20.0, 0), 2.061153620314381e-09, 1e-24);
    ck_assert_double_eq(f1(A("r"), -1.0, 0), 0.0);
    ck_assert_double_eq(f1(A("r"), 2.5, 0), 2.5);
    ck_assert_double_eq_tol(f1(A("g"), 1.0, 0), 0.60653065971263342, 1e-16);
    ck_assert_double_eq_tol(f1(A("c"), 1.0, 0), 0.54030230586813977, 1e-16);
    ck_assert_double_eq_tol(f1(A("S"), 2.0, 0), 0.11920292202211755, 1e-15);
    ck_assert_double_eq_tol(f1(A("e"), 1.0, 0), 0.36787944117144233, 1e-16);
    ck_assert_double_eq(f1(A("h"), 3.0, 0), 9.0);
    ck_assert_double_eq_tol(f1(A("shifted_softplus"), 0.0, 0), 0.0, 1e-16);
    ck_assert_double_eq_tol(f1(A("shifted_softplus"), 1.5, 0), 1.0082660974228071, 1e-15);
    /* n2p2's clamps (SPEC.md 5) */
    ck_assert_double_eq(f1(A("s"), 35.5, 0), 1.0);
    ck_assert_double_eq(f1(A("s"), -35.5, 0), 0.0);
    ck_assert_double_eq(f1(A("p"), 36.0, 0), 36.0);
    ck_assert_double_eq(f1(A("p"), -36.0, 0), 0.0);
    /* no overflow far out */
    ck_assert(isfinite(f1(A("shifted_softplus"), 800.0, 0)));
    ck_assert(isfinite(f1(A("S"), -800.0, 1)));
#undef A
}
END_TEST

/* f' and f'' against central differences of f and f', for every activation;
 * and z aliasing f gives the same numbers. */
START_TEST(t_activation_derivatives)
{
    const pesx_nn_activation *a = act_i(_i);
    const double zs[] = {-3.1, -1.2, -0.37, 0.25, 0.9, 2.7, 6.5};
    const double h = 1e-5;
    for (size_t k = 0; k < sizeof zs / sizeof *zs; k++) {
        double z = zs[k];
        double fd1 = (f1(a, z + h, 0) - f1(a, z - h, 0)) / (2 * h);
        double fd2 = (f1(a, z + h, 1) - f1(a, z - h, 1)) / (2 * h);
        double d1 = f1(a, z, 1), d2 = f1(a, z, 2);
        ck_assert_msg(fabs(fd1 - d1) <= 1e-8 * fmax(1.0, fabs(d1)),
                      "%s f'(%g) = %.15g, central difference %.15g", a->name, z, d1, fd1);
        ck_assert_msg(fabs(fd2 - d2) <= 1e-8 * fmax(1.0, fabs(d2)),
                      "%s f''(%g) = %.15g, central difference %.15g", a->name, z, d2, fd2);
    }
    double buf[7], f[7], d[7], d2[7], da[7], d2a[7];
    memcpy(buf, zs, sizeof buf);
    a->eval(7, zs, f, d, d2);
    a->eval(7, buf, buf, da, d2a);
    for (int k = 0; k < 7; k++) {
        ck_assert_double_eq(buf[k], f[k]);
        ck_assert_double_eq(da[k], d[k]);
        ck_assert_double_eq(d2a[k], d2[k]);
    }
    /* NULL outputs are allowed */
    a->eval(7, zs, NULL, d, NULL);
    for (int k = 0; k < 7; k++)
        ck_assert_double_eq(da[k], d[k]);
}
END_TEST

/* ---- helpers ------------------------------------------------------------ */

static pesx_nn *make_net(size_t n_sizes, const size_t *sizes, const pesx_nn_activation *hidden,
                         const pesx_nn_activation *out, int normalize, unsigned long long seed)
{
    const pesx_nn_activation *act[PESX_NN_MAX_LAYERS];
    pesx_rng rng;
    for (size_t l = 0; l + 1 < n_sizes; l++)
        act[l] = l + 2 < n_sizes ? hidden : out;
    pesx_nn *net = pesx_nn_alloc(n_sizes, sizes, act, normalize);
    ck_assert_ptr_nonnull(net);
    pesx_rng_seed(&rng, seed);
    ck_assert_int_eq(pesx_nn_init_weights(net, &rng, PESX_NN_INIT_UNIFORM), PESX_OK);
    return net;
}

static void fill(double *x, size_t n, double a, unsigned long long seed)
{
    pesx_rng rng;
    pesx_rng_seed(&rng, seed);
    for (size_t k = 0; k < n; k++)
        x[k] = a * (2.0 * pesx_rng_uniform(&rng) - 1.0);
}

/* One row through the network, written from SPEC.md section 1.4 and 5
 * with its own index arithmetic (source neuron outer, target inner, then
 * biases). */
static void naive_row(const pesx_nn *net, const double *x, double *out)
{
    double y[256], z[256];
    size_t idx = 0, nprev = net->size[0];
    for (size_t i = 0; i < nprev; i++)
        y[i] = x[i];
    for (size_t l = 1; l < net->n_sizes; l++) {
        size_t n = net->size[l];
        for (size_t j = 0; j < n; j++)
            z[j] = 0.0;
        for (size_t i = 0; i < nprev; i++)
            for (size_t j = 0; j < n; j++)
                z[j] += net->w[idx++] * y[i];
        for (size_t j = 0; j < n; j++) {
            z[j] += net->w[idx++];
            if (net->normalize_nodes)
                z[j] /= (double)nprev;
        }
        for (size_t j = 0; j < n; j++)
            y[j] = f1(net->act[l - 1], z[j], 0);
        nprev = n;
    }
    ck_assert_uint_eq(idx, net->n_weights);
    for (size_t j = 0; j < nprev; j++)
        out[j] = y[j];
}

/* E of every row (n_out = 1). */
static void energies(const pesx_nn *net, size_t m, const double *x, size_t ldx, double *e,
                     pesx_nn_workspace *ws)
{
    ck_assert_int_eq(pesx_nn_forward(net, m, x, ldx, e, PESX_NN_VALUE, ws), PESX_OK);
}

/* ---- forward ------------------------------------------------------------ */

START_TEST(t_forward_naive)
{
    static const size_t arch[][6] = {{1, 1},      {3, 1},         {5, 7, 1},
                                     {4, 6, 5, 3, 2}, {27, 25, 25, 1}, {2, 9, 1, 4, 3}};
    static const size_t narch[] = {2, 2, 3, 5, 4, 5};
    size_t na = n_act();
    for (size_t t = 0; t < 6; t++)
        for (int norm = 0; norm <= 1; norm++)
            for (size_t ai = 0; ai < na; ai++) {
                const size_t *sz = arch[t];
                size_t n_sizes = narch[t], nin = sz[0], nout = sz[n_sizes - 1];
                size_t m = 13, ldx = nin + 3;
                pesx_nn *net = make_net(n_sizes, sz, act_i((int)ai), act_i((int)((ai + 3) % na)),
                                        norm, 100 + t);
                for (size_t k = 0; k < net->n_weights; k++)
                    net->w[k] *= 0.5; /* keep exp/square chains moderate */
                pesx_nn_workspace *ws = pesx_nn_workspace_alloc((const pesx_nn *const *)&net, 1, m);
                double x[13 * 30], out[13 * 4], ref[4];
                ck_assert_ptr_nonnull(ws);
                fill(x, m * ldx, 1.0, 7 + ai);
                ck_assert_int_eq(pesx_nn_forward(net, m, x, ldx, out, PESX_NN_VALUE, ws), PESX_OK);
                for (size_t a = 0; a < m; a++) {
                    naive_row(net, x + a * ldx, ref);
                    for (size_t o = 0; o < nout; o++)
                        ck_assert_msg(fabs(out[a * nout + o] - ref[o]) <=
                                          1e-13 * fmax(1.0, fabs(ref[o])),
                                      "arch %zu act %s norm %d row %zu: %.17g vs naive %.17g", t,
                                      act_i((int)ai)->name, norm, a, out[a * nout + o], ref[o]);
                }
                /* a pass over a sub-batch gives the same rows */
                double out2[13 * 4];
                ck_assert_int_eq(pesx_nn_forward(net, 4, x + 5 * ldx, ldx, out2, PESX_NN_MIXED, ws),
                                 PESX_OK);
                for (size_t k = 0; k < 4 * nout; k++)
                    ck_assert_double_eq_tol(out2[k], out[5 * nout + k], 1e-14 * fmax(1, fabs(out2[k])));
                pesx_nn_workspace_free(ws);
                pesx_nn_free(net);
            }
}
END_TEST

/* The test nets for derivatives: activation _i in the hidden layers and
 * (second variant) in the output layer too; with and without
 * normalize_nodes.  Weights scaled so that every activation stays in a
 * moderate range. */
static pesx_nn *deriv_net(int variant, int ai)
{
    static const size_t s1[] = {4, 6, 5, 1}, s2[] = {3, 5, 1};
    const pesx_nn_activation *a = act_i(ai), *lin = pesx_nn_activation_lookup("linear");
    pesx_nn *net = variant & 1 ? make_net(3, s2, a, a, variant & 2, 31 + (unsigned)ai)
                               : make_net(4, s1, a, lin, variant & 2, 17 + (unsigned)ai);
    for (size_t k = 0; k < net->n_weights; k++)
        net->w[k] *= 0.7;
    return net;
}

START_TEST(t_input_grad_fd)
{
    for (int variant = 0; variant < 4; variant++) {
        pesx_nn *net = deriv_net(variant, _i);
        size_t nin = net->size[0], m = 5, ldx = nin + 2;
        pesx_nn_workspace *ws = pesx_nn_workspace_alloc((const pesx_nn *const *)&net, 1, m);
        double x[5 * 8], e[5], dx[5 * 8], ep[5], em[5];
        const double h = 1e-6;
        fill(x, m * ldx, 1.0, 99 + (unsigned)_i);
        ck_assert_int_eq(pesx_nn_forward(net, m, x, ldx, e, PESX_NN_GRAD, ws), PESX_OK);
        ck_assert_int_eq(pesx_nn_input_grad(net, ws, dx), PESX_OK);
        for (size_t k = 0; k < nin; k++) {
            for (size_t a = 0; a < m; a++)
                x[a * ldx + k] += h;
            energies(net, m, x, ldx, ep, ws);
            for (size_t a = 0; a < m; a++)
                x[a * ldx + k] -= 2 * h;
            energies(net, m, x, ldx, em, ws);
            for (size_t a = 0; a < m; a++)
                x[a * ldx + k] += h;
            for (size_t a = 0; a < m; a++) {
                double fd = (ep[a] - em[a]) / (2 * h), g = dx[a * nin + k];
                ck_assert_msg(fabs(fd - g) <= 1e-7 * fmax(1.0, fabs(g)),
                              "%s variant %d: dE_%zu/dx_%zu = %.12g, central difference %.12g",
                              act_i(_i)->name, variant, a, k, g, fd);
            }
        }
        pesx_nn_workspace_free(ws);
        pesx_nn_free(net);
    }
}
END_TEST

/* Q(w) = sum_a c_a E_a + sum_a v_a . dE_a/dx_a, evaluated with forward
 * and input_grad (c or v may be NULL). */
static double q_value(pesx_nn *net, size_t m, const double *x, size_t ldx, const double *c,
                      const double *v, pesx_nn_workspace *ws)
{
    double e[8], dx[8 * 8], q = 0.0;
    size_t nin = net->size[0];
    ck_assert_int_eq(pesx_nn_forward(net, m, x, ldx, e, PESX_NN_GRAD, ws), PESX_OK);
    ck_assert_int_eq(pesx_nn_input_grad(net, ws, dx), PESX_OK);
    for (size_t a = 0; a < m; a++) {
        if (c)
            q += c[a] * e[a];
        if (v)
            for (size_t k = 0; k < nin; k++)
                q += v[a * nin + k] * dx[a * nin + k];
    }
    return q;
}

/* Weight gradients (energy term, mixed term, both) vs central differences
 * over every weight. */
START_TEST(t_weight_grad_fd)
{
    for (int variant = 0; variant < 4; variant++)
        for (int which = 0; which < 3; which++) {
            pesx_nn *net = deriv_net(variant, _i);
            size_t nin = net->size[0], m = 6, ldx = nin + 1, nw = net->n_weights;
            pesx_nn_workspace *ws = pesx_nn_workspace_alloc((const pesx_nn *const *)&net, 1, m);
            double x[6 * 8], c[6], v[6 * 8], e[6];
            double *grad = malloc(nw * sizeof *grad);
            const double *cc = which != 1 ? c : NULL, *vv = which != 0 ? v : NULL;
            const double h = 1e-5;
            fill(x, m * ldx, 1.0, 5 + (unsigned)_i);
            fill(c, m, 1.0, 6);
            fill(v, m * nin, 1.0, 8);
            for (size_t k = 0; k < nw; k++)
                grad[k] = 0.25; /* weight_grad accumulates */
            ck_assert_int_eq(pesx_nn_forward(net, m, x, ldx, e, vv ? PESX_NN_MIXED : PESX_NN_GRAD, ws),
                             PESX_OK);
            ck_assert_int_eq(pesx_nn_weight_grad(net, ws, cc, vv, grad), PESX_OK);
            for (size_t k = 0; k < nw; k++) {
                double w0 = net->w[k], qp, qm;
                net->w[k] = w0 + h;
                qp = q_value(net, m, x, ldx, cc, vv, ws);
                net->w[k] = w0 - h;
                qm = q_value(net, m, x, ldx, cc, vv, ws);
                net->w[k] = w0;
                double fd = (qp - qm) / (2 * h), g = grad[k] - 0.25;
                ck_assert_msg(fabs(fd - g) <= 2e-7 * fmax(1.0, fabs(g)),
                              "%s variant %d term %d: dQ/dw[%zu] = %.12g, central difference %.12g",
                              act_i(_i)->name, variant, which, k, g, fd);
            }
            free(grad);
            pesx_nn_workspace_free(ws);
            pesx_nn_free(net);
        }
}
END_TEST

/* Gradients of two sub-batches add up to the gradient of the whole batch. */
START_TEST(t_weight_grad_batches)
{
    static const size_t sz[] = {7, 9, 8, 1};
    pesx_nn *net = make_net(4, sz, pesx_nn_activation_lookup("p"),
                            pesx_nn_activation_lookup("l"), 0, 3);
    size_t m = 40, nw = net->n_weights;
    pesx_nn_workspace *ws = pesx_nn_workspace_alloc((const pesx_nn *const *)&net, 1, m);
    double x[40 * 7], c[40], v[40 * 7], e[40];
    double *g1 = calloc(nw, sizeof *g1), *g2 = calloc(nw, sizeof *g2);
    fill(x, sizeof x / sizeof *x, 1.0, 1);
    fill(c, 40, 1.0, 2);
    fill(v, sizeof v / sizeof *v, 1.0, 3);
    ck_assert_int_eq(pesx_nn_forward(net, m, x, 7, e, PESX_NN_MIXED, ws), PESX_OK);
    ck_assert_int_eq(pesx_nn_weight_grad(net, ws, c, v, g1), PESX_OK);
    ck_assert_int_eq(pesx_nn_forward(net, 15, x, 7, e, PESX_NN_MIXED, ws), PESX_OK);
    ck_assert_int_eq(pesx_nn_weight_grad(net, ws, c, v, g2), PESX_OK);
    ck_assert_int_eq(pesx_nn_forward(net, 25, x + 15 * 7, 7, e, PESX_NN_MIXED, ws), PESX_OK);
    ck_assert_int_eq(pesx_nn_weight_grad(net, ws, c + 15, v + 15 * 7, g2), PESX_OK);
    for (size_t k = 0; k < nw; k++)
        ck_assert_double_eq_tol(g1[k], g2[k], 1e-12 * fmax(1.0, fabs(g1[k])));
    /* row by row (the small-batch loops) = the whole batch (BLAS) */
    double *g3 = calloc(nw, sizeof *g3), dxa[40 * 7], dx1[7], e1;
    ck_assert_int_eq(pesx_nn_forward(net, m, x, 7, e, PESX_NN_GRAD, ws), PESX_OK);
    ck_assert_int_eq(pesx_nn_input_grad(net, ws, dxa), PESX_OK);
    for (size_t a = 0; a < m; a++) {
        ck_assert_int_eq(pesx_nn_forward(net, 1, x + a * 7, 7, &e1, PESX_NN_MIXED, ws), PESX_OK);
        ck_assert_double_eq_tol(e1, e[a], 1e-13 * fmax(1.0, fabs(e1)));
        ck_assert_int_eq(pesx_nn_weight_grad(net, ws, c + a, v + a * 7, g3), PESX_OK);
        ck_assert_int_eq(pesx_nn_input_grad(net, ws, dx1), PESX_OK);
        for (size_t k = 0; k < 7; k++)
            ck_assert_double_eq_tol(dx1[k], dxa[a * 7 + k], 1e-13 * fmax(1.0, fabs(dx1[k])));
    }
    for (size_t k = 0; k < nw; k++)
        ck_assert_double_eq_tol(g1[k], g3[k], 1e-12 * fmax(1.0, fabs(g1[k])));
    /* rows with a stride (ldx 10 > 7 inputs) on the BLAS path: same gradient */
    double xs[40 * 10];
    memset(g3, 0, nw * sizeof *g3);
    for (size_t a = 0; a < m; a++)
        for (size_t k = 0; k < 10; k++)
            xs[a * 10 + k] = k < 7 ? x[a * 7 + k] : 1e300;
    ck_assert_int_eq(pesx_nn_forward(net, m, xs, 10, e, PESX_NN_MIXED, ws), PESX_OK);
    ck_assert_int_eq(pesx_nn_weight_grad(net, ws, c, v, g3), PESX_OK);
    for (size_t k = 0; k < nw; k++)
        ck_assert_double_eq_tol(g1[k], g3[k], 1e-12 * fmax(1.0, fabs(g1[k])));
    free(g3);
    /* no terms: nothing added */
    ck_assert_int_eq(pesx_nn_weight_grad(net, ws, NULL, NULL, g2), PESX_OK);
    for (size_t k = 0; k < nw; k++)
        ck_assert_double_eq_tol(g1[k], g2[k], 1e-12 * fmax(1.0, fabs(g1[k])));
    free(g1);
    free(g2);
    pesx_nn_workspace_free(ws);
    pesx_nn_free(net);
}
END_TEST

/* ---- objects, initialisation, bad arguments ---------------------------- */

START_TEST(t_alloc_and_init)
{
    static const size_t sz[] = {27, 25, 25, 1};
    const char *names[] = {"t", "tanh", "l"};
    pesx_nn *net = pesx_nn_alloc_named(4, sz, names, 0);
    pesx_rng rng;
    ck_assert_ptr_nonnull(net);
    ck_assert_uint_eq(net->n_weights, 1376); /* SPEC.md 1.4: H of the water potential */
    ck_assert_uint_eq(pesx_nn_count_weights(4, sz), 1376);
    ck_assert_uint_eq(net->w_off[0], 0);
    ck_assert_uint_eq(net->b_off[0], 27 * 25);
    ck_assert_uint_eq(net->w_off[1], 27 * 25 + 25);
    ck_assert_uint_eq(net->b_off[2], 1375);
    ck_assert_uint_eq(pesx_nn_n_in(net), 27);
    ck_assert_uint_eq(pesx_nn_n_out(net), 1);
    ck_assert_ptr_eq(net->act[2], pesx_nn_activation_lookup("linear"));

    pesx_rng_seed(&rng, 42);
    ck_assert_int_eq(pesx_nn_init_weights(net, &rng, PESX_NN_INIT_UNIFORM), PESX_OK);
    double mx = 0.0;
    for (size_t k = 0; k < net->n_weights; k++)
        mx = fmax(mx, fabs(net->w[k]));
    ck_assert(mx <= 1.0 && mx > 0.9);
    pesx_nn *cp = pesx_nn_copy(net);
    ck_assert_ptr_nonnull(cp);
    ck_assert_mem_eq(cp->w, net->w, net->n_weights * sizeof(double));
    pesx_rng_seed(&rng, 42);
    ck_assert_int_eq(pesx_nn_init_weights(cp, &rng, PESX_NN_INIT_UNIFORM), PESX_OK);
    ck_assert_mem_eq(cp->w, net->w, net->n_weights * sizeof(double)); /* reproducible */

    ck_assert_int_eq(pesx_nn_init_weights(net, &rng, PESX_NN_INIT_GLOROT), PESX_OK);
    for (size_t l = 1; l < 4; l++) {
        double lim = sqrt(6.0 / (double)(sz[l - 1] + sz[l]));
        for (size_t k = 0; k < sz[l - 1] * sz[l]; k++)
            ck_assert(fabs(net->w[net->w_off[l - 1] + k]) <= lim);
        for (size_t j = 0; j < sz[l]; j++)
            ck_assert_double_eq(net->w[net->b_off[l - 1] + j], 0.0);
    }
    ck_assert_int_eq(pesx_nn_init_weights(net, &rng, PESX_NN_INIT_NGUYEN_WIDROW), PESX_OK);
    for (size_t l = 1; l < 3; l++) {
        double beta = 0.7 * pow((double)sz[l], 1.0 / (double)sz[l - 1]);
        for (size_t j = 0; j < sz[l]; j++) {
            double norm = 0.0;
            for (size_t i = 0; i < sz[l - 1]; i++) {
                double w = net->w[net->w_off[l - 1] + i * sz[l] + j];
                norm += w * w;
            }
            ck_assert_double_eq_tol(sqrt(norm), beta, 1e-12);
            ck_assert(fabs(net->w[net->b_off[l - 1] + j]) <= beta);
        }
    }
    ck_assert_int_eq(pesx_nn_init_weights(net, &rng, 7), PESX_EINVAL);

    double *w = calloc(1377, sizeof *w);
    w[1375] = 2.5;
    ck_assert_int_eq(pesx_nn_set_weights(net, w, 1377), PESX_EINVAL);
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "1377"));
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "1376"));
    ck_assert_int_eq(pesx_nn_set_weights(net, w, 1375), PESX_EINVAL);
    ck_assert_int_eq(pesx_nn_set_weights(net, w, 1376), PESX_OK);
    ck_assert_double_eq(net->w[1375], 2.5);
    free(w);
    pesx_nn_free(cp);
    pesx_nn_free(net);
    pesx_nn_free(NULL);
    pesx_nn_workspace_free(NULL);
}
END_TEST

START_TEST(t_bad_arguments)
{
    static const size_t sz[] = {3, 4, 1}, bad0[] = {3, 0, 1}, two[] = {3, 4, 2};
    const char *names[] = {"t", "nonesuch"};
    const pesx_nn_activation *act[] = {pesx_nn_activation_lookup("t"),
                                       pesx_nn_activation_lookup("l")};
    ck_assert_ptr_null(pesx_nn_alloc(1, sz, act, 0));
    ck_assert_int_eq(pesx_nn_count_weights(1, sz), 0);
    ck_assert_ptr_null(pesx_nn_alloc(3, bad0, act, 0));
    ck_assert_ptr_null(pesx_nn_alloc(PESX_NN_MAX_LAYERS + 1, sz, act, 0));
    ck_assert_ptr_null(pesx_nn_alloc_named(3, sz, names, 0));
    ck_assert_ptr_nonnull(strstr(pesx_error_last()->msg, "nonesuch"));

    pesx_nn *net = pesx_nn_alloc(3, sz, act, 0);
    pesx_nn *net2 = pesx_nn_alloc(3, two, act, 0);
    pesx_nn *big = pesx_nn_alloc(3, (const size_t[]){3, 40, 1}, act, 0);
    pesx_nn_workspace *ws = pesx_nn_workspace_alloc((const pesx_nn *const *)&net, 1, 4);
    double x[30] = {0}, e[10], dx[30], g[64] = {0};
    ck_assert(net && net2 && big && ws);
    /* derivatives before any forward pass */
    ck_assert_int_eq(pesx_nn_input_grad(net, ws, dx), PESX_EINVAL);
    ck_assert_int_eq(pesx_nn_weight_grad(net, ws, e, NULL, g), PESX_EINVAL);
    /* too many rows, too wide a net, stride too short */
    ck_assert_int_eq(pesx_nn_forward(net, 5, x, 3, e, PESX_NN_GRAD, ws), PESX_EINVAL);
    ck_assert_int_eq(pesx_nn_forward(big, 2, x, 3, e, PESX_NN_GRAD, ws), PESX_EINVAL);
    ck_assert_int_eq(pesx_nn_forward(net, 2, x, 2, e, PESX_NN_GRAD, ws), PESX_EINVAL);
    /* keep too low for what is asked */
    ck_assert_int_eq(pesx_nn_forward(net, 4, x, 3, e, PESX_NN_VALUE, ws), PESX_OK);
    ck_assert_int_eq(pesx_nn_input_grad(net, ws, dx), PESX_EINVAL);
    ck_assert_int_eq(pesx_nn_forward(net, 4, x, 3, e, PESX_NN_GRAD, ws), PESX_OK);
    ck_assert_int_eq(pesx_nn_weight_grad(net, ws, NULL, x, g), PESX_EINVAL);
    ck_assert_int_eq(pesx_nn_weight_grad(net, ws, e, NULL, g), PESX_OK);
    ck_assert_int_eq(pesx_nn_input_grad(net, ws, dx), PESX_OK);
    /* another network than the one of the last pass */
    ck_assert_int_eq(pesx_nn_input_grad(net2, ws, dx), PESX_EINVAL);
    /* two outputs: forward fine, derivatives refused */
    ck_assert_int_eq(pesx_nn_workspace_reserve(ws, net2, 4), PESX_OK);
    ck_assert_int_eq(pesx_nn_forward(net2, 4, x, 3, e, PESX_NN_GRAD, ws), PESX_OK);
    ck_assert_int_eq(pesx_nn_input_grad(net2, ws, dx), PESX_EINVAL);
    /* reserve makes room */
    ck_assert_int_eq(pesx_nn_workspace_reserve(ws, big, 9), PESX_OK);
    ck_assert_int_eq(pesx_nn_forward(big, 9, x, 3, e, PESX_NN_GRAD, ws), PESX_OK);
    ck_assert_int_eq(pesx_nn_forward(net, 0, x, 3, e, PESX_NN_GRAD, ws), PESX_OK);
    ck_assert_int_eq(pesx_nn_input_grad(net, ws, dx), PESX_OK);
    pesx_nn_workspace_free(ws);
    pesx_nn_free(net);
    pesx_nn_free(net2);
    pesx_nn_free(big);
}
END_TEST

/* ---- n2p2 reference: atomic energies and dE/dG from n2p2's scaled SFs -- */

static const char *const ref_sets[][2] = {
    {"H2O_RPBE-D3", "conf1_pbc48"},        {"H2O_RPBE-D3", "conf2_cluster24"},
    {"SYN/SYN1_ct0_tanh", "confA_pbc48"},  {"SYN/SYN2_ct1_a0.25", "confA_pbc48"},
    {"SYN/SYN3_ct3", "confA_pbc48"},       {"SYN/SYN4_ct4_a0.1", "confB_cluster18"},
    {"SYN/SYN5_ct5", "confA_pbc48"},       {"SYN/SYN6_ct7_a0.3", "confA_pbc48"},
    {"SYN/SYN7_ct8", "confB_cluster18"},
};

#define MAXATOMS 64
#define MAXSF 64

typedef struct {
    char elem[MAXATOMS][4];
    size_t n_sf[MAXATOMS];
    double g[MAXATOMS][MAXSF], dedg[MAXATOMS][MAXSF];
    double e[MAXATOMS];
    size_t n;
} ref_conf;

static FILE *open_ref(const char *dir, const char *rel)
{
    char path[1024], buf[1100];
    snprintf(buf, sizeof buf, "ref/n2p2/%s/%s", dir, rel);
    tu_shared_path(path, sizeof path, buf);
    FILE *fp = fopen(path, "r");
    ck_assert_msg(fp != NULL, "cannot open %s", path);
    return fp;
}

/* Network of element SYM from input.nn (global_* keywords) and weights.ZZZ.data. */
static pesx_nn *ref_net(const char *dir, const char *sym, size_t n_in, double *conv_energy)
{
    char line[1024], acts[PESX_NN_MAX_LAYERS][8];
    size_t sizes[PESX_NN_MAX_LAYERS], n_sizes = 1, n_act_ = 0;
    int normalize = 0;
    FILE *fp = open_ref(dir, "input.nn");
    *conv_energy = 1.0;
    sizes[0] = n_in;
    while (fgets(line, sizeof line, fp)) {
        char *tok = strtok(line, " \t\r\n");
        if (!tok || tok[0] == '#')
            continue;
        if (!strcmp(tok, "global_nodes_short"))
            while ((tok = strtok(NULL, " \t\r\n")) && tok[0] != '#')
                sizes[n_sizes++] = (size_t)atol(tok);
        else if (!strcmp(tok, "global_activation_short"))
            while ((tok = strtok(NULL, " \t\r\n")) && tok[0] != '#')
                snprintf(acts[n_act_++], sizeof acts[0], "%s", tok);
        else if (!strcmp(tok, "normalize_nodes"))
            normalize = 1;
        else if (!strcmp(tok, "conv_energy"))
            *conv_energy = strtod(strtok(NULL, " \t\r\n"), NULL);
    }
    fclose(fp);
    sizes[n_sizes++] = 1;
    ck_assert_uint_eq(n_act_, n_sizes - 1);
    const char *names[PESX_NN_MAX_LAYERS];
    for (size_t l = 0; l < n_act_; l++)
        names[l] = acts[l];
    pesx_nn *net = pesx_nn_alloc_named(n_sizes, sizes, names, normalize);
    ck_assert_ptr_nonnull(net);

    snprintf(line, sizeof line, "weights.%03d.data", pesx_element_z(sym));
    fp = open_ref(dir, line);
    double *w = malloc((net->n_weights + 1) * sizeof *w);
    size_t n = 0;
    while (fgets(line, sizeof line, fp)) {
        char *end;
        if (line[0] == '#')
            continue;
        double val = strtod(line, &end);
        if (end == line)
            continue;
        ck_assert_uint_le(n, net->n_weights);
        w[n++] = val;
    }
    fclose(fp);
    ck_assert_int_eq(pesx_nn_set_weights(net, w, n), PESX_OK);
    free(w);
    return net;
}

static void read_ref_conf(const char *dir, const char *conf, ref_conf *rc)
{
    char rel[256], line[1024];
    memset(rc, 0, sizeof *rc);
    snprintf(rel, sizeof rel, "%s/sf_values.txt", conf);
    FILE *fp = open_ref(dir, rel);
    while (fgets(line, sizeof line, fp)) {
        int atom, k;
        char el[4];
        double graw, gs, d;
        if (line[0] == '#' || sscanf(line, "%d %3s %d %lf %lf %lf", &atom, el, &k, &graw, &gs, &d) != 6)
            continue;
        ck_assert(atom >= 1 && atom <= MAXATOMS && k >= 1 && k <= MAXSF);
        snprintf(rc->elem[atom - 1], 4, "%s", el);
        rc->g[atom - 1][k - 1] = gs;
        rc->dedg[atom - 1][k - 1] = d;
        if ((size_t)k > rc->n_sf[atom - 1])
            rc->n_sf[atom - 1] = (size_t)k;
        if ((size_t)atom > rc->n)
            rc->n = (size_t)atom;
    }
    fclose(fp);
    snprintf(rel, sizeof rel, "%s/reference.txt", conf);
    fp = open_ref(dir, rel);
    size_t got = 0;
    while (fgets(line, sizeof line, fp)) {
        int atom;
        char el[8];
        double e, fx, fy, fz;
        if (line[0] == '#' || sscanf(line, "%d %7s %lf %lf %lf %lf", &atom, el, &e, &fx, &fy, &fz) != 6)
            continue;
        ck_assert(atom >= 1 && (size_t)atom <= rc->n);
        ck_assert_str_eq(el, rc->elem[atom - 1]);
        rc->e[atom - 1] = e;
        got++;
    }
    fclose(fp);
    ck_assert_uint_eq(got, rc->n);
}

START_TEST(t_n2p2_reference)
{
    const char *dir = ref_sets[_i][0], *conf = ref_sets[_i][1];
    static ref_conf rc;
    const char *syms[] = {"H", "O"};
    read_ref_conf(dir, conf, &rc);
    ck_assert_uint_gt(rc.n, 0);
    for (int s = 0; s < 2; s++) {
        size_t rows[MAXATOMS], m = 0, nin = 0;
        for (size_t a = 0; a < rc.n; a++)
            if (!strcmp(rc.elem[a], syms[s])) {
                rows[m++] = a;
                nin = rc.n_sf[a];
            }
        ck_assert_uint_gt(m, 0);
        double conv;
        pesx_nn *net = ref_net(dir, syms[s], nin, &conv);
        pesx_nn_workspace *ws = pesx_nn_workspace_alloc((const pesx_nn *const *)&net, 1, m);
        static double x[MAXATOMS * MAXSF], dx[MAXATOMS * MAXSF];
        double e[MAXATOMS];
        for (size_t r = 0; r < m; r++) {
            ck_assert_uint_eq(rc.n_sf[rows[r]], nin);
            memcpy(x + r * nin, rc.g[rows[r]], nin * sizeof *x);
        }
        ck_assert_int_eq(pesx_nn_forward(net, m, x, nin, e, PESX_NN_GRAD, ws), PESX_OK);
        ck_assert_int_eq(pesx_nn_input_grad(net, ws, dx), PESX_OK);
        double gmax = 0.0;
        for (size_t r = 0; r < m; r++)
            for (size_t k = 0; k < nin; k++)
                gmax = fmax(gmax, fabs(rc.dedg[rows[r]][k]));
        for (size_t r = 0; r < m; r++) {
            size_t a = rows[r];
            double mine = e[r] / conv;
            ck_assert_msg(fabs(mine - rc.e[a]) <= 1e-12 * fmax(fabs(rc.e[a]), 1e-2),
                          "%s %s atom %zu (%s): E_nn %.17g, n2p2 %.17g", dir, conf, a + 1,
                          syms[s], mine, rc.e[a]);
            for (size_t k = 0; k < nin; k++) {
                double d = dx[r * nin + k] / conv;
                ck_assert_msg(fabs(d - rc.dedg[a][k]) <= 1e-11 * gmax,
                              "%s %s atom %zu SF %zu: dE/dG %.17g, n2p2 %.17g", dir, conf, a + 1,
                              k + 1, d, rc.dedg[a][k]);
            }
        }
        pesx_nn_workspace_free(ws);
        pesx_nn_free(net);
    }
}
END_TEST

static Suite *nn_suite(void)
{
    Suite *s = suite_create("nn");
    TCase *tc = tcase_create("activations");
    int na = (int)n_act();
    tcase_add_test(tc, t_activation_table);
    tcase_add_test(tc, t_activation_values);
    tcase_add_loop_test(tc, t_activation_derivatives, 0, na);
    suite_add_tcase(s, tc);

    tc = tcase_create("network");
    tcase_add_test(tc, t_forward_naive);
    tcase_add_loop_test(tc, t_input_grad_fd, 0, na);
    tcase_add_loop_test(tc, t_weight_grad_fd, 0, na);
    tcase_add_test(tc, t_weight_grad_batches);
    tcase_add_test(tc, t_alloc_and_init);
    tcase_add_test(tc, t_bad_arguments);
    suite_add_tcase(s, tc);

    if (tu_shared_dir()) {
        tc = tcase_create("n2p2");
        tcase_add_loop_test(tc, t_n2p2_reference, 0, (int)(sizeof ref_sets / sizeof *ref_sets));
        suite_add_tcase(s, tc);
    } else {
        fprintf(stderr, "check_nn: PESX_SHARED absent, n2p2 reference tests skipped\n");
    }
    return s;
}

int main(void)
{
    return tu_run_suite(nn_suite());
}
