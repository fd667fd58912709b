/* Booth's function (Jamil and Yang, "A literature survey of benchmark
 * functions for global optimization problems", IJMMNO 4(2), 2013):
 *   f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2
 * Usual domain [-10, 10]^2. Default start (0, 0), where f = 74. Minimum 0
 * at (1, 3), the only minimiser. A convex quadratic whose Hessian
 * [[10, 8], [8, 10]] has eigenvalues 2 and 18 along (1, -1) and (1, 1): a
 * mildly tilted valley, the easy end of the catalogue. */
#include "../problem.h"

static int booth_create(struct ob_problem *p,
                        const struct ob_param_values *values,
                        struct ob_error *err)
{
    static const double start[2] = {0.0, 0.0};
    static const double minimizer[2] = {1.0, 3.0};

    (void)values;
    p->dim = 2;
    p->minimum = 0.0;
    return ob_problem_set_points(p, start, minimizer, err);
}

static double booth_eval(const struct ob_problem *p, const double *x,
                         double *grad, struct ob_rng *rng)
{
    double r1 = x[0] + 2.0 * x[1] - 7.0;
    double r2 = 2.0 * x[0] + x[1] - 5.0;

    (void)p;
    (void)rng;
    if (grad != NULL) {
        grad[0] = 2.0 * r1 + 4.0 * r2;
        grad[1] = 4.0 * r1 + 2.0 * r2;
    }
    return r1 * r1 + r2 * r2;
}

const struct ob_problem_type ob_booth = {
    .name = "booth",
    .description = "Booth's function, 2-D convex quadratic valley",
    .params = NULL,
    .param_count = 0,
    .create = booth_create,
    .destroy = NULL,
    .eval = booth_eval,
};
