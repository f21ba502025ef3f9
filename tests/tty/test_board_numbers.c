/* test_board_numbers.c - numbers on the board read right at a glance:
 * column totals side by side in one scale, amounts typed as the board
 * prints them, scroll marks that never cover a card's text, the needed
 * size in a terminal too small for the board, and the sort key's figure on
 * every card. */
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
    return 0;
}

/* 1,012,000 and 1,080,000 side by side: cut to one decimal both read
 * "1.0M"; rounded, in one scale for the row, they differ. */
static void test_header_totals_share_a_scale(void **state)
{
    (void)state;
    const char *db = kt_db("totals.db");
    kt_kariz_run(db, "add", "--value", "1,012,000", "--stage", "lead", "Ada Lovelace", NULL);
    kt_kariz_run(db, "add", "--value", "1.08M", "--stage", "prospect", "Alan Turing", NULL);
    kt_term *t = kt_board(30, 200, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_for(t, "Alan Turing");
    int row, col;
    assert_true(kt_find(t, "Lead 1", &row, &col));
    const char *totals = kt_screen_row(t, row + 1);
    if (!strstr(totals, "1.01M") || !strstr(totals, "1.08M")) {
        kt_dump(t);
        fail_msg("the totals row reads \"%s\"", totals);
    }
    kt_finish(t, "q");
}

/* The rules' currency is shown with every amount on the board, and an
 * amount typed with it is taken. */
static void test_currency_from_rules(void **state)
{
    (void)state;
    const char *rules = kt_path("eur-rules.yaml");
    FILE *f = fopen(rules, "w");
    assert_non_null(f);
    fputs("currency: EUR\n"
          "stages:\n"
          "  - {name: lead, probability: 10}\n"
          "  - {name: won, probability: 100, kind: won}\n"
          "  - {name: lost, probability: 0, kind: lost}\n",
          f);
    fclose(f);
    const char *db = kt_db("currency.db");
    kt_kariz_run(db, "--rules", rules, "add", "--value", "45k EUR", "Grace Hopper", NULL);
    kt_term *t = kt_board(30, 120, db, "--rules", rules, NULL);
    kt_wait_for(t, "Grace Hopper");
    kt_wait_for(t, "45.0k EUR  weighted 4.5k EUR"); /* one scale for the row */
    kt_wait_for(t, "45k EUR  root"); /* the card, on its own */
    /* narrow columns: a shorter form of the totals, never a cut amount */
    kt_resize(t, 30, 72); /* three columns of 24 */
    kt_wait_for(t, "45.0k EUR / 4.5k EUR");
    kt_finish(t, "q");
}

/* 21 rows leave the board 18: four cards, the last one's gap off the
 * screen; the "more below" mark must not land on that card's text. */
static bool four_last_lines(kt_term *t, void *arg)
{
    (void)arg;
    int n = 0;
    for (int y = 0; y < kt_rows(t); y++) {
        const char *line3 = strstr(kt_screen_row(t, y), "1,000  root");
        n += line3 && strstr(line3, "0d");
    }
    return n >= 4;
}

static void test_scroll_mark_leaves_cards_whole(void **state)
{
    (void)state;
    const char *db = kt_db("long.db");
    for (int i = 1; i <= 8; i++) {
        char name[32];
        snprintf(name, sizeof name, "Person %02d", i);
        kt_kariz_run(db, "add", "--company", "Many", "--value", "1000", "--stage", "lead", name,
                     NULL);
    }
    kt_term *t = kt_board(21, 100, db, NULL);
    kt_wait_for(t, "Lead 8");
    kt_wait_for(t, "Person 04");
    kt_wait_for(t, "\xe2\x86\x93"); /* the down arrow */
    /* the screen may arrive in pieces: wait for four cards' last lines, each
     * with its days in stage (the hang guard shows the screen when one never
     * gets them) */
    kt_wait_until(t, four_last_lines, NULL, "four cards' last lines");
    int cards = 0;
    for (int y = 0; y < kt_rows(t); y++) {
        const char *r = kt_screen_row(t, y);
        const char *line3 = strstr(r, "1,000  root");
        if (line3) {
            /* every card's last line keeps its days in stage */
            cards++;
            if (!strstr(line3, "0d")) {
                char row[512];
                snprintf(row, sizeof row, "%s", r); /* kt_dump reuses the row buffer */
                kt_dump(t);
                fail_msg("row %d lost its days in stage: \"%s\"", y, row);
            }
        }
    }
    assert_int_equal(cards, 4);
    kt_finish(t, "q");
}

/* Ten columns: the message still says what size kariz needs. */
static void test_too_small_says_size_when_narrow(void **state)
{
    (void)state;
    const char *db = kt_db("narrow.db");
    kt_kariz_run(db, "add", "Ada Lovelace", NULL);
    kt_term *t = kt_board(8, 10, db, NULL);
    kt_wait_for(t, "need 60x15");
    kt_resize(t, 8, 30);
    kt_wait_for(t, "too small: needs 60x15");
    kt_resize(t, 30, 100);
    kt_wait_for(t, "Ada Lovelace");
    kt_finish(t, "q");
}

/* A value the form cannot read is asked again with what was typed. */
static void test_new_lead_keeps_a_bad_value(void **state)
{
    (void)state;
    const char *db = kt_db("form.db");
    kt_kariz_run(db, "add", "Ada Lovelace", NULL);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "a");
    kt_wait_for(t, "new lead: name:");
    kt_send(t, "Katherine Johnson\r");
    kt_wait_for(t, "company:");
    kt_send(t, "NASA\r");
    kt_wait_for(t, "deal value:");
    kt_send(t, "12kk\r");
    kt_wait_for(t, "\"12kk\" is not an amount (expected e.g. 12500, 12,500.50, 45k or 1.2M); "
                   "mend it, or Esc to cancel");
    kt_wait_for(t, "deal value: 12kk");
    /* what was typed comes back ready to mend, not selected: one backspace
     * mends it to 12k */
    assert_false(kt_contains(t, "typing replaces it"));
    kt_send(t, "\x7f\r");
    kt_wait_for(t, "Katherine Johnson");
    kt_wait_for(t, "12k  root");
    kt_finish(t, "q");
}

/* A value the edit prompt (e) refuses comes back as typed, ready to mend,
 * and nothing is saved until it is mended. */
static void test_edit_keeps_a_bad_value(void **state)
{
    (void)state;
    const char *db = kt_db("editmend.db");
    kt_kariz_run(db, "add", "--value", "500", "Ada Lovelace", NULL);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "value\r");
    kt_wait_for(t, "value: 500");
    kt_send(t, "12kk\r");
    kt_wait_for(t, "mend it, or Esc to cancel");
    kt_wait_for(t, "value: 12kk");
    assert_false(kt_contains(t, "typing replaces it"));
    assert_string_equal(kt_sql(db, "SELECT value FROM leads WHERE id = 1"), "50000"); /* cents */
    kt_send(t, "\x7f\r");
    kt_wait_for(t, "value of Ada Lovelace saved");
    assert_string_equal(kt_sql(db, "SELECT value FROM leads WHERE id = 1"), "1200000");
    kt_finish(t, "q");
}

/* The detail view reads in words: activity outcomes, field names and
 * amounts, never the names kariz stores. */
static void test_detail_in_words(void **state)
{
    (void)state;
    const char *db = kt_db("words.db");
    kt_kariz_run(db, "add", "--value", "12500", "Ava Smith", NULL);
    kt_kariz_run(db, "log", "1", "call", "no_answer", NULL);
    kt_kariz_run(db, "set", "1", "value=1234567.89", "next_due=2026-11-25", NULL);
    kt_term *t = kt_board(90, 120, db, NULL);
    kt_wait_for(t, "Ava Smith");
    kt_send(t, "\r");
    kt_wait_for(t, "call, no answer by");
    kt_wait_for(t, "changed value: 12,500 -> 1,234,567.89");
    kt_wait_for(t, "next due");
    kt_wait_for(t, "1,234,567.89");
    for (int y = 0; y < kt_rows(t); y++) {
        const char *r = kt_screen_row(t, y);
        /* (the score explanation quotes the evidence a rule matched as is) */
        if (strstr(r, "next_due") ||
            (strstr(r, "no_answer") && !strstr(r, "\"call no_answer\""))) {
            char row[512];
            snprintf(row, sizeof row, "%s", r); /* kt_dump reuses the row buffer */
            kt_dump(t);
            fail_msg("row %d shows an internal name: %s", y, row);
        }
    }
    kt_finish(t, "qq");
}

/* Sorted by due date, every card shows when its next step is due. */
static void test_due_sort_shows_due_dates(void **state)
{
    (void)state;
    setenv("KARIZ_NOW", "2026-11-20 10:00", 1);
    const char *db = kt_db("due.db");
    kt_kariz_run(db, "add", "--value", "1000", "--company", "Analytical Engines", "--set",
                 "next_due=2026-11-23", "Ada Lovelace", NULL);
    kt_kariz_run(db, "add", "--value", "2000", "--set", "next_due=2026-11-18", "Alan Turing",
                 NULL);
    kt_kariz_run(db, "add", "--value", "3000", "Grace Hopper", NULL);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Grace Hopper");
    assert_false(kt_contains(t, "due in 3d"));
    kt_send(t, "s");
    kt_wait_for(t, "sort cards by");
    kt_send(t, "d");
    kt_wait_for(t, "cards sorted by due date");
    kt_wait_for(t, "due 2d ago");
    kt_wait_for(t, "due in 3d  Analytica"); /* before the company */
    kt_wait_for(t, "no due date");
    kt_wait_for(t, "2,000  root"); /* the amounts stay whole */
    kt_wait_for(t, "3,000  root");
    int alan, ada, grace, col;
    assert_true(kt_find(t, "Alan Turing", &alan, &col));
    assert_true(kt_find(t, "Ada Lovelace", &ada, &col));
    assert_true(kt_find(t, "Grace Hopper", &grace, &col));
    assert_true(alan < ada && ada < grace); /* soonest first, none last */
    kt_finish(t, "q");
    unsetenv("KARIZ_NOW");
}

/* The lost-reason picker lists the rules' reasons in words, and the
 * message after it says the reason so. */
static void test_lost_reasons_in_words(void **state)
{
    (void)state;
    const char *db = kt_db("reasons.db");
    kt_kariz_run(db, "add", "Ada Lovelace", NULL);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "L");
    kt_wait_for(t, "lost: why?");
    kt_wait_for(t, "no budget");
    kt_wait_for(t, "no decision");
    assert_false(kt_contains(t, "no_budget"));
    kt_send(t, "2"); /* the second of the default reasons: no_budget */
    kt_wait_for(t, "marked lost (no budget)");
    kt_finish(t, "q");
}

/* Notices of other people's changes name fields and touches in words. */
static void test_notices_in_words(void **state)
{
    (void)state;
    const char *db = kt_db("notices.db");
    kt_kariz_run(db, "add", "Ada Lovelace", NULL);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_kariz_run(db, "set", "1", "next_due=2027-01-04", NULL);
    kt_wait_for(t, "changed next due of Ada Lovelace");
    kt_kariz_run(db, "log", "1", "call", "no_answer", NULL);
    kt_wait_for(t, "logged call, no answer on Ada Lovelace");
    kt_finish(t, "q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_totals_share_a_scale),
        cmocka_unit_test(test_currency_from_rules),
        cmocka_unit_test(test_scroll_mark_leaves_cards_whole),
        cmocka_unit_test(test_too_small_says_size_when_narrow),
        cmocka_unit_test(test_new_lead_keeps_a_bad_value),
        cmocka_unit_test(test_edit_keeps_a_bad_value),
        cmocka_unit_test(test_detail_in_words),
        cmocka_unit_test(test_due_sort_shows_due_dates),
        cmocka_unit_test(test_lost_reasons_in_words),
        cmocka_unit_test(test_notices_in_words),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
