#!/usr/bin/env bash
# A database of schema version 5 (tests/fixtures/schema-v5.sql; on
# PostgreSQL, pg.cli.test_migrate, tests/fixtures/schema-pg-v5.sql with the
# same rows) is brought to the current version by the kariz processes that
# open it, once, while six start at once: each sees the new version and the
# same leads, and every sort order and search reads what it read before.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-11-24 10:00"
fx=$KARIZ_SOURCE/tests/fixtures

load_v5() {
    if on_pg; then
        dbq <"$fx/schema-pg-v5.sql" >/dev/null && dbq <"$fx/schema-pg-v5-data.sql" >/dev/null
    else
        rm -f "$DB" && sqlite3 "$DB" <"$fx/schema-v5.sql"
    fi
}
version() {
    if on_pg; then
        dbq "SELECT value FROM meta WHERE key = 'schema_version'"
    else
        sqlite3 "$DB" "PRAGMA user_version"
    fi
}
sort_indexes() {
    if on_pg; then
        dbq "SELECT indexname FROM pg_indexes WHERE tablename = 'leads' ORDER BY 1" | tr '\n' ' '
    else
        sqlite3 "$DB" "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'leads' ORDER BY 1" | tr '\n' ' '
    fi
}
ids() { printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | tr '\n' ' '; }

t "the fixture is a database of schema version 5 without the sort orders' indexes"
load_v5; expect_eq "$?" 0 "loading the fixture"
expect_eq "$(version)" 5
case " $(sort_indexes)" in *" leads_value "*) bad "leads_value before the upgrade" ;; *) ok ;; esac

t "six kariz started at once upgrade it once, and each lists the same leads"
pids=()
for i in 1 2 3 4 5 6; do
    k list --sort value --format csv >"$T/out$i" 2>"$T/err$i" &
    pids+=($!)
done
for i in 1 2 3 4 5 6; do
    wait "${pids[$((i - 1))]}"
    expect_eq "$?" 0 "kariz $i's exit status ($(cat "$T/err$i"))"
    expect_eq "$(tail -n +2 "$T/out$i" | cut -d, -f1 | tr '\n' ' ')" "2 5 1 4 6 3 " "kariz $i, by value"
done
expect_eq "$(version)" 9
want="leads_age leads_board leads_company_key leads_due leads_due_board leads_email leads_email_domain leads_email_holder leads_import "
want+="leads_name leads_name_company "
on_sqlite && want+="leads_name_unkeyed "
want+="leads_owner_age leads_owner_board leads_owner_due leads_owner_name leads_owner_value "
on_pg && want+="leads_pkey "
want+="leads_score_due leads_value "
expect_eq "$(sort_indexes)" "$want" "the indexes of leads"

t "the upgraded database keeps its rows"
expect_eq "$(dbq "SELECT count(*) FROM leads")|$(dbq "SELECT count(*) FROM activities")" "6|1"
expect_eq "$(dbq "SELECT count(*) FROM events WHERE id <= 7")" 7 "the history"
expect_eq "$(dbq "SELECT stage || ':' || owner || ':' || n || ':' || value FROM stage_totals ORDER BY stage, owner" | tr '\n' ' ')" \
    "lead:bob:2:1280000 lead:root:3:530000 prospect:root:1:1200000 " "the column totals"

if on_pg; then
    t "PostgreSQL: each lead's board keys beside its search text (version 9)"
    expect_eq "$(dbq "SELECT count(*) FROM lead_text t JOIN leads l USING (id) WHERE (t.stage, t.owner, t.grade, t.score, t.value, t.stage_entered, t.next_due, t.name) IS NOT DISTINCT FROM (l.stage, l.owner, l.grade, l.score, l.value, l.stage_entered, l.next_due, l.name)")|$(dbq "SELECT count(*) FROM lead_text")" \
        "6|6" "the keys of every lead's text"
    dbq "UPDATE leads SET score = score + 7 WHERE id = 2" >/dev/null
    expect_eq "$(dbq "SELECT score FROM lead_text WHERE id = 2")" "$(dbq "SELECT score FROM leads WHERE id = 2")" "kept by the trigger"
    dbq "UPDATE leads SET score = score - 7 WHERE id = 2" >/dev/null
    expect_eq "$(dbq "SELECT count(*) FROM pg_indexes WHERE indexname = 'lead_text_trgm'")" 1 "the trigram index built again"
fi

t "every sort order reads the same leads in the same order"
run k list --sort value --format csv; expect_rc 0; expect_eq "$(ids)" "2 5 1 4 6 3 " "value"
run k list --sort age --format csv; expect_rc 0; expect_eq "$(ids)" "1 2 3 4 5 6 " "age"
run k list --sort due --format csv; expect_rc 0; expect_eq "$(ids)" "3 2 1 4 5 6 " "due"
run k list --sort name --format csv; expect_rc 0; expect_eq "$(ids)" "1 2 3 5 6 4 " "name"
run k list --sort score --format csv; expect_rc 0; expect_eq "$(ids)" "2 5 1 3 4 6 " "score"
run k list --stage lead --sort value --format csv; expect_rc 0; expect_eq "$(ids)" "2 1 4 6 3 " "a stage by value"
run k list --stage lead --owner root --sort due --format csv; expect_rc 0
expect_eq "$(ids)" "3 1 6 " "an owner's stage by due date"

t "search reads the same matches (name, company, a note) in each order"
run k list --stage lead --search wonk --sort value --format csv; expect_rc 0; expect_eq "$(ids)" "1 4 3 " "value"
run k list --stage lead --search wonk --sort age --format csv; expect_rc 0; expect_eq "$(ids)" "1 3 4 " "age"
run k list --stage lead --search wonk --sort name --format csv; expect_rc 0; expect_eq "$(ids)" "1 3 4 " "name"

t "a new lead after the upgrade takes its place in the sort orders"
run k add "Flo Wonk" --value 7000 --owner root --force; expect_rc 0; expect_out 7
run k list --stage lead --search wonk --sort value --format csv; expect_eq "$(ids)" "7 1 4 3 "

t "kariz init says what it did to an old database: upgraded it, then nothing"
DB=$(new_db v5-init.db)
load_v5; expect_eq "$?" 0 "loading the fixture"
run k init; expect_rc 0; has_out "upgraded to schema version 9"
expect_eq "$(version)" 9
run k init; expect_rc 0; has_out "was set up already (schema version 9)"

finish
