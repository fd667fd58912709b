/* The camel-back functions (Jamil and Yang, "A literature survey of
 * benchmark functions for global optimization problems", IJMMNO 4(2), 2013;
 * Surjanovic and Bingham, Virtual Library of Simulation Experiments).
 *
 * three-hump-camel: f(x, y) = 2x^2 - 1.05x^4 + x^6/6 + xy + y^2
 * Usual domain [-5, 5]^2. Minimum 0 at the origin, the only global
 * minimiser. Two local minima, 0.29864 at +-(1.74755, -0.87378), and two
 * saddles, 0.87736 at +-(1.07054, -0.53527), between them and the origin.
 * Default start (1, 1), where f = 3.1167, in the basin of the origin
 * (gradient descent with lr 0.01 from (-1, 1) ends in the local minimum
 * instead).
 *
 * six-hump-camel: f(x, y) = (4 - 2.1x^2 + x^4/3) x^2 + xy + (4y^2 - 4) y^2
 * Usual domain [-3, 3] x [-2, 2]. Minimum -1.0316284534898774, attained at
 * the two points +-(0.089842013100318062, -0.71265640302073963) (Newton's
 * method in 50-digit arithmetic, rounded to 17 digits); the first is
 * stored. The origin is a saddle (Hessian [[8, 1], [1, -8]]), so it is not
 * used as start. Default start (-1, -1), where f = 3.2333; gradient
 * descent and Adam (lr 0.01) from there reach the stored minimiser. */
#include "../problem.h"

static int three_hump_camel_create(struct ob_problem *p,
                                   const struct ob_param_values *values,
                                   struct ob_error *err)
{
    static const double start[2] = {1.0, 1.0};
    static const double minimizer[2] = {0.0, 0.0};

    (void)values;
    p->dim = 2;
    p->minimum = 0.0;
    return ob_problem_set_points(p, start, minimizer, err);
}

static double three_hump_camel_eval(const struct ob_problem *p, const double *x,
                                    double *grad, struct ob_rng *rng)
{
    double u = x[0], v = x[1];
    double u2 = u * u, u4 = u2 * u2;

    (void)p;
    (void)rng;
    if (grad != NULL) {
        grad[0] = 4.0 * u - 4.2 * u2 * u + u4 * u + v;
        grad[1] = u + 2.0 * v;
    }
    return 2.0 * u2 - 1.05 * u4 + u4 * u2 / 6.0 + u * v + v * v;
}

static int six_hump_camel_create(struct ob_problem *p,
                                 const struct ob_param_values *values,
                                 struct ob_error *err)
{
    static const double start[2] = {-1.0, -1.0};
    static const double minimizer[2] = {0.089842013100318062,
                                        -0.71265640302073963};

    (void)values;
    p->dim = 2;
    p->minimum = -1.0316284534898774;
    return ob_problem_set_points(p, start, minimizer, err);
}

static double six_hump_camel_eval(const struct ob_problem *p, const double *x,
                                  double *grad, struct ob_rng *rng)
{
    double u = x[0], v = x[1];
    double u2 = u * u, v2 = v * v;

    (void)p;
    (void)rng;
    if (grad != NULL) {
        grad[0] = 8.0 * u - 8.4 * u2 * u + 2.0 * u2 * u2 * u + v;
        grad[1] = u - 8.0 * v + 16.0 * v2 * v;
    }
    return (4.0 - 2.1 * u2 + u2 * u2 / 3.0) * u2 + u * v +
           (4.0 * v2 - 4.0) * v2;
}

const struct ob_problem_type ob_three_hump_camel = {
    .name = "three-hump-camel",
    .description = "three-hump camel, 2-D, one global and two local minima",
    .params = NULL,
    .param_count = 0,
    .create = three_hump_camel_create,
    .destroy = NULL,
    .eval = three_hump_camel_eval,
};

const struct ob_problem_type ob_six_hump_camel = {
    .name = "six-hump-camel",
    .description = "six-hump camel, 2-D, two global minima among six",
    .params = NULL,
    .param_count = 0,
    .create = six_hump_camel_create,
    .destroy = NULL,
    .eval = six_hump_camel_eval,
};
