/* Tests for dates.c: civil day math, local days under explicit time zones,
 * the human date parser and its error messages, formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "kariz/dates.h"
#include "kariz/prefs.h"
#include "kariz/status.h"

static void set_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

/* The day of an ISO date the test itself writes; fails the test if bad. */
static int D(const char *iso)
{
    int day = 0;
    if (kz_day_parse_iso(iso, &day) != KZ_OK)
        fail_msg("bad date in test: %s", iso);
    return day;
}

/* ---- civil math ------------------------------------------------------------ */

static void test_known_days(void **state)
{
    (void)state;
    int day;
    assert_true(kz_day_from_ymd(1970, 1, 1, &day));
    assert_int_equal(day, 0);
    assert_true(kz_day_from_ymd(1969, 12, 31, &day));
    assert_int_equal(day, -1);
    assert_true(kz_day_from_ymd(2000, 3, 1, &day));
    assert_int_equal(day, 11017);
    assert_true(kz_day_from_ymd(2026, 11, 24, &day));
    assert_int_equal(day, 20781);
    assert_true(kz_day_from_ymd(1, 1, 1, &day));
    assert_int_equal(day, -719162);
    assert_true(kz_day_from_ymd(9999, 12, 31, &day));
    assert_int_equal(day, 2932896);
}

static void test_invalid_ymd(void **state)
{
    (void)state;
    int day = 42;
    assert_false(kz_day_from_ymd(2026, 2, 29, &day));
    assert_false(kz_day_from_ymd(2026, 2, 30, &day));
    assert_false(kz_day_from_ymd(2100, 2, 29, &day));
    assert_false(kz_day_from_ymd(2026, 4, 31, &day));
    assert_false(kz_day_from_ymd(2026, 13, 1, &day));
    assert_false(kz_day_from_ymd(2026, 0, 1, &day));
    assert_false(kz_day_from_ymd(2026, 1, 0, &day));
    assert_false(kz_day_from_ymd(0, 1, 1, &day));
    assert_false(kz_day_from_ymd(10000, 1, 1, &day));
    assert_int_equal(day, 42);
    assert_true(kz_day_from_ymd(2024, 2, 29, &day));
    assert_true(kz_day_from_ymd(2000, 2, 29, &day));
}

/* Every day from 0001-01-01 to 9999-12-31 round-trips, and consecutive days
 * step through the calendar one day at a time. */
static void test_round_trip_all_days(void **state)
{
    (void)state;
    int py = 1, pm = 1, pd = 1;
    for (int day = -719162; day <= 2932896; day++) {
        int y, m, d, back;
        kz_day_to_ymd(day, &y, &m, &d);
        if (day > -719162) {
            bool next_in_month = y == py && m == pm && d == pd + 1;
            bool next_month = d == 1 && pd == kz_days_in_month(py, pm) &&
                              ((y == py && m == pm + 1) || (y == py + 1 && m == 1 && pm == 12));
            if (!next_in_month && !next_month)
                fail_msg("day %d: %d-%d-%d after %d-%d-%d", day, y, m, d, py, pm, pd);
        }
        if (!kz_day_from_ymd(y, m, d, &back) || back != day)
            fail_msg("day %d does not round-trip", day);
        py = y;
        pm = m;
        pd = d;
    }
    assert_int_equal(py, 9999);
}

static void test_days_in_month(void **state)
{
    (void)state;
    static const int want[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; m++)
        assert_int_equal(kz_days_in_month(2026, m), want[m - 1]);
    assert_int_equal(kz_days_in_month(2024, 2), 29);
    assert_int_equal(kz_days_in_month(2000, 2), 29);
    assert_int_equal(kz_days_in_month(1900, 2), 28);
    assert_int_equal(kz_days_in_month(2100, 2), 28);
    assert_int_equal(kz_days_in_month(2026, 0), 0);
    assert_int_equal(kz_days_in_month(2026, 13), 0);
}

static void test_weekday(void **state)
{
    (void)state;
    assert_int_equal(kz_day_weekday(0), 3);  /* 1970-01-01 Thursday */
    assert_int_equal(kz_day_weekday(-1), 2); /* 1969-12-31 Wednesday */
    assert_int_equal(kz_day_weekday(D("2026-11-24")), 1);
    assert_int_equal(kz_day_weekday(D("2026-11-30")), 0);
    assert_int_equal(kz_day_weekday(D("2026-11-29")), 6);
    assert_int_equal(kz_day_weekday(D("0001-01-01")), 0);
    assert_int_equal(kz_day_weekday(D("2000-03-01")), 2);
    for (int day = -30; day < 30; day++)
        assert_int_equal(kz_day_weekday(day + 1), (kz_day_weekday(day) + 1) % 7);
}

struct months_case {
    const char *from;
    int months;
    const char *want;
};

static const struct months_case months_cases[] = {
    {"2026-01-31", 1, "2026-02-28"},  {"2024-01-31", 1, "2024-02-29"},
    {"2026-03-31", 1, "2026-04-30"},  {"2026-12-15", 1, "2027-01-15"},
    {"2026-12-31", 2, "2027-02-28"},  {"2024-02-29", 12, "2025-02-28"},
    {"2024-02-29", 48, "2028-02-29"}, {"2026-03-31", -1, "2026-02-28"},
    {"2026-01-15", -1, "2025-12-15"}, {"2026-05-10", 0, "2026-05-10"},
    {"2026-05-10", -17, "2024-12-10"},
};

static void test_add_months(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof months_cases / sizeof months_cases[0]; i++) {
        char out[11];
        kz_day_format(kz_day_add_months(D(months_cases[i].from), months_cases[i].months), out);
        if (strcmp(out, months_cases[i].want) != 0)
            fail_msg("%s %+d months: got %s", months_cases[i].from, months_cases[i].months, out);
    }
}

static void test_format_and_parse_iso(void **state)
{
    (void)state;
    char out[11];
    kz_day_format(0, out);
    assert_string_equal(out, "1970-01-01");
    kz_day_format(-719162, out);
    assert_string_equal(out, "0001-01-01");
    kz_day_format(2932896, out);
    assert_string_equal(out, "9999-12-31");

    int day = 7;
    assert_int_equal(kz_day_parse_iso("2026-11-24", &day), KZ_OK);
    assert_int_equal(day, 20781);
    static const char *const bad[] = {
        "",           "2026-11-2",   "2026-11-240", "2026/11/24",  " 2026-11-24", "2026-11-24 ",
        "2026-02-30", "2026-13-01",  "2026-00-10",  "2025-02-29",  "0000-01-01",  "2026-1a-01",
        "+2026-1-01", "20261124",    "2026-11-24x", "tomorrow",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        day = 7;
        if (kz_day_parse_iso(bad[i], &day) != KZ_EINVAL)
            fail_msg("\"%s\" accepted", bad[i]);
        assert_int_equal(day, 7);
    }
}

/* ---- the human parser --------------------------------------------------------- */

struct parse_case {
    const char *today;
    const char *in;
    const char *want;
};

static const struct parse_case parse_cases[] = {
    /* 2026-11-24 is a Tuesday. */
    {"2026-11-24", "today", "2026-11-24"},
    {"2026-11-24", "  TODAY  ", "2026-11-24"},
    {"2026-11-24", "tomorrow", "2026-11-25"},
    {"2026-11-24", "Tomorrow", "2026-11-25"},
    {"2026-11-24", "yesterday", "2026-11-23"},
    {"2026-12-31", "tomorrow", "2027-01-01"},
    {"2027-01-01", "yesterday", "2026-12-31"},
    {"2024-02-28", "tomorrow", "2024-02-29"},
    {"2024-03-01", "yesterday", "2024-02-29"},
    {"2026-03-01", "yesterday", "2026-02-28"},
    /* Weekdays: the next such day, never today. */
    {"2026-11-24", "mon", "2026-11-30"},
    {"2026-11-24", "tue", "2026-12-01"},
    {"2026-11-24", "tuesday", "2026-12-01"},
    {"2026-11-24", "wed", "2026-11-25"},
    {"2026-11-24", "Wednesday", "2026-11-25"},
    {"2026-11-24", "thu", "2026-11-26"},
    {"2026-11-24", "thursday", "2026-11-26"},
    {"2026-11-24", "fri", "2026-11-27"},
    {"2026-11-24", "FRIDAY", "2026-11-27"},
    {"2026-11-24", "sat", "2026-11-28"},
    {"2026-11-24", "saturday", "2026-11-28"},
    {"2026-11-24", "sun", "2026-11-29"},
    {"2026-11-24", "sunday", "2026-11-29"},
    {"2026-11-30", "mon", "2026-12-07"},
    {"2026-11-30", "monday", "2026-12-07"},
    {"2026-11-29", "sun", "2026-12-06"},
    {"2026-11-29", "mon", "2026-11-30"},
    {"2026-12-30", "fri", "2027-01-01"},
    /* next week = next Monday; next month = the 1st of next month. */
    {"2026-11-24", "next week", "2026-11-30"},
    {"2026-11-24", "Next  Week", "2026-11-30"},
    {"2026-11-30", "next week", "2026-12-07"},
    {"2026-11-29", "next week", "2026-11-30"},
    {"2026-12-29", "next week", "2027-01-04"},
    {"2026-11-24", "next month", "2026-12-01"},
    {"2026-12-31", "next month", "2027-01-01"},
    {"2026-01-31", "next month", "2026-02-01"},
    {"2026-02-01", "next month", "2026-03-01"},
    /* Offsets. */
    {"2026-11-24", "+0d", "2026-11-24"},
    {"2026-11-24", "+3d", "2026-11-27"},
    {"2026-11-24", "+3D", "2026-11-27"},
    {"2026-12-30", "+3d", "2027-01-02"},
    {"2024-02-27", "+3d", "2024-03-01"},
    {"2026-02-27", "+3d", "2026-03-02"},
    {"2026-11-24", "+2w", "2026-12-08"},
    {"2026-12-25", "+2w", "2027-01-08"},
    {"2026-11-24", "+1m", "2026-12-24"},
    {"2026-01-31", "+1m", "2026-02-28"},
    {"2024-01-31", "+1m", "2024-02-29"},
    {"2026-03-31", "+1m", "2026-04-30"},
    {"2026-12-31", "+1m", "2027-01-31"},
    {"2026-10-31", "+4m", "2027-02-28"},
    {"2024-02-29", "+12m", "2025-02-28"},
    {"2026-11-24", "+365d", "2027-11-24"},
    {"2026-11-24", "in 3 days", "2026-11-27"},
    {"2026-11-24", "in 1 day", "2026-11-25"},
    {"2026-11-24", "In  3   Days", "2026-11-27"},
    {"2026-11-24", "in 2 weeks", "2026-12-08"},
    {"2026-11-24", "in 1 week", "2026-12-01"},
    {"2026-11-24", "in 1 month", "2026-12-24"},
    {"2026-01-31", "in 1 month", "2026-02-28"},
    {"2026-01-31", "in 13 months", "2027-02-28"},
    {"2026-11-24", "in 3days", "2026-11-27"},
    /* End of month. */
    {"2026-11-24", "eom", "2026-11-30"},
    {"2026-11-24", "EOM", "2026-11-30"},
    {"2026-11-24", "end of month", "2026-11-30"},
    {"2026-02-10", "eom", "2026-02-28"},
    {"2024-02-10", "eom", "2024-02-29"},
    {"2100-02-01", "eom", "2100-02-28"},
    {"2000-02-01", "end of month", "2000-02-29"},
    {"2026-12-31", "eom", "2026-12-31"},
    {"2026-01-01", "eom", "2026-01-31"},
    /* Explicit dates. */
    {"2026-11-24", "2026-02-28", "2026-02-28"},
    {"2026-11-24", "2024-02-29", "2024-02-29"},
    {"2026-11-24", "2000-02-29", "2000-02-29"},
    {"2026-11-24", " 2027-01-01\t", "2027-01-01"},
    {"2026-11-24", "1999-12-31", "1999-12-31"},
};

static void test_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const struct parse_case *c = &parse_cases[i];
        kz_err err;
        memset(&err, 0, sizeof err);
        int day = -99;
        kz_status st = kz_date_parse(c->in, D(c->today), &day, &err);
        if (st != KZ_OK)
            fail_msg("\"%s\" on %s: %s", c->in, c->today, err.msg);
        char out[11];
        kz_day_format(day, out);
        if (strcmp(out, c->want) != 0)
            fail_msg("\"%s\" on %s: got %s, want %s", c->in, c->today, out, c->want);
    }
}

/* Every weekday name asked on every day of a week lands 1..7 days ahead on
 * that weekday. */
static void test_weekday_names_all_days(void **state)
{
    (void)state;
    static const char *const names[7][2] = {
        {"mon", "monday"}, {"tue", "tuesday"},   {"wed", "wednesday"}, {"thu", "thursday"},
        {"fri", "friday"}, {"sat", "saturday"}, {"sun", "sunday"},
    };
    for (int today = D("2026-11-23"); today < D("2026-11-30"); today++) {
        for (int w = 0; w < 7; w++) {
            for (int form = 0; form < 2; form++) {
                int day;
                assert_int_equal(kz_date_parse(names[w][form], today, &day, NULL), KZ_OK);
                assert_int_equal(kz_day_weekday(day), w);
                assert_true(day > today && day <= today + 7);
            }
        }
    }
}

#define EXPECTED                                                                                   \
    "expected today, tomorrow, a weekday (mon..sun), next week, +3d, in 2 weeks or YYYY-MM-DD, " \
    "or in Persian فردا, پس‌فردا, شنبه, ۳ روز دیگر, هفته بعد, ماه بعد, ۱۵ آذر or ۱۴۰۵/۰۹/۱۵"

struct bad_case {
    const char *in;
    const char *msg;
};

static const struct bad_case bad_cases[] = {
    {"fri day", "cannot read date \"fri day\": " EXPECTED},
    {"", "cannot read date \"\": " EXPECTED},
    {"   ", "cannot read date \"   \": " EXPECTED},
    {"tomorow", "cannot read date \"tomorow\": " EXPECTED},
    {"todayx", "cannot read date \"todayx\": " EXPECTED},
    {"fr", "cannot read date \"fr\": " EXPECTED},
    {"frid", "cannot read date \"frid\": " EXPECTED},
    {"next", "cannot read date \"next\": " EXPECTED},
    {"next year", "cannot read date \"next year\": " EXPECTED},
    {"+3", "cannot read date \"+3\": " EXPECTED},
    {"+d", "cannot read date \"+d\": " EXPECTED},
    {"+3x", "cannot read date \"+3x\": " EXPECTED},
    {"+3 d", "cannot read date \"+3 d\": " EXPECTED},
    {"+-3d", "cannot read date \"+-3d\": " EXPECTED},
    {"-3d", "cannot read date \"-3d\": " EXPECTED},
    {"+3dd", "cannot read date \"+3dd\": " EXPECTED},
    {"in 3", "cannot read date \"in 3\": " EXPECTED},
    {"in three days", "cannot read date \"in three days\": " EXPECTED},
    {"in 3 years", "cannot read date \"in 3 years\": " EXPECTED},
    {"in days", "cannot read date \"in days\": " EXPECTED},
    {"+1234567d", "cannot read date \"+1234567d\": " EXPECTED},
    {"2026-1-1", "cannot read date \"2026-1-1\": " EXPECTED},
    {"2026-11-2x", "cannot read date \"2026-11-2x\": " EXPECTED},
    {"2026-02-30", "cannot read date \"2026-02-30\": 2026-02 has days 01..28"},
    {"2025-02-29", "cannot read date \"2025-02-29\": 2025-02 has days 01..28"},
    {"2100-02-29", "cannot read date \"2100-02-29\": 2100-02 has days 01..28"},
    {"2026-04-31", "cannot read date \"2026-04-31\": 2026-04 has days 01..30"},
    {"2026-01-00", "cannot read date \"2026-01-00\": 2026-01 has days 01..31"},
    {"2026-13-01", "cannot read date \"2026-13-01\": the month must be 01..12"},
    {"2026-00-01", "cannot read date \"2026-00-01\": the month must be 01..12"},
    {"0000-01-01", "cannot read date \"0000-01-01\": the year must be 0001..9999"},
    {"+999999m", "cannot read date \"+999999m\": the date falls outside the years 0001..9999"},
    {"in 999999 weeks",
     "cannot read date \"in 999999 weeks\": the date falls outside the years 0001..9999"},
    /* Control characters in the input are shown, not sent to the terminal. */
    {"\x1b[2J", "cannot read date \"\xe2\x90\x9b[2J\": " EXPECTED},
    /* Long input is cut in the message. */
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "cannot read date \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xe2\x80\xa6\": " EXPECTED},
};

static void test_parse_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        kz_err err;
        memset(&err, 0, sizeof err);
        int day = -99;
        kz_status st = kz_date_parse(bad_cases[i].in, D("2026-11-24"), &day, &err);
        if (st != KZ_EINVAL)
            fail_msg("\"%s\" accepted", bad_cases[i].in);
        assert_int_equal(err.code, KZ_EINVAL);
        assert_int_equal(day, -99);
        if (strcmp(err.msg, bad_cases[i].msg) != 0)
            fail_msg("\"%s\": message %s", bad_cases[i].in, err.msg);
    }
}

static void test_parse_null_err(void **state)
{
    (void)state;
    int day;
    assert_int_equal(kz_date_parse("nope", 0, &day, NULL), KZ_EINVAL);
    assert_int_equal(kz_date_parse(NULL, 0, &day, NULL), KZ_EINVAL);
}

/* ---- report periods, read backwards ------------------------------------------------ */

static const struct period_case {
    const char *today, *in, *from, *to;
    bool one_day;
} period_cases[] = {
    /* 2026-11-24 is a Tuesday */
    {"2026-11-24", "today", "2026-11-24", "2026-11-24", true},
    {"2026-11-24", "yesterday", "2026-11-23", "2026-11-23", true},
    {"2026-11-24", "mon", "2026-11-23", "2026-11-23", true},
    {"2026-11-24", "Monday", "2026-11-23", "2026-11-23", true},
    {"2026-11-24", "tue", "2026-11-24", "2026-11-24", true}, /* today is one */
    {"2026-11-24", "wed", "2026-11-18", "2026-11-18", true},
    {"2026-11-24", "sun", "2026-11-22", "2026-11-22", true},
    {"2026-11-24", "-7d", "2026-11-17", "2026-11-17", true},
    {"2026-11-24", "-2w", "2026-11-10", "2026-11-10", true},
    {"2026-11-24", "-1m", "2026-10-24", "2026-10-24", true},
    {"2026-03-31", "-1m", "2026-02-28", "2026-02-28", true},
    {"2026-11-24", "3 days ago", "2026-11-21", "2026-11-21", true},
    {"2026-11-24", "1 week  ago", "2026-11-17", "2026-11-17", true},
    {"2026-11-24", "2 months ago", "2026-09-24", "2026-09-24", true},
    {"2026-11-24", "2026-11-01", "2026-11-01", "2026-11-01", true},
    {"2026-11-24", "+3d", "2026-11-27", "2026-11-27", true}, /* forward forms still read */
    {"2026-11-24", "end of month", "2026-11-30", "2026-11-30", true},
    {"2026-11-24", "this week", "2026-11-23", "2026-11-29", false},
    {"2026-11-24", "last week", "2026-11-16", "2026-11-22", false},
    {"2026-11-23", "last week", "2026-11-16", "2026-11-22", false}, /* on a Monday */
    {"2026-11-29", "last week", "2026-11-16", "2026-11-22", false}, /* on a Sunday */
    {"2026-01-02", "last week", "2025-12-22", "2025-12-28", false},
    {"2026-11-24", "this month", "2026-11-01", "2026-11-30", false},
    {"2026-11-24", "LAST MONTH", "2026-10-01", "2026-10-31", false},
    {"2026-03-15", "last month", "2026-02-01", "2026-02-28", false},
    {"2026-01-15", "last month", "2025-12-01", "2025-12-31", false},
    {"2026-11-24", "this quarter", "2026-10-01", "2026-12-31", false},
    {"2026-11-24", "last quarter", "2026-07-01", "2026-09-30", false},
    {"2026-02-10", "last quarter", "2025-10-01", "2025-12-31", false},
    {"2026-11-24", "this year", "2026-01-01", "2026-12-31", false},
    {"2026-11-24", "last year", "2025-01-01", "2025-12-31", false},
    {"2024-03-10", "last year", "2023-01-01", "2023-12-31", false},
    {"2026-11-24", "last 7 days", "2026-11-18", "2026-11-24", false},
    {"2026-11-24", "last 1 day", "2026-11-24", "2026-11-24", false},
    {"2026-11-24", "last 2 weeks", "2026-11-11", "2026-11-24", false},
    {"2026-11-24", "last 3 months", "2026-08-25", "2026-11-24", false},
};

static void test_period_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof period_cases / sizeof period_cases[0]; i++) {
        const struct period_case *c = &period_cases[i];
        kz_err err;
        memset(&err, 0, sizeof err);
        int from = -99, to = -99;
        bool one = !c->one_day;
        if (kz_period_parse(c->in, D(c->today), &from, &to, &one, &err) != KZ_OK)
            fail_msg("\"%s\" on %s: %s", c->in, c->today, err.msg);
        char f[11], t[11];
        kz_day_format(from, f);
        kz_day_format(to, t);
        if (strcmp(f, c->from) != 0 || strcmp(t, c->to) != 0 || one != c->one_day)
            fail_msg("\"%s\" on %s: got %s..%s%s, want %s..%s%s", c->in, c->today, f, t,
                     one ? " (a day)" : "", c->from, c->to, c->one_day ? " (a day)" : "");
    }
}

/* Every weekday name asked on every day of a week lands 0..6 days back on
 * that weekday. */
static void test_period_weekdays_back(void **state)
{
    (void)state;
    static const char *const names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (int today = D("2026-11-23"); today < D("2026-11-30"); today++) {
        for (int w = 0; w < 7; w++) {
            int from, to;
            assert_int_equal(kz_period_parse(names[w], today, &from, &to, NULL, NULL), KZ_OK);
            assert_int_equal(from, to);
            assert_true(from <= today && from > today - 7);
            assert_int_equal(kz_day_weekday(from), w);
        }
    }
}

/* As a whole period, a day alone runs to today; a period keeps its end. */
static void test_period_span(void **state)
{
    (void)state;
    int today = D("2026-11-24"), from, to;
    assert_int_equal(kz_period_span("-7d", today, &from, &to, NULL), KZ_OK);
    assert_int_equal(from, D("2026-11-17"));
    assert_int_equal(to, today);
    assert_int_equal(kz_period_span("mon", today, &from, &to, NULL), KZ_OK);
    assert_int_equal(from, D("2026-11-23"));
    assert_int_equal(to, today);
    assert_int_equal(kz_period_span("today", today, &from, &to, NULL), KZ_OK);
    assert_int_equal(from, today);
    assert_int_equal(to, today);
    assert_int_equal(kz_period_span("last week", today, &from, &to, NULL), KZ_OK);
    assert_int_equal(from, D("2026-11-16"));
    assert_int_equal(to, D("2026-11-22"));
    assert_int_equal(kz_period_span("+3d", today, &from, &to, NULL), KZ_OK); /* ahead: that day */
    assert_int_equal(from, D("2026-11-27"));
    assert_int_equal(to, D("2026-11-27"));
    from = to = -99;
    assert_int_equal(kz_period_span("soon", today, &from, &to, NULL), KZ_EINVAL);
    assert_int_equal(from, -99);
}

static void test_period_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {"", "   ", "nope", "last", "last fortnight", "this day",
                                      "-3", "-3x", "3 days", "3 parsecs ago", "last 0 days",
                                      "last 7", "next quarter x", "2026-02-30", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kz_err err;
        memset(&err, 0, sizeof err);
        int from = -99, to = -99;
        if (kz_period_parse(bad[i], D("2026-11-24"), &from, &to, NULL, &err) != KZ_EINVAL)
            fail_msg("\"%s\" accepted", bad[i] ? bad[i] : "(null)");
        assert_int_equal(from, -99);
        assert_int_equal(to, -99);
        assert_non_null(strstr(err.msg, "cannot read period \""));
        if (bad[i] && strcmp(bad[i], "2026-02-30") == 0)
            assert_non_null(strstr(err.msg, "2026-02 has days 01..28"));
        else
            assert_non_null(strstr(err.msg, "expected a day (today, yesterday"));
    }
}

/* ---- local time ------------------------------------------------------------------ */

static void test_day_from_time_zones(void **state)
{
    (void)state;
    const int64_t t = 1795557600; /* 2026-11-24T22:00:00Z */
    set_tz("UTC");
    assert_int_equal(kz_day_from_time(t), D("2026-11-24"));
    assert_int_equal(kz_today(t), D("2026-11-24"));
    assert_int_equal(kz_day_from_time(0), 0);
    assert_int_equal(kz_day_from_time(-1), -1);
    set_tz("Asia/Tehran"); /* +03:30: already 01:30 next day */
    assert_int_equal(kz_day_from_time(t), D("2026-11-25"));
    set_tz("America/Los_Angeles");
    assert_int_equal(kz_day_from_time(t), D("2026-11-24"));
    assert_int_equal(kz_day_from_time(0), -1);
    set_tz("Pacific/Kiritimati"); /* +14 */
    assert_int_equal(kz_day_from_time(t - 10 * 3600), D("2026-11-25"));
    set_tz("XST-3:30"); /* a POSIX rule, no zone files needed */
    assert_int_equal(kz_day_from_time(t), D("2026-11-25"));
    assert_int_equal(kz_day_from_time(t - 5400), D("2026-11-25"));
    assert_int_equal(kz_day_from_time(t - 5401), D("2026-11-24"));
    set_tz("UTC");
}

static void test_day_start(void **state)
{
    (void)state;
    set_tz("UTC");
    assert_int_equal(kz_day_start(D("2026-11-24")), (int64_t)D("2026-11-24") * 86400);
    assert_int_equal(kz_day_start(0), 0);
    assert_int_equal(kz_day_start(-1), -86400);
    set_tz("Asia/Tehran");
    assert_int_equal(kz_day_start(D("2026-11-24")), (int64_t)D("2026-11-24") * 86400 - 12600);
    /* Iran's clocks went 00:00 -> 01:00 on 2021-03-22: the day starts at 01:00. */
    assert_int_equal(kz_day_start(D("2021-03-22")), 1616358600);
    set_tz("America/Sao_Paulo");
    /* 2018-11-04 00:00 -> 01:00 (-02). */
    assert_int_equal(kz_day_start(D("2018-11-04")), 1541300400);
    /* 2019-02-17 00:00 (-02) went back to 23:00 on the 16th: the 17th starts
     * at 00:00 -03. */
    assert_int_equal(kz_day_start(D("2019-02-17")), 1550372400);
    set_tz("Europe/Berlin");
    assert_int_equal(kz_day_start(D("2026-03-29")), 1774738800);
    /* Round trip over two years in a zone with DST. */
    for (int day = D("2026-01-01"); day < D("2028-01-01"); day++) {
        int64_t s = kz_day_start(day);
        assert_int_equal(kz_day_from_time(s), day);
        assert_int_equal(kz_day_from_time(s - 1), day - 1);
    }
    set_tz("UTC");
}

static void test_time_format(void **state)
{
    (void)state;
    char out[17];
    set_tz("UTC");
    kz_time_format(1795557600, out);
    assert_string_equal(out, "2026-11-24 22:00");
    set_tz("Asia/Tehran");
    kz_time_format(1795557600, out);
    assert_string_equal(out, "2026-11-25 01:30");
    set_tz("America/New_York");
    kz_time_format(1795557600, out);
    assert_string_equal(out, "2026-11-24 17:00");
    set_tz("UTC");

    char iso[21];
    kz_time_format_iso(0, iso);
    assert_string_equal(iso, "1970-01-01T00:00:00Z");
    kz_time_format_iso(-1, iso);
    assert_string_equal(iso, "1969-12-31T23:59:59Z");
    set_tz("Asia/Tehran"); /* ISO form is UTC whatever the zone */
    kz_time_format_iso(1795557600 + 61, iso);
    assert_string_equal(iso, "2026-11-24T22:01:01Z");
    kz_time_format_iso(951782400, iso); /* 2000-02-29 */
    assert_string_equal(iso, "2000-02-29T00:00:00Z");
    set_tz("UTC");
}

static void test_time_parse(void **state)
{
    (void)state;
    int64_t t = 0;
    set_tz("UTC");
    assert_int_equal(kz_time_parse("2026-11-24T22:00:00Z", &t), KZ_OK);
    assert_int_equal(t, 1795557600);
    assert_int_equal(kz_time_parse("2026-11-24T22:00Z", &t), KZ_OK);
    assert_int_equal(t, 1795557600);
    assert_int_equal(kz_time_parse("2026-11-24", &t), KZ_OK);
    assert_int_equal(t, (int64_t)D("2026-11-24") * 86400);
    assert_int_equal(kz_time_parse("1969-12-31T23:59:59Z", &t), KZ_OK);
    assert_int_equal(t, -1);

    set_tz("Asia/Tehran");
    assert_int_equal(kz_time_parse("2026-11-25 01:30", &t), KZ_OK);
    assert_int_equal(t, 1795557600);
    assert_int_equal(kz_time_parse("2026-11-25T01:30:05", &t), KZ_OK);
    assert_int_equal(t, 1795557605);
    assert_int_equal(kz_time_parse("2026-11-25 01:30:05", &t), KZ_OK);
    assert_int_equal(t, 1795557605);
    assert_int_equal(kz_time_parse("2026-11-24T22:00:00Z", &t), KZ_OK);
    assert_int_equal(t, 1795557600);
    assert_int_equal(kz_time_parse("2026-11-24", &t), KZ_OK);
    assert_int_equal(t, (int64_t)D("2026-11-24") * 86400 - 12600);

    /* Formatting and parsing agree. */
    char out[17];
    kz_time_format(1795557600, out);
    assert_int_equal(kz_time_parse(out, &t), KZ_OK);
    assert_int_equal(t, 1795557600);
    char iso[21];
    kz_time_format_iso(1795557605, iso);
    assert_int_equal(kz_time_parse(iso, &t), KZ_OK);
    assert_int_equal(t, 1795557605);

    static const char *const bad[] = {
        "",
        "2026-11-24 ",
        "2026-11-24T",
        "2026-11-24 24:00",
        "2026-11-24 10:60",
        "2026-11-24 10:20:60",
        "2026-11-24 10:20Z",
        "2026-11-24T10",
        "2026-11-24T10:2",
        "2026-11-24T10:20:3",
        "2026-11-24T10:20:30Zx",
        "2026-11-24T10:20:30+01:00",
        "2026-02-30T10:20:30Z",
        "2026-11-24x10:20",
        "yesterday",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t = 77;
        if (kz_time_parse(bad[i], &t) != KZ_EINVAL)
            fail_msg("\"%s\" accepted", bad[i]);
        assert_int_equal(t, 77);
    }
    set_tz("UTC");
}

struct rel_case {
    int diff;
    const char *want;
};

static void test_relative(void **state)
{
    (void)state;
    static const struct rel_case cases[] = {
        {0, "today"},     {1, "tomorrow"},    {-1, "yesterday"},  {2, "in 2d"},
        {14, "in 14d"},   {15, "2026-12-09"}, {-2, "2d ago"},     {-14, "14d ago"},
        {-15, "2026-11-09"}, {400, "2027-12-29"},
    };
    int today = D("2026-11-24");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[KZ_DATE_TEXT];
        kz_day_relative(today + cases[i].diff, today, out, sizeof out);
        if (strcmp(out, cases[i].want) != 0)
            fail_msg("diff %d: got %s", cases[i].diff, out);
    }
}

static void use_prefs(const char *calendar, const char *digits)
{
    setenv("KARIZ_CALENDAR", calendar, 1);
    setenv("KARIZ_DIGITS", digits, 1);
    kz_prefs_reset();
}

/* Dates for people follow the calendar and digits in force; the exact
 * forms never do. */
static void test_show_persian(void **state)
{
    (void)state;
    set_tz("UTC");
    char out[KZ_DATE_TEXT];
    int day = D("2026-12-03"), today = D("2026-11-24");
    use_prefs("persian", "persian");
    kz_day_show(day, out, sizeof out);
    assert_string_equal(out, "۱۲ آذر ۱۴۰۵");
    kz_day_show_short(day, today, out, sizeof out);
    assert_string_equal(out, "۱۲ آذر");
    kz_day_show_short(D("2027-03-21"), today, out, sizeof out); /* Nowruz: the next year */
    assert_string_equal(out, "۱۴۰۶/۰۱/۰۱");
    kz_time_show((int64_t)day * 86400 + 14 * 3600 + 5 * 60, out, sizeof out);
    assert_string_equal(out, "۱۲ آذر ۱۴۰۵ ۱۴:۰۵");
    kz_day_relative(today + 3, today, out, sizeof out);
    assert_string_equal(out, "in ۳d");
    assert_int_equal(kz_time_show_cols(), 23);
    kz_day_relative(today, today, out, sizeof out);
    assert_string_equal(out, "today");
    kz_day_relative(today + 15, today, out, sizeof out);
    assert_string_equal(out, "۱۸ آذر");
    kz_day_input(day, out, sizeof out);
    assert_string_equal(out, "۱۴۰۵/۰۹/۱۲");
    int back = 0;
    assert_int_equal(kz_date_parse(out, today, &back, NULL), KZ_OK);
    assert_int_equal(back, day);
    kz_day_format(day, out);
    assert_string_equal(out, "2026-12-03");
    kz_time_format_iso((int64_t)day * 86400, out);
    assert_string_equal(out, "2026-12-03T00:00:00Z");

    use_prefs("persian", "latin");
    kz_day_show(day, out, sizeof out);
    assert_string_equal(out, "12 آذر 1405");
    kz_day_show(D("2024-05-09"), out, sizeof out);
    assert_string_equal(out, "20 اردیبهشت 1403");

    use_prefs("gregorian", "persian");
    kz_day_show(day, out, sizeof out);
    assert_string_equal(out, "۲۰۲۶-۱۲-۰۳");

    use_prefs("gregorian", "latin");
    kz_day_show(day, out, sizeof out);
    assert_string_equal(out, "2026-12-03");
    kz_day_show_short(day, today, out, sizeof out);
    assert_string_equal(out, "2026-12-03");
    kz_day_input(day, out, sizeof out);
    assert_string_equal(out, "2026-12-03");
    kz_time_show((int64_t)day * 86400 + 14 * 3600 + 5 * 60, out, sizeof out);
    assert_string_equal(out, "2026-12-03 14:05");
    assert_int_equal(kz_time_show_cols(), 16);
    /* a small buffer is cut on a character boundary */
    use_prefs("persian", "persian");
    char small[8];
    kz_day_show(day, small, sizeof small);
    assert_string_equal(small, "۱۲ آ");
    unsetenv("KARIZ_CALENDAR");
    unsetenv("KARIZ_DIGITS");
    kz_prefs_reset();
}

struct fa_case {
    const char *in;
    const char *gregorian; /* the day with calendar: gregorian */
    const char *persian;   /* with calendar: persian (NULL: the same) */
};

/* Every Persian form, typed on Thursday 2026-12-03 (12 Azar 1405). */
static const struct fa_case fa_cases[] = {
    {"امروز", "2026-12-03", NULL},
    {"فردا", "2026-12-04", NULL},
    {"  فردا ", "2026-12-04", NULL},
    {"پس\u200cفردا", "2026-12-05", NULL},
    {"پسفردا", "2026-12-05", NULL},
    {"پس فردا", "2026-12-05", NULL},
    {"دیروز", "2026-12-02", NULL},
    {"شنبه", "2026-12-05", NULL},
    {"یکشنبه", "2026-12-06", NULL},
    {"یک‌شنبه", "2026-12-06", NULL},
    {"يکشنبه", "2026-12-06", NULL},  /* Arabic yeh */
    {"يكشنبه", "2026-12-06", NULL},  /* Arabic yeh and kaf */
    {"دوشنبه", "2026-12-07", NULL},
    {"سه\u200cشنبه", "2026-12-08", NULL},
    {"سهشنبه", "2026-12-08", NULL},
    {"سه شنبه", "2026-12-08", NULL},
    {"چهارشنبه", "2026-12-09", NULL},
    {"پنجشنبه", "2026-12-10", NULL}, /* never today */
    {"پنج\u200cشنبه", "2026-12-10", NULL},
    {"جمعه", "2026-12-04", NULL},
    {"۳ روز دیگر", "2026-12-06", NULL},
    {"3 روز دیگر", "2026-12-06", NULL},
    {"٣ روز دیگر", "2026-12-06", NULL},
    {"۳ روز بعد", "2026-12-06", NULL},
    {"۲ هفته دیگر", "2026-12-17", NULL},
    {"۱ ماه دیگر", "2027-01-03", "2027-01-02"}, /* 12 Dey 1405 */
    {"هفته بعد", "2026-12-07", "2026-12-05"},  /* Monday; Saturday */
    {"هفته آینده", "2026-12-07", "2026-12-05"},
    {"next week", "2026-12-07", "2026-12-05"},
    {"ماه بعد", "2027-01-01", "2026-12-22"},   /* 1 Dey 1405 */
    {"next month", "2027-01-01", "2026-12-22"},
    {"eom", "2026-12-31", "2026-12-21"},       /* 30 Azar 1405 */
    {"1405/09/15", "2026-12-06", NULL},
    {"۱۴۰۵/۹/۱۵", "2026-12-06", NULL},
    {"١٤٠٥/٩/١٥", "2026-12-06", NULL},
    {"1405-09-15", "2026-12-06", NULL},
    {"۱۴۰۵-۰۹-۱۵", "2026-12-06", NULL},
    {"1403/12/30", "2025-03-20", NULL},         /* a leap year's Esfand 30 */
    {"1357/11/22", "1979-02-11", NULL},
    {"2026/12/15", "2026-12-15", NULL},
    {"15 آذر", "2026-12-06", NULL},
    {"۱۵ آذر", "2026-12-06", NULL},
    {"۱۵ آذر ۱۴۰۵", "2026-12-06", NULL},
    {"15 azar", "2026-12-06", NULL},
    {"15 Azar 1405", "2026-12-06", NULL},
    {"12 آذر", "2026-12-03", NULL},             /* today */
    {"10 آذر", "2027-12-01", NULL},             /* gone: next year's */
    {"1 dey", "2026-12-22", NULL},
    {"1 Dei", "2026-12-22", NULL},
    {"1 farvardin", "2027-03-21", NULL},
    {"20 ordibehesht 1403", "2024-05-09", NULL},
    {"1 mordad 1405", "2026-07-23", NULL},
    {"1 amordad 1405", "2026-07-23", NULL},
    {"2026-12-15", "2026-12-15", NULL},
    {"tomorrow", "2026-12-04", NULL},
};

static void use_calendar(const char *calendar)
{
    setenv("KARIZ_CALENDAR", calendar, 1);
    kz_prefs_reset();
}

static void test_parse_persian_forms(void **state)
{
    (void)state;
    int today = D("2026-12-03");
    for (int cal = 0; cal < 2; cal++) {
        use_calendar(cal ? "persian" : "gregorian");
        for (size_t i = 0; i < sizeof fa_cases / sizeof fa_cases[0]; i++) {
            const char *want = cal && fa_cases[i].persian ? fa_cases[i].persian
                                                          : fa_cases[i].gregorian;
            int day = 0;
            kz_err err;
            if (kz_date_parse(fa_cases[i].in, today, &day, &err) != KZ_OK)
                fail_msg("\"%s\" (%s): %s", fa_cases[i].in, cal ? "persian" : "gregorian",
                         err.msg);
            char iso[11];
            kz_day_format(day, iso);
            if (strcmp(iso, want) != 0)
                fail_msg("\"%s\" (%s): got %s, want %s", fa_cases[i].in,
                         cal ? "persian" : "gregorian", iso, want);
        }
    }
    unsetenv("KARIZ_CALENDAR");
    kz_prefs_reset();
}

static void test_parse_persian_errors(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        {"1405/13/01", "cannot read date \"1405/13/01\": the month must be 1..12"},
        {"1404/12/30", "cannot read date \"1404/12/30\": 1404/12 (اسفند) has days 1..29"},
        {"۱۴۰۵/۷/۳۱", "cannot read date \"۱۴۰۵/۷/۳۱\": 1405/07 (مهر) has days 1..30"},
        {"30 اسفند 1404", "cannot read date \"30 اسفند 1404\": اسفند 1404 has days 1..29"},
        {"15 آذر 2026", "cannot read date \"15 آذر 2026\": a Solar Hijri year is 1300..1499"},
        {"۳ روز", "cannot read date \"۳ روز\": " EXPECTED},
        {"۳ سال دیگر", "cannot read date \"۳ سال دیگر\": " EXPECTED},
        {"15 آذرماه", "cannot read date \"15 آذرماه\": " EXPECTED},
        {"شنبه‌ها", "cannot read date \"شنبه‌ها\": " EXPECTED},
        {"2026/13/01", "cannot read date \"2026/13/01\": " EXPECTED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kz_err err;
        int day = -99;
        if (kz_date_parse(cases[i].in, D("2026-12-03"), &day, &err) != KZ_EINVAL)
            fail_msg("\"%s\" accepted", cases[i].in);
        assert_int_equal(day, -99);
        if (strcmp(err.msg, cases[i].msg) != 0)
            fail_msg("\"%s\": message %s", cases[i].in, err.msg);
    }
}

struct fa_period {
    const char *in;
    const char *from, *to;
};

/* Periods follow the calendar: Persian months and seasons, weeks from
 * Saturday; typed on Thursday 2026-12-03 (12 Azar 1405). */
static void test_period_persian(void **state)
{
    (void)state;
    static const struct fa_period persian[] = {
        {"this month", "2026-11-22", "2026-12-21"},   {"این ماه", "2026-11-22", "2026-12-21"},
        {"last month", "2026-10-23", "2026-11-21"},   {"ماه قبل", "2026-10-23", "2026-11-21"},
        {"ماه گذشته", "2026-10-23", "2026-11-21"},   {"this quarter", "2026-09-23", "2026-12-21"},
        {"این فصل", "2026-09-23", "2026-12-21"},     {"last quarter", "2026-06-22", "2026-09-22"},
        {"فصل قبل", "2026-06-22", "2026-09-22"},     {"this year", "2026-03-21", "2027-03-20"},
        {"امسال", "2026-03-21", "2027-03-20"},       {"last year", "2025-03-21", "2026-03-20"},
        {"پارسال", "2025-03-21", "2026-03-20"},      {"this week", "2026-11-28", "2026-12-04"},
        {"این هفته", "2026-11-28", "2026-12-04"},    {"last week", "2026-11-21", "2026-11-27"},
        {"هفته گذشته", "2026-11-21", "2026-11-27"},  {"۷ روز اخیر", "2026-11-27", "2026-12-03"},
        {"۳ روز پیش", "2026-11-30", "2026-11-30"},   {"شنبه", "2026-11-28", "2026-11-28"},
        {"دیروز", "2026-12-02", "2026-12-02"},       {"۱۴۰۵/۰۹/۰۱", "2026-11-22", "2026-11-22"},
    };
    static const struct fa_period gregorian[] = {
        {"this month", "2026-12-01", "2026-12-31"},  {"این ماه", "2026-12-01", "2026-12-31"},
        {"this week", "2026-11-30", "2026-12-06"},   {"last quarter", "2026-07-01", "2026-09-30"},
        {"1405/09/01", "2026-11-22", "2026-11-22"},
    };
    int today = D("2026-12-03");
    for (int cal = 0; cal < 2; cal++) {
        use_calendar(cal ? "persian" : "gregorian");
        const struct fa_period *v = cal ? persian : gregorian;
        size_t n = cal ? sizeof persian / sizeof persian[0] : sizeof gregorian / sizeof gregorian[0];
        for (size_t i = 0; i < n; i++) {
            int from, to;
            kz_err err;
            if (kz_period_parse(v[i].in, today, &from, &to, NULL, &err) != KZ_OK)
                fail_msg("\"%s\": %s", v[i].in, err.msg);
            char f[11], t[11];
            kz_day_format(from, f);
            kz_day_format(to, t);
            if (strcmp(f, v[i].from) != 0 || strcmp(t, v[i].to) != 0)
                fail_msg("\"%s\" (%s): got %s..%s, want %s..%s", v[i].in,
                         cal ? "persian" : "gregorian", f, t, v[i].from, v[i].to);
        }
    }
    kz_err err;
    int from, to;
    assert_int_equal(kz_period_parse("1404/12/30", today, &from, &to, NULL, &err), KZ_EINVAL);
    assert_string_equal(err.msg, "cannot read period \"1404/12/30\": 1404/12 (اسفند) has days 1..29");
    unsetenv("KARIZ_CALENDAR");
    kz_prefs_reset();
}

int main(void)
{
    unsetenv("KARIZ_CALENDAR");
    unsetenv("KARIZ_DIGITS");
    unsetenv("LANGUAGE");
    unsetenv("LC_ALL");
    setenv("LANG", "C", 1);
    setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_days),
        cmocka_unit_test(test_invalid_ymd),
        cmocka_unit_test(test_round_trip_all_days),
        cmocka_unit_test(test_days_in_month),
        cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_add_months),
        cmocka_unit_test(test_format_and_parse_iso),
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_weekday_names_all_days),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_null_err),
        cmocka_unit_test(test_period_table),
        cmocka_unit_test(test_period_weekdays_back),
        cmocka_unit_test(test_period_errors),
        cmocka_unit_test(test_period_span),
        cmocka_unit_test(test_day_from_time_zones),
        cmocka_unit_test(test_day_start),
        cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_time_parse),
        cmocka_unit_test(test_relative),
        cmocka_unit_test(test_show_persian),
        cmocka_unit_test(test_parse_persian_forms),
        cmocka_unit_test(test_parse_persian_errors),
        cmocka_unit_test(test_period_persian),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
