/* hooks.h - notifications: executables run on pipeline events.
 *
 * Hooks live in a directory (like git's): $KARIZ_HOOKS_DIR, else "hooks"
 * beside the database. An executable named after the event runs with the
 * event as one JSON object on standard input:
 *   lead-created, stage-changed, won, lost, assigned, grade-changed.
 * Hooks run detached, never block the user, are killed after a time limit
 * (KARIZ_HOOK_TIMEOUT seconds, default 10), and their failures are logged
 * to hooks.log in the hooks directory, never fatal. */
#ifndef KARIZ_HOOKS_H
#define KARIZ_HOOKS_H

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

/* The hooks directory for a database path (out gets "" when none exists). */
void kz_hooks_dir(const char *db_path, char *out, size_t outlen);
/* Runs the hook for e if one exists; returns at once. */
void kz_hooks_fire(const char *dir, const kz_hook_event *e);

#endif
