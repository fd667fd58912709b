/* Adam (Kingma and Ba 2015) and AdamW (Loshchilov and Hutter 2019), as
 * torch.optim.Adam and torch.optim.AdamW:
 *   adam:  g <- g + weight_decay * x
 *   adamw: x <- (1 - lr * weight_decay) * x
 *   m <- beta1 * m + (1 - beta1) * g
 *   v <- beta2 * v + (1 - beta2) * g^2
 *   vmax <- max(vmax, v), then vmax stands for v below       (amsgrad)
 *   x <- x - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps) */
#include "optimizer.h"

#include <math.h>

enum { LR, BETA1, BETA2, EPS, WEIGHT_DECAY, AMSGRAD, PARAM_COUNT };

static const struct ob_param_spec adam_params[PARAM_COUNT] = {
    [LR] = {"lr", OB_PARAM_REAL, 1e-3, NULL, "learning rate"},
    [BETA1] = {"beta1", OB_PARAM_REAL, 0.9, NULL,
               "decay of the first-moment average"},
    [BETA2] = {"beta2", OB_PARAM_REAL, 0.999, NULL,
               "decay of the second-moment average"},
    [EPS] = {"eps", OB_PARAM_REAL, 1e-8, NULL, "added to the denominator"},
    [WEIGHT_DECAY] = {"weight_decay", OB_PARAM_REAL, 0.0, NULL,
                      "L2 penalty added to the gradient"},
    [AMSGRAD] = {"amsgrad", OB_PARAM_BOOL, 0.0, NULL,
                 "divide by the running maximum of v (AMSGrad)"},
};

/* AdamW differs only in how weight decay enters, and in its default. */
static const struct ob_param_spec adamw_params[PARAM_COUNT] = {
    [LR] = {"lr", OB_PARAM_REAL, 1e-3, NULL, "learning rate"},
    [BETA1] = {"beta1", OB_PARAM_REAL, 0.9, NULL,
               "decay of the first-moment average"},
    [BETA2] = {"beta2", OB_PARAM_REAL, 0.999, NULL,
               "decay of the second-moment average"},
    [EPS] = {"eps", OB_PARAM_REAL, 1e-8, NULL, "added to the denominator"},
    [WEIGHT_DECAY] = {"weight_decay", OB_PARAM_REAL, 1e-2, NULL,
                      "decoupled decay: x shrinks by lr * weight_decay"},
    [AMSGRAD] = {"amsgrad", OB_PARAM_BOOL, 0.0, NULL,
                 "divide by the running maximum of v (AMSGrad)"},
};

struct adam_state {
    double beta1;
    double beta2;
    double eps;
    double weight_decay;
    int amsgrad;
    int decoupled;   /* AdamW: decay x directly instead of adding to g */
    double values[]; /* exp_avg, exp_avg_sq, max_exp_avg_sq: n each */
};

static size_t adam_state_size(size_t n)
{
    return sizeof(struct adam_state) + 3 * n * sizeof(double);
}

static int adam_family_check(const char *name, const double *hp,
                             struct ob_error *err)
{
    if (hp[LR] < 0.0)
        return ob_errorf(err, OB_EINVAL, "%s: lr=%g must be >= 0", name,
                         hp[LR]);
    if (hp[EPS] < 0.0)
        return ob_errorf(err, OB_EINVAL, "%s: eps=%g must be >= 0", name,
                         hp[EPS]);
    if (!(hp[BETA1] >= 0.0 && hp[BETA1] < 1.0))
        return ob_errorf(err, OB_EINVAL, "%s: beta1=%g must be in [0, 1)", name,
                         hp[BETA1]);
    if (!(hp[BETA2] >= 0.0 && hp[BETA2] < 1.0))
        return ob_errorf(err, OB_EINVAL, "%s: beta2=%g must be in [0, 1)", name,
                         hp[BETA2]);
    if (hp[WEIGHT_DECAY] < 0.0)
        return ob_errorf(err, OB_EINVAL, "%s: weight_decay=%g must be >= 0",
                         name, hp[WEIGHT_DECAY]);
    return OB_OK;
}

static int adam_check(const double *hp, struct ob_error *err)
{
    return adam_family_check("adam", hp, err);
}

static int adamw_check(const double *hp, struct ob_error *err)
{
    return adam_family_check("adamw", hp, err);
}

static void adam_family_init(struct adam_state *s, size_t n, const double *hp,
                             int decoupled)
{
    s->beta1 = hp[BETA1];
    s->beta2 = hp[BETA2];
    s->eps = hp[EPS];
    s->weight_decay = hp[WEIGHT_DECAY];
    s->amsgrad = hp[AMSGRAD] != 0.0;
    s->decoupled = decoupled;
    for (size_t i = 0; i < 3 * n; i++)
        s->values[i] = 0.0;
}

static void adam_init(void *state, size_t n, const double *hp)
{
    adam_family_init(state, n, hp, 0);
}

static void adamw_init(void *state, size_t n, const double *hp)
{
    adam_family_init(state, n, hp, 1);
}

static void adam_step(void *state, double *x, const double *g, size_t n,
                      double lr, uint64_t t)
{
    struct adam_state *s = state;
    double *exp_avg = s->values;
    double *exp_avg_sq = s->values + n;
    double *max_exp_avg_sq = s->values + 2 * n;
    double bias_correction1 = 1.0 - pow(s->beta1, (double)t);
    double bias_correction2 = 1.0 - pow(s->beta2, (double)t);
    double step_size = lr / bias_correction1;
    double bias_correction2_sqrt = sqrt(bias_correction2);
    double decay = 1.0 - lr * s->weight_decay;

    for (size_t i = 0; i < n; i++) {
        double d = g[i];
        double v, denom;

        /* torch.optim.AdamW multiplies even when weight_decay = 0; the
         * factor is then exactly 1, so skipping it changes nothing. */
        if (s->decoupled)
            x[i] = x[i] * decay;
        else if (s->weight_decay != 0.0)
            d = d + s->weight_decay * x[i];

        exp_avg[i] = exp_avg[i] * s->beta1 + (1.0 - s->beta1) * d;
        exp_avg_sq[i] = exp_avg_sq[i] * s->beta2 + (1.0 - s->beta2) * d * d;
        v = exp_avg_sq[i];
        if (s->amsgrad) {
            /* torch.maximum propagates NaN, so a diverged run stays NaN. */
            if (v > max_exp_avg_sq[i] || isnan(v))
                max_exp_avg_sq[i] = v;
            v = max_exp_avg_sq[i];
        }
        denom = sqrt(v) / bias_correction2_sqrt + s->eps;
        /* ATen's addcdiv computes x + (value * m) / denom, in that order. */
        x[i] = x[i] + -step_size * exp_avg[i] / denom;
    }
}

const struct ob_optimizer_type ob_adam = {
    .name = "adam",
    .description = "Adam: bias-corrected first and second moments",
    .params = adam_params,
    .param_count = PARAM_COUNT,
    .state_size = adam_state_size,
    .check = adam_check,
    .init = adam_init,
    .step = adam_step,
};

const struct ob_optimizer_type ob_adamw = {
    .name = "adamw",
    .description = "AdamW: Adam with decoupled weight decay",
    .params = adamw_params,
    .param_count = PARAM_COUNT,
    .state_size = adam_state_size,
    .check = adamw_check,
    .init = adamw_init,
    .step = adam_step,
};
