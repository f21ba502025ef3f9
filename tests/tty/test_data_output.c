/* test_data_output.c - CSV and JSON written to a terminal: a lead's name
 * holding escape sequences (a title set, a clipboard write with OSC 52, a
 * colour) is shown as visible text, never obeyed (tests/cli/test_csv_out.sh
 * checks that a pipe still gets the exact bytes); a NUL byte, bidi controls
 * and zero-width characters in a name are shown as markers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

/* ESC and BEL as kariz shows them: the control pictures U+241B and U+2407 */
#define PIC_ESC "\xe2\x90\x9b"
#define PIC_BEL "\xe2\x90\x87"

static const char *hostile_db(void)
{
    static const char *db;
    if (!db) {
        db = kt_db("hostile.db");
        kt_kariz_run(db, "add", "--company", "Evil\x1b]0;pwned\x07" "Corp",
                     "Mallory\x1b]52;c;cHduZWQ=\x07" "Red\x1b[31mX", NULL);
    }
    return db;
}

static void run_shown(const char *cmd, const char *fmt_opt, const char *fmt)
{
    const char *argv[] = {kt_kariz(), "--db", hostile_db(), cmd, fmt_opt, fmt, NULL};
    kt_term *t = kt_start(argv, 24, 200);
    kt_wait_for(t, "Mallory" PIC_ESC "]52;c;cHduZWQ=" PIC_BEL "Red" PIC_ESC "[31mX");
    kt_wait_for(t, "Evil" PIC_ESC "]0;pwned" PIC_BEL "Corp");
    assert_string_equal(kt_title(t), "");
    int st = kt_wait_exit(t);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_list_csv_on_a_terminal(void **state)
{
    (void)state;
    run_shown("list", "--format", "csv");
}

static void test_export_csv_on_a_terminal(void **state)
{
    (void)state;
    run_shown("export", "--format", "csv");
}

static void test_export_jsonl_c1_and_bidi_on_a_terminal(void **state)
{
    (void)state;
    const char *db = kt_db("c1.db");
    /* U+009B is CSI as one (C1) character; U+202E reverses the text after it */
    kt_kariz_run(db, "add", "C1\xc2\x9b" "31mLead\xe2\x80\xae" "evil", NULL);
    const char *argv[] = {kt_kariz(), "--db", db, "export", "--format", "jsonl", NULL};
    kt_term *t = kt_start(argv, 24, 200);
    kt_wait_for(t, "C1\xef\xbf\xbd" "31mLead<U+202E>evil");
    int st = kt_wait_exit(t);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* C1 (CSI as one character) and a bidi override in a value, as the
 * terminal shows them: the visible markers, never obeyed. */
#define HOSTILE "C1\xc2\x9b" "31mLead\xe2\x80\xae" "evil"
#define HOSTILE_SHOWN "C1\xef\xbf\xbd" "31mLead<U+202E>evil"

static void expect_shown(const char *const argv[], const char *shown)
{
    kt_term *t = kt_start(argv, 120, 400); /* a long line stays one row, all of it on the screen */
    kt_wait_for(t, shown);
    int st = kt_wait_exit(t);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_show_and_history_json_on_a_terminal(void **state)
{
    (void)state;
    const char *db = kt_db("json.db");
    kt_kariz_run(db, "add", HOSTILE, NULL);
    kt_kariz_run(db, "set", "1", "title=" HOSTILE, NULL);
    const char *show[] = {kt_kariz(), "--db", db, "show", "1", "--format", "json", NULL};
    expect_shown(show, "\"name\": \"" HOSTILE_SHOWN "\"");
    const char *history[] = {kt_kariz(), "--db", db, "history", "1", "--format", "json", NULL};
    expect_shown(history, "\"new\": \"" HOSTILE_SHOWN "\"");
}

/* score --explain --format json names the rules that fired: a label from
 * the team's rules file is data too. */
static void test_score_explain_json_on_a_terminal(void **state)
{
    (void)state;
    const char *src = getenv("KARIZ_SOURCE");
    assert_non_null(src);
    char path[4096];
    snprintf(path, sizeof path, "%s/rules.yaml", src);
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[n] = '\0';
    const char *label = "label: Downloaded a guide, ebook or webinar about the problem";
    char *at = strstr(text, label);
    assert_non_null(at);
    const char *rules = kt_path("hostile-rules.yaml");
    FILE *out = fopen(rules, "w");
    assert_non_null(out);
    fprintf(out, "%.*slabel: \"Guide C1\\u009b31mLead\\u202eevil\"%s", (int)(at - text), text,
            at + strlen(label));
    fclose(out);
    const char *db = kt_db("explain.db");
    kt_kariz_run(db, "--rules", rules, "add", "Ada", "--set", "source=guide", NULL);
    const char *argv[] = {kt_kariz(), "--db", db, "--rules", rules, "score", "1", "--explain",
                          "--format", "json", NULL};
    expect_shown(argv, "\"rule\":\"Guide " HOSTILE_SHOWN "\"");
}

/* A NUL byte another program stored inside a name, and bidi and zero-width
 * characters: the whole name with visible markers, on the board and in the
 * CLI table. */
static void test_nul_and_invisible_characters_on_the_board(void **state)
{
    (void)state;
    kt_skip_on_pg("PostgreSQL's text holds no NUL byte; a NUL in a name is an SQLite file's");
    const char *db = kt_db("nul.db");
    kt_kariz_run(db, "add", "--company", "Tail\xe2\x80\xae" "Co", "Ada", NULL);
    kt_kariz_run(db, "add", "--company", "Persian", "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae"
                 "Zero\xe2\x80\x8bWidth", NULL);
    const char *sql[] = {"/usr/bin/sqlite3", db,
                         "UPDATE leads SET name = CAST(x'416461004c6f76656c616365' AS TEXT) "
                         "WHERE id = 1",
                         NULL};
    kt_run(sql);
    kt_term *t = kt_board(30, 140, db, NULL);
    kt_wait_for(t, "Ada\xe2\x90\x80Lovelace");
    kt_wait_for(t, "Tail<U+202E>Co");
    /* the zero-width non-joiner stays (Persian spelling); ZWSP is marked */
    kt_wait_for(t, "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae" "Zero<U+200B>Width");
    kt_finish(t, "q");
    const char *argv[] = {kt_kariz(), "--db", db, "list", NULL};
    t = kt_start(argv, 24, 200);
    kt_wait_for(t, "Ada\xe2\x90\x80Lovelace");
    kt_wait_for(t, "Tail<U+202E>Co");
    int st = kt_wait_exit(t);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_csv_on_a_terminal),
        cmocka_unit_test(test_export_csv_on_a_terminal),
        cmocka_unit_test(test_export_jsonl_c1_and_bidi_on_a_terminal),
        cmocka_unit_test(test_nul_and_invisible_characters_on_the_board),
        cmocka_unit_test(test_show_and_history_json_on_a_terminal),
        cmocka_unit_test(test_score_explain_json_on_a_terminal),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
