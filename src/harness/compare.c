/* optbench compare: rank tests (Mann and Whitney 1947, exact counts as in
 * Hollander and Wolfe, Nonparametric Statistical Methods, ch. 4), Fisher's
 * exact test, Holm (1979) step-down, and the cell-by-cell comparison of two
 * results folders of one suite. */
#include "compare.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "csv.h"
#include "plot.h"

/* ---- Statistics ---------------------------------------------------------- */

struct pooled_value {
    double value;
    int side; /* 0: x, 1: y */
};

static int compare_pooled(const void *a, const void *b)
{
    double u = ((const struct pooled_value *)a)->value;
    double v = ((const struct pooled_value *)b)->value;

    return (u > v) - (u < v);
}

static int compare_doubles(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;

    return (u > v) - (u < v);
}

/* Two-sided exact p: the share of the C(n, k) splits whose doubled rank sum
 * over k values lies at least |observed - k (n + 1)| from its mean. */
static int exact_rank_sum_p(const size_t *ranks2, size_t n, size_t k,
                            long long observed, double *p,
                            struct ob_error *err)
{
    size_t max_sum = n * (n + 1), width = max_sum + 1, reachable = 0;
    double *counts = calloc((k + 1) * width, sizeof *counts);
    long long mean = (long long)(k * (n + 1));
    long long distance = llabs(observed - mean);
    double tail = 0.0, total = 0.0;

    if (counts == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory for a rank test");
    counts[0] = 1.0;
    for (size_t i = 0; i < n; i++) {
        size_t r = ranks2[i], top = i + 1 < k ? i + 1 : k;

        reachable += r;
        for (size_t j = top; j >= 1; j--) {
            double *row = counts + j * width;
            const double *below = counts + (j - 1) * width;

            for (size_t s = reachable; s >= r; s--)
                row[s] += below[s - r];
        }
    }
    for (size_t s = 0; s <= max_sum; s++) {
        double c = counts[k * width + s];

        total += c;
        if (llabs((long long)s - mean) >= distance)
            tail += c;
    }
    free(counts);
    *p = fmin(1.0, tail / total);
    return OB_OK;
}

int ob_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
                    struct ob_rank_test *test, struct ob_error *err)
{
    size_t n = nx + ny, *ranks2;
    struct pooled_value *pooled;
    long long sum2_x = 0, sum2_y = 0;
    double ties = 0.0, mean;
    int status = OB_OK;

    test->kind = OB_TEST_NONE;
    test->u = 0.5 * (double)nx * (double)ny;
    test->p = 1.0;
    if (nx == 0 || ny == 0)
        return OB_OK;
    pooled = malloc(n * sizeof *pooled);
    ranks2 = malloc(n * sizeof *ranks2);
    if (pooled == NULL || ranks2 == NULL) {
        free(pooled), free(ranks2);
        return ob_errorf(err, OB_ENOMEM, "out of memory for a rank test");
    }
    for (size_t i = 0; i < n; i++) {
        double v = i < nx ? x[i] : y[i - nx];

        pooled[i].value = isnan(v) ? INFINITY : v;
        pooled[i].side = i >= nx;
    }
    qsort(pooled, n, sizeof *pooled, compare_pooled);

    /* Positions i..j-1 (0-based) tie: their mid-rank is (i + 1 + j) / 2,
     * so doubled ranks are whole numbers and sums compare exactly. */
    for (size_t i = 0, j; i < n; i = j) {
        double t;

        for (j = i + 1; j < n && pooled[j].value == pooled[i].value; j++)
            ;
        t = (double)(j - i);
        ties += t * t * t - t;
        for (size_t m = i; m < j; m++) {
            ranks2[m] = i + 1 + j;
            if (pooled[m].side)
                sum2_y += (long long)ranks2[m];
            else
                sum2_x += (long long)ranks2[m];
        }
        if (i == 0 && j == n) {
            free(pooled), free(ranks2);
            return OB_OK; /* every value tied: no information */
        }
    }
    mean = 0.5 * (double)nx * (double)ny;
    test->u = 0.5 * (double)sum2_y - 0.5 * (double)ny * (double)(ny + 1);

    if (n <= OB_MANN_WHITNEY_EXACT_MAX) {
        /* Counting the smaller side keeps the table small; the distance
         * of either side's sum from its mean is the same. */
        int smaller_is_x = nx <= ny;

        test->kind = OB_TEST_EXACT;
        status = exact_rank_sum_p(ranks2, n, smaller_is_x ? nx : ny,
                                  smaller_is_x ? sum2_x : sum2_y, &test->p,
                                  err);
    } else {
        double nn = (double)n;
        double variance = (double)nx * (double)ny / 12.0 *
                          ((nn + 1.0) - ties / (nn * (nn - 1.0)));
        double z = fmax(0.0, fabs(test->u - mean) - 0.5) / sqrt(variance);

        test->kind = OB_TEST_NORMAL;
        test->p = fmin(1.0, erfc(z / sqrt(2.0)));
    }
    free(pooled), free(ranks2);
    return status;
}

/* log of P(X = x + 1) / P(X = x) for the hypergeometric count X of events
 * among nx runs, k events in nx + ny runs. */
static double log_step(size_t x, size_t nx, size_t ny, size_t k)
{
    return log((double)(nx - x) / (double)(x + 1)) +
           log((double)(k - x) / (double)(ny - k + x + 1));
}

double ob_fisher_exact(size_t events_x, size_t nx, size_t events_y,
                       size_t ny)
{
    size_t n = nx + ny, k = events_x + events_y, low, high;
    double log_weight, highest, observed = 0.0, total = 0.0, tail = 0.0;

    if (nx == 0 || ny == 0 || k == 0 || k == n)
        return 1.0;
    low = k > ny ? k - ny : 0;
    high = k < nx ? k : nx;

    /* Two passes over the same recurrence: the largest weight first, so
     * the sums never overflow. */
    log_weight = 0.0;
    highest = 0.0;
    for (size_t x = low; x <= high; x++) {
        if (x == events_x)
            observed = log_weight;
        highest = fmax(highest, log_weight);
        if (x < high)
            log_weight += log_step(x, nx, ny, k);
    }
    log_weight = 0.0;
    for (size_t x = low; x <= high; x++) {
        double w = exp(log_weight - highest);

        total += w;
        if (log_weight <= observed + 1e-7)
            tail += w;
        if (x < high)
            log_weight += log_step(x, nx, ny, k);
    }
    return fmin(1.0, tail / total);
}

struct indexed_p {
    double p;
    size_t index;
};

static int compare_indexed_p(const void *a, const void *b)
{
    const struct indexed_p *u = a, *v = b;

    if (u->p != v->p)
        return (u->p > v->p) - (u->p < v->p);
    return (u->index > v->index) - (u->index < v->index);
}

int ob_holm(const double *p, size_t count, double *adjusted,
            struct ob_error *err)
{
    struct indexed_p *sorted = malloc((count + 1) * sizeof *sorted);
    double running = 0.0;

    if (sorted == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory for Holm's "
                         "procedure");
    for (size_t i = 0; i < count; i++) {
        sorted[i].p = p[i];
        sorted[i].index = i;
    }
    qsort(sorted, count, sizeof *sorted, compare_indexed_p);
    for (size_t i = 0; i < count; i++) {
        double v = fmin(1.0, (double)(count - i) * sorted[i].p);

        running = fmax(running, v);
        adjusted[sorted[i].index] = running;
    }
    free(sorted);
    return OB_OK;
}

const char *ob_verdict_name(enum ob_verdict verdict)
{
    switch (verdict) {
    case OB_VERDICT_BETTER:
        return "better";
    case OB_VERDICT_WORSE:
        return "worse";
    case OB_VERDICT_MISSING:
        return "missing";
    default:
        return "same";
    }
}

static const char *test_name(enum ob_test_kind kind)
{
    switch (kind) {
    case OB_TEST_EXACT:
        return "exact";
    case OB_TEST_NORMAL:
        return "normal";
    case OB_TEST_CONSTANT:
        return "constant";
    case OB_TEST_FISHER:
        return "fisher";
    default:
        return "none";
    }
}

/* ---- Loading two folders ------------------------------------------------- */

#define NO_COLUMN OB_CSV_NO_COLUMN

enum { BASE = 0, NEW = 1 };

/* The result files --exact checks, in the order it reports them. */
static const char *const exact_files[] = {
    "runs.csv", "targets.csv", "traces.csv", "summary.csv",
};
static const unsigned exact_bits[] = {
    OB_COMPARE_RUNS, OB_COMPARE_TARGETS, OB_COMPARE_TRACES,
    OB_COMPARE_SUMMARY,
};
#define EXACT_FILES 4
#define RUNS_FILE 0
#define TRACES_FILE 2

/* One side's reported runs of a cell. */
struct sample {
    double *gap;        /* final gap (or loss); diverged = +inf */
    double *gap_tested; /* the same with gaps floored at GAP_FLOOR */
    double *steps;      /* steps to target; never reached = +inf */
    const char **seeds; /* seed texts (into runs.csv) */
    unsigned char *diverged;
    size_t count, capacity;
    size_t gap_rows, loss_rows;
};

/* Gaps below this count as this in the tests and the rtol check: the floor
 * of the charts and of auc_log_gap. A run at the minimum ends with a gap
 * of rounding size, and a change in rounding there is no change. */
#define GAP_FLOOR 1e-16

struct loader {
    struct ob_comparison *comparison;
    struct ob_csv files[EXACT_FILES][2];
    struct sample *samples; /* 2 per cell: [2 c + side] */
    size_t cell_capacity;
    signed char *gap_shift, *steps_shift; /* sign of U - nx ny / 2 */
    double *gap_tested;     /* 2 per cell: medians of sample.gap_tested */
    size_t *trace_cells[2]; /* cell of each traces.csv row (charts) */
};

static char *copy_text(const char *text)
{
    size_t length = strlen(text) + 1;
    char *copy = malloc(length);

    if (copy != NULL)
        memcpy(copy, text, length);
    return copy;
}

static int check_folder(const char *dir, struct ob_error *err)
{
    struct stat info;

    if (stat(dir, &info) != 0)
        return ob_errorf(err, OB_EIO, "cannot read %s: %s", dir,
                         strerror(errno));
    if (!S_ISDIR(info.st_mode))
        return ob_errorf(err, OB_EIO, "cannot read %s: not a folder", dir);
    return OB_OK;
}

/* The suite name in DIR/manifest.json, copied into *name, and its "only"
 * (the run's --only glob) into *only, NULL when absent. */
static int read_manifest(const char *dir, char **name, char **only,
                         struct ob_error *err)
{
    char path[4200], *bytes = NULL;
    struct json_object *root, *suite, *glob;
    enum json_tokener_error problem;
    size_t size;
    int status = ob_path_join(path, sizeof path, dir, "manifest.json", err);

    if (status == OB_OK)
        status = ob_read_whole(path, &bytes, &size, err);
    if (status != OB_OK)
        return status;
    root = json_tokener_parse_verbose(bytes, &problem);
    free(bytes);
    if (root == NULL)
        return ob_errorf(err, OB_EDATA, "%s: malformed JSON: %s", path,
                         json_tokener_error_desc(problem));
    if (!json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "suite", &suite) ||
        !json_object_is_type(suite, json_type_string)) {
        json_object_put(root);
        return ob_errorf(err, OB_EDATA, "%s: no \"suite\" name", path);
    }
    *name = copy_text(json_object_get_string(suite));
    if (*name != NULL && json_object_object_get_ex(root, "only", &glob) &&
        json_object_is_type(glob, json_type_string)) {
        *only = copy_text(json_object_get_string(glob));
        if (*only == NULL)
            free(*name), *name = NULL;
    }
    json_object_put(root);
    return *name ? OB_OK : ob_errorf(err, OB_ENOMEM, "out of memory");
}

static size_t find_cell(const struct ob_comparison *c, const char *problem,
                        const char *optimizer, size_t *hint)
{
    if (*hint < c->cell_count &&
        strcmp(c->cells[*hint].problem, problem) == 0 &&
        strcmp(c->cells[*hint].optimizer, optimizer) == 0)
        return *hint;
    for (size_t i = 0; i < c->cell_count; i++)
        if (strcmp(c->cells[i].problem, problem) == 0 &&
            strcmp(c->cells[i].optimizer, optimizer) == 0)
            return *hint = i;
    return NO_COLUMN;
}

static int add_cell(struct loader *l, const char *problem,
                    const char *optimizer, size_t *index,
                    struct ob_error *err)
{
    struct ob_comparison *c = l->comparison;
    struct ob_compare_cell *cell;

    if (c->cell_count == l->cell_capacity) {
        size_t capacity = l->cell_capacity ? 2 * l->cell_capacity : 64;
        struct ob_compare_cell *cells =
            realloc(c->cells, capacity * sizeof *cells);
        struct sample *samples =
            cells ? realloc(l->samples, 2 * capacity * sizeof *samples)
                  : NULL;

        if (cells != NULL)
            c->cells = cells;
        if (samples == NULL)
            return ob_errorf(err, OB_ENOMEM, "out of memory");
        l->samples = samples;
        l->cell_capacity = capacity;
    }
    cell = &c->cells[c->cell_count];
    memset(cell, 0, sizeof *cell);
    memset(&l->samples[2 * c->cell_count], 0, 2 * sizeof *l->samples);
    cell->problem = copy_text(problem);
    cell->optimizer = copy_text(optimizer);
    *index = c->cell_count++;
    if (cell->problem == NULL || cell->optimizer == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    return OB_OK;
}

static int sample_add(struct sample *s, double gap, double gap_tested,
                      double steps, const char *seed, int diverged)
{
    if (s->count == s->capacity) {
        size_t capacity = s->capacity ? 2 * s->capacity : 8;
        double *g = realloc(s->gap, capacity * sizeof *g);
        double *f = g ? realloc(s->gap_tested, capacity * sizeof *f) : NULL;
        double *t = f ? realloc(s->steps, capacity * sizeof *t) : NULL;
        const char **e = t ? realloc(s->seeds, capacity * sizeof *e) : NULL;
        unsigned char *d = e ? realloc(s->diverged, capacity) : NULL;

        if (g != NULL)
            s->gap = g;
        if (f != NULL)
            s->gap_tested = f;
        if (t != NULL)
            s->steps = t;
        if (e != NULL)
            s->seeds = e;
        if (d == NULL)
            return OB_ENOMEM;
        s->diverged = d;
        s->capacity = capacity;
    }
    s->gap[s->count] = gap;
    s->gap_tested[s->count] = gap_tested;
    s->steps[s->count] = steps;
    s->seeds[s->count] = seed;
    s->diverged[s->count] = (unsigned char)diverged;
    s->count++;
    return OB_OK;
}

/* Columns of runs.csv that compare reads. */
struct runs_columns {
    size_t problem, optimizer, seed, status, final_loss, final_gap,
        steps_to_target, phase;
};

static int runs_columns_find(const struct ob_csv *csv, struct runs_columns *k,
                             struct ob_error *err)
{
    int status = ob_csv_require(csv, "problem", &k->problem, err);

    if (status == OB_OK)
        status = ob_csv_require(csv, "optimizer", &k->optimizer, err);
    if (status == OB_OK)
        status = ob_csv_require(csv, "seed", &k->seed, err);
    if (status == OB_OK)
        status = ob_csv_require(csv, "status", &k->status, err);
    if (status == OB_OK)
        status = ob_csv_require(csv, "final_loss", &k->final_loss, err);
    if (status == OB_OK)
        status = ob_csv_require(csv, "steps_to_target", &k->steps_to_target,
                             err);
    if (status == OB_OK)
        status = ob_csv_require(csv, "phase", &k->phase, err);
    /* Older or future files may lack the gap; final_loss stands in. */
    k->final_gap = ob_csv_find(csv, "final_gap");
    return status;
}

/* Adds the reported runs of one side's runs.csv to the cells. */
static int read_runs(struct loader *l, int side, struct ob_error *err)
{
    const struct ob_csv *csv = &l->files[RUNS_FILE][side];
    struct runs_columns k = {0};
    size_t hint = 0;
    int status = runs_columns_find(csv, &k, err);

    for (size_t r = 0; status == OB_OK && r < csv->rows; r++) {
        const char *problem = ob_csv_get(csv, r, k.problem);
        const char *optimizer = ob_csv_get(csv, r, k.optimizer);
        const char *seed = ob_csv_get(csv, r, k.seed);
        const char *run_status = ob_csv_get(csv, r, k.status);
        int diverged = strcmp(run_status, "diverged") == 0;
        double loss, gap = NAN, tested, steps;
        struct sample *s;
        size_t cell;

        if (*problem == '\0' || *optimizer == '\0' || *seed == '\0' ||
            *run_status == '\0')
            return ob_errorf(err, OB_EDATA, "%s:%zu: empty problem, "
                             "optimizer, seed or status", csv->path,
                             csv->line[r + 1]);
        if (strcmp(run_status, "ok") != 0 && !diverged &&
            strcmp(run_status, "stalled") != 0)
            return ob_errorf(err, OB_EDATA, "%s:%zu: status '%s' is not ok, "
                             "diverged or stalled", csv->path,
                             csv->line[r + 1], run_status);
        if (strcmp(ob_csv_get(csv, r, k.phase), "final") != 0 &&
            strcmp(ob_csv_get(csv, r, k.phase), "tune") != 0)
            return ob_errorf(err, OB_EDATA, "%s:%zu: phase '%s' is not tune "
                             "or final", csv->path, csv->line[r + 1],
                             ob_csv_get(csv, r, k.phase));
        status = ob_csv_number(csv, r, k.final_loss, 0, &loss, err);
        if (status == OB_OK && k.final_gap != NO_COLUMN)
            status = ob_csv_number(csv, r, k.final_gap, 1, &gap, err);
        if (status == OB_OK)
            status = ob_csv_number(csv, r, k.steps_to_target, 1, &steps, err);
        if (status != OB_OK)
            return status;
        if (!isnan(steps) && !(steps >= 0.0 && steps == floor(steps)))
            return ob_errorf(err, OB_EDATA, "%s:%zu: steps_to_target '%s' "
                             "is not a step number", csv->path,
                             csv->line[r + 1],
                             ob_csv_get(csv, r, k.steps_to_target));
        /* Tuning runs are checked but not compared. */
        if (strcmp(ob_csv_get(csv, r, k.phase), "final") != 0)
            continue;

        cell = find_cell(l->comparison, problem, optimizer, &hint);
        if (cell == NO_COLUMN) {
            status = add_cell(l, problem, optimizer, &cell, err);
            if (status != OB_OK)
                return status;
        }
        s = &l->samples[2 * cell + side];
        for (size_t i = 0; i < s->count; i++)
            if (strcmp(s->seeds[i], seed) == 0)
                return ob_errorf(err, OB_EDATA, "%s:%zu: a second reported "
                                 "run of %s/%s with seed %s", csv->path,
                                 csv->line[r + 1], problem, optimizer,
                                 seed);
        if (isnan(gap))
            s->loss_rows++;
        else
            s->gap_rows++;
        tested = isnan(gap) ? loss : fmax(gap, GAP_FLOOR);
        gap = isnan(gap) ? loss : gap;
        if (diverged || isnan(gap))
            gap = tested = INFINITY;
        if (sample_add(s, gap, tested, isnan(steps) ? INFINITY : steps,
                       seed, diverged) != OB_OK)
            return ob_errorf(err, OB_ENOMEM, "out of memory");
    }
    return status;
}

/* The distinct labels of a column, in order of appearance; *count of
 * them. NULL when out of memory. */
static const char **distinct_labels(const struct ob_csv *csv, size_t column,
                                    size_t *count)
{
    const char **labels = malloc((csv->rows + 1) * sizeof *labels);

    *count = 0;
    for (size_t r = 0; labels != NULL && r < csv->rows; r++) {
        const char *label = ob_csv_get(csv, r, column);
        size_t k = *count;

        while (k > 0 && strcmp(labels[k - 1], label) != 0)
            k--;
        if (k == 0)
            labels[(*count)++] = label;
    }
    return labels;
}

static int contains(const char **labels, size_t count, const char *label)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(labels[i], label) == 0)
            return 1;
    return 0;
}

/* Whether both runs.csv files hold the same set of labels in column. */
static int labels_match(const struct ob_comparison *c, const struct ob_csv *a,
                        const struct ob_csv *b, const char *column,
                        struct ob_error *err)
{
    size_t na, nb;
    const char **la = distinct_labels(a, ob_csv_find(a, column), &na);
    const char **lb = distinct_labels(b, ob_csv_find(b, column), &nb);
    int status = OB_OK;

    if (la == NULL || lb == NULL)
        status = ob_errorf(err, OB_ENOMEM, "out of memory");
    for (size_t i = 0; status == OB_OK && i < na; i++)
        if (!contains(lb, nb, la[i]))
            status = ob_errorf(err, OB_EINVAL, "different suites: %s '%s' "
                               "is in %s/runs.csv but not in %s/runs.csv",
                               column, la[i], c->base_dir, c->new_dir);
    for (size_t i = 0; status == OB_OK && i < nb; i++)
        if (!contains(la, na, lb[i]))
            status = ob_errorf(err, OB_EINVAL, "different suites: %s '%s' "
                               "is in %s/runs.csv but not in %s/runs.csv",
                               column, lb[i], c->new_dir, c->base_dir);
    free(la), free(lb);
    return status;
}

/* How a side's run chose its pairs, for messages. */
static void selection(const char *only, char *out, size_t size)
{
    if (only != NULL)
        snprintf(out, size, "--only '%s'", only);
    else
        snprintf(out, size, "the whole suite");
}

/* Both sides must hold the same pairs. When their --only globs differ,
 * that is the reason to name: a pair missing on one side follows from it. */
static int check_same_suite(struct loader *l, const char *names[2],
                            const char *only[2], struct ob_error *err)
{
    const struct ob_comparison *c = l->comparison;
    const struct ob_csv *base = &l->files[RUNS_FILE][BASE];
    const struct ob_csv *fresh = &l->files[RUNS_FILE][NEW];
    char base_only[120], new_only[120];
    int status;

    if (strcmp(names[BASE], names[NEW]) != 0)
        return ob_errorf(err, OB_EINVAL, "different suites: %s/manifest.json "
                         "says '%s', %s/manifest.json says '%s'",
                         c->base_dir, names[BASE], c->new_dir, names[NEW]);
    status = labels_match(c, base, fresh, "problem", err);
    if (status == OB_OK)
        status = labels_match(c, base, fresh, "optimizer", err);
    if (status != OB_OK && (only[BASE] == NULL || only[NEW] == NULL
                                ? only[BASE] != only[NEW]
                                : strcmp(only[BASE], only[NEW]) != 0)) {
        selection(only[BASE], base_only, sizeof base_only);
        selection(only[NEW], new_only, sizeof new_only);
        status = ob_errorf(err, OB_EINVAL,
                           "different selections of suite %s: %s ran %s, "
                           "%s ran %s (manifest.json, \"only\")",
                           names[BASE], c->base_dir, base_only, c->new_dir,
                           new_only);
    }
    return status;
}

/* ---- Statistics per cell ------------------------------------------------- */

/* Median of values[0..count), which it sorts; NAN when count is 0. */
static double median_in_place(double *values, size_t count)
{
    if (count == 0)
        return NAN;
    qsort(values, count, sizeof *values, compare_doubles);
    if (count % 2)
        return values[count / 2];
    return 0.5 * values[count / 2 - 1] + 0.5 * values[count / 2];
}

static double median_of(const double *values, size_t count, double *scratch)
{
    if (count > 0)
        memcpy(scratch, values, count * sizeof *scratch);
    return median_in_place(scratch, count);
}

static int constant(const double *values, size_t count)
{
    for (size_t i = 1; i < count; i++)
        if (!(values[i] == values[0]))
            return 0;
    return 1;
}

/* Medians of shown_a and shown_b, and the test of a against b (the values
 * as tested, whose medians go to tested[2] unless it is NULL); *shift is
 * the sign of U minus its mean (new values ranking above base is +1). */
static int measure(struct ob_compare_metric *m, signed char *shift,
                   double tested[2], const double *shown_a,
                   const double *shown_b, const double *a, size_t na,
                   const double *b, size_t nb, double *scratch,
                   struct ob_error *err)
{
    struct ob_rank_test test;
    int status;

    m->was = median_of(shown_a, na, scratch);
    m->now = median_of(shown_b, nb, scratch);
    if (tested != NULL) {
        tested[BASE] = median_of(a, na, scratch);
        tested[NEW] = median_of(b, nb, scratch);
    }
    m->change = 0;
    *shift = 0;
    if (na == 0 || nb == 0) {
        m->test = OB_TEST_NONE;
        m->p = m->p_holm = NAN;
        return OB_OK;
    }
    /* A deterministic problem repeats one value on every seed: there is
     * no spread to test against, and a rank test of n identical values
     * per side could never reach significance. A single run shows no
     * spread, so it is not taken as constant. */
    if (na >= 2 && nb >= 2 && constant(a, na) && constant(b, nb) &&
        !(a[0] == b[0])) {
        m->test = OB_TEST_CONSTANT;
        m->p = m->p_holm = NAN;
        *shift = b[0] > a[0] ? 1 : -1;
        return OB_OK;
    }
    status = ob_mann_whitney(a, na, b, nb, &test, err);
    if (status != OB_OK)
        return status;
    m->test = test.kind;
    m->p = m->p_holm = test.p;
    *shift = (signed char)((test.u > 0.5 * (double)na * (double)nb) -
                           (test.u < 0.5 * (double)na * (double)nb));
    return OB_OK;
}

static int in_family(enum ob_test_kind kind)
{
    return kind == OB_TEST_EXACT || kind == OB_TEST_NORMAL ||
           kind == OB_TEST_FISHER;
}

static int medians_equal(double a, double b, double rtol)
{
    if (isnan(a) || isnan(b) || a == b)
        return 1;
    if (!isfinite(a) || !isfinite(b))
        return 0;
    return fabs(a - b) <= rtol * fmax(fabs(a), fabs(b));
}

static int change_of(const struct ob_compare_metric *m, int shift,
                     const double tested[2],
                     const struct ob_compare_options *options)
{
    int direction;

    if (medians_equal(tested[BASE], tested[NEW], options->rtol))
        return 0;
    direction = tested[NEW] > tested[BASE] ? 1 : -1;
    if (m->test == OB_TEST_CONSTANT)
        return direction;
    if (in_family(m->test) && m->p_holm <= options->alpha &&
        shift == direction)
        return direction;
    return 0;
}

static int analyse(struct loader *l, struct ob_error *err)
{
    struct ob_comparison *c = l->comparison;
    size_t largest = 1, tests = 0;
    double *scratch, *p;
    int status = OB_OK;

    for (size_t i = 0; i < 2 * c->cell_count; i++)
        if (l->samples[i].count > largest)
            largest = l->samples[i].count;
    scratch = malloc(largest * sizeof *scratch);
    p = malloc((3 * c->cell_count + 1) * sizeof *p);
    l->gap_shift = calloc(c->cell_count + 1, 1);
    l->steps_shift = calloc(c->cell_count + 1, 1);
    l->gap_tested = calloc(2 * c->cell_count + 1, sizeof *l->gap_tested);
    if (scratch == NULL || p == NULL || l->gap_shift == NULL ||
        l->steps_shift == NULL || l->gap_tested == NULL) {
        free(scratch), free(p);
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    }

    for (size_t i = 0; status == OB_OK && i < c->cell_count; i++) {
        struct ob_compare_cell *cell = &c->cells[i];
        const struct sample *a = &l->samples[2 * i + BASE];
        const struct sample *b = &l->samples[2 * i + NEW];
        size_t gap_rows = a->gap_rows + b->gap_rows;
        size_t loss_rows = a->loss_rows + b->loss_rows;

        cell->runs_base = a->count;
        cell->runs_new = b->count;
        for (size_t r = 0; r < a->count; r++) {
            cell->reached_base += isfinite(a->steps[r]);
            cell->diverged_base += a->diverged[r];
        }
        for (size_t r = 0; r < b->count; r++) {
            cell->reached_new += isfinite(b->steps[r]);
            cell->diverged_new += b->diverged[r];
        }
        cell->metric = loss_rows == 0 ? "gap"
                       : gap_rows == 0 ? "loss"
                                       : "mixed";
        status = measure(&cell->gap, &l->gap_shift[i], &l->gap_tested[2 * i],
                         a->gap, b->gap, a->gap_tested, a->count,
                         b->gap_tested, b->count, scratch, err);
        if (status == OB_OK)
            status = measure(&cell->steps, &l->steps_shift[i], NULL,
                             a->steps, b->steps, a->steps, a->count,
                             b->steps, b->count, scratch, err);

        cell->divergence.was = a->count ? (double)cell->diverged_base /
                                              (double)a->count
                                        : NAN;
        cell->divergence.now = b->count ? (double)cell->diverged_new /
                                              (double)b->count
                                        : NAN;
        cell->divergence.test = OB_TEST_NONE;
        cell->divergence.p = cell->divergence.p_holm =
            a->count && b->count ? 1.0 : NAN;
        if (a->count && b->count) {
            size_t events = cell->diverged_base + cell->diverged_new;

            if (events > 0 && events < a->count + b->count)
                cell->divergence.test = OB_TEST_FISHER;
            cell->divergence.p = cell->divergence.p_holm =
                ob_fisher_exact(cell->diverged_base, a->count,
                                cell->diverged_new, b->count);
        }
    }

    /* Holm over every test of every cell. */
    for (size_t i = 0; status == OB_OK && i < c->cell_count; i++) {
        struct ob_compare_metric *m[3] = {&c->cells[i].gap,
                                          &c->cells[i].steps,
                                          &c->cells[i].divergence};

        for (int k = 0; k < 3; k++)
            if (in_family(m[k]->test))
                p[tests++] = m[k]->p;
    }
    if (status == OB_OK)
        status = ob_holm(p, tests, p, err);
    c->tests = tests;
    tests = 0;
    for (size_t i = 0; status == OB_OK && i < c->cell_count; i++) {
        struct ob_compare_cell *cell = &c->cells[i];
        struct ob_compare_metric *m[3] = {&cell->gap, &cell->steps,
                                          &cell->divergence};
        /* Steps are tested as they are, so their medians are the shown
         * ones. */
        double steps_tested[2] = {cell->steps.was, cell->steps.now};
        int up, down;

        for (int k = 0; k < 3; k++)
            if (in_family(m[k]->test))
                m[k]->p_holm = p[tests++];
        cell->gap.change = change_of(&cell->gap, l->gap_shift[i],
                                     &l->gap_tested[2 * i], &c->options);
        cell->steps.change = change_of(&cell->steps, l->steps_shift[i],
                                       steps_tested, &c->options);
        if (cell->divergence.test == OB_TEST_FISHER &&
            cell->divergence.p_holm <= c->options.alpha)
            cell->divergence.change =
                (cell->divergence.now > cell->divergence.was) -
                (cell->divergence.now < cell->divergence.was);

        up = cell->gap.change > 0 || cell->steps.change > 0 ||
             cell->divergence.change > 0;
        down = cell->gap.change < 0 || cell->steps.change < 0 ||
               cell->divergence.change < 0;
        if (cell->runs_base == 0 || cell->runs_new == 0)
            cell->verdict = OB_VERDICT_MISSING;
        else if (up)
            cell->verdict = OB_VERDICT_WORSE;
        else if (down)
            cell->verdict = OB_VERDICT_BETTER;
        else
            cell->verdict = OB_VERDICT_SAME;
        c->same += cell->verdict == OB_VERDICT_SAME;
        c->better += cell->verdict == OB_VERDICT_BETTER;
        c->worse += cell->verdict == OB_VERDICT_WORSE;
        c->missing += cell->verdict == OB_VERDICT_MISSING;
    }
    free(scratch), free(p);
    return status;
}

/* ---- --exact ------------------------------------------------------------- */

/* Row (header = 0) of csv whose text holds byte `offset`. */
static size_t row_at(const struct ob_csv *csv, size_t offset)
{
    size_t row = 0;

    for (size_t r = 0; r <= csv->rows; r++)
        if (csv->start[r] <= offset)
            row = r;
    return row;
}

/* "PROBLEM/OPTIMIZER seed S step K" for data row `row` (header = 0). */
static void describe_row(const struct ob_csv *csv, size_t row, char *out,
                         size_t size)
{
    static const char *const keys[] = {"seed", "step", "target_gap"};
    size_t problem = ob_csv_find(csv, "problem");
    size_t optimizer = ob_csv_find(csv, "optimizer");
    size_t phase = ob_csv_find(csv, "phase");
    size_t length;

    snprintf(out, size, "%s/%s",
             problem != NO_COLUMN ? ob_csv_get(csv, row - 1, problem) : "?",
             optimizer != NO_COLUMN ? ob_csv_get(csv, row - 1, optimizer)
                                    : "?");
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        size_t column = ob_csv_find(csv, keys[k]);

        length = strlen(out);
        if (column != NO_COLUMN && length < size)
            snprintf(out + length, size - length, " %s %s",
                     strcmp(keys[k], "target_gap") == 0 ? "target"
                                                        : keys[k],
                     ob_csv_get(csv, row - 1, column));
    }
    length = strlen(out);
    if (phase != NO_COLUMN && length < size &&
        strcmp(ob_csv_get(csv, row - 1, phase), "tune") == 0)
        snprintf(out + length, size - length, " (tuning)");
}

static void describe_difference(struct ob_comparison *c, const char *name,
                                const struct ob_csv *a, const struct ob_csv *b)
{
    size_t i = 0, line = 1, row;
    const struct ob_csv *shown = b;
    const char *where = "";
    char what[300];

    while (i < a->size && i < b->size && a->raw[i] == b->raw[i])
        line += a->raw[i++] == '\n';
    if (i >= b->size) {
        shown = a;
        where = " (missing in the new results)";
    } else if (i >= a->size) {
        where = " (not in the baseline)";
    }
    row = row_at(shown, i);
    if (row == 0) {
        snprintf(c->difference, sizeof c->difference, "%s differs from "
                 "the baseline in its header (line %zu)", name, line);
        return;
    }
    describe_row(shown, row, what, sizeof what);
    snprintf(c->difference, sizeof c->difference, "%s differs from the "
             "baseline first at line %zu: %s%s", name, shown->line[row],
             what, where);
}

static uint64_t hash_bytes(uint64_t hash, const char *bytes, size_t size)
{
    /* FNV-1a, 64 bits. */
    for (size_t i = 0; i < size; i++) {
        hash ^= (unsigned char)bytes[i];
        hash *= 1099511628211ULL;
    }
    return hash;
}

/* Marks the cells whose rows in file f differ between the sides, by a
 * hash and count of each cell's row bytes in file order. */
static int mark_moved(struct loader *l, size_t f, struct ob_error *err)
{
    struct ob_comparison *c = l->comparison;
    uint64_t *hash = malloc((2 * c->cell_count + 1) * sizeof *hash);
    size_t *rows = calloc(2 * c->cell_count + 1, sizeof *rows);

    if (hash == NULL || rows == NULL) {
        free(hash), free(rows);
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < 2 * c->cell_count; i++)
        hash[i] = 14695981039346656037ULL;
    for (int side = 0; side < 2; side++) {
        const struct ob_csv *csv = &l->files[f][side];
        size_t problem = ob_csv_find(csv, "problem");
        size_t optimizer = ob_csv_find(csv, "optimizer"), hint = 0;

        if (problem == NO_COLUMN || optimizer == NO_COLUMN) {
            free(hash), free(rows);
            return ob_csv_require(csv, problem == NO_COLUMN ? "problem"
                                                         : "optimizer",
                               &problem, err);
        }
        for (size_t r = 0; r < csv->rows; r++) {
            size_t cell = find_cell(c, ob_csv_get(csv, r, problem),
                                    ob_csv_get(csv, r, optimizer), &hint);

            if (cell == NO_COLUMN)
                continue;
            hash[2 * cell + side] =
                hash_bytes(hash[2 * cell + side], csv->raw + csv->start[r + 1],
                           csv->end[r + 1] - csv->start[r + 1] + 1);
            rows[2 * cell + side]++;
        }
    }
    for (size_t i = 0; i < c->cell_count; i++)
        if (hash[2 * i] != hash[2 * i + 1] || rows[2 * i] != rows[2 * i + 1])
            c->cells[i].moved |= exact_bits[f];
    free(hash), free(rows);
    return OB_OK;
}

static int check_exact(struct loader *l, struct ob_error *err)
{
    struct ob_comparison *c = l->comparison;

    c->identical = 1;
    for (size_t f = 0; f < EXACT_FILES; f++) {
        const struct ob_csv *a = &l->files[f][BASE], *b = &l->files[f][NEW];
        int status;

        if (a->size == b->size && memcmp(a->raw, b->raw, a->size) == 0)
            continue;
        if (c->identical)
            describe_difference(c, exact_files[f], a, b);
        c->identical = 0;
        status = mark_moved(l, f, err);
        if (status != OB_OK)
            return status;
    }
    return OB_OK;
}

/* ---- Median traces for the charts ---------------------------------------- */

struct point {
    double step, value;
};

static int compare_points(const void *a, const void *b)
{
    double u = ((const struct point *)a)->step;
    double v = ((const struct point *)b)->step;

    return (u > v) - (u < v);
}

static int seed_diverged(const struct sample *s, const char *seed)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->seeds[i], seed) == 0)
            return s->diverged[i];
    return 0;
}

/* Median of each step over the rows of cell `cell`, side `side`, of
 * traces.csv, leaving out the runs that diverged. */
static int median_trace(struct loader *l, size_t cell, int side,
                        struct ob_error *err)
{
    const struct ob_csv *csv = &l->files[TRACES_FILE][side];
    const struct sample *s = &l->samples[2 * cell + side];
    struct ob_compare_cell *target = &l->comparison->cells[cell];
    size_t seed = ob_csv_find(csv, "seed"), step = ob_csv_find(csv, "step");
    size_t loss = ob_csv_find(csv, "loss"), gap = ob_csv_find(csv, "gap");
    struct point *points = NULL;
    size_t count = 0, capacity = 0, out = 0;
    double *scratch, *trace;

    /* Each row's cell once per file, not once per chart. */
    if (l->trace_cells[side] == NULL) {
        size_t problem = ob_csv_find(csv, "problem"), hint = 0;
        size_t optimizer = ob_csv_find(csv, "optimizer");

        l->trace_cells[side] = malloc((csv->rows + 1) * sizeof(size_t));
        if (l->trace_cells[side] == NULL)
            return ob_errorf(err, OB_ENOMEM, "out of memory");
        for (size_t r = 0; r < csv->rows; r++)
            l->trace_cells[side][r] =
                find_cell(l->comparison, ob_csv_get(csv, r, problem),
                          ob_csv_get(csv, r, optimizer), &hint);
    }
    for (size_t r = 0; r < csv->rows; r++) {
        double v = NAN, t;

        if (l->trace_cells[side][r] != cell ||
            seed_diverged(s, ob_csv_get(csv, r, seed)))
            continue;
        t = strtod(ob_csv_get(csv, r, step), NULL);
        if (gap != NO_COLUMN && *ob_csv_get(csv, r, gap) != '\0')
            v = strtod(ob_csv_get(csv, r, gap), NULL);
        else
            v = strtod(ob_csv_get(csv, r, loss), NULL);
        if (!isfinite(v))
            continue;
        if (count == capacity) {
            struct point *grown;

            capacity = capacity ? 2 * capacity : 256;
            grown = realloc(points, capacity * sizeof *grown);
            if (grown == NULL) {
                free(points);
                return ob_errorf(err, OB_ENOMEM, "out of memory");
            }
            points = grown;
        }
        points[count].step = t;
        points[count].value = v;
        count++;
    }
    qsort(points, count, sizeof *points, compare_points);
    scratch = malloc((count + 1) * sizeof *scratch);
    trace = malloc((2 * count + 1) * sizeof *trace);
    if (scratch == NULL || trace == NULL) {
        free(points), free(scratch), free(trace);
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    }
    for (size_t i = 0, j; i < count; i = j) {
        size_t m = 0;

        for (j = i; j < count && points[j].step == points[i].step; j++)
            scratch[m++] = points[j].value;
        trace[out] = points[i].step;
        trace[count + out] = median_in_place(scratch, m);
        out++;
    }
    /* Pack the medians right after the steps. */
    memmove(trace + out, trace + count, out * sizeof *trace);
    target->trace[side] = trace;
    target->trace_count[side] = out;
    free(points), free(scratch);
    return OB_OK;
}

/* Checks every row of traces.csv: step a whole number, loss a number, gap
 * a number or empty. */
static int check_traces(const struct ob_csv *csv, struct ob_error *err)
{
    size_t step, loss, gap = ob_csv_find(csv, "gap"), column;
    int status = ob_csv_require(csv, "problem", &column, err);

    if (status == OB_OK)
        status = ob_csv_require(csv, "optimizer", &column, err);
    if (status == OB_OK)
        status = ob_csv_require(csv, "seed", &column, err);
    if (status == OB_OK)
        status = ob_csv_require(csv, "step", &step, err);
    if (status == OB_OK)
        status = ob_csv_require(csv, "loss", &loss, err);
    for (size_t r = 0; status == OB_OK && r < csv->rows; r++) {
        double v;

        status = ob_csv_number(csv, r, step, 0, &v, err);
        if (status == OB_OK && !(v >= 0.0 && v == floor(v)))
            status = ob_errorf(err, OB_EDATA, "%s:%zu: step '%s' is not a "
                               "step number", csv->path, csv->line[r + 1],
                               ob_csv_get(csv, r, step));
        if (status == OB_OK)
            status = ob_csv_number(csv, r, loss, 0, &v, err);
        if (status == OB_OK && gap != NO_COLUMN)
            status = ob_csv_number(csv, r, gap, 1, &v, err);
    }
    return status;
}

/* ---- Loading ------------------------------------------------------------- */

static void loader_free(struct loader *l)
{
    for (size_t f = 0; f < EXACT_FILES; f++)
        for (int side = 0; side < 2; side++)
            ob_csv_free(&l->files[f][side]);
    for (size_t i = 0; l->samples != NULL &&
                       i < 2 * l->comparison->cell_count; i++) {
        free(l->samples[i].gap), free(l->samples[i].gap_tested);
        free(l->samples[i].steps);
        free(l->samples[i].seeds), free(l->samples[i].diverged);
    }
    free(l->samples), free(l->gap_shift), free(l->steps_shift);
    free(l->gap_tested), free(l->trace_cells[0]), free(l->trace_cells[1]);
}

static int load_file(struct loader *l, size_t f, struct ob_error *err)
{
    const char *dirs[2] = {l->comparison->base_dir, l->comparison->new_dir};
    int status = OB_OK;

    for (int side = 0; status == OB_OK && side < 2; side++)
        if (l->files[f][side].raw == NULL)
            status = ob_csv_load(&l->files[f][side], dirs[side],
                              exact_files[f], err);
    return status;
}

static int load_all(struct loader *l, struct ob_error *err)
{
    struct ob_comparison *c = l->comparison;
    char *names[2] = {NULL, NULL}, *only[2] = {NULL, NULL};
    int status = check_folder(c->base_dir, err), charts = 0;

    if (status == OB_OK)
        status = check_folder(c->new_dir, err);
    if (status == OB_OK)
        status = read_manifest(c->base_dir, &names[BASE], &only[BASE], err);
    if (status == OB_OK)
        status = read_manifest(c->new_dir, &names[NEW], &only[NEW], err);
    if (status == OB_OK)
        status = load_file(l, RUNS_FILE, err);
    if (status == OB_OK)
        status = read_runs(l, BASE, err);
    if (status == OB_OK)
        status = read_runs(l, NEW, err);
    if (status == OB_OK)
        status =
            check_same_suite(l, (const char **)names, (const char **)only, err);
    if (status == OB_OK) {
        c->suite = names[BASE];
        names[BASE] = NULL;
    }
    free(names[BASE]), free(names[NEW]);
    free(only[BASE]), free(only[NEW]);
    if (status == OB_OK)
        status = analyse(l, err);

    for (size_t f = 0; status == OB_OK && c->options.exact &&
                       f < EXACT_FILES; f++)
        status = load_file(l, f, err);
    for (size_t i = 0; i < c->cell_count; i++)
        charts |= c->options.charts && c->cells[i].verdict != OB_VERDICT_SAME;
    if (status == OB_OK && charts)
        status = load_file(l, TRACES_FILE, err);
    for (int side = 0; status == OB_OK && side < 2; side++)
        if (l->files[TRACES_FILE][side].raw != NULL)
            status = check_traces(&l->files[TRACES_FILE][side], err);
    if (status == OB_OK && c->options.exact)
        status = check_exact(l, err);
    for (size_t i = 0; status == OB_OK && charts && i < c->cell_count; i++)
        for (int side = 0; status == OB_OK && side < 2; side++)
            if (c->cells[i].verdict != OB_VERDICT_SAME)
                status = median_trace(l, i, side, err);
    return status;
}

int ob_compare_load(struct ob_comparison *comparison, const char *base_dir,
                    const char *new_dir,
                    const struct ob_compare_options *options,
                    struct ob_error *err)
{
    struct loader l;
    int status;

    memset(comparison, 0, sizeof *comparison);
    memset(&l, 0, sizeof l);
    l.comparison = comparison;
    comparison->options = *options;
    comparison->base_dir = copy_text(base_dir);
    comparison->new_dir = copy_text(new_dir);
    if (comparison->base_dir == NULL || comparison->new_dir == NULL)
        status = ob_errorf(err, OB_ENOMEM, "out of memory");
    else if (!(options->alpha > 0.0 && options->alpha < 1.0) ||
             !(options->rtol >= 0.0 && isfinite(options->rtol)))
        status = ob_errorf(err, OB_EINVAL, "alpha must lie in (0, 1) and "
                           "rtol be a finite number >= 0");
    else
        status = load_all(&l, err);
    loader_free(&l);
    if (status != OB_OK)
        ob_compare_free(comparison);
    return status;
}

void ob_compare_free(struct ob_comparison *comparison)
{
    for (size_t i = 0; i < comparison->cell_count; i++) {
        free(comparison->cells[i].problem);
        free(comparison->cells[i].optimizer);
        free(comparison->cells[i].trace[BASE]);
        free(comparison->cells[i].trace[NEW]);
    }
    free(comparison->cells);
    free(comparison->suite);
    free(comparison->base_dir), free(comparison->new_dir);
    memset(comparison, 0, sizeof *comparison);
}

/* ---- Writing ------------------------------------------------------------- */

/* A value of a side that may have no runs: empty when NAN. */
static void write_value(FILE *out, double value)
{
    fputc(',', out);
    if (!isnan(value))
        ob_write_double(out, value);
}

static void write_metric(FILE *out, const struct ob_compare_metric *m)
{
    write_value(out, m->was);
    write_value(out, m->now);
    fprintf(out, ",%s", test_name(m->test));
    write_value(out, m->p);
    write_value(out, m->p_holm);
}

static double rate(size_t part, size_t whole)
{
    return whole ? (double)part / (double)whole : NAN;
}

static int write_csv(const struct ob_comparison *c, const char *dir,
                     struct ob_error *err)
{
    struct ob_atomic_file file;
    char path[4200];
    int status = ob_path_join(path, sizeof path, dir, "compare.csv", err);

    if (status == OB_OK)
        status = ob_atomic_open(&file, path, err);
    if (status != OB_OK)
        return status;
    fputs("problem,optimizer,verdict,metric,runs_base,runs_new,"
          "gap_base,gap_new,gap_test,gap_p,gap_p_holm,"
          "success_base,success_new,"
          "steps_base,steps_new,steps_test,steps_p,steps_p_holm,"
          "divergence_base,divergence_new,divergence_test,divergence_p,"
          "divergence_p_holm\n", file.stream);
    for (size_t i = 0; i < c->cell_count; i++) {
        const struct ob_compare_cell *cell = &c->cells[i];

        fprintf(file.stream, "%s,%s,%s,%s,%zu,%zu", cell->problem,
                cell->optimizer, ob_verdict_name(cell->verdict),
                cell->metric, cell->runs_base, cell->runs_new);
        write_metric(file.stream, &cell->gap);
        write_value(file.stream, rate(cell->reached_base, cell->runs_base));
        write_value(file.stream, rate(cell->reached_new, cell->runs_new));
        write_metric(file.stream, &cell->steps);
        write_metric(file.stream, &cell->divergence);
        fputc('\n', file.stream);
    }
    return ob_atomic_commit(&file, err);
}

enum { COLUMNS = 10 };

static const char *const headings[COLUMNS] = {
    "problem", "optimizer", "final gap (base -> new)", "steps to target",
    "success", "diverged", "p gap", "p steps", "p div", "verdict",
};

static void format_number(char *out, size_t size, double value)
{
    if (isnan(value))
        snprintf(out, size, "-");
    else if (isinf(value))
        snprintf(out, size, value > 0 ? "inf" : "-inf");
    else
        snprintf(out, size, "%.4g", value);
}

static void format_p(char *out, size_t size, const struct ob_compare_metric *m)
{
    if (m->test == OB_TEST_CONSTANT)
        snprintf(out, size, "const");
    else if (isnan(m->p_holm))
        snprintf(out, size, "-");
    else
        snprintf(out, size, "%.2g", m->p_holm);
}

static void format_count(char *out, size_t size, size_t part, size_t whole)
{
    if (whole == 0)
        snprintf(out, size, "-");
    else
        snprintf(out, size, "%zu/%zu", part, whole);
}

/* The displayed fields of one cell. */
static void format_row(const struct ob_compare_cell *cell,
                       char text[COLUMNS][96])
{
    char was[32], now[32], a[32], b[32];

    snprintf(text[0], 96, "%s", cell->problem);
    snprintf(text[1], 96, "%s", cell->optimizer);
    format_number(was, sizeof was, cell->gap.was);
    format_number(now, sizeof now, cell->gap.now);
    snprintf(text[2], 96, "%s -> %s%s", was, now,
             strcmp(cell->metric, "gap") == 0 ? "" : " (loss)");
    format_number(was, sizeof was, cell->steps.was);
    format_number(now, sizeof now, cell->steps.now);
    snprintf(text[3], 96, "%s -> %s", was, now);
    format_count(a, sizeof a, cell->reached_base, cell->runs_base);
    format_count(b, sizeof b, cell->reached_new, cell->runs_new);
    snprintf(text[4], 96, "%s -> %s", a, b);
    format_count(a, sizeof a, cell->diverged_base, cell->runs_base);
    format_count(b, sizeof b, cell->diverged_new, cell->runs_new);
    snprintf(text[5], 96, "%s -> %s", a, b);
    format_p(text[6], 96, &cell->gap);
    format_p(text[7], 96, &cell->steps);
    format_p(text[8], 96, &cell->divergence);
    snprintf(text[9], 96, "%s", ob_verdict_name(cell->verdict));
}

void ob_compare_print_table(const struct ob_comparison *c, FILE *out)
{
    size_t width[COLUMNS];
    char text[COLUMNS][96];

    for (int k = 0; k < COLUMNS; k++)
        width[k] = strlen(headings[k]);
    for (size_t i = 0; i < c->cell_count; i++) {
        format_row(&c->cells[i], text);
        for (int k = 0; k < COLUMNS; k++)
            if (strlen(text[k]) > width[k])
                width[k] = strlen(text[k]);
    }
    for (int k = 0; k + 1 < COLUMNS; k++)
        fprintf(out, "%-*s  ", (int)width[k], headings[k]);
    fprintf(out, "%s\n", headings[COLUMNS - 1]);
    for (size_t i = 0; i < c->cell_count; i++) {
        format_row(&c->cells[i], text);
        for (int k = 0; k + 1 < COLUMNS; k++)
            fprintf(out, "%-*s  ", (int)width[k], text[k]);
        fprintf(out, "%s\n", text[COLUMNS - 1]);
    }
}

static void markdown_rows(FILE *out, const struct ob_comparison *c,
                          int same)
{
    char text[COLUMNS][96];

    for (int k = 0; k < COLUMNS; k++)
        fprintf(out, "| %s ", headings[k]);
    fputs("|\n|---|---|--:|--:|---|---|--:|--:|--:|---|\n", out);
    for (size_t i = 0; i < c->cell_count; i++) {
        int worse = c->cells[i].verdict == OB_VERDICT_WORSE;

        if ((c->cells[i].verdict == OB_VERDICT_SAME) != same)
            continue;
        format_row(&c->cells[i], text);
        for (int k = 0; k + 1 < COLUMNS; k++)
            fprintf(out, "| %s ", text[k]);
        fprintf(out, worse ? "| **%s** |\n" : "| %s |\n",
                text[COLUMNS - 1]);
    }
}

static int write_markdown(const struct ob_comparison *c, const char *dir,
                          struct ob_error *err)
{
    struct ob_atomic_file file;
    char path[4200];
    FILE *out;
    int status = ob_path_join(path, sizeof path, dir, "compare.md", err);

    if (status == OB_OK)
        status = ob_atomic_open(&file, path, err);
    if (status != OB_OK)
        return status;
    out = file.stream;
    fprintf(out, "### optbench compare: %s\n\n", c->suite);
    fprintf(out, "Baseline `%s`, new `%s`: **%zu worse**, %zu better, "
            "%zu same, %zu missing.\n\n", c->base_dir, c->new_dir,
            c->worse, c->better, c->same, c->missing);
    fprintf(out, "Two-sided Mann-Whitney U tests over seeds (final gap; "
            "steps to target, never reached = inf) and Fisher's exact test "
            "(divergence), Holm-adjusted over %zu tests at alpha = %g; "
            "`const`: every run of each side gave one value. Medians "
            "within %g relative count as equal.\n\n", c->tests,
            c->options.alpha, c->options.rtol);
    if (c->options.exact)
        fprintf(out, "Byte-for-byte check: %s.\n\n",
                c->identical ? "identical" : c->difference);
    if (c->same < c->cell_count) {
        markdown_rows(out, c, 0);
        fputc('\n', out);
    }
    if (c->same > 0) {
        fprintf(out, "<details><summary>%zu cells unchanged</summary>\n\n",
                c->same);
        markdown_rows(out, c, 1);
        fputs("\n</details>\n", out);
    }
    return ob_atomic_commit(&file, err);
}

static int write_chart(const struct ob_compare_cell *cell, const char *dir,
                       struct ob_error *err)
{
    static const char *const labels[2] = {"baseline", "new"};
    struct ob_chart_series series[2];
    struct ob_chart chart;
    char stem[512];
    int known = strcmp(cell->metric, "gap") == 0, all_positive = 1;
    double *values[2] = {NULL, NULL};
    int status;

    /* gnuplot stops with an error on a chart without a single point. */
    if (cell->trace_count[0] == 0 && cell->trace_count[1] == 0)
        return OB_OK;
    snprintf(stem, sizeof stem, "%s@%s", cell->problem, cell->optimizer);
    chart.x_max = 1.0;
    for (int side = 0; side < 2; side++) {
        size_t count = cell->trace_count[side];
        const double *trace = cell->trace[side];

        values[side] = malloc((count + 1) * sizeof *values[side]);
        if (values[side] == NULL) {
            free(values[0]);
            return ob_errorf(err, OB_ENOMEM, "out of memory for charts");
        }
        for (size_t i = 0; i < count; i++) {
            double v = trace[count + i];

            /* Runs that reach the minimum exactly would give log(0). */
            if (known && v < 1e-16)
                v = 1e-16;
            all_positive &= v > 0.0;
            values[side][i] = v;
            chart.x_max = fmax(chart.x_max, trace[i]);
        }
        series[side].label = labels[side];
        series[side].count = count;
        series[side].steps = trace;
        series[side].values = values[side];
    }
    chart.problem = stem;
    chart.y_label = known ? "loss - minimum (floored at 1e-16)" : "loss";
    chart.log_y = all_positive;
    chart.y_min = chart.y_max = 0.0;
    chart.series = series;
    chart.series_count = 2;
    status = ob_chart_write(dir, &chart, err);
    if (status == OB_OK)
        status = ob_chart_draw(dir, stem, err);
    free(values[0]), free(values[1]);
    return status;
}

int ob_compare_write(const struct ob_comparison *c, const char *out_dir,
                     struct ob_error *err)
{
    char plots[4200];
    int status = ob_make_dirs(out_dir, err);

    if (status == OB_OK)
        status = write_csv(c, out_dir, err);
    if (status == OB_OK)
        status = write_markdown(c, out_dir, err);
    if (status != OB_OK || !c->options.charts ||
        c->same == c->cell_count)
        return status;
    status = ob_path_join(plots, sizeof plots, out_dir, "compare-plots", err);
    if (status == OB_OK)
        status = ob_make_dirs(plots, err);
    for (size_t i = 0; status == OB_OK && i < c->cell_count; i++)
        if (c->cells[i].verdict != OB_VERDICT_SAME)
            status = write_chart(&c->cells[i], plots, err);
    return status;
}
