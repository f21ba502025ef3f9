/* deploy.h - checks that a shared database is set up so the whole team can
 * use it: file system, ownership, group and permissions. Reported as
 * precise sentences before SQLite could fail with a bare error. */
#ifndef KARIZ_DEPLOY_H
#define KARIZ_DEPLOY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "kariz/buf.h"
#include "kariz/status.h"

/* Names the network file system a statfs f_type belongs to ("nfs", "smb",
 * "cifs", "sshfs/fuse", ...), or NULL for a local one. */
const char *kz_fs_network_kind(long f_type);

/* What is known about the database, its directory and the user. */
typedef struct kz_deploy_facts {
    const char *db_path;
    bool db_exists;
    struct stat db;       /* valid when db_exists */
    struct stat dir;      /* the database's directory */
    long fs_type;         /* statfs f_type of the directory */
    uid_t uid;
    const gid_t *groups;  /* the user's groups (primary included) */
    size_t ngroups;
    const char *(*group_name)(gid_t g); /* for messages; may return NULL */
    const char *(*user_name)(uid_t u);
    bool wal_exists, shm_exists;
    struct stat wal, shm;
} kz_deploy_facts;

/* Pure assessment: appends warnings (one per line) to warnings; returns
 * KZ_OK, KZ_EREADONLY (the user can read but not write: open read-only), or
 * an error (err says what is wrong and how to fix it). */
kz_status kz_deploy_assess(const kz_deploy_facts *f, kz_buf *warnings, kz_err *err);

/* Gathers the facts for db_path from the system and assesses them. A
 * symbolic link is followed first (realpath): the file, its directory and
 * its file system are those of the database it points to. */
kz_status kz_deploy_check(const char *db_path, kz_buf *warnings, kz_err *err);
/* The same, with the file system type of a directory read by fs_type_of
 * (statfs f_type; tests inject one). */
kz_status kz_deploy_check_with(const char *db_path, long (*fs_type_of)(const char *dir),
                               kz_buf *warnings, kz_err *err);

/* Why a write to db_path was refused as read-only: names the file that is
 * not writable by this user (database, -wal, -shm, directory), its owner,
 * group and mode, and the command that fixes it. Appends to out. */
void kz_deploy_explain_readonly(const char *db_path, kz_buf *out);

/* Sets the process umask once at start-up so that it never masks the group
 * bits (the others' bits are kept): every file kariz creates (database,
 * -wal, -shm, rejects, exports, the hooks log) is group read-write from the
 * moment it exists, and takes the directory's group when it is setgid. */
void kz_deploy_umask(void);

/* Creates db_path as an empty file (which SQLite takes for a new database)
 * with mode 0666 less the umask, unless it exists: SQLite itself would
 * create it 0644, and its -wal and -shm files copy the database's mode. */
kz_status kz_deploy_create_db(const char *db_path, kz_err *err);

/* `kariz team check`: every problem of the team directory dir whose
 * database is db_path, for the whole team (not just this user): the
 * directory (setgid, group, modes), the database, -wal and -shm (the team's
 * group, group read-write), rules.yaml (group-readable), the hooks
 * directory and each hook (owned by root or the database's owner, writable
 * by nobody else) and hooks/hooks.log, plus what the start-up check tells
 * this user. Appends "problem: PATH: what; fix: COMMAND" lines to report
 * and returns how many. */
int kz_team_check(const char *dir, const char *db_path, kz_buf *report);

#endif
