#!/usr/bin/env bash
# Hooks: run on events with the event as JSON, never block the user, and
# failures are logged, not fatal.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/hooks"
mkfifo "$T/events"
for h in lead-created stage-changed won lost assigned; do
    printf '#!/bin/sh\ncat > "%s"\n' "$T/events" > "$T/hooks/$h"
    chmod +x "$T/hooks/$h"
done
# read_event: blocks until a hook delivers one event (hang guard: 30 s)
read_event() { out=$(timeout 30 cat "$T/events"); }

t "lead-created"
k add "Ava Smith" --company Acme >/dev/null &
read_event; wait
expect_eq "$(json 'j["event"]')" lead-created
expect_eq "$(json 'j["name"]')" "Ava Smith"
expect_eq "$(json 'j["actor"]')" "$ME"
expect_eq "$(json 'j["lead_id"]')" 1

t "stage-changed, won, lost, assigned"
k move 1 prospect --force --reason "test" &
read_event; wait
expect_eq "$(json 'j["event"]+":"+j["old"]+">"+j["new"]')" "stage-changed:lead>prospect"
k won 1 --force --reason "signed" &
read_event; wait
expect_eq "$(json 'j["event"]')" won
k assign 1 bob --force &
read_event; wait
expect_eq "$(json 'j["event"]+":"+j["new"]')" "assigned:bob"

t "a slow hook never blocks the user"
printf '#!/bin/sh\ncat "%s" >/dev/null\nexit 3\n' "$T/gate" > "$T/hooks/lost"
mkfifo "$T/gate"
timeout 30 "$KARIZ" --db "$DB" lost 1 --reason other; rc=$?
expect_rc 0   # returned while the hook still waits at the gate
expect_eq "$(sql "SELECT stage FROM leads WHERE id = 1")" lost

t "a failing hook is logged, not fatal"
timeout 30 sh -c "echo go > '$T/gate'"
for _ in $(seq 300); do grep -q "exited with status 3" "$T/hooks/hooks.log" 2>/dev/null && break; sleep 0.1; done
grep -q "lost: exited with status 3" "$T/hooks/hooks.log" && ok || bad "hooks.log: $(cat "$T/hooks/hooks.log" 2>&1)"

t "no hooks directory, no hooks"
rm -rf "$T/hooks"
run k add "Quiet"; expect_rc 0

finish
