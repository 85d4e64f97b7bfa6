/* XML character data for every writer of XML (data sets, potentials, reports). */
#include <config.h>
#include <stdio.h>
#include <pesx/io.h>

void pesx_xml_put_escaped(FILE *fp, const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        switch (*c) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        case '\'': fputs("&apos;", fp); break;
        case '\t': fputs("&#9;", fp); break;
        case '\n': fputs("&#10;", fp); break;
        case '\r': fputs("&#13;", fp); break;
        default: fputc(*c < 0x20 ? ' ' : *c, fp);
        }
    }
}
