#!/usr/bin/env bash
# Money on the command line: amounts typed as kariz prints them (45k, 1.2M,
# 1,234.50, with a currency), negative amounts refused, and JSON and CSV
# that carry amounts exactly (no 1234567.8899999999).
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-11-20 10:00"
k init >/dev/null

t "amounts as kariz prints them"
run k add --value 45k "Ava Smith"; expect_rc 0
run k add --value 1.2M "Liam Kim"; expect_rc 0
run k add --value '$1,234.50' "Noah Novak"; expect_rc 0
run k add --value "1,012,000 EUR" "Mia Wong"; expect_rc 0
run k list --format csv --sort id
has_out ",45000,"; has_out ",1200000,"; has_out ",1234.50,"; has_out ",1012000,"
run k list
has_out "45,000"; has_out "1,200,000"; has_out "1,234.50"

t "negative and malformed amounts are refused, nothing written"
run k add --value -500 "Negative Nelly"; expect_rc 1
has_err 'field "value": "-500" is negative; expected an amount of 0 or more'
run k add --value "12 apples" "Apple Annie"; expect_rc 1
has_err '"12 apples" is not an amount'
run k set 1 value=-1; expect_rc 1; has_err "is negative"
run k set 1 value=1.234; expect_rc 1; has_err "is more precise than a cent"
expect_eq "$(dbq 'select count(*) from leads')" 4 "no lead from a refused add"
expect_eq "$(dbq 'select value from leads where id = 1')" 4500000 "value unchanged"

t "JSON and CSV carry money exactly"
k set 1 value=0.30 >/dev/null        # 0.1 + 0.2 in binary floating point
k set 2 value=1234567.89 >/dev/null
k set 3 value=12345678901.23 >/dev/null
k set 4 value=999999999.99 >/dev/null
run k list --format json --sort id; expect_rc 0
has_out '"value":0.3,'; has_out '"value":1234567.89,'; has_out '"value":12345678901.23,'
has_out '"value":999999999.99,'
lacks_out "1234567.8899"; lacks_out "0.29999"; lacks_out "0.30000"
expect_eq "$(json '[str(l["value"]) for l in j]')" "['0.3', '1234567.89', '12345678901.23', '999999999.99']"
run k list --format csv --sort id
has_out ",0.30,"; has_out ",1234567.89,"; has_out ",12345678901.23,"; has_out ",999999999.99,"
run k export --format json; expect_rc 0
has_out '"value":1234567.89,'; has_out '"value":12345678901.23,'; lacks_out "1234567.8899"
run k export --format jsonl; expect_rc 0
has_out '"value":1234567.89,'; has_out '"value":12345678901.23,'
run k export; expect_rc 0
has_out ",1234567.89,"; has_out ",12345678901.23,"
run k show 2 --format json; expect_rc 0
has_out '"value": 1234567.89,'

t "reports carry money exactly"
run k report funnel --format json; expect_rc 0
has_out '"value": 13346913469.41'; lacks_out "13346913469.4,"
run k report funnel --format csv; expect_rc 0
total=$(printf '%s\n' "$out" | tr -d '\r' | grep '^stages,lead,' | cut -d, -f4)
expect_eq "$total" "13346913469.41" "lead column value 0.30 + 1234567.89 + 12345678901.23 + 999999999.99"

t "the currency from the rules is shown in reports and accepted when typed"
sed 's/^lost_reasons:/currency: EUR\nlost_reasons:/' "$(dirname "$0")/../../rules.yaml" > "$HOME/eur.yaml"
run k --rules "$HOME/eur.yaml" add --value "EUR 2k" "Euro Eve"; expect_rc 0
expect_eq "$(dbq "select value from leads where name = 'Euro Eve'")" 200000
run k --rules "$HOME/eur.yaml" report funnel; expect_rc 0
has_out " EUR"

t "a currency typed with an amount is the lead's currency"
run k add --value 100 --set currency=USD "Cur Carla"; expect_rc 0
id=$(dbq "select id from leads where name = 'Cur Carla'")
run k set "$id" 'value=€5k'; expect_rc 0
expect_eq "$(dbq "select value || ' ' || currency from leads where id = $id")" "500000 EUR" "€5k on a USD lead"
run k history "$id"; has_out "currency: USD -> EUR"; has_out "value: 100 -> 5,000"
run k set "$id" 'value=1000 GBP'; expect_rc 0
expect_eq "$(dbq "select value || ' ' || currency from leads where id = $id")" "100000 GBP" "1000 GBP"
run k set "$id" 'value=2000 £'; expect_rc 0   # the same currency: no new event for it
expect_eq "$(dbq "select count(*) from events where lead_id = $id and field = 'currency'")" 2 "one currency event per change"
run k add --value '4k EUR' "Cur Dora"; expect_rc 0
expect_eq "$(dbq "select currency from leads where name = 'Cur Dora'")" "EUR" "add --value on a lead with none"
run k add --value '۱٬۲۰۰ تومان' "Cur Toman"; expect_rc 0
expect_eq "$(dbq "select value || ' ' || currency from leads where name = 'Cur Toman'")" "120000 IRT" "toman in words"

t "an unknown currency, or two currencies in one change, are refused, nothing written"
v=$(dbq "select version from leads where id = $id")
run k set "$id" 'value=5k XYZ'; expect_rc 1
has_err 'field "value": "5k XYZ": XYZ is not a currency kariz knows'
run k set "$id" 'value=€5k' currency=USD; expect_rc 1
has_err '"value=€5k" and "currency=USD" name different currencies'
expect_eq "$(dbq "select value || ' ' || currency || ' ' || version from leads where id = $id")" "200000 GBP $v" "unchanged"
run k set "$id" 'value=$3k' currency=CAD; expect_rc 0
expect_eq "$(dbq "select value || ' ' || currency from leads where id = $id")" "300000 CAD" "\$ and CAD agree"
run k add --value '€5k' --set currency=USD "Cur Eve"; expect_rc 1
has_err "name different currencies"
run k add --value '5k ZZZ' "Cur Fay"; expect_rc 1; has_err "ZZZ is not a currency kariz knows"
expect_eq "$(dbq "select count(*) from leads where name in ('Cur Eve', 'Cur Fay')")" 0 "no lead from a refused add"

t "import takes the currency written with an amount"
printf 'name,value\nImp Ian,€2500\nImp Ida,7k XYZ\n' > "$HOME/cur.csv"
run k import "$HOME/cur.csv"
expect_eq "$(dbq "select value || ' ' || currency from leads where name = 'Imp Ian'")" "250000 EUR" "imported"
expect_eq "$(dbq "select count(*) from leads where name = 'Imp Ida'")" 0 "unknown currency not imported"
has_err "XYZ is not a currency kariz knows"
finish
