/* Files: folders, atomic writes, number and HTML formatting, and a PATH
 * lookup. */
#include "harness.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ob_path_join(char *out, size_t size, const char *dir, const char *name,
                 struct ob_error *err)
{
    int length;

    if (*dir == '\0')
        return ob_errorf(err, OB_EIO, "empty folder name for %s", name);
    length = snprintf(out, size, "%s/%s", dir, name);
    if (length < 0 || (size_t)length >= size)
        return ob_errorf(err, OB_EIO, "path too long: %s/%s", dir, name);
    return OB_OK;
}

int ob_make_dirs(const char *path, struct ob_error *err)
{
    char buffer[4096];
    size_t length = strlen(path);

    if (length == 0 || length >= sizeof buffer)
        return ob_errorf(err, OB_EIO, "bad folder name '%s'", path);
    memcpy(buffer, path, length + 1);
    for (char *c = buffer + 1;; c++) {
        int at_end = (*c == '\0');

        if (*c == '/' || at_end) {
            *c = '\0';
            if (mkdir(buffer, 0777) != 0 && errno != EEXIST)
                return ob_errorf(err, OB_EIO, "cannot create folder %s: %s",
                                 buffer, strerror(errno));
            if (at_end)
                break;
            *c = '/';
        }
    }
    return OB_OK;
}

int ob_atomic_open(struct ob_atomic_file *file, const char *path,
                   struct ob_error *err)
{
    int fd;

    memset(file, 0, sizeof *file);
    if (snprintf(file->final_path, sizeof file->final_path, "%s", path) >=
            (int)sizeof file->final_path ||
        snprintf(file->temp_path, sizeof file->temp_path, "%s.tmp-XXXXXX",
                 path) >= (int)sizeof file->temp_path)
        return ob_errorf(err, OB_EIO, "path too long: %s", path);
    fd = mkstemp(file->temp_path);
    if (fd < 0)
        return ob_errorf(err, OB_EIO, "cannot write %s: %s", path,
                         strerror(errno));
    /* mkstemp creates 0600; results are meant to be shared like any file
     * the user writes, so honour the umask. Files are only opened from the
     * main thread, so reading the umask by setting it is safe. */
    {
        mode_t mask = umask(0);

        umask(mask);
        fchmod(fd, 0666 & ~mask);
    }
    file->stream = fdopen(fd, "w");
    if (file->stream == NULL) {
        close(fd);
        unlink(file->temp_path);
        return ob_errorf(err, OB_EIO, "cannot write %s: %s", path,
                         strerror(errno));
    }
    return OB_OK;
}

int ob_atomic_commit(struct ob_atomic_file *file, struct ob_error *err)
{
    /* The first failure's errno names the reason; a stream error seen only
     * through ferror has none, so it is reported as an I/O error. */
    int saved = 0;

    if (ferror(file->stream))
        saved = EIO;
    if (fflush(file->stream) != 0 && saved == 0)
        saved = errno;
    if (fsync(fileno(file->stream)) != 0 && errno != EINVAL && saved == 0)
        saved = errno;
    if (fclose(file->stream) != 0 && saved == 0)
        saved = errno;
    file->stream = NULL;
    if (saved == 0 && rename(file->temp_path, file->final_path) != 0)
        saved = errno;
    if (saved != 0) {
        unlink(file->temp_path);
        return ob_errorf(err, OB_EIO, "cannot write %s: %s",
                         file->final_path, strerror(saved));
    }
    return OB_OK;
}

void ob_atomic_abort(struct ob_atomic_file *file)
{
    if (file->stream != NULL)
        fclose(file->stream);
    file->stream = NULL;
    if (file->temp_path[0] != '\0')
        unlink(file->temp_path);
}

int ob_program_available(const char *name)
{
    const char *path = getenv("PATH");
    char candidate[4096];

    if (path == NULL)
        return 0;
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t length = colon ? (size_t)(colon - path) : strlen(path);

        if (length > 0 &&
            snprintf(candidate, sizeof candidate, "%.*s/%s", (int)length,
                     path, name) < (int)sizeof candidate &&
            access(candidate, X_OK) == 0)
            return 1;
        if (colon == NULL)
            break;
        path = colon + 1;
    }
    return 0;
}

void ob_write_double(FILE *stream, double value)
{
    /* printf spells non-finite values differently across libcs; pin them. */
    if (isnan(value))
        fputs("nan", stream);
    else if (isinf(value))
        fputs(value > 0 ? "inf" : "-inf", stream);
    else
        fprintf(stream, "%.17g", value);
}

void ob_write_html(FILE *stream, const char *text)
{
    for (; *text != '\0'; text++) {
        switch (*text) {
        case '<':
            fputs("&lt;", stream);
            break;
        case '>':
            fputs("&gt;", stream);
            break;
        case '&':
            fputs("&amp;", stream);
            break;
        case '"':
            fputs("&quot;", stream);
            break;
        default:
            fputc(*text, stream);
        }
    }
}
