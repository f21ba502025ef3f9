/* test_board_score.c - one score, always current, in a terminal: behaviour
 * points decay as the clock (KARIZ_NOW) moves on, and the card, the detail
 * view and triage (its header and its explanation) show the same number,
 * as `kariz list` and `kariz score --explain` do; after the board has
 * opened, `kariz score --all` finds nothing to change; and a score that
 * falls due while the board is open is recomputed and shown. */
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

/* Runs a shell command and returns its standard output (owned by the
 * caller, trailing newline removed); fails the test unless it exits 0. */
static char *output_of(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *out = calloc(1, 65536);
    assert_non_null(out);
    size_t len = fread(out, 1, 65535, p);
    out[len] = '\0';
    while (len && out[len - 1] == '\n')
        out[--len] = '\0';
    int st = pclose(p);
    if (st != 0)
        fail_msg("\"%s\" failed (status %d): %s", cmd, st, out);
    return out;
}

static char *kariz_out(const char *db, const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' --db '%s' %s", kt_kariz(), db, args);
    return output_of(cmd);
}

static char *sql(const char *db, const char *query)
{
    return strdup(kt_sql(db, query));
}

static void expect_out(const char *db, const char *args, const char *want)
{
    char *got = kariz_out(db, args);
    if (strcmp(got, want) != 0)
        fail_msg("kariz %s: got \"%s\", expected \"%s\"", args, got, want);
    free(got);
}

/* The card of `name`: its row ends with the score after the name. */
static void card_shows(kt_term *t, const char *name, const char *score)
{
    int row, col;
    kt_wait_for(t, name);
    assert_true(kt_find(t, name, &row, &col));
    const char *line = kt_screen_row(t, row);
    const char *p = strstr(line, name) + strlen(name);
    while (*p == ' ')
        p++;
    if (strncmp(p, score, strlen(score)) != 0 || (p[strlen(score)] >= '0' && p[strlen(score)] <= '9'))
        fail_msg("card row \"%s\": expected score %s after %s", line, score, name);
}

/* A lead touched twice (5 points each, half-life 30 days) on 2026-11-24,
 * with a follow-up overdue so that triage lists it. */
static const char *make_db(const char *file)
{
    static char path[512];
    snprintf(path, sizeof path, "%s", kt_db(file));
    setenv("KARIZ_NOW", "2026-11-24 10:00", 1);
    kt_kariz_run(path, "add", "--company", "Acme", "Ava Smith", NULL);
    kt_kariz_run(path, "log", "1", "email", "replied", NULL);
    kt_kariz_run(path, "log", "1", "call", "answered", NULL);
    kt_kariz_run(path, "followup", "1", "2026-11-20", "--force", NULL);
    return path;
}

static void test_every_view_one_score(void **state)
{
    (void)state;
    const char *db = make_db("decay.db");
    expect_out(db, "score 1", "10 cold");

    /* 47 days on each touch is worth 5 * 2^(-47/30) = 1.7, so 2 + 2 */
    setenv("KARIZ_NOW", "2027-01-10 10:00", 1);
    char *stored = sql(db, "select score from leads");
    assert_string_equal(stored, "10"); /* as stored: nothing has looked yet */
    free(stored);
    kt_term *t = kt_board(30, 120, db, NULL);
    card_shows(t, "Ava Smith", "4");
    kt_send(t, "\r");
    kt_wait_for(t, "Qualification");
    kt_wait_for(t, "4  grade cold");
    kt_send(t, "q");
    kt_wait_for(t, "Lead 1");
    card_shows(t, "Ava Smith", "4");
    kt_finish(t, "q");
    /* the board brought the stored score up to date: nothing left to do */
    expect_out(db, "score --all", "rescored; 0 leads changed");
    stored = sql(db, "select score || ' ' || grade from leads");
    assert_string_equal(stored, "4 cold");
    free(stored);

    /* 97 days on: 1 + 1; triage's header and its explanation agree */
    setenv("KARIZ_NOW", "2027-03-01 10:00", 1);
    t = kt_board(30, 120, db, "triage", NULL);
    kt_wait_for(t, "Ava Smith");
    kt_wait_for(t, "score 2 cold");
    kt_wait_for(t, "Score 2, cold");
    kt_send(t, "q");
    kt_wait_for(t, "Lead 1");
    card_shows(t, "Ava Smith", "2");
    kt_finish(t, "q");
    expect_out(db, "score --all", "rescored; 0 leads changed");
    char *json = kariz_out(db, "score 1 --explain --format json");
    assert_non_null(strstr(json, "\"score\":2,\"grade\":\"cold\""));
    free(json);
    unsetenv("KARIZ_NOW");
}

/* A score that falls due while the board is open is recomputed on the
 * board's own (real) clock: another program stores a wrong score due at
 * once, with a new name to show that the board has read it; the card ends
 * up with the score the rules give. */
static void test_due_while_open(void **state)
{
    (void)state;
    const char *db = make_db("open.db");
    unsetenv("KARIZ_NOW");
    char *now = kariz_out(db, "score 1"); /* "N cold" on today's clock */
    char score[16];
    snprintf(score, sizeof score, "%.*s", (int)strcspn(now, " "), now);
    free(now);
    kt_term *t = kt_board(30, 120, db, NULL);
    card_shows(t, "Ava Smith", score);
    kt_sql_exec(db, "update leads set name = 'Ava Smyth', score = 97, grade = 'hot', "
                    "score_due = 0, version = version + 1");
    kt_wait_for(t, "Ava Smyth");
    kt_wait_gone(t, "97");
    card_shows(t, "Ava Smyth", score);
    kt_finish(t, "q");
    char *stored = sql(db, "select score from leads");
    assert_string_equal(stored, score);
    free(stored);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_view_one_score),
        cmocka_unit_test(test_due_while_open),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
