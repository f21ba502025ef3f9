/* status.c - status codes and error messages. */
#include "kariz/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

kz_status kz_err_set(kz_err *err, kz_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void kz_err_prefix(kz_err *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[512], old[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    snprintf(err->msg, sizeof err->msg, "%.500s: %.500s", prefix, old);
}

void kz_err_clear(kz_err *err)
{
    if (err) {
        err->code = KZ_OK;
        err->msg[0] = '\0';
    }
}


int kz_status_exit(kz_status st)
{
    switch (st) {
    case KZ_OK: return 0;
    case KZ_EUSAGE: return 2;
    case KZ_ECONFLICT: return 3;
    case KZ_EREFUSED: return 4;
    case KZ_EBUSY: return 5;
    default: return 1;
    }
}
