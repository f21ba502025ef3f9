/* test_board_messages.c - the board in the user's language: what it shows
 * comes from the message catalogue (titles, hints, card marks, help, status
 * messages with real plurals), and translated text is laid out by its width
 * in display columns, never by the length of the English. The catalogue is
 * compiled here, with msgfmt, from a few Persian entries. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The long help text of "quit" in the test catalogue: at 130 columns the
 * help's text column is 110 wide and starts with the action's name padded
 * to 17, which leaves 93 for this text, so it wraps; MIDDLE_WORD ends 88
 * columns in, LAST_WORD is past the edge. */
#define FIRST_WORD "نخستین"
#define MIDDLE_WORD "میانه"
#define LAST_WORD "پایانی"
#define LONG_HELP                                                                            \
    FIRST_WORD " واژه برای آزمودن شکستن سطر در صفحه راهنما با متن فارسی که از ستون بیشتر است " \
    MIDDLE_WORD " و سپس چند واژه دیگر تا پایان " LAST_WORD

static const char catalogue[] =
    "msgid \"\"\n"
    "msgstr \"\"\n"
    "\"Project-Id-Version: kariz\\n\"\n"
    "\"PO-Revision-Date: 2026-12-03 07:00+0000\\n\"\n"
    "\"Last-Translator: kariz\\n\"\n"
    "\"Language-Team: Persian\\n\"\n"
    "\"MIME-Version: 1.0\\n\"\n"
    "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
    "\"Content-Transfer-Encoding: 8bit\\n\"\n"
    "\"Language: fa\\n\"\n"
    "\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n"
    "\n"
    "msgid \"board\"\nmsgstr \"تابلو\"\n\n"
    "msgid \"help\"\nmsgstr \"راهنما\"\n\n"
    "msgid \"quit\"\nmsgstr \"خروج\"\n\n"
    "msgid \"!due\"\nmsgstr \"سررسید!\"\n\n"
    "msgid \"stale\"\nmsgstr \"راکد\"\n\n"
    "#, c-format\nmsgid \"%<PRId64>d\"\nmsgstr \"%<PRId64> روز\"\n\n"
    "msgid \"Moving deals\"\nmsgstr \"انتقال معاملات\"\n\n"
    "msgid \"(z expands)\"\nmsgstr \"(z گسترش بده)\"\n\n"
    "#, c-format\nmsgid \"%s changed %s of %s\"\nmsgstr \"%s، %s را در %s تغییر داد\"\n\n"
    "msgid \"leave the board (closes a detail or help view first)\"\n"
    "msgstr \"" LONG_HELP "\"\n\n"
    "msgid \"type a word of %s or more character to search, or press Enter\"\n"
    "msgid_plural \"type a word of %s or more characters to search, or press Enter\"\n"
    "msgstr[0] \"برای جستجو یک واژه با دست کم %s نویسه بنویسید، یا Enter را بزنید\"\n"
    "msgstr[1] \"برای جستجو یک واژه با دست کم %s نویسه بنویسید، یا Enter را بزنید\"\n\n";

static int teardown_all(void **state)
{
    (void)state;
    unsetenv("LANGUAGE");
    unsetenv("KARIZ_LOCALEDIR");
    kt_cleanup();
    return 0;
}

/* Compiles the catalogue into tmpdir/locale and points kariz at it, in
 * Persian. */
static void use_persian(void)
{
    char po[600], dir[600], mo[700], cmd[1600];
    snprintf(po, sizeof po, "%s", kt_path("fa.po"));
    snprintf(dir, sizeof dir, "%s", kt_path("locale"));
    FILE *f = fopen(po, "w");
    assert_non_null(f);
    fputs(catalogue, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/fa/LC_MESSAGES'", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(mo, sizeof mo, "%s/fa/LC_MESSAGES/kariz.mo", dir);
    snprintf(cmd, sizeof cmd, "msgfmt --check -o '%s' '%s'", mo, po);
    assert_int_equal(system(cmd), 0);

    setenv("KARIZ_LOCALEDIR", dir, 1);
    setenv("LANGUAGE", "fa", 1);
}

static void test_board_in_persian(void **state)
{
    (void)state;
    const char *db = kt_db("fa.db");
    setenv("KARIZ_NOW", "2026-01-05 10:00", 1); /* long ago: idle since */
    kt_kariz_run(db, "add", "--company", "Dusty Ltd", "Old Lead", NULL);
    unsetenv("KARIZ_NOW");
    kt_kariz_run(db, "followup", "1", "2020-01-01", "--force", NULL);
    use_persian();
    kt_term *t = kt_board(30, 130, db, NULL);
    kt_wait_for(t, "Old Lead");
    kt_wait_for(t, " kariz  تابلو"); /* the view's title */
    kt_wait_for(t, "? راهنما");     /* the hint line: key, then the label */
    kt_wait_for(t, "q خروج");
    /* the card's marks in full, measured in columns: the translated
     * overdue mark is wider than "!due" and is not cut to its width */
    kt_wait_for(t, "سررسید!");
    kt_wait_for(t, "راکد");
    kt_wait_for(t, " روز");
    /* a count decides the form of a message (ngettext) */
    kt_send(t, "/ab");
    /* the count in the digits of the language (Persian by default) */
    kt_wait_for(t, "برای جستجو یک واژه با دست کم ۳ نویسه بنویسید");
    kt_wait_for(t, "search: ab");
    kt_send(t, "\x1b");
    kt_wait_gone(t, "search: ab");
    /* a collapsed column is as wide as its translated hint needs (13
     * columns here, where "(z expands)" takes 11) */
    kt_send(t, "z");
    kt_wait_for(t, "(z گسترش بده)");
    /* what someone else did is one sentence of the language, in its own
     * word order */
    kt_kariz_run(db, "set", "1", "title=CTO", NULL);
    kt_wait_for(t, "، title را در Old Lead تغییر داد");
    kt_finish(t, "q");

}


static void test_help_wraps_translated_text_by_columns(void **state)
{
    (void)state;
    const char *db = kt_db("fa-help.db");
    kt_kariz_run(db, "add", "--company", "Analytical Engines", "Ada Lovelace", NULL);
    use_persian();
    kt_term *t = kt_board(60, 130, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "?");
    kt_wait_for(t, "انتقال معاملات"); /* a group title */
    kt_wait_for(t, FIRST_WORD);
    kt_wait_for(t, LAST_WORD);
    /* the wrapped text fills its column by display width: the row that
     * starts the text reaches the word 88 columns in (cut by bytes, a
     * two-byte script would break the line near half the width) */
    int row, col, mrow, mcol, lrow, lcol;
    assert_true(kt_find(t, FIRST_WORD, &row, &col));
    assert_true(kt_find(t, MIDDLE_WORD, &mrow, &mcol));
    assert_true(kt_find(t, LAST_WORD, &lrow, &lcol));
    assert_int_equal(mrow, row);
    assert_int_equal(lrow, row + 1);

    /* no character was split: nothing shows as U+FFFD */
    for (int r = 0; r < kt_rows(t); r++)
        if (strstr(kt_screen_row(t, r), "\xEF\xBF\xBD"))
            fail_msg("row %d holds a broken character: %s", r, kt_screen_row(t, r));
    kt_send(t, "q");
    kt_wait_for(t, "Ada Lovelace");
    kt_finish(t, "q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_board_in_persian),
        cmocka_unit_test(test_help_wraps_translated_text_by_columns),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
