/* Strict saddles with minima beyond them: unlike saddle and monkey-saddle
 * (saddle.c), escaping leads to a known minimum, so a run is scored by
 * reaching it (Dauphin et al., "Identifying and attacking the saddle point
 * problem in high-dimensional non-convex optimization", NIPS 2014; Jin et
 * al., "How to escape saddle points efficiently", ICML 2017).
 *
 * saddle-to-minima: f(x, y) = x^2 - y^2 + y^4/4 on R^2. A strict saddle at
 * the origin (f = 0, Hessian diag(2, -2)); minimum -1 at (0, +-sqrt(2)),
 * the two minimisers; (0, sqrt(2)) is stored. Start (1, 1e-3): on the
 * attracting axis with a small offset along the escape direction, which
 * gradient descent amplifies by about 1 + 2 lr per step and which picks
 * the stored minimiser.
 *
 * saddle-nd: with parameters n (default 10) and k (default 2, 1 <= k <= n),
 *   f(x) = 0.5 sum_{i>=k} x_i^2 - 0.5 sum_{i<k} x_i^2 + 0.25 sum_{i<k} x_i^4
 * on R^n (0-based indices). The origin is a strict saddle (f = 0) whose
 * Hessian is diagonal with -1 in the first k entries and +1 in the other
 * n - k: exactly k directions of negative curvature. Minimum -k/4, attained
 * at the 2^k points with x_i = +-1 for i < k and 0 otherwise; the stored
 * minimiser has every x_i = +1. Start: x_i = 1e-3 for i < k (the escape
 * directions, offset to the positive side) and 1 for i >= k, so the run
 * first falls towards the saddle along n - k directions while the k escape
 * coordinates grow by about 1 + lr per step of gradient descent. */
#include "../problem.h"

#include <stdlib.h>

static int saddle_to_minima_create(struct ob_problem *p,
                                   const struct ob_param_values *values,
                                   struct ob_error *err)
{
    static const double start[2] = {1.0, 1e-3};
    /* sqrt(2) rounded to the nearest double. */
    static const double minimizer[2] = {0.0, 1.4142135623730951};

    (void)values;
    p->dim = 2;
    p->minimum = -1.0;
    return ob_problem_set_points(p, start, minimizer, err);
}

static double saddle_to_minima_eval(const struct ob_problem *p, const double *x,
                                    double *grad, struct ob_rng *rng)
{
    double u = x[0], v = x[1];
    double v2 = v * v;

    (void)p;
    (void)rng;
    if (grad != NULL) {
        grad[0] = 2.0 * u;
        grad[1] = v2 * v - 2.0 * v;
    }
    return u * u - v2 + 0.25 * (v2 * v2);
}

enum { DIM, NEGATIVE, PARAM_COUNT };

static const struct ob_param_spec saddle_nd_params[PARAM_COUNT] = {
    [DIM] = {"n", OB_PARAM_INT, 10.0, NULL, "dimension (>= 1)"},
    [NEGATIVE] = {"k", OB_PARAM_INT, 2.0, NULL,
                  "directions of negative curvature at the saddle, 1 to n"},
};

struct saddle_nd_data {
    size_t negative; /* k */
};

static int saddle_nd_create(struct ob_problem *p,
                            const struct ob_param_values *values,
                            struct ob_error *err)
{
    double n = values->number[DIM];
    double k = values->number[NEGATIVE];
    struct saddle_nd_data *data;
    double *points;
    int status;

    if (n < 1.0 || n > 1e6)
        return ob_errorf(err, OB_EINVAL,
                         "problem saddle-nd: n=%g must be in [1, 1e6]", n);
    if (k < 1.0 || k > n)
        return ob_errorf(err, OB_EINVAL,
                         "problem saddle-nd: k=%g must be in [1, n=%g]", k, n);
    data = malloc(sizeof *data);
    if (data == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    data->negative = (size_t)k;
    p->data = data;
    p->dim = (size_t)n;
    p->minimum = -0.25 * k;

    /* One block: the start, then the minimiser. */
    points = malloc(sizeof(double) * 2 * p->dim);
    if (points == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    for (size_t i = 0; i < p->dim; i++) {
        int escape = i < data->negative;

        points[i] = escape ? 1e-3 : 1.0;
        points[p->dim + i] = escape ? 1.0 : 0.0;
    }
    status = ob_problem_set_points(p, points, points + p->dim, err);
    free(points);
    return status;
}

static void saddle_nd_destroy(struct ob_problem *p)
{
    free(p->data);
}

static double saddle_nd_eval(const struct ob_problem *p, const double *x,
                             double *grad, struct ob_rng *rng)
{
    const struct saddle_nd_data *data = p->data;
    double loss = 0.0;

    (void)rng;
    for (size_t i = 0; i < p->dim; i++) {
        double t2 = x[i] * x[i];

        if (i < data->negative)
            loss += 0.25 * (t2 * t2) - 0.5 * t2;
        else
            loss += 0.5 * t2;
    }
    if (grad != NULL)
        for (size_t i = 0; i < p->dim; i++)
            grad[i] = i < data->negative ? x[i] * x[i] * x[i] - x[i] : x[i];
    return loss;
}

const struct ob_problem_type ob_saddle_to_minima = {
    .name = "saddle-to-minima",
    .description = "x^2 - y^2 + y^4/4: escape a strict saddle to minima -1",
    .params = NULL,
    .param_count = 0,
    .create = saddle_to_minima_create,
    .destroy = NULL,
    .eval = saddle_to_minima_eval,
};

const struct ob_problem_type ob_saddle_nd = {
    .name = "saddle-nd",
    .description = "n-D strict saddle with k escape directions to minima",
    .params = saddle_nd_params,
    .param_count = PARAM_COUNT,
    .create = saddle_nd_create,
    .destroy = saddle_nd_destroy,
    .eval = saddle_nd_eval,
};
