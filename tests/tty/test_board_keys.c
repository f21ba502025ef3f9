/* test_board_keys.c - the board and its terminal: the board and triage stop
 * when their terminal goes away, with or without a SIGHUP, and leave no
 * presence behind. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static const char *make_db(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s", kt_path(name));
    kt_kariz_run(path, "add", "--company", "Analytical Engines", "--value", "1000", "--stage",
                 "lead", "--set", "employees=200", "Ada Lovelace", NULL);
    kt_kariz_run(path, "add", "--company", "Navy", "--stage", "lead", "Grace Hopper", NULL);
    return path;
}

/* One value from the database through the sqlite3 shell; static buffer. */
static const char *sql(const char *db, const char *query)
{
    static char out[256];
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"%s\"", db, query);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    out[0] = '\0';
    if (!fgets(out, sizeof out, p))
        out[0] = '\0';
    assert_int_equal(pclose(p), 0);
    out[strcspn(out, "\n")] = '\0';
    return out;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_board_leaves_when_terminal_closes_without_sighup),
        cmocka_unit_test(test_triage_leaves_when_terminal_closes),
        cmocka_unit_test(test_menu_leaves_when_terminal_closes_without_sighup),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    kt_cleanup();
    return rc;
}
