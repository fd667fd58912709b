/* gnuplot charts of a suite's results (internal to the harness). */
#ifndef OB_PLOT_H
#define OB_PLOT_H

#include <stddef.h>

#include "harness.h"

/* One line of a convergence chart: the median over replicates. */
struct ob_chart_series {
    const char *label;
    size_t count;
    const double *steps;
    const double *values; /* gap to the minimum, or loss */
};

struct ob_chart {
    const char *problem;  /* file stem and title */
    const char *y_label;
    int log_y;            /* logarithmic y axis */
    double y_min, y_max;  /* used when !log_y; equal = automatic */
    double x_min;         /* first step drawn: 1, or the first row after
                           * the start when rows are sparser */
    double x_max;         /* the step budget */
    const struct ob_chart_series *series;
    size_t series_count;
};

/* Writes DIR/PROBLEM.dat and DIR/PROBLEM.gp (which draws PROBLEM.png and
 * PROBLEM.svg when run by gnuplot from DIR). */
int ob_chart_write(const char *dir, const struct ob_chart *chart,
                   struct ob_error *err);

/* Runs gnuplot on DIR/PROBLEM.gp from inside DIR. */
int ob_chart_draw(const char *dir, const char *problem, struct ob_error *err);

#endif
