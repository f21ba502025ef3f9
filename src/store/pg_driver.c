/* pg_driver.c - the PostgreSQL driver (libpq) behind driver.h; see
 * pg_driver.h for what it does beyond the common interface. */
#include <ctype.h>
#include <dlfcn.h>
#include <inttypes.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "kariz/buf.h"
#include "kariz/dl.h"
#include "kariz/text.h"
#include "kariz/i18n.h"
#include "store/pg_driver.h"

#define PG_MAX_PARAMS 65535
#define PG_POOL 32 /* finalized statements kept prepared for the same SQL */
#define PG_TEXT_OID 25 /* the type of a parameter the SQL never names */

typedef struct pg_conn pg_conn;
typedef struct pg_stmt pg_stmt;

struct pg_conn {
    kz_dbconn base;
    PGconn *pg;            /* owned */
    uint64_t gen;          /* bumped by each reconnect: prepared statements die with it */
    uint64_t next_name;    /* statement names: kz1, kz2, ... */
    char *err;             /* owned: the last failure's text */
    char sqlstate[6];      /* ... and its SQLSTATE */
    int64_t changes;
    bool inserted;         /* an INSERT succeeded in this session: lastval() may be asked */
    bool lastval_known;    /* lastval() answered once in this session: it cannot fail now */
    char **listens;        /* owned: the channels listened to, for a reconnect */
    size_t nlistens;
    char **settings;       /* owned: the session's SETs made through exec, for a reconnect */
    size_t nsettings;
    struct {
        char *sql;         /* owned: rewritten */
        char name[24];
    } pool[PG_POOL];       /* statements finalized but still prepared on the server,
                            * oldest first: a prepare of the same SQL takes one */
    size_t npool;
    kz_buf dealloc;        /* DEALLOCATEs of statements the pool let go, sent
                            * before the next command outside a transaction */
    int64_t notices;       /* notifications from other sessions */
    int self;              /* the server process of this session, as the
                            * server numbers it (0: not asked yet) */
    pg_stmt *stmts;        /* the open statements, so close can let go of them */
};

struct pg_stmt {
    kz_dbstmt base;
    pg_conn *c;            /* NULL once the connection is closed */
    pg_stmt *prev, *next;  /* c->stmts */
    char *sql;             /* owned: rewritten to $N */
    char name[24];
    uint64_t gen;          /* the generation it was prepared in; 0: not prepared */
    int nparams;
    bool *used;            /* owned: parameter i+1 appears in the SQL */
    char **vals;           /* owned: each parameter as text, NULL for SQL NULL */
    bool bad_bind;         /* a parameter number out of range was bound: step fails */
    int bad_index;         /* ... this one */
    PGresult *res;         /* owned: the result being handed out */
    int row, nrows;        /* the row col_* read: res's row-th; nrows in res */
    int ncols;             /* columns in its last result (0 before it ran) */
    kz_buf copy;           /* (copy_open) the rows kept, in COPY's text format */
};

static const kz_stmt_ops pg_stmt_ops;
static const kz_conn_ops pg_conn_ops;

/* ---- libpq, loaded when first needed ------------------------------------ */

/* libpq is opened by the first connection to PostgreSQL, not when kariz
 * starts: it brings some twenty libraries (TLS, Kerberos, LDAP) that every
 * SQLite command would otherwise load, about 8 ms of each start. Its
 * soname has been libpq.so.5 since PostgreSQL 8.2. */
#define KZ_LIBPQ "libpq.so.5"
#define KZ_PQ_FUNCS(X) \
    X(PQbackendPID) \
    X(PQclear) \
    X(PQcmdStatus) \
    X(PQcmdTuples) \
    X(PQconnectdbParams) \
    X(PQconnectionNeedsPassword) \
    X(PQconninfoFree) \
    X(PQconninfoParse) \
    X(PQconsumeInput) \
    X(PQdb) \
    X(PQerrorMessage) \
    X(PQescapeIdentifier) \
    X(PQexec) \
    X(PQexecPrepared) \
    X(PQfinish) \
    X(PQfreemem) \
    X(PQgetResult) \
    X(PQgetisnull) \
    X(PQgetlength) \
    X(PQgetvalue) \
    X(PQnfields) \
    X(PQnotifies) \
    X(PQparameterStatus) \
    X(PQntuples) \
    X(PQprepare) \
    X(PQputCopyData) \
    X(PQputCopyEnd) \
    X(PQreset) \
    X(PQresultErrorField) \
    X(PQresultErrorMessage) \
    X(PQresultStatus) \
    X(PQsetNoticeProcessor) \
    X(PQsocket) \
    X(PQstatus) \
    X(PQtransactionStatus) \
    X(PQuser)
static struct {
#define X(f) __typeof__(f) *f;
    KZ_PQ_FUNCS(X)
#undef X
} pq;
static pthread_once_t pq_once = PTHREAD_ONCE_INIT;
static char pq_failure[512]; /* why libpq could not be loaded; "" when it was */

#ifdef KARIZ_LIBPQ_DIR
#define KZ_LIBPQ_DIR KARIZ_LIBPQ_DIR
#else
#define KZ_LIBPQ_DIR NULL
#endif

static void pq_load(void)
{
    char why[400];
    void *h = kz_dl_open(KZ_LIBPQ, KZ_LIBPQ_DIR, why, sizeof why);
    if (!h) {
        snprintf(pq_failure, sizeof pq_failure,
                 _("PostgreSQL needs the libpq library, which could not be loaded (%s): "
                   "install it (Debian: apt-get install libpq5)"),
                 why);
        return;
    }
#define X(f)                                                                             \
    if (!(pq.f = (__typeof__(f) *)dlsym(h, #f))) {                                        \
        snprintf(pq_failure, sizeof pq_failure,                                          \
                 _("%s lacks %s, which kariz needs to use PostgreSQL"), KZ_LIBPQ, #f); \
        return;                                                                          \
    }
    KZ_PQ_FUNCS(X)
#undef X
}

/* Whether libpq is loaded; if not, *errmsg (when not NULL) says why, malloc'd. */
static bool pq_ready(char **errmsg)
{
    pthread_once(&pq_once, pq_load);
    if (!pq_failure[0])
        return true;
    if (errmsg)
        *errmsg = kz_xstrdup(pq_failure);
    return false;
}

/* ---- messages ------------------------------------------------------------ */

/* s as one line: every run of control characters and spaces is one space,
 * or ". " where it held a line break after a line that ends without a
 * stop and before a capital (libpq's "Connection refused\n\tIs the server
 * running...?"; a line that goes on in small letters continues its
 * sentence, as in "terminated abnormally\n\tbefore or while ..."), none
 * at either end; with strip, libpq's "ERROR:  " and "FATAL:  " prefixes
 * dropped (a message libpq wrote, rather than the server's fields). */
static void one_line(kz_buf *out, const char *s, bool strip)
{
    static const char *const prefixes[] = {"ERROR:  ", "FATAL:  ", "PANIC:  "};
    bool space = false, line = false;
    while (s && *s) {
        bool dropped = false;
        for (size_t i = 0; strip && i < sizeof prefixes / sizeof prefixes[0]; i++) {
            size_t n = strlen(prefixes[i]);
            if (strncmp(s, prefixes[i], n) == 0) {
                s += n;
                dropped = true;
                break;
            }
        }
        if (dropped)
            continue;
        unsigned char ch = (unsigned char)*s++;
        if (ch <= ' ' || ch == 0x7f) {
            space = out->len > 0;
            line = line || (space && (ch == '\n' || ch == '\r') &&
                            !strchr(".:;,", out->s[out->len - 1]));
            continue;
        }
        if (space)
            kz_buf_puts(out, line && isupper(ch) ? ". " : " ");
        space = line = false;
        kz_buf_putc(out, (char)ch);
    }
}

static void set_err(pg_conn *c, const char *sqlstate, const char *msg, bool strip)
{
    kz_buf b = KZ_BUF_INIT;
    one_line(&b, msg, strip);
    if (!b.len)
        kz_buf_puts(&b, _("the database server gave no reason"));
    free(c->err);
    c->err = kz_buf_take(&b);
    snprintf(c->sqlstate, sizeof c->sqlstate, "%s", sqlstate ? sqlstate : "");
}

int kz_pg_class(const char *st)
{
    if (!st || strlen(st) != 5)
        return KZ_DB_ERROR;
    if (strcmp(st, "23503") == 0)
        return KZ_DB_FOREIGN;
    if (strncmp(st, "23", 2) == 0)
        return KZ_DB_CONSTRAINT;
    if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 || strcmp(st, "55P03") == 0)
        return KZ_DB_BUSY;
    if (strcmp(st, "57014") == 0)
        return KZ_DB_INTERRUPT;
    if (strcmp(st, "53100") == 0)
        return KZ_DB_FULL;
    if (strcmp(st, "53200") == 0)
        return KZ_DB_NOMEM;
    if (strcmp(st, "42501") == 0 || strcmp(st, "25006") == 0)
        return KZ_DB_READONLY;
    if (strncmp(st, "28", 2) == 0 || strcmp(st, "3D000") == 0)
        return KZ_DB_DENIED;
    if (strncmp(st, "08", 2) == 0 || strcmp(st, "57P01") == 0 || strcmp(st, "57P02") == 0 ||
        strcmp(st, "57P03") == 0)
        return KZ_DB_GONE;
    if (strcmp(st, "XX001") == 0 || strcmp(st, "XX002") == 0)
        return KZ_DB_CORRUPT;
    return KZ_DB_ERROR;
}

/* Records a failed result (or a NULL one: out of memory, or no connection)
 * and returns its class. A connection that went bad is KZ_DB_GONE
 * whatever the server said last. */
static int fail_result(pg_conn *c, const PGresult *r)
{
    const char *st = r ? pq.PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = r ? pq.PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = r ? pq.PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
    kz_buf b = KZ_BUF_INIT;
    if (primary) {
        kz_buf_puts(&b, primary);
        if (detail) {
            kz_buf_puts(&b, ": ");
            kz_buf_puts(&b, detail);
        }
    } else {
        kz_buf_puts(&b, r && *pq.PQresultErrorMessage(r) ? pq.PQresultErrorMessage(r)
                                                       : pq.PQerrorMessage(c->pg));
    }
    set_err(c, st, kz_buf_str(&b), !primary);
    kz_buf_free(&b);
    if (pq.PQstatus(c->pg) == CONNECTION_BAD)
        return KZ_DB_GONE;
    if (!r && !st)
        return KZ_DB_NOMEM;
    return kz_pg_class(st);
}

/* ---- rewriting ?N to $N ---------------------------------------------------- */

static bool ident_char(unsigned char ch)
{
    return isalnum(ch) || ch == '_' || ch == '$' || ch >= 0x80;
}

/* The length of a dollar-quote tag ($$ or $tag$) starting at s, 0 if none. */
static size_t dollar_tag(const char *s)
{
    size_t n = 1;
    if (s[n] != '$') {
        unsigned char ch = (unsigned char)s[n];
        if (!(isalpha(ch) || ch == '_' || ch >= 0x80))
            return 0;
        while (s[n] && s[n] != '$' && (isalnum((unsigned char)s[n]) || s[n] == '_' ||
                                       (unsigned char)s[n] >= 0x80))
            n++;
        if (s[n] != '$')
            return 0;
    }
    return n + 1;
}

/* The rewrite of kz_pg_rewrite; *used (when not NULL) gets a malloc'd
 * array of *nparams flags: whether the SQL names parameter i+1. */
static char *rewrite(const char *sql, int *nparams, bool **used, char **errmsg)
{
    kz_buf out = KZ_BUF_INIT;
    int *named = NULL; /* the numbers in the order the SQL names them */
    size_t nnamed = 0, cap = 0;
    int highest = 0;
    const char *p = sql;
    *nparams = 0;
    if (used)
        *used = NULL;
    if (errmsg)
        *errmsg = NULL;
    while (*p) {
        unsigned char prev = p > sql ? (unsigned char)p[-1] : ' ';
        const char *start = p;
        size_t tag;
        if (*p == '\'') {
            /* E'...' takes backslash escapes; '' is a quote in either */
            bool esc = (prev == 'E' || prev == 'e') &&
                       (p - 1 == sql || !ident_char((unsigned char)p[-2]));
            p++;
            while (*p) {
                if (esc && *p == '\\' && p[1]) {
                    p += 2;
                } else if (*p++ == '\'') {
                    if (*p != '\'')
                        break;
                    p++;
                }
            }
        } else if (*p == '"') {
            p++;
            while (*p) {
                if (*p++ == '"') {
                    if (*p != '"')
                        break;
                    p++;
                }
            }
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            int depth = 1; /* PostgreSQL's block comments nest */
            p += 2;
            while (*p && depth) {
                if (p[0] == '/' && p[1] == '*') {
                    depth++;
                    p += 2;
                } else if (p[0] == '*' && p[1] == '/') {
                    depth--;
                    p += 2;
                } else {
                    p++;
                }
            }
        } else if (*p == '$' && !ident_char(prev) && (tag = dollar_tag(p))) {
            p += tag;
            while (*p && strncmp(p, start, tag) != 0)
                p++;
            if (*p)
                p += tag;
        } else if (*p == '?') {
            const char *d = ++p;
            long n = 0;
            while (isdigit((unsigned char)*p)) {
                if (n <= PG_MAX_PARAMS)
                    n = n * 10 + (*p - '0');
                p++;
            }
            if (p == d)
                n = highest + 1;
            if (n < 1 || n > PG_MAX_PARAMS) {
                if (errmsg) {
                    kz_buf e = KZ_BUF_INIT;
                    if (p == d)
                        kz_buf_printf(&e, _("more than %d parameters"), PG_MAX_PARAMS);
                    else
                        kz_buf_printf(&e, _("parameter ?%.*s is out of range (1 to %d)"),
                                      (int)(p - d), d, PG_MAX_PARAMS);
                    *errmsg = kz_buf_take(&e);
                }
                free(named);
                kz_buf_free(&out);
                return NULL;
            }
            if (n > highest)
                highest = (int)n;
            if (nnamed == cap) {
                cap = cap ? 2 * cap : 16;
                named = kz_xrealloc(named, cap * sizeof *named);
            }
            named[nnamed++] = (int)n;
            kz_buf_printf(&out, "$%ld", n);
            continue;
        } else {
            p++;
        }
        kz_buf_append(&out, start, (size_t)(p - start));
    }
    *nparams = highest;
    if (used) {
        *used = kz_xcalloc((size_t)highest + 1, sizeof **used);
        for (size_t i = 0; i < nnamed; i++)
            (*used)[named[i] - 1] = true;
    }
    free(named);
    return kz_buf_take(&out);
}

char *kz_pg_rewrite(const char *sql, int *nparams, char **errmsg)
{
    return rewrite(sql, nparams, NULL, errmsg);
}

/* ---- commands -------------------------------------------------------------- */

/* Sends the DEALLOCATEs of statements finalized since the last command,
 * outside a transaction only: they wait for its end, so that they could
 * never abort it. */
static void flush_dealloc(pg_conn *c)
{
    if (!c->dealloc.len || pq.PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        return;
    pq.PQclear(pq.PQexec(c->pg, kz_buf_str(&c->dealloc)));
    kz_buf_reset(&c->dealloc);
}

/* Notes what a successful command did: its row count, an INSERT. */
static void note_command(pg_conn *c, const PGresult *r)
{
    const char *tag = pq.PQcmdStatus((PGresult *)r);
    if (strncmp(tag, "INSERT ", 7) == 0 || strncmp(tag, "UPDATE ", 7) == 0 ||
        strncmp(tag, "DELETE ", 7) == 0 || strncmp(tag, "MERGE ", 6) == 0) {
        c->changes = strtoll(pq.PQcmdTuples((PGresult *)r), NULL, 10);
        if (tag[0] == 'I')
            c->inserted = true;
    }
}

/* Keeps a finalized statement's server statement (its name, and sql,
 * whose ownership passes) for a later prepare of the same SQL; the oldest
 * kept goes when the pool is full. */
static void pool_put(pg_conn *c, char *sql, const char *name)
{
    if (c->npool == PG_POOL) {
        kz_buf_printf(&c->dealloc, "DEALLOCATE %s;", c->pool[0].name);
        free(c->pool[0].sql);
        memmove(&c->pool[0], &c->pool[1], (PG_POOL - 1) * sizeof c->pool[0]);
        c->npool--;
    }
    c->pool[c->npool].sql = sql;
    snprintf(c->pool[c->npool].name, sizeof c->pool[c->npool].name, "%s", name);
    c->npool++;
}

/* Takes the kept server statement of sql into name; false when none. */
static bool pool_take(pg_conn *c, const char *sql, char *name, size_t n)
{
    for (size_t i = 0; i < c->npool; i++) {
        if (strcmp(c->pool[i].sql, sql) == 0) {
            snprintf(name, n, "%s", c->pool[i].name);
            free(c->pool[i].sql);
            memmove(&c->pool[i], &c->pool[i + 1], (c->npool - i - 1) * sizeof c->pool[0]);
            c->npool--;
            return true;
        }
    }
    return false;
}

/* The session's prepared statements are gone (a new session, DISCARD ALL):
 * nothing is kept nor to deallocate. */
static void pool_drop(pg_conn *c)
{
    for (size_t i = 0; i < c->npool; i++)
        free(c->pool[i].sql);
    c->npool = 0;
    kz_buf_reset(&c->dealloc);
}

/* ---- statements ------------------------------------------------------------ */

/* Prepares with the types in types (0: the server infers it). Inside a
 * transaction a failure would abort it: the attempt runs in a savepoint. */
static PGresult *prepare_once(pg_conn *c, pg_stmt *s, const Oid *types, bool in_txn)
{
    if (in_txn) {
        PGresult *sp = pq.PQexec(c->pg, "SAVEPOINT kz_prepare");
        bool ok = sp && pq.PQresultStatus(sp) == PGRES_COMMAND_OK;
        pq.PQclear(sp);
        if (!ok)
            return pq.PQprepare(c->pg, s->name, s->sql, s->nparams, types);
    }
    PGresult *r = pq.PQprepare(c->pg, s->name, s->sql, s->nparams, types);
    if (in_txn) {
        bool ok = r && pq.PQresultStatus(r) == PGRES_COMMAND_OK;
        PGresult *end = pq.PQexec(c->pg, ok ? "RELEASE SAVEPOINT kz_prepare"
                                          : "ROLLBACK TO SAVEPOINT kz_prepare");
        pq.PQclear(end);
    }
    return r;
}

static int stmt_prepare_server(pg_stmt *s)
{
    pg_conn *c = s->c;
    Oid *types = kz_xcalloc((size_t)s->nparams + 1, sizeof *types);
    for (int i = 0; i < s->nparams; i++) {
        if (!s->used[i]) {
            /* the server cannot infer the type of a parameter the SQL
             * never names: it takes any text */
            types[i] = PG_TEXT_OID;
        }
    }
    flush_dealloc(c);
    snprintf(s->name, sizeof s->name, "kz%" PRIu64, ++c->next_name);
    PGTransactionStatusType ts = pq.PQtransactionStatus(c->pg);
    bool in_txn = ts == PQTRANS_INTRANS;
    PGresult *r = prepare_once(c, s, types, in_txn);
    /* a parameter only ever tested (`?2 IS NULL OR ...`), which SQLite
     * takes as it comes: the server cannot tell its type, so it is text,
     * which PostgreSQL then converts where the SQL compares it */
    for (int tries = 0; tries < s->nparams && r && pq.PQresultStatus(r) != PGRES_COMMAND_OK;
         tries++) {
        const char *state = pq.PQresultErrorField(r, PG_DIAG_SQLSTATE);
        const char *msg = pq.PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        const char *dollar = msg ? strrchr(msg, '$') : NULL;
        int n = dollar ? atoi(dollar + 1) : 0;
        /* (42P18: indeterminate, 42P08: ambiguous parameter type) */
        bool untyped = state && (strcmp(state, "42P18") == 0 || strcmp(state, "42P08") == 0);
        if (!untyped || n < 1 || n > s->nparams || types[n - 1] == PG_TEXT_OID)
            break;
        types[n - 1] = PG_TEXT_OID;
        pq.PQclear(r);
        r = prepare_once(c, s, types, in_txn);
    }
    free(types);
    int rc = KZ_DB_OK;
    if (!r || pq.PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = fail_result(c, r);
    else
        s->gen = c->gen;
    pq.PQclear(r);
    return rc;
}

static void stmt_drop_result(pg_stmt *s)
{
    pq.PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    s->nrows = 0;
}

/* Runs the statement (prepared again first if its session's statements
 * are gone): KZ_DB_ROW with s->res holding the rows, KZ_DB_DONE, or the
 * failure's class. */
static int stmt_execute(pg_stmt *s)
{
    pg_conn *c = s->c;
    if (s->gen != c->gen) {
        int rc = stmt_prepare_server(s);
        if (rc != KZ_DB_OK)
            return rc;
    }
    flush_dealloc(c);
    PGresult *r = pq.PQexecPrepared(c->pg, s->name, s->nparams, (const char *const *)s->vals, NULL,
                                 NULL, 0);
    ExecStatusType status = r ? pq.PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_TUPLES_OK) {
        note_command(c, r);
        s->ncols = pq.PQnfields(r);
        s->nrows = pq.PQntuples(r);
        if (s->nrows == 0) {
            pq.PQclear(r);
            return KZ_DB_DONE;
        }
        s->res = r;
        s->row = 0;
        return KZ_DB_ROW;
    }
    if (status == PGRES_COMMAND_OK || status == PGRES_EMPTY_QUERY) {
        note_command(c, r);
        pq.PQclear(r);
        return KZ_DB_DONE;
    }
    int rc = fail_result(c, r);
    pq.PQclear(r);
    return rc;
}

static int pg_step(kz_dbstmt *st)
{
    pg_stmt *s = (pg_stmt *)st;
    pg_conn *c = s->c;
    if (s->res) {
        if (++s->row < s->nrows)
            return KZ_DB_ROW;
        stmt_drop_result(s); /* the next step runs it again, as SQLite's does */
        return KZ_DB_DONE;
    }
    if (!c)
        return KZ_DB_GONE; /* its connection was closed */
    if (s->bad_bind) {
        kz_buf b = KZ_BUF_INIT;
        kz_buf_printf(&b, _("no parameter %d in the statement (it has %d): %s"), s->bad_index,
                      s->nparams, s->sql);
        set_err(c, "", kz_buf_str(&b), false);
        kz_buf_free(&b);
        return KZ_DB_ERROR;
    }
    int rc = stmt_execute(s);
    if (rc == KZ_DB_ERROR && strcmp(c->sqlstate, "0A000") == 0 && s->gen == c->gen) {
        /* "cached plan must not change result type": a table it reads
         * changed (a migration by another process) since it was prepared.
         * Prepare it again; run it again now unless that failure aborted
         * a transaction, which the caller rolls back and retries. */
        kz_buf_printf(&c->dealloc, "DEALLOCATE %s;", s->name);
        s->gen = 0;
        if (pq.PQtransactionStatus(c->pg) == PQTRANS_IDLE)
            rc = stmt_execute(s);
    }
    return rc;
}

static void pg_reset(kz_dbstmt *st)
{
    stmt_drop_result((pg_stmt *)st);
}

static void pg_clear(kz_dbstmt *st)
{
    pg_stmt *s = (pg_stmt *)st;
    for (int i = 0; i < s->nparams; i++) {
        free(s->vals[i]);
        s->vals[i] = NULL;
    }
    s->bad_bind = false;
}

/* The slot of parameter i, NULL (and the step will fail) when there is none. */
static char **param_slot(pg_stmt *s, int i)
{
    if (i < 1 || i > s->nparams) {
        s->bad_bind = true;
        s->bad_index = i;
        return NULL;
    }
    free(s->vals[i - 1]);
    s->vals[i - 1] = NULL;
    return &s->vals[i - 1];
}

static void pg_bind_i64(kz_dbstmt *st, int i, int64_t v)
{
    char **slot = param_slot((pg_stmt *)st, i);
    if (slot) {
        char num[24];
        snprintf(num, sizeof num, "%" PRId64, v);
        *slot = kz_xstrdup(num);
    }
}

static void pg_bind_text(kz_dbstmt *st, int i, const char *v, size_t len)
{
    char **slot = param_slot((pg_stmt *)st, i);
    if (!slot || !v)
        return;
    if (kz_utf8_valid(v, len)) {
        *slot = kz_xstrndup(v, len);
        return;
    }
    /* PostgreSQL's text holds only UTF-8: a byte that is not (a file in
     * another encoding, a hostile value) is kept as U+FFFD, which is how
     * kariz shows such a byte on screen on either engine */
    kz_buf b = KZ_BUF_INIT; /* ownership passes to the slot */
    for (size_t k = 0; k < len;) {
        long cp;
        int n = kz_utf8_decode(v + k, len - k, &cp);
        if (cp < 0) {
            kz_buf_puts(&b, "\xef\xbf\xbd");
            k += n > 0 ? (size_t)n : 1;
        } else {
            kz_buf_append(&b, v + k, (size_t)n);
            k += (size_t)n;
        }
    }
    *slot = kz_buf_take(&b);
}

static void pg_bind_null(kz_dbstmt *st, int i)
{
    param_slot((pg_stmt *)st, i);
}

static bool has_col(const pg_stmt *s, int col)
{
    return s->res && s->row >= 0 && s->row < s->nrows && col >= 0 && col < pq.PQnfields(s->res);
}

static bool pg_col_null(kz_dbstmt *st, int col)
{
    pg_stmt *s = (pg_stmt *)st;
    return !has_col(s, col) || pq.PQgetisnull(s->res, s->row, col);
}

static int64_t pg_col_i64(kz_dbstmt *st, int col)
{
    pg_stmt *s = (pg_stmt *)st;
    if (pg_col_null(st, col))
        return 0;
    const char *v = pq.PQgetvalue(s->res, s->row, col);
    if (strcmp(v, "t") == 0)
        return 1;
    if (strcmp(v, "f") == 0)
        return 0;
    return strtoll(v, NULL, 10);
}

static const char *pg_col_text(kz_dbstmt *st, int col, size_t *len)
{
    pg_stmt *s = (pg_stmt *)st;
    if (pg_col_null(st, col)) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = (size_t)pq.PQgetlength(s->res, s->row, col);
    return pq.PQgetvalue(s->res, s->row, col);
}

static int pg_col_count(kz_dbstmt *st)
{
    return ((pg_stmt *)st)->ncols;
}

static void stmt_unlink(pg_stmt *s)
{
    if (!s->c)
        return;
    if (s->prev)
        s->prev->next = s->next;
    else
        s->c->stmts = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->prev = s->next = NULL;
}

static void pg_finalize(kz_dbstmt *st)
{
    pg_stmt *s = (pg_stmt *)st;
    stmt_drop_result(s);
    if (s->c && s->gen == s->c->gen) {
        pool_put(s->c, s->sql, s->name);
        s->sql = NULL;
    }
    stmt_unlink(s);
    pg_clear(st);
    free(s->vals);
    free(s->used);
    free(s->sql);
    free(s);
}

static const kz_stmt_ops pg_stmt_ops = {
    .step = pg_step,
    .reset = pg_reset,
    .clear = pg_clear,
    .bind_i64 = pg_bind_i64,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .col_null = pg_col_null,
    .col_i64 = pg_col_i64,
    .col_text = pg_col_text,
    .col_count = pg_col_count,
    .finalize = pg_finalize,
};

/* ---- rows for COPY ---------------------------------------------------------- */

/* Appends v to a COPY text-format row: a backslash, a tab, a newline and a
 * carriage return escaped, NULL as \N. */
static void copy_value(kz_buf *b, const char *v)
{
    if (!v) {
        kz_buf_puts(b, "\\N");
        return;
    }
    for (const char *p = v; *p; p++) {
        switch (*p) {
        case '\\': kz_buf_puts(b, "\\\\"); break;
        case '\t': kz_buf_puts(b, "\\t"); break;
        case '\n': kz_buf_puts(b, "\\n"); break;
        case '\r': kz_buf_puts(b, "\\r"); break;
        default: kz_buf_putc(b, *p);
        }
    }
}

/* A step keeps the bound row (parameters as pg_bind_* hold them: text,
 * UTF-8 only) and clears nothing: the caller binds every column. */
static int copy_step(kz_dbstmt *st)
{
    pg_stmt *s = (pg_stmt *)st;
    if (s->bad_bind) {
        kz_buf b = KZ_BUF_INIT;
        kz_buf_printf(&b, _("no parameter %d in the statement (it has %d): %s"), s->bad_index,
                      s->nparams, s->sql);
        if (s->c)
            set_err(s->c, "", kz_buf_str(&b), false);
        kz_buf_free(&b);
        return KZ_DB_ERROR;
    }
    for (int i = 0; i < s->nparams; i++) {
        if (i)
            kz_buf_putc(&s->copy, '\t');
        copy_value(&s->copy, s->vals[i]);
    }
    kz_buf_putc(&s->copy, '\n');
    return KZ_DB_DONE;
}

static void copy_reset(kz_dbstmt *st)
{
    (void)st;
}

static bool copy_col_null(kz_dbstmt *st, int col)
{
    (void)st, (void)col;
    return true;
}

static int64_t copy_col_i64(kz_dbstmt *st, int col)
{
    (void)st, (void)col;
    return 0;
}

static const char *copy_col_text(kz_dbstmt *st, int col, size_t *len)
{
    (void)st, (void)col;
    if (len)
        *len = 0;
    return NULL;
}

static void copy_finalize(kz_dbstmt *st)
{
    pg_stmt *s = (pg_stmt *)st;
    stmt_unlink(s);
    pg_clear(st);
    kz_buf_free(&s->copy);
    free(s->vals);
    free(s->sql);
    free(s);
}

static const kz_stmt_ops pg_copy_ops = {
    .step = copy_step,
    .reset = copy_reset,
    .clear = pg_clear,
    .bind_i64 = pg_bind_i64,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .col_null = copy_col_null,
    .col_i64 = copy_col_i64,
    .col_text = copy_col_text,
    .col_count = pg_col_count,
    .finalize = copy_finalize,
};

static int pg_copy_open(kz_dbconn *cc, const char *copy_sql, int ncols, kz_dbstmt **out)
{
    pg_conn *c = (pg_conn *)cc;
    pg_stmt *s = kz_xcalloc(1, sizeof *s);
    s->base.ops = &pg_copy_ops;
    s->row = -1;
    s->sql = kz_xstrdup(copy_sql);
    s->nparams = ncols;
    s->vals = kz_xcalloc((size_t)ncols + 1, sizeof *s->vals);
    s->c = c;
    s->next = c->stmts;
    if (c->stmts)
        c->stmts->prev = s;
    c->stmts = s;
    *out = &s->base;
    return KZ_DB_OK;
}

static size_t pg_copy_size(kz_dbstmt *st)
{
    return ((pg_stmt *)st)->copy.len;
}

static void pg_copy_cut(kz_dbstmt *st, size_t size)
{
    pg_stmt *s = (pg_stmt *)st;
    if (size < s->copy.len) {
        s->copy.len = size;
        s->copy.s[size] = '\0';
    }
}

static int pg_copy_send(kz_dbstmt *st, size_t upto)
{
    pg_stmt *s = (pg_stmt *)st;
    pg_conn *c = s->c;
    if (upto > s->copy.len)
        upto = s->copy.len;
    if (!upto)
        return KZ_DB_DONE;
    if (!c)
        return KZ_DB_GONE;
    PGresult *r = pq.PQexec(c->pg, s->sql);
    if (!r || pq.PQresultStatus(r) != PGRES_COPY_IN) {
        int rc = fail_result(c, r);
        pq.PQclear(r);
        return rc;
    }
    pq.PQclear(r);
    /* in pieces of 1 MiB, so the server parses while the rest arrives */
    bool sent = true;
    for (size_t off = 0; sent && off < upto;) {
        size_t n = upto - off < (1u << 20) ? upto - off : (1u << 20);
        sent = pq.PQputCopyData(c->pg, s->copy.s + off, (int)n) == 1;
        off += n;
    }
    pq.PQputCopyEnd(c->pg, sent ? NULL : "kariz could not send the rows");
    int rc = KZ_DB_DONE;
    while ((r = pq.PQgetResult(c->pg))) {
        if (rc == KZ_DB_DONE && pq.PQresultStatus(r) == PGRES_COMMAND_OK) {
            c->changes = strtoll(pq.PQcmdTuples(r), NULL, 10);
            c->inserted = true;
        } else if (rc == KZ_DB_DONE) {
            rc = fail_result(c, r);
        }
        pq.PQclear(r);
    }
    if (rc == KZ_DB_DONE && pq.PQstatus(c->pg) == CONNECTION_BAD)
        rc = fail_result(c, NULL);
    /* the rows sent are forgotten, those after upto kept */
    memmove(s->copy.s, s->copy.s + upto, s->copy.len - upto);
    s->copy.len -= upto;
    s->copy.s[s->copy.len] = '\0';
    return rc;
}

/* ---- the connection --------------------------------------------------------- */

static int pg_prepare(kz_dbconn *cc, const char *sql, kz_dbstmt **out)
{
    pg_conn *c = (pg_conn *)cc;
    *out = NULL;
    char *why = NULL;
    pg_stmt *s = kz_xcalloc(1, sizeof *s);
    s->base.ops = &pg_stmt_ops;
    s->row = -1;
    s->sql = rewrite(sql, &s->nparams, &s->used, &why);
    if (!s->sql) {
        set_err(c, "", why, false);
        free(why);
        free(s);
        return KZ_DB_ERROR;
    }
    s->vals = kz_xcalloc((size_t)s->nparams + 1, sizeof *s->vals);
    s->c = c;
    s->next = c->stmts;
    if (c->stmts)
        c->stmts->prev = s;
    c->stmts = s;
    if (pool_take(c, s->sql, s->name, sizeof s->name)) {
        s->gen = c->gen;
        *out = &s->base;
        return KZ_DB_OK;
    }
    int rc = stmt_prepare_server(s);
    if (rc != KZ_DB_OK) {
        pg_finalize(&s->base);
        return rc;
    }
    *out = &s->base;
    return KZ_DB_OK;
}

/* The first n words of sql (letters, digits, '_' and '.'), lower case. */
static void first_words(const char *sql, char words[][64], int n)
{
    const char *p = sql;
    for (int w = 0; w < n; w++) {
        p += strspn(p, " \t\r\n");
        size_t len = 0;
        while (*p && (isalnum((unsigned char)*p) || *p == '_' || *p == '.')) {
            if (len + 1 < 64)
                words[w][len++] = (char)tolower((unsigned char)*p);
            p++;
        }
        words[w][len] = '\0';
    }
}

/* The name of the setting a session SET or RESET names (lower case, in
 * name, size n), or false when sql is no such statement: SET LOCAL, SET
 * TRANSACTION and SET CONSTRAINTS end with the transaction. RESET ALL and
 * DISCARD ALL are the name "all". */
static bool session_setting(const char *sql, bool *reset, char *name, size_t n)
{
    char words[3][64];
    first_words(sql, words, 3);
    const char *what;
    if (strcmp(words[0], "set") == 0 && strcmp(words[1], "session") == 0)
        what = words[2];
    else if (strcmp(words[0], "set") == 0 || strcmp(words[0], "reset") == 0)
        what = words[1];
    else if (strcmp(words[0], "discard") == 0 && strcmp(words[1], "all") == 0)
        what = "all";
    else
        return false;
    if (!*what || strcmp(what, "local") == 0 || strcmp(what, "transaction") == 0 ||
        strcmp(what, "constraints") == 0 || strcmp(what, "characteristics") == 0)
        return false;
    *reset = words[0][0] != 's';
    snprintf(name, n, "%s", what);
    return true;
}

/* Keeps what a successful exec changed of the session's settings, for a
 * reconnect: the last SET of each setting, none after its RESET. */
static void note_setting(pg_conn *c, const char *sql)
{
    char name[64], other[64];
    bool reset, r2;
    if (!session_setting(sql, &reset, name, sizeof name))
        return;
    size_t keep = 0;
    for (size_t i = 0; i < c->nsettings; i++) {
        session_setting(c->settings[i], &r2, other, sizeof other);
        if (strcmp(name, "all") == 0 || strcmp(name, other) == 0)
            free(c->settings[i]);
        else
            c->settings[keep++] = c->settings[i];
    }
    c->nsettings = keep;
    if (!reset) {
        c->settings = kz_xrealloc(c->settings, (c->nsettings + 1) * sizeof *c->settings);
        c->settings[c->nsettings++] = kz_xstrdup(sql);
    }
}

static void remember(char ***list, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i], s) == 0)
            return;
    *list = kz_xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = kz_xstrdup(s);
}

static int pg_exec(kz_dbconn *cc, const char *sql)
{
    pg_conn *c = (pg_conn *)cc;
    flush_dealloc(c);
    PGresult *r = pq.PQexec(c->pg, sql);
    ExecStatusType status = r ? pq.PQresultStatus(r) : PGRES_FATAL_ERROR;
    int rc = KZ_DB_DONE;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
        note_command(c, r);
        note_setting(c, sql);
        char words[2][64];
        first_words(sql, words, 2);
        if ((strcmp(words[0], "discard") == 0 || strcmp(words[0], "deallocate") == 0) &&
            strcmp(words[1], "all") == 0) {
            /* every prepared statement is gone (and with DISCARD ALL, what
             * lastval() knew): prepare each again on its next step */
            c->gen++;
            c->inserted = c->lastval_known = false;
            pool_drop(c);
        }
        rc = KZ_DB_OK;
    } else {
        rc = fail_result(c, r);
    }
    pq.PQclear(r);
    return rc;
}

static int64_t pg_changes(kz_dbconn *cc)
{
    return ((pg_conn *)cc)->changes;
}

/* One value from a query without parameters, malloc'd; NULL when it failed
 * (then recorded as the last failure when record is set). */
static char *query_value(pg_conn *c, const char *sql, bool record)
{
    PGresult *r = pq.PQexec(c->pg, sql);
    char *v = NULL;
    if (r && pq.PQresultStatus(r) == PGRES_TUPLES_OK && pq.PQntuples(r) == 1 && pq.PQnfields(r) >= 1 &&
        !pq.PQgetisnull(r, 0, 0))
        v = kz_xstrdup(pq.PQgetvalue(r, 0, 0));
    else if (record)
        fail_result(c, r);
    pq.PQclear(r);
    return v;
}

static int64_t pg_last_id(kz_dbconn *cc)
{
    pg_conn *c = (pg_conn *)cc;
    if (!c->inserted)
        return 0;
    /* lastval() fails while no sequence was used in the session (an INSERT
     * into a table without an identity column), and a failure inside a
     * transaction would abort it: ask under a savepoint until it answered
     * once, after which it cannot fail */
    bool guard = !c->lastval_known && pq.PQtransactionStatus(c->pg) == PQTRANS_INTRANS;
    if (guard)
        pq.PQclear(pq.PQexec(c->pg, "SAVEPOINT kz_lastval"));
    char *v = query_value(c, "SELECT lastval()", false);
    if (guard)
        pq.PQclear(pq.PQexec(c->pg, v ? "RELEASE SAVEPOINT kz_lastval"
                                : "ROLLBACK TO SAVEPOINT kz_lastval; RELEASE SAVEPOINT kz_lastval"));
    int64_t id = v ? strtoll(v, NULL, 10) : 0;
    if (v)
        c->lastval_known = true;
    free(v);
    return id;
}

static const char *pg_errmsg(kz_dbconn *cc)
{
    pg_conn *c = (pg_conn *)cc;
    return c->err ? c->err : "";
}

static bool pg_in_txn(kz_dbconn *cc)
{
    PGTransactionStatusType t = pq.PQtransactionStatus(((pg_conn *)cc)->pg);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

static void pg_close(kz_dbconn *cc)
{
    pg_conn *c = (pg_conn *)cc;
    if (!c)
        return;
    for (pg_stmt *s = c->stmts, *next; s; s = next) {
        next = s->next;
        s->c = NULL;
        s->prev = s->next = NULL;
    }
    pq.PQfinish(c->pg);
    for (size_t i = 0; i < c->nlistens; i++)
        free(c->listens[i]);
    free(c->listens);
    for (size_t i = 0; i < c->nsettings; i++)
        free(c->settings[i]);
    free(c->settings);
    pool_drop(c);
    kz_buf_free(&c->dealloc);
    free(c->err);
    free(c);
}

static const kz_conn_ops pg_conn_ops = {
    .prepare = pg_prepare,
    .exec = pg_exec,
    .changes = pg_changes,
    .last_id = pg_last_id,
    .errmsg = pg_errmsg,
    .in_txn = pg_in_txn,
    .close = pg_close,
    .copy_open = pg_copy_open,
    .copy_size = pg_copy_size,
    .copy_cut = pg_copy_cut,
    .copy_send = pg_copy_send,
};

/* ---- PostgreSQL's own ------------------------------------------------------- */

bool kz_pg_is_target(const char *s)
{
    if (!s)
        return false;
    if (strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0)
        return true;
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    while (isalnum((unsigned char)*s) || *s == '_')
        s++;
    while (*s == ' ' || *s == '\t') /* (libpq allows "dbname = sales") */
        s++;
    return *s == '=';
}

bool kz_pg_near_target(const char *s)
{
    if (!s || kz_pg_is_target(s))
        return false;
    s += strspn(s, " \t"); /* (" postgresql://..." pasted with a space) */
    if (kz_pg_is_target(s))
        return true;
    const char *p = s;
    if (isalpha((unsigned char)*p)) {
        while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
            p++;
        if (p - s >= 2 && strncmp(p, "://", 3) == 0)
            return true; /* scheme:// */
    }
    if (strncasecmp(s, "postgres", 8) != 0)
        return false;
    p = s + 8;
    if (strncasecmp(p, "ql", 2) == 0)
        p += 2;
    return *p == ':' || strncmp(p, "//", 2) == 0;
}

/* Notices (NOTICE: relation already exists, skipping) would be written to
 * stderr, over the board: kariz has nothing to show of them. */
static void quiet_notice(void *arg, const char *message)
{
}

/* A byte of a word: an ASCII letter or digit, or '_'. A byte of a
 * character beyond ASCII is none, so that a password stays hidden between
 * the quotes of a translated message (»secret«, “secret”): a password
 * beside a letter of another script is hidden too, which is the safe
 * side. */
static bool word_byte(unsigned char c)
{
    return (c < 0x80 && isalnum(c)) || c == '_';
}

/* Replaces each copy of the n bytes at secret (when there are any) in b
 * by "***": each copy that stands as a word of its own, or between the
 * separators of a connection string (":secret@", "=secret "). A password
 * within a longer word is no copy of it: hiding "e" in "connection"
 * would garble the message and tell the password by the gaps. */
static void hide(kz_buf *b, const char *secret, size_t n)
{
    if (!secret || !n)
        return;
    char *needle = kz_xstrndup(secret, n);
    kz_buf out = KZ_BUF_INIT;
    const char *start = kz_buf_str(b), *p = start, *from = start, *hit;
    while ((hit = strstr(from, needle))) {
        bool left = hit == start || !word_byte((unsigned char)hit[-1]) ||
                    !word_byte((unsigned char)needle[0]);
        bool right = !word_byte((unsigned char)hit[n]) || !word_byte((unsigned char)needle[n - 1]);
        if (!left || !right) {
            from = hit + 1;
            continue;
        }
        kz_buf_append(&out, p, (size_t)(hit - p));
        kz_buf_puts(&out, "***");
        p = from = hit + n;
    }
    kz_buf_puts(&out, p);
    free(needle);
    kz_buf_free(b);
    *b = out;
}

/* The message of a failed connection as one line, without the password:
 * the one the string gives, as libpq read it and as it was written (a
 * string libpq could not read may be quoted back in its message). */
static char *connect_message(const char *conninfo, const char *msg)
{
    kz_buf b = KZ_BUF_INIT;
    one_line(&b, msg, true);
    if (!b.len)
        kz_buf_puts(&b, _("the database server gave no reason"));
    PQconninfoOption *opts = pq.PQconninfoParse(conninfo, NULL);
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val)
            hide(&b, o->val, strlen(o->val));
    pq.PQconninfoFree(opts);
    const char *p = strstr(conninfo, "://");
    const char *ends = p ? "'& \t\n" : "' \t\n"; /* a URI's parameters end at '&' */
    if (p) {
        /* scheme://user:password@host...: the password as written */
        p += 3;
        size_t auth = strcspn(p, "@/?");
        const char *colon = memchr(p, ':', auth);
        if (p[auth] == '@' && colon)
            hide(&b, colon + 1, (size_t)(p + auth - colon - 1));
    }
    for (p = conninfo; (p = strstr(p, "password"));) {
        /* password = value, or password='value' */
        p += 8;
        const char *v = p + strspn(p, " \t\n");
        if (*v != '=')
            continue;
        v++;
        v += strspn(v, " \t\n");
        if (*v == '\'')
            v++;
        size_t n = strcspn(v, ends);
        hide(&b, v, n);
        p = v + n;
    }
    return kz_buf_take(&b);
}

/* What to do about a connection the server or a pooler refused for its
 * set-up (a missing database or role, a role without CONNECT), or NULL:
 * their own words say what, not what the team does about it. PgBouncer's
 * do not name the role or the database: the hint does. */
static char *connect_hint(PGconn *pg, const char *msg)
{
    const char *user = pq.PQuser(pg) ? pq.PQuser(pg) : "", *db = pq.PQdb(pg) ? pq.PQdb(pg) : "";
    kz_buf b = KZ_BUF_INIT; /* owned until taken */
    if (strstr(msg, "no such user"))
        /* (a pooler that asks the server: a role it has not, or not
         * with LOGIN) */
        kz_buf_printf(&b,
                      _("the pooler found no role \"%s\" that may log in: create it (LOGIN) and "
                        "make it a member of the team's role (see docs/deployment.md)"),
                      user);
    else if (strstr(msg, "unix socket login rejected")) {
        /* (peer: a Unix login asking for another role, or a role the
         * pooler's auth_file does not list) */
        struct passwd *pw = getpwuid(geteuid());
        if (pw && strcmp(pw->pw_name, user) != 0)
            kz_buf_printf(&b,
                          _("the pooler lets a Unix login in only as the role of its own name: "
                            "sign in as \"%s\" (leave user= and $PGUSER out; see "
                            "docs/deployment.md)"),
                          pw->pw_name);
        else
            kz_buf_printf(&b,
                          _("the pooler's auth_file (userlist.txt) does not list role \"%s\": "
                            "have it added there (see docs/deployment.md)"),
                          user);
    }
    else if (strstr(msg, "login rejected"))
        /* (no line of its auth_hba_file lets this database and role in) */
        kz_buf_printf(&b,
                      _("the pooler's auth_hba_file has no line that lets role \"%s\" into "
                        "database \"%s\": use the database it serves (see docs/deployment.md)"),
                      user, db);
    else if (strstr(msg, "no such database"))
        kz_buf_printf(&b,
                      _("the pooler lists no database \"%s\" in its [databases]: use a name it "
                        "lists, or add it there (see docs/deployment.md)"),
                      db);
    /* (through PgBouncer, the server's refusal without its detail) */
    else if (strstr(msg, "CONNECT privilege") || strstr(msg, "permission denied for database"))
        kz_buf_puts(&b, _("the role may not connect to this database: make it a member of the "
                          "team's role, or of the readers' role to read only, whichever has "
                          "CONNECT on it (see docs/deployment.md)"));
    /* (the server's own: no line of pg_hba.conf for this role, database
     * and way of connecting, or one that refuses it) */
    else if (strstr(msg, "no pg_hba.conf entry") || strstr(msg, "pg_hba.conf rejects"))
        kz_buf_printf(&b,
                      _("no line of the server's pg_hba.conf lets role \"%s\" into database "
                        "\"%s\" this way: the team's lines name the team's and the readers' "
                        "roles, so make it a member of one (create it first if it is missing), "
                        "or add a line (see docs/deployment.md)"),
                      user, db);
    else if (strstr(msg, "does not exist") && strstr(msg, "database \""))
        kz_buf_puts(&b, _("create the database first (createdb), then run `kariz init` on it (see "
                          "docs/deployment.md)"));
    else if (strstr(msg, "does not exist") && strstr(msg, "role \""))
        kz_buf_puts(&b, _("create the role and make it a member of the team's role (see "
                          "docs/deployment.md)"));
    /* PgBouncer's refusal of what it cannot pass on (options=, $PGOPTIONS) */
    else if (strstr(msg, "unsupported startup parameter"))
        kz_buf_puts(&b, _("the pooler does not pass it on to the server: leave it out of the "
                          "connection string and $PGOPTIONS, and set what it set for the role "
                          "instead (ALTER ROLE ... SET)"));
    if (b.len)
        return kz_buf_take(&b);
    kz_buf_free(&b);
    return NULL;
}

char *kz_pg_connect_message(const char *conninfo, const char *msg)
{
    return pq_ready(NULL) ? connect_message(conninfo, msg) : kz_xstrdup(msg);
}

/* Whether a failed connection's message says the server refused the role
 * or the database, rather than that there was no server to ask or that
 * it could not take the connection now (starting, shutting down, too
 * many connections). */
static bool refused(PGconn *pg, const char *msg)
{
    static const char *const words[] = {
        "authentication failed", "does not exist", "no pg_hba.conf entry", "pg_hba.conf rejects",
        "no password supplied", "permission denied", "not permitted to log in",
        /* (PgBouncer's: "server login has been failing" is a server
         * restarting, to be tried again) */
        "no such user", "login rejected", "no such database", "unsupported startup parameter"};
    if (pq.PQconnectionNeedsPassword(pg))
        return true;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(msg, words[i]))
            return true;
    return false;
}

int kz_pg_connect(const char *conninfo, kz_dbconn **out, char **errmsg)
{
    /* dbname is expanded as a connection string; the keywords after it
     * override what it says (client_encoding), fallback_application_name
     * gives way to an application_name it or $PGAPPNAME sets */
    /* a server that does not answer (a network cut, not a refusal) is
     * given up after 10 s, unless the string or $PGCONNECT_TIMEOUT says
     * otherwise: a board says "unreachable" instead of hanging on it
     * (keywords before dbname yield to what the string sets) */
    const char *timeout = getenv("PGCONNECT_TIMEOUT");
    const char *const keys[] = {"connect_timeout", "dbname", "client_encoding",
                                "fallback_application_name", NULL};
    const char *const vals[] = {timeout && *timeout ? timeout : "10", conninfo, "UTF8", "kariz",
                                NULL};
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (!pq_ready(errmsg))
        return KZ_DB_CANTOPEN;
    PGconn *pg = pq.PQconnectdbParams(keys, vals, 1);
    if (!pg) {
        if (errmsg)
            *errmsg = kz_xstrdup(_("out of memory"));
        return KZ_DB_NOMEM;
    }
    if (pq.PQstatus(pg) != CONNECTION_OK) {
        const char *msg = pq.PQerrorMessage(pg);
        int rc = refused(pg, msg) ? KZ_DB_DENIED : KZ_DB_CANTOPEN;
        if (errmsg) {
            *errmsg = connect_message(conninfo, msg);
            char *hint = connect_hint(pg, msg);
            if (hint) {
                kz_buf b = KZ_BUF_INIT; /* ownership passes to *errmsg */
                size_t n = strlen(*errmsg);
                while (n && (*errmsg)[n - 1] == ' ')
                    n--;
                if (n && (*errmsg)[n - 1] == '.') /* (the server's sentence ends here) */
                    n--;
                kz_buf_printf(&b, "%.*s; %s", (int)n, *errmsg, hint);
                free(hint);
                free(*errmsg);
                *errmsg = kz_buf_take(&b);
            }
        }
        pq.PQfinish(pg);
        return rc;
    }
    pq.PQsetNoticeProcessor(pg, quiet_notice, NULL);
    pg_conn *c = kz_xcalloc(1, sizeof *c);
    c->base.ops = &pg_conn_ops;
    c->pg = pg;
    c->gen = 1;
    *out = &c->base;
    return KZ_DB_OK;
}

int kz_pg_socket(kz_dbconn *cc)
{
    pg_conn *c = (pg_conn *)cc;
    return c && pq.PQstatus(c->pg) == CONNECTION_OK ? pq.PQsocket(c->pg) : -1;
}

bool kz_pg_gone(kz_dbconn *cc)
{
    return pq.PQstatus(((pg_conn *)cc)->pg) == CONNECTION_BAD;
}

static int listen_on(pg_conn *c, const char *channel)
{
    char *id = pq.PQescapeIdentifier(c->pg, channel, strlen(channel));
    if (!id) {
        set_err(c, "", pq.PQerrorMessage(c->pg), true);
        return pq.PQstatus(c->pg) == CONNECTION_BAD ? KZ_DB_GONE : KZ_DB_ERROR;
    }
    kz_buf sql = KZ_BUF_INIT;
    /* ... and, in the same round trip, the number of the session's server
     * process, which its own notifications carry: behind a pooler the
     * number the connection reported (PQbackendPID) is the pooler's own */
    kz_buf_printf(&sql, "LISTEN %s; SELECT pg_backend_pid()", id);
    pq.PQfreemem(id);
    PGresult *r = pq.PQexec(c->pg, kz_buf_str(&sql));
    kz_buf_free(&sql);
    int rc = KZ_DB_OK;
    if (r && pq.PQresultStatus(r) == PGRES_TUPLES_OK && pq.PQntuples(r) == 1)
        c->self = atoi(pq.PQgetvalue(r, 0, 0));
    else
        rc = fail_result(c, r);
    pq.PQclear(r);
    return rc;
}

int kz_pg_listen(kz_dbconn *cc, const char *channel)
{
    pg_conn *c = (pg_conn *)cc;
    int rc = listen_on(c, channel);
    if (rc == KZ_DB_OK)
        remember(&c->listens, &c->nlistens, channel);
    return rc;
}

int64_t kz_pg_notices(kz_dbconn *cc)
{
    pg_conn *c = (pg_conn *)cc;
    PGnotify *n;
    pq.PQconsumeInput(c->pg);
    int self = c->self ? c->self : pq.PQbackendPID(c->pg);
    while ((n = pq.PQnotifies(c->pg))) {
        if (n->be_pid != self)
            for (size_t i = 0; i < c->nlistens; i++)
                if (strcmp(c->listens[i], n->relname) == 0) {
                    c->notices++;
                    break;
                }
        pq.PQfreemem(n);
    }
    return c->notices;
}

const char *kz_pg_sqlstate(kz_dbconn *cc)
{
    return ((pg_conn *)cc)->sqlstate;
}

int kz_pg_reconnect(kz_dbconn *cc)
{
    pg_conn *c = (pg_conn *)cc;
    pq.PQreset(c->pg);
    if (pq.PQstatus(c->pg) != CONNECTION_OK) {
        set_err(c, "", pq.PQerrorMessage(c->pg), true);
        return KZ_DB_GONE;
    }
    /* a new session: nothing prepared, no sequence used, no settings */
    c->gen++;
    c->self = 0;
    c->inserted = c->lastval_known = false;
    pool_drop(c);
    for (size_t i = 0; i < c->nsettings; i++) {
        PGresult *r = pq.PQexec(c->pg, c->settings[i]);
        int rc = r && pq.PQresultStatus(r) == PGRES_COMMAND_OK ? KZ_DB_OK : fail_result(c, r);
        pq.PQclear(r);
        if (rc != KZ_DB_OK)
            return rc;
    }
    for (size_t i = 0; i < c->nlistens; i++) {
        int rc = listen_on(c, c->listens[i]);
        if (rc != KZ_DB_OK)
            return rc;
    }
    return KZ_DB_OK;
}

char *kz_pg_user(kz_dbconn *cc)
{
    pg_conn *c = (pg_conn *)cc;
    /* the server reports it when the session starts (and whenever it
     * changes): no round trip; a server or pooler that does not is asked */
    const char *v = pq.PQparameterStatus(c->pg, "session_authorization");
    if (v && *v)
        return kz_xstrdup(v);
    return query_value(c, "SELECT session_user", true);
}
