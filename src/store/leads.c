/* leads.c - reading, writing and listing leads, with their custom fields and
 * the events every change leaves in the log. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/text.h"
#include "store/internal.h"


/* Same value (or both absent) in a and b? */
static bool field_equal_any(const kz_lead *a, const kz_lead *b, kz_field f);

void kz_read_lead_col(kz_dbstmt *s, int col, kz_field f, kz_lead *l)
{
    if (kz_col_null(s, col))
        return;
    if (kz_field_is_text(f)) {
        kz_buf scratch = KZ_BUF_INIT;
        size_t n;
        const char *v = kz_col_text(s, col, &scratch, &n);
        kz_lead_set_textn(l, f, v, n);
        kz_buf_free(&scratch);
    } else
        kz_lead_set_num(l, f, kz_col_i64(s, col));
}

void kz_read_lead_roles(kz_dbstmt *s, int col, kz_lead *l)
{
    const char *v = kz_col_str(s, col);
    snprintf(l->roles, sizeof l->roles, "%s", v ? v : "");
}

void kz_read_lead_row(kz_dbstmt *s, kz_lead *l)
{
    kz_lead_reset(l);
    for (int f = 0; f < KZ_F__COUNT; f++)
        kz_read_lead_col(s, f, (kz_field)f, l);
    if (kz_col_count(s) > KZ_F__COUNT)
        kz_read_lead_roles(s, KZ_F__COUNT, l);
}

kz_status kz_load_custom(kz_store *st, int64_t id, kz_lead *l, kz_err *err)
{
    kz_dbstmt *s =
        kz_stmt(st, "SELECT name, value FROM custom_fields WHERE lead_id = ? ORDER BY name", err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, id);
    int rc;
    kz_buf scratch = KZ_BUF_INIT;
    while ((rc = kz_step(s)) == KZ_DB_ROW)
        kz_lead_set_custom(l, kz_col_str(s, 0),
                           kz_col_text(s, 1, &scratch, NULL));
    kz_buf_free(&scratch);
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading custom fields"), err);
    return KZ_OK;
}

kz_status kz_store_lead_get(kz_store *st, int64_t id, kz_lead *out, kz_err *err)
{
    char sql[1600];
    snprintf(sql, sizeof sql, "SELECT id, %s, " KZ_ROLES_COL " FROM leads WHERE id = ?",
             st->lead_cols);
    kz_dbstmt *s = kz_stmt(st, sql, err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, id);
    int rc = kz_step(s);
    if (rc == KZ_DB_DONE) {
        kz_reset(s);
        return kz_err_set(err, KZ_ENOTFOUND, _("no lead with id %" PRId64), id);
    }
    if (rc != KZ_DB_ROW) {
        kz_reset(s);
        return kz_db_error(st, rc, _("reading a lead"), err);
    }
    kz_read_lead_row(s, out);
    kz_reset(s);
    return kz_load_custom(st, id, out, err);
}

static void bind_field(kz_dbstmt *s, int col, const kz_lead *l, kz_field f)
{
    if (!l->has[f])
        kz_bind_null(s, col);
    else if (kz_field_is_text(f))
        kz_bind_text(s, col, l->txt[f]);
    else
        kz_bind_i64(s, col, l->num[f]);
}

kz_status kz_event_write(kz_store *st, int64_t lead_id, int64_t at, int64_t version,
                           const char *actor, const char *kind, const char *field,
                           const char *oldv, const char *newv, const char *detail, kz_err *err)
{
    kz_dbstmt *s = kz_stmt(st,
                              "INSERT INTO events (id, lead_id, at, version, actor, kind, field, "
                              "old_value, new_value, detail) VALUES (" KZ_NEXT_ID("events") ", "
                              "?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                              err);
    if (!s)
        return FAIL_STMT(err);
    if (lead_id)
        kz_bind_i64(s, 1, lead_id);
    else
        kz_bind_null(s, 1);
    kz_bind_i64(s, 2, at);
    kz_bind_i64(s, 3, version);
    kz_bind_text(s, 4, actor);
    kz_bind_text(s, 5, kind);
    kz_bind_text(s, 6, field);
    kz_bind_text(s, 7, oldv);
    kz_bind_text(s, 8, newv);
    kz_bind_text(s, 9, detail);
    int rc = kz_step_insert(st, s);
    return rc == KZ_DB_DONE ? KZ_OK : kz_db_error(st, rc, _("writing the event log"), err);
}

kz_status kz_store_event_add(kz_store *st, kz_event *e, kz_err *err)
{
    if (!st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: event written outside a transaction"));
    kz_status ks = kz_event_write(st, e->lead_id, e->at, e->version, e->actor, e->kind, e->field,
                             e->old_value, e->new_value, e->detail, err);
    if (ks == KZ_OK)
        e->id = kz_db_last_id(st);
    return ks;
}

static kz_status write_custom(kz_store *st, int64_t id, const char *name, const char *value,
                              kz_err *err)
{
    kz_dbstmt *s;
    if (value) {
        s = kz_stmt(st,
                    "INSERT INTO custom_fields (lead_id, name, value) VALUES (?, ?, ?) "
                    "ON CONFLICT (lead_id, name) DO UPDATE SET value = excluded.value",
                    err);
    } else {
        s = kz_stmt(st, "DELETE FROM custom_fields WHERE lead_id = ? AND name = ?", err);
    }
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, id);
    kz_bind_text(s, 2, name);
    if (value)
        kz_bind_text(s, 3, value);
    return kz_step_done(st, s, _("saving custom fields"), err);
}

/* ---- the column totals and the search index ----
 * Kept by these statements, in the transaction that changes the lead (see
 * schema.sql for why not by triggers). */

static const char *owner_key(const kz_lead *l)
{
    const char *o = kz_lead_text(l, KZ_F_OWNER);
    return o ? o : "";
}

static kz_status totals_write(kz_store *st, const char *stage, const char *owner, int64_t n,
                              int64_t value, int64_t ovr_value, int64_t ovr_weighted,
                              kz_err *err)
{
    kz_dbstmt *s = kz_stmt(st,
                              "INSERT INTO stage_totals (stage, owner, n, value, ovr_value, "
                              "ovr_weighted) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                              "ON CONFLICT (stage, owner) DO UPDATE SET n = stage_totals.n + excluded.n, "
                              "value = stage_totals.value + excluded.value, "
                              "ovr_value = stage_totals.ovr_value + excluded.ovr_value, "
                              "ovr_weighted = stage_totals.ovr_weighted + excluded.ovr_weighted",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, stage);
    kz_bind_text(s, 2, owner);
    kz_bind_i64(s, 3, n);
    kz_bind_i64(s, 4, value);
    kz_bind_i64(s, 5, ovr_value);
    kz_bind_i64(s, 6, ovr_weighted);
    return kz_step_done(st, s, _("updating column totals"), err);
}

/* The deferred change of (stage, owner), added when missing. */
static struct kz_totals_delta *totals_slot(kz_store *st, const char *stage, const char *owner)
{
    for (size_t i = 0; i < st->ntdelta; i++) {
        struct kz_totals_delta *d = &st->tdelta[i];
        if (strcmp(d->stage, stage) == 0 && strcmp(d->owner, owner) == 0)
            return d;
    }
    if (st->ntdelta == st->tdelta_cap) {
        st->tdelta_cap = st->tdelta_cap ? st->tdelta_cap * 2 : 16;
        st->tdelta = kz_xrealloc(st->tdelta, st->tdelta_cap * sizeof *st->tdelta);
    }
    struct kz_totals_delta *d = &st->tdelta[st->ntdelta++];
    memset(d, 0, sizeof *d);
    d->stage = kz_xstrdup(stage);
    d->owner = kz_xstrdup(owner);
    return d;
}

/* Adds (sign 1) or takes away (sign -1) a lead from its stage's totals: at
 * once, or in memory until the commit while the totals are deferred. */
static kz_status totals_apply(kz_store *st, const kz_lead *l, int sign, kz_err *err)
{
    int64_t value = kz_lead_num(l, KZ_F_VALUE);
    bool ovr = kz_lead_has(l, KZ_F_PROBABILITY);
    const char *stage = kz_lead_text(l, KZ_F_STAGE);
    int64_t ovr_value = ovr ? sign * value : 0;
    int64_t ovr_weighted = ovr ? sign * value * kz_lead_num(l, KZ_F_PROBABILITY) : 0;
    if (!st->defer_totals || !st->in_txn || !stage)
        return totals_write(st, stage, owner_key(l), sign, sign * value, ovr_value, ovr_weighted,
                            err);
    struct kz_totals_delta *d = totals_slot(st, stage, owner_key(l));
    d->n += sign;
    d->value += sign * value;
    d->ovr_value += ovr_value;
    d->ovr_weighted += ovr_weighted;
    return KZ_OK;
}

void kz_totals_discard(kz_store *st)
{
    for (size_t i = 0; i < st->ntdelta; i++) {
        free(st->tdelta[i].stage);
        free(st->tdelta[i].owner);
    }
    st->ntdelta = 0;
}

kz_status kz_totals_flush(kz_store *st, kz_err *err)
{
    kz_status ks = KZ_OK;
    for (size_t i = 0; ks == KZ_OK && i < st->ntdelta; i++) {
        const struct kz_totals_delta *d = &st->tdelta[i];
        if (d->n || d->value || d->ovr_value || d->ovr_weighted)
            ks = totals_write(st, d->stage, d->owner, d->n, d->value, d->ovr_value,
                              d->ovr_weighted, err);
    }
    kz_totals_discard(st);
    return ks;
}

void kz_store_defer_totals(kz_store *st, bool on)
{
    st->defer_totals = on;
}

static bool totals_differ(const kz_lead *a, const kz_lead *b)
{
    const kz_field f[] = {KZ_F_STAGE, KZ_F_OWNER, KZ_F_VALUE, KZ_F_PROBABILITY};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (!field_equal_any(a, b, f[i]))
            return true;
    return false;
}

/* The searchable head of a lead's search text: "name US company US e-mail
 * US" (see schema.sql), a field's own US written as a space. */
static void search_head(kz_buf *b, const kz_lead *l)
{
    const kz_field f[] = {KZ_F_NAME, KZ_F_COMPANY, KZ_F_EMAIL};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        const char *v = kz_lead_text(l, f[i]);
        for (const char *p = v ? v : ""; *p; p++)
            kz_buf_putc(b, *p == '\x1f' ? ' ' : *p);
        kz_buf_putc(b, '\x1f');
    }
}

/* Replaces the lead's search text (old: what it was, NULL for a lead not
 * indexed yet; doc: the new text, NULL to remove it), in lead_text and in
 * the index, which must be told the old text to forget it. */
/* A lead's search text as lead_text keeps it (form: empty, owned by the
 * caller): in the search form, so "كريم" finds "کریم" through the index,
 * and case-folded too where the backend searches with LIKE. */
static void search_form(const kz_store *st, const char *doc, kz_buf *form)
{
    if (st->be->search_like)
        kz_text_search_folded(form, doc);
    else
        kz_text_search_key(form, doc);
}

kz_status kz_search_set(kz_store *st, int64_t id, const char *old, const char *doc,
                            kz_err *err)
{
    kz_dbstmt *s;
    kz_status ks;
    if (!doc) {
        if (st->be->search_index && (ks = st->be->search_index(st, id, old, NULL, err)) != KZ_OK)
            return ks;
        if (!(s = kz_stmt(st, "DELETE FROM lead_text WHERE id = ?1", err)))
            return FAIL_STMT(err);
        kz_bind_i64(s, 1, id);
        return kz_step_done(st, s, _("updating the search index"), err);
    }
    kz_buf form = KZ_BUF_INIT; /* owned */
    search_form(st, doc, &form);
    if (st->be->search_index && (ks = st->be->search_index(st, id, old, NULL, err)) != KZ_OK) {
        kz_buf_free(&form);
        return ks;
    }
    if (!(s = kz_stmt(st,
                      "INSERT INTO lead_text (id, doc) VALUES (?1, ?2) "
                      "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                      err))) {
        kz_buf_free(&form);
        return FAIL_STMT(err);
    }
    kz_bind_i64(s, 1, id);
    kz_bind_text(s, 2, kz_buf_str(&form));
    if ((ks = kz_step_done(st, s, _("updating the search index"), err)) == KZ_OK &&
        st->be->search_index)
        ks = st->be->search_index(st, id, NULL, kz_buf_str(&form), err);
    kz_buf_free(&form);
    return ks;
}

/* The lead's search text now (NULL: none), into *out (owned by the caller). */
static kz_status search_get(kz_store *st, int64_t id, char **out, kz_err *err)
{
    *out = NULL;
    kz_dbstmt *r = kz_stmt(st, "SELECT doc FROM lead_text WHERE id = ?", err);
    if (!r)
        return FAIL_STMT(err);
    kz_bind_i64(r, 1, id);
    int rc = kz_step(r);
    if (rc == KZ_DB_ROW)
        *out = kz_xstrdup(kz_col_str(r, 0));
    kz_reset(r);
    if (rc != KZ_DB_ROW && rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading the search index"), err);
    return KZ_OK;
}

/* Writes the lead's search text: a new entry (notes empty), or, for a lead
 * already indexed, its head rewritten and the notes after it kept. */
static kz_status search_write(kz_store *st, const kz_lead *l, bool is_new, kz_err *err)
{
    int64_t id = kz_lead_num(l, KZ_F_ID);
    char *old = NULL; /* owned */
    kz_status ks = is_new ? KZ_OK : search_get(st, id, &old, err);
    if (ks != KZ_OK)
        return ks;
    kz_buf doc = KZ_BUF_INIT; /* owned */
    search_head(&doc, l);
    if (old) {
        /* the notes follow the third separator */
        const char *p = old;
        for (int seps = 0; *p && seps < 3; p++)
            seps += *p == '\x1f';
        kz_buf_puts(&doc, p);
    }
    ks = kz_search_set(st, id, old, kz_buf_str(&doc), err);
    kz_buf_free(&doc);
    free(old);
    return ks;
}

static kz_status search_delete(kz_store *st, int64_t id, kz_err *err)
{
    char *old = NULL; /* owned */
    kz_status ks = search_get(st, id, &old, err);
    if (ks == KZ_OK && old)
        ks = kz_search_set(st, id, old, NULL, err);
    free(old);
    return ks;
}

/* The characters kz_text_search_key changes, as a bracket expression's
 * inside (SQLite's GLOB, PostgreSQL's regular expressions): the Arabic kaf,
 * yeh and alef maksura, the non-joiner, the superscript alef, the marks
 * U+064B-U+065F, and the alef with a madda, a hamza or a wasla. */
#define KZ_SEARCH_KEY_CHARS                                                                 \
    "\xd9\x83\xd9\x8a\xd9\x89\xe2\x80\x8c\xd9\xb0\xd9\x8b-\xd9\x9f\xd8\xa2\xd8\xa3\xd8\xa5" \
    "\xd9\xb1"
/* The search key the texts of a database are in (meta "search_form"): 2
 * since the forms of alef are one. */
#define KZ_SEARCH_KEY_VERSION "2"

kz_status kz_search_refold(kz_store *st, kz_err *err)
{
    char *done = NULL; /* owned */
    kz_status ks = kz_store_meta_get(st, "search_form", &done, err);
    bool have = done && strcmp(done, KZ_SEARCH_KEY_VERSION) == 0;
    bool from1 = done && strcmp(done, "1") == 0;
    free(done);
    if (ks != KZ_OK || have)
        return ks;
    if ((ks = kz_store_begin(st, err)) != KZ_OK)
        return ks;
    /* only texts holding a letter or mark the search key changes; from
     * version 1, only the forms of alef, found by a plain substring test
     * (a character class read every text of 1,000,000 leads in 3.6 s, the
     * substrings in 0.8 s) */
#define ALEFS(f)                                                                              \
    f "(doc, '\xd8\xa2') > 0 OR " f "(doc, '\xd8\xa3') > 0 OR " f "(doc, '\xd8\xa5') > 0 OR " f \
      "(doc, '\xd9\xb1') > 0"
    const char *sql =
        st->be->search_like
            ? (from1 ? "SELECT id, doc FROM lead_text WHERE " ALEFS("strpos")
                     : "SELECT id, doc FROM lead_text WHERE doc ~ '[" KZ_SEARCH_KEY_CHARS "]'")
            : (from1 ? "SELECT id, doc FROM lead_text WHERE " ALEFS("instr")
                     : "SELECT id, doc FROM lead_text WHERE doc GLOB '*[" KZ_SEARCH_KEY_CHARS "]*'");
#undef ALEFS
    kz_dbstmt *s = kz_stmt(st, sql, err);
    if (!s) {
        kz_store_rollback(st);
        return FAIL_STMT(err);
    }
    int64_t *ids = NULL; /* owned: the ids and texts to rewrite */
    char **docs = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            ids = kz_xrealloc(ids, cap * sizeof *ids);
            docs = kz_xrealloc(docs, cap * sizeof *docs);
        }
        ids[n] = kz_col_i64(s, 0);
        docs[n++] = kz_xstrdup(kz_col_str(s, 1));
    }
    kz_reset(s);
    ks = rc == KZ_DB_DONE ? KZ_OK : kz_db_error(st, rc, _("reading the search text"), err);
    for (size_t i = 0; i < n && ks == KZ_OK; i++)
        ks = kz_search_set(st, ids[i], docs[i], docs[i], err);
    for (size_t i = 0; i < n; i++)
        free(docs[i]);
    free(docs);
    free(ids);
    if (ks == KZ_OK)
        ks = kz_store_meta_set(st, "search_form", KZ_SEARCH_KEY_VERSION, err);
    if (ks == KZ_OK)
        return kz_store_commit(st, err);
    kz_store_rollback(st);
    return ks;
}

kz_status kz_search_add_note(kz_store *st, int64_t lead_id, const char *note, kz_err *err)
{
    if (!note || !*note)
        return KZ_OK;
    char *old = NULL; /* owned */
    kz_status ks = search_get(st, lead_id, &old, err);
    if (ks != KZ_OK || !old)
        return ks;
    kz_buf doc = KZ_BUF_INIT; /* owned */
    kz_buf_printf(&doc, "%s\n%s", old, note);
    ks = kz_search_set(st, lead_id, old, kz_buf_str(&doc), err);
    kz_buf_free(&doc);
    free(old);
    return ks;
}

/* Whether the statement that just failed on a constraint broke the one on
 * e-mail holders (schema.sql: leads_email_holder), as each engine names it. */
static bool email_taken(kz_store *st)
{
    const char *msg = kz_db_errmsg(st);
    return msg && (strstr(msg, "leads_email_holder") || strstr(msg, "leads.email_key"));
}

const kz_field kz_text_keys[KZ_TEXT_KEYS] = {KZ_F_STAGE, KZ_F_OWNER,         KZ_F_GRADE,
                                             KZ_F_SCORE, KZ_F_VALUE,         KZ_F_STAGE_ENTERED,
                                             KZ_F_NEXT_DUE, KZ_F_NAME};

/* The fields a new lead stores as 0 when it has none. */
static void insert_defaults(kz_lead *lead)
{
    static const kz_field zeroed[] = {KZ_F_SCORE, KZ_F_PAIN, KZ_F_INTEREST, KZ_F_FIT,
                                      KZ_F_BUDGET, KZ_F_AUTHORITY, KZ_F_NEED, KZ_F_TIMELINE};
    for (size_t i = 0; i < sizeof zeroed / sizeof zeroed[0]; i++)
        if (!kz_lead_has(lead, zeroed[i]))
            kz_lead_set_num(lead, zeroed[i], 0);
}

kz_status kz_import_keep_lead(kz_store *st, kz_lead *lead, kz_err *err)
{
    insert_defaults(lead);
    kz_dbstmt *rows, *custom = NULL, *text;
    kz_status ks;
    if ((ks = kz_import_keep_row(st, ROW_LEADS, &rows, err)) != KZ_OK ||
        (lead->ncustom && (ks = kz_import_keep_row(st, ROW_CUSTOM, &custom, err)) != KZ_OK) ||
        (ks = kz_import_keep_row(st, ROW_TEXT, &text, err)) != KZ_OK)
        return ks;
    for (int f = 1; f < KZ_F__COUNT; f++)
        bind_field(rows, f, lead, (kz_field)f);
    kz_bind_account_cols(rows, KZ_F__COUNT, lead);
    kz_buf head = KZ_BUF_INIT, doc = KZ_BUF_INIT; /* owned */
    search_head(&head, lead);
    search_form(st, kz_buf_str(&head), &doc);
    kz_buf_free(&head);
    /* the id last: nothing after it runs a statement (which would send
     * the rows kept and read the next id again) */
    int64_t id;
    if ((ks = kz_import_next_id(st, &id, err)) != KZ_OK) {
        kz_buf_free(&doc);
        return ks;
    }
    kz_lead_set_num(lead, KZ_F_ID, id);
    kz_bind_i64(rows, KZ_F__COUNT + 2, id);
    int rc = kz_step(rows);
    for (size_t i = 0; rc == KZ_DB_DONE && i < lead->ncustom; i++) {
        if (!lead->custom[i].value)
            continue;
        kz_bind_i64(custom, 1, id);
        kz_bind_text(custom, 2, lead->custom[i].name);
        kz_bind_text(custom, 3, lead->custom[i].value);
        rc = kz_step(custom);
    }
    if (rc == KZ_DB_DONE) {
        kz_bind_i64(text, 1, id);
        kz_bind_textn(text, 2, doc.s ? doc.s : "", doc.len);
        for (int i = 0; i < KZ_TEXT_KEYS; i++) /* (as the leads' row binds them) */
            bind_field(text, 3 + i, lead, kz_text_keys[i]);
        rc = kz_step(text);
    }
    kz_buf_free(&doc);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("adding a lead"), err);
    kz_import_kept(st, lead);
    return totals_apply(st, lead, 1, err);
}

kz_status kz_insert_lead_row(kz_store *st, kz_lead *lead, kz_err *err)
{
    insert_defaults(lead);
    if (!st->insert_sql) {
        kz_buf b = KZ_BUF_INIT; /* ownership passes to st->insert_sql */
        kz_buf_printf(&b, "INSERT INTO leads (id, %s, " KZ_ACCOUNT_COLS ", email_shared%s) VALUES (" KZ_NEXT_ID("leads") ", ?",
                      st->lead_cols, st->name_keyed ? ", name_key" : "");
        for (int f = 2; f < KZ_F__COUNT + 2; f++)
            kz_buf_puts(&b, ", ?");
        /* email_shared (schema.sql): a lead an import creates as the one
         * with its e-mail holds it, or the unique index refuses it; any
         * other lead holds its e-mail unless one already does */
        kz_buf_puts(&b, ", CASE WHEN ? = 1 THEN 0 ELSE (SELECT count(*) FROM leads o WHERE "
                        "o.email_key = lower(trim(?)) AND o.email_key <> '' AND "
                        "o.email_shared = 0) END");
        /* the name's key (schema.sql), where the engine stores one */
        if (st->name_keyed)
            kz_buf_puts(&b, ", kz_name_key(?)");
        kz_buf_puts(&b, ") RETURNING id");
        st->insert_sql = kz_buf_take(&b);
    }
    kz_dbstmt *s = kz_stmt(st, st->insert_sql, err);
    if (!s)
        return FAIL_STMT(err);
    for (int f = 1; f < KZ_F__COUNT; f++)
        bind_field(s, f, lead, (kz_field)f);
    kz_bind_account_cols(s, KZ_F__COUNT, lead);
    kz_bind_i64(s, KZ_F__COUNT + 2, st->email_claim);
    kz_bind_text(s, KZ_F__COUNT + 3, kz_lead_text(lead, KZ_F_EMAIL));
    if (st->name_keyed)
        kz_bind_text(s, KZ_F__COUNT + 4, kz_lead_text(lead, KZ_F_NAME));
    int rc = kz_step_insert(st, s);
    if (rc != KZ_DB_DONE) {
        kz_status ks = kz_db_error(st, rc, _("adding a lead"), err);
        if (rc == KZ_DB_CONSTRAINT && email_taken(st) && kz_lead_text(lead, KZ_F_EMAIL))
            ks = kz_err_set(err, KZ_EINVAL,
                            _("another lead was given the e-mail %s at the same moment (by "
                              "another import or a save); this row was not added: import it "
                              "again to update that lead"),
                            kz_lead_text(lead, KZ_F_EMAIL));
        if (rc == KZ_DB_FOREIGN)
            ks = kz_err_set(err, KZ_EINVAL, _("unknown stage \"%s\""),
                            kz_lead_text(lead, KZ_F_STAGE) ? kz_lead_text(lead, KZ_F_STAGE) : "");
        return ks;
    }
    int64_t id = kz_db_last_id(st);
    kz_lead_set_num(lead, KZ_F_ID, id);
    kz_status ks = KZ_OK;
    for (size_t i = 0; ks == KZ_OK && i < lead->ncustom; i++)
        ks = write_custom(st, id, lead->custom[i].name, lead->custom[i].value, err);
    if (ks == KZ_OK)
        ks = totals_apply(st, lead, 1, err);
    if (ks == KZ_OK)
        ks = search_write(st, lead, true, err);
    return ks;
}

kz_status kz_store_lead_insert(kz_store *st, kz_lead *lead, const char *actor, int64_t now,
                               kz_err *err)
{
    if (!st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: lead inserted outside a transaction"));
    kz_lead_set_num(lead, KZ_F_VERSION, 1);
    kz_lead_set_num(lead, KZ_F_CREATED, now);
    kz_lead_set_num(lead, KZ_F_UPDATED, now);
    if (!kz_lead_has(lead, KZ_F_TOUCHED))
        kz_lead_set_num(lead, KZ_F_TOUCHED, now);
    if (!kz_lead_has(lead, KZ_F_STAGE_ENTERED))
        kz_lead_set_num(lead, KZ_F_STAGE_ENTERED, now);
    kz_status ks = kz_insert_lead_row(st, lead, err);
    if (ks != KZ_OK)
        return ks;
    return kz_event_write(st, kz_lead_num(lead, KZ_F_ID), now, 1, actor, "create", NULL, NULL,
                     kz_lead_text(lead, KZ_F_NAME), kz_lead_text(lead, KZ_F_STAGE), err);
}

/* Fields whose changes are not worth an event of their own: derived numbers
 * and bookkeeping (the score band change is logged as "grade"). */
static bool field_logged(kz_field f)
{
    switch (f) {
    case KZ_F_ID: case KZ_F_VERSION: case KZ_F_UPDATED: case KZ_F_TOUCHED:
    case KZ_F_STAGE_ENTERED: case KZ_F_SCORE: case KZ_F_PAIN: case KZ_F_INTEREST:
    case KZ_F_FIT: case KZ_F_BUDGET: case KZ_F_AUTHORITY: case KZ_F_NEED:
    case KZ_F_TIMELINE: case KZ_F_PERSONA: case KZ_F_IMPORT_ID: case KZ_F_CREATED:
    case KZ_F_SCORE_AT: case KZ_F_SCORE_DUE:
        return false;
    default:
        return true;
    }
}

static bool field_equal_any(const kz_lead *a, const kz_lead *b, kz_field f)
{
    if (a->has[f] != b->has[f])
        return false;
    if (!a->has[f])
        return true;
    if (kz_field_is_text(f))
        return strcmp(a->txt[f], b->txt[f]) == 0;
    return a->num[f] == b->num[f];
}

static const char *event_kind(kz_field f)
{
    switch (f) {
    case KZ_F_STAGE: return "stage";
    case KZ_F_OWNER: return "owner";
    case KZ_F_GRADE: return "grade";
    default: return "field";
    }
}

kz_status kz_store_lead_bump(kz_store *st, int64_t id, int64_t version, int64_t now,
                             kz_err *err)
{
    if (!st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: lead saved outside a transaction"));
    kz_dbstmt *s = kz_stmt(st,
                              "UPDATE leads SET version = version + 1, updated = ? "
                              "WHERE id = ? AND version = ?",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, now);
    kz_bind_i64(s, 2, id);
    kz_bind_i64(s, 3, version);
    int rc = kz_step(s);
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("saving a lead"), err);
    if (kz_db_changes(st) != 1)
        return kz_err_set(err, KZ_ECONFLICT,
                          _("lead %" PRId64 " was changed by someone else (you read version "
                            "%" PRId64 "); reload it and apply your change again"),
                          id, version);
    return KZ_OK;
}

void kz_store_mark_undo(kz_store *st)
{
    st->undo_next = true;
}

kz_status kz_store_lead_update(kz_store *st, kz_lead *lead, const char *actor, int64_t now,
                               bool *changed, kz_err *err)
{
    if (changed)
        *changed = false;
    bool undo = st->undo_next;
    st->undo_next = false;
    if (!st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: lead saved outside a transaction"));
    int64_t id = kz_lead_num(lead, KZ_F_ID);
    kz_lead cur;
    kz_lead_init(&cur);
    kz_status ks = kz_store_lead_get(st, id, &cur, err);
    if (ks != KZ_OK)
        goto out;
    int64_t read_version = kz_lead_num(lead, KZ_F_VERSION);
    bool any = false;
    for (int f = 1; f < KZ_F__COUNT; f++)
        if (f != KZ_F_VERSION && f != KZ_F_UPDATED && f != KZ_F_SCORE_AT &&
            !field_equal_any(lead, &cur, (kz_field)f))
            any = true;
    for (size_t i = 0; i < lead->ncustom && !any; i++) {
        const char *old = kz_lead_custom(&cur, lead->custom[i].name);
        if (!old || strcmp(old, lead->custom[i].value) != 0)
            any = true;
    }
    for (size_t i = 0; i < cur.ncustom && !any; i++)
        if (!kz_lead_custom(lead, cur.custom[i].name))
            any = true;
    if (!any && read_version == kz_lead_num(&cur, KZ_F_VERSION))
        goto out;

    /* The save itself is one conditional UPDATE (... AND version = the
     * version read): a row count of zero means someone else saved first,
     * and nothing (no custom field, no event) is written. */
    int64_t new_version = read_version + 1;
    kz_lead_set_num(lead, KZ_F_UPDATED, now);
    char sql[3000];
    int n = snprintf(sql, sizeof sql, "UPDATE leads SET ");
    for (int f = 1; f < KZ_F__COUNT; f++)
        n += snprintf(sql + n, sizeof sql - (size_t)n, "%s%s = ?%d", f > 1 ? ", " : "",
                      kz_field_get((kz_field)f)->name, f);
    /* the account columns follow the fields: company_key, email_domain */
    /* the name's key (schema.sql), where the engine stores one */
    if (st->name_keyed)
        n += snprintf(sql + n, sizeof sql - (size_t)n, ", name_key = kz_name_key(?%d)",
                      KZ_F_NAME);
    /* a lead keeps holding (or sharing) its e-mail while it keeps it; one
     * given another e-mail holds it unless another lead does */
    snprintf(sql + n, sizeof sql - (size_t)n,
             ", company_key = ?%d, email_domain = ?%d, email_shared = CASE WHEN "
             "leads.email_key IS NOT DISTINCT FROM lower(trim(?%d)) THEN leads.email_shared "
             "ELSE (SELECT count(*) FROM leads o WHERE o.email_key = lower(trim(?%d)) AND "
             "o.email_key <> '' AND o.email_shared = 0 AND o.id <> leads.id) END "
             "WHERE id = ?%d AND version = ?%d",
             KZ_F__COUNT, KZ_F__COUNT + 1, KZ_F_EMAIL, KZ_F_EMAIL, KZ_F__COUNT + 2,
             KZ_F__COUNT + 3);
    kz_dbstmt *s = kz_stmt(st, sql, err);
    if (!s) {
        ks = FAIL_STMT(err);
        goto out;
    }
    kz_lead_set_num(lead, KZ_F_VERSION, new_version);
    for (int f = 1; f < KZ_F__COUNT; f++)
        bind_field(s, f, lead, (kz_field)f);
    kz_bind_account_cols(s, KZ_F__COUNT, lead);
    kz_bind_i64(s, KZ_F__COUNT + 2, id);
    kz_bind_i64(s, KZ_F__COUNT + 3, read_version);
    int rc = kz_step(s);
    kz_reset(s);
    if (rc == KZ_DB_DONE && kz_db_changes(st) != 1) {
        kz_lead_set_num(lead, KZ_F_VERSION, read_version);
        ks = kz_err_set(err, KZ_ECONFLICT,
                        _("lead %" PRId64 " was changed by someone else (you read version %" PRId64
                          ", it is now at %" PRId64 "); reload it and apply your change again"),
                        id, read_version, kz_lead_num(&cur, KZ_F_VERSION));
        goto out;
    }
    if (rc != KZ_DB_DONE) {
        kz_lead_set_num(lead, KZ_F_VERSION, read_version);
        ks = kz_db_error(st, rc, _("saving a lead"), err);
        if (rc == KZ_DB_FOREIGN)
            ks = kz_err_set(err, KZ_EINVAL, _("unknown stage \"%s\""),
                            kz_lead_text(lead, KZ_F_STAGE) ? kz_lead_text(lead, KZ_F_STAGE) : "");
        if (rc == KZ_DB_CONSTRAINT && email_taken(st) && kz_lead_text(lead, KZ_F_EMAIL))
            ks = kz_err_set(err, KZ_ECONFLICT,
                            _("lead %" PRId64 ": another lead was given the e-mail %s at the "
                              "same moment; reload it and apply your change again"),
                            id, kz_lead_text(lead, KZ_F_EMAIL));
        goto out;
    }
    if (totals_differ(&cur, lead) &&
        ((ks = totals_apply(st, &cur, -1, err)) != KZ_OK ||
         (ks = totals_apply(st, lead, 1, err)) != KZ_OK))
        goto out;
    if ((!field_equal_any(&cur, lead, KZ_F_NAME) || !field_equal_any(&cur, lead, KZ_F_COMPANY) ||
         !field_equal_any(&cur, lead, KZ_F_EMAIL)) &&
        (ks = search_write(st, lead, false, err)) != KZ_OK)
        goto out;

    char oldbuf[128], newbuf[128];
    for (int f = 1; f < KZ_F__COUNT; f++) {
        if (!field_logged((kz_field)f) || field_equal_any(lead, &cur, (kz_field)f))
            continue;
        const char *ov = NULL, *nv = NULL;
        if (kz_field_is_text((kz_field)f)) {
            ov = kz_lead_text(&cur, (kz_field)f);
            nv = kz_lead_text(lead, (kz_field)f);
        } else {
            kz_lead_format(&cur, (kz_field)f, oldbuf, sizeof oldbuf);
            kz_lead_format(lead, (kz_field)f, newbuf, sizeof newbuf);
            ov = cur.has[f] ? oldbuf : NULL;
            nv = lead->has[f] ? newbuf : NULL;
        }
        if ((ks = kz_event_write(st, id, now, new_version, actor, event_kind((kz_field)f),
                            kz_field_get((kz_field)f)->name, ov, nv, undo ? "undo" : NULL,
                            err)) != KZ_OK)
            goto out;
    }
    for (size_t i = 0; i < lead->ncustom; i++) {
        const char *old = kz_lead_custom(&cur, lead->custom[i].name);
        if (old && strcmp(old, lead->custom[i].value) == 0)
            continue;
        if ((ks = write_custom(st, id, lead->custom[i].name, lead->custom[i].value, err)) !=
                KZ_OK ||
            (ks = kz_event_write(st, id, now, new_version, actor, "field", lead->custom[i].name, old,
                            lead->custom[i].value, undo ? "undo" : "custom", err)) != KZ_OK)
            goto out;
    }
    for (size_t i = 0; i < cur.ncustom; i++) {
        if (kz_lead_custom(lead, cur.custom[i].name))
            continue;
        if ((ks = write_custom(st, id, cur.custom[i].name, NULL, err)) != KZ_OK ||
            (ks = kz_event_write(st, id, now, new_version, actor, "field", cur.custom[i].name,
                            cur.custom[i].value, NULL, undo ? "undo" : "custom", err)) != KZ_OK)
            goto out;
    }
    if (changed)
        *changed = true;
out:
    kz_lead_free(&cur);
    return ks;
}

kz_status kz_store_lead_delete(kz_store *st, int64_t id, int64_t version, const char *actor,
                               int64_t now, kz_err *err)
{
    if (!st->in_txn)
        return kz_err_set(err, KZ_EDB, _("internal: lead deleted outside a transaction"));
    kz_lead cur;
    kz_lead_init(&cur);
    kz_status ks = kz_store_lead_get(st, id, &cur, err);
    if (ks == KZ_OK && version && kz_lead_num(&cur, KZ_F_VERSION) != version)
        ks = kz_err_set(err, KZ_ECONFLICT,
                        _("lead %" PRId64 " was changed by someone else since you read it"), id);
    if (ks == KZ_OK) {
        kz_dbstmt *s = kz_stmt(st, "DELETE FROM leads WHERE id = ?", err);
        if (!s) {
            ks = FAIL_STMT(err);
        } else {
            kz_bind_i64(s, 1, id);
            int rc = kz_step(s);
            kz_reset(s);
            if (rc != KZ_DB_DONE)
                ks = kz_db_error(st, rc, _("deleting a lead"), err);
            if (ks == KZ_OK)
                ks = totals_apply(st, &cur, -1, err);
            if (ks == KZ_OK)
                ks = search_delete(st, id, err);
            /* an imported lead's origin lives in its row (import_id): the
             * delete event keeps it for the history */
            char from[48] = "";
            if (kz_lead_has(&cur, KZ_F_IMPORT_ID))
                snprintf(from, sizeof from, "import %" PRId64, kz_lead_num(&cur, KZ_F_IMPORT_ID));
            if (ks == KZ_OK)
                ks = kz_event_write(st, id, now, kz_lead_num(&cur, KZ_F_VERSION) + 1, actor, "delete",
                               NULL, kz_lead_text(&cur, KZ_F_NAME), NULL, from[0] ? from : NULL, err);
        }
    }
    kz_lead_free(&cur);
    return ks;
}

kz_status kz_store_find_by_email(kz_store *st, const char *email, int64_t *id, kz_err *err)
{
    *id = 0;
    /* an import's leads kept for COPY (imports.c) are found after those in
     * the database, whose ids are lower: without sending them, when their
     * e-mails compare exactly in memory */
    int64_t kept = 0;
    bool exact = kz_import_kept_email(st, email, &kept), failed = false;
    /* ... and those in the database, when the import asked for them ahead */
    if (exact && kz_import_prefetched(st, email, id, &failed, err)) {
        if (!*id)
            *id = kept;
        return KZ_OK;
    }
    if (failed)
        return err ? err->code : KZ_EDB;
    st->imp.quiet = exact;
    kz_dbstmt *s = kz_stmt(
        st, "SELECT id FROM leads WHERE email_key = lower(trim(?1)) AND email_key <> '' "
            "ORDER BY id LIMIT 1",
        err);
    st->imp.quiet = false;
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, email);
    int rc = kz_step(s);
    if (rc == KZ_DB_ROW) {
        *id = kz_col_i64(s, 0);
        rc = KZ_DB_DONE;
    }
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("looking up an e-mail"), err);
    if (!*id)
        *id = kept;
    return KZ_OK;
}

/* Steps s for at most one row: its first column into *id (left 0 when
 * there is none). */
static kz_status step_one_id(kz_store *st, kz_dbstmt *s, int64_t *id, kz_err *err)
{
    int rc = kz_step(s);
    if (rc == KZ_DB_ROW) {
        *id = kz_col_i64(s, 0);
        rc = KZ_DB_DONE;
    }
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("looking up a lead"), err);
    return KZ_OK;
}

kz_status kz_store_find_by_name_company(kz_store *st, const char *name, const char *company,
                                        int64_t *id, kz_err *err)
{
    *id = 0;
    kz_dbstmt *s = kz_stmt(st,
                              "SELECT id FROM leads WHERE lower(name) = lower(trim(?1)) AND "
                              "lower(company) IS NOT DISTINCT FROM lower(trim(?2)) AND "
                              "(email_key IS NULL OR email_key = '') ORDER BY id LIMIT 1",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, name ? name : "");
    kz_bind_text(s, 2, company);
    return step_one_id(st, s, id, err);
}

kz_status kz_store_find_by_custom(kz_store *st, const char *name, const char *value, int64_t *id,
                                  kz_err *err)
{
    *id = 0;
    kz_dbstmt *s = kz_stmt(st,
                              "SELECT lead_id FROM custom_fields WHERE name = ?1 AND value = ?2 "
                              "ORDER BY lead_id LIMIT 1",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, name);
    kz_bind_text(s, 2, value);
    return step_one_id(st, s, id, err);
}

kz_status kz_store_find_by_person(kz_store *st, const char *name, const char *company,
                                  const char *email, int64_t *id, kz_err *err)
{
    *id = 0;
    kz_dbstmt *s = kz_stmt(st,
                              "SELECT id FROM leads WHERE lower(name) = lower(trim(?1)) AND "
                              "(?2 IS NULL OR lower(company) = lower(trim(?2))) AND "
                              "(CAST(?3 AS TEXT) IS NULL OR coalesce(email_key, '') = '') "
                              "ORDER BY id LIMIT 1",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, name ? name : "");
    kz_bind_text(s, 2, company);
    kz_bind_text(s, 3, email && *email ? email : NULL);
    return step_one_id(st, s, id, err);
}

/* Builds the WHERE clause of a query; binds are listed in order in *b.
 * A search refers to the matches search_hits() keeps. */
typedef struct binds {
    const char *text[8];
    int n;
    char id[24]; /* the text of a query's lead id (text[] points here) */
} binds;

/* What a kept result answers: the statement in sql and its binds, into key. */
static void query_key(kz_buf *key, const kz_buf *sql, const binds *b)
{
    kz_buf_puts(key, kz_buf_str(sql));
    for (int i = 0; i < b->n; i++)
        kz_buf_printf(key, "|%s", b->text[i]);
}

/* ids[0..n) as a PostgreSQL array's text, '{1,2,3}', into b. */
static void ids_array(kz_buf *b, const int64_t *ids, size_t n)
{
    kz_buf_putc(b, '{');
    for (size_t i = 0; i < n; i++)
        kz_buf_printf(b, "%s%" PRId64, i ? "," : "", ids[i]);
    kz_buf_putc(b, '}');
}

/* pat as an SQL literal (quotes doubled) with its escape character. */
static void like_literal(kz_buf *sql, const char *pat)
{
    kz_buf_putc(sql, '\'');
    for (const char *p = pat; *p; p++)
        kz_buf_puts(sql, *p == '\'' ? "''" : (char[]){*p, 0});
    kz_buf_puts(sql, "' ESCAPE '\\'");
}

/* '%word%' for LIKE, its %, _ and \\ escaped, appended to pat. */
static void like_word(kz_buf *pat, const char *w, size_t len)
{
    kz_buf_putc(pat, '%');
    for (size_t i = 0; i < len; i++) {
        if (w[i] == '%' || w[i] == '_' || w[i] == '\\')
            kz_buf_putc(pat, '\\');
        kz_buf_putc(pat, w[i]);
    }
    kz_buf_putc(pat, '%');
}

/* "doc LIKE '%w1%' ESCAPE '\\' AND doc LIKE '%w2%' ..." for the kept
 * search's words (search_like backends): a lead matches when its text
 * contains every word. */
static void like_all(kz_buf *sql, const kz_store *st, const char *doc)
{
    for (size_t i = 0; i < st->hits_nlike; i++) {
        kz_buf_printf(sql, "%s%s LIKE ", i ? " AND " : "", doc);
        like_literal(sql, st->hits_like[i]);
    }
}

/* Whether pattern i of the kept search (like_word's '%word%') holds a word
 * of three characters or more: one the trigram index can find. */
static bool like_indexed(const kz_store *st, size_t i)
{
    const char *p = st->hits_like[i];
    size_t len = strlen(p), escapes = 0;
    for (size_t k = 1; k + 1 < len; k++)
        if (p[k] == '\\') {
            escapes++;
            k++;
        }
    return kz_utf8_chars_n(p + 1, len - 2) - escapes >= 3;
}

static void likes_free(kz_store *st)
{
    for (size_t i = 0; i < st->hits_nlike; i++)
        free(st->hits_like[i]);
    free(st->hits_like);
    st->hits_like = NULL;
    st->hits_nlike = 0;
}

/* The condition that the lead with id `id` matches the kept search. */
static void search_clause(kz_buf *sql, const kz_store *st, const char *id)
{
    switch (st->hits_mode) {
    case KZ_HITS_IDS: kz_buf_printf(sql, "%s IN (SELECT id FROM kz_hits)", id); break;
    case KZ_HITS_LIKE:
        if (!st->hits_nlike) {
            kz_buf_puts(sql, "1 = 0");
            break;
        }
        kz_buf_printf(sql, "%s IN (SELECT id FROM lead_text WHERE ", id);
        like_all(sql, st, "doc");
        kz_buf_putc(sql, ')');
        break;
    case KZ_HITS_BITMAP: kz_buf_printf(sql, "kz_hit(%s)", id); break;
    case KZ_HITS_CHECK:
        if (st->hits_nlike) {
            /* the lead's own text, looked up for each lead the walk
             * reaches: a semi-join, which the planner estimates from the
             * text's statistics (a word this common matches most leads,
             * and the page walks its column's index); a scalar subquery's
             * LIKE it takes for a rare word's, and read a whole column of
             * 125,000 to sort its matches (0.6-1.8 s at 1,000,000 leads) */
            kz_buf_printf(sql, "EXISTS (SELECT 1 FROM lead_text WHERE lead_text.id = %s AND ", id);
            like_all(sql, st, "doc");
            kz_buf_putc(sql, ')');
            break;
        }
        kz_buf_printf(sql, "kz_has((SELECT doc FROM lead_text WHERE lead_text.id = %s))", id);
        break;
    }
}

/* A day number as the text next_due holds ("2026-12-03"), into day. */
static const char *day_text(int64_t dayno, char day[16])
{
    kz_day_format((int)dayno, day);
    return day;
}

static void build_where(kz_buf *sql, const kz_store *st, const kz_query *q, bool with_stage,
                        binds *b)
{
    char day[16];
    kz_buf_puts(sql, " WHERE 1 = 1");
    b->n = 0;
    /* A rare word's few matches (listed in temp.kz_hits) are read one by
     * one and sorted: SQLite would otherwise walk the column's index
     * checking each lead against the list, through the whole column when
     * it holds fewer matches than a screen. A unary + keeps a term off the
     * indexes (PostgreSQL's planner has the list's statistics instead). */
    const char *p = q->search && *q->search && st->hits_mode == KZ_HITS_IDS &&
                            !st->be->search_like
                        ? "+"
                        : "";
    if (q->stage && with_stage) {
        kz_buf_printf(sql, " AND %sstage = ?", p);
        b->text[b->n++] = q->stage;
    }
    if (q->owner && !*q->owner) {
        kz_buf_printf(sql, " AND (%sowner IS NULL OR %sowner = '')", p, p);
    } else if (q->owner) {
        if (q->with_unassigned)
            kz_buf_printf(sql, " AND (%sowner = ? OR %sowner IS NULL OR %sowner = '')", p, p, p);
        else
            kz_buf_printf(sql, " AND %sowner = ?", p);
        b->text[b->n++] = q->owner;
    }
    if (q->grade) {
        kz_buf_printf(sql, " AND %sgrade = ?", p);
        b->text[b->n++] = q->grade;
    }
    if (q->overdue)
        kz_buf_printf(sql, " AND %snext_due IS NOT NULL AND %snext_due < '%s'", p, p,
                      day_text(q->today_day, day));
    if (q->due_by)
        kz_buf_printf(sql, " AND %snext_due IS NOT NULL AND %snext_due <= '%s'", p, p,
                      day_text(q->due_by_day, day));
    if (q->open_only)
        kz_buf_printf(sql, " AND %sstage IN (SELECT name FROM stages WHERE kind = 'open')", p);
    if (q->stale) {
        /* as kz_lead_is_stale: idle (since entering the stage or the last
         * touch) more whole days than the open stage allows, and no next
         * step scheduled from today on */
        char today[16];
        kz_day_format(kz_today(q->stale_now), today);
        kz_buf_printf(sql,
                      " AND EXISTS (SELECT 1 FROM stages s WHERE s.name = leads.stage AND "
                      "s.kind = 'open' AND s.stale_days > 0 AND CASE WHEN leads.stage_entered > "
                      "leads.touched THEN leads.stage_entered ELSE leads.touched END <= %" PRId64 " - (s.stale_days + 1) * 86400)"
                      " AND (next_due IS NULL OR next_due < '%s')",
                      q->stale_now, today);
    }
    /* (bound: one statement for every lead a place is asked of, where
     * each id written into it was a statement of its own to parse and
     * plan, four a keystroke on a board) */
    if (q->id) {
        kz_buf_puts(sql, " AND leads.id = ?");
        snprintf(b->id, sizeof b->id, "%" PRId64, q->id);
        b->text[b->n++] = b->id;
    }
    if (q->search && *q->search) {
        kz_buf_puts(sql, " AND ");
        search_clause(sql, st, "leads.id");
    }
}

static void hits_mark(kz_store *st, int64_t id)
{
    size_t byte = (size_t)id / 8;
    if (byte >= st->hits_bytes) {
        size_t n = st->hits_bytes ? st->hits_bytes * 2 : 4096;
        while (n <= byte)
            n *= 2;
        st->hits_bits = kz_xrealloc(st->hits_bits, n);
        memset(st->hits_bits + st->hits_bytes, 0, n - st->hits_bytes);
        st->hits_bytes = n;
    }
    st->hits_bits[byte] |= (unsigned char)(1u << (id % 8));
}

static void places_sql(const kz_store *st, const kz_query *q, kz_buf *sql, binds *b);
static struct kz_places *places_slot(struct kz_places **arr, size_t *n, size_t *cap,
                                     const char *stage);
static void places_add(struct kz_places *p, int64_t id);

/* Whether the places of q's columns (places_of) come from its search's own
 * statement (text_keys backends: lead_text holds each lead's stage, the
 * filters' columns and every order's key): a board's column query,
 * filtered by what lead_text holds, outside a write transaction, sorted by
 * name only where kariz orders names as the database does. */
static bool places_keyed(kz_store *st, const kz_query *q)
{
    return st->be->text_keys && q && q->stage && q->search && *q->search && !st->writing &&
           !q->stale && !q->id &&
           (q->sort != KZ_SORT_NAME || (st->be->name_order && st->be->name_order(st)));
}

/* How many leads the kept search's words are in, as the planner's
 * statistics have it (kz_backend.estimate; -1: unknown). With up to three
 * times the cap (or unknown), the matches are likely to be listed and are
 * read with their places (places_keyed); above it, as ids alone: reading
 * the keys of the thousands of matches it then does not list cost a
 * keystroke 3-6 ms at 1,000,000 leads. Above five times the cap they are
 * not read at all: a word in half the leads of a sample of the texts is
 * not one in a tenth of them. A wrong estimate costs time, never an
 * answer: a common word read with its keys is not listed, a rare one read
 * without them has its places read by places_of, and a rare one left
 * unread is checked lead by lead. */
static int64_t search_estimate(kz_store *st)
{
    return st->be->estimate ? st->be->estimate(st) : -1;
}

/* The column of lead_text holding q's order's key (NULL: the id order). */
static const char *keyed_column(const kz_query *q)
{
    switch (q->sort) {
    case KZ_SORT_SCORE: return "score";
    case KZ_SORT_VALUE: return "value";
    case KZ_SORT_AGE: return "stage_entered";
    case KZ_SORT_DUE: return "next_due";
    case KZ_SORT_NAME: return "name";
    case KZ_SORT_ID: break;
    }
    return NULL;
}

/* A match of a search read with its place (places_keyed). */
typedef struct keyed_row {
    int64_t id, k;    /* k: the order's number (score, value, stage_entered) */
    size_t stage;     /* its stage: the index of its name in keyed_stages */
    char *text;       /* owned: the order's text (next_due, name); NULL: none */
    char *key;        /* owned: the name's sort key (kz_backend.name_key) */
    bool pass, null;  /* it passes the query's filters; its key is NULL */
    unsigned char sort, rev, name_ties; /* the order (kz_sort), reversed, name_order's answer */
} keyed_row;

/* The stages keyed rows name (a few, each row's read once a row). */
typedef struct keyed_stages {
    char **name; /* owned: n of them, each owned */
    size_t n;
} keyed_stages;

static size_t keyed_stage(keyed_stages *ks, const char *stage)
{
    if (!stage)
        stage = "";
    for (size_t i = 0; i < ks->n; i++)
        if (strcmp(ks->name[i], stage) == 0)
            return i;
    ks->name = kz_xrealloc(ks->name, (ks->n + 1) * sizeof *ks->name);
    ks->name[ks->n] = kz_xstrdup(stage);
    return ks->n++;
}

/* Orders keyed rows as build_order's ORDER BY orders their leads (order_of),
 * PostgreSQL's way: a NULL key after the others ascending, before them
 * descending; the value and due orders put leads without one last either
 * way; ties by id. */
static int keyed_cmp(const void *x, const void *y)
{
    const keyed_row *a = x, *b = y;
    bool desc = false;
    switch ((kz_sort)a->sort) {
    case KZ_SORT_SCORE: desc = !a->rev; break;
    case KZ_SORT_VALUE:
    case KZ_SORT_DUE:
        if (a->null != b->null)
            return a->null ? 1 : -1;
        desc = a->sort == KZ_SORT_VALUE ? !a->rev : a->rev;
        break;
    case KZ_SORT_AGE:
    case KZ_SORT_NAME: desc = a->rev; break;
    case KZ_SORT_ID: break;
    }
    if (a->sort != KZ_SORT_ID) {
        int c;
        if (a->null || b->null)
            c = a->null == b->null ? 0 : a->null ? 1 : -1;
        else if (a->sort == KZ_SORT_NAME)
            c = strcmp(a->key, b->key) ? strcmp(a->key, b->key)
                : a->name_ties == 1    ? strcmp(a->text, b->text)
                                       : 0;
        else if (a->sort == KZ_SORT_DUE)
            c = strcmp(a->text, b->text);
        else
            c = (a->k > b->k) - (a->k < b->k);
        if (c)
            return desc ? -c : c;
    }
    int c = (a->id > b->id) - (a->id < b->id);
    return a->rev ? -c : c;
}

static void keyed_free(keyed_row *rows, size_t n, keyed_stages *ks)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].text);
        free(rows[i].key);
    }
    free(rows);
    for (size_t i = 0; i < ks->n; i++)
        free(ks->name[i]);
    free(ks->name);
}

/* The places of q's columns from a listed search's rows (places_keyed),
 * kept as places_of keeps what it reads. The names' sort keys are made
 * here, once the rows are known to be kept (a word too common to list
 * reads thousands it does not keep). */
static void keyed_places(kz_store *st, const kz_query *q, keyed_row *rows, size_t n,
                         const keyed_stages *ks)
{
    size_t kept = 0; /* (those that pass the filters, first) */
    for (size_t i = 0; i < n; i++)
        if (rows[i].pass) {
            keyed_row r = rows[kept];
            rows[kept++] = rows[i];
            rows[i] = r;
        }
    n = kept;
    for (size_t i = 0; q->sort == KZ_SORT_NAME && i < n; i++)
        if (rows[i].text) {
            kz_buf k = KZ_BUF_INIT; /* owned */
            st->be->name_key(st, rows[i].text, &k);
            rows[i].key = kz_buf_take(&k);
        }
    qsort(rows, n, sizeof *rows, keyed_cmp);
    for (size_t i = 0; i < n; i++)
        if (rows[i].pass)
            places_add(places_slot(&st->places, &st->nplaces, &st->places_cap,
                                   ks->name[rows[i].stage]),
                       rows[i].id);
    kz_buf sql = KZ_BUF_INIT, key = KZ_BUF_INIT; /* owned */
    binds b;
    places_sql(st, q, &sql, &b);
    query_key(&key, &sql, &b);
    free(st->places_key);
    st->places_key = kz_buf_take(&key);
    kz_buf_free(&sql);
}

/* Finds the leads whose name, company, e-mail or notes contain text (the
 * trigram index for three characters or more, a scan below that) and keeps
 * them for the queries that follow, in one of three ways by how many match:
 *   - up to exact_hits (KZ_EXACT_HITS): their ids (in temp.kz_hits, on
 *     PostgreSQL only once a query reads it: hits_list), so a rare word
 *     reads only its own leads, once for all columns (KZ_HITS_IDS,
 *     places_of);
 *   - up to KZ_LIST_HITS: a bitmap of ids that kz_hit(id) reads, so a column
 *     walks its (stage, score) index and stops once its screen is full
 *     (KZ_HITS_BITMAP);
 *   - more: none listed; kz_has(doc) checks each lead the walk reaches
 *     against its text, and a common word fills a screen within a few
 *     leads (KZ_HITS_CHECK).
 * A query that reads every match (full) never checks lead by lead. The
 * board asks several queries per keystroke with the same text: they share
 * one search until the text or the data changes. */
static kz_status search_hits(kz_store *st, const char *text, bool full, const kz_query *q,
                             kz_err *err)
{
    int64_t dv = 0;
    kz_status ks = kz_store_data_version(st, &dv, err);
    if (ks != KZ_OK)
        return ks;
    if (st->hits_text && strcmp(st->hits_text, text) == 0 && st->hits_dv == dv &&
        st->hits_changes == st->be->total_changes(st) &&
        !(full && st->hits_mode == KZ_HITS_CHECK))
        return KZ_OK;
    free(st->hits_text);
    st->hits_text = NULL;
    if (st->be->search_like) {
        keyed_row *rows = NULL; /* owned: the matches with their places (places_keyed) */
        size_t nrows = 0, rows_cap = 0;
        const kz_query *placed = NULL; /* the query rows were read for */
        keyed_stages kstages = {0};    /* owned: the stages rows name */
        /* the database's own index answers LIKE on the case-folded text
         * (search_set): the condition is the search itself */
        kz_buf folded = KZ_BUF_INIT; /* owned */
        kz_text_search_folded(&folded, text);
        likes_free(st);
        /* one pattern a word, each word anywhere in the text; the
         * separator between fields (see schema.sql) is in no field: a
         * text holding it matches nothing, as does one without a word */
        size_t len;
        if (!strchr(kz_buf_str(&folded), '\x1f'))
            for (const char *p = kz_buf_str(&folded), *w; (w = kz_text_word(&p, &len));) {
                kz_buf pat = KZ_BUF_INIT; /* owned */
                like_word(&pat, w, len);
                st->hits_like = kz_xrealloc(st->hits_like,
                                            (st->hits_nlike + 1) * sizeof *st->hits_like);
                st->hits_like[st->hits_nlike++] = kz_buf_take(&pat);
            }
        kz_buf_free(&folded);
        st->hits_mode = KZ_HITS_LIKE;
        if (st->hits_nlike && st->be->settle)
            st->be->settle(st, false);
        if (st->hits_nlike && st->hits_temp) {
            /* the matches listed once, by the server, in the session's
             * temporary table: each column's query then walks its own
             * index and looks each lead up there, instead of asking the
             * trigram index again; a word too common to list (more than
             * exact_hits matches on a page that walks its column, else
             * list_hits) is checked lead by lead as it is. The ids come
             * here first, and only a list kept is written back: a common
             * word costs a read of the first ids, not writing them.
             * The pattern is in the statement, not bound: the server
             * plans each text by how common it is (a word in every lead
             * reads the table until the limit), never with a plan made
             * for any text, which builds the trigram index's bitmap of
             * every match before the limit applies. */
            int64_t cap = full ? st->list_hits : st->exact_hits;
            kz_buf sel = KZ_BUF_INIT; /* owned */
            /* The words the index finds select the candidates, the
             * shorter ones are checked on them: the server reads up to
             * list_hits candidates and stops at the cap's matches, so a
             * common word beside a short one never reads every text on a
             * keystroke, and a rare match among many candidates is still
             * listed (a column walked for it would read a whole column).
             * A row past list_hits candidates says there were more. */
            size_t nlong = 0;
            for (size_t i = 0; i < st->hits_nlike; i++)
                nlong += like_indexed(st, i);
            bool filtered = nlong && nlong < st->hits_nlike;
            /* (the statistics are asked only where the matches could be
             * read with their places: a command that lists once would
             * read them for nothing) */
            bool with_places = !filtered && !full && places_keyed(st, q);
            int64_t estimate = with_places ? search_estimate(st) : -1;
            bool keyed = with_places && estimate <= 3 * cap;
            /* A word the statistics put in far more leads than the cap is
             * not read at all: its first ids would only say it is too
             * common to list, and reading them (the LIKE on cap + 1
             * texts, and their ids sent) was a third of a keystroke, 4-5
             * ms at 1,000,000 leads. It is checked lead by lead, as the
             * read would have decided. */
            if (with_places && estimate > 5 * cap) {
                kz_buf_free(&sel);
                st->hits_n = cap + 1;
                st->hits_mode = KZ_HITS_CHECK;
                goto kept;
            }
            int name_ties = keyed && q->sort == KZ_SORT_NAME ? st->be->name_order(st) : 0;
            binds kb = {.n = 0};
            bool pass_all = false;
            if (filtered) {
                kz_buf_puts(&sel, "SELECT id, ok, n FROM (SELECT id, 1 = 1");
                for (size_t i = 0; i < st->hits_nlike; i++)
                    if (!like_indexed(st, i)) {
                        kz_buf_puts(&sel, " AND doc LIKE ");
                        like_literal(&sel, st->hits_like[i]);
                    }
                kz_buf_puts(&sel, " AS ok, row_number() OVER () AS n FROM lead_text WHERE 1 = 1");
                for (size_t i = 0; i < st->hits_nlike; i++)
                    if (like_indexed(st, i)) {
                        kz_buf_puts(&sel, " AND doc LIKE ");
                        like_literal(&sel, st->hits_like[i]);
                    }
                kz_buf_printf(&sel, " LIMIT %" PRId64 ") AS candidates WHERE ok OR n > %" PRId64,
                              st->list_hits + 1, st->list_hits);
            } else if (keyed) {
                /* each match's stage, whether it passes the query's other
                 * filters and its order's key, read from the rows the
                 * search checks (places_keyed) */
                kz_query rest = *q;
                rest.search = NULL;
                kz_buf where = KZ_BUF_INIT; /* owned: " WHERE 1 = 1 AND ..." */
                build_where(&where, st, &rest, false, &kb);
                const char *col = keyed_column(q), *pass = kz_buf_str(&where) + strlen(" WHERE ");
                pass_all = strcmp(pass, "1 = 1") == 0; /* (no filters: every match passes) */
                kz_buf_printf(&sel, "SELECT id, stage, %s, %s FROM lead_text WHERE ",
                              pass_all ? "NULL" : pass, col ? col : "NULL");
                kz_buf_free(&where);
                like_all(&sel, st, "doc");
            } else {
                kz_buf_puts(&sel, "SELECT id FROM lead_text WHERE ");
                like_all(&sel, st, "doc");
            }
            kz_buf_printf(&sel, " LIMIT %" PRId64, cap + 1);
            kz_dbstmt *s = kz_stmt(st, kz_buf_str(&sel), err);
            kz_buf_free(&sel);
            if (!s)
                return FAIL_STMT(err);
            for (int i = 0; keyed && i < kb.n; i++)
                kz_bind_text(s, i + 1, kb.text[i]);
            placed = keyed ? q : NULL;
            size_t n = 0;
            bool more = false; /* (filtered) past list_hits candidates */
            int rc;
            while ((rc = kz_step(s)) == KZ_DB_ROW) {
                if (filtered && kz_col_i64(s, 2) > st->list_hits)
                    more = true;
                if (filtered && !kz_col_i64(s, 1))
                    continue;
                if (n == st->hits_cap) {
                    st->hits_cap = st->hits_cap ? st->hits_cap * 2 : 256;
                    st->hits_ids = kz_xrealloc(st->hits_ids, st->hits_cap * sizeof *st->hits_ids);
                }
                st->hits_ids[n++] = kz_col_i64(s, 0);
                if (keyed && n <= (size_t)cap) {
                    if (n > rows_cap) {
                        rows_cap = rows_cap ? rows_cap * 2 : 256;
                        rows = kz_xrealloc(rows, rows_cap * sizeof *rows);
                    }
                    keyed_row *r = &rows[nrows++];
                    const char *t = kz_col_str(s, 3);
                    *r = (keyed_row){.id = kz_col_i64(s, 0),
                                     .stage = keyed_stage(&kstages, kz_col_str(s, 1)),
                                     .pass = pass_all || kz_col_i64(s, 2) != 0,
                                     .null = kz_col_null(s, 3),
                                     .sort = (unsigned char)q->sort,
                                     .rev = q->reverse,
                                     .name_ties = (unsigned char)name_ties};
                    if (q->sort == KZ_SORT_DUE || q->sort == KZ_SORT_NAME)
                        r->text = t ? kz_xstrdup(t) : NULL;
                    else if (!r->null)
                        r->k = kz_col_i64(s, 3);
                }
            }
            kz_reset(s);
            if (rc != KZ_DB_DONE) {
                keyed_free(rows, nrows, &kstages);
                return kz_db_error(st, rc, _("searching"), err);
            }
            st->hits_n = (int64_t)n;
            if (st->hits_n > cap || more) {
                /* (a query that reads every match asks the index itself) */
                st->hits_mode = full ? KZ_HITS_LIKE : KZ_HITS_CHECK;
            } else {
                /* listed: the board's columns read their places by these
                 * ids (places_of); temp.kz_hits is written only when a
                 * query that reads it comes (hits_list) */
                st->hits_mode = KZ_HITS_IDS;
                st->hits_listed = false;
            }
        }
    kept:
        st->hits_text = kz_xstrdup(text);
        st->hits_dv = dv;
        st->hits_changes = st->be->total_changes(st);
        st->counts_key[0] = '\0';
        kz_places_forget(st);
        if (placed && st->hits_mode == KZ_HITS_IDS)
            keyed_places(st, placed, rows, nrows, &kstages);
        keyed_free(rows, nrows, &kstages);
        return KZ_OK;
    }
    if (!st->hits_fn) {
        if ((ks = st->be->search_fns(st, err)) != KZ_OK)
            return ks;
        st->hits_fn = true;
    }
    if (!st->hits_table) {
        if ((ks = kz_exec(st, "CREATE TEMP TABLE IF NOT EXISTS kz_hits (id INTEGER PRIMARY KEY)",
                          err)) != KZ_OK)
            return ks;
        st->hits_table = true;
    }
    if (st->hits_bytes)
        memset(st->hits_bits, 0, st->hits_bytes);
    st->hits_n = 0;
    kz_buf match = KZ_BUF_INIT, sql = KZ_BUF_INIT, form = KZ_BUF_INIT; /* owned */
    kz_dbstmt *s;
    /* the index holds the search form (search_set): so does the query */
    const char *stored = text;
    kz_text_search_key(&form, stored);
    text = kz_buf_str(&form);
    /* Each word anywhere in the lead's text: the words of three characters
     * or more through the trigram index (each a quoted phrase, which
     * matches any substring; "AND" between them); when there are shorter
     * ones, kz_has checks every word (case-folded as the index is, where
     * LIKE folds ASCII only) on the texts the index found, read as a
     * column (the candidates, not only the matches, count towards
     * list_hits, so a common long word beside a short one never reads
     * every text on a keystroke), or on every text when no word is long
     * enough for the index. kz_has reads each word case-folded, a
     * KZ_FOLD_BREAK after each. */
    size_t len, nshort = 0;
    free(st->hits_fold);
    st->hits_fold = NULL;
    st->hits_nfold = 0;
    for (const char *p = text, *w; (w = kz_text_word(&p, &len));) {
        char *word = kz_xstrndup(w, len); /* owned */
        long *f;                          /* owned */
        size_t n = kz_text_fold(word, &f);
        free(word);
        st->hits_fold = kz_xrealloc(st->hits_fold, (st->hits_nfold + n + 1) * sizeof *f);
        memcpy(st->hits_fold + st->hits_nfold, f, n * sizeof *f);
        st->hits_nfold += n;
        st->hits_fold[st->hits_nfold++] = KZ_FOLD_BREAK;
        free(f);
        if (kz_utf8_chars_n(w, len) >= 3) {
            kz_buf_puts(&match, match.len ? " AND \"" : "\"");
            for (size_t i = 0; i < len; i++) {
                if (w[i] == '"')
                    kz_buf_putc(&match, '"');
                kz_buf_putc(&match, w[i]);
            }
            kz_buf_putc(&match, '"');
        } else {
            nshort++;
        }
    }
    if (match.len && !nshort) {
        kz_buf_puts(&sql, "SELECT rowid FROM lead_search WHERE lead_search MATCH ?1");
    } else if (match.len) {
        kz_buf_puts(&sql, "SELECT lead_text.id, kz_has(lead_text.doc) FROM lead_search JOIN "
                          "lead_text ON lead_text.id = lead_search.rowid WHERE lead_search MATCH ?1");
    } else {
        kz_buf_puts(&sql, "SELECT id FROM lead_text WHERE kz_has(doc)");
    }
    s = kz_stmt(st, kz_buf_str(&sql), err);
    kz_buf_free(&sql);
    if (s && match.len)
        kz_bind_text(s, 1, kz_buf_str(&match));
    bool words = match.len || nshort, filtered = match.len && nshort;
    kz_buf_free(&match);
    if (!s) {
        kz_buf_free(&form);
        return FAIL_STMT(err);
    }
    /* the separator between fields (see schema.sql) is in no field: a text
     * holding it matches nothing, as does one without a word */
    int rc = strchr(text, '\x1f') || !words ? KZ_DB_DONE : KZ_DB_ROW;
    kz_buf_free(&form);
    text = stored;
    size_t nids = 0;
    int64_t read = 0; /* the rows read: matches, and candidates when filtered */
    st->hits_mode = KZ_HITS_IDS;
    while (rc == KZ_DB_ROW && (rc = kz_step(s)) == KZ_DB_ROW) {
        if (!full && read++ >= st->list_hits) {
            st->hits_mode = KZ_HITS_CHECK;
            rc = KZ_DB_DONE;
            break;
        }
        if (filtered && !kz_col_i64(s, 1))
            continue;
        int64_t id = kz_col_i64(s, 0);
        if (id < 0 || id >= KZ_BITMAP_IDS) {
            /* ids beyond what a bitmap should hold (not ones kariz hands
             * out): every lead is checked instead */
            st->hits_mode = KZ_HITS_CHECK;
            rc = KZ_DB_DONE;
            break;
        }
        hits_mark(st, id);
        if ((int64_t)nids <= st->exact_hits) {
            if (nids == st->hits_cap) {
                st->hits_cap = st->hits_cap ? st->hits_cap * 2 : 256;
                st->hits_ids = kz_xrealloc(st->hits_ids, st->hits_cap * sizeof *st->hits_ids);
            }
            st->hits_ids[nids++] = id;
        }
        st->hits_n++;
    }
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("searching"), err);
    if ((ks = kz_exec(st, "DELETE FROM temp.kz_hits", err)) != KZ_OK)
        return ks;
    if (st->hits_mode != KZ_HITS_CHECK && st->hits_n > st->exact_hits)
        st->hits_mode = KZ_HITS_BITMAP;
    if (st->hits_mode == KZ_HITS_IDS) {
        /* one statement for them all (a JSON array of the ids) */
        kz_buf ids = KZ_BUF_INIT; /* owned: [1,2,3] */
        kz_buf_putc(&ids, '[');
        for (size_t i = 0; i < nids; i++)
            kz_buf_printf(&ids, "%s%" PRId64, i ? "," : "", st->hits_ids[i]);
        kz_buf_putc(&ids, ']');
        kz_dbstmt *ins =
            kz_stmt(st, "INSERT INTO temp.kz_hits (id) SELECT value FROM json_each(?)", err);
        if (!ins) {
            kz_buf_free(&ids);
            return FAIL_STMT(err);
        }
        kz_bind_text(ins, 1, kz_buf_str(&ids));
        ks = kz_step_done(st, ins, _("searching"), err);
        kz_buf_free(&ids);
        if (ks != KZ_OK)
            return ks;
    }
    st->hits_listed = true;
    st->hits_text = kz_xstrdup(text);
    st->hits_dv = dv;
    st->hits_changes = st->be->total_changes(st);
    st->counts_key[0] = '\0'; /* grouped counts belong to the old hits */
    kz_places_forget(st);
    return KZ_OK;
}

/* Writes a listed search's ids (KZ_HITS_IDS) into temp.kz_hits, where the
 * queries that do not read places_of look them up, if they are not there
 * yet: on PostgreSQL only once such a query comes, since the board's
 * columns read the ids bound (one statement less than writing them, with
 * the table's statistics, for each keystroke). */
static kz_status hits_list(kz_store *st, const kz_query *q, kz_err *err)
{
    if (!st->be->search_like || !q->search || !*q->search || st->hits_mode != KZ_HITS_IDS ||
        st->hits_listed)
        return KZ_OK;
    kz_buf ids = KZ_BUF_INIT; /* owned: '{1,2,3}' */
    ids_array(&ids, st->hits_ids, (size_t)st->hits_n);
    kz_status ks = kz_exec(st, "DELETE FROM kz_hits", err);
    kz_dbstmt *s = NULL;
    if (ks == KZ_OK &&
        !(s = kz_stmt(st, "INSERT INTO kz_hits (id) SELECT unnest(CAST(? AS BIGINT[]))", err)))
        ks = FAIL_STMT(err);
    if (ks == KZ_OK) {
        kz_bind_text(s, 1, kz_buf_str(&ids));
        ks = kz_step_done(st, s, _("searching"), err);
    }
    kz_buf_free(&ids);
    /* the planner learns how many there are (a temporary table has no
     * statistics of its own): a few are read one by one, never by walking
     * a whole column for them */
    if (ks == KZ_OK)
        ks = kz_exec(st, "ANALYZE kz_hits", err);
    if (ks == KZ_OK)
        st->hits_listed = true;
    return ks;
}

/* The keys of q's order in turn: each one's SQL and whether it descends. */
typedef struct order_keys {
    char expr[3][96];
    bool desc[3];
    int n;
} order_keys;

static void order_of(const kz_store *st, const kz_query *q, order_keys *k)
{
    bool rev = q->reverse;
    k->n = 0;
#define KEY(d, ...) (snprintf(k->expr[k->n], sizeof k->expr[0], __VA_ARGS__), k->desc[k->n++] = (d))
    switch (q->sort) {
    case KZ_SORT_SCORE: KEY(!rev, "score"); break;
    case KZ_SORT_VALUE:
        /* leads without the key come last, whichever the direction */
        KEY(false, "value IS NULL");
        KEY(!rev, "value");
        break;
    case KZ_SORT_AGE: KEY(rev, "stage_entered"); break;
    case KZ_SORT_DUE:
        KEY(false, "next_due IS NULL");
        KEY(rev, "next_due");
        break;
    case KZ_SORT_NAME:
        /* the stored keys, when they hold the user's order (SQLite's
         * name_key), else kz_name: ICU collation for the user's language
         * (sqlite.c; on PostgreSQL the database's, indexed) */
        if (st->name_keyed && st->name_indexed)
            KEY(rev, "name_key");
        else
            KEY(rev, "name COLLATE %s", st->name_collation);
        break;
    case KZ_SORT_ID: break;
    }
    KEY(rev, "id"); /* (ties: by id, in the order's direction) */
#undef KEY
}

static void build_order(kz_buf *sql, const kz_store *st, const kz_query *q)
{
    order_keys k;
    order_of(st, q, &k);
    kz_buf_puts(sql, " ORDER BY ");
    for (int i = 0; i < k.n; i++)
        kz_buf_printf(sql, "%s%s %s", i ? ", " : "", k.expr[i], k.desc[i] ? "DESC" : "ASC");
}

/* Prepares the statement in sql (freed here) and binds b's texts. */
static kz_status prepare_bound(kz_store *st, kz_buf *sql, const binds *b, kz_dbstmt **out,
                               kz_err *err)
{
    kz_dbstmt *s = kz_stmt(st, kz_buf_str(sql), err);
    kz_buf_free(sql);
    if (!s)
        return FAIL_STMT(err);
    for (int i = 0; i < b->n; i++)
        kz_bind_text(s, i + 1, b->text[i]);
    *out = s;
    return KZ_OK;
}

/* Forgets the kept places (places_of) and their pages, not the walks. */
static void places_clear(kz_store *st)
{
    free(st->places_key);
    st->places_key = NULL;
    free(st->pages_key);
    st->pages_key = NULL;
    st->npages = 0;
    for (size_t i = 0; i < st->nplaces; i++)
        st->places[i].n = 0;
    st->nplaces = 0;
}

void kz_places_forget(kz_store *st)
{
    places_clear(st);
    for (size_t i = 0; i < st->nwalks; i++) {
        free(st->walks[i].key);
        st->walks[i].key = NULL;
        st->walks[i].n = 0;
    }
    st->nwalks = 0;
}

/* The entry of arr (n of cap) for stage, added empty when there is none. */
static struct kz_places *places_slot(struct kz_places **arr, size_t *n, size_t *cap,
                                     const char *stage)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*arr)[i].stage, stage) == 0)
            return &(*arr)[i];
    if (*n == *cap) {
        size_t m = *cap ? *cap * 2 : 8;
        *arr = kz_xrealloc(*arr, m * sizeof **arr);
        memset(*arr + *cap, 0, (m - *cap) * sizeof **arr);
        *cap = m;
    }
    struct kz_places *p = &(*arr)[(*n)++];
    free(p->stage);
    p->stage = kz_xstrdup(stage);
    p->n = 0;
    return p;
}

static void places_add(struct kz_places *p, int64_t id)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->ids = kz_xrealloc(p->ids, p->cap * sizeof *p->ids);
    }
    p->ids[p->n++] = id;
}

/* Whether lead id is among p's, and its place there into *rank (up to
 * limit; 0: no limit). */
static bool place_in(const struct kz_places *p, int64_t id, size_t limit, size_t *rank)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->ids[i] == id) {
            *rank = limit && i > limit ? limit : i;
            return true;
        }
    return false;
}

/* Whether q's search is listed (KZ_HITS_IDS, up to exact_hits: a query
 * that reads every match lists more) and q asks for one column: its count,
 * rank and page come from places_of. Not inside a write transaction, whose
 * own writes could move a lead after its place was read. The caller has run
 * the search. */
static bool by_places(const kz_store *st, const kz_query *q)
{
    return q->search && *q->search && q->stage && st->hits_mode == KZ_HITS_IDS &&
           st->hits_n <= st->exact_hits && !st->writing;
}

/* The listed matches of q's search that pass its other filters, in its
 * order, for q's stage (*out NULL: none there). One statement reads them for
 * every stage (a few thousand leads by id, sorted): each column's count, the
 * selected lead's rank and each page are then looked up here, where each
 * column read and sorted its own matches two or three times a keystroke. */
/* The statement places_of reads q's places with, into sql and b. */
static void places_sql(const kz_store *st, const kz_query *q, kz_buf *sql, binds *b)
{
    kz_buf_puts(sql, "SELECT id, stage FROM leads");
    if (st->be->search_like) {
        /* the listed ids bound (hits_list has not written them), joined
         * as a set: as "id = ANY(ids)" the planner estimated each of the
         * thousands of ids in turn, 4 ms of a fresh session's keystroke
         * at 4,000 matches */
        kz_query rest = *q;
        rest.search = NULL;
        kz_buf_puts(sql, " JOIN unnest(CAST(? AS BIGINT[])) AS listed (listed_id) ON "
                         "leads.id = listed.listed_id");
        build_where(sql, st, &rest, false, b);
    } else {
        build_where(sql, st, q, false, b);
    }
    build_order(sql, st, q);
}

static kz_status places_of(kz_store *st, const kz_query *q, const struct kz_places **out,
                           kz_err *err)
{
    *out = NULL;
    kz_buf sql = KZ_BUF_INIT, key = KZ_BUF_INIT; /* owned */
    binds b;
    kz_buf ids = KZ_BUF_INIT; /* owned */
    places_sql(st, q, &sql, &b);
    /* (the ids are the search's, which forgets the places when it
     * changes: not part of the key; search_hits keeps the same key for
     * the places it read itself: places_keyed) */
    query_key(&key, &sql, &b);
    kz_status ks = KZ_OK;
    if (!st->places_key || strcmp(st->places_key, kz_buf_str(&key)) != 0) {
        places_clear(st);
        kz_dbstmt *s = NULL;
        if (st->be->search_like) {
            /* (the ids' placeholder comes first, before the filters') */
            ids_array(&ids, st->hits_ids, (size_t)st->hits_n);
            memmove(&b.text[1], &b.text[0], (size_t)b.n * sizeof b.text[0]);
            b.text[0] = kz_buf_str(&ids);
            b.n++;
        }
        if ((ks = prepare_bound(st, &sql, &b, &s, err)) != KZ_OK)
            goto out;
        int rc;
        struct kz_places *p = NULL; /* the last row's stage */
        while ((rc = kz_step(s)) == KZ_DB_ROW) {
            const char *stage = kz_col_str(s, 1);
            if (!stage)
                stage = "";
            if (!p || strcmp(p->stage, stage) != 0)
                p = places_slot(&st->places, &st->nplaces, &st->places_cap, stage);
            places_add(p, kz_col_i64(s, 0));
        }
        kz_reset(s);
        if (rc != KZ_DB_DONE) {
            places_clear(st);
            ks = kz_db_error(st, rc, _("listing leads"), err);
            goto out;
        }
        st->places_key = kz_buf_take(&key);
    }
    for (size_t i = 0; i < st->nplaces; i++)
        if (strcmp(st->places[i].stage, q->stage) == 0)
            *out = &st->places[i];
out:
    kz_buf_free(&sql);
    kz_buf_free(&key);
    kz_buf_free(&ids);
    return ks;
}

/* The condition that the lead with id `id`, reached by a walk of a
 * column's index, matches a word too common to list (KZ_HITS_CHECK) or
 * listed as a bitmap: PostgreSQL looks up that lead's own text (as a
 * semi-join, the planner may make it a hash join, which on a smaller table
 * reads the texts from the start instead: 19,000 of them for 200 matches
 * at 100,000 leads). */
static void walk_check(kz_buf *sql, const kz_store *st, const char *id)
{
    if (st->hits_mode == KZ_HITS_CHECK && st->hits_nlike == 1) {
        kz_buf_printf(sql, "(SELECT doc FROM lead_text WHERE lead_text.id = %s) LIKE ", id);
        like_literal(sql, st->hits_like[0]);
    } else if (st->hits_mode == KZ_HITS_CHECK && st->hits_nlike) {
        /* (several words: the text looked up once, each word a LIKE) */
        kz_buf_puts(sql, "(SELECT ");
        like_all(sql, st, "doc");
        kz_buf_printf(sql, " FROM lead_text WHERE lead_text.id = %s)", id);
    } else {
        search_clause(sql, st, id);
    }
}

/* Whether q's column is walked once for a word too common to list
 * (walk_of): on PostgreSQL, where each statement is a round trip and a
 * plan; in an order a column's index holds; outside a write transaction. */
static bool by_walk(const kz_store *st, const kz_query *q)
{
    return st->be->search_like && q->search && *q->search && q->stage &&
           st->hits_mode == KZ_HITS_CHECK && st->hits_nlike && !st->writing &&
           q->sort != KZ_SORT_ID && (q->sort != KZ_SORT_NAME || st->name_indexed);
}

/* A word too common to list (by_walk): q's column's first matches in its
 * order, up to KZ_WALK_CAP + 1 of them among its first KZ_WALK_BUDGET
 * leads, in one statement kept until the search, the filters, the order or
 * the data change. The column's count, its selected lead's rank and its
 * first pages come from them, where each walked the column again and
 * planned its own statement on every keystroke. */
static kz_status walk_of(kz_store *st, const kz_query *q, struct kz_places **out, kz_err *err)
{
    *out = NULL;
    kz_query rest = *q;
    rest.search = NULL;
    order_keys k;
    order_of(st, q, &k);
    kz_buf sql = KZ_BUF_INIT, key = KZ_BUF_INIT; /* owned */
    binds b;
    /* the order's keys as columns of the walk, so the matches come out of
     * it in the index's order without a sort of the whole walk */
    kz_buf_puts(&sql, "SELECT sub.id FROM (SELECT id");
    for (int i = 0; i < k.n; i++)
        kz_buf_printf(&sql, ", %s AS k%d", k.expr[i], i);
    kz_buf_puts(&sql, " FROM leads");
    build_where(&sql, st, &rest, true, &b);
    build_order(&sql, st, q);
    kz_buf_printf(&sql, " LIMIT %d) AS sub WHERE ", KZ_WALK_BUDGET);
    walk_check(&sql, st, "sub.id");
    kz_buf_puts(&sql, " ORDER BY ");
    for (int i = 0; i < k.n; i++)
        kz_buf_printf(&sql, "%sk%d %s", i ? ", " : "", i, k.desc[i] ? "DESC" : "ASC");
    kz_buf_printf(&sql, " LIMIT %d", KZ_WALK_CAP + 1);
    query_key(&key, &sql, &b);
    struct kz_places *w = places_slot(&st->walks, &st->nwalks, &st->walks_cap, q->stage);
    kz_status ks = KZ_OK;
    if (w->key && strcmp(w->key, kz_buf_str(&key)) == 0) {
        *out = w;
        goto out;
    }
    free(w->key);
    w->key = NULL;
    w->n = 0;
    w->past = -1;
    kz_dbstmt *s = NULL;
    if ((ks = prepare_bound(st, &sql, &b, &s, err)) != KZ_OK)
        goto out;
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW)
        places_add(w, kz_col_i64(s, 0));
    kz_reset(s);
    if (rc != KZ_DB_DONE) {
        w->n = 0;
        ks = kz_db_error(st, rc, _("listing leads"), err);
        goto out;
    }
    w->key = kz_buf_take(&key);
    *out = w;
out:
    kz_buf_free(&sql);
    kz_buf_free(&key);
    return ks;
}

/* Whether the column of a walk w goes on past the leads it walked (q's
 * filters and order, without the search), into *past. */
static kz_status walk_past(kz_store *st, const kz_query *q, int64_t budget, bool *past,
                           kz_err *err)
{
    kz_query rest = *q;
    rest.search = NULL;
    kz_buf sql = KZ_BUF_INIT; /* owned */
    binds b;
    kz_buf_puts(&sql, "SELECT count(*) FROM (SELECT id FROM leads");
    build_where(&sql, st, &rest, true, &b);
    build_order(&sql, st, &rest);
    kz_buf_printf(&sql, " LIMIT 1 OFFSET %" PRId64 ") AS past", budget);
    kz_dbstmt *s = NULL;
    kz_status ks = prepare_bound(st, &sql, &b, &s, err);
    if (ks != KZ_OK)
        return ks;
    int rc = kz_step(s);
    *past = rc == KZ_DB_ROW && kz_col_i64(s, 0) > 0;
    kz_reset(s);
    if (rc != KZ_DB_ROW)
        return kz_db_error(st, rc, _("counting leads"), err);
    return KZ_OK;
}

/* Whether walk w holds every match of its column (it ended before the cap
 * and the column ended within the walk). */
static kz_status walk_whole(kz_store *st, const kz_query *q, struct kz_places *w, bool *whole,
                            kz_err *err)
{
    *whole = false;
    if (w->n > KZ_WALK_CAP)
        return KZ_OK;
    if (w->past < 0) {
        bool past;
        kz_status ks = walk_past(st, q, KZ_WALK_BUDGET, &past, err);
        if (ks != KZ_OK)
            return ks;
        w->past = past;
    }
    *whole = !w->past;
    return KZ_OK;
}

/* "SELECT cols FROM" the leads of ids (a PostgreSQL array's text) in that
 * order, which pass q's filters but its search, prepared and bound
 * (late_rows backends). every: the leads of every column's page at once,
 * with no stage filter, each with its place in ids as a last column. */
static kz_status prepare_listed(kz_store *st, const kz_query *q, const char *cols, bool every,
                                const char *ids, kz_dbstmt **out, kz_err *err)
{
    kz_query rest = *q;
    rest.search = NULL;
    kz_buf sql = KZ_BUF_INIT; /* owned */
    binds b;
    kz_buf_printf(&sql,
                  "SELECT %s%s FROM unnest(CAST(? AS BIGINT[])) WITH ORDINALITY AS page "
                  "(page_id, page_pos) JOIN leads ON leads.id = page.page_id",
                  cols, every ? ", page.page_pos" : "");
    build_where(&sql, st, &rest, !every, &b);
    kz_buf_puts(&sql, " ORDER BY page.page_pos");
    kz_dbstmt *s = kz_stmt(st, kz_buf_str(&sql), err);
    kz_buf_free(&sql);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, ids);
    for (int i = 0; i < b.n; i++)
        kz_bind_text(s, i + 2, b.text[i]);
    *out = s;
    return KZ_OK;
}

/* A page of a searched column whose matches are kept in their order (the
 * listed search's places, a common word's walk): the leads of ids[from...],
 * up to q's limit, in that order, which still pass q's other filters (a
 * lead saved since then drops out until the next keystroke reads them
 * again). */
static kz_status page_by_ids(kz_store *st, const kz_query *q, const char *cols,
                             const int64_t *ids, size_t nids, kz_dbstmt **out, kz_err *err)
{
    size_t from = q->offset, n = from < nids ? nids - from : 0;
    if (n > q->limit)
        n = q->limit;
    kz_buf sql = KZ_BUF_INIT; /* owned */
    binds b;
    if (n == 0) {
        kz_buf_printf(&sql, "SELECT %s FROM leads WHERE 1 = 0", cols);
        b.n = 0;
        return prepare_bound(st, &sql, &b, out, err);
    }
    kz_query rest = *q;
    rest.search = NULL;
    if (st->be->late_rows) {
        /* the page's ids as one array: one statement's text, planned
         * once, whatever the page's size */
        kz_buf arr = KZ_BUF_INIT; /* owned */
        ids_array(&arr, ids + from, n);
        kz_status ks = prepare_listed(st, q, cols, false, kz_buf_str(&arr), out, err);
        kz_buf_free(&arr);
        kz_buf_free(&sql);
        return ks;
    }
    /* the ids bound: one statement's text for each page size */
    kz_buf_puts(&sql, "WITH page (page_id, page_pos) AS (VALUES ");
    for (size_t i = 0; i < n; i++)
        kz_buf_printf(&sql, "%s(CAST(? AS BIGINT), %zu)", i ? ", " : "", i);
    /* (CROSS JOIN: SQLite keeps the page first, and never walks a column
     * of the stage or owner index probing the page; the search's own
     * condition is where the ids came from) */
    kz_buf_printf(&sql, ") SELECT %s FROM page CROSS JOIN leads", cols);
    build_where(&sql, st, &rest, true, &b);
    kz_buf_puts(&sql, " AND leads.id = page.page_id");
    kz_buf_puts(&sql, " ORDER BY page.page_pos");
    kz_dbstmt *s = kz_stmt(st, kz_buf_str(&sql), err);
    kz_buf_free(&sql);
    if (!s)
        return FAIL_STMT(err);
    for (size_t i = 0; i < n; i++)
        kz_bind_i64(s, (int)i + 1, ids[from + i]);
    for (int i = 0; i < b.n; i++)
        kz_bind_text(s, (int)n + i + 1, b.text[i]);
    *out = s;
    return KZ_OK;
}

/* A listed search's pages kept by pages_of, for kz_store_list. */
typedef struct kept_page {
    const kz_lead *leads; /* the page's leads (n of them) */
    size_t n;
} kept_page;

/* The first page (q->limit leads) of every column of the kept places, read
 * in one statement (late_rows backends: one round trip and one plan, where
 * each column's page was a statement of its own, 0.5-1 ms each on a
 * keystroke), each lead read as page_by_ids reads it: passing the query's
 * filters and still in the column it was placed in. Kept with the places. */
static kz_status pages_of(kz_store *st, const kz_query *q, const char *cols, kz_err *err)
{
    kz_buf key = KZ_BUF_INIT; /* owned */
    kz_buf_printf(&key, "%s|%zu", st->places_key, q->limit);
    if (st->pages_key && strcmp(st->pages_key, kz_buf_str(&key)) == 0) {
        kz_buf_free(&key);
        return KZ_OK;
    }
    free(st->pages_key);
    st->pages_key = NULL;
    st->npages = 0;
    kz_buf ids = KZ_BUF_INIT; /* owned */
    size_t nids = 0;
    kz_buf_putc(&ids, '{');
    for (size_t i = 0; i < st->nplaces; i++) {
        struct kz_places *p = &st->places[i];
        size_t n = p->n < q->limit ? p->n : q->limit;
        p->page_from = nids; /* (the ids' places, until the rows are read) */
        p->page_n = n;
        for (size_t k = 0; k < n; k++)
            kz_buf_printf(&ids, "%s%" PRId64, nids++ ? "," : "", p->ids[k]);
    }
    kz_buf_putc(&ids, '}');
    kz_dbstmt *s = NULL;
    kz_status ks = prepare_listed(st, q, cols, true, kz_buf_str(&ids), &s, err);
    kz_buf_free(&ids);
    if (ks != KZ_OK) {
        kz_buf_free(&key);
        return ks;
    }
    /* each column's leads, in its order: where its ids were, less those no
     * longer there */
    size_t *from = kz_xcalloc(st->nplaces + 1, sizeof *from); /* owned */
    size_t *count = kz_xcalloc(st->nplaces + 1, sizeof *count); /* owned */
    size_t col = 0;
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW) {
        size_t pos = (size_t)kz_col_i64(s, kz_col_count(s) - 1) - 1;
        while (col < st->nplaces && pos >= st->places[col].page_from + st->places[col].page_n)
            col++;
        if (col == st->nplaces)
            continue;
        if (st->npages == st->pages_cap) {
            size_t m = st->pages_cap ? st->pages_cap * 2 : 64;
            st->pages = kz_xrealloc(st->pages, m * sizeof *st->pages);
            for (size_t i = st->pages_cap; i < m; i++)
                kz_lead_init(&st->pages[i]);
            st->pages_cap = m;
        }
        kz_lead *l = &st->pages[st->npages];
        kz_read_lead_row(s, l);
        const char *stage = kz_lead_text(l, KZ_F_STAGE);
        if (!stage || strcmp(stage, st->places[col].stage) != 0)
            continue; /* (moved since: as page_by_ids's stage filter) */
        if (!count[col])
            from[col] = st->npages;
        count[col]++;
        st->npages++;
    }
    kz_reset(s);
    if (rc != KZ_DB_DONE) {
        ks = kz_db_error(st, rc, _("listing leads"), err);
        st->npages = 0;
    } else {
        for (size_t i = 0; i < st->nplaces; i++) {
            st->places[i].page_from = from[i];
            st->places[i].page_n = count[i];
        }
        st->pages_key = kz_buf_take(&key);
    }
    free(from);
    free(count);
    kz_buf_free(&key);
    return ks;
}

/* A page of a listed search's column (by_places): a first page from the
 * columns' pages read together (pages_of) into *kept (*out NULL then),
 * else its own statement. */
static kz_status prepare_page(kz_store *st, const kz_query *q, const char *cols,
                              kz_dbstmt **out, kept_page *kept, kz_err *err)
{
    const struct kz_places *p;
    kz_status ks = places_of(st, q, &p, err);
    if (ks != KZ_OK)
        return ks;
    if (kept && st->be->late_rows && q->offset == 0 && st->places_key) {
        if ((ks = pages_of(st, q, cols, err)) != KZ_OK)
            return ks;
        *out = NULL;
        kept->leads = p ? st->pages + p->page_from : NULL;
        kept->n = p ? p->page_n : 0;
        return KZ_OK;
    }
    return page_by_ids(st, q, cols, p ? p->ids : NULL, p ? p->n : 0, out, err);
}


/* "SELECT <cols> FROM leads WHERE ..." for q (its order and page when
 * paged). */
static kz_status prepare_query(kz_store *st, const kz_query *q, const char *cols, bool paged,
                               kz_dbstmt **out, kept_page *kept, kz_err *err)
{
    if (paged && q->sort == KZ_SORT_NAME)
        st->name_sorted = true; /* (what kz_store_settle prepares next) */
    if (q->search && *q->search) {
        /* a page of a column (every order has an index per stage, names
         * where one collation holds for all: name_indexed) stops early;
         * any other query reads every match, so they are listed */
        bool walks = q->sort == KZ_SORT_ID ||
                     (q->stage && (q->sort != KZ_SORT_NAME || st->name_indexed));
        kz_status ks = search_hits(st, q->search, !paged || !q->limit || !walks, q, err);
        if (ks != KZ_OK)
            return ks;
    }
    if (paged && q->limit && by_places(st, q))
        return prepare_page(st, q, cols, out, kept, err);
    kz_status ks;
    if (paged && q->limit && by_walk(st, q)) {
        /* a page the column's walk holds */
        struct kz_places *w;
        bool whole = false;
        if ((ks = walk_of(st, q, &w, err)) != KZ_OK)
            return ks;
        if (q->offset + q->limit > w->n && (ks = walk_whole(st, q, w, &whole, err)) != KZ_OK)
            return ks;
        if (q->offset + q->limit <= w->n || whole)
            return page_by_ids(st, q, cols, w->ids, w->n, out, err);
    }
    if ((ks = hits_list(st, q, err)) != KZ_OK)
        return ks;
    kz_buf sql = KZ_BUF_INIT;
    binds b;
    kz_buf_printf(&sql, "SELECT %s FROM ", cols);
    if (paged && q->limit && st->be->late_rows) {
        /* the page's ids from the order's index alone (the walk past
         * leads a search skips or an offset passes reads no rows), then
         * those leads, in that order */
        kz_buf_puts(&sql, "unnest(ARRAY(SELECT id FROM leads");
        build_where(&sql, st, q, true, &b);
        build_order(&sql, st, q);
        kz_buf_printf(&sql, " LIMIT %zu OFFSET %zu)) WITH ORDINALITY AS page (page_id, page_pos)"
                            " JOIN leads ON leads.id = page.page_id ORDER BY page.page_pos",
                      q->limit, q->offset);
        return prepare_bound(st, &sql, &b, out, err);
    }
    kz_buf_puts(&sql, "leads");
    build_where(&sql, st, q, true, &b);
    if (paged) {
        build_order(&sql, st, q);
        if (q->limit)
            kz_buf_printf(&sql, " LIMIT %zu OFFSET %zu", q->limit, q->offset);
        else if (q->offset)
            kz_buf_printf(&sql, " LIMIT %" PRId64 " OFFSET %zu", INT64_MAX, q->offset);
    }
    return prepare_bound(st, &sql, &b, out, err);
}

/* (the caller has run the search) */
static kz_status prepare_count(kz_store *st, const kz_query *q, const char *head,
                               const char *tail, kz_dbstmt **out, kz_err *err)
{
    kz_buf sql = KZ_BUF_INIT;
    binds b;
    kz_buf_puts(&sql, head);
    build_where(&sql, st, q, true, &b);
    kz_buf_puts(&sql, tail);
    return prepare_bound(st, &sql, &b, out, err);
}

kz_status kz_stream_leads(kz_store *st, kz_dbstmt *s, kz_lead_fn fn, void *ud,
                          const char *what, kz_err *err)
{
    kz_lead l;
    kz_lead_init(&l);
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW) {
        kz_read_lead_row(s, &l);
        if (!fn(&l, ud)) {
            rc = KZ_DB_DONE;
            break;
        }
    }
    kz_reset(s);
    kz_lead_free(&l);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, what, err);
    return KZ_OK;
}

kz_status kz_store_list(kz_store *st, const kz_query *q, bool with_custom, kz_lead_fn fn,
                        void *ud, kz_err *err)
{
    char cols[1600];
    snprintf(cols, sizeof cols, "id, %s, " KZ_ROLES_COL, st->lead_cols);
    kz_dbstmt *s;
    kept_page kept = {0};
    kz_status ks = prepare_query(st, q, cols, true, &s, with_custom ? NULL : &kept, err);
    if (ks != KZ_OK)
        return ks;
    if (!s) {
        /* a page kept (pages_of) */
        for (size_t i = 0; i < kept.n; i++)
            if (!fn(&kept.leads[i], ud))
                break;
        return KZ_OK;
    }
    kz_lead l;
    kz_lead_init(&l);
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW) {
        kz_read_lead_row(s, &l);
        if (with_custom && (ks = kz_load_custom(st, kz_lead_num(&l, KZ_F_ID), &l, err)) != KZ_OK)
            break;
        if (!fn(&l, ud)) {
            rc = KZ_DB_DONE;
            break;
        }
    }
    kz_reset(s);
    kz_lead_free(&l);
    if (ks != KZ_OK)
        return ks;
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("listing leads"), err);
    return KZ_OK;
}

/* A search's matches per stage, counted in one grouped query and kept until
 * the search, the other filters or the data change: the board counts each
 * of its columns on every keystroke. The caller has run the search. */
static kz_status count_by_stage(kz_store *st, const kz_query *q, int64_t *out, kz_err *err)
{
    kz_status ks = KZ_OK;
    kz_buf sql = KZ_BUF_INIT;
    binds b;
    kz_buf_puts(&sql, "SELECT stage, count(*) FROM leads");
    build_where(&sql, st, q, false, &b);
    kz_buf_puts(&sql, " GROUP BY stage");
    kz_buf key = KZ_BUF_INIT;
    query_key(&key, &sql, &b);
    bool fresh = strlen(kz_buf_str(&key)) < sizeof st->counts_key &&
                 strcmp(st->counts_key, kz_buf_str(&key)) == 0;
    if (!fresh) {
        kz_dbstmt *s = kz_stmt(st, kz_buf_str(&sql), err);
        if (!s) {
            ks = FAIL_STMT(err);
            goto out;
        }
        for (int i = 0; i < b.n; i++)
            kz_bind_text(s, i + 1, b.text[i]);
        st->ncounts = 0;
        int rc;
        while ((rc = kz_step(s)) == KZ_DB_ROW && st->ncounts < KZ_COUNT_CACHE) {
            snprintf(st->counts[st->ncounts].stage, sizeof st->counts[0].stage, "%s",
                     kz_col_str(s, 0));
            st->counts[st->ncounts++].n = kz_col_i64(s, 1);
        }
        kz_reset(s);
        if (rc != KZ_DB_ROW && rc != KZ_DB_DONE) {
            ks = kz_db_error(st, rc, _("counting leads"), err);
            goto out;
        }
        snprintf(st->counts_key, sizeof st->counts_key, "%s",
                 strlen(kz_buf_str(&key)) < sizeof st->counts_key ? kz_buf_str(&key) : "");
    }
    *out = 0;
    for (size_t i = 0; i < st->ncounts; i++)
        if (strcmp(st->counts[i].stage, q->stage) == 0)
            *out = st->counts[i].n;
out:
    kz_buf_free(&sql);
    kz_buf_free(&key);
    return ks;
}

/* A search's count in one column, up to `cap` matches among at most
 * `budget` of its leads in index order: *more when it stopped before the
 * column's end. A common word's walk stops past its cap matches, within a
 * few hundred leads; a rarer one's walks the budget, and then a walk of the
 * column's index alone, without the check, tells whether leads are left
 * past it. */
static kz_status count_walk(kz_store *st, const kz_query *q, int64_t cap, int64_t budget,
                            int64_t *out, bool *more, kz_err *err)
{
    kz_status ks;
    if (by_walk(st, q) && cap == KZ_WALK_CAP) {
        /* the column's walk, which its rank and page read too */
        struct kz_places *w;
        bool whole = false;
        if ((ks = walk_of(st, q, &w, err)) != KZ_OK)
            return ks;
        if ((int64_t)w->n <= cap && (ks = walk_whole(st, q, w, &whole, err)) != KZ_OK)
            return ks;
        *out = (int64_t)w->n > cap ? cap : (int64_t)w->n;
        *more = !whole;
        return KZ_OK;
    }
    kz_query rest = *q;
    rest.search = NULL;
    /* the column's own order (its index, as its page walks it), else
     * score's: the leads counted are those at the column's top, and the
     * walk stays on an index whatever the stage, even in a plan the
     * server made for any stage (without an order, that plan may read the
     * whole table looking for an empty column's leads) */
    if (rest.sort == KZ_SORT_ID || (rest.sort == KZ_SORT_NAME && !st->name_indexed))
        rest.sort = KZ_SORT_SCORE;
    /* the matches among the budget's leads, up to cap */
    kz_buf sql = KZ_BUF_INIT; /* owned */
    binds b;
    kz_buf_puts(&sql, "SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM leads");
    build_where(&sql, st, &rest, true, &b);
    build_order(&sql, st, &rest);
    kz_buf_printf(&sql, " LIMIT %" PRId64 ") AS sub WHERE ", budget);
    walk_check(&sql, st, "sub.id");
    kz_buf_printf(&sql, " LIMIT %" PRId64 ") AS hits", cap + 1);
    kz_dbstmt *s = NULL;
    if ((ks = prepare_bound(st, &sql, &b, &s, err)) != KZ_OK)
        return ks;
    int rc = kz_step(s);
    int64_t n = rc == KZ_DB_ROW ? kz_col_i64(s, 0) : 0;
    kz_reset(s);
    if (rc != KZ_DB_ROW)
        return kz_db_error(st, rc, _("counting leads"), err);
    /* (fewer than cap: whether the column goes on past the budget) */
    bool past = false;
    if (n <= cap && (ks = walk_past(st, &rest, budget, &past, err)) != KZ_OK)
        return ks;
    *out = n > cap ? cap : n;
    *more = n > cap || past;
    return KZ_OK;
}

kz_status kz_store_count(kz_store *st, const kz_query *q, int64_t *out, kz_err *err)
{
    bool more;
    return kz_store_count_some(st, q, out, &more, err);
}

kz_status kz_store_count_some(kz_store *st, const kz_query *q, int64_t *out, bool *more,
                              kz_err *err)
{
    *out = 0;
    *more = false;
    /* A search with few matches is counted for every column at once; with
     * many, each column walks a bounded stretch of its index (about
     * count_cap matches' worth at the least density each way allows). */
    if (q->search && *q->search) {
        kz_status ks = search_hits(st, q->search, !q->count_cap, q, err);
        if (ks != KZ_OK)
            return ks;
        bool listed = st->hits_mode == KZ_HITS_IDS;
        if (by_places(st, q)) {
            const struct kz_places *p;
            ks = places_of(st, q, &p, err);
            *out = p ? (int64_t)p->n : 0;
            return ks;
        }
        if ((ks = hits_list(st, q, err)) != KZ_OK)
            return ks;
        if (q->stage && !q->count_cap)
            return count_by_stage(st, q, out, err);
        /* (a search the database answers with LIKE walks as a word too
         * common to list does: the lead's text is checked) */
        if (q->count_cap > 0 && !listed)
            return count_walk(st, q, q->count_cap,
                              q->count_cap * (st->hits_mode == KZ_HITS_BITMAP ? 100 : 5), out,
                              more, err);
    }
    if (q->count_cap > 0) {
        kz_dbstmt *s = NULL;
        kz_buf tail = KZ_BUF_INIT;
        kz_buf_printf(&tail, " LIMIT %" PRId64 ") AS capped", q->count_cap);
        kz_status ks = prepare_count(st, q, "SELECT count(*) FROM (SELECT 1 FROM leads",
                                     kz_buf_str(&tail), &s, err);
        kz_buf_free(&tail);
        if (ks != KZ_OK)
            return ks;
        int rc = kz_step(s);
        *out = rc == KZ_DB_ROW ? kz_col_i64(s, 0) : 0;
        kz_reset(s);
        if (rc != KZ_DB_ROW)
            return kz_db_error(st, rc, _("counting leads"), err);
        *more = *out >= q->count_cap;
        return KZ_OK;
    }
    kz_dbstmt *s;
    kz_status ks = prepare_query(st, q, "count(*)", false, &s, NULL, err);
    if (ks != KZ_OK)
        return ks;
    int rc = kz_step(s);
    *out = rc == KZ_DB_ROW ? kz_col_i64(s, 0) : 0;
    kz_reset(s);
    if (rc != KZ_DB_ROW)
        return kz_db_error(st, rc, _("counting leads"), err);
    return KZ_OK;
}

/* The condition that a lead comes before `l` in q's order, for the orders
 * whose keys are plain columns (0 for name's, which the collation and the
 * engines' places for a missing name make its own): a
 * range on the order's index (score >= 40 AND (score > 40 OR id < 12)), so
 * a count reads only the leads above it. Returns how many parts (ranges
 * counted apart) the condition has, and writes part `part`. Texts it binds
 * go into b. */
static int build_before(kz_buf *sql, const kz_query *q, const kz_lead *l, int part, binds *b)
{
    int64_t id = kz_lead_num(l, KZ_F_ID);
    bool rev = q->reverse;
    /* ascending: "<" comes first; descending: ">" */
    const char *idcmp = rev ? ">" : "<";
    switch (q->sort) {
    case KZ_SORT_SCORE:
    case KZ_SORT_AGE: {
        const char *col = q->sort == KZ_SORT_SCORE ? "score" : "stage_entered";
        bool desc = (q->sort == KZ_SORT_SCORE) != rev;
        int64_t v = kz_lead_num(l, q->sort == KZ_SORT_SCORE ? KZ_F_SCORE : KZ_F_STAGE_ENTERED);
        kz_buf_printf(sql,
                      " AND %s %s= %" PRId64 " AND (%s %s %" PRId64 " OR id %s %" PRId64 ")",
                      col, desc ? ">" : "<", v, col, desc ? ">" : "<", v, idcmp, id);
        return 1;
    }
    case KZ_SORT_VALUE:
    case KZ_SORT_DUE: {
        /* leads without the key come last, whichever the direction */
        bool value = q->sort == KZ_SORT_VALUE;
        const char *col = value ? "value" : "next_due";
        bool desc = value != rev;
        const char *cmp = desc ? ">" : "<";
        /* "(value IS NULL) = false" is what SQLite matches to the index's
         * second column; PostgreSQL rewrites it to "value IS NOT NULL",
         * which is not that column, and matches "<= false" instead */
        if (!kz_lead_has(l, value ? KZ_F_VALUE : KZ_F_NEXT_DUE)) {
            /* every lead with one, then those without it above it: two
             * ranges of the index, counted apart (part 0, 1) */
            if (part == 0)
                kz_buf_printf(sql, " AND (%s IS NULL) = false AND (%s IS NULL) <= false", col,
                              col);
            else
                /* (the id's range closed on its other side too: SQLite's
                 * planner, without statistics, then takes the whole
                 * index prefix, where it walked every lead of the column
                 * without the key: 0.1 s in a column of 500,000; kariz
                 * hands out ids from 1) */
                kz_buf_printf(sql,
                              " AND (%s IS NULL) = true AND (%s IS NULL) >= true AND %s IS NULL "
                              "AND id %s %" PRId64 " AND id %s",
                              col, col, col, idcmp, id,
                              rev ? "<= 9223372036854775807" : ">= -9223372036854775807");
            return 2;
        }
        kz_buf_printf(sql, " AND (%s IS NULL) = false AND (%s IS NULL) <= false", col, col);
        if (value) {
            int64_t v = kz_lead_num(l, KZ_F_VALUE);
            kz_buf_printf(sql, " AND value %s= %" PRId64 " AND (value %s %" PRId64 " OR id %s %" PRId64 ")",
                          cmp, v, cmp, v, idcmp, id);
        } else {
            kz_buf_printf(sql, " AND next_due %s= ? AND (next_due %s ? OR id %s %" PRId64 ")", cmp,
                          cmp, idcmp, id);
            b->text[b->n++] = kz_lead_text(l, KZ_F_NEXT_DUE);
            b->text[b->n++] = kz_lead_text(l, KZ_F_NEXT_DUE);
        }
        return 1;
    }
    case KZ_SORT_ID: kz_buf_printf(sql, " AND id %s %" PRId64, idcmp, id); return 1;
    case KZ_SORT_NAME: return 0;
    }
    return 0;
}

kz_status kz_store_rank(kz_store *st, const kz_query *q, const kz_lead *l, size_t limit,
                        size_t *rank, bool *found, kz_err *err)
{
    *rank = 0;
    *found = false;
    int64_t id = kz_lead_num(l, KZ_F_ID);
    kz_query one = *q;
    one.limit = 0;
    one.offset = 0;
    /* (a page's search: a word too common to list is checked lead by lead,
     * as the column's walk checks it) */
    if (q->search && *q->search) {
        kz_status ks = search_hits(st, q->search, false, q, err);
        if (ks != KZ_OK)
            return ks;
    }
    if (by_places(st, q)) {
        const struct kz_places *p;
        kz_status ks = places_of(st, q, &p, err);
        if (ks == KZ_OK && p)
            *found = place_in(p, id, limit, rank);
        return ks;
    }
    kz_status ks;
    bool beyond = false; /* below the limit's matches, if it matches */
    if (by_walk(st, q)) {
        struct kz_places *w;
        bool whole = false;
        if ((ks = walk_of(st, q, &w, err)) != KZ_OK)
            return ks;
        if ((*found = place_in(w, id, limit, rank)))
            return KZ_OK;
        if ((ks = walk_whole(st, q, w, &whole, err)) != KZ_OK || whole)
            return ks;
        /* further down than the walk: below its matches, or counted as
         * below */
        beyond = limit && w->n >= limit;
    }
    if ((ks = hits_list(st, q, err)) != KZ_OK)
        return ks;
    /* the lead itself passes the filters; its order's keys as they are
     * now (another session may have saved it since l was read) */
    one.id = id;
    kz_buf sql = KZ_BUF_INIT;
    binds b;
    kz_dbstmt *s = NULL;
    kz_buf_puts(&sql, "SELECT score, stage_entered, value, next_due FROM leads");
    build_where(&sql, st, &one, true, &b);
    ks = prepare_bound(st, &sql, &b, &s, err);
    if (ks != KZ_OK)
        return ks;
    int rc = kz_step(s);
    kz_lead key; /* owned */
    kz_lead_init(&key);
    if (rc == KZ_DB_ROW) {
        *found = true;
        kz_lead_set_num(&key, KZ_F_ID, id);
        kz_lead_set_num(&key, KZ_F_SCORE, kz_col_i64(s, 0));
        kz_lead_set_num(&key, KZ_F_STAGE_ENTERED, kz_col_i64(s, 1));
        if (!kz_col_null(s, 2))
            kz_lead_set_num(&key, KZ_F_VALUE, kz_col_i64(s, 2));
        kz_lead_set_text(&key, KZ_F_NEXT_DUE, kz_col_str(s, 3));
        rc = KZ_DB_DONE;
    }
    kz_reset(s);
    if (rc != KZ_DB_DONE) {
        kz_lead_free(&key);
        return kz_db_error(st, rc, _("listing leads"), err);
    }
    if (!*found || beyond) {
        *rank = beyond ? limit : 0;
        kz_lead_free(&key);
        return KZ_OK;
    }
    l = &key;
    one.id = 0;
    int parts = 1;
    for (int part = 0; part < parts; part++) {
        /* the leads above it, counted up to the limit */
        sql = (kz_buf)KZ_BUF_INIT;
        kz_buf_puts(&sql, "SELECT count(*) FROM (SELECT 1 FROM leads");
        build_where(&sql, st, &one, true, &b);
        if (!(parts = build_before(&sql, &one, l, part, &b))) {
            kz_buf_free(&sql);
            break;
        }
        if (limit)
            kz_buf_printf(&sql, " LIMIT %zu", limit - *rank);
        kz_buf_puts(&sql, ") AS above");
        if ((ks = prepare_bound(st, &sql, &b, &s, err)) != KZ_OK)
            goto out;
        rc = kz_step(s);
        *rank += rc == KZ_DB_ROW ? (size_t)kz_col_i64(s, 0) : 0;
        kz_reset(s);
        if (rc != KZ_DB_ROW) {
            ks = kz_db_error(st, rc, _("listing leads"), err);
            goto out;
        }
        if (part + 1 == parts || (limit && *rank >= limit))
            goto out;
    }
    /* the others: the order's ids, walked until the lead */
    sql = (kz_buf)KZ_BUF_INIT;
    kz_buf_puts(&sql, "SELECT id FROM leads");
    build_where(&sql, st, &one, true, &b);
    build_order(&sql, st, &one);
    if (limit)
        kz_buf_printf(&sql, " LIMIT %zu", limit);
    if ((ks = prepare_bound(st, &sql, &b, &s, err)) != KZ_OK)
        goto out;
    size_t n = 0;
    while ((rc = kz_step(s)) == KZ_DB_ROW && kz_col_i64(s, 0) != id)
        n++;
    kz_reset(s);
    if (rc != KZ_DB_ROW && rc != KZ_DB_DONE)
        ks = kz_db_error(st, rc, _("listing leads"), err);
    else
        *rank = n;
out:
    kz_lead_free(&key);
    return ks;
}

void kz_store_search_tune(kz_store *st, int64_t exact, int64_t list)
{
    if (exact > 0)
        st->exact_hits = exact;
    if (list > 0)
        st->list_hits = list;
    free(st->hits_text); /* forget the kept search */
    st->hits_text = NULL;
}
