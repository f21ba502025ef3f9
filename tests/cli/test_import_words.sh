#!/usr/bin/env bash
# What another CRM's words do on import: a lifecycle status that implies a
# stage places the lead there; the summary names each word once.
. "$(dirname "$0")/lib.sh"
k init >/dev/null

t "HubSpot lifecycle customer and opportunity place the lead in won and opportunity"
printf 'First Name,Last Name,Email,Lead Status,Lifecycle Stage\nA,B,a@b.example,BAD_TIMING,opportunity\nE,F,e@f.example,,customer\nS,T,s@t.example,,subscriber\n' > "$T/c2.csv"
run k import "$T/c2.csv"
expect_rc 0
expect_eq "$(sql "SELECT name || '|' || stage || '|' || status FROM leads ORDER BY id")" "A B|opportunity|opportunity
E F|won|customer
S T|lead|subscriber"
has_out '"opportunity" -> opportunity, status opportunity (HubSpot): 1 row'
has_out '"customer" -> won, status customer (HubSpot): 1 row'

t "a stage column outranks a status that only implies an open or a won stage"
DB=$T/both.db
k init >/dev/null
printf 'name,email,stage,status\nP,p@x.example,prospect,customer\nQ,q@x.example,lead,opportunity\n' > "$T/both.csv"
run k import "$T/both.csv"
expect_rc 0
expect_eq "$(sql "SELECT name || '|' || stage || '|' || status FROM leads ORDER BY id")" "P|prospect|customer
Q|lead|opportunity"

finish
