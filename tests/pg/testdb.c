/* testdb.c - a test's database on SQLite or on the test PostgreSQL cluster. */
#include "testdb.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void say(char *err, size_t errsz, const char *fmt, ...)
{
    if (!err || !errsz)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

bool kz_testdb_pg(void)
{
    const char *e = getenv("KARIZ_TEST_PG_ENV");
    return e && *e;
}

void kz_testdb_sqlite_only(const char *reason)
{
    if (!kz_testdb_pg())
        return;
    fprintf(stderr, "SKIPPED on PostgreSQL: %s\n", reason);
    exit(77);
}

/* The value of name (unquoted) in the env file, into out; false when the
 * file cannot be read (*readable false) or does not set it. */
static bool env_value(const char *name, char *out, size_t outsz, bool *readable)
{
    const char *path = getenv("KARIZ_TEST_PG_ENV");
    FILE *f = path ? fopen(path, "r") : NULL;
    *readable = f != NULL;
    if (!f)
        return false;
    char line[1024];
    size_t len = strlen(name);
    bool found = false;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, name, len) != 0 || line[len] != '=')
            continue;
        char *v = line + len + 1;
        v[strcspn(v, "\n")] = '\0';
        size_t n = strlen(v);
        if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
            v[n - 1] = '\0';
            v++;
        }
        snprintf(out, outsz, "%s", v);
        found = true;
    }
    fclose(f);
    return found;
}

/* KARIZ_TEST_PG from the env file: the maintenance database's conninfo. */
static bool maintenance(char *out, size_t outsz, char *err, size_t errsz)
{
    bool readable;
    if (env_value("KARIZ_TEST_PG", out, outsz, &readable))
        return true;
    const char *path = getenv("KARIZ_TEST_PG_ENV");
    if (!readable)
        say(err, errsz, "no PostgreSQL test cluster: cannot read %s (ctest starts one in "
                        "pg.cluster.start; by hand: tests/pg/cluster start DIR)", path);
    else
        say(err, errsz, "%s does not set KARIZ_TEST_PG", path);
    return false;
}

bool kz_testdb_pooled(void)
{
    char direct[1024];
    bool readable;
    return kz_testdb_pg() && env_value("KARIZ_TEST_PG_DIRECT", direct, sizeof direct, &readable);
}

/* The databases this process created: dropped at exit. */
#define MAX_DBS 64
static struct {
    char key[512];
    char name[64];
    char conninfo[512];
} dbs[MAX_DBS];
static int ndbs;
static char maint[1024];

static void drop_all(void)
{
    if (!ndbs)
        return;
    PGconn *c = PQconnectdb(maint);
    if (PQstatus(c) == CONNECTION_OK) {
        for (int i = 0; i < ndbs; i++) {
            char q[128];
            /* WITH (FORCE): a board the test killed may still be connected */
            snprintf(q, sizeof q, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", dbs[i].name);
            PGresult *r = PQexec(c, q);
            if (PQresultStatus(r) != PGRES_COMMAND_OK)
                fprintf(stderr, "could not drop the test database %s: %s", dbs[i].name,
                        PQerrorMessage(c));
            PQclear(r);
        }
    }
    PQfinish(c);
    ndbs = 0;
}

bool kz_testdb_name(const char *dir, const char *name, char *out, size_t outsz, char *err,
                    size_t errsz)
{
    if (!kz_testdb_pg()) {
        snprintf(out, outsz, "%s/%s", dir, name);
        return true;
    }
    char key[512];
    snprintf(key, sizeof key, "%s/%s", dir, name);
    for (int i = 0; i < ndbs; i++)
        if (strcmp(dbs[i].key, key) == 0) {
            snprintf(out, outsz, "%s", dbs[i].conninfo);
            return true;
        }
    if (ndbs == MAX_DBS) {
        say(err, errsz, "more than %d test databases in one process", MAX_DBS);
        return false;
    }
    if (!maint[0] && !maintenance(maint, sizeof maint, err, errsz))
        return false;

    /* host, port and user of the cluster; the new database's own name */
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(maint, &perr);
    if (!opts) {
        say(err, errsz, "KARIZ_TEST_PG \"%s\": %s", maint, perr ? perr : "out of memory");
        PQfreemem(perr);
        return false;
    }
    const char *host = "", *port = "", *user = "";
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val)
            continue;
        if (strcmp(o->keyword, "host") == 0)
            host = o->val;
        else if (strcmp(o->keyword, "port") == 0)
            port = o->val;
        else if (strcmp(o->keyword, "user") == 0)
            user = o->val;
    }
    uint32_t rnd = 0;
    int fd = open("/dev/urandom", O_RDONLY);
    if (fd < 0 || read(fd, &rnd, sizeof rnd) != (ssize_t)sizeof rnd)
        rnd = (uint32_t)rand();
    if (fd >= 0)
        close(fd);
    int i = ndbs;
    char dbname[64];
    snprintf(dbname, sizeof dbname, "kz_%ld_%08x", (long)getpid(), (unsigned)rnd);
    snprintf(dbs[i].name, sizeof dbs[i].name, "%s", dbname);
    snprintf(dbs[i].conninfo, sizeof dbs[i].conninfo, "host=%s port=%s dbname=%s user=%s", host,
             port, dbname, user);
    PQconninfoFree(opts);

    char q[128];
    snprintf(q, sizeof q, "CREATE DATABASE \"%s\"", dbs[i].name);
    if (!kz_testdb_exec(maint, q, err, errsz))
        return false;
    snprintf(dbs[i].key, sizeof dbs[i].key, "%s", key);
    if (ndbs++ == 0)
        atexit(drop_all);
    snprintf(out, outsz, "%s", dbs[i].conninfo);
    return true;
}

static bool is_conninfo(const char *db)
{
    return strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0 ||
           strchr(db, '=') != NULL;
}

static bool pg_run(const char *db, const char *sql, char *out, size_t outsz, char *err,
                   size_t errsz)
{
    PGconn *c = PQconnectdb(db);
    if (PQstatus(c) != CONNECTION_OK) {
        say(err, errsz, "cannot connect to %s: %s", db, PQerrorMessage(c));
        PQfinish(c);
        return false;
    }
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        say(err, errsz, "%s: %s", sql, PQerrorMessage(c));
    else if (out && st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0 &&
             !PQgetisnull(r, 0, 0))
        snprintf(out, outsz, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    return ok;
}

bool kz_testdb_query(const char *db, const char *query, char *out, size_t outsz, char *err,
                     size_t errsz)
{
    out[0] = '\0';
    if (is_conninfo(db))
        return pg_run(db, query, out, outsz, err, errsz);
    sqlite3 *h = NULL;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        say(err, errsz, "cannot open %s: %s", db, h ? sqlite3_errmsg(h) : "out of memory");
        sqlite3_close(h);
        return false;
    }
    sqlite3_busy_timeout(h, 5000);
    sqlite3_stmt *st = NULL;
    bool ok = true;
    if (sqlite3_prepare_v2(h, query, -1, &st, NULL) != SQLITE_OK) {
        say(err, errsz, "%s: %s", query, sqlite3_errmsg(h));
        ok = false;
    } else {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
            snprintf(out, outsz, "%s", (const char *)sqlite3_column_text(st, 0));
        else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            say(err, errsz, "%s: %s", query, sqlite3_errmsg(h));
            ok = false;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return ok;
}

bool kz_testdb_exec(const char *db, const char *sql, char *err, size_t errsz)
{
    if (is_conninfo(db))
        return pg_run(db, sql, NULL, 0, err, errsz);
    sqlite3 *h = NULL;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        say(err, errsz, "cannot open %s: %s", db, h ? sqlite3_errmsg(h) : "out of memory");
        sqlite3_close(h);
        return false;
    }
    sqlite3_busy_timeout(h, 5000);
    char *msg = NULL;
    bool ok = sqlite3_exec(h, sql, NULL, NULL, &msg) == SQLITE_OK;
    if (!ok)
        say(err, errsz, "%s: %s", sql, msg ? msg : sqlite3_errmsg(h));
    sqlite3_free(msg);
    sqlite3_close(h);
    return ok;
}
