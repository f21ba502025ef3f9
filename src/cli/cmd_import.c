/* cmd_import.c - kariz import, intake and export. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kariz/account.h"
#include "kariz/i18n.h"
#include "kariz/buf.h"
#include "kariz/i18n.h"
#include "kariz/import.h"
#include "kariz/text.h"

static bool parse_dup(const char *s, kz_dup_mode *out)
{
    if (strcmp(s, "skip") == 0)
        *out = KZ_DUP_SKIP;
    else if (strcmp(s, "update") == 0)
        *out = KZ_DUP_UPDATE;
    else if (strcmp(s, "new") == 0)
        *out = KZ_DUP_NEW;
    else
        return false;
    return true;
}

/* KARIZ_TEST_KILL_AFTER_ROWS: the kill-and-resume tests stop the import
 * with SIGKILL after that many rows. */
static int64_t kill_after(void)
{
    const char *v = getenv("KARIZ_TEST_KILL_AFTER_ROWS");
    int64_t n;
    if (v && *v && kz_parse_int(v, &n) == KZ_OK && n > 0)
        return n;
    return 0;
}

/* KARIZ_IMPORT_BATCH: rows per transaction (default 20000). */
static size_t batch_size(void)
{
    const char *v = getenv("KARIZ_IMPORT_BATCH");
    int64_t n;
    if (v && *v && kz_parse_int(v, &n) == KZ_OK && n > 0 && n <= 1000000)
        return (size_t)n;
    return 0;
}

/* Appends arg quoted for a POSIX shell (as is when nothing needs quoting). */
static void shell_word(kz_buf *b, const char *arg)
{
    bool plain = *arg != '\0';
    for (const char *p = arg; *p && plain; p++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,@+-%",
                       *p) != NULL;
    if (plain) {
        kz_buf_puts(b, arg);
        return;
    }
    kz_buf_putc(b, '\'');
    for (const char *p = arg; *p; p++) {
        if (*p == '\'')
            kz_buf_puts(b, "'\\''");
        else
            kz_buf_putc(b, *p);
    }
    kz_buf_putc(b, '\'');
}

/* The command line that runs this import again (and so resumes it). */
static void rerun_command(const kz_cli *c, int argc, char **argv, kz_buf *b)
{
    kz_buf_puts(b, "kariz");
    if (c->db_opt) {
        kz_buf_puts(b, " --db ");
        shell_word(b, c->db_opt);
    }
    if (c->rules_opt) {
        kz_buf_puts(b, " --rules ");
        shell_word(b, c->rules_opt);
    }
    for (int i = 0; i < argc; i++) {
        kz_buf_putc(b, ' ');
        shell_word(b, argv[i]);
    }
}

static int check_owner(const char *cmd, const char *owner)
{
    kz_lead l;
    kz_lead_init(&l);
    kz_err err;
    kz_err_clear(&err);
    int rc = 0;
    if (kz_lead_assign(&l, "owner", owner, false, &err) != KZ_OK) {
        fprintf(stderr, "kariz %s: --owner: ", cmd);
        kz_cli_print_safe(stderr, err.msg);
        fputc('\n', stderr);
        rc = 2;
    }
    kz_lead_free(&l);
    return rc;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

/* Companies of the import that colleagues already work, one line each. */
static void worked_notices(kz_cli *c, int64_t import_id)
{
    kz_buf lines = KZ_BUF_INIT; /* owned */
    if (kz_account_import_notices(c->store, c->rules, import_id, c->sess.actor, &lines)) {
        fprintf(stderr, "kariz import: %s\n", _("companies colleagues already work:"));
        kz_cli_write_data(stderr, kz_cli_tty(stderr), kz_buf_str(&lines), lines.len);
    }
    kz_buf_free(&lines);
}

/* A migration: CSV files applied contacts first, then deals, activities
 * and notes (each file's kind told by its header or by --kind), one summary
 * of them all. A dry run tries them all in one transaction rolled back at
 * the end, so deals and activities find the contacts the same run adds. */
static kz_status import_files(kz_cli *c, kz_import_opts *o, const char *const *files, size_t n,
                              int *rc)
{
    const char **order = kz_xcalloc(n, sizeof *order);
    kz_file_kind *kinds = kz_xcalloc(n, sizeof *kinds);
    kz_status ks = KZ_OK;
    for (size_t i = 0; i < n && ks == KZ_OK; i++) {
        kinds[i] = o->kind;
        if (n > 1)
            ks = kz_import_file_kind(files[i], &kinds[i], &c->err);
    }
    size_t k = 0;
    for (int kind = KZ_KIND_AUTO; kind <= KZ_KIND_NOTES; kind++)
        for (size_t i = 0; i < n; i++)
            if ((int)kinds[i] == kind)
                order[k++] = files[i];
    kz_import_tally tally = {0};
    o->tally = &tally;
    o->dry_run_shared = o->dry_run && n > 1;
    if (ks == KZ_OK && o->dry_run_shared)
        ks = kz_store_begin(c->store, &c->err);
    int64_t rejected = 0;
    for (size_t i = 0; i < n && ks == KZ_OK; i++) {
        kz_import_result res;
        o->path = order[i];
        if (n > 1 && i > 0)
            fputc('\n', stdout);
        ks = kz_import_csv(&c->sess, o, &res, &c->err);
        rejected += res.counts.rejected;
        if (ks == KZ_OK && res.import_id && !o->dry_run)
            worked_notices(c, res.import_id);
        if (ks != KZ_OK && i > 0)
            kz_err_prefix(&c->err, _("%s (the files before it are done)"), order[i]);
    }
    if (o->dry_run_shared && kz_store_in_txn(c->store))
        kz_store_rollback(c->store);
    if (ks == KZ_OK) {
        kz_buf b = KZ_BUF_INIT;
        kz_import_tally_describe(&tally, o->dry_run, &b);
        fputs(kz_buf_str(&b), stdout);
        kz_buf_free(&b);
    }
    kz_import_tally_free(&tally);
    free(order);
    free(kinds);
    *rc = rejected ? 1 : 0;
    return ks;
}

int kz_cmd_import(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"map", required_argument, 0, 'm'},     {"on-duplicate", required_argument, 0, 'd'},
        {"rejects", required_argument, 0, 'r'}, {"dry-run", no_argument, 0, 'n'},
        {"stage", required_argument, 0, 's'},   {"owner", required_argument, 0, 'o'},
        {"kind", required_argument, 0, 'k'},    {"date-format", required_argument, 0, 'D'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    const char *help = _(
        "Reads RFC 4180 CSV (a header row, then one lead a row); - reads standard input.\n"
        "Columns are matched to fields by name (HubSpot, Salesforce, Pipedrive, Zoho,\n"
        "Odoo and Persian CRMs' exports are recognised); every other column becomes a\n"
        "custom field. Owners given as names or e-mails are matched to accounts (the\n"
        "rules' owners: map, full names); stage and status words by meaning (a\n"
        "built-in table, the rules' stage_map:). The summary lists what nobody matched.\n"
        "Several files (contacts, deals, activities, notes, in any order) are one\n"
        "migration: they are applied in that order, with one summary.\n"
        "A FILE named *.jsonl or *.ndjson is read as JSON lines, as `kariz intake` reads\n"
        "them (the JSON lines `kariz export` writes, activities and stakeholders too).\n"
        "\n"
        "Options:\n"
        "  --map COLUMN=field   map a column yourself (repeatable); field is a lead field,\n"
        "                       first_name, last_name, a custom field name, or - to ignore\n"
        "  --on-duplicate M     a row whose e-mail (else name + company) matches a lead:\n"
        "                       skip (default), update that lead (a deals file's\n"
        "                       default), or new (add anyway)\n"
        "  --rejects FILE       write rejected rows to FILE (CSV, with a reason column)\n"
        "  --dry-run            show the mapping and the counts; write nothing\n"
        "  --stage S            stage for rows that have none (default: the first stage)\n"
        "  --owner U            owner for rows that have none (default: unassigned)\n"
        "  --kind K             what one FILE holds: contacts, deals, activities or notes\n"
        "                       (default: told by its header)\n"
        "  --date-format F      dmy (20/05/2024) or mdy (05/20/2024), for dates the\n"
        "                       columns cannot tell\n"
        "\n"
        "Run the same command again after an interruption: it resumes where it stopped.\n"
        "Exit status 1 when rows were rejected. See docs/import.md.\n");
    kz_import_opts o = {0};
    const char **maps = kz_xcalloc((size_t)argc + 1, sizeof *maps);
    o.maps = maps;
    int rc = 0, op, nfiles = 0;
    optind = 1;
    while ((op = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (op) {
        case 'm':
            if (!strchr(optarg, '=')) {
                rc = kz_cli_usage("import", _("--map \"%s\": expected COLUMN=field"), optarg);
                goto out;
            }
            maps[o.nmaps++] = optarg;
            break;
        case 'k':
            if (!kz_file_kind_parse(optarg, &o.kind)) {
                rc = kz_cli_usage("import", _("--kind \"%s\": expected contacts, deals, "
                                              "activities or notes"),
                                  optarg);
                goto out;
            }
            break;
        case 'D':
            if (strcmp(optarg, "dmy") == 0)
                o.date_order = KZ_DATES_DMY;
            else if (strcmp(optarg, "mdy") == 0)
                o.date_order = KZ_DATES_MDY;
            else {
                rc = kz_cli_usage("import", _("--date-format \"%s\": expected dmy (day first, "
                                              "20/05/2024) or mdy (month first, 05/20/2024)"),
                                  optarg);
                goto out;
            }
            break;
        case 'd':
            o.dup_set = true;
            if (!parse_dup(optarg, &o.dup)) {
                rc = kz_cli_usage("import", _("--on-duplicate \"%s\": expected skip, update or new"),
                                  optarg);
                goto out;
            }
            break;
        case 'r': o.rejects_path = optarg; break;
        case 'n': o.dry_run = true; break;
        case 's': o.stage = optarg; break;
        case 'o': o.owner = optarg; break;
        case 'h': kz_cli_help("import", help); goto out;
        default: rc = 2; goto out;
        }
    }
    if (optind >= argc) {
        rc = kz_cli_usage("import", "%s", _("a FILE.csv (or - for standard input) is required"));
        goto out;
    }
    nfiles = argc - optind;
    for (int i = optind; i < argc && nfiles > 1; i++) {
        const char *f = argv[i];
        if (strcmp(f, "-") == 0 || has_suffix(f, ".jsonl") || has_suffix(f, ".ndjson")) {
            rc = kz_cli_usage("import", _("%s: several files are CSV files; import standard "
                                          "input and JSON lines on their own"),
                              f);
            goto out;
        }
    }
    if (nfiles > 1 && (o.kind != KZ_KIND_AUTO || o.rejects_path)) {
        rc = kz_cli_usage("import", _("%s is for one FILE: with several, each file's header "
                                      "tells its kind; import a file on its own to give --kind "
                                      "or to collect its rejects"),
                          o.kind != KZ_KIND_AUTO ? "--kind" : "--rejects");
        goto out;
    }
    o.path = argv[optind];
    bool jsonl = has_suffix(o.path, ".jsonl") || has_suffix(o.path, ".ndjson");
    if (jsonl && (o.nmaps || o.rejects_path || o.dry_run || o.kind || o.date_order)) {
        rc = kz_cli_usage("import", _("%s is JSON lines (by its name): --map, --rejects and "
                                      "--dry-run read CSV only, as do --kind and --date-format"),
                          o.path);
        goto out;
    }
    if (o.owner && (rc = check_owner("import", o.owner)))
        goto out;
    if (!o.dry_run && c->readonly) {
        fprintf(stderr, _("kariz %s: the database is open read-only (--read-only)\n"), "import");
        rc = 1;
        goto out;
    }
    /* a dry run creates nothing; where there is no database yet, it
     * previews the import into an empty one of its own */
    if ((rc = kz_cli_open(c, o.dry_run ? KZ_OPEN_NOCREATE | KZ_OPEN_PREVIEW : 0)))
        goto out;
    o.progress = isatty(STDERR_FILENO) != 0;
    o.kill_after_rows = kill_after();
    o.batch = batch_size();
    o.out = stdout;
    o.diag = stderr;
    kz_buf rerun = KZ_BUF_INIT;
    rerun_command(c, argc, argv, &rerun);
    o.rerun = kz_buf_str(&rerun);
    kz_import_result res;
    kz_status ks;
    if (jsonl) {
        ks = kz_import_intake(&c->sess, &o, &res, &c->err); /* `kariz export --format jsonl` output */
        rc = ks == KZ_OK && res.counts.rejected ? 1 : 0;
        if (ks == KZ_OK && res.import_id)
            worked_notices(c, res.import_id);
    } else {
        ks = import_files(c, &o, (const char *const *)argv + optind, (size_t)nfiles, &rc);
    }
    kz_buf_free(&rerun);
    if (ks != KZ_OK) {
        rc = c->err.code == KZ_EUSAGE ? kz_cli_usage("import", "%s", c->err.msg)
                                      : kz_cli_fail(&c->err);
        goto out;
    }
out:
    free(maps);
    return rc;
}

int kz_cmd_intake(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {{"on-duplicate", required_argument, 0, 'd'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *help = _(
        "Reads one JSON object a line from standard input, e.g.\n"
        "  {\"name\": \"Ava Smith\", \"email\": \"ava@acme.example\", \"company\": \"Acme\"}\n"
        "Keys are field names or the column names `kariz import` knows; other keys become\n"
        "custom fields. \"activities\" and \"stakeholders\" arrays, as\n"
        "`kariz export` writes them as JSON lines, are added to the lead the line creates.\n"
        "A bad line is reported with its number and the key; the other lines still go in.\n"
        "\n"
        "Options:\n"
        "  --on-duplicate M   a line whose e-mail (else name + company) matches a lead:\n"
        "                     skip (default), update that lead, or new (add anyway)\n"
        "\n"
        "Exit status 1 when lines were rejected.\n");
    kz_import_opts o = {0};
    int op;
    optind = 1;
    while ((op = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (op) {
        case 'd':
            if (!parse_dup(optarg, &o.dup))
                return kz_cli_usage("intake", _("--on-duplicate \"%s\": expected skip, update or new"),
                                    optarg);
            break;
        case 'h': return kz_cli_help("intake", help);
        default: return 2;
        }
    }
    if (optind != argc)
        return kz_cli_usage("intake", _("unexpected argument \"%s\" (lines are read from standard "
                                        "input)"),
                            argv[optind]);
    if (c->readonly) {
        fprintf(stderr, _("kariz %s: the database is open read-only (--read-only)\n"), "intake");
        return 1;
    }
    int rc = kz_cli_open(c, 0);
    if (rc)
        return rc;
    o.path = "-";
    o.out = stdout;
    o.diag = stderr;
    size_t batch = batch_size();
    o.batch = batch ? batch : 100;
    o.kill_after_rows = kill_after();
    kz_import_result res;
    if (kz_import_intake(&c->sess, &o, &res, &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    return res.counts.rejected ? 1 : 0;
}

/* ---- export ---- */

typedef enum exp_fmt { EXP_CSV, EXP_JSON, EXP_JSONL } exp_fmt;

typedef struct names {
    char **v; /* owned strings, sorted */
    size_t n, cap;
} names;

static void names_add(names *s, const char *name)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->v[mid], name);
        if (c == 0)
            return;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = kz_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    memmove(s->v + lo + 1, s->v + lo, (s->n - lo) * sizeof *s->v);
    s->v[lo] = kz_xstrdup(name);
    s->n++;
}

typedef struct export_ctx {
    exp_fmt fmt;
    kz_cli *c;
    kz_activity_list acts;    /* JSON: the lead's activities and stakeholders */
    kz_stakeholder_list shs;
    kz_status ks;
    names custom;
    kz_buf line;
    size_t rows;
    bool collecting; /* first pass of CSV: custom field names */
    bool tty;        /* standard output is a terminal: sanitised */
} export_ctx;

static bool is_text(kz_field f)
{
    kz_ftype t = kz_field_get(f)->type;
    return t == KZ_FT_TEXT || t == KZ_FT_USER || t == KZ_FT_STAGE;
}

static bool export_one(const kz_lead *l, void *ud)
{
    export_ctx *x = ud;
    if (x->collecting) {
        for (size_t i = 0; i < l->ncustom; i++)
            names_add(&x->custom, l->custom[i].name);
        return true;
    }
    if (x->fmt == EXP_CSV) {
        kz_buf_reset(&x->line);
        char buf[64];
        for (int f = 0; f < KZ_F__COUNT; f++) {
            if (f)
                kz_buf_putc(&x->line, ',');
            if (is_text((kz_field)f)) {
                const char *t = kz_lead_text(l, (kz_field)f);
                if (t)
                    kz_csv_put_field(&x->line, t, strlen(t));
            } else {
                kz_lead_format(l, (kz_field)f, buf, sizeof buf);
                kz_csv_put_field(&x->line, buf, strlen(buf));
            }
        }
        for (size_t i = 0; i < x->custom.n; i++) {
            kz_buf_putc(&x->line, ',');
            const char *v = kz_lead_custom(l, x->custom.v[i]);
            if (v)
                kz_csv_put_field(&x->line, v, strlen(v));
        }
        kz_buf_puts(&x->line, "\r\n");
        kz_cli_write_data(stdout, x->tty, x->line.s, x->line.len);
    } else {
        int64_t id = kz_lead_num(l, KZ_F_ID);
        kz_activity_list_clear(&x->acts);
        kz_stakeholder_list_free(&x->shs);
        memset(&x->shs, 0, sizeof x->shs);
        x->ks = kz_store_activities(x->c->store, id, &x->acts, &x->c->err);
        if (x->ks == KZ_OK)
            x->ks = kz_store_stakeholders(x->c->store, id, &x->shs, &x->c->err);
        if (x->ks != KZ_OK)
            return false;
        char *s = kz_show_json(l, &x->acts, &x->shs, false);
        if (x->fmt == EXP_JSON)
            fputs(x->rows ? ",\n" : "\n", stdout);
        kz_cli_write_data(stdout, x->tty, s, strlen(s));
        if (x->fmt == EXP_JSONL)
            fputc('\n', stdout);
        free(s);
    }
    x->rows++;
    return true;
}

int kz_cmd_export(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, 0, 'f'}, {"stage", required_argument, 0, 's'},
        {"owner", required_argument, 0, 'o'},  {"search", required_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    const char *help = _(
        "Writes every field of every lead (custom fields included) to standard output,\n"
        "exactly as stored (on a terminal, control characters and escape sequences are\n"
        "shown as visible markers instead). `kariz import` reads the CSV back;\n"
        "`kariz intake` reads JSON lines back whole, activities and stakeholders too.\n"
        "\n"
        "Options:\n"
        "  --format F       csv (default: one column per field, then custom.NAME\n"
        "                   columns: the leads' fields only), json (one array) or\n"
        "                   jsonl (one object a line); each JSON lead carries its\n"
        "                   \"activities\" (dates, authors, outcomes, notes) and\n"
        "                   \"stakeholders\"\n"
        "  --stage S        only leads in stage S\n"
        "  --owner U        only U's leads (- for unassigned ones)\n"
        "  --search TEXT    name, company, e-mail or notes hold every word of TEXT\n");
    kz_query q = {0};
    q.sort = KZ_SORT_ID;
    export_ctx x;
    memset(&x, 0, sizeof x);
    x.fmt = EXP_CSV;
    x.c = c;
    x.tty = kz_cli_tty(stdout);
    int op;
    optind = 1;
    while ((op = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (op) {
        case 'f':
            if (strcmp(optarg, "csv") == 0)
                x.fmt = EXP_CSV;
            else if (strcmp(optarg, "json") == 0)
                x.fmt = EXP_JSON;
            else if (strcmp(optarg, "jsonl") == 0)
                x.fmt = EXP_JSONL;
            else
                return kz_cli_usage("export", _("--format \"%s\": expected csv, json or jsonl"),
                                    optarg);
            break;
        case 's': q.stage = optarg; break;
        case 'o': q.owner = strcmp(optarg, "-") == 0 ? "" : optarg; break;
        case 'q': q.search = optarg; break;
        case 'h': return kz_cli_help("export", help);
        default: return 2;
        }
    }
    if (optind != argc)
        return kz_cli_usage("export", _("unexpected argument \"%s\""), argv[optind]);
    int rc = kz_cli_open(c, KZ_OPEN_NOCREATE | KZ_OPEN_READS | KZ_OPEN_SCORES);
    if (rc)
        return rc;
    kz_status ks = kz_store_begin_read(c->store, &c->err); /* both passes see one snapshot */
    if (ks == KZ_OK && x.fmt == EXP_CSV) {
        x.collecting = true;
        ks = kz_store_list(c->store, &q, true, export_one, &x, &c->err);
        x.collecting = false;
        for (int f = 0; f < KZ_F__COUNT; f++)
            printf("%s%s", f ? "," : "", kz_field_get((kz_field)f)->name);
        kz_buf_reset(&x.line);
        for (size_t i = 0; i < x.custom.n; i++) {
            kz_buf_puts(&x.line, ",custom.");
            kz_buf_puts(&x.line, x.custom.v[i]);
        }
        kz_buf_puts(&x.line, "\r\n");
        kz_cli_write_data(stdout, x.tty, x.line.s, x.line.len);
    } else if (ks == KZ_OK && x.fmt == EXP_JSON) {
        fputs("[", stdout);
    }
    if (ks == KZ_OK)
        ks = kz_store_list(c->store, &q, true, export_one, &x, &c->err);
    if (ks == KZ_OK)
        ks = x.ks;
    if (x.fmt == EXP_JSON && ks == KZ_OK)
        fputs(x.rows ? "\n]\n" : "]\n", stdout);
    kz_store_rollback(c->store);
    for (size_t i = 0; i < x.custom.n; i++)
        free(x.custom.v[i]);
    free(x.custom.v);
    kz_buf_free(&x.line);
    kz_activity_list_free(&x.acts);
    kz_stakeholder_list_free(&x.shs);
    if (ks != KZ_OK)
        return kz_cli_fail(&c->err);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs(_("kariz export: writing the output failed\n"), stderr);
        return 1;
    }
    return 0;
}
