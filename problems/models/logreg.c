/* L2-regularised binary logistic regression on the Breast Cancer Wisconsin
 * (Diagnostic) data (Street, Wolberg and Mangasarian 1993; UCI; the copy in
 * problems/data/breast_cancer.csv):
 *   f(w, b) = (1/n) sum_i [log(1 + exp(z_i)) - y_i z_i] + (l2/2) |w|^2,
 *   z_i = w . x_i + b
 * over the n = 456 training rows (file rows whose index is not 4 mod 5, see
 * dataset.h), with the 30 features standardised by training mean and
 * standard deviation. y_i = 1 for the header's second class ("benign"), 0
 * for its first ("malignant"). Parameters: 30 weights then the bias (dim
 * 31) on R^31; the bias is not penalised. Default start all zeros (loss
 * log 2). With l2 > 0 the loss is strictly convex with one minimiser,
 * found at create time by Newton's method (gradient norm <= 1e-13) and
 * stored; for the default l2 = 1e-3 the minimum is 0.06527710530968 (to
 * 13 digits).
 *
 * With batch = B, 0 < B < n, the harness shuffles the training rows at
 * every epoch and evaluates eval_rows on slices of B rows: the mean over
 * the slice plus the full penalty. The test split (113 rows) gives the test
 * loss (no penalty) and accuracy (class 1 when z > 0). */
#include "../problem.h"
#include "dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LOGREG_FILE      "breast_cancer.csv"
#define NEWTON_TOLERANCE 1e-13
#define NEWTON_MAX_STEPS 100

enum { L2, BATCH, PARAM_COUNT };

static const struct ob_param_spec logreg_params[PARAM_COUNT] = {
    [L2] = {"l2", OB_PARAM_REAL, 1e-3, NULL,
            "weight of the penalty (l2/2)|w|^2 on the weights, > 0"},
    [BATCH] = {"batch", OB_PARAM_INT, 0.0, NULL,
               "rows per minibatch, shuffled every epoch; 0 = full batch"},
};

struct logreg_data {
    struct ob_dataset set; /* standardised; training rows first */
    double l2;
    size_t batch; /* 0 or >= training rows: full batch */
};

/* log(1 + exp(z)) without overflow or loss of precision for large |z|. */
static double softplus(double z)
{
    return (z > 0.0 ? z : 0.0) + log1p(exp(-fabs(z)));
}

static double sigmoid(double z)
{
    double e;

    if (z >= 0.0)
        return 1.0 / (1.0 + exp(-z));
    e = exp(z);
    return e / (1.0 + e);
}

static double linear(const double *theta, const double *row, size_t d)
{
    double z = 0.0;

    for (size_t j = 0; j < d; j++)
        z += theta[j] * row[j];
    return z + theta[d];
}

/* Mean loss over `count` rows (training indices rows[k], or the rows
 * first..first+count when rows is NULL) plus the penalty when `penalised`;
 * the gradient into grad when non-NULL. */
static double logreg_loss(const struct logreg_data *data,
                          const double *theta, double *grad,
                          const size_t *rows, size_t first, size_t count,
                          int penalised)
{
    const struct ob_dataset *set = &data->set;
    size_t d = set->features;
    double loss = 0.0, penalty = 0.0;

    if (grad != NULL)
        for (size_t j = 0; j <= d; j++)
            grad[j] = 0.0;
    for (size_t k = 0; k < count; k++) {
        size_t i = rows != NULL ? rows[k] : first + k;
        const double *row = set->x + i * d;
        double y = (double)set->label[i];
        double z = linear(theta, row, d);

        loss += softplus(z) - y * z;
        if (grad != NULL) {
            double residual = sigmoid(z) - y;

            for (size_t j = 0; j < d; j++)
                grad[j] += residual * row[j];
            grad[d] += residual;
        }
    }
    loss /= (double)count;
    if (!penalised)
        return loss;

    for (size_t j = 0; j < d; j++)
        penalty += theta[j] * theta[j];
    loss += 0.5 * data->l2 * penalty;
    if (grad != NULL) {
        for (size_t j = 0; j < d; j++)
            grad[j] = grad[j] / (double)count + data->l2 * theta[j];
        grad[d] /= (double)count;
    }
    return loss;
}

static double logreg_eval(const struct ob_problem *p, const double *theta,
                          double *grad, struct ob_rng *rng)
{
    const struct logreg_data *data = p->data;

    (void)rng;
    return logreg_loss(data, theta, grad, NULL, 0, data->set.train_rows, 1);
}

static double logreg_eval_rows(const struct ob_problem *p,
                               const double *theta, double *grad,
                               const size_t *rows, size_t count)
{
    return logreg_loss(p->data, theta, grad, rows, 0, count, 1);
}

static void logreg_evaluate_test(const struct ob_problem *p,
                                 const double *theta, double *test_loss,
                                 double *test_accuracy)
{
    const struct logreg_data *data = p->data;
    const struct ob_dataset *set = &data->set;
    size_t first = set->train_rows, count = set->rows - set->train_rows;
    size_t correct = 0;

    *test_loss = logreg_loss(data, theta, NULL, NULL, first, count, 0);
    for (size_t i = first; i < set->rows; i++) {
        double z = linear(theta, set->x + i * set->features, set->features);

        correct += (z > 0.0) == (set->label[i] == 1);
    }
    *test_accuracy = (double)correct / (double)count;
}

/* Hessian of the full-batch loss at theta into h (m * m, m = d + 1). */
static void logreg_hessian(const struct logreg_data *data, const double *theta,
                           double *h)
{
    const struct ob_dataset *set = &data->set;
    size_t n = set->train_rows, d = set->features, m = d + 1;

    memset(h, 0, sizeof(double) * m * m);
    for (size_t i = 0; i < n; i++) {
        const double *row = set->x + i * d;
        double s = sigmoid(linear(theta, row, d));
        double weight = s * (1.0 - s) / (double)n;

        /* Lower triangle only; the bias acts as a feature equal to 1. */
        for (size_t a = 0; a < m; a++) {
            double weight_a = weight * (a < d ? row[a] : 1.0);

            for (size_t c = 0; c <= a; c++)
                h[a * m + c] += weight_a * (c < d ? row[c] : 1.0);
        }
    }
    for (size_t j = 0; j < d; j++)
        h[j * m + j] += data->l2;
}

/* Solves h x = b for symmetric positive definite h (lower triangle used,
 * overwritten by its Cholesky factor); b becomes x. Returns 0, or -1 when
 * h is not numerically positive definite. */
static int cholesky_solve(double *h, double *b, size_t m)
{
    for (size_t j = 0; j < m; j++) {
        double diagonal = h[j * m + j];

        for (size_t k = 0; k < j; k++)
            diagonal -= h[j * m + k] * h[j * m + k];
        if (!(diagonal > 0.0))
            return -1;
        h[j * m + j] = sqrt(diagonal);
        for (size_t i = j + 1; i < m; i++) {
            double value = h[i * m + j];

            for (size_t k = 0; k < j; k++)
                value -= h[i * m + k] * h[j * m + k];
            h[i * m + j] = value / h[j * m + j];
        }
    }
    for (size_t i = 0; i < m; i++) {
        for (size_t k = 0; k < i; k++)
            b[i] -= h[i * m + k] * b[k];
        b[i] /= h[i * m + i];
    }
    for (size_t i = m; i-- > 0;) {
        for (size_t k = i + 1; k < m; k++)
            b[i] -= h[k * m + i] * b[k];
        b[i] /= h[i * m + i];
    }
    return 0;
}

static double norm(const double *v, size_t m)
{
    double sum = 0.0;

    for (size_t j = 0; j < m; j++)
        sum += v[j] * v[j];
    return sqrt(sum);
}

/* Newton's method from theta (m values, updated in place) with
 * backtracking. A step is taken when it lowers the loss enough (Armijo), or
 * when it lowers the gradient norm without raising the loss beyond
 * rounding: near the minimiser the loss no longer changes measurably and
 * the gradient norm is all that is left to gain. Returns the final
 * gradient norm, or -1 when the Hessian is not numerically positive
 * definite. work holds 4 m + m m doubles. */
static double logreg_newton(const struct ob_problem *p, double *theta,
                            double *work)
{
    size_t m = p->dim;
    double *grad = work, *direction = work + m, *trial = work + 2 * m;
    double *trial_grad = work + 3 * m, *h = work + 4 * m;
    double loss = logreg_eval(p, theta, grad, NULL);
    double grad_norm = norm(grad, m);

    for (int step = 0; step < NEWTON_MAX_STEPS; step++) {
        double slope = 0.0, t = 1.0;
        int accepted = 0;

        if (grad_norm <= NEWTON_TOLERANCE)
            break;
        logreg_hessian(p->data, theta, h);
        memcpy(direction, grad, sizeof(double) * m);
        if (cholesky_solve(h, direction, m) != 0)
            return -1.0;
        for (size_t j = 0; j < m; j++)
            slope += grad[j] * direction[j];

        for (int halving = 0; halving < 60 && !accepted; halving++) {
            double trial_loss, trial_norm;

            for (size_t j = 0; j < m; j++)
                trial[j] = theta[j] - t * direction[j];
            trial_loss = logreg_eval(p, trial, trial_grad, NULL);
            trial_norm = norm(trial_grad, m);
            accepted = trial_loss <= loss - 1e-4 * t * slope ||
                       (trial_norm < grad_norm &&
                        trial_loss <= loss + 1e-15 * fabs(loss));
            if (accepted) {
                memcpy(theta, trial, sizeof(double) * m);
                memcpy(grad, trial_grad, sizeof(double) * m);
                loss = trial_loss;
                grad_norm = trial_norm;
            }
            t *= 0.5;
        }
        if (!accepted)
            break;
    }
    return grad_norm;
}

static int logreg_load(struct logreg_data *data, struct ob_error *err)
{
    int status = ob_dataset_load_named(&data->set, LOGREG_FILE, err);

    if (status != OB_OK)
        return status;
    if (data->set.classes != 2)
        return ob_errorf(err, OB_EDATA,
                         "%s/%s:1: logistic regression needs 2 classes, the "
                         "header names %zu",
                         ob_data_dir(), LOGREG_FILE, data->set.classes);
    status = ob_dataset_split(&data->set, err);
    if (status != OB_OK)
        return status;
    ob_dataset_standardize(&data->set);
    return OB_OK;
}

static int logreg_create(struct ob_problem *p,
                         const struct ob_param_values *values,
                         struct ob_error *err)
{
    double l2 = values->number[L2];
    double batch = values->number[BATCH];
    struct logreg_data *data;
    double *zeros, *theta, grad_norm;
    size_t m;
    int status;

    if (!(l2 > 0.0))
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: l2=%g must be positive (without it the "
                         "minimum may not exist)",
                         p->type->name, l2);
    if (batch < 0.0 || batch > 1e9)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: batch=%g must be in [0, 1e9]",
                         p->type->name, batch);
    data = calloc(1, sizeof *data);
    if (data == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    p->data = data;
    data->l2 = l2;
    data->batch = (size_t)batch;
    status = logreg_load(data, err);
    if (status != OB_OK)
        return status;
    p->dim = data->set.features + 1;
    p->train_rows = data->set.train_rows;
    p->batch = data->batch;

    /* Zeros (the start), theta, then the Newton workspace. */
    m = p->dim;
    zeros = calloc(6 * m + m * m, sizeof(double));
    if (zeros == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    theta = zeros + m;
    grad_norm = logreg_newton(p, theta, theta + m);
    if (!(grad_norm >= 0.0 && grad_norm <= NEWTON_TOLERANCE)) {
        free(zeros);
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: newton's method did not find the "
                         "minimum for l2=%g (gradient norm %g)",
                         p->type->name, l2, grad_norm);
    }
    p->minimum = logreg_eval(p, theta, NULL, NULL);
    status = ob_problem_set_points(p, zeros, theta, err);
    free(zeros);
    return status;
}

static void logreg_destroy(struct ob_problem *p)
{
    struct logreg_data *data = p->data;

    ob_dataset_free(&data->set);
    free(data);
}

const struct ob_problem_type ob_logreg_breast_cancer = {
    .name = "logreg-breast-cancer",
    .description = "L2 logistic regression, breast cancer data, 31 params",
    .params = logreg_params,
    .param_count = PARAM_COUNT,
    .create = logreg_create,
    .destroy = logreg_destroy,
    .eval = logreg_eval,
    .eval_rows = logreg_eval_rows,
    .evaluate_test = logreg_evaluate_test,
};
