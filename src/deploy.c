/* deploy.c - checking a shared database's file system and permissions. */
#include "kariz/deploy.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
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

static const char *gname(const kz_deploy_facts *f, gid_t g, char *buf, size_t n)
{
    const char *s = f->group_name ? f->group_name(g) : NULL;
    if (s)
        return s;
    snprintf(buf, n, "%u", (unsigned)g);
    return buf;
}

static const char *uname_of(const kz_deploy_facts *f, uid_t u, char *buf, size_t n)
{
    const char *s = f->user_name ? f->user_name(u) : NULL;
    if (s)
        return s;
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

static kz_status side_file(const kz_deploy_facts *f, const char *suffix, const struct stat *st,
                           kz_err *err)
{
    if (can_write(f, st))
        return KZ_OK;
    char ub[32], gb[32];
    return kz_err_set(err, KZ_EREADONLY,
                      "the database's %s file %s%s is not writable by you (owner %s, group %s, "
                      "mode %04o): make it group-writable for the team (chmod g+w) -- see "
                      "docs/deployment.md",
                      suffix, f->db_path, suffix, uname_of(f, st->st_uid, ub, sizeof ub),
                      gname(f, st->st_gid, gb, sizeof gb), (unsigned)(st->st_mode & 07777));
}

kz_status kz_deploy_assess(const kz_deploy_facts *f, kz_buf *warnings, kz_err *err)
{
    const char *net = kz_fs_network_kind(f->fs_type);
    if (net)
        return kz_err_set(err, KZ_EREFUSED,
                          "the database %s is on a network file system (%s): SQLite's locking "
                          "is unreliable there and its WAL mode needs memory shared between "
                          "processes on one machine, so kariz refuses to use it; keep the "
                          "database on the server's local disk and let everyone ssh in (see "
                          "docs/deployment.md)",
                          f->db_path, net);
    char gb[32], ub[32];
    if (f->db_exists) {
        if (f->db.st_mode & S_IWOTH)
            kz_buf_printf(warnings,
                          "warning: the database %s is writable by everyone (mode %04o); "
                          "restrict it to the team's group: chmod o-w %s\n",
                          f->db_path, (unsigned)(f->db.st_mode & 07777), f->db_path);
        if (!can_write(f, &f->db)) {
            bool grp_w = (f->db.st_mode & S_IWGRP) != 0;
            if (grp_w && !in_group(f, f->db.st_gid) && f->db.st_uid != f->uid)
                kz_err_set(err, KZ_EREADONLY,
                           "you are not in group %s, which may write the database %s: ask an "
                           "administrator to add you (usermod -aG %s %s) and log in again",
                           gname(f, f->db.st_gid, gb, sizeof gb), f->db_path,
                           gname(f, f->db.st_gid, gb, sizeof gb),
                           uname_of(f, f->uid, ub, sizeof ub));
            else
                kz_err_set(err, KZ_EREADONLY,
                           "the database %s is read-only for you (owner %s, group %s, mode %04o)",
                           f->db_path, uname_of(f, f->db.st_uid, ub, sizeof ub),
                           gname(f, f->db.st_gid, gb, sizeof gb),
                           (unsigned)(f->db.st_mode & 07777));
            return KZ_EREADONLY;
        }
        if (f->wal_exists && side_file(f, "-wal", &f->wal, err) != KZ_OK)
            return KZ_EREADONLY;
        if (f->shm_exists && side_file(f, "-shm", &f->shm, err) != KZ_OK)
            return KZ_EREADONLY;
    }
    if (!can_write(f, &f->dir)) {
        /* SQLite creates the -wal and -shm files beside the database */
        if (f->db_exists && f->wal_exists && f->shm_exists)
            return KZ_OK;
        return kz_err_set(err, KZ_EREADONLY,
                          "the directory of %s is not writable by you (owner %s, group %s, mode "
                          "%04o); kariz needs to create the database's -wal and -shm files there",
                          f->db_path, uname_of(f, f->dir.st_uid, ub, sizeof ub),
                          gname(f, f->dir.st_gid, gb, sizeof gb),
                          (unsigned)(f->dir.st_mode & 07777));
    }
    if ((f->dir.st_mode & S_IWOTH) && !(f->dir.st_mode & S_ISVTX))
        kz_buf_printf(warnings,
                      "warning: the database's directory is writable by everyone; anyone could "
                      "replace the database: chmod o-w on it\n");
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

kz_status kz_deploy_check(const char *db_path, kz_buf *warnings, kz_err *err)
{
    return kz_deploy_check_with(db_path, sys_fs_type, warnings, err);
}

kz_status kz_deploy_check_with(const char *db_path, long (*fs_type_of)(const char *dir),
                               kz_buf *warnings, kz_err *err)
{
    /* SQLite opens the file a symbolic link points to, and keeps its -wal
     * and -shm beside it: the checks are about that file and directory
     * (a local link to a database on NFS is on NFS) */
    char resolved[PATH_MAX];
    if (realpath(db_path, resolved))
        db_path = resolved;
    kz_deploy_facts f;
    memset(&f, 0, sizeof f);
    f.db_path = db_path;
    char dir[4096];
    const char *slash = strrchr(db_path, '/');
    if (slash == db_path)
        snprintf(dir, sizeof dir, "/");
    else if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - db_path), db_path);
    else
        snprintf(dir, sizeof dir, ".");
    if (stat(dir, &f.dir) != 0)
        return kz_err_set(err, KZ_ENOTFOUND, "the database's directory %s does not exist (%s)", dir,
                          strerror(errno));
    f.fs_type = fs_type_of(dir);
    f.db_exists = stat(db_path, &f.db) == 0;
    char side[4200];
    snprintf(side, sizeof side, "%s-wal", db_path);
    f.wal_exists = stat(side, &f.wal) == 0;
    snprintf(side, sizeof side, "%s-shm", db_path);
    f.shm_exists = stat(side, &f.shm) == 0;
    f.uid = getuid();
    gid_t groups[256];
    int n = getgroups(255, groups);
    if (n < 0)
        n = 0;
    groups[n++] = getgid();
    f.groups = groups;
    f.ngroups = (size_t)n;
    f.group_name = sys_group_name;
    f.user_name = sys_user_name;
    return kz_deploy_assess(&f, warnings, err);
}
