/* The CSV reader behind compare and the report: whole-file reads, a
 * lenient RFC 4180 parser and lookups by column name. */
#include "csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
void ob_csv_free(struct ob_csv *csv)
{
    free(csv->raw), free(csv->text), free(csv->fields);
    free(csv->line), free(csv->start), free(csv->end);
    memset(csv, 0, sizeof *csv);
}

int ob_read_whole(const char *path, char **bytes, size_t *size,
                  struct ob_error *err)
{
    FILE *file = fopen(path, "rb");
    size_t capacity = 1 << 16, length = 0;
    char *buffer;

    *bytes = NULL;
    if (file == NULL)
        return ob_errorf(err, OB_EIO, "cannot read %s: %s", path,
                         strerror(errno));
    buffer = malloc(capacity);
    while (buffer != NULL) {
        size_t got = fread(buffer + length, 1, capacity - length - 1, file);
        char *grown;

        length += got;
        if (length + 1 < capacity)
            break;
        grown = realloc(buffer, capacity * 2);
        if (grown == NULL) {
            free(buffer);
            buffer = NULL;
            break;
        }
        buffer = grown;
        capacity *= 2;
    }
    if (buffer == NULL) {
        fclose(file);
        return ob_errorf(err, OB_ENOMEM, "out of memory reading %s", path);
    }
    if (ferror(file)) {
        int saved = errno;

        fclose(file);
        free(buffer);
        return ob_errorf(err, OB_EIO, "cannot read %s: %s", path,
                         strerror(saved ? saved : EIO));
    }
    fclose(file);
    buffer[length] = '\0';
    *bytes = buffer;
    *size = length;
    return OB_OK;
}

static int csv_push_field(struct ob_csv *csv, size_t index, char *field)
{
    if (index >= csv->field_capacity) {
        size_t capacity = csv->field_capacity ? 2 * csv->field_capacity
                                              : 1024;
        char **grown = realloc(csv->fields, capacity * sizeof *grown);

        if (grown == NULL)
            return OB_ENOMEM;
        csv->fields = grown;
        csv->field_capacity = capacity;
    }
    csv->fields[index] = field;
    return OB_OK;
}

static int csv_push_row(struct ob_csv *csv, size_t row, size_t line,
                        size_t start, size_t end)
{
    if (row >= csv->capacity) {
        size_t capacity = csv->capacity ? 2 * csv->capacity : 256;
        size_t *l = realloc(csv->line, capacity * sizeof *l);
        size_t *s = l ? realloc(csv->start, capacity * sizeof *s) : NULL;
        size_t *e = s ? realloc(csv->end, capacity * sizeof *e) : NULL;

        if (l != NULL)
            csv->line = l;
        if (s != NULL)
            csv->start = s;
        if (e == NULL)
            return OB_ENOMEM;
        csv->end = e;
        csv->capacity = capacity;
    }
    csv->line[row] = line;
    csv->start[row] = start;
    csv->end[row] = end;
    return OB_OK;
}

/* RFC 4180 with leniency: fields may be quoted ("" is a quote), lines end
 * in LF or CRLF, blank lines are skipped, a UTF-8 BOM is ignored. Every
 * row must have the header's number of fields. */
int ob_csv_parse(struct ob_csv *csv, struct ob_error *err)
{
    const char *raw = csv->raw, *limit = raw + csv->size, *p = raw;
    size_t line = 1, row = 0, field_count = 0;
    char *out;

    csv->text = malloc(csv->size + 2);
    if (csv->text == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory reading %s",
                         csv->path);
    out = csv->text;
    if (csv->size >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < limit) {
        const char *row_start = p;
        size_t row_line = line, count = 0;

        if (*p == '\n' || (*p == '\r' && p + 1 < limit && p[1] == '\n')) {
            p += *p == '\r' ? 2 : 1;
            line++;
            continue;
        }
        for (;;) {
            char *field = out;

            if (p < limit && *p == '"') {
                p++;
                for (;;) {
                    if (p >= limit)
                        return ob_errorf(err, OB_EDATA, "%s:%zu: quoted "
                                         "field never closed", csv->path,
                                         row_line);
                    if (*p == '"' && p + 1 < limit && p[1] == '"') {
                        *out++ = '"';
                        p += 2;
                    } else if (*p == '"') {
                        p++;
                        break;
                    } else {
                        line += *p == '\n';
                        *out++ = *p++;
                    }
                }
                if (p < limit && *p == '\r' &&
                    (p + 1 == limit || p[1] == '\n'))
                    p++;
                if (p < limit && *p != ',' && *p != '\n')
                    return ob_errorf(err, OB_EDATA, "%s:%zu: text after "
                                     "a closing quote", csv->path, line);
            } else {
                while (p < limit && *p != ',' && *p != '\n') {
                    if (*p == '"')
                        return ob_errorf(err, OB_EDATA, "%s:%zu: quote "
                                         "inside an unquoted field",
                                         csv->path, line);
                    *out++ = *p++;
                }
                if (out > field && out[-1] == '\r')
                    out--;
            }
            *out++ = '\0';
            if (csv_push_field(csv, field_count++, field) != OB_OK)
                return ob_errorf(err, OB_ENOMEM, "out of memory reading "
                                 "%s", csv->path);
            count++;
            if (p < limit && *p == ',') {
                p++;
                continue;
            }
            break;
        }
        if (row == 0)
            csv->columns = count;
        else if (count != csv->columns)
            return ob_errorf(err, OB_EDATA, "%s:%zu: %zu fields where the "
                             "header has %zu", csv->path, row_line, count,
                             csv->columns);
        if (csv_push_row(csv, row, row_line, (size_t)(row_start - raw),
                         (size_t)(p - raw)) != OB_OK)
            return ob_errorf(err, OB_ENOMEM, "out of memory reading %s",
                             csv->path);
        row++;
        if (p < limit) {
            p++;
            line++;
        }
    }
    if (row == 0)
        return ob_errorf(err, OB_EDATA, "%s:1: empty file, no header",
                         csv->path);
    csv->rows = row - 1;
    return OB_OK;
}

int ob_csv_load(struct ob_csv *csv, const char *dir, const char *name,
                struct ob_error *err)
{
    int status;

    memset(csv, 0, sizeof *csv);
    status = ob_path_join(csv->path, sizeof csv->path, dir, name, err);
    if (status == OB_OK)
        status = ob_read_whole(csv->path, &csv->raw, &csv->size, err);
    if (status == OB_OK)
        status = ob_csv_parse(csv, err);
    return status;
}

const char *ob_csv_get(const struct ob_csv *csv, size_t row, size_t column)
{
    return csv->fields[(row + 1) * csv->columns + column];
}

size_t ob_csv_find(const struct ob_csv *csv, const char *name)
{
    for (size_t c = 0; c < csv->columns; c++)
        if (strcmp(csv->fields[c], name) == 0)
            return c;
    return OB_CSV_NO_COLUMN;
}

int ob_csv_require(const struct ob_csv *csv, const char *name,
                   size_t *column, struct ob_error *err)
{
    *column = ob_csv_find(csv, name);
    if (*column == OB_CSV_NO_COLUMN)
        return ob_errorf(err, OB_EDATA, "%s:%zu: no column '%s' in the "
                         "header", csv->path, csv->line[0], name);
    return OB_OK;
}

int ob_csv_number(const struct ob_csv *csv, size_t row, size_t column,
                  int optional, double *value, struct ob_error *err)
{
    const char *text = ob_csv_get(csv, row, column);
    char *end;

    if (*text == '\0' && optional) {
        *value = NAN;
        return OB_OK;
    }
    errno = 0;
    *value = strtod(text, &end);
    if (*text == '\0' || *end != '\0' || (errno == ERANGE && fabs(*value) > 1))
        return ob_errorf(err, OB_EDATA, "%s:%zu: %s '%s' is not a number",
                         csv->path, csv->line[row + 1],
                         csv->fields[column], text);
    return OB_OK;
}

