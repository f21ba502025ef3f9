#!/usr/bin/env bash
# kariz through a connection pooler: PgBouncer in session mode in front of
# the server (tests/pg/pooler, set up as docs/deployment.md sets up a
# team's). One server session serves one kariz after another, each starting
# clean; the acting user is still the role that connected; a refusal by the
# pooler names the role and says what to do. Runs as pgpool.cli.test_pg_pooler
# (the other copies skip).
. "$(dirname "$0")/lib.sh"
if on_sqlite || [ -z "${KARIZ_TEST_PG_DIRECT:-}" ]; then
    printf 'SKIPPED: this test is about a connection pooler (it runs as pgpool.cli.test_pg_pooler)\n' >&2
    exit 77
fi
export KARIZ_NOW="2026-11-24 10:00"
dbname=${DB##*dbname=}
dbname=${dbname%% *}
# on the server itself, not through the pooler: the client sessions of the
# test's database, and their server processes
direct() { psql -XAtq -v ON_ERROR_STOP=1 -d "$KARIZ_TEST_PG_DIRECT" -c "$1"; }
sessions() {
    direct "SELECT string_agg(pid::text, ' ' ORDER BY pid) FROM pg_stat_activity
            WHERE datname = '$dbname' AND backend_type = 'client backend'"
}

t "one server session serves one kariz after another, each starting clean"
run k init; expect_rc 0
first=$(sessions)
expect_eq "$(wc -w <<<"$first")" 1 "server sessions after kariz init"
run k add "Ava Smith" --company Acme --email ava@acme.example; expect_rc 0; ava=$out
run k add "Bo Berg" --company Globex; expect_rc 0; bo=$out
run k note "$bo" "called back"; expect_rc 0
run k move "$bo" prospect --force --reason "met at the fair"; expect_rc 0
# (each command prepared its statements again on the session the last one
# left, and searched with a temporary table of its own)
run k list --search "acme" --format csv; expect_rc 0; has_out "Ava Smith"; lacks_out "Bo Berg"
run k list --search "globex" --format csv; expect_rc 0; has_out "Bo Berg"; lacks_out "Ava Smith"
run k history "$bo"; expect_rc 0; has_out "called back"
# (the pooler resets a session before it hands it on: a kariz that comes
# meanwhile may be given a new one, never one per command)
after=$(sessions)
[ "$(wc -w <<<"$after")" -le 2 ] && ok || bad "server sessions after seven commands: $after"
case " $after " in *" $first "*) ok ;; *) bad "the first server session ($first) is gone: $after" ;; esac
expect_eq "$(dbq "SELECT stage FROM leads WHERE id = $bo")" prospect "Bo's stage"

t "the acting user is the role that connected, in a pooled session too"
mallory=kz_mallory_$$
pg_salesperson "$mallory"
drop_role() {
    psql -XAtq -d "$DB" -c "DROP OWNED BY $mallory" >/dev/null 2>&1 || true
    psql -XAtq -d "$KARIZ_TEST_PG_DIRECT" -c "DROP ROLE IF EXISTS $mallory" >/dev/null 2>&1 || true
}
trap 'drop_role; lib_cleanup' EXIT
km() { "$KARIZ" --db "$DB user=$mallory" "$@"; }
run km note "$ava" "from mallory"; expect_rc 0
run km note "$ava" "again from mallory"; expect_rc 0
run k note "$ava" "from me"; expect_rc 0
expect_eq "$(dbq "SELECT string_agg(author, ',' ORDER BY id) FROM activities WHERE lead_id = $ava")" \
    "$mallory,$mallory,$ME" "the notes' authors"
expect_eq "$(dbq "SELECT count(DISTINCT actor) FROM events WHERE lead_id = $ava AND actor = '$mallory'")" 1 \
    "events written as $mallory"

t "a refusal by the pooler names the role and says what to do"
run "$KARIZ" --db "$DB user=kz_nobody_$$" list; expect_rc 1
has_err "no such user; the pooler found no role \"kz_nobody_$$\" that may log in: create it (LOGIN)"
NOC=$(new_db noconnect.db)
"$KARIZ" --db "$NOC" init >/dev/null
noc_name=${NOC##*dbname=}
direct "REVOKE CONNECT ON DATABASE \"${noc_name%% *}\" FROM PUBLIC" >/dev/null
run "$KARIZ" --db "$NOC user=$mallory" list; expect_rc 1
has_err "permission denied for database"
has_err "the role may not connect to this database: make it a member of the team's role"

run env PGOPTIONS="-c work_mem=64MB" "$KARIZ" --db "$DB" list; expect_rc 1
has_err "unsupported startup parameter"
has_err "; the pooler does not pass it on to the server: leave it out of the connection string and \$PGOPTIONS"

t "peer sign-in through the pooler, as docs/deployment.md sets it up: each Unix login is its own role, and no one else's"
if [ "$(id -u)" != 0 ]; then
    printf 'SKIPPED (this part): peer sign-in needs real Unix accounts, which only root may create\n' >&2
else
    # a cluster and a PgBouncer of their own: the server lets the pooler's
    # account in as each salesperson through an ident map, the pooler lets
    # each Unix login in only as its own role (peer)
    sfx=$$
    ALICE=kzp_alice$sfx BOB=kzp_bob$sfx CAROL=kzp_carol$sfx
    own=$T/peer
    W=$(mktemp -d /tmp/kzp-pool.XXXXXX)
    bouncer=${KARIZ_PGBOUNCER:-$(command -v pgbouncer || echo /usr/sbin/pgbouncer)}
    bindir=$(pg_config --bindir 2>/dev/null || true)
    [ -x "$bindir/pg_ctl" ] || bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -t/ -k4,4 -rn | head -1)
    peer_cleanup() {
        if [ -f "$W/pgbouncer.pid" ]; then
            local pid
            pid=$(cat "$W/pgbouncer.pid")
            kill -INT "$pid" 2>/dev/null || true
            for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
        bash "$KARIZ_SOURCE/tests/pg/cluster" stop "$own" >/dev/null 2>&1 || true
        for u in "$ALICE" "$BOB" "$CAROL"; do
            userdel -f "$u" >/dev/null 2>&1
            groupdel "$u" >/dev/null 2>&1
        done
        rm -rf "$W"
    }
    trap 'peer_cleanup; drop_role; lib_cleanup' EXIT
    # the accounts of an earlier run killed before it could remove them
    for u in $(getent passwd | cut -d: -f1 | grep -E '^kzp_(alice|bob|carol)[0-9]+$'); do
        userdel -f "$u" >/dev/null 2>&1
        groupdel "$u" >/dev/null 2>&1
    done
    for u in "$ALICE" "$BOB" "$CAROL"; do
        useradd -M -U -s /bin/sh "$u" || { bad "useradd $u failed"; finish; exit 1; }
    done
    KARIZ_TEST_PG_PORT=5499 bash "$KARIZ_SOURCE/tests/pg/cluster" start "$own" >/dev/null
    own_admin=$(. "$own/env"; printf '%s' "$KARIZ_TEST_PG")
    own_host=$(sed -n 's/.*host=\([^ ]*\).*/\1/p' <<<"$own_admin")
    own_data=$(cat "$own/home" 2>/dev/null || printf '%s' "$own")/data
    psql -XAtq -v ON_ERROR_STOP=1 -d "$own_admin" -c "CREATE DATABASE sales" >/dev/null
    "$KARIZ" --db "${own_admin/dbname=postgres/dbname=sales}" init >/dev/null
    pg_salesperson "$ALICE" "${own_admin/dbname=postgres/dbname=sales}"
    pg_salesperson "$BOB" "${own_admin/dbname=postgres/dbname=sales}"
    # pg_hba.conf and pg_ident.conf as docs/deployment.md gives them (the
    # pooler runs as kariz-pg here, postgres there), and the test's own
    # login ($ME, the cluster's superuser) signed in by peer as well
    {
        printf 'local postgres %s peer\n' "$ME"
        printf 'local sales all peer map=kariz\n'
    } >"$own_data/pg_hba.conf"
    {
        printf 'kariz /^(.*)$ \\1\n'
        printf 'kariz kariz-pg %s\n' "$ALICE" "$BOB"
    } >"$own_data/pg_ident.conf"
    runuser -u kariz-pg -- "$bindir/pg_ctl" -D "$own_data" reload >/dev/null
    chmod 755 "$W"
    chown kariz-pg: "$W"
    cat >"$W/pgbouncer.ini" <<INI
[databases]
sales = host=$own_host port=5499 dbname=sales
[pgbouncer]
listen_addr =
listen_port = 6499
unix_socket_dir = $W
auth_type = hba
auth_hba_file = $W/hba.conf
auth_file = $W/userlist.txt
pool_mode = session
server_reset_query = DISCARD ALL
logfile = $W/pgbouncer.log
pidfile = $W/pgbouncer.pid
INI
    printf 'local sales all peer\n' >"$W/hba.conf"
    printf '"%s" ""\n' "$ALICE" "$BOB" >"$W/userlist.txt"
    : >"$W/pgbouncer.log"
    chown kariz-pg: "$W"/*
    runuser -u kariz-pg -- "$bouncer" -d -q "$W/pgbouncer.ini"
    for _ in $(seq 100); do [ -S "$W/.s.PGSQL.6499" ] && break; sleep 0.05; done
    # a world-readable kariz: the build tree may be closed to others
    cp "$KARIZ" "$W/kariz"
    chmod 755 "$W/kariz"
    POOL="host=$W port=6499 dbname=sales"
    as() { local u=$1; shift; out=$(runuser -u "$u" -- env -i PATH=/usr/bin:/bin HOME=/ LANG=C.UTF-8 \
        KARIZ_NOW="$KARIZ_NOW" "$@" 2>"$T/peer.err"); rc=$?; err=$(cat "$T/peer.err"); }
    as "$ALICE" "$W/kariz" --db "$POOL" add "Cy Chan" --company Initech; expect_rc 0; cy=$out
    as "$BOB" "$W/kariz" --db "$POOL" note "$cy" "bob called"; expect_rc 0
    as "$ALICE" "$W/kariz" --db "$POOL" note "$cy" "alice called"; expect_rc 0
    sdb=${own_admin/dbname=postgres/dbname=sales}
    expect_eq "$(psql -XAtq -d "$sdb" -c "SELECT string_agg(author, ',' ORDER BY id) FROM activities WHERE lead_id = $cy")" \
        "$BOB,$ALICE" "the notes' authors"
    expect_eq "$(psql -XAtq -d "$sdb" -c "SELECT actor FROM events WHERE lead_id = $cy ORDER BY id LIMIT 1")" \
        "$ALICE" "who created Cy"
    # alice asks to be bob: the pooler refuses, and kariz says what it means
    as "$ALICE" "$W/kariz" --db "$POOL user=$BOB" note "$cy" "as bob"; expect_rc 1
    has_err "unix socket login rejected; the pooler lets a Unix login in only as the role of its own name: sign in as \"$ALICE\" (leave user= and \$PGUSER out"
    # carol has a login and a role, but the pooler's list does not name her
    psql -XAtq -v ON_ERROR_STOP=1 -d "$own_admin" -c "CREATE ROLE $CAROL LOGIN" >/dev/null
    as "$CAROL" "$W/kariz" --db "$POOL" list; expect_rc 1
    has_err "unix socket login rejected; the pooler's auth_file (userlist.txt) does not list role \"$CAROL\": have it added there"
    # a database the pooler's hba.conf does not name
    as "$ALICE" "$W/kariz" --db "host=$W port=6499 dbname=nosuch" list; expect_rc 1
    has_err "failed: login rejected; the pooler's auth_hba_file has no line that lets role \"$ALICE\" into database \"nosuch\""
    expect_eq "$(psql -XAtq -d "$sdb" -c "SELECT count(*) FROM activities WHERE note = 'as bob'")" 0 \
        "notes written as someone else"
    # and straight to the server, the pooler's account's map is no way in
    as "$ALICE" "$W/kariz" --db "host=$own_host port=5499 dbname=sales user=$BOB" list; expect_rc 1
    has_err "Peer authentication failed for user \"$BOB\""
    # a database no line of the server's pg_hba.conf names for alice
    as "$ALICE" "$W/kariz" --db "host=$own_host port=5499 dbname=postgres" list; expect_rc 1
    has_err "no pg_hba.conf entry for host \"[local]\", user \"$ALICE\", database \"postgres\""
    has_err "; no line of the server's pg_hba.conf lets role \"$ALICE\" into database \"postgres\" this way: the team's lines name the team's and the readers' roles"
fi

finish
