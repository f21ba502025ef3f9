#!/usr/bin/env bash
# Disk full and I/O errors (through the fault-injecting file layer): every
# command says so plainly, and nothing saved before is lost.
. "$(dirname "$0")/lib.sh"
sqlite_only "disk-full and I/O errors are injected in SQLite's file layer (KARIZ_FAULT_WRITES)"
run k init; expect_rc 0
for i in 1 2 3 4 5; do k add "Lead $i" --company "Co $i" --value $((i * 100)) >/dev/null; done
k note 1 "first note" >/dev/null
baseline=$(dbq "SELECT group_concat(id||name||coalesce(title,'')||version, ',') FROM leads; SELECT count(*) FROM events; SELECT count(*) FROM activities")

t "writes fail after N operations: a clear message, nothing half-written"
failed=0
for n in 0 1 2 3 5 8 13 21 34; do
    before=$(dbq "SELECT coalesce(title,'-'), version FROM leads WHERE id = 2; SELECT count(*) FROM events WHERE lead_id = 2")
    KARIZ_FAULT_WRITES=$n run k set 2 "title=T$n" employees=$n
    expect_eq "$(dbq 'PRAGMA integrity_check')" ok "integrity after budget $n"
    if [ "$rc" = 0 ]; then
        expect_eq "$(dbq "SELECT title FROM leads WHERE id = 2")" "T$n"
    else
        failed=$((failed + 1))
        expect_rc 1
        has_err "disk full"
        has_err "nothing was changed"
        expect_eq "$(dbq "SELECT coalesce(title,'-'), version FROM leads WHERE id = 2; SELECT count(*) FROM events WHERE lead_id = 2")" "$before" "budget $n left no trace"
    fi
done
[ "$failed" -gt 0 ] && ok || bad "no write ever failed: the fault layer is not in use"

t "an I/O error is named as such"
KARIZ_FAULT_WRITES=0 KARIZ_FAULT_KIND=io run k note 3 "lost?"
expect_rc 1; has_err "I/O error"
expect_eq "$(dbq "SELECT count(*) FROM activities WHERE lead_id = 3")" 0

t "other leads and the log are untouched"
expect_eq "$(dbq "SELECT group_concat(id||name, ',') FROM leads WHERE id <> 2")" "1Lead 1,3Lead 3,4Lead 4,5Lead 5"
expect_eq "$(dbq "SELECT note FROM activities WHERE lead_id = 1")" "first note"
expect_eq "$(dbq 'PRAGMA integrity_check')" ok

finish
