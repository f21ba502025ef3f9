/* help.c - the `?` screen: every action from the action table, grouped,
 * with the keys bound to it now (built-in bindings plus the user's). */
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/text.h"
#include "tui/tui_int.h"

typedef struct help_line {
    kz_role role;
    char *keys; /* owned; NULL for a group title */
    char *text; /* owned */
} help_line;

typedef struct help {
    help_line *lines; /* owned, n used */
    size_t n, cap;
    size_t top;
    int height;
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

static void help_reload(kz_view *v, kz_tui *t)
{
    help *h = v->priv;
    help_clear(h);
    /* the view under this one (help is on top when it reloads) */
    bool from_triage = t->depth >= 2 && t->stack[t->depth - 2]->ops->keymap == KZ_KM_TRIAGE;
    if (from_triage)
        add(h, KZ_ROLE_DEFAULT, NULL, "Keys in triage first, then on the board.");
    add(h, KZ_ROLE_DEFAULT, NULL, "Keys on the board (and, for lead actions, in a lead's detail view).");
    add(h, KZ_ROLE_DEFAULT, NULL, "Change them in ~/.config/kariz/keys.conf: bind board KEY ACTION.");
    for (int g = 0; g < KZ_GROUP__COUNT; g++) {
        add(h, KZ_ROLE_DEFAULT, NULL, "");
        add(h, KZ_ROLE_SECTION, NULL, kz_action_group_title((kz_action_group)g));
        for (int a = 1; a < KZ_ACT__COUNT; a++) {
            const kz_action_info *ai = kz_action_get((kz_action)a);
            if ((int)ai->group != g)
                continue;
            kz_buf keys = KZ_BUF_INIT, text = KZ_BUF_INIT; /* owned */
            /* opened from triage: its keys first; actions only triage binds
             * show its keys from the board too */
            if ((!from_triage ||
                 kz_keymap_keys_for(&t->km, KZ_KM_TRIAGE, (kz_action)a, &keys) == 0) &&
                kz_keymap_keys_for(&t->km, KZ_KM_BOARD, (kz_action)a, &keys) == 0 &&
                kz_keymap_keys_for(&t->km, KZ_KM_DETAIL, (kz_action)a, &keys) == 0 &&
                kz_keymap_keys_for(&t->km, KZ_KM_REPORTS, (kz_action)a, &keys) == 0 &&
                (from_triage ||
                 kz_keymap_keys_for(&t->km, KZ_KM_TRIAGE, (kz_action)a, &keys) == 0))
                kz_buf_puts(&keys, "(unbound)");
            kz_buf_printf(&text, "%-15s %s", ai->name, ai->help);
            add(h, KZ_ROLE_HELP_KEY, kz_buf_str(&keys), kz_buf_str(&text));
            kz_buf_free(&keys);
            kz_buf_free(&text);
        }
    }
    if (h->top >= h->n)
        h->top = 0;
}

static void help_draw(kz_view *v, kz_tui *t, kz_rect area)
{
    help *h = v->priv;
    h->height = area.h;
    int kw = 18;
    for (int i = 0; i < area.h && h->top + (size_t)i < h->n; i++) {
        const help_line *l = &h->lines[h->top + (size_t)i];
        int y = area.y + i;
        if (l->keys) {
            kz_draw_text(t, y, 1, kw - 1, l->keys, l->role, false);
            kz_draw_text(t, y, 1 + kw, area.w - kw - 2, l->text, KZ_ROLE_DEFAULT, false);
        } else {
            kz_draw_text(t, y, 1, area.w - 2, l->text, l->role, false);
        }
    }
}

static unsigned help_action(kz_view *v, kz_tui *t, kz_action a)
{
    help *h = v->priv;
    size_t page = h->height > 2 ? (size_t)h->height - 2 : 1;
    size_t max = h->n > (size_t)h->height ? h->n - (size_t)h->height : 0;
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
        kz_tui_message(t, "close help first (q)");
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

static const kz_hint help_hints[] = {{KZ_ACT_BACK, "close help"},
                                     {KZ_ACT_CURSOR_DOWN, "scroll"},
                                     {KZ_ACT_PAGE_DOWN, "page"},
                                     {KZ_ACT_NONE, NULL}};

static const kz_view_ops help_ops = {
    .title = "help",
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
