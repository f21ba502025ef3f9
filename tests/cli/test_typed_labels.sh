#!/usr/bin/env bash
# Wherever a stage, lost reason, status, activity kind or outcome is typed,
# the words kariz shows for it are read as well as its id: "Lead",
# "no answer", "No_Budget", in any case, spaces for underscores, and the
# Persian words under a Persian locale. Scripts keep reading the ids.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-12-03 10:00"
k init >/dev/null
k add "Ava Smith" --company Acme >/dev/null
k add "Bo Li" --company Initech >/dev/null

t "move takes the stage's label, in any case"
run k move 1 Prospect --force --reason "met at the fair"; expect_rc 0
run k show 1 --format json; expect_eq "$(json 'j["stage"]')" prospect
run k move 1 "  LEAD "; expect_rc 0
run k show 1 --format json; expect_eq "$(json 'j["stage"]')" lead
run k move 1 Leed; expect_rc 1; has_err 'unknown stage "Leed" (stages: lead, prospect'

t "list --stage and add --stage take the label"
run k list --stage Lead --format csv; expect_rc 0; has_out "Ava Smith"
run k add "Cy" --stage "Lost" --set lost_reason=price; expect_rc 0
run k show 3 --format json; expect_eq "$(json 'j["stage"]')" lost

t "log takes the kind and the outcome as shown"
run k log 1 call "no answer"; expect_rc 0
run k log 1 Call No_Answer; expect_rc 0
run k log 1 meeting "No Show"; expect_rc 0
run k history 1 --format json
expect_eq "$(json '" ".join(e["new"] for e in j if e["kind"] == "activity")')" "no_answer no_answer no_show"
run k log 1 email "no answer"; expect_rc 1; has_err 'outcome "no_answer" cannot happen to an email'
run k log 1 call "no reply"; expect_rc 1; has_err 'unknown outcome "no reply"'

t "lost takes the reason as shown"
run k lost 1 "no budget"; expect_rc 0
run k show 1 --format json; expect_eq "$(json 'j["lost_reason"]')" no_budget

t "set status= takes the status as shown"
run k set 2 status="Call back later"; expect_rc 0
run k show 2 --format json; expect_eq "$(json 'j["status"]')" call_back_later
run k set 2 status="call me later"; expect_rc 1; has_err 'status "call me later" is not one of'

t "under a Persian locale, the Persian words"
fa() { LANGUAGE=fa LANG=fa_IR.UTF-8 k "$@"; }
run fa move 2 "مشتری بالقوه" --force --reason "آشنا"; expect_rc 0
run k show 2 --format json; expect_eq "$(json 'j["stage"]')" prospect
run fa log 2 تماس $'\u0628\u06cc\u200c\u067e\u0627\u0633\u062e'; expect_rc 0 # بی‌پاسخ
run fa lost 2 "نبود بودجه"; expect_rc 0
run k show 2 --format json; expect_eq "$(json 'j["lost_reason"] + " " + j["stage"]')" "no_budget lost"

finish
