/* The Goldstein-Price function (A. A. Goldstein and I. F. Price, "On
 * descent from local minima", Mathematics of Computation 25(115), 1971):
 *   f(x, y) = A(x, y) B(x, y),
 *   A = 1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2),
 *   B = 30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)
 * Usual domain [-2, 2]^2. Minimum 3 at (0, -1), the only global minimiser,
 * where A = 1 and B = 3 exactly in floating point. Local minima include
 * 30 at (-0.6, -0.4). The loss spans six orders of magnitude over the
 * domain (up to about 1e6), so steps that suit one region fail in another.
 * Default start (0.5, -0.5), where f = 193.75, in the basin of (0, -1):
 * Adam with lr 0.01 reaches the target in 364 steps, while gradient
 * descent with lr 0.01 diverges. Gradient descent with lr 1e-5 converges,
 * but from (0, 0) it ends at (-0.6, -0.4). */
#include "../problem.h"

static int goldstein_price_create(struct ob_problem *p,
                                  const struct ob_param_values *values,
                                  struct ob_error *err)
{
    static const double start[2] = {0.5, -0.5};
    static const double minimizer[2] = {0.0, -1.0};

    (void)values;
    p->dim = 2;
    p->minimum = 3.0;
    return ob_problem_set_points(p, start, minimizer, err);
}

static double goldstein_price_eval(const struct ob_problem *p, const double *x,
                                   double *grad, struct ob_rng *rng)
{
    double u = x[0], v = x[1];
    double a = u + v + 1.0;
    double pa =
        19.0 - 14.0 * u + 3.0 * u * u - 14.0 * v + 6.0 * u * v + 3.0 * v * v;
    double b = 2.0 * u - 3.0 * v;
    double qb =
        18.0 - 32.0 * u + 12.0 * u * u + 48.0 * v - 36.0 * u * v + 27.0 * v * v;
    double big_a = 1.0 + a * a * pa;
    double big_b = 30.0 + b * b * qb;

    (void)p;
    (void)rng;
    if (grad != NULL) {
        /* pa has the same partial derivative in u and in v, so A does. */
        double da = 2.0 * a * pa + a * a * (6.0 * u + 6.0 * v - 14.0);
        double db_du = 4.0 * b * qb + b * b * (24.0 * u - 36.0 * v - 32.0);
        double db_dv = -6.0 * b * qb + b * b * (54.0 * v - 36.0 * u + 48.0);

        grad[0] = da * big_b + big_a * db_du;
        grad[1] = da * big_b + big_a * db_dv;
    }
    return big_a * big_b;
}

const struct ob_problem_type ob_goldstein_price = {
    .name = "goldstein-price",
    .description = "Goldstein-Price, 2-D, losses spanning 3 to 1e6",
    .params = NULL,
    .param_count = 0,
    .create = goldstein_price_create,
    .destroy = NULL,
    .eval = goldstein_price_eval,
};
