/* n2p2's input scaling modes as an affine map x = factor G + offset. */
#include <config.h>
#include <math.h>
#include <string.h>
#include <pesx/descriptor.h>

static const char *const names[] = {"none", "scale", "center", "scale-center", "sigma"};

int pesx_scaling_lookup(const char *name)
{
    for (int k = 0; name && k < 5; k++)
        if (strcmp(name, names[k]) == 0)
            return k;
    return -1;
}

const char *pesx_scaling_name(int mode)
{
    return mode >= 0 && mode < 5 ? names[mode] : NULL;
}

int pesx_scaling_coefficients(int mode, double smin, double smax, double gmin,
                              double gmax, double gmean, double gsigma,
                              double *factor, double *offset)
{
    double range = gmax - gmin;
    *factor = 1.0;
    *offset = 0.0;
    switch (mode) {
    case PESX_SCALING_NONE:
        return PESX_OK;
    case PESX_SCALING_CENTER:
        if (!isfinite(gmean))
            return pesx_error_set(PESX_EINVAL, NULL, 0, "centering needs the SF mean");
        *offset = -gmean;
        return PESX_OK;
    case PESX_SCALING_SCALE:
    case PESX_SCALING_SCALE_CENTER: {
        double shift = mode == PESX_SCALING_SCALE ? gmin : gmean;
        if (!isfinite(gmin) || !isfinite(gmax) || !isfinite(shift))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "scaling needs the SF minimum, maximum%s",
                                  mode == PESX_SCALING_SCALE ? "" : " and mean");
        if (range == 0.0) {
            *factor = 0.0;
            *offset = smin;
            return 1;
        }
        *factor = (smax - smin) / range;
        *offset = smin - shift * *factor;
        return PESX_OK;
    }
    case PESX_SCALING_SIGMA:
        if (!isfinite(gmean) || !isfinite(gsigma) || !(gsigma > 0))
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "sigma scaling needs the SF mean and a positive standard "
                                  "deviation (sigma = %g)", gsigma);
        *factor = (smax - smin) / gsigma;
        *offset = smin - gmean * *factor;
        return PESX_OK;
    default:
        return pesx_error_set(PESX_EINVAL, NULL, 0, "unknown scaling mode %d", mode);
    }
}
