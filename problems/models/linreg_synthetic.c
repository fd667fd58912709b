/* Least squares on generated data with known noise, the one dataset
 * problem whose minimiser is a closed form (the normal equations):
 *   f(w, b) = (1/n) sum_i 0.5 (x_i . w + b - y_i)^2 + (l2/2) |w|^2
 * over the n = train_rows training rows. Parameters: `features` weights
 * then the bias (dim = features + 1); the bias is not penalised. Default
 * start all zeros.
 *
 * The data are made at create time from their own generator, seeded with
 * data_seed and never the run's stream, in this order: the true weights
 * w*_j ~ N(0, 1); then per row (training rows first, then test rows) its
 * features x_ij ~ N(0, 1) and one noise draw e_i ~ N(0, 1), with
 * y_i = x_i . w* + sigma e_i (no true bias). For l2 = 0 the training
 * minimum has mean (sigma^2 / 2)(1 - k / n), k = features + 1, and the
 * test loss at the minimiser mean (sigma^2 / 2)(1 + k / (n - k - 1)): the
 * noise is what no optimizer can fit.
 *
 * The minimiser solves the normal equations G theta = c, G the (features +
 * 1)^2 Gram matrix of the training rows with a column of ones, divided by
 * n, plus l2 on the weights' diagonal. It is found at create time by a
 * Cholesky factorisation and one step of iterative refinement, and
 * accepted only when the gradient norm there is below 1e-10. G is
 * singular unless train_rows > features or l2 > 0; create rejects such
 * settings. With batch = B, 0 < B < n, the harness hands eval_rows slices
 * of B shuffled training rows: the mean over the slice plus the full
 * penalty. evaluate_test gives the mean 0.5 squared residual over the test
 * rows (no penalty) and accuracy NAN (regression). */
#include "../problem.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FEATURES       2000.0
#define MAX_ROWS           1e7
#define MAX_VALUES         5e7 /* (train_rows + test_rows) * features */
#define GRADIENT_TOLERANCE 1e-10

enum {
    TRAIN_ROWS,
    TEST_ROWS,
    FEATURES,
    SIGMA,
    BATCH,
    L2,
    DATA_SEED,
    PARAM_COUNT
};

static const struct ob_param_spec linreg_params[PARAM_COUNT] = {
    [TRAIN_ROWS] = {"train_rows", OB_PARAM_INT, 800.0, NULL,
                    "generated training rows (one epoch)"},
    [TEST_ROWS] = {"test_rows", OB_PARAM_INT, 200.0, NULL,
                   "generated test rows"},
    [FEATURES] = {"features", OB_PARAM_INT, 20.0, NULL,
                  "features per row; dim = features + 1"},
    [SIGMA] = {"sigma", OB_PARAM_REAL, 0.1, NULL,
               "standard deviation of the noise added to the targets, >= 0"},
    [BATCH] = {"batch", OB_PARAM_INT, 0.0, NULL,
               "rows per minibatch, shuffled every epoch; 0 = full batch"},
    [L2] = {"l2", OB_PARAM_REAL, 0.0, NULL,
            "weight of the penalty (l2/2)|w|^2 on the weights, >= 0"},
    [DATA_SEED] = {"data_seed", OB_PARAM_INT, 1.0, NULL,
                   "seed of the data generator (not the run's stream)"},
};

struct linreg_data {
    double *x;         /* rows * features, training rows first */
    double *y;         /* rows */
    size_t train_rows; /* the first train_rows rows; the rest are test */
    size_t rows;
    size_t features;
    double l2;
};

static double linreg_residual(const struct linreg_data *data,
                              const double *theta, size_t i)
{
    const double *row = data->x + i * data->features;
    double z = 0.0;

    for (size_t j = 0; j < data->features; j++)
        z += theta[j] * row[j];
    return z + theta[data->features] - data->y[i];
}

/* Mean 0.5 squared residual over `count` rows (indices rows[k], or
 * first..first+count when rows is NULL), plus the penalty when
 * `penalised`; the gradient into grad when non-NULL. */
static double linreg_loss(const struct linreg_data *data, const double *theta,
                          double *grad, const size_t *rows, size_t first,
                          size_t count, int penalised)
{
    size_t d = data->features;
    double loss = 0.0, penalty = 0.0;

    if (grad != NULL)
        memset(grad, 0, sizeof(double) * (d + 1));
    for (size_t k = 0; k < count; k++) {
        size_t i = rows != NULL ? rows[k] : first + k;
        double r = linreg_residual(data, theta, i);

        loss += 0.5 * r * r;
        if (grad != NULL) {
            const double *row = data->x + i * d;

            for (size_t j = 0; j < d; j++)
                grad[j] += r * row[j];
            grad[d] += r;
        }
    }
    loss /= (double)count;
    if (grad != NULL)
        for (size_t j = 0; j <= d; j++)
            grad[j] /= (double)count;
    if (!penalised)
        return loss;

    for (size_t j = 0; j < d; j++)
        penalty += theta[j] * theta[j];
    if (grad != NULL)
        for (size_t j = 0; j < d; j++)
            grad[j] += data->l2 * theta[j];
    return loss + 0.5 * data->l2 * penalty;
}

static double linreg_eval(const struct ob_problem *p, const double *theta,
                          double *grad, struct ob_rng *rng)
{
    const struct linreg_data *data = p->data;

    (void)rng;
    return linreg_loss(data, theta, grad, NULL, 0, data->train_rows, 1);
}

static double linreg_eval_rows(const struct ob_problem *p, const double *theta,
                               double *grad, const size_t *rows, size_t count)
{
    return linreg_loss(p->data, theta, grad, rows, 0, count, 1);
}

static void linreg_evaluate_test(const struct ob_problem *p,
                                 const double *theta, double *test_loss,
                                 double *test_accuracy)
{
    const struct linreg_data *data = p->data;

    *test_loss = linreg_loss(data, theta, NULL, NULL, data->train_rows,
                             data->rows - data->train_rows, 0);
    *test_accuracy = NAN;
}

/* The Gram matrix g (m * m, m = features + 1, lower triangle) and the
 * right-hand side c of the normal equations. */
static void linreg_gram(const struct linreg_data *data, double *g, double *c)
{
    size_t d = data->features, m = d + 1, n = data->train_rows;

    memset(g, 0, sizeof(double) * m * m);
    memset(c, 0, sizeof(double) * m);
    for (size_t i = 0; i < n; i++) {
        const double *row = data->x + i * d;

        for (size_t a = 0; a < m; a++) {
            double xa = a < d ? row[a] : 1.0;

            for (size_t b = 0; b <= a; b++)
                g[a * m + b] += xa * (b < d ? row[b] : 1.0);
            c[a] += xa * data->y[i];
        }
    }
    for (size_t a = 0; a < m; a++) {
        for (size_t b = 0; b <= a; b++)
            g[a * m + b] /= (double)n;
        c[a] /= (double)n;
    }
    for (size_t j = 0; j < d; j++)
        g[j * m + j] += data->l2;
}

/* Overwrites the lower triangle of g with its Cholesky factor L (g = L
 * L^T). Returns 0, or -1 when g is not numerically positive definite. */
static int cholesky_factor(double *g, size_t m)
{
    for (size_t j = 0; j < m; j++) {
        for (size_t i = j; i < m; i++) {
            double sum = g[i * m + j];

            for (size_t k = 0; k < j; k++)
                sum -= g[i * m + k] * g[j * m + k];
            if (i == j) {
                if (!(sum > 0.0))
                    return -1;
                g[j * m + j] = sqrt(sum);
            } else {
                g[i * m + j] = sum / g[j * m + j];
            }
        }
    }
    return 0;
}

/* Solves L L^T v = v in place with the factor from cholesky_factor. */
static void cholesky_apply(const double *l, double *v, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        for (size_t k = 0; k < i; k++)
            v[i] -= l[i * m + k] * v[k];
        v[i] /= l[i * m + i];
    }
    for (size_t i = m; i-- > 0;) {
        for (size_t k = i + 1; k < m; k++)
            v[i] -= l[k * m + i] * v[k];
        v[i] /= l[i * m + i];
    }
}

static double vector_norm(const double *v, size_t m)
{
    double sum = 0.0;

    for (size_t j = 0; j < m; j++)
        sum += v[j] * v[j];
    return sqrt(sum);
}

static int linreg_check(const char *name, const double *v, struct ob_error *err)
{
    if (v[TRAIN_ROWS] < 1.0 || v[TRAIN_ROWS] > MAX_ROWS)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: train_rows=%g must be in [1, %g]", name,
                         v[TRAIN_ROWS], MAX_ROWS);
    if (v[TEST_ROWS] < 1.0 || v[TEST_ROWS] > MAX_ROWS)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: test_rows=%g must be in [1, %g]", name,
                         v[TEST_ROWS], MAX_ROWS);
    if (v[FEATURES] < 1.0 || v[FEATURES] > MAX_FEATURES)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: features=%g must be in [1, %g]", name,
                         v[FEATURES], MAX_FEATURES);
    if ((v[TRAIN_ROWS] + v[TEST_ROWS]) * v[FEATURES] > MAX_VALUES)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: train_rows=%g plus test_rows=%g times "
                         "features=%g exceeds %g values",
                         name, v[TRAIN_ROWS], v[TEST_ROWS], v[FEATURES],
                         MAX_VALUES);
    if (!(v[SIGMA] >= 0.0))
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: sigma=%g must be at least 0", name,
                         v[SIGMA]);
    if (!(v[L2] >= 0.0))
        return ob_errorf(err, OB_EINVAL, "problem %s: l2=%g must be at least 0",
                         name, v[L2]);
    if (v[BATCH] < 0.0 || v[BATCH] > 1e9)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: batch=%g must be in [0, 1e9]", name,
                         v[BATCH]);
    if (v[DATA_SEED] < 0.0)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: data_seed=%g must be at least 0", name,
                         v[DATA_SEED]);
    return OB_OK;
}

/* Draws w*, then each row's features and noise, as the header says. */
static int linreg_generate(struct linreg_data *data, double sigma,
                           uint64_t seed, struct ob_error *err)
{
    size_t d = data->features;
    double *truth = malloc(sizeof(double) * d);
    struct ob_rng rng;

    data->x = malloc(sizeof(double) * data->rows * d);
    data->y = malloc(sizeof(double) * data->rows);
    if (truth == NULL || data->x == NULL || data->y == NULL) {
        free(truth);
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    }
    ob_rng_seed(&rng, seed);
    for (size_t j = 0; j < d; j++)
        truth[j] = ob_rng_normal(&rng);
    for (size_t i = 0; i < data->rows; i++) {
        double *row = data->x + i * d;
        double z = 0.0;

        for (size_t j = 0; j < d; j++) {
            row[j] = ob_rng_normal(&rng);
            z += row[j] * truth[j];
        }
        data->y[i] = z + sigma * ob_rng_normal(&rng);
    }
    free(truth);
    return OB_OK;
}

/* Solves the normal equations into theta (m values) with one refinement
 * step; work holds m + m * m doubles. Returns the gradient norm at theta,
 * or -1 when the Gram matrix is singular. */
static double linreg_solve(const struct ob_problem *p, double *theta,
                           double *work)
{
    size_t m = p->dim;
    double *grad = work, *l = work + m;

    linreg_gram(p->data, l, theta);
    if (cholesky_factor(l, m) != 0)
        return -1.0;
    cholesky_apply(l, theta, m);

    /* The gradient is G theta - c, so G delta = grad removes the error
     * the factorisation's rounding left. */
    linreg_eval(p, theta, grad, NULL);
    cholesky_apply(l, grad, m);
    for (size_t j = 0; j < m; j++)
        theta[j] -= grad[j];
    linreg_eval(p, theta, grad, NULL);
    return vector_norm(grad, m);
}

static int linreg_create(struct ob_problem *p,
                         const struct ob_param_values *values,
                         struct ob_error *err)
{
    const double *v = values->number;
    struct linreg_data *data;
    double *zeros, *theta, grad_norm;
    size_t m;
    int status = linreg_check(p->type->name, v, err);

    if (status != OB_OK)
        return status;
    data = calloc(1, sizeof *data);
    if (data == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    p->data = data;
    data->train_rows = (size_t)v[TRAIN_ROWS];
    data->rows = data->train_rows + (size_t)v[TEST_ROWS];
    data->features = (size_t)v[FEATURES];
    data->l2 = v[L2];
    status = linreg_generate(data, v[SIGMA], (uint64_t)v[DATA_SEED], err);
    if (status != OB_OK)
        return status;
    p->dim = data->features + 1;
    p->train_rows = data->train_rows;
    p->batch = (size_t)v[BATCH];

    /* Zeros (the start), theta, then the solver's workspace. */
    m = p->dim;
    zeros = calloc(3 * m + m * m, sizeof(double));
    if (zeros == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    theta = zeros + m;
    grad_norm = linreg_solve(p, theta, theta + m);
    if (!(grad_norm >= 0.0 && grad_norm < GRADIENT_TOLERANCE)) {
        free(zeros);
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: the normal equations are singular for "
                         "train_rows=%g, features=%g, l2=%g (gradient norm "
                         "%g; need train_rows > features or l2 > 0)",
                         p->type->name, v[TRAIN_ROWS], v[FEATURES], v[L2],
                         grad_norm);
    }
    p->minimum = linreg_eval(p, theta, NULL, NULL);
    status = ob_problem_set_points(p, zeros, theta, err);
    free(zeros);
    return status;
}

static void linreg_destroy(struct ob_problem *p)
{
    struct linreg_data *data = p->data;

    free(data->x);
    free(data->y);
    free(data);
}

const struct ob_problem_type ob_linreg_synthetic = {
    .name = "linreg-synthetic",
    .description = "least squares on generated noisy Gaussian data, 21 params",
    .params = linreg_params,
    .param_count = PARAM_COUNT,
    .create = linreg_create,
    .destroy = linreg_destroy,
    .eval = linreg_eval,
    .eval_rows = linreg_eval_rows,
    .evaluate_test = linreg_evaluate_test,
};
