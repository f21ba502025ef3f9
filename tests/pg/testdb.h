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

/* Whether the tests run through a connection pooler: the env file is the
 * one tests/pg/pooler wrote (it names the cluster behind it,
 * KARIZ_TEST_PG_DIRECT). */
bool kz_testdb_pooled(void);

/* For a test program whose point is SQLite's file: on PostgreSQL prints
 * "SKIPPED on PostgreSQL: reason" and exits 77 (ctest's SKIP_RETURN_CODE).
 * Call it first in main. */
void kz_testdb_sqlite_only(const char *reason);

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

/* For cmocka tests (after cmocka.h and stdio.h): the same, failing the
 * test with the reason; out is an array. */
#define KZ_TESTDB_NAME(dir, name, out)                                                        \
    do {                                                                                      \
        char kz_tdb_err_[1024];                                                               \
        if (!kz_testdb_name((dir), (name), (out), sizeof(out), kz_tdb_err_, sizeof kz_tdb_err_)) \
            fail_msg("%s", kz_tdb_err_);                                                      \
    } while (0)
#define KZ_TESTDB_EXEC(db, sql)                                                               \
    do {                                                                                      \
        char kz_tdb_err_[1024];                                                               \
        if (!kz_testdb_exec((db), (sql), kz_tdb_err_, sizeof kz_tdb_err_))                    \
            fail_msg("%s", kz_tdb_err_);                                                      \
    } while (0)
/* Skips the test on PostgreSQL, saying why: its point is SQLite's file
 * (its header, its format, its full-text tables, its allocator). */
#define KZ_TESTDB_SQLITE_ONLY(reason)                                                         \
    do {                                                                                      \
        if (kz_testdb_pg()) {                                                                 \
            fprintf(stderr, "SKIPPED on PostgreSQL: %s\n", (reason));                         \
            skip();                                                                           \
        }                                                                                     \
    } while (0)

#endif
