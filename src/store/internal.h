/* internal.h - private to src/store/: the connection, its backend and its
 * statement cache. Nothing outside src/store/ includes this file. The logic
 * here and in leads.c, log.c, ... reaches the engine only through the driver
 * (driver.h) and the backend operations below. */
#ifndef KARIZ_STORE_INTERNAL_H
#define KARIZ_STORE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "kariz/buf.h"
#include "kariz/store.h"
#include "store/driver.h"

/* The schema version this build writes. Bump it together with a new entry
 * in src/store/migrate.c (SQLite) and src/store/pg.c (PostgreSQL) whenever
 * schema.sql and schema-pg.sql change. */
#define KZ_SCHEMA_VERSION 9
/* The lead's board keys PostgreSQL's lead_text keeps beside its text
 * (schema-pg.sql), in the order of its columns after id and doc. */
#define KZ_TEXT_KEYS 8
extern const kz_field kz_text_keys[KZ_TEXT_KEYS];

/* The indexes schema version 6 adds on both engines (migrate.c). */
extern const char kz_sort_indexes_sql[];
/* Schema version 7's marking of leads sharing an older lead's e-mail (migrate.c). */
extern const char kz_email_shared_sql[];

#define KZ_STMT_CACHE 96
#define KZ_COUNT_CACHE 64
/* A search with up to this many matches lists them (their ids in
 * temp.kz_hits), and one statement reads their places in a query's order
 * for every column at once (places_of in leads.c), a read of each match by
 * id: at 1,000,000 leads that costs what walking each column's index for
 * them does near 10,000 matches. More are walked and checked in each
 * column, one screen at a time. */
#define KZ_EXACT_HITS 10000
#define KZ_FOLD_BREAK (-2L) /* hits_fold: the end of a word (no character) */
/* A word too common to list is walked and checked in each column's order
 * (walk_of in leads.c): up to this many matches past the cap among the
 * column's first KZ_WALK_BUDGET leads. */
#define KZ_WALK_CAP KZ_STORE_COLUMN_CAP
#define KZ_WALK_BUDGET (KZ_WALK_CAP * 5)
#define KZ_LIST_HITS 50000  /* SQLite: up to this many, a bitmap of their ids; more: each lead's text is checked */
#define KZ_BITMAP_IDS (1 << 24) /* a search's bitmap holds ids below this (2 MiB) */

/* How a kept search's matches are kept (see search_hits in leads.c). */
enum { KZ_HITS_IDS, KZ_HITS_BITMAP, KZ_HITS_CHECK, KZ_HITS_LIKE };

/* What one engine does its own way, beside its driver. The SQLite backend
 * is in sqlite.c, the PostgreSQL one in pg.c. */
typedef struct kz_backend {
    const char *name; /* "sqlite", "postgresql" */
    /* Connects to target (st->path), checks it, creates the schema in an
     * empty database or migrates an older one, as kz_store_open says. */
    kz_status (*open)(kz_store *st, unsigned flags, kz_err *err);
    /* Maps a failure of class rc (driver.h) to a status naming `what`
     * (NULL: kz_db_error_common). */
    kz_status (*error)(kz_store *st, int rc, const char *msg, const char *what, kz_err *err);
    /* The statement that starts a write transaction (taking the write lock
     * at once), and one that starts a read snapshot. */
    const char *begin_write, *begin_read;
    /* Runs after a write transaction began, and just before it commits
     * (NULL: nothing). */
    kz_status (*after_begin)(kz_store *st, kz_err *err);
    kz_status (*before_commit)(kz_store *st, kz_err *err);
    /* After the connection was lost during COMMIT: connects again and
     * finds out whether the transaction committed (1), did not (0), or
     * cannot be told (-1). NULL: a lost COMMIT never happened. */
    int (*commit_fate)(kz_store *st);
    void (*wait_for_locks)(kz_store *st, bool wait);
    kz_status (*data_version)(kz_store *st, int64_t *out, kz_err *err);
    /* After KZ_DB_GONE outside a transaction: connects again (NULL: the
     * engine has no connection to lose). KZ_OK or the failure. */
    kz_status (*reconnect)(kz_store *st, kz_err *err);
    /* Whether the connection was found lost (NULL: never), and reading
     * what the server sent without waiting, which finds it so when the
     * server ended it (NULL: nothing to read). */
    bool (*gone)(kz_store *st);
    void (*notices)(kz_store *st);
    /* Rows this connection changed since it opened (the search cache). */
    int64_t (*total_changes)(kz_store *st);
    /* The statement listing the database's own users, one name a row,
     * sorted (NULL: its users are the system's accounts, as on SQLite,
     * whose file the accounts of its group share). */
    const char *users;
    /* Search: keeps the matches of text for the queries that follow
     * (search_hits in leads.c), and updates the index beside lead_text for
     * lead id from old to doc (each NULL for none); NULL: lead_text itself
     * is indexed. */
    kz_status (*search_fns)(kz_store *st, kz_err *err);
    kz_status (*search_index)(kz_store *st, int64_t id, const char *old, const char *doc,
                              kz_err *err);
    /* What a session sets up for its searches only (PostgreSQL: its
     * temporary kz_hits), once, outside a transaction: by the first search
     * or when kz_store_settle says the session has time (NULL: nothing).
     * idle (kz_store_settle: a board that has shown its first screen):
     * also what makes its first search faster, which a command that
     * searches once would wait for, a piece a call; true while pieces of
     * it remain. */
    bool (*settle)(kz_store *st, bool idle);
    bool search_like; /* searches with LIKE on the case-folded lead_text (no kept matches) */
    /* lead_text keeps each lead's board keys beside its text (schema-pg.sql):
     * a search reads its matches' places from the rows it checks */
    bool text_keys;
    /* Whether this process orders names as the database's name collation
     * does (0: no; 1: and equal names by their bytes; 2: equal names stay
     * equal), and each name's sort key under it (NULL: never). */
    int (*name_order)(kz_store *st);
    void (*name_key)(kz_store *st, const char *name, kz_buf *out);
    /* How many leads the kept search's words (hits_like) are likely to
     * match, as the planner would estimate it (-1: it cannot tell; NULL:
     * no planner, take it as few). */
    int64_t (*estimate)(kz_store *st);
    int64_t exact_hits; /* a search lists the ids of up to this many matches (KZ_EXACT_HITS) */
    /* a page's leads are found by id in their order's index first, then
     * read whole: an index scan reads each row it passes from the table,
     * checks and offsets included (PostgreSQL; SQLite reads a row only
     * once its index entry passes) */
    bool late_rows;
    bool aborts_on_error; /* a failed statement aborts the transaction (row savepoints) */
    /* A condition on presence rows that keeps only live sessions' (NULL:
     * the heartbeat alone tells), and what makes the entry of process pid
     * live in this session before it is written (NULL: nothing) */
    const char *presence_live;
    kz_status (*presence_claim)(kz_store *st, int pid, kz_err *err);
    /* Saves a chunk of rescored leads in one statement (rescore.c): ?1 is
     * a JSON array of objects {id, version, bump, event, the score fields,
     * old_grade}, ?2 the time, ?3 the actor. Each lead is written only
     * while at the version read; bump: its score changed (the version goes
     * up, updated is the time), else only score_at and score_due move;
     * event: a "grade" event from old_grade. Returns one row: how many
     * leads were written with bump. NULL: one statement per lead. */
    const char *rescore_save;
    kz_status (*import_tune)(kz_store *st, kz_err *err);
    /* After kz_store_copy wrote rows with their ids: the next ids follow
     * the highest (NULL: the engine does so by itself). */
    kz_status (*after_copy)(kz_store *st, kz_err *err);
    /* Before kz_store_copy writes (in its transaction): what lets the rows
     * keep what they say (NULL: nothing). */
    kz_status (*before_copy)(kz_store *st, kz_err *err);
    void (*import_batch_end)(kz_store *st);
    void (*close)(kz_store *st);
} kz_backend;

extern const kz_backend kz_backend_sqlite;
extern const kz_backend kz_backend_pg;

struct kz_store {
    const kz_backend *be;
    kz_dbconn *conn;        /* owned */
    void *be_data;          /* owned by the backend (its close frees it) */
    char *path;             /* owned: the file, or the connection string */
    char *where;            /* owned: how messages name the database (no password) */
    int64_t last_id;        /* the id the last kz_step_insert gave */
    bool row_open;          /* a kz_store_row_begin savepoint of this transaction */
    const char *name_collation; /* the collation name sorts use ("kz_name") */
    bool name_indexed; /* an index holds the name order (PostgreSQL: one collation per database;
                        * SQLite: name_key, when the user's collation is the database's) */
    bool name_keyed;   /* leads.name_key is written with every name (SQLite, kz_name_key) */
    bool readonly;
    kz_store_opened opened; /* what opening did to the schema */
    bool snapshot;          /* opened immutable: nobody had it open, and its directory is
                             * not writable for the -shm file (see open_snapshot) */
    int64_t dv_bias;        /* added to data_version: it changes when the connection does */
    int64_t snap_size;      /* the snapshot's file when it was opened */
    struct timespec snap_mtime;
    bool in_txn;
    int version_hold;       /* kz_store_hold_version: 0 free, 1 held, 2 held and read */
    int64_t version_held;   /* (2) the version read */
    bool writing;           /* in_txn began with kz_store_begin */
    bool undo_next;         /* the next lead save logs its events as an undo */
    int busy_ms;
    int wal_frames;         /* pages in the write-ahead log after the last commit */
    bool no_autockpt;       /* an import checkpoints between its batches instead */
    struct {
        char *sql;          /* owned */
        kz_dbstmt *stmt;    /* owned */
    } cache[KZ_STMT_CACHE];
    unsigned next_evict;
    unsigned last_hit;      /* the slot kz_stmt returned last: the search starts there */
    char *insert_sql;       /* owned; kz_insert_lead_row's statement, built once */
    bool email_claim;       /* kz_insert_lead_row: the lead must hold its e-mail (email_shared) */
    char lead_cols[1024];   /* "name, title, ..." every field but id, in field order */
    /* search cache (leads.c): the matches of hits_text as of data version
     * hits_dv and this connection's hits_changes, as a bitmap of lead ids
     * (read by the SQL function kz_hit) and, when there are at most
     * KZ_EXACT_HITS, in hits_ids and temp.kz_hits (PostgreSQL: written
     * only once a query reads it, hits_listed) */
    char **hits_like;       /* owned: a LIKE pattern for each word (search_like backends) */
    size_t hits_nlike;      /* (0: the text matches nothing) */
    bool hits_temp;         /* (search_like) the session has its temporary kz_hits */
    bool hits_tried;        /* (search_like) settle tried to make it in this session */
    bool name_sorted;       /* a page sorted by name was read: settle reads the name order */
    bool hits_listed;       /* KZ_HITS_IDS: kz_hits holds hits_ids (hits_list) */
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
    long *hits_fold;          /* owned: hits_nfold characters: each word of the text
                               * case-folded, KZ_FOLD_BREAK after each (kz_has) */
    size_t hits_nfold;
    int64_t exact_hits, list_hits; /* KZ_EXACT_HITS, KZ_LIST_HITS (tests lower them) */
    char counts_key[2048]; /* the grouped count query the counts answer */
    struct {
        char stage[64];
        int64_t n;
    } counts[KZ_COUNT_CACHE];
    size_t ncounts;
    /* a listed search's matches (KZ_HITS_IDS) that pass one query's other
     * filters, in its order, by stage (places_of in leads.c): what each of
     * the board's columns counts, ranks and pages through, read in one
     * statement while the search, the filters, the order and the data
     * stay */
    char *places_key;       /* owned: that statement and its binds; NULL: none kept */
    struct kz_places {
        char *stage;        /* owned */
        int64_t *ids;       /* owned: n of cap, in the order */
        size_t n, cap;
        char *key;          /* owned (walks): the statement and binds it answers */
        int past;           /* (walks) the column goes on past the walk: 1, 0; -1 unknown */
        size_t page_from, page_n; /* (places) its first page: pages[page_from..+page_n) */
    } *places;              /* owned: nplaces of places_cap */
    size_t nplaces, places_cap;
    /* the first page of every column of the kept places, read in one
     * statement when the first column asks for its page (pages_of in
     * leads.c): each other column's page then needs no statement */
    char *pages_key;        /* owned: places_key and the page size; NULL: none kept */
    kz_lead *pages;         /* owned: npages of pages_cap */
    size_t npages, pages_cap;
    /* a word too common to list (KZ_HITS_CHECK): each column's first
     * matches, from one walk of its index (walk_of in leads.c), until the
     * search, the filters, the order or the data change */
    struct kz_places *walks; /* owned: nwalks of walks_cap */
    size_t nwalks, walks_cap;
    /* column totals deferred to the commit (kz_store_defer_totals): the
     * per-(stage, owner) changes of the open transaction */
    bool defer_totals;
    struct kz_totals_delta {
        char *stage, *owner; /* owned */
        int64_t n, value, ovr_value, ovr_weighted;
    } *tdelta;               /* owned, ntdelta used of tdelta_cap */
    size_t ntdelta, tdelta_cap;
    /* An import's new leads on an engine with bulk rows (copy_open): kept
     * here and sent with one COPY per table before the next statement that
     * is not a look-up of kept e-mails, or the commit (kz_import_sync),
     * instead of an INSERT per row and table (imports.c). */
    struct kz_import_rows {
        bool on;                  /* kz_store_import_tune found bulk rows */
        kz_dbstmt *rows[3];       /* owned: leads, custom_fields, lead_text */
        size_t n;                 /* leads kept */
        int64_t next_id;          /* the id of the next lead kept; 0: to be read */
        bool quiet;               /* the next kz_stmt is a look-up that reads no kept row */
        struct kz_import_key {
            char *key;            /* owned: the e-mail as email_key holds it */
            int64_t id;
        } *keys;                  /* of the leads kept that have an e-mail */
        size_t nkeys, keycap;
        bool keys_exact;          /* every e-mail kept is ASCII: keys are email_key */
        /* the e-mails of the next rows as email_key holds them (ASCII),
         * with the lowest id the database has for each (0: none), as of
         * the last kz_import_sync when pf_valid */
        struct kz_import_key *pf;
        size_t npf;
        bool pf_valid;
        size_t *slots;            /* hash of keys: index + 1, 0 for none */
        size_t nslots;
        /* a row begun (kz_store_row_begin) that has not needed its
         * savepoint yet, and what was kept when it began */
        bool row;
        size_t mark[3], mark_n, mark_nkeys;
        int64_t mark_id;
        bool mark_exact;
    } imp;
};

/* The status after kz_stmt returned NULL (err set, if given). */
#define FAIL_STMT(err) ((err) ? (err)->code : KZ_EDB)

/* A prepared statement for sql, reset and with bindings cleared; owned by the
 * cache (never finalize it). NULL on error (err set). */
kz_dbstmt *kz_stmt(kz_store *st, const char *sql, kz_err *err);
/* Appends ICU's sort key of s[0..n) (n -1: up to its NUL) under coll to
 * out, with the key's one zero byte at its end: the keys' byte order is
 * the collator's (store.c). False when s could not be read (out is then
 * as it was). */
struct UCollator;
bool kz_coll_sort_key(const struct UCollator *coll, const char *s, int32_t n, kz_buf *out);

/* Forgets a kept search's places (leads.c). */
void kz_places_forget(kz_store *st);
/* Maps the connection's last error to a status with a message; `what` says
 * what was being done ("saving lead 12"). */
kz_status kz_db_error(kz_store *st, int rc, const char *what, kz_err *err);
/* Column col as text (NULL for SQL NULL), its length in *len (may be NULL).
 * kariz's strings end at a NUL byte, but another program may have stored
 * one inside a value: each is shown as U+2400 SYMBOL FOR NULL, so the rest
 * of the value is not lost. The result points into the statement's row, or
 * into *scratch (owned by the caller) when a NUL was replaced. */
const char *kz_col_text(kz_dbstmt *s, int col, kz_buf *scratch, size_t *len);
/* Steps a statement that returns no rows, resets it, and maps a failure
 * to a status naming `what` ("saving settings"). */
kz_status kz_step_done(kz_store *st, kz_dbstmt *s, const char *what, kz_err *err);
/* Runs SQL without results. */
kz_status kz_exec(kz_store *st, const char *sql, kz_err *err);
/* Binds text or NULL. */
void kz_bind_text(kz_dbstmt *s, int i, const char *v);
/* Reads column col of a row into field f of l (nothing when NULL). */
void kz_read_lead_col(kz_dbstmt *s, int col, kz_field f, kz_lead *l);
/* The roles of a lead's stakeholders as one column (kz_lead.roles), for
 * "SELECT id, <lead_cols>, " KZ_ROLES_COL " FROM leads". The roles are
 * gathered only for a lead that has one: a probe of the index is cheap,
 * the aggregate is not (on PostgreSQL about 0.3 ms a lead, which made
 * reading a company's thousands of leads take a quarter of a second). */
#define KZ_ROLES_COL                                                                       \
    "CASE WHEN EXISTS (SELECT 1 FROM stakeholders WHERE stakeholders.lead_id = leads.id "    \
    "AND role IS NOT NULL AND role <> '') THEN "                                             \
    "coalesce((SELECT group_concat(role, ' ') FROM (SELECT DISTINCT role FROM stakeholders " \
    "WHERE stakeholders.lead_id = leads.id AND role IS NOT NULL AND role <> '') AS r), '') "  \
    "ELSE '' END"
/* Reads the roles column into l->roles. */
void kz_read_lead_roles(kz_dbstmt *s, int col, kz_lead *l);
/* Reads "coalesce(stakeholder_id, 0), <its role>" at col, col + 1. */
void kz_read_activity_with(kz_dbstmt *s, int col, kz_activity *a);
/* The account columns every insert and save of a lead writes (schema.sql),
 * bound by kz_bind_account_cols at parameters i and i + 1. */
#define KZ_ACCOUNT_COLS "company_key, email_domain"
/* Binds a lead's account columns at i and i + 1: kz_company_key of its
 * company and kz_email_company_domain of its e-mail (account.h), each NULL
 * when empty. */
void kz_bind_account_cols(kz_dbstmt *s, int i, const kz_lead *l);
/* Reads a lead row (columns "id, <lead_cols>") into l (reset first). */
void kz_read_lead_row(kz_dbstmt *s, kz_lead *l);
/* Steps s (a prepared SELECT of id, the lead columns and the roles, as
 * kz_read_lead_row reads them), handing each lead to fn until it returns
 * false; resets s. `what` names the reading in an error. */
kz_status kz_stream_leads(kz_store *st, kz_dbstmt *s, kz_lead_fn fn, void *ud,
                          const char *what, kz_err *err);
/* Inserts a lead's row with its custom fields, column totals and search
 * entry; sets its ID. The caller sets timestamps and version and logs. */
kz_status kz_insert_lead_row(kz_store *st, kz_lead *lead, kz_err *err);
/* Adds a note's text to the lead's search entry. */
/* Brings the search text written before its search key (kz_text_search_key)
 * into that form, once per database (meta "search_form"); a database
 * another process holds locked is left for the next open. */
kz_status kz_search_refold(kz_store *st, kz_err *err);
/* Replaces the lead's search text (old: what it was, NULL for a lead not
 * indexed yet; doc: the new text, NULL to remove it), in lead_text and in
 * the backend's index. */
kz_status kz_search_set(kz_store *st, int64_t id, const char *old, const char *doc,
                        kz_err *err);
kz_status kz_search_add_note(kz_store *st, int64_t lead_id, const char *note, kz_err *err);
/* Before any statement but a kept-e-mail look-up: sends the import's kept
 * leads (in the open row's savepoint, made now, those of the row); the
 * next lead kept reads its id again. */
kz_status kz_import_sync(kz_store *st, kz_err *err);
/* After a commit or a rollback: forgets what an import kept (sent, or
 * rolled back with the transaction). */
void kz_import_forget(kz_store *st);
/* Finalizes the import's bulk-row statements (before the connection goes). */
void kz_import_rows_free(kz_store *st);
/* A row of an import begins (true: it needs no savepoint until it writes
 * other than by keeping a lead) and ends (keep false: what it kept is
 * forgotten; true when the row was taken back here). */
bool kz_import_row_begin(kz_store *st);
bool kz_import_row_end(kz_store *st, bool keep);
/* Keeps a new lead (fields set as kz_insert_lead_row sets them) for the
 * next COPY: its id, its custom fields and its search text (leads.c). */
kz_status kz_import_keep_lead(kz_store *st, kz_lead *lead, kz_err *err);
/* What kz_import_keep_lead keeps its rows with: the bulk-row statement of
 * a table (ROW_LEADS: the fields as bind_field numbers them, the account
 * columns, the id; ROW_CUSTOM: lead_id, name, value; ROW_TEXT: id, doc),
 * the id of the next lead, and the lead, once kept, for the look-ups. */
enum { ROW_LEADS, ROW_CUSTOM, ROW_TEXT };
kz_status kz_import_keep_row(kz_store *st, int table, kz_dbstmt **out, kz_err *err);
kz_status kz_import_next_id(kz_store *st, int64_t *id, kz_err *err);
void kz_import_kept(kz_store *st, const kz_lead *lead);
/* The id of the lead kept with e-mail `email` (0: none), and whether the
 * answer is exact (false: the kept leads must be sent and the database
 * asked). */
bool kz_import_kept_email(kz_store *st, const char *email, int64_t *id);
/* The lowest id the database has for e-mail `email`, from the e-mails
 * prefetched (kz_store_import_prefetch; asked again when something was
 * written since): false when it was not prefetched, or on a failure (err
 * set, *failed true). */
bool kz_import_prefetched(kz_store *st, const char *email, int64_t *id, bool *failed,
                          kz_err *err);
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
/* The rows the last statement changed, the id the last INSERT gave, the
 * last failure's text. */
static inline int64_t kz_db_changes(kz_store *st) { return st->conn->ops->changes(st->conn); }
static inline int64_t kz_db_last_id(kz_store *st) { return st->last_id; }
/* The id expression of a new row of table: the next after the highest, as
 * SQLite's rowid does; both engines accept it, and since writers take the
 * write lock first (BEGIN IMMEDIATE; PostgreSQL's advisory lock) two never
 * compute the same one: a rolled-back insert leaves no gap, as on SQLite. */
#define KZ_NEXT_ID(table) "(SELECT coalesce(max(id), 0) + 1 FROM " table ")"
/* Steps an INSERT ... RETURNING id (its id kept for kz_db_last_id) to its
 * end and resets it; KZ_DB_DONE or the failure. */
int kz_step_insert(kz_store *st, kz_dbstmt *s);
static inline const char *kz_db_errmsg(kz_store *st) { return st->conn->ops->errmsg(st->conn); }
/* PostgreSQL (pg.c): a connection string as messages show it, with any
 * password replaced by *** (owned by the caller); the authenticated role
 * of a store on PostgreSQL (NULL on SQLite); its socket (-1 on SQLite). */
char *kz_pg_redact(const char *target);
const char *kz_pg_role(const kz_store *st);
int kz_pg_fd(const kz_store *st);
/* Closes the statements of the cache (before the connection goes). */
void kz_stmt_cache_clear(kz_store *st);
/* The common part of kz_store_open's checks, for the backends: lead_cols. */
void kz_store_build_lead_cols(kz_store *st);
/* The common mapping of a failure class to a status (backends call it for
 * the classes they have nothing of their own to say about). */
kz_status kz_db_error_common(kz_store *st, int rc, const char *msg, const char *what,
                             kz_err *err);

#endif
