/* The Styblinski-Tang function (M. A. Styblinski and T.-S. Tang,
 * "Experiments in nonconvex optimization: stochastic approximation with
 * function smoothing and simulated annealing", Neural Networks 3(4), 1990):
 *   f(x) = 0.5 sum_i (x_i^4 - 16 x_i^2 + 5 x_i)
 * Usual domain [-5, 5]^n. Separable: each coordinate has its global minimum
 * at the root x* = -2.9035340277711771 of 4t^3 - 32t + 5, a local minimum
 * at 2.7468 and a local maximum at 0.15673 between them. Minimum
 * -39.166165703771415 n at (x*, ..., x*), the only global minimiser; the
 * other 2^n - 1 corners are local minima. Both constants come from Newton's
 * method in 50-digit arithmetic, rounded to 20 digits. (The x* often quoted,
 * -2.903534018185960, is off in the ninth digit: the gradient there is
 * 3.3e-7 per coordinate.)
 *
 * Default start: x_i = 0 for even i, -1 for odd i ((0, -1) in 2-D, f = -10),
 * every coordinate on the global side of 0.15673; from there gradient
 * descent and Adam reach the global minimiser. */
#include "../problem.h"

#include <math.h>
#include <stdlib.h>

/* Per coordinate: the minimiser and the minimum of 0.5 (t^4 - 16t^2 + 5t). */
#define STYBLINSKI_TANG_ARGMIN  (-2.9035340277711770951)
#define STYBLINSKI_TANG_MINIMUM (-39.166165703771415464)

enum { DIM, PARAM_COUNT };

static const struct ob_param_spec styblinski_tang_params[PARAM_COUNT] = {
    [DIM] = {"n", OB_PARAM_INT, 2.0, NULL, "dimension (>= 1)"},
};

static int styblinski_tang_create(struct ob_problem *p,
                                  const struct ob_param_values *values,
                                  struct ob_error *err)
{
    int status = ob_problem_set_nd(p, values->number[DIM], 1.0, 0.0, -1.0,
                                   STYBLINSKI_TANG_ARGMIN, err);

    p->minimum = STYBLINSKI_TANG_MINIMUM * values->number[DIM];
    return status;
}

static double styblinski_tang_eval(const struct ob_problem *p, const double *x,
                                   double *grad, struct ob_rng *rng)
{
    double sum = 0.0;

    (void)rng;
    for (size_t i = 0; i < p->dim; i++) {
        double t2 = x[i] * x[i];

        sum += t2 * t2 - 16.0 * t2 + 5.0 * x[i];
    }
    if (grad != NULL)
        for (size_t i = 0; i < p->dim; i++)
            grad[i] = 2.0 * x[i] * x[i] * x[i] - 16.0 * x[i] + 2.5;
    return 0.5 * sum;
}

const struct ob_problem_type ob_styblinski_tang = {
    .name = "styblinski-tang",
    .description = "Styblinski-Tang, n-D, one global among 2^n minima",
    .params = styblinski_tang_params,
    .param_count = PARAM_COUNT,
    .create = styblinski_tang_create,
    .destroy = NULL,
    .eval = styblinski_tang_eval,
};
