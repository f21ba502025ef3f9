/* calendar.h - the Solar Hijri (Persian) calendar, through ICU.
 *
 * A day is kariz's day number (days since 1970-01-01, include/kariz/dates.h).
 * Conversions use ICU's Persian calendar, never hand-written arithmetic.
 * Months are 1..12 (1 = Farvardin, starting at Nowruz). */
#ifndef KARIZ_CALENDAR_H
#define KARIZ_CALENDAR_H

#include <stdbool.h>

/* The Persian date of `day`. False only if ICU cannot convert it. */
bool kz_persian_from_day(int day, int *py, int *pm, int *pd);
/* The day of a Persian date; false for a date that does not exist (month
 * outside 1..12, day outside the month, year outside 1..9377). */
bool kz_day_from_persian(int py, int pm, int pd, int *day);
/* Days in Persian month pm of year py (31, 30, or 29/30 for Esfand); 0 for
 * a bad month. */
int kz_persian_days_in_month(int py, int pm);
bool kz_persian_leap_year(int py);
/* The month's Persian name (فروردین .. اسفند), or NULL for a bad month. */
const char *kz_persian_month_name(int pm);
/* NULL when the calendar can be used; else why not (ICU, loaded at its
 * first use, could not be), as a message to show. */
const char *kz_persian_unavailable(void);

#endif
