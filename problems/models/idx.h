/* IDX files of unsigned bytes (LeCun's MNIST format, gzip'd or plain) and
 * the Fashion-MNIST set built from them (Xiao, Rasul and Vollgraf 2017, as
 * Debian's dataset-fashion-mnist package installs it). */
#ifndef OB_IDX_H
#define OB_IDX_H

#include <stddef.h>

#include "../../src/util/error.h"
#include "dataset.h"

/* Where dataset-fashion-mnist puts its four files. */
#ifndef OB_FASHION_MNIST_DIR
#define OB_FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"
#endif

#define OB_FASHION_MNIST_CLASSES 10

struct ob_idx {
    size_t total;          /* items the header declares */
    size_t count;          /* items read: min(total, limit) */
    size_t shape[2];       /* sizes after the first dimension, 1 if absent */
    size_t item_size;      /* bytes per item: shape[0] * shape[1] */
    unsigned char *values; /* count * item_size bytes, owned */
};

/* Reads the IDX file at path (through zlib, so gzip'd or plain) whose
 * values are unsigned bytes in `dims` dimensions, 1 to 3 (1: labels, 3:
 * images), keeping the first min(total, limit) items (limit 0: all); the
 * rest of the file is not read. On success idx owns values (free with
 * ob_idx_free). On failure idx is left empty and: OB_EIO "cannot open PATH:
 * reason (install the Debian package dataset-fashion-mnist)" or "cannot
 * read PATH: reason"; OB_EDATA "PATH: message" for a wrong magic number, a
 * truncated header or data, a corrupt gzip stream, or sizes beyond 2^30
 * bytes; OB_ENOMEM. */
int ob_idx_load(struct ob_idx *idx, const char *path, unsigned dims,
                size_t limit, struct ob_error *err);

/* Frees values and zeroes idx; safe on a zeroed struct. */
void ob_idx_free(struct ob_idx *idx);

/* The folder of the Fashion-MNIST files: the environment variable
 * OPTBENCH_FASHION_MNIST_DIR when set and not empty, else
 * OB_FASHION_MNIST_DIR. */
const char *ob_fashion_mnist_dir(void);

/* Loads Fashion-MNIST from dir (NULL: ob_fashion_mnist_dir()): the first
 * train_limit images of train-images-idx3-ubyte.gz (0: all 60000) with
 * their labels as the training rows, then all of t10k-images-idx3-ubyte.gz
 * as the test rows (the official split). Each pixel becomes a feature
 * value / 255 in [0, 1]; features = image rows * columns (784), classes =
 * 10, class_names NULL. On failure ds is left empty and: the errors of
 * ob_idx_load; OB_EMISSING "fashion-mnist is not installed: no PATH (how
 * to get it)" when one of the four files does not exist (a suite skips
 * the problem); OB_EDATA "PATH: message" when a label exceeds 9, labels
 * and images disagree in count, test images differ in size from the
 * training images, or a file holds no items; OB_EINVAL when train_limit
 * exceeds the training images. */
int ob_fashion_mnist_load(struct ob_dataset *ds, const char *dir,
                          size_t train_limit, struct ob_error *err);

#endif
