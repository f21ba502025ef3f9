/* hooks.c - running notification hooks without blocking anyone. */
#include "kariz/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kariz/buf.h"
#include "kariz/dates.h"

void kz_hooks_dir(const char *db_path, char *out, size_t outlen)
{
    const char *env = getenv("KARIZ_HOOKS_DIR");
    struct stat sb;
    if (env && *env) {
        snprintf(out, outlen, "%s", env);
    } else {
        const char *slash = db_path ? strrchr(db_path, '/') : NULL;
        if (slash)
            snprintf(out, outlen, "%.*s/hooks", (int)(slash - db_path), db_path);
        else
            snprintf(out, outlen, "hooks");
    }
    if (stat(out, &sb) != 0 || !S_ISDIR(sb.st_mode))
        out[0] = '\0';
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
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0660);
    if (fd < 0)
        return;
    kz_time_format_iso((int64_t)time(NULL), when);
    dprintf(fd, "%s %s: %s\n", when, hook, what);
    close(fd);
}

/* In the detached supervisor: runs the hook, feeds it the JSON, enforces
 * the time limit, logs the outcome. Never returns. */
static void supervise(const char *dir, const char *hook, const char *json)
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
        log_failure(dir, hook, "cannot start");
        _exit(1);
    }
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        close(in[0]);
        close(in[1]);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, STDOUT_FILENO);
            dup2(devnull, STDERR_FILENO);
        }
        execl(hook, hook, (char *)NULL);
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
            snprintf(msg, sizeof msg, "killed after %d s time limit", timeout);
            log_failure(dir, hook, msg);
            _exit(1);
        }
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        char msg[64];
        snprintf(msg, sizeof msg, "exited with status %d", WEXITSTATUS(status));
        log_failure(dir, hook, msg);
    } else if (WIFSIGNALED(status)) {
        char msg[64];
        snprintf(msg, sizeof msg, "killed by signal %d", WTERMSIG(status));
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
            supervise(dir, hook, json);
        }
        _exit(sup < 0 ? 1 : 0);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
    free(json);
}
