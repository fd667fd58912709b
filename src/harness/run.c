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

/* Per-epoch shuffling of a dataset problem's training rows. */
struct batch_sampler {
    size_t *order;    /* a permutation of the training rows */
    size_t position;  /* next unused entry of order */
};

static const size_t *next_batch(const struct ob_problem *p,
                                struct batch_sampler *sampler,
                                struct ob_rng *rng, size_t *count)
{
    size_t n = p->train_rows;

    /* A new epoch: Fisher-Yates over the whole training split. */
    if (sampler->position >= n) {
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = ob_rng_below(rng, i + 1), t = sampler->order[i];

            sampler->order[i] = sampler->order[j];
            sampler->order[j] = t;
        }
        sampler->position = 0;
    }
    *count = n - sampler->position < p->batch ? n - sampler->position
                                               : p->batch;
    sampler->position += *count;
    return sampler->order + sampler->position - *count;
}

int ob_run_execute(const struct ob_problem *problem, struct ob_optimizer *opt,
                   const struct ob_run_config *config,
                   ob_run_observer observe, void *context,
                   struct ob_run_summary *summary, struct ob_error *err)
{
    size_t n = problem->dim, steps = config->steps;
    size_t every = config->eval_every > 0 ? config->eval_every : 1;
    int minibatch = problem->kind == OB_PROBLEM_DATASET && problem->stochastic;
    struct batch_sampler sampler = {NULL, 0};
    double *x = malloc(sizeof(double) * n * 2);
    double *grad = x + n;
    struct ob_rng rng, init_rng;
    double loss, blowup_level;
    int have_loss, force_row = 0;

    if (x == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory for %zu parameters",
                         n);
    if (minibatch) {
        sampler.order = malloc(sizeof(size_t) * problem->train_rows);
        if (sampler.order == NULL) {
            free(x);
            return ob_errorf(err, OB_ENOMEM, "out of memory for batches");
        }
        for (size_t i = 0; i < problem->train_rows; i++)
            sampler.order[i] = i;
        sampler.position = problem->train_rows;
    }
    ob_rng_seed(&rng, config->stream_seed);
    /* The start has a stream of its own, so drawing it never shifts the
     * batches or the noise. */
    ob_rng_seed(&init_rng, config->stream_seed ^ 0x5bd1e9955bd1e995ULL);
    if (config->x0 != NULL)
        memcpy(x, config->x0, sizeof(double) * n);
    else if (problem->type->init_start != NULL)
        problem->type->init_start(problem, x, &init_rng);
    else
        memcpy(x, problem->start, sizeof(double) * n);
    ob_optimizer_reset(opt);
    memset(summary, 0, sizeof *summary);
    summary->best_loss = INFINITY;
    summary->steps_to_target = -1;

    /* Deterministic problems (functions, full-batch models) need one
     * evaluation per step: the exact loss and the gradient of the next
     * update. Stochastic ones sample a gradient at each step and evaluate
     * the exact loss only at rows. */
    loss = ob_problem_eval(problem, x, problem->stochastic ? NULL : grad,
                           NULL);
    have_loss = 1;
    blowup_level = loss + OB_BLOWUP_FACTOR * (1.0 + fabs(loss));
    for (size_t step = 0;; step++) {
        enum ob_divergence divergence = OB_DIVERGENCE_NONE;
        int last = step == steps, stop = 0;

        if (have_loss) {
            divergence = classify(loss, x, n, blowup_level);
            /* On a problem unbounded below, a run that reached the target
             * and then ran off to infinity escaped: it ends at its last
             * finite row instead of counting as diverged. */
            if (divergence != OB_DIVERGENCE_NONE && step > 0 &&
                isnan(problem->minimum) && summary->steps_to_target >= 0)
                break;
        }
        if (have_loss && (step % every == 0 || last || force_row ||
                          divergence != OB_DIVERGENCE_NONE)) {
            if (observe != NULL)
                stop = observe(context, step, loss, x, n);
            summary->steps_done = step;
            summary->final_loss = loss;
            summary->divergence = divergence;
            if (divergence != OB_DIVERGENCE_NONE)
                break;
            if (loss < summary->best_loss)
                summary->best_loss = loss;
            if (summary->steps_to_target < 0 && loss <= problem->target)
                summary->steps_to_target = (long)step;
        }
        if (last)
            break;
        if (stop) {
            summary->stopped = 1;
            break;
        }

        force_row = 0;
        if (minibatch) {
            size_t count;
            const size_t *rows = next_batch(problem, &sampler, &rng, &count);

            /* A non-finite batch loss gets an exact row right away, so a
             * diverging run stops without waiting for the next row. */
            force_row = !isfinite(problem->type->eval_rows(problem, x, grad,
                                                           rows, count));
        } else if (problem->stochastic) {
            ob_problem_eval(problem, x, grad, &rng);
        }
        ob_optimizer_step(opt, x, grad);
        have_loss = !problem->stochastic || force_row ||
                    (step + 1) % every == 0 || step + 1 == steps;
        if (have_loss)
            loss = ob_problem_eval(problem, x,
                                   problem->stochastic ? NULL : grad, NULL);
    }
    if (isinf(summary->best_loss))
        summary->best_loss = summary->final_loss;
    free(sampler.order);
    free(x);
    return OB_OK;
}
