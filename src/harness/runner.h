/* Internals of the suite runner shared by runner.c (plan and execution),
 * journal.c (interrupt and --resume) and results.c (files and charts). */
#ifndef OB_RUNNER_H
#define OB_RUNNER_H

#include <stdio.h>

#include "harness.h"

/* Smallest gap used on log scales and in log-gap areas: runs that reach
 * the minimum exactly would otherwise give log(0). */
#define OB_GAP_FLOOR 1e-16

enum ob_phase {
    OB_PHASE_TUNE,  /* a setting of a sweep, on tuning seeds */
    OB_PHASE_FINAL, /* the chosen setting on the reported seeds */
};

struct ob_trace_row {
    size_t step;
    double loss;
    double test_loss;     /* dataset problems; NAN otherwise */
    double test_accuracy; /* NAN for functions and regression */
    double x, y;          /* the point, for 2-D functions; NAN otherwise */
};

/* One run of the plan and everything measured about it. */
struct ob_slot {
    int phase;
    size_t problem, optimizer, variant, replicate;
    uint64_t seed;                /* the replicate's seed number */
    size_t steps;                 /* budget of this run's problem */
    size_t eval_every;            /* a row every this many steps */
    size_t rows;                  /* rows observed */
    double test_loss;             /* at the last row (datasets), or NAN */
    double test_accuracy;
    struct ob_run_summary summary;
    long *target_steps;           /* first row within each gap target */
    size_t loss_increases;        /* rows whose loss rose */
    double log_gap_sum;           /* sum of log10 gap over all rows */
    double best_first_half;       /* lowest loss in rows <= steps / 2 */
    double best_second_half;      /* lowest loss after that */
    struct ob_trace_row *trace;   /* kept rows */
    size_t trace_count, trace_capacity;
    double wall_seconds, cpu_seconds;
    int done;                     /* finished (here or in the journal) */
    int status;
    struct ob_error error;
};

struct ob_plan {
    const struct ob_suite *suite; /* with --seeds applied */
    struct ob_slot *slots;        /* tuning slots first, then final */
    size_t count, capacity;
    size_t *chosen;               /* per (problem, optimizer) pair */
    unsigned char *selected;      /* pair kept by --only */
    const char *only;             /* --only's glob, or NULL */
};

struct ob_progress {
    size_t total, done, resumed;
    double started;
};

struct ob_paths {
    char results[4096];           /* OUT/results/NAME */
    char plots[4096];             /* OUT/plots/NAME */
    char journal[4200];           /* results/journal.partial */
};

int ob_paths_make(struct ob_paths *paths, const char *out_dir,
                  const char *suite_name, struct ob_error *err);

/* Step budget and row interval of problem entry q of a suite: the entry's
 * own steps or epochs, else the suite's; dataset problems take epochs (when
 * set) and a row per `eval_every` steps (default one epoch); functions take
 * steps and a row per step. */
void ob_problem_budget(const struct ob_suite *suite, size_t q,
                       const struct ob_problem *problem, size_t *steps,
                       size_t *eval_every);

/* Rows a run of `steps` with a row every `every` steps has: 0, every,
 * 2 every, ... and the last step. */
size_t ob_expected_rows(size_t steps, size_t every);

/* Mean log10 gap of a finished run over its rows: its area under the
 * log-gap curve per row. */
double ob_slot_auc(const struct ob_slot *slot);

/* "ok", "diverged" or "stalled". */
const char *ob_slot_status(const struct ob_slot *slot);

double ob_median(double *values, size_t n);
double ob_quantile(double *values, size_t n, double q);

/* ---- journal.c ----------------------------------------------------------- */

/* Finished runs read back from a journal, keyed by their identity. */
struct ob_journal_index {
    struct ob_slot *slots;
    size_t count;
};

/* Reads PATH if it exists (a missing journal means nothing to resume).
 * OB_EINVAL when it belongs to another suite file or other options. */
int ob_journal_load(struct ob_journal_index *index, const char *path,
                    const struct ob_suite *suite,
                    const struct ob_suite_options *options,
                    struct ob_error *err);

/* Starts a new journal at PATH holding the runs of `index`. */
int ob_journal_open(FILE **journal, const char *path,
                    const struct ob_suite *suite,
                    const struct ob_suite_options *options,
                    const struct ob_journal_index *index,
                    struct ob_error *err);

/* Appends one finished run and flushes, so a crash keeps it. */
void ob_journal_append(FILE *journal, const struct ob_plan *plan,
                       const struct ob_slot *slot);

/* Marks slots [begin, end) found in the index as done, copying their
 * results. Returns how many were found. */
size_t ob_journal_fill(struct ob_journal_index *index, struct ob_plan *plan,
                       size_t begin, size_t end);

void ob_journal_index_free(struct ob_journal_index *index);

/* ---- results.c ----------------------------------------------------------- */

/* Writes runs, targets, traces, summary, timings, problems and paths CSVs
 * and manifest.json. */
int ob_write_results(const struct ob_paths *paths, const struct ob_plan *plan,
                     const struct ob_problem *problems, size_t tuning_end,
                     int threads, struct ob_error *err);

/* Whether problem's runs record their path (paths.csv): 2-D functions. */
int ob_problem_has_path(const struct ob_problem *problem);

#endif
