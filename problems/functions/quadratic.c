/* Axis-aligned convex quadratic and its noisy-gradient twin:
 *   f(x) = sum_i 0.5 h_i x_i^2,   grad_i = h_i x_i
 * Domain R^n. Default start (1, ..., 1). Minimum 0 at the origin, the only
 * minimiser. The curvatures h come from the list `h` (default 1,10,100,1000)
 * or, when cond > 0, are log-spaced h_i = cond^(i/(n-1)), i = 0..n-1, from 1
 * to cond. The condition number max h / min h sets how hard it is for plain
 * gradient descent (Nocedal and Wright, Numerical Optimization, 2nd ed.,
 * section 3.3). noisy-quadratic adds independent N(0, sigma^2) noise to each
 * gradient coordinate, the model of stochastic gradients used by Schaul,
 * Zhang and LeCun, "No more pesky learning rates" (ICML 2013). */
#include "../problem.h"
#include "diagonal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { H, COND, N, SIGMA, PARAM_COUNT };

/* quadratic uses the first three entries, noisy-quadratic all four. */
static const struct ob_param_spec quadratic_params[PARAM_COUNT] = {
    [H] = {"h", OB_PARAM_LIST, 0.0, "1,10,100,1000",
           "curvatures h_i > 0, one per coordinate"},
    [COND] = {"cond", OB_PARAM_REAL, 0.0, NULL,
              "if > 0: n curvatures log-spaced from 1 to cond, replacing h"},
    [N] = {"n", OB_PARAM_INT, 0.0, NULL,
           "dimension; 0 = the length of h (with cond: 4)"},
    [SIGMA] = {"sigma", OB_PARAM_REAL, 0.1, NULL,
               "standard deviation of the noise on each gradient coordinate"},
};

struct quadratic_data {
    double sigma; /* 0 for the exact quadratic */
    double h[];   /* dim curvatures */
};

/* Fills data->h from the values, after checking them; sets p->dim. */
static int quadratic_curvatures(struct ob_problem *p,
                                const struct ob_param_values *values,
                                struct quadratic_data **out,
                                struct ob_error *err)
{
    const char *name = p->type->name;
    const char *h_text = values->text[H];
    double cond = values->number[COND];
    double n = values->number[N];
    struct quadratic_data *data;
    size_t capacity = 1;
    int count;

    if (cond != 0.0 && strcmp(h_text, quadratic_params[H].choices) != 0)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: give either h or cond, not both", name);
    if (cond != 0.0 && !(cond >= 1.0))
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: cond=%g must be >= 1 (or 0 for unused)",
                         name, cond);
    if (n < 0.0 || n > 1e6)
        return ob_errorf(err, OB_EINVAL, "problem %s: n=%g must be in [0, 1e6]",
                         name, n);

    if (cond != 0.0) {
        capacity = n > 0.0 ? (size_t)n : 4;
        if (capacity < 2)
            return ob_errorf(err, OB_EINVAL,
                             "problem %s: n=%g must be >= 2 with cond", name,
                             n);
    } else {
        /* A list of k values has k - 1 commas: that bounds the count. */
        for (const char *c = h_text; *c != '\0'; c++)
            capacity += *c == ',';
    }
    data = malloc(sizeof *data + sizeof(double) * capacity);
    if (data == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");

    if (cond != 0.0) {
        for (size_t i = 0; i < capacity; i++)
            data->h[i] = pow(cond, (double)i / (double)(capacity - 1));
        p->dim = capacity;
    } else {
        char what[64];

        snprintf(what, sizeof what, "problem %s: h", name);
        count = ob_parse_list(h_text, data->h, capacity, what, err);
        if (count < 0) {
            free(data);
            return OB_EINVAL;
        }
        if (n > 0.0 && (size_t)n != (size_t)count) {
            free(data);
            return ob_errorf(err, OB_EINVAL,
                             "problem %s: n=%g but h has %d values", name, n,
                             count);
        }
        p->dim = (size_t)count;
        for (size_t i = 0; i < p->dim; i++) {
            if (!(data->h[i] > 0.0)) {
                double bad = data->h[i];

                free(data);
                return ob_errorf(err, OB_EINVAL,
                                 "problem %s: h[%zu]=%g must be positive", name,
                                 i, bad);
            }
        }
    }
    *out = data;
    return OB_OK;
}

static int quadratic_setup(struct ob_problem *p,
                           const struct ob_param_values *values, double sigma,
                           struct ob_error *err)
{
    struct quadratic_data *data = NULL;
    double *points;
    int status;

    status = quadratic_curvatures(p, values, &data, err);
    if (status != OB_OK)
        return status;
    data->sigma = sigma;
    p->data = data;
    p->stochastic = sigma > 0.0;
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

static int quadratic_create(struct ob_problem *p,
                            const struct ob_param_values *values,
                            struct ob_error *err)
{
    return quadratic_setup(p, values, 0.0, err);
}

static int noisy_quadratic_create(struct ob_problem *p,
                                  const struct ob_param_values *values,
                                  struct ob_error *err)
{
    double sigma = values->number[SIGMA];

    if (!(sigma >= 0.0))
        return ob_errorf(err, OB_EINVAL, "problem %s: sigma=%g must be >= 0",
                         p->type->name, sigma);
    return quadratic_setup(p, values, sigma, err);
}

static void quadratic_destroy(struct ob_problem *p)
{
    free(p->data);
}

double ob_diagonal_quadratic(size_t n, const double *h, const double *noise,
                             double sigma, const double *x, double *grad,
                             struct ob_rng *rng)
{
    double loss = 0.0;

    for (size_t i = 0; i < n; i++)
        loss += 0.5 * h[i] * x[i] * x[i];
    if (grad == NULL)
        return loss;
    for (size_t i = 0; i < n; i++)
        grad[i] = h[i] * x[i];
    if (rng != NULL && (noise != NULL || sigma > 0.0))
        for (size_t i = 0; i < n; i++)
            grad[i] += (noise != NULL ? noise[i] : sigma) * ob_rng_normal(rng);
    return loss;
}

/* The loss is always exact; noisy-quadratic adds sigma * N(0, 1) to each
 * gradient coordinate when given a stream (see diagonal.h). */
static double quadratic_eval(const struct ob_problem *p, const double *x,
                             double *grad, struct ob_rng *rng)
{
    const struct quadratic_data *data = p->data;

    return ob_diagonal_quadratic(p->dim, data->h, NULL, data->sigma, x, grad,
                                 rng);
}

const struct ob_problem_type ob_quadratic = {
    .name = "quadratic",
    .description = "convex quadratic sum 0.5 h_i x_i^2, set curvatures",
    .params = quadratic_params,
    .param_count = SIGMA,
    .create = quadratic_create,
    .destroy = quadratic_destroy,
    .eval = quadratic_eval,
};

const struct ob_problem_type ob_noisy_quadratic = {
    .name = "noisy-quadratic",
    .description = "quadratic with N(0, sigma^2) noise on the gradient",
    .params = quadratic_params,
    .param_count = PARAM_COUNT,
    .create = noisy_quadratic_create,
    .destroy = quadratic_destroy,
    .eval = quadratic_eval,
};
