/* RMSprop (Hinton, Lecture 6e; centred form from Graves 2013), as
 * torch.optim.RMSprop:
 *   g <- g + weight_decay * x
 *   v <- alpha * v + (1 - alpha) * g^2
 *   m <- alpha * m + (1 - alpha) * g             (centered only)
 *   a =  sqrt(v - m^2) + eps (centered), else sqrt(v) + eps
 *   b <- momentum * b + g / a, x <- x - lr * b   (momentum > 0)
 *   x <- x - lr * g / a                          (otherwise) */
#include "optimizer.h"

#include <math.h>

enum { LR, ALPHA, EPS, WEIGHT_DECAY, MOMENTUM, CENTERED, PARAM_COUNT };

static const struct ob_param_spec rmsprop_params[PARAM_COUNT] = {
    [LR] = {"lr", OB_PARAM_REAL, 1e-2, NULL, "learning rate"},
    [ALPHA] = {"alpha", OB_PARAM_REAL, 0.99, NULL,
               "smoothing constant of the squared average"},
    [EPS] = {"eps", OB_PARAM_REAL, 1e-8, NULL, "added to the denominator"},
    [WEIGHT_DECAY] = {"weight_decay", OB_PARAM_REAL, 0.0, NULL,
                      "L2 penalty added to the gradient"},
    [MOMENTUM] = {"momentum", OB_PARAM_REAL, 0.0, NULL, "momentum factor"},
    [CENTERED] = {"centered", OB_PARAM_BOOL, 0.0, NULL,
                  "divide by the estimated variance, not the raw square"},
};

struct rmsprop_state {
    double alpha;
    double eps;
    double weight_decay;
    double momentum;
    int centered;
    double values[]; /* square_avg, grad_avg, momentum buffer: n each */
};

static size_t rmsprop_state_size(size_t n)
{
    return sizeof(struct rmsprop_state) + 3 * n * sizeof(double);
}

static int rmsprop_check(const double *hp, struct ob_error *err)
{
    if (hp[LR] < 0.0)
        return ob_errorf(err, OB_EINVAL, "rmsprop: lr=%g must be >= 0", hp[LR]);
    if (hp[EPS] < 0.0)
        return ob_errorf(err, OB_EINVAL, "rmsprop: eps=%g must be >= 0",
                         hp[EPS]);
    if (!(hp[MOMENTUM] >= 0.0 && hp[MOMENTUM] <= 1.0))
        return ob_errorf(err, OB_EINVAL,
                         "rmsprop: momentum=%g must be in [0, 1]",
                         hp[MOMENTUM]);
    if (hp[WEIGHT_DECAY] < 0.0)
        return ob_errorf(err, OB_EINVAL,
                         "rmsprop: weight_decay=%g must be >= 0",
                         hp[WEIGHT_DECAY]);
    /* Above 1 the squared-gradient average turns negative: NaN steps. */
    if (!(hp[ALPHA] >= 0.0 && hp[ALPHA] <= 1.0))
        return ob_errorf(err, OB_EINVAL, "rmsprop: alpha=%g must be in [0, 1]",
                         hp[ALPHA]);
    return OB_OK;
}

static void rmsprop_init(void *state, size_t n, const double *hp)
{
    struct rmsprop_state *s = state;

    s->alpha = hp[ALPHA];
    s->eps = hp[EPS];
    s->weight_decay = hp[WEIGHT_DECAY];
    s->momentum = hp[MOMENTUM];
    s->centered = hp[CENTERED] != 0.0;
    for (size_t i = 0; i < 3 * n; i++)
        s->values[i] = 0.0;
}

static void rmsprop_step(void *state, double *x, const double *g, size_t n,
                         double lr, uint64_t t)
{
    struct rmsprop_state *s = state;
    double *square_avg = s->values;
    double *grad_avg = s->values + n;
    double *buffer = s->values + 2 * n;

    (void)t;
    for (size_t i = 0; i < n; i++) {
        double d = g[i];
        double avg;

        if (s->weight_decay != 0.0)
            d = d + s->weight_decay * x[i];
        square_avg[i] = square_avg[i] * s->alpha + (1.0 - s->alpha) * d * d;
        if (s->centered) {
            grad_avg[i] = grad_avg[i] * s->alpha + (1.0 - s->alpha) * d;
            avg = sqrt(square_avg[i] - grad_avg[i] * grad_avg[i]);
        } else {
            avg = sqrt(square_avg[i]);
        }
        avg = avg + s->eps;

        /* ATen's addcdiv computes x + (value * g) / avg, in that order. */
        if (s->momentum > 0.0) {
            buffer[i] = buffer[i] * s->momentum + d / avg;
            x[i] = x[i] + -lr * buffer[i];
        } else {
            x[i] = x[i] + -lr * d / avg;
        }
    }
}

const struct ob_optimizer_type ob_rmsprop = {
    .name = "rmsprop",
    .description = "RMSprop: steps scaled by a running RMS, optional centring",
    .params = rmsprop_params,
    .param_count = PARAM_COUNT,
    .state_size = rmsprop_state_size,
    .check = rmsprop_check,
    .init = rmsprop_init,
    .step = rmsprop_step,
};
