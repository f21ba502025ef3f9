/* dates.c - calendar days and human dates.
 *
 * Civil-date arithmetic is pure integer math on the proleptic Gregorian
 * calendar (Howard Hinnant's days_from_civil / civil_from_days). Only the
 * mapping between Unix time and the local day touches the C library's time
 * zone support (localtime_r, after tzset so $TZ is honoured). The Solar
 * Hijri calendar comes from calendar.c (ICU); which calendar and digits
 * people see, and which calendar's months and weeks "next month" and "this
 * quarter" mean, from prefs.c.
 *
 * Memory: nothing is allocated except kz_bufs used to quote bad input in an
 * error message and to normalise typed digits, freed before returning. */
#include "kariz/dates.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kariz/buf.h"
#include "kariz/calendar.h"
#include "kariz/i18n.h"
#include "kariz/prefs.h"
#include "kariz/status.h"
#include "kariz/text.h"

/* Years accepted from input; keeps every formatted date at 10 characters. */
#define MIN_YEAR 1
#define MAX_YEAR 9999

static long long floor_div(long long a, long long b)
{
    long long q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = floor_div(y, 400);
    long long yoe = y - era * 400;                                 /* [0, 399] */
    long long doy = (153LL * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1; /* [0, 365] */
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
    z += 719468;
    long long era = floor_div(z, 146097);
    long long doe = z - era * 146097;                               /* [0, 146096] */
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);        /* [0, 365] */
    long long mp = (5 * doy + 2) / 153;                             /* [0, 11] */
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool leap_year(long long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int kz_days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && leap_year(y) ? 29 : dim[m - 1];
}

bool kz_day_from_ymd(int y, int m, int d, int *day)
{
    if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1 || d > kz_days_in_month(y, m))
        return false;
    *day = (int)days_from_civil(y, m, d);
    return true;
}

void kz_day_to_ymd(int day, int *y, int *m, int *d)
{
    long long yy;
    civil_from_days(day, &yy, m, d);
    *y = (int)yy;
}

int kz_day_weekday(int day)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0). */
    return (int)(((long long)day + 3) - floor_div((long long)day + 3, 7) * 7);
}

int kz_day_add_months(int day, int months)
{
    long long y;
    int m, d;
    civil_from_days(day, &y, &m, &d);
    long long idx = y * 12 + (m - 1) + months;
    long long ny = floor_div(idx, 12);
    int nm = (int)(idx - ny * 12) + 1;
    int dim = kz_days_in_month((int)(ny % 400) + 400, nm); /* leap rule repeats every 400 years */
    if (d > dim)
        d = dim;
    return (int)days_from_civil(ny, nm, d);
}

void kz_day_format(int day, char *out)
{
    int y, m, d;
    kz_day_to_ymd(day, &y, &m, &d);
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 10); /* years beyond 9999 are cut to the field width */
    out[10] = '\0';
}

/* ---- local time ---------------------------------------------------------- */

int kz_day_from_time(int64_t t)
{
    tzset();
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return (int)floor_div(t, 86400);
    return (int)days_from_civil((long long)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int kz_today(int64_t now)
{
    return kz_day_from_time(now);
}

static int64_t local_to_time(int day, int h, int mi, int sec);

int64_t kz_day_start(int day)
{
    /* The first second whose local date is `day`. Local midnight may not
     * exist (a clock change at 00:00), so search rather than assume: UTC
     * offsets lie within a day, so the answer is within 48 hours of the UTC
     * midnight of the same date. */
    int64_t guess = local_to_time(day, 0, 0, 0); /* usually right: check it */
    if (kz_day_from_time(guess) == day && kz_day_from_time(guess - 1) < day)
        return guess;
    int64_t lo = (int64_t)day * 86400 - 2 * 86400; /* date(lo) < day */
    int64_t hi = (int64_t)day * 86400 + 2 * 86400; /* date(hi) >= day */
    tzset();
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (kz_day_from_time(mid) >= day)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

void kz_time_format(int64_t t, char *out)
{
    tzset();
    time_t tt = (time_t)t;
    struct tm tm;
    char tmp[64];
    if (!localtime_r(&tt, &tm))
        snprintf(tmp, sizeof tmp, "%s", "0000-00-00 00:00");
    else
        snprintf(tmp, sizeof tmp, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min);
    memcpy(out, tmp, 16); /* years beyond 9999 are cut to the field width */
    out[16] = '\0';
}

void kz_time_format_iso(int64_t t, char *out)
{
    long long days = floor_div(t, 86400);
    long long secs = t - days * 86400;
    long long y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    char tmp[80];
    snprintf(tmp, sizeof tmp, "%04lld-%02d-%02dT%02lld:%02lld:%02lldZ", y, m, d, secs / 3600,
             secs / 60 % 60, secs % 60);
    memcpy(out, tmp, 20); /* years beyond 9999 are cut to the field width */
    out[20] = '\0';
}

/* ---- parsing -------------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads exactly n digits. */
static bool digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

/* "YYYY-MM-DD" at s (at least the 10 characters); fields unvalidated. */
static bool iso_shape(const char *s, int *y, int *m, int *d)
{
    return digits(s, 4, y) && s[4] == '-' && digits(s + 5, 2, m) && s[7] == '-' &&
           digits(s + 8, 2, d);
}

kz_status kz_day_parse_iso(const char *s, int *day)
{
    int y, m, d;
    if (strlen(s) != 10 || !iso_shape(s, &y, &m, &d) || !kz_day_from_ymd(y, m, d, day))
        return KZ_EINVAL;
    return KZ_OK;
}

/* Local time of day on a civil date to Unix seconds. */
static int64_t local_to_time(int day, int h, int mi, int sec)
{
    int y, m, d;
    kz_day_to_ymd(day, &y, &m, &d);
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    tzset();
    return (int64_t)mktime(&tm);
}

kz_status kz_time_parse(const char *s, int64_t *out)
{
    size_t n = strlen(s);
    int y, m, d, day;
    if (n < 10 || !iso_shape(s, &y, &m, &d) || !kz_day_from_ymd(y, m, d, &day))
        return KZ_EINVAL;
    if (n == 10) {
        *out = kz_day_start(day);
        return KZ_OK;
    }
    if (s[10] != ' ' && s[10] != 'T')
        return KZ_EINVAL;
    int h, mi, sec = 0;
    if (n < 16 || !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi))
        return KZ_EINVAL;
    size_t i = 16;
    if (i < n && s[i] == ':') {
        if (n < 19 || !digits(s + 17, 2, &sec))
            return KZ_EINVAL;
        i = 19;
    }
    bool utc = false;
    if (i < n && s[10] == 'T' && s[i] == 'Z') {
        utc = true;
        i++;
    }
    if (i != n || h > 23 || mi > 59 || sec > 59)
        return KZ_EINVAL;
    if (utc)
        *out = (int64_t)day * 86400 + h * 3600 + mi * 60 + sec;
    else
        *out = local_to_time(day, h, mi, sec);
    return KZ_OK;
}

static const char *const weekday_long[7] = {"monday", "tuesday",  "wednesday", "thursday",
                                            "friday", "saturday", "sunday"};

/* Weekday 0..6 for "mon".."sun" or "monday".."sunday", else -1. */
static int weekday_name(const char *w)
{
    for (int i = 0; i < 7; i++) {
        if (strcmp(w, weekday_long[i]) == 0 ||
            (strlen(w) == 3 && strncmp(w, weekday_long[i], 3) == 0))
            return i;
    }
    return -1;
}

/* Reads a count of 1..6 digits at *p, advancing it. */
static bool read_count(const char **p, int *n)
{
    const char *s = *p;
    int v = 0, k = 0;
    while (is_digit(s[k])) {
        if (k == 6)
            return false;
        v = v * 10 + (s[k] - '0');
        k++;
    }
    if (k == 0)
        return false;
    *n = v;
    *p = s + k;
    return true;
}

enum unit { U_NONE, U_DAY, U_WEEK, U_MONTH };

static enum unit unit_word(const char *w, bool short_form)
{
    if (short_form) {
        if (strcmp(w, "d") == 0)
            return U_DAY;
        if (strcmp(w, "w") == 0)
            return U_WEEK;
        if (strcmp(w, "m") == 0)
            return U_MONTH;
        return U_NONE;
    }
    if (strcmp(w, "day") == 0 || strcmp(w, "days") == 0)
        return U_DAY;
    if (strcmp(w, "week") == 0 || strcmp(w, "weeks") == 0)
        return U_WEEK;
    if (strcmp(w, "month") == 0 || strcmp(w, "months") == 0)
        return U_MONTH;
    return U_NONE;
}

static bool persian_calendar(void);

/* `day` moved by `months` months of the calendar in force, the day of
 * month clamped to the target month's length. */
static int add_months(int day, int months)
{
    int py, pm, pd;
    if (!persian_calendar() || !kz_persian_from_day(day, &py, &pm, &pd))
        return kz_day_add_months(day, months);
    long long idx = (long long)py * 12 + (pm - 1) + months;
    int ny = (int)floor_div(idx, 12), nm = (int)(idx - (long long)ny * 12) + 1;
    int dim = kz_persian_days_in_month(ny, nm);
    int r;
    if (!kz_day_from_persian(ny, nm, pd > dim ? dim : pd, &r))
        return kz_day_add_months(day, months);
    return r;
}

/* The first day of the month of the calendar in force that holds `day`,
 * moved by `months`; *last (may be NULL) its last day. */
static long long month_start(int day, int months, long long *last)
{
    int py, pm, pd, first, next;
    if (persian_calendar() && kz_persian_from_day(day, &py, &pm, &pd)) {
        long long idx = (long long)py * 12 + (pm - 1) + months;
        int fy = (int)floor_div(idx, 12), fm = (int)(idx - (long long)fy * 12) + 1;
        int ny = (int)floor_div(idx + 1, 12), nm = (int)(idx + 1 - (long long)ny * 12) + 1;
        if (kz_day_from_persian(fy, fm, 1, &first) && kz_day_from_persian(ny, nm, 1, &next)) {
            if (last)
                *last = (long long)next - 1;
            return first;
        }
    }
    int y, m, d;
    kz_day_to_ymd(day, &y, &m, &d);
    long long idx = (long long)y * 12 + (m - 1) + months;
    long long fy = floor_div(idx, 12), ny = floor_div(idx + 1, 12);
    int fm = (int)(idx - fy * 12) + 1, nm = (int)(idx + 1 - ny * 12) + 1;
    if (last)
        *last = days_from_civil(ny, nm, 1) - 1;
    return days_from_civil(fy, fm, 1);
}

/* The first day of the week that holds `day`: Monday, or Saturday in the
 * Persian calendar (kz_prefs week_start). */
static long long week_start(long long day)
{
    int ws = kz_prefs_get()->week_start;
    return day - (kz_day_weekday((int)day) - ws + 7) % 7;
}

static long long apply_unit(int today, enum unit u, int n)
{
    switch (u) {
    case U_DAY:
        return (long long)today + n;
    case U_WEEK:
        return (long long)today + 7LL * n;
    case U_MONTH:
        return add_months(today, n);
    case U_NONE:
        break;
    }
    return today;
}

static const char EXPECTED[] = N_("expected today, tomorrow, a weekday (mon..sun), next week, +3d, "
                               "in 2 weeks or YYYY-MM-DD, or in Persian فردا, پس‌فردا, شنبه, "
                               "۳ روز دیگر, هفته بعد, ماه بعد, ۱۵ آذر or ۱۴۰۵/۰۹/۱۵");

/* Sets err to `cannot read date "INPUT": WHY`, the input made printable. */
static kz_status date_error(kz_err *err, const char *input, const char *why)
{
    kz_buf q = KZ_BUF_INIT; /* owned here, freed below */
    kz_text_fit(&q, input, 60, true, false);
    kz_err_set(err, KZ_EINVAL, _("cannot read date \"%s\": %s"), kz_buf_str(&q), _(why));
    kz_buf_free(&q);
    return KZ_EINVAL;
}

/* Arabic letters typed for their Persian look-alikes, and the zero-width
 * non-joiner (سه‌شنبه and سهشنبه are one word to the parser). */
static const struct {
    const char *from, *to;
} letter_folds[] = {
    {"\xd9\x8a", "\xdb\x8c"}, /* ARABIC YEH -> FARSI YEH */
    {"\xd9\x89", "\xdb\x8c"}, /* ALEF MAKSURA -> FARSI YEH */
    {"\xd9\x83", "\xda\xa9"}, /* ARABIC KAF -> KEHEH */
    {"\xe2\x80\x8c", ""},      /* ZERO WIDTH NON-JOINER */
};

/* Lower-cased copy of s with Persian and Arabic-Indic digits made Latin,
 * Arabic letter forms folded to Persian ones, white space trimmed and runs
 * of it made one space; false when it does not fit. */
static bool normalise_latin(const char *s, char *out, size_t outlen);

static bool normalise(const char *s, char *out, size_t outlen)
{
    kz_buf latin = KZ_BUF_INIT; /* owned here */
    kz_text_latin_digits(&latin, s);
    kz_buf folded = KZ_BUF_INIT; /* owned here */
    for (const char *p = kz_buf_str(&latin); *p;) {
        size_t k;
        for (k = 0; k < sizeof letter_folds / sizeof letter_folds[0]; k++) {
            size_t n = strlen(letter_folds[k].from);
            if (strncmp(p, letter_folds[k].from, n) == 0) {
                kz_buf_puts(&folded, letter_folds[k].to);
                p += n;
                break;
            }
        }
        if (k == sizeof letter_folds / sizeof letter_folds[0])
            kz_buf_putc(&folded, *p++);
    }
    bool ok = normalise_latin(kz_buf_str(&folded), out, outlen);
    kz_buf_free(&folded);
    kz_buf_free(&latin);
    return ok;
}

static bool normalise_latin(const char *s, char *out, size_t outlen)
{
    size_t o = 0;
    bool space = false;
    for (; *s; s++) {
        char c = *s;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            space = o > 0;
            continue;
        }
        if (space) {
            if (o + 1 >= outlen)
                return false;
            out[o++] = ' ';
            space = false;
        }
        if (o + 1 >= outlen)
            return false;
        out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[o] = '\0';
    return true;
}

/* The Persian words of a form, as the English one they mean. */
static const struct {
    const char *fa, *en;
} fa_words[] = {
    {"امروز", "today"},         {"فردا", "tomorrow"},         {"دیروز", "yesterday"},
    {"پسفردا", "+2d"},          {"پس فردا", "+2d"},           {"پریروز", "-2d"},
    {"هفته بعد", "next week"},  {"هفته آینده", "next week"},  {"هفته دیگر", "next week"},
    {"ماه بعد", "next month"},  {"ماه آینده", "next month"},  {"ماه دیگر", "next month"},
    {"آخر ماه", "eom"},         {"پایان ماه", "eom"},
    /* reading backwards, for report periods */
    {"این هفته", "this week"},  {"هفته قبل", "last week"},    {"هفته گذشته", "last week"},
    {"هفته پیش", "last week"},  {"این ماه", "this month"},    {"ماه قبل", "last month"},
    {"ماه گذشته", "last month"}, {"ماه پیش", "last month"},   {"این فصل", "this quarter"},
    {"فصل قبل", "last quarter"}, {"فصل گذشته", "last quarter"}, {"امسال", "this year"},
    {"پارسال", "last year"},    {"سال قبل", "last year"},     {"سال گذشته", "last year"},
};

/* Weekdays, Monday first (kz_day_weekday), without the non-joiner. */
static const char *const fa_weekdays[7] = {"دوشنبه", "سهشنبه", "چهارشنبه", "پنجشنبه",
                                           "جمعه",   "شنبه",   "یکشنبه"};

/* The Latin spellings of the Persian months (Farvardin .. Esfand). */
static const char *const fa_month_latin[12][2] = {
    {"farvardin", NULL}, {"ordibehesht", NULL}, {"khordad", NULL}, {"tir", NULL},
    {"mordad", "amordad"}, {"shahrivar", NULL}, {"mehr", NULL},   {"aban", NULL},
    {"azar", NULL},      {"dey", "dei"},       {"bahman", NULL},  {"esfand", NULL},
};

static int persian_month(const char *w)
{
    for (int m = 1; m <= 12; m++)
        if (strcmp(w, kz_persian_month_name(m)) == 0 || strcmp(w, fa_month_latin[m - 1][0]) == 0 ||
            (fa_month_latin[m - 1][1] && strcmp(w, fa_month_latin[m - 1][1]) == 0))
            return m;
    return 0;
}

/* Rewrites a Persian form in w (normalised) as the English form it means,
 * into en: the words above, weekdays (with or without the space inside:
 * سه شنبه), and "N روز|هفته|ماه دیگر|بعد" (+Nd), "N روز|هفته|ماه پیش|قبل"
 * (N days ago), "N روز|هفته|ماه اخیر|گذشته" (last N days). False when w
 * is none of them. */
static bool persian_alias(const char *w, char *en, size_t enlen)
{
    for (size_t i = 0; i < sizeof fa_words / sizeof fa_words[0]; i++)
        if (strcmp(w, fa_words[i].fa) == 0) {
            snprintf(en, enlen, "%s", fa_words[i].en);
            return true;
        }
    char nospace[96];
    size_t o = 0;
    for (const char *p = w; *p && o + 1 < sizeof nospace; p++)
        if (*p != ' ')
            nospace[o++] = *p;
    nospace[o] = '\0';
    for (int i = 0; i < 7; i++)
        if (strcmp(nospace, fa_weekdays[i]) == 0) {
            snprintf(en, enlen, "%s", weekday_long[i]);
            return true;
        }
    int n, len = 0;
    char unit[32], dir[32];
    if (sscanf(w, "%6d %31s %31s%n", &n, unit, dir, &len) == 3 && w[len] == '\0' && n >= 0) {
        const char *u = strcmp(unit, "روز") == 0    ? "d"
                        : strcmp(unit, "هفته") == 0 ? "w"
                        : strcmp(unit, "ماه") == 0  ? "m"
                                                    : NULL;
        const char *uw = u ? (u[0] == 'd' ? "days" : u[0] == 'w' ? "weeks" : "months") : NULL;
        if (!u)
            return false;
        if (strcmp(dir, "دیگر") == 0 || strcmp(dir, "بعد") == 0)
            snprintf(en, enlen, "+%d%s", n, u);
        else if (strcmp(dir, "پیش") == 0 || strcmp(dir, "قبل") == 0)
            snprintf(en, enlen, "%d %s ago", n, uw);
        else if (strcmp(dir, "اخیر") == 0 || strcmp(dir, "گذشته") == 0)
            snprintf(en, enlen, "last %d %s", n, uw);
        else
            return false;
        return true;
    }
    return false;
}

/* A date with its month named, "15 آذر", "15 azar 1405" (Solar Hijri): the
 * day, or without a year the next such date from today on. 0: not this
 * form; 1: *r set; -1: err set. */
static int month_name_date(const char *s, const char *w, int today, long long *r, kz_err *err)
{
    int d, y = 0, len = 0;
    char name[48];
    if (sscanf(w, "%2d %47s%n", &d, name, &len) != 2)
        return 0;
    if (w[len] == ' ') {
        int ylen = 0;
        if (sscanf(w + len, " %4d%n", &y, &ylen) != 1 || w[len + ylen] != '\0')
            return 0;
    } else if (w[len] != '\0') {
        return 0;
    }
    int m = persian_month(name);
    if (!m)
        return 0;
    const char *unavailable = kz_persian_unavailable();
    if (unavailable)
        return date_error(err, s, unavailable), -1;
    int ty, tm, td, day;
    if (!kz_persian_from_day(today, &ty, &tm, &td))
        return 0;
    bool given = y != 0;
    if (given && (y < 1300 || y > 1499))
        return date_error(err, s, _("a Solar Hijri year is 1300..1499")), -1;
    if (!given)
        y = ty;
    if (d < 1 || d > kz_persian_days_in_month(y, m)) {
        char why[128];
        snprintf(why, sizeof why, _("%s %d has days 1..%d"), kz_persian_month_name(m), y,
                 kz_persian_days_in_month(y, m));
        return date_error(err, s, why), -1;
    }
    if (!kz_day_from_persian(y, m, d, &day))
        return date_error(err, s, EXPECTED), -1;
    if (!given && day < today && !kz_day_from_persian(y + 1, m, d, &day))
        return date_error(err, s, EXPECTED), -1;
    *r = day;
    return 1;
}

/* Y/M/D or Y-M-D with one- or two-digit month and day: a year 1300..1499
 * is Solar Hijri (1405/09/15), any other Gregorian (2026/12/15). 0: not
 * this form (strict YYYY-MM-DD is left to the ISO reader); 1: *r set;
 * -1: err set. */
static int numeric_date(const char *s, const char *w, long long *r, kz_err *err)
{
    int y, m, d, len = 0;
    char s1, s2;
    if (sscanf(w, "%4d%c%2d%c%2d%n", &y, &s1, &m, &s2, &d, &len) != 5 || w[len] != '\0' ||
        s1 != s2 || (s1 != '/' && s1 != '-') || !is_digit(w[0]))
        return 0;
    if (y >= 1300 && y <= 1499) {
        char why[96];
        const char *unavailable = kz_persian_unavailable();
        if (unavailable)
            return date_error(err, s, unavailable), -1;
        if (m < 1 || m > 12)
            return date_error(err, s, _("the month must be 1..12")), -1;
        if (d < 1 || d > kz_persian_days_in_month(y, m)) {
            snprintf(why, sizeof why, _("%d/%02d (%s) has days 1..%d"), y, m,
                     kz_persian_month_name(m), kz_persian_days_in_month(y, m));
            return date_error(err, s, why), -1;
        }
        int day;
        if (!kz_day_from_persian(y, m, d, &day))
            return date_error(err, s, EXPECTED), -1;
        *r = day;
        return 1;
    }
    if (s1 == '-')
        return 0; /* Gregorian YYYY-MM-DD: the ISO reader below, strict as ever */
    if (y < MIN_YEAR || m < 1 || m > 12 || d < 1 || d > kz_days_in_month(y, m))
        return date_error(err, s, EXPECTED), -1;
    *r = days_from_civil(y, m, d);
    return 1;
}

kz_status kz_day_parse_date(const char *s, int *day)
{
    char w[96];
    long long r;
    if (!normalise(s ? s : "", w, sizeof w))
        return KZ_EINVAL;
    if (kz_day_parse_iso(w, day) == KZ_OK)
        return KZ_OK;
    int y, m, d, len = 0;
    if (sscanf(w, "%4d%*c%2d%*c%2d%n", &y, &m, &d, &len) != 3 || w[len] != '\0' || y < 1300 ||
        y > 1499 || numeric_date(w, w, &r, NULL) != 1)
        return KZ_EINVAL;
    *day = (int)r;
    return KZ_OK;
}

kz_status kz_date_parse(const char *s, int today, int *day, kz_err *err)
{
    char w[96], en[48];
    if (!s)
        s = "";
    if (!normalise(s, w, sizeof w))
        return date_error(err, s, EXPECTED);
    if (persian_alias(w, en, sizeof en))
        snprintf(w, sizeof w, "%s", en);
    if (w[0] == '\0')
        return date_error(err, s, EXPECTED);

    long long r;
    int wd, k;
    if (strcmp(w, "today") == 0) {
        r = today;
    } else if (strcmp(w, "tomorrow") == 0) {
        r = (long long)today + 1;
    } else if (strcmp(w, "yesterday") == 0) {
        r = (long long)today - 1;
    } else if ((wd = weekday_name(w)) >= 0) {
        int ahead = (wd - kz_day_weekday(today) + 7) % 7;
        r = (long long)today + (ahead == 0 ? 7 : ahead);
    } else if (strcmp(w, "next week") == 0) {
        r = week_start(today) + 7;
    } else if (strcmp(w, "next month") == 0) {
        r = month_start(today, 1, NULL);
    } else if (strcmp(w, "eom") == 0 || strcmp(w, "end of month") == 0) {
        month_start(today, 0, &r);
    } else if ((k = month_name_date(s, w, today, &r, err)) != 0 ||
               (k = numeric_date(s, w, &r, err)) != 0) {
        if (k < 0)
            return KZ_EINVAL;
    } else if (w[0] == '+' || strncmp(w, "in ", 3) == 0) {
        bool short_form = w[0] == '+';
        const char *p = short_form ? w + 1 : w + 3;
        int n;
        if (!read_count(&p, &n))
            return date_error(err, s, EXPECTED);
        if (!short_form && *p == ' ')
            p++;
        enum unit u = unit_word(p, short_form);
        if (u == U_NONE)
            return date_error(err, s, EXPECTED);
        r = apply_unit(today, u, n);
    } else if (strlen(w) == 10 && is_digit(w[0]) && w[4] == '-') {
        int y, m, d;
        if (!iso_shape(w, &y, &m, &d))
            return date_error(err, s, EXPECTED);
        if (y < MIN_YEAR || y > MAX_YEAR)
            return date_error(err, s, _("the year must be 0001..9999"));
        if (m < 1 || m > 12)
            return date_error(err, s, _("the month must be 01..12"));
        if (d < 1 || d > kz_days_in_month(y, m)) {
            char why[128];
            snprintf(why, sizeof why, _("%04d-%02d has days 01..%02d"), y, m,
                     kz_days_in_month(y, m));
            return date_error(err, s, why);
        }
        r = days_from_civil(y, m, d);
    } else {
        return date_error(err, s, EXPECTED);
    }

    long long ry;
    int rm, rd;
    civil_from_days(r, &ry, &rm, &rd);
    if (ry < MIN_YEAR || ry > MAX_YEAR)
        return date_error(err, s, _("the date falls outside the years 0001..9999"));
    *day = (int)r;
    return KZ_OK;
}

/* ---- report periods: reading backwards ---- */

static const char PERIOD_EXPECTED[] =
    N_("expected a day (today, yesterday, mon..sun for the last such day, -3d, -2w, -1m, "
    "3 days ago, YYYY-MM-DD) or a period (this or last week, month, quarter or year; "
    "last 7 days, last 4 weeks, last 3 months), or in Persian دیروز, شنبه, ۳ روز پیش, "
    "۱۴۰۵/۰۹/۱۵, این هفته, ماه قبل, فصل قبل, امسال or ۷ روز اخیر");

static kz_status period_error(kz_err *err, const char *input, const char *why)
{
    kz_buf q = KZ_BUF_INIT; /* owned here, freed below */
    kz_text_fit(&q, input, 60, true, false);
    kz_err_set(err, KZ_EINVAL, _("cannot read period \"%s\": %s"), kz_buf_str(&q), _(why));
    kz_buf_free(&q);
    return KZ_EINVAL;
}

/* The first and last day of the calendar week, month, quarter or year
 * (`unit`) that holds `day`, moved back by `back` of them: in the calendar
 * in force (a Persian quarter is a season, Farvardin to Khordad and so on;
 * a week starts on kz_prefs week_start). */
static bool calendar_period(const char *unit, int day, int back, long long *from, long long *to)
{
    int y, m, d;
    if (strcmp(unit, "week") == 0) {
        long long first = week_start(day) - 7LL * back;
        *from = first;
        *to = first + 6;
        return true;
    }
    int months = strcmp(unit, "month") == 0 ? 1 : strcmp(unit, "quarter") == 0 ? 3
                                               : strcmp(unit, "year") == 0  ? 12
                                                                            : 0;
    if (!months)
        return false;
    int py, pm, pd, fday;
    if (persian_calendar() && kz_persian_from_day(day, &py, &pm, &pd) &&
        kz_day_from_persian(py, (pm - 1) / months * months + 1, 1, &fday)) {
        *from = month_start(fday, -back * months, NULL);
        month_start(fday, -back * months + months - 1, to);
        return true;
    }
    kz_day_to_ymd(day, &y, &m, &d);
    long long first = (long long)y * 12 + (m - 1) / months * months - (long long)back * months;
    long long fy = floor_div(first, 12);
    int fm = (int)(first - fy * 12) + 1;
    long long ny = floor_div(first + months, 12);
    int nm = (int)(first + months - ny * 12) + 1;
    *from = days_from_civil(fy, fm, 1);
    *to = days_from_civil(ny, nm, 1) - 1;
    return true;
}

kz_status kz_period_parse(const char *s, int today, int *from, int *to, bool *one_day,
                          kz_err *err)
{
    char w[96], en[48];
    if (!s)
        s = "";
    if (!normalise(s, w, sizeof w) || w[0] == '\0')
        return period_error(err, s, PERIOD_EXPECTED);
    if (persian_alias(w, en, sizeof en))
        snprintf(w, sizeof w, "%s", en);
    long long lo, hi;
    bool day = true;
    int wd, n;
    const char *p;
    if ((wd = weekday_name(w)) >= 0) {
        lo = (long long)today - (kz_day_weekday(today) - wd + 7) % 7;
    } else if (w[0] == '-') {
        p = w + 1;
        enum unit u;
        if (!read_count(&p, &n) || (u = unit_word(p, true)) == U_NONE)
            return period_error(err, s, PERIOD_EXPECTED);
        lo = apply_unit(today, u, -n);
    } else if (is_digit(w[0]) && (p = w, read_count(&p, &n)) && *p == ' ' &&
               strlen(p) > 5 && strcmp(p + strlen(p) - 4, " ago") == 0) {
        char word[16];
        size_t len = strlen(p) - 5;
        if (len >= sizeof word)
            return period_error(err, s, PERIOD_EXPECTED);
        memcpy(word, p + 1, len);
        word[len] = '\0';
        enum unit u = unit_word(word, false);
        if (u == U_NONE)
            return period_error(err, s, PERIOD_EXPECTED);
        lo = apply_unit(today, u, -n);
    } else if (strncmp(w, "this ", 5) == 0 || strncmp(w, "last ", 5) == 0) {
        bool last = w[0] == 'l';
        p = w + 5;
        day = false;
        if (last && is_digit(*p)) { /* last 7 days: the 7 days ending today */
            enum unit u;
            if (!read_count(&p, &n) || n < 1 || *p != ' ' ||
                (u = unit_word(p + 1, false)) == U_NONE)
                return period_error(err, s, PERIOD_EXPECTED);
            hi = today;
            lo = apply_unit(today, u, -n) + 1;
        } else if (!calendar_period(p, today, last ? 1 : 0, &lo, &hi)) {
            return period_error(err, s, PERIOD_EXPECTED);
        }
    } else {
        /* today, yesterday, YYYY-MM-DD and the forward forms read as for
         * follow-ups (a weekday above reads backwards) */
        int d;
        kz_err derr;
        if (kz_date_parse(s, today, &d, &derr) != KZ_OK) {
            if (!strstr(derr.msg, EXPECTED)) { /* a date, but not a valid one */
                const char *why = strstr(derr.msg, "\": ");
                return period_error(err, s, why ? why + 3 : PERIOD_EXPECTED);
            }
            return period_error(err, s, PERIOD_EXPECTED);
        }
        lo = d;
    }
    if (day)
        hi = lo;
    long long ry;
    int rm, rd;
    civil_from_days(lo, &ry, &rm, &rd);
    if (ry < MIN_YEAR || ry > MAX_YEAR)
        return period_error(err, s, _("it falls outside the years 0001..9999"));
    civil_from_days(hi, &ry, &rm, &rd);
    if (ry < MIN_YEAR || ry > MAX_YEAR)
        return period_error(err, s, _("it falls outside the years 0001..9999"));
    *from = (int)lo;
    *to = (int)hi;
    if (one_day)
        *one_day = day;
    return KZ_OK;
}

kz_status kz_period_span(const char *s, int today, int *from, int *to, kz_err *err)
{
    bool one_day;
    kz_status st = kz_period_parse(s, today, from, to, &one_day, err);
    if (st == KZ_OK && one_day && *from <= today)
        *to = today;
    return st;
}

static bool persian_calendar(void)
{
    return kz_prefs_get()->calendar == KZ_CAL_PERSIAN;
}

/* "12 آذر 1405" (with_year) or "12 آذر"; false when ICU cannot convert. */
static bool persian_text(int day, bool with_year, char *out, size_t outlen)
{
    int py, pm, pd;
    if (!kz_persian_from_day(day, &py, &pm, &pd))
        return false;
    if (with_year)
        snprintf(out, outlen, "%d %s %d", pd, kz_persian_month_name(pm), py);
    else
        snprintf(out, outlen, "%d %s", pd, kz_persian_month_name(pm));
    return true;
}

void kz_day_show(int day, char *out, size_t outlen)
{
    if (outlen == 0)
        return;
    char iso[11];
    if (!persian_calendar() || !persian_text(day, true, out, outlen)) {
        kz_day_format(day, iso);
        snprintf(out, outlen, "%s", iso);
    }
    kz_digits_show(out, outlen);
}

void kz_day_show_short(int day, int today, char *out, size_t outlen)
{
    int py, pm, pd, ty, tm, td;
    if (outlen && persian_calendar() && kz_persian_from_day(day, &py, &pm, &pd) &&
        kz_persian_from_day(today, &ty, &tm, &td)) {
        if (py == ty)
            persian_text(day, false, out, outlen);
        else /* another year: the numeric form, as narrow as an ISO date */
            snprintf(out, outlen, "%04d/%02d/%02d", py, pm, pd);
        kz_digits_show(out, outlen);
        return;
    }
    kz_day_show(day, out, outlen);
}

void kz_day_input(int day, char *out, size_t outlen)
{
    int py, pm, pd;
    char iso[11];
    if (outlen == 0)
        return;
    if (persian_calendar() && kz_persian_from_day(day, &py, &pm, &pd) && py >= 1300 && py <= 1499)
        snprintf(out, outlen, "%04d/%02d/%02d", py, pm, pd);
    else {
        kz_day_format(day, iso);
        snprintf(out, outlen, "%s", iso);
    }
    kz_digits_show(out, outlen);
}

void kz_time_show(int64_t t, char *out, size_t outlen)
{
    if (outlen == 0)
        return;
    char when[17];
    kz_time_format(t, when);
    char date[KZ_DATE_TEXT];
    if (persian_calendar() && persian_text(kz_day_from_time(t), true, date, sizeof date))
        snprintf(out, outlen, "%s %s", date, when + 11);
    else
        snprintf(out, outlen, "%s", when);
    kz_digits_show(out, outlen);
}

int kz_time_show_cols(void)
{
    return persian_calendar() ? 23 : 16;
}

void kz_day_relative(int day, int today, char *out, size_t outlen)
{
    if (outlen == 0)
        return;
    long long diff = (long long)day - today;
    if (diff == 0)
        snprintf(out, outlen, "%s", _("today"));
    else if (diff == 1)
        snprintf(out, outlen, "%s", _("tomorrow"));
    else if (diff == -1)
        snprintf(out, outlen, "%s", _("yesterday"));
    else if (diff > 1 && diff <= 14)
        snprintf(out, outlen, _("in %dd"), (int)diff);
    else if (diff < -1 && diff >= -14)
        snprintf(out, outlen, _("%dd ago"), (int)-diff);
    else {
        kz_day_show_short(day, today, out, outlen);
        return;
    }
    kz_digits_show(out, outlen);
}

void kz_day_ago(int day, int today, char *out, size_t outlen)
{
    long long diff = (long long)day - today;
    if (outlen == 0 || (diff >= -14 && diff <= 14)) {
        kz_day_relative(day, today, out, outlen);
        return;
    }
    snprintf(out, outlen, diff > 0 ? _("in %dd") : _("%dd ago"), (int)(diff > 0 ? diff : -diff));
    kz_digits_show(out, outlen);
}
