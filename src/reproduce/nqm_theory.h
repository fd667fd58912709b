/* Closed-form expected loss of the noisy quadratic model (Zhang et al.
 * 2019; the problem itself is problems/functions/nqm.c) under SGD, heavy
 * ball and diagonally preconditioned SGD, and the steps each needs to
 * reach a target expected loss at a given batch size.
 *
 * Per coordinate i, with curvature h_i, gradient-noise variance h_i / B,
 * preconditioner P_i = h_i^(-power), effective step a_i = lr P_i h_i and
 * update noise variance q_i = lr^2 P_i^2 h_i / B, the iterate obeys
 *   x' = (1 + momentum - a_i) x - momentum x_prev - lr P_i noise,
 * which is torch's SGD with momentum (dampening 0) and, for momentum 0,
 * plain SGD. The second moments (E x^2, E x x_prev, E x_prev^2) follow a
 * linear recurrence that is exact, so the expected loss
 * sum_i 0.5 h_i E x_i^2 at step t needs no sampling. */
#ifndef OB_NQM_THEORY_H
#define OB_NQM_THEORY_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

struct ob_nqm_method {
    double lr;       /* learning rate, > 0 */
    double momentum; /* heavy-ball coefficient in [0, 1); 0 = SGD */
    double power;    /* preconditioner h^(-power), in [0, 1]; 0 = none */
};

/* Expected loss after `steps` updates from x = start (every coordinate;
 * x_prev = x at the start, as torch's first momentum step implies) with
 * curvatures h[0..dim) and batch size `batch`. Exact up to rounding. */
double ob_nqm_expected_loss(size_t dim, const double *h, double start,
                            const struct ob_nqm_method *method, double batch,
                            uint64_t steps);

/* First step count at or below max_steps whose expected loss is at most
 * target, found by bisection on the steps: it assumes that once the
 * expected loss is below the target it stays there (so a method whose
 * expected loss oscillates across the target may be credited with a later
 * crossing). *steps is UINT64_MAX when the loss at max_steps is still
 * above the target (too small a learning rate, a noise floor above the
 * target, or divergence). OB_ENOMEM when scratch cannot be allocated. */
int ob_nqm_steps_to_target(size_t dim, const double *h, double start,
                           const struct ob_nqm_method *method, double batch,
                           double target, uint64_t max_steps, uint64_t *steps,
                           struct ob_error *err);

/* The learning rate at which the steepest coordinate's mean is on the
 * edge of stability: a = 2 (1 + momentum) for the largest h_i^(1-power). */
double ob_nqm_lr_edge(size_t dim, const double *h, double momentum,
                      double power);

/* The fewest steps over a grid: for each momentum in momenta[0..count)
 * (power fixed), lr = edge 2^(-k / per_octave), k = 1 .. octaves *
 * per_octave, edge from ob_nqm_lr_edge. A coarse pass at one value per
 * octave is refined at every grid value within an octave of its best;
 * ties keep the larger learning rate and the earlier momentum. *best
 * receives the winner and *steps its count (UINT64_MAX when no setting
 * reaches the target; *best then holds the last momentum with the
 * largest learning rate of the coarse pass, edge / 2). Errors as
 * ob_nqm_steps_to_target. */
int ob_nqm_tune(size_t dim, const double *h, double start, double power,
                const double *momenta, size_t count, double batch,
                double target, uint64_t max_steps, int octaves, int per_octave,
                struct ob_nqm_method *best, uint64_t *steps,
                struct ob_error *err);

#endif
