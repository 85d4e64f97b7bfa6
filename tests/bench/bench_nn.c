/* Benchmark of the atomic networks: forward + dE/dG for the water
 * potential's H network shape (27-25-25-1, tanh tanh linear), per atom,
 * one atom at a time (the plain-loop path) and in one batch (dgemm).
 * Usage: bench_nn [n_atoms] [repeats].  Prints CPU seconds per atom. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <pesx/nn.h>

/* CPU seconds of the process (the figure to quote on a shared machine). */
static double cpu_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 3456, reps = argc > 2 ? (size_t)atol(argv[2]) : 20;
    static const size_t sz[] = {27, 25, 25, 1};
    const char *act[] = {"t", "t", "l"};
    pesx_nn *net = pesx_nn_alloc_named(4, sz, act, 0);
    pesx_rng rng;
    if (!net || n == 0)
        return 1;
    pesx_rng_seed(&rng, 1);
    pesx_nn_init_weights(net, &rng, PESX_NN_INIT_UNIFORM);
    pesx_nn_workspace *ws = pesx_nn_workspace_alloc((const pesx_nn *const *)&net, 1, n);
    double *x = malloc(n * 27 * sizeof *x), *e = malloc(n * sizeof *e),
           *dx = malloc(n * 27 * sizeof *dx), sum = 0.0;
    for (size_t k = 0; k < n * 27; k++)
        x[k] = pesx_rng_uniform(&rng);
    double t0 = cpu_time();
    for (size_t r = 0; r < reps; r++)
        for (size_t a = 0; a < n; a++) {
            pesx_nn_forward(net, 1, x + 27 * a, 27, e + a, PESX_NN_GRAD, ws);
            pesx_nn_input_grad(net, ws, dx + 27 * a);
            sum += e[a] + dx[27 * a];
        }
    double t1 = cpu_time();
    for (size_t r = 0; r < reps; r++) {
        pesx_nn_forward(net, n, x, 27, e, PESX_NN_GRAD, ws);
        pesx_nn_input_grad(net, ws, dx);
        sum += e[0] + dx[0];
    }
    double t2 = cpu_time();
    printf("27-25-25-1 tanh net, %zu atoms, forward + dE/dG:\n", n);
    printf("  one atom per call: %.3g s per atom, %.3g s for all\n", (t1 - t0) / (double)(reps * n),
           (t1 - t0) / (double)reps);
    printf("  one batch (dgemm): %.3g s per atom, %.3g s for all\n", (t2 - t1) / (double)(reps * n),
           (t2 - t1) / (double)reps);
    printf("  (checksum %g)\n", sum);
    free(x);
    free(e);
    free(dx);
    pesx_nn_workspace_free(ws);
    pesx_nn_free(net);
    return 0;
}
