/* Exact second-moment recurrences of the noisy quadratic model (Zhang et
 * al. 2019, sec. 3) and the searches built on them; see nqm_theory.h. */
#include "nqm_theory.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* State (E x^2, E x x_prev, E x_prev^2, 1); one update is a 4 x 4 matrix
 * acting on it, row-major. */
enum { S = 4, M = S * S };

static void coordinate_matrix(double h, const struct ob_nqm_method *method,
                              double batch, double *m)
{
    double p = pow(h, -method->power);
    double a = method->lr * p * h;
    double q = method->lr * method->lr * p * p * h / batch;
    double beta = method->momentum;
    double u = 1.0 + beta - a;

    memset(m, 0, sizeof(double) * M);
    m[0] = u * u;
    m[1] = -2.0 * u * beta;
    m[2] = beta * beta;
    m[3] = q;
    m[4] = u;
    m[5] = -beta;
    m[8] = 1.0;
    m[15] = 1.0;
}

static void multiply(const double *a, const double *b, double *out)
{
    for (int r = 0; r < S; r++)
        for (int c = 0; c < S; c++) {
            double sum = 0.0;

            for (int k = 0; k < S; k++)
                sum += a[r * S + k] * b[k * S + c];
            out[r * S + c] = sum;
        }
}

static void apply(const double *m, const double *s, double *out)
{
    for (int r = 0; r < S; r++) {
        double sum = 0.0;

        for (int k = 0; k < S; k++)
            sum += m[r * S + k] * s[k];
        out[r] = sum;
    }
}

static void start_state(double start, double *s)
{
    s[0] = start * start;
    s[1] = start * start;
    s[2] = start * start;
    s[3] = 1.0;
}

double ob_nqm_expected_loss(size_t dim, const double *h, double start,
                            const struct ob_nqm_method *method, double batch,
                            uint64_t steps)
{
    double loss = 0.0;

    for (size_t i = 0; i < dim; i++) {
        double power[M], product[M], s[S], next[S];
        uint64_t left = steps;

        coordinate_matrix(h[i], method, batch, power);
        start_state(start, s);
        while (left > 0) {
            if (left & 1u) {
                apply(power, s, next);
                memcpy(s, next, sizeof s);
            }
            left >>= 1;
            if (left > 0) {
                multiply(power, power, product);
                memcpy(power, product, sizeof power);
            }
        }
        loss += 0.5 * h[i] * s[0];
    }
    return loss;
}

static double state_loss(size_t dim, const double *h, const double *states)
{
    double loss = 0.0;

    for (size_t i = 0; i < dim; i++)
        loss += 0.5 * h[i] * states[i * S];
    return loss;
}

int ob_nqm_steps_to_target(size_t dim, const double *h, double start,
                           const struct ob_nqm_method *method, double batch,
                           double target, uint64_t max_steps, uint64_t *steps,
                           struct ob_error *err)
{
    int levels = 1;
    double *powers, *states, *trial;
    uint64_t done = 0;

    while (levels < 63 && (UINT64_C(1) << levels) <= max_steps)
        levels++;
    powers = malloc(sizeof(double) * ((size_t)levels * M + 2 * S) * dim);
    if (powers == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    states = powers + (size_t)levels * M * dim;
    trial = states + S * dim;

    /* powers[(k dim + i) M ...] = (matrix of coordinate i)^(2^k) */
    for (size_t i = 0; i < dim; i++) {
        coordinate_matrix(h[i], method, batch, powers + i * M);
        for (int k = 1; k < levels; k++) {
            const double *prev = powers + ((size_t)(k - 1) * dim + i) * M;

            multiply(prev, prev, powers + ((size_t)k * dim + i) * M);
        }
        start_state(start, states + i * S);
    }

    /* Largest step count whose loss is still above the target, built bit
     * by bit from the top; a non-finite loss counts as above. */
    *steps = 0;
    if (state_loss(dim, h, states) <= target) {
        free(powers);
        return OB_OK;
    }
    for (int k = levels - 1; k >= 0; k--) {
        uint64_t span = UINT64_C(1) << k;

        if (done + span > max_steps)
            continue;
        for (size_t i = 0; i < dim; i++)
            apply(powers + ((size_t)k * dim + i) * M, states + i * S,
                  trial + i * S);
        if (!(state_loss(dim, h, trial) <= target)) {
            memcpy(states, trial, sizeof(double) * S * dim);
            done += span;
        }
    }
    *steps = UINT64_MAX;
    if (done < max_steps) {
        for (size_t i = 0; i < dim; i++)
            apply(powers + i * M, states + i * S, trial + i * S);
        if (state_loss(dim, h, trial) <= target)
            *steps = done + 1;
    }
    free(powers);
    return OB_OK;
}

double ob_nqm_lr_edge(size_t dim, const double *h, double momentum,
                      double power)
{
    double largest = 0.0;

    for (size_t i = 0; i < dim; i++) {
        double e = pow(h[i], 1.0 - power);

        if (e > largest)
            largest = e;
    }
    return 2.0 * (1.0 + momentum) / largest;
}

/* Steps at grid point k of momentum j; keeps the best so far. */
static int try_point(size_t dim, const double *h, double start, double power,
                     double momentum, double edge, int k, int per_octave,
                     double batch, double target, uint64_t max_steps,
                     struct ob_nqm_method *best, uint64_t *best_steps,
                     int *best_k, struct ob_error *err)
{
    struct ob_nqm_method method = {
        .lr = edge * pow(2.0, -(double)k / per_octave),
        .momentum = momentum,
        .power = power,
    };
    uint64_t steps;
    int status = ob_nqm_steps_to_target(dim, h, start, &method, batch, target,
                                        max_steps, &steps, err);

    if (status != OB_OK)
        return status;
    if (*best_k < 0 || steps < *best_steps ||
        (steps == *best_steps && k < *best_k)) {
        *best = method;
        *best_steps = steps;
        *best_k = k;
    }
    return OB_OK;
}

int ob_nqm_tune(size_t dim, const double *h, double start, double power,
                const double *momenta, size_t count, double batch,
                double target, uint64_t max_steps, int octaves, int per_octave,
                struct ob_nqm_method *best, uint64_t *steps,
                struct ob_error *err)
{
    *steps = UINT64_MAX;
    for (size_t j = 0; j < count; j++) {
        double edge = ob_nqm_lr_edge(dim, h, momenta[j], power);
        struct ob_nqm_method coarse = {0};
        uint64_t coarse_steps = UINT64_MAX;
        int coarse_k = -1, status, low, high;

        for (int k = per_octave; k <= octaves * per_octave; k += per_octave) {
            status = try_point(dim, h, start, power, momenta[j], edge, k,
                               per_octave, batch, target, max_steps, &coarse,
                               &coarse_steps, &coarse_k, err);
            if (status != OB_OK)
                return status;
        }
        if (coarse_steps == UINT64_MAX) {
            if (*steps == UINT64_MAX)
                *best = coarse;
            continue;
        }
        low = coarse_k - per_octave + 1 < 1 ? 1 : coarse_k - per_octave + 1;
        high = coarse_k + per_octave - 1;
        for (int k = low; k <= high; k++) {
            if (k == coarse_k)
                continue;
            status = try_point(dim, h, start, power, momenta[j], edge, k,
                               per_octave, batch, target, max_steps, &coarse,
                               &coarse_steps, &coarse_k, err);
            if (status != OB_OK)
                return status;
        }
        if (coarse_steps < *steps) {
            *best = coarse;
            *steps = coarse_steps;
        }
    }
    return OB_OK;
}
