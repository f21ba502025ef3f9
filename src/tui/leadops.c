/* leadops.c - what the editing keys of the board, the detail view and
 * triage do to a lead. Every change goes through the pipeline (kz_pipe_*),
 * one transaction each; this file adds the conversation around it: pickers,
 * the override prompt when entry criteria refuse a move, conflicts, undo,
 * and a status line that names the lead acted on. */
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kariz/account.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/labels.h"
#include "kariz/money.h"
#include "kariz/hooks.h"
#include "kariz/pipeline.h"
#include "kariz/prefs.h"
#include "kariz/text.h"
#include "tui/tui_int.h"

void kz_lead_label(const kz_lead *l, kz_buf *out)
{
    const char *name = kz_lead_text(l, KZ_F_NAME);
    kz_buf_reset(out);
    if (name && *name)
        kz_text_sanitize(out, name, strlen(name), KZ_TEXT_NEWLINE_SPACE);
    else
        kz_buf_printf(out, _("lead %" PRId64), kz_lead_num(l, KZ_F_ID));
}

void kz_touch_label(const kz_activity *a, kz_buf *out)
{
    kz_label_activity(a->kind, a->outcome, out);
    if (a->with_name && *a->with_name)
        kz_buf_printf(out, _(" with %s"), a->with_name);
    if (a->author[0])
        kz_buf_printf(out, _(" by %s"), a->author);
}

/* The name of lead id as stored now, for a message (owned by the caller). */
static char *label_of(kz_tui *t, int64_t id)
{
    kz_lead l;
    kz_lead_init(&l);
    kz_err err;
    kz_buf b = KZ_BUF_INIT; /* owned until taken */
    if (kz_store_lead_get(t->s->store, id, &l, &err) == KZ_OK)
        kz_lead_label(&l, &b);
    else
        kz_buf_printf(&b, _("lead %" PRId64), id);
    kz_lead_free(&l);
    char *r = kz_buf_take(&b);
    kz_buf_free(&b);
    return r ? r : kz_xstrdup("");
}

/* Reports a failed pipeline call and reloads. */
static unsigned failed(kz_tui *t, const char *what, const kz_err *err)
{
    kz_tui_error(t, "%s: %s", what, err->msg);
    return KZ_UI_RELOAD;
}

static const char *stage_label(const kz_tui *t, const char *name)
{
    const kz_stage *st = kz_rules_stage(t->s->rules, name);
    return st && st->label ? st->label : name;
}

/* ---- saving: conflicts and a locked database ----
 *
 * Every change is described as a kz_change before it runs, so that when
 * someone else changed the same field first (KZ_ECONFLICT) or another
 * program holds the write lock (KZ_EBUSY) the edit is still at hand: the
 * conflict dialog shows what changed and offers to reload (drop the edit)
 * or to re-apply it on the fresh version; a locked database, or a server
 * that cannot be reached, offers to retry. Nothing is ever written over someone else's change without
 * asking. */

static kz_status apply(kz_tui *t, kz_change *p)
{
    kz_err_clear(&p->err);
    int64_t mark = kz_tui_own_begin(t);
    kz_status st = KZ_OK;
    switch (p->kind) {
    case KZ_CH_SET: {
        const char *a[1] = {p->assign};
        st = kz_pipe_set(t->s, p->id, p->version, a, 1, &p->err);
        break;
    }
    case KZ_CH_FOLLOWUP:
        st = kz_pipe_followup(t->s, p->id, p->version, p->day, p->step, &p->err);
        break;
    case KZ_CH_ASSIGN:
        st = kz_pipe_assign(t->s, p->id, p->version, p->owner, &p->err);
        break;
    case KZ_CH_MOVE:
        st = kz_pipe_move(t->s, p->id, p->version, p->stage, p->reason, &p->err);
        break;
    case KZ_CH_WON:
        st = kz_pipe_won(t->s, p->id, p->version, p->reason, &p->err);
        break;
    case KZ_CH_LOST:
        st = kz_pipe_lost(t->s, p->id, p->version, p->reason, &p->err);
        break;
    case KZ_CH_LOG:
        st = kz_pipe_log_with(t->s, p->id, p->with, p->log_kind, p->outcome, NULL, p->note,
                              &p->err);
        break;
    case KZ_CH_ADD:
        st = kz_pipe_add(t->s, p->lead, &p->err);
        break;
    case KZ_CH_RESTORE:
        st = kz_pipe_restore(t->s, &p->undo->before, &p->undo->after, &p->err);
        break;
    }
    if (st == KZ_OK)
        kz_tui_own_end(t, mark);
    return st;
}

typedef struct conflict_state {
    const char *title;
    kz_buf *lines; /* borrowed: the dialog's lines */
    size_t n;
} conflict_state;

static void draw_conflict(kz_tui *t, void *ud)
{
    conflict_state *c = ud;
    char reload[32] = "?", reapply[32] = "?", keys[256]; /* the keys bound now */
    kz_key k = kz_keymap_first_key(&t->km, KZ_KM_DIALOG, KZ_ACT_RELOAD);
    if (k)
        kz_key_name(k, reload, sizeof reload);
    if ((k = kz_keymap_first_key(&t->km, KZ_KM_DIALOG, KZ_ACT_REAPPLY)) != 0)
        kz_key_name(k, reapply, sizeof reapply);
    snprintf(keys, sizeof keys, _("%s reload (drop your change)   %s re-apply your change"),
             reload, reapply);
    int w = kz_text_width(c->title) + 4;
    if (kz_text_width(keys) + 4 > w)
        w = kz_text_width(keys) + 4;
    for (size_t i = 0; i < c->n; i++)
        if (kz_text_width(kz_buf_str(&c->lines[i])) + 4 > w)
            w = kz_text_width(kz_buf_str(&c->lines[i])) + 4;
    if (w > t->cols - 2)
        w = t->cols - 2;
    int h = (int)c->n + 4;
    if (h > t->rows - 2)
        h = t->rows - 2;
    int y0 = (t->rows - h) / 2, x0 = (t->cols - w) / 2;
    unsigned attr = kz_role_attr(t, KZ_ROLE_MENU);
    for (int y = 0; y < h; y++)
        kz_fill(y0 + y, x0, w, attr);
    attrset((attr_t)attr);
    mvaddch(y0, x0, ACS_ULCORNER);
    mvhline(y0, x0 + 1, ACS_HLINE, w - 2);
    mvaddch(y0, x0 + w - 1, ACS_URCORNER);
    mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
    mvhline(y0 + h - 1, x0 + 1, ACS_HLINE, w - 2);
    mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
    mvvline(y0 + 1, x0, ACS_VLINE, h - 2);
    mvvline(y0 + 1, x0 + w - 1, ACS_VLINE, h - 2);
    attrset(A_NORMAL);
    kz_draw_text(t, y0, x0 + 2, w - 4, c->title, KZ_ROLE_PROMPT, false);
    int room = h - 4;
    for (int i = 0; i < room && (size_t)i < c->n; i++) {
        /* when the lines do not fit, the newest (last) ones are kept */
        size_t idx = c->n > (size_t)room ? c->n - (size_t)room + (size_t)i : (size_t)i;
        kz_draw_text(t, y0 + 1 + i, x0 + 2, w - 4, kz_buf_str(&c->lines[idx]), KZ_ROLE_MENU,
                     false);
    }
    kz_draw_text(t, y0 + h - 2, x0 + 2, w - 4, keys, KZ_ROLE_PROMPT, false);
}

/* A new empty line at the end of *lines (n used of cap). */
static kz_buf *grow(kz_buf **lines, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        *cap *= 2;
        *lines = kz_xrealloc(*lines, *cap * sizeof **lines);
        memset(*lines + *n, 0, (*cap - *n) * sizeof **lines);
    }
    return &(*lines)[(*n)++];
}

/* A field's value as text (custom fields by name); NULL when absent. */
static const char *value_of(const kz_lead *l, const char *field, char *buf, size_t len)
{
    int f = kz_field_lookup(field);
    if (f < 0)
        return kz_lead_custom(l, field);
    if (!kz_lead_has(l, (kz_field)f))
        return NULL;
    kz_lead_format(l, (kz_field)f, buf, len);
    return buf;
}

/* "; yours (undo): VALUE" for a field the undo u puts back to VALUE
 * (nothing for a field it does not set). */
static void undo_value(const kz_rules *r, kz_buf *b, const kz_undo *u, const char *field)
{
    char v1[128], v2[128];
    const char *was = value_of(&u->before, field, v1, sizeof v1);
    const char *now = value_of(&u->after, field, v2, sizeof v2);
    if (strcmp(was ? was : "", now ? now : "") != 0) {
        kz_buf words = KZ_BUF_INIT; /* owned */
        kz_label_value(r, field, was, &words);
        kz_buf_printf(b, _("; yours (undo): %s"), kz_buf_str(&words));
        kz_buf_free(&words);
    }
}

/* The fields a change sets and the value it saves in each, as the event
 * log would write it (a due day as its date, not as typed): a next step
 * sets its text (when given) and its day; an edit, its field as
 * kz_lead_assign reads it, and the currency when an amount typed with
 * another one sets it. At most 2; returns how many. */
typedef struct mine_field {
    const char *field;
    char value[512];
} mine_field;

static size_t change_fields(const kz_change *p, mine_field *out)
{
    size_t n = 0;
    if (p->kind == KZ_CH_FOLLOWUP) {
        if (p->step) {
            out[n].field = "next_step";
            snprintf(out[n++].value, sizeof out->value, "%s", p->step);
        }
        out[n].field = "next_due";
        kz_day_format(p->day, out[n++].value);
        return n;
    }
    if (!p->field)
        return 0;
    out[n].field = p->field;
    snprintf(out[n++].value, sizeof out->value, "%s", p->mine ? p->mine : "");
    if (p->kind != KZ_CH_SET || !p->before)
        return n;
    /* an edit: its value as saved (a date typed 1405/09/15 as its day, an
     * amount with its currency) */
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_copy(&l, p->before);
    kz_err err;
    if (kz_lead_assign(&l, p->field, p->mine ? p->mine : "", false, &err) == KZ_OK) {
        char buf[sizeof out->value];
        const char *v = value_of(&l, p->field, buf, sizeof buf);
        snprintf(out[0].value, sizeof out->value, "%s", v ? v : "");
        const char *was = kz_lead_text(p->before, KZ_F_CURRENCY);
        const char *now = kz_lead_text(&l, KZ_F_CURRENCY);
        if (kz_field_lookup(p->field) != KZ_F_CURRENCY &&
            strcmp(was ? was : "", now ? now : "") != 0) {
            out[n].field = "currency";
            snprintf(out[n++].value, sizeof out->value, "%s", now ? now : "");
        }
    }
    kz_lead_free(&l);
    return n;
}

/* Shows what others changed on the lead since p->version and asks what to
 * do; true to re-apply the change, false to drop it (also on a signal). */
static bool conflict_dialog(kz_tui *t, const kz_change *p)
{
    kz_event_list ev = {0}; /* owned */
    kz_err err;
    size_t cap = 8, n = 0;
    kz_buf *lines = kz_xcalloc(cap, sizeof *lines); /* owned, each line owned */
    mine_field mine[2];
    size_t nmine = change_fields(p, mine);

    if (kz_store_events(t->s->store, p->id, p->version, &ev, &err) == KZ_OK) {
        for (size_t i = 0; i < ev.n; i++) {
            const kz_event *e = &ev.v[i];
            if (t->shown_lead != p->id || e->id > t->shown_event) {
                /* told here: the status line does not tell them again */
                t->shown_lead = p->id;
                t->shown_event = e->id;
            }
            if (strcmp(e->kind, "grade") == 0)
                continue; /* follows from the other changes */
            /* a move past the stage's entry rules: its override and its
             * stage change are one change, said on the stage's line */
            const kz_event *ovr = i > 0 && strcmp(ev.v[i - 1].kind, "override") == 0 &&
                                          strcmp(e->kind, "stage") == 0 &&
                                          ev.v[i - 1].version == e->version
                                      ? &ev.v[i - 1]
                                      : NULL;
            if (strcmp(e->kind, "override") == 0 && i + 1 < ev.n &&
                strcmp(ev.v[i + 1].kind, "stage") == 0 && ev.v[i + 1].version == e->version)
                continue;
            kz_buf *b = grow(&lines, &n, &cap);
            /* whole sentences, so that a language may put the words in its own order */
            kz_buf w1 = KZ_BUF_INIT, w2 = KZ_BUF_INIT, w3 = KZ_BUF_INIT; /* owned */
            if (strcmp(e->kind, "activity") == 0) {
                if (e->field)
                    kz_label_key(e->field, &w1);
                else
                    kz_buf_puts(&w1, _("a touch"));
                /* TRANSLATORS: "bob logged call" */
                kz_buf_printf(b, _("%s logged %s"), e->actor, kz_buf_str(&w1));
            } else if (e->field) { /* in words, as history says it */
                kz_label_key(e->field, &w1);
                kz_label_value(t->s->rules, e->field, e->new_value, &w2);
                kz_label_value(t->s->rules, e->field, e->old_value, &w3);
                /* TRANSLATORS: "bob set value to 45,000 EUR (was 12,500 EUR)" */
                kz_buf_printf(b, _("%s set %s to %s (was %s)"), e->actor, kz_buf_str(&w1),
                              kz_buf_str(&w2), kz_buf_str(&w3));
                if (ovr)
                    /* TRANSLATORS: follows "bob set stage to Opportunity (was Lead)";
                     * the reason bob gave */
                    kz_buf_printf(b, _(", past the stage's entry rules: %s"),
                                  ovr->detail ? ovr->detail : "");
            } else {
                kz_buf_printf(b, "%s %s", e->actor, kz_label_event_kind(e->kind));
            }
            kz_buf_free(&w1);
            kz_buf_free(&w2);
            kz_buf_free(&w3);
            const mine_field *m = NULL;
            for (size_t j = 0; e->field && j < nmine; j++)
                if (strcmp(mine[j].field, e->field) == 0)
                    m = &mine[j];
            if (m) {
                kz_buf yours = KZ_BUF_INIT; /* owned */
                kz_label_value(t->s->rules, m->field, m->value, &yours);
                kz_buf_printf(b, _("; yours: %s"), kz_buf_str(&yours));
                kz_buf_free(&yours);
            }
            else if (p->kind == KZ_CH_RESTORE && e->field)
                undo_value(t->s->rules, b, p->undo, e->field);
        }
    } else {
        kz_buf_printf(grow(&lines, &n, &cap), _("cannot read what changed: %s"), err.msg);
    }
    kz_event_list_free(&ev);
    if (n == 0)
        kz_buf_puts(grow(&lines, &n, &cap), _("someone else saved it first"));
    for (size_t j = 0; j < nmine; j++) {
        kz_buf *b = grow(&lines, &n, &cap);
        kz_buf f = KZ_BUF_INIT, v = KZ_BUF_INIT; /* owned */
        kz_label_key(mine[j].field, &f);
        kz_label_value(t->s->rules, mine[j].field, mine[j].value, &v);
        kz_buf_printf(b, _("your change: %s = %s"), kz_buf_str(&f), kz_buf_str(&v));
        kz_buf_free(&f);
        kz_buf_free(&v);
    }
    if (nmine == 0)
        kz_buf_printf(grow(&lines, &n, &cap), _("your change: %s"), p->what);
    char title[320];
    char *name = label_of(t, p->id); /* owned */
    /* TRANSLATORS: "Ava Smith (lead 12) was changed while you worked on it ..." */
    snprintf(title, sizeof title,
             _("%s (lead %" PRId64 ") was changed while you worked on it (you read version %"
               PRId64 ")"),
             name, p->id, p->version);
    free(name);
    kz_digits_show(title, sizeof title);
    conflict_state cs = {title, lines, n};
    t->overlay = draw_conflict;
    t->overlay_ud = &cs;
    bool reapply = false;
    for (;;) {
        kz_tui_repaint(t);
        kz_key k;
        if (!kz_tui_read_key(t, &k, false))
            break;
        kz_action a = kz_keymap_lookup_own(&t->km, KZ_KM_DIALOG, k);
        if (a == KZ_ACT_REAPPLY) {
            reapply = true;
            break;
        }
        if (a == KZ_ACT_RELOAD || a == KZ_ACT_CANCEL)
            break;
    }
    t->overlay = NULL;
    t->overlay_ud = NULL;
    for (size_t i = 0; i < n; i++)
        kz_buf_free(&lines[i]);
    free(lines);
    return reapply;
}

/* The database is locked by another program (it says who holds it) or
 * its server cannot be reached (nothing of the change reached it): waits
 * for r (retry) or Esc (drop the change), the change kept meanwhile; false
 * on Esc or a signal. */
static bool retry_prompt(kz_tui *t, const kz_change *p)
{
    char retry[32] = "?";
    kz_key rk = kz_keymap_first_key(&t->km, KZ_KM_DIALOG, KZ_ACT_RETRY);
    if (rk)
        kz_key_name(rk, retry, sizeof retry);
    if (p->err.code == KZ_EGONE) /* (what it says first fits the status line) */
        kz_tui_error(t, _("the database is unreachable: %s retries, Esc drops your %s (not "
                          "saved yet): %s"),
                     retry, p->what, p->err.msg);
    else
        kz_tui_error(t, _("%s retries, Esc drops your %s (not saved yet): %s"), retry, p->what,
                     p->err.msg);
    /* (the tick says so when the server answers again, naming the key) */
    t->retry_what = p->what;
    kz_buf_reset(&t->retry_said);
    kz_buf_puts(&t->retry_said, kz_buf_str(&t->status));
    snprintf(t->retry_key, sizeof t->retry_key, "%s", retry);
    bool again = false;
    for (;;) {
        kz_tui_repaint(t);
        kz_key k;
        if (!kz_tui_read_key(t, &k, false))
            break;
        kz_action a = kz_keymap_lookup_own(&t->km, KZ_KM_DIALOG, k);
        if (a == KZ_ACT_RETRY) {
            again = true;
            break;
        }
        if (a == KZ_ACT_CANCEL)
            break;
    }
    t->retry_what = NULL;
    return again;
}

/* Re-bases an undo on the lead as it is now (re-applying it over someone
 * else's change): the fields the change set are taken as they are now, so
 * that the undo puts each of them back. */
static void rebase_undo(kz_undo *u, const kz_lead *fresh)
{
    kz_lead after;
    kz_lead_init(&after);
    kz_lead_copy(&after, fresh);
    for (int f = 1; f < KZ_F__COUNT; f++) {
        bool same = kz_lead_has(&u->before, (kz_field)f) == kz_lead_has(&u->after, (kz_field)f) &&
                    (!kz_lead_has(&u->before, (kz_field)f) ||
                     (kz_field_is_text((kz_field)f)
                          ? strcmp(kz_lead_text(&u->before, (kz_field)f),
                                   kz_lead_text(&u->after, (kz_field)f)) == 0
                          : kz_lead_num(&u->before, (kz_field)f) ==
                                kz_lead_num(&u->after, (kz_field)f)));
        if (!same || f == KZ_F_VERSION)
            continue;
        /* untouched by the change: as before, so the undo leaves it alone */
        if (!kz_lead_has(&u->before, (kz_field)f))
            kz_lead_clear(&after, (kz_field)f);
        else if (kz_field_is_text((kz_field)f))
            kz_lead_set_text(&after, (kz_field)f, kz_lead_text(&u->before, (kz_field)f));
        else
            kz_lead_set_num(&after, (kz_field)f, kz_lead_num(&u->before, (kz_field)f));
    }
    /* custom fields the change did not set: as before too */
    for (size_t i = 0; i < fresh->ncustom; i++) {
        const char *name = fresh->custom[i].name;
        const char *b = kz_lead_custom(&u->before, name), *a = kz_lead_custom(&u->after, name);
        if (strcmp(b ? b : "", a ? a : "") == 0)
            kz_lead_set_custom(&after, name, b);
    }
    for (size_t i = 0; i < u->before.ncustom; i++) {
        const char *name = u->before.custom[i].name;
        const char *a = kz_lead_custom(&u->after, name);
        if (a && strcmp(a, u->before.custom[i].value) == 0)
            kz_lead_set_custom(&after, name, a);
    }
    kz_lead_copy(&u->after, &after);
    kz_lead_free(&after);
}

bool kz_change_save(kz_tui *t, kz_change *p)
{
    for (;;) {
        kz_err gerr;
        if (p->before && p->id && kz_store_lead_get(t->s->store, p->id, p->before, &gerr) != KZ_OK)
            kz_lead_reset(p->before);
        kz_status st = apply(t, p);
        if (st == KZ_OK) {
            t->unreachable = false; /* (what is said now is that it was saved) */
            return true;
        }
        if (st == KZ_ECONFLICT && p->kind != KZ_CH_ADD) {
            if (!conflict_dialog(t, p)) {
                char *name = label_of(t, p->id); /* owned */
                /* TRANSLATORS: "edit of Ava Smith: your change was dropped; ..." */
                kz_tui_error(t, _("%s of %s: your change was dropped; the lead is reloaded with "
                                  "the other change"),
                             p->what, name);
                free(name);
                return false;
            }
            kz_lead fresh;
            kz_lead_init(&fresh);
            kz_err err;
            kz_status gs = kz_store_lead_get(t->s->store, p->id, &fresh, &err);
            if (gs == KZ_OK) {
                p->version = kz_lead_num(&fresh, KZ_F_VERSION);
                if (p->kind == KZ_CH_RESTORE)
                    rebase_undo(p->undo, &fresh);
            }
            kz_lead_free(&fresh);
            if (gs != KZ_OK) {
                kz_tui_error(t, "%s: %s", p->what, err.msg);
                return false;
            }
            p->reapplied = true;
            continue;
        }
        if (st == KZ_EBUSY || st == KZ_EGONE) {
            if (st == KZ_EGONE)
                t->unreachable = true; /* (the tick says when it is back) */
            if (retry_prompt(t, p))
                continue;
            if (st == KZ_EBUSY)
                kz_tui_error(t, _("%s: not saved (the database stayed locked); nothing was "
                                  "changed"),
                             p->what);
            else if (t->unreachable)
                kz_tui_error(t, _("%s: not saved (the database is unreachable); nothing was "
                                  "changed"),
                             p->what);
            else /* (it answered again, and the change was dropped) */
                kz_tui_message(t, _("%s: not saved; nothing was changed"), p->what);
            return false;
        }
        if (st == KZ_EREFUSED && p->pass_refusal)
            return false;
        if (st == KZ_EINVAL && p->pass_invalid)
            return false;
        failed(t, p->what, &p->err);
        return false;
    }
}

const char *kz_change_reapplied(const kz_change *p)
{
    return p->reapplied ? _(" (re-applied over the other change)") : "";
}

bool kz_lead_move(kz_tui *t, int64_t id, int64_t version, const char *stage, bool won,
                  kz_lead *before, bool *cancelled, bool *again)
{
    *cancelled = false;
    *again = false;
    kz_change p = {.kind = won ? KZ_CH_WON : KZ_CH_MOVE, .id = id, .version = version,
                   .what = won ? _("won") : _("move"), .field = "stage", .mine = stage,
                   .stage = stage, .before = before, .pass_refusal = true};
    if (kz_change_save(t, &p)) {
        *again = p.reapplied;
        return true;
    }
    if (p.err.code != KZ_EREFUSED)
        return false;
    kz_tui_error(t, _("refused: %s"), p.err.msg);
    kz_buf reason = KZ_BUF_INIT; /* owned */
    bool ok;
    for (;;) {
        ok = kz_prompt_line(t, _("override? reason (Esc cancels):"), "", &reason, NULL, NULL);
        if (!ok)
            break;
        kz_trim(reason.s ? reason.s : (char[]){0});
        reason.len = reason.s ? strlen(reason.s) : 0;
        if (reason.len > 0)
            break;
        kz_tui_error(t, _("refused: %s; an override needs a reason"), p.err.msg);
    }
    if (!ok) {
        kz_buf_free(&reason);
        kz_tui_message(t, _("not moved: the stage's entry criteria refused it"));
        *cancelled = true;
        return false;
    }
    p.reason = kz_buf_str(&reason);
    p.pass_refusal = false;
    bool saved = kz_change_save(t, &p);
    *again = p.reapplied;
    kz_buf_free(&reason);
    return saved;
}

/* ---- undo ---- */

void kz_undo_free(kz_undo *u)
{
    kz_lead_free(&u->before);
    kz_lead_free(&u->after);
    memset(u, 0, sizeof *u);
}

bool kz_undo_capture(kz_tui *t, kz_undo *u, int64_t id, const kz_lead *before,
                     const char *what)
{
    kz_err err;
    memset(u, 0, sizeof *u);
    kz_lead_init(&u->before);
    kz_lead_init(&u->after);
    if (kz_store_lead_get(t->s->store, id, &u->after, &err) != KZ_OK) {
        kz_undo_free(u);
        return false;
    }
    u->id = id;
    kz_lead_copy(&u->before, before);
    snprintf(u->what, sizeof u->what, "%s", what);
    return true;
}

bool kz_undo_apply(kz_tui *t, kz_undo *u, bool *dropped)
{
    kz_change p = {.kind = KZ_CH_RESTORE, .id = u->id,
                   .version = kz_lead_num(&u->after, KZ_F_VERSION), .what = _("undo"),
                   .undo = u};
    bool ok = kz_change_save(t, &p);
    *dropped = !ok && p.err.code == KZ_ECONFLICT;
    return ok;
}

void kz_undo_stack_free(kz_tui *t)
{
    for (size_t i = 0; i < t->nundo; i++)
        kz_undo_free(&t->undo[i]);
    free(t->undo);
    t->undo = NULL;
    t->nundo = 0;
}

/* Remembers a change just saved on lead id (before: as read before it) on
 * the board's undo stack; the oldest falls off a full stack. */
static void remember_undo(kz_tui *t, int64_t id, const kz_lead *before, const char *what)
{
    if (!t->undo)
        t->undo = kz_xcalloc(KZ_UNDO_MAX, sizeof *t->undo);
    if (t->nundo == KZ_UNDO_MAX) {
        kz_undo_free(&t->undo[0]);
        memmove(t->undo, t->undo + 1, (KZ_UNDO_MAX - 1) * sizeof *t->undo);
        t->nundo--;
        memset(&t->undo[t->nundo], 0, sizeof *t->undo);
    }
    if (kz_undo_capture(t, &t->undo[t->nundo], id, before, what))
        t->nundo++;
}

/* After u (the top of the stack) was undone: the changes below it on the
 * same lead that left the version u was made on find the lead as they left
 * it again (u and its undo were this board's own), so they check for
 * colleagues' changes from the undo's version on, not from before u, and a
 * second undo of one field is no conflict with oneself. Only when nobody
 * saved the lead between u and its undo. */
static void rebase_below(kz_tui *t, const kz_undo *u)
{
    kz_lead fresh;
    kz_lead_init(&fresh);
    kz_err err;
    if (kz_store_lead_get(t->s->store, u->id, &fresh, &err) == KZ_OK &&
        kz_lead_num(&fresh, KZ_F_VERSION) == kz_lead_num(&u->after, KZ_F_VERSION) + 1) {
        int64_t base = kz_lead_num(&u->before, KZ_F_VERSION);
        for (size_t i = 0; i + 1 < t->nundo; i++) {
            kz_undo *o = &t->undo[i];
            if (o->id == u->id && kz_lead_num(&o->after, KZ_F_VERSION) == base)
                kz_lead_set_num(&o->after, KZ_F_VERSION, kz_lead_num(&fresh, KZ_F_VERSION));
        }
    }
    kz_lead_free(&fresh);
}

static unsigned do_undo(kz_tui *t)
{
    if (t->nundo == 0) {
        kz_tui_message(t, _("nothing to undo"));
        return KZ_UI_REDRAW;
    }
    kz_undo *u = &t->undo[t->nundo - 1];
    char *name = label_of(t, u->id); /* owned */
    bool dropped;
    if (!kz_undo_apply(t, u, &dropped)) {
        /* dropped in the conflict dialog: gone; else kept to try again */
        if (dropped) {
            kz_undo_free(u);
            t->nundo--;
        }
        free(name);
        return KZ_UI_RELOAD;
    }
    const char *was = kz_lead_text(&u->before, KZ_F_STAGE);
    const char *now = kz_lead_text(&u->after, KZ_F_STAGE);
    kz_buf msg = KZ_BUF_INIT; /* owned */
    /* TRANSLATORS: "undone: move of Ada Lovelace" */
    kz_buf_printf(&msg, _("undone: %s of %s"), u->what, name);
    if (was && (!now || strcmp(was, now) != 0)) {
        kz_buf_printf(&msg, _("; back in %s"), stage_label(t, was));
        t->told_id = u->id;
    }
    if (t->nundo > 1)
        kz_buf_printf(&msg, P_(" (%zu more to undo)", " (%zu more to undo)", t->nundo - 1),
                      t->nundo - 1);
    kz_tui_message(t, "%s", kz_buf_str(&msg));
    kz_buf_free(&msg);
    free(name);
    t->select_id = u->id; /* the board shows the lead undone */
    rebase_below(t, u);
    kz_undo_free(u);
    t->nundo--;
    return KZ_UI_RELOAD;
}

static unsigned do_move(kz_tui *t, kz_action a, int64_t id, int64_t version, kz_lead *l)
{
    const kz_rules *r = t->s->rules;
    const char *cur = kz_lead_text(l, KZ_F_STAGE);
    const kz_stage *cs = cur ? kz_rules_stage(r, cur) : NULL;
    const kz_stage *to = NULL;
    bool won = false;
    if (a == KZ_ACT_WON) {
        won = true;
        to = kz_rules_won_stage(r);
        if (!to) {
            kz_tui_error(t, _("the rules define no won stage"));
            return KZ_UI_REDRAW;
        }
        if (cs && cs->kind == KZ_STAGE_WON) {
            kz_tui_message(t, _("already won"));
            return KZ_UI_REDRAW;
        }
    } else if (a == KZ_ACT_MOVE_NEXT) {
        if (cs && cs->kind != KZ_STAGE_OPEN) {
            /* the key that moves a lead back here (> under rtl) */
            kz_buf keys = KZ_BUF_INIT; /* owned */
            kz_keymap_keys_for(&t->km, t->stack[t->depth - 1]->ops->keymap, KZ_ACT_MOVE_PREV,
                               &keys);
            const char *k = kz_buf_str(&keys);
            kz_tui_message(t, _("the deal is closed (%s); %.*s reopens it"), stage_label(t, cur),
                           keys.len ? (int)strcspn(k, " ") : 1, keys.len ? k : "<");
            kz_buf_free(&keys);
            return KZ_UI_REDRAW;
        }
        to = cur ? kz_rules_next_stage(r, cur) : kz_rules_first_stage(r);
        if (!to) {
            kz_tui_message(t, _("this is the last open stage: W marks the deal won"));
            return KZ_UI_REDRAW;
        }
    } else {
        if (cs && cs->kind == KZ_STAGE_LOST) {
            const char *from = kz_lead_text(l, KZ_F_LOST_FROM);
            to = from ? kz_rules_stage(r, from) : NULL;
        } else if (cs && cs->kind == KZ_STAGE_WON) {
            size_t n = kz_rules_stage_count(r);
            const kz_stage *all = kz_rules_stages(r);
            for (size_t i = 0; i < n; i++)
                if (all[i].kind == KZ_STAGE_OPEN)
                    to = &all[i];
        } else {
            to = cur ? kz_rules_prev_stage(r, cur) : NULL;
        }
        if (!to) {
            kz_tui_message(t, _("this is the first stage"));
            return KZ_UI_REDRAW;
        }
    }
    bool cancelled, again;
    if (!kz_lead_move(t, id, version, to->name, won, l, &cancelled, &again))
        return KZ_UI_RELOAD;
    remember_undo(t, id, l, won ? _("won") : _("move"));
    t->told_id = id;
    kz_buf b = KZ_BUF_INIT; /* owned */
    kz_lead_label(l, &b);
    kz_tui_message(t, _("moved %s to %s (u undoes)%s"), kz_buf_str(&b),
                   to->label ? to->label : to->name,
                   again ? _(" (re-applied over the other change)") : "");
    kz_buf_free(&b);
    return KZ_UI_RELOAD;
}

const char *kz_pick_lost_reason(kz_tui *t, const char *title)
{
    size_t n = kz_rules_lost_reason_count(t->s->rules);
    if (n == 0) {
        kz_tui_error(t, _("the rules define no lost reasons"));
        return NULL;
    }
    kz_menu_item *items = kz_xcalloc(n, sizeof *items); /* owned */
    for (size_t i = 0; i < n; i++) {
        kz_key k = 0;
        if (i < 9)
            k = (kz_key)('1' + i);
        else if (i < 9 + 26)
            k = (kz_key)('a' + (i - 9));
        items[i] = (kz_menu_item){k, kz_rules_lost_reason_label(t->s->rules, i)};
    }
    int pick = kz_prompt_menu(t, title, items, n);
    free(items);
    return pick < 0 ? NULL : kz_rules_lost_reason(t->s->rules, (size_t)pick);
}

static unsigned do_lost(kz_tui *t, int64_t id, int64_t version, kz_lead *l)
{
    const char *reason = kz_pick_lost_reason(t, _("lost: why?"));
    if (!reason) {
        if (kz_rules_lost_reason_count(t->s->rules) > 0)
            kz_tui_message(t, _("not marked lost"));
        return KZ_UI_REDRAW;
    }
    const kz_stage *lost = kz_rules_lost_stage(t->s->rules);
    kz_change p = {.kind = KZ_CH_LOST, .id = id, .version = version, .what = _("lost"),
                   .field = "stage", .mine = lost ? lost->name : "lost", .reason = reason,
                   .before = l};
    if (!kz_change_save(t, &p))
        return KZ_UI_RELOAD;
    remember_undo(t, id, l, _("lost"));
    t->told_id = id;
    kz_buf b = KZ_BUF_INIT; /* owned */
    kz_lead_label(l, &b);
    kz_buf why = KZ_BUF_INIT; /* owned */
    kz_label_value(t->s->rules, "lost_reason", reason, &why);
    kz_tui_message(t, _("%s marked lost (%s); u undoes%s"), kz_buf_str(&b), kz_buf_str(&why),
                   kz_change_reapplied(&p));
    kz_buf_free(&why);
    kz_buf_free(&b);
    return KZ_UI_RELOAD;
}

const char *kz_activity_word(const char *kind)
{
    if (strcmp(kind, "call") == 0)
        return _("call");
    if (strcmp(kind, "email") == 0)
        return _("email");
    if (strcmp(kind, "meeting") == 0)
        return _("meeting");
    return kind;
}

int kz_pick_outcome(kz_tui *t, kz_action a, const char *who, const char **kind,
                    const char **outcome, const char **label)
{
    /* the labels are translated where shown; the outcomes are what the
     * store keeps */
    static const kz_menu_item call[] = {{'a', N_("answered")},  {'n', N_("no answer")},
                                        {'b', N_("call back later")}, {'v', N_("voicemail")},
                                        {'x', N_("not interested")}};
    static const char *const call_o[] = {"answered", "no_answer", "call_back", "voicemail",
                                         "not_interested"};
    static const kz_menu_item email[] = {{'s', N_("sent")}, {'r', N_("replied")}, {'o', N_("opened")},
                                         {'b', N_("bounced")}, {'x', N_("not interested")}};
    static const char *const email_o[] = {"sent", "replied", "opened", "bounced",
                                          "not_interested"};
    static const kz_menu_item meeting[] = {{'h', N_("held")}, {'n', N_("no-show")},
                                           {'p', N_("asked for a price")}, {'x', N_("not interested")}};
    static const char *const meeting_o[] = {"held", "no_show", "asked_price", "not_interested"};
    const kz_menu_item *items;
    const char *const *outcomes;
    size_t n;
    /* the box names the lead: the board may have moved under the key; a
     * long name is cut, so that the question stays in the box's title */
    kz_buf name = KZ_BUF_INIT; /* owned */
    kz_text_fit(&name, who, 40, true, false);
    who = kz_buf_str(&name);
    kz_buf head = KZ_BUF_INIT; /* owned */
    if (a == KZ_ACT_LOG_CALL) {
        items = call, outcomes = call_o, n = 5, *kind = "call";
        /* TRANSLATORS: %s is the lead's name */
        kz_buf_printf(&head, _("call with %s: outcome?"), who);
    } else if (a == KZ_ACT_LOG_EMAIL) {
        items = email, outcomes = email_o, n = 5, *kind = "email";
        kz_buf_printf(&head, _("email with %s: outcome?"), who);
    } else {
        items = meeting, outcomes = meeting_o, n = 4, *kind = "meeting";
        kz_buf_printf(&head, _("meeting with %s: outcome?"), who);
    }
    kz_menu_item shown[5];
    for (size_t i = 0; i < n; i++)
        shown[i] = (kz_menu_item){items[i].key, _(items[i].label)};
    int pick = kz_prompt_menu(t, kz_buf_str(&head), shown, n);
    kz_buf_free(&head);
    kz_buf_free(&name);
    if (pick < 0) {
        kz_tui_message(t, _("nothing logged"));
        return -1;
    }
    *outcome = outcomes[pick];
    *label = shown[pick].label;
    return pick;
}

/* Who a touch was with, when the lead has stakeholders: a menu of them
 * (0 or Enter on the first item: nobody in particular). -1: cancelled. */
/* A menu of a lead's people: `first`, then the first nine as 1..9 with
 * their roles in words; labels holds the texts (the caller frees the n
 * returned). */
static size_t people_items(kz_tui *t, const kz_stakeholder_list *shs, kz_menu_item first,
                           kz_menu_item items[10], kz_buf labels[9])
{
    size_t n = shs->n < 9 ? shs->n : 9;
    items[0] = first;
    for (size_t i = 0; i < n; i++) {
        labels[i] = (kz_buf)KZ_BUF_INIT;
        kz_buf_printf(&labels[i], "%s (", shs->v[i].name ? shs->v[i].name : "");
        kz_label_value(t->s->rules, "role", shs->v[i].role, &labels[i]);
        kz_buf_puts(&labels[i], ")");
        items[i + 1] = (kz_menu_item){(kz_key)('1' + (int)i), kz_buf_str(&labels[i])};
    }
    return n;
}

static int pick_with(kz_tui *t, int64_t id, int64_t *with, kz_buf *name)
{
    *with = 0;
    kz_stakeholder_list shs = {0}; /* owned */
    kz_err err;
    if (kz_store_stakeholders(t->s->store, id, &shs, &err) != KZ_OK) {
        /* (logged with nobody, the touch would miss the rules and reports
         * that look at whom it was with) */
        kz_tui_error(t, "%s", err.msg);
        return -2;
    }
    if (shs.n == 0) {
        kz_stakeholder_list_free(&shs);
        return 0;
    }
    kz_menu_item items[10];
    kz_buf labels[9];
    size_t n = people_items(t, &shs, (kz_menu_item){'0', _("nobody in particular")}, items, labels);
    int pick = kz_prompt_menu(t, _("with whom?"), items, n + 1);
    if (pick > 0) {
        *with = shs.v[pick - 1].id;
        kz_buf_puts(name, shs.v[pick - 1].name ? shs.v[pick - 1].name : "");
    }
    for (size_t i = 0; i < n; i++)
        kz_buf_free(&labels[i]);
    kz_stakeholder_list_free(&shs);
    return pick < 0 ? -1 : 0;
}

static unsigned do_log(kz_tui *t, kz_action a, int64_t id, const kz_lead *l)
{
    const char *kind, *outcome, *label;
    kz_buf b = KZ_BUF_INIT; /* owned */
    kz_lead_label(l, &b);
    if (kz_pick_outcome(t, a, kz_buf_str(&b), &kind, &outcome, &label) < 0) {
        kz_buf_free(&b);
        return KZ_UI_REDRAW;
    }
    int64_t with = 0;
    kz_buf with_name = KZ_BUF_INIT; /* owned */
    int picked = pick_with(t, id, &with, &with_name);
    if (picked < 0) {
        kz_buf_free(&b);
        kz_buf_free(&with_name);
        if (picked == -1) /* (-2: the status line says why) */
            kz_tui_message(t, "%s", _("nothing logged"));
        return KZ_UI_REDRAW;
    }
    kz_change p = {.kind = KZ_CH_LOG, .id = id, .what = _("log"), .log_kind = kind,
                   .outcome = outcome, .with = with};
    if (!kz_change_save(t, &p)) {
        kz_buf_free(&b);
        kz_buf_free(&with_name);
        return KZ_UI_RELOAD;
    }
    if (with)
        kz_tui_message(t, _("%s with %s logged on %s: %s"), kz_activity_word(kind),
                       kz_buf_str(&with_name), kz_buf_str(&b), label);
    else /* TRANSLATORS: "call logged with Ada Lovelace: no answer" */
        kz_tui_message(t, _("%s logged with %s: %s"), kz_activity_word(kind), kz_buf_str(&b),
                       label);
    kz_buf_free(&b);
    kz_buf_free(&with_name);
    return KZ_UI_RELOAD;
}

/* Runs $VISUAL or $EDITOR on an empty file and returns what was written
 * (owned by the caller) or NULL. The terminal is handed over meanwhile. */
static char *edit_in_editor(kz_tui *t)
{
    const char *ed = getenv("VISUAL");
    if (!ed || !*ed)
        ed = getenv("EDITOR");
    if (!ed || !*ed)
        ed = "vi";
    char path[] = "/tmp/kariz-note-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        kz_tui_error(t, _("cannot create a temporary file: %s"), strerror(errno));
        return NULL;
    }
    close(fd);
    def_prog_mode();
    kz_tui_paste_mode(false);
    endwin();
    /* the editor owns the terminal meanwhile: its ^C is not the board's */
    struct sigaction ign, old_int, old_quit;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    /* the editor gets the terminal and a clean environment, nothing else */
    char **env = kz_child_env(true, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        kz_child_close_fds();
        char *argv[] = {"sh", "-c", "exec $0 \"$1\"", (char *)ed, path, NULL};
        execve("/bin/sh", argv, env);
        _exit(127);
    }
    kz_child_env_free(env);
    int status = 0;
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    reset_prog_mode();
    refresh();
    kz_tui_paste_mode(true); /* (the editor may have turned it off) */
    char *text = NULL;
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        kz_tui_error(t, _("the editor (%s) failed; no note added"), ed);
    } else {
        FILE *f = fopen(path, "rb");
        kz_buf b = KZ_BUF_INIT; /* owned until taken */
        if (f) {
            char chunk[4096];
            size_t n;
            while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
                kz_buf_append(&b, chunk, n);
            fclose(f);
        }
        while (b.len > 0 && (b.s[b.len - 1] == '\n' || b.s[b.len - 1] == ' '))
            b.s[--b.len] = '\0';
        if (b.len > 0)
            text = kz_buf_take(&b);
        else
            kz_tui_message(t, _("empty note: nothing added"));
        kz_buf_free(&b);
    }
    unlink(path);
    return text;
}

/* The new lead's deal value (ud: the lead), none when left empty. */
static kz_status check_deal_value(kz_tui *t, kz_buf *line, void *ud, kz_err *err)
{
    (void)t;
    if (!line->s || !*kz_trim(line->s))
        return KZ_OK;
    return kz_lead_assign(ud, "value", line->s, false, err);
}

static unsigned do_add(kz_tui *t, const char *stage)
{
    kz_buf name = KZ_BUF_INIT, company = KZ_BUF_INIT, value = KZ_BUF_INIT; /* owned */
    unsigned flags = KZ_UI_REDRAW;
    kz_lead lead;
    kz_lead_init(&lead);
    kz_err err;
    kz_err_clear(&err);
    if (!kz_prompt_line(t, _("new lead: name:"), "", &name, NULL, NULL))
        goto cancelled;
    kz_trim(name.s ? name.s : (char[]){0});
    if (!name.s || !*name.s) {
        kz_tui_error(t, _("a lead needs a name; nothing added"));
        goto out;
    }
    if (!kz_prompt_line(t, _("company:"), "", &company, NULL, NULL))
        goto cancelled;
    /* a value kariz cannot read is asked again, with what was typed, and
     * what was wrong with it on the status line, rather than dropping the
     * whole form */
    if (!kz_prompt_until(t, _("deal value:"), "", &value, check_deal_value, &lead, NULL))
        goto cancelled;
    kz_lead_set_text(&lead, KZ_F_NAME, name.s);
    if (company.s && *kz_trim(company.s))
        kz_lead_set_text(&lead, KZ_F_COMPANY, company.s);
    if (stage)
        kz_lead_set_text(&lead, KZ_F_STAGE, stage);
    kz_lead_set_text(&lead, KZ_F_OWNER, t->s->actor);
    kz_change p = {.kind = KZ_CH_ADD, .what = _("add"), .lead = &lead};
    if (!kz_change_save(t, &p)) {
        flags = KZ_UI_RELOAD;
        goto out;
    }
    kz_buf_reset(&name);
    kz_lead_label(&lead, &name);
    kz_buf_reset(&value);
    if (kz_account_worked_by_others(t->s->store, t->s->rules, &lead, t->s->actor, &value))
        kz_tui_message(t, _("added %s (lead %" PRId64 "); %s"), kz_buf_str(&name),
                       kz_lead_num(&lead, KZ_F_ID), kz_buf_str(&value));
    else
        kz_tui_message(t, _("added %s (lead %" PRId64 ")"), kz_buf_str(&name),
                       kz_lead_num(&lead, KZ_F_ID));
    t->select_id = kz_lead_num(&lead, KZ_F_ID); /* the board shows it selected */
    flags = KZ_UI_RELOAD;
    goto out;
cancelled:
    kz_tui_message(t, _("nothing added"));
out:
    kz_lead_free(&lead);
    kz_buf_free(&name);
    kz_buf_free(&company);
    kz_buf_free(&value);
    return flags;
}

/* A next step's due date (ud: the day it names). */
static kz_status check_due(kz_tui *t, kz_buf *line, void *ud, kz_err *err)
{
    return kz_date_parse(kz_buf_str(line), t->today, ud, err);
}

/* An edit of one field, saved as typed (check_edit): what a refusal needs
 * to ask again and what the confirmation says after. */
typedef struct edit_ctx {
    int64_t id, version;
    kz_lead *lead;
    const char *fname;
    int f;
    kz_buf assign; /* owned: "field=value" */
    kz_change p;   /* the change saved */
    bool fresh;    /* a new custom field: said so once saved */
    unsigned flags;
} edit_ctx;

/* Saves the value typed: KZ_EINVAL (mend it) when kariz refuses the value;
 * another status gives up (an owner not confirmed, a save that failed for
 * another reason, said by kz_change_save). */
static kz_status check_edit(kz_tui *t, kz_buf *line, void *ud, kz_err *err)
{
    edit_ctx *e = ud;
    if (e->f == KZ_F_OWNER && !kz_prompt_owner_ok(t, kz_trim(line->s ? line->s : (char[]){0}))) {
        kz_tui_message(t, _("owner unchanged"));
        return KZ_EREFUSED;
    }
    kz_buf_reset(&e->assign);
    kz_buf_printf(&e->assign, "%s=%s", e->fname, kz_buf_str(line));
    e->fresh = e->f < 0 && kz_pipe_field_is_new(t->s, e->lead, e->fname);
    e->p = (kz_change){.kind = KZ_CH_SET, .id = e->id, .version = e->version,
                       .what = _("edit"), .field = e->fname, .mine = kz_buf_str(line),
                       .assign = kz_buf_str(&e->assign), .before = e->lead,
                       .pass_invalid = true};
    if (kz_change_save(t, &e->p))
        return KZ_OK;
    if (e->p.err.code != KZ_EINVAL) {
        e->flags = KZ_UI_RELOAD;
        return e->p.err.code ? e->p.err.code : KZ_EDB;
    }
    *err = e->p.err;
    return KZ_EINVAL;
}

static unsigned do_edit(kz_tui *t, int64_t id, int64_t version, kz_lead *l)
{
    kz_buf field = KZ_BUF_INIT, value = KZ_BUF_INIT; /* owned */
    edit_ctx e = {.id = id, .version = version, .lead = l, .assign = KZ_BUF_INIT,
                  .flags = KZ_UI_REDRAW};
    kz_err err;
    if (!kz_prompt_line(t, _("edit field (name, company, value, email...):"), "", &field, NULL,
                        NULL))
        goto out;
    char *fname = kz_trim(field.s ? field.s : (char[]){0});
    if (!*fname)
        goto out;
    int f = kz_field_lookup(fname);
    char current[512] = "";
    if (f >= 0) {
        const kz_field_info *fi = kz_field_get((kz_field)f);
        if (fi->flags & KZ_FF_RO) {
            kz_tui_error(t, _("%s is computed by kariz and cannot be edited"), fname);
            goto out;
        }
        if (fi->flags & KZ_FF_MOVE) {
            kz_tui_error(t, _("%s changes with > < W L (move, won, lost)"), fname);
            goto out;
        }
        kz_lead_format(l, (kz_field)f, current, sizeof current);
        if (fi->type == KZ_FT_DATE && kz_lead_has(l, (kz_field)f)) /* 1405/09/15 in Persian */
            kz_day_input((int)kz_lead_num(l, (kz_field)f), current, sizeof current);
    } else if (kz_pipe_check_field(t->s, l, fname, &err) != KZ_OK) {
        kz_tui_error(t, "%s", err.msg);
        goto out;
    } else if (!kz_custom_name_ok(fname)) {
        kz_buf safe = KZ_BUF_INIT; /* owned */
        kz_text_sanitize(&safe, fname, strlen(fname), 0);
        kz_tui_error(t, _("\"%s\" is neither a field nor a valid custom field name"),
                     kz_buf_str(&safe));
        kz_buf_free(&safe);
        goto out;
    } else {
        const char *cv = kz_lead_custom(l, fname);
        snprintf(current, sizeof current, "%s", cv ? cv : "");
    }
    char label[128];
    snprintf(label, sizeof label, "%s:", fname);
    /* a value kariz refuses comes back in the prompt as typed, ready to
     * mend, with what was wrong on the status line */
    e.fname = fname;
    e.f = f;
    char unchanged[160];
    snprintf(unchanged, sizeof unchanged, _("%s unchanged: nothing was saved"), fname);
    if (!kz_prompt_until(t, label, current, &value, check_edit, &e, unchanged))
        goto out;
    char what[sizeof t->undo->what];
    snprintf(what, sizeof what, _("edit of %s"), fname);
    remember_undo(t, id, l, what);
    kz_buf who = KZ_BUF_INIT; /* owned */
    kz_lead_label(l, &who);
    /* an amount typed with another currency set the lead's currency too */
    kz_lead saved;
    kz_lead_init(&saved);
    const char *was = kz_lead_text(l, KZ_F_CURRENCY), *now = NULL;
    if (f >= 0 && kz_field_get((kz_field)f)->type == KZ_FT_MONEY &&
        kz_store_lead_get(t->s->store, id, &saved, &err) == KZ_OK)
        now = kz_lead_text(&saved, KZ_F_CURRENCY);
    if (now && strcmp(now, was ? was : "") != 0) {
        kz_buf w = KZ_BUF_INIT; /* owned */
        kz_label_value(t->s->rules, "currency", was, &w);
        /* TRANSLATORS: "value of Ada Lovelace saved; currency now EUR (was USD)" */
        kz_tui_message(t, _("%s of %s saved; currency now %s (was %s)%s"), fname,
                       kz_buf_str(&who), now, kz_buf_str(&w), kz_change_reapplied(&e.p));
        kz_buf_free(&w);
    } else if (e.fresh) /* TRANSLATORS: "new custom field zzz of Ada Lovelace saved" */
        kz_tui_message(t, _("new custom field %s of %s saved%s"), fname, kz_buf_str(&who),
                       kz_change_reapplied(&e.p));
    else /* TRANSLATORS: "value of Ada Lovelace saved" */
        kz_tui_message(t, _("%s of %s saved%s"), fname, kz_buf_str(&who), kz_change_reapplied(&e.p));
    kz_lead_free(&saved);
    kz_buf_free(&who);
    e.flags = KZ_UI_RELOAD;
out:
    kz_buf_free(&field);
    kz_buf_free(&value);
    kz_buf_free(&e.assign);
    return e.flags;
}

/* ---- the people around a deal ---- */

/* A role from the rules' roles, as a menu; NULL when cancelled. */
static const char *pick_role(kz_tui *t, const char *title)
{
    size_t n = kz_rules_role_count(t->s->rules);
    kz_menu_item *items = kz_xcalloc(n ? n : 1, sizeof *items); /* owned */
    for (size_t i = 0; i < n; i++)
        items[i] = (kz_menu_item){(kz_key)(i < 9 ? '1' + (int)i : 0),
                                  kz_rules_role_label(t->s->rules, i)};
    int pick = kz_prompt_menu(t, title, items, n);
    free(items);
    return pick < 0 ? NULL : kz_rules_role(t->s->rules, (size_t)pick);
}

static unsigned people_failed(kz_tui *t, const kz_err *err)
{
    kz_tui_error(t, "%s", err->msg);
    return KZ_UI_RELOAD;
}

static unsigned people_add(kz_tui *t, int64_t id)
{
    kz_buf name = KZ_BUF_INIT, title = KZ_BUF_INIT, role = KZ_BUF_INIT; /* owned */
    unsigned flags = KZ_UI_REDRAW;
    if (!kz_prompt_line(t, _("stakeholder's name:"), "", &name, NULL, NULL) || !name.s ||
        !*kz_trim(name.s)) {
        kz_tui_message(t, "%s", _("nobody added"));
        goto out;
    }
    kz_buf_printf(&role, _("role of %s?"), name.s);
    const char *r = pick_role(t, kz_buf_str(&role));
    if (!r) {
        kz_tui_message(t, "%s", _("nobody added"));
        goto out;
    }
    if (!kz_prompt_line(t, _("title (Enter: none):"), "", &title, NULL, NULL)) {
        kz_tui_message(t, "%s", _("nobody added"));
        goto out;
    }
    kz_stakeholder sh = {0};
    sh.lead_id = id;
    sh.name = name.s;
    sh.role = (char *)r;
    sh.title = title.s && *kz_trim(title.s) ? title.s : NULL;
    kz_err err;
    if (kz_pipe_add_stakeholder(t->s, &sh, &err) != KZ_OK) {
        flags = people_failed(t, &err);
        goto out;
    }
    kz_buf_reset(&role);
    kz_label_value(t->s->rules, "role", r, &role);
    kz_tui_message(t, _("added %s, %s"), name.s, kz_buf_str(&role));
    flags = KZ_UI_RELOAD;
out:
    kz_buf_free(&name);
    kz_buf_free(&title);
    kz_buf_free(&role);
    return flags;
}

/* Changes one field of a stakeholder, or removes them. */
static unsigned people_change(kz_tui *t, const kz_stakeholder *sh, int64_t version)
{
    static const kz_menu_item items[] = {
        {'r', N_("role")},  {'t', N_("title")}, {'n', N_("name")},  {'e', N_("e-mail")},
        {'p', N_("phone")}, {'o', N_("note")},  {'d', N_("remove")}};
    static const char *const fields[] = {"role", "title", "name", "email", "phone", "note", NULL};
    kz_menu_item tr[sizeof items / sizeof items[0]];
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
        tr[i] = (kz_menu_item){items[i].key, _(items[i].label)};
    kz_buf title = KZ_BUF_INIT; /* owned */
    kz_buf_printf(&title, _("%s: change what?"), sh->name ? sh->name : "");
    int pick = kz_prompt_menu(t, kz_buf_str(&title), tr, sizeof tr / sizeof tr[0]);
    kz_buf_free(&title);
    if (pick < 0) {
        kz_tui_message(t, "%s", _("nothing changed"));
        return KZ_UI_REDRAW;
    }
    kz_err err;
    if (!fields[pick]) {
        if (kz_pipe_remove_stakeholder(t->s, sh->id, version, &err) != KZ_OK)
            return people_failed(t, &err);
        kz_tui_message(t, _("removed %s"), sh->name ? sh->name : "");
        return KZ_UI_RELOAD;
    }
    kz_buf value = KZ_BUF_INIT, assign = KZ_BUF_INIT; /* owned */
    unsigned flags = KZ_UI_REDRAW;
    if (strcmp(fields[pick], "role") == 0) {
        const char *r = pick_role(t, _("new role?"));
        if (!r)
            goto unchanged;
        kz_buf_puts(&value, r);
    } else {
        kz_buf label = KZ_BUF_INIT;
        kz_buf_printf(&label, "%s:", tr[pick].label);
        const char *cur = kz_stakeholder_field(sh, fields[pick]);
        bool ok = kz_prompt_line(t, kz_buf_str(&label), cur ? cur : "", &value, NULL, NULL);
        kz_buf_free(&label);
        if (!ok)
            goto unchanged;
    }
    kz_buf_printf(&assign, "%s=%s", fields[pick], kz_buf_str(&value));
    const char *a[] = {kz_buf_str(&assign)};
    if (kz_pipe_set_stakeholder(t->s, sh->id, version, a, 1, &err) != KZ_OK) {
        flags = people_failed(t, &err);
        goto out;
    }
    kz_tui_message(t, _("%s of %s saved"), tr[pick].label, sh->name ? sh->name : "");
    flags = KZ_UI_RELOAD;
    goto out;
unchanged:
    kz_tui_message(t, "%s", _("nothing changed"));
out:
    kz_buf_free(&value);
    kz_buf_free(&assign);
    return flags;
}

unsigned kz_stakeholder_edit(kz_tui *t, int64_t id, int64_t version)
{
    if (t->opts->readonly) {
        kz_tui_refuse_readonly(t, KZ_ACT_STAKEHOLDERS);
        return KZ_UI_REDRAW;
    }
    kz_stakeholder_list shs = {0}; /* owned */
    kz_err err;
    if (kz_store_stakeholders(t->s->store, id, &shs, &err) != KZ_OK)
        return people_failed(t, &err);
    kz_menu_item items[10];
    kz_buf labels[9];
    size_t n = people_items(t, &shs, (kz_menu_item){'a', _("add a stakeholder")}, items, labels);
    int pick = kz_prompt_menu(t, _("stakeholders"), items, n + 1);
    unsigned flags = KZ_UI_REDRAW;
    if (pick == 0)
        flags = people_add(t, id);
    else if (pick > 0)
        flags = people_change(t, &shs.v[pick - 1], version);
    for (size_t i = 0; i < n; i++)
        kz_buf_free(&labels[i]);
    kz_stakeholder_list_free(&shs);
    return flags;
}

/* The lead a change starts from, as stored; while the database cannot be
 * reached, as the view on top last read it, so that the change's prompt
 * opens and what is typed there is kept until `r` saves it (the save says
 * the server is unreachable and offers the retry): keys typed for a
 * prompt that never opened would run as the board's. */
static bool lead_to_change(kz_tui *t, kz_action a, int64_t id, kz_lead *l, kz_err *err)
{
    if (kz_store_lead_get(t->s->store, id, l, err) == KZ_OK)
        return true;
    /* (only the changes that read nothing more before they are saved: a
     * touch asks whom it was with, an owner is checked against the team,
     * an edit shows the custom fields a card does not hold) */
    bool from_seen = a == KZ_ACT_NOTE || a == KZ_ACT_NOTE_EDITOR || a == KZ_ACT_MOVE_NEXT ||
                     a == KZ_ACT_MOVE_PREV || a == KZ_ACT_WON || a == KZ_ACT_LOST ||
                     a == KZ_ACT_FOLLOWUP;
    if (!from_seen)
        return false;
    kz_view *top = t->stack[t->depth - 1];
    const kz_lead *seen = err->code == KZ_EGONE && top->ops->seen ? top->ops->seen(top) : NULL;
    if (!seen || kz_lead_num(seen, KZ_F_ID) != id)
        return false;
    kz_lead_copy(l, seen);
    return true;
}

unsigned kz_leadop(kz_tui *t, kz_action a, int64_t id, int64_t version, const char *stage_hint)
{
    if (t->opts->readonly) {
        kz_tui_refuse_readonly(t, a);
        return KZ_UI_REDRAW;
    }
    if (a == KZ_ACT_UNDO)
        return do_undo(t);
    if (a == KZ_ACT_ADD)
        return do_add(t, stage_hint);
    kz_err err;
    kz_err_clear(&err);
    kz_lead l;
    kz_lead_init(&l);
    unsigned flags = KZ_UI_REDRAW;
    if (!lead_to_change(t, a, id, &l, &err)) {
        kz_tui_error(t, "%s", err.msg);
        flags = KZ_UI_RELOAD;
        goto out;
    }
    /* someone else's save since the view read it is no reason to refuse:
     * the pipeline's conflict rule looks at the fields this change sets */
    kz_buf text = KZ_BUF_INIT, who = KZ_BUF_INIT; /* owned */
    kz_lead_label(&l, &who);
    switch (a) {
    case KZ_ACT_MOVE_NEXT:
    case KZ_ACT_MOVE_PREV:
    case KZ_ACT_WON:
        flags = do_move(t, a, id, version, &l);
        break;
    case KZ_ACT_LOST:
        flags = do_lost(t, id, version, &l);
        break;
    case KZ_ACT_EDIT:
        flags = do_edit(t, id, version, &l);
        break;
    case KZ_ACT_NOTE:
        if (kz_prompt_line(t, _("note:"), "", &text, NULL, NULL) && text.len > 0) {
            kz_change p = {.kind = KZ_CH_LOG, .id = id, .what = _("note"), .log_kind = "note",
                           .outcome = "none", .note = kz_buf_str(&text)};
            if (!kz_change_save(t, &p))
                flags = KZ_UI_RELOAD;
            else {
                kz_tui_message(t, _("note added to %s"), kz_buf_str(&who));
                flags = KZ_UI_RELOAD;
            }
        }
        break;
    case KZ_ACT_NOTE_EDITOR: {
        char *note = edit_in_editor(t); /* owned */
        if (note && kz_tui_stopping()) { /* hung up while the editor ran */
            free(note);
            note = NULL;
        }
        if (note) {
            kz_change p = {.kind = KZ_CH_LOG, .id = id, .what = _("note"), .log_kind = "note",
                           .outcome = "none", .note = note};
            if (!kz_change_save(t, &p))
                flags = KZ_UI_RELOAD;
            else {
                kz_tui_message(t, _("note added to %s"), kz_buf_str(&who));
                flags = KZ_UI_RELOAD;
            }
            free(note);
        }
        clearok(curscr, TRUE);
        break;
    }
    case KZ_ACT_LOG_CALL:
    case KZ_ACT_LOG_EMAIL:
    case KZ_ACT_LOG_MEETING:
        flags = do_log(t, a, id, &l);
        break;
    case KZ_ACT_FOLLOWUP: {
        const char *step = kz_lead_text(&l, KZ_F_NEXT_STEP);
        if (!kz_prompt_line(t, _("next step:"), step ? step : "", &text, NULL, NULL))
            break;
        kz_buf due = KZ_BUF_INIT; /* owned */
        char cur[KZ_DATE_TEXT] = "";
        if (kz_lead_has(&l, KZ_F_NEXT_DUE))
            kz_day_input((int)kz_lead_num(&l, KZ_F_NEXT_DUE), cur, sizeof cur);
        /* a date kariz cannot read comes back as typed, ready to mend,
         * and the step typed is kept meanwhile */
        int day = 0;
        if (kz_prompt_until(t, _("due (today, tomorrow, fri, +3d, next week, YYYY-MM-DD):"), cur,
                            &due, check_due, &day, _("next step unchanged"))) {
            if (!kz_prompt_past_ok(t, day)) {
                kz_tui_message(t, _("next step unchanged"));
            } else {
                /* the step is set only when changed: one left as read is
                 * no field of this change (and no conflict with theirs) */
                const char *typed = kz_buf_str(&text);
                bool same = strcmp(typed, step ? step : "") == 0;
                char iso[16];
                kz_day_format(day, iso);
                kz_change p = {.kind = KZ_CH_FOLLOWUP, .id = id, .version = version,
                               .what = _("next step"), .field = "next_due", .mine = iso,
                               .day = day, .step = same ? NULL : typed, .before = &l};
                if (!kz_change_save(t, &p)) {
                    flags = KZ_UI_RELOAD;
                    goto followup_done;
                }
                char rel[KZ_DATE_TEXT];
                kz_day_relative(day, t->today, rel, sizeof rel);
                remember_undo(t, id, &l, _("next step"));
                kz_tui_message(t, _("%s: next step due %s%s"), kz_buf_str(&who), rel,
                               kz_change_reapplied(&p));
                flags = KZ_UI_RELOAD;
            }
        }
    followup_done:
        kz_buf_free(&due);
        break;
    }
    case KZ_ACT_ASSIGN: {
        const char *owner = kz_lead_text(&l, KZ_F_OWNER);
        if (!kz_prompt_line(t, _("owner (empty: unassigned):"), owner ? owner : "", &text, NULL,
                            NULL))
            break;
        char *o = kz_trim(text.s ? text.s : (char[]){0});
        if (!kz_prompt_owner_ok(t, o)) {
            kz_tui_message(t, _("owner unchanged"));
            break;
        }
        kz_change p = {.kind = KZ_CH_ASSIGN, .id = id, .version = version, .what = _("assign"),
                       .field = "owner", .mine = o, .owner = *o ? o : NULL, .before = &l};
        if (!kz_change_save(t, &p))
            flags = KZ_UI_RELOAD;
        else {
            remember_undo(t, id, &l, _("assignment"));
            kz_buf safe = KZ_BUF_INIT; /* owned */
            kz_text_sanitize(&safe, o, strlen(o), KZ_TEXT_NEWLINE_SPACE);
            if (*o)
                kz_tui_message(t, _("%s assigned to %s%s"), kz_buf_str(&who), kz_buf_str(&safe),
                               kz_change_reapplied(&p));
            else
                kz_tui_message(t, _("%s unassigned%s"), kz_buf_str(&who), kz_change_reapplied(&p));

            kz_buf_free(&safe);
            flags = KZ_UI_RELOAD;
        }
        break;
    }
    default:
        break;
    }
    kz_buf_free(&text);
    kz_buf_free(&who);
out:
    kz_lead_free(&l);
    return flags;
}

