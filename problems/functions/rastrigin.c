/* Rastrigin's function, n-D form (L. A. Rastrigin, Systems of Extremal
 * Control, Nauka, 1974; n-D by Muehlenbein, Schomisch and Born, "The
 * parallel genetic algorithm as function optimizer", Parallel Computing 17,
 * 1991):
 *   f(x) = 10 n + sum_i (x_i^2 - 10 cos(2 pi x_i))
 *        = sum_i (x_i^2 + 20 sin^2(pi x_i))
 * The second form is the one computed: it has no cancellation near the
 * minimum. Usual domain [-5.12, 5.12]^n. Minimum 0 at the origin, the only
 * global minimiser; a local minimum sits near every integer point.
 *
 * Default start: x_i = 2.5 for even i, -1.5 for odd i ((2.5, -1.5) in 2-D,
 * f = 48.5). Coordinates do not all share one value, and neither sits on a
 * stationary point: the gradient there is (5, -3). Gradient descent with
 * lr 0.001 and Adam with lr 0.01 settle in the local minimum near
 * (1.99, -0.995), f = 4.97 (gradient descent with lr 0.01 is unstable in
 * the wells, whose curvature reaches 2 + 40 pi^2 = 397): a run reaches the
 * target only by leaving basins, which is what the function measures. */
#include "../problem.h"
#include "../../src/util/numeric.h"

#include <math.h>
#include <stdlib.h>

enum { DIM, PARAM_COUNT };

static const struct ob_param_spec rastrigin_params[PARAM_COUNT] = {
    [DIM] = {"n", OB_PARAM_INT, 2.0, NULL, "dimension (>= 1)"},
};

static int rastrigin_create(struct ob_problem *p,
                            const struct ob_param_values *values,
                            struct ob_error *err)
{
    int status = ob_problem_set_nd(p, values->number[DIM], 1.0, 2.5, -1.5,
                                   0.0, err);

    p->minimum = 0.0;
    return status;
}

static double rastrigin_eval(const struct ob_problem *p, const double *x,
                             double *grad, struct ob_rng *rng)
{
    double loss = 0.0;

    (void)rng;
    for (size_t i = 0; i < p->dim; i++) {
        double s = sin(OB_PI * x[i]);

        loss += x[i] * x[i] + 20.0 * (s * s);
    }
    if (grad != NULL)
        for (size_t i = 0; i < p->dim; i++)
            grad[i] = 2.0 * x[i] + 20.0 * OB_PI * sin(2.0 * OB_PI * x[i]);
    return loss;
}

const struct ob_problem_type ob_rastrigin = {
    .name = "rastrigin",
    .description = "Rastrigin's function, n-D, local minima on a lattice",
    .params = rastrigin_params,
    .param_count = PARAM_COUNT,
    .create = rastrigin_create,
    .destroy = NULL,
    .eval = rastrigin_eval,
};
