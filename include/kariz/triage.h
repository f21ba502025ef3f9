/* triage.h - the queue of leads that need a decision now, and the record
 * of decisions made on it.
 *
 * A lead is in a person's queue when it is open, owned by them or
 * unassigned (by default), and any of:
 *   new      - nobody has triaged it and nobody has touched it yet;
 *   overdue  - its next step is past due;
 *   stale    - idle in its stage past the stage's limit (rules.yaml);
 *   regraded - its score band changed since it was last triaged.
 * Ordered by urgency: overdue first (the most overdue first), then by score. */
#ifndef KARIZ_TRIAGE_H
#define KARIZ_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kariz/pipeline.h"

#define KZ_TRIAGE_NEW 1u
#define KZ_TRIAGE_OVERDUE 2u
#define KZ_TRIAGE_STALE 4u
#define KZ_TRIAGE_REGRADED 8u

typedef struct kz_triage_item {
    int64_t id;
    unsigned why;     /* KZ_TRIAGE_* bits */
    int overdue_days; /* when overdue */
    int idle_days;    /* when stale: days without a touch or a stage move */
    int stale_limit;  /* when stale: the days its stage allows */
    const char *stage; /* when stale: the stage's label; borrowed from the rules */
    bool no_step;     /* when stale: no next step is set */
    int score;
} kz_triage_item;

typedef struct kz_triage_queue {
    kz_triage_item *v; /* owned */
    size_t n, cap;
} kz_triage_queue;

typedef struct kz_triage_opts {
    const char *owner;    /* whose queue (NULL: the session's actor) */
    bool with_unassigned; /* include unassigned leads (default true) */
    size_t limit;         /* 0: no limit */
    bool all_owners;      /* every owner's leads (owner and with_unassigned ignored) */
} kz_triage_opts;

/* Builds the queue. */
kz_status kz_triage_build(kz_session *s, const kz_triage_opts *o, kz_triage_queue *q,
                          kz_err *err);
void kz_triage_queue_free(kz_triage_queue *q);
/* Why the lead is in the queue, in words: "overdue 4d", "idle 30d in
 * Prospect (allows 14d), no next step", "new", "band changed". A lead idle
 * past its stage's limit is not "new", however untouched. out needs 320
 * bytes for every reason at once (a stage label is at most 200). */
void kz_triage_why(const kz_triage_item *it, char *out, size_t outlen);

/* Records that the session's actor triaged lead id (decided or skipped):
 * it leaves the "new" and "regraded" reasons behind. */
kz_status kz_triage_mark(kz_session *s, int64_t id, const char *decision, kz_err *err);
/* Undoes kz_triage_mark: the actor's last decision on lead id no longer
 * counts, so the lead is back in the queue for the reasons it had. */
kz_status kz_triage_unmark(kz_session *s, int64_t id, kz_err *err);

/* Where the person left off, and how many decisions they made in the
 * current pass; kept per user in the database. */
typedef struct kz_triage_progress {
    int64_t last_id;   /* the last lead decided on (0: none) */
    int64_t decisions; /* decisions made in this pass */
} kz_triage_progress;
kz_status kz_triage_progress_get(kz_session *s, kz_triage_progress *p, kz_err *err);
kz_status kz_triage_progress_set(kz_session *s, const kz_triage_progress *p, kz_err *err);
/* Index of the first queue item after the one last decided on (0 when
 * none or not found): resuming where the person left off. */
size_t kz_triage_resume_index(const kz_triage_queue *q, const kz_triage_progress *p);

#endif
