/* Beale's function (Beale 1958; problem 5 of Moré, Garbow and Hillstrom,
 * "Testing unconstrained optimization software", ACM TOMS 7, 1981):
 *   f(x, y) = (1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2
 * Usual domain [-4.5, 4.5]^2. Default start (1, 1.5). Minimum 0 at (3, 0.5),
 * the only minimiser; every residual is exactly zero there in binary
 * floating point. Flat plateaus and sharp ridges towards the corners. */
#include "../problem.h"

static int beale_create(struct ob_problem *p,
                        const struct ob_param_values *values,
                        struct ob_error *err)
{
    static const double start[2] = {1.0, 1.5};
    static const double minimizer[2] = {3.0, 0.5};

    (void)values;
    p->dim = 2;
    p->minimum = 0.0;
    return ob_problem_set_points(p, start, minimizer, err);
}

static double beale_eval(const struct ob_problem *p, const double *x,
                         double *grad, struct ob_rng *rng)
{
    double u = x[0], v = x[1];
    double v2 = v * v, v3 = v2 * v;
    double r1 = 1.5 - u + u * v;
    double r2 = 2.25 - u + u * v2;
    double r3 = 2.625 - u + u * v3;

    (void)p;
    (void)rng;
    if (grad != NULL) {
        grad[0] = 2.0 * r1 * (v - 1.0) + 2.0 * r2 * (v2 - 1.0) +
                  2.0 * r3 * (v3 - 1.0);
        grad[1] =
            2.0 * r1 * u + 2.0 * r2 * (2.0 * u * v) + 2.0 * r3 * (3.0 * u * v2);
    }
    return r1 * r1 + r2 * r2 + r3 * r3;
}

const struct ob_problem_type ob_beale = {
    .name = "beale",
    .description = "Beale's function, 2-D, plateaus and steep corners",
    .params = NULL,
    .param_count = 0,
    .create = beale_create,
    .destroy = NULL,
    .eval = beale_eval,
};
