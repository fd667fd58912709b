/* A suite's report, drawn from its result files alone: summary.md,
 * report.html and the gnuplot charts (internal to the harness). `run`
 * calls it after writing the CSVs and `optbench plot` calls it on a
 * results folder, so both draw the same pictures. */
#ifndef OB_REPORT_H
#define OB_REPORT_H

#include <stddef.h>

#include "csv.h"
#include "harness.h"

/* One problem entry, from problems.csv. */
struct ob_report_problem {
    const char *label, *type, *params; /* params: "key=value key=value" */
    int dataset;                       /* kind = dataset */
    size_t dim, steps, eval_every, steps_per_epoch, examples_per_gradient;
    double minimum;     /* NAN when unknown */
    double target_loss; /* NAN when none */
};

/* One (problem, optimizer) pair, from summary.csv. */
struct ob_report_cell {
    int present;           /* a row exists (--only may leave pairs out) */
    const char *settings;  /* the reported setting */
    size_t runs;           /* reported runs, from summary.csv */
    int gap;               /* metric = gap (else loss) */
    double median, q1, q3; /* final gap (or loss); diverged = inf */
    double success, divergence, steps_median; /* NAN when none reached */
    double rank_value; /* median, floored at 1e-16 for gaps, NaN = inf */
    size_t rank;       /* 1 = best; equal ranks for full ties */
    int lr_swept;      /* tuning tried 2+ lr at the setting's other values */
    int lr_edge;       /* chosen lr is that sweep's highest (+1), lowest (-1) */
};

/* What a chart is about: a file stem in the plots folder and a caption. */
struct ob_report_chart {
    char stem[300];
    char caption[400];
    long problem; /* problem index, or -1 for the whole suite */
};

struct ob_report {
    char *suite;    /* name from manifest.json */
    char *manifest; /* manifest.json's text */
    char *only;     /* manifest's "only": run's --only glob, or NULL */
    struct ob_csv runs, summary, targets, traces, problems_csv, paths;
    struct ob_report_problem *problems;
    size_t problem_count;
    const char **optimizers; /* labels in order of first appearance */
    size_t optimizer_count;
    struct ob_report_cell *cells; /* [problem * optimizer_count + opt] */
    struct ob_report_chart *charts;
    size_t chart_count, chart_capacity;
};

/* Reads DIR's manifest.json, runs, summary, targets, traces, problems and
 * paths CSVs, checks the columns the report uses, checks that runs.csv
 * (its phase=final rows) and traces.csv hold summary.csv's number of
 * reported runs for each (problem, optimizer) pair and no other pair, so a
 * file cut short is refused ("PATH has N reported runs of P/O where
 * summary.csv says M"), and ranks each problem's
 * optimizers: by median final gap (the loss when the minimum is unknown;
 * diverged runs count as +inf, gaps below 1e-16 as 1e-16), ties broken by
 * the median steps to target (never reached last); pairs equal on both
 * share a rank. It marks each pair whose chosen lr is the highest or lowest
 * of its sweep: the phase=tune rows of the pair in runs.csv whose other
 * settings equal the chosen ones. Errors: OB_EIO "cannot read PATH: reason" (a
 * missing file), OB_EDATA "PATH:LINE: reason" or "PATH: reason", OB_ENOMEM. The
 * report owns its memory until ob_report_free, even on error. */
int ob_report_load(struct ob_report *report, const char *results_dir,
                   struct ob_error *err);

void ob_report_free(struct ob_report *report);

/* Index of a problem (or optimizer) label, or OB_CSV_NO_COLUMN. */
size_t ob_report_problem_index(const struct ob_report *report,
                               const char *label);
size_t ob_report_optimizer_index(const struct ob_report *report,
                                 const char *label);

/* Writes DIR/summary.md: the ranks table and each optimizer's totals. */
int ob_report_write_summary(const struct ob_report *report,
                            const char *results_dir, struct ob_error *err);

/* Writes every chart's data and gnuplot script into plots_dir (created)
 * and lists them in report->charts. With draw, runs gnuplot (which must be
 * on PATH) on the scripts, `jobs` processes at a time, each script
 * drawing STEM.png (pngcairo) and STEM.svg. OB_EIO names the script
 * gnuplot failed on. */
int ob_report_write_charts(struct ob_report *report, const char *plots_dir,
                           int draw, int jobs, struct ob_error *err);

/* Writes DIR/report.html, one self-contained page: the tables, every
 * chart in report->charts inlined from plots_dir/STEM.svg (when
 * with_charts), the manifest, and relative links to the CSVs. */
int ob_report_write_html(const struct ob_report *report,
                         const char *results_dir, const char *plots_dir,
                         int with_charts, struct ob_error *err);

/* Everything at once, as `run` does: load, summary.md, then with
 * charts the chart files (drawn when gnuplot is on PATH; *drawn says so),
 * then report.html. */
int ob_report_build(const char *results_dir, const char *plots_dir, int charts,
                    int jobs, int *drawn, struct ob_error *err);

#endif
