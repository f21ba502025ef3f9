/* text.c - sanitising data for the terminal, display widths, UTF-8.
 *
 * Widths do not depend on the process locale: text is decoded here as UTF-8
 * and measured with wcwidth() under a private "C.UTF-8" locale object that
 * is created once (uselocale() switches only the calling thread, only for
 * the duration of the call). glibc has C.UTF-8 built in (2.35 and later);
 * should no UTF-8 locale exist at all, every character counts as one column
 * and kz_fold_key keeps non-ASCII characters unchanged.
 *
 * Memory: nothing here allocates except through the caller's kz_buf, and the
 * locale object made once by make_locale(), kept for the process lifetime. */
#include "kariz/text.h"

#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "kariz/buf.h"
#include "kariz/icu.h"

/* ---- UTF-8 ------------------------------------------------------------ */

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

int kz_utf8_decode(const char *s, size_t n, long *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    *cp = -1;
    if (n == 0)
        return 1;
    unsigned char c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        if (n < 2 || !is_cont(u[1]))
            return 1;
        *cp = ((long)(c & 0x1F) << 6) | (u[1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || !is_cont(u[1]) || !is_cont(u[2]))
            return 1;
        if (c == 0xE0 && u[1] < 0xA0) /* overlong */
            return 1;
        if (c == 0xED && u[1] > 0x9F) /* UTF-16 surrogates */
            return 1;
        *cp = ((long)(c & 0x0F) << 12) | ((long)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || !is_cont(u[1]) || !is_cont(u[2]) || !is_cont(u[3]))
            return 1;
        if (c == 0xF0 && u[1] < 0x90) /* overlong */
            return 1;
        if (c == 0xF4 && u[1] > 0x8F) /* above U+10FFFF */
            return 1;
        *cp = ((long)(c & 0x07) << 18) | ((long)(u[1] & 0x3F) << 12) |
              ((long)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
        return 4;
    }
    return 1; /* stray continuation byte, 0xC0/0xC1 overlong lead, 0xF5.. */
}

bool kz_utf8_valid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        long cp;
        int len = kz_utf8_decode(s + i, n - i, &cp);
        if (cp < 0)
            return false;
        i += (size_t)len;
    }
    return true;
}

size_t kz_utf8_encode(long cp, char b[4])
{
    if (cp < 0x80) {
        b[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (char)(0xF0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static void put_cp(kz_buf *out, long cp)
{
    char b[4];
    kz_buf_append(out, b, kz_utf8_encode(cp, b));
}

/* ---- classification ---------------------------------------------------- */

/* Bidi controls and zero-width or otherwise invisible format characters,
 * shown as "<U+XXXX>" markers (always four hex digits: 8 columns). Besides the ones text.h lists:
 * the line/paragraph separators U+2028/U+2029, invisible operators
 * U+2061-U+2064, deprecated format controls U+206A-U+206F and interlinear
 * annotation controls U+FFF9-U+FFFB. */
static bool is_invisible(long cp)
{
    /* U+200C ZERO WIDTH NON-JOINER is kept: Persian spelling needs it
     * (می‌خواهم), and it cannot reorder or hide text. */
    if (cp == 0x200C)
        return false;
    return cp == 0x061C || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           cp == 0x2028 || cp == 0x2029 || (cp >= 0x2060 && cp <= 0x2064) ||
           (cp >= 0x2066 && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB);
}

static locale_t utf8_locale = (locale_t)0;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void make_locale(void)
{
    static const char *const names[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        utf8_locale = newlocale(LC_CTYPE_MASK, names[i], (locale_t)0);
        if (utf8_locale != (locale_t)0)
            return;
    }
}

/* Columns taken by a code point as kz_text_sanitize would render it. */
int kz_char_width(long cp)
{
    if (cp < 0)
        return 1; /* shown as U+FFFD */
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
        return 1; /* control picture or U+FFFD */
    if (cp < 0x7F)
        return 1;
    if (is_invisible(cp))
        return 8; /* its marker, "<U+202E>" */
    pthread_once(&utf8_once, make_locale);
    if (utf8_locale == (locale_t)0)
        return 1;
    locale_t old = uselocale(utf8_locale);
    int w = wcwidth((wchar_t)cp);
    uselocale(old);
    /* Code points this C library does not know (newer Unicode, private use)
     * still occupy a cell on the terminal. */
    return w < 0 ? 1 : w;
}

/* ---- sanitising --------------------------------------------------------- */

static const long REPLACEMENT = 0xFFFD;

void kz_text_sanitize(kz_buf *out, const char *s, size_t n, unsigned flags)
{
    size_t i = 0;
    while (i < n) {
        long cp;
        int len = kz_utf8_decode(s + i, n - i, &cp);
        unsigned char c = (unsigned char)s[i];
        if (cp < 0) {
            put_cp(out, REPLACEMENT);
        } else if (cp == '\r' && i + 1 < n && s[i + 1] == '\n' &&
                   (flags & (KZ_TEXT_NEWLINE_SPACE | KZ_TEXT_KEEP_NEWLINE))) {
            /* CRLF is one line break where line breaks are meaningful. */
        } else if (cp == '\n' && (flags & KZ_TEXT_KEEP_NEWLINE)) {
            kz_buf_putc(out, '\n');
        } else if (cp == '\n' && (flags & KZ_TEXT_NEWLINE_SPACE)) {
            kz_buf_putc(out, ' ');
        } else if (cp == '\t') {
            kz_buf_putc(out, ' ');
        } else if (cp == '\n') {
            put_cp(out, 0x2424); /* SYMBOL FOR NEWLINE */
        } else if (cp < 0x20) {
            put_cp(out, 0x2400 + cp);
        } else if (cp == 0x7F) {
            put_cp(out, 0x2421);
        } else if (cp < 0x7F) {
            kz_buf_putc(out, (char)c);
        } else if (cp < 0xA0) {
            put_cp(out, REPLACEMENT);
        } else if (is_invisible(cp)) {
            kz_buf_printf(out, "<U+%04lX>", (unsigned long)cp);
        } else {
            kz_buf_append(out, s + i, (size_t)len);
        }
        i += (size_t)len;
    }
}

void kz_text_paste(kz_buf *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        long cp;
        int len = kz_utf8_decode(s + i, n - i, &cp);
        if (cp == 0x1B) {
            /* an escape sequence, dropped whole */
            i++;
            if (i < n && s[i] == '[') {
                /* CSI: parameters and intermediates up to a final byte */
                for (i++; i < n && !((unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7E);
                     i++)
                    ;
                i += i < n;
            } else if (i < n && (s[i] == ']' || s[i] == 'P' || s[i] == '_' || s[i] == '^')) {
                /* OSC, DCS, APC, PM: a string up to BEL or ST (ESC \) */
                for (i++; i < n && s[i] != '\a' && !(s[i] == 0x1B && i + 1 < n && s[i + 1] == '\\');
                     i++)
                    ;
                i += i < n ? (s[i] == '\a' ? 1 : 2) : 0;
            } else if (i < n) {
                i++; /* ESC and one character */
            }
            continue;
        }
        if (cp < 0) {
            put_cp(out, REPLACEMENT);
        } else if (cp == '\r' && i + 1 < n && s[i + 1] == '\n') {
            /* CRLF: one break, the LF makes the space */
        } else if (cp == '\t' || cp == '\n' || cp == '\r') {
            kz_buf_putc(out, ' ');
        } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
            /* another control: dropped */
        } else {
            kz_buf_append(out, s + i, (size_t)len);
        }
        i += (size_t)len;
    }
}

/* ---- widths and fitting -------------------------------------------------- */

static int width_n(const char *s, size_t n)
{
    int w = 0;
    size_t i = 0;
    while (i < n) {
        long cp;
        int len = kz_utf8_decode(s + i, n - i, &cp);
        w += kz_char_width(cp);
        i += (size_t)len;
    }
    return w;
}

int kz_text_width(const char *s)
{
    return s ? width_n(s, strlen(s)) : 0;
}

static void pad_spaces(kz_buf *out, int n)
{
    for (int i = 0; i < n; i++)
        kz_buf_putc(out, ' ');
}

/* Appends the longest prefix of clean[0..n) (already sanitised) fitting in
 * `budget` columns, zero-width characters following the last kept one
 * included; returns its width. */
static int put_prefix(kz_buf *out, const char *clean, size_t n, int budget)
{
    int w = 0;
    size_t i = 0, end = 0;
    while (i < n) {
        long cp;
        int len = kz_utf8_decode(clean + i, n - i, &cp);
        int cw = kz_char_width(cp);
        if (w + cw > budget)
            break;
        w += cw;
        i += (size_t)len;
        end = i;
    }
    kz_buf_append(out, clean, end);
    return w;
}

/* Cuts sanitised text to cols columns; returns columns appended (no pad). */
static int fit_clean(kz_buf *out, const char *clean, size_t n, int cols, bool ellipsis)
{
    int total = width_n(clean, n);
    if (total <= cols) {
        kz_buf_append(out, clean, n);
        return total;
    }
    if (!ellipsis)
        return put_prefix(out, clean, n, cols);
    int w = put_prefix(out, clean, n, cols - 1);
    kz_buf_puts(out, "\xe2\x80\xa6"); /* U+2026 HORIZONTAL ELLIPSIS, 1 column */
    return w + 1;
}

int kz_text_fit(kz_buf *out, const char *s, int cols, bool ellipsis, bool pad)
{
    if (cols <= 0)
        return 0;
    kz_buf clean = KZ_BUF_INIT; /* owned here, freed below */
    if (s)
        kz_text_sanitize(&clean, s, strlen(s), KZ_TEXT_NEWLINE_SPACE);
    int w = fit_clean(out, kz_buf_str(&clean), clean.len, cols, ellipsis);
    kz_buf_free(&clean);
    if (pad && w < cols) {
        pad_spaces(out, cols - w);
        w = cols;
    }
    return w;
}

int kz_text_fit_right(kz_buf *out, const char *s, int cols)
{
    if (cols <= 0)
        return 0;
    kz_buf clean = KZ_BUF_INIT; /* owned here, freed below */
    if (s)
        kz_text_sanitize(&clean, s, strlen(s), KZ_TEXT_NEWLINE_SPACE);
    kz_buf cut = KZ_BUF_INIT; /* owned here, freed below */
    int w = fit_clean(&cut, kz_buf_str(&clean), clean.len, cols, true);
    pad_spaces(out, cols - w);
    kz_buf_append(out, kz_buf_str(&cut), cut.len);
    kz_buf_free(&cut);
    kz_buf_free(&clean);
    return cols;
}

/* ---- visual order (bidi: kariz) ------------------------------------------ */

/* Right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko, ... and
 * their presentation forms): the text needs reordering only when it has one. */
static bool has_rtl(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        long cp;
        i += (size_t)kz_utf8_decode(s + i, n - i, &cp);
        if ((cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) ||
            (cp >= 0xFE70 && cp <= 0xFEFE) || (cp >= 0x10800 && cp <= 0x10FFF) ||
            (cp >= 0x1E800 && cp <= 0x1EFFF))
            return true;
    }
    return false;
}

/* Shapes (when shape) and reorders cut[0..n) (sanitised, already cut)
 * into out; false when ICU failed (out untouched). */
static bool reorder(kz_buf *out, const char *cut, size_t n, bool shape)
{
    const kz_icu_api *icu = kz_icu();
    if (!icu)
        return false;
    UErrorCode ec = U_ZERO_ERROR;
    int32_t ulen = 0;
    icu->u_strFromUTF8(NULL, 0, &ulen, cut, (int32_t)n, &ec);
    if (ec != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(ec))
        return false;
    ec = U_ZERO_ERROR;
    /* owned here: the UTF-16 text, its shaped form and its visual order */
    UChar *u = kz_xmalloc(((size_t)ulen + 1) * sizeof *u);
    UChar *shaped = kz_xmalloc(((size_t)ulen + 1) * sizeof *shaped);
    UChar *vis = kz_xmalloc(((size_t)ulen * 2 + 1) * sizeof *vis);
    UBiDi *bidi = NULL;
    bool ok = false;
    icu->u_strFromUTF8(u, ulen + 1, NULL, cut, (int32_t)n, &ec);
    int32_t slen = ulen;
    if (shape)
        slen = icu->u_shapeArabic(u, ulen, shaped, ulen + 1,
                                  U_SHAPE_LETTERS_SHAPE | U_SHAPE_TEXT_DIRECTION_LOGICAL |
                                      U_SHAPE_LENGTH_GROW_SHRINK,
                                  &ec);
    else
        memcpy(shaped, u, (size_t)ulen * sizeof *u);
    if (U_FAILURE(ec))
        goto done;
    /* a diacritic shaping gave a spacing form of its own (after a digit, a
     * space) goes back to the mark: never wider than the text */
    for (int32_t i = 0; i < slen; i++)
        if (shaped[i] >= 0xFE70 && shaped[i] <= 0xFE7F && shaped[i] != 0xFE73 &&
            shaped[i] != 0xFE75)
            shaped[i] = (UChar)(0x064B + (shaped[i] - 0xFE70) / 2);
    bidi = icu->ubidi_openSized(slen, 0, &ec);
    icu->ubidi_setPara(bidi, shaped, slen, UBIDI_DEFAULT_LTR, NULL, &ec);
    int32_t vlen = icu->ubidi_writeReordered(
        bidi, vis, slen * 2 + 1, UBIDI_DO_MIRRORING | UBIDI_KEEP_BASE_COMBINING, &ec);
    if (U_FAILURE(ec))
        goto done;
    for (int32_t i = 0; i < vlen;) {
        UChar32 cp;
        U16_NEXT(vis, i, vlen, cp);
        if (cp != 0x200C) /* the non-joiner's work is done in shaping */
            put_cp(out, cp);
    }
    ok = true;
done:
    if (bidi)
        icu->ubidi_close(bidi);
    free(u);
    free(shaped);
    free(vis);
    return ok;
}

int kz_text_visual(kz_buf *out, const char *s, int cols, bool ellipsis)
{
    if (cols <= 0)
        return 0;
    kz_buf clean = KZ_BUF_INIT, cut = KZ_BUF_INIT; /* owned here, freed below */
    if (s)
        kz_text_sanitize(&clean, s, strlen(s), KZ_TEXT_NEWLINE_SPACE);
    int w = fit_clean(&cut, kz_buf_str(&clean), clean.len, cols, ellipsis);
    if (has_rtl(kz_buf_str(&cut), cut.len)) {
        /* each stretch between runs of two or more spaces on its own: the
         * cells of a table line keep their places */
        size_t start = out->len, i = 0;
        const char *c = kz_buf_str(&cut);
        while (i < cut.len) {
            size_t j = i;
            while (j < cut.len && !(c[j] == ' ' && j + 1 < cut.len && c[j + 1] == ' '))
                j++;
            /* shaping must not widen the field (odd marks and broken
             * text can); then it is only reordered */
            kz_buf seg = KZ_BUF_INIT; /* owned */
            if (has_rtl(c + i, j - i) && reorder(&seg, c + i, j - i, true) &&
                width_n(kz_buf_str(&seg), seg.len) > width_n(c + i, j - i)) {
                kz_buf_reset(&seg);
                reorder(&seg, c + i, j - i, false);
            }
            if (seg.len)
                kz_buf_append(out, kz_buf_str(&seg), seg.len);
            else
                kz_buf_append(out, c + i, j - i);
            kz_buf_free(&seg);
            for (i = j; i < cut.len && c[i] == ' '; i++)
                kz_buf_putc(out, ' ');
        }
        w = width_n(out->s + start, out->len - start);
    } else {
        kz_buf_append(out, kz_buf_str(&cut), cut.len);
    }
    kz_buf_free(&cut);
    kz_buf_free(&clean);
    return w;
}

/* ---- small string helpers ---------------------------------------------------- */

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

void kz_text_digits(kz_buf *out, const char *s, bool persian)
{
    if (!persian) {
        kz_buf_puts(out, s);
        return;
    }
    for (const char *p = s; *p; p++) {
        bool between = p > s && p[-1] >= '0' && p[-1] <= '9' && p[1] >= '0' && p[1] <= '9';
        if (*p >= '0' && *p <= '9') {
            char d[2] = {(char)0xDB, (char)(0xB0 + (*p - '0'))}; /* U+06F0 + n */
            kz_buf_append(out, d, 2);
        } else if (*p == ',' && between) {
            kz_buf_puts(out, "\xd9\xac"); /* U+066C ARABIC THOUSANDS SEPARATOR */
        } else if (*p == '.' && between) {
            kz_buf_puts(out, "\xd9\xab"); /* U+066B ARABIC DECIMAL SEPARATOR */
        } else {
            kz_buf_putc(out, *p);
        }
    }
}

bool kz_text_latin_digits(kz_buf *out, const char *s)
{
    bool changed = false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        /* U+06F0..U+06F9 are DB B0..DB B9; U+0660..U+0669 are D9 A0..D9 A9 */
        if (p[0] == 0xDB && p[1] >= 0xB0 && p[1] <= 0xB9) {
            kz_buf_putc(out, (char)('0' + p[1] - 0xB0));
        } else if (p[0] == 0xD9 && p[1] >= 0xA0 && p[1] <= 0xA9) {
            kz_buf_putc(out, (char)('0' + p[1] - 0xA0));
        } else if (p[0] == 0xD9 && (p[1] == 0xAC || p[1] == 0xAB)) {
            kz_buf_putc(out, p[1] == 0xAC ? ',' : '.');
        } else {
            kz_buf_putc(out, (char)*p);
            continue;
        }
        p++;
        changed = true;
    }
    return changed;
}

size_t kz_utf8_chars(const char *s)
{
    return kz_utf8_chars_n(s, strlen(s));
}

size_t kz_utf8_chars_n(const char *s, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    return chars;
}

/* One character as search compares it (-1: left out): the Arabic forms of
 * yeh and kaf that Persian keyboards and older systems type are the
 * Persian letters; the non-joiner and Arabic diacritics do not count. */
static long search_char(long cp)
{
    switch (cp) {
    case 0x064A: /* ARABIC LETTER YEH */
    case 0x0649: /* ARABIC LETTER ALEF MAKSURA */
        return 0x06CC; /* ARABIC LETTER FARSI YEH */
    case 0x0643: /* ARABIC LETTER KAF */
        return 0x06A9; /* ARABIC LETTER KEHEH */
    case 0x200C: /* ZERO WIDTH NON-JOINER */
    case 0x0670: /* ARABIC LETTER SUPERSCRIPT ALEF */
        return -1;
    default:
        return cp >= 0x064B && cp <= 0x065F ? -1 : cp; /* harakat, tanwin, ... */
    }
}

void kz_text_search_form(kz_buf *out, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        long cp;
        int len = kz_utf8_decode(s + i, n - i, &cp);
        long f = cp < 0x80 ? cp : search_char(cp);
        if (f == cp)
            kz_buf_append(out, s + i, (size_t)len);
        else if (f >= 0)
            put_cp(out, f);
        i += (size_t)len;
    }
}

void kz_text_search_key(kz_buf *out, const char *s)
{
    kz_buf form = KZ_BUF_INIT; /* owned */
    kz_text_search_form(&form, s);
    const char *f = kz_buf_str(&form);
    for (size_t i = 0; i < form.len;) {
        long cp;
        int len = kz_utf8_decode(f + i, form.len - i, &cp);
        if (cp == 0x0622 || cp == 0x0623 || cp == 0x0625 || cp == 0x0671)
            put_cp(out, 0x0627);
        else
            kz_buf_append(out, f + i, (size_t)len);
        i += (size_t)len;
    }
    kz_buf_free(&form);
}

size_t kz_text_fold(const char *s, long **out)
{
    size_t len = strlen(s), n = 0;
    *out = kz_xmalloc((len + 1) * sizeof **out);
    pthread_once(&utf8_once, make_locale); /* (none: ASCII folding only) */
    locale_t loc = utf8_locale;
    for (size_t i = 0; i < len;) {
        long cp;
        int k = kz_utf8_decode(s + i, len - i, &cp);
        if (cp < 0)
            cp = (unsigned char)s[i];
        else if (cp >= 'A' && cp <= 'Z')
            cp += 32;
        else if (cp >= 0x80 && (cp = search_char(cp)) >= 0 && loc)
            cp = (long)towlower_l((wint_t)cp, loc);
        if (cp >= 0) /* (left out of the search form: -1) */
            (*out)[n++] = cp;
        i += (size_t)k;
    }
    return n;
}

void kz_text_fold_utf8(kz_buf *out, const char *s)
{
    long *cps; /* owned */
    size_t n = kz_text_fold(s, &cps);
    for (size_t i = 0; i < n; i++)
        put_cp(out, cps[i]);
    free(cps);
}

void kz_text_search_folded(kz_buf *out, const char *s)
{
    kz_buf form = KZ_BUF_INIT; /* owned */
    kz_text_search_key(&form, s ? s : "");
    kz_text_fold_utf8(out, kz_buf_str(&form));
    kz_buf_free(&form);
}

int kz_strcasecmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (;; x++, y++) {
        int cx = ascii_lower(*x), cy = ascii_lower(*y);
        if (cx != cy || cx == 0)
            return cx - cy;
    }
}

static bool ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Punctuation that sets a word off in pasted text ("Silva, Lena", "<a@b>",
 * "(Pied Piper)"): not part of the word at either end. */
static bool word_edge(char c)
{
    return c && strchr(",;()<>[]{}", c) != NULL;
}

const char *kz_text_word(const char **s, size_t *len)
{
    for (const char *p = *s;;) {
        while (*p && (ascii_space(*p) || word_edge(*p)))
            p++;
        if (!*p) {
            *s = p;
            return NULL;
        }
        size_t n = 0;
        if (*p == '"') {
            /* a phrase: to the closing quote (none: the end), without
             * the spaces at its ends */
            p++;
            while (p[n] && p[n] != '"')
                n++;
            *s = p + n + (p[n] == '"');
            while (n && ascii_space(*p)) {
                p++;
                n--;
            }
            while (n && ascii_space(p[n - 1]))
                n--;
        } else {
            while (p[n] && !ascii_space(p[n]))
                n++;
            *s = p + n;
            while (n && word_edge(p[n - 1]))
                n--;
        }
        if (n) {
            *len = n;
            return p;
        }
        p = *s; /* ("", " ", ",": no word) */
    }
}

size_t kz_text_longest_word(const char *s)
{
    size_t len, most = 0;
    for (const char *p = s, *w; (w = kz_text_word(&p, &len));) {
        size_t chars = kz_utf8_chars_n(w, len);
        if (chars > most)
            most = chars;
    }
    return most;
}

char *kz_trim(char *s)
{
    size_t start = 0, len = strlen(s);
    while (start < len && ascii_space(s[start]))
        start++;
    while (len > start && ascii_space(s[len - 1]))
        len--;
    memmove(s, s + start, len - start);
    s[len - start] = '\0';
    return s;
}

void kz_fold_key(const char *s, char *out, size_t outlen)
{
    if (outlen == 0)
        return;
    size_t o = 0, n = strlen(s), i = 0;
    while (i < n) {
        long cp;
        int len = kz_utf8_decode(s + i, n - i, &cp);
        unsigned char c = (unsigned char)s[i];
        if (cp >= 0 && cp < 0x80) {
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                if (o + 1 >= outlen)
                    break;
                out[o++] = (char)ascii_lower(c);
            }
        } else if (cp >= 0xA0) {
            /* Letters and digits of other scripts are kept, lower-cased,
             * whole (never cut mid-character); their punctuation, spaces,
             * marks and format characters are dropped. */
            char enc[4];
            size_t elen = (size_t)len;
            memcpy(enc, s + i, elen);
            pthread_once(&utf8_once, make_locale);
            if (utf8_locale != (locale_t)0) {
                if (!iswalnum_l((wint_t)cp, utf8_locale)) {
                    i += (size_t)len;
                    continue;
                }
                long lc = (long)towlower_l((wint_t)cp, utf8_locale);
                elen = kz_utf8_encode(lc, enc);
            } else if (is_invisible(cp)) {
                i += (size_t)len;
                continue;
            }
            if (o + elen >= outlen)
                break;
            memcpy(out + o, enc, elen);
            o += elen;
        }
        i += (size_t)len;
    }
    out[o] = '\0';
}
