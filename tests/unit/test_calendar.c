/* Tests for calendar.c: Solar Hijri dates against a table of known
 * Gregorian / Jalali pairs, both ways, across Nowruz and leap years. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kariz/calendar.h"
#include "kariz/dates.h"
#include "kariz/status.h"

typedef struct pair {
    const char *iso;
    int py, pm, pd;
} pair;

/* Each pair is a fixed point: Nowruz of each year from 1398 to 1409 (the
 * first of Farvardin), the last day of each year (Esfand 29, or 30 in the
 * leap years 1399, 1403 and 1408), the date the domain's source article
 * carries both ways (Thu 9 May 2024 = 20 Ordibehesht 1403), 22 Bahman 1357
 * (1979-02-11), and the first and last day of each half of the year. */
static const pair pairs[] = {
    {"2019-03-21", 1398, 1, 1},   {"2020-03-19", 1398, 12, 29}, {"2020-03-20", 1399, 1, 1},
    {"2021-03-20", 1399, 12, 30}, {"2021-03-21", 1400, 1, 1},   {"2022-03-20", 1400, 12, 29},
    {"2022-03-21", 1401, 1, 1},   {"2023-03-20", 1401, 12, 29}, {"2023-03-21", 1402, 1, 1},
    {"2024-03-19", 1402, 12, 29}, {"2024-03-20", 1403, 1, 1},   {"2025-03-20", 1403, 12, 30},
    {"2025-03-21", 1404, 1, 1},   {"2026-03-20", 1404, 12, 29}, {"2026-03-21", 1405, 1, 1},
    {"2027-03-21", 1406, 1, 1},   {"2028-03-20", 1407, 1, 1},   {"2029-03-19", 1407, 12, 29},
    {"2029-03-20", 1408, 1, 1},   {"2030-03-20", 1408, 12, 30}, {"2030-03-21", 1409, 1, 1},
    {"2024-05-09", 1403, 2, 20},  {"1979-02-11", 1357, 11, 22}, {"2026-09-22", 1405, 6, 31},
    {"2026-09-23", 1405, 7, 1},   {"2026-11-22", 1405, 9, 1},   {"2026-12-03", 1405, 9, 12},
    {"2026-12-21", 1405, 9, 30},  {"2026-12-22", 1405, 10, 1},
};

static int iso_day(const char *iso)
{
    int day = 0;
    if (kz_day_parse_iso(iso, &day) != KZ_OK)
        fail_msg("bad date in test: %s", iso);
    return day;
}

static void test_gregorian_to_persian(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        int y = 0, m = 0, d = 0;
        assert_true(kz_persian_from_day(iso_day(pairs[i].iso), &y, &m, &d));
        if (y != pairs[i].py || m != pairs[i].pm || d != pairs[i].pd)
            fail_msg("%s: got %d/%02d/%02d, want %d/%02d/%02d", pairs[i].iso, y, m, d,
                     pairs[i].py, pairs[i].pm, pairs[i].pd);
    }
}

static void test_persian_to_gregorian(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        int day = 0;
        assert_true(kz_day_from_persian(pairs[i].py, pairs[i].pm, pairs[i].pd, &day));
        char iso[11];
        kz_day_format(day, iso);
        if (strcmp(iso, pairs[i].iso) != 0)
            fail_msg("%d/%02d/%02d: got %s, want %s", pairs[i].py, pairs[i].pm, pairs[i].pd, iso,
                     pairs[i].iso);
    }
}

static void test_leap_years_and_months(void **state)
{
    (void)state;
    static const int leap[] = {1399, 1403, 1408};
    static const int common[] = {1400, 1401, 1402, 1404, 1405, 1406, 1407};
    for (size_t i = 0; i < sizeof leap / sizeof leap[0]; i++) {
        assert_true(kz_persian_leap_year(leap[i]));
        assert_int_equal(kz_persian_days_in_month(leap[i], 12), 30);
    }
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) {
        assert_false(kz_persian_leap_year(common[i]));
        assert_int_equal(kz_persian_days_in_month(common[i], 12), 29);
    }
    assert_int_equal(kz_persian_days_in_month(1405, 1), 31);
    assert_int_equal(kz_persian_days_in_month(1405, 6), 31);
    assert_int_equal(kz_persian_days_in_month(1405, 7), 30);
    assert_int_equal(kz_persian_days_in_month(1405, 0), 0);
    assert_int_equal(kz_persian_days_in_month(1405, 13), 0);
    int day = 7;
    assert_false(kz_day_from_persian(1404, 12, 30, &day)); /* not a leap year */
    assert_false(kz_day_from_persian(1405, 7, 31, &day));
    assert_false(kz_day_from_persian(1405, 13, 1, &day));
    assert_false(kz_day_from_persian(1405, 1, 0, &day));
    assert_int_equal(day, 7);
    assert_string_equal(kz_persian_month_name(1), "فروردین");
    assert_string_equal(kz_persian_month_name(9), "آذر");
    assert_string_equal(kz_persian_month_name(12), "اسفند");
    assert_null(kz_persian_month_name(0));
    assert_null(kz_persian_month_name(13));
}

/* Every day of twelve years reads back, and consecutive days are
 * consecutive Persian dates. */
static void test_round_trip(void **state)
{
    (void)state;
    int from = iso_day("2019-01-01"), to = iso_day("2031-01-01");
    int py, pm, pd, prev_y = 0, prev_m = 0, prev_d = 0;
    for (int day = from; day <= to; day++) {
        assert_true(kz_persian_from_day(day, &py, &pm, &pd));
        int back = 0;
        assert_true(kz_day_from_persian(py, pm, pd, &back));
        assert_int_equal(back, day);
        if (day > from) {
            bool next = (py == prev_y && pm == prev_m && pd == prev_d + 1) ||
                        (py == prev_y && pm == prev_m + 1 && pd == 1 &&
                         prev_d == kz_persian_days_in_month(prev_y, prev_m)) ||
                        (py == prev_y + 1 && pm == 1 && pd == 1 && prev_m == 12);
            assert_true(next);
        }
        prev_y = py;
        prev_m = pm;
        prev_d = pd;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gregorian_to_persian),
        cmocka_unit_test(test_persian_to_gregorian),
        cmocka_unit_test(test_leap_years_and_months),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
