/* test_heap.c - kz_heap_setup: the allocations made after it (ncurses's
 * screen lines, a board's cards) come from a stretch of the heap the
 * kernel may back with transparent huge pages, unless the user tunes
 * malloc from the environment. Skipped where there are none to give (THP
 * "never", no /sys/kernel/mm/transparent_hugepage) and under
 * AddressSanitizer, whose allocator is not glibc's heap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kariz/heap.h"

#if defined(__SANITIZE_ADDRESS__)
static const bool other_heap = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
static const bool other_heap = true;
#else
static const bool other_heap = false;
#endif
#else
static const bool other_heap = false;
#endif

/* Skips a test where no huge pages are given, or under a sanitizer. */
#define NEED_HUGE_PAGES()                                                                  \
    do {                                                                                   \
        if (other_heap) {                                                                  \
            fprintf(stderr, "test_heap: a sanitizer's allocator, not glibc's heap: skipped\n"); \
            skip();                                                                        \
        }                                                                                  \
        if (!kz_heap_thp_offered()) {                                                      \
            fprintf(stderr, "test_heap: the kernel offers no transparent huge pages: skipped\n"); \
            skip();                                                                        \
        }                                                                                  \
    } while (0)

/* The THPeligible line of the mapping holding address p (-1: not found). */
static int thp_eligible(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return -1;
    char line[512];
    bool in = false;
    int r = -1;
    uintptr_t a = (uintptr_t)p;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s ", &lo, &hi, perms) == 3) { /* a mapping's first line */
            in = a >= lo && a < hi;
            continue;
        }
        int v;
        if (in && sscanf(line, "THPeligible: %d", &v) == 1) {
            r = v;
            break;
        }
    }
    fclose(f);
    return r;
}

static void test_allocations_after_setup_may_be_huge(void **state)
{
    (void)state;
    NEED_HUGE_PAGES();
    assert_true(kz_heap_huge());
    /* lines of a 160-column screen, as ncurses allocates them */
    enum { LINES = 150 };
    char *line[LINES];
    for (int i = 0; i < LINES; i++) {
        line[i] = calloc(160, 28);
        assert_non_null(line[i]);
        memset(line[i], ' ', 160 * 28);
    }
    /* (a few may reuse what was freed below the stretch since) */
    int eligible = 0;
    for (int i = 0; i < LINES; i++)
        eligible += thp_eligible(line[i]) == 1;
    assert_true(eligible >= LINES - 8);
    assert_int_equal(thp_eligible(line[LINES - 1]), 1);
    for (int i = 0; i < LINES; i++)
        free(line[i]);
}

/* What kz_heap_setup did in this test program started again with env
 * added ("1": huge pages asked for, "0": the heap left alone). */
static char report_with(const char *env)
{
    char self[512], cmd[1200];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(n > 0);
    self[n] = '\0';
    snprintf(cmd, sizeof cmd, "env %s '%s' --report", env, self);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char out[16] = "";
    if (!fgets(out, sizeof out, p))
        out[0] = '\0';
    assert_int_equal(pclose(p), 0);
    return out[0];
}

/* A user who tunes glibc's malloc from the environment keeps that tuning:
 * the heap is left as glibc makes it. */
static void test_malloc_tuning_kept(void **state)
{
    (void)state;
    NEED_HUGE_PAGES();
    assert_int_equal(report_with("KZ_UNRELATED=1"), '1');
    assert_int_equal(report_with("MALLOC_TOP_PAD_=131072"), '0');
    assert_int_equal(report_with("GLIBC_TUNABLES=glibc.malloc.mmap_threshold=262144"), '0');
}

static void test_setup_twice_changes_nothing(void **state)
{
    (void)state;
    bool was = kz_heap_huge();
    kz_heap_setup();
    assert_int_equal(kz_heap_huge(), was);
}

int main(int argc, char **argv)
{
    kz_heap_setup(); /* first thing, as kariz's main */
    if (argc == 2 && strcmp(argv[1], "--report") == 0) { /* (report_with) */
        printf("%d\n", kz_heap_huge());
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allocations_after_setup_may_be_huge),
        cmocka_unit_test(test_malloc_tuning_kept),
        cmocka_unit_test(test_setup_twice_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
