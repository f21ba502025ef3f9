#!/usr/bin/env bash
# Hooks: run on events with the event as JSON, never block the user, and
# failures are logged, not fatal.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/hooks"
# (hooks/ beside the database file; a server's database has no directory,
# its hooks are in $KARIZ_HOOKS_DIR)
on_pg && export KARIZ_HOOKS_DIR=$T/hooks
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
expect_eq "$(dbq "SELECT stage FROM leads WHERE id = 1")" lost

t "a failing hook is logged, not fatal"
timeout 30 sh -c "echo go > '$T/gate'"
for _ in $(seq 300); do grep -q "exited with status 3" "$T/hooks/hooks.log" 2>/dev/null && break; sleep 0.1; done
grep -q "lost: exited with status 3" "$T/hooks/hooks.log" && ok || bad "hooks.log: $(cat "$T/hooks/hooks.log" 2>&1)"

t "a hook starts with a clean environment and only descriptors 0-2"
rm -f "$T/hooks/lost"
mkfifo "$T/envout"
printf '#!/bin/sh\n{ env; echo "fds: $(ls /proc/self/fd | tr "\\n" " ")"; } > "%s"\n' "$T/envout" > "$T/hooks/assigned"
chmod 755 "$T/hooks/assigned"
LD_PRELOAD= LD_LIBRARY_PATH=/nonexistent KARIZ_SECRET=leak PATH="$T/bin:$PATH" k assign 1 carol --force 7</dev/null 8>/dev/null &
out=$(timeout 30 cat "$T/envout"); wait
case "$out" in *LD_*|*KARIZ_SECRET*|*"$T/bin"*) bad "inherited variables reach the hook" ;; *) ok ;; esac
has_out "PATH=/usr/local/bin:/usr/bin:/bin"
has_out "KARIZ_EVENT=assigned"
has_out "KARIZ_LEAD_ID=1"
has_out "KARIZ_ACTOR=$ME"
has_out "USER=$ME"
has_out "fds: 0 1 2 3 "   # 3 is ls's own directory

t "a hook others can change is refused, logged once, and the user told"
chmod 777 "$T/hooks/assigned"
run k assign 1 dave --force; expect_rc 0
has_err "hook assigned refused to run: the hook $T/hooks/assigned is writable by everyone (mode 0777)"
has_err "chmod go-w $T/hooks/assigned"
grep -q "assigned: refused to run: the hook $T/hooks/assigned is writable by everyone" "$T/hooks/hooks.log" && ok || bad "hooks.log: $(cat "$T/hooks/hooks.log")"
chmod 755 "$T/hooks/assigned"
chmod 775 "$T/hooks"
run k assign 1 erin --force; expect_rc 0
has_err "the hooks directory $T/hooks is writable by its group (mode 0775)"
chmod 755 "$T/hooks"

t "no hooks directory, no hooks"
rm -rf "$T/hooks"
run k add "Quiet"; expect_rc 0

finish
