/* Optimizer types and the generic optimizer handle.
 *
 * An optimizer type is a const table (name, hyperparameter specs, state size,
 * check, init, step), one per file in src/optim, listed in registry.c. The
 * generic handle owns the state, counts steps and composes the type with the
 * wrappers every optimizer accepts: gradient clipping and learning-rate
 * schedules. Update rules, names and defaults follow torch.optim. */
#ifndef OB_OPTIMIZER_H
#define OB_OPTIMIZER_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"
#include "../util/params.h"

struct ob_optimizer_type {
    const char *name;        /* "adam": CLI and CSV name */
    const char *description; /* one line for `optbench list` */
    /* Hyperparameters; params[0] is always "lr", which the handle replaces
     * by the scheduled learning rate at every step. */
    const struct ob_param_spec *params;
    size_t param_count;
    /* Bytes of state for n parameters. */
    size_t (*state_size)(size_t n);
    /* Validates hp (indexed like params); OB_EINVAL with a message naming
     * the key and value, e.g. "adam: beta1=1 must be in [0, 1)". */
    int (*check)(const double *hp, struct ob_error *err);
    /* Zeroes or initialises state for n parameters and copies what it
     * needs from hp. Never allocates. */
    void (*init)(void *state, size_t n, const double *hp);
    /* One update of x in place from gradient g. lr is the learning rate of
     * this step (schedule applied); t is the 1-based number of this update.
     * g is never modified; weight decay is applied inside step. */
    void (*step)(void *state, double *x, const double *g, size_t n,
                 double lr, uint64_t t);
};

/* Schedules of the learning rate, applied by the handle to hp[0]. */
enum ob_schedule_kind {
    OB_SCHEDULE_CONSTANT,
    OB_SCHEDULE_STEP,
    OB_SCHEDULE_EXPONENTIAL,
    OB_SCHEDULE_INVERSE_TIME,
    OB_SCHEDULE_COSINE,
    OB_SCHEDULE_INVERSE_SQRT,
};

struct ob_schedule {
    enum ob_schedule_kind kind;
    double step_size;    /* step, exponential, inverse-time, inverse-sqrt:
                          * period */
    double gamma;        /* factor (step, exponential) or rate (inv-time) */
    double t_max;        /* cosine: steps from lr to eta_min */
    double eta_min;      /* cosine: final learning rate */
    double warmup_steps; /* linear warm-up over this many steps; 0 = none */
};

/* Learning rate for the update that follows `done` completed updates. */
double ob_schedule_lr(const struct ob_schedule *schedule, double base_lr,
                      uint64_t done);

/* Scales g in place so its Euclidean norm is at most max_norm, exactly as
 * torch.nn.utils.clip_grad_norm_ does: coefficient max_norm/(norm + 1e-6),
 * applied when below 1. Returns the norm before clipping. */
double ob_clip_norm(double *g, size_t n, double max_norm);

/* Clamps each g[i] to [-limit, limit] (torch's clip_grad_value_). */
void ob_clip_value(double *g, size_t n, double limit);

/* Parameters every optimizer accepts besides its own: clip_norm,
 * clip_value, schedule, step_size, gamma, t_max, eta_min, warmup_steps. */
extern const struct ob_param_spec ob_common_params[];
extern const size_t ob_common_param_count;

/* The registry: every optimizer type, in display order. */
extern const struct ob_optimizer_type *const ob_optimizer_types[];
extern const size_t ob_optimizer_type_count;

/* Type called `name`, or NULL. */
const struct ob_optimizer_type *ob_optimizer_find(const char *name);

/* Writes the registry's names as "sgd, adagrad, ..." into buffer. */
void ob_optimizer_type_names(char *buffer, size_t size);

/* An optimizer ready to step a vector of n doubles. */
struct ob_optimizer {
    const struct ob_optimizer_type *type;
    double hp[OB_MAX_PARAMS];     /* the type's hyperparameters */
    double clip_norm;             /* 0 = off */
    double clip_value;            /* 0 = off */
    struct ob_schedule schedule;
    size_t n;
    uint64_t steps_done;
    void *state;                  /* type->state_size(n) bytes, owned */
    double *clipped;              /* n doubles, owned: clipped gradient */
};

/* Parses settings (the type's keys and the common ones), validates them and
 * allocates state for n parameters. On error nothing is allocated and err
 * names the bad key or value. */
int ob_optimizer_create(struct ob_optimizer *opt,
                        const struct ob_optimizer_type *type,
                        const struct ob_setting *settings,
                        size_t setting_count, size_t n, struct ob_error *err);

/* Validates settings for `type` without allocating (for early checks). */
int ob_optimizer_check(const struct ob_optimizer_type *type,
                       const struct ob_setting *settings,
                       size_t setting_count, struct ob_error *err);

/* Returns to the state right after create. */
void ob_optimizer_reset(struct ob_optimizer *opt);

/* One update of x from gradient g (g is left unchanged): clipping, then the
 * scheduled learning rate, then the type's step. */
void ob_optimizer_step(struct ob_optimizer *opt, double *x, const double *g);

/* Frees what create allocated; safe on a zeroed struct. */
void ob_optimizer_destroy(struct ob_optimizer *opt);

#endif
