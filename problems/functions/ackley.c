/* Ackley's function, n-D form (D. H. Ackley, A Connectionist Machine for
 * Genetic Hillclimbing, Kluwer, 1987; n-D as in T. Baeck, Evolutionary
 * Algorithms in Theory and Practice, 1996):
 *   f(x) = -20 exp(-0.2 r) - exp(c) + 20 + e,
 *   r = sqrt((1/n) sum_i x_i^2),  c = (1/n) sum_i cos(2 pi x_i)
 * computed as 20 (1 - exp(-0.2 r)) + (e - exp(c)) with expm1, and e taken
 * as exp(1.0), so the origin gives exactly 0. Usual domain
 * [-32.768, 32.768]^n. Minimum 0 at the origin, the only global minimiser;
 * local minima sit near the integer points. Near the origin f ~ 4 r: a cone
 * whose tip a fixed-step method circles rather than reaches.
 *
 * The gradient of the r term, 4 exp(-0.2 r) x_i / (n r), has no limit at
 * r = 0 (its norm tends to 4 / sqrt(n) from every direction). eval returns
 * 0 for that term when r = 0, which happens at the origin and when sum x_i^2
 * underflows, so the gradient stays finite and vanishes at the minimiser.
 *
 * Default start: x_i = 0.4 for even i, -0.3 for odd i ((0.4, -0.3) in 2-D,
 * f = 3.51), inside the basin of the origin (the cosine term peaks near
 * |x_i| = 0.5). After 2000 steps with lr 0.01, Adam is at f = 2.2e-3 and
 * plain gradient descent at f = 0.064, both circling the tip. */
#include "../problem.h"
#include "../../src/util/numeric.h"

#include <math.h>
#include <stdlib.h>

enum { DIM, PARAM_COUNT };

static const struct ob_param_spec ackley_params[PARAM_COUNT] = {
    [DIM] = {"n", OB_PARAM_INT, 2.0, NULL, "dimension (>= 1)"},
};

static int ackley_create(struct ob_problem *p,
                         const struct ob_param_values *values,
                         struct ob_error *err)
{
    int status = ob_problem_set_nd(p, values->number[DIM], 1.0, 0.4, -0.3,
                                   0.0, err);

    p->minimum = 0.0;
    return status;
}

static double ackley_eval(const struct ob_problem *p, const double *x,
                          double *grad, struct ob_rng *rng)
{
    double n = (double)p->dim;
    double squares = 0.0, cosines = 0.0;
    double r, cone, wave;

    (void)rng;
    for (size_t i = 0; i < p->dim; i++) {
        squares += x[i] * x[i];
        cosines += cos(2.0 * OB_PI * x[i]);
    }
    r = sqrt(squares / n);
    wave = exp(cosines / n);
    if (grad != NULL) {
        /* d r / d x_i = x_i / (n r); 0 where r = 0, see the header. */
        cone = r > 0.0 ? 4.0 * exp(-0.2 * r) / (n * r) : 0.0;
        for (size_t i = 0; i < p->dim; i++)
            grad[i] =
                cone * x[i] + 2.0 * OB_PI * wave * sin(2.0 * OB_PI * x[i]) / n;
    }
    return -20.0 * expm1(-0.2 * r) + (exp(1.0) - wave);
}

const struct ob_problem_type ob_ackley = {
    .name = "ackley",
    .description = "Ackley's function, n-D, a cone tip among ripples",
    .params = ackley_params,
    .param_count = PARAM_COUNT,
    .create = ackley_create,
    .destroy = NULL,
    .eval = ackley_eval,
};
