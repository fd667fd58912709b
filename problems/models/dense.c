/* Dense classifiers (softmax regression, one-hidden-layer perceptron) on a
 * data set: see dense.h. Forward and backward passes run block by block
 * through cblas_dgemm; the backward pass is the textbook one (Goodfellow,
 * Bengio and Courville 2016, section 6.5). */
#include "dense.h"
#include "idx.h"

#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows per block: large enough for dgemm to run near full speed, small
 * enough that a full pass over 60000 images needs only a few megabytes. */
#define DENSE_BLOCK     256
#define DENSE_MAX_BATCH 1e9

/* Where each block of parameters starts (see dense.h). */
struct layout {
    size_t d, h, k;      /* inputs, hidden units (0: none), classes */
    size_t width;        /* inputs of the output layer: h, or d */
    size_t w1, b1;       /* hidden layer, when h > 0 */
    size_t w_out, b_out; /* output layer */
    size_t dim;
};

static struct layout layout_of(const struct ob_dense *model)
{
    struct layout l;

    l.d = model->set.features;
    l.h = model->hidden;
    l.k = model->set.classes;
    l.width = l.h > 0 ? l.h : l.d;
    l.w1 = 0;
    l.b1 = l.h > 0 ? l.d * l.h : 0;
    l.w_out = l.h > 0 ? l.b1 + l.h : 0;
    l.b_out = l.w_out + l.width * l.k;
    l.dim = l.b_out + l.k;
    return l;
}

/* Per-call buffers, one block's worth. */
struct scratch {
    double *gather; /* block x d: rows copied together, when scattered */
    double *pre;    /* block x h: hidden pre-activations, later deltas */
    double *act;    /* block x h: hidden activations */
    double *out;    /* block x k: scores, later output residuals */
};

/* One pass over some rows: the loss summed and, when grad is non-NULL,
 * the gradient of the mean accumulated into grad. */
struct pass {
    const struct ob_dense *model;
    struct layout l;
    const double *theta;
    double *grad;
    double inverse_count; /* 1 / rows of the mean */
    double loss_sum;
    size_t correct;
};

static size_t row_index(size_t first, const size_t *rows, size_t i)
{
    return rows != NULL ? rows[i] : first + i;
}

/* The n rows starting at position `start`, as one row-major block: the
 * data itself when the rows are consecutive, else a copy in gather. */
static const double *block_input(const struct ob_dataset *set, size_t first,
                                 const size_t *rows, size_t start, size_t n,
                                 double *gather)
{
    size_t d = set->features;
    size_t row0 = row_index(first, rows, start);
    int consecutive = 1;

    for (size_t i = 1; i < n && consecutive && rows != NULL; i++)
        consecutive = rows[start + i] == row0 + i;
    if (consecutive)
        return set->x + row0 * d;
    for (size_t i = 0; i < n; i++)
        memcpy(gather + i * d, set->x + rows[start + i] * d,
               sizeof(double) * d);
    return gather;
}

/* out (n x cols) = bias in every row, then += a (n x inner) b (inner x
 * cols). */
static void affine(size_t n, size_t cols, size_t inner, const double *a,
                   const double *b, const double *bias, double *out)
{
    for (size_t i = 0; i < n; i++)
        memcpy(out + i * cols, bias, sizeof(double) * cols);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)cols,
                (int)inner, 1.0, a, (int)inner, b, (int)cols, 1.0, out,
                (int)cols);
}

/* grad_w (rows_w x cols) += a^T (rows_w x n) delta (n x cols), and
 * grad_b += the column sums of delta. */
static void accumulate(size_t n, size_t rows_w, size_t cols, const double *a,
                       const double *delta, double *grad_w, double *grad_b)
{
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)rows_w, (int)cols,
                (int)n, 1.0, a, (int)rows_w, delta, (int)cols, 1.0, grad_w,
                (int)cols);
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < cols; c++)
            grad_b[c] += delta[i * cols + c];
}

/* Loss, accuracy and output residuals of a block's scores, row by row:
 * logsumexp shifted by the row's maximum so exp never overflows. */
static void softmax_rows(struct pass *s, const size_t *label, double *out,
                         size_t n)
{
    size_t k = s->l.k;

    for (size_t i = 0; i < n; i++) {
        double *z = out + i * k;
        double top = z[0], sum = 0.0, lse;
        size_t best = 0, y = label[i];

        for (size_t c = 1; c < k; c++)
            if (z[c] > top) {
                top = z[c];
                best = c;
            }
        for (size_t c = 0; c < k; c++)
            sum += exp(z[c] - top);
        lse = top + log(sum);
        s->loss_sum += lse - z[y];
        s->correct += best == y;
        if (s->grad != NULL)
            for (size_t c = 0; c < k; c++)
                z[c] =
                    (exp(z[c] - lse) - (c == y ? 1.0 : 0.0)) * s->inverse_count;
    }
}

static void block_pass(struct pass *s, const double *x, const size_t *label,
                       size_t n, struct scratch *w)
{
    const struct layout *l = &s->l;
    const double *theta = s->theta;
    const double *in = x;
    size_t count = n * l->h;

    if (l->h > 0) {
        affine(n, l->h, l->d, x, theta + l->w1, theta + l->b1, w->pre);
        for (size_t i = 0; i < count; i++)
            w->act[i] = s->model->activation == OB_DENSE_TANH
                            ? tanh(w->pre[i])
                            : (w->pre[i] > 0.0 ? w->pre[i] : 0.0);
        in = w->act;
    }
    affine(n, l->k, l->width, in, theta + l->w_out, theta + l->b_out, w->out);
    softmax_rows(s, label, w->out, n);
    if (s->grad == NULL)
        return;

    accumulate(n, l->width, l->k, in, w->out, s->grad + l->w_out,
               s->grad + l->b_out);
    if (l->h > 0) {
        /* Back through W2, then through the activation, whose derivative
         * both choices give from the activation alone. */
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)l->h,
                    (int)l->k, 1.0, w->out, (int)l->k, theta + l->w_out,
                    (int)l->k, 0.0, w->pre, (int)l->h);
        for (size_t i = 0; i < count; i++)
            w->pre[i] *= s->model->activation == OB_DENSE_TANH
                             ? 1.0 - w->act[i] * w->act[i]
                             : (w->act[i] > 0.0 ? 1.0 : 0.0);
        accumulate(n, l->d, l->h, x, w->pre, s->grad + l->w1, s->grad + l->b1);
    }
}

/* Runs the pass over `count` rows: rows[0..count) when rows is non-NULL,
 * else first, first + 1, ... Returns OB_OK or OB_ENOMEM. */
static int run_pass(struct pass *s, size_t first, const size_t *rows,
                    size_t count)
{
    const struct ob_dataset *set = &s->model->set;
    size_t block = count < DENSE_BLOCK ? count : DENSE_BLOCK;
    size_t gather = rows != NULL ? block * s->l.d : 0;
    size_t label[DENSE_BLOCK];
    struct scratch w;
    double *buffer;

    if (count == 0)
        return OB_OK;
    buffer =
        malloc(sizeof(double) * (gather + 2 * block * s->l.h + block * s->l.k));
    if (buffer == NULL)
        return OB_ENOMEM;
    w.gather = buffer;
    w.pre = buffer + gather;
    w.act = w.pre + block * s->l.h;
    w.out = w.act + block * s->l.h;

    for (size_t start = 0; start < count; start += DENSE_BLOCK) {
        size_t n = count - start < DENSE_BLOCK ? count - start : DENSE_BLOCK;
        const double *x = block_input(set, first, rows, start, n, w.gather);

        for (size_t i = 0; i < n; i++)
            label[i] = set->label[row_index(first, rows, start + i)];
        block_pass(s, x, label, n, &w);
    }
    free(buffer);
    return OB_OK;
}

/* The mean loss over the given training rows plus the penalty. */
static double training_loss(const struct ob_problem *p, const double *theta,
                            double *grad, const size_t *rows, size_t count)
{
    const struct ob_dense *model = p->data;
    struct pass s = {0};
    double squares = 0.0, loss;
    size_t weights[2][2];

    s.model = model;
    s.l = layout_of(model);
    s.theta = theta;
    s.grad = grad;
    s.inverse_count = count > 0 ? 1.0 / (double)count : 0.0;
    if (grad != NULL)
        memset(grad, 0, sizeof(double) * s.l.dim);
    if (run_pass(&s, 0, rows, count) != OB_OK) {
        for (size_t j = 0; grad != NULL && j < s.l.dim; j++)
            grad[j] = NAN;
        return NAN;
    }

    /* The weight matrices: [first, end) of W1 (maybe empty) and W_out. */
    weights[0][0] = s.l.w1;
    weights[0][1] = s.l.h > 0 ? s.l.b1 : s.l.w1;
    weights[1][0] = s.l.w_out;
    weights[1][1] = s.l.b_out;
    for (int m = 0; m < 2; m++)
        for (size_t j = weights[m][0]; j < weights[m][1]; j++) {
            squares += theta[j] * theta[j];
            if (grad != NULL)
                grad[j] += model->l2 * theta[j];
        }
    loss = count > 0 ? s.loss_sum / (double)count : 0.0;
    return loss + 0.5 * model->l2 * squares;
}

double ob_dense_eval_rows(const struct ob_problem *p, const double *x,
                          double *grad, const size_t *rows, size_t count)
{
    return training_loss(p, x, grad, rows, count);
}

double ob_dense_eval(const struct ob_problem *p, const double *x, double *grad,
                     struct ob_rng *rng)
{
    size_t n = p->train_rows, batch = p->batch;
    size_t *rows;
    double loss;

    if (rng == NULL || batch == 0 || batch >= n)
        return training_loss(p, x, grad, NULL, n);
    rows = malloc(sizeof(size_t) * batch);
    if (rows == NULL) {
        for (size_t j = 0; grad != NULL && j < p->dim; j++)
            grad[j] = NAN;
        return NAN;
    }
    for (size_t i = 0; i < batch; i++)
        rows[i] = ob_rng_below(rng, n);
    loss = training_loss(p, x, grad, rows, batch);
    free(rows);
    return loss;
}

void ob_dense_evaluate_test(const struct ob_problem *p, const double *x,
                            double *test_loss, double *test_accuracy)
{
    const struct ob_dense *model = p->data;
    size_t first = model->set.train_rows;
    size_t count = model->set.rows - first;
    struct pass s = {0};

    s.model = model;
    s.l = layout_of(model);
    s.theta = x;
    if (run_pass(&s, first, NULL, count) != OB_OK) {
        *test_loss = NAN;
        *test_accuracy = NAN;
        return;
    }
    *test_loss = s.loss_sum / (double)count;
    *test_accuracy = (double)s.correct / (double)count;
}

/* Glorot-uniform fill of a fan_in x fan_out matrix. */
static void glorot(double *w, size_t fan_in, size_t fan_out, struct ob_rng *rng)
{
    double limit = sqrt(6.0 / (double)(fan_in + fan_out));

    for (size_t j = 0; j < fan_in * fan_out; j++)
        w[j] = limit * (2.0 * ob_rng_uniform(rng) - 1.0);
}

void ob_dense_init_start(const struct ob_problem *p, double *x,
                         struct ob_rng *rng)
{
    struct layout l = layout_of(p->data);

    memset(x, 0, sizeof(double) * l.dim);
    if (l.h > 0)
        glorot(x + l.w1, l.d, l.h, rng);
    glorot(x + l.w_out, l.width, l.k, rng);
}

void ob_dense_destroy(struct ob_problem *p)
{
    struct ob_dense *model = p->data;

    ob_dataset_free(&model->set);
    free(model);
}

int ob_dense_begin(struct ob_problem *p, double l2, double batch, size_t hidden,
                   enum ob_dense_activation activation, struct ob_dense **model,
                   struct ob_error *err)
{
    const char *name = p->type->name;

    if (!(l2 >= 0.0 && isfinite(l2)))
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: l2=%g must be finite and at least 0",
                         name, l2);
    if (!(batch >= 0.0 && batch <= DENSE_MAX_BATCH))
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: batch=%g must be in [0, %g]", name, batch,
                         DENSE_MAX_BATCH);
    *model = calloc(1, sizeof **model);
    if (*model == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    (*model)->l2 = l2;
    (*model)->hidden = hidden;
    (*model)->activation = activation;
    p->data = *model;
    p->batch = (size_t)batch;
    return OB_OK;
}

int ob_dense_finish(struct ob_problem *p, double target, struct ob_error *err)
{
    struct ob_dense *model = p->data;
    const struct ob_dataset *set = &model->set;
    struct layout l = layout_of(model);
    struct ob_rng rng;
    double *start;
    int status;

    if (set->train_rows == 0 || set->rows <= set->train_rows)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: %zu training and %zu test rows, need "
                         "at least one of each",
                         p->type->name, set->train_rows,
                         set->rows - set->train_rows);
    if (l.d > INT_MAX || l.k > INT_MAX)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: %zu features and %zu classes exceed "
                         "what BLAS indexes",
                         p->type->name, l.d, l.k);

    /* Parallel runs each call BLAS from their own thread; OpenBLAS's own
     * threads would only change the rounding with the thread count. */
    openblas_set_num_threads(1);

    p->dim = l.dim;
    p->train_rows = set->train_rows;
    p->minimum = NAN;
    p->target = target;
    start = calloc(l.dim, sizeof(double));
    if (start == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    if (l.h > 0) {
        ob_rng_seed(&rng, OB_DENSE_START_SEED);
        ob_dense_init_start(p, start, &rng);
    }
    status = ob_problem_set_points(p, start, NULL, err);
    free(start);
    return status;
}

int ob_dense_name_error(const struct ob_problem *p, struct ob_error *err)
{
    char message[OB_ERROR_MESSAGE_SIZE];

    if (err->status != OB_EINVAL)
        return err->status;
    memcpy(message, err->message, sizeof message);
    return ob_errorf(err, OB_EINVAL, "problem %s: %s", p->type->name, message);
}

int ob_dense_load_csv(struct ob_dataset *set, const char *name,
                      struct ob_error *err)
{
    int status = ob_dataset_load_named(set, name, err);

    if (status == OB_OK)
        status = ob_dataset_split(set, err);
    if (status != OB_OK) {
        ob_dataset_free(set);
        return status;
    }
    ob_dataset_standardize(set);
    return OB_OK;
}

int ob_dense_load_digits(struct ob_dataset *set, struct ob_error *err)
{
    char path[4096];
    const char *dir = ob_data_dir();
    int length = snprintf(path, sizeof path, "%s/digits.csv.gz", dir);
    int status;

    if (length < 0 || (size_t)length >= sizeof path) {
        memset(set, 0, sizeof *set);
        return ob_errorf(err, OB_EIO,
                         "cannot open %s/digits.csv.gz: path too long", dir);
    }
    status = ob_dataset_load_gz(set, path, 64, 10, err);
    if (status == OB_OK)
        status = ob_dataset_split(set, err);
    if (status != OB_OK) {
        ob_dataset_free(set);
        return status;
    }
    /* Pixels count 0..16 ink; standardising would blow up the corner
     * pixels that are almost always blank. */
    for (size_t j = 0; j < set->rows * set->features; j++)
        set->x[j] /= 16.0;
    return OB_OK;
}

int ob_dense_finish_fashion(struct ob_problem *p, struct ob_dense *model,
                            double train_rows, double target,
                            struct ob_error *err)
{
    int status;

    if (!(train_rows >= 0.0 && train_rows <= 1e9))
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: train_rows=%g must be in [0, 1e9]",
                         p->type->name, train_rows);
    status = ob_fashion_mnist_load(&model->set, NULL, (size_t)train_rows, err);
    if (status != OB_OK)
        return ob_dense_name_error(p, err);
    return ob_dense_finish(p, target, err);
}
