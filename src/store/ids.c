/* ids.c (store) - lead ids by range, for completion. */
#include "kariz/i18n.h"
#include "store/internal.h"

kz_status kz_store_lead_ids(kz_store *st, int64_t lo, int64_t hi, bool newest_first,
                            size_t limit, int64_t *out, size_t *n, kz_err *err)
{
    *n = 0;
    sqlite3_stmt *s = kz_stmt(st,
                              newest_first
                                  ? "SELECT id FROM leads WHERE id BETWEEN ?1 AND ?2 "
                                    "ORDER BY id DESC LIMIT ?3"
                                  : "SELECT id FROM leads WHERE id BETWEEN ?1 AND ?2 "
                                    "ORDER BY id LIMIT ?3",
                              err);
    if (!s)
        return FAIL_STMT(err);
    sqlite3_bind_int64(s, 1, lo);
    sqlite3_bind_int64(s, 2, hi);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)limit);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < limit)
        out[(*n)++] = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return kz_db_error(st, rc, _("listing lead ids"), err);
    return KZ_OK;
}
