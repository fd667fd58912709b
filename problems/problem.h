/* Problem types and instances.
 *
 * A problem type is a const table (name, parameter specs, create, destroy,
 * eval), one per file under problems/functions or problems/models, listed
 * in catalogue.c. An instance holds its dimension, default start, known
 * minimum and whatever data the type needs. */
#ifndef OB_PROBLEM_H
#define OB_PROBLEM_H

#include <stddef.h>

#include "../src/util/error.h"
#include "../src/util/params.h"
#include "../src/util/rng.h"

struct ob_problem_type;

enum ob_problem_kind {
    OB_PROBLEM_FUNCTION, /* a test function of x */
    OB_PROBLEM_DATASET,  /* a model trained on rows of a data set */
};

struct ob_problem {
    const struct ob_problem_type *type;
    size_t dim;
    double *start;     /* default start, dim values, owned */
    double *minimizer; /* one minimiser (dim values, owned) or NULL */
    double minimum;    /* known minimum value, or NAN (unknown/unbounded) */
    /* Loss at or below which a run counts as having reached the target:
     * minimum + 1e-6 for functions with a known minimum, otherwise a value
     * documented by the type. */
    double target;
    int stochastic;    /* the gradient depends on the random stream */
    /* Examples behind one gradient (batch size, training rows for a full
     * batch; 1 for functions): the unit of "gradient evaluations". */
    size_t examples_per_gradient;
    /* Dataset problems (type->eval_rows non-NULL): rows of the training
     * split (one epoch) and rows per minibatch (0 or >= train_rows: full
     * batch). The harness shuffles the training rows at every epoch with
     * the run's stream and hands eval_rows consecutive slices of batch
     * rows (the last slice of an epoch may be shorter). */
    enum ob_problem_kind kind;
    size_t train_rows;
    size_t batch;
    void *data;        /* type-specific, owned, freed by type->destroy */
};

struct ob_problem_type {
    const char *name;        /* "rosenbrock": CLI and CSV name */
    const char *description; /* one line for `optbench list` */
    const struct ob_param_spec *params;
    size_t param_count;
    /* Builds an instance from parsed values (indexed like params): sets
     * dim, start (malloc'd), minimizer, minimum, target, stochastic, data.
     * On error everything it allocated is freed and err names the value. */
    int (*create)(struct ob_problem *p, const struct ob_param_values *values,
                  struct ob_error *err);
    /* Frees p->data (may be NULL); start and minimizer are freed by
     * ob_problem_destroy. */
    void (*destroy)(struct ob_problem *p);
    /* Loss at x. When grad is non-NULL it receives the gradient (dim
     * values). When rng is NULL both are exact (full batch, no noise); when
     * rng is non-NULL a stochastic problem draws its minibatch or gradient
     * noise from it and returns the loss of that sample. Deterministic
     * problems ignore rng. Never fails: non-finite values are returned as
     * they arise so the harness can record divergence. */
    double (*eval)(const struct ob_problem *p, const double *x, double *grad,
                   struct ob_rng *rng);
    /* Dataset problems only (NULL for functions): mean loss over training
     * rows rows[0..count) (indices into the training split) plus any
     * penalty, and its gradient when grad is non-NULL. eval(p, x, grad,
     * NULL) is the same over every training row. Must not allocate per
     * call beyond what p->data holds (callers run in parallel, so any
     * scratch must be per call: use the stack or allocate and free). */
    double (*eval_rows)(const struct ob_problem *p, const double *x,
                        double *grad, const size_t *rows, size_t count);
    /* Dataset problems only: loss on the test split (no penalty) and the
     * share of test rows classified correctly (NAN for regression). */
    void (*evaluate_test)(const struct ob_problem *p, const double *x,
                          double *test_loss, double *test_accuracy);
    /* Optional: writes a start drawn from rng into x (dim values), e.g.
     * Glorot initialisation for an MLP. NULL: every run starts at
     * p->start, which must still be set (a representative draw). */
    void (*init_start)(const struct ob_problem *p, double *x,
                       struct ob_rng *rng);
};

/* The catalogue: every problem type, in display order. */
extern const struct ob_problem_type *const ob_problem_types[];
extern const size_t ob_problem_type_count;

/* Type called `name`, or NULL. */
const struct ob_problem_type *ob_problem_find(const char *name);

/* Writes the catalogue's names as "rosenbrock, beale, ..." into buffer. */
void ob_problem_type_names(char *buffer, size_t size);

/* Parses settings (unknown keys are errors) and creates an instance. */
int ob_problem_create(struct ob_problem *p,
                      const struct ob_problem_type *type,
                      const struct ob_setting *settings,
                      size_t setting_count, struct ob_error *err);

/* Frees an instance; safe on a zeroed struct. */
void ob_problem_destroy(struct ob_problem *p);

/* Shorthand for p->type->eval(p, x, grad, rng). */
double ob_problem_eval(const struct ob_problem *p, const double *x,
                       double *grad, struct ob_rng *rng);

/* Minibatches per epoch of a dataset problem: ceil(train_rows / batch),
 * 1 for full batch and for functions. */
size_t ob_problem_steps_per_epoch(const struct ob_problem *p);

/* Folder holding the data files (problems/data in the source tree, unless
 * the environment variable OPTBENCH_DATA_DIR says otherwise). */
const char *ob_data_dir(void);

/* Helper for types: allocates p->start with dim values copied from start
 * and, when minimizer is non-NULL, p->minimizer likewise. */
int ob_problem_set_points(struct ob_problem *p, const double *start,
                          const double *minimizer, struct ob_error *err);

/* Helper for n-D test functions: checks that n is a whole number in
 * [min_n, 1e6] (OB_EINVAL naming the problem and n), sets dim = n, a start
 * alternating start_even, start_odd, ... and a minimiser with every
 * coordinate `argmin`. */
int ob_problem_set_nd(struct ob_problem *p, double n, double min_n,
                      double start_even, double start_odd, double argmin,
                      struct ob_error *err);

#endif
