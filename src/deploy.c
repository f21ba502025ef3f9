/* deploy.c - checking a shared database's file system and permissions. */
#include "kariz/deploy.h"
#include "kariz/i18n.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

const char *kz_fs_network_kind(long f_type)
{
    switch ((unsigned long)f_type & 0xffffffffUL) {
    case 0x6969UL: return "NFS";
    case 0x517BUL: return "SMB";
    case 0xFF534D42UL: return "CIFS";
    case 0xFE534D42UL: return "SMB2";
    case 0x65735546UL: return "FUSE (such as SSHFS)";
    case 0x564C: return "NCP";
    case 0x6B414653UL: return "AFS";
    case 0x5346414FUL: return "OpenAFS";
    case 0x00C36400UL: return "Ceph";
    case 0x01161970UL: return "GFS2";
    case 0x47504653UL: return "GPFS";
    case 0x013111A8UL: return "IBRIX";
    case 0x0BD00BD0UL: return "Lustre";
    case 0x19830326UL: return "FhGFS";
    default: return NULL;
    }
}

static bool in_group(const kz_deploy_facts *f, gid_t g)
{
    for (size_t i = 0; i < f->ngroups; i++)
        if (f->groups[i] == g)
            return true;
    return false;
}

/* The name of group g (else its number) in buf, for messages. */
static const char *gname(const kz_deploy_facts *f, gid_t g, char *buf, size_t n)
{
    const char *s = f->group_name ? f->group_name(g) : NULL;
    if (s)
        snprintf(buf, n, "%s", s);
    else
        snprintf(buf, n, "%u", (unsigned)g);
    return buf;
}

/* The name of user u (else "uid N") in buf. */
static const char *uname_of(const kz_deploy_facts *f, uid_t u, char *buf, size_t n)
{
    const char *s = f->user_name ? f->user_name(u) : NULL;
    if (s)
        snprintf(buf, n, "%s", s);
    else
        snprintf(buf, n, "uid %u", (unsigned)u);
    return buf;
}

/* Can the user write a file with this stat? (root always can) */
static bool can_write(const kz_deploy_facts *f, const struct stat *st)
{
    if (f->uid == 0)
        return true;
    if (st->st_uid == f->uid)
        return (st->st_mode & S_IWUSR) != 0;
    if (in_group(f, st->st_gid))
        return (st->st_mode & S_IWGRP) != 0;
    return (st->st_mode & S_IWOTH) != 0;
}

/* The team's group: the directory's when it is setgid (files created there
 * take it), else the database's, else the directory's. */
static gid_t team_gid(const kz_deploy_facts *f)
{
    if ((f->dir.st_mode & S_ISGID) || !f->db_exists)
        return f->dir.st_gid;
    return f->db.st_gid;
}

/* Is group g the private group of user u (named after them, as Debian's
 * user private groups are)? */
static bool private_group_of(const kz_deploy_facts *f, gid_t g, uid_t u)
{
    const char *gn = f->group_name ? f->group_name(g) : NULL;
    const char *un = f->user_name ? f->user_name(u) : NULL;
    return gn && un && strcmp(gn, un) == 0;
}

/* Does this look like a database the team shares (not one person's own)? */
static bool shared_setup(const kz_deploy_facts *f)
{
    if (f->dir.st_mode & (S_IWGRP | S_ISGID))
        return true;
    if (f->db_exists && (f->db.st_uid != f->uid || (f->db.st_mode & S_IWGRP)))
        return true;
    return false;
}

/* The database's path and its side files that exist, for a fix command. */
static void files_arg(const kz_deploy_facts *f, char *out, size_t n)
{
    size_t len = (size_t)snprintf(out, n, "%s", f->db_path);
    if (f->wal_exists && len < n)
        len += (size_t)snprintf(out + len, n - len, " %s-wal", f->db_path);
    if (f->shm_exists && len < n)
        snprintf(out + len, n - len, " %s-shm", f->db_path);
}

static kz_status side_file(const kz_deploy_facts *f, const char *suffix, const struct stat *st,
                           kz_err *err)
{
    if (can_write(f, st))
        return KZ_OK;
    char ub[64], gb[64], tb[64];
    return kz_err_set(err, KZ_EREADONLY,
                      _("the database's %s file %s%s is not writable by you (owner %s, group %s, "
                        "mode %04o): its owner or root can give it to the team's group: chgrp %s "
                        "%s%s && chmod g+rw %s%s (`kariz team check` lists every such file; see "
                        "docs/deployment.md)"),
                      suffix, f->db_path, suffix, uname_of(f, st->st_uid, ub, sizeof ub),
                      gname(f, st->st_gid, gb, sizeof gb), (unsigned)(st->st_mode & 07777),
                      gname(f, team_gid(f), tb, sizeof tb), f->db_path, suffix, f->db_path,
                      suffix);
}

/* The database belongs to its creator's private group rather than the
 * team's: nobody else can be "added" to that group. */
static bool private_group_db(const kz_deploy_facts *f)
{
    return f->db_exists && f->db.st_gid != f->dir.st_gid &&
           private_group_of(f, f->db.st_gid, f->db.st_uid);
}

/* Warnings about a shared set-up that works now but will fail someone. */
static void team_warnings(const kz_deploy_facts *f, kz_buf *warnings)
{
    char gb[64], tb[64], ub[64], db[64], files[8400];
    if (!shared_setup(f))
        return;
    files_arg(f, files, sizeof files);
    const char *team = gname(f, team_gid(f), tb, sizeof tb);
    if ((f->dir.st_mode & S_IWGRP) && !(f->dir.st_mode & S_ISGID))
        kz_buf_printf(warnings,
                      _("warning: the database's directory has no setgid bit (mode %04o), so the "
                        "files kariz creates there (the -wal and -shm files, rejects, exports) "
                        "get their creator's own group instead of %s: chmod g+s on the "
                        "directory of %s\n"),
                      (unsigned)(f->dir.st_mode & 07777), team, f->db_path);
    if (!f->db_exists)
        return;
    if (f->db.st_gid != f->dir.st_gid) {
        const char *dbg = gname(f, f->db.st_gid, gb, sizeof gb);
        const char *dirg = gname(f, f->dir.st_gid, db, sizeof db);
        if (private_group_of(f, f->db.st_gid, f->db.st_uid))
            kz_buf_printf(warnings,
                          _("warning: the database %s belongs to %s's private group %s, not the "
                            "team's group %s: chgrp %s %s\n"),
                          f->db_path, uname_of(f, f->db.st_uid, ub, sizeof ub), dbg, dirg, dirg,
                          files);
        else
            kz_buf_printf(warnings,
                          _("warning: the database %s belongs to group %s but its directory to "
                            "group %s; make them agree: chgrp %s %s (or chgrp %s on the "
                            "directory)\n"),
                          f->db_path, dbg, dirg, dirg, files, dbg);
    }
    if (!(f->db.st_mode & S_IWGRP) && can_write(f, &f->db))
        kz_buf_printf(warnings,
                      _("warning: the database %s is not group-writable (mode %04o): colleagues "
                        "in group %s cannot save changes: chmod g+rw %s\n"),
                      f->db_path, (unsigned)(f->db.st_mode & 07777), team, files);
}

kz_status kz_deploy_assess(const kz_deploy_facts *f, kz_buf *warnings, kz_err *err)
{
    const char *net = kz_fs_network_kind(f->fs_type);
    if (net)
        return kz_err_set(err, KZ_EREFUSED,
                          _("the database %s is on a network file system (%s): SQLite's locking "
                            "is unreliable there and its WAL mode needs memory shared between "
                            "processes on one machine, so kariz refuses to use it; keep the "
                            "database on the server's local disk and let everyone ssh in (see "
                            "docs/deployment.md)"),
                          f->db_path, net);
    char gb[64], ub[64], tb[64], files[8400];
    files_arg(f, files, sizeof files);
    if (f->db_exists) {
        if (f->db.st_mode & S_IWOTH)
            kz_buf_printf(warnings,
                          _("warning: the database %s is writable by everyone (mode %04o); "
                            "restrict it to the team's group: chmod o-w %s\n"),
                          f->db_path, (unsigned)(f->db.st_mode & 07777), f->db_path);
        if (!can_write(f, &f->db)) {
            bool grp_w = (f->db.st_mode & S_IWGRP) != 0;
            if (private_group_db(f)) {
                const char *owner = uname_of(f, f->db.st_uid, ub, sizeof ub);
                const char *team = gname(f, f->dir.st_gid, tb, sizeof tb);
                kz_err_set(err, KZ_EREADONLY,
                           _("the database %s belongs to %s's private group %s, not the team's "
                             "group %s, so only %s can write it: %s or root can fix it: chgrp %s "
                             "%s && chmod g+rw %s"),
                           f->db_path, owner, gname(f, f->db.st_gid, gb, sizeof gb), team, owner,
                           owner, team, files, files);
            } else if (grp_w && !in_group(f, f->db.st_gid) && f->db.st_uid != f->uid)
                kz_err_set(err, KZ_EREADONLY,
                           _("you are not in group %s, which may write the database %s: ask an "
                             "administrator to add you (usermod -aG %s %s) and log in again"),
                           gname(f, f->db.st_gid, gb, sizeof gb), f->db_path,
                           gname(f, f->db.st_gid, gb, sizeof gb),
                           uname_of(f, f->uid, ub, sizeof ub));
            else if (!grp_w && in_group(f, f->db.st_gid))
                kz_err_set(err, KZ_EREADONLY,
                           _("the database %s is not group-writable (owner %s, group %s, mode "
                             "%04o): its owner or root can fix it: chmod g+rw %s"),
                           f->db_path, uname_of(f, f->db.st_uid, ub, sizeof ub),
                           gname(f, f->db.st_gid, gb, sizeof gb),
                           (unsigned)(f->db.st_mode & 07777), files);
            else
                kz_err_set(
                    err, KZ_EREADONLY,
                    _("the database %s is read-only for you (owner %s, group %s, mode %04o)"),
                    f->db_path, uname_of(f, f->db.st_uid, ub, sizeof ub),
                    gname(f, f->db.st_gid, gb, sizeof gb), (unsigned)(f->db.st_mode & 07777));
            team_warnings(f, warnings);
            return KZ_EREADONLY;
        }
        if (f->wal_exists && side_file(f, "-wal", &f->wal, err) != KZ_OK)
            return KZ_EREADONLY;
        if (f->shm_exists && side_file(f, "-shm", &f->shm, err) != KZ_OK)
            return KZ_EREADONLY;
    }
    team_warnings(f, warnings);
    if (!can_write(f, &f->dir)) {
        /* SQLite creates the -wal and -shm files beside the database */
        if (f->db_exists && f->wal_exists && f->shm_exists)
            return KZ_OK;
        const char *dirg = gname(f, f->dir.st_gid, gb, sizeof gb);
        return kz_err_set(
            err, KZ_EREADONLY,
            _("the directory of %s is not writable by you (owner %s, group %s, mode "
              "%04o); kariz needs to create the database's -wal and -shm files there: "
              "chmod g+w on it for group %s (and add yourself to it)"),
            f->db_path, uname_of(f, f->dir.st_uid, ub, sizeof ub), dirg,
            (unsigned)(f->dir.st_mode & 07777), dirg);
    }
    if ((f->dir.st_mode & S_IWOTH) && !(f->dir.st_mode & S_ISVTX))
        kz_buf_printf(warnings,
                      _("warning: the database's directory is writable by everyone; anyone could "
                        "replace the database: chmod o-w on it\n"));
    return KZ_OK;
}

static const char *sys_group_name(gid_t g)
{
    struct group *gr = getgrgid(g);
    return gr ? gr->gr_name : NULL;
}

static const char *sys_user_name(uid_t u)
{
    struct passwd *pw = getpwuid(u);
    return pw ? pw->pw_name : NULL;
}

static long sys_fs_type(const char *dir)
{
    struct statfs sfs;
    return statfs(dir, &sfs) == 0 ? (long)sfs.f_type : 0;
}

/* The directory part of a path. */
static void dir_of(const char *path, char *dir, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (slash == path)
        snprintf(dir, n, "/");
    else if (slash)
        snprintf(dir, n, "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, n, ".");
}

/* The system's facts for db_path; groups must hold 257 entries, resolved
 * PATH_MAX bytes (f->db_path may point into it). SQLite opens the file a
 * symbolic link points to, and keeps its -wal and -shm beside it: the
 * checks are about that file and directory (a local link to a database on
 * NFS is on NFS). */
static kz_status gather(const char *db_path, long (*fs_type_of)(const char *dir), char *resolved,
                        kz_deploy_facts *f, gid_t *groups, kz_err *err)
{
    if (realpath(db_path, resolved))
        db_path = resolved;
    memset(f, 0, sizeof *f);
    f->db_path = db_path;
    char dir[4096];
    dir_of(db_path, dir, sizeof dir);
    if (stat(dir, &f->dir) != 0)
        return kz_err_set(err, KZ_ENOTFOUND, _("the database's directory %s does not exist (%s)"),
                          dir, strerror(errno));
    f->fs_type = fs_type_of(dir);
    f->db_exists = stat(db_path, &f->db) == 0;
    char side[4200];
    snprintf(side, sizeof side, "%s-wal", db_path);
    f->wal_exists = stat(side, &f->wal) == 0;
    snprintf(side, sizeof side, "%s-shm", db_path);
    f->shm_exists = stat(side, &f->shm) == 0;
    f->uid = getuid();
    int n = getgroups(256, groups);
    if (n < 0)
        n = 0;
    groups[n++] = getgid();
    f->groups = groups;
    f->ngroups = (size_t)n;
    f->group_name = sys_group_name;
    f->user_name = sys_user_name;
    return KZ_OK;
}

kz_status kz_deploy_check(const char *db_path, kz_buf *warnings, kz_err *err)
{
    return kz_deploy_check_with(db_path, sys_fs_type, warnings, err);
}

kz_status kz_deploy_check_with(const char *db_path, long (*fs_type_of)(const char *dir),
                               kz_buf *warnings, kz_err *err)
{
    kz_deploy_facts f;
    gid_t groups[257];
    char resolved[PATH_MAX];
    kz_status st = gather(db_path, fs_type_of, resolved, &f, groups, err);
    if (st != KZ_OK)
        return st;
    return kz_deploy_assess(&f, warnings, err);
}

void kz_deploy_explain_readonly(const char *db_path, kz_buf *out)
{
    kz_deploy_facts f;
    gid_t groups[257];
    kz_err err;
    kz_buf ignored = KZ_BUF_INIT;
    char resolved[PATH_MAX];
    if (gather(db_path, sys_fs_type, resolved, &f, groups, &err) == KZ_OK &&
        kz_deploy_assess(&f, &ignored, &err) == KZ_EREADONLY) {
        kz_buf_puts(out, err.msg);
    } else {
        char ub[64], gb[64];
        kz_buf_printf(out,
                      _("the database %s or its -wal or -shm file was not writable by you for a "
                        "moment; they are now owner %s, group %s, mode %04o: try again, and if "
                        "it recurs run `kariz team check`"),
                      db_path, uname_of(&f, f.db.st_uid, ub, sizeof ub),
                      gname(&f, f.db.st_gid, gb, sizeof gb), (unsigned)(f.db.st_mode & 07777));
    }
    kz_buf_free(&ignored);
}

void kz_deploy_umask(void)
{
    mode_t old = umask(0);
    umask(old & ~(mode_t)070);
}

kz_status kz_deploy_create_db(const char *db_path, kz_err *err)
{
    int fd = open(db_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        struct stat lst;
        if (errno == EEXIST && lstat(db_path, &lst) == 0 && S_ISLNK(lst.st_mode))
            /* a link to nowhere: SQLite would create its target unchecked,
             * wherever it points, at the user's umask */
            return kz_err_set(
                err, KZ_EINVAL,
                _("%s is a symbolic link to a file that does not exist; create the "
                  "database where it points (kariz init --db TARGET) or remove the link"),
                db_path);
        if (errno == EEXIST)
            return KZ_OK;
        if (errno == ENOENT || errno == ENOTDIR) /* (a mistyped path, most often) */
            return kz_err_set(err, KZ_ENOTFOUND,
                              _("cannot create the database %s: its directory does not exist"),
                              db_path);
        return kz_err_set(err, errno == EACCES || errno == EROFS ? KZ_EREADONLY : KZ_EIO,
                          _("cannot create the database %s: %s"), db_path, strerror(errno));
    }
    close(fd);
    return KZ_OK;
}

/* One problem of a team set-up: what is wrong with path, and the fix. */
static void problem(kz_buf *report, int *count, const char *path, const char *fix,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void problem(kz_buf *report, int *count, const char *path, const char *fix,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kz_buf_printf(report, _("problem: %s: "), path);
    kz_buf_vprintf(report, fmt, ap);
    kz_buf_printf(report, _("; fix: %s\n"), fix);
    va_end(ap);
    (*count)++;
}

/* Names from the system's databases, for kz_team_check's messages. */
static const kz_deploy_facts sys_names = {.group_name = sys_group_name,
                                          .user_name = sys_user_name};

static const char *group_str(gid_t g, char *buf, size_t n)
{
    return gname(&sys_names, g, buf, n);
}

static const char *user_str(uid_t u, char *buf, size_t n)
{
    return uname_of(&sys_names, u, buf, n);
}

/* A file the whole team writes: the team's group, group read-write, not
 * writable by everyone. */
static void check_shared(kz_buf *r, int *n, const char *path, const struct stat *st, gid_t team,
                         mode_t need)
{
    char fix[5000], a[64], b[64];
    if (st->st_gid != team) {
        snprintf(fix, sizeof fix, "chgrp %s %s", group_str(team, a, sizeof a), path);
        problem(r, n, path, fix, _("group %s, not the team's group %s"),
                group_str(st->st_gid, b, sizeof b), a);
    }
    if ((st->st_mode & need) != need) {
        snprintf(fix, sizeof fix, "chmod g+%s %s", need == (S_IRGRP | S_IWGRP) ? "rw" : "r", path);
        /* TRANSLATORS: %s is "read" or "write" */
        problem(r, n, path, fix, _("mode %04o: the team's group cannot %s it"),
                (unsigned)(st->st_mode & 07777), (need & S_IWGRP) ? _("write") : _("read"));
    }
    if (st->st_mode & S_IWOTH) {
        snprintf(fix, sizeof fix, "chmod o-w %s", path);
        problem(r, n, path, fix, _("writable by everyone (mode %04o)"),
                (unsigned)(st->st_mode & 07777));
    }
}

/* A hook or the hooks directory: what runs as every member must be
 * changeable only by root or owner (the database's, when trusted; else
 * (uid_t)-1). */
static void check_admin_only(kz_buf *r, int *n, const char *path, const struct stat *st,
                             uid_t owner)
{
    char fix[5000], a[64], b[64];
    if (st->st_uid != 0 && st->st_uid != owner) {
        snprintf(fix, sizeof fix, "chown %s %s",
                 owner == (uid_t)-1 ? "root" : user_str(owner, a, sizeof a), path);
        if (owner != (uid_t)-1)
            problem(r, n, path, fix,
                    _("owned by %s: only root or the database's owner %s may own hooks, which "
                      "run as every colleague who changes a lead (kariz refuses to run them)"),
                    user_str(st->st_uid, b, sizeof b), a);
        else
            problem(r, n, path, fix,
                    _("owned by %s: only root may own hooks here, which run as every colleague "
                      "who changes a lead (the database's owner is not trusted with them when "
                      "others may write its directory and so could have replaced it; kariz "
                      "refuses to run them)"),
                    user_str(st->st_uid, b, sizeof b));
    }
    if (st->st_mode & (S_IWGRP | S_IWOTH)) {
        snprintf(fix, sizeof fix, "chmod go-w %s", path);
        problem(r, n, path, fix,
                _("writable by %s (mode %04o): others could change what runs as everyone (kariz "
                  "refuses to run hooks from it)"),
                (st->st_mode & S_IWOTH) ? _("everyone") : _("its group"),
                (unsigned)(st->st_mode & 07777));
    }
}

int kz_team_check(const char *dir, const char *db_path, kz_buf *report)
{
    int n = 0;
    char fix[5000], a[64], path[4600];
    struct stat dst, st;
    if (stat(dir, &dst) != 0 || !S_ISDIR(dst.st_mode)) {
        snprintf(fix, sizeof fix, "kariz team init %s --group GROUP", dir);
        problem(report, &n, dir, fix, _("not a directory (%s)"), strerror(errno ? errno : ENOTDIR));
        return n;
    }
    bool db_exists = stat(db_path, &st) == 0;
    gid_t team = (dst.st_mode & S_ISGID) || !db_exists ? dst.st_gid : st.st_gid;
    /* who may own hooks besides root: the database's owner, unless others
     * could have replaced the database (as hooks.c decides) */
    uid_t owner = (uid_t)-1;
    if (db_exists && (!(dst.st_mode & (S_IWGRP | S_IWOTH)) || (dst.st_mode & S_ISVTX) ||
                      dst.st_uid == st.st_uid))
        owner = st.st_uid;
    /* what the start-up check tells this user */
    kz_buf warn = KZ_BUF_INIT;
    kz_err err;
    kz_err_clear(&err);
    kz_status ks = kz_deploy_check(db_path, &warn, &err);
    if (ks != KZ_OK && ks != KZ_ENOTFOUND) {
        kz_buf_printf(report, _("problem: %s\n"), err.msg);
        n++;
    }
    kz_buf_free(&warn);
    /* the directory */
    if (!(dst.st_mode & S_ISGID)) {
        snprintf(fix, sizeof fix, "chmod g+s %s", dir);
        problem(report, &n, dir, fix,
                _("no setgid bit (mode %04o): files created there get their creator's group"),
                (unsigned)(dst.st_mode & 07777));
    }
    if ((dst.st_mode & S_IRWXG) != S_IRWXG) {
        snprintf(fix, sizeof fix, "chmod g+rwx %s", dir);
        problem(report, &n, dir, fix,
                _("mode %04o: the team's group cannot create the database's -wal and -shm files"),
                (unsigned)(dst.st_mode & 07777));
    }
    if ((dst.st_mode & S_IWOTH) && !(dst.st_mode & S_ISVTX)) {
        snprintf(fix, sizeof fix, "chmod o-w %s", dir);
        problem(report, &n, dir, fix, _("writable by everyone: anyone could replace the database"));
    }
    if (dst.st_gid != team) {
        snprintf(fix, sizeof fix, "chgrp %s %s", group_str(team, a, sizeof a), dir);
        problem(report, &n, dir, fix, _("group differs from the database's (%s)"), a);
    }
    /* the database and its side files */
    if (!db_exists) {
        snprintf(fix, sizeof fix, "kariz team init %s --group %s", dir,
                 group_str(team, a, sizeof a));
        problem(report, &n, db_path, fix, _("no database"));
    } else {
        check_shared(report, &n, db_path, &st, team, S_IRGRP | S_IWGRP);
    }
    static const char *const sides[] = {"-wal", "-shm"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s%s", db_path, sides[i]);
        if (stat(path, &st) == 0)
            check_shared(report, &n, path, &st, team, S_IRGRP | S_IWGRP);
    }
    /* the rules everyone scores by */
    snprintf(path, sizeof path, "%s/rules.yaml", dir);
    if (stat(path, &st) == 0)
        check_shared(report, &n, path, &st, team, S_IRGRP);
    /* the hooks: changeable by the administrator only */
    char hooks[4200];
    snprintf(hooks, sizeof hooks, "%s/hooks", dir);
    if (stat(hooks, &st) == 0 && S_ISDIR(st.st_mode)) {
        check_admin_only(report, &n, hooks, &st, owner);
        DIR *d = opendir(hooks);
        struct dirent *de;
        bool have_log = false;
        while (d && (de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", hooks, de->d_name);
            if (stat(path, &st) != 0)
                continue;
            if (strcmp(de->d_name, "hooks.log") == 0) {
                have_log = true;
                check_shared(report, &n, path, &st, team, S_IRGRP | S_IWGRP);
            } else if (S_ISREG(st.st_mode)) {
                check_admin_only(report, &n, path, &st, owner);
            }
        }
        if (d)
            closedir(d);
        snprintf(path, sizeof path, "%s/hooks.log", hooks);
        if (!have_log) {
            snprintf(fix, sizeof fix, "install -m 0660 -g %s /dev/null %s",
                     group_str(team, a, sizeof a), path);
            problem(report, &n, path, fix,
                    _("missing: members cannot create it in the hooks directory, so hook "
                      "failures go unlogged"));
        }
    }
    return n;
}
