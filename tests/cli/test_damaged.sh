#!/usr/bin/env bash
# Truncated, bit-flipped or foreign files: a clean message, no crash, and
# nothing written.
. "$(dirname "$0")/lib.sh"
sqlite_only "truncated, bit-flipped and foreign files are SQLite's file format"
for i in $(seq 1 200); do echo "Lead $i,Co $i"; done | while IFS=, read -r n c; do k add "$n" --company "$c" >/dev/null; done
dbq "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
size=$(stat -c %s "$DB")

check_clean() { # FILE: kariz on it fails cleanly or works; never crashes; never writes
    local f=$1
    for cmd in "list" "show 5" "set 5 title=X" "note 5 hello" "score --all"; do
        # shellcheck disable=SC2086
        run "$KARIZ" --db "$f" $cmd
        [ "$rc" -lt 128 ] && ok || bad "kariz $cmd crashed on $f (status $rc)"
        if [ "$rc" != 0 ]; then
            case "$err" in "kariz: "*) ok ;; *) bad "unclear message for $cmd: $err" ;; esac
        fi
    done
    rm -f "$f-wal" "$f-shm"
}

t "truncated to half"
head -c $((size / 2)) "$DB" > "$T/half.db"
sum=$(sha256sum "$T/half.db")
run "$KARIZ" --db "$T/half.db" list
expect_rc 1; has_err "half.db"
expect_eq "$(sha256sum "$T/half.db")" "$sum" "a read leaves the file as it was"
check_clean "$T/half.db"

t "flipped bytes"
for seed in 1 2 3 4 5; do
    cp "$DB" "$T/flip$seed.db"
    python3 - "$T/flip$seed.db" "$seed" <<'PY'
import random, sys
p, seed = sys.argv[1], int(sys.argv[2])
data = bytearray(open(p, "rb").read())
rnd = random.Random(seed)
for _ in range(40):
    i = rnd.randrange(100, len(data))
    data[i] ^= 1 << rnd.randrange(8)
open(p, "wb").write(bytes(data))
PY
    check_clean "$T/flip$seed.db"
done

t "a damaged header"
cp "$DB" "$T/header.db"
printf 'XXXXXXXXXXXXXXXX' | dd of="$T/header.db" conv=notrunc status=none
sum=$(sha256sum "$T/header.db")
run "$KARIZ" --db "$T/header.db" add "New"; expect_rc 1
has_err "is not a kariz database or is damaged"
expect_eq "$(sha256sum "$T/header.db")" "$sum"

t "an empty file and a directory"
: > "$T/empty.db"
run "$KARIZ" --db "$T/empty.db" list; expect_rc 1; has_err "empty.db is empty: not a kariz database"
mkdir "$T/dir.db"
run "$KARIZ" --db "$T/dir.db" list; expect_rc 1; has_err "is a directory"

t "the original is untouched by all this"
expect_eq "$(dbq 'PRAGMA integrity_check')" ok
expect_eq "$(dbq 'SELECT count(*) FROM leads')" 200

finish
