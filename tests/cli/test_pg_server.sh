#!/usr/bin/env bash
# What only a database on a server has: the acting user is the role the
# server authenticated (and the server writes it into every event, whatever
# a client says), connection strings with their passwords kept out of
# messages, a database holding something else refused, several first starts
# creating one schema, a server restart between commands, and a board's
# presence gone with its session. Runs on PostgreSQL (pg.cli.test_pg_server).
. "$(dirname "$0")/lib.sh"
if on_sqlite; then
    printf 'SKIPPED on SQLite: this test is about a PostgreSQL server (it runs as pg.cli.test_pg_server)\n' >&2
    exit 77
fi
export KARIZ_NOW="2026-11-24 10:00"
psql_as() { local who=$1; shift; psql -XAtq -v ON_ERROR_STOP=1 -d "$DB user=$who" "$@"; }
run k init; expect_rc 0

# a salesperson's own role, with the grants docs/deployment.md gives the team
mallory=kz_mallory_$$
pg_salesperson "$mallory"
reader=kz_reader_$$ noone=kz_noone_$$ known=kz_known_$$ admin=kz_admin_$$
drop_role() {
    local r
    # (the database the admin role owns goes first: a role that owns one
    # cannot be dropped)
    [ -z "${adb_name:-}" ] ||
        psql -XAtq -d "$KARIZ_TEST_PG" -c "DROP DATABASE IF EXISTS \"$adb_name\" WITH (FORCE)" >/dev/null 2>&1 || true
    for r in "$mallory" "$reader" "$noone" "$known" "$admin"; do
        psql -XAtq -d "$DB" -c "DROP OWNED BY $r" >/dev/null 2>&1 || true
        psql -XAtq -d "$KARIZ_TEST_PG" -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1 || true
    done
}
trap 'drop_role; lib_cleanup' EXIT
km() { "$KARIZ" --db "$DB user=$mallory" "$@"; }

t "the acting user is the authenticated role, on every path"
run k add "Ava Smith" --company Acme --email ava@acme.example; expect_rc 0
run km add "Bo Berg" --company Globex; expect_rc 0; bo=$out
run km note "$bo" "called back"; expect_rc 0
run km move "$bo" prospect --force --reason "met at the fair"; expect_rc 0
expect_eq "$(dbq "SELECT DISTINCT actor FROM events WHERE lead_id = $bo")" "$mallory" "every event of Bo's"
expect_eq "$(dbq "SELECT author FROM activities WHERE lead_id = $bo")" "$mallory" "the note's author"
run km history "$bo"; expect_rc 0; has_out "$mallory"; lacks_out "$ME "
run km assign "$bo" "$mallory" --force; expect_rc 0
run km list --mine --format csv; expect_rc 0; has_out "Bo Berg"; lacks_out "Ava Smith"

t "the users an owner is checked against are the database's roles, not this machine's accounts"
# a role that may change leads, no account here, owner of no lead yet
psql -XAtq -v ON_ERROR_STOP=1 -d "$DB" -c "CREATE ROLE $known LOGIN" \
    -c "GRANT SELECT, UPDATE ON leads TO $known" >/dev/null
expect_eq "$(dbq "SELECT count(*) FROM leads WHERE owner = '$known'")" 0 "leads $known owns"
run k assign "$bo" "$known"; expect_rc 0
expect_eq "$(dbq "SELECT owner FROM leads WHERE id = $bo")" "$known" "Bo's owner"
run k assign "$bo" "${known}x"; expect_rc 1
has_err "\"${known}x\" is not one of the team's roles (the team: "; has_err "did you mean $known?"
run k assign "$bo" "$mallory"; expect_rc 0
if getent passwd daemon >/dev/null; then
    run k assign "$bo" daemon; expect_rc 1; has_err '"daemon" is not one of the team'"'"'s roles'
    lacks_err "no account named"
else
    printf "%s: no account daemon here: its part skipped\n" "${0##*/}" >&2
fi
expect_eq "$(dbq "SELECT owner FROM leads WHERE id = $bo")" "$mallory" "Bo's owner, unchanged"

t "a role that may read but not change the leads is told so at once; one that may not read them is refused"
psql -XAtq -v ON_ERROR_STOP=1 -d "$DB" >/dev/null <<SQL
CREATE ROLE $reader LOGIN;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO $reader;
CREATE ROLE $noone LOGIN;
SQL
run "$KARIZ" --db "$DB user=$reader" note "$bo" "a note it may not write"; expect_rc 1
has_err "your role $reader may read but not change the leads of"
expect_eq "$(dbq "SELECT count(*) FROM activities WHERE note = 'a note it may not write'")" 0 "notes written"
run "$KARIZ" --db "$DB user=$reader" list --format csv; expect_rc 0; has_out "Bo Berg"
run "$KARIZ" --db "$DB user=$reader" --read-only show "$bo"; expect_rc 0; has_out "Bo Berg"
run "$KARIZ" --db "$DB user=$noone" list; expect_rc 1
has_err "your role $noone may not read the leads of"; has_err "it is a member of neither the team's role nor the readers' role, or that role lacks SELECT on kariz's tables"

t "a role that is not one of the team's is told so (not that no account has that name), with the team"
run k assign "$bo" "$reader"; expect_rc 1
has_err "kariz assign: \"$reader\" is not one of the team's roles (the team: "
has_err "$known"; has_err "$mallory"; has_err "), and no lead is owned by that name"
lacks_err "no account named"; lacks_err "USER"
run k list --owner "$reader"; expect_rc 0; has_err "kariz list: no lead is owned by $reader: \"$reader\" is not one of the team's roles"
run k report forecast --owner "$reader"; expect_rc 0; has_err "kariz report: no lead is owned by $reader: \"$reader\" is not one of the team's roles"

t "the tables' owner (docs/deployment.md's kariz_admin) is a role, but not one of the team's"
ADB=$(new_db admin.db)
adb_name=$(psql -XAtq -d "$ADB" -c 'SELECT current_database()')
psql -XAtq -v ON_ERROR_STOP=1 -d "$KARIZ_TEST_PG" -c "CREATE ROLE $admin LOGIN" \
    -c "ALTER DATABASE \"$adb_name\" OWNER TO $admin" >/dev/null
run "$KARIZ" --db "$ADB user=$admin" --rules "$KARIZ_SOURCE/rules.yaml" init; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | head -1)" "kariz's tables created in $ADB user=$admin (schema version 9)"
lacks_out "database $ADB"
run "$KARIZ" --db "$ADB" add "Cy Chan"; expect_rc 0; cy=$out
run "$KARIZ" --db "$ADB" assign "$cy" "$admin"; expect_rc 1
has_err "kariz assign: \"$admin\" is not one of the team's roles (the database has none yet"
lacks_err "no account named"
psql -XAtq -v ON_ERROR_STOP=1 -d "$ADB" -c "GRANT SELECT, UPDATE ON leads TO $known" >/dev/null
run "$KARIZ" --db "$ADB" assign "$cy" "$admin"; expect_rc 1
has_err "kariz assign: \"$admin\" is not one of the team's roles (the team: $known), and no lead is owned by that name"
run "$KARIZ" --db "$ADB" assign "$cy" "$known"; expect_rc 0
# a database only the team may connect to: the server's refusal, and what to do
NOC=$(new_db noconnect.db)
"$KARIZ" --db "$NOC" init >/dev/null
psql -XAtq -v ON_ERROR_STOP=1 -d "$KARIZ_TEST_PG" \
    -c "REVOKE CONNECT ON DATABASE \"$(psql -XAtq -d "$NOC" -c 'SELECT current_database()')\" FROM PUBLIC" >/dev/null
run "$KARIZ" --db "$NOC user=$noone" list; expect_rc 1
has_err "CONNECT privilege; the role may not connect to this database: make it a member of the team's role, or of the readers' role to read only, whichever has CONNECT on it"
# kariz init by a role that may not create the tables: who should run it
run "$KARIZ" --db "$(new_db notowner.db) user=$noone" init; expect_rc 1
has_err "kariz init is run by the role that is to own the tables"
lacks_err "creating the schema in"
# a database kariz cannot search in (LC_CTYPE C): the reason, the database
# named once
CLOC=$(new_db cctype.db)
cloc_name=$(psql -XAtq -d "$CLOC" -c 'SELECT current_database()')
psql -XAtq -v ON_ERROR_STOP=1 -d "$KARIZ_TEST_PG" -c "DROP DATABASE \"$cloc_name\"" \
    -c "CREATE DATABASE \"$cloc_name\" LOCALE 'C' TEMPLATE template0" >/dev/null
run "$KARIZ" --db "$CLOC" init; expect_rc 1
has_err "kariz: creating the schema in $CLOC: database \"$cloc_name\" has LC_CTYPE C"
lacks_err "creating the schema: "
# ... but not on a server that takes no writes (a standby): no role would do
RO=$(new_db readonly-server.db)
psql -XAtq -v ON_ERROR_STOP=1 -d "$KARIZ_TEST_PG" \
    -c "ALTER DATABASE \"$(psql -XAtq -d "$RO" -c 'SELECT current_database()')\" SET default_transaction_read_only = on" >/dev/null
run "$KARIZ" --db "$RO" init; expect_rc 1; has_err "read-only transaction"
lacks_err "run by the role"

t "ICU is loaded when first needed: a command that needs none runs without it; the Persian calendar says why dates stay Gregorian"
icu_major=$(pkg-config --modversion icu-uc | cut -d. -f1)
mkdir -p "$T/badicu"
: > "$T/badicu/libicui18n.so.$icu_major"
run env LD_LIBRARY_PATH="$T/badicu" "$KARIZ" --db "$DB" list; expect_rc 0; has_out "Ava Smith"; expect_eq "$err" "" "stderr"
run env LD_LIBRARY_PATH="$T/badicu" KARIZ_CALENDAR=persian "$KARIZ" --db "$DB" list; expect_rc 0
has_out "Ava Smith"
has_err "the Persian calendar needs ICU, and the ICU library could not be loaded ($T/badicu/libicui18n.so.$icu_major: file too short): install it (Debian: apt-get install libicu$icu_major); dates are shown in the Gregorian calendar"
run env LD_LIBRARY_PATH="$T/badicu" KARIZ_BIDI=kariz "$KARIZ" --db "$DB" list; expect_rc 0
has_err "reordering right-to-left text needs ICU, and the ICU library could not be loaded ($T/badicu/libicui18n.so.$icu_major: file too short): install it (Debian: apt-get install libicu$icu_major); the terminal is left to order it"
# a Solar Hijri date typed says what is missing, not that the date is wrong
run env LD_LIBRARY_PATH="$T/badicu" "$KARIZ" --db "$DB" followup "$bo" 1405/03/10; expect_rc 2
has_err 'cannot read date "1405/03/10": Solar Hijri dates need ICU, and the ICU library could not be loaded'
run env LD_LIBRARY_PATH="$T/badicu" "$KARIZ" --db "$DB" followup "$bo" "12 آذر 1405"; expect_rc 2
has_err 'Solar Hijri dates need ICU, and the ICU library could not be loaded'
expect_eq "$(dbq "SELECT count(*) FROM leads WHERE id = $bo AND next_due IS NOT NULL")" 0 "Bo's follow-up, never set"

t "no client writes an event in someone else's name"
psql_as "$mallory" -c "INSERT INTO events (id, lead_id, at, actor, kind) VALUES (1000, $bo, 0, 'bob', 'note')"
expect_eq "$(dbq "SELECT actor FROM events WHERE id = 1000")" "$mallory" "an event claiming bob"
psql_as "$mallory" -c "INSERT INTO triage (lead_id, actor, at, decision) VALUES ($bo, 'bob', 0, 'keep')"
expect_eq "$(dbq "SELECT actor FROM triage WHERE lead_id = $bo")" "$mallory" "a triage decision claiming bob"
run psql_as "$mallory" -c "UPDATE events SET actor = 'bob' WHERE id = 1000"
[ "$rc" != 0 ] && ok || bad "the event log took an update"
run psql_as "$mallory" -c "DELETE FROM events WHERE id = 1000"
[ "$rc" != 0 ] && ok || bad "the event log took a delete"
expect_eq "$(dbq "SELECT count(*) FROM events WHERE id = 1000")" 1 "the event is still there"

t "no rules file named: the team's rules as last loaded into the database, not the built-in ones"
sed 's/^    label: Lead$/    label: Inbox/' "$KARIZ_SOURCE/rules.yaml" >"$T/team.yaml"
grep -q 'label: Inbox' "$T/team.yaml" && ok || bad "the rules file was not changed"
run "$KARIZ" --db "$DB" --rules "$T/team.yaml" list; expect_rc 0
run "$KARIZ" --db "$DB" rules path; expect_rc 0; has_out "the team's rules, as last loaded into the database"
run "$KARIZ" --db "$DB" list; expect_rc 0
expect_eq "$(dbq "SELECT label FROM stages WHERE name = 'lead'")" "Inbox" "the stages stay the team's"

t "connection strings: a password never shows, a bad one is named"
run "$KARIZ" --db "postgresql://$ME:s3cr3t@localhost:1/nowhere?connect_timeout=2" list
expect_rc 1; has_err "cannot connect to the database"; has_err "***"
case "$err" in *s3cr3t*) bad "the password was shown" ;; *) ok ;; esac
run "$KARIZ" --db "host=/nonexistent dbname=x password='a s3cr3t'" list
expect_rc 1; case "$err" in *s3cr3t*) bad "the password was shown" ;; *) ok ;; esac
run "$KARIZ" --db "$DB user=nobody_$$" list; expect_rc 1; has_err "nobody_$$"
has_err "create the role and make it a member of the team's role"
run "$KARIZ" --db "dbname=postgresql://$ME:s3cr3t@/nowhere?host=/nonexistent" list; expect_rc 1
case "$err" in *s3cr3t*) bad "the password in a URI given as dbname was shown" ;; *) ok ;; esac
run "$KARIZ" --db "host=/nonexistent password	=s3cr3t dbname=x" list; expect_rc 1
case "$err" in *s3cr3t*) bad "a password after a tab was shown" ;; *) ok ;; esac
# a short password is not hidden inside the words of the server's answer
# (that garbled it, and told the password by the gaps)
run "$KARIZ" --db "$KARIZ_TEST_PG dbname=nowhere_$$ password=e" list; expect_rc 1
has_err "connection to server"; has_err "database \"nowhere_$$\" does not exist"
has_err "create the database first (createdb), then run \`kariz init\` on it"
run "$KARIZ" --db "$KARIZ_TEST_PG dbname=zz$$ password=zz$$" list; expect_rc 1
case "$err" in *\"zz$$\"*) bad "a password standing as a word was shown" ;; *) ok ;; esac
has_err 'database "***" does not exist'

# libpq's keywords may have spaces around '=', the first one's too
run "$KARIZ" --db "$DB" list; expect_rc 0; plain=$out
[ -n "$plain" ] && ok || bad "no leads to compare"
spaced="dbname = $(printf '%s' "$DB" | sed -n 's/.*dbname=\([^ ]*\).*/\1/p') $(printf '%s' "$DB" | sed 's/dbname=[^ ]*//')"
run "$KARIZ" --db "$spaced" list; expect_rc 0
expect_eq "$out" "$plain" "the same leads"

t "a kariz schema older than any this kariz opens on PostgreSQL is refused, untouched"
OLD=$(new_db old.db)
run "$KARIZ" --db "$OLD" init; expect_rc 0
DB=$OLD dbq "UPDATE meta SET value = '4' WHERE key = 'schema_version'"
run "$KARIZ" --db "$OLD" list; expect_rc 1; has_err "older than any this kariz can open"
expect_eq "$(DB=$OLD dbq "SELECT value FROM meta WHERE key = 'schema_version'")" 4 "untouched"

t "a database that holds something else is refused, and left alone"
OTHER=$(new_db other.db)
DB=$OTHER dbq "CREATE TABLE invoices (id int)"
run "$KARIZ" --db "$OTHER" init; expect_rc 1; has_err "is not a kariz database"
expect_eq "$(DB=$OTHER dbq "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 1 "nothing created"
run "$KARIZ" --db "$(new_db missing.db)" list; expect_rc 1; has_err "no database at"

t "a role with a schema of its own (first on the search path) opens the team's database"
OWNS=$(new_db ownschema.db)
"$KARIZ" --db "$OWNS" add "Team Lead" >/dev/null
me=$(psql -XAtq -d "$OWNS" -c "SELECT current_user")
psql -XAtq -v ON_ERROR_STOP=1 -d "$OWNS" -c "CREATE SCHEMA \"$me\" AUTHORIZATION \"$me\"" >/dev/null
run "$KARIZ" --db "$OWNS" list; expect_rc 0; has_out "Team Lead"
run "$KARIZ" --db "$OWNS" add "Second Lead"; expect_rc 0
expect_eq "$(psql -XAtq -d "$OWNS" -c "SELECT count(*) FROM public.leads")" 2 "both in the team's tables"
expect_eq "$(psql -XAtq -d "$OWNS" -c "SELECT count(*) FROM pg_tables WHERE schemaname = '$me'")" 0 \
    "nothing made in the role's own schema"

t "several first starts at once create one schema"
# (several rounds: a start that looked at the database while another's
# schema was being committed once took it for someone else's tables)
for round in 1 2 3 4 5; do
    NEW=$(new_db "new$round.db")
    for i in 1 2 3 4 5 6; do "$KARIZ" --db "$NEW" add "Lead $i" >"$T/init.$i" 2>&1 & done
    wait
    for i in 1 2 3 4 5 6; do
        grep -q '^[0-9]*$' "$T/init.$i" && ok || bad "round $round, start $i: $(cat "$T/init.$i")"
    done
    expect_eq "$(DB=$NEW dbq "SELECT count(*) FROM leads")" 6 "round $round: six leads"
    expect_eq "$(DB=$NEW dbq "SELECT string_agg(id::text, ' ' ORDER BY id) FROM leads")" \
        "1 2 3 4 5 6" "round $round: ids in order, no gaps"
done

t "the server restarts between commands: nothing lost, the next command works"
OWN=$T/own
bash "$KARIZ_SOURCE/tests/pg/cluster" start "$OWN" >/dev/null || need "could not start a cluster of its own in $OWN"
trap 'bash "$KARIZ_SOURCE/tests/pg/cluster" stop "$OWN" >/dev/null 2>&1; drop_role; lib_cleanup' EXIT
own=$(. "$OWN/env"; printf '%s' "$KARIZ_TEST_PG")
psql -XAtq -d "$own" -c "CREATE DATABASE kz_restart" >/dev/null
RDB="${own/dbname=postgres/dbname=kz_restart}"
run "$KARIZ" --db "$RDB" add "Before Restart"; expect_rc 0
bash "$KARIZ_SOURCE/tests/pg/cluster" restart "$OWN" >/dev/null && ok || bad "the restart failed"
run "$KARIZ" --db "$RDB" add "After Restart"; expect_rc 0
run "$KARIZ" --db "$RDB" list --format csv; expect_rc 0; has_out "Before Restart"; has_out "After Restart"

finish
