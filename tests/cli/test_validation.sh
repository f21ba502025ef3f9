#!/usr/bin/env bash
# Values a person types are checked before anything is written: misspelt
# field names, negative amounts, undeclared statuses, outcomes a touch
# cannot have, and owners who are not known users.
. "$(dirname "$0")/lib.sh"
run k add "Ava Smith" --company Acme; expect_rc 0
run k add "Ben Jones" --company Initech; expect_rc 0
version() { dbq "SELECT version FROM leads WHERE id = $1"; }
# how a name nobody has is told: no account of that name here (SQLite), not
# one of the team's roles (PostgreSQL: a role may exist and not be one)
nouser() {
    if on_pg; then printf '"%s" is not one of the team'"'"'s roles' "$1"
    else printf 'no account named "%s"' "$1"; fi
}
v1=$(version 1)

t "a misspelt field name is refused with the field it resembles"
run k set 1 compnay=Globex; expect_rc 1; has_err 'field "compnay": no such field; did you mean company?'
run k set 1 ownr=root; expect_rc 1; has_err "did you mean owner?"
run k set 1 Title=CTO; expect_rc 1; has_err "did you mean title?"
run k set 1 pain_pont=manual; expect_rc 1; has_err "did you mean pain_point?"
expect_eq "$(version 1)" "$v1" "nothing written"
expect_eq "$(dbq "SELECT count(*) FROM custom_fields")" 0 "no custom field written"
run k add "Cy Typo" --set compnay=Globex; expect_rc 1; has_err "did you mean company?"
expect_eq "$(dbq "SELECT count(*) FROM leads")" 2 "no lead added"
run k set 1 pain_point=manual; expect_rc 0
run k set 1 favourite_colour=blue; expect_rc 0
expect_eq "$err" "kariz set: new custom field favourite_colour on lead 1" "a new custom field is said to be one"
run k show 1 --format json; expect_eq "$(json 'j["custom"]["favourite_colour"]')" blue
run k set 1 favourite_colour=red; expect_rc 0; expect_eq "$err" "" "the lead has it: not new"
run k set 1 pain_point=manual zzz=1 zzz=2; expect_rc 0
expect_eq "$err" "kariz set: new custom field zzz on lead 1" "declared names are not new; said once"
run k set 1 valu=5000; expect_rc 1
has_err 'did you mean value? (a new name this close to a known field is taken for a typo; to use it as a custom field, declare it under custom_fields in the rules)'

t "declared custom fields are taken as they are"
sed 's/^custom_fields:$/custom_fields:\n  - companx/' "$KARIZ_SOURCE/rules.yaml" > "$T/custom.yaml"
run k --rules "$T/custom.yaml" set 1 companx=yes; expect_rc 0
run k --rules "$KARIZ_SOURCE/rules.yaml" set 2 companx=yes; expect_rc 1; has_err "did you mean company?"  # rules that do not declare it
run k set 1 companx=no; expect_rc 0  # a custom field the lead has already

t "a negative amount is refused"
run k set 1 value=-500; expect_rc 1; has_err 'field "value": "-500" is negative'
run k set 1 revenue=-1; expect_rc 1; has_err "is negative"
run k add "Cy Neg" --value -10; expect_rc 1; has_err "is negative"
expect_eq "$(dbq "SELECT count(*) FROM leads")" 2

t "an undeclared status is refused with the statuses"
run k set 1 status=qualifed; expect_rc 1
has_err 'status "qualifed" is not one of the rules'"'"' statuses (subscriber, lead, unqualified, qualified'
run k set 1 status=qualified; expect_rc 0
run k show 1 --format json; expect_eq "$(json 'j["status"]')" qualified

t "an outcome the touch cannot have is refused with its outcomes"
run k log 1 call replied; expect_rc 1
has_err 'outcome "replied" cannot happen to a call (outcomes of call: none, answered, no_answer'
run k log 1 email answered; expect_rc 1; has_err 'cannot happen to an email (outcomes of email: none, sent, replied'
run k log 1 meeting voicemail; expect_rc 1; has_err "cannot happen to a meeting"
expect_eq "$(dbq "SELECT count(*) FROM activities")" 0
run k log 1 call answered; expect_rc 0
run k log 1 email replied; expect_rc 0

t "an owner who is not a known user is refused unless forced"
v2=$(version 2)
run k assign 2 nosuch_zq; expect_rc 1
has_err "kariz assign: $(nouser nosuch_zq)"; has_err ", and no lead is owned by that name"
lacks_err "USER"
has_err "nothing was written"; has_err "--force"
run k set 2 owner=nosuch_zq; expect_rc 1
has_err "kariz set: owner: $(nouser nosuch_zq)"; has_err ", and no lead is owned by that name"
expect_eq "$(version 2)" "$v2" "nothing written"
run k assign 2 root; expect_rc 0
run k assign 2 "$ME"; expect_rc 0
run k assign 2 nosuch_zq --force; expect_rc 0
run k show 2 --format json; expect_eq "$(json 'j["owner"]')" nosuch_zq
# an existing owner is known
run k assign 1 nosuch_zq; expect_rc 0
run k set 1 owner=ghost_zq --force; expect_rc 0

t "a misspelt owner is refused with the closest account or owner of leads"
v2=$(version 2)
run k assign 2 "${ME}x"; expect_rc 1; has_err "kariz assign: $(nouser "${ME}x") (did you mean $ME?)"
run k set 2 owner=ghost_zx; expect_rc 1; has_err "$(nouser ghost_zx) (did you mean ghost_zq?)"
run k assign 2 $'nosuch_zq\e]0;pwned\a'; expect_rc 1
has_err $'"nosuch_zq\u241b]0;pwned\u2407"'
case "$err" in *$'\e'*) bad "the name reached the terminal raw" ;; *) ok ;; esac
expect_eq "$(version 2)" "$v2" "nothing written"

t "add --owner: the same check, nothing added"
n=$(dbq "SELECT count(*) FROM leads")
run k add "Dee Typo" --owner "${ME}x"; expect_rc 1
has_err "kariz add: --owner: $(nouser "${ME}x") (did you mean $ME?)"
run k add "Dee Typo" --owner nosuch_zz; expect_rc 1; has_err "$(nouser nosuch_zz)"
expect_eq "$(dbq "SELECT count(*) FROM leads")" "$n" "no lead added"
expect_eq "$(dbq "SELECT count(*) FROM events WHERE kind = 'create'")" "$n" "no event logged"
run "$KARIZ" --db "$T/new.db" add "Dee New" --owner nosuch_zz; expect_rc 1
has_err 'no account named "nosuch_zz"'
[ -e "$T/new.db" ] && bad "a database was created for a lead that was refused" || ok
run k add "Dee Root" --owner root; expect_rc 0
run k add "Dee Known" --owner ghost_zq; expect_rc 0   # owns a lead already
run k add "Dee Forced" --owner nosuch_zz --force; expect_rc 0
run k show "$out" --format json; expect_eq "$(json 'j["owner"]')" nosuch_zz
run k add "Dee Nobody" --owner -; expect_rc 0
run k show "$out" --format json; expect_eq "$(json 'j["owner"]')" None

t "add says which custom fields are new"
run k add "Dee" --set shoe_size=9 --set pain_point=none; expect_rc 0
expect_eq "$err" "kariz add: new custom field shoe_size on lead $out"

finish
