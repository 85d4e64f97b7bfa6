/* KIM model driver for pesx potentials.  The model's parameter file is a
 * pesx potential.xml; it is evaluated through libpesx's flat API.
 *
 * KIM hands the model a cluster: contributing atoms and padding atoms
 * (periodic images or other ranks' atoms) out to the influence distance.
 * The energy of contributing atom i needs the positions within the cutoff
 * rc; the force on i needs the atom energies of its neighbours, hence
 * their neighbours too.  With influence distance 2 rc every atom within rc
 * of a contributing atom has its whole environment in the cluster, so the
 * cluster's own forces on contributing atoms are exact and the energy is
 * the sum of the contributing atoms' energies.  Padding atoms get zero
 * force: their own contributing copies carry it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "KIM_LogMacros.h"
#include "KIM_ModelDriverHeaders.h"
#include <pesx/api.h>

#define PESX_KIM_MAX_Z 118

typedef struct {
    pesx_api_model *model;
    double influence;  /* 2 rc */
    int will_not_request_padding_neighbours;
    size_t capacity;   /* of the scratch arrays below */
    int *z;
    double *forces, *atom_energies;
} driver;

static int grow(driver *d, size_t n)
{
    if (n <= d->capacity) return 0;
    int *z = realloc(d->z, n * sizeof *z);
    if (z) d->z = z;
    double *f = realloc(d->forces, 3 * n * sizeof *f);
    if (f) d->forces = f;
    double *e = realloc(d->atom_energies, n * sizeof *e);
    if (e) d->atom_energies = e;
    if (!z || !f || !e) return 1;
    d->capacity = n;
    return 0;
}

static int compute(KIM_ModelCompute const *const mc,
                   KIM_ModelComputeArguments const *const mca)
{
    driver *d;
    KIM_ModelCompute_GetModelBufferPointer(mc, (void **)&d);
    int *n_ptr = NULL, *species = NULL, *contributing = NULL;
    double *x = NULL, *energy = NULL, *forces = NULL, *atom_energy = NULL;
    if (KIM_ModelComputeArguments_GetArgumentPointerInteger(
            mca, KIM_COMPUTE_ARGUMENT_NAME_numberOfParticles, &n_ptr) ||
        KIM_ModelComputeArguments_GetArgumentPointerInteger(
            mca, KIM_COMPUTE_ARGUMENT_NAME_particleSpeciesCodes, &species) ||
        KIM_ModelComputeArguments_GetArgumentPointerInteger(
            mca, KIM_COMPUTE_ARGUMENT_NAME_particleContributing, &contributing) ||
        KIM_ModelComputeArguments_GetArgumentPointerDouble(
            mca, KIM_COMPUTE_ARGUMENT_NAME_coordinates, &x) ||
        KIM_ModelComputeArguments_GetArgumentPointerDouble(
            mca, KIM_COMPUTE_ARGUMENT_NAME_partialEnergy, &energy) ||
        KIM_ModelComputeArguments_GetArgumentPointerDouble(
            mca, KIM_COMPUTE_ARGUMENT_NAME_partialForces, &forces) ||
        KIM_ModelComputeArguments_GetArgumentPointerDouble(
            mca, KIM_COMPUTE_ARGUMENT_NAME_partialParticleEnergy, &atom_energy)) {
        KIM_ModelCompute_LogEntry(mc, KIM_LOG_VERBOSITY_error,
                                  "pesx_driver: cannot get the compute arguments",
                                  __LINE__, __FILE__);
        return 1;
    }
    size_t n = (size_t)*n_ptr;
    if (grow(d, n)) {
        KIM_ModelCompute_LogEntry(mc, KIM_LOG_VERBOSITY_error, "pesx_driver: out of memory",
                                  __LINE__, __FILE__);
        return 1;
    }
    for (size_t i = 0; i < n; i++) d->z[i] = species[i]; /* species code = Z */
    if (pesx_api_eval(d->model, n, d->z, x, NULL, NULL, NULL, forces ? d->forces : NULL,
                      d->atom_energies, NULL, NULL, NULL, NULL)) {
        KIM_ModelCompute_LogEntry(mc, KIM_LOG_VERBOSITY_error, pesx_api_error(), __LINE__,
                                  __FILE__);
        return 1;
    }
    if (energy) {
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            if (contributing[i]) sum += d->atom_energies[i];
        *energy = sum;
    }
    if (atom_energy)
        for (size_t i = 0; i < n; i++)
            atom_energy[i] = contributing[i] ? d->atom_energies[i] : 0.0;
    if (forces)
        for (size_t i = 0; i < n; i++)
            for (int k = 0; k < 3; k++)
                forces[3 * i + k] = contributing[i] ? d->forces[3 * i + k] : 0.0;
    return 0;
}

static int arguments_create(KIM_ModelCompute const *const mc,
                            KIM_ModelComputeArgumentsCreate *const macc)
{
    (void)mc;
    return KIM_ModelComputeArgumentsCreate_SetArgumentSupportStatus(
               macc, KIM_COMPUTE_ARGUMENT_NAME_partialEnergy, KIM_SUPPORT_STATUS_optional) ||
           KIM_ModelComputeArgumentsCreate_SetArgumentSupportStatus(
               macc, KIM_COMPUTE_ARGUMENT_NAME_partialForces, KIM_SUPPORT_STATUS_optional) ||
           KIM_ModelComputeArgumentsCreate_SetArgumentSupportStatus(
               macc, KIM_COMPUTE_ARGUMENT_NAME_partialParticleEnergy,
               KIM_SUPPORT_STATUS_optional);
}

static int arguments_destroy(KIM_ModelCompute const *const mc,
                             KIM_ModelComputeArgumentsDestroy *const macd)
{
    (void)mc;
    (void)macd;
    return 0;
}

static void driver_free(driver *d)
{
    if (!d) return;
    pesx_api_close(d->model);
    free(d->z);
    free(d->forces);
    free(d->atom_energies);
    free(d);
}

static int destroy(KIM_ModelDestroy *const md)
{
    driver *d;
    KIM_ModelDestroy_GetModelBufferPointer(md, (void **)&d);
    driver_free(d);
    return 0;
}

static int fail(KIM_ModelDriverCreate *const mdc, driver *d, const char *what)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "pesx_driver: %s", what);
    KIM_ModelDriverCreate_LogEntry(mdc, KIM_LOG_VERBOSITY_error, msg, __LINE__, __FILE__);
    driver_free(d);
    return 1;
}

int pesx_kim_driver_create(KIM_ModelDriverCreate *const mdc, KIM_LengthUnit const length,
                           KIM_EnergyUnit const energy, KIM_ChargeUnit const charge,
                           KIM_TemperatureUnit const temperature, KIM_TimeUnit const time);

int pesx_kim_driver_create(KIM_ModelDriverCreate *const mdc, KIM_LengthUnit const length,
                           KIM_EnergyUnit const energy, KIM_ChargeUnit const charge,
                           KIM_TemperatureUnit const temperature, KIM_TimeUnit const time)
{
    (void)length, (void)energy, (void)charge, (void)temperature, (void)time;
    driver *d = calloc(1, sizeof *d);
    if (!d) return fail(mdc, d, "out of memory");
    if (pesx_api_version() != PESX_API_VERSION)
        return fail(mdc, d, "libpesx has another API version than the driver was built for");
    int n_files;
    KIM_ModelDriverCreate_GetNumberOfParameterFiles(mdc, &n_files);
    if (n_files != 1) return fail(mdc, d, "expects one parameter file, a potential.xml");
    const char *dir, *base;
    KIM_ModelDriverCreate_GetParameterFileDirectoryName(mdc, &dir);
    if (KIM_ModelDriverCreate_GetParameterFileBasename(mdc, 0, &base))
        return fail(mdc, d, "cannot get the parameter file name");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, base);
    d->model = pesx_api_open(path);
    if (!d->model) return fail(mdc, d, pesx_api_error());
    double rc = pesx_api_cutoff(d->model);
    if (!(rc > 0) || !isfinite(rc)) return fail(mdc, d, "the potential has no finite cutoff");
    d->influence = 2 * rc;
    d->will_not_request_padding_neighbours = 1;

    /* Units the potential is in; KIM converts or refuses. */
    if (KIM_ModelDriverCreate_SetUnits(mdc, KIM_LENGTH_UNIT_A, KIM_ENERGY_UNIT_eV,
                                       KIM_CHARGE_UNIT_unused, KIM_TEMPERATURE_UNIT_unused,
                                       KIM_TIME_UNIT_unused) ||
        KIM_ModelDriverCreate_SetModelNumbering(mdc, KIM_NUMBERING_zeroBased))
        return fail(mdc, d, "cannot set units and numbering");
    int n_species = 0;
    for (int z = 1; z <= PESX_KIM_MAX_Z; z++) {
        if (!pesx_api_supports(d->model, z)) continue;
        KIM_SpeciesName name = KIM_SpeciesName_FromString(pesx_api_element_symbol(z));
        if (KIM_ModelDriverCreate_SetSpeciesCode(mdc, name, z))
            return fail(mdc, d, "cannot register a species");
        n_species++;
    }
    if (!n_species) return fail(mdc, d, "the potential names no element");
    KIM_ModelDriverCreate_SetInfluenceDistancePointer(mdc, &d->influence);
    KIM_ModelDriverCreate_SetNeighborListPointers(mdc, 1, &d->influence,
                                                  &d->will_not_request_padding_neighbours);
    if (KIM_ModelDriverCreate_SetRoutinePointer(mdc, KIM_MODEL_ROUTINE_NAME_ComputeArgumentsCreate,
                                                KIM_LANGUAGE_NAME_c, 1,
                                                (KIM_Function *)arguments_create) ||
        KIM_ModelDriverCreate_SetRoutinePointer(mdc, KIM_MODEL_ROUTINE_NAME_Compute,
                                                KIM_LANGUAGE_NAME_c, 1,
                                                (KIM_Function *)compute) ||
        KIM_ModelDriverCreate_SetRoutinePointer(
            mdc, KIM_MODEL_ROUTINE_NAME_ComputeArgumentsDestroy, KIM_LANGUAGE_NAME_c, 1,
            (KIM_Function *)arguments_destroy) ||
        KIM_ModelDriverCreate_SetRoutinePointer(mdc, KIM_MODEL_ROUTINE_NAME_Destroy,
                                                KIM_LANGUAGE_NAME_c, 1,
                                                (KIM_Function *)destroy))
        return fail(mdc, d, "cannot register the routines");
    KIM_ModelDriverCreate_SetModelBufferPointer(mdc, d);
    return 0;
}
