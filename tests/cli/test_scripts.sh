#!/usr/bin/env bash
# The repository's own scripts: the lead generator (deterministic, hostile
# rows), scripts/dev env (the command line on the demo database), and the
# scripts that stop at once with one reason when something is missing.
. "$(dirname "$0")/lib.sh"
S=$KARIZ_SOURCE

t "gen-leads: the same N and seed give the same bytes; another seed does not"
gen_leads 300 --seed 5 > "$T/a.csv"
gen_leads 300 --seed 5 > "$T/b.csv"
gen_leads 300 --seed 6 > "$T/c.csv"
cmp -s "$T/a.csv" "$T/b.csv" && ok || bad "two runs with seed 5 differ"
cmp -s "$T/a.csv" "$T/c.csv" && bad "seeds 5 and 6 gave the same file" || ok
gen_leads 300 > "$T/d.csv"; gen_leads 300 --seed 1 > "$T/e.csv"
cmp -s "$T/d.csv" "$T/e.csv" && ok || bad "the default seed is not 1"
expect_eq "$(head -1 "$T/a.csv")" $'Record ID,First Name,Last Name,Email,Phone Number,Company Name,Job Title,Industry,Number of Employees,Annual Revenue,Country/Region,City,Original Source,Lead Status,Lifecycle Stage,Contact owner,Create Date,Last Activity Date,Notes\r'
python3 - "$T/a.csv" <<'PY' && ok || bad "plain rows are not 300 well-formed leads"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert len(rows) == 301 and all(len(r) == 19 for r in rows), len(rows)
assert len({r[3].lower() for r in rows[1:]}) == 300
PY

t "gen-leads --hostile: every kind of hard row is there"
gen_leads 3000 --hostile --seed 9 > "$T/h.csv"
python3 - "$T/h.csv" <<'PY' && ok || bad "a kind of hostile row is missing"
import csv, sys
text = open(sys.argv[1], newline="", encoding="utf-8").read()
assert "\r\n\r\n" in text, "blank line"
rows = [r for r in csv.reader(open(sys.argv[1], newline="", encoding="utf-8")) if r]
body = rows[1:]
cells = [c for r in body for c in r]
assert any("\n" in c and "," in c and '"' in c for c in cells), "quoted comma, quote and newline"
assert any("," in r[5] for r in body), "comma in a company name"
assert any(any("\u0600" <= ch <= "\u06ff" for ch in r[1]) for r in body), "Persian name"
assert any(any(ord(ch) > 0xFFFF for ch in c) for c in cells), "emoji"
assert any(len(c) > 4000 for c in cells), "very long field"
assert any("\x1b]" in c or "\x1b[" in c for c in cells), "escape sequence"
assert any(any(ord(ch) < 32 and ch not in "\r\n\t\x1b" for ch in c) for c in cells), "control character"
keys = [r[3].strip().lower() for r in body]
dups = [r[3] for r in body if keys.count(r[3].strip().lower()) > 1 and r[3] != r[3].strip()]
assert dups and any(d.strip() != d.strip().lower() for d in dups), "duplicate e-mail in other case"
PY
run k import "$T/h.csv"; expect_rc 0; has_out "3000 rows"
case "$out" in *" 0 skipped"*) bad "no duplicates found in the hostile file" ;; *) ok ;; esac

t "gen-leads: bad arguments are named"
run python3 "$GEN_LEADS"; expect_rc 2; has_err "N, the number of leads, is missing"
run python3 "$GEN_LEADS" 10 --seed x; expect_rc 2; has_err "--seed needs an integer"
run python3 "$GEN_LEADS" 10 --hostle; expect_rc 2; has_err "'--hostle'"

t "tests/cli/lib.sh: a missing binary or tool stops the script with that one reason"
printf '. "%s/tests/cli/lib.sh"\nok; finish\n' "$S" > "$T/probe.sh"
run env KARIZ="$T/nothing" bash "$T/probe.sh"; expect_rc 2
expect_eq "$err" "probe.sh: no kariz binary at $T/nothing (build it first: cmake --build build)"
expect_eq "$out" ""
touch "$T/notexec"
run env KARIZ="$T/notexec" bash "$T/probe.sh"; expect_rc 2; has_err "$T/notexec is not an executable file"
run env -u KARIZ bash "$T/probe.sh"; expect_rc 2; has_err "KARIZ must name the kariz binary"
mkdir -p "$T/bin"; ln -s "$(command -v mktemp)" "$T/bin/mktemp"
run env KARIZ="$KARIZ" PATH="$T/bin" "$BASH" "$T/probe.sh"; expect_rc 2
expect_eq "$err" "probe.sh: python3 is needed (apt-get install python3, or scripts/dev deps)"
ln -s "$PYTHON" "$T/bin/python3"
run env KARIZ="$KARIZ" PATH="$T/bin" "$BASH" "$T/probe.sh"; expect_rc 2
has_err "the sqlite3 shell is needed"
run env KARIZ="$KARIZ" bash "$T/probe.sh"; expect_rc 0; has_out "1 passed, 0 failed"

t "scripts/dev env: eval puts kariz on PATH and names the demo database"
B="$T/my build"   # a space, so the lines must quote
mkdir -p "$B"
run env KARIZ_BUILD_DIR="$B" "$S/scripts/dev" env; expect_rc 2
expect_eq "$err" "scripts/dev: no $B/kariz yet: run scripts/dev demo (or scripts/dev build) first"
expect_eq "$out" ""
ln -s "$(cd "$(dirname "$KARIZ")" && pwd)/$(basename "$KARIZ")" "$B/kariz"
run env KARIZ_BUILD_DIR="$B" "$S/scripts/dev" env; expect_rc 0
lines=$out
(
    cd "$T" || exit 1
    PATH=/usr/bin:/bin
    eval "$lines"
    [ "$(command -v kariz)" = "$B/kariz" ] || { echo "kariz on PATH: $(command -v kariz)"; exit 1; }
    [ "$KARIZ_DB" = "$B/demo.db" ] || { echo "KARIZ_DB=$KARIZ_DB"; exit 1; }
    kariz demo --no-board >/dev/null || exit 1
    kariz list | grep -q '^ *12 ' || { echo "kariz list lacks lead 12"; exit 1; }
    kariz show 12 >/dev/null || { echo "kariz show 12 failed"; exit 1; }
) > "$T/env.out" 2>&1 && ok || bad "the eval'd lines do not work: $(cat "$T/env.out")"
[ -f "$B/demo.db" ] && ok || bad "the demo database is not where the lines say"

t "scripts/dev test: a missing tool stops it before the build, naming the tool"
mkdir -p "$T/devbin"
for c in dirname dpkg-query grep id; do ln -s "$(command -v "$c")" "$T/devbin/$c"; done
run env PATH="$T/devbin" KARIZ_BUILD_DIR="$T/never" "$BASH" "$S/scripts/dev" test; expect_rc 2
expect_eq "$err" "scripts/dev: python3 is needed and is not on PATH"
[ -e "$T/never" ] && bad "a build was started" || ok
rm "$T/devbin/dpkg-query"   # not Debian: no packages to check, the tools still are
run env PATH="$T/devbin" KARIZ_BUILD_DIR="$T/never" "$BASH" "$S/scripts/dev" test; expect_rc 2
expect_eq "$err" "scripts/dev: python3 is needed and is not on PATH"

t "scripts/dev and bench/run: an unknown command or size is named, nothing runs"
run "$S/scripts/dev" frobnicate; expect_rc 2; has_err 'unknown command "frobnicate"'; has_err "usage: scripts/dev"
run bash "$S/bench/run" 10k; expect_rc 2; has_err "sizes are row counts"

finish
