/* The report: ranks in summary.md for a known result set, `optbench plot`
 * without gnuplot and on bad folders, one inlined SVG per chart, and the
 * page in headless Chromium. */
#include "cli_helpers.h"

#include <zlib.h>

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *file;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    file = fopen(path, "w");
    cr_assert_not_null(file, "cannot write %s", path);
    fputs(text, file);
    fclose(file);
}

static char *read_in(const char *dir, const char *name)
{
    char path[512];

    snprintf(path, sizeof path, "%s/%s", dir, name);
    return read_whole_file(path);
}

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;

    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static int program_available(const char *name)
{
    char command[128];

    snprintf(command, sizeof command, "command -v %s >/dev/null 2>&1", name);
    return system(command) == 0;
}

/* A results folder by hand: three optimizers on two problems. On bowl
 * the medians order b < a < c (c diverged). On flat every gap is under
 * the 1e-16 floor, so the steps to target decide: a and c take 10, b 20. */
static void tiny_results(char *dir, size_t size)
{
    make_temp_dir(dir, size);
    write_file(dir, "manifest.json", "{ \"suite\": \"tiny\" }\n");
    write_file(dir, "problems.csv",
               "problem,type,kind,dim,steps,eval_every,steps_per_epoch,"
               "examples_per_gradient,minimum,target_loss,params\n"
               "bowl,quadratic,function,4,100,1,1,1,0,1e-06,\n"
               "flat,quadratic,function,4,100,1,1,1,0,1e-06,\"h=1,2,3,4\"\n");
    write_file(dir, "summary.csv",
               "problem,optimizer,settings,runs,metric,final_median,"
               "final_q1,final_q3,success_rate,divergence_rate,"
               "stalled_rate,steps_to_target_median,auc_log_gap_median,"
               "tuned_settings,lr_within_2x_low,lr_within_2x_high\n"
               "bowl,a,lr=0.1,1,gap,0.001,0.001,0.001,0,0,0,,,1,,\n"
               "bowl,b,lr=0.1,1,gap,1e-05,1e-05,1e-05,0,0,0,,,1,,\n"
               "bowl,c,lr=0.1,1,gap,inf,inf,inf,0,1,0,,,1,,\n"
               "flat,a,lr=0.1,1,gap,1e-20,1e-20,1e-20,1,0,0,10,,1,,\n"
               "flat,b,lr=0.1,1,gap,1e-30,1e-30,1e-30,1,0,0,20,,1,,\n"
               "flat,c,lr=0.1,1,gap,1e-18,1e-18,1e-18,1,0,0,10,,1,,\n");
    write_file(dir, "runs.csv",
               "problem,optimizer,seed,status,reason,steps,final_loss,"
               "best_loss,minimum,final_gap,target_loss,steps_to_target,"
               "phase,settings\n"
               "bowl,a,1,ok,,100,0.001,0.001,0,0.001,1e-06,,final,lr=0.1\n"
               "bowl,b,1,ok,,100,1e-05,1e-05,0,1e-05,1e-06,,final,lr=0.1\n"
               "bowl,c,1,diverged,nan,7,nan,1,0,nan,1e-06,,final,lr=0.1\n"
               "flat,a,1,ok,,100,1e-20,1e-20,0,1e-20,1e-06,10,final,"
               "lr=0.1\n"
               "flat,b,1,ok,,100,1e-30,1e-30,0,1e-30,1e-06,20,final,"
               "lr=0.1\n"
               "flat,c,1,ok,,100,1e-18,1e-18,0,1e-18,1e-06,10,final,"
               "lr=0.1\n");
    write_file(dir, "targets.csv",
               "problem,optimizer,phase,seed,target_gap,steps,grad_evals\n"
               "flat,a,final,1,1e-06,10,10\n");
    write_file(dir, "traces.csv",
               "problem,optimizer,seed,step,loss,gap,test_loss,"
               "test_accuracy\n"
               "bowl,a,1,0,1,1,,\nbowl,a,1,100,0.001,0.001,,\n"
               "bowl,b,1,100,1e-05,1e-05,,\nbowl,c,1,7,nan,nan,,\n"
               "flat,a,1,100,1e-20,1e-20,,\nflat,b,1,100,1e-30,1e-30,,\n"
               "flat,c,1,100,1e-18,1e-18,,\n");
    write_file(dir, "paths.csv", "problem,optimizer,seed,step,x,y\n");
}

Test(report, summary_ranks_by_median_gap_then_steps_to_target)
{
    char dir[64], plots[128];
    struct cli_result r;
    char *summary;

    tiny_results(dir, sizeof dir);
    snprintf(plots, sizeof plots, "%s/plots", dir);
    r = run_cli(ARGS("plot", dir, "--plots", plots),
                ((const char *const[]){"PATH=/nonexistent", NULL}));
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    summary = read_in(dir, "summary.md");
    cr_assert_not_null(summary);
    cr_assert_not_null(strstr(summary, "| problem | winner | winner's median "
                                       "| a | b | c |"),
                       "%s", summary);
    cr_assert_not_null(strstr(summary, "| bowl | b | 1e-05 | 2 | 1 | 3 |"),
                       "%s", summary);
    cr_assert_not_null(strstr(summary, "| flat | a, c | < 1e-16 | 1 | 3 | "
                                       "1 |"),
                       "%s", summary);
    /* c: one of its two runs diverged, one reached the target. */
    cr_assert_not_null(strstr(summary, "| c | 1 | 2.00 | 50% | 50% |"), "%s",
                       summary);
    free(summary);
    free_result(&r);
}

Test(report, an_lr_chosen_at_an_end_of_its_sweep_is_marked_and_counted)
{
    char dir[64];
    struct cli_result r;
    char *summary, *html;
    FILE *runs;
    char path[128];

    /* Every pair reports lr=0.1. bowl/a swept 0.01 and 0.1 (top), bowl/b
     * 0.1 and 1 (bottom), bowl/c 0.01 to 1 (inside); flat/a's lr=1 row
     * has another momentum, so flat/a swept no lr. */
    tiny_results(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    runs = fopen(path, "a");
    cr_assert_not_null(runs);
    fputs("bowl,a,1001,ok,,100,1,1,0,1,1e-06,,tune,lr=0.01\n"
          "bowl,a,1001,ok,,100,1,1,0,1,1e-06,,tune,lr=0.1\n"
          "bowl,b,1001,ok,,100,1,1,0,1,1e-06,,tune,lr=0.1\n"
          "bowl,b,1001,ok,,100,1,1,0,1,1e-06,,tune,lr=1\n"
          "bowl,c,1001,ok,,100,1,1,0,1,1e-06,,tune,lr=1\n"
          "bowl,c,1001,ok,,100,1,1,0,1,1e-06,,tune,lr=0.1\n"
          "bowl,c,1001,ok,,100,1,1,0,1,1e-06,,tune,lr=0.01\n"
          "flat,a,1001,ok,,100,1,1,0,1,1e-06,,tune,lr=0.1\n"
          "flat,a,1001,ok,,100,1,1,0,1,1e-06,,tune,lr=1 momentum=0.9\n",
          runs);
    cr_assert_eq(fclose(runs), 0);
    r = run_cli(ARGS("plot", dir),
                ((const char *const[]){"PATH=/nonexistent", NULL}));
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    summary = read_in(dir, "summary.md");
    html = read_in(dir, "report.html");
    cr_assert_not_null(summary);
    cr_assert_not_null(html);
    cr_assert_not_null(strstr(summary, "| bowl | b | 1e-05 | 2\u2191 | "
                                       "1\u2193 | 3 |"),
                       "%s", summary);
    cr_assert_not_null(strstr(summary, "| flat | a, c | < 1e-16 | 1 | 3 | "
                                       "1 |"),
                       "%s", summary);
    cr_assert_not_null(strstr(summary, "the best rate may lie outside the "
                                       "grid. 2 of the 3 pairs whose lr was "
                                       "tuned chose it at an edge (1 at the "
                                       "top, 1 at the bottom)."),
                       "%s", summary);
    cr_assert_not_null(strstr(html, "lr at the top of its sweep\">2\u2191"
                                    "</td>"));
    cr_assert_not_null(strstr(html, "lr at the bottom of its sweep\">"
                                    "1\u2193</td>"));
    cr_assert_not_null(strstr(html, "<p id=\"lr-edges\">lr chosen at the "
                                    "top"));
    free(summary), free(html);
    free_result(&r);

    /* No tuning rows: no marks and no note. */
    tiny_results(dir, sizeof dir);
    r = run_cli(ARGS("plot", dir),
                ((const char *const[]){"PATH=/nonexistent", NULL}));
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    summary = read_in(dir, "summary.md");
    cr_assert_not_null(summary);
    cr_assert_null(strstr(summary, "sweep"), "%s", summary);
    cr_assert_null(strstr(summary, "\u2191"), "%s", summary);
    free(summary);
    free_result(&r);
}

Test(report, the_divergence_chart_says_when_no_run_diverged)
{
    static const char diverged[] = "bowl,c,1,diverged,nan,7,";
    char dir[64], plots[128], *edited;
    struct cli_result r;
    char *script, *runs, *row;

    /* bowl/c diverged: the usual title, no label. */
    tiny_results(dir, sizeof dir);
    snprintf(plots, sizeof plots, "%s/plots", dir);
    r = run_cli(ARGS("plot", dir, "--plots", plots),
                ((const char *const[]){"PATH=/nonexistent", NULL}));
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    free_result(&r);
    script = read_in(plots, "suite@divergence.gp");
    cr_assert_not_null(script);
    cr_assert_not_null(strstr(script, "set title 'Divergence rate of each "
                                      "optimizer over the suite''s runs' "));
    cr_assert_null(strstr(script, "no run diverged"), "%s", script);
    free(script);

    /* The same run stopped at step 7 without diverging. */
    runs = read_in(dir, "runs.csv");
    cr_assert_not_null(runs);
    row = strstr(runs, diverged);
    cr_assert_not_null(row);
    edited = malloc(strlen(runs) + 1);
    cr_assert_not_null(edited);
    sprintf(edited, "%.*sbowl,c,1,ok,,7,%s", (int)(row - runs), runs,
            row + strlen(diverged));
    write_file(dir, "runs.csv", edited);
    free(runs), free(edited);
    r = run_cli(ARGS("plot", dir, "--plots", plots),
                ((const char *const[]){"PATH=/nonexistent", NULL}));
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    free_result(&r);
    script = read_in(plots, "suite@divergence.gp");
    cr_assert_not_null(script);
    cr_assert_not_null(strstr(script, "set title 'Divergence rate of each "
                                      "optimizer over the suite''s runs: no "
                                      "run diverged'"),
                       "%s", script);
    cr_assert_not_null(strstr(script, "set label 1 'no run diverged' at "
                                      "graph 0.5, graph 0.5 center"),
                       "%s", script);
    free(script);
}

Test(report, a_run_with_only_says_so_in_both_titles)
{
    char dir[64];
    struct cli_result r;
    char *summary, *html;

    tiny_results(dir, sizeof dir);
    write_file(dir, "manifest.json",
               "{ \"suite\": \"tiny\", \"only\": \"b*<\" }\n");
    r = run_cli(ARGS("plot", dir),
                ((const char *const[]){"PATH=/nonexistent", NULL}));
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    summary = read_in(dir, "summary.md");
    html = read_in(dir, "report.html");
    cr_assert_not_null(summary);
    cr_assert_not_null(html);
    cr_assert_eq(strncmp(summary, "# Suite tiny (only: b*<)\n", 25), 0, "%s",
                 summary);
    cr_assert_not_null(strstr(html, "<h1>Suite tiny (only: b*&lt;)</h1>"));
    cr_assert_not_null(strstr(html, "<title>optbench: suite tiny (only: "
                                    "b*&lt;)</title>"));
    free(summary), free(html);
    free_result(&r);

    /* Without the key, the title is the suite's alone. */
    tiny_results(dir, sizeof dir);
    r = run_cli(ARGS("plot", dir),
                ((const char *const[]){"PATH=/nonexistent", NULL}));
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    summary = read_in(dir, "summary.md");
    cr_assert_not_null(summary);
    cr_assert_eq(strncmp(summary, "# Suite tiny\n", 13), 0, "%s", summary);
    free(summary);
    free_result(&r);
}

Test(report, without_gnuplot_tables_are_written_and_one_line_says_how)
{
    char dir[64], plots[128];
    struct cli_result r;
    char *html;

    tiny_results(dir, sizeof dir);
    snprintf(plots, sizeof plots, "%s/plots", dir);
    r = run_cli(ARGS("plot", dir, "--plots", plots),
                ((const char *const[]){"PATH=/nonexistent", NULL}));
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "apt-get install gnuplot-nox"),
                       "stderr: %s", r.err);
    cr_assert_eq(count(r.err, "\n"), 1, "one line, not: %s", r.err);
    html = read_in(dir, "report.html");
    cr_assert_not_null(html);
    cr_assert_not_null(strstr(html, "<table id=\"ranks\">"));
    cr_assert_eq(count(html, "<svg"), 0);
    cr_assert_not_null(strstr(html, "href=\"runs.csv\""));
    free(html);
    free_result(&r);
}

Test(report, plot_names_a_missing_or_malformed_file_and_exits_2)
{
    char dir[64], path[128];
    struct cli_result r;

    tiny_results(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/traces.csv", dir);
    unlink(path);
    r = run_cli(ARGS("plot", dir), NULL);
    cr_assert_eq(r.exit_code, 2);
    cr_assert_not_null(strstr(r.err, "traces.csv"), "stderr: %s", r.err);
    free_result(&r);

    tiny_results(dir, sizeof dir);
    write_file(dir, "runs.csv", "problem,optimizer,seed\nbowl,a\n");
    r = run_cli(ARGS("plot", dir), NULL);
    cr_assert_eq(r.exit_code, 2);
    cr_assert_not_null(strstr(r.err, "runs.csv:2:"), "stderr: %s", r.err);
    free_result(&r);

    tiny_results(dir, sizeof dir);
    write_file(dir, "summary.csv", "problem,optimizer\nbowl,a\n");
    r = run_cli(ARGS("plot", dir), NULL);
    cr_assert_eq(r.exit_code, 2);
    cr_assert_not_null(strstr(r.err, "summary.csv:1: no column 'settings'"),
                       "stderr: %s", r.err);
    free_result(&r);

    r = run_cli(ARGS("plot"), NULL);
    cr_assert_eq(r.exit_code, 2);
    free_result(&r);
}

/* Keeps the first `lines` lines of DIR/NAME, as `head -n` would. */
static void cut_file(const char *dir, const char *name, size_t lines)
{
    char *text = read_in(dir, name), *p;

    cr_assert_not_null(text);
    p = text;
    for (size_t n = 0; n < lines && (p = strchr(p, '\n')) != NULL; n++)
        p++;
    if (p != NULL)
        *p = '\0';
    write_file(dir, name, text);
    free(text);
}

static int exists_in(const char *dir, const char *name)
{
    char path[512];

    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

static void remove_in(const char *dir, const char *name)
{
    char path[512];

    snprintf(path, sizeof path, "%s/%s", dir, name);
    cr_assert_eq(remove(path), 0, "cannot remove %s", path);
}

Test(report, plot_refuses_a_traces_csv_without_every_reported_run)
{
    char dir[64];
    struct cli_result r;

    /* Six pairs traced, one run each: cutting the last line loses flat/c. */
    tiny_results(dir, sizeof dir);
    cut_file(dir, "traces.csv", 7);
    r = run_cli(ARGS("plot", dir), NULL);
    cr_assert_eq(r.exit_code, 2, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "/traces.csv has 0 traced runs of "
                                     "flat/c where summary.csv says 1"),
                       "stderr: %s", r.err);
    cr_assert(!exists_in(dir, "summary.md") && !exists_in(dir, "report.html"));
    free_result(&r);

    /* bowl/a's trace cut before its last row (step 100, as runs.csv says). */
    tiny_results(dir, sizeof dir);
    write_file(dir, "traces.csv",
               "problem,optimizer,seed,step,loss,gap,test_loss,"
               "test_accuracy\nbowl,a,1,0,1,1,,\n"
               "bowl,b,1,100,1e-05,1e-05,,\nbowl,c,1,7,nan,nan,,\n"
               "flat,a,1,100,1e-20,1e-20,,\nflat,b,1,100,1e-30,1e-30,,\n"
               "flat,c,1,100,1e-18,1e-18,,\n");
    r = run_cli(ARGS("plot", dir), NULL);
    cr_assert_eq(r.exit_code, 2, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "/traces.csv:2: the trace of bowl/a "
                                     "seed 1 ends at step 0 where runs.csv "
                                     "says the run took 100 steps"),
                       "stderr: %s", r.err);
    free_result(&r);

    /* A pair traced that summary.csv does not report. */
    tiny_results(dir, sizeof dir);
    write_file(dir, "traces.csv",
               "problem,optimizer,seed,step,loss,gap,test_loss,"
               "test_accuracy\nbowl,d,1,0,1,1,,\n");
    r = run_cli(ARGS("plot", dir), NULL);
    cr_assert_eq(r.exit_code, 2, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "/traces.csv:2: bowl/d has no row in "
                                     "summary.csv"),
                       "stderr: %s", r.err);
    free_result(&r);
}

/* Runs the quick suite into a new folder; results in OUT/results/quick. */
static void run_quick(char *out, size_t size)
{
    struct cli_result r;

    make_temp_dir(out, size);
    r = run_cli(ARGS("run", "quick", "--out", out, "--no-progress"), NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    free_result(&r);
}

Test(report, plot_refuses_a_runs_csv_cut_at_a_line_and_writes_nothing,
     .timeout = 60)
{
    char out[64], results[128];
    struct cli_result r;

    make_temp_dir(out, sizeof out);
    r = run_cli(
        ARGS("run", "quick", "--out", out, "--no-progress", "--no-charts"),
        NULL);
    cr_assert_eq(r.exit_code, 0, "stderr: %s", r.err);
    free_result(&r);
    snprintf(results, sizeof results, "%s/results/quick", out);
    cr_assert(exists_in(results, "summary.md"));

    /* 30 tuning rows, then 15 for rosenbrock's five optimizers, 3 for
     * quadratic/sgd and the first of quadratic/momentum's 3. */
    cut_file(results, "runs.csv", 50);
    remove_in(results, "summary.md");
    remove_in(results, "report.html");
    r = run_cli(ARGS("plot", results), NULL);
    cr_assert_eq(r.exit_code, 2, "stderr: %s", r.err);
    cr_assert_not_null(strstr(r.err, "/results/quick/runs.csv has 1 reported "
                                     "runs of quadratic/momentum where "
                                     "summary.csv says 3"),
                       "stderr: %s", r.err);
    cr_assert_eq(count(r.err, "\n"), 1, "one line, not: %s", r.err);
    cr_assert(!exists_in(results, "summary.md"));
    cr_assert(!exists_in(results, "report.html"));
    free_result(&r);
}

Test(report, every_chart_is_inlined_once_with_its_script_beside_it,
     .timeout = 120)
{
    static const char *const kinds[] = {
        "suite@ecdf.gp",
        "suite@profile.gp",
        "suite@divergence.gp",
        "rosenbrock.gp",
        "rosenbrock@trajectories.gp",
        "rosenbrock@final-gap.gp",
        "rosenbrock@lr.gp",
        "logreg-batch32@test.gp",
    };
    char out[64], results[128], plots[128];
    char *html;
    size_t figures;

    if (!program_available("gnuplot"))
        cr_skip_test("gnuplot is not installed");
    run_quick(out, sizeof out);
    snprintf(results, sizeof results, "%s/results/quick", out);
    snprintf(plots, sizeof plots, "%s/plots/quick", out);
    html = read_in(results, "report.html");
    cr_assert_not_null(html);
    figures = count(html, "<figure>");
    cr_assert_geq(figures, 8);
    cr_assert_eq(count(html, "<svg"), figures);
    cr_assert_eq(count(html, "<figcaption>"), figures);
    cr_assert_eq(count(html, "http://"), count(html, "xmlns"),
                 "nothing but SVG namespaces may point to the network");
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char name[128], *text;

        cr_assert_not_null(strstr(html, kinds[i]), "no %s", kinds[i]);
        text = read_in(plots, kinds[i]);
        cr_assert_not_null(text, "missing %s", kinds[i]);
        free(text);
        snprintf(name, sizeof name, "%.*s.png", (int)(strlen(kinds[i]) - 3),
                 kinds[i]);
        text = read_in(plots, name);
        cr_assert_not_null(text, "missing %s", name);
        free(text);
    }
    free(html);
}

/* The distinct byte values of a PNG's decompressed image data: a picture
 * of a single colour gives a handful, a page of tables and charts many. */
static size_t png_distinct_bytes(const char *path)
{
    FILE *file = fopen(path, "rb");
    unsigned char header[8], length_type[8], *idat = NULL, *pixels;
    size_t idat_size = 0, distinct = 0;
    unsigned long width = 0, height = 0;
    int seen[256] = {0};
    uLongf out_size;

    cr_assert_not_null(file, "no screenshot %s", path);
    cr_assert_eq(fread(header, 1, 8, file), 8);
    cr_assert_eq(memcmp(header, "\x89PNG\r\n\x1a\n", 8), 0, "not a PNG");
    while (fread(length_type, 1, 8, file) == 8) {
        size_t length = (size_t)length_type[0] << 24 |
                        (size_t)length_type[1] << 16 |
                        (size_t)length_type[2] << 8 | length_type[3];
        unsigned char *chunk = malloc(length + 4);

        cr_assert_not_null(chunk);
        cr_assert_eq(fread(chunk, 1, length + 4, file), length + 4);
        if (memcmp(length_type + 4, "IHDR", 4) == 0) {
            width = (unsigned long)chunk[0] << 24 | chunk[1] << 16 |
                    chunk[2] << 8 | chunk[3];
            height = (unsigned long)chunk[4] << 24 | chunk[5] << 16 |
                     chunk[6] << 8 | chunk[7];
        } else if (memcmp(length_type + 4, "IDAT", 4) == 0) {
            idat = realloc(idat, idat_size + length);
            cr_assert_not_null(idat);
            memcpy(idat + idat_size, chunk, length);
            idat_size += length;
        }
        free(chunk);
    }
    fclose(file);
    cr_assert_gt(width, 100);
    cr_assert_gt(height, 100);
    out_size = (uLongf)(height * (1 + 4 * width));
    pixels = malloc(out_size);
    cr_assert_not_null(pixels);
    cr_assert_eq(uncompress(pixels, &out_size, idat, (uLong)idat_size), Z_OK,
                 "cannot inflate %s", path);
    for (uLongf i = 0; i < out_size; i++)
        if (!seen[pixels[i]]++)
            distinct++;
    free(idat);
    free(pixels);
    return distinct;
}

Test(report, the_page_shows_tables_and_charts_in_headless_chromium,
     .timeout = 180)
{
    char out[64], url[256], shot[192], command[2048], dom[192];
    char *text;

    if (!program_available("chromium"))
        cr_skip_test("chromium is not installed");
    if (!program_available("gnuplot"))
        cr_skip_test("gnuplot is not installed");
    run_quick(out, sizeof out);
    snprintf(url, sizeof url, "file://%s/results/quick/report.html", out);
    snprintf(shot, sizeof shot, "%s/shot.png", out);
    snprintf(dom, sizeof dom, "%s/dom.html", out);
    /* No network is needed: the page holds everything it shows. */
    snprintf(command, sizeof command,
             "cd %s && HOME=%s chromium --headless --no-sandbox "
             "--disable-gpu --disable-dev-shm-usage "
             "--window-size=1200,2400 --screenshot=%s %s "
             ">/dev/null 2>&1 && HOME=%s chromium --headless --no-sandbox "
             "--disable-gpu --disable-dev-shm-usage --dump-dom %s "
             ">%s 2>/dev/null",
             out, out, shot, url, out, url, dom);
    cr_assert_eq(system(command), 0, "chromium failed: %s", command);
    text = read_whole_file(dom);
    cr_assert_not_null(text);
    cr_assert_not_null(strstr(text, "<table id=\"ranks\">"));
    cr_assert_geq(count(text, "<svg"), 8);
    free(text);
    text = read_whole_file(shot);
    cr_assert_not_null(text, "no screenshot");
    free(text);
    cr_assert_gt(png_distinct_bytes(shot), 32,
                 "the screenshot is (nearly) a single colour");
}
