/* reports.c - the queries behind the managers' reports (src/report.c): stage
 * entries from the event log and every activity, filtered by owner. */
#include <stdio.h>
#include <string.h>

#include "kariz/i18n.h"
#include "store/internal.h"


/* The owner filter shared by both queries: ?1 NULL for anyone, '' for the
 * unassigned leads. */
#define OWNER_FILTER "(?1 IS NULL OR coalesce(l.owner, '') = ?1)"

kz_status kz_store_stage_entries(kz_store *st, const char *owner, kz_stage_entry_fn fn,
                                 void *ud, kz_err *err)
{
    /* A lead's history starts at its latest "create" event, so the log of
     * a deleted lead whose id was reused never leaks into the new one. */
    sqlite3_stmt *s = kz_stmt(
        st,
        "SELECT e.lead_id, e.at, e.kind, e.old_value, e.new_value, e.detail "
        "FROM events e JOIN leads l ON l.id = e.lead_id "
        "WHERE (e.kind = 'create' OR (e.kind = 'stage' AND e.field = 'stage')) "
        "AND " OWNER_FILTER " "
        "AND e.id >= (SELECT max(c.id) FROM events c WHERE c.lead_id = e.lead_id "
        "AND c.kind = 'create') "
        "ORDER BY e.lead_id, e.at, e.id",
        err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, owner);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        kz_stage_entry e;
        e.lead_id = sqlite3_column_int64(s, 0);
        e.at = sqlite3_column_int64(s, 1);
        const char *kind = (const char *)sqlite3_column_text(s, 2);
        if (kind && strcmp(kind, "create") == 0) {
            e.from = NULL;
            e.to = (const char *)sqlite3_column_text(s, 5);
        } else {
            e.from = (const char *)sqlite3_column_text(s, 3);
            e.to = (const char *)sqlite3_column_text(s, 4);
        }
        if (!e.to)
            continue; /* a creation without its stage says nothing */
        if (!fn(&e, ud)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return kz_db_error(st, rc, _("reading stage changes from the event log"), err);
    return KZ_OK;
}

static void copy_col(sqlite3_stmt *s, int col, char *out, size_t outlen)
{
    const char *v = (const char *)sqlite3_column_text(s, col);
    snprintf(out, outlen, "%s", v ? v : "");
}

kz_status kz_store_activities_all(kz_store *st, const char *owner, kz_activity_fn fn, void *ud,
                                  kz_err *err)
{
    sqlite3_stmt *s = kz_stmt(st,
                              "SELECT a.id, a.lead_id, a.at, a.kind, a.channel, a.outcome, "
                              "a.author FROM activities a JOIN leads l ON l.id = a.lead_id "
                              "WHERE " OWNER_FILTER " ORDER BY a.lead_id, a.at, a.id",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, owner);
    int rc;
    kz_activity a;
    memset(&a, 0, sizeof a);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        a.id = sqlite3_column_int64(s, 0);
        a.lead_id = sqlite3_column_int64(s, 1);
        a.at = sqlite3_column_int64(s, 2);
        copy_col(s, 3, a.kind, sizeof a.kind);
        copy_col(s, 4, a.channel, sizeof a.channel);
        copy_col(s, 5, a.outcome, sizeof a.outcome);
        copy_col(s, 6, a.author, sizeof a.author);
        a.note = NULL;
        if (!fn(&a, ud)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return kz_db_error(st, rc, _("reading activities"), err);
    return KZ_OK;
}
