/* KEY=VALUE parameters: see params.h. */
#include "params.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ob_parse_double(const char *text, double *out)
{
    char *end;
    double value;

    if (text == NULL || *text == '\0')
        return OB_EINVAL;
    errno = 0;
    value = strtod(text, &end);
    /* Underflow to a subnormal or zero is a fine value; overflow is not. */
    if (*end != '\0' || !isfinite(value) ||
        (errno == ERANGE && fabs(value) >= 1.0))
        return OB_EINVAL;
    *out = value;
    return OB_OK;
}

int ob_setting_split(char *text, struct ob_setting *out, struct ob_error *err)
{
    char *equals = strchr(text, '=');

    if (equals == NULL || equals == text)
        return ob_errorf(err, OB_EINVAL,
                         "expected KEY=VALUE, got '%s'", text);
    *equals = '\0';
    out->key = text;
    out->value = equals + 1;
    return OB_OK;
}

int ob_params_find(const struct ob_param_spec *specs, size_t count,
                   const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(specs[i].name, name) == 0)
            return (int)i;
    return -1;
}

void ob_params_defaults(const struct ob_param_spec *specs, size_t count,
                        struct ob_param_values *values)
{
    for (size_t i = 0; i < count && i < OB_MAX_PARAMS; i++) {
        values->number[i] = specs[i].default_value;
        values->text[i] =
            specs[i].kind == OB_PARAM_LIST ? specs[i].choices : NULL;
    }
}

/* Index of `word` in the comma-separated `choices`, or -1. */
static int choice_index(const char *choices, const char *word)
{
    size_t length = strlen(word);
    int index = 0;

    for (const char *c = choices; *c; index++) {
        const char *comma = strchr(c, ',');
        size_t item = comma ? (size_t)(comma - c) : strlen(c);

        if (item == length && strncmp(c, word, length) == 0)
            return index;
        if (comma == NULL)
            break;
        c = comma + 1;
    }
    return -1;
}

/* Parses comma-separated finite doubles into out (when non-NULL). Returns
 * the count, -1 for a malformed list, -2 when there are over capacity. */
static long scan_list(const char *text, double *out, size_t capacity)
{
    size_t count = 0;
    const char *c = text;

    if (text == NULL || *text == '\0')
        return -1;
    for (;;) {
        const char *comma = strchr(c, ',');
        size_t length = comma ? (size_t)(comma - c) : strlen(c);
        char item[64];
        double value;

        if (length == 0 || length >= sizeof item)
            return -1;
        memcpy(item, c, length);
        item[length] = '\0';
        if (ob_parse_double(item, &value) != OB_OK)
            return -1;
        if (count == capacity)
            return -2;
        if (out != NULL)
            out[count] = value;
        count++;
        if (comma == NULL)
            return (long)count;
        c = comma + 1;
    }
}

static int parse_value(const struct ob_param_spec *spec, const char *text,
                       const char *owner, double *number, const char **list,
                       struct ob_error *err)
{
    double value;

    switch (spec->kind) {
    case OB_PARAM_REAL:
        if (ob_parse_double(text, &value) != OB_OK)
            return ob_errorf(err, OB_EINVAL,
                             "%s: %s='%s' is not a finite number", owner,
                             spec->name, text);
        *number = value;
        return OB_OK;
    case OB_PARAM_INT:
        if (ob_parse_double(text, &value) != OB_OK || value != floor(value) ||
            fabs(value) > 9007199254740992.0)
            return ob_errorf(err, OB_EINVAL,
                             "%s: %s='%s' is not a whole number", owner,
                             spec->name, text);
        *number = value;
        return OB_OK;
    case OB_PARAM_BOOL:
        if (strcmp(text, "1") == 0 || strcmp(text, "true") == 0)
            *number = 1.0;
        else if (strcmp(text, "0") == 0 || strcmp(text, "false") == 0)
            *number = 0.0;
        else
            return ob_errorf(err, OB_EINVAL,
                             "%s: %s='%s' is not a boolean (use 0 or 1)",
                             owner, spec->name, text);
        return OB_OK;
    case OB_PARAM_CHOICE: {
        int index = choice_index(spec->choices, text);

        if (index < 0)
            return ob_errorf(err, OB_EINVAL,
                             "%s: %s='%s' is not one of %s", owner,
                             spec->name, text, spec->choices);
        *number = (double)index;
        return OB_OK;
    }
    case OB_PARAM_LIST:
        /* Validated now so the error names the key; the owner parses the
         * numbers again into storage of its own size. */
        if (scan_list(text, NULL, SIZE_MAX) < 0)
            return ob_errorf(err, OB_EINVAL,
                             "%s: %s='%s' is not a comma-separated list of "
                             "numbers",
                             owner, spec->name, text);
        *list = text;
        return OB_OK;
    }
    return ob_errorf(err, OB_EINVAL, "%s: %s has an unknown kind", owner,
                     spec->name);
}

int ob_params_apply(const struct ob_param_spec *specs, size_t count,
                    const struct ob_setting *settings, size_t setting_count,
                    const char *owner, struct ob_param_values *values,
                    unsigned char *used, struct ob_error *err)
{
    for (size_t s = 0; s < setting_count; s++) {
        int index = ob_params_find(specs, count, settings[s].key);
        int status;

        if (index < 0) {
            char names[200];

            if (used != NULL)
                continue;
            if (count == 0)
                return ob_errorf(err, OB_EINVAL, "%s: unknown parameter "
                                 "'%s' (it takes no parameters)", owner,
                                 settings[s].key);
            ob_params_names(specs, count, names, sizeof names);
            return ob_errorf(err, OB_EINVAL, "%s: unknown parameter '%s' "
                             "(known: %s)", owner, settings[s].key, names);
        }
        status = parse_value(&specs[index], settings[s].value, owner,
                             &values->number[index], &values->text[index],
                             err);
        if (status != OB_OK)
            return status;
        if (used != NULL)
            used[s] = 1;
    }
    return OB_OK;
}

void ob_name_list_append(char *buffer, size_t size, size_t *length,
                         const char *name)
{
    const char *separator = *length > 0 ? ", " : "";
    size_t need = strlen(separator) + strlen(name);

    if (*length >= size || strstr(buffer, "...") != NULL)
        return;
    if (*length + need + strlen(", ...") >= size) {
        snprintf(buffer + *length, size - *length, "%s...", separator);
        *length = strlen(buffer);
        return;
    }
    snprintf(buffer + *length, size - *length, "%s%s", separator, name);
    *length += need;
}

void ob_params_names(const struct ob_param_spec *specs, size_t count,
                     char *buffer, size_t size)
{
    size_t length = 0;

    if (size == 0)
        return;
    buffer[0] = '\0';
    for (size_t i = 0; i < count; i++)
        ob_name_list_append(buffer, size, &length, specs[i].name);
}

void ob_format_shortest(double x, char *buffer, size_t size)
{
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(buffer, size, "%.0f", x);
        return;
    }
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buffer, size, "%.*g", digits, x);
        if (strtod(buffer, NULL) == x)
            return;
    }
}

void ob_params_format(const struct ob_param_spec *spec, double number,
                      const char *text, char *buffer, size_t size)
{
    switch (spec->kind) {
    case OB_PARAM_BOOL:
        snprintf(buffer, size, "%d", number != 0.0);
        break;
    case OB_PARAM_CHOICE: {
        const char *c = spec->choices;
        long index = (long)number;

        while (index-- > 0 && c != NULL) {
            c = strchr(c, ',');
            if (c != NULL)
                c++;
        }
        if (c == NULL) {
            snprintf(buffer, size, "?");
        } else {
            const char *comma = strchr(c, ',');
            int length = comma ? (int)(comma - c) : (int)strlen(c);

            snprintf(buffer, size, "%.*s", length, c);
        }
        break;
    }
    case OB_PARAM_LIST:
        snprintf(buffer, size, "%s", text ? text : "");
        break;
    default:
        ob_format_shortest(number, buffer, size);
        break;
    }
}

int ob_parse_list(const char *text, double *out, size_t capacity,
                  const char *what, struct ob_error *err)
{
    long count = scan_list(text, out, capacity);

    if (count == -2)
        return ob_errorf(err, OB_EINVAL, "%s: more than %zu values in '%s'",
                         what, capacity, text), -1;
    if (count < 0)
        return ob_errorf(err, OB_EINVAL,
                         "%s: '%s' is not a comma-separated list of numbers",
                         what, text ? text : ""), -1;
    return (int)count;
}
