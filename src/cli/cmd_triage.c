/* cmd_triage.c - `kariz triage`: the board, opened on the triage queue. */
#include <getopt.h>
#include <stdbool.h>
#include <string.h>

#include "cli/cli.h"
#include "kariz/i18n.h"
#include "kariz/tui.h"

int kz_cmd_triage(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {{"all", no_argument, 0, 'a'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    bool all = false;
    int o;
    optind = 1;
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 'a': all = true; break;
        case 'h':
            return kz_cli_help("triage",
                               _("Opens the board on the triage queue: your open leads and\n"
                               "unassigned ones that are new, overdue, stale or in a new score\n"
                               "band, most urgent first, one lead at a time. One key decides\n"
                               "(advance, disqualify, snooze, log a call...) and shows the next\n"
                               "lead; leaving and coming back resumes where you left off.\n"
                               "\nOptions:\n"
                               "  --all            every owner's leads, not only yours and\n"
                               "                   unassigned ones\n"));
        default: return 2; /* kz_cli_next_opt said why */
        }
    }
    if (optind != argc)
        return kz_cli_usage("triage", _("unexpected argument \"%s\""), argv[optind]);
    kz_tui_opts topts;
    memset(&topts, 0, sizeof topts);
    topts.triage = true;
    if (kz_tui_need_terminal(&topts, &c->err) != KZ_OK) /* before opening: nothing written */
        return kz_cli_fail(&c->err);
    int rc = kz_cli_open(c, KZ_OPEN_READS | KZ_OPEN_BOARD | KZ_OPEN_SCORES);
    if (rc)
        return rc;
    topts.readonly = kz_store_readonly(c->store);
    topts.readonly_why = c->readonly_why[0] ? c->readonly_why : NULL;
    topts.rules_warning = c->rules_warning[0] ? c->rules_warning : NULL;
    topts.rules_notice = c->rules_notice[0] ? c->rules_notice : NULL;
    topts.triage = true;
    topts.triage_all = all;
    if (kz_tui_run(&c->sess, &topts, &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    return 0;
}
