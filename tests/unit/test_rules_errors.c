/* test_rules_errors.c - every mistake in a rules file is reported as
 * FILE:LINE:COLUMN with what is wrong and what was expected: one exact
 * message per kind of mistake, plus the size cap and file loading. */
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
#include "kariz/rules.h"
#include "kariz/status.h"

/* A valid pipeline appended to (or prepended to) the broken parts. */
#define STAGES                                                                                 \
    "stages:\n"                                                                                \
    "  - {name: lead, probability: 5}\n"                                                       \
    "  - {name: opportunity, probability: 50}\n"                                               \
    "  - {name: won, probability: 100, kind: won}\n"                                           \
    "  - {name: lost, probability: 0, kind: lost}\n"

typedef struct bad_case {
    const char *name;
    const char *text;
    const char *msg;
} bad_case;

static const bad_case cases[] = {
    {"stakeholder_role_unknown",
     STAGES "criteria:\n"
     "  authority:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: [{stakeholder: champoin}]\n",
     "bad.yaml:10:28: unknown stakeholder role \"champoin\" (did you mean \"champion\"?); expected one of decision_maker, economic_buyer, champion, influencer, user, blocker (stakeholder_roles:)"},
    {"stakeholder_with_unknown",
     STAGES "criteria:\n"
     "  authority:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      activity: {with: boss}\n",
     "bad.yaml:10:24: unknown stakeholder role \"boss\"; expected one of decision_maker, economic_buyer, champion, influencer, user, blocker"},
    {"stakeholder_roles_twice",
     "stakeholder_roles: [champion, champion]\n" STAGES,
     "bad.yaml:1:31: stakeholder role \"champion\" is declared twice; expected each role once"},
    {"stakeholder_role_id",
     "stakeholder_roles: [Decision Maker]\n" STAGES,
     "bad.yaml:1:21: stakeholder role \"Decision Maker\" is not a valid id; expected 1 to 47 of a-z, 0-9 and _, starting with a letter"},
    {"stakeholder_entry_unknown",
     "stages:\n"
     "  - {name: lead, probability: 5}\n"
     "  - {name: opportunity, probability: 50, entry: [{stakeholder: cfo}]}\n"
     "  - {name: won, probability: 100, kind: won}\n"
     "  - {name: lost, probability: 0, kind: lost}\n",
     "bad.yaml:3:64: unknown stakeholder role \"cfo\"; expected one of decision_maker, economic_buyer, champion, influencer, user, blocker (stakeholder_roles:)"},
    {"auto_status_unknown",
     STAGES "statuses: [lead, unresponsive]\n"
     "automatic_statuses:\n"
     "  - status: unresponsiv\n"
     "    label: x\n"
     "    activity: {kind: call}\n",
     "bad.yaml:8:13: unknown status \"unresponsiv\" (did you mean \"unresponsive\"?); expected one of lead, unresponsive"},
    {"auto_status_no_activity",
     STAGES "statuses: [lead, unresponsive]\n"
     "automatic_statuses:\n"
     "  - status: unresponsive\n"
     "    label: x\n",
     "bad.yaml:8:5: automatic status \"unresponsive\" has no activity:; expected the touches that set it"},
    {"currency_word",
     "currency: euro\n" STAGES,
     "bad.yaml:1:11: currency is \"euro\"; expected a three-letter code such as EUR or a symbol such as \"$\" or \"\xe2\x82\xac\""},
    {"calendar_word",
     "calendar: jalali\n" STAGES,
     "bad.yaml:1:11: calendar is \"jalali\"; expected gregorian or persian"},
    {"digits_word",
     STAGES "digits: arabic\n",
     "bad.yaml:6:9: digits is \"arabic\"; expected latin or persian"},
    {"bidi_word",
     "bidi: auto\n" STAGES,
     "bad.yaml:1:7: bidi is \"auto\"; expected terminal or kariz"},
    {"direction_list",
     "direction: [rtl]\n" STAGES,
     "bad.yaml:1:12: direction is a list; expected a single value"},
    {"currency_list",
     STAGES "currency: [EUR]\n",
     "bad.yaml:6:11: currency is a list; expected a single value"},
    {"unknown_top_key",
     "critera:\n"
     "  pain: []\n" STAGES,
     "bad.yaml:1:1: unknown key \"critera\" in the rules file (did you mean \"criteria\"?); expected one of version, score, grades, custom_fields, criteria, personas, stages, lost_reasons, statuses, automatic_statuses, currency, owners, stage_map, calendar, digits, bidi, direction, stakeholder_roles"},
    {"unknown_rule_key",
     "criteria:\n"
     "  pain:\n"
     "    - label: x\n"
     "      pionts: 5\n"
     "      when: {field: title, present: true}\n" STAGES,
     "bad.yaml:4:7: unknown key \"pionts\" in a rule (did you mean \"points\"?); expected one of label, points, when, activity, cap, half_life_days"},
    {"points_not_number",
     "criteria:\n"
     "  pain:\n"
     "    - label: x\n"
     "      points: ten\n"
     "      when: {field: title, present: true}\n" STAGES,
     "bad.yaml:4:15: points is \"ten\"; expected a whole number from -1000 to 1000"},
    {"unknown_field",
     "criteria:\n"
     "  fit:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: titel, equals: ceo}\n" STAGES,
     "bad.yaml:5:21: unknown field \"titel\" (did you mean \"title\"?); expected a lead field or a custom field declared under custom_fields:"},
    {"undeclared_custom",
     "custom_fields: [budget_approved]\n"
     "criteria:\n"
     "  budget:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: budget_aproved, equals: \"yes\"}\n" STAGES,
     "bad.yaml:6:21: unknown field \"budget_aproved\" (did you mean \"budget_approved\"?); expected a lead field or a custom field declared under custom_fields:"},
    {"unknown_stage_value",
     "criteria:\n"
     "  fit:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: stage, equals: oportunity}\n" STAGES,
     "bad.yaml:5:36: unknown stage \"oportunity\" (did you mean \"opportunity\"?); expected one of lead, opportunity, won, lost"},
    {"bad_regex",
     "criteria:\n"
     "  authority:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: title, matches: \"(vp|director\"}\n" STAGES,
     "bad.yaml:5:37: bad regular expression \"(vp|director\": missing closing parenthesis at offset 12 of the pattern; expected a PCRE2 pattern"},
    {"duplicate_stage",
     "stages:\n"
     "  - {name: lead, probability: 5}\n"
     "  - {name: lead, probability: 10}\n"
     "  - {name: won, probability: 100, kind: won}\n"
     "  - {name: lost, probability: 0, kind: lost}\n",
     "bad.yaml:3:12: duplicate stage \"lead\" (first at line 2); expected each stage name once"},
    {"entry_unknown_criterion",
     "stages:\n"
     "  - {name: lead, probability: 5}\n"
     "  - name: opportunity\n"
     "    probability: 50\n"
     "    entry:\n"
     "      - {criterion: pian, above: 0}\n"
     "  - {name: won, probability: 100, kind: won}\n"
     "  - {name: lost, probability: 0, kind: lost}\n",
     "bad.yaml:6:21: unknown criterion \"pian\" (did you mean \"pain\"?) in the entry criteria of stage \"opportunity\"; expected one of pain, interest, fit, budget, authority, need, timeline or score"},
    {"yaml_syntax",
     "stages:\n"
     "  - name: lead\n"
     "   probability: 5\n",
     "bad.yaml:3:4: YAML syntax error: did not find expected '-' indicator (while parsing a block collection); expected well-formed YAML"},
    {"anchor",
     "grades:\n"
     "  - &hot {name: hot, min: 70}\n" STAGES,
     "bad.yaml:2:5: anchor \"&hot\" refused: rules files may not use YAML anchors or aliases; expected the value written out"},
    {"alias",
     "lost_reasons: [price]\n"
     "statuses: *reasons\n" STAGES,
     "bad.yaml:2:11: alias \"*reasons\" refused: rules files may not use YAML anchors or aliases; expected the value written out"},
    {"too_deep",
     "criteria: [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]\n" STAGES,
     "bad.yaml:1:26: nesting deeper than 16 levels; expected a flatter file"},
    {"unknown_outcome",
     "criteria:\n"
     "  interest:\n"
     "    - label: x\n"
     "      points: -5\n"
     "      activity: {kind: call, outcome: noanswer}\n" STAGES,
     "bad.yaml:5:39: unknown outcome \"noanswer\" (did you mean \"no_answer\"?); expected one of none, answered, no_answer, call_back, voicemail, sent, replied, opened, clicked, bounced, held, no_show, visited, asked_price, requested_info, not_interested"},
    {"cap_wrong_sign",
     "criteria:\n"
     "  interest:\n"
     "    - label: Unanswered call\n"
     "      points: -5\n"
     "      activity: {kind: call, outcome: no_answer}\n"
     "      cap: 15\n" STAGES,
     "bad.yaml:6:12: cap 15 does not bound points -5; expected a number with the same sign as points"},
    {"computed_field",
     "criteria:\n"
     "  fit:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: score, above: 50}\n" STAGES,
     "bad.yaml:5:21: field \"score\" is computed by scoring and cannot be read by a rule; expected an input field such as title or employees"},
    {"computed_due",
     "criteria:\n"
     "  fit:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: score_due, within_days: 1}\n" STAGES,
     "bad.yaml:5:21: field \"score_due\" is computed by scoring and cannot be read by a rule; expected an input field such as title or employees"},
    {"no_won_stage",
     "stages:\n"
     "  - {name: lead, probability: 5}\n"
     "  - {name: lost, probability: 0, kind: lost}\n",
     "bad.yaml:2:3: stages has no won stage; expected one stage with kind: won and one with kind: lost"},
    {"grades_not_falling",
     "grades:\n"
     "  - {name: hot, min: 40}\n"
     "  - {name: warm, min: 70}\n"
     "  - {name: cold}\n" STAGES,
     "bad.yaml:3:23: grade \"warm\" starts at 70, not below the band before it; expected bands best first with falling min values"},
    {"numeric_on_text",
     "criteria:\n"
     "  fit:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: industry, at_least: 100}\n" STAGES,
     "bad.yaml:5:31: at_least on \"industry\", which holds text; expected a numeric field (employees, revenue, value, probability, ...) or a custom field"},
    {"duplicate_key",
     "score:\n"
     "  min: 0\n"
     "  min: 10\n" STAGES,
     "bad.yaml:3:3: duplicate key \"min\" in score (first at line 2); expected each key once"},
    {"unknown_criterion",
     "criteria:\n"
     "  pian: []\n" STAGES,
     "bad.yaml:2:3: unknown key \"pian\" in criteria (did you mean \"pain\"?); expected one of pain, interest, fit, budget, authority, need, timeline"},
    {"bad_money",
     "criteria:\n"
     "  budget:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: value, at_least: lots}\n" STAGES,
     "bad.yaml:5:38: at_least: \"lots\" is not an amount (expected e.g. 12500, 12,500.50, 45k or 1.2M)"},
    {"unknown_status",
     "criteria:\n"
     "  fit:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: status, equals: custmer}\n" STAGES,
     "bad.yaml:5:37: unknown status \"custmer\" (did you mean \"customer\"?); expected one of subscriber, lead, unqualified, qualified, call_back_later, unresponsive, opportunity, lost_opportunity, customer, former_customer, evangelist, friends_and_family"},
    {"empty_file",
     "",
     "bad.yaml:1:1: the rules file is empty; expected a mapping with at least stages:"},
    {"no_test",
     "criteria:\n"
     "  fit:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: title}\n" STAGES,
     "bad.yaml:5:13: the condition on \"title\" has no test; expected one of equals, one_of, matches, above, at_least, below, at_most, between, present, absent, within_days, older_than_days, within_next_days, kind"},
    {"kind_on_text",
     "criteria:\n"
     "  fit:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: title, kind: open}\n" STAGES,
     "bad.yaml:5:28: kind on \"title\", which holds text; expected a stage field (stage or lost_from)"},
    {"kind_unknown",
     "criteria:\n"
     "  fit:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: stage, kind: [open, closed]}\n" STAGES,
     "bad.yaml:5:41: unknown stage kind \"closed\"; expected one of open, won, lost"},
    {"kind_never_holds",
     "criteria:\n"
     "  fit:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: stage, one_of: [won, lost], kind: open}\n" STAGES,
     "bad.yaml:5:49: kind on \"stage\" excludes every stage that equals/one_of names, so the condition never holds; expected a kind of one of those stages"},
    {"kind_and_absent",
     "criteria:\n"
     "  fit:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: lost_from, kind: open, absent: true}\n" STAGES,
     "bad.yaml:5:13: the condition on \"lost_from\" tests a value and also wants the field absent; expected absent alone"},
    {"entry_unknown_grade",
     "stages:\n"
     "  - {name: lead, probability: 5}\n"
     "  - {name: opportunity, probability: 50, entry: [{grade: [hot, lukewarm]}]}\n"
     "  - {name: won, probability: 100, kind: won}\n"
     "  - {name: lost, probability: 0, kind: lost}\n",
     "bad.yaml:3:64: unknown grade \"lukewarm\"; expected one of hot, warm, cold"},
    {"rule_without_conditions",
     "criteria:\n"
     "  fit:\n"
     "    - label: Everyone\n"
     "      points: 5\n" STAGES,
     "bad.yaml:3:7: rule \"Everyone\" has neither when: nor activity:; expected at least one"},
    {"ignore_case_alone",
     "criteria:\n"
     "  fit:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: title, equals: ceo, ignore_case: true}\n" STAGES,
     "bad.yaml:5:41: ignore_case without matches; expected it beside a matches: pattern (equals and one_of always ignore case)"},
    {"days_on_number",
     "criteria:\n"
     "  fit:\n"
     "    - label: x\n"
     "      points: 5\n"
     "      when: {field: employees, within_days: 5}\n" STAGES,
     "bad.yaml:5:32: within_days on \"employees\", which holds a whole number; expected a date or time field (close_date, next_due, created, touched, ...) or a custom field"},
    {"not_a_list",
     "criteria:\n"
     "  fit:\n"
     "    label: x\n" STAGES,
     "bad.yaml:3:5: unknown key \"label\" in criteria.fit; expected one of max, min, rules"},
    {"unknown_stage_kind",
     "stages:\n"
     "  - {name: lead, probability: 5}\n"
     "  - {name: won, probability: 100, kind: wn}\n"
     "  - {name: lost, probability: 0, kind: lost}\n",
     "bad.yaml:3:41: unknown stage kind \"wn\" (did you mean \"won\"?); expected open, won or lost"},
    {"probability_range",
     "stages:\n"
     "  - {name: lead, probability: 150}\n"
     "  - {name: won, probability: 100, kind: won}\n"
     "  - {name: lost, probability: 0, kind: lost}\n",
     "bad.yaml:2:31: probability is \"150\"; expected a whole number from 0 to 100"},
    {"bad_lost_reason_key",
     "lost_reasons: [price, No Budget]\n" STAGES,
     "bad.yaml:1:23: lost_reasons \"No Budget\" is not a simple key; expected 1 to 64 lower-case letters, digits or _"},
    {"lost_reason_labelled_no_name",
     "lost_reasons:\n  - {label: Too dear, label_fa: x}\n" STAGES,
     "bad.yaml:2:5: an item of lost_reasons has no name:; expected a simple key"},
    {"status_labelled_unknown_key",
     "statuses:\n  - {name: lead, lable: x}\n" STAGES,
     "bad.yaml:2:18: unknown key \"lable\" in statuses (did you mean \"label\"?); expected one of name, label, label_fa"},
    {"stage_label_fa_empty",
     "stages:\n  - {name: lead, probability: 5, label_fa: \"\"}\n"
     "  - {name: won, probability: 100, kind: won}\n  - {name: lost, probability: 0, kind: lost}\n",
     "bad.yaml:2:44: label_fa is empty; expected text of 1 to 200 bytes"},
    {"builtin_as_custom",
     "custom_fields: [title]\n" STAGES,
     "bad.yaml:1:17: \"title\" is a built-in field; expected a new name for a custom field"},
    {"second_document",
     STAGES "---\n"
     "stages:\n"
     "  - {name: lead, probability: 5}\n"
     "  - {name: opportunity, probability: 50}\n"
     "  - {name: won, probability: 100, kind: won}\n"
     "  - {name: lost, probability: 0, kind: lost}\n",
     "bad.yaml:6:1: a second YAML document; expected one document per rules file"},
    {"crit_min_above_max",
     "criteria:\n"
     "  fit:\n"
     "    max: 10\n"
     "    min: 20\n" STAGES,
     "bad.yaml:4:10: min 20 is above max 10 for fit; expected min <= max"},
    {"top_not_mapping",
     "- a\n"
     "- b\n",
     "bad.yaml:1:1: the rules file is a list; expected a mapping of sections (stages:, criteria:, ...)"},
    {"tab_indent",
     "stages:\n"
     "\t- name: lead\n",
     "bad.yaml:2:1: YAML syntax error: found character that cannot start any token (while scanning for the next token); expected well-formed YAML"},
    {"invalid_utf8",
     "stages:\n"
     "  - {name: \"le\xff" "\", probability: 5}\n",
     "bad.yaml:2:15: YAML syntax error: invalid leading UTF-8 octet; expected well-formed YAML"},
};

static void test_mistakes(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kz_rules *r = NULL;
        kz_err err = {0};
        kz_status st = kz_rules_load_buffer("bad.yaml", cases[i].text, strlen(cases[i].text), &r,
                                            &err);
        if (st != KZ_ERULES || strcmp(err.msg, cases[i].msg) != 0) {
            print_error("%s: status %d\n  got:  %s\n  want: %s\n", cases[i].name, (int)st, err.msg,
                        cases[i].msg);
            failed++;
        }
        assert_null(r);
    }
    assert_int_equal(failed, 0);
}

/* A rules file over 1 MiB is refused before parsing. */
static void test_size_cap(void **state)
{
    (void)state;
    size_t n = 1024 * 1024 + 1;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, '#', n);
    kz_rules *r = NULL;
    kz_err err = {0};
    assert_int_equal(kz_rules_load_buffer("big.yaml", big, n, &r, &err), KZ_ERULES);
    assert_string_equal(err.msg, "big.yaml:1:1: the rules file is 1048577 bytes; expected at most "
                                 "1048576 bytes");
    char path[] = "/tmp/kariz-rules-big-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, big, n), (ssize_t)n);
    close(fd);
    assert_int_equal(kz_rules_load_file(path, &r, &err), KZ_ERULES);
    char want[256];
    snprintf(want, sizeof want,
             "%s:1:1: the rules file is larger than 1048576 bytes; expected at most 1048576 bytes",
             path);
    assert_string_equal(err.msg, want);
    unlink(path);
    free(big);
}

/* Errors name the file they came from; a missing file is "not found". */
static void test_file_errors(void **state)
{
    (void)state;
    kz_rules *r = NULL;
    kz_err err = {0};
    assert_int_equal(kz_rules_load_file("/nonexistent/rules.yaml", &r, &err), KZ_ENOTFOUND);
    assert_string_equal(err.msg, "/nonexistent/rules.yaml: cannot open the rules file: No such "
                                 "file or directory");
    char path[] = "/tmp/kariz-rules-bad-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "stages:\n  - {name: lead, probabilty: 5}\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(kz_rules_load_file(path, &r, &err), KZ_ERULES);
    char want[512];
    snprintf(want, sizeof want,
             "%s:2:18: unknown key \"probabilty\" in a stage (did you mean \"probability\"?); "
             "expected one of name, label, label_fa, probability, stale_days, kind, entry",
             path);
    assert_string_equal(err.msg, want);
    assert_null(r);
    unlink(path);
}

/* The loader accepts the smallest valid file and fills in the defaults. */
static void test_minimal_defaults(void **state)
{
    (void)state;
    kz_rules *r = NULL;
    kz_err err = {0};
    if (kz_rules_load_buffer("min.yaml", STAGES, strlen(STAGES), &r, &err) != KZ_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(kz_rules_grade_count(r), 3);
    assert_string_equal(kz_rules_grade_for(r, 100), "hot");
    assert_int_equal(kz_rules_lost_reason_count(r), 7);
    assert_int_equal(kz_rules_status_count(r), 12);
    assert_string_equal(kz_rules_status(r, 11), "friends_and_family");
    assert_string_equal(kz_rules_origin(r), "min.yaml");
    assert_string_equal(kz_rules_currency(r), ""); /* none unless the rules name one */
    kz_rules_free(r);
    static const char *const currencies[] = {"EUR", "$", "\xe2\x82\xac", "\xef\xb7\xbc"};
    for (size_t i = 0; i < sizeof currencies / sizeof currencies[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "currency: \"%s\"\n%s", currencies[i], STAGES);
        if (kz_rules_load_buffer("cur.yaml", text, strlen(text), &r, &err) != KZ_OK)
            fail_msg("%s", err.msg);
        assert_string_equal(kz_rules_currency(r), currencies[i]);
        kz_rules_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mistakes),
        cmocka_unit_test(test_size_cap),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_minimal_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
