/* cmd_team.c - team: setting up a team's shared directory on a server, and
 * checking one. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kariz/store.h"
#include "kariz/buf.h"
#include "kariz/deploy.h"
#include "kariz/i18n.h"
#include "kariz/paths.h"
#include "kariz/rules.h"

static const char team_help[] = /* translated where shown */
    N_("  init DIR --group GROUP  create DIR (setgid, group GROUP, mode 2770), the database\n"
       "                          DIR/team.db (0660), DIR/rules.yaml (the built-in rules,\n"
       "                          0664) and DIR/hooks/ (yours, 0755) with hooks.log (0660);\n"
       "                          an existing kariz database there keeps its data and gets\n"
       "                          its group and modes fixed\n"
       "  check [DIR]             report every problem of the set-up (default: the database's\n"
       "                          directory); exit status 1 when there is one\n"
       "\n"
       "Options:\n"
       "  --group GROUP           init: the Unix group of the team (it must exist)\n");

/* Prints a line (sanitised: paths come from the file system and the
 * command line) to out, after prefix. */
static void vline(FILE *out, const char *prefix, const char *fmt, va_list ap)
{
    kz_buf b = KZ_BUF_INIT; /* owned */
    kz_buf_vprintf(&b, fmt, ap);
    fputs(prefix, out);
    kz_cli_print_safe(out, kz_buf_str(&b));
    fputc('\n', out);
    kz_buf_free(&b);
}

static void init_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void init_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(stderr, "kariz team init: ", fmt, ap);
    va_end(ap);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(stdout, "", fmt, ap);
    va_end(ap);
}

/* Gives path the group and mode; says what changed. */
static bool set_owner_mode(const char *path, uid_t uid, gid_t gid, mode_t mode, kz_buf *did)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        init_error("%s: %s", path, strerror(errno));
        return false;
    }
    if ((st.st_gid != gid || (uid != (uid_t)-1 && st.st_uid != uid)) &&
        chown(path, uid, gid) != 0) {
        init_error(_("cannot give %s to group %u: %s"), path, (unsigned)gid,
                strerror(errno));
        return false;
    }
    if ((st.st_mode & 07777) != mode && chmod(path, mode) != 0) {
        init_error(_("cannot set the mode of %s to %04o: %s"), path,
                (unsigned)mode, strerror(errno));
        return false;
    }
    if (did && ((st.st_mode & 07777) != mode || st.st_gid != gid)) {
        struct group *was = getgrgid(st.st_gid);
        char num[16];
        snprintf(num, sizeof num, "%u", (unsigned)st.st_gid);
        kz_buf_printf(did, _(" (was group %s, mode %04o)"), was ? was->gr_name : num,
                      (unsigned)(st.st_mode & 07777));
    }
    return true;
}

/* Creates a directory and its missing parents (parents 0755). */
static bool make_dir(const char *dir, bool *created)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", dir);
    *created = false;
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, c ? 0755 : 0770) == 0) {
                if (!c)
                    *created = true;
            } else if (errno != EEXIST) {
                init_error(_("cannot create the directory %s: %s"), buf,
                        strerror(errno));
                return false;
            }
            *p = c;
            if (!c)
                break;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        init_error(_("%s exists and is not a directory"), dir);
        return false;
    }
    return true;
}

/* Writes the built-in rules to path unless a file is there. */
static int write_rules(const char *path, bool *created)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0664);
    *created = fd >= 0;
    if (fd < 0)
        return errno == EEXIST ? 0 : -1;
    const char *text = kz_rules_builtin_text();
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0) {
            close(fd);
            unlink(path);
            return -1;
        }
        off += (size_t)w;
    }
    return close(fd);
}

/* Another SQLite database in dir than team.db (its name in out)? */
static bool other_database(const char *dir, char *out, size_t n)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct dirent *de;
    bool found = false;
    while (!found && (de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || strcmp(de->d_name, "team.db") == 0 ||
            (len > 4 && (strcmp(de->d_name + len - 4, "-wal") == 0 ||
                         strcmp(de->d_name + len - 4, "-shm") == 0)))
            continue;
        char path[4400], head[16];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && read(fd, head, 16) == 16 &&
            memcmp(head, "SQLite format 3", 16) == 0) {
            snprintf(out, n, "%s", de->d_name);
            found = true;
        }
        close(fd);
    }
    closedir(d);
    return found;
}

static int team_init(kz_cli *c, const char *dir_arg, const char *group)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", dir_arg);
    for (size_t len = strlen(dir); len > 1 && dir[len - 1] == '/';)
        dir[--len] = '\0';
    struct group *gr = getgrnam(group);
    if (!gr)
        return kz_cli_usage("team",
                            _("--group \"%s\": no such group on this system (create it first: "
                              "groupadd %s)"),
                            group, group);
    gid_t gid = gr->gr_gid;
    char db[4200], rules[4200], hooks[4200], log[4300];
    snprintf(db, sizeof db, "%s/team.db", dir);
    snprintf(rules, sizeof rules, "%s/rules.yaml", dir);
    snprintf(hooks, sizeof hooks, "%s/hooks", dir);
    snprintf(log, sizeof log, "%s/hooks.log", hooks);

    /* One database per team directory: another would split the team. */
    char other[256];
    if (other_database(dir, other, sizeof other)) {
        init_error(_("%s holds the database %s already, and the team's is %s; "
                     "nothing was changed: to keep it, rename it (mv %s/%s %s) and run this "
                     "again, or choose another directory"),
                dir, other, db, dir, other, db);
        return 1;
    }
    /* An existing database is kept only when it is a kariz database. */
    struct stat st;
    bool had_db = stat(db, &st) == 0;
    if (had_db) {
        kz_store *probe = NULL;
        kz_err err;
        kz_status ks = kz_store_open(db, KZ_STORE_READONLY, &probe, &err);
        kz_store_close(probe);
        if (ks != KZ_OK && ks != KZ_EREADONLY) {
            init_error(_("%s holds a database already that kariz cannot use (%s); "
                         "nothing was changed: move it away or choose another directory"),
                    db, err.msg);
            return 1;
        }
    }
    kz_buf did = KZ_BUF_INIT;
    bool created;
    if (!make_dir(dir, &created) || !set_owner_mode(dir, (uid_t)-1, gid, 02770, NULL))
        goto fail;
    say(created ? _("created %s: group %s, mode 2770 (setgid: files created in it get group %s)")
                : _("set %s: group %s, mode 2770 (setgid: files created in it get group %s)"),
        dir, group, group);

    bool rules_new;
    if (write_rules(rules, &rules_new) != 0) {
        init_error(_("cannot write %s: %s"), rules, strerror(errno));
        goto fail;
    }
    struct stat rst;
    mode_t rmode = stat(rules, &rst) == 0 && !rules_new ? ((rst.st_mode & 07777) | 0040) & ~0002
                                                      : 0664;
    kz_buf_reset(&did);
    if (!set_owner_mode(rules, (uid_t)-1, gid, rmode, &did))
        goto fail;
    say(rules_new ? _("created %s: group %s, mode %04o (the built-in rules; edit them for the "
                      "team)%s")
                  : _("kept %s: group %s, mode %04o%s"),
        rules, group, (unsigned)rmode, kz_buf_str(&did));

    if (!had_db && kz_deploy_create_db(db, &c->err) != KZ_OK) {
        kz_cli_fail(&c->err);
        goto fail;
    }
    kz_buf_reset(&did);
    if (!set_owner_mode(db, (uid_t)-1, gid, 0660, &did))
        goto fail;
    c->db_opt = db;
    c->rules_opt = NULL;
    if (kz_cli_open(c, KZ_OPEN_INIT) != 0)
        goto fail;
    if (had_db)
        say(_("kept %s: a kariz database already, its data untouched; group %s, mode 0660%s"),
               db, group, kz_buf_str(&did));
    else
        say(_("created %s: group %s, mode 0660 (its -wal and -shm files get the same)"), db,
               group);
    static const char *const sides[] = {"-wal", "-shm"};
    for (size_t i = 0; i < 2; i++) {
        char side[4300];
        snprintf(side, sizeof side, "%s%s", db, sides[i]);
        kz_buf_reset(&did);
        if (stat(side, &st) != 0)
            continue;
        if (!set_owner_mode(side, (uid_t)-1, gid, 0660, &did))
            goto fail;
        if (did.len)
            say(_("fixed %s: group %s, mode 0660%s"), side, group, kz_buf_str(&did));
    }

    if (!make_dir(hooks, &created) || !set_owner_mode(hooks, getuid(), gid, 0755, NULL))
        goto fail;
    say(created ? _("created %s: yours, mode 0755 (only you can add or change hooks; they run "
                    "as whoever makes a change)")
                : _("set %s: yours, mode 0755 (only you can add or change hooks; they run as "
                    "whoever makes a change)"),
        hooks);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0660);
    if (fd < 0) {
        init_error(_("cannot create %s: %s"), log, strerror(errno));
        goto fail;
    }
    close(fd);
    if (!set_owner_mode(log, (uid_t)-1, gid, 0660, NULL))
        goto fail;
    say(_("created %s: group %s, mode 0660"), log, group);
    say("%s", "");
    say(_("next: add each member (usermod -aG %s NAME; they log in again) and tell everyone"),
        group);
    say("  export KARIZ_DB=%s", db);
    say(_("(e.g. in /etc/profile.d/kariz.sh); `kariz team check %s` checks the set-up."), dir);
    kz_buf_free(&did);
    return 0;
fail:
    kz_buf_free(&did);
    init_error("%s", _("stopped; what is printed above was done"));
    return 1;
}

static int team_check(kz_cli *c, const char *dir_arg)
{
    char dir[4096], db[4300];
    if (dir_arg) {
        snprintf(dir, sizeof dir, "%s", dir_arg);
        size_t len = strlen(dir);
        while (len > 1 && dir[len - 1] == '/')
            dir[--len] = '\0';
        /* the database in use when it lives there, else team.db */
        snprintf(db, sizeof db, "%s/team.db", dir);
        if (kz_db_path(c->db_opt, c->db_path, sizeof c->db_path, &c->err) == KZ_OK) {
            const char *slash = strrchr(c->db_path, '/');
            if (slash && (size_t)(slash - c->db_path) == len && strncmp(c->db_path, dir, len) == 0)
                snprintf(db, sizeof db, "%s", c->db_path);
        }
    } else {
        if (kz_db_path(c->db_opt, c->db_path, sizeof c->db_path, &c->err) != KZ_OK)
            return kz_cli_fail(&c->err);
        if (!kz_store_target_is_file(c->db_path))
            return kz_cli_usage("team", "%s",
                                _("check looks at a team's directory and database file; the "
                                  "database is on a server (its roles and grants: see "
                                  "docs/deployment.md): name the directory, `kariz team check "
                                  "DIR`"));
        snprintf(db, sizeof db, "%s", c->db_path);
        const char *slash = strrchr(db, '/');
        if (slash)
            snprintf(dir, sizeof dir, "%.*s", (int)(slash - db), db);
        else
            snprintf(dir, sizeof dir, ".");
    }
    kz_buf report = KZ_BUF_INIT;
    int n = kz_team_check(dir, db, &report);
    for (char *line = report.s, *nl; line && (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        *nl = '\0';
        say("%s", line);
    }
    if (n)
        say(P_("%d problem in %s", "%d problems in %s", (unsigned long)n), n, dir);
    else
        say(_("%s: no problems (directory, database, -wal, -shm, rules, hooks)"), dir);
    kz_buf_free(&report);
    return n ? 1 : 0;
}

int kz_cmd_team(kz_cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"group", required_argument, 0, 'g'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *group = NULL;
    int o;
    optind = 1;
    while ((o = kz_cli_next_opt(argc, argv, opts)) != -1) {
        switch (o) {
        case 'g': group = optarg; break;
        case 'h': return kz_cli_help("team", _(team_help));
        default: return 2;
        }
    }
    int rest = argc - optind;
    char **args = argv + optind;
    if (rest < 1)
        return kz_cli_usage("team", "%s", _("expected init or check"));
    if (strcmp(args[0], "init") == 0) {
        if (rest < 2)
            return kz_cli_usage("team", "%s", _("init needs the directory DIR"));
        if (rest > 2)
            return kz_cli_usage("team", _("unexpected argument \"%s\""), args[2]);
        if (!group || !*group)
            return kz_cli_usage("team", "%s", _("init needs --group GROUP (the team's Unix group)"));
        return team_init(c, args[1], group);
    }
    if (strcmp(args[0], "check") == 0) {
        if (group)
            return kz_cli_usage("team", "%s", _("check takes no --group"));
        if (rest > 2)
            return kz_cli_usage("team", _("unexpected argument \"%s\""), args[2]);
        return team_check(c, rest == 2 ? args[1] : NULL);
    }
    return kz_cli_usage("team", _("\"%s\": expected init or check"), args[0]);
}
