#!/usr/bin/env bash
# Crash safety: writers killed (SIGKILL, from inside the file layer, at a
# chosen write) during edits, rescoring and imports, many times over. After
# each: integrity_check is ok, every committed change is there and nothing
# half-done is, and running the command again finishes the job.
. "$(dirname "$0")/lib.sh"
sqlite_only "writers are killed from inside SQLite's file layer (KARIZ_CRASH_AFTER_WRITES); test_import_resume kills kariz on both engines"
run k add "Ava Smith" --company Acme --email ava@acme.example; expect_rc 0
pick() { echo $(( ($1 * 7919 + 13) % $2 + 1 )); } # deterministic "random" write number

t "edits"
kills=0
for i in $(seq 1 25); do
    before=$(dbq "SELECT coalesce(title,'-') FROM leads WHERE id = 1")
    KARIZ_CRASH_AFTER_WRITES=$(pick "$i" 12) run k set 1 "title=T$i" "employees=$i"
    [ "$rc" = 137 ] && kills=$((kills + 1))
    expect_eq "$(dbq 'PRAGMA integrity_check')" ok "integrity after edit $i"
    title=$(dbq "SELECT coalesce(title,'-') FROM leads WHERE id = 1")
    emp=$(dbq "SELECT coalesce(employees,'-') FROM leads WHERE id = 1")
    events=$(dbq "SELECT count(*) FROM events WHERE lead_id = 1 AND field = 'title' AND new_value = 'T$i'")
    if [ "$rc" = 0 ]; then
        expect_eq "$title/$emp/$events" "T$i/$i/1" "edit $i committed whole"
    elif [ "$title" = "T$i" ]; then
        expect_eq "$emp/$events" "$i/1" "edit $i committed whole before the kill"
    else
        expect_eq "$title/$events" "$before/0" "edit $i left no trace"
    fi
done
[ "$kills" -ge 10 ] && ok || bad "only $kills of 25 edits were killed"

t "notes and calls"
for i in $(seq 1 15); do
    n=$(dbq "SELECT count(*) FROM activities WHERE lead_id = 1")
    KARIZ_CRASH_AFTER_WRITES=$(pick "$i" 10) run k log 1 call no_answer --note "call $i"
    expect_eq "$(dbq 'PRAGMA integrity_check')" ok
    m=$(dbq "SELECT count(*) FROM activities WHERE lead_id = 1")
    ev=$(dbq "SELECT count(*) FROM events WHERE lead_id = 1 AND kind = 'activity' AND detail = 'call $i'")
    case "$rc:$((m - n)):$ev" in
    0:1:1 | 137:1:1 | 137:0:0) ok ;;
    *) bad "call $i: rc $rc, activities +$((m - n)), events $ev" ;;
    esac
done

t "imports: killed, then finished by running the same command again"
gen_leads 3000 > "$T/leads.csv"
for i in $(seq 1 6); do
    rm -f "$T/imp.db" "$T/imp.db-wal" "$T/imp.db-shm"
    "$KARIZ" --db "$T/imp.db" init >/dev/null
    KARIZ_CRASH_AFTER_WRITES=$(( $(pick "$i" 400) * 3 )) run "$KARIZ" --db "$T/imp.db" import "$T/leads.csv"
    expect_rc 137
    expect_eq "$(DB=$(new_db imp.db) dbq 'PRAGMA integrity_check')" ok "integrity after import kill $i"
    run "$KARIZ" --db "$T/imp.db" import "$T/leads.csv"; expect_rc 0
    expect_eq "$(DB=$(new_db imp.db) dbq 'SELECT count(*), count(DISTINCT email_key) FROM leads')" "3000|3000" "import $i finished without duplicates"
    expect_eq "$(DB=$(new_db imp.db) dbq "SELECT count(*) FROM imports WHERE finished IS NULL")" 0
done

t "rescoring: killed, then finished"
cp "$KARIZ_SOURCE/rules.yaml" "$T/b.yaml"
sed -i 's/        points: 10$/        points: 12/' "$T/b.yaml"
for i in $(seq 1 6); do
    rules=$KARIZ_SOURCE/rules.yaml; [ $((i % 2)) -eq 1 ] && rules=$T/b.yaml
    KARIZ_CRASH_AFTER_WRITES=$(( $(pick "$i" 300) + 20 )) run "$KARIZ" --db "$T/imp.db" --rules "$rules" score --all
    expect_eq "$(DB=$(new_db imp.db) dbq 'PRAGMA integrity_check')" ok "integrity after rescoring kill $i"
    run "$KARIZ" --db "$T/imp.db" --rules "$rules" score --all; expect_rc 0
    run "$KARIZ" --db "$T/imp.db" --rules "$rules" score --all; expect_out "rescored; 0 leads changed"
    expect_eq "$(DB=$(new_db imp.db) dbq "SELECT group_concat(stage||n, ',') FROM (SELECT stage, sum(n) n FROM stage_totals GROUP BY stage HAVING n > 0 ORDER BY stage)")" \
              "$(DB=$(new_db imp.db) dbq "SELECT group_concat(stage||n, ',') FROM (SELECT stage, count(*) n FROM leads GROUP BY stage ORDER BY stage)")" "totals after kill $i"
done
expect_eq "$(DB=$(new_db imp.db) dbq "SELECT sum(n) FROM stage_totals")" 3000 "column totals survived every kill"

finish
