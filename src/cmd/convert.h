/* pesx convert: the potential part (convert.c) and the data-set part
 * (convert_data.c) of one command. */
#ifndef PESX_CMD_CONVERT_H
#define PESX_CMD_CONVERT_H

#include <stdio.h>

/* 1 when the command line converts data sets: --from/--to/--length-unit/
 * --energy-unit given, the output named as extended XYZ or input.data, or the
 * first input an extended XYZ, an input.data or a data.xml. */
int cmd_convert_is_data(int argc, char **argv);
/* The data-set conversion (same argv as cmd_convert). */
int cmd_convert_data(int argc, char **argv);
/* The usage text of pesx convert. */
void cmd_convert_usage(FILE *fp);
/* A length or energy unit by name or as a positive number (Angstrom or eV
 * per file unit); KEY is "length" or "energy". */
int cmd_convert_parse_unit(const char *key, const char *v, double *out);

#endif
