/* The exploding-gradient wall of a one-unit recurrent net (Pascanu, Mikolov
 * and Bengio, "On the difficulty of training recurrent neural networks",
 * ICML 2013, section 2.3 and figure 6):
 *   x_0 = 0.5,  x_t = w sigmoid(x_{t-1}) + b  (t = 1..T),
 *   f(w, b) = (x_T - 0.7)^2
 * Parameters (w, b) on R^2; T (default 50) is a parameter of the problem.
 * The gradient is back-propagated through time.
 *
 * Minimum 0, reached on a curve of (w, b). The stored minimiser is (0, 0.7),
 * where x_t = 0.7 exactly for every t >= 1, so f and its gradient are 0 for
 * every T. (Another point of the curve is w = 1, b = 0.7 - sigmoid(0.7):
 * 0.7 is then an attracting fixed point and f vanishes only as T grows.)
 *
 * For w > 4 the map x -> w sigmoid(x) + b has two stable fixed points for b
 * in a window; where the one reached from x_0 = 0.5 changes, x_T jumps and
 * the loss surface has a wall. Measured with T = 50 along the line w = 6.5
 * through the start: f steps from 16.3 (b = wall - 0.01) to 3.05
 * (b = wall + 0.01) at b = -3.5459857, where the gradient norm peaks at
 * 1.9e10. It exceeds 1e3 only within about 1e-7 of the wall; elsewhere on
 * the line, for b in [-6, 1], it stays below 20.
 *
 * Default start (6.5, -3), on the upper side of the wall. Plain gradient
 * descent with lr 0.01 zigzags across the wall for 73 steps; at step 74 it
 * meets a gradient norm of 1.7e3 and is thrown from (4.52, -2.32) to
 * (13.6, 12.5), where the loss is 646: the failure that gradient clipping
 * is meant to prevent. */
#include "../problem.h"

#include <math.h>
#include <stdlib.h>

/* Backpropagation keeps sigmoid(x_{t-1}) for every step on the stack, so
 * eval needs no allocation and no shared state. */
#define CLIFF_MAX_T 1000

enum { STEPS, PARAM_COUNT };

static const struct ob_param_spec cliff_params[PARAM_COUNT] = {
    [STEPS] = {"T", OB_PARAM_INT, 50.0, NULL,
               "number of recurrent steps, 1 to 1000"},
};

struct cliff_data {
    size_t steps; /* T */
};

static int cliff_create(struct ob_problem *p,
                        const struct ob_param_values *values,
                        struct ob_error *err)
{
    static const double start[2] = {6.5, -3.0};
    static const double minimizer[2] = {0.0, 0.7};
    double steps = values->number[STEPS];
    struct cliff_data *data;

    if (steps < 1.0 || steps > CLIFF_MAX_T)
        return ob_errorf(err, OB_EINVAL,
                         "problem cliff: T=%g must be in [1, %d]", steps,
                         CLIFF_MAX_T);
    data = malloc(sizeof *data);
    if (data == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    data->steps = (size_t)steps;
    p->data = data;
    p->dim = 2;
    p->minimum = 0.0;
    return ob_problem_set_points(p, start, minimizer, err);
}

static void cliff_destroy(struct ob_problem *p)
{
    free(p->data);
}

/* Logistic function, written so exp never overflows. */
static double sigmoid(double z)
{
    double e;

    if (z >= 0.0)
        return 1.0 / (1.0 + exp(-z));
    e = exp(z);
    return e / (1.0 + e);
}

static double cliff_eval(const struct ob_problem *p, const double *x,
                         double *grad, struct ob_rng *rng)
{
    const struct cliff_data *data = p->data;
    double w = x[0], b = x[1];
    double s[CLIFF_MAX_T];
    double state = 0.5, loss, delta, gw = 0.0, gb = 0.0;

    (void)rng;
    for (size_t t = 0; t < data->steps; t++) {
        s[t] = sigmoid(state);
        state = w * s[t] + b;
    }
    loss = (state - 0.7) * (state - 0.7);
    if (grad == NULL)
        return loss;

    /* delta = df/dx_t, from t = T down to 1; x_t = w s[t-1] + b. */
    delta = 2.0 * (state - 0.7);
    for (size_t t = data->steps; t >= 1; t--) {
        gw += delta * s[t - 1];
        gb += delta;
        delta *= w * s[t - 1] * (1.0 - s[t - 1]);
    }
    grad[0] = gw;
    grad[1] = gb;
    return loss;
}

const struct ob_problem_type ob_cliff = {
    .name = "cliff",
    .description = "one-unit RNN loss (Pascanu et al. 2013): a gradient wall",
    .params = cliff_params,
    .param_count = PARAM_COUNT,
    .create = cliff_create,
    .destroy = cliff_destroy,
    .eval = cliff_eval,
};
