/* score.c - the scoring engine: evaluates compiled rules against a lead and
 * its activities, checks stage entry criteria, and writes explanations and
 * summaries as text into a kz_buf.
 *
 * kz_score_lead allocates nothing: PCRE2 match data, the JIT stack and the
 * per-rule accumulators were created when the rules were loaded (so scoring
 * is single-threaded per kz_rules). The text functions append to the
 * caller's kz_buf, which owns its bytes. */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/model.h"
#include "kariz/money.h"
#include "kariz/rules.h"
#include "kariz/status.h"
#include "kariz/text.h"
#include "rules_internal.h"

/* ---- conditions ---- */

static bool eq_fold(const char *s, size_t n, const char *lit, size_t litlen)
{
    if (n != litlen)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = s[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != lit[i])
            return false;
    }
    return true;
}

static void copy_matched(char *out, size_t outlen, const char *s, size_t n)
{
    if (!out || !outlen)
        return;
    if (n > outlen - 1)
        n = outlen - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

static bool parse_custom_number(const char *s, double *out)
{
    if (s[strspn(s, "+-.0123456789eE ")] != '\0') /* decimal only: no hex, inf or nan */
        return false;
    char *end;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (end == s || *end || v != v)
        return false;
    *out = v;
    return true;
}

bool kz_cond_eval(const kz_rules *r, const kz_cond *c, const kz_lead *lead, int today,
                  int64_t now, bool *limit, char *matched, size_t mlen)
{
    const char *txt = NULL;
    bool has;
    int64_t num = 0;
    if (c->field == KZ_COND_ROLE) {
        has = kz_lead_has_role(lead, c->name);
        if (has && matched && mlen)
            snprintf(matched, mlen, "%s", c->name);
        return (c->ops & KZ_OP_ABSENT) ? !has : has;
    }
    if (c->field >= 0) {
        has = lead->has[c->field] != 0;
        txt = lead->txt[c->field];
        num = lead->num[c->field];
        if (has && !txt && c->type != KZ_FT_INT && c->type != KZ_FT_MONEY &&
            c->type != KZ_FT_TIME)
            txt = "";
    } else {
        txt = kz_lead_custom(lead, c->name);
        has = txt && txt[0];
    }
    if (c->ops & KZ_OP_ABSENT)
        return !has;
    if (!has)
        return false;
    size_t tlen = txt ? strlen(txt) : 0;
    const char *mstart = txt;
    size_t mlenv = tlen;
    if (c->ops & KZ_OP_EQUALS) {
        bool hit = false;
        for (size_t i = 0; i < c->nlits && !hit; i++)
            hit = c->numeric_eq ? num == c->nums[i] : eq_fold(txt, tlen, c->lits[i], c->litlens[i]);
        if (!hit)
            return false;
    }
    if (c->ops & KZ_OP_KIND) {
        /* a stage the rules do not name (renamed since) is open, as the
         * board and the accounts count it */
        const kz_stage *st = kz_rules_stage(r, txt);
        if (!(c->kinds & (1u << (st ? st->kind : KZ_STAGE_OPEN))))
            return false;
    }
    if (c->ops & (KZ_OP_LO | KZ_OP_HI)) {
        double v;
        if (c->field >= 0)
            v = (double)num;
        else if (!parse_custom_number(txt, &v))
            return false;
        if (c->ops & KZ_OP_LO) {
            if (c->lo_strict ? !(v > c->lo) : !(v >= c->lo))
                return false;
        }
        if (c->ops & KZ_OP_HI) {
            if (c->hi_strict ? !(v < c->hi) : !(v <= c->hi))
                return false;
        }
    }
    if (c->tb) {
        kz_tbounds *b = c->tb;
        if (!b->valid || b->day != today) {
            b->within_lo = kz_day_start(today - c->within);
            b->within_hi = kz_day_start(today + c->within + 1);
            b->older_hi = kz_day_start(today - c->older);
            b->next_lo = kz_day_start(today);
            b->next_hi = kz_day_start(today + c->next + 1);
            b->day = today;
            b->valid = true;
        }
        if ((c->ops & KZ_OP_WITHIN) && (num < b->within_lo || num >= b->within_hi))
            return false;
        if ((c->ops & KZ_OP_OLDER) && num >= b->older_hi)
            return false;
        if ((c->ops & KZ_OP_NEXT) && (num < b->next_lo || num >= b->next_hi))
            return false;
    } else if (c->ops & (KZ_OP_WITHIN | KZ_OP_OLDER | KZ_OP_NEXT)) {
        int day;
        if (c->type == KZ_FT_DATE)
            day = (int)num;
        else if (c->type == KZ_FT_TIME)
            day = kz_day_from_time(num);
        else if (kz_day_parse_iso(txt, &day) != KZ_OK)
            return false;
        if ((c->ops & KZ_OP_WITHIN) && (day < today - c->within || day > today + c->within))
            return false;
        if ((c->ops & KZ_OP_OLDER) && !(day < today - c->older))
            return false;
        if ((c->ops & KZ_OP_NEXT) && (day < today || day > today + c->next))
            return false;
    }
    if (c->ops & KZ_OP_MATCHES) {
        int rc = pcre2_match(c->re, (PCRE2_SPTR)txt, tlen, 0, 0, r->md, r->mctx);
        if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
            rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT ||
            rc == PCRE2_ERROR_NOMEMORY) {
            if (limit)
                *limit = true;
        } else if (rc < 0) {
            return false;
        } else {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
            if (ov[0] <= ov[1] && ov[1] <= tlen) {
                mstart = txt + ov[0];
                mlenv = ov[1] - ov[0];
            }
        }
    }
    if (matched && mlen) {
        if (c->field >= 0 && c->type == KZ_FT_INT && mlen >= 24) {
            char tmp[24];
            size_t n = 0;
            uint64_t u = num < 0 ? (uint64_t)0 - (uint64_t)num : (uint64_t)num;
            do {
                tmp[n++] = (char)('0' + u % 10);
                u /= 10;
            } while (u);
            if (num < 0)
                tmp[n++] = '-';
            for (size_t i = 0; i < n; i++)
                matched[i] = tmp[n - 1 - i];
            matched[n] = '\0';
        } else if (c->field >= 0 && (c->type == KZ_FT_INT || c->type == KZ_FT_MONEY ||
                                     c->type == KZ_FT_TIME))
            kz_lead_format(lead, (kz_field)c->field, matched, mlen);
        else
            copy_matched(matched, mlen, mstart ? mstart : "", mstart ? mlenv : 0);
    }
    return true;
}

/* ---- scoring ---- */

static void add_hit(kz_score *out, kz_criterion crit, const char *label, int points, int count,
                    const char *matched, int field, bool limit)
{
    if (out->nhits >= KZ_SCORE_MAX_HITS) {
        out->hits_dropped++;
        return;
    }
    kz_score_hit *h = &out->hits[out->nhits++];
    h->crit = crit;
    h->rule = label;
    h->points = points;
    h->count = count;
    copy_matched(h->matched, sizeof h->matched, matched, strlen(matched));
    h->field = field >= 0 && field < KZ_F__COUNT ? field : -1;
    h->limit_hit = limit;
}

/* All conditions hold? The first condition's value goes to matched. */
static bool all_hold(const kz_rules *r, const kz_cond *cs, size_t n, const kz_lead *lead,
                     int today, int64_t now, bool *limit, char *matched, size_t mlen)
{
    matched[0] = '\0';
    for (size_t i = 0; i < n; i++)
        if (!kz_cond_eval(r, &cs[i], lead, today, now, limit, i == 0 ? matched : NULL,
                          i == 0 ? mlen : 0))
            return false;
    return true;
}

/* Keeps the earlier of *due and t (0 means none). */
static void due_min(int64_t *due, int64_t t)
{
    if (t > 0 && (*due == 0 || t < *due))
        *due = t;
}

static void accumulate(const kz_rules *r, const kz_activity *acts, size_t nacts, int64_t now)
{
    kz_acc *acc = r->acc;
    for (size_t i = 0; i < r->nrules; i++) {
        acc[i].count = 0;
        acc[i].sum = 0;
        acc[i].last = NULL;
        acc[i].next = 0;
    }
    for (size_t a = 0; a < nacts; a++) {
        const kz_activity *act = &acts[a];
        int ki = kz_rules_kind_index(act->kind);
        int oi = kz_rules_outcome_index(act->outcome);
        int ci = kz_rules_channel_index(act->channel);
        uint32_t kb = ki >= 0 ? 1u << ki : 0, ob = oi >= 0 ? 1u << oi : 0,
                 cb = ci >= 0 ? 1u << ci : 0;
        int wi = act->with_role[0] ? kz_rules_role_index(r, act->with_role) : -1;
        uint32_t wb = wi >= 0 ? 1u << wi : 0;
        double age = (double)(now - act->at) / 86400.0;
        if (age < 0)
            age = 0;
        for (size_t i = 0; i < r->nrules; i++) {
            const kz_rule *ru = &r->rules[i];
            if (!ru->behaviour || (ru->kinds && !(ru->kinds & kb)) ||
                (ru->outcomes && !(ru->outcomes & ob)) || (ru->channels && !(ru->channels & cb)) ||
                (ru->with && !(ru->with & wb)))
                continue;
            if (ru->within_days >= 0 && act->at < now - (int64_t)ru->within_days * 86400)
                continue;
            if (ru->within_days >= 0)
                due_min(&acc[i].next, act->at + (int64_t)ru->within_days * 86400 + 1);
            if (act->at > now && ru->half_life > 0)
                due_min(&acc[i].next, act->at);
            acc[i].count++;
            acc[i].sum += ru->half_life > 0 ? ru->points * exp2(-age / ru->half_life) : ru->points;
            if (!acc[i].last || act->at >= acc[i].last->at)
                acc[i].last = act;
        }
    }
}

/* Local day of now, cached in the rules' scratch. */
static int today_of(const kz_rules *r, int64_t now);

const char *kz_rules_auto_status(const kz_rules *r, const kz_lead *lead, const kz_activity *acts,
                                 size_t nacts, int64_t now, const char **label)
{
    for (size_t i = 0; i < r->nautos; i++) {
        const kz_autostatus *au = &r->autos[i];
        const kz_rule *ru = &au->match;
        int count = 0;
        for (size_t a = 0; a < nacts; a++) {
            const kz_activity *act = &acts[a];
            int ki = kz_rules_kind_index(act->kind);
            int oi = kz_rules_outcome_index(act->outcome);
            int ci = kz_rules_channel_index(act->channel);
            int wi = act->with_role[0] ? kz_rules_role_index(r, act->with_role) : -1;
            if ((ru->kinds && (ki < 0 || !(ru->kinds & (1u << ki)))) ||
                (ru->outcomes && (oi < 0 || !(ru->outcomes & (1u << oi)))) ||
                (ru->channels && (ci < 0 || !(ru->channels & (1u << ci)))) ||
                (ru->with && (wi < 0 || !(ru->with & (1u << wi)))))
                continue;
            if (ru->within_days >= 0 && act->at < now - (int64_t)ru->within_days * 86400)
                continue;
            count++;
        }
        if (count < au->at_least)
            continue;
        bool limit = false;
        char matched[8];
        if (ru->nwhen &&
            !all_hold(r, ru->when, ru->nwhen, lead, today_of(r, now), now, &limit, matched,
                      sizeof matched))
            continue;
        if (label)
            *label = au->label;
        return au->status;
    }
    return NULL;
}

static int today_of(const kz_rules *r, int64_t now)
{
    kz_rules *m = (kz_rules *)r; /* scratch only */
    if (!m->day_valid || now < m->day_lo || now >= m->day_hi) {
        m->day = kz_today(now);
        m->day_lo = kz_day_start(m->day);
        m->day_hi = kz_day_start(m->day + 1);
        m->day_valid = now >= m->day_lo && now < m->day_hi;
    }
    return m->day;
}

static void put_activity(char *out, size_t outlen, const kz_activity *a)
{
    size_t kn = strnlen(a->kind, sizeof a->kind), on = strnlen(a->outcome, sizeof a->outcome);
    if (kn + 1 + on + 1 > outlen)
        return;
    memcpy(out, a->kind, kn);
    out[kn] = ' ';
    memcpy(out + kn + 1, a->outcome, on);
    out[kn + 1 + on] = '\0';
}

/* The day value a date test of c reads from the lead; false when it has
 * none (the test fails, and keeps failing while the lead is unchanged). */
static bool cond_day(const kz_cond *c, const kz_lead *lead, int *day)
{
    if (c->field >= 0) {
        if (!lead->has[c->field])
            return false;
        if (c->type == KZ_FT_DATE) {
            *day = (int)lead->num[c->field];
            return true;
        }
        if (c->type == KZ_FT_TIME) {
            *day = kz_day_from_time(lead->num[c->field]);
            return true;
        }
        const char *txt = lead->txt[c->field];
        return txt && kz_day_parse_iso(txt, day) == KZ_OK;
    }
    const char *txt = kz_lead_custom(lead, c->name);
    return txt && txt[0] && kz_day_parse_iso(txt, day) == KZ_OK;
}

/* Keeps in *next the earliest day after today on which a date test of c
 * can change its verdict for this lead. */
static void cond_next_day(const kz_cond *c, const kz_lead *lead, int today, int *next)
{
    if (!(c->ops & (KZ_OP_WITHIN | KZ_OP_OLDER | KZ_OP_NEXT)))
        return;
    int d;
    if (!cond_day(c, lead, &d))
        return;
    /* within: d-w <= today <= d+w; older: today > d+o; next: d-n <= today <= d */
    int turns[5] = {0};
    int n = 0;
    if (c->ops & KZ_OP_WITHIN) {
        turns[n++] = d - c->within;
        turns[n++] = d + c->within + 1;
    }
    if (c->ops & KZ_OP_OLDER)
        turns[n++] = d + c->older + 1;
    if (c->ops & KZ_OP_NEXT) {
        turns[n++] = d - c->next;
        turns[n++] = d + 1;
    }
    for (int i = 0; i < n; i++)
        if (turns[i] > today && turns[i] < *next)
            *next = turns[i];
}

/* When a decaying sum `sum` (all its activities' ages growing together, so
 * the sum halves every half_life days), now held at `pts` after rounding
 * and cap, first rounds to another value: when |sum| falls below |pts| - 0.5.
 * 0 when it never does (pts is 0). Rounded down to the second, and a
 * second early, so that it is never later than the change. */
static int64_t decay_due(double sum, int pts, double half_life, int64_t now)
{
    if (pts == 0 || half_life <= 0)
        return 0;
    double a = fabs(sum), thr = fabs((double)pts) - 0.5;
    if (!(a > thr) || thr <= 0)
        return now + 1;
    double secs = half_life * 86400.0 * log2(a / thr);
    if (!(secs < 1e12))
        return 0;
    int64_t t = now + (int64_t)floor(secs) - 1;
    return t > now ? t : now + 1;
}

/* The earliest time after now at which any date condition of the rules and
 * personas turns for this lead: local midnight of that day when it is
 * tomorrow (cached with today), else up to two hours before it (clock
 * changes), so that scoring calls no mktime; 0: none. */
static int64_t dates_due(const kz_rules *r, const kz_lead *lead, int today)
{
    int next = INT_MAX;
    for (size_t i = 0; i < r->nrules; i++)
        for (size_t k = 0; k < r->rules[i].nwhen; k++)
            cond_next_day(&r->rules[i].when[k], lead, today, &next);
    for (size_t i = 0; i < r->npersonas; i++)
        for (size_t k = 0; k < r->personas[i].nwhen; k++)
            cond_next_day(&r->personas[i].when[k], lead, today, &next);
    if (next == INT_MAX)
        return 0;
    int64_t tomorrow = r->day_valid && r->day == today ? r->day_hi : kz_day_start(today + 1);
    return next == today + 1 ? tomorrow : tomorrow + (int64_t)(next - today - 1) * 86400 - 7200;
}

void kz_score_lead(const kz_rules *r, const kz_lead *lead, const kz_activity *acts, size_t nacts,
                   int64_t now, kz_score *out)
{
    out->total = 0;
    for (int i = 0; i < KZ_CRIT__COUNT; i++)
        out->sub[i] = 0;
    out->grade = NULL;
    out->persona = NULL;
    out->nhits = 0;
    out->hits_dropped = 0;
    out->limit_errors = 0;
    out->at = now;
    out->due = 0;
    int today = today_of(r, now);
    char m[96];
    long long sub[KZ_CRIT__COUNT] = {0}; /* wide: thousands of rules cannot overflow */
    if (r->nbehaviour)
        accumulate(r, acts, nacts, now);
    for (size_t i = 0; i < r->nrules; i++) {
        const kz_rule *ru = &r->rules[i];
        bool limit = false;
        if (!all_hold(r, ru->when, ru->nwhen, lead, today, now, &limit, m, sizeof m))
            continue;
        int pts = ru->points, count = 1;
        if (ru->behaviour) {
            const kz_acc *acc = &r->acc[i];
            due_min(&out->due, acc->next);
            if (!acc->count)
                continue;
            count = acc->count;
            double sum = acc->sum;
            if (ru->has_cap && (ru->cap < 0 ? sum < ru->cap : sum > ru->cap))
                sum = ru->cap;
            if (sum > 1e6) /* keep huge activity logs within int arithmetic */
                sum = 1e6;
            if (sum < -1e6)
                sum = -1e6;
            pts = (int)lround(sum);
            if (!limit)
                due_min(&out->due, decay_due(acc->sum, pts, ru->half_life, now));
            if (!ru->nwhen && acc->last)
                put_activity(m, sizeof m, acc->last);
        }
        if (limit) {
            out->limit_errors++;
            pts = 0;
        }
        sub[ru->crit] += pts;
        add_hit(out, ru->crit, ru->label, pts, count, m,
                ru->nwhen && m[0] ? ru->when[0].field : -1, limit);
    }
    const kz_persona *best = NULL;
    for (size_t i = 0; i < r->npersonas; i++) {
        const kz_persona *p = &r->personas[i];
        bool limit = false;
        if (!all_hold(r, p->when, p->nwhen, lead, today, now, &limit, m, sizeof m))
            continue;
        if (limit) {
            out->limit_errors++;
            add_hit(out, KZ_CRIT_FIT, p->label, 0, 1, p->name, -1, true);
            continue;
        }
        if (!best || p->points > best->points)
            best = p;
    }
    if (best) {
        out->persona = best->name;
        sub[KZ_CRIT_FIT] += best->points;
        add_hit(out, KZ_CRIT_FIT, best->label, best->points, 1, best->name, -1, false);
    }
    long total = 0;
    for (int c = 0; c < KZ_CRIT__COUNT; c++) {
        const kz_crit_cfg *cfg = &r->crit[c];
        out->sub[c] = sub[c] > 100000000    ? 100000000
                      : sub[c] < -100000000 ? -100000000
                                            : (int)sub[c];
        if (cfg->has_max && out->sub[c] > cfg->max)
            out->sub[c] = cfg->max;
        if (cfg->has_min && out->sub[c] < cfg->min)
            out->sub[c] = cfg->min;
        total += out->sub[c];
    }
    if (total < r->score_min)
        total = r->score_min;
    if (total > r->score_max)
        total = r->score_max;
    out->total = (int)total;
    out->grade = kz_rules_grade_for(r, out->total);
    due_min(&out->due, dates_due(r, lead, today));
}

void kz_score_apply(const kz_score *s, kz_lead *lead)
{
    kz_lead_set_num(lead, KZ_F_SCORE, s->total);
    kz_lead_set_text(lead, KZ_F_GRADE, s->grade);
    if (s->persona)
        kz_lead_set_text(lead, KZ_F_PERSONA, s->persona);
    else
        kz_lead_clear(lead, KZ_F_PERSONA);
    for (int c = 0; c < KZ_CRIT__COUNT; c++)
        kz_lead_set_num(lead, kz_criterion_field((kz_criterion)c), s->sub[c]);
    kz_lead_set_num(lead, KZ_F_SCORE_AT, s->at);
    if (s->due)
        kz_lead_set_num(lead, KZ_F_SCORE_DUE, s->due);
    else
        kz_lead_clear(lead, KZ_F_SCORE_DUE);
}

/* ---- describing conditions and entry criteria ---- */

static void put_number(kz_buf *b, const kz_cond *c, double v)
{
    if (c->type == KZ_FT_MONEY) {
        char tmp[48];
        kz_money_plain((int64_t)v, tmp, sizeof tmp);
        kz_buf_puts(b, tmp);
    } else {
        kz_buf_printf(b, "%.15g", v);
    }
}

static void describe_cond(kz_buf *b, const kz_cond *c)
{
    size_t start = b->len;
    if (c->field == KZ_COND_ROLE) {
        kz_buf_printf(b, (c->ops & KZ_OP_ABSENT) ? "no %s known" : "a known %s", c->name);
        return;
    }
#define SEP() (b->len > start ? kz_buf_puts(b, " and ") : (void)0)
    if (c->ops & KZ_OP_PRESENT) {
        SEP();
        kz_buf_printf(b, _("%s present"), c->name);
    }
    if (c->ops & KZ_OP_ABSENT) {
        SEP();
        kz_buf_printf(b, _("%s absent"), c->name);
    }
    if (c->ops & KZ_OP_EQUALS) {
        SEP();
        kz_buf_printf(b, "%s %s ", c->name, c->nlits > 1 ? _("one of") : "=");
        for (size_t i = 0; i < c->nlits; i++) {
            if (i)
                kz_buf_puts(b, ", ");
            if (c->numeric_eq)
                put_number(b, c, (double)c->nums[i]);
            else
                kz_buf_puts(b, c->lits[i]);
        }
    }
    if (c->ops & KZ_OP_MATCHES) {
        SEP();
        kz_buf_printf(b, _("%s matches /%s/%s"), c->name, c->pattern, c->icase ? "i" : "");
    }
    if (c->ops & KZ_OP_LO) {
        SEP();
        kz_buf_printf(b, "%s %s ", c->name, c->lo_strict ? ">" : ">=");
        put_number(b, c, c->lo);
    }
    if (c->ops & KZ_OP_HI) {
        SEP();
        kz_buf_printf(b, "%s %s ", c->name, c->hi_strict ? "<" : "<=");
        put_number(b, c, c->hi);
    }
    if (c->ops & KZ_OP_WITHIN) {
        SEP();
        kz_buf_printf(b, _("%s within %d days of today"), c->name, c->within);
    }
    if (c->ops & KZ_OP_OLDER) {
        SEP();
        kz_buf_printf(b, _("%s older than %d days"), c->name, c->older);
    }
    if (c->ops & KZ_OP_NEXT) {
        SEP();
        kz_buf_printf(b, _("%s within the next %d days"), c->name, c->next);
    }
    if (c->ops & KZ_OP_KIND) {
        char list[32] = "";
        for (unsigned k = 0; k < KZ_STAGE_KINDS; k++)
            if (c->kinds & (1u << k))
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         list[0] ? ", " : "", kz_stage_kind_names[k]);
        SEP();
        kz_buf_printf(b, _("%s of kind %s"), c->name, list);
    }
#undef SEP
}

static size_t stage_index(const kz_rules *r, const kz_stage *to)
{
    if (to >= r->stages && to < r->stages + r->nstages)
        return (size_t)(to - r->stages);
    for (size_t i = 0; i < r->nstages; i++)
        if (strcmp(r->stages[i].name, to->name) == 0)
            return i;
    return r->nstages;
}

static bool cmp_ok(int cmp, int have, int want)
{
    switch (cmp) {
    case KZ_CMP_GT: return have > want;
    case KZ_CMP_GE: return have >= want;
    case KZ_CMP_LT: return have < want;
    case KZ_CMP_LE: return have <= want;
    default: return have == want;
    }
}

static void describe_entry(kz_buf *b, const kz_entry *e)
{
    if (e->kind == KZ_ENTRY_FIELD)
        describe_cond(b, &e->cond);
    else
        kz_buf_puts(b, e->text);
}

void kz_rules_describe_entry(const kz_rules *r, const kz_stage *stage, kz_buf *out)
{
    size_t si = stage ? stage_index(r, stage) : r->nstages;
    if (si >= r->nstages)
        return;
    for (size_t i = 0; i < r->nentries[si]; i++) {
        if (i)
            kz_buf_puts(out, ", ");
        describe_entry(out, &r->entries[si][i]);
    }
}

kz_status kz_rules_check_entry(const kz_rules *r, const kz_stage *to, const kz_lead *lead,
                               const kz_score *s, kz_err *err)
{
    return kz_rules_check_entry_at(r, to, lead, s, (int64_t)time(NULL), err);
}

kz_status kz_rules_check_entry_at(const kz_rules *r, const kz_stage *to, const kz_lead *lead,
                                  const kz_score *s, int64_t now, kz_err *err)
{
    size_t si = to ? stage_index(r, to) : r->nstages;
    if (si >= r->nstages)
        return kz_err_set(err, KZ_EINVAL, _("unknown stage \"%s\" (stages: %s)"),
                          to && to->name ? to->name : "", r->stage_names);
    kz_buf b = KZ_BUF_INIT;
    int fails = 0;
    int today = kz_today(now);
    for (size_t i = 0; i < r->nentries[si]; i++) {
        const kz_entry *e = &r->entries[si][i];
        char has[120];
        bool ok;
        switch (e->kind) {
        case KZ_ENTRY_CRIT:
            ok = cmp_ok(e->cmp, s->sub[e->crit], e->value);
            snprintf(has, sizeof has, "%d", s->sub[e->crit]);
            break;
        case KZ_ENTRY_SCORE:
            ok = cmp_ok(e->cmp, s->total, e->value);
            snprintf(has, sizeof has, "%d", s->total);
            break;
        case KZ_ENTRY_GRADE: {
            ok = false;
            for (size_t g = 0; g < r->ngrades; g++)
                if ((e->grades & (1u << g)) && s->grade && strcmp(s->grade, r->grades[g].name) == 0)
                    ok = true;
            snprintf(has, sizeof has, "%s", s->grade ? s->grade : "none");
            break;
        }
        default: {
            bool limit = false;
            char val[96];
            ok = kz_cond_eval(r, &e->cond, lead, today, now, &limit, NULL, 0);
            const kz_cond *c = &e->cond;
            if (c->field == KZ_COND_ROLE) {
                snprintf(has, sizeof has, "%.100s", lead->roles[0] ? lead->roles : "none");
                break;
            }
            const char *txt = c->field >= 0 ? (lead->has[c->field] ? "" : NULL)
                                            : kz_lead_custom(lead, c->name);
            if (c->field >= 0 && lead->has[c->field])
                kz_lead_format(lead, (kz_field)c->field, val, sizeof val);
            else
                snprintf(val, sizeof val, "%s", txt ? txt : "");
            if (!txt || (c->field < 0 && !txt[0]))
                snprintf(has, sizeof has, "none");
            else
                snprintf(has, sizeof has, "\"%s\"", val);
            break;
        }
        }
        if (ok)
            continue;
        if (fails++)
            kz_buf_puts(&b, ", ");
        describe_entry(&b, e);
        kz_buf_printf(&b, _(" (has %s)"), has);
    }
    kz_status st = KZ_OK;
    if (fails)
        st = kz_err_set(err, KZ_EREFUSED, _("%s needs %s"), r->stages[si].name, kz_buf_str(&b));
    kz_buf_free(&b);
    return st;
}

/* ---- explanation as JSON ---- */

static void json_str(kz_buf *b, const char *s)
{
    if (!s) {
        kz_buf_puts(b, "null");
        return;
    }
    kz_buf_putc(b, '"');
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            kz_buf_putc(b, '\\');
            kz_buf_putc(b, (char)ch);
            i++;
        } else if (ch < 0x20 || ch == 0x7f) {
            kz_buf_printf(b, "\\u%04x", ch);
            i++;
        } else if (ch < 0x80) {
            kz_buf_putc(b, (char)ch);
            i++;
        } else {
            long cp;
            int len = kz_utf8_decode(s + i, n - i, &cp);
            if (cp < 0) {
                kz_buf_puts(b, "\\ufffd");
                i++;
            } else {
                kz_buf_append(b, s + i, (size_t)len);
                i += (size_t)len;
            }
        }
    }
    kz_buf_putc(b, '"');
}

void kz_score_explain_json(const kz_rules *r, const kz_lead *lead, const kz_score *s, kz_buf *out)
{
    kz_buf_puts(out, "{");
    if (lead && kz_lead_has(lead, KZ_F_ID))
        kz_buf_printf(out, "\"id\":%" PRId64 ",", kz_lead_num(lead, KZ_F_ID));
    kz_buf_printf(out, "\"score\":%d,\"grade\":", s->total);
    json_str(out, s->grade);
    kz_buf_puts(out, ",\"persona\":");
    json_str(out, s->persona);
    kz_buf_puts(out, ",\"rules\":");
    json_str(out, r ? r->origin : NULL);
    kz_buf_puts(out, ",\"subtotals\":{");
    for (int c = 0; c < KZ_CRIT__COUNT; c++)
        kz_buf_printf(out, "%s\"%s\":%d", c ? "," : "", kz_criterion_name((kz_criterion)c),
                      s->sub[c]);
    kz_buf_puts(out, "},\"hits\":[");
    for (size_t i = 0; i < s->nhits; i++) {
        const kz_score_hit *h = &s->hits[i];
        kz_buf_printf(out, "%s{\"criterion\":\"%s\",\"rule\":", i ? "," : "",
                      kz_criterion_name(h->crit));
        json_str(out, h->rule);
        kz_buf_printf(out, ",\"points\":%d,\"count\":%d,\"matched\":", h->points, h->count);
        json_str(out, h->matched);
        kz_buf_printf(out, ",\"limit_hit\":%s}", h->limit_hit ? "true" : "false");
    }
    kz_buf_printf(out, "],\"hits_dropped\":%zu,\"limit_errors\":%d}", s->hits_dropped,
                  s->limit_errors);
}

/* ---- one-screen summary ---- */

void kz_rules_summary(const kz_rules *r, kz_buf *out)
{
    kz_buf_printf(out, _("rules: %s\n"), r->origin);
    kz_buf_printf(out, _("score: %d to %d; grades: "), r->score_min, r->score_max);
    for (size_t i = 0; i < r->ngrades; i++) {
        const kz_grade *g = &r->grades[i];
        if (g->has_min)
            kz_buf_printf(out, "%s%s >= %d", i ? ", " : "", g->name, g->min);
        else
            kz_buf_printf(out, _("%s%s below"), i ? ", " : "", g->name);
    }
    kz_buf_puts(out, _("\ncriteria:\n"));
    for (int c = 0; c < KZ_CRIT__COUNT; c++) {
        int nattr = 0, nbeh = 0, plus = 0, minus = 0;
        for (size_t i = 0; i < r->nrules; i++) {
            const kz_rule *ru = &r->rules[i];
            if ((int)ru->crit != c)
                continue;
            if (ru->behaviour)
                nbeh++;
            else
                nattr++;
            if (ru->points > 0)
                plus++;
            else
                minus++;
        }
        kz_buf_printf(out, _("  %-10s %2d rules (%d attribute, %d behaviour; %d add, %d subtract)"),
                      kz_criterion_name((kz_criterion)c), nattr + nbeh, nattr, nbeh, plus, minus);
        const kz_crit_cfg *cfg = &r->crit[c];
        if (cfg->has_min)
            kz_buf_printf(out, _(" min %d"), cfg->min);
        if (cfg->has_max)
            kz_buf_printf(out, _(" max %d"), cfg->max);
        kz_buf_putc(out, '\n');
    }
    kz_buf_printf(out, _("personas: %zu"), r->npersonas);
    for (size_t i = 0; i < r->npersonas; i++)
        kz_buf_printf(out, "%s%s (%+d)", i ? ", " : ": ", r->personas[i].name,
                      r->personas[i].points);
    kz_buf_printf(out, _("\ncustom fields: %zu"), r->ncustom);
    for (size_t i = 0; i < r->ncustom; i++)
        kz_buf_printf(out, "%s%s", i ? ", " : ": ", r->custom[i]);
    kz_buf_puts(out, _("\nstages:\n"));
    for (size_t i = 0; i < r->nstages; i++) {
        const kz_stage *st = &r->stages[i];
        kz_buf_printf(out, "  %-12s %-5s %3d%%", st->name, kz_stage_kind_names[st->kind],
                      st->probability);
        if (st->stale_days)
            kz_buf_printf(out, _("  stale after %d days"), st->stale_days);
        if (r->nentries[i]) {
            kz_buf_puts(out, _("  needs "));
            kz_rules_describe_entry(r, st, out);
        }
        kz_buf_putc(out, '\n');
    }
    kz_buf_puts(out, _("lost reasons: "));
    for (size_t i = 0; i < r->nlost; i++)
        kz_buf_printf(out, "%s%s", i ? ", " : "", r->lost_reasons[i]);
    kz_buf_printf(out, _("\nstakeholder roles: %s"), r->role_names);
    kz_buf_puts(out, _("\nstatuses: "));
    for (size_t i = 0; i < r->nstatuses; i++)
        kz_buf_printf(out, "%s%s", i ? ", " : "", r->statuses[i]);
    for (size_t i = 0; i < r->nautos; i++)
        kz_buf_printf(out, _("%s%s when %s (%d or more)"), i ? "; " : _("\nset automatically: "),
                      r->autos[i].status, r->autos[i].label, r->autos[i].at_least);
    kz_buf_printf(out, _("\npatterns: %zu regular expressions (%s)\n"), r->npatterns,
                  r->npatterns == 0 ? _("none to compile")
                  : r->jit          ? _("JIT-compiled")
                                    : _("interpreted"));
}

static void mark_conds(const kz_cond *cs, size_t n, bool *used, bool *custom)
{
    for (size_t i = 0; i < n; i++) {
        if (cs[i].field >= 0)
            used[cs[i].field] = true;
        else if (cs[i].field != KZ_COND_ROLE)
            *custom = true;
    }
}

bool kz_rules_fields_used(const kz_rules *r, bool used[KZ_F__COUNT])
{
    bool custom = false;
    for (size_t i = 0; i < r->nrules; i++)
        mark_conds(r->rules[i].when, r->rules[i].nwhen, used, &custom);
    for (size_t i = 0; i < r->npersonas; i++)
        mark_conds(r->personas[i].when, r->personas[i].nwhen, used, &custom);
    for (size_t i = 0; i < r->nautos; i++)
        mark_conds(r->autos[i].match.when, r->autos[i].match.nwhen, used, &custom);
    return custom;
}
