#!/usr/bin/env bash
# A connection lost while a change is committed: the server may have
# committed it before its answer was lost, or never seen the COMMIT. kariz
# asks the server which, so a saved note is reported saved (and never made
# twice by a user told it was lost), and an unsaved one is reported unsaved.
# A relay between kariz and the server (tests/pg/dropproxy.py) loses one
# COMMIT. Runs on PostgreSQL (pg.cli.test_pg_commit_lost).
. "$(dirname "$0")/lib.sh"
if on_sqlite; then
    printf 'SKIPPED on SQLite: this test is about a connection to a PostgreSQL server (it runs as pg.cli.test_pg_commit_lost)\n' >&2
    exit 77
fi
export KARIZ_NOW="2026-12-03 10:00"
run k init; expect_rc 0
run k add "Ava Smith" --company Acme; expect_rc 0; ava=$out

host=$(printf '%s\n' "$DB" | sed -n 's/.*host=\([^ ]*\).*/\1/p')
port=$(printf '%s\n' "$DB" | sed -n 's/.*port=\([0-9]*\).*/\1/p')
[ -n "$host" ] && [ -n "$port" ] || { printf 'no host and port in %s\n' "$DB" >&2; exit 1; }
relay_dir=$(mktemp -d /tmp/kzrelay.XXXXXX) # (a socket path must be short)
fired=$relay_dir/fired
relay_on= relay_pid=
stop_relay() {
    [ -n "$relay_on" ] || return 0
    eval "exec ${RELAY[1]}>&- ${RELAY[0]}<&-"
    wait "$relay_pid" 2>/dev/null || true
    relay_on=
    rm -f "$relay_dir"/.s.PGSQL.* "$fired"
}
trap 'stop_relay; rm -rf "$relay_dir"; lib_cleanup' EXIT
# start_relay MODE PATTERN: a relay that loses the first COMMIT of a
# transaction that ran a statement containing PATTERN
start_relay() {
    stop_relay
    coproc RELAY { exec "$PYTHON" "$KARIZ_SOURCE/tests/pg/dropproxy.py" "$relay_dir" "$port" \
        "$host" "$port" "$1" "$2" "$fired"; }
    relay_on=1 relay_pid=$RELAY_PID
    local line=
    read -r line <&"${RELAY[0]}" || true
    [ "$line" = ready ] || { printf 'the relay did not start\n' >&2; exit 1; }
}
via_relay() { "$KARIZ" --db "${DB/host=$host/host=$relay_dir}" --rules "$KARIZ_SOURCE/rules.yaml" "$@"; }
notes() { dbq "SELECT count(*) FROM activities WHERE lead_id = $ava AND note = '$1'"; }

t "the COMMIT reached the server and its answer was lost: saved, and said so"
start_relay after "INSERT INTO activities"
run via_relay note "$ava" "called about the renewal"
[ -e "$fired" ] && ok || bad "the relay did not lose a COMMIT"
expect_rc 0
lacks_err "unreachable"
expect_eq "$(notes "called about the renewal")" 1 "the note, once"

t "the COMMIT never reached the server: not saved, and said so"
start_relay before "INSERT INTO activities"
run via_relay note "$ava" "left a voicemail"
[ -e "$fired" ] && ok || bad "the relay did not lose a COMMIT"
[ "$rc" != 0 ] && ok || bad "a lost save was reported saved"
has_err "nothing was changed"
expect_eq "$(notes "left a voicemail")" 0 "no note"
run via_relay note "$ava" "left a voicemail"; expect_rc 0
expect_eq "$(notes "left a voicemail")" 1 "the note, once, when the user tries again"

t "a lead saved through a lost answer keeps one version and one event"
start_relay after "UPDATE leads"
v0=$(dbq "SELECT version FROM leads WHERE id = $ava")
e0=$(dbq "SELECT count(*) FROM events WHERE lead_id = $ava")
run via_relay set "$ava" value=12000
[ -e "$fired" ] && ok || bad "the relay did not lose a COMMIT"
expect_rc 0
expect_eq "$(dbq "SELECT value FROM leads WHERE id = $ava")" 1200000 "the value"
expect_eq "$(dbq "SELECT version FROM leads WHERE id = $ava")" "$((v0 + 1))" "one new version"
expect_eq "$(dbq "SELECT count(*) FROM events WHERE lead_id = $ava")" "$((e0 + 1))" "one event"
finish
