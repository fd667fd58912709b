/* Problems: contract tests over the whole catalogue (gradients, minima,
 * starts, random streams, parameter errors), the data loader, and the
 * claims each problem file's header makes. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/dataset.h"
#include "problem.h"

/* ---- helpers ---- */

static void create(struct ob_problem *p, const char *name,
                   const struct ob_setting *settings, size_t count)
{
    const struct ob_problem_type *type = ob_problem_find(name);
    struct ob_error err = {0};
    int status;

    cr_assert_not_null(type, "no problem type called %s", name);
    status = ob_problem_create(p, type, settings, count, &err);
    cr_assert_eq(status, OB_OK, "creating %s failed: %s", name, err.message);
}

/* Creates `name` with the settings and expects failure with err set. */
static int create_fails_with(const char *name,
                             const struct ob_setting *settings, size_t count,
                             struct ob_error *err)
{
    struct ob_problem p;
    int status;

    ob_error_clear(err);
    status = ob_problem_create(&p, ob_problem_find(name), settings, count, err);
    if (status == OB_OK)
        ob_problem_destroy(&p);
    cr_assert_neq(status, OB_OK, "%s accepted %s=%s", name, settings[0].key,
                  settings[0].value);
    cr_assert_eq(status, err->status);
    return status;
}

static int create_fails(const char *name, const char *key, const char *value,
                        struct ob_error *err)
{
    struct ob_setting setting = {key, value};

    return create_fails_with(name, &setting, 1, err);
}

static void assert_mentions(const char *message, const char *part)
{
    cr_assert_not_null(strstr(message, part), "message '%s' lacks '%s'",
                       message, part);
}

static double norm(const double *v, size_t n)
{
    double sum = 0.0;

    for (size_t i = 0; i < n; i++)
        sum += v[i] * v[i];
    return sqrt(sum);
}

static double *new_vector(size_t n)
{
    double *v = calloc(n, sizeof(double));

    cr_assert_not_null(v);
    return v;
}

/* A fresh temporary directory for one test. */
static void make_temp_dir(char *dir, size_t size)
{
    const char *base = getenv("TMPDIR");

    snprintf(dir, size, "%s/ob_problems_XXXXXX",
             base != NULL && *base != '\0' ? base : "/tmp");
    cr_assert_not_null(mkdtemp(dir), "cannot make a temporary directory");
}

static void write_file(const char *dir, const char *name, const char *text,
                       char *path, size_t size)
{
    FILE *file;

    snprintf(path, size, "%s/%s", dir, name);
    file = fopen(path, "w");
    cr_assert_not_null(file, "cannot write %s", path);
    fputs(text, file);
    cr_assert_eq(fclose(file), 0);
}

static void remove_file_and_dir(const char *path, const char *dir)
{
    if (path != NULL)
        unlink(path);
    rmdir(dir);
}

/* Every catalogue index, for the parameterized contract tests. Indices
 * rather than pointers: the parameters travel to the test's process. */
static void free_params(struct criterion_test_params *params)
{
    cr_free(params->params);
}

static struct criterion_test_params every_type(void)
{
    size_t *index = cr_malloc(sizeof(size_t) * ob_problem_type_count);

    for (size_t i = 0; i < ob_problem_type_count; i++)
        index[i] = i;
    return cr_make_param_array(size_t, index, ob_problem_type_count,
                               free_params);
}

/* The Fashion-MNIST types come with cheap settings: their defaults (60000
 * images, up to 79510 parameters) would take hours of finite differences
 * here; tests/test_models.c covers them. Without the Debian package
 * (OB_EMISSING) they are skipped, as there. */
static void create_default(struct ob_problem *p, size_t index)
{
    static const struct ob_setting cheap[] = {{"train_rows", "200"},
                                              {"width", "8"}};
    const struct ob_problem_type *type;
    struct ob_error err = {0};
    size_t count = 0;
    int status;

    cr_assert_lt(index, ob_problem_type_count);
    type = ob_problem_types[index];
    if (strstr(type->name, "fashion-mnist") != NULL)
        count = ob_params_find(type->params, type->param_count, "width") >= 0
                    ? 2
                    : 1;
    status = ob_problem_create(p, type, cheap, count, &err);
    if (status == OB_EMISSING && count > 0)
        cr_skip_test("%s", err.message);
    cr_assert_eq(status, OB_OK, "creating %s failed: %s", type->name,
                 err.message);
}

/* ---- contract tests over the catalogue ---- */

/* Central differences with h_i = cbrt(eps) max(1, |x_i|) err by about
 * eps^(2/3) (|f| + |f'''|), a few 1e-11 times the scale of f and its
 * third derivatives; the worst case over the catalogue at these points is
 * 3.8e-9 of max(1, |g|_inf) (rastrigin, whose f''' reaches 80 pi^3 = 2480),
 * next 4e-10 (rosenbrock). The cliff is tested 1% around its start, 0.5
 * from its wall, whose gradient varies over 1e-7 and defeats any finite
 * difference. A tolerance of 1e-6 max(1, |g|_inf) per coordinate leaves
 * over two orders of margin, yet catches a gradient term off by 1e-4
 * relative. */
#define FD_TOLERANCE 1e-6
/* Above this dimension the check covers this many coordinates spread
 * evenly over x (every parameter block of the dense models included). */
#define FD_MAX_COORDINATES 300

static void check_gradient(const struct ob_problem *p, const double *x,
                           const char *where)
{
    size_t n = p->dim;
    size_t checked = n < FD_MAX_COORDINATES ? n : FD_MAX_COORDINATES;
    double *grad = new_vector(n), *probe = new_vector(n);
    double scale = 1.0;
    double loss = ob_problem_eval(p, x, grad, NULL);

    cr_assert(isfinite(loss), "%s: loss %g at %s", p->type->name, loss, where);
    for (size_t i = 0; i < n; i++)
        if (fabs(grad[i]) > scale)
            scale = fabs(grad[i]);
    memcpy(probe, x, sizeof(double) * n);
    for (size_t k = 0; k < checked; k++) {
        size_t i = checked == n ? k : k * n / checked;
        double h = cbrt(2.220446049250313e-16) * fmax(1.0, fabs(x[i]));
        double up, down, difference;

        probe[i] = x[i] + h;
        up = ob_problem_eval(p, probe, NULL, NULL);
        probe[i] = x[i] - h;
        down = ob_problem_eval(p, probe, NULL, NULL);
        probe[i] = x[i];
        /* The step actually taken, (x + h) - (x - h), after rounding. */
        difference = (up - down) / ((x[i] + h) - (x[i] - h));
        cr_expect(fabs(difference - grad[i]) <= FD_TOLERANCE * scale,
                  "%s at %s: d/dx%zu analytic %.17g, central difference "
                  "%.17g",
                  p->type->name, where, i, grad[i], difference);
    }
    free(grad);
    free(probe);
}

ParameterizedTestParameters(problems, gradients_match_finite_differences)
{
    return every_type();
}

ParameterizedTest(size_t *index, problems, gradients_match_finite_differences)
{
    struct ob_problem p;
    struct ob_rng rng;
    double *x;

    create_default(&p, *index);
    check_gradient(&p, p.start, "the start");

    /* A few seeded points near the start, 1% of its scale away. */
    x = new_vector(p.dim);
    ob_rng_seed(&rng, 20240611);
    for (int point = 0; point < 5; point++) {
        char where[32];

        for (size_t i = 0; i < p.dim; i++)
            x[i] = p.start[i] +
                   0.01 * fmax(1.0, fabs(p.start[i])) * ob_rng_normal(&rng);
        snprintf(where, sizeof where, "random point %d", point);
        check_gradient(&p, x, where);
    }
    free(x);
    ob_problem_destroy(&p);
}

ParameterizedTestParameters(problems,
                            known_minimum_is_attained_at_the_minimiser)
{
    return every_type();
}

ParameterizedTest(size_t *index, problems,
                  known_minimum_is_attained_at_the_minimiser)
{
    struct ob_problem p;
    double *grad;
    double loss;

    create_default(&p, *index);
    cr_assert_eq(isnan(p.minimum), p.minimizer == NULL,
                 "%s: a minimiser is stored exactly when a minimum is known",
                 p.type->name);
    cr_assert(isfinite(p.target), "%s: target %g", p.type->name, p.target);
    if (p.minimizer == NULL) {
        ob_problem_destroy(&p);
        return;
    }
    grad = new_vector(p.dim);
    loss = ob_problem_eval(&p, p.minimizer, grad, NULL);
    cr_expect(fabs(loss - p.minimum) <= 1e-12,
              "%s: loss %.17g at the minimiser, minimum %.17g", p.type->name,
              loss, p.minimum);
    cr_expect(norm(grad, p.dim) < 1e-8, "%s: gradient norm %g at the minimiser",
              p.type->name, norm(grad, p.dim));
    cr_expect_eq(p.target, p.minimum + 1e-6, "%s: target %.17g", p.type->name,
                 p.target);
    cr_expect_geq(ob_problem_eval(&p, p.start, NULL, NULL), p.minimum);
    free(grad);
    ob_problem_destroy(&p);
}

ParameterizedTestParameters(problems, start_and_dimension_are_consistent)
{
    return every_type();
}

ParameterizedTest(size_t *index, problems, start_and_dimension_are_consistent)
{
    struct ob_problem p;
    double *grad;
    double with_grad, without_grad;

    create_default(&p, *index);
    cr_assert_geq(p.dim, 1);
    cr_assert_not_null(p.start);
    for (size_t i = 0; i < p.dim; i++)
        cr_assert(isfinite(p.start[i]), "%s: start[%zu] = %g", p.type->name, i,
                  p.start[i]);
    grad = new_vector(p.dim);
    with_grad = ob_problem_eval(&p, p.start, grad, NULL);
    without_grad = ob_problem_eval(&p, p.start, NULL, NULL);
    cr_assert(isfinite(with_grad));
    cr_assert_eq(with_grad, without_grad,
                 "%s: the loss must not depend on whether grad is asked for",
                 p.type->name);
    for (size_t i = 0; i < p.dim; i++)
        cr_assert(isfinite(grad[i]), "%s: gradient %zu at the start is %g",
                  p.type->name, i, grad[i]);
    cr_assert_gt(with_grad, p.target,
                 "%s: the start already meets the "
                 "target",
                 p.type->name);
    free(grad);
    ob_problem_destroy(&p);
}

ParameterizedTestParameters(problems, deterministic_problems_ignore_the_stream)
{
    return every_type();
}

ParameterizedTest(size_t *index, problems,
                  deterministic_problems_ignore_the_stream)
{
    struct ob_problem p;
    struct ob_rng rng, before;
    double *exact, *drawn;

    create_default(&p, *index);
    if (p.stochastic) {
        ob_problem_destroy(&p);
        return;
    }
    exact = new_vector(p.dim);
    drawn = new_vector(p.dim);
    ob_rng_seed(&rng, 7);
    before = rng;
    cr_assert_eq(ob_problem_eval(&p, p.start, exact, NULL),
                 ob_problem_eval(&p, p.start, drawn, &rng));
    cr_assert_eq(memcmp(exact, drawn, sizeof(double) * p.dim), 0);
    cr_assert_eq(memcmp(&rng, &before, sizeof rng), 0,
                 "%s is deterministic but consumed the stream", p.type->name);
    free(exact);
    free(drawn);
    ob_problem_destroy(&p);
}

Test(problems, catalogue_names_are_unique_and_found)
{
    for (size_t i = 0; i < ob_problem_type_count; i++) {
        const struct ob_problem_type *type = ob_problem_types[i];

        cr_assert_eq(ob_problem_find(type->name), type, "%s", type->name);
        cr_assert_not_null(type->description);
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(type->name, ob_problem_types[j]->name);
    }
    cr_assert_null(ob_problem_find("rosenbrok"));
}

Test(problems, every_type_names_an_unknown_parameter)
{
    struct ob_error err;

    for (size_t i = 0; i < ob_problem_type_count; i++) {
        const char *name = ob_problem_types[i]->name;

        cr_assert_eq(create_fails(name, "no_such_knob", "1", &err), OB_EINVAL);
        assert_mentions(err.message, "no_such_knob");
        assert_mentions(err.message, name);
    }
}

/* ---- random streams ---- */

/* The stochastic functions, whose noise comes from the stream: the noisy
 * quadratic as it comes and the NQM in 4-D. (Dataset problems take their
 * minibatches from the harness instead, through eval_rows.) */
static const struct {
    const char *name;
    const char *key, *value;
} noisy_cases[] = {
    {"noisy-quadratic", "sigma", "0.1"},
    {"nqm", "n", "4"},
};
#define NOISY_CASE_COUNT (sizeof noisy_cases / sizeof noisy_cases[0])

static void create_noisy(struct ob_problem *p, size_t c)
{
    struct ob_setting setting = {noisy_cases[c].key, noisy_cases[c].value};

    create(p, noisy_cases[c].name, &setting, 1);
    cr_assert_eq(p->stochastic, 1, "%s", noisy_cases[c].name);
}

/* Whether three successive draws of noisy case c give the same bytes
 * (loss and gradient at the start) from streams seeded a and b. */
static int draws_agree(size_t c, uint64_t seed_a, uint64_t seed_b)
{
    struct ob_problem p;
    struct ob_rng a, b;
    double *ga, *gb;
    int agree = 1;

    create_noisy(&p, c);
    ga = new_vector(p.dim);
    gb = new_vector(p.dim);
    ob_rng_seed(&a, seed_a);
    ob_rng_seed(&b, seed_b);
    for (int call = 0; call < 3; call++) {
        double la = ob_problem_eval(&p, p.start, ga, &a);
        double lb = ob_problem_eval(&p, p.start, gb, &b);

        agree = agree && memcmp(&la, &lb, sizeof la) == 0 &&
                memcmp(ga, gb, sizeof(double) * p.dim) == 0;
    }
    free(ga);
    free(gb);
    ob_problem_destroy(&p);
    return agree;
}

Test(noisy, same_seed_gives_identical_gradients)
{
    for (size_t c = 0; c < NOISY_CASE_COUNT; c++)
        cr_assert(draws_agree(c, 99, 99), "%s", noisy_cases[c].name);
}

Test(noisy, different_seeds_give_different_gradients)
{
    for (size_t c = 0; c < NOISY_CASE_COUNT; c++)
        cr_assert(!draws_agree(c, 1, 2), "%s", noisy_cases[c].name);
}

Test(noisy, null_stream_gives_the_exact_gradient)
{
    /* Each noisy case beside its exact twin; the NQM's h_i = 1/i are
     * written to 17 digits, which round-trip. */
    static const struct ob_setting nqm_h = {"h",
                                            "1,0.5,0.33333333333333331,0.25"};
    const char *twins[NOISY_CASE_COUNT] = {"quadratic", "quadratic"};
    const struct ob_setting *twin_settings[NOISY_CASE_COUNT] = {NULL,
                                                                &nqm_h};

    for (size_t c = 0; c < NOISY_CASE_COUNT; c++) {
        struct ob_problem noisy, exact;
        double *gn, *ge, *x;
        double ln, le;

        create_noisy(&noisy, c);
        create(&exact, twins[c], twin_settings[c], twin_settings[c] != NULL);
        cr_assert_eq(exact.stochastic, 0);
        cr_assert_eq(noisy.dim, exact.dim);
        gn = new_vector(noisy.dim);
        ge = new_vector(noisy.dim);
        x = new_vector(noisy.dim);
        for (size_t i = 0; i < noisy.dim; i++)
            x[i] = 0.25 * (double)(i % 7) - 0.5;
        ln = ob_problem_eval(&noisy, x, gn, NULL);
        le = ob_problem_eval(&exact, x, ge, NULL);
        cr_assert_eq(ln, le, "%s: %.17g vs %.17g", noisy.type->name, ln, le);
        cr_assert_eq(memcmp(gn, ge, sizeof(double) * noisy.dim), 0, "%s",
                     noisy.type->name);
        free(gn);
        free(ge);
        free(x);
        ob_problem_destroy(&noisy);
        ob_problem_destroy(&exact);
    }
}

Test(noisy, noisy_quadratic_noise_has_standard_deviation_sigma)
{
    static const struct ob_setting settings[] = {{"h", "1,10,100"},
                                                 {"sigma", "0.25"}};
    const int draws = 20000;
    struct ob_problem p;
    struct ob_rng rng;
    double exact[3], grad[3], sum[3] = {0}, squares[3] = {0};
    double loss, exact_loss;

    create(&p, "noisy-quadratic", settings, 2);
    exact_loss = ob_problem_eval(&p, p.start, exact, NULL);
    ob_rng_seed(&rng, 12345);
    for (int k = 0; k < draws; k++) {
        loss = ob_problem_eval(&p, p.start, grad, &rng);
        cr_assert_eq(loss, exact_loss, "the loss stays exact");
        for (size_t i = 0; i < 3; i++) {
            double noise = grad[i] - exact[i];

            sum[i] += noise;
            squares[i] += noise * noise;
        }
    }
    /* Standard errors: 0.25 / sqrt(20000) = 1.8e-3 for the mean and about
     * 0.25 / sqrt(40000) = 1.25e-3 for the deviation; the bounds are over
     * five of them. */
    for (size_t i = 0; i < 3; i++) {
        double mean = sum[i] / draws;
        double sd = sqrt(squares[i] / draws - mean * mean);

        cr_expect(fabs(mean) < 0.01, "coordinate %zu: mean noise %g", i, mean);
        cr_expect(fabs(sd - 0.25) < 0.01, "coordinate %zu: noise sd %g", i, sd);
    }
    ob_problem_destroy(&p);
}

Test(noisy, noisy_quadratic_draws_one_normal_per_coordinate)
{
    static const double h[4] = {1.0, 10.0, 100.0, 1000.0};
    struct ob_problem p;
    struct ob_rng rng, expected;
    double grad[4];

    create(&p, "noisy-quadratic", NULL, 0);
    ob_rng_seed(&rng, 5);
    expected = rng;
    ob_problem_eval(&p, p.start, grad, &rng);
    for (size_t i = 0; i < p.dim; i++) {
        double noise = 0.1 * ob_rng_normal(&expected);

        cr_assert_eq(grad[i], h[i] * p.start[i] + noise, "coordinate %zu", i);
    }
    cr_assert_eq(memcmp(&rng, &expected, sizeof rng), 0);

    /* No gradient asked for: no draws. */
    ob_problem_eval(&p, p.start, NULL, &rng);
    cr_assert_eq(memcmp(&rng, &expected, sizeof rng), 0);
    ob_problem_destroy(&p);
}

Test(dataset, rows_over_the_whole_split_equal_the_full_batch)
{
    static const struct ob_setting batch = {"batch", "32"};
    struct ob_problem p;
    double full[31], rows_grad[31], x[31];
    size_t order[456];
    double full_loss, rows_loss;

    create(&p, "logreg-breast-cancer", &batch, 1);
    cr_assert_eq(p.kind, OB_PROBLEM_DATASET);
    cr_assert_eq(p.train_rows, 456);
    cr_assert_eq(p.batch, 32);
    cr_assert_eq(p.examples_per_gradient, 32);
    cr_assert_eq(ob_problem_steps_per_epoch(&p), 15);
    for (size_t i = 0; i < 31; i++)
        x[i] = 0.1 * (double)(i % 5) - 0.2;
    /* Reversed order: the same rows, summed the other way round. */
    for (size_t i = 0; i < 456; i++)
        order[i] = 455 - i;
    full_loss = ob_problem_eval(&p, x, full, NULL);
    rows_loss = p.type->eval_rows(&p, x, rows_grad, order, 456);
    cr_assert_float_eq(rows_loss, full_loss, 1e-13);
    for (size_t i = 0; i < 31; i++)
        cr_assert_float_eq(rows_grad[i], full[i], 1e-13);
    ob_problem_destroy(&p);
}

Test(dataset, test_split_gives_loss_and_accuracy)
{
    struct ob_problem p;
    double loss, accuracy;

    create(&p, "logreg-breast-cancer", NULL, 0);
    /* At zero weights every prediction is class 0 (z = 0 is not > 0) and
     * the loss is log 2; the test split holds rows of both classes. */
    p.type->evaluate_test(&p, p.start, &loss, &accuracy);
    cr_assert_float_eq(loss, log(2.0), 1e-15);
    cr_assert_gt(accuracy, 0.0);
    cr_assert_lt(accuracy, 1.0);
    p.type->evaluate_test(&p, p.minimizer, &loss, &accuracy);
    cr_assert_gt(accuracy, 0.95, "accuracy at the minimum %g", accuracy);
    ob_problem_destroy(&p);
}

Test(noisy, stochastic_flag_follows_the_settings)
{
    static const struct ob_setting whole = {"batch", "456"};
    static const struct ob_setting no_noise = {"sigma", "0"};
    struct ob_problem p;

    create(&p, "logreg-breast-cancer", NULL, 0);
    cr_assert_eq(p.stochastic, 0, "full batch by default");
    ob_problem_destroy(&p);
    create(&p, "logreg-breast-cancer", &whole, 1);
    cr_assert_eq(p.stochastic, 0, "a batch of every training row");
    ob_problem_destroy(&p);
    create(&p, "noisy-quadratic", &no_noise, 1);
    cr_assert_eq(p.stochastic, 0, "sigma = 0");
    ob_problem_destroy(&p);
}

/* ---- parameter errors ---- */

Test(errors, nonpositive_curvature_is_named)
{
    struct ob_error err;

    cr_assert_eq(create_fails("quadratic", "h", "1,0,3", &err), OB_EINVAL);
    assert_mentions(err.message, "h[1]=0");
    cr_assert_eq(create_fails("noisy-quadratic", "h", "2,-5", &err), OB_EINVAL);
    assert_mentions(err.message, "h[1]=-5");
    assert_mentions(err.message, "noisy-quadratic");
    cr_assert_eq(create_fails("quadratic", "h", "1,x", &err), OB_EINVAL);
    assert_mentions(err.message, "h='1,x'");
}

Test(errors, bad_quadratic_settings_are_named)
{
    static const struct ob_setting both[] = {{"cond", "100"}, {"h", "1,2"}};
    static const struct ob_setting tiny[] = {{"cond", "100"}, {"n", "1"}};
    struct ob_error err;

    create_fails("quadratic", "cond", "0.5", &err);
    assert_mentions(err.message, "cond=0.5");
    create_fails("quadratic", "n", "-1", &err);
    assert_mentions(err.message, "n=-1");
    create_fails("quadratic", "n", "3", &err);
    assert_mentions(err.message, "n=3 but h has 4 values");
    create_fails("noisy-quadratic", "sigma", "-0.1", &err);
    assert_mentions(err.message, "sigma=-0.1");
    cr_assert_eq(create_fails_with("quadratic", both, 2, &err), OB_EINVAL);
    assert_mentions(err.message, "either h or cond");
    cr_assert_eq(create_fails_with("quadratic", tiny, 2, &err), OB_EINVAL);
    assert_mentions(err.message, "n=1");
}

Test(errors, bad_cliff_and_logreg_settings_are_named)
{
    struct ob_error err;

    create_fails("cliff", "T", "0", &err);
    assert_mentions(err.message, "T=0");
    create_fails("cliff", "T", "1001", &err);
    assert_mentions(err.message, "T=1001");
    create_fails("logreg-breast-cancer", "l2", "0", &err);
    assert_mentions(err.message, "l2=0");
    create_fails("logreg-breast-cancer", "l2", "-1", &err);
    assert_mentions(err.message, "l2=-1");
    create_fails("logreg-breast-cancer", "batch", "-4", &err);
    assert_mentions(err.message, "batch=-4");
}

Test(errors, missing_data_dir_gives_eio_with_the_path)
{
    char dir[256], expected[320];
    struct ob_error err;

    make_temp_dir(dir, sizeof dir);
    cr_assert_eq(setenv("OPTBENCH_DATA_DIR", dir, 1), 0);
    cr_assert_eq(create_fails("logreg-breast-cancer", "l2", "1e-3", &err),
                 OB_EIO);
    snprintf(expected, sizeof expected,
             "cannot open %s/breast_cancer.csv: ", dir);
    assert_mentions(err.message, expected);
    unsetenv("OPTBENCH_DATA_DIR");
    remove_file_and_dir(NULL, dir);
}

Test(errors, malformed_data_file_gives_edata_with_file_and_line)
{
    char dir[256], path[320], expected[400];
    struct ob_error err;

    make_temp_dir(dir, sizeof dir);
    write_file(dir, "breast_cancer.csv",
               "3,2,malignant,benign\n1.5,2,0\n1.5,two,1\n3,4,0\n", path,
               sizeof path);
    cr_assert_eq(setenv("OPTBENCH_DATA_DIR", dir, 1), 0);
    cr_assert_eq(create_fails("logreg-breast-cancer", "l2", "1e-3", &err),
                 OB_EDATA);
    snprintf(expected, sizeof expected, "%s:3: feature 2 'two'", path);
    assert_mentions(err.message, expected);
    unsetenv("OPTBENCH_DATA_DIR");
    remove_file_and_dir(path, dir);
}

Test(errors, logreg_rejects_a_file_without_two_classes)
{
    char dir[256], path[320];
    struct ob_error err;

    make_temp_dir(dir, sizeof dir);
    write_file(dir, "breast_cancer.csv", "2,1,a,b,c\n1,0\n2,2\n", path,
               sizeof path);
    cr_assert_eq(setenv("OPTBENCH_DATA_DIR", dir, 1), 0);
    cr_assert_eq(create_fails("logreg-breast-cancer", "l2", "1e-3", &err),
                 OB_EDATA);
    assert_mentions(err.message, path);
    assert_mentions(err.message, "needs 2 classes");
    unsetenv("OPTBENCH_DATA_DIR");
    remove_file_and_dir(path, dir);
}

/* ---- the data loader ---- */

Test(dataset, malformed_files_name_the_file_and_line)
{
    static const struct {
        const char *text;
        const char *where; /* after the path */
        const char *what;
    } cases[] = {
        {"", ":1:", "empty"},
        {"x,2,a,b\n", ":1:", "row count 'x'"},
        {"2,0,a,b\n", ":1:", "feature count '0'"},
        {"2,2,a\n", ":1:", "at least 2 class names"},
        {"2,2,a,\n", ":1:", "class name 2 is empty"},
        {"2,2,a,b\n1,2,0\n1,2\n", ":3:", "expected 3 values"},
        {"2,2,a,b\n1,2,0\n1,2,0,1\n", ":3:", "found 4"},
        {"2,2,a,b\n1,2,0\n1,2,2\n", ":3:", "label '2'"},
        {"2,2,a,b\n1,2,0\n1,2,-1\n", ":3:", "label '-1'"},
        {"2,2,a,b\n1,2,0\n1,2,1.5\n", ":3:", "label '1.5'"},
        {"2,2,a,b\n1,2,0\n1,inf,1\n", ":3:", "feature 2 'inf'"},
        {"2,2,a,b\n1,2,0\n\n", ":3:", "found 1"},
        {"2,2,a,b\n1,2,0\n1,2,1\n3,4,0\n", ":4:", "more data lines"},
        {"3,2,a,b\n1,2,0\n1,2,1\n", ":", "declares 3 rows but the file has 2"},
    };
    char dir[256], path[320], expected[400];

    make_temp_dir(dir, sizeof dir);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct ob_dataset ds;
        struct ob_error err = {0};

        write_file(dir, "bad.csv", cases[c].text, path, sizeof path);
        cr_assert_eq(ob_dataset_load(&ds, path, &err), OB_EDATA,
                     "case %zu loaded", c);
        cr_assert_eq(err.status, OB_EDATA);
        snprintf(expected, sizeof expected, "%s%s", path, cases[c].where);
        cr_assert_eq(strncmp(err.message, expected, strlen(expected)), 0,
                     "case %zu: '%s' does not start with '%s'", c, err.message,
                     expected);
        assert_mentions(err.message, cases[c].what);
        cr_assert_null(ds.x, "a failed load leaves the dataset empty");
    }
    remove_file_and_dir(path, dir);
}

Test(dataset, missing_file_gives_eio)
{
    struct ob_dataset ds;
    struct ob_error err = {0};

    cr_assert_eq(ob_dataset_load(&ds, "/nonexistent/x.csv", &err), OB_EIO);
    assert_mentions(err.message, "cannot open /nonexistent/x.csv: ");
}

Test(dataset, shipped_files_load)
{
    static const struct {
        const char *name;
        size_t rows, features, classes;
        const char *first_class;
    } files[] = {
        {"iris.csv", 150, 4, 3, "setosa"},
        {"wine_data.csv", 178, 13, 3, "class_0"},
        {"breast_cancer.csv", 569, 30, 2, "malignant"},
    };

    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        struct ob_dataset ds;
        struct ob_error err = {0};

        cr_assert_eq(ob_dataset_load_named(&ds, files[f].name, &err), OB_OK,
                     "%s", err.message);
        cr_assert_eq(ds.rows, files[f].rows, "%s", files[f].name);
        cr_assert_eq(ds.features, files[f].features, "%s", files[f].name);
        cr_assert_eq(ds.classes, files[f].classes, "%s", files[f].name);
        cr_assert_eq(ds.train_rows, ds.rows);
        cr_assert_str_eq(ds.class_names[0], files[f].first_class);
        ob_dataset_free(&ds);
    }
}

Test(dataset, breast_cancer_values_are_read_exactly)
{
    struct ob_dataset ds;
    struct ob_error err = {0};

    cr_assert_eq(ob_dataset_load_named(&ds, "breast_cancer.csv", &err), OB_OK,
                 "%s", err.message);
    cr_assert_str_eq(ds.class_names[1], "benign");
    cr_assert_eq(ds.x[0], 17.99);
    cr_assert_eq(ds.x[29], 0.1189);
    cr_assert_eq(ds.label[0], 0);
    cr_assert_eq(ds.x[568 * 30], 7.76);
    cr_assert_eq(ds.label[568], 1);
    ob_dataset_free(&ds);
}

Test(dataset, split_moves_every_fifth_row_to_the_test_set)
{
    char dir[256], path[320], text[512];
    size_t length = 0;
    struct ob_dataset ds;
    struct ob_error err = {0};
    static const double order[12] = {0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 4, 9};

    /* Row i holds feature i and label i % 3; CRLF endings are accepted. */
    length += (size_t)snprintf(text, sizeof text, "12,1,a,b,c\r\n");
    for (int i = 0; i < 12; i++)
        length += (size_t)snprintf(text + length, sizeof text - length,
                                   "%d,%d\r\n", i, i % 3);
    make_temp_dir(dir, sizeof dir);
    write_file(dir, "rows.csv", text, path, sizeof path);
    cr_assert_eq(ob_dataset_load(&ds, path, &err), OB_OK, "%s", err.message);
    cr_assert_eq(ob_dataset_split(&ds, &err), OB_OK);
    cr_assert_eq(ds.train_rows, 10);
    for (size_t i = 0; i < 12; i++) {
        cr_assert_eq(ds.x[i], order[i], "slot %zu holds row %g", i, ds.x[i]);
        cr_assert_eq(ds.label[i], (size_t)order[i] % 3);
    }
    cr_assert_eq(ob_dataset_split(&ds, &err), OB_OK, "splitting twice");
    cr_assert_eq(ds.x[10], 4.0, "a second split changes nothing");
    ob_dataset_free(&ds);
    remove_file_and_dir(path, dir);
}

Test(dataset, standardisation_uses_training_statistics)
{
    char dir[256], path[320];
    struct ob_dataset ds;
    struct ob_error err = {0};

    /* Feature 1 varies; feature 2 is 0.1 on the training rows and 5 on the
     * test row (index 4). */
    make_temp_dir(dir, sizeof dir);
    write_file(dir, "scale.csv",
               "6,2,a,b\n1,0.1,0\n2,0.1,1\n3,0.1,0\n4,0.1,1\n100,5,0\n"
               "5,0.1,1\n",
               path, sizeof path);
    cr_assert_eq(ob_dataset_load(&ds, path, &err), OB_OK, "%s", err.message);
    cr_assert_eq(ob_dataset_split(&ds, &err), OB_OK);
    ob_dataset_standardize(&ds);

    /* Training feature 1 is 1..5: mean 3, population sd sqrt(2). */
    for (size_t i = 0; i < 5; i++) {
        double expected = ((double)i + 1.0 - 3.0) / sqrt(2.0);

        cr_assert(fabs(ds.x[i * 2] - expected) < 1e-15, "row %zu: %.17g", i,
                  ds.x[i * 2]);
        cr_assert_eq(ds.x[i * 2 + 1], 0.0, "a constant feature is centred");
    }
    cr_assert(fabs(ds.x[5 * 2] - 97.0 / sqrt(2.0)) < 1e-12);
    cr_assert_eq(ds.x[5 * 2 + 1], 5.0 - 0.1, "scale 1 for a constant");
    ob_dataset_free(&ds);
    remove_file_and_dir(path, dir);
}

/* ---- what the problem headers promise ---- */

Test(quadratic, loss_keeps_the_reference_order_of_operations)
{
    static const double h[4] = {1.0, 10.0, 100.0, 1000.0};
    const double x[4] = {0.3, -1.7, 0.01, 2.9};
    struct ob_problem p;
    double grad[4], expected = 0.0;

    create(&p, "quadratic", NULL, 0);
    for (size_t i = 0; i < 4; i++)
        expected += 0.5 * h[i] * x[i] * x[i];
    cr_assert_eq(ob_problem_eval(&p, x, grad, NULL), expected);
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(grad[i], h[i] * x[i]);
    ob_problem_destroy(&p);
}

Test(quadratic, cond_gives_log_spaced_curvatures)
{
    static const struct ob_setting settings[] = {{"cond", "1e4"}, {"n", "5"}};
    struct ob_problem p;
    double grad[5];

    create(&p, "quadratic", settings, 2);
    cr_assert_eq(p.dim, 5);
    ob_problem_eval(&p, p.start, grad, NULL);
    cr_assert_eq(grad[0], 1.0);
    cr_assert_eq(grad[4], 1e4);
    for (size_t i = 1; i < 4; i++)
        cr_assert(fabs(grad[i] / pow(10.0, (double)i) - 1.0) < 1e-14,
                  "h[%zu] = %.17g", i, grad[i]);
    ob_problem_destroy(&p);

    create(&p, "quadratic", settings, 1);
    cr_assert_eq(p.dim, 4, "n defaults to 4 with cond");
    ob_problem_destroy(&p);
}

/* Steps of plain gradient descent from the start until the loss reaches
 * the target (the loss at x_k, k counted from 0), or -1 within `limit`. */
static int descent_steps(const struct ob_problem *p, double lr, int limit,
                         double *closest)
{
    double x[2] = {p->start[0], p->start[1]}, grad[2];

    *closest = INFINITY;
    for (int k = 0; k < limit; k++) {
        if (ob_problem_eval(p, x, grad, NULL) <= p->target)
            return k;
        *closest = fmin(*closest, hypot(x[0], x[1]));
        x[0] -= lr * grad[0];
        x[1] -= lr * grad[1];
    }
    return -1;
}

Test(saddle, gradient_descent_escapes_as_documented)
{
    struct ob_problem p;
    double closest;

    create(&p, "saddle", NULL, 0);
    cr_assert_eq(p.target, -1.0);
    cr_assert_eq(descent_steps(&p, 0.01, 10000, &closest), 349);
    ob_problem_destroy(&p);

    create(&p, "monkey-saddle", NULL, 0);
    cr_assert_eq(p.target, -1.0);
    cr_assert_eq(descent_steps(&p, 0.01, 10000, &closest), 510);
    cr_assert_lt(closest, 0.15, "closest approach %g", closest);
    ob_problem_destroy(&p);
}

Test(cliff, stored_minimiser_is_exact_for_every_T)
{
    static const char *const steps[] = {"1", "2", "50", "1000"};
    const double fixed_point[2] = {1.0, 0.7 - 1.0 / (1.0 + exp(-0.7))};

    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
        struct ob_setting setting = {"T", steps[s]};
        struct ob_problem p;
        double grad[2];

        create(&p, "cliff", &setting, 1);
        cr_assert_eq(ob_problem_eval(&p, p.minimizer, grad, NULL), 0.0, "T=%s",
                     steps[s]);
        cr_assert_eq(grad[0], 0.0);
        cr_assert_eq(grad[1], 0.0);
        if (strcmp(steps[s], "50") == 0)
            cr_assert_lt(ob_problem_eval(&p, fixed_point, NULL, NULL), 1e-15,
                         "w = 1 with 0.7 as fixed point");
        ob_problem_destroy(&p);
    }
}

Test(cliff, wall_is_where_the_header_says)
{
    const double wall = -3.5459856534;
    struct ob_problem p;
    double x[2] = {6.5, wall}, grad[2], largest = 0.0;

    create(&p, "cliff", NULL, 0);
    ob_problem_eval(&p, x, grad, NULL);
    cr_assert_gt(hypot(grad[0], grad[1]), 1e10);
    x[1] = wall - 0.01;
    cr_assert(fabs(ob_problem_eval(&p, x, NULL, NULL) - 16.3) < 0.05);
    x[1] = wall + 0.01;
    cr_assert(fabs(ob_problem_eval(&p, x, NULL, NULL) - 3.05) < 0.005);

    /* Away from the wall the gradient is tame. */
    for (int i = 0; i <= 70000; i++) {
        x[1] = -6.0 + 1e-4 * i;
        if (fabs(x[1] - wall) < 1e-6)
            continue;
        ob_problem_eval(&p, x, grad, NULL);
        largest = fmax(largest, hypot(grad[0], grad[1]));
    }
    cr_assert_lt(largest, 20.0);
    ob_problem_destroy(&p);
}

Test(cliff, gradient_descent_is_thrown_off_the_wall)
{
    struct ob_problem p;
    double x[2], grad[2];
    int step;

    create(&p, "cliff", NULL, 0);
    x[0] = p.start[0];
    x[1] = p.start[1];
    for (step = 0; step < 200; step++) {
        ob_problem_eval(&p, x, grad, NULL);
        if (hypot(grad[0], grad[1]) > 1e3)
            break;
        x[0] -= 0.01 * grad[0];
        x[1] -= 0.01 * grad[1];
    }
    cr_assert_eq(step, 74);
    x[0] -= 0.01 * grad[0];
    x[1] -= 0.01 * grad[1];
    cr_assert_gt(ob_problem_eval(&p, x, NULL, NULL), 600.0);
    ob_problem_destroy(&p);
}

Test(logreg, minimum_matches_the_documented_value)
{
    struct ob_problem p;
    double grad[31];

    create(&p, "logreg-breast-cancer", NULL, 0);
    cr_assert_eq(p.dim, 31);
    for (size_t i = 0; i < p.dim; i++)
        cr_assert_eq(p.start[i], 0.0);
    /* 456 equal terms log(2) averaged: a few ulps of rounding. */
    cr_assert(fabs(ob_problem_eval(&p, p.start, NULL, NULL) - log(2.0)) <
              1e-14);
    cr_assert(fabs(p.minimum - 0.06527710530968) < 1e-13, "minimum %.17g",
              p.minimum);
    ob_problem_eval(&p, p.minimizer, grad, NULL);
    cr_assert_leq(norm(grad, 31), 1e-13);
    ob_problem_destroy(&p);
}

/* ---- the test functions: what their headers promise ---- */

Test(himmelblau, all_four_minima_give_zero)
{
    static const double minima[4][2] = {
        {3.0, 2.0},
        {-2.8051180869527449, 3.1313125182505730},
        {-3.7793102533777469, -3.2831859912861694},
        {3.5844283403304917, -1.8481265269644036},
    };
    struct ob_problem p;
    double grad[2];

    create(&p, "himmelblau", NULL, 0);
    cr_assert_eq(p.minimizer[0], 3.0);
    cr_assert_eq(p.minimizer[1], 2.0);
    for (size_t m = 0; m < 4; m++) {
        double loss = ob_problem_eval(&p, minima[m], grad, NULL);

        cr_expect(loss >= 0.0 && loss < 1e-24, "minimum %zu: loss %.17g", m,
                  loss);
        cr_expect_lt(norm(grad, 2), 1e-12, "minimum %zu: gradient norm %g", m,
                     norm(grad, 2));
    }
    ob_problem_destroy(&p);
}

Test(six_hump_camel, both_minima_give_the_stored_value)
{
    struct ob_problem p;
    double other[2], grad[2];

    create(&p, "six-hump-camel", NULL, 0);
    cr_assert_eq(p.minimum, -1.0316284534898774);
    other[0] = -p.minimizer[0];
    other[1] = -p.minimizer[1];
    cr_expect(fabs(ob_problem_eval(&p, p.minimizer, grad, NULL) - p.minimum) <=
              1e-15);
    cr_expect_lt(norm(grad, 2), 1e-14, "gradient norm %g", norm(grad, 2));
    cr_expect(fabs(ob_problem_eval(&p, other, grad, NULL) - p.minimum) <=
              1e-15);
    cr_expect_lt(norm(grad, 2), 1e-14, "gradient norm %g", norm(grad, 2));
    ob_problem_destroy(&p);
}

Test(styblinski_tang, minimum_scales_with_n)
{
    static const char *const dims[] = {"1", "2", "3", "10", "100"};
    const double per_coordinate = -39.16616570377142;
    double grad[100];

    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        struct ob_setting setting = {"n", dims[d]};
        struct ob_problem p;
        double n, loss;

        create(&p, "styblinski-tang", &setting, 1);
        n = (double)p.dim;
        cr_assert_eq(n, atof(dims[d]));
        cr_expect(fabs(p.minimum - per_coordinate * n) <= 1e-14 * n,
                  "n=%s: minimum %.17g", dims[d], p.minimum);
        loss = ob_problem_eval(&p, p.minimizer, grad, NULL);
        /* Summing n terms of size 78 rounds by a few ulps of the total. */
        cr_expect(fabs(loss - p.minimum) <= 1e-14 * fabs(p.minimum),
                  "n=%s: %.17g vs %.17g", dims[d], loss, p.minimum);
        for (size_t i = 0; i < p.dim; i++) {
            cr_expect_eq(p.minimizer[i], -2.9035340277711771);
            cr_expect_lt(fabs(grad[i]), 1e-14, "n=%s: grad[%zu] = %g", dims[d],
                         i, grad[i]);
            cr_expect_eq(p.start[i], i % 2 == 0 ? 0.0 : -1.0);
        }
        ob_problem_destroy(&p);
    }
}

/* Central-difference Hessian of p at the origin, column by column from the
 * analytic gradient; hessian holds dim * dim values. */
static void hessian_at_origin(const struct ob_problem *p, double *hessian)
{
    const double h = 1e-4;
    size_t n = p->dim;
    double *x = new_vector(n), *up = new_vector(n), *down = new_vector(n);

    for (size_t j = 0; j < n; j++) {
        x[j] = h;
        ob_problem_eval(p, x, up, NULL);
        x[j] = -h;
        ob_problem_eval(p, x, down, NULL);
        x[j] = 0.0;
        for (size_t i = 0; i < n; i++)
            hessian[i * n + j] = (up[i] - down[i]) / (2.0 * h);
    }
    free(x);
    free(up);
    free(down);
}

Test(saddle_nd, has_exactly_k_directions_of_negative_curvature)
{
    static const struct ob_setting cases[][2] = {
        {{"n", "10"}, {"k", "2"}},
        {{"n", "5"}, {"k", "1"}},
        {{"n", "7"}, {"k", "3"}},
        {{"n", "4"}, {"k", "4"}},
    };

    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct ob_problem p;
        double *hessian, *grad, *origin;
        size_t n, k = (size_t)atoi(cases[c][1].value), negative = 0;

        create(&p, "saddle-nd", cases[c], 2);
        n = p.dim;
        hessian = new_vector(n * n);
        grad = new_vector(n);
        origin = new_vector(n);

        /* The origin is stationary, and the Hessian there is diagonal with
         * k entries -1 (the first k) and n - k entries +1. */
        cr_assert_eq(ob_problem_eval(&p, origin, grad, NULL), 0.0);
        cr_assert_eq(norm(grad, n), 0.0);
        hessian_at_origin(&p, hessian);
        for (size_t i = 0; i < n; i++) {
            double expected = i < k ? -1.0 : 1.0;

            negative += hessian[i * n + i] < 0.0;
            cr_expect(fabs(hessian[i * n + i] - expected) < 1e-7,
                      "n=%zu k=%zu: H[%zu][%zu] = %g", n, k, i, i,
                      hessian[i * n + i]);
            for (size_t j = 0; j < n; j++)
                if (j != i)
                    cr_expect_eq(hessian[i * n + j], 0.0);
        }
        cr_expect_eq(negative, k, "n=%zu: %zu negative directions, k=%zu", n,
                     negative, k);

        /* Minimum -k/4; the start is 1e-3 on escape directions, else 1. */
        cr_expect_eq(p.minimum, -0.25 * (double)k);
        for (size_t i = 0; i < n; i++) {
            cr_expect_eq(p.minimizer[i], i < k ? 1.0 : 0.0);
            cr_expect_eq(p.start[i], i < k ? 1e-3 : 1.0);
        }
        free(hessian);
        free(grad);
        free(origin);
        ob_problem_destroy(&p);
    }
}

Test(saddle_to_minima, both_minima_give_minus_one_and_descent_escapes)
{
    struct ob_problem p;
    double x[2] = {0.0, -sqrt(2.0)}, grad[2];

    create(&p, "saddle-to-minima", NULL, 0);
    cr_assert_eq(p.minimizer[1], sqrt(2.0));
    cr_expect(fabs(ob_problem_eval(&p, x, grad, NULL) + 1.0) <= 1e-15);
    cr_expect_lt(norm(grad, 2), 1e-14);

    /* The offset 1e-3 decides the side: descent ends at (0, +sqrt(2)). */
    x[0] = p.start[0];
    x[1] = p.start[1];
    for (int step = 0; step < 3000; step++) {
        ob_problem_eval(&p, x, grad, NULL);
        x[0] -= 0.01 * grad[0];
        x[1] -= 0.01 * grad[1];
    }
    cr_expect_lt(fabs(x[0]), 1e-12);
    cr_expect_lt(fabs(x[1] - sqrt(2.0)), 1e-12);
    ob_problem_destroy(&p);
}

Test(nqm, noise_variance_per_coordinate_is_h_over_batch)
{
    static const char *const batches[] = {"1", "8"};
    const int draws = 20000;

    for (size_t b = 0; b < 2; b++) {
        struct ob_setting settings[2] = {{"n", "6"}, {"batch", batches[b]}};
        double batch = atof(batches[b]);
        double exact[6], grad[6], sum[6] = {0}, squares[6] = {0};
        double exact_loss;
        struct ob_problem p;
        struct ob_rng rng;

        create(&p, "nqm", settings, 2);
        cr_assert_eq(p.stochastic, 1);
        exact_loss = ob_problem_eval(&p, p.start, exact, NULL);
        ob_rng_seed(&rng, 4242);
        for (int k = 0; k < draws; k++) {
            cr_assert_eq(ob_problem_eval(&p, p.start, grad, &rng), exact_loss,
                         "the loss stays exact");
            for (size_t i = 0; i < 6; i++) {
                double noise = grad[i] - exact[i];

                sum[i] += noise;
                squares[i] += noise * noise;
            }
        }
        /* The variance estimate errs by sqrt(2 / 20000) = 1% relative, the
         * mean by 0.7% of the deviation: the bounds are five of those. */
        for (size_t i = 0; i < 6; i++) {
            double h = 1.0 / (double)(i + 1);
            double mean = sum[i] / draws;
            double variance = squares[i] / draws - mean * mean;

            cr_expect_eq(exact[i], h * p.start[i]);
            cr_expect(fabs(mean) < 0.035 * sqrt(h / batch),
                      "batch %s, coordinate %zu: mean noise %g", batches[b], i,
                      mean);
            cr_expect(fabs(variance / (h / batch) - 1.0) < 0.05,
                      "batch %s, coordinate %zu: variance %g, h/batch %g",
                      batches[b], i, variance, h / batch);
        }
        ob_problem_destroy(&p);
    }
}

Test(nqm, draws_one_normal_per_coordinate_in_index_order)
{
    static const struct ob_setting batch = {"batch", "4"};
    struct ob_problem p;
    struct ob_rng rng, expected;
    double grad[100];

    create(&p, "nqm", &batch, 1);
    cr_assert_eq(p.dim, 100);
    cr_assert_eq(p.minimum, 0.0);
    ob_rng_seed(&rng, 11);
    expected = rng;
    ob_problem_eval(&p, p.start, grad, &rng);
    for (size_t i = 0; i < p.dim; i++) {
        double h = 1.0 / (double)(i + 1);
        double noise = sqrt(h / 4.0) * ob_rng_normal(&expected);

        cr_assert_eq(p.start[i], 1.0);
        cr_assert_eq(grad[i], h * p.start[i] + noise, "coordinate %zu", i);
    }
    cr_assert_eq(memcmp(&rng, &expected, sizeof rng), 0);

    /* No gradient asked for: no draws. */
    ob_problem_eval(&p, p.start, NULL, &rng);
    cr_assert_eq(memcmp(&rng, &expected, sizeof rng), 0);
    ob_problem_destroy(&p);
}

Test(plateau, gradient_is_below_the_documented_bounds)
{
    struct ob_problem p;
    double grad[2], x[2];

    create(&p, "plateau", NULL, 0);
    ob_problem_eval(&p, p.start, grad, NULL);
    cr_expect(fabs(norm(grad, 2) - 1.44e-5) < 5e-8, "at the start: %g",
              norm(grad, 2));
    cr_expect(fabs(ob_problem_eval(&p, p.start, NULL, NULL) - 1.000052) < 5e-7);

    /* Below 1e-4 on the annulus 4.658 < r < 50, in several directions, and
     * above it just outside. */
    for (int direction = 0; direction < 8; direction++) {
        double angle = 0.785 * direction + 0.1;

        for (double r = 4.658; r < 50.0; r += 0.01) {
            x[0] = r * cos(angle);
            x[1] = r * sin(angle);
            ob_problem_eval(&p, x, grad, NULL);
            cr_assert_lt(norm(grad, 2), 1e-4, "r = %g: gradient norm %g", r,
                         norm(grad, 2));
        }
        for (int edge = 0; edge < 2; edge++) {
            double r = edge == 0 ? 4.657 : 50.001;

            x[0] = r * cos(angle);
            x[1] = r * sin(angle);
            ob_problem_eval(&p, x, grad, NULL);
            cr_expect_gt(norm(grad, 2), 1e-4, "r = %g", r);
        }
    }

    /* The well's wall: 0.607 at r = 1. */
    x[0] = 0.6;
    x[1] = -0.8;
    ob_problem_eval(&p, x, grad, NULL);
    cr_expect(fabs(norm(grad, 2) - 0.6065) < 1e-3, "%g", norm(grad, 2));
    ob_problem_destroy(&p);
}

Test(analytic_cliff, wall_height_and_slope_match_the_header)
{
    struct ob_problem p;
    double low[2] = {-1.0, 0.3}, high[2] = {1.0, 0.3}, grad[2];
    double steepest = 0.0, where = 0.0;

    create(&p, "analytic-cliff", NULL, 0);
    cr_expect(fabs(ob_problem_eval(&p, high, NULL, NULL) -
                   ob_problem_eval(&p, low, NULL, NULL) - 100.0) < 1e-12,
              "wall height");
    cr_expect(fabs(p.minimizer[0] - -0.20230210764247125) < 1e-16,
              "minimiser %.17g", p.minimizer[0]);
    cr_expect_eq(p.minimizer[1], 0.0);
    cr_expect(fabs(p.minimum - 0.024509277248961915) < 1e-16, "minimum %.17g",
              p.minimum);
    cr_expect_eq(p.start[0], 2.0);
    cr_expect_eq(p.start[1], 1.0);

    /* The steepest slope along y = 0: 1250.0000003 at x = 6.4e-7. */
    for (int i = -20000; i <= 20000; i++) {
        double x[2] = {1e-10 * i, 0.0};

        ob_problem_eval(&p, x, grad, NULL);
        if (grad[0] > steepest) {
            steepest = grad[0];
            where = x[0];
        }
    }
    cr_expect(fabs(steepest - 1250.0000003) < 1e-6, "steepest %.17g", steepest);
    cr_expect(fabs(where - 6.4e-7) < 1e-9, "at %g", where);

    /* It climbs from 1% to 99% of the height within ln(99)/50 of x = 0. */
    low[0] = -log(99.0) / 50.0;
    high[0] = log(99.0) / 50.0;
    low[1] = high[1] = 0.0;
    cr_expect(fabs(ob_problem_eval(&p, low, NULL, NULL) -
                   0.5 * low[0] * low[0] - 1.0) < 1e-12);
    cr_expect(fabs(ob_problem_eval(&p, high, NULL, NULL) -
                   0.5 * high[0] * high[0] - 99.0) < 1e-12);
    ob_problem_destroy(&p);
}

Test(analytic_cliff, minimiser_is_exact_for_other_walls)
{
    static const char *const walls[][2] = {
        {"100", "50"}, {"1", "1"},      {"0.01", "0.01"}, {"1e6", "1e6"},
        {"1e6", "1"},  {"1e-3", "1e6"}, {"30", "200"},
    };

    for (size_t w = 0; w < sizeof walls / sizeof walls[0]; w++) {
        struct ob_setting settings[2] = {{"height", walls[w][0]},
                                         {"steepness", walls[w][1]}};
        struct ob_problem p;
        double grad[2], beside[2];

        create(&p, "analytic-cliff", settings, 2);
        cr_expect_lt(p.minimizer[0], 0.0);
        cr_expect_eq(ob_problem_eval(&p, p.minimizer, grad, NULL), p.minimum);
        /* Zero up to rounding of x + H s sigmoid', two terms of size |x|:
         * a few ulps of |x|. */
        cr_expect(fabs(grad[0]) <= 1e-15 * fmax(1.0, fabs(p.minimizer[0])),
                  "height %s, steepness %s: slope %g at %.17g", walls[w][0],
                  walls[w][1], grad[0], p.minimizer[0]);
        for (int side = -1; side <= 1; side += 2) {
            beside[0] = p.minimizer[0] + side * 1e-6;
            beside[1] = 0.0;
            cr_expect_geq(ob_problem_eval(&p, beside, NULL, NULL), p.minimum);
        }
        ob_problem_destroy(&p);
    }
}

Test(ackley, gradient_is_finite_at_and_near_the_origin)
{
    static const char *const dims[] = {"1", "2", "7"};

    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        struct ob_setting setting = {"n", dims[d]};
        struct ob_problem p;
        double x[7] = {0}, grad[7];
        double n;

        create(&p, "ackley", &setting, 1);
        n = (double)p.dim;
        cr_assert_eq(ob_problem_eval(&p, x, grad, NULL), 0.0);
        for (size_t i = 0; i < p.dim; i++)
            cr_assert_eq(grad[i], 0.0, "n=%s: grad[%zu] at the origin", dims[d],
                         i);

        /* sum x_i^2 underflows: r = 0, the same answer. */
        x[0] = 1e-170;
        ob_problem_eval(&p, x, grad, NULL);
        cr_assert(isfinite(grad[0]) && fabs(grad[0]) < 1e-160, "%g", grad[0]);

        /* Close to the origin the norm approaches 4 / sqrt(n). */
        for (size_t i = 0; i < p.dim; i++)
            x[i] = (i % 2 == 0 ? 1e-9 : -2e-9);
        ob_problem_eval(&p, x, grad, NULL);
        cr_expect(fabs(norm(grad, p.dim) - 4.0 / sqrt(n)) < 1e-6,
                  "n=%s: gradient norm %.17g", dims[d], norm(grad, p.dim));
        ob_problem_destroy(&p);
    }
}

Test(functions, exact_zero_at_the_minimiser_where_documented)
{
    static const char *const names[] = {"rastrigin",       "ackley", "griewank",
                                        "plateau",         "booth",  "matyas",
                                        "three-hump-camel"};

    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        struct ob_problem p;
        double grad[2];

        create(&p, names[k], NULL, 0);
        cr_assert_eq(p.dim, 2);
        cr_expect_eq(ob_problem_eval(&p, p.minimizer, grad, NULL), 0.0, "%s",
                     names[k]);
        ob_problem_destroy(&p);
    }
    {
        struct ob_problem p;
        const double point[2] = {0.0, -1.0};

        create(&p, "goldstein-price", NULL, 0);
        cr_expect_eq(ob_problem_eval(&p, point, NULL, NULL), 3.0);
        ob_problem_destroy(&p);
    }
}

Test(functions, n_d_starts_follow_the_documented_pattern)
{
    static const struct {
        const char *name;
        double even, odd;
    } cases[] = {
        {"rastrigin", 2.5, -1.5},
        {"ackley", 0.4, -0.3},
        {"styblinski-tang", 0.0, -1.0},
        {"griewank", 1.5, -2.0},
    };
    static const struct ob_setting five = {"n", "5"};

    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct ob_problem p;

        create(&p, cases[c].name, &five, 1);
        cr_assert_eq(p.dim, 5);
        for (size_t i = 0; i < 5; i++)
            cr_expect_eq(p.start[i], i % 2 == 0 ? cases[c].even : cases[c].odd,
                         "%s: start[%zu]", cases[c].name, i);
        ob_problem_destroy(&p);
    }
}

Test(errors, bad_test_function_settings_are_named)
{
    static const struct ob_setting k_too_big[] = {{"n", "3"}, {"k", "4"}};
    static const char *const n_d[] = {"rastrigin", "ackley", "styblinski-tang",
                                      "griewank",  "nqm",    "saddle-nd"};
    struct ob_error err;

    for (size_t k = 0; k < sizeof n_d / sizeof n_d[0]; k++) {
        cr_assert_eq(create_fails(n_d[k], "n", "0", &err), OB_EINVAL);
        assert_mentions(err.message, "n=0");
        assert_mentions(err.message, n_d[k]);
    }
    create_fails("saddle-nd", "k", "0", &err);
    assert_mentions(err.message, "k=0");
    cr_assert_eq(create_fails_with("saddle-nd", k_too_big, 2, &err), OB_EINVAL);
    assert_mentions(err.message, "k=4");
    assert_mentions(err.message, "n=3");
    create_fails("nqm", "batch", "0", &err);
    assert_mentions(err.message, "batch=0");
    create_fails("nqm", "batch", "2.5", &err);
    assert_mentions(err.message, "batch");
    create_fails("analytic-cliff", "height", "0", &err);
    assert_mentions(err.message, "height=0");
    create_fails("analytic-cliff", "steepness", "-1", &err);
    assert_mentions(err.message, "steepness=-1");
    create_fails("analytic-cliff", "steepness", "2e6", &err);
    assert_mentions(err.message, "steepness=2e+06");
}

/* ---- sparse-logreg: the generated Zipf bag of words ---- */

/* Occurrences of each word over the corpus, read off the gradient: at zero
 * weights and bias b the gradient of weight k is (1/n) sum_i (sigmoid(b) -
 * y_i) c_ik, so the gradients at b = 40 and b = -40 differ by (1/n)
 * sum_i c_ik, up to sigmoid(-40) = 4e-18 relative. */
static void sparse_word_counts(const struct ob_problem *p, size_t docs,
                               double *counts)
{
    size_t words = p->dim - 1;
    double *x = new_vector(p->dim), *up = new_vector(p->dim);
    double *down = new_vector(p->dim);

    x[words] = 40.0;
    ob_problem_eval(p, x, up, NULL);
    x[words] = -40.0;
    ob_problem_eval(p, x, down, NULL);
    for (size_t k = 0; k < words; k++) {
        counts[k] = (double)docs * (up[k] - down[k]);
        cr_assert(fabs(counts[k] - round(counts[k])) < 1e-9,
                  "word %zu: count %.17g is not whole", k, counts[k]);
        counts[k] = round(counts[k]);
    }
    free(x);
    free(up);
    free(down);
}

static int compare_decreasing(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x < y) - (x > y);
}

/* The k-th most frequent word's count against the most frequent one's:
 * c_1 / c_k = k^s up to sampling error. Counts are about Poisson, so
 * log(c_1 / c_k) has a standard error of sqrt(1/c_1 + 1/c_k); the bound is
 * four of those (from 0.09 at k = 2 to 0.6 at k = 50 on the default data). */
static void check_zipf_ratios(const struct ob_setting *settings, size_t count,
                              size_t docs, double s)
{
    static const size_t ranks[] = {2, 3, 5, 10, 20, 50};
    struct ob_problem p;
    double *counts;

    create(&p, "sparse-logreg", settings, count);
    counts = new_vector(p.dim - 1);
    sparse_word_counts(&p, docs, counts);
    qsort(counts, p.dim - 1, sizeof(double), compare_decreasing);
    for (size_t r = 0; r < sizeof ranks / sizeof ranks[0]; r++) {
        size_t k = ranks[r];
        double observed = log(counts[0] / counts[k - 1]);
        double error = sqrt(1.0 / counts[0] + 1.0 / counts[k - 1]);

        cr_expect(fabs(observed - s * log((double)k)) <= 4.0 * error,
                  "zipf %g: c_1 / c_%zu = %g, k^s = %g (bound %g in logs)", s,
                  k, exp(observed), pow((double)k, s), 4.0 * error);
    }
    free(counts);
    ob_problem_destroy(&p);
}

Test(sparse_logreg, word_frequencies_follow_the_zipf_law)
{
    static const struct ob_setting steep[] = {{"zipf", "2"},
                                              {"train_rows", "500"}};
    struct ob_problem p;
    double counts[1000], grad[1001], zeros[1001] = {0};
    double total = 0.0, past_100 = 0.0;
    size_t unused = 0;

    check_zipf_ratios(NULL, 0, 2000, 1.1);
    check_zipf_ratios(steep, 2, 500, 2.0);

    /* The header's figures for the default data: 20 draws per document,
     * 23% of them past rank 100, 7 words never drawn (and weight 0 at the
     * minimiser), 48% of labels 1 (the bias gradient at zero is 1/2 minus
     * the share of ones). */
    create(&p, "sparse-logreg", NULL, 0);
    sparse_word_counts(&p, 2000, counts);
    for (size_t k = 0; k < 1000; k++) {
        total += counts[k];
        if (k >= 100)
            past_100 += counts[k];
        if (counts[k] == 0.0) {
            unused++;
            cr_expect_eq(p.minimizer[k], 0.0, "unused word %zu", k);
        }
    }
    cr_expect_eq(total, 40000.0);
    cr_expect(fabs(past_100 / total - 0.23) < 0.005, "past rank 100: %g",
              past_100 / total);
    cr_expect_eq(unused, 7);
    ob_problem_eval(&p, zeros, grad, NULL);
    cr_expect(fabs(0.5 - grad[1000] - 0.48) < 0.005, "share of ones %g",
              0.5 - grad[1000]);
    ob_problem_destroy(&p);
}

/* Loss and gradient bytes of two instances at one point. */
static int sparse_instances_agree(const struct ob_problem *a,
                                  const struct ob_problem *b)
{
    double *x = new_vector(a->dim), *ga = new_vector(a->dim);
    double *gb = new_vector(a->dim);
    double la, lb;
    int agree;

    for (size_t i = 0; i < a->dim; i++)
        x[i] = 0.1 * (double)(i % 5) - 0.2;
    la = ob_problem_eval(a, x, ga, NULL);
    lb = ob_problem_eval(b, x, gb, NULL);
    agree = memcmp(&la, &lb, sizeof la) == 0 &&
            memcmp(ga, gb, sizeof(double) * a->dim) == 0 &&
            memcmp(&a->minimum, &b->minimum, sizeof a->minimum) == 0 &&
            memcmp(a->minimizer, b->minimizer, sizeof(double) * a->dim) == 0;
    free(x);
    free(ga);
    free(gb);
    return agree;
}

Test(sparse_logreg, data_depend_only_on_data_seed)
{
    static const struct ob_setting one = {"data_seed", "1"};
    static const struct ob_setting two = {"data_seed", "2"};
    struct ob_problem first, again, other;
    double counts_first[1000], counts_other[1000];

    create(&first, "sparse-logreg", NULL, 0);
    create(&again, "sparse-logreg", &one, 1);
    create(&other, "sparse-logreg", &two, 1);
    cr_assert(sparse_instances_agree(&first, &again),
              "data_seed 1 (the default) twice gave different data");
    cr_assert(!sparse_instances_agree(&first, &other),
              "data_seed 1 and 2 gave the same data");
    cr_assert_neq(first.minimum, other.minimum);
    sparse_word_counts(&first, 2000, counts_first);
    sparse_word_counts(&other, 2000, counts_other);
    cr_assert_neq(memcmp(counts_first, counts_other, sizeof counts_first), 0);
    ob_problem_destroy(&first);
    ob_problem_destroy(&again);
    ob_problem_destroy(&other);
}

Test(sparse_logreg, minimum_matches_the_documented_value)
{
    struct ob_problem p;
    double grad[1001];

    create(&p, "sparse-logreg", NULL, 0);
    cr_assert_eq(p.dim, 1001);
    cr_assert_eq(p.kind, OB_PROBLEM_DATASET);
    cr_assert_eq(p.train_rows, 2000);
    cr_assert_eq(p.stochastic, 0);
    cr_assert_eq(p.examples_per_gradient, 2000);
    for (size_t i = 0; i < p.dim; i++)
        cr_assert_eq(p.start[i], 0.0);
    /* 2000 terms log 2 summed in order: rounding below n eps log 2. */
    cr_assert(fabs(ob_problem_eval(&p, p.start, NULL, NULL) - log(2.0)) <
              2000.0 * 2.3e-16 * log(2.0));
    cr_assert(fabs(p.minimum - 0.2435209559809) < 1e-13, "minimum %.17g",
              p.minimum);
    ob_problem_eval(&p, p.minimizer, grad, NULL);
    cr_assert_leq(norm(grad, p.dim), 1e-15, "gradient norm %g",
                  norm(grad, p.dim));
    ob_problem_destroy(&p);
}

/* A point near zero where every document's score differs. */
static void sparse_point(double *x, size_t dim)
{
    for (size_t i = 0; i < dim; i++)
        x[i] = 0.1 * (double)(i % 5) - 0.2;
}

Test(sparse_logreg, minibatch_slices_of_an_epoch_average_to_the_full_batch)
{
    static const struct ob_setting batch = {"batch", "40"};
    struct ob_problem p;
    double x[1001], full[1001], grad[1001], sum[1001] = {0};
    double full_loss, loss_sum = 0.0;
    size_t order[2000];

    create(&p, "sparse-logreg", &batch, 1);
    cr_assert_eq(p.kind, OB_PROBLEM_DATASET);
    cr_assert_eq(p.stochastic, 1);
    cr_assert_eq(p.batch, 40);
    cr_assert_eq(p.examples_per_gradient, 40);
    cr_assert_eq(ob_problem_steps_per_epoch(&p), 50);
    sparse_point(x, p.dim);
    full_loss = ob_problem_eval(&p, x, full, NULL);

    /* One epoch in reversed order, 50 slices of 40: each slice carries
     * the whole penalty, so their mean is the full-batch loss. */
    for (size_t i = 0; i < 2000; i++)
        order[i] = 1999 - i;
    for (size_t k = 0; k < 50; k++) {
        loss_sum += p.type->eval_rows(&p, x, grad, order + 40 * k, 40);
        for (size_t i = 0; i < p.dim; i++)
            sum[i] += grad[i];
    }
    cr_assert(fabs(loss_sum / 50.0 - full_loss) <= 1e-14,
              "mean of slices %.17g, full batch %.17g", loss_sum / 50.0,
              full_loss);
    for (size_t i = 0; i < p.dim; i++)
        cr_assert(fabs(sum[i] / 50.0 - full[i]) <= 1e-14,
                  "coordinate %zu: mean of slices %.17g, full batch %.17g",
                  i, sum[i] / 50.0, full[i]);

    /* All rows in one call: the full batch up to rounding. */
    loss_sum = p.type->eval_rows(&p, x, grad, order, 2000);
    cr_assert(fabs(loss_sum - full_loss) <= 1e-14, "%.17g, %.17g", loss_sum,
              full_loss);
    for (size_t i = 0; i < p.dim; i++)
        cr_assert(fabs(grad[i] - full[i]) <= 1e-14,
                  "coordinate %zu: all rows %.17g, full batch %.17g", i,
                  grad[i], full[i]);
    ob_problem_destroy(&p);
}

/* Central differences of eval_rows on a few documents, every coordinate:
 * the loss is smooth with third derivatives of order counts^3 (at most a
 * few hundred here), so the error is near 1e-9 and 1e-6 of max(1, |g|)
 * keeps a wide margin. */
Test(sparse_logreg, eval_rows_gradient_matches_finite_differences)
{
    static const size_t rows[] = {0, 17, 17, 444, 1999};
    const size_t count = sizeof rows / sizeof rows[0];
    struct ob_problem p;
    double x[1001], grad[1001], probe[1001];
    double scale = 1.0;

    create(&p, "sparse-logreg", NULL, 0);
    sparse_point(x, p.dim);
    p.type->eval_rows(&p, x, grad, rows, count);
    for (size_t i = 0; i < p.dim; i++)
        scale = fmax(scale, fabs(grad[i]));
    memcpy(probe, x, sizeof x);
    for (size_t i = 0; i < p.dim; i++) {
        double h = cbrt(2.220446049250313e-16) * fmax(1.0, fabs(x[i]));
        double up, down;

        probe[i] = x[i] + h;
        up = p.type->eval_rows(&p, probe, NULL, rows, count);
        probe[i] = x[i] - h;
        down = p.type->eval_rows(&p, probe, NULL, rows, count);
        probe[i] = x[i];
        cr_expect(fabs((up - down) / ((x[i] + h) - (x[i] - h)) - grad[i]) <=
                      1e-6 * scale,
                  "d/dx%zu: analytic %.17g, central difference %.17g", i,
                  grad[i], (up - down) / ((x[i] + h) - (x[i] - h)));
    }
    ob_problem_destroy(&p);
}

Test(sparse_logreg, test_split_gives_the_documented_loss_and_accuracy)
{
    struct ob_problem p;
    double loss, accuracy, *x;

    create(&p, "sparse-logreg", NULL, 0);
    /* At zero every score is 0, class 0 is predicted, the loss is log 2;
     * 252 of the 500 test labels are 0. */
    p.type->evaluate_test(&p, p.start, &loss, &accuracy);
    cr_assert(fabs(loss - log(2.0)) < 500.0 * 2.3e-16 * log(2.0),
              "test loss %.17g", loss);
    cr_assert_eq(accuracy, 252.0 / 500.0, "accuracy %.17g", accuracy);

    /* The header's figures at the minimiser, and with the weights of the
     * words ranked past 100 set to zero. */
    p.type->evaluate_test(&p, p.minimizer, &loss, &accuracy);
    cr_assert(fabs(loss - 0.293) < 5e-4, "test loss %.17g", loss);
    cr_assert_eq(accuracy, 433.0 / 500.0, "accuracy %.17g", accuracy);
    x = new_vector(p.dim);
    memcpy(x, p.minimizer, sizeof(double) * 100);
    x[1000] = p.minimizer[1000];
    p.type->evaluate_test(&p, x, &loss, &accuracy);
    cr_assert_eq(accuracy, 419.0 / 500.0, "accuracy %.17g", accuracy);
    free(x);
    ob_problem_destroy(&p);
}

Test(sparse_logreg, test_rows_leave_the_training_set_alone)
{
    static const struct ob_setting fewer = {"test_rows", "100"};
    struct ob_problem first, other;
    double loss_first, loss_other, accuracy_first, accuracy_other;

    create(&first, "sparse-logreg", NULL, 0);
    create(&other, "sparse-logreg", &fewer, 1);
    cr_assert(sparse_instances_agree(&first, &other),
              "test_rows changed the training documents");
    first.type->evaluate_test(&first, first.minimizer, &loss_first,
                              &accuracy_first);
    other.type->evaluate_test(&other, other.minimizer, &loss_other,
                              &accuracy_other);
    cr_assert_neq(loss_first, loss_other);
    ob_problem_destroy(&first);
    ob_problem_destroy(&other);
}

Test(sparse_logreg, a_batch_of_every_document_is_the_full_batch)
{
    static const struct ob_setting whole = {"batch", "2000"};
    struct ob_problem p;

    create(&p, "sparse-logreg", &whole, 1);
    cr_assert_eq(p.stochastic, 0);
    cr_assert_eq(p.examples_per_gradient, 2000);
    cr_assert_eq(ob_problem_steps_per_epoch(&p), 1);
    ob_problem_destroy(&p);
}

Test(errors, bad_sparse_logreg_settings_are_named)
{
    static const struct {
        const char *key, *value, *named;
    } cases[] = {
        {"words", "0", "words=0"},      {"zipf", "0", "zipf=0"},
        {"zipf", "-0.5", "zipf=-0.5"},  {"zipf", "21", "zipf=21"},
        {"l2", "0", "l2=0"},            {"l2", "-1", "l2=-1"},
        {"length", "0", "length=0"},    {"train_rows", "0", "train_rows=0"},
        {"test_rows", "0", "test_rows=0"},
        {"batch", "-1", "batch=-1"},    {"data_seed", "-1", "data_seed=-1"},
    };
    static const struct ob_setting too_many[] = {{"train_rows", "1000000"},
                                                 {"length", "11"}};
    struct ob_error err;

    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        cr_assert_eq(create_fails("sparse-logreg", cases[c].key,
                                  cases[c].value, &err),
                     OB_EINVAL, "%s=%s", cases[c].key, cases[c].value);
        assert_mentions(err.message, cases[c].named);
        assert_mentions(err.message, "sparse-logreg");
    }
    cr_assert_eq(create_fails_with("sparse-logreg", too_many, 2, &err),
                 OB_EINVAL);
    assert_mentions(err.message, "train_rows=1e+06");
    assert_mentions(err.message, "length=11");
}

/* ---- linreg-synthetic and matrix-factorization ---- */

/* Solves a x = b (k x k, row by row, both overwritten; b becomes x) by
 * Gaussian elimination with partial pivoting. */
static void solve_dense(double *a, double *b, size_t k)
{
    for (size_t c = 0; c < k; c++) {
        size_t pivot = c;
        double swap;

        for (size_t i = c + 1; i < k; i++)
            if (fabs(a[i * k + c]) > fabs(a[pivot * k + c]))
                pivot = i;
        for (size_t j = 0; j < k; j++) {
            swap = a[c * k + j];
            a[c * k + j] = a[pivot * k + j];
            a[pivot * k + j] = swap;
        }
        swap = b[c];
        b[c] = b[pivot];
        b[pivot] = swap;
        for (size_t i = c + 1; i < k; i++) {
            double factor = a[i * k + c] / a[c * k + c];

            for (size_t j = c; j < k; j++)
                a[i * k + j] -= factor * a[c * k + j];
            b[i] -= factor * b[c];
        }
    }
    for (size_t i = k; i-- > 0;) {
        for (size_t j = i + 1; j < k; j++)
            b[i] -= a[i * k + j] * b[j];
        b[i] /= a[i * k + i];
    }
}

/* The gradient of a quadratic is affine, g(theta) = G theta - c, so G and
 * c come from dim + 1 gradients and the normal equations can be solved
 * here without the problem's own Cholesky code. At the solution the loss
 * is quadratic in the error, so both solutions give the same loss to
 * rounding (the loss is about 5e-3; 1e-15 is a few hundred ulps). */
Test(linreg_synthetic, minimum_is_the_normal_equations_solution)
{
    struct ob_problem p;
    double *gram, *theta, *at_zero, *column, *unit;
    size_t k;

    create(&p, "linreg-synthetic", NULL, 0);
    k = p.dim;
    cr_assert_eq(k, 21);
    cr_assert_eq(p.kind, OB_PROBLEM_DATASET);
    cr_assert_eq(p.train_rows, 800);
    cr_assert_eq(p.stochastic, 0);
    for (size_t j = 0; j < k; j++)
        cr_assert_eq(p.start[j], 0.0);
    gram = new_vector(k * k);
    theta = new_vector(k);
    at_zero = new_vector(k);
    column = new_vector(k);
    unit = new_vector(k);
    ob_problem_eval(&p, unit, at_zero, NULL);
    for (size_t j = 0; j < k; j++) {
        unit[j] = 1.0;
        ob_problem_eval(&p, unit, column, NULL);
        unit[j] = 0.0;
        for (size_t i = 0; i < k; i++)
            gram[i * k + j] = column[i] - at_zero[i];
        theta[j] = -at_zero[j];
    }
    solve_dense(gram, theta, k);
    cr_assert(fabs(ob_problem_eval(&p, theta, NULL, NULL) - p.minimum) <= 1e-15,
              "loss at the normal-equations solution %.17g, minimum %.17g",
              ob_problem_eval(&p, theta, NULL, NULL), p.minimum);
    for (size_t j = 0; j < k; j++)
        cr_expect(fabs(theta[j] - p.minimizer[j]) <= 1e-12,
                  "theta[%zu] %.17g, minimiser %.17g", j, theta[j],
                  p.minimizer[j]);
    ob_problem_eval(&p, p.minimizer, column, NULL);
    cr_assert_lt(norm(column, k), 1e-10);
    free(gram);
    free(theta);
    free(at_zero);
    free(column);
    free(unit);
    ob_problem_destroy(&p);
}

/* With k = 21 parameters, n = 800 training and 200 test rows, sigma 0.1:
 * the training minimum has mean (sigma^2 / 2)(1 - k / n) = 0.974 sigma^2/2
 * and relative standard deviation sqrt(2 / (n - k)) = 0.05; the test loss
 * at the minimiser has mean (sigma^2 / 2)(1 + k / (n - k - 1)) = 1.027
 * sigma^2/2 and, as a mean of 200 squared normals, relative standard
 * deviation about sqrt(2 / 200) = 0.1. Four standard deviations each: any
 * data_seed passes but for a 1e-4 fluke, a wrong noise scale (factor 4 in
 * the loss for 2 sigma) or a fitted-to-test mix-up does not. */
Test(linreg_synthetic, losses_are_near_the_noise_level)
{
    struct ob_problem p;
    double half_variance = 0.5 * 0.1 * 0.1, test_loss, test_accuracy;

    create(&p, "linreg-synthetic", NULL, 0);
    cr_assert(fabs(p.minimum / half_variance - (1.0 - 21.0 / 800.0)) <= 0.2,
              "training minimum %.17g, sigma^2/2 = %g", p.minimum,
              half_variance);
    p.type->evaluate_test(&p, p.minimizer, &test_loss, &test_accuracy);
    cr_assert(fabs(test_loss / half_variance - (1.0 + 21.0 / 778.0)) <= 0.4,
              "test loss %.17g, sigma^2/2 = %g", test_loss, half_variance);
    cr_assert(isnan(test_accuracy));
    ob_problem_destroy(&p);
}

Test(linreg_synthetic, noise_free_data_are_fitted_exactly)
{
    static const struct ob_setting exact[] = {{"sigma", "0"}};
    struct ob_problem p;

    create(&p, "linreg-synthetic", exact, 1);
    cr_assert_leq(p.minimum, 1e-25, "minimum %g without noise", p.minimum);
    cr_assert_leq(fabs(p.minimizer[p.dim - 1]), 1e-12, "bias %g",
                  p.minimizer[p.dim - 1]);
    ob_problem_destroy(&p);
}

/* M = A B^T from the stored minimiser (U = A, then V = B). */
static void factorization_target(const struct ob_problem *p, size_t m, size_t n,
                                 size_t r, double *target)
{
    const double *a = p->minimizer, *b = p->minimizer + m * r;

    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double sum = 0.0;

            for (size_t k = 0; k < r; k++)
                sum += a[i * r + k] * b[j * r + k];
            target[i * n + j] = sum;
        }
}

/* At the start U V^T = P is tiny, so f = 0.5 mean(M^2) - mean(M P) + 0.5
 * mean(P^2) and |f - 0.5 mean(M^2)| <= p_max mean|M| + 0.5 p_max^2 with
 * p_max = r max|U| max|V|: about 1e-5 here, against 0.5 mean(M^2) of
 * about 0.5. */
Test(matrix_factorization, start_sits_near_the_saddle_and_minimum_is_zero)
{
    const size_t m = 20, n = 15, r = 3;
    struct ob_problem p;
    double target[20 * 15], grad[105], zero[105] = {0}, toward[105];
    double half_mean_square = 0.0, mean_abs = 0.0, u_max = 0.0, v_max = 0.0;
    double p_max, start_loss;

    create(&p, "matrix-factorization", NULL, 0);
    cr_assert_eq(p.dim, (m + n) * r);
    cr_assert_eq(p.kind, OB_PROBLEM_FUNCTION);
    cr_assert_eq(p.minimum, 0.0);
    factorization_target(&p, m, n, r, target);
    for (size_t e = 0; e < m * n; e++) {
        half_mean_square += 0.5 * target[e] * target[e] / (double)(m * n);
        mean_abs += fabs(target[e]) / (double)(m * n);
    }
    for (size_t k = 0; k < p.dim; k++) {
        double *side_max = k < m * r ? &u_max : &v_max;

        cr_assert_leq(fabs(p.start[k]), 6e-3, "start[%zu] = %g", k, p.start[k]);
        *side_max = fmax(*side_max, fabs(p.start[k]));
    }
    p_max = (double)r * u_max * v_max;
    start_loss = ob_problem_eval(&p, p.start, NULL, NULL);
    cr_assert(fabs(start_loss - half_mean_square) <=
                  p_max * mean_abs + 0.5 * p_max * p_max + 1e-15,
              "start loss %.17g, 0.5 mean(M^2) %.17g", start_loss,
              half_mean_square);

    /* Exactly 0 with a zero gradient at (A, B). */
    cr_assert_eq(ob_problem_eval(&p, p.minimizer, grad, NULL), 0.0);
    for (size_t k = 0; k < p.dim; k++)
        cr_assert_eq(grad[k], 0.0);

    /* The origin is a critical point, yet the loss falls along (A, B):
     * negative curvature, a saddle and not a minimum. */
    cr_assert(fabs(ob_problem_eval(&p, zero, grad, NULL) - half_mean_square) <=
              1e-15);
    cr_assert_eq(norm(grad, p.dim), 0.0);
    for (size_t k = 0; k < p.dim; k++)
        toward[k] = 0.1 * p.minimizer[k];
    cr_assert_lt(ob_problem_eval(&p, toward, NULL, NULL), half_mean_square);
    ob_problem_destroy(&p);
}

Test(errors, bad_linreg_and_factorization_settings_are_named)
{
    static const struct {
        const char *problem, *key, *value, *named;
    } cases[] = {
        {"linreg-synthetic", "features", "0", "features=0"},
        {"linreg-synthetic", "sigma", "-0.1", "sigma=-0.1"},
        {"linreg-synthetic", "l2", "-1", "l2=-1"},
        {"linreg-synthetic", "train_rows", "0", "train_rows=0"},
        {"linreg-synthetic", "test_rows", "0", "test_rows=0"},
        {"linreg-synthetic", "batch", "-1", "batch=-1"},
        {"linreg-synthetic", "data_seed", "-1", "data_seed=-1"},
        {"linreg-synthetic", "train_rows", "10", "train_rows=10"},
        {"matrix-factorization", "r", "0", "r=0"},
        {"matrix-factorization", "r", "16", "r=16"},
        {"matrix-factorization", "m", "0", "m=0"},
        {"matrix-factorization", "n", "0", "n=0"},
        {"matrix-factorization", "data_seed", "-1", "data_seed=-1"},
    };
    struct ob_error err;

    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        cr_assert_eq(
            create_fails(cases[c].problem, cases[c].key, cases[c].value, &err),
            OB_EINVAL, "%s=%s", cases[c].key, cases[c].value);
        assert_mentions(err.message, cases[c].named);
        assert_mentions(err.message, cases[c].problem);
    }
}
