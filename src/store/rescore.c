/* rescore.c - rescoring every lead as three ordered streams (leads, custom
 * fields, activities) merged by lead id: a handful of statements per batch
 * instead of several queries per lead. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "store/internal.h"

#define FAIL_STMT(err) ((err) ? (err)->code : KZ_EDB)

static const kz_field score_fields[] = {KZ_F_SCORE, KZ_F_GRADE, KZ_F_PERSONA, KZ_F_PAIN,
                                        KZ_F_INTEREST, KZ_F_FIT, KZ_F_BUDGET, KZ_F_AUTHORITY,
                                        KZ_F_NEED, KZ_F_TIMELINE};
#define NSCORE (sizeof score_fields / sizeof score_fields[0])

static bool same_text(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Copies the note into the activity, reusing its buffer. */
static void read_activity(sqlite3_stmt *s, kz_activity *a, size_t *notecap)
{
    a->id = sqlite3_column_int64(s, 0);
    a->lead_id = sqlite3_column_int64(s, 1);
    a->at = sqlite3_column_int64(s, 2);
    snprintf(a->kind, sizeof a->kind, "%s", (const char *)sqlite3_column_text(s, 3));
    snprintf(a->channel, sizeof a->channel, "%s", (const char *)sqlite3_column_text(s, 4));
    snprintf(a->outcome, sizeof a->outcome, "%s", (const char *)sqlite3_column_text(s, 5));
    snprintf(a->author, sizeof a->author, "%s", (const char *)sqlite3_column_text(s, 6));
    const char *note = (const char *)sqlite3_column_text(s, 7);
    if (!note) {
        if (a->note)
            a->note[0] = '\0';
        return;
    }
    size_t n = (size_t)sqlite3_column_bytes(s, 7);
    if (*notecap < n + 1) {
        a->note = kz_xrealloc(a->note, n + 1);
        *notecap = n + 1;
    }
    memcpy(a->note, note, n + 1);
}

typedef struct acts {
    kz_activity *v; /* owned, with owned notes */
    size_t *notecap;
    size_t n, cap;
} acts;

static kz_activity *acts_push(acts *a)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        a->v = kz_xrealloc(a->v, cap * sizeof *a->v);
        a->notecap = kz_xrealloc(a->notecap, cap * sizeof *a->notecap);
        memset(a->v + a->cap, 0, (cap - a->cap) * sizeof *a->v);
        memset(a->notecap + a->cap, 0, (cap - a->cap) * sizeof *a->notecap);
        a->cap = cap;
    }
    return &a->v[a->n++];
}

static void acts_free(acts *a)
{
    for (size_t i = 0; i < a->cap; i++)
        free(a->v[i].note);
    free(a->v);
    free(a->notecap);
}

kz_status kz_store_rescore_all(kz_store *st, size_t batch, const char *actor, int64_t now,
                               const bool *fields, bool with_custom, kz_rescore_fn fn, void *ud,
                               void (*progress)(int64_t done, int64_t total, void *ud),
                               int64_t *changed, kz_err *err)
{
    if (changed)
        *changed = 0;
    int64_t total = 0, done = 0, last = 0;
    sqlite3_stmt *cnt = kz_stmt(st, "SELECT count(*), coalesce(max(id), 0) FROM leads", err);
    if (!cnt)
        return FAIL_STMT(err);
    int64_t max_id = 0;
    if (sqlite3_step(cnt) == SQLITE_ROW) {
        total = sqlite3_column_int64(cnt, 0);
        max_id = sqlite3_column_int64(cnt, 1);
    }
    sqlite3_reset(cnt);

    /* only the columns asked for (NULL in the others' places) */
    kz_buf cols = KZ_BUF_INIT;
    for (int f = 1; f < KZ_F__COUNT; f++)
        kz_buf_printf(&cols, "%s%s", f > 1 ? ", " : "",
                      !fields || fields[f] ? kz_field_get((kz_field)f)->name : "NULL");
    char sql[1400];
    snprintf(sql, sizeof sql, "SELECT id, %s FROM leads WHERE id > ?1 ORDER BY id LIMIT ?2",
             kz_buf_str(&cols));
    kz_buf_free(&cols);
    kz_lead lead, before;
    kz_lead_init(&lead);
    kz_lead_init(&before);
    acts al = {0};
    kz_status ks = KZ_OK;
    while (ks == KZ_OK && last < max_id) {
        if ((ks = kz_store_begin(st, err)) != KZ_OK)
            break;
        sqlite3_stmt *ls = kz_stmt(st, sql, err);
        sqlite3_stmt *cs = kz_stmt(st,
                                   "SELECT lead_id, name, value FROM custom_fields WHERE lead_id "
                                   "> ?1 AND lead_id <= ?2 ORDER BY lead_id, name",
                                   err);
        sqlite3_stmt *as = kz_stmt(st,
                                   "SELECT id, lead_id, at, kind, channel, outcome, author, note "
                                   "FROM activities WHERE lead_id > ?1 AND lead_id <= ?2 "
                                   "ORDER BY lead_id, at, id",
                                   err);
        sqlite3_stmt *us = kz_stmt(st,
                                   "UPDATE leads SET score = ?2, grade = ?3, persona = ?4, pain = "
                                   "?5, interest = ?6, fit = ?7, budget = ?8, authority = ?9, need "
                                   "= ?10, timeline = ?11, version = version + 1, updated = ?12 "
                                   "WHERE id = ?1",
                                   err);
        if (!ls || !cs || !as || !us) {
            ks = FAIL_STMT(err);
            break;
        }
        /* the id range of this batch */
        sqlite3_stmt *rs = kz_stmt(st,
                                   "SELECT max(id) FROM (SELECT id FROM leads WHERE id > ?1 "
                                   "ORDER BY id LIMIT ?2)",
                                   err);
        if (!rs) {
            ks = FAIL_STMT(err);
            break;
        }
        sqlite3_bind_int64(rs, 1, last);
        sqlite3_bind_int64(rs, 2, (sqlite3_int64)batch);
        int64_t upto = sqlite3_step(rs) == SQLITE_ROW ? sqlite3_column_int64(rs, 0) : max_id;
        sqlite3_reset(rs);
        sqlite3_bind_int64(ls, 1, last);
        sqlite3_bind_int64(ls, 2, (sqlite3_int64)batch);
        sqlite3_bind_int64(cs, 1, last);
        sqlite3_bind_int64(cs, 2, upto);
        sqlite3_bind_int64(as, 1, last);
        sqlite3_bind_int64(as, 2, upto);
        int crc = with_custom ? sqlite3_step(cs) : SQLITE_DONE, arc = sqlite3_step(as), rc;
        while ((rc = sqlite3_step(ls)) == SQLITE_ROW) {
            kz_read_lead_row(ls, &lead);
            int64_t id = kz_lead_num(&lead, KZ_F_ID);
            while (with_custom && crc == SQLITE_ROW && sqlite3_column_int64(cs, 0) < id)
                crc = sqlite3_step(cs);
            while (with_custom && crc == SQLITE_ROW && sqlite3_column_int64(cs, 0) == id) {
                kz_lead_set_custom(&lead, (const char *)sqlite3_column_text(cs, 1),
                                   (const char *)sqlite3_column_text(cs, 2));
                crc = sqlite3_step(cs);
            }
            al.n = 0;
            while (arc == SQLITE_ROW && sqlite3_column_int64(as, 1) < id)
                arc = sqlite3_step(as);
            while (arc == SQLITE_ROW && sqlite3_column_int64(as, 1) == id) {
                kz_activity *a = acts_push(&al);
                read_activity(as, a, &al.notecap[al.n - 1]);
                arc = sqlite3_step(as);
            }
            const char *old_grade_p = kz_lead_text(&lead, KZ_F_GRADE);
            char old_grade[64];
            snprintf(old_grade, sizeof old_grade, "%s", old_grade_p ? old_grade_p : "");
            bool had_grade = old_grade_p != NULL;
            done++;
            last = id;
            if (!fn(&lead, al.v, al.n, ud))
                continue;
            sqlite3_bind_int64(us, 1, id);
            for (size_t i = 0; i < NSCORE; i++) {
                kz_field f = score_fields[i];
                int col = (int)i + 2;
                if (!kz_lead_has(&lead, f))
                    sqlite3_bind_null(us, col);
                else if (f == KZ_F_GRADE || f == KZ_F_PERSONA)
                    kz_bind_text(us, col, kz_lead_text(&lead, f));
                else
                    sqlite3_bind_int64(us, col, kz_lead_num(&lead, f));
            }
            sqlite3_bind_int64(us, 12, now);
            int urc = sqlite3_step(us);
            sqlite3_reset(us);
            if (urc != SQLITE_DONE) {
                ks = kz_db_error(st, urc, "saving scores", err);
                break;
            }
            if (changed)
                (*changed)++;
            const char *ng = kz_lead_text(&lead, KZ_F_GRADE);
            if (!same_text(had_grade ? old_grade : NULL, ng)) {
                kz_event e = {0};
                e.lead_id = id;
                e.at = now;
                e.version = kz_lead_num(&lead, KZ_F_VERSION) + 1;
                snprintf(e.actor, sizeof e.actor, "%s", actor);
                snprintf(e.kind, sizeof e.kind, "grade");
                e.field = (char *)"grade";
                e.old_value = had_grade ? old_grade : NULL;
                e.new_value = (char *)ng;
                if ((ks = kz_store_event_add(st, &e, err)) != KZ_OK)
                    break;
            }
        }
        if (ks == KZ_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
            ks = kz_db_error(st, rc, "reading leads", err);
        sqlite3_reset(ls);
        sqlite3_reset(cs);
        sqlite3_reset(as);
        if (ks == KZ_OK)
            ks = kz_store_commit(st, err);
        else
            kz_store_rollback(st);
        if (ks == KZ_OK && progress)
            progress(done, total, ud);
        if (last >= upto && upto >= max_id)
            break;
    }
    if (st->in_txn)
        kz_store_rollback(st);
    acts_free(&al);
    kz_lead_free(&lead);
    kz_lead_free(&before);
    return ks;
}
