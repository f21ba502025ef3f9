/* heap.c - the heap's first megabytes in huge pages (see kariz/heap.h). */
#include "kariz/heap.h"

#include <stdint.h>
#include <stdlib.h>
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

void kz_heap_setup(void)
{
#if defined(__GLIBC__) && defined(M_TOP_PAD) && defined(MADV_HUGEPAGE)
    if (below[0])
        return;
    /* glibc's heap grows 8 MB at a time from now on (it grew by the
     * request and 128 kB), and the two blocks below come from it rather
     * than from mmap; the threshold is then put back where glibc starts
     * it. (mallopt ends glibc's own moving of those thresholds.) */
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
    /* the top chunk's first byte a caller would get, and the huge page
     * boundary past it; a second block fills the heap up to there */
    uintptr_t next = (uintptr_t)a + malloc_usable_size(a) + 8;
    uintptr_t boundary = (next + 64 + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    char *b = malloc(boundary - next - 16);
    below[1] = b;
    mallopt(M_MMAP_THRESHOLD, 128 << 10);
    uintptr_t end = (uintptr_t)sbrk(0) & ~(HUGE_PAGE - 1);
    /* (only where the heap is laid out as above: glibc's brk heap) */
    if ((uintptr_t)b != next || end < boundary + HUGE_PAGE)
        return;
    huge = madvise((void *)boundary, end - boundary, MADV_HUGEPAGE) == 0;
#endif
}

bool kz_heap_huge(void)
{
    return huge;
}
