/* Matyas' function (Jamil and Yang, "A literature survey of benchmark
 * functions for global optimization problems", IJMMNO 4(2), 2013):
 *   f(x, y) = 0.26 (x^2 + y^2) - 0.48 x y
 * Usual domain [-10, 10]^2. Default start (3, -1), where f = 4.04, off
 * both eigenvectors so both curvatures matter. Minimum 0 at the origin,
 * the only minimiser. A convex quadratic whose Hessian
 * [[0.52, -0.48], [-0.48, 0.52]] has eigenvalues 0.04 along (1, 1) and 1
 * along (1, -1): a flat diagonal valley with condition number 25. */
#include "../problem.h"

static int matyas_create(struct ob_problem *p,
                         const struct ob_param_values *values,
                         struct ob_error *err)
{
    static const double start[2] = {3.0, -1.0};
    static const double minimizer[2] = {0.0, 0.0};

    (void)values;
    p->dim = 2;
    p->minimum = 0.0;
    return ob_problem_set_points(p, start, minimizer, err);
}

static double matyas_eval(const struct ob_problem *p, const double *x,
                          double *grad, struct ob_rng *rng)
{
    double u = x[0], v = x[1];

    (void)p;
    (void)rng;
    if (grad != NULL) {
        grad[0] = 0.52 * u - 0.48 * v;
        grad[1] = 0.52 * v - 0.48 * u;
    }
    return 0.26 * (u * u + v * v) - 0.48 * u * v;
}

const struct ob_problem_type ob_matyas = {
    .name = "matyas",
    .description = "Matyas' function, 2-D flat diagonal valley",
    .params = NULL,
    .param_count = 0,
    .create = matyas_create,
    .destroy = NULL,
    .eval = matyas_eval,
};
