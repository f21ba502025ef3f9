#!/usr/bin/env bash
# Text output for people names things in words: lost reasons, activity
# outcomes, event kinds, field names and stages by their labels; JSON keeps
# the names scripts read.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-11-20 10:00"
k init >/dev/null
k add --value 12500 --company Acme "Ava Smith" >/dev/null
k log 1 call no_answer >/dev/null
k set 1 value=45k next_due=2026-11-25 >/dev/null
k lost 1 --reason no_budget >/dev/null

t "history in words"
run k history 1; expect_rc 0
has_out "created     Ava Smith in Lead"
has_out "logged      call, no answer"
has_out "changed     value: 12,500 -> 45,000"
has_out "changed     next due: (none) -> 2026-11-25"
has_out "moved       Lead -> Lost"
has_out "lost reason: (none) -> no budget"
lacks_out "no_budget"; lacks_out "no_answer"; lacks_out "stage: "; lacks_out "next_due"

t "show in words"
run k show 1; expect_rc 0
has_out "45,000"; has_out "no budget"; has_out "call, no answer"
lacks_out "no_budget"; lacks_out "no_answer"

t "blame in words"
run k blame 1 lost_reason; expect_rc 0
has_out 'lost reason: "no budget" set by'
run k blame 1 stage; expect_rc 0
has_out 'stage: "Lost" set by'; has_out '(was "Lead")'

t "agenda names stages by label"
k add "Still Waiting" >/dev/null
run env KARIZ_NOW="2026-12-20 10:00" "$KARIZ" --db "$DB" agenda; expect_rc 0
has_out "Lead        Still Waiting"

t "JSON keeps the names"
run k history 1 --format json; expect_rc 0
has_out '"new": "no_budget"'; has_out '"kind": "stage"'
t "reports: stages by label and reasons in words; CSV and JSON keep the names"
run k report losses; expect_rc 0
has_out "no budget"; lacks_out "no_budget"; has_out "Lead "
run k report funnel; expect_rc 0
has_out "Prospect"; lacks_out "prospect "
run k report losses --format csv; expect_rc 0
has_out "by_reason,no_budget,"; has_out "by_stage,lead,"
run k report losses --format json; expect_rc 0
has_out '"reason": "no_budget"'
finish
