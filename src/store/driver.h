/* driver.h - private to src/store/: the small interface every database
 * engine implements (SQLite in sqlite.c, PostgreSQL in pg_driver.c). The
 * store's logic (leads.c, log.c, rescore.c, ...) prepares, binds, steps and
 * reads columns through it and never names an engine.
 *
 * SQL reaches a driver as both engines accept it: parameters are written
 * `?` or `?N` (1-based); a driver whose engine spells them otherwise
 * rewrites them (PostgreSQL's $N). What the engines do differently (opening
 * and its checks, schema and migrations, search, the change feed) lives in
 * the backends (struct kz_backend, below), not in the SQL of the logic. */
#ifndef KARIZ_STORE_DRIVER_H
#define KARIZ_STORE_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What step, exec and prepare return: a row, done, or the class of the
 * failure. The classes are numbered as SQLite's primary result codes, so
 * the SQLite driver hands an engine code through unchanged (an extended
 * code's low byte is its class: kz_db_class). */
enum {
    KZ_DB_OK = 0,
    KZ_DB_ERROR = 1,       /* anything else: the message says what */
    KZ_DB_BUSY = 5,        /* a lock another session holds, past the wait */
    KZ_DB_NOMEM = 7,
    KZ_DB_READONLY = 8,    /* not allowed to write (file mode, role, read-only open) */
    KZ_DB_INTERRUPT = 9,   /* a statement timeout or a cancel */
    KZ_DB_IOERR = 10,
    KZ_DB_CORRUPT = 11,
    KZ_DB_FULL = 13,       /* disk full */
    KZ_DB_CANTOPEN = 14,
    KZ_DB_CONSTRAINT = 19, /* a unique, check or not-null constraint */
    KZ_DB_NOTADB = 26,
    KZ_DB_ROW = 100,       /* step: a row is ready */
    KZ_DB_DONE = 101,      /* step: no more rows */
    KZ_DB_FOREIGN = 787,   /* a foreign key (SQLite's CONSTRAINT_FOREIGNKEY) */
    KZ_DB_GONE = 1000,     /* the connection to the server was lost */
    KZ_DB_DENIED = 1001,   /* the server refused the role (authentication, grants) */
};
/* The class of a failure code (KZ_DB_FOREIGN is a KZ_DB_CONSTRAINT). */
static inline int kz_db_class(int rc)
{
    return rc >= KZ_DB_GONE ? rc : rc & 0xff;
}

/* ---- statements ---- */
typedef struct kz_dbstmt kz_dbstmt;
typedef struct kz_stmt_ops {
    int (*step)(kz_dbstmt *s);   /* KZ_DB_ROW, KZ_DB_DONE or a failure */
    void (*reset)(kz_dbstmt *s); /* back to before the first step; bindings kept */
    void (*clear)(kz_dbstmt *s); /* every parameter back to NULL */
    void (*bind_i64)(kz_dbstmt *s, int i, int64_t v);
    void (*bind_text)(kz_dbstmt *s, int i, const char *v, size_t len); /* copied */
    void (*bind_null)(kz_dbstmt *s, int i);
    bool (*col_null)(kz_dbstmt *s, int col);
    int64_t (*col_i64)(kz_dbstmt *s, int col); /* 0 for NULL; a boolean is 0 or 1 */
    /* NULL for SQL NULL; valid until the next step, reset or finalize */
    const char *(*col_text)(kz_dbstmt *s, int col, size_t *len);
    int (*col_count)(kz_dbstmt *s);
    void (*finalize)(kz_dbstmt *s);
} kz_stmt_ops;
/* Each driver's statement starts with this. */
struct kz_dbstmt {
    const kz_stmt_ops *ops;
};

static inline int kz_step(kz_dbstmt *s) { return s->ops->step(s); }
static inline void kz_reset(kz_dbstmt *s) { s->ops->reset(s); }
static inline void kz_clear(kz_dbstmt *s) { s->ops->clear(s); }
static inline void kz_bind_i64(kz_dbstmt *s, int i, int64_t v) { s->ops->bind_i64(s, i, v); }
static inline void kz_bind_null(kz_dbstmt *s, int i) { s->ops->bind_null(s, i); }
static inline void kz_bind_textn(kz_dbstmt *s, int i, const char *v, size_t n)
{
    s->ops->bind_text(s, i, v, n);
}
static inline bool kz_col_null(kz_dbstmt *s, int c) { return s->ops->col_null(s, c); }
static inline int64_t kz_col_i64(kz_dbstmt *s, int c) { return s->ops->col_i64(s, c); }
/* The column's text as stored (NULL for SQL NULL); see kz_col_text in
 * internal.h for text shown to people. */
static inline const char *kz_col_str(kz_dbstmt *s, int c) { return s->ops->col_text(s, c, NULL); }
static inline const char *kz_col_strn(kz_dbstmt *s, int c, size_t *len)
{
    return s->ops->col_text(s, c, len);
}
static inline int kz_col_count(kz_dbstmt *s) { return s->ops->col_count(s); }
static inline void kz_finalize(kz_dbstmt *s)
{
    if (s)
        s->ops->finalize(s);
}

/* ---- connections ---- */
typedef struct kz_dbconn kz_dbconn;
typedef struct kz_conn_ops {
    /* *out owned by the caller (kz_finalize); a failure code otherwise */
    int (*prepare)(kz_dbconn *c, const char *sql, kz_dbstmt **out);
    /* SQL without results, one statement or several separated by ';' */
    int (*exec)(kz_dbconn *c, const char *sql);
    int64_t (*changes)(kz_dbconn *c); /* rows the last INSERT/UPDATE/DELETE changed */
    int64_t (*last_id)(kz_dbconn *c); /* the id the last INSERT gave its row */
    const char *(*errmsg)(kz_dbconn *c); /* the last failure's text */
    bool (*in_txn)(kz_dbconn *c);        /* inside a transaction (engine's view) */
    void (*close)(kz_dbconn *c);
    /* Bulk rows, for an engine that loads them faster than it runs one
     * INSERT per row (NULL: it has none). copy_open gives a statement of
     * ncols parameters (the columns of copy_sql, `COPY t (a, b) FROM
     * STDIN`, in order) whose step runs nothing: it keeps the bound row
     * (KZ_DB_DONE); bindings are kept, so bind every column each time.
     * copy_size is how much is kept, copy_cut forgets the rows kept after
     * an earlier size, copy_send sends the rows kept up to an earlier size
     * (SIZE_MAX: all) in one command and forgets them, keeping those after
     * (KZ_DB_DONE or the failure; a row the server refuses fails the whole
     * command). */
    int (*copy_open)(kz_dbconn *c, const char *copy_sql, int ncols, kz_dbstmt **out);
    size_t (*copy_size)(kz_dbstmt *s);
    void (*copy_cut)(kz_dbstmt *s, size_t size);
    int (*copy_send)(kz_dbstmt *s, size_t upto);
} kz_conn_ops;
struct kz_dbconn {
    const kz_conn_ops *ops;
};

#endif
