/* Fuzz target: arbitrary bytes through the sanitiser, the fitters and the
 * visual order of right-to-left text.
 * Sanitised output must be valid UTF-8 without C0 controls or DEL, and a
 * fitted string must take exactly the columns reported. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bidi controls and zero-width characters the sanitiser must replace by
 * markers (not U+200C, the zero-width non-joiner, which Persian spelling
 * needs). */
static bool invisible(long cp)
{
    return cp == 0x061C || cp == 0x200B || (cp >= 0x200D && cp <= 0x200F) ||
           (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2060 || cp == 0xFEFF;
}

static void check_clean(const kz_buf *b, bool allow_newline)
{
    const char *s = kz_buf_str(b);
    if (!kz_utf8_valid(s, b->len))
        abort();
    for (size_t i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && !(allow_newline && c == '\n')) || c == 0x7f)
            abort();
    }
    size_t i = 0;
    while (i < b->len) {
        long cp;
        i += (size_t)kz_utf8_decode(s + i, b->len - i, &cp);
        if ((cp >= 0x80 && cp < 0xA0) || invisible(cp))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    static const unsigned flag_sets[] = {0, KZ_TEXT_NEWLINE_SPACE, KZ_TEXT_KEEP_NEWLINE};
    kz_buf b = KZ_BUF_INIT; /* owned here, freed below */
    for (size_t i = 0; i < sizeof flag_sets / sizeof flag_sets[0]; i++) {
        kz_buf_reset(&b);
        kz_text_sanitize(&b, in, size, flag_sets[i]);
        check_clean(&b, (flag_sets[i] & KZ_TEXT_KEEP_NEWLINE) != 0);
        /* Sanitising is idempotent on its own output. */
        kz_buf again = KZ_BUF_INIT; /* owned here, freed below */
        kz_text_sanitize(&again, kz_buf_str(&b), b.len, flag_sets[i]);
        if (again.len != b.len || memcmp(kz_buf_str(&again), kz_buf_str(&b), b.len) != 0)
            abort();
        kz_buf_free(&again);
    }

    char *s = kz_xstrndup(in, size); /* owned here, freed below; cut at a NUL */
    kz_buf_reset(&b);
    kz_text_sanitize(&b, s, strlen(s), KZ_TEXT_NEWLINE_SPACE);
    int full = kz_text_width(kz_buf_str(&b));
    for (int cols = 0; cols <= 12; cols++) {
        for (int mode = 0; mode < 4; mode++) {
            bool ellipsis = mode & 1, pad = mode & 2;
            kz_buf_reset(&b);
            int w = kz_text_fit(&b, s, cols, ellipsis, pad);
            check_clean(&b, false);
            if (w != kz_text_width(kz_buf_str(&b)) || w > cols || w < 0)
                abort();
            if (pad && w != cols)
                abort();
            if (!pad && cols >= full && w != full)
                abort();
        }
        kz_buf_reset(&b);
        int w = kz_text_fit_right(&b, s, cols);
        check_clean(&b, false);
        if (w != cols || kz_text_width(kz_buf_str(&b)) != cols)
            abort();
        /* visual order (bidi: kariz): as clean, never wider than the budget */
        kz_buf_reset(&b);
        w = kz_text_visual(&b, s, cols, cols & 1);
        check_clean(&b, false);
        if (w != kz_text_width(kz_buf_str(&b)) || w > cols || w < 0)
            abort();
    }
    size_t keylen = size % 64 + 1;
    char *key = kz_xmalloc(keylen); /* owned here, freed below */
    kz_fold_key(s, key, keylen);
    if (strlen(key) >= keylen || !kz_utf8_valid(key, strlen(key)))
        abort();
    free(key);
    kz_trim(s);
    free(s);
    kz_buf_free(&b);
    return 0;
}
