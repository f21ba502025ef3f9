/* labels.c - words for kariz's internal names (see labels.h). */
#include <inttypes.h>
#include <string.h>

#include "kariz/labels.h"

#include "kariz/i18n.h"
#include "kariz/money.h"

void kz_label_key(const char *key, kz_buf *out)
{
    for (const char *p = key ? key : ""; *p; p++)
        kz_buf_putc(out, *p == '_' ? ' ' : *p);
}

static bool is(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

void kz_label_value(const kz_rules *r, const char *field, const char *value, kz_buf *out)
{
    if (!value || !*value) {
        kz_buf_puts(out, "(none)");
        return;
    }
    int f = field ? kz_field_lookup(field) : -1;
    if (f == KZ_F_STAGE || f == KZ_F_LOST_FROM) {
        const kz_stage *st = r ? kz_rules_stage(r, value) : NULL;
        if (st && st->label)
            kz_buf_puts(out, st->label);
        else
            kz_label_key(value, out);
    } else if (f == KZ_F_LOST_REASON || f == KZ_F_STATUS) {
        kz_label_key(value, out);
    } else if (f < 0 && strcmp(field, "role") == 0) { /* a stakeholder's role */
        int i = r ? kz_rules_role_index(r, value) : -1;
        if (i >= 0)
            kz_buf_puts(out, kz_rules_role_label(r, (size_t)i));
        else
            kz_label_key(value, out);
    } else if (f >= 0 && kz_field_get((kz_field)f)->type == KZ_FT_MONEY) {
        int64_t cents;
        char buf[64];
        if (kz_money_parse(value, &cents, NULL) == KZ_OK) {
            kz_money_full(cents, r ? kz_rules_currency(r) : NULL, buf, sizeof buf);
            kz_buf_puts(out, buf);
        } else {
            kz_buf_puts(out, value);
        }
    } else {
        kz_buf_puts(out, value);
    }
}

void kz_label_activity(const char *kind, const char *outcome, kz_buf *out)
{
    kz_label_key(kind, out);
    if (outcome && *outcome && strcmp(outcome, "none") != 0) {
        kz_buf_puts(out, ", ");
        kz_label_key(outcome, out);
    }
}

const char *kz_label_event_kind(const char *kind)
{
    static const char *const words[][2] = {
        {"create", "created"},       {"field", "changed"},    {"stage", "moved"},
        {"owner", "assigned"},       {"grade", "regraded"},   {"activity", "logged"},
        {"stakeholder", "stakeholder"}, {"override", "override"}, {"import", "imported"},
        {"delete", "deleted"},       {"rules", "rules"},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (is(kind, words[i][0]))
            return words[i][1];
    return "changed";
}

void kz_label_event(const kz_rules *r, const kz_event *e, kz_buf *out)
{
    if (is(e->kind, "create")) {
        kz_buf_puts(out, e->new_value ? e->new_value : "(no name)");
        if (e->detail) {
            kz_buf_puts(out, " in ");
            kz_label_value(r, "stage", e->detail, out);
        }
        return;
    }
    if (is(e->kind, "activity")) {
        kz_label_activity(e->field, e->new_value, out);
        if (e->detail && *e->detail)
            kz_buf_printf(out, ": %s", e->detail);
        return;
    }
    if (is(e->kind, "stakeholder")) {
        /* field "stakeholder.ID" (added or removed) or "stakeholder.ID.FIELD" */
        const char *dot = e->field ? strchr(e->field, '.') : NULL;
        const char *attr = dot ? strchr(dot + 1, '.') : NULL;
        if (attr) {
            kz_buf_printf(out, "%s: ", e->detail ? e->detail : "");
            kz_label_key(attr + 1, out);
            kz_buf_puts(out, ": ");
            kz_label_value(r, attr + 1, e->old_value, out);
            kz_buf_puts(out, " -> ");
            kz_label_value(r, attr + 1, e->new_value, out);
            return;
        }
        const char *who = e->new_value ? e->new_value : e->old_value;
        kz_buf_printf(out, e->new_value ? _("added %s") : _("removed %s"), who ? who : "");
        if (e->detail && *e->detail) {
            kz_buf_puts(out, " (");
            kz_label_value(r, "role", e->detail, out);
            kz_buf_puts(out, ")");
        }
        return;
    }
    bool stage = is(e->kind, "stage") || (is(e->kind, "override") && is(e->field, "stage"));
    if (e->field && !stage && !is(e->kind, "grade")) {
        kz_label_key(e->field, out);
        kz_buf_puts(out, ": ");
    }
    if (e->old_value || e->new_value) {
        kz_label_value(r, e->field, e->old_value, out);
        kz_buf_puts(out, " -> ");
        kz_label_value(r, e->field, e->new_value, out);
    }
    if (e->detail && *e->detail)
        kz_buf_printf(out, "%s(%s)", out->len ? " " : "", e->detail);
}
