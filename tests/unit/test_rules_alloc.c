/* test_rules_alloc.c - scoring a lead allocates nothing: malloc and friends
 * are interposed here (glibc's __libc_* functions do the work) and counted
 * around kz_score_lead. Under AddressSanitizer, which owns malloc, the test
 * is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kariz/model.h"
#include "kariz/rules.h"
#include "kariz/status.h"

#if defined(__SANITIZE_ADDRESS__)
#define KZ_NO_INTERPOSE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KZ_NO_INTERPOSE 1
#endif
#endif

#ifndef KZ_NO_INTERPOSE
static long allocations;
static int counting;

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);

void *malloc(size_t n)
{
    if (counting)
        allocations++;
    return __libc_malloc(n);
}
void *calloc(size_t n, size_t size)
{
    if (counting)
        allocations++;
    return __libc_calloc(n, size);
}
void *realloc(void *p, size_t n)
{
    if (counting)
        allocations++;
    return __libc_realloc(p, n);
}
void *aligned_alloc(size_t align, size_t n)
{
    if (counting)
        allocations++;
    return __libc_memalign(align, n);
}
int posix_memalign(void **out, size_t align, size_t n)
{
    if (counting)
        allocations++;
    *out = __libc_memalign(align, n);
    return *out ? 0 : 12;
}
#endif

static void test_scoring_allocates_nothing(void **state)
{
    (void)state;
#ifdef KZ_NO_INTERPOSE
    skip();
#else
    kz_rules *r = NULL;
    kz_err err = {0};
    if (kz_rules_load_builtin(&r, &err) != KZ_OK)
        fail_msg("%s", err.msg);
    kz_lead l;
    kz_lead_init(&l);
    kz_lead_set_text(&l, KZ_F_TITLE, "VP Operations");
    kz_lead_set_text(&l, KZ_F_SOURCE, "ebook download");
    kz_lead_set_text(&l, KZ_F_INDUSTRY, "Software");
    kz_lead_set_num(&l, KZ_F_EMPLOYEES, 250);
    kz_lead_set_num(&l, KZ_F_VALUE, 2500000);
    kz_lead_set_date(&l, KZ_F_CLOSE_DATE, 20720);
    kz_lead_set_custom(&l, "pain_point", "manual work");
    kz_activity a[3];
    memset(a, 0, sizeof a);
    strcpy(a[0].kind, "call");
    strcpy(a[0].channel, "phone");
    strcpy(a[0].outcome, "no_answer");
    a[0].at = 1789990000;
    strcpy(a[1].kind, "web");
    strcpy(a[1].channel, "web");
    strcpy(a[1].outcome, "visited");
    a[1].at = 1789000000;
    strcpy(a[2].kind, "web");
    strcpy(a[2].channel, "web");
    strcpy(a[2].outcome, "asked_price");
    a[2].at = 1789900000;
    kz_score *s = calloc(1, sizeof *s);
    assert_non_null(s);
    kz_score_lead(r, &l, a, 3, 1790000000, s); /* warm-up: time zone, JIT stack */
    counting = 1;
    for (int i = 0; i < 100; i++)
        kz_score_lead(r, &l, a, 3, 1790000000 + i, s);
    counting = 0;
    assert_int_equal(allocations, 0);
    assert_true(s->nhits > 5);
    free(s);
    kz_lead_free(&l);
    kz_rules_free(r);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scoring_allocates_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
