/* The harness: the run loop (rows, targets, divergence), run seeds,
 * settings text, atomic files and a small suite end to end. */
#include "cli_helpers.h"

#include <math.h>

#include "harness/harness.h"

static void make_pair(const char *optimizer, const char *settings,
                      const char *problem, struct ob_optimizer *opt,
                      struct ob_problem *p)
{
    struct ob_setting parsed[16];
    static char storage[256];
    struct ob_error err;
    int count = 0;

    /* "key=value key=value" into settings pointing into storage. */
    snprintf(storage, sizeof storage, "%s", settings);
    for (char *cursor, *token = strtok_r(storage, " ", &cursor);
         token != NULL; token = strtok_r(NULL, " ", &cursor))
        cr_assert_eq(ob_setting_split(token, &parsed[count++], &err), OB_OK);
    cr_assert_eq(ob_problem_create(p, ob_problem_find(problem), NULL, 0,
                                   &err), OB_OK, "%s", err.message);
    cr_assert_eq(ob_optimizer_create(opt, ob_optimizer_find(optimizer),
                                     parsed, (size_t)count, p->dim, &err),
                 OB_OK, "%s", err.message);
}

struct rows {
    size_t count;
    size_t steps[4096];
    double losses[4096];
};

static int keep_row(void *context, size_t step, double loss,
                    const double *x, size_t n)
{
    struct rows *rows = context;

    (void)x;
    (void)n;
    cr_assert_lt(rows->count, 4096);
    rows->steps[rows->count] = step;
    rows->losses[rows->count] = loss;
    rows->count++;
    return 0;
}

Test(run, observes_start_and_every_step_and_finds_the_target)
{
    struct ob_optimizer opt;
    struct ob_problem p;
    struct ob_run_summary s;
    struct rows rows = {0};
    struct ob_error err;

    /* Plain gradient descent on 0.5 * h x^2 with h = (1, 10, 100, 1000)
     * and lr 1e-3: the slowest coordinate shrinks by 0.999 a step. */
    make_pair("sgd", "lr=1e-3", "quadratic", &opt, &p);
    cr_assert_eq(ob_run_execute(&p, &opt,
        &(struct ob_run_config){NULL, 500, 0, 1}, keep_row, &rows, &s,
                                &err), OB_OK);
    cr_assert_eq(rows.count, 501);
    cr_assert_eq(rows.steps[0], 0);
    cr_assert_float_eq(rows.losses[0], 0.5 * (1 + 10 + 100 + 1000), 1e-12);
    cr_assert_eq(s.divergence, OB_DIVERGENCE_NONE);
    cr_assert_eq(s.steps_done, 500);
    cr_assert_eq(s.final_loss, rows.losses[500]);
    cr_assert_leq(s.best_loss, s.final_loss);
    cr_assert_eq(s.steps_to_target, -1, "1e-6 is not reachable in 500");

    /* With lr 1.9e-3 (still stable: 1.9e-3 * 1000 < 2) the slowest
     * coordinate shrinks by 0.9981 a step, so minimum + 1e-6 comes near step
     * 3450; it must be the first row at or below it. */
    ob_optimizer_destroy(&opt);
    ob_problem_destroy(&p);
    make_pair("sgd", "lr=1.9e-3", "quadratic", &opt, &p);
    rows.count = 0;
    cr_assert_eq(ob_run_execute(&p, &opt,
        &(struct ob_run_config){NULL, 4000, 0, 1}, keep_row, &rows,
                                &s, &err), OB_OK);
    cr_assert_gt(s.steps_to_target, 3000);
    cr_assert_lt(s.steps_to_target, 4000);
    cr_assert_geq(s.steps_to_target, 1);
    cr_assert_leq(rows.losses[s.steps_to_target], 1e-6);
    cr_assert_gt(rows.losses[s.steps_to_target - 1], 1e-6);
    ob_optimizer_destroy(&opt);
    ob_problem_destroy(&p);
}

Test(run, records_blow_up_and_stops_at_that_row)
{
    struct ob_optimizer opt;
    struct ob_problem p;
    struct ob_run_summary s;
    struct rows rows = {0};
    struct ob_error err;

    /* lr 1 on curvature 1000: the last coordinate grows 999-fold a step. */
    make_pair("sgd", "lr=1", "quadratic", &opt, &p);
    cr_assert_eq(ob_run_execute(&p, &opt,
        &(struct ob_run_config){NULL, 1000, 0, 1}, keep_row, &rows,
                                &s, &err), OB_OK);
    cr_assert_eq(s.divergence, OB_DIVERGENCE_BLOWUP);
    cr_assert_lt(s.steps_done, 10);
    cr_assert_eq(rows.count, s.steps_done + 1);
    cr_assert_str_eq(ob_divergence_name(s.divergence), "blow-up");
    ob_optimizer_destroy(&opt);
    ob_problem_destroy(&p);
}

Test(run, records_nan_from_a_nan_start)
{
    struct ob_optimizer opt;
    struct ob_problem p;
    struct ob_run_summary s;
    struct ob_error err;
    double start[2] = {NAN, 1.0};

    make_pair("adam", "", "rosenbrock", &opt, &p);
    cr_assert_eq(ob_run_execute(&p, &opt,
        &(struct ob_run_config){start, 10, 0, 1}, NULL, NULL, &s,
                                &err), OB_OK);
    cr_assert_eq(s.divergence, OB_DIVERGENCE_NAN);
    cr_assert_eq(s.steps_done, 0);
    ob_optimizer_destroy(&opt);
    ob_problem_destroy(&p);
}

Test(seeds, derive_from_every_part_of_the_identity)
{
    uint64_t base = ob_seed_derive(1, "rosenbrock", "adam", 0);

    cr_assert_neq(base, ob_seed_derive(2, "rosenbrock", "adam", 0));
    cr_assert_neq(base, ob_seed_derive(1, "beale", "adam", 0));
    cr_assert_neq(base, ob_seed_derive(1, "rosenbrock", "sgd", 0));
    cr_assert_neq(base, ob_seed_derive(1, "rosenbrock", "adam", 1));
    cr_assert_neq(ob_seed_derive(1, "ab", "c", 0),
                  ob_seed_derive(1, "a", "bc", 0));
    /* Pinned: a change here silently changes every stochastic result. */
    cr_assert_eq(base, ob_seed_derive(1, "rosenbrock", "adam", 0));
    cr_assert_eq(ob_seed_derive(0, "", "", 0),
                 ob_seed_derive(0, "", "", 0));
}

Test(rng, normal_deviates_have_unit_variance)
{
    struct ob_rng rng;
    double sum = 0.0, squares = 0.0;
    const int n = 200000;

    ob_rng_seed(&rng, 42);
    for (int i = 0; i < n; i++) {
        double z = ob_rng_normal(&rng);

        sum += z;
        squares += z * z;
    }
    cr_assert_lt(fabs(sum / n), 0.01);
    cr_assert_lt(fabs(squares / n - 1.0), 0.01);
}

Test(rng, below_stays_in_range_and_covers_it)
{
    struct ob_rng rng;
    int seen[7] = {0};

    ob_rng_seed(&rng, 3);
    for (int i = 0; i < 7000; i++) {
        size_t k = ob_rng_below(&rng, 7);

        cr_assert_lt(k, 7);
        seen[k]++;
    }
    for (int k = 0; k < 7; k++)
        cr_assert_gt(seen[k], 800);
}

Test(files, atomic_commit_renames_and_abort_leaves_nothing)
{
    char dir[64], path[128], listing[256];
    struct ob_atomic_file file;
    struct ob_error err;
    char *text;

    make_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/a/b/out.csv", dir);
    snprintf(listing, sizeof listing, "%s/a/b", dir);
    cr_assert_eq(ob_make_dirs(listing, &err), OB_OK, "%s", err.message);
    cr_assert_eq(ob_atomic_open(&file, path, &err), OB_OK);
    fputs("x\n", file.stream);
    cr_assert_null(read_whole_file(path), "visible before commit");
    cr_assert_eq(ob_atomic_commit(&file, &err), OB_OK);
    text = read_whole_file(path);
    cr_assert_str_eq(text, "x\n");
    free(text);

    snprintf(path, sizeof path, "%s/a/b/other.csv", dir);
    cr_assert_eq(ob_atomic_open(&file, path, &err), OB_OK);
    fputs("partial", file.stream);
    ob_atomic_abort(&file);
    cr_assert_null(read_whole_file(path));
    snprintf(listing, sizeof listing, "test $(ls -A %s/a/b | wc -l) -eq 1",
             dir);
    cr_assert_eq(system(listing), 0, "a temporary file was left behind");
    snprintf(listing, sizeof listing, "rm -rf %s", dir);
    cr_assert_eq(system(listing), 0);
}

/* ---- The suite runner ----------------------------------------------- */

static const char small_suite[] =
    "[suite]\n"
    "name = small\n"
    "seed = 10\n"
    "seeds = 3\n"
    "tuning_seeds = 2\n"
    "steps = 200\n"
    "targets = 1e-2, 1e-4\n"
    "[optimizer sgd-too-fast]\n"
    "type = sgd\n"
    "lr = 1\n"
    "[optimizer adam]\n"
    "type = adam\n"
    "lr = 0.001, 0.01, 0.1\n"
    "[problem quadratic]\n"
    "type = quadratic\n"
    "[problem noisy]\n"
    "type = noisy-quadratic\n"
    "sigma = 0.5\n";

static void write_text(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");

    cr_assert_not_null(file);
    fputs(text, file);
    cr_assert_eq(fclose(file), 0);
}

static void load_suite(struct ob_suite *suite, const char *dir,
                       const char *text)
{
    char path[160];
    struct ob_error err;

    snprintf(path, sizeof path, "%s/suite.ini", dir);
    write_text(path, text);
    cr_assert_eq(ob_suite_load(suite, path, &err), OB_OK, "%s", err.message);
}

static char *result_file(const char *dir, const char *suite,
                         const char *name)
{
    char path[256];

    snprintf(path, sizeof path, "%s/results/%s/%s", dir, suite, name);
    return read_whole_file(path);
}

static size_t count_matching_lines(const char *text, const char *needle)
{
    size_t count = 0;

    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        char buffer[4096];

        if (length >= sizeof buffer)
            length = sizeof buffer - 1;
        memcpy(buffer, line, length);
        buffer[length] = '\0';
        count += strstr(buffer, needle) != NULL;
        line = end ? end + 1 : NULL;
    }
    return count;
}

static void remove_tree(const char *dir)
{
    char command[256];

    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    cr_assert_eq(system(command), 0);
}

Test(suite, same_files_with_one_and_two_threads)
{
    static const char *const files[] = {"runs.csv", "targets.csv",
                                        "traces.csv", "summary.csv"};
    struct ob_suite_options options = {NULL, 1, 0, 0, 0, NULL, 0, NULL};
    struct ob_suite_report report;
    struct ob_suite suite;
    struct ob_error err;
    char one[64], two[64];

    make_temp_dir(one, sizeof one);
    make_temp_dir(two, sizeof two);
    load_suite(&suite, one, small_suite);
    options.out_dir = one;
    cr_assert_eq(ob_suite_run(&suite, &options, &report, &err), OB_OK, "%s",
                 err.message);
    options.out_dir = two;
    options.threads = 2;
    cr_assert_eq(ob_suite_run(&suite, &options, &report, &err), OB_OK, "%s",
                 err.message);
    for (size_t i = 0; i < 4; i++) {
        char *a = result_file(one, "small", files[i]);
        char *b = result_file(two, "small", files[i]);

        cr_assert_not_null(a, "missing %s", files[i]);
        cr_assert_not_null(b, "missing %s", files[i]);
        cr_assert(strcmp(a, b) == 0, "%s differs", files[i]);
        free(a);
        free(b);
    }
    ob_suite_free(&suite);
    remove_tree(one);
    remove_tree(two);
}

Test(suite, tunes_sweeps_reruns_on_fresh_seeds_and_keeps_divergence)
{
    struct ob_suite_options options = {NULL, 2, 0, 0, 0, NULL, 0, NULL};
    struct ob_suite_report report;
    struct ob_suite suite;
    struct ob_error err;
    char dir[64];
    char *runs, *summary, *journal;

    make_temp_dir(dir, sizeof dir);
    load_suite(&suite, dir, small_suite);
    options.out_dir = dir;
    cr_assert_eq(ob_suite_run(&suite, &options, &report, &err), OB_OK, "%s",
                 err.message);
    /* 2 problems x 3 lr x 2 tuning seeds, then 2 x 2 entries x 3 seeds. */
    cr_assert_eq(report.runs, 12 + 12);
    runs = result_file(dir, "small", "runs.csv");
    summary = result_file(dir, "small", "summary.csv");
    cr_assert_not_null(runs);
    cr_assert_not_null(summary);
    cr_assert_eq(count_matching_lines(runs, ",tune,"), 12);
    cr_assert_eq(count_matching_lines(runs, ",final,"), 12);
    /* Tuning seeds start at seed + 1000; reported ones at the seed. */
    cr_assert_eq(count_matching_lines(runs, ",adam,1010,"), 6);
    cr_assert_eq(count_matching_lines(runs, ",adam,10,"), 2);
    cr_assert_eq(count_matching_lines(runs, ",sgd-too-fast,10,diverged,"
                                            "blow-up,"), 2);
    cr_assert_eq(count_matching_lines(runs, ",final,lr=1,"), 6);

    /* On the noiseless quadratic the largest rate wins within 200 steps:
     * lr 0.1 moves every coordinate ~0.1 per step, lr 0.001 barely moves. */
    cr_assert_eq(count_matching_lines(
                     summary, "quadratic,adam,lr=0.1,3,gap,"), 1,
                 "%s", summary);
    cr_assert_eq(count_matching_lines(summary, "quadratic,sgd-too-fast,lr=1,"
                                               "3,gap,inf,inf,inf,0,1,0,"),
                 1, "%s", summary);
    /* One summary row per pair, after the header. */
    cr_assert_eq(count_matching_lines(summary, ","), 5);
    /* The journal is gone once the files are complete. */
    journal = result_file(dir, "small", "journal.partial");
    cr_assert_null(journal);
    free(runs);
    free(summary);
    ob_suite_free(&suite);
    remove_tree(dir);
}

Test(suite, only_keeps_the_matching_pairs)
{
    struct ob_suite_options options = {NULL, 1, 0, 0, 0, "noisy/adam", 0,
                                       NULL};
    struct ob_suite_report report;
    struct ob_suite suite;
    struct ob_error err;
    char dir[64];
    char *runs;

    make_temp_dir(dir, sizeof dir);
    load_suite(&suite, dir, small_suite);
    options.out_dir = dir;
    cr_assert_eq(ob_suite_run(&suite, &options, &report, &err), OB_OK, "%s",
                 err.message);
    cr_assert_eq(report.runs, 6 + 3);
    runs = result_file(dir, "small", "runs.csv");
    cr_assert_eq(count_matching_lines(runs, "noisy,adam,"), 9);
    cr_assert_eq(count_matching_lines(runs, "quadratic,"), 0);
    free(runs);

    options.only = "nothing-*";
    cr_assert_eq(ob_suite_run(&suite, &options, &report, &err), OB_EINVAL);
    cr_assert_not_null(strstr(err.message, "nothing-*"), "%s", err.message);
    ob_suite_free(&suite);
    remove_tree(dir);
}

Test(suite, metrics_follow_the_run)
{
    struct ob_suite_options options = {NULL, 1, 0, 0, 0, NULL, 0, NULL};
    struct ob_suite_report report;
    struct ob_suite suite;
    struct ob_error err;
    char dir[64], line[1024];
    char *runs, *targets;
    double final_gap, auc;
    long steps_to_target, increases;
    int matched;

    /* Gradient descent on 0.5 * 1 * x^2 from 1 with lr 0.5: x halves each
     * step, the gap is 0.5 * 4^-k, never rises, and 1e-6 is first reached
     * at k = 10 (0.5 * 4^-10 = 4.8e-7). */
    make_temp_dir(dir, sizeof dir);
    load_suite(&suite, dir,
               "[suite]\nname = exact\nseeds = 1\nsteps = 40\n"
               "targets = 1e-1, 1e-6\n"
               "[optimizer gd]\ntype = sgd\nlr = 0.5\n"
               "[problem line]\ntype = quadratic\nh = 1,1\nstart = 1,0\n");
    options.out_dir = dir;
    cr_assert_eq(ob_suite_run(&suite, &options, &report, &err), OB_OK, "%s",
                 err.message);
    runs = result_file(dir, "exact", "runs.csv");
    cr_assert_not_null(runs);
    matched = sscanf(strchr(runs, '\n') + 1,
                     "line,gd,1,ok,,40,%*[^,],%*[^,],0,%lf,%*[^,],%ld,final,"
                     "lr=0.5,%*[^,],%lf,%ld", &final_gap, &steps_to_target,
                     &auc, &increases);
    cr_assert_eq(matched, 4, "%s", runs);
    cr_assert_float_eq(final_gap, 0.5 * pow(4.0, -40.0), 1e-30);
    cr_assert_eq(steps_to_target, 10);
    cr_assert_eq(increases, 0);
    /* Mean over rows 0..40 of log10(max(0.5 * 4^-k, 1e-16)). */
    {
        double sum = 0.0;

        for (int k = 0; k <= 40; k++)
            sum += log10(fmax(0.5 * pow(4.0, -k), 1e-16));
        cr_assert_float_eq(auc, sum / 41.0, 1e-12);
    }
    targets = result_file(dir, "exact", "targets.csv");
    snprintf(line, sizeof line, "line,gd,final,1,0.10000000000000001,2,2\n");
    cr_assert_not_null(strstr(targets, line), "%s", targets);
    cr_assert_not_null(
        strstr(targets, "line,gd,final,1,9.9999999999999995e-07,10,10\n"),
        "%s", targets);
    free(runs);
    free(targets);
    ob_suite_free(&suite);
    remove_tree(dir);
}

Test(suite, dataset_problems_run_epochs_with_test_metrics)
{
    struct ob_suite_options options = {NULL, 2, 0, 0, 0, NULL, 0, NULL};
    struct ob_suite_report report;
    struct ob_suite suite;
    struct ob_error err;
    char dir[64];
    char *runs, *traces;

    make_temp_dir(dir, sizeof dir);
    load_suite(&suite, dir,
               "[suite]\nname = data\nseeds = 2\nsteps = 7\nepochs = 3\n"
               "[optimizer adam]\ntype = adam\nlr = 0.01\n"
               "[problem logreg]\ntype = logreg-breast-cancer\nbatch = 32\n"
               "[problem q]\ntype = quadratic\n");
    options.out_dir = dir;
    cr_assert_eq(ob_suite_run(&suite, &options, &report, &err), OB_OK, "%s",
                 err.message);
    runs = result_file(dir, "data", "runs.csv");
    traces = result_file(dir, "data", "traces.csv");
    cr_assert_not_null(strstr(runs, ",test_loss,test_accuracy\n"));
    /* 3 epochs of 15 minibatches; the function keeps its 7 steps and has
     * no test columns. */
    cr_assert_eq(count_matching_lines(runs, "logreg,adam,1,ok,,45,"), 1,
                 "%s", runs);
    cr_assert_eq(count_matching_lines(runs, "q,adam,1,"), 1);
    {
        const char *q = strstr(runs, "\nq,adam,1,") + 1;

        cr_assert_eq(strncmp(strchr(q, '\n') - 2, ",,", 2), 0,
                     "no test columns for a function: %s", q);
    }
    cr_assert_not_null(strstr(traces, "logreg,adam,2,45,"));
    /* One row per epoch and the start, each with test metrics. */
    cr_assert_eq(count_matching_lines(traces, "logreg,adam,1,"), 4);
    cr_assert_eq(count_matching_lines(traces, "q,adam,1,"), 8);
    free(runs);
    free(traces);
    ob_suite_free(&suite);
    remove_tree(dir);
}

/* A cheap problem at the suite's replicates beside one with its own. */
static const char *const budget_suite =
    "[suite]\nname = budget\nseed = 10\nseeds = 3\ntuning_seeds = 2\n"
    "steps = 50\n"
    "[optimizer sgd]\ntype = sgd\nlr = 0.01\n"
    "[optimizer adam]\ntype = adam\nlr = 0.01, 0.1\n"
    "[problem q]\ntype = quadratic\n"
    "[problem noisy]\ntype = noisy-quadratic\nseeds = 1\ntuning_seeds = 4\n"
    "steps = 20\n";

Test(suite, problems_run_their_own_seeds_and_tuning_seeds)
{
    static const char *const files[] = {"runs.csv", "targets.csv",
                                        "traces.csv", "summary.csv"};
    struct ob_suite_options options = {NULL, 1, 0, 0, 0, NULL, 0, NULL};
    struct ob_suite_report report;
    struct ob_suite suite;
    struct ob_error err;
    char one[64], two[64];
    char *runs, *summary;

    make_temp_dir(one, sizeof one);
    make_temp_dir(two, sizeof two);
    load_suite(&suite, one, budget_suite);
    options.out_dir = one;
    cr_assert_eq(ob_suite_run(&suite, &options, &report, &err), OB_OK, "%s",
                 err.message);
    /* q: 2 lr x 2 tuning seeds, 2 entries x 3 seeds; noisy: 2 x 4 and
     * 2 x 1. */
    cr_assert_eq(report.runs, 4 + 6 + 8 + 2);
    runs = result_file(one, "budget", "runs.csv");
    summary = result_file(one, "budget", "summary.csv");
    cr_assert_eq(count_matching_lines(runs, "noisy,adam,1013,"), 2, "%s",
                 runs);
    cr_assert_eq(count_matching_lines(runs, "q,adam,1013,"), 0);
    cr_assert_eq(count_matching_lines(runs, "q,adam,1011,"), 2);
    cr_assert_eq(count_matching_lines(runs, "noisy,sgd,10,"), 1);
    cr_assert_eq(count_matching_lines(runs, "noisy,sgd,11,"), 0);
    cr_assert_eq(count_matching_lines(runs, "q,sgd,12,"), 1);
    cr_assert_eq(count_matching_lines(summary, "noisy,adam,lr="), 1);
    cr_assert_not_null(strstr(summary, "\nnoisy,sgd,lr=0.01,1,"), "%s",
                       summary);
    cr_assert_not_null(strstr(summary, "\nq,sgd,lr=0.01,3,"), "%s", summary);
    free(runs);
    free(summary);
    /* Nothing was skipped, so the manifest has no such key. */
    runs = result_file(one, "budget", "manifest.json");
    cr_assert_not_null(runs);
    cr_assert_null(strstr(runs, "skipped"), "%s", runs);
    free(runs);

    /* Byte for byte the same on two threads; --seeds then wins over every
     * problem's own reported seeds, not over tuning seeds. */
    options.out_dir = two;
    options.threads = 2;
    cr_assert_eq(ob_suite_run(&suite, &options, &report, &err), OB_OK, "%s",
                 err.message);
    for (size_t i = 0; i < 4; i++) {
        char *a = result_file(one, "budget", files[i]);
        char *b = result_file(two, "budget", files[i]);

        cr_assert_not_null(a, "missing %s", files[i]);
        cr_assert(b != NULL && strcmp(a, b) == 0, "%s differs", files[i]);
        free(a);
        free(b);
    }
    options.seeds = 2;
    cr_assert_eq(ob_suite_run(&suite, &options, &report, &err), OB_OK, "%s",
                 err.message);
    cr_assert_eq(report.runs, 4 + 4 + 8 + 4);
    runs = result_file(two, "budget", "runs.csv");
    cr_assert_eq(count_matching_lines(runs, "noisy,sgd,11,"), 1, "%s", runs);
    cr_assert_eq(count_matching_lines(runs, "q,sgd,12,"), 0);
    free(runs);
    ob_suite_free(&suite);
    remove_tree(one);
    remove_tree(two);
}

Test(suite, skips_a_problem_whose_data_set_is_not_installed)
{
    struct ob_suite_options options = {NULL, 2, 0, 0, 0, NULL, 0, NULL};
    struct ob_suite_report report;
    struct ob_suite suite;
    struct ob_error err;
    char dir[64], empty[64] = "/tmp/optbench-nofashion-XXXXXX";
    char *runs, *manifest;

    cr_assert_not_null(mkdtemp(empty));
    cr_assert_eq(setenv("OPTBENCH_FASHION_MNIST_DIR", empty, 1), 0);
    make_temp_dir(dir, sizeof dir);
    load_suite(&suite, dir,
               "[suite]\nname = partial\nseeds = 2\nsteps = 20\n"
               "[optimizer adam]\ntype = adam\nlr = 0.01\n"
               "[problem fm]\ntype = softmax-fashion-mnist\n"
               "train_rows = 100\n"
               "[problem q]\ntype = quadratic\n");
    cr_assert_not_null(suite.problems[0].unavailable);
    options.out_dir = dir;
    cr_assert_eq(ob_suite_run(&suite, &options, &report, &err), OB_OK, "%s",
                 err.message);
    cr_assert_eq(report.runs, 2);
    runs = result_file(dir, "partial", "runs.csv");
    manifest = result_file(dir, "partial", "manifest.json");
    cr_assert_eq(count_matching_lines(runs, "q,adam,"), 2, "%s", runs);
    cr_assert_eq(count_matching_lines(runs, "fm,"), 0, "%s", runs);
    cr_assert_not_null(strstr(manifest, "\"skipped\": ["), "%s", manifest);
    cr_assert_not_null(strstr(manifest, "\"problem\": \"fm\""), "%s",
                       manifest);
    cr_assert_not_null(strstr(manifest, "\"type\": \"softmax-fashion-mnist\""));
    cr_assert_not_null(strstr(manifest, "apt-get install "
                                        "dataset-fashion-mnist"));
    free(runs);
    free(manifest);

    /* Nothing left to run is an error that says why. */
    options.only = "fm";
    cr_assert_eq(ob_suite_run(&suite, &options, &report, &err), OB_EMISSING);
    cr_assert_not_null(strstr(err.message, "nothing to run in suite partial"),
                       "%s", err.message);
    cr_assert_not_null(strstr(err.message, empty), "%s", err.message);
    ob_suite_free(&suite);
    unsetenv("OPTBENCH_FASHION_MNIST_DIR");
    rmdir(empty);
    remove_tree(dir);
}
