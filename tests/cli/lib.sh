# Helpers for CLI tests: each test script sources this, runs the real kariz
# binary ($KARIZ) in a private temporary home, and ends with `finish`.
set -u

# Stop at once, with the one reason, when something the tests need is missing
# (rather than failing every check that follows). Exit 2: not a test failure.
need() { printf '%s: %s\n' "${0##*/}" "$1" >&2; exit 2; }
[ -n "${KARIZ:-}" ] || need "KARIZ must name the kariz binary (ctest sets it; by hand: KARIZ=build/kariz bash $0)"
[ -e "$KARIZ" ] || need "no kariz binary at $KARIZ (build it first: cmake --build build)"
[ -f "$KARIZ" ] && [ -x "$KARIZ" ] || need "$KARIZ is not an executable file"
command -v python3 >/dev/null || need "python3 is needed (apt-get install python3, or scripts/dev deps)"
command -v sqlite3 >/dev/null || need "the sqlite3 shell is needed (apt-get install sqlite3, or scripts/dev deps)"
: "${KARIZ_SOURCE:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
GEN_LEADS=$KARIZ_SOURCE/scripts/gen-leads
[ -f "$GEN_LEADS" ] || need "no lead generator at $GEN_LEADS (KARIZ_SOURCE must name the source tree)"

T=$(mktemp -d /tmp/kariz-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
export HOME=$T/home XDG_DATA_HOME=$T/data XDG_CONFIG_HOME=$T/config TZ=UTC LC_ALL=C.UTF-8
mkdir -p "$HOME"
unset KARIZ_DB KARIZ_RULES KARIZ_NOW NO_COLOR KARIZ_HOOKS_DIR KARIZ_FAULT_WRITES
# Messages in English unless a test asks for a language (LANGUAGE=fa); the
# catalogues come from the build tree (locale/ beside the binary).
unset LANGUAGE LC_MESSAGES LANG
export KARIZ_LOCALEDIR=${KARIZ_LOCALEDIR:-$(cd "$(dirname "$KARIZ")" && pwd)/locale}
DB=$T/test.db
ME=$(id -un)
passes=0
fails=0
current=""

# gen_leads N [--seed S] [--hostile]: the repository's lead generator (CSV on stdout)
gen_leads() { python3 "$GEN_LEADS" "$@"; }

# k ARGS...: kariz on the test database
k() { "$KARIZ" --db "$DB" "$@"; }

# run CMD...: runs a command, keeping $out, $err and $rc
run() {
    { "$@" >"$T/out" 2>"$T/err"; } 2>/dev/null  # (bash's own "Killed" notes go nowhere)
    rc=$?
    out=$(cat "$T/out")
    err=$(cat "$T/err")
}

t() { current=$1; }

ok() { passes=$((passes + 1)); }
bad() {
    fails=$((fails + 1))
    printf 'FAIL [%s] %s\n' "$current" "$1"
    printf '  rc=%s\n  stdout: %s\n  stderr: %s\n' "${rc:-}" "${out:-}" "${err:-}" | head -20
}

expect_rc() { [ "$rc" = "$1" ] && ok || bad "exit status $rc, expected $1"; }
expect_out() { [ "$out" = "$1" ] && ok || bad "stdout is not: $1"; }
has_out() { case "$out" in *"$1"*) ok ;; *) bad "stdout lacks: $1" ;; esac; }
lacks_out() { case "$out" in *"$1"*) bad "stdout has: $1" ;; *) ok ;; esac; }
has_err() { case "$err" in *"$1"*) ok ;; *) bad "stderr lacks: $1" ;; esac; }
expect_eq() { [ "$1" = "$2" ] && ok || bad "got '$1', expected '$2'${3:+ ($3)}"; }

# json EXPR: evaluates a Python expression over the JSON in $out (as `j`)
json() { printf '%s' "$out" | python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }

# sql QUERY: reads the database directly
sql() { sqlite3 -cmd ".timeout 10000" "$DB" "$1"; }

finish() {
    printf '%d passed, %d failed\n' "$passes" "$fails"
    [ "$fails" -eq 0 ]
}
