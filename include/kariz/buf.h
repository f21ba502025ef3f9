/* buf.h - a growable, always NUL-terminated byte buffer.
 * The buffer owns its bytes; kz_buf_free releases them. */
#ifndef KARIZ_BUF_H
#define KARIZ_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct kz_buf {
    char *s;    /* owned; NUL-terminated when cap > 0; may be NULL when empty */
    size_t len; /* bytes used, excluding the NUL */
    size_t cap;
} kz_buf;

#define KZ_BUF_INIT {NULL, 0, 0}

/* All appenders abort() on out-of-memory: a half-built string is never used. */
void kz_buf_append(kz_buf *b, const char *s, size_t n);
void kz_buf_puts(kz_buf *b, const char *s);
void kz_buf_putc(kz_buf *b, char c);
void kz_buf_printf(kz_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kz_buf_vprintf(kz_buf *b, const char *fmt, va_list ap);
void kz_buf_reset(kz_buf *b); /* len = 0, keeps capacity */
void kz_buf_free(kz_buf *b);
/* The contents as a C string ("" when empty); valid until the next append. */
const char *kz_buf_str(const kz_buf *b);
/* Hands the bytes to the caller (who frees them) and empties the buffer. */
char *kz_buf_take(kz_buf *b);

/* Allocation helpers that abort on out-of-memory. */
void *kz_xmalloc(size_t n);
void *kz_xcalloc(size_t n, size_t size);
void *kz_xrealloc(void *p, size_t n);
char *kz_xstrdup(const char *s);
char *kz_xstrndup(const char *s, size_t n);

#endif
