#!/usr/bin/env bash
# The Persian calendar and digits on the command line: text output shows
# Solar Hijri dates and Persian digits when the settings say so; JSON and
# CSV keep ISO dates and Latin digits whatever the settings; toman and rial
# from the rules file.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-12-03 10:00"
k init >/dev/null
k add "Mia Khan" --value 1200000 >/dev/null
k add "Liam Chen" >/dev/null
k followup 1 2026-12-15 --step "send the contract" >/dev/null
k set 1 close_date=2027-03-21 >/dev/null

t "the Gregorian calendar is the default: ISO dates, Latin digits"
run k followup 2 2026-12-06; expect_rc 0
expect_out "next step for Liam Chen (lead 2): (no step named), due Sun 2026-12-06 (in 3d)"

t "KARIZ_CALENDAR=persian: followup, list and show in the Solar Hijri calendar"
export KARIZ_CALENDAR=persian
run k followup 2 2026-12-06; expect_rc 0
expect_out "next step for Liam Chen (lead 2): (no step named), due Sun 15 آذر 1405 (in 3d)"
run k list --sort id; expect_rc 0
has_out "24 آذر"; lacks_out "2026-12-15"
run k show 1; expect_rc 0
has_out "1 فروردین 1406"; has_out "24 آذر 1405"; lacks_out "2027-03-21"
run k agenda; expect_rc 0
has_out "12 آذر 1405"

t "KARIZ_DIGITS=persian: digits and separators for people"
export KARIZ_DIGITS=persian
run k followup 2 2026-12-06; expect_rc 0
expect_out "next step for Liam Chen (lead 2): (no step named), due Sun ۱۵ آذر ۱۴۰۵ (in ۳d)"
run k list --sort id; expect_rc 0
has_out "۱٬۲۰۰٬۰۰۰"; has_out "۲۴ آذر"
run k show 1; expect_rc 0
has_out "۱ فروردین ۱۴۰۶"; has_out "value"; has_out "۱٬۲۰۰٬۰۰۰"
run k agenda; expect_rc 0
has_out "Due in the next ۷ days (۱)"; has_out "     ۲  in ۳d"; lacks_out "(1)"
# in Persian, the days to a step in words, never "+۳ روز"
run env LANGUAGE=fa "$KARIZ" --db "$DB" agenda; expect_rc 0
has_out "     ۲  ۳ روز بعد"; lacks_out "+"

t "JSON and CSV keep ISO dates and Latin digits"
run k show 1 --format json; expect_rc 0
expect_eq "$(json 'j["next_due"] + " " + j["close_date"] + " " + str(j["value"])')" \
    "2026-12-15 2027-03-21 1200000"
lacks_out "۱"; lacks_out "آذر"
run k list --format csv --sort id; expect_rc 0
has_out ",1200000,"; has_out "2026-12-15"; lacks_out "۱"; lacks_out "آذر"
run k history 1 --format json; expect_rc 0
lacks_out "۱"; lacks_out "آذر"

t "the user's settings file, over the locale"
unset KARIZ_CALENDAR KARIZ_DIGITS
mkdir -p "$XDG_CONFIG_HOME/kariz"
printf '# mine\ncalendar = persian\n' >"$XDG_CONFIG_HOME/kariz/settings"
run k followup 2 2026-12-06; expect_rc 0
has_out "due Sun 15 آذر 1405"
t "a setting that does not read is named on stderr and ignored"
printf 'digits = persian\ncalendar = jalali\n' >"$XDG_CONFIG_HOME/kariz/settings"
run k followup 2 2026-12-06; expect_rc 0
has_err "kariz: $XDG_CONFIG_HOME/kariz/settings:2: calendar is \"jalali\"; expected gregorian or persian; ignored"
has_out "due Sun ۲۰۲۶-۱۲-۰۶"
printf 'calendar persian\n' >"$XDG_CONFIG_HOME/kariz/settings"
run k followup 2 2026-12-06; expect_rc 0
has_err 'settings:1: "calendar persian" is not a setting; expected key = value; ignored'
printf 'calender = persian\n' >"$XDG_CONFIG_HOME/kariz/settings"
run k followup 2 2026-12-06; expect_rc 0
has_err 'settings:1: unknown setting "calender"; expected calendar, digits, bidi or direction; ignored'
rm "$XDG_CONFIG_HOME/kariz/settings"
run env KARIZ_DIGITS=arabic "$KARIZ" --db "$DB" followup 2 2026-12-06; expect_rc 0
has_err 'kariz: KARIZ_DIGITS: "arabic"; expected latin or persian; ignored'
has_out "due Sun 2026-12-06"

t "calendar: and digits: in the team's rules; a user's variable wins"
cat >"$T/fa.yaml" <<'YAML'
calendar: persian
digits: persian
currency: IRT
stages:
  - {name: lead, probability: 10}
  - {name: won, probability: 100, kind: won}
  - {name: lost, probability: 0, kind: lost}
YAML
run k --rules "$T/fa.yaml" show 1; expect_rc 0
has_out "۱٬۲۰۰٬۰۰۰ تومان"; has_out "۱ فروردین ۱۴۰۶"
run env KARIZ_DIGITS=latin "$KARIZ" --db "$DB" --rules "$T/fa.yaml" show 1; expect_rc 0
has_out "1,200,000 IRT"; has_out "1 فروردین 1406"
run env KARIZ_CALENDAR=gregorian KARIZ_DIGITS=latin "$KARIZ" --db "$DB" --rules "$T/fa.yaml" show 1
has_out "2027-03-21"

t "Persian dates and digits typed on the command line, in either calendar"
run k followup ۲ "۱۴۰۵/۹/۱۵"; expect_rc 0
has_out "(lead 2)"; has_out "2026-12-06"
run k followup 2 "پس‌فردا"; expect_rc 0; has_out "2026-12-05"
run k followup 2 "۳ روز دیگر"; expect_rc 0; has_out "2026-12-06"
run k followup 2 "15 آذر"; expect_rc 0; has_out "2026-12-06"
run k followup 2 "سه شنبه"; expect_rc 0; has_out "Tue 2026-12-08"
run k show 2 --format json; expect_eq "$(json 'j["next_due"]')" 2026-12-08
run k set ۲ "value=۴۵ هزار" "probability=۵۰" "close_date=۲۰۲۷-۰۱-۱۵"; expect_rc 0
run k show 2 --format json
expect_eq "$(json 'str(j["value"]) + " " + str(j["probability"]) + " " + j["close_date"]')" \
    "45000 50 2027-01-15"
run k add "Ava Smith" --value "۱٬۲۰۰٬۰۰۰ تومان"; expect_rc 0
run k set 3 "close_date=۱۴۰۵/۱۲/۲۹"; expect_rc 0
run k show 3 --format json; expect_eq "$(json 'j["close_date"]')" 2027-03-20
run k set 3 "close_date=1404/12/30"; expect_rc 1
has_err "is not a date (expected YYYY-MM-DD, or a Solar Hijri date such as 1405/09/15)"
run k followup 2 "1405/13/01"; expect_rc 2
has_err 'cannot read date "1405/13/01": the month must be 1..12'
run k followup 2 "someday"; expect_rc 2
has_err "or in Persian فردا"
run k report forecast --period "ماه قبل"; expect_rc 0

t "the forecast groups by Persian month; CSV and JSON carry the key"
run env KARIZ_CALENDAR=persian "$KARIZ" --db "$DB" report forecast; expect_rc 0
has_out "فروردین 1406"; has_out "دی 1405"; lacks_out "2027-03"
run env KARIZ_CALENDAR=persian "$KARIZ" --db "$DB" report forecast --format json; expect_rc 0
has_out '"1406-01"'; has_out '"1405-10"'; lacks_out "فروردین"
run env KARIZ_CALENDAR=persian "$KARIZ" --db "$DB" report forecast --format csv; expect_rc 0
has_out "by_month,1406-01,"
run k report forecast --format json; expect_rc 0
has_out '"2027-03"'; has_out '"2027-01"'

t "history shows changed dates and numbers in the calendar and digits in force"
run env KARIZ_CALENDAR=persian KARIZ_DIGITS=persian "$KARIZ" --db "$DB" history 1; expect_rc 0
has_out "۱ فروردین ۱۴۰۶"; lacks_out "2027-03-21"
run env KARIZ_CALENDAR=persian KARIZ_DIGITS=persian "$KARIZ" --db "$DB" history 2; expect_rc 0
has_out "۵۰"; has_out "۲۵ دی ۱۴۰۵"
# the actor column lines up whatever the month's name: 23 columns of time, 2 spaces
expect_eq "$(printf '%s\n' "$out" | python3 -c '
import sys; print(sorted({l.index("'"$ME"'") for l in sys.stdin if "'"$ME"'" in l}))')" "[25]"

t "rules that fail to load leave the last good settings"
cp "$T/fa.yaml" "$T/team.yaml"
run k --rules "$T/team.yaml" show 1; expect_rc 0; has_out "۱ فروردین ۱۴۰۶"
printf 'calendar: persian\ndigits: persain\n' >"$T/team.yaml"
run k --rules "$T/team.yaml" show 1; expect_rc 0
has_err 'digits is "persain"; expected latin or persian'
has_err "keeping the last good rules"
has_out "۱٬۲۰۰٬۰۰۰ تومان"; has_out "۱ فروردین ۱۴۰۶"

t "a report over a Persian season or month is named by it"
run env KARIZ_CALENDAR=persian "$KARIZ" --db "$DB" --rules "$KARIZ_SOURCE/rules.yaml" report forecast --period "last quarter"
expect_rc 0; has_out "Forecast, تابستان 1405"
run env KARIZ_CALENDAR=persian "$KARIZ" --db "$DB" --rules "$KARIZ_SOURCE/rules.yaml" report forecast --period "این ماه"
expect_rc 0; has_out "Forecast, آذر 1405"
run k report forecast --period "last quarter"; expect_rc 0
has_out "Forecast, 2026-07-01 to 2026-09-30"

t "the list's narrow due column: this year by month name, another year in numbers"
k followup 2 2027-04-01 >/dev/null
run env KARIZ_CALENDAR=persian "$KARIZ" --db "$DB" --rules "$KARIZ_SOURCE/rules.yaml" list --sort id; expect_rc 0
has_out "1406/01/12"; has_out "24 آذر"

t "a bad word in the rules is refused with line, column and the words"
printf 'calendar: jalali\nstages:\n  - {name: lead, probability: 10}\n' >"$T/bad.yaml"
run k --rules "$T/bad.yaml" rules check "$T/bad.yaml"; expect_rc 1
has_err 'bad.yaml:1:11: calendar is "jalali"; expected gregorian or persian'

finish
