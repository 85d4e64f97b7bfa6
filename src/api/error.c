/* The embedding entry point's version, error reporting and element table. */
#include <config.h>
#include <pesx/api.h>
#include <pesx/util.h>

int pesx_api_version(void)
{
    return PESX_API_VERSION;
}

const char *pesx_api_package_version(void)
{
    return PACKAGE_VERSION;
}

const char *pesx_api_error(void)
{
    static _Thread_local char buf[sizeof(((pesx_error *)0)->file) + sizeof(((pesx_error *)0)->msg) + 32];
    const pesx_error *e = pesx_error_last();
    if (e->code == PESX_OK)
        return "";
    pesx_error_format(e, buf, sizeof buf);
    return buf;
}

int pesx_api_error_code(void)
{
    return pesx_error_last()->code;
}

int pesx_api_element_z(const char *symbol)
{
    int z = symbol ? pesx_element_z(symbol) : 0;
    return z > 0 ? z : 0;
}

const char *pesx_api_element_symbol(int z)
{
    return z > 0 ? pesx_element_symbol(z) : NULL;
}
