#!/usr/bin/env bash
# kariz history in time order, whatever order the events were saved in
# (imports and the demo log back-dated events after later ones); equal
# times as saved. blame names the change that set the value there is now,
# the last saved. The demo's closed deals start in the first stage and move
# on through the stages they passed, so the funnel counts them there.
. "$(dirname "$0")/lib.sh"

# kn TIME ARGS...: kariz on the test database at TIME
kn() { KARIZ_NOW=$1 k "${@:2}"; }

t "history is in time order, not in the order the events were saved"
run kn "2026-11-05 09:00" add "Ava Smith" --company Acme; expect_rc 0; expect_out 1
run kn "2026-11-11 09:00" log 1 email sent; expect_rc 0
run kn "2026-11-17 09:00" log 1 web visited; expect_rc 0
run kn "2026-11-11 15:00" log 1 call answered; expect_rc 0   # back-dated: saved last
run kn "2026-11-20 10:00" history 1; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | cut -c1-16 | tr '\n' ,)" \
    "2026-11-05 09:00,2026-11-11 09:00,2026-11-11 15:00,2026-11-17 09:00," "table's times"
expect_eq "$(printf '%s\n' "$out" | sed -n 3p | grep -c 'call, answered')" 1 "the call third"
expect_eq "$(printf '%s\n' "$out" | sed -n 4p | grep -c 'web, visited')" 1 "the visit last"

t "history --format json: the same order, ids as saved"
run kn "2026-11-20 10:00" history 1 --format json; expect_rc 0
expect_eq "$(json '",".join(e["kind"] + ":" + (e["field"] or "") for e in j)')" \
    "create:,activity:email,activity:call,activity:web"
expect_eq "$(json '[e["at"] for e in j] == sorted(e["at"] for e in j)')" True
expect_eq "$(json '[e["id"] for e in j] == sorted(e["id"] for e in j)')" False "ids out of time order"

t "equal times keep the order they were saved in"
run kn "2026-11-19 12:00" lost 1 --reason price; expect_rc 0
run kn "2026-11-19 12:00" note 1 "closed the file"; expect_rc 0
run kn "2026-11-12 08:00" log 1 call no_answer; expect_rc 0   # back-dated again
run kn "2026-11-20 10:00" history 1 --format json; expect_rc 0
expect_eq "$(json '",".join(e["kind"] + ":" + (e["field"] or "") for e in j)')" \
    "create:,activity:email,activity:call,activity:call,activity:web,stage:stage,field:lost_reason,field:lost_from,activity:note" \
    "kinds in time order"
expect_eq "$(json 'all((a["at"], a["id"]) < (b["at"], b["id"]) for a, b in zip(j, j[1:]))')" True \
    "ordered by time, then id"
run kn "2026-11-20 10:00" history 1; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | sed -n 4p | cut -c1-16)" "2026-11-12 08:00" "the back-dated call in its place"

t "blame: the change saved last set the value, whatever time it carries"
run kn "2026-11-05 09:00" add "Liam Kim"; expect_rc 0; expect_out 2
run kn "2026-11-18 09:00" set 2 title=CTO; expect_rc 0
run kn "2026-11-12 09:00" set 2 title=CEO; expect_rc 0       # saved last, dated earlier
run kn "2026-11-20 10:00" blame 2 title; expect_rc 0
expect_out "title: \"CEO\" set by $ME on 2026-11-12 09:00 (was \"CTO\")"
run kn "2026-11-20 10:00" history 2 --format json; expect_rc 0
expect_eq "$(json '",".join(e["new"] or "" for e in j)')" "Liam Kim,CEO,CTO" "the title's changes by time"

t "a copy's history reads the same"
C=$T/copy.db
run "$KARIZ" copy "$DB" "$C"; expect_rc 0
run kn "2026-11-20 10:00" history 1; h1=$out
run "$KARIZ" --db "$C" history 1; expect_rc 0
expect_eq "$out" "$h1" "history of the copy"
expect_eq "$(printf '%s\n' "$out" | cut -c1-16 | sort -c && echo sorted)" sorted "the copy's times in order"

t "the demo's closed deals move through the stages they passed"
D=$(new_db demo.db)
kd() { KARIZ_NOW="2026-11-20 10:00" "$KARIZ" --db "$D" "$@"; }
run kd demo --no-board; expect_rc 0; has_out "added 60 demo leads"
# every lead was created in the first stage but the open ones further on
expect_eq "$(DB=$D dbq "SELECT count(*) FROM events e JOIN leads l ON l.id = e.lead_id WHERE e.kind = 'create' AND l.stage IN ('won', 'lost') AND e.detail <> 'lead'")" 0 \
    "closed deals created elsewhere than in Lead"
# a lost deal entered each open stage up to the one it was lost from
expect_eq "$(DB=$D dbq "SELECT count(*) FROM leads l WHERE l.stage = 'lost' AND (SELECT count(*) FROM events e WHERE e.lead_id = l.id AND e.kind = 'stage' AND e.field = 'stage' AND e.new_value <> 'lost') <> CASE l.lost_from WHEN 'lead' THEN 0 WHEN 'prospect' THEN 1 ELSE 2 END")" 0 \
    "lost deals that skipped a stage they passed"
expect_eq "$(DB=$D dbq "SELECT count(*) FROM leads l WHERE l.stage = 'won' AND (SELECT count(*) FROM events e WHERE e.lead_id = l.id AND e.kind = 'stage' AND e.field = 'stage') <> 3")" 0 \
    "won deals that skipped a stage"
run kd report funnel --format csv; expect_rc 0
has_out "conversion,lead,60,prospect,36,60.0"
has_out "conversion,prospect,36,opportunity,22,61.1"
has_out "conversion,opportunity,22,won,6,27.3"
# a lost deal's history: created in Lead, moved on, lost; in time order
lost=$(DB=$D dbq "SELECT min(id) FROM leads WHERE stage = 'lost' AND lost_from = 'opportunity'")
run kd history "$lost"; expect_rc 0
has_out "created     "; has_out " in Lead"
has_out "Lead -> Prospect"; has_out "Prospect -> Opportunity"; has_out "Opportunity -> Lost"
expect_eq "$(printf '%s\n' "$out" | cut -c1-16 | sort -c && echo sorted)" sorted "times in order"
run kd history "$lost" --format json; expect_rc 0
expect_eq "$(json '[e["new"] for e in j if e["kind"] == "stage"]')" "['prospect', 'opportunity', 'lost']"
expect_eq "$(json 'all((a["at"], a["id"]) < (b["at"], b["id"]) for a, b in zip(j, j[1:]))')" True

t "the Persian demo: the same pipeline, the same funnel"
F=$(new_db demo-fa.db)
run env KARIZ_NOW="2026-11-20 10:00" "$KARIZ" --db "$F" demo --no-board --lang fa; expect_rc 0
run env KARIZ_NOW="2026-11-20 10:00" "$KARIZ" --db "$F" report funnel --format csv; expect_rc 0
has_out "conversion,lead,60,prospect,36,60.0"
has_out "conversion,opportunity,22,won,6,27.3"

finish
