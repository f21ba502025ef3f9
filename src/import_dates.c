/* import_dates.c - dates and times as other CRMs' exports write them.
 *
 * A file writes every date of a column one way, so whether 03/04/2024 is
 * the 3rd of April or the 4th of March is told from the whole column (a
 * cell such as 13/04/2024 settles it) or by --date-format. Year-first dates
 * before the year 1700 are Solar Hijri (a Persian CRM's 1403/02/20) and go
 * through the Persian calendar (calendar.h). Persian and Arabic-Indic
 * digits are read as digits.
 *
 * Memory: nothing is allocated. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "kariz/calendar.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/import.h"

/* Copies s with Persian (U+06F0..) and Arabic-Indic (U+0660..) digits made
 * ASCII and the Persian/Arabic date separator and comma made ASCII. */
static void ascii_digits(const char *s, char *out, size_t outlen)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && o + 1 < outlen) {
        if ((p[0] == 0xDB && p[1] >= 0xB0 && p[1] <= 0xB9) ||
            (p[0] == 0xD9 && p[1] >= 0xA0 && p[1] <= 0xA9)) {
            out[o++] = (char)('0' + (p[1] & 0x0F)); /* U+06F0 is DB B0, U+0660 is D9 A0 */
            p += 2;
        } else if (p[0] == 0xD9 && p[1] == 0xAB) { /* ARABIC DECIMAL SEPARATOR ٫ */
            out[o++] = '/';
            p += 2;
        } else {
            out[o++] = (char)*p++;
        }
    }
    out[o] = '\0';
}

typedef struct parts {
    int a, b, c;         /* the three numbers of the date, as written */
    int alen, clen;      /* digits in the first and the last */
    bool time;
    int h, mi, s;
    bool zone;           /* Z or an offset was given */
    int offset;          /* minutes east of UTC */
} parts;

static const char *num(const char *p, int *v, int *len)
{
    *v = 0;
    *len = 0;
    while (isdigit((unsigned char)*p) && *len < 9) {
        *v = *v * 10 + (*p - '0');
        p++;
        (*len)++;
    }
    return *len ? p : NULL;
}

/* Splits a cell into its date, time and zone; false when it is not one. */
static bool split(const char *cell, parts *pt)
{
    char buf[96];
    memset(pt, 0, sizeof *pt);
    ascii_digits(cell, buf, sizeof buf);
    const char *p = buf;
    while (*p == ' ')
        p++;
    int len;
    if (!(p = num(p, &pt->a, &pt->alen)))
        return false;
    char sep = *p;
    if (sep != '-' && sep != '/' && sep != '.')
        return false;
    if (!(p = num(p + 1, &pt->b, &len)) || len > 2 || *p != sep)
        return false;
    if (!(p = num(p + 1, &pt->c, &pt->clen)))
        return false;
    if (pt->alen != 4 && pt->clen != 4)
        return false;
    if (*p == 'T' || (*p == ' ' && isdigit((unsigned char)p[1])) ||
        (*p == ',' && p[1] == ' ' && isdigit((unsigned char)p[2]))) {
        p += *p == ',' ? 2 : 1;
        if (!(p = num(p, &pt->h, &len)) || len > 2 || *p != ':')
            return false;
        if (!(p = num(p + 1, &pt->mi, &len)) || len != 2)
            return false;
        if (*p == ':') {
            if (!(p = num(p + 1, &pt->s, &len)) || len != 2)
                return false;
            if (*p == '.' || *p == ',') { /* fractions of a second */
                int frac;
                if (!(p = num(p + 1, &frac, &len)))
                    return false;
            }
        }
        pt->time = true;
        while (*p == ' ')
            p++;
        if ((p[0] == 'A' || p[0] == 'a' || p[0] == 'P' || p[0] == 'p') &&
            (p[1] == 'M' || p[1] == 'm')) {
            if (pt->h < 1 || pt->h > 12)
                return false;
            bool pm = p[0] == 'P' || p[0] == 'p';
            pt->h = pt->h % 12 + (pm ? 12 : 0);
            p += 2;
            while (*p == ' ')
                p++;
        }
        if (*p == 'Z' || strncmp(p, "UTC", 3) == 0 || strncmp(p, "GMT", 3) == 0) {
            pt->zone = true;
            p += *p == 'Z' ? 1 : 3;
        }
        if (*p == '+' || *p == '-') {
            int sign = *p == '-' ? -1 : 1, oh, om = 0;
            const char *q = num(p + 1, &oh, &len);
            if (!q)
                return false;
            if (len == 4) {
                om = oh % 100;
                oh /= 100;
            } else if (len == 2 && *q == ':') {
                if (!(q = num(q + 1, &om, &len)) || len != 2)
                    return false;
            } else if (len > 2) {
                return false;
            }
            pt->zone = true;
            pt->offset = sign * (oh * 60 + om);
            p = q;
        }
    }
    while (*p == ' ')
        p++;
    return *p == '\0';
}

void kz_import_date_scan(kz_date_scan *s, const char *cell)
{
    parts pt;
    if (!split(cell, &pt) || pt.clen != 4)
        return; /* year first, or not a date: nothing to tell */
    bool d_first = pt.a > 12 && pt.a <= 31 && pt.b <= 12;
    bool m_first = pt.b > 12 && pt.b <= 31 && pt.a <= 12;
    if (d_first) {
        if (!s->dmy++)
            snprintf(s->dmy_eg, sizeof s->dmy_eg, "%.39s", cell);
    } else if (m_first) {
        if (!s->mdy++)
            snprintf(s->mdy_eg, sizeof s->mdy_eg, "%.39s", cell);
    } else if (pt.a != pt.b) {
        if (!s->either++)
            snprintf(s->either_eg, sizeof s->either_eg, "%.39s", cell);
    }
}

kz_date_order kz_import_date_order(const kz_date_scan *s, bool *mixed)
{
    *mixed = s->dmy && s->mdy;
    if (*mixed)
        return KZ_DATES_UNKNOWN;
    if (s->dmy)
        return KZ_DATES_DMY;
    if (s->mdy)
        return KZ_DATES_MDY;
    return KZ_DATES_UNKNOWN;
}

kz_status kz_import_date_read(const char *cell, kz_date_order order, char *out, size_t outlen,
                              kz_err *err)
{
    parts pt;
    if (!split(cell, &pt))
        return kz_err_set(err, KZ_EINVAL,
                          _("\"%.60s\" is not a date (expected 2024-05-09, 09/05/2024, "
                            "1403/02/20 or an ISO 8601 time)"),
                          cell);
    int y, m, d;
    if (pt.alen == 4) {
        y = pt.a;
        m = pt.b;
        d = pt.c;
    } else {
        y = pt.c;
        if (pt.a == pt.b || order == KZ_DATES_DMY || (order == KZ_DATES_UNKNOWN && pt.a > 12)) {
            d = pt.a;
            m = pt.b;
        } else if (order == KZ_DATES_MDY || pt.b > 12) {
            m = pt.a;
            d = pt.b;
        } else {
            return kz_err_set(err, KZ_EINVAL,
                              _("\"%.60s\" may be day-first or month-first; say which with "
                                "--date-format dmy or --date-format mdy"),
                              cell);
        }
    }
    int day;
    bool ok;
    bool persian = y < 1700;
    const char *unavailable = persian ? kz_persian_unavailable() : NULL;
    if (unavailable)
        return kz_err_set(err, KZ_EINVAL, _("\"%.60s\": %s"), cell, unavailable);
    if (persian)
        ok = kz_day_from_persian(y, m, d, &day);
    else
        ok = kz_day_from_ymd(y, m, d, &day);
    if (!ok)
        return kz_err_set(err, KZ_EINVAL, _("\"%.60s\" is not a date that exists%s"), cell,
                          persian ? _(" in the Solar Hijri calendar") : "");
    if (pt.time && (pt.h > 23 || pt.mi > 59 || pt.s > 59))
        return kz_err_set(err, KZ_EINVAL, _("\"%.60s\" is not a time of day"), cell);
    char ymd[16];
    kz_day_format(day, ymd);
    if (!pt.time)
        snprintf(out, outlen, "%s", ymd);
    else if (!pt.zone)
        snprintf(out, outlen, "%s %02d:%02d:%02d", ymd, pt.h, pt.mi, pt.s);
    else {
        int64_t t = (int64_t)day * 86400 + pt.h * 3600 + pt.mi * 60 + pt.s -
                    (int64_t)pt.offset * 60;
        char iso[40];
        kz_time_format_iso(t, iso);
        snprintf(out, outlen, "%s", iso);
    }
    return KZ_OK;
}
