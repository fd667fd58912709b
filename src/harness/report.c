/* A suite's report from its result files: loading and ranking, summary.md
 * and the self-contained report.html. The charts are in charts.c. */
#include "report.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

/* ---- Loading ------------------------------------------------------------- */

static size_t find_label(const char **labels, size_t count, const char *label)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(labels[i], label) == 0)
            return i;
    return OB_CSV_NO_COLUMN;
}

static int read_manifest(struct ob_report *r, const char *dir,
                         struct ob_error *err)
{
    char path[4200];
    struct json_object *root, *suite, *only;
    enum json_tokener_error problem;
    size_t size;
    int no_memory;
    int status = ob_path_join(path, sizeof path, dir, "manifest.json", err);

    if (status == OB_OK)
        status = ob_read_whole(path, &r->manifest, &size, err);
    if (status != OB_OK)
        return status;
    root = json_tokener_parse_verbose(r->manifest, &problem);
    if (root == NULL)
        return ob_errorf(err, OB_EDATA, "%s: malformed JSON: %s", path,
                         json_tokener_error_desc(problem));
    if (!json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "suite", &suite) ||
        !json_object_is_type(suite, json_type_string)) {
        json_object_put(root);
        return ob_errorf(err, OB_EDATA, "%s: no \"suite\" name", path);
    }
    r->suite = strdup(json_object_get_string(suite));
    no_memory = r->suite == NULL;
    if (json_object_object_get_ex(root, "only", &only) &&
        json_object_is_type(only, json_type_string)) {
        r->only = strdup(json_object_get_string(only));
        no_memory |= r->only == NULL;
    }
    json_object_put(root);
    return no_memory ? ob_errorf(err, OB_ENOMEM, "out of memory") : OB_OK;
}

/* A whole number field of problems.csv. */
static int read_count(const struct ob_csv *csv, size_t row, size_t column,
                      size_t *out, struct ob_error *err)
{
    double value;
    int status = ob_csv_number(csv, row, column, 0, &value, err);

    if (status != OB_OK)
        return status;
    if (!(value >= 0.0 && value < 1e15) || value != floor(value))
        return ob_errorf(err, OB_EDATA, "%s:%zu: %s '%s' is not a count",
                         csv->path, csv->line[row + 1], csv->fields[column],
                         ob_csv_get(csv, row, column));
    *out = (size_t)value;
    return OB_OK;
}

/* Finds each named column in order; fails on the first one missing. */
static int require_columns(const struct ob_csv *csv, const char *const *names,
                           size_t count, size_t *columns, struct ob_error *err)
{
    int status = OB_OK;

    for (size_t k = 0; k < count && status == OB_OK; k++)
        status = ob_csv_require(csv, names[k], &columns[k], err);
    return status;
}

static int read_problems(struct ob_report *r, struct ob_error *err)
{
    static const char *const names[] = {
        "problem",
        "type",
        "kind",
        "dim",
        "steps",
        "eval_every",
        "steps_per_epoch",
        "examples_per_gradient",
        "minimum",
        "target_loss",
        "params",
    };
    const struct ob_csv *csv = &r->problems_csv;
    size_t c[sizeof names / sizeof *names];
    int status = require_columns(csv, names, sizeof c / sizeof *c, c, err);

    if (status != OB_OK)
        return status;
    r->problems = calloc(csv->rows + 1, sizeof *r->problems);
    if (r->problems == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    for (size_t row = 0; row < csv->rows && status == OB_OK; row++) {
        struct ob_report_problem *p = &r->problems[row];
        const char *kind = ob_csv_get(csv, row, c[2]);

        p->label = ob_csv_get(csv, row, c[0]);
        p->type = ob_csv_get(csv, row, c[1]);
        p->params = ob_csv_get(csv, row, c[10]);
        if (strcmp(kind, "dataset") != 0 && strcmp(kind, "function") != 0)
            return ob_errorf(err, OB_EDATA,
                             "%s:%zu: kind '%s' is neither "
                             "function nor dataset",
                             csv->path, csv->line[row + 1], kind);
        p->dataset = strcmp(kind, "dataset") == 0;
        status = read_count(csv, row, c[3], &p->dim, err);
        if (status == OB_OK)
            status = read_count(csv, row, c[4], &p->steps, err);
        if (status == OB_OK)
            status = read_count(csv, row, c[5], &p->eval_every, err);
        if (status == OB_OK)
            status = read_count(csv, row, c[6], &p->steps_per_epoch, err);
        if (status == OB_OK)
            status = read_count(csv, row, c[7], &p->examples_per_gradient, err);
        if (status == OB_OK)
            status = ob_csv_number(csv, row, c[8], 1, &p->minimum, err);
        if (status == OB_OK)
            status = ob_csv_number(csv, row, c[9], 1, &p->target_loss, err);
        if (status == OB_OK && p->steps_per_epoch == 0)
            p->steps_per_epoch = 1;
        r->problem_count++;
    }
    return status;
}

static int read_summary(struct ob_report *r, struct ob_error *err)
{
    static const char *const names[] = {
        "problem",
        "optimizer",
        "settings",
        "metric",
        "final_median",
        "final_q1",
        "final_q3",
        "success_rate",
        "divergence_rate",
        "steps_to_target_median",
        "runs",
    };
    const struct ob_csv *csv = &r->summary;
    size_t c[sizeof names / sizeof *names];
    int status = require_columns(csv, names, sizeof c / sizeof *c, c, err);

    if (status != OB_OK)
        return status;
    r->optimizers = calloc(csv->rows + 1, sizeof *r->optimizers);
    if (r->optimizers == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    for (size_t row = 0; row < csv->rows; row++) {
        const char *label = ob_csv_get(csv, row, c[1]);

        if (find_label(r->optimizers, r->optimizer_count, label) ==
            OB_CSV_NO_COLUMN)
            r->optimizers[r->optimizer_count++] = label;
    }
    r->cells =
        calloc(r->problem_count * r->optimizer_count + 1, sizeof *r->cells);
    if (r->cells == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    for (size_t row = 0; row < csv->rows && status == OB_OK; row++) {
        size_t q = ob_report_problem_index(r, ob_csv_get(csv, row, c[0]));
        size_t o = find_label(r->optimizers, r->optimizer_count,
                              ob_csv_get(csv, row, c[1]));
        struct ob_report_cell *cell;

        if (q == OB_CSV_NO_COLUMN)
            return ob_errorf(err, OB_EDATA,
                             "%s:%zu: problem '%s' is not "
                             "in problems.csv",
                             csv->path, csv->line[row + 1],
                             ob_csv_get(csv, row, c[0]));
        cell = &r->cells[q * r->optimizer_count + o];
        cell->present = 1;
        cell->settings = ob_csv_get(csv, row, c[2]);
        cell->gap = strcmp(ob_csv_get(csv, row, c[3]), "gap") == 0;
        status = ob_csv_number(csv, row, c[4], 0, &cell->median, err);
        if (status == OB_OK)
            status = ob_csv_number(csv, row, c[5], 0, &cell->q1, err);
        if (status == OB_OK)
            status = ob_csv_number(csv, row, c[6], 0, &cell->q3, err);
        if (status == OB_OK)
            status = ob_csv_number(csv, row, c[7], 0, &cell->success, err);
        if (status == OB_OK)
            status = ob_csv_number(csv, row, c[8], 0, &cell->divergence, err);
        if (status == OB_OK)
            status = ob_csv_number(csv, row, c[9], 1, &cell->steps_median, err);
        if (status == OB_OK)
            status = read_count(csv, row, c[10], &cell->runs, err);
    }
    return status;
}

/* The present cell of a row's (problem, optimizer) labels, or NULL. */
static struct ob_report_cell *row_cell(struct ob_report *r,
                                       const struct ob_csv *csv, size_t row,
                                       size_t problem, size_t optimizer)
{
    size_t q = ob_report_problem_index(r, ob_csv_get(csv, row, problem));
    size_t o = ob_report_optimizer_index(r, ob_csv_get(csv, row, optimizer));

    if (q == OB_CSV_NO_COLUMN || o == OB_CSV_NO_COLUMN ||
        !r->cells[q * r->optimizer_count + o].present)
        return NULL;
    return &r->cells[q * r->optimizer_count + o];
}

/* Counts each cell's reported runs in runs.csv (phase=final rows) or, with
 * traced, its traces in traces.csv (a new seed starts one; a run's rows are
 * contiguous). A row of a pair summary.csv lacks is an error. */
static int count_runs(struct ob_report *r, const struct ob_csv *csv, int traced,
                      size_t *counts, struct ob_error *err)
{
    size_t problem = ob_csv_find(csv, "problem");
    size_t optimizer = ob_csv_find(csv, "optimizer");
    size_t seed = ob_csv_find(csv, "seed");
    size_t phase = ob_csv_find(csv, "phase");

    for (size_t row = 0; row < csv->rows; row++) {
        struct ob_report_cell *cell;

        if (!traced && strcmp(ob_csv_get(csv, row, phase), "final") != 0)
            continue;
        if (traced && row > 0 &&
            strcmp(ob_csv_get(csv, row, problem),
                   ob_csv_get(csv, row - 1, problem)) == 0 &&
            strcmp(ob_csv_get(csv, row, optimizer),
                   ob_csv_get(csv, row - 1, optimizer)) == 0 &&
            strcmp(ob_csv_get(csv, row, seed),
                   ob_csv_get(csv, row - 1, seed)) == 0)
            continue;
        cell = row_cell(r, csv, row, problem, optimizer);
        if (cell == NULL)
            return ob_errorf(
                err, OB_EDATA, "%s:%zu: %s/%s has no row in summary.csv",
                csv->path, csv->line[row + 1], ob_csv_get(csv, row, problem),
                ob_csv_get(csv, row, optimizer));
        counts[cell - r->cells]++;
    }
    return OB_OK;
}

static int same_run(const struct ob_csv *a, size_t row_a,
                    const size_t *columns_a, const struct ob_csv *b,
                    size_t row_b, const size_t *columns_b)
{
    for (size_t k = 0; k < 3; k++)
        if (strcmp(ob_csv_get(a, row_a, columns_a[k]),
                   ob_csv_get(b, row_b, columns_b[k])) != 0)
            return 0;
    return 1;
}

/* A run's trace ends with a row at the step the run stopped (its steps in
 * runs.csv), so a traces.csv cut inside a trace shows here. Traces follow
 * the order of the reported runs; `next` is where the search starts. */
static int check_trace_ends(const struct ob_report *r, struct ob_error *err)
{
    const struct ob_csv *traces = &r->traces, *runs = &r->runs;
    size_t t[3], u[3], step = ob_csv_find(traces, "step");
    size_t steps = ob_csv_find(runs, "steps");
    size_t phase = ob_csv_find(runs, "phase"), next = 0;
    static const char *const key[] = {"problem", "optimizer", "seed"};

    for (size_t k = 0; k < 3; k++) {
        t[k] = ob_csv_find(traces, key[k]);
        u[k] = ob_csv_find(runs, key[k]);
    }
    if (steps == OB_CSV_NO_COLUMN)
        return ob_errorf(err, OB_EDATA,
                         "%s:1: no column 'steps' in the "
                         "header",
                         runs->path);
    for (size_t row = 0; row < traces->rows; row++) {
        size_t found = runs->rows;

        if (row + 1 < traces->rows &&
            same_run(traces, row, t, traces, row + 1, t))
            continue;
        for (size_t i = 0; i < runs->rows && found == runs->rows; i++) {
            size_t j = (next + i) % runs->rows;

            if (strcmp(ob_csv_get(runs, j, phase), "final") == 0 &&
                same_run(traces, row, t, runs, j, u))
                found = j;
        }
        if (found == runs->rows)
            return ob_errorf(err, OB_EDATA,
                             "%s:%zu: the trace of %s/%s "
                             "seed %s is of no reported run in runs.csv",
                             traces->path, traces->line[row + 1],
                             ob_csv_get(traces, row, t[0]),
                             ob_csv_get(traces, row, t[1]),
                             ob_csv_get(traces, row, t[2]));
        if (strcmp(ob_csv_get(traces, row, step),
                   ob_csv_get(runs, found, steps)) != 0)
            return ob_errorf(
                err, OB_EDATA,
                "%s:%zu: the trace of %s/%s "
                "seed %s ends at step %s where runs.csv says "
                "the run took %s steps",
                traces->path, traces->line[row + 1],
                ob_csv_get(traces, row, t[0]), ob_csv_get(traces, row, t[1]),
                ob_csv_get(traces, row, t[2]), ob_csv_get(traces, row, step),
                ob_csv_get(runs, found, steps));
        next = found + 1;
    }
    return OB_OK;
}

/* summary.csv is computed from the runs that runs.csv and traces.csv list,
 * so the three agree on every pair's number of reported runs. A file cut
 * at a line boundary still parses; this is where it shows. */
static int check_run_counts(struct ob_report *r, struct ob_error *err)
{
    size_t cells = r->problem_count * r->optimizer_count;
    size_t *counts = calloc(2 * cells + 1, sizeof *counts);
    int status;

    if (counts == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    status = count_runs(r, &r->runs, 0, counts, err);
    if (status == OB_OK)
        status = count_runs(r, &r->traces, 1, counts + cells, err);
    for (size_t k = 0; status == OB_OK && k < 2 * cells; k++) {
        const struct ob_report_cell *cell = &r->cells[k % cells];

        if (cell->present && counts[k] != cell->runs)
            status =
                ob_errorf(err, OB_EDATA,
                          "%s has %zu %s runs of %s/%s where "
                          "summary.csv says %zu",
                          k < cells ? r->runs.path : r->traces.path, counts[k],
                          k < cells ? "reported" : "traced",
                          r->problems[k % cells / r->optimizer_count].label,
                          r->optimizers[k % r->optimizer_count], cell->runs);
    }
    free(counts);
    return status == OB_OK ? check_trace_ends(r, err) : status;
}

size_t ob_report_problem_index(const struct ob_report *r, const char *label)
{
    for (size_t q = 0; q < r->problem_count; q++)
        if (strcmp(r->problems[q].label, label) == 0)
            return q;
    return OB_CSV_NO_COLUMN;
}

size_t ob_report_optimizer_index(const struct ob_report *r, const char *label)
{
    return find_label(r->optimizers, r->optimizer_count, label);
}

/* Ranks each problem's optimizers (see ob_report_load). */
static void rank_cells(struct ob_report *r)
{
    size_t count = r->optimizer_count;

    for (size_t q = 0; q < r->problem_count; q++) {
        struct ob_report_cell *row = &r->cells[q * count];

        for (size_t o = 0; o < count; o++) {
            double v = row[o].median;

            if (isnan(v))
                v = INFINITY;
            if (row[o].gap && v < OB_GAP_FLOOR)
                v = OB_GAP_FLOOR;
            row[o].rank_value = v;
            if (isnan(row[o].steps_median))
                row[o].steps_median = INFINITY;
        }
        for (size_t o = 0; o < count; o++) {
            if (!row[o].present)
                continue;
            row[o].rank = 1;
            for (size_t k = 0; k < count; k++)
                if (row[k].present &&
                    (row[k].rank_value < row[o].rank_value ||
                     (row[k].rank_value == row[o].rank_value &&
                      row[k].steps_median < row[o].steps_median)))
                    row[o].rank++;
        }
    }
}

/* The lr of a settings text ("lr=1e-3 momentum=0.9"), NAN when it has
 * none, and the text without it in rest (truncated to size). */
static double settings_lr(const char *settings, char *rest, size_t size)
{
    double lr = NAN;
    size_t length = 0;

    rest[0] = '\0';
    while (*settings) {
        size_t span = strcspn(settings, " ");

        if (strncmp(settings, "lr=", 3) == 0)
            lr = strtod(settings + 3, NULL);
        else if (span > 0 && length + span + 2 <= size) {
            memcpy(rest + length, settings, span);
            length += span;
            rest[length++] = ' ';
            rest[length] = '\0';
        }
        settings += span;
        settings += *settings == ' ';
    }
    return lr;
}

/* Marks the pairs whose chosen lr lies at an end of its tuning sweep:
 * a better rate may lie beyond the grid (see ob_report_load). */
static void mark_lr_edges(struct ob_report *r)
{
    const struct ob_csv *runs = &r->runs;
    size_t problem = ob_csv_find(runs, "problem");
    size_t optimizer = ob_csv_find(runs, "optimizer");
    size_t phase = ob_csv_find(runs, "phase");
    size_t settings = ob_csv_find(runs, "settings");
    char chosen_rest[512], rest[512];

    for (size_t q = 0; q < r->problem_count; q++)
        for (size_t o = 0; o < r->optimizer_count; o++) {
            struct ob_report_cell *cell = &r->cells[q * r->optimizer_count + o];
            double chosen, low = INFINITY, high = -INFINITY;

            if (!cell->present)
                continue;
            chosen =
                settings_lr(cell->settings, chosen_rest, sizeof chosen_rest);
            for (size_t row = 0; !isnan(chosen) && row < runs->rows; row++) {
                double lr;

                if (strcmp(ob_csv_get(runs, row, phase), "tune") != 0 ||
                    strcmp(ob_csv_get(runs, row, problem),
                           r->problems[q].label) != 0 ||
                    strcmp(ob_csv_get(runs, row, optimizer),
                           r->optimizers[o]) != 0)
                    continue;
                lr = settings_lr(ob_csv_get(runs, row, settings), rest,
                                 sizeof rest);
                if (!isnan(lr) && strcmp(rest, chosen_rest) == 0)
                    low = fmin(low, lr), high = fmax(high, lr);
            }
            cell->lr_swept = low < high;
            if (cell->lr_swept)
                cell->lr_edge = chosen >= high ? 1 : chosen <= low ? -1 : 0;
        }
}

/* The columns the charts read, checked once here so a malformed file is
 * named before anything is drawn. */
static int check_columns(const struct ob_report *r, struct ob_error *err)
{
    static const struct {
        int file;
        const char *column;
    } needed[] = {
        {0, "problem"},
        {0, "optimizer"},
        {0, "seed"},
        {0, "status"},
        {0, "final_loss"},
        {0, "final_gap"},
        {0, "steps_to_target"},
        {0, "phase"},
        {0, "settings"},
        {1, "problem"},
        {1, "optimizer"},
        {1, "phase"},
        {1, "steps"},
        {2, "problem"},
        {2, "optimizer"},
        {2, "seed"},
        {2, "step"},
        {2, "loss"},
        {2, "gap"},
        {2, "test_loss"},
        {2, "test_accuracy"},
        {3, "problem"},
        {3, "optimizer"},
        {3, "step"},
        {3, "x"},
        {3, "y"},
    };
    const struct ob_csv *files[] = {&r->runs, &r->targets, &r->traces,
                                    &r->paths};
    size_t column;
    int status = OB_OK;

    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        if (status == OB_OK)
            status = ob_csv_require(files[needed[i].file], needed[i].column,
                                    &column, err);
    return status;
}

int ob_report_load(struct ob_report *r, const char *dir, struct ob_error *err)
{
    int status;

    memset(r, 0, sizeof *r);
    status = read_manifest(r, dir, err);
    if (status == OB_OK)
        status = ob_csv_load(&r->problems_csv, dir, "problems.csv", err);
    if (status == OB_OK)
        status = ob_csv_load(&r->summary, dir, "summary.csv", err);
    if (status == OB_OK)
        status = ob_csv_load(&r->runs, dir, "runs.csv", err);
    if (status == OB_OK)
        status = ob_csv_load(&r->targets, dir, "targets.csv", err);
    if (status == OB_OK)
        status = ob_csv_load(&r->traces, dir, "traces.csv", err);
    if (status == OB_OK)
        status = ob_csv_load(&r->paths, dir, "paths.csv", err);
    if (status == OB_OK)
        status = read_problems(r, err);
    if (status == OB_OK)
        status = read_summary(r, err);
    if (status == OB_OK)
        status = check_columns(r, err);
    if (status == OB_OK)
        status = check_run_counts(r, err);
    if (status == OB_OK) {
        rank_cells(r);
        mark_lr_edges(r);
    }
    return status;
}

void ob_report_free(struct ob_report *r)
{
    free(r->suite), free(r->only), free(r->manifest);
    ob_csv_free(&r->runs), ob_csv_free(&r->summary);
    ob_csv_free(&r->targets), ob_csv_free(&r->traces);
    ob_csv_free(&r->problems_csv), ob_csv_free(&r->paths);
    free(r->problems), free(r->optimizers), free(r->cells);
    free(r->charts);
    memset(r, 0, sizeof *r);
}

/* ---- Tables -------------------------------------------------------------- */

/* Totals of one optimizer over the suite's reported runs. */
struct totals {
    size_t runs, reached, diverged, wins, ranked;
    double rank_sum;
};

static void optimizer_totals(const struct ob_report *r, size_t o,
                             struct totals *t)
{
    const struct ob_csv *runs = &r->runs;
    size_t optimizer = ob_csv_find(runs, "optimizer");
    size_t phase = ob_csv_find(runs, "phase");
    size_t status = ob_csv_find(runs, "status");
    size_t steps = ob_csv_find(runs, "steps_to_target");

    memset(t, 0, sizeof *t);
    for (size_t row = 0; row < runs->rows; row++) {
        if (strcmp(ob_csv_get(runs, row, phase), "final") != 0 ||
            strcmp(ob_csv_get(runs, row, optimizer), r->optimizers[o]) != 0)
            continue;
        t->runs++;
        t->reached += *ob_csv_get(runs, row, steps) != '\0';
        t->diverged += strcmp(ob_csv_get(runs, row, status), "diverged") == 0;
    }
    for (size_t q = 0; q < r->problem_count; q++) {
        const struct ob_report_cell *cell =
            &r->cells[q * r->optimizer_count + o];

        if (!cell->present)
            continue;
        t->ranked++;
        t->rank_sum += (double)cell->rank;
        t->wins += cell->rank == 1;
    }
}

static double share(size_t part, size_t whole)
{
    return whole ? (double)part / (double)whole : NAN;
}

/* Winners of problem q: every optimizer ranked 1, joined by ", "; past
 * three, their number ("9 tied"), which the ranks then spell out. */
static void winners(const struct ob_report *r, size_t q, char *out, size_t size)
{
    size_t length = 0, count = 0;

    out[0] = '\0';
    for (size_t o = 0; o < r->optimizer_count; o++) {
        const struct ob_report_cell *cell =
            &r->cells[q * r->optimizer_count + o];
        int written;

        if (!cell->present || cell->rank != 1)
            continue;
        count++;
        if (length >= size)
            continue;
        written = snprintf(out + length, size - length, "%s%s",
                           length ? ", " : "", r->optimizers[o]);
        if (written > 0)
            length += (size_t)written;
    }
    if (count > 3)
        snprintf(out, size, "%zu tied", count);
}

/* The winner's median final gap (or loss), as %.3g; gaps under the
 * floor are all "< 1e-16", rounding noise apart. */
static void winner_value(const struct ob_report *r, size_t q, char *out,
                         size_t size)
{
    snprintf(out, size, "-");
    for (size_t o = 0; o < r->optimizer_count; o++) {
        const struct ob_report_cell *cell =
            &r->cells[q * r->optimizer_count + o];

        if (cell->present && cell->rank == 1) {
            if (cell->gap && cell->median < OB_GAP_FLOOR)
                snprintf(out, size, "< 1e-16");
            else
                snprintf(out, size, "%.3g%s", cell->median,
                         cell->gap ? "" : " (loss)");
            return;
        }
    }
}

static const char rank_rule[] =
    "Ranks per problem: by median final gap over the reported seeds (the "
    "final loss when the minimum is unknown; diverged runs count as "
    "+inf, gaps below 1e-16 as 1e-16), ties broken by the median steps to "
    "target (never reached last); optimizers equal on both share a rank. "
    "The winner is ranked 1.";

static const char *edge_mark(const struct ob_report_cell *cell)
{
    return cell->lr_edge > 0 ? "\u2191" : cell->lr_edge < 0 ? "\u2193" : "";
}

/* The note under the ranks table on lr chosen at an end of its sweep,
 * with the count of such pairs; 0 when no pair swept lr. */
static int lr_edge_note(const struct ob_report *r, char *out, size_t size)
{
    size_t swept = 0, top = 0, bottom = 0;

    for (size_t k = 0; k < r->problem_count * r->optimizer_count; k++) {
        swept += r->cells[k].present && r->cells[k].lr_swept;
        top += r->cells[k].present && r->cells[k].lr_edge > 0;
        bottom += r->cells[k].present && r->cells[k].lr_edge < 0;
    }
    if (swept == 0)
        return 0;
    snprintf(out, size,
             "lr chosen at the top (\u2191) or bottom (\u2193) of its "
             "sweep: the best rate may lie outside the grid. %zu of the %zu "
             "pairs whose lr was tuned chose it at an edge (%zu at the top, "
             "%zu at the bottom).",
             top + bottom, swept, top, bottom);
    return 1;
}

int ob_report_write_summary(const struct ob_report *r, const char *dir,
                            struct ob_error *err)
{
    struct ob_atomic_file file;
    char path[4200], names[1024], value[64], note[400];
    FILE *out;
    int status = ob_path_join(path, sizeof path, dir, "summary.md", err);

    if (status == OB_OK)
        status = ob_atomic_open(&file, path, err);
    if (status != OB_OK)
        return status;
    out = file.stream;
    fprintf(out, "# Suite %s", r->suite);
    if (r->only != NULL)
        fprintf(out, " (only: %s)", r->only);
    fprintf(out, "\n\n%s\n\n| problem | winner | winner's median |", rank_rule);
    for (size_t o = 0; o < r->optimizer_count; o++)
        fprintf(out, " %s |", r->optimizers[o]);
    fputs("\n|---|---|---:|", out);
    for (size_t o = 0; o < r->optimizer_count; o++)
        fputs("---:|", out);
    fputc('\n', out);
    for (size_t q = 0; q < r->problem_count; q++) {
        winners(r, q, names, sizeof names);
        winner_value(r, q, value, sizeof value);
        fprintf(out, "| %s | %s | %s |", r->problems[q].label,
                names[0] ? names : "-", value);
        for (size_t o = 0; o < r->optimizer_count; o++) {
            const struct ob_report_cell *cell =
                &r->cells[q * r->optimizer_count + o];

            if (cell->present)
                fprintf(out, " %zu%s |", cell->rank, edge_mark(cell));
            else
                fputs(" - |", out);
        }
        fputc('\n', out);
    }
    if (lr_edge_note(r, note, sizeof note))
        fprintf(out, "\n%s\n", note);
    fputs("\nOver the suite's reported runs: success = reached the "
          "problem's target loss.\n\n| optimizer | wins | mean rank | "
          "success rate | divergence rate |\n|---|---:|---:|---:|---:|\n",
          out);
    for (size_t o = 0; o < r->optimizer_count; o++) {
        struct totals t;

        optimizer_totals(r, o, &t);
        fprintf(out, "| %s | %zu | %.2f | %.0f%% | %.0f%% |\n",
                r->optimizers[o], t.wins,
                t.ranked ? t.rank_sum / (double)t.ranked : NAN,
                100.0 * share(t.reached, t.runs),
                100.0 * share(t.diverged, t.runs));
    }
    return ob_atomic_commit(&file, err);
}

/* ---- report.html --------------------------------------------------------- */

/* Copies a gnuplot SVG into the page: without its XML prologue, and with
 * every id (and reference to one) prefixed by the chart's number, since
 * ids must be unique across the page's inlined pictures. */
static int inline_svg(FILE *out, const char *path, size_t number,
                      struct ob_error *err)
{
    static const char *const marks[] = {"id='", "id=\"", "href='#", "href=\"#",
                                        "url(#"};
    char *bytes, *p;
    size_t size;
    int status = ob_read_whole(path, &bytes, &size, err);

    if (status != OB_OK)
        return status;
    p = strstr(bytes, "<svg");
    if (p == NULL) {
        free(bytes);
        return ob_errorf(err, OB_EDATA, "%s: not an SVG picture", path);
    }
    while (*p) {
        size_t matched = 0;

        for (size_t m = 0; m < 5 && matched == 0; m++)
            if (strncmp(p, marks[m], strlen(marks[m])) == 0)
                matched = strlen(marks[m]);
        if (matched) {
            fprintf(out, "%.*sc%zu-", (int)matched, p, number);
            p += matched;
        } else {
            fputc(*p++, out);
        }
    }
    free(bytes);
    return OB_OK;
}

static const char page_style[] =
    "body{font-family:sans-serif;max-width:1100px;margin:1em auto;"
    "padding:0 1em;color:#222}\n"
    "table{border-collapse:collapse;margin:1em 0;font-size:90%}\n"
    "th,td{border:1px solid #ccc;padding:2px 6px;text-align:right}\n"
    "th:first-child,td:first-child,td.name{text-align:left}\n"
    "td:first-child{white-space:nowrap}\n"
    "td.r1{background:#d9f0d3;font-weight:bold}\n"
    "figure{margin:1em 0}figure svg{width:100%;height:auto}\n"
    "figcaption{font-size:90%;color:#444}\n"
    "pre{background:#f5f5f5;padding:.5em;overflow-x:auto}\n"
    "nav a{margin-right:.6em}\n";

static void html_tables(FILE *out, const struct ob_report *r)
{
    char names[1024], value[64], note[400];

    fprintf(out, "<h2 id=\"summary\">Summary</h2>\n<p>");
    ob_write_html(out, rank_rule);
    fputs("</p>\n<table id=\"ranks\">\n<tr><th>problem</th><th>winner</th>"
          "<th>winner's median</th>",
          out);
    for (size_t o = 0; o < r->optimizer_count; o++)
        fprintf(out, "<th>%s</th>", r->optimizers[o]);
    fputs("</tr>\n", out);
    for (size_t q = 0; q < r->problem_count; q++) {
        winners(r, q, names, sizeof names);
        winner_value(r, q, value, sizeof value);
        fprintf(out,
                "<tr><td><a href=\"#p-%s\">%s</a></td><td class=\"name\">"
                "%s</td><td>%s</td>",
                r->problems[q].label, r->problems[q].label,
                names[0] ? names : "-", value);
        for (size_t o = 0; o < r->optimizer_count; o++) {
            const struct ob_report_cell *cell =
                &r->cells[q * r->optimizer_count + o];

            if (!cell->present) {
                fputs("<td>-</td>", out);
                continue;
            }
            fprintf(out,
                    "<td%s title=\"median %.3g, success %.0f%%, "
                    "diverged %.0f%%%s\">%zu%s</td>",
                    cell->rank == 1 ? " class=\"r1\"" : "", cell->median,
                    100.0 * cell->success, 100.0 * cell->divergence,
                    cell->lr_edge > 0   ? ", lr at the top of its sweep"
                    : cell->lr_edge < 0 ? ", lr at the bottom of its sweep"
                                        : "",
                    cell->rank, edge_mark(cell));
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
    if (lr_edge_note(r, note, sizeof note))
        fprintf(out, "<p id=\"lr-edges\">%s</p>\n", note);
    fputs("<p>Over the suite's reported runs (success: the run "
          "reached the problem's target loss):</p>\n<table id=\"totals\">\n"
          "<tr><th>optimizer</th><th>wins</th><th>mean rank</th>"
          "<th>success rate</th><th>divergence rate</th></tr>\n",
          out);
    for (size_t o = 0; o < r->optimizer_count; o++) {
        struct totals t;

        optimizer_totals(r, o, &t);
        fprintf(out,
                "<tr><td>%s</td><td>%zu</td><td>%.2f</td>"
                "<td>%.0f%%</td><td>%.0f%%</td></tr>\n",
                r->optimizers[o], t.wins,
                t.ranked ? t.rank_sum / (double)t.ranked : NAN,
                100.0 * share(t.reached, t.runs),
                100.0 * share(t.diverged, t.runs));
    }
    fputs("</table>\n", out);
}

/* A run with --only reports part of the suite: the title says which. */
static void html_only(FILE *out, const struct ob_report *r)
{
    if (r->only == NULL)
        return;
    fputs(" (only: ", out);
    ob_write_html(out, r->only);
    fputc(')', out);
}

static int html_chart(FILE *out, const struct ob_report_chart *chart,
                      const char *plots_dir, size_t number,
                      struct ob_error *err)
{
    char name[320], path[4400];
    int status;

    snprintf(name, sizeof name, "%s.svg", chart->stem);
    status = ob_path_join(path, sizeof path, plots_dir, name, err);
    if (status != OB_OK)
        return status;
    fputs("<figure>\n", out);
    status = inline_svg(out, path, number, err);
    fputs("\n<figcaption>", out);
    ob_write_html(out, chart->caption);
    fprintf(out, " <small>(%s.gp)</small></figcaption>\n</figure>\n",
            chart->stem);
    return status;
}

int ob_report_write_html(const struct ob_report *r, const char *dir,
                         const char *plots_dir, int with_charts,
                         struct ob_error *err)
{
    static const char *const csvs[] = {
        "runs.csv",    "summary.csv",   "targets.csv",
        "traces.csv",  "problems.csv",  "paths.csv",
        "timings.csv", "manifest.json", "summary.md",
    };
    struct ob_atomic_file file;
    char path[4200];
    FILE *out;
    long current = -2;
    int status = ob_path_join(path, sizeof path, dir, "report.html", err);

    if (status == OB_OK)
        status = ob_atomic_open(&file, path, err);
    if (status != OB_OK)
        return status;
    out = file.stream;
    fprintf(out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
            "charset=\"utf-8\">\n<title>optbench: suite %s",
            r->suite);
    html_only(out, r);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>Suite %s",
            page_style, r->suite);
    html_only(out, r);
    fputs("</h1>\n", out);
    fputs("<nav><a href=\"#summary\">summary</a>", out);
    if (with_charts && r->chart_count > 0)
        fputs("<a href=\"#suite\">across the suite</a>", out);
    fputs("<a href=\"#manifest\">manifest</a><a href=\"#files\">files</a>"
          "</nav>\n",
          out);
    html_tables(out, r);
    if (!with_charts || r->chart_count == 0)
        fputs("<p>No charts in this page: they were not asked for, or "
              "gnuplot was not available. To draw them: apt-get install "
              "gnuplot-nox, then optbench plot on this folder.</p>\n",
              out);
    for (size_t i = 0; with_charts && status == OB_OK && i < r->chart_count;
         i++) {
        const struct ob_report_chart *chart = &r->charts[i];

        if (chart->problem != current) {
            current = chart->problem;
            if (current < 0)
                fputs("<h2 id=\"suite\">Across the suite</h2>\n", out);
            else
                fprintf(out, "<h2 id=\"p-%s\">%s</h2>\n",
                        r->problems[current].label, r->problems[current].label);
        }
        status = html_chart(out, chart, plots_dir, i, err);
    }
    if (status != OB_OK) {
        ob_atomic_abort(&file);
        return status;
    }
    fputs("<h2 id=\"manifest\">Manifest</h2>\n<pre>", out);
    ob_write_html(out, r->manifest);
    fputs("</pre>\n<h2 id=\"files\">Files</h2>\n<ul>\n", out);
    for (size_t i = 0; i < sizeof csvs / sizeof csvs[0]; i++)
        fprintf(out, "<li><a href=\"%s\">%s</a></li>\n", csvs[i], csvs[i]);
    fputs("</ul>\n</body>\n</html>\n", out);
    return ob_atomic_commit(&file, err);
}

int ob_report_build(const char *results_dir, const char *plots_dir, int charts,
                    int jobs, int *drawn, struct ob_error *err)
{
    struct ob_report report;
    int status = ob_report_load(&report, results_dir, err);
    int draw = charts && ob_program_available("gnuplot");

    *drawn = 0;
    if (status == OB_OK)
        status = ob_report_write_summary(&report, results_dir, err);
    if (status == OB_OK && charts)
        status = ob_report_write_charts(&report, plots_dir, draw, jobs, err);
    if (status == OB_OK)
        status =
            ob_report_write_html(&report, results_dir, plots_dir, draw, err);
    if (status == OB_OK)
        *drawn = draw;
    ob_report_free(&report);
    return status;
}
