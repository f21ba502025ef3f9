/* test_persian_session.c - one working session under the Persian locale
 * with every default following it (LANG=fa_IR.UTF-8, LANGUAGE=fa, no
 * KARIZ_* display setting): the Persian demo on the right-to-left board,
 * the stages by the default rules' label_fa, Persian digits on the cards,
 * Solar Hijri dates and Persian words in the detail view, triage and the
 * report screen; then, with bidi: kariz, a mixed name in visual order. The
 * messages come from the build's catalogue (po/fa*.po joined). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* ایران: logical order, and as kariz draws it for a terminal that does not
 * lay out right-to-left text (shaped, right to left: ن ا ر ی ا) */
#define IRAN "\xd8\xa7\xdb\x8c\xd8\xb1\xd8\xa7\xd9\x86"
#define IRAN_VISUAL "\xef\xbb\xa5\xef\xba\x8d\xef\xba\xae\xef\xaf\xbe\xef\xba\x8d"

/* the default rules' label_fa of the five stages, first to last */
static const char *const stages[] = {"سرنخ", "مشتری بالقوه", "فرصت فروش", "برنده", "بازنده"};

static int setup(void **state)
{
    (void)state;
    kt_need_locale("fa_IR.UTF-8");
    kt_env_clear();
    kt_env("LANG", "fa_IR.UTF-8");
    kt_env("LC_ALL", "fa_IR.UTF-8");
    kt_env("LANGUAGE", "fa");
    kt_env("KARIZ_NOW", "2026-12-03"); /* 12 Azar 1405 */
    const char *const display[] = {"KARIZ_CALENDAR", "KARIZ_DIGITS", "KARIZ_BIDI",
                                   "KARIZ_DIRECTION", "KARIZ_WEEK_START"};
    for (size_t i = 0; i < sizeof display / sizeof display[0]; i++)
        kt_env(display[i], NULL);
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

/* The Persian demo, made under the locale, and a lead with a mixed name
 * that has a call logged today. */
static const char *make_db(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s", kt_db(name));
    kt_kariz_run(path, "demo", "--no-board", NULL);
    kt_kariz_run(path, "add", "Acme " IRAN " ltd", NULL);
    kt_kariz_run(path, "log", kt_sql(path, "SELECT max(id) FROM leads"), "call", "answered",
                 NULL);
    return path;
}

static int col_of(kt_term *t, const char *text)
{
    int row, col;
    if (!kt_find(t, text, &row, &col)) {
        kt_dump(t);
        fail_msg("\"%s\" is not on the screen", text);
    }
    return col;
}

/* Fails unless no row in [from, to) holds an ASCII digit. */
static void no_latin_digits(kt_term *t, int from, int to)
{
    for (int y = from; y < to; y++) {
        const char *r = kt_screen_row(t, y);
        if (strpbrk(r, "0123456789")) {
            kt_dump(t);
            fail_msg("row %d has Latin digits: %s", y, r);
        }
    }
}

static void test_session(void **state)
{
    (void)state;
    const char *db = make_db("session.db");
    kt_term *t = kt_board(40, 160, db, NULL);

    /* the board: the stages in Persian, the first at the right */
    kt_wait_for(t, "\xd8\xb5\xd9\x86\xd8\xa7\xdb\x8c\xd8\xb9"); /* صنایع, a demo company */
    int prev = 1 << 30;
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s ", stages[i]); /* the label, then its count */
        int c = col_of(t, head);
        assert_true(c < prev);
        prev = c;
    }
    assert_true(col_of(t, "سرنخ ") > 160 - 30);
    assert_false(kt_contains(t, "Lead"));
    assert_false(kt_contains(t, "Prospect"));
    /* the cards and the columns' totals in Persian digits */
    kt_wait_for(t, " روز");
    kt_wait_for(t, "تومان");
    no_latin_digits(t, 1, kt_rows(t) - 2);

    /* triage: its title and its checklist in Persian, in Persian digits */
    kt_send(t, "t");
    kt_wait_for(t, " kariz  غربال ۱/");
    kt_wait_for(t, "چرا اکنون");
    kt_wait_for(t, "تناسب");
    /* (the screen arrives in pieces: the last line checked below too) */
    kt_wait_for(t, "اختیار تصمیم");
    assert_false(kt_contains(t, "fit"));
    int row, col;
    /* the title, the lead (its number, score, size, value, days in stage) */
    assert_true(kt_find(t, "چرا اکنون", &row, &col));
    no_latin_digits(t, 0, row);
    assert_true(kt_find(t, "تناسب", &row, &col));
    no_latin_digits(t, row, row + 1);
    assert_true(kt_find(t, "اختیار تصمیم", &row, &col));
    no_latin_digits(t, row, row + 1);
    kt_send(t, "q");
    kt_wait_gone(t, "چرا اکنون");

    /* the report screen: Persian headings, the forecast by Persian month */
    kt_send(t, "R");
    kt_wait_for(t, "گزارش‌ها");
    kt_wait_for(t, "قیف فروش");
    kt_send(t, "2");
    kt_wait_for(t, "پیش‌بینی فروش");
    kt_wait_for(t, "آذر ۱۴۰۵");
    assert_false(kt_contains(t, "2026-12"));
    /* the words for no close date and no owner */
    kt_wait_for(t, "بی‌تاریخ");
    kt_wait_for(t, "(بی‌مالک)");
    assert_false(kt_contains(t, "no date"));
    assert_false(kt_contains(t, "unassigned"));
    kt_send(t, "q");
    kt_wait_gone(t, "گزارش‌ها");

    /* the mixed-name lead's detail view: its call today, a Solar Hijri
     * date; the qualification's criteria in Persian */
    kt_send(t, "/Acme");
    kt_wait_for(t, "Acme " IRAN " ltd"); /* the board narrowed to it */
    kt_send(t, "\r\r");
    kt_wait_for(t, "ارزیابی صلاحیت");
    kt_wait_for(t, "۱۲ آذر ۱۴۰۵");
    kt_wait_for(t, "علاقه");
    kt_wait_for(t, "اختیار تصمیم");
    assert_false(kt_contains(t, "2026-12-03"));
    assert_false(kt_contains(t, "authority"));
    assert_false(kt_contains(t, "interest"));
    /* a next step due "فردا": the prompt offers the Persian forms */
    kt_send(t, "f");
    kt_wait_for(t, "گام بعدی");
    kt_send(t, "\x15" "تماس دوباره\r");
    kt_wait_for(t, "سررسید (امروز، فردا، جمعه");
    kt_send(t, "\x15" "فردا\r");
    kt_wait_gone(t, "سررسید (");
    assert_string_equal(kt_sql(db, "SELECT next_due FROM leads WHERE name LIKE 'Acme%'"),
                        "2026-12-04");
    kt_finish(t, "qq");
}

/* bidi: kariz on the same database: the mixed name in visual order, at
 * the right of its card in the first stage's column. */
static void test_bidi_kariz(void **state)
{
    (void)state;
    const char *db = make_db("bidi.db");
    kt_env("KARIZ_BIDI", "kariz");
    kt_term *t = kt_board(40, 160, db, NULL);
    kt_send(t, "/Acme");
    kt_wait_for(t, "Acme " IRAN_VISUAL " ltd");
    assert_false(kt_contains(t, "Acme " IRAN " ltd"));
    assert_true(col_of(t, "Acme " IRAN_VISUAL " ltd") > 160 - 32);
    kt_send(t, "\x1b");
    kt_finish(t, "q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_session, setup),
        cmocka_unit_test_setup(test_bidi_kariz, setup),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
