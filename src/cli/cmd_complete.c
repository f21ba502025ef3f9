/* cmd_complete.c - `kariz complete`: the words the shell completion offers,
 * one a line: the command table's commands and usage lines, the stages, lost
 * reasons and grades of the rules in force, and lead ids by prefix. Not in
 * the command list (`kariz --help`); documented in kariz(1). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kariz/i18n.h"
#include "kariz/paths.h"
#include "kariz/text.h"

static const char complete_usage[] = /* translated where shown */
    N_("usage: kariz [--db PATH] [--rules PATH] complete commands | usage CMD | stages |\n"
       "             reasons | grades | ids [PREFIX]\n");
/* At most this many lead ids are offered. */
#define COMPLETE_IDS 50

/* The rules in force: through the database when there is one (its last
 * good rules stand in for a broken file), else as `rules path` resolves. */
static int complete_rules(kz_cli *c, kz_rules **owned, const kz_rules **r)
{
    if (kz_db_path(c->db_opt, c->db_path, sizeof c->db_path, &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    if (kz_store_target_exists(c->db_path)) {
        c->readonly = true;
        int rc = kz_cli_open(c, KZ_OPEN_NOCREATE | KZ_OPEN_READS);
        *r = c->rules;
        return rc;
    }
    char path[4096];
    const char *why = "";
    kz_rules_resolve(c->rules_opt, kz_cli_db_file(c->db_path), path, sizeof path, &why);
    kz_status ks = path[0] ? kz_rules_load_file(path, owned, &c->err)
                           : kz_rules_load_builtin(owned, &c->err);
    if (ks != KZ_OK)
        return kz_cli_fail(&c->err);
    *r = *owned;
    return 0;
}

static void print_word(const char *s)
{
    kz_cli_print_safe(stdout, s);
    putchar('\n');
}

/* Lead ids whose digits start with prefix, shortest first (1, 10-19,
 * 100-199...), or the newest ids for no prefix; at most COMPLETE_IDS. */
static int complete_ids(kz_cli *c, const char *prefix)
{
    int64_t p = 0;
    size_t plen = strlen(prefix);
    if (plen > 18 || strspn(prefix, "0123456789") != plen || prefix[0] == '0')
        return 0; /* no lead id starts so */
    for (size_t i = 0; i < plen; i++)
        p = p * 10 + (prefix[i] - '0');
    if (kz_db_path(c->db_opt, c->db_path, sizeof c->db_path, &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    if (!kz_store_target_exists(c->db_path))
        return 0; /* no database yet: no leads */
    c->readonly = true;
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE | KZ_OPEN_READS);
    if (rc)
        return rc;
    int64_t ids[COMPLETE_IDS];
    size_t total = 0, n = 0;
    if (plen == 0) {
        if (kz_store_lead_ids(c->store, 1, INT64_MAX, true, COMPLETE_IDS, ids, &total, &c->err) !=
            KZ_OK)
            return kz_cli_fail(&c->err);
    } else {
        /* [p, p], [p0, p9], [p00, p99]... while the range fits in an int64 */
        for (int64_t lo = p, span = 1; total < COMPLETE_IDS;) {
            int64_t hi = lo > INT64_MAX - (span - 1) ? INT64_MAX : lo + (span - 1);
            if (kz_store_lead_ids(c->store, lo, hi, false, COMPLETE_IDS - total, ids + total, &n,
                                  &c->err) != KZ_OK)
                return kz_cli_fail(&c->err);
            total += n;
            if (lo > INT64_MAX / 10)
                break;
            lo *= 10;
            span *= 10;
        }
    }
    for (size_t i = 0; i < total; i++)
        printf("%" PRId64 "\n", ids[i]);
    return 0;
}

int kz_cmd_complete(kz_cli *c, int argc, char **argv)
{
    const char *what = argc >= 2 ? argv[1] : "";
    if (strcmp(what, "--help") == 0 || strcmp(what, "-h") == 0) {
        fputs(_(complete_usage), stdout);
        fputs(_("\nThe words shell completion offers, one a line (see kariz(1)).\n"), stdout);
        return 0;
    }
    if (strcmp(what, "commands") == 0 && argc == 2) {
        for (size_t i = 0; kz_cli_command(i); i++)
            puts(kz_cli_command(i));
        return 0;
    }
    if (strcmp(what, "usage") == 0 && argc == 3) {
        if (!kz_cli_command_known(argv[2])) {
            kz_buf safe = KZ_BUF_INIT; /* owned */
            kz_text_sanitize(&safe, argv[2], strlen(argv[2]), KZ_TEXT_NEWLINE_SPACE);
            fprintf(stderr, _("kariz complete: unknown command \"%s\"\n"), kz_buf_str(&safe));
            kz_buf_free(&safe);
            return 2;
        }
        puts(kz_cli_usage_of(argv[2]));
        return 0;
    }
    if (strcmp(what, "ids") == 0 && argc <= 3)
        return complete_ids(c, argc == 3 ? argv[2] : "");
    bool stages = strcmp(what, "stages") == 0, reasons = strcmp(what, "reasons") == 0,
         grades = strcmp(what, "grades") == 0;
    if ((stages || reasons || grades) && argc == 2) {
        kz_rules *owned = NULL;
        const kz_rules *r = NULL;
        int rc = complete_rules(c, &owned, &r);
        if (rc == 0 && stages)
            for (size_t i = 0; i < kz_rules_stage_count(r); i++)
                print_word(kz_rules_stages(r)[i].name);
        if (rc == 0 && reasons)
            for (size_t i = 0; i < kz_rules_lost_reason_count(r); i++)
                print_word(kz_rules_lost_reason(r, i));
        if (rc == 0 && grades)
            for (size_t i = 0; i < kz_rules_grade_count(r); i++)
                print_word(kz_rules_grade_name(r, i));
        kz_rules_free(owned);
        return rc;
    }
    fputs(_("kariz complete: expected commands, usage CMD, stages, reasons, grades "
            "or ids [PREFIX]\n"),
          stderr);
    fputs(_(complete_usage), stderr);
    return 2;
}
