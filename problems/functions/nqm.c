/* The noisy quadratic model of Zhang, Li, Nado, Martens, Sachdeva, Dahl,
 * Shallue and Grosse, "Which algorithmic choices matter at which batch
 * sizes? Insights from a noisy quadratic model", NeurIPS 2019:
 *   f(x) = sum_i 0.5 h_i x_i^2,  h_i = 1/i  (i = 1..n),
 * with stochastic gradients h_i x_i + sqrt(h_i / B) xi_i, xi_i ~ N(0, 1)
 * independent: gradient noise of covariance H / B, where H = diag(h) and B
 * is the batch size. Parameters n (default 100) and batch B (default 1).
 * Domain R^n. Default start (1, ..., 1), f = 0.5 (1 + 1/2 + ... + 1/n),
 * 2.5937 for n = 100. Minimum 0 at the origin, the only minimiser. The
 * condition number is n, and the noise is largest along the steep
 * directions: the paper takes the gradient covariance equal to H.
 *
 * eval always returns the exact loss. When grad is wanted and rng is
 * non-NULL it adds the noise: one ob_rng_normal draw per coordinate, in
 * index order, and none when grad is NULL. Loss and gradient come from
 * the same code as quadratic's (diagonal.h), so the two agree bit for bit
 * on equal h. */
#include "../problem.h"
#include "diagonal.h"

#include <math.h>
#include <stdlib.h>

enum { DIM, BATCH, PARAM_COUNT };

static const struct ob_param_spec nqm_params[PARAM_COUNT] = {
    [DIM] = {"n", OB_PARAM_INT, 100.0, NULL,
             "dimension (>= 1); curvatures h_i = 1/i, i = 1..n"},
    [BATCH] = {"batch", OB_PARAM_INT, 1.0, NULL,
               "batch size B >= 1: gradient noise covariance H/B"},
};

struct nqm_data {
    double *h;     /* dim curvatures, 1/i */
    double *noise; /* dim standard deviations, sqrt(h_i / B) */
    double block[];
};

static int nqm_create(struct ob_problem *p,
                      const struct ob_param_values *values,
                      struct ob_error *err)
{
    double n = values->number[DIM];
    double batch = values->number[BATCH];
    struct nqm_data *data;
    double *points;
    int status;

    if (n < 1.0 || n > 1e6)
        return ob_errorf(err, OB_EINVAL,
                         "problem nqm: n=%g must be in [1, 1e6]", n);
    if (batch < 1.0)
        return ob_errorf(err, OB_EINVAL,
                         "problem nqm: batch=%g must be at least 1", batch);
    p->dim = (size_t)n;
    data = malloc(sizeof *data + sizeof(double) * 2 * p->dim);
    if (data == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    data->h = data->block;
    data->noise = data->block + p->dim;
    for (size_t i = 0; i < p->dim; i++) {
        data->h[i] = 1.0 / (double)(i + 1);
        data->noise[i] = sqrt(data->h[i] / batch);
    }
    p->data = data;
    p->stochastic = 1;
    /* Noise of a batch of B examples: gradient evaluations count B. */
    p->examples_per_gradient = (size_t)batch;
    p->minimum = 0.0;

    /* One block: ones for the start, zeros for the minimiser. */
    points = malloc(sizeof(double) * 2 * p->dim);
    if (points == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    for (size_t i = 0; i < p->dim; i++) {
        points[i] = 1.0;
        points[p->dim + i] = 0.0;
    }
    status = ob_problem_set_points(p, points, points + p->dim, err);
    free(points);
    return status;
}

static void nqm_destroy(struct ob_problem *p)
{
    free(p->data);
}

static double nqm_eval(const struct ob_problem *p, const double *x,
                       double *grad, struct ob_rng *rng)
{
    const struct nqm_data *data = p->data;

    return ob_diagonal_quadratic(p->dim, data->h, data->noise, 0.0, x, grad,
                                 rng);
}

const struct ob_problem_type ob_nqm = {
    .name = "nqm",
    .description = "noisy quadratic model (Zhang et al. 2019), h_i = 1/i",
    .params = nqm_params,
    .param_count = PARAM_COUNT,
    .create = nqm_create,
    .destroy = nqm_destroy,
    .eval = nqm_eval,
};
