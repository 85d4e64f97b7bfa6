/* Tokenising and number parsing shared by the n2p2 readers. */
#include <config.h>
#include <string.h>
#include <pesx/util.h>
#include "io/n2p2_impl.h"

int n2p2_split(n2p2_line *l, const char *line)
{
    char *p, *save = NULL;
    size_t len = strlen(line);
    if (len >= sizeof l->buf)
        len = sizeof l->buf - 1;
    memcpy(l->buf, line, len);
    l->buf[len] = '\0';
    if ((p = strpbrk(l->buf, "#!")))
        *p = '\0';
    l->n = 0;
    for (p = strtok_r(l->buf, " \t\r\n", &save); p; p = strtok_r(NULL, " \t\r\n", &save)) {
        if (l->n == N2P2_MAX_TOK)
            return -1;
        l->tok[l->n++] = p;
    }
    return l->n;
}

int n2p2_number(const char *s, double *out)
{
    char tmp[128];
    size_t len = strlen(s);
    if (len == 0 || len >= sizeof tmp)
        return -1;
    memcpy(tmp, s, len + 1);
    for (size_t k = 0; k < len; k++)
        if (tmp[k] == 'D' || tmp[k] == 'd')
            tmp[k] = 'E';
    return pesx_parse_double(tmp, out) == PESX_OK ? 0 : -1;
}
