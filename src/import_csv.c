/* import_csv.c - a streaming RFC 4180 reader over libcsv.
 *
 * The input is fed to libcsv one physical line at a time (or less, when a
 * line is longer than the read buffer), so the reader always knows the line
 * a record starts on. LF ends a record; CR counts as libcsv "space", so
 * the CR of a CRLF is dropped at the end of an unquoted field and allowed
 * after a closing quote, while CRs inside quotes are kept. A file whose
 * first line ends in a CR not followed by LF (old Mac and some spreadsheet
 * exports) has CR-only line ends: there CR ends a record and LF is an
 * ordinary byte. Blanks are not trimmed: field bytes are exact.
 *
 * libcsv runs in strict mode (text after a closing quote is a parse error)
 * with CSV_STRICT_FINI (a quoted field still open at the end of input is an
 * error, not silently closed). A quote inside an unquoted field (5'11") is
 * what spreadsheet programs read as a literal quote: when strict mode stops
 * there, that one quote is fed again with strict mode off, and parsing goes
 * on.
 * Its field buffer grows through capped_realloc, which refuses to pass
 * KZ_CSV_FIELD_MAX: an oversized field is an error instead of unbounded
 * memory. After any error the reader skips to the end of the record (the
 * next LF outside quotes), starts a fresh parser, and returns the broken
 * record marked bad.
 *
 * Memory: the kz_csv owns its read buffer (64 KiB), the libcsv parser (field
 * buffer up to KZ_CSV_FIELD_MAX) and the current record (up to
 * KZ_CSV_ROW_MAX bytes and KZ_CSV_COLS_MAX fields). */
#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "kariz/import.h"

#define READ_CHUNK 65536

/* libcsv's pstate values (struct csv_parser is public; libcsv.c names these
 * states ROW_NOT_BEGUN = 0, FIELD_BEGUN = 2, FIELD_MIGHT_HAVE_ENDED = 3). */
#define CSV_ROW_NOT_BEGUN 0
#define CSV_FIELD_BEGUN 2
#define CSV_FIELD_MIGHT_HAVE_ENDED 3 /* a quoted field's closing quote (or the first of "") */

struct kz_csv {
    FILE *in;               /* borrowed */
    struct csv_parser p;    /* owns its field buffer */
    char *buf;              /* owned, READ_CHUNK bytes */
    size_t pos, len;
    char *prefix;           /* owned copy of the caller's prefix; NULL when consumed */
    size_t prefix_len;
    bool eof, started, finished;
    char eol;               /* the byte that ends a line: '\n', or '\r' in a CR-only file */
    int64_t offset;         /* bytes consumed */
    int64_t line;           /* line of the byte at pos */
    /* the record being built */
    kz_buf data;            /* owned: field bytes, each NUL-terminated */
    size_t *off;            /* owned: field offsets into data */
    size_t *flen;           /* owned */
    size_t nf, capf;
    bool ready;             /* a whole record is waiting */
    bool bad;
    char reason[320];
    int64_t rec_line;
    bool discard;           /* skipping the rest of a broken record */
    bool discard_q;         /* ... and currently inside quotes */
    kz_buf raw;             /* owned: the record's bytes as they stand in the input */
    bool raw_cut;           /* ... cut at KZ_CSV_ROW_MAX */
    /* what kz_csv_next hands out */
    char **v;               /* owned pointer array */
    size_t capv;
};

/* libcsv asks for room before each byte and keeps a quoted field's closing
 * quote, and the blanks (CRs) after it, until the field ends: a field of
 * exactly KZ_CSV_FIELD_MAX bytes needs a few more; on_field refuses
 * anything longer. */
#define FIELD_BUF_MAX (KZ_CSV_FIELD_MAX + 64)

static void *capped_realloc(void *p, size_t n)
{
    if (n > FIELD_BUF_MAX)
        return NULL;
    return realloc(p, n);
}

static int is_cr(unsigned char c)
{
    return c == '\r';
}

static int is_lf(unsigned char c)
{
    return c == '\n';
}

static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

static void parser_init(kz_csv *c)
{
    if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        abort(); /* only fails when out of memory */
    csv_set_realloc_func(&c->p, capped_realloc);
    csv_set_space_func(&c->p, c->eol == '\r' ? no_space : is_cr);
    csv_set_term_func(&c->p, c->eol == '\r' ? is_cr : is_lf);
    csv_set_blk_size(&c->p, 4096);
}

/* Decides the line end from the start of the input: CR-only when the first
 * line break is a CR not followed by LF. */
static void sniff_eol(kz_csv *c)
{
    const char *s = c->buf + c->pos;
    size_t n = c->len - c->pos;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            return;
        if (s[i] == '\r') {
            if (i + 1 < n ? s[i + 1] != '\n' : !memchr(s, '\n', n)) {
                c->eol = '\r';
                csv_free(&c->p);
                parser_init(c);
            }
            return;
        }
    }
}

/* Keeps consumed input bytes as the current record's original text. */
static void raw_add(kz_csv *c, const char *s, size_t n)
{
    if (c->raw_cut)
        return;
    if (c->raw.len + n > KZ_CSV_ROW_MAX) {
        n = KZ_CSV_ROW_MAX - c->raw.len;
        c->raw_cut = true;
    }
    kz_buf_append(&c->raw, s, n);
}

kz_csv *kz_csv_new(FILE *in, const char *prefix, size_t prefix_len)
{
    kz_csv *c = kz_xcalloc(1, sizeof *c);
    c->in = in;
    c->buf = kz_xmalloc(READ_CHUNK);
    if (prefix && prefix_len) {
        c->prefix = kz_xmalloc(prefix_len);
        memcpy(c->prefix, prefix, prefix_len);
        c->prefix_len = prefix_len;
    }
    c->line = 1;
    c->eol = '\n';
    parser_init(c);
    return c;
}

void kz_csv_free(kz_csv *c)
{
    if (!c)
        return;
    csv_free(&c->p);
    free(c->buf);
    free(c->prefix);
    kz_buf_free(&c->data);
    kz_buf_free(&c->raw);
    free(c->off);
    free(c->flen);
    free(c->v);
    free(c);
}

int64_t kz_csv_offset(const kz_csv *c)
{
    return c->offset;
}

static void mark_bad(kz_csv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void mark_bad(kz_csv *c, const char *fmt, ...)
{
    if (c->bad)
        return; /* the first problem is the one reported */
    c->bad = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
}

static void on_field(void *s, size_t n, void *ud)
{
    kz_csv *c = ud;
    size_t col = c->nf + 1;
    if (c->bad)
        return;
    if (c->nf >= KZ_CSV_COLS_MAX) {
        mark_bad(c, _("line %" PRId64 ": more than %d fields in one row"), c->rec_line,
                 KZ_CSV_COLS_MAX);
        return;
    }
    if (n > KZ_CSV_FIELD_MAX) {
        mark_bad(c, _("line %" PRId64 ", column %zu: field longer than %u bytes"), c->rec_line, col,
                 (unsigned)KZ_CSV_FIELD_MAX);
        return;
    }
    if (n && memchr(s, '\0', n)) {
        mark_bad(c, _("line %" PRId64 ", column %zu: NUL byte in the field"), c->rec_line, col);
        return;
    }
    if (c->data.len + n + 1 > KZ_CSV_ROW_MAX) {
        mark_bad(c, _("line %" PRId64 ": row longer than %u bytes"), c->rec_line,
                 (unsigned)KZ_CSV_ROW_MAX);
        return;
    }
    if (c->nf == c->capf) {
        c->capf = c->capf ? c->capf * 2 : 32;
        c->off = kz_xrealloc(c->off, c->capf * sizeof *c->off);
        c->flen = kz_xrealloc(c->flen, c->capf * sizeof *c->flen);
    }
    c->off[c->nf] = c->data.len;
    c->flen[c->nf] = n;
    kz_buf_append(&c->data, n ? s : "", n);
    kz_buf_putc(&c->data, '\0');
    c->nf++;
}

static void on_record(int term, void *ud)
{
    kz_csv *c = ud;
    (void)term;
    if (!c->bad) {
        bool all_empty = true;
        for (size_t i = 0; i < c->nf && all_empty; i++)
            all_empty = c->flen[i] == 0;
        if (all_empty) { /* ",,," or a lone "\r": a blank row */
            kz_buf_reset(&c->data);
            c->nf = 0;
            return;
        }
    }
    c->ready = true;
}

/* Refills the read buffer; false at the end of input. */
static bool refill(kz_csv *c, kz_err *err, kz_status *ks)
{
    *ks = KZ_OK;
    if (c->prefix) {
        size_t n = c->prefix_len < READ_CHUNK ? c->prefix_len : READ_CHUNK;
        memcpy(c->buf, c->prefix, n);
        memmove(c->prefix, c->prefix + n, c->prefix_len - n);
        c->prefix_len -= n;
        if (!c->prefix_len) {
            free(c->prefix);
            c->prefix = NULL;
        }
        c->pos = 0;
        c->len = n;
    } else {
        if (c->eof)
            return false;
        size_t n = fread(c->buf, 1, READ_CHUNK, c->in);
        if (n == 0) {
            if (ferror(c->in)) {
                *ks = kz_err_set(err, KZ_EIO, _("reading the input: %s"), strerror(errno));
                return false;
            }
            c->eof = true;
            return false;
        }
        c->pos = 0;
        c->len = n;
    }
    if (!c->started) {
        c->started = true;
        if (c->len >= 3 && memcmp(c->buf, "\xef\xbb\xbf", 3) == 0) {
            c->pos = 3;
            c->offset = 3;
        }
        sniff_eol(c);
    }
    return true;
}

static void reset_record(kz_csv *c)
{
    kz_buf_reset(&c->data);
    c->nf = 0;
    c->bad = false;
    c->reason[0] = '\0';
    c->ready = false;
}

static void fill_row(kz_csv *c, kz_csv_row *row)
{
    if (c->nf > c->capv) {
        c->capv = c->nf;
        c->v = kz_xrealloc(c->v, c->capv * sizeof *c->v);
    }
    for (size_t i = 0; i < c->nf; i++)
        c->v[i] = c->data.s + c->off[i];
    row->n = c->nf;
    row->v = c->v;
    row->len = c->flen;
    row->line = c->rec_line;
    row->bad = c->bad;
    snprintf(row->reason, sizeof row->reason, "%s", c->reason);
    /* the original text, without the line break that ended it */
    size_t rn = c->raw.len;
    if (!c->raw_cut && rn && c->raw.s[rn - 1] == c->eol) {
        rn--;
        if (c->eol == '\n' && rn && c->raw.s[rn - 1] == '\r')
            rn--;
    }
    row->raw = c->raw.s ? c->raw.s : "";
    row->raw_len = rn;
    row->raw_cut = c->raw_cut;
}

/* Handles a libcsv error at the current position: the record is bad and the
 * rest of it is skipped. */
static void parse_error(kz_csv *c)
{
    int e = csv_error(&c->p);
    size_t col = c->nf + 1;
    if (e == CSV_EPARSE && !c->p.quoted && c->p.pstate == CSV_FIELD_BEGUN &&
        c->pos < c->len && c->buf[c->pos] == '"') {
        /* a quote inside an unquoted field: a literal quote (5'11") */
        c->p.status = 0;
        csv_set_opts(&c->p, CSV_STRICT_FINI);
        size_t used = csv_parse(&c->p, "\"", 1, on_field, on_record, c);
        csv_set_opts(&c->p, CSV_STRICT | CSV_STRICT_FINI);
        if (used == 1) {
            raw_add(c, "\"", 1);
            c->pos++;
            c->offset++;
            return;
        }
        e = csv_error(&c->p);
    }
    if (e == CSV_ENOMEM || e == CSV_ETOOBIG) {
        mark_bad(c, _("line %" PRId64 ", column %zu: field longer than %u bytes"), c->line, col,
                 (unsigned)KZ_CSV_FIELD_MAX);
        /* still inside the quotes, unless the field's closing quote was
         * just read */
        c->discard_q = c->p.quoted != 0 && c->p.pstate != CSV_FIELD_MIGHT_HAVE_ENDED;
    } else {
        mark_bad(c,
                 _("line %" PRId64 ", column %zu: malformed CSV (text after a closing quote; "
                   "a quote inside a quoted field is written twice: \"\")"),
                 c->line, col);
        c->discard_q = false;
        /* libcsv stops before the offending byte; a stray quote must not
         * count as opening a quoted section while skipping */
        if (c->pos < c->len && c->buf[c->pos] == '"') {
            raw_add(c, "\"", 1);
            c->pos++;
            c->offset++;
        }
    }
    c->discard = true;
    csv_free(&c->p);
    parser_init(c);
}

kz_status kz_csv_next(kz_csv *c, kz_csv_row *row, kz_err *err)
{
    memset(row, 0, sizeof *row);
    if (c->ready) {
        /* the previous record was handed out; start over */
        reset_record(c);
    }
    for (;;) {
        if (c->ready && !c->discard) {
            fill_row(c, row);
            return KZ_OK;
        }
        if (c->pos == c->len) {
            kz_status ks;
            if (!refill(c, err, &ks)) {
                if (ks != KZ_OK)
                    return ks;
                if (c->finished)
                    return KZ_ENOTFOUND;
                c->finished = true;
                if (c->discard) {
                    c->discard = false;
                    c->ready = true;
                    continue;
                }
                bool open = c->p.pstate != CSV_ROW_NOT_BEGUN;
                if (csv_fini(&c->p, on_field, on_record, c) != 0) {
                    mark_bad(c,
                             _("line %" PRId64 ": quoted field not closed (a \" is missing) "
                               "before the end of the input"),
                             c->rec_line);
                    c->ready = true;
                } else if (open && !c->ready && c->bad) {
                    c->ready = true;
                }
                continue;
            }
        }
        if (c->discard) {
            /* skip to the line end that ends the broken record */
            size_t from = c->pos;
            while (c->pos < c->len) {
                char ch = c->buf[c->pos++];
                c->offset++;
                if (ch == '"') {
                    c->discard_q = !c->discard_q;
                } else if (ch == c->eol) {
                    c->line++;
                    if (!c->discard_q) {
                        c->discard = false;
                        c->ready = true;
                        break;
                    }
                }
            }
            raw_add(c, c->buf + from, c->pos - from);
            continue;
        }
        if (c->p.pstate == CSV_ROW_NOT_BEGUN && c->nf == 0) {
            c->rec_line = c->line;
            kz_buf_reset(&c->raw);
            c->raw_cut = false;
        }
        const char *start = c->buf + c->pos;
        size_t avail = c->len - c->pos;
        const char *nl = memchr(start, c->eol, avail);
        size_t seg = nl ? (size_t)(nl - start) + 1 : avail;
        size_t used = csv_parse(&c->p, start, seg, on_field, on_record, c);
        raw_add(c, start, used);
        if (used < seg) {
            c->pos += used;
            c->offset += (int64_t)used;
            parse_error(c);
            continue;
        }
        c->pos += seg;
        c->offset += (int64_t)seg;
        if (nl)
            c->line++;
    }
}

void kz_csv_put_field(kz_buf *out, const char *s, size_t n)
{
    bool quote = n && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        kz_buf_append(out, s, n);
        return;
    }
    kz_buf_putc(out, '"');
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            kz_buf_append(out, s + from, i - from + 1);
            kz_buf_putc(out, '"');
            from = i + 1;
        }
    }
    kz_buf_append(out, s + from, n - from);
    kz_buf_putc(out, '"');
}
