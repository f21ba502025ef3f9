#!/usr/bin/env bash
# tests/pg/schema_check.sh: checks schema-pg.sql, the PostgreSQL schema, and
# the roles and grants docs/deployment.md sets up, on a throwaway cluster of
# its own. Needs PostgreSQL 15 or later with pg_trgm (Debian: postgresql,
# postgresql-contrib) and the sqlite3 shell; exits 77 (skipped) without the
# server, non-zero when any check fails.
#
#   bash tests/pg/schema_check.sh [SCHEMA]      (default: schema-pg.sql)
#
# The cluster is tests/pg/cluster's when there is one, or else started here
# the same way: it listens on a unix socket in a private directory only,
# lets every local user in as any role without a password (trust: for this
# throwaway cluster only), and is removed at exit. As root, initdb refuses
# to run: the server then runs as the system user kariz-pg (created when
# absent).
set -u

# English messages from psql and the server; no connection settings from
# the caller's environment
export LC_ALL=C.UTF-8
unset PGUSER PGDATABASE PGSERVICE PGSERVICEFILE PGOPTIONS PGHOSTADDR PGPASSWORD \
    PGPASSFILE PGCLIENTENCODING PGSSLMODE PGTZ PGDATESTYLE PGCONNECT_TIMEOUT
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
schema=${1:-$src/schema-pg.sql}
sqlite_schema=$src/schema.sql

skip() { printf 'SKIPPED: %s\n' "$1" >&2; exit 77; }
need() { printf '%s: %s\n' "${0##*/}" "$1" >&2; exit 2; }
[ -f "$schema" ] || need "no schema at $schema"
command -v sqlite3 >/dev/null || need "the sqlite3 shell is needed (apt-get install sqlite3)"
command -v psql >/dev/null || skip "no psql (apt-get install postgresql-client)"

bindir=
if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
    bindir=$(pg_config --bindir)
else
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -rn); do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { bindir=$d; break; }
    done
fi
[ -n "$bindir" ] || skip "no PostgreSQL server (initdb, pg_ctl): apt-get install postgresql postgresql-contrib"

# ---- the throwaway cluster ----
# tests/pg/cluster, the test suite's, when there is one; else started here
# the same way
D=$(mktemp -d /tmp/kariz-pgschema.XXXXXX)
chmod 0755 "$D"
if [ -x "$here/cluster" ]; then
    trap '"$here/cluster" stop "$D" >/dev/null; rm -rf "$D"' EXIT
    "$here/cluster" start "$D" >/dev/null || need "tests/pg/cluster could not start a cluster"
    # shellcheck source=/dev/null
    . "$D/env"
    for kv in $KARIZ_TEST_PG; do
        case $kv in
        host=*) PGHOST=${kv#host=} ;;
        port=*) PGPORT=${kv#port=} ;;
        user=*) SU=${kv#user=} ;; # the cluster's superuser
        esac
    done
    export PGHOST PGPORT
else
    service_user=kariz-pg
    as_server() {
        if [ "$(id -u)" -eq 0 ]; then runuser -u "$service_user" -- "$@"; else "$@"; fi
    }
    stop_cluster() {
        if [ -f "$D/data/postmaster.pid" ]; then
            as_server "$bindir/pg_ctl" -D "$D/data" -w -m immediate stop >/dev/null 2>&1
        fi
        rm -rf "$D"
    }
    trap stop_cluster EXIT
    if [ "$(id -u)" -eq 0 ]; then
        id -u "$service_user" >/dev/null 2>&1 ||
            useradd -r -M -d /nonexistent -s /usr/sbin/nologin -c "kariz test PostgreSQL" "$service_user" ||
            need "useradd -r $service_user failed"
        chown "$service_user:" "$D"
    fi
    SU=$(id -un) # the cluster's superuser
    as_server "$bindir/initdb" -D "$D/data" -U "$SU" -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$D/initdb.log" 2>&1 || need "initdb failed: $(tail -5 "$D/initdb.log")"
    as_server "$bindir/pg_ctl" -w -D "$D/data" -l "$D/server.log" \
        -o "-k $D -c listen_addresses='' -c fsync=off" start >/dev/null ||
        need "the server did not start: $(tail -5 "$D/server.log")"
    export PGHOST=$D PGPORT=5432
fi

# ---- checks ----
passes=0
fails=0
current=""
t() { current=$1; }
ok() { passes=$((passes + 1)); }
bad() {
    fails=$((fails + 1))
    printf 'FAIL [%s] %s\n' "$current" "$1"
    [ -z "${err:-}" ] || printf '  stderr: %s\n' "$err" | head -5
}
# as ROLE DB SQL...: runs each SQL (statements separated by ';', one
# transaction) as ROLE, stopping at the first error, keeping $out (rows,
# |-separated), $err and $rc
as() {
    local role=$1 db=$2 a=()
    shift 2
    for s in "$@"; do a+=(-c "$s"); done
    out=$(psql -XAtq -v ON_ERROR_STOP=1 -U "$role" -d "$db" "${a[@]}" 2>"$D/err")
    rc=$?
    err=$(cat "$D/err")
}
# as_script ROLE DB: as `as`, SQL on standard input, psql's notices kept
as_script() {
    out=$(psql -XAt -v ON_ERROR_STOP=1 -U "$1" -d "$2" 2>"$D/err")
    rc=$?
    err=$(cat "$D/err")
}
expect_eq() { [ "$1" = "$2" ] && ok || bad "got '$1', expected '$2'${3:+ ($3)}"; }
expect_ok() { [ "$rc" = 0 ] && ok || bad "failed (exit $rc)${1:+: $1}"; }
expect_fail() { # PATTERN: the statement failed, saying PATTERN
    if [ "$rc" = 0 ]; then
        bad "succeeded; expected a failure saying: $1"
    else
        case "$err" in *"$1"*) ok ;; *) bad "failed, but without: $1" ;; esac
    fi
}

# Roles, the database and the grants exactly as docs/deployment.md sets
# them up: its SQL block, run as a superuser; the schema loaded as the
# tables' owner kariz_admin (no superuser, no CREATEROLE), as `kariz init`
# does; then the owner's REVOKE on events.
t "roles, database and grants, as in deployment.md"
doc_sql=$(awk '/^```sql$/ { on = 1; next } /^```$/ { on = 0 } on' "$src/docs/deployment.md")
case "$doc_sql" in *"CREATE DATABASE sales"*"ALTER DEFAULT PRIVILEGES"*) ok ;; *) bad "no set-up SQL in docs/deployment.md" ;; esac
as_script "$SU" postgres <<<"$doc_sql"
expect_ok
as "$SU" postgres "CREATE ROLE mallory LOGIN IN ROLE kariz_team; CREATE ROLE outsider LOGIN;"
expect_ok

t "the schema loads into an empty database, as its owner (no superuser: pg_trgm is trusted)"
out=$(psql -XAtq -v ON_ERROR_STOP=1 -1 -U kariz_admin -d sales -f "$schema" 2>&1)
rc=$?
err=$out
expect_ok "loading $schema"
[ "$rc" = 0 ] || { printf 'the schema does not load: nothing else to check\n'; exit 1; }
doc_revoke=$(grep -o "REVOKE UPDATE, DELETE ON events FROM kariz_team" "$src/docs/deployment.md")
expect_eq "$doc_revoke" "REVOKE UPDATE, DELETE ON events FROM kariz_team"
as kariz_admin sales "$doc_revoke;"
expect_ok

t "a database that is not UTF-8, or whose LC_CTYPE is C, is refused with the reason"
as "$SU" postgres "CREATE DATABASE latin ENCODING 'LATIN1' LOCALE 'C' TEMPLATE template0;" \
    "CREATE DATABASE cctype ENCODING 'UTF8' LOCALE 'C' TEMPLATE template0;"
expect_ok
as "$SU" latin "$(cat "$schema")"
expect_fail 'database "latin" has encoding LATIN1, kariz needs UTF8'
as "$SU" cctype "$(cat "$schema")"
expect_fail 'database "cctype" has LC_CTYPE C'

# ---- the same tables, columns and indexes as schema.sql ----
t "the same tables and columns as schema.sql"
sq=$(sqlite3 :memory: ".read $sqlite_schema" "
SELECT m.name || '.' || p.name FROM sqlite_schema m, pragma_table_xinfo(m.name) p
WHERE m.type = 'table' AND m.name NOT LIKE 'lead_search%' AND (m.name, p.name) <> ('leads', 'name_key');" | LC_ALL=C sort)
as "$SU" sales "SELECT table_name || '.' || column_name FROM information_schema.columns
WHERE table_schema = 'public' AND (table_name, column_name) <> ('presence', 'backend')
AND table_name <> 'kz_changes' AND (table_name <> 'lead_text' OR column_name IN ('id', 'doc'));"
out=$(printf '%s\n' "$out" | LC_ALL=C sort)
[ -n "$sq" ] || bad "no columns read from schema.sql"
expect_eq "$out" "$sq" "columns of schema-pg.sql (less presence.backend, kz_changes and lead_text's board keys) vs schema.sql (less leads.name_key)"

t "lead_text keeps each lead's board keys (schema version 9), the triggers write them"
as "$SU" sales "SELECT string_agg(column_name, ' ' ORDER BY ordinal_position) FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = 'lead_text';"
expect_eq "$out" "id doc stage owner grade score value stage_entered next_due name"
as "$SU" sales "SELECT string_agg(tgname, ' ' ORDER BY tgname) FROM pg_trigger WHERE tgname IN ('lead_text_keys', 'leads_keys');"
expect_eq "$out" "lead_text_keys leads_keys"

t "every integer column is BIGINT (but presence.backend, a server pid)"
as "$SU" sales "SELECT table_name || '.' || column_name FROM information_schema.columns
WHERE table_schema = 'public' AND data_type IN ('integer', 'smallint');"
expect_eq "$out" "presence.backend"

t "the same indexes as schema.sql (lead_search: the trigram index in place of FTS5; names by the collation, not by stored keys)"
sq=$(sqlite3 :memory: ".read $sqlite_schema" "
SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
AND name <> 'leads_name_unkeyed';" | LC_ALL=C sort)
as "$SU" sales "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'
AND indexname NOT LIKE '%_pkey' AND indexname <> 'lead_text_trgm';"
out=$(printf '%s\n' "$out" | LC_ALL=C sort)
[ -n "$sq" ] || bad "no indexes read from schema.sql"
expect_eq "$out" "$sq"
as "$SU" sales "SELECT indexdef FROM pg_indexes WHERE indexname = 'lead_text_trgm';"
case "$out" in *"ON public.lead_text USING gin (doc "*gin_trgm_ops")") ok ;; *) bad "lead_text_trgm is: $out" ;; esac

t "the same primary keys as schema.sql"
sq=$(sqlite3 :memory: ".read $sqlite_schema" "
SELECT t || '(' || group_concat(c, ',') || ')' FROM
  (SELECT m.name AS t, p.name AS c FROM sqlite_schema m, pragma_table_info(m.name) p
   WHERE m.type = 'table' AND m.name NOT LIKE 'lead_search%' AND p.pk > 0 ORDER BY m.name, p.pk)
GROUP BY t;" | LC_ALL=C sort)
as "$SU" sales "SELECT c.relname || '(' || string_agg(a.attname, ',' ORDER BY k.ord) || ')'
FROM pg_constraint x JOIN pg_class c ON c.oid = x.conrelid
CROSS JOIN unnest(x.conkey) WITH ORDINALITY AS k(att, ord)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.att
WHERE x.contype = 'p' AND c.relnamespace = 'public'::regnamespace GROUP BY c.relname;"
out=$(printf '%s\n' "$out" | LC_ALL=C sort)
[ -n "$sq" ] || bad "no primary keys read from schema.sql"
expect_eq "$out" "$sq"

t "meta says the search text is in the search key from the start"
as "$SU" sales "SELECT value FROM meta WHERE key = 'search_form';"
expect_eq "$out" "2"

# ---- a salesperson's rights (the grants of deployment.md) ----
t "a member of kariz_team reads and writes the pipeline"
as alice sales "
INSERT INTO stages (name, label, position, probability, kind) VALUES
    ('lead', 'Lead', 1, 10, 'open'), ('won', 'Won', 2, 100, 'won');
INSERT INTO leads (name, company, email, stage, stage_entered, touched, created, updated, value)
    VALUES ('Ava Smith', 'Acme', '  Ava@Acme.COM ', 'lead', 1, 2, 1, 1, 3000000000000)
    RETURNING id, email_key, value;"
expect_ok
expect_eq "$out" "1|ava@acme.com|3000000000000" "id from the identity, email_key generated, money past 32 bits"
as alice sales "
INSERT INTO lead_text (id, doc) VALUES (1, 'ava smith' || chr(31) || 'acme');
INSERT INTO custom_fields (lead_id, name, value) VALUES (1, 'region', 'north');
INSERT INTO stakeholders (lead_id, name, role) VALUES (1, 'Bo', 'champion') RETURNING id;"
expect_ok
sh_id=$out
as alice sales "
INSERT INTO activities (lead_id, at, kind, author, note, stakeholder_id)
    VALUES (1, 5, 'call', 'legacy-crm-user', 'hi', $sh_id) RETURNING author;
UPDATE leads SET version = version + 1 WHERE id = 1;
INSERT INTO stage_totals (stage, owner, n) VALUES ('lead', '', 1);
INSERT INTO company_aliases (alias, company) VALUES ('acme inc', 'acme');
INSERT INTO meta (key, value) VALUES ('rules', 'x');
UPDATE meta SET value = 'y' WHERE key = 'rules';
DELETE FROM company_aliases WHERE alias = 'acme inc';"
expect_ok
expect_eq "$out" "legacy-crm-user" "activities.author is kept as written"
as alice sales "CREATE TEMP TABLE IF NOT EXISTS kz_hits (id BIGINT PRIMARY KEY);
INSERT INTO kz_hits VALUES (1); SELECT count(*) FROM kz_hits;"
expect_eq "$out" "1" "a temporary table for search hits"
as alice sales "UPDATE kz_changes SET n = n + 1; SELECT count(*) FROM kz_changes;"
expect_eq "$out" "1" "the change count moves on"

t "email_key cannot be written"
as alice sales "UPDATE leads SET email_key = 'x' WHERE id = 1;"
expect_fail 'column "email_key" can only be updated to DEFAULT'

t "a role outside kariz_team cannot even connect"
as outsider sales "SELECT 1;"
expect_fail 'permission denied for database "sales"'

# ---- the acting user ----
t "an event's actor is the session's role, whatever the client sends"
as mallory sales "INSERT INTO events (lead_id, at, actor, kind) VALUES (1, 10, 'alice', 'note')
    RETURNING actor;"
expect_eq "$out" "mallory"
as alice sales "INSERT INTO events (lead_id, at, actor, kind) VALUES (1, 11, 'mallory', 'note')
    RETURNING actor;"
expect_eq "$out" "alice"
as alice sales "SET ROLE mallory;" # alice is no member of mallory
expect_fail 'permission denied to set role "mallory"'
as "$SU" sales "SET ROLE alice; INSERT INTO events (lead_id, at, actor, kind)
    VALUES (1, 12, 'alice', 'note') RETURNING actor;"
expect_eq "$out" "$SU" "SET ROLE does not change the recorded actor (session_user)"

t "triage and import records carry the session's role; an update keeps the actor"
as mallory sales "INSERT INTO triage (lead_id, actor, at, decision) VALUES (1, 'alice', 1, 'keep')
    RETURNING actor;"
expect_eq "$out" "mallory"
as alice sales "INSERT INTO imports (source, fingerprint, actor, started) VALUES ('a.csv', 'f', 'bob', 1)
    RETURNING actor;"
expect_eq "$out" "alice"
as mallory sales "UPDATE imports SET rows_done = 5, actor = 'mallory' WHERE source = 'a.csv'
    RETURNING actor, rows_done;"
expect_eq "$out" "alice|5" "a colleague resuming the import leaves it alice's"

t "presence: the session's role, and the server process that wrote it"
as alice sales "INSERT INTO presence (actor, host, pid, lead_id, seen) VALUES ('bob', 'h1', 42, 1, 100)
    RETURNING actor, backend = pg_backend_pid(), backend IN (SELECT pid FROM pg_stat_activity);"
expect_eq "$out" "alice|t|t"
first_backend=$(psql -XAtq -U alice -d sales -c "SELECT backend FROM presence WHERE pid = 42")
as alice sales "INSERT INTO presence (actor, host, pid, lead_id, seen) VALUES ('alice', 'h1', 42, 2, 110)
    ON CONFLICT (actor, host, pid) DO UPDATE SET lead_id = excluded.lead_id, seen = excluded.seen
    RETURNING lead_id, backend = pg_backend_pid(), backend <> $first_backend;"
expect_eq "$out" "2|t|t" "a heartbeat from a new session (a reconnected board) records that session"
as mallory sales "INSERT INTO presence (actor, host, pid, lead_id, seen) VALUES ('alice', 'h1', 42, 3, 120)
    ON CONFLICT (actor, host, pid) DO UPDATE SET lead_id = excluded.lead_id, seen = excluded.seen;
    SELECT actor || ':' || lead_id FROM presence ORDER BY actor;"
expect_eq "$out" "alice:2
mallory:3" "mallory's upsert cannot touch alice's entry"
# an entry is live while the session that wrote it holds the shared lock
# (1801548393, pid) a board takes (src/store/pg.c: pg_presence_claim), as
# any role can tell (pg.c's presence_live, the same words)
live="(backend, pid) IN (SELECT l.pid, CAST(l.objid AS bigint) FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.classid = 1801548393 AND l.granted
    AND l.mode = 'ShareLock' AND l.database = (SELECT oid FROM pg_database
    WHERE datname = current_database()))"
as alice sales "SELECT count(*) FROM presence WHERE $live;"
expect_eq "$out" "0" "entries written without the lock are not live"
mkfifo "$D/alice.in"
psql -XAtq -v ON_ERROR_STOP=1 -U alice -d sales <"$D/alice.in" >"$D/alice.out" 2>&1 &
alice_psql=$!
exec 7>"$D/alice.in"
echo "SELECT pg_try_advisory_lock_shared(1801548393, 42);
    UPDATE presence SET seen = 130 WHERE actor = 'alice' RETURNING 'written';" >&7
for _ in $(seq 1 500); do grep -q written "$D/alice.out" && break; as alice sales "SELECT 1;"; done
expect_eq "$(head -1 "$D/alice.out")" "t" "alice's session takes the lock"
as mallory sales "SELECT actor FROM presence WHERE $live;"
expect_eq "$out" "alice" "mallory sees alice's entry live while her session holds the lock"
# alice's board goes: her session ends, and with it the lock (an
# exclusive lock on it waits for that: the state, not a time)
exec 7>&-
wait "$alice_psql"
as mallory sales "SELECT pg_advisory_lock(1801548393, 42); SELECT count(*) FROM presence WHERE $live;"
expect_eq "$out" "
0" "an entry whose session is gone is ignored"

t "the owner (kariz copy) can keep copied actors by disabling the trigger in its transaction"
as kariz_admin sales "BEGIN;
ALTER TABLE events DISABLE TRIGGER events_actor;
INSERT INTO events (id, lead_id, at, actor, kind) VALUES (500, 1, 1, 'carol', 'create');
ALTER TABLE events ENABLE TRIGGER events_actor;
COMMIT;
SELECT actor FROM events WHERE id = 500;"
expect_eq "$out" "carol"
as alice sales "ALTER TABLE events DISABLE TRIGGER events_actor;"
expect_fail "must be owner of table events"

# ---- the event log is append-only ----
t "no member may change or delete an event (grants)"
as alice sales "UPDATE events SET kind = 'x' WHERE id = 500;"
expect_fail "permission denied for table events"
as alice sales "DELETE FROM events WHERE id = 500;"
expect_fail "permission denied for table events"
t "not even the owner (triggers)"
as kariz_admin sales "UPDATE events SET kind = 'x';"
expect_fail "the event log is append-only"
as kariz_admin sales "DELETE FROM events WHERE lead_id = 1;"
expect_fail "the event log is append-only"
as kariz_admin sales "TRUNCATE events;"
expect_fail "the event log is append-only"
as_script kariz_admin sales <<'SQL'
\set VERBOSITY verbose
DELETE FROM events;
SQL
expect_fail "23000" # a constraint class, as SQLite's RAISE(ABORT)
as "$SU" sales "SELECT count(*) FROM events;"
expect_eq "$out" "4"

# ---- ids ----
t "ids: a given one is kept, a missing one is the next after the highest"
as kariz_admin sales "INSERT INTO leads (id, name, stage, stage_entered, touched, created, updated)
    VALUES (1000, 'Kept', 'lead', 1, 1, 1, 1);"
expect_ok
as alice sales "INSERT INTO leads (name, stage, stage_entered, touched, created, updated)
    VALUES ('Next', 'lead', 1, 1, 1, 1), ('And next', 'lead', 1, 1, 1, 1) RETURNING id;"
expect_eq "$(printf '%s' "$out" | tr '\n' ' ')" "1001 1002"
for tbl in imports leads stakeholders activities events; do
    as kariz_admin sales "SELECT pg_get_serial_sequence('$tbl', 'id') IS NULL;"
    expect_eq "$out" "t" "$tbl.id is given by kariz (no sequence)"
done
as kariz_admin sales "SELECT pg_get_serial_sequence('triage', 'id') IS NOT NULL;"
expect_eq "$out" "t" "triage.id is an identity"

t "deleting a lead takes its text, fields, people, activities and triage with it"
as alice sales "DELETE FROM leads WHERE id = 1;
SELECT concat((SELECT count(*) FROM lead_text), (SELECT count(*) FROM custom_fields),
    (SELECT count(*) FROM stakeholders), (SELECT count(*) FROM activities),
    (SELECT count(*) FROM triage), (SELECT count(*) FROM events WHERE lead_id = 1));"
expect_eq "$out" "000004" "(its events stay)"

t "a stage renamed in the rules renames it in the leads (ON UPDATE CASCADE)"
as alice sales "UPDATE stages SET name = 'new' WHERE name = 'lead';
SELECT DISTINCT stage FROM leads;"
expect_eq "$out" "new"

# ---- SQLite's functions ----
t "group_concat: NULLs skipped, the separator between, NULL for none"
as alice sales "SELECT group_concat(v, ', ' ORDER BY v) FROM (VALUES ('b'), (NULL), ('a')) AS x(v);"
expect_eq "$out" "a, b"
as alice sales "SELECT coalesce(group_concat(v, ','), 'none') FROM (VALUES (NULL::text)) AS x(v);"
expect_eq "$out" "none"
as alice sales "SELECT group_concat(v, '') FROM (VALUES (1::bigint), (2)) AS x(v);"
expect_eq "$out" "12" "integers as text, as SQLite"
as alice sales "INSERT INTO stakeholders (lead_id, name, role) VALUES (1001, 'P', 'champion'),
    (1001, 'Q', 'champion'), (1001, 'R', NULL), (1001, 'S', '');
SELECT coalesce((SELECT group_concat(role, ' ') FROM (SELECT DISTINCT role FROM stakeholders
    WHERE stakeholders.lead_id = leads.id AND role IS NOT NULL AND role <> '') AS r), '')
    FROM leads WHERE id = 1001;"
expect_eq "$out" "champion" "the store's roles column"

t "names sort with COLLATE kz_name, ignoring case"
as alice sales "SELECT string_agg(n, ' ' ORDER BY n COLLATE kz_name)
    FROM (VALUES ('bob'), ('Carol'), ('alice'), ('Bob'), ('Émile'), ('eve')) AS x(n);"
expect_eq "$out" "alice Bob bob Carol Émile eve"
as alice sales "SELECT string_agg(n, ' ' ORDER BY n COLLATE kz_name, n)
    FROM (VALUES ('bob'), ('Carol'), ('alice'), ('Émile'), ('eve')) AS x(n);"
expect_eq "$out" "alice bob Carol Émile eve"

t "the owner sets the team's name order as deployment.md says (Persian)"
doc_coll=$(grep -o "CREATE COLLATION kz_name (provider = icu, locale = 'fa-u-ks-level2')" "$src/docs/deployment.md")
[ -n "$doc_coll" ] || bad "no Persian collation in docs/deployment.md"
doc_idx=$(grep -o "CREATE INDEX leads_[a-z_]*name ON leads ([a-z, ]* COLLATE kz_name, id)" "$src/docs/deployment.md")
[ "$(printf '%s\n' "$doc_idx" | wc -l)" = 2 ] || bad "not the two name indexes in docs/deployment.md: $doc_idx"
persian="SELECT string_agg(n, ' ' ORDER BY n COLLATE kz_name, n) FROM (VALUES ('وحید'), ('هادی'),
    ('كريم'), ('کامران'), ('کریم'), ('Bob'), ('alice')) AS x(n);"
as alice sales "$persian"
expect_eq "$out" "alice Bob كريم کامران کریم هادی وحید" "root order"
as kariz_admin sales "BEGIN" "DROP COLLATION kz_name CASCADE" "$doc_coll" \
    "$(printf '%s\n' "$doc_idx" | head -1)" "$(printf '%s\n' "$doc_idx" | tail -1)" "COMMIT"
expect_ok
as alice sales "$persian"
expect_eq "$out" "کامران کریم كريم وحید هادی alice Bob" "Persian order, Persian script first"

# ---- the change feed ----
# psql prints a notification after the command that follows it
notices() { printf '%s\n' "$out" | grep -c 'Asynchronous notification "kariz" received'; }
t "each watched table notifies channel kariz on a change"
for stmt in \
    "INSERT INTO leads (name, stage, stage_entered, touched, created, updated) VALUES ('N', 'new', 1, 1, 1, 1)" \
    "UPDATE leads SET score = 1 WHERE id = 1001" \
    "INSERT INTO events (at, actor, kind) VALUES (1, '', 'note')" \
    "INSERT INTO activities (lead_id, at, kind, author) VALUES (1001, 1, 'call', 'a')" \
    "UPDATE stakeholders SET note = 'n' WHERE lead_id = 1001" \
    "INSERT INTO custom_fields (lead_id, name, value) VALUES (1001, 'x', 'y')" \
    "UPDATE stages SET label = 'New' WHERE name = 'new'" \
    "UPDATE meta SET value = 'z' WHERE key = 'rules'" \
    "INSERT INTO triage (lead_id, actor, at, decision) VALUES (1001, '', 1, 'keep')" \
    "DELETE FROM presence" \
    "INSERT INTO company_aliases (alias, company) VALUES ('a', 'b')"; do
    as_script alice sales <<SQL
LISTEN kariz;
$stmt;
SELECT 'after';
SQL
    n=$(notices)
    expect_eq "$n" "1" "$stmt"
done

t "one notification per transaction, none for one rolled back, none for unwatched tables"
as_script alice sales <<'SQL'
LISTEN kariz;
BEGIN;
UPDATE leads SET score = 2 WHERE id = 1001;
INSERT INTO events (at, actor, kind) VALUES (2, '', 'note');
UPDATE leads SET score = 3 WHERE id = 1001;
COMMIT;
SELECT 'after';
SQL
expect_eq "$(notices)" "1"
as_script alice sales <<'SQL'
LISTEN kariz;
BEGIN;
UPDATE leads SET score = 4 WHERE id = 1001;
ROLLBACK;
SELECT 'after';
UPDATE stage_totals SET n = n + 1;
SELECT 'after';
UPDATE leads SET score = 5 WHERE id = 424242;
SELECT 'after';
SQL
expect_eq "$(notices)" "1" "(only the statement on leads, even though it changed no row)"

t "another session's commit reaches a listener"
as_script alice sales <<SQL
LISTEN kariz;
\\! psql -XAtq -U mallory -d sales -c "UPDATE leads SET score = 6 WHERE id = 1001"
SELECT 'after';
SQL
expect_eq "$(notices)" "1"

# ---- search ----
t "a LIKE search reads the trigram index, Persian included"
as alice sales "
INSERT INTO leads (id, name, company, stage, stage_entered, touched, created, updated)
SELECT 2000 + g, 'lead ' || g, 'company ' || (g % 977), 'new', 1, 1, 1, 1
FROM generate_series(1, 10000) AS g;
INSERT INTO lead_text (id, doc)
SELECT id, name || chr(31) || company || chr(31) || chr(31)
    || CASE WHEN id % 1000 = 0 THEN 'کریم زاده' ELSE '' END FROM leads WHERE id > 2000;"
expect_ok
as kariz_admin sales "ANALYZE leads; ANALYZE lead_text;"
expect_ok
as alice sales "EXPLAIN SELECT id FROM lead_text WHERE doc LIKE '%lead 9876%' ESCAPE '\\';"
case "$out" in *"Bitmap Index Scan on lead_text_trgm"*) ok ;; *) bad "no trigram index scan in: $out" ;; esac
as alice sales "EXPLAIN SELECT id FROM lead_text WHERE doc LIKE '%کریم%' ESCAPE '\\';"
case "$out" in *"Bitmap Index Scan on lead_text_trgm"*) ok ;; *) bad "no trigram index scan in: $out" ;; esac
as alice sales "SELECT count(*) FROM lead_text WHERE doc LIKE '%کریم%' ESCAPE '\\';"
expect_eq "$out" "10"
as alice sales "SELECT count(*) FROM lead_text WHERE doc LIKE '%company 976' || chr(31) || '%';"
expect_eq "$out" "10"

# ---- backup and restore ----
t "pg_dump -Fc --create and pg_restore --create, as deployment.md: grants, triggers and history kept"
pgbin() { if [ -x "$bindir/$1" ]; then printf '%s\n' "$bindir/$1"; else command -v "$1"; fi; }
as "$SU" sales "SELECT concat((SELECT count(*) FROM leads), '/', (SELECT count(*) FROM events),
    '/', (SELECT count(*) FROM lead_text));"
before=$out
as "$SU" sales "SELECT max(id) FROM leads;"
last_id=$out
"$(pgbin pg_dump)" -Fc --create -f "$D/sales.dump" -U kariz_admin -d sales 2>"$D/err"
rc=$? err=$(cat "$D/err")
expect_ok "pg_dump as kariz_admin"
as "$SU" postgres "DROP DATABASE sales;"
expect_ok
"$(pgbin pg_restore)" --create -d postgres -U "$SU" "$D/sales.dump" 2>"$D/err"
rc=$? err=$(cat "$D/err")
expect_ok "pg_restore"
as alice sales "SELECT concat((SELECT count(*) FROM leads), '/', (SELECT count(*) FROM events),
    '/', (SELECT count(*) FROM lead_text));"
expect_eq "$out" "$before" "every row back, read by a member"
as alice sales "SELECT actor FROM events WHERE id = 500;"
expect_eq "$out" "carol" "the restored history keeps its actors"
as mallory sales "INSERT INTO events (at, actor, kind) VALUES (1, 'alice', 'note') RETURNING actor;"
expect_eq "$out" "mallory" "the actor trigger is back"
as alice sales "UPDATE events SET kind = 'x';"
expect_fail "permission denied for table events"
as kariz_admin sales "DELETE FROM events;"
expect_fail "the event log is append-only"
as alice sales "INSERT INTO leads (name, stage, stage_entered, touched, created, updated)
    VALUES ('After', 'new', 1, 1, 1, 1) RETURNING id;"
expect_eq "$out" "$((last_id + 1))" "ids go on where they were"
as outsider sales "SELECT 1;"
expect_fail 'permission denied for database "sales"'
as alice sales "EXPLAIN SELECT id FROM lead_text WHERE doc LIKE '%lead 9876%';"
case "$out" in *"lead_text_trgm"*) ok ;; *) bad "no trigram index after the restore: $out" ;; esac

printf '%d passed, %d failed\n' "$passes" "$fails"
[ "$fails" = 0 ]
