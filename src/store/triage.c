/* triage.c (store) - the record of triage decisions. */
#include <stdio.h>
#include <string.h>

#include "kariz/i18n.h"
#include "store/internal.h"

kz_status kz_store_triage_add(kz_store *st, int64_t lead_id, const char *actor, int64_t at,
                              const char *decision, const char *grade, kz_err *err)
{
    bool own = !st->in_txn;
    kz_status ks;
    if (own && (ks = kz_store_begin(st, err)) != KZ_OK)
        return ks;
    kz_dbstmt *s = kz_stmt(st,
                              "INSERT INTO triage (lead_id, actor, at, decision, grade) "
                              "VALUES (?, ?, ?, ?, ?)",
                              err);
    int rc = KZ_DB_ERROR;
    if (s) {
        kz_bind_i64(s, 1, lead_id);
        kz_bind_text(s, 2, actor);
        kz_bind_i64(s, 3, at);
        kz_bind_text(s, 4, decision);
        kz_bind_text(s, 5, grade);
        rc = kz_step(s);
        kz_reset(s);
    }
    if (!s || rc != KZ_DB_DONE) {
        ks = !s ? (FAIL_STMT(err))
                : kz_db_class(rc) == KZ_DB_CONSTRAINT
                      ? kz_err_set(err, KZ_ENOTFOUND, _("no lead with id %lld"), (long long)lead_id)
                      : kz_db_error(st, rc, _("recording a triage decision"), err);
        if (own)
            kz_store_rollback(st);
        return ks;
    }
    return own ? kz_store_commit(st, err) : KZ_OK;
}

kz_status kz_store_triage_remove_last(kz_store *st, int64_t lead_id, const char *actor,
                                      kz_err *err)
{
    kz_dbstmt *s = kz_stmt(st,
                              "DELETE FROM triage WHERE id = (SELECT max(id) FROM triage "
                              "WHERE lead_id = ?1 AND actor = ?2)",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, lead_id);
    kz_bind_text(s, 2, actor);
    int rc = kz_step(s);
    kz_reset(s);
    return rc == KZ_DB_DONE ? KZ_OK : kz_db_error(st, rc, _("taking back a triage decision"), err);
}

kz_status kz_store_triage_facts(kz_store *st, int64_t lead_id, bool *triaged, char *grade_out,
                                size_t grade_len, bool *touched, kz_err *err)
{
    kz_dbstmt *s = kz_stmt(
        st,
        "SELECT (SELECT grade FROM triage WHERE lead_id = ?1 ORDER BY id DESC LIMIT 1), "
        "EXISTS (SELECT 1 FROM triage WHERE lead_id = ?1), "
        "EXISTS (SELECT 1 FROM activities WHERE lead_id = ?1)",
        err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, lead_id);
    int rc = kz_step(s);
    if (rc != KZ_DB_ROW) {
        kz_reset(s);
        return kz_db_error(st, rc, _("reading triage state"), err);
    }
    const char *g = kz_col_str(s, 0);
    snprintf(grade_out, grade_len, "%s", g ? g : "");
    *triaged = (int)kz_col_i64(s, 1) != 0;
    *touched = (int)kz_col_i64(s, 2) != 0;
    kz_reset(s);
    return KZ_OK;
}
