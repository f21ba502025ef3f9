#!/usr/bin/env bash
# A list cut short says how much it left out ("and N more"): list --limit
# in a table, the duplicates an import summary names, rules diff's leads
# (tests/cli/test_rules_cli.sh).
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-11-20 10:00"
gen_leads 80 --seed 3 > "$T/leads.csv"
k import "$T/leads.csv" >/dev/null

t "list --limit: the table says how many more match"
run k list --limit 5; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | grep -c '^ *[0-9]')" 5 "rows shown"
expect_eq "$(printf '%s\n' "$out" | tail -1)" "and 75 more (--limit 5)"
stage=$(dbq "select stage from leads group by stage order by count(*) desc limit 1")
n=$(dbq "select count(*) from leads where stage = '$stage'")
run k list --stage "$stage" --limit 2; expect_eq "$(printf '%s\n' "$out" | tail -1)" "and $((n - 2)) more (--limit 2)"
# (in the digits in force, as the table's)
LANG=fa_IR.UTF-8 LC_ALL= run k list --limit 5; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tail -1)" "و ۷۵ سرنخ دیگر (--limit ۵)"
run k list --limit 80; lacks_out "more (--limit"
run k list --limit 500; lacks_out "more (--limit"
run k list --limit 5 --format csv; lacks_out "more"; expect_eq "$(printf '%s\n' "$out" | wc -l)" 6
run k list --limit 5 --format json; expect_eq "$(json 'len(j)')" 5

t "import: the duplicates past the first 50 are counted"
run k import "$T/leads.csv"; expect_rc 0
has_out "80 rows: 0 created, 0 updated, 80 skipped (duplicates), 0 rejected"
dups=$(printf '%s\n' "$out" | grep '^duplicates:')
expect_eq "$(printf '%s\n' "$dups" | grep -o 'line [0-9]* = lead' | wc -l)" 50 "duplicates named"
case "$dups" in *" and 30 more") ok ;; *) bad "duplicates line does not end with 'and 30 more'" ;; esac

t "score --explain: rules past the listed ones are counted"
max=$(sed -n 's/^#define KZ_SCORE_MAX_HITS \([0-9]*\).*/\1/p' "$KARIZ_SOURCE/include/kariz/rules.h")
{
    printf 'score: {min: 0, max: 1000}\ncriteria:\n  need:\n'
    for i in $(seq 1 $((max + 4))); do
        printf '    - {label: rule%d, points: 1, when: {field: name, present: true}}\n' "$i"
    done
    printf 'stages:\n  - {name: lead, probability: 1}\n  - {name: won, probability: 100, kind: won}\n'
    printf '  - {name: lost, probability: 0, kind: lost}\n'
} > "$T/many.yaml"
DB=$(new_db many.db)
k --rules "$T/many.yaml" add "Ava Smith" >/dev/null
run k --rules "$T/many.yaml" score 1 --explain; expect_rc 0
has_out "score $((max + 4))"
expect_eq "$(printf '%s\n' "$out" | grep -c ' rule[0-9]')" "$max" "rules listed"
has_out "  and 4 more rules fired (counted in the score, not listed)"

finish
