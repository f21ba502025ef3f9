#!/usr/bin/env bash
# What another CRM's words and deals do on import: a lifecycle status that
# implies a stage places the lead there; the summary names each word once,
# says which duplicates were updated, and lists deals without a contact.
. "$(dirname "$0")/lib.sh"
k init >/dev/null

t "HubSpot lifecycle customer and opportunity place the lead in won and opportunity"
printf 'First Name,Last Name,Email,Lead Status,Lifecycle Stage\nA,B,a@b.example,BAD_TIMING,opportunity\nE,F,e@f.example,,customer\nS,T,s@t.example,,subscriber\n' > "$T/c2.csv"
run k import "$T/c2.csv"
expect_rc 0
expect_eq "$(dbq "SELECT name || '|' || stage || '|' || status FROM leads ORDER BY id")" "A B|opportunity|opportunity
E F|won|customer
S T|lead|subscriber"
has_out '"opportunity" -> opportunity, status opportunity (HubSpot): 1 row'
has_out '"customer" -> won, status customer (HubSpot): 1 row'

t "a stage column outranks a status that only implies an open or a won stage"
DB=$(new_db both.db)
k init >/dev/null
printf 'name,email,stage,status\nP,p@x.example,prospect,customer\nQ,q@x.example,lead,opportunity\n' > "$T/both.csv"
run k import "$T/both.csv"
expect_rc 0
expect_eq "$(dbq "SELECT name || '|' || stage || '|' || status FROM leads ORDER BY id")" "P|prospect|customer
Q|lead|opportunity"

t "a status of the rules' own places the lead even when a stage column is there but empty"
DB=$(new_db empty_stage.db)
k init >/dev/null
printf 'name,email,stage,status\nW,w@x.example,,customer\n' > "$T/es.csv"
run k import "$T/es.csv"
expect_rc 0
expect_eq "$(dbq "SELECT stage || '|' || status FROM leads")" "won|customer"

t "duplicates are listed as updated only when they were"
DB=$(new_db dups.db)
k init >/dev/null
printf 'First Name,Last Name,Email,Company Name\nAva,Smith,ava@acme.example,Acme\nLiam,Kim,liam@globex.example,Globex\n' > "$T/contacts.csv"
printf 'Deal Name,Deal Stage,Amount,Associated Contact\nAcme rollout,appointmentscheduled,100,Ava Smith (ava@acme.example)\nGlobex pilot,appointmentscheduled,200,Liam Kim (liam@globex.example)\n' > "$T/deals.csv"
run k import "$T/contacts.csv" "$T/deals.csv"
expect_rc 0
has_out "duplicates (updated): line 2 = lead 1 (value, stage, deal_name), line 3 = lead 2 (value, stage, deal_name)"
run k import "$T/deals.csv"
expect_rc 0
has_out "0 updated, 2 skipped"
lacks_out "duplicates (updated)"
has_out "duplicates (already up to date): line 2 = lead 1, line 3 = lead 2"
sed -i 's/,100,/,150,/' "$T/deals.csv"
run k import "$T/deals.csv"
has_out "duplicates (updated): line 2 = lead 1 (value)
duplicates (already up to date): line 3 = lead 2"

t "a deal whose contact the same import rejected says so, and the contact's corrected row completes the lead"
DB=$(new_db rejected.db)
k init >/dev/null
printf 'First Name,Last Name,Email,Company Name,Create Date\nAva,Smith,ava@acme.example,Acme,31/02/2024\nLiam,Kim,liam@globex.example,Globex,01/02/2024\n' > "$T/contacts.csv"
printf 'Deal Name,Deal Stage,Amount,Associated Contact\nAcme rollout,appointmentscheduled,100,Ava Smith (AVA@acme.example)\nGlobex pilot,appointmentscheduled,200,Liam Kim (liam@globex.example)\n' > "$T/deals.csv"
run k import "$T/contacts.csv" "$T/deals.csv"
expect_rc 1 # (a row rejected)
has_err "contacts.csv: line 2: column \"Create Date\": \"31/02/2024\" is not a date that exists"
has_out "1 deal made a lead for a contact rejected above, from the deal alone (correct the contact's row and import it again with --on-duplicate update): line 2 = lead 2 ($T/contacts.csv line 2)"
expect_eq "$(dbq "SELECT name || '|' || coalesce(company, '') FROM leads WHERE id = 2")" "Ava Smith|"
sed -i 's|31/02/2024|28/02/2024|' "$T/contacts.csv"
run k import "$T/contacts.csv" --on-duplicate update
expect_rc 0; has_out "duplicates (updated): line 2 = lead 2 (company, email)"
lacks_out "rejected above"
expect_eq "$(dbq "SELECT company || '|' || email || '|' || value FROM leads WHERE id = 2")" "Acme|ava@acme.example|10000"

t "a deal whose contact nobody has is a lead named after the deal, listed as such"
DB=$(new_db nocontact.db)
k init >/dev/null
printf 'Record ID,Deal Name,Deal Stage,Amount,Associated Contact,Associated Company\n77,Nowhere pilot,appointmentscheduled,500,nobody@nowhere.example,Nowhere\n78,,appointmentscheduled,300,solo@else.example,Else\n79,Lone deal,appointmentscheduled,200,,Lone Co\n' > "$T/d4.csv"
run k import "$T/contacts.csv" "$T/d4.csv"
expect_rc 0
has_out '3 deals name no contact kariz knows; created as leads named after the deal (or the contact'"'"'s e-mail): line 2 = lead 3 "Nowhere pilot", line 3 = lead 4 "solo@else.example", line 4 = lead 5 "Lone deal"'
expect_eq "$(dbq "SELECT name || '|' || coalesce(email, '') || '|' || company || '|' || stage FROM leads WHERE id > 2 ORDER BY id")" "Nowhere pilot|nobody@nowhere.example|Nowhere|prospect
solo@else.example|solo@else.example|Else|prospect
Lone deal||Lone Co|prospect"
run k import "$T/d4.csv"
expect_rc 0
has_out "0 created, 0 updated, 3 skipped"
lacks_out "no contact kariz knows"

t "a word is listed once, whatever its spelling or column"
DB=$(new_db words.db)
k init >/dev/null
printf 'name,email,stage,status\nZ,z@x.example,appointmentscheduled,\nY,y@x.example,,appointmentscheduled\nX,x@x.example,Appointment Scheduled,\n' > "$T/w.csv"
run k import "$T/w.csv"
has_out '"appointmentscheduled" -> prospect (HubSpot): 3 rows'
expect_eq "$(printf '%s\n' "$out" | grep -ci 'appointment')" 1

t "a word nobody maps is listed once too"
DB=$(new_db words2.db)
k init >/dev/null
sed 's/^  - name: prospect$/  - name: discovery/' "$KARIZ_SOURCE/rules.yaml" > "$T/rules.yaml"
KARIZ_RULES=$T/rules.yaml run k import "$T/w.csv"
expect_rc 0
has_out '"appointmentscheduled": 3 rows'
expect_eq "$(printf '%s\n' "$out" | grep -ci 'appointment')" 1

finish
