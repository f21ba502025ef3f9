/* test_board_filters.c - the stale filter: only leads idle past their
 * stage's limit, with no next step ahead. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

static void test_stale_filter(void **state)
{
    (void)state;
    const char *db = kt_db("stale.db");
    setenv("KARIZ_NOW", "2026-01-05 10:00", 1); /* long ago: idle since */
    kt_kariz_run(db, "add", "--company", "Dusty Ltd", "Old Lead", NULL);
    kt_kariz_run(db, "add", "--company", "Planned Inc", "Planned Lead", NULL);
    unsetenv("KARIZ_NOW");
    kt_kariz_run(db, "followup", "2", "next week", NULL);
    kt_kariz_run(db, "add", "--company", "Fresh Co", "Fresh Lead", NULL);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Fresh Lead");
    kt_wait_for(t, "stale"); /* the old lead's card is marked */
    kt_send(t, "~");
    kt_wait_gone(t, "Fresh Lead");
    kt_wait_gone(t, "Planned Lead");
    kt_wait_for(t, "Old Lead");
    kt_wait_for(t, "showing stale leads");
    kt_send(t, "~");
    kt_wait_for(t, "Fresh Lead");
    kt_wait_for(t, "Planned Lead");
    kt_finish(t, "q");
}

static void test_mine_by_default_setting(void **state)
{
    (void)state;
    const char *db = kt_db("mine.db");
    kt_kariz_run(db, "add", "--company", "Mine Co", "My Lead", NULL);
    kt_kariz_run(db, "add", "--company", "Other Co", "--owner", "somebodyelse", "--force", "Their Lead",
                 NULL);
    char dir[600], conf[700];
    snprintf(dir, sizeof dir, "%s/kariz", getenv("XDG_CONFIG_HOME")); /* set by the harness */
    snprintf(conf, sizeof conf, "%s/keys.conf", dir);
    char cmd[1600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && printf 'set mine on\\n' > '%s'", dir, conf);
    assert_int_equal(system(cmd), 0);
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "My Lead");
    kt_wait_for(t, " mine");
    assert_false(kt_contains(t, "Their Lead"));
    kt_send(t, "M"); /* the toggle still works */
    kt_wait_for(t, "Their Lead");
    kt_finish(t, "q");
    /* a mistake in the setting names the line */
    snprintf(cmd, sizeof cmd, "printf 'bind board j cursor-down\\nset mine maybe\\n' > '%s'", conf);
    assert_int_equal(system(cmd), 0);
    t = kt_board(30, 120, db, NULL);
    assert_int_not_equal(kt_wait_exit(t), 0);
    snprintf(cmd, sizeof cmd, "rm -f '%s'", conf);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stale_filter),
        cmocka_unit_test(test_mine_by_default_setting),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
