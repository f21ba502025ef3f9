/* prompt.c - modal input on top of the views: a line editor on the bottom
 * row, and a box of choices. Both redraw through kz_tui_repaint (with an
 * overlay), so a resize while a prompt is open lays everything out again. */
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

#include <stdlib.h>
#include <string.h>

#include "kariz/i18n.h"
#include "kariz/text.h"

#include "kariz/dates.h"
#include "tui/tui_int.h"

typedef struct line_state {
    const char *label;
    kz_buf *text;
    bool selected; /* the pre-filled value, untouched: typing replaces it */
} line_state;

static void draw_line(kz_tui *t, void *ud)
{
    line_state *ls = ud;
    int y = t->rows - 1;
    kz_fill(y, 0, t->cols, kz_role_attr(t, KZ_ROLE_DEFAULT));
    int x = kz_draw_text(t, y, 0, t->cols / 2, ls->label, KZ_ROLE_PROMPT, false);
    if (x < t->cols)
        mvaddch(y, x++, ' ');
    int room = t->cols - x - 1;
    if (room < 1)
        return;
    /* show the end of the text when it is longer than the room */
    kz_buf safe = KZ_BUF_INIT; /* owned */
    kz_text_sanitize(&safe, kz_buf_str(ls->text), ls->text->len, KZ_TEXT_NEWLINE_SPACE);
    const char *s = kz_buf_str(&safe);
    while (*s && kz_text_width(s) > room) {
        long cp;
        s += kz_utf8_decode(s, strlen(s), &cp);
    }
    int used = kz_draw_text(t, y, x, room, s, ls->selected ? KZ_ROLE_MENU_SELECTED
                                                               : KZ_ROLE_DEFAULT, false);
    kz_buf_free(&safe);
    if (ls->selected) { /* say what the highlight means, when there is room */
        char key[32] = "";
        kz_key k = kz_keymap_first_key(&t->km, KZ_KM_DIALOG, KZ_ACT_EDIT_VALUE);
        if (k)
            kz_key_name(k, key, sizeof key);
        kz_buf hint = KZ_BUF_INIT; /* owned */
        size_t n = strlen(key);
        if (n > 2 && key[0] == '<' && key[n - 1] == '>') /* End, not <End> */
            kz_buf_printf(&hint, _("(typing replaces it; %.*s edits it)"), (int)n - 2, key + 1);
        else if (n)
            kz_buf_printf(&hint, _("(typing replaces it; %s edits it)"), key);
        else
            kz_buf_puts(&hint, _("(typing replaces it)"));
        kz_draw_text(t, y, x + used + 1, room - used - 1, kz_buf_str(&hint), KZ_ROLE_HINT, false);
        kz_buf_free(&hint);
    }
    curs_set(1);
    move(y, x + used);
}

static void utf8_put(kz_buf *b, long cp)
{
    char u[4];
    kz_buf_append(b, u, kz_utf8_encode(cp, u));
}

static void delete_last_char(kz_buf *b)
{
    while (b->len > 0) {
        unsigned char c = (unsigned char)b->s[--b->len];
        if ((c & 0xC0) != 0x80)
            break;
    }
    if (b->s)
        b->s[b->len] = '\0';
}

static void delete_last_word(kz_buf *b)
{
    while (b->len > 0 && b->s[b->len - 1] == ' ')
        b->len--;
    while (b->len > 0 && b->s[b->len - 1] != ' ')
        b->len--;
    if (b->s)
        b->s[b->len] = '\0';
}

static bool prompt_line(kz_tui *t, const char *label, const char *initial, bool select,
                        kz_buf *out, kz_prompt_change_fn on_change, void *ud);

bool kz_prompt_line(kz_tui *t, const char *label, const char *initial, kz_buf *out,
                    kz_prompt_change_fn on_change, void *ud)
{
    return prompt_line(t, label, initial, true, out, on_change, ud);
}

bool kz_prompt_until(kz_tui *t, const char *label, const char *initial, kz_buf *out,
                     kz_prompt_check_fn check, void *ud, const char *unchanged)
{
    char *refused = NULL; /* owned: the line typed that check refused */
    for (;;) {
        /* a refused line comes back as typed, not selected, to mend */
        bool entered = prompt_line(t, label, refused ? refused : initial, !refused, out, NULL,
                                   NULL);
        bool mending = refused != NULL;
        free(refused);
        refused = NULL;
        if (!entered) {
            if (mending && unchanged) /* (the refusal is no longer what the status says) */
                kz_tui_message(t, "%s", unchanged);
            return false;
        }
        kz_err err;
        kz_err_clear(&err);
        kz_status ks = check(t, out, ud, &err);
        if (ks == KZ_OK)
            return true;
        if (ks != KZ_EINVAL)
            return false;
        refused = kz_xstrdup(kz_buf_str(out));
        kz_tui_error(t, _("%s; mend it, or Esc to cancel"), err.msg);
    }
}

static bool prompt_line(kz_tui *t, const char *label, const char *initial, bool select,
                        kz_buf *out, kz_prompt_change_fn on_change, void *ud)
{
    kz_buf_reset(out);
    if (initial)
        kz_buf_puts(out, initial);
    line_state ls = {label, out, select && out->len > 0};
    t->overlay = draw_line;
    t->overlay_ud = &ls;
    bool ok = false;
    bool dirty = false; /* edited since on_change last ran */
    for (;;) {
        if (dirty && on_change && !kz_tui_input_pending()) {
            on_change(t, kz_buf_str(out), ud);
            dirty = false;
        }
        if (!kz_tui_input_pending())
            kz_tui_repaint(t);
        kz_key k;
        if (!kz_tui_read_key(t, &k, false))
            break;
        if (k == KZ_KEY_PASTE) {
            /* pasted text is typed text, whatever it holds: its escape
             * sequences and line breaks never act as keys */
            if (ls.selected) {
                ls.selected = false;
                kz_buf_reset(out);
            }
            kz_text_paste(out, t->paste.s ? t->paste.s : "", t->paste.len);
            if (t->paste_cut)
                kz_tui_error(t, _("the paste was longer than %d KiB: only its beginning was "
                                  "taken"),
                             KZ_PASTE_KIB);
            dirty = true;
            continue;
        }
        /* characters are text; other keys are looked up in the dialog keymap */
        bool printable = k >= 32 && k < KZ_KEY_FUNC;
        kz_action a = printable ? KZ_ACT_NONE : kz_keymap_lookup_own(&t->km, KZ_KM_DIALOG, k);
        if (a == KZ_ACT_ACCEPT) {
            ok = true;
            break;
        }
        if (a == KZ_ACT_CANCEL)
            break;
        size_t before = out->len;
        if (ls.selected) {
            /* edit-value keeps the pre-filled value to edit it; typing or
             * deleting replaces all of it, as after a selection in readline */
            if (a == KZ_ACT_EDIT_VALUE) {
                ls.selected = false;
                continue;
            }
            if (!printable && a != KZ_ACT_DELETE_CHAR && a != KZ_ACT_DELETE_WORD &&
                a != KZ_ACT_DELETE_LINE)
                continue; /* no meaning here: the value stays as it is */
            ls.selected = false;
            kz_buf_reset(out);
            dirty = true;
            if (!printable)
                continue;
        }
        if (printable)
            utf8_put(out, k);
        else if (a == KZ_ACT_DELETE_CHAR)
            delete_last_char(out);
        else if (a == KZ_ACT_DELETE_LINE)
            kz_buf_reset(out);
        else if (a == KZ_ACT_DELETE_WORD)
            delete_last_word(out);
        else
            continue;
        if (out->len != before)
            dirty = true;
    }
    if (ok && dirty && on_change)
        on_change(t, kz_buf_str(out), ud);
    t->overlay = NULL;
    t->overlay_ud = NULL;
    curs_set(0);
    return ok;
}

typedef struct menu_state {
    const char *title;
    const kz_menu_item *items;
    size_t n;
    size_t sel;
    size_t top;
} menu_state;

static void draw_menu(kz_tui *t, void *ud)
{
    menu_state *m = ud;
    int w = kz_text_width(m->title) + 4;
    for (size_t i = 0; i < m->n; i++) {
        int iw = kz_text_width(m->items[i].label) + 8;
        if (iw > w)
            w = iw;
    }
    if (w > t->cols - 4)
        w = t->cols - 4;
    int h = (int)m->n + 2;
    if (h > t->rows - 4)
        h = t->rows - 4;
    int visible = h - 2;
    if (m->sel < m->top)
        m->top = m->sel;
    if (m->sel >= m->top + (size_t)visible)
        m->top = m->sel - (size_t)visible + 1;
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
    kz_draw_text(t, y0, x0 + 2, w - 4, m->title, KZ_ROLE_PROMPT, false);
    for (int i = 0; i < visible && m->top + (size_t)i < m->n; i++) {
        size_t idx = m->top + (size_t)i;
        const kz_menu_item *it = &m->items[idx];
        char key[32] = "";
        if (it->key)
            kz_key_name(it->key, key, sizeof key);
        kz_buf line = KZ_BUF_INIT; /* owned */
        kz_buf_printf(&line, " %-3s %s", key, it->label);
        kz_draw_text(t, y0 + 1 + i, x0 + 1, w - 2, kz_buf_str(&line),
                     idx == m->sel ? KZ_ROLE_MENU_SELECTED : KZ_ROLE_MENU, true);
        kz_buf_free(&line);
    }
}

int kz_prompt_menu(kz_tui *t, const char *title, const kz_menu_item *items, size_t n)
{
    if (n == 0)
        return -1;
    menu_state m = {title, items, n, 0, 0};
    t->overlay = draw_menu;
    t->overlay_ud = &m;
    int result = -1;
    for (;;) {
        kz_tui_repaint(t);
        kz_key k;
        if (!kz_tui_read_key(t, &k, false))
            break;
        bool picked = false;
        for (size_t i = 0; i < n; i++)
            if (items[i].key && items[i].key == k) {
                result = (int)i;
                picked = true;
            }
        if (picked)
            break;
        kz_action a = kz_keymap_lookup_own(&t->km, KZ_KM_DIALOG, k);
        if (a == KZ_ACT_ACCEPT) {
            result = (int)m.sel;
            break;
        }
        if (a == KZ_ACT_CANCEL)
            break;
        a = kz_keymap_lookup(&t->km, KZ_KM_GENERIC, k);
        if (a == KZ_ACT_CURSOR_DOWN && m.sel + 1 < n)
            m.sel++;
        else if (a == KZ_ACT_CURSOR_UP && m.sel > 0)
            m.sel--;
        else if (a == KZ_ACT_FIRST)
            m.sel = 0;
        else if (a == KZ_ACT_LAST)
            m.sel = n - 1;
    }
    t->overlay = NULL;
    t->overlay_ud = NULL;
    return result;
}

bool kz_prompt_owner_ok(kz_tui *t, const char *owner)
{
    if (!owner || !*owner || kz_user_known(t->s, owner))
        return true;
    kz_buf title = KZ_BUF_INIT, yes = KZ_BUF_INIT; /* owned */
    char near[KZ_USER_MAX + 1];
    if (kz_user_near(t->s, owner, near, sizeof near))
        kz_buf_printf(&title, _("\"%s\" is not a known user (did you mean %s?)"), owner, near);
    else
        kz_buf_printf(&title, _("\"%s\" is not a known user"), owner);
    kz_buf_printf(&yes, _("assign to %s anyway"), owner);
    const kz_menu_item items[2] = {
        {kz_keymap_first_key(&t->km, KZ_KM_DIALOG, KZ_ACT_YES), kz_buf_str(&yes)},
        {kz_keymap_first_key(&t->km, KZ_KM_DIALOG, KZ_ACT_NO), _("no: keep the owner")}};

    int pick = kz_prompt_menu(t, kz_buf_str(&title), items, 2);
    kz_buf_free(&title);
    kz_buf_free(&yes);
    return pick == 0;
}

bool kz_prompt_past_ok(kz_tui *t, int day)
{
    if (day >= t->today)
        return true;
    char shown[KZ_DATE_TEXT], rel[KZ_DATE_TEXT];
    kz_day_show(day, shown, sizeof shown);
    kz_day_relative(day, t->today, rel, sizeof rel);
    kz_buf title = KZ_BUF_INIT; /* owned */
    /* TRANSLATORS: "2025-01-01 (2025-01-01) is in the past: ..." */
    kz_buf_printf(&title, _("%s (%s) is in the past: the lead would be overdue at once"), shown,
                  rel);
    const kz_menu_item items[2] = {
        {kz_keymap_first_key(&t->km, KZ_KM_DIALOG, KZ_ACT_YES), _("set it anyway")},
        {kz_keymap_first_key(&t->km, KZ_KM_DIALOG, KZ_ACT_NO), _("no: keep the next step")}};
    int pick = kz_prompt_menu(t, kz_buf_str(&title), items, 2);
    kz_buf_free(&title);
    return pick == 0;
}
