/* prefs.c - resolves the display settings: locale, team, user, environment. */
#include "kariz/i18n.h"
#include "kariz/prefs.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "kariz/icu.h"
#include "kariz/paths.h"
#include "kariz/text.h"

typedef struct {
    const char *key;
    const char *env;
    const char *words[2]; /* index = enum value */
    const char *allowed;
} pref_def;

static const pref_def defs[] = {
    {"calendar", "KARIZ_CALENDAR", {"gregorian", "persian"}, "gregorian or persian"},
    {"digits", "KARIZ_DIGITS", {"latin", "persian"}, "latin or persian"},
    {"bidi", "KARIZ_BIDI", {"terminal", "kariz"}, "terminal or kariz"},
    {"direction", "KARIZ_DIRECTION", {"ltr", "rtl"}, "ltr or rtl"},
};
enum { NDEFS = sizeof defs / sizeof defs[0] };

static kz_prefs cur;
static bool resolved;
static char warning[1024]; /* the first setting ignored, "" when none */
static char team[NDEFS][16]; /* the team's words, "" when not set */

static int def_index(const char *key)
{
    for (int i = 0; i < NDEFS; i++)
        if (strcmp(defs[i].key, key) == 0)
            return i;
    return -1;
}

static int word_value(int di, const char *v)
{
    for (int w = 0; w < 2; w++)
        if (strcasecmp(defs[di].words[w], v) == 0)
            return w;
    return -1;
}

bool kz_prefs_valid(const char *key, const char *value)
{
    int di = def_index(key);
    return di >= 0 && value && word_value(di, value) >= 0;
}

const char *kz_prefs_words(const char *key)
{
    int di = def_index(key);
    return di >= 0 ? defs[di].allowed : "";
}

static void set_value(int di, int v)
{
    switch (di) {
    case 0: cur.calendar = (kz_calendar_kind)v; break;
    case 1: cur.digits = (kz_digits_kind)v; break;
    case 2: cur.bidi = (kz_bidi_kind)v; break;
    case 3: cur.direction = (kz_direction)v; break;
    }
}

static void apply_word(const char *key, const char *v)
{
    int di = def_index(key);
    if (di < 0 || !v)
        return;
    int w = word_value(di, v);
    if (w >= 0)
        set_value(di, w);
}

static bool starts_fa(const char *v)
{
    return v && v[0] == 'f' && v[1] == 'a' && (v[2] == 0 || v[2] == '_' || v[2] == '.' ||
                                                 v[2] == ':' || v[2] == '@');
}

static bool locale_is_persian(void)
{
    const char *lang = getenv("LANGUAGE");
    if (lang && *lang)
        return starts_fa(lang);
    const char *v = getenv("LC_ALL");
    if (!v || !*v)
        v = getenv("LC_MESSAGES");
    if (!v || !*v)
        v = getenv("LANG");
    return starts_fa(v);
}

bool kz_prefs_locale_persian(void)
{
    return locale_is_persian();
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = 0;
    return s;
}

/* Notes the first setting that was ignored, for kz_prefs_warning:
 * "WHERE[:LINE]: " and the message. */
__attribute__((format(printf, 3, 4))) static void ignored(const char *where, int line,
                                                          const char *fmt, ...)
{
    if (warning[0])
        return;
    int n = line > 0 ? snprintf(warning, sizeof warning, "%s:%d: ", where, line)
                     : snprintf(warning, sizeof warning, "%s: ", where);
    if (n < 0 || (size_t)n >= sizeof warning)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(warning + n, sizeof warning - (size_t)n, fmt, ap);
    va_end(ap);
}

/* A word from the user's file or the environment: applied when it is one of
 * the key's words, otherwise noted and ignored. */
static void apply_checked(const char *where, int line, const char *key, const char *v)
{
    int di = def_index(key);
    if (di < 0) {
        ignored(where, line,
                _("unknown setting \"%s\"; expected calendar, digits, bidi or direction; "
                  "ignored"),
                key);
        return;
    }
    if (word_value(di, v) < 0) {
        ignored(where, line, _("%s is \"%s\"; expected %s; ignored"), key, v, defs[di].allowed);
        return;
    }
    apply_word(key, v);
}

/* The user's file: a line that does not read is ignored and noted (see
 * kz_prefs_warning), never fatal to opening the board. */
static void apply_user_file(void)
{
    char dir[4096], path[4200];
    kz_config_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/settings", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        n++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *eq = strchr(line, '=');
        if (!eq) {
            if (*trim(line))
                ignored(path, n, _("\"%s\" is not a setting; expected key = value; ignored"),
                        trim(line));
            continue;
        }
        *eq = 0;
        apply_checked(path, n, trim(line), trim(eq + 1));
    }
    fclose(f);
}

static void resolve(void)
{
    bool fa = locale_is_persian();
    cur.calendar = fa ? KZ_CAL_PERSIAN : KZ_CAL_GREGORIAN;
    cur.digits = fa ? KZ_DIGITS_PERSIAN : KZ_DIGITS_LATIN;
    cur.bidi = KZ_BIDI_TERMINAL;
    cur.direction = fa ? KZ_DIR_RTL : KZ_DIR_LTR;
    warning[0] = '\0';
    for (int i = 0; i < NDEFS; i++)
        if (team[i][0])
            apply_word(defs[i].key, team[i]);
    apply_user_file();
    for (int i = 0; i < NDEFS; i++) {
        const char *v = getenv(defs[i].env);
        if (v && *v && word_value(i, v) < 0)
            ignored(defs[i].env, 0, _("\"%s\"; expected %s; ignored"), v, defs[i].allowed);
        else
            apply_word(defs[i].key, v);
    }
    /* the Persian calendar is ICU's (loaded here, when first needed):
     * without it, dates stay Gregorian, and the warning says why */
    if (cur.calendar == KZ_CAL_PERSIAN && !kz_icu()) {
        cur.calendar = KZ_CAL_GREGORIAN;
        if (!warning[0])
            snprintf(warning, sizeof warning,
                     _("the Persian calendar needs ICU, and %s; dates are shown in the Gregorian "
                       "calendar"),
                     kz_icu_failure());
    }
    /* ... as are shaping and reordering right-to-left text */
    if (cur.bidi == KZ_BIDI_KARIZ && !kz_icu()) {
        cur.bidi = KZ_BIDI_TERMINAL;
        if (!warning[0])
            snprintf(warning, sizeof warning,
                     _("reordering right-to-left text needs ICU, and %s; the terminal is left to "
                       "order it"),
                     kz_icu_failure());
    }
    cur.week_start = cur.calendar == KZ_CAL_PERSIAN ? 5 : 0;
    resolved = true;
}

const kz_prefs *kz_prefs_get(void)
{
    if (!resolved)
        resolve();
    return &cur;
}

kz_status kz_prefs_team(const char *calendar, const char *digits, const char *bidi,
                        const char *direction, kz_err *err)
{
    const char *vals[NDEFS] = {calendar, digits, bidi, direction};
    for (int i = 0; i < NDEFS; i++)
        if (vals[i] && word_value(i, vals[i]) < 0)
            return kz_err_set(err, KZ_EINVAL, _("%s is \"%s\"; expected %s"), defs[i].key, vals[i],
                              defs[i].allowed);
    for (int i = 0; i < NDEFS; i++)
        snprintf(team[i], sizeof team[i], "%s", vals[i] ? vals[i] : "");
    resolve();
    return KZ_OK;
}

void kz_digits_show(char *s, size_t size)
{
    if (size == 0 || kz_prefs_get()->digits != KZ_DIGITS_PERSIAN)
        return;
    kz_buf b = KZ_BUF_INIT; /* owned here */
    kz_text_digits(&b, s, true);
    size_t n = b.len < size - 1 ? b.len : size - 1;
    while (n > 0 && n < b.len && ((unsigned char)b.s[n] & 0xC0) == 0x80)
        n--; /* never cut inside a character */
    memcpy(s, kz_buf_str(&b), n);
    s[n] = '\0';
    kz_buf_free(&b);
}

const char *kz_prefs_warning(void)
{
    kz_prefs_get();
    return warning[0] ? warning : NULL;
}

void kz_prefs_reset(void)
{
    memset(team, 0, sizeof team);
    resolved = false;
}
