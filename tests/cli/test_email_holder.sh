#!/usr/bin/env bash
# One lead holds an e-mail: the database's unique index (leads_email_holder)
# says so, not a look-up, so an import's duplicate check holds whatever the
# engine and however many imports run at once. A lead given an e-mail
# another holds on purpose (add, set, import --on-duplicate new) shares it;
# a database from before version 7 is migrated with the oldest lead of each
# e-mail holding it. Runs on SQLite and PostgreSQL (pg.cli.test_email_holder).
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-12-03 10:00"
run k init; expect_rc 0
holders() { dbq "SELECT id || ':' || email_shared FROM leads WHERE email_key = '$1' ORDER BY id" | tr '\n' ' '; }

t "an e-mail in use is shared on purpose by add and set, held by one"
run k add "Ava Smith" --company Acme --email ava@acme.example; expect_rc 0; ava=$out
run k add "Ava S." --company Acme --email " AVA@acme.example" --force; expect_rc 0; ava2=$out
expect_eq "$(holders ava@acme.example)" "$ava:0 $ava2:1 " "the first holds, the second shares"
run k add "Bo Berg" --company Globex --email bo@globex.example; expect_rc 0; bo=$out
run k set "$bo" email=ava@acme.example; expect_rc 0
expect_eq "$(holders ava@acme.example)" "$ava:0 $ava2:1 $bo:1 " "a save giving it a held e-mail"
run k set "$ava" email=ava@smith.example; expect_rc 0
expect_eq "$(holders ava@smith.example)" "$ava:0 " "a new e-mail is held"
run k set "$ava2" name="Ava Smith-Jones"; expect_rc 0
expect_eq "$(holders ava@acme.example)" "$ava2:1 $bo:1 " "a lead keeps sharing while it keeps its e-mail"

t "the database itself refuses a second holder, from any client"
run dbq "UPDATE leads SET email_shared = 0 WHERE id = $ava2"; expect_rc 0
run dbq "UPDATE leads SET email_shared = 0 WHERE id = $bo"
[ "$rc" != 0 ] && ok || bad "a second holder of ava@acme.example was accepted"
expect_eq "$(dbq "SELECT count(*) FROM leads WHERE email_key = 'ava@acme.example' AND email_shared = 0")" 1 "one holder"

t "four imports of the same contacts at once: one lead per e-mail"
{
    echo "Name,Company,Email"
    for i in $(seq 1 120); do echo "Person $i,Firm $((i % 7)),p$i@firm.example"; done
} >"$T/contacts.csv"
pids=()
for n in 1 2 3 4; do
    k import "$T/contacts.csv" >"$T/imp$n.out" 2>"$T/imp$n.err" &
    pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
expect_eq "$fails" 0 "every import finished"
expect_eq "$(dbq "SELECT count(*) FROM leads WHERE email_key LIKE 'p%@firm.example'")" 120 "120 leads"
expect_eq "$(dbq "SELECT count(DISTINCT email_key) FROM leads WHERE email_key LIKE 'p%@firm.example'")" 120 "120 e-mails"
expect_eq "$(dbq "SELECT count(*) FROM leads WHERE email_key LIKE 'p%@firm.example' AND email_shared = 0")" 120 "each held"

t "import --on-duplicate new shares the e-mail; the next import updates the holder"
printf 'Name,Company,Email\nPerson 1 again,Firm 1,P1@firm.example\n' >"$T/again.csv"
run k import "$T/again.csv" --on-duplicate new; expect_rc 0
p1=$(dbq "SELECT id FROM leads WHERE email_key = 'p1@firm.example' AND email_shared = 0")
again=$(dbq "SELECT id FROM leads WHERE name = 'Person 1 again'")
expect_eq "$(holders p1@firm.example)" "$p1:0 $again:1 " "the new lead shares"
printf 'Name,Company,Email,Title\nPerson 1,Firm 1,p1@firm.example,CTO\n' >"$T/update.csv"
run k import "$T/update.csv" --on-duplicate update; expect_rc 0
expect_eq "$(dbq "SELECT title FROM leads WHERE id = $p1")" CTO "the holder updated"

t "a copy keeps who holds and who shares"
if on_sqlite; then
    copy=$T/copy.db
    run k copy "$DB" "$copy"; expect_rc 0
    expect_eq "$(sqlite3 "$copy" "SELECT group_concat(id || ':' || email_shared, ' ') FROM (SELECT * FROM leads WHERE email_key = 'p1@firm.example' ORDER BY id)")" "$p1:0 $again:1" "the copy"
else
    ok
fi

t "a database from before version 7: the oldest lead of each e-mail holds it"
old=$(new_db old.db)
if on_sqlite; then
    sqlite3 "$old" <"$KARIZ_SOURCE/tests/fixtures/schema-v5.sql"
    oq() { sqlite3 "$old" "$1"; }
else
    psql -XAtq -v ON_ERROR_STOP=1 -d "$old" -f "$KARIZ_SOURCE/tests/fixtures/schema-pg-v5.sql" >/dev/null
    psql -XAtq -v ON_ERROR_STOP=1 -d "$old" -c "INSERT INTO meta (key, value) VALUES ('schema_version', '5') ON CONFLICT DO NOTHING" >/dev/null
    oq() { psql -XAtq -v ON_ERROR_STOP=1 -F '|' -d "$old" -c "$1"; }
fi
oq "INSERT INTO stages (name, label, position, probability, stale_days, kind) VALUES ('lead', 'Lead', 0, 5, 7, 'open') ON CONFLICT DO NOTHING" >/dev/null
for row in "101,Ann One,ann@x.example" "102,Ann Two,ANN@x.example " "103,Cy Three,cy@x.example" "104,Ann Three,ann@x.example" "105,No Mail,"; do
    IFS=, read -r id name mail <<<"$row"
    oq "INSERT INTO leads (id, name, email, stage, stage_entered, touched, created, updated) VALUES ($id, '$name', NULLIF('$mail', ''), 'lead', 0, 0, 0, 0)" >/dev/null
done
if on_pg; then
    # a salesperson's role may not alter the tables: refused, nothing changed
    team=kz_team_$$
    psql -XAtq -v ON_ERROR_STOP=1 -d "$old" >/dev/null <<SQL
CREATE ROLE $team LOGIN;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO $team;
SQL
    trap 'psql -XAtq -d "$old" -c "DROP OWNED BY $team" -c "DROP ROLE IF EXISTS $team" >/dev/null 2>&1 || true; lib_cleanup' EXIT
    run "$KARIZ" --db "$old user=$team" --rules "$KARIZ_SOURCE/rules.yaml" list --format csv
    [ "$rc" != 0 ] && ok || bad "a role that may not alter the tables migrated them"
    has_err "migrating"
    expect_eq "$(oq "SELECT value FROM meta WHERE key = 'schema_version'")" 5 "still version 5"
fi
# four kariz starting at once on the old database: one migrates it, the
# others wait and find it done
pids=()
for n in 1 2 3; do
    "$KARIZ" --db "$old" --rules "$KARIZ_SOURCE/rules.yaml" list --format csv >"$T/m$n.out" 2>"$T/m$n.err" &
    pids+=($!)
done
run "$KARIZ" --db "$old" --rules "$KARIZ_SOURCE/rules.yaml" list --format csv; expect_rc 0
has_out "Ann Three"
fails=0
for p in "${pids[@]}"; do wait "$p" || { fails=$((fails + 1)); cat "$T"/m*.err >&2; }; done
expect_eq "$fails" 0 "every start at once succeeded"
expect_eq "$(oq "SELECT id FROM leads WHERE id > 100 AND email_shared = 1 ORDER BY id" | tr '\n' ' ')" "102 104 " "the later Anns share"
expect_eq "$(oq "SELECT count(*) FROM leads WHERE id > 100 AND email_shared = 0")" 3 "Ann One, Cy and the lead without e-mail hold"
if on_sqlite; then
    expect_eq "$(oq "PRAGMA user_version")" 9 "the schema version"
else
    expect_eq "$(oq "SELECT value FROM meta WHERE key = 'schema_version'")" 9 "the schema version"
fi
if on_pg; then
    # version 7 also calls kz_next_id only for a row without an id
    expect_eq "$(oq "SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%_id' AND pg_get_triggerdef(oid) LIKE '%WHEN ((new.id IS NULL))%'")" 5 "the id triggers, migrated"
    expect_eq "$(dbq "SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%_id' AND pg_get_triggerdef(oid) LIKE '%WHEN ((new.id IS NULL))%'")" 5 "the id triggers, new"
    expect_eq "$(oq "INSERT INTO leads (name, stage, stage_entered, touched, created, updated) VALUES ('By Hand', 'lead', 0, 0, 0, 0) RETURNING id")" 106 "a row inserted by hand is numbered"
fi
run oq "UPDATE leads SET email_shared = 0 WHERE id = 104"
[ "$rc" != 0 ] && ok || bad "the migrated database took a second holder"
finish
