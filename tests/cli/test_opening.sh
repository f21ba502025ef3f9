#!/usr/bin/env bash
# Opening a database: reading commands never create one, an empty file is
# refused, and the commands that bring data in say when they created one.
. "$(dirname "$0")/lib.sh"
sqlite_only "what opening a database file creates or refuses (missing, empty, symbolic links)"

t "reading commands never create a database"
for cmd in "list" "show 1" "history 1" "blame 1 name" "report funnel" "export" "agenda" \
    "score 1 --explain"; do
    # (the board and triage refuse first without a terminal: test_terminal.sh;
    # with one, test_board_readonly and the board tests open real databases)
    # shellcheck disable=SC2086
    run "$KARIZ" --db "$T/nope.db" $cmd
    expect_rc 1
    has_err "no database at $T/nope.db (create one with \`kariz init\`)"
    [ ! -e "$T/nope.db" ] && ok || bad "kariz $cmd created $T/nope.db"
done

t "a mistyped directory is the same missing database"
run "$KARIZ" --db "$T/typo/leads.db" list
expect_rc 1; has_err "no database at $T/typo/leads.db"
[ ! -e "$T/typo" ] && ok || bad "the directory was created"

t "a database that cannot be opened says where its name came from when the command line did not give it"
KARIZ_DB=$T/nope.db run "$KARIZ" list
expect_rc 1; has_err "no database at $T/nope.db"
has_err "kariz: (named by \$KARIZ_DB; --db names another database)"
KARIZ_DB=$T run "$KARIZ" list
expect_rc 1; has_err "$T is a directory, not a database file"; has_err "(named by \$KARIZ_DB;"
run "$KARIZ" list
expect_rc 1; has_err "no database at $XDG_DATA_HOME/kariz/kariz.db"
has_err "kariz: (the default database; --db or \$KARIZ_DB names another)"
KARIZ_DB=$T/elsewhere.db run "$KARIZ" --db "$T/nope.db" list
expect_rc 1; has_err "no database at $T/nope.db"
case "$err" in *"(named by"* | *"(the default"*) bad "the --db it was given: $err" ;; *) ok ;; esac
[ ! -e "$T/nope.db" ] && [ ! -e "$XDG_DATA_HOME/kariz/kariz.db" ] && ok || bad "a database was created"
# a database to create in a directory that is not there: said so
KARIZ_DB=$T/nodir/k.db run "$KARIZ" add Ava
expect_rc 1; has_err "kariz: cannot create the database $T/nodir/k.db: its directory does not exist"
has_err "(named by \$KARIZ_DB;"
run "$KARIZ" --db "$T/nodir/k.db" init
expect_rc 1; expect_eq "$err" "kariz: cannot create the database $T/nodir/k.db: its directory does not exist"
[ ! -e "$T/nodir" ] && ok || bad "the directory was created"

t "a zero-length file is refused, not read as an empty pipeline"
: > "$T/empty.db"
for cmd in "list" "add Ada" "import $T/x.csv"; do
    # shellcheck disable=SC2086
    run "$KARIZ" --db "$T/empty.db" $cmd
    expect_rc 1
    has_err "$T/empty.db is empty: not a kariz database; \`kariz init\` creates one"
    expect_eq "$(stat -c %s "$T/empty.db")" 0 "kariz $cmd left the file empty"
done
run "$KARIZ" --db "$T/empty.db" init
expect_rc 0; has_out "database $T/empty.db created (schema version"
run "$KARIZ" --db "$T/empty.db" list
expect_rc 0

t "init and demo create quietly; add, import and intake create and say so"
run "$KARIZ" --db "$T/init.db" init
expect_rc 0; expect_eq "$err" ""
run "$KARIZ" --db "$T/demo.db" demo --no-board --leads 3
expect_rc 0; expect_eq "$err" ""
run "$KARIZ" --db "$T/add.db" add Ada
expect_rc 0; has_err "kariz: created a new database at $T/add.db"
run "$KARIZ" --db "$T/add.db" add Grace
expect_rc 0; expect_eq "$err" "" "no note once it exists"
printf 'name\nAda\n' > "$T/x.csv"
run "$KARIZ" --db "$T/imp.db" import "$T/x.csv"
expect_rc 0; has_err "created a new database at $T/imp.db"
run "$KARIZ" --db "$T/dry.db" import --dry-run "$T/x.csv"
expect_rc 0; has_err "no database at $T/dry.db"; has_err "previewing the import"
[ -e "$T/dry.db" ] && bad "a dry run created a database" || ok
run sh -c "echo '{\"name\":\"Ada\"}' | \"$KARIZ\" --db \"$T/in.db\" intake"
expect_rc 0; has_err "created a new database at $T/in.db"

t "a link to a database that does not exist is refused, not followed to create it"
mkdir -p "$T/elsewhere"
ln -s "$T/elsewhere/team.db" "$T/link.db"
run "$KARIZ" --db "$T/link.db" add Ada
expect_rc 1
has_err "$T/link.db is a symbolic link to a file that does not exist"
[ ! -e "$T/elsewhere/team.db" ] && ok || bad "the link's target was created"

t "an SQLite database never loads libpq; PostgreSQL without it names what is missing"
# a libpq.so.5 that is no library, found first: a kariz linked with libpq
# would not even start
mkdir -p "$T/badlib"
: > "$T/badlib/libpq.so.5"
run "$KARIZ" --db "$T/lp.db" init; expect_rc 0
run env LD_LIBRARY_PATH="$T/badlib" "$KARIZ" --db "$T/lp.db" add "Ada Lovelace"; expect_rc 0; expect_out 1
run env LD_LIBRARY_PATH="$T/badlib" "$KARIZ" --db "$T/lp.db" list; expect_rc 0; has_out "Ada Lovelace"
run env LD_LIBRARY_PATH="$T/badlib" "$KARIZ" --db postgresql://db.invalid/sales list; expect_rc 1
has_err "cannot connect to the database postgresql://db.invalid/sales: PostgreSQL needs the libpq library, which could not be loaded ($T/badlib/libpq.so.5: file too short): install it (Debian: apt-get install libpq5)"

t "ICU is loaded when first needed: kariz starts without it; an SQLite database, whose names ICU orders, names what is missing"
# a libicui18n that is no library, found first: a kariz linked with ICU
# would not even start
icu_major=$(pkg-config --modversion icu-uc | cut -d. -f1)
mkdir -p "$T/badicu"
: > "$T/badicu/libicui18n.so.$icu_major"
run env LD_LIBRARY_PATH="$T/badicu" "$KARIZ" --version; expect_rc 0; has_out "kariz "
run env LD_LIBRARY_PATH="$T/badicu" "$KARIZ" --help; expect_rc 0
run env LD_LIBRARY_PATH="$T/badicu" "$KARIZ" --db "$T/lp.db" list; expect_rc 1
has_err "cannot open $T/lp.db: kariz orders names with ICU, and the ICU library could not be loaded ($T/badicu/libicui18n.so.$icu_major: file too short): install it (Debian: apt-get install libicu$icu_major)"
expect_eq "$(printf '%s\n' "$err" | wc -l)" 1 "one line"
run "$KARIZ" --db "$T/lp.db" list; expect_rc 0; has_out "Ada Lovelace"

t "a server that refuses the connection is said on one line, libpq's lines kept apart"
run "$KARIZ" --db "postgresql://127.0.0.1:1/sales" list; expect_rc 1
has_err 'cannot connect to the database postgresql://127.0.0.1:1/sales: connection to server at "127.0.0.1", port 1 failed: Connection refused. Is the server running on that host and accepting TCP/IP connections?'
expect_eq "$(printf '%s\n' "$err" | wc -l)" 1 "one line"

finish
