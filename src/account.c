/* account.c - companies as accounts (see account.h). */
#include "kariz/account.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kariz/i18n.h"
#include "kariz/text.h"

/* Legal forms dropped from the end of a company name. */
static const char *const legal_forms[] = {
    "ltd",   "limited", "inc",  "incorporated", "llc", "llp", "lp",   "plc", "corp",
    "corporation", "co", "company", "gmbh", "ag",   "sa",  "sas", "sarl", "bv",  "nv",
    "oy",    "ab",   "as",   "spa",  "srl",  "pty",  "kg",  "pjs", "sdn", "bhd", "&"};

static bool is_legal_form(const char *w, size_t n)
{
    for (size_t i = 0; i < sizeof legal_forms / sizeof legal_forms[0]; i++)
        if (strlen(legal_forms[i]) == n && memcmp(legal_forms[i], w, n) == 0)
            return true;
    return false;
}

void kz_company_key(const char *company, kz_buf *out)
{
    if (!company)
        return;
    long *cps = NULL;
    size_t n = kz_text_fold(company, &cps);
    size_t start = out->len;
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        long cp = cps[i];
        if (cp == '.' || cp == '\'' || cp == 0x2019) /* "A.B.", "O'Neil" */
            continue;
        bool word = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp >= 0x80;
        /* Unicode punctuation and spaces in the general ranges */
        if (cp >= 0x2000 && cp <= 0x206f)
            word = false;
        if (cp == '&') { /* "A&B" and "A & B" */
            word = true;
        }
        if (!word) {
            space = out->len > start;
            continue;
        }
        if (space)
            kz_buf_putc(out, ' ');
        space = false;
        char b[4];
        kz_buf_append(out, b, kz_utf8_encode(cp < 0 ? 0xfffd : cp, b));
    }
    free(cps);
    /* drop legal forms at the end, keeping at least one word */
    for (;;) {
        char *s = out->s ? out->s + start : NULL;
        if (!s)
            break;
        char *last = strrchr(s, ' ');
        if (!last)
            break;
        if (!is_legal_form(last + 1, strlen(last + 1)))
            break;
        out->len = (size_t)(last - out->s);
        out->s[out->len] = '\0';
    }
}

static const char *const free_mail[] = {
    "gmail.com",   "googlemail.com", "yahoo.com",  "hotmail.com", "outlook.com", "live.com",
    "msn.com",     "aol.com",        "icloud.com", "me.com",      "mail.com",    "gmx.com",
    "gmx.de",      "web.de",         "proton.me",  "protonmail.com", "yandex.com", "yandex.ru",
    "mail.ru",     "qq.com",         "163.com",    "126.com",     "zoho.com",    "fastmail.com",
    "yahoo.co.uk", "hotmail.co.uk",  "example.com", "example.org", "example.net"};

bool kz_email_company_domain(const char *email, kz_buf *out)
{
    const char *at = email ? strrchr(email, '@') : NULL;
    if (!at || !at[1])
        return false;
    char dom[256];
    size_t n = 0;
    for (const char *p = at + 1; *p && n + 1 < sizeof dom; p++) {
        char ch = *p;
        if (ch == ' ' || ch == '>' || ch == '\t')
            break;
        dom[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    dom[n] = '\0';
    if (!n || !strchr(dom, '.'))
        return false;
    for (size_t i = 0; i < sizeof free_mail / sizeof free_mail[0]; i++)
        if (strcmp(free_mail[i], dom) == 0)
            return false;
    kz_buf_puts(out, dom);
    return true;
}

/* ---- loading ---- */

typedef struct collect {
    kz_lead *v;
    size_t n, cap;
} collect;

static bool collect_lead(const kz_lead *l, void *ud)
{
    collect *c = ud;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->v = kz_xrealloc(c->v, c->cap * sizeof *c->v);
    }
    kz_lead_init(&c->v[c->n]);
    kz_lead_copy(&c->v[c->n++], l);
    return c->n < 100000;
}

static void collect_free(collect *c)
{
    for (size_t i = 0; i < c->n; i++)
        kz_lead_free(&c->v[i]);
    free(c->v);
    memset(c, 0, sizeof *c);
}

/* The leads of the account with this key: by key and alias, then by the
 * company domains of those leads' e-mail addresses. */
static kz_status account_leads(kz_store *st, const char *key, collect *c, kz_err *err)
{
    kz_status ks = kz_store_company_leads(st, key, NULL, 0, collect_lead, c, err);
    if (ks != KZ_OK || c->n == 0)
        return ks;
    const char *doms[16];
    kz_buf dbuf[16];
    size_t nd = 0;
    for (size_t i = 0; i < c->n && nd < 16; i++) {
        kz_buf d = KZ_BUF_INIT;
        if (!kz_email_company_domain(kz_lead_text(&c->v[i], KZ_F_EMAIL), &d)) {
            kz_buf_free(&d);
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < nd && !dup; j++)
            dup = strcmp(doms[j], kz_buf_str(&d)) == 0;
        if (dup) {
            kz_buf_free(&d);
            continue;
        }
        dbuf[nd] = d;
        doms[nd] = kz_buf_str(&dbuf[nd]);
        nd++;
    }
    if (nd) {
        collect_free(c);
        ks = kz_store_company_leads(st, key, doms, nd, collect_lead, c, err);
    }
    for (size_t i = 0; i < nd; i++)
        kz_buf_free(&dbuf[i]);
    return ks;
}

/* The account key of a company name and e-mail address: the company's key
 * through the aliases; without a company, the key of a company that leads
 * at the e-mail's domain name; failing that, the domain itself (*domain_only
 * set). Empty when neither says anything. */
static kz_status resolve_key(kz_store *st, const char *company, const char *email, kz_buf *key,
                             bool *domain_only, kz_err *err)
{
    *domain_only = false;
    kz_company_key(company, key);
    kz_status ks = KZ_OK;
    if (!key->len) {
        kz_buf d = KZ_BUF_INIT;
        if (kz_email_company_domain(email, &d)) {
            collect c = {0};
            const char *dom = kz_buf_str(&d);
            ks = kz_store_company_leads(st, "", &dom, 1, collect_lead, &c, err);
            for (size_t i = 0; ks == KZ_OK && i < c.n && !key->len; i++)
                kz_company_key(kz_lead_text(&c.v[i], KZ_F_COMPANY), key);
            if (!key->len) {
                kz_buf_puts(key, dom);
                *domain_only = true;
            }
            collect_free(&c);
        }
        kz_buf_free(&d);
    }
    if (ks == KZ_OK && key->len && !*domain_only) {
        char *canon = NULL;
        ks = kz_store_company_alias_get(st, kz_buf_str(key), &canon, err);
        if (ks == KZ_OK && canon) {
            kz_buf_reset(key);
            kz_buf_puts(key, canon);
        }
        free(canon);
    }
    return ks;
}

/* The leads of the account of a company name and e-mail address. */
static kz_status leads_of(kz_store *st, const char *company, const char *email, kz_buf *key,
                          collect *c, kz_err *err)
{
    bool domain_only;
    kz_status ks = resolve_key(st, company, email, key, &domain_only, err);
    if (ks != KZ_OK || !key->len)
        return ks;
    if (domain_only) {
        const char *dom = kz_buf_str(key);
        return kz_store_company_leads(st, "", &dom, 1, collect_lead, c, err);
    }
    return account_leads(st, kz_buf_str(key), c, err);
}

/* A company spelling and the position of its lead, ordered by spelling, then
 * by position. */
typedef struct spelling {
    const char *s;
    size_t at;
} spelling;

static int spelling_cmp(const void *a, const void *b)
{
    const spelling *x = a, *y = b;
    int c = strcmp(x->s, y->s);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* The company as most of the leads spell it (the first on a tie); NULL
 * when none has one. The spellings are sorted, so equal ones are counted
 * as one run, whatever the number of leads. */
static const char *common_spelling(const collect *c)
{
    spelling *v = kz_xmalloc((c->n ? c->n : 1) * sizeof *v); /* owned */
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++) {
        const char *ci = kz_lead_text(&c->v[i], KZ_F_COMPANY);
        if (ci && *ci) {
            v[n].s = ci;
            v[n++].at = i;
        }
    }
    if (n > 1)
        qsort(v, n, sizeof *v, spelling_cmp);
    const char *best = NULL;
    size_t most = 0, best_at = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(v[j].s, v[i].s) == 0)
            j++;
        /* v[i] is the run's first lead */
        if (j - i > most || (j - i == most && v[i].at < best_at)) {
            most = j - i;
            best = v[i].s;
            best_at = v[i].at;
        }
        i = j;
    }
    free(v);
    return best;
}

kz_status kz_account_load(kz_store *st, const kz_rules *r, const char *name, kz_account *out,
                          kz_err *err)
{
    memset(out, 0, sizeof *out);
    kz_buf key = KZ_BUF_INIT;
    kz_lead probe;
    kz_lead_init(&probe);
    collect c = {0};
    int64_t id = 0;
    kz_status ks = KZ_OK;
    if (kz_parse_int(name, &id) == KZ_OK && id > 0) {
        ks = kz_store_lead_get(st, id, &probe, err);
        if (ks == KZ_OK)
            ks = leads_of(st, kz_lead_text(&probe, KZ_F_COMPANY), kz_lead_text(&probe, KZ_F_EMAIL),
                          &key, &c, err);
        if (ks == KZ_OK && !key.len)
            ks = kz_err_set(err, KZ_EINVAL,
                            _("lead %" PRId64 " has no company and no company e-mail domain"), id);
    } else {
        /* a company name, or a company e-mail domain ("acme.com") */
        kz_buf probe_mail = KZ_BUF_INIT;
        kz_buf_printf(&probe_mail, "@%s", name);
        bool dom = strchr(name, '.') && !strchr(name, ' ');
        ks = leads_of(st, dom ? NULL : name, dom ? kz_buf_str(&probe_mail) : NULL, &key, &c, err);
        if (ks == KZ_OK && c.n == 0 && dom) {
            kz_buf_reset(&key);
            ks = leads_of(st, name, NULL, &key, &c, err);
        }
        kz_buf_free(&probe_mail);
        if (ks == KZ_OK && !key.len)
            ks = kz_err_set(err, KZ_EINVAL, _("\"%s\" is no company name"), name);
    }
    if (ks == KZ_OK && c.n == 0)
        ks = kz_err_set(err, KZ_ENOTFOUND, _("no leads at a company \"%s\""), name);
    if (ks != KZ_OK) {
        collect_free(&c);
        kz_buf_free(&key);
        kz_lead_free(&probe);
        return ks;
    }
    out->key = kz_buf_take(&key);
    out->leads = c.v;
    out->nleads = c.n;
    /* the name: the spelling most leads use */
    const char *common = common_spelling(&c);
    out->name = kz_xstrdup(common ? common : out->key);
    for (size_t i = 0; i < c.n && ks == KZ_OK; i++) {
        const kz_lead *l = &c.v[i];
        int64_t lid = kz_lead_num(l, KZ_F_ID);
        const kz_stage *sg = kz_rules_stage(r, kz_lead_text(l, KZ_F_STAGE));
        if (!sg || sg->kind == KZ_STAGE_OPEN) {
            out->nopen++;
            int64_t v = kz_lead_num(l, KZ_F_VALUE);
            int p = kz_lead_has(l, KZ_F_PROBABILITY) ? (int)kz_lead_num(l, KZ_F_PROBABILITY)
                                                       : sg ? sg->probability : 0;
            out->open_value += v;
            out->weighted += v * p / 100;
        }
        ks = kz_store_stakeholders(st, lid, &out->people, err);
        kz_activity_list acts = {0};
        if (ks == KZ_OK)
            ks = kz_store_activities(st, lid, &acts, err);
        for (size_t a = 0; ks == KZ_OK && a < acts.n; a++)
            if (acts.v[a].at >= out->last_touch) {
                out->last_touch = acts.v[a].at;
                snprintf(out->last_by, sizeof out->last_by, "%s", acts.v[a].author);
            }
        kz_activity_list_free(&acts);
    }
    kz_lead_free(&probe);
    if (ks != KZ_OK)
        kz_account_free(out);
    return ks;
}

void kz_account_free(kz_account *a)
{
    free(a->name);
    free(a->key);
    for (size_t i = 0; i < a->nleads; i++)
        kz_lead_free(&a->leads[i]);
    free(a->leads);
    kz_stakeholder_list_free(&a->people);
    memset(a, 0, sizeof *a);
}

/* Lead ids, sorted: the leads of the accounts an import's notices have
 * covered. */
typedef struct idvec {
    int64_t *v; /* owned */
    size_t n, cap;
} idvec;

static int id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static bool idvec_has(const idvec *s, int64_t id)
{
    return s->n && bsearch(&id, s->v, s->n, sizeof *s->v, id_cmp);
}

/* Adds the leads of c to s, which stays sorted. */
static void idvec_add(idvec *s, const collect *c)
{
    if (s->n + c->n > s->cap) {
        s->cap = (s->n + c->n) * 2;
        s->v = kz_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    for (size_t i = 0; i < c->n; i++)
        s->v[s->n++] = kz_lead_num(&c->v[i], KZ_F_ID);
    qsort(s->v, s->n, sizeof *s->v, id_cmp);
}

/* kz_account_worked_by_others; when seen is not NULL, the account's leads
 * are added to it. */
static bool worked_by_others(kz_store *st, const kz_rules *r, const kz_lead *lead,
                             const char *owner, kz_buf *out, idvec *seen)
{
    kz_buf key = KZ_BUF_INIT;
    kz_err err;
    collect c = {0};
    kz_status ks = leads_of(st, kz_lead_text(lead, KZ_F_COMPANY), kz_lead_text(lead, KZ_F_EMAIL),
                            &key, &c, &err);
    if (ks == KZ_OK && seen)
        idvec_add(seen, &c);
    /* open leads of others, counted per owner in order of first sight */
    const char *owners[16];
    size_t counts[16], nown = 0, total = 0;
    int64_t self = kz_lead_num(lead, KZ_F_ID);
    int64_t run = kz_lead_num(lead, KZ_F_IMPORT_ID);
    const char *company = NULL;
    for (size_t i = 0; ks == KZ_OK && i < c.n; i++) {
        const kz_lead *l = &c.v[i];
        const char *o = kz_lead_text(l, KZ_F_OWNER);
        const kz_stage *sg = kz_rules_stage(r, kz_lead_text(l, KZ_F_STAGE));
        if ((self && kz_lead_num(l, KZ_F_ID) == self) || !o || !*o ||
            (run && kz_lead_num(l, KZ_F_IMPORT_ID) == run) ||
            (owner && strcmp(o, owner) == 0) || (sg && sg->kind != KZ_STAGE_OPEN))
            continue;
        if (!company)
            company = kz_lead_text(l, KZ_F_COMPANY);
        size_t k = 0;
        while (k < nown && strcmp(owners[k], o) != 0)
            k++;
        if (k == nown && nown < 16) {
            owners[nown] = o;
            counts[nown++] = 0;
        }
        if (k < nown)
            counts[k]++;
        total++;
    }
    if (total) {
        /* the company as most of its leads spell it */
        const char *name = common_spelling(&c);
        if (!name)
            name = company && *company ? company : kz_lead_text(lead, KZ_F_COMPANY);
        if (!name || !*name)
            name = kz_buf_str(&key);
        kz_buf_printf(out, "%s: ", name);
        for (size_t k = 0; k < nown; k++) {
            if (k == 0)
                kz_buf_printf(out, P_("%zu open lead owned by %s", "%zu open leads owned by %s",
                                      counts[k]),
                              counts[k], owners[k]);
            else
                kz_buf_printf(out, _(", %zu by %s"), counts[k], owners[k]);
        }
    }
    collect_free(&c);
    kz_buf_free(&key);
    return total > 0;
}

bool kz_account_worked_by_others(kz_store *st, const kz_rules *r, const kz_lead *lead,
                                 const char *owner, kz_buf *out)
{
    return worked_by_others(st, r, lead, owner, out, NULL);
}

/* An import's lead and its account key, ordered by key, then by position. */
typedef struct keyed {
    char *key; /* owned */
    size_t at;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

size_t kz_account_import_notices(kz_store *st, const kz_rules *r, int64_t import_id,
                                 const char *actor, kz_buf *out)
{
    collect c = {0};
    kz_err err;
    if (kz_store_import_leads(st, import_id, collect_lead, &c, &err) != KZ_OK) {
        collect_free(&c);
        return 0;
    }
    /* each company once, at its first lead: the keys sorted (by key, then
     * position), the first of each run of equal keys marked */
    keyed *ks = kz_xmalloc((c.n ? c.n : 1) * sizeof *ks); /* owned */
    bool *first = kz_xmalloc((c.n ? c.n : 1) * sizeof *first); /* owned */
    size_t nk = 0;
    kz_buf key = KZ_BUF_INIT, line = KZ_BUF_INIT; /* owned */
    for (size_t i = 0; i < c.n; i++) {
        const kz_lead *l = &c.v[i];
        first[i] = false;
        kz_buf_reset(&key);
        kz_company_key(kz_lead_text(l, KZ_F_COMPANY), &key);
        if (!key.len)
            kz_email_company_domain(kz_lead_text(l, KZ_F_EMAIL), &key);
        if (!key.len)
            continue;
        ks[nk].key = kz_xstrdup(kz_buf_str(&key));
        ks[nk++].at = i;
    }
    if (nk > 1)
        qsort(ks, nk, sizeof *ks, keyed_cmp);
    for (size_t i = 0; i < nk; i++)
        first[ks[i].at] = i == 0 || strcmp(ks[i - 1].key, ks[i].key) != 0;
    /* and each account once: companies that share a company e-mail domain
     * are one account, read and told at the first of them */
    idvec seen = {0};
    size_t lines = 0;
    for (size_t i = 0; i < c.n; i++) {
        if (!first[i] || idvec_has(&seen, kz_lead_num(&c.v[i], KZ_F_ID)))
            continue;
        const kz_lead *l = &c.v[i];
        const char *owner = kz_lead_text(l, KZ_F_OWNER);
        kz_buf_reset(&line);
        if (worked_by_others(st, r, l, owner && *owner ? owner : actor, &line, &seen)) {
            kz_buf_printf(out, "%s\n", kz_buf_str(&line));
            lines++;
        }
    }
    for (size_t i = 0; i < nk; i++)
        free(ks[i].key);
    free(ks);
    free(first);
    free(seen.v);
    kz_buf_free(&key);
    kz_buf_free(&line);
    collect_free(&c);
    return lines;
}
