/* testdb.h - the database a C test (unit or terminal) works on, on SQLite
 * or on the throwaway PostgreSQL cluster of tests/pg/cluster.
 *
 * PostgreSQL mode is on when $KARIZ_TEST_PG_ENV names the env file the
 * cluster wrote (ctest's pg.* tests set it); the file's KARIZ_TEST_PG is
 * the conninfo of the cluster's maintenance database. */
#ifndef KARIZ_TESTS_PG_TESTDB_H
#define KARIZ_TESTS_PG_TESTDB_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the tests run on PostgreSQL ($KARIZ_TEST_PG_ENV is set). */
bool kz_testdb_pg(void);

/* The database a test calls name, written to out: on SQLite the path
 * dir/name; on PostgreSQL the conninfo of a database created empty for it
 * (kz_PID_RANDOM), the same one again for the same dir and name. Every
 * database created is dropped when the process exits. Returns false with
 * the reason in err when the database cannot be created. */
bool kz_testdb_name(const char *dir, const char *name, char *out, size_t outsz, char *err,
                    size_t errsz);

/* The first column of the first row of query on db (a path or a
 * conninfo), as text: "" for no row or NULL; on PostgreSQL booleans read
 * t and f. Returns false with the reason in err on an error. */
bool kz_testdb_query(const char *db, const char *query, char *out, size_t outsz, char *err,
                     size_t errsz);

/* Runs sql (one or more statements, no rows wanted) on db. */
bool kz_testdb_exec(const char *db, const char *sql, char *err, size_t errsz);

#endif
