/* Reports over the fixture pipeline (tests/fixtures/report/pipeline.sql).
 * Every expected number below was worked out by hand from the table at the
 * top of that file; see the comments next to each assertion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kariz/buf.h"
#include "testdb.h"
#include "kariz/dates.h"
#include "kariz/prefs.h"
#include "kariz/report.h"
#include "kariz/store.h"
#include "kariz/text.h"

#define D(n) (1767225600LL + (int64_t)(n) * 86400) /* D0 = 2026-01-01 00:00 UTC */
#define NOW D(59)                                  /* 2026-03-01 */

static kz_stage stages[] = {
    {"lead", "Lead", 0, 10, 14, KZ_STAGE_OPEN, NULL},
    {"prospect", "Prospect", 1, 25, 21, KZ_STAGE_OPEN, NULL},
    {"opportunity", "Opportunity", 2, 60, 30, KZ_STAGE_OPEN, NULL},
    {"won", "Won", 3, 100, 0, KZ_STAGE_WON, NULL},
    {"lost", "Lost", 4, 0, 0, KZ_STAGE_LOST, NULL},
};
#define NSTAGES (sizeof stages / sizeof stages[0])
static const char *const grades[] = {"hot", "warm", "cold"};

typedef struct fx {
    char dir[64];
    char path[256];
    kz_store *st;
    kz_report_pipeline p;
    kz_report_opts o;
    kz_report r;
} fx;

/* The stale rule of pipeline.h, restated for the test: idle (since entering
 * the stage or the last touch) more days than the stage allows, and no next
 * step due today or later. */
static bool test_stale(const kz_lead *l, int64_t now, void *ud)
{
    (void)ud;
    const char *s = kz_lead_text(l, KZ_F_STAGE);
    int limit = 0;
    for (size_t i = 0; i < NSTAGES; i++)
        if (strcmp(stages[i].name, s) == 0)
            limit = stages[i].stale_days;
    int64_t since = kz_lead_num(l, KZ_F_STAGE_ENTERED);
    if (kz_lead_num(l, KZ_F_TOUCHED) > since)
        since = kz_lead_num(l, KZ_F_TOUCHED);
    if (limit <= 0 || (now - since) / 86400 <= limit)
        return false;
    const char *due = kz_lead_text(l, KZ_F_NEXT_DUE);
    int day;
    if (due && kz_day_parse_iso(due, &day) == KZ_OK && day >= kz_today(now))
        return false;
    return true;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    kz_buf b = KZ_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        kz_buf_append(&b, chunk, n);
    fclose(f);
    return kz_buf_take(&b);
}

static int setup(void **state)
{
    setenv("TZ", "UTC", 1);
    tzset();
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/kz-report-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    KZ_TESTDB_NAME(f->dir, "t.db", f->path);
    kz_err err;
    assert_int_equal(kz_store_open(f->path, 0, &f->st, &err), KZ_OK);
    assert_int_equal(kz_store_sync_stages(f->st, stages, NSTAGES, &err), KZ_OK);
    /* the fixture goes in through a second connection, as the sqlite3
     * shell (or psql) would write it */
    const char *dir = getenv("KARIZ_FIXTURES");
    char fixture[512];
    snprintf(fixture, sizeof fixture, "%s/report/pipeline.sql", dir ? dir : "tests/fixtures");
    char *sql = read_file(fixture);
    KZ_TESTDB_EXEC(f->path, sql);
    free(sql);
    f->p.stages = stages;
    f->p.nstages = NSTAGES;
    f->p.grades = grades;
    f->p.ngrades = 3;
    f->p.is_stale = test_stale;
    f->o.from_day = KZ_REPORT_OPEN_FROM;
    f->o.to_day = KZ_REPORT_OPEN_TO;
    f->o.now = NOW;
    kz_report_init(&f->r);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    kz_report_free(&f->r);
    kz_store_close(f->st);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static int day_of(int y, int m, int d)
{
    int day;
    assert_true(kz_day_from_ymd(y, m, d, &day));
    return day;
}

static void run(fx *f, const char *name)
{
    kz_err err;
    kz_report_free(&f->r);
    kz_status ks = kz_report_run(f->st, &f->p, name, &f->o, &f->r, &err);
    if (ks != KZ_OK)
        fail_msg("%s: %s", name, err.msg);
}

static const kz_rtable *table(const fx *f, const char *key)
{
    const kz_rtable *t = kz_report_find(&f->r, key);
    if (!t)
        fail_msg("no table %s", key);
    return t;
}

static const kz_rcell *cell(const fx *f, const char *tkey, size_t row, const char *col)
{
    const kz_rtable *t = table(f, tkey);
    if (row >= t->nrows)
        fail_msg("%s has %zu rows, wanted row %zu", tkey, t->nrows, row);
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->cols[c].key, col) == 0)
            return kz_rtable_cell(t, row, c);
    fail_msg("%s has no column %s", tkey, col);
    return NULL;
}

static void rows(const fx *f, const char *tkey, size_t n)
{
    assert_int_equal(table(f, tkey)->nrows, n);
}

static void is_text(const fx *f, const char *t, size_t row, const char *col, const char *want)
{
    const kz_rcell *c = cell(f, t, row, col);
    if (!want) {
        assert_true(c->null);
        return;
    }
    assert_false(c->null);
    assert_string_equal(c->s, want);
}

static void is_int(const fx *f, const char *t, size_t row, const char *col, int64_t want)
{
    const kz_rcell *c = cell(f, t, row, col);
    assert_false(c->null);
    assert_int_equal(c->i, want);
}

/* Percent and day values, to one decimal. */
static void is_real(const fx *f, const char *t, size_t row, const char *col, double want)
{
    const kz_rcell *c = cell(f, t, row, col);
    assert_false(c->null);
    if (fabs(c->d - want) > 0.05)
        fail_msg("%s[%zu].%s = %g, expected %g", t, row, col, c->d, want);
}

static void is_null(const fx *f, const char *t, size_t row, const char *col)
{
    assert_true(cell(f, t, row, col)->null);
}

/* ---- funnel ---- */

static void test_funnel_all_time(void **state)
{
    fx *f = *state;
    run(f, "funnel");
    /* now: lead Eve; prospect Cara (no value); opportunity Dan + Hana;
     * won Ava + Finn; lost Ben + Gus */
    rows(f, "stages", 5);
    is_text(f, "stages", 0, "stage", "lead");
    is_int(f, "stages", 0, "leads", 1);
    is_int(f, "stages", 0, "value", 300050);
    is_int(f, "stages", 1, "leads", 1);
    is_int(f, "stages", 1, "value", 0);
    is_int(f, "stages", 2, "leads", 2);
    is_int(f, "stages", 2, "value", 3200000);
    is_text(f, "stages", 3, "stage", "won");
    is_int(f, "stages", 3, "leads", 2);
    is_int(f, "stages", 3, "value", 1800000);
    is_int(f, "stages", 4, "leads", 2);
    is_int(f, "stages", 4, "value", 900000);
    /* furthest stage: Ava won, Ben opportunity (created in prospect: skipped
     * lead), Cara prospect (lost, reopened), Dan opportunity, Eve lead, Finn
     * won (skipped prospect), Gus lead (lost), Hana opportunity (created
     * there): reached lead 8, prospect 6, opportunity 5, won 2 */
    rows(f, "conversion", 4);
    is_text(f, "conversion", 0, "stage", "lead");
    is_int(f, "conversion", 0, "reached", 8);
    is_text(f, "conversion", 0, "next", "prospect");
    is_int(f, "conversion", 0, "moved_on", 6);
    is_real(f, "conversion", 0, "rate", 75.0);
    is_int(f, "conversion", 1, "reached", 6);
    is_int(f, "conversion", 1, "moved_on", 5);
    is_real(f, "conversion", 1, "rate", 83.3);
    is_int(f, "conversion", 2, "reached", 5);
    is_text(f, "conversion", 2, "next", "won");
    is_int(f, "conversion", 2, "moved_on", 2);
    is_real(f, "conversion", 2, "rate", 40.0);
    is_text(f, "conversion", 3, "stage", "won");
    is_int(f, "conversion", 3, "reached", 2);
    is_null(f, "conversion", 3, "next");
    is_null(f, "conversion", 3, "rate");
}

static void test_funnel_period(void **state)
{
    fx *f = *state;
    f->o.from_day = day_of(2026, 1, 4); /* D3 */
    f->o.to_day = day_of(2026, 1, 10);  /* D9 */
    run(f, "funnel");
    /* entries in D3..D9: Ava opportunity D5 (won D10 is after); Ben
     * opportunity D4; Cara prospect D3; Dan prospect D4, opportunity D9;
     * Eve lead D5; Finn opportunity D3, won D7; Gus lead D4; Hana none.
     * Reached: lead 7, prospect 5, opportunity 4, won 1 */
    is_int(f, "conversion", 0, "reached", 7);
    is_int(f, "conversion", 1, "reached", 5);
    is_int(f, "conversion", 2, "reached", 4);
    is_int(f, "conversion", 3, "reached", 1);
    is_real(f, "conversion", 0, "rate", 71.4);
    is_real(f, "conversion", 1, "rate", 80.0);
    is_real(f, "conversion", 2, "rate", 25.0);
    /* leads per stage is the pipeline now, whatever the period */
    is_int(f, "stages", 2, "leads", 2);
}

static void test_funnel_owner(void **state)
{
    fx *f = *state;
    f->o.owner = "bob"; /* Cara prospect, Dan opportunity, Hana opportunity */
    run(f, "funnel");
    is_int(f, "conversion", 0, "reached", 3);
    is_int(f, "conversion", 1, "reached", 3);
    is_int(f, "conversion", 2, "reached", 2);
    is_int(f, "conversion", 3, "reached", 0);
    is_real(f, "conversion", 1, "rate", 66.7);
    is_real(f, "conversion", 2, "rate", 0.0);
    is_int(f, "stages", 0, "leads", 0);
    is_int(f, "stages", 2, "leads", 2);
    f->o.owner = ""; /* unassigned: Finn only */
    run(f, "funnel");
    is_int(f, "conversion", 0, "reached", 1);
    is_int(f, "conversion", 1, "reached", 1);
    is_int(f, "conversion", 3, "reached", 1);
    is_int(f, "stages", 3, "leads", 1);
}

static void exec_sql(fx *f, const char *sql)
{
    KZ_TESTDB_EXEC(f->path, sql);
}

static void test_funnel_reused_id(void **state)
{
    fx *f = *state;
    /* lead 9 (Ivo: lead D3, prospect D4, deleted D5) left its log behind;
     * a new lead 9 created on D30 must not inherit it */
    exec_sql(f, "INSERT INTO leads (id, name, owner, stage, stage_entered, touched, created, "
                "updated) VALUES (9, 'Jo', 'bob', 'lead', 1769817600, 1769817600, 1769817600, "
                "1769817600);"
                "INSERT INTO events (lead_id, at, version, actor, kind, new_value, detail) "
                "VALUES (9, 1769817600, 1, 'bob', 'create', 'Jo', 'lead');");
    run(f, "funnel");
    is_int(f, "conversion", 0, "reached", 9);
    is_int(f, "conversion", 1, "reached", 6);
    run(f, "velocity");
    /* lead stays: the six above and Jo's D30 to now (29 days) */
    is_int(f, "stages", 0, "entered", 7);
    is_int(f, "stages", 1, "entered", 5);
}

/* Eve (lead 5, in lead since D5) was moved on to won and lost on D20 and
 * each move undone, one after another, as the board's u does: an undone
 * change counts in no report, nor does the undo itself. */
static void test_undone_moves_count_nowhere(void **state)
{
    fx *f = *state;
    exec_sql(f, "INSERT INTO events (lead_id, at, version, actor, kind, field, old_value, "
                "new_value, detail) VALUES "
                "(5, 1767225600+20*86400, 2, 'alice', 'stage', 'stage', 'lead', 'prospect', NULL),"
                "(5, 1767225600+20*86400, 3, 'alice', 'stage', 'stage', 'prospect', 'opportunity', NULL),"
                "(5, 1767225600+20*86400, 4, 'alice', 'stage', 'stage', 'opportunity', 'won', NULL),"
                "(5, 1767225600+20*86400, 5, 'alice', 'stage', 'stage', 'won', 'opportunity', 'undo'),"
                "(5, 1767225600+20*86400, 6, 'alice', 'stage', 'stage', 'opportunity', 'lost', NULL),"
                "(5, 1767225600+20*86400, 7, 'alice', 'stage', 'stage', 'lost', 'opportunity', 'undo'),"
                "(5, 1767225600+20*86400, 8, 'alice', 'stage', 'stage', 'opportunity', 'prospect', 'undo'),"
                "(5, 1767225600+20*86400, 9, 'alice', 'stage', 'stage', 'prospect', 'lead', 'undo');");
    run(f, "funnel"); /* as in test_funnel_all_time */
    is_int(f, "conversion", 0, "reached", 8);
    is_int(f, "conversion", 0, "moved_on", 6);
    is_int(f, "conversion", 1, "reached", 6);
    is_int(f, "conversion", 2, "reached", 5);
    is_int(f, "conversion", 2, "moved_on", 2);
    is_int(f, "conversion", 3, "reached", 2);
    run(f, "velocity"); /* as in test_velocity: Eve's one stay in lead, 54 days */
    is_int(f, "stages", 0, "entered", 6);
    is_real(f, "stages", 0, "median_days", 2.0);
    is_real(f, "stages", 0, "p90_days", 28.5);
    is_int(f, "stages", 1, "entered", 5);
    is_int(f, "stages", 2, "entered", 5);
    is_real(f, "stages", 2, "p90_days", 45.6);
}

/* ---- forecast ---- */

static void test_forecast(void **state)
{
    fx *f = *state;
    run(f, "forecast");
    /* open: Cara prospect no value (0), Dan 20000 x own 80% = 16000, Eve
     * 3000.50 x lead 10% = 300.05, Hana 12000 x opportunity 60% = 7200 */
    rows(f, "by_month", 3);
    is_text(f, "by_month", 0, "month", "2026-03");
    is_int(f, "by_month", 0, "leads", 2);
    is_int(f, "by_month", 0, "value", 2000000);
    is_int(f, "by_month", 0, "weighted", 1600000);
    is_text(f, "by_month", 1, "month", "2026-04");
    is_int(f, "by_month", 1, "weighted", 720000);
    is_text(f, "by_month", 2, "month", "no date");
    is_int(f, "by_month", 2, "value", 300050);
    is_int(f, "by_month", 2, "weighted", 30005);
    rows(f, "by_owner", 2);
    is_text(f, "by_owner", 0, "owner", "alice");
    is_int(f, "by_owner", 0, "weighted", 30005);
    is_text(f, "by_owner", 1, "owner", "bob");
    is_int(f, "by_owner", 1, "leads", 3);
    is_int(f, "by_owner", 1, "value", 3200000);
    is_int(f, "by_owner", 1, "weighted", 2320000);
    rows(f, "by_month_owner", 3);
    is_text(f, "by_month_owner", 0, "month", "2026-03");
    is_text(f, "by_month_owner", 0, "owner", "bob");
    is_text(f, "by_month_owner", 2, "month", "no date");
    is_text(f, "by_month_owner", 2, "owner", "alice");
    is_int(f, "total", 0, "leads", 4);
    is_int(f, "total", 0, "value", 3500050);
    is_int(f, "total", 0, "weighted", 2350005);
}

static void test_forecast_follows_the_rules(void **state)
{
    fx *f = *state;
    stages[2].probability = 50; /* opportunity: Hana now 12000 x 50% = 6000 */
    run(f, "forecast");
    stages[2].probability = 60;
    is_int(f, "by_month", 1, "weighted", 600000);
    is_int(f, "by_month", 0, "weighted", 1600000); /* Dan keeps his own 80% */
    is_int(f, "total", 0, "weighted", 2230005);
}

static void test_forecast_close_dates_in_period(void **state)
{
    fx *f = *state;
    f->o.from_day = day_of(2026, 4, 1);
    f->o.to_day = day_of(2026, 4, 30);
    run(f, "forecast");
    /* Hana closes 2026-04-02; Eve has no close date and stays */
    rows(f, "by_month", 2);
    is_text(f, "by_month", 0, "month", "2026-04");
    is_text(f, "by_month", 1, "month", "no date");
    is_int(f, "total", 0, "leads", 2);
}

/* With the Persian calendar the forecast groups by Solar Hijri month: Dan
 * (2026-03-20, 29 Esfand 1404) and Cara (moved to Nowruz, 2026-03-21 =
 * 1 Farvardin 1405) fall in different months though both close in March;
 * Cara joins Hana (2026-04-02, 13 Farvardin 1405). Tables name the month;
 * CSV and JSON carry its key in Latin digits. */
static void test_forecast_persian_months(void **state)
{
    fx *f = *state;
    exec_sql(f, "UPDATE leads SET close_date = '2026-03-21' WHERE id = 3");
    setenv("KARIZ_CALENDAR", "persian", 1);
    setenv("KARIZ_DIGITS", "persian", 1);
    kz_prefs_reset();
    run(f, "forecast");
    rows(f, "by_month", 3);
    is_text(f, "by_month", 0, "month", "1404-12");
    is_int(f, "by_month", 0, "leads", 1);
    is_int(f, "by_month", 0, "value", 2000000);
    is_int(f, "by_month", 0, "weighted", 1600000);
    is_text(f, "by_month", 1, "month", "1405-01");
    is_int(f, "by_month", 1, "leads", 2);
    is_int(f, "by_month", 1, "value", 1200000);
    is_int(f, "by_month", 1, "weighted", 720000);
    is_text(f, "by_month", 2, "month", "no date");
    rows(f, "by_month_owner", 3);
    is_text(f, "by_month_owner", 1, "month", "1405-01");
    is_text(f, "by_month_owner", 1, "owner", "bob");
    kz_lines lines = {0};
    kz_report_render(&f->r, 80, true, &lines);
    bool esfand = false, farvardin = false;
    for (size_t i = 0; i < lines.n; i++) {
        esfand = esfand || strstr(lines.v[i], "اسفند ۱۴۰۴");
        farvardin = farvardin || strstr(lines.v[i], "فروردین ۱۴۰۵");
        assert_null(strstr(lines.v[i], "1405"));
    }
    assert_true(esfand);
    assert_true(farvardin);
    kz_lines_free(&lines);
    kz_buf b = KZ_BUF_INIT;
    kz_report_csv(&f->r, &b);
    assert_non_null(strstr(kz_buf_str(&b), "by_month,1405-01,2,12000,7200\r\n"));
    assert_null(strstr(kz_buf_str(&b), "فروردین"));
    kz_buf_reset(&b);
    kz_report_json(&f->r, &b);
    assert_non_null(strstr(kz_buf_str(&b), "\"1404-12\""));
    assert_null(strstr(kz_buf_str(&b), "\xdb\xb1")); /* no Persian digit one */
    kz_buf_free(&b);
    /* the Gregorian calendar groups them by March */
    setenv("KARIZ_CALENDAR", "gregorian", 1);
    kz_prefs_reset();
    run(f, "forecast");
    is_text(f, "by_month", 0, "month", "2026-03");
    is_int(f, "by_month", 0, "leads", 2);
    unsetenv("KARIZ_CALENDAR");
    unsetenv("KARIZ_DIGITS");
    kz_prefs_reset();
}

/* The text form names a period that is a Solar Hijri month, season or
 * year; any other period reads from its first day to its last. */
static void test_persian_period_names(void **state)
{
    fx *f = *state;
    static const struct {
        int fy, fm, fd, ty, tm, td;
        const char *title;
    } cases[] = {
        {2026, 11, 22, 2026, 12, 21, "Forecast, آذر ۱۴۰۵"},
        {2026, 9, 23, 2026, 12, 21, "Forecast, پاییز ۱۴۰۵"},
        {2026, 6, 22, 2026, 9, 22, "Forecast, تابستان ۱۴۰۵"},
        {2026, 3, 21, 2026, 6, 21, "Forecast, بهار ۱۴۰۵"},
        {2026, 12, 22, 2027, 3, 20, "Forecast, زمستان ۱۴۰۵"},
        {2026, 3, 21, 2027, 3, 20, "Forecast, ۱۴۰۵"},
        {2026, 11, 22, 2026, 12, 20, "Forecast, ۱ آذر ۱۴۰۵ to ۲۹ آذر ۱۴۰۵"},
        {2026, 10, 23, 2026, 12, 21, "Forecast, ۱ آبان ۱۴۰۵ to ۳۰ آذر ۱۴۰۵"},
    };
    setenv("KARIZ_CALENDAR", "persian", 1);
    setenv("KARIZ_DIGITS", "persian", 1);
    kz_prefs_reset();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        f->o.from_day = day_of(cases[i].fy, cases[i].fm, cases[i].fd);
        f->o.to_day = day_of(cases[i].ty, cases[i].tm, cases[i].td);
        run(f, "forecast");
        kz_lines lines = {0};
        kz_report_render(&f->r, 80, true, &lines);
        if (strcmp(lines.v[0], cases[i].title) != 0)
            fail_msg("got \"%s\", want \"%s\"", lines.v[0], cases[i].title);
        kz_lines_free(&lines);
    }
    unsetenv("KARIZ_CALENDAR");
    unsetenv("KARIZ_DIGITS");
    kz_prefs_reset();
    run(f, "forecast");
    kz_lines lines = {0};
    kz_report_render(&f->r, 80, true, &lines);
    assert_string_equal(lines.v[0], "Forecast, 2026-10-23 to 2026-12-21");
    kz_lines_free(&lines);
}

/* ---- velocity ---- */

static void test_velocity(void **state)
{
    fx *f = *state;
    run(f, "velocity");
    /* days per stay: lead Ava 2, Cara 3, Dan 2, Eve 54 (to now), Finn 2,
     * Gus 1 -> [1 2 2 2 3 54]: median 2, p90 rank 4.5 -> 3 + .5 x 51 = 28.5.
     * prospect Ava 3, Ben 3, Cara 3 and 47 (reopened D12 to now), Dan 5 ->
     * [3 3 3 5 47]: median 3, p90 rank 3.6 -> 5 + .6 x 42 = 30.2.
     * opportunity Ava 5, Ben 4, Dan 50, Finn 4, Hana 39 -> [4 4 5 39 50]:
     * median 5, p90 39 + .6 x 11 = 45.6. */
    rows(f, "stages", 3);
    is_text(f, "stages", 0, "stage", "lead");
    is_int(f, "stages", 0, "entered", 6);
    is_real(f, "stages", 0, "median_days", 2.0);
    is_real(f, "stages", 0, "p90_days", 28.5);
    is_int(f, "stages", 1, "entered", 5);
    is_real(f, "stages", 1, "median_days", 3.0);
    is_real(f, "stages", 1, "p90_days", 30.2);
    is_int(f, "stages", 2, "entered", 5);
    is_real(f, "stages", 2, "median_days", 5.0);
    is_real(f, "stages", 2, "p90_days", 45.6);
    /* now: Eve; Cara; Dan and Hana. Stale: Eve idle 54 > 14, Cara 47 > 21,
     * Dan 50 > 30; Hana idle 38 but her next step is due 2026-03-10 */
    is_int(f, "stages", 0, "leads", 1);
    is_int(f, "stages", 0, "stale", 1);
    is_int(f, "stages", 1, "stale", 1);
    is_int(f, "stages", 2, "leads", 2);
    is_int(f, "stages", 2, "stale", 1);
    is_text(f, "bottleneck", 0, "measure", "longest_wait");
    is_text(f, "bottleneck", 0, "stage", "opportunity");
    is_real(f, "bottleneck", 0, "median_days", 5.0);
    is_text(f, "bottleneck", 1, "measure", "most_leads");
    is_text(f, "bottleneck", 1, "stage", "opportunity");
    is_int(f, "bottleneck", 1, "leads", 2);
}

static void test_velocity_period(void **state)
{
    fx *f = *state;
    f->o.from_day = day_of(2026, 1, 4); /* D3 */
    f->o.to_day = day_of(2026, 1, 10);  /* D9 */
    run(f, "velocity");
    /* stays that began D3..D9: lead Eve 54, Gus 1 -> median 27.5, p90
     * 1 + .9 x 53 = 48.7; prospect Cara 3, Dan 5 -> 4, 4.8; opportunity
     * Ava 5, Ben 4, Dan 50, Finn 4 -> [4 4 5 50]: median 4.5, p90 rank 2.7
     * -> 5 + .7 x 45 = 36.5 */
    is_int(f, "stages", 0, "entered", 2);
    is_real(f, "stages", 0, "median_days", 27.5);
    is_real(f, "stages", 0, "p90_days", 48.7);
    is_real(f, "stages", 1, "median_days", 4.0);
    is_real(f, "stages", 1, "p90_days", 4.8);
    is_int(f, "stages", 2, "entered", 4);
    is_real(f, "stages", 2, "median_days", 4.5);
    is_real(f, "stages", 2, "p90_days", 36.5);
    is_text(f, "bottleneck", 0, "stage", "lead");
}

/* ---- losses ---- */

static void test_losses(void **state)
{
    fx *f = *state;
    run(f, "losses");
    /* lost now: Ben (from opportunity, price, 5000), Gus (from lead, no
     * budget, 4000). Cara was lost and reopened: not a loss. */
    rows(f, "by_stage", 2);
    is_text(f, "by_stage", 0, "stage", "lead");
    is_int(f, "by_stage", 0, "lost", 1);
    is_real(f, "by_stage", 0, "share", 50.0);
    is_int(f, "by_stage", 0, "value", 400000);
    is_text(f, "by_stage", 1, "stage", "opportunity");
    is_int(f, "by_stage", 1, "value", 500000);
    rows(f, "by_reason", 2);
    is_text(f, "by_reason", 0, "reason", "no_budget");
    is_text(f, "by_reason", 1, "reason", "price");
    is_real(f, "by_reason", 1, "share", 50.0);
    /* closed: web Ava won, Finn won, Ben lost; referral Gus lost */
    rows(f, "win_rate_by_source", 2);
    is_text(f, "win_rate_by_source", 0, "source", "referral");
    is_int(f, "win_rate_by_source", 0, "won", 0);
    is_int(f, "win_rate_by_source", 0, "lost", 1);
    is_real(f, "win_rate_by_source", 0, "win_rate", 0.0);
    is_text(f, "win_rate_by_source", 1, "source", "web");
    is_int(f, "win_rate_by_source", 1, "won", 2);
    is_int(f, "win_rate_by_source", 1, "lost", 1);
    is_real(f, "win_rate_by_source", 1, "win_rate", 66.7);
}

static void test_losses_period(void **state)
{
    fx *f = *state;
    f->o.from_day = day_of(2026, 1, 7); /* D6 */
    f->o.to_day = day_of(2026, 1, 10);  /* D9: Ben lost D8, Finn won D7 */
    run(f, "losses");
    rows(f, "by_stage", 1);
    is_text(f, "by_stage", 0, "stage", "opportunity");
    is_real(f, "by_stage", 0, "share", 100.0);
    rows(f, "win_rate_by_source", 1);
    is_real(f, "win_rate_by_source", 0, "win_rate", 50.0);
}

/* ---- channels ---- */

static void test_channels(void **state)
{
    fx *f = *state;
    run(f, "channels");
    /* email: 9 touches, 7 sent, 2 replied -> 28.6%; in_person 1 meeting;
     * phone: 5 calls, answered Ava, Ben (2nd), Cara (call back), Finn ->
     * 80%; web 1 visit. The note has no channel. */
    rows(f, "response", 4);
    is_text(f, "response", 0, "channel", "email");
    is_int(f, "response", 0, "touches", 9);
    is_int(f, "response", 0, "sent", 7);
    is_int(f, "response", 0, "replied", 2);
    is_int(f, "response", 0, "calls", 0);
    is_real(f, "response", 0, "response_rate", 28.6);
    is_text(f, "response", 1, "channel", "in_person");
    is_null(f, "response", 1, "response_rate");
    is_text(f, "response", 2, "channel", "phone");
    is_int(f, "response", 2, "touches", 5);
    is_int(f, "response", 2, "calls", 5);
    is_int(f, "response", 2, "answered", 4);
    is_real(f, "response", 2, "response_rate", 80.0);
    is_text(f, "response", 3, "channel", "web");
    /* closed: won Ava (email, phone, meeting before D10; the e-mail on D11
     * is after), Finn (phone, email); lost Ben (email, phone), Gus (email) */
    rows(f, "before_close", 3);
    is_text(f, "before_close", 0, "channel", "email");
    is_int(f, "before_close", 0, "won_deals", 2);
    is_real(f, "before_close", 0, "won_share", 100.0);
    is_int(f, "before_close", 0, "lost_deals", 2);
    is_real(f, "before_close", 0, "lost_share", 100.0);
    is_text(f, "before_close", 1, "channel", "in_person");
    is_int(f, "before_close", 1, "won_deals", 1);
    is_real(f, "before_close", 1, "won_share", 50.0);
    is_int(f, "before_close", 1, "lost_deals", 0);
    is_real(f, "before_close", 1, "lost_share", 0.0);
    is_text(f, "before_close", 2, "channel", "phone");
    is_real(f, "before_close", 2, "won_share", 100.0);
    is_real(f, "before_close", 2, "lost_share", 50.0);
    is_int(f, "closed", 0, "deals", 2);
    is_int(f, "closed", 1, "deals", 2);
}

static void test_channels_period(void **state)
{
    fx *f = *state;
    f->o.from_day = day_of(2026, 1, 4); /* D3 */
    f->o.to_day = day_of(2026, 1, 10);  /* D9 */
    run(f, "channels");
    /* touches D3..D9: email Dan sent + replied, Finn sent, Gus sent -> 4,
     * 3 sent, 1 replied; phone Ava answered, Ben no answer + answered, Cara
     * call back -> 4 calls, 3 answered */
    is_text(f, "response", 0, "channel", "email");
    is_int(f, "response", 0, "touches", 4);
    is_real(f, "response", 0, "response_rate", 33.3);
    is_text(f, "response", 2, "channel", "phone");
    is_real(f, "response", 2, "response_rate", 75.0);
    /* closed D3..D9: Finn won; Ben, Gus lost */
    is_int(f, "closed", 0, "deals", 1);
    is_int(f, "closed", 1, "deals", 2);
    rows(f, "before_close", 2);
    is_text(f, "before_close", 1, "channel", "phone");
    is_int(f, "before_close", 1, "won_deals", 1);
    is_real(f, "before_close", 1, "lost_share", 50.0);
}

static void test_channels_owner(void **state)
{
    fx *f = *state;
    f->o.owner = "bob";
    run(f, "channels");
    /* Cara: e-mail sent, call back; Dan: e-mail sent and replied, a web
     * visit; Hana: a note. None of bob's deals has closed. */
    rows(f, "response", 3);
    is_text(f, "response", 0, "channel", "email");
    is_int(f, "response", 0, "touches", 3);
    is_real(f, "response", 0, "response_rate", 50.0);
    is_text(f, "response", 1, "channel", "phone");
    is_real(f, "response", 1, "response_rate", 100.0);
    is_text(f, "response", 2, "channel", "web");
    rows(f, "before_close", 0);
    is_int(f, "closed", 0, "deals", 0);
    is_int(f, "closed", 1, "deals", 0);
}

/* ---- scoring ---- */

static void test_scoring_stored_grades(void **state)
{
    fx *f = *state;
    run(f, "scoring");
    /* closed: Ava won hot, Finn won cold, Ben lost warm, Gus lost cold */
    rows(f, "by_grade", 3);
    is_text(f, "by_grade", 0, "grade", "hot");
    is_int(f, "by_grade", 0, "deals", 1);
    is_real(f, "by_grade", 0, "win_rate", 100.0);
    is_text(f, "by_grade", 1, "grade", "warm");
    is_int(f, "by_grade", 1, "lost", 1);
    is_real(f, "by_grade", 1, "win_rate", 0.0);
    is_text(f, "by_grade", 2, "grade", "cold");
    is_int(f, "by_grade", 2, "deals", 2);
    is_int(f, "by_grade", 2, "won", 1);
    is_real(f, "by_grade", 2, "win_rate", 50.0);
}

/* A candidate scoring: the grade from the number of touches before the
 * close; it also records what it was shown. */
static int regraded;
static const char *test_grade(const kz_lead *l, const kz_activity *acts, size_t n, int64_t at,
                              void *ud)
{
    (void)ud;
    regraded++;
    for (size_t i = 0; i < n; i++)
        assert_true(acts[i].at < at);
    assert_int_equal(at, kz_lead_num(l, KZ_F_STAGE_ENTERED));
    int64_t id = kz_lead_num(l, KZ_F_ID);
    /* scored in the stage it closed from */
    assert_string_equal(kz_lead_text(l, KZ_F_STAGE), id == 7 ? "lead" : "opportunity");
    return n >= 3 ? "hot" : n >= 2 ? "warm" : "cold";
}

static void test_scoring_with_candidate(void **state)
{
    fx *f = *state;
    f->p.grade = test_grade;
    regraded = 0;
    run(f, "scoring");
    f->p.grade = NULL;
    /* touches before close: Ava 4 (hot, won), Ben 3 (hot, lost), Finn 2
     * (warm, won), Gus 1 (cold, lost) */
    assert_int_equal(regraded, 4);
    is_text(f, "by_grade", 0, "grade", "hot");
    is_int(f, "by_grade", 0, "deals", 2);
    is_real(f, "by_grade", 0, "win_rate", 50.0);
    is_int(f, "by_grade", 1, "won", 1);
    is_real(f, "by_grade", 1, "win_rate", 100.0);
    is_int(f, "by_grade", 2, "lost", 1);
    is_real(f, "by_grade", 2, "win_rate", 0.0);
}

/* kz_report_scoring and kz_report_pipeline_rules with real rules: a
 * candidate that grades hot only the leads that replied to an e-mail. */
static const char candidate[] =
    "version: 1\n"
    "grades:\n"
    "  - name: hot\n"
    "    min: 10\n"
    "  - name: cold\n"
    "criteria:\n"
    "  interest:\n"
    "    rules:\n"
    "      - label: Replied to an e-mail\n"
    "        points: 10\n"
    "        activity:\n"
    "          kind: email\n"
    "          outcome: replied\n"
    "stages:\n"
    "  - {name: lead, probability: 10, stale_days: 14}\n"
    "  - {name: prospect, probability: 25, stale_days: 21}\n"
    "  - {name: opportunity, probability: 70, stale_days: 30}\n"
    "  - {name: won, probability: 100, kind: won}\n"
    "  - {name: lost, probability: 0, kind: lost}\n"
    "lost_reasons: [price, timing, no_budget]\n";

static void test_backtest_with_rules(void **state)
{
    fx *f = *state;
    kz_rules *rules = NULL;
    kz_err err;
    if (kz_rules_load_buffer("candidate.yaml", candidate, sizeof candidate - 1, &rules, &err) !=
        KZ_OK)
        fail_msg("%s", err.msg);
    /* Ben replied on D9, after he was lost on D8: that reply must not count */
    exec_sql(f, "INSERT INTO activities (lead_id, at, kind, channel, outcome, author) "
                "VALUES (2, 1768003200, 'email', 'email', 'replied', 'alice')");
    kz_report_free(&f->r);
    assert_int_equal(kz_report_scoring(f->st, rules, true, &f->o, &f->r, &err), KZ_OK);
    /* replied before closing: Ava only (D2, won D10). hot: Ava won; cold:
     * Finn won, Ben lost, Gus lost */
    rows(f, "by_grade", 2);
    is_text(f, "by_grade", 0, "grade", "hot");
    is_int(f, "by_grade", 0, "deals", 1);
    is_real(f, "by_grade", 0, "win_rate", 100.0);
    is_text(f, "by_grade", 1, "grade", "cold");
    is_int(f, "by_grade", 1, "deals", 3);
    is_int(f, "by_grade", 1, "won", 1);
    is_real(f, "by_grade", 1, "win_rate", 33.3);
    /* without rescoring: the stored grades */
    kz_report_free(&f->r);
    assert_int_equal(kz_report_scoring(f->st, rules, false, &f->o, &f->r, &err), KZ_OK);
    rows(f, "by_grade", 3);
    is_text(f, "by_grade", 2, "grade", "warm"); /* not a band of these rules: after them */

    /* the same rules as the pipeline of every report: opportunity at 70%,
     * stale through kz_lead_is_stale */
    kz_report_rules rr;
    memset(&rr, 0, sizeof rr);
    kz_report_pipeline p;
    kz_report_pipeline_rules(&p, &rr, rules, false);
    kz_report_free(&f->r);
    assert_int_equal(kz_report_run(f->st, &p, "forecast", &f->o, &f->r, &err), KZ_OK);
    is_int(f, "by_month", 1, "weighted", 840000); /* Hana 12000 x 70% */
    kz_report_free(&f->r);
    assert_int_equal(kz_report_run(f->st, &p, "velocity", &f->o, &f->r, &err), KZ_OK);
    is_int(f, "stages", 0, "stale", 1); /* Eve */
    is_int(f, "stages", 1, "stale", 1); /* Cara */
    is_int(f, "stages", 2, "stale", 1); /* Dan; Hana has a next step due */
    kz_rules_free(rules);
}

static void test_unknown_report(void **state)
{
    fx *f = *state;
    kz_err err;
    assert_int_equal(kz_report_run(f->st, &f->p, "weather", &f->o, &f->r, &err), KZ_EINVAL);
    assert_non_null(strstr(err.msg, "unknown report \"weather\""));
}

static void test_render_and_formats(void **state)
{
    fx *f = *state;
    run(f, "funnel");
    kz_lines lines = {0};
    kz_report_render(&f->r, 60, true, &lines);
    assert_string_equal(lines.v[0], "Funnel, all time");
    bool bars = false;
    for (size_t i = 0; i < lines.n; i++) {
        assert_true(kz_text_width(lines.v[i]) <= 60);
        if (strstr(lines.v[i], "\u2588"))
            bars = true;
    }
    assert_true(bars);
    kz_lines_free(&lines);
    kz_buf b = KZ_BUF_INIT;
    kz_report_csv(&f->r, &b);
    assert_non_null(strstr(kz_buf_str(&b), "table,stage,reached,next,moved_on,rate\r\n"));
    assert_non_null(strstr(kz_buf_str(&b), "conversion,lead,8,prospect,6,75.0\r\n"));
    assert_non_null(strstr(kz_buf_str(&b), "conversion,won,2,,,\r\n"));
    assert_non_null(strstr(kz_buf_str(&b), "stages,lead,1,3000.50\r\n"));
    kz_buf_reset(&b);
    kz_report_json(&f->r, &b);
    assert_non_null(strstr(kz_buf_str(&b), "\"report\": \"funnel\""));
    assert_non_null(strstr(kz_buf_str(&b), "\"rate\": 83.3"));
    assert_non_null(strstr(kz_buf_str(&b), "\"value\": 3000.5"));
    kz_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_funnel_all_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_funnel_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_funnel_owner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_funnel_reused_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_undone_moves_count_nowhere, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forecast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forecast_follows_the_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forecast_close_dates_in_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forecast_persian_months, setup, teardown),
        cmocka_unit_test_setup_teardown(test_persian_period_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_velocity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_velocity_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_losses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_losses_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_channels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_channels_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_channels_owner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scoring_stored_grades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scoring_with_candidate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backtest_with_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_and_formats, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
