/* The reproduction report: every recipe's claim, checks and chart in one
 * self-contained HTML page (SVG inlined) and one markdown file, built from
 * the verdict.json files the recipes left in their folders. */
#include "recipe.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* Notes are paragraphs separated by blank lines. Quotes are left as they
 * are (this is element text only), so this is not ob_write_html. */
static void html_paragraphs(FILE *out, const char *text)
{
    fputs("<p>", out);
    for (const char *c = text; *c != '\0'; c++) {
        if (c[0] == '\n' && c[1] == '\n') {
            fputs("</p>\n<p>", out);
            c++;
            continue;
        }
        switch (*c) {
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '&':
            fputs("&amp;", out);
            break;
        default:
            fputc(*c, out);
        }
    }
    fputs("</p>\n", out);
}

static const char *field_string(json_object *object, const char *key)
{
    json_object *value;

    if (!json_object_object_get_ex(object, key, &value) ||
        !json_object_is_type(value, json_type_string))
        return "";
    return json_object_get_string(value);
}

static void number_field(json_object *object, const char *key, char *out,
                         size_t size)
{
    json_object *value;

    if (!json_object_object_get_ex(object, key, &value) || value == NULL)
        snprintf(out, size, "-");
    else
        snprintf(out, size, "%.6g", json_object_get_double(value));
}

/* Copies the SVG file's <svg ...> element (its XML prologue dropped, which
 * HTML does not want) into the page. */
static void inline_svg(FILE *out, const char *path)
{
    FILE *in = fopen(path, "r");
    char *text = NULL;
    size_t length = 0;
    FILE *buffer;
    char chunk[8192];
    size_t got;
    const char *start;

    if (in == NULL) {
        fputs("<p class=\"missing\">no chart (gnuplot not found)</p>\n", out);
        return;
    }
    buffer = open_memstream(&text, &length);
    if (buffer == NULL) {
        fclose(in);
        return;
    }
    while ((got = fread(chunk, 1, sizeof chunk, in)) > 0)
        fwrite(chunk, 1, got, buffer);
    fclose(in);
    fclose(buffer);
    start = text != NULL ? strstr(text, "<svg") : NULL;
    if (start != NULL)
        fputs(start, out);
    free(text);
}

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>optbench: reproduced results</title>\n<style>\n"
    "body { font-family: sans-serif; margin: 2em; }\n"
    ".recipe { border-top: 1px solid #999; padding: 1em 0; }\n"
    ".head { display: flex; flex-wrap: wrap; gap: 2em;\n"
    "  align-items: flex-start; }\n"
    /* The claim keeps a reading width and the chart takes the rest: at
     * 1300 px that is about 850 px, where its text is near 10 px. */
    ".text { flex: 0 1 24em; min-width: 18em; }\n"
    ".chart { flex: 1 1 40em; min-width: 30em; }\n"
    ".chart svg { width: 100%; height: auto; }\n"
    "table { border-collapse: collapse; font-size: 90%; margin: 1em 0; }\n"
    "table.checks { width: 100%; }\n"
    "table.checks td:first-child { width: 45%; }\n"
    "td.why { white-space: nowrap; }\n"
    "ol.why { font-size: 90%; margin-top: 0; }\n"
    "td, th { border: 1px solid #bbb; padding: 0.2em 0.4em;\n"
    "  vertical-align: top; }\n"
    ".pass { color: #117733; font-weight: bold; white-space: nowrap; }\n"
    ".fail { color: #CC3311; font-weight: bold; white-space: nowrap; }\n"
    ".missing { color: #777; }\n"
    "</style>\n</head>\n<body>\n"
    "<h1>optbench: reproduced results</h1>\n";

/* A recipe's section: claim and chart side by side, then its checks. */
static int report_recipe(FILE *html, FILE *md, const char *dir,
                         const struct ob_recipe *recipe, size_t *total,
                         size_t *failing, struct ob_error *err)
{
    char path[4096], chart_path[4096];
    json_object *root, *checks;
    int failures;
    const char *chart, **whys;
    size_t count, distinct, *numbers;

    snprintf(path, sizeof path, "%s/%s/verdict.json", dir, recipe->name);
    root = json_object_from_file(path);
    fprintf(html,
            "<div class=\"recipe\" id=\"%s\">\n<div class=\"head\">\n"
            "<div class=\"text\">\n"
            "<h2>%s: ",
            recipe->name, recipe->name);
    ob_write_html(html, recipe->title);
    fputs("</h2>\n<p><i>", html);
    ob_write_html(html, recipe->citation);
    fputs("</i></p>\n<p><b>Claim:</b> ", html);
    ob_write_html(html, recipe->claim);
    fputs("</p>\n", html);
    fprintf(md, "## %s: %s\n\n*%s*\n\n**Claim:** %s\n\n", recipe->name,
            recipe->title, recipe->citation, recipe->claim);
    if (root == NULL) {
        fprintf(html,
                "<p class=\"missing\">No verdict in this folder (run "
                "<code>optbench reproduce %s</code>).</p>\n"
                "</div>\n</div>\n</div>\n",
                recipe->name);
        fprintf(md,
                "No verdict in this folder (run `optbench reproduce "
                "%s`).\n\n",
                recipe->name);
        return OB_OK;
    }

    (*total)++;
    failures = json_object_get_int(json_object_object_get(root, "failures"));
    checks = json_object_object_get(root, "checks");
    if (failures > 0 || checks == NULL || json_object_array_length(checks) == 0)
        (*failing)++;
    fprintf(html, "<p><b>Verdict:</b> <span class=\"%s\">%s</span>%s</p>\n",
            failures == 0 ? "pass" : "fail",
            failures == 0 ? "the claim held" : "the claim did not hold here",
            json_object_get_boolean(json_object_object_get(root, "fast"))
                ? " (fast version)"
                : "");
    fprintf(md, "**Verdict: %s**%s\n\n",
            failures == 0 ? "the claim held" : "the claim did not hold here",
            json_object_get_boolean(json_object_object_get(root, "fast"))
                ? " (fast version)"
                : "");
    /* The chart sits beside the claim; the checks table spans the page
     * below them, where its long "why" sentences have room. */
    fputs("</div>\n<div class=\"chart\">\n", html);
    chart = field_string(root, "chart");
    if (chart[0] != '\0') {
        snprintf(chart_path, sizeof chart_path, "%s/%s/%s.svg", dir,
                 recipe->name, chart);
        inline_svg(html, chart_path);
        fprintf(md, "![%s](%s/%s.png)\n\n", recipe->title, recipe->name, chart);
    }
    fputs("</div>\n</div>\n", html);
    count = checks != NULL ? json_object_array_length(checks) : 0;
    whys = malloc((count > 0 ? count : 1) * sizeof *whys);
    numbers = malloc((count > 0 ? count : 1) * sizeof *numbers);
    if (whys == NULL || numbers == NULL) {
        free(whys);
        free(numbers);
        json_object_put(root);
        return ob_errorf(err, OB_ENOMEM, "no memory for the report of %s",
                         recipe->name);
    }
    for (size_t i = 0; i < count; i++)
        whys[i] = field_string(json_object_array_get_idx(checks, i), "why");
    distinct = ob_footnote_numbers(whys, count, numbers);
    fputs("<table class=\"checks\">\n<tr><th>check</th><th>measured</th>"
          "<th>expected</th><th>tolerance</th><th>why</th><th>result</th>"
          "</tr>\n",
          html);
    fputs("| check | measured | expected | tolerance | why | result |\n"
          "|---|---|---|---|---|---|\n",
          md);
    for (size_t i = 0; i < count; i++) {
        json_object *c = json_object_array_get_idx(checks, i);
        char measured[32], expected[32];
        const char *result = field_string(c, "result");

        number_field(c, "measured", measured, sizeof measured);
        number_field(c, "expected", expected, sizeof expected);
        fputs("<tr><td>", html);
        ob_write_html(html, field_string(c, "description"));
        fprintf(html, "</td><td>%s</td><td>%s</td><td>", measured, expected);
        ob_write_html(html, field_string(c, "tolerance"));
        fprintf(html,
                "</td><td class=\"why\"><a href=\"#%s-why-%zu\">[%zu]</a>"
                "</td><td class=\"%s\">%s</td></tr>\n",
                recipe->name, numbers[i], numbers[i],
                strcmp(result, "pass") == 0 ? "pass" : "fail", result);
        fputs("| ", md);
        ob_markdown_cell(md, field_string(c, "description"));
        fprintf(md, " | %s | %s | %s | [%zu] | %s |\n", measured, expected,
                field_string(c, "tolerance"), numbers[i], result);
    }
    fputs("</table>\n", html);

    /* Each distinct reason once, in the order first cited: one long
     * sentence shared by a dozen rows made each row a paragraph. */
    if (distinct > 0) {
        fputs("<ol class=\"why\">\n", html);
        fputs("\nReasons cited in the why column:\n\n", md);
    }
    for (size_t n = 1, i = 0; n <= distinct; i++)
        if (numbers[i] == n) {
            fprintf(html, "<li id=\"%s-why-%zu\">", recipe->name, n);
            ob_write_html(html, whys[i]);
            fputs("</li>\n", html);
            fprintf(md, "- [%zu] ", n++);
            ob_markdown_cell(md, whys[i]);
            fputc('\n', md);
        }
    if (distinct > 0)
        fputs("</ol>\n", html);
    free(whys);
    free(numbers);
    if (field_string(root, "notes")[0] != '\0') {
        html_paragraphs(html, field_string(root, "notes"));
        fprintf(md, "\n%s\n", field_string(root, "notes"));
    }
    fputs("</div>\n", html);
    fputs("\n", md);
    json_object_put(root);
    return OB_OK;
}

/* One line per recipe at the top: its verdict, linking to its section. */
static void summary(FILE *html, FILE *md, const char *dir)
{
    fputs("<table>\n<tr><th>recipe</th><th>source</th><th>verdict</th>"
          "</tr>\n",
          html);
    fputs("| recipe | source | verdict |\n|---|---|---|\n", md);
    for (size_t i = 0; i < ob_recipe_count; i++) {
        const struct ob_recipe *recipe = ob_recipes[i];
        char path[4096];
        json_object *root;
        /* Not "not run": that names a check that could not be carried
         * out, which fails its recipe. */
        const char *verdict = "no verdict in this folder", *class = "missing";

        snprintf(path, sizeof path, "%s/%s/verdict.json", dir, recipe->name);
        root = json_object_from_file(path);
        if (root != NULL) {
            int failures =
                json_object_get_int(json_object_object_get(root, "failures"));

            verdict = failures == 0 ? "the claim held"
                                    : "the claim did not hold here";
            class = failures == 0 ? "pass" : "fail";
        }
        fprintf(html, "<tr><td><a href=\"#%s\">%s</a></td><td>", recipe->name,
                recipe->name);
        ob_write_html(html, recipe->citation);
        fprintf(html, "</td><td class=\"%s\">%s", class, verdict);
        if (root == NULL)
            fprintf(html, " (run <code>optbench reproduce %s</code>)",
                    recipe->name);
        fputs("</td></tr>\n", html);
        fprintf(md, "| %s | %s | %s", recipe->name, recipe->citation, verdict);
        if (root == NULL)
            fprintf(md, " (run `optbench reproduce %s`)", recipe->name);
        fputs(" |\n", md);
        json_object_put(root);
    }
    fputs("</table>\n", html);
    fputs("\n", md);
}

int ob_reproduce_report_write(const char *dir, size_t *total, size_t *failing,
                              struct ob_error *err)
{
    struct ob_atomic_file html, md;
    char path[4096];
    int status;

    *total = *failing = 0;
    status = ob_path_join(path, sizeof path, dir, "report.html", err);
    if (status == OB_OK)
        status = ob_atomic_open(&html, path, err);
    if (status != OB_OK)
        return status;
    status = ob_path_join(path, sizeof path, dir, "report.md", err);
    if (status == OB_OK)
        status = ob_atomic_open(&md, path, err);
    if (status != OB_OK) {
        ob_atomic_abort(&html);
        return status;
    }

    fputs(page_head, html.stream);
    fputs("# optbench: reproduced results\n\n", md.stream);
    summary(html.stream, md.stream, dir);
    for (size_t i = 0; i < ob_recipe_count && status == OB_OK; i++)
        status = report_recipe(html.stream, md.stream, dir, ob_recipes[i],
                               total, failing, err);
    if (status != OB_OK) {
        ob_atomic_abort(&html);
        ob_atomic_abort(&md);
        return status;
    }
    fputs("</body>\n</html>\n", html.stream);

    status = ob_atomic_commit(&html, err);
    if (status != OB_OK) {
        ob_atomic_abort(&md);
        return status;
    }
    return ob_atomic_commit(&md, err);
}
