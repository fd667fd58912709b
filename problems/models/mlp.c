/* One-hidden-layer perceptrons, L2-penalised, on four data sets; model,
 * loss and parameter layout in dense.h (W1 d x H, b1, W2 H x K, b2, dim
 * d H + H + H K + K). Runs start from their own Glorot-uniform draw
 * (init_start); p->start is the draw from seed OB_DENSE_START_SEED. The
 * loss is not convex and its minimum is unknown (NAN); each type's target
 * is the training loss Adam reaches at the defaults within a short budget,
 * stated below with that budget.
 *
 *   mlp-moons          2 features, 2 classes, width 32: dim 162
 *   mlp-spirals        2 features, `arms` classes, width 32: dim 162 for
 *                      2 arms, 195 for 3
 *   mlp-digits         64 features, 10 classes, width 32: dim 2410
 *   mlp-fashion-mnist  784 features, 10 classes, width 100: dim 79510
 *
 * Moons and spirals (generated.h) are drawn at create time from a
 * generator seeded with data_seed, never from a run's stream: train_rows
 * training rows, then test_rows test rows; features standardised with
 * training statistics. Defaults: 1000 rows of each; moons with noise 0.15,
 * where the test accuracy tops out near 0.99; spirals with 2 arms of 1.5
 * turns and noise 0.05. Digits and Fashion-MNIST are read as for the
 * softmax types (softmax.c): digits pixels / 16 with the fixed split,
 * Fashion-MNIST pixels / 255 with the official split, train_rows taking
 * the first training images. */
#include "../problem.h"
#include "dense.h"
#include "generated.h"

#include <math.h>

#define MAX_WIDTH 10000
#define MAX_SEED  9007199254740992.0 /* 2^53: every whole double below */

/* Training-loss targets at the defaults: Adam reaches them within the
 * stated budget (full batch unless said otherwise). */
#define TARGET_MOONS   0.05 /* 1000 steps, lr 1e-2 */
#define TARGET_SPIRALS 0.10 /* 3000 steps, lr 1e-2 */
#define TARGET_DIGITS  0.03 /* 500 steps, lr 1e-2 */
#define TARGET_FASHION 0.35 /* 10 epochs of batch 128, lr 1e-3 */

enum {
    WIDTH,
    ACTIVATION,
    L2,
    BATCH,
    TRAIN_ROWS,
    TEST_ROWS,
    NOISE,
    DATA_SEED,
    ARMS,
    TURNS,
    PARAM_COUNT
};

/* Specs shared by the tables, which differ in defaults and length: each
 * table holds the parameters up to the one its type lacks (digits end at
 * TRAIN_ROWS, Fashion-MNIST at TEST_ROWS, moons at ARMS). */
#define WIDTH_SPEC(default_width)                                              \
    [WIDTH] = {"width", OB_PARAM_INT, default_width, NULL,                     \
               "hidden units, in [1, 10000]"}
#define COMMON_SPECS                                                           \
    [ACTIVATION] = {"activation", OB_PARAM_CHOICE, 0.0, OB_DENSE_ACTIVATIONS,  \
                    "activation of the hidden layer"},                         \
    [L2] = {"l2", OB_PARAM_REAL, 1e-4, NULL,                                   \
            "weight of the penalty (l2/2)|W|^2 on the weights, >= 0"},         \
    [BATCH] = {"batch", OB_PARAM_INT, 0.0, NULL,                               \
               "training rows per minibatch, reshuffled every epoch; "         \
               "0 = full batch"}
#define GENERATED_SPECS(default_noise)                                         \
    [TRAIN_ROWS] = {"train_rows", OB_PARAM_INT, 1000.0, NULL,                  \
                    "generated training rows, >= 1"},                          \
    [TEST_ROWS] = {"test_rows", OB_PARAM_INT, 1000.0, NULL,                    \
                   "generated test rows, >= 1"},                               \
    [NOISE] = {"noise", OB_PARAM_REAL, default_noise, NULL,                    \
               "standard deviation of the Gaussian noise on each "             \
               "coordinate, >= 0"},                                            \
    [DATA_SEED] = {"data_seed", OB_PARAM_INT, 1.0, NULL,                       \
                   "seed of the data generator (not the run's stream), "       \
                   ">= 0"}

static const struct ob_param_spec moons_params[ARMS] = {
    WIDTH_SPEC(32.0),
    COMMON_SPECS,
    GENERATED_SPECS(0.15),
};

static const struct ob_param_spec spirals_params[PARAM_COUNT] = {
    WIDTH_SPEC(32.0),
    COMMON_SPECS,
    GENERATED_SPECS(0.05),
    [ARMS] = {"arms", OB_PARAM_INT, 2.0, NULL,
              "spiral arms, one class each, in [2, 10]"},
    [TURNS] = {"turns", OB_PARAM_REAL, 1.5, NULL,
               "turns of each arm from the centre outwards, in (0, 10]"},
};

static const struct ob_param_spec digits_params[TRAIN_ROWS] = {
    WIDTH_SPEC(32.0),
    COMMON_SPECS,
};

static const struct ob_param_spec fashion_params[TEST_ROWS] = {
    WIDTH_SPEC(100.0),
    COMMON_SPECS,
    [TRAIN_ROWS] = {"train_rows", OB_PARAM_INT, 0.0, NULL,
                    "training images used, the first ones; 0 = all 60000"},
};

/* Checks width and starts the model (dense.h, ob_dense_begin). */
static int begin(struct ob_problem *p, const struct ob_param_values *values,
                 struct ob_dense **model, struct ob_error *err)
{
    double width = values->number[WIDTH];

    if (!(width >= 1.0 && width <= MAX_WIDTH))
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: width=%g must be in [1, %d]",
                         p->type->name, width, MAX_WIDTH);
    return ob_dense_begin(
        p, values->number[L2], values->number[BATCH], (size_t)width,
        (enum ob_dense_activation)values->number[ACTIVATION], model, err);
}

/* Checks the row counts and seed of a generated set. */
static int check_generated(const struct ob_problem *p,
                           const struct ob_param_values *values,
                           struct ob_error *err)
{
    static const int keys[] = {TRAIN_ROWS, TEST_ROWS};

    for (int i = 0; i < 2; i++) {
        double rows = values->number[keys[i]];

        if (!(rows >= 1.0 && rows <= OB_GENERATED_MAX_ROWS))
            return ob_errorf(err, OB_EINVAL,
                             "problem %s: %s=%g must be in [1, %d]",
                             p->type->name, p->type->params[keys[i]].name, rows,
                             OB_GENERATED_MAX_ROWS);
    }
    if (!(values->number[DATA_SEED] >= 0.0 &&
          values->number[DATA_SEED] <= MAX_SEED))
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: data_seed=%g must be in [0, 2^53]",
                         p->type->name, values->number[DATA_SEED]);
    return OB_OK;
}

static int mlp_moons_create(struct ob_problem *p,
                            const struct ob_param_values *values,
                            struct ob_error *err)
{
    const double *v = values->number;
    struct ob_dense *model;
    int status = check_generated(p, values, err);

    if (status == OB_OK)
        status = begin(p, values, &model, err);
    if (status != OB_OK)
        return status;
    status = ob_generate_moons(&model->set, (size_t)v[TRAIN_ROWS],
                               (size_t)v[TEST_ROWS], v[NOISE],
                               (uint64_t)v[DATA_SEED], err);
    if (status != OB_OK)
        return ob_dense_name_error(p, err);
    ob_dataset_standardize(&model->set);
    return ob_dense_finish(p, TARGET_MOONS, err);
}

static int mlp_spirals_create(struct ob_problem *p,
                              const struct ob_param_values *values,
                              struct ob_error *err)
{
    const double *v = values->number;
    struct ob_dense *model;
    int status = check_generated(p, values, err);

    if (status == OB_OK && !(v[ARMS] >= 2.0 && v[ARMS] <= 10.0))
        status =
            ob_errorf(err, OB_EINVAL, "problem %s: arms=%g must be in [2, 10]",
                      p->type->name, v[ARMS]);
    if (status == OB_OK)
        status = begin(p, values, &model, err);
    if (status != OB_OK)
        return status;
    status = ob_generate_spirals(
        &model->set, (size_t)v[TRAIN_ROWS], (size_t)v[TEST_ROWS],
        (size_t)v[ARMS], v[TURNS], v[NOISE], (uint64_t)v[DATA_SEED], err);
    if (status != OB_OK)
        return ob_dense_name_error(p, err);
    ob_dataset_standardize(&model->set);
    return ob_dense_finish(p, TARGET_SPIRALS, err);
}

static int mlp_digits_create(struct ob_problem *p,
                             const struct ob_param_values *values,
                             struct ob_error *err)
{
    struct ob_dense *model;
    int status = begin(p, values, &model, err);

    if (status == OB_OK)
        status = ob_dense_load_digits(&model->set, err);
    if (status == OB_OK)
        status = ob_dense_finish(p, TARGET_DIGITS, err);
    return status;
}

static int mlp_fashion_create(struct ob_problem *p,
                              const struct ob_param_values *values,
                              struct ob_error *err)
{
    struct ob_dense *model;
    int status = begin(p, values, &model, err);

    if (status != OB_OK)
        return status;
    return ob_dense_finish_fashion(p, model, values->number[TRAIN_ROWS],
                                   TARGET_FASHION, err);
}

const struct ob_problem_type ob_mlp_moons = {
    .name = "mlp-moons",
    .description = "one-hidden-layer net, two half-moons, 162 params",
    .params = moons_params,
    .param_count = ARMS,
    .create = mlp_moons_create,
    .destroy = ob_dense_destroy,
    .eval = ob_dense_eval,
    .eval_rows = ob_dense_eval_rows,
    .evaluate_test = ob_dense_evaluate_test,
    .init_start = ob_dense_init_start,
};

const struct ob_problem_type ob_mlp_spirals = {
    .name = "mlp-spirals",
    .description = "one-hidden-layer net, spiral arms, 162 params",
    .params = spirals_params,
    .param_count = PARAM_COUNT,
    .create = mlp_spirals_create,
    .destroy = ob_dense_destroy,
    .eval = ob_dense_eval,
    .eval_rows = ob_dense_eval_rows,
    .evaluate_test = ob_dense_evaluate_test,
    .init_start = ob_dense_init_start,
};

const struct ob_problem_type ob_mlp_digits = {
    .name = "mlp-digits",
    .description = "one-hidden-layer net, 8x8 digits, 2410 params",
    .params = digits_params,
    .param_count = TRAIN_ROWS,
    .create = mlp_digits_create,
    .destroy = ob_dense_destroy,
    .eval = ob_dense_eval,
    .eval_rows = ob_dense_eval_rows,
    .evaluate_test = ob_dense_evaluate_test,
    .init_start = ob_dense_init_start,
};

const struct ob_problem_type ob_mlp_fashion_mnist = {
    .name = "mlp-fashion-mnist",
    .description = "one-hidden-layer net, Fashion-MNIST, 79510 params",
    .params = fashion_params,
    .param_count = TEST_ROWS,
    .create = mlp_fashion_create,
    .destroy = ob_dense_destroy,
    .eval = ob_dense_eval,
    .eval_rows = ob_dense_eval_rows,
    .evaluate_test = ob_dense_evaluate_test,
    .init_start = ob_dense_init_start,
};
