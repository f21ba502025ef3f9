#!/usr/bin/env bash
# Every failure: exit status, one line on stderr naming what was wrong, and
# nothing written.
. "$(dirname "$0")/lib.sh"
run k add "Ava Smith" --company Acme; expect_rc 0
snapshot() { dbq "SELECT count(*), max(version) FROM leads; SELECT count(*) FROM events;"; }
before=$(snapshot)

t "usage errors exit 2"
run k add; expect_rc 2; has_err "a NAME is required"
run k add "A" "B"; expect_rc 2; has_err "one NAME only"
run k add "A" --nope; expect_rc 2; has_err 'unknown option "--nope"'
run k add "A" --company; expect_rc 2; has_err "needs a value"
for cmd in agenda score demo triage; do
    run k $cmd --nope; expect_rc 2; has_err "kariz $cmd: unknown option \"--nope\""
done
run k agenda --days; expect_rc 2; has_err 'kariz agenda: option "--days" needs a value'
run k demo --leads; expect_rc 2; has_err 'kariz demo: option "--leads" needs a value'
run k score --format; expect_rc 2; has_err 'kariz score: option "--format" needs a value'
run k add "A" --set broken; expect_rc 2; has_err '--set "broken": expected FIELD=VALUE'
run k list --limit zero; expect_rc 2; has_err '--limit "zero": expected a positive whole number'
run k list --format xml; expect_rc 2; has_err '--format "xml": expected table, csv or json'
run k list --sort height; expect_rc 2; has_err '--sort "height"'
run k list --mine --owner bob; expect_rc 2; has_err "cannot be combined"
run k show; expect_rc 2; has_err "expected one lead ID"
run k show abc; expect_rc 2; has_err 'lead id "abc": expected a positive whole number'
run k show -- -4; expect_rc 2
run k move 1; expect_rc 2; has_err "expected a lead ID and a STAGE"
run k move 1 prospect --force; expect_rc 2; has_err "--force needs --reason"
run k lost 1; expect_rc 2; has_err "--reason REASON is required"
run k log 1 call; expect_rc 2; has_err "expected a lead ID, a KIND and an OUTCOME"
run k set 1 novalue; expect_rc 2; has_err '"novalue": expected FIELD=VALUE'
run k followup 1; expect_rc 2; has_err "expected a lead ID and WHEN"
run k score; expect_rc 2; has_err "expected one lead ID, or --all"
run k rules frob; expect_rc 2; has_err 'unknown subcommand "frob"'

t "failures name what was wrong"
run k show 99; expect_rc 1; has_err "no lead with id 99"
run k move 99 prospect; expect_rc 1; has_err "no lead with id 99"
run k move 1 limbo; expect_rc 1; has_err 'unknown stage "limbo" (stages: lead, prospect, opportunity, won, lost)'
run k list --stage limbo; expect_rc 1; has_err 'unknown stage "limbo"'
run k list --grade lukewarm; expect_rc 1; has_err 'unknown grade "lukewarm" (grades:'
run k add "B" --stage limbo; expect_rc 1; has_err 'unknown stage "limbo"'
run k add "B" --value lots; expect_rc 1; has_err 'field "value": "lots" is not an amount'
run k add "B" --owner 'no body'; expect_rc 1; has_err 'is not a user name'
run k set 1 score=99; expect_rc 1; has_err 'field "score" is computed by kariz'
run k set 1 stage=won; expect_rc 1; has_err 'changes with `kariz move`'
run k set 1 'Bad Name=1'; expect_rc 1; has_err 'not a valid custom field name'
run k set 1 probability=140; expect_rc 1; has_err 'outside 0..100'
run k set 1 close_date=2026-02-30; expect_rc 1; has_err 'field "close_date": "2026-02-30" is not a date'
run k move 1 lead; expect_rc 1; has_err "already in stage lead"
run k move 1 lost; expect_rc 1; has_err "kariz lost ID --reason"
run k lost 1 --reason "aliens"; expect_rc 1; has_err 'unknown lost reason "aliens" (reasons:'
run k lost 1 aliens; expect_rc 1; has_err 'unknown lost reason "aliens" (reasons:'
run k lost 1 price extra; expect_rc 2; has_err "expected one lead ID and its reason"
run k log 1 telegram answered; expect_rc 1; has_err 'unknown activity kind "telegram" (kinds: call, email'
run k log 1 call maybe; expect_rc 1; has_err 'unknown outcome "maybe" (outcomes of call:'
run k followup 1 someday; expect_rc 2; has_err 'someday'
run k note 1 ""; expect_rc 1; has_err "a note needs some text"
run k blame 1 "no such"; expect_rc 2; has_err "is not a field name"
run k history 77; expect_rc 1; has_err "no lead with id 77"

t "nothing was written by any failure"
expect_eq "$(snapshot)" "$before"

if on_sqlite; then # (SQLite's file: its header's user_version, and a file that is no database)
t "a newer database is refused untouched"
dbq "PRAGMA user_version = 99"
sum=$(sha256sum "$DB")
run k list; expect_rc 1; has_err "newer kariz"; has_err "not modified"
expect_eq "$(sha256sum "$DB")" "$sum"

t "not a database"
printf 'hello, this is plainly text and not a database at all.%.0s' {1..100} > "$T/text.db"
sum=$(sha256sum "$T/text.db")
run "$KARIZ" --db "$T/text.db" list; expect_rc 1; has_err "text.db is not a kariz database or is damaged"
expect_eq "$(sha256sum "$T/text.db")" "$sum"
fi

finish
