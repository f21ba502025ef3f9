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

const char *kz_status_name(kz_status st)
{
    switch (st) {
    case KZ_OK: return "ok";
    case KZ_EUSAGE: return "usage";
    case KZ_EINVAL: return "invalid";
    case KZ_ENOTFOUND: return "not found";
    case KZ_ECONFLICT: return "conflict";
    case KZ_EREFUSED: return "refused";
    case KZ_EBUSY: return "busy";
    case KZ_EREADONLY: return "read-only";
    case KZ_EFULL: return "disk full";
    case KZ_ENEWER: return "newer database";
    case KZ_ECORRUPT: return "corrupt";
    case KZ_EIO: return "I/O error";
    case KZ_EDB: return "database error";
    case KZ_ENOMEM: return "out of memory";
    case KZ_ERULES: return "rules error";
    case KZ_EINTERRUPTED: return "interrupted";
    }
    return "error";
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
