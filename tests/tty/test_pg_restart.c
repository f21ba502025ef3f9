/* test_pg_restart.c - a board on PostgreSQL while the server restarts: the
 * board comes back by itself, a note typed after the restart is saved
 * once, what was saved before is all there, and another board's change
 * still reaches it. On a cluster of its own (tests/pg/cluster), so the
 * restart disturbs no other test; runs as pg.tty.test_pg_restart, and as
 * pgpool.tty.test_pg_restart with a PgBouncer of its own in front of that
 * cluster (tests/pg/pooler): the pooler stays up while the server behind
 * it restarts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "harness.h"
#include "testdb.h"

static char cluster_dir[512];
static char pool_dir[512]; /* (empty: connected directly) */
static char db[1024];

static void cluster(const char *what);

static void cluster_only(const char *what)
{
    const char *src = getenv("KARIZ_SOURCE");
    assert_non_null(src);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "bash '%s/tests/pg/cluster' %s '%s' >/dev/null", src, what,
             cluster_dir);
    assert_int_equal(system(cmd), 0);
}

/* Starts or stops the own pooler; false when that failed. */
static bool pooler(const char *what)
{
    const char *src = getenv("KARIZ_SOURCE");
    if (!src)
        return false;
    char cmd[2048];
    if (strcmp(what, "start") == 0)
        snprintf(cmd, sizeof cmd, "bash '%s/tests/pg/pooler' start '%s' '%s' >/dev/null", src,
                 pool_dir, cluster_dir);
    else
        snprintf(cmd, sizeof cmd, "bash '%s/tests/pg/pooler' stop '%s' >/dev/null", src, pool_dir);
    return system(cmd) == 0;
}

/* The server restarted or came back: through the pooler, waits until a
 * session through it works. A board that tried the pooler while the
 * server was down made it refuse everyone for a while (its
 * server_login_retry, a second in tests/pg/pooler): the board tries again
 * by itself, but the commands and queries this test runs next would not. */
static void cluster(const char *what)
{
    cluster_only(what);
    if (!pool_dir[0] || (strcmp(what, "restart") != 0 && strcmp(what, "resume") != 0))
        return;
    char out[64], why[1024];
    for (int i = 0; i < 600; i++) { /* (at most a minute) */
        if (kz_testdb_query(db, "SELECT 1", out, sizeof out, why, sizeof why))
            return;
        struct timespec pause = {0, 100 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    fail_msg("the pooler in %s still refuses a minute after the server's %s: %s", pool_dir,
             what, why);
}

/* The conninfo of the maintenance database in dir's env (the own
 * cluster's, or the own pooler's in front of it). */
static void own_conninfo(const char *dir, char *out, size_t n)
{
    char path[600];
    snprintf(path, sizeof path, "%s/env", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024];
    out[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "KARIZ_TEST_PG=\"", 15) == 0) {
            line[strcspn(line + 15, "\"") + 15] = '\0';
            snprintf(out, n, "%s", line + 15);
        }
    }
    fclose(f);
    assert_true(out[0] != '\0');
}

/* Whether the note arg is stored (once or more): the status line's "note
 * added" may still be an earlier note's. */
static bool note_stored(kt_term *t, void *arg)
{
    (void)t;
    char q[256];
    snprintf(q, sizeof q, "SELECT count(*) FROM activities WHERE note = '%s'", (const char *)arg);
    return strcmp(kt_sql(db, q), "0") != 0;
}

static int setup(void **state)
{
    (void)state;
    snprintf(cluster_dir, sizeof cluster_dir, "%s", kt_path("own-cluster"));
    cluster("start");
    if (kz_testdb_pooled()) {
        snprintf(pool_dir, sizeof pool_dir, "%s", kt_path("own-pool"));
        if (!pooler("start")) {
            /* (cmocka runs no teardown after a failed setup) */
            cluster_only("stop");
            fail_msg("tests/pg/pooler start %s %s failed", pool_dir, cluster_dir);
        }
    }
    char admin[1024];
    own_conninfo(pool_dir[0] ? pool_dir : cluster_dir, admin, sizeof admin);
    kt_sql_exec(admin, "CREATE DATABASE kz_restart");
    char *p = strstr(admin, "dbname=postgres");
    assert_non_null(p);
    snprintf(db, sizeof db, "%.*sdbname=kz_restart%s", (int)(p - admin), admin,
             p + strlen("dbname=postgres"));
    kt_kariz_run(db, "add", "--company", "Analytical Engines", "--set", "employees=200",
                 "Ada Lovelace", NULL);
    kt_kariz_run(db, "add", "--company", "Navy", "Grace Hopper", NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bool stopped = !pool_dir[0] || pooler("stop");
    cluster("stop");
    kt_cleanup();
    assert_true(stopped);
    return 0;
}

static void test_board_survives_a_server_restart(void **state)
{
    (void)state;
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "before the restart\r");
    kt_wait_for(t, "note added");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM activities WHERE note = "
                                   "'before the restart'"),
                        "1");

    cluster("restart"); /* every session is cut, the board's too */

    /* another person's change reaches the board: it noticed the restart,
     * connected again and listens again */
    kt_kariz_run(db, "add", "--company", "Bell Labs", "Dennis Ritchie", NULL);
    kt_wait_for(t, "Dennis Ritchie");
    /* the next save goes through, once */
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "after the restart\r");
    kt_wait_until(t, note_stored, "after the restart", "the note after the restart stored");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM activities WHERE note = "
                                   "'after the restart'"),
                        "1");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM activities"), "2");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM leads"), "3");

    /* a restart just before a save, with no change in between to notice:
     * the save finds the connection lost, connects again before anything
     * of it reached the server, and is saved once */
    cluster("restart");
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "right after the restart\r");
    kt_wait_until(t, note_stored, "right after the restart", "the note right after the restart stored");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM activities WHERE note = "
                                   "'right after the restart'"),
                        "1");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM activities"), "3");
    kt_finish(t, "q");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM presence"), "0");
}

/* The server goes down for a while with a note half typed: the board keeps
 * its cards and the note, says the database is unreachable, and saves the
 * note once when asked again after the server is back; an idle board says
 * by itself when the server goes and when it comes back. */
/* A test of the server down for a while, run connected directly only:
 * through the pooler each of the board's tries waits for the pooler to
 * give up on the server (query_wait_timeout), and the test's dozen outages
 * took 40 s, more than the suite can spend (tests/CMakeLists.txt). The
 * same tests passed through tests/pg/pooler when it was set up. */
static void direct_only(void)
{
    if (pool_dir[0]) {
        fprintf(stderr, "SKIPPED through the pooler: a server down for a while is tested "
                        "connected directly (pg.tty.test_pg_restart)\n");
        skip();
    }
}

static void test_board_keeps_work_while_the_server_is_down(void **state)
{
    (void)state;
    direct_only();
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    long long notes = kt_sql_number(db, "SELECT count(*) FROM activities");
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "typed while down");
    kt_wait_for(t, "typed while down");
    cluster("halt");
    /* the prompt open, the status line says the server went */
    kt_wait_for(t, "the database is unreachable: the board shows what it read last");
    assert_true(kt_contains(t, "typed while down"));
    kt_send(t, "\r");
    /* the note is kept, not saved, and the board still shows its cards */
    kt_wait_for(t, "the database is unreachable: r retries, Esc drops your note (not saved yet)");
    assert_true(kt_contains(t, "Ada Lovelace"));
    assert_true(kt_contains(t, "Grace Hopper"));
    cluster("resume");
    /* the status line says when the key will save it */
    kt_wait_for(t, "connected to the database again: r saves your note, Esc drops it");
    /* and if it goes again before the key, that the note still waits */
    cluster("halt");
    kt_wait_for(t, "the database is unreachable: r retries, Esc drops your note (not saved yet)");
    cluster("resume");
    kt_wait_for(t, "connected to the database again: r saves your note, Esc drops it");
    kt_send(t, "r");
    kt_wait_until(t, note_stored, "typed while down", "the note typed while down stored");
    kt_wait_for(t, "note added to");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM activities WHERE note = "
                                   "'typed while down'"),
                        "1");
    /* a note dropped once the server is back: said so, as a drop */
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "dropped after all");
    kt_wait_for(t, "dropped after all");
    cluster("halt");
    kt_send(t, "\r");
    kt_wait_for(t, "Esc drops your note (not saved yet)");
    cluster("resume");
    kt_wait_for(t, "connected to the database again: r saves your note");
    kt_send(t, "\x1b");
    kt_wait_for(t, "note: not saved; nothing was changed");
    assert_false(kt_contains(t, "unreachable"));

    /* idle: the board says the server went, keeps its cards, and says when
     * it is back */
    cluster("halt");
    kt_wait_for(t, "the database is unreachable: the board shows what it read last and connects "
                   "again by itself");
    assert_true(kt_contains(t, "Ada Lovelace"));
    /* a search typed meanwhile leaves the cards as they were read */
    kt_send(t, "/");
    kt_wait_for(t, "search:");
    kt_send(t, "grace\r");
    kt_wait_for(t, "search:\"grace\"");
    assert_true(kt_contains(t, "Ada Lovelace"));
    assert_false(kt_contains(t, "(1 shown)"));
    cluster("resume");
    kt_wait_for(t, "connected to the database again");
    /* and applies once it answers */
    kt_wait_for(t, "Lead 3 (1 shown)");
    assert_true(kt_contains(t, "Grace Hopper"));
    kt_finish(t, "q");
    /* one note more than before, no more */
    assert_int_equal(kt_sql_number(db, "SELECT count(*) FROM activities"), notes + 1);
}

/* Whether the only board's session holds its temporary table of search
 * matches (another session sees it in the catalogue). */
static bool board_has_hits_table(kt_term *t, void *arg)
{
    (void)t;
    (void)arg;
    return kt_sql_number(db, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                             "c.relnamespace WHERE c.relname = 'kz_hits' AND n.nspname LIKE "
                             "'pg_temp%'") > 0;
}

/* The board's session makes its table of search matches once the first
 * screen is shown, not before it (an opening does not wait for it), and
 * again in the new session after a restart, with searches working. */
static void test_board_settles_after_its_first_screen(void **state)
{
    (void)state;
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_until(t, board_has_hits_table, NULL, "the board's table of search matches made");
    cluster("restart");
    kt_kariz_run(db, "add", "--company", "Xerox PARC", "Alan Kay", NULL);
    kt_wait_for(t, "Alan Kay"); /* connected again: a new session, with no table yet */
    kt_send(t, "/");
    kt_wait_for(t, "search:");
    kt_send(t, "kay\r");
    kt_wait_for(t, "(1 shown)");
    kt_wait_for(t, "Alan Kay"); /* (the cards follow the header on the screen) */
    kt_wait_until(t, board_has_hits_table, NULL, "the table made again after the restart");
    kt_finish(t, "\x1bq");
}

/* A note and a move begun on the board while the server is down: their
 * prompts open from the card as the board read it (keys typed for a
 * prompt that never opened would run as the board's), each waits for r,
 * and each is saved once when the server is back; a call, which asks
 * whom it was with, is refused. In the lead's view a
 * note's prompt opens from the lead as the view read it, and a note
 * dropped there is not saved; opened while the server is down, it shows
 * the card as the board read it. */
static void test_board_changes_begun_while_down(void **state)
{
    (void)state;
    direct_only();
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    long long moved = kt_sql_number(db, "SELECT count(*) FROM leads WHERE stage = 'prospect'");
    cluster("halt");
    kt_wait_for(t, "the database is unreachable: the board shows what it read last");
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "begun while down\r");
    kt_wait_for(t, "the database is unreachable: r retries, Esc drops your note (not saved yet)");
    cluster("resume");
    kt_wait_for(t, "connected to the database again: r saves your note, Esc drops it");
    kt_send(t, "r");
    kt_wait_until(t, note_stored, "begun while down", "the note begun while down stored");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM activities WHERE note = "
                                   "'begun while down'"),
                        "1");

    cluster("halt");
    kt_wait_for(t, "the database is unreachable: the board shows what it read last");
    kt_send(t, ">");
    kt_wait_for(t, "the database is unreachable: r retries, Esc drops your move (not saved yet)");
    cluster("resume");
    kt_wait_for(t, "connected to the database again: r saves your move, Esc drops it");
    kt_send(t, "r");
    kt_wait_for(t, "moved");
    assert_int_equal(kt_sql_number(db, "SELECT count(*) FROM leads WHERE stage = 'prospect'"),
                     moved + 1);

    /* a call asks whom it was with, which needs the server: refused, and
     * the keys after it are not taken for a menu that never opened */
    cluster("halt");
    kt_wait_for(t, "the database is unreachable: the board shows what it read last");
    kt_send(t, "c");
    kt_wait_for(t, "reading a lead: the database");
    assert_false(kt_contains(t, "outcome?"));
    cluster("resume");
    kt_wait_for(t, "connected to the database again");

    /* the lead's view, open when the server goes */
    kt_send(t, "\r");
    kt_wait_for(t, "Activity");
    cluster("halt");
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "dropped while down\r");
    kt_wait_for(t, "the database is unreachable: r retries, Esc drops your note (not saved yet)");
    kt_send(t, "\x1b");
    kt_wait_for(t, "note: not saved (the database is unreachable); nothing was changed");
    assert_true(kt_contains(t, "Activity"));
    cluster("resume");
    kt_wait_for(t, "connected to the database again");

    /* a lead's view opened while the server is down shows the card as the
     * board read it, says so, and takes a note */
    kt_send(t, "\x1b");
    kt_wait_gone(t, "Activity");
    cluster("halt");
    kt_wait_for(t, "the database is unreachable: the board shows what it read last");
    kt_send(t, "\r");
    kt_wait_for(t, "the database is unreachable: the lead as last read");
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_send(t, "\x1b");
    cluster("resume");
    kt_wait_gone(t, "the lead as last read"); /* read whole once the server answers */
    kt_finish(t, "\x1bq");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM activities WHERE note = "
                                   "'dropped while down'"),
                        "0");
}

int main(void)
{
    if (!kt_on_pg()) {
        fprintf(stderr, "SKIPPED on SQLite: this test restarts a PostgreSQL server (it runs as "
                        "pg.tty.test_pg_restart)\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_board_survives_a_server_restart),
        cmocka_unit_test(test_board_keeps_work_while_the_server_is_down),
        cmocka_unit_test(test_board_settles_after_its_first_screen),
        cmocka_unit_test(test_board_changes_begun_while_down),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
