/* Adagrad (Duchi, Hazan and Singer 2011), as torch.optim.Adagrad:
 *   g <- g + weight_decay * x
 *   clr = lr / (1 + (t - 1) * lr_decay)
 *   s <- s + g^2                       (s starts at initial_accumulator_value)
 *   x <- x - clr * g / (sqrt(s) + eps) */
#include "optimizer.h"

#include <math.h>

enum {
    LR,
    LR_DECAY,
    WEIGHT_DECAY,
    INITIAL_ACCUMULATOR_VALUE,
    EPS,
    PARAM_COUNT
};

static const struct ob_param_spec adagrad_params[PARAM_COUNT] = {
    [LR] = {"lr", OB_PARAM_REAL, 1e-2, NULL, "learning rate"},
    [LR_DECAY] = {"lr_decay", OB_PARAM_REAL, 0.0, NULL,
                  "learning-rate decay: lr / (1 + (t - 1) lr_decay)"},
    [WEIGHT_DECAY] = {"weight_decay", OB_PARAM_REAL, 0.0, NULL,
                      "L2 penalty added to the gradient"},
    [INITIAL_ACCUMULATOR_VALUE] = {"initial_accumulator_value", OB_PARAM_REAL,
                                   0.0, NULL,
                                   "starting value of the squared sum"},
    [EPS] = {"eps", OB_PARAM_REAL, 1e-10, NULL, "added to the denominator"},
};

struct adagrad_state {
    double lr_decay;
    double weight_decay;
    double eps;
    double sum[]; /* running sum of squared gradients, n values */
};

static size_t adagrad_state_size(size_t n)
{
    return sizeof(struct adagrad_state) + n * sizeof(double);
}

static int adagrad_check(const double *hp, struct ob_error *err)
{
    if (hp[LR] < 0.0)
        return ob_errorf(err, OB_EINVAL, "adagrad: lr=%g must be >= 0", hp[LR]);
    if (hp[LR_DECAY] < 0.0)
        return ob_errorf(err, OB_EINVAL, "adagrad: lr_decay=%g must be >= 0",
                         hp[LR_DECAY]);
    if (hp[WEIGHT_DECAY] < 0.0)
        return ob_errorf(err, OB_EINVAL,
                         "adagrad: weight_decay=%g must be >= 0",
                         hp[WEIGHT_DECAY]);
    if (hp[INITIAL_ACCUMULATOR_VALUE] < 0.0)
        return ob_errorf(err, OB_EINVAL,
                         "adagrad: initial_accumulator_value=%g must be >= 0",
                         hp[INITIAL_ACCUMULATOR_VALUE]);
    if (hp[EPS] < 0.0)
        return ob_errorf(err, OB_EINVAL, "adagrad: eps=%g must be >= 0",
                         hp[EPS]);
    return OB_OK;
}

static void adagrad_init(void *state, size_t n, const double *hp)
{
    struct adagrad_state *s = state;

    s->lr_decay = hp[LR_DECAY];
    s->weight_decay = hp[WEIGHT_DECAY];
    s->eps = hp[EPS];
    for (size_t i = 0; i < n; i++)
        s->sum[i] = hp[INITIAL_ACCUMULATOR_VALUE];
}

static void adagrad_step(void *state, double *x, const double *g, size_t n,
                         double lr, uint64_t t)
{
    struct adagrad_state *s = state;
    double clr = lr / (1.0 + ((double)t - 1.0) * s->lr_decay);

    for (size_t i = 0; i < n; i++) {
        double d = g[i];
        double std;

        if (s->weight_decay != 0.0)
            d = d + s->weight_decay * x[i];
        s->sum[i] = s->sum[i] + d * d;
        std = sqrt(s->sum[i]) + s->eps;
        /* ATen's addcdiv computes x + (value * g) / std, in that order. */
        x[i] = x[i] + -clr * d / std;
    }
}

const struct ob_optimizer_type ob_adagrad = {
    .name = "adagrad",
    .description = "Adagrad: per-coordinate steps from summed squares",
    .params = adagrad_params,
    .param_count = PARAM_COUNT,
    .state_size = adagrad_state_size,
    .check = adagrad_check,
    .init = adagrad_init,
    .step = adagrad_step,
};
