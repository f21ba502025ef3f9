/* test_board_persian_dates.c - the board, the detail view and the report
 * screen in the Persian calendar with Persian digits: Solar Hijri dates,
 * Persian digits and separators, Persian dates typed in a prompt. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    unsetenv("KARIZ_CALENDAR");
    unsetenv("KARIZ_DIGITS");
    unsetenv("KARIZ_NOW");
    return 0;
}

/* Thursday 2026-12-03 is 12 Azar 1405. */
static const char *make_db(const char *name)
{
    const char *db = kt_db(name);
    setenv("KARIZ_NOW", "2026-12-03 10:00", 1);
    kt_kariz_run(db, "add", "--value", "1.2M", "Mia Khan", NULL);
    kt_kariz_run(db, "set", "1", "close_date=2027-03-21", NULL);
    kt_kariz_run(db, "followup", "1", "2026-12-06", "--step", "send the contract", NULL);
    setenv("KARIZ_CALENDAR", "persian", 1);
    setenv("KARIZ_DIGITS", "persian", 1);
    return db;
}

static void test_card_and_detail(void **state)
{
    (void)state;
    const char *db = make_db("cards.db");
    kt_term *t = kt_board(60, 140, db, NULL);
    kt_wait_for(t, "Mia Khan");
    kt_wait_for(t, "۱٫۲ میلیون"); /* the card's value */
    kt_wait_for(t, "۱٫۲۰M  weighted ۰٫۰۶M"); /* the column's totals, in one scale */
    kt_wait_for(t, "۰d");          /* days in stage */
    kt_send(t, "\r");
    kt_wait_for(t, "total             ۵  grade cold"); /* the score */
    kt_wait_for(t, "[x] +۵");
    kt_wait_for(t, "۱ فروردین ۱۴۰۶");            /* close_date */
    kt_wait_for(t, "۱۵ آذر ۱۴۰۵ (in ۳d)");       /* next_due with its relative form */
    kt_wait_for(t, "۱٬۲۰۰٬۰۰۰");                  /* the value in full */
    kt_wait_for(t, "۱۲ آذر ۱۴۰۵ ۱۰:۰۰");          /* history */
    assert_false(kt_contains(t, "2027-03-21"));
    assert_false(kt_contains(t, "2026-12-06"));
    kt_finish(t, "qq");
}

/* A Persian date typed in the board's next-step prompt is read, and
 * stored as an ISO date. */
static void test_prompt_takes_persian_dates(void **state)
{
    (void)state;
    const char *db = make_db("prompt.db");
    kt_term *t = kt_board(30, 140, db, NULL);
    kt_wait_for(t, "Mia Khan");
    kt_send(t, "f");
    kt_wait_for(t, "next step");
    kt_send(t, "\r"); /* keep the step */
    kt_wait_for(t, "۱۴۰۵/۰۹/۱۵"); /* the due date offered for editing */
    kt_send(t, "\x15"); /* clear what is pre-filled */
    kt_send(t, "۱۴۰۵/۹/۲۰\r");
    kt_wait_for(t, "next step due in ۸d");
    assert_string_equal(kt_sql(db, "SELECT next_due FROM leads WHERE id = 1"), "2026-12-11");
    kt_finish(t, "q");
}

/* The field editor offers a date field in the Solar Hijri calendar and
 * takes one back. */
static void test_edit_close_date(void **state)
{
    (void)state;
    const char *db = make_db("edit.db");
    kt_term *t = kt_board(30, 140, db, NULL);
    kt_wait_for(t, "Mia Khan");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "close_date\r");
    kt_wait_for(t, "۱۴۰۶/۰۱/۰۱");
    kt_send(t, "\x15");
    kt_send(t, "۱۴۰۵/۱۲/۲۹\r");
    kt_wait_for(t, "close_date of Mia Khan saved");
    kt_finish(t, "q");
    assert_string_equal(kt_sql(db, "SELECT close_date FROM leads WHERE id = 1"), "2027-03-20");
}

/* Triage shows the due date in the Solar Hijri calendar, and its snooze
 * menu the dates each choice falls on. */
static void test_triage(void **state)
{
    (void)state;
    const char *db = make_db("triage.db");
    kt_term *t = kt_board(30, 120, db, "triage", NULL);
    kt_wait_for(t, "Mia Khan");
    kt_wait_for(t, "due ۱۵ آذر ۱۴۰۵ (in ۳d)");
    kt_send(t, "z");
    kt_wait_for(t, "snooze until");
    kt_wait_for(t, "۱۳ آذر ۱۴۰۵"); /* tomorrow */
    kt_send(t, "\x1b");
    kt_wait_gone(t, "snooze until");
    kt_finish(t, "qq");
}

/* The report screen groups the forecast by Persian month. */
static void test_report_screen(void **state)
{
    (void)state;
    const char *db = make_db("report.db");
    kt_term *t = kt_board(30, 140, db, NULL);
    kt_wait_for(t, "Mia Khan");
    kt_send(t, "R");
    kt_send(t, "2");
    kt_wait_for(t, "فروردین ۱۴۰۶");
    kt_finish(t, "qq");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_card_and_detail),
        cmocka_unit_test(test_prompt_takes_persian_dates),
        cmocka_unit_test(test_edit_close_date),
        cmocka_unit_test(test_triage),
        cmocka_unit_test(test_report_screen),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
