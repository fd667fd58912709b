/* optbench compare: the rank test, Fisher's test and Holm's procedure
 * against hand-counted values; the command on identical, changed and bad
 * results folders; the false-alarm rate on runs that differ only in seeds. */
#include "cli_helpers.h"

#include <math.h>

#include "harness/compare.h"
#include "harness/harness.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void assert_close(double actual, double expected, const char *what)
{
    cr_assert(fabs(actual - expected) <= 1e-12 * fmax(1.0, fabs(expected)),
              "%s: got %.17g, expected %.17g", what, actual, expected);
}

static struct ob_rank_test rank_test(const double *x, size_t nx,
                                     const double *y, size_t ny)
{
    struct ob_rank_test test;
    struct ob_error err;

    cr_assert_eq(ob_mann_whitney(x, nx, y, ny, &test, &err), OB_OK, "%s",
                 err.message);
    return test;
}

/* ---- Mann-Whitney -------------------------------------------------------- */

Test(mann_whitney, three_against_three_fully_separated_gives_one_tenth)
{
    /* 2 of the C(6, 3) = 20 splits are as extreme: p = 0.1. */
    const double x[] = {1, 2, 3}, y[] = {4, 5, 6};
    struct ob_rank_test test = rank_test(x, 3, y, 3);

    cr_assert_eq(test.kind, OB_TEST_EXACT);
    assert_close(test.p, 0.1, "p");
    assert_close(test.u, 9.0, "U");
    assert_close(rank_test(y, 3, x, 3).p, 0.1, "p, sides swapped");
}

Test(mann_whitney, five_against_five_fully_separated_gives_2_over_252)
{
    const double x[] = {0.5, 0.1, 0.3, 0.2, 0.4};
    const double y[] = {1.0, 3.0, 2.0, 5.0, 4.0};

    assert_close(rank_test(x, 5, y, 5).p, 2.0 / 252.0, "p");
}

Test(mann_whitney, one_swapped_pair_in_four_against_four_gives_4_over_70)
{
    /* U = 1: the splits with U <= 1 are 2 of C(8, 4) = 70 on each side. */
    const double x[] = {1, 2, 3, 5}, y[] = {4, 6, 7, 8};
    struct ob_rank_test test = rank_test(x, 4, y, 4);

    assert_close(test.p, 4.0 / 70.0, "p");
    assert_close(test.u, 15.0, "U: pairs with y above x");
}

Test(mann_whitney, ties_use_the_exact_permutation_distribution)
{
    /* Pooled 1 2 2 2 3 4 has mid-ranks 1 3 3 3 5 6; x's rank sum 7 lies
     * 3.5 below its mean 10.5. Counting the 20 splits by rank sum: 7 (3
     * ways), 9 (4), 10 (3), 11 (3), 12 (4), 14 (3); 6 of them lie 3.5 or
     * more from the mean. */
    const double x[] = {1, 2, 2}, y[] = {2, 3, 4};
    struct ob_rank_test test = rank_test(x, 3, y, 3);

    cr_assert_eq(test.kind, OB_TEST_EXACT);
    assert_close(test.p, 6.0 / 20.0, "p");
    assert_close(test.u, 8.0, "U: 2 pairs above and 2 ties for y = 2");
}

Test(mann_whitney, infinity_and_nan_rank_last_as_ties)
{
    /* Mid-ranks 1 2 4.5 4.5 4.5 4.5; x's sum 7.5 is 3 below the mean 10.5,
     * as are the 4 splits {1, 2, inf}; the 4 all-inf splits are 3 above:
     * p = 8 / 20. */
    const double x[] = {1, 2, INFINITY}, y[] = {INFINITY, NAN, INFINITY};

    assert_close(rank_test(x, 3, y, 3).p, 8.0 / 20.0, "p");
}

Test(mann_whitney, all_values_tied_is_no_test_with_p_one)
{
    const double x[] = {2, 2, 2}, y[] = {2, 2, 2, 2};
    struct ob_rank_test test = rank_test(x, 3, y, 4);

    cr_assert_eq(test.kind, OB_TEST_NONE);
    cr_assert_eq(test.p, 1.0);
    cr_assert_eq(rank_test(x, 3, y, 0).p, 1.0, "an empty side");
}

Test(mann_whitney, large_samples_use_the_tie_corrected_normal_approximation)
{
    /* 30 zeros against 30 ones: U = 900 against a mean of 450; two tie
     * groups of 30 give sum(t^3 - t) = 53940, so sigma^2 = 900 / 12
     * (61 - 53940 / 3540). */
    double x[30], y[30], sigma = sqrt(75.0 * (61.0 - 53940.0 / 3540.0));
    struct ob_rank_test test;

    for (int i = 0; i < 30; i++) {
        x[i] = 0.0;
        y[i] = 1.0;
    }
    test = rank_test(x, 30, y, 30);
    cr_assert_eq(test.kind, OB_TEST_NORMAL);
    assert_close(test.u, 900.0, "U");
    cr_assert(fabs(test.p - erfc((449.5 / sigma) / sqrt(2.0))) <=
                  1e-9 * test.p,
              "p = %.17g", test.p);
}

Test(mann_whitney, exact_and_normal_agree_near_the_switch)
{
    /* 25 against 25 (exact) and 26 against 26 (normal), interleaved so
     * that p is moderate: the two methods land within 0.01. */
    double x[26], y[26];

    for (int i = 0; i < 26; i++) {
        x[i] = 2.0 * i;
        y[i] = 2.0 * i + (i % 3 == 0 ? 9.0 : 1.0);
    }
    cr_assert_eq(rank_test(x, 25, y, 25).kind, OB_TEST_EXACT);
    cr_assert_eq(rank_test(x, 26, y, 26).kind, OB_TEST_NORMAL);
    cr_assert(fabs(rank_test(x, 25, y, 25).p - rank_test(x, 26, y, 26).p) <
                  0.05,
              "exact %.4g, normal %.4g", rank_test(x, 25, y, 25).p,
              rank_test(x, 26, y, 26).p);
}

/* ---- Fisher and Holm ----------------------------------------------------- */

Test(fisher, three_of_four_against_one_of_four_gives_34_over_70)
{
    /* Hypergeometric weights 1 16 36 16 1 (of 70); the observed 16 and
     * every table no more likely: (1 + 16 + 16 + 1) / 70. */
    assert_close(ob_fisher_exact(3, 4, 1, 4), 34.0 / 70.0, "p");
    assert_close(ob_fisher_exact(1, 4, 3, 4), 34.0 / 70.0, "p, swapped");
}

Test(fisher, none_of_three_against_all_of_three_gives_one_tenth)
{
    assert_close(ob_fisher_exact(0, 3, 3, 3), 0.1, "p");
    cr_assert_eq(ob_fisher_exact(0, 3, 0, 5), 1.0, "no events at all");
    cr_assert_eq(ob_fisher_exact(3, 3, 5, 5), 1.0, "every run an event");
}

Test(holm, adjusts_a_known_example)
{
    /* Sorted 0.005 0.01 0.03 0.04 times 4 3 2 1: 0.02 0.03 0.06 0.04,
     * then the running maximum: 0.02 0.03 0.06 0.06. */
    const double p[] = {0.01, 0.04, 0.03, 0.005};
    const double expected[] = {0.03, 0.06, 0.06, 0.02};
    double adjusted[4];
    struct ob_error err;

    cr_assert_eq(ob_holm(p, 4, adjusted, &err), OB_OK);
    for (int i = 0; i < 4; i++)
        assert_close(adjusted[i], expected[i], "adjusted p");
}

Test(holm, caps_at_one_and_works_in_place)
{
    double p[] = {0.5, 0.9, 0.2};

    cr_assert_eq(ob_holm(p, 3, p, NULL), OB_OK);
    assert_close(p[0], 1.0, "0.5 x 2");
    assert_close(p[1], 1.0, "0.9");
    assert_close(p[2], 0.6, "0.2 x 3");
}

/* ---- The command --------------------------------------------------------- */

static void assert_mentions(const char *text, const char *needle,
                            const char *stream)
{
    cr_assert_not_null(strstr(text, needle), "%s should mention '%s' but "
                       "was: %s", stream, needle, text);
}

static void write_text(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");

    cr_assert_not_null(file, "cannot write %s", path);
    fputs(text, file);
    cr_assert_eq(fclose(file), 0);
}

static void remove_tree(const char *dir)
{
    char command[256];

    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    cr_assert_eq(system(command), 0);
}

static void copy_tree(const char *from, const char *to)
{
    char command[512];

    snprintf(command, sizeof command, "cp -r '%s' '%s'", from, to);
    cr_assert_eq(system(command), 0);
}

/* Runs a suite (a bundled name or a file) into OUT; fills results with
 * OUT/results/quick. */
static void run_quick(const char *suite, const char *out, char *results,
                      size_t size)
{
    struct cli_result r = run_cli(
        ARGS("run", suite, "--out", out, "--no-charts", "--no-progress"),
        NULL);

    cr_assert_eq(r.exit_code, 0, "run %s failed: %s", suite, r.err);
    free_result(&r);
    snprintf(results, size, "%s/results/quick", out);
}

static struct cli_result compare(const char *base, const char *fresh,
                                 const char *extra)
{
    if (extra != NULL)
        return run_cli(ARGS("compare", base, fresh, "--no-charts", extra),
                       NULL);
    return run_cli(ARGS("compare", base, fresh, "--no-charts"), NULL);
}

/* The quick suite with adam's eps = 0.1, written as DIR/quick.ini. */
static void write_slower_adam_suite(const char *dir, char *path,
                                    size_t size)
{
    const char *source = getenv("OPTBENCH_SOURCE_DIR");
    char original[512], *text, *header, *out;
    const char *entry = "[optimizer adam]";

    cr_assert_not_null(source, "OPTBENCH_SOURCE_DIR is not set");
    snprintf(original, sizeof original, "%s/problems/suites/quick.ini",
             source);
    text = read_whole_file(original);
    cr_assert_not_null(text, "cannot read %s", original);
    header = strstr(text, entry);
    cr_assert_not_null(header, "quick.ini has no adam entry");
    header += strlen(entry);
    out = malloc(strlen(text) + 64);
    cr_assert_not_null(out);
    /* The same suite name: only adam's hyperparameters differ. */
    snprintf(out, strlen(text) + 64, "%.*s\neps = 1e-1%s",
             (int)(header - text), text, header);
    snprintf(path, size, "%s/quick.ini", dir);
    write_text(path, out);
    free(text);
    free(out);
}

Test(compare, a_folder_against_itself_is_same_everywhere_with_p_one)
{
    char dir[64], results[128], path[256];
    struct cli_result r;
    char *csv;

    make_temp_dir(dir, sizeof dir);
    run_quick("quick", dir, results, sizeof results);
    r = compare(results, results, NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_mentions(r.out, "verdict", "stdout");
    cr_assert_null(strstr(r.out, "worse"), "stdout: %s", r.out);
    cr_assert_null(strstr(r.out, "better"), "stdout: %s", r.out);
    free_result(&r);

    /* Every cell same; every gap p-value 1 and its Holm value too. */
    snprintf(path, sizeof path, "%s/compare.csv", results);
    csv = read_whole_file(path);
    cr_assert_not_null(csv, "no compare.csv");
    for (char *line = strchr(csv, '\n') + 1; *line;
         line = strchr(line, '\n') + 1) {
        char verdict[32], test[32];
        double p, p_holm;

        cr_assert_eq(sscanf(line, "%*[^,],%*[^,],%31[^,],%*[^,],%*[^,],"
                            "%*[^,],%*[^,],%*[^,],%31[^,],%lf,%lf",
                            verdict, test, &p, &p_holm), 4,
                     "row: %.80s", line);
        cr_assert_str_eq(verdict, "same");
        cr_assert_eq(p, 1.0, "row: %.80s", line);
        cr_assert_eq(p_holm, 1.0, "row: %.80s", line);
    }
    free(csv);
    snprintf(path, sizeof path, "%s/compare.md", results);
    csv = read_whole_file(path);
    cr_assert_not_null(csv, "no compare.md");
    assert_mentions(csv, "| problem | optimizer |", "compare.md");
    free(csv);

    r = compare(results, results, "--exact");
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    assert_mentions(r.err, "identical", "stderr");
    free_result(&r);
    remove_tree(dir);
}

Test(compare, two_runs_of_the_same_code_match_byte_for_byte)
{
    char a[64], b[64], results_a[128], results_b[128];
    struct cli_result r;

    make_temp_dir(a, sizeof a);
    make_temp_dir(b, sizeof b);
    run_quick("quick", a, results_a, sizeof results_a);
    run_quick("quick", b, results_b, sizeof results_b);
    r = compare(results_a, results_b, "--exact");
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    free_result(&r);
    remove_tree(a);
    remove_tree(b);
}

Test(compare, a_slower_adam_is_worse_and_named_with_its_problems)
{
    char a[64], b[64], results_a[128], results_b[128], suite[128];
    struct cli_result r;
    size_t worse = 0;

    make_temp_dir(a, sizeof a);
    make_temp_dir(b, sizeof b);
    run_quick("quick", a, results_a, sizeof results_a);
    write_slower_adam_suite(b, suite, sizeof suite);
    run_quick(suite, b, results_b, sizeof results_b);

    r = compare(results_a, results_b, NULL);
    cr_assert_eq(r.exit_code, 1, "stdout: %s\nstderr: %s", r.out, r.err);
    assert_mentions(r.err, "worse: adam on ", "stderr");
    /* Every worse row of the table is adam's, and its problem is named
     * on stderr. */
    for (char *line = r.out; line != NULL && *line;) {
        char *end = strchr(line, '\n'), problem[64], optimizer[64];

        if (end != NULL)
            *end = '\0';
        if (strstr(line, " worse") != NULL) {
            cr_assert_eq(sscanf(line, "%63s %63s", problem, optimizer), 2);
            cr_assert_str_eq(optimizer, "adam", "row: %s", line);
            assert_mentions(r.err, problem, "stderr");
            worse++;
        }
        line = end ? end + 1 : NULL;
    }
    cr_assert_geq(worse, 1);
    free_result(&r);

    r = compare(results_a, results_b, "--exact");
    cr_assert_eq(r.exit_code, 1);
    assert_mentions(r.err, "runs.csv differs from the baseline first at "
                    "line", "stderr");
    assert_mentions(r.err, "/adam seed ", "stderr");
    assert_mentions(r.err, "moved: ", "stderr");
    free_result(&r);
    remove_tree(a);
    remove_tree(b);
}

Test(compare, exact_names_the_first_differing_trace_step)
{
    char a[64], b[128], results[128], path[256];
    struct cli_result r;
    char *text, *line;

    make_temp_dir(a, sizeof a);
    run_quick("quick", a, results, sizeof results);
    snprintf(b, sizeof b, "%s/copy", a);
    copy_tree(results, b);

    /* Change one loss digit on line 101 of the copy's traces.csv. */
    snprintf(path, sizeof path, "%s/traces.csv", b);
    text = read_whole_file(path);
    cr_assert_not_null(text);
    line = text;
    for (int i = 1; i < 101; i++)
        line = strchr(line, '\n') + 1;
    for (int commas = 0; commas < 4; line++)
        commas += *line == ',';
    *line = *line == '9' ? '8' : '9';
    write_text(path, text);
    free(text);

    r = compare(results, b, "--exact");
    cr_assert_eq(r.exit_code, 1, "stderr: %s", r.err);
    assert_mentions(r.err, "traces.csv differs from the baseline first at "
                    "line 101: ", "stderr");
    assert_mentions(r.err, " step ", "stderr");
    free_result(&r);
    remove_tree(a);
}

Test(compare, bad_inputs_exit_2_naming_the_file_or_line)
{
    char a[64], b[128], results[128], path[1024], missing[128];
    struct cli_result r;
    char *text, *line;

    make_temp_dir(a, sizeof a);
    run_quick("quick", a, results, sizeof results);
    snprintf(b, sizeof b, "%s/copy", a);
    copy_tree(results, b);

    /* A missing folder. */
    snprintf(missing, sizeof missing, "%s/no-such-folder", a);
    r = compare(missing, b, NULL);
    cr_assert_eq(r.exit_code, 2);
    assert_mentions(r.err, "no-such-folder", "stderr");
    free_result(&r);

    /* A malformed number on line 7 of runs.csv. */
    snprintf(path, sizeof path, "%s/runs.csv", b);
    text = read_whole_file(path);
    cr_assert_not_null(text);
    line = text;
    for (int i = 1; i < 7; i++)
        line = strchr(line, '\n') + 1;
    for (int commas = 0; commas < 6; line++)
        commas += *line == ',';
    memcpy(line, "x1", 2);
    write_text(path, text);
    r = compare(results, b, NULL);
    cr_assert_eq(r.exit_code, 2, "stderr: %s", r.err);
    assert_mentions(r.err, "runs.csv:7: final_loss", "stderr");
    free_result(&r);

    /* A row cut short on line 3. */
    line = text;
    for (int i = 1; i < 3; i++)
        line = strchr(line, '\n') + 1;
    memmove(line + 5, strchr(line, '\n'), strlen(strchr(line, '\n')) + 1);
    write_text(path, text);
    free(text);
    r = compare(results, b, NULL);
    cr_assert_eq(r.exit_code, 2);
    assert_mentions(r.err, "runs.csv:3: ", "stderr");
    free_result(&r);

    /* Another suite name in the manifest. */
    snprintf(path, sizeof path, "cp '%s/runs.csv' '%s/runs.csv' && "
             "sed -i 's/\"suite\": \"quick\"/\"suite\": \"other\"/' "
             "'%s/manifest.json'", results, b, b);
    cr_assert_eq(system(path), 0);
    r = compare(results, b, NULL);
    cr_assert_eq(r.exit_code, 2);
    assert_mentions(r.err, "different suites", "stderr");
    assert_mentions(r.err, "'other'", "stderr");
    free_result(&r);

    /* Another set of problems. */
    snprintf(path, sizeof path, "cp '%s/manifest.json' '%s/' && "
             "sed -i 's/^cliff,/cliff2,/' '%s/runs.csv'", results, b, b);
    cr_assert_eq(system(path), 0);
    r = compare(results, b, NULL);
    cr_assert_eq(r.exit_code, 2);
    assert_mentions(r.err, "different suites: problem 'cliff", "stderr");
    free_result(&r);
    remove_tree(a);
}

Test(compare, reads_crlf_quoted_fields_and_columns_in_other_places)
{
    char a[64], b[128], results[128], command[1024];
    struct cli_result r;

    make_temp_dir(a, sizeof a);
    run_quick("quick", a, results, sizeof results);
    snprintf(b, sizeof b, "%s/copy", a);
    copy_tree(results, b);
    /* A new first column holding quoted commas and quotes, CRLF endings
     * and a blank line. */
    snprintf(command, sizeof command,
             "awk 'NR == 1 { print \"note,\" $0 \"\\r\" } "
             "NR > 1 { print \"\\\"a, \\\"\\\"b\\\"\\\"\\\",\" "
             "$0 \"\\r\" } NR == 3 { print \"\\r\" }' "
             "'%s/runs.csv' > '%s/runs.csv'", results, b);
    cr_assert_eq(system(command), 0);
    r = compare(results, b, NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_null(strstr(r.out, "worse"), "stdout: %s", r.out);
    free_result(&r);

    r = compare(results, b, "--exact");
    cr_assert_eq(r.exit_code, 1);
    assert_mentions(r.err, "runs.csv differs from the baseline in its "
                    "header", "stderr");
    free_result(&r);
    remove_tree(a);
}

Test(compare, a_cell_on_one_side_only_is_missing_and_fails_the_gate)
{
    char a[64], b[128], results[128], command[512];
    struct cli_result r;

    make_temp_dir(a, sizeof a);
    run_quick("quick", a, results, sizeof results);
    snprintf(b, sizeof b, "%s/copy", a);
    copy_tree(results, b);
    snprintf(command, sizeof command,
             "sed -i '/^cliff,adam,.*,final,/d' '%s/runs.csv'", b);
    cr_assert_eq(system(command), 0);
    r = compare(results, b, NULL);
    cr_assert_eq(r.exit_code, 1, "stderr: %s", r.err);
    assert_mentions(r.out, "missing", "stdout");
    assert_mentions(r.err, "1 missing", "stderr");
    free_result(&r);
    remove_tree(a);
}

Test(compare, runs_of_other_only_globs_are_named_as_different_selections)
{
    char a[64], b[128], results[128], only[160], path[256], expected[512];
    char *manifest;
    struct cli_result r;

    make_temp_dir(a, sizeof a);
    run_quick("quick", a, results, sizeof results);
    snprintf(b, sizeof b, "%s/only", a);
    r = run_cli(ARGS("run", "quick", "--out", b, "--only", "rosenbrock/*",
                     "--no-charts", "--no-progress"),
                NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    free_result(&r);
    snprintf(only, sizeof only, "%s/results/quick", b);

    /* The key is there only when --only was given. */
    snprintf(path, sizeof path, "%s/manifest.json", only);
    manifest = read_whole_file(path);
    cr_assert_not_null(manifest);
    assert_mentions(manifest, "\"only\": \"rosenbrock/*\"", "manifest");
    free(manifest);
    snprintf(path, sizeof path, "%s/manifest.json", results);
    manifest = read_whole_file(path);
    cr_assert_not_null(manifest);
    cr_assert_null(strstr(manifest, "\"only\""), "%s", manifest);
    free(manifest);

    r = compare(results, only, NULL);
    cr_assert_eq(r.exit_code, 2, "stderr: %s", r.err);
    snprintf(expected, sizeof expected,
             "different selections of suite quick: %s ran the whole suite, "
             "%s ran --only 'rosenbrock/*'", results, only);
    assert_mentions(r.err, expected, "stderr");
    cr_assert_null(strstr(r.err, "different suites"), "%s", r.err);
    free_result(&r);
    remove_tree(a);
}

Test(compare, bad_options_exit_2)
{
    struct cli_result r = run_cli(ARGS("compare", "a", "b", "--alpha", "0"),
                                  NULL);

    cr_assert_eq(r.exit_code, 2);
    assert_mentions(r.err, "--alpha '0'", "stderr");
    free_result(&r);
    r = run_cli(ARGS("compare", "only-one"), NULL);
    cr_assert_eq(r.exit_code, 2);
    free_result(&r);
}

/* ---- False alarms -------------------------------------------------------- */

/* Two stochastic problems, two optimizers, 10 seeds a side: with 5 seeds
 * the smallest two-sided p is 2/252, which Holm over several tests never
 * lets through at alpha 0.01, so the trial could not fail; 10 seeds give
 * p down to 1/92378. */
static const char noise_suite[] =
    "[suite]\n"
    "name = noise-pair\n"
    "seeds = 10\n"
    "steps = 200\n"
    "[optimizer sgd]\n"
    "type = sgd\n"
    "lr = 1e-3\n"
    "[optimizer adam]\n"
    "type = adam\n"
    "lr = 0.01\n"
    "[problem noisy-quadratic]\n"
    "type = noisy-quadratic\n"
    "[problem logreg-batch8]\n"
    "type = logreg-breast-cancer\n"
    "batch = 8\n";

Test(compare, same_code_with_other_seeds_alarms_in_at_most_5_of_100,
     .timeout = 240)
{
    struct ob_suite_options options = {
        .threads = 0, .draw_charts = 0, .show_progress = 0,
    };
    struct ob_compare_options compare_options = {0.01, 1e-9, 0, 0};
    char dir[64], base[128], fresh[128], path[160];
    struct ob_suite_report report;
    struct ob_suite suite;
    struct ob_error err;
    size_t alarms = 0, tests = 0;

    make_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/noise-pair.ini", dir);
    write_text(path, noise_suite);
    cr_assert_eq(ob_suite_load(&suite, path, &err), OB_OK, "%s",
                 err.message);
    snprintf(base, sizeof base, "%s/base", dir);
    snprintf(fresh, sizeof fresh, "%s/new", dir);
    for (unsigned k = 0; k < 100; k++) {
        struct ob_comparison c;
        char base_results[160], new_results[160];

        /* Seeds 1000 + k ... and k ...: disjoint replicate streams. */
        suite.seed = 1000 + k;
        options.out_dir = base;
        cr_assert_eq(ob_suite_run(&suite, &options, &report, &err), OB_OK,
                     "%s", err.message);
        suite.seed = k;
        options.out_dir = fresh;
        cr_assert_eq(ob_suite_run(&suite, &options, &report, &err), OB_OK,
                     "%s", err.message);
        snprintf(base_results, sizeof base_results, "%s/results/noise-pair",
                 base);
        snprintf(new_results, sizeof new_results, "%s/results/noise-pair",
                 fresh);
        cr_assert_eq(ob_compare_load(&c, base_results, new_results,
                                     &compare_options, &err),
                     OB_OK, "%s", err.message);
        cr_assert_eq(c.cell_count, 4);
        alarms += c.worse + c.better > 0;
        tests += c.tests;
        ob_compare_free(&c);
    }
    cr_log_info("false alarms: %zu of 100 trials (%zu tests in all)",
                alarms, tests);
    cr_assert_leq(alarms, 5, "%zu alarms in 100 trials", alarms);
    cr_assert_geq(tests, 100, "the trials should perform tests");
    ob_suite_free(&suite);
    remove_tree(dir);
}
