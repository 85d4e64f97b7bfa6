/* Atomic output: write to a temporary file beside the target, then rename,
 * so an interrupted run never leaves a half-written file behind. */
#include <config.h>
#include <pesx/util.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pesx_atomic_open(pesx_atomic_file *af, const char *path)
{
    int fd;
    memset(af, 0, sizeof *af);
    if (strlen(path) >= sizeof af->path)
        return pesx_error_set(PESX_EINVAL, path, 0, "output path too long");
    snprintf(af->path, sizeof af->path, "%s", path);
    snprintf(af->tmp, sizeof af->tmp, "%s.tmpXXXXXX", path);
    fd = mkstemp(af->tmp);
    if (fd < 0)
        return pesx_error_set(PESX_EIO, path, 0, "cannot create output file: %s", strerror(errno));
    /* mkstemp makes the file 0600; give it the usual umask-based mode. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    af->fp = fdopen(fd, "w");
    if (!af->fp) {
        close(fd);
        unlink(af->tmp);
        return pesx_error_set(PESX_EIO, path, 0, "cannot open output file: %s", strerror(errno));
    }
    return PESX_OK;
}

int pesx_atomic_commit(pesx_atomic_file *af)
{
    int failed = 0;
    if (!af->fp)
        return pesx_error_set(PESX_EIO, af->path, 0, "output file is not open");
    if (fflush(af->fp) != 0 || ferror(af->fp) || fsync(fileno(af->fp)) != 0)
        failed = 1;
    if (fclose(af->fp) != 0)
        failed = 1;
    af->fp = NULL;
    if (failed) {
        int e = errno;
        unlink(af->tmp);
        return pesx_error_set(PESX_EIO, af->path, 0, "cannot write: %s", strerror(e));
    }
    if (rename(af->tmp, af->path) != 0) {
        int e = errno;
        unlink(af->tmp);
        return pesx_error_set(PESX_EIO, af->path, 0, "cannot rename into place: %s", strerror(e));
    }
    return PESX_OK;
}

void pesx_atomic_abort(pesx_atomic_file *af)
{
    if (af->fp) {
        fclose(af->fp);
        af->fp = NULL;
        unlink(af->tmp);
    }
}
