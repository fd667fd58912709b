/* Dense classifiers on a data set, shared by softmax.c and mlp.c:
 * multinomial logistic regression (no hidden layer) and a one-hidden-layer
 * perceptron, both with a softmax output, mean cross-entropy and an L2
 * penalty on the weights. Matrix products go through CBLAS (OpenBLAS,
 * pinned to one thread so results never depend on its thread count).
 *
 * Parameters, in this order, matrices row-major:
 *   no hidden layer:  W (d x K), b (K)                  dim = d K + K
 *   hidden layer (H): W1 (d x H), b1 (H), W2 (H x K), b2 (K)
 *                                                  dim = d H + H + H K + K
 * where d = features, K = classes; W[j][k] links input j to output k. The
 * loss over rows R is
 *   f = (1/|R|) sum_{i in R} [logsumexp(z_i) - z_i[y_i]] + (l2/2) |W|^2,
 *   z_i = W^T x_i + b, or z_i = W2^T g(W1^T x_i + b1) + b2,
 * with g = tanh or relu (relu'(0) taken as 0) and |W|^2 the sum of squares
 * of every weight matrix (biases are not penalised). */
#ifndef OB_DENSE_H
#define OB_DENSE_H

#include <stddef.h>

#include "../problem.h"
#include "dataset.h"

enum ob_dense_activation {
    OB_DENSE_TANH,
    OB_DENSE_RELU,
};

/* The choices of an `activation` parameter, in enum order. */
#define OB_DENSE_ACTIVATIONS "tanh,relu"

/* Seed of the Glorot draw stored as p->start of models with a hidden
 * layer (runs draw their own starts through init_start). */
#define OB_DENSE_START_SEED 1

struct ob_dense {
    struct ob_dataset set; /* ready features; training rows first */
    size_t hidden;         /* H, 0: no hidden layer */
    enum ob_dense_activation activation;
    double l2;
};

/* Step 1 of a type's create: checks l2 (finite, >= 0) and batch (in
 * [0, 1e9]; stored in p->batch), allocates the model with `hidden` units
 * (0: none) and an empty set, and hangs it on p->data, so
 * ob_problem_destroy frees it whatever happens next. *model receives it;
 * the type then fills model->set. Errors: OB_EINVAL "problem NAME:
 * KEY=VALUE ...", OB_ENOMEM. */
int ob_dense_begin(struct ob_problem *p, double l2, double batch, size_t hidden,
                   enum ob_dense_activation activation, struct ob_dense **model,
                   struct ob_error *err);

/* Step 2, once model->set holds its rows, training rows first: sets dim,
 * train_rows, start (zeros without a hidden layer, else the Glorot draw
 * from OB_DENSE_START_SEED), minimum (NAN: not known) and target. Pins
 * OpenBLAS to one thread. Errors: OB_EINVAL "problem NAME: ..." when the
 * set has no training or no test rows or a size exceeds BLAS's int,
 * OB_ENOMEM. */
int ob_dense_finish(struct ob_problem *p, double target, struct ob_error *err);

/* Rewrites an OB_EINVAL message as "problem NAME: message" (a loader's
 * message about a parameter); leaves other statuses, whose messages start
 * with the file, alone. Returns err->status. */
int ob_dense_name_error(const struct ob_problem *p, struct ob_error *err);

/* Loaders for model->set. Each leaves the training rows first and the
 * test rows after them, and fails like the loader it wraps.
 *   csv:    a CSV file in ob_data_dir() with a header (dataset.h), split
 *           (index % 5 == 4 to test) and standardised with training
 *           statistics.
 *   digits: digits.csv.gz in ob_data_dir() (64 pixels 0..16, then the
 *           digit), split likewise, pixels divided by 16 into [0, 1]. */
int ob_dense_load_csv(struct ob_dataset *set, const char *name,
                      struct ob_error *err);
int ob_dense_load_digits(struct ob_dataset *set, struct ob_error *err);

/* Loads the first train_rows Fashion-MNIST training images (0: all 60000)
 * into model->set and finishes p with `target` (ob_dense_finish): the tail
 * shared by softmax-fashion-mnist and mlp-fashion-mnist. OB_EINVAL naming
 * train_rows when it is not in [0, 1e9]; the loader's errors otherwise. */
int ob_dense_finish_fashion(struct ob_problem *p, struct ob_dense *model,
                            double train_rows, double target,
                            struct ob_error *err);

/* The type callbacks (problem.h), for every dense type. eval with a
 * stream and batch < train_rows draws batch rows uniformly with
 * replacement (batch calls to ob_rng_below) and returns their eval_rows;
 * otherwise it is eval_rows over every training row and ignores the
 * stream. eval_rows processes rows in blocks of 256, so its value depends
 * on the order of rows only through rounding. It allocates scratch per
 * call (about 256 (d + 2 H + K) doubles); should that fail it returns NAN
 * and fills grad with NAN, which the harness records as a diverged run.
 * init_start is NULL for types without a hidden layer (start at zero);
 * with one, it draws W1 then W2 row by row, each weight uniform in
 * [-r, r], r = sqrt(6 / (fan_in + fan_out)) (Glorot and Bengio 2010), one
 * ob_rng_uniform per weight, biases 0. */
double ob_dense_eval(const struct ob_problem *p, const double *x, double *grad,
                     struct ob_rng *rng);
double ob_dense_eval_rows(const struct ob_problem *p, const double *x,
                          double *grad, const size_t *rows, size_t count);
void ob_dense_evaluate_test(const struct ob_problem *p, const double *x,
                            double *test_loss, double *test_accuracy);
void ob_dense_init_start(const struct ob_problem *p, double *x,
                         struct ob_rng *rng);
void ob_dense_destroy(struct ob_problem *p);

#endif
