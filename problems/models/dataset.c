/* CSV data sets, the fixed train/test split and standardisation: see
 * dataset.h. */
#include "dataset.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

/* Upper bounds that keep the allocation sizes far from overflow. */
#define DATASET_MAX_ROWS   10000000
#define DATASET_MAX_VALUES 1000000000

/* State of one file being read. */
struct reader {
    const char *path;
    FILE *file;
    char *line;
    size_t capacity;
    size_t number; /* 1-based number of the line in `line` */
};

/* Reads the next line without its line ending. Returns 1 for a line, 0 at
 * the end of the file, or OB_EIO / OB_ENOMEM with err set. */
static int reader_next(struct reader *r, struct ob_error *err)
{
    ssize_t length;

    errno = 0;
    length = getline(&r->line, &r->capacity, r->file);
    if (length < 0) {
        char reason[128];

        if (!ferror(r->file))
            return 0;
        if (errno == ENOMEM)
            return ob_errorf(err, OB_ENOMEM, "out of memory");
        if (strerror_r(errno, reason, sizeof reason) != 0)
            snprintf(reason, sizeof reason, "error %d", errno);
        return ob_errorf(err, OB_EIO, "cannot read %s: %s", r->path, reason);
    }
    r->number++;
    while (length > 0 &&
           (r->line[length - 1] == '\n' || r->line[length - 1] == '\r'))
        r->line[--length] = '\0';
    return 1;
}

/* Cuts the next comma-separated field off *cursor and returns it. */
static char *next_field(char **cursor)
{
    char *field = *cursor;
    char *comma = strchr(field, ',');

    if (comma != NULL) {
        *comma = '\0';
        *cursor = comma + 1;
    } else {
        *cursor = field + strlen(field);
    }
    return field;
}

static size_t count_fields(const char *line)
{
    size_t count = 1;

    for (const char *c = line; *c != '\0'; c++)
        count += *c == ',';
    return count;
}

/* Parses a whole number of decimal digits, at most `limit`. */
static int parse_count(const char *text, size_t limit, size_t *out)
{
    size_t value = 0;

    if (*text == '\0')
        return OB_EINVAL;
    for (const char *c = text; *c != '\0'; c++) {
        if (*c < '0' || *c > '9')
            return OB_EINVAL;
        value = value * 10 + (size_t)(*c - '0');
        if (value > limit)
            return OB_EINVAL;
    }
    *out = value;
    return OB_OK;
}

/* Parses `rows,features,name,name,...` and allocates the arrays of ds. */
static int read_header(struct reader *r, struct ob_dataset *ds,
                       struct ob_error *err)
{
    char *cursor = r->line;
    char *field;
    size_t fields = count_fields(r->line);
    size_t names_size;
    char *names;

    field = next_field(&cursor);
    if (parse_count(field, DATASET_MAX_ROWS, &ds->rows) != OB_OK ||
        ds->rows == 0)
        return ob_errorf(err, OB_EDATA,
                         "%s:%zu: row count '%s' is not a whole number in "
                         "[1, %d]",
                         r->path, r->number, field, DATASET_MAX_ROWS);
    field = next_field(&cursor);
    if (parse_count(field, DATASET_MAX_VALUES / ds->rows, &ds->features) !=
            OB_OK ||
        ds->features == 0)
        return ob_errorf(err, OB_EDATA,
                         "%s:%zu: feature count '%s' is not a whole number "
                         "in [1, %zu]",
                         r->path, r->number, field,
                         (size_t)DATASET_MAX_VALUES / ds->rows);
    if (fields < 4)
        return ob_errorf(err, OB_EDATA,
                         "%s:%zu: expected at least 2 class names after the "
                         "row and feature counts, found %zu",
                         r->path, r->number, fields - 2);
    ds->classes = fields - 2;

    /* The names live in one block after the pointer array. */
    names_size = strlen(cursor) + 1;
    ds->class_names = malloc(sizeof(char *) * ds->classes + names_size);
    ds->x = malloc(sizeof(double) * ds->rows * ds->features);
    ds->label = malloc(sizeof(size_t) * ds->rows);
    if (ds->class_names == NULL || ds->x == NULL || ds->label == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    names = (char *)(ds->class_names + ds->classes);
    memcpy(names, cursor, names_size);
    for (size_t k = 0; k < ds->classes; k++) {
        ds->class_names[k] = next_field(&names);
        if (ds->class_names[k][0] == '\0')
            return ob_errorf(err, OB_EDATA, "%s:%zu: class name %zu is empty",
                             r->path, r->number, k + 1);
    }
    return OB_OK;
}

/* Parses data row `row` from the current line. */
static int read_row(struct reader *r, struct ob_dataset *ds, size_t row,
                    struct ob_error *err)
{
    char *cursor = r->line;
    size_t fields = count_fields(r->line);
    double *x = ds->x + row * ds->features;
    char *field;

    if (fields != ds->features + 1)
        return ob_errorf(err, OB_EDATA,
                         "%s:%zu: expected %zu values (%zu features and a "
                         "label), found %zu",
                         r->path, r->number, ds->features + 1, ds->features,
                         fields);
    for (size_t j = 0; j < ds->features; j++) {
        field = next_field(&cursor);
        if (ob_parse_double(field, &x[j]) != OB_OK)
            return ob_errorf(err, OB_EDATA,
                             "%s:%zu: feature %zu '%s' is not a finite number",
                             r->path, r->number, j + 1, field);
    }
    field = next_field(&cursor);
    if (parse_count(field, ds->classes - 1, &ds->label[row]) != OB_OK)
        return ob_errorf(err, OB_EDATA,
                         "%s:%zu: label '%s' is not a class number in "
                         "[0, %zu]",
                         r->path, r->number, field, ds->classes - 1);
    return OB_OK;
}

static int read_file(struct reader *r, struct ob_dataset *ds,
                     struct ob_error *err)
{
    size_t row = 0;
    int status;

    status = reader_next(r, err);
    if (status == 0)
        return ob_errorf(err, OB_EDATA,
                         "%s:1: the file is empty, expected "
                         "a header 'rows,features,class names...'",
                         r->path);
    if (status < 0)
        return status;
    status = read_header(r, ds, err);
    if (status != OB_OK)
        return status;

    while ((status = reader_next(r, err)) == 1) {
        if (row == ds->rows)
            return ob_errorf(err, OB_EDATA,
                             "%s:%zu: more data lines than the %zu rows the "
                             "header declares",
                             r->path, r->number, ds->rows);
        status = read_row(r, ds, row, err);
        if (status != OB_OK)
            return status;
        row++;
    }
    if (status < 0)
        return status;
    if (row != ds->rows)
        return ob_errorf(err, OB_EDATA,
                         "%s: the header declares %zu rows but the file has "
                         "%zu",
                         r->path, ds->rows, row);
    ds->train_rows = ds->rows;
    return OB_OK;
}

int ob_dataset_load(struct ob_dataset *ds, const char *path,
                    struct ob_error *err)
{
    struct reader r = {path, NULL, NULL, 0, 0};
    int status;

    memset(ds, 0, sizeof *ds);
    r.file = fopen(path, "r");
    if (r.file == NULL) {
        char reason[128];
        int code = errno;

        if (strerror_r(code, reason, sizeof reason) != 0)
            snprintf(reason, sizeof reason, "error %d", code);
        return ob_errorf(err, OB_EIO, "cannot open %s: %s", path, reason);
    }
    status = read_file(&r, ds, err);
    free(r.line);
    fclose(r.file);
    if (status != OB_OK)
        ob_dataset_free(ds);
    return status;
}

int ob_dataset_load_named(struct ob_dataset *ds, const char *name,
                          struct ob_error *err)
{
    const char *dir = ob_data_dir();
    char path[4096];
    int length = snprintf(path, sizeof path, "%s/%s", dir, name);

    if (length < 0 || (size_t)length >= sizeof path) {
        memset(ds, 0, sizeof *ds);
        return ob_errorf(err, OB_EIO, "cannot open %s/%s: path too long", dir,
                         name);
    }
    return ob_dataset_load(ds, path, err);
}

/* Reads the next line of a gzip stream into r->line, growing it as needed,
 * without its line ending. Returns 1 for a line, 0 at the end, or an error
 * status with err set. */
static int gz_reader_next(struct reader *r, gzFile file, struct ob_error *err)
{
    size_t length = 0;
    int code;
    const char *reason;

    for (;;) {
        if (r->capacity - length < 2) {
            size_t capacity = r->capacity < 256 ? 256 : 2 * r->capacity;
            char *line =
                capacity <= INT_MAX ? realloc(r->line, capacity) : NULL;

            if (line == NULL)
                return ob_errorf(err, OB_ENOMEM, "out of memory");
            r->line = line;
            r->capacity = capacity;
        }
        if (gzgets(file, r->line + length, (int)(r->capacity - length)) == NULL)
            break;
        length += strlen(r->line + length);
        /* A line ends at its newline, or at the end of the stream when
         * gzgets stopped before filling the buffer. */
        if ((length > 0 && r->line[length - 1] == '\n') ||
            length + 1 < r->capacity)
            break;
    }

    reason = gzerror(file, &code);
    if (code == Z_ERRNO) {
        char text[128];

        if (strerror_r(errno, text, sizeof text) != 0)
            snprintf(text, sizeof text, "error %d", errno);
        return ob_errorf(err, OB_EIO, "cannot read %s: %s", r->path, text);
    }
    if (code != Z_OK)
        return ob_errorf(err, OB_EDATA, "%s: gzip stream: %s", r->path, reason);
    if (length == 0)
        return 0;
    r->number++;
    while (length > 0 &&
           (r->line[length - 1] == '\n' || r->line[length - 1] == '\r'))
        r->line[--length] = '\0';
    return 1;
}

/* Makes room for row `row` in ds->x and ds->label, doubling ds->rows (the
 * capacity while reading). */
static int grow_rows(struct ob_dataset *ds, size_t row, const char *path,
                     struct ob_error *err)
{
    size_t capacity = ds->rows < 64 ? 64 : 2 * ds->rows;
    double *x;
    size_t *label;

    if (row < ds->rows)
        return OB_OK;
    if (row >= DATASET_MAX_ROWS ||
        (row + 1) * ds->features > DATASET_MAX_VALUES)
        return ob_errorf(err, OB_EDATA, "%s: more than %zu rows", path, row);
    if (capacity > DATASET_MAX_ROWS)
        capacity = DATASET_MAX_ROWS;
    if (capacity * ds->features > DATASET_MAX_VALUES)
        capacity = DATASET_MAX_VALUES / ds->features;
    x = realloc(ds->x, sizeof(double) * capacity * ds->features);
    if (x == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    ds->x = x;
    label = realloc(ds->label, sizeof(size_t) * capacity);
    if (label == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    ds->label = label;
    ds->rows = capacity;
    return OB_OK;
}

static int read_gz_file(struct reader *r, gzFile file, struct ob_dataset *ds,
                        struct ob_error *err)
{
    size_t row = 0;
    int status;

    while ((status = gz_reader_next(r, file, err)) == 1) {
        status = grow_rows(ds, row, r->path, err);
        if (status == OB_OK)
            status = read_row(r, ds, row, err);
        if (status != OB_OK)
            return status;
        row++;
    }
    if (status < 0)
        return status;
    if (row == 0)
        return ob_errorf(err, OB_EDATA, "%s: no data lines", r->path);
    ds->rows = row;
    ds->train_rows = row;
    return OB_OK;
}

int ob_dataset_load_gz(struct ob_dataset *ds, const char *path, size_t features,
                       size_t classes, struct ob_error *err)
{
    struct reader r = {path, NULL, NULL, 0, 0};
    gzFile file;
    int status;

    memset(ds, 0, sizeof *ds);
    if (features == 0 || features > DATASET_MAX_VALUES || classes < 2)
        return ob_errorf(err, OB_EINVAL,
                         "%s: %zu features and %zu classes: need at least 1 "
                         "feature and 2 classes",
                         path, features, classes);
    errno = 0;
    file = gzopen(path, "rb");
    if (file == NULL) {
        char reason[128];
        int code = errno;

        if (code == 0)
            return ob_errorf(err, OB_ENOMEM, "out of memory");
        if (strerror_r(code, reason, sizeof reason) != 0)
            snprintf(reason, sizeof reason, "error %d", code);
        return ob_errorf(err, OB_EIO, "cannot open %s: %s", path, reason);
    }
    ds->features = features;
    ds->classes = classes;
    status = read_gz_file(&r, file, ds, err);
    free(r.line);
    gzclose(file);
    if (status != OB_OK)
        ob_dataset_free(ds);
    return status;
}

int ob_dataset_split(struct ob_dataset *ds, struct ob_error *err)
{
    size_t train_rows = ds->rows - ds->rows / 5;
    size_t d = ds->features;
    double *x;
    size_t *label;

    if (ds->train_rows != ds->rows || train_rows == ds->rows)
        return OB_OK;
    x = malloc(sizeof(double) * ds->rows * d);
    label = malloc(sizeof(size_t) * ds->rows);
    if (x == NULL || label == NULL) {
        free(x);
        free(label);
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    }

    /* Row i is test row i / 5 when i % 5 == 4; otherwise i / 5 test rows
     * precede it, so it is training row i - i / 5. */
    for (size_t i = 0; i < ds->rows; i++) {
        size_t to = i % 5 == 4 ? train_rows + i / 5 : i - i / 5;

        memcpy(x + to * d, ds->x + i * d, sizeof(double) * d);
        label[to] = ds->label[i];
    }
    free(ds->x);
    free(ds->label);
    ds->x = x;
    ds->label = label;
    ds->train_rows = train_rows;
    return OB_OK;
}

void ob_dataset_standardize(struct ob_dataset *ds)
{
    size_t n = ds->train_rows, d = ds->features;

    for (size_t j = 0; j < d && n > 0; j++) {
        double first = ds->x[j];
        double mean = first, scale = 1.0;
        int constant = 1;

        for (size_t i = 1; i < n && constant; i++)
            constant = ds->x[i * d + j] == first;

        /* A computed mean of equal values can be off by rounding, which
         * would turn zero spread into a tiny one and blow the column up. */
        if (!constant) {
            double variance = 0.0;

            mean = 0.0;
            for (size_t i = 0; i < n; i++)
                mean += ds->x[i * d + j];
            mean /= (double)n;
            for (size_t i = 0; i < n; i++) {
                double centred = ds->x[i * d + j] - mean;

                variance += centred * centred;
            }
            scale = sqrt(variance / (double)n);
        }
        for (size_t i = 0; i < ds->rows; i++)
            ds->x[i * d + j] = (ds->x[i * d + j] - mean) / scale;
    }
}

void ob_dataset_free(struct ob_dataset *ds)
{
    free(ds->x);
    free(ds->label);
    free(ds->class_names);
    memset(ds, 0, sizeof *ds);
}
