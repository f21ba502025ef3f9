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
static void company_key_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *v = sqlite3_value_text(argv[0]);
    kz_buf key = KZ_BUF_INIT;
    kz_company_key((const char *)v, &key);
    if (key.len)
        sqlite3_result_text(ctx, kz_buf_str(&key), (int)key.len, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
    kz_buf_free(&key);
}

/* kz_email_company_domain(email) as an SQL function: NULL when none. */
static void email_domain_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *v = sqlite3_value_text(argv[0]);
    kz_buf dom = KZ_BUF_INIT;
    if (kz_email_company_domain((const char *)v, &dom))
        sqlite3_result_text(ctx, kz_buf_str(&dom), (int)dom.len, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
    kz_buf_free(&dom);
}

kz_status kz_store_account_fns(kz_store *st, kz_err *err)
{
    if (st->company_fn)
        return KZ_OK;
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;
    int rc = sqlite3_create_function_v2(st->db, "kz_company_key", 1, flags, NULL, company_key_fn,
                                        NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(st->db, "kz_email_domain", 1, flags, NULL,
                                        email_domain_fn, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return kz_db_error(st, rc, _("preparing the account columns"), err);
    st->company_fn = true;
    return KZ_OK;
}

void kz_bind_account_cols(sqlite3_stmt *s, int i, const kz_lead *l)
{
    kz_buf key = KZ_BUF_INIT, dom = KZ_BUF_INIT; /* owned */
    kz_company_key(kz_lead_text(l, KZ_F_COMPANY), &key);
    kz_email_company_domain(kz_lead_text(l, KZ_F_EMAIL), &dom);
    if (key.len)
        sqlite3_bind_text(s, i, kz_buf_str(&key), (int)key.len, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
    if (dom.len)
        sqlite3_bind_text(s, i + 1, kz_buf_str(&dom), (int)dom.len, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i + 1);
    kz_buf_free(&key);
    kz_buf_free(&dom);
}

/* Reads by the indexes on company_key and email_domain (schema.sql): a
 * lead's key counts through its alias when it has one, as itself when not. */
kz_status kz_store_company_leads(kz_store *st, const char *key, const char *const *domains,
                                 size_t nd, kz_lead_fn fn, void *ud, kz_err *err)
{
    kz_buf sql = KZ_BUF_INIT;
    kz_buf_printf(&sql,
                  "SELECT id, %s, " KZ_ROLES_COL " FROM leads WHERE company_key IN "
                  "(SELECT alias FROM company_aliases WHERE company = ?1 UNION ALL "
                  "SELECT ?1 WHERE ?1 <> '' AND NOT EXISTS "
                  "(SELECT 1 FROM company_aliases WHERE alias = ?1))",
                  st->lead_cols);
    if (nd) {
        kz_buf_puts(&sql, " OR email_domain IN (");
        for (size_t i = 0; i < nd; i++)
            kz_buf_printf(&sql, "%s?%zu", i ? ", " : "", i + 2);
        kz_buf_puts(&sql, ")");
    }
    kz_buf_puts(&sql, " ORDER BY id");
    sqlite3_stmt *s = kz_stmt(st, kz_buf_str(&sql), err);
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
    sqlite3_stmt *s = kz_stmt(st, kz_buf_str(&sql), err);
    kz_buf_free(&sql);
    if (!s)
        return FAIL_STMT(err);
    sqlite3_bind_int64(s, 1, import_id);
    return kz_stream_leads(st, s, fn, ud, _("reading an import's leads"), err);
}

kz_status kz_store_company_alias_get(kz_store *st, const char *alias, char **out, kz_err *err)
{
    *out = NULL;
    sqlite3_stmt *s = kz_stmt(st, "SELECT company FROM company_aliases WHERE alias = ?", err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_text(s, 1, alias);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = kz_xstrdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return kz_db_error(st, rc, _("reading company aliases"), err);
    return KZ_OK;
}

kz_status kz_store_company_alias_set(kz_store *st, const char *alias, const char *company,
                                     kz_err *err)
{
    kz_status ks = kz_store_begin(st, err);
    if (ks != KZ_OK)
        return ks;
    sqlite3_stmt *s = company ? kz_stmt(st,
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
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        kz_store_rollback(st);
        return kz_db_error(st, rc, _("saving a company alias"), err);
    }
    return kz_store_commit(st, err);
}
