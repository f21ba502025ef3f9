/* report.c - computing the managers' reports from the event log, the leads
 * and their activities, against a pipeline (stages, grade bands, stale and
 * regrading callbacks). The definitions are in docs/reports.md. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/calendar.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/model.h"
#include "kariz/prefs.h"
#include "kariz/report.h"
#include "kariz/text.h"
#include "kariz/store.h"

/* qsort for arrays that may be empty (and then NULL, which qsort must not
 * be given). */
static void sort_n(void *v, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(v, n, size, cmp);
}

#define NONE_LABEL N_("(none)")
#define UNASSIGNED_LABEL N_("(unassigned)")
#define NO_DATE_LABEL N_("no date")
#define UNKNOWN_STAGE_LABEL N_("(unknown)")

const char *kz_report_no_value(const char *s)
{
    static const char *const words[] = {NONE_LABEL, UNASSIGNED_LABEL, NO_DATE_LABEL,
                                        UNKNOWN_STAGE_LABEL};
    for (size_t i = 0; s && i < sizeof words / sizeof words[0]; i++)
        if (strcmp(s, words[i]) == 0)
            return _(words[i]);
    return NULL;
}

/* ---- common ---- */

typedef struct period {
    int64_t start; /* first second counted */
    int64_t end;   /* first second no longer counted */
} period;

static period period_of(const kz_report_opts *o)
{
    period p;
    p.start = o->from_day == KZ_REPORT_OPEN_FROM ? INT64_MIN : kz_day_start(o->from_day);
    p.end = o->to_day == KZ_REPORT_OPEN_TO ? INT64_MAX : kz_day_start(o->to_day + 1);
    return p;
}

static bool in_period(const period *p, int64_t t)
{
    return t >= p->start && t < p->end;
}

static int stage_index(const kz_report_pipeline *p, const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < p->nstages; i++)
        if (strcmp(p->stages[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void start_report(kz_report *out, const char *name, const char *title,
                         const kz_report_opts *o)
{
    out->name = name;
    out->title = title;
    out->from_day = o->from_day;
    out->to_day = o->to_day;
    free(out->owner);
    out->owner = o->owner ? kz_xstrdup(o->owner) : NULL;
    out->now = o->now;
}

/* What the reports need of a lead, kept compact: a pipeline of 100 000
 * leads is read whole. */
typedef struct rlead {
    int64_t id;
    int stage;        /* index in the pipeline, -1 when the rules lack it */
    char *stage_name; /* owned */
    char *owner, *source, *lost_from, *lost_reason, *grade, *close_date; /* owned; NULL: absent */
    char *currency;  /* owned; NULL: the team's (the rules' currency:) */
    int64_t value;   /* minor units, 0 when absent */
    int prob;        /* the lead's own probability, -1 when it has none */
    int64_t entered; /* when it entered its stage */
    int64_t created; /* when the lead was created */
    bool stale;      /* open and stale as of the report's now */
} rlead;

/* The leads of the owner, in id order. */
typedef struct lead_vec {
    rlead *v; /* owned, each lead's strings owned */
    size_t n, cap;
    const kz_report_pipeline *p; /* borrowed, while loading */
    int64_t now;
} lead_vec;

static char *dup_text(const kz_lead *l, kz_field f)
{
    const char *s = kz_lead_text(l, f);
    return s ? kz_xstrdup(s) : NULL;
}

static bool lead_vec_add(const kz_lead *l, void *ud)
{
    lead_vec *lv = ud;
    if (lv->n == lv->cap) {
        lv->cap = lv->cap ? lv->cap * 2 : 64;
        lv->v = kz_xrealloc(lv->v, lv->cap * sizeof *lv->v);
    }
    rlead *r = &lv->v[lv->n++];
    const char *stage = kz_lead_text(l, KZ_F_STAGE);
    r->id = kz_lead_num(l, KZ_F_ID);
    r->stage = stage_index(lv->p, stage);
    r->stage_name = kz_xstrdup(stage ? stage : UNKNOWN_STAGE_LABEL);
    r->owner = dup_text(l, KZ_F_OWNER);
    r->source = dup_text(l, KZ_F_SOURCE);
    r->lost_from = dup_text(l, KZ_F_LOST_FROM);
    r->lost_reason = dup_text(l, KZ_F_LOST_REASON);
    r->grade = dup_text(l, KZ_F_GRADE);
    r->close_date = dup_text(l, KZ_F_CLOSE_DATE);
    r->currency = dup_text(l, KZ_F_CURRENCY);
    r->value = kz_lead_num(l, KZ_F_VALUE);
    r->prob = kz_lead_has(l, KZ_F_PROBABILITY) ? (int)kz_lead_num(l, KZ_F_PROBABILITY) : -1;
    r->entered = kz_lead_num(l, KZ_F_STAGE_ENTERED);
    r->created = kz_lead_num(l, KZ_F_CREATED);
    r->stale = r->stage >= 0 && lv->p->stages[r->stage].kind == KZ_STAGE_OPEN &&
               lv->p->is_stale && lv->p->is_stale(l, lv->now, lv->p->ud);
    return true;
}

static void lead_vec_free(lead_vec *lv)
{
    for (size_t i = 0; i < lv->n; i++) {
        rlead *r = &lv->v[i];
        free(r->stage_name);
        free(r->owner);
        free(r->source);
        free(r->lost_from);
        free(r->currency);
        free(r->lost_reason);
        free(r->grade);
        free(r->close_date);
    }
    free(lv->v);
    memset(lv, 0, sizeof *lv);
}

static kz_status load_leads(kz_store *st, const kz_report_pipeline *p, const kz_report_opts *o,
                            lead_vec *out, kz_err *err)
{
    kz_query q;
    memset(&q, 0, sizeof q);
    q.owner = o->owner;
    q.sort = KZ_SORT_ID;
    out->p = p;
    out->now = o->now;
    return kz_store_list(st, &q, false, lead_vec_add, out, err);
}

/* The lead with this id (leads are in id order), or NULL. */
static const rlead *find_lead(const lead_vec *lv, int64_t id)
{
    size_t lo = 0, hi = lv->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lv->v[mid].id == id)
            return &lv->v[mid];
        if (lv->v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* In an open stage of the pipeline. */
static bool is_open(const kz_report_pipeline *p, const rlead *r)
{
    return r->stage >= 0 && p->stages[r->stage].kind == KZ_STAGE_OPEN;
}

/* Closed (won or lost now) in the period: its close is when it entered the
 * stage it is in. */
static bool closed_in(const kz_report_pipeline *p, const rlead *r, const period *pd, bool *won)
{
    if (r->stage < 0 || p->stages[r->stage].kind == KZ_STAGE_OPEN || !in_period(pd, r->entered))
        return false;
    *won = p->stages[r->stage].kind == KZ_STAGE_WON;
    return true;
}

/* Buckets keyed by up to two strings, with a few counters. */
typedef struct bucket {
    char *a, *b; /* owned */
    int last_a, last_b; /* 1 sorts the key after every other ("(none)") */
    int order;          /* sort position before the name (funnel order), or INT_MAX */
    int64_t v[8];
    int64_t mark[2]; /* last lead counted, for distinct counts */
} bucket;

typedef struct buckets {
    bucket *v; /* owned */
    size_t n, cap;
} buckets;

static bucket *bucket_get(buckets *bs, const char *a, const char *b)
{
    for (size_t i = 0; i < bs->n; i++)
        if (strcmp(bs->v[i].a, a) == 0 && (!b || strcmp(bs->v[i].b, b) == 0))
            return &bs->v[i];
    if (bs->n == bs->cap) {
        bs->cap = bs->cap ? bs->cap * 2 : 16;
        bs->v = kz_xrealloc(bs->v, bs->cap * sizeof *bs->v);
    }
    bucket *k = &bs->v[bs->n++];
    memset(k, 0, sizeof *k);
    k->a = kz_xstrdup(a);
    k->b = kz_xstrdup(b ? b : "");
    k->order = INT_MAX;
    k->mark[0] = k->mark[1] = -1;
    return k;
}

static void buckets_free(buckets *bs)
{
    for (size_t i = 0; i < bs->n; i++) {
        free(bs->v[i].a);
        free(bs->v[i].b);
    }
    free(bs->v);
    memset(bs, 0, sizeof *bs);
}

static int cmp_key(const char *x, int lx, const char *y, int ly)
{
    if (lx != ly)
        return lx - ly;
    return strcmp(x, y);
}

static int bucket_cmp_name(const void *pa, const void *pb)
{
    const bucket *a = pa, *b = pb;
    if (a->order != b->order)
        return a->order < b->order ? -1 : 1;
    int c = cmp_key(a->a, a->last_a, b->a, b->last_a);
    return c ? c : cmp_key(a->b, a->last_b, b->b, b->last_b);
}

/* Most first (v[0]), then by name. */
static int bucket_cmp_count(const void *pa, const void *pb)
{
    const bucket *a = pa, *b = pb;
    if (a->v[0] != b->v[0])
        return a->v[0] > b->v[0] ? -1 : 1;
    return bucket_cmp_name(pa, pb);
}

static const char *or_label(const char *s, const char *label, int *last)
{
    bool none = !s || !*s;
    if (last)
        *last = none;
    return none ? label : s;
}

/* Opens a read snapshot unless the caller has a transaction open. */
static kz_status snapshot(kz_store *st, bool *opened, kz_err *err)
{
    *opened = false;
    if (kz_store_in_txn(st))
        return KZ_OK;
    kz_status ks = kz_store_begin_read(st, err);
    if (ks == KZ_OK)
        *opened = true;
    return ks;
}

static kz_status end_snapshot(kz_store *st, bool opened, kz_status ks, kz_err *err)
{
    if (!opened)
        return ks;
    if (ks != KZ_OK) {
        kz_store_rollback(st);
        return ks;
    }
    return kz_store_commit(st, err);
}

/* ---- funnel ---- */

static const kz_rcol stage_now_cols[] = {
    {"stage", N_("STAGE"), KZ_RT_STAGE},
    {"leads", N_("LEADS"), KZ_RT_COUNT},
    {"value", N_("VALUE"), KZ_RT_MONEY},
};

static const kz_rcol conversion_cols[] = {
    {"stage", N_("STAGE"), KZ_RT_STAGE},      {"reached", N_("REACHED"), KZ_RT_COUNT},
    {"next", N_("NEXT"), KZ_RT_STAGE},        {"moved_on", N_("MOVED ON"), KZ_RT_COUNT},
    {"rate", N_("CONVERSION"), KZ_RT_PERCENT},
};

typedef struct funnel_ctx {
    const kz_report_pipeline *p;
    period pd;
    int *pos;       /* funnel position of each stage, -1 outside the sequence */
    int64_t *reached;
    int64_t lead;   /* lead being read */
    int max_pos;    /* furthest position it entered in the period */
} funnel_ctx;

static void funnel_flush(funnel_ctx *f)
{
    for (int i = 0; i <= f->max_pos; i++)
        f->reached[i]++;
    f->max_pos = -1;
}

static bool funnel_entry(const kz_stage_entry *e, void *ud)
{
    funnel_ctx *f = ud;
    if (e->lead_id != f->lead) {
        funnel_flush(f);
        f->lead = e->lead_id;
    }
    if (!in_period(&f->pd, e->at))
        return true;
    int i = stage_index(f->p, e->to);
    if (i >= 0 && f->pos[i] > f->max_pos)
        f->max_pos = f->pos[i];
    return true;
}

/* Current leads and value per stage: the pipeline's stages in funnel order,
 * then any stage the leads are in that the pipeline no longer has. */
/* Counts the currency of an amount a table sums (none for no amount): a
 * lead without one is in the team's, the rules' currency:. */
static void count_currency(buckets *cur, const kz_report_pipeline *p, const rlead *l)
{
    if (l->value == 0)
        return;
    const char *c = l->currency && *l->currency ? l->currency : p->currency ? p->currency : "";
    bucket_get(cur, c, NULL)->v[0]++;
}

/* s in the user's language, or as written (English, for JSON). */
__attribute__((format_arg(2))) static const char *in_lang(bool shown, const char *s)
{
    return shown ? _(s) : s;
}

/* The note that amounts in several currencies were added up as they stand
 * (kariz converts none), in English for JSON and in the user's language;
 * nothing for one currency. Frees cur. */
static void note_currencies(kz_report *out, buckets *cur)
{
    if (cur->n > 1) {
        sort_n(cur->v, cur->n, sizeof *cur->v, bucket_cmp_count); /* most deals first */
        kz_buf text[2] = {KZ_BUF_INIT, KZ_BUF_INIT}, code = KZ_BUF_INIT; /* owned */
        for (int shown = 0; shown < 2; shown++) {
            kz_buf *b = &text[shown];
            kz_buf_puts(b, in_lang(shown, N_("The amounts add up deals in several currencies as "
                                             "they stand, without converting:")));
            for (size_t i = 0; i < cur->n; i++) {
                kz_buf_reset(&code); /* (the code as stored: it came from a file) */
                kz_text_sanitize(&code, cur->v[i].a, strlen(cur->v[i].a), KZ_TEXT_NEWLINE_SPACE);
                kz_buf_puts(b, i ? ", " : " ");
                if (code.len)
                    kz_buf_printf(b, in_lang(shown, N_("%" PRId64 " in %s")), cur->v[i].v[0],
                                  kz_buf_str(&code));
                else
                    kz_buf_printf(b, in_lang(shown, N_("%" PRId64 " without one")),
                                  cur->v[i].v[0]);
            }
            kz_buf_putc(b, '.');
        }
        kz_report_note_both(out, kz_buf_str(&text[0]), kz_buf_str(&text[1]));
        kz_buf_free(&text[0]);
        kz_buf_free(&text[1]);
        kz_buf_free(&code);
    }
    buckets_free(cur);
}

static void stages_now_table(kz_report *out, const kz_report_pipeline *p, const lead_vec *lv)
{
    buckets bs = {0};
    for (size_t i = 0; i < p->nstages; i++)
        bucket_get(&bs, p->stages[i].name, NULL)->order = (int)i;
    buckets cur = {0};
    for (size_t i = 0; i < lv->n; i++) {
        bucket *b = bucket_get(&bs, lv->v[i].stage_name, NULL);
        b->v[0]++;
        b->v[1] += lv->v[i].value;
        count_currency(&cur, p, &lv->v[i]);
    }
    note_currencies(out, &cur);
    sort_n(bs.v, bs.n, sizeof *bs.v, bucket_cmp_name);
    kz_rtable *t = kz_report_table(out, "stages", N_("Leads per stage now"), stage_now_cols, 3,
                                   "leads");
    for (size_t i = 0; i < bs.n; i++) {
        kz_rcell *row = kz_rtable_row(t);
        kz_rcell_text(&row[0], bs.v[i].a);
        kz_rcell_int(&row[1], bs.v[i].v[0]);
        kz_rcell_int(&row[2], bs.v[i].v[1]);
    }
    buckets_free(&bs);
}

kz_status kz_report_funnel(kz_store *st, const kz_report_pipeline *p, const kz_report_opts *o,
                           kz_report *out, kz_err *err)
{
    start_report(out, "funnel", N_("Funnel"), o);
    bool opened;
    kz_status ks = snapshot(st, &opened, err);
    if (ks != KZ_OK)
        return ks;
    lead_vec lv = {0};
    /* the sequence: open stages in order, then the won stage */
    size_t *seq = kz_xcalloc(p->nstages + 1, sizeof *seq); /* owned here */
    int *pos = kz_xcalloc(p->nstages + 1, sizeof *pos);     /* owned here */
    int64_t *reached = kz_xcalloc(p->nstages + 1, sizeof *reached); /* owned here */
    size_t nseq = 0;
    for (size_t i = 0; i < p->nstages; i++)
        pos[i] = -1;
    for (size_t i = 0; i < p->nstages; i++)
        if (p->stages[i].kind == KZ_STAGE_OPEN) {
            pos[i] = (int)nseq;
            seq[nseq++] = i;
        }
    for (size_t i = 0; i < p->nstages; i++)
        if (p->stages[i].kind == KZ_STAGE_WON) {
            if (nseq && p->stages[seq[nseq - 1]].kind == KZ_STAGE_WON)
                pos[i] = pos[seq[nseq - 1]]; /* several won stages: one step */
            else {
                pos[i] = (int)nseq;
                seq[nseq++] = i;
            }
        }
    ks = load_leads(st, p, o, &lv, err);
    if (ks == KZ_OK) {
        funnel_ctx f = {p, period_of(o), pos, reached, -1, -1};
        ks = kz_store_stage_entries(st, o->owner, funnel_entry, &f, err);
        funnel_flush(&f);
    }
    if (ks == KZ_OK) {
        stages_now_table(out, p, &lv);
        kz_rtable *t = kz_report_table(out, "conversion", N_("Conversion between stages"),
                                       conversion_cols, 5, "reached");
        for (size_t i = 0; i < nseq; i++) {
            kz_rcell *row = kz_rtable_row(t);
            kz_rcell_text(&row[0], p->stages[seq[i]].name);
            kz_rcell_int(&row[1], reached[i]);
            if (i + 1 < nseq) {
                kz_rcell_text(&row[2], p->stages[seq[i + 1]].name);
                kz_rcell_int(&row[3], reached[i + 1]);
                kz_rcell_rate(&row[4], reached[i + 1], reached[i]);
            }
        }
        kz_report_note(out, N_("Reached: leads that entered the stage in the period, or a later "
                               "one (a lead that skipped a stage counts as having passed it). "
                               "Leads that were lost count in every stage they passed."));
    }
    free(seq);
    free(pos);
    free(reached);
    lead_vec_free(&lv);
    return end_snapshot(st, opened, ks, err);
}

/* ---- forecast ---- */

static const kz_rcol month_cols[] = {
    {"month", N_("CLOSE MONTH"), KZ_RT_MONTH},
    {"leads", N_("LEADS"), KZ_RT_COUNT},
    {"value", N_("VALUE"), KZ_RT_MONEY},
    {"weighted", N_("WEIGHTED"), KZ_RT_MONEY},
};
static const kz_rcol owner_cols[] = {
    {"owner", N_("OWNER"), KZ_RT_TEXT},
    {"leads", N_("LEADS"), KZ_RT_COUNT},
    {"value", N_("VALUE"), KZ_RT_MONEY},
    {"weighted", N_("WEIGHTED"), KZ_RT_MONEY},
};
static const kz_rcol month_owner_cols[] = {
    {"month", N_("CLOSE MONTH"), KZ_RT_MONTH}, {"owner", N_("OWNER"), KZ_RT_TEXT},
    {"leads", N_("LEADS"), KZ_RT_COUNT},      {"value", N_("VALUE"), KZ_RT_MONEY},
    {"weighted", N_("WEIGHTED"), KZ_RT_MONEY},
};
static const kz_rcol total_cols[] = {
    {"leads", N_("LEADS"), KZ_RT_COUNT},
    {"value", N_("VALUE"), KZ_RT_MONEY},
    {"weighted", N_("WEIGHTED"), KZ_RT_MONEY},
};

/* value x percent, summed exactly, to minor units (rounded half up). */
static int64_t weighted_cents(int64_t value_percent)
{
    if (value_percent >= 0)
        return (value_percent + 50) / 100;
    return -((-value_percent + 50) / 100);
}

static void money_rows(kz_rtable *t, buckets *bs, bool two_keys)
{
    for (size_t i = 0; i < bs->n; i++) {
        kz_rcell *row = kz_rtable_row(t);
        size_t c = 0;
        kz_rcell_text(&row[c++], bs->v[i].a);
        if (two_keys)
            kz_rcell_text(&row[c++], bs->v[i].b);
        kz_rcell_int(&row[c++], bs->v[i].v[0]);
        kz_rcell_int(&row[c++], bs->v[i].v[1]);
        kz_rcell_int(&row[c], weighted_cents(bs->v[i].v[2]));
    }
}

kz_status kz_report_forecast(kz_store *st, const kz_report_pipeline *p,
                             const kz_report_opts *o, kz_report *out, kz_err *err)
{
    start_report(out, "forecast", N_("Forecast"), o);
    bool opened;
    kz_status ks = snapshot(st, &opened, err);
    if (ks != KZ_OK)
        return ks;
    lead_vec lv = {0};
    ks = load_leads(st, p, o, &lv, err);
    buckets months = {0}, owners = {0}, both = {0}, cur = {0};
    int64_t total[3] = {0, 0, 0};
    for (size_t i = 0; ks == KZ_OK && i < lv.n; i++) {
        const rlead *l = &lv.v[i];
        if (!is_open(p, l))
            continue;
        char month[16];
        int no_date = 0;
        const char *close = l->close_date;
        int day;
        if (close && kz_day_parse_iso(close, &day) == KZ_OK) {
            if (day < o->from_day || day > o->to_day)
                continue;
            int py, pm, pd; /* the month of the calendar in force: 1405-09 is Azar */
            if (kz_prefs_get()->calendar == KZ_CAL_PERSIAN && kz_persian_from_day(day, &py, &pm, &pd))
                snprintf(month, sizeof month, "%04d-%02d", py, pm);
            else
                snprintf(month, sizeof month, "%.7s", close);
        } else {
            snprintf(month, sizeof month, "%s", NO_DATE_LABEL);
            no_date = 1;
        }
        int unassigned;
        const char *owner = or_label(l->owner, UNASSIGNED_LABEL, &unassigned);
        int64_t value = l->value;
        int64_t prob = l->prob >= 0 ? l->prob : p->stages[l->stage].probability;
        int64_t vp = value * prob;
        bucket *b[3] = {bucket_get(&months, month, NULL), bucket_get(&owners, owner, NULL),
                        bucket_get(&both, month, owner)};
        b[0]->last_a = b[2]->last_a = no_date;
        b[1]->last_a = b[2]->last_b = unassigned;
        for (int k = 0; k < 3; k++) {
            b[k]->v[0]++;
            b[k]->v[1] += value;
            b[k]->v[2] += vp;
        }
        total[0]++;
        total[1] += value;
        total[2] += vp;
        count_currency(&cur, p, l);
    }
    if (ks == KZ_OK) {
        sort_n(months.v, months.n, sizeof *months.v, bucket_cmp_name);
        sort_n(owners.v, owners.n, sizeof *owners.v, bucket_cmp_name);
        sort_n(both.v, both.n, sizeof *both.v, bucket_cmp_name);
        money_rows(kz_report_table(out, "by_month", N_("Open pipeline by expected close month"),
                                   month_cols, 4, "weighted"),
                   &months, false);
        money_rows(kz_report_table(out, "by_owner", N_("Open pipeline by owner"), owner_cols, 4,
                                   "weighted"),
                   &owners, false);
        money_rows(kz_report_table(out, "by_month_owner", N_("By close month and owner"),
                                   month_owner_cols, 5, "weighted"),
                   &both, true);
        kz_rtable *t = kz_report_table(out, "total", N_("Total"), total_cols, 3, NULL);
        kz_rcell *row = kz_rtable_row(t);
        kz_rcell_int(&row[0], total[0]);
        kz_rcell_int(&row[1], total[1]);
        kz_rcell_int(&row[2], weighted_cents(total[2]));
        kz_report_note(out, N_("Weighted: deal value x the win probability of the lead's stage in "
                               "the rules in force, or the lead's own probability when it has "
                               "one. Leads without a value count as 0."));
        note_currencies(out, &cur);
    }
    buckets_free(&cur);
    buckets_free(&months);
    buckets_free(&owners);
    buckets_free(&both);
    lead_vec_free(&lv);
    return end_snapshot(st, opened, ks, err);
}

/* ---- velocity ---- */

static const kz_rcol velocity_cols[] = {
    {"stage", N_("STAGE"), KZ_RT_STAGE},         {"entered", N_("ENTERED"), KZ_RT_COUNT},
    {"median_days", N_("MEDIAN"), KZ_RT_DAYS},  {"p90_days", N_("90TH PCT"), KZ_RT_DAYS},
    {"leads", N_("NOW"), KZ_RT_COUNT},          {"stale", N_("STALE"), KZ_RT_COUNT},
};
static const kz_rcol bottleneck_cols[] = {
    {"measure", N_("MEASURE"), KZ_RT_KEY},
    {"stage", N_("STAGE"), KZ_RT_STAGE},
    {"median_days", N_("MEDIAN"), KZ_RT_DAYS},
    {"leads", N_("NOW"), KZ_RT_COUNT},
};

typedef struct dvec {
    double *v; /* owned */
    size_t n, cap;
} dvec;

static void dvec_push(dvec *d, double x)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = kz_xrealloc(d->v, d->cap * sizeof *d->v);
    }
    d->v[d->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct entry {
    int64_t at;
    int stage; /* index in the pipeline, -1 when unknown */
} entry;

typedef struct velocity_ctx {
    const kz_report_pipeline *p;
    period pd;
    int64_t now;
    dvec *spells; /* per stage: days spent, one per entry in the period */
    entry *e;     /* owned: the current lead's entries */
    size_t ne, cap;
    int64_t lead;
} velocity_ctx;

static void velocity_flush(velocity_ctx *v)
{
    for (size_t j = 0; j < v->ne; j++) {
        int s = v->e[j].stage;
        if (s < 0 || v->p->stages[s].kind != KZ_STAGE_OPEN || !in_period(&v->pd, v->e[j].at))
            continue;
        int64_t end = j + 1 < v->ne ? v->e[j + 1].at : v->now;
        int64_t secs = end - v->e[j].at;
        dvec_push(&v->spells[s], secs > 0 ? (double)secs / 86400.0 : 0.0);
    }
    v->ne = 0;
}

static bool velocity_entry(const kz_stage_entry *e, void *ud)
{
    velocity_ctx *v = ud;
    if (e->lead_id != v->lead) {
        velocity_flush(v);
        v->lead = e->lead_id;
    }
    if (v->ne == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->e = kz_xrealloc(v->e, v->cap * sizeof *v->e);
    }
    v->e[v->ne].at = e->at;
    v->e[v->ne].stage = stage_index(v->p, e->to);
    v->ne++;
    return true;
}

kz_status kz_report_velocity(kz_store *st, const kz_report_pipeline *p,
                             const kz_report_opts *o, kz_report *out, kz_err *err)
{
    start_report(out, "velocity", N_("Velocity"), o);
    bool opened;
    kz_status ks = snapshot(st, &opened, err);
    if (ks != KZ_OK)
        return ks;
    lead_vec lv = {0};
    velocity_ctx v = {p, period_of(o), o->now, NULL, NULL, 0, 0, -1};
    v.spells = kz_xcalloc(p->nstages + 1, sizeof *v.spells); /* owned here */
    int64_t *now_n = kz_xcalloc(p->nstages + 1, sizeof *now_n);   /* owned here */
    int64_t *stale_n = kz_xcalloc(p->nstages + 1, sizeof *stale_n); /* owned here */
    ks = load_leads(st, p, o, &lv, err);
    if (ks == KZ_OK) {
        ks = kz_store_stage_entries(st, o->owner, velocity_entry, &v, err);
        velocity_flush(&v);
    }
    if (ks == KZ_OK) {
        for (size_t i = 0; i < lv.n; i++) {
            if (!is_open(p, &lv.v[i]))
                continue;
            now_n[lv.v[i].stage]++;
            if (lv.v[i].stale)
                stale_n[lv.v[i].stage]++;
        }
        kz_rtable *t = kz_report_table(out, "stages", N_("Time spent in each stage"), velocity_cols,
                                       6, "median_days");
        int wait_i = -1, pile_i = -1;
        double wait_best = -1, *medians = kz_xcalloc(p->nstages + 1, sizeof *medians);
        for (size_t i = 0; i < p->nstages; i++) {
            if (p->stages[i].kind != KZ_STAGE_OPEN)
                continue;
            dvec *d = &v.spells[i];
            sort_n(d->v, d->n, sizeof *d->v, cmp_double);
            kz_rcell *row = kz_rtable_row(t);
            kz_rcell_text(&row[0], p->stages[i].name);
            kz_rcell_int(&row[1], (int64_t)d->n);
            if (d->n) {
                medians[i] = kz_percentile(d->v, d->n, 0.5);
                kz_rcell_real(&row[2], medians[i]);
                kz_rcell_real(&row[3], kz_percentile(d->v, d->n, 0.9));
                if (medians[i] > wait_best) {
                    wait_best = medians[i];
                    wait_i = (int)i;
                }
            }
            kz_rcell_int(&row[4], now_n[i]);
            kz_rcell_int(&row[5], stale_n[i]);
            if (now_n[i] > 0 && (pile_i < 0 || now_n[i] > now_n[pile_i]))
                pile_i = (int)i;
        }
        kz_rtable *b =
            kz_report_table(out, "bottleneck", N_("Bottleneck"), bottleneck_cols, 4, NULL);
        const char *measures[2] = {"longest_wait", "most_leads"};
        int which[2] = {wait_i, pile_i};
        for (int k = 0; k < 2; k++) {
            kz_rcell *row = kz_rtable_row(b);
            kz_rcell_text(&row[0], measures[k]);
            if (which[k] >= 0) {
                kz_rcell_text(&row[1], p->stages[which[k]].name);
                if (v.spells[which[k]].n)
                    kz_rcell_real(&row[2], medians[which[k]]);
                kz_rcell_int(&row[3], now_n[which[k]]);
            }
        }
        free(medians);
        kz_report_note(out,
                       N_("Time in a stage runs from entering it to leaving it; a lead's "
                          "current stage counts up to now. Only stays that began in the period "
                          "count. Median and 90th percentile interpolate between ranks."));
    }
    for (size_t i = 0; i < p->nstages; i++)
        free(v.spells[i].v);
    free(v.spells);
    free(v.e);
    free(now_n);
    free(stale_n);
    lead_vec_free(&lv);
    return end_snapshot(st, opened, ks, err);
}

/* ---- losses ---- */

static const kz_rcol lost_stage_cols[] = {
    {"stage", N_("LOST FROM"), KZ_RT_STAGE},
    {"lost", N_("LOST"), KZ_RT_COUNT},
    {"share", N_("SHARE"), KZ_RT_PERCENT},
    {"value", N_("VALUE"), KZ_RT_MONEY},
};
static const kz_rcol lost_reason_cols[] = {
    {"reason", N_("REASON"), KZ_RT_KEY},
    {"lost", N_("LOST"), KZ_RT_COUNT},
    {"share", N_("SHARE"), KZ_RT_PERCENT},
};
static const kz_rcol source_cols[] = {
    {"source", N_("SOURCE"), KZ_RT_TEXT}, {"won", N_("WON"), KZ_RT_COUNT},
    {"lost", N_("LOST"), KZ_RT_COUNT},    {"win_rate", N_("WIN RATE"), KZ_RT_PERCENT},
};

kz_status kz_report_losses(kz_store *st, const kz_report_pipeline *p, const kz_report_opts *o,
                           kz_report *out, kz_err *err)
{
    start_report(out, "losses", N_("Losses"), o);
    bool opened;
    kz_status ks = snapshot(st, &opened, err);
    if (ks != KZ_OK)
        return ks;
    lead_vec lv = {0};
    ks = load_leads(st, p, o, &lv, err);
    period pd = period_of(o);
    buckets stages = {0}, reasons = {0}, sources = {0}, cur = {0};
    int64_t nlost = 0;
    for (size_t i = 0; ks == KZ_OK && i < lv.n; i++) {
        const rlead *l = &lv.v[i];
        bool won;
        if (!closed_in(p, l, &pd, &won))
            continue;
        int last;
        bucket *src = bucket_get(&sources, or_label(l->source, NONE_LABEL, &last), NULL);
        src->last_a = last;
        src->v[won ? 0 : 1]++;
        if (won)
            continue;
        nlost++;
        const char *from = or_label(l->lost_from, UNKNOWN_STAGE_LABEL, &last);
        bucket *sb = bucket_get(&stages, from, NULL);
        sb->last_a = last;
        int fi = stage_index(p, l->lost_from);
        if (fi >= 0)
            sb->order = fi;
        sb->v[0]++;
        sb->v[1] += l->value;
        count_currency(&cur, p, l);
        bucket *rb = bucket_get(&reasons, or_label(l->lost_reason, NONE_LABEL, &last), NULL);
        rb->last_a = last;
        rb->v[0]++;
    }
    if (ks == KZ_OK) {
        sort_n(stages.v, stages.n, sizeof *stages.v, bucket_cmp_name);
        sort_n(reasons.v, reasons.n, sizeof *reasons.v, bucket_cmp_count);
        sort_n(sources.v, sources.n, sizeof *sources.v, bucket_cmp_name);
        kz_rtable *t = kz_report_table(out, "by_stage", N_("Lost deals by the stage lost from"),
                                       lost_stage_cols, 4, "lost");
        for (size_t i = 0; i < stages.n; i++) {
            kz_rcell *row = kz_rtable_row(t);
            kz_rcell_text(&row[0], stages.v[i].a);
            kz_rcell_int(&row[1], stages.v[i].v[0]);
            kz_rcell_rate(&row[2], stages.v[i].v[0], nlost);
            kz_rcell_int(&row[3], stages.v[i].v[1]);
        }
        t = kz_report_table(out, "by_reason", N_("Lost deals by reason"), lost_reason_cols, 3,
                            "lost");
        for (size_t i = 0; i < reasons.n; i++) {
            kz_rcell *row = kz_rtable_row(t);
            kz_rcell_text(&row[0], reasons.v[i].a);
            kz_rcell_int(&row[1], reasons.v[i].v[0]);
            kz_rcell_rate(&row[2], reasons.v[i].v[0], nlost);
        }
        t = kz_report_table(out, "win_rate_by_source", N_("Win rate by source"), source_cols, 4,
                            "win_rate");
        for (size_t i = 0; i < sources.n; i++) {
            kz_rcell *row = kz_rtable_row(t);
            kz_rcell_text(&row[0], sources.v[i].a);
            kz_rcell_int(&row[1], sources.v[i].v[0]);
            kz_rcell_int(&row[2], sources.v[i].v[1]);
            kz_rcell_rate(&row[3], sources.v[i].v[0], sources.v[i].v[0] + sources.v[i].v[1]);
        }
        kz_report_note(out, N_("Deals closed (won or lost) in the period; a deal that was lost and "
                               "then reopened is open again and not counted as lost."));
        note_currencies(out, &cur);
    }
    buckets_free(&cur);
    buckets_free(&stages);
    buckets_free(&reasons);
    buckets_free(&sources);
    lead_vec_free(&lv);
    return end_snapshot(st, opened, ks, err);
}

/* ---- channels ---- */

static const kz_rcol response_cols[] = {
    {"channel", N_("CHANNEL"), KZ_RT_KEY},   {"touches", N_("TOUCHES"), KZ_RT_COUNT},
    {"sent", N_("SENT"), KZ_RT_COUNT},        {"replied", N_("REPLIED"), KZ_RT_COUNT},
    {"calls", N_("CALLS"), KZ_RT_COUNT},      {"answered", N_("ANSWERED"), KZ_RT_COUNT},
    {"response_rate", N_("RESPONSE"), KZ_RT_PERCENT},
};
static const kz_rcol before_cols[] = {
    {"channel", N_("CHANNEL"), KZ_RT_KEY},        {"won_deals", N_("WON"), KZ_RT_COUNT},
    {"won_share", N_("OF WON"), KZ_RT_PERCENT},    {"lost_deals", N_("LOST"), KZ_RT_COUNT},
    {"lost_share", N_("OF LOST"), KZ_RT_PERCENT},
};
static const kz_rcol closed_cols[] = {
    {"outcome", N_("OUTCOME"), KZ_RT_KEY},
    {"deals", N_("DEALS"), KZ_RT_COUNT},
};

enum { CH_TOUCHES, CH_SENT, CH_REPLIED, CH_CALLS, CH_ANSWERED, CH_WON, CH_LOST, CH_CALLS_KNOWN };

typedef struct channel_ctx {
    const kz_report_pipeline *p;
    period pd;
    const lead_vec *lv;
    buckets ch;
} channel_ctx;

static bool channel_activity(const kz_activity *a, void *ud)
{
    channel_ctx *c = ud;
    if (!a->channel[0])
        return true; /* notes */
    bucket *b = bucket_get(&c->ch, a->channel, NULL);
    if (in_period(&c->pd, a->at)) {
        b->v[CH_TOUCHES]++;
        if (strcmp(a->outcome, "sent") == 0)
            b->v[CH_SENT]++;
        if (strcmp(a->outcome, "replied") == 0)
            b->v[CH_REPLIED]++;
        if (strcmp(a->kind, "call") == 0) {
            b->v[CH_CALLS]++;
            /* (a call nobody said the outcome of, as an import brings in,
             * is neither answered nor not) */
            if (strcmp(a->outcome, "none") != 0 && a->outcome[0])
                b->v[CH_CALLS_KNOWN]++;
            if (strcmp(a->outcome, "answered") == 0 || strcmp(a->outcome, "call_back") == 0)
                b->v[CH_ANSWERED]++;
        }
    }
    const rlead *l = find_lead(c->lv, a->lead_id);
    bool won;
    if (l && closed_in(c->p, l, &c->pd, &won) && a->at < l->entered) {
        int k = won ? 0 : 1;
        if (b->mark[k] != a->lead_id) {
            b->mark[k] = a->lead_id;
            b->v[won ? CH_WON : CH_LOST]++;
        }
    }
    return true;
}

kz_status kz_report_channels(kz_store *st, const kz_report_pipeline *p,
                             const kz_report_opts *o, kz_report *out, kz_err *err)
{
    start_report(out, "channels", N_("Channels"), o);
    bool opened;
    kz_status ks = snapshot(st, &opened, err);
    if (ks != KZ_OK)
        return ks;
    lead_vec lv = {0};
    ks = load_leads(st, p, o, &lv, err);
    channel_ctx c = {p, period_of(o), &lv, {0}};
    if (ks == KZ_OK)
        ks = kz_store_activities_all(st, o->owner, channel_activity, &c, err);
    if (ks == KZ_OK) {
        int64_t nwon = 0, nlost = 0;
        for (size_t i = 0; i < lv.n; i++) {
            bool won;
            if (closed_in(p, &lv.v[i], &c.pd, &won)) {
                if (won)
                    nwon++;
                else
                    nlost++;
            }
        }
        sort_n(c.ch.v, c.ch.n, sizeof *c.ch.v, bucket_cmp_name);
        kz_rtable *t = kz_report_table(out, "response", N_("Response rate per channel"),
                                       response_cols, 7, "response_rate");
        for (size_t i = 0; i < c.ch.n; i++) {
            const bucket *b = &c.ch.v[i];
            if (!b->v[CH_TOUCHES])
                continue;
            kz_rcell *row = kz_rtable_row(t);
            kz_rcell_text(&row[0], b->a);
            kz_rcell_int(&row[1], b->v[CH_TOUCHES]);
            kz_rcell_int(&row[2], b->v[CH_SENT]);
            kz_rcell_int(&row[3], b->v[CH_REPLIED]);
            kz_rcell_int(&row[4], b->v[CH_CALLS]);
            kz_rcell_int(&row[5], b->v[CH_ANSWERED]);
            kz_rcell_rate(&row[6], b->v[CH_REPLIED] + b->v[CH_ANSWERED],
                          b->v[CH_SENT] + b->v[CH_CALLS_KNOWN]);
        }
        t = kz_report_table(out, "before_close", N_("Channels touched before the deal closed"),
                            before_cols, 5, "won_share");
        for (size_t i = 0; i < c.ch.n; i++) {
            const bucket *b = &c.ch.v[i];
            if (!b->v[CH_WON] && !b->v[CH_LOST])
                continue;
            kz_rcell *row = kz_rtable_row(t);
            kz_rcell_text(&row[0], b->a);
            kz_rcell_int(&row[1], b->v[CH_WON]);
            kz_rcell_rate(&row[2], b->v[CH_WON], nwon);
            kz_rcell_int(&row[3], b->v[CH_LOST]);
            kz_rcell_rate(&row[4], b->v[CH_LOST], nlost);
        }
        t = kz_report_table(out, "closed", N_("Deals closed in the period"), closed_cols, 2, NULL);
        kz_rcell *row = kz_rtable_row(t);
        kz_rcell_text(&row[0], "won");
        kz_rcell_int(&row[1], nwon);
        row = kz_rtable_row(t);
        kz_rcell_text(&row[0], "lost");
        kz_rcell_int(&row[1], nlost);
        kz_report_note(out, N_("Response: (e-mails replied + calls answered) / (messages sent + "
                               "calls); a call counts as answered when the outcome is answered or "
                               "call_back, and a call without an outcome is left out. Before close: share of the won (lost) deals closed in "
                               "the period that had a touch on the channel before they closed."));
    }
    buckets_free(&c.ch);
    lead_vec_free(&lv);
    return end_snapshot(st, opened, ks, err);
}

/* ---- scoring ---- */

static const kz_rcol grade_cols[] = {
    {"grade", N_("GRADE"), KZ_RT_TEXT},  {"deals", N_("DEALS"), KZ_RT_COUNT},
    {"won", N_("WON"), KZ_RT_COUNT},     {"lost", N_("LOST"), KZ_RT_COUNT},
    {"win_rate", N_("WIN RATE"), KZ_RT_PERCENT},
};

/* The stage each lead was in just before its latest move (for regrading a
 * closed lead as it stood before it closed). */
typedef struct prev_ctx {
    const lead_vec *lv;
    char **prev; /* per lead in lv: owned copy, or NULL */
} prev_ctx;

static bool prev_entry(const kz_stage_entry *e, void *ud)
{
    prev_ctx *c = ud;
    const rlead *l = find_lead(c->lv, e->lead_id);
    if (!l)
        return true;
    size_t i = (size_t)(l - c->lv->v);
    free(c->prev[i]);
    c->prev[i] = e->from ? kz_xstrdup(e->from) : NULL;
    return true;
}

kz_status kz_report_scoring_with(kz_store *st, const kz_report_pipeline *p,
                                 const kz_report_opts *o, kz_report *out, kz_err *err)
{
    start_report(out, "scoring", N_("Lead scoring"), o);
    bool opened;
    kz_status ks = snapshot(st, &opened, err);
    if (ks != KZ_OK)
        return ks;
    lead_vec lv = {0};
    ks = load_leads(st, p, o, &lv, err);
    period pd = period_of(o);
    prev_ctx pc = {&lv, NULL};
    pc.prev = kz_xcalloc(lv.n + 1, sizeof *pc.prev); /* owned here */
    if (ks == KZ_OK && p->grade)
        ks = kz_store_stage_entries(st, o->owner, prev_entry, &pc, err);
    buckets grades = {0};
    for (size_t i = 0; i < p->ngrades; i++)
        bucket_get(&grades, p->grades[i], NULL)->order = (int)i;
    kz_activity_list acts = {0};
    kz_lead scratch;
    kz_lead_init(&scratch);
    for (size_t i = 0; ks == KZ_OK && i < lv.n; i++) {
        const rlead *l = &lv.v[i];
        bool won;
        if (!closed_in(p, l, &pd, &won))
            continue;
        const char *grade = l->grade;
        if (p->grade) {
            int64_t at = l->entered;
            kz_activity_list_clear(&acts);
            ks = kz_store_lead_get(st, l->id, &scratch, err);
            if (ks == KZ_OK)
                ks = kz_store_activities(st, l->id, &acts, err);
            if (ks != KZ_OK)
                break;
            size_t n = 0;
            while (n < acts.n && acts.v[n].at < at)
                n++;
            if (pc.prev[i])
                kz_lead_set_text(&scratch, KZ_F_STAGE, pc.prev[i]);
            grade = p->grade(&scratch, acts.v, n, at, p->ud);
        }
        int last;
        bucket *b = bucket_get(&grades, or_label(grade, NONE_LABEL, &last), NULL);
        b->last_a = last;
        b->v[0]++;
        b->v[won ? 1 : 2]++;
    }
    if (ks == KZ_OK) {
        sort_n(grades.v, grades.n, sizeof *grades.v, bucket_cmp_name);
        kz_rtable *t =
            kz_report_table(out, "by_grade", N_("Win rate of closed deals per grade band"),
                            grade_cols, 5, "win_rate");
        for (size_t i = 0; i < grades.n; i++) {
            const bucket *b = &grades.v[i];
            kz_rcell *row = kz_rtable_row(t);
            kz_rcell_text(&row[0], b->a);
            kz_rcell_int(&row[1], b->v[0]);
            kz_rcell_int(&row[2], b->v[1]);
            kz_rcell_int(&row[3], b->v[2]);
            kz_rcell_rate(&row[4], b->v[1], b->v[0]);
        }
        if (p->grade)
            kz_report_note(out, N_("Grades recomputed with the given rules: each deal scored as it "
                                   "stood before it closed (in the stage it closed from, with the "
                                   "activities logged before the close, as of the close)."));
        else
            kz_report_note(out, N_("Grades as stored on each lead (its last scoring)."));
    }
    for (size_t i = 0; i < lv.n; i++)
        free(pc.prev[i]);
    free(pc.prev);
    kz_lead_free(&scratch);
    kz_activity_list_free(&acts);
    buckets_free(&grades);
    lead_vec_free(&lv);
    return end_snapshot(st, opened, ks, err);
}

/* ---- stakeholders ---- */

static const kz_rcol coverage_cols[] = {
    {"coverage", N_("COVERAGE"), KZ_RT_TEXT},     {"deals", N_("DEALS"), KZ_RT_COUNT},
    {"won", N_("WON"), KZ_RT_COUNT},              {"lost", N_("LOST"), KZ_RT_COUNT},
    {"win_rate", N_("WIN RATE"), KZ_RT_PERCENT},  {"median_days", N_("MEDIAN DAYS"), KZ_RT_DAYS},
    {"mean_days", N_("MEAN DAYS"), KZ_RT_DAYS},
};

/* One row of a coverage table: the closed deals of one kind of coverage
 * and their cycle lengths (days from creation to close). */
typedef struct coverage {
    const char *key;
    int64_t won, lost;
    double *days; /* owned */
    size_t n, cap;
} coverage;

static void coverage_add(coverage *c, bool won, double days)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->days = kz_xrealloc(c->days, c->cap * sizeof *c->days);
    }
    c->days[c->n++] = days;
    if (won)
        c->won++;
    else
        c->lost++;
}

static void coverage_table(kz_report *out, const char *key, const char *title, coverage *rows,
                           size_t nrows)
{
    kz_rtable *t = kz_report_table(out, key, title, coverage_cols,
                                   sizeof coverage_cols / sizeof coverage_cols[0], "win_rate");
    for (size_t i = 0; i < nrows; i++) {
        coverage *c = &rows[i];
        kz_rcell *row = kz_rtable_row(t);
        kz_rcell_text(&row[0], c->key);
        kz_rcell_int(&row[1], c->won + c->lost);
        kz_rcell_int(&row[2], c->won);
        kz_rcell_int(&row[3], c->lost);
        kz_rcell_rate(&row[4], c->won, c->won + c->lost);
        if (c->n) {
            sort_n(c->days, c->n, sizeof *c->days, cmp_double);
            double sum = 0;
            for (size_t k = 0; k < c->n; k++)
                sum += c->days[k];
            kz_rcell_real(&row[5], kz_percentile(c->days, c->n, 0.5));
            kz_rcell_real(&row[6], sum / (double)c->n);
        }
    }
}

kz_status kz_report_stakeholders(kz_store *st, const kz_report_pipeline *p,
                                 const kz_report_opts *o, kz_report *out, kz_err *err)
{
    start_report(out, "stakeholders", N_("Stakeholder coverage"), o);
    bool opened;
    kz_status ks = snapshot(st, &opened, err);
    if (ks != KZ_OK)
        return ks;
    lead_vec lv = {0};
    ks = load_leads(st, p, o, &lv, err);
    period pd = period_of(o);
    coverage champ[2] = {{"champion known", 0, 0, NULL, 0, 0}, {"no champion", 0, 0, NULL, 0, 0}};
    coverage dm[3] = {{"reached", 0, 0, NULL, 0, 0},
                      {"known, not reached", 0, 0, NULL, 0, 0},
                      {"not known", 0, 0, NULL, 0, 0}};
    kz_stakeholder_list shs = {0};
    kz_activity_list acts = {0};
    for (size_t i = 0; ks == KZ_OK && i < lv.n; i++) {
        const rlead *l = &lv.v[i];
        bool won;
        if (!closed_in(p, l, &pd, &won))
            continue;
        int64_t closed = l->entered;
        kz_stakeholder_list_free(&shs);
        kz_activity_list_clear(&acts);
        ks = kz_store_stakeholders(st, l->id, &shs, err);
        if (ks == KZ_OK)
            ks = kz_store_activities(st, l->id, &acts, err);
        if (ks != KZ_OK)
            break;
        /* known before the close: added by then (0: added before kariz
         * recorded when) */
        bool has_champ = false, has_dm = false, reached = false;
        for (size_t k = 0; k < shs.n; k++) {
            const kz_stakeholder *sh = &shs.v[k];
            if (!sh->role || sh->created > closed)
                continue;
            has_champ |= strcmp(sh->role, "champion") == 0;
            has_dm |= strcmp(sh->role, "decision_maker") == 0;
        }
        for (size_t k = 0; k < acts.n; k++)
            reached |= acts.v[k].at <= closed && strcmp(acts.v[k].with_role, "decision_maker") == 0;
        double days = l->created && closed >= l->created ? (double)(closed - l->created) / 86400.0
                                                         : 0.0;
        coverage_add(&champ[has_champ ? 0 : 1], won, days);
        coverage_add(&dm[reached ? 0 : has_dm ? 1 : 2], won, days);
    }
    if (ks == KZ_OK) {
        coverage_table(out, "by_champion", N_("Closed deals by champion"), champ, 2);
        coverage_table(out, "by_decision_maker",
                       N_("Closed deals by access to the decision maker"), dm, 3);
        kz_report_note(out, N_("Deals closed (won or lost) in the period. A champion or decision "
                               "maker counts when added before the close; the decision maker is "
                               "reached when a touch was logged with them before it. Days: from "
                               "the lead's creation to its close."));
    }
    for (size_t i = 0; i < 2; i++)
        free(champ[i].days);
    for (size_t i = 0; i < 3; i++)
        free(dm[i].days);
    kz_stakeholder_list_free(&shs);
    kz_activity_list_free(&acts);
    lead_vec_free(&lv);
    return end_snapshot(st, opened, ks, err);
}

/* ---- by name ---- */

kz_status kz_report_run(kz_store *st, const kz_report_pipeline *p, const char *name,
                        const kz_report_opts *o, kz_report *out, kz_err *err)
{
    static const struct {
        const char *name;
        kz_status (*fn)(kz_store *, const kz_report_pipeline *, const kz_report_opts *,
                        kz_report *, kz_err *);
    } reports[] = {
        {"funnel", kz_report_funnel},     {"forecast", kz_report_forecast},
        {"velocity", kz_report_velocity}, {"losses", kz_report_losses},
        {"channels", kz_report_channels}, {"scoring", kz_report_scoring_with},
        {"stakeholders", kz_report_stakeholders},
    };
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++)
        if (strcmp(reports[i].name, name) == 0) {
            out->currency = p->currency;
            out->stages = p->stages;
            out->nstages = p->nstages;
            return reports[i].fn(st, p, o, out, err);
        }
    return kz_err_set(err, KZ_EINVAL, _("unknown report \"%s\" (reports: %s)"), name,
                      KZ_REPORT_NAMES);
}
