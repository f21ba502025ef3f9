/* board.c - the kanban view: one column per stage, cards for the leads.
 *
 * Only the cards that fit on screen are loaded, per column, with the
 * store's limit/offset; column headers come from the stage totals the
 * store keeps (never a scan of leads). */
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/prefs.h"
#include "kariz/money.h"
#include "kariz/paths.h"
#include "kariz/pipeline.h"
#include "kariz/store.h"
#include "kariz/text.h"
#include "tui/tui_int.h"

#define CARD_ROWS 4 /* three lines of card and a gap */
#define HEADER_ROWS 3
#define COLLAPSED_W 14
#define MIN_COL_W 24
#define MAX_COL_W 40

/* A filtered column counts its matches up to about this many ("200+
 * shown"), more as the cursor goes further down: counting every match of a
 * common word among a million leads would cost more than a keystroke may. */
#define KZ_BOARD_COUNT_CAP KZ_STORE_COLUMN_CAP

typedef struct column {
    const kz_stage *stage; /* owned by the rules */
    kz_stage_total tot;
    int64_t nmatch;        /* leads in the column that pass the filters */
    bool more;             /* nmatch is a lower bound: the count stopped early */
    int64_t cap;           /* the count's cap (0: none), doubled as the cursor nears nmatch */
    size_t cur, top;       /* selected card and first visible card (absolute) */
    int64_t sel;           /* the lead the cursor is on (0: none): reloads keep it there */
    kz_lead *cards;        /* owned: the visible cards, ncards used */
    size_t ncards, capcards;
    bool collapsed;
    bool unmatched;        /* place_for_search found the selected lead not among the matches */
} column;

typedef struct board {
    column *cols; /* owned */
    size_t ncols;
    size_t focus;
    size_t first;  /* first column shown (sideways scrolling) */
    int slots;     /* cards that fit in a column */
    kz_err err;    /* last load error */
    bool load_failed;
    bool searched; /* the reload under way follows a change of the search */
} board;

static bool filtered(const kz_tui *t)
{
    const kz_filter *f = &t->filter;
    return f->search[0] || f->owner[0] || f->mine || f->grade[0] || f->overdue || f->stale;
}

static void make_query(const kz_tui *t, const column *c, kz_query *q)
{
    memset(q, 0, sizeof *q);
    const kz_filter *f = &t->filter;
    q->stage = c->stage->name;
    if (f->owner[0]) {
        q->owner = f->owner;
    } else if (f->mine) {
        q->owner = t->s->actor;
        q->with_unassigned = true;
    }
    q->search = f->search[0] ? f->search : NULL;
    q->grade = f->grade[0] ? f->grade : NULL;
    q->overdue = f->overdue;
    q->today_day = t->today;
    q->stale = f->stale;
    q->stale_now = kz_session_now(t->s);
    q->sort = (kz_sort)f->sort;
}

typedef struct collect {
    column *c;
    size_t max;
} collect;

static bool collect_card(const kz_lead *lead, void *ud)
{
    collect *cc = ud;
    column *c = cc->c;
    if (c->ncards == c->capcards) {
        size_t ncap = c->capcards ? c->capcards * 2 : 16;
        c->cards = kz_xrealloc(c->cards, ncap * sizeof *c->cards);
        for (size_t i = c->capcards; i < ncap; i++)
            kz_lead_init(&c->cards[i]);
        c->capcards = ncap;
    }
    kz_lead_copy(&c->cards[c->ncards++], lead);
    return c->ncards < cc->max;
}

/* Counts the column's matches, up to about cap (0: all) when filtered. */
static void count_column(board *b, kz_tui *t, column *c, int64_t cap)
{
    if (b->load_failed)
        return;
    if (!filtered(t)) {
        c->nmatch = c->tot.count;
        c->more = false;
        return;
    }
    kz_query q;
    make_query(t, c, &q);
    c->cap = cap;
    q.count_cap = cap;
    if (kz_store_count_some(t->s->store, &q, &c->nmatch, &c->more, &b->err) != KZ_OK)
        b->load_failed = true;
}

/* Loads the visible window of cards; recounts the matches when count (a
 * cursor move inside the same data does not need to). */
static void load_column(board *b, kz_tui *t, column *c, bool count)
{
    c->ncards = 0;
    if (count)
        count_column(b, t, c, KZ_BOARD_COUNT_CAP);
    if (b->load_failed)
        return;
    kz_query q;
    make_query(t, c, &q);
    size_t slots = b->slots > 0 ? (size_t)b->slots : 1;
    if (c->nmatch <= 0) {
        c->cur = c->top = 0;
        return;
    }
    if (c->cur >= (size_t)c->nmatch)
        c->cur = (size_t)c->nmatch - 1;
    if (c->cur < c->top)
        c->top = c->cur;
    if (c->cur >= c->top + slots)
        c->top = c->cur - slots + 1;
    if (c->top + slots > (size_t)c->nmatch)
        c->top = (size_t)c->nmatch > slots ? (size_t)c->nmatch - slots : 0;
    if (c->collapsed || b->slots <= 0)
        return;
    q.limit = slots;
    q.offset = c->top;
    collect cc = {c, slots};
    if (kz_store_list(t->s->store, &q, false, collect_card, &cc, &b->err) != KZ_OK)
        b->load_failed = true;
}

/* The lead at the cursor, remembered so that the next reload finds it
 * again wherever the new order put it. */
static void note_sel(column *c)
{
    c->sel = 0;
    if (c->cur >= c->top && c->cur - c->top < c->ncards)
        c->sel = kz_lead_num(&c->cards[c->cur - c->top], KZ_F_ID);
}

/* How far past the cursor a reload looks for the selected lead in its
 * column's order: a lead that fell further (its score dropped a lot) in a
 * huge column is not chased through all of it. */
#define KZ_BOARD_FIND_REACH 5000

/* Where lead l stands in column c now (its place in the filtered order);
 * false when it is not in the column, does not pass the filters, or (when
 * *beyond is set) stands further down than the search looked: `reach`
 * places past the cursor (0: the whole column). */
static bool find_in(kz_tui *t, column *c, const kz_lead *l, size_t reach, size_t *pos,
                    bool *beyond)
{
    *beyond = false;
    int64_t id = kz_lead_num(l, KZ_F_ID);
    for (size_t i = 0; i < c->ncards; i++)
        if (kz_lead_num(&c->cards[i], KZ_F_ID) == id) {
            *pos = c->top + i;
            return true;
        }
    if (c->collapsed || c->nmatch <= 0)
        return false;
    /* outside the visible window: the store counts the leads above it */
    kz_query q;
    make_query(t, c, &q);
    size_t limit = reach ? c->cur + reach : 0, rank;
    bool found;
    kz_err err;
    if (kz_store_rank(t->s->store, &q, l, limit, &rank, &found, &err) != KZ_OK || !found)
        return false;
    if (limit && rank >= limit) {
        *beyond = true;
        return false;
    }
    *pos = rank;
    return true;
}

/* Adds a note to the status line (after what is there already). */
static void add_note(kz_tui *t, const char *note)
{
    if (strstr(kz_buf_str(&t->status), note))
        return;
    if (t->status.len == 0)
        kz_tui_message(t, "%s", note);
    else
        kz_buf_printf(&t->status, "; %s", note);
}

/* Puts column c's cursor back on its lead after a reload. When the lead
 * left the column (moved, filtered out, deleted) the cursor stays at the
 * same place: on the lead that now stands where it stood. The focused
 * column says on the status line where its lead went (name: its label
 * before the reload). */
static void keep_selection(board *b, kz_tui *t, column *c, bool focus, const char *name)
{
    int64_t id = c->sel;
    if (c->collapsed || b->slots <= 0)
        return; /* no cards shown: the cursor waits on its lead */
    if (!id)
        goto done;
    size_t pos;
    bool beyond = false;
    if (c->cur >= c->top && c->cur - c->top < c->ncards &&
        kz_lead_num(&c->cards[c->cur - c->top], KZ_F_ID) == id)
        goto done; /* still where it was */
    for (size_t i = 0; i < c->ncards; i++)
        if (kz_lead_num(&c->cards[i], KZ_F_ID) == id) {
            /* among the cards just read: in this column and passing the
             * filters, where find_in would find it (no need to read it) */
            c->cur = c->top + i;
            goto done;
        }
    if (b->searched && c->unmatched)
        goto done; /* not a match (place_for_search): while a search is typed no note says
                    * where it went (deleted, moved or filtered out), as none says below
                    * that it no longer matches; the search says why the leads go */
    kz_lead l;
    kz_lead_init(&l);
    kz_err err;
    bool exists = kz_store_lead_get(t->s->store, id, &l, &err) == KZ_OK;
    const char *stage = exists ? kz_lead_text(&l, KZ_F_STAGE) : NULL;
    bool here = stage && strcmp(stage, c->stage->name) == 0;
    if (here && find_in(t, c, &l, KZ_BOARD_FIND_REACH, &pos, &beyond)) {
        c->cur = pos;
        if (c->cur < c->top || c->cur >= c->top + c->ncards)
            load_column(b, t, c, false);
    } else if (beyond) {
        /* far down its column now: g/G and the search find it */
    } else if (focus && t->told_id != id && name && *name) {
        kz_buf note = KZ_BUF_INIT; /* owned */
        if (!exists) {
            kz_buf_printf(&note, _("%s was deleted"), name);
        } else if (!here) {
            const kz_stage *st = stage ? kz_rules_stage(t->s->rules, stage) : NULL;
            const char *label = st && st->label ? st->label : stage ? stage : "?";
            /* unless the status line tells it ("bob moved Mia Khan to Prospect") */
            if (!strstr(kz_buf_str(&t->status), name) || !strstr(kz_buf_str(&t->status), label))
                kz_buf_printf(&note, _("%s moved to %s"), name, label);
        } else if (!b->searched) {
            /* (not for each character of a search typed: the search says
             * why the leads go, and the notes would pile up) */
            kz_buf_printf(&note, _("%s no longer matches the filter"), name);
        }
        if (note.len)
            add_note(t, kz_buf_str(&note));
        kz_buf_free(&note);
    }
    kz_lead_free(&l);
done:
    note_sel(c);
}

/* Selects a lead that was just added: its column focused (and expanded),
 * the cursor on it. */
static void select_lead(board *b, kz_tui *t, int64_t id)
{
    kz_lead l;
    kz_lead_init(&l);
    kz_err err;
    if (kz_store_lead_get(t->s->store, id, &l, &err) != KZ_OK) {
        kz_lead_free(&l);
        return;
    }
    const char *stage = kz_lead_text(&l, KZ_F_STAGE);
    for (size_t i = 0; i < b->ncols && stage; i++) {
        column *c = &b->cols[i];
        if (strcmp(c->stage->name, stage) != 0)
            continue;
        if (c->collapsed) {
            c->collapsed = false;
            load_column(b, t, c, false);
        }
        size_t pos;
        bool beyond;
        if (!find_in(t, c, &l, 0, &pos, &beyond)) {
            kz_buf name = KZ_BUF_INIT, note = KZ_BUF_INIT; /* owned */
            kz_lead_label(&l, &name);
            kz_buf_printf(&note, _("%s does not match the filter (x clears it)"),
                          kz_buf_str(&name));
            add_note(t, kz_buf_str(&note));
            kz_buf_free(&name);
            kz_buf_free(&note);
            break;
        }
        b->focus = i;
        c->cur = pos;
        load_column(b, t, c, false);
        note_sel(c);
        break;
    }
    kz_lead_free(&l);
}

/* How far down its column's matches a selected lead may stand for a search
 * typed to keep it selected. */
#define KZ_BOARD_SEARCH_REACH 100

/* A search typed or changed: the selected lead stays selected where it
 * stands among the matches when it is one of the first
 * KZ_BOARD_SEARCH_REACH; otherwise the cursor goes to the first match. Its
 * place in the column before means nothing among the matches, and finding
 * it further down would count every match above it on each keystroke (a
 * word in every lead checks each lead's text). A search cleared finds the
 * lead again wherever it stands (keep_selection). */
static void place_for_search(kz_tui *t, column *c)
{
    c->unmatched = false;
    if (c->collapsed || !c->sel)
        return;
    kz_query q;
    make_query(t, c, &q);
    bool searching = t->filter.search[0] != '\0';
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_num(&l, KZ_F_ID, c->sel);
    size_t rank, limit = searching ? KZ_BOARD_SEARCH_REACH : 1;
    bool found;
    kz_err err;
    /* (cleared: whether it passes; the count above it stops at one) */
    if (kz_store_rank(t->s->store, &q, &l, limit, &rank, &found, &err) == KZ_OK) {
        if (!found) {
            c->cur = c->top = 0;
            c->unmatched = searching;
        } else if (searching && rank >= limit) {
            c->cur = c->top = 0;
            c->sel = 0; /* (not chased down the column) */
        } else if (searching) {
            c->cur = rank;
        }
    }
    kz_lead_free(&l);
}

static void board_reload(kz_view *v, kz_tui *t)
{
    board *b = v->priv;
    b->load_failed = false;
    kz_rect area = kz_tui_area(t);
    b->slots = (area.h - HEADER_ROWS + 1) / CARD_ROWS; /* the last gap may fall off */
    /* (every column's reads in one moment: others' commits are asked for
     * once, not by each read; one made meanwhile brings the next reload) */
    kz_store_hold_version(t->s->store, true);
    kz_stage_total tot[64];
    size_t n = 0;
    const char *owner = t->filter.owner[0] ? t->filter.owner : t->filter.mine ? t->s->actor : NULL;
    /* (mine: the unassigned leads it shows too) */
    bool with_unassigned = !t->filter.owner[0] && t->filter.mine;
    if (kz_store_stage_totals(t->s->store, owner, with_unassigned, tot, 64, &n, &b->err) !=
        KZ_OK) {
        b->load_failed = true;
        n = 0;
    }
    /* the focused column's lead as it was, to say where it went */
    kz_buf name = KZ_BUF_INIT; /* owned */
    column *fc = b->ncols ? &b->cols[b->focus] : NULL;
    if (fc && fc->sel && fc->cur >= fc->top && fc->cur - fc->top < fc->ncards &&
        kz_lead_num(&fc->cards[fc->cur - fc->top], KZ_F_ID) == fc->sel)
        kz_lead_label(&fc->cards[fc->cur - fc->top], &name);
    for (size_t i = 0; i < b->ncols; i++) {
        column *c = &b->cols[i];
        memset(&c->tot, 0, sizeof c->tot);
        for (size_t j = 0; j < n; j++)
            if (strcmp(tot[j].stage, c->stage->name) == 0)
                c->tot = tot[j];
        if (b->searched)
            place_for_search(t, c);
        load_column(b, t, c, true);
        if (!b->load_failed)
            keep_selection(b, t, c, i == b->focus, kz_buf_str(&name));
    }
    kz_buf_free(&name);
    kz_store_hold_version(t->s->store, false);
    if (t->select_id && !b->load_failed)
        select_lead(b, t, t->select_id);
    t->select_id = 0;
    t->told_id = 0;
    if (b->load_failed)
        kz_tui_error(t, _("cannot load the board: %s"), b->err.msg);
}

/* ---- layout ---- */

/* A collapsed column: COLLAPSED_W, or as wide as its "(z expands)" needs
 * in the user's language (in display columns), at most MIN_COL_W. */
static int collapsed_width(void)
{
    int w = kz_text_width(_("(z expands)")) + 3;
    return w < COLLAPSED_W ? COLLAPSED_W : w > MIN_COL_W ? MIN_COL_W : w;
}

static int col_width(const board *b, const kz_tui *t, const column *c)
{
    if (c->collapsed)
        return collapsed_width();
    int nopen = 0, fixed = 0;
    for (size_t i = 0; i < b->ncols; i++) {
        if (b->cols[i].collapsed)
            fixed += collapsed_width();

        else
            nopen++;
    }
    int room = t->cols - fixed;
    int fit = room / MIN_COL_W; /* open columns that fit side by side */
    if (fit < 1)
        fit = 1;
    int w = nopen <= fit ? (nopen ? room / nopen : room) : t->cols / (fit < nopen ? fit : nopen);
    if (w < MIN_COL_W)
        w = MIN_COL_W;
    if (w > MAX_COL_W)
        w = MAX_COL_W;
    return w;
}

/* Sets b->first so the focused column is on screen; returns how many
 * columns fit from there. */
static size_t fit_from(const board *b, const kz_tui *t, size_t first)
{
    int x = 0;
    size_t n = 0;
    for (size_t i = first; i < b->ncols; i++) {
        int w = col_width(b, t, &b->cols[i]);
        if (x + w > t->cols && n > 0)
            break;
        x += w;
        n++;
    }
    return n;
}

static size_t layout(board *b, const kz_tui *t)
{
    /* the leftmost start that still shows the focused column, so widening
     * the terminal brings hidden columns back */
    b->first = 0;
    while (b->first < b->focus && b->focus >= b->first + fit_from(b, t, b->first))
        b->first++;
    return fit_from(b, t, b->first);
}

/* ---- drawing ---- */

const char *kz_tui_currency(const kz_tui *t, const kz_lead *l)
{
    const char *own = l ? kz_lead_text(l, KZ_F_CURRENCY) : NULL;
    return own && *own ? own : kz_rules_currency(t->s->rules);
}

void kz_tui_score_hit(const kz_tui *t, const kz_lead *l, const kz_score_hit *h, kz_buf *out)
{
    char n[160];
    snprintf(n, sizeof n, "%+4d", h->points);
    kz_digits_show(n, sizeof n);
    kz_buf_printf(out, "%s  %s", n, h->rule ? h->rule : "");
    if (h->count > 1) {
        snprintf(n, sizeof n, " (x%d)", h->count);
        kz_digits_show(n, sizeof n);
        kz_buf_puts(out, n);
    }
    bool money = h->matched[0] && h->field >= 0 && kz_lead_has(l, (kz_field)h->field) &&
                 kz_field_get((kz_field)h->field)->type == KZ_FT_MONEY;
    if (money) {
        kz_money_full(kz_lead_num(l, (kz_field)h->field), kz_tui_currency(t, l), n, sizeof n);
        kz_buf_printf(out, "  %s", n);
    } else if (h->matched[0]) {
        kz_buf_printf(out, "  \"%s\"", h->matched);
    }
    if (h->limit_hit)
        kz_buf_puts(out, _("  (regex limit: no verdict)"));
}

static kz_role grade_role(const kz_tui *t, const char *grade)
{
    if (!grade)
        return KZ_ROLE_CARD;
    if (strcmp(grade, "hot") == 0)
        return KZ_ROLE_GRADE_HOT;
    if (strcmp(grade, "warm") == 0)
        return KZ_ROLE_GRADE_WARM;
    if (strcmp(grade, "cold") == 0)
        return KZ_ROLE_GRADE_COLD;
    size_t n = kz_rules_grade_count(t->s->rules);
    for (size_t i = 0; i < n; i++)
        if (strcmp(kz_rules_grade_name(t->s->rules, i), grade) == 0)
            return i == 0 ? KZ_ROLE_GRADE_HOT : i + 1 == n ? KZ_ROLE_GRADE_COLD
                                                           : KZ_ROLE_GRADE_WARM;
    return KZ_ROLE_CARD;
}

static void draw_card(kz_tui *t, const kz_lead *l, int y, int x, int w, bool selected)
{
    unsigned base = kz_role_attr(t, selected ? KZ_ROLE_CARD_SELECTED : KZ_ROLE_CARD);
    for (int i = 0; i < CARD_ROWS - 1; i++)
        kz_fill(y + i, x, w, base);
    int inner = w - 2;
    /* line 1: name, score */
    char score[24] = "";
    if (kz_lead_has(l, KZ_F_SCORE))
        snprintf(score, sizeof score, "%" PRId64, kz_lead_num(l, KZ_F_SCORE));
    kz_digits_show(score, sizeof score);
    int sw = kz_text_width(score);
    const char *name = kz_lead_text(l, KZ_F_NAME);
    kz_draw_text_attr(y, x + 1, inner - sw - 1, name ? name : _("(no name)"),
                      selected ? base : kz_role_attr(t, KZ_ROLE_CARD_NAME), false);
    if (sw)
        kz_draw_text_attr(y, x + 1 + inner - sw, sw, score,
                          selected ? base : kz_role_attr(t, grade_role(t, kz_lead_text(l, KZ_F_GRADE))),
                          false);
    /* line 2: company, and who else has the lead open ("@bob +1") */
    const char *company = kz_lead_text(l, KZ_F_COMPANY);
    const char *who[8];
    size_t nwho = kz_tui_present(t, kz_lead_num(l, KZ_F_ID), who, 8);
    int mw = 0;
    if (nwho) {
        kz_buf mark = KZ_BUF_INIT, safe = KZ_BUF_INIT; /* owned */
        kz_text_sanitize(&safe, who[0], strlen(who[0]), KZ_TEXT_NEWLINE_SPACE);
        kz_buf_printf(&mark, "@%s", kz_buf_str(&safe));
        if (nwho > 1)
            kz_buf_printf(&mark, " +%zu", nwho - 1);
        mw = kz_text_width(kz_buf_str(&mark));
        if (mw > inner / 2)
            mw = inner / 2;
        kz_draw_text_attr(y + 1, x + 1 + inner - mw, mw, kz_buf_str(&mark),
                          selected ? base : kz_role_attr(t, KZ_ROLE_PRESENCE), false);
        kz_buf_free(&mark);
        kz_buf_free(&safe);
    }
    /* sorted by due date, the card says when its next step is due before
     * the company (value and age sorts read the value and the days in stage
     * that every card shows) */
    kz_buf second = KZ_BUF_INIT; /* owned */
    if (t->filter.sort == KZ_SORT_DUE) {
        char rel[KZ_DATE_TEXT] = "";
        if (kz_lead_has(l, KZ_F_NEXT_DUE))
            kz_day_relative((int)kz_lead_num(l, KZ_F_NEXT_DUE), t->today, rel, sizeof rel);
        if (rel[0])
            kz_buf_printf(&second, _("due %s"), rel);
        else
            kz_buf_puts(&second, _("no due date"));
        if (company && *company)
            kz_buf_puts(&second, "  ");
    }
    int dw = kz_text_width(kz_buf_str(&second));
    int room = inner - (mw ? mw + 1 : 0);
    if (dw > room)
        dw = room;
    kz_draw_text_attr(y + 1, x + 1, dw, kz_buf_str(&second),
                      selected || !kz_lead_is_overdue(l, t->today) ? base
                                                                   : kz_role_attr(t, KZ_ROLE_OVERDUE),
                      false);
    kz_buf_free(&second);
    kz_draw_text_attr(y + 1, x + 1 + dw, room - dw, company ? company : "", base, false);
    /* line 3: value, owner, days in stage, marks */
    int64_t now = kz_session_now(t->s);
    char value[48] = "-";
    if (kz_lead_has(l, KZ_F_VALUE))
        kz_money_compact(kz_lead_num(l, KZ_F_VALUE), kz_tui_currency(t, l), value, sizeof value);
    int64_t entered = kz_lead_num(l, KZ_F_STAGE_ENTERED);
    int64_t days = entered && now > entered ? (now - entered) / 86400 : 0;
    const char *owner = kz_lead_text(l, KZ_F_OWNER);
    bool overdue = kz_lead_is_overdue(l, t->today);
    int idle = 0, limit = 0;
    bool stale = kz_lead_is_stale(t->s->rules, l, now, &idle, &limit);
    /* right: days in stage and the marks, never cut; left: value and owner */
    char days_s[64];
    /* TRANSLATORS: days a card has been in its stage, on the card ("12d") */
    snprintf(days_s, sizeof days_s, _("%" PRId64 "d"), days);
    kz_digits_show(days_s, sizeof days_s);
    /* the people known: D a decision maker, C a champion */
    char people[4] = "";
    bool dm = kz_lead_has_role(l, "decision_maker"), champ = kz_lead_has_role(l, "champion");
    snprintf(people, sizeof people, "%s%s", dm ? "D" : "", champ ? "C" : "");
    int pw = (int)strlen(people);
    /* TRANSLATORS: the marks on a card: its next step is overdue; it is stale */
    const char *due_mark = _("!due"), *stale_mark = _("stale");
    int days_w = kz_text_width(days_s), due_w = kz_text_width(due_mark),
        stale_w = kz_text_width(stale_mark);
    int rw = (pw ? pw + 1 : 0) + days_w + (overdue ? 1 + due_w : 0) + (stale ? 1 + stale_w : 0);
    int rx = x + 1 + inner - rw;
    kz_buf line = KZ_BUF_INIT; /* owned */
    kz_buf_printf(&line, "%s  %s", value, owner && *owner ? owner : "-");
    kz_draw_text_attr(y + 2, x + 1, inner - rw - 1, kz_buf_str(&line), base, false);
    if (pw)
        rx += 1 + kz_draw_text_attr(y + 2, rx, pw, people,
                                    selected ? base : kz_role_attr(t, KZ_ROLE_PRESENCE), false);
    rx += kz_draw_text_attr(y + 2, rx, days_w, days_s, base, false);
    if (overdue)
        rx += 1 + kz_draw_text_attr(y + 2, rx + 1, due_w, due_mark,
                                    selected ? base : kz_role_attr(t, KZ_ROLE_OVERDUE), false);
    if (stale)
        kz_draw_text_attr(y + 2, rx + 1, stale_w, stale_mark,
                          selected ? base : kz_role_attr(t, KZ_ROLE_STALE), false);
    kz_buf_free(&line);
}

/* money: the one scale of every column's totals, so that the headers side
 * by side never show different amounts alike */
static void draw_column(board *b, kz_tui *t, size_t ci, int x, int w, kz_rect area,
                        kz_money_scale money)
{
    column *c = &b->cols[ci];
    bool focus = ci == b->focus;
    kz_buf h = KZ_BUF_INIT; /* owned */
    char count[48], shown[48]; /* no separators: a column header is narrow */
    snprintf(count, sizeof count, "%" PRId64, c->tot.count);
    snprintf(shown, sizeof shown, "%" PRId64, c->nmatch);
    kz_digits_show(count, sizeof count);
    kz_digits_show(shown, sizeof shown);
    kz_buf_printf(&h, "%s %s", c->stage->label ? c->stage->label : c->stage->name, count);
    if (filtered(t) && c->more && c->tot.count > c->nmatch)
        kz_buf_printf(&h, _(" (%s+ shown)"), shown);
    else if (filtered(t) && c->nmatch != c->tot.count)
        kz_buf_printf(&h, _(" (%s shown)"), shown);
    kz_fill(area.y, x, w - 1, kz_role_attr(t, focus ? KZ_ROLE_HEADER_FOCUS : KZ_ROLE_HEADER));
    kz_draw_text(t, area.y, x + 1, w - 2, kz_buf_str(&h),
                 focus ? KZ_ROLE_HEADER_FOCUS : KZ_ROLE_HEADER, false);
    /* the totals in the longest form that fits, so no amount is ever cut:
     * "45k EUR  weighted 4.5k EUR", "45k EUR / 4.5k EUR", "45k / 4.5k" */
    char v[48], wv[48];
    const char *cur = kz_tui_currency(t, NULL);
    kz_buf_reset(&h);
    for (int form = 0; form < 3; form++) {
        const char *fc = form < 2 ? cur : NULL;
        kz_money_short(c->tot.value, money, fc, v, sizeof v);
        kz_money_short(c->tot.weighted, money, fc, wv, sizeof wv);
        kz_buf_reset(&h);
        if (c->collapsed)
            kz_buf_printf(&h, "%s", v);
        else
            kz_buf_printf(&h, form == 0 ? _("%s  weighted %s") : "%s / %s", v, wv);
        if (kz_text_width(kz_buf_str(&h)) <= w - 2)
            break;
    }
    kz_draw_text(t, area.y + 1, x + 1, w - 2, kz_buf_str(&h), KZ_ROLE_TOTALS, false);
    attrset((attr_t)kz_role_attr(t, KZ_ROLE_HINT));
    mvhline(area.y + 2, kz_mirror_x(x, w - 1), ACS_HLINE, w - 1);
    attrset(A_NORMAL);
    kz_buf_free(&h);
    if (c->collapsed) {
        kz_draw_text(t, area.y + 3, x + 1, w - 2, _("(z expands)"), KZ_ROLE_HINT, false);
        return;
    }
    if (c->nmatch == 0) {
        kz_draw_text(t, area.y + 3, x + 1, w - 2, filtered(t) ? _("(none match)") : _("(no leads)"),
                     KZ_ROLE_HINT, false);
        return;
    }
    int y = area.y + HEADER_ROWS;
    /* (as many as the area holds: cards read for a taller terminal are
     * drawn only as far as it goes until the next reload) */
    size_t fits = (size_t)((area.h - HEADER_ROWS + 1) / CARD_ROWS);
    size_t drawn = c->ncards < fits ? c->ncards : fits;
    for (size_t i = 0; i < drawn; i++) {
        draw_card(t, &c->cards[i], y, x, w - 1, focus && c->top + i == c->cur);
        y += CARD_ROWS;
    }
    /* the scroll marks stand where no card has text: "↑" on the rule under
     * the header, "↓" in the gap under the last card, or beside "↑" when
     * that gap fell off the screen */
    if (c->top > 0)
        kz_draw_text(t, area.y + 2, x + w - 4, 1, "↑", KZ_ROLE_HINT, false);
    if (c->top + drawn < (size_t)c->nmatch) {
        if (y - 1 < area.y + area.h)
            kz_draw_text(t, y - 1, x + w - 4, 1, "↓", KZ_ROLE_HINT, false);
        else
            kz_draw_text(t, area.y + 2, x + w - 3, 1, "↓", KZ_ROLE_HINT, false);
    }
}

static void board_draw(kz_view *v, kz_tui *t, kz_rect area)
{
    board *b = v->priv;
    size_t n = layout(b, t);
    int64_t *sums = kz_xcalloc(2 * b->ncols + 1, sizeof *sums); /* owned here */
    for (size_t i = 0; i < b->ncols; i++) {
        sums[2 * i] = b->cols[i].tot.value;
        sums[2 * i + 1] = b->cols[i].tot.weighted;
    }
    kz_money_scale money = kz_money_scale_for(sums, 2 * b->ncols);
    free(sums);
    int x = area.x;
    for (size_t i = b->first; i < b->first + n && i < b->ncols; i++) {
        int w = col_width(b, t, &b->cols[i]);
        if (x + w > area.x + area.w)
            w = area.x + area.w - x;
        draw_column(b, t, i, x, w, area, money);
        x += w;
    }
    /* the marks point where the hidden columns are (mirrored in rtl) */
    if (b->first > 0)
        kz_draw_text(t, area.y + 1, 0, 1, t->rtl ? "▶" : "◀", KZ_ROLE_HEADER_FOCUS, false);
    if (b->first + n < b->ncols)
        kz_draw_text(t, area.y + 1, area.w - 1, 1, t->rtl ? "◀" : "▶", KZ_ROLE_HEADER_FOCUS,
                     false);
}

/* ---- actions ---- */

static column *focused(board *b)
{
    return b->ncols ? &b->cols[b->focus] : NULL;
}

static void set_cursor(board *b, kz_tui *t, column *c, int64_t to)
{
    if (to < 0)
        to = 0;
    /* a count that stopped early grows as the cursor nears its end */
    int64_t slots = b->slots > 0 ? b->slots : 1;
    if (c->more && c->cap > 0 && to + slots >= c->nmatch) {
        int64_t cap = c->cap * 2 > to + 2 * slots ? c->cap * 2 : to + 2 * slots;
        count_column(b, t, c, cap);
    }
    if (c->nmatch > 0 && to >= c->nmatch)
        to = c->nmatch - 1;
    c->cur = (size_t)to;
    if (c->cur < c->top || c->cur >= c->top + c->ncards)
        load_column(b, t, c, false);
    note_sel(c);
}

typedef struct search_ctx {
    kz_view *v;
} search_ctx;

/* Searching as you type starts at a word of three characters: from there
 * the trigram index answers each keystroke; words of one or two alone
 * mean reading every lead, which Enter does (a name such as "Wu" or
 * "王芳"). The store finds the leads holding every word. */
#define KZ_SEARCH_MIN_CHARS 3

/* The longest word of a search in characters, as the store searches it
 * (without the non-joiner and the diacritics the search form leaves out);
 * 0: no word at all. */
static size_t search_longest(const char *text)
{
    kz_buf form = KZ_BUF_INIT; /* owned */
    kz_text_search_form(&form, text);
    size_t longest = kz_text_longest_word(kz_buf_str(&form));
    kz_buf_free(&form);
    return longest;
}

/* Shows the hint for a search of short words, or takes it off the status
 * line once it no longer applies. */
static void search_hint_show(kz_tui *t, bool show)
{
    kz_buf hint = KZ_BUF_INIT; /* owned */
    char n[32]; /* the count in the digits in force */
    snprintf(n, sizeof n, "%d", KZ_SEARCH_MIN_CHARS);
    kz_digits_show(n, sizeof n);
    kz_buf_printf(&hint,
                  /* TRANSLATORS: %s is the count, written in the digits in force */
                  P_("type a word of %s or more character to search, or press Enter",
                     "type a word of %s or more characters to search, or press Enter",
                     KZ_SEARCH_MIN_CHARS),
                  n);
    if (show)
        kz_tui_message(t, "%s", kz_buf_str(&hint));
    else if (strcmp(kz_buf_str(&t->status), kz_buf_str(&hint)) == 0)
        kz_buf_reset(&t->status);
    kz_buf_free(&hint);
}

static void search_changed(kz_tui *t, const char *text, void *ud)
{
    search_ctx *sc = ud;
    size_t longest = search_longest(text);
    const char *effective = longest >= KZ_SEARCH_MIN_CHARS ? text : "";
    search_hint_show(t, longest > 0 && longest < KZ_SEARCH_MIN_CHARS);
    if (strcmp(effective, t->filter.search) == 0)
        return;
    snprintf(t->filter.search, sizeof t->filter.search, "%s", effective);
    board *b = sc->v->priv;
    if (!kz_tui_reachable(t))
        return; /* (the board keeps what it read; the search applies once it answers) */
    b->searched = true;
    board_reload(sc->v, t);
    b->searched = false;
}

static unsigned board_action(kz_view *v, kz_tui *t, kz_action a)
{
    board *b = v->priv;
    column *c = focused(b);
    if (!c)
        return KZ_UI_UNBOUND;
    int64_t page = b->slots > 1 ? b->slots : 1;
    switch (a) {
    case KZ_ACT_CURSOR_DOWN:
        set_cursor(b, t, c, (int64_t)c->cur + 1);
        return KZ_UI_REDRAW;
    case KZ_ACT_CURSOR_UP:
        set_cursor(b, t, c, (int64_t)c->cur - 1);
        return KZ_UI_REDRAW;
    case KZ_ACT_FIRST:
        set_cursor(b, t, c, 0);
        return KZ_UI_REDRAW;
    case KZ_ACT_LAST:
        if (c->more)
            count_column(b, t, c, 0); /* the real end: count them all */
        set_cursor(b, t, c, c->nmatch - 1);
        return KZ_UI_REDRAW;
    case KZ_ACT_PAGE_DOWN:
        set_cursor(b, t, c, (int64_t)c->cur + page);
        return KZ_UI_REDRAW;
    case KZ_ACT_PAGE_UP:
        set_cursor(b, t, c, (int64_t)c->cur - page);
        return KZ_UI_REDRAW;
    case KZ_ACT_COLUMN_LEFT:
    case KZ_ACT_COLUMN_RIGHT:
        /* the column the eye sees there: right to left, the next stage is
         * on the left */
        if ((a == KZ_ACT_COLUMN_LEFT) != t->rtl) {
            if (b->focus > 0)
                b->focus--;
        } else if (b->focus + 1 < b->ncols) {
            b->focus++;
        }
        return KZ_UI_REDRAW;
    case KZ_ACT_OPEN: {
        int64_t id, version;
        if (!v->ops->current(v, &id, &version)) {
            kz_tui_message(t, _("no lead selected"));
            return KZ_UI_REDRAW;
        }
        kz_tui_push(t, kz_detail_view_new(t, id));
        return KZ_UI_REDRAW;
    }
    case KZ_ACT_TOGGLE_CLOSED: {
        bool any = false, collapse = true;
        for (size_t i = 0; i < b->ncols; i++)
            if (b->cols[i].stage->kind != KZ_STAGE_OPEN && b->cols[i].collapsed)
                collapse = false;
        for (size_t i = 0; i < b->ncols; i++)
            if (b->cols[i].stage->kind != KZ_STAGE_OPEN) {
                b->cols[i].collapsed = collapse;
                any = true;
            }
        if (!any)
            kz_tui_message(t, _("the rules define no won or lost stage"));
        return KZ_UI_RELOAD;
    }
    case KZ_ACT_ADD:
        if (t->opts->readonly) {
            kz_tui_refuse_readonly(t, KZ_ACT_ADD);
            return KZ_UI_REDRAW;
        }
        return kz_leadop(t, a, 0, 0,
                         c->stage->kind == KZ_STAGE_OPEN ? c->stage->name : NULL);
    case KZ_ACT_SEARCH: {
        char saved[sizeof t->filter.search];
        memcpy(saved, t->filter.search, sizeof saved);
        int64_t was = c ? c->sel : 0; /* the lead selected before the search */
        kz_buf text = KZ_BUF_INIT; /* owned */
        search_ctx sc = {v};
        bool ok = kz_prompt_line(t, _("search:"), t->filter.search, &text, search_changed, &sc);
        size_t longest = ok ? search_longest(kz_buf_str(&text)) : 0;
        if (longest > 0 && longest < KZ_SEARCH_MIN_CHARS) {
            /* Enter on short words: every lead is read for them, once */
            snprintf(t->filter.search, sizeof t->filter.search, "%s", kz_buf_str(&text));
            search_hint_show(t, false);
        }
        if (!ok) {
            /* a search cancelled leaves the board as it was: its filter and
             * the lead selected, wherever the characters typed moved it;
             * the lead the typed search selected goes unremarked */
            memcpy(t->filter.search, saved, sizeof saved);
            t->select_id = was;
            column *fc = focused(b);
            t->told_id = fc && fc->sel != was ? fc->sel : 0;
        }
        kz_buf_free(&text);
        return KZ_UI_RELOAD;
    }
    case KZ_ACT_FILTER_MINE:
        t->filter.mine = !t->filter.mine;
        t->filter.owner[0] = '\0';
        kz_tui_message(t, "%s", t->filter.mine ? _("showing your leads and unassigned ones")
                                               : _("showing everyone's leads"));
        return KZ_UI_RELOAD;
    case KZ_ACT_FILTER_OVERDUE:
        t->filter.overdue = !t->filter.overdue;
        kz_tui_message(t, "%s", t->filter.overdue ? _("showing leads with an overdue next step")
                                                  : _("overdue filter off"));
        return KZ_UI_RELOAD;
    case KZ_ACT_FILTER_STALE:
        t->filter.stale = !t->filter.stale;
        kz_tui_message(t, "%s",
                       t->filter.stale ? _("showing stale leads (idle past their stage's limit)")
                                       : _("stale filter off"));
        return KZ_UI_RELOAD;
    case KZ_ACT_FILTER_OWNER: {
        kz_buf text = KZ_BUF_INIT; /* owned */
        if (kz_prompt_line(t, _("owner (empty: anyone):"), t->filter.owner, &text, NULL, NULL)) {
            snprintf(t->filter.owner, sizeof t->filter.owner, "%s", kz_buf_str(&text));
            kz_trim(t->filter.owner);
            if (t->filter.owner[0])
                t->filter.mine = false;
        }
        kz_buf_free(&text);
        return KZ_UI_RELOAD;
    }
    case KZ_ACT_FILTER_GRADE: {
        size_t n = kz_rules_grade_count(t->s->rules);
        kz_menu_item *items = kz_xcalloc(n + 1, sizeof *items); /* owned */
        items[0] = (kz_menu_item){'*', _("any grade")};
        for (size_t i = 0; i < n; i++)
            items[i + 1] = (kz_menu_item){i < 9 ? (kz_key)('1' + i) : 0,
                                          kz_rules_grade_name(t->s->rules, i)};
        int pick = kz_prompt_menu(t, _("grade"), items, n + 1);
        if (pick == 0)
            t->filter.grade[0] = '\0';
        else if (pick > 0)
            snprintf(t->filter.grade, sizeof t->filter.grade, "%s", items[pick].label);
        free(items);
        return KZ_UI_RELOAD;
    }
    case KZ_ACT_FILTER_CLEAR:
        memset(t->filter.search, 0, sizeof t->filter.search);
        t->filter.owner[0] = t->filter.grade[0] = '\0';
        t->filter.mine = t->filter.overdue = t->filter.stale = false;
        kz_tui_message(t, _("filters cleared"));
        return KZ_UI_RELOAD;
    case KZ_ACT_SORT: {
        static const kz_menu_item choices[] = {
            {'s', N_("score (highest first)")}, {'v', N_("value (highest first)")},
            {'a', N_("age in stage (longest first)")}, {'d', N_("due date (soonest first)")},
            {'n', N_("name")}, {'i', N_("lead number")}};
        static const int sorts[] = {KZ_SORT_SCORE, KZ_SORT_VALUE, KZ_SORT_AGE,
                                    KZ_SORT_DUE,   KZ_SORT_NAME,  KZ_SORT_ID};
        kz_menu_item items[6];
        for (size_t i = 0; i < 6; i++)
            items[i] = (kz_menu_item){choices[i].key, _(choices[i].label)};
        int pick = kz_prompt_menu(t, _("sort cards by"), items, 6);
        if (pick >= 0) {
            t->filter.sort = sorts[pick];
            kz_tui_message(t, _("cards sorted by %s"), items[pick].label);
        }
        return KZ_UI_RELOAD;
    }
    default:
        return KZ_UI_UNBOUND;
    }
}

static bool board_current(kz_view *v, int64_t *id, int64_t *version)
{
    board *b = v->priv;
    column *c = focused(b);
    if (!c || c->collapsed || c->cur < c->top || c->cur - c->top >= c->ncards)
        return false;
    const kz_lead *l = &c->cards[c->cur - c->top];
    *id = kz_lead_num(l, KZ_F_ID);
    *version = kz_lead_num(l, KZ_F_VERSION);
    return true;
}

static const kz_lead *board_seen(kz_view *v)
{
    board *b = v->priv;
    column *c = focused(b);
    if (!c || c->collapsed || c->cur < c->top || c->cur - c->top >= c->ncards)
        return NULL;
    return &c->cards[c->cur - c->top];
}

static void board_destroy(kz_view *v)
{
    board *b = v->priv;
    for (size_t i = 0; i < b->ncols; i++) {
        for (size_t j = 0; j < b->cols[i].capcards; j++)
            kz_lead_free(&b->cols[i].cards[j]);
        free(b->cols[i].cards);
    }
    free(b->cols);
    free(b);
    free(v);
}

static const kz_hint board_hints[] = {
    {KZ_ACT_HELP, N_("help")},      {KZ_ACT_QUIT, N_("quit")},       {KZ_ACT_OPEN, N_("open")},
    {KZ_ACT_MOVE_NEXT, N_("next stage")}, {KZ_ACT_MOVE_PREV, N_("back a stage")}, {KZ_ACT_WON, N_("won")},
    {KZ_ACT_LOST, N_("lost")},      {KZ_ACT_ADD, N_("add")},         {KZ_ACT_NOTE, N_("note")},
    {KZ_ACT_LOG_CALL, N_("call")},  {KZ_ACT_FOLLOWUP, N_("next step")}, {KZ_ACT_SEARCH, N_("search")},
    {KZ_ACT_SORT, N_("sort")},      {KZ_ACT_UNDO, N_("undo")},       {KZ_ACT_NONE, NULL}};

static const kz_view_ops board_ops = {
    .title = N_("board"),

    .keymap = KZ_KM_BOARD,
    .reload = board_reload,
    .draw = board_draw,
    .action = board_action,
    .current = board_current,
    .seen = board_seen,
    .hints = board_hints,
    .destroy = board_destroy,
    .mirrors = true,
};

kz_view *kz_board_view_new(kz_tui *t)
{
    board *b = kz_xcalloc(1, sizeof *b);
    size_t n = kz_rules_stage_count(t->s->rules);
    const kz_stage *st = kz_rules_stages(t->s->rules);
    b->cols = kz_xcalloc(n ? n : 1, sizeof *b->cols);
    for (size_t i = 0; i < n; i++)
        b->cols[b->ncols++].stage = &st[i];
    kz_view *v = kz_xcalloc(1, sizeof *v);
    v->ops = &board_ops;
    v->priv = b;
    return v;
}
