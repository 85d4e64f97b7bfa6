/* Atomic output: write to a temporary file beside the target, then rename,
 * so an interrupted run never leaves a half-written file behind.
 *
 * Only a regular file (or a path that does not exist yet) is replaced that
 * way.  A character device or a FIFO (/dev/null, /dev/full, a pipe) and "-"
 * or /dev/stdout are written through: renaming over them would replace the
 * device node with a regular file.  A symbolic link is followed, so the
 * file it points to is replaced and the link stays. */
#include <config.h>
#include <pesx/util.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_stdout_name(const char *path)
{
    return strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0;
}

/* The file PATH names after following symbolic links (PATH itself when it
 * is not a link).  A dangling link is followed one level, so its target is
 * created. */
static int resolve(const char *path, char *out, size_t size)
{
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode)) {
        if (strlen(path) >= size)
            return pesx_error_set(PESX_EINVAL, path, 0, "output path too long");
        snprintf(out, size, "%s", path);
        return PESX_OK;
    }
    char real[PATH_MAX];
    if (realpath(path, real)) {
        if (strlen(real) >= size)
            return pesx_error_set(PESX_EINVAL, path, 0, "output path too long");
        snprintf(out, size, "%s", real);
        return PESX_OK;
    }
    char target[PATH_MAX];
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n < 0)
        return pesx_error_set(PESX_EWRITE, path, 0, "cannot follow symbolic link: %s",
                              strerror(errno));
    target[n] = '\0';
    const char *slash = strrchr(path, '/');
    int w;
    if (target[0] == '/' || !slash)
        w = snprintf(out, size, "%s", target);
    else
        w = snprintf(out, size, "%.*s/%s", (int)(slash - path), path, target);
    if (w < 0 || (size_t)w >= size)
        return pesx_error_set(PESX_EINVAL, path, 0, "output path too long");
    return PESX_OK;
}

/* The directory part of PATH ("." when it has none) into DIR. */
static void directory_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, size, ".");
    else if (slash == path)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

/* How PATH (already resolved) is written: 0 replaced atomically, 1 written
 * through (device or FIFO); an error for anything else. */
static int output_kind(const char *shown, const char *path, int *through)
{
    struct stat st;
    *through = 0;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return PESX_OK;
        return pesx_error_set(PESX_EWRITE, shown, 0, "cannot write: %s", strerror(errno));
    }
    if (S_ISREG(st.st_mode))
        return PESX_OK;
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
        *through = 1;
        return PESX_OK;
    }
    if (S_ISDIR(st.st_mode))
        return pesx_error_set(PESX_EWRITE, shown, 0, "cannot write: is a directory");
    return pesx_error_set(PESX_EWRITE, shown, 0,
                          "cannot write: not a regular file, device or FIFO");
}

int pesx_output_check(const char *path)
{
    char target[4096], dir[4096], probe[4120];
    int through, status;
    if (!path || !*path)
        return pesx_error_set(PESX_EINVAL, NULL, 0, "empty output path");
    if (is_stdout_name(path))
        return PESX_OK;
    if ((status = resolve(path, target, sizeof target)) != PESX_OK ||
        (status = output_kind(path, target, &through)) != PESX_OK)
        return status;
    if (through) {
        if (access(target, W_OK) != 0)
            return pesx_error_set(PESX_EWRITE, path, 0, "cannot write: %s", strerror(errno));
        return PESX_OK;
    }
    /* A replaced file is created beside the target: try exactly that. */
    directory_of(target, dir, sizeof dir);
    snprintf(probe, sizeof probe, "%s/.pesx-probe.XXXXXX", dir);
    int fd = mkstemp(probe);
    if (fd < 0)
        return pesx_error_set(PESX_EWRITE, path, 0, "cannot write into %s: %s", dir,
                              strerror(errno));
    close(fd);
    unlink(probe);
    return PESX_OK;
}

int pesx_atomic_open(pesx_atomic_file *af, const char *path)
{
    int fd, through, status;
    memset(af, 0, sizeof *af);
    if (strlen(path) >= sizeof af->path)
        return pesx_error_set(PESX_EINVAL, path, 0, "output path too long");
    snprintf(af->path, sizeof af->path, "%s", path);
    if (is_stdout_name(path)) {
        af->fp = stdout;
        af->through = 1;
        return PESX_OK;
    }
    if ((status = resolve(path, af->target, sizeof af->target)) != PESX_OK ||
        (status = output_kind(path, af->target, &through)) != PESX_OK)
        return status;
    if (through) {
        af->fp = fopen(af->target, "w");
        if (!af->fp)
            return pesx_error_set(PESX_EWRITE, path, 0, "cannot open output: %s",
                                  strerror(errno));
        af->through = 1;
        return PESX_OK;
    }
    snprintf(af->tmp, sizeof af->tmp, "%s.tmpXXXXXX", af->target);
    fd = mkstemp(af->tmp);
    if (fd < 0)
        return pesx_error_set(PESX_EWRITE, path, 0, "cannot create output file: %s",
                              strerror(errno));
    /* mkstemp makes the file 0600; give it the usual umask-based mode. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    af->fp = fdopen(fd, "w");
    if (!af->fp) {
        close(fd);
        unlink(af->tmp);
        return pesx_error_set(PESX_EWRITE, path, 0, "cannot open output file: %s",
                              strerror(errno));
    }
    return PESX_OK;
}

/* Flush (and close unless it is stdout) a written-through stream. */
static int commit_through(pesx_atomic_file *af)
{
    int failed = fflush(af->fp) != 0 || ferror(af->fp);
    int e = errno;
    if (af->fp != stdout && fclose(af->fp) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    af->fp = NULL;
    if (failed)
        return pesx_error_set(PESX_EWRITE, af->path, 0, "cannot write: %s", strerror(e));
    return PESX_OK;
}

int pesx_atomic_commit(pesx_atomic_file *af)
{
    int failed = 0;
    if (!af->fp)
        return pesx_error_set(PESX_EWRITE, af->path, 0, "output file is not open");
    if (af->through)
        return commit_through(af);
    if (fflush(af->fp) != 0 || ferror(af->fp) || fsync(fileno(af->fp)) != 0)
        failed = 1;
    int e = errno;
    if (fclose(af->fp) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    af->fp = NULL;
    if (failed) {
        unlink(af->tmp);
        return pesx_error_set(PESX_EWRITE, af->path, 0, "cannot write: %s", strerror(e));
    }
    if (rename(af->tmp, af->target) != 0) {
        e = errno;
        unlink(af->tmp);
        return pesx_error_set(PESX_EWRITE, af->path, 0, "cannot rename into place: %s",
                              strerror(e));
    }
    return PESX_OK;
}

void pesx_atomic_abort(pesx_atomic_file *af)
{
    if (!af->fp)
        return;
    if (af->through) {
        if (af->fp != stdout)
            fclose(af->fp);
        else
            fflush(af->fp);
    } else {
        fclose(af->fp);
        unlink(af->tmp);
    }
    af->fp = NULL;
}
