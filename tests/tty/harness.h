/* harness.h - drives the real kariz binary in a pseudo-terminal and reads
 * its screen through libvterm, for terminal tests (tests/tty/test_*.c).
 *
 * Tests synchronise on screen content (kt_wait_for), never on time. The
 * only clock is an overall hang guard (KT_DEADLINE_SECONDS per wait); when
 * it runs out the test fails and the screen is printed. */
#ifndef KARIZ_TTY_HARNESS_H
#define KARIZ_TTY_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#define KT_DEADLINE_SECONDS 20

typedef struct kt_term kt_term;

/* A fresh temporary directory for the test (database, config); removed by
 * kt_cleanup. The string is static. Also points XDG_CONFIG_HOME and HOME at
 * it so a developer's own key bindings never leak into a test. */
const char *kt_tmpdir(void);
void kt_cleanup(void);
/* tmpdir + "/" + name, in a static rotating buffer. */
const char *kt_path(const char *name);
/* The binary under test: $KARIZ (the test fails when unset). */
const char *kt_kariz(void);
/* Runs argv to completion without a terminal (setup with the CLI); fails
 * the test unless it exits 0. */
void kt_run(const char *const argv[]);

/* The database a test calls name ("t.db"): kt_path(name) on SQLite; with
 * $KARIZ_TEST_PG_ENV set (the pg.tty.* copies of the tests) the conninfo of
 * a fresh PostgreSQL database on the test cluster, the same one for the
 * same name until kt_cleanup, dropped when the test program exits. Static
 * rotating buffer, as kt_path. */
const char *kt_db(const char *name);
/* Whether the databases are PostgreSQL ones ($KARIZ_TEST_PG_ENV is set). */
bool kt_on_pg(void);
/* For a test program whose point is the SQLite file (its directory, its
 * -wal, its locks): on PostgreSQL prints "SKIPPED on PostgreSQL: reason"
 * and exits 77 (ctest's SKIP_RETURN_CODE); call it first in main. */
void kt_sqlite_only(const char *reason);
/* The same for one test of a program: skips it (cmocka's skip()). */
void kt_skip_on_pg(const char *reason);

/* Runs `$KARIZ --db DB ARGS...` (NULL-terminated) like kt_run. */
void kt_kariz_run(const char *db, ...);
/* The first column of the first row of query on the database db (a path
 * or a conninfo, as kt_db gives), read with the sqlite3 library or libpq
 * ("" for no row or NULL; on PostgreSQL booleans read t and f); static
 * buffer valid until the next call. Fails the test on an SQL error. */
const char *kt_sql(const char *db, const char *query);
/* A query whose answer is one number (a count). */
long long kt_sql_number(const char *db, const char *query);

/* Runs sql (statements without rows) on the database db; fails the test
 * on an error. */
void kt_sql_exec(const char *db, const char *sql);

/* Sets (value NULL: unsets) a variable in the environment of every
 * program kt_run and kt_start start from now on, after their own defaults:
 * kt_env("LANG", "fa_IR.UTF-8"), kt_env("KARIZ_BIDI", "kariz"). */
void kt_env(const char *name, const char *value);
/* Forgets every kt_env. */
void kt_env_clear(void);
/* Fails the test, saying how to install it, unless the C library has the
 * locale (tests under the Persian locale: "fa_IR.UTF-8"). */
void kt_need_locale(const char *name);

/* Starts the board: `$KARIZ --db DB [EXTRA...]` (NULL-terminated). */
kt_term *kt_board(int rows, int cols, const char *db, ...);

/* Starts argv in a rows x cols pseudo-terminal with TERM=xterm-256color and
 * LANG=LC_ALL=C.UTF-8 (then what kt_env set). The returned handle is owned by the caller and
 * released by kt_finish or kt_kill. */
kt_term *kt_start(const char *const argv[], int rows, int cols);
/* Writes raw bytes (keys) to the program. */
void kt_send(kt_term *t, const char *keys);
void kt_sendn(kt_term *t, const char *keys, size_t n);
/* Reads the program's output until the screen contains text; fails the
 * test (printing the screen) when the hang guard expires or the program
 * exits first. */
void kt_wait_for(kt_term *t, const char *text);
/* Reads until the screen no longer contains text. */
void kt_wait_gone(kt_term *t, const char *text);
/* Waits until ok(t, arg) holds (a screen that is drawn in pieces: every
 * card of a column whole); `what` names it when the hang guard fails. */
void kt_wait_until(kt_term *t, bool (*ok)(kt_term *, void *), void *arg, const char *what);
/* Reads whatever output is pending without blocking. */
void kt_pump(kt_term *t);
bool kt_contains(kt_term *t, const char *text);
/* Finds text on screen: row and display column of its first character.
 * Returns false when absent. */
bool kt_find(kt_term *t, const char *text, int *row, int *col);
/* Row n of the screen as UTF-8 (a wide character appears once); static
 * buffer valid until the next call. */
const char *kt_screen_row(kt_term *t, int n);
/* The attributes at a cell (for colour/reverse checks). */
bool kt_cell_reverse(kt_term *t, int row, int col);
bool kt_cell_bold(kt_term *t, int row, int col);
/* True when the cell's foreground is not the default colour. */
bool kt_cell_coloured(kt_term *t, int row, int col);
/* The window title the program set with OSC 0/2 ("" when none). */
const char *kt_title(kt_term *t);
/* Changes the terminal size (TIOCSWINSZ, which signals the program) and the
 * emulated screen. */
void kt_resize(kt_term *t, int rows, int cols);
int kt_rows(kt_term *t);
int kt_cols(kt_term *t);
/* Sends a signal to the program. */
void kt_signal(kt_term *t, int sig);
/* Whether programs started from now on begin with SIGHUP blocked (the mask
 * survives exec): they never receive the hangup a closing terminal sends. */
void kt_block_sighup(bool on);
/* Closes the master side of the pseudo-terminal, as a terminal window or an
 * SSH connection going away, and waits for the program to exit (failing
 * the test when the hang guard expires first). Returns the raw wait
 * status. Frees t. */
int kt_hangup(kt_term *t);
/* Prints the screen to stderr, framed. */
void kt_dump(kt_term *t);
/* Sends quit_keys (e.g. "q"), reads until the program exits, and fails
 * the test unless it exited with status 0. Frees t. */
void kt_finish(kt_term *t, const char *quit_keys);
/* Waits for exit and returns the raw wait status. Frees t. */
int kt_wait_exit(kt_term *t);

#endif
