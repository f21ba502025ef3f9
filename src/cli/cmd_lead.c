/* cmd_lead.c - commands that read or change leads. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kariz/account.h"
#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/import.h"
#include "kariz/labels.h"
#include "kariz/money.h"
#include "kariz/paths.h"
#include "kariz/prefs.h"
#include "kariz/text.h"

static void reset_getopt(void)
{
    optind = 1;
}

static int need_write(kz_cli *c, const char *cmd)
{
    if (c->readonly) {
        fprintf(stderr, _("kariz %s: the database is open read-only (--read-only)\n"), cmd);
        return 1;
    }
    return 0;
}

/* Another salesperson already works the new lead's company: say so (on
 * standard error: standard output is the new id). */
static void worked_notice(kz_cli *c, const kz_lead *lead)
{
    kz_buf note = KZ_BUF_INIT; /* owned */
    const char *owner = kz_lead_text(lead, KZ_F_OWNER);
    if (kz_account_worked_by_others(c->store, c->rules, lead, owner ? owner : c->sess.actor,
                                    &note)) {
        fputs("kariz: ", stderr);
        kz_cli_print_safe(stderr, kz_buf_str(&note));
        fputc('\n', stderr);
    }
    kz_buf_free(&note);
}

/* A custom field kariz did not know before (kz_pipe_field_is_new) is said
 * to be new, on standard error: "kariz set: new custom field zzz on lead 61". */
static void new_field_notice(const char *cmd, const char *name, int64_t id)
{
    kz_buf msg = KZ_BUF_INIT; /* owned */
    kz_buf_printf(&msg, _("kariz %s: new custom field %s on lead %" PRId64), cmd, name, id);
    kz_cli_print_safe(stderr, kz_buf_str(&msg));
    fputc('\n', stderr);
    kz_buf_free(&msg);
}

/* The same person as an existing lead, by e-mail as import finds
 * duplicates: refused (1), or with force a warning (0). */
static int check_duplicate(kz_cli *c, const kz_lead *lead, bool force)
{
    kz_buf key = KZ_BUF_INIT;
    bool by_email = kz_import_dedupe_key(lead, &key) && key.s[0] == 'e';
    kz_buf_free(&key);
    if (!by_email)
        return 0;
    int64_t existing = 0;
    kz_lead old;
    kz_lead_init(&old);
    if (kz_store_find_by_email(c->store, kz_lead_text(lead, KZ_F_EMAIL), &existing, &c->err) !=
            KZ_OK ||
        (existing && kz_store_lead_get(c->store, existing, &old, &c->err) != KZ_OK)) {
        kz_lead_free(&old);
        return kz_cli_fail(&c->err);
    }
    if (existing) {
        kz_buf msg = KZ_BUF_INIT;
        const char *name = kz_lead_text(&old, KZ_F_NAME), *company = kz_lead_text(&old, KZ_F_COMPANY);
        kz_buf who = KZ_BUF_INIT; /* owned: "Mia Khan, Acme" */
        if (company)
            kz_buf_printf(&who, _("%s, %s"), name ? name : _("(no name)"), company);
        else
            kz_buf_puts(&who, name ? name : _("(no name)"));
        kz_buf_printf(&msg,
                      force ? _("kariz add: warning: lead %" PRId64 " (%s, %s) has this "
                                "e-mail; adding anyway (--force)")
                            : _("kariz add: duplicate: lead %" PRId64 " (%s, %s) has this "
                                "e-mail; nothing added (--force adds it anyway)"),
                      existing, kz_buf_str(&who), kz_lead_text(&old, KZ_F_EMAIL));
        kz_buf_free(&who);
        kz_cli_print_safe(stderr, kz_buf_str(&msg));
        fputc('\n', stderr);
        kz_buf_free(&msg);
    }
    kz_lead_free(&old);
    return existing && !force ? 1 : 0;
}

static int check_known_owner(kz_cli *c, const char *cmd, const char *arg, const char *owner,
                             bool force);

int kz_cmd_add(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"company", required_argument, 0, 'c'}, {"email", required_argument, 0, 'e'},
        {"title", required_argument, 0, 't'},   {"value", required_argument, 0, 'v'},
        {"stage", required_argument, 0, 's'},   {"owner", required_argument, 0, 'o'},
        {"set", required_argument, 0, 'S'},     {"force", no_argument, 0, 'F'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    const char *help = _(
        "Options:\n"
        "  --company C      organisation\n"
        "  --email E        e-mail address (used to find duplicates)\n"
        "  --title T        job title\n"
        "  --value N        deal value, e.g. 12500, 12,500.50, 45k or 1.2M\n"
        "  --stage S        starting stage (default: the first stage)\n"
        "  --owner U        owner's account name (default: you; - for unassigned)\n"
        "  --set FIELD=VALUE  any other field; a new name makes a custom field\n"
        "  --force          add it even when a lead has the same e-mail (compared\n"
        "                   trimmed and case-insensitively, as import does), or\n"
        "                   when the owner is not a known user\n"
        "\n"
        "A lead whose e-mail another lead already has is not added (exit status 1)\n"
        "unless --force is given; either way the message names the existing lead.\n"
        "Nor is a lead whose owner has no account here and owns no lead yet: the\n"
        "message names the closest known name.\n");
    kz_lead lead;
    kz_lead_init(&lead);
    char **sets = kz_xcalloc((size_t)argc, sizeof *sets);
    size_t nsets = 0;
    const char *owner = NULL;
    bool force = false;
    int rc = 0, o;
    reset_getopt();
    /* (field, value) pairs from the named options, applied after parsing */
    const char *named[6][2] = {{0}};
    size_t nnamed = 0;
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 'c': named[nnamed][0] = "company"; named[nnamed++][1] = optarg; break;
        case 'e': named[nnamed][0] = "email"; named[nnamed++][1] = optarg; break;
        case 't': named[nnamed][0] = "title"; named[nnamed++][1] = optarg; break;
        case 'v': named[nnamed][0] = "value"; named[nnamed++][1] = optarg; break;
        case 's': named[nnamed][0] = "stage"; named[nnamed++][1] = optarg; break;
        case 'o': owner = optarg; break;
        case 'S': sets[nsets++] = optarg; break;
        case 'F': force = true; break;
        case 'h': rc = kz_cli_help("add", help) - 1; goto out; /* -1: done */
        default: rc = 2; goto out;
        }
        if (nnamed == 6)
            nnamed = 5; /* repeated options overwrite the last slot */
    }
    if (optind + 1 != argc) {
        rc = kz_cli_usage("add", "%s", optind >= argc ? _("a NAME is required")
                                                      : _("one NAME only (quote names with spaces)"));
        goto out;
    }
    kz_lead_set_text(&lead, KZ_F_NAME, argv[optind]);
    for (size_t i = 0; i < nnamed; i++) {
        if (kz_lead_assign(&lead, named[i][0], named[i][1], false, &c->err) != KZ_OK) {
            rc = kz_cli_fail(&c->err);
            goto out;
        }
    }
    for (size_t i = 0; i < nsets; i++) {
        const char *eq = strchr(sets[i], '=');
        if (!eq || eq == sets[i]) {
            rc = kz_cli_usage("add", _("--set \"%s\": expected FIELD=VALUE"), sets[i]);
            goto out;
        }
        char field[80];
        snprintf(field, sizeof field, "%.*s", (int)(eq - sets[i]), sets[i]);
        char day[16];
        if (kz_lead_assign(&lead, field, kz_pipe_date_value(&c->sess, field, eq + 1, day, sizeof day),
                           false, &c->err) != KZ_OK) {
            rc = kz_cli_fail(&c->err);
            goto out;
        }
    }
    /* a currency typed with an amount and --set currency= must agree */
    for (size_t i = 0; i < nsets; i++) {
        const char *eq = strchr(sets[i], '=');
        if ((size_t)(eq - sets[i]) != strlen("currency") || strncmp(sets[i], "currency", 8) != 0)
            continue;
        char amount[512];
        for (size_t j = 0; j < nnamed + nsets; j++) {
            if (j < nnamed)
                snprintf(amount, sizeof amount, "%s=%s", named[j][0], named[j][1]);
            else
                snprintf(amount, sizeof amount, "%s", sets[j - nnamed]);
            char field[80];
            snprintf(field, sizeof field, "%.*s", (int)strcspn(amount, "="), amount);
            int f = kz_field_lookup(field);
            if (f >= 0 && kz_field_get((kz_field)f)->type == KZ_FT_MONEY &&
                kz_lead_currency_clash(eq + 1, amount, &c->err) != KZ_OK) {
                rc = kz_cli_fail(&c->err);
                goto out;
            }
        }
    }
    if ((rc = need_write(c, "add")))
        goto out;
    if (!owner)
        owner = kz_current_user();
    if (strcmp(owner, "-") != 0 &&
        kz_lead_assign(&lead, "owner", owner, false, &c->err) != KZ_OK) {
        rc = kz_cli_fail(&c->err);
        goto out;
    }
    /* a database add would create knows no owner of leads yet: an unknown
     * owner is refused before anything is created */
    if (kz_db_path(c->db_opt, c->db_path, sizeof c->db_path, &c->err) == KZ_OK &&
        !kz_store_target_exists(c->db_path)) {
        c->sess.actor = kz_current_user();
        if ((rc = check_known_owner(c, "add", "--owner", kz_lead_text(&lead, KZ_F_OWNER), force)))
            goto out;
    }
    if ((rc = kz_cli_open(c, 0)) ||
        (rc = check_known_owner(c, "add", "--owner", kz_lead_text(&lead, KZ_F_OWNER), force)))
        goto out;
    if ((rc = check_duplicate(c, &lead, force)))
        goto out;
    bool *fresh = kz_xcalloc(lead.ncustom + 1, sizeof *fresh); /* owned */
    for (size_t i = 0; i < lead.ncustom; i++)
        fresh[i] = kz_pipe_field_is_new(&c->sess, NULL, lead.custom[i].name);
    if (kz_pipe_add(&c->sess, &lead, &c->err) != KZ_OK) {
        free(fresh);
        rc = kz_cli_fail(&c->err);
        goto out;
    }
    printf("%" PRId64 "\n", kz_lead_num(&lead, KZ_F_ID));
    for (size_t i = 0; i < lead.ncustom; i++)
        if (fresh[i])
            new_field_notice("add", lead.custom[i].name, kz_lead_num(&lead, KZ_F_ID));
    free(fresh);
    worked_notice(c, &lead);
out:
    if (rc < 0)
        rc = 0;
    free(sets);
    kz_lead_free(&lead);
    return rc;
}

static bool parse_sort(const char *s, kz_sort *out)
{
    static const struct {
        const char *name;
        kz_sort sort;
    } sorts[] = {{"score", KZ_SORT_SCORE}, {"value", KZ_SORT_VALUE}, {"age", KZ_SORT_AGE},
                 {"due", KZ_SORT_DUE},     {"name", KZ_SORT_NAME},   {"id", KZ_SORT_ID}};
    for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++)
        if (strcmp(sorts[i].name, s) == 0) {
            *out = sorts[i].sort;
            return true;
        }
    return false;
}

typedef struct list_ctx {
    kz_lead_writer *w;
    size_t rows;
} list_ctx;

static bool list_one(const kz_lead *l, void *ud)
{
    list_ctx *lc = ud;
    kz_lead_writer_add(lc->w, l);
    lc->rows++;
    return true;
}

int kz_cmd_list(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"stage", required_argument, 0, 's'},  {"owner", required_argument, 0, 'o'},
        {"mine", no_argument, 0, 'm'},         {"search", required_argument, 0, 'q'},
        {"grade", required_argument, 0, 'g'},  {"overdue", no_argument, 0, 'd'},
        {"sort", required_argument, 0, 'S'},   {"limit", required_argument, 0, 'n'},
        {"format", required_argument, 0, 'f'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *help = _(
        "Options:\n"
        "  --stage S        only leads in stage S\n"
        "  --owner U        only U's leads (- for unassigned ones)\n"
        "  --mine           only your own leads\n"
        "  --search TEXT    name, company, e-mail or notes hold every word of TEXT\n"
        "  --grade G        only leads in score band G (hot, warm, ...)\n"
        "  --overdue        only leads whose next step is overdue\n"
        "  --sort KEY       score, value, age, due, name or id (default: id)\n"
        "  --limit N        at most N leads\n"
        "  --format F       table (default), csv or json\n");
    kz_query q = {0};
    q.sort = KZ_SORT_ID;
    kz_format fmt = KZ_FMT_TABLE;
    bool mine = false;
    int o;
    reset_getopt();
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 's': q.stage = optarg; break;
        case 'o': q.owner = strcmp(optarg, "-") == 0 ? "" : optarg; break;
        case 'm': mine = true; break;
        case 'q': q.search = optarg; break;
        case 'g': q.grade = optarg; break;
        case 'd': q.overdue = true; break;
        case 'S':
            if (!parse_sort(optarg, &q.sort))
                return kz_cli_usage("list", _("--sort \"%s\": expected score, value, age, due, name or id"),
                                    optarg);
            break;
        case 'n': {
            int64_t n;
            if (kz_parse_int(optarg, &n) != KZ_OK || n <= 0)
                return kz_cli_usage("list", _("--limit \"%s\": expected a positive whole number"),
                                    optarg);
            q.limit = (size_t)n;
            break;
        }
        case 'f':
            if (!kz_cli_format(optarg, &fmt, true))
                return kz_cli_usage("list", _("--format \"%s\": expected table, csv or json"), optarg);
            break;
        case 'h': return kz_cli_help("list", help);
        default: return 2;
        }
    }
    if (optind != argc)
        return kz_cli_usage("list", _("unexpected argument \"%s\""), argv[optind]);
    if (mine && q.owner)
        return kz_cli_usage("list", "%s", _("--mine and --owner cannot be combined"));
    int rc = kz_cli_open(c, KZ_OPEN_READS | KZ_OPEN_SCORES);
    if (rc)
        return rc;
    if (mine)
        q.owner = c->sess.actor;
    if (q.stage && kz_label_find_stage(c->rules, q.stage)) /* its id, or its label */
        q.stage = kz_label_find_stage(c->rules, q.stage);
    else if (q.stage) {
        kz_err_set(&c->err, KZ_EINVAL, _("unknown stage \"%s\" (stages: %s)"), q.stage,
                   kz_rules_stage_names(c->rules));
        return kz_cli_fail(&c->err);
    }
    if (q.grade) {
        bool ok = false;
        kz_buf names = KZ_BUF_INIT;
        for (size_t i = 0; i < kz_rules_grade_count(c->rules); i++) {
            ok |= strcmp(kz_rules_grade_name(c->rules, i), q.grade) == 0;
            kz_buf_printf(&names, "%s%s", i ? ", " : "", kz_rules_grade_name(c->rules, i));
        }
        if (!ok) {
            kz_err_set(&c->err, KZ_EINVAL, _("unknown grade \"%s\" (grades: %s)"), q.grade,
                       kz_buf_str(&names));
            kz_buf_free(&names);
            return kz_cli_fail(&c->err);
        }
        kz_buf_free(&names);
    }
    q.today_day = kz_today(kz_session_now(&c->sess));
    list_ctx lc = {kz_lead_writer_new(fmt, stdout, q.today_day), 0};
    kz_lead_writer_rules(lc.w, c->rules);
    kz_status ks = kz_store_list(c->store, &q, fmt == KZ_FMT_JSON, list_one, &lc, &c->err);
    kz_lead_writer_finish(lc.w);
    if (ks == KZ_OK && fmt == KZ_FMT_TABLE && q.limit && lc.rows == q.limit) {
        /* a table cut by --limit says how much it left out (CSV and JSON
         * stay plain data) */
        kz_query all = q;
        all.limit = 0;
        int64_t total = 0;
        ks = kz_store_count(c->store, &all, &total, &c->err);
        if (ks == KZ_OK && total > (int64_t)lc.rows) {
            char more[160]; /* (in the digits in force, as the table) */
            snprintf(more, sizeof more, _("and %" PRId64 " more (--limit %zu)\n"),
                     total - (int64_t)lc.rows, q.limit);
            kz_digits_show(more, sizeof more);
            fputs(more, stdout);
        }
    }
    if (ks == KZ_OK && lc.rows == 0 && !mine)
        kz_cli_owner_hint(c, "list", q.owner);
    return ks == KZ_OK ? 0 : kz_cli_fail(&c->err);
}

/* Prints "label  value" made safe for the terminal, the label padded to 14
 * display columns (a translated or custom field's name may be wider). */
static void show_line(const char *label, const char *value)
{
    if (!value || !*value)
        return;
    kz_cli_print_safe_pad(stdout, label, 14);
    putchar(' ');
    kz_cli_print_safe(stdout, value);
    putchar('\n');
}

static void print_activities(const kz_activity_list *acts)
{
    for (size_t i = 0; i < acts->n; i++) {
        const kz_activity *a = &acts->v[i];
        char when[KZ_DATE_TEXT];
        kz_time_show(a->at, when, sizeof when);
        fputs("  ", stdout);
        kz_cli_print_safe_pad(stdout, when, kz_time_show_cols());
        fputs("  ", stdout);
        kz_cli_print_safe_pad(stdout, a->author, 8);
        putchar(' ');
        kz_buf what = KZ_BUF_INIT; /* owned: "call, no answer" */
        kz_label_activity(a->kind, a->outcome, &what);
        kz_cli_print_safe_pad(stdout, kz_buf_str(&what), 24);
        putchar(' ');
        /* who it was with, then the note: "with Mia Khan: wants a quote" */
        kz_buf_reset(&what);
        if (a->with_name && *a->with_name)
            kz_buf_printf(&what, _("with %s"), a->with_name);
        if (what.len && a->note && *a->note)
            kz_buf_puts(&what, ": ");
        kz_buf_puts(&what, a->note ? a->note : "");
        kz_cli_print_safe(stdout, kz_buf_str(&what));
        kz_buf_free(&what);
        putchar('\n');
    }
}

/* Options of commands that only take --format table|json. Returns -1 to go
 * on, else the exit status (help shown, or a usage error). */
static int table_or_json(int argc, char **argv, kz_format *fmt)
{
    static const struct option opts[] = {{"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int o;
    reset_getopt();
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 'f':
            if (!kz_cli_format(optarg, fmt, false))
                return kz_cli_usage(argv[0], _("--format \"%s\": expected table or json"), optarg);
            break;
        case 'h':
            return kz_cli_help(argv[0], _("Options:\n  --format F       table (default) or json\n"));
        default: return 2;
        }
    }
    return -1;
}

int kz_cmd_show(kz_cli *c, int argc, char **argv)
{
    kz_format fmt = KZ_FMT_TABLE;
    int rc0 = table_or_json(argc, argv, &fmt);
    if (rc0 >= 0)
        return rc0;
    if (optind + 1 != argc)
        return kz_cli_usage("show", "%s", _("expected one lead ID"));
    int64_t id;
    if (!kz_cli_id(argv[optind], &id))
        return 2;
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE | KZ_OPEN_READS | KZ_OPEN_SCORES);
    if (rc)
        return rc;
    kz_lead lead;
    kz_lead_init(&lead);
    kz_activity_list acts = {0};
    kz_stakeholder_list shs = {0};
    kz_status ks = kz_store_lead_get(c->store, id, &lead, &c->err);
    if (ks == KZ_OK)
        ks = kz_store_activities(c->store, id, &acts, &c->err);
    if (ks == KZ_OK)
        ks = kz_store_stakeholders(c->store, id, &shs, &c->err);
    if (ks != KZ_OK) {
        rc = kz_cli_fail(&c->err);
    } else if (fmt == KZ_FMT_JSON) {
        char *s = kz_show_json(&lead, &acts, &shs, true);
        kz_cli_write_data(stdout, kz_cli_tty(stdout), s, strlen(s));
        putchar('\n');
        free(s);
    } else {
        char buf[128];
        kz_buf words = KZ_BUF_INIT; /* owned */
        const char *cur = kz_lead_text(&lead, KZ_F_CURRENCY);
        for (int f = 0; f < KZ_F__COUNT; f++) {
            kz_lead_show(&lead, (kz_field)f, buf, sizeof buf);
            const kz_field_info *fi = kz_field_get((kz_field)f);
            const char *v = fi->type == KZ_FT_TEXT ? kz_lead_text(&lead, (kz_field)f) : buf;
            /* values in words: amounts in full, stages by label, reasons */
            if (fi->type == KZ_FT_MONEY && kz_lead_has(&lead, (kz_field)f)) {
                kz_money_full(kz_lead_num(&lead, (kz_field)f),
                              cur && *cur ? cur : kz_rules_currency(c->rules), buf, sizeof buf);
            } else if (v && *v &&
                       (f == KZ_F_STAGE || f == KZ_F_LOST_FROM || f == KZ_F_LOST_REASON ||
                        f == KZ_F_STATUS)) {
                kz_buf_reset(&words);
                kz_label_value(c->rules, fi->name, v, &words);
                v = kz_buf_str(&words);
            }
            show_line(fi->name, v);
        }
        int idle, limit;
        if (kz_lead_is_stale(c->rules, &lead, kz_session_now(&c->sess), &idle, &limit)) {
            snprintf(buf, sizeof buf, P_("idle %d day, limit %d", "idle %d days, limit %d", idle),
                     idle, limit);
            show_line(_("stale"), buf);
        }
        for (size_t i = 0; i < lead.ncustom; i++)
            show_line(lead.custom[i].name, lead.custom[i].value);
        if (shs.n) {
            fputs(_("\nstakeholders:\n"), stdout);
            for (size_t i = 0; i < shs.n; i++) {
                kz_buf_reset(&words);
                kz_label_value(c->rules, "role", shs.v[i].role, &words);
                printf("  ");
                kz_cli_print_safe_pad(stdout, kz_buf_str(&words), 15);
                putchar(' ');
                kz_cli_print_safe(stdout, shs.v[i].name);
                if (shs.v[i].title) {
                    fputs(", ", stdout);
                    kz_cli_print_safe(stdout, shs.v[i].title);
                }
                putchar('\n');
            }
        }
        if (acts.n) {
            fputs(_("\nactivities:\n"), stdout);
            print_activities(&acts);
        }
        kz_buf_free(&words);
    }
    kz_lead_free(&lead);
    kz_activity_list_free(&acts);
    kz_stakeholder_list_free(&shs);
    return rc;
}

/* Parses "ID" plus the common write-command setup. */
static int open_for_write(kz_cli *c, const char *cmd, const char *idarg, int64_t *id)
{
    if (!kz_cli_id(idarg, id))
        return 2;
    int rc = need_write(c, cmd);
    return rc ? rc : kz_cli_open(c, KZ_OPEN_NOCREATE);
}

/* --force among the arguments: removed from argv (returns true when found). */
static bool take_force(int *argc, char **argv)
{
    bool found = false;
    int n = 0;
    for (int i = 0; i < *argc; i++) {
        if (i > 0 && strcmp(argv[i], "--force") == 0)
            found = true;
        else
            argv[n++] = argv[i];
    }
    *argc = n;
    return found;
}

/* An owner who is not a known user (kz_user_check, the board's check too)
 * is refused unless forced: most often a misspelt name. arg names the
 * option or field that gave it ("--owner", "owner"), NULL for a bare
 * argument (the message names the value itself). Returns the exit status,
 * 0 when the owner may be given the lead. */
static int check_known_owner(kz_cli *c, const char *cmd, const char *arg, const char *owner,
                             bool force)
{
    kz_err err;
    if (force || !owner || !*owner || kz_user_check(&c->sess, owner, &err) == KZ_OK)
        return 0;
    kz_buf msg = KZ_BUF_INIT; /* owned */
    if (arg)
        kz_buf_printf(&msg, _("kariz %s: %s: %s; nothing was written: check the spelling, or add "
                              "--force to give the lead to that name anyway"),
                      cmd, arg, err.msg);
    else
        kz_buf_printf(&msg, _("kariz %s: %s; nothing was written: check the spelling, or add "
                              "--force to give the lead to that name anyway"),
                      cmd, err.msg);
    kz_cli_print_safe(stderr, kz_buf_str(&msg));
    fputc('\n', stderr);
    kz_buf_free(&msg);
    return kz_status_exit(err.code);
}

int kz_cmd_set(kz_cli *c, int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return kz_cli_help("set", _("FIELD is a built-in field (see kariz(1)) or a custom field;\n"
                                  "an empty VALUE clears the field. A name one or two letters\n"
                                  "away from a known field is refused as a likely typo (did you\n"
                                  "mean ...?) unless the rules declare it under custom_fields;\n"
                                  "any other new name makes a new custom field, and says so.\n"
                                  "\nOptions:\n"
                                  "  --force          set owner= to a name that is not a known\n"
                                  "                   user (no account, owns no lead)\n"));
    bool force = take_force(&argc, argv);
    if (argc < 3)
        return kz_cli_usage("set", "%s", _("expected ID and at least one FIELD=VALUE"));
    for (int i = 2; i < argc; i++)
        if (!strchr(argv[i], '=') || argv[i][0] == '=')
            return kz_cli_usage("set", _("\"%s\": expected FIELD=VALUE"), argv[i]);
    int64_t id;
    int rc = open_for_write(c, "set", argv[1], &id);
    if (rc)
        return rc;
    for (int i = 2; i < argc; i++)
        if (strncmp(argv[i], "owner=", 6) == 0 &&
            (rc = check_known_owner(c, "set", "owner", argv[i] + 6, force)) != 0)
            return rc;
    kz_lead before; /* as read: which names are new */
    kz_lead_init(&before);
    bool *fresh = kz_xcalloc((size_t)argc, sizeof *fresh); /* owned */
    if (kz_store_lead_get(c->store, id, &before, &c->err) == KZ_OK)
        for (int i = 2; i < argc; i++) {
            argv[i][strcspn(argv[i], "=")] = '\0'; /* the name alone, for a moment */
            fresh[i] = kz_pipe_field_is_new(&c->sess, &before, argv[i]);
            size_t len = strlen(argv[i]);
            for (int j = 2; j < i; j++) /* a name given twice is said once */
                if (fresh[j] && strncmp(argv[j], argv[i], len) == 0 && argv[j][len] == '=')
                    fresh[i] = false;
            argv[i][strlen(argv[i])] = '=';
        }
    kz_lead_free(&before);
    if (kz_pipe_set(&c->sess, id, 0, (const char *const *)argv + 2, (size_t)argc - 2,
                    &c->err) != KZ_OK)
        rc = kz_cli_fail(&c->err);
    for (int i = 2; !rc && i < argc; i++)
        if (fresh[i]) {
            argv[i][strcspn(argv[i], "=")] = '\0';
            new_field_notice("set", argv[i], id);
        }
    free(fresh);
    return rc;
}

/* move / won: ID [STAGE] [--force --reason TEXT] */
static int move_like(kz_cli *c, int argc, char **argv, bool won)
{
    static const struct option opts[] = {{"force", no_argument, 0, 'F'},
                                         {"reason", required_argument, 0, 'r'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *cmd = argv[0];
    bool force = false;
    const char *reason = NULL;
    int o;
    reset_getopt();
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 'F': force = true; break;
        case 'r': reason = optarg; break;
        case 'h':
            return kz_cli_help(cmd, _("Options:\n"
                                      "  --force          override the stage's entry criteria\n"
                                      "  --reason TEXT    why (required with --force; recorded)\n"));
        default: return 2;
        }
    }
    int want = won ? 1 : 2;
    if (argc - optind != want)
        return kz_cli_usage(cmd, "%s",
                            won ? _("expected one lead ID") : _("expected a lead ID and a STAGE"));
    if (force && (!reason || !*reason))
        return kz_cli_usage(cmd, "%s", _("--force needs --reason TEXT saying why"));
    if (reason && !force)
        return kz_cli_usage(cmd, "%s", _("--reason goes with --force"));
    int64_t id;
    int rc = open_for_write(c, cmd, argv[optind], &id);
    if (rc)
        return rc;
    kz_status ks = won ? kz_pipe_won(&c->sess, id, 0, force ? reason : NULL, &c->err)
                       : kz_pipe_move(&c->sess, id, 0, argv[optind + 1], force ? reason : NULL,
                                      &c->err);
    if (ks == KZ_EREFUSED) {
        kz_err_prefix(&c->err, _("refused"));
        rc = kz_cli_fail(&c->err);
        fputs(_("kariz: to override, add --force --reason TEXT\n"), stderr);
        return rc;
    }
    return ks == KZ_OK ? 0 : kz_cli_fail(&c->err);
}

int kz_cmd_move(kz_cli *c, int argc, char **argv)
{
    return move_like(c, argc, argv, false);
}

int kz_cmd_won(kz_cli *c, int argc, char **argv)
{
    return move_like(c, argc, argv, true);
}

int kz_cmd_lost(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {{"reason", required_argument, 0, 'r'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *reason = NULL;
    int o;
    reset_getopt();
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 'r': reason = optarg; break;
        case 'h':
            return kz_cli_help("lost", _("The reason may also follow the ID: kariz lost 23 price.\n\n"
                                         "Options:\n  --reason REASON  one of the lost reasons in the "
                                         "rules (kariz rules check lists them)\n"));
        default: return 2;
        }
    }
    if (argc - optind == 2 && !reason)
        reason = argv[optind + 1]; /* kariz lost 23 price: the reason after the ID */
    else if (argc - optind != 1)
        return kz_cli_usage("lost", "%s", _("expected one lead ID and its reason"));
    if (!reason || !*reason)
        return kz_cli_usage("lost", "%s", _("--reason REASON is required (or the reason after the ID)"));
    int64_t id;
    int rc = open_for_write(c, "lost", argv[optind], &id);
    if (rc)
        return rc;
    return kz_pipe_lost(&c->sess, id, 0, reason, &c->err) == KZ_OK ? 0 : kz_cli_fail(&c->err);
}

int kz_cmd_note(kz_cli *c, int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return kz_cli_help("note", _("TEXT may be several words; - reads the note from standard input.\n"));
    if (argc < 3)
        return kz_cli_usage("note", "%s", _("expected a lead ID and the note's TEXT"));
    int64_t id;
    int rc = open_for_write(c, "note", argv[1], &id);
    if (rc)
        return rc;
    kz_buf text = KZ_BUF_INIT;
    if (argc == 3 && strcmp(argv[2], "-") == 0) {
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
            kz_buf_append(&text, chunk, n);
        while (text.len && (text.s[text.len - 1] == '\n' || text.s[text.len - 1] == '\r'))
            text.s[--text.len] = '\0';
    } else {
        for (int i = 2; i < argc; i++)
            kz_buf_printf(&text, "%s%s", i > 2 ? " " : "", argv[i]);
    }
    kz_status ks = kz_pipe_note(&c->sess, id, kz_buf_str(&text), &c->err);
    kz_buf_free(&text);
    return ks == KZ_OK ? 0 : kz_cli_fail(&c->err);
}

int kz_cmd_log(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {{"channel", required_argument, 0, 'c'},
                                         {"note", required_argument, 0, 'n'},
                                         {"with", required_argument, 0, 'w'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *channel = NULL, *note = NULL, *with = NULL;
    int o;
    reset_getopt();
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 'c': channel = optarg; break;
        case 'n': note = optarg; break;
        case 'w': with = optarg; break;
        case 'h': {
            kz_buf h = KZ_BUF_INIT;
            kz_buf_printf(&h,
                          _("KIND is one of: %s\nOUTCOME is one of: %s\n\nOptions:\n"
                            "  --channel C      the channel (default: the kind's own, e.g. phone)\n"
                            "  --note TEXT      a note with the touch\n"
                            "  --with WHO       the stakeholder it was with (id, name or role)\n"),
                          kz_activity_kinds_list(), kz_activity_outcomes_list());
            kz_cli_help("log", kz_buf_str(&h));
            kz_buf_free(&h);
            return 0;
        }
        default: return 2;
        }
    }
    if (argc - optind != 3)
        return kz_cli_usage("log", "%s", _("expected a lead ID, a KIND and an OUTCOME"));
    int64_t id;
    int rc = open_for_write(c, "log", argv[optind], &id);
    if (rc)
        return rc;
    int64_t sid = 0;
    if (with && (rc = kz_cli_stakeholder_arg(c, id, with, &sid)) != 0)
        return rc;
    return kz_pipe_log_with(&c->sess, id, sid, argv[optind + 1], argv[optind + 2], channel, note,
                            &c->err) == KZ_OK
               ? 0
               : kz_cli_fail(&c->err);
}

/* "next step for Mia Khan (lead 12): call back, due Fri 2026-12-04 (tomorrow)",
 * as saved (the step kept from before when none was given). */
static int confirm_followup(kz_cli *c, int64_t id)
{
    static const char *const wd[] = {N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"),
                                     N_("Fri"), N_("Sat"), N_("Sun")};
    kz_lead lead;
    kz_lead_init(&lead);
    if (kz_store_lead_get(c->store, id, &lead, &c->err) != KZ_OK) {
        kz_lead_free(&lead);
        return kz_cli_fail(&c->err);
    }
    int due = (int)kz_lead_num(&lead, KZ_F_NEXT_DUE);
    char date[KZ_DATE_TEXT], rel[KZ_DATE_TEXT];
    kz_day_show(due, date, sizeof date);
    int today = kz_today(kz_session_now(&c->sess));
    kz_day_ago(due, today, rel, sizeof rel);
    const char *name = kz_lead_text(&lead, KZ_F_NAME), *step = kz_lead_text(&lead, KZ_F_NEXT_STEP);
    kz_buf line = KZ_BUF_INIT;
    kz_buf_printf(&line, _("next step for %s (lead %" PRId64 "): %s, due %s %s"),
                  name ? name : "", id, step ? step : _("(no step named)"),
                  _(wd[kz_day_weekday(due)]), date);
    kz_buf_printf(&line, " (%s)", rel);
    kz_cli_print_safe(stdout, kz_buf_str(&line));
    putchar('\n');
    kz_buf_free(&line);
    kz_lead_free(&lead);
    return 0;
}

int kz_cmd_followup(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {{"step", required_argument, 0, 's'},
                                         {"force", no_argument, 0, 'F'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *step = NULL;
    bool force = false;
    int o;
    reset_getopt();
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 's': step = optarg; break;
        case 'F': force = true; break;
        case 'h':
            return kz_cli_help("followup",
                               _("WHEN: today, tomorrow, yesterday, mon..sun (the next one), next week,\n"
                               "next month, +3d, +2w, +1m, in 3 days, in 2 weeks, in 1 month, eom\n"
                               "(end of month), or YYYY-MM-DD, in your time zone. Prints the next\n"
                               "step as saved: the lead, the step and the date. A date before\n"
                               "today is refused (exit 1) unless forced: it would make the lead\n"
                               "overdue at once.\n\n"
                               "Options:\n  --step TEXT      what the next step is (default: the one it has)\n"
                               "  --force          set a due date in the past anyway\n"));
        default: return 2;
        }
    }
    if (argc - optind < 2)
        return kz_cli_usage("followup", "%s", _("expected a lead ID and WHEN"));
    kz_buf when = KZ_BUF_INIT;
    for (int i = optind + 1; i < argc; i++)
        kz_buf_printf(&when, "%s%s", i > optind + 1 ? " " : "", argv[i]);
    int64_t id;
    int day;
    /* a WHEN that is no date is said before the database is opened (read
     * again below from the session's today: $KARIZ_NOW) */
    kz_err werr;
    if (kz_date_parse(kz_buf_str(&when), kz_today(time(NULL)), &day, &werr) != KZ_OK) {
        kz_buf_free(&when);
        /* TRANSLATORS: WHEN is the argument's name in the usage line */
        return kz_cli_usage("followup", _("WHEN: %s"), werr.msg);
    }
    int rc = open_for_write(c, "followup", argv[optind], &id);
    int today = kz_today(kz_session_now(&c->sess));
    /* a WHEN that is no date is a usage error (2), as report's --from is */
    if (!rc && kz_date_parse(kz_buf_str(&when), today, &day, &c->err) != KZ_OK)
        /* TRANSLATORS: WHEN is the argument's name in the usage line */
        rc = kz_cli_usage("followup", _("WHEN: %s"), c->err.msg);
    if (!rc && day < today && !force) { /* almost always a typo */
        char date[KZ_DATE_TEXT], rel[KZ_DATE_TEXT];
        kz_day_show(day, date, sizeof date);
        kz_day_ago(day, today, rel, sizeof rel);
        kz_buf msg = KZ_BUF_INIT; /* owned */
        kz_buf_printf(&msg, _("kariz followup: WHEN \"%s\" is %s (%s), in the past: the lead "
                              "would be overdue at once; nothing was written: give a date from "
                              "today on, or add --force to set it anyway"),
                      kz_buf_str(&when), date, rel);
        kz_cli_print_safe(stderr, kz_buf_str(&msg));
        fputc('\n', stderr);
        kz_buf_free(&msg);
        rc = 1; /* a value refused, as an unknown owner is */
    }
    if (!rc && kz_pipe_followup(&c->sess, id, 0, day, step, &c->err) != KZ_OK)
        rc = kz_cli_fail(&c->err);
    kz_buf_free(&when);
    return rc ? rc : confirm_followup(c, id);
}

int kz_cmd_assign(kz_cli *c, int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return kz_cli_help("assign", _("USER is a Unix account name; - leaves the lead unassigned.\n"
                                     "A name that is not a known user (no account here, owns no\n"
                                     "lead) is refused unless forced.\n"
                                     "\nOptions:\n"
                                     "  --force          assign to that name anyway\n"));
    bool force = take_force(&argc, argv);
    if (argc != 3)
        return kz_cli_usage("assign", "%s", _("expected a lead ID and a USER (or -)"));
    int64_t id;
    int rc = open_for_write(c, "assign", argv[1], &id);
    if (rc)
        return rc;
    const char *owner = strcmp(argv[2], "-") == 0 ? NULL : argv[2];
    if ((rc = check_known_owner(c, "assign", NULL, owner, force)) != 0)
        return rc;
    return kz_pipe_assign(&c->sess, id, 0, owner, &c->err) == KZ_OK ? 0 : kz_cli_fail(&c->err);
}

int kz_cmd_history(kz_cli *c, int argc, char **argv)
{
    kz_format fmt = KZ_FMT_TABLE;
    int rc0 = table_or_json(argc, argv, &fmt);
    if (rc0 >= 0)
        return rc0;
    if (argc - optind != 1)
        return kz_cli_usage("history", "%s", _("expected one lead ID"));
    int64_t id;
    if (!kz_cli_id(argv[optind], &id))
        return 2;
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE | KZ_OPEN_READS);
    if (rc)
        return rc;
    kz_lead lead;
    kz_lead_init(&lead);
    kz_event_list ev = {0};
    kz_status ks = kz_store_lead_get(c->store, id, &lead, &c->err);
    if (ks == KZ_ENOTFOUND) /* a deleted lead keeps its history */
        ks = KZ_OK;
    if (ks == KZ_OK)
        ks = kz_store_events(c->store, id, 0, &ev, &c->err);
    if (ks == KZ_OK && ev.n == 0)
        ks = kz_err_set(&c->err, KZ_ENOTFOUND, _("no lead with id %" PRId64), id);
    if (ks != KZ_OK) {
        rc = kz_cli_fail(&c->err);
    } else if (fmt == KZ_FMT_JSON) {
        char *s = kz_events_json(&ev);
        kz_cli_write_data(stdout, kz_cli_tty(stdout), s, strlen(s));
        putchar('\n');
        free(s);
    } else {
        long *by = kz_xcalloc(ev.n ? ev.n : 1, sizeof *by);
        kz_events_undone(ev.v, ev.n, by);
        for (size_t i = 0; i < ev.n; i++) {
            const kz_event *e = &ev.v[i];
            bool undo = kz_event_is_undo(e);
            char when[KZ_DATE_TEXT];
            kz_time_show(e->at, when, sizeof when);
            kz_cli_print_safe_pad(stdout, when, kz_time_show_cols());
            fputs("  ", stdout);
            kz_cli_print_safe_pad(stdout, e->actor, 8);
            putchar(' ');
            /* TRANSLATORS: history's kind column for an undo (at most 11 columns) */
            kz_cli_print_safe_pad(stdout, undo ? _("undid") : kz_label_event_kind(e->kind), 11);
            putchar(' ');
            kz_buf line = KZ_BUF_INIT;
            kz_event shown = *e;
            if (undo)
                shown.detail = NULL; /* said in words below */
            kz_label_event(c->rules, &shown, &line);
            if (by[i] >= 0) {
                kz_time_show(ev.v[by[i]].at, when, sizeof when);
                kz_buf_printf(&line, _(" (undone at %s)"), when);
            }
            /* (in time order a change may come after its undo) */
            for (size_t j = 0; undo && j < ev.n; j++)
                if (by[j] == (long)i) {
                    kz_time_show(ev.v[j].at, when, sizeof when);
                    kz_buf_printf(&line, _(" (undo of the change at %s)"), when);
                }
            kz_cli_print_safe(stdout, kz_buf_str(&line));
            kz_buf_free(&line);
            putchar('\n');
        }
        free(by);
    }
    kz_event_list_free(&ev);
    kz_lead_free(&lead);
    return rc;
}

int kz_cmd_blame(kz_cli *c, int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return kz_cli_help("blame", _("FIELD is a built-in or custom field name.\n"));
    if (argc != 3)
        return kz_cli_usage("blame", "%s", _("expected a lead ID and a FIELD"));
    int64_t id;
    if (!kz_cli_id(argv[1], &id))
        return 2;
    const char *field = argv[2];
    if (kz_field_lookup(field) < 0 && !kz_custom_name_ok(field))
        return kz_cli_usage("blame", _("\"%s\" is not a field name"), field);
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE | KZ_OPEN_READS);
    if (rc)
        return rc;
    kz_lead lead;
    kz_lead_init(&lead);
    kz_event e = {0};
    kz_status ks = kz_store_lead_get(c->store, id, &lead, &c->err);
    if (ks == KZ_OK)
        ks = kz_store_blame(c->store, id, field, &e, &c->err);
    if (ks != KZ_OK) {
        rc = kz_cli_fail(&c->err);
    } else {
        char when[KZ_DATE_TEXT];
        kz_time_show(e.at, when, sizeof when);
        char cur[256];
        int f = kz_field_lookup(field);
        if (f >= 0)
            kz_lead_format(&lead, (kz_field)f, cur, sizeof cur);
        else
            snprintf(cur, sizeof cur, "%s", kz_lead_custom(&lead, field) ? kz_lead_custom(&lead, field) : "");
        kz_buf line = KZ_BUF_INIT, label = KZ_BUF_INIT, was = KZ_BUF_INIT, now_v = KZ_BUF_INIT;
        kz_label_key(field, &label);
        kz_buf shown = KZ_BUF_INIT;
        kz_label_value(c->rules, field, cur, &shown);
        snprintf(cur, sizeof cur, "%s", *cur ? kz_buf_str(&shown) : "");
        kz_buf_free(&shown);
        field = kz_buf_str(&label);
        if (e.old_value)
            kz_label_value(c->rules, e.field ? e.field : argv[2], e.old_value, &was);
        if (e.new_value)
            kz_label_value(c->rules, e.field ? e.field : argv[2], e.new_value, &now_v);
        if (strcmp(e.kind, "create") == 0)
            kz_buf_printf(&line, _("%s: \"%s\" since the lead was created by %s on %s"), field, cur,
                          e.actor, when);
        else if (strcmp(e.kind, "import") == 0)
            kz_buf_printf(&line, _("%s: \"%s\" since the lead was imported by %s on %s (%s)"), field,
                          cur, e.actor, when, e.detail ? e.detail : "");
        else
            kz_buf_printf(&line, _("%s: \"%s\" set by %s on %s (was \"%s\")"), field,
                          kz_buf_str(&now_v), e.actor, when, kz_buf_str(&was));
        kz_cli_print_safe(stdout, kz_buf_str(&line));
        putchar('\n');
        kz_buf_free(&line);
        kz_buf_free(&label);
        kz_buf_free(&was);
        kz_buf_free(&now_v);
    }
    free(e.field);
    free(e.old_value);
    free(e.new_value);
    free(e.detail);
    kz_lead_free(&lead);
    return rc;
}
