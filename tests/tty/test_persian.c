/* test_persian.c - the board under a Persian locale (fa_IR.UTF-8): the
 * right-to-left board (the first stage's column at the right edge), the
 * keys that move the cursor and the cards following the eye, labels on the
 * right in a lead's detail view, right-to-left text laid out by kariz
 * (bidi: kariz) or by the terminal, the key that switches between them,
 * and the Persian demo's names on the first screen. Dates and digits are
 * held Latin and Gregorian here (KARIZ_DIGITS, KARIZ_CALENDAR) and the
 * messages English (KARIZ_LOCALEDIR names a directory without the
 * catalogue): this file is about script and direction. */
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

static int setup(void **state)
{
    (void)state;
    kt_need_locale("fa_IR.UTF-8");
    kt_env_clear();
    kt_env("LANG", "fa_IR.UTF-8");
    kt_env("LC_ALL", "fa_IR.UTF-8");
    kt_env("KARIZ_DIGITS", "latin");
    kt_env("KARIZ_CALENDAR", "gregorian");
    kt_env("KARIZ_LOCALEDIR", kt_path("no-catalogue"));
    kt_env("KARIZ_BIDI", NULL);
    kt_env("KARIZ_DIRECTION", NULL);
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

/* Two leads in the first stage, one in the second (as test_board.c: Grace
 * fits the rules for a prospect) and one with a mixed name. */
static const char *make_db(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s", kt_db(name));
    kt_kariz_run(path, "add", "--company", "Analytical Engines", "--value", "1000", "--stage",
                 "lead", "Ada Lovelace", NULL);
    kt_kariz_run(path, "add", "--company", "Compilers Inc", "--value", "25000", "--stage", "lead",
                 "--set", "employees=200", "Grace Hopper", NULL);
    kt_kariz_run(path, "add", "--company", "Bletchley", "--value", "5000", "--stage", "prospect",
                 "Alan Turing", NULL);
    return path;
}

static int col_of(kt_term *t, const char *text)
{
    int row, col;
    if (!kt_find(t, text, &row, &col))
        fail_msg("\"%s\" is not on the screen", text);
    return col;
}

/* The first stage's column is the rightmost; its cards' text stands at the
 * right of the card. */
static void test_rtl_board_reads_right_to_left(void **state)
{
    (void)state;
    const char *db = make_db("rtl.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_for(t, "Alan Turing");
    int lead = col_of(t, "Ada Lovelace"), prospect = col_of(t, "Alan Turing");
    assert_true(lead > prospect);
    /* the first column ends at the right edge: its name ends within a few
     * columns of it (the score stands at the card's left) */
    assert_true(lead + (int)strlen("Ada Lovelace") >= 120 - 4);
    /* the column header, too, is at the right of its column */
    kt_wait_for(t, "Lead 2");
    assert_true(col_of(t, "Lead 2") > col_of(t, "Prospect 1"));
    kt_finish(t, "q");
}

/* h / <Left> go to the column on the left (the next stage); `<` moves the
 * card to the stage on its left (the next), `>` back to the right. */
static void test_rtl_keys_follow_the_eye(void **state)
{
    (void)state;
    const char *db = make_db("keys.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Lead 2");
    kt_wait_for(t, "< next stage"); /* the key bar says so */
    kt_send(t, "g<"); /* Grace, the first card, to the next stage: leftwards */
    kt_wait_for(t, "Prospect 2");
    kt_wait_for(t, "Lead 1");
    /* the cursor to the column on the left (Prospect), then that card back
     * to the stage on its right */
    kt_send(t, "hg>");
    kt_wait_for(t, "Prospect 1");
    kt_wait_for(t, "Lead 2");
    kt_finish(t, "q");
}

/* The detail view and triage agree with the board: `<` moves the lead to
 * the next stage, and the key bar and help say so. */
static void test_rtl_detail_and_triage_keys_as_the_board(void **state)
{
    (void)state;
    const char *db = make_db("detail-keys.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Lead 2");
    kt_send(t, "g\r"); /* Grace, in the first stage */
    kt_wait_gone(t, "Ada Lovelace");
    kt_wait_for(t, "< next stage");
    kt_wait_for(t, "> back a stage");
    kt_send(t, "<");
    kt_wait_for(t, "to Prospect");
    assert_false(kt_contains(t, "this is the first stage"));
    kt_send(t, "?");
    kt_wait_for(t, "move-next");
    kt_wait_for(t, "move-prev"); /* (the screen arrives in pieces) */
    int row, col;
    assert_true(kt_find(t, "move-next", &row, &col));
    assert_true(strstr(kt_screen_row(t, row), "<") != NULL);
    assert_true(kt_find(t, "move-prev", &row, &col));
    assert_true(strstr(kt_screen_row(t, row), ">") != NULL);
    kt_send(t, "q");
    kt_wait_gone(t, "move-next");
    kt_send(t, "q");
    kt_wait_for(t, "Prospect 2");
    /* triage: `<` advances Grace, the first in the queue, too (to the
     * opportunity stage, whose entry criteria she does not meet) */
    kt_send(t, "t");
    kt_wait_for(t, "triage 1/3");
    kt_send(t, "<");
    kt_wait_for(t, "refused: opportunity needs");
    kt_send(t, "\x1b");
    kt_wait_gone(t, "override?");
    kt_finish(t, "qq");
}

/* A won deal: the message names the key that reopens it, `>` on a
 * right-to-left board. */
static void test_rtl_reopen_key_named(void **state)
{
    (void)state;
    const char *db = make_db("reopen.db");
    kt_kariz_run(db, "won", "3", NULL);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Won 1");
    kt_send(t, "hhh"); /* lead, prospect, opportunity, won: leftwards */
    kt_send(t, "g<");
    kt_wait_for(t, "the deal is closed (Won); > reopens it");
    kt_finish(t, "q");
}

/* The first ASCII character after the first `marker` on the row, spaces
 * skipped: the key drawn beside a label that reads right to left. */
static char key_after(const char *row, const char *marker)
{
    const char *p = strstr(row, marker);
    if (!p)
        fail_msg("\"%s\" is not on the row \"%s\"", marker, row);
    for (p += strlen(marker); *p; p++)
        if ((unsigned char)*p < 0x80 && *p != ' ')
            return *p;
    return 0;
}

/* bidi: kariz under Persian messages: the key bar shows the key that is
 * pressed beside its label, never mirrored by the layout: `<` beside
 * مرحلهٔ بعد (its ع, medial form U+FECC), `>` beside مرحلهٔ قبل (its ق,
 * initial form U+FED7); so in the detail view. */
static void test_bidi_kariz_key_bar_not_mirrored(void **state)
{
    (void)state;
    const char *db = make_db("bidi-keys.db");
    kt_env("KARIZ_LOCALEDIR", getenv("KARIZ_LOCALEDIR"));
    kt_env("LANGUAGE", "fa");
    kt_env("KARIZ_BIDI", "kariz");
    kt_term *t = kt_board(30, 160, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_for(t, "\xef\xbb\x8c");
    assert_int_equal(key_after(kt_screen_row(t, 29), "\xef\xbb\x8c"), '<');
    assert_int_equal(key_after(kt_screen_row(t, 29), "\xef\xbb\x97"), '>');
    kt_send(t, "gj\r");
    kt_wait_gone(t, "Grace Hopper");
    kt_wait_for(t, "\xef\xbb\x8c");
    assert_int_equal(key_after(kt_screen_row(t, 29), "\xef\xbb\x8c"), '<');
    assert_int_equal(key_after(kt_screen_row(t, 29), "\xef\xbb\x97"), '>');
    kt_finish(t, "qq");
}

/* A lead's detail view: labels on the right, values to their left. */
static void test_rtl_detail_labels_on_the_right(void **state)
{
    (void)state;
    const char *db = make_db("detail.db");
    kt_term *t = kt_board(30, 100, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "gj\r"); /* Ada, the second card of the first column */
    kt_wait_gone(t, "Grace Hopper");
    kt_wait_for(t, "Ada Lovelace");
    /* the name heads the view at the right edge; the labels of the
     * fields stand right of their values (left to right, both would start
     * in the second column) */
    int row, col;
    assert_true(kt_find(t, "Ada Lovelace", &row, &col));
    assert_int_equal(col + (int)strlen("Ada Lovelace"), 100 - 1);
    assert_true(kt_find(t, "Analytical Engines", &row, &col));
    assert_true(col > 40);
    kt_finish(t, "qq");
}

/* Triage mirrored: the lead's name at the right edge, what follows it in
 * reading order to its left, the gap between them kept. */
static void test_rtl_triage(void **state)
{
    (void)state;
    const char *db = make_db("triage.db");
    kt_term *t = kt_board(30, 100, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "t");
    kt_wait_gone(t, "Alan Turing");
    kt_wait_for(t, "Grace Hopper"); /* the first in the queue: the highest score */
    int row, col;
    assert_true(kt_find(t, "Grace Hopper", &row, &col));
    assert_int_equal(col + (int)strlen("Grace Hopper"), 100 - 1);
    const char *r = kt_screen_row(t, row);
    /* the row is ASCII: bytes are columns */
    assert_true(col >= 3 && r[col - 1] == ' ' && r[col - 2] == ' ' && r[col - 3] != ' ');
    kt_finish(t, "qq");
}

/* bidi: kariz lays a mixed name out in visual order (Acme left, ltd right,
 * the Persian word between, its letters right to left and joined); the
 * terminal setting writes it in logical order; B switches and says which. */
static void test_bidi_kariz_visual_order(void **state)
{
    (void)state;
    const char *db = make_db("bidi.db");
    kt_kariz_run(db, "add", "--stage", "lead", "Acme " IRAN " ltd", NULL);
    kt_env("KARIZ_DIRECTION", "ltr");
    kt_env("KARIZ_BIDI", "kariz");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Acme " IRAN_VISUAL " ltd");
    assert_false(kt_contains(t, "Acme " IRAN " ltd"));
    kt_send(t, "B");
    kt_wait_for(t, "bidi: terminal");
    kt_wait_for(t, "Acme " IRAN " ltd");
    kt_send(t, "B");
    kt_wait_for(t, "bidi: kariz");
    kt_wait_for(t, "Acme " IRAN_VISUAL " ltd");
    kt_finish(t, "q");
}

/* bidi: kariz on the right-to-left board: the name is still in visual
 * order, at the right of its card. */
static void test_bidi_kariz_on_rtl_board(void **state)
{
    (void)state;
    const char *db = make_db("bidi-rtl.db");
    kt_kariz_run(db, "add", "--stage", "lead", "--value", "99000000", IRAN " ali@x.ir", NULL);
    kt_env("KARIZ_BIDI", "kariz");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "ali@x.ir " IRAN_VISUAL);
    assert_true(col_of(t, "ali@x.ir " IRAN_VISUAL) > col_of(t, "Alan Turing"));
    kt_finish(t, "q");
}

/* kariz list to a terminal with bidi: kariz: the name cell in visual
 * order; the terminal setting (and any pipe, see test_persian.sh) gets the
 * text as stored. */
static void test_cli_list_to_a_terminal(void **state)
{
    (void)state;
    const char *db = kt_db("cli.db");
    kt_kariz_run(db, "add", "--company", "Acme " IRAN " ltd", "Ada", NULL);
    const char *argv[] = {kt_kariz(), "--db", db, "list", NULL};
    kt_env("KARIZ_BIDI", "kariz");
    kt_term *t = kt_start(argv, 10, 120);
    kt_wait_for(t, "Acme " IRAN_VISUAL " ltd");
    assert_int_equal(kt_wait_exit(t), 0);
    kt_env("KARIZ_BIDI", "terminal");
    t = kt_start(argv, 10, 120);
    kt_wait_for(t, "Acme " IRAN " ltd");
    assert_int_equal(kt_wait_exit(t), 0);
}

/* kariz demo under the Persian locale: the first screen is in Persian. */
static void test_persian_demo_first_screen(void **state)
{
    (void)state;
    const char *db = kt_db("demo-fa.db");
    kt_kariz_run(db, "demo", NULL);
    kt_term *t = kt_board(40, 160, db, NULL);
    /* صنایع غذایی آریا, a company of the Persian demo */
    kt_wait_for(t, "\xd8\xb5\xd9\x86\xd8\xa7\xdb\x8c\xd8\xb9");
    /* the report screen's tables are not mirrored: they start at the left */
    kt_send(t, "R");
    kt_wait_for(t, "Conversion between stages");
    assert_int_equal(col_of(t, "Conversion between stages"), 1);
    kt_send(t, "q");
    kt_finish(t, "q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_rtl_board_reads_right_to_left, setup),
        cmocka_unit_test_setup(test_rtl_keys_follow_the_eye, setup),
        cmocka_unit_test_setup(test_rtl_detail_and_triage_keys_as_the_board, setup),
        cmocka_unit_test_setup(test_bidi_kariz_key_bar_not_mirrored, setup),
        cmocka_unit_test_setup(test_rtl_reopen_key_named, setup),
        cmocka_unit_test_setup(test_rtl_detail_labels_on_the_right, setup),
        cmocka_unit_test_setup(test_rtl_triage, setup),
        cmocka_unit_test_setup(test_bidi_kariz_visual_order, setup),
        cmocka_unit_test_setup(test_bidi_kariz_on_rtl_board, setup),
        cmocka_unit_test_setup(test_cli_list_to_a_terminal, setup),
        cmocka_unit_test_setup(test_persian_demo_first_screen, setup),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
