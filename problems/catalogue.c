/* The one list of problem types, and the generic instance functions.
 * Adding a problem means one file and one line here. */
#include "problem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ob_problem_type ob_rosenbrock;
extern const struct ob_problem_type ob_beale;
extern const struct ob_problem_type ob_quadratic;
extern const struct ob_problem_type ob_noisy_quadratic;
extern const struct ob_problem_type ob_saddle;
extern const struct ob_problem_type ob_monkey_saddle;
extern const struct ob_problem_type ob_cliff;
extern const struct ob_problem_type ob_logreg_breast_cancer;
extern const struct ob_problem_type ob_booth;
extern const struct ob_problem_type ob_matyas;
extern const struct ob_problem_type ob_himmelblau;
extern const struct ob_problem_type ob_three_hump_camel;
extern const struct ob_problem_type ob_six_hump_camel;
extern const struct ob_problem_type ob_goldstein_price;
extern const struct ob_problem_type ob_rastrigin;
extern const struct ob_problem_type ob_ackley;
extern const struct ob_problem_type ob_styblinski_tang;
extern const struct ob_problem_type ob_griewank;
extern const struct ob_problem_type ob_nqm;
extern const struct ob_problem_type ob_saddle_to_minima;
extern const struct ob_problem_type ob_saddle_nd;
extern const struct ob_problem_type ob_plateau;
extern const struct ob_problem_type ob_analytic_cliff;
extern const struct ob_problem_type ob_softmax_iris;
extern const struct ob_problem_type ob_softmax_wine;
extern const struct ob_problem_type ob_softmax_digits;
extern const struct ob_problem_type ob_softmax_fashion_mnist;
extern const struct ob_problem_type ob_mlp_moons;
extern const struct ob_problem_type ob_mlp_spirals;
extern const struct ob_problem_type ob_mlp_digits;
extern const struct ob_problem_type ob_mlp_fashion_mnist;
extern const struct ob_problem_type ob_sparse_logreg;
extern const struct ob_problem_type ob_linreg_synthetic;
extern const struct ob_problem_type ob_matrix_factorization;

const struct ob_problem_type *const ob_problem_types[] = {
    &ob_rosenbrock, &ob_beale,        &ob_quadratic,
    &ob_noisy_quadratic, &ob_saddle,  &ob_monkey_saddle,
    &ob_cliff,      &ob_logreg_breast_cancer,
    /* 2-D test functions with known minima */
    &ob_booth,
    &ob_matyas,
    &ob_himmelblau,
    &ob_three_hump_camel,
    &ob_six_hump_camel,
    &ob_goldstein_price,
    /* n-D multimodal test functions */
    &ob_rastrigin,
    &ob_ackley,
    &ob_styblinski_tang,
    &ob_griewank,
    /* stochastic quadratic */
    &ob_nqm,
    /* saddles, plateau and cliff with known minima */
    &ob_saddle_to_minima,
    &ob_saddle_nd,
    &ob_plateau,
    &ob_analytic_cliff,
    /* dense classifiers on data sets (models/dense.h) */
    &ob_softmax_iris,
    &ob_softmax_wine,
    &ob_softmax_digits,
    &ob_softmax_fashion_mnist,
    &ob_mlp_moons,
    &ob_mlp_spirals,
    &ob_mlp_digits,
    &ob_mlp_fashion_mnist,
    &ob_sparse_logreg,
    &ob_linreg_synthetic,
    &ob_matrix_factorization,
};
const size_t ob_problem_type_count =
    sizeof ob_problem_types / sizeof ob_problem_types[0];

const struct ob_problem_type *ob_problem_find(const char *name)
{
    for (size_t i = 0; i < ob_problem_type_count; i++)
        if (strcmp(ob_problem_types[i]->name, name) == 0)
            return ob_problem_types[i];
    return NULL;
}

void ob_problem_type_names(char *buffer, size_t size)
{
    size_t length = 0;

    buffer[0] = '\0';
    for (size_t i = 0; i < ob_problem_type_count; i++)
        ob_name_list_append(buffer, size, &length, ob_problem_types[i]->name);
}

int ob_problem_create(struct ob_problem *p,
                      const struct ob_problem_type *type,
                      const struct ob_setting *settings,
                      size_t setting_count, struct ob_error *err)
{
    struct ob_param_values values;
    char owner[64];
    int status;

    memset(p, 0, sizeof *p);
    p->type = type;
    p->minimum = NAN;
    p->target = NAN;
    snprintf(owner, sizeof owner, "problem %s", type->name);
    ob_params_defaults(type->params, type->param_count, &values);
    status = ob_params_apply(type->params, type->param_count, settings,
                             setting_count, owner, &values, NULL, err);
    if (status != OB_OK)
        return status;
    status = type->create(p, &values, err);
    if (status != OB_OK) {
        ob_problem_destroy(p);
        return status;
    }
    if (type->eval_rows != NULL) {
        p->kind = OB_PROBLEM_DATASET;
        if (p->batch == 0 || p->batch > p->train_rows)
            p->batch = p->train_rows;
        p->stochastic = p->batch < p->train_rows;
        p->examples_per_gradient = p->batch;
    }
    if (p->examples_per_gradient == 0)
        p->examples_per_gradient = 1;
    if (isnan(p->target) && !isnan(p->minimum))
        p->target = p->minimum + 1e-6;
    return OB_OK;
}

void ob_problem_destroy(struct ob_problem *p)
{
    if (p->type != NULL && p->type->destroy != NULL && p->data != NULL)
        p->type->destroy(p);
    free(p->start);
    free(p->minimizer);
    p->start = NULL;
    p->minimizer = NULL;
    p->data = NULL;
}

double ob_problem_eval(const struct ob_problem *p, const double *x,
                       double *grad, struct ob_rng *rng)
{
    return p->type->eval(p, x, grad, rng);
}

size_t ob_problem_steps_per_epoch(const struct ob_problem *p)
{
    if (p->kind != OB_PROBLEM_DATASET || p->batch == 0)
        return 1;
    return (p->train_rows + p->batch - 1) / p->batch;
}

const char *ob_data_dir(void)
{
    const char *dir = getenv("OPTBENCH_DATA_DIR");

    return (dir != NULL && *dir != '\0') ? dir : OB_DEFAULT_DATA_DIR;
}

int ob_problem_set_points(struct ob_problem *p, const double *start,
                          const double *minimizer, struct ob_error *err)
{
    p->start = malloc(sizeof(double) * p->dim);
    if (p->start == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    memcpy(p->start, start, sizeof(double) * p->dim);
    if (minimizer != NULL) {
        p->minimizer = malloc(sizeof(double) * p->dim);
        if (p->minimizer == NULL)
            return ob_errorf(err, OB_ENOMEM, "out of memory");
        memcpy(p->minimizer, minimizer, sizeof(double) * p->dim);
    }
    return OB_OK;
}

int ob_problem_set_nd(struct ob_problem *p, double n, double min_n,
                      double start_even, double start_odd, double argmin,
                      struct ob_error *err)
{
    double *points;
    int status;

    if (n < min_n || n > 1e6)
        return ob_errorf(err, OB_EINVAL,
                         "problem %s: n=%.17g must be in [%.17g, 1e6]",
                         p->type->name, n, min_n);
    p->dim = (size_t)n;
    /* One block: the start, then the minimiser. */
    points = malloc(sizeof(double) * 2 * p->dim);
    if (points == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    for (size_t i = 0; i < p->dim; i++) {
        points[i] = (i % 2 == 0) ? start_even : start_odd;
        points[p->dim + i] = argmin;
    }
    status = ob_problem_set_points(p, points, points + p->dim, err);
    free(points);
    return status;
}
