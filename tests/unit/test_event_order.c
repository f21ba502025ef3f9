/* The order of a lead's events: its history (kz_store_events since 0) is in
 * time order, equal times in the order they were saved; what changed since
 * a version and blame's last change are in the order the changes were
 * saved, whatever times they carry (an import or the demo logs events
 * back-dated, after later ones). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/model.h"
#include "kariz/store.h"
#include "testdb.h"

static const kz_stage stages[] = {
    {"lead", "Lead", 0, 5, 14, KZ_STAGE_OPEN, NULL},
    {"prospect", "Prospect", 1, 15, 21, KZ_STAGE_OPEN, NULL},
    {"won", "Won", 2, 100, 0, KZ_STAGE_WON, NULL},
    {"lost", "Lost", 3, 0, 0, KZ_STAGE_LOST, NULL},
};

typedef struct fx {
    char dir[64];
    char path[256];
    kz_store *st;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/kz-evorder-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    KZ_TESTDB_NAME(f->dir, "t.db", f->path);
    kz_err err;
    assert_int_equal(kz_store_open(f->path, 0, &f->st, &err), KZ_OK);
    assert_int_equal(kz_store_sync_stages(f->st, stages, sizeof stages / sizeof stages[0], &err),
                     KZ_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    kz_store_close(f->st);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* Saves the lead with text field fld set to v, logged at `at`. */
static void save_at(kz_store *st, int64_t id, kz_field fld, const char *v, int64_t at)
{
    kz_lead l;
    kz_lead_init(&l);
    kz_err err;
    bool changed = false;
    assert_int_equal(kz_store_lead_get(st, id, &l, &err), KZ_OK);
    kz_lead_set_text(&l, fld, v);
    assert_int_equal(kz_store_begin(st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_update(st, &l, "alice", at, &changed, &err), KZ_OK);
    assert_int_equal(kz_store_commit(st, &err), KZ_OK);
    assert_true(changed);
    kz_lead_free(&l);
}

static void test_history_in_time_order_changes_since_in_save_order(void **state)
{
    fx *f = *state;
    kz_err err;
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_NAME, "Ava Smith");
    kz_lead_set_text(&l, KZ_F_STAGE, "lead");
    assert_int_equal(kz_store_begin(f->st, &err), KZ_OK);
    assert_int_equal(kz_store_lead_insert(f->st, &l, "alice", 1000, &err), KZ_OK);
    assert_int_equal(kz_store_commit(f->st, &err), KZ_OK);
    int64_t id = kz_lead_num(&l, KZ_F_ID);
    kz_lead_free(&l);
    /* saved in this order, the later ones back-dated */
    save_at(f->st, id, KZ_F_TITLE, "CTO", 3000);  /* version 2 */
    save_at(f->st, id, KZ_F_OWNER, "bob", 2000);  /* version 3 */
    save_at(f->st, id, KZ_F_TITLE, "CEO", 1500);  /* version 4 */
    save_at(f->st, id, KZ_F_CITY, "Pune", 2000);  /* version 5: the same time as the owner's */

    /* the history: by time, equal times as saved */
    kz_event_list ev = {0};
    assert_int_equal(kz_store_events(f->st, id, 0, &ev, &err), KZ_OK);
    assert_int_equal(ev.n, 5);
    static const int64_t at[] = {1000, 1500, 2000, 2000, 3000};
    static const char *const what[] = {NULL, "CEO", "bob", "Pune", "CTO"};
    for (size_t i = 0; i < ev.n; i++) {
        assert_int_equal(ev.v[i].at, at[i]);
        if (what[i])
            assert_string_equal(ev.v[i].new_value, what[i]);
    }
    assert_string_equal(ev.v[0].kind, "create");
    assert_true(ev.v[2].id < ev.v[3].id);
    kz_event_list_free(&ev);

    /* what changed since version 1: in the order saved, as the conflict
     * checks read it (the latest save last) */
    assert_int_equal(kz_store_events(f->st, id, 1, &ev, &err), KZ_OK);
    assert_int_equal(ev.n, 4);
    for (size_t i = 0; i < ev.n; i++)
        assert_int_equal(ev.v[i].version, (int64_t)i + 2);
    assert_string_equal(ev.v[2].new_value, "CEO");
    kz_event_list_free(&ev);

    /* blame: the change that set the value there is now, the last saved,
     * even though an earlier save carries a later time */
    kz_event e;
    assert_int_equal(kz_store_blame(f->st, id, "title", &e, &err), KZ_OK);
    assert_string_equal(e.new_value, "CEO");
    assert_string_equal(e.old_value, "CTO");
    assert_int_equal(e.at, 1500);
    free(e.field);
    free(e.old_value);
    free(e.new_value);
    free(e.detail);
}

/* An undo is paired with the change it undid by the order of saving, not
 * by its place in a list read in time order: here a change saved after
 * another carries an earlier time (back-dated), and the undo undid it. */
static void test_undo_pairs_by_save_order(void **state)
{
    (void)state;
    kz_event v[3];
    memset(v, 0, sizeof v);
    /* time order: id 2 (at 50), id 1 (at 100), id 3, the undo (at 110) */
    v[0] = (kz_event){.id = 2, .lead_id = 7, .at = 50, .kind = "field", .field = "title",
                      .old_value = "CTO", .new_value = "CEO"};
    v[1] = (kz_event){.id = 1, .lead_id = 7, .at = 100, .kind = "field", .field = "title",
                      .old_value = "Dev", .new_value = "CTO"};
    v[2] = (kz_event){.id = 3, .lead_id = 7, .at = 110, .kind = "field", .field = "title",
                      .old_value = "CEO", .new_value = "CTO", .detail = "undo"};
    long by[3];
    kz_events_undone(v, 3, by);
    assert_int_equal(by[0], 2);
    assert_int_equal(by[1], -1);
    assert_int_equal(by[2], -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_history_in_time_order_changes_since_in_save_order,
                                        setup, teardown),
        cmocka_unit_test(test_undo_pairs_by_save_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
