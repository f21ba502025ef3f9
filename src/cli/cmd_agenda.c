/* cmd_agenda.c - the morning list: what is overdue, due soon and stale. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/prefs.h"
#include "kariz/text.h"

typedef struct agenda {
    kz_cli *c;
    int today;
    int64_t now;
    kz_buf overdue, due, stale; /* owned: one line per lead */
    int noverdue, ndue, nstale;
} agenda;

static void line(kz_buf *b, const kz_lead *l, const char *when, const char *what)
{
    char id[24];
    snprintf(id, sizeof id, "%" PRId64, kz_lead_num(l, KZ_F_ID));
    kz_digits_show(id, sizeof id);
    kz_buf_puts(b, "  ");
    kz_text_fit_right(b, id, 6);
    kz_buf_puts(b, "  ");
    kz_text_fit(b, when, 10, false, true);
    kz_buf_puts(b, "  ");
    kz_buf name = KZ_BUF_INIT;
    const char *who = kz_lead_text(l, KZ_F_NAME) ? kz_lead_text(l, KZ_F_NAME) : "";
    if (kz_lead_text(l, KZ_F_COMPANY))
        kz_buf_printf(&name, _("%s, %s"), who, kz_lead_text(l, KZ_F_COMPANY));
    else
        kz_buf_puts(&name, who);
    kz_text_fit(b, kz_buf_str(&name), 34, true, true);
    kz_buf_free(&name);
    kz_buf_puts(b, "  ");
    kz_text_fit(b, what, 40, true, false);
    kz_buf_putc(b, '\n');
}

static bool due_one(const kz_lead *l, void *ud)
{
    agenda *a = ud;
    char rel[KZ_DATE_TEXT];
    kz_day_relative((int)kz_lead_num(l, KZ_F_NEXT_DUE), a->today, rel, sizeof rel);
    const char *step = kz_lead_text(l, KZ_F_NEXT_STEP) ? kz_lead_text(l, KZ_F_NEXT_STEP) : _("(no step named)");
    if (kz_lead_is_overdue(l, a->today)) {
        line(&a->overdue, l, rel, step);
        a->noverdue++;
    } else {
        line(&a->due, l, rel, step);
        a->ndue++;
    }
    return true;
}

static bool stale_one(const kz_lead *l, void *ud)
{
    agenda *a = ud;
    int idle, limit;
    if (!kz_lead_is_stale(a->c->rules, l, a->now, &idle, &limit))
        return true;
    char why[64];
    snprintf(why, sizeof why, P_("idle %d day, limit %d", "idle %d days, limit %d", idle), idle,
             limit);
    kz_digits_show(why, sizeof why);
    const char *name = kz_lead_text(l, KZ_F_STAGE);
    const kz_stage *st = name ? kz_rules_stage(a->c->rules, name) : NULL;
    line(&a->stale, l, st && st->label ? st->label : name, why); /* the stage by its label */
    a->nstale++;
    return true;
}

int kz_cmd_agenda(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {{"days", required_argument, 0, 'd'},
                                         {"owner", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int64_t days = 7;
    const char *owner = NULL;
    int o;
    optind = 1;
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 'd':
            if (kz_parse_int(optarg, &days) != KZ_OK || days < 0 || days > 3660)
                return kz_cli_usage("agenda", _("--days \"%s\": expected a whole number from 0 to 3660"),
                                    optarg);
            break;
        case 'o': owner = optarg; break;
        case 'h':
            return kz_cli_help("agenda", _("Lists your open leads whose next step is overdue or due\n"
                                         "within N days, and your stale leads; plain text, ready\n"
                                         "for a morning cron mail.\n\nOptions:\n"
                                         "  --days N         how far ahead (default 7)\n"
                                         "  --owner U        someone else's agenda\n"));
        default: return 2; /* kz_cli_next_opt said why */
        }
    }
    if (optind != argc)
        return kz_cli_usage("agenda", _("unexpected argument \"%s\""), argv[optind]);
    int rc = kz_cli_open(c, KZ_OPEN_READS | KZ_OPEN_SCORES);
    if (rc)
        return rc;
    agenda a;
    memset(&a, 0, sizeof a);
    a.c = c;
    a.now = kz_session_now(&c->sess);
    a.today = kz_today(a.now);
    kz_query q = {0};
    q.owner = owner ? owner : c->sess.actor;
    q.open_only = true;
    q.due_by = true;
    q.due_by_day = a.today + days;
    q.sort = KZ_SORT_DUE;
    kz_status ks = kz_store_list(c->store, &q, false, due_one, &a, &c->err);
    if (ks == KZ_OK) {
        kz_query sq = {0};
        sq.owner = q.owner;
        sq.open_only = true;
        sq.sort = KZ_SORT_AGE;
        ks = kz_store_list(c->store, &sq, false, stale_one, &a, &c->err);
    }
    if (ks != KZ_OK) {
        rc = kz_cli_fail(&c->err);
    } else {
        char today[KZ_DATE_TEXT];
        kz_day_show(a.today, today, sizeof today);
        const char *nothing = _("  nothing\n");
        kz_buf who = KZ_BUF_INIT; /* owned */
        printf(_("Agenda for %s, %s\n"), kz_cli_safe(&who, q.owner), today);
        kz_buf_free(&who);
        /* the headings' counts in the digits in force */
        char head[256];
        snprintf(head, sizeof head, _("\nOverdue (%d)\n"), a.noverdue);
        kz_digits_show(head, sizeof head);
        fputs(head, stdout);
        fputs(a.noverdue ? kz_buf_str(&a.overdue) : nothing, stdout);
        snprintf(head, sizeof head,
                 P_("\nDue in the next %lld day (%d)\n", "\nDue in the next %lld days (%d)\n",
                    (unsigned long)days),
                 (long long)days, a.ndue);
        kz_digits_show(head, sizeof head);
        fputs(head, stdout);
        fputs(a.ndue ? kz_buf_str(&a.due) : nothing, stdout);
        snprintf(head, sizeof head, _("\nStale (%d)\n"), a.nstale);
        kz_digits_show(head, sizeof head);
        fputs(head, stdout);
        fputs(a.nstale ? kz_buf_str(&a.stale) : nothing, stdout);
    }
    kz_buf_free(&a.overdue);
    kz_buf_free(&a.due);
    kz_buf_free(&a.stale);
    return rc;
}
