/* One run: the loop that evaluates, observes, checks for divergence and
 * steps. */
#include "harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A loss this far above the start, relative to its size, counts as blown
 * up: far past any honest oscillation, well before overflow to Inf. */
#define OB_BLOWUP_FACTOR 1e10

const char *ob_divergence_name(enum ob_divergence divergence)
{
    switch (divergence) {
    case OB_DIVERGENCE_NONE:
        return "ok";
    case OB_DIVERGENCE_NAN:
        return "nan";
    case OB_DIVERGENCE_INF:
        return "inf";
    case OB_DIVERGENCE_BLOWUP:
        return "blow-up";
    }
    return "?";
}

static enum ob_divergence classify(double loss, const double *x, size_t n,
                                   double blowup_level)
{
    int saw_nan = isnan(loss), saw_inf = isinf(loss);

    for (size_t i = 0; i < n; i++) {
        saw_nan |= isnan(x[i]);
        saw_inf |= isinf(x[i]);
    }
    if (saw_nan)
        return OB_DIVERGENCE_NAN;
    if (saw_inf)
        return OB_DIVERGENCE_INF;
    if (loss > blowup_level)
        return OB_DIVERGENCE_BLOWUP;
    return OB_DIVERGENCE_NONE;
}

int ob_run_execute(const struct ob_problem *problem, struct ob_optimizer *opt,
                   const double *x0, size_t steps, uint64_t stream_seed,
                   ob_run_observer observe, void *context,
                   struct ob_run_summary *summary, struct ob_error *err)
{
    size_t n = problem->dim;
    double *x = malloc(sizeof(double) * n * 2);
    double *grad = x + n;
    struct ob_rng rng;
    double loss, blowup_level;

    if (x == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory for %zu parameters",
                         n);
    memcpy(x, x0 != NULL ? x0 : problem->start, sizeof(double) * n);
    ob_rng_seed(&rng, stream_seed);
    ob_optimizer_reset(opt);
    memset(summary, 0, sizeof *summary);
    summary->best_loss = INFINITY;
    summary->steps_to_target = -1;

    /* Deterministic problems need one evaluation per step: the loss of row k
     * and the gradient for update k + 1. Stochastic ones add a sampled
     * gradient, and the row reports the exact loss. */
    loss = ob_problem_eval(problem, x, problem->stochastic ? NULL : grad,
                           NULL);
    blowup_level = loss + OB_BLOWUP_FACTOR * (1.0 + fabs(loss));
    for (size_t step = 0;; step++) {
        int stop = observe != NULL && observe(context, step, loss, x, n);

        enum ob_divergence divergence = classify(loss, x, n, blowup_level);

        /* On a problem unbounded below, a run that reached the target and
         * then ran off to infinity escaped: it ends at its last finite row
         * instead of counting as diverged. */
        if (divergence != OB_DIVERGENCE_NONE && step > 0 &&
            isnan(problem->minimum) && summary->steps_to_target >= 0)
            break;
        summary->steps_done = step;
        summary->final_loss = loss;
        summary->divergence = divergence;
        if (divergence != OB_DIVERGENCE_NONE)
            break;
        if (loss < summary->best_loss)
            summary->best_loss = loss;
        if (summary->steps_to_target < 0 && loss <= problem->target)
            summary->steps_to_target = (long)step;
        if (step == steps)
            break;
        if (stop) {
            summary->stopped = 1;
            break;
        }

        if (problem->stochastic)
            ob_problem_eval(problem, x, grad, &rng);
        ob_optimizer_step(opt, x, grad);
        loss = ob_problem_eval(problem, x, problem->stochastic ? NULL : grad,
                               NULL);
    }
    if (isinf(summary->best_loss))
        summary->best_loss = summary->final_loss;
    free(x);
    return OB_OK;
}
