/* Two saddle points, unbounded below, for measuring how fast an optimizer
 * escapes a stationary point that is not a minimum (Dauphin et al.,
 * "Identifying and attacking the saddle point problem in high-dimensional
 * non-convex optimization", NIPS 2014).
 *
 * saddle: f(x, y) = x^2 - y^2 on R^2, a strict saddle at the origin (Hessian
 * diag(2, -2)). Start (1, 1e-3): on the attracting axis with a small offset
 * along the escape direction, which gradient descent must amplify
 * (geometrically: y grows by 1 + 2 lr per step).
 *
 * monkey-saddle: f(x, y) = x^3 - 3 x y^2 = r^3 cos(3 theta) on R^2, a
 * degenerate saddle at the origin (gradient and Hessian both vanish) with
 * three descending valleys, at theta = pi/3, pi and 5 pi/3. Start (1, 1e-3):
 * on the ridge theta = 0 with the same small offset. Descent slides down the
 * ridge towards the flat origin while the offset grows only polynomially,
 * then turns into the valley at theta = pi/3. Plain gradient descent with
 * lr 0.01 passes within 0.15 of the origin and reaches the target after 510
 * steps (the saddle: 349 steps).
 *
 * Neither has a minimum (minimum NAN, no minimiser). The target loss is -1
 * for both: a run has escaped when f <= -1, which needs distance >= 1 from
 * the saddle point (|y| >= sqrt(1 + x^2) for the saddle; r >= 1 for the
 * monkey saddle, where f >= -r^3). */
#include "../problem.h"

#include <math.h>

static int saddle_create(struct ob_problem *p,
                         const struct ob_param_values *values,
                         struct ob_error *err)
{
    static const double start[2] = {1.0, 1e-3};

    (void)values;
    p->dim = 2;
    p->minimum = NAN;
    p->target = -1.0;
    return ob_problem_set_points(p, start, NULL, err);
}

static double saddle_eval(const struct ob_problem *p, const double *x,
                          double *grad, struct ob_rng *rng)
{
    (void)p;
    (void)rng;
    if (grad != NULL) {
        grad[0] = 2.0 * x[0];
        grad[1] = -2.0 * x[1];
    }
    return x[0] * x[0] - x[1] * x[1];
}

static double monkey_saddle_eval(const struct ob_problem *p, const double *x,
                                 double *grad, struct ob_rng *rng)
{
    double u = x[0], v = x[1];

    (void)p;
    (void)rng;
    if (grad != NULL) {
        grad[0] = 3.0 * u * u - 3.0 * v * v;
        grad[1] = -6.0 * u * v;
    }
    return u * u * u - 3.0 * u * v * v;
}

const struct ob_problem_type ob_saddle = {
    .name = "saddle",
    .description = "x^2 - y^2: escape a strict saddle (unbounded below)",
    .params = NULL,
    .param_count = 0,
    .create = saddle_create,
    .destroy = NULL,
    .eval = saddle_eval,
};

const struct ob_problem_type ob_monkey_saddle = {
    .name = "monkey-saddle",
    .description = "x^3 - 3xy^2: escape a degenerate saddle (unbounded below)",
    .params = NULL,
    .param_count = 0,
    .create = saddle_create,
    .destroy = NULL,
    .eval = monkey_saddle_eval,
};
