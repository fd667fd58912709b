/* Dense dataset models (softmax regression and one-hidden-layer nets):
 * gradients against finite differences, eval against eval_rows and a
 * plain-loop forward pass, test accuracy, Glorot starts, the generated
 * sets, the IDX and gzip loaders and their errors, and short training
 * runs that must reach a stated test accuracy. Fashion-MNIST tests skip
 * when the Debian package dataset-fashion-mnist is not installed. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "models/dataset.h"
#include "models/dense.h"
#include "models/generated.h"
#include "models/idx.h"
#include "optim/optimizer.h"
#include "problem.h"

/* ---- helpers ---- */

#define INSTALL_HINT                                                           \
    "Fashion-MNIST is not installed; run: apt-get install "                    \
    "dataset-fashion-mnist"

static int fashion_installed(void)
{
    char path[4200];

    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.gz",
             ob_fashion_mnist_dir());
    return access(path, R_OK) == 0;
}

static void skip_without_fashion(const char *name)
{
    if (strstr(name, "fashion") != NULL && !fashion_installed())
        cr_skip_test(INSTALL_HINT);
}

/* Creates `name` with settings given as "key=value" strings (NULL-ended). */
static void create_with(struct ob_problem *p, const char *name,
                        const char *const *settings)
{
    struct ob_setting parsed[8];
    char text[8][64];
    struct ob_error err = {0};
    size_t count = 0;
    int status;

    for (; settings != NULL && settings[count] != NULL; count++) {
        cr_assert_lt(count, 8);
        snprintf(text[count], sizeof text[count], "%s", settings[count]);
        cr_assert_eq(ob_setting_split(text[count], &parsed[count], &err),
                     OB_OK);
    }
    cr_assert_not_null(ob_problem_find(name), "no problem called %s", name);
    status = ob_problem_create(p, ob_problem_find(name), parsed, count, &err);
    cr_assert_eq(status, OB_OK, "creating %s failed: %s", name, err.message);
}

static double *new_vector(size_t n)
{
    double *v = calloc(n > 0 ? n : 1, sizeof(double));

    cr_assert_not_null(v);
    return v;
}

static size_t *identity_rows(size_t n)
{
    size_t *rows = malloc(sizeof(size_t) * n);

    cr_assert_not_null(rows);
    for (size_t i = 0; i < n; i++)
        rows[i] = i;
    return rows;
}

/* A point near p's start: start + scale N(0, 1) per coordinate. */
static void random_point(const struct ob_problem *p, double *x, double scale,
                         uint64_t seed)
{
    struct ob_rng rng;

    ob_rng_seed(&rng, seed);
    for (size_t i = 0; i < p->dim; i++)
        x[i] = p->start[i] + scale * ob_rng_normal(&rng);
}

static void make_temp_dir(char *dir, size_t size)
{
    const char *base = getenv("TMPDIR");

    snprintf(dir, size, "%s/ob_models_XXXXXX",
             base != NULL && *base != '\0' ? base : "/tmp");
    cr_assert_not_null(mkdtemp(dir), "cannot make a temporary directory");
}

/* Removes the listed files of dir, then dir. */
static void remove_dir(const char *dir, const char *const *names)
{
    char path[4200];

    for (size_t i = 0; names[i] != NULL; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void assert_mentions(const char *message, const char *part)
{
    cr_assert_not_null(strstr(message, part), "message '%s' lacks '%s'",
                       message, part);
}

/* ---- the cases: every type, in settings cheap enough for differences ---- */

static const struct {
    const char *name;
    const char *settings[4];
} cases[] = {
    {"softmax-iris", {NULL}},
    {"softmax-wine", {NULL}},
    {"softmax-digits", {NULL}},
    {"softmax-fashion-mnist", {"train_rows=200", NULL}},
    {"mlp-moons", {"train_rows=200", NULL}},
    {"mlp-moons", {"train_rows=200", "activation=relu", NULL}},
    {"mlp-spirals", {"train_rows=200", "arms=3", NULL}},
    {"mlp-digits", {"width=8", NULL}},
    {"mlp-digits", {"width=8", "activation=relu", NULL}},
    {"mlp-fashion-mnist", {"train_rows=200", "width=8", NULL}},
};
#define CASE_COUNT (sizeof cases / sizeof cases[0])

static void free_params(struct criterion_test_params *params)
{
    cr_free(params->params);
}

static struct criterion_test_params every_case(void)
{
    size_t *index = cr_malloc(sizeof(size_t) * CASE_COUNT);

    for (size_t i = 0; i < CASE_COUNT; i++)
        index[i] = i;
    return cr_make_param_array(size_t, index, CASE_COUNT, free_params);
}

static void create_case(struct ob_problem *p, size_t c)
{
    cr_assert_lt(c, CASE_COUNT);
    skip_without_fashion(cases[c].name);
    create_with(p, cases[c].name, cases[c].settings);
}

/* ---- gradients ---- */

/* Central differences with h = cbrt(eps) max(1, |x_i|) err by about
 * eps^(2/3) times the scale of the loss and its third derivatives, a few
 * 1e-11 here; rounding in the BLAS sums adds about 1e-16 / h = 2e-11.
 * A ReLU net's loss is only piecewise smooth: a kink inside [x - h, x + h]
 * spoils the difference, so ReLU cases take h / 100, which makes that 100
 * times rarer (none of the seeded points here has one) for a rounding
 * error still near 1e-9. 1e-7 of max(1, |g|_inf) leaves margin and still
 * catches a term off by 1e-4 relative. */
#define FD_TOLERANCE 1e-7
/* Coordinates checked: all up to this many, else this many spread evenly
 * with a seeded offset, so every parameter block is covered. */
#define FD_MAX_COORDINATES 400

/* The loss over rows (NULL: eval over every training row). */
static double loss_at(const struct ob_problem *p, const double *x, double *grad,
                      const size_t *rows, size_t count)
{
    if (rows == NULL)
        return ob_problem_eval(p, x, grad, NULL);
    return p->type->eval_rows(p, x, grad, rows, count);
}

static void check_gradient(const struct ob_problem *p, const double *x,
                           const size_t *rows, size_t count, const char *where)
{
    const struct ob_dense *model = p->data;
    double step =
        model->hidden > 0 && model->activation == OB_DENSE_RELU ? 1e-2 : 1.0;
    size_t n = p->dim;
    size_t checked = n < FD_MAX_COORDINATES ? n : FD_MAX_COORDINATES;
    double *grad = new_vector(n), *probe = new_vector(n);
    double scale = 1.0;
    double loss = loss_at(p, x, grad, rows, count);

    cr_assert(isfinite(loss), "%s: loss %g at %s", p->type->name, loss, where);
    for (size_t i = 0; i < n; i++)
        scale = fmax(scale, fabs(grad[i]));
    memcpy(probe, x, sizeof(double) * n);
    for (size_t k = 0; k < checked; k++) {
        size_t i = checked == n ? k : (k * n + n / 7) / checked;
        double h = step * cbrt(2.220446049250313e-16) * fmax(1.0, fabs(x[i]));
        double up, down, difference;

        probe[i] = x[i] + h;
        up = loss_at(p, probe, NULL, rows, count);
        probe[i] = x[i] - h;
        down = loss_at(p, probe, NULL, rows, count);
        probe[i] = x[i];
        difference = (up - down) / ((x[i] + h) - (x[i] - h));
        cr_expect(fabs(difference - grad[i]) <= FD_TOLERANCE * scale,
                  "%s at %s: d/dx%zu analytic %.17g, central difference "
                  "%.17g",
                  p->type->name, where, i, grad[i], difference);
    }
    free(grad);
    free(probe);
}

ParameterizedTestParameters(models, gradients_match_finite_differences)
{
    return every_case();
}

ParameterizedTest(size_t *c, models, gradients_match_finite_differences)
{
    struct ob_problem p;
    struct ob_rng rng;
    size_t rows[5];
    double *x;

    create_case(&p, *c);
    x = new_vector(p.dim);
    random_point(&p, x, 0.1, 20240611);
    ob_rng_seed(&rng, 5);
    for (size_t i = 0; i < 5; i++)
        rows[i] = ob_rng_below(&rng, p.train_rows);

    check_gradient(&p, p.start, NULL, 0, "the start, full batch");
    check_gradient(&p, x, NULL, 0, "a random point, full batch");
    check_gradient(&p, p.start, rows, 5, "the start, 5 rows");
    check_gradient(&p, x, rows, 5, "a random point, 5 rows");
    free(x);
    ob_problem_destroy(&p);
}

/* ---- eval, eval_rows and evaluate_test ---- */

ParameterizedTestParameters(models, eval_is_eval_rows_over_every_row)
{
    return every_case();
}

ParameterizedTest(size_t *c, models, eval_is_eval_rows_over_every_row)
{
    struct ob_problem p;
    double *x, *g_eval, *g_rows, *g_reversed;
    double l_eval, l_rows, l_reversed;
    size_t *rows;

    create_case(&p, *c);
    cr_assert_eq(p.kind, OB_PROBLEM_DATASET);
    x = new_vector(p.dim);
    g_eval = new_vector(p.dim);
    g_rows = new_vector(p.dim);
    g_reversed = new_vector(p.dim);
    random_point(&p, x, 0.1, 3);
    rows = identity_rows(p.train_rows);

    l_eval = ob_problem_eval(&p, x, g_eval, NULL);
    l_rows = p.type->eval_rows(&p, x, g_rows, rows, p.train_rows);
    cr_assert_eq(memcmp(&l_eval, &l_rows, sizeof l_eval), 0,
                 "%s: eval %.17g, eval_rows %.17g", p.type->name, l_eval,
                 l_rows);
    cr_assert_eq(memcmp(g_eval, g_rows, sizeof(double) * p.dim), 0);

    /* Another order changes only the rounding. */
    for (size_t i = 0; i < p.train_rows; i++)
        rows[i] = p.train_rows - 1 - i;
    l_reversed = p.type->eval_rows(&p, x, g_reversed, rows, p.train_rows);
    cr_expect_leq(fabs(l_reversed - l_eval), 1e-13 * fabs(l_eval));
    for (size_t i = 0; i < p.dim; i++)
        cr_expect_leq(fabs(g_reversed[i] - g_eval[i]),
                      1e-12 * fmax(1e-3, fabs(g_eval[i])), "%s: d/dx%zu",
                      p.type->name, i);
    free(rows);
    free(x);
    free(g_eval);
    free(g_rows);
    free(g_reversed);
    ob_problem_destroy(&p);
}

ParameterizedTestParameters(models, test_accuracy_lies_in_the_unit_interval)
{
    return every_case();
}

ParameterizedTest(size_t *c, models, test_accuracy_lies_in_the_unit_interval)
{
    struct ob_problem p;
    double loss, accuracy;
    double *x;

    create_case(&p, *c);
    x = new_vector(p.dim);
    random_point(&p, x, 0.1, 9);
    p.type->evaluate_test(&p, x, &loss, &accuracy);
    cr_assert(isfinite(loss) && loss > 0.0, "%s: test loss %g", p.type->name,
              loss);
    cr_assert(accuracy >= 0.0 && accuracy <= 1.0, "%s: accuracy %g",
              p.type->name, accuracy);
    free(x);
    ob_problem_destroy(&p);
}

/* The loss and accuracy written out with plain loops, from the layout in
 * dense.h: over rows [first, first + count) of the model's set. */
static void plain_forward(const struct ob_problem *p, const double *theta,
                          size_t first, size_t count, double *loss,
                          double *accuracy)
{
    const struct ob_dense *model = p->data;
    const struct ob_dataset *set = &model->set;
    size_t d = set->features, h = model->hidden, k = set->classes;
    size_t width = h > 0 ? h : d;
    const double *w_out = theta + (h > 0 ? d * h + h : 0);
    const double *b_out = w_out + width * k;
    double *in = new_vector(width), *z = new_vector(k);
    double sum = 0.0;
    size_t correct = 0;

    for (size_t i = first; i < first + count; i++) {
        const double *x = set->x + i * d;
        double top, lse = 0.0;
        size_t best = 0;

        for (size_t u = 0; u < width; u++) {
            double a = h > 0 ? theta[d * h + u] : x[u];

            for (size_t j = 0; h > 0 && j < d; j++)
                a += x[j] * theta[j * h + u];
            in[u] = h == 0                               ? a
                    : model->activation == OB_DENSE_TANH ? tanh(a)
                                                         : fmax(a, 0.0);
        }
        for (size_t c = 0; c < k; c++) {
            z[c] = b_out[c];
            for (size_t u = 0; u < width; u++)
                z[c] += in[u] * w_out[u * k + c];
        }
        top = z[0];
        for (size_t c = 1; c < k; c++)
            if (z[c] > top) {
                top = z[c];
                best = c;
            }
        for (size_t c = 0; c < k; c++)
            lse += exp(z[c] - top);
        sum += top + log(lse) - z[set->label[i]];
        correct += best == set->label[i];
    }
    *loss = sum / (double)count;
    *accuracy = (double)correct / (double)count;
    free(in);
    free(z);
}

ParameterizedTestParameters(models, blas_passes_match_plain_loops)
{
    return every_case();
}

ParameterizedTest(size_t *c, models, blas_passes_match_plain_loops)
{
    struct ob_problem p;
    const struct ob_dense *model;
    double loss, accuracy, plain_loss, plain_accuracy, squares = 0.0;
    size_t test_rows, d, h, k;
    double *x;

    create_case(&p, *c);
    model = p.data;
    x = new_vector(p.dim);
    random_point(&p, x, 0.3, 17);
    test_rows = model->set.rows - model->set.train_rows;

    p.type->evaluate_test(&p, x, &loss, &accuracy);
    plain_forward(&p, x, model->set.train_rows, test_rows, &plain_loss,
                  &plain_accuracy);
    cr_expect_leq(fabs(loss - plain_loss), 1e-12 * plain_loss,
                  "%s: test loss %.17g, plain loops %.17g", p.type->name, loss,
                  plain_loss);
    cr_expect_eq(accuracy, plain_accuracy);

    /* Training loss: the mean plus (l2/2) times every weight squared. */
    plain_forward(&p, x, 0, p.train_rows, &plain_loss, &plain_accuracy);
    d = model->set.features;
    h = model->hidden;
    k = model->set.classes;
    for (size_t j = 0; j < p.dim; j++) {
        int bias = j >= p.dim - k || (h > 0 && j >= d * h && j < d * h + h);

        if (!bias)
            squares += x[j] * x[j];
    }
    plain_loss += 0.5 * model->l2 * squares;
    loss = ob_problem_eval(&p, x, NULL, NULL);
    cr_expect_leq(fabs(loss - plain_loss), 1e-12 * plain_loss,
                  "%s: training loss %.17g, plain loops %.17g", p.type->name,
                  loss, plain_loss);
    free(x);
    ob_problem_destroy(&p);
}

Test(models, calls_from_many_threads_give_the_serial_bytes)
{
    static const char *const settings[] = {"width=16", NULL};
    struct ob_problem p;
    double serial_loss, *serial, *parallel, losses[4];
    size_t *rows;

    create_with(&p, "mlp-digits", settings);
    rows = identity_rows(p.train_rows);
    serial = new_vector(p.dim);
    parallel = new_vector(4 * p.dim);
    serial_loss = p.type->eval_rows(&p, p.start, serial, rows, 700);

#pragma omp parallel for num_threads(4) schedule(static, 1)
    for (int t = 0; t < 4; t++)
        losses[t] =
            p.type->eval_rows(&p, p.start, parallel + t * p.dim, rows, 700);

    for (int t = 0; t < 4; t++) {
        cr_assert_eq(memcmp(&losses[t], &serial_loss, sizeof serial_loss), 0);
        cr_assert_eq(
            memcmp(parallel + t * p.dim, serial, sizeof(double) * p.dim), 0);
    }
    free(rows);
    free(serial);
    free(parallel);
    ob_problem_destroy(&p);
}

Test(models, a_stream_draws_batch_rows_with_replacement)
{
    static const char *const settings[] = {"batch=16", NULL};
    struct ob_problem p;
    struct ob_rng stream, twin;
    size_t rows[16];
    double *g_drawn, *g_rows, drawn, expected;

    create_with(&p, "mlp-moons", settings);
    cr_assert_eq(p.batch, 16);
    cr_assert_eq(p.stochastic, 1);
    cr_assert_eq(p.examples_per_gradient, 16);
    cr_assert_eq(ob_problem_steps_per_epoch(&p), (1000 + 15) / 16);
    g_drawn = new_vector(p.dim);
    g_rows = new_vector(p.dim);
    ob_rng_seed(&stream, 42);
    twin = stream;
    for (size_t i = 0; i < 16; i++)
        rows[i] = ob_rng_below(&twin, p.train_rows);

    drawn = ob_problem_eval(&p, p.start, g_drawn, &stream);
    expected = p.type->eval_rows(&p, p.start, g_rows, rows, 16);
    cr_assert_eq(drawn, expected);
    cr_assert_eq(memcmp(g_drawn, g_rows, sizeof(double) * p.dim), 0);
    cr_assert_eq(memcmp(&stream, &twin, sizeof stream), 0);
    free(g_drawn);
    free(g_rows);
    ob_problem_destroy(&p);
}

/* ---- starts ---- */

Test(models, softmax_types_start_at_zero_with_loss_log_k)
{
    static const char *const names[] = {"softmax-iris", "softmax-wine",
                                        "softmax-digits"};

    for (size_t t = 0; t < 3; t++) {
        struct ob_problem p;
        const struct ob_dense *model;

        create_with(&p, names[t], NULL);
        model = p.data;
        cr_assert_null(p.type->init_start);
        cr_assert_eq(p.dim, (model->set.features + 1) * model->set.classes);
        for (size_t i = 0; i < p.dim; i++)
            cr_assert_eq(p.start[i], 0.0);
        /* The mean of n equal terms, summed in order, rounds a little. */
        cr_expect_leq(fabs(ob_problem_eval(&p, p.start, NULL, NULL) -
                           log((double)model->set.classes)),
                      1e-13);
        cr_assert(isnan(p.minimum));
        cr_assert(isfinite(p.target));
        ob_problem_destroy(&p);
    }
}

/* Every weight of a Glorot draw lies within its layer's limit, the
 * largest comes close to it, and every bias is 0. */
static void assert_glorot(const struct ob_problem *p, const double *x)
{
    const struct ob_dense *model = p->data;
    size_t d = model->set.features, h = model->hidden;
    size_t k = model->set.classes;
    size_t blocks[4][3] = {
        {0, d * h, d + h}, /* W1: start, end, fan_in + fan_out */
        {d * h, d * h + h, 0},
        {d * h + h, d * h + h + h * k, h + k},
        {d * h + h + h * k, p->dim, 0},
    };

    for (int b = 0; b < 4; b++) {
        double limit =
            blocks[b][2] > 0 ? sqrt(6.0 / (double)blocks[b][2]) : 0.0;
        double largest = 0.0;

        for (size_t j = blocks[b][0]; j < blocks[b][1]; j++) {
            cr_assert_leq(fabs(x[j]), limit, "%s: x[%zu] = %g, limit %g",
                          p->type->name, j, x[j], limit);
            largest = fmax(largest, fabs(x[j]));
        }
        cr_assert_geq(largest, 0.9 * limit, "%s: block %d", p->type->name, b);
    }
}

Test(models, glorot_starts_are_seeded_and_bounded)
{
    static const char *const names[] = {"mlp-moons", "mlp-spirals",
                                        "mlp-digits"};

    for (size_t t = 0; t < 3; t++) {
        struct ob_problem p;
        struct ob_rng a, b, c;
        double *xa, *xb, *xc;

        create_with(&p, names[t], NULL);
        cr_assert_not_null(p.type->init_start);
        xa = new_vector(p.dim);
        xb = new_vector(p.dim);
        xc = new_vector(p.dim);
        ob_rng_seed(&a, 11);
        ob_rng_seed(&b, 11);
        ob_rng_seed(&c, 12);
        p.type->init_start(&p, xa, &a);
        p.type->init_start(&p, xb, &b);
        p.type->init_start(&p, xc, &c);
        cr_assert_eq(memcmp(xa, xb, sizeof(double) * p.dim), 0);
        cr_assert_neq(memcmp(xa, xc, sizeof(double) * p.dim), 0);
        assert_glorot(&p, xa);
        assert_glorot(&p, p.start);

        /* p.start is the draw from the documented seed. */
        ob_rng_seed(&a, OB_DENSE_START_SEED);
        p.type->init_start(&p, xa, &a);
        cr_assert_eq(memcmp(xa, p.start, sizeof(double) * p.dim), 0);
        free(xa);
        free(xb);
        free(xc);
        ob_problem_destroy(&p);
    }
}

Test(models, dimensions_follow_the_layout)
{
    static const struct {
        const char *name;
        const char *settings[3];
        size_t dim;
    } expected[] = {
        {"softmax-iris", {NULL}, 15},
        {"softmax-wine", {NULL}, 42},
        {"softmax-digits", {NULL}, 650},
        {"mlp-moons", {NULL}, 162},
        {"mlp-spirals", {NULL}, 162},
        {"mlp-spirals", {"arms=3", NULL}, 195},
        {"mlp-digits", {NULL}, 2410},
        {"mlp-digits", {"width=5", NULL}, 64 * 5 + 5 + 5 * 10 + 10},
    };

    for (size_t t = 0; t < sizeof expected / sizeof expected[0]; t++) {
        struct ob_problem p;

        create_with(&p, expected[t].name, expected[t].settings);
        cr_assert_eq(p.dim, expected[t].dim, "%s: dim %zu", expected[t].name,
                     p.dim);
        cr_assert_eq(p.kind, OB_PROBLEM_DATASET);
        cr_assert_eq(p.stochastic, 0);
        cr_assert_eq(p.batch, p.train_rows);
        ob_problem_destroy(&p);
    }
}

/* ---- data ---- */

Test(data, digits_load_with_the_fixed_split_and_pixels_over_16)
{
    struct ob_problem p;
    const struct ob_dense *model;
    double largest = 0.0;

    create_with(&p, "softmax-digits", NULL);
    model = p.data;
    cr_assert_eq(model->set.rows, 1797);
    cr_assert_eq(model->set.train_rows, 1438);
    cr_assert_eq(model->set.features, 64);
    for (size_t j = 0; j < model->set.rows * 64; j++) {
        cr_assert(model->set.x[j] >= 0.0 && model->set.x[j] <= 1.0);
        cr_assert_eq(model->set.x[j] * 16.0, round(model->set.x[j] * 16.0));
        largest = fmax(largest, model->set.x[j]);
    }
    cr_assert_eq(largest, 1.0);
    /* The first file row is a 0 and stays the first training row; the
     * fifth (index 4) is a 4 and is the first test row. */
    cr_assert_eq(model->set.label[0], 0);
    cr_assert_eq(model->set.x[2], 5.0 / 16.0);
    cr_assert_eq(model->set.label[1438], 4);
    ob_problem_destroy(&p);
}

static void write_gz(const char *path, const void *bytes, size_t size)
{
    gzFile file = gzopen(path, "wb");

    cr_assert_not_null(file, "cannot write %s", path);
    cr_assert_eq(gzwrite(file, bytes, (unsigned)size), (int)size);
    cr_assert_eq(gzclose(file), Z_OK);
}

Test(data, gzip_csv_errors_name_the_file_and_line)
{
    static const char *const names[] = {"bad.csv.gz", "cut.csv.gz",
                                        "empty.csv.gz", NULL};
    static const char bad[] = "1,2,0\n3,4,7\n";
    char dir[4096], path[4200];
    struct ob_dataset ds;
    struct ob_error err = {0};
    char lines[8000];
    size_t length = 0;

    make_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bad.csv.gz", dir);
    write_gz(path, bad, strlen(bad));
    cr_assert_eq(ob_dataset_load_gz(&ds, path, 2, 3, &err), OB_EDATA);
    assert_mentions(err.message, path);
    assert_mentions(err.message, ":2: label '7'");
    cr_assert_null(ds.x);

    /* A stream cut in the middle of its compressed bytes. */
    for (size_t i = 0; i < 500; i++)
        length += (size_t)snprintf(lines + length, sizeof lines - length,
                                   "%zu,%zu,%zu\n", i, i * 7 % 101, i % 3);
    snprintf(path, sizeof path, "%s/cut.csv.gz", dir);
    write_gz(path, lines, length);
    cr_assert_eq(truncate(path, 100), 0);
    cr_assert_eq(ob_dataset_load_gz(&ds, path, 2, 3, &err), OB_EDATA);
    assert_mentions(err.message, path);

    snprintf(path, sizeof path, "%s/empty.csv.gz", dir);
    write_gz(path, "", 0);
    cr_assert_eq(ob_dataset_load_gz(&ds, path, 2, 3, &err), OB_EDATA);
    assert_mentions(err.message, "no data lines");

    snprintf(path, sizeof path, "%s/missing.csv.gz", dir);
    cr_assert_eq(ob_dataset_load_gz(&ds, path, 2, 3, &err), OB_EIO);
    assert_mentions(err.message, path);
    remove_dir(dir, names);
}

Test(data, moons_and_spirals_are_reproducible_and_balanced)
{
    struct ob_dataset a, b, c;
    struct ob_error err = {0};

    cr_assert_eq(ob_generate_moons(&a, 100, 10, 0.2, 7, &err), OB_OK);
    cr_assert_eq(ob_generate_moons(&b, 100, 500, 0.2, 7, &err), OB_OK);
    cr_assert_eq(ob_generate_moons(&c, 100, 10, 0.2, 8, &err), OB_OK);
    /* The training rows depend on neither test_rows nor anything else. */
    cr_assert_eq(memcmp(a.x, b.x, sizeof(double) * 2 * 100), 0);
    cr_assert_neq(memcmp(a.x, c.x, sizeof(double) * 2 * 100), 0);
    cr_assert_eq(a.rows, 110);
    cr_assert_eq(a.train_rows, 100);
    for (size_t i = 0; i < a.rows; i++)
        cr_assert_eq(a.label[i], i % 2);
    ob_dataset_free(&a);
    ob_dataset_free(&b);
    ob_dataset_free(&c);

    /* Without noise the moons lie on their unit half-circles. */
    cr_assert_eq(ob_generate_moons(&a, 50, 50, 0.0, 1, &err), OB_OK);
    for (size_t i = 0; i < a.rows; i++) {
        double u = a.x[2 * i] - (a.label[i] == 0 ? 0.0 : 1.0);
        double v = a.x[2 * i + 1] - (a.label[i] == 0 ? 0.0 : 0.5);

        cr_assert_leq(fabs(u * u + v * v - 1.0), 1e-12);
        cr_assert(a.label[i] == 0 ? v >= 0.0 : v <= 0.0);
    }
    ob_dataset_free(&a);

    /* Without noise a spiral point's radius u fixes its angle. */
    cr_assert_eq(ob_generate_spirals(&a, 60, 30, 3, 1.5, 0.0, 1, &err), OB_OK);
    cr_assert_eq(a.classes, 3);
    for (size_t i = 0; i < a.rows; i++) {
        double r = hypot(a.x[2 * i], a.x[2 * i + 1]);
        double angle =
            2.0 * 3.14159265358979323846 * (1.5 * r + (double)(i % 3) / 3.0);

        cr_assert_eq(a.label[i], i % 3);
        cr_assert_leq(fabs(a.x[2 * i] - r * cos(angle)), 1e-12);
        cr_assert_leq(fabs(a.x[2 * i + 1] - r * sin(angle)), 1e-12);
    }
    ob_dataset_free(&a);
}

/* ---- IDX files and Fashion-MNIST ---- */

/* Writes a gzip'd IDX file of unsigned bytes: magic 0x0000080D with D =
 * dims (or `magic` when non-zero), the sizes, then `size` value bytes. */
static void write_idx(const char *dir, const char *name, unsigned magic,
                      unsigned dims, const size_t *sizes,
                      const unsigned char *values, size_t size)
{
    unsigned char *bytes = malloc(4 + 4 * dims + size + 1);
    char path[4200];
    size_t at = 0;

    cr_assert_not_null(bytes);
    if (magic == 0)
        magic = 0x800u | dims;
    for (int shift = 24; shift >= 0; shift -= 8)
        bytes[at++] = (unsigned char)(magic >> shift);
    for (unsigned d = 0; d < dims; d++)
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes[at++] = (unsigned char)(sizes[d] >> shift);
    memcpy(bytes + at, values, size);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    write_gz(path, bytes, at + size);
    free(bytes);
}

static const char *const fashion_files[] = {
    "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", NULL};

/* A tiny Fashion-MNIST folder: 6 training and 3 test images of 2 x 3
 * pixels, pixel j of image i = 40 i + j, label i mod 10; then `bad_label`
 * (when below 256) replaces the fourth training label and `labels` (when
 * non-zero) the training label count. */
static void write_tiny_fashion(const char *dir, unsigned bad_label,
                               size_t labels)
{
    unsigned char pixels[6 * 6], label[6];
    size_t train_images[3] = {6, 2, 3}, test_images[3] = {3, 2, 3};
    size_t train_labels = labels > 0 ? labels : 6, test_labels = 3;

    for (size_t i = 0; i < 6; i++) {
        for (size_t j = 0; j < 6; j++)
            pixels[i * 6 + j] = (unsigned char)(40 * i + j);
        label[i] = (unsigned char)(i % 10);
    }
    if (bad_label < 256)
        label[3] = (unsigned char)bad_label;
    write_idx(dir, fashion_files[0], 0, 3, train_images, pixels, 36);
    write_idx(dir, fashion_files[1], 0, 1, &train_labels, label,
              train_labels < 6 ? train_labels : 6);
    write_idx(dir, fashion_files[2], 0, 3, test_images, pixels, 18);
    write_idx(dir, fashion_files[3], 0, 1, &test_labels, label, 3);
}

Test(idx, a_tiny_set_loads_with_pixels_over_255)
{
    char dir[4096];
    struct ob_dataset ds;
    struct ob_error err = {0};

    make_temp_dir(dir, sizeof dir);
    write_tiny_fashion(dir, 256, 0);
    cr_assert_eq(ob_fashion_mnist_load(&ds, dir, 0, &err), OB_OK, "%s",
                 err.message);
    cr_assert_eq(ds.rows, 9);
    cr_assert_eq(ds.train_rows, 6);
    cr_assert_eq(ds.features, 6);
    cr_assert_eq(ds.classes, 10);
    for (size_t i = 0; i < 9; i++) {
        size_t image = i < 6 ? i : i - 6;

        cr_assert_eq(ds.label[i], image % 10);
        for (size_t j = 0; j < 6; j++)
            cr_assert_eq(ds.x[i * 6 + j], (double)(40 * image + j) / 255.0);
    }
    ob_dataset_free(&ds);

    /* A prefix of the training images, all the test images. */
    cr_assert_eq(ob_fashion_mnist_load(&ds, dir, 4, &err), OB_OK);
    cr_assert_eq(ds.train_rows, 4);
    cr_assert_eq(ds.rows, 7);
    cr_assert_eq(ds.x[4 * 6 + 1], 1.0 / 255.0);
    ob_dataset_free(&ds);

    cr_assert_eq(ob_fashion_mnist_load(&ds, dir, 7, &err), OB_EINVAL);
    assert_mentions(err.message, "train_rows=7");
    remove_dir(dir, fashion_files);
}

Test(idx, the_environment_names_the_folder_for_the_problems)
{
    char dir[4096];
    struct ob_problem p;
    struct ob_error err = {0};
    struct ob_setting setting = {"train_rows", "10"};

    make_temp_dir(dir, sizeof dir);
    write_tiny_fashion(dir, 256, 0);
    cr_assert_eq(setenv("OPTBENCH_FASHION_MNIST_DIR", dir, 1), 0);
    cr_assert_str_eq(ob_fashion_mnist_dir(), dir);
    create_with(&p, "softmax-fashion-mnist", NULL);
    cr_assert_eq(p.dim, 6 * 10 + 10);
    cr_assert_eq(p.train_rows, 6);
    ob_problem_destroy(&p);
    create_with(&p, "mlp-fashion-mnist", NULL);
    cr_assert_eq(p.dim, 6 * 100 + 100 + 100 * 10 + 10);
    ob_problem_destroy(&p);

    cr_assert_eq(ob_problem_create(&p, ob_problem_find("mlp-fashion-mnist"),
                                   &setting, 1, &err),
                 OB_EINVAL);
    assert_mentions(err.message, "problem mlp-fashion-mnist: train_rows=10");
    remove_dir(dir, fashion_files);
}

Test(idx, wrong_magic_gives_edata_with_the_path)
{
    static const char *const names[] = {"images.gz", NULL};
    static const unsigned char pixels[4] = {1, 2, 3, 4};
    size_t sizes[3] = {1, 2, 2};
    char dir[4096], path[4200];
    struct ob_idx idx;
    struct ob_error err = {0};

    make_temp_dir(dir, sizeof dir);
    write_idx(dir, "images.gz", 0x00000801, 3, sizes, pixels, 4);
    snprintf(path, sizeof path, "%s/images.gz", dir);
    cr_assert_eq(ob_idx_load(&idx, path, 3, 0, &err), OB_EDATA);
    assert_mentions(err.message, path);
    assert_mentions(err.message, "magic number 0x00000801");
    cr_assert_null(idx.values);

    /* The right file read as labels has the wrong magic too. */
    write_idx(dir, "images.gz", 0, 3, sizes, pixels, 4);
    cr_assert_eq(ob_idx_load(&idx, path, 3, 0, &err), OB_OK);
    cr_assert_eq(idx.count, 1);
    cr_assert_eq(idx.item_size, 4);
    ob_idx_free(&idx);
    cr_assert_eq(ob_idx_load(&idx, path, 1, 0, &err), OB_EDATA);
    assert_mentions(err.message, "expected 0x00000801");
    remove_dir(dir, names);
}

Test(idx, truncated_files_give_edata_with_the_path)
{
    static const char *const names[] = {"short.gz", "header.gz", "cut.gz",
                                        NULL};
    unsigned char pixels[3 * 100];
    size_t sizes[3] = {5, 10, 10};
    char dir[4096], path[4200];
    struct ob_idx idx;
    struct ob_error err = {0};

    for (size_t i = 0; i < sizeof pixels; i++)
        pixels[i] = (unsigned char)(i * 7);
    make_temp_dir(dir, sizeof dir);

    /* Five images declared, three present. */
    write_idx(dir, "short.gz", 0, 3, sizes, pixels, sizeof pixels);
    snprintf(path, sizeof path, "%s/short.gz", dir);
    cr_assert_eq(ob_idx_load(&idx, path, 3, 0, &err), OB_EDATA);
    assert_mentions(err.message, path);
    assert_mentions(err.message, "truncated");
    /* A prefix that is present reads fine. */
    cr_assert_eq(ob_idx_load(&idx, path, 3, 3, &err), OB_OK);
    cr_assert_eq(idx.count, 3);
    cr_assert_eq(idx.total, 5);
    cr_assert_eq(idx.values[299], (unsigned char)(299 * 7));
    ob_idx_free(&idx);

    /* A header cut after the first size. */
    snprintf(path, sizeof path, "%s/header.gz", dir);
    write_gz(path, "\x00\x00\x08\x03\x00\x00\x00\x05\x00", 9);
    cr_assert_eq(ob_idx_load(&idx, path, 3, 0, &err), OB_EDATA);
    assert_mentions(err.message, path);
    assert_mentions(err.message, "header");

    /* A gzip stream cut short. */
    write_idx(dir, "cut.gz", 0, 3, (size_t[3]){3, 10, 10}, pixels,
              sizeof pixels);
    snprintf(path, sizeof path, "%s/cut.gz", dir);
    cr_assert_eq(truncate(path, 40), 0);
    cr_assert_eq(ob_idx_load(&idx, path, 3, 0, &err), OB_EDATA);
    assert_mentions(err.message, path);
    remove_dir(dir, names);
}

Test(idx, a_label_out_of_range_names_the_labels_file)
{
    char dir[4096], path[4200];
    struct ob_dataset ds;
    struct ob_error err = {0};

    make_temp_dir(dir, sizeof dir);
    write_tiny_fashion(dir, 12, 0);
    snprintf(path, sizeof path, "%s/train-labels-idx1-ubyte.gz", dir);
    cr_assert_eq(ob_fashion_mnist_load(&ds, dir, 0, &err), OB_EDATA);
    assert_mentions(err.message, path);
    assert_mentions(err.message, "label 12 of item 3");
    cr_assert_null(ds.x);
    remove_dir(dir, fashion_files);
}

Test(idx, mismatched_counts_name_the_labels_file)
{
    char dir[4096], path[4200];
    struct ob_dataset ds;
    struct ob_error err = {0};

    make_temp_dir(dir, sizeof dir);
    write_tiny_fashion(dir, 256, 5);
    snprintf(path, sizeof path, "%s/train-labels-idx1-ubyte.gz", dir);
    cr_assert_eq(ob_fashion_mnist_load(&ds, dir, 0, &err), OB_EDATA);
    assert_mentions(err.message, path);
    assert_mentions(err.message, "5 labels for the 6 images");
    remove_dir(dir, fashion_files);
}

Test(idx, a_missing_set_gives_emissing_saying_how_to_get_it)
{
    static const char *const none[] = {NULL};
    char dir[4096], path[4200];
    struct ob_dataset ds;
    struct ob_problem p;
    struct ob_error err = {0};

    make_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.gz", dir);
    cr_assert_eq(ob_fashion_mnist_load(&ds, dir, 0, &err), OB_EMISSING);
    assert_mentions(err.message, "fashion-mnist is not installed: no ");
    assert_mentions(err.message, path);
    assert_mentions(err.message, "apt-get install dataset-fashion-mnist");
    assert_mentions(err.message, "OPTBENCH_FASHION_MNIST_DIR");

    /* A folder that does not exist, through the problems. */
    snprintf(path, sizeof path, "%s/nowhere", dir);
    cr_assert_eq(setenv("OPTBENCH_FASHION_MNIST_DIR", path, 1), 0);
    cr_assert_eq(ob_problem_create(&p, ob_problem_find("mlp-fashion-mnist"),
                                   NULL, 0, &err),
                 OB_EMISSING);
    assert_mentions(err.message, path);
    unsetenv("OPTBENCH_FASHION_MNIST_DIR");
    remove_dir(dir, none);
}

Test(idx, one_missing_file_of_four_is_named)
{
    char dir[4096], path[4200];
    struct ob_dataset ds;
    struct ob_error err = {0};

    make_temp_dir(dir, sizeof dir);
    write_tiny_fashion(dir, 256, 0);
    snprintf(path, sizeof path, "%s/t10k-labels-idx1-ubyte.gz", dir);
    cr_assert_eq(unlink(path), 0);
    cr_assert_eq(ob_fashion_mnist_load(&ds, dir, 0, &err), OB_EMISSING);
    assert_mentions(err.message, path);
    remove_dir(dir, fashion_files);
}

Test(idx, a_missing_idx_file_gives_eio_with_the_install_hint)
{
    char dir[4096], path[4200];
    struct ob_idx idx;
    struct ob_error err = {0};

    make_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/images.gz", dir);
    cr_assert_eq(ob_idx_load(&idx, path, 3, 0, &err), OB_EIO);
    assert_mentions(err.message, "cannot open ");
    assert_mentions(err.message, path);
    assert_mentions(err.message,
                    "install the Debian package dataset-fashion-mnist");
    rmdir(dir);
}

Test(idx, the_installed_set_has_the_official_split)
{
    static const char *const settings[] = {"train_rows=1000", NULL};
    struct ob_problem p;
    const struct ob_dense *model;
    size_t count[10] = {0};

    skip_without_fashion("fashion");
    create_with(&p, "softmax-fashion-mnist", settings);
    model = p.data;
    cr_assert_eq(p.dim, 7850);
    cr_assert_eq(model->set.train_rows, 1000);
    cr_assert_eq(model->set.rows - model->set.train_rows, 10000);
    for (size_t i = model->set.train_rows; i < model->set.rows; i++)
        count[model->set.label[i]]++;
    for (size_t c = 0; c < 10; c++)
        cr_assert_eq(count[c], 1000, "test class %zu: %zu", c, count[c]);
    ob_problem_destroy(&p);
}

/* ---- parameters ---- */

Test(errors, bad_settings_name_the_problem_and_key)
{
    static const struct {
        const char *name, *key, *value;
    } bad[] = {
        {"mlp-moons", "width", "0"},
        {"mlp-digits", "width", "10001"},
        {"softmax-iris", "l2", "-1"},
        {"mlp-spirals", "batch", "-1"},
        {"mlp-spirals", "arms", "1"},
        {"mlp-spirals", "turns", "0"},
        {"mlp-moons", "noise", "-0.1"},
        {"mlp-moons", "train_rows", "0"},
        {"mlp-spirals", "test_rows", "0"},
        {"mlp-moons", "data_seed", "-1"},
        {"mlp-moons", "activation", "sigmoid"},
        {"softmax-fashion-mnist", "train_rows", "-5"},
    };

    for (size_t t = 0; t < sizeof bad / sizeof bad[0]; t++) {
        struct ob_setting setting = {bad[t].key, bad[t].value};
        struct ob_problem p;
        struct ob_error err = {0};
        char expected[64];
        int status = ob_problem_create(&p, ob_problem_find(bad[t].name),
                                       &setting, 1, &err);

        cr_assert_eq(status, OB_EINVAL, "%s accepted %s=%s", bad[t].name,
                     bad[t].key, bad[t].value);
        assert_mentions(err.message, bad[t].name);
        snprintf(expected, sizeof expected, "%s", bad[t].key);
        assert_mentions(err.message, expected);
    }
}

/* ---- training ---- */

/* Adam with learning rate lr for `epochs` passes over the training rows,
 * reshuffled every epoch (Fisher-Yates on a stream seeded with seed) and
 * cut into slices of p->batch rows, as the harness does; returns the test
 * accuracy at the end. */
static double train(struct ob_problem *p, const char *lr, size_t epochs,
                    uint64_t seed)
{
    struct ob_setting setting = {"lr", lr};
    struct ob_optimizer opt;
    struct ob_error err = {0};
    struct ob_rng rng;
    size_t n = p->train_rows, *rows = identity_rows(n);
    double *x = new_vector(p->dim), *g = new_vector(p->dim);
    double loss, accuracy;

    cr_assert_eq(ob_optimizer_create(&opt, ob_optimizer_find("adam"), &setting,
                                     1, p->dim, &err),
                 OB_OK, "%s", err.message);
    ob_rng_seed(&rng, seed);
    if (p->type->init_start != NULL)
        p->type->init_start(p, x, &rng);
    else
        memcpy(x, p->start, sizeof(double) * p->dim);
    for (size_t epoch = 0; epoch < epochs; epoch++) {
        for (size_t i = n; i > 1; i--) {
            size_t j = ob_rng_below(&rng, i), kept = rows[i - 1];

            rows[i - 1] = rows[j];
            rows[j] = kept;
        }
        for (size_t start = 0; start < n; start += p->batch) {
            size_t count = n - start < p->batch ? n - start : p->batch;

            p->type->eval_rows(p, x, g, rows + start, count);
            ob_optimizer_step(&opt, x, g);
        }
    }
    p->type->evaluate_test(p, x, &loss, &accuracy);
    cr_assert(ob_problem_eval(p, x, NULL, NULL) < p->target,
              "%s: training loss %g, target %g", p->type->name,
              ob_problem_eval(p, x, NULL, NULL), p->target);
    ob_optimizer_destroy(&opt);
    free(rows);
    free(x);
    free(g);
    return accuracy;
}

Test(training, adam_takes_mlp_moons_to_97_percent_test_accuracy)
{
    static const char *const settings[] = {"batch=50", NULL};
    struct ob_problem p;
    double accuracy;

    create_with(&p, "mlp-moons", settings);
    accuracy = train(&p, "0.01", 40, 1);
    cr_assert_geq(accuracy, 0.97, "test accuracy %g", accuracy);
    ob_problem_destroy(&p);
}

Test(training, adam_takes_softmax_iris_to_90_percent_test_accuracy)
{
    struct ob_problem p;
    double accuracy;

    create_with(&p, "softmax-iris", NULL);
    accuracy = train(&p, "0.01", 1000, 1);
    cr_assert_geq(accuracy, 0.9, "test accuracy %g", accuracy);
    ob_problem_destroy(&p);
}
