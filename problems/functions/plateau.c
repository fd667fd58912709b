/* A narrow well in a wide, nearly flat plain, for measuring how an
 * optimizer crosses a region where the gradient almost vanishes. Built for
 * optbench (no literature source): a Gaussian well plus a faint bowl that
 * keeps the gradient pointing at the well everywhere.
 *   f(x, y) = 1 - exp(-r^2 / 2) + 1e-6 r^2,   r^2 = x^2 + y^2
 * (computed with expm1, so the origin gives exactly 0). Domain R^2.
 * Minimum 0 at the origin, the only stationary point and minimiser; f is
 * radial and increases with r.
 *
 * The gradient is x (exp(-r^2/2) + 2e-6), of norm g(r) = r (exp(-r^2/2) +
 * 2e-6). It peaks at 0.607 at r = 1 (the well's wall) and is below 1e-4 on
 * the whole annulus 4.658 < r < 50 (bounds found by root finding on g, and
 * checked by a test): a plateau 45 units wide, over which f rises only from
 * 1.000002 to 1.0025. Default start (6, -4), r = 7.21, in the middle of the
 * plateau: f = 1.000052 and a gradient norm of 1.44e-5. Plain gradient
 * descent with lr 0.01 moves 1.4e-7 per step there; methods that rescale
 * the gradient (Adam and relatives) cross in a few hundred steps. */
#include "../problem.h"

#include <math.h>

/* Weight of the bowl r^2 that keeps the plain from being exactly flat. */
#define PLATEAU_BOWL 1e-6

static int plateau_create(struct ob_problem *p,
                          const struct ob_param_values *values,
                          struct ob_error *err)
{
    static const double start[2] = {6.0, -4.0};
    static const double minimizer[2] = {0.0, 0.0};

    (void)values;
    p->dim = 2;
    p->minimum = 0.0;
    return ob_problem_set_points(p, start, minimizer, err);
}

static double plateau_eval(const struct ob_problem *p, const double *x,
                           double *grad, struct ob_rng *rng)
{
    double r2 = x[0] * x[0] + x[1] * x[1];

    (void)p;
    (void)rng;
    if (grad != NULL) {
        double slope = exp(-0.5 * r2) + 2.0 * PLATEAU_BOWL;

        grad[0] = slope * x[0];
        grad[1] = slope * x[1];
    }
    return -expm1(-0.5 * r2) + PLATEAU_BOWL * r2;
}

const struct ob_problem_type ob_plateau = {
    .name = "plateau",
    .description = "Gaussian well in a plain where the gradient is < 1e-4",
    .params = NULL,
    .param_count = 0,
    .create = plateau_create,
    .destroy = NULL,
    .eval = plateau_eval,
};
