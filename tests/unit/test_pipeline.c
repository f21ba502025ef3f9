/* Pipeline operations: one transaction each, rescoring, entry criteria,
 * conflicts, stale and overdue, presence. */
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
#include "kariz/pipeline.h"

#define NOW 1795521600 /* 2026-11-24 12:00 UTC */
#define DAY_SECONDS 86400

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

/* strstr(msg, "WHO REST") */
static const char *strstr_by(const char *msg, const char *who, const char *rest)
{
    char want[256];
    snprintf(want, sizeof want, "%s %s", who, rest);
    return strstr(msg, want);
}

static int setup(void **state)
{
    setenv("TZ", "UTC", 1);
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/kz-pipe-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    KZ_TESTDB_NAME(f->dir, "p.db", f->path);
    kz_err err;
    assert_int_equal(kz_store_open(f->path, 0, &f->st, &err), KZ_OK);
    assert_int_equal(kz_rules_load_builtin(&f->rules, &err), KZ_OK);
    assert_int_equal(kz_store_sync_stages(f->st, kz_rules_stages(f->rules),
                                          kz_rules_stage_count(f->rules), &err),
                     KZ_OK);
    f->s.store = f->st;
    f->s.rules = f->rules;
    f->s.actor = "alice";
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

static int64_t add(fx *f, const char *name, int employees)
{
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NAME, name);
    kz_lead_set_text(&l, KZ_F_COMPANY, "Co");
    kz_lead_set_num(&l, KZ_F_EMPLOYEES, employees);
    kz_err err;
    assert_int_equal(kz_pipe_add(&f->s, &l, &err), KZ_OK);
    int64_t id = kz_lead_num(&l, KZ_F_ID);
    assert_string_equal(kz_lead_text(&l, KZ_F_STAGE), "lead");
    kz_lead_free(&l);
    return id;
}

static void get(fx *f, int64_t id, kz_lead *l)
{
    kz_err err;
    kz_lead_reset(l);
    assert_int_equal(kz_store_lead_get(f->st, id, l, &err), KZ_OK);
}

static void test_add_scores_on_the_way_in(void **state)
{
    fx *f = *state;
    kz_lead l;
    kz_lead_init(&l);
    int64_t small = add(f, "Small", 3), big = add(f, "Big", 500);
    get(f, small, &l);
    assert_int_equal(kz_lead_num(&l, KZ_F_FIT), -15);
    get(f, big, &l);
    assert_int_equal(kz_lead_num(&l, KZ_F_FIT), 10);
    assert_string_equal(kz_lead_text(&l, KZ_F_GRADE), "cold");
    kz_err err;
    kz_lead empty;
    kz_lead_init(&empty);
    assert_int_equal(kz_pipe_add(&f->s, &empty, &err), KZ_EINVAL);
    assert_string_equal(err.msg, "a lead needs a name, an e-mail or a company");
    kz_lead_free(&empty);
    kz_lead_free(&l);
}

static void test_move_entry_criteria_and_override(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t id = add(f, "Small", 3);
    assert_int_equal(kz_pipe_move(&f->s, id, 0, "prospect", NULL, &err), KZ_EREFUSED);
    assert_string_equal(err.msg, "prospect needs fit > 0 (has -15)");
    assert_int_equal(kz_pipe_move(&f->s, id, 0, "nowhere", NULL, &err), KZ_EINVAL);
    assert_non_null(strstr(err.msg, "stages: lead, prospect, opportunity, won, lost"));
    f->s.now = NOW + 3600;
    assert_int_equal(kz_pipe_move(&f->s, id, 0, "prospect", "friend of the CEO", &err), KZ_OK);
    kz_lead l;
    kz_lead_init(&l);
    get(f, id, &l);
    assert_string_equal(kz_lead_text(&l, KZ_F_STAGE), "prospect");
    assert_int_equal(kz_lead_num(&l, KZ_F_STAGE_ENTERED), NOW + 3600);
    kz_event_list ev = {0};
    assert_int_equal(kz_store_events(f->st, id, 0, &ev, &err), KZ_OK);
    bool override = false, stage = false;
    for (size_t i = 0; i < ev.n; i++) {
        override |= strcmp(ev.v[i].kind, "override") == 0 &&
                    strcmp(ev.v[i].detail, "friend of the CEO") == 0;
        stage |= strcmp(ev.v[i].kind, "stage") == 0 && strcmp(ev.v[i].new_value, "prospect") == 0;
    }
    assert_true(override);
    assert_true(stage);
    kz_event_list_free(&ev);
    /* a big firm with pain and interest goes to opportunity unforced */
    int64_t big = add(f, "Big", 500);
    const char *set[] = {"pain_point=moving data by hand"};
    assert_int_equal(kz_pipe_set(&f->s, big, 0, set, 1, &err), KZ_OK);
    assert_int_equal(kz_pipe_log(&f->s, big, "call", "answered", NULL, NULL, &err), KZ_OK);
    /* ... once its decision maker is known */
    assert_int_equal(kz_pipe_move(&f->s, big, 0, "opportunity", NULL, &err), KZ_EREFUSED);
    assert_string_equal(err.msg, "opportunity needs a known decision_maker (has none)");
    kz_stakeholder dm = {0};
    dm.lead_id = big;
    dm.name = "Dana";
    dm.role = "decision_maker";
    assert_int_equal(kz_pipe_add_stakeholder(&f->s, &dm, &err), KZ_OK);
    assert_int_equal(kz_pipe_move(&f->s, big, 0, "opportunity", NULL, &err), KZ_OK);
    kz_lead_free(&l);
}

static void test_stale_versions_conflict(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t id = add(f, "Ava", 50);
    const char *a[] = {"title=CTO"};
    assert_int_equal(kz_pipe_set(&f->s, id, 1, a, 1, &err), KZ_OK);
    const char *b[] = {"title=CEO"};
    f->s.actor = "bob";
    assert_int_equal(kz_pipe_set(&f->s, id, 1, b, 1, &err), KZ_ECONFLICT); /* read version 1 */
    assert_non_null(strstr(err.msg, "changed by someone else"));
    /* the message says what changed, to what, and who changed it */
    assert_non_null(strstr_by(err.msg, act(f->st, "alice"), "set title to \"CTO\" (was \"\")"));
    kz_lead l;
    kz_lead_init(&l);
    get(f, id, &l);
    assert_string_equal(kz_lead_text(&l, KZ_F_TITLE), "CTO");
    assert_int_equal(kz_lead_num(&l, KZ_F_VERSION), 2);
    /* an edited copy saved with its version */
    kz_lead_set_text(&l, KZ_F_CITY, "Tabriz");
    assert_int_equal(kz_pipe_save(&f->s, &l, &err), KZ_OK);
    assert_int_equal(kz_lead_num(&l, KZ_F_VERSION), 3);
    kz_lead_set_text(&l, KZ_F_STAGE, "won");
    assert_int_equal(kz_pipe_save(&f->s, &l, &err), KZ_EINVAL);
    kz_lead_free(&l);
}

/* A conflict is raised only when someone else changed what you save. */
/* Undo puts back exactly what a change set, unless someone else changed
 * the same fields since. */
static void test_restore_undoes_exactly(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t id = add(f, "Paul Chen", 500);
    kz_lead before, after, l;
    kz_lead_init(&before);
    kz_lead_init(&after);
    kz_lead_init(&l);
    f->s.now = NOW + 5 * DAY_SECONDS;
    assert_int_equal(kz_pipe_move(&f->s, id, 0, "prospect", "ok", &err), KZ_OK);
    f->s.now = NOW + 9 * DAY_SECONDS;
    get(f, id, &before);
    assert_int_equal(kz_pipe_lost(&f->s, id, 0, "price", &err), KZ_OK);
    get(f, id, &after);
    /* a colleague sets the phone: no conflict with the undo */
    f->s.actor = "bob";
    const char *phone[] = {"phone=555"};
    assert_int_equal(kz_pipe_set(&f->s, id, 0, phone, 1, &err), KZ_OK);
    f->s.actor = "alice";
    f->s.now = NOW + 10 * DAY_SECONDS;
    assert_int_equal(kz_pipe_restore(&f->s, &before, &after, &err), KZ_OK);
    get(f, id, &l);
    assert_string_equal(kz_lead_text(&l, KZ_F_STAGE), "prospect");
    assert_int_equal(kz_lead_num(&l, KZ_F_STAGE_ENTERED), NOW + 5 * DAY_SECONDS);
    assert_false(kz_lead_has(&l, KZ_F_LOST_REASON));
    assert_false(kz_lead_has(&l, KZ_F_LOST_FROM));
    assert_string_equal(kz_lead_text(&l, KZ_F_PHONE), "555");
    /* undoing a change a colleague has since changed again is a conflict */
    kz_lead_copy(&before, &l);
    const char *title[] = {"title=CFO"};
    assert_int_equal(kz_pipe_set(&f->s, id, 0, title, 1, &err), KZ_OK);
    get(f, id, &after);
    f->s.actor = "bob";
    const char *t2[] = {"title=CEO"};
    assert_int_equal(kz_pipe_set(&f->s, id, 0, t2, 1, &err), KZ_OK);
    f->s.actor = "alice";
    assert_int_equal(kz_pipe_restore(&f->s, &before, &after, &err), KZ_ECONFLICT);
    assert_non_null(strstr_by(err.msg, act(f->st, "bob"), "set title to \"CEO\""));
    get(f, id, &l);
    assert_string_equal(kz_lead_text(&l, KZ_F_TITLE), "CEO");
    kz_lead_free(&before);
    kz_lead_free(&after);
    kz_lead_free(&l);
}

/* The default rules read the people around a deal: a known decision maker
 * (+5), a touch with them in the last 30 days (+5, gone once the touch is
 * older), a champion (+10), a blocker (-10); every change rescores the
 * lead, moves its version on and is an event; conflicts are per person and
 * field. */
static void test_stakeholders_score_and_conflict(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t id = add(f, "Ava", 50);
    kz_lead l;
    kz_lead_init(&l);
    get(f, id, &l);
    int auth0 = (int)kz_lead_num(&l, KZ_F_AUTHORITY);
    kz_stakeholder dm = {0}, ch = {0}, bl = {0};
    dm.lead_id = ch.lead_id = bl.lead_id = id;
    dm.name = "Dana";
    dm.role = "decision_maker";
    ch.name = "Cy";
    ch.role = "champion";
    bl.name = "Bo";
    bl.role = "blocker";
    assert_int_equal(kz_pipe_add_stakeholder(&f->s, &dm, &err), KZ_OK);
    get(f, id, &l);
    assert_string_equal(l.roles, "decision_maker");
    assert_int_equal(kz_lead_num(&l, KZ_F_AUTHORITY), auth0 + 5);
    assert_int_equal(kz_pipe_log_with(&f->s, id, dm.id, "call", "answered", NULL, NULL, &err),
                     KZ_OK);
    get(f, id, &l);
    assert_int_equal(kz_lead_num(&l, KZ_F_AUTHORITY), auth0 + 10);
    assert_int_equal(kz_pipe_add_stakeholder(&f->s, &ch, &err), KZ_OK);
    get(f, id, &l);
    assert_int_equal(kz_lead_num(&l, KZ_F_AUTHORITY), 20); /* authority's cap */
    assert_true(kz_lead_has_role(&l, "champion"));
    assert_false(kz_lead_has_role(&l, "blocker"));
    /* the explanation names the rules */
    kz_score *sc = calloc(1, sizeof *sc);
    assert_int_equal(kz_pipe_explain(&f->s, id, &l, sc, &err), KZ_OK);
    bool champ = false, reached = false;
    for (size_t i = 0; i < sc->nhits; i++) {
        champ |= strcmp(sc->hits[i].rule, "A champion argues for us inside") == 0;
        reached |= strcmp(sc->hits[i].rule, "Reached the decision maker in the last 30 days") == 0;
    }
    assert_true(champ);
    assert_true(reached);
    /* 31 days on, the touch no longer counts */
    f->s.now = NOW + 31 * 86400;
    assert_int_equal(kz_pipe_explain(&f->s, id, &l, sc, &err), KZ_OK);
    reached = false;
    for (size_t i = 0; i < sc->nhits; i++)
        reached |= strcmp(sc->hits[i].rule, "Reached the decision maker in the last 30 days") == 0;
    assert_false(reached);
    f->s.now = NOW;
    free(sc);
    /* a blocker takes points away */
    get(f, id, &l);
    int before = (int)kz_lead_num(&l, KZ_F_AUTHORITY);
    assert_int_equal(kz_pipe_add_stakeholder(&f->s, &bl, &err), KZ_OK);
    get(f, id, &l);
    assert_true(kz_lead_num(&l, KZ_F_AUTHORITY) < before);

    /* conflicts: alice changes Cy's title on version v; bob, who read v,
     * may change Cy's role and Dana's title, not Cy's title, nor remove Cy */
    int64_t v = kz_lead_num(&l, KZ_F_VERSION);
    const char *t1[] = {"title=CFO"};
    f->s.actor = "alice";
    assert_int_equal(kz_pipe_set_stakeholder(&f->s, ch.id, v, t1, 1, &err), KZ_OK);
    get(f, id, &l);
    assert_int_equal(kz_lead_num(&l, KZ_F_VERSION), v + 1);
    f->s.actor = "bob";
    const char *t2[] = {"title=CEO"};
    assert_int_equal(kz_pipe_set_stakeholder(&f->s, ch.id, v, t2, 1, &err), KZ_ECONFLICT);
    assert_non_null(strstr_by(err.msg, act(f->st, "alice"), "set stakeholder."));
    assert_non_null(strstr(err.msg, ".title to \"CFO\""));
    assert_int_equal(kz_pipe_remove_stakeholder(&f->s, ch.id, v, &err), KZ_ECONFLICT);
    const char *r2[] = {"role=influencer"};
    assert_int_equal(kz_pipe_set_stakeholder(&f->s, ch.id, v, r2, 1, &err), KZ_OK);
    assert_int_equal(kz_pipe_set_stakeholder(&f->s, dm.id, v, t2, 1, &err), KZ_OK);
    /* a lead field edit is no conflict with a stakeholder change */
    const char *city[] = {"city=Tabriz"};
    assert_int_equal(kz_pipe_set(&f->s, id, v, city, 1, &err), KZ_OK);
    kz_stakeholder got = {0};
    assert_int_equal(kz_store_stakeholder_get(f->st, ch.id, &got, &err), KZ_OK);
    assert_string_equal(got.title, "CFO");
    assert_string_equal(got.role, "influencer");
    kz_stakeholder_free(&got);
    /* a role the rules do not have is refused, naming the roles */
    const char *bad[] = {"role=boss"};
    assert_int_equal(kz_pipe_set_stakeholder(&f->s, ch.id, 0, bad, 1, &err), KZ_EINVAL);
    assert_non_null(strstr(err.msg, "roles: decision_maker, economic_buyer, champion"));
    /* touches with someone of another lead are refused */
    int64_t other = add(f, "Other", 5);
    assert_int_equal(kz_pipe_log_with(&f->s, other, ch.id, "call", "answered", NULL, NULL, &err),
                     KZ_ENOTFOUND);
    kz_lead_free(&l);
}

static void test_conflicts_are_per_field(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t id = add(f, "Mia Khan", 500);
    kz_lead mine, l;
    kz_lead_init(&mine);
    kz_lead_init(&l);
    get(f, id, &mine); /* alice reads version 1 */
    /* bob changes the phone, then logs a call */
    f->s.actor = "bob";
    const char *phone[] = {"phone=+98 21 5555"};
    assert_int_equal(kz_pipe_set(&f->s, id, 1, phone, 1, &err), KZ_OK);
    assert_int_equal(kz_pipe_log(&f->s, id, "call", "answered", NULL, NULL, &err), KZ_OK);
    f->s.actor = "alice";
    /* saving the title on version 1: bob changed other fields only */
    const char *title[] = {"title=VP Sales"};
    assert_int_equal(kz_pipe_set(&f->s, id, 1, title, 1, &err), KZ_OK);
    get(f, id, &l);
    assert_string_equal(kz_lead_text(&l, KZ_F_TITLE), "VP Sales");
    assert_string_equal(kz_lead_text(&l, KZ_F_PHONE), "+98 21 5555");
    /* a next step and a move on version 1 are no conflict either */
    assert_int_equal(kz_pipe_followup(&f->s, id, 1, kz_today(NOW) + 2, "demo", &err), KZ_OK);
    assert_int_equal(kz_pipe_assign(&f->s, id, 1, "alice", &err), KZ_OK);
    /* an edited copy of version 1 keeps bob's phone and adds alice's city */
    kz_lead_set_text(&mine, KZ_F_CITY, "Shiraz");
    assert_int_equal(kz_pipe_save(&f->s, &mine, &err), KZ_OK);
    get(f, id, &l);
    assert_string_equal(kz_lead_text(&l, KZ_F_CITY), "Shiraz");
    assert_string_equal(kz_lead_text(&l, KZ_F_PHONE), "+98 21 5555");
    assert_string_equal(kz_lead_text(&l, KZ_F_TITLE), "VP Sales");
    assert_string_equal(kz_lead_text(&l, KZ_F_OWNER), "alice");
    /* but a copy of version 1 that changes the phone too is a conflict,
     * and nothing of it is written */
    int64_t v = kz_lead_num(&l, KZ_F_VERSION);
    kz_event_list ev = {0};
    assert_int_equal(kz_store_events(f->st, id, 0, &ev, &err), KZ_OK);
    size_t nev = ev.n;
    kz_event_list_free(&ev);
    kz_lead_reset(&mine);
    get(f, id, &mine);
    kz_lead_set_num(&mine, KZ_F_VERSION, 1);
    kz_lead_set_text(&mine, KZ_F_PHONE, "+98 21 6666");
    kz_lead_set_text(&mine, KZ_F_CITY, "Yazd");
    assert_int_equal(kz_pipe_save(&f->s, &mine, &err), KZ_ECONFLICT);
    assert_non_null(strstr_by(err.msg, act(f->st, "bob"), "set phone to \"+98 21 5555\""));
    get(f, id, &l);
    assert_int_equal(kz_lead_num(&l, KZ_F_VERSION), v);
    assert_string_equal(kz_lead_text(&l, KZ_F_CITY), "Shiraz");
    assert_int_equal(kz_store_events(f->st, id, 0, &ev, &err), KZ_OK);
    assert_int_equal(ev.n, nev);
    kz_event_list_free(&ev);
    /* the same field changed by someone else is a conflict for a move too */
    f->s.actor = "bob";
    assert_int_equal(kz_pipe_lost(&f->s, id, 0, "price", &err), KZ_OK);
    f->s.actor = "alice";
    assert_int_equal(kz_pipe_move(&f->s, id, v, "prospect", "ok", &err), KZ_ECONFLICT);
    assert_non_null(strstr_by(err.msg, act(f->st, "bob"), "set stage to \"lost\""));
    kz_lead_free(&mine);
    kz_lead_free(&l);
}

static void test_lost_and_reopen(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t id = add(f, "Ava", 50);
    assert_int_equal(kz_pipe_lost(&f->s, id, 0, "martians", &err), KZ_EINVAL);
    assert_non_null(strstr(err.msg, "reasons: price, no_budget"));
    assert_int_equal(kz_pipe_lost(&f->s, id, 0, "PRICE", &err), KZ_OK);
    kz_lead l;
    kz_lead_init(&l);
    get(f, id, &l);
    assert_string_equal(kz_lead_text(&l, KZ_F_LOST_REASON), "price");
    assert_string_equal(kz_lead_text(&l, KZ_F_LOST_FROM), "lead");
    assert_int_equal(kz_pipe_lost(&f->s, id, 0, "price", &err), KZ_EINVAL);
    assert_int_equal(kz_pipe_move(&f->s, id, 0, "lead", NULL, &err), KZ_OK);
    get(f, id, &l);
    assert_null(kz_lead_text(&l, KZ_F_LOST_REASON));
    assert_null(kz_lead_text(&l, KZ_F_LOST_FROM));
    kz_lead_free(&l);
}

static void test_stale_and_overdue(void **state)
{
    fx *f = *state;
    kz_err err;
    f->s.now = NOW - 20 * 86400;
    int64_t id = add(f, "Quiet", 50);
    f->s.now = NOW;
    kz_lead l;
    kz_lead_init(&l);
    get(f, id, &l);
    int idle, limit;
    assert_true(kz_lead_is_stale(f->rules, &l, NOW, &idle, &limit));
    assert_int_equal(idle, 20);
    assert_int_equal(limit, 7);
    /* a scheduled next step keeps it fresh; a past one does not */
    int today = kz_today(NOW);
    assert_int_equal(kz_pipe_followup(&f->s, id, 0, today + 2, "Call back", &err), KZ_OK);
    get(f, id, &l);
    assert_false(kz_lead_is_stale(f->rules, &l, NOW, NULL, NULL));
    assert_false(kz_lead_is_overdue(&l, today));
    assert_true(kz_lead_is_overdue(&l, today + 3));
    assert_true(kz_lead_is_stale(f->rules, &l, NOW + 3 * 86400, NULL, NULL));
    /* a touch resets idleness */
    assert_int_equal(kz_pipe_log(&f->s, id, "call", "no_answer", NULL, NULL, &err), KZ_OK);
    get(f, id, &l);
    assert_false(kz_lead_is_stale(f->rules, &l, NOW + 3 * 86400, NULL, NULL));
    /* won deals are never stale */
    assert_int_equal(kz_pipe_won(&f->s, id, 0, "signed", &err), KZ_OK);
    get(f, id, &l);
    assert_false(kz_lead_is_stale(f->rules, &l, NOW + 300 * 86400, NULL, NULL));
    kz_lead_free(&l);
}

static void test_log_validates_and_rescores(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t id = add(f, "Ava", 50);
    assert_int_equal(kz_pipe_log(&f->s, id, "fax", "sent", NULL, NULL, &err), KZ_EINVAL);
    assert_int_equal(kz_pipe_log(&f->s, id, "call", "perhaps", NULL, NULL, &err), KZ_EINVAL);
    assert_int_equal(kz_pipe_log(&f->s, 999, "call", "answered", NULL, NULL, &err), KZ_ENOTFOUND);
    kz_lead l;
    kz_lead_init(&l);
    get(f, id, &l);
    int64_t before = kz_lead_num(&l, KZ_F_INTEREST);
    for (int i = 0; i < 4; i++)
        assert_int_equal(kz_pipe_log(&f->s, id, "call", "no_answer", NULL, NULL, &err), KZ_OK);
    get(f, id, &l);
    assert_int_equal(kz_lead_num(&l, KZ_F_INTEREST), before - 15); /* -5 each, capped at -15 */
    kz_lead_free(&l);
}

static int64_t num_of(fx *f, int64_t id, kz_field field, bool *has)
{
    kz_lead l;
    kz_lead_init(&l);
    get(f, id, &l);
    *has = kz_lead_has(&l, field);
    int64_t v = kz_lead_num(&l, field);
    kz_lead_free(&l);
    return v;
}

static void sql_exec(fx *f, const char *q)
{
    KZ_TESTDB_EXEC(f->path, q);
}

/* Only the leads whose score is due are recomputed: before it, nothing is
 * written; at it, the score or only its due time moves (no version bump
 * for the latter); a lead that nothing can change is never due. */
static void test_rescore_due(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t a = add(f, "Ava", 50), b = add(f, "Bo", 50);
    assert_int_equal(kz_pipe_log(&f->s, a, "email", "replied", NULL, NULL, &err), KZ_OK);
    bool has;
    int64_t due = num_of(f, a, KZ_F_SCORE_DUE, &has);
    assert_true(has && due > NOW);
    assert_int_equal(num_of(f, a, KZ_F_SCORE_AT, &has), NOW);
    num_of(f, b, KZ_F_SCORE_DUE, &has);
    assert_false(has);
    int64_t va = num_of(f, a, KZ_F_VERSION, &has), vb = num_of(f, b, KZ_F_VERSION, &has);
    int64_t score = num_of(f, a, KZ_F_SCORE, &has);

    int64_t changed = -1;
    f->s.now = due - 1;
    assert_int_equal(kz_pipe_rescore_due(&f->s, &changed, &err), KZ_OK);
    assert_int_equal(changed, 0);
    assert_int_equal(num_of(f, a, KZ_F_SCORE_DUE, &has), due);
    assert_int_equal(num_of(f, a, KZ_F_SCORE_AT, &has), NOW);

    /* due a second early: the score may still be the same, and then only
     * the due time moves on, until the score falls */
    int steps = 0;
    for (;;) {
        f->s.now = num_of(f, a, KZ_F_SCORE_DUE, &has);
        assert_true(has);
        assert_int_equal(kz_pipe_rescore_due(&f->s, &changed, &err), KZ_OK);
        assert_int_equal(num_of(f, a, KZ_F_SCORE_AT, &has), f->s.now);
        assert_true(num_of(f, a, KZ_F_SCORE_DUE, &has) > f->s.now);
        if (changed)
            break;
        assert_int_equal(num_of(f, a, KZ_F_VERSION, &has), va);
        assert_true(++steps < 5);
    }
    assert_int_equal(changed, 1);
    assert_int_equal(num_of(f, a, KZ_F_SCORE, &has), score - 1);
    assert_int_equal(num_of(f, a, KZ_F_VERSION, &has), va + 1);
    assert_int_equal(num_of(f, b, KZ_F_VERSION, &has), vb);
    assert_true(f->s.now - due < 5);
}

/* Many leads due at once (a database from an older schema) are recomputed
 * by the walk over every lead rather than one by one: all of them, and
 * nothing is due after. */
static void test_rescore_due_many(void **state)
{
    fx *f = *state;
    kz_err err;
    add(f, "Ava", 50);
    sql_exec(f, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000) "
                "INSERT INTO leads (id, name, stage, score, grade, stage_entered, touched, created, "
                "updated, score_due) SELECT i + 1, 'lead ' || i, 'lead', 99, 'hot', 0, 0, 0, 0, 0 "
                "FROM n");
    int64_t changed = 0;
    assert_int_equal(kz_pipe_rescore_due(&f->s, &changed, &err), KZ_OK);
    assert_int_equal(changed, 6000);
    kz_query q = {0};
    int64_t n = -1;
    q.grade = "hot";
    assert_int_equal(kz_store_count(f->st, &q, &n, &err), KZ_OK);
    assert_int_equal(n, 0);
    assert_int_equal(kz_pipe_rescore_due(&f->s, &changed, &err), KZ_OK);
    assert_int_equal(changed, 0);
    assert_int_equal(kz_pipe_rescore_all(&f->s, NULL, NULL, &changed, &err), KZ_OK);
    assert_int_equal(changed, 0);
}

/* The board's step of due rescoring: one batch at a time, the soonest
 * first, and never waiting for another process's write lock (the busy
 * timeout here is ten minutes, so waiting would hang the test). */
static void test_rescore_due_now_is_one_batch_and_never_waits(void **state)
{
    fx *f = *state;
    kz_err err;
    sql_exec(f, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000) "
                "INSERT INTO leads (id, name, stage, score, grade, stage_entered, touched, created, "
                "updated, score_due) SELECT i + 1, 'lead ' || i, 'lead', 99, 'hot', 0, 0, 0, 0, 0 "
                "FROM n");
    int64_t changed = 0;
    assert_int_equal(kz_pipe_rescore_due_now(&f->s, &changed, &err), KZ_OK);
    assert_int_equal(changed, 200);
    kz_query q = {0};
    int64_t n = -1;
    q.grade = "hot";
    assert_int_equal(kz_store_count(f->st, &q, &n, &err), KZ_OK);
    assert_int_equal(n, 5800);

    setenv("KARIZ_BUSY_TIMEOUT", "600000", 1);
    kz_store *other = NULL;
    assert_int_equal(kz_store_open(f->path, 0, &other, &err), KZ_OK);
    unsetenv("KARIZ_BUSY_TIMEOUT");
    assert_int_equal(kz_store_begin(other, &err), KZ_OK);
    assert_int_equal(kz_pipe_rescore_due_now(&f->s, &changed, &err), KZ_EBUSY);
    kz_store_rollback(other);
    kz_store_close(other);
    assert_int_equal(kz_store_count(f->st, &q, &n, &err), KZ_OK);
    assert_int_equal(n, 5800);
    /* and saves wait for locks again as before */
    assert_int_equal(kz_pipe_rescore_due(&f->s, &changed, &err), KZ_OK);
    assert_int_equal(changed, 5800);
}

static void test_automatic_statuses(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t id = add(f, "Ghost", 50);
    kz_lead l;
    kz_lead_init(&l);
    for (int i = 0; i < 2; i++)
        assert_int_equal(kz_pipe_log(&f->s, id, "call", "no_answer", NULL, NULL, &err), KZ_OK);
    get(f, id, &l);
    assert_null(kz_lead_text(&l, KZ_F_STATUS));
    assert_int_equal(kz_pipe_log(&f->s, id, "call", "voicemail", NULL, NULL, &err), KZ_OK);
    get(f, id, &l);
    assert_string_equal(kz_lead_text(&l, KZ_F_STATUS), "unresponsive"); /* the third attempt */
    kz_event e;
    assert_int_equal(kz_store_blame(f->st, id, "status", &e, &err), KZ_OK);
    assert_string_equal(e.new_value, "unresponsive");
    free(e.field);
    free(e.old_value);
    free(e.new_value);
    free(e.detail);
    /* calls more than 30 days old do not count */
    int64_t old = add(f, "Old", 50);
    f->s.now = NOW - 40 * DAY_SECONDS;
    for (int i = 0; i < 3; i++)
        assert_int_equal(kz_pipe_log(&f->s, old, "call", "no_answer", NULL, NULL, &err), KZ_OK);
    f->s.now = NOW;
    assert_int_equal(kz_pipe_log(&f->s, old, "call", "call_back", NULL, NULL, &err), KZ_OK);
    get(f, old, &l);
    assert_string_equal(kz_lead_text(&l, KZ_F_STATUS), "call_back_later");
    kz_lead_free(&l);
}

static void test_presence(void **state)
{
    fx *f = *state;
    kz_err err;
    int64_t id = add(f, "Ava", 50);
    assert_int_equal(kz_presence_announce(&f->s, id, &err), KZ_OK);
    char names[4][KZ_USER_MAX];
    size_t n;
    assert_int_equal(kz_presence_others(&f->s, id, names, 4, &n, &err), KZ_OK);
    assert_int_equal(n, 0); /* this board itself does not count */
    char host[64] = {0};
    gethostname(host, sizeof host - 1);
    /* bob on another host has it open; carol's board on this host crashed */
    assert_int_equal(kz_store_presence_set(f->st, "bob", "elsewhere", 4242, id, NOW, &err), KZ_OK);
    assert_int_equal(kz_store_presence_set(f->st, "carol", host, 999999, id, NOW, &err), KZ_OK);
    assert_int_equal(kz_store_presence_set(f->st, "dave", "elsewhere", 7, id, NOW - 600, &err), KZ_OK);
    assert_int_equal(kz_presence_others(&f->s, id, names, 4, &n, &err), KZ_OK);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], act(f->st, "bob"));
    assert_int_equal(kz_presence_others(&f->s, id + 1, names, 4, &n, &err), KZ_OK);
    assert_int_equal(n, 0);
    assert_int_equal(kz_presence_leave(&f->s, &err), KZ_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_scores_on_the_way_in, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_entry_criteria_and_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_versions_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflicts_are_per_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stakeholders_score_and_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restore_undoes_exactly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lost_and_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_and_overdue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_validates_and_rescores, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rescore_due, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rescore_due_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rescore_due_now_is_one_batch_and_never_waits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_automatic_statuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_presence, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
