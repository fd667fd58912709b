/* The result files of a suite: runs, targets, traces, summary and timings
 * CSVs, manifest.json, and the convergence charts. Everything is written
 * in plan order from the slots, after all runs, so the bytes do not depend
 * on threads. */
#include "runner.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "version.h"

int ob_paths_make(struct ob_paths *paths, const char *out_dir,
                  const char *suite_name, struct ob_error *err)
{
    char folder[4096];
    int status = ob_path_join(folder, sizeof folder, out_dir, "results",
                              err);

    if (status == OB_OK)
        status = ob_path_join(paths->results, sizeof paths->results, folder,
                              suite_name, err);
    if (status == OB_OK)
        status = ob_path_join(folder, sizeof folder, out_dir, "plots", err);
    if (status == OB_OK)
        status = ob_path_join(paths->plots, sizeof paths->plots, folder,
                              suite_name, err);
    if (status == OB_OK)
        status = ob_path_join(paths->journal, sizeof paths->journal,
                              paths->results, "journal.partial", err);
    return status;
}

static const char *phase_name(int phase)
{
    return phase == OB_PHASE_TUNE ? "tune" : "final";
}

static void write_optional(FILE *out, double value, int present)
{
    if (present)
        ob_write_double(out, value);
}

static void write_labels(FILE *out, const struct ob_plan *plan,
                         const struct ob_slot *s)
{
    fprintf(out, "%s,%s,", plan->suite->problems[s->problem].label,
            plan->suite->optimizers[s->optimizer].label);
}

/* Opens OUT/results/NAME/file under a temporary name. */
static int open_result(struct ob_atomic_file *file,
                       const struct ob_paths *paths, const char *name,
                       struct ob_error *err)
{
    char path[4200];
    int status = ob_path_join(path, sizeof path, paths->results, name, err);

    return status == OB_OK ? ob_atomic_open(file, path, err) : status;
}

static int write_runs(const struct ob_paths *paths,
                      const struct ob_plan *plan,
                      const struct ob_problem *problems,
                      struct ob_error *err)
{
    struct ob_atomic_file file;
    int status = open_result(&file, paths, "runs.csv", err);

    if (status != OB_OK)
        return status;
    fputs("problem,optimizer,seed,status,reason,steps,final_loss,best_loss,"
          "minimum,final_gap,target_loss,steps_to_target,phase,settings,"
          "grad_evals_to_target,auc_log_gap,loss_increases,test_loss,"
          "test_accuracy\n",
          file.stream);
    for (size_t i = 0; i < plan->count; i++) {
        const struct ob_slot *s = &plan->slots[i];
        const struct ob_problem *p = &problems[s->problem];
        const struct ob_run_summary *r = &s->summary;
        int known = !isnan(p->minimum);
        char settings[1024];
        FILE *out = file.stream;

        ob_suite_variant_text(&plan->suite->optimizers[s->optimizer],
                              s->variant, settings, sizeof settings);
        write_labels(out, plan, s);
        fprintf(out, "%llu,%s,%s,%zu,", (unsigned long long)s->seed,
                ob_slot_status(s),
                r->divergence != OB_DIVERGENCE_NONE
                    ? ob_divergence_name(r->divergence)
                    : "",
                r->steps_done);
        ob_write_double(out, r->final_loss);
        fputc(',', out);
        ob_write_double(out, r->best_loss);
        fputc(',', out);
        write_optional(out, p->minimum, known);
        fputc(',', out);
        write_optional(out, r->final_loss - p->minimum, known);
        fputc(',', out);
        write_optional(out, p->target, !isnan(p->target));
        fputc(',', out);
        if (r->steps_to_target >= 0)
            fprintf(out, "%ld", r->steps_to_target);
        fprintf(out, ",%s,%s,", phase_name(s->phase), settings);
        if (r->steps_to_target >= 0)
            fprintf(out, "%llu", (unsigned long long)r->steps_to_target *
                                     (unsigned long long)
                                         p->examples_per_gradient);
        fputc(',', out);
        write_optional(out, ob_slot_auc(s), known);
        fprintf(out, ",%zu,", s->loss_increases);
        write_optional(out, s->test_loss, !isnan(s->test_loss));
        fputc(',', out);
        write_optional(out, s->test_accuracy, !isnan(s->test_accuracy));
        fputc('\n', out);
    }
    return ob_atomic_commit(&file, err);
}

static int write_targets(const struct ob_paths *paths,
                         const struct ob_plan *plan,
                         const struct ob_problem *problems,
                         struct ob_error *err)
{
    struct ob_atomic_file file;
    int status = open_result(&file, paths, "targets.csv", err);

    if (status != OB_OK)
        return status;
    fputs("problem,optimizer,phase,seed,target_gap,steps,grad_evals\n",
          file.stream);
    for (size_t i = 0; i < plan->count; i++) {
        const struct ob_slot *s = &plan->slots[i];
        const struct ob_problem *p = &problems[s->problem];

        if (isnan(p->minimum))
            continue;
        for (size_t t = 0; t < plan->suite->target_count; t++) {
            write_labels(file.stream, plan, s);
            fprintf(file.stream, "%s,%llu,", phase_name(s->phase),
                    (unsigned long long)s->seed);
            ob_write_double(file.stream, plan->suite->targets[t]);
            if (s->target_steps[t] >= 0)
                fprintf(file.stream, ",%ld,%llu\n", s->target_steps[t],
                        (unsigned long long)s->target_steps[t] *
                            (unsigned long long)p->examples_per_gradient);
            else
                fputs(",,\n", file.stream);
        }
    }
    return ob_atomic_commit(&file, err);
}

static int write_traces(const struct ob_paths *paths,
                        const struct ob_plan *plan,
                        const struct ob_problem *problems, size_t tuning_end,
                        struct ob_error *err)
{
    struct ob_atomic_file file;
    int status = open_result(&file, paths, "traces.csv", err);

    if (status != OB_OK)
        return status;
    fputs("problem,optimizer,seed,step,loss,gap,test_loss,test_accuracy\n",
          file.stream);
    for (size_t i = tuning_end; i < plan->count; i++) {
        const struct ob_slot *s = &plan->slots[i];
        double minimum = problems[s->problem].minimum;

        for (size_t k = 0; k < s->trace_count; k++) {
            write_labels(file.stream, plan, s);
            fprintf(file.stream, "%llu,%zu,", (unsigned long long)s->seed,
                    s->trace[k].step);
            ob_write_double(file.stream, s->trace[k].loss);
            fputc(',', file.stream);
            write_optional(file.stream, s->trace[k].loss - minimum,
                           !isnan(minimum));
            fputc(',', file.stream);
            write_optional(file.stream, s->trace[k].test_loss,
                           !isnan(s->trace[k].test_loss));
            fputc(',', file.stream);
            write_optional(file.stream, s->trace[k].test_accuracy,
                           !isnan(s->trace[k].test_accuracy));
            fputc('\n', file.stream);
        }
    }
    return ob_atomic_commit(&file, err);
}

static int write_timings(const struct ob_paths *paths,
                         const struct ob_plan *plan, int threads,
                         struct ob_error *err)
{
    struct ob_atomic_file file;
    int status = open_result(&file, paths, "timings.csv", err);

    if (status != OB_OK)
        return status;
    fputs("problem,optimizer,phase,seed,threads,wall_seconds,cpu_seconds\n",
          file.stream);
    for (size_t i = 0; i < plan->count; i++) {
        const struct ob_slot *s = &plan->slots[i];

        write_labels(file.stream, plan, s);
        fprintf(file.stream, "%s,%llu,%d,%.6f,%.6f\n", phase_name(s->phase),
                (unsigned long long)s->seed, threads, s->wall_seconds,
                s->cpu_seconds);
    }
    return ob_atomic_commit(&file, err);
}

/* ---- Summary ------------------------------------------------------------- */

/* Value index of each parameter in variant v (last parameter fastest). */
static void variant_digits(const struct ob_suite_optimizer *entry, size_t v,
                           size_t *digits)
{
    for (size_t k = entry->param_count; k-- > 0;) {
        digits[k] = v % entry->params[k].value_count;
        v /= entry->params[k].value_count;
    }
}

/* Learning-rate sensitivity of pair (q, o): among the variants that differ
 * from the chosen one only in lr, the lowest and highest lr whose median
 * final loss exceeds the reference by at most twice the chosen variant's
 * excess. The reference is the problem's minimum, or the lowest finite
 * final loss of any run on the problem when the minimum is unknown. */
static int lr_sensitivity(const struct ob_plan *plan, size_t tuning_end,
                          size_t q, size_t o, double reference, double *low,
                          double *high)
{
    const struct ob_suite_optimizer *entry = &plan->suite->optimizers[o];
    size_t chosen = plan->chosen[q * plan->suite->optimizer_count + o];
    size_t chosen_digits[OB_MAX_PARAMS * 2], digits[OB_MAX_PARAMS * 2];
    double *scores, chosen_excess = 0.0;
    int lr_index = -1, found = 0;

    for (size_t k = 0; k < entry->param_count; k++)
        if (strcmp(entry->params[k].key, "lr") == 0 &&
            entry->params[k].value_count > 1)
            lr_index = (int)k;
    if (lr_index < 0)
        return 0;
    scores =
        malloc(sizeof(double) * (ob_suite_most_replicates(plan->suite, 1) + 1));
    if (scores == NULL)
        return 0;
    variant_digits(entry, chosen, chosen_digits);

    /* Two passes: the chosen variant's excess first, then the range. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t v = 0; v < entry->variant_count; v++) {
            size_t m = 0;
            int same = 1;
            double excess, lr;

            variant_digits(entry, v, digits);
            for (size_t k = 0; k < entry->param_count; k++)
                same &= (int)k == lr_index || digits[k] == chosen_digits[k];
            if (!same || (pass == 0 && v != chosen))
                continue;
            for (size_t i = 0; i < tuning_end; i++) {
                const struct ob_slot *s = &plan->slots[i];

                if (s->problem == q && s->optimizer == o && s->variant == v)
                    scores[m++] =
                        s->summary.divergence == OB_DIVERGENCE_NONE &&
                                isfinite(s->summary.final_loss)
                            ? s->summary.final_loss
                            : INFINITY;
            }
            excess = ob_median(scores, m) - reference;
            if (pass == 0) {
                chosen_excess = excess;
                continue;
            }
            if (!(excess <= 2.0 * fmax(chosen_excess, 0.0)))
                continue;
            lr = strtod(entry->params[lr_index].values[digits[lr_index]],
                        NULL);
            if (!found || lr < *low)
                *low = lr;
            if (!found || lr > *high)
                *high = lr;
            found = 1;
        }
    }
    free(scores);
    return found;
}

static int write_summary(const struct ob_paths *paths,
                         const struct ob_plan *plan,
                         const struct ob_problem *problems, size_t tuning_end,
                         struct ob_error *err)
{
    const struct ob_suite *suite = plan->suite;
    size_t most = ob_suite_most_replicates(suite, 0);
    struct ob_atomic_file file;
    double *values = malloc(sizeof(double) * (most + 1) * 3);
    int status;

    if (values == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    status = open_result(&file, paths, "summary.csv", err);
    if (status != OB_OK) {
        free(values);
        return status;
    }
    fputs("problem,optimizer,settings,runs,metric,final_median,final_q1,"
          "final_q3,success_rate,divergence_rate,stalled_rate,"
          "steps_to_target_median,auc_log_gap_median,tuned_settings,"
          "lr_within_2x_low,lr_within_2x_high\n", file.stream);
    for (size_t q = 0; q < suite->problem_count; q++) {
        const struct ob_problem *p = &problems[q];
        int known = !isnan(p->minimum);
        double reference = p->minimum;

        if (!known) {
            reference = INFINITY;
            for (size_t i = 0; i < plan->count; i++)
                if (plan->slots[i].problem == q &&
                    isfinite(plan->slots[i].summary.final_loss) &&
                    plan->slots[i].summary.final_loss < reference)
                    reference = plan->slots[i].summary.final_loss;
        }
        for (size_t o = 0; o < suite->optimizer_count; o++) {
            const struct ob_suite_optimizer *entry = &suite->optimizers[o];
            size_t pair = q * suite->optimizer_count + o;
            double *finals = values, *steps = values + most + 1;
            double *areas = steps + most + 1, low = 0, high = 0;
            size_t runs = 0, reached = 0, diverged = 0, stalled = 0;
            char settings[1024];
            FILE *out = file.stream;

            if (!plan->selected[pair])
                continue;
            for (size_t i = tuning_end; i < plan->count; i++) {
                const struct ob_slot *s = &plan->slots[i];

                if (s->problem != q || s->optimizer != o)
                    continue;
                finals[runs] = s->summary.final_loss -
                               (known ? p->minimum : 0.0);
                areas[runs] = ob_slot_auc(s);
                if (s->summary.divergence != OB_DIVERGENCE_NONE) {
                    finals[runs] = INFINITY;
                    diverged++;
                }
                stalled += strcmp(ob_slot_status(s), "stalled") == 0;
                if (s->summary.steps_to_target >= 0)
                    steps[reached++] = (double)s->summary.steps_to_target;
                runs++;
            }
            ob_suite_variant_text(entry, plan->chosen[pair], settings,
                                  sizeof settings);
            fprintf(out, "%s,%s,%s,%zu,%s,", suite->problems[q].label,
                    entry->label, settings, runs, known ? "gap" : "loss");
            ob_write_double(out, ob_quantile(finals, runs, 0.5));
            fputc(',', out);
            ob_write_double(out, ob_quantile(finals, runs, 0.25));
            fputc(',', out);
            ob_write_double(out, ob_quantile(finals, runs, 0.75));
            fputc(',', out);
            ob_write_double(out, (double)reached / (double)runs);
            fputc(',', out);
            ob_write_double(out, (double)diverged / (double)runs);
            fputc(',', out);
            ob_write_double(out, (double)stalled / (double)runs);
            fputc(',', out);
            write_optional(out, ob_median(steps, reached), reached > 0);
            fputc(',', out);
            write_optional(out, ob_median(areas, runs), known);
            fprintf(out, ",%zu,", entry->variant_count);
            if (lr_sensitivity(plan, tuning_end, q, o, reference, &low,
                               &high)) {
                ob_write_double(out, low);
                fputc(',', out);
                ob_write_double(out, high);
            } else {
                fputc(',', out);
            }
            fputc('\n', out);
        }
    }
    free(values);
    return ob_atomic_commit(&file, err);
}

/* ---- Problems and paths -------------------------------------------------- */

/* Writes text as a CSV field, quoted when it holds a comma or a quote. */
static void write_field(FILE *out, const char *text)
{
    if (strpbrk(text, ",\"\n") == NULL) {
        fputs(text, out);
        return;
    }
    fputc('"', out);
    for (; *text; text++) {
        if (*text == '"')
            fputc('"', out);
        fputc(*text, out);
    }
    fputc('"', out);
}

/* What a chart needs to know about each problem entry without the suite
 * file: its type and parameters (to evaluate a 2-D function on a grid),
 * budget and units. */
static int write_problems(const struct ob_paths *paths,
                          const struct ob_plan *plan,
                          const struct ob_problem *problems,
                          struct ob_error *err)
{
    const struct ob_suite *suite = plan->suite;
    struct ob_atomic_file file;
    int status = open_result(&file, paths, "problems.csv", err);

    if (status != OB_OK)
        return status;
    fputs("problem,type,kind,dim,steps,eval_every,steps_per_epoch,"
          "examples_per_gradient,minimum,target_loss,params\n", file.stream);
    for (size_t q = 0; q < suite->problem_count; q++) {
        const struct ob_suite_problem *entry = &suite->problems[q];
        const struct ob_problem *p = &problems[q];
        size_t steps, every;
        char params[2048];
        size_t length = 0;

        /* A problem skipped for want of its data has no runs to chart. */
        if (entry->unavailable != NULL)
            continue;
        ob_problem_budget(suite, q, p, &steps, &every);
        params[0] = '\0';
        for (size_t k = 0; k < entry->setting_count; k++) {
            int written = snprintf(params + length, sizeof params - length,
                                   "%s%s=%s", k ? " " : "",
                                   entry->settings[k].key,
                                   entry->settings[k].value);

            if (written < 0 || (size_t)written >= sizeof params - length) {
                ob_atomic_abort(&file);
                return ob_errorf(err, OB_EINVAL, "problem %s: parameters "
                                 "too long for problems.csv", entry->label);
            }
            length += (size_t)written;
        }
        fprintf(file.stream, "%s,%s,%s,%zu,%zu,%zu,%zu,%zu,", entry->label,
                entry->type->name,
                p->kind == OB_PROBLEM_DATASET ? "dataset" : "function",
                p->dim, steps, every, ob_problem_steps_per_epoch(p),
                p->examples_per_gradient);
        write_optional(file.stream, p->minimum, !isnan(p->minimum));
        fputc(',', file.stream);
        write_optional(file.stream, p->target, !isnan(p->target));
        fputc(',', file.stream);
        write_field(file.stream, params);
        fputc('\n', file.stream);
    }
    return ob_atomic_commit(&file, err);
}

/* The path of the first reported seed of each pair on a 2-D function, at
 * the trace's kept rows. */
static int write_paths(const struct ob_paths *paths,
                       const struct ob_plan *plan,
                       const struct ob_problem *problems, size_t tuning_end,
                       struct ob_error *err)
{
    struct ob_atomic_file file;
    int status = open_result(&file, paths, "paths.csv", err);

    if (status != OB_OK)
        return status;
    fputs("problem,optimizer,seed,step,x,y\n", file.stream);
    for (size_t i = tuning_end; i < plan->count; i++) {
        const struct ob_slot *s = &plan->slots[i];

        if (s->replicate != 0 || !ob_problem_has_path(&problems[s->problem]))
            continue;
        for (size_t k = 0; k < s->trace_count; k++) {
            if (isnan(s->trace[k].x))
                continue;
            write_labels(file.stream, plan, s);
            fprintf(file.stream, "%llu,%zu,", (unsigned long long)s->seed,
                    s->trace[k].step);
            ob_write_double(file.stream, s->trace[k].x);
            fputc(',', file.stream);
            ob_write_double(file.stream, s->trace[k].y);
            fputc('\n', file.stream);
        }
    }
    return ob_atomic_commit(&file, err);
}

/* ---- Manifest ------------------------------------------------------------ */

/* "skipped": the problems that had no runs because their data set is not
 * installed, each with its type and the reason; absent when none was. */
static void add_skipped(struct json_object *root, const struct ob_suite *suite)
{
    struct json_object *skipped = NULL;

    for (size_t q = 0; q < suite->problem_count; q++) {
        const struct ob_suite_problem *entry = &suite->problems[q];
        struct json_object *item;

        if (entry->unavailable == NULL)
            continue;
        if (skipped == NULL)
            skipped = json_object_new_array();
        item = json_object_new_object();
        json_object_object_add(item, "problem",
                               json_object_new_string(entry->label));
        json_object_object_add(item, "type",
                               json_object_new_string(entry->type->name));
        json_object_object_add(item, "reason",
                               json_object_new_string(entry->unavailable));
        json_object_array_add(skipped, item);
    }
    if (skipped != NULL)
        json_object_object_add(root, "skipped", skipped);
}

static int write_manifest(const struct ob_paths *paths,
                          const struct ob_plan *plan, int threads,
                          struct ob_error *err)
{
    const struct ob_suite *suite = plan->suite;
    struct json_object *root = json_object_new_object();
    struct json_object *seeds = json_object_new_array();
    struct json_object *tuning = json_object_new_array();
    struct ob_atomic_file file;
    char date[64];
    time_t now = time(NULL);
    struct tm utc;
    int status;

    for (size_t r = 0; r < suite->seeds; r++)
        json_object_array_add(
            seeds, json_object_new_int64((int64_t)(suite->seed + r)));
    for (size_t r = 0; r < suite->tuning_seeds; r++)
        json_object_array_add(
            tuning, json_object_new_int64((int64_t)(suite->seed + 1000 + r)));
    gmtime_r(&now, &utc);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &utc);

    json_object_object_add(root, "optbench_version",
                           json_object_new_string(OB_VERSION));
    json_object_object_add(root, "git_commit",
                           json_object_new_string(OB_GIT_COMMIT));
    json_object_object_add(root, "compiler",
                           json_object_new_string(OB_COMPILER));
    json_object_object_add(root, "compiler_flags",
                           json_object_new_string(OB_COMPILER_FLAGS));
    json_object_object_add(root, "suite", json_object_new_string(suite->name));
    /* Only when given, so a whole suite's manifest keeps its bytes. */
    if (plan->only != NULL)
        json_object_object_add(root, "only",
                               json_object_new_string(plan->only));
    json_object_object_add(root, "suite_file",
                           json_object_new_string(suite->path));
    json_object_object_add(root, "suite_sha256",
                           json_object_new_string(suite->sha256));
    json_object_object_add(root, "steps",
                           json_object_new_int64((int64_t)suite->steps));
    json_object_object_add(root, "seeds", seeds);
    json_object_object_add(root, "tuning_seeds", tuning);
    json_object_object_add(root, "runs",
                           json_object_new_int64((int64_t)plan->count));
    json_object_object_add(root, "threads", json_object_new_int(threads));
    json_object_object_add(root, "date", json_object_new_string(date));
    add_skipped(root, suite);

    status = open_result(&file, paths, "manifest.json", err);
    if (status == OB_OK) {
        int flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                    JSON_C_TO_STRING_NOSLASHESCAPE;

        fputs(json_object_to_json_string_ext(root, flags), file.stream);
        fputc('\n', file.stream);
        status = ob_atomic_commit(&file, err);
    }
    json_object_put(root);
    return status;
}

int ob_write_results(const struct ob_paths *paths, const struct ob_plan *plan,
                     const struct ob_problem *problems, size_t tuning_end,
                     int threads, struct ob_error *err)
{
    int status = ob_make_dirs(paths->results, err);

    if (status == OB_OK)
        status = write_runs(paths, plan, problems, err);
    if (status == OB_OK)
        status = write_targets(paths, plan, problems, err);
    if (status == OB_OK)
        status = write_traces(paths, plan, problems, tuning_end, err);
    if (status == OB_OK)
        status = write_summary(paths, plan, problems, tuning_end, err);
    if (status == OB_OK)
        status = write_timings(paths, plan, threads, err);
    if (status == OB_OK)
        status = write_problems(paths, plan, problems, err);
    if (status == OB_OK)
        status = write_paths(paths, plan, problems, tuning_end, err);
    if (status == OB_OK)
        status = write_manifest(paths, plan, threads, err);
    return status;
}
