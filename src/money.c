/* money.c - parsing and formatting amounts of money (see money.h). */
#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "kariz/money.h"
#include "kariz/prefs.h"
#include "kariz/text.h"

static const int64_t pow10s[] = {1,
                                 10,
                                 100,
                                 1000,
                                 10000,
                                 100000,
                                 1000000,
                                 10000000,
                                 100000000,
                                 1000000000,
                                 INT64_C(10000000000),
                                 INT64_C(100000000000),
                                 INT64_C(1000000000000),
                                 INT64_C(10000000000000),
                                 INT64_C(100000000000000),
                                 INT64_C(1000000000000000),
                                 INT64_C(10000000000000000),
                                 INT64_C(100000000000000000),
                                 INT64_C(1000000000000000000)};

/* ---- parsing ---- */

/* A currency marker at p: a three-letter upper-case code, or a symbol (one
 * or more non-ASCII characters, or $). Returns its length in bytes, 0 when
 * there is none. */
static size_t currency_len(const char *p)
{
    if (isupper((unsigned char)p[0]) && isupper((unsigned char)p[1]) &&
        isupper((unsigned char)p[2]) && !isalnum((unsigned char)p[3]))
        return 3;
    size_t n = 0;
    while (p[n] == '$' || (unsigned char)p[n] >= 0x80)
        n++;
    return n;
}

/* Sets err to `"INPUT" WHY`, the input made printable and fitted. */
static kz_status bad(kz_err *err, const char *s, const char *why)
{
    kz_buf q = KZ_BUF_INIT; /* owned here */
    kz_text_fit(&q, s, 60, true, false);
    kz_err_set(err, KZ_EINVAL, "\"%s\" %s", kz_buf_str(&q), _(why));
    kz_buf_free(&q);
    return KZ_EINVAL;
}

#define NOT_AN_AMOUNT N_("is not an amount (expected e.g. 12500, 12,500.50, 45k or 1.2M)")

/* The Persian words for a thousand, a million and a billion (what the
 * formatters write after a shortened amount in Persian digits). */
static const char *const scale_words[3] = {"هزار", "میلیون", "میلیارد"};

/* A scale word at p ("k", "M", "B" or a Persian one, which may follow a
 * space): its power of ten, and *len its length with the space; 0 when
 * there is none. */
static int scale_at(const char *p, size_t *len)
{
    if (*p && strchr("kKmMbB", *p) && !isalnum((unsigned char)p[1])) {
        *len = 1;
        return *p == 'k' || *p == 'K' ? 3 : *p == 'm' || *p == 'M' ? 6 : 9;
    }
    size_t sp = *p == ' ' ? 1 : 0;
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(scale_words[i]);
        if (strncmp(p + sp, scale_words[i], n) == 0 && (p[sp + n] == 0 || p[sp + n] == ' ')) {
            *len = sp + n;
            return 3 * (i + 1);
        }
    }
    return 0;
}

static kz_status parse_latin(const char *s, const char *shown, int64_t *out, char *cur,
                             size_t curlen, kz_err *err);

kz_status kz_money_parse(const char *s, int64_t *out, kz_err *err)
{
    char cur[KZ_CURRENCY_MAX];
    return kz_money_parse_marker(s, out, cur, sizeof cur, err);
}

kz_status kz_money_parse_marker(const char *s, int64_t *out, char *cur, size_t curlen,
                                kz_err *err)
{
    if (curlen)
        cur[0] = '\0';
    /* Persian and Arabic-Indic digits and separators read as Latin ones */
    kz_buf latin = KZ_BUF_INIT; /* owned here */
    kz_status st = kz_text_latin_digits(&latin, s)
                       ? parse_latin(kz_buf_str(&latin), s, out, cur, curlen, err)
                       : parse_latin(s, s, out, cur, curlen, err);
    kz_buf_free(&latin);
    return st;
}

/* ---- currencies ---- */

/* The ISO 4217 codes in use, and IRT (the toman, as Iran counts). */
static const char iso_codes[] =
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN "
    "BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR "
    "FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR IRT ISK JMD "
    "JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK "
    "MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN "
    "PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL "
    "THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF "
    "XPF YER ZAR ZMW ZWG ZWL";

/* Symbols and the codes they stand for, the usual one first ($ is also
 * the Canadian, Australian... dollar). */
static const struct {
    const char *symbol;
    const char *codes;
} symbols[] = {
    {"$", "USD CAD AUD NZD SGD HKD MXN TWD"},
    {"\xe2\x82\xac", "EUR"},                 /* € */
    {"\xc2\xa3", "GBP"},                      /* £ */
    {"\xc2\xa5", "JPY CNY"},                  /* ¥ */
    {"\xe5\x86\x86", "JPY"},                 /* 円 */
    {"\xe5\x85\x83", "CNY"},                 /* 元 */
    {"\xe2\x82\xb9", "INR"},                 /* ₹ */
    {"\xe2\x82\xbd", "RUB"},                 /* ₽ */
    {"\xe2\x82\xa9", "KRW"},                 /* ₩ */
    {"\xe2\x82\xba", "TRY"},                 /* ₺ */
    {"\xe2\x82\xaa", "ILS"},                 /* ₪ */
    {"\xe2\x82\xab", "VND"},                 /* ₫ */
    {"\xe2\x82\xb4", "UAH"},                 /* ₴ */
    {"\xe2\x82\xa6", "NGN"},                 /* ₦ */
    {"\xe2\x82\xb1", "PHP"},                 /* ₱ */
    {"\xe0\xb8\xbf", "THB"},                 /* ฿ */
    {"\xe2\x82\xb8", "KZT"},                 /* ₸ */
    {"\xe2\x82\xbc", "AZN"},                 /* ₼ */
    {"\xe2\x82\xbe", "GEL"},                 /* ₾ */
    {"\xe0\xa7\xb3", "BDT"},                 /* ৳ */
    {"\xe2\x82\xa8", "PKR INR LKR NPR"},     /* ₨ */
    {"\xef\xb7\xbc", "IRR SAR QAR OMR YER"}, /* ﷼ */
    {"\xd8\xb1\xdb\x8c\xd8\xa7\xd9\x84", "IRR"},             /* ریال */
    {"\xd8\xaa\xd9\x88\xd9\x85\xd8\xa7\xd9\x86", "IRT"},   /* تومان */
};

/* Whether the three letters at code are one of the space-separated codes
 * in list. */
static bool in_list(const char *list, const char *code)
{
    if (strlen(code) != 3)
        return false;
    for (const char *p = list; *p; p += p[3] ? 4 : 3)
        if (strncmp(p, code, 3) == 0)
            return true;
    return false;
}

/* The codes a currency marker stands for ("EUR" for "EUR" or "€"); NULL
 * for one kariz does not know. */
static const char *codes_of(const char *marker)
{
    if (!marker || !*marker)
        return NULL;
    if (in_list(iso_codes, marker))
        return marker;
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++)
        if (strcmp(symbols[i].symbol, marker) == 0)
            return symbols[i].codes;
    return NULL;
}

bool kz_currency_known(const char *marker)
{
    return codes_of(marker) != NULL;
}

void kz_currency_code(const char *marker, char *out, size_t outlen)
{
    const char *codes = codes_of(marker);
    if (codes)
        snprintf(out, outlen, "%.3s", codes);
    else
        snprintf(out, outlen, "%s", marker ? marker : "");
}

bool kz_currency_same(const char *a, const char *b)
{
    if (!a || !b || !*a || !*b)
        return false;
    if (strcmp(a, b) == 0)
        return true;
    const char *ca = codes_of(a), *cb = codes_of(b);
    if (!ca || !cb)
        return false;
    /* a code names one currency; a symbol, any of its codes */
    if (ca == a)
        return in_list(cb, a);
    if (cb == b)
        return in_list(ca, b);
    return false; /* two different symbols */
}

/* kz_money_parse on Latin digits; `shown` is what the person typed, for
 * messages; cur (curlen bytes) gets the currency marker. */
static kz_status parse_latin(const char *s, const char *shown, int64_t *out, char *cur_out,
                             size_t curlen, kz_err *err)
{
    const char *p = s;
    bool neg = false;
    size_t cur = 0;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    const char *marker = NULL;
    if ((cur = currency_len(p)) > 0) {
        marker = p;
        p += cur;
        while (isspace((unsigned char)*p))
            p++;
        if (!neg && (*p == '-' || *p == '+')) {
            neg = *p == '-';
            p++;
        }
    }
    /* the digits: grouped by commas before the point, then the fraction */
    int64_t mant = 0;
    int fd = 0, digits = 0;
    bool dot = false;
    for (;; p++) {
        unsigned char c = (unsigned char)*p;
        if (isdigit(c)) {
            if (mant > (INT64_MAX - 9) / 10)
                return bad(err, shown, _("is too large"));
            mant = mant * 10 + (c - '0');
            digits++;
            if (dot)
                fd++;
        } else if (c == ',' && !dot && digits > 0 && isdigit((unsigned char)p[1]) &&
                   isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
                   !isdigit((unsigned char)p[4])) {
            continue; /* a thousands separator: three digits follow */
        } else if (c == '.' && !dot && isdigit((unsigned char)p[1])) {
            dot = true;
        } else {
            break;
        }
    }
    if (digits == 0)
        return bad(err, shown, NOT_AN_AMOUNT);
    size_t slen = 0;
    int pow = scale_at(p, &slen);
    p += slen;
    while (isspace((unsigned char)*p))
        p++;
    size_t after = currency_len(p);
    if (after > 0) {
        if (cur > 0)
            return bad(err, shown, NOT_AN_AMOUNT);
        marker = p;
        cur = after;
        p += after;
        while (isspace((unsigned char)*p))
            p++;
    }
    if (*p)
        return bad(err, shown, NOT_AN_AMOUNT);
    /* cents = mant * 10^(pow + 2 - fd) */
    int shift = pow + 2 - fd;
    int64_t cents;
    if (shift >= 0) {
        if (mant > KZ_MONEY_MAX / pow10s[shift])
            return bad(err, shown, _("is too large (at most 1,000,000,000,000,000)"));
        cents = mant * pow10s[shift];
    } else {
        if (-shift >= 18 || mant % pow10s[-shift] != 0)
            return bad(err, shown, _("is more precise than a cent"));
        cents = mant / pow10s[-shift];
    }
    if (cents > KZ_MONEY_MAX)
        return bad(err, shown, _("is too large (at most 1,000,000,000,000,000)"));
    if (neg && cents != 0)
        return bad(err, shown, _("is negative; expected an amount of 0 or more"));
    if (marker && curlen)
        snprintf(cur_out, curlen, "%.*s", (int)cur, marker);
    *out = cents;
    return KZ_OK;
}

/* ---- formatting ---- */

static uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
}

void kz_money_plain(int64_t cents, char *out, size_t outlen)
{
    uint64_t a = magnitude(cents);
    if (a % 100)
        snprintf(out, outlen, "%s%" PRIu64 ".%02u", cents < 0 ? "-" : "", a / 100,
                 (unsigned)(a % 100));
    else
        snprintf(out, outlen, "%s%" PRIu64, cents < 0 ? "-" : "", a / 100);
}

/* Toman and rial: whole amounts, the unit after the number ("تومان" with
 * Persian digits, the code with Latin ones). NULL for other currencies. */
static const char *iranian_unit(const char *currency)
{
    if (!currency)
        return NULL;
    bool fa = kz_prefs_get()->digits == KZ_DIGITS_PERSIAN;
    if (strcmp(currency, "IRT") == 0)
        return fa ? "تومان" : "IRT";
    if (strcmp(currency, "IRR") == 0)
        return fa ? "ریال" : "IRR";
    return NULL;
}

static bool persian_digits(void)
{
    return kz_prefs_get()->digits == KZ_DIGITS_PERSIAN;
}

static bool is_code(const char *currency)
{
    for (const char *p = currency; *p; p++)
        if (!isalpha((unsigned char)*p))
            return false;
    return true;
}

/* Writes sign, currency symbol, number and currency code to out. */
static void with_currency(bool neg, const char *num, const char *currency, char *out,
                          size_t outlen)
{
    const char *sign = neg ? "-" : "";
    const char *unit = iranian_unit(currency);
    if (unit)
        snprintf(out, outlen, "%s%s %s", sign, num, unit);
    else if (!currency || !*currency)
        snprintf(out, outlen, "%s%s", sign, num);
    else if (is_code(currency))
        snprintf(out, outlen, "%s%s %s", sign, num, currency);
    else
        snprintf(out, outlen, "%s%s%s", sign, currency, num);
}

/* q with d digits after the point and thousands separators; suffix after. */
static void grouped(uint64_t q, int d, const char *suffix, char *out, size_t outlen)
{
    uint64_t ip = q / (uint64_t)pow10s[d], fp = q % (uint64_t)pow10s[d];
    char digits[32], buf[48];
    snprintf(digits, sizeof digits, "%" PRIu64, ip);
    size_t n = strlen(digits), o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    if (d > 0)
        snprintf(out, outlen, "%s.%0*" PRIu64 "%s", buf, d, fp, suffix);
    else
        snprintf(out, outlen, "%s%s", buf, suffix);
}

void kz_money_full(int64_t cents, const char *currency, char *out, size_t outlen)
{
    uint64_t a = magnitude(cents);
    char num[96];
    if (iranian_unit(currency))
        a = (a + 50) / 100 * 100; /* toman and rial have no minor units */
    if (a % 100)
        grouped(a, 2, "", num, sizeof num);
    else
        grouped(a / 100, 0, "", num, sizeof num);
    with_currency(cents < 0, num, currency, out, outlen);
    kz_digits_show(out, outlen);
}

/* |cents| in steps of the scale's last digit, rounded half away from zero. */
static uint64_t scaled(int64_t cents, kz_money_scale sc)
{
    uint64_t step = (uint64_t)pow10s[sc.pow + 2 - sc.decimals];
    uint64_t a = magnitude(cents);
    return a / step + (a % step * 2 >= step ? 1 : 0);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int int_digits(uint64_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

/* The unit for an amount of a cents: units below 10,000, k below a
 * million, M below a billion, then B. */
static int unit_for(uint64_t a)
{
    return a < UINT64_C(1000000) ? 0 : a < UINT64_C(100000000) ? 3 : a < UINT64_C(100000000000) ? 6 : 9;
}

/* Decimals for about three significant digits of a in unit pow. */
static int base_decimals(uint64_t a, int pow)
{
    if (pow == 0)
        return 0;
    int d = 3 - int_digits(a / (uint64_t)pow10s[pow + 2]);
    return d < 0 ? 0 : d;
}

/* The decimals sorted amounts v[0..n) need in unit pow: from about three
 * significant digits of max on, until no amount other than zero reads 0
 * and different amounts never read alike (rounding keeps the order, so
 * neighbours are the only ones that can meet; a sign keeps a negative
 * amount apart from a positive one). */
static int decimals_for(const int64_t *v, size_t n, uint64_t max, int pow)
{
    kz_money_scale sc = {pow, base_decimals(max, pow)};
    for (; sc.decimals < sc.pow + 2; sc.decimals++) {
        bool ok = true;
        for (size_t i = 0; i < n && ok; i++) {
            if (v[i] != 0 && scaled(v[i], sc) == 0)
                ok = false;
            if (i > 0 && v[i] != v[i - 1] && (v[i] < 0) == (v[i - 1] < 0) &&
                scaled(v[i], sc) == scaled(v[i - 1], sc))
                ok = false;
        }
        if (ok)
            break;
    }
    return sc.decimals;
}

kz_money_scale kz_money_scale_for(const int64_t *cents, size_t n)
{
    uint64_t max = 0;
    for (size_t i = 0; i < n; i++)
        if (magnitude(cents[i]) > max)
            max = magnitude(cents[i]);
    kz_money_scale sc = {unit_for(max), 0};
    sc.decimals = base_decimals(max, sc.pow);
    if (n == 0)
        return sc;
    int64_t *v = malloc(n * sizeof *v);
    if (!v)
        return (kz_money_scale){0, 2};
    memcpy(v, cents, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_i64);
    /* the largest unit, from the largest amount's down, in which the row
     * needs at most two decimals more than the largest amount's own
     * three digits: 2.00B beside 240k would read 0.00024B, and reads
     * 2,000,000k beside 240k; units (with their cents) always do */
    for (;;) {
        sc.decimals = decimals_for(v, n, max, sc.pow);
        if (sc.pow == 0 || sc.decimals - base_decimals(max, sc.pow) <= 2)
            break;
        sc.pow -= 3;
    }
    free(v);
    return sc;
}

/* The unit of a shortened amount: k, M, B, or with words (one amount on
 * its own, in Persian digits) هزار, میلیون, میلیارد. */
static const char *suffix_of(int pow, bool words)
{
    if (words)
        return pow == 3 ? " هزار" : pow == 6 ? " میلیون" : pow == 9 ? " میلیارد" : "";
    return pow == 3 ? "k" : pow == 6 ? "M" : pow == 9 ? "B" : "";
}

static void short_form(int64_t cents, kz_money_scale sc, const char *currency, bool words,
                       char *out, size_t outlen)
{
    if (sc.pow != 0 && sc.pow != 3 && sc.pow != 6 && sc.pow != 9)
        sc.pow = 0;
    if (sc.decimals < 0 || sc.decimals > sc.pow + 2)
        sc.decimals = sc.pow + 2;
    uint64_t q = scaled(cents, sc);
    char num[96] = "0"; /* zero reads 0 in any scale */
    if (cents != 0)
        grouped(q, sc.decimals, suffix_of(sc.pow, words), num, sizeof num);
    with_currency(cents < 0 && q > 0, num, currency, out, outlen);
    kz_digits_show(out, outlen);
}

void kz_money_short(int64_t cents, kz_money_scale sc, const char *currency, char *out,
                    size_t outlen)
{
    short_form(cents, sc, currency, false, out, outlen);
}

void kz_num_show(int64_t v, char *out, size_t outlen)
{
    char num[96];
    grouped(magnitude(v), 0, "", num, sizeof num);
    snprintf(out, outlen, "%s%s", v < 0 ? "-" : "", num);
    kz_digits_show(out, outlen);
}

void kz_money_compact(int64_t cents, const char *currency, char *out, size_t outlen)
{
    kz_money_scale sc = kz_money_scale_for(&cents, 1);
    uint64_t q = scaled(cents, sc);
    /* 999,950 reads 1.00M rather than 1000k */
    if ((sc.pow == 0 && q >= 10000) ||
        (sc.pow > 0 && sc.pow < 9 && q >= (uint64_t)pow10s[sc.decimals + 3])) {
        sc.pow += 3;
        sc.decimals = 2;
        q = scaled(cents, sc);
    }
    while (sc.decimals > 0 && q % 10 == 0) {
        sc.decimals--;
        q /= 10;
    }
    short_form(cents, sc, currency, persian_digits(), out, outlen);
}

struct json_t *kz_money_json(int64_t cents)
{
    if (cents % 100 == 0)
        return json_integer(cents / 100);
    return json_real((double)cents / 100.0);
}
