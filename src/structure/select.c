/* Atom selections as a user writes them: "1-16,20,z<5.0". */
#include <config.h>
#include <pesx/structure.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One "x<V", "y>=V", ... term; *END after it.  0 when P is not one. */
static int coordinate_term(const pesx_atoms *a, const char *p, const char **end,
                           unsigned char *sel, const char *list)
{
    int axis = p[0] == 'x' ? 0 : p[0] == 'y' ? 1 : p[0] == 'z' ? 2 : -1;
    int less;
    char *e;
    double v;
    if (axis < 0 || (p[1] != '<' && p[1] != '>'))
        return 0;
    less = p[1] == '<';
    p += 2;
    if (*p == '=')
        p++;
    errno = 0;
    v = strtod(p, &e);
    if (e == p || errno)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "'%s': no number after '%c%c'", list,
                              "xyz"[axis], less ? '<' : '>');
    for (size_t i = 0; i < a->n; i++) {
        double c = a->x[3 * i + axis];
        if (less ? c < v : c > v)
            sel[i] = 1;
    }
    *end = e;
    return PESX_OK;
}

int pesx_atoms_select(const pesx_atoms *a, const char *list, unsigned char *sel)
{
    const char *p = list;
    memset(sel, 0, a->n ? a->n : 1);
    if (!*p)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "empty atom list");
    while (*p) {
        const char *end = p;
        char *e;
        long lo, hi;
        int status = coordinate_term(a, p, &end, sel, list);
        if (status)
            return status;
        if (end != p) {
            p = end;
        } else {
            errno = 0;
            lo = strtol(p, &e, 10);
            if (e == p || errno || lo < 1 || (*p < '0' || *p > '9'))
                return pesx_error_set(PESX_EINVAL, NULL, 0,
                                      "'%s' is not a list of atoms (1-based numbers and ranges, "
                                      "or x<V, z>V in A: e.g. 1-16,20 or z<5.0)",
                                      list);
            hi = lo;
            p = e;
            if (*p == '-') {
                hi = strtol(++p, &e, 10);
                if (e == p || errno || hi < lo)
                    return pesx_error_set(PESX_EINVAL, NULL, 0,
                                          "'%s': bad range (write FIRST-LAST with FIRST <= LAST)",
                                          list);
                p = e;
            }
            if ((size_t)hi > a->n)
                return pesx_error_set(PESX_EINVAL, NULL, 0,
                                      "'%s': atom %ld does not exist (atoms are 1 to %zu)", list,
                                      hi, a->n);
            for (long i = lo; i <= hi; i++)
                sel[i - 1] = 1;
        }
        if (*p == ',')
            p++;
        else if (*p)
            return pesx_error_set(PESX_EINVAL, NULL, 0,
                                  "'%s': unexpected '%c' (separate the items with commas)", list,
                                  *p);
    }
    return PESX_OK;
}
