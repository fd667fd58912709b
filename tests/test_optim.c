/* Tests of src/optim: trajectories against torch.optim (tests/reference/,
 * written by make_reference.py), the contract every registered optimizer
 * keeps, learning-rate schedules and gradient clipping. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optim/optimizer.h"
#include "problem.h"

/* The C code repeats torch's operations in torch's order and matches the
 * references bit for bit here. Even one rounding moved elsewhere can grow
 * to 1e-4 over 200 steps (adam with clip_value on Rosenbrock), so this
 * bound still catches a reordered formula, not just a wrong one. */
#define REFERENCE_TOLERANCE 1e-9
#define MAX_CASES           256
#define MAX_SETTINGS        16
#define MAX_DIM             16

/* ---- helpers ---------------------------------------------------------- */

/* Relative comparison; the 1e-300 floor only lets tiny values near an exact
 * zero compare equal. NaN never matches. */
static int close_to(double got, double want, double tolerance)
{
    if (got == want)
        return 1;
    return fabs(got - want) <= tolerance * fmax(fabs(got), fabs(want)) + 1e-300;
}

/* The one float assertion of this file: prints both values in full. */
static void assert_close(double got, double want, double tolerance,
                         const char *what)
{
    cr_assert(close_to(got, want, tolerance),
              "%s: got %.17g, expected %.17g (relative tolerance %g)", what,
              got, want, tolerance);
}

static char *read_text(const char *path)
{
    FILE *file = fopen(path, "rb");
    char *text;
    long size;

    cr_assert(file != NULL, "cannot open %s", path);
    fseek(file, 0, SEEK_END);
    size = ftell(file);
    rewind(file);
    text = malloc((size_t)size + 1);
    cr_assert(text != NULL, "out of memory reading %s", path);
    cr_assert(fread(text, 1, (size_t)size, file) == (size_t)size,
              "cannot read %s", path);
    text[size] = '\0';
    fclose(file);
    return text;
}

/* meson sets OPTBENCH_REFERENCE_DIR; run by hand from the source root, the
 * relative path works too. */
static void reference_path(char *path, size_t size, const char *file)
{
    const char *dir = getenv("OPTBENCH_REFERENCE_DIR");

    if (dir == NULL || *dir == '\0')
        dir = "tests/reference";
    snprintf(path, size, "%s/%s", dir, file);
}

/* Splits text on spaces into KEY=VALUE settings (text is modified). */
static size_t split_settings(char *text, struct ob_setting *settings,
                             const char *where)
{
    size_t count = 0;

    for (char *token = strtok(text, " "); token != NULL;
         token = strtok(NULL, " ")) {
        struct ob_error err = {0};

        cr_assert(count < MAX_SETTINGS, "%s: too many settings", where);
        cr_assert(ob_setting_split(token, &settings[count], &err) == OB_OK,
                  "%s: %s", where, err.message);
        count++;
    }
    return count;
}

/* ---- the reference cases ---------------------------------------------- */

struct reference_case {
    char *file;
    char *optimizer;
    char *params;
    char *problem;
    char *problem_params;
    size_t steps;
};

struct case_list {
    char *text; /* cases.csv, cut in place into the fields below */
    struct reference_case cases[MAX_CASES];
    size_t count;
};

/* Cuts one CSV record starting at *cursor into at most `max` fields,
 * removing double quotes around a field (problem_params holds commas).
 * Returns the number of fields and moves *cursor past the line. */
static size_t split_record(char **cursor, char **fields, size_t max)
{
    char *in = *cursor;
    char *out = in;
    size_t count = 0;
    int quoted = 0;

    fields[count++] = out;
    for (; *in != '\0'; in++) {
        if (*in == '"') {
            quoted = !quoted;
        } else if (!quoted && *in == ',') {
            *out++ = '\0';
            if (count < max)
                fields[count] = out;
            count++;
        } else if (!quoted && (*in == '\n' || *in == '\r')) {
            break;
        } else {
            *out++ = *in;
        }
    }
    while (*in == '\n' || *in == '\r')
        in++;
    *out = '\0';
    *cursor = in;
    return count;
}

static void load_cases(struct case_list *list)
{
    char path[1024];
    char *cursor, *fields[8];

    reference_path(path, sizeof path, "cases.csv");
    list->text = read_text(path);
    list->count = 0;
    cursor = list->text;
    cr_assert(split_record(&cursor, fields, 8) == 6 &&
                  strcmp(fields[0], "file") == 0 &&
                  strcmp(fields[5], "steps") == 0,
              "%s: header must be file,optimizer,params,problem,"
              "problem_params,steps",
              path);
    while (*cursor != '\0') {
        struct reference_case *c;
        size_t line = list->count + 2;
        char *end;

        cr_assert(list->count < MAX_CASES, "%s: over %d cases", path,
                  MAX_CASES);
        c = &list->cases[list->count];
        cr_assert(split_record(&cursor, fields, 8) == 6,
                  "%s:%zu: expected 6 fields", path, line);
        c->file = fields[0];
        c->optimizer = fields[1];
        c->params = fields[2];
        c->problem = fields[3];
        c->problem_params = fields[4];
        c->steps = (size_t)strtoul(fields[5], &end, 10);
        cr_assert(*end == '\0' && c->steps > 0, "%s:%zu: bad steps '%s'", path,
                  line, fields[5]);
        list->count++;
    }
}

/* A trajectory file: rows of step, loss, x0 ... x(dim-1). */
struct trajectory {
    size_t dim;
    size_t rows;
    double *values; /* rows * (dim + 2) */
};

static void load_trajectory(const char *file, struct trajectory *t)
{
    char path[1024];
    char *text, *line;
    size_t columns = 1, capacity = 0;

    reference_path(path, sizeof path, file);
    text = read_text(path);
    cr_assert(strncmp(text, "step,loss,x0", 12) == 0,
              "%s: header must start step,loss,x0", path);
    for (line = text; *line != '\n' && *line != '\0'; line++)
        columns += *line == ',';
    t->dim = columns - 2;
    t->rows = 0;
    t->values = NULL;

    while (*line == '\n')
        line++;
    while (*line != '\0') {
        char *cursor = line;

        if (t->rows == capacity) {
            capacity = capacity ? 2 * capacity : 256;
            t->values = realloc(t->values, capacity * columns * sizeof(double));
            cr_assert(t->values != NULL, "out of memory reading %s", path);
        }
        for (size_t j = 0; j < columns; j++) {
            char *end;

            t->values[t->rows * columns + j] = strtod(cursor, &end);
            cr_assert(
                end != cursor && (*end == ',' || *end == '\n' || *end == '\0'),
                "%s:%zu: bad number in column %zu", path, t->rows + 2, j + 1);
            cursor = (*end == ',') ? end + 1 : end;
        }
        cr_assert(*cursor == '\n' || *cursor == '\0',
                  "%s:%zu: more than %zu columns", path, t->rows + 2, columns);
        t->rows++;
        line = cursor;
        while (*line == '\n')
            line++;
    }
    free(text);
}

/* Replays one case through ob_optimizer_step and compares every row. */
static void check_case(const struct reference_case *c)
{
    struct ob_setting settings[MAX_SETTINGS], problem_settings[MAX_SETTINGS];
    char params[512], problem_params[512], what[1200];
    const struct ob_optimizer_type *type;
    const struct ob_problem_type *problem_type;
    struct ob_optimizer opt;
    struct ob_problem problem;
    struct ob_error err = {0};
    struct trajectory t;
    double x[MAX_DIM], grad[MAX_DIM];
    size_t count, problem_count, columns;

    type = ob_optimizer_find(c->optimizer);
    cr_assert(type != NULL, "%s: optimizer '%s' is not in the registry",
              c->file, c->optimizer);
    problem_type = ob_problem_find(c->problem);
    cr_assert(problem_type != NULL, "%s: problem '%s' is not in the catalogue",
              c->file, c->problem);

    snprintf(params, sizeof params, "%s", c->params);
    snprintf(problem_params, sizeof problem_params, "%s", c->problem_params);
    count = split_settings(params, settings, c->file);
    problem_count = split_settings(problem_params, problem_settings, c->file);
    cr_assert(ob_problem_create(&problem, problem_type, problem_settings,
                                problem_count, &err) == OB_OK,
              "%s: %s", c->file, err.message);
    cr_assert(ob_optimizer_create(&opt, type, settings, count, problem.dim,
                                  &err) == OB_OK,
              "%s: %s", c->file, err.message);

    load_trajectory(c->file, &t);
    columns = t.dim + 2;
    cr_assert(t.dim == problem.dim && t.dim <= MAX_DIM,
              "%s: %zu coordinates, problem %s has %zu", c->file, t.dim,
              c->problem, problem.dim);
    cr_assert(t.rows == c->steps + 1, "%s: %zu rows for %zu steps", c->file,
              t.rows, c->steps);

    memcpy(x, problem.start, sizeof(double) * problem.dim);
    for (size_t k = 0; k < t.rows; k++) {
        const double *row = t.values + k * columns;
        double loss = ob_problem_eval(&problem, x, grad, NULL);

        cr_assert(row[0] == (double)k, "%s: row %zu is numbered %.17g", c->file,
                  k, row[0]);
        snprintf(what, sizeof what, "%s row %zu loss", c->file, k);
        assert_close(loss, row[1], REFERENCE_TOLERANCE, what);
        for (size_t i = 0; i < t.dim; i++) {
            snprintf(what, sizeof what, "%s row %zu x%zu", c->file, k, i);
            assert_close(x[i], row[2 + i], REFERENCE_TOLERANCE, what);
        }
        if (k + 1 < t.rows)
            ob_optimizer_step(&opt, x, grad);
    }

    free(t.values);
    ob_optimizer_destroy(&opt);
    ob_problem_destroy(&problem);
}

/* Runs every case of one optimizer; there must be at least two. */
static void check_optimizer_cases(const char *name)
{
    static struct case_list list;
    size_t ran = 0;

    load_cases(&list);
    for (size_t i = 0; i < list.count; i++) {
        if (strcmp(list.cases[i].optimizer, name) == 0) {
            check_case(&list.cases[i]);
            ran++;
        }
    }
    cr_assert(ran >= 2, "only %zu reference cases for %s", ran, name);
    free(list.text);
}

Test(sgd, matches_torch_trajectory)
{
    check_optimizer_cases("sgd");
}

Test(adagrad, matches_torch_trajectory)
{
    check_optimizer_cases("adagrad");
}

Test(rmsprop, matches_torch_trajectory)
{
    check_optimizer_cases("rmsprop");
}

Test(adadelta, matches_torch_trajectory)
{
    check_optimizer_cases("adadelta");
}

Test(adam, matches_torch_trajectory)
{
    check_optimizer_cases("adam");
}

Test(adamw, matches_torch_trajectory)
{
    check_optimizer_cases("adamw");
}

Test(adamax, matches_torch_trajectory)
{
    check_optimizer_cases("adamax");
}

Test(nadam, matches_torch_trajectory)
{
    check_optimizer_cases("nadam");
}

Test(reference, covers_every_registered_optimizer)
{
    static struct case_list list;

    load_cases(&list);
    for (size_t i = 0; i < list.count; i++)
        cr_expect(ob_optimizer_find(list.cases[i].optimizer) != NULL,
                  "cases.csv names unknown optimizer '%s'",
                  list.cases[i].optimizer);
    for (size_t t = 0; t < ob_optimizer_type_count; t++) {
        size_t found = 0;

        for (size_t i = 0; i < list.count; i++)
            found += strcmp(list.cases[i].optimizer,
                            ob_optimizer_types[t]->name) == 0;
        cr_expect(found >= 2, "cases.csv has %zu cases for %s", found,
                  ob_optimizer_types[t]->name);
    }
    free(list.text);
}

/* ---- the contract of every registered optimizer ----------------------- */

/* Checks `text` (one KEY=VALUE) is rejected by `type` with a message that
 * contains `expected`. */
static void assert_rejected(const struct ob_optimizer_type *type,
                            const char *text, const char *expected)
{
    struct ob_setting setting;
    struct ob_error err = {0};
    char copy[128];
    int status;

    snprintf(copy, sizeof copy, "%s", text);
    cr_assert(ob_setting_split(copy, &setting, &err) == OB_OK, "%s",
              err.message);
    status = ob_optimizer_check(type, &setting, 1, &err);
    cr_assert(status == OB_EINVAL, "%s: %s was accepted", type->name, text);
    cr_assert(strstr(err.message, expected) != NULL,
              "%s: message for %s should contain '%s', got '%s'", type->name,
              text, expected, err.message);
}

static void assert_accepted(const struct ob_optimizer_type *type,
                            const char *text)
{
    struct ob_setting setting;
    struct ob_error err = {0};
    char copy[128];

    snprintf(copy, sizeof copy, "%s", text);
    cr_assert(ob_setting_split(copy, &setting, &err) == OB_OK, "%s",
              err.message);
    cr_assert(ob_optimizer_check(type, &setting, 1, &err) == OB_OK,
              "%s: %s rejected: %s", type->name, text, err.message);
}

/* Runs `steps` updates on 3-D Rosenbrock from its start, writing every
 * iterate to out (steps * 3 values). */
static void run_contract_trajectory(struct ob_optimizer *opt, double *out,
                                    size_t steps)
{
    struct ob_setting n = {"n", "3"};
    struct ob_problem problem;
    struct ob_error err = {0};
    double x[3], grad[3];

    cr_assert(ob_problem_create(&problem, ob_problem_find("rosenbrock"), &n, 1,
                                &err) == OB_OK,
              "%s", err.message);
    memcpy(x, problem.start, sizeof x);
    for (size_t k = 0; k < steps; k++) {
        ob_problem_eval(&problem, x, grad, NULL);
        ob_optimizer_step(opt, x, grad);
        memcpy(out + 3 * k, x, sizeof x);
    }
    ob_problem_destroy(&problem);
}

/* Clipping, a schedule and warm-up are on, so the handle's state (step
 * count, clipping buffer) is covered along with the type's. */
static void create_contract_optimizer(struct ob_optimizer *opt,
                                      const struct ob_optimizer_type *type)
{
    static const struct ob_setting settings[] = {
        {"lr", "0.0001"}, {"clip_norm", "50"},   {"schedule", "cosine"},
        {"t_max", "40"},  {"warmup_steps", "5"},
    };
    struct ob_error err = {0};

    cr_assert(ob_optimizer_create(opt, type, settings,
                                  sizeof settings / sizeof settings[0], 3,
                                  &err) == OB_OK,
              "%s: %s", type->name, err.message);
}

/* Criterion copies parameters into a freshly started process, where
 * pointers from this one are meaningless (PIE), so the registry is passed
 * by index. */
static struct criterion_test_params registry_indices(void)
{
    static size_t indices[64];
    size_t count = ob_optimizer_type_count < 64 ? ob_optimizer_type_count : 64;

    for (size_t i = 0; i < count; i++)
        indices[i] = i;
    return cr_make_param_array(size_t, indices, count);
}

ParameterizedTestParameters(optimizer, rejects_negative_lr_naming_it)
{
    return registry_indices();
}

ParameterizedTest(size_t *index, optimizer, rejects_negative_lr_naming_it)
{
    const struct ob_optimizer_type *type = ob_optimizer_types[*index];

    assert_rejected(type, "lr=-0.5", "lr=-0.5");
    assert_rejected(type, "lr=-0.5", type->name);
}

ParameterizedTestParameters(optimizer, rejects_unknown_key_naming_it)
{
    return registry_indices();
}

ParameterizedTest(size_t *index, optimizer, rejects_unknown_key_naming_it)
{
    const struct ob_optimizer_type *type = ob_optimizer_types[*index];

    assert_rejected(type, "learning_rate=0.1", "'learning_rate'");
}

ParameterizedTestParameters(optimizer, gives_identical_trajectories_twice)
{
    return registry_indices();
}

ParameterizedTest(size_t *index, optimizer, gives_identical_trajectories_twice)
{
    const struct ob_optimizer_type *type = ob_optimizer_types[*index];
    struct ob_optimizer first, second;
    double a[3 * 60], b[3 * 60];

    create_contract_optimizer(&first, type);
    create_contract_optimizer(&second, type);
    run_contract_trajectory(&first, a, 60);
    run_contract_trajectory(&second, b, 60);
    cr_assert(memcmp(a, b, sizeof a) == 0,
              "%s: two runs with the same settings differ", type->name);
    for (size_t i = 0; i < 3 * 60; i++)
        cr_assert(isfinite(a[i]), "%s: iterate %zu is not finite", type->name,
                  i / 3);
    ob_optimizer_destroy(&first);
    ob_optimizer_destroy(&second);
}

ParameterizedTestParameters(optimizer, repeats_its_trajectory_after_reset)
{
    return registry_indices();
}

ParameterizedTest(size_t *index, optimizer, repeats_its_trajectory_after_reset)
{
    const struct ob_optimizer_type *type = ob_optimizer_types[*index];
    struct ob_optimizer opt;
    double a[3 * 60], b[3 * 60];

    create_contract_optimizer(&opt, type);
    run_contract_trajectory(&opt, a, 60);
    ob_optimizer_reset(&opt);
    run_contract_trajectory(&opt, b, 60);
    cr_assert(memcmp(a, b, sizeof a) == 0,
              "%s: the run after reset differs from the first", type->name);
    ob_optimizer_destroy(&opt);
}

ParameterizedTestParameters(optimizer, names_lr_first)
{
    return registry_indices();
}

ParameterizedTest(size_t *index, optimizer, names_lr_first)
{
    const struct ob_optimizer_type *type = ob_optimizer_types[*index];

    cr_assert(type->param_count >= 1 && strcmp(type->params[0].name, "lr") == 0,
              "%s: params[0] must be lr", type->name);
}

Test(optimizer, defaults_equal_torch)
{
    static const struct {
        const char *optimizer;
        const char *key;
        double value;
    } defaults[] = {
        {"adagrad", "lr", 1e-2},
        {"adagrad", "eps", 1e-10},
        {"adagrad", "lr_decay", 0.0},
        {"adagrad", "initial_accumulator_value", 0.0},
        {"rmsprop", "lr", 1e-2},
        {"rmsprop", "alpha", 0.99},
        {"rmsprop", "eps", 1e-8},
        {"rmsprop", "centered", 0.0},
        {"adadelta", "lr", 1.0},
        {"adadelta", "rho", 0.9},
        {"adadelta", "eps", 1e-6},
        {"adam", "lr", 1e-3},
        {"adam", "beta1", 0.9},
        {"adam", "beta2", 0.999},
        {"adam", "eps", 1e-8},
        {"adam", "weight_decay", 0.0},
        {"adam", "amsgrad", 0.0},
        {"adamw", "lr", 1e-3},
        {"adamw", "weight_decay", 1e-2},
        {"adamax", "lr", 2e-3},
        {"adamax", "beta2", 0.999},
        {"nadam", "lr", 2e-3},
        {"nadam", "momentum_decay", 4e-3},
    };

    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        const struct ob_optimizer_type *type =
            ob_optimizer_find(defaults[i].optimizer);
        struct ob_optimizer opt;
        struct ob_error err = {0};
        int index;

        cr_assert(type != NULL, "%s is not registered", defaults[i].optimizer);
        index =
            ob_params_find(type->params, type->param_count, defaults[i].key);
        cr_assert(index >= 0, "%s has no key %s", type->name, defaults[i].key);
        cr_assert(ob_optimizer_create(&opt, type, NULL, 0, 2, &err) == OB_OK,
                  "%s: %s", type->name, err.message);
        cr_expect(opt.hp[index] == defaults[i].value,
                  "%s: default %s=%.17g, torch has %.17g", type->name,
                  defaults[i].key, opt.hp[index], defaults[i].value);
        ob_optimizer_destroy(&opt);
    }
}

Test(optimizer, rejects_each_out_of_range_hyperparameter)
{
    static const struct {
        const char *optimizer;
        const char *setting;
    } bad[] = {
        {"adagrad", "lr_decay=-0.1"},
        {"adagrad", "weight_decay=-1"},
        {"adagrad", "initial_accumulator_value=-0.5"},
        {"adagrad", "eps=-1e-10"},
        {"rmsprop", "alpha=-0.1"},
        {"rmsprop", "alpha=1.5"},
        {"rmsprop", "momentum=1.5"},
        {"sgd", "momentum=1.5"},
        {"sgd", "momentum=-0.1"},
        {"sgd", "dampening=2"},
        {"sgd", "dampening=-0.5"},
        {"rmsprop", "eps=-1"},
        {"rmsprop", "momentum=-0.9"},
        {"rmsprop", "weight_decay=-0.01"},
        {"adadelta", "rho=1.5"},
        {"adadelta", "rho=-0.1"},
        {"adadelta", "eps=-1e-06"},
        {"adadelta", "weight_decay=-1"},
        {"adam", "eps=-1e-08"},
        {"adam", "weight_decay=-0.1"},
        {"adamw", "beta1=1"},
        {"adamw", "beta2=1.5"},
        {"adamw", "weight_decay=-0.01"},
        {"adamax", "beta1=1"},
        {"adamax", "beta2=-0.1"},
        {"adamax", "eps=-1"},
        {"nadam", "beta1=-0.5"},
        {"nadam", "beta2=1"},
        {"nadam", "momentum_decay=-0.004"},
        {"nadam", "weight_decay=-1"},
    };
    static const struct {
        const char *optimizer;
        const char *setting;
    } edge[] = {
        {"adadelta", "rho=1"}, {"adadelta", "rho=0"},  {"adam", "beta1=0"},
        {"adam", "beta2=0"},   {"rmsprop", "alpha=0"}, {"adagrad", "lr=0"},
        {"rmsprop", "alpha=1"}, {"sgd", "momentum=1"}, {"sgd", "dampening=1"},
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_rejected(ob_optimizer_find(bad[i].optimizer), bad[i].setting,
                        bad[i].setting);
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        assert_accepted(ob_optimizer_find(edge[i].optimizer), edge[i].setting);
}

Test(adam, rejects_beta1_of_one_and_negative_beta2)
{
    const struct ob_optimizer_type *adam = ob_optimizer_find("adam");

    assert_rejected(adam, "beta1=1", "adam: beta1=1 must be in [0, 1)");
    assert_rejected(adam, "beta2=-0.1", "adam: beta2=-0.1 must be in [0, 1)");
}

Test(sgd, rejects_nesterov_without_momentum_or_with_dampening)
{
    const struct ob_optimizer_type *sgd = ob_optimizer_find("sgd");
    struct ob_setting settings[3] = {
        {"nesterov", "1"}, {"momentum", "0.9"}, {"dampening", "0.1"}};
    struct ob_error err = {0};

    cr_assert(ob_optimizer_check(sgd, settings, 1, &err) == OB_EINVAL,
              "nesterov without momentum was accepted");
    cr_assert(strstr(err.message, "nesterov") != NULL, "got '%s'", err.message);
    cr_assert(ob_optimizer_check(sgd, settings, 3, &err) == OB_EINVAL,
              "nesterov with dampening was accepted");
    cr_assert(strstr(err.message, "dampening=0.1") != NULL, "got '%s'",
              err.message);
    cr_assert(ob_optimizer_check(sgd, settings, 2, &err) == OB_OK, "%s",
              err.message);
}

/* ---- learning-rate schedules ------------------------------------------ */

static double schedule_at(enum ob_schedule_kind kind, double step_size,
                          double gamma, double warmup_steps, uint64_t done)
{
    struct ob_schedule s = {kind, step_size, gamma, 100.0, 0.01, warmup_steps};

    return ob_schedule_lr(&s, 0.1, done);
}

Test(schedule, constant_keeps_the_base_rate)
{
    assert_close(schedule_at(OB_SCHEDULE_CONSTANT, 10, 0.5, 0, 0), 0.1, 0.0,
                 "constant at 0");
    assert_close(schedule_at(OB_SCHEDULE_CONSTANT, 10, 0.5, 0, 100000), 0.1,
                 0.0, "constant at 100000");
}

Test(schedule, step_multiplies_by_gamma_every_period)
{
    assert_close(schedule_at(OB_SCHEDULE_STEP, 10, 0.5, 0, 0), 0.1, 1e-15,
                 "step at 0");
    assert_close(schedule_at(OB_SCHEDULE_STEP, 10, 0.5, 0, 9), 0.1, 1e-15,
                 "step at 9");
    assert_close(schedule_at(OB_SCHEDULE_STEP, 10, 0.5, 0, 10), 0.05, 1e-15,
                 "step at 10");
    assert_close(schedule_at(OB_SCHEDULE_STEP, 10, 0.5, 0, 29), 0.025, 1e-15,
                 "step at 29");
}

Test(schedule, exponential_decays_smoothly_by_gamma_per_period)
{
    assert_close(schedule_at(OB_SCHEDULE_EXPONENTIAL, 10, 0.5, 0, 0), 0.1,
                 1e-15, "exponential at 0");
    assert_close(schedule_at(OB_SCHEDULE_EXPONENTIAL, 10, 0.5, 0, 5),
                 0.070710678118654752, 1e-15, "exponential at 5");
    assert_close(schedule_at(OB_SCHEDULE_EXPONENTIAL, 10, 0.5, 0, 20), 0.025,
                 1e-15, "exponential at 20");
}

Test(schedule, inverse_time_divides_by_one_plus_gamma_periods)
{
    assert_close(schedule_at(OB_SCHEDULE_INVERSE_TIME, 10, 0.5, 0, 0), 0.1,
                 1e-15, "inverse-time at 0");
    assert_close(schedule_at(OB_SCHEDULE_INVERSE_TIME, 10, 0.5, 0, 20), 0.05,
                 1e-15, "inverse-time at 20");
    assert_close(schedule_at(OB_SCHEDULE_INVERSE_TIME, 10, 0.5, 0, 5), 0.08,
                 1e-15, "inverse-time at 5");
}

Test(schedule, inverse_sqrt_divides_by_the_root_of_one_plus_periods)
{
    /* step_size = 10: lr / sqrt(1 + k/10) */
    assert_close(schedule_at(OB_SCHEDULE_INVERSE_SQRT, 10, 0.5, 0, 0), 0.1,
                 1e-15, "inverse-sqrt at 0");
    assert_close(schedule_at(OB_SCHEDULE_INVERSE_SQRT, 10, 0.5, 0, 30), 0.05,
                 1e-15, "inverse-sqrt at 30");
    assert_close(schedule_at(OB_SCHEDULE_INVERSE_SQRT, 10, 0.5, 0, 80),
                 0.1 / 3.0, 1e-15, "inverse-sqrt at 80");
}

Test(schedule, cosine_reaches_eta_min_at_t_max_and_stays)
{
    /* t_max = 100, eta_min = 0.01 */
    assert_close(schedule_at(OB_SCHEDULE_COSINE, 10, 0.5, 0, 0), 0.1, 1e-15,
                 "cosine at 0");
    assert_close(schedule_at(OB_SCHEDULE_COSINE, 10, 0.5, 0, 50), 0.055, 1e-15,
                 "cosine at 50");
    assert_close(schedule_at(OB_SCHEDULE_COSINE, 10, 0.5, 0, 25),
                 0.086819805153394639, 1e-15, "cosine at 25");
    assert_close(schedule_at(OB_SCHEDULE_COSINE, 10, 0.5, 0, 100), 0.01, 1e-15,
                 "cosine at 100");
    assert_close(schedule_at(OB_SCHEDULE_COSINE, 10, 0.5, 0, 150), 0.01, 1e-15,
                 "cosine at 150");
}

Test(schedule, warmup_ramps_linearly_then_leaves_the_schedule)
{
    assert_close(schedule_at(OB_SCHEDULE_CONSTANT, 10, 0.5, 4, 0), 0.025, 1e-15,
                 "warm-up at 0");
    assert_close(schedule_at(OB_SCHEDULE_CONSTANT, 10, 0.5, 4, 1), 0.05, 1e-15,
                 "warm-up at 1");
    assert_close(schedule_at(OB_SCHEDULE_CONSTANT, 10, 0.5, 4, 3), 0.1, 1e-15,
                 "warm-up at 3");
    assert_close(schedule_at(OB_SCHEDULE_CONSTANT, 10, 0.5, 4, 50), 0.1, 1e-15,
                 "warm-up at 50");
    /* composed: step halves every 2 updates, warm-up over 4 */
    assert_close(schedule_at(OB_SCHEDULE_STEP, 2, 0.5, 4, 2), 0.0375, 1e-15,
                 "step with warm-up at 2");
}

/* ---- gradient clipping ------------------------------------------------ */

Test(clip, norm_scales_by_max_norm_over_norm_plus_1e6)
{
    double g[2] = {3.0, 4.0};
    double norm = ob_clip_norm(g, 2, 1.0);

    assert_close(norm, 5.0, 0.0, "returned norm");
    /* 3 / 5.000001 and 4 / 5.000001: without torch's 1e-6 these would be
     * 0.6 and 0.8, far outside the tolerance. */
    assert_close(g[0], 0.59999988000002400, 1e-14, "g[0]");
    assert_close(g[1], 0.79999984000003200, 1e-14, "g[1]");
}

Test(clip, norm_at_the_limit_still_shrinks_by_the_epsilon)
{
    double g[2] = {3.0, 4.0};

    ob_clip_norm(g, 2, 5.0);
    assert_close(g[0], 2.9999994000001200, 1e-14, "g[0]");
    assert_close(g[1], 3.9999992000001600, 1e-14, "g[1]");
}

Test(clip, norm_leaves_small_gradients_unchanged)
{
    double g[3] = {0.3, -0.4, 0.0};
    double norm = ob_clip_norm(g, 3, 1.0);

    assert_close(norm, 0.5, 1e-15, "returned norm");
    cr_assert(g[0] == 0.3 && g[1] == -0.4 && g[2] == 0.0,
              "small gradient changed: %.17g %.17g %.17g", g[0], g[1], g[2]);
}

Test(clip, value_clamps_each_entry)
{
    double g[4] = {-3.0, 0.5, 2.0, -1.0};

    ob_clip_value(g, 4, 1.0);
    cr_assert(g[0] == -1.0 && g[1] == 0.5 && g[2] == 1.0 && g[3] == -1.0,
              "got %.17g %.17g %.17g %.17g", g[0], g[1], g[2], g[3]);
}

Test(clip, handle_leaves_the_callers_gradient_unchanged)
{
    struct ob_setting settings[2] = {{"clip_norm", "1"}, {"clip_value", "2"}};
    struct ob_optimizer opt;
    struct ob_error err = {0};
    double x[2] = {0.0, 0.0};
    const double g[2] = {30.0, -40.0};

    cr_assert(ob_optimizer_create(&opt, ob_optimizer_find("sgd"), settings, 2,
                                  2, &err) == OB_OK,
              "%s", err.message);
    ob_optimizer_step(&opt, x, g);
    cr_assert(g[0] == 30.0 && g[1] == -40.0, "gradient was modified");
    /* clamped to (2, -2), then scaled to norm 1: lr 1e-3 times that */
    assert_close(x[0], -1e-3 * 2.0 * (1.0 / (sqrt(8.0) + 1e-6)), 1e-15, "x[0]");
    ob_optimizer_destroy(&opt);
}
