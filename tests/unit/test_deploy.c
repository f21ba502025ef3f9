/* Deployment checks: network file systems, group membership, permissions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kariz/deploy.h"
#include "kariz/store.h"
#include "store/internal.h"
#include "testdb.h"

static const char *names(gid_t g)
{
    return g == 100 ? "sales" : g == 200 ? "staff" : NULL;
}

static const char *users(uid_t u)
{
    return u == 1000 ? "alice" : u == 1001 ? "bob" : u == 1002 ? "carol" : NULL;
}

static const char *names_upg(gid_t g)
{
    return g == 100 ? "sales" : g == 200 ? "staff" : g == 1001 ? "bob" : NULL;
}

static gid_t alice_groups[] = {200};

static kz_deploy_facts base(void)
{
    kz_deploy_facts f;
    memset(&f, 0, sizeof f);
    f.db_path = "/srv/kariz/team.db";
    f.db_exists = true;
    f.db.st_uid = 1001; /* bob created it */
    f.db.st_gid = 100;  /* group sales */
    f.db.st_mode = 0100660;
    f.dir.st_uid = 0;
    f.dir.st_gid = 100;
    f.dir.st_mode = 042770; /* setgid, group-writable */
    f.fs_type = 0xEF53;     /* ext4 */
    f.uid = 1000;
    f.groups = alice_groups;
    f.ngroups = 1;
    f.group_name = names;
    f.user_name = users;
    return f;
}

static void test_not_in_group(void **state)
{
    (void)state;
    kz_deploy_facts f = base();
    kz_buf w = KZ_BUF_INIT;
    kz_err err;
    assert_int_equal(kz_deploy_assess(&f, &w, &err), KZ_EREADONLY);
    assert_string_equal(err.msg, "you are not in group sales, which may write the database "
                                 "/srv/kariz/team.db: ask an administrator to add you (usermod "
                                 "-aG sales alice) and log in again");
    kz_buf_free(&w);
}

static void test_member_is_fine(void **state)
{
    (void)state;
    static gid_t g[] = {200, 100};
    kz_deploy_facts f = base();
    f.groups = g;
    f.ngroups = 2;
    kz_buf w = KZ_BUF_INIT;
    kz_err err;
    assert_int_equal(kz_deploy_assess(&f, &w, &err), KZ_OK);
    assert_int_equal(w.len, 0);
    /* ... unless someone's umask left the -wal file unwritable */
    f.wal_exists = true;
    f.wal.st_uid = 1001;
    f.wal.st_gid = 100;
    f.wal.st_mode = 0100644;
    assert_int_equal(kz_deploy_assess(&f, &w, &err), KZ_EREADONLY);
    assert_non_null(strstr(err.msg, "-wal file /srv/kariz/team.db-wal is not writable by you (owner bob, group sales, mode 0644)"));
    kz_buf_free(&w);
}

static void test_world_writable_warns(void **state)
{
    (void)state;
    static gid_t g[] = {100};
    kz_deploy_facts f = base();
    f.groups = g;
    f.db.st_mode = 0100666;
    kz_buf w = KZ_BUF_INIT;
    kz_err err;
    assert_int_equal(kz_deploy_assess(&f, &w, &err), KZ_OK);
    assert_non_null(strstr(kz_buf_str(&w), "the database /srv/kariz/team.db is writable by everyone (mode 0666)"));
    kz_buf_free(&w);
}

static void test_network_fs_refused(void **state)
{
    (void)state;
    kz_deploy_facts f = base();
    f.fs_type = 0x6969;
    kz_buf w = KZ_BUF_INIT;
    kz_err err;
    assert_int_equal(kz_deploy_assess(&f, &w, &err), KZ_EREFUSED);
    assert_non_null(strstr(err.msg, "is on a network file system (NFS)"));
    assert_string_equal(kz_fs_network_kind(0x65735546), "FUSE (such as SSHFS)");
    assert_string_equal(kz_fs_network_kind((long)0xFF534D42UL), "CIFS");
    assert_null(kz_fs_network_kind(0xEF53));
    kz_buf_free(&w);
}

static void test_read_only_directory(void **state)
{
    (void)state;
    static gid_t g[] = {100};
    kz_deploy_facts f = base();
    f.groups = g;
    f.dir.st_mode = 040755;
    kz_buf w = KZ_BUF_INIT;
    kz_err err;
    assert_int_equal(kz_deploy_assess(&f, &w, &err), KZ_EREADONLY);
    assert_non_null(strstr(err.msg, "-wal and -shm"));
    f.uid = 0; /* root writes anywhere */
    assert_int_equal(kz_deploy_assess(&f, &w, &err), KZ_OK);
    kz_buf_free(&w);
}

static void test_team_setup_warnings(void **state)
{
    (void)state;
    static gid_t g[] = {100};
    kz_deploy_facts f = base();
    f.groups = g;
    kz_buf w = KZ_BUF_INIT;
    kz_err err;
    /* a group-writable directory without the setgid bit */
    f.dir.st_mode = 040770;
    assert_int_equal(kz_deploy_assess(&f, &w, &err), KZ_OK);
    assert_non_null(strstr(kz_buf_str(&w), "has no setgid bit (mode 0770)"));
    assert_non_null(strstr(kz_buf_str(&w), "instead of sales: chmod g+s on the directory of "
                                           "/srv/kariz/team.db"));
    /* the database in another group than its directory */
    kz_buf_reset(&w);
    f.dir.st_mode = 042770;
    f.db.st_gid = 200;
    f.uid = 1001; /* bob, the owner, may still write */
    assert_int_equal(kz_deploy_assess(&f, &w, &err), KZ_OK);
    assert_non_null(strstr(kz_buf_str(&w), "belongs to group staff but its directory to group "
                                           "sales; make them agree: chgrp sales /srv/kariz/team.db"));
    /* a database not group-writable: fine for its owner, who is told */
    kz_buf_reset(&w);
    f.db.st_gid = 100;
    f.db.st_mode = 0100644;
    assert_int_equal(kz_deploy_assess(&f, &w, &err), KZ_OK);
    assert_non_null(strstr(kz_buf_str(&w), "is not group-writable (mode 0644): colleagues in "
                                           "group sales cannot save changes: chmod g+rw "
                                           "/srv/kariz/team.db"));
    /* ... and refused, with the fix, for a member */
    f.uid = 1000;
    assert_int_equal(kz_deploy_assess(&f, &w, &err), KZ_EREADONLY);
    assert_string_equal(err.msg, "the database /srv/kariz/team.db is not group-writable (owner "
                                 "bob, group sales, mode 0644): its owner or root can fix it: "
                                 "chmod g+rw /srv/kariz/team.db");
    /* a personal database is nobody else's business */
    kz_buf_reset(&w);
    f.dir.st_mode = 040700;
    f.dir.st_uid = 1000;
    f.db.st_uid = 1000;
    assert_int_equal(kz_deploy_assess(&f, &w, &err), KZ_OK);
    assert_int_equal(w.len, 0);
    kz_buf_free(&w);
}

static void test_private_group_named_as_such(void **state)
{
    (void)state;
    static gid_t g[] = {200, 100};
    kz_deploy_facts f = base();
    f.groups = g;
    f.ngroups = 2;
    f.group_name = names_upg;
    f.db.st_gid = 1001; /* bob's private group: nobody can be added to it */
    f.db.st_mode = 0100640;
    f.wal_exists = true;
    f.wal = f.db;
    kz_buf w = KZ_BUF_INIT;
    kz_err err;
    assert_int_equal(kz_deploy_assess(&f, &w, &err), KZ_EREADONLY);
    assert_string_equal(err.msg, "the database /srv/kariz/team.db belongs to bob's private group "
                                 "bob, not the team's group sales, so only bob can write it: bob "
                                 "or root can fix it: chgrp sales /srv/kariz/team.db "
                                 "/srv/kariz/team.db-wal && chmod g+rw /srv/kariz/team.db "
                                 "/srv/kariz/team.db-wal");
    assert_null(strstr(err.msg, "usermod"));
    kz_buf_free(&w);
}

/* SQLite's "attempt to write a readonly database" never reaches the user:
 * the store asks the deploy checks which file it was. */
static void test_readonly_write_explained(void **state)
{
    (void)state;
    char dir[] = "/tmp/kz-deploy-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/team.db", dir);
    kz_err err;
    assert_int_equal(kz_deploy_create_db(path, &err), KZ_OK);
    kz_store *st = NULL;
    assert_int_equal(kz_store_open(path, KZ_STORE_FILL_EMPTY, &st, &err), KZ_OK);
    assert_int_equal(kz_db_error(st, KZ_DB_READONLY, "saving", &err), KZ_EREADONLY);
    assert_null(strstr(err.msg, "attempt to write"));
    char want[200];
    snprintf(want, sizeof want, "saving: the database %s or its -wal or -shm file was not "
                                "writable by you for a moment; they are now owner ", path);
    assert_non_null(strstr(err.msg, want));
    assert_non_null(strstr(err.msg, "run `kariz team check`"));
    kz_store_close(st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    kz_testdb_sqlite_only("the deploy checks are about the database file, its directory, group "
                          "and mode, and SQLite's read-only error");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_in_group),
        cmocka_unit_test(test_member_is_fine),
        cmocka_unit_test(test_world_writable_warns),
        cmocka_unit_test(test_network_fs_refused),
        cmocka_unit_test(test_read_only_directory),
        cmocka_unit_test(test_team_setup_warnings),
        cmocka_unit_test(test_private_group_named_as_such),
        cmocka_unit_test(test_readonly_write_explained),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
