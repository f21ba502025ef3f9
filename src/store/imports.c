/* imports.c - bulk import runs (the imports table) and the lead insert an
 * import uses. */
#include <inttypes.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "store/internal.h"


kz_status kz_store_import_tune(kz_store *st, kz_err *err)
{
    /* an engine with bulk rows gets an import's new leads by COPY */
    st->imp.on = st->conn->ops->copy_open != NULL;
    return st->be->import_tune ? st->be->import_tune(st, err) : KZ_OK;
}

/* ---- the leads an import keeps for COPY ----
 * On an engine with bulk rows (PostgreSQL), an import's new leads are not
 * inserted one statement at a time: each lead's row, its custom fields and
 * its search text are kept in memory, in the format of COPY, and sent by
 * one COPY per table before the next statement of any other kind (a lead
 * read or saved, an activity, the commit: kz_stmt and kz_exec call
 * kz_import_sync first). A lead kept gets the id after the highest, as an
 * INSERT would: the write lock the transaction holds keeps others from
 * adding leads meanwhile. Duplicate detection by e-mail asks the database
 * and then the leads kept (kz_import_kept_email), as one statement would
 * find both. A row of the import needs its savepoint only once it writes
 * something other than a kept lead; until then, taking the row back
 * forgets what it kept. */

static const char *const copy_sql[3] = {
    NULL, /* the leads' columns: built from lead_cols */
    "COPY custom_fields (lead_id, name, value) FROM STDIN",
    /* with the lead's board keys (schema-pg.sql): the row-level trigger
     * that would look each lead up leaves a row that has them alone */
    "COPY lead_text (id, doc, stage, owner, grade, score, value, stage_entered, next_due, name) "
    "FROM STDIN",
};

void kz_import_rows_free(kz_store *st)
{
    struct kz_import_rows *ir = &st->imp;
    for (int t = 0; t < 3; t++) {
        kz_finalize(ir->rows[t]);
        ir->rows[t] = NULL;
    }
    for (size_t i = 0; i < ir->nkeys; i++)
        free(ir->keys[i].key);
    free(ir->keys);
    free(ir->slots);
    for (size_t i = 0; i < ir->npf; i++)
        free(ir->pf[i].key);
    free(ir->pf);
    ir->pf = NULL;
    ir->npf = 0;
    ir->pf_valid = false;
    ir->keys = NULL;
    ir->slots = NULL;
    ir->nkeys = ir->keycap = ir->nslots = 0;
    ir->n = 0;
    ir->next_id = 0;
    ir->row = false;
}

static size_t key_hash(const char *k)
{
    size_t h = 2166136261u;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 16777619u;
    return h;
}

static void keys_index(struct kz_import_rows *ir)
{
    if (ir->nslots < 2 * ir->nkeys + 16) {
        ir->nslots = 4 * ir->nkeys + 64;
        free(ir->slots);
        ir->slots = kz_xcalloc(ir->nslots, sizeof *ir->slots);
    } else {
        memset(ir->slots, 0, ir->nslots * sizeof *ir->slots);
    }
    for (size_t i = 0; i < ir->nkeys; i++) {
        size_t h = key_hash(ir->keys[i].key) % ir->nslots;
        while (ir->slots[h])
            h = (h + 1) % ir->nslots;
        ir->slots[h] = i + 1;
    }
}

/* Forgets the keys after the first n. */
static void keys_cut(struct kz_import_rows *ir, size_t n)
{
    if (n >= ir->nkeys)
        return;
    for (size_t i = n; i < ir->nkeys; i++)
        free(ir->keys[i].key);
    ir->nkeys = n;
    keys_index(ir);
}

/* The e-mail as email_key holds it (lower(btrim(email))), when it is ASCII
 * (PostgreSQL's lower() folds other letters by the database's locale);
 * false when it is not, or empty. */
static bool ascii_key(const char *email, kz_buf *out)
{
    kz_buf_reset(out);
    if (!email)
        return false;
    size_t a = 0, b = strlen(email);
    while (a < b && email[a] == ' ')
        a++;
    while (b > a && email[b - 1] == ' ')
        b--;
    for (size_t i = a; i < b; i++) {
        unsigned char ch = (unsigned char)email[i];
        if (ch >= 0x80)
            return false;
        kz_buf_putc(out, (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
    }
    return out->len > 0;
}

bool kz_import_kept_email(kz_store *st, const char *email, int64_t *id)
{
    struct kz_import_rows *ir = &st->imp;
    *id = 0;
    if (!ir->n)
        return true;
    if (!ir->keys_exact)
        return false;
    kz_buf k = KZ_BUF_INIT; /* owned */
    if (!ascii_key(email, &k)) {
        /* an empty key matches nothing; another one may match by the
         * database's folding */
        bool empty = k.len == 0 && email && !*email;
        kz_buf_free(&k);
        return empty;
    }
    if (ir->nslots) {
        for (size_t h = key_hash(k.s) % ir->nslots; ir->slots[h]; h = (h + 1) % ir->nslots) {
            const struct kz_import_key *e = &ir->keys[ir->slots[h] - 1];
            if (strcmp(e->key, k.s) == 0 && (!*id || e->id < *id))
                *id = e->id;
        }
    }
    kz_buf_free(&k);
    return true;
}

static kz_status send_rows(kz_store *st, const size_t upto[3], kz_err *err)
{
    struct kz_import_rows *ir = &st->imp;
    for (int t = 0; t < 3; t++) {
        if (!ir->rows[t])
            continue;
        int rc = st->conn->ops->copy_send(ir->rows[t], upto ? upto[t] : SIZE_MAX);
        if (rc != KZ_DB_DONE)
            return kz_db_error(st, rc, _("adding imported leads"), err);
    }
    return KZ_OK;
}

/* Asks the database for the lowest id of each prefetched e-mail. */
static kz_status prefetch_ask(kz_store *st, kz_err *err)
{
    struct kz_import_rows *ir = &st->imp;
    kz_buf sql = KZ_BUF_INIT; /* owned */
    /* each e-mail by the index on email_key (an IN list of them all is
     * planned as a scan of every lead while the table has no statistics,
     * as in a first import; min(id + 0) keeps the planner from walking the
     * ids in order instead) */
    kz_buf_puts(&sql, "SELECT v.k, (SELECT min(id + 0) FROM leads WHERE email_key = v.k AND "
                      "email_key <> '') FROM (VALUES ");
    for (int i = 1; i <= KZ_PREFETCH_EMAILS; i++)
        kz_buf_printf(&sql, "%s(?%d)", i > 1 ? ", " : "", i);
    kz_buf_puts(&sql, ") AS v (k) WHERE v.k IS NOT NULL");
    /* (a look-up: nothing kept needs sending for it) */
    ir->quiet = true;
    kz_dbstmt *s = kz_stmt(st, kz_buf_str(&sql), err);
    ir->quiet = false;
    kz_buf_free(&sql);
    if (!s)
        return FAIL_STMT(err);
    for (size_t i = 0; i < ir->npf; i++) {
        kz_bind_text(s, (int)i + 1, ir->pf[i].key);
        ir->pf[i].id = 0;
    }
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW) {
        const char *k = kz_col_str(s, 0);
        for (size_t i = 0; k && !kz_col_null(s, 1) && i < ir->npf; i++)
            if (strcmp(ir->pf[i].key, k) == 0)
                ir->pf[i].id = kz_col_i64(s, 1);
    }
    kz_reset(s);
    if (rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("looking up an e-mail"), err);
    ir->pf_valid = true;
    return KZ_OK;
}

bool kz_store_import_bulk(const kz_store *st)
{
    return st->imp.on;
}

kz_status kz_store_import_prefetch(kz_store *st, const char *const *emails, size_t n,
                                   kz_err *err)
{
    struct kz_import_rows *ir = &st->imp;
    if (!ir->on || !st->in_txn)
        return KZ_OK;
    for (size_t i = 0; i < ir->npf; i++)
        free(ir->pf[i].key);
    if (!ir->pf)
        ir->pf = kz_xcalloc(KZ_PREFETCH_EMAILS, sizeof *ir->pf);
    ir->npf = 0;
    ir->pf_valid = false;
    kz_buf k = KZ_BUF_INIT; /* owned */
    for (size_t i = 0; i < n && ir->npf < KZ_PREFETCH_EMAILS; i++)
        if (ascii_key(emails[i], &k))
            ir->pf[ir->npf++].key = kz_xstrdup(kz_buf_str(&k));
    kz_buf_free(&k);
    return ir->npf ? prefetch_ask(st, err) : KZ_OK;
}

bool kz_import_prefetched(kz_store *st, const char *email, int64_t *id, bool *failed,
                          kz_err *err)
{
    struct kz_import_rows *ir = &st->imp;
    *failed = false;
    if (!ir->npf || !st->in_txn)
        return false;
    kz_buf k = KZ_BUF_INIT; /* owned */
    bool asked = false;
    if (ascii_key(email, &k))
        for (size_t i = 0; i < ir->npf && !asked; i++)
            asked = strcmp(ir->pf[i].key, k.s) == 0;
    if (asked && !ir->pf_valid && prefetch_ask(st, err) != KZ_OK) {
        *failed = true;
        asked = false;
    }
    for (size_t i = 0; asked && i < ir->npf; i++)
        if (strcmp(ir->pf[i].key, k.s) == 0) {
            *id = ir->pf[i].id;
            break;
        }
    kz_buf_free(&k);
    return asked;
}

kz_status kz_import_sync(kz_store *st, kz_err *err)
{
    struct kz_import_rows *ir = &st->imp;
    if (ir->quiet) {
        ir->quiet = false;
        return KZ_OK;
    }
    ir->next_id = 0; /* the statement may add leads */
    ir->pf_valid = false; /* ... or change them, or send those kept */
    if (!ir->row && !ir->n)
        return KZ_OK;
    kz_status ks = KZ_OK;
    if (ir->row) {
        /* the row writes: the rows before it, its savepoint, its own */
        ir->row = false;
        if ((ks = send_rows(st, ir->mark, err)) != KZ_OK)
            return ks;
        int rc = st->conn->ops->exec(st->conn, "SAVEPOINT kz_row");
        if (rc != KZ_DB_OK)
            return kz_db_error(st, rc, _("updating the database"), err);
        st->row_open = true;
    }
    ks = send_rows(st, NULL, err);
    keys_cut(ir, 0);
    ir->n = 0;
    return ks;
}

void kz_import_forget(kz_store *st)
{
    struct kz_import_rows *ir = &st->imp;
    for (int t = 0; t < 3; t++)
        if (ir->rows[t])
            st->conn->ops->copy_cut(ir->rows[t], 0);
    keys_cut(ir, 0);
    ir->n = 0;
    ir->next_id = 0;
    ir->row = false;
    ir->quiet = false;
    ir->pf_valid = false;
}

bool kz_import_row_begin(kz_store *st)
{
    struct kz_import_rows *ir = &st->imp;
    if (!ir->on)
        return false;
    ir->row = true;
    for (int t = 0; t < 3; t++)
        ir->mark[t] = ir->rows[t] ? st->conn->ops->copy_size(ir->rows[t]) : 0;
    ir->mark_n = ir->n;
    ir->mark_nkeys = ir->nkeys;
    ir->mark_id = ir->next_id;
    ir->mark_exact = ir->keys_exact;
    return true;
}

bool kz_import_row_end(kz_store *st, bool keep)
{
    struct kz_import_rows *ir = &st->imp;
    if (!ir->row)
        return false;
    ir->row = false;
    if (!keep) {
        for (int t = 0; t < 3; t++)
            if (ir->rows[t])
                st->conn->ops->copy_cut(ir->rows[t], ir->mark[t]);
        ir->n = ir->mark_n;
        keys_cut(ir, ir->mark_nkeys);
        ir->next_id = ir->mark_id;
        ir->keys_exact = ir->mark_exact;
    }
    return true;
}

/* The statement keeping rows of table t, opened at its first use. */
static kz_dbstmt *rows_of(kz_store *st, int t, kz_err *err)
{
    struct kz_import_rows *ir = &st->imp;
    if (ir->rows[t])
        return ir->rows[t];
    kz_buf sql = KZ_BUF_INIT; /* owned */
    int ncols;
    if (t == ROW_LEADS) {
        /* the fields in their parameter order (bind_field), then the
         * account columns, then the id */
        kz_buf_printf(&sql, "COPY leads (%s, " KZ_ACCOUNT_COLS ", id) FROM STDIN",
                      st->lead_cols);
        ncols = KZ_F__COUNT + 2;
    } else {
        kz_buf_puts(&sql, copy_sql[t]);
        ncols = t == ROW_CUSTOM ? 3 : 2 + KZ_TEXT_KEYS;
    }
    int rc = st->conn->ops->copy_open(st->conn, kz_buf_str(&sql), ncols, &ir->rows[t]);
    kz_buf_free(&sql);
    if (rc != KZ_DB_OK) {
        kz_db_error(st, rc, _("preparing the import"), err);
        return NULL;
    }
    return ir->rows[t];
}

kz_status kz_import_keep_row(kz_store *st, int table, kz_dbstmt **out, kz_err *err)
{
    *out = rows_of(st, table, err);
    return *out ? KZ_OK : FAIL_STMT(err);
}

kz_status kz_import_next_id(kz_store *st, int64_t *id, kz_err *err)
{
    struct kz_import_rows *ir = &st->imp;
    if (!ir->next_id) {
        /* (nothing is kept: every other statement sent it) */
        ir->quiet = true;
        kz_dbstmt *s = kz_stmt(st, "SELECT coalesce(max(id), 0) + 1 FROM leads", err);
        ir->quiet = false;
        if (!s)
            return FAIL_STMT(err);
        int rc = kz_step(s);
        if (rc == KZ_DB_ROW) {
            ir->next_id = kz_col_i64(s, 0);
            rc = KZ_DB_DONE;
        }
        kz_reset(s);
        if (rc != KZ_DB_DONE)
            return kz_db_error(st, rc, _("adding an imported lead"), err);
    }
    *id = ir->next_id++;
    return KZ_OK;
}

void kz_import_kept(kz_store *st, const kz_lead *lead)
{
    struct kz_import_rows *ir = &st->imp;
    if (ir->n++ == 0)
        ir->keys_exact = true;
    const char *email = kz_lead_text(lead, KZ_F_EMAIL);
    if (!email)
        return;
    kz_buf k = KZ_BUF_INIT; /* ownership passes to the key */
    if (!ascii_key(email, &k)) {
        if (k.len || *email)
            ir->keys_exact = false; /* folded by the database's locale */
        kz_buf_free(&k);
        return;
    }
    if (ir->nkeys == ir->keycap) {
        ir->keycap = ir->keycap ? 2 * ir->keycap : 256;
        ir->keys = kz_xrealloc(ir->keys, ir->keycap * sizeof *ir->keys);
    }
    ir->keys[ir->nkeys].key = kz_buf_take(&k);
    ir->keys[ir->nkeys].id = kz_lead_num(lead, KZ_F_ID);
    ir->nkeys++;
    if (ir->nslots < 2 * ir->nkeys + 16) {
        keys_index(ir);
    } else {
        size_t h = key_hash(ir->keys[ir->nkeys - 1].key) % ir->nslots;
        while (ir->slots[h])
            h = (h + 1) % ir->nslots;
        ir->slots[h] = ir->nkeys;
    }
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
    /* when it was last touched the file does not say: its creation is the
     * last touch known, and the activities imported for it move it on to
     * the latest of them (the import's own time would hide them all) */
    if (!kz_lead_has(lead, KZ_F_TOUCHED))
        kz_lead_set_num(lead, KZ_F_TOUCHED, kz_lead_num(lead, KZ_F_CREATED));
    if (!kz_lead_has(lead, KZ_F_STAGE_ENTERED))
        kz_lead_set_num(lead, KZ_F_STAGE_ENTERED, now);
    kz_lead_set_num(lead, KZ_F_IMPORT_ID, import_id);
    /* a lead that must hold its e-mail is kept for the batch's bulk rows
     * (which write email_shared as 0: the unique index refuses a second
     * holder); one that may share it is written at once, which sends the
     * kept ones first, so its e-mail is compared with theirs too */
    kz_status ks;
    if (st->imp.on && holds_email) {
        ks = kz_import_keep_lead(st, lead, err);
    } else {
        st->email_claim = holds_email;
        ks = kz_insert_lead_row(st, lead, err);
        st->email_claim = false;
    }
    if (ks != KZ_OK && ks != KZ_EINVAL)
        kz_err_prefix(err, _("adding an imported lead"));
    /* no event per lead: its history shows the import from import_id and
     * the imports row (kz_store_events), and the run logs one event */
    return ks;
}
