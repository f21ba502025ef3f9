#!/usr/bin/env bash
# A database in a directory the user cannot write (WAL mode needs the -shm
# file beside it): reads work, whether or not someone else has it open;
# writes fail with a clear message. Run as a user without write access:
# "nobody" (through runuser) when the tests run as root, since root bypasses
# permissions; the invoking user otherwise.
. "$(dirname "$0")/lib.sh"
sqlite_only "a database file in a directory the user cannot write (WAL's -shm file)"

chmod 755 "$T"
RO=$T/ro
mkdir "$RO"
DB=$RO/team.db
k add "Ada Lovelace" --company "Analytical Engines" >/dev/null 2>&1
k add "Grace Hopper" --company "US Navy" >/dev/null 2>&1
dbq "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
[ ! -e "$DB-shm" ] && ok || bad "the last close left $DB-shm"
chmod 644 "$DB"
if [ "$(id -u)" = 0 ]; then
    if ! command -v runuser >/dev/null; then
        echo "SKIPPED: running as root without runuser: no way to test without write access" >&2
        finish
        exit 0
    fi
    as() { runuser -u nobody -- env HOME="$T" "$@"; }
else
    chmod 555 "$RO"
    as() { "$@"; }
fi
ro() { as "$KARIZ" --db "$DB" "$@"; }

t "nobody has it open: reads work from the file as it stands"
run ro list
expect_rc 0; has_out "Ada Lovelace"; has_out "Grace Hopper"
run ro show 1
expect_rc 0; has_out "Analytical Engines"
run ro export
expect_rc 0; has_out "Grace Hopper"
run ro report funnel
expect_rc 0
run ro score 1 --explain
expect_rc 0
run ro history 1
expect_rc 0; has_out "Ada Lovelace"
cp "$KARIZ_SOURCE/rules.yaml" "$T/same-rules.yaml"; chmod 644 "$T/same-rules.yaml"
run ro rules diff "$T/same-rules.yaml"
expect_rc 0; has_out "no change"
run ro --read-only list
expect_rc 0; has_out "Ada Lovelace"
[ ! -e "$DB-shm" ] && [ ! -e "$DB-wal" ] && ok || bad "a read created files beside the database"

t "writes fail with a clear message"
run ro note 1 "hello"
expect_rc 1; has_err "the database $DB is read-only for you"
run ro add "Someone"
expect_rc 1; has_err "read-only for you"
expect_eq "$(dbq "SELECT count(*) FROM leads; SELECT count(*) FROM activities")" "2
0"

t "someone has it open: reads go through the existing -shm and see the latest"
coproc HOLDER { python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA wal_autocheckpoint = 0")
c.execute("UPDATE leads SET company = ? WHERE id = 2", ("Navy Yard",))
print("ready", flush=True)
sys.stdin.read()
c.close()' "$DB"; }
read -r ready <&"${HOLDER[0]}"
expect_eq "$ready" ready
[ -e "$DB-shm" ] && ok || bad "no -shm while someone has it open"
run ro list
expect_rc 0; has_out "Navy Yard"
exec {HOLDER[1]}>&-
wait "$HOLDER_PID"

t "a -wal holding changes without its -shm is refused with the reason"
RO2=$T/ro2
mkdir "$RO2"
python3 -c '
import sqlite3, shutil, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA wal_autocheckpoint = 0")
c.execute("UPDATE leads SET company = ? WHERE id = 1", ("Unfolded",))
shutil.copy(sys.argv[1], sys.argv[2] + "/team.db")
shutil.copy(sys.argv[1] + "-wal", sys.argv[2] + "/team.db-wal")
c.close()' "$DB" "$RO2"
chmod 644 "$RO2/team.db" "$RO2/team.db-wal"
[ "$(id -u)" = 0 ] || chmod 555 "$RO2"
run as "$KARIZ" --db "$RO2/team.db" list
expect_rc 1
has_err "its -wal file holds changes not yet in the database"
lacks_err "not an error"

t "a database the account may not reach or read is said so, not called missing"
SHUT=$T/shut
mkdir "$SHUT"
cp "$RO2/team.db" "$SHUT/team.db"
chmod 700 "$SHUT"
[ "$(id -u)" = 0 ] || chmod 000 "$SHUT"
run as "$KARIZ" --db "$SHUT/team.db" list
expect_rc 1
has_err "cannot reach $SHUT/team.db: a directory on its path is closed to your account (permission denied)"
lacks_err "no database at"
run as "$KARIZ" copy "$SHUT/team.db" "$T/copied.db"
expect_rc 1
has_err "cannot reach $SHUT/team.db: a directory on its path is closed to your account"
lacks_err "no kariz database"
[ ! -e "$T/copied.db" ] && ok || bad "a copy that could not read its source wrote $T/copied.db"
chmod 755 "$SHUT"
chmod 600 "$SHUT/team.db"
[ "$(id -u)" = 0 ] || chmod 000 "$SHUT/team.db"
run as "$KARIZ" --db "$SHUT/team.db" list
expect_rc 1
has_err "cannot read $SHUT/team.db: its owner, group and modes keep your account out (permission denied)"
run as "$KARIZ" copy "$SHUT/team.db" "$T/copied.db"
expect_rc 1
has_err "cannot read $SHUT/team.db: its owner, group and modes keep your account out"
chmod 644 "$SHUT/team.db"

[ "$(id -u)" = 0 ] || chmod 755 "$RO" "$RO2"
finish
