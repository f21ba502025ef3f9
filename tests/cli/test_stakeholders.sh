#!/usr/bin/env bash
# The people around a deal: kariz stakeholder add/set/rm/list and their
# errors, the events they leave, touches with one of them, and the rules
# that score and gate on them.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-11-24 10:00"
run k add "Ava Smith" --company "Acme Ltd" --email ava@acme.example --value 20000; expect_rc 0

t "add, with every option"
run k stakeholder add 1 "Mia Khan" --role champion --title CFO --email mia@acme.example \
    --phone "+44 20 7946 0000" --note "argues for us"
expect_rc 0; has_out "stakeholder 1 on Ava Smith, Acme Ltd (lead 1): Mia Khan, champion"
run k stakeholder list 1 --format json; expect_rc 0
expect_eq "$(json '(j[0]["name"], j[0]["role"], j[0]["title"], j[0]["email"], j[0]["phone"], j[0]["note"])')" \
    "('Mia Khan', 'champion', 'CFO', 'mia@acme.example', '+44 20 7946 0000', 'argues for us')"
run k stakeholder list 1; expect_rc 0; has_out "Mia Khan"; has_out "champion"; has_out "CFO"
has_out "not touched yet"

t "add: errors"
run k stakeholder add 1 "Joe Bloggs" --role ceo; expect_rc 1
has_err 'unknown stakeholder role "ceo"'
has_err "roles: decision_maker, economic_buyer, champion, influencer, user, blocker"
run k stakeholder add 99 "Joe Bloggs" --role champion; expect_rc 1; has_err "no lead with id 99"
run k stakeholder add 1; expect_rc 2; has_err "the stakeholder needs a NAME after the lead ID"
run k stakeholder add 1 ""; expect_rc 2; has_err "needs a NAME"
run k stakeholder add 1 "Joe Bloggs"; expect_rc 2; has_err "--role ROLE is required (roles: decision_maker"
run k stakeholder add x "Joe" --role user; expect_rc 2; has_err 'lead id "x"'
run k stakeholder frob; expect_rc 2; has_err 'unknown subcommand "frob"'
expect_eq "$(dbq 'select count(*) from stakeholders')" 1 "nothing written by a failed add"

t "set and its errors"
run k stakeholder set 1 role=influencer title="VP Finance"; expect_rc 0
has_out "Mia Khan, influencer"
expect_eq "$(dbq 'select role, title from stakeholders where id = 1')" "influencer|VP Finance"
run k stakeholder set 1 role=boss; expect_rc 1; has_err 'unknown stakeholder role "boss" (roles:'
run k stakeholder set 1 colour=red; expect_rc 1; has_err 'stakeholder field "colour": no such field'
run k stakeholder set 1 name=; expect_rc 1; has_err "a stakeholder needs a name"
run k stakeholder set 1 role; expect_rc 2; has_err "expected FIELD=VALUE"
run k stakeholder set 42 role=user; expect_rc 1; has_err "no stakeholder with id 42"
expect_eq "$(dbq 'select role, title from stakeholders where id = 1')" "influencer|VP Finance" \
    "a refused set changes nothing"
run k stakeholder set 1 title=; expect_rc 0
expect_eq "$(dbq 'select CASE WHEN title IS NULL THEN 1 ELSE 0 END from stakeholders where id = 1')" 1

t "every change is an event, and moves the lead's version on"
v0=$(dbq 'select version from leads where id = 1')
run k stakeholder add 1 "Bo Boss" --role decision_maker; expect_rc 0
expect_eq "$(dbq 'select version from leads where id = 1')" $((v0 + 1))
run k history 1; expect_rc 0
has_out "added Mia Khan (champion)"; has_out "Mia Khan: role: champion -> influencer"
has_out "added Bo Boss (decision maker)"
run k history 1 --format json
expect_eq "$(json '[e["field"] for e in j if e["kind"] == "stakeholder"][-1]')" "stakeholder.2"

t "a touch with a stakeholder: by name, role or id"
run k log 1 call answered --with "bo boss"; expect_rc 0
expect_eq "$(dbq 'select stakeholder_id from activities order by id desc limit 1')" 2
run k log 1 meeting held --with decision_maker; expect_rc 0
run k log 1 email sent --with 1; expect_rc 0
expect_eq "$(dbq "select group_concat('' || coalesce(stakeholder_id, 0), ',') from activities")" "2,2,1"
run k log 1 call answered --with "Nobody"; expect_rc 1
has_err 'lead 1 has no stakeholder "Nobody" (it has: 1 Mia Khan, 2 Bo Boss)'
run k stakeholder list 1 --format csv; expect_rc 0
has_out "id,lead,name,role,title,email,phone,note,last_touch"
has_out "2,1,Bo Boss,decision_maker,,,,,2026-11-24T10:00:00Z"
run k show 1 --format json
expect_eq "$(json '[a["stakeholder_id"] for a in j["activities"]]')" "[2, 2, 1]"
expect_eq "$(json '[s["name"] for s in j["stakeholders"]]')" "['Mia Khan', 'Bo Boss']"

t "show says who each touch was with, before its note"
run k log 1 call answered --with "Bo Boss" --note "asked for a quote"; expect_rc 0
run k show 1; expect_rc 0
has_out "call, answered           with Bo Boss: asked for a quote"
has_out "meeting, held            with Bo Boss"
has_out "email, sent              with Mia Khan"

t "rm"
run k stakeholder rm 1; expect_rc 0; has_out "removed stakeholder 1 (Mia Khan) from Ava Smith"
run k stakeholder rm 1; expect_rc 1; has_err "no stakeholder with id 1"
run k stakeholder rm; expect_rc 2; has_err "expected one stakeholder ID"
run k history 1; has_out "removed Mia Khan (influencer)"
expect_eq "$(dbq 'select count(*) from activities where stakeholder_id is null')" 1 \
    "the touch with a removed person stays, naming nobody"

t "export and intake carry stakeholders"
run k export --format jsonl; expect_rc 0
printf '%s\n' "$out" > "$T/out.jsonl"
DB=$(new_db copy.db) run k intake < "$T/out.jsonl"; expect_rc 0
expect_eq "$(DB=$(new_db copy.db) dbq 'select name, role from stakeholders')" "Bo Boss|decision_maker"
expect_eq "$(DB=$(new_db copy.db) dbq "select count(*) from activities a join stakeholders s on s.id = a.stakeholder_id where s.name = 'Bo Boss'")" 3 \
    "the touches with him name him in the copy"

t "--with: the beginning of a name or of one of its words, when it fits one stakeholder only"
run k add "Zed Zorn" --company Initech; expect_rc 0; z=$out
run k stakeholder add "$z" "Dana Boss" --role decision_maker; expect_rc 0; dana=$(dbq "select max(id) from stakeholders")
run k stakeholder add "$z" "Boris Bell" --role user; expect_rc 0; boris=$(dbq "select max(id) from stakeholders")
last_with() { dbq 'select stakeholder_id from activities order by id desc limit 1'; }
n0=$(dbq 'select count(*) from activities')
run k log "$z" call answered --with Dana; expect_rc 0; expect_eq "$(last_with)" "$dana" "Dana: Dana Boss"
run k log "$z" call answered --with boss; expect_rc 0; expect_eq "$(last_with)" "$dana" "boss: Dana Boss"
run k log "$z" call answered --with "DANA B"; expect_rc 0; expect_eq "$(last_with)" "$dana" "DANA B"
run k log "$z" call answered --with bori; expect_rc 0; expect_eq "$(last_with)" "$boris" "bori: Boris Bell"
run k log "$z" call answered --with bo; expect_rc 1
has_err "\"bo\" begins the name of more than one stakeholder of lead $z; name one by id or by more of the name ($dana Dana Boss, $boris Boris Bell)"
run k stakeholder add "$z" "Boris Bellamy" --role user; expect_rc 0; bellamy=$(dbq "select max(id) from stakeholders")
run k log "$z" call answered --with "boris bell"; expect_rc 0   # a whole name wins over a prefix
expect_eq "$(last_with)" "$boris" "boris bell: the exact name, not Bellamy"
run k log "$z" call answered --with bellam; expect_rc 0; expect_eq "$(last_with)" "$bellamy" "bellam"
run k log "$z" call answered --with user; expect_rc 1   # a role two have: only those two named
has_err "\"user\" is more than one stakeholder of lead $z; name one by id ($boris Boris Bell, $bellamy Boris Bellamy)"
run k log "$z" call answered --with ""; expect_rc 1; has_err "lead $z has no stakeholder \"\""
run k log "$z" call answered --with "ana"; expect_rc 1; has_err "lead $z has no stakeholder \"ana\" (it has:"
run k stakeholder add "$z" "سارا کریمی" --role influencer; expect_rc 0; sara=$(dbq "select max(id) from stakeholders")
run k log "$z" call answered --with "كريمي"; expect_rc 0   # Arabic kaf and yeh find the Persian ones
expect_eq "$(last_with)" "$sara" "a Persian word, typed with Arabic letters"
run k log "$z" call answered --with "سا"; expect_rc 0; expect_eq "$(last_with)" "$sara" "a Persian prefix"
run k stakeholder add "$z" "آرش نادری" --role champion; expect_rc 0; arash=$(dbq "select max(id) from stakeholders")
run k log "$z" call answered --with "ارش"; expect_rc 0   # as search: a plain alef finds the madda
expect_eq "$(last_with)" "$arash" "ارش finds آرش"
run k log "$z" call answered --with $'Bo\e]0;x\a'; expect_rc 1
case "$err" in *$'\e'*) bad "the argument reached the terminal raw" ;; *) ok ;; esac
expect_eq "$(dbq 'select count(*) from activities')" $((n0 + 9)) "the refused ones wrote nothing"

finish
