/* The harness: one run of an optimizer on a problem, the built-in default
 * suite, the parallel suite runner and its CSV and gnuplot writers. */
#ifndef OB_HARNESS_H
#define OB_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../optim/optimizer.h"
#include "../../problems/problem.h"

/* ---- One run ---------------------------------------------------------- */

enum ob_divergence {
    OB_DIVERGENCE_NONE,
    OB_DIVERGENCE_NAN,    /* loss or a coordinate became NaN */
    OB_DIVERGENCE_INF,    /* loss or a coordinate became infinite */
    OB_DIVERGENCE_BLOWUP, /* loss rose far above its start (see run.c) */
};

/* "ok", "nan", "inf" or "blow-up". */
const char *ob_divergence_name(enum ob_divergence divergence);

struct ob_run_summary {
    enum ob_divergence divergence;
    size_t steps_done;       /* updates made; the last row is this step */
    double final_loss;       /* loss at the last row */
    double best_loss;        /* lowest finite loss over all rows */
    long steps_to_target;    /* first row with loss <= target, or -1 */
    int stopped;             /* the observer asked to stop early */
};

/* Called once per row: row 0 is the start, row k the point after k updates.
 * loss is the exact loss there (full batch, no noise, no weight decay).
 * Returning non-zero stops the run after this row (summary.stopped). */
typedef int (*ob_run_observer)(void *context, size_t step, double loss,
                               const double *x, size_t n);

struct ob_run_config {
    const double *x0;    /* start; NULL: the problem's init_start drawn from
                          * the run's stream, or problem->start */
    size_t steps;        /* updates */
    size_t eval_every;   /* a row every N steps (and the last); 0 = 1 */
    uint64_t stream_seed; /* noise, minibatch order and drawn starts */
};

/* Runs config->steps updates of opt (created for problem->dim parameters).
 * Rows (the exact loss at the current point) come every eval_every steps
 * and at the end; deterministic problems are evaluated at every step
 * anyway, stochastic ones only at rows. Dataset problems with minibatches
 * reshuffle the training rows every epoch from the run's stream. The run
 * stops early at the first row whose loss or point is not finite, or whose
 * loss blows up; that row is still observed. On a problem without a finite
 * minimum, such a row after the target was reached ends the run as an
 * escape, not a divergence: the summary keeps the last finite row.
 * Returns OB_OK (divergence is a result, not an error) or OB_ENOMEM. */
int ob_run_execute(const struct ob_problem *problem, struct ob_optimizer *opt,
                   const struct ob_run_config *config,
                   ob_run_observer observe, void *context,
                   struct ob_run_summary *summary, struct ob_error *err);

/* ---- Suites ----------------------------------------------------------- */

#include <signal.h>

#include "suite_file.h"

/* Seed of one run's random stream from the replicate's seed number and the
 * run's labels (see ob_seed_derive). `optbench trace --seed S` uses the
 * same derivation with the type names. */
uint64_t ob_suite_stream_seed(uint64_t seed, const char *problem,
                              const char *optimizer);

struct ob_suite_options {
    const char *out_dir;   /* results/ and plots/ go under this folder */
    int threads;           /* 0 = OpenMP's default */
    int draw_charts;       /* write the charts, drawn when gnuplot is on
                            * PATH */
    int show_progress;     /* progress bar on stderr */
    /* Replicates of reported runs for every problem, over the suite's
     * and each problem's own seeds; 0 = those. */
    size_t seeds;
    const char *only;      /* glob on problem, optimizer or PROBLEM/OPT */
    int resume;            /* reuse runs finished by an interrupted call */
    /* Set asynchronously (SIGINT) to stop: runs not yet finished are
     * dropped, finished ones stay in the journal for --resume. */
    volatile sig_atomic_t *stop;
};

struct ob_suite_report {
    size_t runs;           /* runs in the plan */
    size_t resumed;        /* of which taken from the journal */
    size_t finished;       /* finished (resumed included) */
    int charts_drawn;      /* gnuplot drew the charts */
};

/* Whether --only's glob (NULL: everything) keeps the pair: it matches the
 * problem label, the optimizer label or "PROBLEM/OPTIMIZER". */
int ob_suite_pair_selected(const char *glob, const char *problem,
                           const char *optimizer);

/* Runs the suite: tuning runs for every swept optimizer entry, selection of
 * each entry's setting per problem, then the reported runs on fresh seeds;
 * all in parallel (dynamic schedule), each run in its own slot. Writes
 * OUT/results/NAME/{runs,targets,traces,summary,timings,problems,paths}.csv
 * and manifest.json (each to a temporary name, renamed when complete), then
 * the report drawn from those files alone (report.h): summary.md and
 * report.html, and with draw_charts the charts under OUT/plots/NAME/
 * (drawn when gnuplot is on PATH; charts_drawn says so). Result files are
 * byte-identical for any thread count and after an interrupted run is
 * completed with `resume`. While running, finished runs are appended to
 * OUT/results/NAME/journal.partial, removed on success. Problems whose
 * entry is `unavailable` (their data set is not installed) get no runs
 * and are listed under "skipped" in manifest.json.
 * Returns OB_OK, OB_EINVAL (bad options or --only matching nothing),
 * OB_EMISSING when every pair left to run is skipped, OB_EIO, OB_ENOMEM,
 * or OB_EINTERRUPTED when `stop` was set. */
int ob_suite_run(const struct ob_suite *suite,
                 const struct ob_suite_options *options,
                 struct ob_suite_report *report, struct ob_error *err);

/* ---- Output helpers ----------------------------------------------------- */

/* A file written under a temporary name and renamed on commit. */
struct ob_atomic_file {
    FILE *stream;
    char final_path[4096];
    char temp_path[4096];
};

/* Writes DIR/NAME into out; OB_EIO when it does not fit. */
int ob_path_join(char *out, size_t size, const char *dir, const char *name,
                 struct ob_error *err);

/* Creates missing folders of `path` (like mkdir -p). */
int ob_make_dirs(const char *path, struct ob_error *err);

int ob_atomic_open(struct ob_atomic_file *file, const char *path,
                   struct ob_error *err);

/* Flushes, closes and renames to the final name; on any write error the
 * temporary file is removed and OB_EIO returned naming the path. */
int ob_atomic_commit(struct ob_atomic_file *file, struct ob_error *err);

/* Closes and removes the temporary file. */
void ob_atomic_abort(struct ob_atomic_file *file);

/* Whether an executable called `name` is on PATH. */
int ob_program_available(const char *name);

/* Writes a double as %.17g in the C locale ("nan", "inf", "-inf" for
 * non-finite values). */
void ob_write_double(FILE *stream, double value);

/* Writes text with <, >, & and " escaped, so it is safe both as element
 * content and inside a double-quoted attribute. */
void ob_write_html(FILE *stream, const char *text);

#endif
