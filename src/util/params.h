/* Named parameters given as KEY=VALUE text: the specs that describe them
 * (name, kind, default, help) and the parser shared by optimizers and
 * problems. */
#ifndef OB_PARAMS_H
#define OB_PARAMS_H

#include <stddef.h>

#include "error.h"

#define OB_MAX_PARAMS 24

enum ob_param_kind {
    OB_PARAM_REAL,   /* any finite double */
    OB_PARAM_INT,    /* a whole number, stored as double */
    OB_PARAM_BOOL,   /* 0/1 (also true/false), stored as 0.0 or 1.0 */
    OB_PARAM_CHOICE, /* one of `choices`; stored as its index */
    OB_PARAM_LIST,   /* comma-separated doubles, kept as text */
};

struct ob_param_spec {
    const char *name;
    enum ob_param_kind kind;
    double default_value;    /* REAL, INT, BOOL; CHOICE: index */
    const char *choices;     /* CHOICE: "a,b,c"; LIST: default text */
    const char *description; /* one line for `optbench list` */
};

/* One KEY=VALUE pair; both strings belong to the caller. */
struct ob_setting {
    const char *key;
    const char *value;
};

/* Parsed values, indexed like the spec array. text[i] is set only for LIST
 * parameters and points into the caller's setting or the spec's default. */
struct ob_param_values {
    double number[OB_MAX_PARAMS];
    const char *text[OB_MAX_PARAMS];
};

/* Splits "key=value" in place (the '=' becomes '\0'). Returns OB_EINVAL when
 * there is no '=' or the key is empty. */
int ob_setting_split(char *text, struct ob_setting *out, struct ob_error *err);

/* Fills values with the defaults of specs[0..count). */
void ob_params_defaults(const struct ob_param_spec *specs, size_t count,
                        struct ob_param_values *values);

/* Applies the settings whose key is in specs to values (which must already
 * hold defaults or earlier values). When `used` is NULL an unknown key is an
 * error; otherwise used[i] is set to 1 for each setting consumed and unknown
 * keys are left for the caller. `owner` names the object in messages, e.g.
 * "optimizer adam". Bad values give OB_EINVAL naming the key and value. */
int ob_params_apply(const struct ob_param_spec *specs, size_t count,
                    const struct ob_setting *settings, size_t setting_count,
                    const char *owner, struct ob_param_values *values,
                    unsigned char *used, struct ob_error *err);

/* Index of `name` in specs, or -1. */
int ob_params_find(const struct ob_param_spec *specs, size_t count,
                   const char *name);

/* Appends ", name" (or "name" first) to the list in buffer, whose length
 * *length tracks; when the rest would not fit it ends the list with "..."
 * and ignores later names. Start with buffer[0] = '\0', *length = 0. */
void ob_name_list_append(char *buffer, size_t size, size_t *length,
                         const char *name);

/* Writes the names of specs as "a, b, c" into buffer (truncated to size,
 * ending with "..."). */
void ob_params_names(const struct ob_param_spec *specs, size_t count,
                     char *buffer, size_t size);

/* Formats a parameter's current value for display: numbers with %g, bools as
 * 0/1, choices by name, lists as their text. */
void ob_params_format(const struct ob_param_spec *spec, double number,
                      const char *text, char *buffer, size_t size);

/* Writes x in its shortest exact form: whole numbers below 1e15 without
 * exponent ("10"), others as the shortest %.Ng (N = 1..17) that reads back
 * as x ("0.9", not "0.90000000000000002"). */
void ob_format_shortest(double x, char *buffer, size_t size);

/* Parses a comma-separated list of finite doubles into out[0..capacity).
 * Returns the count, or -1 with err set (naming `what`) on a bad number, an
 * empty list or more than capacity values. */
int ob_parse_list(const char *text, double *out, size_t capacity,
                  const char *what, struct ob_error *err);

/* Parses one finite double; the whole text must be consumed. */
int ob_parse_double(const char *text, double *out);

#endif
