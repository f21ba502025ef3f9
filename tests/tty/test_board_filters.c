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
    const char *db = kt_path("stale.db");
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stale_filter),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
