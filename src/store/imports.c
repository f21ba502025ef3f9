/* imports.c - bulk import runs (the imports table) and the lead insert an
 * import uses. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "store/internal.h"


/* The log an import lets grow before it checkpoints between batches. */
#define IMPORT_WAL_PAGES 4096

kz_status kz_store_import_tune(kz_store *st, kz_err *err)
{
    /* A bulk import touches index pages all over the file: a bigger page
     * cache keeps them from spilling within one batch (64 MiB, released when
     * the connection closes). Each lead insert fires triggers, so SQLite
     * keeps a statement journal for it: in memory, not a temporary file
     * rewritten for every row. Every batch rewrites many of the same pages
     * (index interior pages, the search index's newest segments): a
     * checkpoint after every commit (the automatic one at 1000 pages) copied
     * them back into the database file and synced it each time; the import
     * lets the log reach IMPORT_WAL_PAGES (16 MiB of 4 KiB pages) first, so
     * one checkpoint covers several batches. The log file keeps the size it
     * reached; journal_size_limit cuts it back to that bound when it starts
     * over, so a crash or a reader that held a checkpoint back never leaves
     * a log larger than the database behind. */
    kz_status ks = kz_exec(st, "PRAGMA cache_size = -65536", err);
    if (ks == KZ_OK)
        ks = kz_exec(st, "PRAGMA temp_store = MEMORY", err);
    if (ks == KZ_OK)
        ks = kz_exec(st, "PRAGMA journal_size_limit = 16777216", err);
    if (ks == KZ_OK)
        st->no_autockpt = true;
    return ks;
}

void kz_store_import_batch_end(kz_store *st)
{
    /* PASSIVE: never waits for readers or writers (a board reading holds
     * back only the pages it still needs); the next batch then starts the
     * log over from its beginning once every reader has moved past it */
    if (st->wal_frames >= IMPORT_WAL_PAGES)
        sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

kz_status kz_store_import_find(kz_store *st, const char *fingerprint, kz_store_import *out,
                               bool *found, kz_err *err)
{
    memset(out, 0, sizeof *out);
    *found = false;
    sqlite3_stmt *s = kz_stmt(st,
                              "SELECT id, rows_done, created, updated, skipped, rejected FROM imports "
                              "WHERE fingerprint = ? AND finished IS NULL ORDER BY id DESC LIMIT 1",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, fingerprint);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(s, 0);
        out->rows_done = sqlite3_column_int64(s, 1);
        out->created = sqlite3_column_int64(s, 2);
        out->updated = sqlite3_column_int64(s, 3);
        out->skipped = sqlite3_column_int64(s, 4);
        out->rejected = sqlite3_column_int64(s, 5);
        *found = true;
        rc = SQLITE_DONE;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return kz_db_error(st, rc, _("looking for an unfinished import"), err);
    return KZ_OK;
}

kz_status kz_store_import_start(kz_store *st, const char *source, const char *fingerprint,
                                const char *actor, int64_t now, int64_t *id, kz_err *err)
{
    if (!st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: import started outside a transaction"));
    sqlite3_stmt *s = kz_stmt(st,
                              "INSERT INTO imports (source, fingerprint, actor, started) "
                              "VALUES (?, ?, ?, ?)",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, source);
    kz_bind_text(s, 2, fingerprint);
    kz_bind_text(s, 3, actor);
    sqlite3_bind_int64(s, 4, now);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return kz_db_error(st, rc, _("recording an import"), err);
    *id = sqlite3_last_insert_rowid(st->db);
    return KZ_OK;
}

static kz_status save_counts(kz_store *st, const kz_store_import *imp, bool finish, int64_t now,
                             kz_err *err)
{
    sqlite3_stmt *s = kz_stmt(st,
                              "UPDATE imports SET rows_done = ?2, created = ?3, updated = ?4, "
                              "skipped = ?5, rejected = ?6, finished = CASE WHEN ?7 THEN ?8 "
                              "ELSE finished END WHERE id = ?1",
                              err);
    if (!s)
        return FAIL_STMT(err);
    sqlite3_bind_int64(s, 1, imp->id);
    sqlite3_bind_int64(s, 2, imp->rows_done);
    sqlite3_bind_int64(s, 3, imp->created);
    sqlite3_bind_int64(s, 4, imp->updated);
    sqlite3_bind_int64(s, 5, imp->skipped);
    sqlite3_bind_int64(s, 6, imp->rejected);
    sqlite3_bind_int(s, 7, finish);
    sqlite3_bind_int64(s, 8, now);
    return kz_step_done(st, s, _("saving an import's progress"), err);
}

kz_status kz_store_import_progress(kz_store *st, const kz_store_import *imp, kz_err *err)
{
    if (!st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: import progress outside a transaction"));
    return save_counts(st, imp, false, 0, err);
}

kz_status kz_store_import_finish(kz_store *st, const kz_store_import *imp, const char *source,
                                 const char *actor, const char *detail, int64_t now, kz_err *err)
{
    if (!st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: import finished outside a transaction"));
    kz_status ks = save_counts(st, imp, true, now, err);
    if (ks != KZ_OK)
        return ks;
    return kz_event_write(st, 0, now, 0, actor, "import", NULL, NULL, source, detail, err);
}

kz_status kz_store_import_lead_insert(kz_store *st, kz_lead *lead, int64_t import_id,
                                      int64_t now, kz_err *err)
{
    if (!st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: lead inserted outside a transaction"));
    kz_lead_set_num(lead, KZ_F_VERSION, 1);
    if (!kz_lead_has(lead, KZ_F_CREATED))
        kz_lead_set_num(lead, KZ_F_CREATED, now);
    kz_lead_set_num(lead, KZ_F_UPDATED, now);
    if (!kz_lead_has(lead, KZ_F_TOUCHED))
        kz_lead_set_num(lead, KZ_F_TOUCHED, now);
    if (!kz_lead_has(lead, KZ_F_STAGE_ENTERED))
        kz_lead_set_num(lead, KZ_F_STAGE_ENTERED, now);
    kz_lead_set_num(lead, KZ_F_IMPORT_ID, import_id);
    kz_status ks = kz_insert_lead_row(st, lead, err);
    if (ks != KZ_OK && ks != KZ_EINVAL)
        kz_err_prefix(err, _("adding an imported lead"));
    /* no event per lead: its history shows the import from import_id and
     * the imports row (kz_store_events), and the run logs one event */
    return ks;
}
