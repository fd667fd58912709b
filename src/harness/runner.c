/* The suite runner: a plan of runs (tuning runs for sweeps, then reported
 * runs on fresh seeds), executed in an OpenMP loop where each run fills its
 * own slot, then every file written in plan order, so the bytes never
 * depend on the thread count or on an interrupt and --resume. */
#include "runner.h"

#include <fnmatch.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

uint64_t ob_suite_stream_seed(uint64_t seed, const char *problem,
                              const char *optimizer)
{
    return ob_seed_derive(seed, problem, optimizer, 0);
}

/* Seed number of replicate r: reported runs count from the suite seed,
 * tuning runs from the suite seed + 1000, so reported runs are fresh. */
static uint64_t replicate_seed(const struct ob_suite *suite, int phase,
                               size_t replicate)
{
    return suite->seed + (phase == OB_PHASE_TUNE ? 1000 : 0) + replicate;
}

void ob_problem_budget(const struct ob_suite *suite, size_t q,
                       const struct ob_problem *problem, size_t *steps,
                       size_t *eval_every)
{
    const struct ob_suite_problem *entry = &suite->problems[q];
    size_t per_epoch = ob_problem_steps_per_epoch(problem);
    size_t epochs = entry->epochs > 0 ? entry->epochs : suite->epochs;

    *steps = entry->steps > 0 ? entry->steps : suite->steps;
    if (problem->kind != OB_PROBLEM_DATASET) {
        *eval_every = 1;
        return;
    }
    /* A problem's own steps win over the suite's epochs. */
    if (epochs > 0 && entry->steps == 0)
        *steps = epochs * per_epoch;
    *eval_every = suite->eval_every > 0 ? suite->eval_every : per_epoch;
}

int ob_problem_has_path(const struct ob_problem *problem)
{
    return problem->kind == OB_PROBLEM_FUNCTION && problem->dim == 2;
}

size_t ob_expected_rows(size_t steps, size_t every)
{
    return steps / every + 1 + (steps % every != 0);
}

double ob_slot_auc(const struct ob_slot *slot)
{
    return slot->log_gap_sum /
           (double)ob_expected_rows(slot->steps, slot->eval_every);
}

/* Rows kept in traces: every row of a dataset problem (one per evaluation
 * point); for functions, with eval_every, every multiple of it, otherwise
 * every step up to 20, then about 50 per decade. The last row is always
 * kept (added after the run). */
static int keep_trace_step(const struct ob_suite *suite,
                           const struct ob_problem *problem, size_t step)
{
    if (problem->kind == OB_PROBLEM_DATASET)
        return 1;
    if (suite->eval_every > 0)
        return step % suite->eval_every == 0;
    if (step <= 20)
        return 1;
    return floor(50.0 * log10((double)step)) >
           floor(50.0 * log10((double)(step - 1)));
}

/* The first kept step after `step`. The observer runs at every step of a
 * function, so it compares with this instead of taking two logarithms per
 * step; the guess from the closed form is settled with keep_trace_step
 * itself, so the kept steps are exactly the same. */
static size_t next_trace_step(const struct ob_suite *suite,
                              const struct ob_problem *problem, size_t step)
{
    size_t next;

    if (problem->kind == OB_PROBLEM_DATASET || step < 20)
        return step + 1;
    if (suite->eval_every > 0)
        return (step / suite->eval_every + 1) * suite->eval_every;
    next = (size_t)ceil(
        pow(10.0, (floor(50.0 * log10((double)step)) + 1.0) / 50.0));
    if (next <= step)
        next = step + 1;
    while (next > step + 1 && keep_trace_step(suite, problem, next - 1))
        next--;
    while (!keep_trace_step(suite, problem, next))
        next++;
    return next;
}

/* ---- Per-run metrics, gathered row by row ------------------------------ */

struct observer_context {
    const struct ob_suite *suite;
    const struct ob_problem *problem;
    struct ob_slot *slot;
    volatile sig_atomic_t *stop;
    double previous_loss;
    double start_log_gap;
    size_t half;
    size_t next_trace;    /* next step whose row the trace keeps */
    double point[2];      /* last finite point of a 2-D function, */
    size_t point_step;    /* and its step */
};

static double log_gap(double loss, double minimum)
{
    double gap = loss - minimum;

    return log10(gap > OB_GAP_FLOOR ? gap : OB_GAP_FLOOR);
}

static int append_trace_row(struct ob_slot *slot, size_t step, double loss,
                            const double *point)
{
    struct ob_trace_row *row;

    if (slot->trace_count == slot->trace_capacity) {
        size_t capacity = slot->trace_capacity ? 2 * slot->trace_capacity
                                               : 128;
        struct ob_trace_row *rows =
            realloc(slot->trace, capacity * sizeof *rows);

        if (rows == NULL)
            return ob_errorf(&slot->error, OB_ENOMEM,
                             "out of memory for traces");
        slot->trace = rows;
        slot->trace_capacity = capacity;
    }
    row = &slot->trace[slot->trace_count++];
    row->step = step;
    row->loss = loss;
    row->test_loss = slot->test_loss;
    row->test_accuracy = slot->test_accuracy;
    row->x = point != NULL ? point[0] : NAN;
    row->y = point != NULL ? point[1] : NAN;
    return OB_OK;
}

static int observe_row(void *opaque, size_t step, double loss,
                       const double *x, size_t n)
{
    struct observer_context *c = opaque;
    struct ob_slot *slot = c->slot;
    const struct ob_suite *suite = c->suite;
    double minimum = c->problem->minimum;

    (void)n;
    slot->rows++;
    if (c->problem->kind == OB_PROBLEM_DATASET && isfinite(loss))
        c->problem->type->evaluate_test(c->problem, x, &slot->test_loss,
                                        &slot->test_accuracy);
    if (step > 0 && loss > c->previous_loss)
        slot->loss_increases++;
    c->previous_loss = loss;

    if (isfinite(loss)) {
        double *best = step <= c->half ? &slot->best_first_half
                                       : &slot->best_second_half;
        if (loss < *best)
            *best = loss;
    }
    if (!isnan(minimum)) {
        double lg = isfinite(loss) ? log_gap(loss, minimum)
                                   : c->start_log_gap;

        if (step == 0)
            c->start_log_gap = lg = isfinite(loss) ? lg : 0.0;
        slot->log_gap_sum += lg;
        for (size_t t = 0; t < suite->target_count; t++)
            if (slot->target_steps[t] < 0 && isfinite(loss) &&
                loss - minimum <= suite->targets[t])
                slot->target_steps[t] = (long)step;
    }
    if (ob_problem_has_path(c->problem) && isfinite(x[0]) &&
        isfinite(x[1])) {
        c->point[0] = x[0];
        c->point[1] = x[1];
        c->point_step = step;
    }
    if (step >= c->next_trace) {
        int has_point = ob_problem_has_path(c->problem) &&
                        c->point_step == step;

        c->next_trace = next_trace_step(suite, c->problem, step);
        if (keep_trace_step(suite, c->problem, step) &&
            append_trace_row(slot, step, loss,
                             has_point ? c->point : NULL) != OB_OK)
            return 1;
    }
    /* Checking the flag now and then keeps the loop tight. */
    return c->stop != NULL && (step & 255) == 255 && *c->stop;
}

static void execute_slot(const struct ob_suite *suite,
                         const struct ob_problem *problem,
                         struct ob_slot *slot, volatile sig_atomic_t *stop)
{
    const struct ob_suite_optimizer *entry =
        &suite->optimizers[slot->optimizer];
    const struct ob_suite_problem *pentry = &suite->problems[slot->problem];
    struct ob_setting settings[OB_MAX_PARAMS * 2];
    struct observer_context context = {suite, problem, slot, stop, 0.0,
                                       0.0, 0, 0, {NAN, NAN}, (size_t)-1};
    struct ob_run_config config;
    struct ob_optimizer opt;
    double wall = omp_get_wtime();
    struct timespec cpu_start, cpu_end;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu_start);
    ob_problem_budget(suite, slot->problem, problem, &slot->steps,
                      &slot->eval_every);
    context.half = slot->steps / 2;
    slot->test_loss = slot->test_accuracy = NAN;
    slot->best_first_half = slot->best_second_half = INFINITY;
    for (size_t t = 0; t < suite->target_count; t++)
        slot->target_steps[t] = -1;
    ob_suite_variant(entry, slot->variant, settings);
    slot->status = ob_optimizer_create(&opt, entry->type, settings,
                                       entry->param_count, problem->dim,
                                       &slot->error);
    if (slot->status != OB_OK)
        return;
    config.x0 = pentry->start;
    config.steps = slot->steps;
    config.eval_every = slot->eval_every;
    config.stream_seed =
        ob_suite_stream_seed(slot->seed, pentry->label, entry->label);
    slot->status = ob_run_execute(problem, &opt, &config, observe_row,
                                  &context, &slot->summary, &slot->error);
    ob_optimizer_destroy(&opt);
    if (slot->status == OB_OK && slot->error.status != OB_OK)
        slot->status = slot->error.status;
    if (slot->status != OB_OK || slot->summary.stopped)
        return;

    if (slot->trace_count == 0 ||
        slot->trace[slot->trace_count - 1].step != slot->summary.steps_done)
        slot->status = append_trace_row(
            slot, slot->summary.steps_done, slot->summary.final_loss,
            context.point_step == slot->summary.steps_done ? context.point
                                                           : NULL);
    /* A run that stopped early (diverged or escaped) makes no progress
     * over the rows it did not reach. */
    if (!isnan(problem->minimum)) {
        size_t expected = ob_expected_rows(slot->steps, slot->eval_every);

        if (slot->rows < expected)
            slot->log_gap_sum +=
                (double)(expected - slot->rows) * context.start_log_gap;
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu_end);
    slot->wall_seconds = omp_get_wtime() - wall;
    slot->cpu_seconds = (double)(cpu_end.tv_sec - cpu_start.tv_sec) +
                        1e-9 * (double)(cpu_end.tv_nsec - cpu_start.tv_nsec);
    slot->done = 1;
}

/* ---- Status of a finished run ------------------------------------------ */

const char *ob_slot_status(const struct ob_slot *slot)
{
    double first = slot->best_first_half, second = slot->best_second_half;

    if (slot->summary.divergence != OB_DIVERGENCE_NONE)
        return "diverged";
    /* Stalled: short of the problem's target and no better in the second
     * half of the budget than in the first. */
    if (slot->summary.steps_to_target < 0 &&
        !(second < first - 1e-12 * fmax(1.0, fabs(first))))
        return "stalled";
    return "ok";
}

/* ---- The plan ----------------------------------------------------------- */

int ob_suite_pair_selected(const char *glob, const char *problem,
                           const char *optimizer)
{
    char both[512];

    if (glob == NULL)
        return 1;
    snprintf(both, sizeof both, "%s/%s", problem, optimizer);
    return fnmatch(glob, problem, 0) == 0 ||
           fnmatch(glob, optimizer, 0) == 0 || fnmatch(glob, both, 0) == 0;
}

static int add_slots(struct ob_plan *plan, int phase, size_t problem,
                     size_t optimizer, size_t variant, size_t replicates)
{
    for (size_t r = 0; r < replicates; r++) {
        struct ob_slot *slot;

        if (plan->count == plan->capacity) {
            size_t capacity = plan->capacity ? 2 * plan->capacity : 256;
            struct ob_slot *slots =
                realloc(plan->slots, capacity * sizeof *slots);

            if (slots == NULL)
                return OB_ENOMEM;
            plan->slots = slots;
            plan->capacity = capacity;
        }
        slot = &plan->slots[plan->count++];
        memset(slot, 0, sizeof *slot);
        slot->phase = phase;
        slot->problem = problem;
        slot->optimizer = optimizer;
        slot->variant = variant;
        slot->replicate = r;
        slot->seed = replicate_seed(plan->suite, phase, r);
        slot->target_steps = calloc(plan->suite->target_count + 1,
                                    sizeof(long));
        if (slot->target_steps == NULL)
            return OB_ENOMEM;
    }
    return OB_OK;
}

static void free_plan(struct ob_plan *plan)
{
    for (size_t i = 0; i < plan->count; i++) {
        free(plan->slots[i].trace);
        free(plan->slots[i].target_steps);
    }
    free(plan->slots);
    free(plan->chosen);
    free(plan->selected);
    memset(plan, 0, sizeof *plan);
}

/* ---- Parallel execution ------------------------------------------------- */

static void show_progress(struct ob_progress *progress)
{
    double elapsed = omp_get_wtime() - progress->started;
    size_t done = progress->done, total = progress->total;
    size_t ran = done - progress->resumed;
    int width = 30, filled = (int)(width * done / (total ? total : 1));
    char eta[32] = "--:--";
    char line[160];

    if (ran > 0 && done < total) {
        long seconds = (long)(elapsed / (double)ran * (double)(total - done));

        snprintf(eta, sizeof eta, "%ld:%02ld", seconds / 60, seconds % 60);
    } else if (done == total) {
        snprintf(eta, sizeof eta, "0:00");
    }
    snprintf(line, sizeof line, "\roptbench: [%.*s%*s] %zu/%zu runs, ETA %s ",
             filled, "##############################", width - filled, "",
             done, total, eta);
    fputs(line, stderr);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* Runs slots [begin, end) of the plan that are not done yet. */
static int run_slots(struct ob_plan *plan, size_t begin, size_t end,
                     const struct ob_problem *problems,
                     const struct ob_suite_options *options, int threads,
                     struct ob_progress *progress, FILE *journal,
                     struct ob_error *err)
{
    volatile sig_atomic_t *stop = options->stop;
    int failed = 0;

#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (size_t i = begin; i < end; i++) {
        struct ob_slot *slot = &plan->slots[i];

        if (slot->done || (stop != NULL && *stop))
            continue;
        execute_slot(plan->suite, &problems[slot->problem], slot, stop);
#pragma omp critical(ob_runner_report)
        {
            if (slot->status != OB_OK)
                failed = 1;
            if (slot->done) {
                if (journal != NULL)
                    ob_journal_append(journal, plan, slot);
                progress->done++;
                if (options->show_progress)
                    show_progress(progress);
            }
        }
    }
    for (size_t i = begin; i < end && failed; i++)
        if (plan->slots[i].status != OB_OK)
            return ob_errorf(err, plan->slots[i].status, "%s",
                             plan->slots[i].error.message);
    if (stop != NULL && *stop)
        return OB_EINTERRUPTED;
    return OB_OK;
}

/* ---- Selection and sensitivity ------------------------------------------ */

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double ob_median(double *values, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(values, n, sizeof *values, compare_doubles);
    return n % 2 ? values[n / 2]
                 : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double ob_quantile(double *values, size_t n, double q)
{
    double position, fraction;
    size_t below;

    if (n == 0)
        return NAN;
    qsort(values, n, sizeof *values, compare_doubles);
    /* Linear interpolation between order statistics (numpy's default). */
    position = q * (double)(n - 1);
    below = (size_t)floor(position);
    fraction = position - (double)below;
    /* Exact positions and equal neighbours need no arithmetic, which also
     * keeps infinite values (diverged runs) from turning into NaN. */
    if (below + 1 >= n)
        return values[n - 1];
    if (fraction == 0.0 || values[below] == values[below + 1])
        return values[below];
    return values[below] + fraction * (values[below + 1] - values[below]);
}

/* Final loss as a tuning score: diverged runs score +inf. */
static double tuning_score(const struct ob_slot *slot)
{
    if (slot->summary.divergence != OB_DIVERGENCE_NONE ||
        !isfinite(slot->summary.final_loss))
        return INFINITY;
    return slot->summary.final_loss;
}

/* Median tuning score of every variant of pair (q, o), from the tuning
 * slots in [begin, end). */
static void variant_medians(const struct ob_plan *plan, size_t begin,
                            size_t end, size_t q, size_t o, double *medians,
                            double *scratch)
{
    const struct ob_suite_optimizer *entry = &plan->suite->optimizers[o];

    for (size_t v = 0; v < entry->variant_count; v++) {
        size_t m = 0;

        for (size_t i = begin; i < end; i++) {
            const struct ob_slot *s = &plan->slots[i];

            if (s->problem == q && s->optimizer == o && s->variant == v)
                scratch[m++] = tuning_score(s);
        }
        medians[v] = ob_median(scratch, m);
    }
}

static void choose_variants(struct ob_plan *plan, size_t tuning_end)
{
    const struct ob_suite *suite = plan->suite;
    size_t seeds = ob_suite_most_replicates(suite, 1);
    double *scratch = malloc(sizeof(double) * (seeds + 1));

    for (size_t q = 0; q < suite->problem_count; q++)
        for (size_t o = 0; o < suite->optimizer_count; o++) {
            const struct ob_suite_optimizer *entry = &suite->optimizers[o];
            size_t pair = q * suite->optimizer_count + o;
            double *medians;
            size_t best = 0;

            plan->chosen[pair] = 0;
            if (entry->variant_count < 2 || !plan->selected[pair] ||
                scratch == NULL)
                continue;
            medians = malloc(sizeof(double) * entry->variant_count);
            if (medians == NULL)
                continue;
            variant_medians(plan, 0, tuning_end, q, o, medians, scratch);
            /* Strictly lower wins, so ties go to the earlier variant. */
            for (size_t v = 1; v < entry->variant_count; v++)
                if (medians[v] < medians[best])
                    best = v;
            plan->chosen[pair] = best;
            free(medians);
        }
    free(scratch);
}

/* ---- The whole run ------------------------------------------------------ */

static int create_problems(const struct ob_suite *suite,
                           struct ob_problem *problems, struct ob_error *err)
{
    for (size_t q = 0; q < suite->problem_count; q++) {
        const struct ob_suite_problem *entry = &suite->problems[q];
        int status;

        /* Skipped: left zeroed, with no runs. */
        if (entry->unavailable != NULL)
            continue;
        status = ob_problem_create(&problems[q], entry->type, entry->settings,
                                   entry->setting_count, err);
        if (status != OB_OK)
            return status;
    }
    return OB_OK;
}

int ob_suite_run(const struct ob_suite *suite,
                 const struct ob_suite_options *options,
                 struct ob_suite_report *report, struct ob_error *err)
{
    struct ob_suite run_suite = *suite;
    struct ob_suite_problem *entries = NULL;
    struct ob_problem *problems = NULL;
    struct ob_plan plan;
    struct ob_progress progress;
    struct ob_paths paths;
    struct ob_journal_index journal_index = {0};
    FILE *journal = NULL;
    size_t pairs = suite->problem_count * suite->optimizer_count;
    size_t selected_pairs = 0, skipped_pairs = 0, tuning_end;
    int status, threads;

    memset(&plan, 0, sizeof plan);
    memset(report, 0, sizeof *report);
    plan.suite = &run_suite;
    threads = options->threads > 0 ? options->threads : omp_get_max_threads();

    status = ob_paths_make(&paths, options->out_dir, suite->name, err);
    if (status != OB_OK)
        return status;
    plan.chosen = calloc(pairs, sizeof *plan.chosen);
    plan.selected = calloc(pairs, sizeof *plan.selected);
    problems = calloc(suite->problem_count, sizeof *problems);
    entries = malloc(sizeof *entries * suite->problem_count);
    if (plan.chosen == NULL || plan.selected == NULL || problems == NULL ||
        entries == NULL) {
        status = ob_errorf(err, OB_ENOMEM, "out of memory");
        goto done;
    }
    /* --seeds wins over the suite's seeds and every problem's own. */
    memcpy(entries, suite->problems, sizeof *entries * suite->problem_count);
    run_suite.problems = entries;
    if (options->seeds > 0) {
        run_suite.seeds = options->seeds;
        for (size_t q = 0; q < suite->problem_count; q++)
            entries[q].seeds = 0;
    }
    plan.only = options->only;
    for (size_t q = 0; q < suite->problem_count; q++)
        for (size_t o = 0; o < suite->optimizer_count; o++) {
            size_t pair = q * suite->optimizer_count + o;

            int wanted = ob_suite_pair_selected(options->only,
                                                suite->problems[q].label,
                                                suite->optimizers[o].label);

            if (wanted && suite->problems[q].unavailable != NULL) {
                skipped_pairs++;
                wanted = 0;
            }
            plan.selected[pair] = (unsigned char)wanted;
            selected_pairs += plan.selected[pair];
        }
    if (selected_pairs == 0 && skipped_pairs > 0) {
        for (size_t q = 0; q < suite->problem_count; q++)
            if (suite->problems[q].unavailable != NULL) {
                status = ob_errorf(err, OB_EMISSING,
                                   "nothing to run in suite %s: %s",
                                   suite->name,
                                   suite->problems[q].unavailable);
                break;
            }
        goto done;
    }
    if (selected_pairs == 0) {
        status = ob_errorf(err, OB_EINVAL,
                           "--only '%s' matches no problem or optimizer of "
                           "suite %s", options->only, suite->name);
        goto done;
    }
    status = create_problems(&run_suite, problems, err);
    if (status != OB_OK)
        goto done;

    /* Tuning runs: every variant of every swept entry. */
    for (size_t q = 0; q < suite->problem_count && status == OB_OK; q++)
        for (size_t o = 0; o < suite->optimizer_count && status == OB_OK;
             o++) {
            const struct ob_suite_optimizer *entry = &suite->optimizers[o];

            if (!plan.selected[q * suite->optimizer_count + o] ||
                entry->variant_count < 2)
                continue;
            for (size_t v = 0; v < entry->variant_count && status == OB_OK;
                 v++)
                status = add_slots(&plan, OB_PHASE_TUNE, q, o, v,
                                   ob_suite_replicates(&run_suite, q, 1));
        }
    tuning_end = plan.count;
    if (status != OB_OK) {
        status = ob_errorf(err, OB_ENOMEM, "out of memory for the plan");
        goto done;
    }

    /* The journal of an interrupted call supplies finished runs. */
    status = ob_make_dirs(paths.results, err);
    if (status == OB_OK && options->resume)
        status = ob_journal_load(&journal_index, paths.journal, &run_suite,
                                 options, err);
    if (status == OB_OK)
        status = ob_journal_open(&journal, paths.journal, &run_suite,
                                 options, &journal_index, err);
    if (status != OB_OK)
        goto done;

    progress.total = tuning_end;
    for (size_t pair = 0; pair < pairs; pair++)
        if (plan.selected[pair])
            progress.total += ob_suite_replicates(
                &run_suite, pair / suite->optimizer_count, 0);
    progress.done = 0;
    progress.started = omp_get_wtime();
    progress.resumed = ob_journal_fill(&journal_index, &plan, 0, tuning_end);
    progress.done = progress.resumed;
    status = run_slots(&plan, 0, tuning_end, problems, options, threads,
                       &progress, journal, err);
    if (status != OB_OK)
        goto interrupted;

    /* Reported runs: each pair's chosen setting on fresh seeds. */
    choose_variants(&plan, tuning_end);
    for (size_t q = 0; q < suite->problem_count && status == OB_OK; q++)
        for (size_t o = 0; o < suite->optimizer_count && status == OB_OK;
             o++) {
            size_t pair = q * suite->optimizer_count + o;

            if (plan.selected[pair])
                status = add_slots(&plan, OB_PHASE_FINAL, q, o,
                                   plan.chosen[pair],
                                   ob_suite_replicates(&run_suite, q, 0));
        }
    if (status != OB_OK) {
        status = ob_errorf(err, OB_ENOMEM, "out of memory for the plan");
        goto done;
    }
    {
        size_t resumed = ob_journal_fill(&journal_index, &plan, tuning_end,
                                         plan.count);

        progress.resumed += resumed;
        progress.done += resumed;
    }
    if (options->show_progress)
        show_progress(&progress);
    status = run_slots(&plan, tuning_end, plan.count, problems, options,
                       threads, &progress, journal, err);
    if (status != OB_OK)
        goto interrupted;

    report->runs = plan.count;
    report->resumed = progress.resumed;
    report->finished = plan.count;
    status = ob_write_results(&paths, &plan, problems, tuning_end, threads,
                              err);
    /* The report reads the files just written, as `optbench plot` does,
     * so both draw the same charts. */
    if (status == OB_OK)
        status = ob_report_build(paths.results, paths.plots,
                                 options->draw_charts, threads,
                                 &report->charts_drawn, err);
    if (status == OB_OK) {
        fclose(journal);
        journal = NULL;
        unlink(paths.journal);
    }
    goto done;

interrupted:
    report->runs = progress.total;
    report->resumed = progress.resumed;
    report->finished = progress.done;
    if (status == OB_EINTERRUPTED) {
        if (options->show_progress)
            fputc('\n', stderr);
        status = ob_errorf(err, OB_EINTERRUPTED,
                           "interrupted: %zu of %zu runs finished and kept "
                           "in %s; run again with --resume to complete",
                           progress.done, progress.total, paths.journal);
    }

done:
    if (journal != NULL)
        fclose(journal);
    ob_journal_index_free(&journal_index);
    for (size_t q = 0; problems != NULL && q < suite->problem_count; q++)
        ob_problem_destroy(&problems[q]);
    free(problems);
    free(entries);
    free_plan(&plan);
    return status;
}
