/* report_chart.c - the report as data (tables of typed cells), and its three
 * renderings: terminal lines with bar charts, CSV and JSON. Pure: no I/O. */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/buf.h"
#include "kariz/calendar.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/labels.h"
#include "kariz/model.h"
#include "kariz/money.h"
#include "kariz/prefs.h"
#include "kariz/report.h"
#include "kariz/text.h"

/* ---- building ---- */

void kz_report_init(kz_report *r)
{
    memset(r, 0, sizeof *r);
    r->from_day = KZ_REPORT_OPEN_FROM;
    r->to_day = KZ_REPORT_OPEN_TO;
}

void kz_report_free(kz_report *r)
{
    for (size_t t = 0; t < r->ntables; t++) {
        kz_rtable *tb = &r->tables[t];
        for (size_t i = 0; i < tb->nrows * tb->ncols; i++)
            free(tb->cells[i].s);
        free(tb->cells);
    }
    free(r->tables);
    for (size_t i = 0; i < r->nnotes; i++) {
        free(r->notes[i]);
        free(r->notes_shown[i]);
    }
    free(r->notes);
    free(r->notes_shown);
    free(r->owner);
    kz_report_init(r);
}

kz_rtable *kz_report_table(kz_report *r, const char *key, const char *title,
                           const kz_rcol *cols, size_t ncols, const char *bar_key)
{
    r->tables = kz_xrealloc(r->tables, (r->ntables + 1) * sizeof *r->tables);
    kz_rtable *t = &r->tables[r->ntables++];
    memset(t, 0, sizeof *t);
    t->key = key;
    t->title = title;
    if (ncols > KZ_REPORT_MAX_COLS)
        ncols = KZ_REPORT_MAX_COLS;
    memcpy(t->cols, cols, ncols * sizeof *cols);
    t->ncols = ncols;
    t->bar = -1;
    for (size_t i = 0; bar_key && i < ncols; i++)
        if (strcmp(cols[i].key, bar_key) == 0)
            t->bar = (int)i;
    return t;
}

kz_rcell *kz_rtable_row(kz_rtable *t)
{
    if (t->nrows == t->caprows) {
        t->caprows = t->caprows ? t->caprows * 2 : 8;
        t->cells = kz_xrealloc(t->cells, t->caprows * t->ncols * sizeof *t->cells);
    }
    kz_rcell *row = &t->cells[t->nrows * t->ncols];
    for (size_t i = 0; i < t->ncols; i++) {
        memset(&row[i], 0, sizeof row[i]);
        row[i].null = true;
    }
    t->nrows++;
    return row;
}

kz_rcell *kz_rtable_cell(const kz_rtable *t, size_t row, size_t col)
{
    return &t->cells[row * t->ncols + col];
}

void kz_rcell_text(kz_rcell *c, const char *s)
{
    free(c->s);
    c->s = s ? kz_xstrdup(s) : NULL;
    c->null = s == NULL;
}

void kz_rcell_int(kz_rcell *c, int64_t v)
{
    c->i = v;
    c->null = false;
}

void kz_rcell_real(kz_rcell *c, double v)
{
    c->d = v;
    c->null = false;
}

void kz_rcell_rate(kz_rcell *c, int64_t num, int64_t den)
{
    if (den <= 0) {
        c->null = true;
        return;
    }
    kz_rcell_real(c, 100.0 * (double)num / (double)den);
}

void kz_report_note(kz_report *r, const char *fmt, ...)
{
    kz_buf b = KZ_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kz_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    r->notes = kz_xrealloc(r->notes, (r->nnotes + 1) * sizeof *r->notes);
    r->notes_shown = kz_xrealloc(r->notes_shown, (r->nnotes + 1) * sizeof *r->notes_shown);
    r->notes_shown[r->nnotes] = NULL;
    r->notes[r->nnotes++] = kz_buf_take(&b);
}

void kz_report_note_both(kz_report *r, const char *english, const char *shown)
{
    r->notes = kz_xrealloc(r->notes, (r->nnotes + 1) * sizeof *r->notes);
    r->notes_shown = kz_xrealloc(r->notes_shown, (r->nnotes + 1) * sizeof *r->notes_shown);
    r->notes_shown[r->nnotes] = kz_xstrdup(shown);
    r->notes[r->nnotes++] = kz_xstrdup(english);
}

const kz_rtable *kz_report_find(const kz_report *r, const char *key)
{
    for (size_t i = 0; i < r->ntables; i++)
        if (strcmp(r->tables[i].key, key) == 0)
            return &r->tables[i];
    return NULL;
}

/* ---- statistics ---- */

double kz_percentile(const double *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    if (p <= 0)
        return v[0];
    if (p >= 1)
        return v[n - 1];
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return v[n - 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

/* ---- lines ---- */

void kz_lines_free(kz_lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    free(l->bars);
    memset(l, 0, sizeof *l);
}

/* Takes the bytes of b (which is left empty) as a new line. */
static void lines_push(kz_lines *l, kz_buf *b)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = kz_xrealloc(l->v, l->cap * sizeof *l->v);
        l->bars = kz_xrealloc(l->bars, l->cap * sizeof *l->bars);
    }
    char *s = kz_buf_take(b);
    l->bars[l->n] = (kz_bar_span){0, 0};
    l->v[l->n++] = s ? s : kz_xstrdup("");
}

/* ---- bars ---- */

int kz_report_bar(kz_buf *out, double frac, int cols, bool unicode)
{
    static const char *const eighths[] = {"\u258f", "\u258e", "\u258d", "\u258c",
                                          "\u258b", "\u258a", "\u2589"};
    if (cols <= 0 || !(frac > 0))
        return 0;
    if (frac > 1)
        frac = 1;
    if (!unicode) {
        long n = lround(frac * cols);
        if (n < 1)
            n = 1;
        for (long i = 0; i < n; i++)
            kz_buf_putc(out, '#');
        return (int)n;
    }
    long units = lround(frac * cols * 8);
    if (units < 1)
        units = 1;
    long full = units / 8, rem = units % 8;
    for (long i = 0; i < full; i++)
        kz_buf_puts(out, "\u2588");
    if (rem)
        kz_buf_puts(out, eighths[rem - 1]);
    return (int)(full + (rem ? 1 : 0));
}

/* ---- cell text ---- */

static void day_text(int day, char *out)
{
    kz_day_format(day, out);
}

/* How a table's text form shows its amounts: one scale for the table
 * (from its values, so different amounts never read the same), and the
 * currency. NULL: the csv form, exact amounts. */
typedef struct money_fmt {
    kz_money_scale scale[KZ_REPORT_MAX_COLS];
    const char *currency;
    const kz_report *r; /* stage labels */
} money_fmt;

static bool is_text(kz_rtype t)
{
    return t == KZ_RT_TEXT || t == KZ_RT_STAGE || t == KZ_RT_KEY || t == KZ_RT_MONTH;
}

/* A month key as a table shows it: "1405-09" as "آذر 1405", any other as it
 * is; in the digits in force. */
static void month_text(const char *key, kz_buf *out)
{
    int y, m, n = 0;
    char buf[96];
    if (sscanf(key, "%4d-%2d%n", &y, &m, &n) == 2 && key[n] == '\0' && y >= 1300 && y <= 1499 &&
        m >= 1 && m <= 12)
        snprintf(buf, sizeof buf, "%s %d", kz_persian_month_name(m), y);
    else
        snprintf(buf, sizeof buf, "%s", key);
    kz_digits_show(buf, sizeof buf);
    kz_buf_puts(out, buf);
}

/* A text cell as the table shows it: a stage by its label, a key as words,
 * no value in the user's language. */
static void shown_text(const money_fmt *m, const kz_rcol *col, const kz_rcell *c, kz_buf *out)
{
    const char *s = c->null ? "-" : c->s ? c->s : "";
    const char *none = c->null ? NULL : kz_report_no_value(s);
    if (none) {
        kz_buf_puts(out, none);
    } else if (!c->null && col->type == KZ_RT_STAGE) {
        for (size_t i = 0; m && m->r && i < m->r->nstages; i++)
            if (strcmp(m->r->stages[i].name, s) == 0 && m->r->stages[i].label) {
                kz_buf_puts(out, m->r->stages[i].label);
                return;
            }
        kz_label_key(s, out);
    } else if (!c->null && col->type == KZ_RT_KEY) {
        kz_label_key(s, out);
    } else if (!c->null && col->type == KZ_RT_MONTH) {
        month_text(s, out);
    } else {
        kz_buf_puts(out, s);
    }
}

/* One scale for every amount of the table, so that a row's value and
 * weighted value, and the rows under each other, compare at a glance. */
static void money_fmt_init(money_fmt *m, const kz_rtable *t, const kz_report *rep)
{
    int64_t *v = kz_xcalloc(t->nrows * t->ncols + 1, sizeof *v);
    size_t n = 0;
    for (size_t c = 0; c < t->ncols; c++)
        for (size_t r = 0; t->cols[c].type == KZ_RT_MONEY && r < t->nrows; r++) {
            const kz_rcell *cell = kz_rtable_cell(t, r, c);
            if (!cell->null)
                v[n++] = cell->i;
        }
    kz_money_scale sc = kz_money_scale_for(v, n);
    for (size_t c = 0; c < t->ncols; c++)
        m->scale[c] = sc;
    free(v);
    m->currency = rep ? rep->currency : NULL;
    m->r = rep;
}

/* The cell of column ci as text: table form (m set: human) or csv form
 * (m NULL: exact). */
static void cell_string(const kz_rcol *col, size_t ci, const kz_rcell *c, const money_fmt *m,
                        char *out, size_t outlen)
{
    bool csv = !m;
    if (c->null) {
        snprintf(out, outlen, "%s", csv ? "" : "-");
        return;
    }
    switch (col->type) {
    case KZ_RT_TEXT:
    case KZ_RT_STAGE:
    case KZ_RT_KEY:
    case KZ_RT_MONTH: snprintf(out, outlen, "%s", c->s ? c->s : ""); break;
    case KZ_RT_COUNT: snprintf(out, outlen, "%lld", (long long)c->i); break;
    case KZ_RT_MONEY:
        if (m)
            kz_money_short(c->i, m->scale[ci], m->currency, out, outlen);
        else
            kz_money_plain(c->i, out, outlen);
        break;
    case KZ_RT_PERCENT: snprintf(out, outlen, csv ? "%.1f" : "%.1f%%", c->d); break;
    /* TRANSLATORS: days in a report table (12.5d), kept short */
    case KZ_RT_DAYS: snprintf(out, outlen, csv ? "%.2f" : _("%.1fd"), c->d); break;
    }
    if (!csv && !is_text(col->type))
        kz_digits_show(out, outlen); /* the table form: the digits in force */
    size_t len = strlen(out);
    if (!csv && col->type == KZ_RT_PERCENT && kz_prefs_get()->digits == KZ_DIGITS_PERSIAN &&
        len > 0 && out[len - 1] == '%' && len + 1 < outlen)
        snprintf(out + len - 1, outlen - (len - 1), "\xd9\xaa"); /* U+066A ARABIC PERCENT SIGN */
}

static double cell_value(const kz_rcol *col, const kz_rcell *c)
{
    if (c->null)
        return 0;
    switch (col->type) {
    case KZ_RT_COUNT:
    case KZ_RT_MONEY: return (double)c->i;
    case KZ_RT_PERCENT:
    case KZ_RT_DAYS: return c->d;
    case KZ_RT_TEXT:
    case KZ_RT_STAGE:
    case KZ_RT_KEY:
    case KZ_RT_MONTH: break;
    }
    return 0;
}

/* Display width of a cell as the table shows it. */
static int cell_width(const kz_rcol *col, size_t ci, const kz_rcell *c, const money_fmt *m)
{
    if (is_text(col->type) && !c->null) {
        kz_buf shown = KZ_BUF_INIT, b = KZ_BUF_INIT; /* owned here */
        shown_text(m, col, c, &shown);
        kz_text_sanitize(&b, kz_buf_str(&shown), shown.len,
                         KZ_TEXT_NEWLINE_SPACE);
        int w = kz_text_width(kz_buf_str(&b));
        kz_buf_free(&b);
        kz_buf_free(&shown);
        return w;
    }
    char buf[80];
    cell_string(col, ci, c, m, buf, sizeof buf);
    return kz_text_width(buf);
}

/* Appends text fitted to the width, cutting what is wider. */
static void push_fitted(kz_lines *out, const char *text, int width)
{
    kz_buf b = KZ_BUF_INIT;
    kz_text_fit(&b, text, width, true, false);
    lines_push(out, &b);
}

/* In the Persian calendar, a period that is exactly a Solar Hijri month,
 * season or year by its name ("آذر ۱۴۰۵", "پاییز ۱۴۰۵", "۱۴۰۵"); false
 * for any other period. */
static bool persian_period_name(int from, int to, kz_buf *b)
{
    static const char *const seasons[4] = {"بهار", "تابستان", "پاییز", "زمستان"};
    int fy, fm, fd, ty, tm, td;
    if (kz_prefs_get()->calendar != KZ_CAL_PERSIAN || !kz_persian_from_day(from, &fy, &fm, &fd) ||
        !kz_persian_from_day(to, &ty, &tm, &td) || fd != 1 ||
        td != kz_persian_days_in_month(ty, tm) || fy != ty)
        return false;
    char buf[96];
    if (fm == tm)
        snprintf(buf, sizeof buf, "%s %d", kz_persian_month_name(fm), fy);
    else if (fm == 1 && tm == 12)
        snprintf(buf, sizeof buf, "%d", fy);
    else if ((fm - 1) % 3 == 0 && tm == fm + 2)
        snprintf(buf, sizeof buf, "%s %d", seasons[(fm - 1) / 3], fy);
    else
        return false;
    kz_digits_show(buf, sizeof buf);
    kz_buf_puts(b, buf);
    return true;
}

static void period_text(const kz_report *r, kz_buf *b)
{
    char a[KZ_DATE_TEXT], z[KZ_DATE_TEXT];
    bool from = r->from_day != KZ_REPORT_OPEN_FROM, to = r->to_day != KZ_REPORT_OPEN_TO;
    if (from)
        kz_day_show(r->from_day, a, sizeof a);
    if (to)
        kz_day_show(r->to_day, z, sizeof z);
    if (from && to && persian_period_name(r->from_day, r->to_day, b))
        return;
    if (from && to)
        kz_buf_printf(b, _("%s to %s"), a, z);
    else if (from)
        kz_buf_printf(b, _("from %s"), a);
    else if (to)
        kz_buf_printf(b, _("up to %s"), z);
    else
        kz_buf_puts(b, _("all time"));
}

/* Word-wraps a note into lines of at most width columns. */
static void push_wrapped(kz_lines *out, const char *note, int width)
{
    kz_buf clean = KZ_BUF_INIT; /* owned here */
    kz_text_sanitize(&clean, note, strlen(note), KZ_TEXT_NEWLINE_SPACE);
    const char *p = kz_buf_str(&clean);
    kz_buf line = KZ_BUF_INIT;
    int used = 0;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *word = kz_xstrndup(p, n);
        int w = kz_text_width(word);
        if (used && used + 1 + w > width) {
            lines_push(out, &line);
            used = 0;
        }
        if (w > width) {
            kz_text_fit(&line, word, width, true, false);
            used = width;
        } else {
            if (used) {
                kz_buf_putc(&line, ' ');
                used++;
            }
            kz_buf_puts(&line, word);
            used += w;
        }
        free(word);
        p += n;
    }
    if (used)
        lines_push(out, &line);
    kz_buf_free(&line);
    kz_buf_free(&clean);
}

/* Pushes a table line: trailing padding dropped, cut to the width. */
static void push_line(kz_lines *out, kz_buf *line, int width)
{
    while (line->len && line->s[line->len - 1] == ' ')
        line->s[--line->len] = '\0';
    if (kz_text_width(kz_buf_str(line)) > width) {
        kz_buf cut = KZ_BUF_INIT;
        kz_text_fit(&cut, kz_buf_str(line), width, true, false);
        kz_buf_free(line);
        *line = cut;
    }
    lines_push(out, line);
}

static void render_table(const kz_report *rep, const kz_rtable *t, int width, bool unicode,
                         kz_lines *out)
{
    push_fitted(out, _(t->title), width);
    money_fmt m;
    money_fmt_init(&m, t, rep);
    int w[KZ_REPORT_MAX_COLS];
    for (size_t c = 0; c < t->ncols; c++) {
        w[c] = kz_text_width(_(t->cols[c].label));
        for (size_t r = 0; r < t->nrows; r++) {
            int cw = cell_width(&t->cols[c], c, kz_rtable_cell(t, r, c), &m);
            if (cw > w[c])
                w[c] = cw;
        }
        int cap = width / 3 > 12 ? width / 3 : 12;
        if (is_text(t->cols[c].type) && w[c] > cap)
            w[c] = cap;
    }
    /* Too wide: narrow text columns to 8, then leave out columns from the
     * right (the csv and json forms have them all), then narrow to 4. */
    bool shown[KZ_REPORT_MAX_COLS];
    size_t nshown = t->ncols;
    for (size_t c = 0; c < t->ncols; c++)
        shown[c] = true;
    int total = 0;
    for (size_t c = 0; c < t->ncols; c++)
        total += w[c] + (c ? 2 : 0);
    for (int floor_w = 8; floor_w >= 4; floor_w -= 4) {
        while (total > width) {
            int widest = -1;
            for (size_t c = 0; c < t->ncols; c++)
                if (shown[c] && is_text(t->cols[c].type) && w[c] > floor_w &&
                    (widest < 0 || w[c] > w[widest]))
                    widest = (int)c;
            if (widest < 0)
                break;
            w[widest]--;
            total--;
        }
        while (total > width && nshown > 1 && floor_w == 8) {
            size_t c = t->ncols - 1;
            while (!shown[c])
                c--;
            shown[c] = false;
            nshown--;
            total -= w[c] + 2;
        }
    }
    size_t lastc = 0;
    for (size_t c = 0; c < t->ncols; c++)
        if (shown[c])
            lastc = c;
    int barw = t->bar >= 0 && shown[t->bar] ? width - total - 2 : 0;
    if (barw > KZ_REPORT_BAR_MAX)
        barw = KZ_REPORT_BAR_MAX;
    if (barw < 4)
        barw = 0;
    double max = 0;
    if (barw) {
        const kz_rcol *bc = &t->cols[t->bar];
        if (bc->type == KZ_RT_PERCENT) {
            max = 100;
        } else {
            for (size_t r = 0; r < t->nrows; r++) {
                double v = cell_value(bc, kz_rtable_cell(t, r, (size_t)t->bar));
                if (v > max)
                    max = v;
            }
        }
    }
    kz_buf line = KZ_BUF_INIT;
    for (size_t c = 0; c < t->ncols; c++) {
        if (!shown[c])
            continue;
        if (c)
            kz_buf_puts(&line, "  ");
        if (is_text(t->cols[c].type))
            kz_text_fit(&line, _(t->cols[c].label), w[c], true, c < lastc || barw);
        else
            kz_text_fit_right(&line, _(t->cols[c].label), w[c]);
        if (barw && (int)c == t->bar)
            kz_buf_printf(&line, "  %*s", barw, ""); /* the bars stand beside their column */
    }
    push_line(out, &line, width);
    for (size_t r = 0; r < t->nrows; r++) {
        kz_bar_span bar = {0, 0};
        for (size_t c = 0; c < t->ncols; c++) {
            const kz_rcell *cell = kz_rtable_cell(t, r, c);
            if (!shown[c])
                continue;
            if (c)
                kz_buf_puts(&line, "  ");
            if (is_text(t->cols[c].type)) {
                kz_buf words = KZ_BUF_INIT; /* owned here */
                shown_text(&m, &t->cols[c], cell, &words);
                kz_text_fit(&line, kz_buf_str(&words), w[c], true, c < lastc || barw);
                kz_buf_free(&words);
            } else {
                char buf[80];
                cell_string(&t->cols[c], c, cell, &m, buf, sizeof buf);
                kz_text_fit_right(&line, buf, w[c]);
            }
            if (barw && (int)c == t->bar) {
                double v = max > 0 ? cell_value(&t->cols[c], cell) : 0;
                kz_buf_puts(&line, "  ");
                bar.at = line.len;
                int used = v > 0 ? kz_report_bar(&line, v / max, barw, unicode) : 0;
                bar.len = line.len - bar.at;
                kz_buf_printf(&line, "%*s", barw - used, "");
            }
        }
        push_line(out, &line, width);
        size_t n = strlen(out->v[out->n - 1]); /* the line may have been cut */
        if (bar.at > n)
            bar.at = n;
        if (bar.at + bar.len > n)
            bar.len = n - bar.at;
        out->bars[out->n - 1] = bar;
    }
    if (t->nrows == 0)
        push_fitted(out, "(nothing in this period)", width);
    kz_buf_free(&line);
}

void kz_report_render(const kz_report *r, int width, bool unicode, kz_lines *out)
{
    if (width < 20)
        width = 20;
    kz_buf b = KZ_BUF_INIT;
    /* TRANSLATORS: a report's title and its period ("Funnel, all time") */
    kz_buf_printf(&b, _("%s, "), _(r->title));
    period_text(r, &b);
    if (r->owner && *r->owner)
        kz_buf_printf(&b, _(", owner %s"), r->owner);
    else if (r->owner)
        kz_buf_puts(&b, _(", unassigned leads"));
    push_fitted(out, kz_buf_str(&b), width);
    kz_buf_free(&b);
    for (size_t t = 0; t < r->ntables; t++) {
        lines_push(out, &b); /* blank line */
        render_table(r, &r->tables[t], width, unicode, out);
    }
    if (r->nnotes)
        lines_push(out, &b);
    for (size_t i = 0; i < r->nnotes; i++)
        push_wrapped(out, r->notes_shown[i] ? r->notes_shown[i] : _(r->notes[i]), width);
}

/* ---- CSV ---- */

static void csv_field(kz_buf *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        kz_buf_puts(out, s);
        return;
    }
    kz_buf_putc(out, '"');
    for (; *s; s++) {
        if (*s == '"')
            kz_buf_putc(out, '"');
        kz_buf_putc(out, *s);
    }
    kz_buf_putc(out, '"');
}

void kz_report_csv(const kz_report *r, kz_buf *out)
{
    for (size_t t = 0; t < r->ntables; t++) {
        const kz_rtable *tb = &r->tables[t];
        kz_buf_puts(out, "table");
        for (size_t c = 0; c < tb->ncols; c++) {
            kz_buf_putc(out, ',');
            csv_field(out, tb->cols[c].key);
        }
        kz_buf_puts(out, "\r\n");
        for (size_t row = 0; row < tb->nrows; row++) {
            csv_field(out, tb->key);
            for (size_t c = 0; c < tb->ncols; c++) {
                const kz_rcell *cell = kz_rtable_cell(tb, row, c);
                kz_buf_putc(out, ',');
                if (is_text(tb->cols[c].type) && !cell->null) {
                    csv_field(out, cell->s ? cell->s : "");
                } else {
                    char buf[64];
                    cell_string(&tb->cols[c], c, cell, NULL, buf, sizeof buf);
                    kz_buf_puts(out, buf);
                }
            }
            kz_buf_puts(out, "\r\n");
        }
    }
}

/* ---- JSON ---- */

/* A JSON string from data: invalid UTF-8 bytes become U+FFFD. */
static json_t *jstr(const char *s)
{
    size_t n = strlen(s);
    if (kz_utf8_valid(s, n)) {
        json_t *j = json_stringn(s, n);
        return j ? j : json_null();
    }
    kz_buf b = KZ_BUF_INIT; /* owned here */
    for (size_t i = 0; i < n;) {
        long cp;
        int len = kz_utf8_decode(s + i, n - i, &cp);
        if (cp < 0)
            kz_buf_puts(&b, "\xef\xbf\xbd");
        else
            kz_buf_append(&b, s + i, (size_t)len);
        i += (size_t)len;
    }
    json_t *j = json_stringn(kz_buf_str(&b), b.len);
    kz_buf_free(&b);
    return j ? j : json_null();
}

static json_t *cell_json(const kz_rcol *col, const kz_rcell *c)
{
    if (c->null)
        return json_null();
    switch (col->type) {
    case KZ_RT_TEXT:
    case KZ_RT_STAGE:
    case KZ_RT_KEY:
    case KZ_RT_MONTH: return jstr(c->s ? c->s : "");
    case KZ_RT_COUNT: return json_integer(c->i);
    case KZ_RT_MONEY: return kz_money_json(c->i);
    case KZ_RT_PERCENT: return json_real(round(c->d * 10.0) / 10.0);
    case KZ_RT_DAYS: return json_real(round(c->d * 100.0) / 100.0);
    }
    return json_null();
}

static json_t *day_json(int day, int open)
{
    if (day == open)
        return json_null();
    char buf[16];
    day_text(day, buf);
    return json_string(buf);
}

void kz_report_json(const kz_report *r, kz_buf *out)
{
    json_t *o = json_object();
    json_object_set_new(o, "report", json_string(r->name));
    json_object_set_new(o, "from", day_json(r->from_day, KZ_REPORT_OPEN_FROM));
    json_object_set_new(o, "to", day_json(r->to_day, KZ_REPORT_OPEN_TO));
    json_object_set_new(o, "owner", r->owner ? jstr(r->owner) : json_null());
    char when[32];
    kz_time_format_iso(r->now, when);
    json_object_set_new(o, "generated", json_string(when));
    for (size_t t = 0; t < r->ntables; t++) {
        const kz_rtable *tb = &r->tables[t];
        json_t *rows = json_array();
        for (size_t row = 0; row < tb->nrows; row++) {
            json_t *jr = json_object();
            for (size_t c = 0; c < tb->ncols; c++)
                json_object_set_new(jr, tb->cols[c].key,
                                    cell_json(&tb->cols[c], kz_rtable_cell(tb, row, c)));
            json_array_append_new(rows, jr);
        }
        json_object_set_new(o, tb->key, rows);
    }
    json_t *notes = json_array();
    for (size_t i = 0; i < r->nnotes; i++)
        json_array_append_new(notes, jstr(r->notes[i]));
    json_object_set_new(o, "notes", notes);
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | KZ_MONEY_JSON_FLAGS);
    json_decref(o);
    if (s) {
        kz_buf_puts(out, s);
        kz_buf_putc(out, '\n');
        free(s);
    }
}
