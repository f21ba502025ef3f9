#!/usr/bin/env bash
# kariz report: every report over the fixture pipeline
# (tests/fixtures/report/pipeline.sql, written with the sqlite3 shell into a
# database that `kariz init` made), with the clock fixed at 2026-03-01.
# The expected numbers are worked out by hand from the table at the top of
# the fixture (the same ones tests/unit/test_report.c checks).
. "$(dirname "$0")/lib.sh"
: "${KARIZ_FIXTURES:=$(dirname "$0")/../fixtures}"
: "${KARIZ_SOURCE:=$(dirname "$0")/../..}"
export KARIZ_NOW="2026-03-01 00:00"
# maxw: the widest line of $out in characters
maxw() { printf '%s\n' "$out" | python3 -c 'import sys; print(max(len(l) for l in sys.stdin.buffer.read().decode("utf-8").split("\n")))'; }

t "help and usage errors"
run "$KARIZ" report --help; expect_rc 0; has_out "usage: kariz report"; has_out "velocity"
run "$KARIZ" --help; has_out "report"
run k report; expect_rc 2; has_err "a report NAME is required"
run k report weather; expect_rc 2; has_err 'unknown report "weather"'
run k report funnel extra; expect_rc 2; has_err 'unexpected argument "extra"'
run k report funnel --format xml; expect_rc 2; has_err '--format "xml": expected table, csv or json'
run k report funnel --bogus; expect_rc 2; has_err 'unknown option "--bogus"'
run k report funnel --from; expect_rc 2; has_err 'needs a value'
run k report funnel; expect_rc 1; has_err "$(no_kariz_db)"

t "fixture"
run k init; expect_rc 0
dbq <"$KARIZ_FIXTURES/report/pipeline.sql" && ok || bad "fixture did not load"
expect_eq "$(dbq 'SELECT count(*) FROM leads')" 8

t "dates"
run k report funnel --from someday; expect_rc 2; has_err "--from"; has_err '"someday"'
run k report funnel --to 2026-13-01; expect_rc 2; has_err "--to"
run k report funnel --from 2026-02-01 --to 2026-01-01; expect_rc 2; has_err "is after --to"
run k report funnel --from yesterday --format json; expect_rc 0
expect_eq "$(json 'j["from"]')" 2026-02-28 "yesterday, with the clock at 2026-03-01"
expect_eq "$(json 'j["to"]')" None
expect_eq "$(json '[r["reached"] for r in j["conversion"]]')" "[0, 0, 0, 0]"

t "periods read backwards (the clock: Sunday 2026-03-01)"
period() { # ARGS...: "FROM TO" of the funnel report over them
    run k report funnel --format json "$@"
    [ "$rc" = 0 ] || bad "report funnel $*: exit status $rc"
    json 'j["from"], j["to"]' | tr -d "(),'"
}
expect_eq "$(period --from mon)" "2026-02-23 None" "mon: the last Monday"
expect_eq "$(period --from sun)" "2026-03-01 None" "sun: today is one"
expect_eq "$(period --from -7d)" "2026-02-22 None"
expect_eq "$(period --from '2 weeks ago' --to yesterday)" "2026-02-15 2026-02-28"
expect_eq "$(period --period 'last week')" "2026-02-16 2026-02-22"
expect_eq "$(period --period 'this week')" "2026-02-23 2026-03-01"
expect_eq "$(period --period 'This  Month')" "2026-03-01 2026-03-31"
expect_eq "$(period --period 'last month')" "2026-02-01 2026-02-28"
expect_eq "$(period --period 'last quarter')" "2025-10-01 2025-12-31"
expect_eq "$(period --period 'last year')" "2025-01-01 2025-12-31"
expect_eq "$(period --period 'last 7 days')" "2026-02-23 2026-03-01"
expect_eq "$(period --period -7d)" "2026-02-22 2026-03-01" "a day alone: from then to today"
expect_eq "$(period --period 2026-01-04)" "2026-01-04 2026-03-01"
expect_eq "$(period --from 'last month' --to 'last month')" "2026-02-01 2026-02-28"
expect_eq "$(period --from 'last quarter' --to 'last month')" "2025-10-01 2026-02-28"
# the same days, however they are written, give the same report
run k report funnel --format csv --period 'last quarter'; a=$out
run k report funnel --format csv --from 2025-10-01 --to 2025-12-31; expect_out "$a"
run k report funnel --period 'last week' --from mon; expect_rc 2
has_err "--period goes without --from and --to"
run k report funnel --period 'next fortnight'; expect_rc 2
has_err '--period: cannot read period "next fortnight": expected a day'
run k report funnel --from 'this month' --to 'last month'; expect_rc 2
has_err '--from this month (2026-03-01) is after --to last month (2026-02-28)'

t "funnel"
run k report funnel --format json; expect_rc 0
expect_eq "$(json 'j["report"]')" funnel
expect_eq "$(json 'j["generated"]')" 2026-03-01T00:00:00Z
expect_eq "$(json '[(r["stage"], r["leads"], r["value"]) for r in j["stages"]]')" \
    "[('lead', 1, 3000.5), ('prospect', 1, 0), ('opportunity', 2, 32000), ('won', 2, 18000), ('lost', 2, 9000)]"
# furthest stage per lead: Ava won, Ben opportunity (skipped lead), Cara
# prospect (lost, reopened), Dan opportunity, Eve lead, Finn won (skipped
# prospect), Gus lead (lost), Hana opportunity (created there)
expect_eq "$(json '[(r["stage"], r["reached"], r["next"], r["moved_on"], r["rate"]) for r in j["conversion"]]')" \
    "[('lead', 8, 'prospect', 6, 75.0), ('prospect', 6, 'opportunity', 5, 83.3), ('opportunity', 5, 'won', 2, 40.0), ('won', 2, None, None, None)]"
run k report funnel --from 2026-01-04 --to 2026-01-10 --format json; expect_rc 0
expect_eq "$(json '[r["reached"] for r in j["conversion"]]')" "[7, 5, 4, 1]"
expect_eq "$(json '[r["rate"] for r in j["conversion"]]')" "[71.4, 80.0, 25.0, None]"
run k report funnel --owner bob --format json
expect_eq "$(json 'j["owner"]')" bob
expect_eq "$(json '[r["reached"] for r in j["conversion"]]')" "[3, 3, 2, 0]"
run k report funnel --owner - --format json
expect_eq "$(json 'j["owner"]')" ""
expect_eq "$(json '[r["reached"] for r in j["conversion"]]')" "[1, 1, 1, 1]"

t "funnel as csv and as a table"
run k report funnel --format csv; expect_rc 0
has_out "table,stage,reached,next,moved_on,rate"
has_out "conversion,lead,8,prospect,6,75.0"
has_out "conversion,won,2,,,"
has_out "stages,lead,1,3000.50"
COLUMNS=60 run k report funnel; expect_rc 0
has_out "Funnel, all time"; has_out "Conversion between stages"; has_out "█"
expect_eq "$(maxw)" 60 "the widest line fills 60 columns"
LC_ALL=C COLUMNS=50 run k report funnel; expect_rc 0
has_out "#"; lacks_out "█"
expect_eq "$(maxw)" 50

t "forecast"
run k report forecast --format json; expect_rc 0
# open: Cara prospect without value, Dan 20000 at his own 80%, Eve 3000.50
# with no close date, Hana 12000 closing 2026-04-02
expect_eq "$(json '[(r["month"], r["leads"], r["value"]) for r in j["by_month"]]')" \
    "[('2026-03', 2, 20000), ('2026-04', 1, 12000), ('no date', 1, 3000.5)]"
expect_eq "$(json 'j["by_month"][0]["weighted"]')" 16000 "Cara 0 + Dan 20000 x 80%"
expect_eq "$(json '[(r["owner"], r["leads"], r["value"]) for r in j["by_owner"]]')" \
    "[('alice', 1, 3000.5), ('bob', 3, 32000)]"
expect_eq "$(json '[(r["month"], r["owner"]) for r in j["by_month_owner"]]')" \
    "[('2026-03', 'bob'), ('2026-04', 'bob'), ('no date', 'alice')]"
expect_eq "$(json '(j["total"][0]["leads"], j["total"][0]["value"])')" "(4, 35000.5)"
# the built-in rules: lead 5%, opportunity 50%
expect_eq "$(json '[r["weighted"] for r in j["by_month"]]')" "[16000, 6000, 150.03]" \
    "Hana 12000 x 50%; Eve 3000.50 x 5% = 150.025, rounded half up"
expect_eq "$(json 'j["total"][0]["weighted"]')" 22150.03
expect_eq "$(json '[(r["owner"], r["weighted"]) for r in j["by_owner"]]')" "[('alice', 150.03), ('bob', 22000)]"

t "forecast follows the rules in force at once"
python3 - "$KARIZ_SOURCE/rules.yaml" "$T/rules.yaml" <<'PY'
import sys
text = open(sys.argv[1]).read()
old = "    probability: 50\n"  # the opportunity stage
assert old in text, "the built-in rules changed shape"
open(sys.argv[2], "w").write(text.replace(old, old.replace("50", "70")))
PY
run k report forecast --format json; expect_rc 0
expect_eq "$(json '[r["weighted"] for r in j["by_month"]]')" "[16000, 8400, 150.03]" "Hana 12000 x 70%"
expect_eq "$(json 'j["total"][0]["weighted"]')" 24550.03
rm -f "$T/rules.yaml"
run k report forecast --format json
expect_eq "$(json 'j["total"][0]["weighted"]')" 22150.03 "back to the built-in rules"

run k report forecast --from 2026-04-01 --to 2026-04-30 --format json
expect_eq "$(json '[r["month"] for r in j["by_month"]]')" "['2026-04', 'no date']"

t "velocity"
run k report velocity --format json; expect_rc 0
# lead [1 2 2 2 3 54], prospect [3 3 3 5 47], opportunity [4 4 5 39 50]
expect_eq "$(json '[(r["stage"], r["entered"], r["median_days"], r["p90_days"], r["leads"]) for r in j["stages"]]')" \
    "[('lead', 6, 2.0, 28.5, 1), ('prospect', 5, 3.0, 30.2, 1), ('opportunity', 5, 5.0, 45.6, 2)]"
# stale with the built-in limits (lead 7, prospect 14, opportunity 21 days):
# Eve idle 54, Cara 47, Dan 50; Hana idle 38 but her next step is due
expect_eq "$(json '[r["stale"] for r in j["stages"]]')" "[1, 1, 1]"
expect_eq "$(json '[(r["measure"], r["stage"]) for r in j["bottleneck"]]')" \
    "[('longest_wait', 'opportunity'), ('most_leads', 'opportunity')]"
run k report velocity --from 2026-01-04 --to 2026-01-10 --format json
expect_eq "$(json '[r["median_days"] for r in j["stages"]]')" "[27.5, 4.0, 4.5]"
expect_eq "$(json '[r["p90_days"] for r in j["stages"]]')" "[48.7, 4.8, 36.5]"
COLUMNS=80 run k report velocity; expect_rc 0; has_out "Bottleneck"; has_out "45.6d"

t "report tables: words for the bottleneck measures and placeholders, units in the language and digits in force; CSV and JSON keep the ids"
COLUMNS=100 run k report velocity; expect_rc 0
has_out "longest wait  "; has_out "most leads  "; lacks_out "longest_wait"; lacks_out "most_leads"
run k report velocity --format csv; has_out "bottleneck,longest_wait,opportunity,"
COLUMNS=100 KARIZ_DIGITS=persian LANGUAGE=fa run k report velocity; expect_rc 0
has_out "طولانی‌ترین انتظار"; has_out "صدک ۹۰"; has_out "۴۵٫۶ روز"; lacks_out "45.6"; lacks_out "۴۵٫۶d"
COLUMNS=100 KARIZ_DIGITS=persian LANGUAGE=fa run k report funnel; expect_rc 0
has_out "۷۵٫۰٪"; lacks_out "%"
COLUMNS=100 KARIZ_DIGITS=latin LANGUAGE=fa run k report funnel; has_out "75.0%" # Latin digits keep the Latin sign
COLUMNS=100 KARIZ_DIGITS=persian LANGUAGE=fa run k report forecast; expect_rc 0
has_out "بی‌تاریخ"; lacks_out "no date"
KARIZ_DIGITS=persian LANGUAGE=fa run k report forecast --format csv; has_out "by_month,no date,"

t "losses"
run k report losses --format json; expect_rc 0
# lost now: Ben from opportunity (price), Gus from lead (no_budget); Cara
# was lost and reopened, so she is not a loss
expect_eq "$(json '[(r["stage"], r["lost"], r["share"], r["value"]) for r in j["by_stage"]]')" \
    "[('lead', 1, 50.0, 4000), ('opportunity', 1, 50.0, 5000)]"
expect_eq "$(json '[(r["reason"], r["lost"]) for r in j["by_reason"]]')" \
    "[('no_budget', 1), ('price', 1)]"
expect_eq "$(json '[(r["source"], r["won"], r["lost"], r["win_rate"]) for r in j["win_rate_by_source"]]')" \
    "[('referral', 0, 1, 0.0), ('web', 2, 1, 66.7)]"
run k report losses --from 2026-01-07 --to 2026-01-10 --format json
expect_eq "$(json '[(r["stage"], r["share"]) for r in j["by_stage"]]')" "[('opportunity', 100.0)]"

t "channels"
run k report channels --format json; expect_rc 0
expect_eq "$(json '[(r["channel"], r["touches"], r["sent"], r["replied"], r["calls"], r["answered"], r["response_rate"]) for r in j["response"]]')" \
    "[('email', 9, 7, 2, 0, 0, 28.6), ('in_person', 1, 0, 0, 0, 0, None), ('phone', 5, 0, 0, 5, 4, 80.0), ('web', 1, 0, 0, 0, 0, None)]"
expect_eq "$(json '[(r["channel"], r["won_deals"], r["won_share"], r["lost_deals"], r["lost_share"]) for r in j["before_close"]]')" \
    "[('email', 2, 100.0, 2, 100.0), ('in_person', 1, 50.0, 0, 0.0), ('phone', 2, 100.0, 1, 50.0)]"
expect_eq "$(json '[(r["outcome"], r["deals"]) for r in j["closed"]]')" "[('won', 2), ('lost', 2)]"

t "scoring"
run k report scoring --format json; expect_rc 0
# closed: Ava won hot, Finn won cold, Ben lost warm, Gus lost cold
expect_eq "$(json 'sorted((r["grade"], r["deals"], r["won"], r["lost"], r["win_rate"]) for r in j["by_grade"])')" \
    "[('cold', 2, 1, 1, 50.0), ('hot', 1, 1, 0, 100.0), ('warm', 1, 0, 1, 0.0)]"

t "json keys are stable"
keys() { run k report "$1" --format json; expect_rc 0; expect_eq "$(json "$2")" "$3" "$1: $2"; }
head_keys="'report', 'from', 'to', 'owner', 'generated'"
keys funnel 'list(j)' "[$head_keys, 'stages', 'conversion', 'notes']"
keys funnel 'list(j["stages"][0])' "['stage', 'leads', 'value']"
keys funnel 'list(j["conversion"][0])' "['stage', 'reached', 'next', 'moved_on', 'rate']"
keys forecast 'list(j)' "[$head_keys, 'by_month', 'by_owner', 'by_month_owner', 'total', 'notes']"
keys forecast '[list(j[t][0]) for t in ("by_month", "by_owner", "by_month_owner", "total")]' \
    "[['month', 'leads', 'value', 'weighted'], ['owner', 'leads', 'value', 'weighted'], ['month', 'owner', 'leads', 'value', 'weighted'], ['leads', 'value', 'weighted']]"
keys velocity 'list(j)' "[$head_keys, 'stages', 'bottleneck', 'notes']"
keys velocity '[list(j[t][0]) for t in ("stages", "bottleneck")]' \
    "[['stage', 'entered', 'median_days', 'p90_days', 'leads', 'stale'], ['measure', 'stage', 'median_days', 'leads']]"
keys losses 'list(j)' "[$head_keys, 'by_stage', 'by_reason', 'win_rate_by_source', 'notes']"
keys losses '[list(j[t][0]) for t in ("by_stage", "by_reason", "win_rate_by_source")]' \
    "[['stage', 'lost', 'share', 'value'], ['reason', 'lost', 'share'], ['source', 'won', 'lost', 'win_rate']]"
keys channels 'list(j)' "[$head_keys, 'response', 'before_close', 'closed', 'notes']"
keys channels '[list(j[t][0]) for t in ("response", "before_close", "closed")]' \
    "[['channel', 'touches', 'sent', 'replied', 'calls', 'answered', 'response_rate'], ['channel', 'won_deals', 'won_share', 'lost_deals', 'lost_share'], ['outcome', 'deals']]"
keys scoring 'list(j)' "[$head_keys, 'by_grade', 'notes']"
keys scoring 'list(j["by_grade"][0])' "['grade', 'deals', 'won', 'lost', 'win_rate']"

t "an empty period"
run k report losses --from 2030-01-01 --format json; expect_rc 0
expect_eq "$(json '(j["by_stage"], j["by_reason"], j["win_rate_by_source"])')" "([], [], [])"
run k report losses --from 2030-01-01; expect_rc 0; has_out "(nothing in this period)"

t "data text is made safe in tables, kept exact in csv"
ESC=$'\033' # (the byte itself: char() is SQLite's, chr() PostgreSQL's)
dbq "UPDATE leads SET source = 'we${ESC}[31mb' WHERE id = 7"
run k report losses; expect_rc 0
case "$out" in *$'\e'*) bad "an escape reached the terminal" ;; *) ok ;; esac
has_out "␛[31mb"
run k report losses --format csv
case "$out" in *$'we\e[31mb'*) ok ;; *) bad "csv changed the data" ;; esac

t "read-only database"
run "$KARIZ" --db "$DB" --read-only report funnel --format json; expect_rc 0
expect_eq "$(json 'j["conversion"][0]["reached"]')" 8

t "an imported pipeline is in the funnel and velocity: from its CRM's dates, the imports' own moves not counted as moves"
DB=$(new_db imported.db); k init >/dev/null
# contacts (lead, prospect), then their deals (opportunity, won, lost) the next minute
KARIZ_NOW="2026-12-01 09:00" run k import "$KARIZ_FIXTURES/crm/hubspot/contacts.csv"; expect_rc 0
KARIZ_NOW="2026-12-01 09:01" run k import "$KARIZ_FIXTURES/crm/hubspot/deals.csv"; expect_rc 0
funnel() { run k report funnel --format json "$@"; json '[(c["stage"], c["reached"], c["moved_on"]) for c in j["conversion"]]'; }
# all time: the leads, each from the stage the imports left it in: 1 in
# opportunity, 2 and 4 won, 5 lead, 6 prospect; 3, lost from lead, passed
# lead
expect_eq "$(KARIZ_NOW="2026-12-02 10:00" funnel)" \
    "[('lead', 6, 4), ('prospect', 4, 3), ('opportunity', 3, 2), ('won', 2, None)]"
# this week: nobody moved yet (the deals import's moves are the CRM's stages)
expect_eq "$(KARIZ_NOW="2026-12-02 10:00" funnel --period "this week")" \
    "[('lead', 0, 0), ('prospect', 0, 0), ('opportunity', 0, 0), ('won', 0, None)]"
# a move on the board counts, in its week
KARIZ_NOW="2026-12-02 11:00" run k move 5 prospect --force --reason "met at the fair"; expect_rc 0
expect_eq "$(KARIZ_NOW="2026-12-02 12:00" funnel --period "this week")" \
    "[('lead', 1, 1), ('prospect', 1, 0), ('opportunity', 0, 0), ('won', 0, None)]"
KARIZ_NOW="2026-12-02 12:00" run k report velocity --format json; expect_rc 0
# (entered: lead 5 lead, then prospect; 3 lead, then lost; 6 prospect;
# 1 opportunity)
expect_eq "$(json '[(s["stage"], s["entered"]) for s in j["stages"]]')" \
    "[('lead', 2), ('prospect', 2), ('opportunity', 1)]"

t "channels: a call nobody recorded the outcome of is left out of the response rate"
printf 'Activity date,Activity type,Call title,Associated Contact\n2026-12-02 09:30,Call,Catch-up,Olga Petrova (olga@umbrella.example)\n' > "$T/calls.csv"
KARIZ_NOW="2026-12-02 12:00" run k import "$T/calls.csv"; expect_rc 0
KARIZ_NOW="2026-12-02 12:30" run k log 5 call answered; expect_rc 0
KARIZ_NOW="2026-12-02 13:00" run k report channels --period "this week" --format json; expect_rc 0
expect_eq "$(json '[(r["channel"], r["calls"], r["answered"], r["response_rate"]) for r in j["response"]]')" \
    "[('phone', 2, 1, 100.0)]"

t "amounts in several currencies are said to be added as they stand"
DB=$(new_db currencies.db); k init >/dev/null
k add "Euro Deal" --value 1000 --set currency=EUR --stage opportunity >/dev/null
k add "Plain Deal" --value 2000 --stage opportunity >/dev/null
k add "Other Euro" --value 500 --set currency=EUR --stage prospect >/dev/null
run k report forecast --format json; expect_rc 0
expect_eq "$(json '[n for n in j["notes"] if "currencies" in n]')" \
    "['The amounts add up deals in several currencies as they stand, without converting: 2 in EUR, 1 without one.']"
run k report funnel; expect_rc 0; has_out "2 in EUR, 1 without one."
k set 2 currency=EUR >/dev/null
run k report forecast --format json; expect_rc 0
expect_eq "$(json '[n for n in j["notes"] if "currencies" in n]')" "[]" "one currency: no note"

finish
