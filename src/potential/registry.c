/* The registry of potential types: one line per type, no #ifdefs. */
#include <stdio.h>
#include <string.h>
#include <pesx/potential.h>

static const pesx_potential_type *const types[] = {
    &pesx_potential_lj,
    &pesx_potential_morse,
    &pesx_potential_muller_brown,
    &pesx_potential_bpnn,
    &pesx_potential_emt,
    &pesx_potential_xtb,
    &pesx_potential_ext,
    &pesx_potential_ipi,
    NULL
};

const pesx_potential_type *const *pesx_potential_types(void)
{
    return types;
}

const pesx_potential_type *pesx_potential_type_lookup(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; types[i]; i++)
        if (strcmp(types[i]->name, name) == 0)
            return types[i];
    return NULL;
}

const char *pesx_potential_type_names(char *buf, size_t size)
{
    size_t len = 0;
    if (!buf || size == 0)
        return buf;
    buf[0] = '\0';
    for (size_t i = 0; types[i] && len < size; i++) {
        int w = snprintf(buf + len, size - len, "%s%s", i ? ", " : "", types[i]->name);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    return buf;
}
