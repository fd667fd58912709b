/* Suite files: an INI file (parsed with inih) that declares a comparison.
 *
 *   [suite]                    seeds, budget, targets
 *   name = quick               (default: the file name without .ini)
 *   seed = 1                   base seed; replicate r of the reported runs
 *                              uses seed + r, tuning replicate r uses
 *                              seed + 1000 + r
 *   seeds = 5                  replicates of the reported runs
 *   tuning_seeds = 3           replicates of each setting of a sweep
 *   steps = 1000               updates per run
 *   eval_every = 0             trace rows every N steps; 0 = log-spaced
 *   targets = 1e-1, 1e-2, ...  gaps to the minimum counted as reached
 *
 *   [optimizer LABEL]          one per optimizer entry
 *   type = adam                an optimizer type (optbench list)
 *   lr = logspace(1e-4, 1, 9)  any hyperparameter; a list "a, b, c" or
 *   beta1 = 0.9                logspace(lo, hi, n) makes it a sweep
 *
 *   [problem LABEL]            one per problem entry
 *   type = quadratic           a problem type
 *   h = 1,10,100,1000          problem parameters (never swept)
 *   start = 1,1,1,1            optional start (default: the problem's)
 *
 * Every error names FILE:LINE. */
#ifndef OB_SUITE_FILE_H
#define OB_SUITE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "../optim/optimizer.h"
#include "../../problems/problem.h"

/* One hyperparameter of an optimizer entry: a single value, or a sweep. */
struct ob_suite_param {
    char *key;
    char **values;      /* value_count strings, each a single value */
    size_t value_count; /* > 1 for a sweep */
    int line;
};

struct ob_suite_optimizer {
    char *label;
    const struct ob_optimizer_type *type;
    struct ob_suite_param *params; /* in file order */
    size_t param_count;
    size_t variant_count; /* product of the params' value counts */
    int line;             /* of the section header */
};

struct ob_suite_problem {
    char *label;
    const struct ob_problem_type *type;
    struct ob_setting *settings; /* key and value strings owned */
    size_t setting_count;
    double *start;               /* NULL: the problem's default start */
    size_t start_count;
    int line;
};

struct ob_suite {
    char *name;
    char *path;
    char sha256[65];      /* hex digest of the file's bytes */
    uint64_t seed;
    size_t seeds;
    size_t tuning_seeds;
    size_t steps;
    size_t eval_every;
    double *targets;      /* gap targets, decreasing */
    size_t target_count;
    struct ob_suite_optimizer *optimizers;
    size_t optimizer_count;
    struct ob_suite_problem *problems;
    size_t problem_count;
};

/* Reads and validates a suite file: every key, type and value, every
 * variant of every sweep, and every problem (created once to check its
 * parameters, start length and data files). On error nothing is kept and
 * err holds "FILE:LINE: message" with status OB_EINVAL (OB_EIO when the
 * file cannot be read). */
int ob_suite_load(struct ob_suite *suite, const char *path,
                  struct ob_error *err);

/* Resolves NAME to a bundled suite (SUITE_DIR/NAME.ini, where SUITE_DIR is
 * problems/suites in the source tree unless OPTBENCH_SUITE_DIR says
 * otherwise); text containing '/' or ending in ".ini" is a path. */
int ob_suite_load_named(struct ob_suite *suite, const char *name_or_path,
                        struct ob_error *err);

/* Folder of the bundled suites. */
const char *ob_suite_dir(void);

/* Frees everything load allocated; safe on a zeroed struct. */
void ob_suite_free(struct ob_suite *suite);

/* Fills settings[0..param_count) with the values of variant v of entry o:
 * the last swept parameter varies fastest. Strings point into o. */
void ob_suite_variant(const struct ob_suite_optimizer *o, size_t v,
                      struct ob_setting *settings);

/* Writes variant v as "key=value key=value" (all params) into buffer. */
void ob_suite_variant_text(const struct ob_suite_optimizer *o, size_t v,
                           char *buffer, size_t size);

#endif
