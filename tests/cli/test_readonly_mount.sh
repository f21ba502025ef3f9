#!/usr/bin/env bash
# A database on a read-only mount (a snapshot, a backup mounted ro): reading
# commands read it, writing ones refuse. Needs root to mount a tmpfs; skips
# loudly otherwise.
. "$(dirname "$0")/lib.sh"
sqlite_only "a database file on a read-only mount"

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIPPED: not root, cannot mount a read-only file system" >&2
    exit 77
fi
M=$T/mnt
mkdir -p "$M"
if ! mount -t tmpfs -o mode=0755 kariz-test "$M" 2>/dev/null; then
    echo "SKIPPED: mounting a tmpfs is not allowed here" >&2
    exit 77
fi
trap 'umount "$M" 2>/dev/null; lib_cleanup' EXIT
DB=$M/ro.db
k init >/dev/null
k add "Ada Lovelace" >/dev/null
mount -o remount,ro "$M"

t "reading commands read a database on a read-only mount"
run k list; expect_rc 0; has_out "Ada Lovelace"
run k show 1; expect_rc 0; has_out "Ada Lovelace"
run k report funnel; expect_rc 0

t "writing commands refuse, and nothing changes"
run k note 1 "hello"; expect_rc 1
run k list --format csv; expect_rc 0; has_out "Ada Lovelace"

finish
