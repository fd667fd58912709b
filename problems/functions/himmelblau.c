/* Himmelblau's function (D. M. Himmelblau, Applied Nonlinear Programming,
 * McGraw-Hill, 1972):
 *   f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2
 * Usual domain [-5, 5]^2. Minimum 0, attained at four points, where both
 * residuals vanish:
 *   ( 3,                    2                  )  the stored minimiser
 *   (-2.8051180869527449,   3.1313125182505730 )
 *   (-3.7793102533777469,  -3.2831859912861694 )
 *   ( 3.5844283403304917,  -1.8481265269644036 )
 * (the last three are roots of a quartic, found by Newton's method in 50-digit
 * arithmetic and rounded to 17 digits). It also has a local maximum near
 * (-0.2708, -0.9230) and four saddles between the minima. Default start
 * (0, 0), where f = 170 and the gradient is (-14, -22); gradient descent
 * and Adam (lr 0.01) from there reach the stored minimiser (3, 2). */
#include "../problem.h"

static int himmelblau_create(struct ob_problem *p,
                             const struct ob_param_values *values,
                             struct ob_error *err)
{
    static const double start[2] = {0.0, 0.0};
    static const double minimizer[2] = {3.0, 2.0};

    (void)values;
    p->dim = 2;
    p->minimum = 0.0;
    return ob_problem_set_points(p, start, minimizer, err);
}

static double himmelblau_eval(const struct ob_problem *p, const double *x,
                              double *grad, struct ob_rng *rng)
{
    double u = x[0], v = x[1];
    double r1 = u * u + v - 11.0;
    double r2 = u + v * v - 7.0;

    (void)p;
    (void)rng;
    if (grad != NULL) {
        grad[0] = 4.0 * u * r1 + 2.0 * r2;
        grad[1] = 2.0 * r1 + 4.0 * v * r2;
    }
    return r1 * r1 + r2 * r2;
}

const struct ob_problem_type ob_himmelblau = {
    .name = "himmelblau",
    .description = "Himmelblau's function, 2-D, four global minima",
    .params = NULL,
    .param_count = 0,
    .create = himmelblau_create,
    .destroy = NULL,
    .eval = himmelblau_eval,
};
