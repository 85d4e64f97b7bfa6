/* Fuzz harness: potential.xml (src/io/potential_xml_read.c and the
 * consistency rules of src/io/potential_file.c); a file the reader accepts
 * is then opened as a bpnn potential (names checked against the descriptor
 * and network tables) and evaluated. */
#include <config.h>
#include "fuzz.h"

#include <pesx/io_potential.h>

#include <stdio.h>

const char fuzz_name[] = "potential_xml";

void fuzz_one(const char *path)
{
    pesx_potential_file pf;
    pesx_potential_file_init(&pf);
    int st = pesx_potential_file_read(path, &pf);
    int z = !st && pf.n_elements ? pf.element[0].z : 0;
    if (!st && pesx_potential_file_check(&pf, path))
        fuzz_fail(path, "read, but fails its own check: %s", pesx_error_last()->msg);
    pesx_potential_file_release(&pf);
    fuzz_judge(path, st, path);
    if (st)
        return;
    char spec[4200];
    snprintf(spec, sizeof spec, "bpnn:file=%s", path);
    fuzz_potential(path, spec, z);
}
