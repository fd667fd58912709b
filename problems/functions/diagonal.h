/* The diagonal quadratic shared by quadratic, noisy-quadratic and nqm. */
#ifndef OB_DIAGONAL_H
#define OB_DIAGONAL_H

#include <stddef.h>

#include "../problem.h"

/* Returns sum_i 0.5 h_i x_i^2, summed left to right as loss += 0.5 * h[i] *
 * x[i] * x[i] (the torch reference trajectories were made in this order:
 * keep it). When grad is non-NULL it receives h_i x_i, plus, when rng is
 * non-NULL, noise_i * N(0, 1) with noise_i = noise[i] (or `sigma` when
 * noise is NULL; no draw at all when both are absent or zero): one
 * ob_rng_normal draw per coordinate, in index order. */
double ob_diagonal_quadratic(size_t n, const double *h, const double *noise,
                             double sigma, const double *x, double *grad,
                             struct ob_rng *rng);

#endif
