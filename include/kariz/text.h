/* text.h - making data safe and measurable for a terminal.
 *
 * Names, notes and imported fields can hold anything. Nothing from data is
 * written to a terminal without passing through kz_text_sanitize (or a
 * function here that calls it). Widths are display columns (wcwidth), never
 * bytes: wide CJK characters take 2, combining marks 0. */
#ifndef KARIZ_TEXT_H
#define KARIZ_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "kariz/buf.h"

/* Appends a printable, valid UTF-8 form of s[0..n) to out:
 *   - C0 controls (and DEL) become their Control Pictures (U+2400 block):
 *     ESC -> U+241B, CR -> U+240D, BS -> U+2408, LF -> U+2424 (or a space when
 *     flags has KZ_TEXT_NEWLINE_SPACE), TAB -> a space;
 *   - C1 controls (U+0080-U+009F) and invalid UTF-8 bytes -> U+FFFD (one
 *     per invalid byte: overlongs, surrogates, > U+10FFFF, cut sequences);
 *   - bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C),
 *     zero-width characters (U+200B, U+200D, U+2060, U+FEFF) and other
 *     invisible format characters (U+2028/9, U+2061-4, U+206A-F,
 *     U+FFF9-B) -> visible markers "<U+202E>", so nothing can reorder or
 *     hide the text around it; U+200C ZERO WIDTH NON-JOINER is kept
 *     (Persian spelling needs it);
 *   - everything else printable is kept.
 * With KZ_TEXT_NEWLINE_SPACE or KZ_TEXT_KEEP_NEWLINE a CR directly before an
 * LF is dropped (CRLF is one line break). Flags may be combined. */
#define KZ_TEXT_NEWLINE_SPACE 1u
#define KZ_TEXT_KEEP_NEWLINE 4u /* multi-line views: keep LF as is */
void kz_text_sanitize(kz_buf *out, const char *s, size_t n, unsigned flags);

/* Appends to out what a paste of s[0..n) types into a one-line prompt:
 * terminal escape sequences (ESC [ ... final byte, ESC ] ... BEL or ESC \,
 * ESC and one character) are dropped whole, as are other C0 and C1
 * controls and DEL; a tab or a line break (CRLF, CR or LF) becomes one
 * space; an invalid UTF-8 byte becomes U+FFFD; the rest is kept as it is. */
void kz_text_paste(kz_buf *out, const char *s, size_t n);

/* Display width in columns of already sanitised UTF-8 text. */
int kz_text_width(const char *s);

/* Columns one code point takes as kz_text_sanitize renders it (cp -1 is an
 * invalid byte, shown as U+FFFD): 2 for wide CJK and emoji, 0 for combining
 * marks, 8 for an invisible character (its "<U+XXXX>" marker), 1 otherwise. Independent of the
 * process locale. */
int kz_char_width(long cp);

/* Sanitises s and appends at most `cols` display columns of it to out,
 * cutting on character boundaries (a wide character that would straddle
 * the edge is dropped) and ending with "…" when cut (when ellipsis).
 * When pad, fills with spaces up to exactly `cols` columns. Returns the
 * columns appended. */
int kz_text_fit(kz_buf *out, const char *s, int cols, bool ellipsis, bool pad);

/* Same as kz_text_fit but right-aligned (numbers in tables). */
int kz_text_fit_right(kz_buf *out, const char *s, int cols);

/* The visual form of one field, for terminals that do not lay out
 * right-to-left text themselves (bidi: kariz). Sanitises s, cuts it to
 * `cols` columns in logical order (the end of the text goes, with "…" when
 * ellipsis), then shapes Arabic-script letters into their joined
 * presentation forms (ICU u_shapeArabic) and reorders the field into the
 * order the eye reads, left to right on screen (ICU ubidi, the Unicode
 * Bidirectional Algorithm, mirroring brackets; the field's direction is
 * its first strong letter's, left-to-right when it has none, so a phone
 * number keeps its order). "Acme ایران ltd" keeps Acme on the left and ltd
 * on the right with the Persian word between, letters right to left.
 * A run of two or more spaces separates fields reordered each on its own
 * (the cells of a table line, a card's value and owner stay in place).
 * Diacritics stay after the letter they belong to (terminals draw a mark
 * on the cell before it). U+200C ZERO WIDTH NON-JOINER has done its work in
 * shaping and is left out. Appends to out; returns the columns appended (no padding). Text
 * with no right-to-left letters comes out as kz_text_fit gives it. */
int kz_text_visual(kz_buf *out, const char *s, int cols, bool ellipsis);

/* True when s[0..n) is valid UTF-8. */
bool kz_utf8_valid(const char *s, size_t n);

/* Decodes one UTF-8 character at s (n bytes available). Returns its length
 * (1..4) and sets *cp, or returns 1 with *cp = -1 for an invalid byte. */
int kz_utf8_decode(const char *s, size_t n, long *cp);

/* Writes the UTF-8 encoding of a valid code point to b; returns its length
 * (1..4). */
size_t kz_utf8_encode(long cp, char b[4]);
/* How many characters s holds (its UTF-8 lead bytes). */
size_t kz_utf8_chars(const char *s);
/* The same for the n bytes at s. */
size_t kz_utf8_chars_n(const char *s, size_t n);
/* The form of s that search compares, appended to out: the Arabic letters
 * yeh (U+064A) and alef maksura (U+0649) become the Persian yeh (U+06CC),
 * the Arabic kaf (U+0643) the Persian kaf (U+06A9); the zero width
 * non-joiner (U+200C) and Arabic diacritics (U+064B-U+065F, U+0670) are
 * left out. So "كريم" finds "کریم" and "میشود" finds "می‌شود". Case is
 * left as it is (the search index ignores it). */
void kz_text_search_form(kz_buf *out, const char *s);
/* The form of s a search compares, appended to out: kz_text_search_form's,
 * with the alef written with a madda or a hamza (U+0622, U+0623, U+0625)
 * and the alef wasla (U+0671) made the plain alef (U+0627), as Persian is
 * typed either way: "تایید" finds "تأیید", "اوا" finds "آوا". For search
 * alone: names sort and companies group by kz_text_search_form and
 * kz_text_fold, which keep them apart. */
void kz_text_search_key(kz_buf *out, const char *s);
/* The characters of s case-folded (lower case in a UTF-8 locale, whatever
 * the process's own; an invalid byte stands for itself), in the search
 * form of kz_text_search_form, into *out (owned by the caller, freed with
 * free()); returns how many. */
size_t kz_text_fold(const char *s, long **out);
/* The same characters as kz_text_fold, written as UTF-8 and appended to
 * out: text to compare byte for byte (a search with LIKE, whatever the
 * database's own idea of case). */
void kz_text_fold_utf8(kz_buf *out, const char *s);
/* kz_text_search_key's form of s, case-folded (kz_text_fold_utf8), appended
 * to out: what a search with LIKE compares, and what names given on the
 * command line are matched in ("ارش" finds "آرش", "DANA" finds "Dana"). */
void kz_text_search_folded(kz_buf *out, const char *s);

/* The words of a search: s split at ASCII white space, where a word that
 * starts with a double quote runs to the next one (or the end), spaces
 * and all, without its quotes and the spaces at its ends: a phrase.
 * Outside a phrase, the punctuation that sets words off in pasted text
 * (, ; ( ) < > [ ] { }) is no part of a word at either end. kz_text_word returns the first
 * word at or after *s (NULL: none left) with its length in bytes in *len,
 * and moves *s past it:
 *     for (const char *p = s, *w; (w = kz_text_word(&p, &len));)
 * kz_text_longest_word is the number of characters of the longest (0:
 * no word). */
const char *kz_text_word(const char **s, size_t *len);
size_t kz_text_longest_word(const char *s);

/* Digits for people. kz_text_digits appends s to out with, when persian,
 * the Latin digits written as Persian ones (U+06F0..U+06F9), a comma
 * between digits as the Arabic thousands separator (U+066C, ۱٬۲۳۴) and a
 * point between digits as the Arabic decimal separator (U+066B, ۱٫۵);
 * anything else is copied. For numbers kariz writes itself, never for data. */
void kz_text_digits(kz_buf *out, const char *s, bool persian);
/* The one normaliser for what people type where a number is read (amounts,
 * scores, ids, counts, dates): appends s to out with Persian (U+06F0..9)
 * and Arabic-Indic (U+0660..9) digits made Latin, U+066C made "," and
 * U+066B made "."; anything else is copied. Returns true when it changed
 * something. */
bool kz_text_latin_digits(kz_buf *out, const char *s);

/* Case-insensitive (ASCII) comparison and trimming helpers. */
int kz_strcasecmp(const char *a, const char *b);
/* Trims ASCII white space in place; returns s. */
char *kz_trim(char *s);
/* Folds s to a lower-case key with punctuation and spaces dropped
 * ("Company Name" -> "companyname"); used for header matching. */
void kz_fold_key(const char *s, char *out, size_t outlen);

#endif
