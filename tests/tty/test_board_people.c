/* test_board_people.c - the people around a deal on the board: a champion
 * added from the detail view (p) shows on the card at once, with the
 * decision maker's mark; changing and removing one goes through the same
 * key; a call names who it was with; adding a lead at a company a
 * colleague works says so, and A shows the company as an account. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int teardown_all(void **state)
{
    (void)state;
    kt_cleanup();
    return 0;
}

static void test_champion_from_the_detail_view(void **state)
{
    (void)state;
    const char *db = kt_db("people.db");
    kt_kariz_run(db, "add", "--company", "Khan Textiles", "--value", "1000", "--set",
                 "employees=200", "Mia Khan", NULL);
    kt_kariz_run(db, "add", "--company", "Navy", "Grace Hopper", NULL);
    kt_kariz_run(db, "stakeholder", "add", "1", "Dana Boss", "--role", "decision_maker", NULL);
    kt_kariz_run(db, "stakeholder", "add", "2", "Nora Navy", "--role", "champion", NULL);
    kt_term *t = kt_board(30, 160, db, NULL);
    kt_wait_for(t, "Mia Khan");
    /* her decision maker is known: D on her card; no champion yet */
    kt_wait_for(t, " D 0d");
    assert_false(kt_contains(t, "DC 0d"));
    kt_send(t, "\r");
    kt_wait_for(t, "Stakeholders");
    kt_wait_for(t, "Dana Boss");
    kt_send(t, "p");
    kt_wait_for(t, "add a stakeholder");
    kt_send(t, "a");
    kt_wait_for(t, "stakeholder's name:");
    kt_send(t, "Cy Champ\r");
    kt_wait_for(t, "role of Cy Champ?");
    kt_send(t, "3"); /* the third role: champion */
    kt_wait_for(t, "title (Enter: none):");
    kt_send(t, "CFO\r");
    kt_wait_for(t, "added Cy Champ, champion");
    kt_wait_for(t, "Cy Champ, CFO");
    assert_string_equal(kt_sql(db, "SELECT name || ',' || role || ',' || title FROM stakeholders "
                                   "WHERE lead_id = 1 ORDER BY id DESC LIMIT 1"),
                        "Cy Champ,champion,CFO");
    /* back on the board the card shows both */
    kt_send(t, "\x1b");
    kt_wait_for(t, "DC 0d");
    /* change her role, then remove her, through the same key */
    kt_send(t, "\r");
    kt_wait_for(t, "Cy Champ, CFO");
    kt_send(t, "p");
    kt_wait_for(t, "Cy Champ (champion)");
    kt_send(t, "2");
    kt_wait_for(t, "Cy Champ: change what?");
    kt_send(t, "r");
    kt_wait_for(t, "new role?");
    kt_send(t, "4"); /* influencer */
    kt_wait_for(t, "role of Cy Champ saved");
    assert_string_equal(kt_sql(db, "SELECT role FROM stakeholders WHERE name = 'Cy Champ'"),
                        "influencer");
    kt_send(t, "p");
    kt_wait_for(t, "Cy Champ (influencer)");
    kt_send(t, "2");
    kt_wait_for(t, "Cy Champ: change what?");
    kt_send(t, "d");
    kt_wait_for(t, "removed Cy Champ");
    assert_string_equal(kt_sql(db, "SELECT count(*) FROM stakeholders WHERE lead_id = 1"), "1");
    /* a call with the decision maker: who it was with is asked */
    kt_send(t, "c");
    kt_wait_for(t, "call with Mia Khan: outcome?");
    kt_send(t, "a");
    kt_wait_for(t, "with whom?");
    kt_wait_for(t, "Dana Boss (decision maker)");
    kt_send(t, "1");
    kt_wait_for(t, "call with Dana Boss logged on Mia Khan");
    assert_string_equal(kt_sql(db, "SELECT s.name FROM activities a JOIN stakeholders s ON "
                                   "s.id = a.stakeholder_id"),
                        "Dana Boss");
    kt_wait_for(t, "touched today");
    kt_wait_for(t, "call, answered with Dana Boss by");
    kt_send(t, "\x1b");
    kt_wait_for(t, " D 0d");
    /* triage lists the people with their roles and last touch */
    kt_send(t, "t");
    kt_wait_for(t, "Grace Hopper");
    kt_wait_for(t, "people     Nora Navy (champion)");
    kt_finish(t, "qq");
}

static void test_adding_a_lead_another_works(void **state)
{
    (void)state;
    const char *db = kt_db("worked.db");
    kt_kariz_run(db, "add", "--company", "Acme Ltd", "--owner", "bob", "--force", "Ann Acme",
                 NULL);
    kt_kariz_run(db, "add", "--company", "ACME Inc.", "--owner", "bob", "--force", "Al Acme",
                 NULL);
    kt_term *t = kt_board(30, 160, db, NULL);
    kt_wait_for(t, "Ann Acme");
    kt_send(t, "a");
    kt_wait_for(t, "new lead: name:");
    kt_send(t, "Eve New\r");
    kt_wait_for(t, "company:");
    kt_send(t, "acme\r");
    kt_wait_for(t, "deal value:");
    kt_send(t, "\r");
    kt_wait_for(t, "Acme Ltd: 2 open leads owned by bob");
    /* A shows the company as an account */
    kt_send(t, "A");
    kt_wait_for(t, "account Acme Ltd");
    kt_wait_for(t, "3 leads, 3 open");
    kt_wait_for(t, "Al Acme");
    kt_wait_for(t, "Eve New");
    kt_send(t, "\x1b");
    kt_wait_gone(t, "3 leads, 3 open");
    kt_finish(t, "q");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_champion_from_the_detail_view),
        cmocka_unit_test(test_adding_a_lead_another_works),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
