#!/usr/bin/env bash
# Hostile text: escape sequences, carriage returns, backspaces, C1 controls,
# bidi overrides, zero-width characters and invalid bytes never reach the
# terminal raw from any table output; exports keep the bytes exact.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-11-24 10:00"
evil_name=$(printf 'Eve\033[2J\033]0;pwned\007 \342\200\256gnp.exe')
evil_company=$(printf 'Acme\r\010\010\302\233 Ltd\342\200\213\377')
evil_note=$(printf 'call me\033[31m red\r\nnow \302\205 \340\200\257')
run k add "$evil_name" --company "$evil_company" --email "e@x.example" --set "notes_src=$(printf 'x\033[Hy')"
expect_rc 0; id=$out
run k note "$id" "$evil_note"; expect_rc 0
run k followup "$id" yesterday --force --step "$(printf 'ring\033[5m')"; expect_rc 0
run k log "$id" call no_answer --note "$(printf '\033]52;c;cGF5bG9hZA==\007')"; expect_rc 0

# clean FILE: no ESC, CR, BS, BEL, C1 (as UTF-8 \302\200-\302\237), bidi
# override U+202E, zero-width U+200B, and valid UTF-8 throughout
clean() {
    python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
bad = []
for b in (0x1b, 0x0d, 0x08, 0x07, 0x00):
    if bytes([b]) in data:
        bad.append("byte 0x%02x" % b)
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    bad.append("invalid UTF-8: %s" % e)
    text = data.decode("utf-8", "replace")
for ch in text:
    o = ord(ch)
    if 0x80 <= o <= 0x9f or o in (0x202e, 0x200b, 0x2066, 0x2067, 0x2068, 0x2069, 0x202a, 0x202b, 0x202c, 0x202d):
        bad.append("U+%04X" % o)
print(", ".join(sorted(set(bad))) if bad else "clean")
PY
}

check() { # CMD...: its standard output and error are clean
    "$KARIZ" --db "$DB" "$@" >"$T/o" 2>"$T/e"
    expect_eq "$(clean "$T/o")" clean "stdout of kariz $*"
    expect_eq "$(clean "$T/e")" clean "stderr of kariz $*"
}

# rows another program wrote: a stakeholder role, an activity's outcome and
# an event's actor holding escapes are shown as safely as names
ESC=$'\033' BEL=$'\a' CR=$'\r' # (the bytes themselves: char() is SQLite's, chr() PostgreSQL's)
dbq "INSERT INTO stakeholders (lead_id, name, role) VALUES ($id, 'Sam', 'boss${ESC}[2J');
     INSERT INTO activities (lead_id, at, kind, outcome, author) VALUES ($id, 1795000000, 'call', 'odd${ESC}]0;t${BEL}', 'bot${CR}');
     INSERT INTO events (lead_id, at, actor, kind) VALUES ($id, 1795000000, 'mal${ESC}[5m', 'note');"

t "every table output is clean"
check list
check list --search Eve
check show "$id"
check history "$id"
check blame "$id" name
check agenda
check score "$id" --explain
for r in funnel forecast velocity losses channels scoring; do check report "$r"; done
check move "$id" nowhere          # an error message quoting data
check lost "$id" --reason "$(printf 'x\033[2J')"
check set "$id" "$(printf 'bad\033[2Jfield')=1"
check rules check "$(printf '/nonexistent/\033[2J.yaml')"

t "arguments, paths and settings quoted in messages are clean too"
esc=$(printf 'x\033]0;pwned\007\302\233\342\200\256y')
check list --sort "$esc"                 # a usage error quoting the argument
check add "Zed" --set "$esc"
check "$esc"                             # unknown command
check "--$esc"                           # unknown option
check agenda --owner "$esc"
check assign "$id" "$esc"
KARIZ_RULES=$T/$esc.yaml check rules path
KARIZ_NOW=$esc check list
"$KARIZ" --db "$T/$esc.db" init >"$T/o" 2>"$T/e"
expect_eq "$(clean "$T/o")" clean "stdout of kariz init in a directory named with escapes"
expect_eq "$(clean "$T/e")" clean "stderr of kariz init in a directory named with escapes"
"$KARIZ" --db "$T/$esc.db" demo --leads 1 --no-board >"$T/o" 2>"$T/e"
expect_eq "$(clean "$T/o")" clean "stdout of kariz demo in a directory named with escapes"

t "visible, not dropped: the reader sees something is there"
run k list
has_out "Eve␛[2J"

t "machine formats keep the data"
run k show "$id" --format json
expect_eq "$(json 'j["name"]')" "$evil_name"
run k export --format csv
printf '%s' "$out" | grep -q "$(printf '\033\\[2J')" && ok || bad "the export lost the escape bytes"
"$KARIZ" --db "$DB" export --format csv > "$T/x.csv"
"$KARIZ" --db "$(new_db copy.db)" import "$T/x.csv" >/dev/null 2>&1
expect_eq "$(DB=$(new_db copy.db) dbq "SELECT name, company FROM leads" | od -An -tx1)" \
          "$(dbq "SELECT name, company FROM leads" | od -An -tx1)" "byte-exact round trip"

finish
