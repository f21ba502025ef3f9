#!/usr/bin/env bash
# Bash completion (contrib/kariz.bash) against the real binary: commands and
# options as `kariz --help` and `kariz CMD --help` list them, stages and lost
# reasons of the rules in force, lead ids of the database in force.
. "$(dirname "$0")/lib.sh"
. "$KARIZ_SOURCE/contrib/kariz.bash"

# comp WORD...: completes the last word of `WORD...` as bash would, the
# words sorted one a line in $out
comp() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _kariz
    out=$(printf '%s\n' "${COMPREPLY[@]}" | sort)
    [ ${#COMPREPLY[@]} -gt 0 ] || out=""
}
# offers WORD: $out holds WORD as one completion
offers() { grep -qxF -- "$1" <<<"$out" && ok || bad "completion lacks \"$1\" (got: $(echo $out))"; }
lacks() { grep -qxF -- "$1" <<<"$out" && bad "completion offers \"$1\"" || ok; }
words() { printf '%s\n' "$@" | sort; }

t "complete is registered for kariz"
run complete -p kariz; expect_rc 0; has_out "_kariz"

t "every command of the command table, and only those"
"$KARIZ" --help | awk '/^Commands:/ {f = 1; next} f && /^  [a-z]/ {print $1}' | sort >"$T/cmds"
[ "$(wc -l <"$T/cmds")" -gt 20 ] && ok || bad "kariz --help lists too few commands"
comp "$KARIZ" ""
expect_eq "$out" "$(cat "$T/cmds")" "commands offered"
comp "$KARIZ" --db "$DB" li; expect_out "list"
comp "$KARIZ" --read-only ex; expect_out "export"

t "global options as kariz --help lists them"
comp "$KARIZ" --
for o in $("$KARIZ" --help | sed -n '/^Options:/,/^Commands:/p' | grep -o -- '^  --[a-z-]*'); do
    offers "$o"
done

t "each command's options as its --help lists them"
while read -r cmd; do
    comp "$KARIZ" "$cmd" --
    current="options of $cmd"
    for o in $("$KARIZ" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        offers "$o"
    done
done <"$T/cmds"
comp "$KARIZ" list --ov; expect_out "--overdue"
comp "$KARIZ" list --stage lead --s; expect_eq "$out" "$(words --search --sort --stage)"

t "values of options with a fixed set"
comp "$KARIZ" list --format ""; expect_eq "$out" "$(words csv json table)"
comp "$KARIZ" show 1 --format ""; expect_eq "$out" "$(words json table)"
comp "$KARIZ" export --format j; expect_eq "$out" "$(words json jsonl)"
comp "$KARIZ" import leads.csv --on-duplicate ""; expect_eq "$out" "$(words new skip update)"
comp "$KARIZ" import leads.csv --kind ""; expect_eq "$out" "$(words activities contacts deals notes)"
comp "$KARIZ" import leads.csv --date-format ""; expect_eq "$out" "$(words dmy mdy)"
comp "$KARIZ" list --sort ""; expect_eq "$out" "$(words age due id name score value)"
comp "$KARIZ" list --grade ""; expect_eq "$out" "$(words cold hot warm)"
comp "$KARIZ" report ""; expect_eq "$out" "$(words channels forecast funnel losses scoring stakeholders velocity)"
comp "$KARIZ" report funnel --format ""; expect_eq "$out" "$(words csv json table)"
comp "$KARIZ" rules ""; expect_eq "$out" "$(words backtest check diff path)"
: >"$T/candidate.yaml"
comp "$KARIZ" rules diff "$T/cand"; expect_out "$T/candidate.yaml"
comp "$KARIZ" import "$T/cand"; expect_out "$T/candidate.yaml"
comp "$KARIZ" --rules "$T/cand"; expect_out "$T/candidate.yaml"
comp "$KARIZ" note 1 ""; expect_out ""

t "stages of the built-in rules, without creating a database"
comp "$KARIZ" --db "$T/none.db" list --stage ""
expect_eq "$out" "$(words lead lost opportunity prospect won)"
[ -e "$T/none.db" ] && bad "completion created a database" || ok
comp "$KARIZ" --db "$T/none.db" move 3 o; expect_out "opportunity"

t "stages and lost reasons of the rules in force: beside the database, --rules"
mkdir -p "$T/team"
python3 - "$KARIZ_SOURCE/rules.yaml" "$T/team/rules.yaml" <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace("  - name: prospect\n",
              "  - name: discovery\n    label: Discovery\n    probability: 10\n  - name: prospect\n", 1)
s = s.replace("lost_reasons:\n", "lost_reasons:\n  - went_quiet\n", 1)
open(sys.argv[2], "w").write(s)
PY
run "$KARIZ" --db "$T/team/team.db" init; expect_rc 0
comp "$KARIZ" --db "$T/team/team.db" add Ava --stage d; expect_out "discovery"
comp "$KARIZ" --db="$T/team/team.db" move 1 ""; offers discovery; offers prospect
comp "$KARIZ" --db = "$T/team/team.db" move 1 d; expect_out discovery # as bash splits --db=PATH
comp "$KARIZ" --db "$T/team/team.db" lost 1 --reason w; expect_out went_quiet
comp "$KARIZ" --db "$T/team/team.db" lost 1 --reason ""; offers price; offers competitor
comp "$KARIZ" --db "$T/none.db" --rules "$T/team/rules.yaml" list --stage di; expect_out "discovery"
KARIZ_DB=$T/team/team.db comp "$KARIZ" list --stage di; expect_out "discovery"
mkdir -p "$T/my team"
cp "$T/team/rules.yaml" "$T/my team/rules.yaml"
comp "$KARIZ" --db "'$T/my team/x.db'" list --stage di; expect_out "discovery"
comp "$KARIZ" --db "${T}/my\\ team/x.db" list --stage di; expect_out "discovery"
comp "$KARIZ" --db="\"$T/my team/x.db\"" list --stage di; expect_out "discovery"

t "lead ids of the database in force, by prefix, at most 50"
run k init; expect_rc 0
for i in $(seq 1 200); do printf '{"name":"Lead %d"}\n' "$i"; done >"$T/leads.jsonl"
run k intake <"$T/leads.jsonl"; expect_rc 0
comp "$KARIZ" --db "$DB" show 12; expect_eq "$out" "$(words 12 120 121 122 123 124 125 126 127 128 129)"
comp "$KARIZ" --db "$DB" move 13 ""; offers lead
comp "$KARIZ" --db "$DB" log 7; expect_eq "$out" "$(words 7 70 71 72 73 74 75 76 77 78 79)"
comp "$KARIZ" --db "$DB" show 1; expect_eq "$(wc -l <<<"$out")" 50 "ids offered for 1"
offers 1; offers 19; offers 100; offers 138; lacks 139; lacks 2
comp "$KARIZ" --db "$DB" show ""; expect_eq "$(wc -l <<<"$out")" 50 "ids offered for nothing"
offers 200; offers 151; lacks 150
comp "$KARIZ" --db "$DB" show 9999; expect_out ""
comp "$KARIZ" --db "$DB" show x; expect_out ""
comp "$KARIZ" --db "$T/none.db" show 1; expect_out ""
[ -e "$T/none.db" ] && bad "completion created a database" || ok

t "every command whose usage starts with ID completes lead ids"
while read -r cmd; do
    current="ids for $cmd"
    first=$("$KARIZ" "$cmd" --help | head -1 | awk '{print $3}')
    [ "$first" = ID ] || continue
    comp "$KARIZ" --db "$DB" "$cmd" 11; offers 11; offers 110
done <"$T/cmds"

t "kariz complete itself"
run "$KARIZ" complete usage move; expect_rc 0; has_out "ID STAGE"
run "$KARIZ" complete --help; expect_rc 0; has_out "usage: kariz [--db PATH] [--rules PATH] complete"
run "$KARIZ" complete usage frobnicate; expect_rc 2; has_err 'unknown command "frobnicate"'
run "$KARIZ" complete frobnicate; expect_rc 2; has_err "expected commands, usage CMD"
run "$KARIZ" --help; lacks_out "complete"

finish
