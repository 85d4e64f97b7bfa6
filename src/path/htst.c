/* Harmonic transition-state theory: the Vineyard (1957) prefactor and rate. */
#include <math.h>

#include <pesx/path_vib.h>

int pesx_htst_rate(const pesx_vib *minimum, const pesx_vib *saddle, double barrier,
                   double temperature, double *prefactor, double *rate)
{
    if (minimum->n != saddle->n)
        return pesx_error_set(PESX_EINVAL, "", 0,
                              "HTST: the minimum has %zu modes, the saddle %zu",
                              minimum->n, saddle->n);
    if (minimum->n_negative || minimum->n_zero)
        return pesx_error_set(PESX_EINVAL, "", 0,
                              "HTST: the minimum has %zu imaginary and %zu zero frequencies",
                              minimum->n_negative, minimum->n_zero);
    if (saddle->n_negative != 1 || saddle->n_zero)
        return pesx_error_set(PESX_EINVAL, "", 0,
                              "HTST: the saddle has %zu imaginary and %zu zero frequencies "
                              "(a first-order saddle has exactly one imaginary)",
                              saddle->n_negative, saddle->n_zero);
    if (!(temperature > 0))
        return pesx_error_set(PESX_EINVAL, "", 0, "HTST: the temperature must be > 0");
    /* in cm^-1: the speed of light turns the ratio into s^-1 (one more
     * frequency on top than below) */
    double lg = 0.0;
    for (size_t k = 0; k < minimum->n; k++)
        lg += log(minimum->freq[k]);
    for (size_t k = 0; k < saddle->n; k++)
        if (saddle->freq[k] > 0)
            lg -= log(saddle->freq[k]);
    *prefactor = exp(lg) * PESX_C_CM_S;
    *rate = *prefactor * exp(-barrier / (PESX_KB_EV * temperature));
    return PESX_OK;
}
