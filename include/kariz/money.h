/* money.h - amounts of money: the one parser and the one set of formatters
 * that the board, the detail view, triage, reports and the CLI share.
 *
 * An amount is an int64_t in minor units (cents): 1250050 is 12,500.50.
 * The currency is text from the rules file (`currency: EUR` or
 * `currency: "€"`), or NULL/"" for none: a symbol is written before the
 * number ("€45k"), a code after it ("45k EUR"). Toman (`IRT`) and rial
 * (`IRR`) are whole: no minor units are shown, and the unit follows the
 * number ("1,200,000 IRT"; with Persian digits "۱٬۲۰۰٬۰۰۰ تومان",
 * "۱٬۲۰۰ ریال").
 *
 * The formatters for people write the digits in force (kz_prefs: ۱٬۲۳۴٫۵
 * when digits are Persian; one amount shortened on its own reads
 * "۱٫۲ میلیون", a row in one scale "۱٫۲M" to stay narrow); the
 * plain and JSON forms are always Latin. The parser reads Persian and
 * Arabic-Indic digits as well as Latin ones. No other I/O. */
#ifndef KARIZ_MONEY_H
#define KARIZ_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kariz/status.h"

/* The largest amount kariz takes: 1,000,000,000,000,000 (a quadrillion, in
 * cents), so that every shortened form of an amount reads back. */
#define KZ_MONEY_MAX INT64_C(100000000000000000)

/* Parses what a person types, and what the formatters print: "12500",
 * "12,500.50", "45k", "1.2M", "3B", with or without a currency (a symbol
 * such as $ € £ ¥ before or after the number, or a three-letter code such
 * as EUR), in Latin, Persian or Arabic-Indic digits; "هزار", "میلیون" and
 * "میلیارد" read as k, M and B. A negative amount, more precision than a cent and anything that
 * is not an amount are refused; err (may be NULL) says which, quoting s. */
kz_status kz_money_parse(const char *s, int64_t *out, kz_err *err);

/* Room for a currency marker: a code, or a symbol of a few characters. */
#define KZ_CURRENCY_MAX 32

/* kz_money_parse that also gives the currency written with the amount, as
 * written ("€", "EUR", "تومان"), in cur (curlen bytes); "" when none. Whether
 * kariz knows it is kz_currency_known's to say. */
kz_status kz_money_parse_marker(const char *s, int64_t *out, char *cur, size_t curlen,
                                kz_err *err);

/* Whether marker names a currency kariz knows: an ISO 4217 code in use
 * (EUR), IRT (toman), or a symbol of one ($ € £ ¥ ₹ ﷼ ریال تومان...). */
bool kz_currency_known(const char *marker);
/* The code a known marker stands for ("€" -> "EUR", "$" -> "USD",
 * "تومان" -> "IRT", "EUR" -> "EUR"); an unknown one as it is. */
void kz_currency_code(const char *marker, char *out, size_t outlen);
/* Whether two markers (codes or symbols, as typed, as a lead holds its
 * currency or the rules name theirs) can name the same currency: "€" and
 * "EUR", "$" and "CAD"; not two different codes. */
bool kz_currency_same(const char *a, const char *b);

/* The exact amount, as CSV, events and field values carry it: 1250050
 * cents -> "12500.50", whole amounts without decimals ("12500"); no
 * separators, no currency. */
void kz_money_plain(int64_t cents, char *out, size_t outlen);

/* The full amount for people: thousands separators, cents only when there
 * are any, the currency: "€1,234,567.89", "12,500 EUR". */
void kz_money_full(int64_t cents, const char *currency, char *out, size_t outlen);

/* A shortened amount's unit and precision. */
typedef struct kz_money_scale {
    int pow;      /* 0 (units), 3 (k), 6 (M) or 9 (B) */
    int decimals; /* digits after the point, 0 .. pow + 2 */
} kz_money_scale;

/* The scale for a row of amounts shown side by side (a board's column
 * headers, a report column): one unit for all, and enough decimals
 * (rounded, never cut) that different amounts never read the same and no
 * amount other than zero reads 0. The unit is the largest amount's, or a
 * smaller one when that would take more than two decimals beyond the
 * largest amount's three digits (2,000,000k beside 240k, not 0.00024B). */
kz_money_scale kz_money_scale_for(const int64_t *cents, size_t n);

/* An amount in a given scale: "1.01M", "45k", "€9,999", "-1.2M EUR". */
void kz_money_short(int64_t cents, kz_money_scale sc, const char *currency, char *out,
                    size_t outlen);

/* One amount on its own, shortened to about three significant digits with
 * trailing zeros dropped: "45k", "1.2M", "12.5k", "980". */
void kz_money_compact(int64_t cents, const char *currency, char *out, size_t outlen);

/* A count or score for people: thousands separators and the digits in
 * force ("1,234", "۱٬۲۳۴"). */
void kz_num_show(int64_t v, char *out, size_t outlen);

/* The amount as a JSON number in major units that carries it exactly: an
 * integer when whole, else a real that json_dumps prints with its cents
 * and nothing more when given KZ_MONEY_JSON_FLAGS (for amounts below ten
 * trillion, the range a double holds to the cent). Needs <jansson.h>. */
struct json_t *kz_money_json(int64_t cents);
#define KZ_MONEY_JSON_FLAGS JSON_REAL_PRECISION(15)

#endif
