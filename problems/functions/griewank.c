/* Griewank's function (A. O. Griewank, "Generalized descent for global
 * optimization", Journal of Optimization Theory and Applications 34(1),
 * 1981):
 *   f(x) = 1 + (1/4000) sum_i x_i^2 - prod_i cos(x_i / sqrt(i)),
 * indices i = 1..n. Usual domain [-600, 600]^n. Minimum 0 at the origin,
 * the only global minimiser, where the loss (computed as
 * sum/4000 + (1 - prod)) is exactly 0. Local minima sit near the points
 * where every cosine is +-1 with an even number of -1s, at heights of
 * about |x|^2 / 4000; the product couples the coordinates.
 *
 * Default start: x_i = 1.5 for even i, -2 for odd i (0-based; (1.5, -2) in
 * 2-D, f = 0.99), where every cosine is positive but small: the start sits
 * near the rim of the global basin, on a nearly flat shoulder. Gradient
 * descent and Adam (lr 0.01) reach the origin from there; from
 * (2.5, -1.5), where the first cosine is negative, both settle at
 * (pi, -pi sqrt(2)), f = 3 pi^2 / 4000 = 0.0074. */
#include "../problem.h"

#include <math.h>
#include <stdlib.h>

enum { DIM, PARAM_COUNT };

static const struct ob_param_spec griewank_params[PARAM_COUNT] = {
    [DIM] = {"n", OB_PARAM_INT, 2.0, NULL, "dimension (>= 1)"},
};

static int griewank_create(struct ob_problem *p,
                           const struct ob_param_values *values,
                           struct ob_error *err)
{
    int status = ob_problem_set_nd(p, values->number[DIM], 1.0, 1.5, -2.0,
                                   0.0, err);

    p->minimum = 0.0;
    return status;
}

static double griewank_eval(const struct ob_problem *p, const double *x,
                            double *grad, struct ob_rng *rng)
{
    double squares = 0.0, product = 1.0, suffix = 1.0;

    (void)rng;
    for (size_t i = 0; i < p->dim; i++) {
        squares += x[i] * x[i];
        product *= cos(x[i] / sqrt((double)(i + 1)));
    }
    if (grad == NULL)
        return squares / 4000.0 + (1.0 - product);

    /* d/dx_i of the product is -sin_i / sqrt(i) times the other cosines:
     * grad first holds the cosines before i, then gains those after i in a
     * backward pass, so eval needs no scratch memory and never divides by a
     * cosine that may be 0. */
    grad[0] = 1.0;
    for (size_t i = 1; i < p->dim; i++)
        grad[i] = grad[i - 1] * cos(x[i - 1] / sqrt((double)i));
    for (size_t i = p->dim; i-- > 0;) {
        double root = sqrt((double)(i + 1));
        double others = grad[i] * suffix;

        grad[i] = x[i] / 2000.0 + sin(x[i] / root) / root * others;
        suffix *= cos(x[i] / root);
    }
    return squares / 4000.0 + (1.0 - product);
}

const struct ob_problem_type ob_griewank = {
    .name = "griewank",
    .description = "Griewank's function, n-D, coupled cosine ripples",
    .params = griewank_params,
    .param_count = PARAM_COUNT,
    .create = griewank_create,
    .destroy = NULL,
    .eval = griewank_eval,
};
