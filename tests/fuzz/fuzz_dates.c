/* Fuzz target: arbitrary bytes as a human date, an ISO day and a time.
 * Checks that a parsed date formats to a valid ISO day and that an error
 * carries a printable message, in the Gregorian and the Persian calendar,
 * and that a period parses to a first day no later than its last. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/prefs.h"
#include "kariz/status.h"
#include "kariz/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = kz_xstrndup((const char *)data, size); /* owned here, freed below */
    static const int todays[] = {20781 /* 2026-11-24 */, 20788 /* a Monday */, 19782, -719162,
                                 2932896};
    /* both calendars: Persian forms read the same, periods and "next
     * month" follow the calendar */
    static int calendar;
    setenv("KARIZ_CALENDAR", calendar ? "persian" : "gregorian", 1);
    kz_prefs_reset();
    calendar = !calendar;
    for (size_t i = 0; i < sizeof todays / sizeof todays[0]; i++) {
        int from, to;
        kz_err perr;
        if (kz_period_parse(s, todays[i], &from, &to, NULL, &perr) == KZ_OK) {
            if (from > to)
                abort();
        } else if (strncmp(perr.msg, "cannot read period \"", 20) != 0 ||
                   !kz_utf8_valid(perr.msg, strlen(perr.msg))) {
            abort();
        }
        kz_err err;
        int day = 0;
        kz_status st = kz_date_parse(s, todays[i], &day, &err);
        if (st == KZ_OK) {
            char iso[11];
            int back;
            kz_day_format(day, iso);
            if (kz_day_parse_iso(iso, &back) != KZ_OK || back != day)
                abort();
            char rel[KZ_DATE_TEXT], shown[KZ_DATE_TEXT];
            kz_day_relative(day, todays[i], rel, sizeof rel);
            kz_day_show(day, shown, sizeof shown);
            if (!kz_utf8_valid(rel, strlen(rel)) || !kz_utf8_valid(shown, strlen(shown)))
                abort();
        } else {
            if (st != KZ_EINVAL || err.code != KZ_EINVAL)
                abort();
            if (strncmp(err.msg, "cannot read date \"", 18) != 0)
                abort();
            for (const char *p = err.msg; *p; p++)
                if ((unsigned char)*p < 0x20 || *p == 0x7f)
                    abort();
            if (!kz_utf8_valid(err.msg, strlen(err.msg)))
                abort();
        }
    }
    int day;
    if (kz_day_parse_iso(s, &day) == KZ_OK) {
        char iso[11];
        kz_day_format(day, iso);
        if (strcmp(iso, s) != 0)
            abort();
    }
    int64_t t;
    if (kz_time_parse(s, &t) == KZ_OK) {
        char out[21];
        kz_time_format_iso(t, out);
        kz_time_format(t, out);
    }
    free(s);
    return 0;
}
