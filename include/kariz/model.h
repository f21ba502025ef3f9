/* model.h - the data model of a sales pipeline: leads and their fields,
 * activities (touches), stakeholders, events and stages.
 *
 * The lead field table (KZ_LEAD_FIELDS) is the one list of built-in fields:
 * the store builds its SQL from it, the CLI validates `set FIELD=VALUE`
 * with it, rules name fields through it and exports write it. A field that
 * is not in the table is a custom field. Database column name == field name. */
#ifndef KARIZ_MODEL_H
#define KARIZ_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kariz/status.h"

/* Field value types.
 *   TEXT, USER, STAGE: txt only.
 *   INT:   num only (whole number).
 *   MONEY: num only, in minor units (cents): "12500.50" <-> 1250050.
 *   DATE:  txt "YYYY-MM-DD" and num = days since 1970-01-01.
 *   TIME:  num only, Unix seconds (UTC). */
typedef enum kz_ftype {
    KZ_FT_TEXT,
    KZ_FT_INT,
    KZ_FT_MONEY,
    KZ_FT_DATE,
    KZ_FT_TIME,
    KZ_FT_USER,
    KZ_FT_STAGE
} kz_ftype;

/* Field flags. */
#define KZ_FF_RO 1u     /* computed or maintained by kariz: not settable */
#define KZ_FF_MOVE 2u   /* changed through move/won/lost, not `set` */
#define KZ_FF_SEARCH 4u /* part of the search text */

/*  X(ENUM,        name,            type,  flags,            help) */
#define KZ_LEAD_FIELDS(X)                                                                  \
    X(ID, "id", INT, KZ_FF_RO, "lead number")                                              \
    X(NAME, "name", TEXT, KZ_FF_SEARCH, "person's full name")                              \
    X(TITLE, "title", TEXT, 0, "job title")                                                \
    X(COMPANY, "company", TEXT, KZ_FF_SEARCH, "organisation")                              \
    X(INDUSTRY, "industry", TEXT, 0, "organisation's industry")                            \
    X(EMPLOYEES, "employees", INT, 0, "organisation size in employees")                    \
    X(REVENUE, "revenue", MONEY, 0, "organisation's annual revenue")                       \
    X(COUNTRY, "country", TEXT, 0, "country or region")                                    \
    X(CITY, "city", TEXT, 0, "city")                                                       \
    X(EMAIL, "email", TEXT, KZ_FF_SEARCH, "e-mail address")                                \
    X(PHONE, "phone", TEXT, 0, "phone number")                                             \
    X(VALUE, "value", MONEY, 0, "deal value")                                              \
    X(CURRENCY, "currency", TEXT, 0, "currency of the deal value (ISO code)")              \
    X(CLOSE_DATE, "close_date", DATE, 0, "expected close date")                            \
    X(PROBABILITY, "probability", INT, 0, "win probability override in percent")           \
    X(OWNER, "owner", USER, 0, "owning salesperson (Unix account)")                        \
    X(STAGE, "stage", STAGE, KZ_FF_MOVE, "pipeline stage")                                 \
    X(STATUS, "status", TEXT, 0, "lifecycle status")                                       \
    X(SOURCE, "source", TEXT, 0, "where the lead came from")                               \
    X(NEXT_STEP, "next_step", TEXT, 0, "the next thing to do")                             \
    X(NEXT_DUE, "next_due", DATE, 0, "when the next step is due")                          \
    X(SCORE, "score", INT, KZ_FF_RO, "lead score")                                         \
    X(GRADE, "grade", TEXT, KZ_FF_RO, "score band (hot, warm, cold...)")                   \
    X(PAIN, "pain", INT, KZ_FF_RO, "pain subtotal")                                        \
    X(INTEREST, "interest", INT, KZ_FF_RO, "interest subtotal")                            \
    X(FIT, "fit", INT, KZ_FF_RO, "fit subtotal")                                           \
    X(BUDGET, "budget", INT, KZ_FF_RO, "BANT budget subtotal")                             \
    X(AUTHORITY, "authority", INT, KZ_FF_RO, "BANT authority subtotal")                    \
    X(NEED, "need", INT, KZ_FF_RO, "BANT need subtotal")                                   \
    X(TIMELINE, "timeline", INT, KZ_FF_RO, "BANT timeline subtotal")                       \
    X(PERSONA, "persona", TEXT, KZ_FF_RO, "best-matching buyer persona")                   \
    X(LOST_REASON, "lost_reason", TEXT, KZ_FF_MOVE, "why the deal was lost")               \
    X(LOST_FROM, "lost_from", STAGE, KZ_FF_MOVE, "stage the deal was lost from")           \
    X(STAGE_ENTERED, "stage_entered", TIME, KZ_FF_RO, "when the lead entered its stage")   \
    X(TOUCHED, "touched", TIME, KZ_FF_RO, "last activity or change")                       \
    X(CREATED, "created", TIME, KZ_FF_RO, "when the lead was created")                     \
    X(UPDATED, "updated", TIME, KZ_FF_RO, "last save")                                     \
    X(IMPORT_ID, "import_id", INT, KZ_FF_RO, "the import that created the lead")           \
    X(VERSION, "version", INT, KZ_FF_RO, "save counter for conflict detection")            \
    X(SCORE_AT, "score_at", TIME, KZ_FF_RO, "when the stored score was computed")          \
    X(SCORE_DUE, "score_due", TIME, KZ_FF_RO, "when the score can next change by itself")

typedef enum kz_field {
#define KZ_X_ENUM(e, n, t, f, h) KZ_F_##e,
    KZ_LEAD_FIELDS(KZ_X_ENUM)
#undef KZ_X_ENUM
        KZ_F__COUNT
} kz_field;

typedef struct kz_field_info {
    const char *name;
    kz_ftype type;
    unsigned flags;
    const char *help;
} kz_field_info;

const kz_field_info *kz_field_get(kz_field f);
/* Whether a field holds text (else a number). */
bool kz_field_is_text(kz_field f);
/* Field by name (exact, lower case); -1 when it is not a built-in field. */
int kz_field_lookup(const char *name);
/* True when `name` is acceptable as a custom field name: [a-z0-9_][a-z0-9_.-]*,
 * at most 64 bytes, not a built-in field. */
bool kz_custom_name_ok(const char *name);

typedef struct kz_custom {
    char *name;  /* owned */
    char *value; /* owned */
} kz_custom;

#define KZ_LEAD_ROLES_MAX 256

/* One lead. Text values are owned by the lead; kz_lead_reset keeps their
 * capacity so a lead reused in a loop (scoring, listing) stops allocating. */
typedef struct kz_lead {
    unsigned char has[KZ_F__COUNT]; /* field is present (not NULL) */
    int64_t num[KZ_F__COUNT];
    char *txt[KZ_F__COUNT]; /* owned; for TEXT/USER/STAGE/DATE fields */
    size_t txtcap[KZ_F__COUNT];
    kz_custom *custom; /* owned array, ncustom used, capcustom allocated */
    size_t ncustom, capcustom;
    /* The roles of the lead's stakeholders, each once, separated by spaces
     * ("champion decision_maker"; "" when none is known): read by the store
     * with the lead, for rules and the card's markers. Not a field. */
    char roles[KZ_LEAD_ROLES_MAX];
} kz_lead;

/* Whether role is one of lead->roles. */
bool kz_lead_has_role(const kz_lead *l, const char *role);

void kz_lead_init(kz_lead *l);
void kz_lead_free(kz_lead *l);
void kz_lead_reset(kz_lead *l); /* clears every value, keeps capacity */
void kz_lead_copy(kz_lead *dst, const kz_lead *src);

bool kz_lead_has(const kz_lead *l, kz_field f);
const char *kz_lead_text(const kz_lead *l, kz_field f); /* NULL when absent */
int64_t kz_lead_num(const kz_lead *l, kz_field f);     /* 0 when absent */
void kz_lead_set_text(kz_lead *l, kz_field f, const char *s); /* NULL clears */
void kz_lead_set_textn(kz_lead *l, kz_field f, const char *s, size_t n);
void kz_lead_set_num(kz_lead *l, kz_field f, int64_t v);
void kz_lead_set_date(kz_lead *l, kz_field f, int day); /* days since epoch */
void kz_lead_clear(kz_lead *l, kz_field f);

const char *kz_lead_custom(const kz_lead *l, const char *name); /* NULL if absent */
/* value NULL (or "") removes the custom field. */
void kz_lead_set_custom(kz_lead *l, const char *name, const char *value);

/* Parses `value` as text for the field called `name` and stores it; a name
 * that is not a built-in field sets a custom field. Read-only fields and
 * malformed values are refused with a message naming the field and what was
 * expected. An empty value clears the field. Does not check that stages or
 * users exist (the pipeline layer does). */
kz_status kz_lead_assign(kz_lead *l, const char *name, const char *value, bool allow_ro,
                         kz_err *err);
/* A currency typed with an amount (value=€5k) sets the lead's currency
 * (kz_lead_assign). When one change also names the currency itself, the
 * two must agree: KZ_OK when the assignment `amount` ("value=€5k") names
 * no currency or the one `named` (the currency= value as typed) names,
 * else KZ_EINVAL quoting both. */
kz_status kz_lead_currency_clash(const char *named, const char *amount, kz_err *err);
/* Canonical text of a field ("" when absent): money as 12500.50 (trailing .00
 * dropped), dates as YYYY-MM-DD, times as YYYY-MM-DDTHH:MM:SSZ. */
void kz_lead_format(const kz_lead *l, kz_field f, char *out, size_t outlen);
/* The field as a person reads it: as kz_lead_format, with dates and times
 * in the calendar in force and numbers in its digits (kz_day_show,
 * kz_time_show, kz_digits_show). Never for CSV, JSON or events. */
void kz_lead_show(const kz_lead *l, kz_field f, char *out, size_t outlen);

/* Value parsers shared by the CLI, import and rules (money: money.h). */
kz_status kz_parse_int(const char *s, int64_t *out);   /* KZ_EINVAL when not whole */

/* ---- activities (touches) ---- */

#define KZ_ACTIVITY_KINDS(X)                                                                 \
    X(CALL, "call", "phone", "a phone call")                                                 \
    X(EMAIL, "email", "email", "an e-mail")                                                  \
    X(MEETING, "meeting", "in_person", "a meeting or demo")                                  \
    X(WEB, "web", "web", "a web visit (pricing page, ad click, download)")                   \
    X(FORM, "form", "web", "a web form submission")                                          \
    X(CHAT, "chat", "chat", "a chat conversation")                                           \
    X(SMS, "sms", "sms", "a text message")                                                   \
    X(NOTE, "note", "", "a note")

#define KZ_ACTIVITY_OUTCOMES(X)                                                              \
    X(NONE, "none", "no particular outcome")                                                 \
    X(ANSWERED, "answered", "call answered")                                                 \
    X(NO_ANSWER, "no_answer", "call not answered")                                           \
    X(CALL_BACK, "call_back", "asked to be called back later")                               \
    X(VOICEMAIL, "voicemail", "left a voicemail")                                            \
    X(SENT, "sent", "message sent")                                                          \
    X(REPLIED, "replied", "they replied")                                                    \
    X(OPENED, "opened", "they opened the message")                                           \
    X(CLICKED, "clicked", "they clicked a link or ad")                                       \
    X(BOUNCED, "bounced", "the message bounced")                                             \
    X(HELD, "held", "the meeting took place")                                                \
    X(NO_SHOW, "no_show", "they did not show up")                                            \
    X(VISITED, "visited", "they visited a page")                                             \
    X(ASKED_PRICE, "asked_price", "they asked for a price")                                  \
    X(REQUESTED_INFO, "requested_info", "they asked for product information")                \
    X(NOT_INTERESTED, "not_interested", "they said they are not interested")

/* Returns the default channel of an activity kind, or NULL for an unknown kind. */
const char *kz_activity_kind_channel(const char *kind);
bool kz_activity_outcome_ok(const char *outcome);
/* Whether outcome can happen to a touch of this kind: a call is answered,
 * never replied to; an e-mail is replied to, never answered. */
bool kz_activity_outcome_fits(const char *kind, const char *outcome);
/* "call, email, ..." lists for error messages (static strings). */
const char *kz_activity_kinds_list(void);
const char *kz_activity_outcomes_list(void);
/* The outcomes a touch of kind can have, "none, answered, ..." (static;
 * "" for an unknown kind). */
const char *kz_activity_outcomes_for(const char *kind);

/* The name a misspelt field name most likely meant: the closest of the
 * built-in fields and the nextra names in extra, when it is at most two
 * edits away (one for names of four letters or fewer; a transposition is
 * one edit; case is ignored). NULL when nothing is that close or name is
 * itself one of them. */
const char *kz_field_suggest(const char *name, const char *const *extra, size_t nextra);
/* The same for any names: the closest of the n names in cands (borrowed;
 * the one returned is one of them), by the same distance. */
const char *kz_name_suggest(const char *name, const char *const *cands, size_t n);

#define KZ_USER_MAX 33 /* Unix account names are at most 32 bytes */

typedef struct kz_activity {
    int64_t id;
    int64_t lead_id;
    int64_t at; /* Unix seconds */
    char kind[16];
    char channel[16];
    char outcome[24];
    char author[KZ_USER_MAX];
    char *note; /* owned; may be NULL */
    int64_t stakeholder_id; /* the stakeholder it was with; 0: none */
    char with_role[48];     /* that stakeholder's role as read ("" when none) */
    char *with_name; /* owned; that stakeholder's name, as kz_store_activities reads it
                        (NULL: none, or not read) */
} kz_activity;

typedef struct kz_activity_list {
    kz_activity *v; /* owned */
    size_t n, cap;
} kz_activity_list;
void kz_activity_list_free(kz_activity_list *l);
void kz_activity_list_clear(kz_activity_list *l); /* keeps capacity */
kz_activity *kz_activity_list_push(kz_activity_list *l);

/* ---- stakeholders ---- */

/* Whether role has the shape of a role id (1 to 47 of a-z, 0-9, _, starting
 * with a letter). Which roles exist is the rules' stakeholder_roles
 * (kz_rules_role_index). */
bool kz_stakeholder_role_ok(const char *role);

/* The stakeholder fields `kariz stakeholder set` and the board edit. */
#define KZ_STAKEHOLDER_FIELDS "name, role, title, email, phone, note"

typedef struct kz_stakeholder {
    int64_t id;
    int64_t lead_id;
    char *name, *role, *title, *email, *phone, *note; /* owned; may be NULL */
    int64_t created, updated; /* Unix seconds; 0 when unknown */
    int64_t last_touch;       /* the latest activity with them (0: none), as read */
} kz_stakeholder;

/* The text of a stakeholder field by name (NULL for an unknown name or an
 * absent value); kz_stakeholder_set_field sets one (NULL or "" clears;
 * the name cannot be cleared). */
const char *kz_stakeholder_field(const kz_stakeholder *s, const char *name);
kz_status kz_stakeholder_set_field(kz_stakeholder *s, const char *name, const char *value,
                                   kz_err *err);
void kz_stakeholder_copy(kz_stakeholder *dst, const kz_stakeholder *src);
void kz_stakeholder_free(kz_stakeholder *s);

typedef struct kz_stakeholder_list {
    kz_stakeholder *v; /* owned */
    size_t n, cap;
} kz_stakeholder_list;
void kz_stakeholder_list_free(kz_stakeholder_list *l);
kz_stakeholder *kz_stakeholder_list_push(kz_stakeholder_list *l); /* zeroed */

/* ---- events: the append-only log ---- */

typedef struct kz_event {
    int64_t id;
    int64_t lead_id; /* 0 for events about no single lead (imports) */
    int64_t at;
    int64_t version; /* the lead's version after the change (0 if none) */
    char actor[KZ_USER_MAX];
    char kind[16];   /* create, field, stage, owner, grade, activity, stakeholder,
                        override, import, delete, rules */
    char *field;     /* owned; may be NULL */
    char *old_value; /* owned; may be NULL */
    char *new_value; /* owned; may be NULL */
    char *detail;    /* owned; may be NULL (free text or JSON) */
} kz_event;

typedef struct kz_event_list {
    kz_event *v; /* owned */
    size_t n, cap;
} kz_event_list;
void kz_event_list_free(kz_event_list *l);
kz_event *kz_event_list_push(kz_event_list *l);
/* An undo's event: it takes back an earlier change of its field (detail
 * "undo", written by a save after kz_store_mark_undo). */
bool kz_event_is_undo(const kz_event *e);
/* Pairs each undo event of v[0..n) (oldest first) with the change it took
 * back: by[i] is the index of the undo event that took back v[i], or -1.
 * An undo of a field setting it from A back to B takes back the latest
 * change of that field on the same lead, from B to A, not yet taken back. */
void kz_events_undone(const kz_event *v, size_t n, long *by);

/* ---- stages ---- */

typedef enum kz_stage_kind { KZ_STAGE_OPEN, KZ_STAGE_WON, KZ_STAGE_LOST } kz_stage_kind;
#define KZ_STAGE_KINDS 3
/* The kinds' names in rules files and the database, by kz_stage_kind. */
extern const char *const kz_stage_kind_names[KZ_STAGE_KINDS];

typedef struct kz_stage {
    const char *name;  /* key, e.g. "opportunity" (owned by whoever built the array) */
    const char *label; /* shown to people, e.g. "Opportunity" */
    int position;      /* order in the funnel, 0-based */
    int probability;   /* win probability in percent */
    int stale_days;    /* most idle days before a lead counts as stale; 0 = never */
    kz_stage_kind kind;
    /* label: as the rules file writes it, what the store records; NULL: label.
     * (label is the one shown: label_fa: when messages are in Persian) */
    const char *label_rules;
} kz_stage;

#endif
