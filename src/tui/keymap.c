/* keymap.c - the action table, key names, and the keys.conf parser that
 * reads both the built-in bindings and the user's file. */
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "kariz/text.h"
#include "tui/tui_int.h"

static const kz_action_info actions[] = {
    {KZ_ACT_NONE, "none", KZ_GROUP_VIEW, 0, ""},
#define KZ_X_INFO(e, n, g, v, h) {KZ_ACT_##e, n, KZ_GROUP_##g, v, h},
    KZ_TUI_ACTIONS(KZ_X_INFO)
#undef KZ_X_INFO
};

static const char *const group_titles[] = {
#define KZ_X_TITLE(e, t) t,
    KZ_TUI_GROUPS(KZ_X_TITLE)
#undef KZ_X_TITLE
};

static const char *const keymap_names[] = {
#define KZ_X_NAME(e, n) n,
    KZ_TUI_KEYMAPS(KZ_X_NAME)
#undef KZ_X_NAME
};

static const char *const role_names[] = {
#define KZ_X_NAME(e, n, m) n,
    KZ_TUI_ROLES(KZ_X_NAME)
#undef KZ_X_NAME
};

const kz_action_info *kz_action_get(kz_action a)
{
    if ((int)a <= 0 || a >= KZ_ACT__COUNT)
        return &actions[0];
    return &actions[a];
}

kz_action kz_action_lookup(const char *name)
{
    for (int i = 1; i < KZ_ACT__COUNT; i++)
        if (strcmp(actions[i].name, name) == 0)
            return (kz_action)i;
    return KZ_ACT_NONE;
}

const char *kz_action_group_title(kz_action_group g)
{
    return g < KZ_GROUP__COUNT ? group_titles[g] : "";
}


kz_keymap_id kz_keymap_by_name(const char *name, bool *ok)
{
    for (int i = 0; i < KZ_KM__COUNT; i++)
        if (strcmp(keymap_names[i], name) == 0) {
            *ok = true;
            return (kz_keymap_id)i;
        }
    *ok = false;
    return KZ_KM_GENERIC;
}

/* ---- key names ---- */

static const struct {
    const char *name;
    kz_key key;
} named_keys[] = {
    {"Up", KZ_KEY_FUNC + KEY_UP},
    {"Down", KZ_KEY_FUNC + KEY_DOWN},
    {"Left", KZ_KEY_FUNC + KEY_LEFT},
    {"Right", KZ_KEY_FUNC + KEY_RIGHT},
    {"PgUp", KZ_KEY_FUNC + KEY_PPAGE},
    {"PgDown", KZ_KEY_FUNC + KEY_NPAGE},
    {"Home", KZ_KEY_FUNC + KEY_HOME},
    {"End", KZ_KEY_FUNC + KEY_END},
    {"Insert", KZ_KEY_FUNC + KEY_IC},
    {"Delete", KZ_KEY_FUNC + KEY_DC},
    {"Backspace", KZ_KEY_FUNC + KEY_BACKSPACE},
    {"BackTab", KZ_KEY_FUNC + KEY_BTAB},
    {"Enter", '\r'},
    {"Esc", 27},
    {"Tab", '\t'},
    {"Space", ' '},
    {"Hash", '#'},
    {"Lt", '<'},
};
#define NNAMED (sizeof named_keys / sizeof named_keys[0])

void kz_key_name(kz_key k, char *out, size_t outlen)
{
    for (size_t i = 0; i < NNAMED; i++)
        if (named_keys[i].key == k && !(k > 32 && k < 127)) { /* # and < print as is */
            snprintf(out, outlen, "<%s>", named_keys[i].name);
            return;
        }
    if (k >= KZ_KEY_FUNC + KEY_F(1) && k <= KZ_KEY_FUNC + KEY_F(12)) {
        snprintf(out, outlen, "<F%d>", k - KZ_KEY_FUNC - KEY_F(0));
        return;
    }
    if (k >= KZ_KEY_FUNC) {
        snprintf(out, outlen, "<key %d>", k - KZ_KEY_FUNC);
        return;
    }
    if (k < 32) {
        snprintf(out, outlen, "<C-%c>", (char)(k + 'a' - 1));
        return;
    }
    /* A code point: encode as UTF-8. */
    char u[5] = {0};
    kz_utf8_encode(k, u);
    snprintf(out, outlen, "%s", u);
}

bool kz_key_parse(const char *s, kz_key *out)
{
    size_t n = strlen(s);
    if (n == 0)
        return false;
    if (s[0] == '<' && n > 2 && s[n - 1] == '>') {
        char inner[32];
        if (n - 2 >= sizeof inner)
            return false;
        memcpy(inner, s + 1, n - 2);
        inner[n - 2] = '\0';
        for (size_t i = 0; i < NNAMED; i++)
            if (kz_strcasecmp(named_keys[i].name, inner) == 0) {
                *out = named_keys[i].key;
                return true;
            }
        if ((inner[0] == 'C' || inner[0] == 'c') && inner[1] == '-' && inner[2] &&
            !inner[3] && isalpha((unsigned char)inner[2])) {
            *out = tolower((unsigned char)inner[2]) - 'a' + 1;
            return true;
        }
        if ((inner[0] == 'F' || inner[0] == 'f') && isdigit((unsigned char)inner[1])) {
            char *end;
            long f = strtol(inner + 1, &end, 10);
            if (*end == '\0' && f >= 1 && f <= 12) {
                *out = KZ_KEY_FUNC + KEY_F((int)f);
                return true;
            }
        }
        return false;
    }
    if (s[0] == '^' && n == 2 && isalpha((unsigned char)s[1])) {
        *out = tolower((unsigned char)s[1]) - 'a' + 1;
        return true;
    }
    long cp;
    int len = kz_utf8_decode(s, n, &cp);
    if (cp < 33 || (size_t)len != n)
        return false;
    *out = (kz_key)cp;
    return true;
}

/* ---- key maps ---- */

void kz_keymaps_free(kz_keymaps *km)
{
    for (int i = 0; i < KZ_KM__COUNT; i++) {
        free(km->v[i]);
        km->v[i] = NULL;
        km->n[i] = km->cap[i] = 0;
    }
}

static void keymap_set(kz_keymaps *km, kz_keymap_id id, kz_key key, kz_action a)
{
    for (size_t i = 0; i < km->n[id]; i++)
        if (km->v[id][i].key == key) {
            if (a == KZ_ACT_NONE) {
                km->v[id][i] = km->v[id][--km->n[id]];
                return;
            }
            km->v[id][i].action = a;
            return;
        }
    if (a == KZ_ACT_NONE)
        return;
    if (km->n[id] == km->cap[id]) {
        km->cap[id] = km->cap[id] ? km->cap[id] * 2 : 32;
        km->v[id] = kz_xrealloc(km->v[id], km->cap[id] * sizeof *km->v[id]);
    }
    km->v[id][km->n[id]++] = (kz_binding){key, a};
}

static bool keymap_find(const kz_keymaps *km, kz_keymap_id id, kz_key key, kz_action *a)
{
    for (size_t i = 0; i < km->n[id]; i++)
        if (km->v[id][i].key == key) {
            *a = km->v[id][i].action;
            return true;
        }
    return false;
}

void kz_keymap_mirror(kz_keymaps *km)
{
    /* swapped where they are bound (everywhere), so the board, the detail
     * view and triage agree; a view's own binding of either stays */
    if (kz_keymap_lookup(km, KZ_KM_GENERIC, '>') != KZ_ACT_MOVE_NEXT ||
        kz_keymap_lookup(km, KZ_KM_GENERIC, '<') != KZ_ACT_MOVE_PREV)
        return; /* bound otherwise by the user: left as bound */
    keymap_set(km, KZ_KM_GENERIC, '<', KZ_ACT_MOVE_NEXT);
    keymap_set(km, KZ_KM_GENERIC, '>', KZ_ACT_MOVE_PREV);
}

kz_action kz_keymap_lookup(const kz_keymaps *km, kz_keymap_id id, kz_key key)
{
    kz_action a;
    if (keymap_find(km, id, key, &a))
        return a;
    if (id != KZ_KM_GENERIC && keymap_find(km, KZ_KM_GENERIC, key, &a))
        return a;
    return KZ_ACT_NONE;
}

kz_action kz_keymap_lookup_own(const kz_keymaps *km, kz_keymap_id id, kz_key key)
{
    kz_action a;
    return keymap_find(km, id, key, &a) ? a : KZ_ACT_NONE;
}

kz_key kz_keymap_first_key(const kz_keymaps *km, kz_keymap_id id, kz_action a)
{
    for (size_t i = 0; i < km->n[id]; i++)
        if (km->v[id][i].action == a)
            return km->v[id][i].key;
    return 0;
}

int kz_keymap_keys_for(const kz_keymaps *km, kz_keymap_id id, kz_action a, kz_buf *out)
{
    int count = 0;
    for (int pass = 0; pass < 2; pass++) {
        kz_keymap_id m = pass == 0 ? id : KZ_KM_GENERIC;
        if (pass == 1 && id == KZ_KM_GENERIC)
            break;
        for (size_t i = 0; i < km->n[m]; i++) {
            if (km->v[m][i].action != a)
                continue;
            /* a generic binding shadowed by the view's own map does not apply */
            kz_action own;
            if (pass == 1 && keymap_find(km, id, km->v[m][i].key, &own))
                continue;
            char name[32];
            kz_key_name(km->v[m][i].key, name, sizeof name);
            kz_buf_printf(out, "%s%s", count ? " " : "", name);
            count++;
        }
    }
    return count;
}

/* ---- colours ---- */

static const char *const color_names[] = {"black", "red",     "green", "yellow",
                                          "blue",  "magenta", "cyan",  "white"};

static bool parse_color(const char *s, int *out)
{
    if (strcmp(s, "default") == 0) {
        *out = KZ_COLOR_DEFAULT;
        return true;
    }
    for (int i = 0; i < 8; i++) {
        if (strcmp(s, color_names[i]) == 0) {
            *out = i;
            return true;
        }
        if (strncmp(s, "bright", 6) == 0 && strcmp(s + 6, color_names[i]) == 0) {
            *out = i + 8;
            return true;
        }
    }
    if (strncmp(s, "color", 5) == 0 && isdigit((unsigned char)s[5])) {
        char *end;
        long v = strtol(s + 5, &end, 10);
        if (*end == '\0' && v >= 0 && v <= 255) {
            *out = (int)v;
            return true;
        }
    }
    return false;
}

static const struct {
    const char *name;
    unsigned attr;
} attr_names[] = {
    {"normal", 0},
    {"bold", KZ_ATTR_BOLD},
    {"dim", KZ_ATTR_DIM},
    {"underline", KZ_ATTR_UNDERLINE},
    {"reverse", KZ_ATTR_REVERSE},
    {"blink", KZ_ATTR_BLINK},
    {"standout", KZ_ATTR_STANDOUT},
};

/* ---- the parser ---- */

#define MAX_WORDS 8

/* Splits line into words on spaces/tabs (modifies line). */
static int split_words(char *line, char **w)
{
    int n = 0;
    char *p = line;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            *p++ = '\0';
        if (!*p)
            break;
        if (n == MAX_WORDS)
            return MAX_WORDS + 1;
        w[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
    }
    return n;
}

static kz_status parse_line(const char *name, int lineno, char *line, kz_keymaps *km,
                            kz_theme *theme, kz_err *err)
{
    char *w[MAX_WORDS] = {NULL};
    char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '#' || *p == '\0' || *p == '\r')
        return KZ_OK;
    int n = split_words(p, w);
    if (n == 0)
        return KZ_OK;
    if (n > MAX_WORDS)
        return kz_err_set(err, KZ_EINVAL, _("%s:%d: too many words"), name, lineno);
    kz_buf safe = KZ_BUF_INIT; /* owned; the offending word, made printable */
    kz_status st = KZ_OK;
    if (strcmp(w[0], "set") == 0) {
        bool on = n == 3 && (strcmp(w[2], "on") == 0 || strcmp(w[2], "true") == 0);
        bool off = n == 3 && (strcmp(w[2], "off") == 0 || strcmp(w[2], "false") == 0);
        if (n != 3 || strcmp(w[1], "mine") != 0 || (!on && !off)) {
            st = kz_err_set(err, KZ_EINVAL,
                            _("%s:%d: unknown setting; expected \"set mine on\" or \"set mine off\""),
                            name, lineno);
            goto out;
        }
        km->mine = on;
        goto out;
    }
    if (strcmp(w[0], "bind") == 0 || strcmp(w[0], "unbind") == 0) {
        bool bind = w[0][0] == 'b';
        int want = bind ? 4 : 3;
        if (n != want) {
            st = kz_err_set(err, KZ_EINVAL, _("%s:%d: expected \"%s\""), name, lineno,
                            bind ? "bind KEYMAP KEY ACTION" : "unbind KEYMAP KEY");
            goto out;
        }
        bool ok;
        kz_keymap_id id = kz_keymap_by_name(w[1], &ok);
        if (!ok) {
            kz_text_sanitize(&safe, w[1], strlen(w[1]), 0);
            st = kz_err_set(err, KZ_EINVAL,
                            _("%s:%d: unknown keymap \"%s\" (keymaps: generic, board, detail, help, reports, triage)"),
                            name, lineno, kz_buf_str(&safe));
            goto out;
        }
        kz_key key;
        if (!kz_key_parse(w[2], &key)) {
            kz_text_sanitize(&safe, w[2], strlen(w[2]), 0);
            st = kz_err_set(err, KZ_EINVAL,
                            _("%s:%d: unknown key \"%s\" (a character, ^X, <C-x>, <F1>..<F12>, "
                              "<Up>, <Down>, <Left>, <Right>, <PgUp>, <PgDown>, <Home>, <End>, "
                              "<Enter>, <Esc>, <Tab>, <Space>, <Backspace>, <Delete>, <Hash>)"),
                            name, lineno, kz_buf_str(&safe));
            goto out;
        }
        kz_action a = KZ_ACT_NONE;
        if (bind) {
            a = kz_action_lookup(w[3]);
            if (a == KZ_ACT_NONE) {
                kz_text_sanitize(&safe, w[3], strlen(w[3]), 0);
                st = kz_err_set(err, KZ_EINVAL,
                                _("%s:%d: unknown action \"%s\" (the actions are listed by ? on "
                                  "the board and in docs/keys.md)"),
                                name, lineno, kz_buf_str(&safe));
                goto out;
            }
        }
        keymap_set(km, id, key, a);
    } else if (strcmp(w[0], "color") == 0) {
        if (n < 4) {
            st = kz_err_set(err, KZ_EINVAL, _("%s:%d: expected \"color ROLE FG BG [ATTR...]\""),
                            name, lineno);
            goto out;
        }
        int role = -1;
        for (int i = 0; i < KZ_ROLE__COUNT; i++)
            if (strcmp(role_names[i], w[1]) == 0)
                role = i;
        if (role < 0) {
            kz_text_sanitize(&safe, w[1], strlen(w[1]), 0);
            kz_buf list = KZ_BUF_INIT; /* owned */
            for (int i = 0; i < KZ_ROLE__COUNT; i++)
                kz_buf_printf(&list, "%s%s", i ? ", " : "", role_names[i]);
            st = kz_err_set(err, KZ_EINVAL, _("%s:%d: unknown colour role \"%s\" (roles: %s)"), name,
                            lineno, kz_buf_str(&safe), kz_buf_str(&list));
            kz_buf_free(&list);
            goto out;
        }
        kz_style style = {KZ_COLOR_DEFAULT, KZ_COLOR_DEFAULT, 0, true};
        for (int i = 2; i < 4; i++) {
            if (!parse_color(w[i], i == 2 ? &style.fg : &style.bg)) {
                kz_text_sanitize(&safe, w[i], strlen(w[i]), 0);
                st = kz_err_set(err, KZ_EINVAL,
                                _("%s:%d: unknown colour \"%s\" (default, black, red, green, "
                                  "yellow, blue, magenta, cyan, white, bright<colour>, color0..255)"),
                                name, lineno, kz_buf_str(&safe));
                goto out;
            }
        }
        for (int i = 4; i < n; i++) {
            bool found = false;
            for (size_t j = 0; j < sizeof attr_names / sizeof attr_names[0]; j++)
                if (strcmp(attr_names[j].name, w[i]) == 0) {
                    style.attrs |= attr_names[j].attr;
                    found = true;
                }
            if (!found) {
                kz_text_sanitize(&safe, w[i], strlen(w[i]), 0);
                st = kz_err_set(err, KZ_EINVAL,
                                _("%s:%d: unknown attribute \"%s\" (normal, bold, dim, underline, "
                                  "reverse, blink, standout)"),
                                name, lineno, kz_buf_str(&safe));
                goto out;
            }
        }
        theme->role[role] = style;
    } else {
        kz_text_sanitize(&safe, w[0], strlen(w[0]), 0);
        st = kz_err_set(err, KZ_EINVAL,
                        _("%s:%d: unknown command \"%s\" (expected bind, unbind, color or set)"), name,
                        lineno, kz_buf_str(&safe));
    }
out:
    kz_buf_free(&safe);
    return st;
}

kz_status kz_tui_config_parse(const char *name, const char *text, size_t len, kz_keymaps *km,
                              kz_theme *theme, kz_err *err)
{
    size_t pos = 0;
    int lineno = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        lineno++;
        char *line = kz_xstrndup(text + pos, end - pos); /* owned */
        if (memchr(text + pos, '\0', end - pos)) {
            free(line);
            return kz_err_set(err, KZ_EINVAL, _("%s:%d: NUL byte in the line"), name, lineno);
        }
        kz_status st = parse_line(name, lineno, line, km, theme, err);
        free(line);
        if (st != KZ_OK)
            return st;
        pos = end + 1;
    }
    return KZ_OK;
}

kz_status kz_tui_config_file(const char *path, kz_keymaps *km, kz_theme *theme, kz_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return kz_err_set(err, errno == ENOENT ? KZ_ENOTFOUND : KZ_EIO, "%s: %s", path,
                          strerror(errno));
    kz_buf b = KZ_BUF_INIT; /* owned */
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        kz_buf_append(&b, chunk, n);
    bool bad = ferror(f);
    fclose(f);
    kz_status st;
    if (bad)
        st = kz_err_set(err, KZ_EIO, _("%s: read error"), path);
    else
        st = kz_tui_config_parse(path, kz_buf_str(&b), b.len, km, theme, err);
    kz_buf_free(&b);
    return st;
}
