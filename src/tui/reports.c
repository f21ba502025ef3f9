/* reports.c - the report screen (R on the board): the six managers'
 * reports of src/report.c drawn as text tables with bar charts, one at a
 * time, sized to the terminal.
 *
 * A report is computed when it is selected and kept per name until the
 * database changes (kz_store_data_version) or a filter changes; drawing and
 * resizing only re-render the kept report for the new width. The lines come
 * from kz_report_render, which fits every piece of data text through
 * kz_text_fit; they reach curses through kz_draw_text all the same. */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/report.h"
#include "kariz/store.h"
#include "kariz/text.h"
#include "tui/tui_int.h"

#define NREPORTS 7

/* name: what kz_report_run (and `kariz report`) reads; label: what the
 * title line shows, translated there */
static const struct {
    const char *name;
    const char *label;
    kz_action action;
} reports[NREPORTS] = {
    {"funnel", N_("funnel"), KZ_ACT_REPORT_FUNNEL},
    {"forecast", N_("forecast"), KZ_ACT_REPORT_FORECAST},
    {"velocity", N_("velocity"), KZ_ACT_REPORT_VELOCITY},
    {"losses", N_("losses"), KZ_ACT_REPORT_LOSSES},
    {"channels", N_("channels"), KZ_ACT_REPORT_CHANNELS},
    {"scoring", N_("scoring"), KZ_ACT_REPORT_SCORING},
    {"stakeholders", N_("stakeholders"), KZ_ACT_REPORT_STAKEHOLDERS},
};

/* The periods the menu offers, as kz_period_span reads them ("" is all
 * time); the last item prompts for any other. The labels are the words
 * kz_period_span reads; the menu and the title show them translated. */
static const kz_menu_item period_items[] = {
    {'a', N_("all time")},   {'w', N_("this week")},    {'l', N_("last week")},
    {'m', N_("this month")}, {'n', N_("last month")},   {'3', N_("last 30 days")},
    {'9', N_("last 90 days")}, {'q', N_("last quarter")}, {'y', N_("this year")},
    {'/', N_("other period...")}};
#define NPERIOD_ITEMS (sizeof period_items / sizeof period_items[0])

/* A period as the user reads it: one the menu offers in the user's
 * language, one typed as it was typed ("" : all time). */
static const char *period_shown(const char *period)
{
    if (!period[0])
        return _("all time");
    for (size_t i = 0; i + 1 < NPERIOD_ITEMS; i++)
        if (strcmp(period, period_items[i].label) == 0)
            return _(period_items[i].label);
    return period;
}

/* One computed report and what it was computed for. */
typedef struct cached {
    bool valid;
    int64_t version; /* kz_store_data_version when computed */
    bool version_known; /* false: the version could not be read; compute again */
    bool mine;
    int from_day, to_day;
    bool failed;
    char error[1152]; /* when failed: "NAME report: " and the message */
    kz_report rep;    /* owned */
} cached;

/* What a rendered line is, for its colour. */
typedef enum line_kind { LK_TITLE, LK_SECTION, LK_HEADER, LK_ROW, LK_BARROW, LK_NOTE } line_kind;

typedef struct reports_view {
    kz_tui *t; /* borrowed: the screen this view belongs to */
    int cur;   /* index into reports[] */
    bool mine;
    char period[48]; /* as typed or picked ("" : all time), read by kz_period_span */
    bool unicode;
    cached cache[NREPORTS];
    kz_lines lines;     /* owned: the current report rendered */
    line_kind *kinds;   /* owned: one per line */
    int rendered_w;     /* width the lines were rendered for; 0: none */
    int rendered_for;   /* report index the lines show; -1: none */
    size_t top;
    int height;
    kz_buf title; /* owned: title_text's answer (zeroed = empty) */
    kz_buf period_error; /* owned: why the period typed was refused, shown whole
                          * above the report until the next key ("": none) */
} reports_view;

static bool locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

static void period_days(const reports_view *r, int today, int *from, int *to)
{
    *from = KZ_REPORT_OPEN_FROM;
    *to = KZ_REPORT_OPEN_TO;
    if (r->period[0] && kz_period_span(r->period, today, from, to, NULL) != KZ_OK) {
        *from = KZ_REPORT_OPEN_FROM; /* (checked when it was picked) */
        *to = KZ_REPORT_OPEN_TO;
    }
}

static void drop_rendered(reports_view *r)
{
    kz_lines_free(&r->lines);
    memset(&r->lines, 0, sizeof r->lines);
    free(r->kinds);
    r->kinds = NULL;
    r->rendered_w = 0;
    r->rendered_for = -1;
}

static void drop_cached(cached *c)
{
    if (c->valid && !c->failed)
        kz_report_free(&c->rep);
    c->valid = false;
    c->failed = false;
}

/* Makes the selected report current: computes it unless the kept one was
 * computed for the same data and filters. */
static void ensure_computed(reports_view *r)
{
    kz_tui *t = r->t;
    cached *c = &r->cache[r->cur];
    int64_t version = 0;
    kz_err err;
    bool have_version = kz_store_data_version(t->s->store, &version, &err) == KZ_OK;
    int from, to;
    period_days(r, t->today, &from, &to);
    if (c->valid && c->version_known && have_version && c->version == version &&
        c->mine == r->mine && c->from_day == from && c->to_day == to)
        return;
    drop_cached(c);
    if (r->rendered_for == r->cur)
        drop_rendered(r);
    kz_report_rules *rr = kz_xcalloc(1, sizeof *rr); /* owned here, freed below */
    kz_report_pipeline p;
    kz_report_pipeline_rules(&p, rr, t->s->rules, false);
    kz_report_opts o;
    o.from_day = from;
    o.to_day = to;
    o.owner = r->mine && t->s->actor ? t->s->actor : NULL;
    o.now = kz_session_now(t->s);
    kz_report_init(&c->rep);
    kz_status st = kz_report_run(t->s->store, &p, reports[r->cur].name, &o, &c->rep, &err);
    free(rr);
    c->valid = true;
    c->version = version;
    c->version_known = have_version;
    c->mine = r->mine;
    c->from_day = from;
    c->to_day = to;
    if (st != KZ_OK) {
        kz_report_free(&c->rep);
        c->failed = true;
        snprintf(c->error, sizeof c->error, _("%s report: %s"), _(reports[r->cur].label),
                 err.msg);
        kz_tui_error(t, "%s", c->error);
    }
}

/* Renders the current report for the width and classifies its lines from
 * the layout kz_report_render documents: the title, then per table a blank
 * line, its heading, the header row and one line per row (or one "nothing"
 * line), then a blank line and the notes. */
static void render(reports_view *r, int width)
{
    drop_rendered(r);
    cached *c = &r->cache[r->cur];
    r->rendered_w = width;
    r->rendered_for = r->cur;
    if (!c->valid || c->failed)
        return;
    kz_report_render(&c->rep, width, r->unicode, &r->lines);
    size_t n = r->lines.n;
    r->kinds = kz_xcalloc(n ? n : 1, sizeof *r->kinds);
    for (size_t i = 0; i < n; i++)
        r->kinds[i] = LK_NOTE;
    size_t i = 0;
    if (n)
        r->kinds[i++] = LK_TITLE;
    for (size_t tb = 0; tb < c->rep.ntables && i < n; tb++) {
        const kz_rtable *table = &c->rep.tables[tb];
        r->kinds[i++] = LK_ROW; /* blank */
        if (i < n)
            r->kinds[i++] = LK_SECTION;
        if (i < n)
            r->kinds[i++] = LK_HEADER;
        size_t rows = table->nrows ? table->nrows : 1;
        for (size_t k = 0; k < rows && i < n; k++, i++) {
            r->kinds[i] = table->bar >= 0 && table->nrows ? LK_BARROW : LK_ROW;
        }
    }
    size_t page = r->height > 0 ? (size_t)r->height : 1;
    size_t max = n > page ? n - page : 0;
    if (r->top > max)
        r->top = max;
}

static void reports_reload(kz_view *v, kz_tui *t)
{
    reports_view *r = v->priv;
    ensure_computed(r);
    render(r, kz_tui_area(t).w - 2);
}

static void draw_line(reports_view *r, kz_tui *t, int y, int x, int w, size_t i)
{
    const char *s = r->lines.v[i];
    static const kz_role roles[] = {KZ_ROLE_REPORT_TITLE,  KZ_ROLE_REPORT_SECTION,
                                    KZ_ROLE_REPORT_HEADER, KZ_ROLE_DEFAULT,
                                    KZ_ROLE_DEFAULT,       KZ_ROLE_REPORT_NOTE};
    line_kind k = r->kinds[i];
    if (k != LK_BARROW) {
        kz_draw_text(t, y, x, w, s, roles[k], false);
        return;
    }
    /* the bar in its colour, between the text before and after it */
    kz_bar_span bar = r->lines.bars[i];
    char *text = kz_xstrndup(s, bar.at); /* owned here */
    int used = kz_draw_text(t, y, x, w, text, KZ_ROLE_DEFAULT, false);
    free(text);
    if (bar.len && used < w) {
        text = kz_xstrndup(s + bar.at, bar.len);
        used += kz_draw_text(t, y, x + used, w - used, text, KZ_ROLE_REPORT_BAR, false);
        free(text);
    }
    if (s[bar.at + bar.len] && used < w)
        kz_draw_text(t, y, x + used, w - used, s + bar.at + bar.len, KZ_ROLE_DEFAULT, false);
}

static void reports_draw(kz_view *v, kz_tui *t, kz_rect area)
{
    reports_view *r = v->priv;
    r->height = area.h;
    int w = area.w - 2;
    if (w != r->rendered_w || r->rendered_for != r->cur)
        render(r, w);
    cached *c = &r->cache[r->cur];
    if (r->period_error.len) { /* the whole message, then a blank row */
        int rows = (int)kz_tui_wrap_draw(t, kz_buf_str(&r->period_error), area.y, 1, w, area.h,
                                         KZ_ROLE_ERROR) + 1;
        area.y += rows < area.h ? rows : area.h;
        area.h -= rows < area.h ? rows : area.h;
    }
    if (c->valid && c->failed) {
        if (area.h > 0)
            kz_draw_text(t, area.y, 1, w, c->error, KZ_ROLE_ERROR, false);
        return;
    }
    for (int i = 0; i < area.h && r->top + (size_t)i < r->lines.n; i++)
        draw_line(r, t, area.y + i, 1, w, r->top + (size_t)i);
}

/* The first key bound to a in the report keymap, without <> ("" if none). */
static void first_key(kz_tui *t, kz_action a, kz_buf *out)
{
    kz_buf keys = KZ_BUF_INIT; /* owned here */
    if (kz_keymap_keys_for(&t->km, KZ_KM_REPORTS, a, &keys) > 0) {
        const char *k = kz_buf_str(&keys);
        size_t n = strcspn(k, " ");
        if (n > 2 && k[0] == '<' && k[n - 1] == '>') {
            k++;
            n -= 2;
        }
        kz_buf_printf(out, "%.*s", (int)n, k);
    }
    kz_buf_free(&keys);
}

/* "reports  [1 funnel]  2 forecast ...  mine  last 30 days": the report
 * shown, the keys that switch, and the filters in force. */
static const char *reports_title(kz_view *v)
{
    reports_view *r = v->priv;
    kz_buf_reset(&r->title);
    kz_buf_printf(&r->title, "%s ", _("reports"));
    kz_buf key = KZ_BUF_INIT; /* owned here */
    for (int i = 0; i < NREPORTS; i++) {
        kz_buf_reset(&key);
        first_key(r->t, reports[i].action, &key);
        const char *k = kz_buf_str(&key);
        kz_buf_printf(&r->title, i == r->cur ? " [%s%s%s]" : "  %s%s%s ", k, *k ? " " : "",
                      _(reports[i].label));
    }
    kz_buf_free(&key);
    if (r->mine)
        kz_buf_puts(&r->title, _("  mine"));
    if (r->period[0])
        kz_buf_printf(&r->title, "  %s", period_shown(r->period));
    return kz_buf_str(&r->title);
}

static void select_report(reports_view *r, int idx)
{
    r->cur = (idx % NREPORTS + NREPORTS) % NREPORTS;
    r->top = 0;
    ensure_computed(r);
}

static unsigned pick_period(reports_view *r, kz_tui *t)
{
    kz_menu_item items[NPERIOD_ITEMS];
    for (size_t i = 0; i < NPERIOD_ITEMS; i++)
        items[i] = (kz_menu_item){period_items[i].key, _(period_items[i].label)};
    int pick = kz_prompt_menu(t, _("period"), items, NPERIOD_ITEMS);
    if (pick < 0)
        return KZ_UI_REDRAW;
    kz_buf text = KZ_BUF_INIT; /* owned here */
    if (pick == 0) {
        kz_buf_puts(&text, "");
    } else if ((size_t)pick + 1 < NPERIOD_ITEMS) {
        kz_buf_puts(&text, period_items[pick].label);
    } else if (!kz_prompt_line(t, _("period (last week, -7d, mon, 2026-01-01...):"), r->period,
                               &text, NULL, NULL)) {
        kz_buf_free(&text);
        return KZ_UI_REDRAW;
    }
    const char *p = kz_buf_str(&text);
    int from, to;
    kz_err err;
    if (p[0] && kz_period_span(p, t->today, &from, &to, &err) != KZ_OK) {
        kz_buf_puts(&r->period_error, err.msg); /* wrapped above the report */
        kz_tui_error(t, "%s", _("period not changed: what kariz reads is above the report"));
    } else if (strlen(p) >= sizeof r->period) {
        kz_tui_error(t,
                     P_("a period is at most %zu character", "a period is at most %zu characters",
                        sizeof r->period - 1),
                     sizeof r->period - 1);
    } else {
        snprintf(r->period, sizeof r->period, "%s", p);
        r->top = 0;
        ensure_computed(r);
        kz_tui_message(t, _("reports over %s"), period_shown(r->period));
    }
    kz_buf_free(&text);
    return KZ_UI_REDRAW;
}

static unsigned reports_action(kz_view *v, kz_tui *t, kz_action a)
{
    reports_view *r = v->priv;
    kz_buf_reset(&r->period_error); /* shown until the next key */
    size_t page = r->height > 2 ? (size_t)r->height - 2 : 1;
    size_t max = r->lines.n > (size_t)r->height ? r->lines.n - (size_t)r->height : 0;
    for (int i = 0; i < NREPORTS; i++)
        if (reports[i].action == a) {
            select_report(r, i);
            return KZ_UI_REDRAW;
        }
    switch (a) {
    case KZ_ACT_REPORT_NEXT:
        select_report(r, r->cur + 1);
        return KZ_UI_REDRAW;
    case KZ_ACT_REPORT_PREV:
        select_report(r, r->cur - 1);
        return KZ_UI_REDRAW;
    case KZ_ACT_REPORT_MINE:
        r->mine = !r->mine;
        r->top = 0;
        ensure_computed(r);
        if (r->mine && !t->s->actor)
            kz_tui_error(t, _("no user name known: the reports count every owner"));
        else
            kz_tui_message(t, "%s", r->mine ? _("reports count only your leads")
                                            : _("reports count every owner's leads"));
        return KZ_UI_REDRAW;
    case KZ_ACT_REPORT_PERIOD:
        return pick_period(r, t);
    case KZ_ACT_REPORTS:
        return KZ_UI_REDRAW; /* already here */
    case KZ_ACT_CURSOR_DOWN:
        if (r->top < max)
            r->top++;
        return KZ_UI_REDRAW;
    case KZ_ACT_CURSOR_UP:
        if (r->top > 0)
            r->top--;
        return KZ_UI_REDRAW;
    case KZ_ACT_PAGE_DOWN:
        r->top = r->top + page < max ? r->top + page : max;
        return KZ_UI_REDRAW;
    case KZ_ACT_PAGE_UP:
        r->top = r->top > page ? r->top - page : 0;
        return KZ_UI_REDRAW;
    case KZ_ACT_FIRST:
        r->top = 0;
        return KZ_UI_REDRAW;
    case KZ_ACT_LAST:
        r->top = max;
        return KZ_UI_REDRAW;
    case KZ_ACT_QUIT:
    case KZ_ACT_BACK:
        return KZ_UI_POP;
    case KZ_ACT_HELP:
    case KZ_ACT_REDRAW:
        return KZ_UI_UNBOUND;
    default:
        kz_tui_message(t, _("%s works on the board: q returns to it"), kz_action_get(a)->name);
        return KZ_UI_REDRAW;
    }
}

static void reports_destroy(kz_view *v)
{
    reports_view *r = v->priv;
    for (int i = 0; i < NREPORTS; i++)
        drop_cached(&r->cache[i]);
    drop_rendered(r);
    kz_buf_free(&r->title);
    kz_buf_free(&r->period_error);
    free(r);
    free(v);
}

static const kz_hint reports_hints[] = {{KZ_ACT_REPORT_NEXT, N_("next report")},
                                        {KZ_ACT_REPORT_MINE, N_("mine only")},
                                        {KZ_ACT_REPORT_PERIOD, N_("period")},
                                        {KZ_ACT_BACK, N_("board")},
                                        {KZ_ACT_HELP, N_("help")},
                                        {KZ_ACT_CURSOR_DOWN, N_("scroll")},
                                        {KZ_ACT_PAGE_DOWN, N_("page")},
                                        {KZ_ACT_NONE, NULL}};

static const kz_view_ops reports_ops = {
    .title = N_("reports"),

    .title_text = reports_title,
    .keymap = KZ_KM_REPORTS,
    .reload = reports_reload,
    .draw = reports_draw,
    .action = reports_action,
    .current = NULL,
    .hints = reports_hints,
    .destroy = reports_destroy,
};

kz_view *kz_reports_view_new(kz_tui *t)
{
    kz_view *v = kz_xcalloc(1, sizeof *v);
    reports_view *r = kz_xcalloc(1, sizeof *r); /* owned by v, freed in destroy */
    r->t = t;
    r->unicode = locale_is_utf8();
    r->rendered_for = -1;
    v->ops = &reports_ops;
    v->priv = r;
    return v;
}
