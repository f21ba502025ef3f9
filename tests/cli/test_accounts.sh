#!/usr/bin/env bash
# Companies as accounts: kariz account by name, domain or lead id; two
# spellings made one; and the "already worked by" notice of kariz add.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-11-24 10:00"
k add "Ava Smith" --company "Acme Ltd" --email ava@acme.example --value 20000 --owner bob --force >/dev/null
k add "Cy Jones" --company "ACME, Inc." --value 5000 --owner bob --force >/dev/null
k add "Dee Free" --company "Other Co" --email dee@gmail.com --owner carol --force >/dev/null
k stakeholder add 1 "Mia Khan" --role champion --title CFO >/dev/null
k log 1 call answered --with "Mia Khan"
k won 2 >/dev/null

t "the notice: adding a lead at a company colleagues work"
run k add "Eve New" --company "acme" --owner carol --force; expect_rc 0; expect_out 4
has_err "kariz: Acme Ltd: 1 open lead owned by bob"
t "by e-mail domain, with no company"
run k add "Fay Mail" --email fay@acme.example --owner carol --force; expect_rc 0; expect_out 5
has_err "Acme Ltd: 1 open lead owned by bob"
t "bob adding one hears of carol's two; nothing for a free mail domain or a new company"
run k add "Gus Bob" --company "Acme Ltd" --owner bob --force; expect_rc 0
expect_eq "$err" "kariz: Acme Ltd: 2 open leads owned by carol"
run k add "Hal Mail" --email hal@gmail.com --owner bob --force; expect_rc 0; expect_eq "$err" ""
run k add "Ivy New" --company "Brand New GmbH"; expect_rc 0; expect_eq "$err" ""

t "kariz account: leads, owners, values, people, open and weighted value, last touch"
run k account "acme"; expect_rc 0
has_out "Acme Ltd: 5 leads, 4 open, open value 20,000, weighted 1,000"
has_out "last touch: 2026-11-24 10:00 by $ME"
has_out "Ava Smith"; has_out "Cy Jones"; has_out "Won"; has_out "Eve New"; has_out "Fay Mail"
has_out "Gus Bob"; lacks_out "Hal Mail"; lacks_out "Dee Free"
has_out "Mia Khan"; has_out "champion"
run k account acme.example --format json; expect_rc 0
expect_eq "$(json '[l["id"] for l in j["leads"]]')" "[1, 2, 4, 5, 6]"
expect_eq "$(json '(j["account"], j["open_leads"], j["open_value"], j["weighted_value"])')" \
    "('Acme Ltd', 4, 20000, 1000)"
expect_eq "$(json '[(s["name"], s["role"], s["lead"]) for s in j["stakeholders"]]')" "[('Mia Khan', 'champion', 1)]"
run k account 5 --format json; expect_eq "$(json 'j["account"]')" "Acme Ltd"

t "two spellings are one company"
k add "Jo Group" --company "Acme Group" --owner dan --force >/dev/null
run k account "Acme Group" --format json; expect_eq "$(json 'len(j["leads"])')" 1
run k account alias "Acme Group" "Acme Ltd"; expect_rc 0
has_out '"Acme Group" is now the account of "Acme Ltd"'
run k account acme --format json; expect_eq "$(json 'len(j["leads"])')" 6
run k add "Kim Group" --company "ACME GROUP" --owner carol --force; has_err "Acme Ltd: 2 open leads owned by bob, 1 by dan"
run k account alias "ACME, Ltd." "acme"; expect_rc 0; has_out "are already one company"
run k account alias "$(printf 'Evil\033[2J')" "Acme"; expect_rc 0
case "$out" in *$'\033'*) bad "an escape reached the terminal raw" ;; *) ok ;; esac
run k account unalias "$(printf 'Evil\033[2J')"; expect_rc 0
run k account unalias "Acme Group"; expect_rc 0
run k account acme --format json; expect_eq "$(json 'len(j["leads"])')" 5

t "import says which companies colleagues already work"
printf 'name,company,email\nZed One,Acme Ltd,zed@elsewhere.example\nZed Two,Acme Ltd,zed2@elsewhere.example\nNew Person,Fresh Co,np@fresh.example\n' > "$T/in.csv"
run k import "$T/in.csv" --owner carol; expect_rc 0
has_err "kariz import: companies colleagues already work:"
has_err "Acme Ltd: 2 open leads owned by bob"
case "$err" in *"Fresh Co"*) bad "a new company is no notice" ;; *) ok ;; esac
expect_eq "$(printf '%s\n' "$err" | grep -c 'Acme Ltd')" 1 "one line per company"

t "import names each company once, in the order the file first names it"
k add "Gil Moss" --company "Globex Inc" --owner dan --force >/dev/null
printf 'name,company,email\nNo One,Initrode,no@initrode.example\nG1,Globex,\nA1,ACME Ltd.,\nG2,GLOBEX inc,\nA2,Acme,\nG3,,g3@globex.example\n' > "$T/mixed.csv"
run k import "$T/mixed.csv" --owner carol; expect_rc 0
notices=$(printf '%s\n' "$err" | grep -E '^(Globex|Acme)' || true)
expect_eq "$(printf '%s\n' "$notices" | sed 's/:.*//')" "Globex Inc
Acme Ltd" "Globex, then Acme, each once"

t "companies that share a company e-mail domain are one account, told once"
k add "Hal Hub" --company "Hubco" --email hal@hub.example --owner bob --force >/dev/null 2>&1
printf 'name,company,email\nN1,Hub North,n1@hub.example\nS1,Hub South,s1@hub.example\nE1,Hub East,e1@hub.example\n' > "$T/hub.csv"
run k import "$T/hub.csv" --owner carol; expect_rc 0
expect_eq "$(printf '%s\n' "$err" | grep -c 'open lead owned by bob')" 1 "one line for the account ($err)"
has_err "1 open lead owned by bob"

t "an account is named as most of its leads spell it, on a tie as the first"
i=0
for c in "Zeta Ltd" "ZETA LTD" "ZETA LTD" "Zeta Ltd"; do
    i=$((i + 1))
    k add "Zed $i" --company "$c" --owner bob --force >/dev/null 2>&1
done
run k account zeta --format json; expect_eq "$(json 'j["account"]')" "Zeta Ltd"
k add "Zed Last" --company "ZETA LTD" --owner bob --force >/dev/null 2>&1
run k account zeta --format json; expect_eq "$(json 'j["account"]')" "ZETA LTD"

t "errors"
run k account "Nobody Here"; expect_rc 1; has_err 'no leads at a company "Nobody Here"'
run k account; expect_rc 2; has_err "expected a company NAME"
run k account "..."; expect_rc 1; has_err "is no company name"
run k account 999; expect_rc 1; has_err "no lead with id 999"
run k account alias "Acme"; expect_rc 2; has_err "alias: expected a SPELLING and the COMPANY"
finish
