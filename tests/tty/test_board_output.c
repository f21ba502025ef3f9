/* test_board_output.c - what the board sends the terminal: a screen is
 * drawn in one write (ncurses 6.4 otherwise sends what it has after every
 * cursor move until the screen has been suspended once, a hundred writes
 * for one board, as many packets over SSH). The writes are counted by an
 * LD_PRELOAD library (writes_shim.c, $KARIZ_WRITES_SHIM); skipped in a
 * sanitizer build, whose runtime must come first. */
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

/* Whether the cell at arg (row, column) is no longer shown selected. */
static bool unselected(kt_term *t, void *arg)
{
    const int *rc = arg;
    return !kt_cell_reverse(t, rc[0], rc[1]);
}

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

static void test_a_screen_is_one_write(void **state)
{
    (void)state;
    const char *shim = getenv("KARIZ_WRITES_SHIM");
    if (getenv("KARIZ_SANITIZED") || !shim || !*shim) {
        fprintf(stderr, "test_board_output: %s: skipped\n",
                !shim || !*shim ? "no $KARIZ_WRITES_SHIM"
                                : "a sanitizer's runtime must be the first library loaded");
        skip();
    }
    const char *db = kt_db("out.db");
    /* forty cards on a 160-column screen, in four columns */
    const char *stages[] = {"lead", "prospect", "opportunity", "won"};
    for (int i = 0; i < 40; i++) {
        char name[32], id[16];
        snprintf(name, sizeof name, "Lead %02d", i);
        kt_kariz_run(db, "add", "--company", "Acme", name, NULL);
        snprintf(id, sizeof id, "%d", i + 1);
        if (i % 4)
            kt_kariz_run(db, "move", id, stages[i % 4], "--force", "--reason", "test", NULL);
    }
    char log[600];
    snprintf(log, sizeof log, "%s", kt_path("writes.log"));
    kt_env("LD_PRELOAD", shim);
    kt_env("KARIZ_WRITES_LOG", log);
    kt_env("NO_COLOR", "1"); /* (the selected card in reverse video) */
    kt_term *t = kt_board(50, 160, db, NULL);
    kt_env_clear();
    kt_wait_for(t, "Lead 39");
    kt_wait_for(t, "? help");
    /* the selected card, drawn in reverse */
    int sel[2] = {-1, -1};
    for (int r = 2; r < kt_rows(t) - 2 && sel[0] < 0; r++)
        for (int c = 0; c < kt_cols(t); c++)
            if (kt_cell_reverse(t, r, c)) {
                sel[0] = r;
                sel[1] = c;
                break;
            }
    assert_true(sel[0] >= 0);
    kt_send(t, "j"); /* the cursor moves: the next screen, one write more */
    kt_wait_until(t, unselected, sel, "the selection to move");
    kt_finish(t, "q");
    FILE *f = fopen(log, "r");
    assert_non_null(f);
    long writes = -1;
    assert_int_equal(fscanf(f, "%ld", &writes), 1);
    fclose(f);
    /* the screen's modes set and reset, two screens: about ten (before,
     * 150 and more) */
    if (writes > 20)
        fail_msg("the board wrote to the terminal %ld times for two screens", writes);
    assert_true(writes > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_screen_is_one_write),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
