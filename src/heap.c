/* heap.c - the heap's first megabytes in huge pages (see kariz/heap.h). */
#include "kariz/heap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#define HUGE_PAGE ((uintptr_t)2 << 20)

/* the heap below the first huge page boundary: allocated once, never
 * touched (its chunks' headers aside) or freed, so that nothing is placed
 * there */
static void *below[2];
static bool huge;

bool kz_heap_thp_offered(void)
{
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    char line[128] = "";
    if (!f)
        return false;
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    return strstr(line, "[always]") || strstr(line, "[madvise]");
}

/* Whether the user tunes glibc's malloc from the environment: that tuning
 * is kept, and the heap left alone. */
static bool malloc_tuned(void)
{
    static const char *const vars[] = {"GLIBC_TUNABLES", "MALLOC_TOP_PAD_",
                                       "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
                                       "MALLOC_MMAP_MAX_", "MALLOC_ARENA_MAX"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return true;
    }
    return false;
}

void kz_heap_setup(void)
{
#if defined(__GLIBC__) && defined(M_TOP_PAD) && defined(MADV_HUGEPAGE)
    if (below[0] || malloc_tuned() || !kz_heap_thp_offered())
        return;
    /* glibc's brk heap, not another allocator's (a sanitizer's): a small
     * block comes from below the program break */
    uintptr_t brk0 = (uintptr_t)sbrk(0);
    void *probe = malloc(64);
    bool brk_heap = probe && (uintptr_t)probe < (uintptr_t)sbrk(0) &&
                    (uintptr_t)probe + (HUGE_PAGE << 4) > brk0;
    free(probe);
    if (!brk_heap)
        return;
    /* From here glibc's heap grows 8 MB at a time (it grew by the request
     * and 128 kB) and keeps that much free at its top rather than give it
     * back; the two blocks below come from it rather than from mmap, and
     * the mmap threshold is then put back where glibc starts it. (mallopt
     * ends glibc's own moving of the mmap and trim thresholds: blocks of
     * 128 kB and more are always mapped anew.) */
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    mallopt(M_TOP_PAD, 8 << 20);
    /* a block no free chunk holds this early: cut from the heap's top,
     * which grows now, 8 MB past it */
    char *a = malloc(1 << 20);
    if (!a) {
        mallopt(M_MMAP_THRESHOLD, 128 << 10);
        return;
    }
    below[0] = a;
    /* the top chunk's first byte a caller would get (past a's chunk and
     * the next chunk's header, two size_t), and the huge page boundary
     * past it; a second block fills the heap up to there */
    uintptr_t next = (uintptr_t)a + malloc_usable_size(a) + sizeof(size_t);
    uintptr_t boundary = (next + 64 + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    char *b = malloc(boundary - next - 2 * sizeof(size_t));
    below[1] = b;
    mallopt(M_MMAP_THRESHOLD, 128 << 10);
    uintptr_t brk1 = (uintptr_t)sbrk(0), end = brk1 & ~(HUGE_PAGE - 1);
    /* (only where the heap is laid out as above: a cut from the top of the
     * brk heap, near the old break, b right after it, the stretch within
     * the new break) */
    if ((uintptr_t)b != next || (uintptr_t)a + (1 << 20) > brk1 ||
        (uintptr_t)a + (HUGE_PAGE << 4) < brk0 || end < boundary + HUGE_PAGE)
        return;
    huge = madvise((void *)boundary, end - boundary, MADV_HUGEPAGE) == 0;
#endif
}

bool kz_heap_huge(void)
{
    return huge;
}
