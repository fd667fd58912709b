/* The generic optimizer handle: parameter parsing, validation, state
 * allocation, and composition with clipping and schedules. */
#include "optimizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    COMMON_CLIP_NORM,
    COMMON_CLIP_VALUE,
    COMMON_SCHEDULE,
    COMMON_STEP_SIZE,
    COMMON_GAMMA,
    COMMON_T_MAX,
    COMMON_ETA_MIN,
    COMMON_WARMUP_STEPS,
    COMMON_COUNT
};

const struct ob_param_spec ob_common_params[] = {
    {"clip_norm", OB_PARAM_REAL, 0.0, NULL,
     "clip the gradient's global 2-norm to this (0 = off)"},
    {"clip_value", OB_PARAM_REAL, 0.0, NULL,
     "clamp each gradient entry to [-v, v] (0 = off)"},
    {"schedule", OB_PARAM_CHOICE, 0.0,
     "constant,step,exponential,inverse-time,cosine,inverse-sqrt",
     "learning-rate schedule"},
    {"step_size", OB_PARAM_REAL, 100.0, NULL,
     "schedule period in steps (step, exponential, inverse-time, "
     "inverse-sqrt)"},
    {"gamma", OB_PARAM_REAL, 0.5, NULL,
     "decay factor per period (step, exponential) or rate (inverse-time)"},
    {"t_max", OB_PARAM_REAL, 1000.0, NULL,
     "cosine: steps from lr down to eta_min"},
    {"eta_min", OB_PARAM_REAL, 0.0, NULL, "cosine: final learning rate"},
    {"warmup_steps", OB_PARAM_REAL, 0.0, NULL,
     "linear warm-up length in steps (0 = none)"},
};
const size_t ob_common_param_count =
    sizeof ob_common_params / sizeof ob_common_params[0];

const struct ob_optimizer_type *ob_optimizer_find(const char *name)
{
    for (size_t i = 0; i < ob_optimizer_type_count; i++)
        if (strcmp(ob_optimizer_types[i]->name, name) == 0)
            return ob_optimizer_types[i];
    return NULL;
}

void ob_optimizer_type_names(char *buffer, size_t size)
{
    size_t length = 0;

    buffer[0] = '\0';
    for (size_t i = 0; i < ob_optimizer_type_count; i++)
        ob_name_list_append(buffer, size, &length,
                            ob_optimizer_types[i]->name);
}

static int check_common(const char *owner, const double *common,
                        struct ob_error *err)
{
    static const int nonnegative[] = {COMMON_CLIP_NORM, COMMON_CLIP_VALUE,
                                      COMMON_ETA_MIN, COMMON_WARMUP_STEPS};
    static const int positive[] = {COMMON_STEP_SIZE, COMMON_T_MAX};

    for (size_t i = 0; i < sizeof nonnegative / sizeof nonnegative[0]; i++)
        if (common[nonnegative[i]] < 0.0)
            return ob_errorf(err, OB_EINVAL, "%s: %s=%g must be >= 0", owner,
                             ob_common_params[nonnegative[i]].name,
                             common[nonnegative[i]]);
    for (size_t i = 0; i < sizeof positive / sizeof positive[0]; i++)
        if (common[positive[i]] <= 0.0)
            return ob_errorf(err, OB_EINVAL, "%s: %s=%g must be > 0", owner,
                             ob_common_params[positive[i]].name,
                             common[positive[i]]);
    if (common[COMMON_GAMMA] <= 0.0 ||
        (common[COMMON_SCHEDULE] != OB_SCHEDULE_INVERSE_TIME &&
         common[COMMON_GAMMA] > 1.0))
        return ob_errorf(err, OB_EINVAL,
                         "%s: gamma=%g must be in (0, 1] (or > 0 for "
                         "inverse-time)",
                         owner, common[COMMON_GAMMA]);
    return OB_OK;
}

/* Parses and validates; fills hp (the type's) and common. */
static int parse_settings(const struct ob_optimizer_type *type,
                          const struct ob_setting *settings,
                          size_t setting_count, double *hp, double *common,
                          struct ob_error *err)
{
    struct ob_param_values own, shared;
    unsigned char *used;
    char owner[64];
    int status;

    snprintf(owner, sizeof owner, "optimizer %s", type->name);
    used = calloc(setting_count ? setting_count : 1, 1);
    if (used == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    ob_params_defaults(type->params, type->param_count, &own);
    ob_params_defaults(ob_common_params, ob_common_param_count, &shared);
    status = ob_params_apply(type->params, type->param_count, settings,
                             setting_count, owner, &own, used, err);
    if (status == OB_OK)
        status = ob_params_apply(ob_common_params, ob_common_param_count,
                                 settings, setting_count, owner, &shared,
                                 used, err);
    for (size_t s = 0; status == OB_OK && s < setting_count; s++) {
        if (!used[s]) {
            char names[200];

            ob_params_names(type->params, type->param_count, names,
                            sizeof names);
            status = ob_errorf(err, OB_EINVAL,
                               "%s: unknown parameter '%s' (known: %s, and "
                               "the common clip_norm, schedule, ...)",
                               owner, settings[s].key, names);
        }
    }
    free(used);
    if (status != OB_OK)
        return status;

    memcpy(hp, own.number, sizeof(double) * type->param_count);
    memcpy(common, shared.number, sizeof(double) * COMMON_COUNT);
    status = type->check(hp, err);
    if (status == OB_OK)
        status = check_common(type->name, common, err);
    return status;
}

int ob_optimizer_check(const struct ob_optimizer_type *type,
                       const struct ob_setting *settings,
                       size_t setting_count, struct ob_error *err)
{
    double hp[OB_MAX_PARAMS], common[COMMON_COUNT];

    return parse_settings(type, settings, setting_count, hp, common, err);
}

int ob_optimizer_create(struct ob_optimizer *opt,
                        const struct ob_optimizer_type *type,
                        const struct ob_setting *settings,
                        size_t setting_count, size_t n, struct ob_error *err)
{
    double common[COMMON_COUNT];
    int status;

    memset(opt, 0, sizeof *opt);
    status = parse_settings(type, settings, setting_count, opt->hp, common,
                            err);
    if (status != OB_OK)
        return status;

    opt->type = type;
    opt->n = n;
    opt->clip_norm = common[COMMON_CLIP_NORM];
    opt->clip_value = common[COMMON_CLIP_VALUE];
    opt->schedule.kind = (enum ob_schedule_kind)common[COMMON_SCHEDULE];
    opt->schedule.step_size = common[COMMON_STEP_SIZE];
    opt->schedule.gamma = common[COMMON_GAMMA];
    opt->schedule.t_max = common[COMMON_T_MAX];
    opt->schedule.eta_min = common[COMMON_ETA_MIN];
    opt->schedule.warmup_steps = common[COMMON_WARMUP_STEPS];

    /* One block: the type's state, then the clipping buffer. */
    size_t state_bytes = type->state_size(n);
    size_t aligned = (state_bytes + 15) / 16 * 16;
    opt->state = malloc(aligned + sizeof(double) * (n ? n : 1));
    if (opt->state == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory for %zu parameters",
                         n);
    opt->clipped = (double *)((char *)opt->state + aligned);
    ob_optimizer_reset(opt);
    return OB_OK;
}

void ob_optimizer_reset(struct ob_optimizer *opt)
{
    opt->steps_done = 0;
    opt->type->init(opt->state, opt->n, opt->hp);
}

void ob_optimizer_step(struct ob_optimizer *opt, double *x, const double *g)
{
    const double *gradient = g;
    double lr = ob_schedule_lr(&opt->schedule, opt->hp[0], opt->steps_done);

    /* torch clips .grad before optimizer.step(), so clipping sees the raw
     * gradient and weight decay is added afterwards inside step. */
    if (opt->clip_norm > 0.0 || opt->clip_value > 0.0) {
        memcpy(opt->clipped, g, sizeof(double) * opt->n);
        if (opt->clip_value > 0.0)
            ob_clip_value(opt->clipped, opt->n, opt->clip_value);
        if (opt->clip_norm > 0.0)
            ob_clip_norm(opt->clipped, opt->n, opt->clip_norm);
        gradient = opt->clipped;
    }
    opt->steps_done++;
    opt->type->step(opt->state, x, gradient, opt->n, lr, opt->steps_done);
}

void ob_optimizer_destroy(struct ob_optimizer *opt)
{
    free(opt->state);
    opt->state = NULL;
    opt->clipped = NULL;
}
