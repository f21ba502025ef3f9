#!/usr/bin/env bash
# Every command's --help matches what the command accepts and prints: the
# options in its usage line are the ones its Options list explains, and each
# is an option the command knows.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-11-20 10:00"

commands=$("$KARIZ" --help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}')
[ "$(printf '%s\n' "$commands" | wc -l)" -gt 20 ] && ok || bad "kariz --help lists few commands"

t "each command's usage line and Options list name the same options"
for c in $commands; do
    run "$KARIZ" "$c" --help; expect_rc 0
    usage=$(printf '%s\n' "$out" | head -1)
    case "$usage" in "usage: kariz $c" | "usage: kariz $c "?*) ok ;; *) bad "$c: usage line: $usage" ;; esac
    in_usage=$(printf '%s\n' "$usage" | grep -o -- '--[a-z][a-z-]*' | sort -u)
    listed=$(printf '%s\n' "$out" | awk '/^Options:/ {on = 1; next} on && /^$/ {on = 0} on' |
             grep -o -- '^  *--[a-z][a-z-]*' | tr -d ' ' | sort -u)
    expect_eq "$listed" "$in_usage" "$c: options in the Options list vs the usage line"
    for opt in $in_usage; do
        # --opt=x: a value for an option that takes one, an error naming the
        # option for one that takes none; never "unknown option"
        run "$KARIZ" --db "$T/help.db" "$c" "$opt=x" </dev/null
        case "$err" in *"unknown option"*) bad "$c: $opt is in the usage line but unknown" ;; *) ok ;; esac
    done
done

t "an option that takes no value, given one, says so"
run k triage --all=x; expect_rc 2; has_err 'option "--all" takes no value'
run k demo --no-board=1; expect_rc 2; has_err 'option "--no-board" takes no value'
run k show 1 --format; expect_rc 2; has_err 'option "--format" needs a value'
run k init --help; expect_eq "$(printf '%s\n' "$out" | head -1)" "usage: kariz init"

t "show --help says what show prints"
k demo --no-board --leads 20 >/dev/null
run k show --help; has_out "stakeholders and activities"; lacks_out "history"
run k show 12; expect_rc 0
has_out "activities:"; lacks_out "history"
run k show 12 --format json; expect_eq "$(json '",".join(k for k in ("activities", "stakeholders") if k in j)')" "activities,stakeholders"

t "note --help: the text, several words or - for standard input"
run k note --help; has_out "usage: kariz note ID TEXT...|-"
run k note 1 two words; expect_rc 0
run k note 1 - <<<'from stdin'; expect_rc 0
run k show 1; has_out "two words"; has_out "from stdin"

t "followup --help: every WHEN form it lists is accepted"
run k followup --help; has_out "yesterday"; has_out "+1m"; has_out "in 1 month"; has_out "(end of month)"
for w in today tomorrow yesterday mon sun "next week" "next month" +3d +2w +1m "in 3 days" \
         "in 2 weeks" "in 1 month" eom "end of month" 2027-01-15; do
    run k followup 2 $w --force; [ "$rc" = 0 ] && ok || bad "followup 2 $w: $err"
done

t "demo --help names --no-board in its usage"
run k demo --help; has_out "usage: kariz demo [--leads N] [--lang fa|en] [--no-board]"

t "kariz --help: every command's summary starts in one column; --db takes a path or a URI"
run "$KARIZ" --help; expect_rc 0
has_out "usage: kariz [--db PATH|URI]"; has_out "  --db PATH|URI   the database: an SQLite file, or a PostgreSQL URI"
has_out "stakeholder the people"   # (the longest name, one space after it)
starts=$(printf '%s\n' "$out" | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {
    match($0, /^  [a-z]+ +/); print RLENGTH}' | sort -u)
expect_eq "$starts" 14 "the column each command's summary starts at (2 + stakeholder + 1)"

finish
