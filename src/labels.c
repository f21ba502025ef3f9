/* labels.c - words for kariz's internal names (see labels.h). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kariz/i18n.h"
#include "kariz/dates.h"
#include "kariz/labels.h"

#include "kariz/i18n.h"
#include "kariz/money.h"
#include "kariz/prefs.h"

/* The words of kariz's own keys, for the message catalogue: kz_label_key
 * looks its words up there, so these read in the user's language (a
 * team's own keys read as their words). */
static const char *const own_words[] = {
    /* lead fields */
    N_("id"), N_("name"), N_("title"), N_("company"), N_("industry"), N_("employees"),
    N_("revenue"), N_("country"), N_("city"), N_("email"), N_("phone"), N_("value"),
    N_("currency"), N_("close date"), N_("probability"), N_("owner"), N_("stage"),
    N_("status"), N_("source"), N_("next step"), N_("next due"), N_("score"), N_("grade"),
    N_("pain"), N_("interest"), N_("fit"), N_("budget"), N_("authority"), N_("need"),
    N_("timeline"), N_("persona"), N_("lost reason"), N_("lost from"), N_("stage entered"),
    N_("touched"), N_("created"), N_("updated"), N_("import id"), N_("version"),
    N_("score at"), N_("score due"),
    /* activity kinds and outcomes */
    N_("call"), N_("meeting"), N_("web"), N_("form"), N_("chat"), N_("sms"), N_("note"),
    N_("answered"), N_("no answer"), N_("call back"), N_("voicemail"), N_("sent"),
    N_("replied"), N_("opened"), N_("clicked"), N_("bounced"), N_("held"), N_("no show"),
    N_("visited"), N_("asked price"), N_("requested info"), N_("not interested"),
    /* stakeholder roles */
    N_("champion"), N_("decision maker"), N_("influencer"), N_("user"), N_("gatekeeper"),
    N_("contact"),
    /* the default lost reasons and statuses */
    N_("price"), N_("no budget"), N_("no decision"), N_("competitor"), N_("timing"),
    N_("unresponsive"), N_("other"), N_("subscriber"), N_("lead"), N_("unqualified"),
    N_("qualified"), N_("call back later"), N_("opportunity"), N_("lost opportunity"),
    N_("customer"), N_("former customer"), N_("evangelist"), N_("friends and family"),
    /* the velocity report's bottleneck measures */
    N_("longest wait"), N_("most leads"),
};

void kz_label_key(const char *key, kz_buf *out)
{
    kz_buf words = KZ_BUF_INIT;
    for (const char *p = key ? key : ""; *p; p++)
        kz_buf_putc(&words, *p == '_' ? ' ' : *p);
    const char *w = kz_buf_str(&words);
    for (size_t i = 0; i < sizeof own_words / sizeof own_words[0]; i++)
        if (strcmp(own_words[i], w) == 0) {
            w = _(own_words[i]);
            break;
        }
    kz_buf_puts(out, w);
    kz_buf_free(&words);
}

const char *kz_label_criterion(kz_criterion c)
{
    return _(kz_criterion_name(c)); /* among own_words */
}

static bool is(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

void kz_label_value(const kz_rules *r, const char *field, const char *value, kz_buf *out)
{
    if (!value || !*value) {
        kz_buf_puts(out, _("(none)"));
        return;
    }
    int f = field ? kz_field_lookup(field) : -1;
    int day;
    int64_t num;
    if (f == KZ_F_STAGE || f == KZ_F_LOST_FROM) {
        const kz_stage *st = r ? kz_rules_stage(r, value) : NULL;
        if (st && st->label)
            kz_buf_puts(out, st->label);
        else
            kz_label_key(value, out);
    } else if (f == KZ_F_LOST_REASON || f == KZ_F_STATUS) {
        /* the rules' words for it (in the message language), else the key in words */
        bool lost = f == KZ_F_LOST_REASON;
        size_t n = r ? (lost ? kz_rules_lost_reason_count(r) : kz_rules_status_count(r)) : 0, i;
        for (i = 0; i < n; i++)
            if (strcmp(value, lost ? kz_rules_lost_reason(r, i) : kz_rules_status(r, i)) == 0)
                break;
        if (i < n)
            kz_buf_puts(out, lost ? kz_rules_lost_reason_label(r, i) : kz_rules_status_label(r, i));
        else
            kz_label_key(value, out);
    } else if (f < 0 && field && strcmp(field, "role") == 0) { /* a stakeholder's role */
        int i = r ? kz_rules_role_index(r, value) : -1;
        if (i >= 0)
            kz_buf_puts(out, kz_rules_role_label(r, (size_t)i));
        else
            kz_label_key(value, out);
    } else if (f >= 0 && kz_field_get((kz_field)f)->type == KZ_FT_MONEY) {
        int64_t cents;
        char buf[64];
        if (kz_money_parse(value, &cents, NULL) == KZ_OK) {
            kz_money_full(cents, r ? kz_rules_currency(r) : NULL, buf, sizeof buf);
            kz_buf_puts(out, buf);
        } else {
            kz_buf_puts(out, value);
        }
    } else if (f >= 0 && kz_field_get((kz_field)f)->type == KZ_FT_DATE &&
               kz_day_parse_iso(value, &day) == KZ_OK) {
        char buf[KZ_DATE_TEXT]; /* in the calendar in force */
        kz_day_show(day, buf, sizeof buf);
        kz_buf_puts(out, buf);
    } else if (f >= 0 && kz_field_get((kz_field)f)->type == KZ_FT_INT &&
               kz_parse_int(value, &num) == KZ_OK) {
        char buf[64];
        snprintf(buf, sizeof buf, "%" PRId64, num);
        kz_digits_show(buf, sizeof buf);
        kz_buf_puts(out, buf);
    } else {
        kz_buf_puts(out, value);
    }
}

void kz_label_activity(const char *kind, const char *outcome, kz_buf *out)
{
    if (!outcome || !*outcome || strcmp(outcome, "none") == 0) {
        kz_label_key(kind, out);
        return;
    }
    kz_buf k = KZ_BUF_INIT, o = KZ_BUF_INIT; /* owned */
    kz_label_key(kind, &k);
    kz_label_key(outcome, &o);
    /* TRANSLATORS: an activity and its outcome ("call, no answer") */
    kz_buf_printf(out, _("%s, %s"), kz_buf_str(&k), kz_buf_str(&o));
    kz_buf_free(&k);
    kz_buf_free(&o);
}

const char *kz_label_event_kind(const char *kind)
{
    static const char *const words[][2] = {
        {"create", N_("created")},       {"field", N_("changed")},    {"stage", N_("moved")},
        {"owner", N_("assigned")},       {"grade", N_("regraded")},   {"activity", N_("logged")},
        {"stakeholder", N_("stakeholder")}, {"override", N_("override")},
        {"import", N_("imported")},      {"delete", N_("deleted")},   {"rules", N_("rules")},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (is(kind, words[i][0]))
            return _(words[i][1]);
    return _("changed");
}

void kz_label_event(const kz_rules *r, const kz_event *e, kz_buf *out)
{
    if (is(e->kind, "create")) {
        kz_buf_puts(out, e->new_value ? e->new_value : _("(no name)"));
        if (e->detail) {
            kz_buf_puts(out, _(" in "));
            kz_label_value(r, "stage", e->detail, out);
        }
        return;
    }
    if (is(e->kind, "activity")) {
        kz_label_activity(e->field, e->new_value, out);
        if (e->detail && *e->detail)
            kz_buf_printf(out, ": %s", e->detail);
        return;
    }
    if (is(e->kind, "stakeholder")) {
        /* field "stakeholder.ID" (added or removed) or "stakeholder.ID.FIELD" */
        const char *dot = e->field ? strchr(e->field, '.') : NULL;
        const char *attr = dot ? strchr(dot + 1, '.') : NULL;
        if (attr) {
            kz_buf_printf(out, "%s: ", e->detail ? e->detail : "");
            kz_label_key(attr + 1, out);
            kz_buf_puts(out, ": ");
            kz_label_value(r, attr + 1, e->old_value, out);
            kz_buf_puts(out, " -> ");
            kz_label_value(r, attr + 1, e->new_value, out);
            return;
        }
        const char *who = e->new_value ? e->new_value : e->old_value;
        kz_buf_printf(out, e->new_value ? _("added %s") : _("removed %s"), who ? who : "");
        if (e->detail && *e->detail) {
            kz_buf_puts(out, " (");
            kz_label_value(r, "role", e->detail, out);
            kz_buf_puts(out, ")");
        }
        return;
    }
    bool stage = is(e->kind, "stage") || (is(e->kind, "override") && is(e->field, "stage"));
    if (e->field && !stage && !is(e->kind, "grade")) {
        kz_label_key(e->field, out);
        kz_buf_puts(out, ": ");
    }
    if (e->old_value || e->new_value) {
        kz_label_value(r, e->field, e->old_value, out);
        kz_buf_puts(out, " -> ");
        kz_label_value(r, e->field, e->new_value, out);
    }
    if (e->detail && *e->detail)
        kz_buf_printf(out, "%s(%s)", out->len ? " " : "", e->detail);
}

/* s as compared: surrounding spaces dropped, runs of spaces and
 * underscores one space, ASCII letters in lower case. */
static void fold(const char *s, kz_buf *out)
{
    bool gap = false;
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == ' ' || *p == '_' || *p == '\t') {
            gap = out->len > 0;
            continue;
        }
        if (gap)
            kz_buf_putc(out, ' ');
        gap = false;
        kz_buf_putc(out, (char)tolower((unsigned char)*p));
    }
}

static bool folded_eq(const char *folded, const char *s)
{
    kz_buf b = KZ_BUF_INIT;
    fold(s, &b);
    bool eq = strcmp(folded, kz_buf_str(&b)) == 0;
    kz_buf_free(&b);
    return eq;
}

bool kz_label_matches(const char *typed, const char *id, const char *label)
{
    if (!typed || !id)
        return false;
    kz_buf t = KZ_BUF_INIT, words = KZ_BUF_INIT;
    fold(typed, &t);
    kz_label_key(id, &words);
    const char *f = kz_buf_str(&t);
    bool eq = *f && (folded_eq(f, id) || folded_eq(f, kz_buf_str(&words)) ||
                     (label && (folded_eq(f, label) || folded_eq(f, _(label)))));
    kz_buf_free(&t);
    kz_buf_free(&words);
    return eq;
}

/* The id among n (id, label) pairs got by at() that typed names. */
static const char *find(const char *typed, size_t n, const void *ctx,
                        const char *(*at)(const void *ctx, size_t i, const char **label))
{
    const char *label;
    for (size_t i = 0; typed && i < n; i++)
        if (strcmp(at(ctx, i, &label), typed) == 0)
            return at(ctx, i, &label);
    for (size_t i = 0; typed && i < n; i++) {
        const char *id = at(ctx, i, &label);
        if (kz_label_matches(typed, id, label))
            return id;
    }
    return NULL;
}

static const char *stage_at(const void *r, size_t i, const char **label)
{
    const kz_stage *st = &kz_rules_stages(r)[i];
    *label = st->label;
    return st->name;
}

static const char *reason_at(const void *r, size_t i, const char **label)
{
    *label = kz_rules_lost_reason_label(r, i);
    return kz_rules_lost_reason(r, i);
}

static const char *status_at(const void *r, size_t i, const char **label)
{
    *label = kz_rules_status_label(r, i);
    return kz_rules_status(r, i);
}

static const char *const kinds[] = {
#define KZ_X_KIND(e, n, c, h) n,
    KZ_ACTIVITY_KINDS(KZ_X_KIND)
#undef KZ_X_KIND
};

static const char *const outcomes[] = {
#define KZ_X_OUT(e, n, h) n,
    KZ_ACTIVITY_OUTCOMES(KZ_X_OUT)
#undef KZ_X_OUT
};

static const char *word_at(const void *list, size_t i, const char **label)
{
    *label = NULL;
    return ((const char *const *)list)[i];
}

const char *kz_label_find_stage(const kz_rules *r, const char *typed)
{
    return r ? find(typed, kz_rules_stage_count(r), r, stage_at) : NULL;
}

const char *kz_label_find_lost_reason(const kz_rules *r, const char *typed)
{
    return r ? find(typed, kz_rules_lost_reason_count(r), r, reason_at) : NULL;
}

const char *kz_label_find_status(const kz_rules *r, const char *typed)
{
    return r ? find(typed, kz_rules_status_count(r), r, status_at) : NULL;
}

const char *kz_label_find_kind(const char *typed)
{
    return find(typed, sizeof kinds / sizeof kinds[0], kinds, word_at);
}

const char *kz_label_find_outcome(const char *typed)
{
    return find(typed, sizeof outcomes / sizeof outcomes[0], outcomes, word_at);
}
