#!/usr/bin/env bash
# A team on one server, with real accounts: files stay the team's whatever
# each user's umask, `kariz team init` sets a team up, and hooks cannot be
# used against a colleague. Needs root (to create the accounts); skipped
# otherwise.
. "$(dirname "$0")/lib.sh"
sqlite_only "kariz team init and check set up the team's database file, its group and mode"
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: test_team.sh creates Unix users and a group, which needs root"
    exit 77
fi

# Unique names; removed at the end, whatever happens.
sfx=$$
G=kzt_sales$sfx
ALICE=kzt_alice$sfx BOB=kzt_bob$sfx CAROL=kzt_carol$sfx EVE=kzt_eve$sfx
cleanup() {
    for u in "$ALICE" "$BOB" "$CAROL" "$EVE"; do
        userdel -f "$u" >/dev/null 2>&1
        groupdel "$u" >/dev/null 2>&1
    done
    groupdel "$G" >/dev/null 2>&1
    rm -rf "$T" "${W:-}"
}
trap cleanup EXIT
trap "exit 1" INT TERM HUP
groupadd "$G"
# each with a private group of their own, as Debian makes them
for u in "$ALICE" "$BOB" "$CAROL"; do useradd -M -U -G "$G" -s /bin/sh "$u"; done
useradd -M -U -s /bin/sh "$EVE"

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
run as "$ALICE" 077 "$KZ" add "Ava Smith" --company Acme --set n=0; expect_rc 0

t "two users, umask 022 and 077, working at once: no write is ever refused"
# each call is a fresh process, so connections open and close all the time
# and the -wal and -shm files come and go under both users
# (fewer under the sanitizers, where each process starts slowly: the
# ordinary build runs the thousand)
N=1000
[ -n "${KARIZ_SANITIZED:-}" ] && N=200
as "$ALICE" 077 sh -c 'i=0; while [ $i -lt '$N' ]; do i=$((i+1)); "$0" note 1 "a$i" 2>&1 || echo "exit $?"; done' "$KZ" >"$T/alice.out" &
as "$BOB" 022 sh -c 'i=0; while [ $i -lt '$N' ]; do i=$((i+1)); "$0" set 1 n=$i 2>&1 || echo "exit $?"; done' "$KZ" >"$T/bob.out" &
wait
out=$(cat "$T/alice.out" "$T/bob.out")
expect_eq "$out" "" "2 x $N alternating writes"
expect_eq "$(DB=$TDB dbq "SELECT count(*) FROM activities WHERE lead_id = 1")" "$N"
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

t "a database in its creator's private group: the real group and the fix are named"
P=$W/plain
install -d -m 0777 "$P"
chmod +t "$P"
TDB=$P/team.db
run as "$ALICE" 022 "$KZ" init; expect_rc 0
expect_eq "$(mode "$TDB")" "664 $ALICE"
run as "$BOB" 022 "$KZ" note 1 "x"; expect_rc 1
has_err "belongs to $ALICE's private group $ALICE, not the team's group"
lacks_err "usermod -aG $ALICE"

t "kariz team init: a directory, database, rules and hooks both can use"
D=$W/team
run "$KZ" team init "$D" --group "$G"; expect_rc 0
has_out "created $D: group $G, mode 2770"
has_out "created $D/team.db: group $G, mode 0660"
has_out "created $D/rules.yaml: group $G, mode 0664 (the built-in rules"
has_out "created $D/hooks: yours, mode 0755"
has_out "export KARIZ_DB=$D/team.db"
expect_eq "$(stat -c '%a %G' "$D")" "2770 $G"
expect_eq "$(stat -c '%a %G' "$D/team.db")" "660 $G"
expect_eq "$(stat -c '%a %G' "$D/rules.yaml")" "664 $G"
expect_eq "$(stat -c '%a %U' "$D/hooks")" "755 root"
expect_eq "$(stat -c '%a %G' "$D/hooks/hooks.log")" "660 $G"
TDB=$D/team.db
run as "$ALICE" 077 "$KZ" add "Bea Jones" --company Initech; expect_rc 0; expect_out 1
run as "$BOB" 022 "$KZ" note 1 "called"; expect_rc 0
run as "$CAROL" 002 "$KZ" move 1 prospect --force --reason "test"; expect_rc 0
run as "$ALICE" 077 "$KZ" rules path; expect_rc 0; has_out "$D/rules.yaml"
run as "$BOB" 022 "$KZ" team check; expect_rc 0; has_out "$D: no problems"
run as "$EVE" 022 "$KZ" list; expect_rc 1
# a rejects file written into the team's directory with umask 077
printf 'name,email\nCy Young,cy@example.com\n' > "$W/leads.csv"; chmod 644 "$W/leads.csv"
run as "$ALICE" 077 "$KZ" import "$W/leads.csv" --rejects "$D/rejects.csv"; expect_rc 0
expect_eq "$(stat -c '%a %G' "$D/rejects.csv")" "660 $G"

t "team init refuses an unknown group and a file that is not a kariz database"
run "$KZ" team init "$W/other" --group "nosuch$sfx"; expect_rc 2
has_err "--group \"nosuch$sfx\": no such group on this system (create it first: groupadd nosuch$sfx)"
[ -e "$W/other" ] && bad "created the directory anyway" || ok
mkdir "$W/junk"; echo "not a database" > "$W/junk/team.db"
run "$KZ" team init "$W/junk" --group "$G"; expect_rc 1
has_err "$W/junk/team.db holds a database already that kariz cannot use"
expect_eq "$(stat -c '%a %G' "$W/junk")" "755 root" "nothing changed"

mkdir "$W/old"; TDB=$W/old/sales.db "$KZ" --db "$W/old/sales.db" init >/dev/null
run "$KZ" team init "$W/old" --group "$G"; expect_rc 1
has_err "$W/old holds the database sales.db already, and the team's is $W/old/team.db; nothing was changed: to keep it, rename it (mv $W/old/sales.db $W/old/team.db)"
[ -e "$W/old/team.db" ] && bad "created team.db beside it" || ok

t "team init over a kariz database keeps its data and fixes its modes"
chmod 600 "$D/team.db"; chgrp "$ALICE" "$D/team.db"
run "$KZ" team init "$D" --group "$G"; expect_rc 0
has_out "kept $D/team.db: a kariz database already, its data untouched; group $G, mode 0660 (was group $ALICE, mode 0600)"
expect_eq "$(stat -c '%a %G' "$D/team.db")" "660 $G"
run as "$BOB" 022 "$KZ" show 1; expect_rc 0; has_out "Bea Jones"

t "team check reports every problem, with its fix, and fails"
chmod g-s "$D"; chmod 640 "$D/team.db"; chmod 775 "$D/hooks"; chmod 666 "$D/rules.yaml"
run "$KZ" team check "$D"; expect_rc 1
has_out "problem: $D: no setgid bit (mode 0770): files created there get their creator's group; fix: chmod g+s $D"
has_out "problem: $D/team.db: mode 0640: the team's group cannot write it; fix: chmod g+rw $D/team.db"
has_out "problem: $D/hooks: writable by its group (mode 0775)"
has_out "fix: chmod go-w $D/hooks"
has_out "problem: $D/rules.yaml: writable by everyone (mode 0666); fix: chmod o-w $D/rules.yaml"
has_out "4 problems in $D"
chmod g+s "$D"; chmod 660 "$D/team.db"; chmod 755 "$D/hooks"; chmod 664 "$D/rules.yaml"

t "a hook a colleague could change is refused, logged, and the user told"
mkfifo -m 0666 "$W/fifo"
printf '#!/bin/sh\n{ env; echo "fds: $(ls /proc/self/fd | tr "\\n" " ")"; } > %s\n' "$W/fifo" > "$D/hooks/stage-changed"
chown "$EVE" "$D/hooks/stage-changed"; chmod 0777 "$D/hooks/stage-changed"
run "$KZ" team check "$D"; expect_rc 1
has_out "problem: $D/hooks/stage-changed: owned by $EVE: only root or the database's owner root may own hooks"
run as "$BOB" 022 "$KZ" move 1 opportunity --force --reason t; expect_rc 0
has_err "hook stage-changed refused to run: the hook $D/hooks/stage-changed is owned by $EVE; only root or the database's owner root may own hooks"
grep -q "stage-changed: refused to run: the hook $D/hooks/stage-changed is owned by $EVE" "$D/hooks/hooks.log" && ok || bad "hooks.log: $(cat "$D/hooks/hooks.log")"
# a member's hook in a group-writable hooks directory
chown "$BOB" "$D/hooks/stage-changed"; chmod 0755 "$D/hooks/stage-changed"
chgrp "$G" "$D/hooks"; chmod 0775 "$D/hooks"
run as "$ALICE" 077 "$KZ" move 1 prospect --force --reason t; expect_rc 0
has_err "the hooks directory $D/hooks is writable by its group (mode 0775)"
expect_eq "$(grep -c "refused to run" "$D/hooks/hooks.log")" 2

t "a trusted hook runs as the colleague, with a clean environment and descriptors"
chown root "$D/hooks/stage-changed"; chmod 0755 "$D/hooks"
EXTRA_ENV="LD_PRELOAD= LD_LIBRARY_PATH=/nonexistent" as "$BOB" 022 sh -c 'exec "$0" move 1 opportunity --force --reason t 7</dev/null' "$KZ" &
out=$(timeout 30 cat "$W/fifo"); wait
has_out "USER=$BOB"
has_out "KARIZ_EVENT=stage-changed"
has_out "PATH=/usr/local/bin:/usr/bin:/bin"
case "$out" in *LD_*|*KARIZ_DB=*) bad "inherited variables reach the hook" ;; *) ok ;; esac
has_out "fds: 0 1 2 3 "   # 3 is ls's own directory

t "a hook of one's own in a private hooks directory runs as oneself"
install -d -m 0755 -o "$BOB" "$W/bobhooks"
install -m 0755 -o "$BOB" "$D/hooks/stage-changed" "$W/bobhooks/stage-changed"
EXTRA_ENV="KARIZ_HOOKS_DIR=$W/bobhooks" as "$BOB" 022 "$KZ" move 1 prospect --force --reason t &
out=$(timeout 30 cat "$W/fifo"); wait
has_out "USER=$BOB"
has_out "KARIZ_HOOKS_DIR=$W/bobhooks"

t "the database's owner is not trusted with hooks where others could replace the database"
# alice created $W/srv/team.db, but anyone in the group may write $W/srv,
# so bob could have replaced the database with one he owns
TDB=$W/srv/team.db
as "$ALICE" 022 sh -c 'mkdir -m 0755 "$0/hooks" && printf "#!/bin/sh\nexit 0\n" > "$0/hooks/stage-changed" && chmod 0755 "$0/hooks/stage-changed"' "$W/srv"
run as "$BOB" 022 "$KZ" move 1 prospect --force --reason t; expect_rc 0
has_err "hook stage-changed refused to run: the hooks directory $W/srv/hooks is owned by $ALICE, not root (the database's owner is not trusted with hooks when others may write the database's directory"
run "$KZ" team check "$W/srv"; expect_rc 1
has_out "problem: $W/srv/hooks: owned by $ALICE: only root may own hooks here"

finish
