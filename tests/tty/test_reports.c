/* test_reports.c - the report screen of the board: opening it with R, the
 * six reports and the keys that switch between them, scrolling, drawing
 * within the terminal's width after resizes, ASCII bars outside a UTF-8
 * locale, the "mine" and period filters, recomputing when another process
 * changes the data, colours and NO_COLOR, help above the report screen,
 * read-only sessions, and the way back to the board. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define FULL_BLOCK "\xe2\x96\x88" /* U+2588, the body of a Unicode bar */

/* Five leads created on 2025-03-01: two moved on to prospect four days
 * later, a few touches logged, then on 2025-03-11 Grace won and three
 * lost (Alan Turing and Jean Bartik, both alice's, on price; Alan Kay on
 * competitor). Ada stays a lead. The board itself runs at the real time,
 * long after: "last 30 days" holds none of it. */
static const char *make_db(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s", kt_db(name));
    setenv("KARIZ_NOW", "2025-03-01 10:00", 1);
    kt_kariz_run(path, "add", "--company", "Analytical Engines", "--value", "1000",
                 "Ada Lovelace", NULL);
    kt_kariz_run(path, "add", "--company", "Compilers Inc", "--value", "25000", "--set",
                 "employees=200", "Grace Hopper", NULL);
    kt_kariz_run(path, "add", "--company", "Bletchley", "--value", "5000", "--owner", "alice",
                 "--force", "Alan Turing", NULL); /* alice has no account here */
    kt_kariz_run(path, "add", "--company", "Sperry", "--value", "8000", "--owner", "alice",
                 "--set", "employees=200", "Jean Bartik", NULL);
    kt_kariz_run(path, "add", "--company", "Xerox", "--value", "12000", "Alan Kay", NULL);
    setenv("KARIZ_NOW", "2025-03-05 10:00", 1);
    kt_kariz_run(path, "move", "2", "prospect", NULL);
    kt_kariz_run(path, "move", "4", "prospect", NULL);
    kt_kariz_run(path, "log", "2", "call", "answered", NULL);
    kt_kariz_run(path, "log", "2", "email", "replied", NULL);
    kt_kariz_run(path, "log", "3", "call", "no_answer", NULL);
    kt_kariz_run(path, "log", "1", "meeting", "held", NULL);
    setenv("KARIZ_NOW", "2025-03-11 10:00", 1);
    kt_kariz_run(path, "won", "2", "--force", "--reason", "signed", NULL);
    kt_kariz_run(path, "lost", "3", "--reason", "price", NULL);
    kt_kariz_run(path, "lost", "5", "--reason", "competitor", NULL);
    kt_kariz_run(path, "lost", "4", "--reason", "price", NULL);
    unsetenv("KARIZ_NOW");
    return path;
}

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

/* The screen row holding text (fails when absent). */
static int row_of(kt_term *t, const char *text)
{
    int row, col;
    if (!kt_find(t, text, &row, &col)) {
        kt_dump(t);
        fail_msg("\"%s\" is not on the screen", text);
    }
    return row;
}

/* No row of the screen is wider than the terminal, and the rightmost
 * column is blank on every row between the title and the status line (the
 * report keeps a margin). */
static void assert_within_width(kt_term *t)
{
    for (int y = 1; y < kt_rows(t) - 2; y++) {
        const char *s = kt_screen_row(t, y);
        size_t n = strlen(s);
        while (n && s[n - 1] == ' ')
            n--;
        int cols = 0;
        for (size_t i = 0; i < n; i++)
            if (((unsigned char)s[i] & 0xC0) != 0x80)
                cols++;
        if (cols > kt_cols(t) - 1) {
            kt_dump(t);
            fail_msg("row %d uses %d columns of %d", y, cols, kt_cols(t));
        }
    }
}

static void test_open_every_report_and_back(void **state)
{
    (void)state;
    const char *db = make_db("every.db");
    kt_term *t = kt_board(40, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "R");
    kt_wait_for(t, "[1 funnel]");
    kt_wait_for(t, "Funnel, all time");
    kt_wait_for(t, "Leads per stage now");
    kt_wait_for(t, "Conversion between stages");
    kt_wait_for(t, "40.0%"); /* two of the five leads reached prospect */
    kt_wait_gone(t, "Ada Lovelace");

    kt_send(t, "2");
    kt_wait_for(t, "[2 forecast]");
    kt_wait_for(t, "Forecast, all time");
    kt_wait_for(t, "Open pipeline by expected close month");
    kt_wait_for(t, "no date");

    kt_send(t, "3");
    kt_wait_for(t, "[3 velocity]");
    kt_wait_for(t, "Time spent in each stage");
    kt_wait_for(t, "10.0d"); /* stays in lead: 4, 4, 10, 10 days and Ada's */

    kt_send(t, "4");
    kt_wait_for(t, "[4 losses]");
    kt_wait_for(t, "Lost deals by reason");
    kt_wait_for(t, "competitor");
    kt_wait_for(t, "66.7%"); /* two of three lost on price */

    kt_send(t, "5");
    kt_wait_for(t, "[5 channels]");
    kt_wait_for(t, "Response rate per channel");
    kt_wait_for(t, "phone");

    kt_send(t, "6");
    kt_wait_for(t, "[6 scoring]");
    kt_wait_for(t, "Win rate of closed deals per grade band");
    kt_wait_for(t, "25.0%"); /* one won of four closed */

    /* letters pick reports too */
    kt_send(t, "f");
    kt_wait_for(t, "Funnel, all time");
    kt_send(t, "F");
    kt_wait_for(t, "Forecast, all time");
    kt_send(t, "v");
    kt_wait_for(t, "Velocity, all time");
    kt_send(t, "l");
    kt_wait_for(t, "Losses, all time");
    kt_send(t, "c");
    kt_wait_for(t, "Channels, all time");
    kt_send(t, "s");
    kt_wait_for(t, "Lead scoring, all time");
    kt_send(t, "7");
    kt_wait_for(t, "[7 stakeholders]");
    kt_wait_for(t, "Closed deals by champion");
    kt_wait_for(t, "Closed deals by access to the decision maker");
    kt_send(t, "S");
    kt_wait_for(t, "Stakeholder coverage, all time");

    /* Tab and BackTab cycle, wrapping at both ends */
    kt_send(t, "\t");
    kt_wait_for(t, "Funnel, all time");
    kt_send(t, "\t");
    kt_wait_for(t, "Forecast, all time");
    kt_send(t, "\x1b[Z"); /* BackTab */
    kt_wait_for(t, "Funnel, all time");
    kt_send(t, "\x1b[Z");
    kt_wait_for(t, "Stakeholder coverage, all time");

    /* a lead action is not for this screen */
    kt_send(t, ">");
    kt_wait_for(t, "move-next works on the board");
    kt_wait_for(t, "Stakeholder coverage, all time");

    /* q returns to the board; Esc too */
    kt_send(t, "q");
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_gone(t, "Lead scoring");
    kt_send(t, "R");
    kt_wait_for(t, "Funnel, all time");
    kt_send(t, "\x1b");
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_gone(t, "Funnel, all time");
    kt_finish(t, "q");
}

static void test_scrolls(void **state)
{
    (void)state;
    const char *db = make_db("scroll.db");
    kt_term *t = kt_board(15, 100, db, NULL); /* 12 rows: the funnel does not fit */
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "R");
    kt_wait_for(t, "Funnel, all time");
    kt_wait_gone(t, "Reached: leads");
    kt_send(t, "G");
    kt_wait_for(t, "Reached: leads");
    kt_wait_gone(t, "Funnel, all time");
    kt_send(t, "g");
    kt_wait_for(t, "Funnel, all time");
    kt_send(t, "j");
    kt_wait_gone(t, "Funnel, all time");
    kt_wait_for(t, "Leads per stage now");
    kt_send(t, "k");
    kt_wait_for(t, "Funnel, all time");
    kt_send(t, "\x1b[6~"); /* PgDn */
    kt_wait_gone(t, "Funnel, all time");
    kt_send(t, "\x1b[5~"); /* PgUp */
    kt_wait_for(t, "Funnel, all time");
    kt_finish(t, "qq");
}

static void test_resize_redraws_within_width(void **state)
{
    (void)state;
    const char *db = make_db("resize.db");
    kt_term *t = kt_board(40, 160, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "R");
    kt_wait_for(t, "Conversion between stages");
    /* wide: the stages reached have bars, beside the column they measure */
    kt_wait_for(t, "Lead               5  " FULL_BLOCK);
    assert_within_width(t);

    /* narrow: the columns take the width, the bars of that table go */
    kt_resize(t, 40, 60);
    kt_wait_for(t, "later one (a lead that skipped a stage counts as having");
    kt_wait_for(t, "40.0%");
    assert_null(strstr(kt_screen_row(t, row_of(t, "40.0%")), FULL_BLOCK));
    assert_within_width(t);
    /* the stage counts keep a bar */
    kt_wait_for(t, "Lost             3  " FULL_BLOCK);

    /* too small, then back: the report again */
    kt_resize(t, 10, 40);
    kt_wait_for(t, "terminal too small");
    kt_resize(t, 40, 160);
    kt_wait_for(t, "Reached: leads that entered the stage in the period, or a later one");
    kt_wait_for(t, "Lead               5  " FULL_BLOCK);
    assert_within_width(t);
    kt_finish(t, "qq");
}

static void test_ascii_bars_outside_utf8(void **state)
{
    (void)state;
    const char *db = make_db("ascii.db");
    const char *argv[] = {"/usr/bin/env", "LANG=C", "LC_ALL=C", kt_kariz(), "--db", db, NULL};
    kt_term *t = kt_start(argv, 40, 100);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "R4");
    kt_wait_for(t, "Lost deals by reason");
    kt_wait_for(t, "competitor");
    kt_wait_for(t, "1  ###"); /* competitor: one of three, a '#' bar beside LOST */
    for (int y = 0; y < kt_rows(t); y++)
        if (strstr(kt_screen_row(t, y), "\xe2\x96")) { /* U+2580..U+25BF: blocks */
            kt_dump(t);
            fail_msg("row %d has a block character in the C locale", y);
        }
    kt_finish(t, "qq");
}

static void test_mine_and_period(void **state)
{
    (void)state;
    const char *db = make_db("filters.db");
    kt_term *t = kt_board(40, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "R4");
    kt_wait_for(t, "Losses, all time");
    kt_wait_for(t, "price");
    /* only my leads: alice's two losses on price drop out */
    kt_send(t, "o");
    kt_wait_for(t, "reports count only your leads");
    kt_wait_for(t, "  mine");
    kt_wait_for(t, "Losses, all time, owner ");
    kt_wait_gone(t, "price");
    kt_wait_for(t, "competitor");
    kt_wait_for(t, "100.0%");
    /* the filter stays when switching reports */
    kt_send(t, "1");
    kt_wait_for(t, "Funnel, all time, owner ");
    kt_send(t, "4o");
    kt_wait_for(t, "reports count every owner's leads");
    kt_wait_for(t, "price");

    /* the period: everything happened long before the last 30 days */
    kt_send(t, "p");
    kt_wait_for(t, "last 90 days");
    kt_send(t, "3");
    kt_wait_for(t, "reports over last 30 days");
    kt_wait_gone(t, "Losses, all time");
    kt_wait_for(t, "(nothing in this period)");
    kt_wait_gone(t, "competitor");
    kt_send(t, "p");
    kt_wait_for(t, "this year");
    kt_send(t, "a");
    kt_wait_for(t, "Losses, all time");
    kt_wait_for(t, "competitor");
    kt_finish(t, "qq");
}

/* Periods read backwards from today, picked from the menu or typed: with
 * the clock on Friday 2025-03-14, "this week" holds the losses of Tuesday
 * the 11th, "last week" none; "mon" is the last Monday; a period that does
 * not read is refused with all that was expected, shown whole above the
 * report until the next key, and the filter stays. */
static void test_typed_period(void **state)
{
    (void)state;
    const char *db = make_db("periods.db");
    setenv("KARIZ_NOW", "2025-03-14 10:00", 1);
    kt_term *t = kt_board(40, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "R4");
    kt_wait_for(t, "competitor");
    kt_send(t, "p");
    kt_wait_for(t, "last quarter");
    kt_send(t, "l");
    kt_wait_for(t, "reports over last week");
    kt_wait_for(t, "(nothing in this period)");
    kt_wait_gone(t, "competitor");
    kt_send(t, "pw");
    kt_wait_for(t, "reports over this week");
    kt_wait_for(t, "competitor");
    kt_send(t, "p/");
    kt_wait_for(t, "period (last week, -7d, mon");
    kt_send(t, "\x15-3d\r"); /* Ctrl-U clears the line: since Tuesday the 11th */
    kt_wait_for(t, "reports over -3d");
    kt_wait_for(t, "competitor");
    kt_send(t, "p/\x15wed\r"); /* the last Wednesday: the 12th, after the losses */
    kt_wait_for(t, "reports over wed");
    kt_wait_for(t, "(nothing in this period)");
    kt_send(t, "p/\x15next fortnight\r");
    kt_wait_for(t, "cannot read period \"next fortnight\"");
    kt_wait_for(t, "  wed");
    /* the whole message, wrapped above the report: the forms at its end too */
    kt_wait_for(t, "period not changed");
    kt_wait_for(t, "YYYY-MM-DD) or a period");
    kt_wait_for(t, "months), or in Persian");
    assert_true(row_of(t, "months), or in Persian") <
                row_of(t, "(nothing in this period)"));
    kt_send(t, "j"); /* the next key: the report alone again */
    kt_wait_gone(t, "cannot read period");
    kt_finish(t, "qq");
    unsetenv("KARIZ_NOW");
}

static void test_new_data_recomputes(void **state)
{
    (void)state;
    const char *db = make_db("live.db");
    kt_term *t = kt_board(40, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "R4");
    kt_wait_for(t, "Lost deals by reason");
    kt_wait_gone(t, "timing");
    /* another kariz loses Ada's deal: the open report follows */
    kt_kariz_run(db, "lost", "1", "--reason", "timing", NULL);
    kt_wait_for(t, "timing");
    kt_finish(t, "qq");
}

static void test_no_color_and_colour_roles(void **state)
{
    (void)state;
    const char *db = make_db("colour.db");
    kt_term *t = kt_board(40, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "R");
    kt_wait_for(t, "Leads per stage now");
    kt_wait_for(t, FULL_BLOCK);
    int row, col;
    assert_true(kt_find(t, "Leads per stage now", &row, &col));
    assert_true(kt_cell_coloured(t, row, col));
    assert_true(kt_find(t, FULL_BLOCK, &row, &col));
    assert_true(kt_cell_coloured(t, row, col));
    kt_finish(t, "qq");

    setenv("NO_COLOR", "1", 1);
    t = kt_board(40, 120, db, NULL);
    unsetenv("NO_COLOR");
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "R");
    kt_wait_for(t, "Leads per stage now");
    assert_true(kt_find(t, "Leads per stage now", &row, &col));
    assert_false(kt_cell_coloured(t, row, col));
    assert_true(kt_cell_bold(t, row, col));
    kt_wait_for(t, FULL_BLOCK);
    assert_true(kt_find(t, FULL_BLOCK, &row, &col));
    assert_false(kt_cell_coloured(t, row, col));
    kt_finish(t, "qq");
}

static void test_help_over_reports_and_read_only(void **state)
{
    (void)state;
    const char *db = make_db("help.db");
    kt_term *t = kt_board(90, 130, db, "--read-only", NULL);
    kt_wait_for(t, "READ-ONLY");
    kt_send(t, "R3");
    kt_wait_for(t, "Velocity, all time");
    kt_wait_for(t, "READ-ONLY"); /* the banner stays */
    /* ? lists the report keys; closing it comes back to the report */
    kt_send(t, "?");
    kt_wait_for(t, "Reports");
    kt_wait_for(t, "report-velocity");
    kt_wait_for(t, "3 v ");
    kt_wait_for(t, "<Tab>");
    kt_send(t, "q");
    kt_wait_for(t, "Velocity, all time");
    kt_send(t, "q");
    kt_wait_for(t, "Ada Lovelace");
    kt_finish(t, "q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_every_report_and_back),
        cmocka_unit_test(test_scrolls),
        cmocka_unit_test(test_resize_redraws_within_width),
        cmocka_unit_test(test_ascii_bars_outside_utf8),
        cmocka_unit_test(test_mine_and_period),
        cmocka_unit_test(test_typed_period),
        cmocka_unit_test(test_new_data_recomputes),
        cmocka_unit_test(test_no_color_and_colour_roles),
        cmocka_unit_test(test_help_over_reports_and_read_only),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
