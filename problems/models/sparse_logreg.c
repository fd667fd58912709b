/* L2-regularised binary logistic regression on a generated bag-of-words
 * corpus whose word frequencies follow a Zipf law: most words are rare, yet
 * the rare ones still decide labels, the setting in which Adagrad's
 * per-coordinate rates are said to pay off (Duchi, Hazan and Singer 2011).
 *   f(w, b) = (1/n) sum_i [log(1 + exp(z_i)) - y_i z_i] + (l2/2) |w|^2,
 *   z_i = sum_k c_ik w_k + b,
 * where c_ik counts the occurrences of word k in document i (counts, not
 * presence: a document is a bag of `length` word draws). Parameters: one
 * weight per word, then the bias (dim = words + 1); the bias is not
 * penalised. Default start all zeros (loss log 2).
 *
 * The data are made at create time from their own generator, seeded with
 * data_seed and never the run's stream, in this order: the hidden weights
 * w*_k ~ N(0, 1), k = 1..words (a rare word moves the score as much per
 * occurrence as a common one); then per document `length` words, word k
 * with probability p_k proportional to 1/k^zipf (one uniform each, inverse
 * distribution function), then one noise draw e_i ~ N(0, 1). The label is
 * y_i = 1 when sum_k c_ik w*_k + b* + e_i > 0, where b* = -length sum_k p_k
 * w*_k centres the expected score so both classes are common. With the
 * defaults (2000 training documents, 1000 words, 20 per document, zipf
 * 1.1, seed 1) 48% of the training labels are 1 and 23% of word draws are
 * of words ranked past 100. Those words carry 17% of the variance of the
 * true score, and replacing their part by its mean changes the true rule's
 * answer on 15% of documents, more than the 6% that label noise flips. 7
 * words never occur in the training documents; their weights are 0 at the
 * minimiser.
 *
 * Documents are stored sparsely (compressed rows: per document its distinct
 * words in increasing order and their counts), so eval costs O(nonzeros).
 * With l2 > 0 the loss is strictly convex; its minimiser is found at create
 * time by Newton's method with the steps solved by conjugate gradients on
 * Hessian-vector products (Jacobi preconditioner): for the defaults 7
 * steps and about 100 products, 9 ms, to a gradient norm of 1.4e-16. A
 * dense Cholesky factor of the 1001 x 1001 Hessian would take 0.1 s per
 * step. The minimum is 0.2435209559809 (to 13 digits).
 *
 * The training rows are the first train_rows documents; test_rows more
 * follow in the same stream, after them, so the training set depends only
 * on the other parameters and the test split is fixed by them too. With
 * batch = B, 0 < B < train_rows, the harness shuffles the training rows at
 * every epoch and evaluates eval_rows on slices of B documents: the mean
 * over the slice plus the full penalty. The test split gives the test loss
 * (no penalty) and accuracy (label 1 when z > 0). With the defaults (500
 * test documents) the minimiser has test loss 0.293 and accuracy 86.6%;
 * zeroing its weights of the words ranked past 100 drops that to 83.8%,
 * so the rare words matter on unseen documents too. */
#include "../problem.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NEWTON_TOLERANCE 1e-13
#define NEWTON_STALLED   1e-12
#define NEWTON_ACCEPTED  1e-10
#define NEWTON_MAX_STEPS 100
#define CG_MAX_STEPS     1000
#define MAX_DOCS         1e6
#define MAX_WORDS        1e6
#define MAX_LENGTH       1e4
#define MAX_TOKENS       1e7
/* pow(1e6, -20) = 1e-120: every word keeps a positive probability. */
#define MAX_ZIPF 20.0

enum {
    TRAIN_ROWS,
    TEST_ROWS,
    WORDS,
    LENGTH,
    ZIPF,
    L2,
    BATCH,
    DATA_SEED,
    PARAM_COUNT
};

static const struct ob_param_spec sparse_logreg_params[PARAM_COUNT] = {
    [TRAIN_ROWS] = {"train_rows", OB_PARAM_INT, 2000.0, NULL,
                    "training documents (one epoch), in [1, 1e6]"},
    [TEST_ROWS] = {"test_rows", OB_PARAM_INT, 500.0, NULL,
                   "test documents, in [1, 1e6]"},
    [WORDS] = {"words", OB_PARAM_INT, 1000.0, NULL,
               "vocabulary size, in [1, 1e6]; dim = words + 1"},
    [LENGTH] = {"length", OB_PARAM_INT, 20.0, NULL,
                "word draws per document, in [1, 1e4]; (train_rows + "
                "test_rows) * length <= 1e7"},
    [ZIPF] = {"zipf", OB_PARAM_REAL, 1.1, NULL,
              "exponent s in (0, 20]: word k drawn with probability ~ 1/k^s"},
    [L2] = {"l2", OB_PARAM_REAL, 1e-3, NULL,
            "weight of the penalty (l2/2)|w|^2 on the weights, > 0"},
    [BATCH] = {"batch", OB_PARAM_INT, 0.0, NULL,
               "documents per minibatch, shuffled every epoch; 0 = full "
               "batch"},
    [DATA_SEED] = {"data_seed", OB_PARAM_INT, 1.0, NULL,
                   "seed of the data generator (not the run's stream), >= 0"},
};

struct sparse_logreg_data {
    size_t train_rows; /* the first train_rows documents; then test */
    size_t rows;       /* all documents */
    size_t words;
    size_t *row_start;    /* rows + 1 offsets into word and count */
    size_t *word;         /* distinct words of each document, increasing */
    double *count;        /* their occurrence counts */
    unsigned char *label; /* rows labels, 0 or 1 */
    double l2;
};

/* log(1 + exp(z)) and, when wanted, the sigmoid 1 / (1 + exp(-z)), both
 * from one exp(-|z|): exact for large |z| in either direction. */
static double softplus(double z, double *sigmoid)
{
    double e = exp(-fabs(z));

    if (sigmoid != NULL)
        *sigmoid = z >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    return fmax(z, 0.0) + log1p(e);
}

/* z_i: the document's sparse row against the weights, then the bias. */
static double score(const struct sparse_logreg_data *data, const double *theta,
                    size_t i)
{
    double z = 0.0;

    for (size_t e = data->row_start[i]; e < data->row_start[i + 1]; e++)
        z += data->count[e] * theta[data->word[e]];
    return z + theta[data->words];
}

/* Mean loss over `count` documents (indices rows[k], or first..first+count
 * when rows is NULL) plus the penalty when `penalised`; the gradient into
 * grad when non-NULL. */
static double sparse_loss(const struct sparse_logreg_data *data,
                          const double *theta, double *grad, const size_t *rows,
                          size_t first, size_t count, int penalised)
{
    size_t m = data->words;
    double loss = 0.0, penalty = 0.0;

    if (grad != NULL)
        memset(grad, 0, sizeof(double) * (m + 1));
    for (size_t k = 0; k < count; k++) {
        size_t i = rows != NULL ? rows[k] : first + k;
        double y = (double)data->label[i];
        double z = score(data, theta, i), s;

        loss += softplus(z, grad != NULL ? &s : NULL) - y * z;
        if (grad != NULL) {
            double residual = s - y;

            for (size_t e = data->row_start[i]; e < data->row_start[i + 1]; e++)
                grad[data->word[e]] += residual * data->count[e];
            grad[m] += residual;
        }
    }
    loss /= (double)count;
    if (!penalised)
        return loss;

    for (size_t j = 0; j < m; j++)
        penalty += theta[j] * theta[j];
    loss += 0.5 * data->l2 * penalty;
    if (grad != NULL) {
        for (size_t j = 0; j < m; j++)
            grad[j] = grad[j] / (double)count + data->l2 * theta[j];
        grad[m] /= (double)count;
    }
    return loss;
}

static double sparse_logreg_eval(const struct ob_problem *p,
                                 const double *theta, double *grad,
                                 struct ob_rng *rng)
{
    const struct sparse_logreg_data *data = p->data;

    (void)rng;
    return sparse_loss(data, theta, grad, NULL, 0, data->train_rows, 1);
}

static double sparse_logreg_eval_rows(const struct ob_problem *p,
                                      const double *theta, double *grad,
                                      const size_t *rows, size_t count)
{
    return sparse_loss(p->data, theta, grad, rows, 0, count, 1);
}

static void sparse_logreg_evaluate_test(const struct ob_problem *p,
                                        const double *theta, double *test_loss,
                                        double *test_accuracy)
{
    const struct sparse_logreg_data *data = p->data;
    size_t first = data->train_rows, count = data->rows - data->train_rows;
    size_t correct = 0;

    *test_loss = sparse_loss(data, theta, NULL, NULL, first, count, 0);
    for (size_t i = first; i < data->rows; i++)
        correct += (score(data, theta, i) > 0.0) == (data->label[i] == 1);
    *test_accuracy = (double)correct / (double)count;
}

/* ---- the data ---- */

/* Word index (0-based) whose cumulative probability first exceeds u, for u
 * in [0, 1); cdf is increasing with cdf[words - 1] = 1. */
static size_t draw_word(const double *cdf, size_t words, double u)
{
    size_t low = 0, high = words - 1;

    while (low < high) {
        size_t middle = low + (high - low) / 2;

        if (cdf[middle] > u)
            high = middle;
        else
            low = middle + 1;
    }
    return low;
}

static int compare_sizes(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;

    return (x > y) - (x < y);
}

/* Fills data's rows and labels as the file header describes. cdf, hidden
 * and tokens are scratch of words, words and length values. */
static void generate(struct sparse_logreg_data *data, size_t length,
                     double zipf, uint64_t seed, double *cdf, double *hidden,
                     size_t *tokens)
{
    size_t m = data->words, entries = 0;
    double total = 0.0, centre = 0.0;
    struct ob_rng rng;

    /* Zipf weights, summed from the smallest for accuracy, then the
     * distribution function and the expected score of one draw. */
    for (size_t k = 0; k < m; k++)
        cdf[k] = pow((double)(k + 1), -zipf);
    for (size_t k = m; k-- > 0;)
        total += cdf[k];
    ob_rng_seed(&rng, seed);
    for (size_t k = 0; k < m; k++)
        hidden[k] = ob_rng_normal(&rng);
    for (size_t k = 0; k < m; k++) {
        double probability = cdf[k] / total;

        cdf[k] = (k > 0 ? cdf[k - 1] : 0.0) + probability;
        centre += probability * hidden[k];
    }
    cdf[m - 1] = 1.0;
    centre *= (double)length;

    for (size_t i = 0; i < data->rows; i++) {
        double z = -centre;

        for (size_t t = 0; t < length; t++) {
            tokens[t] = draw_word(cdf, m, ob_rng_uniform(&rng));
            z += hidden[tokens[t]];
        }
        data->label[i] = z + ob_rng_normal(&rng) > 0.0;

        /* Sorted draws collapse into (word, count) entries. */
        qsort(tokens, length, sizeof *tokens, compare_sizes);
        data->row_start[i] = entries;
        for (size_t t = 0; t < length; t++) {
            if (t > 0 && tokens[t] == tokens[t - 1]) {
                data->count[entries - 1] += 1.0;
                continue;
            }
            data->word[entries] = tokens[t];
            data->count[entries] = 1.0;
            entries++;
        }
    }
    data->row_start[data->rows] = entries;
}

/* ---- the minimum ---- */

static double dot(const double *a, const double *b, size_t m)
{
    double sum = 0.0;

    for (size_t j = 0; j < m; j++)
        sum += a[j] * b[j];
    return sum;
}

/* out = H v for the full-batch Hessian H whose data part has per-document
 * weights curvature[i] = s_i (1 - s_i) / n; m = words + 1 values. */
static void hessian_times(const struct sparse_logreg_data *data,
                          const double *curvature, const double *v, double *out)
{
    size_t m = data->words;

    memset(out, 0, sizeof(double) * (m + 1));
    for (size_t i = 0; i < data->train_rows; i++) {
        double along = score(data, v, i) * curvature[i];

        for (size_t e = data->row_start[i]; e < data->row_start[i + 1]; e++)
            out[data->word[e]] += along * data->count[e];
        out[m] += along;
    }
    for (size_t j = 0; j < m; j++)
        out[j] += data->l2 * v[j];
}

struct newton_work {
    double *grad, *direction, *trial, *trial_grad;
    double *residual, *preconditioned, *search, *product, *inverse_diagonal;
    double *curvature; /* train_rows values */
};

/* Approximately solves H d = g by preconditioned conjugate gradients from
 * d = 0, until |H d - g| <= forcing |g| or CG_MAX_STEPS products. */
static void newton_direction(const struct sparse_logreg_data *data,
                             struct newton_work *w, double grad_norm,
                             double forcing)
{
    size_t m = data->words + 1;
    double rz;

    memset(w->direction, 0, sizeof(double) * m);
    memcpy(w->residual, w->grad, sizeof(double) * m);
    for (size_t j = 0; j < m; j++)
        w->search[j] = w->preconditioned[j] =
            w->residual[j] * w->inverse_diagonal[j];
    rz = dot(w->residual, w->preconditioned, m);
    for (int step = 0; step < CG_MAX_STEPS; step++) {
        double alpha, next_rz;

        hessian_times(data, w->curvature, w->search, w->product);
        alpha = rz / dot(w->search, w->product, m);
        for (size_t j = 0; j < m; j++) {
            w->direction[j] += alpha * w->search[j];
            w->residual[j] -= alpha * w->product[j];
        }
        if (sqrt(dot(w->residual, w->residual, m)) <= forcing * grad_norm)
            break;
        for (size_t j = 0; j < m; j++)
            w->preconditioned[j] = w->residual[j] * w->inverse_diagonal[j];
        next_rz = dot(w->residual, w->preconditioned, m);
        for (size_t j = 0; j < m; j++)
            w->search[j] = w->preconditioned[j] + next_rz / rz * w->search[j];
        rz = next_rz;
    }
}

/* Curvature weights and the inverse Hessian diagonal at theta. */
static void newton_curvature(const struct sparse_logreg_data *data,
                             const double *theta, struct newton_work *w)
{
    size_t m = data->words;

    for (size_t j = 0; j <= m; j++)
        w->inverse_diagonal[j] = j < m ? data->l2 : 0.0;
    for (size_t i = 0; i < data->train_rows; i++) {
        double s, weight;

        softplus(score(data, theta, i), &s);
        weight = s * (1.0 - s) / (double)data->train_rows;
        w->curvature[i] = weight;
        for (size_t e = data->row_start[i]; e < data->row_start[i + 1]; e++)
            w->inverse_diagonal[data->word[e]] +=
                weight * data->count[e] * data->count[e];
        w->inverse_diagonal[m] += weight;
    }
    for (size_t j = 0; j <= m; j++)
        w->inverse_diagonal[j] = 1.0 / w->inverse_diagonal[j];
}

/* Newton's method from theta (updated in place) with backtracking, each
 * step solved by conjugate gradients to a relative residual of
 * min(0.1, |g|): far from the minimiser a rough direction is enough, near
 * it the forcing term gives the quadratic convergence of exact Newton. A
 * step is taken when it lowers the loss enough (Armijo), or when it lowers
 * the gradient norm without raising the loss beyond rounding: near the
 * minimiser the loss no longer changes measurably. Stops at a gradient norm
 * of NEWTON_TOLERANCE, or below NEWTON_STALLED once a step no longer halves
 * it: the rounding floor of the gradient, which grows with the data (about
 * 1e-13 for 20000 documents). Returns the final gradient norm. */
static double newton(const struct ob_problem *p, double *theta,
                     struct newton_work *w)
{
    const struct sparse_logreg_data *data = p->data;
    size_t m = p->dim;
    double loss = sparse_logreg_eval(p, theta, w->grad, NULL);
    double grad_norm = sqrt(dot(w->grad, w->grad, m));

    for (int step = 0; step < NEWTON_MAX_STEPS; step++) {
        double slope, t = 1.0;
        int accepted = 0, stalled = 0;

        if (grad_norm <= NEWTON_TOLERANCE)
            break;
        newton_curvature(data, theta, w);
        newton_direction(data, w, grad_norm, fmin(0.1, grad_norm));
        slope = dot(w->grad, w->direction, m);

        for (int halving = 0; halving < 60 && !accepted; halving++) {
            double trial_loss, trial_norm;

            for (size_t j = 0; j < m; j++)
                w->trial[j] = theta[j] - t * w->direction[j];
            trial_loss = sparse_logreg_eval(p, w->trial, w->trial_grad, NULL);
            trial_norm = sqrt(dot(w->trial_grad, w->trial_grad, m));
            accepted = trial_loss <= loss - 1e-4 * t * slope ||
                       (trial_norm < grad_norm &&
                        trial_loss <= loss + 1e-15 * fabs(loss));
            if (accepted) {
                memcpy(theta, w->trial, sizeof(double) * m);
                memcpy(w->grad, w->trial_grad, sizeof(double) * m);
                loss = trial_loss;
                stalled = trial_norm <= NEWTON_STALLED &&
                          trial_norm > 0.5 * grad_norm;
                grad_norm = trial_norm;
            }
            t *= 0.5;
        }
        if (!accepted || stalled)
            break;
    }
    return grad_norm;
}

/* ---- create and destroy ---- */

static int check_values(const struct ob_problem *p,
                        const struct ob_param_values *values,
                        struct ob_error *err)
{
    const char *name = p->type->name;
    const double *v = values->number;

    if (v[TRAIN_ROWS] < 1.0 || v[TRAIN_ROWS] > MAX_DOCS)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: train_rows=%g must be in [1, %g]", name,
                         v[TRAIN_ROWS], MAX_DOCS);
    if (v[TEST_ROWS] < 1.0 || v[TEST_ROWS] > MAX_DOCS)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: test_rows=%g must be in [1, %g]", name,
                         v[TEST_ROWS], MAX_DOCS);
    if (v[WORDS] < 1.0 || v[WORDS] > MAX_WORDS)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: words=%g must be in [1, %g]", name,
                         v[WORDS], MAX_WORDS);
    if (v[LENGTH] < 1.0 || v[LENGTH] > MAX_LENGTH)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: length=%g must be in [1, %g]", name,
                         v[LENGTH], MAX_LENGTH);
    if ((v[TRAIN_ROWS] + v[TEST_ROWS]) * v[LENGTH] > MAX_TOKENS)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: train_rows=%g plus test_rows=%g times "
                         "length=%g exceeds %g word draws",
                         name, v[TRAIN_ROWS], v[TEST_ROWS], v[LENGTH],
                         MAX_TOKENS);
    if (!(v[ZIPF] > 0.0 && v[ZIPF] <= MAX_ZIPF))
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: zipf=%g must be in (0, %g]", name,
                         v[ZIPF], MAX_ZIPF);
    if (!(v[L2] > 0.0))
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: l2=%g must be positive (without it the "
                         "minimum may not exist)",
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

/* Allocates the rows and labels and generates them. */
static int make_data(struct sparse_logreg_data *data,
                     const struct ob_param_values *values, struct ob_error *err)
{
    size_t length = (size_t)values->number[LENGTH];
    size_t tokens = data->rows * length;
    double *cdf = malloc(sizeof(double) * 2 * data->words);
    size_t *draws = malloc(sizeof(size_t) * length);
    int status = OB_OK;

    data->row_start = malloc(sizeof(size_t) * (data->rows + 1));
    data->word = malloc(sizeof(size_t) * tokens);
    data->count = malloc(sizeof(double) * tokens);
    data->label = malloc(data->rows);
    if (data->row_start == NULL || data->word == NULL || data->count == NULL ||
        data->label == NULL || cdf == NULL || draws == NULL)
        status = ob_errorf(err, OB_ENOMEM, "out of memory");
    else
        generate(data, length, values->number[ZIPF],
                 (uint64_t)values->number[DATA_SEED], cdf, cdf + data->words,
                 draws);
    free(cdf);
    free(draws);
    return status;
}

/* Runs Newton's method from zeros and stores the start and minimiser. */
static int find_minimum(struct ob_problem *p, struct ob_error *err)
{
    const struct sparse_logreg_data *data = p->data;
    size_t m = p->dim;
    struct newton_work w;
    double *block, *zeros, *theta, grad_norm;
    int status;

    block = calloc(11 * m + data->train_rows, sizeof(double));
    if (block == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    zeros = block;
    theta = block + m;
    w.grad = block + 2 * m;
    w.direction = block + 3 * m;
    w.trial = block + 4 * m;
    w.trial_grad = block + 5 * m;
    w.residual = block + 6 * m;
    w.preconditioned = block + 7 * m;
    w.search = block + 8 * m;
    w.product = block + 9 * m;
    w.inverse_diagonal = block + 10 * m;
    w.curvature = block + 11 * m;

    grad_norm = newton(p, theta, &w);
    if (!(grad_norm <= NEWTON_ACCEPTED)) {
        free(block);
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: newton's method did not find the "
                         "minimum for l2=%g (gradient norm %g)",
                         p->type->name, data->l2, grad_norm);
    }
    p->minimum = sparse_logreg_eval(p, theta, NULL, NULL);
    status = ob_problem_set_points(p, zeros, theta, err);
    free(block);
    return status;
}

static int sparse_logreg_create(struct ob_problem *p,
                                const struct ob_param_values *values,
                                struct ob_error *err)
{
    struct sparse_logreg_data *data;
    int status = check_values(p, values, err);

    if (status != OB_OK)
        return status;
    data = calloc(1, sizeof *data);
    if (data == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    p->data = data;
    data->train_rows = (size_t)values->number[TRAIN_ROWS];
    data->rows = data->train_rows + (size_t)values->number[TEST_ROWS];
    data->words = (size_t)values->number[WORDS];
    data->l2 = values->number[L2];
    status = make_data(data, values, err);
    if (status != OB_OK)
        return status;

    p->dim = data->words + 1;
    p->train_rows = data->train_rows;
    p->batch = (size_t)values->number[BATCH];
    return find_minimum(p, err);
}

static void sparse_logreg_destroy(struct ob_problem *p)
{
    struct sparse_logreg_data *data = p->data;

    free(data->row_start);
    free(data->word);
    free(data->count);
    free(data->label);
    free(data);
}

const struct ob_problem_type ob_sparse_logreg = {
    .name = "sparse-logreg",
    .description = "L2 logistic regression, generated Zipf bag of words, "
                   "words+1 params",
    .params = sparse_logreg_params,
    .param_count = PARAM_COUNT,
    .create = sparse_logreg_create,
    .destroy = sparse_logreg_destroy,
    .eval = sparse_logreg_eval,
    .eval_rows = sparse_logreg_eval_rows,
    .evaluate_test = sparse_logreg_evaluate_test,
};
