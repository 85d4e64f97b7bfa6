/* Mode files for pesx saddle --mode: 3N numbers (spaces, commas, '#'
 * comments), or an extended XYZ frame with a 3-column "mode" column (or
 * exactly one 3-column extra column). */
#include <config.h>
#include <pesx/io.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_integer_line(const char *line)
{
    char tok[64];
    int used = 0;
    if (sscanf(line, "%63s%n", tok, &used) != 1)
        return 0;
    char *end;
    errno = 0;
    long v = strtol(tok, &end, 10);
    if (*end || errno || v < 0)
        return 0;
    for (const char *p = line + used; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            return 0;
    return 1;
}

static int read_mode_numbers(const char *path, size_t n3, double *mode)
{
    FILE *fp = fopen(path, "r");
    char line[4096];
    size_t k = 0;
    long ln = 0;
    if (!fp)
        return pesx_error_set(PESX_EIO, path, 0, "cannot open: %s", strerror(errno));
    while (fgets(line, sizeof line, fp)) {
        ln++;
        char *save = NULL;
        for (char *t = strtok_r(line, " \t\r\n,", &save); t; t = strtok_r(NULL, " \t\r\n,", &save)) {
            if (*t == '#')
                break;
            double v;
            if (pesx_parse_double(t, &v)) {
                fclose(fp);
                return pesx_error_set(PESX_EINVAL, path, ln, "'%s' is not a finite number", t);
            }
            if (k >= n3) {
                fclose(fp);
                return pesx_error_set(PESX_EINVAL, path, ln,
                                      "more than %zu numbers (3 per atom) in the mode", n3);
            }
            mode[k++] = v;
        }
    }
    fclose(fp);
    if (k != n3)
        return pesx_error_set(PESX_EINVAL, path, ln, "%zu numbers in the mode, expected %zu (3 per atom)",
                              k, n3);
    return PESX_OK;
}

/* 3N numbers, or an extended XYZ frame with a 3-column "mode" column (or
 * exactly one 3-column extra column). */
int pesx_mode_read(const char *path, size_t n_atoms, double *mode)
{
    FILE *fp = fopen(path, "r");
    char line[4096] = "";
    if (!fp)
        return pesx_error_set(PESX_EIO, path, 0, "cannot open: %s", strerror(errno));
    if (!fgets(line, sizeof line, fp))
        line[0] = 0;
    fclose(fp);
    if (!is_integer_line(line))
        return read_mode_numbers(path, 3 * n_atoms, mode);
    pesx_frame f;
    pesx_frame_init(&f);
    int st = pesx_xyz_read_frame(path, -1, &f);
    if (st)
        return st;
    if (f.atoms->n != n_atoms) {
        long l = f.line;
        pesx_frame_release(&f);
        return pesx_error_set(PESX_EINVAL, path, l, "%zu atoms, the start structure has %zu",
                              f.atoms ? f.atoms->n : 0, n_atoms);
    }
    int cols = 0;
    const double *m = pesx_frame_get_extra(&f, "mode", &cols);
    if (!m && f.n_extra == 1 && f.extra_cols[0] == 3) {
        m = f.extra[0];
        cols = 3;
    }
    if (!m || cols != 3) {
        long l = f.line;
        pesx_frame_release(&f);
        return pesx_error_set(PESX_EINVAL, path, l + 1,
                              "no per-atom mode column (Properties=...:mode:R:3)");
    }
    memcpy(mode, m, 3 * n_atoms * sizeof *mode);
    pesx_frame_release(&f);
    return PESX_OK;
}
