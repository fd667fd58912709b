/* Rosenbrock's valley (H. H. Rosenbrock, "An automatic method for finding
 * the greatest or least value of a function", The Computer Journal 3(3),
 * 1960), n-D chained form (n >= 2, parameter n, default 2):
 *   f(x) = sum_{i<n-1} (1 - x_i)^2 + 100 (x_{i+1} - x_i^2)^2
 * Usual domain [-5, 10]^n. Minimum 0 at (1, ..., 1), the only global
 * minimiser; for n = 2 and 3 the only stationary point. From n = 4 on
 * there is also a local minimum (Shang and Qiu, "A note on the extended
 * Rosenbrock function", Evolutionary Computation 14(1), 2006): Adam run
 * from (-1, 1, ..., 1) settles at f = 3.7014 near (-0.776, 0.613, 0.382,
 * 0.146) for n = 4, and at f = 3.986 near (-0.99, 1, ..., 1) for n = 8.
 * Default start (-1.5, 2), f = 12.5; in n-D the start alternates -1.5, 2.
 * A narrow curved valley: the classic test of how an optimizer follows a
 * bending ridge. */
#include "../problem.h"

#include <stdlib.h>

enum { DIM, PARAM_COUNT };

static const struct ob_param_spec rosenbrock_params[PARAM_COUNT] = {
    [DIM] = {"n", OB_PARAM_INT, 2.0, NULL, "dimension (>= 2)"},
};

static int rosenbrock_create(struct ob_problem *p,
                             const struct ob_param_values *values,
                             struct ob_error *err)
{
    int status = ob_problem_set_nd(p, values->number[DIM], 2.0, -1.5, 2.0,
                                   1.0, err);

    p->minimum = 0.0;
    return status;
}

static double rosenbrock_eval(const struct ob_problem *p, const double *x,
                              double *grad, struct ob_rng *rng)
{
    double loss = 0.0;

    (void)rng;
    if (grad != NULL)
        for (size_t i = 0; i < p->dim; i++)
            grad[i] = 0.0;
    for (size_t i = 0; i + 1 < p->dim; i++) {
        double a = 1.0 - x[i];
        double b = x[i + 1] - x[i] * x[i];

        loss += a * a + 100.0 * (b * b);
        if (grad != NULL) {
            grad[i] += -2.0 * a - 400.0 * x[i] * b;
            grad[i + 1] += 200.0 * b;
        }
    }
    return loss;
}

const struct ob_problem_type ob_rosenbrock = {
    .name = "rosenbrock",
    .description = "Rosenbrock's curved valley, n-D (default 2-D)",
    .params = rosenbrock_params,
    .param_count = PARAM_COUNT,
    .create = rosenbrock_create,
    .destroy = NULL,
    .eval = rosenbrock_eval,
};
