/* pg.c - the PostgreSQL backend: opening a database by connection string
 * (schema-pg.sql in an empty database, refusing one that holds other
 * tables or comes from a newer kariz), write transactions in commit order,
 * the change feed through LISTEN/NOTIFY, the acting role, reconnecting
 * after the server went away, and search with LIKE on the trigram-indexed
 * lead_text. The statements themselves go through pg_driver.c. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/i18n.h"
#include "kariz/icu.h"
#include "store/internal.h"
#include "store/pg_driver.h"

extern const char kz_embedded_schema_pg[];
extern const size_t kz_embedded_schema_pg_len;

/* The advisory lock every write transaction takes first (the bytes of
 * "kariz" and one: any number no other application on the database uses),
 * so that write transactions run one at a time and commit in the order
 * they began: event ids then rise in commit order, and a board that read
 * events up to some id can never miss one committed later with a smaller
 * id. Correctness of each save does not rest on it: saves are conditional
 * updates whose row counts are checked, as on SQLite. */
#define KZ_PG_WRITE_LOCK 0x6b6172697a01LL
/* The first number of the advisory lock (two numbers) a board's session
 * holds, shared, while its presence entry is live; the second is the
 * board's process id (presence.pid). It goes with the session: when the
 * session ends, and when a pooler hands the session to another client
 * (PgBouncer's DISCARD ALL releases advisory locks), even though the
 * server process lives on. */
#define KZ_PG_PRESENCE_LOCK "1801548393" /* the bytes of "kari" */
/* The first schema version schema-pg.sql was written at. */
#define KZ_PG_FIRST_VERSION 5
/* Held while the schema is created or migrated. */
#define KZ_PG_SCHEMA_LOCK 0x6b6172697a02LL

/* The statistics of lead_text.doc the planner keeps (pg_stats), read once
 * a session (pg_settle, or the first estimate): its most common texts with
 * their frequencies, a sample of the others (the histogram's bounds), and
 * how many rows the table holds. */
typedef struct doc_stats {
    int state;        /* 0: not read; 1: read; -1: none to read */
    char **mcv;       /* owned: nmcv texts, each owned */
    double *freq;     /* owned: their frequencies */
    size_t nmcv;
    char **hist;      /* owned: nhist texts, each owned */
    size_t nhist;
    double rows;
} doc_stats;

typedef struct pg_data {
    int64_t generation; /* reconnections so far (data_version moves on with each) */
    int presence_pid;      /* the process whose presence lock the session holds ... */
    int64_t presence_gen;  /* ... as generation + 1 when it was taken (0: none) */
    int64_t seen;       /* kz_changes.n as this session last accounted for it */
    int64_t version;    /* what data_version says: moves on when others committed */
    int64_t writes;     /* write transactions this connection began */
    bool wait;          /* writes wait for the lock (busy_ms) or fail at once */
    char *role;         /* owned: the authenticated role */
    char xid[24];       /* the committing transaction's id ("" when it wrote nothing) */
    bool idle_done;     /* pg_settle did what a board's idle session does */
    int idle_step;      /* ... the piece of it pg_settle does next */
    bool icu_asked;     /* pg_settle loaded ICU, for the name order */
    /* the name order (kz_name) as kariz can compute it here (pg_name_order) */
    int name_state;     /* 0: not read yet; -1: not here; 1: ties by bytes; 2: ties stay */
    UCollator *name_coll; /* owned (name_state > 0) */
    doc_stats doc;      /* pg_estimate's */
} pg_data;

#define PD(st) ((pg_data *)(st)->be_data)

char *kz_pg_redact(const char *target)
{
    kz_buf b = KZ_BUF_INIT; /* ownership passes to the caller */
    const char *p = target;
    const char *scheme = strstr(p, "://");
    if (scheme && strncmp(p, "postgres", 8) == 0) {
        /* postgresql://user:secret@host/db?password=x: the secret goes */
        const char *auth = scheme + 3;
        const char *end = auth + strcspn(auth, "/?");
        const char *at = memchr(auth, '@', (size_t)(end - auth));
        const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
        if (colon) {
            kz_buf_append(&b, p, (size_t)(colon - p));
            kz_buf_puts(&b, ":***");
            p = at;
        }
        for (; *p; p++) {
            if ((*p == '?' || *p == '&') && strncmp(p + 1, "password=", 9) == 0) {
                kz_buf_putc(&b, *p);
                kz_buf_puts(&b, "password=***");
                p += 10 + strcspn(p + 10, "&") - 1;
                continue;
            }
            kz_buf_putc(&b, *p);
        }
        return kz_buf_take(&b);
    }
    /* keyword=value pairs: password=secret or password='a secret' */
    while (*p) {
        size_t sp = strspn(p, " \t");
        kz_buf_append(&b, p, sp);
        p += sp;
        if (!*p)
            break;
        bool secret = strncmp(p, "password", 8) == 0 &&
                      (p[8] == '=' || p[8] == ' ' || p[8] == '\t');
        const char *start = p;
        while (*p && *p != '=' && *p != ' ' && *p != '\t')
            p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '=')
            p++;
        while (*p == ' ' || *p == '\t')
            p++;
        const char *vstart = p;
        if (*p == '\'') {
            for (p++; *p && *p != '\''; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (*p)
                p++;
        } else {
            while (*p && *p != ' ' && *p != '\t')
                p++;
        }
        kz_buf_append(&b, start, (size_t)(vstart - start));
        if (secret) {
            kz_buf_puts(&b, "***");
        } else if (strncmp(vstart, "postgres", 8) == 0 && strstr(vstart, "://") &&
                   strstr(vstart, "://") < p) {
            /* dbname=postgresql://user:secret@host/db: libpq reads the
             * whole URI, password and all */
            char *inner = kz_xstrndup(vstart, (size_t)(p - vstart)); /* owned */
            char *safe = kz_pg_redact(inner);                        /* owned */
            kz_buf_puts(&b, safe);
            free(safe);
            free(inner);
        } else {
            kz_buf_append(&b, vstart, (size_t)(p - vstart));
        }
    }
    return kz_buf_take(&b);
}

/* One value of a query with no parameters (text, owned by the caller;
 * NULL for no row or SQL NULL). */
static int query_text(kz_store *st, const char *sql, char **out)
{
    *out = NULL;
    kz_dbstmt *s = NULL;
    int rc = st->conn->ops->prepare(st->conn, sql, &s);
    if (rc != KZ_DB_OK)
        return rc;
    rc = kz_step(s);
    if (rc == KZ_DB_ROW) {
        const char *v = kz_col_str(s, 0);
        *out = v ? kz_xstrdup(v) : NULL;
        rc = KZ_DB_DONE;
    }
    kz_finalize(s);
    return rc == KZ_DB_DONE ? KZ_DB_OK : rc;
}

static kz_status exec_or_fail(kz_store *st, const char *sql, const char *what, kz_err *err)
{
    int rc = st->conn->ops->exec(st->conn, sql);
    return rc == KZ_DB_OK ? KZ_OK : kz_db_error(st, rc, what, err);
}

/* The schema version (0: no kariz schema here; -1: tables of something
 * else). */
static kz_status read_version(kz_store *st, int *ver, kz_err *err)
{
    char *v = NULL;
    /* whether meta is on the search path (where the statements below find
     * it: a role's own schema, "$user", may come before the team's), else
     * whether the schema kariz would create its tables in holds others; in
     * one statement (one snapshot): as two, a schema another kariz
     * committed in between looked like tables without meta, "not a kariz
     * database". (The catalogues themselves, not the pg_tables view, which
     * a new session took 2-4 ms to plan: a part of every open.) */
    int rc = query_text(st,
                        "SELECT CASE WHEN bool_or(c.relname = 'meta') THEN 'meta' "
                        "WHEN bool_or(n.nspname = current_schema()) THEN 'other' "
                        "ELSE 'empty' END FROM pg_catalog.pg_class c "
                        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY (current_schemas(false))",
                        &v);
    if (rc != KZ_DB_OK)
        return kz_db_error(st, rc, _("opening the database"), err);
    bool meta = v && strcmp(v, "meta") == 0;
    if (!meta) {
        *ver = v && strcmp(v, "empty") == 0 ? 0 : -1;
        free(v);
        return KZ_OK;
    }
    free(v);
    v = NULL;
    /* (meta and its schema_version are committed together) */
    rc = query_text(st, "SELECT value FROM meta WHERE key = 'schema_version'", &v);
    if (rc != KZ_DB_OK)
        return kz_db_error(st, rc, _("opening the database"), err);
    *ver = v ? atoi(v) : -1;
    free(v);
    return KZ_OK;
}

/* read_version for an open, outside a transaction: a kariz database (meta
 * on the search path) is read at once, 2-3 ms sooner in a new session
 * than the catalogues are planned; anything else, or a meta that cannot
 * be read so (not a table of kariz's), is told by read_version. */
static kz_status read_version_at_open(kz_store *st, int *ver, kz_err *err)
{
    char *v = NULL; /* owned */
    if (query_text(st, "SELECT to_regclass('meta') IS NOT NULL", &v) == KZ_DB_OK && v &&
        strcmp(v, "t") == 0) {
        free(v);
        v = NULL;
        if (query_text(st, "SELECT value FROM meta WHERE key = 'schema_version'", &v) ==
            KZ_DB_OK) {
            *ver = v ? atoi(v) : -1;
            free(v);
            return KZ_OK;
        }
    }
    free(v);
    return read_version(st, ver, err);
}

/* Creates the schema in an empty database, once: several kariz starting
 * at once on a new database wait for the first, then find it made. */
static kz_status create_schema(kz_store *st, kz_err *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%lld)",
             (long long)KZ_PG_SCHEMA_LOCK);
    kz_status ks = exec_or_fail(st, sql, _("creating the schema"), err);
    if (ks != KZ_OK)
        return ks;
    int ver = 0;
    if ((ks = read_version(st, &ver, err)) != KZ_OK)
        goto fail;
    if (ver != 0) { /* made meanwhile, or not ours */
        st->conn->ops->exec(st->conn, "ROLLBACK");
        return KZ_OK;
    }
    int rc = st->conn->ops->exec(st->conn, kz_embedded_schema_pg);
    if (rc != KZ_DB_OK) {
        ks = kz_db_error(st, rc, _("creating the schema"), err);
        if (strcmp(kz_pg_sqlstate(st->conn), "42501") == 0) {
            /* a role without the right (not a read-only server): the
             * message names the database already; what to do is the
             * tables' owner's */
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            kz_err_set(err, KZ_EREADONLY,
                       _("%s; kariz init is run by the role that is to own the tables "
                         "(kariz_admin in docs/deployment.md)"),
                       why);
        } else if (ks != KZ_EREADONLY) {
            /* (the database named once: a message of the read-only
             * class names it already) */
            char what[512];
            snprintf(what, sizeof what, _("creating the schema in %s"), st->where);
            ks = kz_db_error(st, rc, what, err);
        }
        goto fail;
    }
    snprintf(sql, sizeof sql,
             "INSERT INTO meta (key, value) VALUES ('schema_version', '%d'), "
             "('search_form', '2') ON CONFLICT (key) DO UPDATE SET value = excluded.value",
             KZ_SCHEMA_VERSION);
    if ((ks = exec_or_fail(st, sql, _("creating the schema"), err)) != KZ_OK)
        goto fail;
    if ((ks = exec_or_fail(st, "COMMIT", _("creating the schema"), err)) == KZ_OK)
        st->opened = KZ_OPENED_CREATED;
    return ks;
fail:
    st->conn->ops->exec(st->conn, "ROLLBACK");
    return ks;
}

/* The statements of schema-pg.sql between "-- kz:section NAME" and
 * "-- kz:end NAME" (a part of the schema a migration step creates as a
 * new database gets it, from the one text of it). */
static char *schema_section(const char *name)
{
    kz_buf begin = KZ_BUF_INIT, end = KZ_BUF_INIT; /* owned */
    kz_buf_printf(&begin, "-- kz:section %s", name);
    kz_buf_printf(&end, "-- kz:end %s\n", name);
    char *text = kz_xstrndup(kz_embedded_schema_pg, kz_embedded_schema_pg_len); /* owned */
    char *a = strstr(text, kz_buf_str(&begin)), *b = a ? strstr(a, kz_buf_str(&end)) : NULL;
    char *out = NULL;
    if (a && b)
        out = kz_xstrndup(a, (size_t)(b - a));
    kz_buf_free(&begin);
    kz_buf_free(&end);
    free(text);
    /* (a section the schema lacks is a build of kariz gone wrong) */
    if (!out)
        abort();
    return out;
}

/* The steps that bring a PostgreSQL schema forward, each producing the
 * version `to`: as SQLite's (migrate.c), in PostgreSQL's words. */
static const struct pg_step {
    int to;
    const char *sql[2];  /* run in order; NULL: none */
    const char *section; /* then this section of schema-pg.sql (schema_section) */
} pg_steps[] = {
    /* 6: an index per sort order of the board (schema-pg.sql), names
     * included: here kz_name is the database's collation */
    {6,
     {kz_sort_indexes_sql,
      "CREATE INDEX leads_name ON leads (stage, name COLLATE kz_name, id);"
      "CREATE INDEX leads_owner_name ON leads (owner, stage, name COLLATE kz_name, id);"},
     NULL},
    /* 7: at most one lead holds an e-mail (schema-pg.sql: email_shared);
     * of leads already sharing one, the oldest holds it */
    {7,
     {"ALTER TABLE leads ADD COLUMN email_shared BIGINT NOT NULL DEFAULT 0;"
      "UPDATE leads SET email_shared = 1 WHERE email_key <> '' AND EXISTS (SELECT 1 FROM "
      "leads o WHERE o.email_key = leads.email_key AND o.email_key <> '' AND o.id < leads.id);"
      "CREATE UNIQUE INDEX leads_email_holder ON leads (email_key) "
      "WHERE email_shared = 0 AND email_key IS NOT NULL AND email_key <> '';",
      /* and a row kariz numbered itself does not call kz_next_id */
      "DROP TRIGGER imports_id ON imports; DROP TRIGGER leads_id ON leads;"
      "DROP TRIGGER stakeholders_id ON stakeholders; DROP TRIGGER activities_id ON activities;"
      "DROP TRIGGER events_id ON events;"
      "CREATE TRIGGER imports_id BEFORE INSERT ON imports FOR EACH ROW WHEN (NEW.id IS NULL) "
      "EXECUTE FUNCTION kz_next_id();"
      "CREATE TRIGGER leads_id BEFORE INSERT ON leads FOR EACH ROW WHEN (NEW.id IS NULL) "
      "EXECUTE FUNCTION kz_next_id();"
      "CREATE TRIGGER stakeholders_id BEFORE INSERT ON stakeholders FOR EACH ROW WHEN (NEW.id "
      "IS NULL) EXECUTE FUNCTION kz_next_id();"
      "CREATE TRIGGER activities_id BEFORE INSERT ON activities FOR EACH ROW WHEN (NEW.id IS "
      "NULL) EXECUTE FUNCTION kz_next_id();"
      "CREATE TRIGGER events_id BEFORE INSERT ON events FOR EACH ROW WHEN (NEW.id IS NULL) "
      "EXECUTE FUNCTION kz_next_id();"},
     NULL},
    /* 8: SQLite's step stores a key per name for its name index; here the
     * database's collation kz_name indexes names already (step 6) */
    {8, {NULL, NULL}, NULL},
    /* 9: each lead's board keys beside its search text, kept by triggers
     * (schema-pg.sql, lead_text). The rows are written again into the
     * emptied table, with the trigram index built after them: an UPDATE
     * of each row would leave the table twice its size, its first half
     * empty space that a search of a common word reads through before its
     * first match (7 ms at 1,000,000 leads), and add every trigram of
     * each text to the index one row at a time. The table keeps its
     * grants and constraints; the copy of the texts is a table of the
     * schema's owner, not a temporary one (which needs a privilege on the
     * database the owner may lack), gone by the end of the step. */
    {9,
     {"ALTER TABLE lead_text ADD COLUMN stage TEXT, ADD COLUMN owner TEXT, ADD COLUMN grade TEXT, "
      "ADD COLUMN score BIGINT, ADD COLUMN value BIGINT, ADD COLUMN stage_entered BIGINT, "
      "ADD COLUMN next_due TEXT, ADD COLUMN name TEXT;"
      "ALTER TABLE lead_text SET (fillfactor = 80);"
      "CREATE TABLE kz_lead_text_9 AS SELECT id, doc FROM lead_text;"
      "TRUNCATE lead_text;"
      "DROP INDEX lead_text_trgm;"
      "INSERT INTO lead_text (id, doc, stage, owner, grade, score, value, stage_entered, "
      "next_due, name) SELECT t.id, t.doc, l.stage, l.owner, l.grade, l.score, l.value, "
      "l.stage_entered, l.next_due, l.name FROM kz_lead_text_9 t JOIN leads l ON l.id = t.id "
      "ORDER BY t.id;"
      "DROP TABLE kz_lead_text_9;"
      "CREATE INDEX lead_text_trgm ON lead_text USING gin (doc gin_trgm_ops);"
      "ANALYZE lead_text;",
      NULL},
     "text-keys"},
};

/* Brings a schema at version `from` forward to this kariz's, in one
 * transaction under the schema lock: several kariz starting at once on an
 * old database upgrade it once, the others wait for the lock and then find
 * the new version. A step that fails leaves the database as it was. */
static kz_status migrate_schema(kz_store *st, int from, kz_err *err)
{
    char sql[256];
    /* the first waits as long as the steps take, not the lock timeout */
    snprintf(sql, sizeof sql,
             "BEGIN; SET LOCAL lock_timeout = 0; SELECT pg_advisory_xact_lock(%lld)",
             (long long)KZ_PG_SCHEMA_LOCK);
    kz_status ks = exec_or_fail(st, sql, _("upgrading the schema"), err);
    if (ks != KZ_OK)
        return ks;
    int ver = 0;
    if ((ks = read_version(st, &ver, err)) != KZ_OK)
        goto fail;
    if (ver != from) { /* upgraded meanwhile (or otherwise changed): look again */
        st->conn->ops->exec(st->conn, "ROLLBACK");
        return KZ_OK;
    }
    for (size_t i = 0; i < sizeof pg_steps / sizeof pg_steps[0]; i++) {
        if (pg_steps[i].to <= from)
            continue;
        char *section = pg_steps[i].section ? schema_section(pg_steps[i].section) : NULL;
        const char *sqls[3] = {pg_steps[i].sql[0], pg_steps[i].sql[1], section};
        for (size_t j = 0; j < 3 && ks == KZ_OK; j++)
            if (sqls[j])
                ks = exec_or_fail(st, sqls[j], _("upgrading the schema"), err);
        free(section);
        if (ks != KZ_OK) {
            kz_err_prefix(err, _("migrating %s to schema version %d"), st->where, pg_steps[i].to);
            goto fail;
        }
    }
    snprintf(sql, sizeof sql, "UPDATE meta SET value = '%d' WHERE key = 'schema_version'",
             KZ_SCHEMA_VERSION);
    if ((ks = exec_or_fail(st, sql, _("upgrading the schema"), err)) != KZ_OK)
        goto fail;
    if ((ks = exec_or_fail(st, "COMMIT", _("upgrading the schema"), err)) == KZ_OK)
        st->opened = KZ_OPENED_UPGRADED;
    return ks;
fail:
    st->conn->ops->exec(st->conn, "ROLLBACK");
    return ks;
}

static int read_changes(kz_store *st, int64_t *n);
static void forget_hits_table(kz_store *st);
static int pg_name_order(kz_store *st);
static void pg_name_forget(kz_store *st);
static void doc_stats_read(kz_store *st, doc_stats *ds);
static void doc_stats_free(doc_stats *ds);

/* What the session's role may do, said at once rather than at the first
 * refused statement (a database without kariz's tables yet: nothing to
 * say): a role that may not read the leads is refused; one
 * that may read but not change them (a manager's, a report's) opens
 * read-only only when asked to (the board then says why it is read-only),
 * and is refused otherwise, before anything is typed. */
static kz_status check_grants(kz_store *st, kz_err *err)
{
    char *v = NULL; /* owned */
    int rc = query_text(st,
                        "SELECT CASE WHEN to_regclass('leads') IS NULL THEN '' "
                        "WHEN NOT has_table_privilege('leads', 'SELECT') "
                        "THEN 'r' || current_user WHEN NOT has_table_privilege('leads', 'UPDATE') "
                        "THEN 'w' || current_user ELSE '' END",
                        &v);
    kz_status ks = KZ_OK;
    if (rc != KZ_DB_OK)
        ks = kz_db_error(st, rc, _("opening the database"), err);
    else if (v && v[0] == 'r')
        ks = kz_err_set(err, KZ_EREADONLY,
                        _("your role %s may not read the leads of %s: it is a member of neither "
                          "the team's role nor the readers' role, or that role lacks SELECT on "
                          "kariz's tables (see docs/deployment.md)"),
                        v + 1, st->where);
    else if (v && v[0] == 'w' && !st->readonly)
        ks = kz_err_set(err, KZ_EREADONLY,
                        _("your role %s may read but not change the leads of %s"), v + 1,
                        st->where);
    free(v);
    return ks;
}

static void pg_wait_for_locks(kz_store *st, bool wait)
{
    PD(st)->wait = wait;
}

static kz_status pg_open(kz_store *st, unsigned flags, kz_err *err)
{
    pg_data *pd = kz_xcalloc(1, sizeof *pd);
    st->be_data = pd;
    pd->wait = true;
    free(st->where);
    st->where = kz_pg_redact(st->path);
    char *emsg = NULL; /* owned */
    int rc = kz_pg_connect(st->path, &st->conn, &emsg);
    if (rc != KZ_DB_OK) {
        kz_status ks = kz_err_set(err, rc == KZ_DB_DENIED ? KZ_EREADONLY : KZ_EIO,
                                  _("cannot connect to the database %s: %s"), st->where,
                                  emsg ? emsg : "");
        free(emsg);
        return ks;
    }
    /* the collation of names in the schema (schema-pg.sql) */
    st->name_collation = "kz_name";
    st->name_indexed = true;
    pd->role = kz_pg_user(st->conn);
    char sql[128];
    snprintf(sql, sizeof sql, "SET lock_timeout = %d", st->busy_ms);
    kz_status ks = exec_or_fail(st, sql, _("opening the database"), err);
    /* the SQL kariz writes (LIKE patterns) takes backslashes literally */
    if (ks == KZ_OK)
        ks = exec_or_fail(st, "SET standard_conforming_strings = on", _("opening the database"),
                          err);
    /* kariz asks short queries of big tables: compiling one (JIT, on by
     * default in Debian's server) takes longer than running it. A page of
     * a search checked lead by lead costs more than JIT's threshold in the
     * planner's eyes (a subquery for each of a column's leads), and took
     * 0.1 s to compile against 6 ms to run at 1,000,000 leads; an import's
     * many short queries took 0.1 s each at 100,000 */
    if (ks == KZ_OK)
        ks = exec_or_fail(st, "SET jit = off", _("opening the database"), err);
    if (ks == KZ_OK)
        ks = check_grants(st, err);
    int ver = 0;
    if (ks == KZ_OK)
        ks = read_version_at_open(st, &ver, err);
    if (ks != KZ_OK)
        return ks;
    if (ver < 0)
        return kz_err_set(err, KZ_ECORRUPT,
                          _("%s holds tables but is not a kariz database (no schema version); "
                            "refusing to touch it"),
                          st->where);
    if (ver == 0 && (flags & (KZ_STORE_NOCREATE | KZ_STORE_READONLY)))
        return kz_err_set(err, KZ_ENOTFOUND,
                          _("no database at %s (create one with `kariz init`)"), st->where);
    if (ver == 0) {
        if ((ks = create_schema(st, err)) != KZ_OK || (ks = read_version(st, &ver, err)) != KZ_OK)
            return ks;
        if (ver < 0)
            return kz_err_set(err, KZ_ECORRUPT,
                              _("%s holds tables but is not a kariz database (no schema "
                                "version); refusing to touch it"),
                              st->where);
    }
    if (ver > KZ_SCHEMA_VERSION)
        return kz_err_set(err, KZ_ENEWER,
                          _("%s was written by a newer kariz (schema version %d; this kariz "
                            "knows up to %d): upgrade kariz to use it; the database was not "
                            "modified"),
                          st->where, ver, KZ_SCHEMA_VERSION);
    /* schema-pg.sql started at version 5: a version before it was never
     * written here, and is refused, never used half-fitting */
    if (ver < KZ_PG_FIRST_VERSION)
        return kz_err_set(err, KZ_ECORRUPT,
                          _("%s has kariz schema version %d, older than any this kariz can open "
                            "on PostgreSQL (%d); the database was not modified"),
                          st->where, ver, KZ_PG_FIRST_VERSION);
    if (ver < KZ_SCHEMA_VERSION && st->readonly)
        return kz_err_set(err, KZ_EREADONLY,
                          _("%s has schema version %d and needs upgrading to %d, which a "
                            "read-only open cannot do"),
                          st->where, ver, KZ_SCHEMA_VERSION);
    while (ver < KZ_SCHEMA_VERSION) {
        int was = ver;
        if ((ks = migrate_schema(st, ver, err)) != KZ_OK || (ks = read_version(st, &ver, err)) != KZ_OK)
            return ks;
        if (ver == was || ver < KZ_PG_FIRST_VERSION || ver > KZ_SCHEMA_VERSION)
            return kz_err_set(err, KZ_ECORRUPT,
                              _("%s changed its schema version while this kariz upgraded it "
                                "(now %d); the database was not modified"),
                              st->where, ver);
    }
    if (!st->readonly) {
        /* search text from before the search key: rekeyed once; while
         * another session holds the write lock, at a later open */
        kz_err ignored;
        pg_wait_for_locks(st, false);
        kz_search_refold(st, &ignored);
        pg_wait_for_locks(st, true);
    }
    forget_hits_table(st);
    if (st->readonly &&
        (ks = exec_or_fail(st, "SET default_transaction_read_only = on",
                           _("opening the database"), err)) != KZ_OK)
        return ks;
    /* a standby (a read replica) refuses LISTEN: read-only, its boards
     * then look at the change count once a second without being woken */
    int lrc = kz_pg_listen(st->conn, "kariz");
    if (lrc != KZ_DB_OK && !st->readonly)
        return kz_db_error(st, lrc, _("opening the database"), err);
    rc = read_changes(st, &pd->seen);
    return rc == KZ_DB_OK ? KZ_OK : kz_db_error(st, rc, _("opening the database"), err);
}

/* kz_changes.n: how many transactions changed anything (schema-pg.sql). */
static int read_changes(kz_store *st, int64_t *n)
{
    char *v = NULL;
    int rc = query_text(st, "SELECT n FROM kz_changes", &v);
    if (rc == KZ_DB_OK)
        *n = v ? strtoll(v, NULL, 10) : 0;
    free(v);
    return rc;
}

/* Accounts for the transactions counted up to n: those since `seen` are
 * other sessions' unless ours (wrote) made them. */
static void saw_changes(pg_data *pd, int64_t n)
{
    if (n != pd->seen)
        pd->version++;
    pd->seen = n;
}

/* Before COMMIT: a transaction in which a statement failed is one the
 * server has aborted and would roll back at COMMIT, answering it without
 * an error: it is refused here, so it is never reported saved. And our own
 * commit is not a change by someone else: when this transaction changed
 * something (the trigger counted it), the count read now, with the write
 * lock held, includes it and every earlier commit. */
static kz_status pg_before_commit(kz_store *st, kz_err *err)
{
    char *v = NULL; /* owned */
    int rc = query_text(st,
                        "SELECT (CASE WHEN current_setting('kariz.counted', true) = '1' "
                        "THEN n ELSE -1 END) || ' ' || "
                        "coalesce(pg_current_xact_id_if_assigned()::text, '') FROM kz_changes",
                        &v);
    char *end = NULL;
    int64_t n = v ? strtoll(v, &end, 10) : -1;
    /* the transaction's id, for commit_fate should the COMMIT's answer be
     * lost */
    snprintf(PD(st)->xid, sizeof PD(st)->xid, "%s",
             end && *end == ' ' && strspn(end + 1, "0123456789") == strlen(end + 1) ? end + 1
                                                                                    : "");
    free(v);
    if (rc != KZ_DB_OK)
        return kz_db_error(st, rc, _("saving"), err);
    if (n >= 0)
        PD(st)->seen = n;
    return KZ_OK;
}

static kz_status pg_after_begin(kz_store *st, kz_err *err)
{
    PD(st)->writes++;
    char sql[96];
    snprintf(sql, sizeof sql, PD(st)->wait ? "SELECT pg_advisory_xact_lock(%lld)"
                                           : "SELECT pg_try_advisory_xact_lock(%lld)",
             (long long)KZ_PG_WRITE_LOCK);
    char *got = NULL;
    int rc = query_text(st, sql, &got);
    if (rc != KZ_DB_OK)
        return kz_db_error(st, rc, _("starting a change"), err);
    bool busy = !PD(st)->wait && (!got || strcmp(got, "t") != 0);
    free(got);
    if (busy)
        return kz_db_error(st, KZ_DB_BUSY, _("starting a change"), err);
    /* with the write lock held, the count is every commit before ours */
    int64_t n;
    if ((rc = read_changes(st, &n)) != KZ_DB_OK)
        return kz_db_error(st, rc, _("starting a change"), err);
    saw_changes(PD(st), n);
    return KZ_OK;
}

/* The session's temporary table of a search's matches (search_hits in
 * leads.c); without the TEMPORARY privilege, or read-only, searches ask
 * the trigram index in each query instead. Creating it is the costliest
 * statement of an opening (a new session's temporary schema: 3-4 ms), and
 * only searches need it: it is made by pg_settle, after the board's first
 * screen, before a read snapshot, or at the first search outside a
 * transaction. A new session (an opening, a reconnection) has none yet. */
static void forget_hits_table(kz_store *st)
{
    st->hits_temp = false;
    st->hits_tried = false;
    pg_name_forget(st);
    free(st->hits_text); /* (what a search kept is forgotten) */
    st->hits_text = NULL;
}

static bool pg_settle(kz_store *st, bool idle)
{
    /* (in a transaction a failure would abort it: a search there asks the
     * index itself, and a later one makes the table) */
    if (st->in_txn)
        return false;
    pg_data *pd = PD(st);
    if (!st->hits_tried) {
        st->hits_tried = true;
        st->hits_temp = !st->readonly &&
                        st->conn->ops->exec(st->conn, "CREATE TEMP TABLE IF NOT EXISTS kz_hits "
                                                      "(id BIGINT PRIMARY KEY)") == KZ_DB_OK;
        /* (a new session after a reconnection: the name order again) */
        return idle && (!pd->idle_done || (st->name_sorted && !pd->name_state));
    }
    if (!idle)
        return false;
    /* a board with time on its hands, a piece at a time (each a statement,
     * or loading ICU: a key waits for one piece at most): what a search is
     * likely to match (pg_estimate), and the first plan of a search, which
     * loads what the planner knows of lead_text and its index, made now
     * rather than at the first keystroke */
    if (!pd->idle_done) {
        if (pd->idle_step++ == 0) {
            if (!pd->doc.state)
                doc_stats_read(st, &pd->doc);
            return true;
        }
        pd->idle_done = true;
        st->conn->ops->exec(st->conn, "EXPLAIN SELECT id FROM lead_text WHERE doc LIKE '%kariz%'");
        return st->name_sorted && !pd->name_state;
    }
    /* a board sorted by name (once it is): whether its searches can place
     * their matches here (ICU's collator, the server's), ICU loaded in one
     * piece and the order read in the next (15 ms: the session's first use
     * of ICU in the server) */
    if (!st->name_sorted || pd->name_state)
        return false;
    if (!pd->icu_asked) {
        pd->icu_asked = true;
        kz_icu();
        return true;
    }
    pg_name_order(st);
    return false;
}

/* The server went away: come back when it can be reached (the driver
 * prepares the statements and makes the settings again); that counts as a
 * change for kz_store_data_version, since what was read before may be
 * stale. */
static kz_status pg_reconnect(kz_store *st, kz_err *err)
{
    if (kz_pg_reconnect(st->conn) != KZ_DB_OK)
        return kz_db_error(st, KZ_DB_GONE, _("connecting again"), err);
    PD(st)->generation++;
    forget_hits_table(st);
    return KZ_OK;
}

/* Makes the presence entry of process pid live in this session (see
 * KZ_PG_PRESENCE_LOCK): the lock is taken once a session (in the write
 * transaction of the entry, whose rollback leaves a session lock held),
 * never waited for (a shared lock no board takes otherwise: one someone
 * holds exclusively is tried again at the next heartbeat), and kept until
 * the session ends or is reset. */
static kz_status pg_presence_claim(kz_store *st, int pid, kz_err *err)
{
    pg_data *pd = PD(st);
    if (pd->presence_pid == pid && pd->presence_gen == pd->generation + 1)
        return KZ_OK;
    kz_dbstmt *s = kz_stmt(
        st, "SELECT pg_try_advisory_lock_shared(" KZ_PG_PRESENCE_LOCK ", CAST(? AS integer))",
        err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, pid);
    int rc = kz_step(s);
    bool got = rc == KZ_DB_ROW && kz_col_i64(s, 0) != 0;
    kz_reset(s);
    if (rc != KZ_DB_ROW)
        return kz_db_error(st, rc, _("updating presence"), err);
    if (got) {
        pd->presence_pid = pid;
        pd->presence_gen = pd->generation + 1;
    }
    return KZ_OK;
}

/* The connection was lost during COMMIT. The committing transaction held
 * the write lock to its end, so once this session holds it the old one has
 * ended either way, and the server's record of its id says which. */
static int pg_commit_fate(kz_store *st)
{
    pg_data *pd = PD(st);
    if (!pd->xid[0])
        return 0; /* it wrote nothing */
    kz_err ignored;
    if (pg_reconnect(st, &ignored) != KZ_OK)
        return -1;
    char sql[160];
    char *fate = NULL; /* owned */
    int rc = st->conn->ops->exec(st->conn, "BEGIN");
    if (rc == KZ_DB_OK) {
        snprintf(sql, sizeof sql, "SELECT pg_advisory_xact_lock(%lld)",
                 (long long)KZ_PG_WRITE_LOCK);
        char *got = NULL;
        rc = query_text(st, sql, &got);
        free(got);
    }
    if (rc == KZ_DB_OK) {
        snprintf(sql, sizeof sql, "SELECT pg_xact_status('%s'::xid8)", pd->xid);
        rc = query_text(st, sql, &fate);
    }
    st->conn->ops->exec(st->conn, "ROLLBACK");
    int out = rc != KZ_DB_OK || !fate                 ? -1
              : strcmp(fate, "committed") == 0 ? 1
              : strcmp(fate, "aborted") == 0   ? 0
                                               : -1;
    free(fate);
    return out;
}

static bool pg_gone(kz_store *st)
{
    return kz_pg_gone(st->conn);
}

static void pg_notices(kz_store *st)
{
    kz_pg_notices(st->conn);
}

static kz_status pg_data_version(kz_store *st, int64_t *out, kz_err *err)
{
    pg_data *pd = PD(st);
    /* reading what the server sent (the notifications that woke a board)
     * also finds a connection that is gone */
    kz_pg_notices(st->conn);
    if (!st->in_txn) {
        int64_t n;
        int rc = kz_pg_gone(st->conn) ? KZ_DB_GONE : read_changes(st, &n);
        if (rc == KZ_DB_GONE) {
            kz_status ks = pg_reconnect(st, err);
            if (ks != KZ_OK)
                return ks;
            rc = read_changes(st, &n);
        }
        if (rc != KZ_DB_OK)
            return kz_db_error(st, rc, _("checking for changes"), err);
        saw_changes(pd, n);
    }
    *out = pd->version + pd->generation * 1000000000LL;
    return KZ_OK;
}

static int64_t pg_total_changes(kz_store *st)
{
    return PD(st)->writes;
}

static kz_status pg_import_tune(kz_store *st, kz_err *err)
{
    /* an import resumes from its last committed batch: a batch lost to a
     * crash of the server is done again, so its commits need not wait for
     * the disk */
    return exec_or_fail(st, "SET synchronous_commit = off", _("preparing the import"), err);
}

/* The triggers that write the session's role as the actor of new rows
 * (schema-pg.sql): a copy keeps the actors of the history it carries, so
 * it turns them off in its own transaction, which only the tables' owner
 * may do; the rows it writes are then exactly the source's. */
static const char *const actor_triggers[][2] = {
    {"events", "events_actor"}, {"triage", "triage_actor"}, {"imports", "imports_actor"}};

static kz_status actor_triggers_set(kz_store *st, bool on, kz_err *err)
{
    for (size_t i = 0; i < sizeof actor_triggers / sizeof actor_triggers[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "ALTER TABLE %s %s TRIGGER %s", actor_triggers[i][0],
                 on ? "ENABLE" : "DISABLE", actor_triggers[i][1]);
        int rc = st->conn->ops->exec(st->conn, sql);
        if (rc == KZ_DB_READONLY || (rc != KZ_DB_OK && !on))
            return kz_err_set(err, KZ_EREADONLY,
                              _("copying into %s keeps who did what in the history only when "
                                "run by the owner of its tables (the role that ran `kariz "
                                "init`), and %s is not: %s; nothing was copied"),
                              st->where, PD(st)->role ? PD(st)->role : "?", kz_db_errmsg(st));
        if (rc != KZ_DB_OK)
            return kz_db_error(st, rc, _("copying"), err);
    }
    return KZ_OK;
}

static kz_status pg_before_copy(kz_store *st, kz_err *err)
{
    return actor_triggers_set(st, false, err);
}

/* After a copy gave rows their ids: the identity column's next value
 * follows the highest id, and the actor triggers are on again. */
static kz_status pg_after_copy(kz_store *st, kz_err *err)
{
    kz_status aks = actor_triggers_set(st, true, err);
    if (aks != KZ_OK)
        return aks;
    static const char *const idt[] = {"triage"}; /* (the others' ids kariz gives) */
    for (size_t i = 0; i < sizeof idt / sizeof idt[0]; i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
                 "coalesce((SELECT max(id) FROM %s), 0) + 1, false)",
                 idt[i], idt[i]);
        kz_status ks = exec_or_fail(st, sql, _("copying"), err);
        if (ks != KZ_OK)
            return ks;
    }
    return KZ_OK;
}

static void pg_close(kz_store *st)
{
    pg_data *pd = PD(st);
    if (pd) {
        if (pd->name_coll)
            kz_icu()->ucol_close(pd->name_coll);
        doc_stats_free(&pd->doc);
        free(pd->role);
        free(pd);
    }
    st->be_data = NULL;
}

const char *kz_pg_role(const kz_store *st)
{
    return st->be == &kz_backend_pg && PD(st) ? PD(st)->role : NULL;
}

int kz_pg_fd(const kz_store *st)
{
    return st->be == &kz_backend_pg && st->conn ? kz_pg_socket(st->conn) : -1;
}

/* Forgets what pg_name_order and pg_estimate read (a reconnection: the
 * collation or the statistics may have changed meanwhile). */
static void pg_name_forget(kz_store *st)
{
    pg_data *pd = PD(st);
    if (!pd)
        return;
    if (pd->name_coll)
        kz_icu()->ucol_close(pd->name_coll);
    pd->name_coll = NULL;
    pd->name_state = 0;
    doc_stats_free(&pd->doc);
}

/* ICU's sort key of name under kz_name (pg_name_order said yes), its bytes
 * ending in the one zero byte of a key, into out. */
static void pg_name_key(kz_store *st, const char *name, kz_buf *out)
{
    kz_coll_sort_key(PD(st)->name_coll, name, -1, out);
}

/* Names that tell collations apart: case, accents, punctuation, digits,
 * Persian and Arabic letters, equal names but for case. */
static const char *const name_probe[] = {
    "wonk", "Wonk", "WONK", "wönk", "Wönk", "wonk a", "wonka", "Wonka", "a", "A", "b", "B",
    "ä", "z", "-x", "x", "x-", "1", "10", "2", "آرش", "ارش", "علی", "علي", "Ali", "ali", "ک", "ك",
    "ی", "ي", "و", "ه", "Émile", "emile", "Zoë", "zoe"};
#define NAME_PROBE (sizeof name_probe / sizeof name_probe[0])

/* Whether the server orders name_probe as this process's keys do (keys:
 * each probe's sort key), names equal to both then by their bytes. */
static bool name_probe_agrees(kz_store *st, char **keys)
{
    kz_buf sql = KZ_BUF_INIT; /* owned */
    kz_buf_puts(&sql, "SELECT w FROM (VALUES ");
    for (size_t i = 0; i < NAME_PROBE; i++)
        kz_buf_printf(&sql, "%s('%s')", i ? ", " : "", name_probe[i]);
    kz_buf_puts(&sql, ") AS p (w) ORDER BY w COLLATE kz_name, w COLLATE \"C\"");
    kz_dbstmt *s = NULL;
    int rc = st->conn->ops->prepare(st->conn, kz_buf_str(&sql), &s);
    kz_buf_free(&sql);
    if (rc != KZ_DB_OK)
        return false;
    /* this process's order of the same names, as keyed_cmp (leads.c) sorts */
    size_t order[NAME_PROBE];
    for (size_t i = 0; i < NAME_PROBE; i++) {
        size_t j = i;
        for (; j > 0; j--) {
            size_t o = order[j - 1];
            int c = strcmp(keys[o], keys[i]);
            if (!c)
                c = strcmp(name_probe[o], name_probe[i]);
            if (c <= 0)
                break;
            order[j] = o;
        }
        order[j] = i;
    }
    bool same = true;
    size_t n = 0;
    while (same && (rc = kz_step(s)) == KZ_DB_ROW) {
        const char *w = kz_col_str(s, 0);
        same = n < NAME_PROBE && w && strcmp(w, name_probe[order[n]]) == 0;
        n++;
    }
    kz_finalize(s);
    return same && rc == KZ_DB_DONE && n == NAME_PROBE;
}

/* Whether kariz orders names here as the server's kz_name does, which a
 * search's places sort by (leads.c, places_keyed): kz_name is ICU's, this
 * process's ICU opens its locale (as the server does, the locale string as
 * it is) at the very version of the order the server reports
 * (pg_collation_actual_version), and the server orders a set of probing
 * names (name_probe) exactly as the keys do: a locale both open alike but
 * for its options (a strength one ICU reads and the other does not) fails
 * there. Read once a session, again after a reconnection. Returns 1 (equal
 * names then by their bytes, as a deterministic collation does), 2 (equal
 * names stay equal) or 0 (no: the server sorts them). */
static int pg_name_order(kz_store *st)
{
    pg_data *pd = PD(st);
    if (!pd || (st->in_txn && !pd->name_state))
        return 0; /* (a failed read would abort the transaction) */
    if (pd->name_state)
        return pd->name_state > 0 ? pd->name_state : 0;
    pd->name_state = -1;
    /* (the locale's column is colliculocale before version 17, colllocale
     * since: read by name from the row as JSON) */
    kz_dbstmt *s = NULL;
    if (st->conn->ops->prepare(st->conn,
                               "SELECT c.collprovider::text, coalesce(to_jsonb(c) ->> 'colllocale', "
                               "to_jsonb(c) ->> 'colliculocale'), c.collisdeterministic::int, "
                               "pg_collation_actual_version(c.oid) FROM pg_collation c "
                               "WHERE c.oid = 'kz_name'::regcollation",
                               &s) != KZ_DB_OK)
        return 0;
    UCollator *c = NULL; /* owned */
    bool ties = false;
    if (kz_step(s) == KZ_DB_ROW) {
        const char *provider = kz_col_str(s, 0), *loc = kz_col_str(s, 1),
                   *version = kz_col_str(s, 3);
        const kz_icu_api *icu = kz_icu(); /* (without ICU the server sorts names) */
        if (icu && provider && strcmp(provider, "i") == 0 && loc && version) {
            UErrorCode ec = U_ZERO_ERROR;
            c = icu->ucol_open(loc, &ec);
            if (c && U_SUCCESS(ec)) {
                UVersionInfo v;
                char mine[U_MAX_VERSION_STRING_LENGTH];
                icu->ucol_getVersion(c, v);
                icu->u_versionToString(v, mine);
                if (strcmp(mine, version) != 0) {
                    icu->ucol_close(c);
                    c = NULL;
                }
            } else if (c) {
                icu->ucol_close(c);
                c = NULL;
            }
            ties = kz_col_i64(s, 2) != 0;
        }
    }
    kz_finalize(s);
    if (!c)
        return 0;
    pd->name_coll = c;
    char *keys[NAME_PROBE];
    for (size_t i = 0; i < NAME_PROBE; i++) {
        kz_buf k = KZ_BUF_INIT; /* owned */
        pg_name_key(st, name_probe[i], &k);
        keys[i] = kz_buf_take(&k);
    }
    bool same = name_probe_agrees(st, keys);
    for (size_t i = 0; i < NAME_PROBE; i++)
        free(keys[i]);
    if (!same) {
        kz_icu()->ucol_close(pd->name_coll);
        pd->name_coll = NULL;
        return 0;
    }
    pd->name_state = ties ? 1 : 2;
    return pd->name_state;
}



static void doc_stats_free(doc_stats *ds)
{
    for (size_t i = 0; i < ds->nmcv; i++)
        free(ds->mcv[i]);
    for (size_t i = 0; i < ds->nhist; i++)
        free(ds->hist[i]);
    free(ds->mcv);
    free(ds->freq);
    free(ds->hist);
    *ds = (doc_stats){0};
}

static void doc_stats_read(kz_store *st, doc_stats *ds)
{
    ds->state = -1;
    /* (a most common text with its frequency, a histogram bound with
     * none, then the table's rows with no text) */
    kz_dbstmt *s = NULL;
    if (st->conn->ops->prepare(
            st->conn,
            "WITH d AS (SELECT s.* FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename "
            "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname WHERE "
            "c.oid = 'lead_text'::regclass AND s.attname = 'doc') "
            "SELECT f, v FROM d, unnest(most_common_freqs, most_common_vals::text::text[]) AS "
            "m (f, v) UNION ALL SELECT NULL, v FROM d, unnest(histogram_bounds::text::text[]) AS "
            "h (v) UNION ALL SELECT reltuples, NULL FROM pg_class WHERE oid = 'lead_text'::regclass",
            &s) != KZ_DB_OK)
        return;
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW) {
        const char *v = kz_col_str(s, 1);
        if (!v) {
            ds->rows = strtod(kz_col_str(s, 0) ? kz_col_str(s, 0) : "0", NULL);
        } else if (!kz_col_null(s, 0)) {
            ds->mcv = kz_xrealloc(ds->mcv, (ds->nmcv + 1) * sizeof *ds->mcv);
            ds->freq = kz_xrealloc(ds->freq, (ds->nmcv + 1) * sizeof *ds->freq);
            ds->freq[ds->nmcv] = strtod(kz_col_str(s, 0), NULL);
            ds->mcv[ds->nmcv++] = kz_xstrdup(v);
        } else {
            ds->hist = kz_xrealloc(ds->hist, (ds->nhist + 1) * sizeof *ds->hist);
            ds->hist[ds->nhist++] = kz_xstrdup(v);
        }
    }
    kz_finalize(s);
    if (rc == KZ_DB_DONE && ds->rows > 0 && (ds->nmcv || ds->nhist))
        ds->state = 1;
    else
        doc_stats_free(ds), ds->state = -1;
}

/* Whether text holds every word of the kept search (its LIKE patterns,
 * '%word%' with %, _ and \ escaped). */
static bool doc_has_words(const kz_store *st, const char *text)
{
    for (size_t i = 0; i < st->hits_nlike; i++) {
        const char *p = st->hits_like[i];
        size_t len = strlen(p);
        char *w = kz_xcalloc(len, 1); /* owned: the word, unescaped */
        size_t n = 0;
        for (size_t k = 1; k + 1 < len; k++)
            w[n++] = p[k] == '\\' && k + 2 < len ? p[++k] : p[k];
        bool in = strstr(text, w) != NULL;
        free(w);
        if (!in)
            return false;
    }
    return true;
}

/* How many leads the kept search's words match, estimated as the planner
 * estimates LIKE: from the texts of its statistics (doc_stats) that hold
 * them. -1: no statistics (a table never analysed). No round trip: the
 * statistics are read once a session, when the board settles. */
static int64_t pg_estimate(kz_store *st)
{
    pg_data *pd = PD(st);
    if (!pd || (st->in_txn && !pd->doc.state))
        return -1; /* (a failed read would abort the transaction) */
    if (!pd->doc.state)
        doc_stats_read(st, &pd->doc);
    if (pd->doc.state < 0)
        return -1;
    const doc_stats *ds = &pd->doc;
    double mcv = 0, mcv_all = 0;
    for (size_t i = 0; i < ds->nmcv; i++) {
        mcv_all += ds->freq[i];
        if (doc_has_words(st, ds->mcv[i]))
            mcv += ds->freq[i];
    }
    size_t hist = 0;
    for (size_t i = 0; i < ds->nhist; i++)
        hist += doc_has_words(st, ds->hist[i]);
    double sel = mcv + (ds->nhist ? (1 - mcv_all) * (double)hist / (double)ds->nhist : 0);
    return (int64_t)(sel * ds->rows + 0.5);
}

const kz_backend kz_backend_pg = {
    .name = "postgresql",
    .open = pg_open,
    .begin_write = "BEGIN",
    .begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    .after_begin = pg_after_begin,
    .before_commit = pg_before_commit,
    .commit_fate = pg_commit_fate,
    .wait_for_locks = pg_wait_for_locks,
    .data_version = pg_data_version,
    .reconnect = pg_reconnect,
    .gone = pg_gone,
    .notices = pg_notices,
    .total_changes = pg_total_changes,
    /* the roles that may sign in and work the pipeline (docs/deployment.md:
     * one per salesperson, members of kariz_team), wherever they run kariz;
     * the accounts of this one machine are not the team, nor are the
     * superusers and the tables' owner, who may change anything */
    .users = "SELECT rolname FROM pg_roles WHERE rolcanlogin AND NOT rolsuper AND "
             "oid <> (SELECT relowner FROM pg_class WHERE oid = 'leads'::regclass) AND "
             "has_table_privilege(oid, 'leads', 'UPDATE') ORDER BY rolname",
    .search_like = true,
    .text_keys = true,
    .name_order = pg_name_order,
    .name_key = pg_name_key,
    .estimate = pg_estimate,
    .settle = pg_settle,
    .exact_hits = KZ_EXACT_HITS,
    .late_rows = true,
    .aborts_on_error = true,
    /* a board whose session ended (killed, its connection dropped) or
     * went back to a pooler is gone at once, not when its heartbeat goes
     * stale: its server process (schema-pg.sql records each entry's) no
     * longer holds the lock pg_presence_claim took */
    .presence_live = " AND (backend, pid) IN (SELECT l.pid, CAST(l.objid AS bigint) FROM "
                     "pg_locks l WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND "
                     "l.classid = " KZ_PG_PRESENCE_LOCK " AND l.granted AND "
                     "l.mode = 'ShareLock' AND l.database = (SELECT oid FROM pg_database "
                     "WHERE datname = current_database()))",
    .presence_claim = pg_presence_claim,
    /* a chunk of rescored leads in one round trip: an UPDATE from the
     * rows of a JSON document, and its grade events from what it wrote */
    .rescore_save =
        "WITH v AS (SELECT * FROM json_to_recordset(?1::json) AS r(id bigint, version bigint, "
        "bump boolean, event boolean, score bigint, grade text, persona text, pain bigint, "
        "interest bigint, fit bigint, budget bigint, authority bigint, need bigint, "
        "timeline bigint, score_at bigint, score_due bigint, old_grade text)), "
        "u AS (UPDATE leads SET score = v.score, grade = v.grade, persona = v.persona, "
        "pain = v.pain, interest = v.interest, fit = v.fit, budget = v.budget, "
        "authority = v.authority, need = v.need, timeline = v.timeline, "
        "score_at = v.score_at, score_due = v.score_due, "
        "version = leads.version + CASE WHEN v.bump THEN 1 ELSE 0 END, "
        "updated = CASE WHEN v.bump THEN ?2::bigint ELSE leads.updated END "
        "FROM v WHERE leads.id = v.id AND leads.version = v.version "
        "RETURNING leads.id, leads.version, v.bump, v.event, v.old_grade, v.grade), "
        "e AS (INSERT INTO events (lead_id, at, version, actor, kind, field, old_value, "
        "new_value) SELECT u.id, ?2::bigint, u.version, ?3::text, 'grade', 'grade', "
        "u.old_grade, u.grade FROM u WHERE u.bump AND u.event ORDER BY u.id RETURNING 1) "
        "SELECT (SELECT count(*) FROM u WHERE u.bump), (SELECT count(*) FROM e)",
    .import_tune = pg_import_tune,
    .before_copy = pg_before_copy,
    .after_copy = pg_after_copy,
    .close = pg_close,
};
