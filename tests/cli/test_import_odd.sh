#!/usr/bin/env bash
# CSV read as leniently as spreadsheet programs where the meaning is clear
# (CR-only line ends, a quote inside an unquoted field, a field of exactly
# the size limit); files whose rows cannot be found are errors; the rejects
# file keeps a malformed row's original bytes.
. "$(dirname "$0")/lib.sh"
: "${KARIZ_FIXTURES:?}"
F=$KARIZ_FIXTURES/import
k init >/dev/null

t "CR-only line ends: every row, not one long header"
run k import "$F/cr_only.csv"
expect_rc 0
has_out "3 rows: 3 created"
expect_eq "$(dbq "SELECT name || '|' || company || '|' || (SELECT value FROM custom_fields c WHERE c.lead_id = l.id AND c.name = 'height') FROM leads l ORDER BY id")" "Ada Lovelace|Analytical Engines|5'7\"
Charles Babbage|Difference, Ltd|5'11\"
Grace Hopper|US Navy|5'6\""

t "a quote inside an unquoted field is a literal quote"
DB=$(new_db quote.db)
run k import "$F/stray_quote.csv"
expect_rc 0
has_out "2 rows: 2 created"
expect_eq "$(dbq "SELECT group_concat(name, '|') FROM leads")" 'Ada|Bob "the builder"'
expect_eq "$(dbq "SELECT value FROM custom_fields WHERE name = 'notes'")" 'said "yes" twice'

t "a header and no data rows is an error, not 0 rows"
DB=$(new_db empty.db)
k init >/dev/null
run k import "$F/header_only.csv" --rejects "$T/rej.csv"
expect_rc 1
has_err "header_only.csv: no data rows after the header (line 1 holds 6 columns)"
[ ! -e "$T/rej.csv" ] && ok || bad "a failed import left a rejects file"
expect_eq "$(dbq "SELECT count(*) FROM leads; SELECT count(*) FROM imports")" "0
0"

t "one giant line without a line break is an error"
python3 -c 'print(",".join("c%d" % i for i in range(5000)), end="")' > "$T/giant.csv"
run k import "$T/giant.csv"
expect_rc 1
has_err "no data rows after the header (line 1 holds 5000 columns)"

t "a binary file is an error"
head -c 4096 "$KARIZ" > "$T/binary.csv"
run k import "$T/binary.csv"
expect_rc 1
has_err "binary.csv: the header"
printf 'name\001\002,x\nAda,1\n' > "$T/ctl.csv"
run k import "$T/ctl.csv"
expect_rc 1
has_err "ctl.csv: line 1, column 1: the header holds control bytes (0x01): this is not a CSV text file"

t "a field of exactly the size limit imports; one byte more is rejected by line and column"
DB=$(new_db limit.db)
k init >/dev/null
python3 -c '
import sys
lim = 1 << 20
sys.stdout.write("name,notes\r\nExact,\"" + "n" * lim + "\"\r\nOver," + "o" * (lim + 1) + "\r\nAfter,z\r\n")' > "$T/limit.csv"
run k import "$T/limit.csv"
expect_rc 1
has_err "line 3, column 2: field longer than 1048576 bytes"
expect_eq "$(dbq "SELECT l.name || ':' || length(c.value) FROM leads l JOIN custom_fields c ON c.lead_id = l.id ORDER BY l.id")" "Exact:1048576
After:1"

t "the rejects file keeps a malformed row's original text"
DB=$(new_db rej.db)
k init >/dev/null
printf 'name,email\r\nGood,g@x.example\r\n"Broken"  x,b@x.example\r\nNul\0Byte,  n@x.example \r\nOpen,"never closed\r\nlast,l@x.example\r\n' > "$T/bad.csv"
run k import "$T/bad.csv" --rejects "$T/bad-rej.csv"
expect_rc 1
has_out "1 created"; has_out "3 rejected"
expect_eq "$(python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
print(d.startswith(b"name,email,kariz_reject_reason\r\n"),
      b"\r\n\"Broken\"  x,b@x.example,\"line 3, column 1: malformed CSV" in d,
      b"\r\nNul\0Byte,  n@x.example ,\"line 4, column 1: NUL byte in the field\"\r\n" in d,
      b"\r\nOpen,\"never closed\r\nlast,l@x.example,\"line 5: quoted field not closed" in d)
' "$T/bad-rej.csv")" "True True True True"

t "a date that does not exist is named as such, in its column, not as a malformed time"
DB=$(new_db feb.db); k init >/dev/null
printf 'Name,Create Date\nAda One,31/02/2024\nBea Two,15/02/2024\nCy Three,29/02/2024\n' > "$T/feb.csv"
run k import "$T/feb.csv"; expect_rc 1
has_out "2 created"; has_out "1 rejected"
has_err 'feb.csv: line 2: column "Create Date": "31/02/2024" is not a date that exists'
case "$err" in *"is not a time"*) bad "reported as a time: $err" ;; *) ok ;; esac

finish
