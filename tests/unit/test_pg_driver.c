/* Tests for the PostgreSQL driver (src/store/pg_driver.c). The rewriting of
 * parameters, the failure classes and what needs no server run always; the
 * rest needs a real server: KARIZ_TEST_PG is the connection string of a
 * throwaway cluster's maintenance database, in which the test creates (and
 * at the end drops) a database of its own. Without it the test says so
 * and exits 77 (skipped). */
#include <inttypes.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "kariz/buf.h"
#include "kariz/store.h"
#include "store/pg_driver.h"
#include "testdb.h"

static char *g_admin;   /* KARIZ_TEST_PG */
static char *g_conninfo; /* the test's own database */
static char g_dbname[64], g_role[64];

/* ---- helpers -------------------------------------------------------------- */

/* base with key set to val, as a keyword string (base may be a URI). */
static char *conninfo_with(const char *base, const char *key, const char *val)
{
    char *why = NULL;
    PQconninfoOption *opts = PQconninfoParse(base, &why);
    assert_non_null(opts);
    kz_buf b = KZ_BUF_INIT;
    bool set = false;
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        const char *v = o->val;
        if (strcmp(o->keyword, key) == 0) {
            v = val;
            set = true;
        }
        if (!v)
            continue;
        kz_buf_printf(&b, "%s%s='", b.len ? " " : "", o->keyword);
        for (const char *p = v; *p; p++) {
            if (*p == '\'' || *p == '\\')
                kz_buf_putc(&b, '\\');
            kz_buf_putc(&b, *p);
        }
        kz_buf_putc(&b, '\'');
    }
    assert_true(set);
    PQconninfoFree(opts);
    return kz_buf_take(&b);
}

static kz_dbconn *connect_to(const char *conninfo)
{
    kz_dbconn *c = NULL;
    char *why = NULL;
    int rc = kz_pg_connect(conninfo, &c, &why);
    if (rc != KZ_DB_OK)
        fail_msg("connecting: %d %s", rc, why ? why : "");
    assert_null(why);
    assert_non_null(c);
    return c;
}

static kz_dbconn *db(void)
{
    return connect_to(g_conninfo);
}

static void exec_ok(kz_dbconn *c, const char *sql)
{
    int rc = c->ops->exec(c, sql);
    if (rc != KZ_DB_OK)
        fail_msg("%s: %d %s", sql, rc, c->ops->errmsg(c));
}

static kz_dbstmt *prep(kz_dbconn *c, const char *sql)
{
    kz_dbstmt *s = NULL;
    int rc = c->ops->prepare(c, sql, &s);
    if (rc != KZ_DB_OK)
        fail_msg("%s: %d %s", sql, rc, c->ops->errmsg(c));
    return s;
}

/* The first column of the one row a query without parameters gives. */
static char *value(kz_dbconn *c, const char *sql)
{
    kz_dbstmt *s = prep(c, sql);
    int rc = kz_step(s);
    if (rc != KZ_DB_ROW)
        fail_msg("%s: %d %s", sql, rc, c->ops->errmsg(c));
    const char *v = kz_col_str(s, 0);
    char *d = v ? kz_xstrdup(v) : NULL;
    assert_int_equal(kz_step(s), KZ_DB_DONE);
    kz_finalize(s);
    return d;
}

static void assert_value(kz_dbconn *c, const char *sql, const char *want)
{
    char *v = value(c, sql);
    assert_non_null(v);
    assert_string_equal(v, want);
    free(v);
}

static void expect_fail(kz_dbconn *c, const char *sql, int want, const char *state)
{
    int rc = c->ops->exec(c, sql);
    if (rc != want)
        fail_msg("%s: %d (want %d) %s", sql, rc, want, c->ops->errmsg(c));
    assert_string_equal(kz_pg_sqlstate(c), state);
}

/* Reads notifications until n have come from other sessions; poll waits
 * for the server's next message (the limit only stops a broken test). */
static void wait_notices(kz_dbconn *c, int64_t n)
{
    while (kz_pg_notices(c) < n) {
        struct pollfd p = {.fd = kz_pg_socket(c), .events = POLLIN};
        assert_true(p.fd >= 0);
        assert_true(poll(&p, 1, 120000) > 0);
    }
}

/* ---- without a server ----------------------------------------------------- */

static void check_rewrite(const char *sql, const char *want, int want_n)
{
    int n = -1;
    char *why = NULL;
    char *got = kz_pg_rewrite(sql, &n, &why);
    if (!got)
        fail_msg("%s: %s", sql, why);
    assert_string_equal(got, want);
    assert_int_equal(n, want_n);
    assert_null(why);
    free(got);
}

static void test_rewrite(void **state)
{
    check_rewrite("SELECT 1", "SELECT 1", 0);
    check_rewrite("SELECT ?, ?", "SELECT $1, $2", 2);
    /* a bare ? takes the number after the highest so far, as SQLite's */
    check_rewrite("SELECT ?2, ?, ?1, ?", "SELECT $2, $3, $1, $4", 4);
    check_rewrite("WHERE a = ?007", "WHERE a = $7", 7);
    check_rewrite("x = ?1 OR y = ?1", "x = $1 OR y = $1", 1);
    /* literals, quoted identifiers and comments keep their ? */
    check_rewrite("SELECT '?', 'it''s ?', ?", "SELECT '?', 'it''s ?', $1", 1);
    check_rewrite("SELECT \"a?\", \"b\"\"?\", ?", "SELECT \"a?\", \"b\"\"?\", $1", 1);
    check_rewrite("SELECT ? -- what ? is\n, ?", "SELECT $1 -- what ? is\n, $2", 2);
    check_rewrite("SELECT /* ? /* nested ? */ still ? */ ?", "SELECT /* ? /* nested ? */ still ? */ $1",
                  1);
    check_rewrite("SELECT E'\\' ?', ?", "SELECT E'\\' ?', $1", 1);
    check_rewrite("SELECT 'a\\', ?", "SELECT 'a\\', $1", 1); /* no escapes without E */
    check_rewrite("SELECT $$ ? $$, $body$ ?$ '?' $body$, ?", "SELECT $$ ? $$, $body$ ?$ '?' $body$, $1",
                  1);
    check_rewrite("SELECT a$b, ?", "SELECT a$b, $1", 1);
    check_rewrite("SELECT 'unterminated ?", "SELECT 'unterminated ?", 0);
    check_rewrite("SELECT 'شرکت ?', ?", "SELECT 'شرکت ?', $1", 1);

    int n = -1;
    char *why = NULL;
    assert_null(kz_pg_rewrite("SELECT ?0", &n, &why));
    assert_non_null(strstr(why, "?0"));
    free(why);
    assert_null(kz_pg_rewrite("SELECT ?65536", &n, &why));
    assert_non_null(strstr(why, "?65536"));
    free(why);
    char *ok = kz_pg_rewrite("SELECT ?65535", &n, NULL);
    assert_string_equal(ok, "SELECT $65535");
    assert_int_equal(n, 65535);
    free(ok);
}

static void test_is_target(void **state)
{
    static const char *const yes[] = {
        "postgresql://kariz.example/sales", "postgres://u@h:5433/db", "postgresql:///sales",
        "service=sales", "host=/run/x dbname=y", "dbname=sales", "user_name=x",
        "dbname = sales", "dbname\t=sales",
    };
    static const char *const no[] = {
        "./a=b.db", "/srv/kariz/a=b.db", "a/b=c", "sales.db", "", "postgresql:/x",
        "=x", "9x=y", "my-db=x", "postgresql", "pipeline", " host=x", "dir/host=x",
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!kz_pg_is_target(yes[i]))
            fail_msg("%s should be PostgreSQL", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (kz_pg_is_target(no[i]))
            fail_msg("%s should be a path", no[i]);
    assert_false(kz_pg_is_target(NULL));
    /* neither: a mistyped target, refused rather than made a file */
    static const char *const near[] = {
        "postgresql:/x", "postgresql:sales", "postgres:", "POSTGRESQL:///x", "postgresq://h/db",
        "mysql://h/db", "postgresql//h/db", "Postgres//h", " postgresql://h/db",
        "file:///tmp/x.db", " host=x",
    };
    static const char *const paths[] = {
        "./a=b.db", "sales.db", "", "postgresql", "postgresql.db", "postgres/team.db",
        "./postgresql:x.db", "pipeline", "a:b.db", "1x://y", "C://x.db",
    };
    for (size_t i = 0; i < sizeof near / sizeof near[0]; i++)
        if (!kz_pg_near_target(near[i]) || kz_pg_is_target(near[i]))
            fail_msg("%s should be a mistyped PostgreSQL target", near[i]);
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (kz_pg_near_target(paths[i]))
            fail_msg("%s should be a path", paths[i]);
    assert_false(kz_pg_near_target(NULL));
    /* as messages show them: no part of a password */
    static const char *const secret[] = {
        "postgresql//u:s3cr3t@h/x",      "Postgres//u:s3cr3t@h",
        "postgresq://u:s3:cr3t@h/x",     "postgresq://u:s3@cr3t@h/x",
        "postgres:password=s3cr3t host=x", " postgresql://u:s3cr3t@h/x",
        "postgresq://u:s3/cr3t@h/x",     "postgres:u:s3cr3t@h/db",
        "mysql://u:s3cr3t@h/db?password=s3cr3t", "postgresql://u:s3cr3t@h/db",
    };
    for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++) {
        char *shown = kz_store_target_shown(secret[i]);
        if (strstr(shown, "s3") || strstr(shown, "cr3t"))
            fail_msg("%s shown as %s", secret[i], shown);
        assert_non_null(strstr(shown, "***"));
        free(shown);
    }
    /* a connection's failure, as shown: the password hidden where it
     * stands as a word (between quotes of any language), not inside
     * other words */
    static const char *const said[][3] = {
        {"dbname=s3cr3t password=s3cr3t", "Datenbank \u00bbs3cr3t\u00ab existiert nicht",
         "Datenbank \u00bb***\u00ab existiert nicht"},
        {"dbname=s3cr3t password=s3cr3t", "database \u201cs3cr3t\u201d does not exist",
         "database \u201c***\u201d does not exist"},
        {"dbname=s3cr3t password=s3cr3t", "database \"s3cr3t\" does not exist",
         "database \"***\" does not exist"},
        {"dbname=nowhere password=e", "database \"nowhere\" does not exist",
         "database \"nowhere\" does not exist"},
        {"postgresql://u:s3cr3t@h/db", "invalid URI: \"postgresql://u:s3cr3t@h/db\"",
         "invalid URI: \"postgresql://u:***@h/db\""},
        /* libpq's lines as sentences: a capital starts one, a small letter
         * goes on with the line before */
        {"dbname=x", "server closed the connection unexpectedly\n\tThis probably means the "
                     "server terminated abnormally\n\tbefore or while processing the request.\n",
         "server closed the connection unexpectedly. This probably means the server terminated "
         "abnormally before or while processing the request."},
        {"dbname=x", "FATAL:  the database system is starting up\n",
         "the database system is starting up"},
    };
    for (size_t i = 0; i < sizeof said / sizeof said[0]; i++) {
        char *m = kz_pg_connect_message(said[i][0], said[i][1]);
        assert_string_equal(m, said[i][2]);
        free(m);
    }
    char *plain = kz_store_target_shown("postgresql:sales2");
    assert_string_equal(plain, "postgresql:sales2");
    free(plain);
}

static void test_classes(void **state)
{
    static const struct {
        const char *state;
        int want;
    } cases[] = {
        {"23505", KZ_DB_CONSTRAINT}, {"23502", KZ_DB_CONSTRAINT}, {"23514", KZ_DB_CONSTRAINT},
        {"23503", KZ_DB_FOREIGN},    {"40001", KZ_DB_BUSY},       {"40P01", KZ_DB_BUSY},
        {"55P03", KZ_DB_BUSY},       {"57014", KZ_DB_INTERRUPT},  {"53100", KZ_DB_FULL},
        {"53200", KZ_DB_NOMEM},      {"42501", KZ_DB_READONLY},   {"25006", KZ_DB_READONLY},
        {"28P01", KZ_DB_DENIED},     {"28000", KZ_DB_DENIED},     {"3D000", KZ_DB_DENIED},
        {"08006", KZ_DB_GONE},       {"08003", KZ_DB_GONE},       {"57P01", KZ_DB_GONE},
        {"57P02", KZ_DB_GONE},       {"57P03", KZ_DB_GONE},       {"XX001", KZ_DB_CORRUPT},
        {"XX002", KZ_DB_CORRUPT},    {"42601", KZ_DB_ERROR},      {"XX000", KZ_DB_ERROR},
        {"25P02", KZ_DB_ERROR},      {"", KZ_DB_ERROR},           {NULL, KZ_DB_ERROR},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (kz_pg_class(cases[i].state) != cases[i].want)
            fail_msg("%s: %d, want %d", cases[i].state ? cases[i].state : "NULL",
                     kz_pg_class(cases[i].state), cases[i].want);
    assert_int_equal(kz_db_class(KZ_DB_FOREIGN), KZ_DB_CONSTRAINT);
}

/* A server that is not there, and strings libpq cannot read: CANTOPEN,
 * with a one-line message that never holds the password. */
static void expect_cantopen(const char *conninfo, const char *secret)
{
    kz_dbconn *c = (kz_dbconn *)1;
    char *why = NULL;
    int rc = kz_pg_connect(conninfo, &c, &why);
    if (rc != KZ_DB_CANTOPEN)
        fail_msg("%s: %d %s", conninfo, rc, why ? why : "");
    assert_null(c);
    assert_non_null(why);
    assert_true(*why);
    assert_null(strchr(why, '\n'));
    assert_null(strstr(why, "FATAL:"));
    if (strstr(why, secret))
        fail_msg("%s: the message shows the password: %s", conninfo, why);
    free(why);
}

static void test_connect_unreachable(void **state)
{
    expect_cantopen("host=/nonexistent-kariz-dir dbname=x password=hunter2secret", "hunter2secret");
    expect_cantopen("postgresql://bob:s3cr3tpw@/x?host=/nonexistent-kariz-dir", "s3cr3tpw");
    expect_cantopen("postgresql://bob:pw%zzsecret@/x?host=/nonexistent-kariz-dir", "zzsecret");
    expect_cantopen("host=/nonexistent-kariz-dir password = 'hunter2 secret' junk", "hunter2");
    expect_cantopen("postgresql:///x?host=/nonexistent-kariz-dir&password=pw%zzq&sslmode=disable",
                    "zzq");
    expect_cantopen("password=hunter2secret nosuchoption=1", "hunter2secret");
}

/* ---- with a server -------------------------------------------------------- */

static void test_session(void **state)
{
    kz_dbconn *c = db();
    assert_value(c, "SELECT current_setting('application_name')", "kariz");
    assert_value(c, "SELECT current_setting('client_encoding')", "UTF8");
    char *user = kz_pg_user(c);
    char *cur = value(c, "SELECT current_user");
    assert_string_equal(user, cur);
    free(user);
    free(cur);
    assert_true(kz_pg_socket(c) >= 0);
    assert_string_equal(kz_pg_sqlstate(c), "");
    assert_string_equal(c->ops->errmsg(c), "");
    c->ops->close(c);

    /* the string's own application_name wins; the encoding is always UTF-8 */
    char *a = conninfo_with(g_conninfo, "application_name", "kariz-board");
    char *b = conninfo_with(a, "client_encoding", "LATIN1");
    c = connect_to(b);
    assert_value(c, "SELECT current_setting('application_name')", "kariz-board");
    assert_value(c, "SELECT current_setting('client_encoding')", "UTF8");
    c->ops->close(c);
    free(a);
    free(b);
}

static void expect_denied(const char *conninfo, const char *says)
{
    kz_dbconn *c = NULL;
    char *why = NULL;
    int rc = kz_pg_connect(conninfo, &c, &why);
    if (rc != KZ_DB_DENIED)
        fail_msg("%s: %d %s", conninfo, rc, why ? why : "");
    assert_null(c);
    assert_null(strchr(why, '\n'));
    assert_null(strstr(why, "FATAL:"));
    if (!strstr(why, says))
        fail_msg("%s: %s does not say %s", conninfo, why, says);
    free(why);
}

static void test_connect_denied(void **state)
{
    char *s = conninfo_with(g_conninfo, "dbname", "kz_no_such_database");
    expect_denied(s, "kz_no_such_database");
    free(s);
    s = conninfo_with(g_conninfo, "user", "kz_no_such_role");
    expect_denied(s, "kz_no_such_role");
    free(s);

    /* a role that may not log in is refused; one past its connection
     * limit is a server that cannot take it now */
    kz_dbconn *c = db();
    kz_buf sql = KZ_BUF_INIT;
    kz_buf_printf(&sql, "CREATE ROLE %s NOLOGIN", g_role);
    exec_ok(c, kz_buf_str(&sql));
    s = conninfo_with(g_conninfo, "user", g_role);
    /* (through a pooler, PgBouncer's words: it knows only roles that may
     * log in) */
    expect_denied(s, kz_testdb_pooled() ? "no such user; the pooler found no role \"kz_"
                                                     : "not permitted to log in");
    kz_buf_reset(&sql);
    kz_buf_printf(&sql, "ALTER ROLE %s LOGIN CONNECTION LIMIT 0", g_role);
    exec_ok(c, kz_buf_str(&sql));
    kz_dbconn *no = NULL;
    char *why = NULL;
    assert_int_equal(kz_pg_connect(s, &no, &why), KZ_DB_CANTOPEN);
    assert_non_null(strstr(why, "too many connections"));
    free(why);
    free(s);
    kz_buf_reset(&sql);
    kz_buf_printf(&sql, "DROP ROLE %s", g_role);
    exec_ok(c, kz_buf_str(&sql));
    kz_buf_free(&sql);
    c->ops->close(c);
}

static void test_params_server(void **state)
{
    kz_dbconn *c = db();
    kz_dbstmt *s = prep(c, "SELECT ?2 || '?' || \"q?\" /* ? */, ?1 -- ?\n"
                           "FROM (SELECT 'x' AS \"q?\") t WHERE ?2 <> 'it''s ?'");
    kz_bind_textn(s, 1, "one", 3);
    kz_bind_textn(s, 2, "two", 3);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    assert_int_equal(kz_col_count(s), 2);
    assert_string_equal(kz_col_str(s, 0), "two?x");
    assert_string_equal(kz_col_str(s, 1), "one");
    assert_int_equal(kz_step(s), KZ_DB_DONE);
    assert_int_equal(kz_col_count(s), 2); /* as SQLite's, after the rows too */
    kz_finalize(s);
    s = prep(c, "SELECT 1, 2, 3 WHERE false");
    assert_int_equal(kz_step(s), KZ_DB_DONE);
    assert_int_equal(kz_col_count(s), 3);
    kz_finalize(s);

    /* a parameter the SQL does not name still takes a value */
    s = prep(c, "SELECT ?2");
    kz_bind_i64(s, 1, 5);
    kz_bind_textn(s, 2, "second", 6);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    assert_string_equal(kz_col_str(s, 0), "second");
    kz_finalize(s);

    /* binding a parameter the statement lacks fails its step, saying so */
    s = prep(c, "SELECT ?");
    kz_bind_i64(s, 3, 1);
    assert_int_equal(kz_step(s), KZ_DB_ERROR);
    assert_non_null(strstr(c->ops->errmsg(c), "3"));
    kz_clear(s);
    kz_bind_i64(s, 1, 1);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    kz_finalize(s);

    /* a bad number or bad SQL fails at prepare, with the server's words */
    kz_dbstmt *bad = (kz_dbstmt *)1;
    assert_int_equal(c->ops->prepare(c, "SELECT ?0", &bad), KZ_DB_ERROR);
    assert_null(bad);
    assert_non_null(strstr(c->ops->errmsg(c), "?0"));
    assert_int_equal(c->ops->prepare(c, "SELEC 1", &bad), KZ_DB_ERROR);
    assert_null(bad);
    assert_string_equal(kz_pg_sqlstate(c), "42601");
    assert_non_null(strstr(c->ops->errmsg(c), "syntax error"));
    assert_null(strstr(c->ops->errmsg(c), "ERROR"));
    c->ops->close(c);
}

static void test_int64(void **state)
{
    kz_dbconn *c = db();
    exec_ok(c, "CREATE TABLE nums (n bigint)");
    kz_dbstmt *ins = prep(c, "INSERT INTO nums (n) VALUES (?)");
    const int64_t vals[] = {INT64_MIN, INT64_MAX, 0, -1, 41};
    for (size_t i = 0; i < 5; i++) {
        kz_bind_i64(ins, 1, vals[i]);
        assert_int_equal(kz_step(ins), KZ_DB_DONE);
        kz_reset(ins);
    }
    kz_finalize(ins);
    kz_dbstmt *s = prep(c, "SELECT n, CAST(n AS text) FROM nums WHERE n >= ? ORDER BY 1");
    kz_bind_i64(s, 1, INT64_MIN);
    const int64_t sorted[] = {INT64_MIN, -1, 0, 41, INT64_MAX};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(kz_step(s), KZ_DB_ROW);
        assert_true(kz_col_i64(s, 0) == sorted[i]);
        char want[24];
        snprintf(want, sizeof want, "%" PRId64, sorted[i]);
        assert_string_equal(kz_col_str(s, 1), want);
    }
    assert_int_equal(kz_step(s), KZ_DB_DONE);
    kz_finalize(s);
    assert_value(c, "SELECT 9223372036854775807", "9223372036854775807");
    c->ops->close(c);
}

static void test_text_utf8(void **state)
{
    kz_dbconn *c = db();
    exec_ok(c, "CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text)");
    const char *body = "شرکت «آلفا» ✓ 🚀 中文 it's \"quoted\" ?";
    kz_dbstmt *ins = prep(c, "INSERT INTO notes (body) VALUES (?)");
    kz_bind_textn(ins, 1, body, strlen(body));
    assert_int_equal(kz_step(ins), KZ_DB_DONE);
    kz_bind_textn(ins, 1, "abcdef", 3); /* only the length given */
    assert_int_equal(kz_step(ins), KZ_DB_DONE);
    kz_finalize(ins);

    kz_dbstmt *s = prep(c, "SELECT body, char_length(body), octet_length(body) FROM notes ORDER BY id");
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    size_t len = 0;
    const char *got = kz_col_strn(s, 0, &len);
    assert_int_equal(len, strlen(body));
    assert_memory_equal(got, body, len);
    assert_int_equal(kz_col_i64(s, 1), 34);
    assert_int_equal(kz_col_i64(s, 2), (int64_t)strlen(body));
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    assert_string_equal(kz_col_strn(s, 0, &len), "abc");
    assert_int_equal(len, 3);
    assert_int_equal(kz_step(s), KZ_DB_DONE);
    kz_finalize(s);
    c->ops->close(c);
}

/* Rows for COPY: kept as bound (text escaped, NULL, numbers, bytes that
 * are not UTF-8 as U+FFFD), cut back to an earlier size, sent in part and
 * then in whole; a row the server refuses fails its COPY with the class of
 * the failure. */
static void test_copy_rows(void **state)
{
    kz_dbconn *c = db();
    exec_ok(c, "CREATE TABLE cp (id bigint PRIMARY KEY, body text, n bigint)");
    kz_dbstmt *rows = NULL;
    assert_int_equal(c->ops->copy_open(c, "COPY cp (id, body, n) FROM STDIN", 3, &rows),
                     KZ_DB_OK);
    const char *hostile[] = {"tab\there", "line\nbreak\r\n", "back\\slash \\N", "\\.", "شرکت ✓"};
    for (int i = 0; i < 5; i++) {
        kz_bind_i64(rows, 1, i + 1);
        kz_bind_textn(rows, 2, hostile[i], strlen(hostile[i]));
        kz_bind_i64(rows, 3, -i);
        assert_int_equal(kz_step(rows), KZ_DB_DONE);
    }
    size_t five = c->ops->copy_size(rows);
    kz_bind_i64(rows, 1, 6);
    kz_bind_null(rows, 2);
    kz_bind_null(rows, 3);
    assert_int_equal(kz_step(rows), KZ_DB_DONE);
    size_t six = c->ops->copy_size(rows);
    kz_bind_i64(rows, 1, 7);
    kz_bind_textn(rows, 2, "gone", 4);
    kz_bind_i64(rows, 3, 7);
    assert_int_equal(kz_step(rows), KZ_DB_DONE);
    c->ops->copy_cut(rows, six); /* row 7 forgotten */
    assert_int_equal(c->ops->copy_size(rows), six);
    assert_value(c, "SELECT count(*) FROM cp", "0"); /* nothing sent yet */
    assert_int_equal(c->ops->copy_send(rows, five), KZ_DB_DONE);
    assert_value(c, "SELECT count(*) FROM cp", "5");
    assert_int_equal(c->ops->copy_size(rows), six - five);
    assert_int_equal(c->ops->copy_send(rows, SIZE_MAX), KZ_DB_DONE);
    assert_int_equal(c->ops->copy_size(rows), 0);
    assert_int_equal(c->ops->copy_send(rows, SIZE_MAX), KZ_DB_DONE); /* nothing kept */
    for (int i = 0; i < 5; i++) {
        char sql[80];
        snprintf(sql, sizeof sql, "SELECT body || '|' || n FROM cp WHERE id = %d", i + 1);
        kz_buf want = KZ_BUF_INIT;
        kz_buf_printf(&want, "%s|%d", hostile[i], -i);
        assert_value(c, sql, kz_buf_str(&want));
        kz_buf_free(&want);
    }
    assert_value(c, "SELECT (body IS NULL AND n IS NULL)::text FROM cp WHERE id = 6", "true");
    assert_value(c, "SELECT count(*) FROM cp WHERE id = 7", "0");

    /* not UTF-8: kept as U+FFFD, as a bound parameter is */
    kz_bind_i64(rows, 1, 8);
    kz_bind_textn(rows, 2, "a\xff" "b", 3);
    kz_bind_i64(rows, 3, 8);
    assert_int_equal(kz_step(rows), KZ_DB_DONE);
    assert_int_equal(c->ops->copy_send(rows, SIZE_MAX), KZ_DB_DONE);
    assert_value(c, "SELECT body FROM cp WHERE id = 8", "a\xef\xbf\xbd" "b");

    /* a refused row fails the COPY, and nothing of it is written */
    kz_bind_i64(rows, 1, 9);
    kz_bind_textn(rows, 2, "new", 3);
    kz_bind_i64(rows, 3, 9);
    assert_int_equal(kz_step(rows), KZ_DB_DONE);
    kz_bind_i64(rows, 1, 1); /* taken */
    assert_int_equal(kz_step(rows), KZ_DB_DONE);
    assert_int_equal(c->ops->copy_send(rows, SIZE_MAX), KZ_DB_CONSTRAINT);
    assert_string_equal(kz_pg_sqlstate(c), "23505");
    assert_value(c, "SELECT count(*) FROM cp WHERE id = 9", "0");
    kz_finalize(rows);
    c->ops->close(c);
}

static void test_nulls(void **state)
{
    kz_dbconn *c = db();
    kz_dbstmt *s = prep(c, "SELECT CAST(? AS text), CAST(? AS bigint), CAST(? AS text) IS NULL");
    kz_bind_null(s, 1);
    kz_bind_null(s, 2);
    kz_bind_textn(s, 3, "x", 1);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    size_t len = 99;
    assert_true(kz_col_null(s, 0));
    assert_null(kz_col_strn(s, 0, &len));
    assert_int_equal(len, 0);
    assert_true(kz_col_null(s, 1));
    assert_int_equal(kz_col_i64(s, 1), 0);
    assert_false(kz_col_null(s, 2));
    assert_int_equal(kz_col_i64(s, 2), 0);
    assert_int_equal(kz_step(s), KZ_DB_DONE);

    /* reset keeps the bindings; clear makes every one NULL */
    kz_reset(s);
    kz_bind_textn(s, 1, "a", 1);
    kz_bind_i64(s, 2, 7);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    assert_string_equal(kz_col_str(s, 0), "a");
    assert_int_equal(kz_col_i64(s, 1), 7);
    kz_reset(s);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    assert_string_equal(kz_col_str(s, 0), "a");
    kz_reset(s);
    kz_clear(s);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    assert_true(kz_col_null(s, 0));
    assert_true(kz_col_null(s, 1));
    assert_int_equal(kz_col_i64(s, 2), 1);
    kz_finalize(s);
    c->ops->close(c);
}

static void test_booleans(void **state)
{
    kz_dbconn *c = db();
    kz_dbstmt *s = prep(c, "SELECT true, false, NULL::boolean, 1 < 2, CAST(? AS boolean)");
    kz_bind_i64(s, 1, 1);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    assert_int_equal(kz_col_i64(s, 0), 1);
    assert_int_equal(kz_col_i64(s, 1), 0);
    assert_int_equal(kz_col_i64(s, 2), 0);
    assert_true(kz_col_null(s, 2));
    assert_int_equal(kz_col_i64(s, 3), 1);
    assert_int_equal(kz_col_i64(s, 4), 1);
    kz_reset(s);
    kz_bind_i64(s, 1, 0);
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    assert_int_equal(kz_col_i64(s, 4), 0);
    kz_finalize(s);
    c->ops->close(c);
}

static void test_changes(void **state)
{
    kz_dbconn *c = db();
    exec_ok(c, "CREATE TABLE ch (id int PRIMARY KEY, v int)");
    exec_ok(c, "INSERT INTO ch VALUES (1, 0), (2, 0), (3, 0)");
    assert_int_equal(c->ops->changes(c), 3);
    kz_dbstmt *up = prep(c, "UPDATE ch SET v = v + 1 WHERE id >= ?");
    kz_bind_i64(up, 1, 2);
    assert_int_equal(kz_step(up), KZ_DB_DONE);
    assert_int_equal(c->ops->changes(c), 2);
    kz_reset(up);
    kz_bind_i64(up, 1, 9);
    assert_int_equal(kz_step(up), KZ_DB_DONE);
    assert_int_equal(c->ops->changes(c), 0);
    kz_reset(up);
    kz_bind_i64(up, 1, 1);
    assert_int_equal(kz_step(up), KZ_DB_DONE);
    assert_int_equal(c->ops->changes(c), 3);
    kz_finalize(up);
    /* a query leaves the count of the last change */
    assert_value(c, "SELECT sum(v) FROM ch", "5");
    assert_int_equal(c->ops->changes(c), 3);
    exec_ok(c, "DELETE FROM ch WHERE id = 1");
    assert_int_equal(c->ops->changes(c), 1);
    c->ops->close(c);
}

static void test_last_id(void **state)
{
    kz_dbconn *c = db();
    exec_ok(c, "CREATE TABLE ided (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v text)");
    exec_ok(c, "CREATE TABLE plain (k text PRIMARY KEY)");
    c->ops->close(c);

    c = db(); /* a session that has used no sequence yet */
    assert_int_equal(c->ops->last_id(c), 0);
    exec_ok(c, "BEGIN");
    kz_dbstmt *p = prep(c, "INSERT INTO plain (k) VALUES (?)");
    kz_bind_textn(p, 1, "a", 1);
    assert_int_equal(kz_step(p), KZ_DB_DONE);
    /* no sequence used: 0, and the transaction goes on */
    assert_int_equal(c->ops->last_id(c), 0);
    assert_true(c->ops->in_txn(c));
    kz_dbstmt *ins = prep(c, "INSERT INTO ided (v) VALUES (?)");
    kz_bind_textn(ins, 1, "x", 1);
    assert_int_equal(kz_step(ins), KZ_DB_DONE);
    assert_int_equal(c->ops->last_id(c), 1);
    kz_reset(ins);
    assert_int_equal(kz_step(ins), KZ_DB_DONE);
    assert_int_equal(c->ops->last_id(c), 2);
    /* a later INSERT without a sequence leaves it as it was */
    kz_reset(p);
    kz_bind_textn(p, 1, "b", 1);
    assert_int_equal(kz_step(p), KZ_DB_DONE);
    assert_int_equal(c->ops->last_id(c), 2);
    exec_ok(c, "COMMIT");
    assert_false(c->ops->in_txn(c));
    assert_value(c, "SELECT count(*) FROM plain", "2");
    kz_reset(ins);
    assert_int_equal(kz_step(ins), KZ_DB_DONE);
    assert_int_equal(c->ops->last_id(c), 3);
    kz_finalize(ins);
    ins = prep(c, "INSERT INTO ided (v) VALUES ('r') RETURNING id");
    assert_int_equal(kz_step(ins), KZ_DB_ROW);
    assert_int_equal(kz_col_i64(ins, 0), 4);
    assert_int_equal(kz_step(ins), KZ_DB_DONE);
    assert_int_equal(c->ops->last_id(c), 4);
    assert_int_equal(c->ops->changes(c), 1);
    kz_finalize(ins);
    kz_finalize(p);
    c->ops->close(c);
}

static void test_two_streams(void **state)
{
    kz_dbconn *c = db();
    exec_ok(c, "CREATE TABLE st (id int PRIMARY KEY)");
    exec_ok(c, "INSERT INTO st SELECT generate_series(1, 5)");
    exec_ok(c, "CREATE TABLE seen (a int, b int)");
    kz_dbstmt *up = prep(c, "SELECT id FROM st ORDER BY id");
    kz_dbstmt *down = prep(c, "SELECT id * 10 FROM st ORDER BY id DESC");
    kz_dbstmt *w = prep(c, "INSERT INTO seen (a, b) VALUES (?, ?)");
    exec_ok(c, "BEGIN");
    for (int i = 1; i <= 5; i++) {
        assert_int_equal(kz_step(up), KZ_DB_ROW);
        assert_int_equal(kz_step(down), KZ_DB_ROW);
        assert_int_equal(kz_col_i64(up, 0), i);
        assert_int_equal(kz_col_i64(down, 0), (6 - i) * 10);
        kz_bind_i64(w, 1, kz_col_i64(up, 0));
        kz_bind_i64(w, 2, kz_col_i64(down, 0));
        assert_int_equal(kz_step(w), KZ_DB_DONE);
        kz_reset(w);
        assert_int_equal(kz_col_i64(up, 0), i); /* the row stays after the write */
    }
    assert_int_equal(kz_step(up), KZ_DB_DONE);
    assert_int_equal(kz_step(down), KZ_DB_DONE);
    exec_ok(c, "COMMIT");
    assert_value(c, "SELECT string_agg(a || ':' || b, ',' ORDER BY a) FROM seen",
                 "1:50,2:40,3:30,4:20,5:10");
    /* after DONE a step runs the statement again; a reset mid-way starts over */
    assert_int_equal(kz_step(up), KZ_DB_ROW);
    assert_int_equal(kz_col_i64(up, 0), 1);
    assert_int_equal(kz_step(up), KZ_DB_ROW);
    kz_reset(up);
    assert_int_equal(kz_step(up), KZ_DB_ROW);
    assert_int_equal(kz_col_i64(up, 0), 1);
    kz_finalize(up);
    kz_finalize(down);
    kz_finalize(w);
    c->ops->close(c);
}

static void test_constraints(void **state)
{
    kz_dbconn *c = db();
    exec_ok(c, "CREATE TABLE acct (id int PRIMARY KEY, email text UNIQUE NOT NULL, "
               "n int CHECK (n >= 0))");
    exec_ok(c, "CREATE TABLE person (id int PRIMARY KEY, acct int REFERENCES acct (id))");
    exec_ok(c, "INSERT INTO acct VALUES (1, 'a@x.example', 0)");

    kz_dbstmt *s = prep(c, "INSERT INTO acct (id, email) VALUES (?, ?)");
    kz_bind_i64(s, 1, 2);
    kz_bind_textn(s, 2, "a@x.example", 11);
    assert_int_equal(kz_step(s), KZ_DB_CONSTRAINT);
    assert_string_equal(kz_pg_sqlstate(c), "23505");
    const char *m = c->ops->errmsg(c);
    assert_non_null(strstr(m, "duplicate key value violates unique constraint"));
    assert_non_null(strstr(m, "Key (email)=(a@x.example) already exists"));
    assert_null(strstr(m, "ERROR"));
    assert_null(strstr(m, "DETAIL"));
    assert_null(strchr(m, '\n'));
    kz_finalize(s);

    expect_fail(c, "INSERT INTO acct (id) VALUES (3)", KZ_DB_CONSTRAINT, "23502");
    expect_fail(c, "INSERT INTO acct VALUES (3, 'b@x.example', -1)", KZ_DB_CONSTRAINT, "23514");
    s = prep(c, "INSERT INTO person (id, acct) VALUES (1, ?)");
    kz_bind_i64(s, 1, 42);
    assert_int_equal(kz_step(s), KZ_DB_FOREIGN);
    assert_int_equal(kz_db_class(KZ_DB_FOREIGN), KZ_DB_CONSTRAINT);
    assert_string_equal(kz_pg_sqlstate(c), "23503");
    assert_non_null(strstr(c->ops->errmsg(c), "foreign key"));
    kz_finalize(s);

    /* a failure inside a transaction: still in it (aborted) until the rollback */
    assert_false(c->ops->in_txn(c));
    exec_ok(c, "BEGIN");
    assert_true(c->ops->in_txn(c));
    expect_fail(c, "INSERT INTO acct (id) VALUES (3)", KZ_DB_CONSTRAINT, "23502");
    assert_true(c->ops->in_txn(c));
    expect_fail(c, "SELECT 1", KZ_DB_ERROR, "25P02");
    exec_ok(c, "ROLLBACK");
    assert_false(c->ops->in_txn(c));
    assert_value(c, "SELECT 1", "1");
    c->ops->close(c);
}

static void test_readonly(void **state)
{
    kz_dbconn *c = db();
    exec_ok(c, "CREATE TABLE ro (id int)");
    exec_ok(c, "BEGIN READ ONLY");
    expect_fail(c, "INSERT INTO ro VALUES (1)", KZ_DB_READONLY, "25006");
    exec_ok(c, "ROLLBACK");

    /* a role without the grant */
    kz_buf sql = KZ_BUF_INIT;
    kz_buf_printf(&sql, "CREATE ROLE %s", g_role);
    exec_ok(c, kz_buf_str(&sql));
    kz_buf_reset(&sql);
    kz_buf_printf(&sql, "SET ROLE %s", g_role);
    exec_ok(c, kz_buf_str(&sql));
    expect_fail(c, "INSERT INTO ro VALUES (1)", KZ_DB_READONLY, "42501");
    assert_non_null(strstr(c->ops->errmsg(c), "permission denied"));
    /* the acting user is the role that logged in, not the one set */
    char *user = kz_pg_user(c), *login = value(c, "SELECT session_user");
    assert_string_equal(user, login);
    assert_string_not_equal(user, g_role);
    free(user);
    free(login);
    exec_ok(c, "RESET ROLE");
    kz_buf_reset(&sql);
    kz_buf_printf(&sql, "DROP ROLE %s", g_role);
    exec_ok(c, kz_buf_str(&sql));
    kz_buf_free(&sql);
    c->ops->close(c);
}

static void test_lock_timeout(void **state)
{
    kz_dbconn *a = db(), *b = db();
    exec_ok(a, "CREATE TABLE lk (id int PRIMARY KEY, v int)");
    exec_ok(a, "INSERT INTO lk VALUES (1, 0)");
    exec_ok(b, "BEGIN");
    kz_dbstmt *hold = prep(b, "SELECT v FROM lk WHERE id = ? FOR UPDATE");
    kz_bind_i64(hold, 1, 1);
    assert_int_equal(kz_step(hold), KZ_DB_ROW);

    exec_ok(a, "SET lock_timeout = 50");
    kz_dbstmt *up = prep(a, "UPDATE lk SET v = v + 1 WHERE id = ?");
    kz_bind_i64(up, 1, 1);
    assert_int_equal(kz_step(up), KZ_DB_BUSY);
    assert_string_equal(kz_pg_sqlstate(a), "55P03");
    assert_non_null(strstr(a->ops->errmsg(a), "lock"));

    exec_ok(b, "ROLLBACK");
    kz_reset(up);
    assert_int_equal(kz_step(up), KZ_DB_DONE);
    assert_int_equal(a->ops->changes(a), 1);
    kz_finalize(up);
    kz_finalize(hold);
    a->ops->close(a);
    b->ops->close(b);
}

static void test_statement_timeout(void **state)
{
    kz_dbconn *c = db();
    exec_ok(c, "SET statement_timeout = 50");
    kz_dbstmt *s = prep(c, "SELECT pg_sleep(600)");
    assert_int_equal(kz_step(s), KZ_DB_INTERRUPT);
    assert_string_equal(kz_pg_sqlstate(c), "57014");
    assert_non_null(strstr(c->ops->errmsg(c), "statement timeout"));
    kz_finalize(s);
    exec_ok(c, "RESET statement_timeout");
    assert_value(c, "SELECT 2", "2");
    c->ops->close(c);
}

static void test_exec(void **state)
{
    kz_dbconn *c = db();
    exec_ok(c, "CREATE TABLE e1 (x int); CREATE TABLE e2 (y int); INSERT INTO e1 VALUES (1), (2)");
    assert_int_equal(c->ops->changes(c), 2);
    exec_ok(c, "");
    exec_ok(c, "CREATE TABLE IF NOT EXISTS e1 (x int)"); /* a notice, not shown */
    expect_fail(c, "INSERT INTO e2 VALUES ('x')", KZ_DB_ERROR, "22P02");
    assert_non_null(strstr(c->ops->errmsg(c), "invalid input syntax"));
    c->ops->close(c);
}

static void prep_finalize_many(kz_dbconn *c, int from, int n)
{
    for (int i = from; i < from + n; i++) {
        char sql[32];
        snprintf(sql, sizeof sql, "SELECT %d", i);
        kz_dbstmt *s = prep(c, sql);
        assert_int_equal(kz_step(s), KZ_DB_ROW);
        assert_int_equal(kz_col_i64(s, 0), i);
        kz_finalize(s);
    }
}

/* A finalized statement stays prepared on the server for the next prepare
 * of the same SQL; the server holds at most 32 of them (and those in
 * use): the others are deallocated, never inside a transaction. */
static void test_statement_pool(void **state)
{
    kz_dbconn *c = db();
    const char *count = "SELECT count(*) FROM pg_prepared_statements";
    assert_value(c, count, "1"); /* itself */
    kz_dbstmt *s1 = prep(c, "SELECT 'kept'");
    assert_int_equal(kz_step(s1), KZ_DB_ROW);
    kz_finalize(s1);
    assert_value(c, count, "2");
    s1 = prep(c, "SELECT 'kept'");
    assert_value(c, count, "2");
    assert_int_equal(kz_step(s1), KZ_DB_ROW);
    assert_string_equal(kz_col_str(s1, 0), "kept");
    kz_finalize(s1);

    prep_finalize_many(c, 0, 40);
    assert_value(c, count, "33");
    exec_ok(c, "CREATE TABLE pool (n int)");
    exec_ok(c, "BEGIN");
    exec_ok(c, "INSERT INTO pool VALUES (1)");
    prep_finalize_many(c, 100, 40);
    exec_ok(c, "INSERT INTO pool VALUES (2)");
    exec_ok(c, "COMMIT");
    assert_value(c, "SELECT sum(n) FROM pool", "3");
    assert_value(c, count, "33");
    /* let go of while the transaction is aborted: deallocated after it */
    kz_dbstmt *live[40];
    for (int i = 0; i < 40; i++) {
        char sql[32];
        snprintf(sql, sizeof sql, "SELECT %d", 200 + i);
        live[i] = prep(c, sql);
    }
    assert_value(c, count, "72"); /* 40 in use, 32 kept (itself among them) */
    exec_ok(c, "BEGIN");
    expect_fail(c, "SELECT 1/0", KZ_DB_ERROR, "22012");
    for (int i = 0; i < 40; i++)
        kz_finalize(live[i]);
    exec_ok(c, "ROLLBACK");
    assert_value(c, count, "33");

    /* DISCARD ALL drops them on the server: each is prepared again */
    s1 = prep(c, "SELECT 'again'");
    exec_ok(c, "DISCARD ALL");
    assert_value(c, count, "1");
    assert_int_equal(kz_step(s1), KZ_DB_ROW);
    assert_string_equal(kz_col_str(s1, 0), "again");
    kz_finalize(s1);
    c->ops->close(c);

    /* a statement may outlive its connection */
    c = db();
    s1 = prep(c, "SELECT 1");
    assert_int_equal(kz_step(s1), KZ_DB_ROW);
    c->ops->close(c);
    assert_string_equal(kz_col_str(s1, 0), "1"); /* the result it holds */
    assert_int_equal(kz_step(s1), KZ_DB_DONE);
    assert_int_equal(kz_step(s1), KZ_DB_GONE);
    kz_finalize(s1);
}

/* A table a statement reads changes under it (another process migrates
 * the schema): the statement is prepared again, at once outside a
 * transaction, and on its next step after one it aborted. */
static void test_schema_change(void **state)
{
    kz_dbconn *a = db(), *b = db();
    exec_ok(a, "CREATE TABLE mig (id int)");
    exec_ok(a, "INSERT INTO mig VALUES (1)");
    kz_dbstmt *s = prep(a, "SELECT * FROM mig");
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    assert_int_equal(kz_col_count(s), 1);
    kz_reset(s);
    exec_ok(b, "ALTER TABLE mig ADD COLUMN note text DEFAULT 'new'");
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    assert_int_equal(kz_col_count(s), 2);
    assert_string_equal(kz_col_str(s, 1), "new");
    kz_reset(s);

    exec_ok(b, "ALTER TABLE mig ADD COLUMN n int DEFAULT 7");
    exec_ok(a, "BEGIN");
    assert_int_equal(kz_step(s), KZ_DB_ERROR);
    assert_string_equal(kz_pg_sqlstate(a), "0A000");
    exec_ok(a, "ROLLBACK");
    exec_ok(a, "BEGIN");
    assert_int_equal(kz_step(s), KZ_DB_ROW);
    assert_int_equal(kz_col_count(s), 3);
    assert_int_equal(kz_col_i64(s, 2), 7);
    exec_ok(a, "COMMIT");
    kz_finalize(s);
    a->ops->close(a);
    b->ops->close(b);
}

static void test_notifications(void **state)
{
    kz_dbconn *a = db(), *b = db();
    assert_int_equal(kz_pg_listen(a, "kz_feed"), KZ_DB_OK);
    assert_int_equal(kz_pg_notices(a), 0);
    exec_ok(a, "NOTIFY kz_feed, 'own'");
    exec_ok(b, "NOTIFY kz_feed, 'one'");
    exec_ok(b, "NOTIFY kz_other, 'not listened to'");
    exec_ok(b, "NOTIFY kz_feed, 'two'");
    wait_notices(a, 2);
    /* its own came first and was not counted; nothing more is waiting */
    assert_value(a, "SELECT 1", "1");
    assert_int_equal(kz_pg_notices(a), 2);
    /* within one transaction */
    exec_ok(b, "BEGIN; NOTIFY kz_feed, 'three'; COMMIT");
    wait_notices(a, 3);
    assert_int_equal(kz_pg_notices(a), 3);
    a->ops->close(a);
    b->ops->close(b);
}

/* Ends the server process of victim from another session, and waits until
 * it has ended. */
static void terminate(kz_dbconn *by, kz_dbconn *victim)
{
    char *pid = value(victim, "SELECT pg_backend_pid()");
    kz_dbstmt *kill = prep(by, "SELECT pg_terminate_backend(CAST(? AS int), 60000)");
    kz_bind_textn(kill, 1, pid, strlen(pid));
    assert_int_equal(kz_step(kill), KZ_DB_ROW);
    assert_int_equal(kz_col_i64(kill, 0), 1); /* true: it ended within the wait */
    kz_finalize(kill);
    free(pid);
}

static void test_gone_and_reconnect(void **state)
{
    kz_dbconn *a = db(), *b = db();
    exec_ok(a, "SET application_name = 'kariz-again'");
    exec_ok(a, "SET statement_timeout = 100000");
    exec_ok(a, "RESET statement_timeout");
    assert_int_equal(kz_pg_listen(a, "kz_live"), KZ_DB_OK);
    kz_dbstmt *cached = prep(a, "SELECT CAST(? AS bigint) + 1");
    kz_dbstmt *unstepped = prep(a, "SELECT 'still here'");
    kz_bind_i64(cached, 1, 1);
    assert_int_equal(kz_step(cached), KZ_DB_ROW);
    assert_int_equal(kz_col_i64(cached, 0), 2);
    kz_reset(cached);
    exec_ok(a, "CREATE TABLE ids (id bigint GENERATED ALWAYS AS IDENTITY, v int)");
    exec_ok(a, "INSERT INTO ids (v) VALUES (1)");
    assert_int_equal(a->ops->last_id(a), 1);

    terminate(b, a);
    assert_false(kz_pg_gone(a));
    assert_int_equal(kz_step(cached), KZ_DB_GONE);
    assert_true(kz_pg_gone(a));
    assert_true(*a->ops->errmsg(a));
    assert_null(strchr(a->ops->errmsg(a), '\n'));
    assert_false(a->ops->in_txn(a));
    assert_int_equal(kz_pg_reconnect(a), KZ_DB_OK);
    assert_false(kz_pg_gone(a));
    assert_true(kz_pg_socket(a) >= 0);

    /* statements prepared before are prepared again, bindings kept */
    assert_int_equal(kz_step(cached), KZ_DB_ROW);
    assert_int_equal(kz_col_i64(cached, 0), 2);
    assert_int_equal(kz_step(cached), KZ_DB_DONE);
    assert_int_equal(kz_step(unstepped), KZ_DB_ROW);
    assert_string_equal(kz_col_str(unstepped, 0), "still here");
    kz_finalize(unstepped);
    /* the settings made through exec are made again; a reset one is not */
    assert_value(a, "SELECT current_setting('application_name')", "kariz-again");
    assert_value(a, "SELECT current_setting('statement_timeout')", "0");
    /* a new session has used no sequence yet */
    assert_int_equal(a->ops->last_id(a), 0);
    /* and listens again, knowing its new server process: its own
     * notification is not counted (behind a pooler too, where the number
     * the connection reports is the pooler's) */
    int64_t before = kz_pg_notices(a);
    exec_ok(a, "NOTIFY kz_live, 'own'");
    exec_ok(b, "NOTIFY kz_live");
    wait_notices(a, before + 1);
    assert_value(a, "SELECT 1", "1");
    assert_int_equal(kz_pg_notices(a), before + 1);

    /* lost while only waiting for notifications: the socket says so (it
     * becomes readable), reading finds the connection gone */
    terminate(b, a);
    while (kz_pg_socket(a) >= 0) {
        assert_false(kz_pg_gone(a));
        struct pollfd p = {.fd = kz_pg_socket(a), .events = POLLIN};
        assert_true(poll(&p, 1, 120000) > 0);
        assert_int_equal(kz_pg_notices(a), before + 1);
    }
    assert_true(kz_pg_gone(a));
    assert_int_equal(kz_pg_reconnect(a), KZ_DB_OK);
    exec_ok(b, "NOTIFY kz_live");
    wait_notices(a, before + 2);
    kz_finalize(cached);
    a->ops->close(a);
    b->ops->close(b);
}

/* ---- main ----------------------------------------------------------------- */

static int setup_db(void)
{
    kz_dbconn *c = NULL;
    char *why = NULL;
    if (kz_pg_connect(g_admin, &c, &why) != KZ_DB_OK) {
        fprintf(stderr, "test_pg_driver: cannot connect to KARIZ_TEST_PG: %s\n", why);
        free(why);
        return -1;
    }
    snprintf(g_dbname, sizeof g_dbname, "kz_pgdrv_%ld", (long)getpid());
    snprintf(g_role, sizeof g_role, "kz_pgdrv_ro_%ld", (long)getpid());
    kz_buf sql = KZ_BUF_INIT;
    kz_buf_printf(&sql, "CREATE DATABASE %s", g_dbname);
    int rc = c->ops->exec(c, kz_buf_str(&sql));
    if (rc != KZ_DB_OK)
        fprintf(stderr, "test_pg_driver: %s: %s\n", kz_buf_str(&sql), c->ops->errmsg(c));
    kz_buf_free(&sql);
    c->ops->close(c);
    if (rc != KZ_DB_OK)
        return -1;
    g_conninfo = conninfo_with(g_admin, "dbname", g_dbname);
    return 0;
}

static void drop_db(void)
{
    kz_dbconn *c = NULL;
    char *why = NULL;
    if (kz_pg_connect(g_admin, &c, &why) != KZ_DB_OK) {
        free(why);
        return;
    }
    kz_buf sql = KZ_BUF_INIT;
    kz_buf_printf(&sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", g_dbname);
    c->ops->exec(c, kz_buf_str(&sql));
    kz_buf_reset(&sql);
    kz_buf_printf(&sql, "DROP ROLE IF EXISTS %s", g_role);
    c->ops->exec(c, kz_buf_str(&sql));
    kz_buf_free(&sql);
    c->ops->close(c);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_rewrite),
        cmocka_unit_test(test_is_target),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_connect_unreachable),
    };
    const struct CMUnitTest server[] = {
        cmocka_unit_test(test_session),
        cmocka_unit_test(test_connect_denied),
        cmocka_unit_test(test_params_server),
        cmocka_unit_test(test_int64),
        cmocka_unit_test(test_text_utf8),
        cmocka_unit_test(test_copy_rows),
        cmocka_unit_test(test_nulls),
        cmocka_unit_test(test_booleans),
        cmocka_unit_test(test_changes),
        cmocka_unit_test(test_last_id),
        cmocka_unit_test(test_two_streams),
        cmocka_unit_test(test_constraints),
        cmocka_unit_test(test_readonly),
        cmocka_unit_test(test_lock_timeout),
        cmocka_unit_test(test_statement_timeout),
        cmocka_unit_test(test_exec),
        cmocka_unit_test(test_statement_pool),
        cmocka_unit_test(test_schema_change),
        cmocka_unit_test(test_notifications),
        cmocka_unit_test(test_gone_and_reconnect),
    };
    int failed = cmocka_run_group_tests_name("pg_driver without a server", pure, NULL, NULL);
    g_admin = getenv("KARIZ_TEST_PG");
    if (!g_admin || !*g_admin) {
        fprintf(stderr, "SKIPPED: KARIZ_TEST_PG is not set (no PostgreSQL cluster)\n");
        return failed ? failed : 77;
    }
    if (setup_db() != 0)
        return 1;
    failed += cmocka_run_group_tests_name("pg_driver on a server", server, NULL, NULL);
    drop_db();
    free(g_conninfo);
    return failed;
}
