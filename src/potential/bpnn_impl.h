/* Private: state of the Behler-Parrinello potential ("bpnn"). */
#ifndef PESX_BPNN_IMPL_H
#define PESX_BPNN_IMPL_H

#include <stddef.h>
#include <pesx/descriptor.h>
#include <pesx/nn.h>
#include <pesx/io_potential.h>
#include <pesx/potential.h>

/* One thread's evaluation scratch. */
typedef struct {
    pesx_descriptor_workspace *dws;
    pesx_nn_workspace *nws;
    double *G, *x, *dx, *dEdG; /* max_n_sf, max_n_sf, max_n_sf, M * max_n_sf */
    double *grad;              /* M * 3n                                     */
    size_t cap_grad;
    double *e_member;          /* M: this thread's member energies          */
} pesx_bpnn_thread;

typedef struct {
    pesx_descriptor *desc;
    size_t n_elem, n_members, max_n_sf;
    pesx_nn **net;             /* [m * n_elem + e]                           */
    double **factor, **offset; /* [e][k] scaling x = factor G + offset       */
    double **tmin, **tmax;     /* [e][k] training range (NAN: unknown)       */
    double conv_energy;        /* network output units per eV               */
    double mean_energy;        /* eV per atom                               */
    double *ref_energy;        /* [e] eV                                    */
    double rc;
    /* evaluation */
    pesx_nlist nl;
    size_t n_threads;
    pesx_bpnn_thread *th;
    size_t cap_atoms;
    double *atom_e;            /* n: atomic energy, mean over members       */
} pesx_bpnn;

/* Build live objects from a plain potential file (eV, Angstrom). */
int pesx_bpnn_build(pesx_bpnn *b, const pesx_potential_file *pf, const char *path);
void pesx_bpnn_release(pesx_bpnn *b);
int pesx_bpnn_evaluate(pesx_bpnn *b, const pesx_atoms *a, pesx_potential_result *r);

#endif
