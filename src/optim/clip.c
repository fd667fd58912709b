/* Gradient clipping as torch.nn.utils (torch 1.13, clip_grad.py):
 *   by norm:  c = max_norm / (||g||_2 + 1e-6);  g <- c g  when c < 1
 *   by value: g_i <- min(max(g_i, -limit), limit) */
#include "optimizer.h"

#include <math.h>

double ob_clip_norm(double *g, size_t n, double max_norm)
{
    double sum = 0.0;
    double norm, coef;

    /* Squares summed left to right, as ATen's scalar (non-SIMD) reduction
     * does; torch's norm of the stacked per-tensor norms is then exact. */
    for (size_t i = 0; i < n; i++)
        sum += g[i] * g[i];
    norm = sqrt(sum);

    /* torch evaluates max_norm / tensor as reciprocal(tensor) * max_norm,
     * which rounds differently from one division. clamp(max=1) keeps a NaN
     * coefficient, so a NaN norm spreads to every entry as in torch. */
    coef = (1.0 / (norm + 1e-6)) * max_norm;
    if (coef < 1.0 || isnan(coef))
        for (size_t i = 0; i < n; i++)
            g[i] = g[i] * coef;
    return norm;
}

void ob_clip_value(double *g, size_t n, double limit)
{
    /* Comparisons leave NaN entries unchanged, as torch.clamp does. */
    for (size_t i = 0; i < n; i++) {
        if (g[i] > limit)
            g[i] = limit;
        else if (g[i] < -limit)
            g[i] = -limit;
    }
}
