/* Fuzz harness: data.xml training sets (src/io/dataset_xml_read.c), read
 * whole into a pesx_dataset and checksummed as pesx fit does. */
#include <config.h>
#include "fuzz.h"

#include <pesx/io_dataset.h>

const char fuzz_name[] = "data_xml";

void fuzz_one(const char *path)
{
    pesx_dataset ds;
    char sum[80];
    pesx_dataset_init(&ds);
    (void)pesx_dataset_is_xml(path);
    int st = pesx_dataset_read(path, &ds);
    if (!st)
        pesx_dataset_checksum(&ds, sum, sizeof sum);
    pesx_dataset_release(&ds);
    fuzz_judge(path, st, path);
}
