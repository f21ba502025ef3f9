/* boards - many kariz boards open at once while writers commit: each board
 * is a real `kariz` in a pseudo-terminal of its own whose screen is read
 * through libvterm; each writer is a process of its own that holds one
 * connection and commits through kz_pipe_set (what `kariz set` runs).
 * Measures, for every commit and every board, the delay from the commit
 * returning to that board's screen showing it, each board's CPU time
 * (utime + stime from /proc/PID/stat) while idle and while the writers
 * run, and the writers' commit latency (kz_pipe_set, call to return).
 *
 * usage: boards [-b BOARDS] [-W WRITERS] [-i IDLE_S] [-d WRITE_S] [-p PACE_MS]
 *               [-r ROWS] [-c COLS] [-t TIMEOUT_S] [-o DETAIL_FILE]
 *               [-s SERVER_PID] -l ID[,ID]... -- KARIZ DB
 *
 * Writer w (0-based) first renames lead ID number w to "Writer W lead",
 * before any board opens, then renames it to "zzW-S", S = 1, 2, ... its
 * commits in order; after each one returns it waits PACE_MS (0: none)
 * before the next. The leads must be on every board's first screen (kariz
 * orders a column by score and id, never by name, so a rename leaves a
 * card where it is); the driver checks that they are. A board showing
 * zzW-S has shown every commit of writer w up to S: one refresh may cover
 * several commits, and each of them counts from its own return. Times are
 * CLOCK_MONOTONIC, the same clock in every process. A commit a board shows
 * before kz_pipe_set has returned counts 0 ms ("early").
 *
 * Phases: start every board at once and wait for each one's first complete
 * screen (the texts "? help" and "Lost"); IDLE_S seconds with nothing
 * written; WRITE_S seconds of writers (a commit running at the end
 * finishes; a writer stops early after 20,000 commits); then up to TIMEOUT_S for every board to show each writer's
 * last commit. Boards still missing one then are reported, not waited for.
 *
 * Prints one line of key=value pairs (milliseconds; CPU as percent of one
 * core per second of wall time). With -s, also the CPU of a database
 * server (a PostgreSQL postmaster's pid) and of the processes it started,
 * the sessions serving the boards and writers, while idle and writing. With -o, writes one line per board.
 * Exit status 1 when a commit failed or a board never showed one. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

#include "kariz/paths.h"
#include "kariz/pipeline.h"
#include "kariz/rules.h"
#include "kariz/store.h"

#define MAX_BOARDS 256
#define MAX_WRITERS 10 /* one digit in the marker */
#define MAX_SEQ 20000 /* commits per writer; a writer stops there */

typedef struct {
    pid_t pid;
    int fd;
    VTerm *vt;
    VTermScreen *scr;
    bool dirty, up, gone;
    double first_ms, first_out; /* first complete screen; first output */
    long cpu_idle0, cpu_idle1, cpu_w0, cpu_w1; /* clock ticks */
    int seen[MAX_WRITERS];                      /* highest S shown per writer */
    double *seen_at;                            /* [w * (MAX_SEQ + 1) + S]: first shown */
    long bytes_idle;                            /* output while nothing was written */
    bool idle_phase;
} board;

typedef struct {
    long lead;
    pid_t pid;
    int to, from;      /* pipes to and from the writer's process */
    bool busy;         /* a commit asked for, its answer not yet read */
    int seq;           /* commits asked for */
    double next_start; /* when the next may start; < 0: done */
    double *ret_at;    /* [S]: when commit S returned, < 0 failed */
    double *lat;       /* [S]: its wall time */
} writer;

/* what a writer's process answers for each commit */
typedef struct {
    int seq, ok;
    double start, end; /* CLOCK_MONOTONIC, ms */
} answer;

static board boards[MAX_BOARDS];
static writer writers[MAX_WRITERS];
static int nboards = 50, nwriters = 10, rows = 50, cols = 160;
static const char *kariz, *db;
static int failures;
static int early;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void die(const char *msg)
{
    fprintf(stderr, "boards: %s: %s\n", msg, strerror(errno));
    exit(2);
}

/* utime + stime of a process in clock ticks, -1 once it is gone */
static long cpu_ticks(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p)
        return -1;
    unsigned long ut = 0, st = 0;
    /* after ")": state ppid pgrp session tty tpgid flags minflt cminflt
     * majflt cmajflt utime stime */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (long)(ut + st);
}

/* utime + stime of a server (a postmaster's pid) and its processes, the
 * sessions that serve the boards and writers among them */
static long server_ticks(pid_t server)
{
    if (server <= 0)
        return 0;
    long sum = 0;
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], buf[1024];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        char *p = strrchr(buf, ')');
        int ppid = 0;
        unsigned long ut = 0, st = 0;
        if (!p || sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ppid, &ut, &st) != 3)
            continue;
        if (ppid == server || atoi(e->d_name) == server)
            sum += (long)(ut + st);
    }
    closedir(d);
    return sum;
}

static char *screen_text(board *b)
{
    static char buf[1 << 18];
    size_t o = 0;
    for (int r = 0; r < rows; r++) {
        VTermRect rect = {r, r + 1, 0, cols};
        o += vterm_screen_get_text(b->scr, buf + o, sizeof buf - o - 2, rect);
        buf[o++] = '\n';
    }
    buf[o] = '\0';
    return buf;
}

/* Reads what a board wrote; false once its terminal is closed. */
static bool board_read(board *b)
{
    char buf[65536];
    ssize_t n = read(b->fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    if (n <= 0)
        return false;
    vterm_input_write(b->vt, buf, (size_t)n);
    char out[256];
    size_t m;
    while ((m = vterm_output_read(b->vt, out, sizeof out)) > 0)
        if (write(b->fd, out, m) < 0)
            break;
    if (b->idle_phase)
        b->bytes_idle += n;
    if (b->first_out == 0)
        b->first_out = now_ms();
    b->dirty = true;
    return true;
}

/* Looks for the writers' markers on a board's screen. */
static void board_scan(board *b, double t)
{
    char *s = screen_text(b);
    if (!b->up) {
        if (strstr(s, "? help") && strstr(s, "Lost")) {
            b->up = true;
            b->first_ms = t;
        }
        return;
    }
    for (char *p = s; (p = strstr(p, "zz")) != NULL; p += 2) {
        if (p[2] < '0' || p[2] > '9' || p[3] != '-' || p[4] < '0' || p[4] > '9')
            continue;
        int w = p[2] - '0';
        char *end;
        long seq = strtol(p + 4, &end, 10);
        if (w >= nwriters || seq < 1 || seq > writers[w].seq || seq <= b->seen[w])
            continue;
        for (long q = b->seen[w] + 1; q <= seq; q++)
            b->seen_at[w * (MAX_SEQ + 1) + q] = t;
        b->seen[w] = (int)seq;
    }
}

static void start_board(board *b)
{
    struct winsize ws = {(unsigned short)rows, (unsigned short)cols, 0, 0};
    b->vt = vterm_new(rows, cols);
    vterm_set_utf8(b->vt, 1);
    b->scr = vterm_obtain_screen(b->vt);
    vterm_screen_reset(b->scr, 1);
    b->seen_at = malloc(sizeof(double) * (size_t)nwriters * (MAX_SEQ + 1));
    if (!b->seen_at)
        die("out of memory");
    for (size_t i = 0; i < (size_t)nwriters * (MAX_SEQ + 1); i++)
        b->seen_at[i] = -1;
    b->pid = forkpty(&b->fd, NULL, NULL, &ws);
    if (b->pid < 0)
        die("forkpty");
    if (b->pid == 0) {
        setenv("TERM", "xterm-256color", 1);
        execlp(kariz, kariz, "--db", db, (char *)NULL);
        _exit(127);
    }
    fcntl(b->fd, F_SETFL, fcntl(b->fd, F_GETFL) | O_NONBLOCK);
}

/* A writer's process: opens the database once, renames its lead to
 * "Writer W lead" (so that no marker of an earlier run is on the boards),
 * says so, then for each byte it reads commits the next marker through
 * kz_pipe_set, the operation `kariz set` runs, and answers with the times
 * around it. */
static void writer_main(int idx, long lead, int in, int out)
{
    kz_store *st = NULL;
    kz_rules *rules = NULL;
    kz_err err = {0};
    if (kz_store_open(db, KZ_STORE_NOCREATE, &st, &err) != KZ_OK ||
        kz_rules_load_builtin(&rules, &err) != KZ_OK) {
        fprintf(stderr, "boards: writer %d: %s\n", idx, err.msg);
        _exit(1);
    }
    kz_session sess = {.store = st, .rules = rules, .actor = kz_current_user()};
    if (kz_store_role(st))
        sess.actor = kz_store_role(st);
    char set[64];
    const char *assign[1] = {set};
    snprintf(set, sizeof set, "name=Writer %d lead", idx);
    answer a = {0, 1, 0, 0};
    if (kz_pipe_set(&sess, lead, 0, assign, 1, &err) != KZ_OK) {
        fprintf(stderr, "boards: writer %d: lead %ld: %s\n", idx, lead, err.msg);
        a.ok = 0;
    }
    if (write(out, &a, sizeof a) != (ssize_t)sizeof a)
        _exit(1);
    char c;
    while (a.ok && read(in, &c, 1) == 1) {
        a.seq++;
        snprintf(set, sizeof set, "name=zz%d-%d", idx, a.seq);
        a.start = now_ms();
        a.ok = kz_pipe_set(&sess, lead, 0, assign, 1, &err) == KZ_OK;
        a.end = now_ms();
        if (!a.ok)
            fprintf(stderr, "boards: writer %d: commit %d: %s\n", idx, a.seq, err.msg);
        if (write(out, &a, sizeof a) != (ssize_t)sizeof a)
            break;
        a.ok = 1; /* one failed commit does not end the writer */
    }
    kz_store_close(st);
    kz_rules_free(rules);
    _exit(0);
}

static void start_writer(writer *w, int idx)
{
    int down[2], up[2];
    if (pipe2(down, O_CLOEXEC) || pipe2(up, O_CLOEXEC)) /* no board inherits them */
        die("pipe");
    w->pid = fork();
    if (w->pid < 0)
        die("fork");
    if (w->pid == 0) {
        close(down[1]);
        close(up[0]);
        for (writer *o = writers; o < w; o++) { /* the other writers end when their pipe closes */
            close(o->to);
            close(o->from);
        }
        writer_main(idx, w->lead, down[0], up[1]);
    }
    close(down[0]);
    close(up[1]);
    w->to = down[1];
    w->from = up[0];
}

static void start_commit(writer *w)
{
    if (w->seq >= MAX_SEQ) {
        w->next_start = -1;
        return;
    }
    if (write(w->to, "c", 1) != 1)
        die("writing to a writer");
    w->seq++;
    w->busy = true;
}

static void commit_done(writer *w, int pace_ms, double stop_at)
{
    answer a;
    if (read(w->from, &a, sizeof a) != (ssize_t)sizeof a) {
        fprintf(stderr, "boards: a writer ended early\n");
        exit(1);
    }
    w->busy = false;
    if (!a.ok)
        failures++;
    w->ret_at[a.seq] = a.ok ? a.end : -1;
    w->lat[a.seq] = a.end - a.start;
    w->next_start = a.end + pace_ms < stop_at ? a.end + pace_ms : -1;
}

/* One round: waits up to timeout_ms for output or a writer's exit, reads
 * it, and scans the boards that changed. */
static void pump(int timeout_ms, int pace_ms, double stop_at)
{
    struct pollfd p[MAX_BOARDS + MAX_WRITERS];
    int map[MAX_BOARDS + MAX_WRITERS];
    int n = 0;
    for (int i = 0; i < nboards; i++)
        if (!boards[i].gone) {
            p[n] = (struct pollfd){boards[i].fd, POLLIN, 0};
            map[n++] = i;
        }
    for (int i = 0; i < nwriters; i++)
        if (writers[i].busy) {
            p[n] = (struct pollfd){writers[i].from, POLLIN, 0};
            map[n++] = MAX_BOARDS + i;
        }
    int r = poll(p, (nfds_t)n, timeout_ms);
    if (r < 0 && errno != EINTR)
        die("poll");
    for (int i = 0; r > 0 && i < n; i++) {
        if (!p[i].revents)
            continue;
        if (map[i] < MAX_BOARDS) {
            if (!board_read(&boards[map[i]]))
                boards[map[i]].gone = true;
        } else {
            commit_done(&writers[map[i] - MAX_BOARDS], pace_ms, stop_at);
        }
    }
    double t = now_ms();
    for (int i = 0; i < nboards; i++)
        if (boards[i].dirty) {
            boards[i].dirty = false;
            board_scan(&boards[i], t);
        }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* the q-quantile of n sorted values (nearest rank), 0 when there are none */
static double quantile(const double *v, size_t n, double q)
{
    if (n == 0)
        return 0;
    size_t k = (size_t)(q * (double)n + 0.999999);
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    return v[k - 1];
}

int main(int argc, char **argv)
{
    pid_t server = 0;
    double idle_s = 10, write_s = 30, timeout_s = 120;
    int pace_ms = 1000;
    const char *detail = NULL, *leads = NULL;
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (i + 1 >= argc)
            break;
        if (!strcmp(argv[i], "-b")) nboards = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-W")) nwriters = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-i")) idle_s = atof(argv[++i]);
        else if (!strcmp(argv[i], "-d")) write_s = atof(argv[++i]);
        else if (!strcmp(argv[i], "-p")) pace_ms = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-r")) rows = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-c")) cols = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-t")) timeout_s = atof(argv[++i]);
        else if (!strcmp(argv[i], "-o")) detail = argv[++i];
        else if (!strcmp(argv[i], "-l")) leads = argv[++i];
        else if (!strcmp(argv[i], "-s")) server = (pid_t)atoi(argv[++i]);
        else {
            fprintf(stderr, "boards: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (i + 2 != argc - 1 || !leads || nboards < 1 || nboards > MAX_BOARDS || nwriters < 1 ||
        nwriters > MAX_WRITERS || pace_ms < 0) {
        fprintf(stderr, "usage: boards [-b BOARDS (1-%d)] [-W WRITERS (1-%d)] [-i IDLE_S] [-d WRITE_S] "
                        "[-p PACE_MS] [-r ROWS] [-c COLS] [-t TIMEOUT_S] [-o FILE] [-s SERVER_PID] -l ID[,ID]... -- KARIZ DB\n",
                MAX_BOARDS, MAX_WRITERS);
        return 2;
    }
    kariz = argv[i + 1];
    db = argv[i + 2];
    {
        char *list = strdup(leads), *save = NULL;
        int n = 0;
        for (char *tok = strtok_r(list, ",", &save); tok && n < nwriters; tok = strtok_r(NULL, ",", &save))
            writers[n++].lead = strtol(tok, NULL, 10);
        if (n < nwriters) {
            fprintf(stderr, "boards: -l names %d lead ids for %d writers\n", n, nwriters);
            return 2;
        }
        free(list);
    }
    for (int w = 0; w < nwriters; w++) {
        writers[w].next_start = -1;
        writers[w].ret_at = malloc(sizeof(double) * (MAX_SEQ + 1));
        writers[w].lat = malloc(sizeof(double) * (MAX_SEQ + 1));
        if (!writers[w].ret_at || !writers[w].lat)
            die("out of memory");
    }
    signal(SIGPIPE, SIG_IGN);
    long hz = sysconf(_SC_CLK_TCK);

    /* the writers, each with its lead renamed, before any board opens */
    for (int w = 0; w < nwriters; w++) {
        start_writer(&writers[w], w);
        answer a;
        if (read(writers[w].from, &a, sizeof a) != (ssize_t)sizeof a || !a.ok)
            return 1;
        fflush(stdout);
    }

    /* 1: every board at once, to its first complete screen */
    double t0 = now_ms();
    for (int b = 0; b < nboards; b++)
        start_board(&boards[b]);
    double deadline = t0 + timeout_s * 1000;
    for (;;) {
        int up = 0;
        for (int b = 0; b < nboards; b++)
            up += boards[b].up;
        if (up == nboards)
            break;
        if (now_ms() > deadline) {
            int late = 0;
            while (boards[late].up)
                late++;
            fprintf(stderr, "boards: %d of %d boards showed no first screen in %.0f s; board %d shows:\n%s",
                    nboards - up, nboards, timeout_s, late, screen_text(&boards[late]));
            for (int b = 0; b < nboards; b++)
                kill(boards[b].pid, SIGKILL);
            return 1;
        }
        pump(50, 0, 0);
    }
    double all_up = now_ms() - t0;
    /* every writer's lead must be on every board, or its commits cannot show */
    for (;;) {
        int missing = -1, on = -1;
        for (int b = 0; b < nboards && missing < 0; b++) {
            char *s = screen_text(&boards[b]);
            for (int w = 0; w < nwriters && missing < 0; w++) {
                char name[32];
                snprintf(name, sizeof name, "Writer %d lead", w);
                if (!strstr(s, name)) {
                    missing = w;
                    on = b;
                }
            }
        }
        if (missing < 0)
            break;
        if (now_ms() > deadline) {
            fprintf(stderr, "boards: lead %ld (writer %d) is not on board %d's first screen; it shows:\n%s",
                    writers[missing].lead, missing, on, screen_text(&boards[on]));
            for (int b = 0; b < nboards; b++)
                kill(boards[b].pid, SIGKILL);
            return 1;
        }
        pump(50, 0, 0);
    }

    /* 2: idle */
    for (int b = 0; b < nboards; b++) {
        boards[b].idle_phase = true;
        boards[b].cpu_idle0 = cpu_ticks(boards[b].pid);
    }
    long srv_i0 = server_ticks(server);
    double ti0 = now_ms(), ti_end = ti0 + idle_s * 1000;
    while (now_ms() < ti_end)
        pump((int)(ti_end - now_ms()) + 1, 0, 0);
    double ti1 = now_ms();
    long srv_i1 = server_ticks(server);
    for (int b = 0; b < nboards; b++) {
        boards[b].cpu_idle1 = cpu_ticks(boards[b].pid);
        boards[b].idle_phase = false;
    }

    /* 3: writers; the first commits spread over one pace */
    struct rusage self0, self1;
    getrusage(RUSAGE_SELF, &self0);
    long srv_w0 = server_ticks(server);
    double tw0 = now_ms(), stop_at = tw0 + write_s * 1000;
    for (int b = 0; b < nboards; b++)
        boards[b].cpu_w0 = cpu_ticks(boards[b].pid);
    for (int w = 0; w < nwriters; w++)
        writers[w].next_start = tw0 + (double)pace_ms * w / nwriters;
    for (;;) {
        double t = now_ms(), wake = t + 1000;
        bool running = false;
        for (int w = 0; w < nwriters; w++) {
            writer *wr = &writers[w];
            if (wr->busy) {
                running = true;
                continue;
            }
            if (wr->next_start < 0)
                continue;
            running = true;
            if (wr->next_start <= t)
                start_commit(wr);
            else if (wr->next_start < wake)
                wake = wr->next_start;
        }
        if (!running)
            break;
        pump((int)(wake - t) + 1, pace_ms, stop_at);
    }
    double tw1 = now_ms();
    long srv_w1 = server_ticks(server);
    for (int b = 0; b < nboards; b++)
        boards[b].cpu_w1 = cpu_ticks(boards[b].pid);
    getrusage(RUSAGE_SELF, &self1);

    /* 4: until every board shows each writer's last successful commit */
    double drain_end = tw1 + timeout_s * 1000;
    for (;;) {
        bool done = true;
        for (int b = 0; b < nboards && done; b++)
            for (int w = 0; w < nwriters && done; w++) {
                int last = writers[w].seq;
                while (last > 0 && writers[w].ret_at[last] < 0)
                    last--;
                if (last > 0 && !boards[b].gone && boards[b].seen[w] < last)
                    done = false;
            }
        if (done || now_ms() > drain_end)
            break;
        pump(100, 0, 0);
    }
    for (int b = 0; b < nboards; b++)
        kill(boards[b].pid, SIGTERM);

    /* figures */
    size_t ncommits = 0;
    for (int w = 0; w < nwriters; w++)
        ncommits += (size_t)writers[w].seq;
    double *lat = malloc(sizeof(double) * (ncommits + 1));
    double *all = malloc(sizeof(double) * (ncommits * (size_t)nboards + 1));
    double *mine = malloc(sizeof(double) * (ncommits + 1));
    if (!lat || !all || !mine)
        die("out of memory");
    size_t nlat = 0, nall = 0, missed = 0;
    for (int w = 0; w < nwriters; w++)
        for (int s = 1; s <= writers[w].seq; s++)
            lat[nlat++] = writers[w].lat[s];
    FILE *df = detail ? fopen(detail, "w") : NULL;
    if (detail && !df)
        die(detail);
    double idle_cpu[MAX_BOARDS], write_cpu[MAX_BOARDS];
    long idle_bytes = 0;
    for (int b = 0; b < nboards; b++) {
        board *bd = &boards[b];
        size_t nm = 0, miss = 0;
        for (int w = 0; w < nwriters; w++)
            for (int s = 1; s <= writers[w].seq; s++) {
                double ret = writers[w].ret_at[s];
                if (ret < 0)
                    continue;
                double seen = bd->seen_at[w * (MAX_SEQ + 1) + s];
                if (seen < 0) {
                    miss++;
                    continue;
                }
                double d = seen - ret;
                if (d < 0) {
                    early++;
                    d = 0;
                }
                mine[nm++] = d;
                all[nall++] = d;
            }
        missed += miss;
        qsort(mine, nm, sizeof *mine, cmp_double);
        idle_cpu[b] = 100.0 * (double)(bd->cpu_idle1 - bd->cpu_idle0) / (double)hz / ((ti1 - ti0) / 1000);
        write_cpu[b] = 100.0 * (double)(bd->cpu_w1 - bd->cpu_w0) / (double)hz / ((tw1 - tw0) / 1000);
        idle_bytes += bd->bytes_idle;
        if (df)
            fprintf(df, "board=%d pid=%d first_out_ms=%.1f first_ms=%.1f idle_cpu_pct=%.2f write_cpu_pct=%.2f delay_p50=%.1f "
                        "delay_p95=%.1f delay_max=%.1f missed=%zu idle_bytes=%ld\n",
                    b, (int)bd->pid, bd->first_out - t0, bd->first_ms - t0, idle_cpu[b], write_cpu[b], quantile(mine, nm, 0.5),
                    quantile(mine, nm, 0.95), nm ? mine[nm - 1] : 0, miss, bd->bytes_idle);
    }
    if (df)
        fclose(df);
    qsort(lat, nlat, sizeof *lat, cmp_double);
    qsort(all, nall, sizeof *all, cmp_double);
    qsort(idle_cpu, (size_t)nboards, sizeof(double), cmp_double);
    qsort(write_cpu, (size_t)nboards, sizeof(double), cmp_double);
    double firsts[MAX_BOARDS];
    for (int b = 0; b < nboards; b++)
        firsts[b] = boards[b].first_ms - t0;
    qsort(firsts, (size_t)nboards, sizeof(double), cmp_double);
    double idle_sum = 0, write_sum = 0;
    for (int b = 0; b < nboards; b++) {
        idle_sum += idle_cpu[b];
        write_sum += write_cpu[b];
    }
    double self_cpu = (double)(self1.ru_utime.tv_sec - self0.ru_utime.tv_sec + self1.ru_stime.tv_sec -
                               self0.ru_stime.tv_sec) +
                      (double)(self1.ru_utime.tv_usec - self0.ru_utime.tv_usec + self1.ru_stime.tv_usec -
                               self0.ru_stime.tv_usec) / 1e6;
    printf("boards=%d writers=%d pace_ms=%d first_p50=%.1f first_max=%.1f all_up_ms=%.1f idle_s=%.1f "
           "idle_cpu_p50=%.2f idle_cpu_max=%.2f idle_cpu_sum=%.2f idle_bytes=%ld write_s=%.1f commits=%zu "
           "failed=%d commits_per_s=%.2f commit_p50=%.1f commit_p95=%.1f commit_max=%.1f "
           "delay_p50=%.1f delay_p95=%.1f delay_max=%.1f shown=%zu missed=%zu early=%d "
           "write_cpu_p50=%.2f write_cpu_max=%.2f write_cpu_sum=%.2f driver_cpu_pct=%.2f "
           "server_idle_cpu_pct=%.2f server_write_cpu_pct=%.2f\n",
           nboards, nwriters, pace_ms, quantile(firsts, (size_t)nboards, 0.5), firsts[nboards - 1], all_up,
           (ti1 - ti0) / 1000, quantile(idle_cpu, (size_t)nboards, 0.5), idle_cpu[nboards - 1], idle_sum,
           idle_bytes, (tw1 - tw0) / 1000, ncommits, failures, (double)(ncommits - (size_t)failures) / ((tw1 - tw0) / 1000),
           quantile(lat, nlat, 0.5), quantile(lat, nlat, 0.95), nlat ? lat[nlat - 1] : 0,
           quantile(all, nall, 0.5), quantile(all, nall, 0.95), nall ? all[nall - 1] : 0, nall, missed, early,
           quantile(write_cpu, (size_t)nboards, 0.5), write_cpu[nboards - 1], write_sum,
           100 * self_cpu / ((tw1 - tw0) / 1000),
           100.0 * (double)(srv_i1 - srv_i0) / (double)hz / ((ti1 - ti0) / 1000),
           100.0 * (double)(srv_w1 - srv_w0) / (double)hz / ((tw1 - tw0) / 1000));

    for (int w = 0; w < nwriters; w++) {
        close(writers[w].to); /* the writer ends */
        waitpid(writers[w].pid, NULL, 0);
    }
    /* the boards end on SIGTERM; a board still up after 10 s is killed */
    double kill_at = now_ms() + 10000;
    int left = nboards;
    while (left > 0) {
        left = 0;
        for (int b = 0; b < nboards; b++) {
            if (!boards[b].pid)
                continue;
            if (waitpid(boards[b].pid, NULL, WNOHANG) == boards[b].pid) {
                boards[b].pid = 0;
                continue;
            }
            left++;
            if (now_ms() > kill_at)
                kill(boards[b].pid, SIGKILL);
        }
        if (left)
            pump(50, 0, 0);
    }
    return failures || missed ? 1 : 0;
}
