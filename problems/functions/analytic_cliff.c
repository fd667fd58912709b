/* A smooth stand-in for the gradient cliff of Pascanu, Mikolov and Bengio
 * ("On the difficulty of training recurrent neural networks", ICML 2013;
 * cliff.c has their recurrent net): a bowl with a logistic step across it.
 *   f(x, y) = 0.5 (x^2 + y^2) + H sigmoid(s x),  sigmoid(z) = 1/(1 + e^-z)
 * Domain R^2. Parameters: the wall's height H (`height`, default 100) and
 * steepness s (`steepness`, default 50).
 *
 * The wall stands at x = 0, across the bottom of the bowl: f rises by H
 * from its low side (x < 0) to its high side (x > 0): f(1, y) - f(-1, y) =
 * H (sigmoid(s) - sigmoid(-s)), 100 - 4e-20 with the defaults. It climbs
 * from 1% to 99% of H within |x| < ln(99)/s (0.092). The largest slope is
 * about H s / 4 (exactly so at x = 0): with the defaults d f/d x peaks at
 * 1250.0000003 at x = 6.4e-7, while away from the wall |grad f| = |(x, y)|.
 *
 * The wall pushes the minimiser off the bowl's centre onto its low side:
 * it is (x*, 0) with x* the only root of x + H s sigmoid'(s x) = 0 (which
 * lies in (-H s/4 - 1, 0) and is the only stationary point of f), found at
 * create time by Newton's method kept inside a shrinking bracket, to the
 * last bit. Defaults: x* = -0.20230210764247125, minimum
 * 0.024509277248961915. Default start (2, 1) on the high side, f = 102.5:
 * a run reaches the minimum only by coming down the wall. What it meets
 * there depends on where its steps land. Measured over 3000 steps of plain
 * gradient descent: lr 0.01 samples |grad f| <= 25 and hops the wall in
 * one step of 0.25; lr 0.02 samples 198 and is thrown 3.97; lr 0.001
 * samples 944. Adam with lr 0.01 samples 1175 and reaches the target after
 * 2952 steps. */
#include "../problem.h"

#include <math.h>
#include <stdlib.h>

#define NEWTON_MAX_STEPS 400

enum { HEIGHT, STEEPNESS, PARAM_COUNT };

static const struct ob_param_spec analytic_cliff_params[PARAM_COUNT] = {
    [HEIGHT] = {"height", OB_PARAM_REAL, 100.0, NULL,
                "rise H of the wall at x = 0, in (0, 1e6]"},
    [STEEPNESS] = {"steepness", OB_PARAM_REAL, 50.0, NULL,
                   "steepness s of the wall H sigmoid(s x), in (0, 1e6]"},
};

struct analytic_cliff_data {
    double height;    /* H */
    double steepness; /* s */
};

/* Logistic function, written so exp never overflows. */
static double sigmoid(double z)
{
    double e;

    if (z >= 0.0)
        return 1.0 / (1.0 + exp(-z));
    e = exp(z);
    return e / (1.0 + e);
}

/* d f / d x along y = 0, and its derivative. sigmoid' is formed as
 * sigmoid(z) sigmoid(-z), which keeps its relative precision on both sides
 * (1 - sigmoid(z) would not for large z). */
static double wall_slope(const struct analytic_cliff_data *data, double x,
                         double *curvature)
{
    double z = data->steepness * x;
    double up = sigmoid(z), down = sigmoid(-z);
    double hs = data->height * data->steepness;

    if (curvature != NULL)
        *curvature = 1.0 + hs * data->steepness * up * down * (down - up);
    return x + hs * up * down;
}

/* The root of wall_slope, by Newton's method inside a bracket [low, high]
 * with wall_slope(low) < 0 < wall_slope(high); a step that would leave
 * the bracket bisects instead. Stops at an exact zero or when the bracket
 * has no double left inside it, and returns the end with the smaller
 * |slope|. */
static double wall_minimizer(const struct analytic_cliff_data *data)
{
    double low = -0.25 * data->height * data->steepness - 1.0, high = 0.0;
    double x = 0.5 * (low + high);

    for (int step = 0; step < NEWTON_MAX_STEPS; step++) {
        double curvature, slope = wall_slope(data, x, &curvature);
        double next;

        if (slope == 0.0)
            return x;
        if (slope < 0.0)
            low = x;
        else
            high = x;
        next = x - slope / curvature;
        if (!(next > low && next < high))
            next = 0.5 * (low + high);
        if (next <= low || next >= high)
            break;
        x = next;
    }
    return fabs(wall_slope(data, low, NULL)) <
                   fabs(wall_slope(data, high, NULL))
               ? low
               : high;
}

static double analytic_cliff_eval(const struct ob_problem *p, const double *x,
                                  double *grad, struct ob_rng *rng)
{
    const struct analytic_cliff_data *data = p->data;
    double u = x[0], v = x[1];

    (void)rng;
    if (grad != NULL) {
        grad[0] = wall_slope(data, u, NULL);
        grad[1] = v;
    }
    return 0.5 * (u * u + v * v) + data->height * sigmoid(data->steepness * u);
}

static int analytic_cliff_create(struct ob_problem *p,
                                 const struct ob_param_values *values,
                                 struct ob_error *err)
{
    static const double start[2] = {2.0, 1.0};
    double height = values->number[HEIGHT];
    double steepness = values->number[STEEPNESS];
    struct analytic_cliff_data *data;
    double minimizer[2];

    if (!(height > 0.0 && height <= 1e6))
        return ob_errorf(err, OB_EINVAL,
                         "problem analytic-cliff: height=%g must be in "
                         "(0, 1e6]",
                         height);
    if (!(steepness > 0.0 && steepness <= 1e6))
        return ob_errorf(err, OB_EINVAL,
                         "problem analytic-cliff: steepness=%g must be in "
                         "(0, 1e6]",
                         steepness);
    data = malloc(sizeof *data);
    if (data == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    data->height = height;
    data->steepness = steepness;
    p->data = data;
    p->dim = 2;

    minimizer[0] = wall_minimizer(data);
    minimizer[1] = 0.0;
    p->minimum = analytic_cliff_eval(p, minimizer, NULL, NULL);
    return ob_problem_set_points(p, start, minimizer, err);
}

static void analytic_cliff_destroy(struct ob_problem *p)
{
    free(p->data);
}

const struct ob_problem_type ob_analytic_cliff = {
    .name = "analytic-cliff",
    .description = "bowl with a logistic wall of set height and steepness",
    .params = analytic_cliff_params,
    .param_count = PARAM_COUNT,
    .create = analytic_cliff_create,
    .destroy = analytic_cliff_destroy,
    .eval = analytic_cliff_eval,
};
