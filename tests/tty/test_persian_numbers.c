/* test_persian_numbers.c - numbers on Persian screens (digits: persian,
 * the Persian catalogue of the build tree): the detail view's title, its
 * score evidence (an amount through the money formatter) and activity
 * lines (the whole Solar Hijri date and time, the outcome after a Persian
 * comma), triage's counts, the size a too-small terminal needs, and a
 * searched column's count of cards shown. The
 * layout is held left to right and laid out by the terminal (libvterm
 * shows the logical order): this file is about the numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int setup(void **state)
{
    (void)state;
    kt_need_locale("fa_IR.UTF-8");
    kt_env_clear();
    kt_path("");                                       /* KARIZ_LOCALEDIR: the build tree's */
    kt_env("KARIZ_LOCALEDIR", getenv("KARIZ_LOCALEDIR"));
    kt_env("LANG", "fa_IR.UTF-8");
    kt_env("LC_ALL", "fa_IR.UTF-8");
    kt_env("LANGUAGE", "fa");
    kt_env("KARIZ_DIGITS", "persian");
    kt_env("KARIZ_CALENDAR", "persian");
    kt_env("KARIZ_DIRECTION", "ltr");
    kt_env("KARIZ_BIDI", "terminal");
    kt_env("KARIZ_NOW", "2026-11-07 02:30");
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

static bool has_latin_digit(const char *s)
{
    for (; *s; s++)
        if (*s >= '0' && *s <= '9')
            return true;
    return false;
}

/* The row that shows text, once the screen shows it. */
static const char *row_with(kt_term *t, const char *text)
{
    int row, col;
    kt_wait_for(t, text);
    if (!kt_find(t, text, &row, &col)) {
        kt_dump(t);
        fail_msg("\"%s\" is not on the screen", text);
    }
    return kt_screen_row(t, row);
}

/* Grace: 200 employees, a deal of 25,000 (the default rules' budget rule
 * matches it), a call that went unanswered, a next step overdue. */
static const char *make_db(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s", kt_db(name));
    kt_kariz_run(path, "add", "--company", "Compilers Inc", "--value", "25000", "--stage", "lead",
                 "--set", "employees=200", "Grace Hopper", NULL);
    kt_kariz_run(path, "log", "1", "call", "no_answer", NULL);
    kt_kariz_run(path, "followup", "1", "2026-11-01", "--force", NULL); /* overdue: triage takes it */
    return path;
}

static void test_detail_numbers(void **state)
{
    (void)state;
    const char *db = make_db("detail.db");
    kt_term *t = kt_board(40, 140, db, NULL);
    kt_wait_for(t, "Grace Hopper");
    kt_send(t, "\r");
    kt_wait_gone(t, "(\xd8\xb3\xd8\xb1\xd9\x86\xd8\xae\xdb\x8c"); /* the board's (سرنخی نیست) */
    kt_wait_for(t, "Compilers Inc");
    /* the title: سرنخ ۱ (نسخهٔ ۲) */
    const char *title = row_with(t, "(\xd9\x86\xd8\xb3\xd8\xae\xd9\x87\xd9\x94 ");
    assert_false(has_latin_digit(title));
    assert_non_null(strstr(title, "\xdb\xb1")); /* ۱ */
    /* the budget rule's evidence: the amount as people read it, ۲۵٬۰۰۰ */
    const char *ev = row_with(t, "10,000");
    assert_null(strstr(ev, "\"25000\""));
    assert_non_null(strstr(ev, "\xdb\xb2\xdb\xb5\xd9\xac\xdb\xb0\xdb\xb0\xdb\xb0"));
    /* the activity: the whole date and time (۰۲:۳۰), and a Persian comma
     * between the kind and its outcome */
    const char *act = row_with(t, "\xdb\xb0\xdb\xb2:\xdb\xb3\xdb\xb0");
    assert_non_null(strstr(act, "\xd8\x8c")); /* ، */
    assert_null(strstr(act, "\xe2\x80\xa6"));  /* not cut */
    assert_null(strstr(act, ","));
    kt_finish(t, "qq");
}

static void test_triage_numbers(void **state)
{
    (void)state;
    const char *db = make_db("triage.db");
    kt_term *t = kt_board(40, 140, db, NULL);
    kt_wait_for(t, "Grace Hopper");
    kt_send(t, "t");
    kt_wait_gone(t, "(\xd8\xb3\xd8\xb1\xd9\x86\xd8\xae\xdb\x8c");
    kt_wait_for(t, "Compilers Inc");
    /* the title: غربال ۱/۱، ۰ تصمیم */
    kt_wait_for(t, "\xdb\xb1/\xdb\xb1");
    assert_false(has_latin_digit(kt_screen_row(t, 0)));
    /* ۲۰۰ کارمند, and the days in the stage: ۰ روز */
    kt_wait_for(t, "\xdb\xb2\xdb\xb0\xdb\xb0 ");
    const char *stage = row_with(t, " \xd8\xb1\xd9\x88\xd8\xb2"); /* " روز" */
    assert_non_null(strstr(stage, "\xdb\xb0 \xd8\xb1\xd9\x88\xd8\xb2"));
    /* the score's heading and the evidence */
    const char *ev = row_with(t, "10,000");
    assert_non_null(strstr(ev, "\xdb\xb2\xdb\xb5\xd9\xac\xdb\xb0\xdb\xb0\xdb\xb0"));
    kt_finish(t, "qq");
}

static void test_too_small_in_persian_digits(void **state)
{
    (void)state;
    const char *db = make_db("narrow.db");
    kt_term *t = kt_board(8, 10, db, NULL);
    kt_wait_for(t, "\xdb\xb6\xdb\xb0x\xdb\xb1\xdb\xb5"); /* ۶۰x۱۵ */
    assert_false(kt_contains(t, "60x15"));
    kt_resize(t, 30, 100);
    kt_wait_for(t, "Grace Hopper");
    kt_finish(t, "q");
}

/* A search narrows a column: its header says how many are shown, in
 * Persian: سرنخ ۲ (۱ نمایان). */
static void test_search_header_in_persian(void **state)
{
    (void)state;
    const char *db = make_db("search.db");
    kt_kariz_run(db, "add", "--stage", "lead", "Ada Lovelace", NULL);
    kt_term *t = kt_board(30, 140, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "/grace\r");
    kt_wait_gone(t, "Ada Lovelace");
    kt_wait_for(t, " \xdb\xb2 (\xdb\xb1 \xd9\x86\xd9\x85\xd8\xa7\xdb\x8c\xd8\xa7\xd9\x86)");
    assert_false(kt_contains(t, "shown"));
    kt_finish(t, "q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_detail_numbers, setup),
        cmocka_unit_test_setup(test_triage_numbers, setup),
        cmocka_unit_test_setup(test_too_small_in_persian_digits, setup),
        cmocka_unit_test_setup(test_search_header_in_persian, setup),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
