/* The default suite and the parallel suite runner: every (problem,
 * optimizer, replicate) run in an OpenMP loop, each filling its own slot,
 * then CSVs written in run order so the bytes never depend on threads. */
#include "harness.h"

#include <ctype.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plot.h"

/* Learning rates are chosen to be stable on the stiffest default problem
 * (the quadratic with curvature 1000), not tuned per problem. */
static const struct ob_suite_entry default_optimizers[] = {
    {"sgd", "sgd", "lr=1e-3"},
    {"momentum", "sgd", "lr=1e-3 momentum=0.9"},
    {"nesterov", "sgd", "lr=1e-3 momentum=0.9 nesterov=1"},
    {"momentum-clipped", "sgd", "lr=1e-3 momentum=0.9 clip_norm=10"},
    {"adagrad", "adagrad", "lr=0.1"},
    {"rmsprop", "rmsprop", "lr=1e-3"},
    {"adadelta", "adadelta", "lr=1"},
    {"adam", "adam", "lr=1e-2"},
    {"amsgrad", "adam", "lr=1e-2 amsgrad=1"},
    {"adamw", "adamw", "lr=1e-2"},
    {"adamax", "adamax", "lr=2e-2"},
    {"nadam", "nadam", "lr=1e-2"},
};

static const struct ob_suite_entry default_problems[] = {
    {"rosenbrock", "rosenbrock", ""},
    {"beale", "beale", ""},
    {"quadratic", "quadratic", ""},
    {"noisy-quadratic", "noisy-quadratic", ""},
    {"saddle", "saddle", ""},
    {"monkey-saddle", "monkey-saddle", ""},
    {"cliff", "cliff", ""},
    {"logreg-breast-cancer", "logreg-breast-cancer", ""},
    {"logreg-breast-cancer-batch32", "logreg-breast-cancer", "batch=32"},
};

const struct ob_suite ob_default_suite = {
    .name = "default",
    .seed = 1,
    .replicates = 5,
    .steps = 3000,
    .optimizers = default_optimizers,
    .optimizer_count = sizeof default_optimizers / sizeof default_optimizers[0],
    .problems = default_problems,
    .problem_count = sizeof default_problems / sizeof default_problems[0],
};

#define MAX_SETTINGS 32
#define SETTINGS_TEXT 1024

/* Puts "owner: " before err's message; returns its status. */
static int prefix_error(struct ob_error *err, const char *owner)
{
    char message[OB_ERROR_MESSAGE_SIZE];

    snprintf(message, sizeof message, "%s", err->message);
    return ob_errorf(err, err->status, "%s: %s", owner, message);
}

int ob_settings_parse(const char *text, char *storage, size_t storage_size,
                      struct ob_setting *settings, size_t capacity,
                      const char *owner, struct ob_error *err)
{
    size_t count = 0;
    char *token, *cursor;

    if (strlen(text) >= storage_size)
        return ob_errorf(err, OB_EINVAL, "%s: settings too long", owner), -1;
    strcpy(storage, text);
    for (token = strtok_r(storage, " \t", &cursor); token != NULL;
         token = strtok_r(NULL, " \t", &cursor)) {
        if (count == capacity)
            return ob_errorf(err, OB_EINVAL, "%s: more than %zu settings",
                             owner, capacity), -1;
        if (ob_setting_split(token, &settings[count], err) != OB_OK)
            return prefix_error(err, owner), -1;
        count++;
    }
    return (int)count;
}

uint64_t ob_suite_stream_seed(uint64_t seed, const char *problem,
                              const char *optimizer)
{
    return ob_seed_derive(seed, problem, optimizer, 0);
}

/* Rows kept in traces: every step up to 20, then about 50 per decade; the
 * last row of a run is always kept. */
static int keep_trace_step(size_t step)
{
    if (step <= 20)
        return 1;
    return floor(50.0 * log10((double)step)) >
           floor(50.0 * log10((double)(step - 1)));
}

struct run_slot {
    size_t problem, optimizer, replicate;
    struct ob_run_summary summary;
    size_t count, capacity;
    size_t *steps;
    double *losses;
    double wall_seconds;
    int status;
    struct ob_error error;
};

static void record_row(void *context, size_t step, double loss,
                       const double *x, size_t n)
{
    struct run_slot *slot = context;

    (void)x;
    (void)n;
    if (slot->status != OB_OK)
        return;
    if (slot->count == slot->capacity) {
        size_t capacity = slot->capacity ? 2 * slot->capacity : 256;
        size_t *steps = realloc(slot->steps, capacity * sizeof *steps);
        double *losses;

        if (steps != NULL)
            slot->steps = steps;
        losses = realloc(slot->losses, capacity * sizeof *losses);
        if (losses != NULL)
            slot->losses = losses;
        if (steps == NULL || losses == NULL) {
            slot->status = ob_errorf(&slot->error, OB_ENOMEM,
                                     "out of memory for traces");
            return;
        }
        slot->capacity = capacity;
    }
    slot->steps[slot->count] = step;
    slot->losses[slot->count] = loss;
    slot->count++;
}

/* Keeps the sampled rows; execute_slot adds the last row afterwards. */
static void trace_observer(void *context, size_t step, double loss,
                           const double *x, size_t n)
{
    if (keep_trace_step(step))
        record_row(context, step, loss, x, n);
}

struct prepared_entry {
    const struct ob_suite_entry *entry;
    const struct ob_optimizer_type *type;
    char storage[SETTINGS_TEXT];
    struct ob_setting settings[MAX_SETTINGS];
    size_t setting_count;
};

static int valid_label(const char *label)
{
    if (*label == '\0')
        return 0;
    for (const char *c = label; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("-_.+", *c))
            return 0;
    return 1;
}

static int prepare(const struct ob_suite *suite,
                   struct prepared_entry *optimizers,
                   struct ob_problem *problems, struct ob_error *err)
{
    for (size_t o = 0; o < suite->optimizer_count; o++) {
        struct prepared_entry *p = &optimizers[o];
        char owner[128];
        int count;

        p->entry = &suite->optimizers[o];
        snprintf(owner, sizeof owner, "suite %s: optimizer %s", suite->name,
                 p->entry->label);
        if (!valid_label(p->entry->label))
            return ob_errorf(err, OB_EINVAL, "suite %s: bad label '%s' (use "
                             "letters, digits, - _ . +)", suite->name,
                             p->entry->label);
        p->type = ob_optimizer_find(p->entry->type);
        if (p->type == NULL)
            return ob_errorf(err, OB_EINVAL, "%s: unknown type '%s'", owner,
                             p->entry->type);
        count = ob_settings_parse(p->entry->settings, p->storage,
                                  sizeof p->storage, p->settings,
                                  MAX_SETTINGS, owner, err);
        if (count < 0)
            return OB_EINVAL;
        p->setting_count = (size_t)count;
        if (ob_optimizer_check(p->type, p->settings, p->setting_count,
                               err) != OB_OK)
            return prefix_error(err, owner);
    }
    for (size_t q = 0; q < suite->problem_count; q++) {
        const struct ob_suite_entry *entry = &suite->problems[q];
        const struct ob_problem_type *type = ob_problem_find(entry->type);
        struct ob_setting settings[MAX_SETTINGS];
        char storage[SETTINGS_TEXT];
        char owner[128];
        int count, status;

        snprintf(owner, sizeof owner, "suite %s: problem %s", suite->name,
                 entry->label);
        if (!valid_label(entry->label))
            return ob_errorf(err, OB_EINVAL, "suite %s: bad label '%s' (use "
                             "letters, digits, - _ . +)", suite->name,
                             entry->label);
        if (type == NULL)
            return ob_errorf(err, OB_EINVAL, "%s: unknown type '%s'", owner,
                             entry->type);
        count = ob_settings_parse(entry->settings, storage, sizeof storage,
                                  settings, MAX_SETTINGS, owner, err);
        if (count < 0)
            return OB_EINVAL;
        status = ob_problem_create(&problems[q], type, settings,
                                   (size_t)count, err);
        if (status != OB_OK)
            return prefix_error(err, owner);
    }
    return OB_OK;
}

static void execute_slot(const struct ob_suite *suite,
                         const struct prepared_entry *entry,
                         const struct ob_problem *problem,
                         struct run_slot *slot)
{
    struct ob_optimizer opt;
    double started = omp_get_wtime();
    uint64_t seed = suite->seed + slot->replicate;

    slot->status = ob_optimizer_create(&opt, entry->type, entry->settings,
                                       entry->setting_count, problem->dim,
                                       &slot->error);
    if (slot->status != OB_OK)
        return;
    slot->status = ob_run_execute(
        problem, &opt, NULL, suite->steps,
        ob_suite_stream_seed(seed, suite->problems[slot->problem].label,
                             entry->entry->label),
        trace_observer, slot, &slot->summary, &slot->error);
    ob_optimizer_destroy(&opt);
    if (slot->status == OB_OK &&
        (slot->count == 0 ||
         slot->steps[slot->count - 1] != slot->summary.steps_done))
        record_row(slot, slot->summary.steps_done, slot->summary.final_loss,
                   NULL, 0);
    if (slot->status == OB_OK)
        slot->status = slot->error.status;
    slot->wall_seconds = omp_get_wtime() - started;
}

static void show_progress(size_t done, size_t total)
{
    char line[128];
    int width = 30, filled = (int)(width * done / total);

    snprintf(line, sizeof line, "\r%s: running %zu/%zu runs [%-*.*s]%s",
             "optbench", done, total, width, filled,
             "##############################", done == total ? "\n" : "");
    fputs(line, stderr);
    fflush(stderr);
}

static void write_optional_double(FILE *out, double value, int present)
{
    if (present)
        ob_write_double(out, value);
}

static int write_runs(const char *dir, const struct ob_suite *suite,
                      const struct ob_problem *problems,
                      const struct run_slot *slots, size_t total,
                      struct ob_error *err)
{
    struct ob_atomic_file file;
    char path[4096];
    int status;

    status = ob_path_join(path, sizeof path, dir, "runs.csv", err);
    if (status == OB_OK)
        status = ob_atomic_open(&file, path, err);
    if (status != OB_OK)
        return status;
    fputs("problem,optimizer,seed,status,reason,steps,final_loss,best_loss,"
          "minimum,final_gap,target_loss,steps_to_target\n", file.stream);
    for (size_t r = 0; r < total; r++) {
        const struct run_slot *slot = &slots[r];
        const struct ob_problem *problem = &problems[slot->problem];
        const struct ob_run_summary *s = &slot->summary;
        int diverged = s->divergence != OB_DIVERGENCE_NONE;
        int known = !isnan(problem->minimum);
        FILE *out = file.stream;

        fprintf(out, "%s,%s,%llu,%s,%s,%zu,",
                suite->problems[slot->problem].label,
                suite->optimizers[slot->optimizer].label,
                (unsigned long long)(suite->seed + slot->replicate),
                diverged ? "diverged" : "ok",
                diverged ? ob_divergence_name(s->divergence) : "",
                s->steps_done);
        ob_write_double(out, s->final_loss);
        fputc(',', out);
        ob_write_double(out, s->best_loss);
        fputc(',', out);
        write_optional_double(out, problem->minimum, known);
        fputc(',', out);
        write_optional_double(out, s->final_loss - problem->minimum, known);
        fputc(',', out);
        write_optional_double(out, problem->target, !isnan(problem->target));
        fputc(',', out);
        if (s->steps_to_target >= 0)
            fprintf(out, "%ld", s->steps_to_target);
        fputc('\n', out);
    }
    return ob_atomic_commit(&file, err);
}

static int write_traces(const char *dir, const struct ob_suite *suite,
                        const struct ob_problem *problems,
                        const struct run_slot *slots, size_t total,
                        struct ob_error *err)
{
    struct ob_atomic_file file;
    char path[4096];
    int status;

    status = ob_path_join(path, sizeof path, dir, "traces.csv", err);
    if (status == OB_OK)
        status = ob_atomic_open(&file, path, err);
    if (status != OB_OK)
        return status;
    fputs("problem,optimizer,seed,step,loss,gap\n", file.stream);
    for (size_t r = 0; r < total; r++) {
        const struct run_slot *slot = &slots[r];
        double minimum = problems[slot->problem].minimum;

        for (size_t i = 0; i < slot->count; i++) {
            fprintf(file.stream, "%s,%s,%llu,%zu,",
                    suite->problems[slot->problem].label,
                    suite->optimizers[slot->optimizer].label,
                    (unsigned long long)(suite->seed + slot->replicate),
                    slot->steps[i]);
            ob_write_double(file.stream, slot->losses[i]);
            fputc(',', file.stream);
            write_optional_double(file.stream, slot->losses[i] - minimum,
                                  !isnan(minimum));
            fputc('\n', file.stream);
        }
    }
    return ob_atomic_commit(&file, err);
}

static int write_timings(const char *dir, const struct ob_suite *suite,
                         const struct run_slot *slots, size_t total,
                         int threads, struct ob_error *err)
{
    struct ob_atomic_file file;
    char path[4096];
    int status;

    status = ob_path_join(path, sizeof path, dir, "timings.csv", err);
    if (status == OB_OK)
        status = ob_atomic_open(&file, path, err);
    if (status != OB_OK)
        return status;
    fputs("problem,optimizer,seed,threads,wall_seconds\n", file.stream);
    for (size_t r = 0; r < total; r++)
        fprintf(file.stream, "%s,%s,%llu,%d,%.6f\n",
                suite->problems[slots[r].problem].label,
                suite->optimizers[slots[r].optimizer].label,
                (unsigned long long)(suite->seed + slots[r].replicate),
                threads, slots[r].wall_seconds);
    return ob_atomic_commit(&file, err);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Median of the finite values among v[0..n); NAN when there are none. */
static double median_finite(double *v, size_t n)
{
    size_t m = 0;

    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            v[m++] = v[i];
    if (m == 0)
        return NAN;
    qsort(v, m, sizeof *v, compare_doubles);
    return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

/* Smallest positive gap drawn on a log axis: runs that reach the minimum
 * exactly would otherwise vanish from the chart. */
#define OB_GAP_FLOOR 1e-16

static int chart_problem(const char *plot_dir, const struct ob_suite *suite,
                         size_t q, const struct ob_problem *problem,
                         const struct run_slot *slots, struct ob_error *err)
{
    size_t count = suite->optimizer_count, reps = suite->replicates;
    struct ob_chart_series *series = calloc(count, sizeof *series);
    double *buffers = NULL, *column = malloc(sizeof(double) * reps);
    size_t longest = 0;
    int known = !isnan(problem->minimum), all_positive = 1, status;
    double lowest = INFINITY, start_loss = NAN;
    struct ob_chart chart;

    for (size_t o = 0; o < count; o++)
        for (size_t r = 0; r < reps; r++) {
            const struct run_slot *s = &slots[(q * count + o) * reps + r];

            if (s->count > longest)
                longest = s->count;
        }
    buffers = malloc(sizeof(double) * 2 * count * (longest ? longest : 1));
    if (series == NULL || column == NULL || buffers == NULL) {
        free(series), free(column), free(buffers);
        return ob_errorf(err, OB_ENOMEM, "out of memory for charts");
    }

    for (size_t o = 0; o < count; o++) {
        const struct run_slot *first = &slots[(q * count + o) * reps];
        const struct run_slot *reference = first;
        double *steps = buffers + 2 * o * longest;
        double *values = steps + longest;
        size_t points = 0;

        /* The replicate with most rows carries the step grid: all runs
         * sample the same steps and only diverged ones stop early. */
        for (size_t r = 1; r < reps; r++)
            if (first[r].count > reference->count)
                reference = &first[r];
        for (size_t i = 0; i < reference->count; i++) {
            size_t step = reference->steps[i], m = 0;
            double value;

            for (size_t r = 0; r < reps; r++)
                if (i < first[r].count && first[r].steps[i] == step)
                    column[m++] = first[r].losses[i] -
                                  (known ? problem->minimum : 0.0);
            value = median_finite(column, m);
            if (isnan(value))
                continue;
            if (known && value < OB_GAP_FLOOR)
                value = OB_GAP_FLOOR;
            if (step == 0)
                start_loss = value;
            all_positive &= value > 0.0;
            if (value < lowest)
                lowest = value;
            steps[points] = (double)step;
            values[points] = value;
            points++;
        }
        series[o].label = suite->optimizers[o].label;
        series[o].count = points;
        series[o].steps = steps;
        series[o].values = values;
    }

    chart.problem = suite->problems[q].label;
    chart.log_y = known || all_positive;
    chart.y_label = known ? "loss - minimum" : "loss";
    chart.y_min = chart.y_max = 0.0;
    chart.x_max = (double)suite->steps;
    /* Unbounded problems (saddles): show from a little past the target up
     * to the start, so runs racing to -infinity do not flatten the rest. */
    if (!chart.log_y && !isnan(problem->target) && isfinite(start_loss)) {
        double span = fabs(start_loss - problem->target) + 1.0;

        chart.y_min = fmax(lowest, problem->target - 2.0 * span);
        chart.y_max = start_loss + 0.25 * span;
    }
    chart.series = series;
    chart.series_count = count;
    status = ob_chart_write(plot_dir, &chart, err);
    free(series), free(column), free(buffers);
    return status;
}

int ob_suite_run(const struct ob_suite *suite,
                 const struct ob_suite_options *options, int *charts_drawn,
                 struct ob_error *err)
{
    size_t total = suite->problem_count * suite->optimizer_count *
                   suite->replicates;
    struct prepared_entry *optimizers =
        calloc(suite->optimizer_count, sizeof *optimizers);
    struct ob_problem *problems =
        calloc(suite->problem_count, sizeof *problems);
    struct run_slot *slots = calloc(total ? total : 1, sizeof *slots);
    char results_dir[4096], plot_dir[4096];
    size_t finished = 0;
    int status, threads;

    if (charts_drawn != NULL)
        *charts_drawn = 0;
    if (optimizers == NULL || problems == NULL || slots == NULL) {
        status = ob_errorf(err, OB_ENOMEM, "out of memory");
        goto done;
    }
    if (total == 0 || suite->steps == 0) {
        status = ob_errorf(err, OB_EINVAL, "suite %s has no runs",
                           suite->name);
        goto done;
    }
    /* Every name and value is checked before any run starts. */
    status = prepare(suite, optimizers, problems, err);
    if (status != OB_OK)
        goto done;

    for (size_t r = 0; r < total; r++) {
        slots[r].replicate = r % suite->replicates;
        slots[r].optimizer = (r / suite->replicates) % suite->optimizer_count;
        slots[r].problem = r / (suite->replicates * suite->optimizer_count);
    }
    threads = options->threads > 0 ? options->threads : omp_get_max_threads();

#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (size_t r = 0; r < total; r++) {
        execute_slot(suite, &optimizers[slots[r].optimizer],
                     &problems[slots[r].problem], &slots[r]);
        if (options->show_progress) {
#pragma omp critical(ob_progress)
            show_progress(++finished, total);
        }
    }

    for (size_t r = 0; r < total; r++)
        if (slots[r].status != OB_OK) {
            status = ob_errorf(err, slots[r].status, "%s",
                               slots[r].error.message);
            goto done;
        }

    status = ob_path_join(results_dir, sizeof results_dir, options->out_dir,
                          "results", err);
    if (status == OB_OK)
        status = ob_path_join(results_dir + strlen(results_dir),
                              sizeof results_dir - strlen(results_dir), "",
                              suite->name, err);
    if (status == OB_OK)
        status = ob_path_join(plot_dir, sizeof plot_dir, options->out_dir,
                              "plots", err);
    if (status == OB_OK)
        status = ob_path_join(plot_dir + strlen(plot_dir),
                              sizeof plot_dir - strlen(plot_dir), "",
                              suite->name, err);
    if (status == OB_OK)
        status = ob_make_dirs(results_dir, err);
    if (status == OB_OK)
        status = write_runs(results_dir, suite, problems, slots, total, err);
    if (status == OB_OK)
        status = write_traces(results_dir, suite, problems, slots, total,
                              err);
    if (status == OB_OK)
        status = write_timings(results_dir, suite, slots, total, threads,
                               err);
    if (status == OB_OK && options->draw_charts)
        status = ob_make_dirs(plot_dir, err);
    for (size_t q = 0; status == OB_OK && options->draw_charts &&
                       q < suite->problem_count;
         q++)
        status = chart_problem(plot_dir, suite, q, &problems[q], slots, err);
    if (status == OB_OK && options->draw_charts &&
        ob_program_available("gnuplot")) {
        for (size_t q = 0; status == OB_OK && q < suite->problem_count; q++)
            status = ob_chart_draw(plot_dir, suite->problems[q].label, err);
        if (status == OB_OK && charts_drawn != NULL)
            *charts_drawn = 1;
    }

done:
    for (size_t r = 0; slots != NULL && r < total; r++) {
        free(slots[r].steps);
        free(slots[r].losses);
    }
    for (size_t q = 0; problems != NULL && q < suite->problem_count; q++)
        ob_problem_destroy(&problems[q]);
    free(slots);
    free(problems);
    free(optimizers);
    return status;
}
