/* test_board.c - the board in a terminal: columns with counts and totals,
 * moving cards and undo, the override prompt, search as you type, the help
 * screen, resizing, read-only sessions and monochrome display. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../../src/tui/actions.h"

/* A database of its own for each test: two leads in "lead", one in
 * "prospect". Grace's organisation is large enough to fit (the default
 * rules let a lead become a prospect only with fit above 0); Alan shows no
 * pain, so the rules keep him out of "opportunity". */
static const char *make_db(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s", kt_db(name));
    kt_kariz_run(path, "add", "--company", "Analytical Engines", "--value", "1000", "--stage",
                 "lead", "Ada Lovelace", NULL);
    kt_kariz_run(path, "add", "--company", "Compilers Inc", "--value", "25000", "--stage", "lead",
                 "--set", "employees=200", "Grace Hopper", NULL);
    kt_kariz_run(path, "add", "--company", "Bletchley", "--value", "5000", "--stage", "prospect",
                 "Alan Turing", NULL);
    return path;
}

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

static void test_columns_show_counts_and_totals(void **state)
{
    (void)state;
    const char *db = make_db("columns.db");
    kt_term *t = kt_board(30, 200, db, NULL); /* wide enough for every stage */
    kt_wait_for(t, "Ada Lovelace");
    /* two leads worth 26000 in the first column, one worth 5000 in the second */
    kt_wait_for(t, "Lead 2");
    kt_wait_for(t, "26.0k");
    kt_wait_for(t, "Prospect 1");
    kt_wait_for(t, "5,000  root");
    kt_wait_for(t, "Won 0");
    kt_wait_for(t, "Lost 0");
    kt_wait_for(t, "Grace Hopper");
    kt_wait_for(t, "Compilers Inc");
    kt_finish(t, "q");
}

static void test_move_card_and_undo(void **state)
{
    (void)state;
    const char *db = make_db("move.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Lead 2");
    kt_send(t, "g>"); /* the first card of the first column, one stage on */
    kt_wait_for(t, "Prospect 2");
    kt_wait_for(t, "Lead 1");
    kt_wait_for(t, "to Prospect");
    kt_send(t, "u");
    kt_wait_for(t, "undone");
    kt_wait_for(t, "Lead 2");
    kt_wait_for(t, "Prospect 1");
    kt_finish(t, "q");
}

static void test_override_prompt(void **state)
{
    (void)state;
    const char *db = make_db("override.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Alan Turing");
    /* Alan (prospect) shows no pain yet: opportunity's entry criteria refuse */
    kt_send(t, "l>");
    kt_wait_for(t, "override? reason");
    kt_wait_for(t, "refused");
    kt_send(t, "\x1b"); /* Esc: nothing moves */
    kt_wait_for(t, "not moved");
    kt_wait_for(t, "Prospect 1");
    kt_send(t, ">");
    kt_wait_for(t, "override? reason");
    kt_send(t, "CEO asked for a demo\r");
    kt_wait_for(t, "Opportunity 1");
    kt_wait_for(t, "Prospect 0");
    /* the override and its reason are in the lead's history */
    kt_send(t, "l\r");
    kt_wait_for(t, "Qualification");
    kt_send(t, "G");
    kt_wait_for(t, "History");
    kt_wait_for(t, "CEO asked for a demo");
    kt_send(t, "q");
    kt_wait_for(t, "Opportunity 1");
    kt_finish(t, "q");
}

static void test_search_filters_as_you_type(void **state)
{
    (void)state;
    const char *db = make_db("search.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "/");
    kt_wait_for(t, "search:");
    kt_send(t, "tu"); /* two characters: not yet */
    kt_wait_for(t, "type a word of 3 or more characters to search");
    assert_true(kt_contains(t, "Ada Lovelace"));
    kt_send(t, "r");
    kt_wait_gone(t, "Ada Lovelace");
    kt_wait_for(t, "Alan Turing");
    kt_send(t, "\x7f\x7f\x7f"); /* backspace three times: everything again */
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "compilers\r");
    kt_wait_gone(t, "Alan Turing");
    kt_wait_for(t, "Grace Hopper");
    kt_wait_for(t, "search:\"compilers\"");
    /* a second search cancelled: the first again, and no word of the
     * lead the typed one had selected */
    kt_send(t, "/");
    kt_wait_for(t, "search:");
    kt_send(t, "ada"); /* (replaces the text shown) */
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_gone(t, "Grace Hopper");
    kt_send(t, "\x1b");
    kt_wait_for(t, "Grace Hopper");
    kt_wait_gone(t, "Ada Lovelace");
    kt_wait_for(t, "search:\"compilers\"");
    assert_false(kt_contains(t, "no longer matches"));
    kt_send(t, "x"); /* clear the filters */
    kt_wait_for(t, "Alan Turing");
    /* several words: each anywhere in the lead, in any order; words of
     * one or two characters alone do not search yet */
    kt_send(t, "/gr ho");
    kt_wait_for(t, "type a word of 3 or more characters to search");
    assert_true(kt_contains(t, "Alan Turing"));
    kt_send(t, "p");
    kt_wait_gone(t, "Alan Turing");
    kt_wait_for(t, "Grace Hopper");
    kt_wait_gone(t, "Ada Lovelace");
    kt_wait_gone(t, "or press Enter"); /* the hint no longer applies */
    kt_send(t, " ada"); /* no lead holds all three */
    kt_wait_gone(t, "Grace Hopper");
    kt_send(t, "\r");
    kt_wait_for(t, "search:\"gr hop ada\"");
    kt_send(t, "x");
    kt_wait_for(t, "Alan Turing");
    /* short words alone search on Enter (a name such as "Wu"), every
     * lead read once; pasted punctuation around words does not count */
    kt_send(t, "/(ad,");
    kt_wait_for(t, "or press Enter");
    assert_true(kt_contains(t, "Grace Hopper"));
    kt_send(t, "\r");
    kt_wait_for(t, "Grace Hopper no longer matches the filter");
    kt_wait_for(t, "Lead 2 (1 shown)");
    kt_wait_gone(t, "Alan Turing");
    assert_true(kt_contains(t, "Ada Lovelace"));
    kt_wait_for(t, "search:\"(ad,\"");
    assert_false(kt_contains(t, "or press Enter"));
    kt_send(t, "x");
    kt_wait_for(t, "Alan Turing");
    kt_finish(t, "q");
}

/* A word in half of 1500 leads, checked lead by lead (the search
 * thresholds lowered so a small database behaves as a million-lead one):
 * the column counts a stretch of its leads and says "+"; moving down grows
 * the count, and the last card is the real last match. */
static void test_search_counts_common_word(void **state)
{
    (void)state;
    const char *db = kt_db("common.db");
    const char *csv = kt_path("common.csv");
    FILE *fp = fopen(csv, "w");
    assert_non_null(fp);
    fprintf(fp, "name,company,email\n");
    for (int i = 1; i <= 1500; i++)
        fprintf(fp, "Person %04d,%s %04d,p%d@x.example\n", i, i % 2 ? "Wonka" : "Initech", i, i);
    fclose(fp);
    kt_kariz_run(db, "import", csv, NULL);
    setenv("KARIZ_SEARCH_HITS", "1,1", 1);
    kt_term *t = kt_board(30, 120, db, NULL);
    unsetenv("KARIZ_SEARCH_HITS");
    kt_wait_for(t, "Lead 1500");
    kt_send(t, "/wonka\r");
    kt_wait_for(t, "Lead 1500 (200+ shown)"); /* 400 leads walked: every other one */
    kt_wait_for(t, "Wonka 0001");
    kt_send(t, "G");
    kt_wait_for(t, "Lead 1500 (750 shown)");
    kt_wait_for(t, "Wonka 1499");
    kt_send(t, "g");
    kt_wait_for(t, "Wonka 0001");
    kt_finish(t, "q");
}

static bool kz_test_is_action(const char *const *names, const char *name)
{
    for (int i = 0; i < KZ_ACT__COUNT - 1; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

static void test_help_lists_every_action(void **state)
{
    (void)state;
    static const char *const names[] = {
#define KZ_X_NAME(e, n, g, v, h) n,
        KZ_TUI_ACTIONS(KZ_X_NAME)
#undef KZ_X_NAME
    };
    static const unsigned views[] = {
#define KZ_X_VIEWS(e, n, g, v, h) v,
        KZ_TUI_ACTIONS(KZ_X_VIEWS)
#undef KZ_X_VIEWS
    };
    const char *db = make_db("help.db");
    kt_term *t = kt_board(90, 130, db, NULL); /* tall enough for the whole list */
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "?");
    kt_wait_for(t, "Moving deals");
    kt_wait_for(t, "database locked: try the change again"); /* the last line */
    /* the board's help lists the board's actions and the dialogs' keys,
     * and nothing that only another view has */
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        /* the action's name starts the text column (after 19 columns of keys) */
        bool listed = false;
        size_t len = strlen(names[i]);
        for (int r = 0; r < kt_rows(t) && !listed; r++) {
            const char *row = kt_screen_row(t, r);
            listed = strlen(row) > 19 + len && strncmp(row + 19, names[i], len) == 0 &&
                     row[19 + len] == ' ';
        }
        if ((views[i] & (KZ_IN_BOARD | KZ_IN_DIALOG)) && !listed)
            fail_msg("the board's help does not list %s", names[i]);
        if (!(views[i] & (KZ_IN_BOARD | KZ_IN_DIALOG)) && listed)
            fail_msg("the board's help lists %s, which does not apply there", names[i]);
    }
    kt_wait_for(t, "move-next");
    kt_send(t, "q");
    kt_wait_for(t, "Ada Lovelace");
    kt_finish(t, "q");

    /* docs/keys.md documents the same actions */
    const char *src = getenv("KARIZ_SOURCE");
    assert_non_null(src);
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/keys.md", src);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char doc[65536];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, "`%s`", names[i]);
        if (!strstr(doc, needle))
            fail_msg("docs/keys.md does not document the action %s", names[i]);
    }
    /* and every default binding in keys.conf appears in its action's row */
    snprintf(path, sizeof path, "%s/src/tui/keys.conf", src);
    f = fopen(path, "r");
    assert_non_null(f);
    char line[256];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char map[32], key[32], action[64];
        if (sscanf(line, "bind %31s %31s %63s", map, key, action) != 3)
            continue;
        char row_marker[96];
        snprintf(row_marker, sizeof row_marker, "| `%s` |", action);
        const char *row = strstr(doc, row_marker);
        if (!row)
            fail_msg("keys.conf:%d: docs/keys.md has no row for %s", lineno, action);
        const char *start = row;
        while (start > doc && start[-1] != '\n')
            start--;
        char cell[64];
        snprintf(cell, sizeof cell, "`%s`", key);
        const char *hit = strstr(start, cell);
        if (!hit || hit > row)
            fail_msg("keys.conf:%d: docs/keys.md does not list key %s for %s", lineno, key,
                     action);
    }
    fclose(f);

    /* and every key the page lists for an action is bound to it: "`K`" on
     * the board or everywhere, "`K` (MAP)" in that keymap */
    snprintf(path, sizeof path, "%s/src/tui/keys.conf", src);
    f = fopen(path, "r");
    assert_non_null(f);
    static char binds[32768]; /* "MAP KEY ACTION\n" for every bind line */
    size_t bl = 0;
    while (fgets(line, sizeof line, f)) {
        char map[32], key[32], action[64];
        if (sscanf(line, "bind %31s %31s %63s", map, key, action) == 3)
            bl += (size_t)snprintf(binds + bl, sizeof binds - bl, "%s %s %s\n", map, key,
                                   action);
    }
    fclose(f);
    for (const char *l = doc; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
        if (strncmp(l, "| `", 3) != 0)
            continue;
        const char *end = strchr(l, '\n');
        size_t ll = end ? (size_t)(end - l) : strlen(l);
        char row[1024];
        snprintf(row, sizeof row, "%.*s", (int)(ll < sizeof row ? ll : sizeof row - 1), l);
        char *sep = strstr(row, " | `"); /* the keys cell ends where the action's begins */
        if (!sep)
            continue;
        char action[64];
        if (sscanf(sep + 4, "%63[^`]", action) != 1 || !kz_test_is_action(names, action))
            continue;
        *sep = '\0';
        for (char *k = strtok(row + 2, ","); k; k = strtok(NULL, ",")) {
            char key[32], map[32] = "";
            while (*k == ' ')
                k++;
            if (sscanf(k, "`%31[^`]` (%31[^)])", key, map) < 1)
                fail_msg("docs/keys.md: cannot read the key \"%s\" for %s", k, action);
            char want[160];
            bool found = false;
            const char *maps[2] = {map[0] ? map : "generic", map[0] ? NULL : "board"};
            for (int m = 0; m < 2 && !found; m++) {
                if (!maps[m])
                    continue;
                snprintf(want, sizeof want, "%s %s %s\n", maps[m], key, action);
                found = strstr(binds, want) != NULL &&
                        (strstr(binds, want) == binds || strstr(binds, want)[-1] == '\n');
            }
            if (!found)
                fail_msg("docs/keys.md lists %s%s%s for %s, but keys.conf does not bind it",
                         key, map[0] ? " in " : "", map, action);
        }
    }
}

static void test_resize_small_and_back(void **state)
{
    (void)state;
    const char *db = make_db("resize.db");
    kt_term *t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Ada Lovelace");
    kt_resize(t, 12, 50);
    kt_wait_for(t, "terminal too small");
    kt_wait_gone(t, "Ada Lovelace");
    kt_resize(t, 24, 80);
    kt_wait_for(t, "Ada Lovelace");
    kt_wait_gone(t, "terminal too small");
    /* 80 columns hold three columns: the others scroll into view */
    kt_wait_gone(t, "Lost 0");
    kt_send(t, "llllllllll"); /* the last column, however many stages */
    kt_wait_for(t, "Lost 0");
    kt_resize(t, 30, 120);
    kt_wait_for(t, "Lead 2");
    /* too small with a prompt open: q is text there, and the screen says
     * so rather than "press q to quit" */
    kt_send(t, "hhhhhhhhhh"); /* back to the first column, Ada's */
    kt_send(t, "n");
    kt_wait_for(t, "note:");
    kt_resize(t, 12, 60);
    kt_wait_for(t, "a prompt is open (Esc cancels it)");
    assert_false(kt_contains(t, "q to quit"));
    kt_send(t, "q");
    kt_resize(t, 30, 120);
    kt_wait_for(t, "note: q");
    kt_send(t, "\x1b");
    kt_wait_gone(t, "note:");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM activities"), "0");
    kt_finish(t, "q");
}

static void test_readonly_refuses_edits(void **state)
{
    (void)state;
    const char *db = make_db("readonly.db");
    kt_term *t = kt_board(30, 120, db, "--read-only", NULL);
    kt_wait_for(t, "READ-ONLY");
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, ">");
    kt_wait_for(t, "move-next is refused");
    kt_wait_for(t, "Lead 2");
    kt_send(t, "a");
    kt_wait_for(t, "add is refused");
    kt_finish(t, "q");
}

static void test_no_color_uses_attributes(void **state)
{
    (void)state;
    const char *db = make_db("nocolor.db");
    setenv("NO_COLOR", "1", 1);
    kt_term *t = kt_board(30, 120, db, NULL);
    unsetenv("NO_COLOR");
    kt_wait_for(t, "Grace Hopper");
    int row, col;
    assert_true(kt_find(t, "Grace Hopper", &row, &col));
    assert_true(kt_cell_reverse(t, row, col)); /* the selected card */
    assert_false(kt_cell_coloured(t, row, col));
    kt_wait_for(t, "Lead 2");
    assert_true(kt_find(t, "Lead 2", &row, &col));
    assert_false(kt_cell_coloured(t, row, col));
    kt_finish(t, "q");

    /* with colours, the same screen uses them */
    t = kt_board(30, 120, db, NULL);
    kt_wait_for(t, "Grace Hopper");
    kt_wait_for(t, "Lead 2");
    assert_true(kt_find(t, "Lead 2", &row, &col));
    assert_true(kt_cell_coloured(t, row, col));
    kt_finish(t, "q");
}

static void test_demo_opens_the_board(void **state)
{
    (void)state;
    const char *argv[] = {kt_kariz(), "--db", kt_db("demo.db"), "demo", "--leads", "40", NULL};
    kt_term *t = kt_start(argv, 30, 200);
    kt_wait_for(t, "Lead ");
    kt_wait_for(t, "Won ");
    kt_wait_for(t, "weighted");
    kt_finish(t, "q");
}

static bool drawn_above(kt_term *t, void *arg)
{
    const char *const *names = arg;
    int r1, c1, r2, c2;
    return kt_find(t, names[0], &r1, &c1) && kt_find(t, names[1], &r2, &c2) && r1 < r2;
}

/* The demo's leads were scored back in its past: the Opportunity column
 * is first drawn in the order of now (Tom Smith's 86 above Mia Chen, whose
 * 95 has decayed), and the cursor there is on the card drawn first, also
 * after the board's rescoring ticks. */
static void test_demo_selects_the_first_card_drawn(void **state)
{
    (void)state;
    kt_env("KARIZ_NOW", "2026-03-10 09:00");
    kt_env("NO_COLOR", "1");
    const char *argv[] = {kt_kariz(), "--db", kt_db("demo-sel.db"), "demo", NULL};
    kt_term *t = kt_start(argv, 40, 200);
    kt_env_clear();
    const char *order[] = {"Tom Smith", "Mia Chen"};
    kt_wait_until(t, drawn_above, (void *)order, "Tom Smith above Mia Chen");
    kt_send(t, "ll%");
    kt_wait_for(t, "% is not bound");
    int row, col;
    assert_true(kt_find(t, "Tom Smith", &row, &col));
    assert_true(kt_cell_reverse(t, row, col));
    assert_true(kt_find(t, "Mia Chen", &row, &col));
    assert_false(kt_cell_reverse(t, row, col));
    kt_finish(t, "q");
}

static void test_small_at_start_then_grown(void **state)
{
    (void)state;
    const char *db = make_db("small.db");
    kt_term *t = kt_board(10, 40, db, NULL);
    kt_wait_for(t, "terminal too small");
    kt_resize(t, 30, 120);
    kt_wait_for(t, "Ada Lovelace");
    kt_send(t, "Y"); /* not bound: says so instead of doing anything */
    kt_wait_for(t, "Y is not bound");
    kt_finish(t, "q");
}

static void test_long_column_scrolls(void **state)
{
    (void)state;
    const char *db = kt_db("long.db");
    for (int i = 1; i <= 20; i++) {
        char name[32];
        snprintf(name, sizeof name, "Person %02d", i);
        kt_kariz_run(db, "add", "--company", "Many", "--stage", "lead", name, NULL);
    }
    kt_term *t = kt_board(24, 100, db, NULL);
    kt_wait_for(t, "Lead 20");
    kt_send(t, "s");
    kt_wait_for(t, "sort cards by");
    kt_send(t, "n");
    kt_wait_for(t, "cards sorted by name");
    kt_wait_for(t, "Person 01");
    kt_wait_for(t, "\xe2\x86\x93"); /* a down arrow: more cards below */
    kt_send(t, "G");
    kt_wait_for(t, "Person 20");
    kt_wait_gone(t, "Person 01");
    kt_send(t, "\x1b[5~"); /* PgUp */
    kt_send(t, "g");
    kt_wait_for(t, "Person 01");
    kt_wait_gone(t, "Person 20");
    kt_send(t, "\x1b[6~"); /* PgDn */
    kt_wait_gone(t, "Person 01");
    kt_finish(t, "q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_show_counts_and_totals),
        cmocka_unit_test(test_move_card_and_undo),
        cmocka_unit_test(test_override_prompt),
        cmocka_unit_test(test_search_filters_as_you_type),
        cmocka_unit_test(test_search_counts_common_word),
        cmocka_unit_test(test_help_lists_every_action),
        cmocka_unit_test(test_resize_small_and_back),
        cmocka_unit_test(test_readonly_refuses_edits),
        cmocka_unit_test(test_no_color_uses_attributes),
        cmocka_unit_test(test_demo_opens_the_board),
        cmocka_unit_test(test_demo_selects_the_first_card_drawn),
        cmocka_unit_test(test_small_at_start_then_grown),
        cmocka_unit_test(test_long_column_scrolls),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
