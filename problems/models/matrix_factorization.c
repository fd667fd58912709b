/* Low-rank matrix factorisation, a smooth non-convex problem whose
 * difficulty is a saddle at the origin (Baldi and Hornik 1989; Ge, Lee and
 * Ma 2016 on the absence of spurious local minima):
 *   f(U, V) = 0.5 / (m n) sum_ij ((U V^T)_ij - M_ij)^2,
 * U m x r, V n x r, over a rank-r target M = A B^T. Parameters: U row by
 * row, then V row by row (dim = (m + n) r).
 *
 * A and B are made at create time from their own generator, seeded with
 * data_seed: the entries of A (row by row), then those of B, each
 * N(0, 1) / sqrt(r), so M's entries have variance about 1. The minimum is
 * 0, attained at U = A, V = B (stored as the minimiser) and along the
 * whole orbit (A Q, B Q^-T), Q invertible; M is summed in the order eval
 * uses, so the loss there is exactly 0.
 *
 * The default start is small: entries 1e-3 N(0, 1) from a fixed seed
 * (START_SEED, independent of data_seed), close to the origin, where the
 * gradient vanishes and the Hessian has directions of negative curvature.
 * The start's loss is about 0.5 mean(M^2); gradient descent leaves the
 * saddle only as fast as the 1e-3 components along the top singular
 * directions of M grow, so escaping the saddle is the difficulty, not the
 * descent after it. eval is deterministic and ignores the stream. */
#include "../problem.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIDE    1e5
#define MAX_ENTRIES 1e7 /* m * n */
#define START_SCALE 1e-3
#define START_SEED  20261203

enum { M_ROWS, N_ROWS, RANK, DATA_SEED, PARAM_COUNT };

static const struct ob_param_spec factorization_params[PARAM_COUNT] = {
    [M_ROWS] = {"m", OB_PARAM_INT, 20.0, NULL, "rows of M (and of U)"},
    [N_ROWS] = {"n", OB_PARAM_INT, 15.0, NULL, "columns of M (rows of V)"},
    [RANK] = {"r", OB_PARAM_INT, 3.0, NULL,
              "rank of M and columns of U and V, in [1, min(m, n)]"},
    [DATA_SEED] = {"data_seed", OB_PARAM_INT, 1.0, NULL,
                   "seed of the target's generator (not the run's stream)"},
};

struct factorization_data {
    double *target; /* M, m * n, row by row */
    size_t m, n, r;
};

/* (U V^T)_ij, summed over k in increasing order. */
static double factorization_product(const struct factorization_data *data,
                                    const double *u, const double *v, size_t i,
                                    size_t j)
{
    double product = 0.0;

    for (size_t k = 0; k < data->r; k++)
        product += u[i * data->r + k] * v[j * data->r + k];
    return product;
}

static double factorization_eval(const struct ob_problem *p, const double *x,
                                 double *grad, struct ob_rng *rng)
{
    const struct factorization_data *data = p->data;
    size_t m = data->m, n = data->n, r = data->r;
    const double *u = x, *v = x + m * r;
    double scale = 1.0 / ((double)m * (double)n);
    double loss = 0.0;

    (void)rng;
    if (grad != NULL)
        memset(grad, 0, sizeof(double) * p->dim);
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < n; j++) {
            double residual = factorization_product(data, u, v, i, j) -
                              data->target[i * n + j];

            loss += residual * residual;
            if (grad == NULL)
                continue;
            for (size_t k = 0; k < r; k++) {
                grad[i * r + k] += residual * v[j * r + k];
                grad[(m + j) * r + k] += residual * u[i * r + k];
            }
        }
    }
    if (grad != NULL)
        for (size_t k = 0; k < p->dim; k++)
            grad[k] *= scale;
    return 0.5 * scale * loss;
}

static int factorization_check(const char *name, const double *v,
                               struct ob_error *err)
{
    if (v[M_ROWS] < 1.0 || v[M_ROWS] > MAX_SIDE)
        return ob_errorf(err, OB_EINVAL, "problem %s: m=%g must be in [1, %g]",
                         name, v[M_ROWS], MAX_SIDE);
    if (v[N_ROWS] < 1.0 || v[N_ROWS] > MAX_SIDE)
        return ob_errorf(err, OB_EINVAL, "problem %s: n=%g must be in [1, %g]",
                         name, v[N_ROWS], MAX_SIDE);
    if (v[M_ROWS] * v[N_ROWS] > MAX_ENTRIES)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: m=%g times n=%g exceeds %g entries", name,
                         v[M_ROWS], v[N_ROWS], MAX_ENTRIES);
    if (v[RANK] < 1.0 || v[RANK] > fmin(v[M_ROWS], v[N_ROWS]))
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: r=%g must be in [1, min(m, n)] with "
                         "m=%g, n=%g",
                         name, v[RANK], v[M_ROWS], v[N_ROWS]);
    if (v[DATA_SEED] < 0.0)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: data_seed=%g must be at least 0", name,
                         v[DATA_SEED]);
    return OB_OK;
}

static int factorization_create(struct ob_problem *p,
                                const struct ob_param_values *values,
                                struct ob_error *err)
{
    const double *v = values->number;
    struct factorization_data *data;
    double *points, *start, *truth, spread;
    struct ob_rng rng;
    int status = factorization_check(p->type->name, v, err);

    if (status != OB_OK)
        return status;
    data = calloc(1, sizeof *data);
    if (data == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    p->data = data;
    data->m = (size_t)v[M_ROWS];
    data->n = (size_t)v[N_ROWS];
    data->r = (size_t)v[RANK];
    p->dim = (data->m + data->n) * data->r;
    data->target = malloc(sizeof(double) * data->m * data->n);
    points = malloc(sizeof(double) * 2 * p->dim);
    if (data->target == NULL || points == NULL) {
        free(points);
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    }
    start = points;
    truth = points + p->dim;

    /* A then B (together the minimiser), then M = A B^T. */
    ob_rng_seed(&rng, (uint64_t)v[DATA_SEED]);
    spread = 1.0 / sqrt((double)data->r);
    for (size_t k = 0; k < p->dim; k++)
        truth[k] = spread * ob_rng_normal(&rng);
    for (size_t i = 0; i < data->m; i++)
        for (size_t j = 0; j < data->n; j++)
            data->target[i * data->n + j] = factorization_product(
                data, truth, truth + data->m * data->r, i, j);

    ob_rng_seed(&rng, START_SEED);
    for (size_t k = 0; k < p->dim; k++)
        start[k] = START_SCALE * ob_rng_normal(&rng);
    p->minimum = 0.0;
    status = ob_problem_set_points(p, start, truth, err);
    free(points);
    return status;
}

static void factorization_destroy(struct ob_problem *p)
{
    struct factorization_data *data = p->data;

    free(data->target);
    free(data);
}

const struct ob_problem_type ob_matrix_factorization = {
    .name = "matrix-factorization",
    .description = "rank-3 factorisation of a 20x15 matrix from near a saddle, "
                   "105 params",
    .params = factorization_params,
    .param_count = PARAM_COUNT,
    .create = factorization_create,
    .destroy = factorization_destroy,
    .eval = factorization_eval,
};
