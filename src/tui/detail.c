/* detail.c - one lead in full: fields, custom fields, the qualification
 * checklist (pain, interest, fit, BANT), the score explained, activities,
 * stakeholders and the event history. A scrolling list of lines. */
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/account.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/prefs.h"
#include "kariz/labels.h"
#include "kariz/money.h"
#include "kariz/pipeline.h"
#include "kariz/rules.h"
#include "kariz/store.h"
#include "kariz/text.h"
#include "tui/tui_int.h"

#define LABEL_W 18

typedef struct dline {
    kz_role role;   /* role of the label (or the whole line without label) */
    kz_role trole;  /* role of the text */
    char *label;    /* owned; may be NULL */
    char *text;     /* owned; raw data, sanitised when drawn */
} dline;

typedef struct detail {
    int64_t id;
    bool account; /* the account of the lead's company, not the lead */
    int64_t version;
    bool loaded;
    kz_lead seen; /* the lead as last read, here or by the view it opened from */
    char title[128];
    dline *lines; /* owned, n used */
    size_t n, cap;
    size_t top;
    int height; /* rows available at the last draw */
} detail;

static void clear_lines(detail *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->lines[i].label);
        free(d->lines[i].text);
    }
    d->n = 0;
}

static void add_line(detail *d, kz_role role, kz_role trole, const char *label, const char *text)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->lines = kz_xrealloc(d->lines, d->cap * sizeof *d->lines);
    }
    dline *l = &d->lines[d->n++];
    l->role = role;
    l->trole = trole;
    l->label = label ? kz_xstrdup(label) : NULL;
    l->text = kz_xstrdup(text ? text : "");
}

/* Adds text that may hold several lines, one line each. */
static void add_multiline(detail *d, const char *label, const char *text)
{
    const char *p = text ? text : "";
    bool first = true;
    do {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *piece = kz_xstrndup(p, n); /* owned */
        add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, first ? label : "", piece);
        free(piece);
        first = false;
        p = nl ? nl + 1 : NULL;
    } while (p && *p);
}

static void section(detail *d, const char *title)
{
    add_line(d, KZ_ROLE_DEFAULT, KZ_ROLE_DEFAULT, NULL, "");
    add_line(d, KZ_ROLE_SECTION, KZ_ROLE_SECTION, NULL, title);
}

static void build(detail *d, kz_tui *t, const kz_lead *l, const kz_score *sc)
{
    char buf[512];
    const char *name = kz_lead_text(l, KZ_F_NAME);
    snprintf(d->title, sizeof d->title, _("lead %" PRId64 " (version %" PRId64 ")"), d->id,
             kz_lead_num(l, KZ_F_VERSION));
    kz_digits_show(d->title, sizeof d->title);
    add_line(d, KZ_ROLE_CARD_NAME, KZ_ROLE_CARD_NAME, NULL, name ? name : _("(no name)"));

    /* the summary a salesperson reads first */
    {
        kz_buf b = KZ_BUF_INIT; /* owned */
        const char *stage = kz_lead_text(l, KZ_F_STAGE);
        const kz_stage *st = stage ? kz_rules_stage(t->s->rules, stage) : NULL;
        char v[64] = "-";
        if (kz_lead_has(l, KZ_F_VALUE))
            kz_money_full(kz_lead_num(l, KZ_F_VALUE), kz_tui_currency(t, l), v, sizeof v);
        const char *owner = kz_lead_text(l, KZ_F_OWNER);
        const char *company = kz_lead_text(l, KZ_F_COMPANY);
        kz_buf_printf(&b, "%s%s%s", company ? company : "", company ? "  " : "",
                      st && st->label ? st->label : stage ? stage : "-");
        kz_buf_printf(&b, _("  value %s  owner %s"), v, owner && *owner ? owner : _("(unassigned)"));
        add_line(d, KZ_ROLE_DEFAULT, KZ_ROLE_DEFAULT, NULL, kz_buf_str(&b));
        kz_buf_reset(&b);
        const char *step = kz_lead_text(l, KZ_F_NEXT_STEP);
        if (kz_lead_has(l, KZ_F_NEXT_DUE)) {
            char rel[KZ_DATE_TEXT];
            kz_day_relative((int)kz_lead_num(l, KZ_F_NEXT_DUE), t->today, rel, sizeof rel);
            kz_buf_printf(&b, _("next: %s, due %s%s"), step ? step : _("(no step)"), rel,
                          kz_lead_is_overdue(l, t->today) ? _(" (overdue)") : "");
        } else {
            kz_buf_printf(&b, _("next: %s"), step ? step : _("no next step set (f sets one)"));
        }
        add_line(d, KZ_ROLE_DEFAULT, kz_lead_is_overdue(l, t->today) ? KZ_ROLE_OVERDUE
                                                                     : KZ_ROLE_DEFAULT,
                 NULL, kz_buf_str(&b));
        kz_buf_free(&b);
    }

    /* the other people looking at this lead right now */
    {
        const char *who[16];
        size_t n = kz_tui_present(t, d->id, who, 16);
        if (n) {
            kz_buf b = KZ_BUF_INIT; /* owned */
            kz_buf_puts(&b, _("also open: "));
            for (size_t i = 0; i < n; i++)
                kz_buf_printf(&b, "%s%s", i ? ", " : "", who[i]);
            add_line(d, KZ_ROLE_PRESENCE, KZ_ROLE_PRESENCE, NULL, kz_buf_str(&b));
            kz_buf_free(&b);
        }
    }

    section(d, _("Qualification"));
    for (int c = 0; c < KZ_CRIT__COUNT; c++) {
        int v = sc ? sc->sub[c] : (int)kz_lead_num(l, kz_criterion_field((kz_criterion)c));
        snprintf(buf, sizeof buf, "[%s] %+d", v > 0 ? "x" : " ", v);
        kz_digits_show(buf, sizeof buf);
        add_line(d, KZ_ROLE_LABEL, v > 0 ? KZ_ROLE_CHECK_YES : KZ_ROLE_CHECK_NO,
                 kz_label_criterion((kz_criterion)c), buf);
    }

    section(d, _("Score"));
    if (sc) {
        char total[32];
        snprintf(total, sizeof total, "%d", sc->total);
        kz_digits_show(total, sizeof total);
        int len = snprintf(buf, sizeof buf, _("%s  grade %s"), total, sc->grade ? sc->grade : "-");
        if (sc->persona && len >= 0 && (size_t)len < sizeof buf)
            snprintf(buf + len, sizeof buf - (size_t)len, _("  persona %s"), sc->persona);
        add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, _("total"), buf);
        for (size_t i = 0; i < sc->nhits; i++) {
            const kz_score_hit *h = &sc->hits[i];
            kz_buf b = KZ_BUF_INIT; /* owned */
            kz_tui_score_hit(t, l, h, &b);
            add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, kz_label_criterion(h->crit),
                     kz_buf_str(&b));
            kz_buf_free(&b);
        }
        if (sc->hits_dropped) {
            snprintf(buf, sizeof buf,
                     P_("%zu more rule matched", "%zu more rules matched", sc->hits_dropped),
                     sc->hits_dropped);
            add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, "", buf);
        }
        if (sc->nhits == 0)
            add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, "", _("no rule matched"));
    } else {
        add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, "", _("score explanation unavailable"));
    }
    kz_err err;
    kz_activity_list acts = {0};
    section(d, _("Activity"));
    if (kz_store_activities(t->s->store, d->id, &acts, &err) == KZ_OK) {
        for (size_t i = acts.n; i-- > 0;) {
            const kz_activity *a = &acts.v[i];
            char when[KZ_DATE_TEXT];
            kz_time_show(a->at, when, sizeof when);
            kz_buf b = KZ_BUF_INIT; /* owned */
            kz_touch_label(a, &b);
            add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, when, kz_buf_str(&b));
            if (a->note && *a->note)
                add_multiline(d, "", a->note);
            kz_buf_free(&b);
        }
        if (acts.n == 0)
            add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, "", _("nothing logged yet"));
    } else {
        add_line(d, KZ_ROLE_LABEL, KZ_ROLE_ERROR, "", err.msg);
    }
    kz_activity_list_free(&acts);

    kz_stakeholder_list sh = {0};
    section(d, _("Stakeholders"));
    if (kz_store_stakeholders(t->s->store, d->id, &sh, &err) == KZ_OK) {
        for (size_t i = 0; i < sh.n; i++) {
            const kz_stakeholder *s = &sh.v[i];
            kz_buf b = KZ_BUF_INIT, role = KZ_BUF_INIT; /* owned */
            kz_label_value(t->s->rules, "role", s->role, &role);
            kz_buf_printf(&b, "%s", s->name ? s->name : "");
            if (s->title)
                kz_buf_printf(&b, ", %s", s->title);
            if (s->email)
                kz_buf_printf(&b, "  %s", s->email);
            if (s->phone)
                kz_buf_printf(&b, "  %s", s->phone);
            if (s->last_touch) {
                char rel[KZ_DATE_TEXT];
                kz_day_relative(kz_day_from_time(s->last_touch), t->today, rel, sizeof rel);
                kz_buf_printf(&b, _("  touched %s"), rel);
            } else {
                kz_buf_puts(&b, _("  not touched yet"));
            }
            if (s->note)
                kz_buf_printf(&b, "  (%s)", s->note);
            add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, kz_buf_str(&role), kz_buf_str(&b));
            kz_buf_free(&b);
            kz_buf_free(&role);
        }
        if (sh.n == 0)
            add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, "", _("none recorded (p adds one)"));
    }
    kz_stakeholder_list_free(&sh);

    section(d, _("Fields"));
    for (int f = 0; f < KZ_F__COUNT; f++) {
        if (!kz_lead_has(l, (kz_field)f))
            continue;
        const kz_field_info *fi = kz_field_get((kz_field)f);
        kz_lead_show(l, (kz_field)f, buf, sizeof buf);
        if (fi->type == KZ_FT_MONEY) {
            kz_money_full(kz_lead_num(l, (kz_field)f), kz_tui_currency(t, l), buf, sizeof buf);
        } else if (f == KZ_F_STAGE || f == KZ_F_LOST_FROM || f == KZ_F_LOST_REASON ||
                   f == KZ_F_STATUS) {
            kz_buf words = KZ_BUF_INIT; /* owned */
            kz_label_value(t->s->rules, fi->name, buf, &words);
            snprintf(buf, sizeof buf, "%s", kz_buf_str(&words));
            kz_buf_free(&words);
        }
        if (f == KZ_F_NEXT_DUE) {
            char rel[KZ_DATE_TEXT];
            kz_day_relative((int)kz_lead_num(l, KZ_F_NEXT_DUE), t->today, rel, sizeof rel);
            size_t len = strlen(buf);
            snprintf(buf + len, sizeof buf - len, " (%s%s)", rel,
                     kz_lead_is_overdue(l, t->today) ? _(", overdue") : "");
        }
        kz_buf flabel = KZ_BUF_INIT; /* owned */
        kz_label_key(fi->name, &flabel);
        add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, kz_buf_str(&flabel), buf);
        kz_buf_free(&flabel);
    }
    int idle = 0, limit = 0;
    if (kz_lead_is_stale(t->s->rules, l, kz_session_now(t->s), &idle, &limit)) {
        snprintf(buf, sizeof buf,
                 P_("stale: idle %d day, the stage allows %d",
                    "stale: idle %d days, the stage allows %d", idle),
                 idle, limit);
        add_line(d, KZ_ROLE_LABEL, KZ_ROLE_STALE, _("stale"), buf);
    }
    if (l->ncustom) {
        section(d, _("Custom fields"));
        for (size_t i = 0; i < l->ncustom; i++)
            add_multiline(d, l->custom[i].name, l->custom[i].value);
    }

    kz_event_list ev = {0};
    section(d, _("History"));
    if (kz_store_events(t->s->store, d->id, 0, &ev, &err) == KZ_OK) {
        for (size_t i = ev.n; i-- > 0;) {
            const kz_event *e = &ev.v[i];
            char when[KZ_DATE_TEXT];
            kz_time_show(e->at, when, sizeof when);
            kz_buf b = KZ_BUF_INIT; /* owned */
            kz_buf_printf(&b, "%s ", kz_label_event_kind(e->kind));
            kz_label_event(t->s->rules, e, &b);
            kz_buf_printf(&b, _(" by %s"), e->actor);
            add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, when, kz_buf_str(&b));
            kz_buf_free(&b);
        }
    }
    kz_event_list_free(&ev);
}

/* The account view: the lines of the lead's company as an account. */
static void build_account(detail *d, kz_tui *t)
{
    char idb[32];
    snprintf(idb, sizeof idb, "%" PRId64, d->id);
    kz_account a;
    kz_err err;
    if (kz_account_load(t->s->store, t->s->rules, idb, &a, &err) != KZ_OK) {
        snprintf(d->title, sizeof d->title, _("account of lead %" PRId64), d->id);
        add_line(d, KZ_ROLE_ERROR, KZ_ROLE_ERROR, NULL, err.msg);
        return;
    }
    snprintf(d->title, sizeof d->title, _("account %.100s"), a.name);
    const char *cur = kz_tui_currency(t, NULL);
    char v1[64], v2[64];
    kz_money_full(a.open_value, cur, v1, sizeof v1);
    kz_money_full(a.weighted, cur, v2, sizeof v2);
    kz_buf b = KZ_BUF_INIT; /* owned */
    kz_buf_printf(&b, _("%zu leads, %zu open, open value %s, weighted %s"), a.nleads, a.nopen,
                  v1, v2);
    add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, a.name, kz_buf_str(&b));
    kz_buf_reset(&b);
    if (a.last_touch) {
        char when[KZ_DATE_TEXT];
        kz_time_show(a.last_touch, when, sizeof when);
        kz_buf_printf(&b, _("%s by %s"), when, a.last_by);
    } else {
        kz_buf_puts(&b, _("none logged"));
    }
    add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, _("last touch"), kz_buf_str(&b));
    section(d, _("Leads"));
    for (size_t i = 0; i < a.nleads; i++) {
        const kz_lead *l = &a.leads[i];
        kz_buf_reset(&b);
        const char *n = kz_lead_text(l, KZ_F_NAME), *o = kz_lead_text(l, KZ_F_OWNER);
        kz_buf_printf(&b, "%s  ", n ? n : "(no name)");
        kz_label_value(t->s->rules, "stage", kz_lead_text(l, KZ_F_STAGE), &b);
        kz_buf_printf(&b, "  %s", o && *o ? o : _("(unassigned)"));
        if (kz_lead_has(l, KZ_F_VALUE)) {
            kz_money_full(kz_lead_num(l, KZ_F_VALUE), kz_tui_currency(t, l), v1, sizeof v1);
            kz_buf_printf(&b, "  %s", v1);
        }
        snprintf(idb, sizeof idb, "#%" PRId64, kz_lead_num(l, KZ_F_ID));
        add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, idb, kz_buf_str(&b));
    }
    section(d, _("Stakeholders"));
    for (size_t i = 0; i < a.people.n; i++) {
        const kz_stakeholder *s = &a.people.v[i];
        kz_buf role = KZ_BUF_INIT;
        kz_label_value(t->s->rules, "role", s->role, &role);
        kz_buf_reset(&b);
        kz_buf_printf(&b, "%s%s%s  #%" PRId64, s->name ? s->name : "", s->title ? ", " : "",
                      s->title ? s->title : "", s->lead_id);
        add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, kz_buf_str(&role), kz_buf_str(&b));
        kz_buf_free(&role);
    }
    if (a.people.n == 0)
        add_line(d, KZ_ROLE_LABEL, KZ_ROLE_DEFAULT, "", _("none recorded"));
    kz_buf_free(&b);
    kz_account_free(&a);
}

static void detail_reload(kz_view *v, kz_tui *t)
{
    detail *d = v->priv;
    clear_lines(d);
    if (d->account) {
        d->loaded = true;
        build_account(d, t);
        if (d->top >= d->n)
            d->top = d->n ? d->n - 1 : 0;
        return;
    }
    kz_err err;
    kz_lead l;
    kz_lead_init(&l);
    kz_score *sc = kz_xcalloc(1, sizeof *sc); /* owned */
    kz_status st = kz_store_lead_get(t->s->store, d->id, &l, &err);
    if (st == KZ_EGONE && kz_lead_num(&d->seen, KZ_F_ID) == d->id) {
        /* the server cannot be reached: the lead as last read (here, or on
         * the card it was opened from), what else it holds once it answers */
        d->loaded = true;
        d->version = kz_lead_num(&d->seen, KZ_F_VERSION);
        add_line(d, KZ_ROLE_ERROR, KZ_ROLE_ERROR, NULL,
                 _("the database is unreachable: the lead as last read; its activity, people "
                   "and history once it answers"));
        build(d, t, &d->seen, NULL);
    } else if (st != KZ_OK) {
        d->loaded = false;
        snprintf(d->title, sizeof d->title, _("lead %" PRId64), d->id);

        add_line(d, KZ_ROLE_ERROR, KZ_ROLE_ERROR, NULL, err.msg);
    } else {
        d->loaded = true;
        d->version = kz_lead_num(&l, KZ_F_VERSION);
        kz_lead_copy(&d->seen, &l);
        kz_lead scratch;
        kz_lead_init(&scratch);
        bool have = kz_pipe_explain(t->s, d->id, &scratch, sc, &err) == KZ_OK;
        kz_lead_free(&scratch);
        build(d, t, &l, have ? sc : NULL);
    }
    free(sc);
    kz_lead_free(&l);
    if (d->top >= d->n)
        d->top = d->n ? d->n - 1 : 0;
}

static void detail_draw(kz_view *v, kz_tui *t, kz_rect area)
{
    detail *d = v->priv;
    d->height = area.h;
    /* the label column as wide as its widest label (a date and time in
     * the Persian calendar, a long role), at least LABEL_W, at most a
     * third of the view */
    int label_w = LABEL_W, most = area.w / 3;
    for (size_t i = 0; i < d->n && label_w < most; i++) {
        if (!d->lines[i].label || !d->lines[i].label[0])
            continue;
        kz_buf b = KZ_BUF_INIT; /* owned */
        int w = kz_text_fit(&b, d->lines[i].label, most, false, false) + 1;
        kz_buf_free(&b);
        if (w > label_w)
            label_w = w < most ? w : most;
    }
    for (int i = 0; i < area.h && d->top + (size_t)i < d->n; i++) {
        const dline *l = &d->lines[d->top + (size_t)i];
        int y = area.y + i, x = area.x + 1;
        if (l->label) {
            kz_draw_text(t, y, x, label_w - 1, l->label, l->role, false);
            x += label_w;
        }
        kz_draw_text(t, y, x, area.w - (x - area.x) - 1, l->text, l->trole, false);
    }
}

static unsigned detail_action(kz_view *v, kz_tui *t, kz_action a)
{
    detail *d = v->priv;
    size_t page = d->height > 2 ? (size_t)d->height - 2 : 1;
    size_t max = d->n > (size_t)d->height ? d->n - (size_t)d->height : 0;
    switch (a) {
    case KZ_ACT_CURSOR_DOWN:
        if (d->top < max)
            d->top++;
        return KZ_UI_REDRAW;
    case KZ_ACT_CURSOR_UP:
        if (d->top > 0)
            d->top--;
        return KZ_UI_REDRAW;
    case KZ_ACT_PAGE_DOWN:
        d->top = d->top + page < max ? d->top + page : max;
        return KZ_UI_REDRAW;
    case KZ_ACT_PAGE_UP:
        d->top = d->top > page ? d->top - page : 0;
        return KZ_UI_REDRAW;
    case KZ_ACT_FIRST:
        d->top = 0;
        return KZ_UI_REDRAW;
    case KZ_ACT_LAST:
        d->top = max;
        return KZ_UI_REDRAW;
    case KZ_ACT_QUIT:
        return KZ_UI_POP | KZ_UI_RELOAD;
    case KZ_ACT_BACK:
        return KZ_UI_POP | KZ_UI_RELOAD;
    case KZ_ACT_STAKEHOLDERS:
        if (d->account)
            return KZ_UI_UNBOUND;
        return d->loaded ? kz_stakeholder_edit(t, d->id, d->version) : KZ_UI_REDRAW;
    default:
        return KZ_UI_UNBOUND;
    }
}

static bool detail_current(kz_view *v, int64_t *id, int64_t *version)
{
    detail *d = v->priv;
    if (!d->loaded || d->account)
        return false;
    *id = d->id;
    *version = d->version;
    return true;
}

static const kz_lead *detail_seen(kz_view *v)
{
    detail *d = v->priv;
    return d->loaded && !d->account ? &d->seen : NULL;
}

static void detail_destroy(kz_view *v)
{
    detail *d = v->priv;
    kz_lead_free(&d->seen);
    clear_lines(d);
    free(d->lines);
    free(d);
    free(v);
}

static const char *detail_title(kz_view *v)
{
    detail *d = v->priv;
    return d->title;
}

static const kz_hint detail_hints[] = {
    {KZ_ACT_HELP, N_("help")},      {KZ_ACT_BACK, N_("back")},       {KZ_ACT_MOVE_NEXT, N_("next stage")},
    {KZ_ACT_MOVE_PREV, N_("back a stage")}, {KZ_ACT_WON, N_("won")}, {KZ_ACT_LOST, N_("lost")},
    {KZ_ACT_EDIT, N_("edit")},      {KZ_ACT_NOTE, N_("note")},       {KZ_ACT_LOG_CALL, N_("call")},
    {KZ_ACT_FOLLOWUP, N_("next step")}, {KZ_ACT_ASSIGN, N_("assign")}, {KZ_ACT_STAKEHOLDERS, N_("people")},
    {KZ_ACT_NONE, NULL}};

static const kz_view_ops detail_ops = {
    .title = N_("lead"),

    .title_text = detail_title,
    .keymap = KZ_KM_DETAIL,
    .reload = detail_reload,
    .draw = detail_draw,
    .action = detail_action,
    .current = detail_current,
    .seen = detail_seen,
    .hints = detail_hints,
    .destroy = detail_destroy,
    .mirrors = true,
};

kz_view *kz_account_view_new(kz_tui *t, int64_t id)
{
    kz_view *v = kz_detail_view_new(t, id);
    ((detail *)v->priv)->account = true;
    return v;
}

kz_view *kz_detail_view_new(kz_tui *t, int64_t id)
{
    detail *d = kz_xcalloc(1, sizeof *d);
    d->id = id;
    /* the lead as the view it opens from read it (the board's card,
     * triage's lead): what it shows while the database cannot be reached */
    kz_view *from = t->depth ? t->stack[t->depth - 1] : NULL;
    const kz_lead *seen = from && from->ops->seen ? from->ops->seen(from) : NULL;
    if (seen && kz_lead_num(seen, KZ_F_ID) == id)
        kz_lead_copy(&d->seen, seen);
    kz_view *v = kz_xcalloc(1, sizeof *v);
    v->ops = &detail_ops;
    v->priv = d;
    return v;
}
