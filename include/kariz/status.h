/* status.h - status codes and error messages shared by every module.
 *
 * A function that can fail returns a kz_status and, when it fails, fills the
 * caller's kz_err with a one-line message that names what was wrong (file,
 * line, field, argument...). kz_err is a plain value: no allocation. */
#ifndef KARIZ_STATUS_H
#define KARIZ_STATUS_H

#include <stddef.h>

typedef enum kz_status {
    KZ_OK = 0,
    KZ_EUSAGE,    /* bad command-line usage (exit status 2) */
    KZ_EINVAL,    /* a malformed value, unknown field or stage */
    KZ_ENOTFOUND, /* no such lead, file or record */
    KZ_ECONFLICT, /* optimistic version check failed: someone else saved first */
    KZ_EREFUSED,  /* a stage's entry criteria refused a move */
    KZ_EBUSY,     /* the database stayed locked past the busy timeout */
    KZ_EREADONLY, /* the database or its directory is read-only */
    KZ_EFULL,     /* disk full */
    KZ_ENEWER,    /* database written by a newer kariz: refused, untouched */
    KZ_ECORRUPT,  /* not a database, or a damaged one */
    KZ_EIO,       /* I/O error */
    KZ_EGONE,     /* the database server cannot be reached: nothing was changed */
    KZ_EDB,       /* any other database error */
    KZ_ENOMEM,
    KZ_ERULES,    /* rules file failed to load */
    KZ_EINTERRUPTED
} kz_status;

typedef struct kz_err {
    kz_status code;
    char msg[1024];
} kz_err;

/* Sets err (if not NULL) and returns code. printf-style message. */
kz_status kz_err_set(kz_err *err, kz_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes the existing message with "prefix: ". */
void kz_err_prefix(kz_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kz_err_clear(kz_err *err);
/* Process exit status for a status: 0 ok, 2 usage, 1 otherwise (3 conflict,
 * 4 refused by entry criteria, 5 busy/locked). */
int kz_status_exit(kz_status st);

#endif
