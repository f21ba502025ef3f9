#!/usr/bin/env bash
# kariz import of real CRM exports (tests/fixtures/crm/CRM/*.csv, with the
# columns each CRM's documentation shows): fields, stages, owners and
# activities checked field by field; owners matched by the rules' owners:
# map, by an account's full name, or left unassigned; dates day-first,
# month-first and Solar Hijri; several files in one run, applied in order,
# idempotent when run again.
. "$(dirname "$0")/lib.sh"
C=$KARIZ_FIXTURES/crm
export KARIZ_NOW="2024-06-20 10:00"
# the team's rules beside the database: the stock pipeline plus an owners map
cp "$KARIZ_SOURCE/rules.yaml" "$T/rules.yaml"
cat >> "$T/rules.yaml" <<'YAML'

owners:
  "Ada Owner": ada
  "ada@acme.example": ada
  "Bob Seller": bob
  "005A1": ada
YAML
# lead N's field F (Python expression over the lead `j`)
lead() { run k show --format json "$1"; json "($2)"; }
fresh() { DB=$(new_db "$1.db"); k init >/dev/null; }

t "HubSpot: contacts, deals and calls in one run, in any order"
fresh hubspot
run k import "$C/hubspot/activities.csv" "$C/hubspot/deals.csv" "$C/hubspot/contacts.csv"
expect_rc 1 # the call for a person nobody imported
has_out "imported $C/hubspot/contacts.csv (import 1): 5 rows: 5 created"
has_out "imported $C/hubspot/deals.csv (import 2): 4 rows: 1 created, 3 updated"
has_out "imported activities $C/hubspot/activities.csv (import 3): 5 rows: 4 added to leads, 0 skipped"
has_out "all 3 files: 14 rows: 6 created, 3 updated, 0 skipped, 1 rejected"
has_out '"Ada Owner" -> ada (the rules'"'"' owners map): 4 rows'
has_out '"Zed Unknown": 3 rows'
has_out 'owners: {"Ada Owner": ada}'
has_out '"appointmentscheduled" -> prospect (HubSpot): 1 row'
has_err "activities.csv: line 6: no lead has the e-mail nobody@nowhere.example"
expect_eq "$(lead 1 'j["name"], j["email"], j["company"], j["title"], j["phone"]')" \
    "('Ava Smith', 'ava@acme.example', 'Acme Inc', 'CTO', '+1-555-0101')"
expect_eq "$(lead 1 'j["owner"], j["stage"], j["status"], j["source"]')" \
    "('ada', 'opportunity', 'qualified', 'Organic Search')"
expect_eq "$(lead 1 'j["value"], j["close_date"], j["custom"]["deal_name"], j["custom"]["record_id"]')" \
    "(12500, '2024-07-31', 'Acme rollout', '101')"
expect_eq "$(lead 1 'j["created"], j["touched"]')" "('2024-05-09T14:07:00Z', '2024-06-01T09:00:00Z')"
expect_eq "$(lead 1 '[(a["at"], a["kind"], a["outcome"], a["author"], a["note"]) for a in j["activities"]]')" \
    "[('2024-05-10T09:30:00Z', 'call', 'answered', 'ada', 'Intro call: Asked about pricing'), ('2024-05-12T15:00:00Z', 'meeting', 'held', 'ada', 'Demo: Showed the board')]"
expect_eq "$(lead 2 'j["owner"], j["stage"], j["status"], j["value"]')" "('ada', 'won', 'customer', 8000)" # an e-mail
expect_eq "$(lead 3 'j["owner"], j["custom"]["crm_owner"], j["stage"], j["lost_reason"], j["lost_from"]')" \
    "(None, 'Zed Unknown', 'lost', 'other', 'lead')"
expect_eq "$(lead 3 '[(a["kind"], a["outcome"], a["author"], a["note"]) for a in j["activities"]]')" \
    "[('call', 'no_answer', '$ME', '(by Zed Unknown) Check-in')]"
expect_eq "$(lead 5 'j["stage"], j["status"], j["owner"]')" "('lead', 'subscriber', None)"
expect_eq "$(lead 6 'j["name"], j["email"], j["company"], j["stage"], j["owner"], j["value"]')" \
    "('Pia Lund', 'pia@newco.example', 'NewCo', 'prospect', 'bob', 5000)"
expect_eq "$(dbq "select count(*) from activities")" 4
[ "$(lead 1 'j["score"]')" -gt 0 ] && ok || bad "the calls and the meeting were not scored"

t "a deal closed in the CRM closed on its close date, not on the day of the import"
# won on 2024-06-15; lost with a close date after now (2024-06-20), so now;
# an open deal's close date is only expected
expect_eq "$(lead 2 'j["stage_entered"]')" "2024-06-15T23:59:59Z" # (by the end of that day)
expect_eq "$(lead 3 'j["stage_entered"]')" "2024-06-20T10:00:00Z"
expect_eq "$(lead 1 'j["stage_entered"]')" "2024-06-20T10:00:00Z"
# Noah Berg, a customer in the contacts file with no close date, was won at
# the import
closed() { json '(sum(r["won"] for r in j["win_rate_by_source"]), sum(r["lost"] for r in j["win_rate_by_source"]))'; }
run k report losses --from 2024-06-10 --to 2024-06-16 --format json; expect_rc 0
expect_eq "$(closed)" "(1, 0)" "closed 10-16 June"
run k report losses --from 2024-06-17 --format json; expect_rc 0
expect_eq "$(closed)" "(1, 1)" "closed since 17 June"

t "a customer the contacts file made won closed when the deals file says"
keep_db=$DB
fresh hubspot_customer
printf 'Email,First Name,Last Name,Lifecycle Stage,Create Date\ncara@c.example,Cara,Cust,customer,2024-05-01 09:00\n' > "$T/cust.csv"
printf 'Record ID,Deal Name,Deal Stage,Amount,Close Date,Associated Contact\n41,Cara deal,closedwon,900,2024-06-10,Cara Cust (cara@c.example)\n' > "$T/cust-deals.csv"
run k import "$T/cust.csv"; expect_rc 0
expect_eq "$(lead 1 'j["stage"], j["stage_entered"]')" "('won', '2024-06-20T10:00:00Z')"
run k import "$T/cust-deals.csv"; expect_rc 0; has_out "1 updated"
expect_eq "$(lead 1 'j["stage"], j["stage_entered"]')" "('won', '2024-06-10T23:59:59Z')"
DB=$keep_db

t "a contacts file's lifecycle never reopens a deal or moves it back, even with --on-duplicate update"
keep_db=$DB
fresh hubspot_lifecycle
k import "$C/hubspot/activities.csv" "$C/hubspot/deals.csv" "$C/hubspot/contacts.csv" >/dev/null 2>&1
stages() { dbq "SELECT group_concat(id || ':' || stage || ':' || coalesce(lost_reason, ''), ' ') FROM (SELECT * FROM leads WHERE id <= 5 ORDER BY id)"; }
on_pg && stages() { dbq "SELECT string_agg(id || ':' || stage || ':' || coalesce(lost_reason, ''), ' ' ORDER BY id) FROM leads WHERE id <= 5"; }
expect_eq "$(stages)" "1:opportunity: 2:won: 3:lost:other 4:won: 5:lead:"
# Olga's lifecycle moved on to opportunity in the CRM meanwhile
sed 's/,subscriber,/,opportunity,/' "$C/hubspot/contacts.csv" > "$T/contacts-again.csv"
run k import "$T/contacts-again.csv" --on-duplicate update; expect_rc 0
expect_eq "$(stages)" "1:opportunity: 2:won: 3:lost:other 4:won: 5:opportunity:" \
    "won and lost kept, opportunity not moved back to prospect, Olga moved on"
DB=$keep_db

t "HubSpot: importing the same files again changes nothing"
before=$(k export --format jsonl | sed 's/"updated":"[^"]*"//')
events=$(dbq "select count(*) from events where kind <> 'import'")
run k import "$C/hubspot/contacts.csv" "$C/hubspot/deals.csv" "$C/hubspot/activities.csv"
has_out "all 3 files: 14 rows: 0 created, 0 updated, 13 skipped, 1 rejected"
expect_eq "$(k export --format jsonl | sed 's/"updated":"[^"]*"//')" "$before"
expect_eq "$(dbq "select count(*) from events where kind <> 'import'")" "$events"

t "HubSpot: a notes export adds notes with their dates and authors"
run k import "$C/hubspot/notes.csv"; expect_rc 0
has_out "imported notes $C/hubspot/notes.csv (import 7): 2 rows: 2 added to leads"
expect_eq "$(lead 2 '[(a["at"], a["kind"], a["author"], a["note"]) for a in j["activities"] if a["kind"] == "note"]')" \
    "[('2024-05-16T08:15:00Z', 'note', 'ada', 'Budget approved for Q3')]"
expect_eq "$(lead 5 '[(a["kind"], a["author"], a["note"]) for a in j["activities"]]')" \
    "[('note', '$ME', '(by Zed Unknown) Prefers e-mail over calls')]"
run k import "$C/hubspot/notes.csv"; expect_rc 0
has_out "0 added to leads, 2 skipped"

t "a contact whose file has no last activity is last touched at its creation, then at its latest activity"
printf 'Name,Email,Create Date\nQuinn One,quinn@q.example,2024-01-05 09:00\nRae Two,rae@q.example,2024-01-06 09:00\n' > "$T/untouched.csv"
run k import "$T/untouched.csv"; expect_rc 0
q1=$(k list --search quinn@q.example --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
expect_eq "$(lead "$q1" 'j["created"], j["touched"]')" "('2024-01-05T09:00:00Z', '2024-01-05T09:00:00Z')"
printf 'Activity date,Activity type,Call title,Call notes,Call outcome,Activity assigned to,Associated Contact,Associated Company\n%s\n%s\n' \
    "2024-03-01 10:00,Call,Check-in,Spoke,Connected,Ada Owner,Quinn One (quinn@q.example)," \
    "2024-02-01 10:00,Call,Intro,First,Connected,Ada Owner,Quinn One (quinn@q.example)," > "$T/untouched-acts.csv"
run k import "$T/untouched-acts.csv"; expect_rc 0
expect_eq "$(lead "$q1" 'j["touched"]')" "2024-03-01T10:00:00Z"

t "a deal's contact finds its lead and never renames the person"
printf 'Record ID,Deal Name,Deal Stage,Amount,Close Date,Deal owner,Create Date,Pipeline,Associated Contact,Associated Company\n%s\n' \
    "9001,Acme rollout,Presentation Scheduled,13000,2024-07-31,Ada Owner,2024-05-20 10:00,Sales Pipeline,Ava Smyth (ava@acme.example),ACME Incorporated" > "$T/rename.csv"
run k import "$T/rename.csv"; expect_rc 0; has_out "1 updated"
expect_eq "$(lead 1 'j["name"], j["company"], j["value"]')" "('Ava Smith', 'Acme Inc', 13000)"
expect_eq "$(dbq "SELECT count(*) FROM events WHERE lead_id = 1 AND field IN ('name', 'company')")" 0

t "a deals file that reopens a lost deal clears the loss, as a move does"
expect_eq "$(lead 3 'j["stage"], j.get("lost_reason"), j.get("lost_from")')" "('lost', 'other', 'lead')"
printf 'Record ID,Deal Name,Deal Stage,Amount,Close Date,Deal owner,Create Date,Pipeline,Associated Contact,Associated Company\n%s\n' \
    "9003,Initech audit,Presentation Scheduled,3000,2024-06-30,Zed Unknown,2024-05-22 10:00,Sales Pipeline,Mia Khan (mia@initech.example),Initech" > "$T/reopen.csv"
run k import "$T/reopen.csv"; expect_rc 0
expect_eq "$(lead 3 'j["stage"], j.get("lost_reason"), j.get("lost_from")')" "('opportunity', None, None)"
expect_eq "$(dbq "SELECT coalesce(lost_reason, '') || '|' || coalesce(lost_from, '') FROM leads WHERE id = 3")" "|"

t "an activity for an e-mail no lead has never lands on a namesake with another e-mail"
acts=$(dbq "select count(*) from activities")
run k add "Noor Ahmadi" --company Acme; expect_rc 0; noor=$out # (no e-mail)
printf 'Activity date,Activity type,Call title,Call notes,Call outcome,Activity assigned to,Associated Contact,Associated Company\n%s\n%s\n' \
    "2024-06-02 10:00,Call,Follow-up,Other Ava,Connected,Ada Owner,Ava Smith (ava.smith@other.example),Acme Inc" \
    "2024-06-03 10:00,Call,Intro,First call,Connected,Ada Owner,Noor Ahmadi (noor@acme.example),Acme" > "$T/namesake.csv"
run k import "$T/namesake.csv"; expect_rc 1
has_err "namesake.csv: line 2: no lead has the e-mail ava.smith@other.example"
expect_eq "$(dbq "select count(*) from activities where lead_id = 1 and note like '%Other Ava%'")" 0 "Ava Smith's calls"
# a lead without an e-mail is still found by its name
expect_eq "$(dbq "select count(*) from activities where lead_id = $noor")" 1 "Noor's calls"
expect_eq "$(dbq "select count(*) from activities")" "$((acts + 1))"

t "a dry run of several files tries them together and writes nothing"
fresh hubspot_dry
run k import "$C/hubspot/deals.csv" "$C/hubspot/activities.csv" "$C/hubspot/contacts.csv" --dry-run
has_out '"Deal Stage" -> stage'
has_out '"Call outcome" -> activity: outcome'
has_out "would add 4 to leads"
has_out '"Presentation Scheduled" -> opportunity (HubSpot): 1 row'
has_out '"ada@acme.example" -> ada'
expect_eq "$(dbq 'select count(*) from leads; select count(*) from imports')" "0
0"

t "Salesforce: leads (month-first dates), opportunities and tasks"
fresh salesforce
run k import "$C/salesforce/tasks.csv" "$C/salesforce/leads.csv" "$C/salesforce/opportunities.csv"
expect_rc 0
has_out "imported activities $C/salesforce/tasks.csv (import 3): 4 rows: 3 added to leads, 1 skipped"
has_out '"005B2": 1 row'
has_out '"Open - Not Contacted" -> lead, status lead (Salesforce): 1 row'
expect_eq "$(lead 1 'j["name"], j["company"], j["title"], j["source"], j["custom"]["record_id"]')" \
    "('Reza Rahimi', 'Initech', 'Head of Operations', 'Trade Show', '00Q01')"
expect_eq "$(lead 1 'j["created"], j["owner"]')" "('2024-05-20T00:00:00Z', 'ada')"
expect_eq "$(lead 1 'j["value"], j["close_date"], j["stage"], j["probability"], j["custom"]["deal_name"]')" \
    "(24000, '2024-07-31', 'opportunity', 75, 'Initech ops suite')"
expect_eq "$(lead 1 '[(a["at"], a["kind"], a["outcome"], a["author"], a["note"]) for a in j["activities"]]')" \
    "[('2024-05-22T00:00:00Z', 'call', 'voicemail', 'ada', 'Call: Discussed the audit')]"
expect_eq "$(lead 2 'j["created"], j["stage"], j["status"], j["value"], j["owner"]')" \
    "('2024-05-09T00:00:00Z', 'won', 'customer', 90000, 'ada')"
expect_eq "$(lead 3 'j["stage"], j["status"], [(a["kind"], a["author"], a["note"]) for a in j["activities"]]')" \
    "('prospect', 'qualified', [('note', '$ME', '(by 005B2) [Task] Site visit: Walked the plant')])"
expect_eq "$(lead 4 'j["stage"], j["status"], j["lost_reason"], j["custom"]["crm_owner"]')" \
    "('lost', 'unqualified', 'other', 'Zed Unknown')"

t "Pipedrive: persons, deals (won and lost with the reason) and activities"
fresh pipedrive
run k import "$C/pipedrive/activities.csv" "$C/pipedrive/deals.csv" "$C/pipedrive/persons.csv"
expect_rc 0
has_out "3 added to leads, 1 skipped"
expect_eq "$(lead 1 'j["name"], j["email"], j["phone"], j["company"], j["owner"], j["created"]')" \
    "('Kofi Okafor', 'kofi@hooli.example', '+1 555 0177', 'Hooli', 'ada', '2024-04-02T10:11:12Z')"
expect_eq "$(lead 1 'j["value"], j["currency"], j["stage"], j["close_date"], j["custom"]["deal_name"]')" \
    "(12500.5, 'EUR', 'opportunity', '2024-09-01', 'Hooli expansion')"
expect_eq "$(lead 1 '[(a["at"], a["kind"], a["author"], a["note"]) for a in j["activities"]]')" \
    "[('2024-04-05T09:30:00Z', 'call', 'ada', 'First call: Asked for a price'), ('2024-04-10T14:00:00Z', 'meeting', 'ada', 'Demo: Showed the reports')]"
expect_eq "$(lead 2 'j["stage"], j["lost_reason"], j["lost_from"], j["owner"], len(j["activities"])')" \
    "('lost', 'competitor', 'opportunity', 'bob', 0)"
expect_eq "$(lead 3 'j["stage"], j["owner"], j["custom"]["crm_owner"], [a["note"] for a in j["activities"]]')" \
    "('won', None, 'Zed Unknown', ['(by Zed Unknown) Lunch'])"

t "Pipedrive: a won or lost deal closed at its won or lost time, not its expected close date"
printf '%s\n' "Deal - ID,Deal - Title,Deal - Value,Deal - Stage,Deal - Status,Deal - Expected close date,Deal - Won time,Deal - Lost time,Person - Name,Person - Email" \
    "21,Won deal,1000,Proposal Made,won,2024-12-31,2024-04-20 15:30:00,,Wanda Won,wanda@p.example" \
    "22,Lost deal,1000,Proposal Made,lost,2024-12-31,,2024-04-10 09:00:00,Luis Lost,luis@p.example" > "$T/pd-closed.csv"
run k import "$T/pd-closed.csv"; expect_rc 0; has_out "2 created"
expect_eq "$(k list --search wanda@p.example --format json | python3 -c 'import json,sys; l=json.load(sys.stdin)[0]; print(l["stage"], l["stage_entered"], l["created"])')" \
    "won 2024-04-20T15:30:00Z 2024-04-20T15:30:00Z"
expect_eq "$(k list --search luis@p.example --format json | python3 -c 'import json,sys; l=json.load(sys.stdin)[0]; print(l["stage"], l["stage_entered"])')" \
    "lost 2024-04-10T09:00:00Z"

printf '%s\n' "Deal - ID,Deal - Title,Deal - Stage,Deal - Status,Deal - Expected close date,Deal - Won time,Person - Name,Person - Email" \
    "23,Day first,Proposal Made,won,31/12/2024,03/06/2024 10:00,Dora Dmy,dora@p.example" > "$T/pd-dmy.csv"
run k import "$T/pd-dmy.csv" --date-format dmy; expect_rc 0
expect_eq "$(k list --search dora@p.example --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stage_entered"])')" \
    "2024-06-03T10:00:00Z" "a won time read day first, as --date-format says"
# an update that moves a lead keeps the row's own stage_entered (a kariz export's)
printf 'name,email,stage,lost_reason,stage_entered\nWanda Won,wanda@p.example,lost,price,2024-05-02 08:00\n' > "$T/pd-entered.csv"
run k import "$T/pd-entered.csv" --on-duplicate update; expect_rc 0; has_out "1 updated"
expect_eq "$(k list --search wanda@p.example --format json | python3 -c 'import json,sys; l=json.load(sys.stdin)[0]; print(l["stage"], l["stage_entered"])')" \
    "lost 2024-05-02T08:00:00Z"

t "lost reasons: the rules' by name or label, any other kept aside and listed, never a reason of its own"
printf '%s\n' "Record ID,Deal Name,Deal Stage,Amount,Close Date,Closed Lost Reason,Associated Contact" \
    "31,One,closedlost,100,2024-05-01,No budget,Rhea One (rhea@r.example)" \
    "32,Two,closedlost,100,2024-05-01,Went with competitor,Sam Two (sam@r.example)" \
    "33,Three,closedlost,100,2024-05-01,Went with competitor,Tia Three (tia@r.example)" > "$T/reasons.csv"
run k import "$T/reasons.csv"; expect_rc 0; has_out "3 created"
has_out "lost reasons that are none of the rules' (kept as custom field crm_lost_reason"
has_out '"Went with competitor": 2 rows'
reasons() { k list --search "$1" --format json | python3 -c 'import json,sys; l=json.load(sys.stdin)[0]; print(l["lost_reason"], l["custom"].get("crm_lost_reason"))'; }
expect_eq "$(reasons rhea@r.example)" "no_budget None"
expect_eq "$(reasons sam@r.example)" "other Went with competitor"

t "Zoho: leads and deals with day-first dates"
fresh zoho
run k import "$C/zoho/deals.csv" "$C/zoho/leads.csv"
expect_rc 0
expect_eq "$(lead 1 'j["name"], j["title"], j["phone"], j["source"], j["owner"], j["created"]')" \
    "('Lena Muller', 'Procurement Lead', '+49 30 1234', 'Cold Call', 'ada', '2024-05-20T14:30:00Z')"
expect_eq "$(lead 1 'j["value"], j["stage"], j["close_date"], j["probability"], j["custom"]["deal_name"]')" \
    "(25000, 'opportunity', '2024-07-31', 90, 'Vandelay imports')"
expect_eq "$(lead 2 'j["created"], j["stage"], j["lost_reason"], j["close_date"]')" \
    "('2024-06-03T09:00:00Z', 'lost', 'competitor', '2024-06-30')"
expect_eq "$(lead 3 'j["stage"], j["status"], j["custom"]["crm_owner"]')" "('prospect', 'qualified', 'Zed Unknown')"
expect_eq "$(lead 4 'j["owner"], j["stage"], j["status"], j["lost_reason"]')" "('ada', 'lost', 'unqualified', 'other')"

t "Odoo: the UI's column labels and the technical field names give the same leads"
for style in labels technical; do
    fresh "odoo_$style"
    run k import "$C/odoo/leads_$style.csv"; expect_rc 0
    expect_eq "$(lead 1 'j["name"], j["email"], j["company"], j["title"], j["phone"]')" \
        "('Maya Silva', 'maya@wonka.example', 'Wonka', 'Chief Financial Officer', '+55 81 5555')"
    expect_eq "$(lead 1 'j["owner"], j["stage"], j["value"], j["close_date"], j["probability"], j["created"]')" \
        "('ada', 'opportunity', 45000, '2024-11-30', 40, '2024-05-01T10:00:00Z')"
    expect_eq "$(lead 2 'j["owner"], j["stage"], j["status"]')" "('ada', 'prospect', 'qualified')"
    expect_eq "$(lead 3 'j["owner"], j["custom"]["crm_owner"], j["stage"]')" "(None, 'Zed Unknown', 'won')"
done
run k import "$C/odoo/leads_technical.csv" --dry-run
has_out '"name" -> custom field deal_name'
has_out '"email_from" -> email'
has_out '"partner_name" -> company'
has_out '"user_id" -> owner'
has_out '"stage_id" -> stage'
expect_eq "$(lead 1 'j["custom"]["deal_name"]')" "Wonka ERP"

t "a Persian CRM: Persian headers, Solar Hijri dates, Persian digits"
fresh persian
run k import "$C/persian/contacts.csv"; expect_rc 0
has_out '"زهرا مرادی": 1 row'
expect_eq "$(lead 1 'j["name"], j["email"], j["company"], j["phone"]')" \
    "('علی رضایی', 'ali@parsian.example', 'پارسیان', '۰۹۱۲۱۲۳۴۵۶۷')"
expect_eq "$(lead 1 'j["owner"], j["stage"], j["created"]')" "('ada', 'opportunity', '2024-05-09T00:00:00Z')"
expect_eq "$(lead 2 'j["owner"], j["stage"], j["created"]')" "('ada', 'prospect', '2024-05-21T00:00:00Z')"
expect_eq "$(lead 3 'j["owner"], j["custom"]["crm_owner"], j["stage"], j["created"]')" \
    "(None, 'زهرا مرادی', 'won', '2024-04-03T00:00:00Z')"
expect_eq "$(lead 4 'j["stage"], j["created"]')" "('lead', '2024-03-19T00:00:00Z')"
# the same labels and words written with Arabic letter forms (ي ك)
printf 'نام,نام خانوادگي,ايميل,شركت,مرحله\nنيما,كاظمي,nima@kish.example,كيش,مشتري بالقوه\n' > "$T/arabic.csv"
run k import "$T/arabic.csv"; expect_rc 0
expect_eq "$(lead 5 'j["name"], j["email"], j["company"], j["stage"]')" \
    "('نيما كاظمي', 'nima@kish.example', 'كيش', 'prospect')"

t "owners: a full name in the account database, an e-mail, an unknown name"
fresh owners
if [ "$(id -u)" = 0 ] && command -v useradd >/dev/null; then
    acct=kzmig$$
    full="Ada Lovelace $$"
    useradd -M -N -c "$full" "$acct" || need "useradd $acct failed"
    trap 'userdel "$acct" 2>/dev/null; lib_cleanup' EXIT
    printf 'name,email,owner\nP One,p1@x.example,%s\nP Two,p2@x.example,%s\n' \
        "  ${full^^}" "$acct" > "$T/owners.csv"
    if on_pg; then
        # on PostgreSQL the users are the database's roles: an account of
        # this machine that is no role matches nobody by its full name
        run k import "$T/owners.csv" --dry-run; expect_rc 0
        has_out "\"  ${full^^}\": 1 row"
        lacks_out "(full name)"
        # the role of that name lends the account's full name
        psql -XAtq -v ON_ERROR_STOP=1 -d "$DB" -c "CREATE ROLE $acct LOGIN" \
            -c "GRANT SELECT, UPDATE ON leads TO $acct" >/dev/null
        trap 'psql -XAtq -d "$DB" -c "DROP OWNED BY $acct" >/dev/null 2>&1
              psql -XAtq -d "$KARIZ_TEST_PG" -c "DROP ROLE IF EXISTS $acct" >/dev/null 2>&1
              userdel "$acct" 2>/dev/null; lib_cleanup' EXIT
    fi
    run k import "$T/owners.csv"; expect_rc 0
    has_out "\"  ${full^^}\" -> $acct (full name): 1 row"
    expect_eq "$(lead 1 'j["owner"]')" "$acct"
    expect_eq "$(lead 2 'j["owner"]')" "$acct"
else
    printf 'SKIPPED: matching an account'"'"'s full name needs root to create the account (useradd)\n' >&2
fi
printf 'name,email,owner\nP Three,p3@x.example,ADA@acme.example\nP Four,p4@x.example,Nobody Known\nP Five,p5@x.example,Nobody  known\n' > "$T/owners2.csv"
run k import "$T/owners2.csv"; expect_rc 0
has_out '"ADA@acme.example" -> ada (the rules'"'"' owners map): 1 row'
has_out '"Nobody Known": 1 row'
has_out '"Nobody  known": 1 row'
run k list --search p3@x.example --format json
expect_eq "$(json 'j[0]["owner"]')" ada
run k list --search p4@x.example --format json
expect_eq "$(json '(j[0]["owner"], j[0]["custom"]["crm_owner"])')" "(None, 'Nobody Known')"
# a lower-case name no user has is kept, and said (a typo of a login shows)
printf 'name,email,owner\nP Six,p6@x.example,jsmtih\nP Seven,p7@x.example,jsmtih\n' > "$T/owners3.csv"
run k import "$T/owners3.csv"; expect_rc 0
has_out "owners and authors kept as written, though no user here has that name"
has_out '  "jsmtih": 2 rows'
run k list --search p6@x.example --format json
expect_eq "$(json 'j[0]["owner"]')" jsmtih

t "stage_map in the rules adds and overrides words"
fresh stagemap
cp "$T/rules.yaml" "$T/rules.yaml.orig"
cat >> "$T/rules.yaml" <<'YAML'
stage_map:
  "Demo Booked": prospect
  "Closed Lost": {stage: lost, lost_reason: price}
  "Nurture": {status: subscriber}
YAML
printf 'name,stage,status\nA,Demo booked,\nB,closed lost,\nC,,nurture\nD,Somewhere,Odd\n' > "$T/sm.csv"
run k import "$T/sm.csv"; expect_rc 0
has_out '"Demo booked" -> prospect (the rules'"'"' stage_map): 1 row'
has_out '"Somewhere": 1 row'
has_out 'stage_map: {"Demo Booked": prospect}'
expect_eq "$(lead 1 'j["stage"]')" prospect
expect_eq "$(lead 2 'j["stage"], j["lost_reason"]')" "('lost', 'price')"
expect_eq "$(lead 3 'j["status"], j["stage"]')" "('subscriber', 'lead')"
expect_eq "$(lead 4 'j["stage"], j["status"], j["custom"]["crm_stage"], j["custom"]["crm_status"]')" \
    "('lead', None, 'Somewhere', 'Odd')"
{ cat "$T/rules.yaml.orig"; printf 'stage_map:\n  "X": nowhere\n'; } > "$T/bad.yaml"
run k rules check "$T/bad.yaml"; expect_rc 1
has_err 'stage_map: "X" maps to "nowhere", neither a stage nor a status'
cp "$T/rules.yaml.orig" "$T/rules.yaml"

t "dates: the column tells day-first from month-first, --date-format settles the rest"
fresh dates
printf 'name,created\nA,03/04/2024\nB,05/06/2024\n' > "$T/amb.csv"
run k import "$T/amb.csv"; expect_rc 1
has_err 'column "created": dates such as 03/04/2024 may be day-first or month-first'
has_err "--date-format dmy"
expect_eq "$(dbq 'select count(*) from leads')" 0
printf 'name,created\nA,13/04/2024\nB,04/13/2024\n' > "$T/mixed.csv"
run k import "$T/mixed.csv"; expect_rc 1
has_err 'holds day-first dates (13/04/2024) and month-first ones (04/13/2024)'
run k import - < "$T/mixed.csv"; expect_rc 1
has_err 'standard input: column "created" holds day-first dates'
run k import "$T/amb.csv" --date-format mdy; expect_rc 0
expect_eq "$(lead 1 'j["created"]')" "2024-03-04T00:00:00Z"
run k import "$T/amb.csv" --date-format ymd; expect_rc 2; has_err "expected dmy"
printf 'name,created\nC,2024-05-09T14:07:00+03:30\nD,2024-05-09T14:07:00.123Z\nE,9.5.2024 2:07 PM\nF,1403/02/31\n' > "$T/iso.csv"
run k import "$T/iso.csv" --date-format dmy; expect_rc 0
expect_eq "$(lead 3 'j["created"]')" "2024-05-09T10:37:00Z"
expect_eq "$(lead 4 'j["created"]')" "2024-05-09T14:07:00Z"
expect_eq "$(lead 5 'j["created"]')" "2024-05-09T14:07:00Z"
expect_eq "$(lead 6 'j["created"]')" "2024-05-20T00:00:00Z" # 31 Ordibehesht 1403

t "--kind says what a file holds; a to-do not done is no touch"
fresh kinds
printf 'name,email\nAva,ava@x.example\n' > "$T/c.csv"
printf 'email,date,subject,done\nava@x.example,2024-05-01,Phoned,yes\nava@x.example,2024-05-02,Call again,no\n' > "$T/n.csv"
run k import "$T/c.csv"; expect_rc 0
run k import "$T/n.csv" --kind notes; expect_rc 0
has_out "1 added to leads, 1 skipped"
expect_eq "$(lead 1 '[(a["kind"], a["note"], a["at"]) for a in j["activities"]]')" "[('note', 'Phoned', '2024-05-01T00:00:00Z')]"
run k import "$T/n.csv" --kind memos; expect_rc 2; has_err "expected contacts, deals, activities or notes"

t "a migration stopped part-way resumes where it stopped"
fresh resume
KARIZ_IMPORT_BATCH=1 KARIZ_TEST_KILL_AFTER_ROWS=3 run k import "$C/pipedrive/deals.csv" "$C/pipedrive/persons.csv"
[ "$rc" -gt 128 ] && ok || bad "the import was not stopped ($rc)"
expect_eq "$(dbq 'select count(*) from leads')" 2
KARIZ_IMPORT_BATCH=1 run k import "$C/pipedrive/deals.csv" "$C/pipedrive/persons.csv"
expect_rc 0
has_out "(resumed after row 2 of an interrupted run)"
has_out "all 2 files: 6 rows: 3 created, 3 updated"
expect_eq "$(dbq 'select count(*), count(distinct email) from leads')" "3|3"
expect_eq "$(lead 3 'j["stage"], j["value"]')" "('won', 3000)"

finish
