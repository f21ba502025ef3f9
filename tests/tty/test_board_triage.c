/* test_board_triage.c - the triage queue in a terminal: each decision in one or
 * two keys lands in the database and the event log, a scripted session of
 * twenty decisions stays near one key per decision, leaving and coming back
 * resumes, the empty queue, entry criteria refusing a move (and the
 * override), and data that tries to drive the terminal. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

static const char *me(void)
{
    struct passwd *pw = getpwuid(getuid());
    assert_non_null(pw);
    return pw->pw_name;
}

/* Runs a shell command and returns its standard output (owned by the
 * caller); fails the test unless it exits 0. */
static char *output_of(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 1024) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
    }
    out[len] = '\0';
    int st = pclose(p);
    if (st != 0)
        fail_msg("\"%s\" failed (status %d): %s", cmd, st, out);
    return out;
}

/* `kariz --db DB ARGS` (ARGS: a fixed, already quoted string). */
static char *kariz_out(const char *db, const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' --db '%s' %s", kt_kariz(), db, args);
    return output_of(cmd);
}

/* One value from the database. */
static char *sql(const char *db, const char *query)
{
    return strdup(kt_sql(db, query));
}

/* Fails unless `kariz show ID --format json` contains every needle. */
static void show_has(const char *db, int id, ...)
{
    char args[64];
    snprintf(args, sizeof args, "show %d --format json", id);
    char *out = kariz_out(db, args);
    va_list ap;
    va_start(ap, id);
    const char *needle;
    while ((needle = va_arg(ap, const char *)) != NULL)
        if (!strstr(out, needle))
            fail_msg("lead %d: `show` has no %s in:\n%s", id, needle, out);
    va_end(ap);
    free(out);
}

/* Fails unless `kariz history ID --format json` contains needle. */
static void history_has(const char *db, int id, const char *needle)
{
    char args[64];
    snprintf(args, sizeof args, "history %d --format json", id);
    char *out = kariz_out(db, args);
    if (!strstr(out, needle))
        fail_msg("lead %d: the event log has no %s in:\n%s", id, needle, out);
    free(out);
}

/* The last triage decision recorded for a lead. */
static void decision_is(const char *db, int id, const char *decision)
{
    char q[256];
    snprintf(q, sizeof q, "SELECT decision FROM triage WHERE lead_id = %d ORDER BY id DESC LIMIT 1",
             id);
    char *out = sql(db, q);
    out[strcspn(out, "\n")] = '\0';
    if (strcmp(out, decision) != 0)
        fail_msg("lead %d: triage recorded \"%s\", expected \"%s\"", id, out, decision);
    free(out);
}

static void add_leads(const char *db, int n, const char *owner)
{
    for (int i = 1; i <= n; i++) {
        char name[32];
        snprintf(name, sizeof name, "Person %02d", i);
        /* 200 employees: fit enough for "prospect"; the same for all, so
         * the queue keeps the order they were added in */
        kt_kariz_run(db, "add", "--company", "Acme", "--value", "1000", "--owner", owner, "--force", "--set",
                     "employees=200", name, NULL);
    }
}

static void tomorrow(char *out, size_t n)
{
    time_t t = time(NULL) + 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%d", &tm);
}

static void test_each_decision_lands(void **state)
{
    (void)state;
    const char *db = kt_db("decide.db");
    kt_kariz_run(db, "add", "--company", "Analytical Engines", "--title", "Countess", "--value",
                 "1000", "--set", "employees=200", "--set", "industry=computing",
                 "Ada Lovelace", NULL);
    kt_kariz_run(db, "followup", "1", "yesterday", "--force", "--step", "send the pilot plan", NULL);
    kt_kariz_run(db, "stakeholder", "add", "1", "Charles Babbage", "--role", "champion", NULL);
    kt_kariz_run(db, "log", "1", "call", "answered", "--with", "Charles Babbage", "--note",
                 "wants the plan", NULL);
    add_leads(db, 9, "-"); /* leads 2..10, unassigned */
    kt_term *t = kt_board(30, 120, db, "triage", NULL);

    /* the overdue lead comes first, with what a decision needs */
    kt_wait_for(t, "triage 1/10, 0 decisions");
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_for(t, "Countess at Analytical Engines");
    kt_wait_for(t, "computing");
    kt_wait_for(t, "200 employees");
    kt_wait_for(t, "overdue 1d");
    kt_wait_for(t, "send the pilot plan");
    kt_wait_for(t, "✓ fit");
    kt_wait_for(t, "✗ pain");
    kt_wait_for(t, "✗ timeline");
    kt_wait_for(t, "Last touches");
    kt_wait_for(t, "call, answered with Charles Babbage by"); /* who it was with */
    kt_wait_for(t, ": wants the plan");

    kt_send(t, "a"); /* advance */
    kt_wait_for(t, "triage 2/10, 1 decision");
    kt_wait_for(t, "moved Ada Lovelace to Prospect");
    show_has(db, 1, "\"stage\": \"prospect\"", NULL);
    history_has(db, 1, "\"new\": \"prospect\"");
    decision_is(db, 1, "advance");

    kt_wait_for(t, "Person 01");
    kt_wait_for(t, "(unassigned)");
    kt_send(t, "C"); /* claim */
    kt_wait_for(t, "triage 3/10, 2 decisions");
    char owner[128];
    snprintf(owner, sizeof owner, "\"owner\": \"%s\"", me());
    show_has(db, 2, owner, NULL);
    history_has(db, 2, "\"owner\"");
    decision_is(db, 2, "claim");

    kt_send(t, "z"); /* snooze */
    kt_wait_for(t, "snooze until");
    kt_send(t, "t");
    kt_wait_for(t, "triage 4/10, 3 decisions");
    char due[64], day[16];
    tomorrow(day, sizeof day);
    snprintf(due, sizeof due, "\"next_due\": \"%s\"", day);
    show_has(db, 3, due, NULL);
    history_has(db, 3, "next_due");
    decision_is(db, 3, "snooze");

    kt_send(t, "c"); /* a call */
    kt_wait_for(t, "call with Person 03: outcome?");
    kt_send(t, "a");
    kt_wait_for(t, "triage 5/10, 4 decisions");
    show_has(db, 4, "\"kind\": \"call\"", "\"outcome\": \"answered\"", NULL);
    history_has(db, 4, "\"kind\": \"activity\"");
    decision_is(db, 4, "call");

    kt_send(t, "@"); /* an e-mail */
    kt_wait_for(t, "email with Person 04: outcome?");
    kt_send(t, "r");
    kt_wait_for(t, "triage 6/10, 5 decisions");
    show_has(db, 5, "\"kind\": \"email\"", "\"outcome\": \"replied\"", NULL);
    decision_is(db, 5, "email");

    kt_send(t, "n"); /* a note */
    kt_wait_for(t, "note:");
    kt_send(t, "met at the trade fair\r");
    kt_wait_for(t, "triage 7/10, 6 decisions");
    show_has(db, 6, "met at the trade fair", NULL);
    decision_is(db, 6, "note");

    kt_send(t, "d"); /* disqualify */
    kt_wait_for(t, "disqualify: why?");
    kt_send(t, "1");
    kt_wait_for(t, "triage 8/10, 7 decisions");
    show_has(db, 7, "\"stage\": \"lost\"", "\"lost_reason\": \"price\"", NULL);
    history_has(db, 7, "\"new\": \"lost\"");
    decision_is(db, 7, "disqualify");

    kt_send(t, "S"); /* a lifecycle status */
    kt_wait_for(t, "lifecycle status");
    kt_send(t, "4"); /* subscriber, lead, unqualified, qualified */
    kt_wait_for(t, "triage 9/10, 8 decisions");
    show_has(db, 8, "\"status\": \"qualified\"", NULL);
    history_has(db, 8, "\"field\": \"status\"");
    decision_is(db, 8, "status");

    kt_send(t, "o"); /* assign to someone */
    kt_wait_for(t, "assign to");
    /* (a name no machine has an account for) */
    kt_send(t, "\x15" "bob_zq\r");
    kt_wait_for(t, "\"bob_zq\" is not a known user"); /* no such account here: asked first */
    kt_send(t, "y");
    kt_wait_for(t, "triage 10/10, 9 decisions");
    show_has(db, 9, "\"owner\": \"bob_zq\"", NULL);
    decision_is(db, 9, "assign");

    kt_send(t, " "); /* skip */
    kt_wait_for(t, "Queue done: 10 leads, 10 decisions.");
    decision_is(db, 10, "skip");

    /* undo walks back: the skip, the owner, the status, the lost lead... */
    kt_send(t, "u");
    kt_wait_for(t, "triage 10/10, 9 decisions");
    kt_send(t, "u");
    kt_wait_for(t, "triage 9/10, 8 decisions");
    show_has(db, 9, "\"owner\": null", NULL);
    kt_send(t, "u");
    kt_wait_for(t, "triage 8/10, 7 decisions");
    kt_wait_for(t, "undone: status");
    show_has(db, 8, "\"status\": null", NULL);
    kt_send(t, "u");
    kt_wait_for(t, "triage 7/10, 6 decisions");
    show_has(db, 7, "\"stage\": \"lead\"", NULL);
    /* ...but a note stays: the status line says so */
    kt_send(t, "u");
    kt_wait_for(t, "triage 6/10, 5 decisions");
    kt_wait_for(t, "the note stays logged");
    show_has(db, 6, "met at the trade fair", NULL);
    kt_send(t, "q"); /* back to the board */
    kt_wait_for(t, "Prospect 1");
    kt_finish(t, "q");
}

/* Keys sent, counted. */
static int keys_sent;
static void press(kt_term *t, const char *keys)
{
    keys_sent += (int)strlen(keys);
    kt_send(t, keys);
}

static void test_twenty_decisions_near_one_key_each(void **state)
{
    (void)state;
    const char *db = kt_db("twenty.db");
    add_leads(db, 20, "-");
    kt_term *t = kt_board(30, 100, db, "triage", NULL);
    kt_wait_for(t, "triage 1/20, 0 decisions");
    /* a typical morning: advance, claim, skip, log calls and e-mails,
     * snooze, disqualify, set a status */
    static const char *const script[20] = {
        "a", "C", "ca", "a", " ", "zt", "C", "cn", "a", "d2",
        "C", "a", "@s", "S4", " ", "a", "cb", "C", "a", " "};
    keys_sent = 0;
    for (int i = 0; i < 20; i++) {
        press(t, script[i]);
        char counter[64];
        if (i < 19)
            snprintf(counter, sizeof counter, "triage %d/20, %d decision%s", i + 2, i + 1,
                     i ? "s" : "");
        else
            snprintf(counter, sizeof counter, "Queue done: 20 leads, 20 decisions.");
        kt_wait_for(t, counter);
    }
    assert_true(keys_sent <= 30);
    kt_finish(t, "qq"); /* back to the board, then quit */

    char *n = sql(db, "SELECT count(*) FROM triage");
    assert_int_equal(atoi(n), 20);
    free(n);
    n = sql(db, "SELECT count(*) FROM leads WHERE stage = 'prospect'");
    assert_int_equal(atoi(n), 6);
    free(n);
    char q[256];
    snprintf(q, sizeof q, "SELECT count(*) FROM leads WHERE owner = '%s'", me());
    n = sql(db, q);
    assert_int_equal(atoi(n), 4);
    free(n);
    n = sql(db, "SELECT count(*) FROM activities WHERE kind = 'call'");
    assert_int_equal(atoi(n), 3);
    free(n);
    n = sql(db, "SELECT count(*) FROM leads WHERE stage = 'lost' AND lost_reason IS NOT NULL");
    assert_int_equal(atoi(n), 1);
    free(n);
}

static void test_leaving_and_coming_back_resumes(void **state)
{
    (void)state;
    const char *db = kt_db("resume.db");
    add_leads(db, 4, "-");
    /* overdue leads stay in the queue after a skip */
    for (int i = 1; i <= 4; i++) {
        char id[8];
        snprintf(id, sizeof id, "%d", i);
        kt_kariz_run(db, "followup", id, "yesterday", "--force", NULL);
    }
    kt_term *t = kt_board(30, 100, db, "triage", NULL);
    kt_wait_for(t, "triage 1/4, 0 decisions");
    kt_wait_for(t, "Person 01");
    kt_send(t, " ");
    kt_wait_for(t, "triage 2/4, 1 decision");
    kt_send(t, " ");
    kt_wait_for(t, "triage 3/4, 2 decisions");
    kt_wait_for(t, "Person 03");
    /* q goes back to the board; t comes back to the same place */
    kt_send(t, "q");
    kt_wait_for(t, "Lead 4");
    kt_send(t, "t");
    kt_wait_for(t, "triage 3/4, 2 decisions");
    kt_wait_for(t, "Person 03");
    kt_finish(t, "qq");

    char *p = sql(db, "SELECT value FROM meta WHERE key LIKE 'triage.progress.%'");
    assert_string_equal(p, "2 2");
    free(p);

    /* a new run of kariz too */
    t = kt_board(30, 100, db, "triage", NULL);
    kt_wait_for(t, "triage 3/4, 2 decisions");
    kt_wait_for(t, "Person 03");
    kt_send(t, "C");
    kt_wait_for(t, "triage 4/4, 3 decisions");
    kt_send(t, "k"); /* look back without deciding */
    kt_wait_for(t, "Person 03");
    /* the help screen opened from triage lists triage's keys */
    kt_send(t, "?");
    kt_wait_for(t, "Keys in triage");
    int row, col;
    kt_wait_for(t, "mark the deal lost");
    assert_true(kt_find(t, "mark the deal lost", &row, &col));
    assert_non_null(strstr(kt_screen_row(t, row), "d L"));
    kt_send(t, "G"); /* the end of the list: the triage actions */
    kt_wait_for(t, " skip ");
    assert_true(kt_find(t, " skip ", &row, &col));
    assert_non_null(strstr(kt_screen_row(t, row), "<Space>"));
    kt_send(t, "q");
    kt_wait_for(t, "triage 3/4, 3 decisions");
    kt_finish(t, "qq");
}

static void test_empty_queue(void **state)
{
    (void)state;
    const char *db = kt_db("empty.db");
    kt_kariz_run(db, "init", NULL);
    /* the command's usage errors */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' --db '%s' triage --bogus 2>/dev/null", kt_kariz(), db);
    int st = system(cmd);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 2);
    kt_term *t = kt_board(30, 100, db, "triage", NULL);
    kt_wait_for(t, "Nothing needs a decision now.");
    kt_wait_for(t, "triage: nothing to decide");
    kt_send(t, "a"); /* no lead: nothing happens */
    kt_wait_for(t, "no lead to decide on");
    kt_finish(t, "qq");

    /* someone else's lead is not in my queue, but is with --all */
    kt_kariz_run(db, "add", "--owner", "bob", "--force", "--value", "10", "Bob's Lead", NULL);
    t = kt_board(30, 100, db, "triage", NULL);
    kt_wait_for(t, "Nothing needs a decision now.");
    kt_finish(t, "qq");
    t = kt_board(30, 100, db, "triage", "--all", NULL);
    kt_wait_for(t, "Bob's Lead");
    kt_wait_for(t, "every owner");
    kt_finish(t, "qq");
}

static void test_entry_criteria_refuse_and_override(void **state)
{
    (void)state;
    const char *db = kt_db("override.db");
    /* a prospect with no pain shown: "opportunity" refuses it */
    kt_kariz_run(db, "add", "--company", "Bletchley", "--value", "5000", "--stage", "prospect",
                 "Alan Turing", NULL);
    /* wide enough for the whole refusal and what follows it */
    kt_term *t = kt_board(30, 160, db, "triage", NULL);
    kt_wait_for(t, "Alan Turing");
    kt_send(t, "a");
    kt_wait_for(t, "override? reason");
    kt_wait_for(t, "refused: opportunity needs a known decision_maker (has none), pain");
    kt_send(t, "\x1b"); /* Esc: nothing moves, the lead stays */
    kt_wait_for(t, "not moved");
    kt_wait_for(t, "triage 1/1, 0 decisions");
    show_has(db, 1, "\"stage\": \"prospect\"", NULL);
    kt_send(t, "a");
    kt_wait_for(t, "override? reason");
    kt_send(t, "\r"); /* an override needs a reason */
    kt_wait_for(t, "an override needs a reason");
    kt_send(t, "CEO asked for a demo\r");
    kt_wait_for(t, "Queue done: 1 lead, 1 decision.");
    show_has(db, 1, "\"stage\": \"opportunity\"", NULL);
    history_has(db, 1, "\"kind\": \"override\"");
    history_has(db, 1, "CEO asked for a demo");
    decision_is(db, 1, "advance");
    /* undo moves it back, past the criteria */
    kt_send(t, "u");
    kt_wait_for(t, "triage 1/1, 0 decisions");
    show_has(db, 1, "\"stage\": \"prospect\"", NULL);
    kt_finish(t, "qq");
}

static void test_next_step_meeting_won_and_typed_date(void **state)
{
    (void)state;
    const char *db = kt_db("more.db");
    add_leads(db, 4, "-");
    kt_term *t = kt_board(30, 120, db, "triage", NULL);
    kt_wait_for(t, "triage 1/4, 0 decisions");
    kt_send(t, "f"); /* the next step and its date */
    kt_wait_for(t, "next step:");
    kt_send(t, "send the deck\r");
    kt_wait_for(t, "due (");
    kt_send(t, "2030-01-10\r");
    kt_wait_for(t, "triage 2/4, 1 decision");
    show_has(db, 1, "\"next_step\": \"send the deck\"", "\"next_due\": \"2030-01-10\"", NULL);
    decision_is(db, 1, "next-step");

    kt_send(t, "m"); /* a meeting */
    kt_wait_for(t, "meeting with Person 02: outcome?");
    kt_send(t, "h");
    kt_wait_for(t, "triage 3/4, 2 decisions");
    show_has(db, 2, "\"kind\": \"meeting\"", "\"outcome\": \"held\"", NULL);
    decision_is(db, 2, "meeting");

    kt_send(t, "W"); /* won */
    kt_wait_for(t, "triage 4/4, 3 decisions");
    show_has(db, 3, "\"stage\": \"won\"", NULL);
    history_has(db, 3, "\"new\": \"won\"");
    decision_is(db, 3, "won");

    /* a typed date kariz cannot read is refused, and the lead stays */
    kt_send(t, "z");
    kt_wait_for(t, "snooze until");
    kt_send(t, "d");
    kt_wait_for(t, "snooze until (");
    kt_send(t, "someday\r");
    kt_wait_for(t, "cannot read date");
    kt_wait_for(t, "triage 4/4, 3 decisions");
    kt_send(t, "zd");
    kt_wait_for(t, "snooze until (");
    kt_send(t, "2030-01-15\r");
    kt_wait_for(t, "Queue done: 4 leads, 4 decisions.");
    show_has(db, 4, "\"next_due\": \"2030-01-15\"", NULL);
    /* undo puts the due date back (there was none) */
    kt_send(t, "u");
    kt_wait_for(t, "triage 4/4, 3 decisions");
    show_has(db, 4, "\"next_due\": null", NULL);
    kt_finish(t, "qq");

    /* a read-only session shows the queue but refuses decisions */
    kt_kariz_run(db, "add", "--owner", "-", "Rita Readonly", NULL);
    t = kt_board(30, 120, db, "--read-only", "triage", NULL);
    kt_wait_for(t, "READ-ONLY");
    /* the pass the undo reopened goes on, and the lead whose snooze was
     * undone is in it again: an undone decision does not count */
    kt_wait_for(t, "triage 1/2, 3 decisions");
    kt_wait_for(t, "Person 04");
    kt_send(t, "j"); /* on to the next lead: browsing is allowed */
    kt_wait_for(t, "Rita Readonly");
    kt_send(t, "C");
    kt_wait_for(t, "claim is refused");
    show_has(db, 5, "\"owner\": null", NULL);
    kt_finish(t, "qq");
}

static void test_shared_with_other_boards(void **state)
{
    (void)state;
    const char *db = kt_db("shared.db");
    add_leads(db, 2, "-");
    kt_term *a = kt_board(30, 120, db, "triage", NULL);
    kt_wait_for(a, "triage 1/2, 0 decisions");
    /* a board looking at the lead A is deciding on marks it, and another
     * triage on it says so */
    kt_term *b = kt_board(30, 120, db, NULL);
    char mark[64], also[64];
    snprintf(mark, sizeof mark, "@%s", me());
    snprintf(also, sizeof also, "also open: %s", me());
    kt_wait_for(b, mark);
    kt_send(b, "t");
    kt_wait_for(b, "triage 1/2");
    kt_wait_for(b, also);
    kt_wait_for(a, also);
    kt_finish(b, "qq");
    kt_wait_gone(a, also);
    /* A's own decisions are not announced to it as someone else's: another
     * person adds a lead while A writes a note (a prompt holds off A's
     * polling); A's next look names only that */
    kt_send(a, "n");
    kt_wait_for(a, "note:");
    kt_kariz_run(db, "add", "--owner", "-", "Alan Turing", NULL);
    kt_send(a, "first call booked\r");
    kt_wait_for(a, "triage 2/2, 1 decision");
    char added[128];
    snprintf(added, sizeof added, "%s added Alan Turing", me());
    kt_wait_for(a, added);
    assert_false(kt_contains(a, "more)"));
    kt_finish(a, "qq");
}

/* A decision on a field someone else changed meanwhile opens the same
 * conflict dialog as the board (what they changed, yours); re-applying it
 * saves the decision. A change to another field is no conflict. */
static void test_conflict_in_triage_shows_the_dialog(void **state)
{
    (void)state;
    const char *db = kt_db("tconflict.db");
    add_leads(db, 2, "-");
    kt_term *t = kt_board(30, 120, db, "triage", NULL);
    kt_wait_for(t, "triage 1/2, 0 decisions");
    kt_wait_for(t, "Person 01");
    /* the owner picker is open while a colleague claims the lead */
    kt_send(t, "o");
    kt_wait_for(t, "assign to");
    kt_kariz_run(db, "assign", "--force", "1", "carol", NULL); /* no account: forced */
    kt_send(t, "dave_zq\r");
    kt_wait_for(t, "\"dave_zq\" is not a known user"); /* asked first, then the conflict */
    kt_send(t, "y");
    kt_wait_for(t, "was changed while you worked on it");
    kt_wait_for(t, "set owner to carol");
    kt_wait_for(t, "yours: dave_zq");
    char *owner = sql(db, "SELECT owner FROM leads WHERE id = 1");
    assert_string_equal(owner, "carol");
    free(owner);
    kt_send(t, "A");
    kt_wait_for(t, "Person 01 assigned to dave_zq; u undoes (re-applied over the other change)");
    kt_wait_for(t, "triage 2/2, 1 decision");
    owner = sql(db, "SELECT owner FROM leads WHERE id = 1");
    assert_string_equal(owner, "dave_zq");
    free(owner);
    /* a colleague's title edit is no conflict for a call */
    kt_send(t, "c");
    kt_wait_for(t, "call with Person 02: outcome?");
    kt_kariz_run(db, "set", "2", "title=CFO", NULL);
    kt_send(t, "a");
    kt_wait_for(t, "call logged with Person 02: answered");
    char *calls = sql(db, "SELECT lead_id FROM activities WHERE kind = 'call'");
    assert_string_equal(calls, "2");
    free(calls);
    /* undo walks back: the call stays logged; the owner goes back to what
     * the lead had just before the decision landed (the colleague's) */
    kt_send(t, "u");
    kt_wait_for(t, "the call stays logged");
    kt_send(t, "u");
    kt_wait_for(t, "undone: assignment of Person 01");
    owner = sql(db, "SELECT owner FROM leads WHERE id = 1");
    assert_string_equal(owner, "carol");
    free(owner);
    kt_finish(t, "qq");
}

static void test_hostile_name_shown_safely(void **state)
{
    (void)state;
    const char *db = kt_db("hostile.db");
    kt_kariz_run(db, "add", "--company", "Evil\x1b]0;pwned\x07" "Corp", "--title",
                 "Boss\x1b[2J", "--value", "100", "Mallory\x1b[31mRed", NULL);
    kt_kariz_run(db, "note", "1", "line one\nline\x1b[Htwo", NULL);
    kt_kariz_run(db, "followup", "1", "yesterday", "--force", "--step", "call\x1b[5ime", NULL);
    kt_term *t = kt_board(30, 120, db, "triage", NULL);
    /* ESC shows as the control picture U+241B; BEL as U+2407 */
    kt_wait_for(t, "Mallory\xe2\x90\x9b[31mRed");
    kt_wait_for(t, "Boss\xe2\x90\x9b[2J at Evil\xe2\x90\x9b]0;pwned\xe2\x90\x87" "Corp");
    kt_wait_for(t, "line\xe2\x90\x9b[Htwo");
    kt_wait_for(t, "call\xe2\x90\x9b[5ime");
    kt_wait_for(t, "Last touches");
    assert_false(strstr(kt_title(t), "pwned"));
    int row, col;
    assert_true(kt_find(t, "Mallory", &row, &col));
    assert_int_equal(row, 1); /* the screen was not cleared or moved */
    kt_send(t, "c");
    /* the box names the lead, its escape shown, not obeyed */
    kt_wait_for(t, "call with Mallory\xe2\x90\x9b[31mRed");
    kt_wait_for(t, ": outcome?");
    kt_send(t, "n");
    kt_wait_for(t, "call logged with Mallory\xe2\x90\x9b[31mRed");
    kt_finish(t, "qq");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_decision_lands),
        cmocka_unit_test(test_twenty_decisions_near_one_key_each),
        cmocka_unit_test(test_leaving_and_coming_back_resumes),
        cmocka_unit_test(test_empty_queue),
        cmocka_unit_test(test_entry_criteria_refuse_and_override),
        cmocka_unit_test(test_next_step_meeting_won_and_typed_date),
        cmocka_unit_test(test_shared_with_other_boards),
        cmocka_unit_test(test_conflict_in_triage_shows_the_dialog),
        cmocka_unit_test(test_hostile_name_shown_safely),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
