/* test_shared.c - several people on one database: two boards at once see
 * each other's changes (with a notice, the cursor staying on its lead) and
 * who has which lead open; a save over someone else's change shows the
 * conflict dialog; a hang-up mid-edit saves nothing and leaves no presence
 * behind; a long-held write lock keeps the edit and offers a retry. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pwd.h>
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
    snprintf(path, sizeof path, "%s", kt_db(name));
    /* Ada scores higher than Grace (200 employees fit the default rules), so
     * she is the first card of the Lead column */
    kt_kariz_run(path, "add", "--company", "Analytical Engines", "--value", "1000", "--stage",
                 "lead", "--set", "employees=200", "Ada Lovelace", NULL);
    kt_kariz_run(path, "add", "--company", "Navy", "--stage", "lead", "Grace Hopper", NULL);
    return path;
}


static const char *me(void)
{
    struct passwd *pw = getpwuid(getuid());
    assert_non_null(pw);
    return pw->pw_name;
}

/* True when the card showing text is the selected one (drawn reversed). */
static bool selected(kt_term *t, const char *text)
{
    int row, col;
    return kt_find(t, text, &row, &col) && kt_cell_reverse(t, row, col);
}

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

static void test_move_in_one_board_shows_in_the_other(void **state)
{
    (void)state;
    const char *db = make_db("move.db");
    setenv("NO_COLOR", "1", 1); /* the selected card is drawn reversed */
    kt_term *a = kt_board(30, 120, db, NULL);
    kt_term *b = kt_board(30, 120, db, NULL);
    unsetenv("NO_COLOR");
    kt_wait_for(a, "Ada Lovelace");
    kt_wait_for(b, "Ada Lovelace");
    assert_true(selected(b, "Ada Lovelace"));
    /* board A moves Ada on; board B hears about it: Ada left B's column,
     * so B's highlight goes to the lead now standing where she stood, and
     * the status line says where she went */
    kt_send(a, ">");
    kt_wait_for(a, "moved Ada Lovelace to Prospect");
    char notice[128];
    snprintf(notice, sizeof notice, "%s moved Ada Lovelace to Prospect", me());
    kt_wait_for(b, notice);
    kt_wait_for(b, "Prospect 1");
    assert_true(selected(b, "Grace Hopper"));
    assert_false(selected(b, "Ada Lovelace"));
    /* board A does not announce its own changes to itself: someone adds a
     * lead while A edits (a prompt holds off the board's polling), A saves,
     * and A's next look counts only the other person's change */
    kt_wait_for(a, "Prospect 1");
    kt_send(a, "e");
    kt_wait_for(a, "edit field");
    kt_send(a, "title\r");
    kt_wait_for(a, "title:");
    kt_kariz_run(db, "add", "--stage", "lead", "Alan Turing", NULL);
    kt_send(a, "CTO\r");
    kt_wait_for(a, "title of Grace Hopper saved");
    char added[128];
    snprintf(added, sizeof added, "%s added Alan Turing", me());
    kt_wait_for(a, added);
    assert_false(kt_contains(a, "more)"));
    kt_wait_for(b, "changed title of Grace Hopper"); /* A's cursor stayed in Lead */
    /* assignments name the new owner, or "you" */
    kt_kariz_run(db, "assign", "2", "-", NULL);
    kt_wait_for(b, "unassigned Grace Hopper");
    kt_kariz_run(db, "assign", "2", me(), NULL);
    kt_wait_for(b, "assigned Grace Hopper to you");
    /* several changes at once (B does not look while a prompt is open):
     * the latest, and how many more */
    kt_send(b, "/");
    kt_wait_for(b, "search:");
    kt_kariz_run(db, "add", "--stage", "lead", "Charles Babbage", NULL);
    kt_kariz_run(db, "won", "1", "--force", "--reason", "signed", NULL);
    kt_send(b, "\x1b");
    kt_wait_for(b, "won Ada Lovelace (+1 more)");
    kt_finish(a, "q");
    kt_finish(b, "q");
}

/* Saves in quick succession: each counts and the latest is told, also
 * several saves of one lead within a second (the owner set three times, a
 * note after a note), and also when the board reads them in several looks
 * (the count goes on until a key is pressed). The first batch is made
 * whole by a prompt, which holds off the board's look. */
static void test_quick_saves_are_each_counted(void **state)
{
    (void)state;
    const char *db = make_db("quick.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "/");
    kt_wait_for(t, "search:");
    kt_kariz_run(db, "assign", "1", "dara", "--force", NULL);
    kt_kariz_run(db, "assign", "1", "eli", "--force", NULL);
    kt_kariz_run(db, "assign", "1", "farah", "--force", NULL);
    kt_send(t, "\x1b");
    kt_wait_for(t, "assigned Ada Lovelace to farah (+2 more)");
    /* however the board's looks split these, none is lost from the count */
    kt_kariz_run(db, "note", "1", "one", NULL);
    kt_kariz_run(db, "note", "1", "two", NULL);
    kt_wait_for(t, "added a note to Ada Lovelace (+4 more)");
    /* a key: what follows is counted afresh */
    kt_send(t, "/");
    kt_wait_for(t, "search:");
    kt_send(t, "\x1b");
    kt_wait_gone(t, "search:");
    kt_kariz_run(db, "assign", "2", "eli", "--force", NULL);
    kt_wait_for(t, "assigned Grace Hopper to eli");
    assert_false(kt_contains(t, "more)"));
    kt_finish(t, "q");
}

static void test_notice_names_are_sanitised_and_fitted(void **state)
{
    (void)state;
    const char *db = make_db("names.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_kariz_run(db, "add", "--stage", "lead",
                 "Evil\x1b[2J Corp with a name far too long for any status line at all", NULL);
    /* the escape is shown as a symbol, the long name is cut with an ellipsis */
    kt_wait_for(t, "added Evil\xe2\x90\x9b[2J Corp with a name");
    kt_wait_for(t, "\xe2\x80\xa6");
    assert_false(kt_contains(t, "status line at all"));
    kt_finish(t, "q");
}

/* Two boards on a new database (name), each showing Ada. */
static const char *two_boards(const char *name, kt_term **a, kt_term **b)
{
    const char *db = make_db(name);
    *a = kt_board(30, 120, db, NULL);
    *b = kt_board(30, 120, db, NULL);
    kt_wait_for(*a, "Ada Lovelace");
    kt_wait_for(*b, "Ada Lovelace");
    return db;
}

/* A opens Ada's detail view, and B marks her card with A's user (the
 * mark, in mark). */
static void a_opens_ada(kt_term *a, kt_term *b, char *mark, size_t size)
{
    snprintf(mark, size, "@%s", me());
    assert_false(kt_contains(b, mark));
    kt_send(a, "\r");
    kt_wait_for(a, "Qualification");
    kt_wait_for(b, mark);
}

/* A is killed outright (no goodbye), and B drops its mark, though no one
 * commits anything that would have B reload. */
static void kill_a_and_see_its_mark_go(kt_term *a, kt_term *b, const char *mark)
{
    kt_signal(a, SIGKILL);
    kt_wait_exit(a);
    kt_wait_gone(b, mark);
}

static void test_presence_marks_and_also_open(void **state)
{
    (void)state;
    kt_term *a, *b;
    const char *db = two_boards("presence.db", &a, &b);
    char mark[64];
    a_opens_ada(a, b, mark, sizeof mark);
    /* B opens her too: its detail view names the other one looking */
    kt_send(b, "\r");
    char also[64];
    snprintf(also, sizeof also, "also open: %s", me());
    kt_wait_for(b, also);
    /* A closes its board: B stops showing it (presence released on exit) */
    kt_finish(a, "qq");
    kt_wait_gone(b, also);
    kt_finish(b, "qq");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM presence"), "0");
}

/* A board killed outright leaves its presence entry behind with a fresh
 * heartbeat; the others drop its mark within a tick: its process is gone
 * from this host. */
static void test_killed_board_leaves_no_mark(void **state)
{
    (void)state;
    kt_term *a, *b;
    const char *db = two_boards("killed.db", &a, &b);
    char mark[64];
    a_opens_ada(a, b, mark, sizeof mark);
    kill_a_and_see_its_mark_go(a, b, mark);
    /* (its entry is still there: B read past it) */
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM presence WHERE lead_id > 0"), "1");
    kt_finish(b, "q");
}

/* PostgreSQL: the same for a board on another server, whose process this
 * host cannot look for: its mark goes once its session is gone, connected
 * directly or through PgBouncer, which keeps the server session and hands
 * it to the next client (pgpool.tty.test_shared). "Another server" is a
 * board in a UTS namespace of its own, with another host name (root
 * only). */
static void test_killed_board_elsewhere_leaves_no_mark(void **state)
{
    (void)state;
    if (!kt_on_pg()) {
        fprintf(stderr, "SKIPPED on SQLite: a board elsewhere is gone when its heartbeat "
                        "is 30 seconds old (by design)\n");
        skip();
    }
    if (getuid() != 0 || system("/usr/bin/unshare --uts /bin/true 2>/dev/null") != 0) {
        fprintf(stderr, "SKIPPED: a board on another host needs root allowed a UTS namespace "
                        "of its own (unshare --uts)\n");
        skip();
    }
    const char *db = make_db("elsewhere.db");
    kt_term *b = kt_board(30, 120, db, NULL);
    kt_wait_for(b, "Ada Lovelace");
    const char *argv[] = {"/usr/bin/unshare", "--uts", "/bin/sh", "-c",
                          "hostname kz-elsewhere && exec \"$0\" --db \"$1\"", kt_kariz(), db,
                          NULL};
    kt_term *a = kt_start(argv, 30, 120);
    kt_wait_for(a, "Ada Lovelace");
    char mark[64];
    a_opens_ada(a, b, mark, sizeof mark);
    kill_a_and_see_its_mark_go(a, b, mark);
    /* its entry stays, heartbeat fresh: what went is its session */
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM presence WHERE host = 'kz-elsewhere'"),
                        "1");
    kt_finish(b, "q");
}

static void test_conflicting_edits_show_the_dialog(void **state)
{
    (void)state;
    const char *db = make_db("conflict.db");
    kt_term *a = kt_board(30, 120, db, NULL);
    kt_term *b = kt_board(30, 120, db, NULL);
    kt_wait_for(a, "Ada Lovelace");
    kt_wait_for(b, "Ada Lovelace");
    /* round one: B starts an edit, A saves the same field first, B drops */
    kt_send(b, "e");
    kt_wait_for(b, "edit field");
    kt_send(b, "title\r");
    kt_wait_for(b, "title:");
    kt_send(a, "e");
    kt_wait_for(a, "edit field");
    kt_send(a, "title\r");
    kt_wait_for(a, "title:");
    kt_send(a, "CTO\r");
    kt_wait_for(a, "title of Ada Lovelace saved");
    kt_send(b, "CEO\r");
    kt_wait_for(b, "Ada Lovelace (lead 1) was changed while you worked on it");
    kt_wait_for(b, "set title to CTO");
    kt_wait_for(b, "yours: CEO");
    /* the edit is kept while the dialog is open: nothing saved yet */
    assert_string_equal(kt_sql(db, "SELECT title FROM leads WHERE id = 1"), "CTO");
    kt_send(b, "R");
    kt_wait_for(b, "edit of Ada Lovelace: your change was dropped");
    assert_string_equal(kt_sql(db, "SELECT title FROM leads WHERE id = 1"), "CTO");
    /* round two: the same, but B re-applies its edit on the fresh version */
    kt_send(b, "e");
    kt_wait_for(b, "edit field");
    kt_send(b, "title\r");
    kt_wait_for(b, "title: CTO");
    kt_send(a, "e");
    kt_wait_for(a, "edit field");
    kt_send(a, "title\r");
    kt_wait_for(a, "title: CTO");
    kt_send(a, "\x15" "VP\r");
    kt_wait_for(a, "title of Ada Lovelace saved");
    kt_send(b, "\x15" "CEO\r");
    kt_wait_for(b, "set title to VP (was CTO)");
    kt_wait_for(b, "yours: CEO");
    kt_send(b, "A");
    kt_wait_for(b, "title of Ada Lovelace saved (re-applied over the other change)");
    assert_string_equal(kt_sql(db, "SELECT title FROM leads WHERE id = 1"), "CEO");
    /* A's change, shown in the dialog, is not told again on B's status
     * line: B's next look tells only what came after */
    kt_kariz_run(db, "add", "--stage", "lead", "Alan Turing", NULL);
    char added[128];
    snprintf(added, sizeof added, "%s added Alan Turing", me());
    kt_wait_for(b, added);
    assert_false(kt_contains(b, "more)"));
    assert_false(kt_contains(b, "changed title"));
    kt_finish(a, "q");
    kt_finish(b, "q");
}

static void test_hangup_mid_edit_saves_nothing(void **state)
{
    (void)state;
    const char *db = make_db("hangup.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    /* the board announced itself before reading the first key */
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM presence"), "1");
    kt_send(t, "title\r");
    kt_wait_for(t, "title:");
    kt_send(t, "Half typed");
    kt_wait_for(t, "Half typed");
    const char *before = kt_sql(db, "SELECT version FROM leads WHERE id = 1");
    char version[32];
    snprintf(version, sizeof version, "%s", before);
    kt_signal(t, SIGHUP);
    int st = kt_wait_exit(t);
    assert_true(WIFEXITED(st));
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM leads WHERE title IS NOT NULL"), "0");
    assert_string_equal(kt_sql(db, "SELECT version FROM leads WHERE id = 1"), version);
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM presence"), "0");
}

/* Starts python3 holding the database's write lock until it reads a line;
 * returns its pid, *to writes to its stdin, *from reads its stdout. */
static pid_t hold_lock(const char *db, FILE **to, FILE **from)
{
    int in[2], out[2];
    assert_int_equal(pipe(in), 0);
    assert_int_equal(pipe(out), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        static const char script[] =
            "import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE')\n"
            "c.execute(\"INSERT INTO meta (key, value) VALUES ('held', 'yes')\")\n"
            "print('locked', flush=True)\n"
            "sys.stdin.readline()\n"
            "c.execute('ROLLBACK')\n"
            "print('released', flush=True)\n";
        /* the system's python3 first, as tests/cli/lib.sh does */
        execl("/usr/bin/python3", "python3", "-c", script, db, (char *)NULL);
        execlp("python3", "python3", "-c", script, db, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    *to = fdopen(in[1], "w");
    *from = fdopen(out[0], "r");
    char line[64] = "";
    assert_non_null(fgets(line, sizeof line, *from));
    assert_string_equal(line, "locked\n");
    return pid;
}

static void test_locked_database_keeps_the_edit_and_retries(void **state)
{
    (void)state;
    kt_skip_on_pg("another program holds SQLite's write lock on the file (BEGIN EXCLUSIVE)");
    const char *db = make_db("locked.db");
    setenv("KARIZ_BUSY_TIMEOUT", "300", 1);
    kt_term *t = kt_board(30, 160, db, NULL);
    unsetenv("KARIZ_BUSY_TIMEOUT");
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "e");
    kt_wait_for(t, "edit field");
    FILE *to, *from;
    pid_t holder = hold_lock(db, &to, &from);
    kt_send(t, "title\r");
    kt_wait_for(t, "title:");
    kt_send(t, "CTO\r");
    kt_wait_for(t, "stayed locked by python3");
    kt_wait_for(t, "r retries");
    /* the other program lets go; the retry saves the same edit */
    fputs("\n", to);
    fflush(to);
    char line[64] = "";
    assert_non_null(fgets(line, sizeof line, from));
    assert_string_equal(line, "released\n");
    fclose(to);
    fclose(from);
    int st;
    assert_int_equal(waitpid(holder, &st, 0), holder);
    kt_send(t, "r");
    kt_wait_for(t, "title of Ada Lovelace saved");
    assert_string_equal(kt_sql(db, "SELECT title FROM leads WHERE id = 1"), "CTO");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM meta WHERE key = 'held'"), "0");
    kt_finish(t, "q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_move_in_one_board_shows_in_the_other),
        cmocka_unit_test(test_quick_saves_are_each_counted),
        cmocka_unit_test(test_notice_names_are_sanitised_and_fitted),
        cmocka_unit_test(test_presence_marks_and_also_open),
        cmocka_unit_test(test_killed_board_leaves_no_mark),
        cmocka_unit_test(test_killed_board_elsewhere_leaves_no_mark),
        cmocka_unit_test(test_conflicting_edits_show_the_dialog),
        cmocka_unit_test(test_hangup_mid_edit_saves_nothing),
        cmocka_unit_test(test_locked_database_keeps_the_edit_and_retries),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
