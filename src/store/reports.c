/* reports.c - the queries behind the managers' reports (src/report.c): stage
 * entries from the event log and every activity, filtered by owner. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "store/internal.h"


/* The owner filter shared by both queries: ?1 NULL for anyone, '' for the
 * unassigned leads. */
#define OWNER_FILTER "(?1 IS NULL OR coalesce(l.owner, '') = ?1)"

/* Hands one lead's stage events (oldest first) to fn, leaving out the
 * undos and the changes they took back; false when fn said stop. */
static bool emit_lead(kz_event_list *l, kz_stage_entry_fn fn, void *ud)
{
    long *by = kz_xcalloc(l->n ? l->n : 1, sizeof *by);
    kz_events_undone(l->v, l->n, by);
    bool go = true;
    for (size_t i = 0; go && i < l->n; i++) {
        const kz_event *e = &l->v[i];
        if (by[i] >= 0 || kz_event_is_undo(e))
            continue;
        kz_stage_entry se = {.lead_id = e->lead_id, .at = e->at, .from = NULL,
                             .to = e->new_value};
        if (strcmp(e->kind, "create") == 0)
            se.to = e->detail;
        else
            se.from = e->old_value;
        if (se.to) /* a creation without its stage says nothing */
            go = fn(&se, ud);
    }
    free(by);
    kz_event_list_free(l);
    return go;
}

static char *col_dup(kz_dbstmt *s, int col)
{
    const char *v = kz_col_str(s, col);
    return v ? kz_xstrdup(v) : NULL;
}

kz_status kz_store_stage_entries(kz_store *st, const char *owner, kz_stage_entry_fn fn,
                                 void *ud, kz_err *err)
{
    /* A lead's history starts at its latest "create" event, so the log of
     * a deleted lead whose id was reused never leaks into the new one. An
     * imported lead has none (its import logged one event for the run):
     * its history starts at its creation in the CRM it came from, in the
     * stage the imports left it in (a deals file moves the leads a
     * contacts file made: the CRM's stage, not a move made that day),
     * and goes on with what was logged since, but for the imports' own
     * moves. An import's moves are those its account logged while it
     * ran. */
#define BY_IMPORT(x)                                                                            \
    "EXISTS (SELECT 1 FROM imports w WHERE w.actor = " x ".actor AND " x ".at >= w.started " \
    "AND " x ".at <= coalesce(w.finished, " x ".at))"
    kz_dbstmt *s = kz_stmt(
        st,
        "WITH imp (id, created, stage, lost_from, entered, first) AS ("
        "SELECT l.id, l.created, l.stage, l.lost_from, l.stage_entered, coalesce("
        "(SELECT x.new_value FROM events x WHERE x.lead_id = l.id AND x.kind = 'stage' AND "
        "x.field = 'stage' AND x.at >= i.started AND " BY_IMPORT("x") " ORDER BY x.id DESC "
        "LIMIT 1), "
        "(SELECT s.old_value FROM events s WHERE s.lead_id = l.id AND s.kind = 'stage' AND "
        "s.field = 'stage' AND s.at >= i.started ORDER BY s.id LIMIT 1), l.stage) "
        "FROM leads l JOIN imports i ON i.id = l.import_id WHERE " OWNER_FILTER " "
        "AND NOT EXISTS (SELECT 1 FROM events c WHERE c.lead_id = l.id AND c.kind = 'create')) "
        "SELECT e.lead_id, e.at, e.kind, e.old_value, e.new_value, e.detail, e.id "
        "FROM events e JOIN leads l ON l.id = e.lead_id "
        "WHERE (e.kind = 'create' OR (e.kind = 'stage' AND e.field = 'stage')) "
        "AND " OWNER_FILTER " "
        "AND (e.id >= (SELECT max(c.id) FROM events c WHERE c.lead_id = e.lead_id "
        "AND c.kind = 'create') OR (NOT EXISTS (SELECT 1 FROM events c WHERE c.lead_id = "
        "e.lead_id AND c.kind = 'create') AND e.at >= (SELECT i.started FROM imports i "
        "WHERE i.id = l.import_id) AND NOT " BY_IMPORT("e") ")) "
        /* a deal the imports left lost (and nothing has moved since)
         * passed the stage it was lost from: it starts there, and is lost
         * when it entered the lost stage */
        "UNION ALL "
        "SELECT id, created, 'create', NULL, NULL, "
        "CASE WHEN first = stage AND lost_from IS NOT NULL THEN lost_from ELSE first END, 0 "
        "FROM imp "
        "UNION ALL "
        "SELECT id, entered, 'stage', lost_from, stage, NULL, 0 FROM imp "
        "WHERE first = stage AND lost_from IS NOT NULL "
        "ORDER BY 1, 2, 7",
        err);
#undef BY_IMPORT
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, owner);
    int rc;
    kz_event_list lead = {0}; /* one lead's stage events, undos paired at its end */
    bool go = true;
    while ((rc = kz_step(s)) == KZ_DB_ROW) {
        int64_t id = kz_col_i64(s, 0);
        if (lead.n && lead.v[0].lead_id != id && !(go = emit_lead(&lead, fn, ud)))
            break;
        kz_event *e = kz_event_list_push(&lead);
        e->lead_id = id;
        e->at = kz_col_i64(s, 1);
        const char *kind = kz_col_str(s, 2);
        snprintf(e->kind, sizeof e->kind, "%s", kind ? kind : "");
        e->field = kz_xstrdup("stage");
        e->old_value = col_dup(s, 3);
        e->new_value = col_dup(s, 4);
        e->detail = col_dup(s, 5);
    }
    if (rc == KZ_DB_ROW || rc == KZ_DB_DONE)
        rc = KZ_DB_DONE;
    kz_reset(s);
    if (go && rc == KZ_DB_DONE && lead.n)
        emit_lead(&lead, fn, ud);
    kz_event_list_free(&lead);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading stage changes from the event log"), err);
    return KZ_OK;
}

static void copy_col(kz_dbstmt *s, int col, char *out, size_t outlen)
{
    const char *v = kz_col_str(s, col);
    snprintf(out, outlen, "%s", v ? v : "");
}

kz_status kz_store_activities_all(kz_store *st, const char *owner, kz_activity_fn fn, void *ud,
                                  kz_err *err)
{
    kz_dbstmt *s = kz_stmt(st,
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
    while ((rc = kz_step(s)) == KZ_DB_ROW) {
        a.id = kz_col_i64(s, 0);
        a.lead_id = kz_col_i64(s, 1);
        a.at = kz_col_i64(s, 2);
        copy_col(s, 3, a.kind, sizeof a.kind);
        copy_col(s, 4, a.channel, sizeof a.channel);
        copy_col(s, 5, a.outcome, sizeof a.outcome);
        copy_col(s, 6, a.author, sizeof a.author);
        a.note = NULL;
        if (!fn(&a, ud)) {
            rc = KZ_DB_DONE;
            break;
        }
    }
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading activities"), err);
    return KZ_OK;
}
