/* --sf FILE: symmetry functions from an n2p2 input.nn settings file, with
 * the scaling of the options and statistics over the training set. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <pesx/fit_sf.h>
#include <pesx/io_n2p2.h>

/* Remove element K of PF (and free what it owns). */
static void drop_element(pesx_potential_file *pf, size_t k)
{
    pesx_potential_file_element *e = &pf->element[k];
    free(e->sf);
    free(e->size);
    free(e->activation);
    free(e->weights);
    memmove(pf->element + k, pf->element + k + 1, (pf->n_elements - k - 1) * sizeof *e);
    pf->n_elements--;
}

int pesx_fit_sf_read(const char *path, const pesx_dataset *train, const pesx_fit_sf_options *o,
                     pesx_potential_file *pf)
{
    int st;
    if (!train || train->n == 0)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "no training structures");
    if (pesx_scaling_lookup(o->scaling_mode) < 0 || !(o->smin < o->smax))
        return pesx_error_set(PESX_EINVAL, NULL, 0, "bad scaling '%s' [%g, %g]", o->scaling_mode,
                              o->smin, o->smax);
    if ((st = pesx_n2p2_read_settings(path, 1.0, pf)))
        return st;
    /* every element of the data needs functions */
    for (size_t e = 0; e < train->n_elements; e++) {
        size_t k = 0;
        while (k < pf->n_elements && pf->element[k].z != train->elements[e])
            k++;
        if (k == pf->n_elements) {
            st = pesx_error_set(PESX_EINVAL, path, 0,
                                "no symmetry functions for element %s, which the training data "
                                "has",
                                pesx_element_symbol(train->elements[e]));
            goto fail;
        }
    }
    /* functions of elements the data lacks cannot be scaled: drop them */
    for (size_t k = pf->n_elements; k-- > 0;) {
        size_t e = 0;
        while (e < train->n_elements && train->elements[e] != pf->element[k].z)
            e++;
        if (e == train->n_elements)
            drop_element(pf, k);
    }
    if (!pf->cutoff_type[0]) {
        snprintf(pf->cutoff_type, sizeof pf->cutoff_type, "%s", o->cutoff_type);
        pf->cutoff_alpha = o->cutoff_alpha;
    }
    snprintf(pf->scaling_mode, sizeof pf->scaling_mode, "%s", o->scaling_mode);
    pf->smin = o->smin;
    pf->smax = o->smax;
    if ((st = pesx_fit_sf_statistics(train, pf))) {
        pesx_error_prefix("%s", path);
        goto fail;
    }
    return PESX_OK;
fail:
    pesx_potential_file_release(pf);
    return st;
}
