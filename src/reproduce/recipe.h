/* Recipes that reproduce published results: each runs an experiment,
 * compares what it measured with the published claim through checks with
 * stated tolerances, and writes its CSVs, a chart and verdict.md into its
 * own folder. `optbench reproduce` runs them (src/main.c). */
#ifndef OB_RECIPE_H
#define OB_RECIPE_H

#include <stddef.h>
#include <stdio.h>

#include "../harness/harness.h"
#include "../util/error.h"

/* What a recipe is given. */
struct ob_recipe_context {
    const char *dir; /* OUT/results/reproduce/NAME, already created: the
                      * recipe writes every file here */
    int fast;        /* short version for the tests: seconds, not
                      * minutes. Smaller budgets; a check that only the
                      * full experiment can settle may be left out, and
                      * the notes then say so */
    int threads;     /* OpenMP threads; 0 = OpenMP's default */
};

/* How a check compares measured m with expected e within tolerance t. */
enum ob_check_kind {
    OB_CHECK_ABSOLUTE, /* |m - e| <= t */
    OB_CHECK_RELATIVE, /* |m - e| <= t |e| */
    OB_CHECK_AT_MOST,  /* m <= e + t: e is a published upper bound */
    OB_CHECK_AT_LEAST, /* m >= e - t: e is a published lower bound */
};

enum ob_check_result {
    OB_CHECK_PASSED,
    OB_CHECK_FAILED,
    OB_CHECK_SKIPPED, /* could not be measured (say, data missing); counts
                       * as not passing */
};

#define OB_CHECK_TEXT 320

struct ob_recipe_check {
    char description[OB_CHECK_TEXT]; /* what is compared, with units */
    double measured;
    double expected; /* the published value or bound */
    double tolerance;
    enum ob_check_kind kind;
    char why[OB_CHECK_TEXT]; /* why this tolerance */
    enum ob_check_result result;
};

#define OB_VERDICT_MAX_CHECKS 48
#define OB_VERDICT_NOTES      8192

/* The checks and notes one recipe collected, and its chart. Zero it (or
 * use ob_verdict_clear) before a run; it holds no heap memory. */
struct ob_recipe_verdict {
    struct ob_recipe_check checks[OB_VERDICT_MAX_CHECKS];
    size_t check_count;
    char notes[OB_VERDICT_NOTES]; /* paragraphs separated by blank lines */
    size_t notes_length;
    char chart[64];  /* chart stem ("basin": basin.png, .svg, .gp);
                      * "" when the recipe drew none */
    int chart_drawn; /* gnuplot made the PNG and SVG */
};

struct ob_recipe {
    const char *name;     /* CLI name and folder: "linear-rates" */
    const char *title;    /* one line: "Linear rates on quadratics" */
    const char *citation; /* authors, year, venue */
    const char *claim;    /* the published claim, in a few sentences */
    /* Runs the experiment, writes its files into ctx->dir and fills the
     * verdict (checks, notes, chart). A check that fails is a result, not
     * an error: run returns OB_OK. Errors (OB_EIO, OB_ENOMEM) mean the
     * experiment could not be carried out; err says why. */
    int (*run)(const struct ob_recipe_context *ctx,
               struct ob_recipe_verdict *verdict, struct ob_error *err);
};

/* ---- The registry (recipes.c) ----------------------------------------- */

extern const struct ob_recipe *const ob_recipes[];
extern const size_t ob_recipe_count;

/* Recipe called `name`, or NULL. */
const struct ob_recipe *ob_recipe_find(const char *name);

/* Writes the registry's names as "linear-rates, limit-cycle, ..." into
 * buffer. */
void ob_recipe_names(char *buffer, size_t size);

/* Runs `recipe` into DIR/NAME (created), writing its files and its
 * verdict (verdict.md, verdict.json) there. verdict is cleared first and
 * then filled; *seconds receives the wall time. Returns OB_OK when the
 * recipe ran, whatever its checks gave (see ob_verdict_failures), or the
 * recipe's error. */
int ob_recipe_execute(const struct ob_recipe *recipe, const char *dir, int fast,
                      int threads, struct ob_recipe_verdict *verdict,
                      double *seconds, struct ob_error *err);

/* ---- Verdicts (verdict.c) --------------------------------------------- */

void ob_verdict_clear(struct ob_recipe_verdict *verdict);

/* Adds a check and decides it: see enum ob_check_kind. A NaN measured
 * value fails. Returns the result. description and why are printf-free
 * text, cut to OB_CHECK_TEXT - 1 characters; beyond
 * OB_VERDICT_MAX_CHECKS checks the last slot is overwritten by a failed
 * check saying so, so a recipe can never lose a failure silently. */
enum ob_check_result ob_verdict_check(struct ob_recipe_verdict *verdict,
                                      const char *description, double measured,
                                      double expected, double tolerance,
                                      enum ob_check_kind kind, const char *why);

/* Adds a check that could not be measured; reason goes in `why`. */
void ob_verdict_skip(struct ob_recipe_verdict *verdict, const char *description,
                     const char *reason);

/* Appends one paragraph to the notes (printf format). */
void ob_verdict_note(struct ob_recipe_verdict *verdict, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Number of checks that did not pass (failed or skipped). */
size_t ob_verdict_failures(const struct ob_recipe_verdict *verdict);

/* Writes DIR/verdict.md (title, citation, claim, the checks as a table with
 * measured, expected, tolerance, pass/fail and the number of the reason
 * for the tolerance, each distinct reason once below it, the notes, the
 * chart)
 * and DIR/verdict.json (the same fields, read back by
 * ob_reproduce_report_write), each atomically. OB_EIO naming the path on
 * failure. */
int ob_verdict_write(const struct ob_recipe *recipe,
                     const struct ob_recipe_verdict *verdict,
                     const struct ob_recipe_context *ctx, double seconds,
                     struct ob_error *err);

/* Numbers the distinct texts of texts[0..count) in order of first
 * appearance, from 1: numbers[i] receives the number of texts[i], the
 * same for equal texts. Tables print a reason shared by many checks once,
 * as a footnote, and hold its number. Returns the count of distinct
 * texts. */
size_t ob_footnote_numbers(const char *const *texts, size_t count,
                           size_t *numbers);

/* Writes text as one markdown table cell: '|' escaped, newlines as
 * spaces. */
void ob_markdown_cell(FILE *out, const char *text);

/* ---- Files for recipes (verdict.c) ------------------------------------ */

/* Opens ctx->dir/NAME atomically and writes `header` and a newline.
 * Finish with ob_atomic_commit (or ob_atomic_abort). Write numbers with
 * ob_write_double. */
int ob_recipe_csv_open(const struct ob_recipe_context *ctx, const char *name,
                       const char *header, struct ob_atomic_file *file,
                       struct ob_error *err);

/* A chart being written: the recipe prints gnuplot commands that draw it
 * (settings, then plot or multiplot; data files by their names in ctx->dir)
 * into `body`, then calls ob_recipe_chart_finish. */
struct ob_recipe_chart {
    char stem[64];
    int width, height; /* pixels of the PNG (and the SVG) */
    FILE *body;        /* an in-memory stream */
    char *text;
    size_t length;
};

/* Starts chart STEM (64 characters at most) of the given size. */
int ob_recipe_chart_begin(struct ob_recipe_chart *chart, const char *stem,
                          int width, int height, struct ob_error *err);

/* Writes ctx->dir/STEM.gp, which draws the body once to STEM.png and once
 * to STEM.svg, and runs gnuplot on it from ctx->dir when gnuplot is on
 * PATH. Records the stem in the verdict; without gnuplot, adds a note
 * saying how to get the pictures (chart_drawn stays 0), which is not an
 * error. Frees the body in every case. OB_EIO when the script cannot be
 * written or gnuplot fails on it. */
int ob_recipe_chart_finish(struct ob_recipe_chart *chart,
                           const struct ob_recipe_context *ctx,
                           struct ob_recipe_verdict *verdict,
                           struct ob_error *err);

/* Frees an unfinished chart; safe after finish. */
void ob_recipe_chart_abort(struct ob_recipe_chart *chart);

/* Runs the suite file problems/recipes/FILE.ini (OPTBENCH_RECIPE_DIR
 * overrides the folder) with results under ctx->dir/suite/results/SUITE/,
 * no charts, ctx->threads threads, and writes that results folder's path
 * into results_dir. A fast version names its own, smaller suite file.
 * Errors as ob_suite_load and ob_suite_run. */
int ob_recipe_run_suite(const struct ob_recipe_context *ctx, const char *file,
                        char *results_dir, size_t size, struct ob_error *err);

/* Creates an optimizer of type `type` for n parameters from settings
 * written as on the command line, "lr=0.1 momentum=0.9" (space-separated,
 * at most 32, 1023 characters). OB_EINVAL naming the type or the bad key;
 * destroy it with ob_optimizer_destroy. */
int ob_recipe_optimizer(struct ob_optimizer *opt, const char *type,
                        const char *settings, size_t n, struct ob_error *err);

/* ---- The report (report.c) -------------------------------------------- */

/* Writes DIR/report.html (self-contained: each recipe's claim beside its
 * SVG chart inlined, its checks below with the reasons for their
 * tolerances as numbered footnotes) and DIR/report.md, where DIR is
 * OUT/results/reproduce, from the verdict.json of every registered recipe
 * found in DIR/NAME/ (a recipe without one is listed as having no verdict
 * in this folder). Sets *total and *failing to the recipes reported and
 * those not holding. */
int ob_reproduce_report_write(const char *dir, size_t *total, size_t *failing,
                              struct ob_error *err);

#endif
