/* The lead field table, value parsing and formatting, custom fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kariz/model.h"

static void test_field_table(void **state)
{
    (void)state;
    assert_int_equal(kz_field_lookup("id"), KZ_F_ID);
    assert_int_equal(kz_field_lookup("next_due"), KZ_F_NEXT_DUE);
    assert_int_equal(kz_field_lookup("Name"), -1);
    assert_int_equal(kz_field_lookup("favourite"), -1);
    assert_true(kz_field_get(KZ_F_SCORE)->flags & KZ_FF_RO);
    assert_true(kz_field_get(KZ_F_STAGE)->flags & KZ_FF_MOVE);
    assert_int_equal(kz_field_get(KZ_F_VALUE)->type, KZ_FT_MONEY);
    for (int f = 0; f < KZ_F__COUNT; f++)
        assert_int_equal(kz_field_lookup(kz_field_get((kz_field)f)->name), f);
}

static void test_custom_names(void **state)
{
    (void)state;
    assert_true(kz_custom_name_ok("region"));
    assert_true(kz_custom_name_ok("hubspot.record_id"));
    assert_true(kz_custom_name_ok("x-1"));
    assert_false(kz_custom_name_ok(""));
    assert_false(kz_custom_name_ok("name"));  /* built-in */
    assert_false(kz_custom_name_ok("Region")); /* lower case only */
    assert_false(kz_custom_name_ok("-x"));
    assert_false(kz_custom_name_ok("a b"));
    char longname[80];
    memset(longname, 'a', 65);
    longname[65] = '\0';
    assert_false(kz_custom_name_ok(longname));
}

static void test_ints(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(kz_parse_int("1,200", &v), KZ_OK);
    assert_int_equal(v, 1200);
    assert_int_equal(kz_parse_int("-4", &v), KZ_OK);
    assert_int_equal(v, -4);
    assert_int_equal(kz_parse_int("4.5", &v), KZ_EINVAL);
    assert_int_equal(kz_parse_int("", &v), KZ_EINVAL);
    assert_int_equal(kz_parse_int("12abc", &v), KZ_EINVAL);
    assert_int_equal(kz_parse_int("99999999999999999999999", &v), KZ_EINVAL);
}

static void test_assign_and_format(void **state)
{
    (void)state;
    kz_lead l;
    kz_lead_init(&l);
    kz_err err;
    assert_int_equal(kz_lead_assign(&l, "close_date", "2026-12-01", false, &err), KZ_OK);
    assert_string_equal(kz_lead_text(&l, KZ_F_CLOSE_DATE), "2026-12-01");
    assert_true(kz_lead_num(&l, KZ_F_CLOSE_DATE) > 20000);
    assert_int_equal(kz_lead_assign(&l, "close_date", "tomorrow", false, &err), KZ_EINVAL);
    assert_string_equal(err.msg, "field \"close_date\": \"tomorrow\" is not a date (expected "
                                 "YYYY-MM-DD, or a Solar Hijri date such as 1405/09/15)");
    /* a Solar Hijri date, in any digits, is stored as its ISO day */
    assert_int_equal(kz_lead_assign(&l, "close_date", "1405/09/15", false, &err), KZ_OK);
    assert_string_equal(kz_lead_text(&l, KZ_F_CLOSE_DATE), "2026-12-06");
    assert_int_equal(kz_lead_assign(&l, "close_date", "۱۴۰۵/۱۲/۲۹", false, &err), KZ_OK);
    assert_string_equal(kz_lead_text(&l, KZ_F_CLOSE_DATE), "2027-03-20");
    assert_int_equal(kz_lead_assign(&l, "close_date", "۲۰۲۷-۰۱-۱۵", false, &err), KZ_OK);
    assert_string_equal(kz_lead_text(&l, KZ_F_CLOSE_DATE), "2027-01-15");
    assert_int_equal(kz_lead_assign(&l, "close_date", "1404/12/30", false, &err), KZ_EINVAL);
    assert_int_equal(kz_lead_assign(&l, "close_date", "2026/12/15", false, &err), KZ_EINVAL);
    assert_int_equal(kz_lead_assign(&l, "owner", "bob.smith", false, &err), KZ_OK);
    assert_int_equal(kz_lead_assign(&l, "owner", "bob smith", false, &err), KZ_EINVAL);
    assert_int_equal(kz_lead_assign(&l, "probability", "101", false, &err), KZ_EINVAL);
    assert_int_equal(kz_lead_assign(&l, "employees", "-1", false, &err), KZ_EINVAL);
    assert_int_equal(kz_lead_assign(&l, "grade", "hot", false, &err), KZ_EINVAL);
    assert_int_equal(kz_lead_assign(&l, "grade", "hot", true, &err), KZ_OK);
    assert_int_equal(kz_lead_assign(&l, "Bad Field", "x", false, &err), KZ_EINVAL);
    assert_int_equal(kz_lead_assign(&l, "value", "", false, &err), KZ_OK);
    assert_false(kz_lead_has(&l, KZ_F_VALUE));
    char buf[64];
    kz_lead_format(&l, KZ_F_VALUE, buf, sizeof buf);
    assert_string_equal(buf, "");
    kz_lead_set_num(&l, KZ_F_CREATED, 0);
    kz_lead_format(&l, KZ_F_CREATED, buf, sizeof buf);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
    kz_lead_free(&l);
}

static void test_custom_fields_and_reuse(void **state)
{
    (void)state;
    kz_lead l, c;
    kz_lead_init(&l);
    kz_lead_init(&c);
    kz_lead_set_custom(&l, "a", "1");
    kz_lead_set_custom(&l, "b", "2");
    kz_lead_set_custom(&l, "c", "3");
    kz_lead_set_custom(&l, "b", NULL);
    assert_int_equal(l.ncustom, 2);
    assert_null(kz_lead_custom(&l, "b"));
    assert_string_equal(kz_lead_custom(&l, "c"), "3");
    kz_lead_set_custom(&l, "a", "one");
    assert_string_equal(kz_lead_custom(&l, "a"), "one");
    kz_lead_set_text(&l, KZ_F_NAME, "Reza Rahimi");
    kz_lead_copy(&c, &l);
    assert_string_equal(kz_lead_text(&c, KZ_F_NAME), "Reza Rahimi");
    assert_string_equal(kz_lead_custom(&c, "c"), "3");
    /* reset keeps capacity: the same lead is reused without leaks */
    for (int i = 0; i < 100; i++) {
        kz_lead_reset(&c);
        assert_null(kz_lead_text(&c, KZ_F_NAME));
        kz_lead_set_text(&c, KZ_F_NAME, "x");
        kz_lead_set_custom(&c, "k", "v");
    }
    assert_int_equal(c.ncustom, 1);
    kz_lead_free(&l);
    kz_lead_free(&c);
}

static void test_activity_vocabulary(void **state)
{
    (void)state;
    assert_string_equal(kz_activity_kind_channel("call"), "phone");
    assert_string_equal(kz_activity_kind_channel("email"), "email");
    assert_null(kz_activity_kind_channel("fax"));
    assert_true(kz_activity_outcome_ok("no_answer"));
    assert_false(kz_activity_outcome_ok("maybe"));
    assert_string_equal(kz_activity_kinds_list(), "call, email, meeting, web, form, chat, sms, note");
    assert_non_null(strstr(kz_activity_outcomes_list(), "none, answered, no_answer"));
    assert_true(kz_stakeholder_role_ok("champion"));
    assert_true(kz_stakeholder_role_ok("economic_buyer2"));
    assert_false(kz_stakeholder_role_ok("Boss"));
    assert_false(kz_stakeholder_role_ok("2nd"));
    assert_false(kz_stakeholder_role_ok("decision maker"));
    assert_false(kz_stakeholder_role_ok(""));
}

static void test_outcomes_fit_their_kind(void **state)
{
    (void)state;
    assert_true(kz_activity_outcome_fits("call", "answered"));
    assert_true(kz_activity_outcome_fits("email", "replied"));
    assert_true(kz_activity_outcome_fits("meeting", "held"));
    assert_true(kz_activity_outcome_fits("form", "requested_info"));
    assert_false(kz_activity_outcome_fits("call", "replied"));
    assert_false(kz_activity_outcome_fits("email", "answered"));
    assert_false(kz_activity_outcome_fits("note", "answered"));
    assert_false(kz_activity_outcome_fits("fax", "none"));
    assert_string_equal(kz_activity_outcomes_for("meeting"),
                        "none, held, no_show, asked_price, requested_info, not_interested");
    assert_string_equal(kz_activity_outcomes_for("fax"), "");
}

static void test_field_suggestions(void **state)
{
    (void)state;
    const char *extra[] = {"pain_point"};
    assert_string_equal(kz_field_suggest("compnay", NULL, 0), "company");   /* transposed */
    assert_string_equal(kz_field_suggest("ownr", NULL, 0), "owner");        /* one missing */
    assert_string_equal(kz_field_suggest("Title", NULL, 0), "title");       /* case only */
    assert_string_equal(kz_field_suggest("closedate", NULL, 0), "close_date");
    assert_string_equal(kz_field_suggest("pain_pont", extra, 1), "pain_point");
    assert_null(kz_field_suggest("pain_point", extra, 1)); /* itself */
    assert_null(kz_field_suggest("company", NULL, 0));
    assert_null(kz_field_suggest("favourite_colour", NULL, 0));
    assert_null(kz_field_suggest("size", NULL, 0)); /* short: one edit at most */
}

/* Names other than fields (accounts, owners): the same distance, only the
 * names given. */
static void test_name_suggestions(void **state)
{
    (void)state;
    const char *users[] = {"bob", "alice", "mahsa"};
    assert_string_equal(kz_name_suggest("bobb", users, 3), "bob");
    assert_string_equal(kz_name_suggest("alcie", users, 3), "alice");
    assert_string_equal(kz_name_suggest("Mahsa", users, 3), "mahsa");
    assert_null(kz_name_suggest("bob", users, 3));   /* itself */
    assert_null(kz_name_suggest("carol", users, 3)); /* nothing close */
    assert_null(kz_name_suggest("owner", users, 3)); /* fields are not names */
    assert_null(kz_name_suggest("bob", NULL, 0));
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
        cmocka_unit_test(test_field_table),      cmocka_unit_test(test_custom_names),
        cmocka_unit_test(test_ints),
        cmocka_unit_test(test_assign_and_format), cmocka_unit_test(test_custom_fields_and_reuse),
        cmocka_unit_test(test_activity_vocabulary),
        cmocka_unit_test(test_outcomes_fit_their_kind), cmocka_unit_test(test_field_suggestions),
        cmocka_unit_test(test_name_suggestions),
        cmocka_unit_test(test_undo_pairs_by_save_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
