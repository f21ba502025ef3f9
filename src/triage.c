/* triage.c - the queue of leads that need a decision now. */
#include "kariz/triage.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"

typedef struct build {
    kz_session *s;
    kz_triage_queue *q;
    int today;
    int64_t now;
    kz_status ks;
    kz_err *err;
} build;

static bool consider(const kz_lead *l, void *ud)
{
    build *b = ud;
    kz_triage_item it = {0};
    it.id = kz_lead_num(l, KZ_F_ID);
    it.score = (int)kz_lead_num(l, KZ_F_SCORE);
    if (kz_lead_is_overdue(l, b->today)) {
        it.why |= KZ_TRIAGE_OVERDUE;
        it.overdue_days = b->today - (int)kz_lead_num(l, KZ_F_NEXT_DUE);
    }
    if (kz_lead_is_stale(b->s->rules, l, b->now, &it.idle_days, &it.stale_limit)) {
        it.why |= KZ_TRIAGE_STALE;
        const char *name = kz_lead_text(l, KZ_F_STAGE);
        const kz_stage *st = name ? kz_rules_stage(b->s->rules, name) : NULL;
        it.stage = st ? (st->label ? st->label : st->name) : NULL;
        const char *step = kz_lead_text(l, KZ_F_NEXT_STEP);
        it.no_step = !kz_lead_has(l, KZ_F_NEXT_DUE) && !(step && *step);
    }
    bool triaged, touched;
    char grade[32];
    b->ks = kz_store_triage_facts(b->s->store, it.id, &triaged, grade, sizeof grade, &touched,
                                  b->err);
    if (b->ks != KZ_OK)
        return false;
    /* new: nobody has looked at it yet; a lead that has waited past its
     * stage's limit is stale rather than new */
    if (!triaged && !touched && !(it.why & KZ_TRIAGE_STALE))
        it.why |= KZ_TRIAGE_NEW;
    const char *now_grade = kz_lead_text(l, KZ_F_GRADE);
    if (triaged && strcmp(grade, now_grade ? now_grade : "") != 0)
        it.why |= KZ_TRIAGE_REGRADED;
    if (!it.why)
        return true;
    kz_triage_queue *q = b->q;
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 64;
        q->v = kz_xrealloc(q->v, q->cap * sizeof *q->v);
    }
    q->v[q->n++] = it;
    return true;
}

static int urgency(const void *pa, const void *pb)
{
    const kz_triage_item *a = pa, *b = pb;
    bool oa = a->why & KZ_TRIAGE_OVERDUE, ob = b->why & KZ_TRIAGE_OVERDUE;
    if (oa != ob)
        return oa ? -1 : 1;
    if (oa && a->overdue_days != b->overdue_days)
        return a->overdue_days > b->overdue_days ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

kz_status kz_triage_build(kz_session *s, const kz_triage_opts *o, kz_triage_queue *q,
                          kz_err *err)
{
    build b = {s, q, 0, kz_session_now(s), KZ_OK, err};
    b.today = kz_today(b.now);
    q->n = 0;
    kz_query lq = {0};
    lq.owner = o && o->all_owners ? NULL : o && o->owner ? o->owner : s->actor;
    lq.with_unassigned = o ? o->with_unassigned : true;
    lq.open_only = true;
    lq.sort = KZ_SORT_ID;
    kz_status ks = kz_store_begin_read(s->store, err);
    if (ks != KZ_OK)
        return ks;
    ks = kz_store_list(s->store, &lq, false, consider, &b, err);
    kz_store_rollback(s->store); /* ends the read snapshot */
    if (ks == KZ_OK)
        ks = b.ks;
    if (ks != KZ_OK)
        return ks;
    if (q->n > 1) /* qsort must not see the NULL array of an empty queue */
        qsort(q->v, q->n, sizeof *q->v, urgency);
    if (o && o->limit && q->n > o->limit)
        q->n = o->limit;
    return KZ_OK;
}

void kz_triage_queue_free(kz_triage_queue *q)
{
    free(q->v);
    memset(q, 0, sizeof *q);
}

void kz_triage_why(const kz_triage_item *it, char *out, size_t outlen)
{
    kz_buf b = KZ_BUF_INIT;
    if (it->why & KZ_TRIAGE_OVERDUE)
        kz_buf_printf(&b, _("overdue %dd"), it->overdue_days);
    if (it->why & KZ_TRIAGE_STALE) {
        kz_buf_printf(&b, _("%sidle %dd"), b.len ? ", " : "", it->idle_days);
        if (it->stage)
            kz_buf_printf(&b, _(" in %s"), it->stage);
        if (it->stale_limit > 0)
            kz_buf_printf(&b, _(" (allows %dd)"), it->stale_limit);
        if (it->no_step)
            kz_buf_puts(&b, _(", no next step"));
    }
    if (it->why & KZ_TRIAGE_NEW)
        kz_buf_printf(&b, _("%snew"), b.len ? ", " : "");
    if (it->why & KZ_TRIAGE_REGRADED)
        kz_buf_printf(&b, _("%sband changed"), b.len ? ", " : "");
    snprintf(out, outlen, "%s", kz_buf_str(&b));
    kz_buf_free(&b);
}

kz_status kz_triage_mark(kz_session *s, int64_t id, const char *decision, kz_err *err)
{
    kz_lead l;
    kz_lead_init(&l);
    kz_status ks = kz_store_lead_get(s->store, id, &l, err);
    if (ks == KZ_OK)
        ks = kz_store_triage_add(s->store, id, s->actor, kz_session_now(s), decision,
                                 kz_lead_text(&l, KZ_F_GRADE), err);
    kz_lead_free(&l);
    return ks;
}

kz_status kz_triage_unmark(kz_session *s, int64_t id, kz_err *err)
{
    return kz_store_triage_remove_last(s->store, id, s->actor, err);
}

static void progress_key(const kz_session *s, char *key, size_t n)
{
    snprintf(key, n, "triage.progress.%s", s->actor);
}

kz_status kz_triage_progress_get(kz_session *s, kz_triage_progress *p, kz_err *err)
{
    char key[80];
    progress_key(s, key, sizeof key);
    char *v = NULL;
    memset(p, 0, sizeof *p);
    kz_status ks = kz_store_meta_get(s->store, key, &v, err);
    if (ks == KZ_OK && v && sscanf(v, "%" SCNd64 " %" SCNd64, &p->last_id, &p->decisions) != 2)
        memset(p, 0, sizeof *p);
    free(v);
    return ks;
}

kz_status kz_triage_progress_set(kz_session *s, const kz_triage_progress *p, kz_err *err)
{
    char key[80], val[64];
    progress_key(s, key, sizeof key);
    snprintf(val, sizeof val, "%" PRId64 " %" PRId64, p->last_id, p->decisions);
    return kz_store_meta_set(s->store, key, val, err);
}

size_t kz_triage_resume_index(const kz_triage_queue *q, const kz_triage_progress *p)
{
    /* The last lead decided on has usually left the queue; resume at the
     * first lead after it in the stored order, else at the top. */
    if (!p->last_id)
        return 0;
    for (size_t i = 0; i < q->n; i++)
        if (q->v[i].id == p->last_id)
            return i + 1 < q->n ? i + 1 : 0;
    return 0;
}
