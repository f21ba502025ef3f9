/* Tests for text.c: sanitising, display widths, fitting, UTF-8, helpers. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kariz/buf.h"
#include "kariz/text.h"

/* ---- sanitising ----------------------------------------------------------- */

struct san_case {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    unsigned flags;
    const char *want;
};

static const struct san_case san_cases[] = {
    {"plain ascii", "Acme Ltd", 0, 0, "Acme Ltd"},
    {"persian kept", "\xd8\xb4\xd8\xb1\xda\xa9\xd8\xaa", 0, 0, "\xd8\xb4\xd8\xb1\xda\xa9\xd8\xaa"},
    {"cjk kept", "\xe4\xb8\xad\xe6\x96\x87", 0, 0, "\xe4\xb8\xad\xe6\x96\x87"},
    {"emoji kept", "\xf0\x9f\x9a\x80", 0, 0, "\xf0\x9f\x9a\x80"},
    /* ESC [ 2 J: clear screen becomes a visible ␛ followed by the text. */
    {"ESC[2J", "a\x1b[2Jb", 0, 0, "a\xe2\x90\x9b[2Jb"},
    /* OSC 0 title set terminated by BEL. */
    {"OSC title", "\x1b]0;pwned\x07", 0, 0, "\xe2\x90\x9b]0;pwned\xe2\x90\x87"},
    {"CR", "ok\rXX", 0, 0, "ok\xe2\x90\x8dXX"},
    {"BS", "ab\bc", 0, 0, "ab\xe2\x90\x88" "c"},
    {"NUL inside", "a\0b", 3, 0, "a\xe2\x90\x80" "b"},
    {"unit separator", "\x1f", 0, 0, "\xe2\x90\x9f"},
    {"DEL", "x\x7fy", 0, 0, "x\xe2\x90\xa1y"},
    {"TAB to space", "a\tb", 0, 0, "a b"},
    {"LF picture", "a\nb", 0, 0, "a\xe2\x90\xa4" "b"},
    {"LF space", "a\nb", 0, KZ_TEXT_NEWLINE_SPACE, "a b"},
    {"LF kept", "a\nb", 0, KZ_TEXT_KEEP_NEWLINE, "a\nb"},
    {"CRLF kept as LF", "a\r\nb", 0, KZ_TEXT_KEEP_NEWLINE, "a\nb"},
    {"CRLF one space", "a\r\nb", 0, KZ_TEXT_NEWLINE_SPACE, "a b"},
    {"CRLF pictures", "a\r\nb", 0, 0, "a\xe2\x90\x8d\xe2\x90\xa4" "b"},
    {"lone CR with keep", "a\rb", 0, KZ_TEXT_KEEP_NEWLINE, "a\xe2\x90\x8d" "b"},
    /* C1 CSI (U+009B) encoded properly is still a control. */
    {"C1 CSI", "\xc2\x9b" "31m", 0, 0, "\xef\xbf\xbd" "31m"},
    {"C1 NEL", "\xc2\x85", 0, 0, "\xef\xbf\xbd"},
    {"NBSP kept", "\xc2\xa0", 0, 0, "\xc2\xa0"},
    {"raw C1 byte", "\x9b", 0, 0, "\xef\xbf\xbd"},
    /* bidi controls and zero-width characters: always a visible marker */
    {"RLO shown", "abc\xe2\x80\xae" "def", 0, 0, "abc<U+202E>def"},
    {"RLO shown in a single line", "abc\xe2\x80\xae" "def", 0, KZ_TEXT_NEWLINE_SPACE,
     "abc<U+202E>def"},
    {"ZWSP shown", "a\xe2\x80\x8b" "b", 0, 0, "a<U+200B>b"},
    {"LRI..PDI shown", "\xe2\x81\xa6" "x\xe2\x81\xa9", 0, 0, "<U+2066>x<U+2069>"},
    {"ALM shown", "\xd8\x9c" "x", 0, 0, "<U+061C>x"},
    {"LRM shown", "\xe2\x80\x8e", 0, 0, "<U+200E>"},
    {"BOM shown", "\xef\xbb\xbfName", 0, 0, "<U+FEFF>Name"},
    {"line separator shown", "a\xe2\x80\xa8" "b", 0, 0, "a<U+2028>b"},
    {"invisible times shown", "a\xe2\x81\xa2" "b", 0, 0, "a<U+2062>b"},
    {"annotation anchor shown", "\xef\xbf\xb9", 0, 0, "<U+FFF9>"},
    {"ZWJ shown", "\xe2\x80\x8d", 0, 0, "<U+200D>"},
    {"word joiner shown", "\xe2\x81\xa0", 0, 0, "<U+2060>"},
    /* the zero-width non-joiner is Persian spelling (mi-khaham), kept */
    {"ZWNJ kept", "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae", 0, 0,
     "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae"},
    {"invalid 0xff", "a\xff" "b", 0, 0, "a\xef\xbf\xbd" "b"},
    {"stray continuation", "\x80", 0, 0, "\xef\xbf\xbd"},
    {"truncated 3-byte at end", "a\xe4\xb8", 0, 0, "a\xef\xbf\xbd\xef\xbf\xbd"},
    {"truncated 2-byte then ascii", "\xd8" "A", 0, 0, "\xef\xbf\xbd" "A"},
    {"truncated 4-byte", "\xf0\x9f\x9a", 0, 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"overlong slash", "\xc0\xaf", 0, 0, "\xef\xbf\xbd\xef\xbf\xbd"},
    {"overlong 3-byte", "\xe0\x80\xaf", 0, 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"surrogate", "\xed\xa0\x80", 0, 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"above U+10FFFF", "\xf4\x90\x80\x80", 0, 0,
     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"empty", "", 0, 0, ""},
};

static void test_sanitize_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof san_cases / sizeof san_cases[0]; i++) {
        const struct san_case *c = &san_cases[i];
        kz_buf b = KZ_BUF_INIT;
        size_t n = c->len ? c->len : strlen(c->in);
        kz_text_sanitize(&b, c->in, n, c->flags);
        if (strcmp(kz_buf_str(&b), c->want) != 0)
            fail_msg("case \"%s\": got \"%s\"", c->name, kz_buf_str(&b));
        assert_true(kz_utf8_valid(b.s ? b.s : "", b.len));
        kz_buf_free(&b);
    }
}

/* What a paste types into a one-line prompt: escape sequences dropped
 * whole (so none of their bytes becomes keys or text), line breaks and
 * tabs a space each, other controls dropped. */
static void test_paste_table(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"see log \x1b[0m fix later", "see log  fix later"},
        {"\x1b[31mred\x1b[0m", "red"},
        {"\x1b[38;2;255;0;0mrgb", "rgb"},
        {"title \x1b]0;pwned\x07" "end", "title end"},
        {"title \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "title link"},
        {"a\x1bxb", "ab"},
        {"line one\r\nline two\nthree\rfour\tfive", "line one line two three four five"},
        {"bell\x07 del\x7f c1\xc2\x9b end", "bell del c1 end"},
        {"\xd9\x85\xd8\xb1\xdb\x8c\xd9\x85 \xe2\x80\x8c ok", "\xd9\x85\xd8\xb1\xdb\x8c\xd9\x85 \xe2\x80\x8c ok"},
        {"bad \xff byte", "bad \xef\xbf\xbd byte"},
        {"cut at the end \x1b[", "cut at the end "},
        {"cut osc \x1b]0;never ends", "cut osc "},
        {"\x1b", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kz_buf b = KZ_BUF_INIT;
        kz_buf_puts(&b, "");
        kz_text_paste(&b, cases[i].in, strlen(cases[i].in));
        if (strcmp(kz_buf_str(&b), cases[i].want) != 0)
            fail_msg("case %zu: got \"%s\"", i, kz_buf_str(&b));
        kz_buf_free(&b);
    }
}

static void test_sanitize_appends(void **state)
{
    (void)state;
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "x:");
    kz_text_sanitize(&b, "y", 1, 0);
    assert_string_equal(kz_buf_str(&b), "x:y");
    kz_buf_free(&b);
}

/* Every byte value alone: output is valid UTF-8 without C0 controls or DEL. */
static void test_sanitize_every_byte(void **state)
{
    (void)state;
    for (int v = 0; v < 256; v++) {
        char c = (char)v;
        kz_buf b = KZ_BUF_INIT;
        kz_text_sanitize(&b, &c, 1, 0);
        assert_true(b.len > 0);
        assert_true(kz_utf8_valid(b.s, b.len));
        for (size_t i = 0; i < b.len; i++) {
            unsigned char u = (unsigned char)b.s[i];
            assert_true(u >= 0x20 && u != 0x7f);
        }
        kz_buf_free(&b);
    }
}

/* ---- widths ---------------------------------------------------------------- */

struct width_case {
    const char *in;
    int want;
};

static const struct width_case width_cases[] = {
    {"", 0},
    {"abc", 3},
    {"\xe4\xb8\xad\xe6\x96\x87", 4},                  /* 中文: CJK = 2 each */
    {"\xed\x95\x9c", 2},                              /* 한 Hangul syllable */
    {"\xef\xbc\xa1", 2},                              /* Ａ fullwidth */
    {"\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85", 4},          /* سلام: Persian letters = 1 */
    {"\xdb\x8c", 1},                                  /* ی Farsi yeh */
    {"e\xcc\x81", 1},                                 /* e + combining acute = 1 */
    {"\xd8\xa8\xd9\x8e", 1},                          /* ب + fatha = 1 */
    {"\xf0\x9f\x9a\x80", 2},                          /* 🚀 U+1F680 */
    {"\xe2\x80\xa6", 1},                              /* … */
    {"\xef\xbf\xbd", 1},                              /* U+FFFD */
    {"\xe2\x90\x9b", 1},                              /* ␛ control picture */
    {"\xe2\x80\x8b", 8},                              /* ZWSP (shown as <U+200B>) */
    {"\xff", 1},                                      /* invalid byte shows as U+FFFD */
    {"\x1b", 1},                                      /* ESC shows as ␛ */
};

static void check_widths(void)
{
    for (size_t i = 0; i < sizeof width_cases / sizeof width_cases[0]; i++) {
        int w = kz_text_width(width_cases[i].in);
        if (w != width_cases[i].want)
            fail_msg("width case %zu: got %d, want %d", i, w, width_cases[i].want);
    }
}

static void test_width_table(void **state)
{
    (void)state;
    check_widths();
}

/* Widths must not depend on the process locale (C, or a UTF-8 one). */
static void test_width_locale_independent(void **state)
{
    (void)state;
    char *saved = NULL;
    const char *cur = setlocale(LC_ALL, NULL);
    char buf[256];
    if (cur) {
        strncpy(buf, cur, sizeof buf - 1);
        buf[sizeof buf - 1] = '\0';
        saved = buf;
    }
    assert_non_null(setlocale(LC_ALL, "C"));
    check_widths();
    if (setlocale(LC_ALL, "C.UTF-8"))
        check_widths();
    setlocale(LC_ALL, saved ? saved : "C");
}

static void test_char_width(void **state)
{
    (void)state;
    assert_int_equal(kz_char_width('a'), 1);
    assert_int_equal(kz_char_width(0x4E2D), 2);
    assert_int_equal(kz_char_width(0x0301), 0);
    assert_int_equal(kz_char_width(0x064E), 0);
    assert_int_equal(kz_char_width(0x1F680), 2);
    assert_int_equal(kz_char_width(0x202E), 8); /* "<U+202E>" */
    assert_int_equal(kz_char_width(0x200C), 0);
    assert_int_equal(kz_char_width(-1), 1);
    assert_int_equal(kz_char_width(0x9B), 1);
}

/* ---- fitting ------------------------------------------------------------------- */

struct fit_case {
    const char *in;
    int cols;
    bool ellipsis, pad;
    const char *want;
    int ret;
};

static const struct fit_case fit_cases[] = {
    {"hello", 10, true, false, "hello", 5},
    {"hello", 10, true, true, "hello     ", 10},
    {"hello", 5, true, true, "hello", 5},
    {"hello world", 8, true, false, "hello w\xe2\x80\xa6", 8},
    {"hello world", 8, false, false, "hello wo", 8},
    {"hello world", 8, false, true, "hello wo", 8},
    {"hello", 1, true, true, "\xe2\x80\xa6", 1},
    {"hello", 0, true, true, "", 0},
    {"hello", -3, true, true, "", 0},
    {"", 3, true, true, "   ", 3},
    {"", 3, true, false, "", 0},
    /* 中文字: 6 columns. 5 columns with ellipsis: 中文 (4) + … (1). */
    {"\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 5, true, false,
     "\xe4\xb8\xad\xe6\x96\x87\xe2\x80\xa6", 5},
    /* 4 columns with ellipsis: 中 (2) + … = 3; the second wide char would
     * straddle the edge, so it is dropped and padding fills the column. */
    {"\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 4, true, true, "\xe4\xb8\xad\xe2\x80\xa6 ", 4},
    {"\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 4, true, false, "\xe4\xb8\xad\xe2\x80\xa6", 3},
    /* Without ellipsis, 5 columns: 中文 and one pad space. */
    {"\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 5, false, true, "\xe4\xb8\xad\xe6\x96\x87 ", 5},
    {"\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 1, false, true, " ", 1},
    /* Mixed: a中b = 4 columns cut to 3 with ellipsis: a + … + pad (中 straddles). */
    {"a\xe4\xb8\xad" "bc", 3, true, true, "a\xe2\x80\xa6 ", 3},
    /* Combining mark stays with its base letter. */
    {"e\xcc\x81" "abc", 2, true, false, "e\xcc\x81\xe2\x80\xa6", 2},
    {"e\xcc\x81", 1, true, true, "e\xcc\x81", 1},
    /* Emoji at the edge. */
    {"ab\xf0\x9f\x9a\x80", 3, false, true, "ab ", 3},
    {"ab\xf0\x9f\x9a\x80", 4, false, true, "ab\xf0\x9f\x9a\x80", 4},
    /* Data is sanitised before fitting: ESC is a picture, LF a space. */
    {"a\x1b[2J", 10, true, false, "a\xe2\x90\x9b[2J", 5},
    {"a\nb", 10, true, false, "a b", 3},
    {"x\xe2\x80\xaey", 12, true, true, "x<U+202E>y  ", 12},
    /* Persian text: one column per letter. */
    {"\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85", 3, true, false, "\xd8\xb3\xd9\x84\xe2\x80\xa6", 3},
};

static void test_fit_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof fit_cases / sizeof fit_cases[0]; i++) {
        const struct fit_case *c = &fit_cases[i];
        kz_buf b = KZ_BUF_INIT;
        int r = kz_text_fit(&b, c->in, c->cols, c->ellipsis, c->pad);
        if (strcmp(kz_buf_str(&b), c->want) != 0 || r != c->ret)
            fail_msg("fit case %zu: got \"%s\" (%d), want \"%s\" (%d)", i, kz_buf_str(&b), r,
                     c->want, c->ret);
        assert_int_equal(kz_text_width(kz_buf_str(&b)), r);
        kz_buf_free(&b);
    }
}

static void test_fit_null_and_append(void **state)
{
    (void)state;
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "[");
    assert_int_equal(kz_text_fit(&b, NULL, 2, true, true), 2);
    kz_buf_puts(&b, "]");
    assert_string_equal(kz_buf_str(&b), "[  ]");
    kz_buf_free(&b);
}

static void test_fit_right(void **state)
{
    (void)state;
    kz_buf b = KZ_BUF_INIT;
    assert_int_equal(kz_text_fit_right(&b, "42", 6), 6);
    assert_string_equal(kz_buf_str(&b), "    42");
    kz_buf_reset(&b);
    assert_int_equal(kz_text_fit_right(&b, "123456", 6), 6);
    assert_string_equal(kz_buf_str(&b), "123456");
    kz_buf_reset(&b);
    assert_int_equal(kz_text_fit_right(&b, "1234567", 6), 6);
    assert_string_equal(kz_buf_str(&b), "12345\xe2\x80\xa6");
    kz_buf_reset(&b);
    assert_int_equal(kz_text_fit_right(&b, "\xe4\xb8\xad", 3), 3);
    assert_string_equal(kz_buf_str(&b), " \xe4\xb8\xad");
    kz_buf_reset(&b);
    /* 中文 into 3: 中 + … = 3 columns. */
    assert_int_equal(kz_text_fit_right(&b, "\xe4\xb8\xad\xe6\x96\x87", 3), 3);
    assert_string_equal(kz_buf_str(&b), "\xe4\xb8\xad\xe2\x80\xa6");
    kz_buf_reset(&b);
    /* 中文 into 2 with ellipsis: 中 would leave no room, so pad + …. */
    assert_int_equal(kz_text_fit_right(&b, "\xe4\xb8\xad\xe6\x96\x87", 2), 2);
    assert_string_equal(kz_buf_str(&b), " \xe2\x80\xa6");
    kz_buf_reset(&b);
    assert_int_equal(kz_text_fit_right(&b, "\x1b", 2), 2);
    assert_string_equal(kz_buf_str(&b), " \xe2\x90\x9b");
    kz_buf_reset(&b);
    assert_int_equal(kz_text_fit_right(&b, "x", 0), 0);
    assert_string_equal(kz_buf_str(&b), "");
    kz_buf_free(&b);
}

/* ---- UTF-8 ----------------------------------------------------------------------- */

struct dec_case {
    const char *in;
    size_t n;
    int len;
    long cp;
};

static const struct dec_case dec_cases[] = {
    {"A", 1, 1, 0x41},
    {"\xc2\xa0", 2, 2, 0xA0},
    {"\xdf\xbf", 2, 2, 0x7FF},
    {"\xe0\xa0\x80", 3, 3, 0x800},
    {"\xef\xbf\xbf", 3, 3, 0xFFFF},
    {"\xed\x9f\xbf", 3, 3, 0xD7FF},
    {"\xee\x80\x80", 3, 3, 0xE000},
    {"\xf0\x90\x80\x80", 4, 4, 0x10000},
    {"\xf4\x8f\xbf\xbf", 4, 4, 0x10FFFF},
    {"\xc0\xaf", 2, 1, -1},         /* overlong '/' */
    {"\xc1\xbf", 2, 1, -1},         /* overlong */
    {"\xe0\x9f\xbf", 3, 1, -1},     /* overlong 3-byte */
    {"\xf0\x8f\xbf\xbf", 4, 1, -1}, /* overlong 4-byte */
    {"\xed\xa0\x80", 3, 1, -1},     /* U+D800 */
    {"\xed\xbf\xbf", 3, 1, -1},     /* U+DFFF */
    {"\xf4\x90\x80\x80", 4, 1, -1}, /* U+110000 */
    {"\xf5\x80\x80\x80", 4, 1, -1},
    {"\xff", 1, 1, -1},
    {"\x80", 1, 1, -1},
    {"\xe4\xb8", 2, 1, -1},         /* truncated */
    {"\xe4\xb8\xad", 2, 1, -1},     /* n cuts the sequence */
    {"\xc3\x28", 2, 1, -1},         /* bad continuation */
    {"", 0, 1, -1},
};

static void test_utf8_decode(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dec_cases / sizeof dec_cases[0]; i++) {
        long cp = 12345;
        int len = kz_utf8_decode(dec_cases[i].in, dec_cases[i].n, &cp);
        if (len != dec_cases[i].len || cp != dec_cases[i].cp)
            fail_msg("decode case %zu: got len %d cp %ld", i, len, cp);
    }
}

static void test_utf8_valid(void **state)
{
    (void)state;
    assert_true(kz_utf8_valid("", 0));
    assert_true(kz_utf8_valid("abc", 3));
    assert_true(kz_utf8_valid("\xd8\xb4\xe4\xb8\xad\xf0\x9f\x9a\x80", 9));
    assert_false(kz_utf8_valid("a\xff", 2));
    assert_false(kz_utf8_valid("\xc0\xaf", 2));
    assert_false(kz_utf8_valid("\xed\xa0\x80", 3));
    assert_false(kz_utf8_valid("\xf4\x90\x80\x80", 4));
    assert_false(kz_utf8_valid("\xe4\xb8\xad", 2));
    /* Only the first n bytes count. */
    assert_true(kz_utf8_valid("ab\xff", 2));
}

/* ---- helpers ---------------------------------------------------------------------- */

static void test_strcasecmp(void **state)
{
    (void)state;
    assert_int_equal(kz_strcasecmp("Email", "EMAIL"), 0);
    assert_int_equal(kz_strcasecmp("", ""), 0);
    assert_true(kz_strcasecmp("abc", "ABD") < 0);
    assert_true(kz_strcasecmp("b", "A") > 0);
    assert_true(kz_strcasecmp("ab", "ABC") < 0);
    assert_true(kz_strcasecmp("ABC", "ab") > 0);
    /* ASCII only: 'I' folds to 'i' whatever the locale. */
    assert_int_equal(kz_strcasecmp("TITLE", "title"), 0);
    assert_true(kz_strcasecmp("\xc3\x89", "\xc3\xa9") != 0);
}

static void test_trim(void **state)
{
    (void)state;
    char a[] = "  hello world \t\r\n";
    assert_string_equal(kz_trim(a), "hello world");
    char b[] = "   ";
    assert_string_equal(kz_trim(b), "");
    char c[] = "";
    assert_string_equal(kz_trim(c), "");
    char d[] = "x";
    assert_ptr_equal(kz_trim(d), d);
    assert_string_equal(d, "x");
    char e[] = "\v\fa b\f";
    assert_string_equal(kz_trim(e), "a b");
    /* Non-ASCII spaces are data, not trimmed. */
    char f[] = "\xc2\xa0x";
    assert_string_equal(kz_trim(f), "\xc2\xa0x");
}

static void test_fold_key(void **state)
{
    (void)state;
    char out[32];
    kz_fold_key("Company Name", out, sizeof out);
    assert_string_equal(out, "companyname");
    kz_fold_key("  E-Mail_Address: ", out, sizeof out);
    assert_string_equal(out, "emailaddress");
    kz_fold_key("Phone #2", out, sizeof out);
    assert_string_equal(out, "phone2");
    kz_fold_key("", out, sizeof out);
    assert_string_equal(out, "");
    /* Persian: letters kept, ZWNJ and spaces dropped. */
    kz_fold_key("\xd9\x86\xd8\xa7\xd9\x85 \xd8\xb4\xd8\xb1\xda\xa9\xd8\xaa", out, sizeof out);
    assert_string_equal(out, "\xd9\x86\xd8\xa7\xd9\x85\xd8\xb4\xd8\xb1\xda\xa9\xd8\xaa");
    kz_fold_key("\xd9\x85\xe2\x80\x8c\xd9\x87", out, sizeof out);
    assert_string_equal(out, "\xd9\x85\xd9\x87");
    /* Non-ASCII upper case folds too; non-ASCII punctuation is dropped. */
    kz_fold_key("\xc3\x89tat\xe2\x80\x94Pays", out, sizeof out);
    assert_string_equal(out, "\xc3\xa9tatpays");
    /* Invalid bytes are dropped. */
    kz_fold_key("a\xff" "b", out, sizeof out);
    assert_string_equal(out, "ab");
    /* Truncation keeps whole characters and the terminator. */
    char small[4];
    kz_fold_key("ABCDEF", small, sizeof small);
    assert_string_equal(small, "abc");
    kz_fold_key("a\xd8\xb4\xd8\xb4", small, sizeof small);
    assert_string_equal(small, "a\xd8\xb4");
    char one[1];
    kz_fold_key("abc", one, sizeof one);
    assert_string_equal(one, "");
}

static void test_zwnj_kept_for_persian(void **state)
{
    (void)state;
    /* "mi-khaham" with its zero width non-joiner: kept, width unchanged */
    const char *word = "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85";
    kz_buf b = KZ_BUF_INIT;
    kz_text_sanitize(&b, word, strlen(word), 0);
    assert_string_equal(kz_buf_str(&b), word);
    assert_int_equal(kz_text_width(kz_buf_str(&b)), 7);
    kz_buf_free(&b);
}

static void test_utf8_chars(void **state)
{
    (void)state;
    assert_int_equal(kz_utf8_chars(""), 0);
    assert_int_equal(kz_utf8_chars("abc"), 3);
    assert_int_equal(kz_utf8_chars("王芳"), 2);
    assert_int_equal(kz_utf8_chars("علی"), 3);
}

/* Folding for search: ASCII and other scripts to lower case whatever the
 * process's locale; an invalid byte stands for itself. */
static void test_text_fold(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C");
    long *f; /* owned */
    size_t n = kz_text_fold("ÖzTÜRK\xff王", &f);
    const long want[] = {0xF6, 'z', 't', 0xFC, 'r', 'k', 0xFF, 0x738B};
    assert_int_equal(n, sizeof want / sizeof want[0]);
    assert_memory_equal(f, want, sizeof want);
    free(f);
    n = kz_text_fold("", &f);
    assert_int_equal(n, 0);
    free(f);
}

/* ---- visual order (bidi: kariz) ---- */

/* ایران shaped and in visual order: ن ا ر ی ا, each in its joined form */
#define IRAN "\xd8\xa7\xdb\x8c\xd8\xb1\xd8\xa7\xd9\x86"
#define IRAN_VISUAL "\xef\xbb\xa5\xef\xba\x8d\xef\xba\xae\xef\xaf\xbe\xef\xba\x8d"

static void visual_is(const char *in, int cols, const char *want, int want_w)
{
    kz_buf b = KZ_BUF_INIT;
    int w = kz_text_visual(&b, in, cols, true);
    assert_string_equal(kz_buf_str(&b), want);
    assert_int_equal(w, want_w);
    assert_int_equal(kz_text_width(kz_buf_str(&b)), want_w);
    kz_buf_free(&b);
}

static void test_visual_mixed_field(void **state)
{
    (void)state;
    /* a left-to-right field: the Persian word stays between, reversed and joined */
    visual_is("Acme \xd8\xa7\xdb\x8c\xd8\xb1\xd8\xa7\xd9\x86 ltd", 40, "Acme " IRAN_VISUAL " ltd",
              14);
    /* a right-to-left field: the first word at the right, the e-mail whole */
    visual_is("\xd8\xa7\xdb\x8c\xd8\xb1\xd8\xa7\xd9\x86 ali@x.ir", 40,
              "ali@x.ir " IRAN_VISUAL, 14);
    /* Latin text and numbers alone: unchanged; a phone keeps its order */
    visual_is("Acme Ltd", 40, "Acme Ltd", 8);
    visual_is("0912 345 6789", 40, "0912 345 6789", 13);
    /* a fatha after a digit keeps no cell of its own (no spacing form) */
    visual_is("\xd8\xa7 1\xd9\x8e", 10, "1\xd9\x8e \xef\xba\x8d", 3);
    /* a mark on a Persian letter follows it in visual order too: مَن -> ن مَ */
    visual_is("\xd9\x85\xd9\x8e\xd9\x86", 10, "\xef\xbb\xa6\xef\xbb\xa3\xd9\x8e", 2);
    /* lam-alef joins into one cell: لا -> U+FEFB */
    visual_is("\xd9\x84\xd8\xa7", 10, "\xef\xbb\xbb", 1);
    /* the non-joiner keeps می apart from شود and takes no cell */
    visual_is("\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xb4\xd9\x88\xd8\xaf", 10,
              "\xef\xba\xa9\xef\xbb\xae\xef\xba\xb7" "\xef\xaf\xbd\xef\xbb\xa3", 5);
}

/* A table line: two or more spaces part its cells, each reordered on its
 * own, so a Persian cell does not carry the numbers beside it away. */
static void test_visual_cells_keep_their_places(void **state)
{
    (void)state;
    visual_is(IRAN "  12  " IRAN, 40, IRAN_VISUAL "  12  " IRAN_VISUAL, 16);
    /* one space is inside a field: the whole field is reordered */
    visual_is(IRAN " 12", 40, "12 " IRAN_VISUAL, 8);
}

static void test_visual_cuts_the_logical_end(void **state)
{
    (void)state;
    /* "ایران ltd" in 4 columns: ایر + …, the ellipsis after the cut in
     * reading order, so on the left of a right-to-left field */
    visual_is("\xd8\xa7\xdb\x8c\xd8\xb1\xd8\xa7\xd9\x86 ltd", 4,
              "\xe2\x80\xa6\xef\xba\xae\xef\xaf\xbe\xef\xba\x8d", 4);
    /* a left-to-right field keeps its start */
    visual_is("Acme \xd8\xa7\xdb\x8c\xd8\xb1\xd8\xa7\xd9\x86 ltd", 7,
              "Acme \xef\xba\x8d\xe2\x80\xa6", 7);
    /* text is still sanitised: an override cannot reorder anything */
    kz_buf b = KZ_BUF_INIT;
    kz_text_visual(&b, "a\xe2\x80\xae" "b", 20, true);
    assert_string_equal(kz_buf_str(&b), "a<U+202E>b");
    kz_buf_free(&b);
    assert_int_equal(kz_text_visual(&b, "x", 0, true), 0);
}

/* Whatever the field and the width: valid UTF-8, never wider than the
 * budget, the width returned the width drawn (a fixed-seed walk over
 * Persian and Latin letters, lam-alef, digits, brackets, spaces, marks,
 * controls, wide characters and invalid bytes). */
static void test_visual_any_field_fits(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "\xd9\x84", "\xd8\xa7", "\xdb\x8c", "\xda\xa9", "\xd9\x85", "\xe2\x80\x8c",
        "\xd9\x8e", "\xdb\xb1", "1", "a", "Z", " ", "  ", "(", ")", "@", ".", "\t", "\x1b",
        "\xe2\x80\xae", "\xe7\x8e\x8b", "\xef\xbb\xbb", "\xff", "\xd7\x90", "-"};
    uint64_t r = 0x9e3779b97f4a7c15ull;
    for (int round = 0; round < 3000; round++) {
        kz_buf in = KZ_BUF_INIT, out = KZ_BUF_INIT;
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        int n = (int)(r % 24);
        for (int i = 0; i < n; i++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            kz_buf_puts(&in, pieces[r % (sizeof pieces / sizeof pieces[0])]);
        }
        int cols = (int)(r >> 20) % 30;
        int w = kz_text_visual(&out, kz_buf_str(&in), cols, (r >> 40) & 1);
        assert_true(w >= 0 && w <= (cols > 0 ? cols : 0));
        assert_true(kz_utf8_valid(kz_buf_str(&out), out.len));
        assert_int_equal(kz_text_width(kz_buf_str(&out)), w);
        kz_buf_free(&in);
        kz_buf_free(&out);
    }
}

/* The words kz_text_word finds in text are want[0..n). */
static void expect_words(const char *text, const char *const *want, size_t n)
{
    size_t len, got = 0;
    for (const char *p = text, *w; (w = kz_text_word(&p, &len)); got++) {
        assert_true(got < n);
        assert_int_equal(len, strlen(want[got]));
        assert_memory_equal(w, want[got], len);
    }
    assert_int_equal(got, n);
}

/* A search's words: split at ASCII white space only (the non-joiner
 * inside a Persian word is no break), counted in characters; a phrase in
 * double quotes keeps its spaces, "" is no word, a quote inside a word is
 * a letter, and an unclosed phrase runs to the end. */
static void test_search_words(void **state)
{
    (void)state;
    const char *text = "  Lena\tPied  \u0645\u06cc\u200c\u0634\u0648\u062f x ";
    const char *want[] = {"Lena", "Pied", "\u0645\u06cc\u200c\u0634\u0648\u062f", "x"};
    expect_words(text, want, 4);
    assert_int_equal(kz_text_longest_word(text), 6); /* (the non-joiner counts) */
    assert_int_equal(kz_text_longest_word("ab cd"), 2);
    assert_int_equal(kz_text_longest_word(" \t "), 0);
    expect_words("   ", NULL, 0);
    const char *phrases[] = {"acme 0", "5\"x", "pied pi"};
    expect_words("\"acme 0\" \"\" \" \" 5\"x \"pied pi", phrases, 3);
    /* pasted text: the punctuation around words is no part of them; inside
     * a word or a phrase it is */
    const char *pasted[] = {"Silva", "Lena", "le.tanaka@globex.example", "Pied", "Piper",
                            "a,b", "(x)", "@gm"};
    expect_words("Silva, Lena <le.tanaka@globex.example> (Pied Piper) a,b \"(x)\" @gm ,;",
                 pasted, 8);
}

static void test_search_form(void **state)
{
    (void)state;
    kz_buf b = KZ_BUF_INIT;
    /* كريم (Arabic kaf and yeh) -> کریم */
    kz_text_search_form(&b, "\xd9\x83\xd8\xb1\xd9\x8a\xd9\x85");
    assert_string_equal(kz_buf_str(&b), "\xda\xa9\xd8\xb1\xdb\x8c\xd9\x85");
    kz_buf_reset(&b);
    /* می‌شود -> میشود; مُحَمَّد -> محمد; Latin unchanged */
    kz_text_search_form(&b, "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xb4\xd9\x88\xd8\xaf "
                            "\xd9\x85\xd9\x8f\xd8\xad\xd9\x8e\xd9\x85\xd9\x91\xd9\x8e\xd8\xaf Ab");
    assert_string_equal(kz_buf_str(&b), "\xd9\x85\xdb\x8c\xd8\xb4\xd9\x88\xd8\xaf "
                                        "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf Ab");
    kz_buf_free(&b);
    /* the search key also makes the forms of alef one (آ أ إ ٱ -> ا);
     * the search form, which names sort by, keeps them */
    kz_buf k = KZ_BUF_INIT;
    kz_text_search_key(&k, "\u0622\u0648\u0627 \u062a\u0623\u06cc\u06cc\u062f \u0625 \u0671 "
                           "\u0643");
    assert_string_equal(kz_buf_str(&k), "\u0627\u0648\u0627 \u062a\u0627\u06cc\u06cc\u062f "
                                        "\u0627 \u0627 \u06a9");
    kz_buf_reset(&k);
    kz_text_search_form(&k, "\u0622\u0648\u0627");
    assert_string_equal(kz_buf_str(&k), "\u0622\u0648\u0627");
    kz_buf_free(&k);
    long *f; /* owned: folding for search does the same */
    size_t n = kz_text_fold("\xd9\x83\xe2\x80\x8c\xd9\x8a", &f);
    const long want[] = {0x06A9, 0x06CC};
    assert_int_equal(n, 2);
    assert_memory_equal(f, want, sizeof want);
    free(f);
    /* the two at once, appended: what LIKE and command-line names compare */
    kz_buf s = KZ_BUF_INIT;
    kz_buf_puts(&s, "> ");
    kz_text_search_folded(&s, "\u0622\u0631\u0634 DANA \u0643");
    assert_string_equal(kz_buf_str(&s), "> \u0627\u0631\u0634 dana \u06a9");
    kz_buf_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zwnj_kept_for_persian),
        cmocka_unit_test(test_search_words),
        cmocka_unit_test(test_sanitize_table),
        cmocka_unit_test(test_paste_table),
        cmocka_unit_test(test_sanitize_appends),
        cmocka_unit_test(test_sanitize_every_byte),
        cmocka_unit_test(test_width_table),
        cmocka_unit_test(test_width_locale_independent),
        cmocka_unit_test(test_char_width),
        cmocka_unit_test(test_fit_table),
        cmocka_unit_test(test_fit_null_and_append),
        cmocka_unit_test(test_fit_right),
        cmocka_unit_test(test_utf8_decode),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_strcasecmp),
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_fold_key),
        cmocka_unit_test(test_utf8_chars),
        cmocka_unit_test(test_text_fold),
        cmocka_unit_test(test_visual_mixed_field),
        cmocka_unit_test(test_visual_cells_keep_their_places),
        cmocka_unit_test(test_visual_cuts_the_logical_end),
        cmocka_unit_test(test_visual_any_field_fits),
        cmocka_unit_test(test_search_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
