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
 *   epochs = 0                 dataset problems: passes over the training
 *                              rows instead of `steps` (0 = use steps)
 *   eval_every = 0             dataset problems: an evaluation row every N
 *                              steps (0 = one per epoch); functions: trace
 *                              rows every N steps (0 = log-spaced)
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
 *   steps = 500                optional budget of this problem, each
 *   epochs = 5                 overriding the suite's key of the same
 *   seeds = 3                  name: a costly problem can run fewer
 *   tuning_seeds = 1           replicates or a shorter training
 *
 * seed is a whole number in [0, 2^53]; seeds and tuning_seeds in
 * [1, 10^6]; steps in [1, 10^9]; eval_every in [0, 10^9]; a problem's
 * epochs in [1, 10^6] (the suite's in [0, 10^6]); targets are
 * distinct positive numbers, stored decreasing. Labels are one word of
 * letters, digits and - _ . +, unique among optimizers and among
 * problems. A sweep lists its values separated by commas (spaces allowed
 * around them), or is logspace(lo, hi, n): n values in geometric steps
 * from lo to hi inclusive (lo, hi > 0; n = 1 gives lo), each written as
 * the shortest %g text that reads back as the same double. An entry has
 * at most 10000 variants. A header counts even with no key under it. A
 * value takes one line: an indented line after a key is rejected (inih
 * would read it as a continuation). Lines hold at most 198 characters.
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
    size_t steps;                /* 0: the suite's */
    size_t epochs;               /* 0: the suite's */
    size_t seeds;                /* 0: the suite's */
    size_t tuning_seeds;         /* 0: the suite's */
    /* NULL, or why the problem cannot run here: the message of its
     * OB_EMISSING (a data set that is not installed). Runs skip it. */
    char *unavailable;
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
    size_t epochs;        /* 0: dataset problems use steps too */
    size_t eval_every;
    double *targets;      /* gap targets, decreasing */
    size_t target_count;
    struct ob_suite_optimizer *optimizers;
    size_t optimizer_count;
    struct ob_suite_problem *problems;
    size_t problem_count;
};

/* Reads and validates a suite file: every key, type and value, every
 * variant of every sweep, and every problem (created to check its
 * parameters, start length and data files). A value that fails on its own
 * is reported at its key's line, unless some combination with the entry's
 * other values accepts it (sgd's nesterov = 1 needs momentum > 0); a
 * variant that fails as a whole is reported at the section's line with
 * its text. On error the suite is left zeroed and err holds
 * "FILE:LINE: message" with status OB_EINVAL; OB_EIO ("cannot open suite
 * file PATH: reason", no line) when the file cannot be read; a problem's
 * own status (OB_EIO, OB_EDATA) at its section's line when its data file
 * is missing or malformed; OB_ENOMEM. A problem whose optional data set
 * is not installed (OB_EMISSING) is no error: its entry is kept with
 * `unavailable` set, its parameters checked as far as their specs go
 * (a start's length cannot be). FILE is `path` as given. The suite
 * owns every string and array in it until ob_suite_free. */
int ob_suite_load(struct ob_suite *suite, const char *path,
                  struct ob_error *err);

/* Resolves NAME to a bundled suite (SUITE_DIR/NAME.ini, where SUITE_DIR is
 * problems/suites in the source tree unless OPTBENCH_SUITE_DIR says
 * otherwise); text containing '/' or ending in ".ini" is a path. A NAME
 * with no such file gives OB_EINVAL, "unknown suite 'NAME' (bundled: a,
 * b, c)", listing SUITE_DIR's .ini files sorted; else as ob_suite_load. */
int ob_suite_load_named(struct ob_suite *suite, const char *name_or_path,
                        struct ob_error *err);

/* Folder of the bundled suites. */
const char *ob_suite_dir(void);

/* Whether `key` in a [problem] section sets the problem's budget (steps,
 * epochs, seeds, tuning_seeds) rather than one of its parameters. */
int ob_suite_is_budget_key(const char *key);

/* Replicates of problem entry q: its own tuning_seeds (tuning non-zero)
 * or seeds, else the suite's. */
size_t ob_suite_replicates(const struct ob_suite *suite, size_t q, int tuning);

/* The most replicates of any problem entry (at least the suite's). */
size_t ob_suite_most_replicates(const struct ob_suite *suite, int tuning);

/* Frees everything load allocated; safe on a zeroed struct. */
void ob_suite_free(struct ob_suite *suite);

/* Fills settings[0..param_count) with the values of variant v of entry o:
 * the last swept parameter varies fastest. Strings point into o. */
void ob_suite_variant(const struct ob_suite_optimizer *o, size_t v,
                      struct ob_setting *settings);

/* Writes variant v as "key=value key=value" (all params, "" when there
 * are none) into buffer, cut to size - 1 characters. */
void ob_suite_variant_text(const struct ob_suite_optimizer *o, size_t v,
                           char *buffer, size_t size);

#endif
