/* log.c - activities, stakeholders and the event log. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "store/internal.h"


static char *dup_col(kz_dbstmt *s, int i)
{
    kz_buf scratch = KZ_BUF_INIT;
    size_t n;
    const char *v = kz_col_text(s, i, &scratch, &n);
    char *d = v ? kz_xstrndup(v, n) : NULL;
    kz_buf_free(&scratch);
    return d;
}

static void copy_col(kz_dbstmt *s, int i, char *out, size_t outlen)
{
    kz_buf scratch = KZ_BUF_INIT;
    const char *v = kz_col_text(s, i, &scratch, NULL);
    snprintf(out, outlen, "%s", v ? v : "");
    kz_buf_free(&scratch);
}

kz_status kz_store_activity_add(kz_store *st, kz_activity *a, int64_t now, kz_err *err)
{
    if (!st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: activity written outside a transaction"));
    if (!a->at)
        a->at = now;
    if (a->stakeholder_id) {
        /* whoever it was with must be someone on this lead */
        kz_dbstmt *q = kz_stmt(st, "SELECT role FROM stakeholders WHERE id = ? AND lead_id = ?",
                                  err);
        if (!q)
            return FAIL_STMT(err);
        kz_bind_i64(q, 1, a->stakeholder_id);
        kz_bind_i64(q, 2, a->lead_id);
        int qrc = kz_step(q);
        if (qrc == KZ_DB_ROW)
            copy_col(q, 0, a->with_role, sizeof a->with_role);
        kz_reset(q);
        if (qrc == KZ_DB_DONE)
            return kz_err_set(err, KZ_ENOTFOUND, _("lead %" PRId64 " has no stakeholder %" PRId64),
                              a->lead_id, a->stakeholder_id);
        if (qrc != KZ_DB_ROW)
            return kz_db_error(st, qrc, _("reading a stakeholder"), err);
    }
    kz_dbstmt *s = kz_stmt(st,
                              "INSERT INTO activities (id, lead_id, at, kind, channel, outcome, "
                              "author, note, stakeholder_id) VALUES (" KZ_NEXT_ID("activities")
                              ", ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, a->lead_id);
    kz_bind_i64(s, 2, a->at);
    kz_bind_text(s, 3, a->kind);
    kz_bind_text(s, 4, a->channel);
    kz_bind_text(s, 5, a->outcome[0] ? a->outcome : "none");
    kz_bind_text(s, 6, a->author);
    kz_bind_text(s, 7, a->note);
    if (a->stakeholder_id)
        kz_bind_i64(s, 8, a->stakeholder_id);
    else
        kz_bind_null(s, 8);
    int rc = kz_step_insert(st, s);
    if (rc != KZ_DB_DONE) {
        if (kz_db_class(rc) == KZ_DB_CONSTRAINT)
            return kz_err_set(err, KZ_ENOTFOUND, _("no lead with id %" PRId64), a->lead_id);
        return kz_db_error(st, rc, _("logging an activity"), err);
    }
    a->id = kz_db_last_id(st);
    kz_status ks = kz_search_add_note(st, a->lead_id, a->note, err);
    if (ks != KZ_OK)
        return ks;
    return kz_event_write(st, a->lead_id, now, 0, a->author, "activity", a->kind, NULL,
                          a->outcome[0] ? a->outcome : "none", a->note, err);
}

/* The role of the stakeholder an activity was with, as a column. */
#define WITH_ROLE_COL                                                                      \
    "coalesce((SELECT role FROM stakeholders WHERE stakeholders.id = activities.stakeholder_id), '')"

void kz_read_activity_with(kz_dbstmt *s, int col, kz_activity *a)
{
    a->stakeholder_id = kz_col_i64(s, col);
    copy_col(s, col + 1, a->with_role, sizeof a->with_role);
}

kz_status kz_store_activities(kz_store *st, int64_t lead_id, kz_activity_list *out, kz_err *err)
{
    kz_dbstmt *s = kz_stmt(st,
                              "SELECT id, lead_id, at, kind, channel, outcome, author, note, "
                              "coalesce(stakeholder_id, 0), " WITH_ROLE_COL ", "
                              "(SELECT name FROM stakeholders WHERE stakeholders.id = "
                              "activities.stakeholder_id) "
                              "FROM activities WHERE lead_id = ? ORDER BY at, id",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, lead_id);
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW) {
        kz_activity *a = kz_activity_list_push(out);
        a->id = kz_col_i64(s, 0);
        a->lead_id = kz_col_i64(s, 1);
        a->at = kz_col_i64(s, 2);
        copy_col(s, 3, a->kind, sizeof a->kind);
        copy_col(s, 4, a->channel, sizeof a->channel);
        copy_col(s, 5, a->outcome, sizeof a->outcome);
        copy_col(s, 6, a->author, sizeof a->author);
        a->note = dup_col(s, 7);
        kz_read_activity_with(s, 8, a);
        a->with_name = dup_col(s, 10);
    }
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading activities"), err);
    return KZ_OK;
}

kz_status kz_store_stakeholder_insert(kz_store *st, kz_stakeholder *sh, int64_t now, kz_err *err)
{
    if (!st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: stakeholder written outside a transaction"));
    kz_dbstmt *s = kz_stmt(st,
                              "INSERT INTO stakeholders (id, lead_id, name, role, email, phone, note, "
                              "title, created, updated) VALUES (" KZ_NEXT_ID("stakeholders")
                              ", ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, sh->lead_id);
    kz_bind_text(s, 2, sh->name);
    kz_bind_text(s, 3, sh->role);
    kz_bind_text(s, 4, sh->email);
    kz_bind_text(s, 5, sh->phone);
    kz_bind_text(s, 6, sh->note);
    kz_bind_text(s, 7, sh->title);
    kz_bind_i64(s, 8, now);
    kz_bind_i64(s, 9, now);
    int rc = kz_step_insert(st, s);
    if (rc != KZ_DB_DONE) {
        if (kz_db_class(rc) == KZ_DB_CONSTRAINT)
            return kz_err_set(err, KZ_ENOTFOUND, _("no lead with id %" PRId64), sh->lead_id);
        return kz_db_error(st, rc, _("adding a stakeholder"), err);
    }
    sh->id = kz_db_last_id(st);
    sh->created = sh->updated = now;
    return KZ_OK;
}

kz_status kz_store_stakeholder_add(kz_store *st, kz_stakeholder *sh, const char *actor,
                                   int64_t now, kz_err *err)
{
    kz_status ks = kz_store_stakeholder_insert(st, sh, now, err);
    if (ks != KZ_OK)
        return ks;
    char field[40];
    snprintf(field, sizeof field, "stakeholder.%" PRId64, sh->id);
    return kz_event_write(st, sh->lead_id, now, 0, actor, "stakeholder", field, NULL, sh->name,
                          sh->role, err);
}

kz_status kz_store_stakeholder_update(kz_store *st, const kz_stakeholder *sh, int64_t now,
                                      kz_err *err)
{
    if (!st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: stakeholder written outside a transaction"));
    kz_dbstmt *s = kz_stmt(st,
                              "UPDATE stakeholders SET name = ?, role = ?, email = ?, phone = ?, "
                              "note = ?, title = ?, updated = ? WHERE id = ?",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, sh->name);
    kz_bind_text(s, 2, sh->role);
    kz_bind_text(s, 3, sh->email);
    kz_bind_text(s, 4, sh->phone);
    kz_bind_text(s, 5, sh->note);
    kz_bind_text(s, 6, sh->title);
    kz_bind_i64(s, 7, now);
    kz_bind_i64(s, 8, sh->id);
    int rc = kz_step(s);
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("saving a stakeholder"), err);
    return KZ_OK;
}

kz_status kz_store_stakeholder_delete(kz_store *st, int64_t id, kz_err *err)
{
    if (!st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: stakeholder written outside a transaction"));
    kz_dbstmt *s = kz_stmt(st, "DELETE FROM stakeholders WHERE id = ?", err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, id);
    int rc = kz_step(s);
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("removing a stakeholder"), err);
    return KZ_OK;
}

#define SH_COLS                                                                            \
    "id, lead_id, name, role, email, phone, note, title, created, updated, "              \
    "coalesce((SELECT max(at) FROM activities WHERE activities.stakeholder_id = "          \
    "stakeholders.id), 0)"

static void read_stakeholder(kz_dbstmt *s, kz_stakeholder *sh)
{
    sh->id = kz_col_i64(s, 0);
    sh->lead_id = kz_col_i64(s, 1);
    sh->name = dup_col(s, 2);
    sh->role = dup_col(s, 3);
    sh->email = dup_col(s, 4);
    sh->phone = dup_col(s, 5);
    sh->note = dup_col(s, 6);
    sh->title = dup_col(s, 7);
    sh->created = kz_col_i64(s, 8);
    sh->updated = kz_col_i64(s, 9);
    sh->last_touch = kz_col_i64(s, 10);
}

kz_status kz_store_stakeholder_get(kz_store *st, int64_t id, kz_stakeholder *out, kz_err *err)
{
    kz_dbstmt *s = kz_stmt(st, "SELECT " SH_COLS " FROM stakeholders WHERE id = ?", err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, id);
    int rc = kz_step(s);
    if (rc == KZ_DB_ROW) {
        kz_stakeholder_free(out);
        read_stakeholder(s, out);
    }
    kz_reset(s);
    if (rc == KZ_DB_DONE)
        return kz_err_set(err, KZ_ENOTFOUND, _("no stakeholder with id %" PRId64), id);
    if (rc != KZ_DB_ROW)
        return kz_db_error(st, rc, _("reading a stakeholder"), err);
    return KZ_OK;
}

/* Appends the rows of a prepared "SELECT SH_COLS ..." statement. */
static kz_status read_stakeholders(kz_store *st, kz_dbstmt *s, kz_stakeholder_list *out,
                                   kz_err *err)
{
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW)
        read_stakeholder(s, kz_stakeholder_list_push(out));
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading stakeholders"), err);
    return KZ_OK;
}

kz_status kz_store_stakeholders(kz_store *st, int64_t lead_id, kz_stakeholder_list *out,
                                kz_err *err)
{
    kz_dbstmt *s = kz_stmt(st,
                              "SELECT " SH_COLS " FROM stakeholders WHERE lead_id = ? ORDER BY id",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, lead_id);
    return read_stakeholders(st, s, out, err);
}

static void read_event(kz_dbstmt *s, kz_event *e)
{
    e->id = kz_col_i64(s, 0);
    e->lead_id = kz_col_i64(s, 1);
    e->at = kz_col_i64(s, 2);
    e->version = kz_col_i64(s, 3);
    copy_col(s, 4, e->actor, sizeof e->actor);
    copy_col(s, 5, e->kind, sizeof e->kind);
    e->field = dup_col(s, 6);
    e->old_value = dup_col(s, 7);
    e->new_value = dup_col(s, 8);
    e->detail = dup_col(s, 9);
}

/* Where an imported lead came from, as the event its history starts with.
 * An import logs one event for the whole run (lead_id NULL); each lead
 * records its run in import_id, and the imports row holds who ran it, when
 * and from which file, so the per-lead line is derived from those: id 0,
 * at = the run's start, version 1, kind "import", detail "from FILE, import
 * N". Databases whose imports logged one event per lead keep those: then
 * nothing is derived. *found false when the lead did not come from an
 * import (or no longer exists). */
static kz_status import_origin(kz_store *st, int64_t lead_id, kz_event *e, bool *found,
                               kz_err *err)
{
    *found = false;
    kz_dbstmt *s = kz_stmt(st,
                              "SELECT i.id, i.started, i.actor, i.source FROM leads l "
                              "JOIN imports i ON i.id = l.import_id WHERE l.id = ?1 AND "
                              "NOT EXISTS (SELECT 1 FROM events e WHERE e.lead_id = ?1 "
                              "AND e.kind = 'import')",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, lead_id);
    int rc = kz_step(s);
    if (rc == KZ_DB_ROW) {
        memset(e, 0, sizeof *e);
        e->lead_id = lead_id;
        e->at = kz_col_i64(s, 1);
        e->version = 1;
        copy_col(s, 2, e->actor, sizeof e->actor);
        snprintf(e->kind, sizeof e->kind, "import");
        const char *src = kz_col_str(s, 3);
        kz_buf d = KZ_BUF_INIT; /* ownership passes to e->detail */
        kz_buf_printf(&d, "from %s, import %" PRId64,
                      !src || strcmp(src, "-") == 0 ? "standard input" : src,
                      (int64_t)kz_col_i64(s, 0));
        e->detail = kz_xstrdup(kz_buf_str(&d));
        kz_buf_free(&d);
        *found = true;
        rc = KZ_DB_DONE;
    }
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading the history"), err);
    return KZ_OK;
}

kz_status kz_store_events(kz_store *st, int64_t lead_id, int64_t since_version,
                          kz_event_list *out, kz_err *err)
{
    /* The history a person reads is in time order (an import or the demo
     * logs events back-dated, after later ones); what changed since a
     * version is in the order the changes were saved (the conflict checks
     * want the latest save). */
#define EVENTS_OF_LEAD                                                                     \
    "SELECT id, lead_id, at, version, actor, kind, field, old_value, "                    \
    "new_value, detail FROM events WHERE lead_id = ? AND version > ? "
    kz_dbstmt *s = kz_stmt(st,
                           since_version > 0 ? EVENTS_OF_LEAD "ORDER BY id"
                                             : EVENTS_OF_LEAD "ORDER BY at, id",
                           err);
#undef EVENTS_OF_LEAD
    if (!s)
        return FAIL_STMT(err);
    size_t first = out->n;
    kz_bind_i64(s, 1, lead_id);
    kz_bind_i64(s, 2, since_version > 0 ? since_version : -1);
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW)
        read_event(s, kz_event_list_push(out));
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading the history"), err);
    if (since_version > 0)
        return KZ_OK; /* the import made version 1 */
    kz_event origin;
    bool found;
    kz_status ks = import_origin(st, lead_id, &origin, &found, err);
    if (ks != KZ_OK || !found)
        return ks;
    /* at the run's start among the rest, in time order: after the touches
     * the import brought, which keep the other CRM's earlier dates, and
     * after the events of an earlier lead that had the same id and was
     * deleted before the import */
    size_t at = first;
    while (at < out->n && out->v[at].at < origin.at)
        at++;
    kz_event_list_push(out);
    memmove(&out->v[at + 1], &out->v[at], (out->n - 1 - at) * sizeof *out->v);
    out->v[at] = origin;
    return KZ_OK;
}

kz_status kz_store_blame(kz_store *st, int64_t lead_id, const char *field, kz_event *out,
                         kz_err *err)
{
    kz_dbstmt *s = kz_stmt(st,
                              "SELECT id, lead_id, at, version, actor, kind, field, old_value, "
                              "new_value, detail FROM events WHERE lead_id = ?1 AND "
                              "(field = ?2 OR (kind IN ('create', 'import') AND ?3)) "
                              "ORDER BY id DESC LIMIT 1",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, lead_id);
    kz_bind_text(s, 2, field);
    kz_bind_i64(s, 3, 1);
    int rc = kz_step(s);
    bool stored = rc == KZ_DB_ROW;
    if (stored) {
        memset(out, 0, sizeof *out);
        read_event(s, out);
        rc = KZ_DB_DONE;
    }
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading the history"), err);
    kz_event origin;
    bool found;
    kz_status ks = import_origin(st, lead_id, &origin, &found, err);
    if (ks != KZ_OK)
        return ks;
    if (found && stored && out->at >= origin.at) { /* a later change */
        free(origin.detail);
        return KZ_OK;
    }
    if (found) { /* the value came with the import */
        if (stored) {
            free(out->field);
            free(out->old_value);
            free(out->new_value);
            free(out->detail);
        }
        *out = origin;
        return KZ_OK;
    }
    if (stored)
        return KZ_OK;
    return kz_err_set(err, KZ_ENOTFOUND, _("no change to \"%s\" recorded for lead %" PRId64), field,
                      lead_id);
}

kz_status kz_store_events_after(kz_store *st, int64_t after_id, size_t limit,
                                kz_event_list *out, kz_err *err)
{
    kz_dbstmt *s = kz_stmt(st,
                              "SELECT id, lead_id, at, version, actor, kind, field, old_value, "
                              "new_value, detail FROM events WHERE id > ? ORDER BY id LIMIT ?",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, after_id);
    kz_bind_i64(s, 2, (int64_t)(limit ? limit : 100));
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW)
        read_event(s, kz_event_list_push(out));
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading recent changes"), err);
    return KZ_OK;
}

kz_status kz_store_last_event_id(kz_store *st, int64_t *out, kz_err *err)
{
    kz_dbstmt *s = kz_stmt(st, "SELECT coalesce(max(id), 0) FROM events", err);
    if (!s)
        return FAIL_STMT(err);
    int rc = kz_step(s);
    *out = rc == KZ_DB_ROW ? kz_col_i64(s, 0) : 0;
    kz_reset(s);
    if (rc != KZ_DB_ROW)
        return kz_db_error(st, rc, _("reading recent changes"), err);
    return KZ_OK;
}

static kz_status presence_write(kz_store *st, const char *sql, const char *actor,
                                const char *host, int pid, int64_t lead_id, int64_t now,
                                kz_err *err)
{
    if (st->readonly)
        return KZ_OK; /* a read-only board cannot announce itself */
    kz_status ks;
    bool own = !st->in_txn;
    if (own && (ks = kz_store_begin(st, err)) != KZ_OK)
        return ks;
    /* (claimed in the session the entry is written in: one the BEGIN
     * found gone and replaced included) */
    if (lead_id >= 0 && st->be->presence_claim &&
        (ks = st->be->presence_claim(st, pid, err)) != KZ_OK) {
        if (own)
            kz_store_rollback(st);
        return ks;
    }
    kz_dbstmt *s = kz_stmt(st, sql, err);
    if (!s) {
        if (own)
            kz_store_rollback(st);
        return FAIL_STMT(err);
    }
    kz_bind_text(s, 1, actor);
    kz_bind_text(s, 2, host);
    kz_bind_i64(s, 3, pid);
    if (lead_id >= 0) { /* a set: lead and heartbeat */
        if (lead_id)
            kz_bind_i64(s, 4, lead_id);
        else
            kz_bind_null(s, 4);
        kz_bind_i64(s, 5, now);
    }
    int rc = kz_step(s);
    kz_reset(s);
    if (rc != KZ_DB_DONE) {
        ks = kz_db_error(st, rc, _("updating presence"), err);
        if (own)
            kz_store_rollback(st);
        return ks;
    }
    return own ? kz_store_commit(st, err) : KZ_OK;
}

kz_status kz_store_presence_set(kz_store *st, const char *actor, const char *host, int pid,
                                int64_t lead_id, int64_t now, kz_err *err)
{
    return presence_write(st,
                          "INSERT INTO presence (actor, host, pid, lead_id, seen) VALUES (?, ?, ?, "
                          "?, ?) ON CONFLICT (actor, host, pid) DO UPDATE SET lead_id = "
                          "excluded.lead_id, seen = excluded.seen",
                          actor, host, pid, lead_id, now, err);
}

kz_status kz_store_presence_clear(kz_store *st, const char *actor, const char *host, int pid,
                                  kz_err *err)
{
    return presence_write(st, "DELETE FROM presence WHERE actor = ? AND host = ? AND pid = ?",
                          actor, host, pid, -1, 0, err);
}

kz_status kz_store_presence_list(kz_store *st, int64_t since, kz_presence *out, size_t cap,
                                 size_t *n, kz_err *err)
{
    *n = 0;
    kz_buf sql = KZ_BUF_INIT; /* owned */
    kz_buf_printf(&sql,
                  "SELECT actor, host, pid, coalesce(lead_id, 0), seen FROM presence "
                  "WHERE seen >= ?%s ORDER BY actor, host, pid",
                  st->be->presence_live ? st->be->presence_live : "");
    kz_dbstmt *s = kz_stmt(st, kz_buf_str(&sql), err);
    kz_buf_free(&sql);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, since);
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW && *n < cap) {
        kz_presence *p = &out[(*n)++];
        copy_col(s, 0, p->actor, sizeof p->actor);
        copy_col(s, 1, p->host, sizeof p->host);
        p->pid = (int)kz_col_i64(s, 2);
        p->lead_id = kz_col_i64(s, 3);
        p->seen = kz_col_i64(s, 4);
    }
    kz_reset(s);
    if (rc != KZ_DB_ROW && rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading presence"), err);
    return KZ_OK;
}
