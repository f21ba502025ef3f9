/* output.c - leads as a terminal table, CSV or JSON. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/import.h"
#include "kariz/money.h"
#include "kariz/prefs.h"
#include "kariz/text.h"

/* JSON strings must be valid UTF-8: invalid bytes become U+FFFD. The
 * returned pointer is s itself or scratch's contents. */
static const char *valid_utf8(const char *s, kz_buf *scratch)
{
    size_t n = strlen(s);
    if (kz_utf8_valid(s, n))
        return s;
    kz_buf_reset(scratch);
    for (size_t i = 0; i < n;) {
        long cp;
        int len = kz_utf8_decode(s + i, n - i, &cp);
        if (cp < 0)
            kz_buf_puts(scratch, "\xef\xbf\xbd");
        else
            kz_buf_append(scratch, s + i, (size_t)len);
        i += (size_t)len;
    }
    return kz_buf_str(scratch);
}

static json_t *jstr(const char *s)
{
    kz_buf scratch = KZ_BUF_INIT;
    json_t *j = json_string(valid_utf8(s, &scratch));
    kz_buf_free(&scratch);
    return j ? j : json_null();
}

static json_t *lead_object(const kz_lead *l)
{
    json_t *o = json_object();
    for (int f = 0; f < KZ_F__COUNT; f++) {
        const kz_field_info *fi = kz_field_get((kz_field)f);
        json_t *v;
        if (!kz_lead_has(l, (kz_field)f)) {
            v = json_null();
        } else {
            switch (fi->type) {
            case KZ_FT_INT: v = json_integer(kz_lead_num(l, (kz_field)f)); break;
            case KZ_FT_MONEY: v = kz_money_json(kz_lead_num(l, (kz_field)f)); break;
            case KZ_FT_TIME: {
                char buf[32];
                kz_lead_format(l, (kz_field)f, buf, sizeof buf);
                v = jstr(buf);
                break;
            }
            default: v = jstr(kz_lead_text(l, (kz_field)f)); break;
            }
        }
        json_object_set_new(o, fi->name, v);
    }
    json_t *custom = json_object();
    kz_buf scratch = KZ_BUF_INIT;
    for (size_t i = 0; i < l->ncustom; i++)
        json_object_set_new(custom, valid_utf8(l->custom[i].name, &scratch),
                            jstr(l->custom[i].value));
    kz_buf_free(&scratch);
    json_object_set_new(o, "custom", custom);
    return o;
}

char *kz_lead_json(const kz_lead *lead, bool pretty)
{
    json_t *o = lead_object(lead);
    char *s = json_dumps(o, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER |
                                KZ_MONEY_JSON_FLAGS);
    json_decref(o);
    return s ? s : kz_xstrdup("{}");
}

void kz_json_write_string(FILE *out, const char *s)
{
    json_t *j = jstr(s ? s : "");
    char *t = json_dumps(j, JSON_ENCODE_ANY);
    fputs(t ? t : "\"\"", out);
    free(t);
    json_decref(j);
}

#define NCOLS 9 /* table_cols below */

struct kz_lead_writer {
    kz_format fmt;
    FILE *out;
    int64_t today;
    size_t rows;
    bool tty;          /* out is a terminal: CSV and JSON are sanitised */
    int widths[NCOLS]; /* table: each column's width, its title's when that is wider */
    kz_buf line;       /* scratch for one row */
    const kz_rules *rules; /* NULL: stages by id */
};

void kz_lead_writer_rules(kz_lead_writer *w, const kz_rules *rules)
{
    w->rules = rules;
}

/* The table's STAGE: the id, or the label in the message language. */
static const char *stage_cell(const kz_lead_writer *w, const kz_lead *l)
{
    const char *id = kz_lead_text(l, KZ_F_STAGE);
    const kz_stage *st = w->rules && id ? kz_rules_stage(w->rules, id) : NULL;
    return st && st->label_rules && st->label != st->label_rules ? st->label : id;
}

bool kz_cli_tty(FILE *out)
{
    return isatty(fileno(out)) == 1;
}

void kz_cli_write_data(FILE *out, bool tty, const char *s, size_t n)
{
    if (!tty) {
        fwrite(s, 1, n, out);
        return;
    }
    kz_buf safe = KZ_BUF_INIT;
    kz_text_sanitize(&safe, s, n, KZ_TEXT_KEEP_NEWLINE);
    fputs(kz_buf_str(&safe), out);
    kz_buf_free(&safe);
}

typedef struct column {
    const char *title;
    int width;
    bool right;
} column;

static const column table_cols[] = {
    {N_("ID"), 6, true},       {N_("NAME"), 24, false},  {N_("COMPANY"), 20, false},
    {N_("STAGE"), 11, false},  {N_("SCORE"), 5, true},   {N_("GRADE"), 5, false},
    {N_("VALUE"), 14, true},   {N_("OWNER"), 8, false},  {N_("NEXT DUE"), 11, false},
}; /* titles translated where shown; a wider title widens its column */
_Static_assert(sizeof table_cols / sizeof table_cols[0] == NCOLS, "NCOLS");

static void table_cell(kz_lead_writer *w, size_t i, const char *s)
{
    if (i)
        kz_buf_puts(&w->line, "  ");
    if (table_cols[i].right) {
        kz_text_fit_right(&w->line, s, w->widths[i]);
    } else if (w->tty && kz_prefs_get()->bidi == KZ_BIDI_KARIZ) {
        /* bidi: kariz, to a terminal only: each cell in visual order (a
         * pipe or a file gets the text as stored) */
        int used = kz_text_visual(&w->line, s, w->widths[i], true);
        for (; i + 1 < NCOLS && used < w->widths[i]; used++)
            kz_buf_putc(&w->line, ' ');
    } else {
        kz_text_fit(&w->line, s, w->widths[i], true, i + 1 < NCOLS);
    }
}

kz_lead_writer *kz_lead_writer_new(kz_format fmt, FILE *out, int64_t today_day)
{
    kz_lead_writer *w = kz_xcalloc(1, sizeof *w);
    w->fmt = fmt;
    w->out = out;
    w->today = today_day;
    w->tty = kz_cli_tty(out);
    if (fmt == KZ_FMT_TABLE) {
        for (size_t i = 0; i < NCOLS; i++) {
            int tw = kz_text_width(_(table_cols[i].title));
            w->widths[i] = tw > table_cols[i].width ? tw : table_cols[i].width;
        }
        for (size_t i = 0; i < NCOLS; i++)
            table_cell(w, i, _(table_cols[i].title));
        fprintf(out, "%s\n", kz_buf_str(&w->line));
    } else if (fmt == KZ_FMT_CSV) {
        for (int f = 0; f < KZ_F__COUNT; f++)
            fprintf(out, "%s%s", f ? "," : "", kz_field_get((kz_field)f)->name);
        fputs("\r\n", out);
    } else {
        fputs("[", out);
    }
    return w;
}

void kz_lead_writer_add(kz_lead_writer *w, const kz_lead *l)
{
    char buf[64];
    if (w->fmt == KZ_FMT_TABLE) {
        kz_buf_reset(&w->line);
        kz_lead_show(l, KZ_F_ID, buf, sizeof buf);
        table_cell(w, 0, buf);
        table_cell(w, 1, kz_lead_text(l, KZ_F_NAME) ? kz_lead_text(l, KZ_F_NAME) : "");
        table_cell(w, 2, kz_lead_text(l, KZ_F_COMPANY) ? kz_lead_text(l, KZ_F_COMPANY) : "");
        table_cell(w, 3, stage_cell(w, l));
        kz_lead_show(l, KZ_F_SCORE, buf, sizeof buf);
        table_cell(w, 4, buf);
        table_cell(w, 5, kz_lead_text(l, KZ_F_GRADE) ? kz_lead_text(l, KZ_F_GRADE) : "");
        buf[0] = '\0';
        if (kz_lead_has(l, KZ_F_VALUE)) {
            /* in full, 1,234,567.89, or shortened when that would not fit */
            kz_money_full(kz_lead_num(l, KZ_F_VALUE), NULL, buf, sizeof buf);
            if (kz_text_width(buf) > w->widths[6])
                kz_money_compact(kz_lead_num(l, KZ_F_VALUE), NULL, buf, sizeof buf);
        }
        table_cell(w, 6, buf);
        table_cell(w, 7, kz_lead_text(l, KZ_F_OWNER) ? kz_lead_text(l, KZ_F_OWNER) : "-");
        char due[KZ_DATE_TEXT - 2] = ""; /* "2026-12-03", or "۱۲ آذر" this year */
        if (kz_lead_has(l, KZ_F_NEXT_DUE))
            kz_day_show_short((int)kz_lead_num(l, KZ_F_NEXT_DUE), (int)w->today, due, sizeof due);
        snprintf(buf, sizeof buf, "%s%s", due, due[0] && kz_lead_is_overdue(l, (int)w->today) ? "!" : "");
        table_cell(w, 8, buf);
        fprintf(w->out, "%s\n", kz_buf_str(&w->line));
    } else if (w->fmt == KZ_FMT_CSV) {
        kz_buf_reset(&w->line);
        for (int f = 0; f < KZ_F__COUNT; f++) {
            if (f)
                kz_buf_putc(&w->line, ',');
            if (kz_field_get((kz_field)f)->type == KZ_FT_TEXT ||
                kz_field_get((kz_field)f)->type == KZ_FT_USER ||
                kz_field_get((kz_field)f)->type == KZ_FT_STAGE) {
                const char *t = kz_lead_text(l, (kz_field)f);
                if (t)
                    kz_csv_put_field(&w->line, t, strlen(t));
            } else {
                kz_lead_format(l, (kz_field)f, buf, sizeof buf);
                kz_csv_put_field(&w->line, buf, strlen(buf));
            }
        }
        kz_buf_puts(&w->line, "\r\n");
        kz_cli_write_data(w->out, w->tty, w->line.s, w->line.len);
    } else {
        char *s = kz_lead_json(l, false);
        fputs(w->rows ? ",\n" : "\n", w->out);
        kz_cli_write_data(w->out, w->tty, s, strlen(s));
        free(s);
    }
    w->rows++;
}

void kz_lead_writer_finish(kz_lead_writer *w)
{
    if (w->fmt == KZ_FMT_JSON)
        fputs(w->rows ? "\n]\n" : "]\n", w->out);
    fflush(w->out);
    kz_buf_free(&w->line);
    free(w);
}

static json_t *jstr_or_null(const char *s)
{
    return s ? jstr(s) : json_null();
}

json_t *kz_cli_stakeholder_json(const kz_stakeholder *x)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(x->id));
    json_object_set_new(j, "name", jstr_or_null(x->name));
    json_object_set_new(j, "role", jstr_or_null(x->role));
    json_object_set_new(j, "title", jstr_or_null(x->title));
    json_object_set_new(j, "email", jstr_or_null(x->email));
    json_object_set_new(j, "phone", jstr_or_null(x->phone));
    json_object_set_new(j, "note", jstr_or_null(x->note));
    if (x->last_touch) {
        char when[32];
        kz_time_format_iso(x->last_touch, when);
        json_object_set_new(j, "last_touch", jstr(when));
    } else {
        json_object_set_new(j, "last_touch", json_null());
    }
    return j;
}

char *kz_show_json(const kz_lead *lead, const kz_activity_list *acts,
                   const kz_stakeholder_list *shs, bool pretty)
{
    json_t *o = lead_object(lead);
    json_t *a = json_array();
    for (size_t i = 0; i < acts->n; i++) {
        const kz_activity *x = &acts->v[i];
        char when[32];
        kz_time_format_iso(x->at, when);
        json_t *j = json_object();
        json_object_set_new(j, "id", json_integer(x->id));
        json_object_set_new(j, "at", jstr(when));
        json_object_set_new(j, "kind", jstr(x->kind));
        json_object_set_new(j, "channel", jstr(x->channel));
        json_object_set_new(j, "outcome", jstr(x->outcome));
        json_object_set_new(j, "author", jstr(x->author));
        json_object_set_new(j, "note", jstr_or_null(x->note));
        json_object_set_new(j, "stakeholder_id",
                            x->stakeholder_id ? json_integer(x->stakeholder_id) : json_null());
        json_array_append_new(a, j);
    }
    json_object_set_new(o, "activities", a);
    json_t *s = json_array();
    for (size_t i = 0; i < shs->n; i++)
        json_array_append_new(s, kz_cli_stakeholder_json(&shs->v[i]));
    json_object_set_new(o, "stakeholders", s);
    char *out = json_dumps(o, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER |
                                  KZ_MONEY_JSON_FLAGS);
    json_decref(o);
    return out ? out : kz_xstrdup("{}");
}

char *kz_events_json(const kz_event_list *ev)
{
    json_t *a = json_array();
    long *by = kz_xcalloc(ev->n ? ev->n : 1, sizeof *by);
    kz_events_undone(ev->v, ev->n, by);
    for (size_t i = 0; i < ev->n; i++) {
        const kz_event *e = &ev->v[i];
        char when[32];
        kz_time_format_iso(e->at, when);
        json_t *j = json_object();
        json_object_set_new(j, "id", json_integer(e->id));
        json_object_set_new(j, "lead_id", e->lead_id ? json_integer(e->lead_id) : json_null());
        json_object_set_new(j, "at", jstr(when));
        json_object_set_new(j, "version", json_integer(e->version));
        json_object_set_new(j, "actor", jstr(e->actor));
        json_object_set_new(j, "kind", jstr(e->kind));
        json_object_set_new(j, "field", jstr_or_null(e->field));
        json_object_set_new(j, "old", jstr_or_null(e->old_value));
        json_object_set_new(j, "new", jstr_or_null(e->new_value));
        json_object_set_new(j, "detail", jstr_or_null(e->detail));
        /* the id of the undo that took this change back, or null */
        json_object_set_new(j, "undone_by", by[i] >= 0 ? json_integer(ev->v[by[i]].id)
                                                       : json_null());
        json_array_append_new(a, j);
    }
    free(by);
    char *out = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(a);
    return out ? out : kz_xstrdup("[]");
}
