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
};

/* Called once per row: row 0 is the start, row k the point after k updates.
 * loss is the exact loss there (full batch, no noise, no weight decay). */
typedef void (*ob_run_observer)(void *context, size_t step, double loss,
                                const double *x, size_t n);

/* Runs `steps` updates of opt (created for problem->dim parameters) from x0
 * (problem->start when NULL). Stochastic gradients draw from a stream seeded
 * with stream_seed. The run stops early at the first row whose loss or point
 * is not finite, or whose loss blows up; that row is still observed.
 * Returns OB_OK (divergence is a result, not an error) or OB_ENOMEM. */
int ob_run_execute(const struct ob_problem *problem, struct ob_optimizer *opt,
                   const double *x0, size_t steps, uint64_t stream_seed,
                   ob_run_observer observe, void *context,
                   struct ob_run_summary *summary, struct ob_error *err);

/* ---- Suites ----------------------------------------------------------- */

struct ob_suite_entry {
    const char *label;    /* name in results: "momentum" */
    const char *type;     /* optimizer or problem type: "sgd" */
    const char *settings; /* space-separated KEY=VALUE, may be "" */
};

struct ob_suite {
    const char *name;     /* results go to results/NAME, plots/NAME */
    uint64_t seed;        /* replicate r uses seed + r */
    size_t replicates;
    size_t steps;
    const struct ob_suite_entry *optimizers;
    size_t optimizer_count;
    const struct ob_suite_entry *problems;
    size_t problem_count;
};

/* The built-in default suite: every optimizer with sensible settings on
 * every problem of the catalogue. */
extern const struct ob_suite ob_default_suite;

/* Splits "a=1 b=2" into settings. Returns the count or -1 with err set;
 * storage receives copies of the text that the settings point into. */
int ob_settings_parse(const char *text, char *storage, size_t storage_size,
                      struct ob_setting *settings, size_t capacity,
                      const char *owner, struct ob_error *err);

/* Seed of one replicate's random stream (see ob_seed_derive). */
uint64_t ob_suite_stream_seed(uint64_t seed, const char *problem,
                              const char *optimizer);

struct ob_suite_options {
    const char *out_dir;   /* results/ and plots/ go under this folder */
    int threads;           /* 0 = OpenMP's default */
    int draw_charts;       /* call gnuplot after writing the CSVs */
    int show_progress;     /* progress line on stderr */
};

/* Runs every (problem, optimizer, replicate) in parallel and writes
 * OUT/results/NAME/{runs,traces,timings}.csv and, with gnuplot, a chart per
 * problem under OUT/plots/NAME/. Each file is written to a temporary name
 * and renamed when complete. `charts_drawn` (may be NULL) is set to 1 when
 * charts were drawn, 0 when gnuplot is missing or charts were not asked
 * for. Returns OB_OK, OB_EINVAL for a bad suite, OB_EIO, OB_ENOMEM. */
int ob_suite_run(const struct ob_suite *suite,
                 const struct ob_suite_options *options, int *charts_drawn,
                 struct ob_error *err);

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

#endif
