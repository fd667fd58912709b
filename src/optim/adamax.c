/* Adamax, the infinity-norm variant of Adam (Kingma and Ba 2015, sec. 7.1),
 * as torch.optim.Adamax:
 *   g <- g + weight_decay * x
 *   m <- beta1 * m + (1 - beta1) * g
 *   u <- max(beta2 * u, |g| + eps)
 *   x <- x - lr / (1 - beta1^t) * m / u */
#include "optimizer.h"

#include <math.h>

enum { LR, BETA1, BETA2, EPS, WEIGHT_DECAY, PARAM_COUNT };

static const struct ob_param_spec adamax_params[PARAM_COUNT] = {
    [LR] = {"lr", OB_PARAM_REAL, 2e-3, NULL, "learning rate"},
    [BETA1] = {"beta1", OB_PARAM_REAL, 0.9, NULL,
               "decay of the first-moment average"},
    [BETA2] = {"beta2", OB_PARAM_REAL, 0.999, NULL,
               "decay of the infinity norm"},
    [EPS] = {"eps", OB_PARAM_REAL, 1e-8, NULL,
             "added to |g| before the maximum"},
    [WEIGHT_DECAY] = {"weight_decay", OB_PARAM_REAL, 0.0, NULL,
                      "L2 penalty added to the gradient"},
};

struct adamax_state {
    double beta1;
    double beta2;
    double eps;
    double weight_decay;
    double values[]; /* exp_avg, then exp_inf: n each */
};

static size_t adamax_state_size(size_t n)
{
    return sizeof(struct adamax_state) + 2 * n * sizeof(double);
}

static int adamax_check(const double *hp, struct ob_error *err)
{
    if (hp[LR] < 0.0)
        return ob_errorf(err, OB_EINVAL, "adamax: lr=%g must be >= 0", hp[LR]);
    if (hp[EPS] < 0.0)
        return ob_errorf(err, OB_EINVAL, "adamax: eps=%g must be >= 0",
                         hp[EPS]);
    if (!(hp[BETA1] >= 0.0 && hp[BETA1] < 1.0))
        return ob_errorf(err, OB_EINVAL, "adamax: beta1=%g must be in [0, 1)",
                         hp[BETA1]);
    if (!(hp[BETA2] >= 0.0 && hp[BETA2] < 1.0))
        return ob_errorf(err, OB_EINVAL, "adamax: beta2=%g must be in [0, 1)",
                         hp[BETA2]);
    if (hp[WEIGHT_DECAY] < 0.0)
        return ob_errorf(err, OB_EINVAL, "adamax: weight_decay=%g must be >= 0",
                         hp[WEIGHT_DECAY]);
    return OB_OK;
}

static void adamax_init(void *state, size_t n, const double *hp)
{
    struct adamax_state *s = state;

    s->beta1 = hp[BETA1];
    s->beta2 = hp[BETA2];
    s->eps = hp[EPS];
    s->weight_decay = hp[WEIGHT_DECAY];
    for (size_t i = 0; i < 2 * n; i++)
        s->values[i] = 0.0;
}

static void adamax_step(void *state, double *x, const double *g, size_t n,
                        double lr, uint64_t t)
{
    struct adamax_state *s = state;
    double *exp_avg = s->values;
    double *exp_inf = s->values + n;
    double clr = lr / (1.0 - pow(s->beta1, (double)t));

    for (size_t i = 0; i < n; i++) {
        double d = g[i];
        double decayed, bound;

        if (s->weight_decay != 0.0)
            d = d + s->weight_decay * x[i];
        exp_avg[i] = exp_avg[i] * s->beta1 + (1.0 - s->beta1) * d;

        /* torch.amax propagates NaN, so a diverged run stays NaN. */
        decayed = exp_inf[i] * s->beta2;
        bound = fabs(d) + s->eps;
        exp_inf[i] = (bound > decayed || isnan(bound)) ? bound : decayed;

        /* ATen's addcdiv computes x + (value * m) / u, in that order. */
        x[i] = x[i] + -clr * exp_avg[i] / exp_inf[i];
    }
}

const struct ob_optimizer_type ob_adamax = {
    .name = "adamax",
    .description = "Adamax: Adam scaled by an infinity norm",
    .params = adamax_params,
    .param_count = PARAM_COUNT,
    .state_size = adamax_state_size,
    .check = adamax_check,
    .init = adamax_init,
    .step = adamax_step,
};
