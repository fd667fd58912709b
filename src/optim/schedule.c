/* Learning-rate schedules: closed forms of torch.optim.lr_scheduler and
 * Keras. With lr the base rate and k = done, the number of updates made
 * before this one (k = 0 for the first update), the rate is
 *   constant      lr
 *   step          lr * gamma^floor(k / step_size)      torch StepLR
 *   exponential   lr * gamma^(k / step_size)           Keras ExponentialDecay
 *   inverse-time  lr / (1 + gamma * (k / step_size))   Keras InverseTimeDecay
 *   cosine        eta_min + (lr - eta_min) (1 + cos(pi k' / t_max)) / 2
 *                 with k' = min(k, t_max)     torch CosineAnnealingLR, closed
 *                 form, held at eta_min after t_max
 *   inverse-sqrt  lr / sqrt(1 + k / step_size); with step_size = 1 this is
 *                 lr / sqrt(t), t = k + 1 (Kingma and Ba 2015, section 4)
 * and with warm-up (warmup_steps > 0) it is multiplied by
 * min(1, (k + 1) / warmup_steps). */
#include "optimizer.h"

#include <math.h>

#include "../util/numeric.h"

double ob_schedule_lr(const struct ob_schedule *schedule, double base_lr,
                      uint64_t done)
{
    double k = (double)done;
    double lr = base_lr;

    switch (schedule->kind) {
    case OB_SCHEDULE_CONSTANT:
        break;
    case OB_SCHEDULE_STEP:
        lr = base_lr * pow(schedule->gamma, floor(k / schedule->step_size));
        break;
    case OB_SCHEDULE_EXPONENTIAL:
        lr = base_lr * pow(schedule->gamma, k / schedule->step_size);
        break;
    case OB_SCHEDULE_INVERSE_TIME:
        lr = base_lr / (1.0 + schedule->gamma * (k / schedule->step_size));
        break;
    case OB_SCHEDULE_INVERSE_SQRT:
        lr = base_lr / sqrt(1.0 + k / schedule->step_size);
        break;
    case OB_SCHEDULE_COSINE: {
        /* torch's own CosineAnnealingLR climbs back up after t_max (it is
         * periodic); a benchmark wants the rate to stay at eta_min. */
        double eta_min = schedule->eta_min;
        double t = k < schedule->t_max ? k : schedule->t_max;

        lr = eta_min + (base_lr - eta_min) *
                           (1.0 + cos(OB_PI * t / schedule->t_max)) / 2.0;
        break;
    }
    }

    if (schedule->warmup_steps > 0.0 && k + 1.0 < schedule->warmup_steps)
        lr = lr * ((k + 1.0) / schedule->warmup_steps);
    return lr;
}
