/* cmd_admin.c - init, demo, score and rules: setting up a database and
 * working with the scoring rules. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/demo.h"
#include "kariz/store.h"
#include "kariz/deploy.h"
#include "kariz/i18n.h"
#include "kariz/paths.h"
#include "kariz/prefs.h"
#include "kariz/report.h"
#include "kariz/text.h"
#include "kariz/tui.h"

static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

int kz_cmd_init(kz_cli *c, int argc, char **argv)
{
    if (wants_help(argc, argv))
        return kz_cli_help("init", _("Creates the database (a file, and its directory) when missing,\n"
                                     "or upgrades an older one to this kariz's schema; it says which.\n"));
    if (argc != 1)
        return kz_cli_usage("init", _("unexpected argument \"%s\""), argv[1]);
    int rc = kz_cli_open(c, KZ_OPEN_INIT);
    if (rc)
        return rc;
    kz_buf b1 = KZ_BUF_INIT, b2 = KZ_BUF_INIT; /* owned */
    const char *where = kz_cli_safe(&b1, kz_store_where(c->store));
    switch (kz_store_how_opened(c->store)) {
    case KZ_OPENED_CREATED:
        if (kz_store_target_is_file(c->db_path))
            printf(_("database %s created (schema version %d)\n"), where,
                   kz_store_schema_version());
        else /* a server's database exists already: kariz made its tables in it */
            printf(_("kariz's tables created in %s (schema version %d)\n"), where,
                   kz_store_schema_version());
        break;
    case KZ_OPENED_UPGRADED:
        printf(_("database %s upgraded to schema version %d\n"), where,
               kz_store_schema_version());
        break;
    default:
        printf(_("database %s was set up already (schema version %d)\n"), where,
               kz_store_schema_version());
    }
    printf(_("rules: %s\n"), kz_cli_safe(&b2, c->rules_why));
    kz_buf_free(&b1);
    kz_buf_free(&b2);
    return 0;
}

int kz_cmd_copy(kz_cli *c, int argc, char **argv)
{
    if (wants_help(argc, argv))
        return kz_cli_help("copy", _("Copies every lead, custom field, activity, stakeholder, event,\n"
                                     "triage decision, import record and setting, each with its id,\n"
                                     "from the database FROM into TO, a new database (a file, created\n"
                                     "when missing, or an empty PostgreSQL database named by a\n"
                                     "connection string). All or nothing; a TO that already holds\n"
                                     "leads is refused.\n"));
    if (argc != 3)
        return kz_cli_usage("copy", "%s",
                            argc < 3 ? _("FROM and TO are required") : _("too many arguments"));
    const char *from_t = argv[1], *to_t = argv[2];
    if (strcmp(from_t, to_t) == 0)
        return kz_cli_usage("copy", "%s", _("FROM and TO are the same database"));
    kz_store *from = NULL, *to = NULL;
    kz_status fs = kz_store_open(from_t, KZ_STORE_READONLY, &from, &c->err);
    if (fs == KZ_ENOTFOUND) {
        /* (not "create one with kariz init": a copy's source holds leads) */
        char *where = kz_store_target_shown(from_t); /* owned */
        kz_err_set(&c->err, KZ_ENOTFOUND,
                   _("no kariz database at %s to copy from; nothing was copied"), where);
        free(where);
    }
    if (fs != KZ_OK)
        return kz_cli_fail(&c->err);
    bool file = kz_store_target_is_file(to_t);
    bool existed = kz_store_target_exists(to_t);
    if (file && !existed && kz_deploy_create_db(to_t, &c->err) != KZ_OK) {
        kz_store_close(from);
        return kz_cli_fail(&c->err);
    }
    int64_t rows = 0;
    kz_status ks = kz_store_open(to_t, KZ_STORE_FILL_EMPTY, &to, &c->err);
    if (ks == KZ_OK)
        ks = kz_store_copy(from, to, &rows, &c->err);
    kz_buf b1 = KZ_BUF_INIT, b2 = KZ_BUF_INIT; /* owned */
    if (ks == KZ_OK)
        printf(P_("copied %" PRId64 " row from %s to %s\n", "copied %" PRId64 " rows from %s to %s\n",
                  (unsigned long)rows),
               rows, kz_cli_safe(&b1, kz_store_where(from)), kz_cli_safe(&b2, kz_store_where(to)));
    kz_buf_free(&b1);
    kz_buf_free(&b2);
    kz_store_close(to);
    kz_store_close(from);
    if (ks != KZ_OK && file && !existed) {
        /* the file this copy made for it holds nothing of it: it goes */
        kz_buf side = KZ_BUF_INIT; /* owned */
        unlink(to_t);
        kz_buf_printf(&side, "%s-wal", to_t);
        unlink(kz_buf_str(&side));
        kz_buf_reset(&side);
        kz_buf_printf(&side, "%s-shm", to_t);
        unlink(kz_buf_str(&side));
        kz_buf_free(&side);
    }
    return ks == KZ_OK ? 0 : kz_cli_fail(&c->err);
}

int kz_cmd_demo(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {{"leads", required_argument, 0, 'n'},
                                         {"lang", required_argument, 0, 'l'},
                                         {"no-board", no_argument, 0, 'B'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int64_t n = 60;
    /* Persian under a Persian locale (LANG=fa_IR.UTF-8, LANGUAGE=fa) */
    kz_demo_language lang = kz_prefs_locale_persian() ? KZ_DEMO_FA : KZ_DEMO_EN;
    bool board = true;
    int o;
    optind = 1;
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 'n':
            if (kz_parse_int(optarg, &n) != KZ_OK || n < 1 || n > 10000000)
                return kz_cli_usage("demo", _("--leads \"%s\": expected a whole number from 1 to 10000000"),
                                    optarg);
            break;
        case 'l':
            if (strcmp(optarg, "fa") == 0)
                lang = KZ_DEMO_FA;
            else if (strcmp(optarg, "en") == 0)
                lang = KZ_DEMO_EN;
            else
                return kz_cli_usage("demo", _("--lang \"%s\": expected fa or en"), optarg);
            break;
        case 'B': board = false; break;
        case 'h':
            return kz_cli_help("demo", _("Adds a realistic demo pipeline (leads, touches, notes,\n"
                                       "won and lost deals) when the database holds no leads yet,\n"
                                       "then opens the board.\n\nOptions:\n"
                                       "  --leads N        how many leads (default 60)\n"
                                       "  --lang fa|en     Persian or English names and notes\n"
                                       "                   (default: Persian under a Persian locale)\n"
                                       "  --no-board       only create the data\n"));
        default: return 2; /* kz_cli_next_opt said why */
        }
    }
    if (optind != argc)
        return kz_cli_usage("demo", _("unexpected argument \"%s\""), argv[optind]);
    kz_tui_opts topts = {0};
    kz_err why;
    kz_err_clear(&why);
    bool no_terminal = board && kz_tui_need_terminal(&topts, &why) != KZ_OK;
    if (no_terminal)
        board = false; /* the data still goes in; the board waits for a terminal */
    int rc = kz_cli_open(c, KZ_OPEN_INIT);
    if (rc)
        return rc;
    kz_query q = {0};
    int64_t have = 0;
    if (kz_store_count(c->store, &q, &have, &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    kz_buf path = KZ_BUF_INIT; /* owned */
    kz_cli_safe(&path, kz_store_where(c->store));
    if (have == 0) {
        if (kz_demo_fill(&c->sess, n, lang, &c->err) != KZ_OK) {
            kz_buf_free(&path);
            return kz_cli_fail(&c->err);
        }
        if (!board || !isatty(STDOUT_FILENO))
            printf(P_("added %" PRId64 " demo lead to %s\n", "added %" PRId64 " demo leads to %s\n",
                      (unsigned long)n),
                   n, kz_buf_str(&path));
    } else if (!board || !isatty(STDOUT_FILENO)) {
        printf(P_("%s already holds %" PRId64 " lead; no demo data added\n",
                  "%s already holds %" PRId64 " leads; no demo data added\n", (unsigned long)have),
               kz_buf_str(&path), have);
    }
    kz_buf_free(&path);
    if (no_terminal) {
        fprintf(stderr, _("kariz demo: %s; open the board from a terminal with: kariz --db "),
                why.msg);
        /* quoted for a shell when it holds more than a path's characters
         * (a connection string's spaces, a path with a space) */
        const char *target = kz_store_where(c->store); /* (never a password) */
        bool plain = strspn(target, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                    "0123456789/._-+:@,%") == strlen(target);
        kz_buf quoted = KZ_BUF_INIT; /* owned */
        if (!plain) {
            kz_buf_putc(&quoted, '\'');
            for (const char *p = target; *p; p++)
                kz_buf_puts(&quoted, *p == '\'' ? "'\\''" : (char[]){*p, 0});
            kz_buf_putc(&quoted, '\'');
        }
        kz_cli_print_safe(stderr, plain ? target : kz_buf_str(&quoted));
        kz_buf_free(&quoted);
        fputc('\n', stderr);
    }
    if (!board)
        return 0;
    topts.readonly = kz_store_readonly(c->store);
    topts.readonly_why = c->readonly_why[0] ? c->readonly_why : NULL;
    if (kz_tui_run(&c->sess, &topts, &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    return 0;
}

static void progress_bar(int64_t done, int64_t total, void *ud)
{
    (void)ud;
    int width = 40;
    int fill = total ? (int)(done * width / total) : width;
    fprintf(stderr, "\r%s [", _("scoring"));
    for (int i = 0; i < width; i++)
        fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, "] %" PRId64 "/%" PRId64, done, total);
    if (done >= total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* The grade, persona and rule names come from the team's rules file and
 * the name from the database: all of it is sanitised, and the criterion
 * column padded by display width. */
static void print_explain(const kz_lead *lead, const kz_score *s)
{
    kz_buf head = KZ_BUF_INIT; /* owned */
    kz_buf_printf(&head, _("lead %" PRId64 " "), kz_lead_num(lead, KZ_F_ID));
    kz_buf_puts(&head, kz_lead_text(lead, KZ_F_NAME) ? kz_lead_text(lead, KZ_F_NAME) : "");
    kz_buf_printf(&head, _(": score %d (%s)"), s->total, s->grade ? s->grade : "-");
    if (s->persona)
        kz_buf_printf(&head, _(", persona %s"), s->persona);
    kz_cli_print_safe(stdout, kz_buf_str(&head));
    putchar('\n');
    kz_buf_free(&head);
    for (int c = 0; c < KZ_CRIT__COUNT; c++) {
        fputs("  ", stdout);
        kz_cli_print_safe_pad(stdout, kz_criterion_name((kz_criterion)c), 10);
        printf(" %4d\n", s->sub[c]);
        for (size_t i = 0; i < s->nhits; i++) {
            const kz_score_hit *h = &s->hits[i];
            if ((int)h->crit != c)
                continue;
            printf("      %+4d  ", h->points);
            kz_cli_print_safe(stdout, h->rule ? h->rule : "");
            if (h->count > 1)
                printf(" (x%d)", h->count);
            if (h->matched[0]) {
                printf(" [");
                kz_cli_print_safe(stdout, h->matched);
                printf("]");
            }
            if (h->limit_hit)
                fputs(_(" (pattern hit its match limit: no verdict)"), stdout);
            printf("\n");
        }
    }
    if (s->hits_dropped)
        printf(P_("  and %zu more rule fired (counted in the score, not listed)\n",
                  "  and %zu more rules fired (counted in the score, not listed)\n",
                  (unsigned long)s->hits_dropped),
               s->hits_dropped);
}

int kz_cmd_score(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {{"all", no_argument, 0, 'a'},
                                         {"explain", no_argument, 0, 'x'},
                                         {"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    bool all = false, explain = false;
    kz_format fmt = KZ_FMT_TABLE;
    int o;
    optind = 1;
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 'a': all = true; break;
        case 'x': explain = true; break;
        case 'f':
            if (!kz_cli_format(optarg, &fmt, false))
                return kz_cli_usage("score", _("--format \"%s\": expected table or json"), optarg);
            break;
        case 'h':
            return kz_cli_help("score", _("Options:\n"
                                          "  --all            rescore every lead\n"
                                          "  --explain        show every rule that fired\n"
                                          "  --format F       table (default) or json, with --explain\n"));
        default: return 2; /* kz_cli_next_opt said why */
        }
    }
    if (all == (argc - optind == 1) || argc - optind > 1)
        return kz_cli_usage("score", "%s", _("expected one lead ID, or --all"));
    if (all && explain)
        return kz_cli_usage("score", "%s", _("--explain goes with one lead ID"));
    if (fmt == KZ_FMT_JSON && !explain)
        return kz_cli_usage("score", "%s", _("--format json goes with --explain"));
    int64_t id = 0;
    if (!all && !kz_cli_id(argv[optind], &id))
        return 2;
    /* explaining only reads: it works on a database the user cannot write */
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE | (explain ? KZ_OPEN_READS : 0) | (all ? 0 : KZ_OPEN_SCORES));
    if (rc)
        return rc;
    if (all) {
        if (c->readonly) {
            fprintf(stderr, _("kariz %s: the database is open read-only (--read-only)\n"), "score");
            return 1;
        }
        int64_t changed = 0;
        bool tty = isatty(STDERR_FILENO);
        if (kz_pipe_rescore_all(&c->sess, tty ? progress_bar : NULL, NULL, &changed, &c->err) !=
            KZ_OK)
            return kz_cli_fail(&c->err);
        printf(P_("rescored; %" PRId64 " lead changed\n", "rescored; %" PRId64 " leads changed\n",
                  (unsigned long)changed),
               changed);
        return 0;
    }
    if (!c->readonly && kz_pipe_rescore(&c->sess, id, &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    kz_lead lead;
    kz_lead_init(&lead);
    kz_score *s = kz_xcalloc(1, sizeof *s);
    if (kz_pipe_explain(&c->sess, id, &lead, s, &c->err) != KZ_OK) {
        rc = kz_cli_fail(&c->err);
    } else if (!explain) {
        printf("%d ", s->total);
        kz_cli_print_safe(stdout, s->grade);
        putchar('\n');
    } else if (fmt == KZ_FMT_JSON) {
        kz_buf b = KZ_BUF_INIT;
        kz_score_explain_json(c->rules, &lead, s, &b);
        kz_buf_putc(&b, '\n');
        kz_cli_write_data(stdout, kz_cli_tty(stdout), kz_buf_str(&b), b.len);
        kz_buf_free(&b);
    } else {
        print_explain(&lead, s);
    }
    free(s);
    kz_lead_free(&lead);
    return rc;
}

/* ---- kariz rules ---- */

#define DIFF_EXAMPLES 10 /* leads named under "would no longer pass" */

typedef struct diff_ctx {
    kz_cli *c;
    const kz_rules *next;
    kz_activity_list acts;
    kz_score *cur_s, *new_s; /* owned */
    int64_t leads, changed_grade, changed_score;
    int64_t refused;   /* pass the entry criteria now, would not under next */
    int64_t admitted;  /* fail them now, would pass under next */
    int64_t moves[8][8]; /* [old grade][new grade] */
    kz_buf examples;     /* lines about leads that would fail entry criteria */
    int64_t nexamples;
    kz_status ks;
} diff_ctx;

static int grade_index(const kz_rules *r, const char *g)
{
    for (size_t i = 0; g && i < kz_rules_grade_count(r) && i < 8; i++)
        if (strcmp(kz_rules_grade_name(r, i), g) == 0)
            return (int)i;
    return -1;
}

static bool diff_one(const kz_lead *l, void *ud)
{
    diff_ctx *d = ud;
    kz_activity_list_clear(&d->acts);
    d->ks = kz_store_activities(d->c->store, kz_lead_num(l, KZ_F_ID), &d->acts, &d->c->err);
    if (d->ks != KZ_OK)
        return false;
    int64_t now = kz_session_now(&d->c->sess);
    kz_score_lead(d->c->rules, l, d->acts.v, d->acts.n, now, d->cur_s);
    kz_score_lead(d->next, l, d->acts.v, d->acts.n, now, d->new_s);
    d->leads++;
    if (d->cur_s->total != d->new_s->total)
        d->changed_score++;
    if (strcmp(d->cur_s->grade ? d->cur_s->grade : "", d->new_s->grade ? d->new_s->grade : "") != 0) {
        d->changed_grade++;
        int a = grade_index(d->c->rules, d->cur_s->grade);
        int b = grade_index(d->next, d->new_s->grade);
        if (a >= 0 && b >= 0)
            d->moves[a][b]++;
    }
    /* entry criteria: only a change between the two rules counts */
    const kz_stage *stg = kz_rules_stage(d->next, kz_lead_text(l, KZ_F_STAGE));
    const kz_stage *cur = kz_rules_stage(d->c->rules, kz_lead_text(l, KZ_F_STAGE));
    if (stg && stg->kind == KZ_STAGE_OPEN) {
        kz_err why, was;
        bool fails_now = cur && cur->kind == KZ_STAGE_OPEN &&
                         kz_rules_check_entry(d->c->rules, cur, l, d->cur_s, &was) == KZ_EREFUSED;
        bool fails_next = kz_rules_check_entry(d->next, stg, l, d->new_s, &why) == KZ_EREFUSED;
        if (fails_now && !fails_next)
            d->admitted++;
        if (fails_next && !fails_now) {
            d->refused++;
            if (d->nexamples++ < DIFF_EXAMPLES)
                kz_buf_printf(&d->examples, _("  lead %" PRId64 " (%s): %s\n"), kz_lead_num(l, KZ_F_ID),
                              kz_lead_text(l, KZ_F_NAME) ? kz_lead_text(l, KZ_F_NAME) : "",
                              why.msg);
        }
    }
    return true;
}

static int rules_diff(kz_cli *c, const char *file)
{
    kz_rules *next = NULL;
    if (kz_rules_load_file(file, &next, &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE | KZ_OPEN_READS); /* a diff writes nothing */
    if (rc) {
        kz_rules_free(next);
        return rc;
    }
    diff_ctx d;
    memset(&d, 0, sizeof d);
    d.c = c;
    d.next = next;
    d.cur_s = kz_xcalloc(1, sizeof *d.cur_s);
    d.new_s = kz_xcalloc(1, sizeof *d.new_s);
    kz_query q = {0};
    q.sort = KZ_SORT_ID;
    kz_status ks = kz_store_begin_read(c->store, &c->err);
    if (ks == KZ_OK)
        ks = kz_store_list(c->store, &q, true, diff_one, &d, &c->err);
    if (ks == KZ_OK)
        ks = d.ks;
    kz_store_rollback(c->store);
    if (ks != KZ_OK) {
        rc = kz_cli_fail(&c->err);
    } else {
        /* the two labels, translated, padded to the wider one's columns */
        const char *in_force = _("rules in force:"), *candidate = _("candidate:");
        int lw = kz_text_width(in_force), cw = kz_text_width(candidate);
        int w = (lw > cw ? lw : cw) + 1;
        kz_cli_print_safe_pad(stdout, in_force, w);
        kz_cli_print_safe(stdout, kz_rules_origin(c->rules));
        putchar('\n');
        kz_cli_print_safe_pad(stdout, candidate, w);
        kz_cli_print_safe(stdout, file);
        fputs("\n\n", stdout);
        printf(P_("%" PRId64 " lead; ", "%" PRId64 " leads; ", (unsigned long)d.leads), d.leads);
        printf(_("%" PRId64 " would change score, %" PRId64 " would change grade\n"),
               d.changed_score, d.changed_grade);
        for (size_t a = 0; a < kz_rules_grade_count(c->rules) && a < 8; a++)
            for (size_t b = 0; b < kz_rules_grade_count(next) && b < 8; b++)
                if (d.moves[a][b]) {
                    fputs("  ", stdout);
                    kz_cli_print_safe_pad(stdout, kz_rules_grade_name(c->rules, a), 8);
                    fputs(" -> ", stdout);
                    kz_cli_print_safe_pad(stdout, kz_rules_grade_name(next, b), 8);
                    printf(" %" PRId64 "\n", d.moves[a][b]);
                }
        printf(P_("%" PRId64 " lead would no longer pass its stage's entry criteria\n",
                  "%" PRId64 " leads would no longer pass their stage's entry criteria\n",
                  (unsigned long)d.refused),
               d.refused);
        if (d.examples.len) {
            kz_buf safe = KZ_BUF_INIT;
            kz_text_sanitize(&safe, d.examples.s, d.examples.len, KZ_TEXT_KEEP_NEWLINE);
            fputs(kz_buf_str(&safe), stdout);
            kz_buf_free(&safe);
        }
        if (d.refused > DIFF_EXAMPLES)
            printf(_("  and %" PRId64 " more\n"), d.refused - DIFF_EXAMPLES);
        if (d.admitted)
            printf(P_("%" PRId64 " lead that fails its stage's entry criteria now would pass\n",
                      "%" PRId64 " leads that fail their stage's entry criteria now would pass\n",
                      (unsigned long)d.admitted),
                   d.admitted);
        if (!d.changed_score && !d.changed_grade && !d.refused && !d.admitted)
            fputs(_("no change: the candidate scores, grades and admits every lead as the rules "
                    "in force do\n"),
                  stdout);
        fputs(_("nothing was written\n"), stdout);
    }
    kz_buf_free(&d.examples);
    kz_activity_list_free(&d.acts);
    free(d.cur_s);
    free(d.new_s);
    kz_rules_free(next);
    return rc;
}

/* The scoring-quality report (win rate per grade band of closed deals)
 * for the rules in force and for a candidate, one after the other. */
static int rules_backtest(kz_cli *c, const char *file)
{
    kz_rules *next = NULL;
    if (kz_rules_load_file(file, &next, &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE | KZ_OPEN_READS);
    if (rc) {
        kz_rules_free(next);
        return rc;
    }
    kz_report_opts ro = {KZ_REPORT_OPEN_FROM, KZ_REPORT_OPEN_TO, NULL, kz_session_now(&c->sess)};
    const kz_rules *sets[2] = {c->rules, next};
    const char *names[2] = {kz_rules_origin(c->rules), file};
    for (int i = 0; i < 2 && !rc; i++) {
        kz_report rep;
        kz_report_init(&rep);
        if (kz_report_scoring(c->store, sets[i], true, &ro, &rep, &c->err) != KZ_OK) {
            rc = kz_cli_fail(&c->err);
        } else {
            fputs(i ? _("\ncandidate rules: ") : _("current rules: "), stdout);
            kz_cli_print_safe(stdout, names[i]);
            putchar('\n');
            kz_lines lines = {0};
            kz_report_render(&rep, kz_cli_output_width(), kz_cli_output_unicode(), &lines);
            for (size_t k = 0; k < lines.n; k++)
                puts(lines.v[k]);
            kz_lines_free(&lines);
        }
        kz_report_free(&rep);
    }
    if (!rc)
        printf("\n%s", _("nothing was written\n"));
    kz_rules_free(next);
    return rc;
}

int kz_cmd_rules(kz_cli *c, int argc, char **argv)
{
    const char *help = _("Subcommands:\n"
                       "  path             which rules file is in force, and why\n"
                       "  check [FILE]     validate FILE (default: the rules in force) and\n"
                       "                   summarise what the rules will do\n"
                       "  diff FILE        what FILE would change on this database (grades,\n"
                       "                   bands, entry criteria), without writing anything\n"
                       "  backtest FILE    win rate per grade band of the closed deals, regraded\n"
                       "                   as they stood at closing, under the rules in force and\n"
                       "                   under FILE, one after the other\n");
    if (argc < 2 || wants_help(argc, argv)) {
        if (argc >= 2)
            return kz_cli_help("rules", help);
        return kz_cli_usage("rules", "%s", _("expected path, check, diff or backtest"));
    }
    const char *sub = argv[1];
    if (strcmp(sub, "path") == 0) {
        if (argc != 2)
            return kz_cli_usage("rules", "%s", _("path takes no arguments"));
        char dbp[4096];
        if (kz_db_path(c->db_opt, dbp, sizeof dbp, &c->err) != KZ_OK)
            return kz_cli_fail(&c->err);
        char path[4096];
        const char *why = "";
        kz_rules_resolve(c->rules_opt, kz_cli_db_file(dbp), path, sizeof path, &why);
        if (!path[0] && !kz_cli_db_file(dbp)) {
            /* a server's database: the rules it keeps, when it has some
             * (as every command reads them, kz_cli_open) */
            c->readonly = true;
            int rc = kz_cli_open(c, KZ_OPEN_NOCREATE | KZ_OPEN_READS);
            if (rc)
                return rc;
            kz_cli_print_safe(stdout, c->rules_from_db ? "database" : "built-in");
            fputs("\t(", stdout);
            kz_cli_print_safe(stdout, c->rules_why);
            fputs(")\n", stdout);
            return 0;
        }
        kz_cli_print_safe(stdout, path[0] ? path : "built-in");
        fputs("\t(", stdout);
        kz_cli_print_safe(stdout, why);
        fputs(")\n", stdout);
        return 0;
    }
    if (strcmp(sub, "check") == 0) {
        if (argc > 3)
            return kz_cli_usage("rules", "%s", _("check takes at most one FILE"));
        kz_rules *r = NULL;
        kz_err err;
        kz_status ks;
        if (argc == 3) {
            ks = kz_rules_load_file(argv[2], &r, &err);
        } else {
            char dbp[4096], path[4096];
            const char *why = "";
            if (kz_db_path(c->db_opt, dbp, sizeof dbp, &c->err) != KZ_OK)
                return kz_cli_fail(&c->err);
            kz_rules_resolve(c->rules_opt, kz_cli_db_file(dbp), path, sizeof path, &why);
            ks = path[0] ? kz_rules_load_file(path, &r, &err) : kz_rules_load_builtin(&r, &err);
        }
        if (ks != KZ_OK)
            return kz_cli_fail(&err);
        kz_buf b = KZ_BUF_INIT;
        kz_rules_summary(r, &b);
        kz_buf safe = KZ_BUF_INIT;
        kz_text_sanitize(&safe, b.s ? b.s : "", b.len, KZ_TEXT_KEEP_NEWLINE);
        fputs(kz_buf_str(&safe), stdout);
        kz_buf_free(&safe);
        kz_buf_free(&b);
        kz_rules_free(r);
        return 0;
    }
    if (strcmp(sub, "diff") == 0) {
        if (argc != 3)
            return kz_cli_usage("rules", "%s", _("diff needs the candidate FILE"));
        return rules_diff(c, argv[2]);
    }
    if (strcmp(sub, "backtest") == 0) {
        if (argc != 3)
            return kz_cli_usage("rules", "%s", _("backtest needs the candidate FILE"));
        return rules_backtest(c, argv[2]);
    }
    return kz_cli_usage("rules", _("unknown subcommand \"%s\" (path, check, diff, backtest)"), sub);
}
