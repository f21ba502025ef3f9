/* store.h - persistence. The store module (src/store/) is the only code that
 * talks to a database engine; this interface carries no engine types. Two
 * backends sit behind it: SQLite (a database file: the default) and
 * PostgreSQL (a connection string: postgresql://host/db, or libpq keywords
 * such as service=sales); kz_store_open picks by the target's form.
 *
 * Writes happen inside kz_store_begin() .. kz_store_commit(); the begin takes
 * the write lock at once (BEGIN IMMEDIATE), and every multi-step change sits in
 * one transaction. Lead updates are optimistic: the caller passes the version
 * it read; a different stored version is KZ_ECONFLICT and nothing is written. */
#ifndef KARIZ_STORE_H
#define KARIZ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kariz/model.h"
#include "kariz/status.h"

typedef struct kz_store kz_store;

#define KZ_STORE_READONLY 1u /* open read-only (no schema creation or migration) */
#define KZ_STORE_NOCREATE 2u /* fail with KZ_ENOTFOUND when the file does not exist */
#define KZ_STORE_FILL_EMPTY 4u /* a zero-length file may become a new database (kariz init);
                                * without it such a file is refused */
#define KZ_STORE_INTERACTIVE 8u /* a session that searches as its user types (the board):
                                  * on SQLite the first one in a process makes its page
                                  * cache's memory resident at once */

/* Opens (creating when allowed) the database at path, applies forward
 * migrations, and refuses a database from a newer kariz with KZ_ENEWER
 * without modifying it. A zero-length file is refused (KZ_ECORRUPT) unless
 * flags has KZ_STORE_FILL_EMPTY. Read-only, a database in WAL mode whose
 * -shm file the user can neither find nor create (a directory they cannot
 * write, nobody using the database) is read as an immutable file until
 * someone opens it (see kz_store_data_version and docs/reliability.md).
 * *out is owned by the caller (kz_store_close). */
kz_status kz_store_open(const char *path, unsigned flags, kz_store **out, kz_err *err);
void kz_store_close(kz_store *st);
/* Whether target names a database file (SQLite), rather than a database on
 * a server (PostgreSQL: "postgresql://...", "postgres://..." or libpq
 * keywords "host=... dbname=...") or a mistyped one ("postgresql:sales",
 * "postgresq://...": kz_store_open refuses it, and nothing may create a
 * file by that name). */
bool kz_store_target_is_file(const char *target);
/* target as messages show it: a password in it hidden (owned by the
 * caller). */
char *kz_store_target_shown(const char *target);
/* What opening a database did to its schema: nothing, created it, or
 * upgraded it to this kariz's version (kariz init says which). */
typedef enum kz_store_opened {
    KZ_OPENED_AS_IS,
    KZ_OPENED_CREATED,
    KZ_OPENED_UPGRADED,
} kz_store_opened;
kz_store_opened kz_store_how_opened(const kz_store *st);
/* Whether the database target names is there: a file that exists; a
 * server's database counts as there (opening it says otherwise). */
bool kz_store_target_exists(const char *target);
/* The target as messages show it (a connection string without its
 * password). Owned by the store. */
const char *kz_store_where(const kz_store *st);
/* The acting user the database itself knows, when it knows one: the
 * authenticated role on PostgreSQL, which the server writes into every
 * event whatever the client says; NULL on SQLite (the caller's Unix
 * account is the actor there). Owned by the store. */
const char *kz_store_role(const kz_store *st);
/* A descriptor that becomes readable when another session may have
 * committed (PostgreSQL's notifications), for a board's poll(); -1 when
 * there is none (SQLite: poll kz_store_data_version on a timer). */
int kz_store_change_fd(const kz_store *st);
/* Which backend: "sqlite" or "postgresql". */
const char *kz_store_backend(const kz_store *st);
/* Schema version this build writes (PRAGMA user_version). */
int kz_store_schema_version(void);
bool kz_store_readonly(const kz_store *st);

kz_status kz_store_begin(kz_store *st, kz_err *err);      /* write transaction */
kz_status kz_store_begin_read(kz_store *st, kz_err *err); /* consistent read snapshot */
kz_status kz_store_commit(kz_store *st, kz_err *err);
void kz_store_rollback(kz_store *st); /* no-op outside a transaction */
bool kz_store_in_txn(const kz_store *st);
/* One row of a bulk write that may be refused (an import rejecting a row
 * and going on with its batch): kz_store_row_begin before the row's
 * writes, then kz_store_row_end with keep false to take back whatever of
 * it was written. Where a failed statement aborts the whole transaction
 * (PostgreSQL) this is a savepoint; on SQLite, whose transactions survive
 * a failed statement, both do nothing. */
kz_status kz_store_row_begin(kz_store *st, kz_err *err);
void kz_store_row_end(kz_store *st, bool keep);
/* Column totals (stage_totals) deferred (on) or kept at every change (off,
 * the default). Deferred, the changes a write transaction makes to leads add
 * up in memory per stage and owner and reach stage_totals once each, in that
 * transaction, at kz_store_commit; a rollback drops them with the rest. For
 * bulk writes (an import batch): one upsert per stage and owner instead of
 * one per lead. Reads inside the transaction do not see the deferred part. */
void kz_store_defer_totals(kz_store *st, bool on);

/* A number that changes whenever another connection commits (cheap to poll).
 * On a database read as an immutable file, it also notices someone opening
 * it (its -shm appears) or having changed it, and reconnects (the number
 * changes then too). */
kz_status kz_store_data_version(kz_store *st, int64_t *out, kz_err *err);
/* Holds the data version for a moment of reads that belong together (the
 * board's reload of every column): while held, the store asks the
 * database whether others committed once, and its searches and places
 * read in that moment are shared by all the reads, where each read asked
 * again (a round trip each on PostgreSQL, a dozen per keystroke). A commit
 * made meanwhile is seen by the next check after the hold (the board's
 * next tick or notice). */
void kz_store_hold_version(kz_store *st, bool hold);
/* Whether the database answers, asked without a round trip when its
 * connection is known to be well: KZ_OK, or KZ_EGONE when the connection
 * was found lost (what the server sent read first: a server stopped or
 * restarted has said so) and connecting again failed. A server cut off by
 * the network is found by the next statement. Always KZ_OK on SQLite. */
kz_status kz_store_reachable(kz_store *st, kz_err *err);

/* Copies a whole pipeline from one database into another, new one (either
 * backend to either): every stage, lead with its custom fields, activity,
 * stakeholder, company alias, event, triage decision, import record and
 * setting, with its id; the search text is rebuilt in the target's form.
 * One read of `from` and one write transaction on `to`: all or nothing. A
 * target that holds leads, events or imports is refused (KZ_EINVAL).
 * *rows says how many rows were written. */
kz_status kz_store_copy(kz_store *from, kz_store *to, int64_t *rows, kz_err *err);

/* ---- settings kept in the database (team-wide) ---- */
/* *out is owned by the caller (free); NULL when the key is absent. */
kz_status kz_store_meta_get(kz_store *st, const char *key, char **out, kz_err *err);
kz_status kz_store_meta_set(kz_store *st, const char *key, const char *value, kz_err *err);

/* ---- stages ---- */
/* Makes the stages table agree with the rules in force: inserts missing
 * stages, updates labels, order and probabilities. Stages that disappeared
 * from the rules but still hold leads are kept (retired). Own transaction
 * when none is open. */
kz_status kz_store_sync_stages(kz_store *st, const kz_stage *stages, size_t n, kz_err *err);

typedef struct kz_stage_total {
    char stage[64];
    int64_t count;
    int64_t value;          /* sum of deal values, minor units */
    int64_t weighted;       /* sum of value x probability / 100, minor units */
} kz_stage_total;
/* Per-stage totals kept up to date by the transactions that change leads
 * (never a scan of leads). owner NULL: everyone's; with_unassigned adds
 * the leads nobody owns to owner's (the board's "mine" filter). Fills out[]
 * in funnel order; returns the number of stages in *n (at most cap). */
kz_status kz_store_stage_totals(kz_store *st, const char *owner, bool with_unassigned,
                                kz_stage_total *out, size_t cap, size_t *n, kz_err *err);
/* Every name some lead has as its owner, sorted (from the column totals,
 * never a scan of leads). *out and its n strings are owned by the caller:
 * kz_store_owners_free. */
kz_status kz_store_owners(kz_store *st, char ***out, size_t *n, kz_err *err);
void kz_store_owners_free(char **owners, size_t n);
/* The database's own users when it has them (PostgreSQL: the roles that
 * may sign in and change leads): *listed true and *out their names, sorted,
 * owned by the caller (kz_store_owners_free). *listed false when its users
 * are the system's accounts (SQLite). */
kz_status kz_store_users(kz_store *st, bool *listed, char ***out, size_t *n, kz_err *err);

/* ---- leads ---- */
/* Reads lead id (with its custom fields) into out (reset first). */
kz_status kz_store_lead_get(kz_store *st, int64_t id, kz_lead *out, kz_err *err);
/* Inserts a new lead; sets its ID, VERSION (1), CREATED, UPDATED, TOUCHED and
 * STAGE_ENTERED (when unset), and logs a "create" event by actor. Must be
 * inside a write transaction. */
kz_status kz_store_lead_insert(kz_store *st, kz_lead *lead, const char *actor, int64_t now,
                               kz_err *err);
/* Saves every field of lead that differs from the stored row, logging one
 * event per changed field (kind "stage", "owner", "grade" or "field") but
 * the derived scores and bookkeeping times (a score band change is logged
 * as "grade"), bumps
 * VERSION and UPDATED (lead is updated to match). lead->num[KZ_F_VERSION] must
 * be the version the caller read, else KZ_ECONFLICT and nothing is written.
 * Must be inside a write transaction. *changed (may be NULL) tells whether
 * anything differed; when nothing did, no version bump and no event. */
kz_status kz_store_lead_update(kz_store *st, kz_lead *lead, const char *actor, int64_t now,
                               bool *changed, kz_err *err);
/* Moves a lead's version on from `version` (and sets updated) with no
 * change to its fields: a change to its stakeholders. KZ_ECONFLICT when it
 * is no longer at `version`. Inside a write transaction. */
kz_status kz_store_lead_bump(kz_store *st, int64_t id, int64_t version, int64_t now,
                             kz_err *err);
/* Deletes a lead and its activities, stakeholders and custom fields; logs a
 * "delete" event. Must be inside a write transaction. */
kz_status kz_store_lead_delete(kz_store *st, int64_t id, int64_t version, const char *actor,
                               int64_t now, kz_err *err);
/* Finds a lead by e-mail (trimmed, case-insensitive) or, for leads without
 * one, by name + company (case-insensitive). *id = 0 when none. */
kz_status kz_store_find_by_email(kz_store *st, const char *email, int64_t *id, kz_err *err);
kz_status kz_store_find_by_name_company(kz_store *st, const char *name, const char *company,
                                        int64_t *id, kz_err *err);
/* The lead whose custom field name holds exactly value (the lowest id), 0
 * when none does. */
kz_status kz_store_find_by_custom(kz_store *st, const char *name, const char *value, int64_t *id,
                                  kz_err *err);
/* The lead with this name (case-insensitive, trimmed) at this company
 * (NULL: any); when the person has an e-mail no lead holds (email, else
 * NULL), only a lead without an e-mail, since a namesake with another one is
 * someone else; 0 when none. */
kz_status kz_store_find_by_person(kz_store *st, const char *name, const char *company,
                                  const char *email, int64_t *id,
                                  kz_err *err);
/* Up to `limit` lead ids in [lo, hi], lowest first (highest first with
 * newest_first), into out; *n says how many. A walk of the primary key. */
kz_status kz_store_lead_ids(kz_store *st, int64_t lo, int64_t hi, bool newest_first,
                            size_t limit, int64_t *out, size_t *n, kz_err *err);

typedef enum kz_sort {
    KZ_SORT_ID,
    KZ_SORT_SCORE, /* highest first */
    KZ_SORT_VALUE, /* highest first */
    KZ_SORT_AGE,   /* longest in stage first */
    KZ_SORT_DUE,   /* soonest next step first; none last */
    KZ_SORT_NAME
} kz_sort;

typedef struct kz_query {
    const char *stage;  /* NULL: all stages */
    const char *owner;  /* NULL: anyone; "" : unassigned only */
    bool with_unassigned; /* with owner: also leads that have no owner */
    const char *search; /* NULL: none; matches name, company, email, notes */
    const char *grade;  /* NULL: any */
    bool overdue;       /* next_due before today_day */
    int64_t today_day;  /* days since epoch, for overdue */
    bool due_by;        /* next_due on or before due_by_day */
    int64_t due_by_day;
    bool open_only;     /* only leads in open stages (not won or lost) */
    bool stale;         /* only stale leads as of stale_now (see kz_lead_is_stale) */
    int64_t stale_now;  /* Unix seconds */
    kz_sort sort;
    bool reverse;
    int64_t id;    /* only the lead with this id (0: any) */
    size_t limit;  /* 0: no limit */
    size_t offset;
    int64_t count_cap; /* kz_store_count stops counting here (0: exact); the
                          board shows "200+" rather than read every match */
} kz_query;

/* Calls fn for each matching lead in order; the kz_lead passed to fn is
 * reused between calls (copy what you keep). fn returns false to stop.
 * Custom fields are loaded only when with_custom is true. */
typedef bool (*kz_lead_fn)(const kz_lead *lead, void *ud);
kz_status kz_store_list(kz_store *st, const kz_query *q, bool with_custom, kz_lead_fn fn,
                        void *ud, kz_err *err);
kz_status kz_store_count(kz_store *st, const kz_query *q, int64_t *out, kz_err *err);
/* The count_cap a board column counts a search with: on PostgreSQL a word
 * too common to list is walked once a column for this cap, and the
 * column's count, the selected lead's rank and its first pages come from
 * that walk. */
#define KZ_STORE_COLUMN_CAP 200

/* As kz_store_count; with count_cap set, *more says the count stopped early
 * and *out is a lower bound: at count_cap, or, for a search with many
 * matches, after walking a stretch of the column in order (a few times
 * count_cap leads, more the rarer the word). */
kz_status kz_store_count_some(kz_store *st, const kz_query *q, int64_t *out, bool *more,
                              kz_err *err);
/* Where lead l stands among the leads q lists (its stage, filters, search
 * and order; q's limit and offset are ignored): *found when it passes q's
 * filters, and then *rank is how many of them come before it, counted up
 * to limit (0: no limit; *rank == limit: at least that far down). A count
 * over the order's index, not a walk through the leads above it (the name
 * order walks its ids). */
kz_status kz_store_rank(kz_store *st, const kz_query *q, const kz_lead *l, size_t limit,
                        size_t *rank, bool *found, kz_err *err);
/* Test hook: search thresholds other than the defaults (lists the ids of up
 * to `exact` matches, a bitmap of up to `list`, checks each lead's text
 * beyond); 0 leaves one as it is. */
void kz_store_search_tune(kz_store *st, int64_t exact, int64_t list);

/* ---- rescoring every lead ---- */
/* Called for each lead with its custom fields and activities (oldest
 * first); sets the lead's score fields (score, grade, persona, subtotals,
 * score_at, score_due) and returns true when it changed the score, grade,
 * persona or a subtotal (a moved score_due alone is saved without a version
 * bump). Both lists are reused between
 * calls. It runs on a worker thread, one lead at a time and in id order,
 * while the calling thread reads and writes the store: it must not touch
 * the store, and what it shares with the caller (ud) must not be changed
 * by the caller until kz_store_rescore_all returns. */
typedef bool (*kz_rescore_fn)(kz_lead *lead, const kz_activity *acts, size_t nacts, void *ud);
/* Walks every lead in id order in write transactions of `batch` leads,
 * reading leads, custom fields and activities as three ordered streams (no
 * query per lead), and saves what fn changed: the score fields, a version
 * bump, and a "grade" event by actor when the band changed; a lead only
 * while it is at the version read (one saved by someone else meanwhile
 * keeps that save and is rescored on the next pass). On PostgreSQL each
 * chunk is saved in one statement. progress (may be NULL) is told after
 * each batch, with fn's ud. */
/* fields (may be NULL: all) says which lead fields fn needs: the others are
 * not read (fn sees them absent) except the score fields and the version,
 * which saving needs; custom fields are read only when with_custom. */
kz_status kz_store_rescore_all(kz_store *st, size_t batch, const char *actor, int64_t now,
                               const bool *fields, bool with_custom, kz_rescore_fn fn, void *ud,
                               void (*progress)(int64_t done, int64_t total, void *ud),
                               int64_t *changed, kz_err *err);
/* Rescores only the leads whose score is due (score_due <= now: a decaying
 * term, a window or a date condition may have changed it since it was
 * stored), found through their index, in write transactions of `batch`
 * leads (the `batch` due soonest, read as the same three streams); fn as
 * above, and it must set score_due past now (or clear it).
 * Saves what fn changed as kz_store_rescore_all does, and for a lead whose
 * score stayed the same only the new score_at and score_due. When many
 * leads are due at once (a database migrated from an older schema) it
 * walks every lead with kz_store_rescore_all. Nothing due: one indexed
 * count, no write. *changed (may be NULL) counts leads whose score changed.
 * one_batch: at most one batch of the leads due soonest, never the walk of
 * every lead (for an event loop that must stay responsive). */
kz_status kz_store_rescore_due(kz_store *st, size_t batch, bool one_batch, const char *actor,
                               int64_t now, const bool *fields, bool with_custom,
                               kz_rescore_fn fn, void *ud, int64_t *changed, kz_err *err);
/* Sets up what only later work needs (on PostgreSQL, the session's
 * temporary table of search matches, and what makes a board's first search
 * faster: the search's statistics and first plan, and, once a page sorted
 * by name was read, the name order), so that an opening does not wait for
 * it, one piece a call (a statement, or loading a library: a few
 * milliseconds); true while pieces remain, false (at once) when nothing is
 * left. The board calls it after each screen while no key waits. A search
 * outside a transaction, and kz_store_begin_read, make the table when it
 * was not made. */
bool kz_store_settle(kz_store *st);
/* Whether a write waits for another process's lock (the busy timeout, the
 * default) or fails at once with KZ_EBUSY (for work that can try again
 * later, such as the board's background rescoring). */
void kz_store_wait_for_locks(kz_store *st, bool wait);

/* ---- activities, stakeholders, events ---- */
/* Adds an activity (sets a->id; a->at when 0 is set to now) and logs an
 * "activity" event. Must be inside a write transaction. */
kz_status kz_store_activity_add(kz_store *st, kz_activity *a, int64_t now, kz_err *err);
/* Appends the lead's activities, oldest first. */
kz_status kz_store_activities(kz_store *st, int64_t lead_id, kz_activity_list *out,
                              kz_err *err);
/* Adds a stakeholder (sets s->id, created, updated) and logs a
 * "stakeholder" event for it (version 0: an import's lead); the pipeline
 * writes its own events with kz_store_stakeholder_insert. An activity's
 * stakeholder_id must be one of its lead's stakeholders (else KZ_ENOTFOUND);
 * with_role is filled in. Inside a write transaction. */
kz_status kz_store_stakeholder_add(kz_store *st, kz_stakeholder *s, const char *actor,
                                   int64_t now, kz_err *err);
kz_status kz_store_stakeholder_insert(kz_store *st, kz_stakeholder *s, int64_t now, kz_err *err);
/* Saves every field of s (by s->id); sets updated. */
kz_status kz_store_stakeholder_update(kz_store *st, const kz_stakeholder *s, int64_t now,
                                      kz_err *err);
/* Removes a stakeholder; activities with them stay, naming nobody. */
kz_status kz_store_stakeholder_delete(kz_store *st, int64_t id, kz_err *err);
/* One stakeholder (out freed first; KZ_ENOTFOUND when there is none). */
kz_status kz_store_stakeholder_get(kz_store *st, int64_t id, kz_stakeholder *out, kz_err *err);
/* Appends the lead's stakeholders, oldest first, each with its last touch. */
kz_status kz_store_stakeholders(kz_store *st, int64_t lead_id, kz_stakeholder_list *out,
                                kz_err *err);
/* Makes the next kz_store_lead_update of this write transaction an undo:
 * each event it logs has detail "undo" and takes back the lead's earlier
 * change of that field (kz_events_undone); reports count neither. */
void kz_store_mark_undo(kz_store *st);
/* Appends an event (e->id, e->at set). Inside a write transaction. */
kz_status kz_store_event_add(kz_store *st, kz_event *e, kz_err *err);
/* Appends the lead's events in time order (by time, then id: back-dated
 * events fall in at their time); since_version > 0 keeps only those that
 * produced a later version (what changed since you read it), in the order
 * they were saved (by id).
 * An imported lead's history holds its import, at the run's start (touches
 * the import brought, dated by the CRM they came from, come before it): an
 * event derived from the lead's import_id and the imports row (id 0,
 * version 1, kind "import", detail "from FILE, import N"). */
kz_status kz_store_events(kz_store *st, int64_t lead_id, int64_t since_version,
                          kz_event_list *out, kz_err *err);
/* Events of all leads after event id `after_id`, oldest first, at most
 * `limit` (what others did since the board last looked). */
kz_status kz_store_events_after(kz_store *st, int64_t after_id, size_t limit,
                                kz_event_list *out, kz_err *err);
/* The id of the newest event (0 when none). */
kz_status kz_store_last_event_id(kz_store *st, int64_t *out, kz_err *err);

/* ---- accounts (account.h) ---- */
/* Calls fn for every lead (with roles, without custom fields) whose
 * company's key (kz_company_key, through company_aliases) is key, or whose
 * company e-mail domain (kz_email_company_domain) is one of
 * domains[0..nd), oldest first. Read by index: the store keeps both of
 * each lead in indexed columns, written with every insert and save. */
kz_status kz_store_company_leads(kz_store *st, const char *key, const char *const *domains,
                                 size_t nd, kz_lead_fn fn, void *ud, kz_err *err);
/* Calls fn for every lead an import run created or updated last (with
 * roles, without custom fields), in id order. */
kz_status kz_store_import_leads(kz_store *st, int64_t import_id, kz_lead_fn fn, void *ud,
                                kz_err *err);
/* The company key an alias key stands for (*out owned; NULL when none). */
kz_status kz_store_company_alias_get(kz_store *st, const char *alias, char **out, kz_err *err);
/* Declares the key alias to be the company key company (company NULL:
 * forgets the alias). Its own write transaction. */
kz_status kz_store_company_alias_set(kz_store *st, const char *alias, const char *company,
                                     kz_err *err);

/* ---- triage ---- */
/* Records a triage decision on a lead (with its grade now). */
kz_status kz_store_triage_add(kz_store *st, int64_t lead_id, const char *actor, int64_t at,
                              const char *decision, const char *grade, kz_err *err);
/* Takes back the last triage decision actor recorded on a lead (an undone
 * decision does not count); nothing to take back is no error. */
kz_status kz_store_triage_remove_last(kz_store *st, int64_t lead_id, const char *actor,
                                      kz_err *err);
/* Facts about a lead the triage queue needs: whether anybody triaged it,
 * the grade at the last triage (grade_out "" when never), and whether it has
 * any activity. */
kz_status kz_store_triage_facts(kz_store *st, int64_t lead_id, bool *triaged, char *grade_out,
                                size_t grade_len, bool *touched, kz_err *err);

/* ---- presence: who has which lead open ---- */
/* Records that actor's board (host, pid) is alive, with lead_id open (0:
 * none), at time now. Its own short write transaction. */
kz_status kz_store_presence_set(kz_store *st, const char *actor, const char *host, int pid,
                                int64_t lead_id, int64_t now, kz_err *err);
kz_status kz_store_presence_clear(kz_store *st, const char *actor, const char *host, int pid,
                                  kz_err *err);
typedef struct kz_presence {
    char actor[KZ_USER_MAX];
    char host[64];
    int pid;
    int64_t lead_id;
    int64_t seen;
} kz_presence;
/* Boards seen since `since` (heartbeat newer than that), at most cap. */
kz_status kz_store_presence_list(kz_store *st, int64_t since, kz_presence *out, size_t cap,
                                 size_t *n, kz_err *err);

/* The last event that set `field` on the lead, or the event that created or
 * imported it (the derived one of kz_store_events for an import);
 * KZ_ENOTFOUND when none. */
kz_status kz_store_blame(kz_store *st, int64_t lead_id, const char *field, kz_event *out,
                         kz_err *err);

/* ---- imports (import.c) ---- */
/* One bulk import run: its progress and counts (a row of the imports table). */
typedef struct kz_store_import {
    int64_t id;
    int64_t rows_done; /* data rows fully processed and committed */
    int64_t created, updated, skipped, rejected;
} kz_store_import;
/* Tunes the connection for a bulk import: a 64 MiB page cache, statement
 * journals in memory, and checkpoints left to kz_store_import_batch_end. */
kz_status kz_store_import_tune(kz_store *st, kz_err *err);
/* After an import batch committed: once the write-ahead log holds 16 MiB,
 * copies it into the database (a passive checkpoint: it never waits), so
 * the log stays bounded by that plus one batch. */
void kz_store_import_batch_end(kz_store *st);
/* The e-mails of an import's next rows (n of them, at most
 * KZ_PREFETCH_EMAILS), asked of the database in one query, so that
 * kz_store_find_by_email answers each of them without a query of its own
 * (asked again in one query after anything else was written). Nothing on
 * an engine without bulk rows (SQLite: a look-up there costs no round
 * trip). */
#define KZ_PREFETCH_EMAILS 256
/* Whether an import here keeps its new leads for bulk rows and would use
 * kz_store_import_prefetch (after kz_store_import_tune). */
bool kz_store_import_bulk(const kz_store *st);
kz_status kz_store_import_prefetch(kz_store *st, const char *const *emails, size_t n,
                                   kz_err *err);
/* The unfinished import of the input with this fingerprint (the most recent
 * one); *found false when there is none. */
kz_status kz_store_import_find(kz_store *st, const char *fingerprint, kz_store_import *out,
                               bool *found, kz_err *err);
/* Records a new import run (sets *id). Inside a write transaction. */
kz_status kz_store_import_start(kz_store *st, const char *source, const char *fingerprint,
                                const char *actor, int64_t now, int64_t *id, kz_err *err);
/* Saves rows_done and the counts. Inside a write transaction. */
kz_status kz_store_import_progress(kz_store *st, const kz_store_import *imp, kz_err *err);
/* Saves the counts, marks the run finished and logs its one "import" event
 * (lead_id NULL; new_value the source; detail as given, e.g. JSON counts).
 * Inside a write transaction. */
kz_status kz_store_import_finish(kz_store *st, const kz_store_import *imp, const char *source,
                                 const char *actor, const char *detail, int64_t now, kz_err *err);
/* Inserts an imported lead: like kz_store_lead_insert, but CREATED, TOUCHED
 * and STAGE_ENTERED are kept when the lead has them (its history in the
 * other system) and IMPORT_ID is set to import_id. It logs no event of its
 * own: the run's one "import" event (kz_store_import_finish) and the imports
 * row stand for it, and kz_store_events shows the import as the first line
 * of the lead's history. holds_email: the lead must be the one holding
 * its e-mail (the import found no lead with it): when another lead was
 * given it meanwhile, the unique index refuses the row (KZ_EINVAL, said
 * so) instead of making a duplicate; otherwise a lead whose e-mail another
 * holds shares it. Inside a write transaction. */
kz_status kz_store_import_lead_insert(kz_store *st, kz_lead *lead, int64_t import_id,
                                      bool holds_email, int64_t now, kz_err *err);

/* ---- reports (report.c) ---- */
/* One stage entry of a lead from the event log: its creation (from NULL, to
 * the stage it was created in) or a stage change. The strings are borrowed
 * for the duration of the callback. */
typedef struct kz_stage_entry {
    int64_t lead_id;
    int64_t at;       /* Unix seconds */
    const char *from; /* NULL for the creation */
    const char *to;
} kz_stage_entry;
typedef bool (*kz_stage_entry_fn)(const kz_stage_entry *e, void *ud);
/* Calls fn for every stage entry of the leads that exist now and belong to
 * owner (NULL: anyone; "": unassigned), ordered by lead, time and event.
 * Events of an earlier lead that had the same id are skipped. fn returns
 * false to stop. */
kz_status kz_store_stage_entries(kz_store *st, const char *owner, kz_stage_entry_fn fn,
                                 void *ud, kz_err *err);
typedef bool (*kz_activity_fn)(const kz_activity *a, void *ud);
/* Calls fn for every activity of the leads that belong to owner (as above),
 * ordered by lead, time and id. a->note is NULL (notes are not loaded); the
 * activity is reused between calls. */
kz_status kz_store_activities_all(kz_store *st, const char *owner, kz_activity_fn fn, void *ud,
                                  kz_err *err);

#endif
