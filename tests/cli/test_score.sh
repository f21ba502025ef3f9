#!/usr/bin/env bash
# One score, always current: behaviour points decay and windows close as the
# clock moves on; every command that shows a score first recomputes the ones
# due, so list, show and score --explain agree, and score --all then finds
# nothing left to change.
. "$(dirname "$0")/lib.sh"

# score NOW: the score and grade every view shows at that time, one line per view
views() {
    export KARIZ_NOW="$1"
    run k list --format json; printf '%s %s\n' "$(json 'j[0]["score"]')" "$(json 'j[0]["grade"]')"
    run k show 1 --format json; printf '%s %s\n' "$(json 'j["score"]')" "$(json 'j["grade"]')"
    run k score 1 --explain --format json; printf '%s %s\n' "$(json 'j["score"]')" "$(json 'j["grade"]')"
    run k score 1; printf '%s\n' "$out"
}

export KARIZ_NOW="2026-11-24 10:00"
run k add "Ava Smith" --company Acme; expect_rc 0
run k log 1 email replied; expect_rc 0
run k log 1 call answered; expect_rc 0

t "a fresh score and when it is next due"
expect_eq "$(views "2026-11-24 10:00" | sort -u)" "10 cold"
# two rules of 5 points each, half-life 30 days: each rounds to 5 until it
# is below 4.5 (due a second early, so never late)
expect_eq "$(dbq 'select score_at, score_due from leads')" \
    "1795514400|$(python3 -c 'import math; print(1795514400 + math.floor(30 * 86400 * math.log2(5 / 4.5)) - 1)')"
expect_eq "$(dbq 'select count(*) from leads where score_due is null')" 0

t "the score falls as the touches age, and every view agrees"
expect_eq "$(views "2026-11-28 23:00" | sort -u)" "10 cold"
expect_eq "$(views "2026-12-10 10:00" | sort -u)" "6 cold"
expect_eq "$(views "2027-01-10 10:00" | sort -u)" "4 cold"
expect_eq "$(views "2027-03-01 10:00" | sort -u)" "2 cold"
expect_eq "$(dbq 'select score from leads')" 2
# the stored score changed without anyone touching the lead: no new field
# events, no grade event while the band stayed
expect_eq "$(dbq "select count(*) from events where kind in ('field', 'grade')")" 0

t "score --all finds nothing left to change"
export KARIZ_NOW="2027-03-01 10:00"
run k score --all; expect_rc 0; expect_out "rescored; 0 leads changed"

t "a command that shows no scores leaves them as stored"
export KARIZ_NOW="2027-06-01 10:00"
run k history 1; expect_rc 0
expect_eq "$(dbq 'select score from leads')" 2
run k score --all; expect_rc 0; expect_out "rescored; 1 lead changed"
expect_eq "$(dbq 'select score, CASE WHEN score_due IS NULL THEN 1 ELSE 0 END from leads')" "0|1"
run k list; has_out "Ava Smith"
expect_eq "$(dbq 'select score, CASE WHEN score_due IS NULL THEN 1 ELSE 0 END from leads')" "0|1"

t "decay crosses a band (logged once, as grade); a window closes"
export KARIZ_NOW="2027-06-01 10:00"
for i in 1 2; do run k log 1 web asked_price; done   # 30 points for 60 days
for i in 1 2 3; do run k log 1 email replied; done   # 15, decaying
expect_eq "$(views "2027-06-01 10:00" | sort -u)" "40 warm"
expect_eq "$(views "2027-06-15 10:00" | sort -u)" "40 warm"    # 30 + 11, held at 40
expect_eq "$(views "2027-06-25 10:00" | sort -u)" "39 cold"    # 30 + 9
expect_eq "$(views "2027-07-31 10:00" | sort -u)" "34 cold"    # 30 + 4
expect_eq "$(views "2027-07-31 10:01" | sort -u)" "4 cold"     # the window closed
expect_eq "$(dbq "select old_value || '>' || new_value from events where kind = 'grade'")" \
    "cold>warm
warm>cold"
export KARIZ_NOW="2027-07-31 10:01"
run k score --all; expect_out "rescored; 0 leads changed"

t "a read-only database shows the scores as stored, and explains them as computed"
export KARIZ_NOW="2027-08-01 10:00"
run k log 1 email replied; expect_rc 0   # 5 points, decaying
run k score 1; stored=$out
expect_eq "$stored" "9 cold"
export KARIZ_NOW="2028-01-01 10:00"
before=$(dbq "select score || '/' || coalesce(score_due, 0) from leads")
run k --read-only list --format json; expect_rc 0
expect_eq "$(json 'j[0]["score"], j[0]["grade"]' | tr -d "(),'")" "$stored"
run k --read-only score 1 --explain --format json; expect_rc 0
expect_eq "$(json 'j["score"], j["grade"]' | tr -d "(),'")" "$stored"
expect_eq "$(dbq "select score || '/' || coalesce(score_due, 0) from leads")" "$before"
run k score 1; expect_out "0 cold"   # writable: brought up to date

export KARIZ_NOW="2026-11-24 10:00"
if on_sqlite; then # (an SQLite file of schema version 1, from before PostgreSQL)
t "a database from schema version 1 has every score due, brought up to date by the first list"
OLD=$(new_db old.db)
DB=$OLD dbq < "$KARIZ_FIXTURES/schema-v1.sql"
run "$KARIZ" --db "$OLD" list; expect_rc 0; has_out "Initech"
expect_eq "$(DB=$OLD dbq 'select count(*) from leads where score_due <= 1795514400 or score_at is null')" 0
run "$KARIZ" --db "$OLD" score --all; expect_out "rescored; 0 leads changed"
fi

t "a status the rules set by themselves is scored in the same save"
SDB=$(new_db status.db)
cat > "$T/status.yaml" <<'YAML'
criteria:
  interest:
    rules:
      - label: Gone quiet
        points: -10
        when: {field: status, equals: unresponsive}
      - label: Any touch
        points: 20
        activity: {kind: call}
stages:
  - {name: lead, probability: 5}
  - {name: won, probability: 100, kind: won}
  - {name: lost, probability: 0, kind: lost}
automatic_statuses:
  - status: unresponsive
    label: Two unanswered calls
    activity: {kind: call, outcome: no_answer}
    at_least: 2
YAML
export KARIZ_NOW="2026-11-24 10:00" KARIZ_RULES="$T/status.yaml"
run "$KARIZ" --db "$SDB" add "Quiet Quinn"; expect_rc 0
run "$KARIZ" --db "$SDB" log 1 call no_answer; expect_rc 0
run "$KARIZ" --db "$SDB" log 1 call no_answer; expect_rc 0
expect_eq "$(DB=$SDB dbq 'select status, score from leads')" "unresponsive|30"
run "$KARIZ" --db "$SDB" score 1 --explain --format json
expect_eq "$(json 'j["score"]')" 30
run "$KARIZ" --db "$SDB" score --all; expect_out "rescored; 0 leads changed"
unset KARIZ_RULES

finish
