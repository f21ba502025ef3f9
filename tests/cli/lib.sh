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
# python3 is the system's (Debian's, which scripts/dev installs) when there is
# one, whatever comes first on PATH: an interpreter manager's shim there
# (pyenv's) costs a quarter of a second a call, and the suite makes hundreds
if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=$(command -v python3); fi
python3() { "$PYTHON" "$@"; }
command -v sqlite3 >/dev/null || need "the sqlite3 shell is needed (apt-get install sqlite3, or scripts/dev deps)"
: "${KARIZ_SOURCE:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
GEN_LEADS=$KARIZ_SOURCE/scripts/gen-leads
[ -f "$GEN_LEADS" ] || need "no lead generator at $GEN_LEADS (KARIZ_SOURCE must name the source tree)"

T=$(mktemp -d /tmp/kariz-cli.XXXXXX)

# PostgreSQL mode (ctest's pg.cli.* copies): $KARIZ_TEST_PG_ENV names the
# file tests/pg/cluster wrote, with $KARIZ_TEST_PG, the conninfo of a
# throwaway cluster's maintenance database. Each database the test names
# (new_db) is then a fresh PostgreSQL database, dropped at exit.
on_pg() { [ -n "${KARIZ_TEST_PG_ENV:-}" ]; }
on_sqlite() { ! on_pg; }
if on_pg; then
    [ -f "$KARIZ_TEST_PG_ENV" ] ||
        need "no PostgreSQL test cluster: $KARIZ_TEST_PG_ENV is missing (ctest starts one in pg.cluster.start; by hand: tests/pg/cluster start DIR, then KARIZ_TEST_PG_ENV=DIR/env)"
    KARIZ_TEST_PG=""
    KARIZ_TEST_PG_BIN=""
    . "$KARIZ_TEST_PG_ENV"
    [ -n "$KARIZ_TEST_PG" ] || need "$KARIZ_TEST_PG_ENV does not set KARIZ_TEST_PG"
    [ -z "$KARIZ_TEST_PG_BIN" ] || PATH=$KARIZ_TEST_PG_BIN:$PATH
    command -v psql >/dev/null || need "psql is needed in PostgreSQL mode (apt-get install postgresql-client)"
    # the cluster's host, port and user, for the conninfo of each test database
    pg_base=$(printf '%s\n' $KARIZ_TEST_PG | grep -v '^dbname=' | tr '\n' ' ')
    pg_base=${pg_base% }
fi

# drops this test's PostgreSQL databases (WITH FORCE: a board or a killed
# kariz may still be connected), then removes $T
lib_cleanup() {
    if on_pg && [ -d "$T/.pgdb" ]; then
        local f name
        for f in "$T"/.pgdb/*.name; do
            [ -f "$f" ] || continue
            name=$(cat "$f")
            psql -XAtq -v ON_ERROR_STOP=1 "$KARIZ_TEST_PG" \
                -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null ||
                printf '%s: could not drop the test database %s\n' "${0##*/}" "$name" >&2
        done
    fi
    rm -rf "$T"
}
trap lib_cleanup EXIT

# new_db NAME: the database a test calls NAME (e.g. other.db): the path
# $T/NAME on SQLite; on PostgreSQL the conninfo of a database created empty
# on the first call for NAME (kz_PID_RANDOM), the same one on later calls.
new_db() {
    if on_sqlite; then
        printf '%s\n' "$T/$1"
        return 0
    fi
    local key=${1//[^A-Za-z0-9_.-]/_}
    mkdir -p "$T/.pgdb"
    if [ ! -f "$T/.pgdb/$key" ]; then
        local name
        name=kz_$$_$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')
        psql -XAtq -v ON_ERROR_STOP=1 "$KARIZ_TEST_PG" -c "CREATE DATABASE \"$name\"" >/dev/null ||
            need "could not create the PostgreSQL test database $name on $KARIZ_TEST_PG"
        printf '%s\n' "$name" >"$T/.pgdb/$key.name"
        printf '%s dbname=%s\n' "$pg_base" "$name" >"$T/.pgdb/$key"
    fi
    cat "$T/.pgdb/$key"
}

# no_kariz_db: what a reading command says about $DB before `kariz init`
# (no file at the path on SQLite, an empty database on PostgreSQL)
no_kariz_db() { printf 'no database at %s\n' "$DB"; }

# sqlite_only REASON: the rest of this test is about SQLite's files (a
# damaged file, a read-only directory, the -wal): on PostgreSQL the test
# says why and is skipped (exit 77, ctest's SKIP_RETURN_CODE).
sqlite_only() {
    on_pg || return 0
    printf 'SKIPPED on PostgreSQL: %s\n' "$1" >&2
    exit 77
}
export HOME=$T/home XDG_DATA_HOME=$T/data XDG_CONFIG_HOME=$T/config TZ=UTC LC_ALL=C.UTF-8
mkdir -p "$HOME"
unset KARIZ_DB KARIZ_RULES KARIZ_NOW NO_COLOR KARIZ_HOOKS_DIR KARIZ_FAULT_WRITES
# Messages in English unless a test asks for a language (LANGUAGE=fa); the
# catalogues come from the build tree (locale/ beside the binary).
unset LANGUAGE LC_MESSAGES LANG
export KARIZ_LOCALEDIR=${KARIZ_LOCALEDIR:-$(cd "$(dirname "$KARIZ")" && pwd)/locale}
DB=$(new_db test.db)
ME=$(id -un)
passes=0
fails=0
current=""

# gen_leads N [--seed S] [--hostile]: the repository's lead generator (CSV on stdout)
gen_leads() { python3 "$GEN_LEADS" "$@"; }

# k ARGS...: kariz on the test database
# (a team's rules file sits beside an SQLite database; a server's database
# has no directory, so on PostgreSQL the same file is named with --rules,
# as a team names it with $KARIZ_RULES)
# A server's database keeps the rules last loaded into it as the team's
# (a command with --rules X makes X the rules of the commands after it that
# name none); the tests, written for the file beside the database or the
# built-in rules, name the default file when they name none.
k() {
    if on_pg && [ -z "${KARIZ_RULES:-}" ] && [ -f "$T/rules.yaml" ]; then
        "$KARIZ" --db "$DB" --rules "$T/rules.yaml" "$@"
    elif on_pg && [ -z "${KARIZ_RULES:-}" ]; then
        "$KARIZ" --db "$DB" --rules "$KARIZ_SOURCE/rules.yaml" "$@"
    else
        "$KARIZ" --db "$DB" "$@"
    fi
}

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
lacks_err() { case "$err" in *"$1"*) bad "stderr has: $1" ;; *) ok ;; esac; }
expect_eq() { [ "$1" = "$2" ] && ok || bad "got '$1', expected '$2'${3:+ ($3)}"; }

# json EXPR: evaluates a Python expression over the JSON in $out (as `j`)
json() { printf '%s' "$out" | python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }

# dbq [SQL]: runs SQL (without it, what is on standard input) on the test database ($DB) directly, with the sqlite3
# shell or psql, printing rows as sqlite3 does by default: columns joined
# with |, NULL as nothing (on PostgreSQL booleans print as t and f). The SQL
# must be valid on both engines: coalesce, not ifnull; group_concat with its
# separator; no PRAGMA, rowid, printf or GLOB.
# pg_salesperson ROLE [DB]: creates ROLE, who may log in, with the grants
# docs/deployment.md gives a salesperson on the tables of DB (default $DB)
pg_salesperson() {
    psql -XAtq -v ON_ERROR_STOP=1 -d "${2:-$DB}" >/dev/null <<SQL
CREATE ROLE $1 LOGIN;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO $1;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO $1;
SQL
}

dbq() {
    if on_pg; then
        # (the SQL on standard input: psql then prints the rows of every
        # statement, as sqlite3 does, where -c prints only the last one's)
        if [ $# -gt 0 ]; then
            psql -XAtq -v ON_ERROR_STOP=1 -F '|' -d "$DB" <<<"$1"
        else
            psql -XAtq -v ON_ERROR_STOP=1 -F '|' -d "$DB"
        fi
    else
        sqlite3 -cmd ".timeout 10000" "$DB" ${1+"$1"}
    fi
}

finish() {
    printf '%d passed, %d failed\n' "$passes" "$fails"
    [ "$fails" -eq 0 ]
}
