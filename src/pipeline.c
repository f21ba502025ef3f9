/* pipeline.c - salesperson operations shared by the CLI and the board.
 * Each is one write transaction: change, rescore, log, commit — or nothing. */
#include "kariz/i18n.h"
#include "kariz/labels.h"
#include "kariz/money.h"
#include "kariz/pipeline.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include "kariz/dates.h"
#include "kariz/hooks.h"
#include "kariz/i18n.h"
#include "kariz/text.h"

int64_t kz_session_now(const kz_session *s)
{
    return s->now ? s->now : (int64_t)time(NULL);
}

/* Rescores a lead into its fields; loads its activities into acts unless
 * *loaded says they are there already (an operation scores twice when it
 * checks entry criteria, and adds no activity in between). */
static kz_status rescore_into(kz_session *s, kz_lead *lead, kz_activity_list *acts,
                              bool *loaded, kz_score *score, kz_err *err)
{
    if (!*loaded) {
        kz_activity_list_clear(acts);
        kz_status ks = kz_store_activities(s->store, kz_lead_num(lead, KZ_F_ID), acts, err);
        if (ks != KZ_OK)
            return ks;
        *loaded = true;
    }
    kz_score_lead(s->rules, lead, acts->v, acts->n, kz_session_now(s), score);
    kz_score_apply(score, lead);
    return KZ_OK;
}

/* The stage a person named, by its id or the label kariz shows
 * (kz_label_find_stage); NULL with the error when none. */
static const kz_stage *find_stage(const kz_session *s, const char *stage, kz_err *err)
{
    const char *name = kz_label_find_stage(s->rules, stage);
    if (!name)
        kz_err_set(err, KZ_EINVAL, _("unknown stage \"%s\" (stages: %s)"), stage ? stage : "",
                   kz_rules_stage_names(s->rules));
    return name ? kz_rules_stage(s->rules, name) : NULL;
}

/* A status a person sets must be one the rules declare (when they declare
 * any); a status that was already there (imported, or set by an older
 * rules file) is left alone. */
static kz_status check_status(const kz_session *s, const kz_lead *before, kz_lead *lead,
                              kz_err *err)
{
    const char *st = kz_lead_text(lead, KZ_F_STATUS);
    const char *was = before ? kz_lead_text(before, KZ_F_STATUS) : NULL;
    size_t n = kz_rules_status_count(s->rules);
    if (!st || !*st || n == 0 || (was && strcmp(was, st) == 0))
        return KZ_OK;
    const char *named = kz_label_find_status(s->rules, st); /* the id, or its label */
    if (named) {
        kz_lead_set_text(lead, KZ_F_STATUS, named);
        return KZ_OK;
    }
    kz_buf list = KZ_BUF_INIT; /* owned */
    for (size_t i = 0; i < n; i++)
        kz_buf_printf(&list, "%s%s", i ? ", " : "", kz_rules_status(s->rules, i));
    kz_err_set(err, KZ_EINVAL, _("status \"%s\" is not one of the rules' statuses (%s)"), st,
               kz_buf_str(&list));
    kz_buf_free(&list);
    return KZ_EINVAL;
}

kz_status kz_pipe_check_field(const kz_session *s, const kz_lead *lead, const char *name,
                              kz_err *err)
{
    if (kz_field_lookup(name) >= 0 || (lead && kz_lead_custom(lead, name)))
        return KZ_OK;
    size_t n = kz_rules_custom_field_count(s->rules);
    const char **declared = kz_xcalloc(n ? n : 1, sizeof *declared); /* owned */
    for (size_t i = 0; i < n; i++) {
        declared[i] = kz_rules_custom_field(s->rules, i);
        if (strcmp(declared[i], name) == 0) {
            free(declared);
            return KZ_OK;
        }
    }
    const char *near = kz_field_suggest(name, declared, n);
    kz_status ks = KZ_OK;
    if (near)
        ks = kz_err_set(err, KZ_EINVAL,
                        _("field \"%s\": no such field; did you mean %s? (a new name this "
                          "close to a known field is taken for a typo; to use it as a custom "
                          "field, declare it under custom_fields in the rules)"),
                        name, near);
    free(declared);
    return ks;
}

const char *kz_pipe_date_value(kz_session *s, const char *field, const char *value, char *buf,
                               size_t len)
{
    int f = kz_field_lookup(field);
    int day;
    kz_err ignored;
    if (f < 0 || kz_field_get((kz_field)f)->type != KZ_FT_DATE || !value || !*value ||
        kz_day_parse_date(value, &day) == KZ_OK || len < 11 ||
        kz_date_parse(value, kz_today(kz_session_now(s)), &day, &ignored) != KZ_OK)
        return value;
    kz_day_format(day, buf);
    return buf;
}

bool kz_pipe_field_is_new(const kz_session *s, const kz_lead *lead, const char *name)
{
    if (kz_field_lookup(name) >= 0 || (lead && kz_lead_custom(lead, name)))
        return false;
    for (size_t i = 0; i < kz_rules_custom_field_count(s->rules); i++)
        if (strcmp(kz_rules_custom_field(s->rules, i), name) == 0)
            return false;
    return true;
}

/* The database's own users (PostgreSQL roles), when it has them: true and
 * *users, *n set (kz_store_owners_free; none when they cannot be read: the
 * system's accounts are never asked in their place); false when its users
 * are the system's accounts. */
static bool db_users(kz_session *s, char ***users, size_t *n)
{
    bool listed = false;
    kz_err ignored;
    *users = NULL;
    *n = 0;
    if (s->store)
        kz_store_users(s->store, &listed, users, n, &ignored);
    return listed;
}

bool kz_user_known(kz_session *s, const char *name)
{
    if (!name || !*name || strcmp(name, s->actor) == 0)
        return true;
    char **users;
    size_t nusers;
    if (db_users(s, &users, &nusers)) {
        bool found = false;
        for (size_t i = 0; i < nusers && !found; i++)
            found = strcmp(users[i], name) == 0;
        kz_store_owners_free(users, nusers);
        if (found)
            return true;
    } else if (getpwnam(name)) {
        return true;
    }
    if (!s->store) /* no database yet: nobody owns a lead */
        return false;
    kz_query q = {0};
    q.owner = name;
    q.count_cap = 1;
    int64_t n = 0;
    kz_err err;
    return kz_store_count(s->store, &q, &n, &err) == KZ_OK && n > 0;
}

bool kz_user_near(kz_session *s, const char *name, char *out, size_t len)
{
    /* the closest of the users (the database's, or the accounts here),
     * the owners of leads and you */
    size_t n = 0, cap = 64, nowners = 0, nusers = 0;
    kz_buf names = KZ_BUF_INIT; /* owned: the users' names, NUL-separated */
    size_t *offs = kz_xcalloc(cap, sizeof *offs); /* owned */
    char **users = NULL;
    bool listed = db_users(s, &users, &nusers);
    for (size_t i = 0; i < nusers; i++) {
        if (n == cap) {
            cap *= 2;
            offs = kz_xrealloc(offs, cap * sizeof *offs);
        }
        offs[n++] = names.len;
        kz_buf_append(&names, users[i], strlen(users[i]) + 1);
    }
    kz_store_owners_free(users, nusers);
    if (!listed)
        setpwent();
    for (struct passwd *pw; !listed && (pw = getpwent()) != NULL;) {
        if (n == cap) {
            cap *= 2;
            offs = kz_xrealloc(offs, cap * sizeof *offs);
        }
        offs[n++] = names.len;
        kz_buf_append(&names, pw->pw_name, strlen(pw->pw_name) + 1);
    }
    if (!listed)
        endpwent();
    char **owners = NULL;
    kz_err ignored;
    if (s->store && kz_store_owners(s->store, &owners, &nowners, &ignored) != KZ_OK)
        nowners = 0; /* the hint is only a hint */
    const char **cands = kz_xcalloc(n + nowners + 1, sizeof *cands); /* owned */
    for (size_t i = 0; i < n; i++)
        cands[i] = names.s + offs[i];
    for (size_t i = 0; i < nowners; i++)
        cands[n + i] = owners[i];
    cands[n + nowners] = s->actor; /* (you, always a user, whatever the list says) */
    const char *near = kz_name_suggest(name, cands, n + nowners + 1);
    if (near)
        snprintf(out, len, "%s", near);
    kz_store_owners_free(owners, nowners);
    free(cands);
    free(offs);
    kz_buf_free(&names);
    return near != NULL;
}

kz_status kz_user_check(kz_session *s, const char *name, kz_err *err)
{
    if (kz_user_known(s, name))
        return KZ_OK;
    char near[KZ_USER_MAX + 1];
    bool close = kz_user_near(s, name, near, sizeof near);
    char **users;
    size_t nusers;
    if (!db_users(s, &users, &nusers)) /* the system's accounts */
        return close ? kz_err_set(err, KZ_EINVAL, _("no account named \"%s\" (did you mean %s?)"),
                                  name, near)
                     : kz_err_set(err, KZ_EINVAL,
                                  _("no account named \"%s\", and no lead is owned by that name"),
                                  name);
    /* a server's users are the team's roles: the name may well be a role
     * (the tables' owner, a reader), only not one that works the leads */
    kz_status ks;
    if (close && nusers == 0) {
        ks = kz_err_set(err, KZ_EINVAL,
                        _("\"%s\" is not one of the team's roles (did you mean %s?)"), name, near);
    } else if (nusers == 0) {
        ks = kz_err_set(err, KZ_EINVAL,
                        _("\"%s\" is not one of the team's roles (the database has none yet: "
                          "roles that may sign in and change leads), and no lead is owned by "
                          "that name"),
                        name);
    } else {
        enum { SHOWN = 8 }; /* a long team is cut */
        kz_buf team = KZ_BUF_INIT; /* owned */
        for (size_t i = 0; i < nusers && i < SHOWN; i++)
            kz_buf_printf(&team, "%s%s", i ? ", " : "", users[i]);
        if (nusers > SHOWN)
            kz_buf_printf(&team, ", ...");
        /* (a near name may be a role or an owner of leads: the team is
         * listed either way) */
        if (close)
            ks = kz_err_set(err, KZ_EINVAL,
                            _("\"%s\" is not one of the team's roles (the team: %s), and no lead "
                              "is owned by that name; did you mean %s?"),
                            name, kz_buf_str(&team), near);
        else
            ks = kz_err_set(err, KZ_EINVAL,
                            _("\"%s\" is not one of the team's roles (the team: %s), and no lead "
                              "is owned by that name"),
                            name, kz_buf_str(&team));
        kz_buf_free(&team);
    }
    kz_store_owners_free(users, nusers);
    return ks;
}

/* The state every operation below shares: one lead loaded inside a write
 * transaction, plus scratch for rescoring. */
typedef struct op {
    kz_session *s;
    kz_lead before; /* as read: what hooks compare against */
    kz_lead lead;
    kz_activity_list acts;
    bool acts_loaded; /* acts holds the lead's activities */
    kz_score *score; /* owned (large) */
    bool auto_status; /* a touch was logged: let the rules set the status */
} op;

/* A field's value as the event log writes it (text as is, numbers and dates
 * formatted; custom fields by name); NULL when the lead has none. */
static const char *field_value(const kz_lead *l, const char *name, char *buf, size_t len)
{
    int f = kz_field_lookup(name);
    if (f < 0)
        return kz_lead_custom(l, name);
    if (!kz_lead_has(l, (kz_field)f))
        return NULL;
    if (kz_field_is_text((kz_field)f))
        return kz_lead_text(l, (kz_field)f);
    kz_lead_format(l, (kz_field)f, buf, len);
    return buf;
}

static bool same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static bool names_field(const char *const *fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fields[i], name) == 0)
            return true;
    return false;
}

static bool is_field_event(const kz_event *e)
{
    return e->field && (strcmp(e->kind, "field") == 0 || strcmp(e->kind, "stage") == 0 ||
                        strcmp(e->kind, "owner") == 0);
}

/* Why a change to `field` by someone else is a conflict: who set it to
 * what, and what it was when you read it. */
static kz_status conflict_err(kz_err *err, int64_t id, int64_t version, const kz_event *e)
{
    return kz_err_set(err, KZ_ECONFLICT,
                      _("lead %" PRId64 " was changed by someone else: %s set %s to \"%s\" "
                        "(was \"%s\") after you read version %" PRId64
                        "; reload it and apply your change again"),
                      id, e->actor, e->field, e->new_value ? e->new_value : "",
                      e->old_value ? e->old_value : "", version);
}

/* The conflict rule: a change made on version `version` of the lead may be
 * applied to a later version unless someone else changed one of the fields
 * it sets since then (the event log says which). The latest save that did
 * is reported (its first such field). */
static kz_status check_fields(kz_session *s, int64_t id, int64_t version, int64_t stored,
                              const char *const *fields, size_t n, kz_err *err)
{
    if (!version || stored == version)
        return KZ_OK;
    if (version > stored)
        return kz_err_set(err, KZ_ECONFLICT,
                          _("lead %" PRId64 " is at version %" PRId64 ", older than the version %"
                          PRId64 " you read; reload it and apply your change again"),
                          id, stored, version);
    kz_event_list ev = {0}; /* owned */
    kz_status ks = kz_store_events(s->store, id, version, &ev, err);
    const kz_event *hit = NULL;
    for (size_t i = 0; ks == KZ_OK && i < ev.n; i++)
        if (is_field_event(&ev.v[i]) && names_field(fields, n, ev.v[i].field) &&
            (!hit || hit->version != ev.v[i].version))
            hit = &ev.v[i];
    if (hit)
        ks = conflict_err(err, id, version, hit);
    kz_event_list_free(&ev);
    return ks;
}

/* Loads the lead in a write transaction; `version` is the version the
 * caller read (0: any) and fields[0..n) the fields the operation sets. */
static kz_status op_begin(op *o, kz_session *s, int64_t id, int64_t version,
                          const char *const *fields, size_t n, kz_err *err)
{
    memset(o, 0, sizeof *o);
    o->s = s;
    kz_lead_init(&o->lead);
    kz_lead_init(&o->before);
    o->score = kz_xcalloc(1, sizeof *o->score);
    kz_status ks = kz_store_begin(s->store, err);
    if (ks != KZ_OK)
        return ks;
    ks = kz_store_lead_get(s->store, id, &o->lead, err);
    if (ks == KZ_OK)
        kz_lead_copy(&o->before, &o->lead);
    if (ks == KZ_OK)
        ks = check_fields(s, id, version, kz_lead_num(&o->lead, KZ_F_VERSION), fields, n, err);
    return ks;
}

/* The fields a stage change sets. */
static const char *const stage_fields[] = {"stage", "lost_reason", "lost_from"};
#define NSTAGE_FIELDS (sizeof stage_fields / sizeof stage_fields[0])

static bool text_differs(const kz_lead *a, const kz_lead *b, kz_field f)
{
    const char *x = kz_lead_text(a, f), *y = kz_lead_text(b, f);
    return strcmp(x ? x : "", y ? y : "") != 0;
}

/* Tells the team's hooks what a committed change did. before NULL: created. */
static void fire_hooks(const kz_session *s, const kz_lead *before, const kz_lead *after)
{
    if (!s->hooks_dir || !*s->hooks_dir)
        return;
    kz_hook_event e = {0};
    e.lead_id = kz_lead_num(after, KZ_F_ID);
    e.name = kz_lead_text(after, KZ_F_NAME);
    e.company = kz_lead_text(after, KZ_F_COMPANY);
    e.actor = s->actor;
    e.at = kz_session_now(s);
    if (!before) {
        e.event = "lead-created";
        e.new_value = kz_lead_text(after, KZ_F_STAGE);
        kz_hooks_fire(s->hooks_dir, &e);
        return;
    }
    static const struct {
        kz_field f;
        const char *event;
    } watched[] = {{KZ_F_STAGE, "stage-changed"}, {KZ_F_OWNER, "assigned"}, {KZ_F_GRADE, "grade-changed"}};
    for (size_t i = 0; i < sizeof watched / sizeof watched[0]; i++) {
        if (!text_differs(before, after, watched[i].f))
            continue;
        e.field = kz_field_get(watched[i].f)->name;
        e.old_value = kz_lead_text(before, watched[i].f);
        e.new_value = kz_lead_text(after, watched[i].f);
        e.event = watched[i].event;
        if (watched[i].f == KZ_F_STAGE) {
            const kz_stage *st = kz_rules_stage(s->rules, e.new_value);
            if (st && st->kind == KZ_STAGE_WON)
                e.event = "won";
            else if (st && st->kind == KZ_STAGE_LOST)
                e.event = "lost";
        }
        kz_hooks_fire(s->hooks_dir, &e);
    }
}

/* Rescores, saves and commits (or rolls back on any failure). */
static kz_status op_end(op *o, kz_status ks, kz_err *err)
{
    kz_session *s = o->s;
    if (ks == KZ_OK)
        ks = rescore_into(s, &o->lead, &o->acts, &o->acts_loaded, o->score, err);
    if (ks == KZ_OK && o->auto_status) {
        const kz_stage *st = kz_rules_stage(s->rules, kz_lead_text(&o->lead, KZ_F_STAGE));
        const char *status = kz_rules_auto_status(s->rules, &o->lead, o->acts.v, o->acts.n,
                                                  kz_session_now(s), NULL);
        if (status && st && st->kind == KZ_STAGE_OPEN &&
            !same_str(status, kz_lead_text(&o->lead, KZ_F_STATUS))) {
            kz_lead_set_text(&o->lead, KZ_F_STATUS, status);
            /* rules may score the status: the stored score is the one of
             * the lead as saved */
            ks = rescore_into(s, &o->lead, &o->acts, &o->acts_loaded, o->score, err);
        }
    }
    if (ks == KZ_OK)
        ks = kz_store_lead_update(s->store, &o->lead, s->actor, kz_session_now(s), NULL, err);
    if (ks == KZ_OK)
        ks = kz_store_commit(s->store, err);
    else
        kz_store_rollback(s->store);
    if (ks == KZ_OK)
        fire_hooks(s, &o->before, &o->lead);
    kz_lead_free(&o->before);
    kz_lead_free(&o->lead);
    kz_activity_list_free(&o->acts);
    free(o->score);
    return ks;
}

static kz_status log_event(kz_session *s, int64_t id, int64_t version, const char *kind,
                           const char *field, const char *oldv, const char *newv,
                           const char *detail, kz_err *err)
{
    kz_event e = {0};
    e.lead_id = id;
    e.at = kz_session_now(s);
    e.version = version;
    snprintf(e.actor, sizeof e.actor, "%s", s->actor);
    snprintf(e.kind, sizeof e.kind, "%s", kind);
    e.field = (char *)field;
    e.old_value = (char *)oldv;
    e.new_value = (char *)newv;
    e.detail = (char *)detail;
    return kz_store_event_add(s->store, &e, err);
}

kz_status kz_pipe_add(kz_session *s, kz_lead *lead, kz_err *err)
{
    const char *name = kz_lead_text(lead, KZ_F_NAME);
    if ((!name || !*name) && !kz_lead_text(lead, KZ_F_EMAIL) && !kz_lead_text(lead, KZ_F_COMPANY))
        return kz_err_set(err, KZ_EINVAL, _("a lead needs a name, an e-mail or a company"));
    if (!kz_lead_has(lead, KZ_F_STAGE))
        kz_lead_set_text(lead, KZ_F_STAGE, kz_rules_first_stage(s->rules)->name);
    const kz_stage *stg = find_stage(s, kz_lead_text(lead, KZ_F_STAGE), err);
    if (!stg)
        return err->code;
    kz_lead_set_text(lead, KZ_F_STAGE, stg->name);
    kz_status ks;
    if ((ks = check_status(s, NULL, lead, err)) != KZ_OK)
        return ks;
    for (size_t i = 0; i < lead->ncustom; i++) /* --set names, as kz_pipe_set checks them */
        if ((ks = kz_pipe_check_field(s, NULL, lead->custom[i].name, err)) != KZ_OK)
            return ks;
    if (stg->kind == KZ_STAGE_LOST && !kz_lead_has(lead, KZ_F_LOST_REASON))
        return kz_err_set(err, KZ_EINVAL,
                          _("a lead created as lost needs a lost reason (lost_reason=...)"));
    kz_score *score = kz_xcalloc(1, sizeof *score);
    kz_score_lead(s->rules, lead, NULL, 0, kz_session_now(s), score);
    kz_score_apply(score, lead);
    free(score);
    if ((ks = kz_store_begin(s->store, err)) != KZ_OK)
        return ks;
    ks = kz_store_lead_insert(s->store, lead, s->actor, kz_session_now(s), err);
    if (ks == KZ_OK)
        ks = kz_store_commit(s->store, err);
    else
        kz_store_rollback(s->store);
    if (ks == KZ_OK)
        fire_hooks(s, NULL, lead);
    return ks;
}

kz_status kz_pipe_set(kz_session *s, int64_t id, int64_t version, const char *const *assign,
                      size_t n, kz_err *err)
{
    /* the fields it sets, for the conflict rule */
    char(*names)[80] = kz_xcalloc(n ? n : 1, sizeof *names); /* owned */
    const char **fields = kz_xcalloc(n + 1, sizeof *fields); /* owned */
    size_t nfields = 0;
    /* an amount typed with a currency sets it too; currency= beside it
     * must name the same one */
    const char *currency = NULL, *named = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(assign[i], '=');
        size_t len = eq ? (size_t)(eq - assign[i]) : strlen(assign[i]);
        snprintf(names[i], sizeof names[i], "%.*s", (int)len, assign[i]);
        int f = kz_field_lookup(names[i]);
        if (f >= 0) /* "Title=..." sets title */
            snprintf(names[i], sizeof names[i], "%s", kz_field_get((kz_field)f)->name);
        fields[nfields++] = names[i];
        int64_t cents;
        char cur[KZ_CURRENCY_MAX];
        if (eq && f >= 0 && kz_field_get((kz_field)f)->type == KZ_FT_MONEY &&
            kz_money_parse_marker(eq + 1, &cents, cur, sizeof cur, NULL) == KZ_OK && *cur)
            currency = assign[i];
        if (eq && f == KZ_F_CURRENCY)
            named = assign[i];
    }
    if (currency && !named)
        fields[nfields++] = "currency";
    if (currency && named &&
        kz_lead_currency_clash(strchr(named, '=') + 1, currency, err) != KZ_OK) {
        free(fields);
        free(names);
        return KZ_EINVAL;
    }
    op o;
    kz_status ks = op_begin(&o, s, id, version, fields, nfields, err);
    free(fields);
    free(names);
    for (size_t i = 0; ks == KZ_OK && i < n; i++) {
        const char *eq = strchr(assign[i], '=');
        if (!eq || eq == assign[i]) {
            ks = kz_err_set(err, KZ_EUSAGE, _("\"%s\": expected FIELD=VALUE"), assign[i]);
            break;
        }
        char field[80];
        snprintf(field, sizeof field, "%.*s", (int)(eq - assign[i]), assign[i]);
        int f = kz_field_lookup(field);
        if (f == KZ_F_STAGE || f == KZ_F_LOST_REASON || f == KZ_F_LOST_FROM) {
            ks = kz_err_set(err, KZ_EINVAL,
                            _("field \"%s\" changes with `kariz move`, `won` or `lost`, not `set`"),
                            field);
            break;
        }
        ks = kz_pipe_check_field(s, &o.lead, field, err);
        char day[16];
        if (ks == KZ_OK)
            ks = kz_lead_assign(&o.lead, field, kz_pipe_date_value(s, field, eq + 1, day, sizeof day),
                                false, err);
    }
    if (ks == KZ_OK)
        ks = check_status(s, &o.before, &o.lead, err);
    return op_end(&o, ks, err);
}

/* Merges an edited copy (read at version `version`) into the stored lead
 * o->lead: the fields someone else changed since are kept as they are now
 * when the copy still holds what was read, and are a conflict when the copy
 * changed them too (to something else); every other field is the copy's. */
static kz_status merge_edit(op *o, const kz_lead *edited, int64_t version, kz_err *err)
{
    int64_t id = kz_lead_num(edited, KZ_F_ID);
    kz_lead merged;
    kz_lead_init(&merged);
    kz_lead_copy(&merged, edited);
    kz_status ks = KZ_OK;
    if (version && version != kz_lead_num(&o->lead, KZ_F_VERSION)) {
        kz_event_list ev = {0}; /* owned */
        ks = kz_store_events(o->s->store, id, version, &ev, err);
        for (size_t i = 0; ks == KZ_OK && i < ev.n; i++) {
            const kz_event *e = &ev.v[i];
            if (!is_field_event(e))
                continue;
            /* what the copy was read with: the first change's old value */
            const kz_event *first = e;
            for (size_t j = 0; j < i; j++)
                if (is_field_event(&ev.v[j]) && strcmp(ev.v[j].field, e->field) == 0)
                    first = &ev.v[j];
            if (first != e)
                continue; /* that field is settled at its first change */
            char b1[128], b2[128];
            const char *mine = field_value(edited, e->field, b1, sizeof b1);
            const char *now = field_value(&o->lead, e->field, b2, sizeof b2);
            if (same_str(mine, e->old_value) || same_str(mine, now)) {
                /* untouched in the copy (or set the same way): theirs stands */
                int f = kz_field_lookup(e->field);
                if (f < 0)
                    kz_lead_set_custom(&merged, e->field, now);
                else if (!kz_lead_has(&o->lead, (kz_field)f))
                    kz_lead_clear(&merged, (kz_field)f);
                else if (kz_field_is_text((kz_field)f))
                    kz_lead_set_text(&merged, (kz_field)f, kz_lead_text(&o->lead, (kz_field)f));
                else
                    kz_lead_set_num(&merged, (kz_field)f, kz_lead_num(&o->lead, (kz_field)f));
                continue;
            }
            const kz_event *last = e; /* the latest value of that field */
            for (size_t j = i + 1; j < ev.n; j++)
                if (is_field_event(&ev.v[j]) && strcmp(ev.v[j].field, e->field) == 0)
                    last = &ev.v[j];
            ks = conflict_err(err, id, version, last);
        }
        kz_event_list_free(&ev);
    }
    if (ks == KZ_OK) {
        kz_lead_set_num(&merged, KZ_F_VERSION, kz_lead_num(&o->lead, KZ_F_VERSION));
        kz_lead_copy(&o->lead, &merged);
    }
    kz_lead_free(&merged);
    return ks;
}

kz_status kz_pipe_save(kz_session *s, kz_lead *edited, kz_err *err)
{
    op o;
    int64_t id = kz_lead_num(edited, KZ_F_ID);
    /* the field-level rule is applied by merge_edit */
    kz_status ks = op_begin(&o, s, id, 0, NULL, 0, err);
    const char *was = kz_lead_text(&o.lead, KZ_F_STAGE), *now = kz_lead_text(edited, KZ_F_STAGE);
    if (ks == KZ_OK && (!now || strcmp(was, now) != 0))
        ks = kz_err_set(err, KZ_EINVAL,
                        _("the stage changes with move, won or lost, not by editing"));
    if (ks == KZ_OK)
        ks = merge_edit(&o, edited, kz_lead_num(edited, KZ_F_VERSION), err);
    if (ks == KZ_OK)
        ks = check_status(s, &o.before, &o.lead, err);
    ks = op_end(&o, ks, err);
    if (ks == KZ_OK)
        ks = kz_store_lead_get(s->store, id, edited, err);
    return ks;
}

/* Sets the stage fields of an already loaded lead. */
static void enter_stage(op *o, const kz_stage *to)
{
    const char *from = kz_lead_text(&o->lead, KZ_F_STAGE);
    const kz_stage *fs = from ? kz_rules_stage(o->s->rules, from) : NULL;
    if (fs && fs->kind == KZ_STAGE_LOST && to->kind != KZ_STAGE_LOST) {
        /* reopening a lost deal: the loss no longer describes it */
        kz_lead_clear(&o->lead, KZ_F_LOST_REASON);
        kz_lead_clear(&o->lead, KZ_F_LOST_FROM);
    }
    kz_lead_set_text(&o->lead, KZ_F_STAGE, to->name);
    kz_lead_set_num(&o->lead, KZ_F_STAGE_ENTERED, kz_session_now(o->s));
    kz_lead_set_num(&o->lead, KZ_F_TOUCHED, kz_session_now(o->s));
}

static kz_status move_checked(op *o, const kz_stage *to, const char *force_reason, kz_err *err)
{
    const char *cur = kz_lead_text(&o->lead, KZ_F_STAGE);
    if (cur && strcmp(cur, to->name) == 0)
        return kz_err_set(err, KZ_EINVAL, _("lead %" PRId64 " is already in stage %s"),
                          kz_lead_num(&o->lead, KZ_F_ID), to->name);
    kz_status ks = rescore_into(o->s, &o->lead, &o->acts, &o->acts_loaded, o->score, err);
    if (ks != KZ_OK)
        return ks;
    kz_err why;
    kz_err_clear(&why);
    ks = kz_rules_check_entry(o->s->rules, to, &o->lead, o->score, &why);
    if (ks == KZ_EREFUSED && !(force_reason && *force_reason))
        return kz_err_set(err, KZ_EREFUSED, "%s", why.msg);
    if (ks == KZ_EREFUSED) {
        ks = log_event(o->s, kz_lead_num(&o->lead, KZ_F_ID), kz_lead_num(&o->lead, KZ_F_VERSION) + 1,
                       "override", "stage", cur, to->name, force_reason, err);
        if (ks != KZ_OK)
            return ks;
    } else if (ks != KZ_OK) {
        return kz_err_set(err, ks, "%s", why.msg);
    }
    enter_stage(o, to);
    return KZ_OK;
}

kz_status kz_pipe_move(kz_session *s, int64_t id, int64_t version, const char *stage,
                       const char *force_reason, kz_err *err)
{
    const kz_stage *to = find_stage(s, stage, err);
    if (!to)
        return err->code;
    if (to->kind == KZ_STAGE_LOST)
        return kz_err_set(err, KZ_EINVAL,
                          _("a lead is lost with a reason: use `kariz lost ID --reason REASON`"));
    op o;
    kz_status ks = op_begin(&o, s, id, version, stage_fields, NSTAGE_FIELDS, err);
    if (ks == KZ_OK)
        ks = move_checked(&o, to, force_reason, err);
    return op_end(&o, ks, err);
}

kz_status kz_pipe_won(kz_session *s, int64_t id, int64_t version, const char *force_reason,
                      kz_err *err)
{
    const kz_stage *won = kz_rules_won_stage(s->rules);
    if (!won)
        return kz_err_set(err, KZ_EINVAL, _("the rules define no won stage"));
    op o;
    kz_status ks = op_begin(&o, s, id, version, stage_fields, NSTAGE_FIELDS, err);
    if (ks == KZ_OK)
        ks = move_checked(&o, won, force_reason, err);
    return op_end(&o, ks, err);
}

kz_status kz_pipe_lost(kz_session *s, int64_t id, int64_t version, const char *reason,
                       kz_err *err)
{
    const kz_stage *lost = kz_rules_lost_stage(s->rules);
    if (!lost)
        return kz_err_set(err, KZ_EINVAL, _("the rules define no lost stage"));
    const char *canon = kz_label_find_lost_reason(s->rules, reason); /* its id, or its label */
    size_t nr = kz_rules_lost_reason_count(s->rules);
    if (!canon) {
        kz_buf list = KZ_BUF_INIT;
        for (size_t i = 0; i < nr; i++)
            kz_buf_printf(&list, "%s%s", i ? ", " : "", kz_rules_lost_reason(s->rules, i));
        kz_status ks = kz_err_set(err, KZ_EINVAL, _("unknown lost reason \"%s\" (reasons: %s)"),
                                  reason ? reason : "", kz_buf_str(&list));
        kz_buf_free(&list);
        return ks;
    }
    op o;
    kz_status ks = op_begin(&o, s, id, version, stage_fields, NSTAGE_FIELDS, err);
    if (ks == KZ_OK) {
        const char *cur = kz_lead_text(&o.lead, KZ_F_STAGE);
        if (strcmp(cur, lost->name) == 0) {
            ks = kz_err_set(err, KZ_EINVAL, _("lead %" PRId64 " is already lost"), id);
        } else {
            kz_lead_set_text(&o.lead, KZ_F_LOST_FROM, cur);
            kz_lead_set_text(&o.lead, KZ_F_LOST_REASON, canon);
            enter_stage(&o, lost);
        }
    }
    return op_end(&o, ks, err);
}

kz_status kz_pipe_log(kz_session *s, int64_t id, const char *kind, const char *outcome,
                      const char *channel, const char *note, kz_err *err)
{
    return kz_pipe_log_with(s, id, 0, kind, outcome, channel, note, err);
}

kz_status kz_pipe_log_with(kz_session *s, int64_t id, int64_t stakeholder_id, const char *kind,
                           const char *outcome, const char *channel, const char *note,
                           kz_err *err)
{
    /* the kind and the outcome by their ids or as kariz shows them ("no answer") */
    const char *named = kz_label_find_kind(kind);
    kind = named ? named : kind;
    if (outcome && *outcome && (named = kz_label_find_outcome(outcome)) != NULL)
        outcome = named;
    const char *defchan = kz_activity_kind_channel(kind);
    if (!defchan)
        return kz_err_set(err, KZ_EINVAL, _("unknown activity kind \"%s\" (kinds: %s)"), kind,
                          kz_activity_kinds_list());
    if (!outcome || !*outcome)
        outcome = "none";
    if (!kz_activity_outcome_ok(outcome))
        return kz_err_set(err, KZ_EINVAL, _("unknown outcome \"%s\" (outcomes of %s: %s)"),
                          outcome, kind, kz_activity_outcomes_for(kind));
    if (!kz_activity_outcome_fits(kind, outcome))
        /* TRANSLATORS: the second and third %s are an article ("a" or "an")
           and an activity kind: "cannot happen to an email" */
        return kz_err_set(err, KZ_EINVAL, _("outcome \"%s\" cannot happen to %s %s (outcomes of "
                          "%s: %s)"), outcome, strcmp(kind, "email") == 0 ? _("an") : _("a"), kind,
                          kind, kz_activity_outcomes_for(kind));
    if (channel && (strlen(channel) >= sizeof((kz_activity *)0)->channel || !*channel))
        return kz_err_set(err, KZ_EINVAL,
                          _("channel \"%s\": expected a short name such as phone, email, web"),
                          channel);
    op o;
    kz_status ks = op_begin(&o, s, id, 0, NULL, 0, err);
    if (ks == KZ_OK) {
        kz_activity a = {0};
        a.lead_id = id;
        snprintf(a.kind, sizeof a.kind, "%s", kind);
        snprintf(a.channel, sizeof a.channel, "%s", channel ? channel : defchan);
        snprintf(a.outcome, sizeof a.outcome, "%s", outcome);
        snprintf(a.author, sizeof a.author, "%s", s->actor);
        a.note = (note && *note) ? (char *)note : NULL;
        a.stakeholder_id = stakeholder_id;
        ks = kz_store_activity_add(s->store, &a, kz_session_now(s), err);
        kz_lead_set_num(&o.lead, KZ_F_TOUCHED, kz_session_now(s));
        o.acts_loaded = false; /* the new touch counts */
        o.auto_status = true;
    }
    return op_end(&o, ks, err);
}

kz_status kz_pipe_note(kz_session *s, int64_t id, const char *text, kz_err *err)
{
    if (!text || !*text)
        return kz_err_set(err, KZ_EINVAL, _("a note needs some text"));
    return kz_pipe_log(s, id, "note", "none", NULL, text, err);
}

kz_status kz_pipe_followup(kz_session *s, int64_t id, int64_t version, int due_day,
                           const char *step, kz_err *err)
{
    static const char *const fields[] = {"next_due", "next_step"};
    op o;
    kz_status ks = op_begin(&o, s, id, version, fields, step ? 2 : 1, err);
    if (ks == KZ_OK) {
        kz_lead_set_date(&o.lead, KZ_F_NEXT_DUE, due_day);
        if (step)
            kz_lead_set_text(&o.lead, KZ_F_NEXT_STEP, *step ? step : NULL);
    }
    return op_end(&o, ks, err);
}

kz_status kz_pipe_assign(kz_session *s, int64_t id, int64_t version, const char *owner,
                         kz_err *err)
{
    static const char *const fields[] = {"owner"};
    op o;
    kz_status ks = op_begin(&o, s, id, version, fields, 1, err);
    if (ks == KZ_OK)
        ks = kz_lead_assign(&o.lead, "owner", owner ? owner : "", false, err);
    return op_end(&o, ks, err);
}

/* The fields an undo puts back: everything a person or an operation sets,
 * not the lead's identity, its save counter or the derived scores. */
static bool restorable(kz_field f)
{
    switch (f) {
    case KZ_F_ID: case KZ_F_VERSION: case KZ_F_UPDATED: case KZ_F_CREATED:
    case KZ_F_IMPORT_ID: case KZ_F_SCORE: case KZ_F_GRADE: case KZ_F_PAIN:
    case KZ_F_INTEREST: case KZ_F_FIT: case KZ_F_BUDGET: case KZ_F_AUTHORITY:
    case KZ_F_NEED: case KZ_F_TIMELINE: case KZ_F_PERSONA:
        return false;
    default:
        return true;
    }
}

static bool same_field(const kz_lead *a, const kz_lead *b, kz_field f)
{
    if (kz_lead_has(a, f) != kz_lead_has(b, f))
        return false;
    if (!kz_lead_has(a, f))
        return true;
    if (kz_field_is_text(f))
        return strcmp(kz_lead_text(a, f), kz_lead_text(b, f)) == 0;
    return kz_lead_num(a, f) == kz_lead_num(b, f);
}

kz_status kz_pipe_restore(kz_session *s, const kz_lead *before, const kz_lead *after,
                          kz_err *err)
{
    int64_t id = kz_lead_num(after, KZ_F_ID);
    /* the fields the change set, each of which goes back */
    const char *names[KZ_F__COUNT + 64];
    size_t n = 0;
    for (int f = 1; f < KZ_F__COUNT; f++)
        if (restorable((kz_field)f) && !same_field(before, after, (kz_field)f))
            names[n++] = kz_field_get((kz_field)f)->name;
    for (size_t i = 0; i < after->ncustom && n < sizeof names / sizeof names[0]; i++)
        if (!same_str(kz_lead_custom(before, after->custom[i].name), after->custom[i].value))
            names[n++] = after->custom[i].name;
    for (size_t i = 0; i < before->ncustom && n < sizeof names / sizeof names[0]; i++)
        if (!kz_lead_custom(after, before->custom[i].name))
            names[n++] = before->custom[i].name;
    op o;
    kz_status ks = op_begin(&o, s, id, kz_lead_num(after, KZ_F_VERSION), names, n, err);
    if (ks == KZ_OK) /* logged as an undo: history and reports take the change back */
        kz_store_mark_undo(s->store);
    for (size_t i = 0; ks == KZ_OK && i < n; i++) {
        int f = kz_field_lookup(names[i]);
        if (f >= 0 && !same_field(&o.lead, after, (kz_field)f))
            continue; /* moved on since (a touch logged): the newer time stays */
        if (f < 0)
            kz_lead_set_custom(&o.lead, names[i], kz_lead_custom(before, names[i]));
        else if (!kz_lead_has(before, (kz_field)f))
            kz_lead_clear(&o.lead, (kz_field)f);
        else if (kz_field_is_text((kz_field)f))
            kz_lead_set_text(&o.lead, (kz_field)f, kz_lead_text(before, (kz_field)f));
        else
            kz_lead_set_num(&o.lead, (kz_field)f, kz_lead_num(before, (kz_field)f));
    }
    return op_end(&o, ks, err);
}

kz_status kz_pipe_rescore(kz_session *s, int64_t id, kz_err *err)
{
    op o;
    kz_status ks = op_begin(&o, s, id, 0, NULL, 0, err);
    return op_end(&o, ks, err);
}

typedef struct rescore_ctx {
    const kz_session *s;
    int64_t now;
    kz_score *score; /* owned by kz_pipe_rescore_all */
    kz_progress_fn progress;
    void *progress_ud;
} rescore_ctx;

static void rescore_progress(int64_t done, int64_t total, void *ud)
{
    rescore_ctx *c = ud;
    if (c->progress)
        c->progress(done, total, c->progress_ud);
}

/* Rescores one lead in place; true when a score field changed. */
static bool rescore_one(kz_lead *lead, const kz_activity *acts, size_t nacts, void *ud)
{
    rescore_ctx *c = ud;
    kz_score_lead(c->s->rules, lead, acts, nacts, c->now, c->score);
    const kz_score *sc = c->score;
    bool same = kz_lead_num(lead, KZ_F_SCORE) == sc->total &&
                same_str(kz_lead_text(lead, KZ_F_GRADE), sc->grade) &&
                same_str(kz_lead_text(lead, KZ_F_PERSONA), sc->persona);
    for (int i = 0; same && i < KZ_CRIT__COUNT; i++)
        same = kz_lead_num(lead, kz_criterion_field((kz_criterion)i)) == sc->sub[i];
    kz_score_apply(sc, lead); /* score_at and score_due move even when the score stays */
    return !same;
}

/* Which lead fields rescoring reads: what the rules name, and the score
 * fields themselves (to tell what changed). */
static bool rescore_fields(const kz_session *s, bool fields[KZ_F__COUNT])
{
    bool custom = kz_rules_fields_used(s->rules, fields);
    static const kz_field always[] = {KZ_F_ID, KZ_F_VERSION, KZ_F_STAGE, KZ_F_SCORE, KZ_F_GRADE,
                                      KZ_F_PERSONA, KZ_F_PAIN, KZ_F_INTEREST, KZ_F_FIT,
                                      KZ_F_BUDGET, KZ_F_AUTHORITY, KZ_F_NEED, KZ_F_TIMELINE,
                                      KZ_F_SCORE_AT, KZ_F_SCORE_DUE};
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
        fields[always[i]] = true;
    return custom;
}

/* All due leads in batches of 500, or (one_step) one batch of 200 that
 * never waits for another process's lock. */
static kz_status rescore_due(kz_session *s, bool one_step, int64_t *changed, kz_err *err)
{
    rescore_ctx c = {s, kz_session_now(s), kz_xcalloc(1, sizeof(kz_score)), NULL, NULL};
    bool fields[KZ_F__COUNT] = {false};
    bool custom = rescore_fields(s, fields);
    if (one_step)
        kz_store_wait_for_locks(s->store, false);
    kz_status ks = kz_store_rescore_due(s->store, one_step ? 200 : 500, one_step, s->actor, c.now,
                                        fields, custom, rescore_one, &c, changed, err);
    if (one_step)
        kz_store_wait_for_locks(s->store, true);
    free(c.score);
    return ks;
}

kz_status kz_pipe_rescore_due(kz_session *s, int64_t *changed, kz_err *err)
{
    return rescore_due(s, false, changed, err);
}

kz_status kz_pipe_rescore_due_now(kz_session *s, int64_t *changed, kz_err *err)
{
    return rescore_due(s, true, changed, err);
}

kz_status kz_pipe_rescore_all(kz_session *s, kz_progress_fn progress, void *ud,
                              int64_t *changed, kz_err *err)
{
    rescore_ctx c = {s, kz_session_now(s), kz_xcalloc(1, sizeof(kz_score)), progress, ud};
    /* read only what scoring looks at */
    bool fields[KZ_F__COUNT] = {false};
    bool custom = rescore_fields(s, fields);
    /* batches short enough that other people's saves interleave */
    kz_status ks = kz_store_rescore_all(s->store, 20000, s->actor, c.now, fields, custom,
                                        rescore_one, &c, rescore_progress, changed, err);
    free(c.score);
    return ks;
}

kz_status kz_pipe_explain(kz_session *s, int64_t id, kz_lead *lead, kz_score *out, kz_err *err)
{
    kz_status ks = kz_store_lead_get(s->store, id, lead, err);
    if (ks != KZ_OK)
        return ks;
    /* the explanation is of the stored score: one due by now is brought up
     * to date first (with the others due), so the two are one number; one
     * that stays due (a read-only database, a lock) is explained as of when
     * it was computed */
    int64_t now = kz_session_now(s), at = now;
    if (kz_lead_has(lead, KZ_F_SCORE_DUE) && kz_lead_num(lead, KZ_F_SCORE_DUE) <= now) {
        kz_err ignored;
        if (!kz_store_readonly(s->store) && kz_pipe_rescore_due(s, NULL, &ignored) == KZ_OK &&
            (ks = kz_store_lead_get(s->store, id, lead, err)) != KZ_OK)
            return ks;
        if (kz_lead_has(lead, KZ_F_SCORE_DUE) && kz_lead_num(lead, KZ_F_SCORE_DUE) <= now &&
            kz_lead_has(lead, KZ_F_SCORE_AT))
            at = kz_lead_num(lead, KZ_F_SCORE_AT);
    }
    kz_activity_list acts = {0};
    ks = kz_store_activities(s->store, id, &acts, err);
    if (ks == KZ_OK)
        kz_score_lead(s->rules, lead, acts.v, acts.n, at, out);
    kz_activity_list_free(&acts);
    return ks;
}

bool kz_lead_is_stale(const kz_rules *r, const kz_lead *lead, int64_t now, int *idle_days,
                      int *limit)
{
    const char *stage = kz_lead_text(lead, KZ_F_STAGE);
    const kz_stage *st = stage ? kz_rules_stage(r, stage) : NULL;
    if (idle_days)
        *idle_days = 0;
    if (limit)
        *limit = st ? st->stale_days : 0;
    if (!st || st->kind != KZ_STAGE_OPEN || st->stale_days <= 0)
        return false;
    int64_t since = kz_lead_num(lead, KZ_F_STAGE_ENTERED);
    if (kz_lead_num(lead, KZ_F_TOUCHED) > since)
        since = kz_lead_num(lead, KZ_F_TOUCHED);
    int idle = (int)((now - since) / 86400);
    if (idle_days)
        *idle_days = idle;
    if (idle <= st->stale_days)
        return false;
    /* a scheduled next step in the future keeps a card fresh */
    if (kz_lead_has(lead, KZ_F_NEXT_DUE) && kz_lead_num(lead, KZ_F_NEXT_DUE) >= kz_today(now))
        return false;
    return true;
}

bool kz_lead_is_overdue(const kz_lead *lead, int today)
{
    return kz_lead_has(lead, KZ_F_NEXT_DUE) && kz_lead_num(lead, KZ_F_NEXT_DUE) < today;
}

/* ---- stakeholders ----
 * A change to the people around a deal is a change to the lead: it is
 * rescored (rules read the roles), its version moves on, and every change
 * is an event "stakeholder" whose field names the person
 * ("stakeholder.7" when added or removed, "stakeholder.7.role" when one of
 * their fields changed), so conflicts are per person and field as for the
 * lead's own fields. */

static kz_status check_role(const kz_session *s, const char *role, kz_err *err)
{
    if (role && kz_rules_role_index(s->rules, role) < 0)
        return kz_err_set(err, KZ_EINVAL, _("unknown stakeholder role \"%s\" (roles: %s)"), role,
                          kz_rules_role_names(s->rules));
    return KZ_OK;
}

static bool is_people_event(const kz_event *e)
{
    return e->field && strcmp(e->kind, "stakeholder") == 0;
}

/* Someone else changed one of fields[0..n) of a stakeholder since version? */
static kz_status check_people(kz_session *s, int64_t id, int64_t version, int64_t stored,
                              const char *const *fields, size_t n, kz_err *err)
{
    if (!version || stored == version)
        return KZ_OK;
    if (version > stored)
        return check_fields(s, id, version, stored, NULL, 0, err);
    kz_event_list ev = {0}; /* owned */
    kz_status ks = kz_store_events(s->store, id, version, &ev, err);
    const kz_event *hit = NULL;
    for (size_t i = 0; ks == KZ_OK && i < ev.n; i++)
        if (is_people_event(&ev.v[i]) && names_field(fields, n, ev.v[i].field))
            hit = &ev.v[i];
    if (hit)
        ks = conflict_err(err, id, version, hit);
    kz_event_list_free(&ev);
    return ks;
}

/* Ends a stakeholder operation: the lead, read again with its new roles,
 * is rescored and saved (its version moves on even when no field of its
 * own changed), then the events are written with that version. */
static kz_status people_end(op *o, kz_status ks, kz_event *ev, size_t nev, kz_err *err)
{
    kz_session *s = o->s;
    int64_t id = kz_lead_num(&o->lead, KZ_F_ID);
    int64_t read = kz_lead_num(&o->lead, KZ_F_VERSION);
    if (ks == KZ_OK)
        ks = kz_store_lead_get(s->store, id, &o->lead, err);
    if (ks == KZ_OK) {
        kz_lead_set_num(&o->lead, KZ_F_TOUCHED, kz_session_now(s));
        ks = rescore_into(s, &o->lead, &o->acts, &o->acts_loaded, o->score, err);
    }
    bool changed = false;
    if (ks == KZ_OK)
        ks = kz_store_lead_update(s->store, &o->lead, s->actor, kz_session_now(s), &changed, err);
    if (ks == KZ_OK && !changed)
        ks = kz_store_lead_bump(s->store, id, read, kz_session_now(s), err);
    if (ks == KZ_OK && !changed)
        kz_lead_set_num(&o->lead, KZ_F_VERSION, read + 1);
    for (size_t i = 0; ks == KZ_OK && i < nev; i++) {
        ev[i].lead_id = id;
        ev[i].at = kz_session_now(s);
        ev[i].version = kz_lead_num(&o->lead, KZ_F_VERSION);
        snprintf(ev[i].actor, sizeof ev[i].actor, "%s", s->actor);
        snprintf(ev[i].kind, sizeof ev[i].kind, "stakeholder");
        ks = kz_store_event_add(s->store, &ev[i], err);
    }
    if (ks == KZ_OK)
        ks = kz_store_commit(s->store, err);
    else
        kz_store_rollback(s->store);
    if (ks == KZ_OK)
        fire_hooks(s, &o->before, &o->lead);
    kz_lead_free(&o->before);
    kz_lead_free(&o->lead);
    kz_activity_list_free(&o->acts);
    free(o->score);
    return ks;
}

kz_status kz_pipe_add_stakeholder(kz_session *s, kz_stakeholder *sh, kz_err *err)
{
    if (!sh->name || !*sh->name)
        return kz_err_set(err, KZ_EINVAL, _("a stakeholder needs a name"));
    kz_status ks = check_role(s, sh->role, err);
    if (ks != KZ_OK)
        return ks;
    op o;
    ks = op_begin(&o, s, sh->lead_id, 0, NULL, 0, err);
    if (ks == KZ_OK)
        ks = kz_store_stakeholder_insert(s->store, sh, kz_session_now(s), err);
    char field[40];
    snprintf(field, sizeof field, "stakeholder.%" PRId64, sh->id);
    kz_event e = {0};
    e.field = field;
    e.new_value = sh->name;
    e.detail = sh->role;
    return people_end(&o, ks, &e, 1, err);
}

kz_status kz_pipe_set_stakeholder(kz_session *s, int64_t sid, int64_t version,
                                  const char *const *assign, size_t n, kz_err *err)
{
    kz_stakeholder cur = {0}, next = {0}; /* owned */
    kz_status ks = kz_store_stakeholder_get(s->store, sid, &cur, err);
    if (ks != KZ_OK)
        return ks;
    kz_stakeholder_copy(&next, &cur);
    char(*fields)[48] = kz_xcalloc(2 * n + 1, sizeof *fields); /* owned */
    const char **names = kz_xcalloc(2 * n + 1, sizeof *names);   /* owned */
    size_t nf = 0;
    snprintf(fields[nf], sizeof fields[nf], "stakeholder.%" PRId64, sid);
    names[nf] = fields[nf];
    nf++;
    for (size_t i = 0; ks == KZ_OK && i < n; i++) {
        const char *eq = strchr(assign[i], '=');
        if (!eq || eq == assign[i]) {
            ks = kz_err_set(err, KZ_EUSAGE, _("\"%s\": expected FIELD=VALUE (fields: %s)"),
                            assign[i], KZ_STAKEHOLDER_FIELDS);
            break;
        }
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)(eq - assign[i] < 31 ? eq - assign[i] : 31),
                 assign[i]);
        ks = kz_stakeholder_set_field(&next, name, eq + 1, err);
        if (ks == KZ_OK && strcmp(name, "role") == 0)
            ks = check_role(s, next.role, err);
        if (ks == KZ_OK) {
            snprintf(fields[nf], sizeof fields[nf], "stakeholder.%" PRId64 ".%s", sid, name);
            names[nf] = fields[nf];
            nf++;
        }
    }
    op o;
    bool begun = false;
    if (ks == KZ_OK) {
        ks = op_begin(&o, s, cur.lead_id, 0, NULL, 0, err);
        begun = true;
    }
    if (ks == KZ_OK)
        ks = check_people(s, cur.lead_id, version, kz_lead_num(&o.lead, KZ_F_VERSION), names, nf,
                          err);
    /* read again inside the transaction: what is saved starts from now */
    kz_stakeholder now = {0}; /* owned */
    if (ks == KZ_OK)
        ks = kz_store_stakeholder_get(s->store, sid, &now, err);
    kz_event ev[6] = {{0}};
    char evf[6][48];
    size_t nev = 0;
    static const char *const all[] = {"name", "role", "title", "email", "phone", "note"};
    for (size_t i = 0; ks == KZ_OK && i < 6; i++) {
        const char *was = kz_stakeholder_field(&cur, all[i]);
        const char *want = kz_stakeholder_field(&next, all[i]);
        if (same_str(was, want))
            continue;
        kz_stakeholder_set_field(&now, all[i], want, err);
        snprintf(evf[nev], sizeof evf[nev], "stakeholder.%" PRId64 ".%s", sid, all[i]);
        ev[nev].field = evf[nev];
        ev[nev].old_value = (char *)kz_stakeholder_field(&cur, all[i]);
        ev[nev].new_value = (char *)want;
        ev[nev].detail = next.name;
        nev++;
    }
    if (ks == KZ_OK && nev)
        ks = kz_store_stakeholder_update(s->store, &now, kz_session_now(s), err);
    if (begun && ks == KZ_OK && nev == 0) {
        /* nothing to change: leave the lead as it is */
        kz_store_rollback(s->store);
        kz_lead_free(&o.before);
        kz_lead_free(&o.lead);
        kz_activity_list_free(&o.acts);
        free(o.score);
    } else if (begun) {
        ks = people_end(&o, ks, ev, nev, err);
    }
    kz_stakeholder_free(&now);
    kz_stakeholder_free(&cur);
    kz_stakeholder_free(&next);
    free(fields);
    free(names);
    return ks;
}

kz_status kz_pipe_remove_stakeholder(kz_session *s, int64_t sid, int64_t version, kz_err *err)
{
    kz_stakeholder cur = {0}; /* owned */
    kz_status ks = kz_store_stakeholder_get(s->store, sid, &cur, err);
    if (ks != KZ_OK)
        return ks;
    op o;
    ks = op_begin(&o, s, cur.lead_id, 0, NULL, 0, err);
    char fields[7][48];
    const char *names[7];
    static const char *const all[] = {"name", "role", "title", "email", "phone", "note"};
    snprintf(fields[0], sizeof fields[0], "stakeholder.%" PRId64, sid);
    names[0] = fields[0];
    for (size_t i = 0; i < 6; i++) {
        snprintf(fields[i + 1], sizeof fields[i + 1], "stakeholder.%" PRId64 ".%s", sid, all[i]);
        names[i + 1] = fields[i + 1];
    }
    if (ks == KZ_OK)
        ks = check_people(s, cur.lead_id, version, kz_lead_num(&o.lead, KZ_F_VERSION), names, 7,
                          err);
    if (ks == KZ_OK)
        ks = kz_store_stakeholder_delete(s->store, sid, err);
    kz_event e = {0};
    e.field = fields[0];
    e.old_value = cur.name;
    e.detail = cur.role;
    ks = people_end(&o, ks, &e, 1, err);
    kz_stakeholder_free(&cur);
    return ks;
}

static const char *host_name(void)
{
    static char host[64];
    if (!host[0] && gethostname(host, sizeof host - 1) != 0)
        snprintf(host, sizeof host, "localhost");
    return host;
}

kz_status kz_presence_announce(kz_session *s, int64_t lead_id, kz_err *err)
{
    return kz_store_presence_set(s->store, s->actor, host_name(), (int)getpid(), lead_id,
                                 kz_session_now(s), err);
}

kz_status kz_presence_leave(kz_session *s, kz_err *err)
{
    return kz_store_presence_clear(s->store, s->actor, host_name(), (int)getpid(), err);
}

kz_status kz_presence_list_others(kz_session *s, kz_presence *out, size_t cap, size_t *n,
                                  kz_err *err)
{
    size_t nrows = 0;
    *n = 0;
    kz_status ks = kz_store_presence_list(s->store, kz_session_now(s) - KZ_PRESENCE_STALE, out,
                                          cap, &nrows, err);
    if (ks != KZ_OK)
        return ks;
    const char *me = host_name();
    for (size_t i = 0; i < nrows; i++) {
        const kz_presence *p = &out[i];
        bool here = strcmp(p->host, me) == 0;
        if (here && p->pid == (int)getpid())
            continue; /* this board */
        if (here && kill(p->pid, 0) != 0 && errno == ESRCH)
            continue; /* crashed without saying goodbye */
        if (*n != i)
            out[*n] = *p;
        ++*n;
    }
    return KZ_OK;
}

kz_status kz_presence_others(kz_session *s, int64_t lead_id, char (*names)[KZ_USER_MAX],
                             size_t cap, size_t *n, kz_err *err)
{
    kz_presence rows[64];
    size_t nrows = 0;
    *n = 0;
    kz_status ks = kz_presence_list_others(s, rows, 64, &nrows, err);
    if (ks != KZ_OK)
        return ks;
    for (size_t i = 0; i < nrows && *n < cap; i++) {
        const kz_presence *p = &rows[i];
        if (lead_id && p->lead_id != lead_id)
            continue;
        bool dup = false;
        for (size_t j = 0; j < *n; j++)
            dup |= strcmp(names[j], p->actor) == 0;
        if (!dup)
            snprintf(names[(*n)++], KZ_USER_MAX, "%.32s", p->actor);
    }
    return KZ_OK;
}
