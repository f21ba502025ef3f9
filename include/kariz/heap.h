/* kariz/heap.h - the heap kariz starts with.
 *
 * A board's first screen touches about a thousand pages of memory that
 * were never touched before (ncurses's three screens of a 160-column
 * terminal alone are 160 of them, the rules and the first cards more),
 * and each first touch is a page fault. On a small virtual machine a
 * fault costs 10-25 us, so those pages cost a board 4 ms of its first
 * frame. kz_heap_setup, called first thing in main, places the heap's next
 * megabytes in a stretch the kernel may back with transparent huge pages
 * (2 MB at a fault; THP in "madvise" mode, Debian's default): the
 * allocations that follow take one fault where they took hundreds.
 *
 * What it changes of glibc's malloc: the heap grows 8 MB at a time and
 * keeps that much free at its top; the mmap and trim thresholds stay
 * where glibc starts them (128 kB) instead of rising as large blocks are
 * freed; about 3 MB of address space below the stretch is allocated and
 * never touched. Each 2 MB of the stretch touched is a huge page of
 * memory (a board: one or two). It does nothing where the heap is not
 * glibc's (a sanitizer's allocator), where the kernel gives no huge pages
 * ("never"), or where the user tunes malloc from the environment
 * (GLIBC_TUNABLES, MALLOC_*_). */
#pragma once

#include <stdbool.h>

/* Arranges the heap as above; call once, before anything else allocates
 * much (main). */
void kz_heap_setup(void);

/* Whether kz_heap_setup asked for huge pages for a stretch of the heap
 * (what the tests check). */
bool kz_heap_huge(void);

/* Whether the kernel gives transparent huge pages to memory that asks for
 * them ("always" or "madvise"; not "never", nor a kernel without them). */
bool kz_heap_thp_offered(void);
