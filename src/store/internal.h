/* internal.h - private to src/store/: the connection and its statement
 * cache. Nothing outside src/store/ includes this file. */
#ifndef KARIZ_STORE_INTERNAL_H
#define KARIZ_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "kariz/buf.h"
#include "kariz/store.h"

#define KZ_STMT_CACHE 96
#define KZ_COUNT_CACHE 64
#define KZ_EXACT_HITS 2000  /* searches with more matches walk each column's index */
#define KZ_LIST_HITS 50000  /* ... and with more than this, check each lead's text */
#define KZ_BITMAP_IDS (1 << 24) /* a search's bitmap holds ids below this (2 MiB) */

/* How a kept search's matches are kept (see search_hits in leads.c). */
enum { KZ_HITS_IDS, KZ_HITS_BITMAP, KZ_HITS_CHECK };

struct kz_store {
    sqlite3 *db;            /* owned */
    char *path;             /* owned */
    bool readonly;
    bool snapshot;          /* opened immutable: nobody had it open, and its directory is
                             * not writable for the -shm file (see open_snapshot) */
    int64_t dv_bias;        /* added to data_version: it changes when the connection does */
    int64_t snap_size;      /* the snapshot's file when it was opened */
    struct timespec snap_mtime;
    bool in_txn;
    bool undo_next;         /* the next lead save logs its events as an undo */
    int busy_ms;
    int wal_frames;         /* pages in the write-ahead log after the last commit */
    bool no_autockpt;       /* an import checkpoints between its batches instead */
    struct {
        char *sql;          /* owned */
        sqlite3_stmt *stmt; /* owned */
    } cache[KZ_STMT_CACHE];
    unsigned next_evict;
    unsigned last_hit;      /* the slot kz_stmt returned last: the search starts there */
    char *insert_sql;       /* owned; kz_insert_lead_row's statement, built once */
    char lead_cols[1024];   /* "name, title, ..." every field but id, in field order */
    /* search cache (leads.c): the matches of hits_text as of data version
     * hits_dv and this connection's hits_changes, as a bitmap of lead ids
     * (read by the SQL function kz_hit) and, when there are at most
     * KZ_EXACT_HITS, in temp.kz_hits too */
    bool hits_table, hits_fn;
    bool company_fn;        /* kz_company_key(), kz_email_domain() are registered */
    char *hits_text;          /* owned; NULL: no search kept */
    int64_t hits_dv, hits_changes;
    int64_t hits_n;           /* how many matches */
    unsigned char *hits_bits; /* owned, hits_bytes long */
    size_t hits_bytes;
    int64_t *hits_ids;        /* owned scratch: the first matches' ids */
    size_t hits_cap;
    int hits_mode;            /* KZ_HITS_* */
    long *hits_fold;          /* owned: the text case-folded, hits_nfold characters */
    size_t hits_nfold;
    int64_t exact_hits, list_hits; /* KZ_EXACT_HITS, KZ_LIST_HITS (tests lower them) */
    char counts_key[2048]; /* the grouped count query the counts answer */
    struct {
        char stage[64];
        int64_t n;
    } counts[KZ_COUNT_CACHE];
    size_t ncounts;
    /* column totals deferred to the commit (kz_store_defer_totals): the
     * per-(stage, owner) changes of the open transaction */
    bool defer_totals;
    struct kz_totals_delta {
        char *stage, *owner; /* owned */
        int64_t n, value, ovr_value, ovr_weighted;
    } *tdelta;               /* owned, ntdelta used of tdelta_cap */
    size_t ntdelta, tdelta_cap;
};

/* The status after kz_stmt returned NULL (err set, if given). */
#define FAIL_STMT(err) ((err) ? (err)->code : KZ_EDB)

/* A prepared statement for sql, reset and with bindings cleared; owned by the
 * cache (never finalize it). NULL on error (err set). */
sqlite3_stmt *kz_stmt(kz_store *st, const char *sql, kz_err *err);
/* Maps the connection's last error to a status with a message; `what` says
 * what was being done ("saving lead 12"). */
kz_status kz_db_error(kz_store *st, int rc, const char *what, kz_err *err);
/* Column col as text (NULL for SQL NULL), its length in *len (may be NULL).
 * kariz's strings end at a NUL byte, but another program may have stored
 * one inside a value: each is shown as U+2400 SYMBOL FOR NULL, so the rest
 * of the value is not lost. The result points into the statement's row, or
 * into *scratch (owned by the caller) when a NUL was replaced. */
const char *kz_col_text(sqlite3_stmt *s, int col, kz_buf *scratch, size_t *len);
/* Steps a statement that returns no rows, resets it, and maps a failure
 * to a status naming `what` ("saving settings"). */
kz_status kz_step_done(kz_store *st, sqlite3_stmt *s, const char *what, kz_err *err);
/* Runs SQL without results. */
kz_status kz_exec(kz_store *st, const char *sql, kz_err *err);
/* Binds text or NULL. */
void kz_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Reads column col of a row into field f of l (nothing when NULL). */
void kz_read_lead_col(sqlite3_stmt *s, int col, kz_field f, kz_lead *l);
/* The roles of a lead's stakeholders as one column (kz_lead.roles), for
 * "SELECT id, <lead_cols>, " KZ_ROLES_COL " FROM leads". */
#define KZ_ROLES_COL                                                                       \
    "coalesce((SELECT group_concat(role, ' ') FROM (SELECT DISTINCT role FROM stakeholders " \
    "WHERE stakeholders.lead_id = leads.id AND role IS NOT NULL AND role <> '')), '')"
/* Reads the roles column into l->roles. */
void kz_read_lead_roles(sqlite3_stmt *s, int col, kz_lead *l);
/* Reads "coalesce(stakeholder_id, 0), <its role>" at col, col + 1. */
void kz_read_activity_with(sqlite3_stmt *s, int col, kz_activity *a);
/* The account columns every insert and save of a lead writes (schema.sql),
 * bound by kz_bind_account_cols at parameters i and i + 1. */
#define KZ_ACCOUNT_COLS "company_key, email_domain"
/* Binds a lead's account columns at i and i + 1: kz_company_key of its
 * company and kz_email_company_domain of its e-mail (account.h), each NULL
 * when empty. */
void kz_bind_account_cols(sqlite3_stmt *s, int i, const kz_lead *l);
/* Registers kz_company_key(company) and kz_email_domain(email), the same
 * functions as SQL functions, with which the migration to schema version 5
 * fills the account columns of the leads already stored. */
kz_status kz_store_account_fns(kz_store *st, kz_err *err);
/* Reads a lead row (columns "id, <lead_cols>") into l (reset first). */
void kz_read_lead_row(sqlite3_stmt *s, kz_lead *l);
/* Steps s (a prepared SELECT of id, the lead columns and the roles, as
 * kz_read_lead_row reads them), handing each lead to fn until it returns
 * false; resets s. `what` names the reading in an error. */
kz_status kz_stream_leads(kz_store *st, sqlite3_stmt *s, kz_lead_fn fn, void *ud,
                          const char *what, kz_err *err);
/* Inserts a lead's row with its custom fields, column totals and search
 * entry; sets its ID. The caller sets timestamps and version and logs. */
kz_status kz_insert_lead_row(kz_store *st, kz_lead *lead, kz_err *err);
/* Adds a note's text to the lead's search entry. */
/* Brings the search text written before its search form (kz_text_search_form)
 * into that form, once per database (meta "search_form"); a database
 * another process holds locked is left for the next open. */
kz_status kz_search_refold(kz_store *st, kz_err *err);
kz_status kz_search_add_note(kz_store *st, int64_t lead_id, const char *note, kz_err *err);
/* Writes the deferred column totals of the open transaction to
 * stage_totals (kz_store_commit calls it before COMMIT). */
kz_status kz_totals_flush(kz_store *st, kz_err *err);
/* Drops the deferred column totals (after a rollback; at close). */
void kz_totals_discard(kz_store *st);
/* Appends one event to the log (lead_id 0: about no single lead). */
kz_status kz_event_write(kz_store *st, int64_t lead_id, int64_t at, int64_t version,
                         const char *actor, const char *kind, const char *field,
                         const char *oldv, const char *newv, const char *detail, kz_err *err);
/* Loads custom fields of lead id into l. */
kz_status kz_load_custom(kz_store *st, int64_t id, kz_lead *l, kz_err *err);
/* Appends "sqlite3 (pid 12, user bob), ..." for the processes holding
 * locks on the database or its -wal/-shm files (nothing when unknown). */
void kz_lock_holders(const char *db_path, kz_buf *out);
/* "kariz-fault" when $KARIZ_FAULT_WRITES asks for write failures (tests),
 * else NULL: the default file layer. */
const char *kz_fault_vfs(void);
/* Applies schema migrations from `from` to the current version (inside a
 * transaction opened by the caller). */
kz_status kz_migrate(kz_store *st, int from, kz_err *err);

#endif
