/* test_text.c - data text on the board: escape sequences in names are shown
 * as visible symbols and never reach the terminal; Persian and CJK names are
 * laid out by display width. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

static void test_escape_sequences_shown_not_obeyed(void **state)
{
    (void)state;
    const char *db = kt_db("escape.db");
    kt_kariz_run(db, "add", "--company", "Safe Co", "--value", "100", "--stage", "lead",
                 "Plain Person", NULL);
    kt_kariz_run(db, "add", "--company", "Evil\x1b]0;pwned\x07" "Corp", "--value", "50000",
                 "--stage", "lead", "Mallory\x1b[2JX", NULL);
    kt_term *t = kt_board(30, 120, db, NULL);
    /* ESC shows as the control picture U+241B; BEL as U+2407 */
    kt_wait_for(t, "Mallory\xe2\x90\x9b[2JX");
    kt_wait_for(t, "Evil\xe2\x90\x9b]0;pwned\xe2\x90\x87" "Corp");
    /* the screen was not cleared and the title was not set */
    kt_wait_for(t, "Plain Person");
    kt_wait_for(t, "Lead 2");
    assert_string_equal(kt_title(t), "");
    /* the detail view too */
    kt_send(t, "g\r");
    kt_wait_for(t, "Qualification");
    kt_wait_for(t, "Mallory\xe2\x90\x9b[2JX");
    assert_false(strstr(kt_title(t), "pwned"));
    kt_send(t, "q");
    kt_wait_for(t, "Plain Person");
    kt_finish(t, "q");
}

/* The display column where text starts, failing when absent. */
static int col_of(kt_term *t, const char *text, int *row)
{
    int r, c;
    kt_wait_for(t, text);
    if (!kt_find(t, text, &r, &c)) {
        kt_dump(t);
        fail_msg("\"%s\" is not on the screen", text);
    }
    if (row)
        *row = r;
    return c;
}

static void test_wide_and_rtl_names_aligned_by_width(void **state)
{
    (void)state;
    const char *db = kt_db("wide.db");
    /* CJK characters are two columns wide; the Persian name is one column
     * per letter. Higher values sort first (by score), so set the order. */
    kt_kariz_run(db, "add", "--company", "北京科技有限公司", "--value", "9000", "--stage", "lead",
                 "王小明", NULL);
    kt_kariz_run(db, "add", "--company", "شرکت پارس", "--value", "8000", "--stage", "lead",
                 "مریم رضایی", NULL);
    kt_kariz_run(db, "add", "--company", "Plain", "--value", "7000", "--stage", "prospect",
                 "Zed Ascii", NULL);
    kt_kariz_run(db, "add", "--company", "Plain", "--value", "6000", "--stage", "prospect",
                 "Yan Ascii", NULL);
    kt_term *t = kt_board(30, 100, db, NULL);
    kt_wait_for(t, "Zed Ascii");
    kt_wait_for(t, "王小明");
    kt_wait_for(t, "مریم");
    /* the second column starts at the same display column on every row:
     * its header, and the cards beside the wide and the Persian names */
    int hrow, prow, cjk_row, fa_row, zrow, yrow;
    int head = col_of(t, "Prospect 2", &prow);
    (void)hrow;
    int z = col_of(t, "Zed Ascii", &zrow);
    int y = col_of(t, "Yan Ascii", &yrow);
    col_of(t, "王小明", &cjk_row);
    col_of(t, "مریم", &fa_row);
    assert_int_equal(zrow, cjk_row);
    assert_int_equal(yrow, fa_row);
    assert_int_equal(z, y);
    assert_int_equal(z, head);
    /* the company lines below them too */
    int c1 = col_of(t, "Plain", NULL);
    assert_int_equal(c1, head);
    /* in a narrow column, a long wide-character name is cut on a character
     * boundary, never in the middle of a wide character */
    kt_finish(t, "q");

    kt_kariz_run(db, "add", "--company", "X", "--value", "1", "--stage", "opportunity",
                 "非常長的名字非常長的名字非常長的名字非常長的名字", NULL);
    t = kt_board(24, 70, db, NULL);
    kt_wait_for(t, "Zed Ascii");
    kt_send(t, "ll");
    kt_wait_for(t, "Opportunity 1");
    int orow;
    int oc = col_of(t, "Opportunity 1", &orow);
    int nrow;
    int nc = col_of(t, "非常長", &nrow);
    assert_int_equal(nc, oc);
    kt_wait_for(t, "…");
    kt_finish(t, "q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_sequences_shown_not_obeyed),
        cmocka_unit_test(test_wide_and_rtl_names_aligned_by_width),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
