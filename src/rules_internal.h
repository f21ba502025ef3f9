/* rules_internal.h - the compiled form of a rules file, shared by the loader
 * (rules.c) and the scoring engine (score.c). Private to the rules module.
 *
 * Ownership: every pointer inside a kz_rules is owned by it and released by
 * kz_rules_free: strings and arrays through the rules' allocation list
 * (kz_rules.owned), PCRE2 objects through their own free functions. */
#ifndef KARIZ_RULES_INTERNAL_H
#define KARIZ_RULES_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kariz/model.h"
#include "kariz/rules.h"

#define KZ_RULES_MAX_BYTES (1024 * 1024) /* largest rules file accepted */
#define KZ_RULES_MAX_DEPTH 16            /* deepest nesting of YAML collections */
#define KZ_RULES_MATCH_LIMIT 100000u     /* PCRE2 match limit per match */
#define KZ_RULES_DEPTH_LIMIT 2000u       /* PCRE2 backtracking depth limit */
#define KZ_RULES_HEAP_LIMIT 4096u        /* PCRE2 heap limit, KiB */

/* Condition tests (bits of kz_cond.ops). */
#define KZ_OP_EQUALS 0x001u   /* equals / one_of */
#define KZ_OP_MATCHES 0x002u  /* PCRE2 pattern */
#define KZ_OP_LO 0x004u       /* above / at_least / between */
#define KZ_OP_HI 0x008u       /* below / at_most / between */
#define KZ_OP_PRESENT 0x010u  /* present: true */
#define KZ_OP_ABSENT 0x020u   /* present: false / absent: true */
#define KZ_OP_WITHIN 0x040u   /* within_days */
#define KZ_OP_OLDER 0x080u    /* older_than_days */
#define KZ_OP_NEXT 0x100u     /* within_next_days */
#define KZ_OP_KIND 0x200u     /* kind: the stage's kind (stage, lost_from) */

/* Scratch for day tests on time fields: the Unix-time bounds of the tested
 * days, computed once per local day instead of once per lead. */
typedef struct kz_tbounds {
    bool valid;
    int day;
    int64_t within_lo, within_hi; /* [lo, hi) */
    int64_t older_hi;             /* t < older_hi */
    int64_t next_lo, next_hi;     /* [lo, hi) */
} kz_tbounds;

/* kz_cond.field for a condition on the lead's stakeholders
 * ("stakeholder: champion"): name is the role; ops PRESENT or ABSENT. */
#define KZ_COND_ROLE (-2)

typedef struct kz_cond {
    int field;          /* kz_field, -1 for a custom field, KZ_COND_ROLE */
    const char *name;   /* field name as written (custom fields: the key) */
    kz_ftype type;      /* custom fields behave as TEXT */
    unsigned ops;
    bool numeric_eq;    /* equals/one_of compare numbers (INT, MONEY fields) */
    const char **lits;  /* folded (lower-case ASCII) literals for equals/one_of */
    size_t *litlens;
    int64_t *nums;      /* numbers for equals/one_of on numeric fields */
    size_t nlits;
    double lo, hi;      /* bounds (money in minor units) */
    bool lo_strict, hi_strict;
    int within, older, next; /* days */
    pcre2_code *re;
    const char *pattern;
    bool icase;
    unsigned kinds;     /* KZ_OP_KIND: bit k for kz_stage_kind k */
    kz_tbounds *tb; /* time fields with day tests; scratch owned by the rules */
} kz_cond;

typedef struct kz_rule {
    kz_criterion crit;
    const char *label;
    int points;
    kz_cond *when; /* all must hold */
    size_t nwhen;
    bool behaviour;   /* has an activity: block */
    uint32_t kinds, outcomes, channels; /* bit masks; 0 = any */
    uint32_t with;    /* stakeholder roles (bit i: the rules' role i) the touch was
                       * with; 0 = any touch */
    int within_days;  /* -1: any age */
    bool has_cap;
    int cap;          /* bound on the rule's total, same sign as points */
    double half_life; /* days; 0 = no decay */
} kz_rule;

typedef struct kz_persona {
    const char *name;
    const char *label;
    int points;
    kz_cond *when;
    size_t nwhen;
} kz_persona;

/* A lifecycle status the rules set by themselves when a lead's touches
 * match (e.g. three unanswered calls -> unresponsive). */
typedef struct kz_autostatus {
    const char *status; /* one of the rules' statuses */
    const char *label;
    kz_rule match;      /* activity filter (and optional when: conditions) */
    int at_least;       /* matching activities needed */
} kz_autostatus;

/* Entry criterion kinds. */
enum { KZ_ENTRY_CRIT, KZ_ENTRY_SCORE, KZ_ENTRY_GRADE, KZ_ENTRY_FIELD };
/* Comparisons. */
enum { KZ_CMP_GT, KZ_CMP_GE, KZ_CMP_LT, KZ_CMP_LE, KZ_CMP_EQ };

typedef struct kz_entry {
    int kind;
    kz_criterion crit;
    int cmp;
    int value;
    uint32_t grades; /* KZ_ENTRY_GRADE: bit i = grade band i */
    kz_cond cond;    /* KZ_ENTRY_FIELD */
    const char *text; /* "pain > 0", "grade hot or warm", "value present" */
} kz_entry;

/* One entry of owners: or stage_map: (key folded with kz_fold_key). */
typedef struct kz_word_map {
    const char *key;
    const char *account;     /* owners: */
    const char *stage;       /* stage_map: each may be NULL */
    const char *status;
    const char *lost_reason;
} kz_word_map;

typedef struct kz_grade {
    const char *name;
    bool has_min;
    int min;
} kz_grade;

typedef struct kz_crit_cfg {
    bool has_max, has_min;
    int max, min;
} kz_crit_cfg;

/* Per-behaviour-rule accumulators used while scoring one lead. */
typedef struct kz_acc {
    int count;
    double sum;
    const kz_activity *last;
    int64_t next; /* the earliest time after now at which an activity enters
                   * its decay (a future one) or leaves the window; 0: none */
} kz_acc;

struct kz_rules {
    const char *origin;
    int score_min, score_max;
    kz_grade *grades;
    size_t ngrades;
    kz_crit_cfg crit[KZ_CRIT__COUNT];
    kz_rule *rules;
    size_t nrules;
    size_t nbehaviour;
    kz_persona *personas;
    size_t npersonas;
    const char **custom;
    size_t ncustom;
    kz_stage *stages;
    kz_entry **entries; /* per stage */
    size_t *nentries;
    size_t nstages;
    const char *stage_names;
    const char **lost_reasons;
    size_t nlost;
    const char *currency; /* "" when the rules name none */
    /* calendar:, digits:, bidi:, direction: (NULL when not set) */
    const char *calendar, *digits, *bidi, *direction;
    const char **lost_labels;   /* per lost reason, in words */
    const char **status_labels; /* per status, in words */
    const char **lost_labels_fa;   /* per lost reason, its label_fa: or NULL */
    const char **status_labels_fa; /* per status, its label_fa: or NULL */
    const char **statuses;
    size_t nstatuses;
    const char **roles;       /* stakeholder role ids, at most 32 */
    const char **role_labels; /* per role, as people read it */
    size_t nroles;
    const char *role_names;   /* "decision_maker, champion, ..." */
    kz_autostatus *autos;
    size_t nautos;
    kz_word_map *owner_words;  /* owners: folded name or e-mail -> account */
    size_t nowner_words;
    kz_word_map *stage_words;  /* stage_map: folded word -> stage / status / reason */
    size_t nstage_words;
    size_t npatterns;
    bool jit;

    /* PCRE2 state: compiled once at load; match data preallocated. */
    pcre2_code **codes;
    size_t ncodes, capcodes;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jstack;
    pcre2_match_data *md;

    kz_acc *acc; /* scratch, nrules entries; scoring is single-threaded per kz_rules */
    /* scratch: the local day of the last `now` scored and the span of Unix
     * times it covers, so scoring many leads asks the time zone once a day */
    bool day_valid;
    int day;
    int64_t day_lo, day_hi;

    void **owned; /* every other allocation */
    size_t nowned, capowned;
};

/* Activity vocabulary indexes (for bit masks). -1 when unknown. */
int kz_rules_kind_index(const char *kind);
int kz_rules_outcome_index(const char *outcome);
int kz_rules_channel_index(const char *channel);
const char *kz_rules_channels_list(void);

/* Evaluates one condition; sets *limit when a pattern hit a PCRE2 limit
 * (the condition then counts as holding). When matched is not NULL, the
 * value that matched is copied there (truncated to mlen-1 bytes). */
bool kz_cond_eval(const kz_rules *r, const kz_cond *c, const kz_lead *lead, int today,
                  int64_t now, bool *limit, char *matched, size_t mlen);

#endif
