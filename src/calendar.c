/* calendar.c - Solar Hijri dates through ICU's Persian calendar. */
#include "kariz/calendar.h"

#include <stdio.h>

#include "kariz/i18n.h"
#include "kariz/icu.h"

#define MS_PER_DAY 86400000.0

/* One calendar per thread: opening one costs far more than a conversion.
 * The zone is UTC because a kariz day is already a civil day. */
static UCalendar *persian_cal(const kz_icu_api **icu)
{
    static _Thread_local UCalendar *cal;
    if (!(*icu = kz_icu()))
        return NULL;
    if (!cal) {
        UErrorCode st = U_ZERO_ERROR;
        static const UChar utc[] = {'U', 'T', 'C', 0};
        cal = (*icu)->ucal_open(utc, -1, "fa_IR@calendar=persian", UCAL_DEFAULT, &st);
        if (U_FAILURE(st))
            cal = NULL;
        else
            (*icu)->ucal_setAttribute(cal, UCAL_LENIENT, 0);
    }
    return cal;
}

bool kz_persian_from_day(int day, int *py, int *pm, int *pd)
{
    const kz_icu_api *icu;
    UCalendar *cal = persian_cal(&icu);
    if (!cal)
        return false;
    UErrorCode st = U_ZERO_ERROR;
    icu->ucal_setMillis(cal, (UDate)day * MS_PER_DAY, &st);
    int y = icu->ucal_get(cal, UCAL_EXTENDED_YEAR, &st);
    int m = icu->ucal_get(cal, UCAL_MONTH, &st);
    int d = icu->ucal_get(cal, UCAL_DATE, &st);
    if (U_FAILURE(st))
        return false;
    *py = y;
    *pm = m + 1;
    *pd = d;
    return true;
}

bool kz_day_from_persian(int py, int pm, int pd, int *day)
{
    if (py < 1 || py > 9377 || pm < 1 || pm > 12 || pd < 1 ||
        pd > kz_persian_days_in_month(py, pm))
        return false;
    const kz_icu_api *icu;
    UCalendar *cal = persian_cal(&icu);
    if (!cal)
        return false;
    UErrorCode st = U_ZERO_ERROR;
    icu->ucal_clear(cal);
    icu->ucal_set(cal, UCAL_EXTENDED_YEAR, py);
    icu->ucal_set(cal, UCAL_MONTH, pm - 1);
    icu->ucal_set(cal, UCAL_DATE, pd);
    UDate ms = icu->ucal_getMillis(cal, &st);
    if (U_FAILURE(st))
        return false;
    double days = ms / MS_PER_DAY;
    *day = (int)(days < 0 ? days - 0.5 : days + 0.5);
    return true;
}

const char *kz_persian_unavailable(void)
{
    static char why[768];
    if (kz_icu())
        return NULL;
    snprintf(why, sizeof why, _("Solar Hijri dates need ICU, and %s"), kz_icu_failure());
    return why;
}

bool kz_persian_leap_year(int py)
{
    return kz_persian_days_in_month(py, 12) == 30;
}

int kz_persian_days_in_month(int py, int pm)
{
    if (pm < 1 || pm > 12)
        return 0;
    if (pm <= 6)
        return 31;
    if (pm <= 11)
        return 30;
    const kz_icu_api *icu;
    UCalendar *cal = persian_cal(&icu);
    if (!cal)
        return 0;
    UErrorCode st = U_ZERO_ERROR;
    icu->ucal_clear(cal);
    icu->ucal_set(cal, UCAL_EXTENDED_YEAR, py);
    icu->ucal_set(cal, UCAL_MONTH, 11);
    icu->ucal_set(cal, UCAL_DATE, 1);
    int n = icu->ucal_getLimit(cal, UCAL_DATE, UCAL_ACTUAL_MAXIMUM, &st);
    return U_FAILURE(st) ? 0 : n;
}

const char *kz_persian_month_name(int pm)
{
    static const char *const names[12] = {
        "فروردین", "اردیبهشت", "خرداد", "تیر",  "مرداد", "شهریور",
        "مهر",     "آبان",     "آذر",   "دی",   "بهمن",  "اسفند",
    };
    return pm >= 1 && pm <= 12 ? names[pm - 1] : NULL;
}
