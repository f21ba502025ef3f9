#!/usr/bin/env bash
# kariz copy FROM TO: a whole pipeline into a new database and back, every
# row and id kept. Run on PostgreSQL (pg.cli.test_copy) the middle database
# is a PostgreSQL one: SQLite -> PostgreSQL -> SQLite, compared table by
# table with the original; on SQLite all three are files.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-11-24 10:00"
A=$T/a.db
MID=$(new_db mid.db)
C=$T/c.db
ka() { "$KARIZ" --db "$A" "$@"; }
km() { "$KARIZ" --db "$MID" "$@"; }

t "a pipeline with everything in it"
run ka demo --leads 40 --no-board; expect_rc 0
run ka add "Zoë Ünal" --company "Acme Ltd" --email zoe@acme.example --value 1234567.89 \
    --set "favourite_colour=teal"; expect_rc 0
zoe=$out
run ka stakeholder add "$zoe" "Mia Khan" --role champion --title CFO; expect_rc 0
run ka log "$zoe" call answered --note "wants a quote: ‮RLO and 'quotes'" --with "Mia Khan"; expect_rc 0
run ka move "$zoe" prospect --force --reason "met at the fair"; expect_rc 0
run ka account alias "ACME Limited" "Acme Ltd"; expect_rc 0
printf 'name,email,company\nکریم رضایی,karim@example.ir,شرکت نمونه\nBob Roe,bob@roe.example,Roe Inc\n' \
    >"$T/in.csv"
run ka import "$T/in.csv"; expect_rc 0
run ka lost 3 --reason no_budget; expect_rc 0

# every table a copy carries, in a stable order, one line per row
dump() {
    sqlite3 "$1" "
      SELECT 'stage', name, label, position, probability, stale_days, kind, retired FROM stages ORDER BY name;
      SELECT 'import', id, source, fingerprint, actor, started, finished, rows_done, created, updated, skipped, rejected FROM imports ORDER BY id;
      SELECT 'lead', * FROM leads ORDER BY id;
      SELECT 'custom', lead_id, name, value FROM custom_fields ORDER BY lead_id, name;
      SELECT 'stakeholder', * FROM stakeholders ORDER BY id;
      SELECT 'activity', * FROM activities ORDER BY id;
      SELECT 'alias', * FROM company_aliases ORDER BY alias;
      SELECT 'event', * FROM events ORDER BY id;
      SELECT 'triage', * FROM triage ORDER BY id;
      SELECT 'meta', key, value FROM meta WHERE key NOT IN ('schema_version', 'search_form') ORDER BY key;
      SELECT 'total', * FROM stage_totals ORDER BY stage, owner;"
}

t "copy into a new database, and back into a new file"
run "$KARIZ" copy "$A" "$MID"; expect_rc 0; has_out "copied "
rows=$(printf '%s' "$out" | grep -o 'copied [0-9]*' | grep -o '[0-9]*')
[ "${rows:-0}" -gt 300 ] && ok || bad "copied only ${rows:-0} rows"
run "$KARIZ" copy "$MID" "$C"; expect_rc 0; has_out "copied $rows rows"
before=$(dump "$A"); after=$(dump "$C")
[ -n "$before" ] && [ "$before" = "$after" ] && ok ||
    bad "the copy back differs: $(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | head -5)"

t "the copy is a working database: same leads, search, history, reports"
for q in "list --format csv" "list --search acme --format csv" "list --search کریم --format csv" \
    "list --search ÜNAL --format csv" "history $zoe --format json" "show $zoe --format json" \
    "report funnel --format csv" "report forecast --format csv" "account Acme --format json"; do
    a=$(ka $q 2>&1); m=$(km $q 2>&1)
    [ "$a" = "$m" ] && ok || bad "kariz $q differs after the copy: $(diff <(printf '%s\n' "$a") <(printf '%s\n' "$m") | head -4)"
done
run km add "After Copy" --email after@copy.example; expect_rc 0
next=$out
last=$(sqlite3 "$A" "SELECT max(id) FROM leads")
expect_eq "$next" "$((last + 1))" "a new lead takes the id after the copied ones"
run km log "$next" call answered; expect_rc 0

t "a target that holds leads is refused, and nothing is written"
n=$(sqlite3 "$C" "SELECT count(*) FROM leads")
run "$KARIZ" copy "$A" "$C"; expect_rc 1; has_err "already holds leads"
expect_eq "$(sqlite3 "$C" "SELECT count(*) FROM leads")" "$n" "nothing added"
run "$KARIZ" copy "$A" "$A"; expect_rc 2; has_err "the same database"
run "$KARIZ" copy "$A"; expect_rc 2; has_err "FROM and TO are required"
run "$KARIZ" copy "$T/missing.db" "$T/new.db"; expect_rc 1
has_err "no kariz database at $T/missing.db to copy from; nothing was copied"
lacks_err "kariz init" # (a copy's source is not made by init)
[ ! -e "$T/new.db" ] && ok || bad "a failed copy created its target"
# a copy that fails part-way (a lead whose stage the copy cannot write)
# leaves no file of its own behind, and nothing in a target that was there
sqlite3 "$A" "PRAGMA foreign_keys = OFF; UPDATE leads SET stage = 'nowhere' WHERE id = 1"
run "$KARIZ" copy "$A" "$T/part.db"; expect_rc 1
[ ! -e "$T/part.db" ] && ok || bad "a failed copy left its new target behind"

finish
