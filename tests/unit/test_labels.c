/* Labels: the words people read for kariz's names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kariz/i18n.h"
#include "kariz/labels.h"

static kz_rules *rules;

static int setup(void **state)
{
    (void)state;
    kz_err err;
    static const char text[] = "currency: EUR\n"
                               "stages:\n"
                               "  - {name: lead, label: New lead, probability: 5}\n"
                               "  - {name: won, label: Won, probability: 100, kind: won}\n"
                               "  - {name: lost, probability: 0, kind: lost}\n";
    return kz_rules_load_buffer("labels.yaml", text, strlen(text), &rules, &err) == KZ_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    kz_rules_free(rules);
    return 0;
}

#define EXPECT(call, want)                                                                 \
    do {                                                                                   \
        kz_buf b_ = KZ_BUF_INIT;                                                           \
        call;                                                                              \
        assert_string_equal(kz_buf_str(&b_), want);                                        \
        kz_buf_free(&b_);                                                                  \
    } while (0)

static void test_keys_and_values(void **state)
{
    (void)state;
    EXPECT(kz_label_key("no_budget", &b_), "no budget");
    EXPECT(kz_label_key("next_due", &b_), "next due");
    EXPECT(kz_label_value(rules, "stage", "lead", &b_), "New lead");
    EXPECT(kz_label_value(rules, "lost_from", "won", &b_), "Won");
    EXPECT(kz_label_value(rules, "stage", "lost", &b_), "lost"); /* no label: its name */
    EXPECT(kz_label_value(rules, "stage", "gone_away", &b_), "gone away"); /* no longer a stage */
    EXPECT(kz_label_value(rules, "lost_reason", "no_decision", &b_), "no decision");
    EXPECT(kz_label_value(rules, "value", "1234567.8", &b_), "1,234,567.80 EUR");
    EXPECT(kz_label_value(rules, "title", "head_of_sales", &b_), "head_of_sales"); /* data */
    EXPECT(kz_label_value(rules, "value", NULL, &b_), "(none)");
    EXPECT(kz_label_activity("call", "no_answer", &b_), "call, no answer");
    EXPECT(kz_label_activity("note", "none", &b_), "note");
    assert_string_equal(kz_rules_lost_reason_label(rules, 1), "no budget");
}

/* Labels the rules file gives: a stage's label_fa and lost reasons and
 * statuses written as {name, label, label_fa}. Messages here are in English
 * (no catalogue is bound), so the English words show; the Persian ones show
 * under LANGUAGE=fa (tests/cli/test_i18n.sh). */
static void test_labels_from_the_rules(void **state)
{
    (void)state;
    static const char text[] = "stages:\n"
                               "  - {name: lead, label: New lead, label_fa: سرنخ, probability: 5}\n"
                               "  - {name: won, probability: 100, kind: won, label_fa: برنده}\n"
                               "  - {name: lost, probability: 0, kind: lost}\n"
                               "lost_reasons:\n"
                               "  - {name: price, label: Too dear, label_fa: گران}\n"
                               "  - no_budget\n"
                               "  - {name: timing, label_fa: زمان‌بندی}\n"
                               "statuses: [{name: lead, label: Fresh}, customer]\n";
    kz_rules *r;
    kz_err err;
    assert_int_equal(kz_rules_load_buffer("fa.yaml", text, strlen(text), &r, &err), KZ_OK);
    assert_string_equal(kz_rules_stage(r, "lead")->label, "New lead");
    assert_string_equal(kz_rules_stage(r, "lead")->label_rules, "New lead");
    assert_string_equal(kz_rules_stage(r, "won")->label, "won");
    assert_int_equal(kz_rules_lost_reason_count(r), 3);
    assert_string_equal(kz_rules_lost_reason(r, 0), "price");
    assert_string_equal(kz_rules_lost_reason_label(r, 0), "Too dear");
    assert_string_equal(kz_rules_lost_reason_label(r, 1), "no budget");
    assert_string_equal(kz_rules_lost_reason_label(r, 2), "timing");
    assert_string_equal(kz_rules_status_label(r, 0), "Fresh");
    assert_string_equal(kz_rules_status_label(r, 1), "customer");
    EXPECT(kz_label_value(r, "lost_reason", "price", &b_), "Too dear");
    EXPECT(kz_label_value(r, "status", "lead", &b_), "Fresh");
    EXPECT(kz_label_value(r, "status", "gone_away", &b_), "gone away"); /* no longer one */
    assert_string_equal(kz_i18n_lang(), "en");
    assert_string_equal(kz_i18n_label("Won", "برنده"), "Won");
    kz_rules_free(r);
}

static void test_events(void **state)
{
    (void)state;
    kz_event e = {0};
    strcpy(e.kind, "stage");
    e.field = "stage";
    e.old_value = "lead";
    e.new_value = "won";
    assert_string_equal(kz_label_event_kind(e.kind), "moved");
    EXPECT(kz_label_event(rules, &e, &b_), "New lead -> Won");
    strcpy(e.kind, "field");
    e.field = "value";
    e.old_value = "12500";
    e.new_value = "45000";
    EXPECT(kz_label_event(rules, &e, &b_), "value: 12,500 EUR -> 45,000 EUR");
    strcpy(e.kind, "activity");
    e.field = "call";
    e.old_value = NULL;
    e.new_value = "call_back";
    e.detail = "Friday";
    assert_string_equal(kz_label_event_kind(e.kind), "logged");
    EXPECT(kz_label_event(rules, &e, &b_), "call, call back: Friday");
    strcpy(e.kind, "create");
    e.field = NULL;
    e.new_value = "Ava Smith";
    e.detail = "lead";
    EXPECT(kz_label_event(rules, &e, &b_), "Ava Smith in New lead");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_and_values),
        cmocka_unit_test(test_labels_from_the_rules),
        cmocka_unit_test(test_events),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
