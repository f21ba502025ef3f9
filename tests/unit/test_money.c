/* Money: the parser, the exact, full, shortened and row formatters, JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/money.h"
#include "kariz/prefs.h"
#include "kariz/text.h"

static void test_parse(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int64_t cents;
    } good[] = {
        {"12500", 1250000},       {"12500.5", 1250050},      {"12500.50", 1250050},
        {"12,500.05", 1250005},   {"1,234.50", 123450},      {"$1200", 120000},
        {" 7 ", 700},             {"0.99", 99},              {"\xe2\x82\xac" "40", 4000},
        {"45k", 4500000},         {"45K", 4500000},          {"1.2M", 120000000},
        {"1.01M", 101000000},     {"3B", 300000000000},       {"12.5k", 1250000},
        {"1.234567M", 123456700}, {"45k EUR", 4500000},      {"EUR 1,234.50", 123450},
        {"\xe2\x82\xac" "1.2M", 120000000}, {"1,234,567 \xe2\x82\xac", 123456700},
        {"0", 0},                 {"-0", 0},                 {"12345678901.23", 1234567890123},
        {"999,999,999,999,999.99", 99999999999999999}, {"1,000,000B", 100000000000000000},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int64_t v = -1;
        kz_err err;
        if (kz_money_parse(good[i].in, &v, &err) != KZ_OK)
            fail_msg("\"%s\": %s", good[i].in, err.msg);
        assert_int_equal(v, good[i].cents);
    }
    static const char *const bad[] = {"",     "abc",       "1.234",   "12 500",  "1..2",
                                      "$",    "--1",       "12 apples", "k",     "1.2.3",
                                      "1.2MM", "$12 EUR",  "1.2345678k", "45 k",    "12eur",
                                      "99999999999999999999", "1,000,000,000,000,000.01",
                                      "1,2", "12,5000", "1.234,50"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v = 7;
        kz_err err;
        if (kz_money_parse(bad[i], &v, &err) != KZ_EINVAL)
            fail_msg("\"%s\" was taken as %lld", bad[i], (long long)v);
        assert_int_equal(v, 7);
        assert_non_null(strstr(err.msg, bad[i])); /* the message quotes what was typed */
    }
}

static void test_negative_refused(void **state)
{
    (void)state;
    int64_t v = 7;
    kz_err err;
    assert_int_equal(kz_money_parse("-30", &v, &err), KZ_EINVAL);
    assert_string_equal(err.msg, "\"-30\" is negative; expected an amount of 0 or more");
    assert_int_equal(kz_money_parse("-$5k", &v, &err), KZ_EINVAL);
    assert_int_equal(kz_money_parse("$-5", &v, &err), KZ_EINVAL);
    assert_int_equal(v, 7);
    assert_int_equal(kz_money_parse("1.234", &v, &err), KZ_EINVAL);
    assert_string_equal(err.msg, "\"1.234\" is more precise than a cent");
    /* what was typed is quoted made printable, never raw */
    assert_int_equal(kz_money_parse("\x1b[2J5", &v, &err), KZ_EINVAL);
    assert_null(strchr(err.msg, '\x1b'));
}

static void test_plain_and_full(void **state)
{
    (void)state;
    char buf[64];
    kz_money_plain(1250050, buf, sizeof buf);
    assert_string_equal(buf, "12500.50");
    kz_money_plain(1250000, buf, sizeof buf);
    assert_string_equal(buf, "12500");
    kz_money_plain(-5, buf, sizeof buf);
    assert_string_equal(buf, "-0.05");
    kz_money_full(123456789, NULL, buf, sizeof buf);
    assert_string_equal(buf, "1,234,567.89");
    kz_money_full(123456700, "", buf, sizeof buf);
    assert_string_equal(buf, "1,234,567");
    kz_money_full(99900, "EUR", buf, sizeof buf);
    assert_string_equal(buf, "999 EUR");
    kz_money_full(123456700, "\xe2\x82\xac", buf, sizeof buf);
    assert_string_equal(buf, "\xe2\x82\xac" "1,234,567");
    kz_money_full(-100000, "$", buf, sizeof buf);
    assert_string_equal(buf, "-$1,000");
}

static void test_compact_rounds(void **state)
{
    (void)state;
    static const struct {
        int64_t cents;
        const char *out;
    } cases[] = {
        {0, "0"},                   {98000, "980"},         {999900, "9,999"},
        {4500000, "45k"},           {1250000, "12.5k"},     {1299999, "13k"},
        {123456700, "1.23M"},       {108000000, "1.08M"},   {120000000, "1.2M"},
        {199999900, "2M"},          {99995000, "1M"},       {300000000000, "3B"},
        {-4500000, "-45k"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        kz_money_compact(cases[i].cents, NULL, buf, sizeof buf);
        if (strcmp(buf, cases[i].out) != 0)
            fail_msg("%lld cents: \"%s\", expected \"%s\"", (long long)cases[i].cents, buf,
                     cases[i].out);
    }
    char buf[64];
    kz_money_compact(4500000, "EUR", buf, sizeof buf);
    assert_string_equal(buf, "45k EUR");
    kz_money_compact(120000000, "\xe2\x82\xac", buf, sizeof buf);
    assert_string_equal(buf, "\xe2\x82\xac" "1.2M");
}

/* Every value of a row in its scale, joined by spaces. */
static void row(const int64_t *v, size_t n, char *out, size_t outlen)
{
    kz_money_scale sc = kz_money_scale_for(v, n);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char one[64];
        kz_money_short(v[i], sc, NULL, one, sizeof one);
        if (i)
            strncat(out, " ", outlen - strlen(out) - 1);
        strncat(out, one, outlen - strlen(out) - 1);
    }
}

static void test_row_scale(void **state)
{
    (void)state;
    static const struct {
        int64_t v[4];
        size_t n;
        const char *want;
    } rows[] = {
        /* one unit for the row, and values that differ never read alike */
        {{101200000, 108000000}, 2, "1.01M 1.08M"},
        {{101200000, 101250000, 500000}, 3, "1.012M 1.013M 0.005M"},
        /* no amount other than zero reads 0 */
        {{250000000, 4500000, 0}, 3, "2.50M 0.05M 0"},
        /* equal amounts stay equal; a row of small amounts keeps its units */
        {{120000, 120000, 99900}, 3, "1,200 1,200 999"},
        {{10, 30}, 2, "0.1 0.3"},
        /* amounts a cent apart in a large row: down to the cent, in units
         * rather than with eight decimals of a million */
        {{123456789, 123456788}, 2, "1,234,567.89 1,234,567.88"},
        /* billions beside thousands: a unit in which the small ones read
         * with a decimal or two at most, not 0.0000012B ... */
        {{200000000000, 24000000, 120000}, 3, "2,000,000k 240k 1k"},
        /* ... and no further down than that takes */
        {{200000000000, 2400000000}, 2, "2.00B 0.02B"},
        {{0}, 0, ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char buf[256];
        row(rows[i].n ? rows[i].v : NULL, rows[i].n, buf, sizeof buf);
        assert_string_equal(buf, rows[i].want);
    }
}

static void test_json_exact(void **state)
{
    (void)state;
    static const struct {
        int64_t cents;
        const char *text;
    } cases[] = {
        {30, "0.3"},                       /* 0.1 + 0.2 */
        {123456789, "1234567.89"},         {1234567890123, "12345678901.23"},
        {999999999999999, "9999999999999.99"}, {1250000, "12500"},
        {99999999999999900, "999999999999999"}, {5, "0.05"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *j = kz_money_json(cases[i].cents);
        char *s = json_dumps(j, JSON_ENCODE_ANY | KZ_MONEY_JSON_FLAGS);
        assert_string_equal(s, cases[i].text);
        free(s);
        json_decref(j);
    }
}

static void use_digits(const char *digits)
{
    setenv("KARIZ_DIGITS", digits, 1);
    kz_prefs_reset();
}

/* Persian and Arabic-Indic digits, their separators and the Persian scale
 * words are read as amounts, and what the Persian formatters write reads
 * back. */
static void test_parse_persian_digits(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int64_t cents;
    } good[] = {
        {"۱۲۵۰۰", 1250000},           {"۱۲٬۵۰۰٫۵۰", 1250050},     {"١٢٥٠٠", 1250000},
        {"١٢٬٥٠٠", 1250000},          {"۱۲,۵۰۰", 1250000},        {"۴۵k", 4500000},
        {"۱٫۲ میلیون", 120000000},   {"۴۵ هزار", 4500000},        {"۳ میلیارد", 300000000000},
        {"۱٬۲۰۰٬۰۰۰ تومان", 120000000}, {"1,200,000 IRT", 120000000}, {"۵۰۰ ریال", 50000},
        {"۱٫۲ میلیون تومان", 120000000}, {"12۵00", 1250000},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int64_t v = -1;
        kz_err err;
        if (kz_money_parse(good[i].in, &v, &err) != KZ_OK)
            fail_msg("\"%s\": %s", good[i].in, err.msg);
        assert_int_equal(v, good[i].cents);
    }
    int64_t v;
    kz_err err;
    assert_int_equal(kz_money_parse("۱۲ apples", &v, &err), KZ_EINVAL);
    /* the message quotes what was typed, not its Latin form */
    assert_non_null(strstr(err.msg, "\"۱۲ apples\""));
}

static void test_persian_display(void **state)
{
    (void)state;
    char out[128];
    use_digits("persian");
    kz_money_full(123456789, NULL, out, sizeof out);
    assert_string_equal(out, "۱٬۲۳۴٬۵۶۷٫۸۹");
    kz_money_full(120000000, "IRT", out, sizeof out);
    assert_string_equal(out, "۱٬۲۰۰٬۰۰۰ تومان");
    kz_money_full(120000000, "IRR", out, sizeof out);
    assert_string_equal(out, "۱٬۲۰۰٬۰۰۰ ریال");
    kz_money_full(120000049, "IRT", out, sizeof out); /* whole: no minor units */
    assert_string_equal(out, "۱٬۲۰۰٬۰۰۰ تومان");
    kz_money_compact(120000000, "IRT", out, sizeof out);
    assert_string_equal(out, "۱٫۲ میلیون تومان");
    kz_money_compact(4500000, NULL, out, sizeof out);
    assert_string_equal(out, "۴۵ هزار");
    kz_money_scale sc = {6, 1};
    kz_money_short(120000000, sc, "IRT", out, sizeof out); /* a row: narrow */
    assert_string_equal(out, "۱٫۲M تومان");
    kz_money_compact(98000, "EUR", out, sizeof out);
    assert_string_equal(out, "۹۸۰ EUR");
    int64_t back = 0;
    kz_money_compact(120000000, "IRT", out, sizeof out);
    assert_int_equal(kz_money_parse(out, &back, NULL), KZ_OK);
    assert_int_equal(back, 120000000);
    kz_num_show(1234567, out, sizeof out);
    assert_string_equal(out, "۱٬۲۳۴٬۵۶۷");
    kz_num_show(-42, out, sizeof out);
    assert_string_equal(out, "-۴۲");
    /* the exact forms stay Latin whatever the digits */
    kz_money_plain(123456789, out, sizeof out);
    assert_string_equal(out, "1234567.89");
    json_t *j = kz_money_json(120000000);
    assert_int_equal(json_integer_value(j), 1200000);
    json_decref(j);

    use_digits("latin");
    kz_money_full(120000000, "IRT", out, sizeof out);
    assert_string_equal(out, "1,200,000 IRT");
    kz_money_full(120000000, "IRR", out, sizeof out);
    assert_string_equal(out, "1,200,000 IRR");
    kz_money_compact(120000000, "IRT", out, sizeof out);
    assert_string_equal(out, "1.2M IRT");
    kz_num_show(1234567, out, sizeof out);
    assert_string_equal(out, "1,234,567");
    unsetenv("KARIZ_DIGITS");
    kz_prefs_reset();
}

static void test_digit_text(void **state)
{
    (void)state;
    kz_buf b = KZ_BUF_INIT;
    kz_text_digits(&b, "1,234.5 and 3, then .5", true);
    assert_string_equal(kz_buf_str(&b), "۱٬۲۳۴٫۵ and ۳, then .۵");
    kz_buf_reset(&b);
    kz_text_digits(&b, "1,234.5", false);
    assert_string_equal(kz_buf_str(&b), "1,234.5");
    kz_buf_reset(&b);
    assert_true(kz_text_latin_digits(&b, "۱۴۰۵/۹/۱۵ ٣٤ ۱٬۲۳۴٫۵"));
    assert_string_equal(kz_buf_str(&b), "1405/9/15 34 1,234.5");
    kz_buf_reset(&b);
    assert_false(kz_text_latin_digits(&b, "plain 12, آذر"));
    assert_string_equal(kz_buf_str(&b), "plain 12, آذر");
    kz_buf_free(&b);
}

int main(void)
{
    unsetenv("KARIZ_DIGITS");
    setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
    setenv("LANG", "C", 1);
    unsetenv("LANGUAGE");
    unsetenv("LC_ALL");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),          cmocka_unit_test(test_negative_refused),
        cmocka_unit_test(test_plain_and_full), cmocka_unit_test(test_compact_rounds),
        cmocka_unit_test(test_row_scale),      cmocka_unit_test(test_json_exact),
        cmocka_unit_test(test_parse_persian_digits), cmocka_unit_test(test_persian_display),
        cmocka_unit_test(test_digit_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
