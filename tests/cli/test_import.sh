#!/usr/bin/env bash
# kariz import: header auto-mapping per CRM, dry run, duplicates, rejects.
. "$(dirname "$0")/lib.sh"
F=$KARIZ_FIXTURES/import
export KARIZ_NOW="2026-11-20 10:00"
k init >/dev/null

t "help"
run k import --help; expect_rc 0; has_out "usage: kariz import FILE.csv...|-"; has_out "--on-duplicate"
run k import; expect_rc 2; has_err "FILE.csv"
run k import - "$F/plain.csv"; expect_rc 2; has_err "several files are CSV files"
run k import "$F/plain.csv" "$F/zoho.csv" --kind deals; expect_rc 2; has_err "--kind is for one FILE"
run k import "$F/plain.csv" --on-duplicate maybe; expect_rc 2; has_err "expected skip, update or new"
run k import "$F/plain.csv" --map nonsense; expect_rc 2; has_err "expected COLUMN=field"
run k import "$F/plain.csv" --map 'Nope=email'; expect_rc 2; has_err 'no column "Nope"'
run k import "$F/plain.csv" --owner 'Not A User'; expect_rc 2; has_err "not a user name"
run k import "$T/missing.csv"; expect_rc 1; has_err "cannot open"

t "a dry run where there is no database yet previews into an empty pipeline"
mkdir -p "$T/scratch"
none=$(new_db none.db) # (no file on SQLite; an empty database on PostgreSQL)
run env TMPDIR="$T/scratch" "$KARIZ" --db "$none" import "$F/plain.csv" --dry-run; expect_rc 0
has_err "no database at"
has_err "previewing the import into an empty pipeline instead: nothing is written"
has_out "dry run of $F/plain.csv"
has_out "would create"
lacks_err "created a new database"
[ -e "$T/none.db" ] && bad "a dry run created a database" || ok
expect_eq "$(ls -A "$T/scratch")" "" "the preview's own database is removed"
run "$KARIZ" --db "$none" list; expect_rc 1; has_err "no database at" # still none
long="$T/scratch/$(printf 'directory%.0s' 1 2 3 4 5 6 7 8 9 10)" # a $TMPDIR of 100 and more bytes
mkdir -p "$long"
run env TMPDIR="$long" "$KARIZ" --db "$none" import "$F/plain.csv" --dry-run; expect_rc 0
has_err "previewing the import"; expect_eq "$(ls -A "$long")" "" "removed from a long \$TMPDIR too"
# (the preview's database goes where $TMPDIR says: where it cannot be made,
# the dry run says there is no database, as before)
run env TMPDIR="$T/no-such-dir" "$KARIZ" --db "$none" import "$F/plain.csv" --dry-run
expect_rc 1; has_err "no database at"; lacks_err "previewing"

t "dry run shows the mapping and writes nothing"
run k import "$F/hubspot.csv" --dry-run; expect_rc 0
has_out '"First Name" -> name (first part)'
has_out '"Company Name" -> company'
has_out '"Number of Employees" -> employees'
has_out '"Lifecycle Stage" -> status'
has_out '"Lead Status" -> custom field lead_status'
has_out '"Record ID" -> custom field record_id'
has_out '"Contact owner" -> owner'
has_out '"Create Date" -> created'
has_out "would create 2, update 0, skip 1 (duplicates), reject 0"
has_out "line 5 = lead 1"
expect_eq "$(dbq 'select count(*) from leads')" 0
expect_eq "$(dbq 'select count(*) from imports')" 0
expect_eq "$(dbq 'select count(*) from events')" 0

t "HubSpot export"
run k import "$F/hubspot.csv"; expect_rc 0
has_out "2 created, 0 updated, 1 skipped (duplicates), 0 rejected"
has_out "line 5 = lead 1"
run k show --format json 1; expect_rc 0
expect_eq "$(json 'j["name"]')" "Ava Smith"
expect_eq "$(json 'j["company"]')" "Acme Inc"
expect_eq "$(json 'j["employees"]')" 250
expect_eq "$(json 'j["revenue"]')" 1200000
expect_eq "$(json 'j["status"]')" lead
expect_eq "$(json 'j["owner"]')" alice
expect_eq "$(json 'j["stage"]')" lead
expect_eq "$(json 'j["created"]')" "2025-03-05T14:07:00Z"
expect_eq "$(json 'j["import_id"]')" 1
expect_eq "$(json 'j["custom"]["record_id"]')" 5101
expect_eq "$(json 'j["custom"]["notes"]')" "Asked about pricing, 50 seats"
expect_eq "$(json 'j["touched"]')" "2026-01-07T00:00:00Z" # Last Activity Date: the last touch
expect_eq "$(json '"last_activity_date" in j["custom"]')" False
expect_eq "$(json 'j["custom"]["lead_status"]')" New
expect_eq "$(dbq "select value from custom_fields where lead_id = 2 and name = 'notes'")" 'Said "call me later"'$'\r\n''then hung up'
run k score --all; expect_rc 0; has_out "0 leads changed" # scored on the way in
expect_eq "$(dbq "select count(*) from events where kind = 'import' and lead_id is null")" 1
expect_eq "$(dbq "select detail, actor, new_value from events where kind = 'import' and lead_id is null" |
             python3 -c 'import json,sys; d, a, v = sys.stdin.read().rstrip("\n").split("|", 2); d = json.loads(d); print(d["created"], d["skipped"], a, v, sep="/")')" \
    "2/1/$ME/$F/hubspot.csv"
# one event for the run, none per lead: the history shows the import from the
# lead's import_id and the imports row
expect_eq "$(dbq "select count(*) from events where kind = 'import' and lead_id is not null")" 0
run k history 2; expect_rc 0
has_out "2026-11-20 10:00  $ME"
has_out "imported    (from $F/hubspot.csv, import 1)"
run k history --format json 2; expect_rc 0
expect_eq "$(json 'j[0]["kind"] + "/" + str(j[0]["version"]) + "/" + j[0]["detail"]')" "import/1/from $F/hubspot.csv, import 1"
run k blame 2 title; expect_rc 0
has_out "title: \"VP of Sales\" since the lead was imported by $ME on 2026-11-20 10:00 (from $F/hubspot.csv, import 1)"
run k set 2 title=CRO; expect_rc 0
run k blame 2 title; expect_rc 0; has_out 'title: "CRO" set by'
run k history 2; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sed -n 1p | grep -c 'import ')" 1 # the import comes first
expect_eq "$(dbq 'select rows_done, created, skipped, CASE WHEN finished IS NULL THEN 0 ELSE 1 END from imports')" "3|2|1|1"

t "Salesforce export: a bad number is rejected with its line, the rest goes in"
run k import "$F/salesforce.csv"; expect_rc 1
has_out "1 created, 0 updated, 0 skipped (duplicates), 1 rejected"
has_err "salesforce.csv: line 3: column \"AnnualRevenue\""
has_err "not an amount"
run k list --search reza --format json
expect_eq "$(json 'j[0]["title"]')" "Head of Operations"
expect_eq "$(json 'j[0]["source"]')" "Trade show"
expect_eq "$(json 'j[0]["status"]')" qualified # Salesforce's "Working - Contacted"
expect_eq "$(json 'j[0]["custom"]["record_id"]')" 00Q1

t "Pipedrive export: a bad amount is rejected"
sed 's/"8000"/"lots"/' "$F/pipedrive.csv" > "$T/pipedrive.csv"
run k import "$T/pipedrive.csv" --rejects "$T/rej.csv"; expect_rc 1
has_err 'line 3: column "Deal - Value"'
has_out "rejected rows written to $T/rej.csv"
run k list --search kofi --format json
expect_eq "$(json 'j[0]["stage"]')" prospect
expect_eq "$(json 'j[0]["value"]')" 12500.5
expect_eq "$(json 'j[0]["currency"]')" EUR
expect_eq "$(json 'j[0]["close_date"]')" 2026-12-01
expect_eq "$(json 'j[0]["custom"]["deal_name"]')" "Hooli expansion"
expect_eq "$(head -1 "$T/rej.csv" | tr -d '\r')" \
    "Deal - ID,Deal - Title,Person - Name,Person - Email,Organization - Name,Deal - Value,Deal - Currency,Deal - Stage,Deal - Owner,Deal - Expected close date,kariz_reject_reason"
expect_eq "$(sed -n 2p "$T/rej.csv" | cut -d, -f1-8)" "78,Umbrella pilot,Zara Chen,zara@umbrella.example,Umbrella,lots,EUR,Negotiation"

t "the rejects file imports once fixed"
sed -i 's/,lots,/,8000,/' "$T/rej.csv"
run k import "$T/rej.csv"; expect_rc 0; has_out "1 created"
run k list --search zara --format json
expect_eq "$(json 'j[0]["stage"]')" opportunity
expect_eq "$(json '"kariz_reject_reason" in j[0]["custom"] or "reject_reason" in j[0]["custom"]')" False

t "Zoho export: a row with no name, e-mail or company is rejected"
run k import "$F/zoho.csv"; expect_rc 1
has_err "zoho.csv: line 3: no name, no e-mail and no company"
run k list --search lena --format json
expect_eq "$(json 'j[0]["owner"]')" alice
expect_eq "$(json 'j[0]["title"]')" "Procurement Lead"
expect_eq "$(json 'j[0]["phone"]')" "+49 30 1234"
expect_eq "$(json 'j[0]["employees"]')" 25

t "Odoo export: stage names are matched case-insensitively"
run k import "$F/odoo.csv"; expect_rc 1
has_err "line 3: column \"Probability\""
run k list --search maya --format json
expect_eq "$(json 'j[0]["stage"]')" prospect
expect_eq "$(json 'j[0]["value"]')" 45000
expect_eq "$(json 'j[0]["owner"]')" carol
expect_eq "$(json 'j[0]["custom"]["opportunity"]')" "Wonka ERP"
expect_eq "$(json 'j[0]["custom"]["sales_team"]')" "Europe"

t "plain names, --owner and --stage for rows without them"
run k import "$F/plain.csv" --owner erin --stage prospect; expect_rc 0; has_out "2 created"
run k list --search Larsen --format json
expect_eq "$(json 'j[0]["owner"]')" erin
expect_eq "$(json 'j[0]["stage"]')" prospect
run k list --search Ines --format json
expect_eq "$(json 'j[0]["stage"]')" lead
run k import "$F/plain.csv" --stage nowhere; expect_rc 2; has_err 'unknown stage'
printf 'name,owner\nOwned,Alice Smith\nFine,alice\n' > "$T/own.csv"
run k import "$T/own.csv"; expect_rc 0; has_out "2 created"
has_out '"Alice Smith": 1 row'
run k list --search Owned --format json
expect_eq "$(json 'j[0]["owner"]')" None
expect_eq "$(json 'j[0]["custom"]["crm_owner"]')" "Alice Smith"

t "duplicates: skip (the default), update, new"
DB=$(new_db dup.db)
printf 'name,email,company,title\nAva Smith,ava@acme.example,Acme,CTO\nLiam Kim,,Globex,CEO\n' > "$T/a.csv"
printf 'name,email,company,title,favourite\nAva S.,  AVA@Acme.Example ,Acme,VP of Sales,teal\nliam kim,,GLOBEX,Founder,\nAva Again,ava@acme.example,Acme,Intern,\n' > "$T/b.csv"
run k import "$T/a.csv"; expect_rc 0; has_out "2 created"
run k import "$T/b.csv"; expect_rc 0
has_out "0 created, 0 updated, 3 skipped (duplicates)"
# each listed with what the row holds otherwise (an update would write it)
has_out "duplicates: line 2 = lead 1 (differs: name, title, email, favourite), line 3 = lead 2 (differs: name, title, company), line 4 = lead 1 (differs: name, title)"
expect_eq "$(dbq 'select count(*) from leads')" 2
run k import "$T/b.csv" --on-duplicate update; expect_rc 0
has_out "0 created, 3 updated, 0 skipped"
has_out "duplicates (updated): line 2 = lead 1 (name, title, email, favourite), line 3 = lead 2 (name, title, company), line 4 = lead 1 (name, title, email)"
expect_eq "$(dbq 'select name, title from leads where id = 1')" "Ava Again|Intern"
expect_eq "$(dbq 'select title from leads where id = 2')" "Founder"
expect_eq "$(dbq "select value from custom_fields where lead_id = 1 and name = 'favourite'")" teal
expect_eq "$(dbq "select count(*) from events where lead_id = 1 and kind = 'field' and field = 'title'")" 2
run k history 1; expect_rc 0
has_out "(from $T/a.csv, import 1)" # created by the first import, updated by the others
has_out "title: VP of Sales -> Intern"
expect_eq "$(dbq 'select import_id from leads where id = 1')" 1
run k import "$T/b.csv" --on-duplicate new; expect_rc 0; has_out "3 created, 0 updated, 0 skipped"
expect_eq "$(dbq 'select count(*) from leads')" 5
DB=$(new_db test.db)

t "the same file twice: duplicates within the file and against the database"
DB=$(new_db twice.db)
printf 'Email,First Name\nx@y.example,Xa\nX@Y.EXAMPLE,Xb\n' > "$T/t.csv"
run k import "$T/t.csv"; expect_rc 0; has_out "1 created, 0 updated, 1 skipped"; has_out "line 3 = lead 1"
run k import "$T/t.csv"; expect_rc 0; has_out "0 created, 0 updated, 2 skipped"
DB=$(new_db test.db)

t "--map overrides and ignores columns"
DB=$(new_db map.db)
k init >/dev/null
printf 'Full,Mail,Org,Secret\nAva,ava@x.example,Acme,hush\n' > "$T/m.csv"
run k import "$T/m.csv" --map 'Full=name' --map 'Org=company' --map 'Secret=-' --map 'Mail=contact_mail' --dry-run
expect_rc 0; has_out '"Secret" -> ignored (--map)'; has_out '"Mail" -> custom field contact_mail (--map)'
run k import "$T/m.csv" --map 'Full=name' --map 'Org=company' --map 'Secret=-' --map 'Mail=contact_mail'
expect_rc 0
expect_eq "$(dbq "select name || '/' || company || '/' || coalesce(email, '-') from leads")" "Ava/Acme/-"
expect_eq "$(dbq "select group_concat(name, ',') from custom_fields")" contact_mail
run k import "$T/m.csv" --map 'Full=score'; expect_rc 2; has_err "computed by kariz"
DB=$(new_db test.db)

t "standard input, BOM, mixed line ends, blank lines"
DB=$(new_db stdin.db)
printf '\xef\xbb\xbfname,email\r\nA One,a1@x.example\n\n\r\nA Two,a2@x.example\r\n,\nA Three,a3@x.example' > "$T/s.csv"
run k import - < "$T/s.csv"; expect_rc 0; has_out "3 rows: 3 created"; has_out "standard input"
expect_eq "$(dbq "select group_concat(name, '|') from leads")" "A One|A Two|A Three"
DB=$(new_db test.db)

t "malformed CSV: each broken row is rejected with its line; the rest imports"
DB=$(new_db bad.db)
printf 'name,email\nGood One,g1@x.example\nBad "quote,b@x.example\nGood Two,g2@x.example\nNul\0Byte,n@x.example\nGood Three,"g3@x.example"\n"Open quote,o@x.example\nlost,l@x.example\n' > "$T/bad.csv"
run k import "$T/bad.csv" --rejects "$T/badrej.csv"; expect_rc 1
has_err "line 5, column 1: NUL byte"
has_err "line 7: quoted field not closed"
has_out "4 created"; has_out "2 rejected"
# a quote inside an unquoted field is a literal quote, as spreadsheets read it
expect_eq "$(dbq "select group_concat(name, '|') from leads")" 'Good One|Bad "quote|Good Two|Good Three'
expect_eq "$(wc -l < "$T/badrej.csv")" 4
# the malformed rows as they stood in the file, byte for byte, then the reason
expect_eq "$(python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
print(b"\r\nNul\0Byte,n@x.example,\"line 5, column 1: NUL byte in the field\"\r\n" in d,
      b"\r\n\"Open quote,o@x.example\nlost,l@x.example,\"line 7: quoted field not closed" in d)
' "$T/badrej.csv")" "True True"
DB=$(new_db test.db)

t "a field over the size limit is rejected, memory stays bounded"
DB=$(new_db big.db)
{ printf 'name,notes\nBefore,x\nHuge,"'; head -c 1100000 /dev/zero | tr '\0' 'y'; printf '"\nAfter,z\n'; } > "$T/huge.csv"
run k import "$T/huge.csv"; expect_rc 1
has_err "line 3, column 2: field longer than 1048576 bytes"
expect_eq "$(dbq "select group_concat(name, '|') from leads")" "Before|After"
DB=$(new_db test.db)

t "terminal data is sanitised in messages"
DB=$(new_db esc.db)
printf 'name,stage\nEve,\033]0;pwned\007\n' > "$T/esc.csv"
run k import "$T/esc.csv"; expect_rc 0
case "$err$out" in *$'\033'*) bad "raw escape in the output" ;; *) ok ;; esac
printf 'name,employees\nEve,\033]0;pwned\007\n' > "$T/esc.csv"
run k import "$T/esc.csv"; expect_rc 1
case "$err" in *$'\033'*) bad "raw escape in stderr" ;; *) ok ;; esac
DB=$(new_db test.db)

t "progress: a bar on a terminal, nothing extra otherwise"
DB=$(new_db progress.db)
k init >/dev/null
gen_leads 600 > "$T/p.csv"
run k import "$T/p.csv"; expect_rc 0; expect_eq "$err" "" "stderr when not a terminal"
lacks_out "rows/s"
if command -v script >/dev/null; then
    DB=$(new_db progress2.db)
    script -qec "\"$KARIZ\" --db \"$DB\" import \"$T/p.csv\"" /dev/null > "$T/tty.out" 2>&1
    out=$(cat "$T/tty.out")
    has_out "rows/s"; has_out "ETA"; has_out "600 created"
fi
DB=$(new_db test.db)

t "read-only database"
run k --read-only import "$F/plain.csv"; expect_rc 1; has_err "read-only"

finish
