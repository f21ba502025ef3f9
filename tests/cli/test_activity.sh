#!/usr/bin/env bash
# note, log, followup, assign, history, blame; the acting user is the Unix
# account, never $USER.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-11-24 10:00"   # a Tuesday
run k add "Ava Smith" --company Acme --email ava@acme.example; expect_rc 0

t "note and log"
run k note 1 "Moving data by hand" between tools; expect_rc 0
run k log 1 call no_answer; expect_rc 0
run k log 1 email replied --note "Wants pricing" --channel newsletter; expect_rc 0
run k show 1 --format json
expect_eq "$(json 'len(j["activities"])')" 3
expect_eq "$(json 'j["activities"][0]["note"]')" "Moving data by hand between tools"
expect_eq "$(json 'j["activities"][1]["channel"]')" phone
expect_eq "$(json 'j["activities"][2]["channel"]')" newsletter
expect_eq "$(json 'j["activities"][2]["author"]')" "$ME"
echo "long note
from stdin" | k note 1 - ; run k show 1 --format json
expect_eq "$(json 'j["activities"][3]["note"]')" "long note
from stdin"
run k list --search "by hand"; has_out "Ava Smith"

t "followup takes human dates"
run k followup 1 fri --step "Send proposal"; expect_rc 0
run k show 1 --format json
expect_eq "$(json 'j["next_due"]')" 2026-11-27
expect_eq "$(json 'j["next_step"]')" "Send proposal"
run k followup 1 +3d; run k show 1 --format json; expect_eq "$(json 'j["next_due"]')" 2026-11-27
run k followup 1 in 2 weeks; run k show 1 --format json; expect_eq "$(json 'j["next_due"]')" 2026-12-08
run k followup 1 2026-11-20 --force; run k list --overdue; has_out "Ava Smith"; has_out "2026-11-20!"

t "assign"
USER=mallory LOGNAME=mallory run k assign 1 bob --force; expect_rc 0
run k show 1 --format json; expect_eq "$(json 'j["owner"]')" bob
run k assign 1 -; run k show 1 --format json; expect_eq "$(json 'j["owner"]')" None

t "history and blame"
run k history 1; expect_rc 0; has_out "create"; has_out "owner"; has_out "bob"
run k history 1 --format json
expect_eq "$(json '[e["kind"] for e in j if e["kind"]=="owner"][0]')" owner
expect_eq "$(json '[e["actor"] for e in j if e["kind"]=="owner"][0]')" "$ME" "the Unix account, not \$USER"
run k blame 1 owner; expect_rc 0; has_out "set by $ME"; has_out 'was "bob"'
run k blame 1 company; expect_rc 0; has_out "since the lead was created by $ME"
run k blame 1 next_due; has_out "2026-11-20"

t "agenda"
run k add "Due Soon" --company Wonka; expect_rc 0; soon=$out
run k add "Far Off" --company Hooli; far=$out
run k add "Not Mine" --owner bob --force; other=$out
run k assign 1 "$ME"
run k followup 1 yesterday --force --step "Call back"
run k followup "$soon" tomorrow --step "Send proposal"
run k followup "$far" in 3 weeks
run k followup "$other" today
run k agenda; expect_rc 0
has_out "Agenda for $ME, 2026-11-24"
has_out "Overdue (1)"; has_out "Due in the next 7 days (1)"
overdue_block=$(printf '%s\n' "$out" | sed -n '/^Overdue/,/^$/p')
case "$overdue_block" in *"Ava Smith, Acme"*"Call back"*) ok ;; *) bad "overdue block: $overdue_block" ;; esac
has_out "Send proposal"; lacks_out "Far Off"; lacks_out "Not Mine"
run k agenda --days 30; has_out "Far Off"
run k agenda --owner bob; has_out "Not Mine"; lacks_out "Ava Smith"
run k agenda --days -1; expect_rc 2; has_err '--days "-1"'
KARIZ_NOW="2027-02-01" run k agenda; has_out "Stale ("; has_out "idle"

finish
