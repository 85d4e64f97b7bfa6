/* Numbers for the XYZ writer: the shortest of 15, 16 or 17 significant
 * digits that reads back to exactly the same double, formatted like %g.
 *
 * glibc's printf costs about a microsecond per %.17g, so trying %.15g,
 * %.16g and %.17g in turn (three printf and two strtod calls for a typical
 * random coordinate) made writing three times slower than needed.  Here one
 * %.16e gives 17 digits, rounding them to 15 and 16 is done on the text, and
 * strtod (much cheaper) checks each candidate.  Whatever is produced is
 * verified to read back exactly; %.17g is the fallback. */
#include <config.h>
#include "io/xyz_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Round the ND-digit decimal mantissa DIG (digits '0'..'9') to KEEP digits
 * in OUT, half up; returns 1 when the rounding carried into a new leading
 * digit (OUT is then "1000..." and the exponent grows by one). */
static int round_digits(const char *dig, int nd, int keep, char *out)
{
    int carry;
    memcpy(out, dig, (size_t)keep);
    carry = keep < nd && dig[keep] >= '5';
    for (int i = keep - 1; carry && i >= 0; i--) {
        if (out[i] == '9') {
            out[i] = '0';
        } else {
            out[i]++;
            carry = 0;
        }
    }
    if (carry) {
        out[0] = '1';
        for (int i = 1; i < keep; i++)
            out[i] = '0';
        return 1;
    }
    return 0;
}

/* Write sign, digits DIG[0..nd) and decimal exponent E (value =
 * 0.d1d2... * 10^(E+1), i.e. d1 is the 10^E digit) the way %g would with
 * precision P: trailing zeros dropped, exponent notation when E < -4 or
 * E >= P. */
static void format_g(char *buf, int neg, const char *dig, int nd, int e, int p)
{
    char *o = buf;
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    if (neg)
        *o++ = '-';
    if (e < -4 || e >= p) {
        *o++ = dig[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, dig + 1, (size_t)nd - 1);
            o += nd - 1;
        }
        sprintf(o, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
        return;
    }
    if (e < 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -e - 1; i++)
            *o++ = '0';
        memcpy(o, dig, (size_t)nd);
        o += nd;
    } else {
        for (int i = 0; i <= e; i++)
            *o++ = i < nd ? dig[i] : '0';
        if (nd > e + 1) {
            *o++ = '.';
            memcpy(o, dig + e + 1, (size_t)(nd - e - 1));
            o += nd - e - 1;
        }
    }
    *o = '\0';
}

void xyz_format_double(char *buf, double v)
{
    char sci[40], dig[17], cand[17];
    int neg, e, done = 0;
    if (!isfinite(v)) {
        snprintf(buf, 32, "%g", v);
        return;
    }
    /* "-d.dddddddddddddddde+XX": 17 significant digits */
    snprintf(sci, sizeof sci, "%.16e", v);
    neg = sci[0] == '-';
    {
        const char *s = sci + neg;
        dig[0] = s[0];
        memcpy(dig + 1, s + 2, 16);
        e = atoi(s + 18 + 1);
    }
    for (int keep = 15; keep <= 16 && !done; keep++) {
        int e2 = e + round_digits(dig, 17, keep, cand);
        format_g(buf, neg, cand, keep, e2, keep);
        done = strtod(buf, NULL) == v;
    }
    if (!done)
        format_g(buf, neg, dig, 17, e, 17);
    if (strtod(buf, NULL) != v || (v == 0 && signbit(v) != (buf[0] == '-')))
        snprintf(buf, 32, "%.17g", v); /* never expected; exactness first */
    if (!strpbrk(buf, ".eEn")) /* integral: "3" -> "3.0" so readers see a real */
        strcat(buf, ".0");
}
