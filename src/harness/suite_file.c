/* Suite files: the INI format of suite_file.h, read with inih, with every
 * sweep expanded and every entry validated before anything runs. */
#include "suite_file.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>
#include <nettle/sha2.h>

#define MAX_VARIANTS   10000
#define MAX_FILE_BYTES (1024 * 1024)
#define LABEL_CHARS    "-_.+"

enum section_kind {
    SECTION_NONE, /* before the first header */
    SECTION_SUITE,
    SECTION_OPTIMIZER,
    SECTION_PROBLEM,
};

/* One KEY = VALUE line of the section being read. */
struct raw_key {
    char *key;
    char *value;
    int line;
};

struct loader {
    struct ob_suite *suite;
    const char *path;
    const char *data; /* the file's bytes */
    size_t size;
    size_t pos;       /* where the next line starts */
    int line;         /* number of the line last handed to inih */
    int continuation; /* that line is an indented continuation */
    /* A key line since the last header: inih then reads an indented line
     * as a continuation of that key's value, never as a header. */
    int key_seen;
    enum section_kind kind;
    char *label;
    int section_line;
    struct raw_key *keys;
    size_t key_count;
    size_t key_capacity;
    int suite_line; /* of [suite], 0 when there is none */
    int status;     /* first error, OB_OK while there is none */
    int error_line;
    struct ob_error *err;
};

/* A validator for an entry's settings: ob_optimizer_check, or a problem
 * created and destroyed. */
struct checker {
    int (*check)(struct checker *c, const struct ob_setting *settings,
                 size_t count, struct ob_error *err);
    const struct ob_optimizer_type *optimizer;
    const struct ob_problem_type *problem;
    size_t dim; /* of the last problem created */
    /* Why the problem could not be created for want of an optional data
     * set (OB_EMISSING), "" while it could. */
    char missing[OB_ERROR_MESSAGE_SIZE];
};

static int fail(struct loader *ld, int status, int line, const char *format,
                ...) __attribute__((format(printf, 4, 5)));

static int fail(struct loader *ld, int status, int line, const char *format,
                ...)
{
    char message[OB_ERROR_MESSAGE_SIZE];
    va_list args;

    if (ld->status != OB_OK)
        return ld->status;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    ld->status = status;
    ld->error_line = line;
    return ob_errorf(ld->err, status, "%s:%d: %s", ld->path, line, message);
}

static int fail_memory(struct loader *ld, int line)
{
    return fail(ld, OB_ENOMEM, line, "out of memory");
}

static char *copy_range(const char *begin, size_t length)
{
    char *copy = malloc(length + 1);

    if (copy != NULL) {
        memcpy(copy, begin, length);
        copy[length] = '\0';
    }
    return copy;
}

static void free_strings(char **strings, size_t count)
{
    if (strings == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        free(strings[i]);
    free(strings);
}

/* ---- values ------------------------------------------------------------ */

/* Splits "a, b ,c" at commas into trimmed copies. Returns the count, 0 when
 * an item is empty (or text is), -1 when out of memory. */
static long split_list(const char *text, char ***out)
{
    size_t count = 1, n = 0;
    const char *c = text;
    char **items;

    *out = NULL;
    for (const char *s = text; *s != '\0'; s++)
        count += *s == ',';
    items = calloc(count, sizeof *items);
    if (items == NULL)
        return -1;
    for (;;) {
        const char *comma = strchr(c, ',');
        const char *end = comma != NULL ? comma : c + strlen(c);

        while (c < end && isspace((unsigned char)*c))
            c++;
        while (end > c && isspace((unsigned char)end[-1]))
            end--;
        if (end == c) {
            free_strings(items, n);
            return 0;
        }
        items[n] = copy_range(c, (size_t)(end - c));
        if (items[n] == NULL) {
            free_strings(items, n);
            return -1;
        }
        n++;
        if (comma == NULL)
            break;
        c = comma + 1;
    }
    *out = items;
    return (long)n;
}

static int is_label(const char *text)
{
    if (*text == '\0')
        return 0;
    for (const char *c = text; *c != '\0'; c++)
        if (!isalnum((unsigned char)*c) && strchr(LABEL_CHARS, *c) == NULL)
            return 0;
    return 1;
}

/* Parses a whole number of [min, max] for key rk. */
static int parse_whole(struct loader *ld, const struct raw_key *rk, double min,
                       double max, double *out)
{
    double value;

    if (ob_parse_double(rk->value, &value) != OB_OK || value != floor(value))
        return fail(ld, OB_EINVAL, rk->line, "%s='%s' is not a whole number",
                    rk->key, rk->value);
    if (value < min || value > max)
        return fail(ld, OB_EINVAL, rk->line, "%s=%s must be in [%.0f, %.0f]",
                    rk->key, rk->value, min, max);
    *out = value;
    return OB_OK;
}

/* Parses rk's value as a list of finite numbers into a new array. */
static int parse_numbers(struct loader *ld, const struct raw_key *rk,
                         double **out, size_t *count)
{
    char **items;
    long n = split_list(rk->value, &items);
    double *numbers;

    if (n < 0)
        return fail_memory(ld, rk->line);
    if (n == 0)
        return fail(ld, OB_EINVAL, rk->line, "empty item in %s='%s'", rk->key,
                    rk->value);
    numbers = malloc(sizeof *numbers * (size_t)n);
    if (numbers == NULL) {
        free_strings(items, (size_t)n);
        return fail_memory(ld, rk->line);
    }
    for (long i = 0; i < n; i++) {
        if (ob_parse_double(items[i], &numbers[i]) != OB_OK) {
            fail(ld, OB_EINVAL, rk->line, "%s: '%s' is not a finite number",
                 rk->key, items[i]);
            free(numbers);
            free_strings(items, (size_t)n);
            return ld->status;
        }
    }
    free_strings(items, (size_t)n);
    *out = numbers;
    *count = (size_t)n;
    return OB_OK;
}

/* "logspace(lo, hi, n)": n values from lo to hi in geometric steps. */
static int expand_logspace(struct loader *ld, const struct raw_key *rk,
                           struct ob_suite_param *param)
{
    const char *text = rk->value;
    const char *open = text + strlen("logspace");
    const char *close = strrchr(text, ')');
    char **items = NULL;
    char *inner;
    long n = 0;
    double lo, hi, count;

    while (isspace((unsigned char)*open))
        open++;
    if (*open == '(' && close != NULL && close > open && close[1] == '\0') {
        inner = copy_range(open + 1, (size_t)(close - open - 1));
        if (inner == NULL)
            return fail_memory(ld, rk->line);
        n = split_list(inner, &items);
        free(inner);
        if (n < 0)
            return fail_memory(ld, rk->line);
    }
    if (n != 3 || ob_parse_double(items[0], &lo) != OB_OK ||
        ob_parse_double(items[1], &hi) != OB_OK ||
        ob_parse_double(items[2], &count) != OB_OK) {
        free_strings(items, n > 0 ? (size_t)n : 0);
        return fail(ld, OB_EINVAL, rk->line,
                    "bad logspace '%s' for %s: expected logspace(lo, hi, n) "
                    "with numbers",
                    text, rk->key);
    }
    free_strings(items, (size_t)n);
    if (!(lo > 0.0 && hi > 0.0))
        return fail(ld, OB_EINVAL, rk->line,
                    "bad logspace '%s' for %s: lo and hi must be > 0", text,
                    rk->key);
    if (count != floor(count) || count < 1.0 || count > MAX_VARIANTS)
        return fail(ld, OB_EINVAL, rk->line,
                    "bad logspace '%s' for %s: n must be a whole number in "
                    "[1, %d]",
                    text, rk->key, MAX_VARIANTS);

    param->value_count = (size_t)count;
    param->values = calloc(param->value_count, sizeof *param->values);
    if (param->values == NULL)
        return fail_memory(ld, rk->line);
    for (size_t i = 0; i < param->value_count; i++) {
        double e0 = log10(lo), e1 = log10(hi), value;
        char buffer[32];

        /* The ends are taken as written, so rounding in log10 and pow
         * never turns lo = 1e-4 into 0.00010000000000000002. */
        if (i == 0)
            value = lo;
        else if (i + 1 == param->value_count)
            value = hi;
        else
            value = pow(10.0, e0 + (e1 - e0) * (double)i /
                                       (double)(param->value_count - 1));
        ob_format_shortest(value, buffer, sizeof buffer);
        param->values[i] = copy_range(buffer, strlen(buffer));
        if (param->values[i] == NULL)
            return fail_memory(ld, rk->line);
    }
    return OB_OK;
}

/* Turns rk's value (one value, a list or a logspace) into param's values.
 * param->key is set by the caller. */
static int expand_values(struct loader *ld, const struct raw_key *rk,
                         struct ob_suite_param *param)
{
    long n;

    param->line = rk->line;
    if (strncmp(rk->value, "logspace", strlen("logspace")) == 0)
        return expand_logspace(ld, rk, param);
    n = split_list(rk->value, &param->values);
    if (n < 0)
        return fail_memory(ld, rk->line);
    if (n == 0)
        return fail(ld, OB_EINVAL, rk->line, "empty sweep in %s='%s'", rk->key,
                    rk->value);
    param->value_count = (size_t)n;
    return OB_OK;
}

/* ---- validation of an entry's settings --------------------------------- */

static int check_optimizer(struct checker *c, const struct ob_setting *settings,
                           size_t count, struct ob_error *err)
{
    return ob_optimizer_check(c->optimizer, settings, count, err);
}

static int check_problem(struct checker *c, const struct ob_setting *settings,
                         size_t count, struct ob_error *err)
{
    struct ob_problem p;
    int status = ob_problem_create(&p, c->problem, settings, count, err);

    if (status == OB_OK) {
        c->dim = p.dim;
        ob_problem_destroy(&p);
    }
    /* A data set that is not installed says nothing against the values:
     * they pass, and the entry is kept as one to skip. */
    if (status == OB_EMISSING) {
        snprintf(c->missing, sizeof c->missing, "%s", err->message);
        status = OB_OK;
    }
    return status;
}

/* Working memory of validate_entry. */
struct sweep {
    const struct ob_suite_param *params;
    size_t count;
    size_t *first;      /* params[i]'s values start at first[i] below */
    unsigned char *bad; /* a value that fails on its own */
    size_t *good;       /* per param, the indices of its other values */
    size_t *good_count;
    size_t *chosen;
    struct ob_setting *settings;
};

/* Whether some assignment of the other params, with param i at value j,
 * passes the check: over every value of the others, or only over those
 * that pass on their own (good_only), so that one bad value elsewhere does
 * not put the blame on i. Returns 1, 0, or a status other than OB_EINVAL
 * from the check (with err set). */
static int some_variant_passes(struct checker *c, struct sweep *w, size_t i,
                               size_t j, int good_only, struct ob_error *err)
{
    size_t total = 1;

    for (size_t q = 0; q < w->count; q++) {
        size_t radix = good_only ? w->good_count[q] : w->params[q].value_count;

        if (q != i && radix > 0)
            total *= radix;
    }
    for (size_t r = 0; r < total; r++) {
        size_t rest = r, n = 0;
        int status;

        for (size_t q = w->count; q-- > 0;) {
            size_t radix =
                good_only ? w->good_count[q] : w->params[q].value_count;

            if (q == i) {
                w->chosen[q] = j;
            } else if (radix == 0) {
                w->chosen[q] = SIZE_MAX;
            } else {
                w->chosen[q] = good_only ? w->good[w->first[q] + rest % radix]
                                         : rest % radix;
                rest /= radix;
            }
        }
        for (size_t q = 0; q < w->count; q++) {
            if (w->chosen[q] == SIZE_MAX)
                continue;
            w->settings[n].key = w->params[q].key;
            w->settings[n].value = w->params[q].values[w->chosen[q]];
            n++;
        }
        status = c->check(c, w->settings, n, err);
        if (status == OB_OK)
            return 1;
        if (status != OB_EINVAL)
            return status;
    }
    return 0;
}

/* Checks params in three passes. Each value on its own, so an unknown key
 * or a bad number is reported at its line. A value that fails alone may
 * only need the others (sgd's nesterov=1 needs momentum > 0): it is an
 * error at its line only when no combination with the others passes. Then
 * every variant, whose failures are reported at the section's line, as
 * "optimizer 'LABEL' variant 'TEXT': ..." when `owner` is given. */
static int validate_entry(struct loader *ld, struct checker *c,
                          const struct ob_suite_optimizer *entry,
                          const char *owner)
{
    const struct ob_suite_param *params = entry->params;
    size_t count = entry->param_count;
    struct sweep w = {params, count, NULL, NULL, NULL, NULL, NULL, NULL};
    size_t values = 0, slots = count ? count : 1;
    struct ob_error inner = {0};
    int status = OB_OK;

    for (size_t i = 0; i < count; i++)
        values += params[i].value_count;
    w.first = malloc(sizeof *w.first * slots);
    w.bad = calloc(values ? values : 1, 1);
    w.good = malloc(sizeof *w.good * (values ? values : 1));
    w.good_count = calloc(slots, sizeof *w.good_count);
    w.chosen = malloc(sizeof *w.chosen * slots);
    w.settings = malloc(sizeof *w.settings * slots);
    if (w.first == NULL || w.bad == NULL || w.good == NULL ||
        w.good_count == NULL || w.chosen == NULL || w.settings == NULL) {
        status = fail_memory(ld, ld->section_line);
        goto done;
    }

    /* Each value on its own. */
    for (size_t i = 0, at = 0; i < count; i++) {
        w.first[i] = at;
        for (size_t j = 0; j < params[i].value_count; j++, at++) {
            struct ob_setting one = {params[i].key, params[i].values[j]};
            int alone = c->check(c, &one, 1, &inner);

            if (alone != OB_OK && alone != OB_EINVAL) {
                status = fail(ld, alone, ld->section_line, "%s", inner.message);
                goto done;
            }
            w.bad[at] = alone != OB_OK;
            if (!w.bad[at])
                w.good[w.first[i] + w.good_count[i]++] = j;
        }
    }

    /* The values that fail alone, with help from the others. */
    for (size_t i = 0; i < count; i++) {
        for (size_t j = 0; j < params[i].value_count; j++) {
            struct ob_setting one = {params[i].key, params[i].values[j]};
            int passes;

            if (!w.bad[w.first[i] + j])
                continue;
            passes = some_variant_passes(c, &w, i, j, 1, &inner);
            if (passes == 0)
                passes = some_variant_passes(c, &w, i, j, 0, &inner);
            if (passes < 0) {
                status =
                    fail(ld, passes, ld->section_line, "%s", inner.message);
                goto done;
            }
            if (passes == 0) {
                c->check(c, &one, 1, &inner);
                status =
                    fail(ld, OB_EINVAL, params[i].line, "%s", inner.message);
                goto done;
            }
        }
    }

    /* Every variant, last param fastest as in ob_suite_variant. */
    for (size_t v = 0; v < entry->variant_count; v++) {
        int whole;

        for (size_t q = count, rest = v; q-- > 0;) {
            w.settings[q].key = params[q].key;
            w.settings[q].value =
                params[q].values[rest % params[q].value_count];
            rest /= params[q].value_count;
        }
        whole = c->check(c, w.settings, count, &inner);
        if (whole == OB_OK)
            continue;
        if (owner == NULL) {
            status = fail(ld, whole, ld->section_line, "%s", inner.message);
        } else {
            char text[128];

            ob_suite_variant_text(entry, v, text, sizeof text);
            status = fail(ld, whole, ld->section_line, "%s variant '%s': %s",
                          owner, text, inner.message);
        }
        goto done;
    }

done:
    free(w.first);
    free(w.bad);
    free(w.good);
    free(w.good_count);
    free(w.chosen);
    free(w.settings);
    return status;
}

/* ---- sections ---------------------------------------------------------- */

/* A key that appeared earlier in the section is an error at this line. */
static int check_repeat(struct loader *ld, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (strcmp(ld->keys[i].key, ld->keys[k].key) == 0)
            return fail(ld, OB_EINVAL, ld->keys[k].line,
                        "duplicate key '%s' (first at line %d)",
                        ld->keys[k].key, ld->keys[i].line);
    return OB_OK;
}

static const struct raw_key *find_key(const struct loader *ld, const char *key)
{
    for (size_t i = 0; i < ld->key_count; i++)
        if (strcmp(ld->keys[i].key, key) == 0)
            return &ld->keys[i];
    return NULL;
}

/* Appends ", name" to the list in buffer; once the next name would not
 * fit with room for ", ..." after it, ends the list with "..." instead, so
 * a long catalogue never cuts a message short. */
static int compare_decreasing(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x < y) - (x > y);
}

static int set_targets(struct loader *ld, const struct raw_key *rk)
{
    struct ob_suite *suite = ld->suite;
    int status = parse_numbers(ld, rk, &suite->targets, &suite->target_count);

    if (status != OB_OK)
        return status;
    for (size_t i = 0; i < suite->target_count; i++)
        if (!(suite->targets[i] > 0.0))
            return fail(ld, OB_EINVAL, rk->line, "targets: %g must be > 0",
                        suite->targets[i]);
    qsort(suite->targets, suite->target_count, sizeof *suite->targets,
          compare_decreasing);
    for (size_t i = 1; i < suite->target_count; i++)
        if (suite->targets[i] == suite->targets[i - 1])
            return fail(ld, OB_EINVAL, rk->line, "targets: %g appears twice",
                        suite->targets[i]);
    return OB_OK;
}

/* Whole-number keys of [suite] and their ranges. Seeds beyond 2^53 would
 * not survive the trip through a double. */
static const struct {
    const char *key;
    double min, max;
} suite_counts[] = {
    {"seed", 0.0, 9007199254740992.0}, {"seeds", 1.0, 1e6},
    {"tuning_seeds", 1.0, 1e6},        {"steps", 1.0, 1e9},
    {"eval_every", 0.0, 1e9},          {"epochs", 0.0, 1e6},
};

static int set_suite_key(struct loader *ld, const struct raw_key *rk)
{
    struct ob_suite *suite = ld->suite;
    size_t n = sizeof suite_counts / sizeof suite_counts[0], i;
    double value = 0.0;

    if (strcmp(rk->key, "name") == 0) {
        if (!is_label(rk->value) || rk->value[0] == '.')
            return fail(ld, OB_EINVAL, rk->line,
                        "name='%s' must use letters, digits and - _ . + "
                        "only, and not start with '.'",
                        rk->value);
        suite->name = copy_range(rk->value, strlen(rk->value));
        return suite->name != NULL ? OB_OK : fail_memory(ld, rk->line);
    }
    if (strcmp(rk->key, "targets") == 0)
        return set_targets(ld, rk);
    for (i = 0; i < n && strcmp(rk->key, suite_counts[i].key) != 0; i++)
        continue;
    if (i == n)
        return fail(ld, OB_EINVAL, rk->line,
                    "unknown key '%s' in [suite] (known: name, seed, seeds, "
                    "tuning_seeds, steps, epochs, eval_every, targets)",
                    rk->key);
    if (parse_whole(ld, rk, suite_counts[i].min, suite_counts[i].max, &value) !=
        OB_OK)
        return ld->status;

    if (i == 0)
        suite->seed = (uint64_t)value;
    else if (i == 1)
        suite->seeds = (size_t)value;
    else if (i == 2)
        suite->tuning_seeds = (size_t)value;
    else if (i == 3)
        suite->steps = (size_t)value;
    else if (i == 4)
        suite->eval_every = (size_t)value;
    else
        suite->epochs = (size_t)value;
    return OB_OK;
}

static int finish_suite(struct loader *ld)
{
    for (size_t k = 0; k < ld->key_count; k++)
        if (check_repeat(ld, k) != OB_OK ||
            set_suite_key(ld, &ld->keys[k]) != OB_OK)
            return ld->status;
    return OB_OK;
}

static int finish_optimizer(struct loader *ld)
{
    struct ob_suite *suite = ld->suite;
    const struct raw_key *type_key;
    struct ob_suite_optimizer *entry, *grown;
    struct checker c = {check_optimizer, NULL, NULL, 0, ""};
    char names[120], owner[96];

    for (size_t k = 0; k < ld->key_count; k++)
        if (check_repeat(ld, k) != OB_OK)
            return ld->status;
    type_key = find_key(ld, "type");
    if (type_key == NULL)
        return fail(ld, OB_EINVAL, ld->section_line,
                    "[optimizer %s] has no type (add type = NAME)", ld->label);
    c.optimizer = ob_optimizer_find(type_key->value);
    if (c.optimizer == NULL) {
        ob_optimizer_type_names(names, sizeof names);
        return fail(ld, OB_EINVAL, type_key->line,
                    "unknown optimizer type '%s' (known: %s)", type_key->value,
                    names);
    }

    grown = realloc(suite->optimizers,
                    sizeof *grown * (suite->optimizer_count + 1));
    if (grown == NULL)
        return fail_memory(ld, ld->section_line);
    suite->optimizers = grown;
    entry = &grown[suite->optimizer_count++];
    memset(entry, 0, sizeof *entry);
    entry->label = ld->label;
    ld->label = NULL;
    entry->type = c.optimizer;
    entry->line = ld->section_line;
    entry->params = calloc(ld->key_count, sizeof *entry->params);
    if (entry->params == NULL)
        return fail_memory(ld, ld->section_line);

    entry->variant_count = 1;
    for (size_t k = 0; k < ld->key_count; k++) {
        struct raw_key *rk = &ld->keys[k];
        struct ob_suite_param *param = &entry->params[entry->param_count];

        if (rk == type_key)
            continue;
        entry->param_count++;
        expand_values(ld, rk, param);
        param->key = rk->key;
        rk->key = NULL;
        if (ld->status != OB_OK)
            return ld->status;
        /* Compared before multiplying, so the product cannot overflow. */
        if (entry->variant_count > MAX_VARIANTS / param->value_count)
            return fail(ld, OB_EINVAL, ld->section_line,
                        "optimizer '%s' has more than %d variants",
                        entry->label, MAX_VARIANTS);
        entry->variant_count *= param->value_count;
    }
    snprintf(owner, sizeof owner, "optimizer '%s'", entry->label);
    return validate_entry(ld, &c, entry, owner);
}

/* Keys of a [problem] section that set its budget, not a parameter of the
 * problem: each overrides the suite's value of the same name. */
static const struct {
    const char *key;
    double min, max;
    size_t offset; /* of the size_t in struct ob_suite_problem */
} problem_budget_keys[] = {
    {"steps", 1.0, 1e9, offsetof(struct ob_suite_problem, steps)},
    {"epochs", 1.0, 1e6, offsetof(struct ob_suite_problem, epochs)},
    {"seeds", 1.0, 1e6, offsetof(struct ob_suite_problem, seeds)},
    {"tuning_seeds", 1.0, 1e6, offsetof(struct ob_suite_problem, tuning_seeds)},
};
#define PROBLEM_BUDGET_KEY_COUNT                                               \
    (sizeof problem_budget_keys / sizeof problem_budget_keys[0])

int ob_suite_is_budget_key(const char *key)
{
    for (size_t i = 0; i < PROBLEM_BUDGET_KEY_COUNT; i++)
        if (strcmp(key, problem_budget_keys[i].key) == 0)
            return 1;
    return 0;
}

/* Parses the budget keys of the section into entry. */
static int set_problem_budget(struct loader *ld, struct ob_suite_problem *entry)
{
    for (size_t i = 0; i < PROBLEM_BUDGET_KEY_COUNT; i++) {
        const struct raw_key *rk = find_key(ld, problem_budget_keys[i].key);
        double value;

        if (rk == NULL)
            continue;
        if (parse_whole(ld, rk, problem_budget_keys[i].min,
                        problem_budget_keys[i].max, &value) != OB_OK)
            return ld->status;
        *(size_t *)((char *)entry + problem_budget_keys[i].offset) =
            (size_t)value;
    }
    return OB_OK;
}

static int finish_problem(struct loader *ld)
{
    struct ob_suite *suite = ld->suite;
    const struct raw_key *type_key, *start_key;
    struct ob_suite_problem *entry, *grown;
    struct ob_suite_optimizer view = {0};
    struct checker c = {check_problem, NULL, NULL, 0, ""};
    char names[120];
    int status = OB_OK;

    for (size_t k = 0; k < ld->key_count; k++)
        if (check_repeat(ld, k) != OB_OK)
            return ld->status;
    type_key = find_key(ld, "type");
    if (type_key == NULL)
        return fail(ld, OB_EINVAL, ld->section_line,
                    "[problem %s] has no type (add type = NAME)", ld->label);
    c.problem = ob_problem_find(type_key->value);
    if (c.problem == NULL) {
        ob_problem_type_names(names, sizeof names);
        return fail(ld, OB_EINVAL, type_key->line,
                    "unknown problem type '%s' (known: %s)", type_key->value,
                    names);
    }

    grown =
        realloc(suite->problems, sizeof *grown * (suite->problem_count + 1));
    if (grown == NULL)
        return fail_memory(ld, ld->section_line);
    suite->problems = grown;
    entry = &grown[suite->problem_count++];
    memset(entry, 0, sizeof *entry);
    entry->label = ld->label;
    ld->label = NULL;
    entry->type = c.problem;
    entry->line = ld->section_line;
    start_key = find_key(ld, "start");
    if (start_key != NULL && parse_numbers(ld, start_key, &entry->start,
                                           &entry->start_count) != OB_OK)
        return ld->status;
    if (set_problem_budget(ld, entry) != OB_OK)
        return ld->status;

    /* Problem parameters are never swept: each is one value as written,
     * checked like an optimizer's so errors name the right line. The key
     * lines keep their strings until the checks pass. */
    view.params =
        calloc(ld->key_count ? ld->key_count : 1, sizeof *view.params);
    entry->settings =
        calloc(ld->key_count ? ld->key_count : 1, sizeof *entry->settings);
    if (view.params == NULL || entry->settings == NULL) {
        free(view.params);
        return fail_memory(ld, ld->section_line);
    }
    for (size_t k = 0; k < ld->key_count; k++) {
        struct raw_key *rk = &ld->keys[k];
        struct ob_suite_param *param = &view.params[view.param_count];

        if (rk == type_key || rk == start_key ||
            ob_suite_is_budget_key(rk->key))
            continue;
        param->key = rk->key;
        param->values = &rk->value;
        param->value_count = 1;
        param->line = rk->line;
        view.param_count++;
    }
    view.variant_count = 1;
    status = validate_entry(ld, &c, &view, NULL);
    free(view.params);
    if (status != OB_OK)
        return status;
    for (size_t k = 0; k < ld->key_count; k++) {
        struct raw_key *rk = &ld->keys[k];
        struct ob_setting *setting = &entry->settings[entry->setting_count];

        if (rk == type_key || rk == start_key ||
            ob_suite_is_budget_key(rk->key))
            continue;
        setting->key = rk->key;
        setting->value = rk->value;
        entry->setting_count++;
        rk->key = NULL;
        rk->value = NULL;
    }

    if (c.missing[0] != '\0') {
        entry->unavailable = copy_range(c.missing, strlen(c.missing));
        return entry->unavailable != NULL ? OB_OK
                                          : fail_memory(ld, ld->section_line);
    }
    if (start_key != NULL && entry->start_count != c.dim)
        return fail(ld, OB_EINVAL, start_key->line,
                    "start has %zu values but problem '%s' has dimension %zu",
                    entry->start_count, entry->label, c.dim);
    return OB_OK;
}

static void clear_section(struct loader *ld)
{
    for (size_t k = 0; k < ld->key_count; k++) {
        free(ld->keys[k].key);
        free(ld->keys[k].value);
    }
    ld->key_count = 0;
    free(ld->label);
    ld->label = NULL;
    ld->kind = SECTION_NONE;
}

/* Validates the section just read and stores it in the suite. */
static int finish_section(struct loader *ld)
{
    int status = OB_OK;

    switch (ld->kind) {
    case SECTION_NONE:
        break;
    case SECTION_SUITE:
        status = finish_suite(ld);
        break;
    case SECTION_OPTIMIZER:
        status = finish_optimizer(ld);
        break;
    case SECTION_PROBLEM:
        status = finish_problem(ld);
        break;
    }
    clear_section(ld);
    return status;
}

/* Starts the section whose header reads [name] on the current line. */
static int begin_section(struct loader *ld, const char *name)
{
    const char *space = strchr(name, ' ');
    size_t word = space != NULL ? (size_t)(space - name) : strlen(name);
    const char *label = space != NULL ? space + 1 : "";
    int line = ld->line;

    if (finish_section(ld) != OB_OK)
        return ld->status;
    ld->section_line = line;
    if (strcmp(name, "suite") == 0) {
        if (ld->suite_line != 0)
            return fail(ld, OB_EINVAL, line,
                        "second [suite] section (first at line %d)",
                        ld->suite_line);
        ld->suite_line = line;
        ld->kind = SECTION_SUITE;
        return OB_OK;
    }
    if (word == strlen("optimizer") && strncmp(name, "optimizer", word) == 0)
        ld->kind = SECTION_OPTIMIZER;
    else if (word == strlen("problem") && strncmp(name, "problem", word) == 0)
        ld->kind = SECTION_PROBLEM;
    else
        return fail(ld, OB_EINVAL, line,
                    "unknown section '[%s]' (expected [suite], [optimizer "
                    "LABEL] or [problem LABEL])",
                    name);
    if (*label == '\0')
        return fail(ld, OB_EINVAL, line, "[%s] needs a label: [%.*s LABEL]",
                    name, (int)word, name);
    if (!is_label(label))
        return fail(ld, OB_EINVAL, line,
                    "bad label '%s' in [%s]: one word of letters, digits "
                    "and - _ . +",
                    label, name);

    if (ld->kind == SECTION_OPTIMIZER) {
        for (size_t i = 0; i < ld->suite->optimizer_count; i++)
            if (strcmp(ld->suite->optimizers[i].label, label) == 0)
                return fail(ld, OB_EINVAL, line,
                            "duplicate optimizer label '%s' (first at line "
                            "%d)",
                            label, ld->suite->optimizers[i].line);
    } else {
        for (size_t i = 0; i < ld->suite->problem_count; i++)
            if (strcmp(ld->suite->problems[i].label, label) == 0)
                return fail(ld, OB_EINVAL, line,
                            "duplicate problem label '%s' (first at line %d)",
                            label, ld->suite->problems[i].line);
    }
    ld->label = copy_range(label, strlen(label));
    return ld->label != NULL ? OB_OK : fail_memory(ld, line);
}

/* ---- inih callbacks ---------------------------------------------------- */

/* Classifies a line the way inih will read it, so that section headers are
 * seen here with their line numbers, including those with no keys under
 * them (inih never reports those). inih's defaults: ';' and '#' start a
 * comment line, and ';' after a space starts an inline comment. */
static int look_at_line(struct loader *ld, const char *line)
{
    const char *start = line, *s, *end;
    int was_space = 0;
    char *name;
    int status;

    ld->continuation = 0;
    if (ld->line == 1 && strncmp(start, "\xEF\xBB\xBF", 3) == 0)
        start += 3;
    for (s = start; isspace((unsigned char)*s); s++)
        continue;
    if (*s == '\0' || *s == ';' || *s == '#')
        return OB_OK;
    if (ld->key_seen && s > line) {
        ld->continuation = 1;
        return OB_OK;
    }
    if (*s != '[')
        return OB_OK;
    for (end = s + 1; *end != '\0' && *end != ']'; end++) {
        if (was_space && *end == ';')
            break;
        was_space = isspace((unsigned char)*end);
    }
    if (*end != ']')
        return OB_OK; /* inih reports the syntax error */

    ld->key_seen = 0;
    name = copy_range(s + 1, (size_t)(end - s - 1));
    if (name == NULL)
        return fail_memory(ld, ld->line);
    status = begin_section(ld, name);
    free(name);
    return status;
}

/* inih's reader: hands over one line per call and counts them, since
 * Debian's inih does not pass line numbers to the handler. */
static char *read_line(char *str, int num, void *stream)
{
    struct loader *ld = stream;
    const char *begin, *newline;
    size_t length;

    if (ld->status != OB_OK || ld->pos >= ld->size)
        return NULL;
    begin = ld->data + ld->pos;
    newline = memchr(begin, '\n', ld->size - ld->pos);
    length = newline != NULL ? (size_t)(newline - begin) : ld->size - ld->pos;
    ld->pos += length + (newline != NULL);
    ld->line++;
    if (length > 0 && begin[length - 1] == '\r')
        length--;

    if (memchr(begin, '\0', length) != NULL) {
        fail(ld, OB_EINVAL, ld->line, "line contains a NUL byte");
        return NULL;
    }
    /* inih would read the rest of a long line as another line. */
    if (length + 2 > (size_t)num) {
        fail(ld, OB_EINVAL, ld->line, "line is longer than %d characters",
             num - 2);
        return NULL;
    }
    memcpy(str, begin, length);
    str[length] = '\n';
    str[length + 1] = '\0';
    return look_at_line(ld, str) == OB_OK ? str : NULL;
}

static int on_key(void *user, const char *section, const char *name,
                  const char *value)
{
    struct loader *ld = user;
    struct raw_key *rk;

    /* The reader tracks sections itself: it sees every header, and inih
     * truncates long section names. */
    (void)section;
    if (ld->status != OB_OK || name == NULL)
        return 1;
    if (ld->continuation) {
        fail(ld, OB_EINVAL, ld->line,
             "indented line continues the value of '%s' (values take one "
             "line; remove the indentation)",
             name);
        return 1;
    }
    if (*name == '\0' || value == NULL) {
        fail(ld, OB_EINVAL, ld->line,
             "syntax error: expected KEY = VALUE or [SECTION]");
        return 1;
    }
    ld->key_seen = 1;
    if (ld->kind == SECTION_NONE) {
        fail(ld, OB_EINVAL, ld->line,
             "key '%s' comes before any section (start with [suite], "
             "[optimizer LABEL] or [problem LABEL])",
             name);
        return 1;
    }

    if (ld->key_count == ld->key_capacity) {
        size_t capacity = ld->key_capacity ? 2 * ld->key_capacity : 8;
        struct raw_key *grown = realloc(ld->keys, sizeof *grown * capacity);

        if (grown == NULL) {
            fail_memory(ld, ld->line);
            return 1;
        }
        ld->keys = grown;
        ld->key_capacity = capacity;
    }
    rk = &ld->keys[ld->key_count];
    rk->key = copy_range(name, strlen(name));
    rk->value = copy_range(value, strlen(value));
    rk->line = ld->line;
    if (rk->key == NULL || rk->value == NULL) {
        free(rk->key);
        free(rk->value);
        fail_memory(ld, ld->line);
        return 1;
    }
    ld->key_count++;
    return 1;
}

/* ---- loading ----------------------------------------------------------- */

static int read_file(const char *path, char **data, size_t *size,
                     struct ob_error *err)
{
    FILE *file = fopen(path, "rb");
    char *buffer;
    size_t length;

    if (file == NULL)
        return ob_errorf(err, OB_EIO, "cannot open suite file %s: %s", path,
                         strerror(errno));
    buffer = malloc(MAX_FILE_BYTES + 1);
    if (buffer == NULL) {
        fclose(file);
        return ob_errorf(err, OB_ENOMEM, "out of memory reading %s", path);
    }
    length = fread(buffer, 1, MAX_FILE_BYTES + 1, file);
    if (ferror(file)) {
        int error = errno;

        fclose(file);
        free(buffer);
        return ob_errorf(err, OB_EIO, "cannot read suite file %s: %s", path,
                         strerror(error));
    }
    fclose(file);
    if (length > MAX_FILE_BYTES) {
        free(buffer);
        return ob_errorf(err, OB_EINVAL,
                         "%s:0: larger than %d bytes, not a suite file", path,
                         MAX_FILE_BYTES);
    }
    *data = buffer;
    *size = length;
    return OB_OK;
}

static void hash_hex(const char *data, size_t size, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    uint8_t digest[SHA256_DIGEST_SIZE];
    struct sha256_ctx context;

    sha256_init(&context);
    sha256_update(&context, size, (const uint8_t *)data);
    sha256_digest(&context, SHA256_DIGEST_SIZE, digest);
    for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[2 * SHA256_DIGEST_SIZE] = '\0';
}

/* The file name without its folder and without ".ini". */
static char *file_stem(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    size_t length = strlen(base);

    if (length > 4 && strcmp(base + length - 4, ".ini") == 0)
        length -= 4;
    return copy_range(base, length);
}

/* Fills what the file left unset. */
static int apply_defaults(struct loader *ld)
{
    static const double targets[] = {1e-1, 1e-2, 1e-3, 1e-4,
                                     1e-5, 1e-6, 1e-7, 1e-8};
    struct ob_suite *suite = ld->suite;

    if (suite->name == NULL) {
        suite->name = file_stem(ld->path);
        if (suite->name == NULL)
            return fail_memory(ld, 0);
    }
    if (suite->targets == NULL) {
        suite->targets = malloc(sizeof targets);
        if (suite->targets == NULL)
            return fail_memory(ld, 0);
        memcpy(suite->targets, targets, sizeof targets);
        suite->target_count = sizeof targets / sizeof targets[0];
    }
    return OB_OK;
}

int ob_suite_load(struct ob_suite *suite, const char *path,
                  struct ob_error *err)
{
    struct loader ld;
    char *data = NULL;
    int first_syntax_error;

    memset(suite, 0, sizeof *suite);
    memset(&ld, 0, sizeof ld);
    ld.status = read_file(path, &data, &ld.size, err);
    if (ld.status != OB_OK)
        return ld.status;
    ld.suite = suite;
    ld.path = path;
    ld.data = data;
    ld.err = err;
    suite->seed = 1;
    suite->seeds = 5;
    suite->tuning_seeds = 3;
    suite->steps = 1000;
    suite->eval_every = 0;
    hash_hex(data, ld.size, suite->sha256);
    suite->path = copy_range(path, strlen(path));
    if (suite->path == NULL)
        fail_memory(&ld, 0);

    /* The handler always returns 1, so inih's result counts only the lines
     * it could not parse; the first error of either kind wins. */
    first_syntax_error = ini_parse_stream(read_line, &ld, on_key, &ld);
    if (ld.status == OB_OK)
        finish_section(&ld);
    clear_section(&ld);
    if (first_syntax_error == -2) {
        ld.status = ob_errorf(err, OB_ENOMEM, "%s: out of memory", path);
    } else if (first_syntax_error > 0 &&
               (ld.status == OB_OK || first_syntax_error < ld.error_line)) {
        ld.status = ob_errorf(err, OB_EINVAL,
                              "%s:%d: syntax error: expected KEY = VALUE or "
                              "[SECTION]",
                              path, first_syntax_error);
    }
    if (suite->optimizer_count == 0)
        fail(&ld, OB_EINVAL, ld.suite_line, "no [optimizer LABEL] section");
    if (suite->problem_count == 0)
        fail(&ld, OB_EINVAL, ld.suite_line, "no [problem LABEL] section");
    if (ld.status == OB_OK)
        apply_defaults(&ld);

    free(ld.keys);
    free(data);
    if (ld.status != OB_OK)
        ob_suite_free(suite);
    return ld.status;
}

/* ---- bundled suites ---------------------------------------------------- */

const char *ob_suite_dir(void)
{
    const char *dir = getenv("OPTBENCH_SUITE_DIR");

    return (dir != NULL && *dir != '\0') ? dir : OB_DEFAULT_SUITE_DIR;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Writes the names of the .ini files in dir without ".ini", sorted, as
 * "a, b, c" ("none" when there are none). */
static void bundled_names(const char *dir, char *buffer, size_t size)
{
    DIR *folder = opendir(dir);
    struct dirent *entry;
    char **names = NULL;
    size_t count = 0, capacity = 0, length = 0;

    snprintf(buffer, size, "none");
    if (folder == NULL)
        return;
    while ((entry = readdir(folder)) != NULL) {
        size_t n = strlen(entry->d_name);

        if (n <= 4 || strcmp(entry->d_name + n - 4, ".ini") != 0)
            continue;
        if (count == capacity) {
            size_t more = capacity ? 2 * capacity : 16;
            char **grown = realloc(names, sizeof *grown * more);

            if (grown == NULL)
                break;
            names = grown;
            capacity = more;
        }
        names[count] = copy_range(entry->d_name, n - 4);
        if (names[count] == NULL)
            break;
        count++;
    }
    closedir(folder);
    qsort(names, count, sizeof *names, compare_strings);
    if (count > 0)
        buffer[0] = '\0';
    for (size_t i = 0; i < count; i++)
        ob_name_list_append(buffer, size, &length, names[i]);
    free_strings(names, count);
}

int ob_suite_load_named(struct ob_suite *suite, const char *name_or_path,
                        struct ob_error *err)
{
    size_t length = strlen(name_or_path);
    const char *dir;
    char *path;
    int status;

    memset(suite, 0, sizeof *suite);
    if (strchr(name_or_path, '/') != NULL ||
        (length >= 4 && strcmp(name_or_path + length - 4, ".ini") == 0))
        return ob_suite_load(suite, name_or_path, err);

    dir = ob_suite_dir();
    path = malloc(strlen(dir) + length + sizeof "/.ini");
    if (path == NULL)
        return ob_errorf(err, OB_ENOMEM, "out of memory");
    sprintf(path, "%s/%s.ini", dir, name_or_path);
    if (access(path, F_OK) != 0 && errno == ENOENT) {
        char names[120];

        free(path);
        bundled_names(dir, names, sizeof names);
        return ob_errorf(err, OB_EINVAL, "unknown suite '%s' (bundled: %s)",
                         name_or_path, names);
    }
    status = ob_suite_load(suite, path, err);
    free(path);
    return status;
}

/* ---- the loaded suite -------------------------------------------------- */

void ob_suite_free(struct ob_suite *suite)
{
    for (size_t i = 0; i < suite->optimizer_count; i++) {
        struct ob_suite_optimizer *o = &suite->optimizers[i];

        for (size_t p = 0; p < o->param_count; p++) {
            free(o->params[p].key);
            free_strings(o->params[p].values, o->params[p].value_count);
        }
        free(o->params);
        free(o->label);
    }
    for (size_t i = 0; i < suite->problem_count; i++) {
        struct ob_suite_problem *p = &suite->problems[i];

        /* The strings were allocated here; ob_setting keeps them const. */
        for (size_t s = 0; s < p->setting_count; s++) {
            free((char *)p->settings[s].key);
            free((char *)p->settings[s].value);
        }
        free(p->settings);
        free(p->start);
        free(p->unavailable);
        free(p->label);
    }
    free(suite->optimizers);
    free(suite->problems);
    free(suite->targets);
    free(suite->name);
    free(suite->path);
    memset(suite, 0, sizeof *suite);
}

/* Index of param p's value in variant v (last param fastest). */
static size_t value_index(const struct ob_suite_optimizer *o, size_t v,
                          size_t p)
{
    for (size_t q = p + 1; q < o->param_count; q++)
        v /= o->params[q].value_count;
    return v % o->params[p].value_count;
}

void ob_suite_variant(const struct ob_suite_optimizer *o, size_t v,
                      struct ob_setting *settings)
{
    for (size_t p = 0; p < o->param_count; p++) {
        settings[p].key = o->params[p].key;
        settings[p].value = o->params[p].values[value_index(o, v, p)];
    }
}

void ob_suite_variant_text(const struct ob_suite_optimizer *o, size_t v,
                           char *buffer, size_t size)
{
    size_t length = 0;

    if (size == 0)
        return;
    buffer[0] = '\0';
    for (size_t p = 0; p < o->param_count && length < size; p++)
        length += (size_t)snprintf(buffer + length, size - length, "%s%s=%s",
                                   p ? " " : "", o->params[p].key,
                                   o->params[p].values[value_index(o, v, p)]);
}

size_t ob_suite_replicates(const struct ob_suite *suite, size_t q, int tuning)
{
    const struct ob_suite_problem *entry = &suite->problems[q];

    if (tuning)
        return entry->tuning_seeds > 0 ? entry->tuning_seeds
                                       : suite->tuning_seeds;
    return entry->seeds > 0 ? entry->seeds : suite->seeds;
}

size_t ob_suite_most_replicates(const struct ob_suite *suite, int tuning)
{
    size_t most = tuning ? suite->tuning_seeds : suite->seeds;

    for (size_t q = 0; q < suite->problem_count; q++)
        if (ob_suite_replicates(suite, q, tuning) > most)
            most = ob_suite_replicates(suite, q, tuning);
    return most;
}
