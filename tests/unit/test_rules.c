/* test_rules.c - golden scoring tests: fixture leads (built here) scored
 * against tests/fixtures/rules/team.yaml, compared with the explanations in
 * tests/fixtures/rules/golden/ (KARIZ_GOLDEN_UPDATE=1 rewrites them, to be
 * reviewed with git diff); entry criteria; the catastrophic pattern;
 * the default rules; resolving which rules file is in force. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/model.h"
#include "kariz/prefs.h"
#include "kariz/rules.h"
#include "kariz/status.h"

#define NOW INT64_C(1790000000) /* 2026-09-21T14:13:20Z */
#define DAY INT64_C(86400)

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    kz_buf b = KZ_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        kz_buf_append(&b, chunk, n);
    fclose(f);
    kz_buf_putc(&b, '\0');
    return kz_buf_take(&b);
}

static void fixture_path(char *out, size_t len, const char *rel)
{
    const char *dir = getenv("KARIZ_FIXTURES");
    snprintf(out, len, "%s/%s", dir ? dir : "tests/fixtures", rel);
}

static kz_rules *load_team(void)
{
    char path[1024];
    fixture_path(path, sizeof path, "rules/team.yaml");
    char *text = read_all(path);
    if (!text)
        fail_msg("cannot read %s", path);
    kz_rules *r = NULL;
    kz_err err = {0};
    /* named without its directory, so explanations do not depend on where
     * the tests run */
    kz_status st = kz_rules_load_buffer("team.yaml", text, strlen(text), &r, &err);
    free(text);
    if (st != KZ_OK)
        fail_msg("%s", err.msg);
    return r;
}

static void act(kz_activity *a, const char *kind, const char *channel, const char *outcome,
                int64_t at)
{
    memset(a, 0, sizeof *a);
    snprintf(a->kind, sizeof a->kind, "%s", kind);
    snprintf(a->channel, sizeof a->channel, "%s", channel);
    snprintf(a->outcome, sizeof a->outcome, "%s", outcome);
    a->at = at;
}

/* Compares the explanation with golden/NAME.json (one line). */
static void check_golden(const kz_rules *r, const kz_lead *l, const kz_score *s, const char *name)
{
    kz_buf b = KZ_BUF_INIT;
    kz_score_explain_json(r, l, s, &b);
    char path[1024], rel[256];
    snprintf(rel, sizeof rel, "rules/golden/%s.json", name);
    fixture_path(path, sizeof path, rel);
    if (getenv("KARIZ_GOLDEN_UPDATE")) { /* rewrite the golden file, for review */
        FILE *f = fopen(path, "w");
        if (!f)
            fail_msg("cannot write %s", path);
        fprintf(f, "%s\n", kz_buf_str(&b));
        fclose(f);
    }
    char *want = read_all(path);
    if (!want)
        fail_msg("missing golden file %s; the explanation is:\n%s", path, kz_buf_str(&b));
    size_t n = strlen(want);
    while (n && (want[n - 1] == '\n' || want[n - 1] == '\r'))
        want[--n] = '\0';
    assert_string_equal(kz_buf_str(&b), want);
    free(want);
    kz_buf_free(&b);
}

static int today(void)
{
    return kz_today(NOW);
}

/* A senior operations lead at a mid-size software firm, keen and closing
 * soon: every criterion is capped or clamped somewhere. */
static void hot_lead(kz_lead *l, kz_activity *a, size_t *na)
{
    kz_lead_init(l);
    kz_lead_set_num(l, KZ_F_ID, 1);
    kz_lead_set_text(l, KZ_F_NAME, "Ana Ruiz");
    kz_lead_set_text(l, KZ_F_TITLE, "VP Operations");
    kz_lead_set_text(l, KZ_F_INDUSTRY, "software");
    kz_lead_set_num(l, KZ_F_EMPLOYEES, 250);
    kz_lead_set_num(l, KZ_F_VALUE, 2500000); /* 25000.00 */
    kz_lead_set_text(l, KZ_F_SOURCE, "Downloaded GUIDE");
    kz_lead_set_text(l, KZ_F_NEXT_STEP, "demo");
    kz_lead_set_text(l, KZ_F_STATUS, "qualified");
    kz_lead_set_date(l, KZ_F_CLOSE_DATE, today() + 10);
    kz_lead_set_num(l, KZ_F_TOUCHED, NOW - 2 * DAY);
    kz_lead_set_custom(l, "pain_point", "re-keys orders by hand");
    kz_lead_set_custom(l, "budget_approved", "yes");
    kz_lead_set_custom(l, "seats", "30");
    size_t n = 0;
    act(&a[n++], "web", "web", "asked_price", NOW - 5 * DAY);
    act(&a[n++], "web", "web", "asked_price", NOW - 40 * DAY); /* outside within_days */
    act(&a[n++], "email", "email", "asked_price", NOW - 1 * DAY);
    act(&a[n++], "call", "phone", "asked_price", NOW - 2 * DAY);
    act(&a[n++], "web", "web", "visited", NOW);              /* 8 */
    act(&a[n++], "web", "web", "visited", NOW - 10 * DAY);   /* 4: one half-life */
    act(&a[n++], "call", "phone", "no_answer", NOW - 3 * DAY);
    *na = n;
}

static void test_golden_hot(void **state)
{
    (void)state;
    kz_rules *r = load_team();
    kz_lead l;
    kz_activity a[16];
    size_t na;
    hot_lead(&l, a, &na);
    kz_score *s = calloc(1, sizeof *s);
    kz_score_lead(r, &l, a, na, NOW, s);
    /* pain 20+10 capped 25; interest 30 (cap) + 12 (decay) - 5 + 2 (phone
     * touches); fit 10+5+5+15 (big_ops_leader beats ops_leader) capped 30;
     * budget 20; authority 15; need 0; timeline 12; 139 clamped to 100. */
    assert_int_equal(s->sub[KZ_CRIT_PAIN], 25);
    assert_int_equal(s->sub[KZ_CRIT_INTEREST], 39);
    assert_int_equal(s->sub[KZ_CRIT_FIT], 30);
    assert_int_equal(s->sub[KZ_CRIT_BUDGET], 20);
    assert_int_equal(s->sub[KZ_CRIT_AUTHORITY], 15);
    assert_int_equal(s->sub[KZ_CRIT_NEED], 0);
    assert_int_equal(s->sub[KZ_CRIT_TIMELINE], 12);
    assert_int_equal(s->total, 100);
    assert_string_equal(s->grade, "hot");
    assert_string_equal(s->persona, "big_ops_leader");
    assert_int_equal(s->limit_errors, 0);
    check_golden(r, &l, s, "hot");

    kz_err err = {0};
    assert_int_equal(kz_rules_check_entry_at(r, kz_rules_stage(r, "negotiation"), &l, s, NOW, &err),
                     KZ_OK);
    kz_score_apply(s, &l);
    assert_int_equal(kz_lead_num(&l, KZ_F_SCORE), 100);
    assert_string_equal(kz_lead_text(&l, KZ_F_GRADE), "hot");
    assert_string_equal(kz_lead_text(&l, KZ_F_PERSONA), "big_ops_leader");
    assert_int_equal(kz_lead_num(&l, KZ_F_INTEREST), 39);
    assert_int_equal(kz_lead_num(&l, KZ_F_TIMELINE), 12);
    free(s);
    kz_lead_free(&l);
    kz_rules_free(r);
}

/* A three-person shop that does not answer the phone. */
static void test_golden_cold(void **state)
{
    (void)state;
    kz_rules *r = load_team();
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_num(&l, KZ_F_ID, 2);
    kz_lead_set_text(&l, KZ_F_NAME, "Bo Tiny");
    kz_lead_set_text(&l, KZ_F_TITLE, "Founder");
    kz_lead_set_num(&l, KZ_F_EMPLOYEES, 3);
    kz_lead_set_num(&l, KZ_F_VALUE, 50000); /* 500.00 */
    kz_lead_set_text(&l, KZ_F_STATUS, "lead");
    kz_lead_set_date(&l, KZ_F_CLOSE_DATE, today() - 5);
    kz_activity a[4];
    for (int i = 0; i < 4; i++)
        act(&a[i], "call", "phone", "no_answer", NOW - (i + 1) * DAY);
    kz_score *s = calloc(1, sizeof *s);
    kz_score_lead(r, &l, a, 4, NOW, s);
    /* interest -20 capped at -15 by the rule, +4 phone touches; fit -15 + 5
     * (founder, equals is case-insensitive); budget -5; need -3; timeline -10;
     * -39 clamped to -20. */
    assert_int_equal(s->sub[KZ_CRIT_INTEREST], -11);
    assert_int_equal(s->sub[KZ_CRIT_FIT], -10);
    assert_int_equal(s->total, -20);
    assert_string_equal(s->grade, "cold");
    assert_string_equal(s->persona, "founder");
    check_golden(r, &l, s, "cold");

    kz_err err = {0};
    assert_int_equal(kz_rules_check_entry_at(r, kz_rules_stage(r, "opportunity"), &l, s, NOW, &err),
                     KZ_EREFUSED);
    assert_string_equal(err.msg, "opportunity needs pain > 0 (has 0), interest > 0 (has -11), "
                                 "fit > 0 (has -10)");
    assert_int_equal(kz_rules_check_entry_at(r, kz_rules_stage(r, "negotiation"), &l, s, NOW, &err),
                     KZ_EREFUSED);
    assert_string_equal(err.msg, "negotiation needs score >= 60 (has -20), grade hot or warm "
                                 "(has cold), status one of qualified, opportunity (has \"lead\")");
    kz_lead_clear(&l, KZ_F_VALUE);
    kz_lead_set_text(&l, KZ_F_STATUS, "qualified");
    assert_int_equal(kz_rules_check_entry_at(r, kz_rules_stage(r, "negotiation"), &l, s, NOW, &err),
                     KZ_EREFUSED);
    assert_string_equal(err.msg, "negotiation needs score >= 60 (has -20), grade hot or warm "
                                 "(has cold), value present (has none)");
    /* no entry criteria: always allowed */
    assert_int_equal(kz_rules_check_entry(r, kz_rules_stage(r, "lead"), &l, s, &err), KZ_OK);
    kz_buf b = KZ_BUF_INIT;
    kz_rules_describe_entry(r, kz_rules_stage(r, "opportunity"), &b);
    assert_string_equal(kz_buf_str(&b), "pain > 0, interest > 0, fit > 0");
    kz_buf_free(&b);
    free(s);
    kz_lead_free(&l);
    kz_rules_free(r);
}

/* `^(a+)+$` on a long run of a's followed by something else backtracks
 * exponentially: the match limit stops it and the hit says so. */
static void test_catastrophic_pattern(void **state)
{
    (void)state;
    kz_rules *r = load_team();
    kz_lead l;
    kz_lead_init(&l);
    char name[200];
    memset(name, 'a', 120);
    strcpy(name + 120, "!");
    kz_lead_set_text(&l, KZ_F_NAME, name);
    kz_lead_set_text(&l, KZ_F_NEXT_STEP, "call");
    kz_score *s = calloc(1, sizeof *s);
    kz_score_lead(r, &l, NULL, 0, NOW, s);
    assert_int_equal(s->limit_errors, 1);
    assert_int_equal(s->nhits, 1);
    assert_true(s->hits[0].limit_hit);
    assert_string_equal(s->hits[0].rule, "Slow pattern");
    assert_int_equal(s->hits[0].points, 0);
    assert_int_equal(s->sub[KZ_CRIT_AUTHORITY], 0);
    /* the same pattern on a string it can decide quickly still scores */
    kz_lead_set_text(&l, KZ_F_NAME, "aaaa");
    kz_score_lead(r, &l, NULL, 0, NOW, s);
    assert_int_equal(s->limit_errors, 0);
    assert_int_equal(s->sub[KZ_CRIT_AUTHORITY], 50);
    assert_false(s->hits[0].limit_hit);
    assert_string_equal(s->hits[0].matched, "aaaa");
    free(s);
    kz_lead_free(&l);
    kz_rules_free(r);
}

/* Behaviour points halve every half-life; old touches count for less. */
static void test_decay_and_window(void **state)
{
    (void)state;
    kz_rules *r = load_team();
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NEXT_STEP, "x");
    kz_activity a[3];
    act(&a[0], "web", "web", "visited", NOW - 20 * DAY); /* 8 * 1/4 = 2 */
    act(&a[1], "web", "web", "visited", NOW - 30 * DAY); /* 8 * 1/8 = 1 */
    act(&a[2], "web", "web", "asked_price", NOW - 31 * DAY); /* outside 30 days */
    kz_score *s = calloc(1, sizeof *s);
    kz_score_lead(r, &l, a, 3, NOW, s);
    assert_int_equal(s->sub[KZ_CRIT_INTEREST], 3);
    assert_int_equal(s->nhits, 1);
    assert_int_equal(s->hits[0].count, 2);
    assert_string_equal(s->hits[0].matched, "web visited");
    free(s);
    kz_lead_free(&l);
    kz_rules_free(r);
}

/* Every subtotal and every hit's points of two scores agree. */
static bool same_score(const kz_score *a, const kz_score *b)
{
    if (a->total != b->total || a->nhits != b->nhits)
        return false;
    for (int c = 0; c < KZ_CRIT__COUNT; c++)
        if (a->sub[c] != b->sub[c])
            return false;
    for (size_t i = 0; i < a->nhits; i++)
        if (a->hits[i].points != b->hits[i].points || a->hits[i].count != b->hits[i].count)
            return false;
    return true;
}

/* The score is due at s->due: the same at every second before it (checked
 * at the second before and at points in between), and some term has moved
 * within `slack` seconds after. */
static void check_due(const kz_rules *r, const kz_lead *l, const kz_activity *a, size_t n,
                      int64_t now, int64_t slack)
{
    kz_score *s = calloc(1, sizeof *s), *t = calloc(1, sizeof *t);
    kz_score_lead(r, l, a, n, now, s);
    assert_int_equal(s->at, now);
    assert_true(s->due > now);
    int64_t due = s->due;
    for (int k = 0; k <= 64; k++) {
        int64_t at = now + (due - 1 - now) * k / 64;
        kz_score_lead(r, l, a, n, at, t);
        if (!same_score(s, t))
            fail_msg("score changed at %lld, before it was due at %lld", (long long)at,
                     (long long)due);
    }
    kz_score_lead(r, l, a, n, due + slack, t);
    assert_false(same_score(s, t));
    free(s);
    free(t);
}

/* When a score is next due: the moment a decaying sum reaches its next
 * rounded value, an activity leaves a rule's window, a future activity
 * starts to decay, or a date condition turns; never when nothing can. */
static void test_score_due(void **state)
{
    (void)state;
    kz_rules *r = load_team();
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NEXT_STEP, "x");
    kz_score *s = calloc(1, sizeof *s);
    kz_activity a[2];

    /* nothing that time changes: never due */
    kz_score_lead(r, &l, NULL, 0, NOW, s);
    assert_int_equal(s->due, 0);
    act(&a[0], "call", "phone", "no_answer", NOW - 3 * DAY); /* no decay, no window */
    kz_score_lead(r, &l, a, 1, NOW, s);
    assert_int_equal(s->due, 0);

    /* decay: 8 points, half-life 10 days; 8 rounds to 8 until 7.5, then to
     * 7 until 6.5, ... and 0 from below 0.5 on, after which it stays */
    act(&a[0], "web", "web", "visited", NOW);
    kz_score_lead(r, &l, a, 1, NOW, s);
    assert_int_equal(s->sub[KZ_CRIT_INTEREST], 8);
    double days = 10 * log2(8 / 7.5);
    assert_true(s->due <= NOW + (int64_t)(days * DAY));
    assert_true(s->due >= NOW + (int64_t)(days * DAY) - 2);
    check_due(r, &l, a, 1, NOW, 2);
    check_due(r, &l, a, 1, NOW + 7 * DAY, 2);
    check_due(r, &l, a, 1, NOW + 35 * DAY, 2);
    kz_score_lead(r, &l, a, 1, NOW + 40 * DAY, s); /* 8 / 16 = 0.5 rounds to 1 */
    assert_int_equal(s->sub[KZ_CRIT_INTEREST], 1);
    kz_score_lead(r, &l, a, 1, NOW + 41 * DAY, s);
    assert_int_equal(s->sub[KZ_CRIT_INTEREST], 0);
    assert_int_equal(s->due, 0);

    /* two touches decay together */
    act(&a[1], "web", "web", "visited", NOW - 3 * DAY);
    check_due(r, &l, a, 2, NOW, 2);

    /* a window: asked for a price 29 days ago counts for one more day */
    act(&a[0], "web", "web", "asked_price", NOW - 29 * DAY);
    kz_score_lead(r, &l, a, 1, NOW, s);
    assert_int_equal(s->due, NOW - 29 * DAY + 30 * DAY + 1);
    check_due(r, &l, a, 1, NOW, 0);

    /* an activity dated ahead does not decay before its time: due no later
     * than then */
    act(&a[0], "web", "web", "visited", NOW + 5 * DAY);
    kz_score_lead(r, &l, a, 1, NOW, s);
    assert_true(s->due > NOW && s->due <= NOW + 5 * DAY);
    kz_score_lead(r, &l, a, 1, NOW + 5 * DAY, s);
    assert_int_equal(s->sub[KZ_CRIT_INTEREST], 8);
    check_due(r, &l, a, 1, NOW + 5 * DAY, 2);

    /* a date condition: touched within 7 days turns at the local midnight
     * after the seventh day */
    kz_lead_set_num(&l, KZ_F_TOUCHED, NOW);
    kz_score_lead(r, &l, NULL, 0, NOW, s);
    assert_int_equal(s->sub[KZ_CRIT_TIMELINE], 2);
    assert_true(s->due <= kz_day_start(today() + 8));
    assert_true(s->due > kz_day_start(today() + 8) - 3 * 3600);
    check_due(r, &l, NULL, 0, NOW, 3 * 3600);
    check_due(r, &l, NULL, 0, kz_day_start(today() + 7) + 60, 0);
    free(s);
    kz_lead_free(&l);
    kz_rules_free(r);
}

/* Day tests on time fields compare local days, also when `now` moves on. */
static void test_time_field_days(void **state)
{
    (void)state;
    kz_rules *r = load_team();
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NEXT_STEP, "x");
    kz_score *s = calloc(1, sizeof *s);
    kz_lead_set_num(&l, KZ_F_TOUCHED, kz_day_start(today() - 7));
    kz_score_lead(r, &l, NULL, 0, NOW, s);
    assert_int_equal(s->sub[KZ_CRIT_TIMELINE], 2);
    kz_lead_set_num(&l, KZ_F_TOUCHED, kz_day_start(today() - 7) - 1);
    kz_score_lead(r, &l, NULL, 0, NOW, s);
    assert_int_equal(s->sub[KZ_CRIT_TIMELINE], 0);
    kz_lead_set_num(&l, KZ_F_TOUCHED, kz_day_start(today() + 8));
    kz_score_lead(r, &l, NULL, 0, NOW, s);
    assert_int_equal(s->sub[KZ_CRIT_TIMELINE], 0);
    /* a day later the same touch is inside the window */
    kz_score_lead(r, &l, NULL, 0, NOW + DAY, s);
    assert_int_equal(s->sub[KZ_CRIT_TIMELINE], 2);
    kz_lead_set_num(&l, KZ_F_TOUCHED, kz_day_start(today() + 8) - 1); /* day +7 */
    kz_score_lead(r, &l, NULL, 0, NOW, s);
    assert_int_equal(s->sub[KZ_CRIT_TIMELINE], 2);
    kz_lead_set_num(&l, KZ_F_TOUCHED, kz_day_start(today() - 7));
    kz_score_lead(r, &l, NULL, 0, NOW + DAY, s);
    assert_int_equal(s->sub[KZ_CRIT_TIMELINE], 0);
    free(s);
    kz_lead_free(&l);
    kz_rules_free(r);
}

/* Custom fields hold text: numeric tests read decimal numbers only. */
static void test_custom_numbers(void **state)
{
    (void)state;
    kz_rules *r = load_team();
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NEXT_STEP, "x");
    kz_score *s = calloc(1, sizeof *s);
    const struct {
        const char *v;
        int fit;
    } cases[] = {{"25", 5}, {"24.5", 0}, {" 1e3 ", 5}, {"0x30", 0}, {"inf", 0}, {"lots", 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kz_lead_set_custom(&l, "seats", cases[i].v);
        kz_score_lead(r, &l, NULL, 0, NOW, s);
        if (s->sub[KZ_CRIT_FIT] != cases[i].fit)
            fail_msg("seats=\"%s\": fit %d, want %d", cases[i].v, s->sub[KZ_CRIT_FIT], cases[i].fit);
    }
    free(s);
    kz_lead_free(&l);
    kz_rules_free(r);
}

/* Score with no rule firing: zero subtotals, the lowest band, no persona. */
static void test_empty_lead(void **state)
{
    (void)state;
    kz_rules *r = load_team();
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NEXT_STEP, "x");
    kz_score *s = calloc(1, sizeof *s);
    kz_score_lead(r, &l, NULL, 0, NOW, s);
    assert_int_equal(s->total, 0);
    assert_int_equal(s->nhits, 0);
    assert_null(s->persona);
    assert_string_equal(s->grade, "cold");
    check_golden(r, &l, s, "empty");
    kz_score_apply(s, &l);
    assert_false(kz_lead_has(&l, KZ_F_PERSONA));
    free(s);
    kz_lead_free(&l);
    kz_rules_free(r);
}

static void test_json_escapes_any_bytes(void **state)
{
    (void)state;
    kz_rules *r = load_team();
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_custom(&l, "pain_point", "\"quoted\"\n\x1b[31m\xff end");
    kz_score *s = calloc(1, sizeof *s);
    kz_score_lead(r, &l, NULL, 0, NOW, s);
    kz_buf b = KZ_BUF_INIT;
    kz_score_explain_json(r, &l, s, &b);
    assert_non_null(strstr(kz_buf_str(&b),
                           "\"matched\":\"\\\"quoted\\\"\\u000a\\u001b[31m\\ufffd end\""));
    kz_buf_free(&b);
    free(s);
    kz_lead_free(&l);
    kz_rules_free(r);
}

/* More hits than a kz_score holds: the rest are counted, still scored. */
static void test_hits_dropped(void **state)
{
    (void)state;
    kz_buf y = KZ_BUF_INIT;
    kz_buf_puts(&y, "score: {min: 0, max: 1000}\ncriteria:\n  need:\n");
    for (int i = 0; i < KZ_SCORE_MAX_HITS + 6; i++)
        kz_buf_printf(&y, "    - {label: r%d, points: 1, when: {field: name, present: true}}\n", i);
    kz_buf_puts(&y, "stages:\n  - {name: a, probability: 1}\n  - {name: w, probability: 100, "
                    "kind: won}\n  - {name: l, probability: 0, kind: lost}\n");
    kz_rules *r = NULL;
    kz_err err = {0};
    if (kz_rules_load_buffer("many.yaml", kz_buf_str(&y), y.len, &r, &err) != KZ_OK)
        fail_msg("%s", err.msg);
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NAME, "x");
    kz_score *s = calloc(1, sizeof *s);
    kz_score_lead(r, &l, NULL, 0, NOW, s);
    assert_int_equal(s->nhits, KZ_SCORE_MAX_HITS);
    assert_int_equal(s->hits_dropped, 6);
    assert_int_equal(s->total, KZ_SCORE_MAX_HITS + 6);
    assert_string_equal(s->hits[KZ_SCORE_MAX_HITS - 1].rule, "r63");
    free(s);
    kz_lead_free(&l);
    kz_rules_free(r);
    kz_buf_free(&y);
}

static void test_pipeline_accessors(void **state)
{
    (void)state;
    kz_rules *r = load_team();
    assert_int_equal(kz_rules_stage_count(r), 6);
    assert_string_equal(kz_rules_stage_names(r),
                        "lead, prospect, opportunity, negotiation, won, lost");
    assert_string_equal(kz_rules_first_stage(r)->name, "lead");
    assert_string_equal(kz_rules_next_stage(r, "opportunity")->name, "negotiation");
    assert_null(kz_rules_next_stage(r, "negotiation"));
    assert_null(kz_rules_prev_stage(r, "lead"));
    assert_string_equal(kz_rules_prev_stage(r, "prospect")->name, "lead");
    assert_string_equal(kz_rules_won_stage(r)->name, "won");
    assert_string_equal(kz_rules_lost_stage(r)->name, "lost");
    assert_null(kz_rules_stage(r, "limbo"));
    const kz_stage *op = kz_rules_stage(r, "opportunity");
    assert_int_equal(op->probability, 50);
    assert_int_equal(op->position, 2);
    assert_string_equal(op->label, "Opportunity");
    assert_int_equal(kz_rules_stage(r, "prospect")->stale_days, 14);
    assert_int_equal(kz_rules_lost_reason_count(r), 7);
    assert_string_equal(kz_rules_lost_reason(r, 1), "no_budget");
    assert_int_equal(kz_rules_status_count(r), 4);
    assert_string_equal(kz_rules_grade_for(r, 70), "hot");
    assert_string_equal(kz_rules_grade_for(r, 69), "warm");
    assert_string_equal(kz_rules_grade_for(r, 39), "cold");
    assert_int_equal(kz_rules_grade_count(r), 3);
    assert_string_equal(kz_rules_grade_name(r, 0), "hot");
    assert_int_equal(kz_rules_custom_field_count(r), 3);
    assert_string_equal(kz_rules_custom_field(r, 2), "seats");
    assert_int_equal(kz_rules_persona_count(r), 3);
    assert_string_equal(kz_rules_persona_name(r, 1), "big_ops_leader");
    assert_string_equal(kz_criterion_name(KZ_CRIT_TIMELINE), "timeline");
    assert_int_equal(kz_criterion_field(KZ_CRIT_PAIN), KZ_F_PAIN);
    kz_rules_free(r);
}

static void test_default_rules(void **state)
{
    (void)state;
    kz_rules *r = NULL;
    kz_err err = {0};
    if (kz_rules_load_builtin(&r, &err) != KZ_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(kz_rules_origin(r), "built-in");
    assert_string_equal(kz_rules_stage_names(r), "lead, prospect, opportunity, won, lost");
    assert_int_equal(kz_rules_stage(r, "lead")->probability, 5);
    assert_int_equal(kz_rules_stage(r, "prospect")->probability, 15);
    assert_int_equal(kz_rules_stage(r, "opportunity")->probability, 50);
    const char *reasons[] = {"price", "no_budget", "no_decision", "competitor", "timing",
                             "unresponsive", "other"};
    for (size_t i = 0; i < 7; i++) {
        bool found = false;
        for (size_t j = 0; j < kz_rules_lost_reason_count(r); j++)
            found |= strcmp(kz_rules_lost_reason(r, j), reasons[i]) == 0;
        assert_true(found);
    }
    assert_int_equal(kz_rules_status_count(r), 12);
    assert_string_equal(kz_rules_status(r, 4), "call_back_later");
    assert_string_equal(kz_rules_grade_for(r, 70), "hot");
    assert_string_equal(kz_rules_grade_for(r, 40), "warm");
    assert_string_equal(kz_rules_grade_for(r, 39), "cold");
    /* opportunity needs pain, interest and fit */
    kz_lead l;
    kz_lead_init(&l);
    kz_score *s = calloc(1, sizeof *s);
    kz_score_lead(r, &l, NULL, 0, NOW, s);
    assert_int_equal(kz_rules_check_entry(r, kz_rules_stage(r, "opportunity"), &l, s, &err),
                     KZ_EREFUSED);
    assert_string_equal(err.msg, "opportunity needs a known decision_maker (has none), "
                                 "pain > 0 (has 0), interest > 0 (has 0), fit > 0 (has 0)");
    kz_buf b = KZ_BUF_INIT;
    kz_rules_summary(r, &b);
    assert_non_null(strstr(kz_buf_str(&b), "opportunity  open   50%  stale after 21 days  needs "
                                           "a known decision_maker, pain > 0, interest > 0, "
                                           "fit > 0\n"));
    assert_non_null(strstr(kz_buf_str(&b), "\nstakeholder roles: decision_maker, economic_buyer, "
                                           "champion, influencer, user, blocker\n"));
    kz_buf_free(&b);
    /* a close date counts for an open deal only, passed or to come; a
     * stage the rules do not name (renamed) is open */
    const struct {
        int close;
        const char *stage;
        int timeline;
    } closes[] = {{-3, "lead", -10}, {-3, "opportunity", -10}, {-3, "won", 0}, {-3, "lost", 0},
                  {-3, "renamed", -10}, {10, "prospect", 15}, {10, "won", 0}, {60, "lost", 0}};
    for (size_t i = 0; i < sizeof closes / sizeof closes[0]; i++) {
        kz_lead_set_num(&l, KZ_F_CLOSE_DATE, today() + closes[i].close);
        kz_lead_set_text(&l, KZ_F_STAGE, closes[i].stage);
        kz_score_lead(r, &l, NULL, 0, NOW, s);
        if (s->sub[KZ_CRIT_TIMELINE] != closes[i].timeline)
            fail_msg("close date %+d days, in %s: timeline %d, want %d", closes[i].close,
                     closes[i].stage, s->sub[KZ_CRIT_TIMELINE], closes[i].timeline);
    }
    free(s);
    kz_lead_free(&l);
    kz_rules_free(r);

    /* the file in the source tree is the one embedded */
    const char *src = getenv("KARIZ_SOURCE");
    char path[1024];
    snprintf(path, sizeof path, "%s/rules.yaml", src ? src : ".");
    char *text = read_all(path);
    assert_non_null(text);
    assert_int_equal(strlen(text), kz_rules_builtin_len());
    assert_memory_equal(text, kz_rules_builtin_text(), kz_rules_builtin_len());
    free(text);
    if (kz_rules_load_file(path, &r, &err) != KZ_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(kz_rules_origin(r), path);
    kz_rules_free(r);
}

/* The EXAMPLE section of kariz-rules(5) is a file the loader accepts. */
static void test_man_page_example(void **state)
{
    (void)state;
    const char *src = getenv("KARIZ_SOURCE");
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/kariz-rules.5", src ? src : ".");
    char *man = read_all(path);
    assert_non_null(man);
    char *start = strstr(man, ".SH EXAMPLE\n.nf\n");
    assert_non_null(start);
    start += strlen(".SH EXAMPLE\n.nf\n");
    char *end = strstr(start, ".fi\n");
    assert_non_null(end);
    kz_buf yaml = KZ_BUF_INIT;
    for (const char *p = start; p < end; p++) {
        if (p[0] == '\\' && p[1] == '-') {
            kz_buf_putc(&yaml, '-');
            p++;
        } else if (p[0] == '\\' && p[1] == 'e') {
            kz_buf_putc(&yaml, '\\');
            p++;
        } else {
            kz_buf_putc(&yaml, *p);
        }
    }
    kz_rules *r = NULL;
    kz_err err = {0};
    if (kz_rules_load_buffer("example", kz_buf_str(&yaml), yaml.len, &r, &err) != KZ_OK)
        fail_msg("%s", err.msg);
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_TITLE, "Director of Sales");
    kz_score *s = calloc(1, sizeof *s);
    kz_score_lead(r, &l, NULL, 0, NOW, s);
    assert_int_equal(s->sub[KZ_CRIT_AUTHORITY], 15);
    free(s);
    kz_lead_free(&l);
    kz_rules_free(r);
    kz_buf_free(&yaml);
    free(man);
}

static void test_resolve(void **state)
{
    (void)state;
    char dir[] = "/tmp/kariz-rules-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char db[256], team[256], out[256];
    snprintf(db, sizeof db, "%s/kariz.db", dir);
    snprintf(team, sizeof team, "%s/rules.yaml", dir);
    const char *why = NULL;
    unsetenv("KARIZ_RULES");
    kz_rules_resolve(NULL, db, out, sizeof out, &why);
    assert_string_equal(out, "");
    assert_string_equal(why, "built-in default");
    FILE *f = fopen(team, "w");
    assert_non_null(f);
    fclose(f);
    kz_rules_resolve(NULL, db, out, sizeof out, &why);
    assert_string_equal(out, team);
    assert_string_equal(why, "team rules beside the database");
    setenv("KARIZ_RULES", "/etc/kariz/team.yaml", 1);
    kz_rules_resolve(NULL, db, out, sizeof out, &why);
    assert_string_equal(out, "/etc/kariz/team.yaml");
    assert_string_equal(why, "$KARIZ_RULES");
    kz_rules_resolve("mine.yaml", db, out, sizeof out, &why);
    assert_string_equal(out, "mine.yaml");
    assert_string_equal(why, "--rules");
    unsetenv("KARIZ_RULES");
    unlink(team);
    rmdir(dir);
}

/* calendar:, digits:, bidi: and direction: reach the display settings when
 * the rules are applied; a user's own variable still wins. */
static void test_team_prefs(void **state)
{
    (void)state;
    static const char text[] = "calendar: persian\n"
                               "digits: persian\n"
                               "bidi: kariz\n"
                               "direction: rtl\n"
                               "stages:\n"
                               "  - {name: lead, probability: 5}\n"
                               "  - {name: won, probability: 100, kind: won}\n"
                               "  - {name: lost, probability: 0, kind: lost}\n";
    const char *env[] = {"KARIZ_CALENDAR", "KARIZ_DIGITS", "KARIZ_BIDI", "KARIZ_DIRECTION",
                         "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"};
    for (size_t i = 0; i < sizeof env / sizeof env[0]; i++)
        unsetenv(env[i]);
    setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
    kz_prefs_reset();
    assert_int_equal(kz_prefs_get()->calendar, KZ_CAL_GREGORIAN);
    kz_rules *r = NULL;
    kz_err err = {0};
    assert_int_equal(kz_rules_load_buffer("fa.yaml", text, strlen(text), &r, &err), KZ_OK);
    assert_int_equal(kz_rules_apply_prefs(r, &err), KZ_OK);
    const kz_prefs *p = kz_prefs_get();
    assert_int_equal(p->calendar, KZ_CAL_PERSIAN);
    assert_int_equal(p->digits, KZ_DIGITS_PERSIAN);
    assert_int_equal(p->bidi, KZ_BIDI_KARIZ);
    assert_int_equal(p->direction, KZ_DIR_RTL);
    assert_int_equal(p->week_start, 5);
    setenv("KARIZ_DIGITS", "latin", 1);
    assert_int_equal(kz_rules_apply_prefs(r, &err), KZ_OK);
    assert_int_equal(kz_prefs_get()->digits, KZ_DIGITS_LATIN);
    assert_int_equal(kz_prefs_get()->calendar, KZ_CAL_PERSIAN);
    unsetenv("KARIZ_DIGITS");
    kz_rules_free(r);
    /* rules without the settings give back the locale's defaults */
    assert_int_equal(kz_rules_load_buffer("plain.yaml", text + 61, strlen(text + 61), &r, &err),
                     KZ_OK);
    assert_int_equal(kz_rules_apply_prefs(r, &err), KZ_OK);
    assert_int_equal(kz_prefs_get()->calendar, KZ_CAL_GREGORIAN);
    assert_int_equal(kz_prefs_get()->week_start, 0);
    kz_rules_free(r);
    kz_prefs_reset();
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_hot),
        cmocka_unit_test(test_golden_cold),
        cmocka_unit_test(test_catastrophic_pattern),
        cmocka_unit_test(test_decay_and_window),
        cmocka_unit_test(test_score_due),
        cmocka_unit_test(test_time_field_days),
        cmocka_unit_test(test_custom_numbers),
        cmocka_unit_test(test_empty_lead),
        cmocka_unit_test(test_json_escapes_any_bytes),
        cmocka_unit_test(test_hits_dropped),
        cmocka_unit_test(test_pipeline_accessors),
        cmocka_unit_test(test_default_rules),
        cmocka_unit_test(test_man_page_example),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_team_prefs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
