#!/usr/bin/env bash
# kariz report stakeholders: win rate and cycle length of closed deals by
# stakeholder coverage, checked against numbers worked out by hand.
. "$(dirname "$0")/lib.sh"

at() { export KARIZ_NOW="$1 10:00"; }
at 2026-11-01
for n in A B C D E F; do k add "Deal $n" --company "Co $n" --value 1000 >/dev/null; done
# A: champion and decision maker known, a call with the decision maker; won on day 10
k stakeholder add 1 "Ann Champ" --role champion >/dev/null
k stakeholder add 1 "Dan Boss" --role decision_maker >/dev/null
k log 1 call answered --with "Dan Boss"
# B: a champion; lost on day 20
k stakeholder add 2 "Bea Champ" --role champion >/dev/null
# C: a decision maker known, never reached; won on day 30
k stakeholder add 3 "Cy Boss" --role decision_maker >/dev/null
# D: nobody; lost on day 40.  E: won on day 5, its champion added on day 6
# (too late to count).  F: still open (not counted).
at 2026-11-06; k won 5
at 2026-11-07; k stakeholder add 5 "Late Champ" --role champion >/dev/null
at 2026-11-11; k won 1
at 2026-11-21; k lost 2 --reason price
at 2026-12-01; k won 3
at 2026-12-11; k lost 4 --reason timing

t "by champion: known (A won 10 d, B lost 20 d); none (C won 30, D lost 40, E won 5)"
run k report stakeholders --format json; expect_rc 0
expect_eq "$(json '[(r["coverage"], r["deals"], r["won"], r["lost"], r["win_rate"], r["median_days"], r["mean_days"]) for r in j["by_champion"]]')" \
    "[('champion known', 2, 1, 1, 50.0, 15.0, 15.0), ('no champion', 3, 2, 1, 66.7, 30.0, 25.0)]"

t "by decision maker: reached (A), known not reached (C), none (B, D, E)"
expect_eq "$(json '[(r["coverage"], r["deals"], r["won"], r["lost"], r["win_rate"], r["median_days"], r["mean_days"]) for r in j["by_decision_maker"]]')" \
    "[('reached', 1, 1, 0, 100.0, 10.0, 10.0), ('known, not reached', 1, 1, 0, 100.0, 30.0, 30.0), ('not known', 3, 1, 2, 33.3, 20.0, 21.67)]"

t "the period counts only deals closed in it"
run k report stakeholders --from 2026-11-15 --to 2026-12-31 --format json; expect_rc 0
expect_eq "$(json '[(r["coverage"], r["deals"]) for r in j["by_champion"]]')" \
    "[('champion known', 1), ('no champion', 2)]"

t "text and CSV"
run k report stakeholders; expect_rc 0
has_out "Closed deals by champion"; has_out "champion known"
has_out "Closed deals by access to the decision maker"
run k report stakeholders --format csv; expect_rc 0
has_out "table,coverage,deals,won,lost,win_rate,median_days,mean_days"
has_out "by_champion,champion known,2,1,1,50.0,15.00,15.00"
has_out "by_decision_maker,not known,3,1,2,33.3,20.00,21.67"
t "the demo's deals carry stakeholders, so the report has both sides to show"
unset KARIZ_NOW
DB=$(new_db demo.db)
run k demo --no-board --leads 120; expect_rc 0
expect_eq "$(dbq "select count(distinct role) from stakeholders where role in ('decision_maker', 'champion', 'blocker')")" 3
expect_eq "$(dbq 'select CASE WHEN count(*) > 0 THEN 1 ELSE 0 END from stakeholders where title is not null and email is not null')" 1
expect_eq "$(dbq 'select CASE WHEN count(*) > 0 THEN 1 ELSE 0 END from activities where stakeholder_id is not null')" 1
run k report stakeholders --format json; expect_rc 0
expect_eq "$(json 'all(r["deals"] > 0 for r in j["by_champion"])')" True
finish
