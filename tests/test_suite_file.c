/* Suite files: a valid file read back value by value (defaults, sweeps,
 * variant order, starts, targets, digest), one malformed file per kind of
 * error with the line it must name, and bundled-name lookup. Fixtures are
 * in tests/fixtures/suites. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/suite_file.h"

/* ---- helpers ---- */

static void fixture(const char *name, char *path, size_t size)
{
    const char *dir = getenv("OPTBENCH_FIXTURE_DIR");

    /* Run by hand from the source root, the variable is unset. */
    snprintf(path, size, "%s/suites/%s", dir != NULL ? dir : "tests/fixtures",
             name);
    cr_assert_eq(access(path, R_OK), 0, "fixture %s is missing", path);
}

static void load_fixture(struct ob_suite *suite, const char *name)
{
    char path[512];
    struct ob_error err = {0};
    int status;

    fixture(name, path, sizeof path);
    status = ob_suite_load(suite, path, &err);
    cr_assert_eq(status, OB_OK, "loading %s failed: %s", name, err.message);
}

static void assert_mentions(const char *message, const char *part)
{
    cr_assert_not_null(strstr(message, part), "message '%s' lacks '%s'",
                       message, part);
}

static void assert_zeroed(const struct ob_suite *suite)
{
    static const struct ob_suite zero;

    cr_assert(memcmp(suite, &zero, sizeof zero) == 0,
              "a failed load left something in the suite");
}

/* Loads fixture `name`, expects `status` and a message that starts with
 * "PATH:LINE: " and mentions `part` and `other` (either may be NULL). */
static void expect_error(const char *name, int line, int status,
                         const char *part, const char *other)
{
    struct ob_suite suite;
    struct ob_error err = {0};
    char path[512], prefix[600];
    int got;

    fixture(name, path, sizeof path);
    got = ob_suite_load(&suite, path, &err);
    cr_assert_eq(got, status, "%s: status %d, expected %d (%s)", name, got,
                 status, err.message);
    cr_assert_eq(err.status, status);
    snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
    cr_assert(strncmp(err.message, prefix, strlen(prefix)) == 0,
              "message '%s' should start with '%s'", err.message, prefix);
    if (part != NULL)
        assert_mentions(err.message, part);
    if (other != NULL)
        assert_mentions(err.message, other);
    assert_zeroed(&suite);
}

/* Writes text to DIR/name inside a new temporary folder DIR. */
static void write_temp(char *dir, size_t dir_size, const char *name,
                       const char *text, char *path, size_t size)
{
    FILE *file;

    if (dir[0] == '\0') {
        snprintf(dir, dir_size, "/tmp/optbench-suite-XXXXXX");
        cr_assert_not_null(mkdtemp(dir), "cannot make a temporary folder");
    }
    snprintf(path, size, "%s/%s", dir, name);
    file = fopen(path, "w");
    cr_assert_not_null(file, "cannot write %s", path);
    fputs(text, file);
    fclose(file);
}

/* Loads `text` from a temporary file and expects `status` with a message
 * that starts with "PATH:LINE: " and mentions `part`. */
static void expect_text_error(const char *text, int line, int status,
                              const char *part)
{
    char dir[64] = "", path[128], prefix[160];
    struct ob_suite suite;
    struct ob_error err = {0};
    int got;

    write_temp(dir, sizeof dir, "case.ini", text, path, sizeof path);
    got = ob_suite_load(&suite, path, &err);
    cr_assert_eq(got, status, "status %d, expected %d (%s) for:\n%s", got,
                 status, err.message, text);
    snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
    cr_assert(strncmp(err.message, prefix, strlen(prefix)) == 0,
              "message '%s' should start with '%s'", err.message, prefix);
    assert_mentions(err.message, part);
    assert_zeroed(&suite);
    unlink(path);
    rmdir(dir);
}

#define VALID_ENTRIES "[optimizer a]\ntype = sgd\n[problem p]\ntype = beale\n"

static void assert_values(const struct ob_suite_param *param, const char *key,
                          const char *const *values, size_t count, int line)
{
    cr_assert_str_eq(param->key, key);
    cr_assert_eq(param->line, line, "%s is at line %d, not %d", key,
                 param->line, line);
    cr_assert_eq(param->value_count, count, "%s has %zu values, not %zu", key,
                 param->value_count, count);
    for (size_t i = 0; i < count; i++)
        cr_assert_str_eq(param->values[i], values[i], "%s value %zu", key, i);
}

/* ---- a valid file ---- */

Test(suite_file, loads_every_suite_value)
{
    struct ob_suite suite;
    static const double targets[] = {1.0, 0.1, 1e-3, 1e-6};

    load_fixture(&suite, "all-features.ini");
    cr_assert_str_eq(suite.name, "all-features-check");
    assert_mentions(suite.path, "all-features.ini");
    cr_assert_eq(suite.seed, 42);
    cr_assert_eq(suite.seeds, 2);
    cr_assert_eq(suite.tuning_seeds, 3, "tuning_seeds keeps its default");
    cr_assert_eq(suite.steps, 200);
    cr_assert_eq(suite.eval_every, 10);
    cr_assert_eq(suite.target_count, 4);
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(suite.targets[i], targets[i],
                     "targets[%zu] = %.17g, expected %.17g (decreasing)", i,
                     suite.targets[i], targets[i]);
    cr_assert_eq(suite.optimizer_count, 2);
    cr_assert_eq(suite.problem_count, 2);
    ob_suite_free(&suite);
}

Test(suite_file, expands_a_list_and_a_logspace_to_exact_values)
{
    static const char *const sgd_lr[] = {"0.1", "0.01"};
    static const char *const momentum[] = {"0.9"};
    static const char *const nesterov[] = {"1"};
    static const char *const adam_lr[] = {"0.0001", "0.001", "0.01", "0.1",
                                          "1"};
    static const char *const beta1[] = {"0.8", "0.9"};
    struct ob_suite suite;
    const struct ob_suite_optimizer *sgd, *adam;

    load_fixture(&suite, "all-features.ini");
    sgd = &suite.optimizers[0];
    cr_assert_str_eq(sgd->label, "sgd-nesterov");
    cr_assert_eq(sgd->type, ob_optimizer_find("sgd"));
    cr_assert_eq(sgd->line, 12);
    cr_assert_eq(sgd->param_count, 3, "type is not a parameter");
    assert_values(&sgd->params[0], "lr", sgd_lr, 2, 14);
    assert_values(&sgd->params[1], "momentum", momentum, 1, 15);
    assert_values(&sgd->params[2], "nesterov", nesterov, 1, 16);
    cr_assert_eq(sgd->variant_count, 2);

    adam = &suite.optimizers[1];
    cr_assert_str_eq(adam->label, "adam");
    cr_assert_eq(adam->line, 18);
    cr_assert_eq(adam->param_count, 2);
    assert_values(&adam->params[0], "lr", adam_lr, 5, 20);
    assert_values(&adam->params[1], "beta1", beta1, 2, 21);
    cr_assert_eq(adam->variant_count, 10);
    ob_suite_free(&suite);
}

Test(suite_file, orders_variants_with_the_last_parameter_fastest)
{
    static const char *const texts[] = {
        "lr=0.0001 beta1=0.8", "lr=0.0001 beta1=0.9", "lr=0.001 beta1=0.8",
        "lr=0.001 beta1=0.9",  "lr=0.01 beta1=0.8",   "lr=0.01 beta1=0.9",
        "lr=0.1 beta1=0.8",    "lr=0.1 beta1=0.9",    "lr=1 beta1=0.8",
        "lr=1 beta1=0.9",
    };
    struct ob_suite suite;
    const struct ob_suite_optimizer *adam;
    struct ob_setting settings[2];
    char text[64], expected[64];

    load_fixture(&suite, "all-features.ini");
    adam = &suite.optimizers[1];
    for (size_t v = 0; v < adam->variant_count; v++) {
        ob_suite_variant_text(adam, v, text, sizeof text);
        cr_assert_str_eq(text, texts[v], "variant %zu", v);
        ob_suite_variant(adam, v, settings);
        snprintf(expected, sizeof expected, "%s=%s %s=%s", settings[0].key,
                 settings[0].value, settings[1].key, settings[1].value);
        cr_assert_str_eq(expected, texts[v], "settings of variant %zu", v);
    }
    ob_suite_free(&suite);
}

Test(suite_file, cuts_variant_text_to_the_buffer)
{
    struct ob_suite suite;
    char text[8];

    load_fixture(&suite, "all-features.ini");
    ob_suite_variant_text(&suite.optimizers[1], 0, text, sizeof text);
    cr_assert_str_eq(text, "lr=0.00");
    ob_suite_free(&suite);
}

Test(suite_file, keeps_problem_settings_and_start)
{
    struct ob_suite suite;
    const struct ob_suite_problem *quad, *rosen;

    load_fixture(&suite, "all-features.ini");
    quad = &suite.problems[0];
    cr_assert_str_eq(quad->label, "quad");
    cr_assert_eq(quad->type, ob_problem_find("quadratic"));
    cr_assert_eq(quad->line, 23);
    cr_assert_eq(quad->setting_count, 1, "start is not a setting");
    cr_assert_str_eq(quad->settings[0].key, "h");
    cr_assert_str_eq(quad->settings[0].value, "1, 10");
    cr_assert_eq(quad->start_count, 2);
    cr_assert_eq(quad->start[0], 2.0);
    cr_assert_eq(quad->start[1], -3.0);

    rosen = &suite.problems[1];
    cr_assert_str_eq(rosen->label, "rosen");
    cr_assert_eq(rosen->line, 30);
    cr_assert_eq(rosen->setting_count, 1);
    cr_assert_str_eq(rosen->settings[0].key, "n");
    cr_assert_str_eq(rosen->settings[0].value, "3");
    cr_assert_null(rosen->start, "no start means the problem's own");
    cr_assert_eq(rosen->start_count, 0);
    ob_suite_free(&suite);
}

Test(suite_file, records_the_sha256_of_the_file_bytes)
{
    struct ob_suite suite;
    char path[512], command[600], expected[80] = "";
    FILE *pipe;

    fixture("all-features.ini", path, sizeof path);
    snprintf(command, sizeof command, "sha256sum '%s'", path);
    pipe = popen(command, "r");
    cr_assert_not_null(pipe, "cannot run sha256sum");
    cr_assert_not_null(fgets(expected, sizeof expected, pipe));
    pclose(pipe);
    expected[64] = '\0';

    load_fixture(&suite, "all-features.ini");
    cr_assert_str_eq(suite.sha256, expected);
    ob_suite_free(&suite);
}

Test(suite_file, fills_defaults_for_a_minimal_file)
{
    static const double targets[] = {1e-1, 1e-2, 1e-3, 1e-4,
                                     1e-5, 1e-6, 1e-7, 1e-8};
    struct ob_suite suite;
    char text[8] = "x";

    load_fixture(&suite, "defaults.ini");
    cr_assert_str_eq(suite.name, "defaults", "the name is the file stem");
    cr_assert_eq(suite.seed, 1);
    cr_assert_eq(suite.seeds, 5);
    cr_assert_eq(suite.tuning_seeds, 3);
    cr_assert_eq(suite.steps, 1000);
    cr_assert_eq(suite.eval_every, 0);
    cr_assert_eq(suite.target_count, 8);
    for (size_t i = 0; i < 8; i++)
        cr_assert_eq(suite.targets[i], targets[i]);
    cr_assert_eq(suite.optimizers[0].param_count, 0);
    cr_assert_eq(suite.optimizers[0].variant_count, 1);
    ob_suite_variant_text(&suite.optimizers[0], 0, text, sizeof text);
    cr_assert_str_eq(text, "", "no parameters, no text");
    ob_suite_free(&suite);
}

Test(suite_file, gives_lo_for_a_logspace_of_one_value)
{
    char dir[64] = "", path[128];
    struct ob_suite suite;
    struct ob_error err = {0};

    write_temp(dir, sizeof dir, "one.ini",
               "[optimizer a]\ntype = adam\nlr = logspace(3e-4, 1, 1)\n"
               "[problem p]\ntype = rosenbrock\n",
               path, sizeof path);
    cr_assert_eq(ob_suite_load(&suite, path, &err), OB_OK, "%s", err.message);
    cr_assert_eq(suite.optimizers[0].params[0].value_count, 1);
    cr_assert_str_eq(suite.optimizers[0].params[0].values[0], "0.0003");
    ob_suite_free(&suite);
    unlink(path);
    rmdir(dir);
}

Test(suite_file, frees_a_zeroed_suite)
{
    struct ob_suite suite = {0};

    ob_suite_free(&suite);
    assert_zeroed(&suite);
}

/* ---- one malformed file per kind of error ---- */

Test(suite_file, reports_an_unknown_section_with_its_line)
{
    expect_error("error-unknown-section.ini", 7, OB_EINVAL, "unknown section",
                 "optimiser adam");
}

Test(suite_file, reports_an_unknown_suite_key_with_its_line)
{
    expect_error("error-suite-key.ini", 3, OB_EINVAL, "unknown key 'step'",
                 "steps");
}

Test(suite_file, reports_an_unknown_optimizer_type_and_lists_the_known)
{
    expect_error("error-optimizer-type.ini", 6, OB_EINVAL, "'adamm'", "sgd, ");
}

Test(suite_file, reports_an_unknown_hyperparameter_with_its_line)
{
    expect_error("error-hyperparameter.ini", 4, OB_EINVAL,
                 "unknown parameter 'lrr'", NULL);
}

Test(suite_file, reports_a_bad_number_naming_the_value)
{
    expect_error("error-number.ini", 3, OB_EINVAL, "lr", "'1e-3x'");
}

Test(suite_file, reports_a_fractional_step_count_naming_the_value)
{
    expect_error("error-steps.ini", 2, OB_EINVAL, "steps='1.5'",
                 "whole number");
}

Test(suite_file, reports_an_out_of_range_value_with_its_line)
{
    expect_error("error-range.ini", 4, OB_EINVAL, "beta1=1.5", NULL);
}

Test(suite_file, reports_an_empty_value_as_an_empty_sweep)
{
    expect_error("error-empty-value.ini", 3, OB_EINVAL, "empty sweep", "lr");
}

Test(suite_file, reports_an_empty_list_item_as_an_empty_sweep)
{
    expect_error("error-empty-item.ini", 4, OB_EINVAL, "empty sweep",
                 "lr='0.1, , 0.01'");
}

Test(suite_file, reports_a_logspace_without_a_count)
{
    expect_error("error-logspace-count.ini", 3, OB_EINVAL,
                 "bad logspace 'logspace(1, 0.1)'", "lo, hi, n");
}

Test(suite_file, reports_a_logspace_that_starts_at_zero)
{
    expect_error("error-logspace-zero.ini", 6, OB_EINVAL,
                 "bad logspace 'logspace(0, 1, 3)'", "> 0");
}

Test(suite_file, reports_a_missing_type_at_the_section_line)
{
    expect_error("error-missing-type.ini", 4, OB_EINVAL, "[optimizer adam]",
                 "no type");
}

Test(suite_file, reports_a_section_with_no_keys_as_missing_its_type)
{
    expect_error("error-empty-section.ini", 7, OB_EINVAL, "[problem quad]",
                 "no type");
}

Test(suite_file, reports_a_duplicate_label_at_the_second_section)
{
    expect_error("error-duplicate-label.ini", 7, OB_EINVAL,
                 "duplicate optimizer label 'adam'", "(first at line 1)");
}

Test(suite_file, reports_a_duplicate_key_at_its_second_line)
{
    expect_error("error-duplicate-key.ini", 5, OB_EINVAL, "duplicate key 'lr'",
                 "(first at line 3)");
}

Test(suite_file, reports_a_bad_combination_at_the_section_line)
{
    expect_error("error-nesterov.ini", 4, OB_EINVAL,
                 "variant 'lr=0.01 momentum=0 nesterov=1'", "nesterov");
}

Test(suite_file, reports_a_start_of_the_wrong_length_at_its_line)
{
    expect_error("error-start.ini", 6, OB_EINVAL,
                 "start has 3 values but problem 'quad' has dimension 2", NULL);
}

Test(suite_file, reports_an_unknown_problem_parameter_with_its_line)
{
    expect_error("error-problem-param.ini", 7, OB_EINVAL,
                 "unknown parameter 'hh'", NULL);
}

Test(suite_file, reports_a_line_without_equals_as_a_syntax_error)
{
    expect_error("error-syntax.ini", 3, OB_EINVAL, "syntax error", NULL);
}

Test(suite_file, reports_a_missing_optimizer_section_at_the_suite_line)
{
    expect_error("error-no-optimizer.ini", 3, OB_EINVAL,
                 "no [optimizer LABEL] section", NULL);
}

Test(suite_file, reports_an_indented_continuation_line)
{
    expect_error("error-continuation.ini", 4, OB_EINVAL, "indented", "'lr'");
}

Test(suite_file, reports_a_line_longer_than_inih_reads)
{
    char dir[64] = "", path[128], text[600];
    struct ob_suite suite;
    struct ob_error err = {0};
    char prefix[160];

    snprintf(text, sizeof text, "[optimizer a]\ntype = adam\n; %0400d\n", 0);
    write_temp(dir, sizeof dir, "long.ini", text, path, sizeof path);
    cr_assert_eq(ob_suite_load(&suite, path, &err), OB_EINVAL);
    snprintf(prefix, sizeof prefix, "%s:3: line is longer than", path);
    cr_assert(strncmp(err.message, prefix, strlen(prefix)) == 0, "%s",
              err.message);
    assert_zeroed(&suite);
    unlink(path);
    rmdir(dir);
}

Test(suite_file, reports_a_missing_file_as_an_io_error_naming_it)
{
    struct ob_suite suite;
    struct ob_error err = {0};
    const char *path = "/nonexistent/optbench/no-such-suite.ini";

    cr_assert_eq(ob_suite_load(&suite, path, &err), OB_EIO);
    cr_assert_eq(err.status, OB_EIO);
    assert_mentions(err.message, path);
    assert_zeroed(&suite);
}

Test(suite_file, rejects_suite_counts_out_of_range)
{
    expect_text_error("[suite]\nsteps = 0\n" VALID_ENTRIES, 2, OB_EINVAL,
                      "steps=0 must be in [1, 1000000000]");
    expect_text_error("[suite]\nsteps = 2e9\n" VALID_ENTRIES, 2, OB_EINVAL,
                      "steps=2e9");
    expect_text_error("[suite]\nseeds = 0\n" VALID_ENTRIES, 2, OB_EINVAL,
                      "seeds=0");
    expect_text_error("[suite]\n\ntuning_seeds = -1\n" VALID_ENTRIES, 3,
                      OB_EINVAL, "tuning_seeds=-1");
    expect_text_error("[suite]\nseed = 1e17\n" VALID_ENTRIES, 2, OB_EINVAL,
                      "seed=1e17");
    expect_text_error("[suite]\neval_every = x\n" VALID_ENTRIES, 2, OB_EINVAL,
                      "eval_every='x' is not a whole number");
}

Test(suite_file, rejects_targets_that_are_not_distinct_positive_numbers)
{
    expect_text_error("[suite]\ntargets = 1, 0\n" VALID_ENTRIES, 2, OB_EINVAL,
                      "targets: 0 must be > 0");
    expect_text_error("[suite]\ntargets = 0.1, 1, 0.1\n" VALID_ENTRIES, 2,
                      OB_EINVAL, "targets: 0.1 appears twice");
    expect_text_error("[suite]\ntargets = 1, 1e-2e\n" VALID_ENTRIES, 2,
                      OB_EINVAL, "'1e-2e'");
}

Test(suite_file, rejects_bad_labels_and_names)
{
    expect_text_error(VALID_ENTRIES "[problem a/b]\ntype = beale\n", 5,
                      OB_EINVAL, "bad label 'a/b'");
    expect_text_error(VALID_ENTRIES "\n[optimizer]\ntype = sgd\n", 6, OB_EINVAL,
                      "needs a label");
    expect_text_error("[suite]\nname = ../up\n" VALID_ENTRIES, 2, OB_EINVAL,
                      "name='../up'");
    expect_text_error("lr = 1\n" VALID_ENTRIES, 1, OB_EINVAL,
                      "before any section");
    expect_text_error("[suite]\n" VALID_ENTRIES "[suite]\n", 6, OB_EINVAL,
                      "second [suite] section (first at line 1)");
}

Test(suite_file, blames_the_value_that_fails_in_every_combination)
{
    /* nesterov = 1 fails alone (momentum defaults to 0) but passes with
     * the momentum given; weight_decay = -1 fails with everything. */
    expect_text_error("[optimizer a]\ntype = sgd\nnesterov = 1\n"
                      "momentum = 0.9\nweight_decay = -1\n"
                      "[problem p]\ntype = beale\n",
                      5, OB_EINVAL, "weight_decay=-1");
    /* Two problem parameters that only clash together: the section. */
    expect_text_error(VALID_ENTRIES "[problem q]\ntype = quadratic\n"
                                    "h = 1, 2\ncond = 10\n",
                      5, OB_EINVAL, "cond");
}

Test(suite_file, accepts_values_that_need_the_others)
{
    char dir[64] = "", path[128];
    struct ob_suite suite;
    struct ob_error err = {0};

    /* gamma > 1 needs the inverse-time schedule; n = 2 needs h to have
     * two values (the default h has four). */
    write_temp(dir, sizeof dir, "needs.ini",
               "[optimizer a]\ntype = sgd\ngamma = 2\n"
               "schedule = inverse-time\n"
               "[problem q]\ntype = quadratic\nn = 2\nh = 1, 2\n",
               path, sizeof path);
    cr_assert_eq(ob_suite_load(&suite, path, &err), OB_OK, "%s", err.message);
    ob_suite_free(&suite);
    unlink(path);
    rmdir(dir);
}

Test(suite_file, a_problem_sets_its_own_budget)
{
    char dir[64] = "", path[128];
    struct ob_suite suite;
    struct ob_error err = {0};
    const struct ob_suite_problem *own, *plain;

    write_temp(dir, sizeof dir, "budget.ini",
               "[suite]\nseeds = 5\ntuning_seeds = 3\n"
               "[optimizer a]\ntype = sgd\n"
               "[problem own]\ntype = logreg-breast-cancer\nbatch = 32\n"
               "epochs = 2\nseeds = 2\ntuning_seeds = 1\n"
               "[problem plain]\ntype = beale\nsteps = 40\n",
               path, sizeof path);
    cr_assert_eq(ob_suite_load(&suite, path, &err), OB_OK, "%s", err.message);
    own = &suite.problems[0];
    plain = &suite.problems[1];
    cr_assert_eq(own->epochs, 2);
    cr_assert_eq(own->seeds, 2);
    cr_assert_eq(own->tuning_seeds, 1);
    cr_assert_eq(own->steps, 0);
    cr_assert_eq(own->setting_count, 1, "budget keys are not parameters");
    cr_assert_str_eq(own->settings[0].key, "batch");
    cr_assert_eq(plain->steps, 40);
    cr_assert_eq(plain->seeds, 0);
    cr_assert_eq(plain->setting_count, 0);
    cr_assert_eq(ob_suite_replicates(&suite, 0, 0), 2);
    cr_assert_eq(ob_suite_replicates(&suite, 0, 1), 1);
    cr_assert_eq(ob_suite_replicates(&suite, 1, 0), 5);
    cr_assert_eq(ob_suite_replicates(&suite, 1, 1), 3);
    cr_assert_eq(ob_suite_most_replicates(&suite, 0), 5);
    cr_assert_eq(ob_suite_most_replicates(&suite, 1), 3);
    ob_suite_free(&suite);
    unlink(path);
    rmdir(dir);
}

Test(suite_file, a_problem_with_more_replicates_raises_the_most)
{
    char dir[64] = "", path[128];
    struct ob_suite suite;
    struct ob_error err = {0};

    write_temp(dir, sizeof dir, "more.ini",
               "[suite]\nseeds = 2\ntuning_seeds = 2\n" VALID_ENTRIES
               "seeds = 7\ntuning_seeds = 9\n",
               path, sizeof path);
    cr_assert_eq(ob_suite_load(&suite, path, &err), OB_OK, "%s", err.message);
    cr_assert_eq(ob_suite_most_replicates(&suite, 0), 7);
    cr_assert_eq(ob_suite_most_replicates(&suite, 1), 9);
    ob_suite_free(&suite);
    unlink(path);
    rmdir(dir);
}

Test(suite_file, rejects_problem_budgets_out_of_range_at_their_line)
{
    expect_text_error(VALID_ENTRIES "seeds = 0\n", 5, OB_EINVAL,
                      "seeds=0 must be in [1, 1000000]");
    expect_text_error(VALID_ENTRIES "steps = 10\ntuning_seeds = 1.5\n", 6,
                      OB_EINVAL, "tuning_seeds='1.5' is not a whole number");
    expect_text_error(VALID_ENTRIES "epochs = 0\n", 5, OB_EINVAL,
                      "epochs=0 must be in [1, 1000000]");
    expect_text_error(VALID_ENTRIES "seeds = 2\nseeds = 3\n", 6, OB_EINVAL,
                      "duplicate key 'seeds' (first at line 5)");
}

Test(suite_file, no_problem_parameter_is_named_like_a_budget_key)
{
    for (size_t i = 0; i < ob_problem_type_count; i++) {
        const struct ob_problem_type *type = ob_problem_types[i];

        for (size_t k = 0; k < type->param_count; k++)
            cr_assert(!ob_suite_is_budget_key(type->params[k].name),
                      "%s's parameter %s would be read as a budget", type->name,
                      type->params[k].name);
    }
    cr_assert(ob_suite_is_budget_key("tuning_seeds"));
    cr_assert(!ob_suite_is_budget_key("train_rows"));
}

Test(suite_file, reports_a_missing_data_file_at_the_problem_line)
{
    char empty[64] = "/tmp/optbench-nodata-XXXXXX";

    cr_assert_not_null(mkdtemp(empty));
    cr_assert_eq(setenv("OPTBENCH_DATA_DIR", empty, 1), 0);
    expect_text_error(VALID_ENTRIES "\n[problem lr]\n"
                                    "type = logreg-breast-cancer\n",
                      6, OB_EIO, "breast_cancer");
    unsetenv("OPTBENCH_DATA_DIR");
    rmdir(empty);
}

/* A fresh empty folder for OPTBENCH_FASHION_MNIST_DIR. */
static void point_fashion_at_empty(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/optbench-nofashion-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_eq(setenv("OPTBENCH_FASHION_MNIST_DIR", dir, 1), 0);
}

Test(suite_file, keeps_a_problem_without_its_data_set_as_unavailable)
{
    char empty[64], dir[64] = "", path[128];
    struct ob_suite suite;
    struct ob_error err = {0};
    const struct ob_suite_problem *fashion;

    point_fashion_at_empty(empty, sizeof empty);
    write_temp(dir, sizeof dir, "fashion.ini",
               VALID_ENTRIES "[problem fm]\ntype = mlp-fashion-mnist\n"
                             "train_rows = 100\nwidth = 8\nseeds = 2\n",
               path, sizeof path);
    cr_assert_eq(ob_suite_load(&suite, path, &err), OB_OK, "%s", err.message);
    cr_assert_eq(suite.problem_count, 2);
    cr_assert_null(suite.problems[0].unavailable);
    fashion = &suite.problems[1];
    cr_assert_not_null(fashion->unavailable);
    assert_mentions(fashion->unavailable, empty);
    assert_mentions(fashion->unavailable,
                    "apt-get install dataset-fashion-mnist");
    cr_assert_eq(fashion->setting_count, 2);
    cr_assert_eq(fashion->seeds, 2);
    ob_suite_free(&suite);
    unlink(path);
    rmdir(dir);

    /* Its values are still checked as far as their specs go. */
    expect_text_error(VALID_ENTRIES "[problem fm]\ntype = mlp-fashion-mnist\n"
                                    "activation = sigmoid\n",
                      7, OB_EINVAL, "activation");
    expect_text_error(VALID_ENTRIES "[problem fm]\ntype = mlp-fashion-mnist\n"
                                    "no_such_knob = 1\n",
                      7, OB_EINVAL, "no_such_knob");
    unsetenv("OPTBENCH_FASHION_MNIST_DIR");
    rmdir(empty);
}

Test(suite_file, reports_a_corrupt_data_set_at_the_problem_line)
{
    static const char *const names[] = {
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
    char dir[64], file[160];

    /* All four files, none of them IDX: a broken set, not a missing one. */
    point_fashion_at_empty(dir, sizeof dir);
    for (size_t i = 0; i < 4; i++) {
        FILE *out;

        snprintf(file, sizeof file, "%s/%s", dir, names[i]);
        out = fopen(file, "w");
        cr_assert_not_null(out);
        fputs("not an idx file", out);
        cr_assert_eq(fclose(out), 0);
    }
    snprintf(file, sizeof file, "%s/%s", dir, names[0]);
    expect_text_error(VALID_ENTRIES "\n[problem fm]\n"
                                    "type = softmax-fashion-mnist\n",
                      6, OB_EDATA, file);
    for (size_t i = 0; i < 4; i++) {
        snprintf(file, sizeof file, "%s/%s", dir, names[i]);
        unlink(file);
    }
    unsetenv("OPTBENCH_FASHION_MNIST_DIR");
    rmdir(dir);
}

/* ---- bundled suites ---- */

Test(suite_file, loads_a_bundled_suite_by_name)
{
    char dir[64] = "", path[128];
    struct ob_suite suite;
    struct ob_error err = {0};

    write_temp(dir, sizeof dir, "tiny.ini",
               "[optimizer a]\ntype = sgd\n[problem p]\ntype = rosenbrock\n",
               path, sizeof path);
    cr_assert_eq(setenv("OPTBENCH_SUITE_DIR", dir, 1), 0);
    cr_assert_str_eq(ob_suite_dir(), dir);
    cr_assert_eq(ob_suite_load_named(&suite, "tiny", &err), OB_OK, "%s",
                 err.message);
    cr_assert_str_eq(suite.name, "tiny");
    cr_assert_str_eq(suite.path, path);
    ob_suite_free(&suite);

    /* A name with a '/' is a path, wherever the bundled folder is. */
    cr_assert_eq(setenv("OPTBENCH_SUITE_DIR", "/nonexistent", 1), 0);
    cr_assert_eq(ob_suite_load_named(&suite, path, &err), OB_OK, "%s",
                 err.message);
    ob_suite_free(&suite);
    unsetenv("OPTBENCH_SUITE_DIR");
    unlink(path);
    rmdir(dir);
}

Test(suite_file, lists_the_bundled_suites_for_an_unknown_name)
{
    static const char *const files[] = {"zeta.ini", "alpha.ini", "notes.txt"};
    char dir[64] = "", path[3][128];
    struct ob_suite suite;
    struct ob_error err = {0};

    for (size_t i = 0; i < 3; i++)
        write_temp(dir, sizeof dir, files[i], "[suite]\n", path[i],
                   sizeof path[i]);
    cr_assert_eq(setenv("OPTBENCH_SUITE_DIR", dir, 1), 0);
    cr_assert_eq(ob_suite_load_named(&suite, "nope", &err), OB_EINVAL);
    cr_assert_eq(err.status, OB_EINVAL);
    cr_assert_str_eq(err.message,
                     "unknown suite 'nope' (bundled: alpha, zeta)");
    assert_zeroed(&suite);
    unsetenv("OPTBENCH_SUITE_DIR");
    for (size_t i = 0; i < 3; i++)
        unlink(path[i]);
    rmdir(dir);
}

Test(suite_file, finds_the_source_tree_suites_by_default)
{
    unsetenv("OPTBENCH_SUITE_DIR");
    assert_mentions(ob_suite_dir(), "problems/suites");
}

/* The default suite is what `make run` shows: every type of the catalogue
 * has an entry in it. */
Test(suite_file, the_default_suite_holds_every_problem_type)
{
    struct ob_suite suite;
    struct ob_error err = {0};

    unsetenv("OPTBENCH_SUITE_DIR");
    cr_assert_eq(ob_suite_load_named(&suite, "default", &err), OB_OK, "%s",
                 err.message);
    for (size_t i = 0; i < ob_problem_type_count; i++) {
        int found = 0;

        for (size_t q = 0; q < suite.problem_count; q++)
            found |= suite.problems[q].type == ob_problem_types[i];
        cr_expect(found, "the default suite has no %s",
                  ob_problem_types[i]->name);
    }
    ob_suite_free(&suite);
}
