/* Verdicts of recipes (checks with tolerances, notes) and the files every
 * recipe writes: CSVs, gnuplot charts, verdict.md and verdict.json. */
#include "recipe.h"

#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../harness/plot.h"

void ob_verdict_clear(struct ob_recipe_verdict *verdict)
{
    memset(verdict, 0, sizeof *verdict);
}

static struct ob_recipe_check *next_check(struct ob_recipe_verdict *verdict)
{
    struct ob_recipe_check *check;

    if (verdict->check_count < OB_VERDICT_MAX_CHECKS)
        return &verdict->checks[verdict->check_count++];
    check = &verdict->checks[OB_VERDICT_MAX_CHECKS - 1];
    memset(check, 0, sizeof *check);
    return check;
}

static void copy_text(char *out, const char *text)
{
    snprintf(out, OB_CHECK_TEXT, "%s", text);
}

enum ob_check_result ob_verdict_check(struct ob_recipe_verdict *verdict,
                                      const char *description, double measured,
                                      double expected, double tolerance,
                                      enum ob_check_kind kind, const char *why)
{
    int full = verdict->check_count == OB_VERDICT_MAX_CHECKS;
    struct ob_recipe_check *check = next_check(verdict);
    int passed = 0;

    if (full) {
        copy_text(check->description, "too many checks for one verdict");
        copy_text(check->why, "the verdict holds a fixed number of checks");
        check->measured = check->expected = check->tolerance = NAN;
        check->result = OB_CHECK_FAILED;
        return OB_CHECK_FAILED;
    }
    copy_text(check->description, description);
    copy_text(check->why, why);
    check->measured = measured;
    check->expected = expected;
    check->tolerance = tolerance;
    check->kind = kind;
    /* Written so that a NaN measurement compares false and fails. */
    switch (kind) {
    case OB_CHECK_ABSOLUTE:
        passed = fabs(measured - expected) <= tolerance;
        break;
    case OB_CHECK_RELATIVE:
        passed = fabs(measured - expected) <= tolerance * fabs(expected);
        break;
    case OB_CHECK_AT_MOST:
        passed = measured <= expected + tolerance;
        break;
    case OB_CHECK_AT_LEAST:
        passed = measured >= expected - tolerance;
        break;
    }
    check->result = passed ? OB_CHECK_PASSED : OB_CHECK_FAILED;
    return check->result;
}

void ob_verdict_skip(struct ob_recipe_verdict *verdict, const char *description,
                     const char *reason)
{
    int full = verdict->check_count == OB_VERDICT_MAX_CHECKS;
    struct ob_recipe_check *check = next_check(verdict);

    copy_text(check->description,
              full ? "too many checks for one verdict" : description);
    copy_text(check->why, reason);
    check->measured = check->expected = check->tolerance = NAN;
    check->result = full ? OB_CHECK_FAILED : OB_CHECK_SKIPPED;
}

void ob_verdict_note(struct ob_recipe_verdict *verdict, const char *format, ...)
{
    size_t room = OB_VERDICT_NOTES - verdict->notes_length;
    va_list args;
    int length;

    /* Paragraphs are separated by one blank line; keep room for it. */
    if (verdict->notes_length > 0 && room > 2) {
        memcpy(verdict->notes + verdict->notes_length, "\n\n", 3);
        verdict->notes_length += 2;
        room -= 2;
    }
    if (room <= 1)
        return;
    va_start(args, format);
    length =
        vsnprintf(verdict->notes + verdict->notes_length, room, format, args);
    va_end(args);
    if (length > 0)
        verdict->notes_length +=
            (size_t)length < room ? (size_t)length : room - 1;
}

size_t ob_verdict_failures(const struct ob_recipe_verdict *verdict)
{
    size_t failures = 0;

    for (size_t i = 0; i < verdict->check_count; i++)
        failures += verdict->checks[i].result != OB_CHECK_PASSED;
    return failures;
}

size_t ob_footnote_numbers(const char *const *texts, size_t count,
                           size_t *numbers)
{
    size_t distinct = 0;

    for (size_t i = 0; i < count; i++) {
        size_t j = 0;

        while (j < i && strcmp(texts[j], texts[i]) != 0)
            j++;
        numbers[i] = j < i ? numbers[j] : ++distinct;
    }
    return distinct;
}

void ob_markdown_cell(FILE *out, const char *text)
{
    for (const char *c = text; *c != '\0'; c++) {
        if (*c == '|')
            fputc('\\', out);
        fputc(*c == '\n' ? ' ' : *c, out);
    }
}

static const char *result_name(enum ob_check_result result)
{
    switch (result) {
    case OB_CHECK_PASSED:
        return "pass";
    case OB_CHECK_FAILED:
        return "FAIL";
    case OB_CHECK_SKIPPED:
        return "not run";
    }
    return "?";
}

/* "|m - e| <= 0.01", "<= 0.01 relative", "at most e + t". */
static void tolerance_text(const struct ob_recipe_check *check, char *out,
                           size_t size)
{
    if (isnan(check->tolerance)) {
        snprintf(out, size, "-");
        return;
    }
    switch (check->kind) {
    case OB_CHECK_ABSOLUTE:
        snprintf(out, size, "+/- %.3g", check->tolerance);
        break;
    case OB_CHECK_RELATIVE:
        snprintf(out, size, "+/- %.3g relative", check->tolerance);
        break;
    case OB_CHECK_AT_MOST:
        if (check->tolerance == 0.0)
            snprintf(out, size, "at most expected");
        else
            snprintf(out, size, "at most expected + %.3g", check->tolerance);
        break;
    case OB_CHECK_AT_LEAST:
        if (check->tolerance == 0.0)
            snprintf(out, size, "at least expected");
        else
            snprintf(out, size, "at least expected - %.3g", check->tolerance);
        break;
    }
}

/* Six significant digits: enough to read, and the CSVs keep all 17. */
static void number_text(double value, char *out, size_t size)
{
    if (isnan(value))
        snprintf(out, size, "-");
    else
        snprintf(out, size, "%.6g", value);
}

static void write_markdown(FILE *out, const struct ob_recipe *recipe,
                           const struct ob_recipe_verdict *verdict,
                           const struct ob_recipe_context *ctx, double seconds)
{
    size_t failures = ob_verdict_failures(verdict);
    const char *whys[OB_VERDICT_MAX_CHECKS];
    size_t numbers[OB_VERDICT_MAX_CHECKS], distinct;

    fprintf(out, "# %s: %s\n\n", recipe->name, recipe->title);
    fprintf(out, "**Source:** %s\n\n**Claim:** %s\n\n", recipe->citation,
            recipe->claim);
    fprintf(out, "**Verdict: %s** (%zu of %zu checks pass%s; %.1f s)\n\n",
            failures == 0 && verdict->check_count > 0 ? "the claim held"
                                                      : "the claim did not "
                                                        "hold here",
            verdict->check_count - failures, verdict->check_count,
            ctx->fast ? "; fast version" : "", seconds);
    for (size_t i = 0; i < verdict->check_count; i++)
        whys[i] = verdict->checks[i].why;
    distinct = ob_footnote_numbers(whys, verdict->check_count, numbers);
    fputs("| check | measured | expected | tolerance | why | result |\n"
          "|---|---|---|---|---|---|\n",
          out);
    for (size_t i = 0; i < verdict->check_count; i++) {
        const struct ob_recipe_check *c = &verdict->checks[i];
        char measured[32], expected[32], tolerance[64];

        number_text(c->measured, measured, sizeof measured);
        number_text(c->expected, expected, sizeof expected);
        tolerance_text(c, tolerance, sizeof tolerance);
        fputs("| ", out);
        ob_markdown_cell(out, c->description);
        fprintf(out, " | %s | %s | %s | [%zu] | %s |\n", measured, expected,
                tolerance, numbers[i], result_name(c->result));
    }
    /* Each distinct reason once, in the order first cited. */
    if (distinct > 0)
        fputs("\nReasons cited in the why column:\n\n", out);
    for (size_t n = 1, i = 0; n <= distinct; i++)
        if (numbers[i] == n) {
            fprintf(out, "- [%zu] ", n++);
            ob_markdown_cell(out, whys[i]);
            fputc('\n', out);
        }
    if (verdict->notes_length > 0)
        fprintf(out, "\n## Notes\n\n%s\n", verdict->notes);
    if (verdict->chart[0] != '\0') {
        if (verdict->chart_drawn)
            fprintf(out, "\n![%s](%s.png)\n", recipe->title, verdict->chart);
        else
            fprintf(out, "\nChart: run `gnuplot %s.gp` in this folder.\n",
                    verdict->chart);
    }
}

static json_object *number_json(double value)
{
    /* JSON has no NaN: an unmeasured value is null. */
    return isfinite(value) ? json_object_new_double(value) : NULL;
}

static json_object *verdict_json(const struct ob_recipe *recipe,
                                 const struct ob_recipe_verdict *verdict,
                                 const struct ob_recipe_context *ctx,
                                 double seconds)
{
    json_object *root = json_object_new_object();
    json_object *checks = json_object_new_array();

    json_object_object_add(root, "name", json_object_new_string(recipe->name));
    json_object_object_add(root, "fast", json_object_new_boolean(ctx->fast));
    json_object_object_add(root, "seconds", json_object_new_double(seconds));
    json_object_object_add(
        root, "failures",
        json_object_new_int((int)ob_verdict_failures(verdict)));
    for (size_t i = 0; i < verdict->check_count; i++) {
        const struct ob_recipe_check *c = &verdict->checks[i];
        json_object *item = json_object_new_object();
        char tolerance[64];

        tolerance_text(c, tolerance, sizeof tolerance);
        json_object_object_add(item, "description",
                               json_object_new_string(c->description));
        json_object_object_add(item, "measured", number_json(c->measured));
        json_object_object_add(item, "expected", number_json(c->expected));
        json_object_object_add(item, "tolerance",
                               json_object_new_string(tolerance));
        json_object_object_add(item, "why", json_object_new_string(c->why));
        json_object_object_add(item, "result",
                               json_object_new_string(result_name(c->result)));
        json_object_array_add(checks, item);
    }
    json_object_object_add(root, "checks", checks);
    json_object_object_add(root, "notes",
                           json_object_new_string(verdict->notes));
    json_object_object_add(root, "chart",
                           json_object_new_string(verdict->chart));
    json_object_object_add(root, "chart_drawn",
                           json_object_new_boolean(verdict->chart_drawn));
    return root;
}

int ob_verdict_write(const struct ob_recipe *recipe,
                     const struct ob_recipe_verdict *verdict,
                     const struct ob_recipe_context *ctx, double seconds,
                     struct ob_error *err)
{
    struct ob_atomic_file file;
    char path[4096];
    json_object *root;
    int status;

    status = ob_path_join(path, sizeof path, ctx->dir, "verdict.md", err);
    if (status == OB_OK)
        status = ob_atomic_open(&file, path, err);
    if (status != OB_OK)
        return status;
    write_markdown(file.stream, recipe, verdict, ctx, seconds);
    status = ob_atomic_commit(&file, err);
    if (status != OB_OK)
        return status;

    status = ob_path_join(path, sizeof path, ctx->dir, "verdict.json", err);
    if (status == OB_OK)
        status = ob_atomic_open(&file, path, err);
    if (status != OB_OK)
        return status;
    root = verdict_json(recipe, verdict, ctx, seconds);
    fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY),
          file.stream);
    fputc('\n', file.stream);
    json_object_put(root);
    return ob_atomic_commit(&file, err);
}

int ob_recipe_csv_open(const struct ob_recipe_context *ctx, const char *name,
                       const char *header, struct ob_atomic_file *file,
                       struct ob_error *err)
{
    char path[4096];
    int status = ob_path_join(path, sizeof path, ctx->dir, name, err);

    if (status == OB_OK)
        status = ob_atomic_open(file, path, err);
    if (status == OB_OK)
        fprintf(file->stream, "%s\n", header);
    return status;
}

int ob_recipe_chart_begin(struct ob_recipe_chart *chart, const char *stem,
                          int width, int height, struct ob_error *err)
{
    memset(chart, 0, sizeof *chart);
    if (strlen(stem) >= sizeof chart->stem)
        return ob_errorf(err, OB_EINVAL, "chart name too long: %s", stem);
    snprintf(chart->stem, sizeof chart->stem, "%s", stem);
    chart->width = width;
    chart->height = height;
    chart->body = open_memstream(&chart->text, &chart->length);
    if (chart->body == NULL)
        return ob_errorf(err, OB_ENOMEM, "no memory for chart %s", stem);
    return OB_OK;
}

void ob_recipe_chart_abort(struct ob_recipe_chart *chart)
{
    if (chart->body != NULL)
        fclose(chart->body);
    free(chart->text);
    chart->body = NULL;
    chart->text = NULL;
}

/* Kept at 16 and below so that keys still fit in narrow panels. */
static int svg_font_size(int width)
{
    int size = (width + 42) / 85;

    return size < 10 ? 10 : size > 16 ? 16 : size;
}

int ob_recipe_chart_finish(struct ob_recipe_chart *chart,
                           const struct ob_recipe_context *ctx,
                           struct ob_recipe_verdict *verdict,
                           struct ob_error *err)
{
    struct ob_atomic_file file;
    char path[4096], name[96];
    int status;

    if (fclose(chart->body) != 0) {
        chart->body = NULL;
        ob_recipe_chart_abort(chart);
        return ob_errorf(err, OB_ENOMEM, "no memory for chart %s", chart->stem);
    }
    chart->body = NULL;
    snprintf(name, sizeof name, "%s.gp", chart->stem);
    status = ob_path_join(path, sizeof path, ctx->dir, name, err);
    if (status == OB_OK)
        status = ob_atomic_open(&file, path, err);
    if (status != OB_OK) {
        ob_recipe_chart_abort(chart);
        return status;
    }
    /* The same commands drawn twice: PNG to look at, SVG for the report. */
    fprintf(file.stream, "# Run from this folder: gnuplot %s.gp\n",
            chart->stem);
    fprintf(file.stream,
            "set terminal pngcairo size %d,%d font ',10'\n"
            "set output '%s.png'\n",
            chart->width, chart->height, chart->stem);
    fwrite(chart->text, 1, chart->length, file.stream);
    /* report.html shows the SVG about 850 px wide, so its text is drawn
     * larger in proportion to stay near 10 px there. */
    fprintf(file.stream,
            "\nunset output\nreset\n"
            "set terminal svg size %d,%d dynamic font ',%d'\n"
            "set output '%s.svg'\n",
            chart->width, chart->height, svg_font_size(chart->width),
            chart->stem);
    fwrite(chart->text, 1, chart->length, file.stream);
    fputs("\nunset output\n", file.stream);
    ob_recipe_chart_abort(chart);
    status = ob_atomic_commit(&file, err);
    if (status != OB_OK)
        return status;

    snprintf(verdict->chart, sizeof verdict->chart, "%s", chart->stem);
    if (!ob_program_available("gnuplot")) {
        ob_verdict_note(verdict,
                        "gnuplot was not found, so %s.png was not "
                        "drawn: install gnuplot-nox, then run `gnuplot "
                        "%s.gp` in this folder.",
                        chart->stem, chart->stem);
        return OB_OK;
    }
    status = ob_chart_draw(ctx->dir, chart->stem, err);
    if (status == OB_OK)
        verdict->chart_drawn = 1;
    return status;
}

int ob_recipe_run_suite(const struct ob_recipe_context *ctx, const char *file,
                        char *results_dir, size_t size, struct ob_error *err)
{
    struct ob_suite_options options;
    struct ob_suite_report report;
    struct ob_suite suite;
    const char *folder = getenv("OPTBENCH_RECIPE_DIR");
    char path[4096], out[4096], name[256];
    int status;

    if (folder == NULL || *folder == '\0')
        folder = OB_DEFAULT_RECIPE_DIR;
    snprintf(name, sizeof name, "%s.ini", file);
    status = ob_path_join(path, sizeof path, folder, name, err);
    if (status == OB_OK)
        status = ob_path_join(out, sizeof out, ctx->dir, "suite", err);
    if (status == OB_OK)
        status = ob_suite_load(&suite, path, err);
    if (status != OB_OK)
        return status;

    memset(&options, 0, sizeof options);
    options.out_dir = out;
    options.threads = ctx->threads;
    status = ob_suite_run(&suite, &options, &report, err);
    if (status == OB_OK && snprintf(results_dir, size, "%s/results/%s", out,
                                    suite.name) >= (int)size)
        status = ob_errorf(err, OB_EIO, "path too long: %s/results/%s", out,
                           suite.name);
    ob_suite_free(&suite);
    return status;
}

static double wall_seconds(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

int ob_recipe_execute(const struct ob_recipe *recipe, const char *dir, int fast,
                      int threads, struct ob_recipe_verdict *verdict,
                      double *seconds, struct ob_error *err)
{
    struct ob_recipe_context ctx;
    char recipe_dir[4096];
    double start = wall_seconds();
    int status;

    ob_verdict_clear(verdict);
    *seconds = 0.0;
    status =
        ob_path_join(recipe_dir, sizeof recipe_dir, dir, recipe->name, err);
    if (status == OB_OK)
        status = ob_make_dirs(recipe_dir, err);
    if (status != OB_OK)
        return status;
    ctx.dir = recipe_dir;
    ctx.fast = fast;
    ctx.threads = threads;
    status = recipe->run(&ctx, verdict, err);
    *seconds = wall_seconds() - start;
    if (status != OB_OK)
        return status;
    return ob_verdict_write(recipe, verdict, &ctx, *seconds, err);
}

int ob_recipe_optimizer(struct ob_optimizer *opt, const char *type,
                        const char *settings, size_t n, struct ob_error *err)
{
    const struct ob_optimizer_type *found = ob_optimizer_find(type);
    struct ob_setting list[32];
    size_t count = 0;
    char text[1024], *token, *save = NULL;

    memset(opt, 0, sizeof *opt);
    if (found == NULL)
        return ob_errorf(err, OB_EINVAL, "unknown optimizer '%s'", type);
    if (strlen(settings) >= sizeof text)
        return ob_errorf(err, OB_EINVAL, "%s: settings too long", type);
    memcpy(text, settings, strlen(settings) + 1);
    for (token = strtok_r(text, " ", &save); token != NULL;
         token = strtok_r(NULL, " ", &save)) {
        int status;

        if (count == sizeof list / sizeof list[0])
            return ob_errorf(err, OB_EINVAL, "%s: too many settings", type);
        status = ob_setting_split(token, &list[count++], err);
        if (status != OB_OK)
            return status;
    }
    return ob_optimizer_create(opt, found, list, count, n, err);
}
