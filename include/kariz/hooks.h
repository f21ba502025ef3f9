/* hooks.h - notifications: executables run on pipeline events.
 *
 * Hooks live in a directory (like git's): $KARIZ_HOOKS_DIR, else "hooks"
 * beside the database. An executable named after the event runs with the
 * event as one JSON object on standard input:
 *   lead-created, stage-changed, won, lost, assigned, grade-changed.
 * Hooks run detached, never block the user, are killed after a time limit
 * (KARIZ_HOOK_TIMEOUT seconds, default 10), and their failures are logged
 * to hooks.log in the hooks directory, never fatal.
 *
 * A hook runs only when it and its directory (and, for a symbolic link, the
 * file it names and that file's directory) are owned by root, by the
 * database's owner or by the user running kariz (as whom the hook runs)
 * and are writable by nobody else, as sshd's StrictModes
 * and git's safe.directory demand: any other hook would run as every
 * colleague who changes a lead. The database's owner counts only when they
 * own its directory too, or nobody else may write it (else a member could
 * have replaced the database with their own). A refused hook is logged once per process
 * and its reason kept for the user (kz_hooks_take_notice).
 *
 * Hooks (and the board's editor) start with a clean environment
 * (kz_child_env) and only descriptors 0-2 open (kz_child_close_fds). */
#ifndef KARIZ_HOOKS_H
#define KARIZ_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct kz_hook_event {
    const char *event;  /* "stage-changed", ... */
    int64_t lead_id;
    const char *name;   /* lead's name, company */
    const char *company;
    const char *actor;
    const char *field;  /* stage, owner, grade (NULL for lead-created) */
    const char *old_value;
    const char *new_value;
    int64_t at;
} kz_hook_event;

/* The hooks directory for a database path: $KARIZ_HOOKS_DIR, else hooks/
 * beside the database file; db_path NULL (a server's database, no file)
 * has only the variable. out gets "" when none exists. Remembers the
 * database's owner, who may own hooks besides root. */
void kz_hooks_dir(const char *db_path, char *out, size_t outlen);
/* Runs the hook for e if one exists and is safe to run (see above); returns
 * at once. The hook gets the event as JSON on standard input and as
 * KARIZ_EVENT, KARIZ_LEAD_ID, KARIZ_ACTOR and KARIZ_HOOKS_DIR. */
void kz_hooks_fire(const char *dir, const kz_hook_event *e);
/* The latest refusal not yet shown ("hook won refused to run: ..."), once;
 * NULL when there is none. Static storage. */
const char *kz_hooks_take_notice(void);

/* The environment a program kariz starts gets, and nothing else: PATH
 * /usr/local/bin:/usr/bin:/bin, HOME, USER and LOGNAME (from the password
 * database), TZ, LANG and LC_*, with terminal also TERM and COLORTERM, then
 * the NAME, VALUE pairs of extra (NULL-terminated; NULL values skipped).
 * No loader variables (LD_*) or anything else inherited. Free with
 * kz_child_env_free. */
char **kz_child_env(bool terminal, const char *const *extra);
void kz_child_env_free(char **env);
/* In a child before exec: closes every descriptor above 2. */
void kz_child_close_fds(void);

#endif
