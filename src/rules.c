/* rules.c - loading and checking a rules file (see docs/rules.md).
 *
 * The YAML text is read with libyaml's event API into a small node tree
 * (refusing anchors, aliases, deep nesting and oversized input), then each
 * section is checked and compiled into a kz_rules. Every mistake is
 * reported as "FILE:LINE:COLUMN: what is wrong, and what was expected".
 *
 * Ownership: the node tree is owned by the load call and freed before it
 * returns; everything in the kz_rules is owned by it (see rules_internal.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "kariz/labels.h"
#include "kariz/model.h"
#include "kariz/money.h"
#include "kariz/prefs.h"
#include "kariz/rules.h"
#include "kariz/status.h"
#include "kariz/text.h"
#include "rules_internal.h"

extern const char kz_embedded_rules[];
extern const size_t kz_embedded_rules_len;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- vocabulary ---- */

static const char *const crit_names[KZ_CRIT__COUNT] = {"pain",      "interest", "fit",     "budget",
                                                        "authority", "need",     "timeline"};
static const kz_field crit_fields[KZ_CRIT__COUNT] = {KZ_F_PAIN,      KZ_F_INTEREST, KZ_F_FIT,
                                                      KZ_F_BUDGET,    KZ_F_AUTHORITY, KZ_F_NEED,
                                                      KZ_F_TIMELINE};

const char *kz_criterion_name(kz_criterion c)
{
    return (unsigned)c < KZ_CRIT__COUNT ? crit_names[c] : "?";
}

kz_field kz_criterion_field(kz_criterion c)
{
    return (unsigned)c < KZ_CRIT__COUNT ? crit_fields[c] : KZ_F_SCORE;
}

static const char *const kind_names[] = {
#define KZ_X_KIND(e, n, c, h) n,
    KZ_ACTIVITY_KINDS(KZ_X_KIND)
#undef KZ_X_KIND
};
static const char *const outcome_names[] = {
#define KZ_X_OUT(e, n, h) n,
    KZ_ACTIVITY_OUTCOMES(KZ_X_OUT)
#undef KZ_X_OUT
};
/* Channels: the kinds' default channels plus "other". */
static const char *const channel_names[] = {"phone", "email", "in_person", "web",
                                            "chat",  "sms",   "other"};

static int index_of(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return (int)i;
    return -1;
}

int kz_rules_kind_index(const char *kind)
{
    return index_of(kind_names, COUNT(kind_names), kind);
}
int kz_rules_outcome_index(const char *outcome)
{
    return index_of(outcome_names, COUNT(outcome_names), outcome);
}
int kz_rules_channel_index(const char *channel)
{
    return index_of(channel_names, COUNT(channel_names), channel);
}
const char *kz_rules_channels_list(void)
{
    return "phone, email, in_person, web, chat, sms, other";
}

static const char *const default_lost[] = {"price",  "no_budget",    "no_decision", "competitor",
                                           "timing", "unresponsive", "other"};
static const char *const default_statuses[] = {
    "subscriber",  "lead",     "unqualified",     "qualified",  "call_back_later",
    "unresponsive", "opportunity", "lost_opportunity", "customer", "former_customer",
    "evangelist",  "friends_and_family"};

/* ---- the YAML node tree ---- */

enum { N_SCALAR, N_SEQ, N_MAP };

typedef struct node {
    int type;
    int line, col; /* 1-based */
    char *val;     /* scalars: owned, NUL-terminated */
    size_t len;
    struct node **kids; /* owned array; maps: key, value, key, value... */
    size_t n, cap;
} node;

typedef struct ctx {
    const char *name;
    kz_err *err;
    kz_rules *r;
    node **all; /* owned: every node, for freeing */
    size_t nall, capall;
} ctx;

static kz_status fail(ctx *c, const node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static kz_status fail(ctx *c, const node *at, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return kz_err_set(c->err, KZ_ERULES, "%s:%d:%d: %s", c->name, at ? at->line : 1,
                      at ? at->col : 1, msg);
}

static node *new_node(ctx *c, int type, const yaml_mark_t *m)
{
    node *n = kz_xcalloc(1, sizeof *n);
    n->type = type;
    n->line = (int)m->line + 1;
    n->col = (int)m->column + 1;
    if (c->nall == c->capall) {
        c->capall = c->capall ? c->capall * 2 : 64;
        c->all = kz_xrealloc(c->all, c->capall * sizeof *c->all);
    }
    c->all[c->nall++] = n;
    return n;
}

static void add_kid(node *p, node *k)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->kids = kz_xrealloc(p->kids, p->cap * sizeof *p->kids);
    }
    p->kids[p->n++] = k;
}

static void free_tree(ctx *c)
{
    for (size_t i = 0; i < c->nall; i++) {
        free(c->all[i]->val);
        free(c->all[i]->kids);
        free(c->all[i]);
    }
    free(c->all);
    c->all = NULL;
    c->nall = c->capall = 0;
}

/* Line and column (1-based) of byte offset off in text. */
static void offset_pos(const char *text, size_t len, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static kz_status parse_tree(ctx *c, const char *text, size_t len, node **root)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return kz_err_set(c->err, KZ_ENOMEM, _("%s: out of memory"), c->name);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    node *stack[KZ_RULES_MAX_DEPTH + 1];
    int depth = 0, docs = 0;
    kz_status st = KZ_OK;
    *root = NULL;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            int line, col;
            if (p.error == YAML_READER_ERROR) {
                offset_pos(text, len, p.problem_offset, &line, &col);
            } else {
                line = (int)p.problem_mark.line + 1;
                col = (int)p.problem_mark.column + 1;
            }
            char ctxs[200] = "";
            if (p.context)
                snprintf(ctxs, sizeof ctxs, " (%s)", p.context);
            st = kz_err_set(c->err, KZ_ERULES,
                            _("%s:%d:%d: YAML syntax error: %s%s; expected well-formed YAML"),
                            c->name, line, col, p.problem ? p.problem : _("unknown problem"), ctxs);
            break;
        }
        yaml_event_type_t t = ev.type;
        node fake = {.line = (int)ev.start_mark.line + 1, .col = (int)ev.start_mark.column + 1};
        const unsigned char *anchor = NULL;
        if (t == YAML_SCALAR_EVENT)
            anchor = ev.data.scalar.anchor;
        else if (t == YAML_SEQUENCE_START_EVENT)
            anchor = ev.data.sequence_start.anchor;
        else if (t == YAML_MAPPING_START_EVENT)
            anchor = ev.data.mapping_start.anchor;
        if (t == YAML_ALIAS_EVENT) {
            st = fail(c, &fake,
                      _("alias \"*%s\" refused: rules files may not use YAML anchors or aliases; "
                        "expected the value written out"),
                      (const char *)ev.data.alias.anchor);
        } else if (anchor) {
            st = fail(c, &fake,
                      _("anchor \"&%s\" refused: rules files may not use YAML anchors or aliases; "
                        "expected the value written out"),
                      (const char *)anchor);
        } else if (t == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
            st = fail(c, &fake, _("a second YAML document; expected one document per rules file"));
        } else if (t == YAML_SCALAR_EVENT || t == YAML_SEQUENCE_START_EVENT ||
                   t == YAML_MAPPING_START_EVENT) {
            node *n = new_node(c, t == YAML_SCALAR_EVENT           ? N_SCALAR
                                  : t == YAML_SEQUENCE_START_EVENT ? N_SEQ
                                                                   : N_MAP,
                               &ev.start_mark);
            if (t == YAML_SCALAR_EVENT) {
                n->len = ev.data.scalar.length;
                n->val = kz_xstrndup((const char *)ev.data.scalar.value, n->len);
                if (strlen(n->val) != n->len)
                    st = fail(c, n, _("a value holds a NUL byte; expected text"));
            }
            if (depth == 0)
                *root = n;
            else
                add_kid(stack[depth - 1], n);
            if (st == KZ_OK && t != YAML_SCALAR_EVENT) {
                if (depth >= KZ_RULES_MAX_DEPTH)
                    st = fail(c, n, _("nesting deeper than %d levels; expected a flatter file"),
                              KZ_RULES_MAX_DEPTH);
                else
                    stack[depth++] = n;
            }
        } else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
            if (depth > 0)
                depth--;
        }
        yaml_event_delete(&ev);
        if (st != KZ_OK || t == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&p);
    return st;
}

/* ---- owned allocations ---- */

static void *own(kz_rules *r, void *p)
{
    if (r->nowned == r->capowned) {
        r->capowned = r->capowned ? r->capowned * 2 : 64;
        r->owned = kz_xrealloc(r->owned, r->capowned * sizeof *r->owned);
    }
    r->owned[r->nowned++] = p;
    return p;
}
static char *rdup(kz_rules *r, const char *s)
{
    return own(r, kz_xstrdup(s));
}
static void *rcalloc(kz_rules *r, size_t n, size_t size)
{
    return own(r, kz_xcalloc(n ? n : 1, size));
}

/* ---- checking helpers ---- */

static const char *kind_name(const node *n)
{
    return n->type == N_SCALAR ? _("a single value")
           : n->type == N_SEQ  ? _("a list")
                               : _("a mapping");
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            size_t best = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;
            row[j] = sub < best ? sub : best;
            prev = cur;
        }
    }
    return row[lb];
}

/* Nearest of names to s, or NULL when none is close. */
static const char *nearest(const char *s, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t bd = 99, len = strlen(s);
    size_t limit = len / 3 > 2 ? len / 3 : 2;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(s, names[i]);
        if (d < bd) {
            bd = d;
            best = names[i];
        }
    }
    return bd <= limit && bd < len ? best : NULL;
}

static void join(char *out, size_t outlen, const char *const *names, size_t n)
{
    out[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < n && used < outlen; i++) {
        int w = snprintf(out + used, outlen - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* " (did you mean "x"?)" or "". */
static void suggestion(char *out, size_t outlen, const char *s, const char *const *names, size_t n)
{
    const char *near = nearest(s, names, n);
    if (near)
        snprintf(out, outlen, " (did you mean \"%s\"?)", near);
    else
        out[0] = '\0';
}

static bool need(ctx *c, const node *n, int type, const char *what)
{
    if (n->type == type)
        return true;
    const char *want = type == N_SCALAR ? _("a single value")
                       : type == N_SEQ  ? _("a list")
                                        : _("a mapping");
    fail(c, n, _("%s is %s; expected %s"), what, kind_name(n), want);
    return false;
}

/* Checks a mapping's keys: all scalars, known, unique. */
static bool check_keys(ctx *c, const node *m, const char *const *allowed, size_t na,
                       const char *where)
{
    for (size_t i = 0; i < m->n; i += 2) {
        const node *k = m->kids[i];
        if (k->type != N_SCALAR) {
            fail(c, k, _("a key in %s is %s; expected a plain name"), where, kind_name(k));
            return false;
        }
        if (index_of(allowed, na, k->val) < 0) {
            char sug[96], list[600];
            suggestion(sug, sizeof sug, k->val, allowed, na);
            join(list, sizeof list, allowed, na);
            fail(c, k, _("unknown key \"%s\" in %s%s; expected one of %s"), k->val, where, sug,
                 list);
            return false;
        }
        for (size_t j = 0; j < i; j += 2)
            if (strcmp(m->kids[j]->val, k->val) == 0) {
                fail(c, k,
                     _("duplicate key \"%s\" in %s (first at line %d); expected each key once"),
                     k->val, where, m->kids[j]->line);
                return false;
            }
    }
    return true;
}

static const node *get(const node *m, const char *key)
{
    for (size_t i = 0; i + 1 < m->n; i += 2)
        if (m->kids[i]->type == N_SCALAR && strcmp(m->kids[i]->val, key) == 0)
            return m->kids[i + 1];
    return NULL;
}
static const node *get_key(const node *m, const char *key)
{
    for (size_t i = 0; i + 1 < m->n; i += 2)
        if (m->kids[i]->type == N_SCALAR && strcmp(m->kids[i]->val, key) == 0)
            return m->kids[i];
    return NULL;
}

static bool get_int(ctx *c, const node *n, const char *what, long lo, long hi, int *out)
{
    if (!need(c, n, N_SCALAR, what))
        return false;
    char *end;
    errno = 0;
    long v = strtol(n->val, &end, 10);
    if (!n->val[0] || *end || errno || v < lo || v > hi) {
        fail(c, n, _("%s is \"%s\"; expected a whole number from %ld to %ld"), what, n->val, lo,
             hi);
        return false;
    }
    *out = (int)v;
    return true;
}

static bool get_bool(ctx *c, const node *n, const char *what, bool *out)
{
    if (!need(c, n, N_SCALAR, what))
        return false;
    if (strcmp(n->val, "true") == 0) {
        *out = true;
    } else if (strcmp(n->val, "false") == 0) {
        *out = false;
    } else {
        fail(c, n, _("%s is \"%s\"; expected true or false"), what, n->val);
        return false;
    }
    return true;
}

static bool get_text(ctx *c, const node *n, const char *what, const char **out)
{
    if (!need(c, n, N_SCALAR, what))
        return false;
    if (!n->val[0] || n->len > 200) {
        fail(c, n, _("%s is %s; expected text of 1 to 200 bytes"), what,
             n->val[0] ? _("too long") : _("empty"));
        return false;
    }
    *out = rdup(c->r, n->val);
    return true;
}

static bool simple_key(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

static bool get_key_name(ctx *c, const node *n, const char *what, const char **out)
{
    if (!need(c, n, N_SCALAR, what))
        return false;
    if (!simple_key(n->val)) {
        fail(c, n,
             _("%s \"%s\" is not a simple key; expected 1 to 64 lower-case letters, digits or _"),
             what, n->val);
        return false;
    }
    *out = rdup(c->r, n->val);
    return true;
}

static const char *const keyed_label_keys[] = {"name", "label", "label_fa"};

/* A list of distinct simple keys. With labels (else NULL), an item may be a
 * mapping instead, {name: KEY, label: WORDS, label_fa: WORDS}: labels[i]
 * and labels_fa[i] get the words given for item i, or NULL. */
static bool get_key_list(ctx *c, const node *n, const char *what, const char ***out, size_t *nout,
                         const char ***labels, const char ***labels_fa)
{
    if (!need(c, n, N_SEQ, what))
        return false;
    if (n->n == 0) {
        fail(c, n, _("%s is an empty list; expected at least one name"), what);
        return false;
    }
    const char **v = rcalloc(c->r, n->n, sizeof *v);
    if (labels) {
        *labels = rcalloc(c->r, n->n, sizeof **labels);
        *labels_fa = rcalloc(c->r, n->n, sizeof **labels_fa);
    }
    for (size_t i = 0; i < n->n; i++) {
        const node *item = n->kids[i], *k = item, *l;
        if (labels && item->type == N_MAP) {
            if (!check_keys(c, item, keyed_label_keys, COUNT(keyed_label_keys), what))
                return false;
            if (!(k = get(item, "name"))) {
                fail(c, item, _("an item of %s has no name:; expected a simple key"), what);
                return false;
            }
            if ((l = get(item, "label")) && !get_text(c, l, "label", &(*labels)[i]))
                return false;
            if ((l = get(item, "label_fa")) && !get_text(c, l, "label_fa", &(*labels_fa)[i]))
                return false;
        }
        if (!get_key_name(c, k, what, &v[i]))
            return false;
        for (size_t j = 0; j < i; j++)
            if (strcmp(v[j], v[i]) == 0) {
                fail(c, n->kids[i],
                     _("duplicate name \"%s\" in %s (first at line %d); expected each once"), v[i],
                     what, n->kids[j]->line);
                return false;
            }
    }
    *out = v;
    *nout = n->n;
    return true;
}

/* ---- conditions ---- */

static const char *const cond_keys[] = {
    "field",   "stakeholder", "equals",  "one_of",  "matches",     "ignore_case",     "above",
    "at_least", "below",  "at_most", "between",     "present",         "absent",
    "within_days", "older_than_days", "within_next_days", "kind"};

static bool computed_field(int f)
{
    return f == KZ_F_SCORE || f == KZ_F_GRADE || f == KZ_F_PERSONA ||
           (f >= KZ_F_PAIN && f <= KZ_F_TIMELINE) || f == KZ_F_SCORE_AT ||
           f == KZ_F_SCORE_DUE;
}

static const char *type_word(kz_ftype t)
{
    switch (t) {
    case KZ_FT_INT: return _("a whole number");
    case KZ_FT_MONEY: return _("an amount of money");
    case KZ_FT_DATE: return _("a date");
    case KZ_FT_TIME: return _("a time");
    case KZ_FT_USER: return _("a user");
    case KZ_FT_STAGE: return _("a stage");
    default: return _("text");
    }
}

/* Parses a number for field type t (money in whole currency -> minor units). */
static bool get_number(ctx *c, const node *n, const kz_cond *k, const char *what, double *out)
{
    if (!need(c, n, N_SCALAR, what))
        return false;
    if (k->type == KZ_FT_MONEY) {
        int64_t v;
        kz_err e;
        if (kz_money_parse(n->val, &v, &e) != KZ_OK) {
            fail(c, n, "%s: %s", what, e.msg);
            return false;
        }
        *out = (double)v;
        return true;
    }
    char *end;
    errno = 0;
    double v = strtod(n->val, &end);
    bool whole = k->type == KZ_FT_INT;
    if (!n->val[0] || *end || errno || v != v || v > 9e15 || v < -9e15 ||
        (whole && v != (double)(int64_t)v)) {
        fail(c, n, _("%s is \"%s\"; expected %s"), what, n->val,
             whole ? _("a whole number") : _("a number"));
        return false;
    }
    *out = v;
    return true;
}

static void fold(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

/* Checks a literal for the stage and status fields. */
static bool check_vocab(ctx *c, const node *n, const kz_cond *k)
{
    const char *const *names = NULL;
    size_t nn = 0;
    const char *what = NULL;
    const char *list = NULL;
    if (k->field == KZ_F_STAGE || k->field == KZ_F_LOST_FROM) {
        for (size_t i = 0; i < c->r->nstages; i++)
            if (strcmp(c->r->stages[i].name, n->val) == 0)
                return true;
        const char *tmp[64];
        for (size_t i = 0; i < c->r->nstages && i < 64; i++)
            tmp[i] = c->r->stages[i].name;
        char sug[96];
        suggestion(sug, sizeof sug, n->val, tmp, c->r->nstages);
        fail(c, n, _("unknown stage \"%s\"%s; expected one of %s"), n->val, sug, c->r->stage_names);
        return false;
    }
    if (k->field == KZ_F_STATUS) {
        names = c->r->statuses;
        nn = c->r->nstatuses;
        what = _("status");
    } else if (k->field == KZ_F_LOST_REASON) {
        names = c->r->lost_reasons;
        nn = c->r->nlost;
        what = _("lost reason");
    }
    if (!names)
        return true;
    char low[256];
    snprintf(low, sizeof low, "%s", n->val);
    fold(low);
    if (index_of(names, nn, low) >= 0)
        return true;
    char sug[96], buf[700];
    suggestion(sug, sizeof sug, low, names, nn);
    join(buf, sizeof buf, names, nn);
    list = buf;
    fail(c, n, _("unknown %s \"%s\"%s; expected one of %s"), what, n->val, sug, list);
    return false;
}

static bool add_literal(ctx *c, kz_cond *k, const node *n, size_t i, const char *what)
{
    if (!need(c, n, N_SCALAR, what))
        return false;
    if (k->numeric_eq) {
        double v;
        if (!get_number(c, n, k, what, &v))
            return false;
        k->nums[i] = (int64_t)v;
        return true;
    }
    if (!check_vocab(c, n, k))
        return false;
    char *s = rdup(c->r, n->val);
    fold(s);
    k->lits[i] = s;
    k->litlens[i] = strlen(s);
    return true;
}

static bool compile_pattern(ctx *c, const node *n, kz_cond *k)
{
    int errcode;
    PCRE2_SIZE off;
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | (k->icase ? PCRE2_CASELESS : 0);
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)n->val, n->len, opts, &errcode, &off, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof msg);
        fail(c, n, _("bad regular expression \"%s\": %s at offset %zu of the pattern; expected a "
                     "PCRE2 pattern"),
             n->val, (const char *)msg, (size_t)off);
        return false;
    }
    kz_rules *r = c->r;
    if (r->ncodes == r->capcodes) {
        r->capcodes = r->capcodes ? r->capcodes * 2 : 16;
        r->codes = kz_xrealloc(r->codes, r->capcodes * sizeof *r->codes);
    }
    r->codes[r->ncodes++] = re;
    if (pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0)
        r->jit = true;
    k->re = re;
    k->pattern = rdup(r, n->val);
    r->npatterns++;
    return true;
}

/* The index of a stakeholder role, or -1 (with an error naming the
 * roles) when the rules have no such role. */
static int role_index(ctx *c, const node *n)
{
    int i = index_of(c->r->roles, c->r->nroles, n->val);
    if (i < 0) {
        char sug[96];
        suggestion(sug, sizeof sug, n->val, c->r->roles, c->r->nroles);
        fail(c, n, _("unknown stakeholder role \"%s\"%s; expected one of %s (stakeholder_roles:)"),
             n->val, sug, c->r->role_names);
    }
    return i;
}

/* "stakeholder: ROLE" [present: false]: the lead has (has no) stakeholder
 * in that role. */
static bool parse_role_cond(ctx *c, const node *m, kz_cond *k, const char *where)
{
    static const char *const keys[] = {"stakeholder", "present"};
    const node *sn = get(m, "stakeholder");
    if (!check_keys(c, m, keys, COUNT(keys), where) || !need(c, sn, N_SCALAR, "stakeholder"))
        return false;
    if (role_index(c, sn) < 0)
        return false;
    k->field = KZ_COND_ROLE;
    k->name = rdup(c->r, sn->val);
    k->type = KZ_FT_TEXT;
    bool present = true;
    const node *pn = get(m, "present");
    if (pn && !get_bool(c, pn, "present", &present))
        return false;
    k->ops = present ? KZ_OP_PRESENT : KZ_OP_ABSENT;
    return true;
}

static bool parse_vocab_list(ctx *c, const node *v, const char *what, const char *const *names,
                             size_t nn, uint32_t *mask);

static bool parse_cond(ctx *c, const node *m, kz_cond *k, const char *where)
{
    memset(k, 0, sizeof *k);
    if (!need(c, m, N_MAP, where) || !check_keys(c, m, cond_keys, COUNT(cond_keys), where))
        return false;
    if (get(m, "stakeholder") && !get(m, "field"))
        return parse_role_cond(c, m, k, where);
    const node *fn = get(m, "field");
    if (!fn) {
        fail(c, m, _("%s has no field:; expected the lead field the condition reads"), where);
        return false;
    }
    if (!need(c, fn, N_SCALAR, "field"))
        return false;
    int f = kz_field_lookup(fn->val);
    k->field = f;
    k->name = rdup(c->r, fn->val);
    if (f >= 0) {
        if (computed_field(f)) {
            fail(c, fn, _("field \"%s\" is computed by scoring and cannot be read by a rule; "
                          "expected an input field such as title or employees"),
                 fn->val);
            return false;
        }
        k->type = kz_field_get((kz_field)f)->type;
    } else {
        if (index_of(c->r->custom, c->r->ncustom, fn->val) < 0) {
            const char *names[KZ_F__COUNT + 64];
            size_t nn = 0;
            for (int i = 0; i < KZ_F__COUNT; i++)
                if (!computed_field(i))
                    names[nn++] = kz_field_get((kz_field)i)->name;
            for (size_t i = 0; i < c->r->ncustom && nn < COUNT(names); i++)
                names[nn++] = c->r->custom[i];
            char sug[96];
            suggestion(sug, sizeof sug, fn->val, names, nn);
            fail(c, fn, _("unknown field \"%s\"%s; expected a lead field or a custom field "
                          "declared under custom_fields:"),
                 fn->val, sug);
            return false;
        }
        k->type = KZ_FT_TEXT;
    }
    bool custom = f < 0;
    bool numeric = k->type == KZ_FT_INT || k->type == KZ_FT_MONEY;
    bool texty = k->type == KZ_FT_TEXT || k->type == KZ_FT_USER || k->type == KZ_FT_STAGE ||
                 k->type == KZ_FT_DATE;
    bool datey = k->type == KZ_FT_DATE || k->type == KZ_FT_TIME || custom;
    k->numeric_eq = numeric;

    const node *eq = get(m, "equals"), *one = get(m, "one_of");
    if (eq && one) {
        fail(c, get_key(m, "one_of"), _("equals and one_of together; expected one of them"));
        return false;
    }
    if ((eq || one) && !texty && !numeric) {
        fail(c, get_key(m, eq ? "equals" : "one_of"),
             _("equals/one_of on \"%s\", which holds %s; expected within_days, older_than_days, "
               "within_next_days or present"),
             k->name, type_word(k->type));
        return false;
    }
    if (eq) {
        k->nlits = 1;
        k->lits = rcalloc(c->r, 1, sizeof *k->lits);
        k->litlens = rcalloc(c->r, 1, sizeof *k->litlens);
        k->nums = rcalloc(c->r, 1, sizeof *k->nums);
        if (!add_literal(c, k, eq, 0, "equals"))
            return false;
        k->ops |= KZ_OP_EQUALS;
    }
    if (one) {
        if (!need(c, one, N_SEQ, "one_of"))
            return false;
        if (one->n == 0) {
            fail(c, one, _("one_of is an empty list; expected at least one value"));
            return false;
        }
        k->nlits = one->n;
        k->lits = rcalloc(c->r, one->n, sizeof *k->lits);
        k->litlens = rcalloc(c->r, one->n, sizeof *k->litlens);
        k->nums = rcalloc(c->r, one->n, sizeof *k->nums);
        for (size_t i = 0; i < one->n; i++)
            if (!add_literal(c, k, one->kids[i], i, "one_of"))
                return false;
        k->ops |= KZ_OP_EQUALS;
    }
    const node *ic = get(m, "ignore_case"), *mt = get(m, "matches");
    if (ic) {
        if (!mt) {
            fail(c, get_key(m, "ignore_case"),
                 _("ignore_case without matches; expected it beside a matches: pattern "
                   "(equals and one_of always ignore case)"));
            return false;
        }
        if (!get_bool(c, ic, "ignore_case", &k->icase))
            return false;
    }
    if (mt) {
        if (!texty) {
            fail(c, get_key(m, "matches"),
                 _("matches on \"%s\", which holds %s; expected a text field"), k->name,
                 type_word(k->type));
            return false;
        }
        if (!need(c, mt, N_SCALAR, "matches") || !compile_pattern(c, mt, k))
            return false;
        k->ops |= KZ_OP_MATCHES;
    }
    static const char *const num_ops[] = {"above", "at_least", "below", "at_most", "between"};
    for (size_t i = 0; i < COUNT(num_ops); i++) {
        const node *v = get(m, num_ops[i]);
        if (!v)
            continue;
        if (!numeric && !custom) {
            fail(c, get_key(m, num_ops[i]),
                 _("%s on \"%s\", which holds %s; expected a numeric field (employees, revenue, "
                   "value, probability, ...) or a custom field"),
                 num_ops[i], k->name, type_word(k->type));
            return false;
        }
        if (i < 2 && (k->ops & KZ_OP_LO)) {
            fail(c, get_key(m, num_ops[i]), _("a second lower bound (%s); expected one of above, "
                                              "at_least or between"), num_ops[i]);
            return false;
        }
        if ((i == 2 || i == 3) && (k->ops & KZ_OP_HI)) {
            fail(c, get_key(m, num_ops[i]), _("a second upper bound (%s); expected one of below, "
                                              "at_most or between"), num_ops[i]);
            return false;
        }
        if (i == 4) {
            if (k->ops & (KZ_OP_LO | KZ_OP_HI)) {
                fail(c, get_key(m, "between"), _("between with another bound; expected between "
                                                 "alone or at_least/above with at_most/below"));
                return false;
            }
            if (v->type != N_SEQ || v->n != 2) {
                fail(c, v, _("between is %s; expected a list of two numbers [low, high]"),
                     v->type == N_SEQ ? _("a list without exactly two items") : kind_name(v));
                return false;
            }
            if (!get_number(c, v->kids[0], k, "between", &k->lo) ||
                !get_number(c, v->kids[1], k, "between", &k->hi))
                return false;
            k->ops |= KZ_OP_LO | KZ_OP_HI;
            continue;
        }
        double d;
        if (!get_number(c, v, k, num_ops[i], &d))
            return false;
        if (i < 2) {
            k->lo = d;
            k->lo_strict = i == 0;
            k->ops |= KZ_OP_LO;
        } else {
            k->hi = d;
            k->hi_strict = i == 2;
            k->ops |= KZ_OP_HI;
        }
    }
    if ((k->ops & KZ_OP_LO) && (k->ops & KZ_OP_HI) && k->lo > k->hi) {
        fail(c, m,
             _("the range on \"%s\" is empty (low bound above high bound); expected low <= high"),
             k->name);
        return false;
    }
    static const char *const day_ops[] = {"within_days", "older_than_days", "within_next_days"};
    static const unsigned day_bits[] = {KZ_OP_WITHIN, KZ_OP_OLDER, KZ_OP_NEXT};
    for (size_t i = 0; i < COUNT(day_ops); i++) {
        const node *v = get(m, day_ops[i]);
        if (!v)
            continue;
        if (!datey) {
            fail(c, get_key(m, day_ops[i]),
                 _("%s on \"%s\", which holds %s; expected a date or time field (close_date, "
                   "next_due, created, touched, ...) or a custom field"),
                 day_ops[i], k->name, type_word(k->type));
            return false;
        }
        int d;
        if (!get_int(c, v, day_ops[i], 0, 36500, &d))
            return false;
        if (i == 0)
            k->within = d;
        else if (i == 1)
            k->older = d;
        else
            k->next = d;
        k->ops |= day_bits[i];
    }
    const node *kn = get(m, "kind");
    if (kn) {
        if (k->type != KZ_FT_STAGE) {
            fail(c, get_key(m, "kind"),
                 _("kind on \"%s\", which holds %s; expected a stage field (stage or "
                   "lost_from)"),
                 k->name, type_word(k->type));
            return false;
        }
        uint32_t mask = 0;
        if (!parse_vocab_list(c, kn, _("stage kind"), kz_stage_kind_names, KZ_STAGE_KINDS,
                              &mask))
            return false;
        bool possible = !(k->ops & KZ_OP_EQUALS);
        for (size_t i = 0; i < k->nlits && !possible; i++) {
            const kz_stage *st = kz_rules_stage(c->r, k->lits[i]);
            possible = !st || (mask & (1u << st->kind));
        }
        if (!possible) {
            fail(c, get_key(m, "kind"),
                 _("kind on \"%s\" excludes every stage that equals/one_of names, so the "
                   "condition never holds; expected a kind of one of those stages"),
                 k->name);
            return false;
        }
        k->kinds = mask;
        k->ops |= KZ_OP_KIND;
    }
    if (k->type == KZ_FT_TIME && (k->ops & (KZ_OP_WITHIN | KZ_OP_OLDER | KZ_OP_NEXT)))
        k->tb = rcalloc(c->r, 1, sizeof *k->tb);
    const node *pr = get(m, "present"), *ab = get(m, "absent");
    bool b;
    if (pr) {
        if (!get_bool(c, pr, "present", &b))
            return false;
        k->ops |= b ? KZ_OP_PRESENT : KZ_OP_ABSENT;
    }
    if (ab) {
        if (!get_bool(c, ab, "absent", &b))
            return false;
        k->ops |= b ? KZ_OP_ABSENT : KZ_OP_PRESENT;
    }
    if ((k->ops & KZ_OP_PRESENT) && (k->ops & KZ_OP_ABSENT)) {
        fail(c, pr ? pr : ab, _("the condition on \"%s\" asks for the field both present and "
                                "absent; expected one"),
             k->name);
        return false;
    }
    if ((k->ops & KZ_OP_ABSENT) && (k->ops & ~KZ_OP_ABSENT)) {
        fail(c, m, _("the condition on \"%s\" tests a value and also wants the field absent; "
                     "expected absent alone"),
             k->name);
        return false;
    }
    if (!k->ops) {
        fail(c, m,
             _("the condition on \"%s\" has no test; expected one of equals, one_of, matches, "
               "above, at_least, below, at_most, between, present, absent, within_days, "
               "older_than_days, within_next_days, kind"),
             k->name);
        return false;
    }
    return true;
}

/* when: a list of conditions, or one condition mapping. */
static bool parse_when(ctx *c, const node *w, kz_cond **out, size_t *nout, const char *where)
{
    if (w->type == N_MAP) {
        *out = rcalloc(c->r, 1, sizeof **out);
        *nout = 1;
        return parse_cond(c, w, *out, where);
    }
    if (w->type != N_SEQ) {
        fail(c, w, _("when is %s; expected a list of conditions"), kind_name(w));
        return false;
    }
    if (w->n == 0) {
        fail(c, w, _("when is an empty list; expected at least one condition"));
        return false;
    }
    *out = rcalloc(c->r, w->n, sizeof **out);
    *nout = w->n;
    for (size_t i = 0; i < w->n; i++)
        if (!parse_cond(c, w->kids[i], &(*out)[i], where))
            return false;
    return true;
}

/* ---- rules, criteria, personas ---- */

static bool parse_vocab_list(ctx *c, const node *v, const char *what, const char *const *names,
                             size_t nn, uint32_t *mask)
{
    size_t n = v->type == N_SEQ ? v->n : 1;
    if (v->type == N_MAP || (v->type == N_SEQ && v->n == 0)) {
        fail(c, v, _("%s is %s; expected a name or a list of names"), what,
             v->type == N_MAP ? _("a mapping") : _("an empty list"));
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const node *s = v->type == N_SEQ ? v->kids[i] : v;
        if (!need(c, s, N_SCALAR, what))
            return false;
        int ix = index_of(names, nn, s->val);
        if (ix < 0) {
            char sug[96], list[600];
            suggestion(sug, sizeof sug, s->val, names, nn);
            join(list, sizeof list, names, nn);
            fail(c, s, _("unknown %s \"%s\"%s; expected one of %s"), what, s->val, sug, list);
            return false;
        }
        *mask |= 1u << ix;
    }
    return true;
}

static bool parse_activity(ctx *c, const node *a, kz_rule *ru)
{
    static const char *const keys[] = {"kind", "channel", "outcome", "within_days", "with"};
    if (!need(c, a, N_MAP, "activity") || !check_keys(c, a, keys, COUNT(keys), "activity"))
        return false;
    const node *v;
    if ((v = get(a, "kind")) &&
        !parse_vocab_list(c, v, _("activity kind"), kind_names, COUNT(kind_names), &ru->kinds))
        return false;
    if ((v = get(a, "channel")) &&
        !parse_vocab_list(c, v, _("channel"), channel_names, COUNT(channel_names), &ru->channels))
        return false;
    if ((v = get(a, "outcome")) &&
        !parse_vocab_list(c, v, _("outcome"), outcome_names, COUNT(outcome_names), &ru->outcomes))
        return false;
    if ((v = get(a, "with")) &&
        !parse_vocab_list(c, v, _("stakeholder role"), c->r->roles, c->r->nroles, &ru->with))
        return false;
    ru->within_days = -1;
    if ((v = get(a, "within_days")) && !get_int(c, v, "within_days", 1, 36500, &ru->within_days))
        return false;
    ru->behaviour = true;
    return true;
}

static bool parse_rule(ctx *c, const node *m, kz_criterion crit, kz_rule *ru)
{
    static const char *const keys[] = {"label", "points", "when", "activity", "cap",
                                       "half_life_days"};
    if (!need(c, m, N_MAP, "a rule") || !check_keys(c, m, keys, COUNT(keys), "a rule"))
        return false;
    ru->crit = crit;
    ru->within_days = -1;
    const node *v;
    if (!(v = get(m, "label"))) {
        fail(c, m, _("a rule has no label:; expected a short description shown in explanations"));
        return false;
    }
    if (!get_text(c, v, "label", &ru->label))
        return false;
    if (!(v = get(m, "points"))) {
        fail(c, m, _("rule \"%s\" has no points:; expected a whole number (negative to subtract)"),
             ru->label);
        return false;
    }
    if (!get_int(c, v, "points", -1000, 1000, &ru->points))
        return false;
    if ((v = get(m, "when")) && !parse_when(c, v, &ru->when, &ru->nwhen, "a condition"))
        return false;
    if ((v = get(m, "activity")) && !parse_activity(c, v, ru))
        return false;
    if (!ru->nwhen && !ru->behaviour) {
        fail(c, m, _("rule \"%s\" has neither when: nor activity:; expected at least one"),
             ru->label);
        return false;
    }
    if ((v = get(m, "cap"))) {
        if (!ru->behaviour) {
            fail(c, get_key(m, "cap"), _("cap on rule \"%s\", which has no activity:; expected cap "
                                         "only on behaviour rules (they count activities)"),
                 ru->label);
            return false;
        }
        if (!get_int(c, v, "cap", -100000, 100000, &ru->cap))
            return false;
        if (ru->cap == 0 || (ru->cap < 0) != (ru->points < 0)) {
            fail(c, v, _("cap %d does not bound points %d; expected a number with the same sign as "
                         "points"),
                 ru->cap, ru->points);
            return false;
        }
        ru->has_cap = true;
    }
    if ((v = get(m, "half_life_days"))) {
        if (!ru->behaviour) {
            fail(c, get_key(m, "half_life_days"),
                 _("half_life_days on rule \"%s\", which has no activity:; expected decay only on "
                   "behaviour rules"),
                 ru->label);
            return false;
        }
        int h;
        if (!get_int(c, v, "half_life_days", 1, 3650, &h))
            return false;
        ru->half_life = h;
    }
    return true;
}

typedef struct rule_vec {
    kz_rule *v;
    size_t n, cap;
} rule_vec;

static bool parse_criteria(ctx *c, const node *m, rule_vec *rv)
{
    if (!need(c, m, N_MAP, "criteria") ||
        !check_keys(c, m, crit_names, KZ_CRIT__COUNT, "criteria"))
        return false;
    for (size_t i = 0; i < m->n; i += 2) {
        kz_criterion crit = (kz_criterion)index_of(crit_names, KZ_CRIT__COUNT, m->kids[i]->val);
        const node *v = m->kids[i + 1];
        const node *list = v;
        char where[64];
        snprintf(where, sizeof where, "criteria.%s", crit_names[crit]);
        if (v->type == N_MAP) {
            static const char *const keys[] = {"max", "min", "rules"};
            if (!check_keys(c, v, keys, COUNT(keys), where))
                return false;
            kz_crit_cfg *cfg = &c->r->crit[crit];
            const node *x;
            if ((x = get(v, "max"))) {
                if (!get_int(c, x, "max", -100000, 100000, &cfg->max))
                    return false;
                cfg->has_max = true;
            }
            if ((x = get(v, "min"))) {
                if (!get_int(c, x, "min", -100000, 100000, &cfg->min))
                    return false;
                cfg->has_min = true;
            }
            if (cfg->has_max && cfg->has_min && cfg->min > cfg->max) {
                fail(c, x, _("min %d is above max %d for %s; expected min <= max"), cfg->min,
                     cfg->max, crit_names[crit]);
                return false;
            }
            list = get(v, "rules");
            if (!list)
                continue;
        }
        if (list->type != N_SEQ) {
            fail(c, list, _("the rules of %s are %s; expected a list of rules"), crit_names[crit],
                 kind_name(list));
            return false;
        }
        for (size_t j = 0; j < list->n; j++) {
            if (rv->n == rv->cap) {
                rv->cap = rv->cap ? rv->cap * 2 : 32;
                rv->v = kz_xrealloc(rv->v, rv->cap * sizeof *rv->v);
            }
            kz_rule *ru = &rv->v[rv->n++];
            memset(ru, 0, sizeof *ru);
            if (!parse_rule(c, list->kids[j], crit, ru))
                return false;
        }
    }
    return true;
}

static bool parse_personas(ctx *c, const node *s)
{
    static const char *const keys[] = {"name", "label", "points", "when"};
    if (!need(c, s, N_SEQ, "personas"))
        return false;
    kz_rules *r = c->r;
    r->personas = rcalloc(r, s->n, sizeof *r->personas);
    r->npersonas = s->n;
    for (size_t i = 0; i < s->n; i++) {
        const node *m = s->kids[i];
        kz_persona *p = &r->personas[i];
        if (!need(c, m, N_MAP, "a persona") || !check_keys(c, m, keys, COUNT(keys), "a persona"))
            return false;
        const node *v;
        if (!(v = get(m, "name"))) {
            fail(c, m, _("a persona has no name:; expected a simple key such as it_director"));
            return false;
        }
        if (!get_key_name(c, v, "persona name", &p->name))
            return false;
        for (size_t j = 0; j < i; j++)
            if (strcmp(r->personas[j].name, p->name) == 0) {
                fail(c, v, _("duplicate persona \"%s\"; expected each persona name once"), p->name);
                return false;
            }
        p->label = p->name;
        if ((v = get(m, "label")) && !get_text(c, v, "label", &p->label))
            return false;
        if (!(v = get(m, "points"))) {
            fail(c, m, _("persona \"%s\" has no points:; expected the fit points it awards"),
                 p->name);
            return false;
        }
        if (!get_int(c, v, "points", -1000, 1000, &p->points))
            return false;
        if (!(v = get(m, "when"))) {
            fail(c, m, _("persona \"%s\" has no when:; expected the conditions that describe it"),
                 p->name);
            return false;
        }
        if (!parse_when(c, v, &p->when, &p->nwhen, "a persona condition"))
            return false;
    }
    return true;
}

/* ---- score range, grades, stages ---- */

static bool parse_score(ctx *c, const node *m)
{
    static const char *const keys[] = {"min", "max"};
    if (!need(c, m, N_MAP, "score") || !check_keys(c, m, keys, COUNT(keys), "score"))
        return false;
    const node *v;
    if ((v = get(m, "min")) && !get_int(c, v, "min", -100000, 100000, &c->r->score_min))
        return false;
    if ((v = get(m, "max")) && !get_int(c, v, "max", -100000, 100000, &c->r->score_max))
        return false;
    if (c->r->score_min >= c->r->score_max) {
        fail(c, m, _("score min %d is not below max %d; expected min < max"), c->r->score_min,
             c->r->score_max);
        return false;
    }
    return true;
}

static bool parse_grades(ctx *c, const node *s)
{
    static const char *const keys[] = {"name", "min"};
    if (!need(c, s, N_SEQ, "grades"))
        return false;
    if (s->n == 0 || s->n > 32) {
        fail(c, s, _("grades has %zu bands; expected 1 to 32"), s->n);
        return false;
    }
    kz_rules *r = c->r;
    r->grades = rcalloc(r, s->n, sizeof *r->grades);
    r->ngrades = s->n;
    for (size_t i = 0; i < s->n; i++) {
        const node *m = s->kids[i];
        kz_grade *g = &r->grades[i];
        if (!need(c, m, N_MAP, "a grade") || !check_keys(c, m, keys, COUNT(keys), "a grade"))
            return false;
        const node *v = get(m, "name");
        if (!v) {
            fail(c, m, _("a grade has no name:; expected a simple key such as hot"));
            return false;
        }
        if (!get_key_name(c, v, "grade name", &g->name))
            return false;
        for (size_t j = 0; j < i; j++)
            if (strcmp(r->grades[j].name, g->name) == 0) {
                fail(c, v, _("duplicate grade \"%s\"; expected each grade name once"), g->name);
                return false;
            }
        if ((v = get(m, "min"))) {
            if (!get_int(c, v, "min", -100000, 100000, &g->min))
                return false;
            g->has_min = true;
            if (i > 0 && (!r->grades[i - 1].has_min || r->grades[i - 1].min <= g->min)) {
                fail(c, v, _("grade \"%s\" starts at %d, not below the band before it; expected "
                             "bands best first with falling min values"),
                     g->name, g->min);
                return false;
            }
        } else if (i + 1 < s->n) {
            fail(c, m,
                 _("grade \"%s\" has no min: but is not the last band; expected min: on every "
                   "band but the last"),
                 g->name);
            return false;
        }
    }
    return true;
}

static const char *const stage_keys[] = {"name",       "label", "label_fa", "probability",
                                         "stale_days", "kind",  "entry"};

static bool parse_stage_names(ctx *c, const node *s)
{
    if (!need(c, s, N_SEQ, "stages"))
        return false;
    if (s->n == 0 || s->n > 64) {
        fail(c, s, _("stages has %zu stages; expected 3 to 64 (open stages, one won, one lost)"),
             s->n);
        return false;
    }
    kz_rules *r = c->r;
    r->stages = rcalloc(r, s->n, sizeof *r->stages);
    r->entries = rcalloc(r, s->n, sizeof *r->entries);
    r->nentries = rcalloc(r, s->n, sizeof *r->nentries);
    r->nstages = s->n;
    int nwon = 0, nlost = 0, nopen = 0;
    kz_buf names = KZ_BUF_INIT;
    for (size_t i = 0; i < s->n; i++) {
        const node *m = s->kids[i];
        kz_stage *st = &r->stages[i];
        if (!need(c, m, N_MAP, "a stage") || !check_keys(c, m, stage_keys, COUNT(stage_keys), "a stage"))
            goto bad;
        const node *v = get(m, "name");
        if (!v) {
            fail(c, m, _("a stage has no name:; expected a simple key such as prospect"));
            goto bad;
        }
        if (!get_key_name(c, v, "stage name", &st->name))
            goto bad;
        for (size_t j = 0; j < i; j++)
            if (strcmp(r->stages[j].name, st->name) == 0) {
                fail(c, v,
                     _("duplicate stage \"%s\" (first at line %d); expected each stage name once"),
                     st->name, get(s->kids[j], "name")->line);
                goto bad;
            }
        st->label = st->name;
        if ((v = get(m, "label")) && !get_text(c, v, "label", &st->label))
            goto bad;
        st->label_rules = st->label;
        const char *fa = NULL;
        if ((v = get(m, "label_fa")) && !get_text(c, v, "label_fa", &fa))
            goto bad;
        st->label = kz_i18n_label(st->label, fa);
        st->position = (int)i;
        st->kind = KZ_STAGE_OPEN;
        if ((v = get(m, "kind"))) {
            const char *const *kinds = kz_stage_kind_names;
            if (!need(c, v, N_SCALAR, "kind"))
                goto bad;
            int k = index_of(kinds, KZ_STAGE_KINDS, v->val);
            if (k < 0) {
                char sug[96];
                suggestion(sug, sizeof sug, v->val, kinds, KZ_STAGE_KINDS);
                fail(c, v, _("unknown stage kind \"%s\"%s; expected open, won or lost"), v->val,
                     sug);
                goto bad;
            }
            st->kind = (kz_stage_kind)k;
        }
        if (!(v = get(m, "probability"))) {
            fail(c, m,
                 _("stage \"%s\" has no probability:; expected its win probability in percent"),
                 st->name);
            goto bad;
        }
        if (!get_int(c, v, "probability", 0, 100, &st->probability))
            goto bad;
        if ((v = get(m, "stale_days")) && !get_int(c, v, "stale_days", 0, 3650, &st->stale_days))
            goto bad;
        if (st->kind == KZ_STAGE_WON && nwon++) {
            fail(c, get(m, "kind"),
                 _("a second won stage \"%s\"; expected exactly one stage of kind won"), st->name);
            goto bad;
        }
        if (st->kind == KZ_STAGE_LOST && nlost++) {
            fail(c, get(m, "kind"),
                 _("a second lost stage \"%s\"; expected exactly one stage of kind lost"),
                 st->name);
            goto bad;
        }
        if (st->kind == KZ_STAGE_OPEN)
            nopen++;
        if (i == 0 && st->kind != KZ_STAGE_OPEN) {
            fail(c, m,
                 _("the first stage \"%s\" is %s; expected an open stage where new leads start"),
                 st->name, st->kind == KZ_STAGE_WON ? "won" : "lost");
            goto bad;
        }
        kz_buf_printf(&names, "%s%s", i ? ", " : "", st->name);
    }
    if (!nwon || !nlost) {
        fail(c, s,
             _("stages has no %s stage; expected one stage with kind: won and one with kind: lost"),
             nwon ? "lost" : "won");
        goto bad;
    }
    (void)nopen;
    r->stage_names = own(r, kz_buf_take(&names));
    return true;
bad:
    kz_buf_free(&names);
    return false;
}

static const char *const cmp_keys[] = {"above", "at_least", "below", "at_most", "equals"};
static const char *const cmp_syms[] = {">", ">=", "<", "<=", "="};

static bool parse_entry(ctx *c, const node *m, kz_entry *e, const char *stage)
{
    static const char *const keys[] = {"criterion", "grade", "above", "at_least", "below",
                                       "at_most",   "equals", "field"};
    if (!need(c, m, N_MAP, "an entry criterion"))
        return false;
    const node *cn = get(m, "criterion"), *gn = get(m, "grade"), *fn = get(m, "field");
    const node *sn = get(m, "stakeholder");
    int nkinds = !!cn + !!gn + !!fn + !!sn;
    if (nkinds != 1) {
        fail(c, m,
             _("an entry criterion of stage \"%s\" names %s; expected exactly one of "
               "criterion:, grade:, field: or stakeholder:"),
             stage,
             nkinds ? _("more than one of criterion, grade, field and stakeholder")
                    : _("none of criterion, grade, field and stakeholder"));
        return false;
    }
    char text[256];
    if (sn) {
        e->kind = KZ_ENTRY_FIELD;
        if (!parse_cond(c, m, &e->cond, "an entry criterion"))
            return false;
        e->text = e->cond.name;
        return true;
    }
    if (fn) {
        e->kind = KZ_ENTRY_FIELD;
        if (!parse_cond(c, m, &e->cond, "an entry criterion"))
            return false;
        e->text = rdup(c->r, fn->val);
        return true;
    }
    if (!check_keys(c, m, keys, COUNT(keys) - 1, "an entry criterion"))
        return false;
    if (gn) {
        e->kind = KZ_ENTRY_GRADE;
        const char *gnames[32];
        for (size_t i = 0; i < c->r->ngrades; i++)
            gnames[i] = c->r->grades[i].name;
        for (size_t i = 0; i < COUNT(cmp_keys); i++)
            if (get(m, cmp_keys[i])) {
                fail(c, get_key(m, cmp_keys[i]),
                     _("%s with grade:; expected grade: alone (a name or a "
                       "list of names)"),
                     cmp_keys[i]);
                return false;
            }
        if (!parse_vocab_list(c, gn, _("grade"), gnames, c->r->ngrades, &e->grades))
            return false;
        kz_buf b = KZ_BUF_INIT;
        kz_buf_puts(&b, "grade ");
        size_t k = 0, total = 0;
        for (size_t i = 0; i < c->r->ngrades; i++)
            total += (e->grades >> i) & 1u;
        for (size_t i = 0; i < c->r->ngrades; i++)
            if (e->grades & (1u << i))
                kz_buf_printf(&b, "%s%s", k++ ? (k == total ? " or " : ", ") : "", gnames[i]);
        e->text = own(c->r, kz_buf_take(&b));
        return true;
    }
    if (!need(c, cn, N_SCALAR, "criterion"))
        return false;
    int ci = index_of(crit_names, KZ_CRIT__COUNT, cn->val);
    if (ci < 0 && strcmp(cn->val, "score") != 0) {
        const char *names[KZ_CRIT__COUNT + 1];
        for (int i = 0; i < KZ_CRIT__COUNT; i++)
            names[i] = crit_names[i];
        names[KZ_CRIT__COUNT] = "score";
        char sug[96];
        suggestion(sug, sizeof sug, cn->val, names, KZ_CRIT__COUNT + 1);
        fail(c, cn, _("unknown criterion \"%s\"%s in the entry criteria of stage \"%s\"; expected "
                      "one of pain, interest, fit, budget, authority, need, timeline or score"),
             cn->val, sug, stage);
        return false;
    }
    e->kind = ci < 0 ? KZ_ENTRY_SCORE : KZ_ENTRY_CRIT;
    e->crit = ci < 0 ? KZ_CRIT_PAIN : (kz_criterion)ci;
    int found = 0;
    for (size_t i = 0; i < COUNT(cmp_keys); i++) {
        const node *v = get(m, cmp_keys[i]);
        if (!v)
            continue;
        if (found++) {
            fail(c, get_key(m, cmp_keys[i]), _("a second comparison (%s) for %s; expected one of "
                                               "above, at_least, below, at_most or equals"),
                 cmp_keys[i], cn->val);
            return false;
        }
        e->cmp = (int)i;
        if (!get_int(c, v, cmp_keys[i], -100000, 100000, &e->value))
            return false;
    }
    if (!found) {
        fail(c, m, _("entry criterion on %s has no comparison; expected one of above, at_least, "
                     "below, at_most or equals"),
             cn->val);
        return false;
    }
    snprintf(text, sizeof text, "%s %s %d", cn->val, cmp_syms[e->cmp], e->value);
    e->text = rdup(c->r, text);
    return true;
}

static bool parse_stage_entries(ctx *c, const node *s)
{
    for (size_t i = 0; i < s->n; i++) {
        const node *v = get(s->kids[i], "entry");
        if (!v)
            continue;
        const char *name = c->r->stages[i].name;
        if (!need(c, v, N_SEQ, "entry"))
            return false;
        c->r->entries[i] = rcalloc(c->r, v->n, sizeof **c->r->entries);
        c->r->nentries[i] = v->n;
        for (size_t j = 0; j < v->n; j++)
            if (!parse_entry(c, v->kids[j], &c->r->entries[i][j], name))
                return false;
    }
    return true;
}

static bool parse_custom(ctx *c, const node *s)
{
    if (!need(c, s, N_SEQ, "custom_fields"))
        return false;
    kz_rules *r = c->r;
    r->custom = rcalloc(r, s->n, sizeof *r->custom);
    for (size_t i = 0; i < s->n; i++) {
        const node *v = s->kids[i];
        if (!need(c, v, N_SCALAR, "a custom field"))
            return false;
        if (kz_field_lookup(v->val) >= 0) {
            fail(c, v, _("\"%s\" is a built-in field; expected a new name for a custom field"),
                 v->val);
            return false;
        }
        if (!kz_custom_name_ok(v->val)) {
            fail(c, v, _("custom field name \"%s\" is not valid; expected 1 to 64 of a-z, 0-9, _ "
                         "(and . or - after the first)"),
                 v->val);
            return false;
        }
        if (index_of(r->custom, r->ncustom, v->val) >= 0) {
            fail(c, v, _("custom field \"%s\" is declared twice; expected each name once"), v->val);
            return false;
        }
        r->custom[r->ncustom++] = rdup(r, v->val);
    }
    return true;
}

/* ---- load ---- */

/* The words people read for a list of keys ("no_budget" -> "no budget"),
 * where given (NULL, or NULL entries) has none from the rules file. */
static const char **key_labels(kz_rules *r, const char *const *keys, size_t n,
                               const char **given)
{
    const char **labels = rcalloc(r, n ? n : 1, sizeof *labels);
    kz_buf b = KZ_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (given && given[i]) {
            labels[i] = given[i];
            continue;
        }
        kz_buf_reset(&b);
        kz_label_key(keys[i], &b);
        labels[i] = rdup(r, kz_buf_str(&b));
    }
    kz_buf_free(&b);
    return labels;
}

static const char *const top_keys[] = {"version",  "score",    "grades", "custom_fields",
                                       "criteria", "personas", "stages", "lost_reasons",
                                       "statuses", "automatic_statuses", "currency",
                                       "owners",   "stage_map", "calendar", "digits", "bidi", "direction", "stakeholder_roles"};

/* currency: a three-letter code (EUR) or a symbol ($, €, ﷼): what
 * kz_money_parse accepts beside an amount. */
static bool parse_currency(ctx *c, const node *n)
{
    if (!need(c, n, N_SCALAR, "currency"))
        return false;
    const char *v = n->val;
    size_t len = strlen(v);
    bool code = len == 3;
    for (size_t i = 0; code && i < 3; i++)
        code = v[i] >= 'A' && v[i] <= 'Z';
    bool symbol = len > 0 && len <= 8 && kz_utf8_valid(v, len);
    for (size_t i = 0; symbol && i < len; i++)
        symbol = v[i] == '$' || (unsigned char)v[i] >= 0x80;
    if (!code && !symbol) {
        fail(c, n, _("currency is \"%s\"; expected a three-letter code such as EUR or a symbol "
                     "such as \"$\" or \"\xe2\x82\xac\""),
             v);
        return false;
    }
    c->r->currency = rdup(c->r, v);
    return true;
}

/* calendar:, digits:, bidi:, direction: the team's display settings, one
 * of the words kz_prefs knows for each. */
static bool parse_pref(ctx *c, const node *root, const char *key, const char **out)
{
    *out = NULL;
    const node *n = get(root, key);
    if (!n)
        return true;
    if (!need(c, n, N_SCALAR, key))
        return false;
    if (!kz_prefs_valid(key, n->val)) {
        fail(c, n, _("%s is \"%s\"; expected %s"), key, n->val, kz_prefs_words(key));
        return false;
    }
    *out = rdup(c->r, n->val);
    return true;
}

static bool parse_autos(ctx *c, const node *s)
{
    static const char *const keys[] = {"status", "label", "activity", "when", "at_least"};
    kz_rules *r = c->r;
    if (!need(c, s, N_SEQ, "automatic_statuses"))
        return false;
    r->autos = rcalloc(r, s->n ? s->n : 1, sizeof *r->autos);
    for (size_t i = 0; i < s->n; i++) {
        const node *m = s->kids[i];
        kz_autostatus *a = &r->autos[i];
        if (!need(c, m, N_MAP, "an automatic status") ||
            !check_keys(c, m, keys, COUNT(keys), "an automatic status"))
            return false;
        const node *v;
        if (!(v = get(m, "status"))) {
            fail(c, m, _("an automatic status has no status:; expected one of the statuses"));
            return false;
        }
        if (!get_text(c, v, "status", &a->status))
            return false;
        if (index_of(r->statuses, r->nstatuses, a->status) < 0) {
            char sug[96], list[600];
            suggestion(sug, sizeof sug, a->status, r->statuses, r->nstatuses);
            join(list, sizeof list, r->statuses, r->nstatuses);
            fail(c, v, _("unknown status \"%s\"%s; expected one of %s"), a->status, sug, list);
            return false;
        }
        if (!(v = get(m, "label"))) {
            fail(c, m, _("automatic status \"%s\" has no label:; expected a short description"),
                 a->status);
            return false;
        }
        if (!get_text(c, v, "label", &a->label))
            return false;
        a->match.label = a->label;
        a->match.within_days = -1;
        if (!(v = get(m, "activity"))) {
            fail(c, m,
                 _("automatic status \"%s\" has no activity:; expected the touches that set it"),
                 a->status);
            return false;
        }
        if (!parse_activity(c, v, &a->match))
            return false;
        if ((v = get(m, "when")) &&
            !parse_when(c, v, &a->match.when, &a->match.nwhen, "a condition"))
            return false;
        a->at_least = 1;
        if ((v = get(m, "at_least")) && !get_int(c, v, "at_least", 1, 1000, &a->at_least))
            return false;
    }
    r->nautos = s->n;
    return true;
}

/* The folded form of a word in an export ("Ada  Owner" -> "adaowner"). */
static const char *word_key(ctx *c, const node *k, const char *what)
{
    char key[256];
    kz_fold_key(k->val, key, sizeof key);
    if (!key[0]) {
        fail(c, k, _("%s key \"%s\" has no letters or digits; expected a name, an e-mail or "
                     "a word from an export"),
             what, k->val);
        return NULL;
    }
    return rdup(c->r, key);
}

static bool word_unique(ctx *c, const kz_word_map *v, size_t n, const char *key, const node *k,
                        const char *what)
{
    for (size_t j = 0; j < n; j++)
        if (strcmp(v[j].key, key) == 0) {
            fail(c, k, _("%s: \"%s\" is the same as an earlier key once case, spaces and "
                         "punctuation are set aside; expected each name once"),
                 what, k->val);
            return false;
        }
    return true;
}

/* owners: {"Ada Owner": ada, "ada@acme.example": ada}: who a name or an
 * e-mail in another CRM's export is among the team's accounts. */
static bool parse_owners(ctx *c, const node *m)
{
    kz_rules *r = c->r;
    if (!need(c, m, N_MAP, "owners"))
        return false;
    r->owner_words = rcalloc(r, m->n ? m->n / 2 : 1, sizeof *r->owner_words);
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const node *k = m->kids[i], *v = m->kids[i + 1];
        if (!need(c, k, N_SCALAR, "a key in owners") || !need(c, v, N_SCALAR, "an owner"))
            return false;
        const char *key = word_key(c, k, "owners:");
        if (!key || !word_unique(c, r->owner_words, r->nowner_words, key, k, "owners"))
            return false;
        kz_lead tmp;
        kz_lead_init(&tmp);
        kz_err e;
        kz_err_clear(&e);
        bool ok = kz_lead_assign(&tmp, "owner", v->val, false, &e) == KZ_OK && v->val[0];
        kz_lead_free(&tmp);
        if (!ok) {
            fail(c, v, _("owners: \"%s\" maps to \"%s\"; expected a Unix account name"), k->val,
                 v->val);
            return false;
        }
        kz_word_map *w = &r->owner_words[r->nowner_words++];
        w->key = key;
        w->account = rdup(r, v->val);
    }
    return true;
}

/* stage_map: {"Appointment Scheduled": prospect, "Closed Lost": {stage: lost,
 * lost_reason: other}, "Nurture": {status: subscriber}}: what another CRM's
 * stage or status word means here. A plain value names a stage, else a
 * status. Parsed after stages, statuses and lost reasons. */
static bool parse_stage_map(ctx *c, const node *m)
{
    static const char *const keys[] = {"stage", "status", "lost_reason"};
    kz_rules *r = c->r;
    if (!need(c, m, N_MAP, "stage_map"))
        return false;
    r->stage_words = rcalloc(r, m->n ? m->n / 2 : 1, sizeof *r->stage_words);
    char list[600];
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const node *k = m->kids[i], *v = m->kids[i + 1];
        if (!need(c, k, N_SCALAR, "a key in stage_map"))
            return false;
        const char *key = word_key(c, k, "stage_map:");
        if (!key || !word_unique(c, r->stage_words, r->nstage_words, key, k, "stage_map"))
            return false;
        kz_word_map *w = &r->stage_words[r->nstage_words];
        w->key = key;
        const node *st = NULL, *stt = NULL, *lr = NULL;
        if (v->type == N_SCALAR) {
            if (kz_rules_stage(r, v->val))
                st = v;
            else if (index_of(r->statuses, r->nstatuses, v->val) >= 0)
                stt = v;
            else {
                join(list, sizeof list, r->statuses, r->nstatuses);
                fail(c, v, _("stage_map: \"%s\" maps to \"%s\", neither a stage nor a status; "
                             "expected a stage (%s) or a status (%s)"),
                     k->val, v->val, r->stage_names, list);
                return false;
            }
        } else {
            if (!need(c, v, N_MAP, "a stage_map entry") ||
                !check_keys(c, v, keys, COUNT(keys), "a stage_map entry"))
                return false;
            st = get(v, "stage");
            stt = get(v, "status");
            lr = get(v, "lost_reason");
            if (!st && !stt) {
                fail(c, v, _("stage_map: \"%s\" has neither stage: nor status:; expected at "
                             "least one"),
                     k->val);
                return false;
            }
        }
        if (st) {
            if (!need(c, st, N_SCALAR, "stage") || !kz_rules_stage(r, st->val)) {
                if (st->type == N_SCALAR)
                    fail(c, st, _("stage_map: unknown stage \"%s\"; expected one of %s"), st->val,
                         r->stage_names);
                return false;
            }
            w->stage = rdup(r, st->val);
        }
        if (stt) {
            if (!need(c, stt, N_SCALAR, "status"))
                return false;
            if (index_of(r->statuses, r->nstatuses, stt->val) < 0) {
                join(list, sizeof list, r->statuses, r->nstatuses);
                fail(c, stt, _("stage_map: unknown status \"%s\"; expected one of %s"), stt->val,
                     list);
                return false;
            }
            w->status = rdup(r, stt->val);
        }
        if (lr) {
            if (!need(c, lr, N_SCALAR, "lost_reason"))
                return false;
            if (index_of(r->lost_reasons, r->nlost, lr->val) < 0) {
                join(list, sizeof list, r->lost_reasons, r->nlost);
                fail(c, lr, _("stage_map: unknown lost reason \"%s\"; expected one of %s"),
                     lr->val, list);
                return false;
            }
            w->lost_reason = rdup(r, lr->val);
        }
        r->nstage_words++;
    }
    return true;
}

static const kz_word_map *word_find(const kz_word_map *v, size_t n, const char *word)
{
    char key[256];
    kz_fold_key(word, key, sizeof key);
    for (size_t i = 0; key[0] && i < n; i++)
        if (strcmp(v[i].key, key) == 0)
            return &v[i];
    return NULL;
}

const char *kz_rules_owner_alias(const kz_rules *r, const char *name)
{
    const kz_word_map *w = word_find(r->owner_words, r->nowner_words, name);
    return w ? w->account : NULL;
}

bool kz_rules_stage_word(const kz_rules *r, const char *word, const char **stage,
                         const char **status, const char **lost_reason)
{
    const kz_word_map *w = word_find(r->stage_words, r->nstage_words, word);
    if (!w)
        return false;
    *stage = w->stage;
    *status = w->status;
    *lost_reason = w->lost_reason;
    return true;
}

/* stakeholder_roles: a list of role ids, or of {name, label} mappings. */
static bool parse_roles(ctx *c, const node *s)
{
    kz_rules *r = c->r;
    if (!need(c, s, N_SEQ, "stakeholder_roles"))
        return false;
    if (s->n == 0 || s->n > 32) {
        fail(c, s, _("stakeholder_roles has %zu roles; expected 1 to 32"), s->n);
        return false;
    }
    r->roles = rcalloc(r, s->n, sizeof *r->roles);
    r->role_labels = rcalloc(r, s->n, sizeof *r->role_labels);
    kz_buf b = KZ_BUF_INIT;
    for (size_t i = 0; i < s->n; i++) {
        const node *v = s->kids[i], *nn = v, *ln = NULL;
        if (v->type == N_MAP) {
            static const char *const keys[] = {"name", "label"};
            if (!check_keys(c, v, keys, COUNT(keys), "a stakeholder role"))
                goto fail;
            if (!(nn = get(v, "name"))) {
                fail(c, v,
                     _("a stakeholder role has no name:; expected an id such as decision_maker"));
                goto fail;
            }
            ln = get(v, "label");
        }
        if (!need(c, nn, N_SCALAR, "a stakeholder role"))
            goto fail;
        if (!kz_stakeholder_role_ok(nn->val)) {
            fail(c, nn, _("stakeholder role \"%s\" is not a valid id; expected 1 to 47 of a-z, "
                          "0-9 and _, starting with a letter"),
                 nn->val);
            goto fail;
        }
        if (index_of(r->roles, r->nroles, nn->val) >= 0) {
            fail(c, nn, _("stakeholder role \"%s\" is declared twice; expected each role once"),
                 nn->val);
            goto fail;
        }
        const char *label = NULL;
        if (ln && !get_text(c, ln, "label", &label))
            goto fail;
        r->roles[r->nroles] = rdup(r, nn->val);
        if (!label) {
            kz_buf_reset(&b);
            kz_label_key(nn->val, &b);
            label = kz_buf_str(&b);
        }
        r->role_labels[r->nroles++] = rdup(r, label);
    }
    kz_buf_free(&b);
    return true;
fail:
    kz_buf_free(&b);
    return false;
}

static void default_roles(kz_rules *r)
{
    static const char *const ids[] = {"decision_maker", "economic_buyer", "champion",
                                      "influencer",     "user",           "blocker"};
    static const char *const labels[] = {"decision maker", "economic buyer", "champion",
                                         "influencer",     "user",           "blocker"};
    r->roles = (const char **)ids;
    r->role_labels = (const char **)labels;
    r->nroles = COUNT(ids);
}

static bool compile_all(ctx *c, const node *root)
{
    kz_rules *r = c->r;
    if (!root) {
        fail(c, NULL, _("the rules file is empty; expected a mapping with at least stages:"));
        return false;
    }
    if (root->type != N_MAP) {
        fail(c, root,
             _("the rules file is %s; expected a mapping of sections (stages:, criteria:, ...)"),
             kind_name(root));
        return false;
    }
    if (!check_keys(c, root, top_keys, COUNT(top_keys), "the rules file"))
        return false;
    const node *v;
    if ((v = get(root, "version"))) {
        int ver;
        if (!get_int(c, v, "version", 1, 1, &ver))
            return false;
    }
    if ((v = get(root, "custom_fields")) && !parse_custom(c, v))
        return false;
    r->currency = "";
    if ((v = get(root, "currency")) && !parse_currency(c, v))
        return false;
    if (!parse_pref(c, root, "calendar", &r->calendar) ||
        !parse_pref(c, root, "digits", &r->digits) || !parse_pref(c, root, "bidi", &r->bidi) ||
        !parse_pref(c, root, "direction", &r->direction))
        return false;
    r->score_min = 0;
    r->score_max = 100;
    if ((v = get(root, "score")) && !parse_score(c, v))
        return false;
    if ((v = get(root, "grades"))) {
        if (!parse_grades(c, v))
            return false;
    } else {
        static const kz_grade def[] = {{"hot", true, 70}, {"warm", true, 40}, {"cold", false, 0}};
        r->grades = (kz_grade *)def;
        r->ngrades = 3;
    }
    if ((v = get(root, "lost_reasons"))) {
        if (!get_key_list(c, v, "lost_reasons", &r->lost_reasons, &r->nlost, &r->lost_labels,
                          &r->lost_labels_fa))
            return false;
    } else {
        r->lost_reasons = (const char **)default_lost;
        r->nlost = COUNT(default_lost);
    }
    if ((v = get(root, "statuses"))) {
        if (!get_key_list(c, v, "statuses", &r->statuses, &r->nstatuses, &r->status_labels,
                          &r->status_labels_fa))
            return false;
    } else {
        r->statuses = (const char **)default_statuses;
        r->nstatuses = COUNT(default_statuses);
    }
    if ((v = get(root, "stakeholder_roles"))) {
        if (!parse_roles(c, v))
            return false;
    } else {
        default_roles(r);
    }
    {
        char list[600];
        join(list, sizeof list, r->roles, r->nroles);
        r->role_names = rdup(r, list);
    }
    r->lost_labels = key_labels(r, r->lost_reasons, r->nlost, r->lost_labels);
    r->status_labels = key_labels(r, r->statuses, r->nstatuses, r->status_labels);
    const node *stages = get(root, "stages");
    if (!stages) {
        fail(c, root,
             _("the rules file has no stages:; expected the pipeline stages in funnel order"));
        return false;
    }
    if (!parse_stage_names(c, stages) || !parse_stage_entries(c, stages))
        return false;
    rule_vec rv = {0};
    bool ok = true;
    if ((v = get(root, "criteria")))
        ok = parse_criteria(c, v, &rv);
    if (rv.v)
        own(r, rv.v);
    r->rules = rv.v;
    r->nrules = rv.n;
    if (!ok)
        return false;
    for (size_t i = 0; i < r->nrules; i++)
        r->nbehaviour += r->rules[i].behaviour;
    if ((v = get(root, "personas")) && !parse_personas(c, v))
        return false;
    if ((v = get(root, "automatic_statuses")) && !parse_autos(c, v))
        return false;
    if ((v = get(root, "owners")) && !parse_owners(c, v))
        return false;
    if ((v = get(root, "stage_map")) && !parse_stage_map(c, v))
        return false;
    return true;
}

static void rules_free_pcre(kz_rules *r)
{
    for (size_t i = 0; i < r->ncodes; i++)
        pcre2_code_free(r->codes[i]);
    free(r->codes);
    pcre2_match_data_free(r->md);
    pcre2_match_context_free(r->mctx);
    pcre2_jit_stack_free(r->jstack);
}

void kz_rules_free(kz_rules *r)
{
    if (!r)
        return;
    rules_free_pcre(r);
    for (size_t i = 0; i < r->nowned; i++)
        free(r->owned[i]);
    free(r->owned);
    free(r);
}

kz_status kz_rules_load_buffer(const char *name, const char *text, size_t len, kz_rules **out,
                               kz_err *err)
{
    kz_err local;
    if (!err)
        err = &local;
    if (!name)
        name = "rules";
    if (len > KZ_RULES_MAX_BYTES)
        return kz_err_set(err, KZ_ERULES,
                          _("%s:1:1: the rules file is %zu bytes; expected at most %d bytes"), name,
                          len, KZ_RULES_MAX_BYTES);
    kz_rules *r = kz_xcalloc(1, sizeof *r);
    ctx c = {.name = name, .err = err, .r = r};
    node *root = NULL;
    kz_status st = parse_tree(&c, text ? text : "", text ? len : 0, &root);
    if (st == KZ_OK && !compile_all(&c, root))
        st = err->code ? err->code : KZ_ERULES;
    free_tree(&c);
    if (st == KZ_OK) {
        r->mctx = pcre2_match_context_create(NULL);
        r->md = pcre2_match_data_create(1, NULL);
        if (!r->mctx || !r->md) {
            kz_rules_free(r);
            return kz_err_set(err, KZ_ENOMEM, _("%s: out of memory"), name);
        }
        pcre2_set_match_limit(r->mctx, KZ_RULES_MATCH_LIMIT);
        pcre2_set_depth_limit(r->mctx, KZ_RULES_DEPTH_LIMIT);
        pcre2_set_heap_limit(r->mctx, KZ_RULES_HEAP_LIMIT);
        if (r->jit) {
            r->jstack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
            if (r->jstack)
                pcre2_jit_stack_assign(r->mctx, NULL, r->jstack);
        }
        r->acc = rcalloc(r, r->nrules, sizeof *r->acc);
        r->origin = rdup(r, name);
        *out = r;
        return KZ_OK;
    }
    kz_rules_free(r);
    return st;
}

kz_status kz_rules_read_file(const char *path, kz_buf *text, kz_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return kz_err_set(err, errno == ENOENT ? KZ_ENOTFOUND : KZ_EIO,
                          _("%s: cannot open the rules file: %s"), path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        return kz_err_set(err, KZ_EIO, _("%s: is a directory; expected a rules file"), path);
    }
    kz_buf_reset(text);
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        kz_buf_append(text, chunk, n);
        if (text->len > KZ_RULES_MAX_BYTES)
            break;
    }
    bool ioerr = ferror(f);
    fclose(f);
    if (ioerr)
        return kz_err_set(err, KZ_EIO, _("%s: read error"), path);
    if (text->len > KZ_RULES_MAX_BYTES)
        return kz_err_set(err, KZ_ERULES,
                          _("%s:1:1: the rules file is larger than %d bytes; expected at most %d "
                            "bytes"),
                          path, KZ_RULES_MAX_BYTES, KZ_RULES_MAX_BYTES);
    return KZ_OK;
}

kz_status kz_rules_load_file(const char *path, kz_rules **out, kz_err *err)
{
    kz_buf b = KZ_BUF_INIT;
    kz_status st = kz_rules_read_file(path, &b, err);
    if (st == KZ_OK)
        st = kz_rules_load_buffer(path, kz_buf_str(&b), b.len, out, err);
    kz_buf_free(&b);
    return st;
}

const char *kz_rules_builtin_text(void)
{
    return kz_embedded_rules;
}
size_t kz_rules_builtin_len(void)
{
    return kz_embedded_rules_len;
}

kz_status kz_rules_load_builtin(kz_rules **out, kz_err *err)
{
    kz_status st = kz_rules_load_buffer("built-in rules.yaml", kz_embedded_rules,
                                        kz_embedded_rules_len, out, err);
    if (st == KZ_OK) {
        (*out)->origin = rdup(*out, "built-in");
    }
    return st;
}

const char *kz_rules_origin(const kz_rules *r)
{
    return r->origin;
}

void kz_rules_resolve(const char *cli_path, const char *db_path, char *path_out, size_t path_len,
                      const char **why_out)
{
    const char *why = _("built-in default");
    if (path_len)
        path_out[0] = '\0';
    const char *env = getenv("KARIZ_RULES");
    if (cli_path && cli_path[0]) {
        snprintf(path_out, path_len, "%s", cli_path);
        why = "--rules";
    } else if (env && env[0]) {
        snprintf(path_out, path_len, "%s", env);
        why = "$KARIZ_RULES";
    } else if (db_path && db_path[0]) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", db_path);
        char *slash = strrchr(dir, '/');
        char cand[4200];
        if (!slash)
            snprintf(cand, sizeof cand, "rules.yaml");
        else if (slash == dir)
            snprintf(cand, sizeof cand, "/rules.yaml");
        else {
            *slash = '\0';
            snprintf(cand, sizeof cand, "%s/rules.yaml", dir);
        }
        struct stat sb;
        if (stat(cand, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
            snprintf(path_out, path_len, "%s", cand);
            why = _("team rules beside the database");
        }
    }
    if (why_out)
        *why_out = why;
}

/* ---- pipeline accessors ---- */

size_t kz_rules_stage_count(const kz_rules *r)
{
    return r->nstages;
}
const kz_stage *kz_rules_stages(const kz_rules *r)
{
    return r->stages;
}
const kz_stage *kz_rules_stage(const kz_rules *r, const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < r->nstages; i++)
        if (strcmp(r->stages[i].name, name) == 0)
            return &r->stages[i];
    return NULL;
}
const kz_stage *kz_rules_first_stage(const kz_rules *r)
{
    return &r->stages[0];
}

static const kz_stage *open_step(const kz_rules *r, const char *name, int dir)
{
    const kz_stage *s = kz_rules_stage(r, name);
    if (!s)
        return NULL;
    for (long i = (long)s->position + dir; i >= 0 && i < (long)r->nstages; i += dir)
        if (r->stages[i].kind == KZ_STAGE_OPEN)
            return &r->stages[i];
    return NULL;
}
const kz_stage *kz_rules_next_stage(const kz_rules *r, const char *name)
{
    return open_step(r, name, 1);
}
const kz_stage *kz_rules_prev_stage(const kz_rules *r, const char *name)
{
    return open_step(r, name, -1);
}
static const kz_stage *kind_stage(const kz_rules *r, kz_stage_kind k)
{
    for (size_t i = 0; i < r->nstages; i++)
        if (r->stages[i].kind == k)
            return &r->stages[i];
    return NULL;
}
const kz_stage *kz_rules_won_stage(const kz_rules *r)
{
    return kind_stage(r, KZ_STAGE_WON);
}
const kz_stage *kz_rules_lost_stage(const kz_rules *r)
{
    return kind_stage(r, KZ_STAGE_LOST);
}
const char *kz_rules_stage_names(const kz_rules *r)
{
    return r->stage_names;
}
const char *kz_rules_lost_reason_label(const kz_rules *r, size_t i)
{
    return i >= r->nlost ? ""
           : r->lost_labels_fa ? kz_i18n_label(r->lost_labels[i], r->lost_labels_fa[i])
                               : r->lost_labels[i];
}

const char *kz_rules_status_label(const kz_rules *r, size_t i)
{
    return i >= r->nstatuses ? ""
           : r->status_labels_fa ? kz_i18n_label(r->status_labels[i], r->status_labels_fa[i])
                                 : r->status_labels[i];
}

const char *kz_rules_currency(const kz_rules *r)
{
    return r->currency ? r->currency : "";
}

kz_status kz_rules_apply_prefs(const kz_rules *r, kz_err *err)
{
    return kz_prefs_team(r->calendar, r->digits, r->bidi, r->direction, err);
}

size_t kz_rules_lost_reason_count(const kz_rules *r)
{
    return r->nlost;
}
const char *kz_rules_lost_reason(const kz_rules *r, size_t i)
{
    return i < r->nlost ? r->lost_reasons[i] : NULL;
}
size_t kz_rules_status_count(const kz_rules *r)
{
    return r->nstatuses;
}
const char *kz_rules_status(const kz_rules *r, size_t i)
{
    return i < r->nstatuses ? r->statuses[i] : NULL;
}
const char *kz_rules_grade_for(const kz_rules *r, int score)
{
    for (size_t i = 0; i < r->ngrades; i++)
        if (!r->grades[i].has_min || score >= r->grades[i].min)
            return r->grades[i].name;
    return r->grades[r->ngrades - 1].name;
}
size_t kz_rules_grade_count(const kz_rules *r)
{
    return r->ngrades;
}
const char *kz_rules_grade_name(const kz_rules *r, size_t i)
{
    return i < r->ngrades ? r->grades[i].name : NULL;
}
size_t kz_rules_custom_field_count(const kz_rules *r)
{
    return r->ncustom;
}
const char *kz_rules_custom_field(const kz_rules *r, size_t i)
{
    return i < r->ncustom ? r->custom[i] : NULL;
}
size_t kz_rules_persona_count(const kz_rules *r)
{
    return r->npersonas;
}
const char *kz_rules_persona_name(const kz_rules *r, size_t i)
{
    return i < r->npersonas ? r->personas[i].name : NULL;
}

size_t kz_rules_role_count(const kz_rules *r)
{
    return r->nroles;
}

const char *kz_rules_role(const kz_rules *r, size_t i)
{
    return i < r->nroles ? r->roles[i] : NULL;
}

const char *kz_rules_role_label(const kz_rules *r, size_t i)
{
    return i < r->nroles ? r->role_labels[i] : NULL;
}

int kz_rules_role_index(const kz_rules *r, const char *role)
{
    return role ? index_of(r->roles, r->nroles, role) : -1;
}

const char *kz_rules_role_names(const kz_rules *r)
{
    return r->role_names;
}
