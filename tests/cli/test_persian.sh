#!/usr/bin/env bash
# Persian in the CLI: kariz demo's Persian pipeline (by locale or --lang),
# search that folds the Arabic yeh and kaf and the non-joiner, and the name
# sort by the language's collation.
. "$(dirname "$0")/lib.sh"

stages() { DB=$1 dbq "SELECT stage || '=' || count(*) FROM leads GROUP BY stage ORDER BY stage" | tr '\n' ' '; }

t "demo under a Persian locale: the same pipeline in Persian"
run "$KARIZ" --db "$(new_db en.db)" demo --no-board; expect_rc 0; has_out "added 60 demo leads"
LANGUAGE=fa run "$KARIZ" --db "$(new_db fa.db)" demo --no-board; expect_rc 0
expect_eq "$(stages "$(new_db fa.db)")" "$(stages "$(new_db en.db)")" "stages per lead"
expect_eq "$(DB=$(new_db fa.db) dbq "SELECT name || ', ' || company || ', ' || city FROM leads WHERE id = 1")" \
          "لاله کاظمی, تجهیزات پزشکی سینا, کرج" "the first lead"
[ "$(DB=$(new_db fa.db) dbq "SELECT count(*) FROM leads WHERE company LIKE 'صنایع غذایی آریا%' OR company LIKE 'فولاد سپاهان%'")" -gt 0 ] &&
    ok || bad "no Aria or Sepahan among the companies"
[ "$(DB=$(new_db fa.db) dbq "SELECT name FROM leads" | grep -c '[A-Za-z]')" -lt 10 ] && ok || bad "mostly Latin names"
[ "$(DB=$(new_db fa.db) dbq "SELECT count(DISTINCT currency) || min(currency) FROM leads")" = "1IRT" ] && ok || bad "amounts are not in toman"
DB=$(new_db fa.db) dbq "SELECT phone FROM leads" | grep -qv '^0912 555 [0-9]\{4\}$' && bad "a phone is not Iranian" || ok
DB=$(new_db fa.db) dbq "SELECT email FROM leads" | grep -qv '@.*\.ir$' && bad "an e-mail is not Iranian" || ok
[ "$(DB=$(new_db fa.db) dbq "SELECT note FROM activities" | grep -cP '[\x{0627}-\x{06CC}]')" -gt 0 ] && ok || bad "no Persian notes"
[ "$(DB=$(new_db fa.db) dbq "SELECT next_step FROM leads" | grep -cP '[\x{0627}-\x{06CC}]')" -gt 0 ] && ok || bad "no Persian next steps"
LANG=fa_IR.UTF-8 LC_ALL= run "$KARIZ" --db "$(new_db fa2.db)" demo --no-board; expect_rc 0
expect_eq "$(DB=$(new_db fa2.db) dbq "SELECT name FROM leads WHERE id = 1")" "$(DB=$(new_db fa.db) dbq "SELECT name FROM leads WHERE id = 1")"

t "demo --lang picks the language whatever the locale"
run "$KARIZ" --db "$(new_db fa3.db)" demo --no-board --lang fa; expect_rc 0
expect_eq "$(DB=$(new_db fa3.db) dbq "SELECT name FROM leads WHERE id = 1")" "$(DB=$(new_db fa.db) dbq "SELECT name FROM leads WHERE id = 1")"
LANGUAGE=fa run "$KARIZ" --db "$(new_db en2.db)" demo --no-board --lang en; expect_rc 0
expect_eq "$(DB=$(new_db en2.db) dbq "SELECT name FROM leads WHERE id = 1")" "$(DB=$(new_db en.db) dbq "SELECT name FROM leads WHERE id = 1")"
run "$KARIZ" --db "$T/x.db" demo --no-board --lang de; expect_rc 2; has_err '--lang "de": expected fa or en'
[ -e "$T/x.db" ] && bad "a refused demo created a database" || ok

t "search folds Persian letters"
run k add "کریم سعیدی"; expect_rc 0
run k add "بهار نوری" --company "می‌شود"; expect_rc 0
run k list --search "كريم"; expect_rc 0; has_out "کریم سعیدی"; lacks_out "بهار"
run k list --search "میشود"; expect_rc 0; has_out "بهار نوری"; lacks_out "کریم"

t "bidi: kariz reorders only for a terminal: a pipe gets the text as stored"
KARIZ_BIDI=kariz run k list --search "كريم"; has_out "کریم سعیدی"

t "search takes the alef with or without its madda or hamza as one"
main_db=$DB
DB=$(new_db alef.db)
run k add "آوا رحیمی"; expect_rc 0; ava=$out
run k note "$ava" "بودجه تأیید شد"; expect_rc 0
run k list --search "اوا"; has_out "آوا رحیمی"
run k list --search "أوا"; has_out "آوا رحیمی"
run k list --search "تایید"; has_out "آوا رحیمی"
run k list --search "تأیید رحیمی"; has_out "آوا رحیمی"
# (the name keeps its letters: shown and sorted as written)
expect_eq "$(dbq "SELECT name FROM leads WHERE id = $ava")" "آوا رحیمی"
# a database whose search text predates this: rekeyed at the next open
if on_pg; then
    dbq "UPDATE lead_text SET doc = replace(doc, 'اوا', 'آوا') WHERE id = $ava;
         UPDATE meta SET value = '1' WHERE key = 'search_form'"
else
    dbq "INSERT INTO lead_search (lead_search, rowid, doc) SELECT 'delete', id, doc FROM lead_text WHERE id = $ava;
         UPDATE lead_text SET doc = replace(doc, 'اوا', 'آوا') WHERE id = $ava;
         INSERT INTO lead_search (rowid, doc) SELECT id, doc FROM lead_text WHERE id = $ava;
         UPDATE meta SET value = '1' WHERE key = 'search_form'"
fi
expect_eq "$(dbq "SELECT count(*) FROM lead_text WHERE doc LIKE '%آوا%'")" 1 "the old text"
run k list --search "اوا"; has_out "آوا رحیمی"
expect_eq "$(dbq "SELECT value FROM meta WHERE key = 'search_form'")" 2 "rekeyed"
expect_eq "$(dbq "SELECT count(*) FROM lead_text WHERE doc LIKE '%آوا%'")" 0 "no old text left"
DB=$main_db

t "sort by name follows the collation"
run k add "پریا"; run k add "تارا"; run k add "گلرخ"
run k list --sort name --format csv
names=$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f2 | tr '\n' ' ')
expect_eq "$names" "بهار نوری پریا تارا کریم سعیدی گلرخ "

finish
