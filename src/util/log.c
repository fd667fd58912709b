/* Human-readable messages on stderr: see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static enum ob_log_level current_level = OB_LOG_INFO;

void ob_log_set_level(enum ob_log_level level)
{
    current_level = level;
}

void ob_log(enum ob_log_level level, const char *format, ...)
{
    char line[1024];
    int prefix;
    va_list args;

    if (level > current_level)
        return;
    prefix = snprintf(line, sizeof line, "%s: %s", OB_PROGRAM_NAME,
                      level == OB_LOG_WARN ? "warning: " : "");
    va_start(args, format);
    vsnprintf(line + prefix, sizeof line - (size_t)prefix, format, args);
    va_end(args);
    fprintf(stderr, "%s\n", line);
}
