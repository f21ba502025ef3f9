#!/usr/bin/env bash
# kariz import killed with SIGKILL part-way (KARIZ_TEST_KILL_AFTER_ROWS makes
# the importer kill itself after that many rows, mid-transaction): the
# database stays intact and running the same command again finishes the job
# with exactly the result of an uninterrupted import.
. "$(dirname "$0")/lib.sh"
export KARIZ_NOW="2026-11-20 10:00" KARIZ_IMPORT_BATCH=500

# 3000 hostile rows, some made invalid (rejects) by a bad employee count
gen_leads 3000 --hostile --seed 7 | python3 -c '
import csv, sys
r = csv.reader(sys.stdin)
w = csv.writer(sys.stdout, lineterminator="\r\n")
for i, row in enumerate(r):
    if i and i % 401 == 7:
        row[8] = "lots"
    w.writerow(row)
' > "$T/leads.csv"

t "an uninterrupted import, for reference"
DB=$(new_db clean.db)
run k import "$T/leads.csv" --rejects "$T/clean-rej.csv"; expect_rc 1
clean_summary=$(printf '%s\n' "$out" | head -1)
has_out "3000 rows"
k export > "$T/clean.csv"
clean_leads=$(dbq 'select count(*) from leads')

t "killed before the first batch commits: nothing is left behind"
DB=$(new_db early.db)
k init >/dev/null
KARIZ_TEST_KILL_AFTER_ROWS=300 run k import "$T/leads.csv"; expect_rc 137
on_sqlite && expect_eq "$(dbq 'PRAGMA integrity_check')" ok
expect_eq "$(dbq 'select count(*) from leads')" 0
expect_eq "$(dbq 'select count(*) from imports')" 0

t "killed twice part-way, then finished"
DB=$(new_db killed.db)
k init >/dev/null
KARIZ_TEST_KILL_AFTER_ROWS=1234 run k import "$T/leads.csv" --rejects "$T/rej.csv"; expect_rc 137
on_sqlite && expect_eq "$(dbq 'PRAGMA integrity_check')" ok
expect_eq "$(dbq 'select rows_done, CASE WHEN finished IS NULL THEN 1 ELSE 0 END from imports')" "1000|1"
done1=$(dbq 'select created + skipped + rejected from imports')
expect_eq "$done1" 1000 "counts cover the committed rows"
expect_eq "$(dbq 'select count(*) from leads')" "$(dbq 'select created from imports')"
expect_eq "$(dbq "select count(*) from events where kind = 'import' and lead_id is null")" 0

KARIZ_TEST_KILL_AFTER_ROWS=2222 run k import "$T/leads.csv" --rejects "$T/rej.csv"; expect_rc 137
has_err "resuming import 1"
has_err "after row 1000"
on_sqlite && expect_eq "$(dbq 'PRAGMA integrity_check')" ok
expect_eq "$(dbq 'select rows_done from imports')" 2000

run k import "$T/leads.csv" --rejects "$T/rej.csv"; expect_rc 1
has_err "after row 2000"
has_out "(resumed after row 2000 of an interrupted run)"
expect_eq "$(printf '%s\n' "$out" | head -1)" "$clean_summary"
on_sqlite && expect_eq "$(dbq 'PRAGMA integrity_check')" ok
expect_eq "$(dbq 'select count(*) from imports')" 1
expect_eq "$(dbq 'select rows_done, CASE WHEN finished IS NULL THEN 0 ELSE 1 END from imports')" "3000|1"
expect_eq "$(dbq 'select count(*) from leads')" "$clean_leads"
expect_eq "$(dbq "select count(*) from (select email_key from leads where email_key <> '' group by email_key having count(*) > 1) d")" 0
expect_eq "$(dbq "select count(*) from events where kind = 'import' and lead_id is null")" 1
k export > "$T/killed.csv"
cmp -s "$T/clean.csv" "$T/killed.csv" && ok || bad "the resumed import differs from the uninterrupted one"
cmp -s "$T/clean-rej.csv" "$T/rej.csv" && ok || bad "the rejects file of the resumed import differs"
expect_eq "$(grep -c 'is not a whole number' "$T/rej.csv")" "$(dbq 'select rejected from imports')"

t "a finished import is not resumed: the same file again only finds duplicates"
run k import "$T/leads.csv"; expect_rc 1
has_out "0 created"
expect_eq "$(dbq 'select count(*) from imports')" 2
expect_eq "$(dbq 'select count(*) from leads')" "$clean_leads"

t "different options are a different import, not a resume"
DB=$(new_db opts.db)
k init >/dev/null
KARIZ_TEST_KILL_AFTER_ROWS=600 run k import "$T/leads.csv"; expect_rc 137
run k import "$T/leads.csv" --owner erin; expect_rc 1
lacks_out "resumed"
expect_eq "$(dbq 'select count(*) from imports where finished is null')" 1
expect_eq "$(dbq 'select count(*) from leads')" "$clean_leads"

finish
