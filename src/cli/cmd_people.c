/* cmd_people.c - the people around a deal (kariz stakeholder) and
 * companies as accounts (kariz account). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "kariz/account.h"
#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/import.h"
#include "kariz/labels.h"
#include "kariz/money.h"
#include "kariz/text.h"

/* The label of a role ("decision maker"), or the id itself when the rules
 * no longer have it; "" for none. */
static const char *role_label(const kz_rules *r, const char *role)
{
    int i = kz_rules_role_index(r, role);
    return i >= 0 ? kz_rules_role_label(r, (size_t)i) : role ? role : "";
}

static bool parse_sid(const char *arg, int64_t *id)
{
    int64_t v;
    if (!arg || kz_parse_int(arg, &v) != KZ_OK || v <= 0) {
        fprintf(stderr, "kariz: ");
        fprintf(stderr, _("stakeholder id \"%s\": expected a positive whole number (kariz "
                          "stakeholder list ID shows them)"),
                arg ? arg : "");
        fputc('\n', stderr);
        return false;
    }
    *id = v;
    return true;
}

/* Whether the compared text want (kz_text_search_folded: "ارش" finds
 * "آرش" as the board's search does) begins the compared name
 * or one of its words. */
static bool name_has_prefix(const char *name, const char *want)
{
    size_t n = strlen(want);
    for (const char *p = name; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p && strncmp(p, want, n) == 0)
            return true;
        p += strcspn(p, " \t");
    }
    return false;
}

int kz_cli_stakeholder_arg(kz_cli *c, int64_t lead, const char *arg, int64_t *sid)
{
    kz_stakeholder_list shs = {0}; /* owned */
    kz_status ks = kz_store_stakeholders(c->store, lead, &shs, &c->err);
    if (ks != KZ_OK)
        return kz_cli_fail(&c->err);
    int64_t want = 0;
    kz_parse_int(arg, &want);
    kz_buf key = KZ_BUF_INIT, folded = KZ_BUF_INIT; /* owned */
    kz_text_search_folded(&key, arg);
    bool *hit = kz_xcalloc(shs.n + 1, sizeof *hit); /* owned */
    /* an id, a whole name (in any case) or a role first; only when none is
     * one, a name or one of its words that begins with arg */
    size_t hits = 0;
    for (size_t i = 0; i < shs.n; i++) {
        const kz_stakeholder *s = &shs.v[i];
        kz_buf_reset(&folded);
        kz_text_search_folded(&folded, s->name);
        hit[i] = want > 0 ? s->id == want
                          : (s->name && strcmp(kz_buf_str(&folded), kz_buf_str(&key)) == 0) ||
                                (s->role && strcmp(s->role, arg) == 0);
        hits += hit[i];
    }
    bool by_prefix = hits == 0 && want <= 0 && key.len;
    for (size_t i = 0; by_prefix && i < shs.n; i++) {
        kz_buf_reset(&folded);
        kz_text_search_folded(&folded, shs.v[i].name);
        hit[i] = name_has_prefix(kz_buf_str(&folded), kz_buf_str(&key));
    }
    hits = 0;
    *sid = 0;
    kz_buf names = KZ_BUF_INIT, cands = KZ_BUF_INIT; /* owned */
    for (size_t i = 0; i < shs.n; i++) {
        const char *nm = shs.v[i].name ? shs.v[i].name : "";
        kz_buf_printf(&names, "%s%" PRId64 " %s", i ? ", " : "", shs.v[i].id, nm);
        if (hit[i]) {
            kz_buf_printf(&cands, "%s%" PRId64 " %s", hits ? ", " : "", shs.v[i].id, nm);
            *sid = shs.v[i].id;
            hits++;
        }
    }
    int rc = 0;
    if (hits != 1) {
        kz_buf msg = KZ_BUF_INIT;
        if (hits > 1 && by_prefix)
            kz_buf_printf(&msg, _("\"%s\" begins the name of more than one stakeholder of lead "
                                  "%" PRId64 "; name one by id or by more of the name (%s)"),
                          arg, lead, kz_buf_str(&cands));
        else if (hits > 1)
            kz_buf_printf(&msg, _("\"%s\" is more than one stakeholder of lead %" PRId64
                                  "; name one by id (%s)"),
                          arg, lead, kz_buf_str(&cands));
        else if (shs.n)
            kz_buf_printf(&msg, _("lead %" PRId64 " has no stakeholder \"%s\" (it has: %s)"), lead,
                          arg, kz_buf_str(&names));
        else
            kz_buf_printf(&msg, _("lead %" PRId64 " has no stakeholders yet (kariz stakeholder add "
                                  "%" PRId64 " NAME --role ROLE)"),
                          lead, lead);
        fputs("kariz: ", stderr);
        kz_cli_print_safe(stderr, kz_buf_str(&msg));
        fputc('\n', stderr);
        kz_buf_free(&msg);
        *sid = 0;
        rc = 1;
    }
    kz_buf_free(&names);
    kz_buf_free(&cands);
    kz_buf_free(&folded);
    kz_buf_free(&key);
    free(hit);
    kz_stakeholder_list_free(&shs);
    return rc;
}

/* "Ava Smith (lead 12)" */
static void lead_words(kz_cli *c, int64_t id, kz_buf *out)
{
    kz_lead l;
    kz_lead_init(&l);
    kz_err err;
    if (kz_store_lead_get(c->store, id, &l, &err) == KZ_OK) {
        const char *n = kz_lead_text(&l, KZ_F_NAME), *co = kz_lead_text(&l, KZ_F_COMPANY);
        kz_buf_printf(out, "%s%s%s", n ? n : "", n && co ? ", " : "", co ? co : "");
    }
    kz_buf_printf(out, " (lead %" PRId64 ")", id);
    kz_lead_free(&l);
}

static void print_line(const char *s)
{
    kz_cli_print_safe(stdout, s);
    putchar('\n');
}

static int sh_add(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {{"role", required_argument, 0, 'r'},
                                         {"title", required_argument, 0, 't'},
                                         {"email", required_argument, 0, 'e'},
                                         {"phone", required_argument, 0, 'p'},
                                         {"note", required_argument, 0, 'n'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    kz_stakeholder sh = {0};
    const char *role = NULL, *title = NULL, *email = NULL, *phone = NULL, *note = NULL;
    int o;
    optind = 1;
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 'r': role = optarg; break;
        case 't': title = optarg; break;
        case 'e': email = optarg; break;
        case 'p': phone = optarg; break;
        case 'n': note = optarg; break;
        case 'h': return -1;
        default: return 2;
        }
    }
    if (argc - optind < 1)
        return kz_cli_usage("stakeholder", _("add: expected a lead ID and the person's NAME"));
    if (argc - optind < 2 || !*argv[optind + 1])
        return kz_cli_usage("stakeholder", _("add: the stakeholder needs a NAME after the lead ID"));
    if (argc - optind > 2)
        return kz_cli_usage("stakeholder",
                            _("add: expected one NAME (quote a name of several words)"));
    int64_t id;
    if (!kz_cli_id(argv[optind], &id))
        return 2;
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE);
    if (rc)
        return rc;
    if (!role || !*role) {
        fprintf(stderr, "kariz stakeholder: ");
        fprintf(stderr, _("add: --role ROLE is required (roles: %s)"),
                kz_rules_role_names(c->rules));
        fputc('\n', stderr);
        return 2;
    }
    sh.lead_id = id;
    sh.name = argv[optind + 1];
    sh.role = (char *)role;
    sh.title = (char *)title;
    sh.email = (char *)email;
    sh.phone = (char *)phone;
    sh.note = (char *)note;
    if (kz_pipe_add_stakeholder(&c->sess, &sh, &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    kz_buf line = KZ_BUF_INIT;
    kz_buf_printf(&line, _("stakeholder %" PRId64 " on "), sh.id);
    lead_words(c, id, &line);
    kz_buf_printf(&line, ": %s, %s", sh.name, role_label(c->rules, role));
    print_line(kz_buf_str(&line));
    kz_buf_free(&line);
    return 0;
}

static int sh_set(kz_cli *c, int argc, char **argv)
{
    if (argc < 3)
        return kz_cli_usage("stakeholder",
                            _("set: expected a stakeholder ID and FIELD=VALUE (fields: %s)"),
                            KZ_STAKEHOLDER_FIELDS);
    int64_t sid;
    if (!parse_sid(argv[1], &sid))
        return 2;
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE);
    if (rc)
        return rc;
    if (kz_pipe_set_stakeholder(&c->sess, sid, 0, (const char *const *)argv + 2,
                                (size_t)(argc - 2), &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    kz_stakeholder sh = {0};
    if (kz_store_stakeholder_get(c->store, sid, &sh, &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    kz_buf line = KZ_BUF_INIT;
    kz_buf_printf(&line, _("stakeholder %" PRId64 " on "), sid);
    lead_words(c, sh.lead_id, &line);
    kz_buf_printf(&line, ": %s, %s", sh.name ? sh.name : "", role_label(c->rules, sh.role));
    print_line(kz_buf_str(&line));
    kz_buf_free(&line);
    kz_stakeholder_free(&sh);
    return 0;
}

static int sh_rm(kz_cli *c, int argc, char **argv)
{
    if (argc != 2)
        return kz_cli_usage("stakeholder", _("rm: expected one stakeholder ID"));
    int64_t sid;
    if (!parse_sid(argv[1], &sid))
        return 2;
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE);
    if (rc)
        return rc;
    kz_stakeholder sh = {0};
    if (kz_store_stakeholder_get(c->store, sid, &sh, &c->err) != KZ_OK ||
        kz_pipe_remove_stakeholder(&c->sess, sid, 0, &c->err) != KZ_OK) {
        kz_stakeholder_free(&sh);
        return kz_cli_fail(&c->err);
    }
    kz_buf line = KZ_BUF_INIT;
    kz_buf_printf(&line, _("removed stakeholder %" PRId64 " (%s) from "), sid,
                  sh.name ? sh.name : "");
    lead_words(c, sh.lead_id, &line);
    print_line(kz_buf_str(&line));
    kz_buf_free(&line);
    kz_stakeholder_free(&sh);
    return 0;
}

/* The people of a list as a table, CSV or JSON (leads: the lead id column
 * too, for an account). */
static void print_people(kz_cli *c, const kz_stakeholder_list *shs, kz_format fmt, bool leads)
{
    if (fmt == KZ_FMT_JSON) {
        json_t *a = json_array();
        for (size_t i = 0; i < shs->n; i++) {
            json_t *j = kz_cli_stakeholder_json(&shs->v[i]);
            json_object_set_new(j, "lead", json_integer(shs->v[i].lead_id));
            json_array_append_new(a, j);
        }
        char *s = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(a);
        kz_cli_write_data(stdout, kz_cli_tty(stdout), s, strlen(s));
        putchar('\n');
        free(s);
        return;
    }
    if (fmt == KZ_FMT_CSV) {
        kz_buf b = KZ_BUF_INIT;
        kz_buf_puts(&b, "id,lead,name,role,title,email,phone,note,last_touch\r\n");
        for (size_t i = 0; i < shs->n; i++) {
            const kz_stakeholder *s = &shs->v[i];
            char when[32] = "";
            if (s->last_touch)
                kz_time_format_iso(s->last_touch, when);
            kz_buf_printf(&b, "%" PRId64 ",%" PRId64, s->id, s->lead_id);
            const char *v[] = {s->name, s->role, s->title, s->email, s->phone, s->note, when};
            for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
                kz_buf_putc(&b, ',');
                if (v[k])
                    kz_csv_put_field(&b, v[k], strlen(v[k]));
            }
            kz_buf_puts(&b, "\r\n");
        }
        kz_cli_write_data(stdout, kz_cli_tty(stdout), b.s ? b.s : "", b.len);
        kz_buf_free(&b);
        return;
    }
    int64_t now = kz_session_now(&c->sess);
    for (size_t i = 0; i < shs->n; i++) {
        const kz_stakeholder *s = &shs->v[i];
        char idb[32];
        snprintf(idb, sizeof idb, "%" PRId64, s->id);
        kz_cli_print_safe_pad(stdout, idb, 5);
        putchar(' ');
        if (leads) {
            snprintf(idb, sizeof idb, "#%" PRId64, s->lead_id);
            kz_cli_print_safe_pad(stdout, idb, 6);
            putchar(' ');
        }
        kz_cli_print_safe_pad(stdout, s->name, 20);
        putchar(' ');
        kz_cli_print_safe_pad(stdout, role_label(c->rules, s->role), 15);
        putchar(' ');
        kz_cli_print_safe_pad(stdout, s->title, 16);
        putchar(' ');
        char touch[48];
        if (s->last_touch) {
            char rel[KZ_DATE_TEXT];
            kz_day_relative(kz_day_from_time(s->last_touch), kz_today(now), rel, sizeof rel);
            snprintf(touch, sizeof touch, _("touched %s"), rel);
        } else {
            snprintf(touch, sizeof touch, "%s", _("not touched yet"));
        }
        kz_cli_print_safe_pad(stdout, touch, 20);
        kz_buf rest = KZ_BUF_INIT;
        if (s->email)
            kz_buf_printf(&rest, " %s", s->email);
        if (s->phone)
            kz_buf_printf(&rest, " %s", s->phone);
        if (s->note)
            kz_buf_printf(&rest, " (%s)", s->note);
        kz_cli_print_safe(stdout, kz_buf_str(&rest));
        kz_buf_free(&rest);
        putchar('\n');
    }
}

static int sh_list(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    kz_format fmt = KZ_FMT_TABLE;
    int o;
    optind = 1;
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 'f':
            if (!kz_cli_format(optarg, &fmt, true))
                return 2;
            break;
        case 'h': return -1;
        default: return 2;
        }
    }
    if (argc - optind != 1)
        return kz_cli_usage("stakeholder", _("list: expected one lead ID"));
    int64_t id;
    if (!kz_cli_id(argv[optind], &id))
        return 2;
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE | KZ_OPEN_READS);
    if (rc)
        return rc;
    kz_lead l;
    kz_lead_init(&l);
    kz_stakeholder_list shs = {0};
    kz_status ks = kz_store_lead_get(c->store, id, &l, &c->err);
    if (ks == KZ_OK)
        ks = kz_store_stakeholders(c->store, id, &shs, &c->err);
    if (ks != KZ_OK)
        rc = kz_cli_fail(&c->err);
    else if (shs.n == 0 && fmt == KZ_FMT_TABLE)
        printf("%s\n", _("no stakeholders recorded"));
    else
        print_people(c, &shs, fmt, false);
    kz_stakeholder_list_free(&shs);
    kz_lead_free(&l);
    return rc;
}

static const char sh_help[] =
    N_("Commands:\n"
       "  add ID NAME           add a person to lead ID (--role is required)\n"
       "  set SID FIELD=VALUE...  change a stakeholder (fields: name, role, title,\n"
       "                        email, phone, note; an empty value clears)\n"
       "  rm SID                remove a stakeholder\n"
       "  list ID               the people on a lead, with roles and last touch\n"
       "\nOptions:\n"
       "  --role ROLE           add: one of the rules' stakeholder_roles: %s\n"
       "  --title T             add: their job title\n"
       "  --email E             add: their e-mail address\n"
       "  --phone P             add: their phone number\n"
       "  --note N              add: a note about them\n"
       "  --format F            list: table, csv or json\n"
       "\nSID is the stakeholder's number, as list shows it. Every change is in the\n"
       "lead's history; `kariz log` can name the stakeholder a touch was with.\n");

int kz_cmd_stakeholder(kz_cli *c, int argc, char **argv)
{
    const char *sub = argc >= 2 ? argv[1] : "";
    int rc;
    if (strcmp(sub, "add") == 0)
        rc = sh_add(c, argc - 1, argv + 1);
    else if (strcmp(sub, "set") == 0)
        rc = sh_set(c, argc - 1, argv + 1);
    else if (strcmp(sub, "rm") == 0 || strcmp(sub, "remove") == 0)
        rc = sh_rm(c, argc - 1, argv + 1);
    else if (strcmp(sub, "list") == 0 || strcmp(sub, "ls") == 0)
        rc = sh_list(c, argc - 1, argv + 1);
    else if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0)
        rc = -1;
    else
        return kz_cli_usage("stakeholder", *sub ? _("unknown subcommand \"%s\"; expected add, set, "
                                                    "rm or list")
                                                : _("expected add, set, rm or list%s"),
                            sub);
    if (rc == -1) {
        kz_rules *r = NULL;
        kz_err err;
        const char *names = "decision_maker, ...";
        if (c->rules)
            names = kz_rules_role_names(c->rules);
        else if (kz_rules_load_builtin(&r, &err) == KZ_OK)
            names = kz_rules_role_names(r);
        kz_buf h = KZ_BUF_INIT;
        kz_buf_printf(&h, _(sh_help), names);
        kz_cli_help("stakeholder", kz_buf_str(&h));
        kz_buf_free(&h);
        kz_rules_free(r);
        rc = 0;
    }
    return rc;
}

/* ---- kariz account ---- */

static void account_json(kz_cli *c, const kz_account *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "account", json_string(a->name));
    json_object_set_new(o, "key", json_string(a->key));
    json_t *ls = json_array();
    for (size_t i = 0; i < a->nleads; i++) {
        const kz_lead *l = &a->leads[i];
        json_t *j = json_object();
        json_object_set_new(j, "id", json_integer(kz_lead_num(l, KZ_F_ID)));
        const kz_field fs[] = {KZ_F_NAME, KZ_F_COMPANY, KZ_F_EMAIL, KZ_F_STAGE, KZ_F_OWNER};
        for (size_t k = 0; k < sizeof fs / sizeof fs[0]; k++) {
            const char *v = kz_lead_text(l, fs[k]);
            json_object_set_new(j, kz_field_get(fs[k])->name, v ? json_string(v) : json_null());
        }
        json_object_set_new(j, "value", kz_lead_has(l, KZ_F_VALUE)
                                            ? kz_money_json(kz_lead_num(l, KZ_F_VALUE))
                                            : json_null());
        json_array_append_new(ls, j);
    }
    json_object_set_new(o, "leads", ls);
    json_t *ps = json_array();
    for (size_t i = 0; i < a->people.n; i++) {
        json_t *j = kz_cli_stakeholder_json(&a->people.v[i]);
        json_object_set_new(j, "lead", json_integer(a->people.v[i].lead_id));
        json_array_append_new(ps, j);
    }
    json_object_set_new(o, "stakeholders", ps);
    json_object_set_new(o, "open_leads", json_integer((json_int_t)a->nopen));
    json_object_set_new(o, "open_value", kz_money_json(a->open_value));
    json_object_set_new(o, "weighted_value", kz_money_json(a->weighted));
    if (a->last_touch) {
        char when[32];
        kz_time_format_iso(a->last_touch, when);
        json_object_set_new(o, "last_touch", json_string(when));
        json_object_set_new(o, "last_touch_by", json_string(a->last_by));
    } else {
        json_object_set_new(o, "last_touch", json_null());
        json_object_set_new(o, "last_touch_by", json_null());
    }
    (void)c;
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | KZ_MONEY_JSON_FLAGS);
    json_decref(o);
    kz_cli_write_data(stdout, kz_cli_tty(stdout), s, strlen(s));
    putchar('\n');
    free(s);
}

static void account_table(kz_cli *c, const kz_account *a)
{
    const char *cur = kz_rules_currency(c->rules);
    char v1[64], v2[64];
    kz_money_full(a->open_value, cur, v1, sizeof v1);
    kz_money_full(a->weighted, cur, v2, sizeof v2);
    kz_buf h = KZ_BUF_INIT;
    kz_buf_printf(&h, P_("%s: %zu lead, %zu open, open value %s, weighted %s",
                         "%s: %zu leads, %zu open, open value %s, weighted %s", a->nleads),
                  a->name, a->nleads, a->nopen, v1, v2);
    print_line(kz_buf_str(&h));
    kz_buf_reset(&h);
    if (a->last_touch) {
        char when[KZ_DATE_TEXT];
        kz_time_show(a->last_touch, when, sizeof when);
        kz_buf_printf(&h, _("last touch: %s by %s"), when, a->last_by);
    } else {
        kz_buf_puts(&h, _("last touch: none logged"));
    }
    print_line(kz_buf_str(&h));
    printf("\n%s\n", _("leads:"));
    for (size_t i = 0; i < a->nleads; i++) {
        const kz_lead *l = &a->leads[i];
        char idb[32], amt[64] = "";
        snprintf(idb, sizeof idb, "%" PRId64, kz_lead_num(l, KZ_F_ID));
        printf("  ");
        kz_cli_print_safe_pad(stdout, idb, 5);
        putchar(' ');
        kz_cli_print_safe_pad(stdout, kz_lead_text(l, KZ_F_NAME), 20);
        putchar(' ');
        kz_buf st = KZ_BUF_INIT;
        kz_label_value(c->rules, "stage", kz_lead_text(l, KZ_F_STAGE), &st);
        kz_cli_print_safe_pad(stdout, kz_buf_str(&st), 12);
        kz_buf_free(&st);
        putchar(' ');
        const char *o = kz_lead_text(l, KZ_F_OWNER);
        kz_cli_print_safe_pad(stdout, o && *o ? o : _("(nobody)"), 10);
        putchar(' ');
        if (kz_lead_has(l, KZ_F_VALUE)) {
            const char *lc = kz_lead_text(l, KZ_F_CURRENCY);
            kz_money_full(kz_lead_num(l, KZ_F_VALUE), lc && *lc ? lc : cur, amt, sizeof amt);
        }
        kz_cli_print_safe_pad(stdout, amt, 12);
        putchar(' ');
        kz_cli_print_safe(stdout, kz_lead_text(l, KZ_F_COMPANY));
        putchar('\n');
    }
    printf("\n%s\n", _("stakeholders:"));
    if (a->people.n == 0)
        printf("  %s\n", _("none recorded"));
    for (size_t i = 0; i < a->people.n; i++) {
        printf("  ");
        kz_stakeholder_list one = {&a->people.v[i], 1, 1};
        print_people(c, &one, KZ_FMT_TABLE, true);
    }
    kz_buf_free(&h);
}

static const char account_help[] =
    N_("NAME is a company as any lead spells it (\"Acme Ltd\", \"acme\"), a company\n"
       "e-mail domain (acme.com), or a lead ID (that lead's company). Leads belong\n"
       "to one account when their companies differ only in case, punctuation and\n"
       "legal form (Ltd, Inc, GmbH...), or share a company e-mail domain.\n"
       "\nOther forms:\n"
       "  kariz account alias SPELLING COMPANY   SPELLING is the company COMPANY\n"
       "  kariz account unalias SPELLING         forget that\n"
       "\nOptions:\n  --format table|json\n");

static int account_alias(kz_cli *c, int argc, char **argv)
{
    bool un = strcmp(argv[0], "unalias") == 0;
    if (argc != (un ? 2 : 3))
        return kz_cli_usage("account", un ? _("unalias: expected one SPELLING")
                                          : _("alias: expected a SPELLING and the COMPANY it is"));
    if (c->readonly) {
        fprintf(stderr, "kariz account: %s\n", _("the database is open read-only (--read-only)"));
        return 1;
    }
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE);
    if (rc)
        return rc;
    kz_buf a = KZ_BUF_INIT, b = KZ_BUF_INIT;
    kz_company_key(argv[1], &a);
    if (!un)
        kz_company_key(argv[2], &b);
    if (!a.len || (!un && !b.len)) {
        kz_buf_free(&a);
        kz_buf_free(&b);
        return kz_cli_usage("account", _("a company name needs a letter or a digit"));
    }
    if (!un && strcmp(kz_buf_str(&a), kz_buf_str(&b)) == 0) {
        kz_buf line = KZ_BUF_INIT;
        kz_buf_printf(&line, _("\"%s\" and \"%s\" are already one company"), argv[1], argv[2]);
        print_line(kz_buf_str(&line));
        kz_buf_free(&line);
        kz_buf_free(&a);
        kz_buf_free(&b);
        return 0;
    }
    kz_status ks = kz_store_company_alias_set(c->store, kz_buf_str(&a), un ? NULL : kz_buf_str(&b),
                                              &c->err);
    if (ks == KZ_OK) {
        kz_buf line = KZ_BUF_INIT;
        if (un)
            kz_buf_printf(&line, _("\"%s\" is its own company again"), argv[1]);
        else
            kz_buf_printf(&line, _("\"%s\" is now the account of \"%s\""), argv[1], argv[2]);
        print_line(kz_buf_str(&line));
        kz_buf_free(&line);
    }
    kz_buf_free(&a);
    kz_buf_free(&b);
    return ks == KZ_OK ? 0 : kz_cli_fail(&c->err);
}

int kz_cmd_account(kz_cli *c, int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "alias") == 0 || strcmp(argv[1], "unalias") == 0))
        return account_alias(c, argc - 1, argv + 1);
    static const struct option opts[] = {{"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    kz_format fmt = KZ_FMT_TABLE;
    int o;
    optind = 1;
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 'f':
            if (!kz_cli_format(optarg, &fmt, false))
                return 2;
            break;
        case 'h': return kz_cli_help("account", _(account_help));
        default: return 2;
        }
    }
    if (argc - optind < 1)
        return kz_cli_usage("account", _("expected a company NAME (or a lead ID)"));
    kz_buf name = KZ_BUF_INIT;
    for (int i = optind; i < argc; i++)
        kz_buf_printf(&name, "%s%s", i > optind ? " " : "", argv[i]);
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE | KZ_OPEN_READS);
    if (rc) {
        kz_buf_free(&name);
        return rc;
    }
    kz_account a;
    kz_status ks = kz_account_load(c->store, c->rules, kz_buf_str(&name), &a, &c->err);
    kz_buf_free(&name);
    if (ks != KZ_OK)
        return kz_cli_fail(&c->err);
    if (fmt == KZ_FMT_JSON)
        account_json(c, &a);
    else
        account_table(c, &a);
    kz_account_free(&a);
    return 0;
}
