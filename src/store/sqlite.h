/* sqlite.h - private to the SQLite backend (sqlite.c, migrate.c,
 * holders.c, faultvfs.c). */
#ifndef KARIZ_STORE_SQLITE_H
#define KARIZ_STORE_SQLITE_H

#include "kariz/buf.h"
#include "store/internal.h"

/* Appends "sqlite3 (pid 12, user bob), ..." for the processes holding
 * locks on the database or its -wal/-shm files (nothing when unknown). */
void kz_lock_holders(const char *db_path, kz_buf *out);
/* "kariz-fault" when $KARIZ_FAULT_WRITES asks for write failures (tests),
 * else NULL: the default file layer. */
const char *kz_fault_vfs(void);
/* Applies schema migrations from `from` to the current version (inside a
 * transaction opened by the caller). */
kz_status kz_migrate(kz_store *st, int from, kz_err *err);
/* Registers kz_company_key(company) and kz_email_domain(email), the same
 * functions as SQL functions, with which the migration to schema version 5
 * fills the account columns of the leads already stored. */
kz_status kz_sqlite_account_fns(kz_store *st, kz_err *err);
/* Records the user's collation locale as the database's name locale, with
 * its collator's version (meta name_locale, name_collator), and registers
 * kz_name_key(name) with it: schema version 8's keys (schema.sql), for a
 * new database and the migration to 8. */
kz_status kz_sqlite_name_locale_init(kz_store *st, kz_err *err);

/* The virtual machine steps of the statements the store has reset so far:
 * how much a query read, for tests of query plans. */
int64_t kz_sqlite_vm_steps(const kz_store *st);

/* The memory of SQLite's page cache in this process (false: SQLite's own,
 * from malloc), for tests. */
bool kz_sqlite_page_memory(void **addr, size_t *len);

#endif
