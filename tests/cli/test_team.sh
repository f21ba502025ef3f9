#!/usr/bin/env bash
# A team on one server, with real accounts: files stay the team's whatever
# each user's umask, `kariz team init` sets a team up, and hooks cannot be
# used against a colleague. Needs root (to create the accounts); skipped
# otherwise.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: test_team.sh creates Unix users and a group, which needs root"
    exit 77
fi

# Unique names; removed at the end, whatever happens.
sfx=$$
G=kzt_sales$sfx
ALICE=kzt_alice$sfx BOB=kzt_bob$sfx CAROL=kzt_carol$sfx EVE=kzt_eve$sfx
cleanup() {
    for u in "$ALICE" "$BOB" "$CAROL" "$EVE"; do userdel "$u" >/dev/null 2>&1; done
    groupdel "$G" >/dev/null 2>&1
    rm -rf "$T" "${W:-}"
}
trap cleanup EXIT
groupadd "$G"
for u in "$ALICE" "$BOB" "$CAROL"; do useradd -M -N -g users -G "$G" -s /bin/sh "$u"; done
useradd -M -N -g users -s /bin/sh "$EVE"

# The build tree may not be readable by others: a world-readable copy.
W=$(mktemp -d /tmp/kzt-team.XXXXXX)
chmod 755 "$W"
cp "$KARIZ" "$W/kariz"
chmod 755 "$W/kariz"
KZ=$W/kariz

# as USER UMASK CMD...: runs CMD as USER with that umask, a clean login-like
# environment and the shared database
as() {
    local u=$1 m=$2
    shift 2
    runuser -u "$u" -- env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$W" USER="$u" \
        LOGNAME="$u" LC_ALL=C.UTF-8 TZ=UTC KARIZ_DB="${TDB:-}" ${EXTRA_ENV:-} \
        sh -c 'umask "$0"; exec "$@"' "$m" "$@"
}
mode() { stat -c '%a %G' "$1"; }

t "a database created with umask 077 in a setgid directory is the team's"
D=$W/srv
install -d -m 2770 -g "$G" "$D"
TDB=$D/team.db
run as "$ALICE" 077 "$KZ" init; expect_rc 0
expect_eq "$(mode "$TDB")" "660 $G" "database"
run as "$ALICE" 077 "$KZ" add "Ava Smith" --company Acme; expect_rc 0

t "two users, umask 022 and 077, working at once: no write is ever refused"
# each call is a fresh process, so connections open and close all the time
# and the -wal and -shm files come and go under both users
N=1000
as "$ALICE" 077 sh -c 'i=0; while [ $i -lt '$N' ]; do i=$((i+1)); "$0" note 1 "a$i" 2>&1 || echo "exit $?"; done' "$KZ" >"$T/alice.out" &
as "$BOB" 022 sh -c 'i=0; while [ $i -lt '$N' ]; do i=$((i+1)); "$0" set 1 n=$i 2>&1 || echo "exit $?"; done' "$KZ" >"$T/bob.out" &
wait
out=$(cat "$T/alice.out" "$T/bob.out")
expect_eq "$out" "" "2 x $N alternating writes"
expect_eq "$(sqlite3 "$TDB" "SELECT count(*) FROM activities WHERE lead_id = 1")" "$N"
for f in "$TDB" "$TDB-wal" "$TDB-shm"; do
    [ -e "$f" ] || continue
    case "$(mode "$f")" in "660 $G" | "664 $G") ok ;; *) bad "$f is $(mode "$f")" ;; esac
done

t "a refused write names the file, its owner, group and mode, and the fix"
chmod 640 "$TDB"
run as "$BOB" 022 "$KZ" note 1 "x"; expect_rc 1
has_err "$TDB is not group-writable (owner $ALICE, group $G, mode 0640)"
has_err "chmod g+rw $TDB"
case "$err" in *"attempt to write"*) bad "raw SQLite message" ;; *) ok ;; esac
chmod 660 "$TDB"

finish
