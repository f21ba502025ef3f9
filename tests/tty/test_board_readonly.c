/* test_board_readonly.c - the board on a database in a directory the user
 * cannot write: it opens read-only with a banner that says why, shows the
 * leads, refuses changes, and shows another user's later change. Run as
 * "nobody" (through runuser) when the tests run as root, since root
 * bypasses permissions; as the invoking user in a read-only directory
 * otherwise. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define RUNUSER "/usr/sbin/runuser"

static int teardown_all(void **state)
{
    (void)state;
    if (getuid() != 0)
        chmod(kt_path("ro"), 0755);
    kt_cleanup();
    return 0;
}

static void test_board_read_only_directory(void **state)
{
    (void)state;
    bool root = getuid() == 0;
    if (root && access(RUNUSER, X_OK) != 0) {
        fprintf(stderr, "SKIPPED: running as root without %s: no way to test without write "
                        "access\n", RUNUSER);
        skip();
    }
    assert_int_equal(chmod(kt_tmpdir(), 0755), 0);
    const char *dir = kt_path("ro");
    assert_int_equal(mkdir(dir, 0755), 0);
    char db[512];
    snprintf(db, sizeof db, "%s/team.db", dir);
    kt_kariz_run(db, "add", "--company", "Analytical Engines", "Ada Lovelace", NULL);
    kt_kariz_run(db, "add", "--company", "US Navy", "Grace Hopper", NULL);
    assert_int_equal(chmod(db, 0644), 0);
    if (!root)
        assert_int_equal(chmod(dir, 0555), 0);

    const char *as_nobody[] = {RUNUSER, "-u", "nobody", "--", kt_kariz(), "--db", db, NULL};
    const char *as_me[] = {kt_kariz(), "--db", db, NULL};
    kt_term *t = kt_start(root ? as_nobody : as_me, 30, 140);
    kt_wait_for(t, "READ-ONLY");
    kt_wait_for(t, "read-only: the database");
    kt_wait_for(t, "is read-only for you");
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_for(t, "Grace Hopper");
    /* a change is refused, saying why */
    kt_send(t, "a");
    kt_wait_for(t, "mode 0644); add is refused"); /* (why, with what is refused) */
    /* someone who can write changes a lead: the board shows it */
    if (root) {
        kt_kariz_run(db, "set", "2", "name=Grace Brewster Hopper", NULL);
    } else {
        assert_int_equal(chmod(dir, 0755), 0);
        kt_kariz_run(db, "set", "2", "name=Grace Brewster Hopper", NULL);
        assert_int_equal(chmod(dir, 0555), 0);
    }
    kt_wait_for(t, "Grace Brewster Hopper");
    /* someone keeps it open while changing it (the change stays in the
     * -wal, the file itself unchanged): the board reads through their -shm */
    if (!root)
        assert_int_equal(chmod(dir, 0755), 0);
    const char *holder_argv[] = {
        "/usr/bin/python3", "-c",
        "import sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.execute(\"UPDATE leads SET company = 'Navy Yard' WHERE id = 2\")\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n",
        db, NULL};
    kt_term *holder = kt_start(holder_argv, 5, 40);
    kt_wait_for(holder, "held");
    if (!root)
        assert_int_equal(chmod(dir, 0555), 0);
    kt_wait_for(t, "Navy Yard");
    kt_send(holder, "\x04"); /* end of input: the holder closes */
    kt_wait_exit(holder);
    kt_finish(t, "q");
}

int main(void)
{
    kt_sqlite_only("a database file in a directory the user cannot write (WAL's -shm file)");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_board_read_only_directory),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
