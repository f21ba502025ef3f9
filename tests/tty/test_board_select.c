/* test_board_select.c - the lead you act on is the lead you see: the
 * highlight stays on its lead when a column reorders, goes to the neighbour
 * (with a word on where the lead went) when it leaves; a new lead is
 * selected; confirmations name the lead; undo walks back several changes
 * and restores exactly what was there, and a colleague's change since is a
 * conflict. After each step the database says where the change landed;
 * the morning session runs all of it in one go, triage and a report
 * included. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Mia scores higher than Paul (200 employees fit the default rules), so
 * she is the first card of the Lead column and Paul the second. */
static const char *make_db(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s", kt_db(name));
    kt_kariz_run(path, "add", "--company", "Khan Textiles", "--value", "1000", "--stage",
                 "lead", "--set", "employees=200", "Mia Khan", NULL);
    kt_kariz_run(path, "add", "--company", "Chen Freight", "--value", "2000", "--stage",
                 "lead", "--set", "employees=200", "Paul Chen", NULL);
    kt_kariz_run(path, "add", "--company", "Navy", "--stage", "lead", "Grace Hopper", NULL);
    return path;
}

/* True when the card showing text is the selected one (drawn reversed). */
static bool selected(kt_term *t, const char *text)
{
    int row, col;
    return kt_find(t, text, &row, &col) && kt_cell_reverse(t, row, col);
}

static int row_of(kt_term *t, const char *text)
{
    int row, col;
    assert_true(kt_find(t, text, &row, &col));
    return row;
}

/* Sends keys, then waits until the board has handled them: an unbound key
 * after them answers on the status line once the keys before it are done. */
static void send_sync(kt_term *t, const char *keys)
{
    kt_send(t, keys);
    kt_send(t, "%");
    kt_wait_for(t, "% is not bound");
}

/* Types a search and keeps it, once the header shows `shown`. */
static void search_for(kt_term *t, const char *text, const char *shown)
{
    kt_send(t, "/");
    kt_wait_for(t, "search:");
    kt_send(t, text);
    kt_wait_for(t, shown);
    send_sync(t, "\r");
}

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

/* A call that raises the score reorders the column; the note that follows
 * lands on the lead called, not on the one now standing where it stood. */
static void test_call_then_note_on_the_same_lead(void **state)
{
    (void)state;
    const char *db = make_db("callnote.db");
    setenv("NO_COLOR", "1", 1);
    kt_term *t = kt_board(30, 120, db, NULL);
    unsetenv("NO_COLOR");
    kt_wait_for(t, "Paul Chen");
    assert_true(row_of(t, "Mia Khan") < row_of(t, "Paul Chen"));
    send_sync(t, "j");
    assert_true(selected(t, "Paul Chen"));
    kt_send(t, "c");
    kt_wait_for(t, "call with Paul Chen: outcome?");
    kt_send(t, "a");
    kt_wait_for(t, "call logged with Paul Chen: answered");
    assert_string_equal(kt_sql(db, "SELECT lead_id FROM activities WHERE kind = 'call'"), "2");
    /* Paul now outscores Mia: he went to the top, and the highlight with him */
    assert_true(row_of(t, "Paul Chen") < row_of(t, "Mia Khan"));
    assert_true(selected(t, "Paul Chen"));
    assert_false(selected(t, "Mia Khan"));
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "prefers mornings\r");
    kt_wait_for(t, "note added to Paul Chen");
    assert_string_equal(kt_sql(db, "SELECT lead_id FROM activities WHERE kind = 'note'"), "2");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM activities WHERE lead_id = 1"), "0");
    kt_finish(t, "q");
}

/* Someone else's change reorders the column: the highlight stays on its
 * lead; when the lead leaves the column, it goes to the neighbour and the
 * status line says where the lead went. */
static void test_selection_survives_other_changes(void **state)
{
    (void)state;
    const char *db = make_db("others.db");
    setenv("NO_COLOR", "1", 1);
    kt_term *t = kt_board(30, 120, db, NULL);
    unsetenv("NO_COLOR");
    kt_wait_for(t, "Grace Hopper");
    send_sync(t, "G"); /* the last card: Grace */
    assert_true(selected(t, "Grace Hopper"));
    assert_true(row_of(t, "Grace Hopper") > row_of(t, "Paul Chen"));
    /* a colleague gives Grace a big firm and a title: she climbs to the top */
    kt_kariz_run(db, "set", "3", "employees=5000", "title=CEO", NULL);
    kt_wait_for(t, "of Grace Hopper");
    send_sync(t, "");
    assert_true(row_of(t, "Grace Hopper") < row_of(t, "Mia Khan"));
    assert_true(selected(t, "Grace Hopper"));
    /* a search keeps her too */
    kt_send(t, "/");
    kt_wait_for(t, "search:");
    kt_send(t, "Hop\r");
    kt_wait_for(t, "Lead 3 (1 shown)");
    assert_true(selected(t, "Grace Hopper"));
    kt_send(t, "x");
    kt_wait_for(t, "filters cleared");
    send_sync(t, "");
    assert_true(selected(t, "Grace Hopper"));
    /* so does a sort that puts her last (lead number) */
    kt_send(t, "s");
    kt_wait_for(t, "sort cards by");
    kt_send(t, "i");
    kt_wait_for(t, "cards sorted by lead number");
    assert_true(row_of(t, "Grace Hopper") > row_of(t, "Paul Chen"));
    assert_true(selected(t, "Grace Hopper"));
    /* a colleague moves her on: the highlight goes to her neighbour */
    kt_kariz_run(db, "move", "3", "prospect", "--force", "--reason", "met at the fair", NULL);
    kt_wait_for(t, "Prospect 1");
    kt_wait_for(t, "moved Grace Hopper to Prospect");
    assert_false(selected(t, "Grace Hopper"));
    assert_true(selected(t, "Paul Chen") || selected(t, "Mia Khan"));
    /* and a note goes to the highlighted lead */
    const char *who = selected(t, "Paul Chen") ? "Paul Chen" : "Mia Khan";
    const char *id = selected(t, "Paul Chen") ? "2" : "1";
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "after the fair\r");
    char msg[64];
    snprintf(msg, sizeof msg, "note added to %s", who);
    kt_wait_for(t, msg);
    assert_string_equal(kt_sql(db, "SELECT lead_id FROM activities WHERE kind = 'note'"), id);
    kt_finish(t, "q");
}

/* 62 leads in Lead: Filler 01-61 (Acme 01-61; every third without a
 * value, the others 1010-1610) and Zed Target (Unique Works, no value),
 * between Filler 60 and 61 by lead number. */
static const char *make_long_column(const char *name)
{
    const char *db = kt_db(name);
    char csv[512];
    snprintf(csv, sizeof csv, "%s.csv", kt_path(name));
    FILE *fp = fopen(csv, "w");
    assert_non_null(fp);
    fputs("name,company,value,stage\n", fp);
    for (int i = 1; i <= 60; i++) {
        if (i % 3)
            fprintf(fp, "Filler %02d,Acme %02d,%d,lead\n", i, i, 1000 + i * 10);
        else
            fprintf(fp, "Filler %02d,Acme %02d,,lead\n", i, i);
    }
    fputs("Zed Target,Unique Works,,lead\n", fp);
    fputs("Filler 61,Acme 61,,lead\n", fp);
    fclose(fp);
    kt_kariz_run(db, "import", csv, NULL);
    return db;
}

/* The board on db, its cards sorted by value. */
static kt_term *board_by_value(const char *db)
{
    setenv("NO_COLOR", "1", 1);
    kt_term *t = kt_board(30, 120, db, NULL);
    unsetenv("NO_COLOR");
    kt_wait_for(t, "Filler");
    kt_send(t, "s");
    kt_wait_for(t, "sort cards by");
    kt_send(t, "v");
    kt_wait_for(t, "cards sorted by value");
    return t;
}

/* Typing a search that leaves the selected lead out puts the cursor on
 * the first match, not at the place the lead had in the whole column. */
static void test_search_starts_at_the_first_match(void **state)
{
    (void)state;
    const char *db = make_long_column("first.db");
    kt_term *t = board_by_value(db);
    send_sync(t, "G"); /* the last card: Filler 61, no value */
    assert_true(selected(t, "Filler 61"));
    /* (a phrase: "Acme 01" to "Acme 09"; as two words, "0" is in more) */
    search_for(t, "\"Acme 0\"", "(9 shown)");
    /* the title shows a phrase as typed, not quoted again */
    kt_wait_for(t, "search:\"Acme 0\"  ");
    assert_false(kt_contains(t, "\"\"Acme"));
    /* the highest value of Acme 01-09 */
    assert_true(selected(t, "Filler 08"));
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "first match\r");
    kt_wait_for(t, "note added to Filler 08");
    kt_finish(t, "q");
}

/* A search typed keeps the selected lead selected where it stands among
 * the matches when it is one of the first 100; one further down leaves the
 * column at its first match (finding it would count every match above it
 * on each keystroke), and the next key acts on that match. */
static void test_search_keeps_a_near_lead(void **state)
{
    (void)state;
    const char *db = kt_db("reach.db");
    char csv[512];
    snprintf(csv, sizeof csv, "%s.csv", kt_path("reach"));
    FILE *fp = fopen(csv, "w");
    assert_non_null(fp);
    fputs("name,company,value,stage\n", fp);
    for (int i = 1; i <= 130; i++) /* by value: Filler 001 first */
        fprintf(fp, "Filler %03d,%s %03d,%d,lead\n", i, i % 25 == 7 ? "Beta" : "Acme", i,
                100000 - i * 10);
    fclose(fp);
    kt_kariz_run(db, "import", csv, NULL);
    kt_term *t = board_by_value(db);
    send_sync(t, "jjj");
    assert_true(selected(t, "Filler 004"));
    search_for(t, "Acme", "(125 shown)");
    assert_true(selected(t, "Filler 004")); /* the 4th match: kept */
    kt_send(t, "G");
    kt_wait_for(t, "Filler 130");
    assert_true(selected(t, "Filler 130")); /* the 125th */
    kt_send(t, "x");
    kt_wait_for(t, "filters cleared");
    send_sync(t, "");
    assert_true(selected(t, "Filler 130"));
    search_for(t, "Acme", "(125 shown)");
    assert_true(selected(t, "Filler 001"));
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "first match\r");
    kt_wait_for(t, "note added to Filler 001");
    assert_string_equal(kt_sql(db, "SELECT l.name FROM activities a JOIN leads l ON "
                                   "l.id = a.lead_id WHERE a.kind = 'note'"),
                        "Filler 001");
    kt_finish(t, "q");
}

/* A search cancelled (Esc) leaves the lead selected before it selected,
 * even when the characters typed matched nothing and moved the cursor to
 * the top; the next key acts on that lead. */
static void test_cancelled_search_keeps_the_selection(void **state)
{
    (void)state;
    const char *db = make_db("cancel.db");
    setenv("NO_COLOR", "1", 1); /* (the selected card is then drawn reversed) */
    kt_term *t = kt_board(30, 120, db, NULL);
    unsetenv("NO_COLOR");
    kt_wait_for(t, "Paul Chen");
    send_sync(t, "j");
    assert_true(selected(t, "Paul Chen"));
    kt_send(t, "/");
    kt_wait_for(t, "search:");
    kt_send(t, "zzz");
    kt_wait_for(t, "(0 shown)");
    send_sync(t, "\x1b");
    kt_wait_for(t, "Paul Chen");
    assert_true(selected(t, "Paul Chen"));
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "still Paul\r");
    kt_wait_for(t, "note added to Paul Chen");
    assert_string_equal(kt_sql(db, "SELECT l.name FROM activities a JOIN leads l ON "
                                   "l.id = a.lead_id WHERE a.kind = 'note'"),
                        "Paul Chen");
    kt_finish(t, "q");
}

/* The selected lead far down a long column, in an order with leads
 * missing its key (no value): a search finds it, clearing the search keeps
 * it selected where it stands in the whole column (the screen scrolls to
 * it), and a note lands on it. */
static void test_selection_far_down_a_column(void **state)
{
    (void)state;
    const char *db = make_long_column("far.db");
    kt_term *t = board_by_value(db);
    assert_false(kt_find(t, "Zed Target", NULL, NULL)); /* far below the screen */
    kt_send(t, "/");
    kt_wait_for(t, "search:");
    kt_send(t, "Unique\r");
    kt_wait_for(t, "(1 shown)");
    send_sync(t, "");
    assert_true(selected(t, "Zed Target"));
    kt_send(t, "x");
    kt_wait_for(t, "filters cleared");
    send_sync(t, "");
    assert_true(selected(t, "Zed Target"));
    /* the one after it in the column is below it on the screen */
    if (kt_find(t, "Filler 61", NULL, NULL))
        assert_true(row_of(t, "Filler 61") > row_of(t, "Zed Target"));
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "found far down\r");
    kt_wait_for(t, "note added to Zed Target");
    assert_string_equal(kt_sql(db, "SELECT l.name FROM activities a JOIN leads l ON "
                                   "l.id = a.lead_id WHERE a.kind = 'note'"),
                        "Zed Target");
    kt_finish(t, "q");
}

/* A new lead is selected, in its column; the next key acts on it. */
static void test_new_lead_is_selected(void **state)
{
    (void)state;
    const char *db = make_db("add.db");
    setenv("NO_COLOR", "1", 1);
    kt_term *t = kt_board(30, 120, db, NULL);
    unsetenv("NO_COLOR");
    kt_wait_for(t, "Mia Khan");
    kt_send(t, "a");
    kt_wait_for(t, "new lead: name:");
    kt_send(t, "Zara Ahmadi\r");
    kt_wait_for(t, "company:");
    kt_send(t, "Ahmadi Tiles\r");
    kt_wait_for(t, "deal value:");
    kt_send(t, "500\r");
    kt_wait_for(t, "added Zara Ahmadi (lead 4)");
    kt_wait_for(t, "Zara Ahmadi ");
    assert_true(selected(t, "Zara Ahmadi "));
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "title\r");
    kt_wait_for(t, "title:");
    kt_send(t, "Founder\r");
    kt_wait_for(t, "title of Zara Ahmadi saved");
    assert_string_equal(kt_sql(db, "SELECT title FROM leads WHERE id = 4"), "Founder");
    /* the detail view's confirmations name the lead too */
    kt_send(t, "\r");
    kt_wait_for(t, "Qualification");
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "sent the catalogue\r");
    kt_wait_for(t, "note added to Zara Ahmadi");
    assert_string_equal(kt_sql(db, "SELECT lead_id FROM activities WHERE kind = 'note'"), "4");
    kt_send(t, "o");
    kt_wait_for(t, "owner (empty: unassigned):");
    kt_send(t, "\x15" "dave_zq\r");
    kt_wait_for(t, "\"dave_zq\" is not a known user"); /* no such account: asked first */
    kt_send(t, "y");
    kt_wait_for(t, "Zara Ahmadi assigned to dave_zq");
    assert_string_equal(kt_sql(db, "SELECT owner FROM leads WHERE id = 4"), "dave_zq");
    kt_finish(t, "qq");
}

/* Undo walks back several changes and restores exactly what was there
 * (days in stage, lost reason, title); a colleague's change since to the
 * same field is a conflict shown in the dialog, never overwritten. */
/* Edits Mia Khan's title on the board from was to now (the pre-filled
 * value cleared first) and waits for the confirmation. */
static void edit_title(kt_term *t, const char *was, const char *now)
{
    char shown[64], keys[64];
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "title\r");
    snprintf(shown, sizeof shown, "title: %s", was);
    kt_wait_for(t, shown);
    snprintf(keys, sizeof keys, "\x15%s\r", now);
    kt_send(t, keys);
    kt_wait_for(t, "title of Mia Khan saved");
}

/* Two changes of one field, both undone: the second undo is no conflict
 * with the board's own first undo, and the field is as it was. */
static void test_undo_one_field_twice(void **state)
{
    (void)state;
    const char *db = make_db("undo2.db");
    kt_kariz_run(db, "set", "1", "title=CTO", NULL);
    kt_term *t = kt_board(30, 160, db, NULL);
    kt_wait_for(t, "Mia Khan");
    edit_title(t, "CTO", "CEO");
    edit_title(t, "CEO", "VP");
    assert_string_equal(kt_sql(db, "SELECT title FROM leads WHERE id = 1"), "VP");
    kt_send(t, "u");
    kt_wait_for(t, "undone: edit of title of Mia Khan (1 more to undo)");
    assert_string_equal(kt_sql(db, "SELECT title FROM leads WHERE id = 1"), "CEO");
    kt_send(t, "u");
    kt_wait_gone(t, "(1 more to undo)"); /* the first undo's message, until the second's */
    kt_wait_for(t, "undone: edit of title of Mia Khan");
    assert_false(kt_contains(t, "changed while"));

    assert_string_equal(kt_sql(db, "SELECT title FROM leads WHERE id = 1"), "CTO");
    kt_finish(t, "q");
}

static void test_undo_several_steps(void **state)
{
    (void)state;
    const char *db = make_db("undo.db");
    kt_kariz_run(db, "set", "1", "title=CTO", NULL);
    setenv("KARIZ_NOW", "2026-11-25 10:00", 1);
    kt_term *t = kt_board(30, 160, db, NULL);
    unsetenv("KARIZ_NOW");
    kt_wait_for(t, "Mia Khan");
    const char *entered = kt_sql(db, "SELECT stage_entered FROM leads WHERE id = 1");
    char was_entered[64];
    snprintf(was_entered, sizeof was_entered, "%s", entered);
    /* 1: edit the title */
    edit_title(t, "CTO", "CEO");
    assert_string_equal(kt_sql(db, "SELECT title FROM leads WHERE id = 1"), "CEO");
    /* 2: mark her lost */
    kt_send(t, "L");
    kt_wait_for(t, "lost: why?");
    kt_send(t, "1");
    kt_wait_for(t, "Mia Khan marked lost (price)");
    assert_string_equal(kt_sql(db, "SELECT stage || ',' || lost_reason FROM leads WHERE id = 1"),
                        "lost,price");
    /* undo the loss: back in Lead, the stage-entered time as it was */
    kt_send(t, "u");
    kt_wait_for(t, "undone: lost of Mia Khan; back in Lead (1 more to undo)");
    assert_string_equal(kt_sql(db, "SELECT stage FROM leads WHERE id = 1"), "lead");
    assert_string_equal(kt_sql(db, "SELECT stage_entered FROM leads WHERE id = 1"), was_entered);
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM leads WHERE id = 1 AND "
                                   "lost_reason IS NULL AND lost_from IS NULL"),
                        "1");
    /* undo the edit: the title is back */
    kt_send(t, "u");
    kt_wait_for(t, "undone: edit of title of Mia Khan");
    assert_string_equal(kt_sql(db, "SELECT title FROM leads WHERE id = 1"), "CTO");
    kt_send(t, "u");
    kt_wait_for(t, "nothing to undo");
    /* an edit that a colleague has changed since: undo is a conflict */
    edit_title(t, "CTO", "COO");
    kt_kariz_run(db, "set", "1", "title=Chair", NULL);
    kt_wait_for(t, "changed title of Mia Khan");
    kt_send(t, "u");
    kt_wait_for(t, "was changed while you worked on it");
    kt_wait_for(t, "set title to Chair (was COO); yours (undo): CTO");
    assert_string_equal(kt_sql(db, "SELECT title FROM leads WHERE id = 1"), "Chair");
    kt_send(t, "R");
    kt_wait_for(t, "your change was dropped");
    assert_string_equal(kt_sql(db, "SELECT title FROM leads WHERE id = 1"), "Chair");
    /* the dropped undo is gone from the stack */
    kt_send(t, "u");
    kt_wait_for(t, "nothing to undo");
    /* re-applied in the dialog, the undo puts back what the edit replaced,
     * and leaves the colleague's other change alone */
    edit_title(t, "Chair", "VP");
    kt_kariz_run(db, "set", "1", "title=Board", "phone=555", NULL);
    kt_wait_for(t, "changed");
    kt_send(t, "u");
    kt_wait_for(t, "set title to Board (was VP); yours (undo): Chair");
    kt_send(t, "A");
    kt_wait_for(t, "undone: edit of title of Mia Khan");
    assert_string_equal(kt_sql(db, "SELECT title || ',' || phone FROM leads WHERE id = 1"),
                        "Chair,555");
    kt_finish(t, "q");
}

/* The id of the lead triage shows now, by the "NAME  lead N" header. */
static const char *const triage_names[] = {"Mia Khan", "Paul Chen", "Grace Hopper",
                                            "Zara Ahmadi"};

/* The lead triage shows, 0 while its body is not drawn yet. */
static int triage_shown(kt_term *t)
{
    for (int i = 0; i < 4; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s  lead %d", triage_names[i], i + 1);
        if (kt_contains(t, head))
            return i + 1;
    }
    return 0;
}

static bool triage_drawn(kt_term *t, void *arg)
{
    (void)arg;
    return triage_shown(t) != 0;
}

/* The title comes first: waits for the body naming one of the leads (the
 * hang guard shows the screen when none comes). */
static int triage_lead(kt_term *t)
{
    kt_wait_until(t, triage_drawn, NULL, "triage naming one of the leads");
    return triage_shown(t);
}

/* Fails unless the query (a format) answers want. */
static void where(const char *db, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void where(const char *db, const char *want, const char *fmt, ...)
{
    char q[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q, sizeof q, fmt, ap);
    va_end(ap);
    const char *got = kt_sql(db, q);
    if (strcmp(got, want) != 0)
        fail_msg("%s: \"%s\", expected \"%s\"", q, got, want);
}

/* The first line of `kariz CMD...` (on db) that starts with prefix. */
static void kariz_line(const char *db, const char *cmd, const char *prefix, char *out, size_t n)
{
    char sh[1024];
    snprintf(sh, sizeof sh, "'%s' --db '%s' %s", kt_kariz(), db, cmd);
    FILE *p = popen(sh, "r");
    assert_non_null(p);
    *out = '\0';
    char line[512];
    while (fgets(line, sizeof line, p))
        if (!*out && strncmp(line, prefix, strlen(prefix)) == 0) {
            line[strcspn(line, "\r\n")] = '\0';
            snprintf(out, n, "%s", line);
        }
    pclose(p);
}

/* A win and a loss, each undone with u: the funnel counts neither, and the
 * history shows each undo as the undo of its change. */
static void test_undone_win_and_loss_leave_the_reports(void **state)
{
    (void)state;
    const char *db = make_db("undo-report.db");
    kt_term *t = kt_board(30, 160, db, NULL);
    kt_wait_for(t, "Mia Khan");
    kt_send(t, "W");
    kt_wait_for(t, "Won 1");
    kt_send(t, "u");
    kt_wait_for(t, "undone: won of Mia Khan");
    kt_wait_for(t, "Won 0");
    kt_send(t, "L");
    kt_wait_for(t, "lost: why?");
    kt_send(t, "1");
    kt_wait_for(t, "Mia Khan marked lost (price)");
    kt_send(t, "u");
    kt_wait_for(t, "Lost 0");
    kt_finish(t, "q");
    assert_string_equal(kt_sql(db, "SELECT stage FROM leads WHERE id = 1"), "lead");
    char line[512];
    kariz_line(db, "report funnel --format csv", "conversion,lead,", line, sizeof line);
    assert_string_equal(line, "conversion,lead,3,prospect,0,0.0");
    kariz_line(db, "report funnel --format csv", "conversion,won,", line, sizeof line);
    assert_string_equal(line, "conversion,won,0,,,");
    kariz_line(db, "report losses --format csv", "by_stage,", line, sizeof line);
    assert_string_equal(line, "");
    kariz_line(db, "history 1 | grep 'Lead -> Won'", "", line, sizeof line);
    assert_non_null(strstr(line, "(undone at "));
    kariz_line(db, "history 1 | grep 'Won -> Lead'", "", line, sizeof line);
    assert_non_null(strstr(line, "undid"));
    assert_non_null(strstr(line, "(undo of the change at "));
    kariz_line(db, "history 1 | grep 'Lead -> Lost'", "", line, sizeof line);
    assert_non_null(strstr(line, "(undone at "));
}

/* A salesperson's morning, key by key: every change lands on the lead that
 * was highlighted (the database says so after each step). */
static void test_morning_session(void **state)
{
    (void)state;
    const char *db = make_db("morning.db");
    setenv("NO_COLOR", "1", 1);
    kt_term *t = kt_board(30, 160, db, NULL);
    unsetenv("NO_COLOR");
    kt_wait_for(t, "Grace Hopper");
    /* add a lead: it is selected, at the bottom of Lead (score 0) */
    kt_send(t, "a");
    kt_wait_for(t, "new lead: name:");
    kt_send(t, "Zara Ahmadi\rAhmadi Tiles\r700\r");
    kt_wait_for(t, "added Zara Ahmadi (lead 4)");
    assert_string_equal(kt_sql(db, "SELECT name || ',' || stage FROM leads WHERE id = 4"),
                        "Zara Ahmadi,lead");
    send_sync(t, "");
    assert_true(selected(t, "Zara Ahmadi "));
    assert_true(row_of(t, "Zara Ahmadi ") > row_of(t, "Grace Hopper"));
    /* log a call: the score rises, Zara climbs above Grace, the highlight
     * with her; the note that follows is hers */
    kt_send(t, "ca");
    kt_wait_for(t, "call logged with Zara Ahmadi: answered");
    where(db, "1", "SELECT count(*) FROM activities WHERE kind = 'call' AND lead_id = %d", 4);
    assert_true(row_of(t, "Zara Ahmadi ") < row_of(t, "Grace Hopper"));
    assert_true(selected(t, "Zara Ahmadi "));
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "wants a quote by Friday\r");
    kt_wait_for(t, "note added to Zara Ahmadi");
    where(db, "1", "SELECT count(*) FROM activities WHERE kind = 'note' AND lead_id = %d", 4);
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM activities WHERE kind = 'note'"), "1");
    /* edit a field */
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    kt_send(t, "title\rFounder\r");
    kt_wait_for(t, "title of Zara Ahmadi saved");
    where(db, "Founder", "SELECT title FROM leads WHERE id = %d", 4);
    const char *e = kt_sql(db, "SELECT stage_entered FROM leads WHERE id = 4");
    char entered[64];
    snprintf(entered, sizeof entered, "%s", e);
    /* move the card (the entry criteria ask for a reason) */
    kt_send(t, ">");
    kt_wait_for(t, "override? reason");
    kt_send(t, "met the founder\r");
    kt_wait_for(t, "moved Zara Ahmadi to Prospect");
    where(db, "prospect", "SELECT stage FROM leads WHERE id = %d", 4);
    assert_false(selected(t, "Zara Ahmadi "));
    /* undo, several steps: the move, then the title */
    kt_send(t, "u");
    kt_wait_for(t, "undone: move of Zara Ahmadi; back in Lead (1 more to undo)");
    where(db, "lead", "SELECT stage FROM leads WHERE id = %d", 4);
    where(db, entered, "SELECT stage_entered FROM leads WHERE id = %d", 4);
    send_sync(t, "");
    assert_true(selected(t, "Zara Ahmadi "));
    kt_send(t, "u");
    kt_wait_for(t, "undone: edit of title of Zara Ahmadi");
    where(db, "1", "SELECT count(*) FROM leads WHERE title IS NULL AND id = %d", 4);
    /* the note and the call stay logged */
    where(db, "2", "SELECT count(*) FROM activities WHERE lead_id = %d", 4);
    /* triage a few leads: each decision lands on the lead shown */
    kt_send(t, "t");
    kt_wait_for(t, "triage 1/");
    int first = triage_lead(t);
    kt_send(t, "cn");
    kt_wait_for(t, "call logged with");
    where(db, "1",
          "SELECT count(*) FROM activities WHERE kind = 'call' AND outcome = 'no_answer' "
          "AND lead_id = %d",
          first);
    kt_wait_for(t, "triage 2/");
    int second = triage_lead(t);
    assert_int_not_equal(first, second);
    kt_send(t, "S1"); /* the rules' first status */
    kt_wait_for(t, "status of");
    where(db, "subscriber", "SELECT status FROM leads WHERE id = %d", second);
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM leads WHERE status = 'subscriber'"), "1");
    kt_wait_for(t, "triage 3/");
    int third = triage_lead(t);
    kt_send(t, "o");
    kt_wait_for(t, "assign to");
    kt_send(t, "\x15" "dave_zq\r");
    kt_wait_for(t, "\"dave_zq\" is not a known user"); /* no such account: asked first */
    kt_send(t, "y");
    kt_wait_for(t, "assigned to dave_zq");
    where(db, "dave_zq", "SELECT owner FROM leads WHERE id = %d", third);
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM leads WHERE owner = 'dave_zq'"), "1");
    /* and a report, then back to the board */
    kt_send(t, "q");
    kt_wait_for(t, "Grace Hopper");
    kt_send(t, "R");
    kt_wait_for(t, "Funnel, all time");
    kt_finish(t, "qq");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_call_then_note_on_the_same_lead),
        cmocka_unit_test(test_selection_survives_other_changes),
        cmocka_unit_test(test_selection_far_down_a_column),
        cmocka_unit_test(test_search_starts_at_the_first_match),
        cmocka_unit_test(test_search_keeps_a_near_lead),
        cmocka_unit_test(test_cancelled_search_keeps_the_selection),
        cmocka_unit_test(test_new_lead_is_selected),
        cmocka_unit_test(test_undo_several_steps),
        cmocka_unit_test(test_undo_one_field_twice),
        cmocka_unit_test(test_undone_win_and_loss_leave_the_reports),
        cmocka_unit_test(test_morning_session),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
