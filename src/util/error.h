/* Error reporting shared by the library: status codes plus a caller-owned
 * message buffer, so threads never share error state. */
#ifndef OB_ERROR_H
#define OB_ERROR_H

enum ob_status {
    OB_OK = 0,
    OB_EINVAL = -1, /* bad name, value or combination given by the user */
    OB_ENOMEM = -2, /* allocation failed */
    OB_EIO = -3,    /* a file could not be read or written */
    OB_EDATA = -4,  /* a data file is malformed */
    OB_EINTERRUPTED = -5, /* stopped on request; partial work kept */
    /* An optional data set (Fashion-MNIST) is not installed: a suite
     * skips the problems that need it, one run stops. */
    OB_EMISSING = -6,
};

#define OB_ERROR_MESSAGE_SIZE 256

struct ob_error {
    int status;
    char message[OB_ERROR_MESSAGE_SIZE];
};

/* Stores status and the formatted message in err (which may be NULL) and
 * returns status, so callers can write `return ob_errorf(err, ...)`.
 * Messages are lowercase, name the thing and the place, no final period. */
int ob_errorf(struct ob_error *err, int status, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Resets err to OB_OK with an empty message. */
void ob_error_clear(struct ob_error *err);

#endif
