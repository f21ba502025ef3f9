/* test_board_keys.c - the board and its terminal: the board and triage stop
 * when their terminal goes away, with or without a SIGHUP, and leave no
 * presence behind; prompts: a pre-filled value is replaced by typing, a
 * misspelt field name is refused, an unknown owner is asked about. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static const char *make_db(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s", kt_db(name));
    kt_kariz_run(path, "add", "--company", "Analytical Engines", "--value", "1000", "--stage",
                 "lead", "--set", "employees=200", "Ada Lovelace", NULL);
    kt_kariz_run(path, "add", "--company", "Navy", "--stage", "lead", "Grace Hopper", NULL);
    return path;
}

/* One value from the database; static buffer. */
static const char *sql(const char *db, const char *query)
{
    return kt_sql(db, query);
}

/* The terminal closes under a board that never gets the SIGHUP: it notices
 * on its own, exits and clears its presence row. */
static void test_board_leaves_when_terminal_closes_without_sighup(void **state)
{
    (void)state;
    const char *db = make_db("gone.db");
    kt_block_sighup(true);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_block_sighup(false);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "\r"); /* a detail view: the presence row names the lead */
    kt_wait_for(t, "Analytical Engines");
    kt_wait_for(t, "Stakeholders");
    /* the board announces the open lead before it reads the next key: once
     * that key's answer is on screen the presence row is written */
    kt_send(t, "%");
    kt_wait_for(t, "% is not bound");
    assert_string_equal(sql(db, "SELECT count(*) FROM presence WHERE lead_id = 1"), "1");
    int st = kt_hangup(t);
    assert_true(WIFEXITED(st));
    assert_int_not_equal(WEXITSTATUS(st), 0);
    assert_string_equal(sql(db, "SELECT count(*) FROM presence"), "0");
}

/* The same for triage, in the middle of a prompt, with the SIGHUP sent. */
static void test_triage_leaves_when_terminal_closes(void **state)
{
    (void)state;
    const char *db = make_db("gone-triage.db");
    kt_term *t = kt_board(30, 120, db, "triage", NULL);
    kt_wait_for(t, "triage 1/");
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "half a note");
    kt_wait_for(t, "half a note");
    assert_string_equal(sql(db, "SELECT count(*) FROM presence WHERE lead_id > 0"), "1");
    int st = kt_hangup(t);
    assert_true(WIFEXITED(st));
    assert_string_equal(sql(db, "SELECT count(*) FROM presence"), "0");
    assert_string_equal(sql(db, "SELECT count(*) FROM activities WHERE kind = 'note'"), "0");
}

/* The same with SIGHUP blocked while a choice box waits for a key. */
static void test_menu_leaves_when_terminal_closes_without_sighup(void **state)
{
    (void)state;
    const char *db = make_db("gone-menu.db");
    kt_block_sighup(true);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_block_sighup(false);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "s");
    kt_wait_for(t, "sort");
    kt_wait_for(t, "due date");
    int st = kt_hangup(t);
    assert_true(WIFEXITED(st));
    assert_string_equal(sql(db, "SELECT count(*) FROM presence"), "0");
}

/* A pre-filled value is replaced by typing; End (or another movement key)
 * edits it instead. */
static void test_prefilled_value_replaced_by_typing(void **state)
{
    (void)state;
    const char *db = make_db("prefill.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "company\r");
    kt_wait_for(t, "company: Analytical Engines");
    kt_wait_for(t, "typing replaces it");
    int row, col;
    assert_true(kt_find(t, "Analytical Engines (typing", &row, &col));
    /* shown selected (reversed, or in the selection colours) */
    assert_true(kt_cell_reverse(t, row, col) || kt_cell_coloured(t, row, col));
    kt_send(t, "Babbage");
    kt_wait_for(t, "company: Babbage");
    kt_wait_gone(t, "typing replaces it");
    assert_true(kt_find(t, "company: Babbage", &row, &col));
    assert_false(kt_cell_reverse(t, row, col + 9) || kt_cell_coloured(t, row, col + 9));
    kt_send(t, "\r");
    kt_wait_for(t, "company of Ada Lovelace saved");
    assert_string_equal(sql(db, "SELECT company FROM leads WHERE id = 1"), "Babbage");
    /* End keeps the value to extend it */
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "company\r");
    kt_wait_for(t, "company: Babbage");
    kt_send(t, "\x1bOF"); /* End (keypad mode) */
    kt_wait_gone(t, "typing replaces it");
    kt_send(t, " Ltd\r");
    kt_wait_for(t, "company of Ada Lovelace saved");
    assert_string_equal(sql(db, "SELECT company FROM leads WHERE id = 1"), "Babbage Ltd");
    /* Backspace on the untouched value clears it all */
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "title\r");
    kt_wait_for(t, "title:");
    kt_send(t, "CTO\r");
    kt_wait_for(t, "title of Ada Lovelace saved");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "title\r");
    kt_wait_for(t, "title: CTO");
    kt_send(t, "\x7f" "VP\r");
    kt_wait_for(t, "title of Ada Lovelace saved");
    assert_string_equal(sql(db, "SELECT title FROM leads WHERE id = 1"), "VP");
    kt_finish(t, "q");
}

/* A misspelt field name is refused at once, naming the field it resembles. */
static void test_misspelt_field_refused_on_the_board(void **state)
{
    (void)state;
    const char *db = make_db("misspelt.db");
    kt_term *t = kt_board(30, 140, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "compnay\r");
    kt_wait_for(t, "did you mean company?");
    assert_false(kt_contains(t, "compnay:"));
    /* values are checked in the pipeline, on the board as in the CLI */
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "value\r");
    kt_wait_for(t, "value: 1000");
    kt_send(t, "-500\r");
    kt_wait_for(t, "\"-500\" is negative");
    kt_wait_for(t, "value: -500"); /* back to mend; Esc gives it up */
    kt_send(t, "\x1b");
    kt_wait_gone(t, "value: -500");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "status\r");
    kt_wait_for(t, "status:");
    kt_send(t, "qualifed\r");
    kt_wait_for(t, "status \"qualifed\" is not one of the rules' statuses (subscriber");
    kt_wait_for(t, "status: qualifed");
    kt_send(t, "\x1b");
    kt_wait_gone(t, "status: qualifed");
    assert_string_equal(sql(db, "SELECT value || ' ' || coalesce(status, '-') FROM leads WHERE id = 1"),
                        "100000 -");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "favourite_colour\r"); /* far from any field: a new custom field, said so */
    kt_wait_for(t, "favourite_colour:");
    kt_send(t, "blue\r");
    kt_wait_for(t, "new custom field favourite_colour of Ada Lovelace saved");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "favourite_colour\r"); /* the lead has it now: no longer new */
    kt_wait_for(t, "favourite_colour: blue");
    kt_send(t, "\x15" "green\r");
    kt_wait_for(t, "favourite_colour of Ada Lovelace saved");
    assert_false(kt_contains(t, "new custom field"));
    kt_finish(t, "q");
    assert_string_equal(sql(db, "SELECT value FROM custom_fields WHERE name = 'favourite_colour'"),
                        "green");
    assert_string_equal(sql(db, "SELECT count(*) FROM custom_fields WHERE name = 'compnay'"), "0");
}

/* Assigning to a name that is no known user asks first. */
static void test_assign_unknown_user_asks(void **state)
{
    (void)state;
    const char *db = make_db("assign.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    char owner[64];
    snprintf(owner, sizeof owner, "%s", sql(db, "SELECT owner FROM leads WHERE id = 1"));
    kt_send(t, "o");
    kt_wait_for(t, "owner (empty: unassigned):");
    kt_send(t, "nosuch_zq\r");
    kt_wait_for(t, "\"nosuch_zq\" is not a known user");
    kt_wait_for(t, "assign to nosuch_zq anyway");
    kt_send(t, "n");
    kt_wait_for(t, "owner unchanged");
    assert_string_equal(sql(db, "SELECT owner FROM leads WHERE id = 1"), owner);
    /* a name a letter from a user's: the question says whose */
    char typo[80], asked[200];
    snprintf(typo, sizeof typo, "%sx", owner);
    snprintf(asked, sizeof asked, "\"%s\" is not a known user (did you mean %s?)", typo, owner);
    kt_send(t, "o");
    kt_wait_for(t, "owner (empty: unassigned):");
    kt_send(t, "\x15");
    kt_send(t, typo);
    kt_send(t, "\r");
    kt_wait_for(t, asked);
    kt_send(t, "n");
    kt_wait_for(t, "owner unchanged");
    kt_send(t, "o");
    kt_wait_for(t, "owner (empty: unassigned):");
    kt_send(t, "nosuch_zq\r");
    kt_wait_for(t, "is not a known user");
    kt_send(t, "y");
    kt_wait_for(t, "Ada Lovelace assigned to nosuch_zq");
    kt_wait_for(t, "1,000  nosuch_zq"); /* the card shows the new owner */
    assert_string_equal(sql(db, "SELECT owner FROM leads WHERE id = 1"), "nosuch_zq");
    /* a known user is assigned without a question: an account here on
     * SQLite, a role that may change leads on PostgreSQL (where this
     * machine's accounts are not the database's users) */
    char known[64] = "daemon", msg[128];
    if (kt_on_pg()) {
        snprintf(known, sizeof known, "kzk%d", (int)getpid() % 100000);
        char q[256];
        snprintf(q, sizeof q, "CREATE ROLE %s LOGIN; GRANT SELECT, UPDATE ON leads TO %s", known,
                 known);
        kt_sql_exec(db, q);
    }
    kt_send(t, "o");
    kt_wait_for(t, "owner (empty: unassigned):");
    kt_send(t, "\x15");
    kt_send(t, known);
    kt_send(t, "\r");
    snprintf(msg, sizeof msg, "Ada Lovelace assigned to %s", known);
    kt_wait_for(t, msg);
    snprintf(msg, sizeof msg, "1,000  %s", known);
    kt_wait_for(t, msg);
    assert_false(kt_contains(t, "not a known user"));
    assert_string_equal(sql(db, "SELECT owner FROM leads WHERE id = 1"), known);
    /* editing the owner field asks the same */
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "owner\r");
    snprintf(msg, sizeof msg, "owner: %s", known);
    kt_wait_for(t, msg);
    kt_send(t, "ghost_zq\r");
    kt_wait_for(t, "\"ghost_zq\" is not a known user");
    kt_send(t, "\x1b");
    kt_wait_for(t, "owner unchanged");
    assert_string_equal(sql(db, "SELECT owner FROM leads WHERE id = 1"), known);
    if (kt_on_pg()) {
        char q[256];
        snprintf(q, sizeof q, "DROP OWNED BY %s; DROP ROLE %s", known, known);
        kt_sql_exec(db, q);
    }
    kt_finish(t, "q");
}

/* The help screen's rows between the title and the status line hold no
 * cut-off text (an ellipsis). */
static void assert_help_uncut(kt_term *t)
{
    for (int r = 1; r < kt_rows(t) - 2; r++)
        if (strstr(kt_screen_row(t, r), "\xe2\x80\xa6")) {
            kt_dump(t);
            fail_msg("help row %d is cut off: %s", r, kt_screen_row(t, r));
        }
}

/* Waits until the screen is drawn in full: an unbound key's message on
 * the status line comes after every row above it. */
static void settle(kt_term *t)
{
    kt_send(t, "%");
    kt_wait_for(t, "% is not bound");
}

/* Pages through the help to its end, checking every screen; the last
 * line is the last dialog action's. */
static void page_through_help(kt_term *t)
{
    kt_wait_for(t, " kariz  help  1-");
    settle(t);
    assert_help_uncut(t);
    /* the title says where the screen is: "help  1-20 of 83" */
    size_t first = 0, last = 0, total = 1;
    for (int i = 0; i < 40 && last < total; i++) {
        kt_send(t, "\x1b[6~"); /* PgDown: its repaint clears the message */
        kt_wait_gone(t, "% is not bound");
        assert_int_equal(sscanf(kt_screen_row(t, 0), " kariz  help  %zu-%zu of %zu", &first,
                                &last, &total),
                         3);
        assert_help_uncut(t);
        settle(t);
    }
    kt_wait_for(t, " retry            database locked");
}

/* `?` lists the keys of the view it is pressed in, and nothing is cut off,
 * at 80x24 and at the smallest size. */
static void test_help_per_view_and_small(void **state)
{
    (void)state;
    const char *db = make_db("help-views.db");
    kt_term *t = kt_board(24, 80, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "?");
    kt_wait_for(t, "Keys on the board.");
    page_through_help(t);
    assert_false(kt_contains(t, "report-funnel"));
    kt_send(t, "q");
    kt_wait_gone(t, "Keys on the board.");

    /* a lead's detail view: lead actions, no board filters */
    kt_send(t, "\r");
    kt_wait_for(t, "Stakeholders");
    kt_send(t, "?");
    kt_wait_for(t, "Keys in a lead's detail view.");
    assert_false(kt_contains(t, "toggle-closed"));
    assert_false(kt_contains(t, "(unbound)"));
    kt_send(t, "\x1b[6~");
    kt_wait_for(t, "move-next");
    assert_false(kt_contains(t, "filter-mine"));
    kt_send(t, "G");
    kt_wait_for(t, "conflict-reapply");
    settle(t);
    assert_false(kt_contains(t, "filter-mine"));
    assert_false(kt_contains(t, " search "));
    assert_help_uncut(t);
    kt_send(t, "qq");
    kt_wait_gone(t, "Stakeholders");

    /* the report screen: its reports, no lead actions */
    kt_send(t, "R");
    kt_wait_for(t, "funnel");
    kt_send(t, "?");
    kt_wait_for(t, "Keys on the report screen.");
    kt_send(t, "\x1b[6~");
    kt_wait_for(t, "report-funnel");
    assert_false(kt_contains(t, "move-next"));
    kt_send(t, "G");
    kt_wait_for(t, "retry");
    settle(t);
    assert_false(kt_contains(t, "log-call"));
    assert_help_uncut(t);
    kt_send(t, "qq");
    kt_wait_for(t, "Ada Lovelace");

    /* the smallest terminal kariz accepts */
    kt_resize(t, 15, 60);
    kt_send(t, "t");
    kt_wait_for(t, "triage 1/");
    kt_send(t, "?");
    kt_wait_for(t, "Keys in triage");
    page_through_help(t);
    kt_send(t, "g");
    kt_wait_for(t, "Keys in triage");
    kt_wait_for(t, " kariz  help  1-");
    for (int i = 0; i < 80 && !kt_contains(t, " claim "); i++) {
        char before[256];
        snprintf(before, sizeof before, "%s", kt_screen_row(t, 0));
        kt_send(t, "j");
        kt_wait_gone(t, before);
        kt_pump(t);
    }
    kt_wait_for(t, " claim ");
    kt_finish(t, "qqq");
}

/* In triage the lead actions keep their keys: e edits, m logs a meeting;
 * claim is C. */
static void test_triage_keys_mean_what_they_mean_on_the_board(void **state)
{
    (void)state;
    const char *db = make_db("triage-keys.db");
    kt_kariz_run(db, "add", "--owner", "-", "Una Assigned", NULL);
    kt_term *t = kt_board(30, 120, db, "triage", NULL);
    kt_wait_for(t, "triage 1/");
    kt_wait_for(t, "C claim"); /* the key bar shows triage's own keys */
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "\x1b");
    kt_wait_gone(t, "edit field");
    kt_send(t, "m");
    kt_wait_for(t, "meeting with Ada Lovelace: outcome?");
    kt_send(t, "\x1b");
    kt_wait_gone(t, "meeting with Ada Lovelace: outcome?");
    kt_send(t, "@");
    kt_wait_for(t, "email with Ada Lovelace: outcome?");
    kt_send(t, "\x1b");
    kt_wait_gone(t, "email with Ada Lovelace: outcome?");
    kt_finish(t, "qq");
}

/* The keys of prompts and dialogs come from keys.conf's dialog keymap. */
static void test_dialog_keys_rebindable(void **state)
{
    (void)state;
    const char *db = make_db("dialog-keys.db");
    char dir[600], path[700];
    snprintf(dir, sizeof dir, "%s/config/kariz", kt_tmpdir());
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/keys.conf", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("bind dialog <C-x> accept\n"
          "unbind dialog <End>\n"
          "bind dialog <C-r> edit-value\n"
          "unbind dialog y\n"
          "bind dialog Y yes\n",
          f);
    fclose(f);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "n");
    kt_wait_for(t, "note");
    kt_send(t, "bound accept\x18"); /* ^X accepts */
    kt_wait_for(t, "note added to Ada Lovelace");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "company\r");
    kt_wait_for(t, "company: Analytical Engines (typing replaces it");
    kt_send(t, "\x12 Ltd\r"); /* ^R keeps the value */
    kt_wait_for(t, "company of Ada Lovelace saved");
    assert_string_equal(sql(db, "SELECT company FROM leads WHERE id = 1"),
                        "Analytical Engines Ltd");
    kt_send(t, "o");
    kt_wait_for(t, "owner (empty: unassigned):");
    kt_send(t, "nosuch_zq\r");
    kt_wait_for(t, "is not a known user");
    kt_wait_for(t, "Y   assign to nosuch_zq anyway");
    kt_send(t, "Y");
    kt_wait_for(t, "Ada Lovelace assigned to nosuch_zq");
    kt_wait_for(t, "1,000  nosuch_zq"); /* the card shows the new owner */
    assert_string_equal(sql(db, "SELECT owner FROM leads WHERE id = 1"), "nosuch_zq");
    kt_send(t, "?");
    kt_wait_for(t, "Keys on the board.");
    kt_send(t, "G");
    kt_wait_for(t, "<C-x>");
    kt_finish(t, "qq");
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_board_leaves_when_terminal_closes_without_sighup),
        cmocka_unit_test(test_triage_leaves_when_terminal_closes),
        cmocka_unit_test(test_menu_leaves_when_terminal_closes_without_sighup),
        cmocka_unit_test(test_prefilled_value_replaced_by_typing),
        cmocka_unit_test(test_misspelt_field_refused_on_the_board),
        cmocka_unit_test(test_assign_unknown_user_asks),
        cmocka_unit_test(test_help_per_view_and_small),
        cmocka_unit_test(test_triage_keys_mean_what_they_mean_on_the_board),
        cmocka_unit_test(test_dialog_keys_rebindable),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    kt_cleanup();
    return rc;
}
