/* IDX files and Fashion-MNIST: see idx.h. The format (LeCun, Cortes and
 * Burges, the MNIST page): a magic number 0x0000TTDD (TT = 0x08 for
 * unsigned bytes, DD = dimensions), DD big-endian 32-bit sizes, then the
 * values in row-major order. */
#include "idx.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#define IDX_UNSIGNED_BYTE 0x08
#define IDX_MAX_BYTES     ((size_t)1 << 30)
/* gzread takes an unsigned count; read in pieces well below its limit. */
#define IDX_PIECE ((size_t)1 << 24)

#define FASHION_HINT "install the Debian package dataset-fashion-mnist"
#define FASHION_GET                                                            \
    "apt-get install dataset-fashion-mnist, or set "                           \
    "OPTBENCH_FASHION_MNIST_DIR to a folder holding its files"

static const char *const fashion_files[] = {
    "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

static void describe_errno(int code, char *text, size_t size)
{
    if (strerror_r(code, text, size) != 0)
        snprintf(text, size, "error %d", code);
}

/* Reads up to size bytes; *got receives how many arrived. Returns OB_OK
 * (also for a short read at the end of the data) or an error for a failed
 * read or a corrupt stream. */
static int read_bytes(gzFile file, const char *path, unsigned char *buffer,
                      size_t size, size_t *got, struct ob_error *err)
{
    const char *reason;
    int code;

    *got = 0;
    while (*got < size) {
        size_t piece = size - *got < IDX_PIECE ? size - *got : IDX_PIECE;
        int read = gzread(file, buffer + *got, (unsigned)piece);

        if (read <= 0)
            break;
        *got += (size_t)read;
    }
    if (*got == size)
        return OB_OK;

    /* A stream cut short is a truncated file like any other. */
    reason = gzerror(file, &code);
    if (code == Z_ERRNO) {
        char text[128];

        describe_errno(errno, text, sizeof text);
        return ob_errorf(err, OB_EIO, "cannot read %s: %s", path, text);
    }
    if (code != Z_OK && code != Z_BUF_ERROR)
        return ob_errorf(err, OB_EDATA, "%s: gzip stream: %s", path, reason);
    return OB_OK;
}

static size_t big_endian(const unsigned char *bytes)
{
    return (size_t)bytes[0] << 24 | (size_t)bytes[1] << 16 |
           (size_t)bytes[2] << 8 | (size_t)bytes[3];
}

/* Checks the magic number and sizes and fills total, shape, item_size. */
static int read_header(gzFile file, const char *path, unsigned dims,
                       struct ob_idx *idx, struct ob_error *err)
{
    unsigned char header[16];
    size_t size = 4 + 4 * (size_t)dims, got;
    uint32_t magic, expected = IDX_UNSIGNED_BYTE << 8 | dims;
    int status = read_bytes(file, path, header, size, &got, err);

    if (status != OB_OK)
        return status;
    if (got >= 4) {
        magic = (uint32_t)big_endian(header);
        if (magic != expected)
            return ob_errorf(err, OB_EDATA,
                             "%s: magic number 0x%08x, expected 0x%08x "
                             "(IDX, unsigned bytes, %u dimension%s)",
                             path, (unsigned)magic, (unsigned)expected, dims,
                             dims == 1 ? "" : "s");
    }
    if (got < size)
        return ob_errorf(err, OB_EDATA,
                         "%s: truncated: the header needs %zu bytes, the "
                         "file has %zu",
                         path, size, got);

    idx->total = big_endian(header + 4);
    idx->shape[0] = dims > 1 ? big_endian(header + 8) : 1;
    idx->shape[1] = dims > 2 ? big_endian(header + 12) : 1;
    if (idx->shape[0] == 0 || idx->shape[1] == 0)
        return ob_errorf(err, OB_EDATA, "%s: an item has no values (%zu x %zu)",
                         path, idx->shape[0], idx->shape[1]);
    idx->item_size = idx->shape[0] * idx->shape[1];
    if (idx->item_size > IDX_MAX_BYTES)
        return ob_errorf(err, OB_EDATA,
                         "%s: items of %zu bytes, more than the %zu allowed",
                         path, idx->item_size, IDX_MAX_BYTES);
    return OB_OK;
}

static int read_idx(gzFile file, const char *path, unsigned dims, size_t limit,
                    struct ob_idx *idx, struct ob_error *err)
{
    size_t bytes, got;
    int status = read_header(file, path, dims, idx, err);

    if (status != OB_OK)
        return status;
    idx->count = limit > 0 && limit < idx->total ? limit : idx->total;
    if (idx->count > IDX_MAX_BYTES / idx->item_size)
        return ob_errorf(err, OB_EDATA,
                         "%s: %zu items of %zu bytes, more than the %zu bytes "
                         "allowed",
                         path, idx->count, idx->item_size, IDX_MAX_BYTES);
    bytes = idx->count * idx->item_size;
    idx->values = malloc(bytes > 0 ? bytes : 1);
    if (idx->values == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    status = read_bytes(file, path, idx->values, bytes, &got, err);
    if (status != OB_OK)
        return status;
    if (got < bytes)
        return ob_errorf(err, OB_EDATA,
                         "%s: truncated: the header declares %zu items of "
                         "%zu bytes, the data ends after %zu",
                         path, idx->total, idx->item_size,
                         got / idx->item_size);
    return OB_OK;
}

int ob_idx_load(struct ob_idx *idx, const char *path, unsigned dims,
                size_t limit, struct ob_error *err)
{
    gzFile file;
    int status;

    memset(idx, 0, sizeof *idx);
    if (dims < 1 || dims > 3)
        return ob_errorf(err, OB_EINVAL, "%s: %u dimensions, expected 1 to 3",
                         path, dims);
    errno = 0;
    file = gzopen(path, "rb");
    if (file == NULL) {
        char reason[128];
        int code = errno;

        if (code == 0)
            return ob_errorf(err, OB_ENOMEM, "out of memory");
        describe_errno(code, reason, sizeof reason);
        return ob_errorf(err, OB_EIO, "cannot open %s: %s (" FASHION_HINT ")",
                         path, reason);
    }
    status = read_idx(file, path, dims, limit, idx, err);
    gzclose(file);
    if (status != OB_OK)
        ob_idx_free(idx);
    return status;
}

void ob_idx_free(struct ob_idx *idx)
{
    free(idx->values);
    memset(idx, 0, sizeof *idx);
}

const char *ob_fashion_mnist_dir(void)
{
    const char *dir = getenv("OPTBENCH_FASHION_MNIST_DIR");

    return (dir != NULL && *dir != '\0') ? dir : OB_FASHION_MNIST_DIR;
}

/* One half of the set: images and labels, read and checked together. */
struct idx_part {
    char images_path[4096];
    char labels_path[4096];
    struct ob_idx images;
    struct ob_idx labels;
};

static int part_path(char *path, size_t size, const char *dir, const char *name,
                     struct ob_error *err)
{
    int length = snprintf(path, size, "%s/%s", dir, name);

    if (length < 0 || (size_t)length >= size)
        return ob_errorf(err, OB_EIO, "cannot open %s/%s: path too long", dir,
                         name);
    return OB_OK;
}

static int load_part(struct idx_part *part, const char *dir, const char *prefix,
                     size_t limit, struct ob_error *err)
{
    char images_name[64], labels_name[64];
    int status;

    snprintf(images_name, sizeof images_name, "%s-images-idx3-ubyte.gz",
             prefix);
    snprintf(labels_name, sizeof labels_name, "%s-labels-idx1-ubyte.gz",
             prefix);
    status = part_path(part->images_path, sizeof part->images_path, dir,
                       images_name, err);
    if (status != OB_OK)
        return status;
    status = part_path(part->labels_path, sizeof part->labels_path, dir,
                       labels_name, err);
    if (status != OB_OK)
        return status;

    status = ob_idx_load(&part->images, part->images_path, 3, limit, err);
    if (status != OB_OK)
        return status;
    if (part->images.total == 0)
        return ob_errorf(err, OB_EDATA, "%s: no images", part->images_path);
    if (limit > part->images.total)
        return ob_errorf(err, OB_EINVAL,
                         "train_rows=%zu is more than the %zu images in %s",
                         limit, part->images.total, part->images_path);
    status = ob_idx_load(&part->labels, part->labels_path, 1, limit, err);
    if (status != OB_OK)
        return status;
    if (part->labels.total != part->images.total)
        return ob_errorf(err, OB_EDATA,
                         "%s: %zu labels for the %zu images of %s",
                         part->labels_path, part->labels.total,
                         part->images.total, images_name);

    for (size_t i = 0; i < part->labels.count; i++)
        if (part->labels.values[i] >= OB_FASHION_MNIST_CLASSES)
            return ob_errorf(err, OB_EDATA,
                             "%s: label %u of item %zu is not a class in "
                             "[0, %d]",
                             part->labels_path,
                             (unsigned)part->labels.values[i], i,
                             OB_FASHION_MNIST_CLASSES - 1);
    return OB_OK;
}

/* Appends the part's items to ds from row `row` on. */
static void copy_part(struct ob_dataset *ds, const struct idx_part *part,
                      size_t row)
{
    size_t d = ds->features;

    for (size_t i = 0; i < part->images.count; i++) {
        const unsigned char *pixel = part->images.values + i * d;
        double *x = ds->x + (row + i) * d;

        for (size_t j = 0; j < d; j++)
            x[j] = (double)pixel[j] / 255.0;
        ds->label[row + i] = part->labels.values[i];
    }
}

/* A folder without one of the four files holds no installed set: that is
 * OB_EMISSING, which a suite answers by skipping the problem, while a file
 * that is there but unreadable or malformed stays an error. */
static int check_installed(const char *dir, struct ob_error *err)
{
    for (size_t i = 0; i < sizeof fashion_files / sizeof *fashion_files; i++) {
        char path[4200];
        int status = part_path(path, sizeof path, dir, fashion_files[i], err);

        if (status != OB_OK)
            return status;
        if (access(path, F_OK) != 0 && (errno == ENOENT || errno == ENOTDIR))
            return ob_errorf(err, OB_EMISSING,
                             "fashion-mnist is not installed: no %s "
                             "(" FASHION_GET ")",
                             path);
    }
    return OB_OK;
}

static int build(struct ob_dataset *ds, const char *dir, size_t train_limit,
                 struct idx_part *train, struct idx_part *test,
                 struct ob_error *err)
{
    int status = load_part(train, dir, "train", train_limit, err);

    if (status != OB_OK)
        return status;
    status = load_part(test, dir, "t10k", 0, err);
    if (status != OB_OK)
        return status;
    if (test->images.shape[0] != train->images.shape[0] ||
        test->images.shape[1] != train->images.shape[1])
        return ob_errorf(err, OB_EDATA,
                         "%s: images of %zu x %zu pixels, the training "
                         "images have %zu x %zu",
                         test->images_path, test->images.shape[0],
                         test->images.shape[1], train->images.shape[0],
                         train->images.shape[1]);

    ds->features = train->images.item_size;
    ds->classes = OB_FASHION_MNIST_CLASSES;
    ds->train_rows = train->images.count;
    ds->rows = train->images.count + test->images.count;
    ds->x = malloc(sizeof(double) * ds->rows * ds->features);
    ds->label = malloc(sizeof(size_t) * ds->rows);
    if (ds->x == NULL || ds->label == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    copy_part(ds, train, 0);
    copy_part(ds, test, ds->train_rows);
    return OB_OK;
}

int ob_fashion_mnist_load(struct ob_dataset *ds, const char *dir,
                          size_t train_limit, struct ob_error *err)
{
    struct idx_part *parts = calloc(2, sizeof *parts);
    int status;

    memset(ds, 0, sizeof *ds);
    if (parts == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    if (dir == NULL)
        dir = ob_fashion_mnist_dir();
    status = check_installed(dir, err);
    if (status == OB_OK)
        status = build(ds, dir, train_limit, &parts[0], &parts[1], err);
    for (int k = 0; k < 2; k++) {
        ob_idx_free(&parts[k].images);
        ob_idx_free(&parts[k].labels);
    }
    free(parts);
    if (status != OB_OK)
        ob_dataset_free(ds);
    return status;
}
