/* help.c - the `?` screen: the actions of the view it was opened from, from
 * the action table, grouped, with the keys bound to them there now
 * (built-in bindings plus the user's), then the keys of prompts and
 * dialogs; long lines wrap and the list scrolls, so nothing is cut off. */
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "kariz/text.h"
#include "tui/tui_int.h"

typedef struct help_line {
    kz_role role;
    char *keys; /* owned; NULL for a title or a line of text */
    char *text; /* owned */
} help_line;

typedef struct help {
    help_line *lines; /* owned, n used */
    size_t n, cap;
    size_t top;    /* the first screen row shown */
    size_t nrows;  /* screen rows the lines take at the last width drawn */
    int height;
    int width;     /* the terminal's width at the last reload */
    char title[128];

} help;

static void add(help *h, kz_role role, const char *keys, const char *text)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->lines = kz_xrealloc(h->lines, h->cap * sizeof *h->lines);
    }
    h->lines[h->n++] = (help_line){role, keys ? kz_xstrdup(keys) : NULL, kz_xstrdup(text)};
}

static void help_clear(help *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->lines[i].keys);
        free(h->lines[i].text);
    }
    h->n = 0;
}

/* The view help was opened from: its keymap, the actions that apply in it
 * and what to call it. */
static const struct {
    kz_keymap_id km;
    unsigned views;
    const char *title;
} help_for[] = {
    {KZ_KM_BOARD, KZ_IN_BOARD, N_("Keys on the board.")},
    {KZ_KM_DETAIL, KZ_IN_DETAIL, N_("Keys in a lead's detail view.")},
    {KZ_KM_TRIAGE, KZ_IN_TRIAGE, N_("Keys in triage (one lead at a time).")},
    {KZ_KM_REPORTS, KZ_IN_REPORTS, N_("Keys on the report screen.")},
};

static void add_action(help *h, kz_tui *t, kz_keymap_id km, kz_action a)
{
    const kz_action_info *ai = kz_action_get(a);
    kz_buf keys = KZ_BUF_INIT, text = KZ_BUF_INIT; /* owned */
    if (kz_keymap_keys_for(&t->km, km, a, &keys) == 0)
        kz_buf_puts(&keys, _("(unbound)"));
    /* the name is what keys.conf binds: never translated, ASCII */
    kz_buf_printf(&text, "%-16s %s", ai->name, _(ai->help));
    add(h, KZ_ROLE_HELP_KEY, kz_buf_str(&keys), kz_buf_str(&text));
    kz_buf_free(&keys);
    kz_buf_free(&text);
}

static void help_reload(kz_view *v, kz_tui *t)
{
    help *h = v->priv;
    help_clear(h);
    h->width = t->cols;
    h->height = kz_tui_area(t).h;
    /* the view under this one (help is on top when it reloads) */
    kz_keymap_id under = t->depth >= 2 ? t->stack[t->depth - 2]->ops->keymap : KZ_KM_BOARD;
    size_t w = 0;
    for (size_t i = 0; i < sizeof help_for / sizeof help_for[0]; i++)
        if (help_for[i].km == under)
            w = i;
    add(h, KZ_ROLE_DEFAULT, NULL, _(help_for[w].title));
    add(h, KZ_ROLE_DEFAULT, NULL,
        _("Change them in ~/.config/kariz/keys.conf: bind KEYMAP KEY ACTION (see docs/keys.md)."));
    for (int g = 0; g < KZ_GROUP__COUNT; g++) {
        if (g == KZ_GROUP_DIALOG)
            continue;
        bool titled = false;
        for (int a = 1; a < KZ_ACT__COUNT; a++) {
            const kz_action_info *ai = kz_action_get((kz_action)a);
            if ((int)ai->group != g || !(ai->views & help_for[w].views))
                continue;
            if (!titled) {
                add(h, KZ_ROLE_DEFAULT, NULL, "");
                add(h, KZ_ROLE_SECTION, NULL, _(kz_action_group_title((kz_action_group)g)));
                titled = true;
            }
            add_action(h, t, help_for[w].km, (kz_action)a);
        }
    }
    add(h, KZ_ROLE_DEFAULT, NULL, "");
    add(h, KZ_ROLE_SECTION, NULL, _(kz_action_group_title(KZ_GROUP_DIALOG)));
    add(h, KZ_ROLE_DEFAULT, NULL,
        _("In a line prompt every character is text. In a choice box the key beside a choice "
          "picks it; cursor-up and cursor-down move. Keymap: dialog."));
    for (int a = 1; a < KZ_ACT__COUNT; a++)
        if (kz_action_get((kz_action)a)->group == KZ_GROUP_DIALOG)
            add_action(h, t, KZ_KM_DIALOG, (kz_action)a);
}

/* Calls row(y, x, w, text, role) for each screen row the help takes at
 * width cols, wrapping long text at spaces; returns how many rows. */
typedef void (*row_fn)(kz_tui *t, int y, int x, int w, const char *s, size_t n, kz_role role);

static size_t wrap(kz_tui *t, const char *s, int x, int w, kz_role role, size_t row, row_fn fn,
                   size_t top, int height, int y0)
{
    if (w < 8)
        w = 8;
    size_t rows = 0;
    do {
        size_t len = strlen(s), cut = len;
        if (kz_text_width(s) > w) {
            /* the last space within w display columns (or right after
             * them); a word longer than the line is cut after the
             * characters that fit */
            size_t i = 0, fits = 0, space = 0;
            int cols = 0;
            while (i < len) {
                long cp;
                int n = kz_utf8_decode(s + i, len - i, &cp);
                int cw = kz_char_width(cp);
                if (cols + cw > w)
                    break;
                if (s[i] == ' ')
                    space = i;
                cols += cw;
                i += (size_t)n;
                fits = i;
            }
            if (i < len && s[i] == ' ')
                space = i;
            long first;
            cut = space > 0 ? space : fits > 0 ? fits : (size_t)kz_utf8_decode(s, len, &first);
        }
        size_t r = row + rows;
        if (fn && r >= top && r < top + (size_t)height)
            fn(t, y0 + (int)(r - top), x, w, s, cut, role);
        rows++;
        s += cut;
        while (*s == ' ')
            s++;
    } while (*s);
    return rows;
}

static void draw_row(kz_tui *t, int y, int x, int w, const char *s, size_t n, kz_role role)
{
    char *part = kz_xmalloc(n + 1); /* owned */
    memcpy(part, s, n);
    part[n] = '\0';
    kz_draw_text(t, y, x, w, part, role, false);
    free(part);
}

size_t kz_tui_wrap_draw(kz_tui *t, const char *s, int y, int x, int w, int height,
                        kz_role role)
{
    return wrap(t, s, x, w, role, 0, draw_row, 0, height, y);
}

/* Lays the lines out at width cols: draws those in [top, top+height) when
 * fn is set; returns the rows they take. */
static size_t layout(kz_tui *t, const help *h, int cols, size_t top, int height, int y0,
                     row_fn fn)
{
    const int kw = 18; /* the key column */
    size_t row = 0;
    for (size_t i = 0; i < h->n; i++) {
        const help_line *l = &h->lines[i];
        if (!l->keys) {
            row += wrap(t, l->text, 1, cols - 2, l->role, row, fn, top, height, y0);
            continue;
        }
        if (kz_text_width(l->keys) > kw - 1) /* the keys get a row of their own */
            row += wrap(t, l->keys, 1, cols - 2, l->role, row, fn, top, height, y0);
        else if (fn && row >= top && row < top + (size_t)height)
            kz_draw_text(t, y0 + (int)(row - top), 1, kw - 1, l->keys, l->role, false);
        row += wrap(t, l->text, 1 + kw, cols - kw - 2, KZ_ROLE_DEFAULT, row, fn, top, height,
                    y0);
    }
    return row;
}

/* Lays the lines out for the current size and keeps top in range. */
static void fit(help *h)
{
    h->nrows = layout(NULL, h, h->width, 0, 0, 0, NULL);
    size_t max = h->nrows > (size_t)h->height ? h->nrows - (size_t)h->height : 0;
    if (h->top > max)
        h->top = max;
}

/* "help  21-40 of 83": where the screen is in the list, as less says. */
static const char *help_title(kz_view *v)
{
    help *h = v->priv;
    fit(h);
    size_t last = h->top + (size_t)(h->height > 0 ? h->height : 0);
    if (last > h->nrows)
        last = h->nrows;
    snprintf(h->title, sizeof h->title, _("help  %zu-%zu of %zu"), h->nrows ? h->top + 1 : 0,
             last, h->nrows);
    return h->title;
}

static void help_draw(kz_view *v, kz_tui *t, kz_rect area)
{
    help *h = v->priv;
    h->height = area.h;
    h->width = area.w;
    fit(h);
    layout(t, h, area.w, h->top, area.h, area.y, draw_row);
}

static unsigned help_action(kz_view *v, kz_tui *t, kz_action a)
{
    help *h = v->priv;
    size_t page = h->height > 2 ? (size_t)h->height - 2 : 1;
    size_t max = h->nrows > (size_t)h->height ? h->nrows - (size_t)h->height : 0;
    switch (a) {
    case KZ_ACT_CURSOR_DOWN:
        if (h->top < max)
            h->top++;
        return KZ_UI_REDRAW;
    case KZ_ACT_CURSOR_UP:
        if (h->top > 0)
            h->top--;
        return KZ_UI_REDRAW;
    case KZ_ACT_PAGE_DOWN:
        h->top = h->top + page < max ? h->top + page : max;
        return KZ_UI_REDRAW;
    case KZ_ACT_PAGE_UP:
        h->top = h->top > page ? h->top - page : 0;
        return KZ_UI_REDRAW;
    case KZ_ACT_FIRST:
        h->top = 0;
        return KZ_UI_REDRAW;
    case KZ_ACT_LAST:
        h->top = max;
        return KZ_UI_REDRAW;
    case KZ_ACT_QUIT:
    case KZ_ACT_BACK:
    case KZ_ACT_HELP:
        return KZ_UI_POP;
    default:
        kz_tui_message(t, _("close help first (q)"));
        return KZ_UI_REDRAW;
    }
}

static void help_destroy(kz_view *v)
{
    help *h = v->priv;
    help_clear(h);
    free(h->lines);
    free(h);
    free(v);
}

static const kz_hint help_hints[] = {{KZ_ACT_BACK, N_("close help")},
                                     {KZ_ACT_CURSOR_DOWN, N_("scroll")},
                                     {KZ_ACT_PAGE_DOWN, N_("page")},
                                     {KZ_ACT_NONE, NULL}};

static const kz_view_ops help_ops = {
    .title = N_("help"),

    .title_text = help_title,
    .keymap = KZ_KM_HELP,
    .reload = help_reload,
    .draw = help_draw,
    .action = help_action,
    .current = NULL,
    .hints = help_hints,
    .destroy = help_destroy,
};

kz_view *kz_help_view_new(kz_tui *t)
{
    kz_view *v = kz_xcalloc(1, sizeof *v);
    v->ops = &help_ops;
    v->priv = kz_xcalloc(1, sizeof(help));
    return v;
}
