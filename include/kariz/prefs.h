/* prefs.h - how dates, digits and text are shown to this user.
 *
 * Four settings, each resolved in this order (a later one wins):
 *   1. the default, which follows the locale (a Persian locale, LANG or
 *      LC_ALL or LC_MESSAGES starting with "fa", or LANGUAGE starting with
 *      "fa", gives persian / persian / right-to-left; anything else
 *      gregorian / latin / left-to-right); bidi defaults to "terminal";
 *   2. the team's rules file (calendar:, digits:, bidi:, direction:),
 *      handed in with kz_prefs_team();
 *   3. the user's own file, $XDG_CONFIG_HOME/kariz/settings
 *      (~/.config/kariz/settings): lines "key = value", # comments;
 *   4. the environment: KARIZ_CALENDAR, KARIZ_DIGITS, KARIZ_BIDI,
 *      KARIZ_DIRECTION.
 * The values are the words below (calendar: gregorian | persian; digits:
 * latin | persian; bidi: terminal | kariz; direction: ltr | rtl). */
#ifndef KARIZ_PREFS_H
#define KARIZ_PREFS_H

#include <stdbool.h>
#include <stddef.h>

#include "kariz/status.h"

typedef enum { KZ_CAL_GREGORIAN, KZ_CAL_PERSIAN } kz_calendar_kind;
typedef enum { KZ_DIGITS_LATIN, KZ_DIGITS_PERSIAN } kz_digits_kind;
typedef enum { KZ_BIDI_TERMINAL, KZ_BIDI_KARIZ } kz_bidi_kind;
typedef enum { KZ_DIR_LTR, KZ_DIR_RTL } kz_direction;

typedef struct kz_prefs {
    kz_calendar_kind calendar;
    kz_digits_kind digits;
    kz_bidi_kind bidi;
    kz_direction direction;
    int week_start; /* 0 = Monday .. 6 = Sunday: Saturday (5) in the Persian calendar */
} kz_prefs;

/* The settings in force (resolved on first use from the locale, the user's
 * file and the environment; the team's part once kz_prefs_team ran). */
const kz_prefs *kz_prefs_get(void);

/* The team's settings from the rules file: each may be NULL (not set).
 * Re-resolves all four layers. A bad word: KZ_EINVAL naming the key, the
 * value and the words allowed; nothing changes. */
kz_status kz_prefs_team(const char *calendar, const char *digits, const char *bidi,
                        const char *direction, kz_err *err);

/* Checks one value against its key's words ("calendar", "digits", "bidi",
 * "direction"): false for an unknown key or word. For the rules parser. */
bool kz_prefs_valid(const char *key, const char *value);
/* The allowed words of a key, for messages ("gregorian or persian"). */
const char *kz_prefs_words(const char *key);

/* Whether the locale says Persian (LANGUAGE, else LC_ALL, LC_MESSAGES or
 * LANG starting with "fa"): the defaults above, and `kariz demo`'s language. */
bool kz_prefs_locale_persian(void);
/* Numbers kariz writes for people in the digits in force: rewrites the
 * Latin digits and separators of s (kz_text_digits) in place when digits
 * are Persian, cut on a character boundary to fit `size` bytes. Never for
 * JSON, CSV or any other machine format. */
void kz_digits_show(char *s, size_t size);

/* The first setting of the user's file or the environment that was
 * ignored, as "FILE:LINE: calendar is \"jalali\"; expected gregorian or
 * persian; ignored", or NULL when every one read. */
const char *kz_prefs_warning(void);

/* Forgets everything resolved (tests, and after the user's file changed). */
void kz_prefs_reset(void);

#endif
