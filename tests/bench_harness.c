/* The benchmark behind `make bench`: harness overhead per step, thread
 * speed-up on the default suite, the quick suite's wall time and the adam
 * step's memory bandwidth, all as medians of repetitions in one process and
 * quoted as ratios, since absolute times on a shared machine mean little. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#include "harness/harness.h"

#define OVERHEAD_STEPS 2000000
#define OVERHEAD_REPS  7
#define QUICK_REPS     3
#define STREAM_N       10000000
#define STREAM_REPS    5

/* A 1-thread default-suite run longer than this gets one repetition per
 * thread count, which keeps the whole benchmark within a few minutes. */
#define DEFAULT_SUITE_LONG_SECONDS 25.0
#define DEFAULT_SUITE_REPS         3

/* ---- Small helpers ------------------------------------------------------- */

static double clock_seconds(clockid_t clock)
{
    struct timespec t;

    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double now(void)
{
    return clock_seconds(CLOCK_MONOTONIC);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Median of values[0..n), n > 0; sorts values in place. */
static double median(double *values, size_t n)
{
    qsort(values, n, sizeof *values, compare_doubles);
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

static void note(const char *format, ...) __attribute__((format(printf, 1, 2)));

static void note(const char *format, ...)
{
    char line[512];
    va_list args;

    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    fprintf(stderr, "bench_harness: %s\n", line);
}

static char temp_root[4096];

static void remove_tree(const char *path);

static void die(const char *format, ...) __attribute__((format(printf, 1, 2)));

static void die(const char *format, ...)
{
    char line[512];
    va_list args;

    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    fprintf(stderr, "bench_harness: %s\n", line);
    if (temp_root[0] != '\0')
        remove_tree(temp_root);
    exit(1);
}

/* Removes a file or a folder with everything under it; symbolic links are
 * removed, never followed. */
static void remove_tree(const char *path)
{
    struct stat info;
    DIR *dir;
    struct dirent *entry;
    char child[4096];

    if (lstat(path, &info) != 0)
        return;
    if (!S_ISDIR(info.st_mode)) {
        unlink(path);
        return;
    }
    dir = opendir(path);
    if (dir != NULL) {
        while ((entry = readdir(dir)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0 ||
                strcmp(entry->d_name, "..") == 0)
                continue;
            snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
            remove_tree(child);
        }
        closedir(dir);
    }
    rmdir(path);
}

static void make_temp_root(void)
{
    const char *base = getenv("TMPDIR");

    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    snprintf(temp_root, sizeof temp_root, "%s/bench_harness.XXXXXX", base);
    if (mkdtemp(temp_root) == NULL) {
        temp_root[0] = '\0';
        die("cannot create a folder under %s: %s", base, strerror(errno));
    }
}

/* ---- The table, printed on stdout at the end ----------------------------- */

struct table_row {
    int heading; /* a section title spanning the row */
    char item[128];
    char value[32];
    char unit[16];
    char goal[24];
    char verdict[16];
};

static struct table_row table[48];
static size_t table_count;

static void table_heading(const char *format, ...)
    __attribute__((format(printf, 1, 2)));

static void table_heading(const char *format, ...)
{
    struct table_row *row = &table[table_count++];
    va_list args;

    memset(row, 0, sizeof *row);
    row->heading = 1;
    va_start(args, format);
    vsnprintf(row->item, sizeof row->item, format, args);
    va_end(args);
}

/* Adds a row; goal and verdict may be NULL. */
static void table_add(const char *item, const char *value_format, double value,
                      const char *unit, const char *goal, const char *verdict)
{
    struct table_row *row = &table[table_count++];

    memset(row, 0, sizeof *row);
    snprintf(row->item, sizeof row->item, "%s", item);
    snprintf(row->value, sizeof row->value, value_format, value);
    snprintf(row->unit, sizeof row->unit, "%s", unit);
    snprintf(row->goal, sizeof row->goal, "%s", goal ? goal : "");
    snprintf(row->verdict, sizeof row->verdict, "%s", verdict ? verdict : "");
}

static void widen(int *width, const char *text, int extra)
{
    int w = (int)strlen(text) + extra;

    if (w > *width)
        *width = w;
}

static void table_print(void)
{
    int item_w = 7, value_w = 5, unit_w = 4, goal_w = 4, rule;
    char line[256];
    size_t end;

    for (size_t i = 0; i < table_count; i++) {
        const struct table_row *r = &table[i];

        if (r->heading)
            continue;
        widen(&item_w, r->item, 3);
        widen(&value_w, r->value, 0);
        widen(&unit_w, r->unit, 0);
        widen(&goal_w, r->goal, 0);
    }
    rule = item_w + value_w + unit_w + goal_w + 2 + 2 + 3 + 7;
    printf("%-*s  %*s %-*s  %-*s  %s\n", item_w, "measure", value_w, "value",
           unit_w, "unit", goal_w, "goal", "verdict");
    for (int k = 0; k < rule; k++)
        putchar('-');
    putchar('\n');
    for (size_t i = 0; i < table_count; i++) {
        const struct table_row *r = &table[i];

        if (r->heading) {
            printf("%s\n", r->item);
            continue;
        }
        snprintf(line, sizeof line, "   %-*s  %*s %-*s  %-*s  %s", item_w - 3,
                 r->item, value_w, r->value, unit_w, r->unit, goal_w, r->goal,
                 r->verdict);
        end = strlen(line);
        while (end > 0 && line[end - 1] == ' ')
            line[--end] = '\0';
        printf("%s\n", line);
    }
}

/* ---- 1. Harness overhead per step ---------------------------------------- */

struct pair {
    struct ob_problem problem;
    struct ob_optimizer opt;
};

static void pair_create(struct pair *pair, const char *problem,
                        const char *optimizer)
{
    const struct ob_problem_type *ptype = ob_problem_find(problem);
    const struct ob_optimizer_type *otype = ob_optimizer_find(optimizer);
    struct ob_error err = {0};

    if (ptype == NULL || otype == NULL)
        die("no problem '%s' or no optimizer '%s'", problem, optimizer);
    if (ob_problem_create(&pair->problem, ptype, NULL, 0, &err) != OB_OK)
        die("%s", err.message);
    if (ob_optimizer_create(&pair->opt, otype, NULL, 0, pair->problem.dim,
                            &err) != OB_OK)
        die("%s", err.message);
}

static void pair_destroy(struct pair *pair)
{
    ob_optimizer_destroy(&pair->opt);
    ob_problem_destroy(&pair->problem);
}

/* Keeps results alive so the compiler cannot drop the work behind them. */
static volatile double sink;

/* The same work as ob_run_execute on a deterministic problem (steps + 1
 * evaluations, steps updates) with nothing around it. Seconds. */
static double time_bare_loop(struct pair *pair, size_t steps)
{
    const struct ob_problem *p = &pair->problem;
    size_t n = p->dim;
    double *x = malloc(2 * n * sizeof *x);
    double *grad = x + n;
    double loss, start;

    if (x == NULL)
        die("out of memory");
    memcpy(x, p->start, n * sizeof *x);
    ob_optimizer_reset(&pair->opt);

    start = now();
    loss = ob_problem_eval(p, x, grad, NULL);
    for (size_t k = 0; k < steps; k++) {
        ob_optimizer_step(&pair->opt, x, grad);
        loss = ob_problem_eval(p, x, grad, NULL);
    }
    start = now() - start;
    sink = loss + x[0];
    free(x);
    return start;
}

static int observe_nothing(void *context, size_t step, double loss,
                           const double *x, size_t n)
{
    (void)context;
    (void)step;
    (void)loss;
    (void)x;
    (void)n;
    return 0;
}

static double time_run_execute(struct pair *pair, size_t steps)
{
    /* A row at every step, as the suite runner asks for on functions. */
    struct ob_run_config config = {
        .x0 = NULL, .steps = steps, .eval_every = 1, .stream_seed = 1};
    struct ob_run_summary summary;
    struct ob_error err = {0};
    double start = now();

    if (ob_run_execute(&pair->problem, &pair->opt, &config, observe_nothing,
                       NULL, &summary, &err) != OB_OK)
        die("%s", err.message);
    start = now() - start;
    if (summary.steps_done != steps)
        die("ob_run_execute stopped after %zu of %zu steps (%s)",
            summary.steps_done, steps, ob_divergence_name(summary.divergence));
    sink = summary.final_loss;
    return start;
}

/* Runs `suite` once into a fresh folder under the temp root, removed
 * afterwards. Returns the wall seconds of ob_suite_run alone; when cores is
 * non-NULL it receives the process CPU time over that wall time, the cores
 * the run actually got on a shared machine. */
static double time_suite_run(const struct ob_suite *suite, int threads,
                             const char *tag, double *cores)
{
    struct ob_suite_options options;
    struct ob_suite_report report;
    struct ob_error err = {0};
    char out_dir[4200];
    double start, cpu;

    snprintf(out_dir, sizeof out_dir, "%s/%s", temp_root, tag);
    memset(&options, 0, sizeof options);
    options.out_dir = out_dir;
    options.threads = threads;
    options.draw_charts = 0;
    options.show_progress = 0;

    cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    start = now();
    if (ob_suite_run(suite, &options, &report, &err) != OB_OK)
        die("suite %s: %s", suite->name, err.message);
    start = now() - start;
    if (cores != NULL)
        *cores = (clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu) / start;
    if (report.finished != report.runs || report.runs == 0)
        die("suite %s finished %zu of %zu runs", suite->name, report.finished,
            report.runs);
    remove_tree(out_dir);
    return start;
}

/* One pair and one seed: the suite path around the same loop as above. */
static void load_overhead_suite(struct ob_suite *suite, size_t steps)
{
    char path[4200];
    struct ob_error err = {0};
    FILE *file;

    snprintf(path, sizeof path, "%s/overhead.ini", temp_root);
    file = fopen(path, "w");
    if (file == NULL)
        die("cannot write %s: %s", path, strerror(errno));
    fprintf(file,
            "[suite]\nname = overhead\nseed = 1\nseeds = 1\n"
            "steps = %zu\neval_every = 0\n\n"
            "[optimizer adam]\ntype = adam\n\n"
            "[problem rosenbrock]\ntype = rosenbrock\n",
            steps);
    if (fclose(file) != 0)
        die("cannot write %s", path);
    if (ob_suite_load(suite, path, &err) != OB_OK)
        die("%s", err.message);
}

static const char *verdict(int met)
{
    return met ? "met" : "MISSED";
}

static void bench_overhead(void)
{
    double bare[OVERHEAD_REPS], run[OVERHEAD_REPS], full[OVERHEAD_REPS];
    double a, b, c, over_b, over_c;
    struct ob_suite suite;
    struct pair pair;
    size_t steps = OVERHEAD_STEPS;

    note("1/4 overhead per step: %d repetitions of %zu steps, interleaved",
         OVERHEAD_REPS, steps);
    pair_create(&pair, "rosenbrock", "adam");
    load_overhead_suite(&suite, steps);
    time_bare_loop(&pair, steps / 10); /* warm caches and clocks */

    /* Interleaved, so drift in machine load hits all three alike. */
    for (int r = 0; r < OVERHEAD_REPS; r++) {
        bare[r] = time_bare_loop(&pair, steps);
        run[r] = time_run_execute(&pair, steps);
        full[r] = time_suite_run(&suite, 1, "overhead", NULL);
    }
    a = median(bare, OVERHEAD_REPS) / (double)steps;
    b = median(run, OVERHEAD_REPS) / (double)steps;
    c = median(full, OVERHEAD_REPS) / (double)steps;
    over_b = 100.0 * (b / a - 1.0);
    over_c = 100.0 * (c / a - 1.0);

    table_heading("1. overhead per step, rosenbrock x adam, N = %zu steps, "
                  "median of %d",
                  steps, OVERHEAD_REPS);
    table_add("(a) bare loop: ob_problem_eval + ob_optimizer_step", "%.2f",
              1e9 * a, "ns", NULL, NULL);
    table_add("(b) ob_run_execute, observer returning 0", "%.2f", 1e9 * b, "ns",
              NULL, NULL);
    table_add("(c) ob_suite_run, 1 pair, 1 seed, 1 thread, no charts", "%.2f",
              1e9 * c, "ns", NULL, NULL);
    table_add("run overhead (b)/(a) - 1", "%+.1f", over_b, "%", "< 10 %",
              verdict(over_b < 10.0));
    table_add("suite overhead (c)/(a) - 1", "%+.1f", over_c, "%", "< 10 %",
              verdict(over_c < 10.0));

    ob_suite_free(&suite);
    pair_destroy(&pair);
}

/* ---- 2. Thread speed-up on the default suite ----------------------------- */

static void load_named(struct ob_suite *suite, const char *name)
{
    struct ob_error err = {0};

    if (ob_suite_load_named(suite, name, &err) != OB_OK)
        die("%s", err.message);
}

static void bench_speedup(void)
{
    double one[DEFAULT_SUITE_REPS], two[DEFAULT_SUITE_REPS];
    double cores_one[DEFAULT_SUITE_REPS], cores_two[DEFAULT_SUITE_REPS];
    double t1, t2, speedup;
    struct ob_suite suite;
    int reps;

    load_named(&suite, "default");
    note("2/4 default suite: measuring one 1-thread run first");
    one[0] = time_suite_run(&suite, 1, "default-1", &cores_one[0]);
    reps = one[0] > DEFAULT_SUITE_LONG_SECONDS ? 1 : DEFAULT_SUITE_REPS;
    note("2/4 default suite: 1 thread took %.1f s, so %d repetition%s each",
         one[0], reps, reps > 1 ? "s" : "");
    two[0] = time_suite_run(&suite, 2, "default-2", &cores_two[0]);
    for (int r = 1; r < reps; r++) {
        one[r] = time_suite_run(&suite, 1, "default-1", &cores_one[r]);
        two[r] = time_suite_run(&suite, 2, "default-2", &cores_two[r]);
    }
    t1 = median(one, (size_t)reps);
    t2 = median(two, (size_t)reps);
    speedup = t1 / t2;

    if (reps == 1)
        table_heading("2. default suite, ob_suite_run, no charts, ONE "
                      "repetition each (1 thread took %.0f s > %.0f s)",
                      one[0], DEFAULT_SUITE_LONG_SECONDS);
    else
        table_heading("2. default suite, ob_suite_run, no charts, "
                      "median of %d",
                      reps);
    table_add("1 thread, wall", "%.2f", t1, "s", NULL, NULL);
    table_add("2 threads, wall", "%.2f", t2, "s", NULL, NULL);
    table_add("speed-up 1 -> 2 threads", "%.2f", speedup, "x", ">= 1.8",
              verdict(speedup >= 1.8));
    /* Cores obtained well below the thread count mean the machine, not the
     * harness, capped the speed-up. */
    table_add("cores obtained (CPU time / wall), 1 thread", "%.2f",
              median(cores_one, (size_t)reps), "", NULL, NULL);
    table_add("cores obtained (CPU time / wall), 2 threads", "%.2f",
              median(cores_two, (size_t)reps), "", NULL, NULL);
    ob_suite_free(&suite);
}

/* ---- 3. The quick suite -------------------------------------------------- */

static void bench_quick(void)
{
    double wall[QUICK_REPS], t;
    struct ob_suite suite;
    int threads = omp_get_max_threads();

    note("3/4 quick suite: %d repetitions on %d threads", QUICK_REPS, threads);
    load_named(&suite, "quick");
    for (int r = 0; r < QUICK_REPS; r++)
        wall[r] = time_suite_run(&suite, threads, "quick", NULL);
    t = median(wall, QUICK_REPS);

    table_heading("3. quick suite, ob_suite_run, %d threads, no charts, "
                  "median of %d",
                  threads, QUICK_REPS);
    table_add("wall", "%.2f", t, "s", "< 10 s", verdict(t < 10.0));
    ob_suite_free(&suite);
}

/* ---- 4. Memory bandwidth --------------------------------------------------
 * Bytes moved count each array read or written once per element, as
 * STREAM does (write-allocate traffic is not counted). */

static double *alloc_doubles(size_t n)
{
    double *p = malloc(n * sizeof *p);

    if (p == NULL)
        die("out of memory for %zu doubles", n);
    return p;
}

static void triad(double *a, const double *b, const double *c, double s,
                  size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = b[i] + s * c[i];
}

static void bench_bandwidth(void)
{
    size_t n = STREAM_N;
    double *a = alloc_doubles(n), *b = alloc_doubles(n);
    double *c = alloc_doubles(n), *x = alloc_doubles(n);
    double *g = alloc_doubles(n);
    double copy_t[STREAM_REPS], triad_t[STREAM_REPS], adam_t[STREAM_REPS];
    double copy_gbs, triad_gbs, adam_gbs, bytes = (double)n * sizeof(double);
    struct ob_optimizer opt;
    struct ob_error err = {0};

    note("4/4 bandwidth: n = %zu doubles, %d repetitions", n, STREAM_REPS);
    if (ob_optimizer_create(&opt, ob_optimizer_find("adam"), NULL, 0, n,
                            &err) != OB_OK)
        die("%s", err.message);
    for (size_t i = 0; i < n; i++) {
        a[i] = 0.0;
        b[i] = 1.0;
        c[i] = 2.0;
        x[i] = 1.0;
        g[i] = 1e-3 * (double)(i % 1000) - 0.5;
    }

    /* One untimed pass of each touches every page first. */
    memcpy(a, b, n * sizeof *a);
    triad(a, b, c, 3.0, n);
    ob_optimizer_step(&opt, x, g);
    for (int r = 0; r < STREAM_REPS; r++) {
        double start = now();

        memcpy(a, b, n * sizeof *a);
        copy_t[r] = now() - start;
        sink = a[n / 2];

        start = now();
        triad(a, b, c, 3.0, n);
        triad_t[r] = now() - start;
        sink = a[n / 3];

        start = now();
        ob_optimizer_step(&opt, x, g);
        adam_t[r] = now() - start;
        sink = x[n / 5];
    }
    copy_gbs = 2.0 * bytes / median(copy_t, STREAM_REPS) / 1e9;
    triad_gbs = 3.0 * bytes / median(triad_t, STREAM_REPS) / 1e9;
    adam_gbs = 7.0 * bytes / median(adam_t, STREAM_REPS) / 1e9;

    table_heading("4. memory bandwidth, n = %zu doubles, 1 thread, "
                  "median of %d",
                  n, STREAM_REPS);
    table_add("memcpy (reads 1 array, writes 1)", "%.2f", copy_gbs, "GB/s",
              NULL, NULL);
    table_add("triad a[i] = b[i] + s*c[i] (reads 2, writes 1)", "%.2f",
              triad_gbs, "GB/s", NULL, NULL);
    table_add("adam step (reads x g m v, writes x m v)", "%.2f", adam_gbs,
              "GB/s", NULL, NULL);
    table_add("ratio adam / triad", "%.2f", adam_gbs / triad_gbs, "", NULL,
              NULL);
    table_add("ratio adam / memcpy", "%.2f", adam_gbs / copy_gbs, "", NULL,
              NULL);

    ob_optimizer_destroy(&opt);
    free(a);
    free(b);
    free(c);
    free(x);
    free(g);
}

/* ---- main ---------------------------------------------------------------- */

/* The 1-minute load average as text ("unknown" without /proc); returns
 * it as a number, or -1. */
static double read_load_average(char *out, size_t size)
{
    FILE *file = fopen("/proc/loadavg", "r");
    double load = -1.0;

    if (file != NULL) {
        if (fscanf(file, "%lf", &load) != 1)
            load = -1.0;
        fclose(file);
    }
    if (load >= 0.0)
        snprintf(out, size, "%.2f", load);
    else
        snprintf(out, size, "unknown");
    return load;
}

int main(int argc, char **argv)
{
    double start = now();
    char load_before[32], load_after[32];

    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: bench_harness (no arguments; about 5 "
                        "minutes; table on stdout)\n");
        return 2;
    }
    if (read_load_average(load_before, sizeof load_before) > 0.5)
        note("load average %s at start: other work is running, which skews "
             "the speed-up and overhead ratios",
             load_before);
    make_temp_root();
    note("temporary results under %s", temp_root);

    bench_overhead();
    bench_speedup();
    bench_quick();
    bench_bandwidth();

    remove_tree(temp_root);
    read_load_average(load_after, sizeof load_after);
    printf("optbench harness benchmark: one process, medians of repetitions; "
           "%ld CPUs online,\n1-minute load average %s at start, %s at end\n\n",
           sysconf(_SC_NPROCESSORS_ONLN), load_before, load_after);
    table_print();
    printf("\ntotal benchmark runtime: %.1f s\n", now() - start);
    return 0;
}
