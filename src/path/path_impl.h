/* Private to the NEB part of the path module. */
#ifndef PESX_PATH_IMPL_H
#define PESX_PATH_IMPL_H

#include <pesx/path.h>

/* Evaluate image IMG at positions X: energy and true forces (3n). */
typedef int (*neb_image_fn)(void *ctx, pesx_neb *b, size_t img, const double *x, double *e,
                            double *f);

struct pesx_neb {
    pesx_potential *pot;       /* NULL for an internal band (IDPP)          */
    neb_image_fn image_eval;   /* potential evaluation unless replaced      */
    void *image_ctx;
    pesx_atoms *work;          /* template; positions set per evaluation    */
    size_t n_atoms, n_img, dim;
    pesx_neb_params p;
    double *x;                 /* n_img * dim                               */
    double *e;                 /* n_img                                     */
    double *f;                 /* n_img * dim, true forces                  */
    double *fneb;              /* n_img * dim                               */
    double *tau;               /* n_img * dim                               */
    double *ftan;              /* n_img: F . tau                            */
    double *kspring;           /* n_img - 1 spring constants                */
    unsigned char *frozen;     /* dim flags (one image)                     */
    int endpoints_done, evaluated;
    int rigid;                 /* remove rigid-body motion from NEB forces  */
    double *rigid_basis;       /* 6 * dim when rigid: that motion's basis    */
    /* committee and extrapolation, per image */
    size_t n_members;
    double *member_e;          /* n_img * n_members                         */
    double *e_std;             /* n_img                                     */
    int has_std;
    size_t *n_extrap;          /* n_img                                     */
    unsigned char *extrap_flags;
    pesx_potential_result res; /* scratch pointing into the arrays above    */
    /* the moving images as one batch (potential evaluation only) */
    pesx_atoms **batch_atoms;  /* n_img - 2 copies of the template          */
    pesx_potential_result *batch_res; /* n_img - 2                          */
    unsigned char *batch_extrap; /* (n_img - 2) * n_atoms flags             */
    /* status */
    size_t step, calls, band_calls, image_calls, rejected;
    int climbing;
    size_t ci;
    double fmax, ci_fmax, ci_fnorm, e_max;
    int converged;
};

/* Band with a custom image evaluator (pot may be NULL). */
pesx_neb *neb_alloc_internal(pesx_potential *pot, const pesx_atoms *tmpl, size_t n_images,
                             const pesx_neb_params *params, neb_image_fn fn, void *ctx);
/* NEB forces, tangents and the status numbers from the current energies and
 * true forces of every image. */
void neb_project(pesx_neb *b);
/* Per-atom max and 2-norm of v (dim) over free coordinates. */
void neb_norms(const pesx_neb *b, const double *v, double *fmax, double *fnorm);

/* Global L-BFGS on the moving images with H0 = gamma blockdiag(P_i^-1),
 * P_i built when the history starts (neb_lbfgs.c). */
typedef struct {
    size_t n, dim, n_img, m;  /* coordinates, per image, images, memory */
    double *s, *y, *rho, *alpha;
    size_t len, newest;
    double *x0, *g0, *pz;
    int have_prev;
    double h0;                /* step per force before the first pair   */
    pesx_precon **pc;         /* one per image; NULL: H0 = (s.y/y.y) I   */
} neb_lbfgs;

int neb_lbfgs_init(neb_lbfgs *L, size_t n_img, size_t dim, size_t memory, double h0,
                   const pesx_minimizer_params *precon);
void neb_lbfgs_release(neb_lbfgs *L);
void neb_lbfgs_reset(neb_lbfgs *L);
/* dx = -H g at x (frozen: dim flags of one image, or NULL). */
int neb_lbfgs_step(neb_lbfgs *L, const double *x, const double *g, const unsigned char *frozen,
                   double *dx);

#endif
