/* Tests of `optbench reproduce`: the verdict and its files, the command's
 * exit codes and messages, and the fast version of recipes. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_helpers.h"
#include "reproduce/recipe.h"

static struct ob_recipe_verdict verdict;

Test(verdict, decides_each_kind_of_check)
{
    ob_verdict_clear(&verdict);
    cr_assert_eq(
        ob_verdict_check(&verdict, "a", 1.05, 1.0, 0.1, OB_CHECK_ABSOLUTE, "w"),
        OB_CHECK_PASSED);
    cr_assert_eq(
        ob_verdict_check(&verdict, "b", 1.2, 1.0, 0.1, OB_CHECK_ABSOLUTE, "w"),
        OB_CHECK_FAILED);
    cr_assert_eq(ob_verdict_check(&verdict, "c", 105.0, 100.0, 0.06,
                                  OB_CHECK_RELATIVE, "w"),
                 OB_CHECK_PASSED);
    cr_assert_eq(ob_verdict_check(&verdict, "d", 107.0, 100.0, 0.06,
                                  OB_CHECK_RELATIVE, "w"),
                 OB_CHECK_FAILED);
    cr_assert_eq(
        ob_verdict_check(&verdict, "e", 2.0, 1.0, 0.0, OB_CHECK_AT_MOST, "w"),
        OB_CHECK_FAILED);
    cr_assert_eq(
        ob_verdict_check(&verdict, "f", 0.5, 1.0, 0.0, OB_CHECK_AT_MOST, "w"),
        OB_CHECK_PASSED);
    cr_assert_eq(
        ob_verdict_check(&verdict, "g", 0.95, 1.0, 0.1, OB_CHECK_AT_LEAST, "w"),
        OB_CHECK_PASSED);
    cr_assert_eq(
        ob_verdict_check(&verdict, "h", 0.85, 1.0, 0.1, OB_CHECK_AT_LEAST, "w"),
        OB_CHECK_FAILED);
    cr_assert_eq(verdict.check_count, 8);
    cr_assert_eq(ob_verdict_failures(&verdict), 4);
}

Test(verdict, fails_a_measurement_that_is_not_a_number)
{
    ob_verdict_clear(&verdict);
    for (int kind = OB_CHECK_ABSOLUTE; kind <= OB_CHECK_AT_LEAST; kind++)
        cr_assert_eq(ob_verdict_check(&verdict, "nan", NAN, 1.0, 1e9,
                                      (enum ob_check_kind)kind, "w"),
                     OB_CHECK_FAILED);
}

Test(verdict, counts_a_skipped_check_as_not_passing)
{
    ob_verdict_clear(&verdict);
    ob_verdict_check(&verdict, "a", 1.0, 1.0, 0.0, OB_CHECK_ABSOLUTE, "w");
    ob_verdict_skip(&verdict, "b", "data missing");
    cr_assert_eq(verdict.checks[1].result, OB_CHECK_SKIPPED);
    cr_assert_eq(ob_verdict_failures(&verdict), 1);
}

Test(verdict, keeps_a_failure_when_checks_overflow)
{
    ob_verdict_clear(&verdict);
    for (int i = 0; i < OB_VERDICT_MAX_CHECKS + 3; i++)
        ob_verdict_check(&verdict, "ok", 1.0, 1.0, 0.0, OB_CHECK_ABSOLUTE, "w");
    cr_assert_eq(verdict.check_count, OB_VERDICT_MAX_CHECKS);
    cr_assert_eq(ob_verdict_failures(&verdict), 1);
}

Test(verdict, separates_notes_into_paragraphs)
{
    ob_verdict_clear(&verdict);
    ob_verdict_note(&verdict, "first %d", 1);
    ob_verdict_note(&verdict, "second");
    cr_assert_str_eq(verdict.notes, "first 1\n\nsecond");
}

/* Occurrences of needle in text. */
static int count_of(const char *text, const char *needle)
{
    int count = 0;

    for (const char *at = strstr(text, needle); at != NULL;
         at = strstr(at + 1, needle))
        count++;
    return count;
}

Test(verdict, numbers_each_distinct_reason_once_in_order)
{
    const char *texts[] = {"b", "a", "b", "c", "a", "b"};
    size_t numbers[6];
    const size_t expected[] = {1, 2, 1, 3, 2, 1};

    cr_assert_eq(ob_footnote_numbers(texts, 6, numbers), 3);
    for (size_t i = 0; i < 6; i++)
        cr_assert_eq(numbers[i], expected[i], "text %zu: %zu", i, numbers[i]);
    cr_assert_eq(ob_footnote_numbers(texts, 0, numbers), 0);
}

static int toy_run(const struct ob_recipe_context *ctx,
                   struct ob_recipe_verdict *v, struct ob_error *err)
{
    (void)ctx;
    (void)err;
    ob_verdict_check(v, "holds", 2.0, 2.0, 0.1, OB_CHECK_ABSOLUTE, "because");
    ob_verdict_check(v, "breaks", 3.0, 2.0, 0.1, OB_CHECK_ABSOLUTE, "because");
    ob_verdict_check(v, "apart", 1.0, 1.0, 0.0, OB_CHECK_ABSOLUTE,
                     "its own reason");
    ob_verdict_note(v, "the paper says 2; we measured 3");
    return OB_OK;
}

static const struct ob_recipe toy = {
    .name = "toy",
    .title = "A toy",
    .citation = "Nobody 2024",
    .claim = "Two equals two.",
    .run = toy_run,
};

Test(verdict, writes_markdown_and_json_with_every_check)
{
    char dir[64], path[128];
    struct ob_error err;
    double seconds;
    char *md;
    json_object *root;

    make_temp_dir(dir, sizeof dir);
    cr_assert_eq(ob_recipe_execute(&toy, dir, 1, 1, &verdict, &seconds, &err),
                 OB_OK);
    cr_assert_eq(ob_verdict_failures(&verdict), 1);
    snprintf(path, sizeof path, "%s/toy/verdict.md", dir);
    md = read_whole_file(path);
    cr_assert_not_null(md);
    cr_assert_not_null(strstr(md, "the claim did not hold here"));
    cr_assert_not_null(strstr(md, "| holds | 2 | 2 | +/- 0.1 | [1] | "
                                  "pass |"));
    cr_assert_not_null(strstr(md, "| breaks | 3 | 2 | +/- 0.1 | [1] | "
                                  "FAIL |"));
    cr_assert_not_null(strstr(md, "| apart | 1 | 1 | +/- 0 | [2] | pass |"),
                       "%s", md);
    cr_assert_eq(count_of(md, "because"), 1, "the shared reason once: %s", md);
    cr_assert_not_null(strstr(md, "- [1] because\n- [2] its own reason\n"),
                       "%s", md);
    cr_assert_not_null(strstr(md, "we measured 3"));
    free(md);

    snprintf(path, sizeof path, "%s/toy/verdict.json", dir);
    root = json_object_from_file(path);
    cr_assert_not_null(root);
    cr_assert_eq(json_object_get_int(json_object_object_get(root, "failures")),
                 1);
    cr_assert_eq(
        json_object_array_length(json_object_object_get(root, "checks")), 3);
    json_object_put(root);
}

Test(verdict, notes_how_to_get_charts_without_gnuplot)
{
    char dir[64], path[128], *old_path = getenv("PATH");
    char saved[4096];
    struct ob_recipe_context ctx;
    struct ob_recipe_chart chart;
    struct ob_error err;

    snprintf(saved, sizeof saved, "%s", old_path ? old_path : "");
    make_temp_dir(dir, sizeof dir);
    ctx.dir = dir;
    ctx.fast = 1;
    ctx.threads = 1;
    ob_verdict_clear(&verdict);
    cr_assert_eq(ob_recipe_chart_begin(&chart, "c", 400, 300, &err), OB_OK);
    fputs("plot x\n", chart.body);
    setenv("PATH", "/nonexistent", 1);
    cr_assert_eq(ob_recipe_chart_finish(&chart, &ctx, &verdict, &err), OB_OK);
    setenv("PATH", saved, 1);
    cr_assert_eq(verdict.chart_drawn, 0);
    cr_assert_str_eq(verdict.chart, "c");
    cr_assert_not_null(strstr(verdict.notes, "gnuplot-nox"));
    snprintf(path, sizeof path, "%s/c.gp", dir);
    cr_assert_eq(access(path, R_OK), 0, "the script is still written");
}

/* A verdict.json for limit-cycle as a recipe would leave it: four checks,
 * three sharing one reason, one that could not run. */
static void write_fake_verdict(const char *dir)
{
    char path[256];
    FILE *out;

    snprintf(path, sizeof path, "%s/limit-cycle", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/limit-cycle/verdict.json", dir);
    out = fopen(path, "w");
    cr_assert_not_null(out);
    fputs("{\"name\": \"limit-cycle\", \"fast\": true, \"failures\": 1,\n"
          " \"checks\": [\n"
          "  {\"description\": \"c1\", \"measured\": 1, \"expected\": 1,\n"
          "   \"tolerance\": \"+/- 0.1\", \"why\": \"shared reason\",\n"
          "   \"result\": \"pass\"},\n"
          "  {\"description\": \"c2\", \"measured\": 2, \"expected\": 2,\n"
          "   \"tolerance\": \"+/- 0.1\", \"why\": \"shared reason\",\n"
          "   \"result\": \"pass\"},\n"
          "  {\"description\": \"c3\", \"measured\": null,\n"
          "   \"expected\": null, \"tolerance\": \"-\",\n"
          "   \"why\": \"data missing\", \"result\": \"not run\"},\n"
          "  {\"description\": \"c4\", \"measured\": 3, \"expected\": 3,\n"
          "   \"tolerance\": \"+/- 0.1\", \"why\": \"shared reason\",\n"
          "   \"result\": \"pass\"}],\n"
          " \"notes\": \"\", \"chart\": \"\", \"chart_drawn\": false}\n",
          out);
    cr_assert_eq(fclose(out), 0);
}

Test(reproduce_report, gives_a_shared_reason_once_as_a_footnote)
{
    char dir[64], path[128], *html, *md;
    size_t total, failing;
    struct ob_error err;

    make_temp_dir(dir, sizeof dir);
    write_fake_verdict(dir);
    cr_assert_eq(ob_reproduce_report_write(dir, &total, &failing, &err), OB_OK,
                 "%s", err.message);
    cr_assert_eq(total, 1);
    cr_assert_eq(failing, 1);

    snprintf(path, sizeof path, "%s/report.html", dir);
    html = read_whole_file(path);
    cr_assert_not_null(html);
    cr_assert_eq(count_of(html, "shared reason"), 1, "%s", html);
    cr_assert_eq(count_of(html, "<a href=\"#limit-cycle-why-1\">[1]</a>"), 3);
    cr_assert_eq(count_of(html, "<a href=\"#limit-cycle-why-2\">[2]</a>"), 1);
    cr_assert_not_null(strstr(html, "<li id=\"limit-cycle-why-1\">shared "
                                    "reason</li>\n<li id=\"limit-cycle-why-"
                                    "2\">data missing</li>"));
    cr_assert_not_null(strstr(html, "[2]</a></td><td class=\"fail\">not run"
                                    "</td>"));
    free(html);

    snprintf(path, sizeof path, "%s/report.md", dir);
    md = read_whole_file(path);
    cr_assert_not_null(md);
    cr_assert_eq(count_of(md, "shared reason"), 1, "%s", md);
    cr_assert_not_null(strstr(md, "| c2 | 2 | 2 | +/- 0.1 | [1] | pass |"));
    cr_assert_not_null(strstr(md, "| c3 | - | - | - | [2] | not run |"));
    cr_assert_not_null(strstr(md, "- [1] shared reason\n- [2] data missing"));
    free(md);
}

/* A recipe with no verdict.json was not run into this folder, which is
 * not the "not run" of a check that could not be carried out. */
Test(reproduce_report, says_which_recipes_have_no_verdict_here)
{
    char dir[64], path[128], *html, *md;
    size_t total, failing;
    struct ob_error err;

    make_temp_dir(dir, sizeof dir);
    write_fake_verdict(dir);
    cr_assert_eq(ob_reproduce_report_write(dir, &total, &failing, &err), OB_OK,
                 "%s", err.message);

    snprintf(path, sizeof path, "%s/report.html", dir);
    html = read_whole_file(path);
    cr_assert_not_null(html);
    cr_assert_not_null(strstr(html, "<td class=\"missing\">no verdict in "
                                    "this folder (run <code>optbench "
                                    "reproduce linear-rates</code>)</td>"),
                       "%s", html);
    cr_assert_eq(count_of(html, "<td class=\"missing\">no verdict"),
                 (int)ob_recipe_count - 1);
    /* Only the check that could not run says "not run". */
    cr_assert_eq(count_of(html, "not run"), 1, "%s", html);
    free(html);

    snprintf(path, sizeof path, "%s/report.md", dir);
    md = read_whole_file(path);
    cr_assert_not_null(md);
    cr_assert_not_null(strstr(md, "| no verdict in this folder (run "
                                  "`optbench reproduce cliff`) |"),
                       "%s", md);
    cr_assert_eq(count_of(md, "not run"), 1, "%s", md);
    free(md);
}

Test(reproduce_cli, rejects_an_unknown_recipe_listing_the_names)
{
    const char *args[] = {"reproduce", "nope", NULL};
    struct cli_result r = run_cli(args, NULL);

    cr_assert_eq(r.exit_code, 2);
    cr_assert_not_null(strstr(r.err, "unknown recipe 'nope'"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "linear-rates"), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "limit-cycle"), "%s", r.err);
    free_result(&r);
}

Test(reproduce_cli, lists_recipes_with_their_sources)
{
    const char *args[] = {"reproduce", "--list", NULL};
    struct cli_result r = run_cli(args, NULL);

    cr_assert_eq(r.exit_code, 0);
    cr_assert_not_null(strstr(r.out, "linear-rates"));
    cr_assert_not_null(strstr(r.out, "Polyak 1964"));
    cr_assert_not_null(strstr(r.out, "decoupled-decay"));
    cr_assert_not_null(strstr(r.out, "Loshchilov and Hutter"));
    free_result(&r);
}

Test(reproduce_cli, rejects_a_name_beside_list)
{
    const char *args[] = {"reproduce", "--list", "extra", NULL};
    struct cli_result r = run_cli(args, NULL);
    const char *line = strchr(r.err, '\n');

    cr_assert_eq(r.exit_code, 2);
    cr_assert_str_empty(r.out, "nothing listed: %s", r.out);
    cr_assert_not_null(strstr(r.err, "--list takes no recipe name, got "
                                     "'extra'"),
                       "%s", r.err);
    cr_assert(line != NULL && line[1] == '\0', "one line: %s", r.err);
    free_result(&r);
}

/* Runs a recipe's fast version and checks its verdict: exit 0, every check
 * passed with a finite measured value, a report that holds it. Returns
 * the verdict's checks array; the caller releases it with
 * json_object_put. */
static json_object *check_fast_recipe(const char *name, size_t min_checks)
{
    char dir[64], path[256], *html;
    const char *args[] = {"reproduce", name, "--fast", "--out", dir, NULL};
    struct cli_result r;
    json_object *root, *checks;

    make_temp_dir(dir, sizeof dir);
    r = run_cli(args, NULL);
    cr_assert_eq(r.exit_code, 0, "%s: %s", name, r.err);
    snprintf(path, sizeof path, "%s/results/reproduce/%s/verdict.json", dir,
             name);
    root = json_object_from_file(path);
    cr_assert_not_null(root, "%s: no verdict.json", name);
    checks = json_object_object_get(root, "checks");
    cr_assert_geq(json_object_array_length(checks), min_checks);
    for (size_t i = 0; i < json_object_array_length(checks); i++) {
        json_object *c = json_object_array_get_idx(checks, i);
        json_object *measured = json_object_object_get(c, "measured");

        cr_assert_str_eq(
            json_object_get_string(json_object_object_get(c, "result")), "pass",
            "%s: %s", name,
            json_object_get_string(json_object_object_get(c, "description")));
        cr_assert_not_null(measured, "%s: a check without a measurement", name);
        cr_assert(isfinite(json_object_get_double(measured)));
    }
    json_object_get(checks);
    json_object_put(root);

    snprintf(path, sizeof path, "%s/results/reproduce/report.html", dir);
    html = read_whole_file(path);
    cr_assert_not_null(html);
    cr_assert_not_null(strstr(html, name));
    cr_assert_not_null(strstr(html, "the claim held"));
    free(html);
    free_result(&r);
    return checks;
}

/* The check numbered `index` (from 0) with its fields. */
static void check_fields(json_object *checks, size_t index,
                         const char **description, double *measured,
                         double *expected, const char **tolerance,
                         const char **why)
{
    json_object *c = json_object_array_get_idx(checks, index);

    cr_assert_not_null(c, "no check %zu", index);
    *description =
        json_object_get_string(json_object_object_get(c, "description"));
    *measured = json_object_get_double(json_object_object_get(c, "measured"));
    *expected = json_object_get_double(json_object_object_get(c, "expected"));
    *tolerance = json_object_get_string(json_object_object_get(c, "tolerance"));
    *why = json_object_get_string(json_object_object_get(c, "why"));
}

Test(reproduce_fast, linear_rates_match_the_published_rates)
{
    json_object *checks = check_fast_recipe("linear-rates", 18);
    /* The drift the closed-form check's reason quotes at t = 1e4. */
    double drift = pow(1.5e-8 * 1e4, 2.0) / 2.0;
    int found = 0;

    cr_assert(fabs(drift - 1.1e-8) < 0.05e-8, "%.17g", drift);
    for (size_t i = 0; i < json_object_array_length(checks); i++) {
        const char *description, *tolerance, *why;
        double measured, expected;

        check_fields(checks, i, &description, &measured, &expected, &tolerance,
                     &why);
        if (strstr(description, "closed form") == NULL)
            continue;
        found++;
        cr_assert_not_null(strstr(why, "(1.5e-8 t)^2/2, 1.1e-8 at t = 1e4"),
                           "%s", why);
        cr_assert_str_eq(tolerance, "+/- 1e-07");
        cr_assert_leq(measured, 1e-7, "%s: %.17g", description, measured);
    }
    cr_assert_eq(found, 3, "one closed-form check per conditioning");
    json_object_put(checks);
}

/* The bisected edges are checked against the published ones within 0.01,
 * and the 0.01 scan must give the published numbers exactly. */
Test(reproduce_fast, limit_cycle_finds_the_published_basin)
{
    json_object *checks = check_fast_recipe("limit-cycle", 6);
    const char *description, *tolerance, *why, *edge_why;
    double measured, expected;

    check_fields(checks, 0, &description, &measured, &expected, &tolerance,
                 &edge_why);
    cr_assert_not_null(strstr(description, "lower edge"), "%s", description);
    cr_assert(fabs(measured - 3.0612) < 1e-4, "%.17g", measured);
    cr_assert(fabs(expected - 3.07) < 1e-12);
    cr_assert_str_eq(tolerance, "+/- 0.01");
    cr_assert_not_null(strstr(edge_why, "two decimals"));

    check_fields(checks, 1, &description, &measured, &expected, &tolerance,
                 &why);
    cr_assert_not_null(strstr(description, "upper edge"), "%s", description);
    cr_assert(fabs(measured - 3.4633) < 1e-4, "%.17g", measured);
    cr_assert(fabs(expected - 3.46) < 1e-12);
    cr_assert_str_eq(tolerance, "+/- 0.01");
    cr_assert_str_eq(why, edge_why, "one reason, given once in the report");

    check_fields(checks, 2, &description, &measured, &expected, &tolerance,
                 &why);
    cr_assert(fabs(measured - 3.07) < 1e-9, "%.17g", measured);
    check_fields(checks, 3, &description, &measured, &expected, &tolerance,
                 &why);
    cr_assert(fabs(measured - 3.46) < 1e-9, "%.17g", measured);
    json_object_put(checks);
}

Test(reproduce_fast, decoupled_decay_propositions_hold)
{
    json_object_put(check_fast_recipe("decoupled-decay", 4));
}

Test(reproduce_fast, adam_claims_hold)
{
    json_object_put(check_fast_recipe("adam-claims", 6));
}

/* Without Fashion-MNIST the figure cannot be checked: the verdict says
 * why, and the command fails with exit code 1, not a crash. */
Test(reproduce_cli, fails_a_recipe_whose_data_is_missing)
{
    char dir[64], path[256], *md;
    const char *args[] = {"reproduce", "adam-claims", "--fast",
                          "--out",     dir,           NULL};
    const char *env[] = {"OPTBENCH_FASHION_MNIST_DIR=/nonexistent", NULL};
    struct cli_result r;

    make_temp_dir(dir, sizeof dir);
    r = run_cli(args, env);
    cr_assert_eq(r.exit_code, 1, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "adam-claims"), "%s", r.err);
    snprintf(path, sizeof path, "%s/results/reproduce/adam-claims/verdict.md",
             dir);
    md = read_whole_file(path);
    cr_assert_not_null(md);
    cr_assert_not_null(strstr(md, "the claim did not hold here"));
    cr_assert_not_null(strstr(md, "| not run |"));
    cr_assert_not_null(strstr(md, "Fashion-MNIST not found in /nonexistent"));
    free(md);
    free_result(&r);
}
