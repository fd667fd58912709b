/* NAdam, Adam with Nesterov momentum (Dozat 2016), as torch.optim.NAdam in
 * torch 2.0:
 *   g <- g + weight_decay * x
 *   mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)),  P_t = mu_1 ... mu_t
 *   m <- beta1 * m + (1 - beta1) * g,  v <- beta2 * v + (1 - beta2) * g^2
 *   D =  sqrt(v / (1 - beta2^t)) + eps
 *   x <- x - lr (1 - mu_t) / (1 - P_t) * g / D
 *          - lr mu_{t+1} / (1 - P_t mu_{t+1}) * m / D
 * torch 1.13 divides the second term by 1 - P_t mu_t mu_{t+1} instead,
 * counting mu_t twice; torch 2.0 fixed that and we follow the fix. The
 * rounding order is 1.13's (mul and add, where 2.0 uses lerp for m). */
#include "optimizer.h"

#include <math.h>

enum { LR, BETA1, BETA2, EPS, WEIGHT_DECAY, MOMENTUM_DECAY, PARAM_COUNT };

static const struct ob_param_spec nadam_params[PARAM_COUNT] = {
    [LR] = {"lr", OB_PARAM_REAL, 2e-3, NULL, "learning rate"},
    [BETA1] = {"beta1", OB_PARAM_REAL, 0.9, NULL,
               "decay of the first-moment average"},
    [BETA2] = {"beta2", OB_PARAM_REAL, 0.999, NULL,
               "decay of the second-moment average"},
    [EPS] = {"eps", OB_PARAM_REAL, 1e-8, NULL, "added to the denominator"},
    [WEIGHT_DECAY] = {"weight_decay", OB_PARAM_REAL, 0.0, NULL,
                      "L2 penalty added to the gradient"},
    [MOMENTUM_DECAY] = {"momentum_decay", OB_PARAM_REAL, 4e-3, NULL,
                        "rate of the momentum schedule mu_t"},
};

struct nadam_state {
    double beta1;
    double beta2;
    double eps;
    double weight_decay;
    double momentum_decay;
    double mu_product; /* P_t: product of mu_1 ... mu_t */
    double values[];   /* exp_avg, then exp_avg_sq: n each */
};

static size_t nadam_state_size(size_t n)
{
    return sizeof(struct nadam_state) + 2 * n * sizeof(double);
}

static int nadam_check(const double *hp, struct ob_error *err)
{
    if (hp[LR] < 0.0)
        return ob_errorf(err, OB_EINVAL, "nadam: lr=%g must be >= 0", hp[LR]);
    if (hp[EPS] < 0.0)
        return ob_errorf(err, OB_EINVAL, "nadam: eps=%g must be >= 0", hp[EPS]);
    if (!(hp[BETA1] >= 0.0 && hp[BETA1] < 1.0))
        return ob_errorf(err, OB_EINVAL, "nadam: beta1=%g must be in [0, 1)",
                         hp[BETA1]);
    if (!(hp[BETA2] >= 0.0 && hp[BETA2] < 1.0))
        return ob_errorf(err, OB_EINVAL, "nadam: beta2=%g must be in [0, 1)",
                         hp[BETA2]);
    if (hp[WEIGHT_DECAY] < 0.0)
        return ob_errorf(err, OB_EINVAL, "nadam: weight_decay=%g must be >= 0",
                         hp[WEIGHT_DECAY]);
    if (hp[MOMENTUM_DECAY] < 0.0)
        return ob_errorf(err, OB_EINVAL,
                         "nadam: momentum_decay=%g must be >= 0",
                         hp[MOMENTUM_DECAY]);
    return OB_OK;
}

static void nadam_init(void *state, size_t n, const double *hp)
{
    struct nadam_state *s = state;

    s->beta1 = hp[BETA1];
    s->beta2 = hp[BETA2];
    s->eps = hp[EPS];
    s->weight_decay = hp[WEIGHT_DECAY];
    s->momentum_decay = hp[MOMENTUM_DECAY];
    s->mu_product = 1.0;
    for (size_t i = 0; i < 2 * n; i++)
        s->values[i] = 0.0;
}

static void nadam_step(void *state, double *x, const double *g, size_t n,
                       double lr, uint64_t t)
{
    struct nadam_state *s = state;
    double *exp_avg = s->values;
    double *exp_avg_sq = s->values + n;
    double step = (double)t;
    double bias_correction2 = 1.0 - pow(s->beta2, step);
    double mu = s->beta1 * (1.0 - 0.5 * pow(0.96, step * s->momentum_decay));
    double mu_next =
        s->beta1 * (1.0 - 0.5 * pow(0.96, (step + 1.0) * s->momentum_decay));
    double grad_coef, avg_coef;

    /* The product is taken once per step, for all coordinates together. */
    s->mu_product = s->mu_product * mu;
    grad_coef = -lr * (1.0 - mu) / (1.0 - s->mu_product);
    avg_coef = -lr * mu_next / (1.0 - s->mu_product * mu_next);

    for (size_t i = 0; i < n; i++) {
        double d = g[i];
        double denom;

        if (s->weight_decay != 0.0)
            d = d + s->weight_decay * x[i];
        exp_avg[i] = exp_avg[i] * s->beta1 + (1.0 - s->beta1) * d;
        exp_avg_sq[i] = exp_avg_sq[i] * s->beta2 + (1.0 - s->beta2) * d * d;
        denom = sqrt(exp_avg_sq[i] / bias_correction2) + s->eps;

        /* Two separate addcdiv calls in torch, each x + (value * a) / D. */
        x[i] = x[i] + grad_coef * d / denom;
        x[i] = x[i] + avg_coef * exp_avg[i] / denom;
    }
}

const struct ob_optimizer_type ob_nadam = {
    .name = "nadam",
    .description = "NAdam: Adam with Nesterov momentum (torch 2.0 rule)",
    .params = nadam_params,
    .param_count = PARAM_COUNT,
    .state_size = nadam_state_size,
    .check = nadam_check,
    .init = nadam_init,
    .step = nadam_step,
};
