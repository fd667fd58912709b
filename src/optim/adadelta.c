/* Adadelta (Zeiler 2012), as torch.optim.Adadelta:
 *   g <- g + weight_decay * x
 *   v <- rho * v + (1 - rho) * g^2
 *   d =  sqrt(u + eps) / sqrt(v + eps) * g
 *   u <- rho * u + (1 - rho) * d^2
 *   x <- x - lr * d */
#include "optimizer.h"

#include <math.h>

enum { LR, RHO, EPS, WEIGHT_DECAY, PARAM_COUNT };

static const struct ob_param_spec adadelta_params[PARAM_COUNT] = {
    [LR] = {"lr", OB_PARAM_REAL, 1.0, NULL,
            "coefficient that scales delta before it is applied"},
    [RHO] = {"rho", OB_PARAM_REAL, 0.9, NULL,
             "decay of the squared-gradient and squared-delta averages"},
    [EPS] = {"eps", OB_PARAM_REAL, 1e-6, NULL,
             "added inside both square roots"},
    [WEIGHT_DECAY] = {"weight_decay", OB_PARAM_REAL, 0.0, NULL,
                      "L2 penalty added to the gradient"},
};

struct adadelta_state {
    double rho;
    double eps;
    double weight_decay;
    double values[]; /* square_avg, then acc_delta: n each */
};

static size_t adadelta_state_size(size_t n)
{
    return sizeof(struct adadelta_state) + 2 * n * sizeof(double);
}

static int adadelta_check(const double *hp, struct ob_error *err)
{
    if (hp[LR] < 0.0)
        return ob_errorf(err, OB_EINVAL, "adadelta: lr=%g must be >= 0",
                         hp[LR]);
    if (!(hp[RHO] >= 0.0 && hp[RHO] <= 1.0))
        return ob_errorf(err, OB_EINVAL, "adadelta: rho=%g must be in [0, 1]",
                         hp[RHO]);
    if (hp[EPS] < 0.0)
        return ob_errorf(err, OB_EINVAL, "adadelta: eps=%g must be >= 0",
                         hp[EPS]);
    if (hp[WEIGHT_DECAY] < 0.0)
        return ob_errorf(err, OB_EINVAL,
                         "adadelta: weight_decay=%g must be >= 0",
                         hp[WEIGHT_DECAY]);
    return OB_OK;
}

static void adadelta_init(void *state, size_t n, const double *hp)
{
    struct adadelta_state *s = state;

    s->rho = hp[RHO];
    s->eps = hp[EPS];
    s->weight_decay = hp[WEIGHT_DECAY];
    for (size_t i = 0; i < 2 * n; i++)
        s->values[i] = 0.0;
}

static void adadelta_step(void *state, double *x, const double *g, size_t n,
                          double lr, uint64_t t)
{
    struct adadelta_state *s = state;
    double *square_avg = s->values;
    double *acc_delta = s->values + n;

    (void)t;
    for (size_t i = 0; i < n; i++) {
        double d = g[i];
        double std, delta;

        if (s->weight_decay != 0.0)
            d = d + s->weight_decay * x[i];
        square_avg[i] = square_avg[i] * s->rho + (1.0 - s->rho) * d * d;
        std = sqrt(square_avg[i] + s->eps);
        delta = sqrt(acc_delta[i] + s->eps) / std * d;
        acc_delta[i] = acc_delta[i] * s->rho + (1.0 - s->rho) * delta * delta;
        x[i] = x[i] + -lr * delta;
    }
}

const struct ob_optimizer_type ob_adadelta = {
    .name = "adadelta",
    .description = "Adadelta: unit-corrected steps from two running averages",
    .params = adadelta_params,
    .param_count = PARAM_COUNT,
    .state_size = adadelta_state_size,
    .check = adadelta_check,
    .init = adadelta_init,
    .step = adadelta_step,
};
