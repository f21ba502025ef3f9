/* copy.c - kz_store_copy: a whole pipeline from one database into another
 * (SQLite to PostgreSQL and back), every row with its id. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/i18n.h"
#include "store/internal.h"

/* The tables in an order their references allow, each with the columns
 * both schemas have (email_key is computed; lead_text is rebuilt through
 * the target's search index; presence is who has a board open now, which
 * does not move). */
static const struct table {
    const char *name;
    const char *cols; /* NULL: the lead columns */
    const char *order;
    const char *where;
} tables[] = {
    {"stages", "name, label, position, probability, stale_days, kind, retired", "position, name",
     NULL},
    {"imports",
     "id, source, fingerprint, actor, started, finished, rows_done, created, updated, skipped, "
     "rejected",
     "id", NULL},
    {"leads", NULL, "id", NULL},
    {"custom_fields", "lead_id, name, value", "lead_id, name", NULL},
    {"stakeholders", "id, lead_id, name, role, email, phone, note, title, created, updated", "id",
     NULL},
    {"activities", "id, lead_id, at, kind, channel, outcome, author, note, stakeholder_id", "id",
     NULL},
    {"company_aliases", "alias, company", "alias", NULL},
    {"events", "id, lead_id, at, version, actor, kind, field, old_value, new_value, detail", "id",
     NULL},
    {"triage", "id, lead_id, actor, at, decision, grade", "id", NULL},
    {"meta", "key, value", "key",
     "key NOT IN ('schema_version', 'search_form', 'name_locale', 'name_collator')"},
    {"stage_totals", "stage, owner, n, value, ovr_value, ovr_weighted", "stage, owner", NULL},
};

/* Whether the target holds anything a copy would mix with. */
static kz_status target_empty(kz_store *to, bool *empty, kz_err *err)
{
    kz_dbstmt *s = kz_stmt(to,
                           "SELECT (SELECT count(*) FROM leads) + (SELECT count(*) FROM events) + "
                           "(SELECT count(*) FROM imports)",
                           err);
    if (!s)
        return FAIL_STMT(err);
    int rc = kz_step(s);
    *empty = rc == KZ_DB_ROW && kz_col_i64(s, 0) == 0;
    kz_reset(s);
    return rc == KZ_DB_ROW ? KZ_OK : kz_db_error(to, rc, _("reading the target database"), err);
}

static kz_status copy_table(kz_store *from, kz_store *to, const struct table *t, int64_t *rows,
                            kz_err *err)
{
    char cols[1400];
    if (t->cols)
        snprintf(cols, sizeof cols, "%s", t->cols);
    else
        snprintf(cols, sizeof cols, "id, %s, " KZ_ACCOUNT_COLS ", email_shared", from->lead_cols);
    int ncols = 1;
    for (const char *p = cols; *p; p++)
        ncols += *p == ',';
    kz_buf sel = KZ_BUF_INIT, ins = KZ_BUF_INIT; /* owned */
    kz_buf_printf(&sel, "SELECT %s FROM %s%s%s ORDER BY %s", cols, t->name,
                  t->where ? " WHERE " : "", t->where ? t->where : "", t->order);
    /* the target computes the names' keys where it stores them (SQLite:
     * in its own name locale, which the copy keeps, as it keeps its own
     * schema version) */
    bool keyed = !t->cols && to->name_keyed;
    kz_buf_printf(&ins, "INSERT INTO %s (%s%s) VALUES (?1", t->name, cols,
                  keyed ? ", name_key" : "");
    for (int i = 2; i <= ncols; i++)
        kz_buf_printf(&ins, ", ?%d", i);
    if (keyed)
        kz_buf_printf(&ins, ", kz_name_key(?%d)", KZ_F_NAME + 1); /* (after id) */
    kz_buf_putc(&ins, ')');
    if (strcmp(t->name, "stages") == 0) /* (the target may know the rules' stages) */
        kz_buf_puts(&ins, " ON CONFLICT (name) DO UPDATE SET label = excluded.label, "
                          "position = excluded.position, probability = excluded.probability, "
                          "stale_days = excluded.stale_days, kind = excluded.kind, "
                          "retired = excluded.retired");
    kz_status ks = KZ_OK;
    kz_dbstmt *r = kz_stmt(from, kz_buf_str(&sel), err);
    kz_dbstmt *w = r ? kz_stmt(to, kz_buf_str(&ins), err) : NULL;
    kz_buf what = KZ_BUF_INIT; /* owned */
    kz_buf_printf(&what, _("copying %s"), t->name);
    if (!r || !w) {
        ks = FAIL_STMT(err);
        goto out;
    }
    int rc;
    while ((rc = kz_step(r)) == KZ_DB_ROW) {
        for (int i = 0; i < ncols; i++) {
            size_t n = 0;
            const char *v = kz_col_strn(r, i, &n);
            if (v)
                kz_bind_textn(w, i + 1, v, n);
            else
                kz_bind_null(w, i + 1);
        }
        if ((ks = kz_step_done(to, w, kz_buf_str(&what), err)) != KZ_OK)
            break;
        (*rows)++;
    }
    kz_reset(r);
    if (ks == KZ_OK && rc != KZ_DB_DONE)
        ks = kz_db_error(from, rc, kz_buf_str(&what), err);
out:
    kz_buf_free(&what);
    kz_buf_free(&sel);
    kz_buf_free(&ins);
    return ks;
}

/* lead_text, through the target's own search index (each backend keeps
 * the text in its own form). */
static kz_status copy_search(kz_store *from, kz_store *to, kz_err *err)
{
    kz_dbstmt *r = kz_stmt(from, "SELECT id, doc FROM lead_text ORDER BY id", err);
    if (!r)
        return FAIL_STMT(err);
    kz_status ks = KZ_OK;
    int rc;
    while ((rc = kz_step(r)) == KZ_DB_ROW) {
        const char *doc = kz_col_str(r, 1);
        if ((ks = kz_search_set(to, kz_col_i64(r, 0), NULL, doc ? doc : "", err)) != KZ_OK)
            break;
    }
    kz_reset(r);
    if (ks == KZ_OK && rc != KZ_DB_DONE)
        ks = kz_db_error(from, rc, _("copying the search text"), err);
    return ks;
}

kz_status kz_store_copy(kz_store *from, kz_store *to, int64_t *rows, kz_err *err)
{
    *rows = 0;
    bool empty = false;
    kz_status ks = target_empty(to, &empty, err);
    if (ks != KZ_OK)
        return ks;
    if (!empty)
        return kz_err_set(err, KZ_EINVAL,
                          _("%s already holds leads, events or imports: a copy goes into a new, "
                            "empty database; nothing was copied"),
                          to->where);
    if ((ks = kz_store_begin_read(from, err)) != KZ_OK)
        return ks;
    if ((ks = kz_store_begin(to, err)) != KZ_OK) {
        kz_store_rollback(from);
        return ks;
    }
    if (to->be->before_copy)
        ks = to->be->before_copy(to, err);
    for (size_t i = 0; i < sizeof tables / sizeof tables[0] && ks == KZ_OK; i++)
        ks = copy_table(from, to, &tables[i], rows, err);
    if (ks == KZ_OK)
        ks = copy_search(from, to, err);
    if (ks == KZ_OK && to->be->after_copy)
        ks = to->be->after_copy(to, err);
    kz_store_rollback(from); /* (a read: nothing to keep) */
    if (ks == KZ_OK)
        ks = kz_store_commit(to, err);
    if (ks != KZ_OK) {
        kz_store_rollback(to);
        *rows = 0;
    }
    return ks;
}
