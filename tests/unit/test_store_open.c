/* test_store_open.c - opening odd files and reading odd values: an empty
 * file, a NUL byte another program stored inside a value, and database
 * errors that always name their real reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kariz/store.h"
#include "store/internal.h"
#include "testdb.h"

typedef struct fx {
    char dir[64];
    char path[128];
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/kz-open-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static void test_empty_file_refused_unless_filled(void **state)
{
    fx *f = *state;
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fclose(fp);
    kz_store *st = NULL;
    kz_err err;
    assert_int_equal(kz_store_open(f->path, 0, &st, &err), KZ_ECORRUPT);
    assert_non_null(strstr(err.msg, "is empty: not a kariz database; `kariz init` creates one"));
    assert_int_equal(kz_store_open(f->path, KZ_STORE_READONLY, &st, &err), KZ_ECORRUPT);
    struct stat sb;
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_size, 0);
    assert_int_equal(kz_store_open(f->path, KZ_STORE_FILL_EMPTY, &st, &err), KZ_OK);
    kz_store_close(st);
    assert_int_equal(stat(f->path, &sb), 0);
    assert_true(sb.st_size > 0);
}

static void test_nul_inside_a_value_is_shown(void **state)
{
    fx *f = *state;
    kz_store *st = NULL;
    kz_err err;
    assert_int_equal(kz_store_open(f->path, 0, &st, &err), KZ_OK);
    static const kz_stage stages[] = {{"lead", "Lead", 0, 5, 14, KZ_STAGE_OPEN, NULL}};
    assert_int_equal(kz_store_sync_stages(st, stages, 1, &err), KZ_OK);
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NAME, "Ada");
    kz_lead_set_text(&l, KZ_F_STAGE, "lead");
    assert_int_equal(kz_store_begin(st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_insert(st, &l, "tester", 1000, &err), KZ_OK);
    assert_int_equal(kz_store_commit(st, &err), KZ_OK);
    int64_t id = kz_lead_num(&l, KZ_F_ID);
    kz_store_close(st);

    /* another program writes "Ada\0Lovelace" */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "UPDATE leads SET name = CAST(x'416461004c6f76656c616365' AS "
                                  "TEXT)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);

    assert_int_equal(kz_store_open(f->path, 0, &st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_get(st, id, &l, &err), KZ_OK);
    assert_string_equal(kz_lead_text(&l, KZ_F_NAME), "Ada\xe2\x90\x80Lovelace");
    kz_lead_free(&l);
    kz_store_close(st);
}

static void test_db_error_names_the_real_reason(void **state)
{
    fx *f = *state;
    kz_store *st = NULL;
    kz_err err;
    assert_int_equal(kz_store_open(f->path, 0, &st, &err), KZ_OK);
    /* the connection's last call succeeded; the failure came from elsewhere */
    assert_int_equal(kz_db_error(st, SQLITE_IOERR_WRITE, "saving", &err), KZ_EIO);
    assert_null(strstr(err.msg, "not an error"));
    assert_non_null(strstr(err.msg, "disk I/O error"));
    assert_int_equal(kz_db_error(st, SQLITE_CORRUPT, "reading", &err), KZ_ECORRUPT);
    assert_null(strstr(err.msg, "not an error"));
    assert_int_equal(kz_db_error(st, SQLITE_ERROR, "reading", &err), KZ_EDB);
    assert_null(strstr(err.msg, "not an error"));
    kz_store_close(st);
}

int main(void)
{
    kz_testdb_sqlite_only("an empty file, a NUL byte in an SQLite value and SQLite's error codes");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty_file_refused_unless_filled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_inside_a_value_is_shown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_db_error_names_the_real_reason, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
