/* A CSV reader for result files: a file read whole, fields found by column
 * name (RFC 4180, leniently). Used by compare and by the report. */
#ifndef OB_CSV_H
#define OB_CSV_H

#include <stddef.h>

#include "../util/error.h"

/* A CSV file read whole: the header is row 0. Fields point into `text`. */
struct ob_csv {
    char path[4096];
    char *raw; /* the file's bytes, NUL-terminated */
    size_t size;
    char *text;    /* field contents, each NUL-terminated */
    char **fields; /* (rows + 1) * columns */
    size_t columns;
    size_t rows;     /* data rows, header excluded */
    size_t *line;    /* line where each row starts, header included */
    size_t *start;   /* byte offset in raw where each row starts */
    size_t *end;     /* and where it ends (before its newline) */
    size_t capacity; /* rows allocated in line, start, end */
    size_t field_capacity;
};

/* What ob_csv_find returns for a column that is not in the header. */
#define OB_CSV_NO_COLUMN ((size_t)-1)

/* Reads the whole file at path into a malloc'd, NUL-terminated buffer
 * (*bytes, *size bytes before the NUL). OB_EIO "cannot read PATH: reason"
 * or OB_ENOMEM. */
int ob_read_whole(const char *path, char **bytes, size_t *size,
                  struct ob_error *err);

/* Parses csv->raw (csv->size bytes) into rows and fields: quoted fields
 * ("" is a quote), LF or CRLF, blank lines skipped, a UTF-8 BOM ignored.
 * Every row must have the header's number of fields. OB_EDATA
 * "PATH:LINE: reason" or OB_ENOMEM. */
int ob_csv_parse(struct ob_csv *csv, struct ob_error *err);

/* Reads and parses DIR/NAME (csv zeroed first; free it with ob_csv_free
 * whatever the result). */
int ob_csv_load(struct ob_csv *csv, const char *dir, const char *name,
                struct ob_error *err);

/* Frees what load allocated and zeroes csv. */
void ob_csv_free(struct ob_csv *csv);

/* Field `column` of data row `row` (0 = the first row after the header). */
const char *ob_csv_get(const struct ob_csv *csv, size_t row, size_t column);

/* Index of the column called name, or OB_CSV_NO_COLUMN. */
size_t ob_csv_find(const struct ob_csv *csv, const char *name);

/* As find; OB_EDATA "PATH:LINE: no column 'NAME' in the header" when
 * missing. */
int ob_csv_require(const struct ob_csv *csv, const char *name, size_t *column,
                   struct ob_error *err);

/* Reads a number field ("nan", "inf" accepted); an empty one gives NAN
 * when `optional`, else OB_EDATA "PATH:LINE: COLUMN 'TEXT' is not a
 * number". */
int ob_csv_number(const struct ob_csv *csv, size_t row, size_t column,
                  int optional, double *value, struct ob_error *err);

#endif
