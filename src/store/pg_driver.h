/* pg_driver.h - private to src/store/: the PostgreSQL driver (libpq) behind
 * the interface of driver.h, and what only a PostgreSQL connection has:
 * its socket, LISTEN/NOTIFY, the SQLSTATE of a failure, reconnecting after
 * the server went away, and the authenticated role.
 *
 * SQL reaches it with `?` and `?N` parameters (1-based; a bare `?` takes
 * the number after the highest so far, as SQLite does), rewritten to $N
 * outside string literals ('...', E'...', $tag$...$tag$), quoted
 * identifiers and comments. A statement is prepared on the server once
 * (PQprepare, parameter types left to the server; a parameter the SQL
 * never names is text) and executed with its parameters as text; each
 * statement keeps its whole result, so several may be read at once while
 * others write. Columns are read as text: col_i64 parses it, and a
 * boolean reads 1 ("t") or 0 ("f"); col_count is that of the last result
 * (0 until the statement first ran). A statement is prepared again when its
 * session's statements are gone (a reconnect, DISCARD ALL) or a table it
 * reads changed its columns. A finalized statement stays prepared on the
 * server for the next prepare of the same SQL (the last 32 of them; the
 * others are deallocated before the next command outside a transaction),
 * so a statement prepared for one query costs no round trip after the
 * first. exec remembers the
 * session's settings (SET, not SET LOCAL; RESET forgets one) for a
 * reconnect. last_id is lastval(), 0 until an INSERT used a sequence. */
#ifndef KARIZ_STORE_PG_DRIVER_H
#define KARIZ_STORE_PG_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "driver.h"

/* Whether a --db value names PostgreSQL rather than an SQLite file: a URI
 * (postgresql://, postgres://) or a libpq keyword string, which starts with
 * a word and '=' (`service=sales`, `host=/run/pg dbname=sales`). A path
 * never does: `./a=b.db` has a '/' before its '='. */
bool kz_pg_is_target(const char *s);

/* Whether a --db value that is no PostgreSQL target looks like a mistyped
 * one rather than a file name: a URI of another scheme (`postgresq://`,
 * `POSTGRESQL://`), or `postgresql:` or `postgres:` without its "//"
 * (`postgresql:sales`, `postgresql//host/db`). kariz refuses it rather
 * than create an SQLite file by that name. */
bool kz_pg_near_target(const char *s);

/* libpq's message msg of a connection to conninfo that failed, as kariz
 * shows it: one line, any copy of the string's password that stands as a
 * word of its own hidden as *** (owned by the caller). */
char *kz_pg_connect_message(const char *conninfo, const char *msg);

/* Connects with a libpq connection string (URI or keywords; ~/.pgpass,
 * pg_service.conf and the PG* variables work as in libpq), in UTF-8, as
 * application "kariz" unless the string or $PGAPPNAME names another.
 * Returns KZ_DB_OK with *out set, or KZ_DB_CANTOPEN (no server there) or
 * KZ_DB_DENIED (authentication refused, no such role or database) with
 * *out NULL and *errmsg a malloc'd one-line message that never holds the
 * password. */
int kz_pg_connect(const char *conninfo, kz_dbconn **out, char **errmsg);

/* The connection's socket, to poll for notifications; -1 when there is
 * none, as once kz_pg_notices (or a failed command) found the connection
 * lost: kz_pg_reconnect then, after which the socket may be another. */
int kz_pg_socket(kz_dbconn *c);

/* Whether the connection was found lost: a command failed with
 * KZ_DB_GONE, or kz_pg_notices read the end the server or the network put
 * to it. kz_pg_reconnect then. */
bool kz_pg_gone(kz_dbconn *c);

/* LISTEN on a channel (re-issued by kz_pg_reconnect). KZ_DB_OK or the
 * failure's class. Inside a transaction it takes effect at the commit. */
int kz_pg_listen(kz_dbconn *c, const char *channel);
/* How many notifications other sessions sent on the channels listened to,
 * since the connection was opened, after reading what the server has sent
 * without waiting for more. A session's own notifications are not counted. */
int64_t kz_pg_notices(kz_dbconn *c);

/* The SQLSTATE of the last failure ("" when there was none). */
const char *kz_pg_sqlstate(kz_dbconn *c);

/* After KZ_DB_GONE: connects again with the same parameters. Statements
 * prepared before are prepared again on their next step; LISTENs and the
 * session settings made through exec are issued again. KZ_DB_OK, or KZ_DB_GONE while the server cannot be
 * reached (errmsg says why). */
int kz_pg_reconnect(kz_dbconn *c);

/* The role the server authenticated (session_user), malloc'd; NULL when
 * the query failed (errmsg says why). */
char *kz_pg_user(kz_dbconn *c);

/* The failure class (KZ_DB_*) of an SQLSTATE; KZ_DB_ERROR for NULL, "" or
 * one the driver has no class for. */
int kz_pg_class(const char *sqlstate);

/* SQL with `?`/`?N` parameters rewritten to $N, malloc'd; *nparams is the
 * highest parameter number. NULL with *errmsg malloc'd when a parameter
 * number is out of range (1 to 65535). */
char *kz_pg_rewrite(const char *sql, int *nparams, char **errmsg);

#endif
