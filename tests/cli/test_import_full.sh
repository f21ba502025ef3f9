#!/usr/bin/env bash
# An import that runs out of disk says which rows are in the database and
# where re-running resumes (through the fault-injecting file layer,
# KARIZ_FAULT_WRITES); and the write-ahead log stays bounded during a long
# import instead of growing past the database.
. "$(dirname "$0")/lib.sh"
sqlite_only "disk full (KARIZ_FAULT_WRITES, SQLite's file layer) and the size of the -wal file during a long import"

gen() { # N: a CSV of N distinct leads
    python3 -c '
import sys
print("name,company,email,title,notes")
for i in range(int(sys.argv[1])):
    print(f"Name {i},Company {i % 900},p{i}@ex{i % 300}.org,Head of Things {i % 17},"
          f"\"Notes about lead {i}, who moves data between tools by hand\"")' "$1"
}

t "disk full part-way: the committed rows are named, and a re-run resumes"
gen 1000 > "$T/leads.csv"
k init >/dev/null
KARIZ_IMPORT_BATCH=100 KARIZ_FAULT_WRITES=200 run k import "$T/leads.csv"
expect_rc 1
has_err "disk full"
has_err "the batch being written was not saved"
lacks_err "nothing was changed"
done_rows=$(dbq "SELECT count(*) FROM leads")
[ "$done_rows" -gt 0 ] && [ "$done_rows" -lt 1000 ] && ok || bad "$done_rows leads after the fault"
has_err "rows 2-$((done_rows + 1)) of $T/leads.csv are in the database (import 1)"
has_err "re-running \`kariz --db $T/test.db import $T/leads.csv\` resumes from row $((done_rows + 2))"
expect_eq "$(dbq 'PRAGMA integrity_check')" ok
run k import "$T/leads.csv"
expect_rc 0
has_out "1000 rows: 1000 created"
has_out "(resumed after row $done_rows of an interrupted run)"
expect_eq "$(dbq "SELECT count(*), count(DISTINCT email) FROM leads")" "1000|1000"

t "disk full in the first batch: nothing is in the database"
DB=$(new_db first.db)
k init >/dev/null
KARIZ_IMPORT_BATCH=100 KARIZ_FAULT_WRITES=3 run k import "$T/leads.csv"
expect_rc 1
has_err "no row of $T/leads.csv is in the database"
expect_eq "$(dbq "SELECT count(*) FROM leads; SELECT count(*) FROM imports")" "0
0"

t "a quoted re-run command for a file name with spaces"
DB=$(new_db space.db)
cp "$T/leads.csv" "$T/my leads.csv"
k init >/dev/null
KARIZ_IMPORT_BATCH=100 KARIZ_FAULT_WRITES=200 run k import "$T/my leads.csv" --owner ann
expect_rc 1
has_err "re-running \`kariz --db $T/space.db import --owner ann '$T/my leads.csv'\` resumes"

t "the write-ahead log stays bounded during a long import"
# 40,000 rows write about 28 MiB of log; it is checkpointed once it holds
# 16 MiB, so it never grows past that and one batch (2000 rows, under 2 MiB)
DB=$(new_db wal.db)
gen 40000 > "$T/big.csv"
k init >/dev/null
KARIZ_IMPORT_BATCH=2000 KARIZ_TEST_KILL_AFTER_ROWS=39000 run k import "$T/big.csv"
wal=$(stat -c %s "$DB-wal")
[ "$wal" -le $((20 * 1024 * 1024)) ] && ok || bad "the log is $wal bytes during the import"
KARIZ_IMPORT_BATCH=2000 run k import "$T/big.csv"
expect_rc 0
wal=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
[ "$wal" -le $((20 * 1024 * 1024)) ] && ok || bad "the log is $wal bytes after the import"
expect_eq "$(dbq "SELECT count(*) FROM leads")" 40000

finish
