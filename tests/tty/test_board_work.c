/* test_board_work.c - working leads from the board: lost with a reason,
 * logging touches in two keys, next steps with human dates, adding and
 * editing leads, notes, the detail view, and the user's key bindings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static const char *make_db(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s", kt_db(name));
    /* 200 employees: fit enough for the default rules to allow "prospect" */
    kt_kariz_run(path, "add", "--company", "Analytical Engines", "--value", "1000", "--stage",
                 "lead", "--set", "employees=200", "Ada Lovelace", NULL);
    return path;
}

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

static void test_lost_with_reason_and_undo(void **state)
{
    (void)state;
    const char *db = make_db("lost.db");
    kt_term *t = kt_board(30, 200, db, NULL); /* wide enough for every stage */
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "L");
    kt_wait_for(t, "lost: why?");
    kt_send(t, "1"); /* the first of the rules' lost reasons */
    kt_wait_for(t, "marked lost");
    kt_wait_for(t, "Lost 1");
    kt_wait_for(t, "Lead 0");
    kt_send(t, "u");
    kt_wait_for(t, "Lead 1");
    kt_wait_for(t, "Lost 0");
    /* Esc in the picker changes nothing */
    kt_send(t, "L");
    kt_wait_for(t, "lost: why?");
    kt_send(t, "\x1b");
    kt_wait_for(t, "not marked lost");
    kt_wait_for(t, "Lead 1");
    kt_finish(t, "q");
}

static void test_log_call_in_two_keys_and_detail(void **state)
{
    (void)state;
    const char *db = make_db("log.db");
    kt_kariz_run(db, "set", "1", "favourite_tea=earl grey", NULL);
    kt_term *t = kt_board(40, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "c");
    kt_wait_for(t, "call with Ada Lovelace: outcome?");
    kt_send(t, "a");
    kt_wait_for(t, "call logged with Ada Lovelace: answered");
    kt_send(t, "@");
    kt_wait_for(t, "email with Ada Lovelace: outcome?");
    kt_send(t, "r");
    kt_wait_for(t, "email logged with Ada Lovelace: replied");
    /* the detail view shows the touches, the checklist and the score */
    kt_send(t, "\r");
    kt_wait_for(t, "Qualification");
    kt_wait_for(t, "budget");
    kt_wait_for(t, "timeline");
    kt_wait_for(t, "Score");
    kt_wait_for(t, "call answered");
    kt_wait_for(t, "email replied");
    kt_send(t, "G"); /* the end: custom fields and the history */
    kt_wait_for(t, "favourite_tea");
    kt_wait_for(t, "earl grey");
    kt_send(t, "q");
    kt_wait_for(t, "Lead 1");
    kt_finish(t, "q");
}

/* A long name is cut in the outcome box's title: the question stays. */
static void test_outcome_box_cuts_a_long_name(void **state)
{
    (void)state;
    const char *db = kt_db("longname.db");
    kt_kariz_run(db, "add", "Maximiliane Adelheid Konstanze von Hohenzollern-Sigmaringen", NULL);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Maximiliane");
    kt_send(t, "c");
    kt_wait_for(t, "call with Maximiliane Adelheid Konstanze von Hohe\xe2\x80\xa6: outcome?");
    kt_send(t, "\x1b");
    kt_wait_for(t, "nothing logged");
    kt_finish(t, "q");
}

static void test_next_step_with_human_date(void **state)
{
    (void)state;
    const char *db = make_db("next.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "f");
    kt_wait_for(t, "next step:");
    kt_send(t, "send the deck\r");
    kt_wait_for(t, "due (");
    kt_send(t, "tomorrow\r");
    kt_wait_for(t, "next step due tomorrow");
    /* a date kariz cannot read is refused with the forms it knows, and
     * comes back to mend, the step typed kept meanwhile */
    kt_send(t, "f");
    kt_wait_for(t, "next step:");
    kt_send(t, "\x15" "call back\r");
    kt_wait_for(t, "due (");
    kt_send(t, "\x15" "someday\r"); /* ^U clears the current date first */
    kt_wait_for(t, "cannot read date");
    kt_wait_for(t, "YYYY-MM-DD): someday");
    kt_send(t, "\x15" "+3d\r");
    kt_wait_for(t, "next step due in 3d");
    assert_string_equal(kt_sql(db, "SELECT next_step FROM leads WHERE id = 1"), "call back");
    /* Esc while mending: nothing saved, and the status line says so */
    kt_send(t, "f\r");
    kt_wait_for(t, "due (");
    kt_send(t, "\x15" "someday\r");
    kt_wait_for(t, "YYYY-MM-DD): someday");
    kt_send(t, "\x1b");
    kt_wait_for(t, "next step unchanged");
    assert_false(kt_contains(t, "cannot read date"));
    kt_finish(t, "q");
    /* an overdue next step is marked on the card */
    kt_kariz_run(db, "followup", "1", "2020-01-01", "--force", NULL);
    t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "!due");
    kt_finish(t, "q");
}

/* A due date in the past is asked about, never set silently: n keeps the
 * next step as it was, y sets it. */
static void test_next_step_in_the_past_asked(void **state)
{
    (void)state;
    const char *db = make_db("past.db");
    kt_term *t = kt_board(30, 140, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "f");
    kt_wait_for(t, "next step:");
    kt_send(t, "send the deck\r");
    kt_wait_for(t, "due (");
    kt_send(t, "2025-01-01\r");
    kt_wait_for(t, "is in the past: the lead would be overdue at once");
    kt_send(t, "n");
    kt_wait_for(t, "next step unchanged");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM leads WHERE next_due IS NOT NULL"), "0");
    kt_send(t, "f");
    kt_wait_for(t, "next step:");
    kt_send(t, "send the deck\r");
    kt_wait_for(t, "due (");
    kt_send(t, "2025-01-01\r");
    kt_wait_for(t, "is in the past");
    kt_send(t, "y");
    kt_wait_for(t, "next step due");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM leads WHERE next_due IS NOT NULL"), "1");
    kt_finish(t, "q");
}

static void test_add_edit_note_assign(void **state)
{
    (void)state;
    const char *db = make_db("add.db");
    kt_term *t = kt_board(40, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "a");
    kt_wait_for(t, "new lead: name:");
    kt_send(t, "Katherine Johnson\r");
    kt_wait_for(t, "company:");
    kt_send(t, "NASA\r");
    kt_wait_for(t, "deal value:");
    kt_send(t, "120k\r"); /* typed as the board prints it */
    kt_wait_for(t, "Katherine Johnson");
    kt_wait_for(t, "Lead 2");
    kt_wait_for(t, "121k  weighted");
    /* edit Katherine's company: sorted by value she comes first */
    kt_send(t, "s");
    kt_wait_for(t, "sort cards by");
    kt_send(t, "v");
    kt_wait_for(t, "cards sorted by value");
    kt_send(t, "g");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "company\r");
    kt_wait_for(t, "company: NASA");
    kt_send(t, "\x15" "NASA Langley\r");
    kt_wait_for(t, "NASA Langley");
    /* a computed field cannot be edited */
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "score\r");
    kt_wait_for(t, "computed by kariz");
    /* a note, and an owner */
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "prefers e-mail\r");
    kt_wait_for(t, "note added");
    kt_send(t, "o");
    kt_wait_for(t, "owner (empty: unassigned):");
    kt_send(t, "\x15\r");
    kt_wait_for(t, "unassigned");
    kt_send(t, "\r");
    kt_wait_for(t, "prefers e-mail");
    kt_send(t, "q");
    kt_wait_for(t, "Lead 2");
    kt_finish(t, "q");
}

static void test_user_keys_conf(void **state)
{
    (void)state;
    const char *db = make_db("keys.db");
    char cfgdir[600], path[700];
    snprintf(cfgdir, sizeof cfgdir, "%s/config/kariz", kt_tmpdir());
    char cmd[800];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", cfgdir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/keys.conf", cfgdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "# mine\nbind board J move-next\ncolor card.hot brightred default bold\n");
    fclose(f);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_for(t, "J next stage"); /* the hint line shows the keys bound now */
    kt_send(t, "J");
    kt_wait_for(t, "Prospect 1");
    kt_send(t, "?");
    kt_wait_for(t, "move-next");
    int row, col;
    assert_true(kt_find(t, "move-next", &row, &col));
    assert_non_null(strstr(kt_screen_row(t, row), "J"));
    kt_send(t, "q");
    kt_wait_for(t, "Prospect 1");
    kt_finish(t, "q");

    /* a mistake names the file and line, and the board does not open */
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "bind board J move-next\n\nbind board K move-nxt\n");
    fclose(f);
    t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "keys.conf:3: unknown action \"move-nxt\"");
    int st = kt_wait_exit(t);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) != 0);
    unlink(path);
}

static void test_collapse_closed_columns(void **state)
{
    (void)state;
    const char *db = make_db("collapse.db");
    kt_term *t = kt_board(30, 200, db, NULL);
    kt_wait_for(t, "Won 0");
    kt_wait_for(t, "weighted");
    kt_send(t, "z");
    kt_wait_for(t, "(z expands)");
    kt_send(t, "z");
    kt_wait_gone(t, "(z expands)");
    kt_finish(t, "q");
}

/* How many rows of the screen hold text. */
static int rows_with(kt_term *t, const char *text)
{
    int n = 0;
    for (int r = 0; r < kt_rows(t); r++)
        if (strstr(kt_screen_row(t, r), text))
            n++;
    return n;
}

/* A move someone forced past the stage's entry rules (an override and a
 * stage change in the log) is one line of the conflict dialog, with the
 * reason they gave. */
static void test_conflict_with_a_forced_move(void **state)
{
    (void)state;
    const char *db = make_db("forced.db");
    kt_term *t = kt_board(30, 200, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "L");
    kt_wait_for(t, "lost: why?");
    /* (Opportunity asks for a decision maker, whom Ada's lead lacks) */
    kt_kariz_run(db, "move", "1", "opportunity", "--force", "--reason", "CFO verbal yes", NULL);
    kt_send(t, "1");
    kt_wait_for(t, "was changed while you worked on it");
    kt_wait_for(t, "set stage to Opportunity (was Lead), past the stage's entry rules: CFO verbal "
                   "yes; yours: Lost");
    assert_int_equal(rows_with(t, "set stage to Opportunity"), 1);
    kt_send(t, "R");
    kt_wait_for(t, "your change was dropped");
    kt_wait_for(t, "Opportunity 1");
    kt_finish(t, "q");
}

static void test_conflict_reported_and_reloaded(void **state)
{
    (void)state;
    const char *db = make_db("conflict.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    /* someone else saves the same field while the prompt is open */
    kt_kariz_run(db, "set", "1", "value=3000", "company=Difference Engines", NULL);
    kt_send(t, "value\r");
    kt_wait_for(t, "value: 1000");
    kt_send(t, "\x15" "2000\r");
    /* the conflict dialog says what the other save changed; R drops the edit */
    kt_wait_for(t, "was changed while you worked on it");
    kt_wait_for(t, "set value to 3,000 (was 1,000); yours: 2,000");
    kt_send(t, "R");
    kt_wait_for(t, "your change was dropped");
    kt_wait_for(t, "reloaded");
    kt_wait_for(t, "Difference Engines");
    kt_wait_for(t, "3,000  root");
    kt_finish(t, "q");
}

/* A colleague's change to another field is no conflict: the edit lands and
 * theirs stays. */
static void test_other_field_is_no_conflict(void **state)
{
    (void)state;
    const char *db = make_db("noconflict.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_kariz_run(db, "set", "1", "company=Difference Engines", NULL);
    kt_send(t, "value\r");
    kt_wait_for(t, "value: 1000");
    kt_send(t, "\x15" "2000\r");
    kt_wait_for(t, "value of Ada Lovelace saved");
    kt_wait_for(t, "2,000  root");
    kt_wait_for(t, "Difference Engines");
    assert_false(kt_contains(t, "was changed while you worked on it"));
    kt_finish(t, "q");
}

/* A colleague sets the next step and its day while you set yours from the
 * detail view: the dialog lists both fields your change sets, each with
 * "yours", the day as the date it means (not "+3d"); A saves both. */
static void test_conflict_lists_all_of_your_change(void **state)
{
    (void)state;
    const char *db = make_db("conflict_step.db");
    char due[16], line[160];
    time_t when = time(NULL) + 3 * 86400;
    strftime(due, sizeof due, "%Y-%m-%d", localtime(&when));
    kt_term *t = kt_board(30, 160, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "\r");
    kt_wait_for(t, "Qualification");
    kt_send(t, "f");
    kt_wait_for(t, "next step:");
    kt_send(t, "Send contract\r");
    kt_wait_for(t, "due (");
    kt_kariz_run(db, "followup", "1", "tomorrow", "--step", "bo calls", NULL);
    kt_send(t, "\x15" "+3d\r");
    kt_wait_for(t, "was changed while you worked on it");
    kt_wait_for(t, "set next step to bo calls (was (none)); yours: Send contract");
    snprintf(line, sizeof line, "(was (none)); yours: %s", due);
    kt_wait_for(t, line);
    kt_wait_for(t, "your change: next step = Send contract");
    snprintf(line, sizeof line, "your change: next due = %s", due);
    kt_wait_for(t, line);
    assert_false(kt_contains(t, "yours: +3d"));
    assert_false(kt_contains(t, "= +3d"));
    kt_send(t, "A");
    kt_wait_for(t, "re-applied");
    assert_string_equal(kt_sql(db, "select next_step from leads where id = 1"), "Send contract");
    snprintf(line, sizeof line, "%s", kt_sql(db, "select next_due from leads where id = 1"));
    assert_string_equal(line, due);
    kt_finish(t, "qq");
}

/* An amount typed with a currency in a conflict: the dialog lists the
 * currency among the fields the change sets. */
static void test_conflict_lists_the_currency(void **state)
{
    (void)state;
    const char *db = make_db("conflict_cur.db");
    kt_term *t = kt_board(30, 160, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_kariz_run(db, "set", "1", "value=3000", NULL);
    kt_send(t, "value\r");
    kt_wait_for(t, "value: 1000");
    kt_send(t, "\x15" "2000 EUR\r");
    kt_wait_for(t, "set value to 3,000 (was 1,000); yours: 2,000");
    kt_wait_for(t, "your change: value = 2,000");
    kt_wait_for(t, "your change: currency = EUR");
    kt_send(t, "A");
    kt_wait_for(t, "re-applied");
    assert_string_equal(kt_sql(db, "select currency from leads where id = 1"), "EUR");
    kt_finish(t, "q");
}

/* A step left as it was read is no part of the change: a colleague's new
 * step is no conflict and stays. */
static void test_unchanged_step_is_no_conflict(void **state)
{
    (void)state;
    const char *db = make_db("same_step.db");
    kt_kariz_run(db, "followup", "1", "tomorrow", "--step", "send the deck", NULL);
    kt_term *t = kt_board(30, 160, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "f");
    kt_wait_for(t, "next step: send the deck");
    kt_send(t, "\r");
    kt_wait_for(t, "due (");
    kt_kariz_run(db, "followup", "1", "tomorrow", "--step", "bo calls", NULL);
    kt_send(t, "\x15" "+3d\r");
    /* the detail view shows the step as theirs, the day as yours */
    kt_send(t, "\r");
    kt_wait_for(t, "Qualification");
    kt_wait_for(t, "next: bo calls, due in 3d");
    assert_false(kt_contains(t, "was changed while you worked on it"));
    assert_string_equal(kt_sql(db, "select next_step from leads where id = 1"), "bo calls");
    kt_finish(t, "qq");
}

/* An amount typed with a currency in the board's edit and new-lead prompts
 * sets the lead's currency too, and says so; an unknown currency is
 * refused, nothing written. */
static void test_value_with_currency(void **state)
{
    (void)state;
    const char *db = make_db("currency.db");
    kt_kariz_run(db, "set", "1", "currency=USD", NULL);
    kt_term *t = kt_board(30, 160, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "value\r");
    kt_wait_for(t, "value: 1000");
    kt_send(t, "\x15" "5k XYZ\r");
    kt_wait_for(t, "XYZ is not a currency kariz knows");
    kt_send(t, "\x15" "\xe2\x82\xac" "5k\r");
    kt_wait_for(t, "value of Ada Lovelace saved; currency now EUR (was USD)");
    assert_string_equal(kt_sql(db, "select value from leads where id = 1"), "500000");
    assert_string_equal(kt_sql(db, "select currency from leads where id = 1"), "EUR");
    kt_send(t, "a");
    kt_wait_for(t, "new lead: name:");
    kt_send(t, "Katherine Johnson\r");
    kt_wait_for(t, "company:");
    kt_send(t, "NASA\r");
    kt_wait_for(t, "deal value:");
    kt_send(t, "1000 GBP\r");
    kt_wait_for(t, "added Katherine Johnson");
    assert_string_equal(kt_sql(db, "select currency from leads where name = 'Katherine Johnson'"),
                        "GBP");
    kt_finish(t, "q");
}

static void test_other_processes_changes_appear(void **state)
{
    (void)state;
    const char *db = make_db("poll.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_kariz_run(db, "add", "--company", "Elsewhere", "--stage", "prospect", "Margaret Hamilton",
                 NULL);
    kt_wait_for(t, "Margaret Hamilton");
    kt_wait_for(t, "Prospect 1");
    kt_finish(t, "q");
}

static void test_long_note_in_editor(void **state)
{
    (void)state;
    const char *db = make_db("editor.db");
    const char *script = kt_path("editor.sh");
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\nprintf 'first line of a long note\\nsecond line\\n' > \"$1\"\n");
    fclose(f);
    assert_int_equal(chmod(script, 0700), 0);
    setenv("EDITOR", script, 1);
    kt_term *t = kt_board(40, 120, db, NULL);
    unsetenv("EDITOR");
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "N");
    kt_wait_for(t, "note added");
    kt_send(t, "\r");
    kt_wait_for(t, "first line of a long note");
    kt_wait_for(t, "second line");
    kt_finish(t, "qq");
}

/* The editor gets a clean environment (no loader variables, a fixed PATH)
 * and only the terminal's descriptors. */
static void test_editor_starts_clean(void **state)
{
    (void)state;
    const char *db = make_db("editor-env.db");
    const char *script = kt_path("editor-env.sh");
    const char *report = kt_path("editor-env.txt");
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n{ env; echo fds: $(ls /proc/self/fd); } > '%s'\n"
               "echo clean editor > \"$1\"\n",
            report);
    fclose(f);
    assert_int_equal(chmod(script, 0700), 0);
    setenv("EDITOR", script, 1);
    setenv("LD_LIBRARY_PATH", "/nonexistent-kariz-test", 1);
    setenv("KARIZ_TEST_SECRET", "leaked", 1);
    kt_term *t = kt_board(40, 120, db, NULL);
    unsetenv("EDITOR");
    unsetenv("LD_LIBRARY_PATH");
    unsetenv("KARIZ_TEST_SECRET");
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "N");
    kt_wait_for(t, "note added");
    kt_finish(t, "q");
    f = fopen(report, "r");
    assert_non_null(f);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_null(strstr(text, "LD_LIBRARY_PATH"));
    assert_null(strstr(text, "KARIZ_TEST_SECRET"));
    assert_non_null(strstr(text, "PATH=/usr/local/bin:/usr/bin:/bin\n"));
    assert_non_null(strstr(text, "TERM="));
    /* ls's own directory descriptor is 3: nothing of kariz's beyond 0-2 */
    assert_non_null(strstr(text, "fds: 0 1 2 3\n"));
}

/* A hook others could change is not run; the status line says why, once. */
static void test_refused_hook_on_the_status_line(void **state)
{
    (void)state;
    const char *db = make_db("hooks-refused.db");
    const char *dir = kt_path("refused-hooks");
    assert_int_equal(mkdir(dir, 0755), 0);
    char hook[600], ran[600];
    snprintf(hook, sizeof hook, "%s/stage-changed", dir);
    snprintf(ran, sizeof ran, "%s/ran", dir);
    FILE *f = fopen(hook, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\ntouch '%s'\n", ran);
    fclose(f);
    assert_int_equal(chmod(hook, 0777), 0);
    setenv("KARIZ_HOOKS_DIR", dir, 1);
    kt_term *t = kt_board(30, 160, db, NULL);
    unsetenv("KARIZ_HOOKS_DIR");
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, ">");
    kt_wait_for(t, "hook stage-changed refused to run");
    kt_wait_for(t, "is writable by everyone (mode 0777)");
    /* once per process: the next move says what it did */
    kt_send(t, "l"); /* to Ada, in the next column */
    kt_send(t, "<");
    kt_wait_for(t, "moved Ada Lovelace to Lead");
    kt_finish(t, "q");
    assert_int_not_equal(access(ran, F_OK), 0);
}

static void test_sort_and_mine_filter(void **state)
{
    (void)state;
    const char *db = make_db("sort.db");
    kt_kariz_run(db, "add", "--company", "Big", "--value", "90000", "--stage", "lead",
                 "--owner", "someone-else", "--force", "Zora Big", NULL);
    kt_kariz_run(db, "add", "--company", "Nobody's", "--value", "500", "--stage", "lead",
                 "--owner", "", "Una Unowned", NULL);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Zora Big");
    kt_wait_for(t, "Lead 3 ");
    kt_send(t, "s");
    kt_wait_for(t, "sort cards by");
    kt_send(t, "n"); /* by name: Ada first */
    kt_wait_for(t, "sort:name");
    kt_wait_for(t, "cards sorted by name"); /* the status line is drawn after the cards */
    int ada, zora;
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_for(t, "Zora Big");
    assert_true(kt_find(t, "Ada Lovelace", &ada, NULL));
    assert_true(kt_find(t, "Zora Big", &zora, NULL));
    assert_true(ada < zora);
    kt_send(t, "s");
    kt_wait_for(t, "sort cards by");
    kt_send(t, "v"); /* by value: Zora first */
    kt_wait_for(t, "sort:value");
    kt_wait_for(t, "cards sorted by value");
    kt_wait_for(t, "Zora Big");
    kt_wait_for(t, "Ada Lovelace");
    assert_true(kt_find(t, "Ada Lovelace", &ada, NULL));
    assert_true(kt_find(t, "Zora Big", &zora, NULL));
    assert_true(zora < ada);
    /* mine: my leads and unassigned ones only */
    kt_send(t, "M");
    kt_wait_for(t, "showing your leads");
    kt_wait_gone(t, "Zora Big");
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_for(t, "Una Unowned");
    /* the column's count and totals are of what it shows: Ada's and Una's */
    kt_wait_for(t, "Lead 2 ");
    assert_false(kt_contains(t, "shown)"));
    assert_true(kt_contains(t, "1,500 "));
    kt_send(t, "M");
    kt_wait_for(t, "Zora Big");
    kt_finish(t, "q");
    /* --mine starts the board narrowed */
    t = kt_board(30, 120, db, "--mine", NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_for(t, " mine ");
    kt_wait_for(t, "q quit"); /* the hint line, drawn after the cards */
    assert_false(kt_contains(t, "Zora Big"));
    kt_finish(t, "q");
}

static void test_owner_grade_overdue_filters(void **state)
{
    (void)state;
    const char *db = make_db("filters.db");
    kt_kariz_run(db, "add", "--company", "Other", "--value", "500", "--stage", "lead", "--owner",
                 "bob", "--force", "Bob's Lead", NULL);
    kt_kariz_run(db, "followup", "1", "2020-01-01", "--force", NULL);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Bob's Lead");
    kt_wait_for(t, "Ada Lovelace");
    /* one owner's leads */
    kt_send(t, "O");
    kt_wait_for(t, "owner (empty: anyone):");
    kt_send(t, "bob\r");
    kt_wait_for(t, "owner:bob");
    kt_wait_for(t, "Ada Lovelace no longer matches the filter");
    int row, col;
    assert_true(kt_find(t, "Ada Lovelace", &row, &col));
    assert_int_equal(row, kt_rows(t) - 2); /* only on the status line */
    kt_wait_for(t, "Bob's Lead");
    kt_send(t, "x");
    kt_wait_for(t, "filters cleared");
    kt_wait_for(t, "Ada Lovelace");
    /* overdue next steps only: Ada's is long past */
    kt_send(t, "!");
    kt_wait_for(t, "overdue next step");
    /* the selected card left the filter: the status line says so, and
     * the name is nowhere else on screen */
    kt_wait_for(t, "Bob's Lead no longer matches the filter");
    assert_true(kt_find(t, "Bob's Lead", &row, &col));
    assert_int_equal(row, kt_rows(t) - 2);
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_for(t, "!due");
    kt_send(t, "!");
    kt_wait_for(t, "Bob's Lead");
    /* one grade: the picker lists the rules' grades; "any" clears it */
    kt_send(t, "r");
    kt_wait_for(t, "any grade");
    kt_send(t, "1");
    kt_wait_for(t, "grade:");
    kt_send(t, "r");
    kt_wait_for(t, "any grade");
    kt_send(t, "*");
    kt_wait_gone(t, "grade:");
    kt_finish(t, "q");
}

/* Waits for the board to stop saying `says` and returns its exit status
 * (it exited, no signal took it). */
static int board_stopped(kt_term *t, const char *says)
{
    kt_wait_for(t, says);
    int st = kt_wait_exit(t);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void test_terminate_restores_terminal(void **state)
{
    (void)state;
    const char *db = make_db("signal.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_signal(t, SIGTERM);
    /* the board leaves the alternate screen: the board is gone */
    kt_wait_gone(t, "Ada Lovelace");
    assert_int_not_equal(board_stopped(t, "board stopped by signal"), 0);
}

/* Ctrl-C in a prompt or a choice box cancels it, as Esc does: nothing is
 * saved and the board stays; on the board itself it ends kariz. */
static void test_ctrl_c_cancels_a_prompt(void **state)
{
    (void)state;
    const char *db = make_db("ctrlc.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "half a thought");
    kt_wait_for(t, "half a thought");
    kt_send(t, "\x03");
    kt_wait_gone(t, "note:");
    assert_true(kt_contains(t, "Ada Lovelace"));
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM activities"), "0");
    /* a choice box */
    kt_send(t, "s");
    kt_wait_for(t, "sort cards by");
    kt_send(t, "\x03");
    kt_wait_gone(t, "sort cards by");
    /* a search typed, then cancelled: the board shows every lead again */
    kt_send(t, "/");
    kt_wait_for(t, "search");
    kt_send(t, "zzz");
    kt_wait_for(t, "(none match)");
    /* (the search says why the leads went: no note for each character) */
    assert_false(kt_contains(t, "no longer matches"));
    kt_send(t, "\x03");
    kt_wait_gone(t, "(none match)");
    kt_wait_gone(t, "search:");
    assert_true(kt_contains(t, "Ada Lovelace"));
    /* the board still works: a note typed now is saved */
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "prefers e-mail\r");
    kt_wait_for(t, "note added to Ada Lovelace");
    assert_string_equal(kt_sql(db, "SELECT note FROM activities"), "prefers e-mail");
    /* on the board, Ctrl-C ends it */
    kt_send(t, "\x03");
    assert_int_equal(board_stopped(t, "board stopped by signal 2 (interrupt)"), 1);
}

/* A paste (bracketed, as a terminal sends it once the board asks for it)
 * is text: in a prompt its escape sequences are dropped and its line
 * breaks become spaces, and none of its bytes acts as a key; on the board
 * it does nothing at all. */
static void test_paste_is_text_never_keys(void **state)
{
    (void)state;
    const char *db = make_db("paste.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    long long events = kt_sql_number(db, "SELECT count(*) FROM events");
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "\x1b[200~see log \x1b[0m fix later\nand xml\x1b[201~");
    kt_wait_for(t, "see log  fix later and xml");
    kt_send(t, "\r");
    kt_wait_for(t, "note added to Ada Lovelace");
    assert_string_equal(kt_sql(db, "SELECT note FROM activities"), "see log  fix later and xml");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM activities"), "1");
    /* on the board: "x m l a" would mark lost, log a meeting, add a lead */
    kt_send(t, "\x1b[200~xmla\x1b[201~");
    kt_wait_for(t, "pasted text is taken only in a prompt");
    assert_false(kt_contains(t, "new lead"));
    assert_false(kt_contains(t, "outcome"));
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM activities"), "1");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM leads"), "1");
    /* the note's event, no other */
    assert_int_equal(kt_sql_number(db, "SELECT count(*) FROM events"), events + 1);
    kt_finish(t, "q");
}

static void test_crash_signal_restores_terminal(void **state)
{
    (void)state;
    const char *db = make_db("crash.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_signal(t, SIGABRT);
    /* the alternate screen is left before the signal takes its course */
    kt_wait_gone(t, "Ada Lovelace");
    int st = kt_wait_exit(t);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGABRT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lost_with_reason_and_undo),
        cmocka_unit_test(test_log_call_in_two_keys_and_detail),
        cmocka_unit_test(test_outcome_box_cuts_a_long_name),
        cmocka_unit_test(test_next_step_with_human_date),
        cmocka_unit_test(test_next_step_in_the_past_asked),
        cmocka_unit_test(test_add_edit_note_assign),
        cmocka_unit_test(test_user_keys_conf),
        cmocka_unit_test(test_collapse_closed_columns),
        cmocka_unit_test(test_conflict_reported_and_reloaded),
        cmocka_unit_test(test_conflict_with_a_forced_move),
        cmocka_unit_test(test_other_field_is_no_conflict),
        cmocka_unit_test(test_conflict_lists_all_of_your_change),
        cmocka_unit_test(test_conflict_lists_the_currency),
        cmocka_unit_test(test_unchanged_step_is_no_conflict),
        cmocka_unit_test(test_value_with_currency),
        cmocka_unit_test(test_other_processes_changes_appear),
        cmocka_unit_test(test_long_note_in_editor),
        cmocka_unit_test(test_editor_starts_clean),
        cmocka_unit_test(test_refused_hook_on_the_status_line),
        cmocka_unit_test(test_sort_and_mine_filter),
        cmocka_unit_test(test_owner_grade_overdue_filters),
        cmocka_unit_test(test_ctrl_c_cancels_a_prompt),
        cmocka_unit_test(test_paste_is_text_never_keys),
        cmocka_unit_test(test_terminate_restores_terminal),
        cmocka_unit_test(test_crash_signal_restores_terminal),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
