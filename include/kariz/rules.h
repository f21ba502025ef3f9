/* rules.h - the team's scoring rules and pipeline, loaded from YAML
 * (see docs/rules.md and kariz-rules(5)), and the scoring engine.
 *
 * A kz_rules is immutable once loaded and owns every string it hands out.
 * Scoring is pure: no I/O and no allocation per lead. */
#ifndef KARIZ_RULES_H
#define KARIZ_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kariz/buf.h"
#include "kariz/model.h"
#include "kariz/status.h"

typedef struct kz_rules kz_rules;

typedef enum kz_criterion {
    KZ_CRIT_PAIN,
    KZ_CRIT_INTEREST,
    KZ_CRIT_FIT,
    KZ_CRIT_BUDGET,
    KZ_CRIT_AUTHORITY,
    KZ_CRIT_NEED,
    KZ_CRIT_TIMELINE,
    KZ_CRIT__COUNT
} kz_criterion;

const char *kz_criterion_name(kz_criterion c); /* "pain", "interest", ... */
/* The lead field that stores a criterion's subtotal (KZ_F_PAIN ...). */
kz_field kz_criterion_field(kz_criterion c);

/* ---- loading ---- */

/* Parses rules from a buffer; `name` is used in messages (FILE:LINE:COL).
 * On failure *out is untouched and err says what and where. */
kz_status kz_rules_load_buffer(const char *name, const char *text, size_t len, kz_rules **out,
                               kz_err *err);
kz_status kz_rules_load_file(const char *path, kz_rules **out, kz_err *err);
/* Reads a rules file into text (reset first), refusing directories and
 * files over the size cap; what kz_rules_load_file parses. */
kz_status kz_rules_read_file(const char *path, kz_buf *text, kz_err *err);
/* The default rules.yaml compiled into the binary. */
const char *kz_rules_builtin_text(void);
size_t kz_rules_builtin_len(void);
kz_status kz_rules_load_builtin(kz_rules **out, kz_err *err);
void kz_rules_free(kz_rules *r);
/* Where the rules came from (path, or "built-in"). */
const char *kz_rules_origin(const kz_rules *r);

/* Which rules file is in force: cli_path, else $KARIZ_RULES, else the team
 * file beside the database (<dir of db>/rules.yaml), else built-in.
 * Writes the path (or "" for built-in) to path_out and a human reason
 * ("--rules", "$KARIZ_RULES", "team rules beside the database", "built-in
 * default") to why_out. */
void kz_rules_resolve(const char *cli_path, const char *db_path, char *path_out,
                      size_t path_len, const char **why_out);

/* ---- the pipeline the rules define ---- */
size_t kz_rules_stage_count(const kz_rules *r);
const kz_stage *kz_rules_stages(const kz_rules *r); /* array, funnel order */
const kz_stage *kz_rules_stage(const kz_rules *r, const char *name); /* NULL if unknown */
const kz_stage *kz_rules_first_stage(const kz_rules *r); /* where new leads start */
/* The stage after/before `name` among open stages (NULL at the ends). */
const kz_stage *kz_rules_next_stage(const kz_rules *r, const char *name);
const kz_stage *kz_rules_prev_stage(const kz_rules *r, const char *name);
const kz_stage *kz_rules_won_stage(const kz_rules *r);
const kz_stage *kz_rules_lost_stage(const kz_rules *r);
/* "lead, prospect, ..." for error messages; owned by r. */
const char *kz_rules_stage_names(const kz_rules *r);

/* The currency money is shown in (`currency:`, a code or a symbol), ""
 * when the rules name none; owned by r. */
const char *kz_rules_currency(const kz_rules *r);
/* Hands the team's display settings (calendar:, digits:, bidi:,
 * direction:, each optional) to kz_prefs_team: called when the rules in
 * force load, so that rules which fail to load leave the last good ones. */
kz_status kz_rules_apply_prefs(const kz_rules *r, kz_err *err);
size_t kz_rules_lost_reason_count(const kz_rules *r);
const char *kz_rules_lost_reason(const kz_rules *r, size_t i);
/* A lost reason or status in words for menus ("no budget"); owned by r. */
const char *kz_rules_lost_reason_label(const kz_rules *r, size_t i);
const char *kz_rules_status_label(const kz_rules *r, size_t i);
size_t kz_rules_status_count(const kz_rules *r);
const char *kz_rules_status(const kz_rules *r, size_t i);
/* Stakeholder roles (stakeholder_roles:, or the default decision_maker,
 * economic_buyer, champion, influencer, user, blocker), in file order:
 * ids, labels in words, the index of an id (-1: none such), and
 * "decision_maker, economic_buyer, ..." for messages. Owned by r. */
size_t kz_rules_role_count(const kz_rules *r);
const char *kz_rules_role(const kz_rules *r, size_t i);
const char *kz_rules_role_label(const kz_rules *r, size_t i);
int kz_rules_role_index(const kz_rules *r, const char *role);
const char *kz_rules_role_names(const kz_rules *r);
/* Grade band for a score ("hot", "warm", "cold", ...). */
const char *kz_rules_grade_for(const kz_rules *r, int score);
size_t kz_rules_grade_count(const kz_rules *r);
const char *kz_rules_grade_name(const kz_rules *r, size_t i); /* best band first */

/* ---- scoring ---- */

#define KZ_SCORE_MAX_HITS 64

typedef struct kz_score_hit {
    kz_criterion crit;
    const char *rule; /* the rule's label, owned by the rules */
    int points;       /* after caps and decay */
    int count;        /* behaviour rules: matching activities counted */
    char matched[96]; /* the value that matched, truncated */
    int field;        /* the kz_field of the value that matched, -1: none or custom */
    bool limit_hit;   /* a regex hit its match limit: no verdict */
} kz_score_hit;

typedef struct kz_score {
    int total;                 /* clamped to the rules' score range */
    int sub[KZ_CRIT__COUNT];   /* per-criterion subtotals after caps */
    const char *grade;         /* owned by the rules */
    const char *persona;       /* best-matching persona, or NULL; owned by the rules */
    size_t nhits;
    kz_score_hit hits[KZ_SCORE_MAX_HITS];
    size_t hits_dropped;       /* hits past KZ_SCORE_MAX_HITS */
    int limit_errors;          /* rules whose regex hit a PCRE2 limit */
    int64_t at;                /* the time the score was computed for */
    int64_t due;               /* the earliest time after `at` at which the score can
                                * change with no change to the lead (a decaying term
                                * reaches its next rounded value, an activity leaves
                                * a rule's window, a date condition turns); 0: never */
} kz_score;

/* Scores a lead with its activities as of `now` (Unix seconds), and finds
 * when the score is next due (out->due): a lower bound, so that a score
 * recomputed before it is the same number. */
void kz_score_lead(const kz_rules *r, const kz_lead *lead, const kz_activity *acts,
                   size_t nacts, int64_t now, kz_score *out);
/* The lifecycle status the rules' automatic_statuses set for a lead with
 * these activities as of now (the first that holds), or NULL; *label (may
 * be NULL) gets the rule's label. Pure, like scoring. */
const char *kz_rules_auto_status(const kz_rules *r, const kz_lead *lead, const kz_activity *acts,
                                 size_t nacts, int64_t now, const char **label);

/* Marks in used[] every lead field a scoring condition reads (leaving the
 * other entries as they are); returns true when custom fields are read. */
bool kz_rules_fields_used(const kz_rules *r, bool used[KZ_F__COUNT]);

/* Copies score, grade, persona, subtotals and the time the score was
 * computed and is next due (score_at, score_due) into the lead's fields. */
void kz_score_apply(const kz_score *s, kz_lead *lead);

/* Checks the entry criteria of stage `to` for a lead with score s.
 * KZ_OK when allowed; KZ_EREFUSED with err naming each failed criterion
 * ("opportunity needs pain > 0 (has 0), fit > 0 (has -5)"). */
kz_status kz_rules_check_entry(const kz_rules *r, const kz_stage *to, const kz_lead *lead,
                               const kz_score *s, kz_err *err);

/* Same, with the clock given (date conditions on fields compare with the
 * day of `now`); kz_rules_check_entry uses the current time. */
kz_status kz_rules_check_entry_at(const kz_rules *r, const kz_stage *to, const kz_lead *lead,
                                  const kz_score *s, int64_t now, kz_err *err);
/* Appends the entry criteria of `stage` ("pain > 0, interest > 0, fit > 0";
 * nothing when the stage has none) to out. */
void kz_rules_describe_entry(const kz_rules *r, const kz_stage *stage, kz_buf *out);

/* ---- text for `kariz score --explain` and `kariz rules check` ----
 * Both append to out (owned by the caller). Values from data and rules are
 * written as they are (JSON-escaped in the JSON); sanitise before display. */

/* The explanation of a score as one JSON object:
 * {"id":N,"score":N,"grade":"warm","persona":"it_director"|null,
 *  "rules":"ORIGIN","subtotals":{"pain":N,...,"timeline":N},
 *  "hits":[{"criterion":"pain","rule":"LABEL","points":N,"count":N,
 *           "matched":"VALUE","limit_hit":false},...],
 *  "hits_dropped":N,"limit_errors":N}
 * "id" appears when lead (may be NULL) has an ID. Invalid UTF-8 in values
 * becomes U+FFFD. */
void kz_score_explain_json(const kz_rules *r, const kz_lead *lead, const kz_score *s, kz_buf *out);
/* A one-screen, human summary of the rules: origin, score range and grade
 * bands, rules per criterion and caps, personas, custom fields, stages with
 * probabilities, staleness and entry criteria, lost reasons, statuses and
 * the number of patterns. */
void kz_rules_summary(const kz_rules *r, kz_buf *out);

/* ---- words from other CRMs' exports (kariz import) ----
 * Both compare case-, space- and punctuation-insensitively (kz_fold_key). */

/* The account the rules' owners: map gives a person's name or e-mail, or
 * NULL; owned by r. */
const char *kz_rules_owner_alias(const kz_rules *r, const char *name);
/* What the rules' stage_map: says a stage or status word means: true with
 * *stage, *status and *lost_reason (each may be NULL; owned by r), false
 * when the map does not name the word. */
bool kz_rules_stage_word(const kz_rules *r, const char *word, const char **stage,
                         const char **status, const char **lost_reason);

/* Declared custom fields and personas, in file order (NULL past the end). */
size_t kz_rules_custom_field_count(const kz_rules *r);
const char *kz_rules_custom_field(const kz_rules *r, size_t i);
size_t kz_rules_persona_count(const kz_rules *r);
const char *kz_rules_persona_name(const kz_rules *r, size_t i);

#endif
