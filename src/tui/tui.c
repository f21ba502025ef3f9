/* tui.c - the board's terminal layer: start-up and restore, signals, the
 * theme, the layout (title, view area, status, hints), resizing and the
 * event loop that turns keys into actions for the top view. */
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "kariz/dates.h"
#include "kariz/i18n.h"
#include "kariz/hooks.h"
#include "kariz/i18n.h"
#include "kariz/labels.h"
#include "kariz/paths.h"
#include "kariz/pipeline.h"
#include "kariz/prefs.h"
#include "kariz/store.h"
#include "kariz/text.h"
#include "kariz/tui.h"
#include "tui/tui_int.h"

extern const char kz_embedded_keys[];
extern const size_t kz_embedded_keys_len;

/* ---- fatal signals: the handler only records; the loop restores ---- */

static volatile sig_atomic_t fatal_signal;
static bool curses_active;
/* The terminal went away (hung up, closed) without a signal saying so. */
static bool terminal_lost;

/* Whether the board's terminal is gone: the tty hung up (its master side
 * closed, the SSH connection dropped) or input reached end of file. A read
 * that keeps failing would otherwise spin, since curses reports it only as
 * "no key". A process that ignores or never receives SIGHUP needs this. */
static bool terminal_gone(void)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    if (poll(&p, 1, 0) < 0)
        return false;
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
        return true;
    if (p.revents & POLLIN) { /* readable with nothing to read: end of file */
        int avail = 0;
        return ioctl(STDIN_FILENO, FIONREAD, &avail) == 0 && avail == 0;
    }
    return false;
}

static void on_fatal_signal(int sig)
{
    fatal_signal = sig;
}

static void install_signals(struct sigaction *saved)
{
    static const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocked read returns so the loop notices */
    for (int i = 0; i < 3; i++)
        sigaction(sigs[i], &sa, &saved[i]);
}

static void restore_signals(const struct sigaction *saved)
{
    static const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
    for (int i = 0; i < 3; i++)
        sigaction(sigs[i], &saved[i], NULL);
}

/* Crash signals (a fault, or abort()) cannot run endwin; the handler only
 * writes bytes prepared in advance and restores the saved terminal modes,
 * both async-signal-safe, then lets the signal take its normal course. */
#define NCRASH 4
static const int crash_sigs[NCRASH] = {SIGSEGV, SIGBUS, SIGFPE, SIGABRT};
static struct sigaction crash_saved[NCRASH];
static struct termios crash_tio;
static bool crash_have_tio;
static char crash_reset[128]; /* leave the alternate screen, show the cursor */
static size_t crash_reset_len;

static void on_crash_signal(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    if (curses_active) {
        if (crash_reset_len)
            (void)!write(STDOUT_FILENO, crash_reset, crash_reset_len);
        if (crash_have_tio)
            tcsetattr(STDIN_FILENO, TCSANOW, &crash_tio);
    }
    for (int i = 0; i < NCRASH; i++)
        if (crash_sigs[i] == sig)
            sigaction(sig, &crash_saved[i], NULL);
    /* sent (kill, abort): deliver again to the previous action; a real fault
     * re-executes the faulting instruction on return and reaches it too */
    if (info->si_code <= 0)
        raise(sig);
}

static void install_crash_handlers(const struct termios *tio)
{
    crash_tio = *tio;
    crash_have_tio = true;
    crash_reset_len = 0;
    const char *caps[3] = {"rmcup", "cnorm", NULL};
    for (int i = 0; i < 3; i++) {
        const char *seq = caps[i] ? tigetstr((char *)caps[i]) : "\033[?2004l"; /* paste off */
        if (seq && seq != (const char *)-1) {
            size_t n = strlen(seq);
            if (crash_reset_len + n < sizeof crash_reset) {
                memcpy(crash_reset + crash_reset_len, seq, n);
                crash_reset_len += n;
            }
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_crash_signal;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < NCRASH; i++)
        sigaction(crash_sigs[i], &sa, &crash_saved[i]);
}

static void remove_crash_handlers(void)
{
    for (int i = 0; i < NCRASH; i++)
        sigaction(crash_sigs[i], &crash_saved[i], NULL);
}

/* The codes curses gives the bracketed paste's start and end markers. */
#define KZ_CURSES_PASTE_BEGIN (KEY_MAX + 1)
#define KZ_CURSES_PASTE_END (KEY_MAX + 2)
#define KZ_PASTE_MAX (KZ_PASTE_KIB * 1024)

/* Ctrl-Z: curses' own handler gives the shell its terminal back and takes
 * it again on fg, but knows nothing of bracketed paste, which the shell may
 * turn off meanwhile (bash does before each command): the mode is turned
 * off for the shell and on again on the way back. Curses puts its handler
 * back after each stop, so this one is put back after it. */
static struct sigaction tstp_saved, tstp_ours;
static bool tstp_installed;

static void on_tstp(int sig)
{
    static const char off[] = "\033[?2004l", on[] = "\033[?2004h";
    (void)!write(STDOUT_FILENO, off, sizeof off - 1);
    if (!(tstp_saved.sa_flags & SA_SIGINFO) && tstp_saved.sa_handler != SIG_DFL &&
        tstp_saved.sa_handler != SIG_IGN) {
        tstp_saved.sa_handler(sig); /* returns once the shell's fg resumed us */
        sigaction(SIGTSTP, &tstp_ours, NULL);
    } else {
        kill(getpid(), SIGSTOP); /* (no handler of curses': stop as SIGTSTP would) */
    }
    (void)!write(STDOUT_FILENO, on, sizeof on - 1);
}

static void install_tstp(void)
{
    memset(&tstp_ours, 0, sizeof tstp_ours);
    tstp_ours.sa_handler = on_tstp;
    sigemptyset(&tstp_ours.sa_mask);
    tstp_ours.sa_flags = SA_RESTART;
    tstp_installed = sigaction(SIGTSTP, &tstp_ours, &tstp_saved) == 0;
}

static void remove_tstp(void)
{
    if (tstp_installed)
        sigaction(SIGTSTP, &tstp_saved, NULL);
    tstp_installed = false;
}

void kz_tui_paste_mode(bool on)
{
    /* (a terminal without it ignores the private mode) */
    fputs(on ? "\033[?2004h" : "\033[?2004l", stdout);
    fflush(stdout);
}

static void restore_terminal(void)
{
    if (curses_active) {
        remove_tstp();
        kz_tui_paste_mode(false);
        curs_set(1);
        endwin();
        curses_active = false;
    }
}

/* ---- theme ---- */

static const unsigned role_mono[] = {
#define KZ_X_MONO(e, n, m) m,
    KZ_TUI_ROLES(KZ_X_MONO)
#undef KZ_X_MONO
};

static attr_t to_curses_attrs(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & KZ_ATTR_BOLD)
        r |= A_BOLD;
    if (a & KZ_ATTR_DIM)
        r |= A_DIM;
    if (a & KZ_ATTR_UNDERLINE)
        r |= A_UNDERLINE;
    if (a & KZ_ATTR_REVERSE)
        r |= A_REVERSE;
    if (a & KZ_ATTR_BLINK)
        r |= A_BLINK;
    if (a & KZ_ATTR_STANDOUT)
        r |= A_STANDOUT;
    return r;
}

static void theme_apply(kz_tui *t)
{
    const char *nc = getenv("NO_COLOR");
    t->color = has_colors() && !(nc && *nc);
    if (!t->color)
        return;
    start_color();
    bool defaults = use_default_colors() == OK;
    for (int i = 0; i < KZ_ROLE__COUNT; i++) {
        kz_style *st = &t->theme.role[i];
        int fg = st->fg, bg = st->bg;
        if (fg >= COLORS)
            fg = fg % 8;
        if (bg >= COLORS)
            bg = bg % 8;
        if (!defaults) {
            if (fg < 0)
                fg = COLOR_WHITE;
            if (bg < 0)
                bg = COLOR_BLACK;
        }
        if (i + 1 < COLOR_PAIRS)
            init_pair((short)(i + 1), (short)fg, (short)bg);
    }
}

unsigned kz_role_attr(const kz_tui *t, kz_role r)
{
    if (r >= KZ_ROLE__COUNT)
        r = KZ_ROLE_DEFAULT;
    const kz_style *st = &t->theme.role[r];
    if (!t->color) /* attributes only: the role's own plus what the config gave */
        return (unsigned)to_curses_attrs(role_mono[r] | (st->set ? st->attrs : 0));
    attr_t a = to_curses_attrs(st->attrs);
    if (st->fg != KZ_COLOR_DEFAULT || st->bg != KZ_COLOR_DEFAULT)
        a |= COLOR_PAIR(r + 1);
    else if (!st->set)
        a |= to_curses_attrs(role_mono[r]);
    return (unsigned)a;
}

/* ---- drawing ---- */

/* How right-to-left text is drawn in this session: bidi (kariz: reordered
 * and shaped here, kz_text_visual; terminal: written in logical order for
 * the terminal to lay out), from the settings, switched by toggle-bidi;
 * and the span of a view drawn right to left (direction rtl), mirrored
 * while the view draws. */
static bool draw_visual;
static bool mirror_on;
static int mirror_x0, mirror_w;

int kz_mirror_x(int x, int w)
{
    return mirror_on ? mirror_x0 + mirror_w - (x - mirror_x0) - w : x;
}

int kz_draw_text_attr(int y, int x, int w, const char *s, unsigned attr, bool pad)
{
    if (w <= 0)
        return 0;
    kz_buf b = KZ_BUF_INIT; /* owned: the sanitised, fitted text */
    int used = draw_visual ? kz_text_visual(&b, s ? s : "", w, true)
                           : kz_text_fit(&b, s ? s : "", w, true, false);
    attrset((attr_t)attr);
    if (mirror_on) {
        /* the cell mirrored, its text at the cell's right edge; the spaces
         * around the text change sides too, so "  lead 41" drawn after a
         * name keeps its gap towards the name, now on its right */
        int mx = kz_mirror_x(x, w);
        if (pad)
            for (int i = 0; i < w - used; i++)
                mvaddch(y, mx + i, ' ');
        const char *bs = kz_buf_str(&b);
        size_t lead = 0, trail = 0;
        while (lead < b.len && bs[lead] == ' ')
            lead++;
        while (trail < b.len - lead && bs[b.len - 1 - trail] == ' ')
            trail++;
        kz_buf m = KZ_BUF_INIT; /* owned */
        for (size_t i = 0; i < trail; i++)
            kz_buf_putc(&m, ' ');
        kz_buf_append(&m, bs + lead, b.len - lead - trail);
        for (size_t i = 0; i < lead; i++)
            kz_buf_putc(&m, ' ');
        mvaddstr(y, mx + w - used, kz_buf_str(&m));
        kz_buf_free(&m);
    } else {
        for (int i = used; pad && i < w; i++)
            kz_buf_putc(&b, ' ');
        mvaddstr(y, x, kz_buf_str(&b));
    }
    attrset(A_NORMAL);
    kz_buf_free(&b);
    return pad ? w : used;
}

int kz_draw_text(kz_tui *t, int y, int x, int w, const char *s, kz_role role, bool pad)
{
    return kz_draw_text_attr(y, x, w, s, kz_role_attr(t, role), pad);
}

void kz_fill(int y, int x, int w, unsigned attr)
{
    x = kz_mirror_x(x, w);
    attrset((attr_t)attr);
    for (int i = 0; i < w; i++)
        mvaddch(y, x + i, ' ');
    attrset(A_NORMAL);
}

kz_rect kz_tui_area(const kz_tui *t)
{
    kz_rect r = {1, 0, t->rows - 3, t->cols};
    if (r.h < 0)
        r.h = 0;
    return r;
}

static void vmessage(kz_tui *t, bool error, const char *fmt, va_list ap)
{
    kz_buf_reset(&t->status);
    kz_buf_vprintf(&t->status, fmt, ap);
    t->status_error = error;
    t->said++;
}

void kz_tui_message(kz_tui *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(t, false, fmt, ap);
    va_end(ap);
}

void kz_tui_error(kz_tui *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(t, true, fmt, ap);
    va_end(ap);
}

static const char *sort_name(int sort)
{
    switch (sort) {
    case KZ_SORT_SCORE: return _("score");
    case KZ_SORT_VALUE: return _("value");
    case KZ_SORT_AGE: return _("age");
    case KZ_SORT_DUE: return _("due date");
    case KZ_SORT_NAME: return _("name");
    default: return _("number");
    }
}

static void draw_title(kz_tui *t)
{
    unsigned attr = kz_role_attr(t, KZ_ROLE_TITLE);
    kz_fill(0, 0, t->cols, attr);
    kz_buf b = KZ_BUF_INIT; /* owned */
    kz_view *top = t->stack[t->depth - 1];
    const char *title = top->ops->title_text ? top->ops->title_text(top) : NULL;
    kz_buf_printf(&b, " kariz  %s", title ? title : _(top->ops->title));
    static const kz_filter none; /* no filters */
    bool board = top->ops->keymap == KZ_KM_BOARD; /* filters describe the board */
    const kz_filter *f = board ? &t->filter : &none;
    /* TRANSLATORS: the filters and the sort named on the title line */
    /* (a search holding a quoted phrase is shown as typed: quoting it
     * again would show ""a b"") */
    if (f->search[0] && strchr(f->search, '"'))
        kz_buf_printf(&b, _("  search:%s"), f->search);
    else if (f->search[0])
        kz_buf_printf(&b, _("  search:\"%s\""), f->search);
    if (f->mine)
        kz_buf_puts(&b, _("  mine"));
    if (f->owner[0])
        kz_buf_printf(&b, _("  owner:%s"), f->owner);
    if (f->grade[0])
        kz_buf_printf(&b, _("  grade:%s"), f->grade);
    if (f->overdue)
        kz_buf_puts(&b, _("  overdue"));
    if (f->stale)
        kz_buf_puts(&b, _("  stale"));
    if (board)
        kz_buf_printf(&b, _("  sort:%s"), sort_name(f->sort));
    int x = 0;
    if (t->opts->readonly) {
        const char *ro = _(" READ-ONLY ");
        x = kz_draw_text(t, 0, 0, t->cols, ro, KZ_ROLE_BANNER, false);
    }
    kz_draw_text_attr(0, x, t->cols - x, kz_buf_str(&b), attr, false);
    kz_buf_free(&b);
}

static void draw_too_small(kz_tui *t)
{
    /* the longest wording that fits the width, so the needed size shows
     * even in a terminal ten columns wide */
    char forms[5][160];
    snprintf(forms[0], sizeof forms[0], _("terminal too small (%dx%d): kariz needs at least %dx%d"),
             t->cols, t->rows, KZ_TUI_MIN_COLS, KZ_TUI_MIN_ROWS);
    snprintf(forms[1], sizeof forms[1], _("terminal too small: needs %dx%d"), KZ_TUI_MIN_COLS,
             KZ_TUI_MIN_ROWS);
    snprintf(forms[2], sizeof forms[2], _("too small: needs %dx%d"), KZ_TUI_MIN_COLS,
             KZ_TUI_MIN_ROWS);
    snprintf(forms[3], sizeof forms[3], _("need %dx%d"), KZ_TUI_MIN_COLS, KZ_TUI_MIN_ROWS);
    snprintf(forms[4], sizeof forms[4], "%dx%d", KZ_TUI_MIN_COLS, KZ_TUI_MIN_ROWS);
    for (int i = 0; i < 5; i++)
        kz_digits_show(forms[i], sizeof forms[i]);
    const char *line = forms[4];
    for (int i = 0; i < 5; i++)
        if (kz_text_width(forms[i]) <= t->cols) {
            line = forms[i];
            break;
        }
    int y = t->rows / 2;
    int w = kz_text_width(line);
    int x = w < t->cols ? (t->cols - w) / 2 : 0;
    kz_draw_text(t, y > 0 ? y - 1 : 0, x, t->cols - x, line, KZ_ROLE_ERROR, false);
    if (y + 1 < t->rows)
    {
        /* a prompt open behind takes the keys typed: q is text there */
        const char *how = t->overlay ? _("enlarge the window: a prompt is open (Esc cancels it)")
                                     : _("enlarge the window, or press q to quit");
        const char *brief = t->overlay ? _("Esc cancels") : _("q quits");
        kz_draw_text(t, y + 1, 0, t->cols, kz_text_width(how) <= t->cols ? how : brief,
                     KZ_ROLE_DEFAULT, false);
    }
}

/* The hint line of a view, from the keys bound now. */
static void draw_hints(kz_tui *t, const kz_view *v)
{
    kz_buf line = KZ_BUF_INIT, keys = KZ_BUF_INIT; /* owned */
    int x = 0; /* bidi: kariz: the next hint's column */
    for (const kz_hint *h = v->ops->hints; h && h->action != KZ_ACT_NONE; h++) {
        kz_buf_reset(&keys);
        if (kz_keymap_keys_for(&t->km, v->ops->keymap, h->action, &keys) == 0)
            continue;
        /* the first key, without the <> of named keys */
        const char *k = kz_buf_str(&keys);
        size_t n = strcspn(k, " ");
        if (n > 2 && k[0] == '<' && k[n - 1] == '>') {
            k++;
            n -= 2;
        }
        if (!draw_visual) {
            kz_buf_printf(&line, "%s%.*s %s", line.len ? "  " : "", (int)n, k, _(h->label));
            continue;
        }
        /* kariz lays the text out: the key is drawn as a field of its own,
         * never mirrored ("<" stays the key that is pressed), beside its
         * label: at the label's right when the label reads right to left */
        if (x == 0)
            kz_fill(t->rows - 1, 0, t->cols, kz_role_attr(t, KZ_ROLE_HINT));
        char key[32];
        snprintf(key, sizeof key, "%.*s", (int)(n < sizeof key ? n : sizeof key - 1), k);
        const char *label = _(h->label);
        kz_buf vis = KZ_BUF_INIT, plain = KZ_BUF_INIT; /* owned */
        kz_text_visual(&vis, label, t->cols, false);
        kz_text_fit(&plain, label, t->cols, false, false);
        bool rtl_label = strcmp(kz_buf_str(&vis), kz_buf_str(&plain)) != 0;
        kz_buf_free(&vis);
        kz_buf_free(&plain);
        int kw = kz_text_width(key), lw = kz_text_width(label);
        if (x > 0)
            x += 2;
        if (x + kw + 1 + lw > t->cols)
            break;
        unsigned attr = kz_role_attr(t, KZ_ROLE_HINT);
        kz_draw_text_attr(t->rows - 1, rtl_label ? x + lw + 1 : x, kw, key, attr, false);
        kz_draw_text_attr(t->rows - 1, rtl_label ? x : x + kw + 1, lw, label, attr, false);
        x += kw + 1 + lw;
    }
    if (!draw_visual)
        kz_draw_text(t, t->rows - 1, 0, t->cols, kz_buf_str(&line), KZ_ROLE_HINT, true);
    else if (x == 0)
        kz_fill(t->rows - 1, 0, t->cols, kz_role_attr(t, KZ_ROLE_HINT));
    kz_buf_free(&line);
    kz_buf_free(&keys);
}

void kz_tui_repaint(kz_tui *t)
{
    erase();
    if (t->too_small) {
        draw_too_small(t);
        refresh();
        return;
    }
    draw_title(t);
    kz_view *top = t->stack[t->depth - 1];
    kz_rect area = kz_tui_area(t);
    /* right to left: the view's layout mirrored (the first stage's column
     * on the right, labels on the right, text at the right of its cell) */
    mirror_on = t->rtl && top->ops->mirrors;
    mirror_x0 = area.x;
    mirror_w = area.w;
    top->ops->draw(top, t, area);
    mirror_on = false;
    kz_draw_text(t, t->rows - 2, 0, t->cols, kz_buf_str(&t->status),
                 t->status_error ? KZ_ROLE_ERROR : KZ_ROLE_STATUS, true);
    draw_hints(t, top);
    if (t->overlay)
        t->overlay(t, t->overlay_ud);
    else
        curs_set(0);
    refresh();
}

/* ---- other people: presence, own changes, notices ---- */

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long mono_seconds(void)
{
    return mono_ms() / 1000;
}

/* One presence query per refresh: who else has which lead open
 * (kz_presence_list_others). At most one a second (on PostgreSQL the
 * query reads the server's lock table, which fifty boards reloading five
 * times a second would read 250 times): a refresh sooner is put off to
 * the next tick. True when the marks changed. */
static bool presence_refresh(kz_tui *t)
{
    long long now = mono_ms();
    if (t->present_ms && now - t->present_ms < 900 && now >= t->present_ms) {
        t->present_due = true;
        return false;
    }
    t->present_ms = now;
    t->present_due = false;
    kz_presence rows[256];
    size_t n = 0;
    kz_err err;
    kz_presence_mark *was = t->present; /* owned */
    size_t nwas = t->npresent;
    t->present = NULL;
    t->npresent = 0;
    if (kz_presence_list_others(t->s, rows, sizeof rows / sizeof rows[0], &n, &err) != KZ_OK)
        n = 0;
    t->present = kz_xcalloc(n ? n : 1, sizeof *t->present); /* owned by t */
    for (size_t i = 0; i < n; i++) {
        const kz_presence *p = &rows[i];
        kz_presence_mark *m = &t->present[t->npresent++];
        m->lead_id = p->lead_id;
        _Static_assert(sizeof m->actor == sizeof p->actor, "actor arrays differ");
        memcpy(m->actor, p->actor, sizeof m->actor);
        m->actor[sizeof m->actor - 1] = '\0';
    }
    bool changed = nwas != t->npresent;
    for (size_t i = 0; i < t->npresent && !changed; i++)
        changed = was[i].lead_id != t->present[i].lead_id ||
                  strcmp(was[i].actor, t->present[i].actor) != 0;
    free(was);
    return changed;
}

/* Once a tick: a refresh put off, and while others are shown, whether one
 * of them went without a word (a board killed, on this host or, on
 * PostgreSQL, anywhere; its heartbeat gone stale), which no one's commit
 * would tell; their arrivals are commits, and reload the board. True when
 * the marks changed. */
static bool presence_recheck(kz_tui *t)
{
    if ((t->npresent == 0 && !t->present_due) || t->too_small || !kz_tui_reachable(t))
        return false;
    return presence_refresh(t);
}

size_t kz_tui_present(const kz_tui *t, int64_t lead_id, const char **names, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < t->npresent && n < cap; i++) {
        const kz_presence_mark *m = &t->present[i];
        if (m->lead_id != lead_id)
            continue;
        bool dup = false;
        for (size_t j = 0; j < n; j++)
            dup |= strcmp(names[j], m->actor) == 0;
        if (!dup)
            names[n++] = m->actor;
    }
    return n;
}

/* The lead this board has open in a detail or triage view, the uppermost
 * one when another view (help) covers it (0: none). */
static int64_t open_lead(const kz_tui *t)
{
    for (int i = t->depth - 1; i >= 0; i--) {
        kz_view *v = t->stack[i];
        int64_t id = 0, version = 0;
        if ((v->ops->keymap == KZ_KM_DETAIL || v->ops->keymap == KZ_KM_TRIAGE) &&
            v->ops->current &&
            v->ops->current(v, &id, &version))
            return id;
    }
    return 0;
}

/* Announces this board when the open lead changed or the heartbeat is due
 * (at most every KZ_PRESENCE_BEAT seconds); a read-only board cannot. */
static void presence_tick(kz_tui *t)
{
    if (t->opts->readonly || t->depth == 0)
        return;
    int64_t lead = open_lead(t);
    long long now = mono_seconds();
    /* a failed announcement (the database locked) waits for the next beat
     * too, so a long-held lock does not stall the board every second */
    if (t->presence_beat && lead == t->presence_lead && now - t->presence_beat < KZ_PRESENCE_BEAT)
        return;
    kz_err err;
    kz_presence_announce(t->s, lead, &err); /* a failure waits for the next beat */
    t->presence_lead = lead;
    t->presence_beat = now;
}

int64_t kz_tui_own_begin(kz_tui *t)
{
    int64_t id = 0;
    kz_err err;
    if (kz_store_last_event_id(t->s->store, &id, &err) != KZ_OK)
        id = -1;
    return id;
}

/* Whether the events in (lo, hi] are all this board's actor's: another
 * process may commit between a save and the look at the newest id after
 * it, and its events are announced, never skipped with the save's. */
static bool only_own(kz_tui *t, int64_t lo, int64_t hi)
{
    kz_event_list ev = {0}; /* owned */
    kz_err err;
    bool own = false;
    if (hi - lo <= 500 && kz_store_events_after(t->s->store, lo, 500, &ev, &err) == KZ_OK) {
        own = true;
        for (size_t i = 0; i < ev.n && ev.v[i].id <= hi; i++)
            own &= strcmp(ev.v[i].actor, t->s->actor) == 0;
    }
    kz_event_list_free(&ev);
    return own;
}

void kz_tui_own_end(kz_tui *t, int64_t mark)
{
    int64_t id = 0;
    kz_err err;
    if (mark < 0 || kz_store_last_event_id(t->s->store, &id, &err) != KZ_OK || id <= mark)
        return;
    if (t->seen_event >= mark && only_own(t, mark, id)) {
        t->seen_event = id; /* nothing unseen but this save: skip it outright */
        return;
    }
    t->own[t->own_next] = (kz_own_range){mark, id};
    t->own_next = (t->own_next + 1) % KZ_TUI_OWN_RANGES;
    if (t->nown < KZ_TUI_OWN_RANGES)
        t->nown++;
}

static bool own_event(const kz_tui *t, const kz_event *e)
{
    if (strcmp(e->actor, t->s->actor) != 0)
        return false;
    for (size_t i = 0; i < t->nown; i++)
        if (e->id > t->own[i].lo && e->id <= t->own[i].hi)
            return true;
    return false;
}

/* How much an event says about what someone did (0: not worth a notice). */
static int event_weight(const kz_event *e)
{
    static const struct {
        const char *kind;
        int weight;
    } w[] = {{"stage", 7}, {"create", 6}, {"delete", 6}, {"owner", 5}, {"field", 4},
             {"activity", 3}, {"stakeholder", 2}, {"import", 1}};
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
        if (strcmp(e->kind, w[i].kind) == 0)
            return w[i].weight;
    return 0;
}

/* Appends s sanitised and fitted into cols columns (kz_text_fit
 * sanitises). */
static void put_fitted(kz_buf *b, const char *s, int cols)
{
    kz_text_fit(b, s, cols, true, false);
}

/* One sentence for what e's author did: "bob moved Acme Ltd to Opportunity". */
static void describe(kz_tui *t, const kz_event *e, kz_buf *out)
{
    kz_buf who = KZ_BUF_INIT, what = KZ_BUF_INIT; /* owned: the author, the object, fitted */
    put_fitted(&who, e->actor, 16);
    const char *wn = kz_buf_str(&who);
    kz_buf lead = KZ_BUF_INIT; /* owned: the lead's name, fitted */
    kz_lead l;
    kz_lead_init(&l);
    kz_err err;
    const char *name = NULL;
    if (e->lead_id && kz_store_lead_get(t->s->store, e->lead_id, &l, &err) == KZ_OK) {
        name = kz_lead_text(&l, KZ_F_NAME);
        if (!name || !*name)
            name = kz_lead_text(&l, KZ_F_COMPANY);
    }
    if (name && *name)
        put_fitted(&lead, name, 28);
    else
        kz_buf_printf(&lead, _("lead %" PRId64), e->lead_id);
    const char *ln = kz_buf_str(&lead);
    /* whole sentences, so that a language may put the words in its own order */
    if (strcmp(e->kind, "stage") == 0) {
        const kz_stage *st = e->new_value ? kz_rules_stage(t->s->rules, e->new_value) : NULL;
        if (st && st->kind == KZ_STAGE_WON) {
            kz_buf_printf(out, _("%s won %s"), wn, ln);
        } else if (st && st->kind == KZ_STAGE_LOST) {
            kz_buf_printf(out, _("%s lost %s"), wn, ln);
        } else {
            put_fitted(&what, st && st->label ? st->label : e->new_value, 20);
            kz_buf_printf(out, _("%s moved %s to %s"), wn, ln, kz_buf_str(&what));
        }
    } else if (strcmp(e->kind, "create") == 0) {
        kz_buf_printf(out, _("%s added %s"), wn, ln);
    } else if (strcmp(e->kind, "delete") == 0) {
        kz_buf_printf(out, _("%s deleted lead %" PRId64), wn, e->lead_id);
    } else if (strcmp(e->kind, "owner") == 0) {
        if (!e->new_value || !*e->new_value) {
            kz_buf_printf(out, _("%s unassigned %s"), wn, ln);
        } else if (strcmp(e->new_value, t->s->actor) == 0) {
            kz_buf_printf(out, _("%s assigned %s to you"), wn, ln);
        } else {
            put_fitted(&what, e->new_value, 16);
            kz_buf_printf(out, _("%s assigned %s to %s"), wn, ln, kz_buf_str(&what));
        }
    } else if (strcmp(e->kind, "field") == 0) {
        kz_buf words = KZ_BUF_INIT; /* owned: the field in words */
        if (e->field)
            kz_label_key(e->field, &words);
        else
            kz_buf_puts(&words, _("a field"));
        put_fitted(&what, kz_buf_str(&words), 20);
        kz_buf_free(&words);
        /* TRANSLATORS: "bob changed next due of Acme Ltd" */
        kz_buf_printf(out, _("%s changed %s of %s"), wn, kz_buf_str(&what), ln);
    } else if (strcmp(e->kind, "activity") == 0) {
        if (e->field && strcmp(e->field, "note") == 0) {
            kz_buf_printf(out, _("%s added a note to %s"), wn, ln);
        } else {
            kz_buf words = KZ_BUF_INIT; /* owned: the activity in words */
            if (e->field)
                kz_label_activity(e->field, e->new_value, &words);
            else
                kz_buf_puts(&words, _("a touch"));
            put_fitted(&what, kz_buf_str(&words), 24);
            kz_buf_free(&words);
            /* TRANSLATORS: "bob logged call, no answer on Acme Ltd" */
            kz_buf_printf(out, _("%s logged %s on %s"), wn, kz_buf_str(&what), ln);
        }
    } else if (strcmp(e->kind, "stakeholder") == 0) {
        /* field "stakeholder.ID" (added or removed) or "stakeholder.ID.FIELD" */
        const char *dot = e->field ? strchr(e->field, '.') : NULL;
        if (dot && strchr(dot + 1, '.'))
            kz_buf_printf(out, _("%s changed a stakeholder of %s"), wn, ln);
        else if (!e->new_value && e->old_value)
            kz_buf_printf(out, _("%s removed a stakeholder from %s"), wn, ln);
        else
            kz_buf_printf(out, _("%s added a stakeholder to %s"), wn, ln);
    } else {
        kz_buf_printf(out, _("%s imported leads"), wn);
    }
    kz_lead_free(&l);
    kz_buf_free(&lead);
    kz_buf_free(&who);
    kz_buf_free(&what);
}

/* Whether e is part of the same save as the events of the group before it
 * (first: the group's first event; version: the lead version its events
 * carry, 0 while none does). Writes go one at a time on both engines, so a
 * save's events are consecutive; a save is one author's, on one lead, at
 * one time, and bumps the lead's version once (its lead events carry that
 * version). A touch is logged before the lead's changes and a save logs
 * one touch of a lead: a touch opens a save of its own. So several saves
 * of one lead within a second (an owner set three times, a note after a
 * note) count, and are told, each on its own. */
static bool same_save(const kz_event *first, int64_t version, const kz_event *e)
{
    if (!first || strcmp(first->actor, e->actor) != 0 || first->lead_id != e->lead_id ||
        first->at != e->at)
        return false;
    if (strcmp(e->kind, "activity") == 0)
        return false;
    return version == 0 || e->version == 0 || e->version == version;
}

/* Reads the events since the last look and puts the latest thing someone
 * else did in the status line, with "(+N more)" for the other changes not
 * told: those of this look, and those the notice it replaces stood for
 * when nothing else took the status line since (no key pressed, no other
 * message), so that changes in quick succession, read in several looks,
 * are none of them lost. The events of one save (same_save) count once,
 * told by the most telling of them. */
static void announce_others(kz_tui *t)
{
    kz_event_list ev = {0}; /* owned */
    kz_err err;
    kz_event best;
    memset(&best, 0, sizeof best);
    bool have = false;
    size_t groups = 0;
    kz_event first;      /* the group's first event (strings not kept) */
    bool in_group = false;
    int64_t group_v = 0; /* the lead version the group's events carry (0: none yet) */
    int group_w = 0;
    for (;;) {
        kz_event_list_free(&ev);
        memset(&ev, 0, sizeof ev);
        if (kz_store_events_after(t->s->store, t->seen_event, 500, &ev, &err) != KZ_OK ||
            ev.n == 0)
            break;
        for (size_t i = 0; i < ev.n; i++) {
            const kz_event *e = &ev.v[i];
            t->seen_event = e->id;
            /* (one's own, or shown in the conflict dialog already) */
            bool known = own_event(t, e) || (t->shown_lead && e->lead_id == t->shown_lead &&
                                             e->id <= t->shown_event);
            int w = known ? 0 : event_weight(e);
            if (!in_group || !same_save(&first, group_v, e)) {
                first = *e;
                first.field = first.old_value = first.new_value = first.detail = NULL;
                in_group = true;
                group_v = 0;
                group_w = 0;
            }
            if (group_v == 0)
                group_v = e->version;
            if (w == 0)
                continue;
            if (group_w == 0)
                groups++;
            if (w > group_w) {
                group_w = w;
                /* the latest group's most telling event */
                if (have) {
                    free(best.field);
                    free(best.old_value);
                    free(best.new_value);
                }
                best = *e;
                best.field = e->field ? kz_xstrdup(e->field) : NULL;
                best.old_value = e->old_value ? kz_xstrdup(e->old_value) : NULL;
                best.new_value = e->new_value ? kz_xstrdup(e->new_value) : NULL;
                best.detail = NULL;
                have = true;
            }
        }
        if (ev.n < 500)
            break;
    }
    kz_event_list_free(&ev);
    if (t->seen_event >= t->shown_event)
        t->shown_lead = 0; /* all the dialog showed is behind */
    if (!have)
        return;
    /* the notice on the status line, unread as far as the board can tell */
    if (t->notice_changes && t->said == t->notice_said && t->status.len > 0)
        groups += t->notice_changes;
    kz_buf msg = KZ_BUF_INIT; /* owned */
    describe(t, &best, &msg);
    if (groups > 1)
        kz_buf_printf(&msg, P_(" (+%zu more)", " (+%zu more)", groups - 1), groups - 1);
    kz_tui_message(t, "%s", kz_buf_str(&msg));
    t->notice_said = t->said;
    t->notice_changes = groups;
    kz_buf_free(&msg);
    free(best.field);
    free(best.old_value);
    free(best.new_value);
}

static void reload_views(kz_tui *t)
{
    for (int i = 0; i < t->depth; i++)
        t->stack[i]->ops->reload(t->stack[i], t);
}

static void reload_all(kz_tui *t)
{
    t->today = kz_today(kz_session_now(t->s));
    if (t->too_small || !kz_tui_reachable(t))
        return;
    presence_refresh(t);
    reload_views(t);
}

/* The one place that reacts to a new terminal size. */
static void handle_resize(kz_tui *t)
{
    int r, c;
    getmaxyx(stdscr, r, c);
    t->rows = r;
    t->cols = c;
    t->too_small = c < KZ_TUI_MIN_COLS || r < KZ_TUI_MIN_ROWS;
    reload_all(t);
}

/* The server stopped answering: said once, the views kept as they are. */
static void tell_unreachable(kz_tui *t)
{
    if (t->unreachable && t->status_error)
        return;
    t->unreachable = true;
    if (t->retry_what) { /* (a change waits for the retry key: said again) */
        kz_tui_error(t, "%s", kz_buf_str(&t->retry_said));
        return;
    }
    kz_tui_error(t,
                 _("the database is unreachable: the board shows what it read last and "
                   "connects again by itself (%s)"),
                 kz_store_where(t->s->store));
}

/* It answers again: said, and true, so that the views reload. A change
 * waiting for the retry key is named: the key saves it now. */
static bool tell_reachable(kz_tui *t)
{
    if (!t->unreachable)
        return false;
    t->unreachable = false;
    if (t->retry_what)
        /* TRANSLATORS: "connected to the database again: r saves your note, Esc drops it" */
        kz_tui_message(t, _("connected to the database again: %s saves your %s, Esc drops it"),
                       t->retry_key, t->retry_what);
    else
        kz_tui_message(t, _("connected to the database again (%s)"),
                       kz_store_where(t->s->store));
    return true;
}

/* The tick while a prompt or a dialog waits for a key: the status line
 * says when the server goes and, in the retry box, when it answers again;
 * the views are read again once the prompt is done (the data version
 * moved on). A prompt being typed in never waits for a server that is
 * known to be down (a connection attempt over a network cut off can take
 * seconds): the board asks again once it is done. */
static void watch_reachable(kz_tui *t)
{
    if (!t->unreachable) {
        kz_tui_reachable(t); /* (no round trip when well) */
        return;
    }
    if (!t->retry_what)
        return;
    kz_err err;
    int64_t v;
    kz_status ks = kz_store_data_version(t->s->store, &v, &err);
    if (ks == KZ_OK)
        tell_reachable(t);
}

bool kz_tui_reachable(kz_tui *t)
{
    /* known to be down: the tick alone asks again (a connection attempt
     * to a server cut off by the network can take seconds), never a key */
    if (t->unreachable)
        return false;
    kz_err err;
    kz_status ks = kz_store_reachable(t->s->store, &err); /* (no round trip when well) */
    if (ks == KZ_EGONE) {
        tell_unreachable(t);
        return false;
    }
    if (ks == KZ_OK)
        tell_reachable(t);
    return true;
}

/* Whether others changed the database since the views were read (or it
 * answers again after it could not be reached). */
static bool poll_data_version(kz_tui *t)
{
    int64_t v;
    kz_err err;
    kz_status ks = kz_store_data_version(t->s->store, &v, &err);
    if (ks == KZ_EGONE)
        tell_unreachable(t);
    if (ks != KZ_OK)
        return false;
    bool back = tell_reachable(t);
    if (v == t->data_version)
        return back;
    t->data_version = v;
    return true;
}

/* Scores decay and windows close while the board is open: recomputes the
 * ones due by now (an indexed count when none is); true when a score
 * changed, so the views reload. */
static bool rescore_due(kz_tui *t)
{
    if (t->opts->readonly)
        return false;
    int64_t changed = 0;
    kz_err err;
    /* one batch a tick, never waiting for another writer's lock: the keys
     * stay live; what is left or was locked out goes in the next ticks */
    if (kz_pipe_rescore_due_now(t->s, &changed, &err) != KZ_OK)
        return false;
    return changed > 0;
}

/* Others' commits that follow within this many ms of a reload wait for the
 * gap to end and show together (see kz_tui_read_key). */
#define KZ_FEED_GAP_MS 200

/* Reads a paste up to its end marker into t->paste, as the terminal sent
 * it; a paste whose end never comes ends after a second without input. */
static void read_paste(kz_tui *t)
{
    kz_buf_reset(&t->paste);
    t->paste_cut = false;
    timeout(1000);
    for (;;) {
        wint_t ch;
        int r = get_wch(&ch);
        if (r == ERR)
            break;
        if (r == KEY_CODE_YES) {
            if (ch == KZ_CURSES_PASTE_END)
                break;
            if (ch == KEY_RESIZE)
                handle_resize(t);
            continue; /* (a key's sequence inside the paste: not text) */
        }
        char b[4];
        size_t n = kz_utf8_encode((long)ch, b);
        if (!t->paste_cut && t->paste.len + n <= KZ_PASTE_MAX)
            kz_buf_append(&t->paste, b, n);
        else
            t->paste_cut = true; /* (the rest is read and dropped, from here on) */
    }
}

/* Whether a signal stops the key reader: Ctrl-C in a prompt or dialog
 * (the readers that do not poll the data) cancels it, as Esc does, and is
 * spent there, so the board stays; a slip of the finger in a note would
 * otherwise end the whole session. On the board, and for every other
 * signal, the board stops. */
static bool stop_reading(bool poll_data)
{
    if (fatal_signal == SIGINT && !poll_data) {
        fatal_signal = 0;
        return true;
    }
    return fatal_signal != 0;
}

bool kz_tui_read_key(kz_tui *t, kz_key *key, bool poll_data)
{
    for (;;) {
        if (stop_reading(poll_data) || terminal_lost)
            return false;
        wint_t ch;
        int r;
        int feed = poll_data ? kz_store_change_fd(t->s->store) : -1;
        if (feed >= 0) {
            /* a database that says when others commit (PostgreSQL's
             * notifications): wait for a key or for that, so their changes
             * show at once rather than at the next tick */
            timeout(0);
            r = get_wch(&ch);
            timeout(1000);
            if (r == ERR && !fatal_signal) {
                struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
                                      {.fd = feed, .events = POLLIN}};
                /* commits in quick succession (a colleague's import, a
                 * team at work) are shown together: within KZ_FEED_GAP_MS
                 * of the last reload only keys are waited for, and what
                 * was committed meanwhile shows when the gap ends; a
                 * commit after a quiet spell shows at once */
                long long since = mono_ms() - t->refreshed_ms;
                bool gap = since >= 0 && since < KZ_FEED_GAP_MS;
                if (poll(p, gap ? 1 : 2, gap ? (int)(KZ_FEED_GAP_MS - since) : 1000) > 0 &&
                    p[0].revents && !terminal_gone())
                    continue; /* a key: read it */
            }
        } else {
            r = get_wch(&ch);
        }
        if (stop_reading(poll_data))
            return false;
        if (r == ERR) {
            /* timeout (once a second), an interrupted read, or a terminal
             * that is gone */
            if (terminal_gone()) {
                terminal_lost = true;
                return false;
            }
            /* the tick's own work once a second, however often others'
             * commits wake the board */
            long long now = mono_ms();
            bool tick = now - t->ticked_ms >= 900 || now < t->ticked_ms;
            unsigned long said = t->said;
            if (tick) {
                t->ticked_ms = now;
                presence_tick(t);
                if (!poll_data)
                    watch_reachable(t);
            }
            bool rescored = poll_data && tick && rescore_due(t);
            bool others = poll_data && poll_data_version(t);
            if (others || rescored) {
                if (others)
                    announce_others(t); /* the board adds where the selected lead went */
                reload_all(t);
                kz_tui_repaint(t);
                t->refreshed_ms = mono_ms();
            } else if (poll_data && tick && presence_recheck(t)) {
                reload_views(t); /* (a detail view lays out who else has it open) */
                kz_tui_repaint(t);
            } else if (t->said != said) {
                kz_tui_repaint(t); /* (the server went: the status line says so) */
            }
            continue;
        }
        if (r == KEY_CODE_YES) {
            if (ch == KZ_CURSES_PASTE_BEGIN) {
                read_paste(t);
                *key = KZ_KEY_PASTE;
                return true;
            }
            if (ch == KZ_CURSES_PASTE_END)
                continue; /* (an end without its start) */
            if (ch == KEY_RESIZE) {
                handle_resize(t);
                kz_tui_repaint(t);
                continue;
            }
            if (ch == KEY_ENTER) {
                *key = '\r';
                return true;
            }
            *key = KZ_KEY_FUNC + (int)ch;
            return true;
        }
        if (ch == '\n')
            ch = '\r';
        if (ch == 127 || ch == 8) {
            *key = KZ_KEY_FUNC + KEY_BACKSPACE;
            return true;
        }
        *key = (kz_key)ch;
        return true;
    }
}

bool kz_tui_stopping(void)
{
    return fatal_signal != 0 || terminal_lost;
}

bool kz_tui_input_pending(void)
{
    wint_t ch;
    timeout(0);
    int r = get_wch(&ch);
    timeout(1000);
    if (r == ERR)
        return false;
    if (r == KEY_CODE_YES)
        ungetch((int)ch);
    else
        unget_wch((wchar_t)ch);
    return true;
}

/* ---- views and dispatch ---- */

void kz_tui_push(kz_tui *t, kz_view *v)
{
    if (t->depth == KZ_TUI_MAX_VIEWS) {
        v->ops->destroy(v);
        return;
    }
    t->stack[t->depth++] = v;
    if (!t->too_small)
        v->ops->reload(v, t);
}

static void pop_view(kz_tui *t)
{
    if (t->depth <= 1)
        return;
    kz_view *v = t->stack[--t->depth];
    v->ops->destroy(v);
}

bool kz_action_edits(kz_action a)
{
    switch (a) {
    case KZ_ACT_MOVE_NEXT:
    case KZ_ACT_MOVE_PREV:
    case KZ_ACT_WON:
    case KZ_ACT_LOST:
    case KZ_ACT_UNDO:
    case KZ_ACT_ADD:
    case KZ_ACT_EDIT:
    case KZ_ACT_NOTE:
    case KZ_ACT_NOTE_EDITOR:
    case KZ_ACT_LOG_CALL:
    case KZ_ACT_LOG_EMAIL:
    case KZ_ACT_LOG_MEETING:
    case KZ_ACT_FOLLOWUP:
    case KZ_ACT_ASSIGN:
        return true;
    default:
        return false;
    }
}

static unsigned dispatch(kz_tui *t, kz_action a)
{
    kz_view *top = t->stack[t->depth - 1];
    unsigned f = top->ops->action(top, t, a);
    if (!(f & KZ_UI_UNBOUND))
        return f;
    switch (a) {
    case KZ_ACT_QUIT:
        return t->depth > 1 ? KZ_UI_POP | KZ_UI_REDRAW : KZ_UI_QUIT;
    case KZ_ACT_BACK:
        return t->depth > 1 ? KZ_UI_POP | KZ_UI_REDRAW : KZ_UI_REDRAW;
    case KZ_ACT_HELP:
        kz_tui_push(t, kz_help_view_new(t));
        return KZ_UI_REDRAW;
    case KZ_ACT_REPORTS:
        kz_tui_push(t, kz_reports_view_new(t));
        return KZ_UI_REDRAW;
    case KZ_ACT_TRIAGE:
        kz_tui_push(t, kz_triage_view_new(t));
        return KZ_UI_REDRAW;
    case KZ_ACT_ACCOUNT: {
        int64_t id = 0, version = 0;
        if (!top->ops->current || !top->ops->current(top, &id, &version)) {
            kz_tui_error(t, _("no lead selected"));
            return KZ_UI_REDRAW;
        }
        kz_tui_push(t, kz_account_view_new(t, id));
        return KZ_UI_REDRAW;
    }
    case KZ_ACT_REDRAW:
        clearok(curscr, TRUE);
        kz_buf_reset(&t->status);
        return KZ_UI_RELOAD;
    case KZ_ACT_TOGGLE_BIDI:
        /* the sample is drawn the new way: the user sees which reads right */
        draw_visual = !draw_visual;
        clearok(curscr, TRUE);
        kz_tui_message(t, draw_visual ? _("bidi: kariz (kariz lays out right-to-left text); "
                                          "this should read \"%s\": %s")
                                      : _("bidi: terminal (the terminal lays out right-to-left "
                                          "text); this should read \"%s\": %s"),
                       _("sales pipeline"), KZ_TUI_BIDI_SAMPLE);
        return KZ_UI_REDRAW;
    default:
        break;
    }
    if (kz_action_edits(a)) {
        if (t->opts->readonly) {
            kz_tui_refuse_readonly(t, a);
            return KZ_UI_REDRAW;
        }
        int64_t id = 0, version = 0;
        if (a != KZ_ACT_UNDO && a != KZ_ACT_ADD &&
            (!top->ops->current || !top->ops->current(top, &id, &version))) {
            kz_tui_error(t, _("no lead selected"));
            return KZ_UI_REDRAW;
        }
        return kz_leadop(t, a, id, version, NULL);
    }
    kz_tui_message(t, _("%s does not apply here"), kz_action_get(a)->name);
    return KZ_UI_REDRAW;
}

static void unbound_key(kz_tui *t, kz_key key)
{
    char name[32];
    kz_key_name(key, name, sizeof name);
    kz_tui_message(t, _("%s is not bound to anything here (? lists the keys)"), name);
}

static kz_status load_config(kz_tui *t, kz_err *err)
{
    for (int i = 0; i < KZ_ROLE__COUNT; i++)
        t->theme.role[i] = (kz_style){KZ_COLOR_DEFAULT, KZ_COLOR_DEFAULT, 0, false};
    kz_status st = kz_tui_config_parse("built-in keys.conf", kz_embedded_keys,
                                       kz_embedded_keys_len, &t->km, &t->theme, err);
    if (st != KZ_OK)
        return st;
    if (t->opts->keys_file)
        return kz_tui_config_file(t->opts->keys_file, &t->km, &t->theme, err);
    char path[4096];
    kz_config_dir(path, sizeof path);
    size_t len = strlen(path);
    snprintf(path + len, sizeof path - len, "/keys.conf");
    struct stat sb;
    if (stat(path, &sb) != 0)
        return KZ_OK;
    return kz_tui_config_file(path, &t->km, &t->theme, err);
}

kz_status kz_tui_need_terminal(const kz_tui_opts *opts, kz_err *err)
{
    if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
        return KZ_OK;
    const char *which = !isatty(STDIN_FILENO) ? _("standard input") : _("standard output");
    if (opts->triage)
        return kz_err_set(err, KZ_EUSAGE,
                          _("triage needs a terminal (%s is not one); it has no batch mode: "
                            "from a script, `kariz agenda` and `kariz list --overdue` find the "
                            "leads, `kariz move`, `kariz lost`, `kariz followup` and "
                            "`kariz assign` decide"), which);
    return kz_err_set(err, KZ_EUSAGE,
                      _("the board needs a terminal (%s is not one); from a script use the "
                        "commands: `kariz list`, `kariz show ID`, `kariz --help`"), which);
}

void kz_tui_refuse_readonly(kz_tui *t, kz_action a)
{
    if (t->opts->readonly_why && *t->opts->readonly_why)
        /* TRANSLATORS: "read-only: your role dana may read but not change
         * the leads of ...; move-next is refused" */
        kz_tui_error(t, _("read-only: %s; %s is refused"), t->opts->readonly_why,
                     kz_action_get(a)->name);
    else
        kz_tui_error(t, _("read-only: the database is open read-only, so %s is refused"),
                     kz_action_get(a)->name);
}

kz_status kz_tui_run(kz_session *s, const kz_tui_opts *opts, kz_err *err)
{
    kz_status st = kz_tui_need_terminal(opts, err);
    if (st != KZ_OK)
        return st;
    setlocale(LC_ALL, ""); /* wide characters need the user's UTF-8 locale */
    kz_tui t;
    memset(&t, 0, sizeof t);
    t.s = s;
    t.opts = opts;
    t.filter.mine = opts->mine;
    t.filter.sort = KZ_SORT_SCORE;
    st = load_config(&t, err);
    if (st != KZ_OK) {
        kz_keymaps_free(&t.km);
        return st;
    }
    if (t.km.mine) /* the personal setting: start with "mine" */
        t.filter.mine = true;
    draw_visual = kz_prefs_get()->bidi == KZ_BIDI_KARIZ;
    t.rtl = kz_prefs_get()->direction == KZ_DIR_RTL;
    if (t.rtl) /* the pointing keys follow the eye on a right-to-left board */
        kz_keymap_mirror(&t.km);
    kz_err e2;
    kz_store_data_version(s->store, &t.data_version, &e2);
    if (kz_store_last_event_id(s->store, &t.seen_event, &e2) != KZ_OK)
        t.seen_event = 0;
    t.today = kz_today(kz_session_now(s));

    struct sigaction saved[3];
    fatal_signal = 0;
    terminal_lost = false;
    install_signals(saved);
    struct termios tio_before; /* the modes to restore after a crash */
    bool have_before = tcgetattr(STDIN_FILENO, &tio_before) == 0;
    if (!initscr()) {
        restore_signals(saved);
        kz_keymaps_free(&t.km);
        return kz_err_set(err, KZ_EIO, _("cannot start the terminal interface (is TERM set?)"));
    }
    curses_active = true;
    /* ncurses (6.4) sends what it has after every cursor move until the
     * screen has been suspended and resumed once: a whole board is then a
     * hundred writes to the terminal, and as many packets over SSH. Left
     * and re-entered before anything is drawn or read, every refresh is
     * then one write. */
    endwin();
    refresh();
    if (have_before)
        install_crash_handlers(&tio_before);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    /* a paste comes between these markers (bracketed paste), read whole */
    define_key("\033[200~", KZ_CURSES_PASTE_BEGIN);
    define_key("\033[201~", KZ_CURSES_PASTE_END);
    kz_tui_paste_mode(true);
    install_tstp();
    set_escdelay(25);
    timeout(1000);
    curs_set(0);
    theme_apply(&t);
    getmaxyx(stdscr, t.rows, t.cols);
    t.too_small = t.cols < KZ_TUI_MIN_COLS || t.rows < KZ_TUI_MIN_ROWS;

    kz_tui_push(&t, kz_board_view_new(&t));
    if (opts->triage)
        kz_tui_push(&t, kz_triage_view_new(&t));
    if (opts->readonly && opts->readonly_why)
        kz_tui_message(&t, _("read-only: %s; browsing only, changes are refused"),
                       opts->readonly_why);
    else if (opts->readonly)
        kz_tui_message(&t, _("read-only: browsing only; changes are refused"));
    if (opts->rules_warning) /* the file's own error, with its line and column */
        kz_tui_error(&t, "%s", opts->rules_warning);
    else if (opts->rules_notice)
        kz_tui_message(&t, "%s", opts->rules_notice);
    unsigned flags = KZ_UI_REDRAW;
    for (;;) {
        if (flags & KZ_UI_POP)
            pop_view(&t);
        if (flags & KZ_UI_RELOAD)
            reload_all(&t);
        const char *refused = kz_hooks_take_notice(); /* a hook refused by the last change */
        if (refused) {
            kz_tui_error(&t, "%s", refused);
            flags |= KZ_UI_REDRAW;
        }
        if (flags & (KZ_UI_REDRAW | KZ_UI_RELOAD | KZ_UI_POP))
            kz_tui_repaint(&t);
        if (flags & KZ_UI_QUIT)
            break;
        presence_tick(&t);
        /* the screen is shown (and this board announced): what searches
         * need (after the first screen; a board sorted by name, once it
         * is), a piece at a time while no key waits (a key is read between
         * pieces) */
        while (!kz_tui_input_pending() && kz_store_settle(s->store)) {
        }
        kz_key key;
        if (!kz_tui_read_key(&t, &key, true))
            break;
        if (key == KZ_KEY_PASTE) {
            /* not keys: the text of a paste is taken in a prompt only */
            kz_tui_error(&t, _("pasted text is taken only in a prompt (a note, a field, a "
                               "search): nothing was done with it"));
            flags = KZ_UI_REDRAW;
            continue;
        }
        if (t.too_small) {
            kz_action a = kz_keymap_lookup(&t.km, KZ_KM_GENERIC, key);
            flags = a == KZ_ACT_QUIT ? KZ_UI_QUIT : 0;
            continue;
        }
        kz_view *top = t.stack[t.depth - 1];
        kz_action a = kz_keymap_lookup(&t.km, top->ops->keymap, key);
        if (a == KZ_ACT_NONE) {
            unbound_key(&t, key);
            flags = KZ_UI_REDRAW;
            continue;
        }
        kz_buf_reset(&t.status);
        t.status_error = false;
        flags = dispatch(&t, a);
    }

    restore_terminal();
    if (have_before)
        remove_crash_handlers();
    if (t.presence_beat) { /* this board is gone: others stop showing it */
        kz_err e3;
        kz_presence_leave(s, &e3);
    }
    free(t.present);
    kz_undo_stack_free(&t);
    while (t.depth > 0) {
        kz_view *v = t.stack[--t.depth];
        v->ops->destroy(v);
    }
    kz_keymaps_free(&t.km);
    kz_buf_free(&t.status);
    kz_buf_free(&t.paste);
    kz_buf_free(&t.retry_said);
    restore_signals(saved);
    if (terminal_lost) {
        terminal_lost = false;
        return kz_err_set(err, KZ_EINTERRUPTED,
                          _("board stopped: its terminal went away (hung up or closed)"));
    }
    if (fatal_signal) {
        int sig = fatal_signal;
        fatal_signal = 0;
        return kz_err_set(err, KZ_EINTERRUPTED, _("board stopped by signal %d (%s)"), sig,
                          sig == SIGINT ? _("interrupt") : sig == SIGTERM ? _("terminate")
                                                                         : _("hangup"));

    }
    return KZ_OK;
}
