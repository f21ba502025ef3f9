#!/usr/bin/env bash
# What a person mistypes on the command line is answered with what they
# most likely meant: `kariz help` works as --help, a command one or two
# letters off is named, an owner nobody has is said to be one.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-12-03 10:00"
k init >/dev/null
k add "Ava Smith" --company Acme --owner alice --force >/dev/null 2>&1

t "kariz help is kariz --help; kariz help CMD is kariz CMD --help"
run k help; expect_rc 0
expect_eq "$out" "$("$KARIZ" --help)"
run k help list; expect_rc 0
expect_eq "$out" "$("$KARIZ" list --help)"
has_out "usage: kariz list"
run k help followup; expect_rc 0; has_out "usage: kariz followup ID WHEN [--step TEXT] [--force]"

t "an unknown command close to one is named"
run k lsit; expect_rc 2; expect_out ""
expect_eq "$err" 'kariz: unknown command "lsit"; did you mean list? (see kariz --help)'
run k help lsit; expect_rc 2; has_err "did you mean list?"
run k frobnicate; expect_rc 2; has_err 'unknown command "frobnicate" (commands: init'

# how a name nobody has is told: no account of that name here (SQLite), not
# one of the team's roles (PostgreSQL)
nouser() {
    if on_pg; then printf '"%s" is not one of the team'"'"'s roles' "$1"
    else printf 'no account named "%s"' "$1"; fi
}

t "list --owner with a name nobody has: an empty list and a hint"
run k list --owner alise; expect_rc 0
has_err "kariz list: no lead is owned by alise: $(nouser alise) (did you mean alice?)"
run k list --owner alice; expect_rc 0; has_out "Ava Smith"; expect_eq "$err" ""
run k list --owner nobody_zq --format csv; expect_rc 0; has_err "no lead is owned by nobody_zq"

t "report --owner with a name nobody has: the report, exit status 0, and the same hint"
for r in forecast funnel; do
    run k report $r --owner alise; expect_rc 0
    expect_eq "$err" "kariz report: no lead is owned by alise: $(nouser alise) (did you mean alice?)" "report $r"
done
run k report forecast --owner nobody_zq --format json; expect_rc 0
has_err "kariz report: no lead is owned by nobody_zq: $(nouser nobody_zq)"; has_err "and no lead is owned by that name"
json 'len(j)' >/dev/null && ok || bad "the JSON on standard output is not whole"
run k report forecast --owner $'nobody\e]0;x\a'; expect_rc 0; has_err "no lead is owned by nobody"
case "$err" in *$'\e'*) bad "the owner reached the terminal raw" ;; *) ok ;; esac
run k report forecast --owner alice; expect_rc 0; has_out "alice"; expect_eq "$err" ""
run k report forecast --owner -; expect_rc 0; expect_eq "$err" ""

finish
