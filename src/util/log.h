/* Human-readable messages on stderr, for the CLI only: library code reports
 * through return values. Levels: error, warn, info, debug. */
#ifndef OB_LOG_H
#define OB_LOG_H

#define OB_PROGRAM_NAME "optbench"

enum ob_log_level {
    OB_LOG_ERROR,
    OB_LOG_WARN,
    OB_LOG_INFO,
    OB_LOG_DEBUG,
};

/* Messages above this level are dropped; the default is OB_LOG_INFO. */
void ob_log_set_level(enum ob_log_level level);

/* Writes "optbench: " + message + newline to stderr with one stdio call, so
 * lines from different threads never interleave. */
void ob_log(enum ob_log_level level, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#endif
