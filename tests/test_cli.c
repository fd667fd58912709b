/* The optbench command line: trace output format, option forms, error
 * messages and exit codes, list, and the default suite's determinism. */
#include "cli_helpers.h"

#include <math.h>
#include <signal.h>
#include <time.h>

#include "models/idx.h"
#include "problem.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void assert_mentions(const struct cli_result *r, const char *needle)
{
    cr_assert_not_null(strstr(r->err, needle),
                       "stderr should mention '%s' but was: %s", needle,
                       r->err);
}

/* The n-th line of text (0-based) copied into line. */
static void nth_line(const char *text, size_t n, char *line, size_t size)
{
    for (size_t i = 0; i < n && text != NULL; i++) {
        text = strchr(text, '\n');
        if (text != NULL)
            text++;
    }
    cr_assert_not_null(text, "fewer than %zu lines", n + 1);
    size_t length = strcspn(text, "\n");
    cr_assert_lt(length, size);
    memcpy(line, text, length);
    line[length] = '\0';
}

static size_t count_lines(const char *text)
{
    size_t lines = 0;

    for (; *text; text++)
        lines += *text == '\n';
    return lines;
}

Test(trace, prints_header_start_row_and_one_row_per_step)
{
    struct cli_result r = run_cli(
        ARGS("trace", "--optimizer", "sgd", "--param", "lr=0.001",
             "--problem", "rosenbrock", "--steps", "10"), NULL);
    char line[512];

    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    nth_line(r.out, 0, line, sizeof line);
    cr_assert_str_eq(line, "step,loss,x0,x1");
    nth_line(r.out, 1, line, sizeof line);
    /* (1 + 1.5)^2 + 100 (2 - 2.25)^2 = 6.25 + 6.25 */
    cr_assert_str_eq(line, "0,12.5,-1.5,2");
    cr_assert_eq(count_lines(r.out), 12);
    nth_line(r.out, 11, line, sizeof line);
    cr_assert_eq(strncmp(line, "10,", 3), 0, "last row: %s", line);
    free_result(&r);
}

Test(trace, first_update_is_gradient_times_learning_rate)
{
    /* Gradient at (-1.5, 2): (-2 * 2.5 - 400 * -1.5 * -0.25, 200 * -0.25)
     * = (-155, -50), so one step of lr 0.01 lands on (0.05, 2.5). */
    struct cli_result r = run_cli(
        ARGS("trace", "--optimizer", "sgd", "--param", "lr=0.01",
             "--problem", "rosenbrock", "--steps", "1"), NULL);
    char line[512];
    double step, loss, x0, x1;

    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    nth_line(r.out, 2, line, sizeof line);
    cr_assert_eq(sscanf(line, "%lf,%lf,%lf,%lf", &step, &loss, &x0, &x1), 4);
    cr_assert_float_eq(x0, 0.05, 1e-15);
    cr_assert_float_eq(x1, 2.5, 1e-15);
    cr_assert_float_eq(loss, 0.95 * 0.95 + 100 * (2.5 - 0.0025) *
                                               (2.5 - 0.0025), 1e-12);
    free_result(&r);
}

Test(trace, accepts_x0_attached_and_separate)
{
    struct cli_result attached = run_cli(
        ARGS("trace", "--optimizer", "adam", "--problem", "rosenbrock",
             "--x0=-1.5,2", "--steps", "3"), NULL);
    struct cli_result separate = run_cli(
        ARGS("trace", "--optimizer", "adam", "--problem", "rosenbrock",
             "--x0", "1,2", "--steps", "3"), NULL);
    char line[512];

    cr_assert_eq(attached.exit_code, 0, "stderr: %s", attached.err);
    cr_assert_eq(separate.exit_code, 0, "stderr: %s", separate.err);
    nth_line(attached.out, 1, line, sizeof line);
    cr_assert_str_eq(line, "0,12.5,-1.5,2");
    nth_line(separate.out, 1, line, sizeof line);
    cr_assert_str_eq(line, "0,100,1,2");
    free_result(&attached);
    free_result(&separate);
}

Test(trace, prints_seventeen_significant_digits)
{
    struct cli_result r = run_cli(
        ARGS("trace", "--optimizer", "adam", "--param", "lr=0.1",
             "--problem", "beale", "--steps", "2"), NULL);
    char line[512], *last_field;

    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    nth_line(r.out, 3, line, sizeof line);
    last_field = strrchr(line, ',') + 1;
    /* A coordinate after two Adam steps is not a short decimal; %.17g
     * prints 17 significant digits so it round-trips. */
    size_t digits = 0;
    for (const char *c = last_field; *c && *c != 'e'; c++)
        digits += (*c >= '0' && *c <= '9');
    cr_assert_geq(digits, 16, "too few digits in %s", last_field);
    free_result(&r);
}

Test(trace, same_seed_gives_same_bytes_on_a_noisy_problem)
{
    struct cli_result a = run_cli(
        ARGS("trace", "--optimizer", "sgd", "--problem", "noisy-quadratic",
             "--steps", "50", "--seed", "7"), NULL);
    struct cli_result b = run_cli(
        ARGS("trace", "--optimizer", "sgd", "--problem", "noisy-quadratic",
             "--steps", "50", "--seed", "7"), NULL);
    struct cli_result c = run_cli(
        ARGS("trace", "--optimizer", "sgd", "--problem", "noisy-quadratic",
             "--steps", "50", "--seed", "8"), NULL);

    cr_assert_eq(a.exit_code, 0, "stderr: %s", a.err);
    cr_assert_str_eq(a.out, b.out);
    cr_assert_str_neq(a.out, c.out);
    free_result(&a);
    free_result(&b);
    free_result(&c);
}

Test(trace, reports_divergence_on_stderr_and_stops)
{
    struct cli_result r = run_cli(
        ARGS("trace", "--optimizer", "sgd", "--param", "lr=1",
             "--problem", "quadratic", "--steps", "1000"), NULL);

    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_mentions(&r, "diverged");
    cr_assert_lt(count_lines(r.out), 1001);
    free_result(&r);
}

struct bad_input {
    const char *args[16];
    int exit_code;
    const char *mention[3];
};

static const struct bad_input bad_inputs[] = {
    {{"trace", "--optimizer", "adamm", "--problem", "rosenbrock"},
     2, {"adamm", "adam"}},
    {{"trace", "--optimizer", "adam", "--problem", "rosenbrok"},
     2, {"rosenbrok", "rosenbrock"}},
    {{"trace", "--optimizer", "adam", "--param", "lr=-1", "--problem",
      "rosenbrock"}, 2, {"lr", "-1"}},
    {{"trace", "--optimizer", "adam", "--param", "beta1=1", "--problem",
      "rosenbrock"}, 2, {"beta1", "1"}},
    {{"trace", "--optimizer", "adam", "--param", "beta2=-0.1", "--problem",
      "rosenbrock"}, 2, {"beta2", "-0.1"}},
    {{"trace", "--optimizer", "adam", "--param", "betas=0.9", "--problem",
      "rosenbrock"}, 2, {"betas"}},
    {{"trace", "--optimizer", "adam", "--param", "lr=fast", "--problem",
      "rosenbrock"}, 2, {"lr", "fast"}},
    {{"trace", "--optimizer", "sgd", "--param", "nesterov=1", "--problem",
      "rosenbrock"}, 2, {"nesterov", "momentum"}},
    {{"trace", "--optimizer", "sgd", "--param", "nesterov=1", "--param",
      "momentum=0.9", "--param", "dampening=0.1", "--problem",
      "rosenbrock"}, 2, {"nesterov", "dampening"}},
    {{"trace", "--optimizer", "adam", "--param", "lr", "--problem",
      "rosenbrock"}, 2, {"KEY=VALUE", "lr"}},
    {{"trace", "--optimizer", "adam", "--param", "schedule=sometimes",
      "--problem", "rosenbrock"}, 2, {"schedule", "sometimes"}},
    {{"trace", "--optimizer", "adam", "--problem", "quadratic",
      "--problem-param", "h=1,0,3"}, 2, {"h", "0"}},
    {{"trace", "--optimizer", "adam", "--problem", "quadratic",
      "--problem-param", "width=3"}, 2, {"width"}},
    {{"trace", "--optimizer", "adam", "--problem", "rosenbrock", "--x0",
      "1,2,3"}, 2, {"--x0", "dimension"}},
    {{"trace", "--optimizer", "adam", "--problem", "rosenbrock", "--x0",
      "1,x"}, 2, {"--x0", "1,x"}},
    {{"trace", "--optimizer", "adam", "--problem", "rosenbrock", "--steps",
      "ten"}, 2, {"--steps", "ten"}},
    {{"trace", "--optimizer", "adam", "--problem", "rosenbrock", "--steps",
      "-5"}, 2, {"--steps", "-5"}},
    {{"trace", "--optimizer", "adam", "--problem", "rosenbrock", "--seed",
      "abc"}, 2, {"--seed", "abc"}},
    {{"trace", "--problem", "rosenbrock"}, 2, {"--optimizer"}},
    {{"trace", "--optimizer", "adam"}, 2, {"--problem"}},
    {{"trace", "--optimizer", "adam", "--problem", "rosenbrock",
      "--colour"}, 2, {"--colour"}},
    {{"trace", "--optimizer", "adam", "--problem", "rosenbrock", "--steps"},
     2, {"--steps"}},
    {{"frobnicate"}, 2, {"frobnicate"}},
    {{"run", "--jobs", "0"}, 2, {"--jobs", "0"}},
};

Test(cli, rejects_each_bad_input_naming_the_value)
{
    for (size_t i = 0; i < sizeof bad_inputs / sizeof bad_inputs[0]; i++) {
        const struct bad_input *b = &bad_inputs[i];
        struct cli_result r = run_cli(b->args, NULL);

        cr_assert_eq(r.exit_code, b->exit_code,
                     "case %zu (%s %s): exit %d, stderr: %s", i, b->args[1],
                     b->args[2] ? b->args[2] : "", r.exit_code, r.err);
        cr_assert_str_eq(r.out, "", "case %zu printed on stdout: %s", i,
                         r.out);
        cr_assert_eq(strncmp(r.err, "optbench: ", 10), 0,
                     "case %zu: %s", i, r.err);
        for (size_t m = 0; m < 3 && b->mention[m] != NULL; m++)
            cr_assert_not_null(strstr(r.err, b->mention[m]),
                               "case %zu: stderr should mention '%s': %s", i,
                               b->mention[m], r.err);
        free_result(&r);
    }
}

Test(cli, missing_data_file_is_named_with_exit_1)
{
    struct cli_result r = run_cli(
        ARGS("trace", "--optimizer", "adam", "--problem",
             "logreg-breast-cancer"),
        ((const char *const[]){"OPTBENCH_DATA_DIR=/nonexistent/optbench",
                               NULL}));

    cr_assert_eq(r.exit_code, 1, "stderr: %s", r.err);
    assert_mentions(&r, "/nonexistent/optbench/breast_cancer.csv");
    cr_assert_str_eq(r.out, "");
    free_result(&r);
}

Test(cli, trace_without_fashion_mnist_says_how_to_get_it_with_exit_1)
{
    char empty[64], fashion[128];
    struct cli_result r;

    make_temp_dir(empty, sizeof empty);
    snprintf(fashion, sizeof fashion, "OPTBENCH_FASHION_MNIST_DIR=%s", empty);
    r = run_cli(ARGS("trace", "--optimizer", "adam", "--problem",
                     "softmax-fashion-mnist"),
                ((const char *const[]){fashion, NULL}));
    cr_assert_eq(r.exit_code, 1, "stderr: %s", r.err);
    cr_assert_str_eq(r.out, "");
    cr_assert_eq(count_lines(r.err), 1, "%s", r.err);
    assert_mentions(&r, "optbench: fashion-mnist is not installed: no ");
    assert_mentions(&r, empty);
    assert_mentions(&r, "apt-get install dataset-fashion-mnist");
    free_result(&r);
    rmdir(empty);
}

Test(list, names_every_optimizer_and_problem_with_defaults)
{
    static const char *const expected[] = {
        "sgd:", "adagrad:", "rmsprop:", "adadelta:", "adam:", "adamw:",
        "adamax:", "nadam:", "rosenbrock:", "beale:", "quadratic:",
        "noisy-quadratic:", "saddle:", "monkey-saddle:", "cliff:",
        "logreg-breast-cancer:", "lr=0.001", "momentum_decay=0.004",
        "initial_accumulator_value=0", "clip_norm=0", "h=1,10,100,1000",
        "start (-1.5, 2)", "minimum 0 at (1, 1)",
    };
    struct cli_result r = run_cli(ARGS("list"), NULL);

    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        cr_assert_not_null(strstr(r.out, expected[i]),
                           "list should show '%s'", expected[i]);

    /* Every problem: "  NAME: description", then a line naming its kind. */
    for (size_t i = 0; i < ob_problem_type_count; i++) {
        const struct ob_problem_type *type = ob_problem_types[i];
        char heading[128], line[512];
        const char *at, *next;

        snprintf(heading, sizeof heading, "\n  %s: %s\n", type->name,
                 type->description);
        at = strstr(r.out, heading);
        cr_assert_not_null(at, "list lacks '%s'", heading + 1);
        next = at + strlen(heading);
        snprintf(line, sizeof line, "%.*s", (int)strcspn(next, "\n"), next);
        cr_assert(strncmp(line, type->eval_rows != NULL ? "    dataset, "
                                                        : "    function, ",
                          13) == 0,
                  "%s: kind line '%s'", type->name, line);
    }
    free_result(&r);
}

static int gnuplot_available(void)
{
    return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

/* Lines of text that contain needle. */
static size_t lines_mentioning(const char *text, const char *needle)
{
    size_t count = 0;

    for (const char *line = text; line != NULL && *line != '\0';) {
        const char *end = strchr(line, '\n');
        const char *hit = strstr(line, needle);

        count += hit != NULL && (end == NULL || hit < end);
        line = end != NULL ? end + 1 : NULL;
    }
    return count;
}

/* The default suite runs as on a machine without dataset-fashion-mnist
 * (an empty folder stands in for it): the Fashion-MNIST problems, minutes
 * of a single thread, are skipped with one line, and the rest runs. */
Test(run, default_suite_is_identical_with_one_and_two_threads,
     .timeout = 240)
{
    char one[64], two[64], empty[64], path[256], fashion[128];
    struct cli_result r1, r2;
    static const char *const files[] = {"runs.csv", "traces.csv",
                                        "paths.csv", "problems.csv",
                                        "summary.md"};
    static const char *const charted[] = {"rosenbrock", "cliff",
                                          "logreg-breast-cancer"};
    char *manifest;

    make_temp_dir(one, sizeof one);
    make_temp_dir(two, sizeof two);
    make_temp_dir(empty, sizeof empty);
    snprintf(fashion, sizeof fashion, "OPTBENCH_FASHION_MNIST_DIR=%s", empty);
    /* Every problem, three optimizers: what the thread count could change
     * (scheduling, seeding, minibatch order) does not depend on which
     * optimizer runs, and the whole suite twice would take minutes.
     * Charts with two threads: gnuplot then draws two at a time. */
    r1 = run_cli(ARGS("run", "--out", one, "--no-charts", "--only", "adam*"),
                 ((const char *const[]){"OMP_NUM_THREADS=1", fashion, NULL}));
    r2 = run_cli(ARGS("run", "--out", two, "--only", "adam*"),
                 ((const char *const[]){"OMP_NUM_THREADS=2", fashion, NULL}));
    cr_assert_eq(r1.exit_code, 0, "stderr: %s", r1.err);
    cr_assert_eq(r2.exit_code, 0, "stderr: %s", r2.err);
    cr_assert_eq(lines_mentioning(r1.err, "fashion"), 1, "%s", r1.err);
    assert_mentions(&r1, "warning: skipping softmax-fashion-mnist, "
                         "mlp-fashion-mnist: ");
    assert_mentions(&r1, "apt-get install dataset-fashion-mnist");
    assert_mentions(&r1, "OPTBENCH_FASHION_MNIST_DIR");
    snprintf(path, sizeof path, "%s/results/default/manifest.json", one);
    manifest = read_whole_file(path);
    cr_assert_not_null(manifest);
    cr_assert_not_null(strstr(manifest, "\"problem\": \"mlp-fashion-mnist\""),
                       "%s", manifest);
    free(manifest);
    rmdir(empty);

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *a, *b;

        snprintf(path, sizeof path, "%s/results/default/%s", one, files[i]);
        a = read_whole_file(path);
        snprintf(path, sizeof path, "%s/results/default/%s", two, files[i]);
        b = read_whole_file(path);
        cr_assert_not_null(a, "missing %s", files[i]);
        cr_assert_not_null(b, "missing %s", files[i]);
        cr_assert_gt(strlen(a), 500, "%s is too short", files[i]);
        cr_assert(strcmp(a, b) == 0, "%s differs between 1 and 2 threads",
                  files[i]);
        free(a);
        free(b);
    }
    for (size_t i = 0; i < sizeof charted / sizeof charted[0]; i++) {
        struct stat info;

        snprintf(path, sizeof path, "%s/plots/default/%s.gp", two,
                 charted[i]);
        cr_assert_eq(stat(path, &info), 0, "missing %s", path);
        if (gnuplot_available()) {
            snprintf(path, sizeof path, "%s/plots/default/%s.png", two,
                     charted[i]);
            cr_assert_eq(stat(path, &info), 0, "missing %s", path);
            cr_assert_gt(info.st_size, 1000);
        }
    }
    if (!gnuplot_available())
        assert_mentions(&r2, "gnuplot");
    free_result(&r1);
    free_result(&r2);
}

/* Starts optbench in the background with stdout and stderr discarded. */
static pid_t start_cli(const char *const *args)
{
    const char *binary = getenv("OPTBENCH_BIN");
    const char *argv[32];
    size_t argc = 0;
    pid_t child;

    argv[argc++] = binary;
    for (size_t i = 0; args[i] != NULL && argc < 31; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    fflush(NULL);
    child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        if (freopen("/dev/null", "w", stdout) == NULL ||
            freopen("/dev/null", "w", stderr) == NULL)
            _exit(125);
        execv(binary, (char *const *)argv);
        _exit(127);
    }
    return child;
}

Test(run, interrupt_then_resume_gives_the_uninterrupted_files,
     .timeout = 240)
{
    static const char *const files[] = {"runs.csv", "targets.csv",
                                        "traces.csv", "summary.csv",
                                        "problems.csv", "paths.csv",
                                        "summary.md"};
    char whole[64], parts[64], path[256];
    struct cli_result r;
    struct stat info;
    pid_t child;
    int status;

    make_temp_dir(whole, sizeof whole);
    make_temp_dir(parts, sizeof parts);
    r = run_cli(ARGS("run", "noise", "--out", whole, "--no-charts",
                     "--jobs", "2"), NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    free_result(&r);

    child = start_cli(ARGS("run", "noise", "--out", parts, "--no-charts",
                           "--jobs", "2"));
    nanosleep(&(struct timespec){0, 700000000L}, NULL);
    kill(child, SIGINT);
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert(WIFEXITED(status));
    cr_assert_eq(WEXITSTATUS(status), 130,
                 "the suite should still be running after 0.7 s");
    snprintf(path, sizeof path, "%s/results/noise/journal.partial", parts);
    cr_assert_eq(stat(path, &info), 0, "no journal after the interrupt");
    snprintf(path, sizeof path, "%s/results/noise/runs.csv", parts);
    cr_assert_neq(stat(path, &info), 0, "runs.csv written when interrupted");

    r = run_cli(ARGS("run", "noise", "--out", parts, "--no-charts",
                     "--resume"), NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_mentions(&r, "resumed");
    free_result(&r);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *a, *b;

        snprintf(path, sizeof path, "%s/results/noise/%s", whole,
                 files[i]);
        a = read_whole_file(path);
        snprintf(path, sizeof path, "%s/results/noise/%s", parts,
                 files[i]);
        b = read_whole_file(path);
        cr_assert_not_null(a);
        cr_assert_not_null(b);
        cr_assert(strcmp(a, b) == 0, "%s differs after --resume", files[i]);
        free(a);
        free(b);
    }
    snprintf(path, sizeof path, "rm -rf %s %s", whole, parts);
    cr_assert_eq(system(path), 0);
}

Test(run, malformed_suite_file_names_file_and_line_and_writes_nothing)
{
    char dir[64], suite[128], results[160];
    struct cli_result r;
    struct stat info;
    FILE *file;

    make_temp_dir(dir, sizeof dir);
    snprintf(suite, sizeof suite, "%s/broken.ini", dir);
    file = fopen(suite, "w");
    cr_assert_not_null(file);
    fputs("[suite]\nsteps = 10\n[optimizer adam]\ntype = adam\n"
          "lr = 0.1, fast\n[problem q]\ntype = quadratic\n", file);
    fclose(file);
    r = run_cli(ARGS("run", suite, "--out", dir), NULL);
    cr_assert_eq(r.exit_code, 2, "stderr: %s", r.err);
    snprintf(results, sizeof results, "%s:5:", suite);
    assert_mentions(&r, results);
    assert_mentions(&r, "fast");
    snprintf(results, sizeof results, "%s/results", dir);
    cr_assert_neq(stat(results, &info), 0, "results/ was created");
    free_result(&r);

    r = run_cli(ARGS("run", "no-such-suite", "--out", dir), NULL);
    cr_assert_eq(r.exit_code, 2, "stderr: %s", r.err);
    assert_mentions(&r, "no-such-suite");
    assert_mentions(&r, "quick");
    free_result(&r);
    snprintf(results, sizeof results, "rm -rf %s", dir);
    cr_assert_eq(system(results), 0);
}

/* Every malformed fixture: exit 2, one line naming FILE:LINE, no results. */
Test(run, every_malformed_suite_fixture_is_refused_before_any_work)
{
    const char *fixtures = getenv("OPTBENCH_FIXTURE_DIR");
    char command[512], dir[64], results[128];
    FILE *listing;
    char name[256];
    size_t checked = 0;

    cr_assert_not_null(fixtures);
    make_temp_dir(dir, sizeof dir);
    snprintf(command, sizeof command, "ls %s/suites/error-*.ini", fixtures);
    listing = popen(command, "r");
    cr_assert_not_null(listing);
    while (fgets(name, sizeof name, listing) != NULL) {
        struct cli_result r;
        struct stat info;
        char prefix[300];

        name[strcspn(name, "\n")] = '\0';
        r = run_cli(ARGS("run", name, "--out", dir), NULL);
        cr_assert_eq(r.exit_code, 2, "%s: exit %d, %s", name, r.exit_code,
                     r.err);
        snprintf(prefix, sizeof prefix, "optbench: %s:", name);
        cr_assert_eq(strncmp(r.err, prefix, strlen(prefix)), 0,
                     "%s: stderr should start with the file name: %s", name,
                     r.err);
        cr_assert_eq(strchr(r.err, '\n') - r.err + 1, (long)strlen(r.err),
                     "%s: more than one line: %s", name, r.err);
        snprintf(results, sizeof results, "%s/results", dir);
        cr_assert_neq(stat(results, &info), 0, "%s: results/ created",
                      name);
        free_result(&r);
        checked++;
    }
    pclose(listing);
    cr_assert_geq(checked, 15);
    snprintf(command, sizeof command, "rm -rf %s", dir);
    cr_assert_eq(system(command), 0);
}

Test(trace, dataset_problem_prints_a_row_per_epoch_with_test_metrics)
{
    struct cli_result r = run_cli(
        ARGS("trace", "--optimizer", "adam", "--param", "lr=0.01",
             "--problem", "logreg-breast-cancer", "--problem-param",
             "batch=32", "--epochs", "5"), NULL);
    char line[512];
    double step, epoch, loss, test_loss, accuracy;

    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    nth_line(r.out, 0, line, sizeof line);
    cr_assert_str_eq(line, "step,epoch,loss,test_loss,test_accuracy");
    /* 456 training rows in batches of 32: 15 steps an epoch. */
    cr_assert_eq(count_lines(r.out), 7);
    nth_line(r.out, 6, line, sizeof line);
    cr_assert_eq(sscanf(line, "%lf,%lf,%lf,%lf,%lf", &step, &epoch, &loss,
                        &test_loss, &accuracy), 5, "%s", line);
    cr_assert_eq(step, 75);
    cr_assert_eq(epoch, 5);
    cr_assert_lt(loss, 0.3);
    cr_assert_gt(accuracy, 0.9);
    free_result(&r);
}

/* Test accuracy on the last row of a dataset trace. */
static double final_test_accuracy(const struct cli_result *r)
{
    char line[512];
    double step, epoch, loss, test_loss, accuracy;

    cr_assert_eq(r->exit_code, 0, "stderr: %s", r->err);
    nth_line(r->out, count_lines(r->out) - 1, line, sizeof line);
    cr_assert_eq(sscanf(line, "%lf,%lf,%lf,%lf,%lf", &step, &epoch, &loss,
                        &test_loss, &accuracy), 5, "%s", line);
    return accuracy;
}

/* A one-hidden-layer net separates the two moons almost perfectly. */
Test(trace, mlp_moons_reaches_97_percent_test_accuracy)
{
    struct cli_result r = run_cli(
        ARGS("trace", "--optimizer", "adam", "--param", "lr=0.01",
             "--problem", "mlp-moons", "--problem-param", "batch=50",
             "--epochs", "30"), NULL);

    cr_assert_geq(final_test_accuracy(&r), 0.97);
    free_result(&r);
}

/* The published logistic-regression baseline on Fashion-MNIST is about
 * 0.84; ten epochs of adam at torch's default rate come within 0.01. */
Test(trace, softmax_fashion_mnist_reaches_83_percent_test_accuracy,
     .timeout = 120)
{
    char path[4200];
    struct cli_result r;

    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.gz",
             ob_fashion_mnist_dir());
    if (access(path, R_OK) != 0)
        cr_skip_test("Fashion-MNIST is not installed; run: apt-get install "
                     "dataset-fashion-mnist");
    r = run_cli(ARGS("trace", "--optimizer", "adam", "--param", "lr=1e-3",
                     "--problem", "softmax-fashion-mnist", "--problem-param",
                     "batch=128", "--epochs", "10"), NULL);
    cr_assert_geq(final_test_accuracy(&r), 0.83);
    free_result(&r);
}

Test(trace, epochs_need_a_dataset_problem_and_exclude_steps)
{
    struct cli_result r = run_cli(
        ARGS("trace", "--optimizer", "adam", "--problem", "rosenbrock",
             "--epochs", "3"), NULL);

    cr_assert_eq(r.exit_code, 2);
    assert_mentions(&r, "--epochs");
    free_result(&r);
    r = run_cli(ARGS("trace", "--optimizer", "adam", "--problem",
                     "logreg-breast-cancer", "--epochs", "3", "--steps",
                     "4"), NULL);
    cr_assert_eq(r.exit_code, 2);
    assert_mentions(&r, "--steps");
    free_result(&r);
}
