/* Report rendering: percentiles, bars (Unicode eighths and ASCII), table
 * layout for a width, untrusted text, CSV and JSON forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/report.h"
#include "kariz/text.h"

static void near(double got, double want)
{
    if (fabs(got - want) > 1e-9)
        fail_msg("got %.12g, expected %.12g", got, want);
}

static void test_percentile(void **state)
{
    (void)state;
    near(kz_percentile(NULL, 0, 0.5), 0);
    const double one[] = {7};
    near(kz_percentile(one, 1, 0.5), 7);
    near(kz_percentile(one, 1, 0.9), 7);
    const double odd[] = {1, 2, 3, 4, 100};
    near(kz_percentile(odd, 5, 0.5), 3);      /* the middle one */
    near(kz_percentile(odd, 5, 0.9), 61.6);   /* rank 3.6: 4 + .6 x 96 */
    const double even[] = {1, 2, 3, 4};
    near(kz_percentile(even, 4, 0.5), 2.5);   /* mean of the middle two */
    near(kz_percentile(even, 4, 0.9), 3.7);   /* rank 2.7: 3 + .7 x 1 */
    near(kz_percentile(even, 4, 0), 1);
    near(kz_percentile(even, 4, 1), 4);
    const double ten[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    near(kz_percentile(ten, 10, 0.9), 9.1);   /* rank 8.1 */
    near(kz_percentile(ten, 10, 0.5), 5.5);
    const double same[] = {2, 2, 2};
    near(kz_percentile(same, 3, 0.9), 2);
}

static char *bar(double frac, int cols, bool unicode, int *used)
{
    kz_buf b = KZ_BUF_INIT;
    *used = kz_report_bar(&b, frac, cols, unicode);
    char *s = kz_buf_take(&b);
    return s ? s : kz_xstrdup("");
}

static void expect_bar(double frac, int cols, bool unicode, const char *want, int want_used)
{
    int used;
    char *s = bar(frac, cols, unicode, &used);
    if (strcmp(s, want) != 0)
        fail_msg("bar(%g, %d, %d) = \"%s\", expected \"%s\"", frac, cols, unicode, s, want);
    assert_int_equal(used, want_used);
    assert_int_equal(kz_text_width(s), want_used);
    free(s);
}

static void test_bars_unicode(void **state)
{
    (void)state;
    expect_bar(0.5, 10, true, "█████", 5);
    expect_bar(1.0, 4, true, "████", 4);
    expect_bar(2.0, 4, true, "████", 4);          /* clamped */
    expect_bar(0.55, 10, true, "█████▌", 6);      /* 44 eighths: 5 full + 4/8 */
    expect_bar(0.0125, 10, true, "▏", 1);        /* 1 eighth */
    expect_bar(0.025, 10, true, "▎", 1);
    expect_bar(0.0375, 10, true, "▍", 1);
    expect_bar(0.0625, 10, true, "▋", 1);
    expect_bar(0.075, 10, true, "▊", 1);
    expect_bar(0.0875, 10, true, "▉", 1);
    expect_bar(0.1, 10, true, "█", 1);
    expect_bar(0.0001, 10, true, "▏", 1);        /* never invisible */
    expect_bar(0, 10, true, "", 0);
    expect_bar(-1, 10, true, "", 0);
    expect_bar(0.5, 0, true, "", 0);
    expect_bar(0.99, 3, true, "███", 3);          /* 23.76 -> 24 eighths */
}

static void test_bars_ascii(void **state)
{
    (void)state;
    expect_bar(0.5, 10, false, "#####", 5);
    expect_bar(0.55, 10, false, "######", 6); /* 5.5 rounds up */
    expect_bar(0.54, 10, false, "#####", 5);
    expect_bar(0.001, 10, false, "#", 1);
    expect_bar(1.5, 3, false, "###", 3);
    expect_bar(0, 3, false, "", 0);
}

static const kz_rcol cols[] = {
    {"owner", "OWNER", KZ_RT_TEXT},
    {"deals", "DEALS", KZ_RT_COUNT},
    {"value", "VALUE", KZ_RT_MONEY},
};

static void sample(kz_report *r, const char *evil)
{
    kz_report_init(r);
    r->name = "sample";
    r->title = "Sample";
    r->now = 0;
    kz_rtable *t = kz_report_table(r, "owners", "By owner", cols, 3, "deals");
    kz_rcell *row = kz_rtable_row(t);
    kz_rcell_text(&row[0], "alice");
    kz_rcell_int(&row[1], 4);
    kz_rcell_int(&row[2], 1250050);
    row = kz_rtable_row(t);
    kz_rcell_text(&row[0], evil);
    kz_rcell_int(&row[1], 1);
    kz_rcell_int(&row[2], 0);
    row = kz_rtable_row(t);
    kz_rcell_text(&row[0], "carol");
    kz_rcell_int(&row[1], 0);
    /* value left null */
}

static void test_render_unicode(void **state)
{
    (void)state;
    kz_report r;
    sample(&r, "bob");
    kz_lines l = {0};
    kz_report_render(&r, 40, true, &l);
    /* widths: OWNER 5, DEALS 5, VALUE 5 ("12.5k": one scale for the
     * column) -> 5+2+5+2+5 = 19; the bars chart DEALS and stand beside it,
     * 40 - 19 - 2 = 19 columns wide; 4 of 4 deals = 19 blocks, 1 of 4 =
     * 4.75 blocks */
    const char *want[] = {
        "Sample, all time",
        "",
        "By owner",
        "OWNER  DEALS                       VALUE",
        "alice      4  ███████████████████  12.5k",
        "bob        1  ████▊                    0",
        "carol      0                           -",
    };
    assert_int_equal(l.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < l.n; i++)
        assert_string_equal(l.v[i], want[i]);
    kz_lines_free(&l);
    kz_report_free(&r);
}

static void test_render_bar_cap(void **state)
{
    (void)state;
    kz_report r;
    sample(&r, "bob");
    kz_lines l = {0};
    kz_report_render(&r, 200, false, &l);
    /* 200 columns leave 179 for bars; they stop at 60 */
    assert_string_equal(l.v[4] + 14,
                        "############################################################  12.5k");
    assert_int_equal(strlen(l.v[4]), 14 + 60 + 7);
    kz_lines_free(&l);
    kz_report_free(&r);
}

static void test_render_ascii(void **state)
{
    (void)state;
    kz_report r;
    sample(&r, "bob");
    r.from_day = 20454; /* 2026-01-01 */
    r.to_day = 20484;   /* 2026-01-31 */
    r.owner = kz_xstrdup("alice");
    kz_lines l = {0};
    kz_report_render(&r, 30, false, &l);
    /* bar: 30 - 19 - 2 = 9 columns; 1 of 4 -> 2.25 -> 2 */
    assert_string_equal(l.v[0], "Sample, 2026-01-01 to 2026-01…");
    assert_string_equal(l.v[4], "alice      4  #########  12.5k");
    assert_string_equal(l.v[5], "bob        1  ##             0");
    for (size_t i = 0; i < l.n; i++)
        assert_null(strstr(l.v[i], "\xe2\x96")); /* no block characters */
    kz_lines_free(&l);
    kz_report_free(&r);
}

static void test_render_widths(void **state)
{
    (void)state;
    kz_report r;
    sample(&r, "\xe5\xbc\xa0\xe4\xbc\x9f\xe5\xbc\xa0\xe4\xbc\x9f\xe5\xbc\xa0\xe4\xbc\x9f"
               "\xe5\xbc\xa0\xe4\xbc\x9f\xe5\xbc\xa0\xe4\xbc\x9f\xe5\xbc\xa0\xe4\xbc\x9f");
    kz_report_note(&r, "A note long enough to be wrapped over several lines of a narrow "
                       "terminal, with a supercalifragilisticexpialidociouslylongword in it.");
    for (int w = 20; w <= 120; w++) {
        for (int u = 0; u < 2; u++) {
            kz_lines l = {0};
            kz_report_render(&r, w, u, &l);
            assert_true(l.n >= 7);
            for (size_t i = 0; i < l.n; i++) {
                if (kz_text_width(l.v[i]) > w)
                    fail_msg("width %d: line %zu is %d columns: %s", w, i,
                             kz_text_width(l.v[i]), l.v[i]);
            }
            kz_lines_free(&l);
        }
    }
    /* below 20 the layout keeps 20 columns */
    kz_lines l = {0};
    kz_report_render(&r, 5, true, &l);
    for (size_t i = 0; i < l.n; i++)
        assert_true(kz_text_width(l.v[i]) <= 20);
    kz_lines_free(&l);
    kz_report_free(&r);
}

static void test_render_sanitises_data(void **state)
{
    (void)state;
    kz_report r;
    sample(&r, "ev\x1b[31mil\r\xe2\x80\xae" "x\x9b");
    free(r.owner);
    r.owner = kz_xstrdup("m\x1b]0;pwn\x07");
    kz_lines l = {0};
    kz_report_render(&r, 80, true, &l);
    for (size_t i = 0; i < l.n; i++) {
        assert_null(strchr(l.v[i], '\x1b'));
        assert_null(strchr(l.v[i], '\r'));
        assert_null(strchr(l.v[i], '\x07'));
        assert_null(strstr(l.v[i], "\xe2\x80\xae")); /* RIGHT-TO-LEFT OVERRIDE */
        assert_true(kz_utf8_valid(l.v[i], strlen(l.v[i])));
    }
    kz_lines_free(&l);
    kz_report_free(&r);
}

static void test_render_empty_table(void **state)
{
    (void)state;
    kz_report r;
    kz_report_init(&r);
    r.name = "empty";
    r.title = "Empty";
    kz_report_table(&r, "owners", "By owner", cols, 3, "deals");
    kz_lines l = {0};
    kz_report_render(&r, 60, true, &l);
    assert_string_equal(l.v[l.n - 1], "(nothing in this period)");
    kz_lines_free(&l);
    kz_report_free(&r);
}

static void test_csv(void **state)
{
    (void)state;
    kz_report r;
    sample(&r, "O'Brien, \"Bo\"");
    kz_buf b = KZ_BUF_INIT;
    kz_report_csv(&r, &b);
    assert_string_equal(kz_buf_str(&b), "table,owner,deals,value\r\n"
                                        "owners,alice,4,12500.50\r\n"
                                        "owners,\"O'Brien, \"\"Bo\"\"\",1,0\r\n"
                                        "owners,carol,0,\r\n");
    kz_buf_free(&b);
    kz_report_free(&r);
}

static void test_json(void **state)
{
    (void)state;
    kz_report r;
    sample(&r, "bad \xff byte");
    kz_report_note(&r, "a note");
    r.from_day = 20454;
    kz_buf b = KZ_BUF_INIT;
    kz_report_json(&r, &b);
    const char *want = "{\n"
                       "  \"report\": \"sample\",\n"
                       "  \"from\": \"2026-01-01\",\n"
                       "  \"to\": null,\n"
                       "  \"owner\": null,\n"
                       "  \"generated\": \"1970-01-01T00:00:00Z\",\n"
                       "  \"owners\": [\n"
                       "    {\n"
                       "      \"owner\": \"alice\",\n"
                       "      \"deals\": 4,\n"
                       "      \"value\": 12500.5\n"
                       "    },\n"
                       "    {\n"
                       "      \"owner\": \"bad \xef\xbf\xbd byte\",\n"
                       "      \"deals\": 1,\n"
                       "      \"value\": 0\n"
                       "    },\n"
                       "    {\n"
                       "      \"owner\": \"carol\",\n"
                       "      \"deals\": 0,\n"
                       "      \"value\": null\n"
                       "    }\n"
                       "  ],\n"
                       "  \"notes\": [\n"
                       "    \"a note\"\n"
                       "  ]\n"
                       "}\n";
    assert_string_equal(kz_buf_str(&b), want);
    kz_buf_free(&b);
    kz_report_free(&r);
}

static void test_rates(void **state)
{
    (void)state;
    kz_rcell c;
    memset(&c, 0, sizeof c);
    kz_rcell_rate(&c, 1, 3);
    assert_false(c.null);
    near(c.d, 100.0 / 3.0);
    kz_rcell_rate(&c, 1, 0);
    assert_true(c.null);
}

/* A table's amounts share one unit, rounded, with the decimals that keep
 * different amounts apart: 1,012,000 and 1,080,000 never both read 1.0M. */
static void test_render_money_one_scale(void **state)
{
    (void)state;
    static const kz_rcol mcols[] = {
        {"owner", "OWNER", KZ_RT_TEXT},
        {"value", "VALUE", KZ_RT_MONEY},
        {"weighted", "WEIGHTED", KZ_RT_MONEY},
    };
    kz_report r;
    kz_report_init(&r);
    r.name = "money";
    r.title = "Money";
    r.currency = "EUR";
    kz_rtable *t = kz_report_table(&r, "owners", "By owner", mcols, 3, NULL);
    kz_rcell *row = kz_rtable_row(t);
    kz_rcell_text(&row[0], "alice");
    kz_rcell_int(&row[1], 101200000);
    kz_rcell_int(&row[2], 5060000);
    row = kz_rtable_row(t);
    kz_rcell_text(&row[0], "bob");
    kz_rcell_int(&row[1], 108000000);
    kz_rcell_int(&row[2], 54000000);
    kz_lines l = {0};
    kz_report_render(&r, 80, true, &l);
    assert_string_equal(l.v[3], "OWNER      VALUE   WEIGHTED");
    assert_string_equal(l.v[4], "alice  1.01M EUR  0.05M EUR");
    assert_string_equal(l.v[5], "bob    1.08M EUR  0.54M EUR");
    kz_lines_free(&l);
    kz_buf csv = KZ_BUF_INIT;
    kz_report_csv(&r, &csv);
    assert_non_null(strstr(kz_buf_str(&csv), "owners,alice,1012000,50600\r\n"));
    kz_buf_free(&csv);
    kz_report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percentile),
        cmocka_unit_test(test_bars_unicode),
        cmocka_unit_test(test_bars_ascii),
        cmocka_unit_test(test_render_unicode),
        cmocka_unit_test(test_render_money_one_scale),
        cmocka_unit_test(test_render_ascii),
        cmocka_unit_test(test_render_bar_cap),
        cmocka_unit_test(test_render_widths),
        cmocka_unit_test(test_render_sanitises_data),
        cmocka_unit_test(test_render_empty_table),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_rates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
