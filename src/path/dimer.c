/* The improved dimer: rotation (L-BFGS or CG directions, Heyden's Fourier
 * extrapolation of the rotation angle, Kastner & Sherwood's skip of small
 * rotations) and translation with a minimizer on the modified gradient.
 * See include/pesx/path_dimer.h for the method and the references. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pesx/path_dimer.h>
#include "path/dimer_impl.h"

/* Whether a rotation is worth a force call is judged from the Fourier
 * amplitude of the previous fit (the curvature gap across the mode), capped
 * at GAP_CAP times |C|: the gap seen along one rotation plane may be larger
 * than along the next.  8 keeps every test surface (LJ7 with its nearly
 * degenerate modes among them) on first-order saddles while saving most
 * trial rotations on the Pt heptamer. */
#define GAP_CAP 8.0
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
/* Davidson rotation: largest subspace before a restart from the Ritz vector */
#define DAV_MAX 16

void pesx_dimer_params_default(pesx_dimer_params *p)
{
    memset(p, 0, sizeof *p);
    p->separation = 0.01;
    p->rotation = PESX_DIMER_ROT_DAVIDSON;
    p->rot_max = 4;
    p->rot_angle = 0.0;
    p->rot_memory = 4;
    p->rot_skip_max = 8;
    p->translator = NULL;
    pesx_minimizer_params_default(&p->mp);
    p->mp.max_step = 0.2;
    p->mp.memory = 25;
    p->fnorm = 1e-3;
    p->fmax = 0.0;
    p->max_steps = 1000;
    p->max_calls = 0;
    p->remove_translation = 0;
    p->remove_rotation = 0;
}

/* Whether the translation (and the Davidson rotation) use the preconditioner. */
static int uses_precon(const pesx_dimer_params *p, size_t n)
{
    return n % 3 == 0 && n > 0 && !p->translator &&
           (p->mp.precon == PESX_PRECON_EXP ||
            (p->mp.precon == PESX_PRECON_AUTO && p->mp.precon_atoms));
}

double pesx_dimer_rot_angle(const pesx_dimer_params *p)
{
    if (p->rot_angle > 0)
        return p->rot_angle;
    /* 10 degrees only where the preconditioned Davidson was measured
     * robust with it (Pt heptamer pairs); LJ7 from a strained start
     * evaporates an atom at 10 degrees, converges at 5 */
    int pc = p->mp.precon == PESX_PRECON_EXP ||
             (p->mp.precon == PESX_PRECON_AUTO && p->mp.precon_atoms);
    return (p->rotation == PESX_DIMER_ROT_DAVIDSON && pc ? 10.0 : 5.0) * M_PI / 180.0;
}

void pesx_dimer_params_auto(pesx_dimer_params *p, const pesx_atoms *a)
{
    int any_fixed = 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->fixed && a->fixed[i])
            any_fixed = 1;
    p->remove_translation = !any_fixed && a->n >= 2;
    p->remove_rotation = p->remove_translation && !pesx_atoms_any_pbc(a);
    /* the translation's preconditioner for anchored or periodic systems;
     * an isolated cluster or molecule goes without: its loosest atom has the
     * softest P and the largest preconditioned steps, and the dimer
     * evaporates it (LJ7 explorations from the minimum) */
    p->mp.precon_atoms = (any_fixed || pesx_atoms_any_pbc(a)) ? a : NULL;
}

/* ---- workspace ----------------------------------------------------------- */

typedef struct {
    size_t n;
    const pesx_dimer_params *p;
    pesx_objective *o;
    double *x1, *g0, *g1, *g1t, *hn, *G, *Gold, *d, *dold, *theta, *nt, *basis;
    size_t nb;
    /* rotation L-BFGS history */
    double *s, *y, *rho, *alpha;
    size_t m, count, head;
    double e0;
    double rot_angle;   /* pesx_dimer_rot_angle(p) */
    double a1_last;     /* Fourier amplitude of the last rotation fit, or 0 */
    /* Davidson rotation: basis V and H V (DAV_MAX x n each), small matrices */
    double *V, *HV, *T, *ev;
    double gap_last;    /* lambda2 - lambda1 estimated by the last Davidson phase, or 0 */
    pesx_precon *pc;    /* Davidson: P^-1 on the residual (surfaces and bulk) */
    size_t rotations;
} dimer_ws;

static void ws_free(dimer_ws *w)
{
    free(w->x1);
    free(w->g0);
    free(w->g1);
    free(w->g1t);
    free(w->hn);
    free(w->G);
    free(w->Gold);
    free(w->d);
    free(w->dold);
    free(w->theta);
    free(w->nt);
    free(w->basis);
    free(w->s);
    free(w->y);
    free(w->rho);
    free(w->alpha);
    free(w->V);
    free(w->HV);
    free(w->T);
    free(w->ev);
    pesx_precon_free(w->pc);
}

static int ws_alloc(dimer_ws *w, pesx_objective *o, const pesx_dimer_params *p)
{
    size_t n = o->n;
    memset(w, 0, sizeof *w);
    w->n = n;
    w->p = p;
    w->o = o;
    w->m = p->rot_memory ? p->rot_memory : 1;
    w->rot_angle = pesx_dimer_rot_angle(p);
    double **vec[] = {&w->x1, &w->g0, &w->g1, &w->g1t, &w->hn, &w->G,
                      &w->Gold, &w->d, &w->dold, &w->theta, &w->nt};
    for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
        *vec[i] = calloc(n ? n : 1, sizeof(double));
        if (!*vec[i])
            goto nomem;
    }
    w->basis = calloc(6 * (n ? n : 1), sizeof(double));
    w->s = calloc(w->m * (n ? n : 1), sizeof(double));
    w->y = calloc(w->m * (n ? n : 1), sizeof(double));
    w->rho = calloc(w->m, sizeof(double));
    w->alpha = calloc(w->m, sizeof(double));
    if (!w->basis || !w->s || !w->y || !w->rho || !w->alpha)
        goto nomem;
    if (p->rotation == PESX_DIMER_ROT_DAVIDSON) {
        w->V = calloc(DAV_MAX * (n ? n : 1), sizeof(double));
        w->HV = calloc(DAV_MAX * (n ? n : 1), sizeof(double));
        w->T = calloc(DAV_MAX * DAV_MAX, sizeof(double));
        w->ev = calloc(DAV_MAX, sizeof(double));
        if (!w->V || !w->HV || !w->T || !w->ev)
            goto nomem;
        if (uses_precon(p, n) && !(w->pc = pesx_precon_alloc(n, &p->mp))) {
            ws_free(w);
            return pesx_error_last()->code;
        }
    }
    return PESX_OK;
nomem:
    ws_free(w);
    return pesx_error_set(PESX_ENOMEM, "", 0, "dimer: out of memory (%zu coordinates)", n);
}

/* Zero frozen coordinates and the rigid-body components. */
static void project(dimer_ws *w, double *v)
{
    if (w->o->frozen)
        for (size_t i = 0; i < w->n; i++)
            if (w->o->frozen[i])
                v[i] = 0.0;
    if (w->nb)
        dimer_project_out(w->n, w->basis, w->nb, v);
}

static void set_basis(dimer_ws *w, const double *x)
{
    w->nb = 0;
    if ((w->p->remove_translation || w->p->remove_rotation) && w->n % 3 == 0)
        dimer_rigid_basis(w->n, x, NULL, w->p->remove_translation, w->p->remove_rotation,
                          w->basis, &w->nb);
}

static int normalise(dimer_ws *w, double *v)
{
    project(w, v);
    double nv = dimer_norm(w->n, v);
    if (!(nv > 1e-300) || !isfinite(nv))
        return PESX_EINVAL;
    for (size_t i = 0; i < w->n; i++)
        v[i] /= nv;
    return PESX_OK;
}

/* Gradient at x0 + dR * mode into g. */
static int eval_image(dimer_ws *w, const double *x0, const double *mode, double *g)
{
    double e;
    for (size_t i = 0; i < w->n; i++)
        w->x1[i] = x0[i] + w->p->separation * mode[i];
    return pesx_objective_eval(w->o, w->x1, &e, g);
}

static void hn_from(dimer_ws *w, const double *mode, double *C)
{
    double inv = 1.0 / w->p->separation;
    for (size_t i = 0; i < w->n; i++)
        w->hn[i] = (w->g1[i] - w->g0[i]) * inv;
    project(w, w->hn);
    *C = dimer_dot(w->n, mode, w->hn);
}

/* H0 of the rotation L-BFGS: s.y / y.y of the newest pair (1 before any). */
static int rot_h0(void *data, double *d)
{
    dimer_ws *w = data;
    size_t n = w->n;
    if (w->count > 0) {
        size_t last = (w->head + w->m - 1) % w->m;
        double yy = dimer_dot(n, w->y + last * n, w->y + last * n);
        double scale = yy > 0 ? 1.0 / (w->rho[last] * yy) : 1.0;
        for (size_t i = 0; i < n; i++)
            d[i] *= scale;
    }
    return PESX_OK;
}

/* Rotation direction from the sphere gradient G: L-BFGS two-loop or CG. */
static void rot_direction(dimer_ws *w, size_t r, const double *mode)
{
    size_t n = w->n;
    if (w->p->rotation == PESX_DIMER_ROT_CG) {
        double gamma = 0.0;
        if (r > 0) {
            double den = dimer_dot(n, w->Gold, w->Gold);
            double num = 0.0;
            for (size_t i = 0; i < n; i++)
                num += w->G[i] * (w->G[i] - w->Gold[i]);
            gamma = den > 0 ? num / den : 0.0;
            if (gamma < 0)
                gamma = 0.0;
        }
        for (size_t i = 0; i < n; i++)
            w->d[i] = -w->G[i] + gamma * w->dold[i];
    } else {
        pesx_lbfgs_direction(n, w->m, w->count, (w->head + w->m - 1) % w->m, w->s, w->y, w->rho,
                             w->alpha, w->G, w->d, rot_h0, w);
    }
    double dn = dimer_dot(n, w->d, mode);
    for (size_t i = 0; i < n; i++)
        w->d[i] -= dn * mode[i];
    project(w, w->d);
    /* not a descent direction for the curvature: restart on -G */
    if (dimer_dot(n, w->d, w->G) >= 0.0) {
        w->count = 0;
        for (size_t i = 0; i < n; i++)
            w->d[i] = -w->G[i];
    }
}

static void rot_history_add(dimer_ws *w, const double *s, const double *Gnew)
{
    size_t n = w->n, idx = w->head;
    double sy = 0.0;
    for (size_t i = 0; i < n; i++) {
        w->s[idx * n + i] = s[i];
        w->y[idx * n + i] = Gnew[i] - w->Gold[i];
        sy += s[i] * w->y[idx * n + i];
    }
    if (!(sy > 0.0)) {          /* curvature condition violated: forget */
        w->count = 0;
        return;
    }
    w->rho[idx] = 1.0 / sy;
    w->head = (w->head + 1) % w->m;
    if (w->count < w->m)
        w->count++;
}

/* The rotation phase at x0 (g0 known): evaluate the image along MODE, then
 * up to ROT_MAX trial rotations.  MODE is updated (unit); *C receives the
 * curvature.  cb, when set, sees every rotation (for the mode search). */
static int rotate_davidson(dimer_ws *w, const double *x0, double *mode, size_t rot_max,
                           double *C, pesx_dimer_callback cb, void *cb_data, int *stopped);

static int rotate(dimer_ws *w, const double *x0, double *mode, size_t rot_max, double *C,
                  pesx_dimer_callback cb, void *cb_data, int *stopped)
{
    if (w->p->rotation == PESX_DIMER_ROT_DAVIDSON)
        return rotate_davidson(w, x0, mode, rot_max, C, cb, cb_data, stopped);
    size_t n = w->n;
    int st = eval_image(w, x0, mode, w->g1);
    if (st)
        return st;
    w->count = 0;
    w->head = 0;
    hn_from(w, mode, C);
    for (size_t r = 0;; r++) {
        for (size_t i = 0; i < n; i++)
            w->G[i] = 2.0 * (w->hn[i] - *C * mode[i]);
        if (r > 0 && w->p->rotation == PESX_DIMER_ROT_LBFGS)
            rot_history_add(w, w->nt, w->G); /* nt holds the last step s */
        if (cb) {
            int q = cb(cb_data, r, x0, mode, w->e0, *C, 0.0, w->o->calls);
            if (q) {
                *stopped = 1;
                return PESX_OK;
            }
        }
        if (r >= rot_max)
            break;
        rot_direction(w, r, mode);
        double dnorm = dimer_norm(n, w->d);
        if (!(dnorm > 1e-300))
            break;
        for (size_t i = 0; i < n; i++)
            w->theta[i] = w->d[i] / dnorm;
        double b1 = dimer_dot(n, w->theta, w->hn); /* dC/dphi / 2 */
        double phi1 = -0.5 * atan(b1 / (fabs(*C) + 1e-300));
        /* Is a rotation worth a force call?  With the Fourier amplitude a1
         * of the last fit (the curvature across the mode changes slowly) the
         * angle of the minimum is known without one; Kastner & Sherwood's
         * estimate with |C| in its place is used until a fit exists. */
        double phi_est = phi1;
        if (w->a1_last < 0) {
            double a1 = fmax(w->a1_last, -GAP_CAP * fabs(*C));
            phi_est = 0.5 * atan2(b1, a1) - 0.5 * M_PI;
            if (phi_est <= -0.5 * M_PI)
                phi_est += M_PI;
        }
        if (fabs(phi_est) < w->rot_angle)
            break;
        /* trial rotation */
        double c1 = cos(phi1), s1 = sin(phi1);
        for (size_t i = 0; i < n; i++)
            w->nt[i] = c1 * mode[i] + s1 * w->theta[i];
        if (normalise(w, w->nt))
            break;
        st = eval_image(w, x0, w->nt, w->g1t);
        if (st)
            return st;
        w->rotations++;
        double inv = 1.0 / w->p->separation, Ct = 0.0;
        for (size_t i = 0; i < n; i++)
            Ct += w->nt[i] * (w->g1t[i] - w->g0[i]) * inv;
        double a1 = (*C - Ct + b1 * sin(2 * phi1)) / (1.0 - cos(2 * phi1));
        /* a1 cos 2phi + b1 sin 2phi = R cos(2phi - delta): its minimum is at
         * phi = delta/2 + pi/2, taken modulo pi (phi and phi - pi are the same
         * line) into (-pi/2, pi/2] */
        w->a1_last = a1 < 0 ? a1 : 0.0;
        double phim = 0.5 * atan2(b1, a1) - 0.5 * M_PI;
        if (phim <= -0.5 * M_PI)
            phim += M_PI;
        double cm = cos(phim), sm = sin(phim);
        double sp1 = sin(phi1), cp1 = cos(phi1);
        /* gradient at the new image by linear interpolation (Heyden eq. 24):
         * g1(phi) = g0 + cos(phi)(g1(0)-g0) + sin(phi)/sin(phi1) (g1(phi1) - g0 - cos(phi1)(g1(0)-g0)) */
        for (size_t i = 0; i < n; i++) {
            double d0 = w->g1[i] - w->g0[i];
            double dt = w->g1t[i] - w->g0[i] - cp1 * d0;
            double gnew = w->g0[i] + cm * d0 + sm / sp1 * dt;
            w->nt[i] = cm * mode[i] + sm * w->theta[i]; /* new mode (temporarily) */
            w->g1[i] = gnew;
        }
        memcpy(w->Gold, w->G, n * sizeof *w->G);
        memcpy(w->dold, w->d, n * sizeof *w->d);
        if (normalise(w, w->nt))
            break;
        for (size_t i = 0; i < n; i++) {
            double s = w->nt[i] - mode[i];
            mode[i] = w->nt[i];
            w->nt[i] = s;
        }
        hn_from(w, mode, C);
        if (fabs(phim) < w->rot_angle) {
            if (cb) {
                int q = cb(cb_data, r + 1, x0, mode, w->e0, *C, 0.0, w->o->calls);
                if (q)
                    *stopped = 1;
            }
            break;
        }
    }
    return PESX_OK;
}

/* Lowest eigenpair of the k x k matrix T (row-major, symmetrised here; k <=
 * DAV_MAX) by cyclic Jacobi rotations, without allocation: value into
 * *theta, unit vector into y; the second lowest value into *theta2 (k >= 2,
 * else +inf). */
static void small_eigen(const double *T, size_t k, double *y, double *theta, double *theta2)
{
    double A[DAV_MAX * DAV_MAX], Q[DAV_MAX * DAV_MAX];
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) {
            A[i * k + j] = 0.5 * (T[i * k + j] + T[j * k + i]);
            Q[i * k + j] = i == j;
        }
    for (int sweep = 0; sweep < 50; sweep++) {
        double off = 0.0, diag = 0.0;
        for (size_t i = 0; i < k; i++) {
            diag += A[i * k + i] * A[i * k + i];
            for (size_t j = i + 1; j < k; j++)
                off += A[i * k + j] * A[i * k + j];
        }
        if (!(off > 1e-30 * diag))
            break;
        for (size_t p = 0; p < k; p++)
            for (size_t q = p + 1; q < k; q++) {
                double apq = A[p * k + q];
                if (apq == 0.0)
                    continue;
                double tau = (A[q * k + q] - A[p * k + p]) / (2.0 * apq);
                double t = (tau >= 0 ? 1.0 : -1.0) / (fabs(tau) + sqrt(1.0 + tau * tau));
                double c = 1.0 / sqrt(1.0 + t * t), sn = t * c;
                for (size_t i = 0; i < k; i++) { /* A <- A J */
                    double aip = A[i * k + p], aiq = A[i * k + q];
                    A[i * k + p] = c * aip - sn * aiq;
                    A[i * k + q] = sn * aip + c * aiq;
                }
                for (size_t j = 0; j < k; j++) { /* A <- J^T A */
                    double apj = A[p * k + j], aqj = A[q * k + j];
                    A[p * k + j] = c * apj - sn * aqj;
                    A[q * k + j] = sn * apj + c * aqj;
                }
                for (size_t i = 0; i < k; i++) { /* Q <- Q J */
                    double qip = Q[i * k + p], qiq = Q[i * k + q];
                    Q[i * k + p] = c * qip - sn * qiq;
                    Q[i * k + q] = sn * qip + c * qiq;
                }
            }
    }
    size_t lo = 0;
    for (size_t i = 1; i < k; i++)
        if (A[i * k + i] < A[lo * k + lo])
            lo = i;
    *theta = A[lo * k + lo];
    *theta2 = HUGE_VAL;
    for (size_t i = 0; i < k; i++)
        if (i != lo && A[i * k + i] < *theta2)
            *theta2 = A[i * k + i];
    for (size_t i = 0; i < k; i++)
        y[i] = Q[i * k + lo];
}

/* The rotation phase by Davidson's method: the basis starts at MODE (its
 * H MODE from the image gradient g1), each iteration adds the orthogonalised
 * residual r = H u - C u of the lowest Ritz pair (u, C) and evaluates H
 * along it (one force call, forward difference), the residual multiplied by
 * P^-1 first when the translation is preconditioned.  Stops when the
 * rotation the residual asks for in the plane of u and r, 0.5 atan(2 |r| /
 * gap), is below rot_angle (gap: the two lowest Ritz values of the last
 * subspace of two or more vectors, at most GAP_CAP |C|; 2 |C| before any,
 * which is Kastner & Sherwood's estimate), or after rot_max new vectors;
 * MODE and *C are the last Ritz pair. */
static int rotate_davidson(dimer_ws *w, const double *x0, double *mode, size_t rot_max,
                           double *C, pesx_dimer_callback cb, void *cb_data, int *stopped)
{
    size_t n = w->n, k = 1;
    int st = eval_image(w, x0, mode, w->g1);
    if (st)
        return st;
    hn_from(w, mode, C);
    memcpy(w->V, mode, n * sizeof *mode);
    memcpy(w->HV, w->hn, n * sizeof *mode);
    double inv = 1.0 / w->p->separation;
    for (size_t r = 0;; r++) {
        /* Ritz pair of the subspace */
        double theta = *C, theta2 = HUGE_VAL;
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < k; j++)
                w->T[i * k + j] = dimer_dot(n, w->V + i * n, w->HV + j * n);
        small_eigen(w->T, k, w->ev, &theta, &theta2);
        if (k >= 2)
            w->gap_last = theta2 - theta;
        /* u into mode, H u into hn, residual into d */
        memset(mode, 0, n * sizeof *mode);
        memset(w->hn, 0, n * sizeof *mode);
        for (size_t j = 0; j < k; j++) {
            double c = w->ev[j];
            const double *v = w->V + j * n, *hv = w->HV + j * n;
            for (size_t i = 0; i < n; i++) {
                mode[i] += c * v[i];
                w->hn[i] += c * hv[i];
            }
        }
        if (normalise(w, mode))
            return pesx_error_set(PESX_EFAILED, "", 0, "dimer: the mode vanished");
        *C = theta;
        if (cb && cb(cb_data, r, x0, mode, w->e0, *C, 0.0, w->o->calls)) {
            *stopped = 1;
            return PESX_OK;
        }
        for (size_t i = 0; i < n; i++)
            w->d[i] = w->hn[i] - theta * mode[i];
        project(w, w->d);
        double rn = dimer_norm(n, w->d);
        /* the angle to the lowest mode in the plane of u and r: 0.5 atan(2|r|/gap) */
        double gap = 2.0 * fabs(theta);
        if (w->gap_last > 0)
            gap = fmin(w->gap_last, GAP_CAP * fabs(theta));
        if (r >= rot_max || 0.5 * atan(2.0 * rn / (gap + 1e-300)) < w->rot_angle)
            break;
        if (w->pc) {
            if (r == 0 && (st = pesx_precon_build(w->pc, x0, w->o->frozen)))
                return st;
            if ((st = pesx_precon_solve(w->pc, w->d, w->g1t)))
                return st;
            memcpy(w->d, w->g1t, n * sizeof *w->d);
            project(w, w->d);
        }
        if (k == DAV_MAX) { /* restart from the Ritz vector */
            memcpy(w->V, mode, n * sizeof *mode);
            memcpy(w->HV, w->hn, n * sizeof *mode);
            k = 1;
        }
        for (int pass = 0; pass < 2; pass++)
            for (size_t j = 0; j < k; j++) {
                double c = dimer_dot(n, w->d, w->V + j * n);
                for (size_t i = 0; i < n; i++)
                    w->d[i] -= c * w->V[j * n + i];
            }
        if (normalise(w, w->d) || dimer_norm(n, w->d) < 0.5)
            break;
        double *v = w->V + k * n, *hv = w->HV + k * n;
        memcpy(v, w->d, n * sizeof *v);
        if ((st = eval_image(w, x0, v, w->g1t)))
            return st;
        w->rotations++;
        for (size_t i = 0; i < n; i++)
            hv[i] = (w->g1t[i] - w->g0[i]) * inv;
        project(w, hv);
        k++;
    }
    return PESX_OK;
}

static double fmax_of(const pesx_objective *o, const double *g)
{
    return pesx_objective_fmax(o, g);
}

int pesx_dimer_project_mode(const pesx_dimer_params *p, const pesx_objective *o,
                            const double *x, double *v)
{
    dimer_ws w;
    memset(&w, 0, sizeof w);
    w.n = o->n;
    w.p = p;
    w.o = (pesx_objective *)o;
    w.basis = calloc(6 * (o->n ? o->n : 1), sizeof(double));
    if (!w.basis)
        return pesx_error_set(PESX_ENOMEM, "", 0, "dimer: out of memory");
    set_basis(&w, x);
    int st = normalise(&w, v);
    free(w.basis);
    if (st)
        return pesx_error_set(PESX_EINVAL, "", 0,
                              "the mode is zero over the free coordinates%s",
                              (p->remove_translation || p->remove_rotation)
                                  ? " once rigid translation/rotation is removed" : "");
    return PESX_OK;
}

int pesx_dimer_search(pesx_objective *o, const pesx_dimer_params *p, double *x,
                      double *mode, pesx_dimer_callback cb, void *cb_data,
                      pesx_dimer_result *res)
{
    memset(res, 0, sizeof *res);
    res->energy = NAN;
    res->curvature = NAN;
    if (!(p->separation > 0) || !(p->fnorm > 0 || p->fmax > 0))
        return pesx_error_set(PESX_EINVAL, "", 0,
                              "dimer: separation and a convergence threshold must be > 0");
    dimer_ws w;
    int st = ws_alloc(&w, o, p);
    if (st)
        return st;
    size_t n = o->n, calls0 = o->calls;
    /* translation: a registered minimizer through the opt API on the
     * modified gradient, or (translator NULL) the mode-aware L-BFGS */
    pesx_minimizer *mz = NULL;
    dimer_tlbfgs tl;
    int have_tl = 0;
    double *gm = calloc(n ? n : 1, sizeof *gm);
    double *dx = calloc(n ? n : 1, sizeof *dx);
    if (!gm || !dx) {
        st = pesx_error_set(PESX_ENOMEM, "", 0, "dimer: out of memory");
        goto done;
    }
    if (p->translator) {
        if (!(mz = pesx_minimizer_alloc(p->translator, n, &p->mp))) {
            st = pesx_error_last()->code ? pesx_error_last()->code : PESX_ENOMEM;
            goto done;
        }
    } else {
        int use_pc = uses_precon(p, n);
        if ((st = dimer_tlbfgs_init(&tl, n, p->mp.memory,
                                    p->mp.h0 > 0 ? p->mp.h0 : 1.0 / 70.0,
                                    use_pc ? &p->mp : NULL)))
            goto done;
        have_tl = 1;
    }
    set_basis(&w, x);
    if (normalise(&w, mode)) {
        st = pesx_error_set(PESX_EINVAL, "", 0,
                            "dimer: the initial mode is zero over the free coordinates");
        goto done;
    }
    st = pesx_objective_eval(o, x, &w.e0, w.g0);
    if (st)
        goto done;
    int prev_positive = -1;
    size_t skip = 0, skip_left = 0;
    double C_last = 0.0;
    for (size_t step = 0;; step++) {
        double C;
        int stopped = 0;
        set_basis(&w, x);
        project(&w, mode);
        if (normalise(&w, mode)) {
            st = pesx_error_set(PESX_EFAILED, "", 0, "dimer: the mode vanished");
            goto done;
        }
        double fnorm = pesx_objective_fnorm(o, w.g0), fmax = fmax_of(o, w.g0);
        if (skip_left > 0) {
            /* the mode has been stable: keep it (and its curvature) for
             * this step, one force call instead of two */
            skip_left--;
            C = C_last;
        } else {
            size_t r0 = w.rotations;
            st = rotate(&w, x, mode, p->rot_max, &C, NULL, NULL, &stopped);
            if (st)
                goto done;
            if (w.rotations == r0 && C < 0)
                skip = skip ? (2 * skip < p->rot_skip_max ? 2 * skip : p->rot_skip_max)
                            : (p->rot_skip_max ? 1 : 0);
            else
                skip = 0;
            skip_left = skip;
            C_last = C;
        }
        res->steps = step;
        res->energy = w.e0;
        res->curvature = C;
        res->fnorm = fnorm;
        res->fmax = fmax;
        res->rotations = w.rotations;
        res->calls = o->calls - calls0;
        if (cb) {
            int q = cb(cb_data, step, x, mode, w.e0, C, fnorm, res->calls);
            if (q) {
                st = q;
                goto done;
            }
        }
        int ok = (p->fnorm <= 0 || fnorm < p->fnorm) && (p->fmax <= 0 || fmax < p->fmax);
        if (ok && C < 0) {
            res->converged = 1;
            st = PESX_OK;
            goto done;
        }
        if (step >= p->max_steps || (p->max_calls && res->calls >= p->max_calls)) {
            st = pesx_error_set(PESX_ENOCONV, "", 0,
                                "dimer: not converged after %zu steps and %zu force calls "
                                "(|F| = %.3g eV/A, curvature %.3g eV/A^2)",
                                step, res->calls, fnorm, C);
            goto done;
        }
        double gpar = dimer_dot(n, w.g0, mode);
        if (have_tl && (st = dimer_tlbfgs_push(&tl, x, w.g0, o->frozen)))
            goto done;
        if (C < 0) {
            for (size_t i = 0; i < n; i++)
                gm[i] = w.g0[i] - 2.0 * gpar * mode[i];
            if (have_tl) {
                if ((st = dimer_tlbfgs_direction(&tl, gm, mode, dx)))
                    goto done;
                /* a preconditioned step may carry rigid-body motion */
                if (tl.pc)
                    project(&w, dx);
                if (o->frozen)
                    for (size_t i = 0; i < n; i++)
                        if (o->frozen[i])
                            dx[i] = 0.0;
                double big = 0.0;
                if (o->group == 3)
                    big = dimer_atom_max(n, dx);
                else
                    for (size_t i = 0; i < n; i++)
                        if (fabs(dx[i]) > big)
                            big = fabs(dx[i]);
                if (p->mp.max_step > 0 && big > p->mp.max_step)
                    for (size_t i = 0; i < n; i++)
                        dx[i] *= p->mp.max_step / big;
            } else {
                if (prev_positive == 1)
                    pesx_minimizer_reset(mz);
                st = pesx_minimizer_step(mz, x, gm, w.e0, o->frozen, o->group ? o->group : 3,
                                         dx);
                if (st)
                    goto done;
            }
            prev_positive = 0;
        } else {
            /* convex region: a fixed uphill step along the mode (Henkelman &
             * Jonsson 1999: F' = -F_par); the L-BFGS history is not valid here */
            double sgn = gpar > 0 ? 1.0 : (gpar < 0 ? -1.0 : 1.0);
            double am = (o->group == 1) ? 0.0 : dimer_atom_max(n, mode);
            if (o->group == 1 || am <= 0) {
                am = 0.0;
                for (size_t i = 0; i < n; i++)
                    if (fabs(mode[i]) > am)
                        am = fabs(mode[i]);
            }
            double len = 0.5 * p->mp.max_step / am;
            for (size_t i = 0; i < n; i++)
                dx[i] = sgn * len * mode[i];
            if (mz)
                pesx_minimizer_reset(mz);
            prev_positive = 1;
        }
        for (size_t i = 0; i < n; i++)
            if (!o->frozen || !o->frozen[i])
                x[i] += dx[i];
        st = pesx_objective_eval(o, x, &w.e0, w.g0);
        if (st)
            goto done;
    }
done:
    res->calls = o->calls - calls0;
    res->rotations = w.rotations;
    free(gm);
    free(dx);
    pesx_minimizer_free(mz);
    if (have_tl)
        dimer_tlbfgs_release(&tl);
    ws_free(&w);
    return st;
}

int pesx_dimer_lowest_mode(pesx_objective *o, const pesx_dimer_params *p,
                           const double *x, double *mode, pesx_dimer_callback cb,
                           void *cb_data, pesx_dimer_result *res)
{
    memset(res, 0, sizeof *res);
    dimer_ws w;
    int st = ws_alloc(&w, o, p);
    if (st)
        return st;
    size_t calls0 = o->calls;
    set_basis(&w, x);
    if (normalise(&w, mode)) {
        st = pesx_error_set(PESX_EINVAL, "", 0,
                            "dimer: the initial mode is zero over the free coordinates");
        goto done;
    }
    st = pesx_objective_eval(o, x, &w.e0, w.g0);
    if (st)
        goto done;
    double C = NAN;
    int stopped = 0;
    size_t rot_max = p->max_calls ? p->max_calls : 1000;
    st = rotate(&w, x, mode, rot_max, &C, cb, cb_data, &stopped);
    res->converged = (st == PESX_OK);
    res->energy = w.e0;
    res->curvature = C;
    res->fnorm = pesx_objective_fnorm(o, w.g0);
    res->fmax = pesx_objective_fmax(o, w.g0);
done:
    res->calls = o->calls - calls0;
    res->rotations = w.rotations;
    ws_free(&w);
    return st;
}
