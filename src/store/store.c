/* store.c - opening the database, schema and migrations, transactions,
 * settings, stages and column totals. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kariz/buf.h"
#include "kariz/deploy.h"
#include "kariz/i18n.h"
#include "kariz/icu.h"
#include "kariz/text.h"
#include "store/internal.h"
#include "store/pg_driver.h"

int kz_store_schema_version(void)
{
    return KZ_SCHEMA_VERSION;
}

kz_status kz_db_error_common(kz_store *st, int rc, const char *msg, const char *what,
                             kz_err *err)
{
    const char *where = st && st->where ? st->where : "database";
    switch (kz_db_class(rc)) {
    case KZ_DB_BUSY:
        return kz_err_set(err, KZ_EBUSY,
                          _("%s: the database %s stayed locked by another session for %d ms; "
                            "nothing was changed, try again"),
                          what, where, st ? st->busy_ms : 0);
    case KZ_DB_FULL:
        return kz_err_set(err, KZ_EFULL, _("%s: disk full writing %s; nothing was changed"), what,
                          where);
    case KZ_DB_READONLY:
        return kz_err_set(err, KZ_EREADONLY, _("%s: you may not change %s (%s)"), what, where,
                          msg);
    case KZ_DB_CORRUPT:
    case KZ_DB_NOTADB:
        return kz_err_set(err, KZ_ECORRUPT, _("%s: %s is not a kariz database or is damaged (%s)"),
                          what, where, msg);
    case KZ_DB_IOERR:
        return kz_err_set(err, KZ_EIO, _("%s: I/O error on %s (%s)"), what, where, msg);
    case KZ_DB_CANTOPEN:
        return kz_err_set(err, KZ_EIO, _("%s: cannot open %s (%s)"), what, where, msg);
    case KZ_DB_NOMEM:
        return kz_err_set(err, KZ_ENOMEM, _("%s: out of memory"), what);
    case KZ_DB_CONSTRAINT:
        return kz_err_set(err, KZ_EINVAL, "%s: %s", what, msg);
    case KZ_DB_INTERRUPT:
        return kz_err_set(err, KZ_EBUSY,
                          _("%s: the database %s took too long and the statement was stopped; "
                            "nothing was changed, try again"),
                          what, where);
    case KZ_DB_GONE:
        return kz_err_set(err, KZ_EGONE,
                          _("%s: the database %s is unreachable (%s); nothing was changed"), what,
                          where, msg);
    case KZ_DB_DENIED:
        return kz_err_set(err, KZ_EREADONLY, _("%s: the database %s refused you (%s)"), what,
                          where, msg);
    default:
        return kz_err_set(err, KZ_EDB, "%s: %s", what, msg);
    }
}

kz_status kz_db_error(kz_store *st, int rc, const char *what, kz_err *err)
{
    const char *msg = st && st->conn ? kz_db_errmsg(st) : "";
    if (st && st->be && st->be->error)
        return st->be->error(st, rc, msg, what, err);
    return kz_db_error_common(st, rc, msg, what, err);
}

void kz_stmt_cache_clear(kz_store *st)
{
    kz_import_rows_free(st);
    for (unsigned i = 0; i < KZ_STMT_CACHE; i++) {
        kz_finalize(st->cache[i].stmt);
        free(st->cache[i].sql);
        st->cache[i].sql = NULL;
        st->cache[i].stmt = NULL;
    }
}

const char *kz_col_text(kz_dbstmt *s, int col, kz_buf *scratch, size_t *len)
{
    size_t n = 0;
    const char *v = kz_col_strn(s, col, &n);
    if (n && memchr(v, '\0', n)) {
        kz_buf_reset(scratch);
        for (size_t i = 0; i < n; i++) {
            if (v[i])
                kz_buf_putc(scratch, v[i]);
            else
                kz_buf_puts(scratch, "\xe2\x90\x80");
        }
        v = scratch->s;
        n = scratch->len;
    }
    if (len)
        *len = n;
    return v;
}

kz_dbstmt *kz_stmt(kz_store *st, const char *sql, kz_err *err)
{
    /* a connection found lost since the last statement (a server restart)
     * is made again before a statement outside a transaction; inside one,
     * the transaction is lost and its statements fail, nothing half-done */
    if (!st->in_txn && st->be->gone && st->be->gone(st) && st->be->reconnect) {
        kz_err ignored;
        st->be->reconnect(st, &ignored);
    }
    if (kz_import_sync(st, err) != KZ_OK)
        return NULL;
    /* from the last slot used on: a loop of statements (an import's rows)
     * finds each one at the first or second look */
    for (unsigned k = 0; k < KZ_STMT_CACHE; k++) {
        unsigned i = (st->last_hit + k) % KZ_STMT_CACHE;
        if (st->cache[i].sql && strcmp(st->cache[i].sql, sql) == 0) {
            kz_reset(st->cache[i].stmt);
            kz_clear(st->cache[i].stmt);
            st->last_hit = i;
            return st->cache[i].stmt;
        }
    }
    kz_dbstmt *s = NULL;
    int rc = st->conn->ops->prepare(st->conn, sql, &s);
    if (rc != KZ_DB_OK) {
        kz_db_error(st, rc, _("preparing a query"), err);
        return NULL;
    }
    unsigned slot = KZ_STMT_CACHE;
    for (unsigned i = 0; i < KZ_STMT_CACHE; i++)
        if (!st->cache[i].sql) {
            slot = i;
            break;
        }
    if (slot == KZ_STMT_CACHE) {
        slot = st->next_evict++ % KZ_STMT_CACHE;
        kz_finalize(st->cache[slot].stmt);
        free(st->cache[slot].sql);
    }
    st->cache[slot].sql = kz_xstrdup(sql);
    st->cache[slot].stmt = s;
    st->last_hit = slot;
    return s;
}

int kz_step_insert(kz_store *st, kz_dbstmt *s)
{
    int rc = kz_step(s);
    if (rc == KZ_DB_ROW) {
        st->last_id = kz_col_i64(s, 0);
        rc = kz_step(s);
        if (rc == KZ_DB_ROW)
            rc = KZ_DB_DONE; /* (one row per insert) */
    }
    kz_reset(s);
    return rc;
}

kz_status kz_step_done(kz_store *st, kz_dbstmt *s, const char *what, kz_err *err)
{
    int rc = kz_step(s);
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, what, err);
    return KZ_OK;
}

kz_status kz_exec(kz_store *st, const char *sql, kz_err *err)
{
    kz_status ks = kz_import_sync(st, err);
    if (ks != KZ_OK)
        return ks;
    int rc = st->conn->ops->exec(st->conn, sql);
    if (rc != KZ_DB_OK)
        return kz_db_error(st, rc, _("updating the database"), err);
    return KZ_OK;
}

void kz_bind_text(kz_dbstmt *s, int i, const char *v)
{
    if (v)
        kz_bind_textn(s, i, v, strlen(v));
    else
        kz_bind_null(s, i);
}

void kz_store_build_lead_cols(kz_store *st)
{
    kz_buf b = KZ_BUF_INIT;
    for (int f = 1; f < KZ_F__COUNT; f++) {
        if (f > 1)
            kz_buf_puts(&b, ", ");
        kz_buf_puts(&b, kz_field_get((kz_field)f)->name);
    }
    snprintf(st->lead_cols, sizeof st->lead_cols, "%s", kz_buf_str(&b));
    kz_buf_free(&b);
}

void kz_store_close(kz_store *st)
{
    if (!st)
        return;
    if (st->in_txn)
        kz_store_rollback(st);
    kz_stmt_cache_clear(st);
    if (st->be && st->be->close)
        st->be->close(st);
    if (st->conn)
        st->conn->ops->close(st->conn);
    kz_totals_discard(st);
    free(st->tdelta);
    free(st->insert_sql);
    free(st->hits_text);
    free(st->hits_bits);
    free(st->hits_ids);
    free(st->hits_fold);
    for (size_t i = 0; i < st->hits_nlike; i++)
        free(st->hits_like[i]);
    free(st->hits_like);
    kz_places_forget(st);
    for (size_t i = 0; i < st->places_cap; i++) {
        free(st->places[i].stage);
        free(st->places[i].ids);
    }
    free(st->places);
    for (size_t i = 0; i < st->pages_cap; i++)
        kz_lead_free(&st->pages[i]);
    free(st->pages);
    for (size_t i = 0; i < st->walks_cap; i++) {
        free(st->walks[i].stage);
        free(st->walks[i].ids);
        free(st->walks[i].key);
    }
    free(st->walks);
    free(st->path);
    free(st->where);
    free(st);
}

bool kz_store_target_is_file(const char *target)
{
    return !kz_pg_is_target(target) && !kz_pg_near_target(target);
}

kz_store_opened kz_store_how_opened(const kz_store *st)
{
    return st->opened;
}

bool kz_store_target_exists(const char *target)
{
    return !kz_store_target_is_file(target) || access(target, F_OK) == 0;
}

const char *kz_store_where(const kz_store *st)
{
    return st->where;
}

const char *kz_store_role(const kz_store *st)
{
    return kz_pg_role(st);
}

int kz_store_change_fd(const kz_store *st)
{
    return kz_pg_fd(st);
}

const char *kz_store_backend(const kz_store *st)
{
    return st->be->name;
}

/* A mistyped target as shown in a message. What may hold a password is
 * hidden, more than less: whatever stands between the scheme (its "//",
 * else its ':') and the last '@' before the query, user name and all
 * (of "postgresq://u:p@ss@h/x", "u:p@ss" goes), and each password=
 * value. */
static char *near_target_shown(const char *path)
{
    kz_buf b = KZ_BUF_INIT; /* ownership passes to the caller */
    const char *p = path;
    const char *slashes = strstr(p, "//");
    const char *colon = strchr(p, ':');
    const char *auth = slashes ? slashes + 2 : colon ? colon + 1 : p;
    const char *end = auth + strcspn(auth, "?");
    const char *at = NULL;
    for (const char *q = auth; q < end; q++)
        if (*q == '@')
            at = q;
    if (at) {
        kz_buf_append(&b, p, (size_t)(auth - p));
        kz_buf_puts(&b, "***");
        p = at;
    }
    for (; *p; p++) {
        if (strncasecmp(p, "password", 8) == 0) {
            const char *v = p + 8 + strspn(p + 8, " \t");
            if (*v == '=') {
                v++;
                kz_buf_append(&b, p, (size_t)(v - p));
                kz_buf_puts(&b, "***");
                p = v + strcspn(v, " \t&") - 1;
                continue;
            }
        }
        kz_buf_putc(&b, *p);
    }
    return kz_buf_take(&b);
}

char *kz_store_target_shown(const char *target)
{
    if (kz_pg_is_target(target))
        return kz_pg_redact(target);
    if (kz_pg_near_target(target))
        return near_target_shown(target);
    return kz_xstrdup(target);
}

kz_status kz_store_open(const char *path, unsigned flags, kz_store **out, kz_err *err)
{
    if (kz_pg_near_target(path)) {
        char *shown = near_target_shown(path); /* owned */
        const char *s = path + strspn(path, " \t");
        kz_status ks;
        if (strncasecmp(s, "postgres", 8) == 0 || kz_pg_is_target(s))
            ks = kz_err_set(
                err, KZ_EUSAGE,
                _("%s is not a PostgreSQL connection string kariz can read, and is not taken for "
                  "a file name: a PostgreSQL URI starts with postgresql:// (postgresql:///sales "
                  "is the database sales on the local socket); nothing was created"),
                shown);
        else /* (file:///x.db, sqlite:///x.db, https://...) */
            ks = kz_err_set(err, KZ_EUSAGE,
                            _("%s is a URI kariz cannot open: an SQLite database is named by its "
                              "path (/srv/kariz/sales.db), a PostgreSQL one by a postgresql:// "
                              "URI or libpq keywords; nothing was created"),
                            shown);
        free(shown);
        return ks;
    }
    kz_store *st = kz_xcalloc(1, sizeof *st);
    st->be = kz_pg_is_target(path) ? &kz_backend_pg : &kz_backend_sqlite;
    st->path = kz_xstrdup(path);
    st->where = kz_xstrdup(path);
    st->readonly = (flags & KZ_STORE_READONLY) != 0;
    st->busy_ms = 5000;
    const char *busy = getenv("KARIZ_BUSY_TIMEOUT"); /* milliseconds */
    if (busy && atoi(busy) > 0)
        st->busy_ms = atoi(busy);
    kz_store_build_lead_cols(st);
    st->exact_hits = st->be->exact_hits;
    st->list_hits = KZ_LIST_HITS;
    /* test hook: "EXACT,LIST" search thresholds (see kz_store_search_tune) */
    const char *hits = getenv("KARIZ_SEARCH_HITS");
    long long exact = 0, list = 0;
    if (hits && sscanf(hits, "%lld,%lld", &exact, &list) == 2)
        kz_store_search_tune(st, exact, list);
    kz_status ks = st->be->open(st, flags, err);
    if (ks != KZ_OK) {
        kz_store_close(st);
        return ks;
    }
    *out = st;
    return KZ_OK;
}

bool kz_store_settle(kz_store *st)
{
    return st->be->settle && st->be->settle(st, true);
}

void kz_store_wait_for_locks(kz_store *st, bool wait)
{
    st->be->wait_for_locks(st, wait);
}

kz_status kz_store_data_version(kz_store *st, int64_t *out, kz_err *err)
{
    if (st->version_hold == 2) {
        *out = st->version_held;
        return KZ_OK;
    }
    kz_status ks = st->be->data_version(st, out, err);
    if (ks == KZ_OK && st->version_hold == 1) {
        st->version_held = *out;
        st->version_hold = 2;
    }
    return ks;
}

void kz_store_hold_version(kz_store *st, bool hold)
{
    st->version_hold = hold ? 1 : 0;
}

kz_status kz_store_reachable(kz_store *st, kz_err *err)
{
    if (!st->be->gone || st->in_txn)
        return KZ_OK;
    if (st->be->notices)
        st->be->notices(st);
    if (!st->be->gone(st))
        return KZ_OK;
    int64_t v;
    return st->be->data_version(st, &v, err); /* (which connects again) */
}

bool kz_store_readonly(const kz_store *st)
{
    return st->readonly;
}

/* Runs a BEGIN: its result, or -1 when it could not be prepared (err
 * set). A connection found lost there (a server restarted since the last
 * statement) is made again and the BEGIN tried once more: nothing of this
 * transaction had reached the server, so nothing can happen twice. */
static int begin_stmt(kz_store *st, const char *sql, kz_err *err)
{
    for (int attempt = 0;; attempt++) {
        kz_dbstmt *s = kz_stmt(st, sql, err);
        int rc = s ? kz_step(s) : -1;
        if (s)
            kz_reset(s);
        bool gone = rc == KZ_DB_GONE || (rc == -1 && err && err->code == KZ_EGONE);
        if (!gone || attempt > 0 || !st->be->reconnect || st->be->reconnect(st, err) != KZ_OK)
            return rc;
    }
}

kz_status kz_store_begin(kz_store *st, kz_err *err)
{
    if (st->readonly)
        return kz_err_set(err, KZ_EREADONLY, _("the database %s is open read-only"), st->where);
    if (st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: a transaction is already open"));
    int rc = begin_stmt(st, st->be->begin_write, err);
    if (rc == -1)
        return FAIL_STMT(err);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("starting a change"), err);
    st->in_txn = true;
    st->writing = true;
    if (st->be->after_begin) {
        kz_status ks = st->be->after_begin(st, err);
        if (ks != KZ_OK) {
            kz_store_rollback(st);
            return ks;
        }
    }
    return KZ_OK;
}

kz_status kz_store_begin_read(kz_store *st, kz_err *err)
{
    if (st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: a transaction is already open"));
    /* what searches need, made outside it: reads in a snapshot (reports,
     * triage's queue) may search */
    if (st->be->settle)
        st->be->settle(st, false);
    int rc = begin_stmt(st, st->be->begin_read, err);
    if (rc == -1)
        return FAIL_STMT(err);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading"), err);
    st->in_txn = true;
    return KZ_OK;
}

kz_status kz_store_commit(kz_store *st, kz_err *err)
{
    if (!st->in_txn)
        return KZ_OK;
    /* an import's kept leads first: what the commit's checks count */
    kz_status tks = kz_import_sync(st, err);
    if (tks == KZ_OK)
        tks = kz_totals_flush(st, err);
    if (tks != KZ_OK) {
        kz_store_rollback(st);
        return tks;
    }
    if (st->be->before_commit && (tks = st->be->before_commit(st, err)) != KZ_OK) {
        kz_store_rollback(st);
        return tks;
    }
    kz_dbstmt *s = kz_stmt(st, "COMMIT", err);
    if (!s) {
        kz_status ks = FAIL_STMT(err);
        kz_store_rollback(st);
        return ks;
    }
    int rc = kz_step(s);
    kz_reset(s);
    if (rc == KZ_DB_GONE && st->be->commit_fate) {
        /* the server may have committed before the answer was lost: what
         * it says now decides, so a change is never reported lost (and
         * made again by the user) when it was saved */
        kz_status ks = kz_db_error(st, rc, _("saving"), err);
        int fate = st->be->commit_fate(st);
        kz_store_rollback(st);
        if (fate == 1) {
            kz_err_clear(err);
            return KZ_OK;
        }
        if (fate < 0)
            ks = kz_err_set(err, KZ_EIO,
                            _("saving: the connection to %s was lost during the save and kariz "
                              "could not tell whether it was saved; look before doing it again"),
                            st->where);
        return ks;
    }
    if (rc != KZ_DB_DONE) {
        kz_status ks = kz_db_error(st, rc, _("saving"), err);
        kz_store_rollback(st);
        return ks;
    }
    st->in_txn = st->writing = false;
    st->row_open = false;
    kz_import_forget(st);
    return KZ_OK;
}

void kz_store_rollback(kz_store *st)
{
    st->row_open = false;
    kz_import_forget(st);
    kz_totals_discard(st);
    st->undo_next = false;
    if (!st->in_txn)
        return;
    if (st->conn->ops->in_txn(st->conn))
        st->conn->ops->exec(st->conn, "ROLLBACK");
    st->in_txn = st->writing = false;
    /* the kept search's temp.kz_hits went back too: it is searched again */
    free(st->hits_text);
    st->hits_text = NULL;
}

kz_status kz_store_row_begin(kz_store *st, kz_err *err)
{
    if (!st->be->aborts_on_error || !st->in_txn || kz_import_row_begin(st))
        return KZ_OK;
    kz_status ks = kz_exec(st, "SAVEPOINT kz_row", err);
    st->row_open = ks == KZ_OK;
    return ks;
}

void kz_store_row_end(kz_store *st, bool keep)
{
    if (kz_import_row_end(st, keep))
        return;
    /* (a row that committed its batch part-way has no savepoint left) */
    if (!st->row_open || !st->in_txn)
        return;
    st->row_open = false;
    /* (a failure here leaves the transaction aborted: its commit says so) */
    st->conn->ops->exec(st->conn, keep ? "RELEASE SAVEPOINT kz_row"
                                       : "ROLLBACK TO SAVEPOINT kz_row");
}

bool kz_store_in_txn(const kz_store *st)
{
    return st->in_txn;
}

kz_status kz_store_meta_get(kz_store *st, const char *key, char **out, kz_err *err)
{
    *out = NULL;
    kz_dbstmt *s = kz_stmt(st, "SELECT value FROM meta WHERE key = ?", err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, key);
    int rc = kz_step(s);
    if (rc == KZ_DB_ROW) {
        const char *v = kz_col_str(s, 0);
        *out = v ? kz_xstrdup(v) : NULL;
        rc = KZ_DB_DONE;
    }
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading settings"), err);
    return KZ_OK;
}

kz_status kz_store_meta_set(kz_store *st, const char *key, const char *value, kz_err *err)
{
    bool own = !st->in_txn;
    kz_status ks;
    if (own && (ks = kz_store_begin(st, err)) != KZ_OK)
        return ks;
    kz_dbstmt *s = kz_stmt(
        st, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        err);
    if (!s) {
        if (own)
            kz_store_rollback(st);
        return FAIL_STMT(err);
    }
    kz_bind_text(s, 1, key);
    kz_bind_text(s, 2, value);
    int rc = kz_step(s);
    kz_reset(s);
    if (rc != KZ_DB_DONE) {
        ks = kz_db_error(st, rc, _("saving settings"), err);
        if (own)
            kz_store_rollback(st);
        return ks;
    }
    return own ? kz_store_commit(st, err) : KZ_OK;
}

/* True when the stages table already says exactly what `stages` says. */
static kz_status stages_agree(kz_store *st, const kz_stage *stages, size_t n, bool *agree,
                              kz_err *err)
{
    *agree = false;
    kz_dbstmt *s = kz_stmt(st,
                              "SELECT name, label, position, probability, stale_days, kind "
                              "FROM stages WHERE retired = 0 ORDER BY position",
                              err);
    if (!s)
        return FAIL_STMT(err);
    size_t i = 0;
    bool same = true;
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW) {
        if (i >= n) {
            same = false;
            break;
        }
        const kz_stage *g = &stages[i++];
        const char *label = g->label_rules ? g->label_rules : g->label; /* in any language */
        if (strcmp(kz_col_str(s, 0), g->name) != 0 ||
            strcmp(kz_col_str(s, 1), label) != 0 ||
            (int)kz_col_i64(s, 2) != g->position || (int)kz_col_i64(s, 3) != g->probability ||
            (int)kz_col_i64(s, 4) != g->stale_days ||
            strcmp(kz_col_str(s, 5), kz_stage_kind_names[g->kind]) != 0)
            same = false;
    }
    kz_reset(s);
    if (rc != KZ_DB_ROW && rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading stages"), err);
    *agree = same && i == n;
    return KZ_OK;
}

kz_status kz_store_sync_stages(kz_store *st, const kz_stage *stages, size_t n, kz_err *err)
{
    bool agree;
    kz_status ks = stages_agree(st, stages, n, &agree, err);
    if (ks != KZ_OK || agree || st->readonly)
        return ks;
    bool own = !st->in_txn;
    if (own && (ks = kz_store_begin(st, err)) != KZ_OK)
        return ks;
    /* Positions are unique only among live stages: move everything out of
     * the way first, then write the rules' order. */
    if ((ks = kz_exec(st, "UPDATE stages SET retired = 1, position = position + 100000", err)) !=
        KZ_OK)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        kz_dbstmt *s = kz_stmt(
            st,
            "INSERT INTO stages (name, label, position, probability, stale_days, kind, retired) "
            "VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT (name) DO UPDATE SET label = excluded.label, "
            "position = excluded.position, probability = excluded.probability, "
            "stale_days = excluded.stale_days, kind = excluded.kind, retired = 0",
            err);
        if (!s) {
            ks = FAIL_STMT(err);
            goto fail;
        }
        kz_bind_text(s, 1, stages[i].name);
        kz_bind_text(s, 2, stages[i].label_rules ? stages[i].label_rules : stages[i].label);
        kz_bind_i64(s, 3, stages[i].position);
        kz_bind_i64(s, 4, stages[i].probability);
        kz_bind_i64(s, 5, stages[i].stale_days);
        kz_bind_text(s, 6, kz_stage_kind_names[stages[i].kind]);
        int rc = kz_step(s);
        kz_reset(s);
        if (rc != KZ_DB_DONE) {
            ks = kz_db_error(st, rc, _("saving stages"), err);
            goto fail;
        }
    }
    return own ? kz_store_commit(st, err) : KZ_OK;
fail:
    if (own)
        kz_store_rollback(st);
    return ks;
}

/* The first column of every row of sql, as owned strings. */
static kz_status read_names(kz_store *st, const char *sql, const char *what, char ***out,
                            size_t *n, kz_err *err)
{
    *out = NULL;
    *n = 0;
    kz_dbstmt *s = kz_stmt(st, sql, err);
    if (!s)
        return FAIL_STMT(err);
    size_t cap = 0;
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = kz_xrealloc(*out, cap * sizeof **out);
        }
        (*out)[(*n)++] = kz_xstrdup(kz_col_str(s, 0));
    }
    kz_reset(s);
    if (rc != KZ_DB_DONE) {
        kz_store_owners_free(*out, *n);
        *out = NULL;
        *n = 0;
        return kz_db_error(st, rc, what, err);
    }
    return KZ_OK;
}

kz_status kz_store_owners(kz_store *st, char ***out, size_t *n, kz_err *err)
{
    return read_names(st,
                      "SELECT owner FROM stage_totals WHERE owner <> '' GROUP BY owner "
                      "HAVING sum(n) > 0 ORDER BY owner",
                      _("reading the owners of leads"), out, n, err);
}

kz_status kz_store_users(kz_store *st, bool *listed, char ***out, size_t *n, kz_err *err)
{
    *out = NULL;
    *n = 0;
    *listed = st->be->users != NULL;
    if (!*listed)
        return KZ_OK;
    return read_names(st, st->be->users, _("reading the database's users"), out, n, err);
}

void kz_store_owners_free(char **owners, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(owners[i]);
    free(owners);
}

kz_status kz_store_stage_totals(kz_store *st, const char *owner, bool with_unassigned,
                                kz_stage_total *out, size_t cap, size_t *n, kz_err *err)
{
    *n = 0;
    const char *sql_all =
        "SELECT s.name, s.probability, coalesce(sum(t.n), 0), coalesce(sum(t.value), 0), "
        "coalesce(sum(t.ovr_value), 0), coalesce(sum(t.ovr_weighted), 0) "
        "FROM stages s LEFT JOIN stage_totals t ON t.stage = s.name "
        "GROUP BY s.name HAVING max(s.retired) = 0 OR coalesce(sum(t.n), 0) > 0 "
        "ORDER BY s.retired, s.position";
    const char *sql_owner =
        "SELECT s.name, s.probability, coalesce(sum(t.n), 0), coalesce(sum(t.value), 0), "
        "coalesce(sum(t.ovr_value), 0), coalesce(sum(t.ovr_weighted), 0) "
        "FROM stages s LEFT JOIN stage_totals t ON t.stage = s.name AND t.owner = ? "
        "GROUP BY s.name HAVING max(s.retired) = 0 OR coalesce(sum(t.n), 0) > 0 "
        "ORDER BY s.retired, s.position";
    /* (an unowned lead's totals are under the owner '') */
    const char *sql_mine =
        "SELECT s.name, s.probability, coalesce(sum(t.n), 0), coalesce(sum(t.value), 0), "
        "coalesce(sum(t.ovr_value), 0), coalesce(sum(t.ovr_weighted), 0) "
        "FROM stages s LEFT JOIN stage_totals t ON t.stage = s.name AND t.owner IN (?, '') "
        "GROUP BY s.name HAVING max(s.retired) = 0 OR coalesce(sum(t.n), 0) > 0 "
        "ORDER BY s.retired, s.position";
    kz_dbstmt *s = kz_stmt(st, !owner ? sql_all : with_unassigned ? sql_mine : sql_owner, err);
    if (!s)
        return FAIL_STMT(err);
    if (owner)
        kz_bind_text(s, 1, owner);
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW && *n < cap) {
        kz_stage_total *t = &out[(*n)++];
        snprintf(t->stage, sizeof t->stage, "%s", kz_col_str(s, 0));
        int64_t prob = kz_col_i64(s, 1);
        t->count = kz_col_i64(s, 2);
        t->value = kz_col_i64(s, 3);
        int64_t ovr_value = kz_col_i64(s, 4);
        int64_t ovr_weighted = kz_col_i64(s, 5);
        t->weighted = ((t->value - ovr_value) * prob + ovr_weighted) / 100;
    }
    kz_reset(s);
    if (rc != KZ_DB_ROW && rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading column totals"), err);
    return KZ_OK;
}

bool kz_coll_sort_key(const struct UCollator *coll, const char *s, int32_t n, kz_buf *out)
{
    const kz_icu_api *icu = kz_icu(); /* (loaded: there is a collator) */
    UErrorCode ec = U_ZERO_ERROR;
    int32_t nu = 0;
    UChar ubuf[256], *u = ubuf; /* u owned when not ubuf */
    icu->u_strFromUTF8WithSub(ubuf, 256, &nu, s, n, 0xFFFD, NULL, &ec);
    if (ec == U_BUFFER_OVERFLOW_ERROR) {
        ec = U_ZERO_ERROR;
        u = kz_xcalloc((size_t)nu + 1, sizeof *u);
        icu->u_strFromUTF8WithSub(u, nu + 1, NULL, s, n, 0xFFFD, NULL, &ec);
    }
    if (U_SUCCESS(ec)) {
        uint8_t kbuf[512], *k = kbuf; /* k owned when not kbuf */
        int32_t nk = icu->ucol_getSortKey(coll, u, nu, kbuf, (int32_t)sizeof kbuf);
        if (nk > (int32_t)sizeof kbuf) {
            k = kz_xcalloc((size_t)nk, 1);
            nk = icu->ucol_getSortKey(coll, u, nu, k, nk);
        }
        kz_buf_append(out, (const char *)k, nk > 0 ? (size_t)nk : 0);
        if (k != kbuf)
            free(k);
    }
    if (u != ubuf)
        free(u);
    return U_SUCCESS(ec);
}
