#!/usr/bin/env bash
# kariz add refuses a second lead with an e-mail another lead has (compared
# as import compares them), naming that lead, unless --force; kariz followup
# confirms what it saved: whose next step, what, and the resolved date,
# always with how far it is; a due date before today is refused (exit 1)
# unless --force.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-12-03 09:00" # a Thursday

t "add: a duplicate e-mail, in other case and with spaces, is refused naming the lead"
run k add "Mia Khan" --company Acme --email Mia.Khan@Acme.example; expect_rc 0; expect_out 1
run k add "M. Khan" --company "Acme Ltd" --email '  mia.khan@ACME.example '; expect_rc 1
expect_out ""
expect_eq "$err" "kariz add: duplicate: lead 1 (Mia Khan, Acme, Mia.Khan@Acme.example) has this e-mail; nothing added (--force adds it anyway)"
expect_eq "$(dbq 'select count(*) from leads')" 1 "nothing added"
run k add "M. Khan" --set email=MIA.KHAN@acme.example; expect_rc 1; has_err "lead 1 (Mia Khan"

t "add --force adds it anyway, with the warning"
run k add "M. Khan" --company "Acme Ltd" --email '  mia.khan@ACME.example ' --force; expect_rc 0
expect_out 2
expect_eq "$err" "kariz add: warning: lead 1 (Mia Khan, Acme, Mia.Khan@Acme.example) has this e-mail; adding anyway (--force)"
expect_eq "$(dbq 'select count(*) from leads')" 2

t "add: other e-mails, and leads without one, are not duplicates"
run k add "Mia Khan" --company Acme; expect_rc 0; expect_eq "$err" ""
run k add "Liam Chen" --email liam@acme.example; expect_rc 0; expect_eq "$err" ""

t "add: the duplicate message is terminal-safe"
run k add $'Eve\e]0;x\a' --email eve@x.example; expect_rc 0
run k add "Eve 2" --email EVE@x.example; expect_rc 1
case "$err" in *$'\e'*) bad "raw escape in the message" ;; *) ok ;; esac
has_err "Eve"

t "followup confirms the lead, the step and the resolved date"
run k followup 1 fri --step "call back"; expect_rc 0
expect_out "next step for Mia Khan (lead 1): call back, due Fri 2026-12-04 (tomorrow)"
run k followup 1 in 2 weeks; expect_rc 0
expect_out "next step for Mia Khan (lead 1): call back, due Thu 2026-12-17 (in 14d)"
run k followup 1 2027-01-15 --step "send the contract"
expect_out "next step for Mia Khan (lead 1): send the contract, due Fri 2027-01-15 (in 43d)"
run k followup 3 today; expect_out "next step for Mia Khan (lead 3): (no step named), due Thu 2026-12-03 (today)"
run k show 1 --format json; expect_eq "$(json 'j["next_due"] + " " + j["next_step"]')" "2027-01-15 send the contract"

t "followup: a name with escape sequences is shown safely; errors print no confirmation"
run k followup 5 tomorrow; expect_rc 0
case "$out" in *$'\e'*) bad "raw escape in the confirmation" ;; *) ok ;; esac
has_out "(lead 5): (no step named), due Fri 2026-12-04 (tomorrow)"
run k followup 1 someday; expect_rc 2; expect_out ""
has_err 'kariz followup: WHEN: cannot read date "someday": expected'; has_err "usage: kariz followup"
run k followup 99 fri; expect_rc 1; expect_out ""
# (a usage error before the database is looked at)
run "$KARIZ" --db "$T/no-such.db" followup 1 someday; expect_rc 2; has_err "WHEN: cannot read date"

t "followup: a due date before today is refused, nothing written, unless --force"
run k followup 1 2026-11-01; expect_rc 1; expect_out ""
expect_eq "$err" 'kariz followup: WHEN "2026-11-01" is 2026-11-01 (32d ago), in the past: the lead would be overdue at once; nothing was written: give a date from today on, or add --force to set it anyway'
run k show 1 --format json; expect_eq "$(json 'j["next_due"]')" "2027-01-15" "due date unchanged"
run k followup 1 yesterday --step "other step"; expect_rc 1; has_err '"yesterday" is 2026-12-02 (yesterday)'
run k show 1 --format json; expect_eq "$(json 'j["next_step"]')" "send the contract" "step unchanged"
run k followup 1 2026-11-01 --force; expect_rc 0
expect_out "next step for Mia Khan (lead 1): send the contract, due Sun 2026-11-01 (32d ago)"
run k followup 1 today; expect_rc 0; has_out "(today)"

t "a date field set as a next step's date is typed: next week, +3d, tomorrow, in Persian"
run k set 1 "close_date=next week"; expect_rc 0
run k show 1 --format json; expect_eq "$(json 'j["close_date"]')" "2026-12-07" "next week from Thursday"
run k set 1 close_date=+3d; expect_rc 0
run k show 1 --format json; expect_eq "$(json 'j["close_date"]')" "2026-12-06"
run k set 1 "close_date=فردا"; expect_rc 0
run k show 1 --format json; expect_eq "$(json 'j["close_date"]')" "2026-12-04"
run k set 1 close_date=2027-02-01; expect_rc 0
run k show 1 --format json; expect_eq "$(json 'j["close_date"]')" "2027-02-01"
run k set 1 close_date=someday; expect_rc 1; has_err '"someday" is not a date'
run k show 1 --format json; expect_eq "$(json 'j["close_date"]')" "2027-02-01" "unchanged"
run k add "Lu Wei" --set "close_date=end of month"; expect_rc 0; lu=$out
run k show "$lu" --format json; expect_eq "$(json 'j["close_date"]')" "2026-12-31"

finish
