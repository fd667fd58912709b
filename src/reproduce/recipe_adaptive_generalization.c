/* Adaptive methods generalise worse on a constructed least-squares
 * problem, after Wilson, Roelofs, Stern, Srebro and Recht, "The marginal
 * value of adaptive gradient methods in machine learning", NeurIPS 2017,
 * sec. 3.3. Each example i has label y_i = 1 with probability p, else -1,
 * and features
 *   x_i1 = y_i,  x_i2 = x_i3 = 1,
 *   a block of its own: 1 feature set to 1 when y_i = 1, 5 when y_i = -1,
 * all other features 0; the blocks of different examples never overlap.
 * Gradient descent from 0 on 0.5 |X w - y|^2 converges to the minimum-norm
 * solution, which classifies new points correctly; Adagrad, RMSProp and
 * Adam from 0 stay on the ray through sign(X^T y), which predicts +1 for
 * every new point, so their test error is the share of negatives, 1 - p. */
#include "recipe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define P_POSITIVE  0.7
#define TRAIN       100
#define TEST        2000
#define BLOCK       5           /* features reserved per example */
#define DIM         (6 * TRAIN) /* the paper's d = 6n >= 3 + 5n */
#define STEPS       5000
#define TRACE_EVERY 25
#define SEED        20170000u

/* The data: labels and where each training example's block starts. Test
 * examples have blocks of their own beyond every training feature, so
 * their only features a model has weights for are the first three. */
struct wilson {
    double y[TRAIN];
    double test_y[TEST];
    size_t block[TRAIN]; /* first feature of example i's block */
};

static size_t block_length(double y)
{
    return y > 0.0 ? 1 : BLOCK;
}

static int generate(struct wilson *w, struct ob_error *err)
{
    struct ob_rng rng;
    double sum = 0.0;

    ob_rng_seed(&rng, SEED);
    for (size_t i = 0; i < TRAIN; i++) {
        w->y[i] = ob_rng_uniform(&rng) < P_POSITIVE ? 1.0 : -1.0;
        w->block[i] = 3 + BLOCK * i;
        sum += w->y[i];
    }
    for (size_t i = 0; i < TEST; i++)
        w->test_y[i] = ob_rng_uniform(&rng) < P_POSITIVE ? 1.0 : -1.0;
    /* The construction needs more positives than negatives in training,
     * so that sign(X^T y) puts +1 on the two constant features. */
    if (sum <= 0.0)
        return ob_errorf(err, OB_EINVAL,
                         "wilson data: the training draw "
                         "has no majority of positives");
    return OB_OK;
}

/* (X w)_i for training example i. */
static double predict(const struct wilson *w, size_t i, const double *x)
{
    double sum = w->y[i] * x[0] + x[1] + x[2];

    for (size_t k = 0; k < block_length(w->y[i]); k++)
        sum += x[w->block[i] + k];
    return sum;
}

/* Loss 0.5 |X x - y|^2 and its gradient X^T (X x - y). */
static double loss_and_gradient(const struct wilson *w, const double *x,
                                double *g)
{
    double loss = 0.0;

    memset(g, 0, sizeof(double) * DIM);
    for (size_t i = 0; i < TRAIN; i++) {
        double r = predict(w, i, x) - w->y[i];

        loss += 0.5 * r * r;
        g[0] += r * w->y[i];
        g[1] += r;
        g[2] += r;
        for (size_t k = 0; k < block_length(w->y[i]); k++)
            g[w->block[i] + k] += r;
    }
    return loss;
}

/* Share of test points misclassified: a test point's prediction is
 * y x_1 + x_2 + x_3, its own block having weight 0 under every method
 * started at 0 (no training gradient touches it). Ties count as errors. */
static double test_error(const struct wilson *w, const double *x)
{
    size_t wrong = 0;

    for (size_t i = 0; i < TEST; i++) {
        double score = w->test_y[i] * x[0] + x[1] + x[2];

        if (!(score * w->test_y[i] > 0.0))
            wrong++;
    }
    return (double)wrong / TEST;
}

static double cosine(const double *a, const double *b, size_t n)
{
    double ab = 0.0, aa = 0.0, bb = 0.0;

    for (size_t i = 0; i < n; i++) {
        ab += a[i] * b[i];
        aa += a[i] * a[i];
        bb += b[i] * b[i];
    }
    return ab / sqrt(aa * bb);
}

/* The minimum-norm interpolant X^T (X X^T)^-1 y, by Cholesky on the
 * TRAIN x TRAIN Gram matrix (positive definite: every block is private). */
static int minimum_norm(const struct wilson *w, double *x, struct ob_error *err)
{
    double *gram = malloc(sizeof(double) * (TRAIN * TRAIN + TRAIN));
    double *alpha;
    double *row = calloc(DIM, sizeof(double));

    if (gram == NULL || row == NULL) {
        free(gram);
        free(row);
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    }
    alpha = gram + TRAIN * TRAIN;
    for (size_t i = 0; i < TRAIN; i++)
        for (size_t j = 0; j < TRAIN; j++) {
            /* Row i of X as a vector, then its product with row j. */
            memset(row, 0, sizeof(double) * DIM);
            row[0] = w->y[j];
            row[1] = row[2] = 1.0;
            for (size_t k = 0; k < block_length(w->y[j]); k++)
                row[w->block[j] + k] = 1.0;
            gram[i * TRAIN + j] = predict(w, i, row);
        }
    for (size_t j = 0; j < TRAIN; j++) {
        double d = gram[j * TRAIN + j];

        for (size_t k = 0; k < j; k++)
            d -= gram[j * TRAIN + k] * gram[j * TRAIN + k];
        d = sqrt(d);
        gram[j * TRAIN + j] = d;
        for (size_t i = j + 1; i < TRAIN; i++) {
            double s = gram[i * TRAIN + j];

            for (size_t k = 0; k < j; k++)
                s -= gram[i * TRAIN + k] * gram[j * TRAIN + k];
            gram[i * TRAIN + j] = s / d;
        }
    }
    for (size_t i = 0; i < TRAIN; i++) {
        double s = w->y[i];

        for (size_t k = 0; k < i; k++)
            s -= gram[i * TRAIN + k] * alpha[k];
        alpha[i] = s / gram[i * TRAIN + i];
    }
    for (size_t i = TRAIN; i-- > 0;) {
        double s = alpha[i];

        for (size_t k = i + 1; k < TRAIN; k++)
            s -= gram[k * TRAIN + i] * alpha[k];
        alpha[i] = s / gram[i * TRAIN + i];
    }
    memset(x, 0, sizeof(double) * DIM);
    for (size_t i = 0; i < TRAIN; i++) {
        x[0] += alpha[i] * w->y[i];
        x[1] += alpha[i];
        x[2] += alpha[i];
        for (size_t k = 0; k < block_length(w->y[i]); k++)
            x[w->block[i] + k] += alpha[i];
    }
    free(gram);
    free(row);
    return OB_OK;
}

/* 2 / lambda_max(X X^T). X X^T = diag(1 or 5) + y y^T + 2 1 1^T; its
 * top eigenvector lies in the span of the indicators of the positive and
 * negative examples, on which it acts as [[1 + 3 n+, n-], [n+, 5 + 3 n-]]
 * (n+ and n- the counts). */
static double stability_limit(const struct wilson *w)
{
    double np = 0.0, nm = 0.0, a, d, b, c, mean, root;

    for (size_t i = 0; i < TRAIN; i++) {
        np += w->y[i] > 0.0;
        nm += w->y[i] < 0.0;
    }
    a = 1.0 + 3.0 * np;
    b = nm;
    c = np;
    d = 5.0 + 3.0 * nm;
    mean = 0.5 * (a + d);
    root = sqrt(0.25 * (a - d) * (a - d) + b * c);
    return 2.0 / (mean + root);
}

struct method {
    const char *label;
    const char *type;
    const char *lr;
    int adaptive;
};

/* Learning rates: GD below 2 / lambda_max(X X^T) (stability_limit); the
 * adaptive ones at values where they settle within the budget. */
static const struct method methods[] = {
    {"gd", "sgd", "0.006", 0},
    {"adagrad", "adagrad", "0.1", 1},
    {"rmsprop", "rmsprop", "0.001", 1},
    {"adam", "adam", "0.001", 1},
};
#define METHOD_COUNT (sizeof methods / sizeof methods[0])
#define ROWS         (STEPS / TRACE_EVERY + 1)

struct outcome {
    double loss[ROWS], error[ROWS], cos_sign[ROWS], cos_min[ROWS];
    double final_x_distance; /* |x - minimum-norm| / |minimum-norm| */
};

static int run_method(const struct wilson *w, const struct method *m,
                      const double *sign, const double *min_norm,
                      struct outcome *out, struct ob_error *err)
{
    struct ob_setting settings[1] = {{"lr", m->lr}};
    struct ob_optimizer opt;
    double *x = calloc(2 * DIM, sizeof(double)), *g;
    double diff = 0.0, norm = 0.0;
    int status;

    if (x == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    g = x + DIM;
    status = ob_optimizer_create(&opt, ob_optimizer_find(m->type), settings, 1,
                                 DIM, err);
    if (status != OB_OK) {
        free(x);
        return status;
    }
    for (size_t t = 0; t <= STEPS; t++) {
        double loss = loss_and_gradient(w, x, g);

        if (t % TRACE_EVERY == 0) {
            size_t row = t / TRACE_EVERY;

            out->loss[row] = loss;
            out->error[row] = test_error(w, x);
            out->cos_sign[row] = t == 0 ? NAN : cosine(x, sign, DIM);
            out->cos_min[row] = t == 0 ? NAN : cosine(x, min_norm, DIM);
        }
        if (t < STEPS)
            ob_optimizer_step(&opt, x, g);
    }
    for (size_t i = 0; i < DIM; i++) {
        diff += (x[i] - min_norm[i]) * (x[i] - min_norm[i]);
        norm += min_norm[i] * min_norm[i];
    }
    out->final_x_distance = sqrt(diff / norm);
    ob_optimizer_destroy(&opt);
    free(x);
    return OB_OK;
}

static int write_results(const struct ob_recipe_context *ctx,
                         const struct outcome *outcomes, struct ob_error *err)
{
    struct ob_atomic_file file;
    char path[4096];
    int status = ob_recipe_csv_open(ctx, "traces.csv",
                                    "method,step,train_loss,test_error,"
                                    "cosine_sign_xty,cosine_min_norm",
                                    &file, err);

    if (status != OB_OK)
        return status;
    for (size_t m = 0; m < METHOD_COUNT; m++)
        for (size_t r = 0; r < ROWS; r++) {
            const struct outcome *o = &outcomes[m];

            fprintf(file.stream, "%s,%zu,", methods[m].label, r * TRACE_EVERY);
            ob_write_double(file.stream, o->loss[r]);
            fputc(',', file.stream);
            ob_write_double(file.stream, o->error[r]);
            fputc(',', file.stream);
            if (r > 0)
                ob_write_double(file.stream, o->cos_sign[r]);
            fputc(',', file.stream);
            if (r > 0)
                ob_write_double(file.stream, o->cos_min[r]);
            fputc('\n', file.stream);
        }
    status = ob_atomic_commit(&file, err);
    if (status == OB_OK)
        status = ob_path_join(path, sizeof path, ctx->dir, "chart.dat", err);
    if (status == OB_OK)
        status = ob_atomic_open(&file, path, err);
    if (status != OB_OK)
        return status;
    for (size_t m = 0; m < METHOD_COUNT; m++) {
        fprintf(file.stream,
                "# %s: step train_loss test_error cos_sign "
                "cos_min_norm\n",
                methods[m].label);
        for (size_t r = 1; r < ROWS; r++)
            fprintf(file.stream, "%zu %.9g %.9g %.9g %.9g\n", r * TRACE_EVERY,
                    outcomes[m].loss[r], outcomes[m].error[r],
                    outcomes[m].cos_sign[r], outcomes[m].cos_min[r]);
        fputs("\n\n", file.stream);
    }
    return ob_atomic_commit(&file, err);
}

static int draw(const struct ob_recipe_context *ctx,
                struct ob_recipe_verdict *verdict, struct ob_error *err)
{
    static const char *const titles[] = {"GD", "Adagrad", "RMSProp", "Adam"};
    /* The adaptive methods coincide in the last two panels: nested widths
     * keep each one visible. */
    static const int widths[] = {2, 7, 4, 2};
    struct ob_recipe_chart chart;
    int status = ob_recipe_chart_begin(&chart, "adaptive_generalization", 1500,
                                       460, err);
    FILE *f;

    if (status != OB_OK)
        return status;
    f = chart.body;
    fputs("set multiplot layout 1,3\nset grid\nset logscale x\n"
          "set xlabel 'iteration'\n",
          f);
    fputs("set title 'Training loss 0.5 |Xw - y|^2'\nset logscale y\n"
          "set ylabel 'loss'\nset key top right\nplot ",
          f);
    for (size_t m = 0; m < METHOD_COUNT; m++)
        fprintf(f, "%s'chart.dat' index %zu u 1:2 w l lw %d lc %zu t '%s'",
                m ? ", " : "", m, widths[m], m + 1, titles[m]);
    fprintf(f,
            "\nunset logscale y\nset yrange [-0.02:0.5]\n"
            "set title 'Test error (%d new points)'\nset ylabel 'error'\n"
            "set key center right\nplot ",
            TEST);
    for (size_t m = 0; m < METHOD_COUNT; m++)
        fprintf(f, "%s'chart.dat' index %zu u 1:3 w l lw %d lc %zu t '%s'",
                m ? ", " : "", m, widths[m], m + 1, titles[m]);
    fprintf(f, ", %.6g w l lc 0 dt 2 t '1 - p', 0 w l lc 0 dt 3 notitle\n",
            1.0 - P_POSITIVE);
    fputs("set yrange [0:1.05]\nset title 'Cosine of w with sign(X^T y) "
          "(solid), with w_{min norm} (dashed)'\nset ylabel 'cosine'\n"
          "set key center right\nplot ",
          f);
    for (size_t m = 0; m < METHOD_COUNT; m++)
        fprintf(f,
                "%s'chart.dat' index %zu u 1:4 w l lw %d lc %zu t '%s', "
                "'' index %zu u 1:5 w l lw %d dt 2 lc %zu notitle",
                m ? ", " : "", m, widths[m], m + 1, titles[m], m, widths[m],
                m + 1);
    fputs("\nunset multiplot\n", f);
    return ob_recipe_chart_finish(&chart, ctx, verdict, err);
}

static int wilson_run(const struct ob_recipe_context *ctx,
                      struct ob_recipe_verdict *verdict, struct ob_error *err)
{
    struct wilson *w = malloc(sizeof *w);
    struct outcome *outcomes = malloc(sizeof *outcomes * METHOD_COUNT);
    double *sign = calloc(3 * DIM, sizeof(double)), *min_norm, *g;
    double negatives = 0.0, tolerance;
    char text[OB_CHECK_TEXT];
    int status;

    /* A second in all, so --fast runs the full version. */
    if (w == NULL || outcomes == NULL || sign == NULL) {
        free(w);
        free(outcomes);
        free(sign);
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    }
    min_norm = sign + DIM;
    g = min_norm + DIM;
    status = generate(w, err);
    if (status == OB_OK)
        status = minimum_norm(w, min_norm, err);
    if (status == OB_OK) {
        /* sign(X^T y) = -sign of the gradient at 0. */
        loss_and_gradient(w, sign, g);
        for (size_t i = 0; i < DIM; i++)
            sign[i] = g[i] < 0.0 ? 1.0 : g[i] > 0.0 ? -1.0 : 0.0;
        for (size_t i = 0; i < TEST; i++)
            negatives += w->test_y[i] < 0.0;
        negatives /= TEST;
    }
    for (size_t m = 0; m < METHOD_COUNT && status == OB_OK; m++)
        status = run_method(w, &methods[m], sign, min_norm, &outcomes[m], err);
    if (status == OB_OK)
        status = write_results(ctx, outcomes, err);
    if (status == OB_OK)
        status = draw(ctx, verdict, err);
    if (status != OB_OK)
        goto done;

    ob_verdict_note(verdict,
                    "Setup: n = %d training points, d = 6n = %d features, "
                    "p = %g, %d test points with blocks of their own; "
                    "%d full-batch steps from w = 0 of torch's SGD "
                    "(gradient descent, lr %s), Adagrad (lr %s), RMSProp "
                    "(lr %s, alpha 0.99) and Adam (lr %s, betas 0.9, "
                    "0.999). Negatives make up %.4g of the test set.",
                    TRAIN, DIM, P_POSITIVE, TEST, STEPS, methods[0].lr,
                    methods[1].lr, methods[2].lr, methods[3].lr, negatives);
    ob_verdict_note(verdict,
                    "Gradient descent's lr %s is below 2 / lambda_max(X "
                    "X^T) = %.4g, the largest stable step.",
                    methods[0].lr, stability_limit(w));
    ob_verdict_check(verdict,
                     "gd: distance to the minimum-norm solution, relative "
                     "(paper: GD converges to it)",
                     outcomes[0].final_x_distance, 0.0, 1e-3, OB_CHECK_AT_MOST,
                     "gradient descent from 0 stays in the row space of X "
                     "and converges linearly; 1e-3 is loose for the budget "
                     "yet far below the adaptive methods' distance");
    ob_verdict_check(verdict, "gd: test error (paper: 0)",
                     outcomes[0].error[ROWS - 1], 0.0, 0.0, OB_CHECK_ABSOLUTE,
                     "the paper shows the minimum-norm solution classifies "
                     "every new point correctly, so not one error is "
                     "allowed");
    /* Three binomial standard errors of the test share of negatives. */
    tolerance = 3.0 * sqrt(P_POSITIVE * (1.0 - P_POSITIVE) / TEST);
    for (size_t m = 1; m < METHOD_COUNT; m++) {
        const struct outcome *o = &outcomes[m];

        snprintf(text, sizeof text, "%s: test error (paper: 1 - p = %g)",
                 methods[m].label, 1.0 - P_POSITIVE);
        ob_verdict_check(verdict, text, o->error[ROWS - 1], 1.0 - P_POSITIVE,
                         tolerance, OB_CHECK_ABSOLUTE,
                         "predicting +1 everywhere errs on the test "
                         "negatives, a binomial share of the test set: 3 "
                         "standard errors, sqrt(p (1 - p) / m)");
        snprintf(text, sizeof text,
                 "%s: cosine of w with sign(X^T y) "
                 "(paper: 1)",
                 methods[m].label);
        ob_verdict_check(verdict, text, o->cos_sign[ROWS - 1], 1.0, 1e-6,
                         OB_CHECK_ABSOLUTE,
                         "from 0 every gradient is a multiple of X^T y, so "
                         "the iterate stays on the ray of sign(X^T y) up "
                         "to eps in the denominators (about 1e-8)");
    }
    for (size_t m = 0; m < METHOD_COUNT; m++)
        ob_verdict_note(verdict,
                        "%s: final training loss %.3g, test error "
                        "%.4g, cosine with sign(X^T y) %.6f, with the "
                        "minimum-norm solution %.6f.",
                        methods[m].label, outcomes[m].loss[ROWS - 1],
                        outcomes[m].error[ROWS - 1],
                        outcomes[m].cos_sign[ROWS - 1],
                        outcomes[m].cos_min[ROWS - 1]);
done:
    free(w);
    free(outcomes);
    free(sign);
    return status;
}

const struct ob_recipe ob_recipe_adaptive_generalization = {
    .name = "adaptive-generalization",
    .title = "Adaptive methods generalise worse on a constructed problem",
    .citation = "Wilson, Roelofs, Stern, Srebro and Recht, The marginal "
                "value of adaptive gradient methods in machine learning, "
                "NeurIPS 2017",
    .claim = "On an over-parameterised least-squares classification "
             "problem (sec. 3.3), gradient descent converges to the "
             "minimum-norm solution, which has zero test error, while "
             "Adagrad, RMSProp and Adam converge to a multiple of "
             "sign(X^T y), which labels every new point +1 and so has "
             "test error 1 - p.",
    .run = wilson_run,
};
