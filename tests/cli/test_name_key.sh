#!/usr/bin/env bash
# Name order on SQLite (schema version 8): each lead's name key, ICU's sort
# key of its name in the database's name locale, indexed. A user whose
# collation locale is the database's reads names through the keys, any
# other through the per-user collation: both give the same order for the
# same locale. The keys are computed by every write, by the migration from
# version 7, again after an ICU upgrade, for leads another program wrote,
# and by a copy into SQLite (pg.cli.test_name_key: SQLite -> PostgreSQL ->
# SQLite keeps the order).
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-11-24 10:00"
fx=$KARIZ_SOURCE/tests/fixtures

# Latin and Persian names: cases, accents, the Arabic and Persian yeh and
# kaf, a non-joiner, a diacritic, ties
names=("Zoe" "zoe" "Émile" "emile" "alice" "Bob" "Åsa" "Ostrava" "آرش" "كريم" "کریم" "کامران"
    "می‌نا" "مینا" "محمّد" "محمد" "یاسر" "پریا" "بهار" "42 Labs")
fill() { # DB LOCALE: a new database made by a user of LOCALE, with the names
    local n
    LC_ALL=$2 "$KARIZ" --db "$1" init >/dev/null || bad "init $1"
    for n in "${names[@]}"; do
        LC_ALL=$2 "$KARIZ" --db "$1" add "$n" --force >/dev/null || bad "adding $n to $1"
    done
}
order() { # DB LOCALE: the ids in name order, as a user of LOCALE lists them
    LC_ALL=$2 "$KARIZ" --db "$1" list --sort name --format csv | tail -n +2 | cut -d, -f1 |
        tr '\n' ' '
}
keys() { sqlite3 "$1" "SELECT id || ':' || coalesce(hex(name_key), 'NULL') FROM leads ORDER BY id" | tr '\n' ' '; }

FA=$T/fa.db
EN=$T/en.db
fill "$FA" fa_IR.UTF-8
fill "$EN" en_US.UTF-8
fa_order=$(order "$FA" fa_IR.UTF-8)
en_order=$(order "$EN" en_US.UTF-8)

if on_sqlite; then
    t "kariz init records the user's collation locale and its collator"
    expect_eq "$(sqlite3 "$FA" "SELECT value FROM meta WHERE key = 'name_locale'")" fa_IR
    expect_eq "$(sqlite3 "$EN" "SELECT value FROM meta WHERE key = 'name_locale'")" en_US
    ver=$(sqlite3 "$FA" "SELECT value FROM meta WHERE key = 'name_collator'")
    [ -n "$ver" ] && ok || bad "no name_collator"
    expect_eq "$(sqlite3 "$FA" "SELECT count(*) FROM leads WHERE name_key IS NULL")" 0 "every lead has its key"

    t "the index and the collation give the same order for the same locale"
    [ "$fa_order" != "$en_order" ] && ok || bad "Persian and English orders are the same: $fa_order"
    expect_eq "$(order "$EN" fa_IR.UTF-8)" "$fa_order" "a Persian user on the English database"
    expect_eq "$(order "$FA" en_US.UTF-8)" "$en_order" "an English user on the Persian database"
    # ICU's root order, whatever the language's name: C and en_US read the index
    expect_eq "$(order "$EN" C.UTF-8)" "$en_order" "a user of the C locale"
    # the Arabic and Persian yeh and kaf, the non-joiner: each pair together
    pos() { local i=0 x; for x in $1; do i=$((i + 1)); [ "$x" = "$2" ] && echo $i; done; }
    for pair in "10 11" "13 14"; do
        set -- $pair
        a=$(pos "$fa_order" "$1"); b=$(pos "$fa_order" "$2")
        expect_eq "$((b - a))" 1 "leads $1 and $2 side by side ($fa_order)"
    done

    t "a change of name, an import: each writes its key"
    before=$(keys "$FA")
    run env LC_ALL=fa_IR.UTF-8 "$KARIZ" --db "$FA" set 1 "name=آ اول"; expect_rc 0
    [ "$(keys "$FA")" != "$before" ] && ok || bad "the key did not change"
    expect_eq "$(order "$FA" fa_IR.UTF-8 | cut -d' ' -f2)" 1 "the renamed lead first of the names"
    run env LC_ALL=fa_IR.UTF-8 "$KARIZ" --db "$FA" set 1 "name=Zoe"; expect_rc 0
    expect_eq "$(keys "$FA")" "$before" "the keys once the name is back"
    printf 'name,email\nآرش دوم,arash2@example.ir\n' >"$T/in.csv"
    run env LC_ALL=en_US.UTF-8 "$KARIZ" --db "$FA" import "$T/in.csv"; expect_rc 0
    # in the database's (Persian) order, not the importing user's: with
    # the Persian names, before the Latin ones
    case " $(order "$FA" fa_IR.UTF-8)" in *" 9 21 "*) ok ;; *) bad "the imported lead (21) is not after 9: $(order "$FA" fa_IR.UTF-8)" ;; esac

    t "after an ICU upgrade (another collator version) every key is computed again"
    good=$(order "$FA" fa_IR.UTF-8)
    kept=$(keys "$FA")
    spoil() { sqlite3 "$FA" "UPDATE meta SET value = '1.2.3.4' WHERE key = 'name_collator'; UPDATE leads SET name_key = x'01' WHERE id % 2 = 0"; }
    spoil
    wrong=$(keys "$FA")
    # a read-only open cannot compute them: it sorts through the collation
    run env LC_ALL=fa_IR.UTF-8 "$KARIZ" --db "$FA" --read-only list --sort name --format csv; expect_rc 0
    expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "$good" "read-only"
    expect_eq "$(keys "$FA")" "$wrong" "nothing written by a read-only open"
    run env LC_ALL=fa_IR.UTF-8 "$KARIZ" --db "$FA" list --sort name --format csv; expect_rc 0
    expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "$good" "the first list, in order"
    expect_eq "$(keys "$FA")" "$kept" "the keys computed again"
    expect_eq "$(sqlite3 "$FA" "SELECT value FROM meta WHERE key = 'name_collator'")" "$ver" "the collator's version recorded"
    expect_eq "$(sqlite3 "$FA" "SELECT value FROM meta WHERE key = 'name_locale'")" fa_IR "the name locale kept"
    # whoever opens it: a user of another language computes the database's keys
    spoil
    run env LC_ALL=en_US.UTF-8 "$KARIZ" --db "$FA" list --sort name --format csv; expect_rc 0
    expect_eq "$(keys "$FA")" "$kept" "computed by an English user"

    t "a lead another program wrote without a key is listed, and keyed at the next open"
    sqlite3 "$FA" "INSERT INTO leads (id, name, stage, stage_entered, touched, created, updated) VALUES (50, 'Bobby', 'lead', 0, 0, 0, 0)"
    run env LC_ALL=fa_IR.UTF-8 "$KARIZ" --db "$FA" list --sort name --format csv; expect_rc 0
    ids=$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | tr '\n' ' ')
    case " $ids" in *" 6 50 "*) ok ;; *) bad "Bobby is not after Bob: $ids" ;; esac
    expect_eq "$(sqlite3 "$FA" "SELECT name_key IS NOT NULL FROM leads WHERE id = 50")" 1 "its key was filled"

    t "a database of schema version 7 is migrated by six kariz at once: keys, index, data"
    V7=$T/v7.db
    sqlite3 "$V7" <"$fx/schema-v7.sql"
    expect_eq "$(sqlite3 "$V7" "PRAGMA user_version")" 7
    pids=()
    for i in 1 2 3 4 5 6; do
        LC_ALL=fa_IR.UTF-8 "$KARIZ" --db "$V7" list --sort name --format csv >"$T/m$i" 2>"$T/m$i.err" &
        pids+=($!)
    done
    for i in 1 2 3 4 5 6; do
        wait "${pids[$((i - 1))]}"
        expect_eq "$?" 0 "kariz $i ($(cat "$T/m$i.err"))"
        expect_eq "$(tail -n +2 "$T/m$i" | cut -d, -f1 | tr '\n' ' ')" "4 1 2 3 5 6 " "kariz $i's name order (Persian first)"
    done
    expect_eq "$(sqlite3 "$V7" "PRAGMA user_version")" 9
    expect_eq "$(sqlite3 "$V7" "SELECT value FROM meta WHERE key = 'name_locale'")" fa_IR "the migrating user's locale"
    expect_eq "$(sqlite3 "$V7" "SELECT count(*) FROM leads WHERE name_key IS NULL")" 0 "every lead keyed"
    expect_eq "$(sqlite3 "$V7" "SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'leads_%name%' ORDER BY 1" | tr '\n' ' ')" \
        "leads_name leads_name_company leads_name_unkeyed leads_owner_name " "the indexes"
    # the fixture's other indexes have statistics (schema version 6): so do these
    expect_eq "$(sqlite3 "$V7" "SELECT idx FROM sqlite_stat1 WHERE idx LIKE 'leads_%name' ORDER BY 1" | tr '\n' ' ')" \
        "leads_name leads_owner_name " "the new indexes' statistics"
    # a file without statistics stays without: measuring only these two
    # would have the planner sort a whole column by name
    sqlite3 "$T/v7b.db" <"$fx/schema-v7.sql"
    sqlite3 "$T/v7b.db" "DELETE FROM sqlite_stat1"
    run env LC_ALL=C.UTF-8 "$KARIZ" --db "$T/v7b.db" list --sort name --format csv; expect_rc 0
    expect_eq "$(sqlite3 "$T/v7b.db" "PRAGMA user_version; SELECT count(*) FROM sqlite_stat1")" "9
0" "no statistics taken"
    expect_eq "$(sqlite3 "$V7" "SELECT count(*) || ':' || sum(value) FROM leads")|$(sqlite3 "$V7" "SELECT count(*) FROM events")" "6:3010000|7" "the rows kept"
    run env LC_ALL=C.UTF-8 "$KARIZ" --db "$V7" list --stage lead --search wonk --sort name --format csv
    expect_rc 0; expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "1 3 4 " "a search in name order"
    run env LC_ALL=fa_IR.UTF-8 "$KARIZ" --db "$V7" list --stage lead --search wonk --sort name --format csv
    expect_rc 0; expect_eq "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "4 1 3 " "the same, through the index"
fi

t "a copy SQLite -> here -> SQLite keeps the name order and computes the keys"
MID=$(new_db mid.db)
C=$T/back.db
run env LC_ALL=fa_IR.UTF-8 "$KARIZ" copy "$EN" "$MID"; expect_rc 0
run env LC_ALL=fa_IR.UTF-8 "$KARIZ" copy "$MID" "$C"; expect_rc 0
expect_eq "$(order "$C" fa_IR.UTF-8)" "$fa_order" "the copy's Persian order"
expect_eq "$(sqlite3 "$C" "SELECT value FROM meta WHERE key = 'name_locale'")" fa_IR "the copying user's name locale"
expect_eq "$(keys "$C")" "$(keys "$FA" | cut -d' ' -f1-20) " "the keys as a Persian database computes them"
if on_pg; then
    expect_eq "$(order "$MID" fa_IR.UTF-8)" "$(order "$MID" en_US.UTF-8)" "PostgreSQL: one order for every user"
    expect_eq "$(DB=$MID dbq "SELECT count(*) FROM meta WHERE key LIKE 'name_%'")" 0 "PostgreSQL has no name locale in meta"
fi

finish
