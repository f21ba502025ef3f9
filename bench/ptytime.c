/* ptytime - runs a full-screen program in a pseudo-terminal, reads its
 * screen through libvterm, and measures how long it takes until the screen
 * shows given texts, optionally after sending keys. Prints one line of
 * key=value pairs (milliseconds, peak RSS in KiB).
 *
 * usage: ptytime [-r ROWS] [-c COLS] [-t TIMEOUT_S]
 *                -w TEXT [-w TEXT]...           first screen containing every TEXT
 *                [-k KEYS -e TEXT]...           then: send KEYS, wait for TEXT (repeatable;
 *                                               TEXT @changed: any visible change)
 *                [-q KEYS]                      keys that quit the program at the end
 *                -- COMMAND [ARGS]
 * KEYS take C escapes: \n \r \e \t \xHH. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

static int rows = 40, cols = 160;
static VTerm *vt;
static VTermScreen *screen;
static int master = -1;
static pid_t child;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static char *screen_text(void)
{
    static char buf[1 << 20];
    size_t o = 0;
    for (int r = 0; r < rows; r++) {
        VTermRect rect = {r, r + 1, 0, cols};
        o += vterm_screen_get_text(screen, buf + o, sizeof buf - o - 2, rect);
        buf[o++] = '\n';
    }
    buf[o] = '\0';
    return buf;
}

/* A hash of every cell's text and look: tells any visible change, even one
 * that only moves a highlight. */
static unsigned long screen_hash(void)
{
    unsigned long h = 5381;
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            VTermScreenCell cell;
            VTermPos pos = {r, c};
            if (!vterm_screen_get_cell(screen, pos, &cell))
                continue;
            h = h * 33 + cell.chars[0];
            h = h * 33 + (unsigned long)(cell.attrs.reverse | cell.attrs.bold << 1 |
                                         cell.attrs.underline << 2);
            h = h * 33 + (VTERM_COLOR_IS_INDEXED(&cell.bg) ? cell.bg.indexed.idx
                                                            : cell.bg.rgb.red ^ cell.bg.rgb.blue);
            h = h * 33 + (VTERM_COLOR_IS_INDEXED(&cell.fg) ? cell.fg.indexed.idx
                                                            : cell.fg.rgb.green);
        }
    return h;
}

static int pump(int timeout_ms)
{
    struct pollfd p = {master, POLLIN, 0};
    int r = poll(&p, 1, timeout_ms);
    if (r <= 0)
        return r;
    char buf[65536];
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0)
        return -1;
    vterm_input_write(vt, buf, (size_t)n);
    /* answer terminal queries the program may send */
    char out[256];
    size_t m;
    while ((m = vterm_output_read(vt, out, sizeof out)) > 0)
        if (write(master, out, m) < 0)
            break;
    return 1;
}

static int wait_changed(unsigned long before, double deadline)
{
    for (;;) {
        if (screen_hash() != before)
            return 0;
        double left = deadline - now_ms();
        if (left <= 0)
            return -1;
        pump((int)(left < 50 ? left : 50));
    }
}

static int wait_all(char **texts, int n, double deadline)
{
    for (;;) {
        char *s = screen_text();
        int ok = 1;
        for (int i = 0; i < n; i++)
            if (!strstr(s, texts[i]))
                ok = 0;
        if (ok)
            return 0;
        double left = deadline - now_ms();
        if (left <= 0)
            return -1;
        if (pump((int)(left < 50 ? left : 50)) < 0 && now_ms() >= deadline)
            return -1;
    }
}

static size_t unescape(const char *in, char *out)
{
    size_t o = 0;
    for (; *in; in++) {
        if (*in != '\\') {
            out[o++] = *in;
            continue;
        }
        in++;
        switch (*in) {
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 'e': out[o++] = 27; break;
        case 't': out[o++] = '\t'; break;
        case 'x': {
            char h[3] = {in[1], in[2], 0};
            out[o++] = (char)strtol(h, NULL, 16);
            in += 2;
            break;
        }
        case '\0': in--; break;
        default: out[o++] = *in; break;
        }
    }
    return o;
}

int main(int argc, char **argv)
{
    char *waits[32];
    int nwaits = 0;
    char *keys[64], *expects[64];
    int nsteps = 0;
    char *quit = NULL;
    double timeout_s = 120;
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (!strcmp(argv[i], "-r")) rows = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-c")) cols = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-t")) timeout_s = atof(argv[++i]);
        else if (!strcmp(argv[i], "-w")) waits[nwaits++] = argv[++i];
        else if (!strcmp(argv[i], "-k")) keys[nsteps] = argv[++i];
        else if (!strcmp(argv[i], "-e")) expects[nsteps++] = argv[++i];
        else if (!strcmp(argv[i], "-q")) quit = argv[++i];
        else {
            fprintf(stderr, "ptytime: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (i >= argc - 1 || nwaits == 0) {
        fprintf(stderr, "usage: ptytime [-r R] [-c C] [-t S] -w TEXT... [-k KEYS -e TEXT]... [-q KEYS] -- CMD...\n");
        return 2;
    }
    vt = vterm_new(rows, cols);
    vterm_set_utf8(vt, 1);
    screen = vterm_obtain_screen(vt);
    vterm_screen_reset(screen, 1);
    struct winsize ws = {(unsigned short)rows, (unsigned short)cols, 0, 0};
    double t0 = now_ms();
    child = forkpty(&master, NULL, NULL, &ws);
    if (child == 0) {
        setenv("TERM", "xterm-256color", 1);
        execvp(argv[i + 1], argv + i + 1);
        _exit(127);
    }
    double deadline = t0 + timeout_s * 1000;
    int rc = 0;
    if (wait_all(waits, nwaits, deadline) != 0) {
        fprintf(stderr, "ptytime: timed out waiting for the first screen; it shows:\n%s", screen_text());
        rc = 1;
    }
    double first = now_ms() - t0;
    printf("first_ms=%.1f", first);
    for (int s = 0; s < nsteps && rc == 0; s++) {
        char k[256];
        size_t n = unescape(keys[s], k);
        /* let the previous step's output settle before timing this one */
        while (pump(20) > 0) {
        }
        unsigned long before = screen_hash();
        double t1 = now_ms();
        if (write(master, k, n) < 0)
            rc = 1;
        char *e[1] = {expects[s]};
        int w = strcmp(expects[s], "@changed") == 0 ? wait_changed(before, t1 + timeout_s * 1000)
                                                    : wait_all(e, 1, t1 + timeout_s * 1000);
        if (w != 0) {
            fprintf(stderr, "ptytime: timed out after keys %s waiting for %s; screen:\n%s", keys[s],
                    expects[s], screen_text());
            rc = 1;
        }
        printf(" step%d_ms=%.2f", s + 1, now_ms() - t1);
    }
    if (quit) {
        char k[64];
        size_t n = unescape(quit, k);
        if (write(master, k, n) < 0) {
        }
    } else {
        kill(child, SIGTERM);
    }
    /* drain until the child exits */
    struct rusage ru;
    int status;
    for (;;) {
        pid_t r = wait4(child, &status, WNOHANG, &ru);
        if (r == child)
            break;
        if (pump(50) < 0) {
            wait4(child, &status, 0, &ru);
            break;
        }
        if (now_ms() > deadline + 5000) {
            kill(child, SIGKILL);
            wait4(child, &status, 0, &ru);
            break;
        }
    }
    printf(" maxrss_kb=%ld\n", ru.ru_maxrss);
    vterm_free(vt);
    return rc;
}
