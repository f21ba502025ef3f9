/* accounts.c - the leads of one company (account.h) and company aliases. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/account.h"
#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "store/internal.h"

/* kz_company_key(company) as an SQL function: NULL when empty. */
void kz_bind_account_cols(kz_dbstmt *s, int i, const kz_lead *l)
{
    kz_buf key = KZ_BUF_INIT, dom = KZ_BUF_INIT; /* owned */
    kz_company_key(kz_lead_text(l, KZ_F_COMPANY), &key);
    kz_email_company_domain(kz_lead_text(l, KZ_F_EMAIL), &dom);
    if (key.len)
        kz_bind_textn(s, i, kz_buf_str(&key), key.len);
    else
        kz_bind_null(s, i);
    if (dom.len)
        kz_bind_textn(s, i + 1, kz_buf_str(&dom), dom.len);
    else
        kz_bind_null(s, i + 1);
    kz_buf_free(&key);
    kz_buf_free(&dom);
}

/* Reads by the indexes on company_key and email_domain (schema.sql): a
 * lead's key counts through its alias when it has one, as itself when not. */
kz_status kz_store_company_leads(kz_store *st, const char *key, const char *const *domains,
                                 size_t nd, kz_lead_fn fn, void *ud, kz_err *err)
{
    kz_buf sql = KZ_BUF_INIT;
    /* (the leads by key and those by domain each by its own index, joined
     * by UNION: PostgreSQL reads every lead for a key IN (subquery) OR a
     * domain IN (...)) */
    kz_buf_printf(&sql,
                  "SELECT id, %s, " KZ_ROLES_COL " FROM leads WHERE id IN (SELECT id FROM leads "
                  "WHERE company_key IN "
                  "(SELECT alias FROM company_aliases WHERE company = ?1 UNION ALL "
                  "SELECT ?1 WHERE ?1 <> '' AND NOT EXISTS "
                  "(SELECT 1 FROM company_aliases WHERE alias = ?1))",
                  st->lead_cols);
    if (nd) {
        kz_buf_puts(&sql, " UNION SELECT id FROM leads WHERE email_domain IN (");
        for (size_t i = 0; i < nd; i++)
            kz_buf_printf(&sql, "%s?%zu", i ? ", " : "", i + 2);
        kz_buf_puts(&sql, ")");
    }
    kz_buf_puts(&sql, ") ORDER BY id");
    kz_dbstmt *s = kz_stmt(st, kz_buf_str(&sql), err);
    kz_buf_free(&sql);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, key ? key : "");
    for (size_t i = 0; i < nd; i++)
        kz_bind_text(s, (int)i + 2, domains[i]);
    return kz_stream_leads(st, s, fn, ud, _("reading an account's leads"), err);
}

kz_status kz_store_import_leads(kz_store *st, int64_t import_id, kz_lead_fn fn, void *ud,
                                kz_err *err)
{
    kz_buf sql = KZ_BUF_INIT;
    kz_buf_printf(&sql, "SELECT id, %s, " KZ_ROLES_COL " FROM leads WHERE import_id = ? ORDER BY id",
                  st->lead_cols);
    kz_dbstmt *s = kz_stmt(st, kz_buf_str(&sql), err);
    kz_buf_free(&sql);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, import_id);
    return kz_stream_leads(st, s, fn, ud, _("reading an import's leads"), err);
}

kz_status kz_store_company_alias_get(kz_store *st, const char *alias, char **out, kz_err *err)
{
    *out = NULL;
    kz_dbstmt *s = kz_stmt(st, "SELECT company FROM company_aliases WHERE alias = ?", err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, alias);
    int rc = kz_step(s);
    if (rc == KZ_DB_ROW)
        *out = kz_xstrdup(kz_col_str(s, 0));
    kz_reset(s);
    if (rc != KZ_DB_ROW && rc != KZ_DB_DONE)
        return kz_db_error(st, rc, _("reading company aliases"), err);
    return KZ_OK;
}

kz_status kz_store_company_alias_set(kz_store *st, const char *alias, const char *company,
                                     kz_err *err)
{
    kz_status ks = kz_store_begin(st, err);
    if (ks != KZ_OK)
        return ks;
    kz_dbstmt *s = company ? kz_stmt(st,
                                        "INSERT INTO company_aliases (alias, company) VALUES (?, ?) "
                                        "ON CONFLICT (alias) DO UPDATE SET company = excluded.company",
                                        err)
                              : kz_stmt(st, "DELETE FROM company_aliases WHERE alias = ?", err);
    if (!s) {
        kz_store_rollback(st);
        return FAIL_STMT(err);
    }
    kz_bind_text(s, 1, alias);
    if (company)
        kz_bind_text(s, 2, company);
    int rc = kz_step(s);
    kz_reset(s);
    if (rc != KZ_DB_DONE) {
        kz_store_rollback(st);
        return kz_db_error(st, rc, _("saving a company alias"), err);
    }
    return kz_store_commit(st, err);
}
