/* The journal of finished runs: one text line per run, appended and
 * flushed as each run finishes, so an interrupted suite can be completed
 * with --resume and still give the files of an uninterrupted one. Doubles
 * are written in C99 hex (%a), which reads back exactly. */
#include "runner.h"
#include "version.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define JOURNAL_MAGIC "optbench-journal 2"

static void write_header(FILE *out, const struct ob_suite *suite,
                         const struct ob_suite_options *options)
{
    /* The build is part of the identity: runs from another build must not
     * be mixed into these results. */
    fprintf(out, "%s build=%s-%s sha256=%s seeds=%zu only=%s\n",
            JOURNAL_MAGIC, OB_VERSION, OB_GIT_COMMIT, suite->sha256,
            suite->seeds, options->only != NULL ? options->only : "-");
}

static void write_slot(FILE *out, const struct ob_plan *plan,
                       const struct ob_slot *s)
{
    const struct ob_suite *suite = plan->suite;

    fprintf(out, "run %d %zu %zu %zu %zu %d %zu %a %a %ld %zu %a %a %a %a %a",
            s->phase, s->problem, s->optimizer, s->variant, s->replicate,
            (int)s->summary.divergence, s->summary.steps_done,
            s->summary.final_loss, s->summary.best_loss,
            s->summary.steps_to_target, s->loss_increases, s->log_gap_sum,
            s->best_first_half, s->best_second_half, s->wall_seconds,
            s->cpu_seconds);
    fprintf(out, " %zu %zu %zu %a %a %zu", s->steps, s->eval_every, s->rows,
            s->test_loss, s->test_accuracy, suite->target_count);
    for (size_t t = 0; t < suite->target_count; t++)
        fprintf(out, " %ld", s->target_steps[t]);
    fprintf(out, " %zu", s->trace_count);
    for (size_t i = 0; i < s->trace_count; i++)
        fprintf(out, " %zu %a %a %a %a %a", s->trace[i].step,
                s->trace[i].loss, s->trace[i].test_loss,
                s->trace[i].test_accuracy, s->trace[i].x, s->trace[i].y);
    fputc('\n', out);
}

void ob_journal_append(FILE *journal, const struct ob_plan *plan,
                       const struct ob_slot *slot)
{
    write_slot(journal, plan, slot);
    fflush(journal);
}

/* Reads whitespace-separated fields from a line. */
struct fields {
    char *cursor;
    int bad;
};

static char *next_field(struct fields *f)
{
    char *token = strtok_r(NULL, " \n", &f->cursor);

    if (token == NULL)
        f->bad = 1;
    return token;
}

static size_t field_size(struct fields *f)
{
    char *token = next_field(f), *end;
    unsigned long long value;

    if (token == NULL)
        return 0;
    value = strtoull(token, &end, 10);
    f->bad |= *end != '\0';
    return (size_t)value;
}

static long field_long(struct fields *f)
{
    char *token = next_field(f), *end;
    long value;

    if (token == NULL)
        return 0;
    value = strtol(token, &end, 10);
    f->bad |= *end != '\0';
    return value;
}

static double field_double(struct fields *f)
{
    char *token = next_field(f), *end;
    double value;

    if (token == NULL)
        return 0.0;
    value = strtod(token, &end);
    f->bad |= *end != '\0';
    return value;
}

static int parse_slot(char *line, const struct ob_suite *suite,
                      struct ob_slot *s)
{
    struct fields f = {NULL, 0};
    char *first = strtok_r(line, " \n", &f.cursor);
    size_t targets, rows;

    memset(s, 0, sizeof *s);
    if (first == NULL || strcmp(first, "run") != 0)
        return -1;
    s->phase = (int)field_long(&f);
    s->problem = field_size(&f);
    s->optimizer = field_size(&f);
    s->variant = field_size(&f);
    s->replicate = field_size(&f);
    s->summary.divergence = (enum ob_divergence)field_long(&f);
    s->summary.steps_done = field_size(&f);
    s->summary.final_loss = field_double(&f);
    s->summary.best_loss = field_double(&f);
    s->summary.steps_to_target = field_long(&f);
    s->loss_increases = field_size(&f);
    s->log_gap_sum = field_double(&f);
    s->best_first_half = field_double(&f);
    s->best_second_half = field_double(&f);
    s->wall_seconds = field_double(&f);
    s->cpu_seconds = field_double(&f);
    s->steps = field_size(&f);
    s->eval_every = field_size(&f);
    s->rows = field_size(&f);
    s->test_loss = field_double(&f);
    s->test_accuracy = field_double(&f);
    targets = field_size(&f);
    if (f.bad || targets != suite->target_count ||
        s->problem >= suite->problem_count ||
        s->optimizer >= suite->optimizer_count ||
        s->variant >= suite->optimizers[s->optimizer].variant_count)
        return -1;
    s->target_steps = calloc(targets + 1, sizeof(long));
    if (s->target_steps == NULL)
        return -1;
    for (size_t t = 0; t < targets; t++)
        s->target_steps[t] = field_long(&f);
    rows = field_size(&f);
    if (f.bad || s->eval_every == 0 ||
        rows > ob_expected_rows(s->steps, s->eval_every) + 1)
        return -1;
    s->trace = malloc(sizeof *s->trace * (rows ? rows : 1));
    if (s->trace == NULL)
        return -1;
    s->trace_count = s->trace_capacity = rows;
    for (size_t i = 0; i < rows; i++) {
        s->trace[i].step = field_size(&f);
        s->trace[i].loss = field_double(&f);
        s->trace[i].test_loss = field_double(&f);
        s->trace[i].test_accuracy = field_double(&f);
        s->trace[i].x = field_double(&f);
        s->trace[i].y = field_double(&f);
    }
    if (f.bad || strtok_r(NULL, " \n", &f.cursor) != NULL)
        return -1;
    s->done = 1;
    return 0;
}

int ob_journal_load(struct ob_journal_index *index, const char *path,
                    const struct ob_suite *suite,
                    const struct ob_suite_options *options,
                    struct ob_error *err)
{
    FILE *in = fopen(path, "r");
    char *line = NULL, expected[512];
    size_t size = 0, capacity = 0, number = 1;
    ssize_t length;
    int status = OB_OK;

    memset(index, 0, sizeof *index);
    if (in == NULL) {
        if (errno == ENOENT)
            return OB_OK;
        return ob_errorf(err, OB_EIO, "cannot read %s: %s", path,
                         strerror(errno));
    }
    {
        FILE *memory = fmemopen(expected, sizeof expected, "w");

        if (memory == NULL) {
            fclose(in);
            return ob_errorf(err, OB_ENOMEM, "out of memory");
        }
        write_header(memory, suite, options);
        fclose(memory);
    }
    length = getline(&line, &size, in);
    if (length < 0 || strcmp(line, expected) != 0) {
        status = ob_errorf(err, OB_EINVAL,
                           "%s is from another suite file, build or --seeds/"
                           "--only options; run without --resume to start "
                           "again", path);
        goto done;
    }
    while ((length = getline(&line, &size, in)) >= 0) {
        struct ob_slot slot;

        number++;
        /* A last line without its newline was cut short by a crash. */
        if (length == 0 || line[length - 1] != '\n')
            break;
        if (parse_slot(line, suite, &slot) != 0) {
            free(slot.trace);
            free(slot.target_steps);
            status = ob_errorf(err, OB_EDATA, "%s:%zu: malformed journal "
                               "line; run without --resume to start again",
                               path, number);
            goto done;
        }
        if (index->count == capacity) {
            size_t grown = capacity ? 2 * capacity : 64;
            struct ob_slot *slots =
                realloc(index->slots, grown * sizeof *slots);

            if (slots == NULL) {
                free(slot.trace);
                free(slot.target_steps);
                status = ob_errorf(err, OB_ENOMEM, "out of memory");
                goto done;
            }
            index->slots = slots;
            capacity = grown;
        }
        index->slots[index->count++] = slot;
    }

done:
    free(line);
    fclose(in);
    if (status != OB_OK)
        ob_journal_index_free(index);
    return status;
}

int ob_journal_open(FILE **journal, const char *path,
                    const struct ob_suite *suite,
                    const struct ob_suite_options *options,
                    const struct ob_journal_index *index,
                    struct ob_error *err)
{
    struct ob_atomic_file file;
    struct ob_plan view = {0};
    int status = ob_atomic_open(&file, path, err);

    if (status != OB_OK)
        return status;
    view.suite = suite;
    write_header(file.stream, suite, options);
    for (size_t i = 0; i < index->count; i++)
        write_slot(file.stream, &view, &index->slots[i]);
    status = ob_atomic_commit(&file, err);
    if (status != OB_OK)
        return status;
    *journal = fopen(path, "a");
    if (*journal == NULL)
        return ob_errorf(err, OB_EIO, "cannot write %s: %s", path,
                         strerror(errno));
    return OB_OK;
}

size_t ob_journal_fill(struct ob_journal_index *index, struct ob_plan *plan,
                       size_t begin, size_t end)
{
    size_t found = 0;

    for (size_t i = begin; i < end; i++) {
        struct ob_slot *slot = &plan->slots[i];

        for (size_t j = 0; j < index->count; j++) {
            struct ob_slot *old = &index->slots[j];

            if (!old->done || old->phase != slot->phase ||
                old->problem != slot->problem ||
                old->optimizer != slot->optimizer ||
                old->variant != slot->variant ||
                old->replicate != slot->replicate)
                continue;
            /* Move the record into the plan; the index keeps a husk. */
            free(slot->trace);
            free(slot->target_steps);
            old->seed = slot->seed;
            *slot = *old;
            old->trace = NULL;
            old->target_steps = NULL;
            old->done = 0;
            found++;
            break;
        }
    }
    return found;
}

void ob_journal_index_free(struct ob_journal_index *index)
{
    for (size_t i = 0; i < index->count; i++) {
        free(index->slots[i].trace);
        free(index->slots[i].target_steps);
    }
    free(index->slots);
    memset(index, 0, sizeof *index);
}
