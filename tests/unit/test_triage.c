/* The triage queue: what needs a decision, in which order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kariz/dates.h"
#include "testdb.h"
#include "kariz/triage.h"

#define NOW 1795521600 /* 2026-11-24 12:00 UTC */
#define DAY 86400

typedef struct fx {
    char dir[64], path[256];
    kz_store *st;
    kz_rules *rules;
    kz_session s;
} fx;


/* The name the database records for an actor: on PostgreSQL the server
 * writes the connected role, whatever kariz says (schema-pg.sql). */
static const char *act(kz_store *st, const char *name)
{
    return kz_store_role(st) ? kz_store_role(st) : name;
}

static int setup(void **state)
{
    setenv("TZ", "UTC", 1);
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/kz-triage-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    KZ_TESTDB_NAME(f->dir, "t.db", f->path);
    kz_err err;
    assert_int_equal(kz_store_open(f->path, 0, &f->st, &err), KZ_OK);
    assert_int_equal(kz_rules_load_builtin(&f->rules, &err), KZ_OK);
    assert_int_equal(kz_store_sync_stages(f->st, kz_rules_stages(f->rules),
                                          kz_rules_stage_count(f->rules), &err), KZ_OK);
    f->s.store = f->st;
    f->s.rules = f->rules;
    f->s.actor = act(f->st, "alice");
    f->s.now = NOW;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    kz_store_close(f->st);
    kz_rules_free(f->rules);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static int64_t add(fx *f, const char *name, const char *owner, int64_t at, int employees)
{
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NAME, name);
    kz_lead_set_text(&l, KZ_F_OWNER, owner);
    kz_lead_set_num(&l, KZ_F_EMPLOYEES, employees);
    kz_err err;
    int64_t saved = f->s.now;
    f->s.now = at;
    assert_int_equal(kz_pipe_add(&f->s, &l, &err), KZ_OK);
    f->s.now = saved;
    int64_t id = kz_lead_num(&l, KZ_F_ID);
    kz_lead_free(&l);
    return id;
}

static const kz_triage_item *find(const kz_triage_queue *q, int64_t id, size_t *pos)
{
    for (size_t i = 0; i < q->n; i++)
        if (q->v[i].id == id) {
            if (pos)
                *pos = i;
            return &q->v[i];
        }
    return NULL;
}

static void test_queue_reasons_and_order(void **state)
{
    fx *f = *state;
    kz_err err;
    int today = kz_today(NOW);
    int64_t fresh = add(f, "Fresh", f->s.actor, NOW - DAY, 500);           /* new */
    int64_t unassigned = add(f, "Nobody's", NULL, NOW - DAY, 5);         /* new, unassigned */
    int64_t bobs = add(f, "Bob's", "bob", NOW - DAY, 500);               /* not mine */
    int64_t late = add(f, "Late", f->s.actor, NOW - 3 * DAY, 5);            /* overdue 4 days */
    int64_t later = add(f, "Later", f->s.actor, NOW - 3 * DAY, 500);        /* overdue 1 day */
    int64_t quiet = add(f, "Quiet", f->s.actor, NOW - 30 * DAY, 500);       /* stale */
    int64_t settled = add(f, "Settled", f->s.actor, NOW - DAY, 500);        /* triaged, unchanged */
    assert_int_equal(kz_pipe_followup(&f->s, late, 0, today - 4, "Call", &err), KZ_OK);
    assert_int_equal(kz_pipe_followup(&f->s, later, 0, today - 1, "Mail", &err), KZ_OK);
    assert_int_equal(kz_pipe_followup(&f->s, settled, 0, today + 3, "Demo", &err), KZ_OK);
    assert_int_equal(kz_triage_mark(&f->s, settled, "followup", &err), KZ_OK);
    assert_int_equal(kz_triage_mark(&f->s, late, "skip", &err), KZ_OK);
    assert_int_equal(kz_triage_mark(&f->s, later, "skip", &err), KZ_OK);
    assert_int_equal(kz_triage_mark(&f->s, quiet, "skip", &err), KZ_OK);

    /* an undone decision does not count: the lead stays in the queue */
    assert_int_equal(kz_triage_mark(&f->s, fresh, "skip", &err), KZ_OK);
    assert_int_equal(kz_triage_unmark(&f->s, fresh, &err), KZ_OK);

    kz_triage_queue q = {0};
    kz_triage_opts o = {NULL, true, 0, false};
    assert_int_equal(kz_triage_build(&f->s, &o, &q, &err), KZ_OK);
    assert_int_equal(q.n, 5);
    assert_int_equal(q.v[0].id, late);  /* most overdue first */
    assert_int_equal(q.v[1].id, later);
    assert_true(q.v[0].why & KZ_TRIAGE_OVERDUE);
    assert_int_equal(q.v[0].overdue_days, 4);
    assert_non_null(find(&q, fresh, NULL));
    assert_true(find(&q, fresh, NULL)->why == KZ_TRIAGE_NEW);
    assert_non_null(find(&q, unassigned, NULL));
    assert_true(find(&q, quiet, NULL)->why & KZ_TRIAGE_STALE);
    assert_int_equal(find(&q, quiet, NULL)->idle_days, 30);
    assert_null(find(&q, bobs, NULL));
    assert_null(find(&q, settled, NULL));
    /* after the overdue ones, by score: the big firm outranks the tiny one */
    size_t pf, pu;
    find(&q, fresh, &pf);
    find(&q, unassigned, &pu);
    assert_true(pf < pu);
    char why[320];
    kz_triage_why(&q.v[0], why, sizeof why);
    assert_string_equal(why, "overdue 4d");

    /* every owner's leads: Bob's too */
    o.all_owners = true;
    assert_int_equal(kz_triage_build(&f->s, &o, &q, &err), KZ_OK);
    assert_int_equal(q.n, 6);
    assert_non_null(find(&q, bobs, NULL));
    assert_non_null(find(&q, unassigned, NULL));
    o.all_owners = false;

    /* without unassigned leads */
    o.with_unassigned = false;
    assert_int_equal(kz_triage_build(&f->s, &o, &q, &err), KZ_OK);
    assert_null(find(&q, unassigned, NULL));

    /* a band change brings a triaged lead back */
    const char *hot[] = {"pain_point=moving data by hand", "budget_approved=yes",
                         "title=Chief Executive Officer"};
    assert_int_equal(kz_pipe_set(&f->s, settled, 0, hot, 3, &err), KZ_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(kz_pipe_log(&f->s, settled, "meeting", "held", NULL, NULL, &err), KZ_OK);
    assert_int_equal(kz_pipe_log(&f->s, settled, "web", "asked_price", NULL, NULL, &err), KZ_OK);
    o.with_unassigned = true;
    assert_int_equal(kz_triage_build(&f->s, &o, &q, &err), KZ_OK);
    assert_non_null(find(&q, settled, NULL));
    assert_true(find(&q, settled, NULL)->why & KZ_TRIAGE_REGRADED);
    kz_triage_queue_free(&q);
}

static void test_empty_queue(void **state)
{
    fx *f = *state;
    kz_err err;
    kz_triage_queue q = {0};
    assert_int_equal(kz_triage_build(&f->s, NULL, &q, &err), KZ_OK);
    assert_int_equal(q.n, 0);
    kz_triage_progress p = {0, 0};
    assert_int_equal(kz_triage_resume_index(&q, &p), 0);
    kz_triage_queue_free(&q);
}

static void test_progress_resumes(void **state)
{
    fx *f = *state;
    kz_err err;
    kz_triage_progress p;
    assert_int_equal(kz_triage_progress_get(&f->s, &p, &err), KZ_OK);
    assert_int_equal(p.last_id, 0);
    p.last_id = 7;
    p.decisions = 3;
    assert_int_equal(kz_triage_progress_set(&f->s, &p, &err), KZ_OK);
    kz_triage_progress back;
    assert_int_equal(kz_triage_progress_get(&f->s, &back, &err), KZ_OK);
    assert_int_equal(back.last_id, 7);
    assert_int_equal(back.decisions, 3);
    f->s.actor = "bob"; /* progress is per person */
    assert_int_equal(kz_triage_progress_get(&f->s, &back, &err), KZ_OK);
    assert_int_equal(back.decisions, 0);
    kz_triage_item items[3] = {{.id = 5, .why = 1}, {.id = 7, .why = 1}, {.id = 9, .why = 1}};
    kz_triage_queue q = {items, 3, 3};
    assert_int_equal(kz_triage_resume_index(&q, &p), 2);
    p.last_id = 9;
    assert_int_equal(kz_triage_resume_index(&q, &p), 0);
    p.last_id = 42;
    assert_int_equal(kz_triage_resume_index(&q, &p), 0);
}

/* A lead that has sat in one stage past its stale limit: the why-now line
 * says how long, where and against what limit, whether a next step is set,
 * and never calls it new. */
static void test_why_for_a_lead_long_in_one_stage(void **state)
{
    fx *f = *state;
    kz_err err;
    int today = kz_today(NOW);
    int64_t waiting = add(f, "Waiting", f->s.actor, NOW - 30 * DAY, 500);  /* no next step */
    int64_t planned = add(f, "Planned", f->s.actor, NOW - 30 * DAY, 500);  /* a step, overdue */
    int64_t booked = add(f, "Booked", f->s.actor, NOW - 30 * DAY, 500);    /* a step ahead */
    int64_t saved = f->s.now;
    f->s.now = NOW - 30 * DAY; /* the steps were planned the day the leads came in */
    assert_int_equal(kz_pipe_followup(&f->s, planned, 0, today - 20, "Call back", &err), KZ_OK);
    assert_int_equal(kz_pipe_followup(&f->s, booked, 0, today + 5, "Demo", &err), KZ_OK);
    f->s.now = saved;

    kz_triage_queue q = {0};
    kz_triage_opts o = {NULL, true, 0, false};
    assert_int_equal(kz_triage_build(&f->s, &o, &q, &err), KZ_OK);
    char why[320];
    const kz_triage_item *it = find(&q, waiting, NULL);
    assert_non_null(it);
    assert_int_equal(it->why, KZ_TRIAGE_STALE); /* stale, not new */
    kz_triage_why(it, why, sizeof why);
    assert_string_equal(why, "idle 30d in Lead (allows 7d), no next step");
    it = find(&q, planned, NULL);
    assert_non_null(it);
    kz_triage_why(it, why, sizeof why);
    assert_string_equal(why, "overdue 20d, idle 30d in Lead (allows 7d)");
    /* a next step ahead keeps a lead fresh: it is only waiting to be looked at */
    it = find(&q, booked, NULL);
    assert_non_null(it);
    kz_triage_why(it, why, sizeof why);
    assert_string_equal(why, "new");
    kz_triage_queue_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_queue_reasons_and_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_why_for_a_lead_long_in_one_stage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_resumes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_queue, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
