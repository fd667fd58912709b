/* optbench compare: two result folders of one suite, cell by cell (problem,
 * optimizer), with rank tests (Mann and Whitney 1947), Fisher's exact test
 * and Holm's (1979) step-down correction; and the byte-for-byte check. */
#ifndef OB_COMPARE_H
#define OB_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "../util/error.h"

/* ---- Statistics ---------------------------------------------------------- */

enum ob_test_kind {
    OB_TEST_NONE,     /* no test: a side is empty or every value is tied;
                         p = 1 */
    OB_TEST_EXACT,    /* Mann-Whitney, exact permutation distribution */
    OB_TEST_NORMAL,   /* Mann-Whitney, normal approximation */
    OB_TEST_CONSTANT, /* each side constant and the sides differ (compare
                         only): no noise to test against, no p-value */
    OB_TEST_FISHER,   /* Fisher's exact test on a 2x2 table (compare only) */
};

/* Largest pooled sample (nx + ny) whose Mann-Whitney p-value is exact;
 * larger ones use the normal approximation. Up to this size every count
 * of the recursion is below 2^53, so it is held exactly in a double. */
#define OB_MANN_WHITNEY_EXACT_MAX 50

struct ob_rank_test {
    enum ob_test_kind kind; /* OB_TEST_NONE, _EXACT or _NORMAL */
    double u;               /* pairs (x_i, y_j) with y_j > x_i, plus half
                               the tied pairs: nx ny / 2 under no shift */
    double p;               /* two-sided p-value in [0, 1] */
};

/* Two-sided Mann-Whitney U (Wilcoxon rank-sum) test of x[0..nx) against
 * y[0..ny). Values may be infinite (+inf ranks last, ties with other
 * +inf); NaN counts as +inf. Tied values get their mid-rank.
 *
 * Exact (nx + ny <= OB_MANN_WHITNEY_EXACT_MAX): the null distribution of
 * x's rank sum over all C(nx + ny, nx) equally likely splits of the pooled
 * values, counted by the recursion c_i(k, s) = c_{i-1}(k, s) +
 * c_{i-1}(k - 1, s - r_i) over the pooled values in order (r_i the doubled
 * mid-rank, an integer). Without ties this is the classic count of U; with
 * ties it is the exact permutation distribution of the mid-rank sum. p is
 * the share of splits whose rank sum lies at least as far from its mean
 * as the observed one.
 * Normal (larger samples): z = (|U - nx ny / 2| - 1/2) / sigma with the
 * tie-corrected sigma^2 = nx ny / 12 ((N + 1) - sum(t^3 - t) / (N (N - 1))),
 * t running over the sizes of the tie groups; p = erfc(z / sqrt 2).
 * Either way p = 1 (kind OB_TEST_NONE) when nx or ny is 0 or all pooled
 * values are tied.
 * Returns OB_OK or OB_ENOMEM. */
int ob_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
                    struct ob_rank_test *test, struct ob_error *err);

/* Two-sided p-value of Fisher's exact test that events_x of nx runs and
 * events_y of ny runs share one rate: the total probability, under the
 * hypergeometric law with the table's margins, of the tables no more
 * likely than the observed one (relative tolerance 1e-7). 1 when a margin
 * is empty. Requires events_x <= nx and events_y <= ny. */
double ob_fisher_exact(size_t events_x, size_t nx, size_t events_y,
                       size_t ny);

/* Holm's step-down adjustment of count p-values: with p sorted increasing,
 * adjusted_(i) = max over j <= i of min(1, (count - j + 1) p_(j)), i from 1.
 * A test is significant at family-wise level alpha when its adjusted value
 * is <= alpha. adjusted may alias p. Returns OB_OK or OB_ENOMEM. */
int ob_holm(const double *p, size_t count, double *adjusted,
            struct ob_error *err);

/* ---- Comparing two result folders ---------------------------------------- */

enum ob_verdict {
    OB_VERDICT_SAME,
    OB_VERDICT_BETTER,
    OB_VERDICT_WORSE,
    OB_VERDICT_MISSING, /* the cell has reported runs on one side only */
};

/* "same", "better", "worse" or "missing". */
const char *ob_verdict_name(enum ob_verdict verdict);

/* Files of a results folder checked by --exact, as bits of `moved`. */
enum {
    OB_COMPARE_RUNS = 1,
    OB_COMPARE_TARGETS = 2,
    OB_COMPARE_TRACES = 4,
    OB_COMPARE_SUMMARY = 8,
};

struct ob_compare_options {
    double alpha;  /* family-wise level of Holm's procedure, in (0, 1) */
    double rtol;   /* medians within this relative distance are equal */
    int exact;     /* also check the four result CSVs byte for byte */
    int charts;    /* read traces.csv for the charts of changed cells */
};

/* One metric of a cell on both sides. */
struct ob_compare_metric {
    double was, now;        /* base and new: medians (gap, steps) or rates
                               (divergence); NAN for a side without runs */
    enum ob_test_kind test;
    double p;               /* raw two-sided p; NAN for OB_TEST_CONSTANT
                               or a cell on one side */
    double p_holm;          /* Holm-adjusted p (p itself when the test is
                               not in the family) */
    int change;             /* -1 lower, 0 unchanged, +1 higher */
};

struct ob_compare_cell {
    char *problem, *optimizer;
    enum ob_verdict verdict;
    size_t runs_base, runs_new;       /* reported runs (phase final) */
    size_t reached_base, reached_new; /* runs with steps_to_target */
    size_t diverged_base, diverged_new;
    const char *metric;               /* "gap", "loss" or "mixed" */
    struct ob_compare_metric gap;     /* final gap, diverged = +inf */
    struct ob_compare_metric steps;   /* steps to target, never = +inf */
    struct ob_compare_metric divergence; /* rates; Fisher's test */
    unsigned moved;                   /* --exact: OB_COMPARE_* files whose
                                         rows of this cell differ */
    /* Median convergence of each side (charts only, cells not `same`):
     * count steps, then count medians over the runs that did not
     * diverge. */
    double *trace[2];                 /* [0] base, [1] new */
    size_t trace_count[2];
};

struct ob_comparison {
    char *suite;                 /* from manifest.json */
    char *base_dir, *new_dir;
    struct ob_compare_options options;
    struct ob_compare_cell *cells; /* base's order, then new-only cells */
    size_t cell_count;
    size_t tests;                /* size of Holm's family */
    size_t same, better, worse, missing;
    int identical;               /* --exact: the four CSVs match */
    char difference[512];        /* --exact: the first difference */
};

/* Reads BASE and NEW (results folders such as results/quick): both
 * manifest.json files and runs.csv (the phase = final rows); with
 * options->exact, runs, targets, traces and summary CSVs; with
 * options->charts and a cell not `same`, traces.csv. CSV columns are
 * found by name from the header; quoted fields, CRLF and blank lines are
 * accepted.
 *
 * Per cell present on both sides: the median final gap (final_loss when
 * final_gap is empty; a diverged run counts as +inf; in the tests and the
 * rtol check, gaps below 1e-16 count as 1e-16) and the median steps
 * to target (never reached = +inf), each with ob_mann_whitney over the
 * seeds, and the divergence rate with ob_fisher_exact. A metric whose two
 * sides each hold at least two runs, all equal, has no spread to test
 * against: it is OB_TEST_CONSTANT and changes when the values differ.
 * Holm's family is every OB_TEST_EXACT, _NORMAL and _FISHER test of every
 * cell. A metric changes when its medians differ by more than rtol
 * relative (max(|a|, |b|)) and either it is constant, or its adjusted p is
 * <= alpha and the rank sums shift the same way as the medians; the
 * divergence rate changes when its adjusted p is <= alpha. Verdict:
 * `missing` for a cell with runs on one side only; else `worse` when the
 * gap, the steps or the divergence rate went up; else `better` when one
 * went down; else `same`. With options->exact, `identical`, `difference`
 * and each cell's `moved` say where the four CSVs differ.
 *
 * Errors (comparison zeroed): OB_EIO "cannot read PATH: reason";
 * OB_EDATA "PATH:LINE: reason" for a malformed CSV (the tuning rows of
 * runs.csv are checked too), "PATH: reason" for a malformed
 * manifest.json; OB_EINVAL for alpha or rtol out of range, or "different
 * suites: ..." when the manifests' suite names or runs.csv's sets of
 * problem or optimizer labels differ; OB_ENOMEM. The comparison owns its
 * memory until ob_compare_free. */
int ob_compare_load(struct ob_comparison *comparison, const char *base_dir,
                    const char *new_dir,
                    const struct ob_compare_options *options,
                    struct ob_error *err);

/* Writes DIR/compare.csv and DIR/compare.md, each to a temporary name
 * renamed when complete; with options.charts, a chart per cell that is
 * not `same` in DIR/compare-plots/ (PROBLEM@OPTIMIZER.{gp,dat,png,svg},
 * median of each side, drawn by gnuplot, which must be on PATH).
 * Returns OB_OK, OB_EIO naming the path or OB_ENOMEM. */
int ob_compare_write(const struct ob_comparison *comparison,
                     const char *out_dir, struct ob_error *err);

/* Prints the comparison as an aligned table, one line per cell. */
void ob_compare_print_table(const struct ob_comparison *comparison,
                            FILE *out);

/* Frees what load allocated; safe on a zeroed struct. */
void ob_compare_free(struct ob_comparison *comparison);

#endif
