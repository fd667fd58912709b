/* Small labelled data sets for the model problems: the CSV files under
 * problems/data (see problems/data/README.md), a fixed train/test split and
 * standardisation with training-set statistics. */
#ifndef OB_DATASET_H
#define OB_DATASET_H

#include <stddef.h>

#include "../problem.h"

struct ob_dataset {
    size_t rows;        /* all rows, training rows first once split */
    size_t features;    /* values per row */
    size_t classes;     /* labels lie in [0, classes) */
    size_t train_rows;  /* rows [0, train_rows) are the training set */
    double *x;          /* rows * features values, row-major, owned */
    size_t *label;      /* rows labels, owned */
    char **class_names; /* classes names from the header, owned */
};

/* Reads a CSV file whose first line is `rows,features,name,name,...` (one
 * name per class, at least two) and whose every other line holds `features`
 * finite numbers then an integer label in [0, classes). Rows stay in file
 * order and train_rows = rows (no split yet). On success ds owns its
 * arrays (free with ob_dataset_free). On failure ds is left empty and:
 * OB_EIO "cannot open PATH: reason" (or "cannot read"); OB_EDATA
 * "PATH:LINE: what is wrong" for a malformed header or line, a label out of
 * range or too many rows, "PATH: ..." when rows are missing at the end;
 * OB_ENOMEM. */
int ob_dataset_load(struct ob_dataset *ds, const char *path,
                    struct ob_error *err);

/* ob_dataset_load of the file `name` in ob_data_dir(). */
int ob_dataset_load_named(struct ob_dataset *ds, const char *name,
                          struct ob_error *err);

/* Reads a gzip-compressed CSV file without a header, such as
 * problems/data/digits.csv.gz: every line holds `features` finite numbers
 * then an integer label in [0, classes). Rows stay in file order,
 * train_rows = rows (no split yet) and class_names is NULL. On success ds
 * owns its arrays (free with ob_dataset_free). On failure ds is left empty
 * and: OB_EIO "cannot open PATH: reason" (or "cannot read"); OB_EDATA
 * "PATH:LINE: what is wrong" for a malformed line or a label out of range,
 * "PATH: no data lines", "PATH: gzip stream: reason" for a corrupt or cut
 * stream; OB_EINVAL when features is 0 or classes < 2; OB_ENOMEM. */
int ob_dataset_load_gz(struct ob_dataset *ds, const char *path, size_t features,
                       size_t classes, struct ob_error *err);

/* Fixed split: the rows whose index in the file is 4 modulo 5 (the fifth,
 * tenth, ... rows) form the test set and move to the end, in file order;
 * the others stay in front, in file order, as the training set. Sets
 * train_rows = rows - rows / 5. Does nothing when ds is already split.
 * Fails only with OB_ENOMEM, leaving ds unchanged. */
int ob_dataset_split(struct ob_dataset *ds, struct ob_error *err);

/* Standardises every feature of every row (training and test) with the
 * mean and population standard deviation (divisor train_rows) of the
 * training rows: x -> (x - mean) / sd. A feature constant over the training
 * rows is only centred (scale 1). */
void ob_dataset_standardize(struct ob_dataset *ds);

/* Frees the arrays and zeroes ds; safe on a zeroed struct. */
void ob_dataset_free(struct ob_dataset *ds);

#endif
