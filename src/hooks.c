/* hooks.c - running notification hooks without blocking anyone. */
#include "kariz/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kariz/buf.h"
#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/paths.h"

static void log_failure(const char *dir, const char *hook, const char *what);

/* Who may own hooks besides root: the database's owner (kz_hooks_dir). */
static uid_t hooks_owner;
static bool hooks_owner_known;
/* The refusal not yet shown to the user (kz_hooks_take_notice). */
static char notice[10240];
/* Events whose hook was refused already in this process. */
static char refused[8][32];

void kz_hooks_dir(const char *db_path, char *out, size_t outlen)
{
    const char *env = getenv("KARIZ_HOOKS_DIR");
    struct stat sb;
    if (env && *env) {
        snprintf(out, outlen, "%s", env);
    } else if (!db_path) {
        out[0] = '\0'; /* no database file (a server's): hooks only from the variable */
    } else {
        const char *slash = strrchr(db_path, '/');
        if (slash)
            snprintf(out, outlen, "%.*s/hooks", (int)(slash - db_path), db_path);
        else
            snprintf(out, outlen, "hooks");
    }
    if (!out[0] || stat(out, &sb) != 0 || !S_ISDIR(sb.st_mode))
        out[0] = '\0';
    /* The database's owner is trusted only when nobody else could have put
     * the database there: a member who may write its directory could
     * replace it with one of their own, and so own "the database". */
    struct stat dir;
    char dpath[4096];
    const char *slash = db_path ? strrchr(db_path, '/') : NULL;
    if (!slash)
        snprintf(dpath, sizeof dpath, ".");
    else if (slash == db_path)
        snprintf(dpath, sizeof dpath, "/");
    else
        snprintf(dpath, sizeof dpath, "%.*s", (int)(slash - db_path), db_path);
    hooks_owner_known = db_path && stat(db_path, &sb) == 0 && stat(dpath, &dir) == 0 &&
                        (!(dir.st_mode & (S_IWGRP | S_IWOTH)) || (dir.st_mode & S_ISVTX) ||
                         dir.st_uid == sb.st_uid);
    if (hooks_owner_known)
        hooks_owner = sb.st_uid;
}

static const char *owner_name(uid_t u, char *buf, size_t n)
{
    struct passwd *pw = getpwuid(u);
    if (pw && pw->pw_name)
        snprintf(buf, n, "%s", pw->pw_name);
    else
        snprintf(buf, n, "uid %u", (unsigned)u);
    return buf;
}

/* Is path (a hook, or a directory holding one) safe to run from: owned by
 * root, the database's owner or the user running it, writable by nobody
 * else? Else says why. */
static bool trusted(const char *what, const char *path, char *why, size_t n)
{
    struct stat st;
    char a[64], b[64];
    if (stat(path, &st) != 0) {
        snprintf(why, n, _("%s %s cannot be checked (%s)"), what, path, strerror(errno));
        return false;
    }
    /* (your own file runs as you: nobody else could have changed it) */
    if (st.st_uid != 0 && st.st_uid != getuid() &&
        (!hooks_owner_known || st.st_uid != hooks_owner)) {
        if (hooks_owner_known)
            snprintf(why, n,
                     _("%s %s is owned by %s; only root or the database's owner %s may own "
                       "hooks, which run as everyone who changes a lead"),
                     what, path, owner_name(st.st_uid, a, sizeof a),
                     owner_name(hooks_owner, b, sizeof b));
        else
            snprintf(why, n,
                     _("%s %s is owned by %s, not root (the database's owner is not trusted "
                       "with hooks when others may write the database's directory and so "
                       "could have replaced it: chown root on the hooks)"),
                     what, path, owner_name(st.st_uid, a, sizeof a));
        return false;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        snprintf(why, n,
                 _("%s %s is writable by %s (mode %04o), so others could change what runs as "
                   "you: chmod go-w %s"),
                 what, path, (st.st_mode & S_IWOTH) ? _("everyone") : _("its group"),
                 (unsigned)(st.st_mode & 07777), path);
        return false;
    }
    return true;
}

/* The checks, as sshd's StrictModes and git's safe.directory make them:
 * the hooks directory, the hook, and (for a link) the file it names and
 * that file's directory. */
static bool hook_trusted(const char *dir, const char *hook, char *why, size_t n)
{
    char real[PATH_MAX], parent[PATH_MAX];
    if (!trusted("the hooks directory", dir, why, n) || !trusted("the hook", hook, why, n))
        return false;
    if (!realpath(hook, real)) {
        snprintf(why, n, _("the hook %s cannot be resolved (%s)"), hook, strerror(errno));
        return false;
    }
    snprintf(parent, sizeof parent, "%s", real);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent)
        *slash = '\0';
    return trusted("the hook", real, why, n) && trusted("the directory", parent, why, n);
}

/* Logs and announces a refused hook, once per event and process. */
static void refuse(const char *dir, const char *event, const char *why)
{
    size_t i = 0;
    for (; i < sizeof refused / sizeof refused[0] && refused[i][0]; i++)
        if (strcmp(refused[i], event) == 0)
            return;
    if (i < sizeof refused / sizeof refused[0])
        snprintf(refused[i], sizeof refused[i], "%s", event);
    char msg[10100];
    snprintf(msg, sizeof msg, _("refused to run: %s"), why);
    log_failure(dir, event, msg);
    snprintf(notice, sizeof notice, "hook %s %s", event, msg);
}

const char *kz_hooks_take_notice(void)
{
    static char taken[sizeof notice];
    if (!notice[0])
        return NULL;
    memcpy(taken, notice, sizeof taken);
    notice[0] = '\0';
    return taken;
}

void kz_child_close_fds(void)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
        return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = 3; fd < max; fd++)
        close(fd);
}

static void env_put(char ***env, size_t *n, char *entry)
{
    *env = kz_xrealloc(*env, (*n + 2) * sizeof **env);
    (*env)[(*n)++] = entry;
    (*env)[*n] = NULL;
}

static void env_add(char ***env, size_t *n, const char *name, const char *value)
{
    if (!value)
        return;
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s=%s", name, value);
    env_put(env, n, kz_buf_take(&b));
}

char **kz_child_env(bool terminal, const char *const *extra)
{
    extern char **environ;
    char **env = kz_xcalloc(1, sizeof *env);
    size_t n = 0;
    env_add(&env, &n, "PATH", "/usr/local/bin:/usr/bin:/bin");
    const char *home = getenv("HOME");
    struct passwd *pw = getpwuid(getuid());
    if ((!home || *home != '/') && pw)
        home = pw->pw_dir;
    env_add(&env, &n, "HOME", home);
    env_add(&env, &n, "USER", kz_current_user());
    env_add(&env, &n, "LOGNAME", kz_current_user());
    env_add(&env, &n, "TZ", getenv("TZ"));
    env_add(&env, &n, "LANG", getenv("LANG"));
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "LC_", 3) == 0 && strchr(*e, '='))
            env_put(&env, &n, kz_xstrdup(*e));
    if (terminal) {
        env_add(&env, &n, "TERM", getenv("TERM"));
        env_add(&env, &n, "COLORTERM", getenv("COLORTERM"));
    }
    for (size_t i = 0; extra && extra[i]; i += 2)
        env_add(&env, &n, extra[i], extra[i + 1]);
    return env;
}

void kz_child_env_free(char **env)
{
    for (size_t i = 0; env && env[i]; i++)
        free(env[i]);
    free(env);
}

static void set_str(json_t *o, const char *k, const char *v)
{
    json_object_set_new(o, k, v ? json_string(v) : json_null());
    if (v && !json_object_get(o, k)) /* invalid UTF-8 */
        json_object_set_new(o, k, json_string("\xef\xbf\xbd"));
}

/* The JSON text of an event (caller frees). */
static char *kz_hook_event_json(const kz_hook_event *e)
{
    json_t *o = json_object();
    set_str(o, "event", e->event);
    json_object_set_new(o, "lead_id", json_integer(e->lead_id));
    set_str(o, "name", e->name);
    set_str(o, "company", e->company);
    set_str(o, "actor", e->actor);
    set_str(o, "field", e->field);
    set_str(o, "old", e->old_value);
    set_str(o, "new", e->new_value);
    char when[32];
    kz_time_format_iso(e->at, when);
    set_str(o, "at", when);
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s ? s : kz_xstrdup("{}");
}

static void log_failure(const char *dir, const char *hook, const char *what)
{
    char path[4096], when[32];
    snprintf(path, sizeof path, "%s/hooks.log", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0660);
    if (fd < 0)
        return;
    kz_time_format_iso((int64_t)time(NULL), when);
    dprintf(fd, "%s %s: %s\n", when, hook, what);
    close(fd);
}

/* In the detached supervisor: runs the hook, feeds it the JSON, enforces
 * the time limit, logs the outcome. Never returns. */
static void supervise(const char *dir, const char *hook, const char *json, char **env)
{
    int timeout = 10;
    const char *t = getenv("KARIZ_HOOK_TIMEOUT");
    if (t && atoi(t) > 0)
        timeout = atoi(t);
    int in[2];
    if (pipe(in) != 0)
        _exit(1);
    pid_t pid = fork();
    if (pid < 0) {
        log_failure(dir, hook, _("cannot start"));
        _exit(1);
    }
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        close(in[0]);
        close(in[1]);
        /* standard output and error are the supervisor's, /dev/null already;
         * nothing else of kariz's (the database, the terminal) goes along */
        kz_child_close_fds();
        char *argv[] = {(char *)hook, NULL};
        execve(hook, argv, env);
        _exit(127);
    }
    close(in[0]);
    signal(SIGPIPE, SIG_IGN);
    size_t len = strlen(json);
    ssize_t w = write(in[1], json, len);
    (void)w;
    close(in[1]);
    int status = 0;
    for (int waited = 0;; waited++) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (waited >= timeout * 10) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            char msg[64];
            snprintf(msg, sizeof msg, _("killed after %d s time limit"), timeout);
            log_failure(dir, hook, msg);
            _exit(1);
        }
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        char msg[64];
        snprintf(msg, sizeof msg, _("exited with status %d"), WEXITSTATUS(status));
        log_failure(dir, hook, msg);
    } else if (WIFSIGNALED(status)) {
        char msg[64];
        snprintf(msg, sizeof msg, _("killed by signal %d"), WTERMSIG(status));
        log_failure(dir, hook, msg);
    }
    _exit(0);
}

void kz_hooks_fire(const char *dir, const kz_hook_event *e)
{
    if (!dir || !*dir)
        return;
    char hook[4096];
    snprintf(hook, sizeof hook, "%s/%s", dir, e->event);
    if (access(hook, X_OK) != 0)
        return;
    char why[10000];
    if (!hook_trusted(dir, hook, why, sizeof why)) {
        refuse(dir, e->event, why);
        return;
    }
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)e->lead_id);
    const char *extra[] = {"KARIZ_EVENT", e->event, "KARIZ_LEAD_ID", id, "KARIZ_ACTOR", e->actor,
                           "KARIZ_HOOKS_DIR", dir, NULL};
    char **env = kz_child_env(false, extra);
    char *json = kz_hook_event_json(e);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        /* first child: detach a supervisor and leave at once */
        setsid();
        pid_t sup = fork();
        if (sup == 0) {
            int devnull = open("/dev/null", O_RDWR);
            if (devnull >= 0) {
                dup2(devnull, STDIN_FILENO);
                dup2(devnull, STDOUT_FILENO);
                dup2(devnull, STDERR_FILENO);
            }
            kz_child_close_fds(); /* devnull too, and all kariz had open */
            supervise(dir, hook, json, env);
        }
        _exit(sup < 0 ? 1 : 0);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
    free(json);
    kz_child_env_free(env);
}
