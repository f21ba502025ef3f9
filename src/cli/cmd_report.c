/* cmd_report.c - `kariz report NAME`: the managers' reports (src/report.c)
 * as a terminal table with bar charts, CSV or JSON. */
#include <getopt.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/report.h"

/* Columns of the output: $COLUMNS, else the terminal's width, else 80. */
int kz_cli_output_width(void)
{
    const char *cols = getenv("COLUMNS");
    int64_t n;
    if (cols && kz_parse_int(cols, &n) == KZ_OK && n > 0 && n < 10000)
        return (int)n;
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

/* Block characters when the locale's character set is UTF-8. */
bool kz_cli_output_unicode(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

static int period_error(const char *opt, const kz_err *err)
{
    fprintf(stderr, "kariz report: %s: ", opt);
    kz_cli_print_safe(stderr, err->msg);
    fputc('\n', stderr);
    fprintf(stderr, _("usage: kariz %s%s%s\n"), "report", " ", kz_cli_usage_of("report"));
    return 2;
}

/* Reads --from or --to (kz_period_parse, backwards from today) into the
 * first and last day it names. */
static int parse_period(const char *opt, const char *arg, int today, int *from, int *to)
{
    kz_err err;
    if (kz_period_parse(arg, today, from, to, NULL, &err) != KZ_OK)
        return period_error(opt, &err);
    return 0;
}

int kz_cmd_report(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, 0, 'F'},  {"to", required_argument, 0, 'T'},
        {"period", required_argument, 0, 'p'},
        {"owner", required_argument, 0, 'o'}, {"format", required_argument, 0, 'f'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    const char *help = _(
        "Reports:\n"
        "  funnel     leads per stage now; conversion between stages in the period\n"
        "  forecast   open pipeline value and weighted value by close month and owner\n"
        "  velocity   time spent in each stage, the bottleneck, stale leads per stage\n"
        "  losses     lost deals by stage lost from and by reason; win rate by source\n"
        "  channels   response rate per channel; channels touched before wins and losses\n"
        "  scoring    win rate of closed deals per grade band\n"
        "  stakeholders  win rate and cycle length of closed deals by stakeholder\n"
        "             coverage: champion known or not, decision maker reached or not\n"
        "\n"
        "Options:\n"
        "  --period P       the period: this week, last week, this month, last month,\n"
        "                   this or last quarter or year, last 7 days, last 3 months;\n"
        "                   a day alone (mon, -7d, 2026-11-01) means from then to today\n"
        "  --from DATE      first day of the period: YYYY-MM-DD or a day read backwards\n"
        "                   (yesterday, mon = the last Monday, -7d, 2 weeks ago), or\n"
        "                   the first day of a period (last month); default: the beginning\n"
        "  --to DATE        last day of the period, read the same way (last week: its\n"
        "                   Sunday); default: no end\n"
        "  --owner U        only U's leads (- for unassigned ones)\n"
        "  --format F       table (default), csv or json\n"
        "\n"
        "See docs/reports.md for how each number is counted.\n");
    const char *from = NULL, *to = NULL, *period = NULL, *owner = NULL;
    kz_format fmt = KZ_FMT_TABLE;
    int o;
    optind = 1;
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 'F': from = optarg; break;
        case 'T': to = optarg; break;
        case 'p': period = optarg; break;
        case 'o': owner = strcmp(optarg, "-") == 0 ? "" : optarg; break;
        case 'f':
            if (!kz_cli_format(optarg, &fmt, true))
                return kz_cli_usage("report", _("--format \"%s\": expected table, csv or json"),
                                    optarg);
            break;
        case 'h': return kz_cli_help("report", help);
        default: return 2; /* kz_cli_next_opt said why */
        }
    }
    if (optind >= argc)
        return kz_cli_usage("report", _("a report NAME is required (%s)"), KZ_REPORT_NAMES);
    if (optind + 1 < argc)
        return kz_cli_usage("report", _("unexpected argument \"%s\""), argv[optind + 1]);
    const char *name = argv[optind];
    static const char *const names[] = {"funnel",   "forecast", "velocity",    "losses",
                                        "channels", "scoring",  "stakeholders"};
    bool known = false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        known = known || strcmp(names[i], name) == 0;
    if (!known)
        return kz_cli_usage("report", _("unknown report \"%s\" (reports: %s)"), name,
                            KZ_REPORT_NAMES);
    if (period && (from || to))
        return kz_cli_usage("report", "%s", _("--period goes without --from and --to"));
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE | KZ_OPEN_READS | KZ_OPEN_SCORES);
    if (rc)
        return rc;
    kz_report_opts ro;
    ro.now = kz_session_now(&c->sess);
    ro.owner = owner;
    ro.from_day = KZ_REPORT_OPEN_FROM;
    ro.to_day = KZ_REPORT_OPEN_TO;
    int today = kz_today(ro.now);
    int lo, hi;
    if (period) {
        kz_err err;
        if (kz_period_span(period, today, &ro.from_day, &ro.to_day, &err) != KZ_OK)
            return period_error("--period", &err);
    }
    if (from) {
        if ((rc = parse_period("--from", from, today, &lo, &hi)))
            return rc;
        ro.from_day = lo;
    }
    if (to) {
        if ((rc = parse_period("--to", to, today, &lo, &hi)))
            return rc;
        ro.to_day = hi;
    }
    if (ro.from_day != KZ_REPORT_OPEN_FROM && ro.to_day != KZ_REPORT_OPEN_TO &&
        ro.from_day > ro.to_day) {
        char f[KZ_DATE_TEXT], t[KZ_DATE_TEXT];
        kz_day_show(ro.from_day, f, sizeof f);
        kz_day_show(ro.to_day, t, sizeof t);
        return kz_cli_usage("report", _("--from %s (%s) is after --to %s (%s)"), from, f, to, t);
    }

    kz_report_rules rr;
    memset(&rr, 0, sizeof rr);
    kz_report_pipeline p;
    kz_report_pipeline_rules(&p, &rr, c->rules, false);
    kz_report rep;
    kz_report_init(&rep);
    kz_status ks = kz_report_run(c->store, &p, name, &ro, &rep, &c->err);
    if (ks != KZ_OK) {
        kz_report_free(&rep);
        return kz_cli_fail(&c->err);
    }
    if (fmt == KZ_FMT_TABLE) {
        kz_lines lines = {0};
        kz_report_render(&rep, kz_cli_output_width(), kz_cli_output_unicode(), &lines);
        for (size_t i = 0; i < lines.n; i++)
            puts(lines.v[i]);
        kz_lines_free(&lines);
    } else {
        kz_buf b = KZ_BUF_INIT;
        if (fmt == KZ_FMT_CSV)
            kz_report_csv(&rep, &b);
        else
            kz_report_json(&rep, &b);
        kz_cli_write_data(stdout, kz_cli_tty(stdout), kz_buf_str(&b), b.len);
        kz_buf_free(&b);
    }
    kz_report_free(&rep);
    if (fflush(stdout) != 0)
        return 1;
    kz_cli_owner_hint(c, "report", owner);
    return 0;
}
