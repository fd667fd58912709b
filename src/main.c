/* The optbench command line: options, messages and exit codes. Everything
 * else lives in the library (src/optim, problems, src/harness). */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/compare.h"
#include "harness/harness.h"
#include "harness/report.h"
#include "reproduce/recipe.h"
#include "util/log.h"

enum {
    EXIT_OK = 0,
    EXIT_RUN_FAILED = 1,
    EXIT_USAGE = 2,
    EXIT_INTERRUPTED = 130, /* the shell's code for a SIGINT stop */
};

#define MAX_CLI_SETTINGS 64

static const char usage_text[] =
    "usage: optbench COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  trace   run one optimizer on one problem, CSV on stdout\n"
    "  run     run a suite (default: 'default'): CSVs under results/,\n"
    "          charts under plots/\n"
    "  list    show every optimizer and problem with their parameters\n"
    "  compare compare two results folders of one suite, cell by cell\n"
    "  plot    redraw a results folder's charts, summary.md and\n"
    "          report.html from its files, without running\n"
    "  reproduce  rerun published results and check their claims\n"
    "\n"
    "optbench COMMAND --help shows the options of a command.\n";

static const char trace_usage[] =
    "usage: optbench trace --optimizer NAME [--param KEY=VALUE]...\n"
    "                      --problem NAME [--problem-param KEY=VALUE]...\n"
    "                      [--x0 V,V,...] [--steps N] [--seed S]\n"
    "                      [--epochs N] [--eval-every STEPS]\n"
    "\n"
    "Prints step,loss,x0,x1,... as CSV: row 0 is the start, row k the point\n"
    "after k updates and the exact loss there. Clipping and schedules are\n"
    "params (--param clip_norm=1, --param schedule=cosine). Defaults:\n"
    "--steps 100, --seed 1, --x0 the problem's start.\n"
    "Dataset problems print step,epoch,loss,test_loss,test_accuracy at\n"
    "each evaluation point: every --eval-every steps (default one epoch)\n"
    "and the last; --epochs N runs N passes over the training rows.\n";

static const char run_usage[] =
    "usage: optbench run [SUITE|FILE] [--out DIR] [--jobs N] [--seeds N]\n"
    "                    [--only GLOB] [--resume] [--no-charts]\n"
    "                    [--progress|--no-progress]\n"
    "\n"
    "Runs a suite (default: 'default'; a bundled name from problems/suites\n"
    "or a path to an .ini file) in parallel and writes\n"
    "DIR/results/SUITE/{runs,targets,traces,summary,timings,problems,\n"
    "paths}.csv, manifest.json, summary.md and report.html, and the charts\n"
    "under DIR/plots/SUITE/ (DIR defaults to the current folder).\n"
    "  --jobs N     threads (default: OpenMP's, following OMP_NUM_THREADS)\n"
    "  --seeds N    replicates of the reported runs of every problem\n"
    "               (default: the suite's, or a problem's own)\n"
    "  --only GLOB  only problems or optimizers whose label, or\n"
    "               PROBLEM/OPTIMIZER, matches GLOB\n"
    "  --resume     keep the runs an interrupted call finished (Ctrl-C\n"
    "               stops cleanly) and run the rest\n"
    "  --no-charts  write no charts (summary.md and report.html still)\n";

static int usage_error(const char *usage, const char *format, const char *arg)
{
    char message[512];

    snprintf(message, sizeof message, format, arg);
    ob_log(OB_LOG_ERROR, "%s", message);
    fputs(usage, stderr);
    return EXIT_USAGE;
}

/* Parses a whole number in [minimum, maximum]; the whole text must be
 * digits. */
static int parse_count(const char *text, unsigned long long minimum,
                       unsigned long long maximum, unsigned long long *out)
{
    char *end;
    unsigned long long value;

    if (text == NULL || *text < '0' || *text > '9')
        return -1;
    errno = 0;
    value = strtoull(text, &end, 10);
    if (*end != '\0' || errno == ERANGE || value < minimum || value > maximum)
        return -1;
    *out = value;
    return 0;
}

/* --jobs N, shared by run, plot and reproduce: threads or processes. */
static int jobs_option(const char *usage, const char *text, int *jobs)
{
    unsigned long long number;

    if (parse_count(text, 1, 1024, &number) != 0)
        return usage_error(usage, "--jobs '%s' is not a whole number in "
                           "[1, 1024]", text);
    *jobs = (int)number;
    return EXIT_OK;
}

/* An option naming a folder (--out, --plots): any text but the empty one. */
static int folder_option(const char *usage, const char *option,
                         const char *text, const char **folder)
{
    if (*text == '\0')
        return usage_error(usage, "%s needs a folder name", option);
    *folder = text;
    return EXIT_OK;
}

struct trace_row_context {
    FILE *out;
    const struct ob_problem *problem;
};

static int print_trace_row(void *context, size_t step, double loss,
                           const double *x, size_t n)
{
    struct trace_row_context *c = context;
    FILE *out = c->out;

    /* Dataset problems: step,epoch,loss,test_loss,test_accuracy. */
    if (c->problem->kind == OB_PROBLEM_DATASET) {
        double test_loss = NAN, test_accuracy = NAN;

        if (isfinite(loss))
            c->problem->type->evaluate_test(c->problem, x, &test_loss,
                                            &test_accuracy);
        fprintf(out, "%zu,", step);
        ob_write_double(out, (double)step /
                                 (double)ob_problem_steps_per_epoch(
                                     c->problem));
        fputc(',', out);
        ob_write_double(out, loss);
        fputc(',', out);
        ob_write_double(out, test_loss);
        fputc(',', out);
        if (!isnan(test_accuracy))
            ob_write_double(out, test_accuracy);
        fputc('\n', out);
        return 0;
    }
    fprintf(out, "%zu,", step);
    ob_write_double(out, loss);
    for (size_t i = 0; i < n; i++) {
        fputc(',', out);
        ob_write_double(out, x[i]);
    }
    fputc('\n', out);
    return 0;
}

static int command_trace(int argc, char **argv)
{
    static const struct option options[] = {
        {"optimizer", required_argument, NULL, 'o'},
        {"param", required_argument, NULL, 'p'},
        {"problem", required_argument, NULL, 'P'},
        {"problem-param", required_argument, NULL, 'Q'},
        {"x0", required_argument, NULL, 'x'},
        {"steps", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'S'},
        {"epochs", required_argument, NULL, 'E'},
        {"eval-every", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ob_setting params[MAX_CLI_SETTINGS];
    struct ob_setting problem_params[MAX_CLI_SETTINGS];
    size_t param_count = 0, problem_param_count = 0;
    const char *optimizer_name = NULL, *problem_name = NULL, *x0_text = NULL;
    unsigned long long steps = 100, seed = 1, epochs = 0, eval_every = 0;
    int steps_given = 0;
    const struct ob_optimizer_type *otype;
    const struct ob_problem_type *ptype;
    struct ob_problem problem;
    struct ob_optimizer opt;
    struct ob_run_summary summary;
    struct trace_row_context row_context = {stdout, NULL};
    struct ob_run_config config;
    struct ob_error err;
    double *x0 = NULL;
    char names[512];
    int c, status, exit_code = EXIT_OK;

    ob_error_clear(&err);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            optimizer_name = optarg;
            break;
        case 'P':
            problem_name = optarg;
            break;
        case 'p':
        case 'Q': {
            struct ob_setting *list = c == 'p' ? params : problem_params;
            size_t *count = c == 'p' ? &param_count : &problem_param_count;

            if (*count == MAX_CLI_SETTINGS)
                return usage_error(trace_usage, "too many --param options%s",
                                   "");
            if (ob_setting_split(optarg, &list[*count], &err) != OB_OK)
                return usage_error(trace_usage, "%s", err.message);
            (*count)++;
            break;
        }
        case 'x':
            x0_text = optarg;
            break;
        case 's':
            if (parse_count(optarg, 0, 1000000000ULL, &steps) != 0)
                return usage_error(trace_usage,
                                   "--steps '%s' is not a whole number in "
                                   "[0, 1e9]", optarg);
            steps_given = 1;
            break;
        case 'E':
            if (parse_count(optarg, 1, 1000000ULL, &epochs) != 0)
                return usage_error(trace_usage,
                                   "--epochs '%s' is not a whole number in "
                                   "[1, 1e6]", optarg);
            break;
        case 'e':
            if (parse_count(optarg, 1, 1000000000ULL, &eval_every) != 0)
                return usage_error(trace_usage,
                                   "--eval-every '%s' is not a whole number "
                                   "in [1, 1e9]", optarg);
            break;
        case 'S':
            if (parse_count(optarg, 0, UINT64_MAX, &seed) != 0)
                return usage_error(trace_usage,
                                   "--seed '%s' is not a non-negative whole "
                                   "number", optarg);
            break;
        case 'h':
            fputs(trace_usage, stdout);
            return EXIT_OK;
        case ':':
            return usage_error(trace_usage, "option %s needs a value",
                               argv[optind - 1]);
        default:
            return usage_error(trace_usage, "unknown option '%s'",
                               argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error(trace_usage, "unexpected argument '%s'",
                           argv[optind]);
    if (optimizer_name == NULL)
        return usage_error(trace_usage, "trace needs --optimizer NAME%s", "");
    if (problem_name == NULL)
        return usage_error(trace_usage, "trace needs --problem NAME%s", "");

    otype = ob_optimizer_find(optimizer_name);
    if (otype == NULL) {
        ob_optimizer_type_names(names, sizeof names);
        ob_log(OB_LOG_ERROR, "unknown optimizer '%s' (known: %s)",
               optimizer_name, names);
        return EXIT_USAGE;
    }
    ptype = ob_problem_find(problem_name);
    if (ptype == NULL) {
        ob_problem_type_names(names, sizeof names);
        ob_log(OB_LOG_ERROR, "unknown problem '%s' (known: %s)",
               problem_name, names);
        return EXIT_USAGE;
    }
    status = ob_problem_create(&problem, ptype, problem_params,
                               problem_param_count, &err);
    if (status != OB_OK) {
        ob_log(OB_LOG_ERROR, "%s", err.message);
        return status == OB_EINVAL ? EXIT_USAGE : EXIT_RUN_FAILED;
    }
    status = ob_optimizer_create(&opt, otype, params, param_count,
                                 problem.dim, &err);
    if (status != OB_OK) {
        ob_log(OB_LOG_ERROR, "%s", err.message);
        ob_problem_destroy(&problem);
        return status == OB_EINVAL ? EXIT_USAGE : EXIT_RUN_FAILED;
    }
    if (x0_text != NULL) {
        int count;

        x0 = malloc(sizeof(double) * (problem.dim + 1));
        if (x0 == NULL) {
            ob_log(OB_LOG_ERROR, "out of memory");
            exit_code = EXIT_RUN_FAILED;
            goto done;
        }
        count = ob_parse_list(x0_text, x0, problem.dim + 1, "--x0", &err);
        if (count < 0 || (size_t)count != problem.dim) {
            if (count >= 0)
                ob_errorf(&err, OB_EINVAL,
                          "--x0 has %d values but problem %s has dimension "
                          "%zu", count, problem_name, problem.dim);
            else if (strstr(err.message, "more than") != NULL)
                ob_errorf(&err, OB_EINVAL,
                          "--x0 has more than %zu values: problem %s has "
                          "dimension %zu", problem.dim, problem_name,
                          problem.dim);
            ob_log(OB_LOG_ERROR, "%s", err.message);
            exit_code = EXIT_USAGE;
            goto done;
        }
    }

    if (epochs > 0 && steps_given) {
        ob_log(OB_LOG_ERROR, "give --steps or --epochs, not both");
        exit_code = EXIT_USAGE;
        goto done;
    }
    if (epochs > 0 && problem.kind != OB_PROBLEM_DATASET) {
        ob_log(OB_LOG_ERROR, "--epochs needs a dataset problem; %s is a "
               "function (use --steps)", problem_name);
        exit_code = EXIT_USAGE;
        goto done;
    }
    if (problem.kind == OB_PROBLEM_DATASET) {
        size_t per_epoch = ob_problem_steps_per_epoch(&problem);

        if (epochs > 0)
            steps = epochs * per_epoch;
        if (eval_every == 0)
            eval_every = per_epoch;
        puts("step,epoch,loss,test_loss,test_accuracy");
    } else {
        fputs("step,loss", stdout);
        for (size_t i = 0; i < problem.dim; i++)
            printf(",x%zu", i);
        fputc('\n', stdout);
    }
    row_context.problem = &problem;
    config.x0 = x0;
    config.steps = (size_t)steps;
    config.eval_every = (size_t)eval_every;
    config.stream_seed =
        ob_suite_stream_seed(seed, problem_name, optimizer_name);
    status = ob_run_execute(&problem, &opt, &config, print_trace_row,
                            &row_context, &summary, &err);
    if (status != OB_OK) {
        ob_log(OB_LOG_ERROR, "%s", err.message);
        exit_code = EXIT_RUN_FAILED;
    } else if (summary.divergence != OB_DIVERGENCE_NONE) {
        ob_log(OB_LOG_WARN, "run diverged at step %zu (%s); rows stop there",
               summary.steps_done, ob_divergence_name(summary.divergence));
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        ob_log(OB_LOG_ERROR, "cannot write to standard output: %s",
               strerror(errno));
        exit_code = EXIT_RUN_FAILED;
    }

done:
    free(x0);
    ob_optimizer_destroy(&opt);
    ob_problem_destroy(&problem);
    return exit_code;
}

static void print_params(const struct ob_param_spec *specs, size_t count,
                         const char *indent)
{
    struct ob_param_values defaults;

    ob_params_defaults(specs, count, &defaults);
    for (size_t i = 0; i < count; i++) {
        char value[128], key_value[192];

        ob_params_format(&specs[i], defaults.number[i], defaults.text[i],
                         value, sizeof value);
        snprintf(key_value, sizeof key_value, "%s=%s", specs[i].name, value);
        printf("%s%-30s %s", indent, key_value, specs[i].description);
        if (specs[i].kind == OB_PARAM_CHOICE)
            printf(" (%s)", specs[i].choices);
        putchar('\n');
    }
}

static void print_point(const double *x, size_t n)
{
    size_t shown = n < 6 ? n : 6;

    putchar('(');
    for (size_t i = 0; i < shown; i++)
        printf("%s%.6g", i ? ", " : "", x[i]);
    printf("%s)", n > shown ? ", ..." : "");
}

static int command_list(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
            puts("usage: optbench list");
            return EXIT_OK;
        }
        return usage_error("usage: optbench list\n", "unexpected argument "
                           "'%s'", argv[1]);
    }
    puts("optimizers (optbench trace --optimizer NAME --param KEY=VALUE):");
    for (size_t i = 0; i < ob_optimizer_type_count; i++) {
        const struct ob_optimizer_type *type = ob_optimizer_types[i];

        printf("\n  %s: %s\n", type->name, type->description);
        print_params(type->params, type->param_count, "    ");
    }
    puts("\nparameters every optimizer accepts:");
    print_params(ob_common_params, ob_common_param_count, "    ");

    puts("\nproblems (optbench trace --problem NAME --problem-param "
         "KEY=VALUE):");
    for (size_t i = 0; i < ob_problem_type_count; i++) {
        const struct ob_problem_type *type = ob_problem_types[i];
        struct ob_problem problem;
        struct ob_error err;

        printf("\n  %s: %s\n", type->name, type->description);
        if (ob_problem_create(&problem, type, NULL, 0, &err) != OB_OK) {
            printf("    %s, unavailable: %s\n",
                   type->eval_rows != NULL ? "dataset" : "function",
                   err.message);
            print_params(type->params, type->param_count, "    ");
            continue;
        }
        printf("    %s, dimension %zu, %s, start ",
               problem.kind == OB_PROBLEM_DATASET ? "dataset" : "function",
               problem.dim,
               problem.stochastic ? "stochastic" : "deterministic");
        print_point(problem.start, problem.dim);
        if (isnan(problem.minimum)) {
            printf(", no finite minimum (target loss %.6g)\n",
                   problem.target);
        } else {
            printf(", minimum %.10g", problem.minimum);
            if (problem.minimizer != NULL && problem.dim <= 6) {
                printf(" at ");
                print_point(problem.minimizer, problem.dim);
            }
            putchar('\n');
        }
        print_params(type->params, type->param_count, "    ");
        ob_problem_destroy(&problem);
    }
    return EXIT_OK;
}

static volatile sig_atomic_t stop_requested = 0;

/* One line for every problem the run will skip for want of its data set
 * (those --only keeps), with the first one's reason, which says how to
 * get the data. */
static void warn_skipped(const struct ob_suite *suite, const char *only)
{
    char labels[512];
    const char *reason = NULL;
    size_t length = 0;

    labels[0] = '\0';
    for (size_t q = 0; q < suite->problem_count; q++) {
        const struct ob_suite_problem *entry = &suite->problems[q];
        int wanted = 0;

        for (size_t o = 0; o < suite->optimizer_count && !wanted; o++)
            wanted = ob_suite_pair_selected(only, entry->label,
                                            suite->optimizers[o].label);
        if (entry->unavailable == NULL || !wanted)
            continue;
        if (reason == NULL)
            reason = entry->unavailable;
        ob_name_list_append(labels, sizeof labels, &length, entry->label);
    }
    if (reason != NULL)
        ob_log(OB_LOG_WARN, "skipping %s: %s", labels, reason);
}

static void request_stop(int signal_number)
{
    (void)signal_number;
    stop_requested = 1;
}

static int command_run(int argc, char **argv)
{
    static const struct option options[] = {
        {"out", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"seeds", required_argument, NULL, 's'},
        {"only", required_argument, NULL, 'O'},
        {"resume", no_argument, NULL, 'r'},
        {"no-charts", no_argument, NULL, 'n'},
        {"progress", no_argument, NULL, 'p'},
        {"no-progress", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ob_suite_options run_options = {".", 0, 1, -1, 0, NULL, 0,
                                           &stop_requested};
    struct ob_suite_report report;
    struct ob_suite suite;
    struct sigaction action;
    const char *suite_name = "default";
    unsigned long long number;
    struct ob_error err;
    int c, status;

    ob_error_clear(&err);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hj:", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            if (folder_option(run_usage, "--out", optarg,
                              &run_options.out_dir) != EXIT_OK)
                return EXIT_USAGE;
            break;
        case 'j':
            if (jobs_option(run_usage, optarg, &run_options.threads) !=
                EXIT_OK)
                return EXIT_USAGE;
            break;
        case 's':
            if (parse_count(optarg, 1, 100000, &number) != 0)
                return usage_error(run_usage, "--seeds '%s' is not a whole "
                                   "number in [1, 100000]", optarg);
            run_options.seeds = (size_t)number;
            break;
        case 'O':
            run_options.only = optarg;
            break;
        case 'r':
            run_options.resume = 1;
            break;
        case 'n':
            run_options.draw_charts = 0;
            break;
        case 'p':
            run_options.show_progress = 1;
            break;
        case 'q':
            run_options.show_progress = 0;
            break;
        case 'h':
            fputs(run_usage, stdout);
            return EXIT_OK;
        case ':':
            return usage_error(run_usage, "option %s needs a value",
                               argv[optind - 1]);
        default:
            return usage_error(run_usage, "unknown option '%s'",
                               argv[optind - 1]);
        }
    }
    if (optind < argc)
        suite_name = argv[optind++];
    if (optind < argc)
        return usage_error(run_usage, "unexpected argument '%s'",
                           argv[optind]);
    if (run_options.show_progress < 0)
        run_options.show_progress = isatty(STDERR_FILENO);

    /* The whole suite file is checked before any run starts. */
    status = ob_suite_load_named(&suite, suite_name, &err);
    if (status != OB_OK) {
        ob_log(OB_LOG_ERROR, "%s", err.message);
        return status == OB_EIO ? EXIT_RUN_FAILED : EXIT_USAGE;
    }

    warn_skipped(&suite, run_options.only);

    memset(&action, 0, sizeof action);
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    status = ob_suite_run(&suite, &run_options, &report, &err);
    if (status != OB_OK) {
        ob_log(OB_LOG_ERROR, "%s", err.message);
        ob_suite_free(&suite);
        if (status == OB_EINTERRUPTED)
            return EXIT_INTERRUPTED;
        return status == OB_EINVAL ? EXIT_USAGE : EXIT_RUN_FAILED;
    }
    if (report.resumed > 0)
        ob_log(OB_LOG_INFO, "suite %s: %zu of %zu runs resumed from the "
               "journal", suite.name, report.resumed, report.runs);
    ob_log(OB_LOG_INFO, "suite %s: %zu runs; wrote %s/results/%s/ (runs, "
           "targets, traces, summary, timings, problems, paths, manifest, "
           "summary.md, report.html)",
           suite.name, report.runs, run_options.out_dir, suite.name);
    if (report.charts_drawn)
        ob_log(OB_LOG_INFO, "drew charts in %s/plots/%s",
               run_options.out_dir, suite.name);
    else if (run_options.draw_charts)
        ob_log(OB_LOG_WARN, "gnuplot not found: no charts drawn (apt-get "
               "install gnuplot-nox, then optbench plot %s/results/%s)",
               run_options.out_dir, suite.name);
    ob_suite_free(&suite);
    return EXIT_OK;
}

static const char compare_usage[] =
    "usage: optbench compare BASELINE NEW [--alpha A] [--rtol R] [--exact]\n"
    "                        [--out DIR] [--no-charts]\n"
    "\n"
    "Compares two results folders of one suite (such as results/quick) per\n"
    "(problem, optimizer): median final gap, success and divergence rates,\n"
    "Mann-Whitney and Fisher tests over seeds, Holm-corrected. Prints a\n"
    "table and writes DIR/compare.csv, DIR/compare.md and, with gnuplot,\n"
    "DIR/compare-plots/ for the cells that changed (DIR defaults to NEW).\n"
    "  --alpha A    family-wise significance level (default 0.05)\n"
    "  --rtol R     medians within R relative are equal (default 1e-9)\n"
    "  --exact      also require byte-identical runs, targets, traces and\n"
    "               summary CSVs\n"
    "Exit status: 0 nothing got worse, 1 something did (or --exact found a\n"
    "difference), 2 bad input.\n";

/* Parses a finite number; the whole text must be one. */
static int parse_real(const char *text, double *out)
{
    char *end;

    errno = 0;
    *out = strtod(text, &end);
    return *text == '\0' || *end != '\0' || errno == ERANGE ||
                   !isfinite(*out)
               ? -1
               : 0;
}

/* One stderr line per optimizer that got worse, naming its problems. */
static void log_worse(const struct ob_comparison *c)
{
    for (size_t i = 0; i < c->cell_count; i++) {
        const char *optimizer = c->cells[i].optimizer;
        char line[1024];
        size_t length = 0;
        int seen = 0;

        if (c->cells[i].verdict != OB_VERDICT_WORSE)
            continue;
        for (size_t j = 0; j < i && !seen; j++)
            seen = c->cells[j].verdict == OB_VERDICT_WORSE &&
                   strcmp(c->cells[j].optimizer, optimizer) == 0;
        if (seen)
            continue;
        line[0] = '\0';
        for (size_t j = i; j < c->cell_count && length < sizeof line; j++)
            if (c->cells[j].verdict == OB_VERDICT_WORSE &&
                strcmp(c->cells[j].optimizer, optimizer) == 0) {
                int written = snprintf(line + length, sizeof line - length,
                                       "%s%s", length ? ", " : "",
                                       c->cells[j].problem);

                if (written < 0)
                    break;
                length += (size_t)written;
            }
        ob_log(OB_LOG_ERROR, "worse: %s on %s", optimizer, line);
    }
}

/* After a failed --exact check: every cell whose rows moved. */
static void log_moved(const struct ob_comparison *c)
{
    static const char *const files[] = {"runs", "targets", "traces",
                                        "summary"};

    for (size_t i = 0; i < c->cell_count; i++) {
        const struct ob_compare_cell *cell = &c->cells[i];
        char where[64] = "";

        if (cell->moved == 0)
            continue;
        for (int f = 0; f < 4; f++)
            if (cell->moved & (1u << f))
                snprintf(where + strlen(where), sizeof where - strlen(where),
                         "%s%s", where[0] ? ", " : "", files[f]);
        ob_log(OB_LOG_ERROR, "moved: %s/%s (%s): median gap %.6g -> %.6g, "
               "verdict %s", cell->problem, cell->optimizer, where,
               cell->gap.was, cell->gap.now, ob_verdict_name(cell->verdict));
    }
}

static int command_compare(int argc, char **argv)
{
    static const struct option options[] = {
        {"alpha", required_argument, NULL, 'a'},
        {"rtol", required_argument, NULL, 'r'},
        {"exact", no_argument, NULL, 'e'},
        {"out", required_argument, NULL, 'o'},
        {"no-charts", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ob_compare_options compare_options = {0.05, 1e-9, 0, 1};
    struct ob_comparison comparison;
    const char *base_dir, *new_dir, *out_dir = NULL;
    struct ob_error err;
    int c, status, exit_code = EXIT_OK;

    ob_error_clear(&err);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'a':
            if (parse_real(optarg, &compare_options.alpha) != 0 ||
                !(compare_options.alpha > 0.0 && compare_options.alpha < 1.0))
                return usage_error(compare_usage, "--alpha '%s' is not a "
                                   "number in (0, 1)", optarg);
            break;
        case 'r':
            if (parse_real(optarg, &compare_options.rtol) != 0 ||
                compare_options.rtol < 0.0)
                return usage_error(compare_usage, "--rtol '%s' is not a "
                                   "number >= 0", optarg);
            break;
        case 'e':
            compare_options.exact = 1;
            break;
        case 'o':
            if (folder_option(compare_usage, "--out", optarg, &out_dir) !=
                EXIT_OK)
                return EXIT_USAGE;
            break;
        case 'n':
            compare_options.charts = 0;
            break;
        case 'h':
            fputs(compare_usage, stdout);
            return EXIT_OK;
        case ':':
            return usage_error(compare_usage, "option %s needs a value",
                               argv[optind - 1]);
        default:
            return usage_error(compare_usage, "unknown option '%s'",
                               argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return usage_error(compare_usage, "compare needs BASELINE and NEW "
                           "folders%s", "");
    base_dir = argv[optind];
    new_dir = argv[optind + 1];
    if (out_dir == NULL)
        out_dir = new_dir;
    if (compare_options.charts && !ob_program_available("gnuplot"))
        compare_options.charts = 0;

    status = ob_compare_load(&comparison, base_dir, new_dir,
                             &compare_options, &err);
    if (status != OB_OK) {
        ob_log(OB_LOG_ERROR, "%s", err.message);
        return status == OB_ENOMEM ? EXIT_RUN_FAILED : EXIT_USAGE;
    }
    ob_compare_print_table(&comparison, stdout);
    status = ob_compare_write(&comparison, out_dir, &err);
    if (status != OB_OK) {
        ob_log(OB_LOG_ERROR, "%s", err.message);
        exit_code = EXIT_RUN_FAILED;
    }

    if (compare_options.exact && !comparison.identical) {
        ob_log(OB_LOG_ERROR, "%s", comparison.difference);
        log_moved(&comparison);
        exit_code = EXIT_RUN_FAILED;
    }
    log_worse(&comparison);
    /* A cell whose reported runs vanished from one side is as bad as a
     * worse one for a gate: results were lost. */
    if (comparison.worse > 0 || comparison.missing > 0)
        exit_code = EXIT_RUN_FAILED;
    ob_log(OB_LOG_INFO, "suite %s: %zu worse, %zu better, %zu same, %zu "
           "missing (%zu tests, Holm at alpha %g)%s; wrote %s/compare.csv "
           "and compare.md", comparison.suite, comparison.worse,
           comparison.better, comparison.same, comparison.missing,
           comparison.tests, compare_options.alpha,
           compare_options.exact && comparison.identical
               ? "; result files identical"
               : "",
           out_dir);
    if (compare_options.charts && comparison.same < comparison.cell_count)
        ob_log(OB_LOG_INFO, "drew charts of the changed cells in "
               "%s/compare-plots", out_dir);
    ob_compare_free(&comparison);
    return exit_code;
}

static const char plot_usage[] =
    "usage: optbench plot DIR [--plots PLOTS] [--jobs N]\n"
    "\n"
    "Redraws the charts, summary.md and report.html of a results folder\n"
    "(such as results/default) from its CSVs and manifest.json alone, as\n"
    "`run` does at its end. The charts go to PLOTS, by default the\n"
    "plots/SUITE folder beside results/ (DIR/plots when DIR's parent is not\n"
    "called results).\n"
    "  --jobs N     gnuplot processes at once (default: the CPUs online)\n";

/* The plots folder matching results folder DIR: OUT/plots/NAME for
 * OUT/results/NAME, else DIR/plots. */
static void default_plots(const char *dir, char *out, size_t size)
{
    char copy[4096];
    char *name, *parent;
    size_t length;

    snprintf(copy, sizeof copy, "%s", dir);
    length = strlen(copy);
    while (length > 1 && copy[length - 1] == '/')
        copy[--length] = '\0';
    name = strrchr(copy, '/');
    if (name == NULL) {
        snprintf(out, size, "%s/plots", copy);
        return;
    }
    *name++ = '\0';
    parent = strrchr(copy, '/');
    if (strcmp(parent ? parent + 1 : copy, "results") != 0) {
        snprintf(out, size, "%s/%s/plots", copy, name);
        return;
    }
    if (parent != NULL) {
        *parent = '\0';
        snprintf(out, size, "%s/plots/%s", copy[0] ? copy : "/", name);
    } else {
        snprintf(out, size, "plots/%s", name);
    }
}

static int command_plot(int argc, char **argv)
{
    static const struct option options[] = {
        {"plots", required_argument, NULL, 'p'},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir, *plots = NULL;
    char plots_default[4200];
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int c, status, jobs = cpus > 0 ? (int)cpus : 1, draw;
    struct ob_report report;
    struct ob_error err;

    ob_error_clear(&err);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hj:", options, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (folder_option(plot_usage, "--plots", optarg, &plots) != EXIT_OK)
                return EXIT_USAGE;
            break;
        case 'j':
            if (jobs_option(plot_usage, optarg, &jobs) != EXIT_OK)
                return EXIT_USAGE;
            break;
        case 'h':
            fputs(plot_usage, stdout);
            return EXIT_OK;
        case ':':
            return usage_error(plot_usage, "option %s needs a value",
                               argv[optind - 1]);
        default:
            return usage_error(plot_usage, "unknown option '%s'",
                               argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return usage_error(plot_usage, "plot needs one results folder%s",
                           "");
    dir = argv[optind];
    if (plots == NULL) {
        default_plots(dir, plots_default, sizeof plots_default);
        plots = plots_default;
    }

    /* Bad or missing input is the user's to fix (exit 2); failing to
     * write or to draw is a failed run (exit 1). */
    status = ob_report_load(&report, dir, &err);
    if (status != OB_OK) {
        ob_log(OB_LOG_ERROR, "%s", err.message);
        ob_report_free(&report);
        return status == OB_ENOMEM ? EXIT_RUN_FAILED : EXIT_USAGE;
    }
    draw = ob_program_available("gnuplot");
    status = ob_report_write_summary(&report, dir, &err);
    if (status == OB_OK)
        status = ob_report_write_charts(&report, plots, draw, jobs, &err);
    if (status == OB_OK)
        status = ob_report_write_html(&report, dir, plots, draw, &err);
    if (status != OB_OK) {
        ob_log(OB_LOG_ERROR, "%s", err.message);
        ob_report_free(&report);
        return status == OB_EDATA ? EXIT_USAGE : EXIT_RUN_FAILED;
    }
    if (draw)
        ob_log(OB_LOG_INFO, "suite %s: drew %zu charts in %s; wrote "
               "%s/summary.md and %s/report.html", report.suite,
               report.chart_count, plots, dir, dir);
    else
        ob_log(OB_LOG_WARN, "gnuplot not found: no charts drawn, wrote "
               "%s/summary.md and %s/report.html without them (apt-get "
               "install gnuplot-nox, then optbench plot %s)", dir, dir, dir);
    ob_report_free(&report);
    return EXIT_OK;
}

static const char reproduce_usage[] =
    "usage: optbench reproduce [NAME|all] [--out DIR] [--jobs N] [--fast]\n"
    "       optbench reproduce --list\n"
    "\n"
    "Reruns published results (default: all) and checks each claim within\n"
    "a stated tolerance. Each recipe writes its CSVs, its chart (.gp, .png,\n"
    ".svg) and verdict.md into DIR/results/reproduce/NAME/, and the run\n"
    "writes DIR/results/reproduce/report.html and report.md covering every\n"
    "recipe found there. Exit code 0 when every check passes, 1 when one\n"
    "fails (or cannot be run), 2 on bad input.\n"
    "  --list      name every recipe with its source\n"
    "  --fast      short versions (seconds), as the tests use\n"
    "  --jobs N    threads (default: OpenMP's)\n";

/* Runs one recipe into DIR/NAME and writes its verdict; returns the number
 * of checks that did not pass, or -1 when the recipe could not run. */
static int reproduce_one(const struct ob_recipe *recipe, const char *dir,
                         int fast, int threads, int progress, size_t index,
                         size_t count)
{
    static struct ob_recipe_verdict verdict;
    struct ob_error err;
    double seconds;
    size_t failures;
    int status;

    ob_error_clear(&err);
    if (progress)
        fprintf(stderr, "%s: [%zu/%zu] %s ...\r", OB_PROGRAM_NAME, index + 1,
                count, recipe->name);
    status = ob_recipe_execute(recipe, dir, fast, threads, &verdict,
                               &seconds, &err);
    /* The progress line is replaced by the result's. */
    if (progress)
        fputs("\r\033[K", stderr);
    if (status != OB_OK) {
        ob_log(OB_LOG_ERROR, "%s: %s", recipe->name, err.message);
        return -1;
    }
    /* A recipe that checked nothing has shown nothing. */
    failures = ob_verdict_failures(&verdict);
    ob_log(failures == 0 && verdict.check_count > 0 ? OB_LOG_INFO
                                                    : OB_LOG_WARN,
           "%s: %s (%zu of %zu checks pass, %.1f s); %s/%s/verdict.md",
           recipe->name,
           failures == 0 && verdict.check_count > 0 ? "the claim held"
                                                    : "CHECK FAILED",
           verdict.check_count - failures, verdict.check_count, seconds,
           dir, recipe->name);
    /* A check that could not be measured says why (missing data, say),
     * so the one line on stderr tells how to get it. */
    for (size_t k = 0; k < verdict.check_count; k++)
        if (verdict.checks[k].result == OB_CHECK_SKIPPED)
            ob_log(OB_LOG_WARN, "%s: not run: %s", recipe->name,
                   verdict.checks[k].why);
    return failures == 0 && verdict.check_count > 0 ? 0
                                                    : (int)failures + 1;
}

static int command_reproduce(int argc, char **argv)
{
    static const struct option options[] = {
        {"out", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"fast", no_argument, NULL, 'f'},
        {"list", no_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out_dir = ".", *name = "all";
    const struct ob_recipe *chosen = NULL;
    int fast = 0, list = 0, threads = 0, name_given, c, status;
    int progress = isatty(STDERR_FILENO), any_failed = 0, any_error = 0;
    char dir[4096], names[1024];
    size_t total, failing, ran = 0;
    struct ob_error err;

    ob_error_clear(&err);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hj:", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            if (folder_option(reproduce_usage, "--out", optarg, &out_dir) !=
                EXIT_OK)
                return EXIT_USAGE;
            break;
        case 'j':
            if (jobs_option(reproduce_usage, optarg, &threads) != EXIT_OK)
                return EXIT_USAGE;
            break;
        case 'f':
            fast = 1;
            break;
        case 'l':
            list = 1;
            break;
        case 'h':
            fputs(reproduce_usage, stdout);
            return EXIT_OK;
        case ':':
            return usage_error(reproduce_usage, "option %s needs a value",
                               argv[optind - 1]);
        default:
            return usage_error(reproduce_usage, "unknown option '%s'",
                               argv[optind - 1]);
        }
    }
    name_given = optind < argc;
    if (name_given)
        name = argv[optind++];
    if (optind < argc)
        return usage_error(reproduce_usage, "unexpected argument '%s'",
                           argv[optind]);
    /* --list runs nothing, so a name beside it would be silently
     * dropped. */
    if (list && name_given) {
        ob_log(OB_LOG_ERROR, "reproduce --list takes no recipe name, got "
               "'%s'", name);
        return EXIT_USAGE;
    }

    /* The list is data: stdout, one recipe a line. */
    if (list) {
        for (size_t i = 0; i < ob_recipe_count; i++)
            printf("%-24s %s. %s\n", ob_recipes[i]->name,
                   ob_recipes[i]->title, ob_recipes[i]->citation);
        return EXIT_OK;
    }
    if (strcmp(name, "all") != 0) {
        chosen = ob_recipe_find(name);
        if (chosen == NULL) {
            ob_recipe_names(names, sizeof names);
            ob_log(OB_LOG_ERROR, "unknown recipe '%s' (known: all, %s)", name,
                   names);
            return EXIT_USAGE;
        }
    }

    status = ob_path_join(dir, sizeof dir, out_dir, "results/reproduce",
                          &err);
    if (status == OB_OK)
        status = ob_make_dirs(dir, &err);
    if (status != OB_OK) {
        ob_log(OB_LOG_ERROR, "%s", err.message);
        return EXIT_RUN_FAILED;
    }
    for (size_t i = 0; i < ob_recipe_count; i++) {
        int failures;

        if (chosen != NULL && chosen != ob_recipes[i])
            continue;
        failures = reproduce_one(ob_recipes[i], dir, fast, threads, progress,
                                 chosen != NULL ? 0 : i,
                                 chosen != NULL ? 1 : ob_recipe_count);
        ran++;
        if (failures < 0)
            any_error = 1;
        else if (failures > 0)
            any_failed = 1;
    }

    status = ob_reproduce_report_write(dir, &total, &failing, &err);
    if (status != OB_OK) {
        ob_log(OB_LOG_ERROR, "%s", err.message);
        return EXIT_RUN_FAILED;
    }
    ob_log(OB_LOG_INFO, "%zu recipe%s run; report of %zu in %s/report.html",
           ran, ran == 1 ? "" : "s", total, dir);
    return any_error || any_failed ? EXIT_RUN_FAILED : EXIT_OK;
}

static int dispatch(int argc, char **argv);

int main(int argc, char **argv)
{
    int code;

    /* Numbers in every file are written and read in the C locale. */
    setlocale(LC_ALL, "C");
    code = dispatch(argc, argv);
    /* Output lost to a full disk or closed pipe must not look like
     * success. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        ob_log(OB_LOG_ERROR, "cannot write to standard output: %s",
               strerror(errno));
        if (code == EXIT_OK)
            code = EXIT_RUN_FAILED;
    }
    return code;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "trace") == 0)
        return command_trace(argc - 1, argv + 1);
    if (strcmp(argv[1], "run") == 0)
        return command_run(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return command_list(argc - 1, argv + 1);
    if (strcmp(argv[1], "compare") == 0)
        return command_compare(argc - 1, argv + 1);
    if (strcmp(argv[1], "reproduce") == 0)
        return command_reproduce(argc - 1, argv + 1);
    if (strcmp(argv[1], "plot") == 0)
        return command_plot(argc - 1, argv + 1);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("optbench %s\n", OB_VERSION);
        return EXIT_OK;
    }
    ob_log(OB_LOG_ERROR, "unknown command '%s'", argv[1]);
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}
