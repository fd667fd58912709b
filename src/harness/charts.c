/* The report's charts: for each one a data file and a gnuplot script kept
 * beside the pictures, so a user can edit the script and draw it again.
 * Every chart gives optimizer k the same colour and marker. Runtime
 * distributions follow COCO (Hansen et al. 2021), performance profiles
 * Dolan and More (2002). */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

/* Paul Tol's "muted" and "bright" schemes: distinct for colour-blind
 * readers and in greyscale print, with a marker each for the same. */
static const char *const palette[] = {
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77",
    "#CC6677", "#882255", "#AA4499", "#4477AA", "#EE6677", "#000000",
};
static const int markers[] = {7, 5, 9, 11, 13, 6, 4, 8, 10, 12, 1, 2};
#define PALETTE 12

#define WIDTH  960
#define HEIGHT 540

/* ---- Grouping rows ------------------------------------------------------- */

/* Rows of a CSV grouped by (problem, optimizer) pair, in file order. */
struct groups {
    size_t *rows;  /* row indices, pair after pair */
    size_t *start; /* pairs + 1 offsets into rows */
};

static void groups_free(struct groups *g)
{
    free(g->rows), free(g->start);
    memset(g, 0, sizeof *g);
}

/* Groups csv's rows whose `phase` column (when phase_column is given)
 * equals phase. Rows naming an unknown label are an error. */
static int group_rows(const struct ob_report *r, const struct ob_csv *csv,
                      const char *phase, struct groups *g, struct ob_error *err)
{
    size_t pairs = r->problem_count * r->optimizer_count;
    size_t problem = ob_csv_find(csv, "problem");
    size_t optimizer = ob_csv_find(csv, "optimizer");
    size_t phase_column = phase ? ob_csv_find(csv, "phase") : 0;
    size_t *pair_of = malloc((csv->rows + 1) * sizeof *pair_of);
    size_t last_q = 0, last_o = 0;

    g->rows = malloc((csv->rows + 1) * sizeof *g->rows);
    g->start = calloc(pairs + 2, sizeof *g->start);
    if (pair_of == NULL || g->rows == NULL || g->start == NULL) {
        free(pair_of);
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    }
    for (size_t row = 0; row < csv->rows; row++) {
        const char *p = ob_csv_get(csv, row, problem);
        const char *o = ob_csv_get(csv, row, optimizer);

        pair_of[row] = OB_CSV_NO_COLUMN;
        if (phase && strcmp(ob_csv_get(csv, row, phase_column), phase) != 0)
            continue;
        /* Rows of one pair sit together: try the last pair first. */
        if (r->problem_count == 0 || r->optimizer_count == 0 ||
            strcmp(r->problems[last_q].label, p) != 0 ||
            strcmp(r->optimizers[last_o], o) != 0) {
            last_q = ob_report_problem_index(r, p);
            last_o = ob_report_optimizer_index(r, o);
            if (last_q == OB_CSV_NO_COLUMN || last_o == OB_CSV_NO_COLUMN) {
                free(pair_of);
                return ob_errorf(err, OB_EDATA,
                                 "%s:%zu: %s/%s is not a "
                                 "pair of summary.csv",
                                 csv->path, csv->line[row + 1], p, o);
            }
        }
        pair_of[row] = last_q * r->optimizer_count + last_o;
        g->start[pair_of[row] + 1]++;
    }
    for (size_t i = 0; i < pairs; i++)
        g->start[i + 1] += g->start[i];
    {
        size_t *fill = calloc(pairs + 1, sizeof *fill);

        if (fill == NULL) {
            free(pair_of);
            return ob_errorf(err, OB_ENOMEM, "out of memory");
        }
        for (size_t row = 0; row < csv->rows; row++)
            if (pair_of[row] != OB_CSV_NO_COLUMN)
                g->rows[g->start[pair_of[row]] + fill[pair_of[row]]++] = row;
        free(fill);
    }
    free(pair_of);
    return OB_OK;
}

/* ---- Files --------------------------------------------------------------- */

struct chart_files {
    struct ob_atomic_file data, script;
};

static int chart_add(struct ob_report *r, const char *stem, long problem,
                     const char *caption, struct ob_error *err)
{
    struct ob_report_chart *chart;

    if (r->chart_count == r->chart_capacity) {
        size_t capacity = r->chart_capacity ? 2 * r->chart_capacity : 64;
        struct ob_report_chart *grown =
            realloc(r->charts, capacity * sizeof *grown);

        if (grown == NULL)
            return ob_errorf(err, OB_ENOMEM, "out of memory");
        r->charts = grown;
        r->chart_capacity = capacity;
    }
    chart = &r->charts[r->chart_count++];
    snprintf(chart->stem, sizeof chart->stem, "%s", stem);
    snprintf(chart->caption, sizeof chart->caption, "%s", caption);
    chart->problem = problem;
    return OB_OK;
}

static int open_pair(struct chart_files *f, const char *dir, const char *stem,
                     struct ob_error *err)
{
    char path[4400];
    int status;

    memset(f, 0, sizeof *f);
    if (snprintf(path, sizeof path, "%s/%s.dat", dir, stem) >= (int)sizeof path)
        return ob_errorf(err, OB_EIO, "path too long: %s/%s", dir, stem);
    status = ob_atomic_open(&f->data, path, err);
    if (status != OB_OK)
        return status;
    snprintf(path, sizeof path, "%s/%s.gp", dir, stem);
    status = ob_atomic_open(&f->script, path, err);
    if (status != OB_OK)
        ob_atomic_abort(&f->data);
    return status;
}

static int commit_pair(struct chart_files *f, struct ob_error *err)
{
    int status = ob_atomic_commit(&f->data, err);

    if (status != OB_OK) {
        ob_atomic_abort(&f->script);
        return status;
    }
    return ob_atomic_commit(&f->script, err);
}

/* The script's opening: where it comes from, one colour and marker per
 * optimizer (linetype k + 1 is optimizer k everywhere), labels drawn as
 * typed, and the legend outside the plot area. */
static void script_start(FILE *out, const struct ob_report *r, const char *stem,
                         const char *title)
{
    fprintf(out,
            "# %s\n# Data: %s.dat. Run from this folder: gnuplot "
            "%s.gp (draws %s.png and %s.svg)\nreset session\n",
            title, stem, stem, stem, stem);
    for (size_t k = 0; k < r->optimizer_count; k++)
        fprintf(out,
                "set linetype %zu linecolor rgb '%s' linewidth 2 "
                "pointtype %d pointsize 1.1 dashtype %zu\n",
                k + 1, palette[k % PALETTE], markers[k % PALETTE],
                1 + k / PALETTE);
    /* A quote inside a single-quoted gnuplot string is written twice. */
    fputs("set title '", out);
    for (const char *c = title; *c; c++)
        fputs(*c == '\'' ? "''" : (char[2]){*c, '\0'}, out);
    fputs("' noenhanced\nset grid\n", out);
    fputs("set key outside right top vertical noenhanced "
          "samplen 2\nset datafile missing 'nan'\n",
          out);
}

/* Draws the last plot to STEM.png, then STEM.svg. `plot` holds the plot
 * command (gnuplot's replot would repeat a `set table` splot). */
static void script_end(FILE *out, const char *stem, const char *plot)
{
    fprintf(out,
            "set terminal pngcairo size %d,%d font 'sans,11'\n"
            "set output '%s.png'\n%s\n",
            WIDTH, HEIGHT, stem, plot);
    fprintf(out,
            "set terminal svg size %d,%d dynamic font 'sans,11'\n"
            "set output '%s.svg'\n%s\nunset output\n",
            WIDTH, HEIGHT, stem, plot);
}

/* A plot command as text, grown piece by piece. */
struct text {
    char *bytes;
    size_t length, capacity;
};

static int text_add(struct text *t, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static int text_add(struct text *t, const char *format, ...)
{
    va_list args;
    int needed;

    for (;;) {
        size_t room = t->capacity - t->length;

        va_start(args, format);
        needed =
            t->bytes ? vsnprintf(t->bytes + t->length, room, format, args) : -2;
        va_end(args);
        if (needed >= 0 && (size_t)needed < room) {
            t->length += (size_t)needed;
            return OB_OK;
        }
        {
            size_t capacity = t->capacity ? 2 * t->capacity : 4096;
            char *grown;

            if (needed >= 0 && capacity < t->length + (size_t)needed + 1)
                capacity = t->length + (size_t)needed + 1;
            grown = realloc(t->bytes, capacity);
            if (grown == NULL)
                return OB_ENOMEM;
            t->bytes = grown;
            t->capacity = capacity;
        }
    }
}

/* Finishes a chart and frees `plot`. A failed `status` (the text writers
 * fail only for memory) or nothing drawn drops both files; otherwise the
 * script gets its plot command, both files are committed and the chart
 * is listed for the report. */
static int chart_finish(struct ob_report *r, struct chart_files *f,
                        const char *stem, struct text *plot, int status,
                        int drawn, long problem, const char *caption,
                        struct ob_error *err)
{
    if (status != OB_OK || !drawn) {
        free(plot->bytes);
        ob_atomic_abort(&f->data), ob_atomic_abort(&f->script);
        return status == OB_OK ? OB_OK
                               : ob_errorf(err, OB_ENOMEM, "out of memory");
    }
    script_end(f->script.stream, stem, plot->bytes);
    free(plot->bytes);
    status = commit_pair(f, err);
    if (status == OB_OK)
        status = chart_add(r, stem, problem, caption, err);
    return status;
}

/* ---- Medians along traces ------------------------------------------------ */

struct point {
    double step, value;
};

static int compare_points(const void *a, const void *b)
{
    const struct point *x = a, *y = b;

    return (x->step > y->step) - (x->step < y->step);
}

/* Median and quartiles over seeds at each step of `count` points (sorted
 * here), written as "step alt median q1 q3" with alt = step * scale.
 * Returns rows written. */
static size_t write_quartiles(FILE *out, struct point *points, size_t count,
                              double scale, double *scratch)
{
    size_t rows = 0;

    qsort(points, count, sizeof *points, compare_points);
    for (size_t i = 0; i < count;) {
        size_t j = i, m = 0;
        double median, q1, q3;

        while (j < count && points[j].step == points[i].step) {
            if (isfinite(points[j].value))
                scratch[m++] = points[j].value;
            j++;
        }
        if (m > 0) {
            median = ob_quantile(scratch, m, 0.5);
            q1 = ob_quantile(scratch, m, 0.25);
            q3 = ob_quantile(scratch, m, 0.75);
            ob_write_double(out, points[i].step);
            fputc(' ', out);
            ob_write_double(out, points[i].step * scale);
            fprintf(out, " %.17g %.17g %.17g\n", median, q1, q3);
            rows++;
        }
        i = j;
    }
    return rows;
}

/* Marker spacing: about eight markers along a line of `rows` points. */
static size_t marker_every(size_t rows)
{
    return rows / 8 > 0 ? rows / 8 : 1;
}

/* ---- Convergence --------------------------------------------------------- */

static int chart_convergence(struct ob_report *r, const char *dir, size_t q,
                             const struct groups *traces, struct point *pts,
                             double *scratch, struct ob_error *err)
{
    const struct ob_report_problem *p = &r->problems[q];
    const struct ob_csv *csv = &r->traces;
    size_t step_c = ob_csv_find(csv, "step"), loss_c = ob_csv_find(csv, "loss");
    size_t gap_c = ob_csv_find(csv, "gap");
    int known = !isnan(p->minimum), all_positive = 1, status;
    double lowest = INFINITY, start = NAN, scale;
    struct chart_files f;
    struct text plot = {0};
    char stem[300], title[400];
    size_t drawn = 0, total = 0;
    FILE *out;

    for (size_t o = 0; o < r->optimizer_count; o++) {
        size_t pair = q * r->optimizer_count + o;

        total += traces->start[pair + 1] - traces->start[pair];
    }
    if (total == 0)
        return OB_OK;
    snprintf(stem, sizeof stem, "%s", p->label);
    snprintf(title, sizeof title,
             "%s: median over seeds, band from first "
             "to third quartile",
             p->label);
    status = open_pair(&f, dir, stem, err);
    if (status != OB_OK)
        return status;
    out = f.data.stream;
    /* Datasets: the top axis counts epochs; functions: gradient
     * evaluations in examples, when a step takes more than one. */
    scale = p->dataset ? 1.0 / (double)p->steps_per_epoch
                       : (double)p->examples_per_gradient;
    fprintf(out,
            "# %s: per optimizer (blocks in legend order): step, %s, "
            "median, first and third quartile of the %s over seeds\n",
            p->label, p->dataset ? "epoch" : "gradient evaluations",
            known ? "gap (floored at 1e-16)" : "loss");
    for (size_t o = 0; o < r->optimizer_count; o++) {
        size_t pair = q * r->optimizer_count + o, m = 0, rows;

        fprintf(out, "# %s\n", r->optimizers[o]);
        for (size_t i = traces->start[pair]; i < traces->start[pair + 1]; i++) {
            size_t row = traces->rows[i];
            const char *gap = ob_csv_get(csv, row, gap_c);
            double v = strtod(
                known && *gap ? gap : ob_csv_get(csv, row, loss_c), NULL);

            if (known && v < OB_GAP_FLOOR)
                v = OB_GAP_FLOOR;
            pts[m].step = strtod(ob_csv_get(csv, row, step_c), NULL);
            pts[m].value = v;
            if (isfinite(v)) {
                all_positive &= v > 0.0;
                lowest = fmin(lowest, v);
                if (pts[m].step == 0.0)
                    start = v;
            }
            m++;
        }
        rows = write_quartiles(out, pts, m, scale, scratch);
        if (rows == 0)
            fputs("nan nan nan nan nan\n", out);
        fputs("\n\n", out);
        if (rows > 0 && status == OB_OK)
            status =
                text_add(&plot,
                         "%s'%s.dat' index %zu using %s:4:5 "
                         "with filledcurves fillstyle transparent "
                         "solid 0.15 noborder linetype %zu notitle, "
                         "'' index %zu using %s:3 with linespoints "
                         "linetype %zu pointinterval %zu title '%s'",
                         drawn ? ", \\\n     " : "plot ", stem, o,
                         p->dataset ? "1" : "($1 < 1 ? NaN : $1)", o + 1, o,
                         p->dataset ? "1"
                                    : "($1 < 1 ? "
                                      "NaN : $1)",
                         o + 1, marker_every(rows), r->optimizers[o]);
        drawn += rows > 0;
    }
    out = f.script.stream;
    script_start(out, r, stem, title);
    fprintf(out, "set ylabel '%s'\n",
            known ? "loss - minimum (floored at 1e-16)" : "loss");
    if (p->dataset) {
        fprintf(out,
                "set xlabel 'step'\nset xrange [0:%zu]\n"
                "set x2label 'epoch'\nset x2range [0:%.17g]\n"
                "set x2tics\nset xtics nomirror\nset tmargin 5\n",
                p->steps, (double)p->steps * scale);
    } else {
        double first = p->eval_every > 1 ? (double)p->eval_every : 1.0;

        /* Step 0 cannot sit on a log axis; every line shares it. */
        fprintf(out, "set logscale x\nset xrange [%.17g:%zu]\n", first,
                p->steps);
        if (p->examples_per_gradient > 1)
            fprintf(out,
                    "set xlabel 'step'\nset logscale x2\n"
                    "set x2label 'gradient evaluations (examples)'\n"
                    "set x2range [%.17g:%.17g]\nset x2tics\n"
                    "set xtics nomirror\nset tmargin 5\n",
                    first * scale, (double)p->steps * scale);
        else
            fputs("set xlabel 'step (one gradient evaluation each)'\n", out);
    }
    if (known) {
        fputs("set logscale y\nset format y '10^{%L}'\n", out);
    } else if (all_positive) {
        /* Losses of models span a decade or two: label more than the
         * powers of ten. */
        fputs("set logscale y\nset format y '%g'\nset mytics 10\n"
              "set ytics add (0.02, 0.05, 0.2, 0.5, 2, 5, 20, 50)\n",
              out);
    } else if (!isnan(p->target_loss) && isfinite(start)) {
        /* Unbounded problems: from a little past the target to the
         * start, so runs racing to -infinity do not flatten the rest. */
        double span = fabs(start - p->target_loss) + 1.0;

        fprintf(out, "set yrange [%.17g:%.17g]\n",
                fmax(lowest, p->target_loss - 2.0 * span), start + 0.25 * span);
    }
    return chart_finish(r, &f, stem, &plot, status, drawn > 0, (long)q,
                        p->dataset
                            ? "Convergence: training loss against steps "
                              "(bottom) and epochs (top); median over the "
                              "reported seeds of runs that have not "
                              "diverged, with the interquartile band."
                            : "Convergence: gap to the minimum (or loss) "
                              "against steps, log scales; median over the "
                              "reported seeds of runs that have not "
                              "diverged, with the interquartile band.",
                        err);
}

/* ---- 2-D trajectories ---------------------------------------------------- */

/* Builds the catalogue function of entry p from its type and parameters
 * to evaluate it on a grid: drawing contours is not rerunning. */
static int make_function(const struct ob_report_problem *p,
                         struct ob_problem *problem, struct ob_error *err)
{
    struct ob_setting settings[OB_MAX_PARAMS * 2];
    const struct ob_problem_type *type = ob_problem_find(p->type);
    char *copy = strdup(p->params), *cursor = NULL, *item;
    size_t count = 0;
    int status;

    if (copy == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    if (type == NULL) {
        free(copy);
        return ob_errorf(err, OB_EDATA,
                         "problems.csv: problem %s has "
                         "unknown type '%s'",
                         p->label, p->type);
    }
    for (item = strtok_r(copy, " ", &cursor); item != NULL;
         item = strtok_r(NULL, " ", &cursor)) {
        char *equals = strchr(item, '=');

        if (equals == NULL || count == OB_MAX_PARAMS * 2) {
            free(copy);
            return ob_errorf(err, OB_EDATA,
                             "problems.csv: problem %s: bad "
                             "parameter '%s'",
                             p->label, item);
        }
        *equals = '\0';
        settings[count].key = item;
        settings[count].value = equals + 1;
        count++;
    }
    status = ob_problem_create(problem, type, settings, count, err);
    free(copy);
    if (status != OB_OK) {
        char reason[sizeof err->message];

        /* The message is rewritten from a copy, not from itself. */
        memcpy(reason, err->message, sizeof reason);
        return ob_errorf(err, OB_EDATA, "problems.csv: problem %s: %s",
                         p->label, reason);
    }
    return OB_OK;
}

struct box {
    double x0, x1, y0, y1;
};

static void box_add(struct box *b, double x, double y)
{
    b->x0 = fmin(b->x0, x), b->x1 = fmax(b->x1, x);
    b->y0 = fmin(b->y0, y), b->y1 = fmax(b->y1, y);
}

#define GRID 120

static int chart_trajectories(struct ob_report *r, const char *dir, size_t q,
                              const struct groups *paths, struct ob_error *err)
{
    const struct ob_report_problem *p = &r->problems[q];
    const struct ob_csv *csv = &r->paths;
    size_t step_c = ob_csv_find(csv, "step"), x_c = ob_csv_find(csv, "x");
    size_t y_c = ob_csv_find(csv, "y"), drawn = 0;
    struct ob_problem problem;
    struct box core = {INFINITY, -INFINITY, INFINITY, -INFINITY}, view;
    double start[2] = {NAN, NAN}, zmin = INFINITY, zmax = -INFINITY;
    double span_x, span_y, reach;
    int has_minimizer, bounded;
    struct chart_files f;
    struct text plot = {0};
    char stem[300], title[400];
    int status;
    FILE *out;

    if (paths->start[(q + 1) * r->optimizer_count] ==
        paths->start[q * r->optimizer_count])
        return OB_OK;
    status = make_function(p, &problem, err);
    if (status != OB_OK)
        return status;

    /* The view: start and minimiser, widened to take in the paths'
     * points that stay near them (escapes to infinity are cut off). */
    for (size_t i = paths->start[q * r->optimizer_count];
         i < paths->start[(q + 1) * r->optimizer_count]; i++) {
        size_t row = paths->rows[i];

        if (strcmp(ob_csv_get(csv, row, step_c), "0") == 0) {
            start[0] = strtod(ob_csv_get(csv, row, x_c), NULL);
            start[1] = strtod(ob_csv_get(csv, row, y_c), NULL);
            break;
        }
    }
    if (isnan(start[0]))
        memcpy(start, problem.start, sizeof start);
    box_add(&core, start[0], start[1]);
    has_minimizer = problem.minimizer != NULL;
    if (has_minimizer)
        box_add(&core, problem.minimizer[0], problem.minimizer[1]);
    /* Without a minimiser (saddles) the paths' escape is the story, so
     * the view reaches further from the start. */
    reach = has_minimizer ? 1.0 : 3.0;
    span_x = fmax(core.x1 - core.x0, 1.0);
    span_y = fmax(core.y1 - core.y0, 1.0);
    span_x = span_y = reach * fmax(span_x, span_y);
    view = core;
    for (size_t i = paths->start[q * r->optimizer_count];
         i < paths->start[(q + 1) * r->optimizer_count]; i++) {
        size_t row = paths->rows[i];
        double x = strtod(ob_csv_get(csv, row, x_c), NULL);
        double y = strtod(ob_csv_get(csv, row, y_c), NULL);

        if (x >= core.x0 - span_x && x <= core.x1 + span_x &&
            y >= core.y0 - span_y && y <= core.y1 + span_y)
            box_add(&view, x, y);
    }
    span_x = fmax(view.x1 - view.x0, 0.5);
    span_y = fmax(view.y1 - view.y0, 0.5);
    view.x0 -= 0.1 * span_x, view.x1 += 0.1 * span_x;
    view.y0 -= 0.1 * span_y, view.y1 += 0.1 * span_y;

    snprintf(stem, sizeof stem, "%s@trajectories", p->label);
    snprintf(title, sizeof title,
             "%s: path of each optimizer (seed of the "
             "first reported run) over contour lines",
             p->label);
    status = open_pair(&f, dir, stem, err);
    if (status != OB_OK) {
        ob_problem_destroy(&problem);
        return status;
    }
    out = f.data.stream;
    fprintf(out,
            "# %s: block 0 the function on a %dx%d grid (x y f); "
            "block 1 the start, block 2 the minimiser; then one path per "
            "optimizer (x y)\n",
            p->label, GRID, GRID);
    for (int i = 0; i < GRID; i++) {
        for (int j = 0; j < GRID; j++) {
            double point[2] = {view.x0 + (view.x1 - view.x0) * i / (GRID - 1.0),
                               view.y0 +
                                   (view.y1 - view.y0) * j / (GRID - 1.0)};
            double z = ob_problem_eval(&problem, point, NULL, NULL);

            if (isfinite(z)) {
                zmin = fmin(zmin, z);
                zmax = fmax(zmax, z);
            }
            fprintf(out, "%.9g %.9g %.9g\n", point[0], point[1], z);
        }
        fputc('\n', out);
    }
    fprintf(out, "\n%.17g %.17g\n\n\n", start[0], start[1]);
    if (problem.minimizer != NULL)
        fprintf(out, "%.17g %.17g\n\n\n", problem.minimizer[0],
                problem.minimizer[1]);
    else
        fputs("nan nan\n\n\n", out);
    bounded = !isnan(problem.minimum);
    if (bounded)
        zmin = fmin(zmin, problem.minimum);
    ob_problem_destroy(&problem);

    status = text_add(&plot, "plot $contours using 1:2 with lines "
                             "linecolor rgb '#b0b0b0' linewidth 1 dashtype 1 "
                             "notitle");
    for (size_t o = 0; o < r->optimizer_count && status == OB_OK; o++) {
        size_t pair = q * r->optimizer_count + o, rows = 0;

        fprintf(out, "# %s\n", r->optimizers[o]);
        for (size_t i = paths->start[pair]; i < paths->start[pair + 1]; i++) {
            size_t row = paths->rows[i];

            fprintf(out, "%s %s\n", ob_csv_get(csv, row, x_c),
                    ob_csv_get(csv, row, y_c));
            rows++;
        }
        if (rows == 0)
            fputs("nan nan\n", out);
        fputs("\n\n", out);
        if (rows > 0)
            status = text_add(&plot,
                              ", \\\n     '%s.dat' index %zu using "
                              "1:2 with linespoints linetype %zu "
                              "pointinterval %zu title '%s'",
                              stem, o + 3, o + 1, marker_every(rows),
                              r->optimizers[o]);
        drawn += rows > 0;
    }
    if (status == OB_OK)
        status = text_add(&plot,
                          ", \\\n     '%s.dat' index 1 using 1:2 "
                          "with points pointtype 7 pointsize 2 linecolor "
                          "rgb 'black' title 'start'",
                          stem);
    if (status == OB_OK && has_minimizer)
        status = text_add(&plot,
                          ", \\\n     '%s.dat' index 2 using 1:2 "
                          "with points pointtype 3 pointsize 3 linewidth 2 "
                          "linecolor rgb 'black' title 'minimiser'",
                          stem);
    out = f.script.stream;
    script_start(out, r, stem, title);
    /* Contour levels log-spaced above the lowest value: 10^-4 to 1 of the
     * range seen on the grid, four per decade. A function unbounded below
     * has no bottom to crowd levels towards: evenly spaced ones show its
     * saddle. */
    fputs("unset grid\nset contour base\nunset surface\nset view map\n"
          "set cntrparam levels discrete ",
          out);
    for (int k = 0; k <= 16; k++)
        fprintf(out, "%s%.9g", k ? "," : "",
                bounded ? zmin + (zmax - zmin) * pow(10.0, -4.0 + k / 4.0)
                        : zmin + (zmax - zmin) * (k + 0.5) / 17.0);
    fprintf(out,
            "\nset table $contours\nsplot '%s.dat' index 0 using "
            "1:2:3 with lines notitle\nunset table\nunset contour\n"
            "set xrange [%.9g:%.9g]\nset yrange [%.9g:%.9g]\n"
            "set xlabel 'x'\nset ylabel 'y'\n",
            stem, view.x0, view.x1, view.y0, view.y1);
    return chart_finish(r, &f, stem, &plot, status, drawn > 0 && zmax > zmin,
                        (long)q,
                        "Trajectories: each "
                        "optimizer's path from the start (filled "
                        "circle) on the first reported seed, at the "
                        "trace's rows, over contour lines of the "
                        "function (log-spaced above its lowest value); "
                        "the star is the known minimiser.",
                        err);
}

/* ---- Stability ----------------------------------------------------------- */

/* Final gap of a runs.csv row (final_loss when there is no gap), floored
 * at 1e-16; +inf for a diverged run. */
static double final_value(const struct ob_csv *runs, size_t row, int *gap)
{
    const char *text = ob_csv_get(runs, row, ob_csv_find(runs, "final_gap"));
    const char *status = ob_csv_get(runs, row, ob_csv_find(runs, "status"));
    double v;

    *gap = *text != '\0';
    if (strcmp(status, "diverged") == 0)
        return INFINITY;
    v = strtod(*gap ? text
                    : ob_csv_get(runs, row, ob_csv_find(runs, "final_loss")),
               NULL);
    return *gap && v < OB_GAP_FLOOR ? OB_GAP_FLOOR : v;
}

/* The y axis of final values in [low, high]: logarithmic when all are
 * positive, and given a range around a single value, which gnuplot would
 * only warn about. */
static void final_axis(FILE *out, double low, double high, int log_scale)
{
    if (log_scale)
        fputs("set logscale y\nset format y '10^{%L}'\n", out);
    if (!(low == high) || !isfinite(low))
        return;
    if (log_scale && low > 0.0)
        fprintf(out, "set yrange [%.17g:%.17g]\n", low / 100.0, low * 100.0);
    else
        fprintf(out, "set yrange [%.17g:%.17g]\n", low - 1.0, low + 1.0);
}

static int chart_final_gaps(struct ob_report *r, const char *dir, size_t q,
                            const struct groups *finals, double *scratch,
                            struct ob_error *err)
{
    const struct ob_report_problem *p = &r->problems[q];
    struct chart_files f;
    struct text tics = {0}, boxes = {0};
    char stem[300], title[400], plot[1024];
    int gap = 1, all_positive = 1, status;
    size_t finite = 0;
    double low = INFINITY, high = -INFINITY;
    FILE *out;

    snprintf(stem, sizeof stem, "%s@final-gap", p->label);
    snprintf(title, sizeof title, "%s: final %s of each reported run", p->label,
             isnan(p->minimum) ? "loss" : "gap");
    status = open_pair(&f, dir, stem, err);
    if (status != OB_OK)
        return status;
    out = f.data.stream;
    fprintf(out,
            "# %s: one block per optimizer with the final gap (or "
            "loss) of each reported run that did not diverge; the last "
            "block: optimizer, first quartile, lowest, highest, third "
            "quartile, median\n",
            p->label);
    status = text_add(&tics, "set xtics (");
    for (size_t o = 0; o < r->optimizer_count && status == OB_OK; o++) {
        size_t pair = q * r->optimizer_count + o, diverged = 0, m = 0;

        fprintf(out, "# %s\n", r->optimizers[o]);
        for (size_t i = finals->start[pair]; i < finals->start[pair + 1]; i++) {
            double v = final_value(&r->runs, finals->rows[i], &gap);

            if (isinf(v) && v > 0) {
                diverged++;
                continue;
            }
            fprintf(out, "%zu %.17g\n", o + 1, v);
            all_positive &= v > 0.0;
            low = fmin(low, v), high = fmax(high, v);
            scratch[m++] = v;
        }
        if (m == 0)
            fputs("nan nan\n", out);
        fputs("\n\n", out);
        finite += m;
        /* ob_quantile sorts scratch, so its ends are the extremes. */
        if (m > 0)
            status = text_add(&boxes, "%zu %.17g %.17g %.17g %.17g %.17g\n",
                              o + 1, ob_quantile(scratch, m, 0.25), scratch[0],
                              scratch[m - 1], ob_quantile(scratch, m, 0.75),
                              ob_quantile(scratch, m, 0.5));
        if (status != OB_OK)
            break;
        if (diverged > 0)
            status = text_add(&tics, "%s\"%s\\n(%zu diverged)\" %zu",
                              o ? ", " : "", r->optimizers[o], diverged, o + 1);
        else
            status = text_add(&tics, "%s\"%s\" %zu", o ? ", " : "",
                              r->optimizers[o], o + 1);
    }
    if (status == OB_OK)
        status = text_add(&tics, ") rotate by -35 noenhanced");
    fprintf(out, "# boxes\n%s", boxes.bytes ? boxes.bytes : "nan nan\n");
    free(boxes.bytes);
    out = f.script.stream;
    script_start(out, r, stem, title);
    fprintf(out,
            "unset key\nset boxwidth 0.5\n%s\nset xrange [0.3:%zu.7]\n"
            "set ylabel 'final %s'\nset bmargin 6\n",
            tics.bytes ? tics.bytes : "", r->optimizer_count,
            gap ? "loss - minimum (floored at 1e-16)" : "loss");
    final_axis(out, low, high, all_positive);
    free(tics.bytes);
    if (status != OB_OK || finite == 0) {
        ob_atomic_abort(&f.data), ob_atomic_abort(&f.script);
        return status == OB_OK ? OB_OK
                               : ob_errorf(err, OB_ENOMEM, "out of memory");
    }
    snprintf(plot, sizeof plot,
             "plot '%s.dat' index %zu using 1:2:3:4:5:1 "
             "with candlesticks linecolor variable fillstyle transparent "
             "solid 0.25 border whiskerbars 0.5, '' index %zu using "
             "1:6:6:6:6:1 with candlesticks linecolor variable linewidth 3, "
             "for [k=1:%zu] '' index k-1 using 1:2 with points linetype k",
             stem, r->optimizer_count, r->optimizer_count, r->optimizer_count);
    script_end(out, stem, plot);
    status = commit_pair(&f, err);
    if (status == OB_OK)
        status = chart_add(r, stem, (long)q,
                           "Final gap of every reported "
                           "run (markers) with a box per optimizer: first "
                           "to third quartile, the median as a thick line, "
                           "whiskers to the lowest and highest; diverged "
                           "runs are counted under the name instead.",
                           err);
    return status;
}

/* The lr of a settings text ("lr=0.01 momentum=0.9"), and the rest of the
 * text without it in `rest`. NAN when there is no lr. */
static double split_lr(const char *settings, char *rest, size_t size)
{
    double lr = NAN;
    size_t length = 0;
    const char *p = settings;

    rest[0] = '\0';
    while (*p) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);

        if (n > 3 && strncmp(p, "lr=", 3) == 0)
            lr = strtod(p + 3, NULL);
        else if (length + n + 2 < size) {
            if (length)
                rest[length++] = ' ';
            memcpy(rest + length, p, n);
            length += n;
            rest[length] = '\0';
        }
        p += n;
        while (*p == ' ')
            p++;
    }
    return lr;
}

static int compare_points_then_value(const void *a, const void *b)
{
    const struct point *x = a, *y = b;

    if (x->step != y->step)
        return (x->step > y->step) - (x->step < y->step);
    return (x->value > y->value) - (x->value < y->value);
}

static int chart_lr(struct ob_report *r, const char *dir, size_t q,
                    const struct groups *tunes, struct point *pts,
                    double *scratch, struct ob_error *err)
{
    const struct ob_report_problem *p = &r->problems[q];
    size_t settings_c = ob_csv_find(&r->runs, "settings"), lines = 0;
    struct chart_files f;
    struct text plot = {0};
    char stem[300], title[400], rest[1024], chosen_rest[1024];
    int gap = 1, all_positive = 1, status;
    double low = INFINITY, high = -INFINITY;
    FILE *out;

    for (size_t o = 0; o < r->optimizer_count; o++) {
        size_t pair = q * r->optimizer_count + o;

        lines += tunes->start[pair + 1] > tunes->start[pair];
    }
    if (lines == 0)
        return OB_OK;
    lines = 0;
    snprintf(stem, sizeof stem, "%s@lr", p->label);
    snprintf(title, sizeof title,
             "%s: learning-rate sensitivity (median "
             "over tuning seeds)",
             p->label);
    status = open_pair(&f, dir, stem, err);
    if (status != OB_OK)
        return status;
    out = f.data.stream;
    fprintf(out,
            "# %s: per optimizer two blocks: (lr, median final gap "
            "or loss over the tuning seeds) with the other settings held "
            "at the chosen ones, then the chosen lr\n",
            p->label);
    for (size_t o = 0; o < r->optimizer_count && status == OB_OK; o++) {
        size_t pair = q * r->optimizer_count + o, m = 0, rows = 0;
        const struct ob_report_cell *cell = &r->cells[pair];
        double chosen = NAN, chosen_value = NAN;

        if (cell->present)
            chosen = split_lr(cell->settings, chosen_rest, sizeof chosen_rest);
        for (size_t i = tunes->start[pair]; i < tunes->start[pair + 1]; i++) {
            size_t row = tunes->rows[i];
            double lr = split_lr(ob_csv_get(&r->runs, row, settings_c), rest,
                                 sizeof rest);

            if (isnan(lr) || strcmp(rest, chosen_rest) != 0)
                continue;
            pts[m].step = lr;
            pts[m].value = final_value(&r->runs, row, &gap);
            m++;
        }
        qsort(pts, m, sizeof *pts, compare_points_then_value);
        fprintf(out, "# %s\n", r->optimizers[o]);
        for (size_t i = 0; i < m;) {
            size_t j = i, n = 0;
            double median;

            while (j < m && pts[j].step == pts[i].step)
                scratch[n++] = pts[j++].value;
            median = ob_quantile(scratch, n, 0.5);
            /* A median run that diverged has no value to draw. */
            fprintf(out, "%.17g ", pts[i].step);
            ob_write_double(out, isfinite(median) ? median : NAN);
            fputc('\n', out);
            if (isfinite(median)) {
                all_positive &= median > 0.0;
                low = fmin(low, median), high = fmax(high, median);
                rows++;
            }
            if (pts[i].step == chosen)
                chosen_value = median;
            i = j;
        }
        if (m == 0)
            fputs("nan nan\n", out);
        fputs("\n\n", out);
        fprintf(out, "%.17g ", chosen);
        ob_write_double(out, isfinite(chosen_value) ? chosen_value : NAN);
        fputs("\n\n\n", out);
        if (rows > 0)
            status = text_add(&plot,
                              "%s'%s.dat' index %zu using 1:2 with "
                              "linespoints linetype %zu title '%s', '' "
                              "index %zu using 1:2 with points linetype "
                              "%zu pointtype 6 pointsize 3 linewidth 2 "
                              "notitle",
                              lines ? ", \\\n     " : "plot ", stem, 2 * o,
                              o + 1, r->optimizers[o], 2 * o + 1, o + 1);
        lines += rows > 0;
    }
    out = f.script.stream;
    script_start(out, r, stem, title);
    fprintf(out,
            "set logscale x\nset format x '10^{%%L}'\n"
            "set xlabel 'learning rate'\nset ylabel 'median final %s'\n",
            gap ? "loss - minimum (floored at 1e-16)" : "loss");
    final_axis(out, low, high, all_positive);
    return chart_finish(r, &f, stem, &plot, status, lines > 0, (long)q,
                        "Learning-rate sensitivity: "
                        "median final gap over the tuning seeds against "
                        "the swept learning rate, log-log; the ring "
                        "marks the rate tuning chose. Rates whose "
                        "median run diverged are left out.",
                        err);
}

/* ---- Dataset problems: test accuracy ------------------------------------- */

static int chart_accuracy(struct ob_report *r, const char *dir, size_t q,
                          const struct groups *traces, struct point *pts,
                          double *scratch, struct ob_error *err)
{
    const struct ob_report_problem *p = &r->problems[q];
    const struct ob_csv *csv = &r->traces;
    size_t step_c = ob_csv_find(csv, "step");
    size_t acc_c = ob_csv_find(csv, "test_accuracy");
    size_t loss_c = ob_csv_find(csv, "test_loss"), value_c, drawn = 0;
    struct chart_files f;
    struct text plot = {0};
    char stem[300], title[400];
    int accuracy = 0, status;
    FILE *out;

    if (!p->dataset)
        return OB_OK;
    for (size_t i = traces->start[q * r->optimizer_count];
         i < traces->start[(q + 1) * r->optimizer_count] && !accuracy; i++)
        accuracy = *ob_csv_get(csv, traces->rows[i], acc_c) != '\0';
    value_c = accuracy ? acc_c : loss_c;
    snprintf(stem, sizeof stem, "%s@test", p->label);
    snprintf(title, sizeof title,
             "%s: test %s (median over seeds, "
             "interquartile band)",
             p->label, accuracy ? "accuracy" : "loss");
    status = open_pair(&f, dir, stem, err);
    if (status != OB_OK)
        return status;
    out = f.data.stream;
    fprintf(out,
            "# %s: per optimizer: step, epoch, median, first and "
            "third quartile of the test %s over seeds\n",
            p->label, accuracy ? "accuracy" : "loss");
    for (size_t o = 0; o < r->optimizer_count && status == OB_OK; o++) {
        size_t pair = q * r->optimizer_count + o, m = 0, rows;

        fprintf(out, "# %s\n", r->optimizers[o]);
        for (size_t i = traces->start[pair]; i < traces->start[pair + 1]; i++) {
            const char *text = ob_csv_get(csv, traces->rows[i], value_c);

            if (*text == '\0')
                continue;
            pts[m].step =
                strtod(ob_csv_get(csv, traces->rows[i], step_c), NULL);
            pts[m].value = strtod(text, NULL);
            m++;
        }
        rows = write_quartiles(out, pts, m, 1.0 / (double)p->steps_per_epoch,
                               scratch);
        if (rows == 0)
            fputs("nan nan nan nan nan\n", out);
        fputs("\n\n", out);
        if (rows > 0)
            status = text_add(&plot,
                              "%s'%s.dat' index %zu using 2:4:5 "
                              "with filledcurves fillstyle transparent "
                              "solid 0.15 noborder linetype %zu notitle, "
                              "'' index %zu using 2:3 with linespoints "
                              "linetype %zu pointinterval %zu title '%s'",
                              drawn ? ", \\\n     " : "plot ", stem, o, o + 1,
                              o, o + 1, marker_every(rows), r->optimizers[o]);
        drawn += rows > 0;
    }
    out = f.script.stream;
    script_start(out, r, stem, title);
    fprintf(out,
            "set xlabel 'epoch'\nset xrange [0:%.17g]\n"
            "set ylabel 'test %s'\n",
            (double)p->steps / (double)p->steps_per_epoch,
            accuracy ? "accuracy (share of test rows classified correctly)"
                     : "loss (no penalty)");
    return chart_finish(r, &f, stem, &plot, status, drawn > 0, (long)q,
                        accuracy ? "Test accuracy against epochs: median over "
                                   "the reported seeds with the interquartile "
                                   "band."
                                 : "Test loss against epochs (a regression: no "
                                   "accuracy): median over the reported seeds "
                                   "with the interquartile band.",
                        err);
}

/* ---- Across the suite ---------------------------------------------------- */

/* A step function of optimizer o (block o of STEM.dat) with a few of
 * its points marked, and a legend entry showing both. */
static int step_lines(struct text *plot, const char *stem, size_t o,
                      size_t rows, int first, const char *label)
{
    return text_add(plot,
                    "%s'%s.dat' index %zu using 1:2 with steps "
                    "linetype %zu notitle, '' index %zu every %zu using "
                    "1:2 with points linetype %zu notitle, NaN with "
                    "linespoints linetype %zu title '%s'",
                    first ? "plot " : ", \\\n     ", stem, o, o + 1, o,
                    marker_every(rows), o + 1, o + 1, label);
}

/* Diverged runs and runs of optimizer o in `rows` (runs.csv rows grouped
 * by pair). */
static void count_diverged(const struct ob_report *r, const struct groups *g,
                           size_t o, size_t *diverged, size_t *runs)
{
    size_t status_c = ob_csv_find(&r->runs, "status");

    *diverged = *runs = 0;
    for (size_t q = 0; q < r->problem_count; q++) {
        size_t pair = q * r->optimizer_count + o;

        for (size_t i = g->start[pair]; i < g->start[pair + 1]; i++) {
            (*runs)++;
            *diverged += strcmp(ob_csv_get(&r->runs, g->rows[i], status_c),
                                "diverged") == 0;
        }
    }
}

static double rate_of(size_t part, size_t whole)
{
    return whole ? (double)part / (double)whole : 0.0;
}

static int chart_divergence(struct ob_report *r, const char *dir,
                            const struct groups *finals,
                            const struct groups *tunes, struct ob_error *err)
{
    const char *stem = "suite@divergence";
    struct chart_files f;
    struct text tics = {0};
    double highest = 0.0;
    int status = open_pair(&f, dir, stem, err);
    FILE *out;

    if (status != OB_OK)
        return status;
    out = f.data.stream;
    fputs("# optimizer number, share of its reported runs that diverged, "
          "diverged, runs; the same over its tuning runs\n",
          out);
    status = text_add(&tics, "set xtics (");
    for (size_t o = 0; o < r->optimizer_count && status == OB_OK; o++) {
        size_t diverged, runs, tune_diverged, tune_runs;

        count_diverged(r, finals, o, &diverged, &runs);
        count_diverged(r, tunes, o, &tune_diverged, &tune_runs);
        fprintf(out, "%zu %.17g %zu %zu %.17g %zu %zu\n", o + 1,
                rate_of(diverged, runs), diverged, runs,
                rate_of(tune_diverged, tune_runs), tune_diverged, tune_runs);
        highest = fmax(highest, rate_of(diverged, runs));
        highest = fmax(highest, rate_of(tune_diverged, tune_runs));
        status = text_add(&tics, "%s\"%s\" %zu", o ? ", " : "",
                          r->optimizers[o], o + 1);
    }
    if (status == OB_OK)
        status = text_add(&tics, ") rotate by -35 noenhanced");
    out = f.script.stream;
    /* An empty 0-5% frame would otherwise need explaining. */
    script_start(out, r, stem,
                 highest > 0.0 ? "Divergence rate of each optimizer over "
                                 "the suite's runs"
                               : "Divergence rate of each optimizer over "
                                 "the suite's runs: no run diverged");
    if (highest == 0.0)
        fputs("set label 1 'no run diverged' at graph 0.5, graph 0.5 "
              "center font ',14' textcolor rgb '#555555'\n",
              out);
    fprintf(out,
            "%s\nset boxwidth 0.36\nset xrange [0.4:%zu.6]\n"
            "set yrange [0:%.3g]\nset format y '%%.0f%%%%'\n"
            "set ylabel 'runs that diverged'\nset bmargin 5\n"
            "set key outside bottom center horizontal\n",
            tics.bytes ? tics.bytes : "", r->optimizer_count,
            100.0 * fmax(0.05, 1.2 * highest));
    free(tics.bytes);
    if (status != OB_OK) {
        ob_atomic_abort(&f.data), ob_atomic_abort(&f.script);
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    }
    script_end(out, stem,
               "plot 'suite@divergence.dat' using ($1-0.19):(100*$2):1 "
               "with boxes fillstyle solid 0.9 noborder linecolor variable "
               "notitle, \\\n     '' using ($1+0.19):(100*$5):1 with boxes "
               "fillstyle transparent solid 0.35 noborder linecolor "
               "variable notitle, \\\n     '' using ($1-0.19):(100*$2):"
               "($3 > 0 ? sprintf('%d/%d', $3, $4) : '') with labels "
               "offset 0,0.6 font ',8' notitle, \\\n     '' using "
               "($1+0.19):(100*$5):($6 > 0 ? sprintf('%d/%d', $6, $7) : '') "
               "with labels offset 0,0.6 font ',8' notitle, \\\n     NaN "
               "with boxes fillstyle solid 0.9 noborder linecolor rgb "
               "'#555555' title 'reported runs', \\\n     NaN with boxes "
               "fillstyle transparent solid 0.35 noborder linecolor rgb "
               "'#555555' title 'tuning runs (every swept setting)'");
    status = commit_pair(&f, err);
    if (status == OB_OK)
        status = chart_add(r, stem, -1,
                           highest > 0.0
                               ? "Divergence rate: the share of "
                                 "each optimizer's runs, over every problem, "
                                 "that hit a NaN, an infinity or a blow-up; "
                                 "dark: the reported runs (the chosen "
                                 "settings), light: the tuning runs of every "
                                 "swept setting (counts above the bars that "
                                 "are not zero)."
                               : "Divergence rate: no run diverged, neither "
                                 "a reported run nor a tuning run of any "
                                 "swept setting, on any problem (no NaN, "
                                 "infinity or blow-up).",
                           err);
    return status;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* COCO's runtime distribution: for each optimizer the share of (problem,
 * seed, target) triples solved within a budget of steps. */
static int chart_ecdf(struct ob_report *r, const char *dir,
                      struct ob_error *err)
{
    const char *stem = "suite@ecdf";
    const struct ob_csv *csv = &r->targets;
    size_t steps_c = ob_csv_find(csv, "steps");
    size_t optimizer_c = ob_csv_find(csv, "optimizer");
    size_t phase_c = ob_csv_find(csv, "phase"), budget = 1, drawn = 0;
    double *solved = malloc((csv->rows + 1) * sizeof *solved);
    struct chart_files f;
    struct text plot = {0};
    int status;
    FILE *out;

    if (solved == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    for (size_t q = 0; q < r->problem_count; q++)
        if (r->problems[q].steps > budget)
            budget = r->problems[q].steps;
    status = open_pair(&f, dir, stem, err);
    if (status != OB_OK) {
        free(solved);
        return status;
    }
    out = f.data.stream;
    fputs("# per optimizer: steps, share of its (problem, seed, target) "
          "triples solved within them\n",
          out);
    for (size_t o = 0; o < r->optimizer_count && status == OB_OK; o++) {
        size_t triples = 0, m = 0;

        for (size_t row = 0; row < csv->rows; row++) {
            const char *text = ob_csv_get(csv, row, steps_c);

            if (strcmp(ob_csv_get(csv, row, phase_c), "final") != 0 ||
                strcmp(ob_csv_get(csv, row, optimizer_c), r->optimizers[o]) !=
                    0)
                continue;
            triples++;
            if (*text != '\0')
                solved[m++] = fmax(strtod(text, NULL), 1.0);
        }
        qsort(solved, m, sizeof *solved, compare_doubles);
        fprintf(out, "# %s\n1 0\n", r->optimizers[o]);
        for (size_t i = 0; i < m; i++)
            fprintf(out, "%.17g %.17g\n", solved[i],
                    (double)(i + 1) / (double)triples);
        fprintf(out, "%zu %.17g\n\n\n", budget,
                triples ? (double)m / (double)triples : 0.0);
        if (triples > 0)
            status =
                step_lines(&plot, stem, o, m + 2, drawn == 0, r->optimizers[o]);
        drawn += triples > 0;
    }
    free(solved);
    out = f.script.stream;
    script_start(out, r, stem,
                 "Runtime distribution over the suite's "
                 "(problem, seed, target) triples");
    fprintf(out,
            "set logscale x\nset format x '10^{%%L}'\n"
            "set xrange [1:%zu]\nset yrange [0:1.02]\n"
            "set xlabel 'budget (steps)'\n"
            "set ylabel 'share of triples solved'\n",
            budget);
    return chart_finish(r, &f, stem, &plot, status, drawn > 0, -1,
                        "Runtime distribution (an ECDF, as "
                        "COCO draws it): the share of (problem, "
                        "reported seed, gap target) triples each "
                        "optimizer reached within a budget of steps; "
                        "targets are the suite's gap targets, on the "
                        "problems with a known minimum. Higher and "
                        "further left is better.",
                        err);
}

/* Dolan and More's performance profile over problems: the cost is the
 * median steps to the target loss over the reported seeds (never reached
 * counts as +inf), the ratio is to the best optimizer on the problem. */
static int chart_profile(struct ob_report *r, const char *dir,
                         const struct groups *finals, struct ob_error *err)
{
    const char *stem = "suite@profile";
    size_t steps_c = ob_csv_find(&r->runs, "steps_to_target");
    size_t count = r->optimizer_count, problems = 0, drawn = 0;
    double *cost = malloc((r->problem_count * count + 1) * sizeof *cost);
    double *ratios = malloc((r->problem_count + 1) * sizeof *ratios);
    double *scratch = NULL, worst = 2.0;
    size_t longest = 1;
    struct chart_files f;
    struct text plot = {0};
    int status;
    FILE *out;

    for (size_t pair = 0; pair < r->problem_count * count; pair++)
        if (finals->start[pair + 1] - finals->start[pair] > longest)
            longest = finals->start[pair + 1] - finals->start[pair];
    scratch = malloc(longest * sizeof *scratch);
    if (cost == NULL || ratios == NULL || scratch == NULL) {
        free(cost), free(ratios), free(scratch);
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    }
    for (size_t q = 0; q < r->problem_count; q++) {
        int any = 0;

        for (size_t o = 0; o < count; o++) {
            size_t pair = q * count + o, m = 0;

            for (size_t i = finals->start[pair]; i < finals->start[pair + 1];
                 i++) {
                const char *text =
                    ob_csv_get(&r->runs, finals->rows[i], steps_c);

                scratch[m++] = *text ? strtod(text, NULL) : INFINITY;
            }
            cost[pair] = m ? ob_quantile(scratch, m, 0.5) : NAN;
            any |= m > 0;
        }
        problems += any;
    }
    for (size_t q = 0; q < r->problem_count; q++) {
        double best = INFINITY;

        for (size_t k = 0; k < count; k++)
            if (!isnan(cost[q * count + k]))
                best = fmin(best, cost[q * count + k]);
        for (size_t k = 0; k < count && isfinite(best); k++)
            if (isfinite(cost[q * count + k]))
                worst = fmax(worst,
                             fmax(cost[q * count + k], 1.0) / fmax(best, 1.0));
    }
    status = open_pair(&f, dir, stem, err);
    if (status != OB_OK) {
        free(cost), free(ratios), free(scratch);
        return status;
    }
    out = f.data.stream;
    fprintf(out,
            "# per optimizer: ratio tau to the best median steps to "
            "target, share of the %zu problems within tau\n",
            problems);
    for (size_t o = 0; o < count && status == OB_OK; o++) {
        size_t m = 0;

        for (size_t q = 0; q < r->problem_count; q++) {
            double best = INFINITY, mine = cost[q * count + o];

            for (size_t k = 0; k < count; k++)
                if (!isnan(cost[q * count + k]))
                    best = fmin(best, cost[q * count + k]);
            if (!isfinite(mine) || !isfinite(best))
                continue;
            /* A problem solved at step 0 costs one step, so ratios stay
             * finite. */
            ratios[m++] = fmax(mine, 1.0) / fmax(best, 1.0);
        }
        qsort(ratios, m, sizeof *ratios, compare_doubles);
        fprintf(out, "# %s\n1 0\n", r->optimizers[o]);
        for (size_t i = 0; i < m; i++)
            fprintf(out, "%.17g %.17g\n", ratios[i],
                    (double)(i + 1) / (double)problems);
        fprintf(out, "%.17g %.17g\n\n\n", 1.5 * worst,
                problems ? (double)m / (double)problems : 0.0);
        status =
            step_lines(&plot, stem, o, m + 2, drawn == 0, r->optimizers[o]);
        drawn++;
    }
    free(cost), free(ratios), free(scratch);
    out = f.script.stream;
    script_start(out, r, stem,
                 "Performance profile over the suite's "
                 "problems (Dolan and More)");
    fputs("set xtics (", out);
    /* 1, 1.5, 2, 3, 4, 6, then powers of two (of four past 64), so the
     * labels never crowd. */
    for (double tau = 1.0; tau <= 1.5 * worst; tau *= tau >= 64.0 ? 4.0 : 2.0) {
        fprintf(out, "%s'%g' %g", tau > 1.0 ? ", " : "", tau, tau);
        if (tau < 8.0)
            fprintf(out, ", '%g' %g", 1.5 * tau, 1.5 * tau);
    }
    fputs(")\n", out);
    fprintf(out,
            "set logscale x 2\nset xrange [1:%.17g]\n"
            "set yrange [0:1.02]\nset xlabel 'tau: within this factor of "
            "the best median steps to target'\nset ylabel 'share of "
            "problems'\n",
            1.5 * worst);
    return chart_finish(r, &f, stem, &plot, status, drawn > 0 && problems > 0,
                        -1,
                        "Performance profile (Dolan and "
                        "More): for each optimizer, the share of "
                        "problems on which its median steps to the "
                        "target loss (never reached = infinite) is "
                        "within a factor tau of the best optimizer's. "
                        "At tau = 1: how often it is fastest; on the "
                        "right: how often it gets there at all.",
                        err);
}

/* ---- Drawing ------------------------------------------------------------- */

/* Runs gnuplot on the charts' scripts from inside dir: `jobs` processes
 * at a time, each given every jobs-th script, so the pictures are drawn
 * in parallel without one process per chart. */
static int draw_charts(const struct ob_report *r, const char *dir, int jobs,
                       struct ob_error *err)
{
    size_t processes = jobs > 0 ? (size_t)jobs : 1;
    pid_t *children;
    int status = OB_OK;

    if (processes > r->chart_count)
        processes = r->chart_count;
    if (processes == 0)
        return OB_OK;
    children = calloc(processes, sizeof *children);
    if (children == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    fflush(NULL);
    for (size_t k = 0; k < processes; k++) {
        children[k] = fork();
        if (children[k] < 0) {
            status = ob_errorf(err, OB_EIO, "cannot start gnuplot: %s",
                               strerror(errno));
            break;
        }
        if (children[k] == 0) {
            size_t argc = 0;
            char **argv =
                malloc((r->chart_count / processes + 3) * sizeof *argv);

            if (argv == NULL || chdir(dir) != 0)
                _exit(126);
            argv[argc++] = "gnuplot";
            for (size_t i = k; i < r->chart_count; i += processes) {
                argv[argc] = malloc(strlen(r->charts[i].stem) + 4);
                if (argv[argc] == NULL)
                    _exit(126);
                sprintf(argv[argc++], "%s.gp", r->charts[i].stem);
            }
            argv[argc] = NULL;
            execvp("gnuplot", argv);
            _exit(127);
        }
    }
    for (size_t k = 0; k < processes; k++) {
        int wait_status;

        if (children[k] <= 0)
            continue;
        if (waitpid(children[k], &wait_status, 0) < 0) {
            if (status == OB_OK)
                status = ob_errorf(err, OB_EIO, "waiting for gnuplot: %s",
                                   strerror(errno));
        } else if ((!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) &&
                   status == OB_OK) {
            status = ob_errorf(err, OB_EIO,
                               "gnuplot failed on one of the "
                               "scripts in %s starting with %s.gp (its "
                               "message above names the line)",
                               dir, r->charts[k].stem);
        }
    }
    free(children);
    return status;
}

int ob_report_write_charts(struct ob_report *r, const char *dir, int draw,
                           int jobs, struct ob_error *err)
{
    struct groups traces = {0}, finals = {0}, tunes = {0}, paths = {0};
    size_t longest = 1;
    struct point *pts = NULL;
    double *scratch = NULL;
    int status = ob_make_dirs(dir, err);

    r->chart_count = 0;
    if (status == OB_OK)
        status = group_rows(r, &r->traces, NULL, &traces, err);
    if (status == OB_OK)
        status = group_rows(r, &r->runs, "final", &finals, err);
    if (status == OB_OK)
        status = group_rows(r, &r->runs, "tune", &tunes, err);
    if (status == OB_OK)
        status = group_rows(r, &r->paths, NULL, &paths, err);
    if (status == OB_OK) {
        for (size_t pair = 0; pair < r->problem_count * r->optimizer_count;
             pair++) {
            size_t n = traces.start[pair + 1] - traces.start[pair];
            size_t t = tunes.start[pair + 1] - tunes.start[pair];
            size_t k = finals.start[pair + 1] - finals.start[pair];

            longest = n > longest ? n : longest;
            longest = t > longest ? t : longest;
            longest = k > longest ? k : longest;
        }
        pts = malloc(longest * sizeof *pts);
        scratch = malloc(longest * sizeof *scratch);
        if (pts == NULL || scratch == NULL)
            status = ob_errorf(err, OB_ENOMEM, "out of memory");
    }

    if (status == OB_OK)
        status = chart_ecdf(r, dir, err);
    if (status == OB_OK)
        status = chart_profile(r, dir, &finals, err);
    if (status == OB_OK)
        status = chart_divergence(r, dir, &finals, &tunes, err);
    for (size_t q = 0; status == OB_OK && q < r->problem_count; q++) {
        status = chart_convergence(r, dir, q, &traces, pts, scratch, err);
        if (status == OB_OK && !r->problems[q].dataset &&
            r->problems[q].dim == 2)
            status = chart_trajectories(r, dir, q, &paths, err);
        if (status == OB_OK)
            status = chart_accuracy(r, dir, q, &traces, pts, scratch, err);
        if (status == OB_OK)
            status = chart_final_gaps(r, dir, q, &finals, scratch, err);
        if (status == OB_OK)
            status = chart_lr(r, dir, q, &tunes, pts, scratch, err);
    }
    groups_free(&traces), groups_free(&finals);
    groups_free(&tunes), groups_free(&paths);
    free(pts), free(scratch);
    if (status == OB_OK && draw)
        status = draw_charts(r, dir, jobs, err);
    return status;
}
