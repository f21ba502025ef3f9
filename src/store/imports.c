/* imports.c - bulk import runs (the imports table) and the lead insert an
 * import uses. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "store/internal.h"


kz_status kz_store_import_tune(kz_store *st, kz_err *err)
{
    return st->be->import_tune ? st->be->import_tune(st, err) : KZ_OK;
}

void kz_store_import_batch_end(kz_store *st)
{
    if (st->be->import_batch_end)
        st->be->import_batch_end(st);
}

kz_status kz_store_import_find(kz_store *st, const char *fingerprint, kz_store_import *out,
                               bool *found, kz_err *err)
{
    memset(out, 0, sizeof *out);
    *found = false;
    kz_dbstmt *s = kz_stmt(st,
                              "SELECT id, rows_done, created, updated, skipped, rejected FROM imports "
                              "WHERE fingerprint = ? AND finished IS NULL ORDER BY id DESC LIMIT 1",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, fingerprint);
    int rc = kz_step(s);
    if (rc == KZ_DB_ROW) {
        out->id = kz_col_i64(s, 0);
        out->rows_done = kz_col_i64(s, 1);
        out->created = kz_col_i64(s, 2);
        out->updated = kz_col_i64(s, 3);
        out->skipped = kz_col_i64(s, 4);
        out->rejected = kz_col_i64(s, 5);
        *found = true;
        rc = KZ_DB_DONE;
    }
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("looking for an unfinished import"), err);
    return KZ_OK;
}

kz_status kz_store_import_start(kz_store *st, const char *source, const char *fingerprint,
                                const char *actor, int64_t now, int64_t *id, kz_err *err)
{
    if (!st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: import started outside a transaction"));
    kz_dbstmt *s = kz_stmt(st,
                              "INSERT INTO imports (id, source, fingerprint, actor, started) "
                              "VALUES (" KZ_NEXT_ID("imports") ", ?, ?, ?, ?) RETURNING id",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, source);
    kz_bind_text(s, 2, fingerprint);
    kz_bind_text(s, 3, actor);
    kz_bind_i64(s, 4, now);
    int rc = kz_step_insert(st, s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("recording an import"), err);
    *id = kz_db_last_id(st);
    return KZ_OK;
}

static kz_status save_counts(kz_store *st, const kz_store_import *imp, bool finish, int64_t now,
                             kz_err *err)
{
    kz_dbstmt *s = kz_stmt(st,
                              "UPDATE imports SET rows_done = ?2, created = ?3, updated = ?4, "
                              "skipped = ?5, rejected = ?6, finished = CASE WHEN ?7 THEN ?8 "
                              "ELSE finished END WHERE id = ?1",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, imp->id);
    kz_bind_i64(s, 2, imp->rows_done);
    kz_bind_i64(s, 3, imp->created);
    kz_bind_i64(s, 4, imp->updated);
    kz_bind_i64(s, 5, imp->skipped);
    kz_bind_i64(s, 6, imp->rejected);
    kz_bind_i64(s, 7, finish);
    kz_bind_i64(s, 8, now);
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
                                      bool holds_email, int64_t now, kz_err *err)
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
    st->email_claim = holds_email;
    kz_status ks = kz_insert_lead_row(st, lead, err);
    st->email_claim = false;
    if (ks != KZ_OK && ks != KZ_EINVAL)
        kz_err_prefix(err, _("adding an imported lead"));
    /* no event per lead: its history shows the import from import_id and
     * the imports row (kz_store_events), and the run logs one event */
    return ks;
}
