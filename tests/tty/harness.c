/* harness.c - pseudo-terminal + libvterm driver for terminal tests. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

#include "testdb.h"

#include <setjmp.h>
#include <cmocka.h>

struct kt_term {
    int fd;        /* pty master; owned */
    pid_t pid;
    int rows, cols;
    bool eof;      /* the program closed the terminal (exited) */
    VTerm *vt;     /* owned */
    VTermScreen *screen; /* owned by vt */
    char title[256];
};

static char tmpdir[256];

const char *kt_tmpdir(void)
{
    if (!tmpdir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/kariz-tty-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmpdir))
            fail_msg("mkdtemp %s: %s", tmpdir, strerror(errno));
        char cfg[300];
        snprintf(cfg, sizeof cfg, "%s/config", tmpdir);
        mkdir(cfg, 0700);
        setenv("XDG_CONFIG_HOME", cfg, 1);
        setenv("HOME", tmpdir, 1);
        unsetenv("KARIZ_DB");
        unsetenv("KARIZ_RULES");
        unsetenv("NO_COLOR");
        unsetenv("EDITOR");
        unsetenv("VISUAL");
        /* the message catalogues of the build tree: locale/ beside the binary */
        const char *k = getenv("KARIZ"), *slash = k ? strrchr(k, '/') : NULL;
        if (slash && !getenv("KARIZ_LOCALEDIR")) {
            char loc[1024];
            snprintf(loc, sizeof loc, "%.*s/locale", (int)(slash - k), k);
            setenv("KARIZ_LOCALEDIR", loc, 1);
        }
    }
    return tmpdir;
}

const char *kt_path(const char *name)
{
    static char bufs[4][512];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", kt_tmpdir(), name);
    return b;
}

void kt_cleanup(void)
{
    if (!tmpdir[0])
        return;
    pid_t pid = fork();
    if (pid == 0) {
        execlp("rm", "rm", "-rf", tmpdir, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
    tmpdir[0] = '\0';
}

const char *kt_db(const char *name)
{
    static char bufs[4][512];
    static int next;
    char *b = bufs[next++ % 4];
    char err[1024];
    if (!kz_testdb_name(kt_tmpdir(), name, b, sizeof bufs[0], err, sizeof err))
        fail_msg("%s", err);
    return b;
}

bool kt_on_pg(void)
{
    return kz_testdb_pg();
}

void kt_sqlite_only(const char *reason)
{
    kz_testdb_sqlite_only(reason);
}

void kt_skip_on_pg(const char *reason)
{
    if (!kz_testdb_pg())
        return;
    fprintf(stderr, "SKIPPED on PostgreSQL: %s\n", reason);
    skip();
}

const char *kt_kariz(void)
{
    const char *k = getenv("KARIZ");
    if (!k || !*k)
        fail_msg("$KARIZ must name the kariz binary under test");
    return k;
}

/* The environment kt_env set, for every program started from now on. */
#define KT_MAX_ENV 16
static char env_name[KT_MAX_ENV][64], env_value[KT_MAX_ENV][256];
static bool env_unset[KT_MAX_ENV];
static int env_n;

void kt_env(const char *name, const char *value)
{
    int i = 0;
    while (i < env_n && strcmp(env_name[i], name) != 0)
        i++;
    if (i == env_n) {
        if (env_n == KT_MAX_ENV)
            fail_msg("kt_env: more than %d variables", KT_MAX_ENV);
        env_n++;
    }
    snprintf(env_name[i], sizeof env_name[i], "%s", name);
    snprintf(env_value[i], sizeof env_value[i], "%s", value ? value : "");
    env_unset[i] = value == NULL;
}

void kt_env_clear(void)
{
    env_n = 0;
}

/* In a child, after the harness's own defaults. */
static void apply_env(void)
{
    for (int i = 0; i < env_n; i++) {
        if (env_unset[i])
            unsetenv(env_name[i]);
        else
            setenv(env_name[i], env_value[i], 1);
    }
}

void kt_need_locale(const char *name)
{
    locale_t l = newlocale(LC_ALL_MASK, name, (locale_t)0);
    if (l == (locale_t)0)
        fail_msg("the %s locale is not installed: scripts/dev deps (or scripts/dev test) "
                 "generates it (localedef -i fa_IR -f UTF-8 fa_IR.UTF-8)", name);
    freelocale(l);
}

void kt_run(const char *const argv[])
{
    kt_tmpdir();
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork: %s", strerror(errno));
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDOUT_FILENO);
        apply_env();
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "command failed (status %d):", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        for (size_t i = 0; argv[i]; i++)
            fprintf(stderr, " %s", argv[i]);
        fprintf(stderr, "\n");
        fail();
    }
}

#define KT_MAX_ARGS 64

static void collect_args(const char **argv, const char *db, va_list ap)
{
    size_t n = 0;
    argv[n++] = kt_kariz();
    argv[n++] = "--db";
    argv[n++] = db;
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL) {
        if (n + 1 >= KT_MAX_ARGS)
            fail_msg("too many arguments");
        argv[n++] = a;
    }
    argv[n] = NULL;
}

void kt_kariz_run(const char *db, ...)
{
    const char *argv[KT_MAX_ARGS];
    va_list ap;
    va_start(ap, db);
    collect_args(argv, db, ap);
    va_end(ap);
    kt_run(argv);
}

kt_term *kt_board(int rows, int cols, const char *db, ...)
{
    const char *argv[KT_MAX_ARGS];
    va_list ap;
    va_start(ap, db);
    collect_args(argv, db, ap);
    va_end(ap);
    return kt_start(argv, rows, cols);
}

/* libvterm answers queries (device attributes, cursor position): send the
 * answers back to the program. */
static void output_cb(const char *s, size_t len, void *user)
{
    kt_term *t = user;
    while (len > 0) {
        ssize_t w = write(t->fd, s, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        s += w;
        len -= (size_t)w;
    }
}

static int settermprop_cb(VTermProp prop, VTermValue *val, void *user)
{
    kt_term *t = user;
    if (prop == VTERM_PROP_TITLE && val->string)
        snprintf(t->title, sizeof t->title, "%s", val->string);
    return 1;
}

static const VTermScreenCallbacks screen_cbs = {.settermprop = settermprop_cb};

static bool block_sighup;

void kt_block_sighup(bool on)
{
    block_sighup = on;
}

kt_term *kt_start(const char *const argv[], int rows, int cols)
{
    kt_tmpdir();
    kt_term *t = calloc(1, sizeof *t);
    if (!t)
        fail_msg("out of memory");
    t->rows = rows;
    t->cols = cols;
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    t->pid = forkpty(&t->fd, NULL, NULL, &ws);
    if (t->pid < 0)
        fail_msg("forkpty: %s", strerror(errno));
    if (t->pid == 0) {
        setenv("TERM", "xterm-256color", 1);
        setenv("LANG", "C.UTF-8", 1);
        setenv("LC_ALL", "C.UTF-8", 1);
        unsetenv("COLUMNS");
        unsetenv("LINES");
        apply_env();
        struct rlimit nocore = {0, 0}; /* tests that end in a signal leave no core */
        setrlimit(RLIMIT_CORE, &nocore);
        if (block_sighup) {
            sigset_t hup;
            sigemptyset(&hup);
            sigaddset(&hup, SIGHUP);
            sigprocmask(SIG_BLOCK, &hup, NULL);
        }
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    fcntl(t->fd, F_SETFL, fcntl(t->fd, F_GETFL) | O_NONBLOCK);
    t->vt = vterm_new(rows, cols);
    vterm_set_utf8(t->vt, 1);
    vterm_output_set_callback(t->vt, output_cb, t);
    t->screen = vterm_obtain_screen(t->vt);
    vterm_screen_set_callbacks(t->screen, &screen_cbs, t);
    vterm_screen_enable_altscreen(t->screen, 1); /* like xterm: smcup/rmcup switch screens */
    vterm_screen_reset(t->screen, 1);
    return t;
}

void kt_sendn(kt_term *t, const char *keys, size_t n)
{
    while (n > 0) {
        ssize_t w = write(t->fd, keys, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd p = {.fd = t->fd, .events = POLLOUT};
                poll(&p, 1, 1000);
                continue;
            }
            fail_msg("write to terminal: %s", strerror(errno));
        }
        keys += w;
        n -= (size_t)w;
    }
}

void kt_send(kt_term *t, const char *keys)
{
    kt_sendn(t, keys, strlen(keys));
}

/* Reads what is available (waiting up to timeout_ms for the first byte).
 * Returns false at end of file. */
static bool read_some(kt_term *t, int timeout_ms)
{
    if (t->eof)
        return false;
    struct pollfd p = {.fd = t->fd, .events = POLLIN};
    int r = poll(&p, 1, timeout_ms);
    if (r <= 0)
        return true;
    char buf[8192];
    for (;;) {
        ssize_t n = read(t->fd, buf, sizeof buf);
        if (n > 0) {
            vterm_input_write(t->vt, buf, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return true;
        t->eof = true; /* EIO: the slave side closed */
        return false;
    }
}

void kt_pump(kt_term *t)
{
    read_some(t, 0);
}

static void cell_utf8(const VTermScreenCell *c, char *out, size_t *len)
{
    for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && c->chars[i]; i++) {
        uint32_t cp = c->chars[i];
        if (cp == (uint32_t)-1)
            break;
        if (cp < 0x80) {
            out[(*len)++] = (char)cp;
        } else if (cp < 0x800) {
            out[(*len)++] = (char)(0xC0 | (cp >> 6));
            out[(*len)++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[(*len)++] = (char)(0xE0 | (cp >> 12));
            out[(*len)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[(*len)++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[(*len)++] = (char)(0xF0 | (cp >> 18));
            out[(*len)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[(*len)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[(*len)++] = (char)(0x80 | (cp & 0x3F));
        }
    }
}

/* Row text plus, for each byte, the display column it starts at. */
static const char *row_text(kt_term *t, int row, int *colmap)
{
    static char buf[4096];
    size_t len = 0;
    for (int col = 0; col < t->cols && len + 32 < sizeof buf;) {
        VTermScreenCell c;
        VTermPos pos = {.row = row, .col = col};
        vterm_screen_get_cell(t->screen, pos, &c);
        size_t start = len;
        if (c.chars[0] == 0 || c.chars[0] == (uint32_t)-1)
            buf[len++] = ' ';
        else
            cell_utf8(&c, buf, &len);
        if (colmap)
            for (size_t i = start; i < len; i++)
                colmap[i] = col;
        col += c.width > 1 ? c.width : 1;
    }
    buf[len] = '\0';
    return buf;
}

const char *kt_screen_row(kt_term *t, int n)
{
    kt_pump(t);
    return row_text(t, n, NULL);
}

bool kt_find(kt_term *t, const char *text, int *row, int *col)
{
    static int colmap[4096];
    for (int r = 0; r < t->rows; r++) {
        const char *s = row_text(t, r, colmap);
        const char *hit = strstr(s, text);
        if (hit) {
            if (row)
                *row = r;
            if (col)
                *col = colmap[hit - s];
            return true;
        }
    }
    return false;
}

bool kt_contains(kt_term *t, const char *text)
{
    return kt_find(t, text, NULL, NULL);
}

static void get_cell(kt_term *t, int row, int col, VTermScreenCell *c)
{
    kt_pump(t);
    VTermPos pos = {.row = row, .col = col};
    vterm_screen_get_cell(t->screen, pos, c);
}

bool kt_cell_reverse(kt_term *t, int row, int col)
{
    VTermScreenCell c;
    get_cell(t, row, col, &c);
    return c.attrs.reverse;
}

bool kt_cell_bold(kt_term *t, int row, int col)
{
    VTermScreenCell c;
    get_cell(t, row, col, &c);
    return c.attrs.bold;
}

bool kt_cell_coloured(kt_term *t, int row, int col)
{
    VTermScreenCell c;
    get_cell(t, row, col, &c);
    return !VTERM_COLOR_IS_DEFAULT_FG(&c.fg);
}

const char *kt_title(kt_term *t)
{
    kt_pump(t);
    return t->title;
}

void kt_signal(kt_term *t, int sig)
{
    if (t->pid > 0 && kill(t->pid, sig) < 0)
        fail_msg("kill: %s", strerror(errno));
}

int kt_rows(kt_term *t)
{
    return t->rows;
}

int kt_cols(kt_term *t)
{
    return t->cols;
}

void kt_dump(kt_term *t)
{
    fprintf(stderr, "+");
    for (int c = 0; c < t->cols; c++)
        fputc('-', stderr);
    fprintf(stderr, "+ %dx%d\n", t->cols, t->rows);
    for (int r = 0; r < t->rows; r++)
        fprintf(stderr, "|%s|\n", row_text(t, r, NULL));
    fprintf(stderr, "+");
    for (int c = 0; c < t->cols; c++)
        fputc('-', stderr);
    fprintf(stderr, "+\n");
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
    const char *text;
    bool want;
} has_text;

static bool shows_text(kt_term *t, void *arg)
{
    const has_text *h = arg;
    return kt_contains(t, h->text) == h->want;
}

static void wait_until(kt_term *t, bool (*ok)(kt_term *, void *), void *arg, const char *text,
                       bool want)
{
    double deadline = now_s() + KT_DEADLINE_SECONDS;
    for (;;) {
        if (ok(t, arg))
            return;
        if (t->eof) {
            kt_dump(t);
            fail_msg("the program exited while waiting for %s\"%s\"", want ? "" : "the end of ",
                     text);
        }
        double left = deadline - now_s();
        if (left <= 0) {
            kt_dump(t);
            fail_msg("hang guard: after %d s the screen still %s \"%s\"", KT_DEADLINE_SECONDS,
                     want ? "lacks" : "shows", text);
        }
        read_some(t, left > 1 ? 1000 : (int)(left * 1000) + 1);
    }
}

static void wait_cond(kt_term *t, const char *text, bool want)
{
    has_text h = {text, want};
    wait_until(t, shows_text, &h, text, want);
}

void kt_wait_for(kt_term *t, const char *text)
{
    wait_cond(t, text, true);
}

void kt_wait_gone(kt_term *t, const char *text)
{
    wait_cond(t, text, false);
}

void kt_wait_until(kt_term *t, bool (*ok)(kt_term *, void *), void *arg, const char *what)
{
    wait_until(t, ok, arg, what, true);
}

void kt_resize(kt_term *t, int rows, int cols)
{
    kt_pump(t);
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    if (ioctl(t->fd, TIOCSWINSZ, &ws) < 0)
        fail_msg("TIOCSWINSZ: %s", strerror(errno));
    t->rows = rows;
    t->cols = cols;
    vterm_set_size(t->vt, rows, cols);
}

int kt_wait_exit(kt_term *t)
{
    double deadline = now_s() + KT_DEADLINE_SECONDS;
    while (read_some(t, 200)) {
        int st;
        pid_t r = waitpid(t->pid, &st, WNOHANG);
        if (r == t->pid) {
            t->pid = 0;
            vterm_free(t->vt);
            close(t->fd);
            free(t);
            return st;
        }
        if (now_s() > deadline) {
            kt_dump(t);
            kill(t->pid, SIGKILL);
            fail_msg("hang guard: the program did not exit within %d s", KT_DEADLINE_SECONDS);
        }
    }
    int st = 0;
    while (waitpid(t->pid, &st, 0) < 0 && errno == EINTR)
        ;
    vterm_free(t->vt);
    close(t->fd);
    free(t);
    return st;
}

int kt_hangup(kt_term *t)
{
    /* a pidfd becomes readable when the process exits: poll it with the
     * hang guard as the only timeout */
    int pfd = (int)syscall(SYS_pidfd_open, t->pid, 0);
    if (pfd < 0)
        fail_msg("pidfd_open: %s", strerror(errno));
    close(t->fd);
    struct pollfd p = {.fd = pfd, .events = POLLIN};
    int r;
    while ((r = poll(&p, 1, KT_DEADLINE_SECONDS * 1000)) < 0 && errno == EINTR)
        ;
    close(pfd);
    if (r == 0) {
        kill(t->pid, SIGKILL);
        waitpid(t->pid, NULL, 0);
        fail_msg("hang guard: the program did not exit within %d s of losing its terminal",
                 KT_DEADLINE_SECONDS);
    }
    int st = 0;
    while (waitpid(t->pid, &st, 0) < 0 && errno == EINTR)
        ;
    vterm_free(t->vt);
    free(t);
    return st;
}

void kt_finish(kt_term *t, const char *quit_keys)
{
    if (getenv("KT_DUMP")) { /* KT_DUMP=1: show the last screen of every test */
        kt_pump(t);
        kt_dump(t);
    }
    if (quit_keys)
        kt_send(t, quit_keys);
    int st = kt_wait_exit(t);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("the program ended with %s %d", WIFEXITED(st) ? "exit status" : "signal",
                 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

const char *kt_sql(const char *db, const char *query)
{
    static char out[1024];
    char err[1024];
    if (!kz_testdb_query(db, query, out, sizeof out, err, sizeof err))
        fail_msg("%s", err);
    return out;
}

long long kt_sql_number(const char *db, const char *query)
{
    const char *v = kt_sql(db, query);
    char *end;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end)
        fail_msg("%s: answered \"%s\", not a number", query, v);
    return n;
}

void kt_sql_exec(const char *db, const char *sql)
{
    char err[1024];
    if (!kz_testdb_exec(db, sql, err, sizeof err))
        fail_msg("%s", err);
}
