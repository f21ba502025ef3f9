/* writes_shim.c - an LD_PRELOAD library for tests/tty/test_board_output.c:
 * counts the program's write() calls to its standard output (the
 * terminal) and, at exit, writes the count to the file $KARIZ_WRITES_LOG. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static long writes;

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real)
        real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if (fd == STDOUT_FILENO)
        writes++;
    return real(fd, buf, n);
}

__attribute__((destructor)) static void report(void)
{
    const char *log = getenv("KARIZ_WRITES_LOG");
    FILE *f = log ? fopen(log, "w") : NULL;
    if (!f)
        return;
    fprintf(f, "%ld\n", writes);
    fclose(f);
}
