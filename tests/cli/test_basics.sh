#!/usr/bin/env bash
# init, database location, add, list, show, set, custom fields, JSON shapes.
. "$(dirname "$0")/lib.sh"

t "help and version"
run "$KARIZ" --help; expect_rc 0; has_out "usage: kariz"; has_out "followup"
run "$KARIZ" --version; expect_rc 0; has_out "kariz "
for c in init demo add list show set move won lost note log followup assign agenda history blame score rules import intake export report; do
    run "$KARIZ" "$c" --help; expect_rc 0; has_out "usage: kariz $c"
done
run "$KARIZ" frobnicate; expect_rc 2; has_err 'unknown command "frobnicate"'
run "$KARIZ" --bogus; expect_rc 2; has_err 'unknown option "--bogus"'
run "$KARIZ" --db; expect_rc 2; has_err "--db needs a PATH"

t "a mistyped URI is refused, never taken for a file name, its password unshown"
mkdir -p "$T/typo" && cd "$T/typo"
for bad_uri in "postgresql:sales2" "postgresq://u:s3cr3t@/x" "POSTGRESQL:///x" "postgresql//u:s3cr3t@host/x" \
    "postgres:u:s3cr3t@/x" " postgresql://u:s3cr3t@h/x" "postgresq://u:s3@cr3t@h/x"; do
    run "$KARIZ" --db "$bad_uri" init; expect_rc 2
    has_err "a PostgreSQL URI starts with postgresql://"; has_err "nothing was created"
    case "$err" in *s3*) bad "the password of $bad_uri was shown" ;; *) ok ;; esac
done
run "$KARIZ" --db "file:///tmp/x.db" list; expect_rc 2; has_err "is a URI kariz cannot open"
run "$KARIZ" --db "$T/typo-from.db" add "Copied Lead"; expect_rc 0
run "$KARIZ" copy "$T/typo-from.db" "postgresql:sales2"; expect_rc 2; has_err "nothing was created"
[ -z "$(ls -A "$T/typo")" ] && ok || bad "a file was made: $(ls -A "$T/typo")"
cd - >/dev/null

t "init and where the database lives"
run k init; expect_rc 0; has_out "$DB"
if on_sqlite; then
    expect_eq "$(printf '%s\n' "$out" | head -1)" "database $DB created (schema version 9)"
else # a server's database was there already: kariz made its tables in it
    expect_eq "$(printf '%s\n' "$out" | head -1)" "kariz's tables created in $DB (schema version 9)"
fi
run k init; expect_rc 0; has_out "was set up already (schema version 9)"
on_sqlite && { [ -f "$DB" ] && ok || bad "no database file"; }
run "$KARIZ" init; expect_rc 0
[ -f "$XDG_DATA_HOME/kariz/kariz.db" ] && ok || bad "no database under XDG_DATA_HOME"
E=$(new_db env.db)
KARIZ_DB=$E run "$KARIZ" init; expect_rc 0
[ "$(DB=$E dbq 'SELECT count(*) FROM stages')" -gt 0 ] 2>/dev/null && ok || bad "KARIZ_DB ignored"
run "$KARIZ" --db "$T/missing.db" show 1; expect_rc 1; has_err "no database at $T/missing.db"
[ -f "$T/missing.db" ] && bad "show created a database" || ok

t "add prints the id"
run k add "Ava Smith" --company "Acme Inc" --email ava@acme.example --title CTO --value 12500.50
expect_rc 0; expect_out 1
run k add "Liam Kim" --company Globex --stage prospect --owner bob --force --set industry=Software --set employees=250 --set favourite_color=teal
expect_rc 0; expect_out 2
run k add "Noah Novak" --owner -; expect_rc 0; expect_out 3

t "list"
run k list; expect_rc 0; has_out "Ava Smith"; has_out "Liam Kim"; has_out "NAME"
run k list --stage prospect; expect_rc 0; has_out "Liam Kim"; lacks_out "Ava Smith"
run k list --owner bob; has_out "Liam Kim"; lacks_out "Ava Smith"
run k list --mine; has_out "Ava Smith"; lacks_out "Liam Kim"; lacks_out "Noah"
run k list --owner -; has_out "Noah Novak"; lacks_out "Ava"
run k list --search acme; has_out "Ava Smith"; lacks_out "Liam"
# several words: each anywhere (name, company, e-mail), in any order
run k list --search "acme ava"; has_out "Ava Smith"; lacks_out "Liam"
run k list --search "GLOBEX  liam"; has_out "Liam Kim"; lacks_out "Ava"
run k list --search "ava globex"; expect_rc 0; lacks_out "Ava"; lacks_out "Liam"
# pasted: the punctuation around words does not count; a phrase of spaces is no word
run k list --search "Smith, Ava <ava@acme.example>"; has_out "Ava Smith"; lacks_out "Liam"
run k list --search '" "'; expect_rc 0; lacks_out "Ava"; lacks_out "Liam"
run k list --limit 1; has_out "Ava"; lacks_out "Liam"
run k list --sort value --format json; expect_rc 0
expect_eq "$(json 'j[0]["name"]')" "Ava Smith" "highest value first"
expect_eq "$(json 'len(j)')" 3
expect_eq "$(json 'sorted(k for k in ["id","name","company","email","stage","score","grade","owner","value","version"] if k in j[0])==sorted(["id","name","company","email","stage","score","grade","owner","value","version"])')" True
expect_eq "$(json 'j[0]["value"]')" 12500.5
expect_eq "$(json 'j[1]["custom"]["favourite_color"]')" teal
expect_eq "$(json 'j[0]["stage"]')" lead
expect_eq "$(json 'j[0]["owner"]')" "$ME"
expect_eq "$(json 'j[2]["owner"]')" None
run k list --format csv; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | head -1 | cut -d, -f1-4 | tr -d '\r')" "id,name,title,company"
expect_eq "$(printf '%s\n' "$out" | wc -l)" 4

t "show"
run k show 2; expect_rc 0; has_out "Liam Kim"; has_out "favourite_color"; has_out "employees"
run k show 2 --format json; expect_rc 0
expect_eq "$(json 'j["id"]')" 2
expect_eq "$(json 'j["employees"]')" 250
expect_eq "$(json 'j["version"]')" 1
expect_eq "$(json 'type(j["activities"]).__name__')" list

t "set"
run k set 1 phone=+1-555-0100 region=EMEA employees=40; expect_rc 0
run k show 1 --format json
expect_eq "$(json 'j["phone"]')" "+1-555-0100"
expect_eq "$(json 'j["custom"]["region"]')" EMEA
expect_eq "$(json 'j["version"]')" 2
run k set 1 region=; expect_rc 0
run k show 1 --format json; expect_eq "$(json '"region" in j["custom"]')" False

t "nothing partial: one bad assignment writes none"
run k set 1 title=CEO employees=many; expect_rc 1; has_err 'field "employees": "many" is not a whole number'
run k show 1 --format json; expect_eq "$(json 'j["title"]')" CTO

finish
