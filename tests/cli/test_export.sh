#!/usr/bin/env bash
# kariz export: every field and custom field, csv/json/jsonl, filters, and
# the round trip export -> import into an empty database -> the same leads.
. "$(dirname "$0")/lib.sh"
: "${KARIZ_SHARED:?KARIZ_SHARED must name the shared folder (bench/gen_leads.py)}"
export KARIZ_NOW="2026-11-20 10:00"

t "help and usage"
run k export --help; expect_rc 0; has_out "usage: kariz export"
run k export --format xml; expect_rc 2; has_err "expected csv, json or jsonl"
run k export extra; expect_rc 2
run k export; expect_rc 1; has_err "no database"

t "formats and filters"
k init >/dev/null
k add --company "Acme, Inc" --email ava@acme.example --value 12500.50 --owner alice --set favourite_color=teal "Ava Smith" >/dev/null
k add --company Globex --stage prospect --owner bob --set 'tier=gold "plus"' "Liam Kim" >/dev/null
k add --owner - "Noah Novak" >/dev/null
run k export; expect_rc 0
header=$(printf '%s\n' "$out" | head -1 | tr -d '\r')
case "$header" in "id,name,title,company,"*",version,score_at,score_due,custom.favourite_color,custom.tier") ok ;; *) bad "header: $header" ;; esac
expect_eq "$(printf '%s\n' "$out" | wc -l)" 4
has_out '"Acme, Inc"'
has_out '"gold ""plus"""'
has_out "12500.50"
run k export --format json; expect_rc 0
expect_eq "$(json 'len(j)')" 3
expect_eq "$(json 'j[1]["custom"]["tier"]')" 'gold "plus"'
expect_eq "$(json 'j[0]["value"]')" 12500.5
run k export --format jsonl; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | wc -l)" 3
expect_eq "$(printf '%s\n' "$out" | sed -n 2p | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')" "Liam Kim"
run k export --stage prospect --format jsonl; expect_eq "$(printf '%s\n' "$out" | wc -l)" 1; has_out "Liam Kim"
run k export --owner alice --format jsonl; has_out "Ava Smith"; lacks_out "Liam"
run k export --owner - --format jsonl; has_out "Noah Novak"; lacks_out "Ava"
run k export --search globex --format csv; has_out "Liam Kim"; lacks_out "Ava Smith"
expect_eq "$(printf '%s\n' "$out" | head -1 | tr -d '\r' | sed 's/.*score_due//')" ",custom.tier"
run k export --stage nowhere --format json; expect_rc 0; expect_out "[]"

t "CSV export keeps bytes exact"
k add --set $'note=two\r\nlines' --set 'formula==1+1' $'Eve\e]0;pwned\a' >/dev/null
run k export --format csv; expect_rc 0
case "$out" in *$'Eve\e]0;pwned\a'*) ok ;; *) bad "name was changed" ;; esac
case "$out" in *$'"two\r\nlines"'*) ok ;; *) bad "CRLF inside a field was changed" ;; esac
has_out ",=1+1"

t "round trip: hostile generated leads, export, import into an empty database"
DB=$T/one.db
python3 "$KARIZ_SHARED/bench/gen_leads.py" 2000 --hostile > "$T/gen.csv"
run k import "$T/gen.csv"; expect_rc 0
n=$(sql 'select count(*) from leads')
run k score --all; expect_rc 0; has_out "0 leads changed" # scored by the rules on the way in
[ "$(sql 'select count(distinct grade) from leads')" -gt 1 ] && ok || bad "every lead got the same grade"
[ "$n" -gt 1900 ] && ok || bad "only $n leads imported"
k export > "$T/one.csv"
k export --format jsonl > "$T/one.jsonl"
DB=$T/two.db
run k import "$T/one.csv"; expect_rc 0; has_out "$n created, 0 updated, 0 skipped (duplicates), 0 rejected"
k export > "$T/two.csv"
cmp -s "$T/one.csv" "$T/two.csv" && ok || bad "CSV round trip changed the leads"
# the same, compared field by field (CSV is text: values, not types)
python3 - "$T/one.csv" "$T/two.csv" <<'PY' && ok || bad "field values differ"
import csv, sys
a = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8", errors="surrogateescape")))
b = list(csv.DictReader(open(sys.argv[2], newline="", encoding="utf-8", errors="surrogateescape")))
assert len(a) == len(b) > 1900, (len(a), len(b))
for x, y in zip(a, b):
    for key in x:
        if key != "updated":
            assert x[key] == y[key], (key, x[key], y[key])
PY
expect_eq "$(sql "select count(*) from custom_fields where name = 'notes' and value like '%call me later%'")" \
    "$(sqlite3 "$T/one.db" "select count(*) from custom_fields where name = 'notes' and value like '%call me later%'")"
DB=$T/three.db
run k intake < "$T/one.jsonl"; expect_rc 0; has_out "$n created"
k export > "$T/three.csv"
cmp -s "$T/one.csv" "$T/three.csv" && ok || bad "JSON lines round trip changed the leads"

finish
