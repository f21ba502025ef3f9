#!/usr/bin/env bash
# kariz intake: JSON lines on standard input create or update leads.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-11-20 10:00"
k init >/dev/null

t "help and usage"
run k intake --help; expect_rc 0; has_out "usage: kariz intake"; has_out "JSON object a line"
run k intake extra; expect_rc 2; has_err "unexpected argument"
run k intake --on-duplicate sometimes; expect_rc 2; has_err "expected skip, update or new"

t "lines become leads; bad lines are named by line and key, the others go in"
cat > "$T/in.jsonl" <<'JSON'
{"name": "Ava Smith", "email": "ava@acme.example", "company": "Acme", "value": 12500.5, "employees": 250, "Job Title": "CTO", "favourite color": "teal"}

{"First Name": "Liam", "Last Name": "Kim", "Company Name": "Globex", "stage": "Prospect", "custom": {"tier": "gold"}}
{"name": "Bad Number", "employees": "lots"}
not json at all
{"name": "Nested", "title": {"x": 1}}
{"name": "No Such Stage", "stage": "somewhere else"}
["an", "array"]
{"email": " AVA@ACME.EXAMPLE ", "title": "VP"}
{"owner": "carol"}
JSON
run k intake < "$T/in.jsonl"; expect_rc 1
has_out "9 rows: 3 created, 0 updated, 1 skipped (duplicates), 5 rejected"
has_out "line 9 = lead 1"
has_err 'line 4: key "employees"'
has_err "line 5: not valid JSON (column 3"
has_err 'line 6: key "title": expected a string or a number'
has_out '"somewhere else": 1 row' # kept as crm_stage, listed in the summary
has_err "line 8: expected a JSON object"
has_err "line 10: no name, no e-mail and no company"
run k show --format json 1
expect_eq "$(json 'j["value"]')" 12500.5
expect_eq "$(json 'j["title"]')" CTO
expect_eq "$(json 'j["employees"]')" 250
expect_eq "$(json 'j["custom"]["favourite_color"]')" teal
expect_eq "$(json 'j["import_id"]')" 1
run k show --format json 2
expect_eq "$(json 'j["name"]')" "Liam Kim"
expect_eq "$(json 'j["stage"]')" prospect
expect_eq "$(json 'j["custom"]["tier"]')" gold
expect_eq "$(dbq "select count(*) from events where kind = 'import' and lead_id is null")" 1
expect_eq "$(dbq "select detail from events where kind = 'import' and lead_id is null" | python3 -c 'import json,sys; print(json.load(sys.stdin)["command"])')" intake

t "--on-duplicate update and new"
run k intake --on-duplicate update <<<'{"email": "ava@acme.example", "title": "CEO", "city": "Austin"}'
expect_rc 0; has_out "0 created, 1 updated"
expect_eq "$(dbq "select title || '/' || city || '/' || name from leads where id = 1")" "CEO/Austin/Ava Smith"
run k intake --on-duplicate new <<<'{"email": "ava@acme.example", "name": "Ava Twin"}'
expect_rc 0; has_out "1 created"
expect_eq "$(dbq "select count(*) from leads where email_key = 'ava@acme.example'")" 2

t "an empty stream"
run k intake < /dev/null; expect_rc 0; has_out "0 rows"

finish
