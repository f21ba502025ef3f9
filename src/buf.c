/* buf.c - growable byte buffer and aborting allocators. */
#include "kariz/buf.h"
#include "kariz/i18n.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
    fputs(_("kariz: out of memory\n"), stderr);
    abort();
}

void *kz_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *kz_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *kz_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *kz_xstrdup(const char *s)
{
    return kz_xstrndup(s, strlen(s));
}

char *kz_xstrndup(const char *s, size_t n)
{
    char *p = kz_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void reserve(kz_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2)
            oom();
        cap *= 2;
    }
    b->s = kz_xrealloc(b->s, cap);
    b->cap = cap;
}

void kz_buf_append(kz_buf *b, const char *s, size_t n)
{
    reserve(b, n);
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void kz_buf_puts(kz_buf *b, const char *s)
{
    kz_buf_append(b, s, strlen(s));
}

void kz_buf_putc(kz_buf *b, char c)
{
    kz_buf_append(b, &c, 1);
}

void kz_buf_vprintf(kz_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    reserve(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void kz_buf_printf(kz_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kz_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void kz_buf_reset(kz_buf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

void kz_buf_free(kz_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

const char *kz_buf_str(const kz_buf *b)
{
    return b->s ? b->s : "";
}

char *kz_buf_take(kz_buf *b)
{
    char *s = b->s ? b->s : kz_xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}
