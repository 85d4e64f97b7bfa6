/* The live descriptor of a potential file's symmetry functions, and SF
 * rows of every atom of a data set (OpenMP over structures, results in
 * data-set order). */
#include <config.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/fit_sf.h>
#include <pesx/potential_bpnn.h>
#include "fit/sf_impl.h"

pesx_descriptor *pesx_fit_descriptor_from_file(const pesx_potential_file *pf)
{
    int z[PESX_MAX_Z], ct;
    pesx_descriptor *d;
    if (pf->n_elements == 0 || pf->n_elements > PESX_MAX_Z) {
        pesx_error_set(PESX_EINVAL, NULL, 0, "potential file without elements");
        return NULL;
    }
    if ((ct = pesx_cutoff_lookup(pf->cutoff_type)) < 0) {
        pesx_error_set(PESX_EINVAL, NULL, 0, "unknown cutoff function '%s'", pf->cutoff_type);
        return NULL;
    }
    for (size_t e = 0; e < pf->n_elements; e++)
        z[e] = pf->element[e].z;
    if (!(d = pesx_descriptor_alloc(pf->n_elements, z, ct, pf->cutoff_alpha)))
        return NULL;
    for (size_t e = 0; e < pf->n_elements; e++) {
        const pesx_potential_file_element *el = &pf->element[e];
        for (size_t k = 0; k < el->n_sf; k++) {
            char where[96];
            pesx_sf sf;
            snprintf(where, sizeof where, "element %s, symmetry function %zu", el->symbol, k + 1);
            if (pesx_bpnn_sf_from_file(&el->sf[k], where, &sf) || pesx_descriptor_add(d, el->z, &sf)) {
                if (pesx_error_last()->code == PESX_OK)
                    pesx_error_set(PESX_EINVAL, NULL, 0, "%s: rejected", where);
                pesx_descriptor_free(d);
                return NULL;
            }
        }
    }
    if (pesx_descriptor_finalize(d)) {
        pesx_descriptor_free(d);
        return NULL;
    }
    return d;
}

#define BLOCK_STRUCTURES 256

int fit_sf_rows(const pesx_dataset *ds, const pesx_descriptor *d, const unsigned char *take,
                fit_sf_row_fn fn, void *ctx)
{
    const size_t ns = pesx_descriptor_max_n_sf(d);
    const double rc = pesx_descriptor_cutoff(d);
    size_t cap = 0;
    double *rows = NULL;
    int st = PESX_OK;
    pesx_error err;
    memset(&err, 0, sizeof err);

    for (size_t k = 0; k < ds->n; k++)
        if ((st = pesx_descriptor_check_atoms(d, ds->atoms[k])))
            return pesx_error_set(st, ds->file, ds->line[k], "structure %s: %s",
                                  ds->id[k][0] ? ds->id[k] : "(no id)", pesx_error_last()->msg);
    for (size_t b0 = 0; b0 < ds->n && !st; b0 += BLOCK_STRUCTURES) {
        size_t b1 = b0 + BLOCK_STRUCTURES < ds->n ? b0 + BLOCK_STRUCTURES : ds->n;
        size_t na = ds->atom_start[b1] - ds->atom_start[b0];
        if (na * ns > cap) {
            double *r = realloc(rows, na * ns * sizeof *r);
            if (!r) {
                free(rows);
                return pesx_error_set(PESX_ENOMEM, NULL, 0, "out of memory (SF rows)");
            }
            rows = r;
            cap = na * ns;
        }
        int failed = 0;
#pragma omp parallel
        {
            pesx_nlist nl;
            pesx_descriptor_workspace *ws = pesx_descriptor_workspace_alloc(d);
            int my_st = ws ? PESX_OK : PESX_ENOMEM;
            pesx_nlist_init(&nl);
#pragma omp for schedule(dynamic, 4)
            for (size_t k = b0; k < b1; k++) {
                const pesx_atoms *a = ds->atoms[k];
                int need = 0, s2 = PESX_OK;
                if (my_st)
                    continue;
                for (size_t i = 0; i < a->n && !need; i++)
                    need = !take || take[ds->atom_start[k] + i];
                if (!need)
                    continue;
                if ((s2 = pesx_nlist_build(&nl, a, rc)) == PESX_OK)
                    for (size_t i = 0; i < a->n && !s2; i++) {
                        size_t g = ds->atom_start[k] + i;
                        if (!take || take[g])
                            s2 = pesx_descriptor_atom_values(
                                d, a, &nl, i, rows + (g - ds->atom_start[b0]) * ns, ws);
                    }
                if (s2) {
#pragma omp critical(fit_sf_rows_err)
                    if (!failed) {
                        failed = s2;
                        err = *pesx_error_last();
                        snprintf(err.file, sizeof err.file, "%s", ds->file);
                        err.line = ds->line[k];
                    }
                    my_st = s2;
                }
            }
            pesx_nlist_release(&nl);
            pesx_descriptor_workspace_free(ws);
            if (!ws) {
#pragma omp critical(fit_sf_rows_err)
                if (!failed) {
                    failed = PESX_ENOMEM;
                    snprintf(err.msg, sizeof err.msg, "out of memory (descriptor workspace)");
                }
            }
        }
        if (failed) {
            st = pesx_error_set(failed, err.file[0] ? err.file : NULL, err.line, "%s", err.msg);
            break;
        }
        for (size_t k = b0; k < b1 && !st; k++) {
            const pesx_atoms *a = ds->atoms[k];
            for (size_t i = 0; i < a->n && !st; i++) {
                size_t g = ds->atom_start[k] + i;
                if (take && !take[g])
                    continue;
                st = fn((size_t)pesx_descriptor_element_index(d, a->z[i]), g,
                        rows + (g - ds->atom_start[b0]) * ns, ctx);
            }
        }
    }
    free(rows);
    return st;
}
