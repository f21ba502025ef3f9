#!/usr/bin/env bash
# Another program holds the database's write lock for a long time: kariz
# waits a bounded time, names who holds it, and changes nothing.
. "$(dirname "$0")/lib.sh"
sqlite_only "another program holds SQLite's write lock on the file (BEGIN EXCLUSIVE)"
run k add "Ava Smith" --company Acme; expect_rc 0
dbq 'UPDATE leads SET score_due = 0'  # its score is due: showing it would write

# hold SQL...: another program (python3) runs the statements and keeps
# the lock they took until release rolls them back.
hold() {
    coproc HOLDER { python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
for sql in sys.argv[2:]:
    c.execute(sql)
print("locked", flush=True)
sys.stdin.readline()
c.execute("ROLLBACK")
print("released", flush=True)
' "$DB" "$@"; }
    read -r -t 30 state <&"${HOLDER[0]}"
    expect_eq "$state" locked
}
release() {
    echo >&"${HOLDER[1]}"
    read -r -t 30 state <&"${HOLDER[0]}"
    expect_eq "$state" released
    wait "$HOLDER_PID"
}

hold "BEGIN EXCLUSIVE" "INSERT INTO meta (key, value) VALUES ('held', 'yes')"

t "a bounded wait, then who holds it"
KARIZ_BUSY_TIMEOUT=300 run k set 1 title=CTO
expect_rc 5
has_err "stayed locked by python3 (pid "
has_err "for 300 ms; nothing was changed, try again"
t "readers are not blocked"
KARIZ_BUSY_TIMEOUT=300 run k show 1; expect_rc 0; has_out "Ava Smith"
has_err "kariz: scores due for recomputing were left as stored: starting a change: the database"
has_err "stayed locked by python3"
expect_eq "$(dbq 'SELECT score_due FROM leads WHERE id = 1')" 0

t "after the lock is released, the retry works"
release
run k set 1 title=CTO; expect_rc 0
expect_eq "$(dbq 'SELECT title FROM leads WHERE id = 1')" CTO
expect_eq "$(dbq "SELECT count(*) FROM meta WHERE key = 'held'")" 0


t "a database still in rollback-journal mode, write-locked by another program: read as usual, switched to WAL later"
# (made by the sqlite3 shell, or copied: SQLite fails the switch to WAL at
# once while another process holds the write lock; kariz reads on in the
# file's mode, as in WAL, and the next open switches it)
expect_eq "$(sqlite3 "$DB" 'PRAGMA journal_mode = DELETE')" delete
dbq 'UPDATE leads SET score_due = 0'
hold "BEGIN IMMEDIATE"
KARIZ_BUSY_TIMEOUT=300 run k show 1; expect_rc 0; has_out "Ava Smith"
# open for writing, as on a WAL database: only the scores' write waited
has_err "kariz: scores due for recomputing were left as stored: starting a change: the database"
has_err "stayed locked by python3"
expect_eq "$(sqlite3 "$DB" 'PRAGMA journal_mode')" delete
release
run k show 1; expect_rc 0; has_out "Ava Smith"
expect_eq "$(sqlite3 "$DB" 'PRAGMA journal_mode')" wal
expect_eq "$(dbq 'SELECT score_due IS NOT 0 FROM leads WHERE id = 1')" 1 "the scores written"

finish
