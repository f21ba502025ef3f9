/* test_board_faults.c - the board under faults: a storm of window-size
 * changes down to 1x1, and a full disk while working. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *make_db(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s", kt_db(name));
    kt_kariz_run(path, "add", "--company", "Analytical Engines", "--value", "1000",
                 "Ada Lovelace", NULL);
    kt_kariz_run(path, "add", "--company", "Compilers Inc", "--value", "25000", "--set",
                 "employees=200", "Grace Hopper", NULL);
    return path;
}

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

static void test_resize_storm_down_to_1x1(void **state)
{
    (void)state;
    const char *db = make_db("storm.db");
    kt_term *t = kt_board(30, 100, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    static const int sizes[][2] = {{1, 1}, {2, 3}, {15, 60}, {1, 200}, {200, 1}, {14, 59},
                                   {60, 240}, {3, 3}, {24, 80}, {1, 1}};
    for (int i = 0; i < 300; i++) {
        const int *s = sizes[(i * 7) % (int)(sizeof sizes / sizeof sizes[0])];
        kt_resize(t, s[0], s[1]);
        if (i % 25 == 0)
            kt_pump(t);
    }
    kt_resize(t, 1, 1);
    kt_pump(t);
    kt_resize(t, 30, 100);
    kt_wait_for(t, "Grace Hopper");
    kt_wait_for(t, "? help");
    /* still working: a key still does what it says */
    kt_send(t, "/");
    kt_wait_for(t, "search");
    kt_send(t, "\x1b");
    kt_finish(t, "q");
}

static void test_disk_full_while_working(void **state)
{
    (void)state;
    kt_skip_on_pg("a full disk is injected in SQLite's file layer (KARIZ_FAULT_WRITES)");
    const char *db = make_db("full.db");
    /* enough writes for the board to start, then the disk fills up */
    setenv("KARIZ_FAULT_WRITES", "40", 1);
    kt_term *t = kt_board(30, 120, db, NULL);
    unsetenv("KARIZ_FAULT_WRITES");
    kt_wait_for(t, "Ada Lovelace");
    int saved = 0;
    bool full = false;
    char line[64];
    for (int i = 0; i < 40 && !full; i++) {
        kt_send(t, "n");
        kt_wait_for(t, "note:");
        snprintf(line, sizeof line, "note number %d\r", i);
        kt_send(t, line);
        /* the status line says which: "note added" or the disk is full */
        kt_wait_gone(t, line[0] ? "note number" : "");
        while (!kt_contains(t, "note added") && !kt_contains(t, "disk full"))
            kt_pump(t);
        if (kt_contains(t, "disk full")) {
            full = true;
        } else {
            saved++;
            kt_send(t, "\x0c"); /* redraw: clears the status line for the next round */
            kt_wait_gone(t, "note added");
        }
    }
    assert_true(full);
    /* the board keeps running */
    kt_send(t, "j");
    kt_wait_for(t, "Grace Hopper");
    kt_send(t, "?");
    kt_wait_for(t, "quit");
    kt_send(t, "q");
    kt_finish(t, "q");
    /* every note the board said it saved is there, the refused one is not */
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "sqlite3 -cmd '.timeout 5000' '%s' \"SELECT count(*) FROM activities WHERE note LIKE "
             "'note number %%'\"",
             db);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    int n = -1;
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    assert_int_equal(n, saved);
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'PRAGMA integrity_check'", db);
    p = popen(cmd, "r");
    char ok[16] = "";
    assert_non_null(fgets(ok, sizeof ok, p));
    pclose(p);
    assert_string_equal(ok, "ok\n");
}

/* Writes a rules file of three stages, the first labelled label. */
static void write_rules(const char *path, const char *label)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "stages:\n"
            "  - {name: lead, label: %s, probability: 10}\n"
            "  - {name: won, probability: 100, kind: won}\n"
            "  - {name: lost, probability: 0, kind: lost}\n",
            label);
    fclose(f);
}

/* A rules file that stops loading is said on the board itself, with its
 * line and column, and the board runs on the last good rules. */
static void test_broken_rules_said_on_the_board(void **state)
{
    (void)state;
    const char *rules = kt_path("team-rules.yaml");
    write_rules(rules, "Inbox");
    const char *db = kt_db("rules-broken.db");
    kt_kariz_run(db, "--rules", rules, "add", "Grace Hopper", NULL); /* the last good rules */
    FILE *f = fopen(rules, "w");
    assert_non_null(f);
    fputs("stages:\n"
          "  - {name: lead, label: Inbox, probability: 15x}\n",
          f);
    fclose(f);
    kt_term *t = kt_board(30, 160, db, "--rules", rules, NULL);
    kt_wait_for(t, "Grace Hopper");
    kt_wait_for(t, "team-rules.yaml:2:");
    kt_wait_for(t, "keeping the last good rules of this database in force");
    kt_wait_for(t, "Inbox"); /* the last good rules' stage label */
    kt_finish(t, "q");
}

/* Rules that differ from those the database had (one salesperson's own
 * file) are in force for everyone: the board says so when it opens. */
static void test_other_rules_said_on_the_board(void **state)
{
    (void)state;
    const char *team = kt_path("rules-team.yaml");
    const char *own = kt_path("rules-own.yaml");
    write_rules(team, "Inbox");
    write_rules(own, "Mine");
    const char *db = kt_db("rules-other.db");
    kt_kariz_run(db, "--rules", team, "add", "Grace Hopper", NULL);
    kt_term *t = kt_board(30, 200, db, "--rules", own, NULL);
    kt_wait_for(t, "Grace Hopper");
    kt_wait_for(t, "rules-own.yaml (--rules) differ from the rules this database had");
    kt_wait_for(t, "Mine");
    kt_finish(t, "q");
    /* the same rules again: nothing to say */
    t = kt_board(30, 200, db, "--rules", own, NULL);
    kt_wait_for(t, "Grace Hopper");
    assert_false(kt_contains(t, "differ from the rules"));
    kt_finish(t, "q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resize_storm_down_to_1x1),
        cmocka_unit_test(test_disk_full_while_working),
        cmocka_unit_test(test_broken_rules_said_on_the_board),
        cmocka_unit_test(test_other_rules_said_on_the_board),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
