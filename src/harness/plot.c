/* Convergence charts: a data file and a gnuplot script per problem, kept
 * beside the pictures so a user can edit the script and draw it again. */
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_data(const char *dir, const struct ob_chart *chart,
                      struct ob_error *err)
{
    struct ob_atomic_file file;
    char path[4096];
    int status;

    char name[512];

    snprintf(name, sizeof name, "%s.dat", chart->problem);
    status = ob_path_join(path, sizeof path, dir, name, err);
    if (status == OB_OK)
        status = ob_atomic_open(&file, path, err);
    if (status != OB_OK)
        return status;
    fprintf(file.stream, "# %s: median over replicates; one block per "
            "optimizer (step, value)\n", chart->problem);
    for (size_t s = 0; s < chart->series_count; s++) {
        const struct ob_chart_series *line = &chart->series[s];

        fprintf(file.stream, "# %s\n", line->label);
        for (size_t i = 0; i < line->count; i++) {
            ob_write_double(file.stream, line->steps[i]);
            fputc(' ', file.stream);
            ob_write_double(file.stream, line->values[i]);
            fputc('\n', file.stream);
        }
        /* gnuplot's `index` counts blocks separated by two blank lines;
         * an empty series still gets its block so indices stay aligned. */
        if (line->count == 0)
            fputs("nan nan\n", file.stream);
        fputs("\n\n", file.stream);
    }
    return ob_atomic_commit(&file, err);
}

/* Paul Tol's "muted" and "bright" schemes: distinct for colour-blind
 * readers and in greyscale print. */
static const char *const palette[] = {
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77",
    "#CC6677", "#882255", "#AA4499", "#4477AA", "#EE6677", "#000000",
};

static int write_script(const char *dir, const struct ob_chart *chart,
                        struct ob_error *err)
{
    struct ob_atomic_file file;
    char path[4096];
    int status;
    FILE *out;

    char name[512];

    snprintf(name, sizeof name, "%s.gp", chart->problem);
    status = ob_path_join(path, sizeof path, dir, name, err);
    if (status == OB_OK)
        status = ob_atomic_open(&file, path, err);
    if (status != OB_OK)
        return status;
    out = file.stream;
    fprintf(out, "# Convergence on %s. Run from this folder: gnuplot %s.gp\n",
            chart->problem, chart->problem);
    fprintf(out, "set title '%s: median over seeds (runs that have not "
            "diverged)' noenhanced\n", chart->problem);
    /* Twelve distinguishable colours, so no two optimizers share one. */
    for (size_t i = 0; i < sizeof palette / sizeof palette[0]; i++)
        fprintf(out, "set linetype %zu linecolor rgb '%s' linewidth 2\n",
                i + 1, palette[i]);
    fputs("set xlabel 'step'\n", out);
    fprintf(out, "set ylabel '%s' noenhanced\n", chart->y_label);
    fprintf(out,
            "set logscale x\nset xrange [%.17g:%.17g]\nset format y '%%g'\n",
            chart->x_min, chart->x_max);
    if (chart->log_y)
        fputs("set logscale y\nset format y '10^{%L}'\n", out);
    else if (chart->y_min < chart->y_max)
        fprintf(out, "set yrange [%.17g:%.17g]\n", chart->y_min,
                chart->y_max);
    fputs("set grid\nset key outside right top noenhanced\n", out);
    fputs("set datafile missing 'nan'\n", out);
    fputs("set style data lines\n", out);
    /* Step 0 cannot sit on a log axis; its row is the start, shared by
     * every line, so nothing is lost by starting at step 1. */
    fputs("plot_all = \"", out);
    for (size_t s = 0; s < chart->series_count; s++)
        fprintf(out, "'%s.dat' index %zu using ($1 < 1 ? NaN : $1):2 "
                "title '%s' lt %zu dt %zu%s",
                chart->problem, s, chart->series[s].label,
                1 + s % 12, 1 + s / 12,
                s + 1 < chart->series_count ? ", " : "");
    fputs("\"\n", out);
    fprintf(out, "set terminal pngcairo size 1000,600 font ',10'\n"
            "set output '%s.png'\nplot @plot_all\n", chart->problem);
    fprintf(out, "set terminal svg size 1000,600 dynamic font ',10'\n"
            "set output '%s.svg'\nplot @plot_all\nunset output\n",
            chart->problem);
    return ob_atomic_commit(&file, err);
}

int ob_chart_write(const char *dir, const struct ob_chart *chart,
                   struct ob_error *err)
{
    int status = write_data(dir, chart, err);

    return status == OB_OK ? write_script(dir, chart, err) : status;
}

int ob_chart_draw(const char *dir, const char *problem, struct ob_error *err)
{
    char script[512];
    pid_t child;
    int wait_status;

    snprintf(script, sizeof script, "%s.gp", problem);
    fflush(NULL);
    child = fork();
    if (child < 0)
        return ob_errorf(err, OB_EIO, "cannot start gnuplot: %s",
                         strerror(errno));
    if (child == 0) {
        if (chdir(dir) != 0)
            _exit(126);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    if (waitpid(child, &wait_status, 0) < 0)
        return ob_errorf(err, OB_EIO, "waiting for gnuplot: %s",
                         strerror(errno));
    if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0)
        return ob_errorf(err, OB_EIO, "gnuplot failed on %s/%s", dir,
                         script);
    return OB_OK;
}
