#!/usr/bin/env bash
# The board and triage need a terminal: without one they refuse before
# touching the database, and point to the commands scripts use instead.
. "$(dirname "$0")/lib.sh"

t "the board refuses without a terminal"
run "$KARIZ" --db "$T/none.db" </dev/null; expect_rc 2
has_err "the board needs a terminal (standard input is not one)"
has_err "kariz list"
[ ! -e "$T/none.db" ] && ok || bad "the refused board created its database"
run "$KARIZ" --db "$T/none.db" --mine </dev/null; expect_rc 2; has_err "needs a terminal"

t "triage refuses without a terminal and names the batch commands"
run "$KARIZ" --db "$T/none.db" triage </dev/null; expect_rc 2
has_err "triage needs a terminal (standard input is not one); it has no batch mode"
has_err "kariz agenda"
has_err "kariz move"
[ ! -e "$T/none.db" ] && ok || bad "the refused triage created its database"

t "standard output not a terminal"
if [ -t 0 ]; then
    run "$KARIZ" --db "$T/none.db"; expect_rc 2; has_err "standard output is not one"
else
    # stdin is no terminal here either; script(1) gives it one, output still a file
    if command -v script >/dev/null; then
        script -qec "\"$KARIZ\" --db \"$T/none.db\" triage >\"$T/o\" 2>\"$T/e\"; echo rc=\$? >\"$T/rc\"" /dev/null >/dev/null </dev/null
        expect_eq "$(cat "$T/rc")" "rc=2"
        grep -q "standard output is not one" "$T/e" && ok || bad "stderr: $(cat "$T/e")"
    fi
fi
[ ! -e "$T/none.db" ] && ok || bad "the refused board created its database"

t "demo without a terminal fills the database and says how to open the board"
D=$(new_db demo.db)
run "$KARIZ" --db "$D" demo --leads 4 </dev/null; expect_rc 0
has_out "added 4 demo leads to $D"
has_err "the board needs a terminal"
# (quoted for a shell when it needs it: a connection string's spaces)
if on_pg; then has_err "open the board from a terminal with: kariz --db '$D'"
else has_err "open the board from a terminal with: kariz --db $D"; fi
run "$KARIZ" --db "$D" list --format csv; expect_rc 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | wc -l)" 4 "demo leads listed"

finish
