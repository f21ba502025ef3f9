/* test_account.c - companies as accounts: which spellings are one company,
 * and which e-mail domains say something about the company. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "kariz/account.h"

static void key_is(const char *company, const char *want)
{
    kz_buf b = KZ_BUF_INIT;
    kz_company_key(company, &b);
    assert_string_equal(kz_buf_str(&b), want);
    kz_buf_free(&b);
}

static void test_company_keys(void **state)
{
    (void)state;
    key_is("Acme Ltd", "acme");
    key_is("ACME, Inc.", "acme");
    key_is("  acme   ltd. ", "acme");
    key_is("Acme Holdings GmbH & Co. KG", "acme holdings");
    key_is("Wonka Industries", "wonka industries");
    key_is("O'Neil & Sons LLC", "oneil & sons");
    key_is("A.B. Dick Company", "ab dick");
    key_is("Ltd", "ltd"); /* one word stays, legal form or not */
    key_is("Öztürk Tekstil A.Ş.", "öztürk tekstil aş");
    key_is("شرکت کاریز", "شرکت کاریز");
    key_is("...", "");
    key_is(NULL, "");
}

static void domain_is(const char *email, const char *want)
{
    kz_buf b = KZ_BUF_INIT;
    bool got = kz_email_company_domain(email, &b);
    if (want) {
        assert_true(got);
        assert_string_equal(kz_buf_str(&b), want);
    } else {
        assert_false(got);
        assert_int_equal(b.len, 0);
    }
    kz_buf_free(&b);
}

static void test_company_domains(void **state)
{
    (void)state;
    domain_is("ava@Acme.Example", "acme.example");
    domain_is("Ava Smith <ava@acme.co.uk>", "acme.co.uk");
    domain_is("ava@gmail.com", NULL); /* free mail says nothing */
    domain_is("ava@Outlook.com", NULL);
    domain_is("ava@localhost", NULL);
    domain_is("no address", NULL);
    domain_is(NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_company_keys),
        cmocka_unit_test(test_company_domains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
