/* Store: schema creation and versions, optimistic updates, transactions,
 * the event log, custom fields, totals and queries. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/icu.h"
#include "kariz/store.h"
#include "kariz/text.h"
#include "store/internal.h"
#include "store/sqlite.h"
#include "testdb.h"

/* The name the database records for an actor: on PostgreSQL the server
 * writes the connected role, whatever kariz says (schema-pg.sql). */
static const char *act(kz_store *st, const char *name)
{
    return kz_store_role(st) ? kz_store_role(st) : name;
}

static const kz_stage stages[] = {
    {"lead", "Lead", 0, 5, 14, KZ_STAGE_OPEN, NULL},
    {"prospect", "Prospect", 1, 15, 21, KZ_STAGE_OPEN, NULL},
    {"opportunity", "Opportunity", 2, 50, 30, KZ_STAGE_OPEN, NULL},
    {"won", "Won", 3, 100, 0, KZ_STAGE_WON, NULL},
    {"lost", "Lost", 4, 0, 0, KZ_STAGE_LOST, NULL},
};
#define NSTAGES (sizeof stages / sizeof stages[0])

typedef struct fx {
    char dir[64];
    char path[256];
    kz_store *st;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/kz-store-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    KZ_TESTDB_NAME(f->dir, "t.db", f->path);
    kz_err err;
    assert_int_equal(kz_store_open(f->path, 0, &f->st, &err), KZ_OK);
    assert_int_equal(kz_store_sync_stages(f->st, stages, NSTAGES, &err), KZ_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    kz_store_close(f->st);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static int64_t add_lead(kz_store *st, const char *name, const char *company, const char *email,
                        const char *stage, const char *owner, int64_t value_cents)
{
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NAME, name);
    kz_lead_set_text(&l, KZ_F_COMPANY, company);
    kz_lead_set_text(&l, KZ_F_EMAIL, email);
    kz_lead_set_text(&l, KZ_F_STAGE, stage);
    kz_lead_set_text(&l, KZ_F_OWNER, owner);
    if (value_cents >= 0)
        kz_lead_set_num(&l, KZ_F_VALUE, value_cents);
    kz_err err;
    assert_int_equal(kz_store_begin(st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_insert(st, &l, "alice", 1000, &err), KZ_OK);
    assert_int_equal(kz_store_commit(st, &err), KZ_OK);
    int64_t id = kz_lead_num(&l, KZ_F_ID);
    kz_lead_free(&l);
    return id;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    kz_buf b = KZ_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        kz_buf_append(&b, chunk, n);
    fclose(fp);
    *len = b.len;
    return kz_buf_take(&b);
}

static void set_user_version(const char *path, int v)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_new_database_has_schema_version(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("the schema version in SQLite's header (user_version) and its WAL journal");
    fx *f = *state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), kz_store_schema_version());
    sqlite3_finalize(s);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    sqlite3_close(db);
}

static void test_newer_database_refused_untouched(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("a newer schema version in SQLite's header, the file compared byte for byte");
    fx *f = *state;
    kz_store_close(f->st);
    f->st = NULL;
    set_user_version(f->path, kz_store_schema_version() + 1);
    /* checkpoint everything into the main file so bytes can be compared */
    sqlite3 *db;
    sqlite3_open(f->path, &db);
    sqlite3_exec(db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    sqlite3_close(db);
    size_t n1, n2;
    char *before = slurp(f->path, &n1);
    kz_err err;
    kz_store *st = NULL;
    assert_int_equal(kz_store_open(f->path, 0, &st, &err), KZ_ENEWER);
    assert_null(st);
    assert_non_null(strstr(err.msg, "newer kariz"));
    assert_non_null(strstr(err.msg, "not modified"));
    char *after = slurp(f->path, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    char wal[300];
    snprintf(wal, sizeof wal, "%s-wal", f->path);
    assert_int_not_equal(access(wal, F_OK), 0);
    free(before);
    free(after);
    set_user_version(f->path, kz_store_schema_version());
    assert_int_equal(kz_store_open(f->path, 0, &f->st, &err), KZ_OK);
}

static void test_not_a_database(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("a file that is not an SQLite database");
    fx *f = *state;
    char path[200];
    snprintf(path, sizeof path, "%s/junk.db", f->dir);
    FILE *fp = fopen(path, "wb");
    for (int i = 0; i < 300; i++)
        fputs("this is not a database file. ", fp);
    fclose(fp);
    size_t n1, n2;
    char *before = slurp(path, &n1);
    kz_err err;
    kz_store *st = NULL;
    kz_status ks = kz_store_open(path, 0, &st, &err);
    assert_int_equal(ks, KZ_ECORRUPT);
    assert_non_null(strstr(err.msg, "junk.db"));
    char *after = slurp(path, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    free(before);
    free(after);
}

static void test_foreign_tables_refused(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("another program's SQLite file");
    fx *f = *state;
    char path[200];
    snprintf(path, sizeof path, "%s/other.db", f->dir);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(db);
    kz_err err;
    kz_store *st = NULL;
    assert_int_equal(kz_store_open(path, 0, &st, &err), KZ_ECORRUPT);
    assert_non_null(strstr(err.msg, "not a kariz database"));
}

static void test_missing_with_nocreate(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("a database file that does not exist");
    fx *f = *state;
    char path[200];
    snprintf(path, sizeof path, "%s/none.db", f->dir);
    kz_err err;
    kz_store *st = NULL;
    assert_int_equal(kz_store_open(path, KZ_STORE_NOCREATE, &st, &err), KZ_ENOTFOUND);
    assert_int_not_equal(access(path, F_OK), 0);
}

static void test_round_trip_all_types(void **state)
{
    fx *f = *state;
    kz_lead l, g;
    kz_lead_init(&l);
    kz_lead_init(&g);
    kz_err err;
    assert_int_equal(kz_lead_assign(&l, "name", "Ava Smith", false, &err), KZ_OK);
    assert_int_equal(kz_lead_assign(&l, "employees", "1,200", false, &err), KZ_OK);
    assert_int_equal(kz_lead_assign(&l, "value", "12500.5", false, &err), KZ_OK);
    assert_int_equal(kz_lead_assign(&l, "close_date", "2026-12-01", false, &err), KZ_OK);
    assert_int_equal(kz_lead_assign(&l, "stage", "prospect", false, &err), KZ_OK);
    assert_int_equal(kz_lead_assign(&l, "favourite_color", "teal", false, &err), KZ_OK);
    assert_int_equal(kz_lead_assign(&l, "score", "5", false, &err), KZ_EINVAL);
    assert_non_null(strstr(err.msg, "computed"));
    assert_int_equal(kz_lead_assign(&l, "value", "lots", false, &err), KZ_EINVAL);
    assert_non_null(strstr(err.msg, "\"value\""));
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_insert(f->st, &l, "alice", 1000, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_get(f->st, kz_lead_num(&l, KZ_F_ID), &g, &err), KZ_OK);
    assert_string_equal(kz_lead_text(&g, KZ_F_NAME), "Ava Smith");
    assert_int_equal(kz_lead_num(&g, KZ_F_EMPLOYEES), 1200);
    assert_int_equal(kz_lead_num(&g, KZ_F_VALUE), 1250050);
    assert_string_equal(kz_lead_text(&g, KZ_F_CLOSE_DATE), "2026-12-01");
    assert_string_equal(kz_lead_custom(&g, "favourite_color"), "teal");
    assert_int_equal(kz_lead_num(&g, KZ_F_VERSION), 1);
    assert_false(kz_lead_has(&g, KZ_F_PHONE));
    char buf[32];
    kz_lead_format(&g, KZ_F_VALUE, buf, sizeof buf);
    assert_string_equal(buf, "12500.50");
    assert_int_equal(kz_store_lead_get(f->st, 9999, &g, &err), KZ_ENOTFOUND);
    assert_string_equal(err.msg, "no lead with id 9999");
    kz_lead_free(&l);
    kz_lead_free(&g);
}

static size_t count_events(kz_store *st, int64_t id)
{
    kz_event_list ev = {0};
    kz_err err;
    assert_int_equal(kz_store_events(st, id, 0, &ev, &err), KZ_OK);
    size_t n = ev.n;
    kz_event_list_free(&ev);
    return n;
}

static void test_update_events_and_conflict(void **state)
{
    fx *f = *state;
    int64_t id = add_lead(f->st, "Liam Kim", "Globex", "liam@globex.example", "lead", "bob", 100000);
    kz_err err;
    kz_lead a, b;
    kz_lead_init(&a);
    kz_lead_init(&b);
    /* two people read version 1 */
    assert_int_equal(kz_store_lead_get(f->st, id, &a, &err), KZ_OK);
    assert_int_equal(kz_store_lead_get(f->st, id, &b, &err), KZ_OK);
    /* the first saves */
    kz_lead_set_text(&a, KZ_F_TITLE, "CTO");
    kz_lead_set_text(&a, KZ_F_OWNER, "carol");
    kz_lead_set_custom(&a, "region", "EMEA");
    bool changed = false;
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_update(f->st, &a, "alice", 2000, &changed, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    assert_true(changed);
    assert_int_equal(kz_lead_num(&a, KZ_F_VERSION), 2);
    size_t nev = count_events(f->st, id);
    assert_int_equal(nev, 4); /* create, title, owner, custom region */
    /* the second's save is a conflict and writes nothing */
    kz_lead_set_text(&b, KZ_F_TITLE, "CEO");
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    kz_lead_set_custom(&b, "region", "APAC");
    assert_int_equal(kz_store_lead_update(f->st, &b, "bob", 3000, &changed, &err), KZ_ECONFLICT);
    assert_false(changed);
    assert_int_equal(kz_lead_num(&b, KZ_F_VERSION), 1);
    assert_int_equal(count_events(f->st, id), nev); /* not even inside the transaction */
    kz_store_rollback(f->st);
    assert_non_null(strstr(err.msg, "changed by someone else"));
    kz_lead g;
    kz_lead_init(&g);
    assert_int_equal(kz_store_lead_get(f->st, id, &g, &err), KZ_OK);
    assert_string_equal(kz_lead_text(&g, KZ_F_TITLE), "CTO");
    assert_int_equal(kz_lead_num(&g, KZ_F_VERSION), 2);
    assert_int_equal(count_events(f->st, id), nev);
    /* what changed since version 1: who, which fields, their values */
    kz_event_list ev = {0};
    assert_int_equal(kz_store_events(f->st, id, 1, &ev, &err), KZ_OK);
    assert_int_equal(ev.n, 3);
    assert_string_equal(ev.v[0].actor, act(f->st, "alice"));
    assert_string_equal(ev.v[0].field, "title");
    assert_null(ev.v[0].old_value);
    assert_string_equal(ev.v[0].new_value, "CTO");
    assert_string_equal(ev.v[1].kind, "owner");
    assert_string_equal(ev.v[1].old_value, "bob");
    assert_string_equal(ev.v[1].new_value, "carol");
    kz_event_list_free(&ev);
    /* saving an unchanged lead bumps nothing */
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_update(f->st, &g, "alice", 4000, &changed, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    assert_false(changed);
    assert_int_equal(kz_lead_num(&g, KZ_F_VERSION), 2);
    /* blame */
    kz_event e;
    assert_int_equal(kz_store_blame(f->st, id, "title", &e, &err), KZ_OK);
    assert_string_equal(e.actor, act(f->st, "alice"));
    assert_string_equal(e.new_value, "CTO");
    free(e.field);
    free(e.old_value);
    free(e.new_value);
    free(e.detail);
    /* removing a custom field is an event too */
    kz_lead_set_custom(&g, "region", NULL);
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_update(f->st, &g, "alice", 5000, &changed, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    kz_lead_reset(&g);
    assert_int_equal(kz_store_lead_get(f->st, id, &g, &err), KZ_OK);
    assert_null(kz_lead_custom(&g, "region"));
    kz_lead_free(&a);
    kz_lead_free(&b);
    kz_lead_free(&g);
}

static void test_rollback_leaves_nothing(void **state)
{
    fx *f = *state;
    kz_err err;
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NAME, "Ghost");
    kz_lead_set_text(&l, KZ_F_STAGE, "lead");
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_insert(f->st, &l, "alice", 1000, &err), KZ_OK);
    int64_t id = kz_lead_num(&l, KZ_F_ID);
    kz_store_rollback(f->st);
    kz_lead g;
    kz_lead_init(&g);
    assert_int_equal(kz_store_lead_get(f->st, id, &g, &err), KZ_ENOTFOUND);
    assert_int_equal(count_events(f->st, id), 0);
    /* unknown stage is refused with its name */
    kz_lead_set_text(&l, KZ_F_STAGE, "limbo");
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_insert(f->st, &l, "alice", 1000, &err), KZ_EINVAL);
    kz_store_rollback(f->st);
    assert_non_null(strstr(err.msg, "limbo"));
    /* writes outside a transaction are refused */
    assert_int_equal(kz_store_lead_insert(f->st, &l, "alice", 1000, &err), KZ_EDB);
    kz_lead_free(&l);
    kz_lead_free(&g);
}

static const kz_stage_total *find_total(const kz_stage_total *t, size_t n, const char *stage)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].stage, stage) == 0)
            return &t[i];
    fail_msg("no totals for %s", stage);
    return NULL;
}

static void test_totals_follow_changes(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t a = add_lead(f->st, "A", "X", "a@x.example", "lead", "alice", 100000);   /* 1000 */
    add_lead(f->st, "B", "X", "b@x.example", "lead", "bob", 50000);                  /* 500 */
    int64_t c = add_lead(f->st, "C", "Y", "c@y.example", "opportunity", "alice", 1000000); /* 10000 */
    add_lead(f->st, "D", "Y", NULL, "opportunity", NULL, -1);
    kz_stage_total t[8];
    size_t n;
    assert_int_equal(kz_store_stage_totals(f->st, NULL, false, t, 8, &n, &err), KZ_OK);
    assert_int_equal(n, NSTAGES);
    assert_string_equal(t[0].stage, "lead");
    assert_int_equal(find_total(t, n, "lead")->count, 2);
    assert_int_equal(find_total(t, n, "lead")->value, 150000);
    assert_int_equal(find_total(t, n, "lead")->weighted, 150000 * 5 / 100);
    assert_int_equal(find_total(t, n, "opportunity")->count, 2);
    assert_int_equal(find_total(t, n, "opportunity")->weighted, 500000);
    assert_int_equal(find_total(t, n, "won")->count, 0);
    /* move A to opportunity with its own probability of 80% */
    kz_lead l;
    kz_lead_init(&l);
    assert_int_equal(kz_store_lead_get(f->st, a, &l, &err), KZ_OK);
    kz_lead_set_text(&l, KZ_F_STAGE, "opportunity");
    kz_lead_set_num(&l, KZ_F_PROBABILITY, 80);
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_update(f->st, &l, "alice", 2000, NULL, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_stage_totals(f->st, NULL, false, t, 8, &n, &err), KZ_OK);
    assert_int_equal(find_total(t, n, "lead")->count, 1);
    assert_int_equal(find_total(t, n, "lead")->value, 50000);
    assert_int_equal(find_total(t, n, "opportunity")->count, 3);
    assert_int_equal(find_total(t, n, "opportunity")->value, 1100000);
    assert_int_equal(find_total(t, n, "opportunity")->weighted, 500000 + 80000);
    /* per owner */
    assert_int_equal(kz_store_stage_totals(f->st, "alice", false, t, 8, &n, &err), KZ_OK);
    assert_int_equal(find_total(t, n, "opportunity")->count, 2);
    assert_int_equal(find_total(t, n, "lead")->count, 0);
    /* alice's and nobody's (the board's "mine"): D has no owner */
    assert_int_equal(kz_store_stage_totals(f->st, "alice", true, t, 8, &n, &err), KZ_OK);
    assert_int_equal(find_total(t, n, "opportunity")->count, 3);
    assert_int_equal(find_total(t, n, "opportunity")->value, 1100000);
    assert_int_equal(find_total(t, n, "lead")->count, 0);
    /* delete C */
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_delete(f->st, c, 0, "alice", 3000, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_stage_totals(f->st, NULL, false, t, 8, &n, &err), KZ_OK);
    assert_int_equal(find_total(t, n, "opportunity")->count, 2);
    assert_int_equal(find_total(t, n, "opportunity")->value, 100000);
    /* history outlives the lead */
    assert_true(count_events(f->st, c) >= 2);
    kz_lead_free(&l);
}

static int64_t import_lead(kz_store *st, const char *name, const char *stage, const char *owner,
                           int64_t value_cents, int64_t import_id, int64_t now)
{
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NAME, name);
    kz_lead_set_text(&l, KZ_F_STAGE, stage);
    kz_lead_set_text(&l, KZ_F_OWNER, owner);
    kz_lead_set_num(&l, KZ_F_VALUE, value_cents);
    kz_err err;
    assert_int_equal(kz_store_import_lead_insert(st, &l, import_id, true, now, &err), KZ_OK);
    int64_t id = kz_lead_num(&l, KZ_F_ID);
    kz_lead_free(&l);
    return id;
}

/* Deferred totals reach stage_totals at the commit, in the same
 * transaction; a rollback drops them with the leads. */
static void test_deferred_totals(void **state)
{
    fx *f = *state;
    kz_err err;
    kz_stage_total t[8];
    size_t n;
    int64_t imp;
    kz_store_defer_totals(f->st, true);
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_import_start(f->st, "a.csv", "fp", "alice", 1000, &imp, &err), KZ_OK);
    import_lead(f->st, "A", "lead", "alice", 100, imp, 1000);
    import_lead(f->st, "B", "lead", "bob", 200, imp, 1000);
    import_lead(f->st, "C", "prospect", "alice", 400, imp, 1000);
    import_lead(f->st, "D", "lead", "alice", 800, imp, 1000);
    assert_int_equal(kz_store_stage_totals(f->st, NULL, false, t, 8, &n, &err), KZ_OK);
    assert_int_equal(find_total(t, n, "lead")->count, 0); /* not yet */
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_stage_totals(f->st, NULL, false, t, 8, &n, &err), KZ_OK);
    assert_int_equal(find_total(t, n, "lead")->count, 3);
    assert_int_equal(find_total(t, n, "lead")->value, 1100);
    assert_int_equal(find_total(t, n, "prospect")->count, 1);
    assert_int_equal(kz_store_stage_totals(f->st, "alice", false, t, 8, &n, &err), KZ_OK);
    assert_int_equal(find_total(t, n, "lead")->count, 2);
    assert_int_equal(find_total(t, n, "lead")->value, 900);
    /* rolled back: neither the leads nor their totals */
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    import_lead(f->st, "E", "lead", "alice", 1600, imp, 1000);
    kz_store_rollback(f->st);
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_stage_totals(f->st, NULL, false, t, 8, &n, &err), KZ_OK);
    assert_int_equal(find_total(t, n, "lead")->count, 3);
    assert_int_equal(find_total(t, n, "lead")->value, 1100);
    /* off again: at once */
    kz_store_defer_totals(f->st, false);
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    import_lead(f->st, "F", "lead", "bob", 3200, imp, 1000);
    assert_int_equal(kz_store_stage_totals(f->st, NULL, false, t, 8, &n, &err), KZ_OK);
    assert_int_equal(find_total(t, n, "lead")->count, 4);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
}

/* An imported lead logs no event of its own; its history starts with the
 * import, derived from import_id and the imports row; blame names it until
 * a later change; a delete keeps the import's number. */
static void test_import_history(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t imp, early = add_lead(f->st, "Early", "Co", "e@co.example", "lead", "alice", 5);
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_import_start(f->st, "leads.csv", "fp", "bob", 5000, &imp, &err), KZ_OK);
    int64_t a = import_lead(f->st, "Ava", "lead", "alice", 100, imp, 5030);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    kz_event_list ev = {0};
    assert_int_equal(kz_store_events(f->st, a, 0, &ev, &err), KZ_OK);
    assert_int_equal(ev.n, 1);
    assert_int_equal(ev.v[0].id, 0);
    assert_int_equal(ev.v[0].at, 5000);
    assert_int_equal(ev.v[0].version, 1);
    assert_string_equal(ev.v[0].kind, "import");
    assert_string_equal(ev.v[0].actor, act(f->st, "bob"));
    assert_string_equal(ev.v[0].detail, "from leads.csv, import 1");
    kz_event_list_free(&ev);
    assert_int_equal(kz_store_events(f->st, a, 1, &ev, &err), KZ_OK); /* since version 1 */
    assert_int_equal(ev.n, 0);
    kz_event_list_free(&ev);
    /* a database from before: its per-lead import event, nothing derived */
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    int64_t old = import_lead(f->st, "Old", "lead", "alice", 100, imp, 5040);
    kz_event oe = {0};
    oe.lead_id = old;
    oe.at = 5040;
    oe.version = 1;
    snprintf(oe.actor, sizeof oe.actor, "bob");
    snprintf(oe.kind, sizeof oe.kind, "import");
    oe.new_value = "Old";
    oe.detail = "import 1";
    assert_int_equal(kz_store_event_add(f->st, &oe, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_events(f->st, old, 0, &ev, &err), KZ_OK);
    assert_int_equal(ev.n, 1);
    assert_int_equal(ev.v[0].id, oe.id);
    assert_string_equal(ev.v[0].detail, "import 1");
    kz_event_list_free(&ev);
    assert_int_equal(kz_store_events(f->st, early, 0, &ev, &err), KZ_OK); /* not imported */
    assert_int_equal(ev.n, 1);
    assert_string_equal(ev.v[0].kind, "create");
    kz_event_list_free(&ev);

    kz_event e;
    assert_int_equal(kz_store_blame(f->st, a, "title", &e, &err), KZ_OK);
    assert_string_equal(e.kind, "import");
    assert_string_equal(e.detail, "from leads.csv, import 1");
    free(e.detail);
    kz_lead l;
    kz_lead_init(&l);
    assert_int_equal(kz_store_lead_get(f->st, a, &l, &err), KZ_OK);
    kz_lead_set_text(&l, KZ_F_TITLE, "CTO");
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_update(f->st, &l, "carol", 6000, NULL, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    memset(&e, 0, sizeof e);
    assert_int_equal(kz_store_blame(f->st, a, "title", &e, &err), KZ_OK);
    assert_string_equal(e.kind, "field");
    assert_string_equal(e.new_value, "CTO");
    free(e.field);
    free(e.new_value);
    free(e.old_value);
    free(e.detail);
    assert_int_equal(kz_store_events(f->st, a, 0, &ev, &err), KZ_OK);
    assert_int_equal(ev.n, 2);
    assert_string_equal(ev.v[0].kind, "import"); /* first */
    assert_string_equal(ev.v[1].field, "title");
    kz_event_list_free(&ev);

    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_delete(f->st, a, 0, "carol", 7000, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_events(f->st, a, 0, &ev, &err), KZ_OK);
    assert_int_equal(ev.n, 2);
    assert_string_equal(ev.v[1].kind, "delete");
    assert_string_equal(ev.v[1].detail, "import 1");
    kz_event_list_free(&ev);
    kz_lead_free(&l);
}

typedef struct names {
    char v[16][64];
    size_t n;
} names;

static bool collect(const kz_lead *l, void *ud)
{
    names *x = ud;
    if (x->n < 16)
        snprintf(x->v[x->n++], 64, "%s", kz_lead_text(l, KZ_F_NAME));
    return true;
}

static void test_queries(void **state)
{
    fx *f = *state;
    kz_err err;
    add_lead(f->st, "Ava Smith", "Acme Inc", "ava@acme.example", "lead", "alice", 100);
    add_lead(f->st, "Liam Kim", "Globex", "liam@globex.example", "lead", "bob", 200);
    add_lead(f->st, "Noah Novak", "Initech", "noah@initech.example", "prospect", NULL, 300);
    add_lead(f->st, "علی محمدی", "Tabriz Co", "ali@tabriz.example", "lead", "alice", 400);
    names got = {0};
    kz_query q = {0};
    q.search = "ACME";
    assert_int_equal(kz_store_list(f->st, &q, false, collect, &got, &err), KZ_OK);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.v[0], "Ava Smith");
    memset(&got, 0, sizeof got);
    q.search = "محمد";
    assert_int_equal(kz_store_list(f->st, &q, false, collect, &got, &err), KZ_OK);
    assert_int_equal(got.n, 1);
    memset(&got, 0, sizeof got);
    q.search = "Ki"; /* short: no trigram, still found */
    assert_int_equal(kz_store_list(f->st, &q, false, collect, &got, &err), KZ_OK);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.v[0], "Liam Kim");
    memset(&got, 0, sizeof got);
    q.search = "100%\"_"; /* quotes and wildcards are literal */
    assert_int_equal(kz_store_list(f->st, &q, false, collect, &got, &err), KZ_OK);
    assert_int_equal(got.n, 0);
    q.search = NULL;
    q.owner = "alice";
    q.with_unassigned = true;
    q.sort = KZ_SORT_VALUE;
    assert_int_equal(kz_store_list(f->st, &q, false, collect, &got, &err), KZ_OK);
    assert_int_equal(got.n, 3);
    assert_string_equal(got.v[0], "علی محمدی");
    assert_string_equal(got.v[1], "Noah Novak");
    int64_t n;
    q.stage = "lead";
    assert_int_equal(kz_store_count(f->st, &q, &n, &err), KZ_OK);
    assert_int_equal(n, 2);
    memset(&got, 0, sizeof got);
    kz_query p = {0};
    p.sort = KZ_SORT_NAME;
    p.limit = 2;
    p.offset = 1;
    assert_int_equal(kz_store_list(f->st, &p, false, collect, &got, &err), KZ_OK);
    assert_int_equal(got.n, 2);
    assert_string_equal(got.v[0], "Liam Kim");
    int64_t id;
    assert_int_equal(kz_store_find_by_email(f->st, "  LIAM@Globex.example ", &id, &err), KZ_OK);
    assert_true(id > 0);
    assert_int_equal(kz_store_find_by_email(f->st, "nobody@x.example", &id, &err), KZ_OK);
    assert_int_equal(id, 0);
}

/* Everything a search answers, for comparing the ways matches are kept. */
typedef struct answers {
    names lists[NSTAGES];
    int64_t counts[NSTAGES];
} answers;

static void search_answers(kz_store *st, const char *text, answers *out)
{
    kz_err err;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < NSTAGES; i++) {
        kz_query q = {0};
        q.search = text;
        q.stage = stages[i].name;
        q.limit = 16;
        assert_int_equal(kz_store_list(st, &q, false, collect, &out->lists[i], &err), KZ_OK);
        q.limit = 0;
        assert_int_equal(kz_store_count(st, &q, &out->counts[i], &err), KZ_OK);
    }
}

static void add_note(kz_store *st, int64_t id, const char *note)
{
    kz_err err;
    kz_activity a = {0};
    a.lead_id = id;
    snprintf(a.kind, sizeof a.kind, "note");
    snprintf(a.author, sizeof a.author, "alice");
    a.note = (char *)note;
    assert_int_equal(kz_store_begin(st, &err), KZ_OK);
    assert_int_equal(kz_store_activity_add(st, &a, 5000, &err), KZ_OK);
    assert_int_equal(kz_store_commit(st, &err), KZ_OK);
}

/* A rare word's ids, a common word's bitmap and a very common word checked
 * lead by lead give the same answers; a column's bounded count says when
 * it stopped early. */
static void test_search_modes(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("the three ways SQLite's search keeps its matches (ids, a bitmap, each "
                          "lead's text); on PostgreSQL the trigram index answers LIKE itself");
    fx *f = *state;
    kz_err err;
    add_lead(f->st, "Ava Öztürk", "Wonka Industries", "ava@wonka.example", "lead", NULL, 1);
    add_lead(f->st, "Bo Wonk", "Acme", NULL, "prospect", NULL, 1);
    add_lead(f->st, "Wonky Tom", "Hooli", NULL, "prospect", NULL, 1);
    int64_t cy = add_lead(f->st, "Cy Smith", "Globex", NULL, "lead", NULL, 1);
    for (int i = 0; i < 12; i++) {
        char name[32];
        snprintf(name, sizeof name, "Filler %d", i);
        add_lead(f->st, name, i % 2 ? "Wonka Subsidiary" : "Initech", NULL, "lead", NULL, 1);
    }
    add_note(f->st, cy, "wants the WONKA bar");
    const char *texts[] = {"wonk", "ÖZTÜRK", "filler", "wonka bar", "nothing like it", "Wo"};
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        answers ids, bitmap, check;
        kz_store_search_tune(f->st, 1000, 100000);
        search_answers(f->st, texts[t], &ids);
        kz_store_search_tune(f->st, 1, 100000);
        search_answers(f->st, texts[t], &bitmap);
        kz_store_search_tune(f->st, 1, 1);
        search_answers(f->st, texts[t], &check);
        assert_memory_equal(&ids, &bitmap, sizeof ids);
        assert_memory_equal(&ids, &check, sizeof ids);
    }
    answers a;
    search_answers(f->st, "ÖZTÜRK", &a);
    assert_int_equal(a.counts[0], 1);
    assert_string_equal(a.lists[0].v[0], "Ava Öztürk");
    search_answers(f->st, "wonk", &a);
    assert_int_equal(a.counts[0], 8); /* Ava, Cy (by the note), six subsidiaries */
    assert_int_equal(a.counts[1], 2);

    /* bounded counts: a short walk of a common word's column stops early */
    kz_query q = {0};
    q.search = "wonk";
    q.stage = "lead";
    q.count_cap = 1; /* checking lead by lead: the first match ends the walk */
    kz_store_search_tune(f->st, 1, 1);
    int64_t n;
    bool more;
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    assert_true(more);
    assert_int_equal(n, 1);
    q.count_cap = 9; /* a walk of 45 leads: the whole column, exact */
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    assert_false(more);
    assert_int_equal(n, 8);
    kz_store_search_tune(f->st, 1, 100000); /* a bitmap: 100 leads a match */
    q.count_cap = 1;
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    assert_true(more);
    assert_int_equal(n, 1);
    q.count_cap = 9;
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    assert_false(more);
    assert_int_equal(n, 8);
    /* listed: exact, whatever the cap */
    kz_store_search_tune(f->st, 1000, 100000);
    q.count_cap = 1;
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    assert_false(more);
    assert_int_equal(n, 8);
    }

/* A search of several words finds the leads whose text holds every word,
 * each anywhere (name, company, e-mail, notes) and in any order, short
 * words too; the same whichever way the matches are kept (listed, a
 * bitmap, each lead's text checked). */
static void test_search_words(void **state)
{
    fx *f = *state;
    add_lead(f->st, "Lena Silva", "Pied Piper", "lena@pied.example", "lead", NULL, 1);
    add_lead(f->st, "Tom Silva", "Hooli", NULL, "lead", NULL, 1);
    add_lead(f->st, "Lena Tanaka", "Globex", NULL, "prospect", NULL, 1);
    int64_t mia = add_lead(f->st, "Mia Chen", "Initech", NULL, "prospect", NULL, 1);
    add_note(f->st, mia, "met LENA at the fair");
    add_lead(f->st, "\u00d6z Tan", "\u00d6zel \u0416\u0443 Ltd", NULL, "won", NULL, 1);
    static const struct {
        const char *text;
        int64_t lead, prospect, won;
        const char *first; /* the first lead's name in the lead column */
    } cases[] = {
        {"Lena Pied", 1, 0, 0, "Lena Silva"},
        {"pied  LENA", 1, 0, 0, "Lena Silva"},
        {"silva lena", 1, 0, 0, "Lena Silva"},
        {"lena", 1, 2, 0, "Lena Silva"},
        {"lena fair", 0, 1, 0, NULL},
        {"Silva To", 1, 0, 0, "Tom Silva"},
        {"le pi", 1, 0, 0, "Lena Silva"},
        {"lena hooli", 0, 0, 0, NULL},
        {"silva silva", 2, 0, 0, NULL},
        {" \t ", 0, 0, 0, NULL},
        {"\"lena silva\"", 1, 0, 0, "Lena Silva"},
        {"\"silva lena\"", 0, 0, 0, NULL},
        {"\"at the\" \"mia ch", 0, 1, 0, NULL},
        {"\"\"", 0, 0, 0, NULL},
        /* short words beside long ones, in any case, Latin or not */
        {"\u00f6z tan", 0, 0, 1, NULL},
        {"\u0436\u0443 \u00f6zel", 0, 0, 1, NULL},
        {"\u00d6Z", 0, 0, 1, NULL},
        /* what the search form leaves out (a non-joiner, a diacritic)
         * splits nothing: the phrase after it is still one */
        {"\u200c\"lena silva\"", 1, 0, 0, "Lena Silva"},
        {"\u064b\"lena silva\"", 1, 0, 0, "Lena Silva"},
    };
    static const int64_t tunings[][2] = {{1000, 100000}, {1, 100000}, {1, 1}};
    for (size_t t = 0; t < sizeof tunings / sizeof tunings[0]; t++) {
        kz_store_search_tune(f->st, tunings[t][0], tunings[t][1]);
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            answers a;
            search_answers(f->st, cases[i].text, &a);
            if (a.counts[0] != cases[i].lead || a.counts[1] != cases[i].prospect ||
                a.counts[3] != cases[i].won)
                fail_msg("search \"%s\" (tuning %zu): %" PRId64 " lead, %" PRId64
                         " prospect, %" PRId64 " won; want %" PRId64 ", %" PRId64 ", %" PRId64,
                         cases[i].text, t, a.counts[0], a.counts[1], a.counts[3], cases[i].lead,
                         cases[i].prospect, cases[i].won);
            assert_int_equal(a.lists[0].n, cases[i].lead);
            if (cases[i].first)
                assert_string_equal(a.lists[0].v[0], cases[i].first);
        }
    }
}

/* A short word beside a long one: the long word's leads are the
 * candidates, and a few matches among more candidates than a listed search
 * holds are still listed (an exact count, whatever the cap), where
 * checking lead by lead would walk the whole column for them. */
static void test_search_short_word_lists_rare_matches(void **state)
{
    fx *f = *state;
    kz_err err;
    for (int i = 0; i < 5; i++)
        add_lead(f->st, "Wonk", "Acme", NULL, "lead", NULL, 1);
    add_lead(f->st, "Wonk", "Zq Acme", NULL, "lead", NULL, 1);
    add_lead(f->st, "Wonk Zq", "Hooli", NULL, "lead", NULL, 1);
    kz_store_search_tune(f->st, 2, 100000); /* 7 candidates, 2 matches */
    kz_query q = {0};
    q.search = "wonk zq";
    q.stage = "lead";
    q.count_cap = 1;
    int64_t n;
    bool more;
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    assert_int_equal(n, 2);
    assert_false(more);
}

/* A column's bounded count of a common word walks the column in its own
 * order: the leads counted are those at its top, whichever way the server
 * plans the walk. */
static void test_search_count_walks_column_order(void **state)
{
    fx *f = *state;
    kz_err err;
    for (int i = 0; i < 5; i++) /* first in the table, last by value */
        add_lead(f->st, "Filler", "Acme", NULL, "lead", NULL, 100);
    for (int i = 0; i < 5; i++)
        add_lead(f->st, "Wonk", "Hooli", NULL, "lead", NULL, 100000);
    kz_store_search_tune(f->st, 1, 1); /* checked lead by lead */
    kz_query q = {0};
    q.search = "wonk";
    q.stage = "lead";
    q.sort = KZ_SORT_VALUE;
    q.count_cap = 1; /* a walk of up to 5 leads, or to the first match */
    int64_t n;
    bool more;
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    assert_true(more);
    assert_int_equal(n, 1);
    q.reverse = true; /* the fillers on top */
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    assert_true(more);
    assert_int_equal(n, 0);
    q.count_cap = 2; /* a walk of 10: the fillers, then the matches */
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    assert_true(more);
    assert_int_equal(n, 2);
    q.reverse = false;
    q.count_cap = 6; /* a walk of 30: the whole column */
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    assert_false(more);
    assert_int_equal(n, 5);
}

static bool count_lead(const kz_lead *lead, void *ud)
{
    (void)lead;
    (*(int *)ud)++;
    return true;
}

/* Adds 3000 leads in one transaction: named "Wonk" where wonk(i), else
 * "Filler", in stage stage(i), score i % 50, value `value` (< 0: none). */
static void add_3000(kz_store *st, bool (*wonk)(int), const char *(*stage)(int), int64_t value)
{
    kz_err err;
    assert_int_equal(kz_store_begin(st, &err), KZ_OK);
    for (int i = 0; i < 3000; i++) {
        kz_lead l;
        kz_lead_init(&l);
        kz_lead_set_text(&l, KZ_F_NAME, wonk(i) ? "Wonk" : "Filler");
        kz_lead_set_text(&l, KZ_F_STAGE, stage(i));
        kz_lead_set_num(&l, KZ_F_SCORE, i % 50);
        if (value >= 0)
            kz_lead_set_num(&l, KZ_F_VALUE, value);
        assert_int_equal(kz_store_lead_insert(st, &l, "alice", 1000, &err), KZ_OK);
        kz_lead_free(&l);
    }
    assert_int_equal(kz_store_commit(st, &err), KZ_OK);
}

static bool none_wonk(int i) { return (void)i, false; }
static bool all_wonk(int i) { return (void)i, true; }
static bool some_wonk(int i) { return i % 100 < 4; }
static const char *in_lead(int i) { return (void)i, "lead"; }
static const char *in_two(int i) { return i % 2 ? "lead" : "prospect"; }
static const char *in_four(int i) { return stages[i % 4].name; }

/* 3000 leads, every one matching "wonk", half in lead and half in
 * prospect, with the server's statistics (PostgreSQL plans by them). */
static void add_3000_wonks(kz_store *st)
{
    kz_err err;
    add_3000(st, all_wonk, in_two, -1);
    if (kz_testdb_pg())
        assert_int_equal(kz_exec(st, "ANALYZE", &err), KZ_OK);
}

/* PostgreSQL only (skips otherwise): the 3000 wonks, and a query of the
 * lead column's search for them. */
static kz_query pg_wonks(fx *f)
{
    if (!kz_testdb_pg())
        skip();
    add_3000_wonks(f->st);
    kz_query q = {0};
    q.search = "wonk";
    q.stage = "lead";
    return q;
}

/* A rare word's few matches are read one by one and sorted, never found by
 * walking the column: here a page sorted by value would pass 3000 leads
 * before the three matches at its end. (SQLite: the planner takes its
 * hint from the query; PostgreSQL's has the list's statistics.) */
static void test_search_rare_word_reads_its_matches(void **state)
{
    fx *f = *state;
    if (kz_testdb_pg())
        skip();
    kz_err err;
    add_3000(f->st, none_wonk, in_lead, 100000);
    for (int i = 0; i < 3; i++)
        add_lead(f->st, "Wonk", "Hooli", NULL, "lead", NULL, 100);
    kz_query q = {0};
    q.search = "wonk";
    q.stage = "lead";
    q.limit = 10;
    kz_sort sorts[] = {KZ_SORT_SCORE, KZ_SORT_VALUE, KZ_SORT_AGE, KZ_SORT_DUE};
    for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++) {
        q.sort = sorts[i];
        int64_t n;
        assert_int_equal(kz_store_count(f->st, &q, &n, &err), KZ_OK);
        assert_int_equal(n, 3);
        int64_t before = kz_sqlite_vm_steps(f->st);
        int got = 0;
        assert_int_equal(kz_store_list(f->st, &q, false, count_lead, &got, &err), KZ_OK);
        assert_int_equal(got, 3);
        /* a walk past 3000 index entries takes tens of thousands of steps */
        assert_in_range(kz_sqlite_vm_steps(f->st) - before, 1, 3000);
    }
}

typedef struct order_walk {
    int64_t ids[64];
    size_t n;
} order_walk;

static bool walk_ids(const kz_lead *lead, void *ud)
{
    order_walk *w = ud;
    if (w->n < 64)
        w->ids[w->n++] = kz_lead_num(lead, KZ_F_ID);
    return true;
}

/* The order of q's sort in stage, as a walk without the search finds it:
 * the 10 leads from offset into want, and (l not NULL) the 4th of them
 * read into l. */
static void column_order(kz_store *st, const kz_query *q, const char *stage, size_t offset,
                         order_walk *want, kz_lead *l)
{
    kz_err err;
    kz_query all = *q;
    all.search = NULL;
    all.stage = stage;
    all.count_cap = 0;
    all.limit = 10;
    all.offset = offset;
    want->n = 0;
    assert_int_equal(kz_store_list(st, &all, false, walk_ids, want, &err), KZ_OK);
    assert_int_equal(want->n, 10);
    if (l) {
        kz_lead_init(l);
        assert_int_equal(kz_store_lead_get(st, want->ids[3], l, &err), KZ_OK);
    }
}

/* What the store read for the statements run since cost_begin: SQLite's
 * virtual machine steps, PostgreSQL's rows of leads read (in a read
 * transaction; the server's counts a session has not sent yet include
 * earlier transactions', hence the difference). */
static int64_t cost_mark;
static const char *cost_table = "leads";
/* PostgreSQL: what the server counted of table in this transaction so
 * far: the sum of `what`, columns of pg_stat_xact_user_tables. */
static int64_t xact_stat(kz_store *st, const char *table, const char *what)
{
    kz_err err;
    char sql[240];
    snprintf(sql, sizeof sql,
             "SELECT coalesce(sum(%s), 0) FROM pg_stat_xact_user_tables WHERE relname = '%s'",
             what, table);
    kz_dbstmt *s = kz_stmt(st, sql, &err);
    assert_non_null(s);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    int64_t n = kz_col_i64(s, 0);
    kz_reset(s);
    return n;
}

static int64_t cost_now(kz_store *st)
{
    if (!kz_testdb_pg())
        return kz_sqlite_vm_steps(st);
    return xact_stat(st, cost_table, "coalesce(idx_tup_fetch, 0) + seq_tup_read");
}

static void cost_begin(kz_store *st)
{
    kz_err err;
    if (kz_testdb_pg())
        assert_int_equal(kz_store_begin_read(st, &err), KZ_OK);
    cost_mark = cost_now(st);
}

static int64_t cost_end(kz_store *st)
{
    int64_t n = cost_now(st) - cost_mark;
    if (kz_testdb_pg())
        kz_store_rollback(st);
    return n;
}

/* A listed search (a few thousand matches): one statement reads every
 * match's place in the query's order, for all columns; each column's count,
 * its selected lead's place and its page are then looked up there, never
 * read again from the column's matches (here 1500 a column). */
static void test_search_places_read_once(void **state)
{
    fx *f = *state;
    kz_err err;
    add_3000_wonks(f->st);
    kz_sort sorts[] = {KZ_SORT_SCORE, KZ_SORT_VALUE, KZ_SORT_NAME};
    for (size_t si = 0; si < 2 * sizeof sorts / sizeof sorts[0]; si++) {
        kz_query q = {0};
        q.search = "wonk";
        q.sort = sorts[si % 3];
        /* (and with an owner filter: the owner's indexes lead with it) */
        q.owner = si >= 3 ? "" : NULL;
        q.stage = "lead";
        q.count_cap = 200;
        int64_t n;
        bool more;
        assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
        assert_int_equal(n, 1500); /* listed: exact */
        assert_false(more);
        order_walk want;
        kz_lead l;
        column_order(f->st, &q, "prospect", 700, &want, &l);
        /* the other column: its count, a lead's place, a page */
        cost_begin(f->st);
        q.stage = "prospect";
        assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
        size_t rank;
        bool found;
        assert_int_equal(kz_store_rank(f->st, &q, &l, 0, &rank, &found, &err), KZ_OK);
        q.limit = 10;
        q.offset = 700;
        order_walk got = {0};
        assert_int_equal(kz_store_list(f->st, &q, false, walk_ids, &got, &err), KZ_OK);
        int64_t cost = cost_end(f->st);
        assert_int_equal(n, 1500);
        assert_true(found);
        assert_int_equal(rank, 703);
        assert_int_equal(got.n, 10);
        assert_memory_equal(got.ids, want.ids, sizeof want.ids[0] * 10);
        /* the page's 10 leads (SQLite: a few hundred steps; reading the
         * column's matches takes tens of thousands) */
        if (kz_testdb_pg())
            assert_in_range(cost, 1, 50);
        else
            assert_in_range(cost, 1, 2000);
        kz_lead_free(&l);
    }
}

/* Each column's pages of the search "wonk" in every order both ways and
 * under each filter lead_text holds, against the server's own order of
 * every match (kz_store_list without a page); each first page from one
 * statement for all columns, and (keyed) no statement reading the
 * matches' leads for their places. */
static void search_pages_match(kz_store *st, bool keyed_names)
{
    kz_err err;
    const char *columns[] = {"lead", "prospect", "won"};
    int today;
    assert_int_equal(kz_day_parse_iso("2026-12-04", &today), KZ_OK);
    kz_sort sorts[] = {KZ_SORT_SCORE, KZ_SORT_VALUE, KZ_SORT_AGE, KZ_SORT_DUE, KZ_SORT_NAME,
                       KZ_SORT_ID};
    for (size_t si = 0; si < sizeof sorts / sizeof sorts[0]; si++)
        for (int rev = 0; rev < 2; rev++)
            for (int filter = 0; filter < 6; filter++) {
                kz_query q = {0};
                q.sort = sorts[si];
                q.reverse = rev;
                q.owner = filter == 1 ? "bob" : filter == 2 ? "" : filter == 3 ? "carol" : NULL;
                q.with_unassigned = filter == 3;
                q.grade = filter == 4 ? "A" : NULL;
                q.overdue = filter == 5;
                q.today_day = today;
                q.open_only = filter == 5;
                /* a search of its own (another text first: none kept) */
                kz_query other = q;
                other.search = "nothing here";
                other.stage = "lead";
                other.count_cap = KZ_STORE_COLUMN_CAP;
                int64_t n;
                bool more;
                assert_int_equal(kz_store_count_some(st, &other, &n, &more, &err), KZ_OK);
                assert_int_equal(n, 0);
                q.search = "wonk";
                /* as the board asks: each column's count, then its page */
                q.count_cap = KZ_STORE_COLUMN_CAP;
                for (size_t c = 0; c < 3; c++) {
                    q.stage = columns[c];
                    assert_int_equal(kz_store_count_some(st, &q, &n, &more, &err), KZ_OK);
                    assert_false(more);
                }
                for (size_t c = 0; c < 3; c++) {
                    q.stage = columns[c];
                    q.limit = 100;
                    order_walk got = {0}, want = {0};
                    assert_int_equal(kz_store_list(st, &q, false, walk_ids, &got, &err), KZ_OK);
                    kz_query all = q;
                    all.limit = 0; /* every match, sorted by the server */
                    all.count_cap = 0;
                    assert_int_equal(kz_store_list(st, &all, false, walk_ids, &want, &err), KZ_OK);
                    if (got.n != want.n ||
                        memcmp(got.ids, want.ids, got.n * sizeof got.ids[0]) != 0) {
                        kz_buf b = KZ_BUF_INIT;
                        for (size_t i = 0; i < want.n || i < got.n; i++)
                            kz_buf_printf(&b, " %lld/%lld",
                                          i < got.n ? (long long)got.ids[i] : -1,
                                          i < want.n ? (long long)want.ids[i] : -1);
                        fail_msg("sort %d%s, filter %d, %s: got/want%s", (int)q.sort,
                                 rev ? " reversed" : "", filter, q.stage, kz_buf_str(&b));
                    }
                    if (filter == 0)
                        assert_true(got.n > 0);
                    /* no statement of the column's own read its places
                     * (where kariz places names: keyed_names) or its page */
                    bool places_read = q.sort != KZ_SORT_NAME || keyed_names;
                    for (size_t i = 0; i < KZ_STMT_CACHE; i++)
                        if (st->cache[i].sql &&
                            ((places_read && strstr(st->cache[i].sql, "AS listed (listed_id)")) ||
                             (strstr(st->cache[i].sql, "WITH ORDINALITY AS page") &&
                              strstr(st->cache[i].sql, "AND stage = ?"))))
                            fail_msg("sort %d%s, filter %d, %s: a statement of the column's "
                                     "own read its places or page: %s",
                                     (int)q.sort, rev ? " reversed" : "", filter, q.stage,
                                     st->cache[i].sql);
                }
            }
}

/* PostgreSQL: a listed search reads each match's stage, filters and order
 * key from lead_text, where triggers keep them (schema-pg.sql), and places
 * the matches in the board's columns itself: each column's pages are the
 * server's own order of the same leads (every order both ways, with NULL
 * keys, ties and names equal but for case, and each filter lead_text
 * holds), under kz_name as schema-pg.sql makes it, as ICU's default
 * strength (case first), and nondeterministic (equal names stay equal);
 * and a stage renamed carries the keys along. */
static void test_pg_search_places_from_text_keys(void **state)
{
    fx *f = *state;
    if (!kz_testdb_pg())
        skip();
    kz_err err;
    const char *wonks[] = {"wonk Ava", "Wonk ava", "Émile Wonk", "zoe wonk", "Bo Wonk",
                           "wonk", "Ärne Wonk", "wonk Ava"};
    const char *columns[] = {"lead", "prospect", "won"};
    const char *owners[] = {"bob", NULL, "carol", ""};
    for (int i = 0; i < 48; i++)
        add_lead(f->st, i % 9 == 4 ? NULL : wonks[i % 8], i % 9 == 4 ? "Wonk Inc" : "Acme",
                 NULL, columns[i % 3], owners[i % 4], i % 5 == 0 ? -1 : 1000 * (i % 7));
    add_lead(f->st, "Filler", "Acme", NULL, "lead", NULL, 5);
    /* keys written by hand, through the trigger on leads */
    assert_int_equal(kz_exec(f->st,
                             "UPDATE leads SET score = id % 4, grade = CASE WHEN id % 3 = 0 THEN "
                             "'A' WHEN id % 3 = 1 THEN 'B' END, next_due = CASE WHEN id % 4 = 0 "
                             "THEN NULL ELSE '2026-12-0' || (id % 6 + 1) END, stage_entered = "
                             "1000 + id % 5",
                             &err),
                     KZ_OK);
    /* (this process's ICU and the server's are one here: kariz places names) */
    assert_int_equal(f->st->be->name_order(f->st), 1);
    search_pages_match(f->st, true);
    const char *collations[] = {
        "CREATE COLLATION kz_name (provider = icu, locale = 'und')",
        "CREATE COLLATION kz_name (provider = icu, locale = 'und-u-ks-level2', "
        "deterministic = false)",
    };
    for (size_t i = 0; i < 2; i++) {
        char sql[300];
        snprintf(sql, sizeof sql, "DROP COLLATION kz_name CASCADE; %s", collations[i]);
        assert_int_equal(kz_exec(f->st, sql, &err), KZ_OK);
        kz_store_close(f->st); /* (a new session reads the collation anew) */
        assert_int_equal(kz_store_open(f->path, 0, &f->st, &err), KZ_OK);
        assert_int_equal(f->st->be->name_order(f->st), i == 0 ? 1 : 2);
        search_pages_match(f->st, true);
    }
    /* a stage renamed through its foreign key carries its leads' keys along */
    assert_int_equal(kz_exec(f->st, "UPDATE stages SET name = 'lead2' WHERE name = 'lead'", &err),
                     KZ_OK);
    kz_dbstmt *s = kz_stmt(f->st,
                           "SELECT count(*) FROM lead_text t JOIN leads l USING (id) WHERE "
                           "(t.stage, t.owner, t.grade, t.score, t.value, t.stage_entered, "
                           "t.next_due, t.name) IS DISTINCT FROM (l.stage, l.owner, l.grade, "
                           "l.score, l.value, l.stage_entered, l.next_due, l.name) OR "
                           "t.stage = 'lead'",
                           &err);
    assert_non_null(s);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    assert_int_equal(kz_col_i64(s, 0), 0);
    kz_reset(s);
}

/* kz_store_hold_version: while held, the data version is asked for once
 * (others' commits meanwhile are not seen); once let go, the next check
 * sees them. */
static void test_hold_version(void **state)
{
    fx *f = *state;
    kz_err err;
    kz_store *other;
    assert_int_equal(kz_store_open(f->path, 0, &other, &err), KZ_OK);
    int64_t v0, v1, v2;
    kz_store_hold_version(f->st, true);
    assert_int_equal(kz_store_data_version(f->st, &v0, &err), KZ_OK);
    add_lead(other, "Ava Wonk", "Acme", NULL, "lead", NULL, 1);
    assert_int_equal(kz_store_data_version(f->st, &v1, &err), KZ_OK);
    assert_int_equal(v1, v0);
    kz_store_hold_version(f->st, false);
    assert_int_equal(kz_store_data_version(f->st, &v2, &err), KZ_OK);
    assert_int_not_equal(v2, v0);
    kz_store_close(other);
}

/* PostgreSQL: a word the statistics of lead_text say is common is read as
 * ids alone (its places' keys would be read for matches it then does not
 * list); a rare one with its keys; and one they put in far more leads than
 * could be listed (five times the cap) is not read at all, only checked
 * lead by lead: the counts agree whichever way. */
static void test_pg_common_word_read_without_keys(void **state)
{
    fx *f = *state;
    if (!kz_testdb_pg())
        skip();
    kz_err err;
    add_3000_wonks(f->st); /* (and ANALYZE) */
    add_lead(f->st, "Zyx Quorn", "Acme", NULL, "lead", NULL, 5);
    /* listed: up to 100 (3000 wonks: far too common, not read), then up
     * to 700 (common: read as ids; the statements kept from the first
     * case hold no read of the word) */
    const struct {
        const char *word;
        int64_t cap;
        enum { KEYED, PLAIN, UNREAD } read;
    } cases[] = {{"wonk", 100, UNREAD}, {"wonk", 700, PLAIN}, {"quorn", 700, KEYED}};
    /* the wonks of the lead column, as the text holds them, up to the
     * count's cap */
    char got[64], why[512];
    if (!kz_testdb_query(f->path,
                         "SELECT count(*) FROM lead_text t JOIN leads l ON l.id = t.id "
                         "WHERE l.stage = 'lead' AND t.doc LIKE '%wonk%'",
                         got, sizeof got, why, sizeof why))
        fail_msg("%s", why);
    int64_t lead_wonks = strtoll(got, NULL, 10);
    assert_true(lead_wonks > KZ_STORE_COLUMN_CAP);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kz_store_search_tune(f->st, cases[i].cap, 100000);
        kz_query q = {0};
        q.search = cases[i].word;
        q.stage = "lead";
        q.count_cap = KZ_STORE_COLUMN_CAP;
        int64_t n;
        bool more;
        assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
        bool keyed = false, plain = false;
        for (size_t k = 0; k < KZ_STMT_CACHE; k++) {
            const char *sql = f->st->cache[k].sql;
            if (!sql || !strstr(sql, cases[i].word) || !strstr(sql, "FROM lead_text"))
                continue;
            keyed |= strncmp(sql, "SELECT id, stage, ", 18) == 0;
            plain |= strncmp(sql, "SELECT id FROM lead_text", 24) == 0;
        }
        if (cases[i].read == KEYED) {
            assert_int_equal(n, 1);
            assert_true(keyed);
            assert_false(plain);
            continue;
        }
        assert_false(keyed);
        if (cases[i].read == PLAIN)
            assert_true(plain);
        else if (plain)
            fail_msg("the word in every lead was read (cap %" PRId64 ")", cases[i].cap);
        /* either way the column's count: its first matches, and more */
        assert_int_equal(n, KZ_STORE_COLUMN_CAP);
        assert_true(more);
    }
}

/* PostgreSQL: a listed search's ids are bound to the statement that reads
 * its places; the board's keystroke (counts, a place, a page) writes
 * nothing into the temporary table, which a count of every column then
 * fills. */
static void test_pg_listed_search_writes_no_table(void **state)
{
    fx *f = *state;
    kz_err err;
    kz_query q = pg_wonks(f);
    q.count_cap = KZ_STORE_COLUMN_CAP;
    assert_int_equal(kz_store_begin_read(f->st, &err), KZ_OK);
    int64_t n;
    bool more;
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    assert_int_equal(n, 1500);
    kz_lead l;
    kz_lead_init(&l);
    assert_int_equal(kz_store_lead_get(f->st, 1, &l, &err), KZ_OK);
    size_t rank;
    bool found;
    assert_int_equal(kz_store_rank(f->st, &q, &l, 100, &rank, &found, &err), KZ_OK);
    kz_lead_free(&l);
    q.limit = 10;
    int got = 0;
    assert_int_equal(kz_store_list(f->st, &q, false, count_lead, &got, &err), KZ_OK);
    assert_int_equal(got, 10);
    assert_int_equal(xact_stat(f->st, "kz_hits", "n_tup_ins"), 0);
    kz_query all = {0};
    all.search = "wonk";
    assert_int_equal(kz_store_count(f->st, &all, &n, &err), KZ_OK);
    assert_int_equal(n, 3000);
    assert_int_equal(xact_stat(f->st, "kz_hits", "n_tup_ins"), 3000);
    kz_store_rollback(f->st);
}

/* Whether this session has its temporary table of search matches. */
static bool pg_hits_table(kz_store *st)
{
    kz_err err;
    kz_dbstmt *s = kz_stmt(st, "SELECT to_regclass('pg_temp.kz_hits') IS NOT NULL", &err);
    assert_non_null(s);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    bool made = kz_col_i64(s, 0) != 0;
    kz_reset(s);
    return made;
}

/* PostgreSQL: an opening makes no temporary table (a new session's first
 * one costs milliseconds the board's first screen would wait for). A search
 * in a write transaction does without it (a failure or a rollback there
 * would undo it); one outside a transaction makes it, as do a read
 * snapshot's start and kz_store_settle, once (its first piece). */
static void test_pg_search_table_made_when_needed(void **state)
{
    fx *f = *state;
    if (!kz_testdb_pg())
        skip();
    kz_err err;
    add_3000_wonks(f->st);
    kz_store *st = NULL;
    assert_int_equal(kz_store_open(f->path, 0, &st, &err), KZ_OK);
    assert_false(pg_hits_table(st));
    kz_query q = {0};
    q.search = "wonk";
    int64_t n = 0;
    assert_int_equal(kz_store_begin(st, &err), KZ_OK);
    assert_int_equal(kz_store_count(st, &q, &n, &err), KZ_OK);
    assert_int_equal(n, 3000);
    kz_store_rollback(st);
    assert_false(pg_hits_table(st));
    q.search = "won";
    assert_int_equal(kz_store_count(st, &q, &n, &err), KZ_OK);
    assert_int_equal(n, 3000);
    assert_true(pg_hits_table(st));
    kz_store_close(st);

    assert_int_equal(kz_store_open(f->path, 0, &st, &err), KZ_OK);
    assert_false(pg_hits_table(st));
    assert_int_equal(kz_store_begin_read(st, &err), KZ_OK);
    assert_true(pg_hits_table(st));
    kz_store_rollback(st);
    assert_true(pg_hits_table(st));
    kz_store_close(st);

    assert_int_equal(kz_store_open(f->path, 0, &st, &err), KZ_OK);
    /* a piece a call (the board reads a key between two), the table first */
    assert_true(kz_store_settle(st));
    assert_true(pg_hits_table(st));
    int pieces = 1;
    while (kz_store_settle(st))
        assert_true(++pieces < 10);
    assert_true(pieces > 1);
    assert_false(kz_store_settle(st));
    /* a page sorted by name: the name order is read in the next pieces */
    kz_query byname = {0};
    byname.stage = "lead";
    byname.sort = KZ_SORT_NAME;
    byname.limit = 5;
    int listed = 0;
    assert_int_equal(kz_store_list(st, &byname, false, count_lead, &listed, &err), KZ_OK);
    assert_true(kz_store_settle(st));
    pieces = 1;
    while (kz_store_settle(st))
        assert_true(++pieces < 10);
    assert_false(kz_store_settle(st));
    q.search = "wonk";
    assert_int_equal(kz_store_count(st, &q, &n, &err), KZ_OK);
    assert_int_equal(n, 3000);
    kz_store_close(st);
}

/* PostgreSQL: a column's bounded count of a word too common to list looks
 * up the texts of the leads it walks, until past its cap, one by one: as a
 * semi-join the planner may hash the walk's leads and read the texts from
 * the table's start (19,000 for 200 matches at 100,000 leads). */
static void test_pg_common_word_count_reads_its_walk(void **state)
{
    fx *f = *state;
    kz_err err;
    kz_query q = pg_wonks(f);
    kz_store_search_tune(f->st, 10, 20); /* checked lead by lead */
    q.count_cap = 10;
    int64_t n;
    bool more;
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    cost_table = "lead_text";
    cost_begin(f->st);
    q.stage = "prospect";
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    int64_t cost = cost_end(f->st);
    cost_table = "leads";
    assert_int_equal(n, 10);
    assert_true(more);
    assert_in_range(cost, 1, 20); /* the 11 texts past which it stops */
}

/* PostgreSQL: a word too common to list is walked once a column, in its
 * order, up to KZ_WALK_CAP matches past the cap: the board's count, its
 * selected lead's place and its page come from that walk, where each
 * walked the column and checked its texts again (here 201, 104 and 110
 * texts). */
static void test_pg_common_word_walks_column_once(void **state)
{
    fx *f = *state;
    kz_err err;
    (void)pg_wonks(f);
    kz_store_search_tune(f->st, 10, 20); /* checked lead by lead */
    kz_sort sorts[] = {KZ_SORT_SCORE, KZ_SORT_VALUE, KZ_SORT_AGE, KZ_SORT_DUE, KZ_SORT_NAME};
    for (size_t si = 0; si < 2 * sizeof sorts / sizeof sorts[0]; si++) {
        kz_query q = {0};
        q.search = "wonk";
        q.sort = sorts[si % 5];
        q.reverse = si >= 5;
        q.stage = "prospect";
        /* (every lead matches) */
        order_walk want;
        kz_lead l;
        column_order(f->st, &q, "prospect", 100, &want, &l);
        cost_table = "lead_text";
        cost_begin(f->st);
        size_t rank;
        bool found;
        assert_int_equal(kz_store_rank(f->st, &q, &l, 0, &rank, &found, &err), KZ_OK);
        q.count_cap = KZ_WALK_CAP;
        int64_t n;
        bool more;
        assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
        q.limit = 10;
        q.offset = 100;
        order_walk got = {0};
        assert_int_equal(kz_store_list(f->st, &q, false, walk_ids, &got, &err), KZ_OK);
        int64_t cost = cost_end(f->st);
        cost_table = "leads";
        assert_true(found);
        assert_int_equal(rank, 103);
        assert_int_equal(n, KZ_WALK_CAP);
        assert_true(more);
        assert_int_equal(got.n, 10);
        assert_memory_equal(got.ids, want.ids, sizeof want.ids[0] * 10);
        /* the walk's 201 texts (its order's sort elided: a sort would
         * check all 1000 of the walk first) */
        assert_in_range(cost, 1, KZ_WALK_CAP + 50);
        /* a page past the walk is walked as before */
        q.offset = 1400;
        got.n = 0;
        assert_int_equal(kz_store_list(f->st, &q, false, walk_ids, &got, &err), KZ_OK);
        assert_int_equal(got.n, 10);
        column_order(f->st, &q, "prospect", 1400, &want, NULL);
        assert_memory_equal(got.ids, want.ids, sizeof want.ids[0] * 10);
        /* a lead below the walk, ranked up to the first 100: it matches,
         * and the 100 above it are not counted again */
        kz_lead_free(&l);
        kz_lead_init(&l);
        assert_int_equal(kz_store_lead_get(f->st, want.ids[0], &l, &err), KZ_OK);
        cost_table = "lead_text";
        cost_begin(f->st);
        assert_int_equal(kz_store_rank(f->st, &q, &l, 100, &rank, &found, &err), KZ_OK);
        cost = cost_end(f->st);
        cost_table = "leads";
        assert_true(found);
        assert_int_equal(rank, 100);
        assert_in_range(cost, 1, 20);
        kz_lead_free(&l);
    }
}

/* The values of the leads q lists, into vals (-1: none), *n of them. */
static void wonk_values(kz_store *st, kz_query *q, int64_t vals[64], size_t *n)
{
    kz_err err;
    order_walk w = {0};
    assert_int_equal(kz_store_list(st, q, false, walk_ids, &w, &err), KZ_OK);
    for (size_t i = 0; i < w.n; i++) {
        kz_lead l;
        kz_lead_init(&l);
        assert_int_equal(kz_store_lead_get(st, w.ids[i], &l, &err), KZ_OK);
        vals[i] = kz_lead_has(&l, KZ_F_VALUE) ? kz_lead_num(&l, KZ_F_VALUE) : -1;
        kz_lead_free(&l);
    }
    *n = w.n;
}

/* A common word's column shorter than its walk (on PostgreSQL walk_of
 * holds all of it; SQLite counts and walks it as it is): the exact count,
 * pages and places in the value order (leads without one last, whichever
 * the direction), read again once a lead is added; and a listed search's
 * count of every column, also after a rolled-back read (PostgreSQL writes
 * the list into its temporary table only then, and the rollback takes it
 * back). */
static void test_search_walk_holds_short_column(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t ids[11];
    for (int i = 0; i < 10; i++) {
        add_lead(f->st, "Filler", "Acme", NULL, "won", NULL, 50 + 100 * i);
        ids[i] = add_lead(f->st, "Wonk", "Hooli", NULL, "won", NULL, 100 * (i + 1));
        add_lead(f->st, "Filler", "Acme", NULL, "won", NULL, -1);
    }
    ids[10] = add_lead(f->st, "Wonk", "Hooli", NULL, "won", NULL, -1);
    kz_store_search_tune(f->st, 1, 1); /* checked lead by lead */
    kz_query q = {0};
    q.search = "wonk";
    q.stage = "won";
    q.sort = KZ_SORT_VALUE;
    q.count_cap = KZ_STORE_COLUMN_CAP;
    int64_t n;
    bool more;
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    assert_int_equal(n, 11);
    assert_false(more);
    kz_lead l;
    kz_lead_init(&l);
    assert_int_equal(kz_store_lead_get(f->st, ids[7], &l, &err), KZ_OK); /* value 800 */
    size_t rank;
    bool found;
    assert_int_equal(kz_store_rank(f->st, &q, &l, 100, &rank, &found, &err), KZ_OK);
    assert_true(found);
    assert_int_equal(rank, 2);
    kz_lead_free(&l);
    kz_lead_init(&l);
    assert_int_equal(kz_store_lead_get(f->st, ids[0] - 1, &l, &err), KZ_OK); /* a filler */
    assert_int_equal(kz_store_rank(f->st, &q, &l, 100, &rank, &found, &err), KZ_OK);
    assert_false(found);
    kz_lead_free(&l);
    int64_t vals[64];
    size_t nv;
    q.limit = 3;
    q.offset = 1;
    wonk_values(f->st, &q, vals, &nv);
    assert_int_equal(nv, 3);
    assert_int_equal(vals[0], 900);
    assert_int_equal(vals[2], 700);
    q.reverse = true;
    q.offset = 8;
    q.limit = 10; /* (past the end: the last three) */
    wonk_values(f->st, &q, vals, &nv);
    assert_int_equal(nv, 3);
    assert_int_equal(vals[0], 900);
    assert_int_equal(vals[1], 1000);
    assert_int_equal(vals[2], -1);
    q.reverse = false;
    q.limit = 0;
    q.offset = 0;
    /* another session's lead: the next keystroke reads the column again */
    add_lead(f->st, "Wonk", "Hooli", NULL, "won", NULL, 950);
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    assert_int_equal(n, 12);
    kz_lead_init(&l);
    assert_int_equal(kz_store_lead_get(f->st, ids[7], &l, &err), KZ_OK);
    assert_int_equal(kz_store_rank(f->st, &q, &l, 100, &rank, &found, &err), KZ_OK);
    assert_true(found);
    assert_int_equal(rank, 3);
    kz_lead_free(&l);
    /* listed: every column's matches counted from the list */
    kz_store_search_tune(f->st, 100, 100);
    kz_query all = {0};
    all.search = "wonk";
    for (int round = 0; round < 2; round++) {
        assert_int_equal(kz_store_begin_read(f->st, &err), KZ_OK);
        assert_int_equal(kz_store_count(f->st, &all, &n, &err), KZ_OK);
        kz_store_rollback(f->st);
        assert_int_equal(n, 12);
    }
    assert_int_equal(kz_store_count(f->st, &all, &n, &err), KZ_OK);
    assert_int_equal(n, 12);
}

/* A lead without a value (or due date) is placed by counting those without
 * one above it by id: a range of the order's index, not every lead of the
 * column without the key (SQLite's planner, left to itself, walked them). */
static void test_rank_without_key_reads_its_range(void **state)
{
    fx *f = *state;
    if (kz_testdb_pg())
        skip();
    kz_err err;
    add_3000(f->st, none_wonk, in_lead, -1);
    kz_lead l;
    kz_lead_init(&l);
    assert_int_equal(kz_store_lead_get(f->st, 6, &l, &err), KZ_OK);
    kz_sort sorts[] = {KZ_SORT_VALUE, KZ_SORT_DUE};
    for (size_t si = 0; si < 2; si++) {
        kz_query q = {0};
        q.stage = "lead";
        q.sort = sorts[si];
        size_t rank;
        bool found;
        int64_t before = kz_sqlite_vm_steps(f->st);
        assert_int_equal(kz_store_rank(f->st, &q, &l, 0, &rank, &found, &err), KZ_OK);
        assert_true(found);
        assert_int_equal(rank, 5);
        /* (a walk of the column's 3000 takes tens of thousands) */
        assert_in_range(kz_sqlite_vm_steps(f->st) - before, 1, 1000);
    }
    kz_lead_free(&l);
}

/* kz_store_rank counts the leads above one in every order, both ways, with
 * ties, missing values and a search: the same place a walk finds it at. */
static void test_rank_matches_order(void **state)
{
    fx *f = *state;
    kz_err err;
    static const char *const who[] = {"Zoe", "adam", "Bob", NULL, "bob", "Carl", "Dana"};
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    for (int i = 0; i < 30; i++) {
        kz_lead l;
        kz_lead_init(&l);
        kz_lead_set_text(&l, KZ_F_NAME, who[i % 7]);
        kz_lead_set_text(&l, KZ_F_COMPANY, i % 3 ? "Acme" : "Wonka");
        kz_lead_set_text(&l, KZ_F_STAGE, "lead");
        kz_lead_set_num(&l, KZ_F_SCORE, i % 4 * 10);
        if (i % 5)
            kz_lead_set_num(&l, KZ_F_VALUE, (i % 6) * 1000);
        if (i % 4) {
            char day[16];
            snprintf(day, sizeof day, "2026-12-%02d", 1 + i % 3);
            kz_lead_set_text(&l, KZ_F_NEXT_DUE, day);
        }
        assert_int_equal(kz_store_lead_insert(f->st, &l, "alice", 1000 + i % 3, &err), KZ_OK);
        kz_lead_free(&l);
    }
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    kz_sort sorts[] = {KZ_SORT_SCORE, KZ_SORT_VALUE, KZ_SORT_AGE, KZ_SORT_DUE, KZ_SORT_NAME,
                       KZ_SORT_ID};
    for (size_t si = 0; si < sizeof sorts / sizeof sorts[0]; si++)
        for (int rev = 0; rev < 2; rev++)
            for (int search = 0; search < 2; search++) {
                kz_query q = {0};
                q.stage = "lead";
                q.sort = sorts[si];
                q.reverse = rev;
                q.search = search ? "wonka" : NULL;
                order_walk w = {0};
                assert_int_equal(kz_store_list(f->st, &q, false, walk_ids, &w, &err), KZ_OK);
                assert_int_equal(w.n, search ? 10 : 30);
                for (size_t i = 0; i < w.n; i++) {
                    kz_lead l;
                    kz_lead_init(&l);
                    assert_int_equal(kz_store_lead_get(f->st, w.ids[i], &l, &err), KZ_OK);
                    size_t rank;
                    bool found;
                    assert_int_equal(kz_store_rank(f->st, &q, &l, 0, &rank, &found, &err), KZ_OK);
                    assert_true(found);
                    assert_int_equal(rank, i);
                    /* counted up to a limit: at the limit when further down */
                    assert_int_equal(kz_store_rank(f->st, &q, &l, 5, &rank, &found, &err), KZ_OK);
                    assert_int_equal(rank, i < 5 ? i : 5);
                    kz_lead_free(&l);
                }
            }
    /* a lead the search does not find, or in another stage, is not found */
    kz_query q = {0};
    q.stage = "lead";
    q.search = "wonka";
    kz_lead l;
    kz_lead_init(&l);
    assert_int_equal(kz_store_lead_get(f->st, 2, &l, &err), KZ_OK);
    size_t rank;
    bool found = true;
    assert_int_equal(kz_store_rank(f->st, &q, &l, 0, &rank, &found, &err), KZ_OK);
    assert_false(found);
    q.search = NULL;
    q.stage = "won";
    found = true;
    assert_int_equal(kz_store_rank(f->st, &q, &l, 0, &rank, &found, &err), KZ_OK);
    assert_false(found);
    kz_lead_free(&l);
}

/* PostgreSQL: lists q's page into *w inside a transaction and returns
 * what it cost by the server's count `counter` (a column of
 * pg_stat_xact_user_tables) on `table`. */
static int64_t page_cost(kz_store *st, const kz_query *q, order_walk *w, const char *counter,
                         const char *table)
{
    kz_err err;
    assert_int_equal(kz_store_begin(st, &err), KZ_OK);
    assert_int_equal(kz_store_list(st, q, false, walk_ids, w, &err), KZ_OK);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT coalesce(sum(%s), 0) FROM pg_stat_xact_user_tables WHERE relname = '%s'",
             counter, table);
    kz_dbstmt *s = kz_stmt(st, sql, &err);
    assert_non_null(s);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    int64_t n = kz_col_i64(s, 0);
    kz_reset(s);
    kz_store_rollback(st);
    return n;
}

/* PostgreSQL: a page of a word too common to list walks its column in
 * order and checks each lead until the page is full; the planner, which
 * takes the check for a rare word's, would read the whole column's texts
 * and sort its matches. Counted by the look-ups of lead texts the page's
 * transaction made. */
static void test_pg_common_word_page_walks_its_column(void **state)
{
    fx *f = *state;
    kz_err err;
    kz_query q = pg_wonks(f);
    /* 3000 matches are listed (KZ_EXACT_HITS): each
     * column's count is exact, not a walk's lower bound */
    q.count_cap = 200;
    int64_t n;
    bool more;
    assert_int_equal(kz_store_count_some(f->st, &q, &n, &more, &err), KZ_OK);
    assert_int_equal(n, 1500);
    assert_false(more);
    q.count_cap = 0;
    kz_store_search_tune(f->st, 10, 20); /* checked lead by lead */
    q.limit = 10;
    q.offset = 20;
    order_walk w = {0};
    int64_t lookups = page_cost(f->st, &q, &w, "idx_scan", "lead_text");
    assert_int_equal(w.n, 10);
    /* the 30 leads at the column's top and the search's own look-ups, not
     * the column's 1500 */
    assert_in_range(lookups, 1, 100);
    /* in order: scores 49, 47, ... the same as a walk without a search */
    order_walk all = {0};
    q.search = NULL;
    assert_int_equal(kz_store_list(f->st, &q, false, walk_ids, &all, &err), KZ_OK);
    assert_memory_equal(all.ids, w.ids, sizeof w.ids[0] * 10);
}

/* PostgreSQL: a page far down a column, or of a search, finds its leads'
 * ids on the order's index and reads only those rows from the table, not
 * every row the walk passes (counted by the rows the page's transaction
 * fetched from the table through indexes). */
static void test_pg_page_reads_only_its_rows(void **state)
{
    fx *f = *state;
    if (!kz_testdb_pg())
        skip();
    kz_err err;
    /* (the test cluster commits without waiting for the disk, and VACUUM
     * marks pages all-visible only once their rows' commit is flushed) */
    assert_int_equal(kz_exec(f->st, "SET synchronous_commit = on", &err), KZ_OK);
    add_3000(f->st, some_wonk, in_four, -1);
    /* (the visibility map, so the index alone answers for the walk; a
     * VACUUM that skips the indexes leaves the pages it pruned unmarked) */
    assert_int_equal(kz_exec(f->st, "VACUUM (INDEX_CLEANUP ON, ANALYZE) leads", &err), KZ_OK);
    kz_query q = {0};
    q.stage = "lead";
    q.limit = 10;
    for (int search = 0; search < 2; search++) {
        q.search = search ? "wonk" : NULL;
        q.offset = search ? 15 : 500;
        kz_store_search_tune(f->st, search ? 10 : 0, 20); /* (a search checked lead by lead) */
        order_walk w = {0};
        int64_t fetched = page_cost(f->st, &q, &w, "idx_tup_fetch", "leads");
        assert_int_equal(w.n, 10);
        /* the page's 10, not the 510 or 625 the walk passes */
        if (fetched < 10 || fetched > 50)
            fail_msg("search %d: %lld rows read", search, (long long)fetched);
    }
}

/* PostgreSQL: kariz's sessions do not compile queries (JIT): a search's
 * page checked lead by lead looks costly enough to the planner to be
 * compiled, which took 0.1 s against 6 ms to run it. */
static void test_pg_session_compiles_nothing(void **state)
{
    fx *f = *state;
    if (!kz_testdb_pg())
        skip();
    kz_err err;
    kz_dbstmt *s = kz_stmt(f->st, "SHOW jit", &err);
    assert_non_null(s);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    assert_string_equal(kz_col_str(s, 0), "off");
    kz_reset(s);
}

/* Persian search: the Arabic yeh and kaf find the Persian letters (and the
 * other way round), the non-joiner and diacritics do not count, whichever
 * way the matches are kept (ids, bitmap, lead by lead). */
static void test_search_persian_letters(void **state)
{
    fx *f = *state;
    add_lead(f->st, "\xda\xa9\xd8\xb1\xdb\x8c\xd9\x85 \xd8\xb3\xd8\xb9\xdb\x8c\xd8\xaf\xdb\x8c", /* کریم سعیدی */
             "Aria", NULL, "lead", NULL, 1);
    int64_t b = add_lead(f->st, "Bahar Nouri", "Sepahan", NULL, "prospect", NULL, 1);
    add_note(f->st, b, "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xb4\xd9\x88\xd8\xaf"); /* می‌شود */
    add_lead(f->st, "\xd9\x85\xd8\xad\xd9\x85\xd9\x91\xd8\xaf", "Tabriz", NULL, "lead", NULL, 1); /* محمّد */
    add_lead(f->st, "\xd9\x83\xd9\x8a\xd8\xa7\xd9\x86", "Kian", NULL, "lead", NULL, 1); /* كيان, Arabic letters */
    static const struct {
        const char *text;
        int lead, prospect;
        const char *first;
    } cases[] = {
        {"\xd9\x83\xd8\xb1\xd9\x8a\xd9\x85", 1, 0, "\xda\xa9\xd8\xb1\xdb\x8c\xd9\x85 \xd8\xb3\xd8\xb9\xdb\x8c\xd8\xaf\xdb\x8c"}, /* كريم */
        {"\xda\xa9\xd8\xb1\xdb\x8c\xd9\x85", 1, 0, NULL},          /* کریم */
        {"\xd9\x85\xdb\x8c\xd8\xb4\xd9\x88\xd8\xaf", 0, 1, NULL},  /* میشود */
        {"\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xb4\xd9\x88\xd8\xaf", 0, 1, NULL}, /* می‌شود */
        {"\xd9\x85\xd8\xad\xd9\x85\xd8\xaf", 1, 0, NULL},          /* محمد without the shadda */
        {"\xda\xa9\xdb\x8c\xd8\xa7\xd9\x86", 1, 0, NULL},          /* کیان, Persian letters */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (int mode = 0; mode < 3; mode++) {
            kz_store_search_tune(f->st, mode == 0 ? 1000 : 1, mode == 2 ? 1 : 100000);
            answers a;
            search_answers(f->st, cases[c].text, &a);
            assert_int_equal(a.counts[0], cases[c].lead);
            assert_int_equal(a.counts[1], cases[c].prospect);
            if (cases[c].first)
                assert_string_equal(a.lists[0].v[0], cases[c].first);
        }
}

/* Search text written before the search form (Arabic letters, a
 * non-joiner) is brought into it at the next open, once. */
static void test_search_text_refolded_once(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("SQLite's full-text table (lead_search) as an older kariz wrote it");
    fx *f = *state;
    kz_err err;
    int64_t id = add_lead(f->st, "Kian", NULL, NULL, "lead", NULL, 1);
    kz_store_close(f->st);
    /* as an older kariz wrote it: كيان and می‌شود, unfolded */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO lead_search (lead_search, rowid, doc) SELECT 'delete', id, doc "
             "FROM lead_text WHERE id = %lld;"
             "UPDATE lead_text SET doc = '\xd9\x83\xd9\x8a\xd8\xa7\xd9\x86\x1f\x1f\x1f\n"
             "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xb4\xd9\x88\xd8\xaf' WHERE id = %lld;"
             "INSERT INTO lead_search (rowid, doc) SELECT id, doc FROM lead_text WHERE id = %lld;"
             "DELETE FROM meta WHERE key = 'search_form';",
             (long long)id, (long long)id, (long long)id);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(kz_store_open(f->path, 0, &f->st, &err), KZ_OK);
    answers a;
    search_answers(f->st, "\xda\xa9\xdb\x8c\xd8\xa7\xd9\x86", &a); /* کیان */
    assert_int_equal(a.counts[0], 1);
    search_answers(f->st, "\xd9\x85\xdb\x8c\xd8\xb4\xd9\x88\xd8\xaf", &a); /* میشود */
    assert_int_equal(a.counts[0], 1);
    char *v = NULL;
    assert_int_equal(kz_store_meta_get(f->st, "search_form", &v, &err), KZ_OK);
    assert_string_equal(v, "2");
    free(v);
}

/* Sorting by name follows the language's collation: Persian names in the
 * order of the Persian alphabet (پ after ب, گ after ک, which code points
 * would not give), the Arabic kaf sorting as the Persian one. */
static void test_sort_by_name_collation(void **state)
{
    fx *f = *state;
    kz_err err;
    add_lead(f->st, "\xda\xaf\xd9\x84\xd8\xb1\xd8\xae", NULL, NULL, "lead", NULL, 1);  /* گلرخ */
    add_lead(f->st, "\xd9\xbe\xd8\xb1\xdb\x8c\xd8\xa7", NULL, NULL, "lead", NULL, 1);  /* پریا */
    add_lead(f->st, "\xd8\xa8\xd9\x87\xd8\xa7\xd8\xb1", NULL, NULL, "lead", NULL, 1);  /* بهار */
    add_lead(f->st, "\xd9\x83\xd8\xa7\xd9\x88\xd9\x87", NULL, NULL, "lead", NULL, 1);  /* كاوه, Arabic kaf */
    add_lead(f->st, "\xd8\xaa\xd8\xa7\xd8\xb1\xd8\xa7", NULL, NULL, "lead", NULL, 1);  /* تارا */
    names got = {0};
    kz_query q = {0};
    q.sort = KZ_SORT_NAME;
    assert_int_equal(kz_store_list(f->st, &q, false, collect, &got, &err), KZ_OK);
    assert_int_equal(got.n, 5);
    assert_string_equal(got.v[0], "\xd8\xa8\xd9\x87\xd8\xa7\xd8\xb1"); /* ب */
    assert_string_equal(got.v[1], "\xd9\xbe\xd8\xb1\xdb\x8c\xd8\xa7"); /* پ */
    assert_string_equal(got.v[2], "\xd8\xaa\xd8\xa7\xd8\xb1\xd8\xa7"); /* ت */
    assert_string_equal(got.v[3], "\xd9\x83\xd8\xa7\xd9\x88\xd9\x87"); /* ک */
    assert_string_equal(got.v[4], "\xda\xaf\xd9\x84\xd8\xb1\xd8\xae"); /* گ */
}

/* Names of both scripts, of both cases, with accents, the Arabic and
 * Persian yeh and kaf, a non-joiner and a diacritic, ties among them. */
static const char *const key_names[] = {
    "Zoe", "zoe", "\xc3\x89mile", "emile", "Emile", "alice", "Bob", "bob ng", "Ava Wonk",
    "\xd8\xa2\xd8\xb1\xd8\xb4",                                 /* آرش */
    "\xd9\x83\xd8\xb1\xd9\x8a\xd9\x85",                         /* كريم, Arabic letters */
    "\xda\xa9\xd8\xb1\xdb\x8c\xd9\x85",                         /* کریم */
    "\xda\xa9\xd8\xa7\xd9\x85\xd8\xb1\xd8\xa7\xd9\x86",         /* کامران */
    "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd9\x86\xd8\xa7",             /* می‌نا, a non-joiner */
    "\xd9\x85\xdb\x8c\xd9\x86\xd8\xa7",                         /* مینا */
    "\xd9\x85\xd8\xad\xd9\x85\xd9\x91\xd8\xaf",                 /* محمّد, a shadda */
    "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf",                         /* محمد */
    "\xdb\x8c\xd8\xa7\xd8\xb3\xd8\xb1",                         /* یاسر */
    "\xd9\xbe\xd8\xb1\xdb\x8c\xd8\xa7",                         /* پریا */
    "\xd8\xa8\xd9\x87\xd8\xa7\xd8\xb1",                         /* بهار */
    "", "42 Labs", "\xc3\x85sa", "Ostrava",
};
#define NKEY_NAMES (sizeof key_names / sizeof key_names[0])

typedef struct idlist {
    int64_t v[64];
    size_t n;
} idlist;

static bool collect_id(const kz_lead *l, void *ud)
{
    idlist *x = ud;
    if (x->n < 64)
        x->v[x->n++] = kz_lead_num(l, KZ_F_ID);
    return true;
}

static const UCollator *expect_coll;
static const char *expect_names[64];

/* ICU's order of two leads' names (their search forms, as kz_name
 * compares), then their ids */
static int icu_cmp(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    kz_buf fa = KZ_BUF_INIT, fb = KZ_BUF_INIT;
    kz_text_search_form(&fa, expect_names[a]);
    kz_text_search_form(&fb, expect_names[b]);
    UErrorCode ec = U_ZERO_ERROR;
    int r = kz_icu()->ucol_strcollUTF8(expect_coll, kz_buf_str(&fa), (int32_t)fa.len, kz_buf_str(&fb),
                             (int32_t)fb.len, &ec);
    assert_true(U_SUCCESS(ec));
    kz_buf_free(&fa);
    kz_buf_free(&fb);
    return r ? r : (a > b) - (a < b);
}

/* SQLite: the name order read through the stored keys (schema version 8,
 * leads_name) is ICU's order for the database's name locale, both ways,
 * and the same as the per-user collation's (kz_name) for that locale. */
static void test_name_keys_order(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("SQLite's name keys");
    fx *f = *state;
    kz_err err;
    for (size_t i = 0; i < NKEY_NAMES; i++)
        expect_names[add_lead(f->st, key_names[i], NULL, NULL, "lead", NULL, 1)] = key_names[i];
    char *loc = NULL;
    assert_int_equal(kz_store_meta_get(f->st, "name_locale", &loc, &err), KZ_OK);
    assert_non_null(loc);
    UErrorCode ec = U_ZERO_ERROR;
    UCollator *coll = kz_icu()->ucol_open(loc, &ec);
    assert_true(U_SUCCESS(ec));
    kz_icu()->ucol_setStrength(coll, UCOL_SECONDARY);
    expect_coll = coll;
    int64_t want[64];
    for (size_t i = 0; i < NKEY_NAMES; i++)
        want[i] = (int64_t)i + 1;
    qsort(want, NKEY_NAMES, sizeof want[0], icu_cmp);
    /* the opener's locale is the database's: names are indexed */
    assert_true(f->st->name_keyed);
    assert_true(f->st->name_indexed);
    for (int rev = 0; rev < 2; rev++)
        for (int keyed = 1; keyed >= 0; keyed--) {
            f->st->name_indexed = keyed;
            idlist got = {0};
            kz_query q = {0};
            q.sort = KZ_SORT_NAME;
            q.reverse = rev;
            q.stage = rev ? "lead" : NULL;
            assert_int_equal(kz_store_list(f->st, &q, false, collect_id, &got, &err), KZ_OK);
            assert_int_equal(got.n, NKEY_NAMES);
            for (size_t i = 0; i < NKEY_NAMES; i++)
                assert_int_equal(got.v[i], want[rev ? NKEY_NAMES - 1 - i : i]);
        }
    f->st->name_indexed = true;
    kz_icu()->ucol_close(coll);
    free(loc);
}

/* SQLite: a board page of a column in name order with a search too common
 * to list walks leads_name, with no sort of the matches (no temporary
 * B-tree for the ORDER BY), whether a bitmap or each lead's text holds the
 * matches (a listed search's pages: test_search_places_read_once). */
static void test_name_page_walks_index(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("SQLite's query plans");
    fx *f = *state;
    kz_err err;
    for (int i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof name, "%s %d", i % 3 ? "Wonk" : "Filler", i);
        add_lead(f->st, name, "Acme", NULL, i % 2 ? "lead" : "prospect", i % 4 ? "bob" : NULL, 1);
    }
    for (int mode = 1; mode < 3; mode++)
        for (int owner = 0; owner < 2; owner++) {
            kz_store_search_tune(f->st, 1, mode == 2 ? 1 : 100000);
            idlist got = {0};
            kz_query q = {0};
            q.sort = KZ_SORT_NAME;
            q.stage = "lead";
            q.owner = owner ? "bob" : NULL;
            q.search = "wonk";
            q.limit = 5;
            assert_int_equal(kz_store_list(f->st, &q, false, collect_id, &got, &err), KZ_OK);
            assert_int_equal(got.n, 5);
            /* the statement the page ran */
            const char *sql = NULL;
            for (size_t i = 0; i < KZ_STMT_CACHE; i++)
                if (f->st->cache[i].sql && strstr(f->st->cache[i].sql, "ORDER BY name_key") &&
                    strstr(f->st->cache[i].sql, "LIMIT 5") &&
                    (strstr(f->st->cache[i].sql, "owner = ?") != NULL) == owner)
                    sql = f->st->cache[i].sql;
            assert_non_null(sql);
            kz_buf plan = KZ_BUF_INIT, q2 = KZ_BUF_INIT;
            kz_buf_printf(&q2, "EXPLAIN QUERY PLAN %s", sql);
            kz_dbstmt *s = kz_stmt(f->st, kz_buf_str(&q2), &err);
            assert_non_null(s);
            while (kz_step(s) == KZ_DB_ROW)
                kz_buf_printf(&plan, "%s\n", kz_col_str(s, 3));
            kz_reset(s);
            bool walks = strstr(kz_buf_str(&plan), owner ? "USING INDEX leads_owner_name"
                                                         : "USING INDEX leads_name") &&
                         !strstr(kz_buf_str(&plan), "TEMP B-TREE FOR ORDER BY");
            if (!walks)
                fail_msg("mode %d, owner %d: %s\nplan:\n%s", mode, owner, sql,
                         kz_buf_str(&plan));
            kz_buf_free(&plan);
            kz_buf_free(&q2);
        }
}

/* A lead id too large for the search's bitmap (not one kariz hands out,
 * but a database may hold it): the search checks each lead instead, with
 * the same answers. */
static void test_search_large_ids(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("SQLite's full-text table rebuilt by hand");
    fx *f = *state;
    int64_t id = add_lead(f->st, "Ava Wonka", "Acme", NULL, "lead", NULL, 1);
    add_lead(f->st, "Bo Wonk", "Initech", NULL, "lead", NULL, 1);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    char sql[300];
    snprintf(sql, sizeof sql,
             "UPDATE leads SET id = 4000000000000000000 WHERE id = %lld;"
             "UPDATE lead_text SET id = 4000000000000000000 WHERE id = %lld;"
             "INSERT INTO lead_search (lead_search) VALUES ('rebuild');",
             (long long)id, (long long)id);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    answers a;
    kz_store_search_tune(f->st, 1, 100000); /* a bitmap, were the ids small */
    search_answers(f->st, "wonk", &a);
    assert_int_equal(a.counts[0], 2);
    assert_int_equal(a.lists[0].n, 2);
}

/* The search text follows the lead: a new name replaces the old one and
 * keeps the notes; a deleted lead is found no more. */
static void test_search_text_follows_lead(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t id = add_lead(f->st, "Cy Smith", "Globex", "cy@globex.example", "lead", NULL, 1);
    add_note(f->st, id, "budget approved");
    answers a;
    search_answers(f->st, "smith", &a);
    assert_int_equal(a.counts[0], 1);
    kz_lead l;
    kz_lead_init(&l);
    assert_int_equal(kz_store_lead_get(f->st, id, &l, &err), KZ_OK);
    kz_lead_set_text(&l, KZ_F_NAME, "Cy Jones\x1fUS");
    bool changed;
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_update(f->st, &l, "alice", 2000, &changed, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    /* the old name is gone, the notes stay; a field's own separator is a
     * space, and no match spans two fields */
    static const struct {
        const char *text;
        int64_t n;
    } after[] = {{"smith", 0}, {"jones", 1},      {"budget", 1},
                 {"globex.ex", 1}, {"jones us", 1}, {"us\x1fglobex", 0}};
    for (size_t i = 0; i < sizeof after / sizeof after[0]; i++) {
        search_answers(f->st, after[i].text, &a);
        assert_int_equal(a.counts[0], after[i].n);
    }
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_delete(f->st, id, kz_lead_num(&l, KZ_F_VERSION), "alice", 3000,
                                          &err),
                     KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    search_answers(f->st, "budget", &a);
    assert_int_equal(a.counts[0], 0);
    kz_lead_free(&l);
}

/* A database at schema version 1 is brought forward: its search index is
 * rebuilt with the notes. */
static void test_migrates_version_1(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("an SQLite file of schema version 1");
    fx *f = *state;
    kz_store_close(f->st);
    f->st = NULL;
    unlink(f->path);
    char fixture[512];
    snprintf(fixture, sizeof fixture, "%s/schema-v1.sql", getenv("KARIZ_FIXTURES"));
    size_t len;
    char *sql = slurp(fixture, &len);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    free(sql);
    kz_err err;
    assert_int_equal(kz_store_open(f->path, 0, &f->st, &err), KZ_OK);
    answers a;
    search_answers(f->st, "ÖZTÜRK", &a);
    assert_int_equal(a.counts[0], 1);
    search_answers(f->st, "rollout", &a);
    assert_int_equal(a.counts[0], 1);
    assert_string_equal(a.lists[0].v[0], "陈伟");
    search_answers(f->st, "budget approved", &a);
    assert_int_equal(a.counts[0], 1);
}

/* A database at schema version 3 is brought forward: its stakeholders
 * keep their roles (and the lead reads them), activities name nobody,
 * and companies have no aliases yet. */
static void test_migrates_version_3(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("an SQLite file of schema version 3");
    fx *f = *state;
    kz_store_close(f->st);
    f->st = NULL;
    unlink(f->path);
    char fixture[512];
    snprintf(fixture, sizeof fixture, "%s/schema-v3.sql", getenv("KARIZ_FIXTURES"));
    size_t len;
    char *sql = slurp(fixture, &len);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    free(sql);
    kz_err err;
    assert_int_equal(kz_store_open(f->path, 0, &f->st, &err), KZ_OK);
    kz_lead l;
    kz_lead_init(&l);
    assert_int_equal(kz_store_lead_get(f->st, 1, &l, &err), KZ_OK);
    assert_string_equal(l.roles, "champion");
    kz_lead_free(&l);
    kz_stakeholder_list shs = {0};
    assert_int_equal(kz_store_stakeholders(f->st, 1, &shs, &err), KZ_OK);
    assert_int_equal(shs.n, 1);
    assert_string_equal(shs.v[0].name, "Mia Khan");
    assert_null(shs.v[0].title);
    assert_int_equal(shs.v[0].last_touch, 0);
    kz_stakeholder_list_free(&shs);
    kz_activity_list acts = {0};
    assert_int_equal(kz_store_activities(f->st, 1, &acts, &err), KZ_OK);
    assert_int_equal(acts.n, 1);
    assert_int_equal(acts.v[0].stakeholder_id, 0);
    assert_string_equal(acts.v[0].with_role, "");
    kz_activity_list_free(&acts);
    char *canon = NULL;
    assert_int_equal(kz_store_company_alias_get(f->st, "wonka", &canon, &err), KZ_OK);
    assert_null(canon);
    assert_int_equal(kz_store_company_alias_set(f->st, "wonka", "wonka industries", &err), KZ_OK);
}

/* The ids kz_store_company_leads answers, as "1 2 3". */
static bool ids_of(const kz_lead *l, void *ud)
{
    kz_buf_printf(ud, "%s%" PRId64, ((kz_buf *)ud)->len ? " " : "", kz_lead_num(l, KZ_F_ID));
    return true;
}

static void company_ids(kz_store *st, const char *key, const char *domain, char *out, size_t size)
{
    kz_buf b = KZ_BUF_INIT;
    kz_err err;
    assert_int_equal(kz_store_company_leads(st, key, &domain, domain ? 1 : 0, ids_of, &b, &err),
                     KZ_OK);
    snprintf(out, size, "%s", kz_buf_str(&b));
    kz_buf_free(&b);
}

/* A lead's stored account columns, as "company_key|email_domain" (NULL: "-"). */
static void account_cols(const char *path, int64_t id, char *out, size_t size)
{
    char q[200], err[1024];
    snprintf(q, sizeof q,
             "SELECT coalesce(company_key, '-') || '|' || coalesce(email_domain, '-') "
             "FROM leads WHERE id = %" PRId64, id);
    if (!kz_testdb_query(path, q, out, size, err, sizeof err))
        fail_msg("%s", err);
    assert_string_not_equal(out, "");
}

/* A database at schema version 4 is brought forward: every lead's company
 * key and company e-mail domain are filled, and an account's leads are
 * found through them (by key, alias and domain). */
/* The step to schema version 7 finds an older lead with the same e-mail
 * through the e-mail index, not by reading every lead for each lead. */
static void test_migration_7_uses_the_email_index(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("SQLite's query plans");
    fx *f = *state;
    kz_err err;
    kz_buf q = KZ_BUF_INIT, plan = KZ_BUF_INIT; /* owned */
    kz_buf_printf(&q, "EXPLAIN QUERY PLAN %.*s", (int)strlen(kz_email_shared_sql) - 1,
                  kz_email_shared_sql); /* (without its ';') */
    kz_dbstmt *s = kz_stmt(f->st, kz_buf_str(&q), &err);
    assert_non_null(s);
    while (kz_step(s) == KZ_DB_ROW)
        kz_buf_printf(&plan, "%s\n", kz_col_str(s, 3));
    kz_reset(s);
    if (!strstr(kz_buf_str(&plan), "SEARCH o USING INDEX leads_email (email_key=?"))
        fail_msg("plan:\n%s", kz_buf_str(&plan));
    kz_buf_free(&q);
    kz_buf_free(&plan);
}

static void test_migrates_version_4(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("an SQLite file of schema version 4");
    fx *f = *state;
    kz_store_close(f->st);
    f->st = NULL;
    unlink(f->path);
    char fixture[512];
    snprintf(fixture, sizeof fixture, "%s/schema-v4.sql", getenv("KARIZ_FIXTURES"));
    size_t len;
    char *sql = slurp(fixture, &len);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    free(sql);
    kz_err err;
    assert_int_equal(kz_store_open(f->path, 0, &f->st, &err), KZ_OK);
    static const char *const want[] = {"wonka industries|wonka.example", "wonka industries|-",
                                       "-|wonka.example", "wonka group|-",
                                       "initech|initech.example"};
    char got[128];
    for (int64_t id = 1; id <= 5; id++) {
        account_cols(f->path, id, got, sizeof got);
        assert_string_equal(got, want[id - 1]);
    }
    /* "wonka group" is an alias of "wonka industries": its lead counts there */
    company_ids(f->st, "wonka industries", NULL, got, sizeof got);
    assert_string_equal(got, "1 2 4");
    company_ids(f->st, "wonka industries", "wonka.example", got, sizeof got);
    assert_string_equal(got, "1 2 3 4");
    company_ids(f->st, "wonka group", NULL, got, sizeof got);
    assert_string_equal(got, "");
    company_ids(f->st, "", "initech.example", got, sizeof got);
    assert_string_equal(got, "5");
    /* a new lead gets its columns from the store */
    int64_t id = add_lead(f->st, "Fay Wu", "Wonka Industries GmbH", "fay@gmail.com", "lead", "bob",
                          -1);
    account_cols(f->path, id, got, sizeof got);
    assert_string_equal(got, "wonka industries|-");
}

/* Every save of a lead's company or e-mail rewrites its account columns, so
 * the account follows the change; an alias counts from when it is made. */
static void test_account_columns_follow_changes(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t id = add_lead(f->st, "Ava Smith", "Globex Corp.", "Ava@Globex.EX", "lead", "bob", -1);
    int64_t other = add_lead(f->st, "Bo Wonk", "", "", "lead", "bob", -1);
    char got[128];
    account_cols(f->path, id, got, sizeof got);
    assert_string_equal(got, "globex|globex.ex");
    account_cols(f->path, other, got, sizeof got);
    assert_string_equal(got, "-|-");
    company_ids(f->st, "globex", NULL, got, sizeof got);
    assert_string_equal(got, "1");

    kz_lead l;
    kz_lead_init(&l);
    assert_int_equal(kz_store_lead_get(f->st, id, &l, &err), KZ_OK);
    kz_lead_set_text(&l, KZ_F_COMPANY, "Initech, LLC");
    kz_lead_set_text(&l, KZ_F_EMAIL, "ava@gmail.com");
    bool changed = false;
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_update(f->st, &l, "alice", 2000, &changed, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    assert_true(changed);
    account_cols(f->path, id, got, sizeof got);
    assert_string_equal(got, "initech|-");
    company_ids(f->st, "globex", "globex.ex", got, sizeof got);
    assert_string_equal(got, "");
    company_ids(f->st, "initech", NULL, got, sizeof got);
    assert_string_equal(got, "1");

    assert_int_equal(kz_store_lead_get(f->st, other, &l, &err), KZ_OK);
    kz_lead_set_text(&l, KZ_F_COMPANY, "INITECH Holdings");
    kz_lead_set_text(&l, KZ_F_EMAIL, "bo@initech.example");
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_update(f->st, &l, "alice", 3000, &changed, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    account_cols(f->path, other, got, sizeof got);
    assert_string_equal(got, "initech holdings|initech.example");
    company_ids(f->st, "initech", NULL, got, sizeof got);
    assert_string_equal(got, "1");
    company_ids(f->st, "initech", "initech.example", got, sizeof got);
    assert_string_equal(got, "1 2");
    assert_int_equal(kz_store_company_alias_set(f->st, "initech holdings", "initech", &err), KZ_OK);
    company_ids(f->st, "initech", NULL, got, sizeof got);
    assert_string_equal(got, "1 2");
    company_ids(f->st, "initech holdings", NULL, got, sizeof got);
    assert_string_equal(got, "");
    kz_lead_free(&l);
}

static void test_search_follows_changes(void **state)
{
    fx *f = *state;
    kz_err err;
    add_lead(f->st, "Ava Smith", "Wonka Inc", NULL, "lead", NULL, 1);
    add_lead(f->st, "Bo Wonk", "Acme", NULL, "prospect", NULL, 1);
    kz_query q = {0};
    q.search = "wonk";
    q.stage = "lead";
    int64_t n;
    assert_int_equal(kz_store_count(f->st, &q, &n, &err), KZ_OK);
    assert_int_equal(n, 1);
    q.stage = "prospect";
    assert_int_equal(kz_store_count(f->st, &q, &n, &err), KZ_OK);
    assert_int_equal(n, 1);
    /* another process adds a match: the next count sees it */
    kz_store *other;
    assert_int_equal(kz_store_open(f->path, 0, &other, &err), KZ_OK);
    add_lead(other, "Wonky Tom", "Hooli", NULL, "prospect", NULL, 1);
    kz_store_close(other);
    assert_int_equal(kz_store_count(f->st, &q, &n, &err), KZ_OK);
    assert_int_equal(n, 2);
    /* this connection adds one: seen too */
    add_lead(f->st, "Mr Wonkers", "X", NULL, "prospect", NULL, 1);
    assert_int_equal(kz_store_count(f->st, &q, &n, &err), KZ_OK);
    assert_int_equal(n, 3);
    names got = {0};
    q.sort = KZ_SORT_NAME;
    assert_int_equal(kz_store_list(f->st, &q, false, collect, &got, &err), KZ_OK);
    assert_int_equal(got.n, 3);
    assert_string_equal(got.v[0], "Bo Wonk");
    /* another filter, another grouped count */
    q.owner = "nobody";
    assert_int_equal(kz_store_count(f->st, &q, &n, &err), KZ_OK);
    assert_int_equal(n, 0);
    q.owner = NULL;
    q.search = "wo"; /* short: a scan, same answers */
    assert_int_equal(kz_store_count(f->st, &q, &n, &err), KZ_OK);
    assert_int_equal(n, 3);
    /* a capped count stops at the cap */
    kz_query all = {0};
    all.count_cap = 2;
    assert_int_equal(kz_store_count(f->st, &all, &n, &err), KZ_OK);
    assert_int_equal(n, 2);
    all.count_cap = 100;
    assert_int_equal(kz_store_count(f->st, &all, &n, &err), KZ_OK);
    assert_int_equal(n, 4);
}

static int64_t add_aged(kz_store *st, const char *name, const char *stage, int64_t entered,
                        const char *next_due)
{
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NAME, name);
    kz_lead_set_text(&l, KZ_F_STAGE, stage);
    kz_lead_set_num(&l, KZ_F_STAGE_ENTERED, entered);
    kz_lead_set_num(&l, KZ_F_TOUCHED, entered);
    if (next_due)
        kz_lead_set_text(&l, KZ_F_NEXT_DUE, next_due);
    kz_err err;
    assert_int_equal(kz_store_begin(st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_insert(st, &l, "alice", entered, &err), KZ_OK);
    assert_int_equal(kz_store_commit(st, &err), KZ_OK);
    int64_t id = kz_lead_num(&l, KZ_F_ID);
    kz_lead_free(&l);
    return id;
}

static void test_stale_filter_agrees_with_the_rule(void **state)
{
    fx *f = *state;
    setenv("TZ", "UTC", 1);
    tzset();
    const int64_t now = 1795521600; /* 2026-11-24 12:00 UTC; "lead" allows 14 days */
    add_aged(f->st, "Old", "lead", now - 20 * 86400, NULL);             /* stale */
    add_aged(f->st, "Planned", "lead", now - 20 * 86400, "2026-11-30"); /* a step ahead */
    add_aged(f->st, "Today", "lead", now - 20 * 86400, "2026-11-24");   /* due today: fresh */
    add_aged(f->st, "Late", "lead", now - 20 * 86400, "2026-11-01");    /* overdue step: stale */
    add_aged(f->st, "Young", "lead", now - 3 * 86400, NULL);
    add_aged(f->st, "Edge", "lead", now - 15 * 86400 + 60, NULL);       /* 14 whole days */
    add_aged(f->st, "Closed", "won", now - 300 * 86400, NULL);          /* never stale */
    names got = {0};
    kz_query q = {0};
    q.stale = true;
    q.stale_now = now;
    q.sort = KZ_SORT_NAME;
    kz_err err;
    assert_int_equal(kz_store_list(f->st, &q, false, collect, &got, &err), KZ_OK);
    assert_int_equal(got.n, 2);
    assert_string_equal(got.v[0], "Late");
    assert_string_equal(got.v[1], "Old");
}

static void test_notes_are_searchable_and_log_is_append_only(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t id = add_lead(f->st, "Mia Rossi", "Wonka", NULL, "lead", "alice", -1);
    kz_activity a = {0};
    a.lead_id = id;
    snprintf(a.kind, sizeof a.kind, "note");
    snprintf(a.author, sizeof a.author, "alice");
    a.note = (char *)"moving data by hand between tools";
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_activity_add(f->st, &a, 5000, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    kz_activity_list acts = {0};
    assert_int_equal(kz_store_activities(f->st, id, &acts, &err), KZ_OK);
    assert_int_equal(acts.n, 1);
    assert_string_equal(acts.v[0].note, "moving data by hand between tools");
    assert_string_equal(acts.v[0].outcome, "none");
    kz_activity_list_free(&acts);
    names got = {0};
    kz_query q = {0};
    q.search = "by hand";
    assert_int_equal(kz_store_list(f->st, &q, false, collect, &got, &err), KZ_OK);
    assert_int_equal(got.n, 1);
    /* an activity on a missing lead */
    a.lead_id = 424242;
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_activity_add(f->st, &a, 5000, &err), KZ_ENOTFOUND);
    kz_store_rollback(f->st);
    /* nobody rewrites history, not even with SQL */
    char why[1024];
    assert_false(kz_testdb_exec(f->path, "UPDATE events SET actor = 'mallory'", why, sizeof why));
    assert_false(kz_testdb_exec(f->path, "DELETE FROM events", why, sizeof why));
}

static void test_stage_sync_is_idempotent(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t before, after;
    assert_int_equal(kz_store_data_version(f->st, &before, &err), KZ_OK);
    /* a second connection syncing the same stages writes nothing */
    kz_store *other;
    assert_int_equal(kz_store_open(f->path, 0, &other, &err), KZ_OK);
    assert_int_equal(kz_store_sync_stages(other, stages, NSTAGES, &err), KZ_OK);
    assert_int_equal(kz_store_data_version(f->st, &after, &err), KZ_OK);
    assert_int_equal(before, after);
    /* a changed probability is written, and this connection notices */
    kz_stage changed[NSTAGES];
    memcpy(changed, stages, sizeof changed);
    changed[2].probability = 60;
    assert_int_equal(kz_store_sync_stages(other, changed, NSTAGES, &err), KZ_OK);
    assert_int_equal(kz_store_data_version(f->st, &after, &err), KZ_OK);
    assert_int_not_equal(before, after);
    add_lead(f->st, "E", "Z", NULL, "opportunity", NULL, 10000);
    kz_stage_total t[8];
    size_t n;
    assert_int_equal(kz_store_stage_totals(f->st, NULL, false, t, 8, &n, &err), KZ_OK);
    assert_int_equal(find_total(t, n, "opportunity")->weighted, 6000);
    /* a stage dropped from the rules is kept while it holds leads */
    assert_int_equal(kz_store_sync_stages(other, changed + 1, NSTAGES - 1, &err), KZ_OK);
    kz_store_close(other);
    add_lead(f->st, "F", "Z", NULL, "prospect", NULL, 1);
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NAME, "G");
    kz_lead_set_text(&l, KZ_F_STAGE, "lead");
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_insert(f->st, &l, "alice", 1, &err), KZ_OK); /* retired, still valid */
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_stage_totals(f->st, NULL, false, t, 8, &n, &err), KZ_OK);
    assert_int_equal(n, NSTAGES);
    assert_string_equal(t[n - 1].stage, "lead"); /* retired stages come last */
    kz_lead_free(&l);
}

static void test_meta(void **state)
{
    fx *f = *state;
    kz_err err;
    char *v = NULL;
    assert_int_equal(kz_store_meta_get(f->st, "k", &v, &err), KZ_OK);
    assert_null(v);
    assert_int_equal(kz_store_meta_set(f->st, "k", "one", &err), KZ_OK);
    assert_int_equal(kz_store_meta_set(f->st, "k", "two", &err), KZ_OK);
    assert_int_equal(kz_store_meta_get(f->st, "k", &v, &err), KZ_OK);
    assert_string_equal(v, "two");
    free(v);
}

static void test_readonly(void **state)
{
    fx *f = *state;
    add_lead(f->st, "R", "O", NULL, "lead", NULL, 1);
    kz_err err;
    kz_store *ro;
    assert_int_equal(kz_store_open(f->path, KZ_STORE_READONLY, &ro, &err), KZ_OK);
    assert_true(kz_store_readonly(ro));
    assert_int_equal(kz_store_begin(ro, &err), KZ_EREADONLY);
    int64_t n;
    kz_query q = {0};
    assert_int_equal(kz_store_count(ro, &q, &n, &err), KZ_OK);
    assert_int_equal(n, 1);
    kz_store_close(ro);
}

static void test_presence_and_recent_events(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t last;
    assert_int_equal(kz_store_last_event_id(f->st, &last, &err), KZ_OK);
    assert_int_equal(last, 0);
    int64_t id = add_lead(f->st, "P", "Q", NULL, "lead", NULL, 1);
    kz_event_list ev = {0};
    assert_int_equal(kz_store_events_after(f->st, last, 10, &ev, &err), KZ_OK);
    assert_int_equal(ev.n, 1);
    assert_string_equal(ev.v[0].kind, "create");
    assert_int_equal(ev.v[0].lead_id, id);
    assert_int_equal(kz_store_last_event_id(f->st, &last, &err), KZ_OK);
    assert_int_equal(last, ev.v[0].id);
    kz_event_list_free(&ev);

    assert_int_equal(kz_store_presence_set(f->st, "alice", "h1", 10, id, 1000, &err), KZ_OK);
    assert_int_equal(kz_store_presence_set(f->st, "bob", "h1", 11, 0, 1000, &err), KZ_OK);
    assert_int_equal(kz_store_presence_set(f->st, "alice", "h1", 10, 0, 1100, &err), KZ_OK);
    kz_presence p[4];
    size_t n;
    assert_int_equal(kz_store_presence_list(f->st, 1050, p, 4, &n, &err), KZ_OK);
    assert_int_equal(n, 1); /* bob's heartbeat is too old */
    assert_string_equal(p[0].actor, act(f->st, "alice"));
    assert_int_equal(p[0].lead_id, 0);
    assert_int_equal(kz_store_presence_clear(f->st, act(f->st, "alice"), "h1", 10, &err), KZ_OK);
    assert_int_equal(kz_store_presence_list(f->st, 0, p, 4, &n, &err), KZ_OK);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].actor, act(f->st, "bob"));
}

/* The one value a query reads, through a connection of its own. */
static const char *sql_value(const char *path, const char *q)
{
    static char out[256];
    char err[1024];
    if (!kz_testdb_query(path, q, out, sizeof out, err, sizeof err))
        fail_msg("%s", err);
    return out;
}

/* The presence entries listed as live, as "host/pid" in order. */
static const char *presence_live(kz_store *st, char *out, size_t size)
{
    kz_presence p[8];
    size_t n = 0;
    kz_err err;
    assert_int_equal(kz_store_presence_list(st, 0, p, 8, &n, &err), KZ_OK);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s/%d", i ? " " : "", p[i].host,
                 p[i].pid);
    return out;
}

/* Runs one statement on st's own session that returns a row. */
static void own_query(kz_store *st, const char *sql)
{
    kz_err err;
    kz_dbstmt *s = kz_stmt(st, sql, &err);
    if (!s)
        fail_msg("%s", err.msg);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    kz_reset(s);
}

/* PostgreSQL: an entry lives as long as the session that wrote it holds it.
 * A board's session that ended (killed, its connection dropped), or that a
 * pooler took back for another client (PgBouncer resets it with DISCARD
 * ALL, its server process lives on), leaves an entry that is not listed,
 * however fresh its heartbeat; the next client of that server process
 * announces itself in it as its own. A session the next announcement
 * finds gone is replaced, and the entry claimed in the new one; a claim
 * refused (someone holds the lock exclusively) is made again at the next
 * heartbeat. */
static void test_pg_presence_lives_with_its_session(void **state)
{
    fx *f = *state;
    if (!kz_testdb_pg())
        skip();
    kz_err err;
    kz_store *b = NULL;
    assert_int_equal(kz_store_open(f->path, 0, &b, &err), KZ_OK);
    char live[256];
    assert_int_equal(kz_store_presence_set(f->st, "alice", "h1", 10, 0, 1000, &err), KZ_OK);
    assert_int_equal(kz_store_presence_set(b, "bob", "h2", 20, 0, 1000, &err), KZ_OK);
    assert_string_equal(presence_live(f->st, live, sizeof live), "h1/10 h2/20");
    /* a later heartbeat in the same session takes nothing more */
    assert_int_equal(kz_store_presence_set(b, "bob", "h2", 20, 0, 1010, &err), KZ_OK);
    assert_string_equal(presence_live(f->st, live, sizeof live), "h1/10 h2/20");

    /* b's session handed to another client, as a pooler does */
    assert_int_equal(b->conn->ops->exec(b->conn, "DISCARD ALL"), KZ_DB_OK);
    assert_string_equal(presence_live(f->st, live, sizeof live), "h1/10");
    /* ... which is another board: its entry lives, bob's stays gone,
     * though both were written by the same server process */
    assert_int_equal(kz_store_presence_set(b, "carol", "h3", 30, 0, 1020, &err), KZ_OK);
    assert_string_equal(presence_live(f->st, live, sizeof live), "h1/10 h3/30");
    assert_string_equal(
        sql_value(f->path, "SELECT count(DISTINCT backend) FROM presence WHERE pid IN (20, 30)"),
        "1");

    /* b's session ends under it (a server restart, a dropped connection):
     * carol's next heartbeat comes from a new session, claimed there */
    char q[400];
    snprintf(q, sizeof q, "SELECT pg_terminate_backend(%.32s, 60000)",
             sql_value(f->path, "SELECT backend FROM presence WHERE pid = 30"));
    assert_string_equal(sql_value(f->path, q), "t");
    assert_string_equal(presence_live(f->st, live, sizeof live), "h1/10");
    assert_int_equal(kz_store_presence_set(b, "carol", "h3", 30, 0, 1030, &err), KZ_OK);
    assert_string_equal(presence_live(f->st, live, sizeof live), "h1/10 h3/30");

    /* a claim refused while another session holds the lock exclusively,
     * made at the next heartbeat */
    own_query(f->st, "SELECT pg_advisory_lock(1801548393, 40)");
    assert_int_equal(kz_store_presence_set(b, "dave", "h4", 40, 0, 1040, &err), KZ_OK);
    own_query(f->st, "SELECT pg_advisory_unlock(1801548393, 40)");
    assert_string_equal(presence_live(f->st, live, sizeof live), "h1/10 h3/30");
    assert_int_equal(kz_store_presence_set(b, "dave", "h4", 40, 0, 1050, &err), KZ_OK);
    assert_string_equal(presence_live(f->st, live, sizeof live), "h1/10 h3/30 h4/40");

    /* b's session ends: its entries go with it (once its server process
     * has let go of the lock, which an exclusive lock waits for), alice's
     * stays */
    kz_store_close(b);
    sql_value(f->path, "SELECT pg_advisory_lock(1801548393, 40)");
    assert_string_equal(presence_live(f->st, live, sizeof live), "h1/10");
    assert_string_equal(sql_value(f->path, "SELECT count(*) FROM presence"), "4");
}

typedef struct seen {
    char line[16][64];
    int n;
} seen;

/* Logs call k of lead i (note "n<i>.<k>") inside the open transaction. */
static void add_call(kz_store *st, int64_t id, int i, int k)
{
    kz_err err;
    kz_activity a = {0};
    a.lead_id = id;
    a.at = 100 + k;
    snprintf(a.kind, sizeof a.kind, "call");
    snprintf(a.author, sizeof a.author, "alice");
    char note[32];
    snprintf(note, sizeof note, "n%d.%d", i, k);
    a.note = note;
    assert_int_equal(kz_store_activity_add(st, &a, 100 + k, &err), KZ_OK);
}

/* Score = the number of activities, grade "busy" or "idle"; true when
 * that changed the lead. */
static bool score_count(kz_lead *l, size_t n)
{
    if (kz_lead_num(l, KZ_F_SCORE) == (int64_t)n)
        return false;
    kz_lead_set_num(l, KZ_F_SCORE, (int64_t)n);
    kz_lead_set_text(l, KZ_F_GRADE, n ? "busy" : "idle");
    return true;
}

/* n leads L0, L1, ... at score 1 in the first stage, their ids in ids. */
static void add_named_leads(fx *f, int64_t *ids, int n)
{
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "L%d", i);
        ids[i] = add_lead(f->st, name, "C", NULL, "lead", NULL, 1);
    }
}

/* Records what each lead arrived with, and "scores" it: the number of its
 * activities, grade "busy" when it has any. */
static bool score_by_activity(kz_lead *l, const kz_activity *acts, size_t n, void *ud)
{
    seen *s = ud;
    const char *c = kz_lead_custom(l, "tag");
    snprintf(s->line[s->n++], 64, "%s:%s:%zu:%s", kz_lead_text(l, KZ_F_NAME), c ? c : "-", n,
             n ? acts[n - 1].note : "");
    return score_count(l, n);
}

static void test_rescore_streams(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t ids[5];
    add_named_leads(f, ids, 5);
    kz_lead l;
    kz_lead_init(&l);
    assert_int_equal(kz_store_lead_get(f->st, ids[3], &l, &err), KZ_OK);
    kz_lead_set_custom(&l, "tag", "vip");
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_update(f->st, &l, "alice", 10, NULL, &err), KZ_OK);
    const int acts_of[5] = {2, 0, 0, 3, 1};
    for (int i = 0; i < 5; i++)
        for (int k = 0; k < acts_of[i]; k++)
            add_call(f->st, ids[i], i, k);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    seen s = {0};
    int64_t changed = 0;
    assert_int_equal(kz_store_rescore_all(f->st, 2, "carol", 500, NULL, true, score_by_activity, &s, NULL,
                                          &changed, &err), KZ_OK);
    assert_int_equal(s.n, 5);
    assert_string_equal(s.line[0], "L0:-:2:n0.1");
    assert_string_equal(s.line[1], "L1:-:0:");
    assert_string_equal(s.line[3], "L3:vip:3:n3.2");
    assert_string_equal(s.line[4], "L4:-:1:n4.0");
    assert_int_equal(changed, 3);
    kz_lead_reset(&l);
    assert_int_equal(kz_store_lead_get(f->st, ids[3], &l, &err), KZ_OK);
    assert_int_equal(kz_lead_num(&l, KZ_F_SCORE), 3);
    assert_int_equal(kz_lead_num(&l, KZ_F_VERSION), 3);
    kz_event e;
    assert_int_equal(kz_store_blame(f->st, ids[3], "grade", &e, &err), KZ_OK);
    assert_string_equal(e.actor, act(f->st, "carol"));
    assert_string_equal(e.new_value, "busy");
    free(e.field);
    free(e.old_value);
    free(e.new_value);
    free(e.detail);
    /* a second pass changes nothing */
    memset(&s, 0, sizeof s);
    assert_int_equal(kz_store_rescore_all(f->st, 3, "carol", 600, NULL, true, score_by_activity, &s, NULL,
                                          &changed, &err), KZ_OK);
    assert_int_equal(changed, 0);
    kz_lead_free(&l);
}

/* Opening a store turns SQLite's allocation statistics off (they cost a
 * global mutex per allocation), so none are counted. */
static void test_no_memory_statistics(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("SQLite's allocator statistics");
    fx *f = *state;
    kz_err err;
    add_lead(f->st, "Ava", "Acme", NULL, "lead", NULL, 1);
    kz_lead l;
    kz_lead_init(&l);
    assert_int_equal(kz_store_lead_get(f->st, 1, &l, &err), KZ_OK);
    kz_lead_free(&l);
    assert_int_equal(sqlite3_memory_used(), 0);
}

/* A board's store (KZ_STORE_INTERACTIVE) gets its page cache's memory at
 * once, resident: a first search then reads its pages without a page fault
 * for each. Run in a child, whose first open it is (SQLite takes the memory
 * only before it initialises); another command's store does not get it. */
static int page_memory_child(const char *path, unsigned flags)
{
    kz_store *st;
    kz_err err;
    if (kz_store_open(path, flags, &st, &err) != KZ_OK)
        return 2;
    void *addr;
    size_t len;
    int rc = 0;
    if (!kz_sqlite_page_memory(&addr, &len)) {
        rc = 3;
    } else {
        long pg = sysconf(_SC_PAGESIZE);
        size_t n = (len + (size_t)pg - 1) / (size_t)pg;
        unsigned char *v = calloc(n, 1);
        if (len < 400 * 4096 || mincore(addr, len, v) != 0)
            rc = 4;
        for (size_t i = 0; rc == 0 && i < n; i++)
            if (!(v[i] & 1))
                rc = 5; /* a page not resident */
        free(v);
    }
    kz_store_close(st);
    return rc;
}

/* Runs page_memory_child in a new process of this program (main). */
static int in_child(const char *path, unsigned flags)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char fl[16];
        snprintf(fl, sizeof fl, "%u", flags);
        execl("/proc/self/exe", "test_store", "--page-memory", path, fl, (char *)NULL);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_board_page_memory_resident(void **state)
{
    KZ_TESTDB_SQLITE_ONLY("SQLite's page cache");
    fx *f = *state;
    kz_store_close(f->st); /* (the child opens the same file) */
    f->st = NULL;
    assert_int_equal(in_child(f->path, KZ_STORE_INTERACTIVE), 0);
    assert_int_equal(in_child(f->path, 0), 3);
    kz_err err;
    assert_int_equal(kz_store_open(f->path, 0, &f->st, &err), KZ_OK);
}

/* Like score_by_activity, and records whether the company (a field not
 * asked for) was read. */
static bool score_named(kz_lead *l, const kz_activity *acts, size_t n, void *ud)
{
    seen *s = ud;
    const char *c = kz_lead_custom(l, "tag");
    snprintf(s->line[s->n++], 64, "%s:%s:%s:%zu:%s", kz_lead_text(l, KZ_F_NAME),
             kz_lead_has(l, KZ_F_COMPANY) ? "company" : "-", c ? c : "-", n,
             n ? acts[n - 1].note : "");
    return score_count(l, n);
}

/* n leads L0.. at score 1, lead vip with the custom field tag=vip, lead i
 * with i % 3 calls: what the rescoring tests read back; l is left holding
 * lead vip. */
static void rescore_leads(fx *f, int64_t *ids, int n, int vip, kz_lead *l)
{
    kz_err err;
    add_named_leads(f, ids, n);
    kz_lead_init(l);
    assert_int_equal(kz_store_lead_get(f->st, ids[vip], l, &err), KZ_OK);
    kz_lead_set_custom(l, "tag", "vip");
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_update(f->st, l, "alice", 10, NULL, &err), KZ_OK);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < i % 3; k++)
            add_call(f->st, ids[i], i, k);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
}

/* Batches of 8 are read, scored and written in chunks of 2: every lead
 * arrives once, in id order, with its own custom fields and activities,
 * and only the fields asked for (and the score fields) are read. */
static void test_rescore_chunks(void **state)
{
    fx *f = *state;
    kz_err err;
    enum { N = 13 };
    int64_t ids[N];
    kz_lead l;
    rescore_leads(f, ids, N, 7, &l);
    bool fields[KZ_F__COUNT] = {false};
    fields[KZ_F_NAME] = true;
    seen s = {0};
    int64_t changed = 0;
    assert_int_equal(kz_store_rescore_all(f->st, 8, "carol", 500, fields, true, score_named, &s,
                                          NULL, &changed, &err),
                     KZ_OK);
    assert_int_equal(s.n, N);
    int busy = 0;
    for (int i = 0; i < N; i++) {
        char want[64];
        char note[16] = "";
        if (i % 3)
            snprintf(note, sizeof note, "n%d.%d", i, i % 3 - 1);
        snprintf(want, sizeof want, "L%d:-:%s:%d:%s", i, i == 7 ? "vip" : "-", i % 3, note);
        assert_string_equal(s.line[i], want);
        kz_lead_reset(&l);
        assert_int_equal(kz_store_lead_get(f->st, ids[i], &l, &err), KZ_OK);
        assert_int_equal(kz_lead_num(&l, KZ_F_SCORE), i % 3);
        /* lead 7 was saved once before (its tag) */
        assert_int_equal(kz_lead_num(&l, KZ_F_VERSION), (i % 3 ? 2 : 1) + (i == 7));
        assert_string_equal(kz_lead_text(&l, KZ_F_COMPANY), "C"); /* untouched */
        busy += i % 3 != 0;
    }
    assert_int_equal(changed, busy);
    kz_event e;
    assert_int_equal(kz_store_blame(f->st, ids[N - 2], "grade", &e, &err), KZ_OK);
    assert_string_equal(e.actor, act(f->st, "carol"));
    assert_string_equal(e.new_value, "busy");
    assert_int_equal(e.version, 2);
    free(e.field);
    free(e.old_value);
    free(e.new_value);
    free(e.detail);
    /* a second pass, in other batches, changes nothing */
    memset(&s, 0, sizeof s);
    assert_int_equal(kz_store_rescore_all(f->st, 5, "carol", 600, fields, true, score_named, &s,
                                          NULL, &changed, &err),
                     KZ_OK);
    assert_int_equal(s.n, N);
    assert_int_equal(changed, 0);
    kz_lead_free(&l);
}

/* Rescoring the due leads reads them as the walk of every lead does, in
 * batches (here of 2), as three streams: only the due leads arrive, in id
 * order, each with its own custom fields and activities and only the
 * fields asked for; their due time is cleared when the score stays due. */
static void test_rescore_due_streams(void **state)
{
    fx *f = *state;
    kz_err err;
    enum { N = 6 };
    int64_t ids[N];
    kz_lead l;
    rescore_leads(f, ids, N, 4, &l);
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE leads SET score_due = CASE WHEN id IN (%" PRId64 ", %" PRId64 ", %" PRId64
             ") THEN 100 ELSE 5000 END",
             ids[1], ids[2], ids[4]);
    KZ_TESTDB_EXEC(f->path, sql);
    bool fields[KZ_F__COUNT] = {false};
    fields[KZ_F_NAME] = true;
    seen s = {0};
    int64_t changed = 0;
    assert_int_equal(kz_store_rescore_due(f->st, 2, false, "carol", 900, fields, true,
                                          score_named, &s, &changed, &err),
                     KZ_OK);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.line[0], "L1:-:-:1:n1.0");
    assert_string_equal(s.line[1], "L2:-:-:2:n2.1");
    assert_string_equal(s.line[2], "L4:-:vip:1:n4.0");
    assert_int_equal(changed, 3);
    for (int i = 0; i < N; i++) {
        kz_lead_reset(&l);
        assert_int_equal(kz_store_lead_get(f->st, ids[i], &l, &err), KZ_OK);
        bool was_due = i == 1 || i == 2 || i == 4;
        assert_int_equal(kz_lead_num(&l, KZ_F_SCORE), was_due ? i % 3 : 0);
        assert_int_equal(kz_lead_has(&l, KZ_F_SCORE_DUE), !was_due);
    }
    /* nothing due any more */
    memset(&s, 0, sizeof s);
    assert_int_equal(kz_store_rescore_due(f->st, 2, false, "carol", 900, fields, true,
                                          score_named, &s, &changed, &err),
                     KZ_OK);
    assert_int_equal(s.n, 0);
    assert_int_equal(changed, 0);
    kz_lead_free(&l);
}

/* Scores every lead 3; lead L1's grade is not UTF-8 (a band name some
 * other program wrote), the others' "warm". */
static bool score_bad_grade(kz_lead *l, const kz_activity *acts, size_t n, void *ud)
{
    (void)acts;
    (void)n;
    (void)ud;
    if (kz_lead_num(l, KZ_F_SCORE) == 3)
        return false;
    kz_lead_set_num(l, KZ_F_SCORE, 3);
    kz_lead_set_text(l, KZ_F_GRADE,
                     strcmp(kz_lead_text(l, KZ_F_NAME), "L1") == 0 ? "w\xffrm" : "warm");
    return true;
}

/* A lead whose grade is not UTF-8 is saved with the others of its chunk
 * (on PostgreSQL a chunk is saved as JSON, which holds only Unicode: that
 * lead is saved on its own, its bytes as every text that is not UTF-8). */
static void test_rescore_saves_a_grade_not_utf8(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t ids[4];
    add_named_leads(f, ids, 4);
    int64_t changed = 0;
    assert_int_equal(kz_store_rescore_all(f->st, 8, "carol", 900, NULL, true, score_bad_grade,
                                          NULL, NULL, &changed, &err),
                     KZ_OK);
    assert_int_equal(changed, 4);
    kz_lead l;
    kz_lead_init(&l);
    for (int i = 0; i < 4; i++) {
        kz_lead_reset(&l);
        assert_int_equal(kz_store_lead_get(f->st, ids[i], &l, &err), KZ_OK);
        assert_int_equal(kz_lead_num(&l, KZ_F_SCORE), 3);
        assert_int_equal(kz_lead_num(&l, KZ_F_VERSION), 2);
        const char *g = kz_lead_text(&l, KZ_F_GRADE);
        if (i != 1)
            assert_string_equal(g, "warm");
        else
            assert_string_equal(g, kz_testdb_pg() ? "w\xef\xbf\xbdrm" : "w\xffrm");
        kz_event e;
        assert_int_equal(kz_store_blame(f->st, ids[i], "grade", &e, &err), KZ_OK);
        assert_string_equal(e.new_value, g);
        free(e.field);
        free(e.old_value);
        free(e.new_value);
        free(e.detail);
    }
    kz_lead_free(&l);
}

/* What a rescoring callback does to one lead as it scores it: another
 * session saves that lead behind kariz's back (an UPDATE of its own, as
 * psql would, taking no lock of kariz's). */
typedef struct meanwhile {
    const char *db;
    int64_t id;
    bool tried, saved;
} meanwhile;

/* Scores every lead 5, grade "busy"; lead m->id is first saved by another
 * session, after it was read and before it is written. */
static bool score_with_save_meanwhile(kz_lead *l, const kz_activity *acts, size_t n, void *ud)
{
    (void)acts;
    (void)n;
    meanwhile *m = ud;
    if (kz_lead_num(l, KZ_F_ID) == m->id && !m->tried) {
        m->tried = true;
        char sql[256], why[1024];
        /* SQLite: the rescore holds the write lock, so the save is refused
         * at once (no busy wait); PostgreSQL: it commits */
        snprintf(sql, sizeof sql,
                 "%sUPDATE leads SET title = 'CEO', score = 77, version = version + 1 "
                 "WHERE id = %" PRId64,
                 kz_testdb_pg() ? "" : "PRAGMA busy_timeout = 0; ", m->id);
        m->saved = kz_testdb_exec(m->db, sql, why, sizeof why);
        assert_true(m->saved == kz_testdb_pg());
    }
    kz_lead_clear(l, KZ_F_SCORE_DUE);
    if (kz_lead_num(l, KZ_F_SCORE) == 5)
        return false;
    kz_lead_set_num(l, KZ_F_SCORE, 5);
    kz_lead_set_text(l, KZ_F_GRADE, "busy");
    return true;
}

/* A lead saved by another session while a rescore has it read keeps that
 * save: the rescore writes a lead only at the version it read (on
 * PostgreSQL the save commits in between; on SQLite the rescore's write
 * lock refuses it), and the next pass rescores it. Both the walk of every
 * lead and the rescoring of due leads. */
static void test_rescore_keeps_a_save_made_meanwhile(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t ids[5];
    for (int i = 0; i < 5; i++) {
        char name[8];
        snprintf(name, sizeof name, "L%d", i);
        ids[i] = add_lead(f->st, name, "C", NULL, "lead", NULL, 1);
    }
    for (int due = 0; due < 2; due++) {
        /* the first lead read: nothing is written before it on PostgreSQL */
        meanwhile m = {f->path, ids[0], false, false};
        int64_t changed = 0;
        if (due) {
            KZ_TESTDB_EXEC(f->path, "UPDATE leads SET score = 0, grade = NULL, score_due = 1");
            assert_int_equal(kz_store_rescore_due(f->st, 500, false, "carol", 900, NULL, true,
                                                  score_with_save_meanwhile, &m, &changed, &err),
                             KZ_OK);
        } else {
            assert_int_equal(kz_store_rescore_all(f->st, 8, "carol", 900, NULL, true,
                                                  score_with_save_meanwhile, &m, NULL, &changed,
                                                  &err),
                             KZ_OK);
        }
        assert_true(m.tried);
        assert_int_equal(changed, m.saved ? 4 : 5);
        kz_lead l;
        kz_lead_init(&l);
        assert_int_equal(kz_store_lead_get(f->st, ids[0], &l, &err), KZ_OK);
        int64_t v = kz_lead_num(&l, KZ_F_VERSION);
        if (m.saved) {
            /* the other session's save, whole */
            assert_string_equal(kz_lead_text(&l, KZ_F_TITLE), "CEO");
            assert_int_equal(kz_lead_num(&l, KZ_F_SCORE), 77);
            /* the next pass rescores it */
            m.id = 0;
            assert_int_equal(kz_store_rescore_all(f->st, 8, "carol", 950, NULL, true,
                                                  score_with_save_meanwhile, &m, NULL, &changed,
                                                  &err),
                             KZ_OK);
            assert_int_equal(changed, 1);
            kz_lead_reset(&l);
            assert_int_equal(kz_store_lead_get(f->st, ids[0], &l, &err), KZ_OK);
            assert_string_equal(kz_lead_text(&l, KZ_F_TITLE), "CEO");
            assert_int_equal(kz_lead_num(&l, KZ_F_VERSION), v + 1);
        }
        assert_int_equal(kz_lead_num(&l, KZ_F_SCORE), 5);
        assert_string_equal(kz_lead_text(&l, KZ_F_GRADE), "busy");
        for (int i = 1; i < 5; i++) {
            kz_lead_reset(&l);
            assert_int_equal(kz_store_lead_get(f->st, ids[i], &l, &err), KZ_OK);
            assert_int_equal(kz_lead_num(&l, KZ_F_SCORE), 5);
            assert_int_equal(kz_lead_num(&l, KZ_F_VERSION), 2 + due);
        }
        kz_lead_free(&l);
    }
}

/* Saves the lead with text field fld set to v, logged at `at`. */
static void save_at(kz_store *st, int64_t id, kz_field fld, const char *v, int64_t at)
{
    kz_lead l;
    kz_lead_init(&l);
    kz_err err;
    bool changed = false;
    assert_int_equal(kz_store_lead_get(st, id, &l, &err), KZ_OK);
    kz_lead_set_text(&l, fld, v);
    assert_int_equal(kz_store_begin(st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_update(st, &l, "alice", at, &changed, &err), KZ_OK);
    assert_int_equal(kz_store_commit(st, &err), KZ_OK);
    assert_true(changed);
    kz_lead_free(&l);
}

/* The order of a lead's events: its history (since version 0) is in time
 * order, equal times in the order they were saved; what changed since a
 * version and blame's last change are in the order the changes were saved,
 * whatever times they carry (an import or the demo logs events back-dated,
 * after later ones). */
static void test_history_in_time_order_changes_since_in_save_order(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t id = add_lead(f->st, "Ava Smith", NULL, NULL, "lead", NULL, -1); /* (at 1000) */
    /* saved in this order, the later ones back-dated */
    save_at(f->st, id, KZ_F_TITLE, "CTO", 3000);  /* version 2 */
    save_at(f->st, id, KZ_F_OWNER, "bob", 2000);  /* version 3 */
    save_at(f->st, id, KZ_F_TITLE, "CEO", 1500);  /* version 4 */
    save_at(f->st, id, KZ_F_CITY, "Pune", 2000);  /* version 5: the same time as the owner's */

    /* the history: by time, equal times as saved */
    kz_event_list ev = {0};
    assert_int_equal(kz_store_events(f->st, id, 0, &ev, &err), KZ_OK);
    assert_int_equal(ev.n, 5);
    static const int64_t at[] = {1000, 1500, 2000, 2000, 3000};
    static const char *const what[] = {NULL, "CEO", "bob", "Pune", "CTO"};
    for (size_t i = 0; i < ev.n; i++) {
        assert_int_equal(ev.v[i].at, at[i]);
        if (what[i])
            assert_string_equal(ev.v[i].new_value, what[i]);
    }
    assert_string_equal(ev.v[0].kind, "create");
    assert_true(ev.v[2].id < ev.v[3].id);
    kz_event_list_free(&ev);

    /* what changed since version 1: in the order saved, as the conflict
     * checks read it (the latest save last) */
    assert_int_equal(kz_store_events(f->st, id, 1, &ev, &err), KZ_OK);
    assert_int_equal(ev.n, 4);
    for (size_t i = 0; i < ev.n; i++)
        assert_int_equal(ev.v[i].version, (int64_t)i + 2);
    assert_string_equal(ev.v[2].new_value, "CEO");
    kz_event_list_free(&ev);

    /* blame: the change that set the value there is now, the last saved,
     * even though an earlier save carries a later time */
    kz_event e;
    assert_int_equal(kz_store_blame(f->st, id, "title", &e, &err), KZ_OK);
    assert_string_equal(e.new_value, "CEO");
    assert_string_equal(e.old_value, "CTO");
    assert_int_equal(e.at, 1500);
    free(e.field);
    free(e.old_value);
    free(e.new_value);
    free(e.detail);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--page-memory") == 0)
        return page_memory_child(argv[2], (unsigned)strtoul(argv[3], NULL, 10));
    /* name sorts follow the collation locale (kz_name): the same one each run */
    setenv("LC_ALL", "C.UTF-8", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_database_has_schema_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_short_word_lists_rare_matches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_database_refused_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_tables_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_with_nocreate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_all_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_events_and_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_totals_follow_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deferred_totals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_follows_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_filter_agrees_with_the_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notes_are_searchable_and_log_is_append_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stage_sync_is_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_presence_and_recent_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_presence_lives_with_its_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rescore_streams, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_count_walks_column_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_common_word_walks_column_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_listed_search_writes_no_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_search_table_made_when_needed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_in_time_order_changes_since_in_save_order,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_walk_holds_short_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_rare_word_reads_its_matches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_session_compiles_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rank_matches_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_places_read_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_search_places_from_text_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_common_word_read_without_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hold_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rank_without_key_reads_its_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_common_word_count_reads_its_walk, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pg_page_reads_only_its_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_common_word_page_walks_its_column, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_search_persian_letters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sort_by_name_collation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_name_keys_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_name_page_walks_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_text_refolded_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_text_follows_lead, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_large_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrates_version_1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrates_version_3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrates_version_4, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_7_uses_the_email_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_account_columns_follow_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rescore_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rescore_due_streams, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rescore_saves_a_grade_not_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rescore_keeps_a_save_made_meanwhile, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_memory_statistics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_board_page_memory_resident, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
