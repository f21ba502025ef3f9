/* model.c - the lead field table, lead values, and the small value types of
 * the data model (activities, stakeholders, events). */
#include "kariz/i18n.h"
#include "kariz/model.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/money.h"
#include "kariz/prefs.h"
#include "kariz/text.h"

static const kz_field_info field_info[KZ_F__COUNT] = {
#define KZ_X_INFO(e, n, t, f, h) [KZ_F_##e] = {n, KZ_FT_##t, f, h},
    KZ_LEAD_FIELDS(KZ_X_INFO)
#undef KZ_X_INFO
};

const char *const kz_stage_kind_names[KZ_STAGE_KINDS] = {"open", "won", "lost"};

const kz_field_info *kz_field_get(kz_field f)
{
    return (unsigned)f < KZ_F__COUNT ? &field_info[f] : NULL;
}

int kz_field_lookup(const char *name)
{
    for (int i = 0; i < KZ_F__COUNT; i++)
        if (strcmp(field_info[i].name, name) == 0)
            return i;
    return -1;
}

bool kz_custom_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 64 || kz_field_lookup(name) >= 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                  (i > 0 && (c == '.' || c == '-'));
        if (!ok)
            return false;
    }
    return true;
}

static bool is_text_type(kz_ftype t)
{
    return t == KZ_FT_TEXT || t == KZ_FT_USER || t == KZ_FT_STAGE || t == KZ_FT_DATE;
}

bool kz_field_is_text(kz_field f)
{
    return is_text_type(kz_field_get(f)->type);
}

void kz_lead_init(kz_lead *l)
{
    memset(l, 0, sizeof *l);
}

void kz_lead_free(kz_lead *l)
{
    for (int i = 0; i < KZ_F__COUNT; i++)
        free(l->txt[i]);
    for (size_t i = 0; i < l->capcustom; i++) {
        free(l->custom[i].name);
        free(l->custom[i].value);
    }
    free(l->custom);
    memset(l, 0, sizeof *l);
}

void kz_lead_reset(kz_lead *l)
{
    memset(l->has, 0, sizeof l->has);
    memset(l->num, 0, sizeof l->num);
    for (int i = 0; i < KZ_F__COUNT; i++)
        if (l->txt[i])
            l->txt[i][0] = '\0';
    l->ncustom = 0;
    l->roles[0] = '\0';
}

void kz_lead_copy(kz_lead *dst, const kz_lead *src)
{
    if (dst == src)
        return;
    kz_lead_reset(dst);
    for (int i = 0; i < KZ_F__COUNT; i++) {
        if (!src->has[i])
            continue;
        if (is_text_type(field_info[i].type))
            kz_lead_set_text(dst, (kz_field)i, src->txt[i]);
        dst->num[i] = src->num[i];
        dst->has[i] = 1;
    }
    for (size_t i = 0; i < src->ncustom; i++)
        kz_lead_set_custom(dst, src->custom[i].name, src->custom[i].value);
    memcpy(dst->roles, src->roles, sizeof dst->roles);
}

bool kz_lead_has_role(const kz_lead *l, const char *role)
{
    size_t n = strlen(role);
    for (const char *p = l->roles; n && (p = strstr(p, role)) != NULL; p += n)
        if ((p == l->roles || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

bool kz_lead_has(const kz_lead *l, kz_field f)
{
    return l->has[f] != 0;
}

const char *kz_lead_text(const kz_lead *l, kz_field f)
{
    return l->has[f] ? l->txt[f] : NULL;
}

int64_t kz_lead_num(const kz_lead *l, kz_field f)
{
    return l->has[f] ? l->num[f] : 0;
}

void kz_lead_set_textn(kz_lead *l, kz_field f, const char *s, size_t n)
{
    if (!s) {
        kz_lead_clear(l, f);
        return;
    }
    if (l->txtcap[f] < n + 1) {
        size_t cap = n + 1 < 32 ? 32 : n + 1;
        l->txt[f] = kz_xrealloc(l->txt[f], cap);
        l->txtcap[f] = cap;
    }
    memmove(l->txt[f], s, n);
    l->txt[f][n] = '\0';
    l->has[f] = 1;
    if (field_info[f].type == KZ_FT_DATE) {
        int day;
        l->num[f] = kz_day_parse_iso(l->txt[f], &day) == KZ_OK ? day : 0;
    }
}

void kz_lead_set_text(kz_lead *l, kz_field f, const char *s)
{
    if (!s)
        kz_lead_clear(l, f);
    else
        kz_lead_set_textn(l, f, s, strlen(s));
}

void kz_lead_set_num(kz_lead *l, kz_field f, int64_t v)
{
    l->num[f] = v;
    l->has[f] = 1;
}

void kz_lead_set_date(kz_lead *l, kz_field f, int day)
{
    char buf[16];
    kz_day_format(day, buf);
    kz_lead_set_text(l, f, buf);
}

void kz_lead_clear(kz_lead *l, kz_field f)
{
    l->has[f] = 0;
    l->num[f] = 0;
    if (l->txt[f])
        l->txt[f][0] = '\0';
}

const char *kz_lead_custom(const kz_lead *l, const char *name)
{
    for (size_t i = 0; i < l->ncustom; i++)
        if (strcmp(l->custom[i].name, name) == 0)
            return l->custom[i].value;
    return NULL;
}

static void set_owned(char **dst, const char *s)
{
    size_t n = strlen(s);
    *dst = kz_xrealloc(*dst, n + 1);
    memcpy(*dst, s, n + 1);
}

void kz_lead_set_custom(kz_lead *l, const char *name, const char *value)
{
    for (size_t i = 0; i < l->ncustom; i++) {
        if (strcmp(l->custom[i].name, name) != 0)
            continue;
        if (!value || !*value) {
            /* remove: rotate the slot (keeping its allocations) to the end */
            kz_custom gone = l->custom[i];
            memmove(&l->custom[i], &l->custom[i + 1], (l->ncustom - i - 1) * sizeof gone);
            l->custom[l->ncustom - 1] = gone;
            l->ncustom--;
        } else {
            set_owned(&l->custom[i].value, value);
        }
        return;
    }
    if (!value || !*value)
        return;
    if (l->ncustom == l->capcustom) {
        size_t cap = l->capcustom ? l->capcustom * 2 : 8;
        l->custom = kz_xrealloc(l->custom, cap * sizeof *l->custom);
        memset(l->custom + l->capcustom, 0, (cap - l->capcustom) * sizeof *l->custom);
        l->capcustom = cap;
    }
    kz_custom *c = &l->custom[l->ncustom++];
    set_owned(&c->name, name);
    set_owned(&c->value, value);
}

static kz_status parse_latin_int(const char *s, int64_t *out);

kz_status kz_parse_int(const char *s, int64_t *out)
{
    /* Persian and Arabic-Indic digits read as Latin ones */
    kz_buf latin = KZ_BUF_INIT; /* owned here */
    kz_status st = kz_text_latin_digits(&latin, s) ? parse_latin_int(kz_buf_str(&latin), out)
                                                   : parse_latin_int(s, out);
    kz_buf_free(&latin);
    return st;
}

static kz_status parse_latin_int(const char *s, int64_t *out)
{
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return KZ_EINVAL;
    /* accept thousands separators: 1,200 */
    char digits[32];
    size_t n = 0;
    const char *p = s;
    if (*p == '-' || *p == '+')
        digits[n++] = *p++;
    bool any = false;
    for (; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (n + 1 >= sizeof digits)
                return KZ_EINVAL;
            digits[n++] = *p;
            any = true;
        } else if (*p == ',' && any && isdigit((unsigned char)p[1])) {
            continue;
        } else if (isspace((unsigned char)*p)) {
            while (isspace((unsigned char)*p))
                p++;
            if (*p)
                return KZ_EINVAL;
            break;
        } else {
            return KZ_EINVAL;
        }
    }
    if (!any)
        return KZ_EINVAL;
    digits[n] = '\0';
    errno = 0;
    char *end;
    long long v = strtoll(digits, &end, 10);
    if (errno || *end)
        return KZ_EINVAL;
    *out = v;
    return KZ_OK;
}

kz_status kz_lead_assign(kz_lead *l, const char *name, const char *value, bool allow_ro,
                         kz_err *err)
{
    int f = kz_field_lookup(name);
    if (f < 0) {
        if (!kz_custom_name_ok(name))
            return kz_err_set(err, KZ_EINVAL,
                              _("field \"%s\": not a built-in field, and not a valid custom field "
                                "name (lower-case letters, digits, _ . -; at most 64 bytes)"),
                              name);
        kz_lead_set_custom(l, name, value);
        return KZ_OK;
    }
    const kz_field_info *fi = &field_info[f];
    if ((fi->flags & KZ_FF_RO) && !allow_ro)
        return kz_err_set(err, KZ_EINVAL, _("field \"%s\" is computed by kariz and cannot be set"),
                          name);
    if (!value || !*value) {
        kz_lead_clear(l, (kz_field)f);
        return KZ_OK;
    }
    int64_t v;
    switch (fi->type) {
    case KZ_FT_INT:
        if (kz_parse_int(value, &v) != KZ_OK)
            return kz_err_set(err, KZ_EINVAL, _("field \"%s\": \"%s\" is not a whole number"), name,
                              value);
        if (f == KZ_F_PROBABILITY && (v < 0 || v > 100))
            return kz_err_set(err, KZ_EINVAL,
                              _("field \"probability\": %" PRId64 " is outside 0..100 (percent)"),
                              v);
        if (f == KZ_F_EMPLOYEES && v < 0)
            return kz_err_set(err, KZ_EINVAL, _("field \"employees\": must not be negative"));
        kz_lead_set_num(l, (kz_field)f, v);
        return KZ_OK;
    case KZ_FT_MONEY: {
        char cur[KZ_CURRENCY_MAX];
        if (kz_money_parse_marker(value, &v, cur, sizeof cur, err) != KZ_OK) {
            kz_err_prefix(err, _("field \"%s\""), name);
            return KZ_EINVAL;
        }
        /* a currency typed with the amount is the lead's currency (that of
         * all its amounts): kept when it names the one the lead has, else
         * set to its code */
        const char *own = kz_lead_text(l, KZ_F_CURRENCY);
        if (*cur && !(own && kz_currency_same(own, cur))) {
            if (!kz_currency_known(cur))
                return kz_err_set(err, KZ_EINVAL,
                                  _("field \"%s\": \"%s\": %s is not a currency kariz knows "
                                    "(expected a code such as EUR or USD, or a symbol such as "
                                    "$ or \xe2\x82\xac)"),
                                  name, value, cur);
            char code[KZ_CURRENCY_MAX];
            kz_currency_code(cur, code, sizeof code);
            kz_lead_set_text(l, KZ_F_CURRENCY, code);
        }
        kz_lead_set_num(l, (kz_field)f, v);
        return KZ_OK;
    }
    case KZ_FT_DATE: {
        int day;
        if (kz_day_parse_date(value, &day) != KZ_OK)
            return kz_err_set(err, KZ_EINVAL, _("field \"%s\": \"%s\" is not a date (expected YYYY-MM-DD, or "
                                "a Solar Hijri date such as 1405/09/15)"),
                              name, value);
        kz_lead_set_date(l, (kz_field)f, day);
        return KZ_OK;
    }
    case KZ_FT_TIME: {
        if (kz_time_parse(value, &v) != KZ_OK)
            return kz_err_set(err, KZ_EINVAL,
                              _("field \"%s\": \"%s\" is not a time (expected YYYY-MM-DD HH:MM)"),
                              name, value);
        kz_lead_set_num(l, (kz_field)f, v);
        return KZ_OK;
    }
    case KZ_FT_USER:
        for (const char *p = value; *p; p++) {
            unsigned char c = (unsigned char)*p;
            if (!(isalnum(c) || c == '_' || c == '-' || c == '.') || p - value >= KZ_USER_MAX - 1)
                return kz_err_set(err, KZ_EINVAL,
                                  _("field \"%s\": \"%s\" is not a user name (expected a Unix "
                                    "account name)"),
                                  name, value);
        }
        kz_lead_set_text(l, (kz_field)f, value);
        return KZ_OK;
    case KZ_FT_TEXT:
    case KZ_FT_STAGE:
        kz_lead_set_text(l, (kz_field)f, value);
        return KZ_OK;
    }
    return KZ_OK;
}

kz_status kz_lead_currency_clash(const char *named, const char *amount, kz_err *err)
{
    const char *eq = strchr(amount, '=');
    int64_t cents;
    char cur[KZ_CURRENCY_MAX];
    if (!eq || kz_money_parse_marker(eq + 1, &cents, cur, sizeof cur, NULL) != KZ_OK || !*cur ||
        kz_currency_same(named, cur))
        return KZ_OK;
    return kz_err_set(err, KZ_EINVAL,
                      _("\"%s\" and \"currency=%s\" name different currencies; give one"),
                      amount, named);
}

void kz_lead_format(const kz_lead *l, kz_field f, char *out, size_t outlen)
{
    if (outlen == 0)
        return;
    out[0] = '\0';
    if (!l->has[f])
        return;
    switch (field_info[f].type) {
    case KZ_FT_INT:
        snprintf(out, outlen, "%" PRId64, l->num[f]);
        break;
    case KZ_FT_MONEY:
        kz_money_plain(l->num[f], out, outlen);
        break;
    case KZ_FT_TIME: {
        char buf[32];
        kz_time_format_iso(l->num[f], buf);
        snprintf(out, outlen, "%s", buf);
        break;
    }
    default:
        snprintf(out, outlen, "%s", l->txt[f] ? l->txt[f] : "");
        break;
    }
}

void kz_lead_show(const kz_lead *l, kz_field f, char *out, size_t outlen)
{
    kz_lead_format(l, f, out, outlen);
    const kz_prefs *p = kz_prefs_get();
    if (!out[0] || (p->calendar == KZ_CAL_GREGORIAN && p->digits == KZ_DIGITS_LATIN))
        return; /* the exact form is what a Gregorian, Latin reader sees */
    int day;
    if (field_info[f].type == KZ_FT_DATE && kz_day_parse_iso(out, &day) == KZ_OK)
        kz_day_show(day, out, outlen);
    else if (field_info[f].type == KZ_FT_TIME)
        kz_time_show(l->num[f], out, outlen);
    else if (field_info[f].type == KZ_FT_INT || field_info[f].type == KZ_FT_MONEY)
        kz_digits_show(out, outlen);
}

/* ---- activities ---- */

static const struct {
    const char *name, *channel;
} activity_kinds[] = {
#define KZ_X_KIND(e, n, c, h) {n, c},
    KZ_ACTIVITY_KINDS(KZ_X_KIND)
#undef KZ_X_KIND
};

static const char *const activity_outcomes[] = {
#define KZ_X_OUT(e, n, h) n,
    KZ_ACTIVITY_OUTCOMES(KZ_X_OUT)
#undef KZ_X_OUT
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *kz_activity_kind_channel(const char *kind)
{
    for (size_t i = 0; i < COUNT(activity_kinds); i++)
        if (strcmp(activity_kinds[i].name, kind) == 0)
            return activity_kinds[i].channel;
    return NULL;
}

bool kz_activity_outcome_ok(const char *outcome)
{
    for (size_t i = 0; i < COUNT(activity_outcomes); i++)
        if (strcmp(activity_outcomes[i], outcome) == 0)
            return true;
    return false;
}

const char *kz_activity_kinds_list(void)
{
    static char list[256];
    if (!list[0])
        for (size_t i = 0; i < COUNT(activity_kinds); i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     activity_kinds[i].name);
    return list;
}

/* The outcomes each kind of touch can have. */
static const struct {
    const char *kind;
    const char *const outcomes[12]; /* NULL-terminated */
} kind_outcomes[] = {
    {"call", {"none", "answered", "no_answer", "call_back", "voicemail", "asked_price",
              "requested_info", "not_interested"}},
    {"email", {"none", "sent", "replied", "opened", "clicked", "bounced", "asked_price",
               "requested_info", "not_interested"}},
    {"meeting", {"none", "held", "no_show", "asked_price", "requested_info", "not_interested"}},
    {"web", {"none", "visited", "clicked", "asked_price", "requested_info"}},
    {"form", {"none", "sent", "asked_price", "requested_info", "not_interested"}},
    {"chat", {"none", "answered", "no_answer", "replied", "asked_price", "requested_info",
              "not_interested"}},
    {"sms", {"none", "sent", "replied", "clicked", "bounced", "asked_price", "requested_info",
             "not_interested"}},
    {"note", {"none"}},
};

static int kind_index(const char *kind)
{
    for (size_t i = 0; i < COUNT(kind_outcomes); i++)
        if (strcmp(kind_outcomes[i].kind, kind) == 0)
            return (int)i;
    return -1;
}

bool kz_activity_outcome_fits(const char *kind, const char *outcome)
{
    int k = kind_index(kind);
    if (k < 0)
        return false;
    for (const char *const *o = kind_outcomes[k].outcomes; *o; o++)
        if (strcmp(*o, outcome) == 0)
            return true;
    return false;
}

const char *kz_activity_outcomes_for(const char *kind)
{
    static char lists[COUNT(kind_outcomes)][256];
    int k = kind_index(kind);
    if (k < 0)
        return "";
    char *list = lists[k];
    if (!list[0])
        for (const char *const *o = kind_outcomes[k].outcomes; *o; o++)
            snprintf(list + strlen(list), sizeof lists[k] - strlen(list), "%s%s",
                     o == kind_outcomes[k].outcomes ? "" : ", ", *o);
    return list;
}

/* Edit distance with transpositions (optimal string alignment), ignoring
 * case; stops early above limit (returns limit + 1). */
static int name_distance(const char *a, const char *b, int limit)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return limit + 1;
    if ((la > lb ? la - lb : lb - la) > (size_t)limit)
        return limit + 1;
    int d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            int cost = ca != cb;
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

const char *kz_field_suggest(const char *name, const char *const *extra, size_t nextra)
{
    const char **cands = kz_xcalloc(KZ_F__COUNT + nextra, sizeof *cands); /* owned */
    for (size_t i = 0; i < KZ_F__COUNT + nextra; i++)
        cands[i] = i < KZ_F__COUNT ? field_info[i].name : extra[i - KZ_F__COUNT];
    const char *best = kz_name_suggest(name, cands, KZ_F__COUNT + nextra);
    free(cands);
    return best;
}

const char *kz_name_suggest(const char *name, const char *const *cands, size_t n)
{
    int limit = strlen(name) <= 4 ? 1 : 2;
    const char *best = NULL;
    int best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cands[i], name) == 0)
            return NULL;
        int dist = name_distance(name, cands[i], limit);
        if (dist < best_d) {
            best_d = dist;
            best = cands[i];
        }
    }
    return best;
}

const char *kz_activity_outcomes_list(void)
{
    static char list[512];
    if (!list[0])
        for (size_t i = 0; i < COUNT(activity_outcomes); i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     activity_outcomes[i]);
    return list;
}

void kz_activity_list_clear(kz_activity_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].note);
        l->v[i].note = NULL;
        free(l->v[i].with_name);
        l->v[i].with_name = NULL;
    }
    l->n = 0;
}

void kz_activity_list_free(kz_activity_list *l)
{
    kz_activity_list_clear(l);
    free(l->v);
    memset(l, 0, sizeof *l);
}

kz_activity *kz_activity_list_push(kz_activity_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = kz_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    kz_activity *a = &l->v[l->n++];
    memset(a, 0, sizeof *a);
    return a;
}

/* ---- stakeholders ---- */

bool kz_stakeholder_role_ok(const char *role)
{
    size_t n = role ? strlen(role) : 0;
    if (n == 0 || n > 47 || !(role[0] >= 'a' && role[0] <= 'z'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((role[i] >= 'a' && role[i] <= 'z') || (role[i] >= '0' && role[i] <= '9') ||
              role[i] == '_'))
            return false;
    return true;
}

static char **sh_slot(kz_stakeholder *s, const char *name)
{
    if (strcmp(name, "name") == 0)
        return &s->name;
    if (strcmp(name, "role") == 0)
        return &s->role;
    if (strcmp(name, "title") == 0)
        return &s->title;
    if (strcmp(name, "email") == 0)
        return &s->email;
    if (strcmp(name, "phone") == 0)
        return &s->phone;
    if (strcmp(name, "note") == 0)
        return &s->note;
    return NULL;
}

const char *kz_stakeholder_field(const kz_stakeholder *s, const char *name)
{
    char **slot = sh_slot((kz_stakeholder *)s, name);
    return slot ? *slot : NULL;
}

kz_status kz_stakeholder_set_field(kz_stakeholder *s, const char *name, const char *value,
                                   kz_err *err)
{
    char **slot = sh_slot(s, name);
    if (!slot)
        return kz_err_set(err, KZ_EINVAL, _("stakeholder field \"%s\": no such field (fields: %s)"),
                          name, KZ_STAKEHOLDER_FIELDS);
    if (slot == &s->name && (!value || !*value))
        return kz_err_set(err, KZ_EINVAL, _("a stakeholder needs a name"));
    free(*slot);
    *slot = value && *value ? kz_xstrdup(value) : NULL;
    return KZ_OK;
}

void kz_stakeholder_free(kz_stakeholder *s)
{
    free(s->name);
    free(s->role);
    free(s->title);
    free(s->email);
    free(s->phone);
    free(s->note);
    memset(s, 0, sizeof *s);
}

void kz_stakeholder_copy(kz_stakeholder *dst, const kz_stakeholder *src)
{
    if (dst == src)
        return;
    kz_stakeholder_free(dst);
    *dst = *src;
    dst->name = src->name ? kz_xstrdup(src->name) : NULL;
    dst->role = src->role ? kz_xstrdup(src->role) : NULL;
    dst->title = src->title ? kz_xstrdup(src->title) : NULL;
    dst->email = src->email ? kz_xstrdup(src->email) : NULL;
    dst->phone = src->phone ? kz_xstrdup(src->phone) : NULL;
    dst->note = src->note ? kz_xstrdup(src->note) : NULL;
}

kz_stakeholder *kz_stakeholder_list_push(kz_stakeholder_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = kz_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    kz_stakeholder *s = &l->v[l->n++];
    memset(s, 0, sizeof *s);
    return s;
}

void kz_stakeholder_list_free(kz_stakeholder_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        kz_stakeholder_free(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ---- events ---- */

void kz_event_list_free(kz_event_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        kz_event *e = &l->v[i];
        free(e->field);
        free(e->old_value);
        free(e->new_value);
        free(e->detail);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

bool kz_event_is_undo(const kz_event *e)
{
    return e->detail && strcmp(e->kind, "create") != 0 && strcmp(e->detail, "undo") == 0;
}

static bool same_opt(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

void kz_events_undone(const kz_event *v, size_t n, long *by)
{
    for (size_t i = 0; i < n; i++)
        by[i] = -1;
    /* (the list may be in time order: "before" and "latest" go by the
     * order of saving, the id, then the place in the list) */
    for (size_t i = 0; i < n; i++) {
        if (!kz_event_is_undo(&v[i]) || !v[i].field)
            continue;
        size_t best = n;
        for (size_t j = 0; j < n; j++) {
            const kz_event *e = &v[j];
            bool before = e->id < v[i].id || (e->id == v[i].id && j < i);
            if (!before || by[j] >= 0 || kz_event_is_undo(e) || e->lead_id != v[i].lead_id ||
                !same_opt(e->field, v[i].field) || strcmp(e->kind, v[i].kind) != 0)
                continue;
            if (best == n || e->id > v[best].id || (e->id == v[best].id && j > best))
                best = j;
        }
        /* only the latest change of the field can be the one undone */
        if (best < n && same_opt(v[best].old_value, v[i].new_value) &&
            same_opt(v[best].new_value, v[i].old_value))
            by[best] = (long)i;
    }
}

kz_event *kz_event_list_push(kz_event_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = kz_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    kz_event *e = &l->v[l->n++];
    memset(e, 0, sizeof *e);
    return e;
}
