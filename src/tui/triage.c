/* triage.c - the triage view: the queue of leads that need a decision now
 * (kariz/triage.h), one lead filling the screen, one key per decision.
 *
 * Each decision runs one of the lead operations shared with the board
 * (leadops.c: one pipeline call, with the conflict dialog), records itself with
 * kz_triage_mark, saves the person's progress and shows the next lead at
 * once. The queue is built when the view opens and kept as it was (a lead
 * decided on stays behind, even when it would still qualify); leaving and
 * coming back builds it again and resumes after the last lead decided on.
 * Undo walks back through the decisions made in this view. */
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/labels.h"
#include "kariz/money.h"
#include "kariz/pipeline.h"
#include "kariz/prefs.h"
#include "kariz/rules.h"
#include "kariz/store.h"
#include "kariz/text.h"
#include "kariz/triage.h"
#include "tui/tui_int.h"

#define LABEL_W label_w() /* the label column */
#define TOUCHES 3      /* the last touches always shown */
#define MAX_TOUCHES 10 /* the last touches shown when there is room */

/* How a decision is reverted. */
typedef enum undo_kind {
    U_CHANGE, /* the lead changed: put back what the change set (kz_undo) */
    U_TOUCH,  /* a logged touch: stays logged */
    U_SKIP    /* nothing changed */
} undo_kind;

typedef struct tundo {
    undo_kind kind;
    int64_t id;
    size_t idx;      /* the lead's place in the queue */
    char what[96];   /* "advance", "call", ... for messages (translated) */
    kz_undo change;  /* owned: U_CHANGE */
    kz_triage_progress before; /* progress before the decision */
    bool marked;               /* the decision was recorded (kz_triage_mark) */
} tundo;

typedef struct triage {
    bool all;            /* every owner's leads */
    bool built;
    bool build_failed;
    kz_err build_err;
    kz_triage_queue q;       /* owned */
    size_t idx;              /* the lead shown; q.n when the pass is done */
    kz_triage_progress prog; /* this pass so far */
    /* the lead shown */
    bool loaded;
    kz_err load_err;
    kz_lead lead;        /* owned */
    kz_score *sc;        /* owned */
    bool have_score;
    kz_activity_list acts; /* owned */
    tundo *undo;         /* owned, nundo used */
    size_t nundo;
    char title[256];
} triage;

/* The labels of the lead's rows, translated where drawn. */
static const char *const row_labels[] = {N_("why now"), N_("next step"), N_("qualify"), "BANT"};

/* The label column: 11 columns, or wider when a translated label needs
 * it (measured in display columns), at most 20. */
static int label_w(void)
{
    int w = 11;
    for (size_t i = 0; i < sizeof row_labels / sizeof row_labels[0]; i++) {
        int lw = kz_text_width(_(row_labels[i])) + 2;
        if (lw > w)
            w = lw;
    }
    return w > 20 ? 20 : w;
}

/* A decision (as kz_triage_mark records it) in the user's language, for
 * messages. */
/* A decision (its id, as triage records it) in the words the board uses
 * for the same change ("undone: next step of Mia Khan"). */
static const char *decision_word(const char *d)
{
    static const struct {
        const char *id, *word;
    } words[] = {{"advance", N_("advance")},    {"won", N_("won")},
                 {"disqualify", N_("disqualify")}, {"snooze", N_("snooze")},
                 {"next-step", N_("next step")}, {"note", N_("note")},
                 {"assign", N_("assignment")},   {"claim", N_("claim")},
                 {"status", N_("status")},       {"skip", N_("skip")}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(d, words[i].id) == 0)
            return _(words[i].word);
    return kz_activity_word(d);
}

static int64_t current_id(const triage *tr)
{
    return tr->idx < tr->q.n ? tr->q.v[tr->idx].id : 0;
}

/* Reads the lead at the cursor, its score explained and its touches. */
static void load_current(triage *tr, kz_tui *t)
{
    tr->loaded = false;
    tr->have_score = false;
    kz_lead_reset(&tr->lead);
    kz_activity_list_clear(&tr->acts);
    if (tr->idx >= tr->q.n)
        return;
    int64_t id = current_id(tr);
    kz_err_clear(&tr->load_err);
    if (kz_store_lead_get(t->s->store, id, &tr->lead, &tr->load_err) != KZ_OK)
        return;
    tr->loaded = true;
    kz_err err;
    kz_lead scratch;
    kz_lead_init(&scratch);
    tr->have_score = kz_pipe_explain(t->s, id, &scratch, tr->sc, &err) == KZ_OK;
    kz_lead_free(&scratch);
    if (kz_store_activities(t->s->store, id, &tr->acts, &err) != KZ_OK)
        kz_activity_list_clear(&tr->acts);
}

static void triage_reload(kz_view *v, kz_tui *t)
{
    triage *tr = v->priv;
    if (!tr->built) {
        tr->built = true;
        kz_triage_opts o = {NULL, true, 0, t->opts->triage_all};
        kz_err_clear(&tr->build_err);
        if (kz_triage_build(t->s, &o, &tr->q, &tr->build_err) != KZ_OK) {
            tr->build_failed = true;
            tr->q.n = 0;
        } else {
            kz_err err;
            if (kz_triage_progress_get(t->s, &tr->prog, &err) != KZ_OK)
                memset(&tr->prog, 0, sizeof tr->prog);
            tr->idx = kz_triage_resume_index(&tr->q, &tr->prog);
        }
    }
    load_current(tr, t);
}

/* ---- drawing ---- */

/* Draws "label value" at (y, *x) within maxx; advances *x past it and a gap. */
static void segment(kz_tui *t, int y, int *x, int maxx, const char *label, const char *value,
                    kz_role role)
{
    if (*x >= maxx)
        return;
    if (label && *label) {
        *x += kz_draw_text(t, y, *x, maxx - *x, label, KZ_ROLE_LABEL, false);
        if (*x < maxx)
            (*x)++;
    }
    if (*x < maxx)
        *x += kz_draw_text(t, y, *x, maxx - *x, value, role, false);
    *x += 3;
}

static kz_role grade_role(const kz_tui *t, const char *grade)
{
    size_t n = kz_rules_grade_count(t->s->rules);
    if (!grade)
        return KZ_ROLE_DEFAULT;
    for (size_t i = 0; i < n; i++)
        if (strcmp(kz_rules_grade_name(t->s->rules, i), grade) == 0)
            return i == 0 ? KZ_ROLE_GRADE_HOT : i + 1 == n ? KZ_ROLE_GRADE_COLD
                                                           : KZ_ROLE_GRADE_WARM;
    return KZ_ROLE_DEFAULT;
}

/* One row of check marks: "✓ pain +10   ✗ interest 0 ...". */
static void checks(kz_tui *t, const triage *tr, int y, int x, int maxx, const char *label,
                   kz_criterion from, kz_criterion to)
{
    kz_draw_text(t, y, x, LABEL_W - 1, _(label), KZ_ROLE_LABEL, false);
    x += LABEL_W;
    for (int c = (int)from; c <= (int)to && x < maxx; c++) {
        int v = tr->have_score ? tr->sc->sub[c]
                               : (int)kz_lead_num(&tr->lead, kz_criterion_field((kz_criterion)c));
        kz_role r = v > 0 ? KZ_ROLE_CHECK_YES : KZ_ROLE_CHECK_NO;
        x += kz_draw_text(t, y, x, maxx - x, v > 0 ? "✓" : "✗", r, false);
        char text[48];
        snprintf(text, sizeof text, v ? " %s %+d" : " %s %d", kz_label_criterion((kz_criterion)c), v);
        kz_digits_show(text, sizeof text);
        if (x < maxx)
            x += kz_draw_text(t, y, x, maxx - x, text, r, false);
        x += 3;
    }
}

static void centred(kz_tui *t, int y, kz_rect area, const char *text, kz_role role)
{
    int w = kz_text_width(text);
    int x = area.x + (w < area.w ? (area.w - w) / 2 : 0);
    kz_draw_text(t, y, x, area.w - (x - area.x), text, role, false);
}

static void draw_message(triage *tr, kz_tui *t, kz_rect area)
{
    int y = area.y + area.h / 3;
    char line[160];
    if (tr->build_failed) {
        centred(t, y, area, _("cannot build the triage queue"), KZ_ROLE_ERROR);
        centred(t, y + 2, area, tr->build_err.msg, KZ_ROLE_DEFAULT);
        return;
    }
    if (tr->q.n == 0) {
        centred(t, y, area, _("Nothing needs a decision now."), KZ_ROLE_CARD_NAME);
        centred(t, y + 2, area,
                t->opts->triage_all
                    ? _("No open lead is new, overdue, stale or in a new score band.")
                    : _("None of your leads (or unassigned ones) is new, overdue, stale or in a "
                        "new score band."),
                KZ_ROLE_DEFAULT);
        centred(t, y + 4, area, _("q returns to the board."), KZ_ROLE_HINT);
        return;
    }
    char leads[64], decisions[64];
    snprintf(leads, sizeof leads, P_("%zu lead", "%zu leads", tr->q.n), tr->q.n);
    snprintf(decisions, sizeof decisions,
             P_("%" PRId64 " decision", "%" PRId64 " decisions", tr->prog.decisions),
             tr->prog.decisions);
    /* TRANSLATORS: "Queue done: 3 leads, 2 decisions." */
    snprintf(line, sizeof line, _("Queue done: %s, %s."), leads, decisions);
    kz_digits_show(line, sizeof line);
    centred(t, y, area, line, KZ_ROLE_CARD_NAME);
    centred(t, y + 2, area,
            _("u undoes the last decision; k goes back a lead; q returns to the board."),
            KZ_ROLE_HINT);
}

static void draw_lead(triage *tr, kz_tui *t, kz_rect area)
{
    const kz_lead *l = &tr->lead;
    const kz_triage_item *it = &tr->q.v[tr->idx];
    int x0 = area.x + 1, maxx = area.x + area.w - 1, bottom = area.y + area.h;
    int y = area.y;
    int gap = area.h >= 20 ? 1 : 0; /* blank lines between blocks, when there is room */
    kz_buf b = KZ_BUF_INIT; /* owned: one line of raw data, sanitised when drawn */
    char v[160]; /* translated text: room for a longer language than English */

    /* who: name and score */
    const char *grade = kz_lead_text(l, KZ_F_GRADE);
    char score[128];

    char points[32];
    snprintf(points, sizeof points, "%" PRId64, kz_lead_num(l, KZ_F_SCORE));
    kz_digits_show(points, sizeof points);
    if (grade)
        /* TRANSLATORS: the score (in the digits in force) and its grade: "score 45 warm" */
        snprintf(score, sizeof score, _("score %s %s"), points, grade);
    else
        snprintf(score, sizeof score, _("score %s"), points);
    int sw = kz_text_width(score);
    const char *name = kz_lead_text(l, KZ_F_NAME);
    kz_buf_printf(&b, "%s", name && *name ? name : _("(no name)"));
    int nx = x0 + kz_draw_text(t, y, x0, maxx - x0 - sw - 2, kz_buf_str(&b), KZ_ROLE_CARD_NAME,
                               false);
    char idtext[48];
    snprintf(idtext, sizeof idtext, _("lead %" PRId64), kz_lead_num(l, KZ_F_ID));
    kz_digits_show(idtext, sizeof idtext);
    snprintf(v, sizeof v, "  %s", idtext);
    kz_draw_text(t, y, nx, maxx - nx - sw - 2, v, KZ_ROLE_HINT, false);
    kz_draw_text(t, y, maxx - sw, sw, score, grade_role(t, grade), false);
    y++;

    /* someone else has this lead open: two people deciding at once */
    const char *who[16];
    size_t nwho = kz_tui_present(t, it->id, who, 16);
    if (nwho) {
        kz_buf_reset(&b);
        kz_buf_puts(&b, _("also open: "));
        for (size_t i = 0; i < nwho; i++)
            kz_buf_printf(&b, "%s%s", i ? ", " : "", who[i]);
        kz_draw_text(t, y++, x0, maxx - x0, kz_buf_str(&b), KZ_ROLE_PRESENCE, false);
    }

    /* what: title at company */
    kz_buf_reset(&b);
    const char *title = kz_lead_text(l, KZ_F_TITLE), *company = kz_lead_text(l, KZ_F_COMPANY);
    if (title && *title && company && *company)
        /* TRANSLATORS: a job title at a company: "CTO at Acme Ltd" */
        kz_buf_printf(&b, _("%s at %s"), title, company);
    else if (title && *title)
        kz_buf_puts(&b, title);
    else if (company && *company)
        kz_buf_puts(&b, company);
    if (!b.len)
        kz_buf_puts(&b, _("(no title or company)"));
    kz_draw_text(t, y++, x0, maxx - x0, kz_buf_str(&b), KZ_ROLE_DEFAULT, false);

    /* industry, size, value */
    int x = x0;
    const char *industry = kz_lead_text(l, KZ_F_INDUSTRY);
    segment(t, y, &x, maxx, _("industry"), industry && *industry ? industry : "-",
            KZ_ROLE_DEFAULT);
    snprintf(v, sizeof v, "-");
    if (kz_lead_has(l, KZ_F_EMPLOYEES))
        snprintf(v, sizeof v,
                 P_("%" PRId64 " employee", "%" PRId64 " employees",
                    kz_lead_num(l, KZ_F_EMPLOYEES)),
                 kz_lead_num(l, KZ_F_EMPLOYEES));
    kz_digits_show(v, sizeof v);
    segment(t, y, &x, maxx, _("size"), v, KZ_ROLE_DEFAULT);
    snprintf(v, sizeof v, "-");
    if (kz_lead_has(l, KZ_F_VALUE))
        kz_money_full(kz_lead_num(l, KZ_F_VALUE), kz_tui_currency(t, l), v, sizeof v);
    segment(t, y, &x, maxx, _("value"), v, KZ_ROLE_DEFAULT);
    y++;

    /* owner, stage, days in stage */
    x = x0;
    const char *owner = kz_lead_text(l, KZ_F_OWNER);
    segment(t, y, &x, maxx, _("owner"), owner && *owner ? owner : _("(unassigned)"),
            KZ_ROLE_DEFAULT);
    const char *stage = kz_lead_text(l, KZ_F_STAGE);
    const kz_stage *st = stage ? kz_rules_stage(t->s->rules, stage) : NULL;
    int64_t now = kz_session_now(t->s), entered = kz_lead_num(l, KZ_F_STAGE_ENTERED);
    int64_t days = entered && now > entered ? (now - entered) / 86400 : 0;
    kz_buf_reset(&b);
    char ndays[32];
    snprintf(ndays, sizeof ndays, "%" PRId64, days);
    kz_digits_show(ndays, sizeof ndays);
    /* TRANSLATORS: a stage and the days the lead has been in it (a number in
     * the digits in force): "Prospect, 3 days" */
    kz_buf_printf(&b, P_("%s, %s day", "%s, %s days", days),
                  st && st->label ? st->label : stage ? stage : "-", ndays);
    segment(t, y, &x, maxx, _("stage"), kz_buf_str(&b), KZ_ROLE_DEFAULT);
    const char *status = kz_lead_text(l, KZ_F_STATUS);
    if (status && *status) {
        kz_buf_reset(&b);
        kz_label_value(t->s->rules, "status", status, &b);
        segment(t, y, &x, maxx, _("status"), kz_buf_str(&b), KZ_ROLE_DEFAULT);
    }
    y++;

    /* why it is in the queue */
    char why[320];
    kz_triage_why(it, why, sizeof why);
    kz_draw_text(t, y, x0, LABEL_W - 1, _(row_labels[0]), KZ_ROLE_LABEL, false);
    kz_draw_text(t, y++, x0 + LABEL_W, maxx - x0 - LABEL_W, why,
                 it->why & KZ_TRIAGE_OVERDUE ? KZ_ROLE_OVERDUE
                 : it->why & KZ_TRIAGE_STALE ? KZ_ROLE_STALE
                                             : KZ_ROLE_DEFAULT,
                 false);

    /* the next step and its due date */
    kz_buf_reset(&b);
    const char *step = kz_lead_text(l, KZ_F_NEXT_STEP);
    bool overdue = kz_lead_is_overdue(l, t->today);
    kz_buf_puts(&b, step && *step ? step : _("(none named)"));
    if (kz_lead_has(l, KZ_F_NEXT_DUE)) {
        char rel[KZ_DATE_TEXT], iso[KZ_DATE_TEXT];
        kz_day_relative((int)kz_lead_num(l, KZ_F_NEXT_DUE), t->today, rel, sizeof rel);
        kz_day_show((int)kz_lead_num(l, KZ_F_NEXT_DUE), iso, sizeof iso);
        kz_buf_printf(&b, _(", due %s (%s)%s"), iso, rel, overdue ? _(" overdue") : "");
    } else {
        kz_buf_puts(&b, _(", no due date"));
    }
    kz_draw_text(t, y, x0, LABEL_W - 1, _(row_labels[1]), KZ_ROLE_LABEL, false);
    kz_draw_text(t, y++, x0 + LABEL_W, maxx - x0 - LABEL_W, kz_buf_str(&b),
                 overdue ? KZ_ROLE_OVERDUE : KZ_ROLE_DEFAULT, false);

    /* the people around the deal, with their roles and last touch */
    kz_stakeholder_list shs = {0}; /* owned */
    kz_err serr;
    kz_buf_reset(&b);
    if (kz_store_stakeholders(t->s->store, kz_lead_num(l, KZ_F_ID), &shs, &serr) == KZ_OK) {
        for (size_t i = 0; i < shs.n; i++) {
            kz_buf_printf(&b, "%s%s (", i ? ", " : "", shs.v[i].name ? shs.v[i].name : "");
            kz_label_value(t->s->rules, "role", shs.v[i].role, &b);
            if (shs.v[i].last_touch) {
                char rel[KZ_DATE_TEXT];
                kz_day_relative(kz_day_from_time(shs.v[i].last_touch), t->today, rel, sizeof rel);
                kz_buf_printf(&b, _(", touched %s"), rel);
            }
            kz_buf_puts(&b, ")");
        }
        if (!shs.n)
            kz_buf_puts(&b, _("none known"));
        if (y < bottom) {
            kz_draw_text(t, y, x0, LABEL_W - 1, _("people"), KZ_ROLE_LABEL, false);
            kz_draw_text(t, y++, x0 + LABEL_W, maxx - x0 - LABEL_W, kz_buf_str(&b),
                         KZ_ROLE_DEFAULT, false);
        }
    }
    kz_stakeholder_list_free(&shs);
    y += gap;

    /* qualification at a glance */
    if (y < bottom)
        checks(t, tr, y++, x0, maxx, row_labels[2], KZ_CRIT_PAIN, KZ_CRIT_FIT);
    if (y < bottom)
        checks(t, tr, y++, x0, maxx, row_labels[3], KZ_CRIT_BUDGET, KZ_CRIT_TIMELINE);
    y += gap;

    /* the rows left: the score's reasons and the last touches share them;
     * when short, the last TOUCHES touches come first */
    int left = bottom - y;
    size_t nh = tr->have_score ? tr->sc->nhits : 0;
    int score_want = 2 + (int)nh;                               /* heading, hits or a note */
    size_t ntouch = tr->acts.n < MAX_TOUCHES ? tr->acts.n : MAX_TOUCHES;
    int touch_want = gap + 1 + (int)(ntouch ? ntouch : 1);      /* gap, heading, lines */
    int score_rows = score_want;
    if (score_want + touch_want > left) {
        size_t few = ntouch < TOUCHES ? ntouch : TOUCHES;
        int touch_min = gap + 1 + (int)(few ? few : 1);
        score_rows = left - touch_min;
        if (score_rows > score_want)
            score_rows = score_want;
        if (score_rows < 1)
            score_rows = left > 0 ? 1 : 0;
    }

    if (score_rows > 0 && y < bottom) {
        kz_buf_reset(&b);
        if (tr->have_score) {
            char total[32];
            snprintf(total, sizeof total, "%d", tr->sc->total);
            kz_digits_show(total, sizeof total);
            kz_buf_printf(&b, _("Score %s, %s"), total, tr->sc->grade ? tr->sc->grade : "-");
            if (tr->sc->persona)
                kz_buf_printf(&b, _(", persona %s"), tr->sc->persona);
        } else {
            kz_buf_puts(&b, _("Score (explanation unavailable)"));
        }
        kz_draw_text(t, y++, x0, maxx - x0, kz_buf_str(&b), KZ_ROLE_SECTION, false);
        size_t room = score_rows > 1 ? (size_t)score_rows - 1 : 0;
        size_t more = tr->have_score ? tr->sc->hits_dropped : 0;
        size_t show = nh;
        if (show > room) {
            show = room ? room - 1 : 0;
            more += nh - show;
        }
        for (size_t i = 0; i < show && y < bottom; i++) {
            const kz_score_hit *h = &tr->sc->hits[i];
            kz_buf_reset(&b);
            kz_tui_score_hit(t, &tr->lead, h, &b);
            kz_draw_text(t, y, x0, LABEL_W - 1, kz_label_criterion(h->crit), KZ_ROLE_LABEL, false);
            kz_draw_text(t, y++, x0 + LABEL_W, maxx - x0 - LABEL_W, kz_buf_str(&b),
                         KZ_ROLE_DEFAULT, false);
        }
        if (tr->have_score && nh == 0 && room > 0 && y < bottom)
            kz_draw_text(t, y++, x0 + LABEL_W, maxx - x0 - LABEL_W, _("no rule matched"),
                         KZ_ROLE_HINT, false);
        if (more && y < bottom) {
            snprintf(v, sizeof v,
                     P_("%zu more (Enter shows the whole lead)",
                        "%zu more (Enter shows the whole lead)", more),
                     more);
            kz_draw_text(t, y++, x0 + LABEL_W, maxx - x0 - LABEL_W, v, KZ_ROLE_HINT, false);
        }
    }

    y += gap;
    if (y < bottom)
        kz_draw_text(t, y++, x0, maxx - x0, _("Last touches"), KZ_ROLE_SECTION, false);
    if (tr->acts.n == 0 && y < bottom)
        kz_draw_text(t, y++, x0 + LABEL_W, maxx - x0 - LABEL_W, _("nothing logged yet"),
                     KZ_ROLE_HINT, false);
    for (size_t k = 0; k < ntouch && y < bottom; k++) {
        const kz_activity *a = &tr->acts.v[tr->acts.n - 1 - k]; /* newest first */
        char when[KZ_DATE_TEXT];
        kz_time_show(a->at, when, sizeof when);
        kz_buf_reset(&b);
        kz_buf_printf(&b, "%s  ", when);
        kz_touch_label(a, &b);
        if (a->note && *a->note)
            kz_buf_printf(&b, ": %s", a->note);
        kz_draw_text(t, y++, x0, maxx - x0, kz_buf_str(&b), KZ_ROLE_DEFAULT, false);
    }
    kz_buf_free(&b);
}

static void triage_draw(kz_view *v, kz_tui *t, kz_rect area)
{
    triage *tr = v->priv;
    if (tr->build_failed || tr->idx >= tr->q.n) {
        draw_message(tr, t, area);
        return;
    }
    if (!tr->loaded) {
        char line[160];
        snprintf(line, sizeof line, _("lead %" PRId64 " cannot be shown:"), current_id(tr));
        centred(t, area.y + area.h / 3, area, line, KZ_ROLE_ERROR);
        centred(t, area.y + area.h / 3 + 1, area, tr->load_err.msg, KZ_ROLE_DEFAULT);
        centred(t, area.y + area.h / 3 + 3, area, _("Space skips it."), KZ_ROLE_HINT);
        return;
    }
    draw_lead(tr, t, area);
}

static bool t_all(kz_view *v)
{
    return ((const triage *)v->priv)->all;
}

static const char *triage_title(kz_view *v)
{
    triage *tr = v->priv;
    const char *scope = t_all(v) ? _(" (every owner)") : "";
    int64_t n = tr->prog.decisions;
    if (tr->q.n == 0)
        snprintf(tr->title, sizeof tr->title, _("triage: nothing to decide%s"), scope);
    else if (tr->idx >= tr->q.n)
        snprintf(tr->title, sizeof tr->title,
                 P_("triage: done, %" PRId64 " decision%s", "triage: done, %" PRId64 " decisions%s",
                    n),
                 n, scope);
    else
        snprintf(tr->title, sizeof tr->title,
                 P_("triage %zu/%zu, %" PRId64 " decision%s",
                    "triage %zu/%zu, %" PRId64 " decisions%s", n),
                 tr->idx + 1, tr->q.n, n, scope);
    kz_digits_show(tr->title, sizeof tr->title); /* the words are kariz's own */
    return tr->title;
}

/* ---- decisions ----
 *
 * Each decision is one of the lead operations shared with the board
 * (leadops.c: kz_change_save with its conflict dialog, kz_lead_move with
 * the override prompt, the outcome and lost-reason pickers); this file adds
 * the queue around them. */

/* The shown lead's name for the status line (owned by the caller). */
static char *lead_name(const triage *tr)
{
    kz_buf b = KZ_BUF_INIT;
    if (tr->loaded)
        kz_lead_label(&tr->lead, &b);
    else
        kz_buf_printf(&b, _("lead %" PRId64), current_id(tr));
    char *r = kz_buf_take(&b);
    kz_buf_free(&b);
    return r ? r : kz_xstrdup("");
}

/* A decision that did not land: the status line says why already; the
 * lead is read again (someone else's change shows). */
static unsigned not_decided(triage *tr, kz_tui *t)
{
    load_current(tr, t);
    return KZ_UI_REDRAW;
}

/* After a decision landed: records it, saves progress, remembers how to
 * undo it and shows the next lead. u->change, when kind is U_CHANGE, is
 * captured here: tr->lead holds the lead as it was just before the save
 * (kz_change.before). */
static unsigned decided(triage *tr, kz_tui *t, const char *decision, bool counts, tundo *u)
{
    int64_t id = current_id(tr);
    kz_err err;
    kz_err_clear(&err);
    bool mark_ok = kz_triage_mark(t->s, id, decision, &err) == KZ_OK;
    u->id = id;
    u->marked = mark_ok;
    u->idx = tr->idx;
    u->before = tr->prog;
    const char *shown = decision_word(decision);
    snprintf(u->what, sizeof u->what, "%s", shown);
    if (u->kind == U_CHANGE && !kz_undo_capture(t, &u->change, id, &tr->lead, shown))
        u->kind = U_SKIP; /* cannot read it back: undo only walks the queue back */
    if (tr->nundo == KZ_UNDO_MAX) {
        kz_undo_free(&tr->undo[0].change);
        memmove(tr->undo, tr->undo + 1, (KZ_UNDO_MAX - 1) * sizeof *tr->undo);
        tr->nundo--;
    }
    tr->undo[tr->nundo++] = *u;

    tr->prog.last_id = id;
    if (counts)
        tr->prog.decisions++;
    tr->idx++;
    /* a finished pass starts afresh next time */
    kz_triage_progress save = tr->prog;
    if (tr->idx >= tr->q.n)
        memset(&save, 0, sizeof save);
    kz_err perr;
    kz_err_clear(&perr);
    bool prog_ok = kz_triage_progress_set(t->s, &save, &perr) == KZ_OK;
    if (!mark_ok || !prog_ok) {
        char *done = kz_xstrdup(kz_buf_str(&t->status)); /* owned */
        if (!mark_ok)
            kz_tui_error(t, _("%s; but recording the triage decision failed: %s"), done, err.msg);
        else
            kz_tui_error(t, _("%s; but saving your place in the queue failed: %s"), done,
                         perr.msg);
        free(done);
    }
    load_current(tr, t);
    return KZ_UI_REDRAW;
}

/* A move (to the next stage, or won); on refusal the shared override
 * prompt asks for a reason. */
static unsigned decide_move(triage *tr, kz_tui *t, bool won)
{
    const kz_rules *r = t->s->rules;
    const char *cur = kz_lead_text(&tr->lead, KZ_F_STAGE);
    const kz_stage *to = won ? kz_rules_won_stage(r)
                         : cur ? kz_rules_next_stage(r, cur)
                               : kz_rules_first_stage(r);
    if (!to) {
        kz_tui_message(t, "%s", won ? _("the rules define no won stage")
                                    : _("this is the last open stage: W marks the deal won"));
        return KZ_UI_REDRAW;
    }
    bool cancelled, again;
    if (!kz_lead_move(t, current_id(tr), kz_lead_num(&tr->lead, KZ_F_VERSION), to->name, won,
                      &tr->lead, &cancelled, &again))
        return cancelled ? KZ_UI_REDRAW : not_decided(tr, t);
    char *name = lead_name(tr); /* owned */
    kz_tui_message(t, _("moved %s to %s (u undoes)%s"), name, to->label ? to->label : to->name,
                   again ? _(" (re-applied over the other change)") : "");
    free(name);
    tundo u = {0};
    u.kind = U_CHANGE;
    return decided(tr, t, won ? "won" : "advance", true, &u);
}

/* A menu item key for the i-th of a long list: 1..9, then a..z. */
static kz_key nth_key(size_t i)
{
    if (i < 9)
        return (kz_key)('1' + i);
    if (i < 9 + 26)
        return (kz_key)('a' + (i - 9));
    return 0;
}

static unsigned decide_lost(triage *tr, kz_tui *t)
{
    const char *reason = kz_pick_lost_reason(t, _("disqualify: why?"));
    if (!reason) {
        if (kz_rules_lost_reason_count(t->s->rules) > 0)
            kz_tui_message(t, _("not disqualified"));
        return KZ_UI_REDRAW;
    }
    const kz_stage *lost = kz_rules_lost_stage(t->s->rules);
    kz_change c = {.kind = KZ_CH_LOST, .id = current_id(tr),
                   .version = kz_lead_num(&tr->lead, KZ_F_VERSION), .what = _("disqualify"),
                   .field = "stage", .mine = lost ? lost->name : "lost", .reason = reason,
                   .before = &tr->lead};
    if (!kz_change_save(t, &c))
        return not_decided(tr, t);
    char *name = lead_name(tr); /* owned */
    kz_buf why = KZ_BUF_INIT; /* owned */
    kz_label_value(t->s->rules, "lost_reason", reason, &why);
    kz_tui_message(t, _("disqualified %s (%s); u undoes%s"), name, kz_buf_str(&why),
                   kz_change_reapplied(&c));
    kz_buf_free(&why);
    free(name);
    tundo u = {0};
    u.kind = U_CHANGE;
    return decided(tr, t, "disqualify", true, &u);
}

static unsigned set_due(triage *tr, kz_tui *t, int day, const char *step, const char *decision)
{
    char iso[16], shown[KZ_DATE_TEXT], rel[KZ_DATE_TEXT];
    kz_day_format(day, iso); /* what the change records */
    kz_day_show(day, shown, sizeof shown);
    kz_day_relative(day, t->today, rel, sizeof rel);
    kz_change c = {.kind = KZ_CH_FOLLOWUP, .id = current_id(tr),
                   .version = kz_lead_num(&tr->lead, KZ_F_VERSION),
                   .what = decision_word(decision), .field = "next_due", .mine = iso, .day = day,
                   .step = step,
                   .before = &tr->lead};
    if (!kz_change_save(t, &c))
        return not_decided(tr, t);
    char *name = lead_name(tr); /* owned */
    if (strcmp(decision, "snooze") == 0)
        kz_tui_message(t, _("snoozed %s: next step due %s (%s); u undoes%s"), name, shown, rel,
                       kz_change_reapplied(&c));
    else
        kz_tui_message(t, _("next step set for %s: next step due %s (%s); u undoes%s"), name,
                       shown, rel, kz_change_reapplied(&c));
    free(name);
    tundo u = {0};
    u.kind = U_CHANGE;
    return decided(tr, t, decision, true, &u);
}

static unsigned decide_snooze(triage *tr, kz_tui *t)
{
    static const char *const when[] = {"tomorrow", "in 2 days", "next week", "in 2 weeks",
                                       "next month"};
    static const kz_key keys[] = {'t', '2', 'w', 'f', 'm'};
    enum { NQUICK = 5 };
    /* when[] is what kz_date_parse reads; the menu shows it translated,
     * the dates lined up in one column measured in display columns */
    static const char *const shown[] = {N_("tomorrow"), N_("in 2 days"), N_("next week"),
                                        N_("in 2 weeks"), N_("next month")};
    char labels[NQUICK][160];
    kz_menu_item items[NQUICK + 1];
    int col = 11;
    for (int i = 0; i < NQUICK; i++)
        if (kz_text_width(_(shown[i])) > col)
            col = kz_text_width(_(shown[i]));
    for (int i = 0; i < NQUICK; i++) {
        int day = t->today;
        kz_err err;
        kz_date_parse(when[i], t->today, &day, &err);
        char iso[KZ_DATE_TEXT];
        kz_day_show(day, iso, sizeof iso);
        const char *w = _(shown[i]);
        snprintf(labels[i], sizeof labels[i], "%s%*s %s", w, col - kz_text_width(w), "", iso);
        items[i] = (kz_menu_item){keys[i], labels[i]};
    }
    items[NQUICK] = (kz_menu_item){'d', _("another date...")};
    int pick = kz_prompt_menu(t, _("snooze until"), items, NQUICK + 1);
    if (pick < 0) {
        kz_tui_message(t, _("not snoozed"));
        return KZ_UI_REDRAW;
    }
    int day;
    kz_err err;
    kz_err_clear(&err);
    if (pick < NQUICK) {
        if (kz_date_parse(when[pick], t->today, &day, &err) != KZ_OK) {
            kz_tui_error(t, "%s", err.msg);
            return KZ_UI_REDRAW;
        }
    } else {
        kz_buf text = KZ_BUF_INIT; /* owned */
        bool ok = kz_prompt_line(t, _("snooze until (tomorrow, fri, +3d, next week, YYYY-MM-DD):"),
                                 "", &text, NULL, NULL);
        kz_status st = ok ? kz_date_parse(kz_buf_str(&text), t->today, &day, &err) : KZ_OK;
        kz_buf_free(&text);
        if (!ok) {
            kz_tui_message(t, _("not snoozed"));
            return KZ_UI_REDRAW;
        }
        if (st != KZ_OK) {
            kz_tui_error(t, "%s", err.msg);
            return KZ_UI_REDRAW;
        }
        if (!kz_prompt_past_ok(t, day)) {
            kz_tui_message(t, _("not snoozed"));
            return KZ_UI_REDRAW;
        }
    }
    return set_due(tr, t, day, NULL, "snooze");
}

static unsigned decide_next_step(triage *tr, kz_tui *t)
{
    kz_buf step = KZ_BUF_INIT, due = KZ_BUF_INIT; /* owned */
    unsigned flags = KZ_UI_REDRAW;
    const char *cur = kz_lead_text(&tr->lead, KZ_F_NEXT_STEP);
    char curdue[KZ_DATE_TEXT] = "";
    if (kz_lead_has(&tr->lead, KZ_F_NEXT_DUE))
        kz_day_input((int)kz_lead_num(&tr->lead, KZ_F_NEXT_DUE), curdue, sizeof curdue);
    if (!kz_prompt_line(t, _("next step:"), cur ? cur : "", &step, NULL, NULL) ||
        !kz_prompt_line(t, _("due (today, tomorrow, fri, +3d, next week, YYYY-MM-DD):"), curdue,
                        &due, NULL, NULL)) {
        kz_tui_message(t, _("next step unchanged"));
        goto out;
    }
    int day;
    kz_err err;
    kz_err_clear(&err);
    if (kz_date_parse(kz_buf_str(&due), t->today, &day, &err) != KZ_OK) {
        kz_tui_error(t, "%s", err.msg);
        goto out;
    }
    if (!kz_prompt_past_ok(t, day)) {
        kz_tui_message(t, _("next step unchanged"));
        goto out;
    }
    flags = set_due(tr, t, day, kz_buf_str(&step), "next-step");
out:
    kz_buf_free(&step);
    kz_buf_free(&due);
    return flags;
}

static unsigned decide_log(triage *tr, kz_tui *t, kz_action a)
{
    const char *kind, *outcome, *label;
    char *name = lead_name(tr); /* owned */
    if (kz_pick_outcome(t, a, name, &kind, &outcome, &label) < 0) {
        free(name);
        return KZ_UI_REDRAW;
    }
    kz_change c = {.kind = KZ_CH_LOG, .id = current_id(tr), .what = _("log"), .log_kind = kind,
                   .outcome = outcome};
    if (!kz_change_save(t, &c)) {
        free(name);
        return not_decided(tr, t);
    }
    kz_tui_message(t, _("%s logged with %s: %s"), kz_activity_word(kind), name, label);
    free(name);
    tundo u = {0};
    u.kind = U_TOUCH;
    return decided(tr, t, kind, true, &u);
}

static unsigned decide_note(triage *tr, kz_tui *t)
{
    kz_buf text = KZ_BUF_INIT; /* owned */
    unsigned flags = KZ_UI_REDRAW;
    if (!kz_prompt_line(t, _("note:"), "", &text, NULL, NULL) || text.len == 0) {
        kz_tui_message(t, _("no note added"));
        goto out;
    }
    kz_change c = {.kind = KZ_CH_LOG, .id = current_id(tr), .what = _("note"), .log_kind = "note",
                   .outcome = "none", .note = kz_buf_str(&text)};
    if (!kz_change_save(t, &c)) {
        flags = not_decided(tr, t);
        goto out;
    }
    char *name = lead_name(tr); /* owned */
    kz_tui_message(t, _("note added to %s"), name);
    free(name);
    tundo u = {0};
    u.kind = U_TOUCH;
    flags = decided(tr, t, "note", true, &u);
out:
    kz_buf_free(&text);
    return flags;
}

static unsigned assign_to(triage *tr, kz_tui *t, const char *owner, const char *decision)
{
    kz_change c = {.kind = KZ_CH_ASSIGN, .id = current_id(tr),
                   .version = kz_lead_num(&tr->lead, KZ_F_VERSION),
                   .what = decision_word(decision), .field = "owner", .mine = owner ? owner : "",
                   .owner = owner && *owner ? owner : NULL, .before = &tr->lead};
    if (!kz_change_save(t, &c))
        return not_decided(tr, t);
    char *name = lead_name(tr); /* owned */
    kz_buf who = KZ_BUF_INIT;   /* owned */
    if (owner && *owner)
        kz_text_sanitize(&who, owner, strlen(owner), KZ_TEXT_NEWLINE_SPACE);
    if (owner && *owner)
        kz_tui_message(t, _("%s assigned to %s; u undoes%s"), name, kz_buf_str(&who),
                       kz_change_reapplied(&c));
    else
        kz_tui_message(t, _("%s unassigned; u undoes%s"), name, kz_change_reapplied(&c));
    kz_buf_free(&who);
    free(name);
    tundo u = {0};
    u.kind = U_CHANGE;
    return decided(tr, t, decision, true, &u);
}

static unsigned decide_assign(triage *tr, kz_tui *t)
{
    const char *owner = kz_lead_text(&tr->lead, KZ_F_OWNER);
    kz_buf text = KZ_BUF_INIT; /* owned */
    unsigned flags = KZ_UI_REDRAW;
    if (!kz_prompt_line(t, _("assign to (empty: unassigned):"), owner ? owner : "", &text, NULL,
                        NULL)) {
        kz_tui_message(t, _("owner unchanged"));
        goto out;
    }
    const char *o = text.s ? kz_trim(text.s) : "";
    if (!kz_prompt_owner_ok(t, o)) {
        kz_tui_message(t, _("owner unchanged"));
        goto out;
    }
    flags = assign_to(tr, t, o, "assign");
out:
    kz_buf_free(&text);
    return flags;
}

static unsigned decide_claim(triage *tr, kz_tui *t)
{
    const char *owner = kz_lead_text(&tr->lead, KZ_F_OWNER);
    if (owner && strcmp(owner, t->s->actor) == 0) {
        kz_tui_message(t, _("this lead is already yours"));
        return KZ_UI_REDRAW;
    }
    return assign_to(tr, t, t->s->actor, "claim");
}

static unsigned decide_status(triage *tr, kz_tui *t)
{
    size_t n = kz_rules_status_count(t->s->rules);
    if (n == 0) {
        kz_tui_error(t, _("the rules define no lifecycle statuses"));
        return KZ_UI_REDRAW;
    }
    kz_menu_item *items = kz_xcalloc(n, sizeof *items); /* owned */
    for (size_t i = 0; i < n; i++)
        items[i] = (kz_menu_item){nth_key(i), kz_rules_status_label(t->s->rules, i)};
    int pick = kz_prompt_menu(t, _("lifecycle status"), items, n);
    free(items);
    if (pick < 0) {
        kz_tui_message(t, _("status unchanged"));
        return KZ_UI_REDRAW;
    }
    const char *status = kz_rules_status(t->s->rules, (size_t)pick);
    char assign[160];
    snprintf(assign, sizeof assign, "status=%s", status);
    kz_change c = {.kind = KZ_CH_SET, .id = current_id(tr),
                   .version = kz_lead_num(&tr->lead, KZ_F_VERSION), .what = _("status"),
                   .field = "status", .mine = status, .assign = assign,
                   .before = &tr->lead};
    if (!kz_change_save(t, &c))
        return not_decided(tr, t);
    char *name = lead_name(tr); /* owned */
    kz_buf label = KZ_BUF_INIT; /* owned */
    kz_label_value(t->s->rules, "status", status, &label);
    kz_tui_message(t, _("status of %s set to %s; u undoes%s"), name, kz_buf_str(&label),
                   kz_change_reapplied(&c));
    kz_buf_free(&label);
    free(name);
    tundo u = {0};
    u.kind = U_CHANGE;
    return decided(tr, t, "status", true, &u);
}

static unsigned decide_skip(triage *tr, kz_tui *t)
{
    char *name = lead_name(tr); /* owned */
    kz_tui_message(t, _("skipped %s"), name);
    free(name);
    tundo u = {0};
    u.kind = U_SKIP;
    return decided(tr, t, "skip", true, &u);
}

/* Goes back to the lead of the undone decision. */
static void back_to(triage *tr, kz_tui *t, const tundo *u)
{
    tr->idx = u->idx < tr->q.n ? u->idx : tr->idx;
    tr->prog = u->before;
    kz_err err;
    kz_triage_progress_set(t->s, &tr->prog, &err);
    load_current(tr, t);
}

static unsigned do_undo(triage *tr, kz_tui *t)
{
    if (tr->nundo == 0) {
        kz_tui_message(t, _("nothing to undo"));
        return KZ_UI_REDRAW;
    }
    tundo *u = &tr->undo[tr->nundo - 1];
    /* the shared undo: a colleague's change since is the conflict dialog;
     * an undo dropped there leaves the stack, one that failed otherwise
     * stays on it */
    bool dropped = false;
    if (u->kind == U_CHANGE && !kz_undo_apply(t, &u->change, &dropped)) {
        if (dropped) { /* the decision stays; its undo is gone */
            kz_undo_free(&u->change);
            tr->nundo--;
        }
        load_current(tr, t);
        return KZ_UI_REDRAW;
    }
    tundo done = *u;
    tr->nundo--;
    kz_err uerr;
    if (done.marked && kz_triage_unmark(t->s, done.id, &uerr) != KZ_OK)
        kz_tui_error(t, _("taking the decision back failed: %s"), uerr.msg);
    back_to(tr, t, &done);
    char *name = lead_name(tr); /* owned */
    if (done.kind == U_TOUCH)
        kz_tui_message(t, _("the %s stays logged (a touch cannot be unlogged); back on %s"),
                       done.what, name);
    else if (done.kind == U_SKIP)
        kz_tui_message(t, _("back on %s"), name);
    else
        kz_tui_message(t, _("undone: %s of %s"), done.what, name);
    free(name);
    kz_undo_free(&done.change);
    return KZ_UI_REDRAW;
}

static bool is_decision(kz_action a)
{
    switch (a) {
    case KZ_ACT_MOVE_NEXT:
    case KZ_ACT_WON:
    case KZ_ACT_LOST:
    case KZ_ACT_SNOOZE:
    case KZ_ACT_FOLLOWUP:
    case KZ_ACT_LOG_CALL:
    case KZ_ACT_LOG_EMAIL:
    case KZ_ACT_LOG_MEETING:
    case KZ_ACT_NOTE:
    case KZ_ACT_ASSIGN:
    case KZ_ACT_CLAIM:
    case KZ_ACT_SET_STATUS:
    case KZ_ACT_SKIP:
    case KZ_ACT_UNDO:
        return true;
    default:
        return false;
    }
}

static unsigned triage_action(kz_view *v, kz_tui *t, kz_action a)
{
    triage *tr = v->priv;
    switch (a) {
    case KZ_ACT_QUIT:
    case KZ_ACT_BACK:
        return KZ_UI_POP | KZ_UI_RELOAD;
    case KZ_ACT_TRIAGE:
        kz_tui_message(t, _("this is the triage queue"));
        return KZ_UI_REDRAW;
    case KZ_ACT_CURSOR_DOWN:
    case KZ_ACT_CURSOR_UP:
    case KZ_ACT_FIRST:
    case KZ_ACT_LAST:
        if (tr->q.n == 0)
            return KZ_UI_REDRAW;
        if (a == KZ_ACT_CURSOR_DOWN && tr->idx < tr->q.n)
            tr->idx++;
        else if (a == KZ_ACT_CURSOR_UP && tr->idx > 0)
            tr->idx--;
        else if (a == KZ_ACT_FIRST)
            tr->idx = 0;
        else if (a == KZ_ACT_LAST)
            tr->idx = tr->q.n - 1;
        load_current(tr, t);
        return KZ_UI_REDRAW;
    case KZ_ACT_OPEN:
        if (!tr->loaded) {
            kz_tui_message(t, _("no lead to open"));
            return KZ_UI_REDRAW;
        }
        kz_tui_push(t, kz_detail_view_new(t, current_id(tr)));
        return KZ_UI_REDRAW;
    default:
        break;
    }
    if (!is_decision(a))
        return KZ_UI_UNBOUND;
    if (t->opts->readonly) {
        kz_tui_refuse_readonly(t, a);
        return KZ_UI_REDRAW;
    }
    if (a == KZ_ACT_UNDO)
        return do_undo(tr, t);
    if (tr->idx >= tr->q.n) {
        kz_tui_message(t, _("no lead to decide on (u undoes, k goes back, q returns to the board)"));
        return KZ_UI_REDRAW;
    }
    if (a == KZ_ACT_SKIP)
        return decide_skip(tr, t);
    if (!tr->loaded) {
        kz_tui_error(t, _("lead %" PRId64 " cannot be loaded; Space skips it"), current_id(tr));
        return KZ_UI_REDRAW;
    }
    switch (a) {
    case KZ_ACT_MOVE_NEXT:
        return decide_move(tr, t, false);
    case KZ_ACT_WON:
        return decide_move(tr, t, true);
    case KZ_ACT_LOST:
        return decide_lost(tr, t);
    case KZ_ACT_SNOOZE:
        return decide_snooze(tr, t);
    case KZ_ACT_FOLLOWUP:
        return decide_next_step(tr, t);
    case KZ_ACT_LOG_CALL:
    case KZ_ACT_LOG_EMAIL:
    case KZ_ACT_LOG_MEETING:
        return decide_log(tr, t, a);
    case KZ_ACT_NOTE:
        return decide_note(tr, t);
    case KZ_ACT_ASSIGN:
        return decide_assign(tr, t);
    case KZ_ACT_CLAIM:
        return decide_claim(tr, t);
    case KZ_ACT_SET_STATUS:
        return decide_status(tr, t);
    default:
        return KZ_UI_UNBOUND;
    }
}

static bool triage_current(kz_view *v, int64_t *id, int64_t *version)
{
    triage *tr = v->priv;
    if (!tr->loaded)
        return false;
    *id = current_id(tr);
    *version = kz_lead_num(&tr->lead, KZ_F_VERSION);
    return true;
}

static const kz_lead *triage_seen(kz_view *v)
{
    triage *tr = v->priv;
    return tr->loaded ? &tr->lead : NULL;
}

static void triage_destroy(kz_view *v)
{
    triage *tr = v->priv;
    kz_triage_queue_free(&tr->q);
    kz_lead_free(&tr->lead);
    kz_activity_list_free(&tr->acts);
    free(tr->sc);
    for (size_t i = 0; i < tr->nundo; i++)
        kz_undo_free(&tr->undo[i].change);
    free(tr->undo);
    free(tr);
    free(v);
}

static const kz_hint triage_hints[] = {
    {KZ_ACT_MOVE_NEXT, N_("advance")}, {KZ_ACT_LOST, N_("disqualify")}, {KZ_ACT_SNOOZE, N_("snooze")},
    {KZ_ACT_LOG_CALL, N_("call")},     {KZ_ACT_LOG_EMAIL, N_("email")}, {KZ_ACT_NOTE, N_("note")},
    {KZ_ACT_CLAIM, N_("claim")},        {KZ_ACT_ASSIGN, N_("assign")},   {KZ_ACT_SET_STATUS, N_("status")},
    {KZ_ACT_SKIP, N_("skip")},         {KZ_ACT_UNDO, N_("undo")},       {KZ_ACT_QUIT, N_("board")},
    {KZ_ACT_HELP, N_("help")},         {KZ_ACT_NONE, NULL}};

static const kz_view_ops triage_ops = {
    .title = N_("triage"),

    .title_text = triage_title,
    .keymap = KZ_KM_TRIAGE,
    .reload = triage_reload,
    .draw = triage_draw,
    .action = triage_action,
    .current = triage_current,
    .seen = triage_seen,
    .hints = triage_hints,
    .destroy = triage_destroy,
    .mirrors = true,
};

kz_view *kz_triage_view_new(kz_tui *t)
{
    triage *tr = kz_xcalloc(1, sizeof *tr);
    tr->all = t->opts->triage_all;
    kz_lead_init(&tr->lead);
    tr->sc = kz_xcalloc(1, sizeof *tr->sc);
    tr->undo = kz_xcalloc(KZ_UNDO_MAX, sizeof *tr->undo);
    kz_view *v = kz_xcalloc(1, sizeof *v);
    v->ops = &triage_ops;
    v->priv = tr;
    return v;
}
