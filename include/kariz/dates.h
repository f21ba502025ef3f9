/* dates.h - calendar days and human dates.
 *
 * A day is an int: days since 1970-01-01 in the user's time zone. The same
 * parser serves the CLI, the board and triage. */
#ifndef KARIZ_DATES_H
#define KARIZ_DATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kariz/status.h"

/* Today in the local time zone (honours $TZ), from a Unix time. */
int kz_day_from_time(int64_t t);
int kz_today(int64_t now);
/* The Unix time of local midnight starting `day`. */
int64_t kz_day_start(int day);
/* From/to a civil date (proleptic Gregorian); kz_day_from_ymd returns false
 * for an invalid date or a year outside 1..9999. */
bool kz_day_from_ymd(int y, int m, int d, int *day);
void kz_day_to_ymd(int day, int *y, int *m, int *d);
int kz_day_weekday(int day); /* 0 = Monday .. 6 = Sunday */
/* Days in month m (1..12) of year y; 0 for a bad month. */
int kz_days_in_month(int y, int m);
/* `day` moved by `months` calendar months, the day of month clamped to the
 * target month's length (Jan 31 + 1 month = Feb 28 or 29). */
int kz_day_add_months(int day, int months);
/* "YYYY-MM-DD" (out needs 11 bytes). */
void kz_day_format(int day, char *out);
/* Strict YYYY-MM-DD. */
kz_status kz_day_parse_iso(const char *s, int *day);
/* A date that names its day, as a date field takes it: YYYY-MM-DD, or a
 * Solar Hijri Y/M/D or Y-M-D with a year 1300..1499 (1405/9/15), in Latin,
 * Persian or Arabic-Indic digits. KZ_EINVAL otherwise. */
kz_status kz_day_parse_date(const char *s, int *day);

/* Parses a human date relative to `today`:
 *   today, tomorrow, yesterday, mon..sun / monday..sunday (the next such day,
 *   never today), next week (the next week's first day: Monday, Saturday in
 *   the Persian calendar), next month (1st of next month, of the calendar
 *   in force), +3d, +2w, +1m (months of the calendar in force), in 3 days,
 *   in 2 weeks, in 1 month, YYYY-MM-DD, and "end of month" / "eom".
 *   In Persian, whatever the calendar: امروز فردا پس‌فردا دیروز, the
 *   weekdays شنبه .. جمعه (with or without the non-joiner or a space),
 *   "۳ روز دیگر" (روز/هفته/ماه, دیگر/بعد), هفته بعد/آینده, ماه بعد/آینده,
 *   آخر ماه, Solar Hijri dates Y/M/D or Y-M-D with a year 1300..1499
 *   (1405/9/15; Y/M/D with another year is Gregorian), and "15 آذر [1405]"
 *   or "15 azar [1405]" (without a year the next such date, today
 *   included). Persian and Arabic-Indic digits read as Latin; Arabic yeh
 *   and kaf as their Persian forms. Case-insensitive, surrounding spaces
 *   ignored.
 * KZ_EINVAL with a message that quotes the input and lists the forms. */
kz_status kz_date_parse(const char *s, int today, int *day, kz_err *err);

/* Parses a report period relative to `today`, reading backwards (a
 * weekday is the last one, today included), in the calendar in force
 * (Persian months, seasons as quarters, Nowruz years and Saturday weeks in
 * the Persian one), with the Persian words (این هفته, ماه قبل, فصل گذشته,
 * امسال, پارسال, "۷ روز اخیر", "۳ روز پیش") and the Persian day forms:
 *   one day: today, yesterday, mon..sun / monday..sunday, -3d, -2w, -1m,
 *     3 days ago, 2 weeks ago, 1 month ago, YYYY-MM-DD, and the forward
 *     forms of kz_date_parse (+3d, tomorrow, end of month...):
 *     *from = *to = that day and *one_day = true;
 *   a period: this week / last week (Monday to Sunday), this / last month,
 *     quarter or year (the whole calendar period), last N days, last N
 *     weeks, last N months (the N days, 7N days or N months ending today):
 *     its first and last day and *one_day = false (one_day may be NULL).
 * Case-insensitive, spaces as for kz_date_parse. KZ_EINVAL with a message
 * that quotes the input and lists the forms. */
kz_status kz_period_parse(const char *s, int today, int *from, int *to, bool *one_day,
                          kz_err *err);

/* The same, read as a whole period: a day alone runs from that day to
 * today ("-7d": the last seven days and today; "mon": since Monday). What
 * `kariz report --period` and the report screen's period filter read. */
kz_status kz_period_span(const char *s, int today, int *from, int *to, kz_err *err);

/* Dates and times for people, in the calendar and digits in force
 * (include/kariz/prefs.h). Never for JSON, CSV, events or anything a
 * script reads: those keep kz_day_format / kz_time_format_iso.
 * KZ_DATE_TEXT bytes hold any of them. */
#define KZ_DATE_TEXT 64
/* The full date: "2026-12-03" in the Gregorian calendar, "۱۲ آذر ۱۴۰۵"
 * (day, month name, year) in the Persian one. */
void kz_day_show(int day, char *out, size_t outlen);
/* Where room is tight: as kz_day_show, but in the Persian calendar without
 * the year when it is today's year ("۱۲ آذر"), and in another year as
 * numbers ("۱۴۰۶/۰۱/۰۱", no wider than an ISO date). */
void kz_day_show_short(int day, int today, char *out, size_t outlen);
/* A date as a prompt offers it for editing, in a form kz_date_parse reads
 * back: "2026-12-06", or "1405/09/15" in the Persian calendar (in the
 * digits in force). */
void kz_day_input(int day, char *out, size_t outlen);
/* A moment: "2026-12-03 14:30", or "۱۲ آذر ۱۴۰۵ ۱۴:۳۰" (local time). */
void kz_time_show(int64_t t, char *out, size_t outlen);
/* The widest kz_time_show text, in display columns (16, or 23 in the
 * Persian calendar: "۳۱ اردیبهشت ۱۴۰۵ ۲۳:۵۹"), to line up columns. */
int kz_time_show_cols(void);
/* Short relative form for display: "today", "tomorrow", "in 3d", "2d ago",
 * and beyond two weeks the date (kz_day_show_short: "2026-12-01", "۱۰ آذر"),
 * in the digits in force. */
void kz_day_relative(int day, int today, char *out, size_t outlen);
/* As kz_day_relative, but counted in days however far ("32d ago", "in
 * 45d"), never the date: where the date is shown beside it. */
void kz_day_ago(int day, int today, char *out, size_t outlen);
/* Format a Unix time as "YYYY-MM-DD HH:MM" local (out needs 17 bytes). */
void kz_time_format(int64_t t, char *out);
/* ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ" (out needs 21 bytes). */
void kz_time_format_iso(int64_t t, char *out);
/* Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]", "YYYY-MM-DDTHH:MM[:SS][Z]"
 * (local unless Z) into Unix seconds. */
kz_status kz_time_parse(const char *s, int64_t *out);

#endif
