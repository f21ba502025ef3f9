/* cli.c - kariz's entry point: global options, the command table, and the
 * shared set-up (database, rules in force) every command uses. */
#include "cli/cli.h"
#include "kariz/i18n.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/deploy.h"
#include "kariz/hooks.h"
#include "kariz/paths.h"
#include "kariz/prefs.h"
#include "kariz/text.h"
#include "kariz/tui.h"

typedef struct cmd_entry {
    const char *name;
    const char *usage;
    const char *summary;
    int (*exec)(kz_cli *c, int argc, char **argv);
} cmd_entry;

static const cmd_entry commands[] = {
#define KZ_X_ENTRY(n, u, s) {#n, u, s, kz_cmd_##n},
    KZ_CLI_COMMANDS(KZ_X_ENTRY)
#undef KZ_X_ENTRY
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void print_main_help(FILE *out)
{
    fputs(_("usage: kariz [--db PATH|URI] [--rules PATH] [--read-only] [COMMAND [ARGS]]\n"
            "\n"
            "A terminal sales pipeline. Without a command, opens the board.\n"
            "\n"
            "Options:\n"
            "  --db PATH|URI   the database: an SQLite file, or a PostgreSQL URI\n"
            "                  (postgresql://host/sales) or conninfo (\"service=sales\")\n"
            "                  (default: $KARIZ_DB, else $XDG_DATA_HOME/kariz/kariz.db)\n"
            "  --rules PATH    the scoring rules (default: $KARIZ_RULES, else rules.yaml\n"
            "                  beside the database, else the built-in rules)\n"
            "  --read-only     open the database read-only\n"
            "  --mine          the board starts narrowed to your own leads\n"
            "  --help          this help; `kariz COMMAND --help` for one command\n"
            "  --version       print the version\n"
            "\n"
            "Commands:\n"), out);
    int cols = 0; /* the widest name, in display columns */
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (kz_text_width(commands[i].name) > cols)
            cols = kz_text_width(commands[i].name);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %s%*s %s\n", commands[i].name, cols - kz_text_width(commands[i].name), "",
                _(commands[i].summary));
    fputs(_("\nSee kariz(1) and kariz-rules(5).\n"), out);
}

const char *kz_cli_command(size_t i)
{
    return i < NCOMMANDS ? commands[i].name : NULL;
}

/* The table's entry for cmd, NULL when there is none. */
static const cmd_entry *find_command(const char *cmd)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, cmd) == 0)
            return &commands[i];
    return NULL;
}

bool kz_cli_command_known(const char *cmd)
{
    return find_command(cmd) != NULL;
}

const char *kz_cli_usage_of(const char *cmd)
{
    const cmd_entry *e = find_command(cmd);
    return e ? e->usage : "";
}

int kz_cli_help(const char *cmd, const char *options_help)
{
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(commands[i].name, cmd) != 0)
            continue;
        /* the summary as a sentence: its first letter capitalised (a
         * translation in a script without case is shown as it is) */
        const char *summary = _(commands[i].summary);
        unsigned char first = (unsigned char)summary[0];
        printf(_("usage: kariz %s%s%s\n"), cmd, *commands[i].usage ? " " : "",
               commands[i].usage);
        size_t len = strlen(summary); /* "...": no full stop after it */
        printf("\n%c%s%s\n", first < 0x80 ? toupper(first) : first, summary + 1,
               len && summary[len - 1] == '.' ? "" : ".");
        if (options_help && *options_help)
            printf("\n%s", options_help);
    }
    return 0;
}

void kz_cli_owner_hint(kz_cli *c, const char *cmd, const char *owner)
{
    kz_err who;
    if (!owner || !*owner || kz_user_check(&c->sess, owner, &who) == KZ_OK)
        return;
    kz_buf msg = KZ_BUF_INIT; /* owned */
    kz_buf_printf(&msg, _("kariz %s: no lead is owned by %s: %s"), cmd, owner, who.msg);
    kz_cli_print_safe(stderr, kz_buf_str(&msg));
    fputc('\n', stderr);
    kz_buf_free(&msg);
}

int kz_cli_fail(const kz_err *err)
{
    fprintf(stderr, "kariz: ");
    kz_cli_print_safe(stderr, err->msg);
    fputc('\n', stderr);
    return kz_status_exit(err->code);
}

int kz_cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kz_buf msg = KZ_BUF_INIT; /* owned: the arguments it quotes may hold anything */
    kz_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "kariz %s: ", cmd);
    kz_cli_print_safe(stderr, kz_buf_str(&msg));
    kz_buf_free(&msg);
    const char *u = kz_cli_usage_of(cmd);
    fputc('\n', stderr);
    fprintf(stderr, _("usage: kariz %s%s%s\n"), cmd, *u ? " " : "", u);
    return 2;
}

const char *kz_cli_safe(kz_buf *scratch, const char *s)
{
    kz_buf_reset(scratch);
    kz_text_sanitize(scratch, s, strlen(s), KZ_TEXT_NEWLINE_SPACE);
    return kz_buf_str(scratch);
}

int kz_cli_next_opt(int argc, char **argv, const struct option *opts)
{
    opterr = 0;
    int idx = 0;
    int o = getopt_long(argc, argv, "h", opts, &idx);
    if (o == '?') {
        const char *bad = argv[optind - 1];
        const char *eq = strchr(bad, '=');
        if (optopt && eq && strncmp(bad, "--", 2) == 0)
            kz_cli_usage(argv[0], _("option \"%.*s\" takes no value"), (int)(eq - bad), bad);
        else if (optopt)
            kz_cli_usage(argv[0], _("option \"%s\" needs a value"), bad);
        else
            kz_cli_usage(argv[0], _("unknown option \"%s\""), bad);
    }
    return o;
}

bool kz_cli_id(const char *arg, int64_t *id)
{
    int64_t v;
    if (!arg || kz_parse_int(arg, &v) != KZ_OK || v <= 0 || strchr(arg, ',') ||
        strstr(arg, "\xd9\xac") /* U+066C, a Persian thousands separator */) {
        /* the argument sanitised, inside the translated sentence */
        kz_buf safe = KZ_BUF_INIT; /* owned */
        kz_text_sanitize(&safe, arg ? arg : "", arg ? strlen(arg) : 0, KZ_TEXT_NEWLINE_SPACE);
        fprintf(stderr, _("kariz: lead id \"%s\": expected a positive whole number\n"),
                kz_buf_str(&safe));
        kz_buf_free(&safe);
        return false;
    }
    *id = v;
    return true;
}

bool kz_cli_format(const char *arg, kz_format *out, bool allow_csv)
{
    if (strcmp(arg, "table") == 0)
        *out = KZ_FMT_TABLE;
    else if (strcmp(arg, "json") == 0)
        *out = KZ_FMT_JSON;
    else if (allow_csv && strcmp(arg, "csv") == 0)
        *out = KZ_FMT_CSV;
    else
        return false;
    return true;
}

void kz_cli_print_safe(FILE *out, const char *s)
{
    kz_cli_print_safe_pad(out, s, 0);
}

void kz_cli_print_safe_pad(FILE *out, const char *s, int cols)
{
    kz_buf b = KZ_BUF_INIT; /* owned */
    kz_text_sanitize(&b, s ? s : "", s ? strlen(s) : 0,
                     KZ_TEXT_NEWLINE_SPACE);
    fputs(kz_buf_str(&b), out);
    for (int w = kz_text_width(kz_buf_str(&b)); w < cols; w++)
        putc(' ', out);
    kz_buf_free(&b);
}

/* The rules in force, or the last good ones when the file is broken. */
static int load_rules(kz_cli *c)
{
    const char *why = "";
    /* (team rules beside a database file; for a server's database, the
     * rules named by --rules or $KARIZ_RULES) */
    kz_rules_resolve(c->rules_opt, kz_cli_db_file(c->db_path), c->rules_path,
                     sizeof c->rules_path, &why);
    snprintf(c->rules_why, sizeof c->rules_why, "%s", why);
    kz_err err;
    kz_err_clear(&err);
    if (!c->rules_path[0] && c->store && !kz_store_target_is_file(c->db_path)) {
        /* a server's database with no rules file named: the rules the
         * team last loaded into it, not the built-in ones (which would
         * rewrite everyone's stages) */
        char *kept = NULL; /* owned */
        if (kz_store_meta_get(c->store, "rules.last_good", &kept, NULL) == KZ_OK && kept &&
            kz_rules_load_buffer("rules kept in the database", kept, strlen(kept), &c->rules,
                                 NULL) == KZ_OK) {
            snprintf(c->rules_why, sizeof c->rules_why, "%s",
                     _("the team's rules, as last loaded into the database"));
            c->rules_from_db = true;
            free(kept);
            return 0;
        }
        free(kept);
    }
    if (!c->rules_path[0])
        return kz_rules_load_builtin(&c->rules, &c->err) == KZ_OK ? 0 : kz_cli_fail(&c->err);
    kz_buf text = KZ_BUF_INIT; /* the file, read once: parsed, then kept as last good */
    if (kz_rules_read_file(c->rules_path, &text, &err) == KZ_OK &&
        kz_rules_load_buffer(c->rules_path, kz_buf_str(&text), text.len, &c->rules, &err) ==
            KZ_OK) {
        /* remember this file as the last good rules for this database */
        char *old = NULL;
        if (c->store && !kz_store_readonly(c->store) &&
            kz_store_meta_get(c->store, "rules.last_good", &old, NULL) == KZ_OK &&
            (!old || strcmp(old, kz_buf_str(&text)) != 0) &&
            kz_store_meta_set(c->store, "rules.last_good", kz_buf_str(&text), NULL) == KZ_OK &&
            old) {
            /* one database, one set of rules: a file that differs from the
             * rules it had (a salesperson's own $KARIZ_RULES, an edit of the
             * team's file) changes them for everyone, and says so */
            kz_buf p = KZ_BUF_INIT; /* owned */
            snprintf(c->rules_notice, sizeof c->rules_notice,
                     _("the rules of %s (%s) differ from the rules this database had and are "
                       "now in force for everyone who uses it (kariz rules path tells each "
                       "user which file they load)"),
                     kz_cli_safe(&p, c->rules_path), c->rules_why);
            kz_buf_free(&p);
        }
        free(old);
        kz_buf_free(&text);
        return 0;
    }
    kz_buf_free(&text);
    /* A broken file never replaces working rules. */
    fprintf(stderr, "kariz: ");
    kz_cli_print_safe(stderr, err.msg);
    c->rules_fallback = true;
    char *last = NULL;
    if (c->store)
        kz_store_meta_get(c->store, "rules.last_good", &last, NULL);
    if (last &&
        kz_rules_load_buffer("last good rules", last, strlen(last), &c->rules, NULL) == KZ_OK) {
        fputs(_("\nkariz: keeping the last good rules of this database in force\n"), stderr);
        snprintf(c->rules_warning, sizeof c->rules_warning,
                 _("%s; keeping the last good rules of this database in force"), err.msg);
        snprintf(c->rules_why, sizeof c->rules_why,
                 _("last good rules kept (the file %s does not load)"), c->rules_path);
    } else {
        fputs(_("\nkariz: using the built-in rules until the file is fixed\n"), stderr);
        snprintf(c->rules_warning, sizeof c->rules_warning,
                 _("%s; using the built-in rules until the file is fixed"), err.msg);
        snprintf(c->rules_why, sizeof c->rules_why,
                 _("built-in rules (the file %s does not load)"), c->rules_path);
        c->rules_path[0] = '\0';
        if (kz_rules_load_builtin(&c->rules, &c->err) != KZ_OK) {
            free(last);
            return kz_cli_fail(&c->err);
        }
    }
    free(last);
    return 0;
}

const char *kz_cli_db_file(const char *target)
{
    return kz_store_target_is_file(target) ? target : NULL;
}

/* A database that cannot be opened: the error, and, when the name may be
 * what is wrong (no database there, not a kariz database, a server that
 * cannot be reached or refuses the role) and the command line did not give
 * it, where it came from ($KARIZ_DB set in a profile long ago, or the
 * default), so the right setting gets fixed. */
static int open_failed(kz_cli *c)
{
    int rc = kz_cli_fail(&c->err);
    kz_status code = c->err.code;
    bool named_wrong = code == KZ_ENOTFOUND || code == KZ_ECORRUPT || code == KZ_EINVAL ||
                       (!kz_store_target_is_file(c->db_path) &&
                        (code == KZ_EIO || code == KZ_EREADONLY));
    if (!named_wrong || (c->db_opt && *c->db_opt))
        return rc;
    const char *env = getenv("KARIZ_DB");
    if (env && *env)
        fputs(_("kariz: (named by $KARIZ_DB; --db names another database)\n"), stderr);
    else
        fputs(_("kariz: (the default database; --db or $KARIZ_DB names another)\n"), stderr);
    return rc;
}

/* Removes a dry run's scratch database and its directory (after its store
 * closed). */
static void remove_scratch(kz_cli *c)
{
    if (!c->scratch_dir[0])
        return;
    static const char *const files[] = {"preview.db", "preview.db-wal", "preview.db-shm",
                                        "preview.db-journal"};
    char path[sizeof c->scratch_dir + 24];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", c->scratch_dir, files[i]);
        unlink(path);
    }
    rmdir(c->scratch_dir);
    c->scratch_dir[0] = '\0';
}

/* A dry run where there is no database yet (KZ_OPEN_PREVIEW): an empty one
 * of its own, in a private temporary directory removed at the end, so that
 * the mapping and the counts can be seen before the database is made; the
 * rules are found as for the database named. */
static kz_status open_scratch(kz_cli *c, unsigned sflags)
{
    kz_err missing = c->err;
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(c->scratch_dir, sizeof c->scratch_dir, "%s/kariz-preview-XXXXXX",
                     tmp && *tmp ? tmp : "/tmp");
    char db[sizeof c->scratch_dir + 16];
    if (n <= 0 || (size_t)n >= sizeof c->scratch_dir || !mkdtemp(c->scratch_dir)) {
        c->scratch_dir[0] = '\0';
        c->err = missing;
        return KZ_EIO;
    }
    snprintf(db, sizeof db, "%s/preview.db", c->scratch_dir);
    sflags &= ~(unsigned)KZ_STORE_NOCREATE;
    if (kz_deploy_create_db(db, &c->err) != KZ_OK ||
        kz_store_open(db, sflags | KZ_STORE_FILL_EMPTY, &c->store, &c->err) != KZ_OK) {
        remove_scratch(c);
        c->err = missing;
        return KZ_EIO;
    }
    /* (the store's words name the database with any password hidden) */
    kz_buf b = KZ_BUF_INIT; /* owned */
    fprintf(stderr, _("kariz: %s; previewing the import into an empty pipeline instead: nothing "
                      "is written\n"),
            kz_cli_safe(&b, missing.msg));
    kz_buf_free(&b);
    return KZ_OK;
}

int kz_cli_open(kz_cli *c, unsigned flags)
{
    if (kz_db_path(c->db_opt, c->db_path, sizeof c->db_path, &c->err) != KZ_OK)
        return open_failed(c);
    /* Say precisely what is wrong with a shared set-up before SQLite could
     * (a file's directory, group and modes; a server checks its own). */
    bool file = kz_store_target_is_file(c->db_path);
    kz_buf warnings = KZ_BUF_INIT;
    kz_status dk = file ? kz_deploy_check(c->db_path, &warnings, &c->err) : KZ_OK;
    if (warnings.len)
        fputs(kz_buf_str(&warnings), stderr);
    kz_buf_free(&warnings);
    if (dk == KZ_EREADONLY && (flags & KZ_OPEN_READS)) {
        if (!c->readonly && (flags & KZ_OPEN_BOARD)) {
            kz_buf b = KZ_BUF_INIT; /* owned */
            fprintf(stderr, _("kariz: %s; opening it read-only\n"), kz_cli_safe(&b, c->err.msg));
            kz_buf_free(&b);
        }
        if (!c->readonly)
            snprintf(c->readonly_why, sizeof c->readonly_why, "%s", c->err.msg);
        c->readonly = true;
    } else if (dk != KZ_OK && dk != KZ_ENOTFOUND) {
        /* a missing file or directory: the store says "no database at"
         * when the command needs one, and creates it otherwise */
        return open_failed(c);
    }
    bool existed = kz_store_target_exists(c->db_path);
    bool creates = !c->readonly && !(flags & (KZ_OPEN_NOCREATE | KZ_OPEN_READS));
    /* kariz makes the file itself (group read-write, see kz_deploy_umask)
     * before SQLite opens it; the store then fills the empty file it made */
    if ((dk == KZ_OK || dk == KZ_ENOTFOUND) && file && creates && !existed &&
        kz_deploy_create_db(c->db_path, &c->err) != KZ_OK)
        return open_failed(c);
    unsigned sflags = 0;
    if (c->readonly)
        sflags |= KZ_STORE_READONLY;
    if (!creates)
        sflags |= KZ_STORE_NOCREATE;
    if ((flags & KZ_OPEN_INIT) || (creates && !existed))
        sflags |= KZ_STORE_FILL_EMPTY;
    if (flags & KZ_OPEN_BOARD)
        sflags |= KZ_STORE_INTERACTIVE;
    if (kz_store_open(c->db_path, sflags, &c->store, &c->err) != KZ_OK &&
        !((flags & KZ_OPEN_PREVIEW) && c->err.code == KZ_ENOTFOUND &&
          open_scratch(c, sflags) == KZ_OK)) {
        /* a command that only reads still reads what it cannot open for
         * writing (a read-only mount, a snapshot: the permission bits the
         * start-up checks read do not show those) */
        kz_err rw = c->err;
        if (!(flags & KZ_OPEN_READS) || c->readonly || existed == false ||
            rw.code == KZ_ECORRUPT || rw.code == KZ_EINVAL ||
            kz_store_open(c->db_path, sflags | KZ_STORE_READONLY, &c->store, &c->err) != KZ_OK) {
            c->err = rw;
            return open_failed(c);
        }
        if (flags & KZ_OPEN_BOARD) {
            kz_buf b = KZ_BUF_INIT; /* owned */
            fprintf(stderr, _("kariz: %s; opening it read-only\n"), kz_cli_safe(&b, rw.msg));
            kz_buf_free(&b);
        }
        snprintf(c->readonly_why, sizeof c->readonly_why, "%s", rw.msg);
        c->readonly = true;
    }
    if (!existed && !(flags & KZ_OPEN_INIT) && !c->scratch_dir[0]) {
        /* add, import and intake create a missing database: say so, so that
         * a mistyped --db is noticed at once */
        fputs(_("kariz: created a new database at "), stderr);
        kz_cli_print_safe(stderr, c->db_path);
        fputc('\n', stderr);
    }
    int rc = load_rules(c);
    if (rc)
        return rc;
    if (c->rules_notice[0] && !(flags & KZ_OPEN_BOARD)) { /* (the board: on its status line) */
        fputs("kariz: ", stderr);
        fputs(c->rules_notice, stderr);
        fputc('\n', stderr);
    }
    /* the team's calendar, digits and direction, from the rules in force */
    if (kz_rules_apply_prefs(c->rules, &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    if (kz_prefs_warning()) {
        fputs("kariz: ", stderr);
        kz_cli_print_safe(stderr, kz_prefs_warning());
        fputc('\n', stderr);
    }
    if (kz_store_sync_stages(c->store, kz_rules_stages(c->rules), kz_rules_stage_count(c->rules),
                             &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    c->sess.store = c->store;
    c->sess.rules = c->rules;
    /* the account, or on a server the role it authenticated (the server
     * writes that into every event whatever a client says) */
    c->sess.actor = kz_store_role(c->store) ? kz_store_role(c->store) : kz_current_user();
    kz_hooks_dir(kz_cli_db_file(c->db_path), c->hooks_dir, sizeof c->hooks_dir);
    c->sess.hooks_dir = c->hooks_dir;
    const char *fixed = getenv("KARIZ_NOW"); /* a fixed clock, for reproducible runs */
    if (fixed && *fixed) {
        int64_t t;
        if (kz_time_parse(fixed, &t) != KZ_OK) {
            kz_buf b = KZ_BUF_INIT; /* owned */
            fprintf(stderr, _("kariz: $KARIZ_NOW \"%s\": expected YYYY-MM-DD[ HH:MM[:SS]]\n"),
                    kz_cli_safe(&b, fixed));
            kz_buf_free(&b);
            return 2;
        }
        c->sess.now = t;
    }
    /* scores decay and windows close as time passes: the ones due since
     * they were stored are recomputed before anything shows them */
    if ((flags & KZ_OPEN_SCORES) && !c->readonly) {
        kz_err err = {0};
        if (kz_pipe_rescore_due(&c->sess, NULL, &err) != KZ_OK) {
            kz_buf b = KZ_BUF_INIT; /* owned */
            fprintf(stderr, _("kariz: scores due for recomputing were left as stored: %s\n"),
                    kz_cli_safe(&b, err.msg));
            kz_buf_free(&b);
        }
    }
    return 0;
}

static void cli_close(kz_cli *c)
{
    kz_store_close(c->store);
    kz_rules_free(c->rules);
    c->store = NULL;
    c->rules = NULL;
    remove_scratch(c);
}

static int run_board(kz_cli *c, bool mine)
{
    kz_tui_opts opts = {0};
    if (kz_tui_need_terminal(&opts, &c->err) != KZ_OK) /* before opening: nothing written */
        return kz_cli_fail(&c->err);
    int rc = kz_cli_open(c, KZ_OPEN_READS | KZ_OPEN_BOARD | KZ_OPEN_SCORES);
    if (rc)
        return rc;
    opts.mine = mine;
    opts.readonly = kz_store_readonly(c->store);
    opts.readonly_why = c->readonly_why[0] ? c->readonly_why : NULL;
    opts.rules_warning = c->rules_warning[0] ? c->rules_warning : NULL;
    opts.rules_notice = c->rules_notice[0] ? c->rules_notice : NULL;
    if (kz_tui_run(&c->sess, &opts, &c->err) != KZ_OK)
        return kz_cli_fail(&c->err);
    return 0;
}

int kz_cli_main(int argc, char **argv)
{
    kz_i18n_init();
    /* With $TZ unset, the C library re-reads /etc/localtime on every local
     * time conversion; naming it once gives the same zone without that. */
    if (!getenv("TZ"))
        setenv("TZ", ":/etc/localtime", 0);
    kz_cli c;
    memset(&c, 0, sizeof c);
    bool mine = false;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_main_help(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("kariz %s\n", KARIZ_VERSION);
            return 0;
        } else if (strcmp(a, "--read-only") == 0) {
            c.readonly = true;
        } else if (strcmp(a, "--mine") == 0) {
            mine = true;
        } else if (strncmp(a, "--db", 4) == 0 && (a[4] == '\0' || a[4] == '=')) {
            val = a[4] == '=' ? a + 5 : (i + 1 < argc ? argv[++i] : NULL);
            if (!val || !*val) {
                fputs(_("kariz: --db needs a PATH\n"), stderr);
                return 2;
            }
            c.db_opt = val;
        } else if (strncmp(a, "--rules", 7) == 0 && (a[7] == '\0' || a[7] == '=')) {
            val = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : NULL);
            if (!val || !*val) {
                fputs(_("kariz: --rules needs a PATH\n"), stderr);
                return 2;
            }
            c.rules_opt = val;
        } else if (a[0] == '-') {
            kz_buf b = KZ_BUF_INIT; /* owned */
            fprintf(stderr, _("kariz: unknown option \"%s\" (see kariz --help)\n"), kz_cli_safe(&b, a));
            kz_buf_free(&b);
            return 2;
        } else {
            break;
        }
    }
    int rc;
    if (i == argc) {
        rc = run_board(&c, mine);
        cli_close(&c);
        return rc;
    }
    /* `kariz help [COMMAND]` is `kariz [COMMAND] --help` */
    bool help = strcmp(argv[i], "help") == 0;
    if (help && i + 1 == argc) {
        print_main_help(stdout);
        return 0;
    }
    if (help)
        i++;
    const cmd_entry *cmd = find_command(argv[i]);
    /* `complete` serves the shell completion: not listed with the commands */
    static const cmd_entry complete = {"complete", "", "", kz_cmd_complete};
    if (!cmd && strcmp(argv[i], "complete") == 0)
        cmd = &complete;
    if (!cmd) {
        kz_buf b = KZ_BUF_INIT; /* owned */
        const char *names[NCOMMANDS];
        for (size_t k = 0; k < NCOMMANDS; k++)
            names[k] = commands[k].name;
        const char *near = kz_name_suggest(argv[i], names, NCOMMANDS);
        if (near) { /* most often a typo: "lsit" */
            fprintf(stderr, _("kariz: unknown command \"%s\"; did you mean %s? (see kariz --help)\n"),
                    kz_cli_safe(&b, argv[i]), near);
            kz_buf_free(&b);
            return 2;
        }
        fprintf(stderr, _("kariz: unknown command \"%s\" (commands:"), kz_cli_safe(&b, argv[i]));
        kz_buf_free(&b);
        for (size_t k = 0; k < NCOMMANDS; k++)
            fprintf(stderr, " %s", commands[k].name);
        fprintf(stderr, ")\n");
        return 2;
    }
    if (help) {
        char *hargv[] = {argv[i], (char *)"--help", NULL};
        rc = cmd->exec(&c, 2, hargv);
        cli_close(&c);
        return rc;
    }
    rc = cmd->exec(&c, argc - i, argv + i);
    const char *refused = kz_hooks_take_notice();
    if (refused) {
        fprintf(stderr, "kariz: ");
        kz_cli_print_safe(stderr, refused);
        fputc('\n', stderr);
    }
    cli_close(&c);
    return rc;
}
