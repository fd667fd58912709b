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
    char storage[256];
    struct ob_error err;
    int count = ob_settings_parse(settings, storage, sizeof storage, parsed,
                                  16, "test", &err);

    cr_assert_geq(count, 0, "%s", err.message);
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

static void keep_row(void *context, size_t step, double loss,
                     const double *x, size_t n)
{
    struct rows *rows = context;

    (void)x;
    (void)n;
    cr_assert_lt(rows->count, 4096);
    rows->steps[rows->count] = step;
    rows->losses[rows->count] = loss;
    rows->count++;
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
    cr_assert_eq(ob_run_execute(&p, &opt, NULL, 500, 1, keep_row, &rows, &s,
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
    cr_assert_eq(ob_run_execute(&p, &opt, NULL, 4000, 1, keep_row, &rows,
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
    cr_assert_eq(ob_run_execute(&p, &opt, NULL, 1000, 1, keep_row, &rows,
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
    cr_assert_eq(ob_run_execute(&p, &opt, start, 10, 1, NULL, NULL, &s,
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

Test(settings, parse_space_separated_pairs)
{
    struct ob_setting s[4];
    char storage[128];
    struct ob_error err;

    cr_assert_eq(ob_settings_parse("lr=0.1  momentum=0.9", storage,
                                   sizeof storage, s, 4, "x", &err), 2);
    cr_assert_str_eq(s[0].key, "lr");
    cr_assert_str_eq(s[0].value, "0.1");
    cr_assert_str_eq(s[1].key, "momentum");
    cr_assert_eq(ob_settings_parse("", storage, sizeof storage, s, 4, "x",
                                   &err), 0);
    cr_assert_eq(ob_settings_parse("lr", storage, sizeof storage, s, 4,
                                   "optimizer fast", &err), -1);
    cr_assert_not_null(strstr(err.message, "optimizer fast"));
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

static const struct ob_suite_entry small_optimizers[] = {
    {"sgd-too-fast", "sgd", "lr=1"},
    {"adam", "adam", "lr=0.01"},
};
static const struct ob_suite_entry small_problems[] = {
    {"quadratic", "quadratic", ""},
    {"noisy", "noisy-quadratic", "sigma=0.5"},
};

Test(suite, diverging_runs_are_rows_and_do_not_stop_the_others)
{
    struct ob_suite suite = {
        .name = "small", .seed = 10, .replicates = 3, .steps = 200,
        .optimizers = small_optimizers, .optimizer_count = 2,
        .problems = small_problems, .problem_count = 2,
    };
    struct ob_suite_options options = {NULL, 2, 0, 0};
    char dir[64], path[160], command[256];
    struct ob_error err;
    char *runs, *line;
    int ok = 0, diverged = 0;

    make_temp_dir(dir, sizeof dir);
    options.out_dir = dir;
    cr_assert_eq(ob_suite_run(&suite, &options, NULL, &err), OB_OK, "%s",
                 err.message);
    snprintf(path, sizeof path, "%s/results/small/runs.csv", dir);
    runs = read_whole_file(path);
    cr_assert_not_null(runs);
    cr_assert_eq(strncmp(runs, "problem,optimizer,seed,status,reason,steps,"
                               "final_loss,best_loss,minimum,final_gap,"
                               "target_loss,steps_to_target\n", 100), 0);
    for (line = strchr(runs, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        if (strncmp(strchr(line, ',') + 1, "sgd-too-fast,", 13) == 0) {
            cr_assert_not_null(strstr(line, ",diverged,blow-up,"), "%s",
                               line);
            diverged++;
        } else {
            cr_assert_not_null(strstr(line, ",adam,"));
            cr_assert_not_null(strstr(line, ",ok,,200,"), "%.80s", line);
            ok++;
        }
    }
    cr_assert_eq(diverged, 6);
    cr_assert_eq(ok, 6);
    /* Replicates are numbered from the suite seed. */
    cr_assert_not_null(strstr(runs, "quadratic,adam,12,ok"));
    free(runs);
    snprintf(command, sizeof command, "rm -rf %s", dir);
    cr_assert_eq(system(command), 0);
}

Test(suite, bad_entry_is_reported_before_any_file_is_written)
{
    static const struct ob_suite_entry bad_optimizers[] = {
        {"adam", "adam", "lr=0.01"},
        {"broken", "adam", "beta1=1.5"},
    };
    struct ob_suite suite = {
        .name = "bad", .seed = 1, .replicates = 1, .steps = 10,
        .optimizers = bad_optimizers, .optimizer_count = 2,
        .problems = small_problems, .problem_count = 1,
    };
    struct ob_suite_options options = {NULL, 1, 0, 0};
    char dir[64], path[160], command[256];
    struct ob_error err;
    struct stat info;

    make_temp_dir(dir, sizeof dir);
    options.out_dir = dir;
    cr_assert_eq(ob_suite_run(&suite, &options, NULL, &err), OB_EINVAL);
    cr_assert_not_null(strstr(err.message, "broken"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "beta1"), "%s", err.message);
    snprintf(path, sizeof path, "%s/results", dir);
    cr_assert_neq(stat(path, &info), 0, "results/ was created");
    snprintf(command, sizeof command, "rm -rf %s", dir);
    cr_assert_eq(system(command), 0);
}
