/* pipeline.h - the operations a salesperson performs, shared by the CLI and
 * the board: each is one write transaction that changes the lead, rescores
 * it with the rules in force, logs events and commits, or changes nothing.
 *
 * `version` arguments are the lead version the caller read (optimistic
 * concurrency); pass 0 to act on whatever is current (one-shot CLI use).
 * The check is per field: a change read at an older version is applied to
 * the current one unless someone else has since changed a field it sets
 * (the event log says which); then it is KZ_ECONFLICT, its message names
 * the field, their value and who set it, and nothing is written. */
#ifndef KARIZ_PIPELINE_H
#define KARIZ_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "kariz/model.h"
#include "kariz/rules.h"
#include "kariz/status.h"
#include "kariz/store.h"

typedef struct kz_session {
    kz_store *store;        /* borrowed */
    const kz_rules *rules;  /* borrowed */
    const char *actor;      /* Unix account acting; borrowed */
    int64_t now;            /* fixed clock for tests; 0 = time(NULL) */
    const char *hooks_dir;  /* notification hooks (hooks.h); NULL or "": none; borrowed */
} kz_session;

int64_t kz_session_now(const kz_session *s);

/* Creates a lead (stage defaults to the first stage, owner stays as given).
 * Validates stage and owner, custom field names (as kz_pipe_check_field)
 * and the status; scores it; sets lead's ID and version. */
kz_status kz_pipe_add(kz_session *s, kz_lead *lead, kz_err *err);

/* Applies FIELD=VALUE assignments (custom fields for unknown names). */
kz_status kz_pipe_set(kz_session *s, int64_t id, int64_t version, const char *const *assign,
                      size_t n, kz_err *err);

/* Whether name may be set on lead (may be NULL): a built-in field, a custom
 * field the rules declare or the lead already has, or a new name that is
 * not a likely misspelling of one of those; otherwise KZ_EINVAL with "did
 * you mean FIELD?". kz_pipe_set checks every name this way. */
kz_status kz_pipe_check_field(const kz_session *s, const kz_lead *lead, const char *name,
                              kz_err *err);
/* Whether setting name on lead (may be NULL) makes a new custom field:
 * not a built-in field, not declared by the rules, not on the lead. The
 * CLI and the board say so when they do it ("new custom field zzz"). */
bool kz_pipe_field_is_new(const kz_session *s, const kz_lead *lead, const char *name);

/* Whether name is someone a lead can be assigned to without asking: a user
 * of the database (on SQLite an account in the passwd database, as the
 * system's name service sees it; on PostgreSQL a role that may sign in and
 * change leads), the acting user or the owner of some lead already (none
 * when s has no store yet). */
bool kz_user_known(kz_session *s, const char *name);
/* A date field's value as a person may type it (today, next week, +3d,
 * fri, فردا ..., as kz_date_parse reads it relative to the session's
 * today) made the YYYY-MM-DD kz_lead_assign stores, into buf; any other
 * field's value, or a value kz_date_parse does not read (left for
 * kz_lead_assign to take or refuse), is returned as it is. */
const char *kz_pipe_date_value(kz_session *s, const char *field, const char *value, char *buf,
                               size_t len);
/* The user, owner of leads or acting user whose name is a letter or two
 * from name (kz_name_suggest), into out; false when none is. */
bool kz_user_near(kz_session *s, const char *name, char *out, size_t len);
/* kz_user_known as a verdict for a person to read: KZ_OK for a known user,
 * else KZ_EINVAL naming the name and, when one is close (kz_name_suggest),
 * the account or owner of leads it most likely meant. On a database whose
 * users are its own (PostgreSQL: kz_store_users) it says the name is not
 * one of the team's roles, and lists them when none is close; else that
 * there is no account of that name. */
kz_status kz_user_check(kz_session *s, const char *name, kz_err *err);

/* Saves an edited lead (lead->num[KZ_F_VERSION] is the version read).
 * Fields someone else changed since are kept as they are now when the copy
 * still holds what was read; changed in the copy too, they are a conflict. */
kz_status kz_pipe_save(kz_session *s, kz_lead *lead, kz_err *err);

/* Moves a lead to `stage`, enforcing its entry criteria unless
 * force_reason is given (the override is logged with the reason). */
kz_status kz_pipe_move(kz_session *s, int64_t id, int64_t version, const char *stage,
                       const char *force_reason, kz_err *err);
kz_status kz_pipe_won(kz_session *s, int64_t id, int64_t version, const char *force_reason,
                      kz_err *err);
/* reason must be one of the rules' lost reasons (case-insensitive). */
kz_status kz_pipe_lost(kz_session *s, int64_t id, int64_t version, const char *reason,
                       kz_err *err);

/* Logs a touch: kind (call, email, ...), outcome (answered, ...; one that
 * fits the kind), channel (NULL: the kind's default), optional note.
 * Rescores. A status set by kz_pipe_add, _set or _save must be one of the
 * rules' statuses. */
kz_status kz_pipe_log(kz_session *s, int64_t id, const char *kind, const char *outcome,
                      const char *channel, const char *note, kz_err *err);
/* The same, with one of the lead's stakeholders (0: nobody in particular):
 * "a call with the CFO"; rules read it with `with: ROLE`. */
kz_status kz_pipe_log_with(kz_session *s, int64_t id, int64_t stakeholder_id, const char *kind,
                           const char *outcome, const char *channel, const char *note,
                           kz_err *err);
kz_status kz_pipe_note(kz_session *s, int64_t id, const char *text, kz_err *err);
/* Sets the next step's due day (and text when step != NULL). */
kz_status kz_pipe_followup(kz_session *s, int64_t id, int64_t version, int due_day,
                           const char *step, kz_err *err);
kz_status kz_pipe_assign(kz_session *s, int64_t id, int64_t version, const char *owner,
                         kz_err *err);

/* The people around a deal. Roles must be among the rules' stakeholder
 * roles. Each change rescores the lead, moves its version on and is a
 * "stakeholder" event (field "stakeholder.ID" for adding and removing,
 * "stakeholder.ID.FIELD" for a change); `version` is the lead version the
 * caller read (0: any): someone else's change since to the same person's
 * same field (or removing them) is KZ_ECONFLICT. */
/* Adds sh to the lead sh->lead_id (sets sh->id). */
kz_status kz_pipe_add_stakeholder(kz_session *s, kz_stakeholder *sh, kz_err *err);
/* Applies FIELD=VALUE (name, role, title, email, phone, note) to one. */
kz_status kz_pipe_set_stakeholder(kz_session *s, int64_t stakeholder_id, int64_t version,
                                  const char *const *assign, size_t n, kz_err *err);
kz_status kz_pipe_remove_stakeholder(kz_session *s, int64_t stakeholder_id, int64_t version,
                                     kz_err *err);

/* Undoes a change: `before` and `after` are the lead as read just before
 * and just after it (after's version is the one the change produced).
 * Every field the change set goes back to its value in `before` (stage,
 * the time it entered it, lost reason, status, next step, owner, custom
 * fields...); the lead is rescored. Someone else's change to one of those
 * fields since is KZ_ECONFLICT (nothing is written); their changes to other
 * fields stay. Activities logged stay logged. The events it logs are an
 * undo (kz_store_mark_undo): the change undone counts in no report. */
kz_status kz_pipe_restore(kz_session *s, const kz_lead *before, const kz_lead *after,
                          kz_err *err);

/* Rescores one lead (writes only when something changed). */
kz_status kz_pipe_rescore(kz_session *s, int64_t id, kz_err *err);
/* Rescores every lead in batches; progress(done, total, ud) may be NULL. */
typedef void (*kz_progress_fn)(int64_t done, int64_t total, void *ud);
kz_status kz_pipe_rescore_all(kz_session *s, kz_progress_fn progress, void *ud,
                              int64_t *changed, kz_err *err);
/* One step of kz_pipe_rescore_due for an event loop: at most 200 due
 * leads, and KZ_EBUSY at once (nothing written) when another process
 * holds the write lock, rather than waiting for it; the next call goes on. */
kz_status kz_pipe_rescore_due_now(kz_session *s, int64_t *changed, kz_err *err);

/* Brings every lead whose score is due (kz_store_rescore_due) up to date
 * as of the session's clock; *changed (may be NULL) counts the leads whose
 * score changed. The board calls it when it opens and as time passes, and
 * the CLI before commands that show scores. */
kz_status kz_pipe_rescore_due(kz_session *s, int64_t *changed, kz_err *err);
/* Explains the stored score of a lead: brings it up to date first when it
 * is due (and the store is writable), then scores it as of now, or, when
 * it stays due, as of when it was computed (score_at), so the explanation
 * and the stored score are one number. */
kz_status kz_pipe_explain(kz_session *s, int64_t id, kz_lead *lead, kz_score *out,
                          kz_err *err);

/* Presence: a board announces itself with a heartbeat (at least every
 * KZ_PRESENCE_BEAT seconds) naming the lead open in its detail view (0:
 * none). Entries older than KZ_PRESENCE_STALE seconds, or of processes on
 * this host that no longer exist, are ignored: a crashed board leaves no
 * lock behind. */
#define KZ_PRESENCE_BEAT 10
#define KZ_PRESENCE_STALE 30
kz_status kz_presence_announce(kz_session *s, int64_t lead_id, kz_err *err);
kz_status kz_presence_leave(kz_session *s, kz_err *err);
/* The entries of the other boards open, at most cap: not this process's,
 * nor stale ones, nor those of processes on this host that no longer
 * exist (and on PostgreSQL, not those whose session is gone). */
kz_status kz_presence_list_others(kz_session *s, kz_presence *out, size_t cap, size_t *n,
                                  kz_err *err);
/* The other people who have lead_id open (lead_id 0: who has a board
 * open), deduplicated, at most cap names. */
kz_status kz_presence_others(kz_session *s, int64_t lead_id, char (*names)[KZ_USER_MAX],
                             size_t cap, size_t *n, kz_err *err);

/* Stale: idle in its stage longer than the stage allows and no future
 * next step. idle_days/limit are set for the "idle 19 days, limit 14" note. */
bool kz_lead_is_stale(const kz_rules *r, const kz_lead *lead, int64_t now, int *idle_days,
                      int *limit);
bool kz_lead_is_overdue(const kz_lead *lead, int today);

#endif
