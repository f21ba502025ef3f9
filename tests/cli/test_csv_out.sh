#!/usr/bin/env bash
# CSV and JSON to a file or pipe keep the exact bytes, escape sequences
# included (tests/tty/test_data_output.c shows them sanitised on a terminal).
. "$(dirname "$0")/lib.sh"

name=$'Mallory\e]52;c;cHduZWQ=\aRed\e[31mX'
company=$'Evil\e]0;pwned\aCorp'
k add --company "$company" "$name" >/dev/null 2>&1

t "list --format csv to a pipe: exact bytes"
k list --format csv | tail -n 1 > "$T/list.csv"
grep -qF "$name" "$T/list.csv" && ok || bad "the name's bytes changed in list CSV"
grep -qF "$company" "$T/list.csv" && ok || bad "the company's bytes changed in list CSV"

t "export to a file: exact bytes, and it imports back the same"
k export > "$T/export.csv"
grep -qF "$name" "$T/export.csv" && ok || bad "the name's bytes changed in the export"
k export --format jsonl > "$T/export.jsonl"
expect_eq "$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["name"] == sys.argv[2])' "$T/export.jsonl" "$name")" True
DB=$(new_db back.db)
k import "$T/export.csv" >/dev/null 2>&1
expect_eq "$(dbq "SELECT name FROM leads" | od -An -tx1)" "$(printf '%s\n' "$name" | od -An -tx1)" "the name's bytes"

t "show, history and score --explain as JSON to a pipe: exact JSON, C1 and bidi included"
c1=$'C1\xc2\x9b31mLead\xe2\x80\xaeevil'
DB=$(new_db json.db)
k add "$c1" --set source=guide >/dev/null 2>&1
k set 1 "title=$c1"
run k show 1 --format json; expect_rc 0
expect_eq "$(json 'j["name"] == j["title"]')" True
grep -qF "$c1" "$T/out" && ok || bad "the name's bytes changed in show --format json"
run k history 1 --format json; expect_rc 0
grep -qF "$c1" "$T/out" && ok || bad "the title's bytes changed in history --format json"
expect_eq "$(json '[e["new"] for e in j if e["field"] == "title"][0]')" "$c1"
run k score 1 --explain --format json; expect_rc 0
expect_eq "$(json 'j["hits"][0]["matched"]')" guide

finish
