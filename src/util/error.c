/* Error reporting: see error.h. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

int ob_errorf(struct ob_error *err, int status, const char *format, ...)
{
    va_list args;

    if (err == NULL)
        return status;
    err->status = status;
    va_start(args, format);
    vsnprintf(err->message, sizeof err->message, format, args);
    va_end(args);
    return status;
}

void ob_error_clear(struct ob_error *err)
{
    if (err == NULL)
        return;
    err->status = OB_OK;
    err->message[0] = '\0';
}
