/* ids.c (store) - lead ids by range, for completion. */
#include "kariz/i18n.h"
#include "store/internal.h"

kz_status kz_store_lead_ids(kz_store *st, int64_t lo, int64_t hi, bool newest_first,
                            size_t limit, int64_t *out, size_t *n, kz_err *err)
{
    *n = 0;
    kz_dbstmt *s = kz_stmt(st,
                              newest_first
                                  ? "SELECT id FROM leads WHERE id BETWEEN ?1 AND ?2 "
                                    "ORDER BY id DESC LIMIT ?3"
                                  : "SELECT id FROM leads WHERE id BETWEEN ?1 AND ?2 "
                                    "ORDER BY id LIMIT ?3",
                              err);
    if (!s)
        return FAIL_STMT(err);
    kz_bind_i64(s, 1, lo);
    kz_bind_i64(s, 2, hi);
    kz_bind_i64(s, 3, (int64_t)limit);
    int rc;
    while ((rc = kz_step(s)) == KZ_DB_ROW && *n < limit)
        out[(*n)++] = kz_col_i64(s, 0);
    kz_reset(s);
    if (rc != KZ_DB_DONE && rc != KZ_DB_ROW)
        return kz_db_error(st, rc, _("listing lead ids"), err);
    return KZ_OK;
}
