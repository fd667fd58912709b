/* Stochastic gradient descent with momentum, dampening, Nesterov momentum and
 * L2 weight decay, as torch.optim.SGD:
 *   g <- g + weight_decay * x
 *   b <- g at t = 1, else momentum * b + (1 - dampening) * g
 *   d <- g + momentum * b (nesterov) or b (momentum > 0) or g
 *   x <- x - lr * d */
#include "optimizer.h"

enum { LR, MOMENTUM, DAMPENING, NESTEROV, WEIGHT_DECAY, PARAM_COUNT };

static const struct ob_param_spec sgd_params[PARAM_COUNT] = {
    [LR] = {"lr", OB_PARAM_REAL, 1e-3, NULL, "learning rate"},
    [MOMENTUM] = {"momentum", OB_PARAM_REAL, 0.0, NULL, "momentum factor"},
    [DAMPENING] = {"dampening", OB_PARAM_REAL, 0.0, NULL,
                   "dampening for momentum"},
    [NESTEROV] = {"nesterov", OB_PARAM_BOOL, 0.0, NULL,
                  "use Nesterov momentum"},
    [WEIGHT_DECAY] = {"weight_decay", OB_PARAM_REAL, 0.0, NULL,
                      "L2 penalty added to the gradient"},
};

struct sgd_state {
    double momentum;
    double dampening;
    double weight_decay;
    int nesterov;
    double buffer[]; /* momentum buffer, n values */
};

static size_t sgd_state_size(size_t n)
{
    return sizeof(struct sgd_state) + n * sizeof(double);
}

static int sgd_check(const double *hp, struct ob_error *err)
{
    if (hp[LR] < 0.0)
        return ob_errorf(err, OB_EINVAL, "sgd: lr=%g must be >= 0", hp[LR]);
    /* torch only asks for >= 0; above 1 every step grows the velocity
     * geometrically, and a dampening above 1 turns the gradient around. */
    if (!(hp[MOMENTUM] >= 0.0 && hp[MOMENTUM] <= 1.0))
        return ob_errorf(err, OB_EINVAL, "sgd: momentum=%g must be in [0, 1]",
                         hp[MOMENTUM]);
    if (!(hp[DAMPENING] >= 0.0 && hp[DAMPENING] <= 1.0))
        return ob_errorf(err, OB_EINVAL,
                         "sgd: dampening=%g must be in [0, 1]", hp[DAMPENING]);
    if (hp[WEIGHT_DECAY] < 0.0)
        return ob_errorf(err, OB_EINVAL, "sgd: weight_decay=%g must be >= 0",
                         hp[WEIGHT_DECAY]);
    if (hp[NESTEROV] != 0.0 && (hp[MOMENTUM] <= 0.0 || hp[DAMPENING] != 0.0))
        return ob_errorf(err, OB_EINVAL,
                         "sgd: nesterov=1 needs momentum > 0 and dampening=0 "
                         "(momentum=%g, dampening=%g)",
                         hp[MOMENTUM], hp[DAMPENING]);
    return OB_OK;
}

static void sgd_init(void *state, size_t n, const double *hp)
{
    struct sgd_state *s = state;

    s->momentum = hp[MOMENTUM];
    s->dampening = hp[DAMPENING];
    s->weight_decay = hp[WEIGHT_DECAY];
    s->nesterov = hp[NESTEROV] != 0.0;
    for (size_t i = 0; i < n; i++)
        s->buffer[i] = 0.0;
}

static void sgd_step(void *state, double *x, const double *g, size_t n,
                     double lr, uint64_t t)
{
    struct sgd_state *s = state;

    for (size_t i = 0; i < n; i++) {
        double d = g[i];

        if (s->weight_decay != 0.0)
            d = d + s->weight_decay * x[i];
        if (s->momentum != 0.0) {
            /* torch starts the buffer at the first gradient, undamped. */
            if (t == 1)
                s->buffer[i] = d;
            else
                s->buffer[i] = s->buffer[i] * s->momentum +
                               (1.0 - s->dampening) * d;
            d = s->nesterov ? d + s->momentum * s->buffer[i] : s->buffer[i];
        }
        x[i] = x[i] + -lr * d;
    }
}

const struct ob_optimizer_type ob_sgd = {
    .name = "sgd",
    .description = "stochastic gradient descent, momentum, Nesterov",
    .params = sgd_params,
    .param_count = PARAM_COUNT,
    .state_size = sgd_state_size,
    .check = sgd_check,
    .init = sgd_init,
    .step = sgd_step,
};
